/* The carriers of Office documents (src/office/archive.c): ZIP archives,
 * also encrypted with a password written in the mail body, RTF objects,
 * MHT and ActiveMime, and the password finder.  Every fixture is built
 * here, harmless: small OLE2 files made with libgsf, ZIPs written by a
 * tiny writer (with a ZipCrypto encryptor: test code only), RTF and MIME
 * text. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gmime/gmime.h>

#include "office/office-private.h"

/* -- building fixtures ------------------------------------------------------ */

static guint32
test_crc_byte (guint32 crc, guint8 b)
{
	crc ^= b;
	for (int k = 0; k < 8; k++)
		crc = (crc & 1) ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
	return crc;
}

static guint32
test_crc32 (const guint8 *p, gsize len)
{
	guint32 crc = 0xffffffffu;
	for (gsize i = 0; i < len; i++)
		crc = test_crc_byte (crc, p[i]);
	return crc ^ 0xffffffffu;
}

static GBytes *
compress (const guint8 *data, gsize len, GZlibCompressorFormat format)
{
	g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (format, 9);
	GByteArray *out = g_byte_array_new ();
	guint8 buf[16384];
	gsize pos = 0;
	for (;;) {
		gsize nread = 0, written = 0;
		g_autoptr (GError) error = NULL;
		GConverterResult r = g_converter_convert (G_CONVERTER (z), data + pos, len - pos, buf, sizeof buf,
		                                          G_CONVERTER_INPUT_AT_END, &nread, &written, &error);
		g_assert_no_error (error);
		pos += nread;
		g_byte_array_append (out, buf, (guint) written);
		if (r == G_CONVERTER_FINISHED)
			break;
	}
	return g_byte_array_free_to_bytes (out);
}

static void
put16 (GByteArray *a, guint v)
{
	guint8 b[2] = { v & 0xff, (v >> 8) & 0xff };
	g_byte_array_append (a, b, 2);
}

static void
put32 (GByteArray *a, guint32 v)
{
	guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
	g_byte_array_append (a, b, 4);
}

static void
put_str (GByteArray *a, const char *s)
{
	g_byte_array_append (a, (const guint8 *) s, (guint) strlen (s));
}

/* ZipCrypto as APPNOTE 6.1 describes it: only to make encrypted fixtures. */
typedef struct {
	guint32 k[3];
} test_keys;

static void
keys_update (test_keys *t, guint8 c)
{
	t->k[0] = test_crc_byte (t->k[0], c);
	t->k[1] = (t->k[1] + (t->k[0] & 0xff)) * 134775813u + 1;
	t->k[2] = test_crc_byte (t->k[2], (guint8) (t->k[1] >> 24));
}

static guint8
keys_encrypt (test_keys *t, guint8 plain)
{
	guint32 tmp = (t->k[2] | 2) & 0xffff;
	guint8 c = plain ^ (guint8) ((tmp * (tmp ^ 1)) >> 8);
	keys_update (t, plain);
	return c;
}

typedef struct {
	const char *name;        /* as stored, in whatever encoding */
	GBytes     *data;
	gboolean    deflate;
	const char *password;    /* ZipCrypto when set */
	guint16     flags;       /* more flags, e.g. 0x0800 (UTF-8 name) */
	gboolean    aes;         /* WinZip AES: method 99, extra 0x9901 (payload not real) */
	gboolean    descriptor;  /* bit 3: CRC and sizes after the data */
	guint32     crc_xor;     /* damages the recorded CRC */
} member;

#define TIME 0x6a5c
#define DATE 0x5a21

static GBytes *
build_zip (const member *m, guint n)
{
	GByteArray *out = g_byte_array_new ();
	g_autoptr (GByteArray) cd = g_byte_array_new ();

	for (guint i = 0; i < n; i++) {
		gsize plain_len;
		const guint8 *plain = g_bytes_get_data (m[i].data, &plain_len);
		guint32 crc = test_crc32 (plain, plain_len) ^ m[i].crc_xor;
		g_autoptr (GBytes) comp = m[i].deflate ? compress (plain, plain_len, G_ZLIB_COMPRESSOR_FORMAT_RAW)
		                                       : g_bytes_ref (m[i].data);
		g_autoptr (GByteArray) payload = g_byte_array_new ();
		gsize comp_len;
		const guint8 *c = g_bytes_get_data (comp, &comp_len);
		guint16 flags = m[i].flags | (m[i].password || m[i].aes ? 1 : 0) | (m[i].descriptor ? 8 : 0);
		guint16 method = m[i].aes ? 99 : m[i].deflate ? 8 : 0;
		g_autoptr (GByteArray) extra = g_byte_array_new ();

		if (m[i].password) {
			test_keys t = { { 0x12345678u, 0x23456789u, 0x34567890u } };
			for (const char *p = m[i].password; *p; p++)
				keys_update (&t, (guint8) *p);
			for (int k = 0; k < 12; k++) {
				guint8 h = (guint8) (k * 37 + 11);
				if (k == 11)
					h = m[i].descriptor ? (TIME >> 8) : (guint8) (crc >> 24);
				guint8 e = keys_encrypt (&t, h);
				g_byte_array_append (payload, &e, 1);
			}
			for (gsize k = 0; k < comp_len; k++) {
				guint8 e = keys_encrypt (&t, c[k]);
				g_byte_array_append (payload, &e, 1);
			}
		} else {
			g_byte_array_append (payload, c, (guint) comp_len);
		}
		if (m[i].aes) {
			put16 (extra, 0x9901);
			put16 (extra, 7);
			put16 (extra, 2);
			put_str (extra, "AE");
			guint8 tail[3] = { 3, 8, 0 };
			g_byte_array_append (extra, tail, 3);
		}

		guint32 offset = out->len;
		put_str (out, "PK\x03\x04");
		put16 (out, 20);
		put16 (out, flags);
		put16 (out, method);
		put16 (out, TIME);
		put16 (out, DATE);
		put32 (out, m[i].descriptor ? 0 : crc);
		put32 (out, m[i].descriptor ? 0 : payload->len);
		put32 (out, m[i].descriptor ? 0 : (guint32) plain_len);
		put16 (out, (guint) strlen (m[i].name));
		put16 (out, extra->len);
		put_str (out, m[i].name);
		g_byte_array_append (out, extra->data, extra->len);
		g_byte_array_append (out, payload->data, payload->len);
		if (m[i].descriptor) {
			put_str (out, "PK\x07\x08");
			put32 (out, crc);
			put32 (out, payload->len);
			put32 (out, (guint32) plain_len);
		}

		put_str (cd, "PK\x01\x02");
		put16 (cd, 20);
		put16 (cd, 20);
		put16 (cd, flags);
		put16 (cd, method);
		put16 (cd, TIME);
		put16 (cd, DATE);
		put32 (cd, crc);
		put32 (cd, payload->len);
		put32 (cd, (guint32) plain_len);
		put16 (cd, (guint) strlen (m[i].name));
		put16 (cd, extra->len);
		put16 (cd, 0);
		put16 (cd, 0);
		put16 (cd, 0);
		put32 (cd, 0);
		put32 (cd, offset);
		put_str (cd, m[i].name);
		g_byte_array_append (cd, extra->data, extra->len);
	}
	guint32 cd_offset = out->len;
	g_byte_array_append (out, cd->data, cd->len);
	put_str (out, "PK\x05\x06");
	put16 (out, 0);
	put16 (out, 0);
	put16 (out, n);
	put16 (out, n);
	put32 (out, cd->len);
	put32 (out, cd_offset);
	put16 (out, 0);
	return g_byte_array_free_to_bytes (out);
}

static GBytes *
text_bytes (const char *s)
{
	return g_bytes_new (s, strlen (s));
}

/* With MH_WRITE_SEEDS=DIR the fixtures are also written to DIR: that is
 * how tests/fuzz/seeds/archive was made. */
static void
seed (const char *name, const void *data, gsize len)
{
	const char *dir = g_getenv ("MH_WRITE_SEEDS");
	if (!dir)
		return;
	g_autofree char *path = g_build_filename (dir, name, NULL);
	g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
}

static void
seed_bytes (const char *name, GBytes *bytes)
{
	seed (name, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A small OLE2 file; with @vba, a "VBA" storage as a macro project has. */
static GBytes *
build_ole2 (gboolean vba)
{
	g_autoptr (GsfOutput) mem = gsf_output_memory_new ();
	g_autoptr (GsfOutfile) ole = gsf_outfile_msole_new (mem);
	if (vba) {
		g_autoptr (GsfOutput) storage = gsf_outfile_new_child (ole, "VBA", TRUE);
		g_autoptr (GsfOutput) stream = gsf_outfile_new_child (GSF_OUTFILE (storage), "_VBA_PROJECT", FALSE);
		gsf_output_write (stream, 7, (const guint8 *) "\xcc\x61\xff\xff\x00\x00\x00");
		gsf_output_close (stream);
		gsf_output_close (storage);
	}
	g_autoptr (GsfOutput) contents = gsf_outfile_new_child (ole, "Contents", FALSE);
	gsf_output_write (contents, 24, (const guint8 *) "harmless test contents..");
	gsf_output_close (contents);
	gsf_output_close (GSF_OUTPUT (ole));
	const guint8 *p = gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (mem));
	return g_bytes_new (p, (gsize) gsf_output_size (mem));
}

/* A minimal WordprocessingML package: enough for the dispatcher to call
 * it OOXML. */
static GBytes *
build_docx (void)
{
	member m[] = {
		{ .name = "[Content_Types].xml", .data = text_bytes (
			"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
			"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
			"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
			"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
			"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-"
			"officedocument.wordprocessingml.document.main+xml\"/></Types>") },
		{ .name = "_rels/.rels", .data = text_bytes (
			"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
			"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
			"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
			"relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>") },
		{ .name = "word/document.xml", .deflate = TRUE, .data = text_bytes (
			"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
			"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
			"<w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>") },
	};
	GBytes *zip = build_zip (m, G_N_ELEMENTS (m));
	for (gsize i = 0; i < G_N_ELEMENTS (m); i++)
		g_bytes_unref (m[i].data);
	return zip;
}

static mh_document *
analyse_bytes (GBytes *bytes, const char *name, const mh_office_options *options)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	return mh_document_analyse (p, len, name, options);
}

static const mh_finding *
find_finding (const mh_document *doc, const char *id)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, id) == 0)
			return f;
	}
	return NULL;
}

static gboolean
has_problem (const mh_document *doc, const char *part)
{
	for (guint i = 0; i < doc->problems->len; i++)
		if (strstr (g_ptr_array_index (doc->problems, i), part))
			return TRUE;
	return FALSE;
}

static const mh_ioc *
find_ioc (const mh_document *doc, const char *kind, const char *value)
{
	for (guint i = 0; i < doc->iocs->len; i++) {
		const mh_ioc *ioc = g_ptr_array_index (doc->iocs, i);
		if (strcmp (ioc->kind, kind) == 0 && strcmp (ioc->value, value) == 0)
			return ioc;
	}
	return NULL;
}

static gboolean
has_property (const mh_document *doc, const char *name, const char *value)
{
	for (guint i = 0; i < doc->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (doc->properties, i);
		if (strcmp (p->name, name) == 0 && strcmp (p->value, value) == 0)
			return TRUE;
	}
	return FALSE;
}

static mh_document *
child (const mh_document *doc, guint i)
{
	g_assert_cmpuint (doc->children->len, >, i);
	return g_ptr_array_index (doc->children, i);
}

/* -- ZIP ------------------------------------------------------------------- */

static void
test_zip_plain (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GBytes) docx = build_docx ();
	member m[] = {
		{ .name = "report.docx", .data = g_bytes_ref (docx), .deflate = TRUE },
		{ .name = "readme.txt", .data = text_bytes ("just text\n") },
		{ .name = "docs/", .data = text_bytes ("") },
		{ .name = "setup.exe", .data = text_bytes ("MZ harmless stand-in"), .deflate = TRUE },
		{ .name = "../../evil/invoice.js", .data = text_bytes ("// harmless\n") },
	};
	g_autoptr (GBytes) zip = build_zip (m, G_N_ELEMENTS (m));
	for (gsize i = 0; i < G_N_ELEMENTS (m); i++)
		g_bytes_unref (m[i].data);

	seed_bytes ("plain.zip", zip);
	g_autoptr (mh_document) doc = analyse_bytes (zip, "plain.zip", &options);
	g_assert_cmpstr (doc->format, ==, "zip");
	g_assert_cmpuint (doc->children->len, ==, 1);
	mh_document *c = child (doc, 0);
	g_assert_cmpstr (c->name, ==, "report.docx");
	g_assert_cmpint (c->depth, ==, 1);
	g_assert_true (strcmp (c->format, "ooxml") == 0 || strcmp (c->format, "docx") == 0);
	g_assert_null (c->password);
	g_assert_true (has_property (doc, "archive-member", "readme.txt (10 bytes)"));
	g_assert_nonnull (find_ioc (doc, "executable", "setup.exe"));
	/* a path that climbs out is only text: we never write files */
	g_assert_nonnull (find_ioc (doc, "executable", "../../evil/invoice.js"));
	const mh_finding *f = find_finding (doc, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_nonnull (strstr (f->evidence, "sha256 "));
	g_assert_null (find_finding (doc, "archive.encrypted"));
	g_assert_cmpuint (doc->problems->len, ==, 0);
}

static void
test_zip_password_in_body (gconstpointer data)
{
	gboolean deflate = GPOINTER_TO_INT (data) & 1;
	gboolean descriptor = GPOINTER_TO_INT (data) & 2;
	const char *body = "お世話になっております。\n請求書を添付いたします。\n"
	                   "パスワード：Ab12cd\nよろしくお願いいたします。\n";
	g_autoptr (GPtrArray) passwords = mh_passwords_from_text (body);
	g_assert_cmpuint (passwords->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (passwords, 0), ==, "Ab12cd");

	g_autoptr (GBytes) ole = build_ole2 (FALSE);
	member m[] = {
		/* 請求書.doc in CP932, no UTF-8 flag: what Japanese Windows writes */
		{ .name = "\x90\xbf\x8b\x81\x8f\x91.doc", .data = g_bytes_ref (ole), .deflate = deflate,
		  .password = "Ab12cd", .descriptor = descriptor },
	};
	g_autoptr (GBytes) zip = build_zip (m, 1);
	/* the fuzz harness tries "infected" (the analysts' convention) */
	m[0].password = "infected";
	g_autoptr (GBytes) infected = build_zip (m, 1);
	g_bytes_unref (m[0].data);
	g_autofree char *seed_name = g_strdup_printf ("zipcrypto-%d.zip", GPOINTER_TO_INT (data));
	seed_bytes (seed_name, infected);

	mh_office_options options;
	mh_office_options_init_default (&options);
	options.passwords = passwords;
	options.passwords_source = "mail-body";
	g_autoptr (mh_document) doc = analyse_bytes (zip, "請求書.zip", &options);
	g_assert_cmpstr (doc->format, ==, "zip");
	mh_document *c = child (doc, 0);
	g_assert_cmpstr (c->name, ==, "請求書.doc");
	g_assert_cmpstr (c->format, ==, "ole2");
	g_assert_cmpstr (c->password, ==, "Ab12cd");
	g_assert_cmpstr (c->password_source, ==, "mail-body");
	g_assert_cmpuint (c->size, ==, g_bytes_get_size (ole));
	const mh_finding *f = find_finding (doc, "archive.password-in-body");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_cmpstr (f->location, ==, "請求書.doc");
	g_assert_nonnull (strstr (f->summary, "Emotet"));
	g_assert_null (find_finding (doc, "archive.encrypted"));

	/* the same password from elsewhere: opened, no mail-body finding */
	options.passwords_source = NULL;
	g_autoptr (mh_document) doc2 = analyse_bytes (zip, "a.zip", &options);
	g_assert_cmpstr (child (doc2, 0)->password, ==, "Ab12cd");
	g_assert_null (child (doc2, 0)->password_source);
	g_assert_null (find_finding (doc2, "archive.password-in-body"));
}

/* one archive, one password-in-body finding, however many members it opens */
static void
test_zip_password_once (void)
{
	g_autoptr (GBytes) ole = build_ole2 (FALSE);
	member m[] = {
		{ .name = "a.doc", .data = ole, .deflate = TRUE, .password = "Ab12cd" },
		{ .name = "b.doc", .data = ole, .password = "Ab12cd" },
		{ .name = "c.txt", .data = ole, .password = "Ab12cd" },
	};
	g_autoptr (GBytes) zip = build_zip (m, G_N_ELEMENTS (m));
	g_autoptr (GPtrArray) passwords = mh_passwords_from_text ("pw: wrong1\nPassword: Ab12cd\n");
	g_assert_cmpuint (passwords->len, ==, 2);
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.passwords = passwords;
	options.passwords_source = "mail-body";
	g_autoptr (mh_document) doc = analyse_bytes (zip, "three.zip", &options);
	g_assert_cmpuint (doc->children->len, ==, 3);
	guint n = 0;
	for (guint i = 0; i < doc->findings->len; i++)
		n += strcmp (((mh_finding *) g_ptr_array_index (doc->findings, i))->id, "archive.password-in-body") == 0;
	g_assert_cmpuint (n, ==, 1);
	g_assert_cmpstr (child (doc, 2)->password, ==, "Ab12cd");
}

static void
test_zip_wrong_password (void)
{
	g_autoptr (GBytes) ole = build_ole2 (FALSE);
	member m[] = {
		{ .name = "invoice.doc", .data = g_bytes_ref (ole), .deflate = TRUE, .password = "right" },
	};
	g_autoptr (GBytes) zip = build_zip (m, 1);
	g_bytes_unref (m[0].data);

	/* many wrong passwords: the check byte lets about one in 256 through to
	 * the CRC, which must then refuse it */
	g_autoptr (GPtrArray) passwords = g_ptr_array_new_with_free_func (g_free);
	for (int i = 0; i < 600; i++)
		g_ptr_array_add (passwords, g_strdup_printf ("wrong%d", i));
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.passwords = passwords;
	options.passwords_source = "mail-body";
	g_autoptr (mh_document) doc = analyse_bytes (zip, "x.zip", &options);
	g_assert_cmpuint (doc->children->len, ==, 0);
	const mh_finding *f = find_finding (doc, "archive.encrypted");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_cmpstr (f->location, ==, "invoice.doc");
	g_assert_nonnull (strstr (f->summary, "contents not inspected"));
	g_assert_null (find_finding (doc, "archive.password-in-body"));

	/* no passwords at all */
	options.passwords = NULL;
	g_autoptr (mh_document) doc2 = analyse_bytes (zip, "x.zip", &options);
	g_assert_nonnull (find_finding (doc2, "archive.encrypted"));
}

static void
test_zip_aes (void)
{
	member m[] = {
		{ .name = "secret.docm", .data = text_bytes ("not really AES, never read"), .aes = TRUE },
	};
	g_autoptr (GBytes) zip = build_zip (m, 1);
	g_bytes_unref (m[0].data);
	mh_office_options options;
	mh_office_options_init_default (&options);
	seed_bytes ("aes.zip", zip);
	g_autoptr (mh_document) doc = analyse_bytes (zip, "aes.zip", &options);
	const mh_finding *f = find_finding (doc, "archive.unsupported");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_nonnull (strstr (f->summary, "AES"));
	g_assert_cmpuint (doc->children->len, ==, 0);
}

static void
test_zip_bomb (void)
{
	gsize big = 8u << 20;
	g_autofree guint8 *zeros = g_malloc0 (big);
	member m[] = {
		{ .name = "zeros.bin", .data = g_bytes_new_static (zeros, big), .deflate = TRUE },
	};
	g_autoptr (GBytes) zip = build_zip (m, 1);
	g_bytes_unref (m[0].data);
	g_assert_cmpuint (g_bytes_get_size (zip), <, 64 * 1024);
	mh_office_options options;
	mh_office_options_init_default (&options);
	seed_bytes ("bomb.zip", zip);
	g_autoptr (mh_document) doc = analyse_bytes (zip, "bomb.zip", &options);
	g_assert_true (has_problem (doc, "zip bomb"));
	g_assert_cmpuint (doc->properties->len, ==, 0);

	/* a member over max_document_size is not opened either: 200 KiB of
	 * hex digits deflate to about half, in an archive under the cap */
	GString *hex = g_string_new (NULL);
	guint32 x = 1;
	for (int i = 0; i < 200 * 1024; i++) {
		x = x * 1103515245u + 12345u;
		g_string_append_c (hex, "0123456789abcdef"[(x >> 16) & 15]);
	}
	member s[] = { { .name = "big.txt", .data = g_bytes_new (hex->str, hex->len), .deflate = TRUE } };
	g_string_free (hex, TRUE);
	g_autoptr (GBytes) zip2 = build_zip (s, 1);
	g_bytes_unref (s[0].data);
	g_assert_cmpuint (g_bytes_get_size (zip2), <, 150 * 1024);
	options.limits.max_document_size = 150 * 1024;
	g_autoptr (mh_document) doc2 = analyse_bytes (zip2, "big.zip", &options);
	g_assert_true (has_problem (doc2, "over the cap"));
	g_assert_cmpuint (doc2->properties->len, ==, 0);
	options.limits.max_document_size = 256 * 1024;
	g_autoptr (mh_document) doc3 = analyse_bytes (zip2, "big.zip", &options);
	g_assert_cmpuint (doc3->problems->len, ==, 0);
	g_assert_true (has_property (doc3, "archive-member", "big.txt (204800 bytes)"));
}

static void
test_zip_damaged (void)
{
	g_autoptr (GBytes) docx = build_docx ();
	g_autoptr (GBytes) ole = build_ole2 (FALSE);
	member m[] = {
		{ .name = "a.docx", .data = g_bytes_ref (docx), .deflate = TRUE },
		{ .name = "b.doc", .data = g_bytes_ref (ole), .deflate = TRUE },
	};
	g_autoptr (GBytes) zip = build_zip (m, 2);
	for (gsize i = 0; i < 2; i++)
		g_bytes_unref (m[i].data);
	gsize len;
	const guint8 *p = g_bytes_get_data (zip, &len);
	mh_office_options options;
	mh_office_options_init_default (&options);

	/* truncated in the second member: the first is still found from its local header */
	gsize first_end = 30 + strlen ("a.docx") + 0;
	{
		/* local header of the second member */
		const guint8 *second = NULL;
		for (gsize i = 4; i + 4 < len; i++)
			if (memcmp (p + i, "PK\x03\x04", 4) == 0) {
				second = p + i;
				break;
			}
		g_assert_nonnull (second);
		first_end = (gsize) (second - p);
	}
	seed ("cut.zip", p, first_end + 100);
	g_autoptr (mh_document) cut = mh_document_analyse (p, first_end + 100, "cut.zip", &options);
	g_assert_true (has_problem (cut, "no readable central directory"));
	g_assert_cmpuint (cut->children->len, ==, 1);
	g_assert_cmpstr (child (cut, 0)->name, ==, "a.docx");

	/* a garbage central directory: the same fallback */
	g_autofree guint8 *junk = g_memdup2 (p, len);
	gsize cd = 0;
	for (gsize i = 0; i + 4 < len; i++)
		if (memcmp (p + i, "PK\x01\x02", 4) == 0) {
			cd = i;
			break;
		}
	g_assert_cmpuint (cd, >, 0);
	memset (junk + cd, 'A', 60);
	g_autoptr (mh_document) garbage = mh_document_analyse (junk, len, "junk.zip", &options);
	g_assert_true (has_problem (garbage, "damaged"));
	g_assert_cmpuint (garbage->children->len, ==, 2);

	/* a bad CRC: reported, read anyway */
	member bad[] = { { .name = "c.doc", .data = g_bytes_ref (ole), .crc_xor = 1 } };
	g_autoptr (GBytes) badzip = build_zip (bad, 1);
	g_bytes_unref (bad[0].data);
	g_autoptr (mh_document) crc = analyse_bytes (badzip, "crc.zip", &options);
	g_assert_true (has_problem (crc, "CRC-32"));
	g_assert_cmpuint (crc->children->len, ==, 1);

	/* every prefix of the archive: no crash, always a result */
	for (gsize n = 0; n < len; n += 7) {
		mh_document *d = mh_document_analyse (p, n, "prefix.zip", &options);
		g_assert_nonnull (d);
		mh_document_free (d);
	}
	/* damaged deflate data */
	memcpy (junk, p, len);
	for (gsize i = 60; i < 200 && i < len; i++)
		junk[i] ^= 0x5a;
	mh_document *d = mh_document_analyse (junk, len, "flipped.zip", &options);
	g_assert_cmpuint (d->problems->len, >, 0);
	mh_document_free (d);
}

static void
test_zip_nested (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_depth = 4;
	GBytes *inner = build_docx ();
	for (int level = 0; level < 7; level++) {
		member m[] = { { .name = level == 0 ? "deep.docx" : "inner.zip", .data = inner, .deflate = TRUE } };
		GBytes *outer = build_zip (m, 1);
		g_bytes_unref (inner);
		inner = outer;
	}
	seed_bytes ("nested.zip", inner);
	g_autoptr (mh_document) doc = analyse_bytes (inner, "nested.zip", &options);
	g_bytes_unref (inner);
	const mh_document *d = doc;
	int depth = 0;
	while (d->children->len > 0) {
		d = g_ptr_array_index (d->children, 0);
		depth++;
		g_assert_cmpint (d->depth, ==, depth);
	}
	g_assert_cmpint (depth, ==, 4);
	g_assert_true (has_problem (d, "nested deeper"));
}

static void
test_zip_names (void)
{
	member m[] = {
		{ .name = "r\x82sum\x82.txt", .data = text_bytes ("cv") },                   /* CP437 */
		{ .name = "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.txt", .data = text_bytes ("t"), .flags = 0x0800 },
		{ .name = "\x83\x65\x83\x58\x83\x67.txt", .data = text_bytes ("t2") },      /* テスト in CP932 */
		{ .name = "photo\xe2\x80\xaegpj.exe", .data = text_bytes ("MZ"), .flags = 0x0800 },
		{ .name = "empty.txt", .data = text_bytes ("") },
	};
	g_autoptr (GBytes) zip = build_zip (m, G_N_ELEMENTS (m));
	for (gsize i = 0; i < G_N_ELEMENTS (m); i++)
		g_bytes_unref (m[i].data);
	mh_office_options options;
	mh_office_options_init_default (&options);
	seed_bytes ("names.zip", zip);
	g_autoptr (mh_document) doc = analyse_bytes (zip, "names.zip", &options);
	g_assert_true (has_property (doc, "archive-member", "résumé.txt (2 bytes)"));
	g_assert_true (has_property (doc, "archive-member", "テスト.txt (1 bytes)"));
	g_assert_true (has_property (doc, "archive-member", "テスト.txt (2 bytes)"));
	g_assert_true (has_property (doc, "archive-member", "empty.txt (0 bytes)"));
	const mh_finding *f = find_finding (doc, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_nonnull (strstr (f->summary, "right-to-left"));
}

static void
put64 (GByteArray *a, guint64 v)
{
	put32 (a, (guint32) v);
	put32 (a, (guint32) (v >> 32));
}

/* One stored member in a ZIP64 archive: sizes in the 0x0001 extra field,
 * the directory found through the ZIP64 locator and record. */
static GBytes *
build_zip64 (const char *name, GBytes *data)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (data, &len);
	guint32 crc = test_crc32 (p, len);
	GByteArray *out = g_byte_array_new ();
	g_autoptr (GByteArray) extra = g_byte_array_new ();
	put16 (extra, 0x0001);
	put16 (extra, 16);
	put64 (extra, len);
	put64 (extra, len);

	put_str (out, "PK\x03\x04");
	put16 (out, 45);
	put16 (out, 0);
	put16 (out, 0);
	put16 (out, TIME);
	put16 (out, DATE);
	put32 (out, crc);
	put32 (out, 0xffffffffu);
	put32 (out, 0xffffffffu);
	put16 (out, (guint) strlen (name));
	put16 (out, extra->len);
	put_str (out, name);
	g_byte_array_append (out, extra->data, extra->len);
	g_byte_array_append (out, p, (guint) len);

	guint32 cd_offset = out->len;
	put_str (out, "PK\x01\x02");
	put16 (out, 45);
	put16 (out, 45);
	put16 (out, 0);
	put16 (out, 0);
	put16 (out, TIME);
	put16 (out, DATE);
	put32 (out, crc);
	put32 (out, 0xffffffffu);
	put32 (out, 0xffffffffu);
	put16 (out, (guint) strlen (name));
	put16 (out, extra->len);
	put16 (out, 0);
	put16 (out, 0);
	put16 (out, 0);
	put32 (out, 0);
	put32 (out, 0);
	put_str (out, name);
	g_byte_array_append (out, extra->data, extra->len);
	guint32 cd_size = out->len - cd_offset;

	guint32 record = out->len;
	put_str (out, "PK\x06\x06");
	put64 (out, 44);
	put16 (out, 45);
	put16 (out, 45);
	put32 (out, 0);
	put32 (out, 0);
	put64 (out, 1);
	put64 (out, 1);
	put64 (out, cd_size);
	put64 (out, cd_offset);
	put_str (out, "PK\x06\x07");
	put32 (out, 0);
	put64 (out, record);
	put32 (out, 1);
	put_str (out, "PK\x05\x06");
	put16 (out, 0);
	put16 (out, 0);
	put16 (out, 0xffff);
	put16 (out, 0xffff);
	put32 (out, 0xffffffffu);
	put32 (out, 0xffffffffu);
	put16 (out, 0);
	return g_byte_array_free_to_bytes (out);
}

static void
test_zip64 (void)
{
	g_autoptr (GBytes) ole = build_ole2 (FALSE);
	g_autoptr (GBytes) zip = build_zip64 ("big.doc", ole);
	seed_bytes ("zip64.zip", zip);
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (mh_document) doc = analyse_bytes (zip, "zip64.zip", &options);
	g_assert_cmpuint (doc->problems->len, ==, 0);
	mh_document *c = child (doc, 0);
	g_assert_cmpstr (c->name, ==, "big.doc");
	g_assert_cmpstr (c->format, ==, "ole2");
	g_assert_cmpuint (c->size, ==, g_bytes_get_size (ole));
}

/* -- passwords in a mail body ------------------------------------------------ */

typedef struct {
	const char *name;
	const char *text;
	const char *expected[4];
} password_case;

static const password_case password_cases[] = {
	{ "english-colon", "Hello,\nPassword: abc123\nRegards", { "abc123" } },
	{ "english-is", "The password is Xy9!z.", { "Xy9!z" } },
	{ "english-for-the-file", "Password for the attached file: zip2020\n", { "zip2020" } },
	{ "pw-dedup", "PW: hello\nPW: hello\npwd=Secr3t;", { "hello", "Secr3t" } },
	{ "next-line", "Password:\n\n  s3cret  \nThanks", { "s3cret" } },
	{ "next-line-not-alone", "Password\nThe file is attached.", { NULL } },
	{ "japanese-colon", "添付ファイルのパスワード：Ab12cd\nよろしく", { "Ab12cd" } },
	{ "japanese-bracket", "解凍パスワードは「pass1234」です。", { "pass1234" } },
	{ "japanese-next-line", "パスワード\nQwerty77\n", { "Qwerty77" } },
	{ "japanese-fullwidth", "ﾊﾟｽﾜｰﾄﾞ　：　ｋｅｙ１２３。", { "key123" } },
	{ "japanese-pin", "暗証番号 = 4711", { "4711" } },
	{ "japanese-pass", "パス：p@ss", { "p@ss" } },
	{ "japanese-later", "パスワードは別途お送りします。", { NULL } },
	{ "german", "Kennwort: Sommer2020", { "Sommer2020" } },
	{ "french", "mot de passe : bonjour", { "bonjour" } },
	{ "spanish", "Contraseña: hola1", { "hola1" } },
	{ "portuguese", "senha: abc", { "abc" } },
	{ "comma-after", "Password: abc, ID: user1", { "abc" } },
	{ "not-a-word", "bypass the filter; passport number: X1", { NULL } },
	{ "no-label", "nothing to see here", { NULL } },
	{ "too-long", "password: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", { NULL } },
	{ "invalid-utf8", "password: ok1 \xff\xfe", { "ok1" } },
};

static void
test_passwords (gconstpointer data)
{
	const password_case *c = data;
	g_autoptr (GPtrArray) got = mh_passwords_from_text (c->text);
	guint n = 0;
	while (n < G_N_ELEMENTS (c->expected) && c->expected[n])
		n++;
	for (guint i = 0; i < got->len; i++)
		g_test_message ("got %s", (const char *) g_ptr_array_index (got, i));
	g_assert_cmpuint (got->len, ==, n);
	for (guint i = 0; i < n; i++)
		g_assert_cmpstr (g_ptr_array_index (got, i), ==, c->expected[i]);
}

static void
test_passwords_capped (void)
{
	GString *s = g_string_new (NULL);
	for (int i = 0; i < 40; i++)
		g_string_append_printf (s, "pw: a%d\n", i);
	g_autoptr (GPtrArray) got = mh_passwords_from_text (s->str);
	g_string_free (s, TRUE);
	g_assert_cmpuint (got->len, ==, 16);
	g_assert_cmpstr (g_ptr_array_index (got, 15), ==, "a15");
	g_autoptr (GPtrArray) none = mh_passwords_from_text (NULL);
	g_assert_cmpuint (none->len, ==, 0);
}

/* -- RTF --------------------------------------------------------------------- */

static void
hex_append (GString *s, const guint8 *p, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		g_string_append_printf (s, "%02x", p[i]);
		if (i % 64 == 63)
			g_string_append (s, "\r\n");
	}
}

static void
ansi_string (GByteArray *a, const char *s)
{
	put32 (a, (guint32) strlen (s) + 1);
	g_byte_array_append (a, (const guint8 *) s, (guint) strlen (s) + 1);
}

/* OLE1 ObjectHeader (MS-OLEDS 2.2.4) + native data. */
static GByteArray *
ole1_embedded (const char *class_name, const guint8 *native, gsize len)
{
	GByteArray *a = g_byte_array_new ();
	put32 (a, 0x00000501);
	put32 (a, 2);
	ansi_string (a, class_name);
	ansi_string (a, "");
	ansi_string (a, "");
	put32 (a, (guint32) len);
	g_byte_array_append (a, native, (guint) len);
	return a;
}

static char *
rtf_with_object (const char *control, const char *class_name, GByteArray *ole1, const char *junk)
{
	GString *s = g_string_new ("{\\rtf1\\ansi\\deff0 {\\fonttbl{\\f0 Arial;}}\\pard Hello\\par\n");
	g_string_append_printf (s, "{\\object%s{\\*\\objclass %s}\\objw100\\objh100{\\*\\objdata ",
	                        control, class_name);
	if (junk)
		g_string_append (s, junk);
	hex_append (s, ole1->data, ole1->len);
	g_string_append (s, "}{\\result {\\pict}}}\\par }");
	return g_string_free (s, FALSE);
}

static mh_document *
analyse_text (const char *text, const mh_office_options *options)
{
	return mh_document_analyse ((const guint8 *) text, strlen (text), "test", options);
}

static void
test_rtf_detect (void)
{
	g_assert_true (_mh_is_rtf ((const guint8 *) "{\\rtf1", 6));
	g_assert_true (_mh_is_rtf ((const guint8 *) "  \r\n{\\rtx", 9));
	g_assert_true (_mh_is_rtf ((const guint8 *) "{\\rt", 4));
	g_assert_false (_mh_is_rtf ((const guint8 *) "{\\r", 3));
	g_assert_false (_mh_is_rtf ((const guint8 *) "                    {\\rtf1", 26));
	g_assert_false (_mh_is_rtf ((const guint8 *) "", 0));
}

static void
test_rtf_ole2_object (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GBytes) ole = build_ole2 (TRUE);
	gsize len;
	const guint8 *p = g_bytes_get_data (ole, &len);
	g_autoptr (GByteArray) ole1 = ole1_embedded ("Word.Document.8", p, len);
	/* white space, junk and an ignorable group inside \objdata are skipped */
	g_autofree char *rtf = rtf_with_object ("\\objemb", "Word.Document.8", ole1, " \r\n{\\*\\junk zz}\t");
	seed ("ole2-object.rtf", rtf, strlen (rtf));
	g_autoptr (mh_document) doc = analyse_text (rtf, &options);
	g_assert_cmpstr (doc->format, ==, "rtf");
	mh_document *c = child (doc, 0);
	g_assert_cmpstr (c->format, ==, "ole2");
	g_assert_cmpuint (c->size, ==, len);
	g_assert_cmpstr (c->name, ==, "object 1 (Word.Document.8)");
	const mh_finding *f = find_finding (doc, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_LOW);

	/* the same object as \binN raw bytes */
	GString *s = g_string_new ("{\\rtf1{\\object\\objemb{\\*\\objdata \\bin");
	g_string_append_printf (s, "%u ", ole1->len);
	g_string_append_len (s, (const char *) ole1->data, ole1->len);
	g_string_append (s, "}}}");
	g_autoptr (mh_document) doc2 = mh_document_analyse ((const guint8 *) s->str, s->len, "bin.rtf", &options);
	g_string_free (s, TRUE);
	g_assert_cmpstr (child (doc2, 0)->format, ==, "ole2");
}

static GByteArray *
ole_package (const char *file_name, const char *content)
{
	GByteArray *native = g_byte_array_new ();
	put16 (native, 2);
	g_byte_array_append (native, (const guint8 *) file_name, (guint) strlen (file_name) + 1);
	put_str (native, "C:\\Users\\test\\");
	put_str (native, file_name);
	g_byte_array_append (native, (const guint8 *) "", 1);
	put32 (native, 0x00030000);
	g_autofree char *temp = g_strdup_printf ("C:\\Temp\\%s", file_name);
	put32 (native, (guint32) strlen (temp) + 1);
	g_byte_array_append (native, (const guint8 *) temp, (guint) strlen (temp) + 1);
	put32 (native, (guint32) strlen (content));
	put_str (native, content);
	GByteArray *ole1 = ole1_embedded ("Package", native->data, native->len);
	g_byte_array_unref (native);
	return ole1;
}

static void
test_rtf_package (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GByteArray) txt = ole_package ("hello.txt", "hello, world\n");
	g_autofree char *rtf = rtf_with_object ("\\objemb", "Package", txt, NULL);
	g_autoptr (mh_document) doc = analyse_text (rtf, &options);
	const mh_finding *f = find_finding (doc, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_LOW);
	g_assert_nonnull (strstr (f->summary, "hello.txt"));
	g_assert_cmpuint (doc->children->len, ==, 0);

	g_autoptr (GByteArray) js = ole_package ("readme.js", "// harmless test file\n");
	g_autofree char *rtf2 = rtf_with_object ("\\objemb", "Package", js, NULL);
	seed ("package.rtf", rtf2, strlen (rtf2));
	g_autoptr (mh_document) doc2 = analyse_text (rtf2, &options);
	f = find_finding (doc2, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_HIGH);
	g_assert_nonnull (find_ioc (doc2, "executable", "readme.js"));
}

static void
test_rtf_equation (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	const guint8 native[] = "not an equation, a harmless stand-in";
	g_autoptr (GByteArray) ole1 = ole1_embedded ("Equation.3", native, sizeof native);
	g_autofree char *rtf = rtf_with_object ("\\objemb\\objupdate", "Equation.3", ole1, NULL);
	seed ("equation.rtf", rtf, strlen (rtf));
	g_autoptr (mh_document) doc = analyse_text (rtf, &options);
	const mh_finding *f = find_finding (doc, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_nonnull (strstr (f->summary, "Equation Editor"));
	g_assert_nonnull (strstr (f->summary, "exploitation"));

	/* a renamed class does not hide the Equation Editor CLSID */
	const guint8 clsid[] = { 0x02, 0xce, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	                         0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
	g_autoptr (GByteArray) ole1b = ole1_embedded ("Xyz.1", clsid, sizeof clsid);
	g_autofree char *rtf2 = rtf_with_object ("\\objemb", "Xyz.1", ole1b, NULL);
	g_autoptr (mh_document) doc2 = analyse_text (rtf2, &options);
	f = find_finding (doc2, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_nonnull (strstr (f->summary, "Equation Editor"));
}

static void
test_rtf_links_and_template (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	const char *t = "{\\rtf1\\ansi{\\*\\template http://example.invalid/templates/t.dotm}\\pard x\\par}";
	g_autoptr (mh_document) doc = analyse_text (t, &options);
	const mh_finding *f = find_finding (doc, "doc.remote-template");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_HIGH);
	g_assert_cmpstr (f->evidence, ==, "http://example.invalid/templates/t.dotm");
	g_assert_nonnull (find_ioc (doc, "url", "http://example.invalid/templates/t.dotm"));

	const char *unc = "{\\rtf1{\\*\\template \\\\\\\\server\\\\share\\\\t.dot}}";
	g_autoptr (mh_document) doc2 = analyse_text (unc, &options);
	g_assert_nonnull (find_finding (doc2, "doc.remote-template"));
	g_assert_nonnull (find_ioc (doc2, "unc-path", "\\\\server\\share\\t.dot"));

	/* \'hh bytes in the document's code page (\ansicpg932: テスト) */
	const char *jp = "{\\rtf1\\ansi\\ansicpg932{\\*\\template \\\\\\\\srv\\\\\\'83\\'65\\'83\\'58\\'83\\'67\\\\t.dot}}";
	g_autoptr (mh_document) doc4 = analyse_text (jp, &options);
	g_assert_nonnull (find_ioc (doc4, "unc-path", "\\\\srv\\テスト\\t.dot"));

	/* a linked object that updates itself: OLE1 LinkedObject (FormatID 1) */
	g_autoptr (GByteArray) link = g_byte_array_new ();
	put32 (link, 0x00000501);
	put32 (link, 1);
	ansi_string (link, "Word.Document.8");
	ansi_string (link, "http://example.invalid/remote.doc");
	ansi_string (link, "");
	g_autofree char *rtf = rtf_with_object ("\\objautlink\\objupdate", "Word.Document.8", link, NULL);
	seed ("link.rtf", rtf, strlen (rtf));
	seed ("template.rtf", t, strlen (t));
	g_autoptr (mh_document) doc3 = analyse_text (rtf, &options);
	f = find_finding (doc3, "doc.external-relationship");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_HIGH);
	g_assert_nonnull (find_ioc (doc3, "url", "http://example.invalid/remote.doc"));
}

static void
test_rtf_hostile (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	/* deep nesting: counted, reported, no recursion */
	GString *s = g_string_new ("{\\rtf1");
	for (int i = 0; i < 20000; i++)
		g_string_append_c (s, '{');
	g_string_append (s, "{\\object\\objemb{\\*\\objdata 01050000 02000000 zz}}");
	g_autoptr (mh_document) doc = mh_document_analyse ((const guint8 *) s->str, s->len, "deep.rtf", &options);
	g_string_free (s, TRUE);
	g_assert_true (has_problem (doc, "nested deeper"));
	g_assert_true (has_problem (doc, "not an OLE1 object"));

	/* a cut-off file, a huge \bin, a lone backslash: no crash */
	const char *bad[] = {
		"{\\rtf1{\\object{\\*\\objdata 0105", "{\\rtf1\\bin999999999 ab", "{\\rtf1\\", "{\\rtf1\\'4",
		"{\\rtf1}}}}}}{\\object}", "{\\rt{\\*\\objdata d0cf11e0a1b11ae1}",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		mh_document *d = analyse_text (bad[i], &options);
		g_assert_cmpstr (d->format, ==, "rtf");
		mh_document_free (d);
	}
}

/* -- MHT / ActiveMime ---------------------------------------------------------- */

/* ActiveMime as Word writes it: magic, a header whose 16-bit value at 0x1E
 * plus 46 is where the zlib stream starts (0x32 here), then the stream. */
static GBytes *
build_activemime (GBytes *payload, gsize data_offset, guint16 declared)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (payload, &len);
	g_autoptr (GBytes) z = compress (p, len, G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
	GByteArray *a = g_byte_array_new ();
	put_str (a, "ActiveMime");
	put16 (a, 0);
	put16 (a, 0xf001);
	put32 (a, 4);
	put32 (a, 0xffffffffu);
	put32 (a, 0);
	while (a->len < 0x1e)
		g_byte_array_append (a, (const guint8 *) "\x00", 1);
	put16 (a, declared);
	while (a->len < data_offset)
		g_byte_array_append (a, (const guint8 *) "\x00", 1);
	g_byte_array_append (a, g_bytes_get_data (z, NULL), (guint) g_bytes_get_size (z));
	return g_byte_array_free_to_bytes (a);
}

static char *
build_mht (GBytes *activemime, const char *junk)
{
	g_autofree char *b64 = g_base64_encode (g_bytes_get_data (activemime, NULL), g_bytes_get_size (activemime));
	GString *s = g_string_new (junk);
	g_string_append (s,
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/related; boundary=\"----=_NextPart_01D0TEST\"\r\n\r\n"
		"This document is a Single File Web Page, also known as a Web Archive file.\r\n\r\n"
		"------=_NextPart_01D0TEST\r\n"
		"Content-Location: file:///C:/test/doc.htm\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n"
		"Content-Type: text/html; charset=\"us-ascii\"\r\n\r\n"
		"<html><body><p>Hello</p></body></html>\r\n\r\n"
		"------=_NextPart_01D0TEST\r\n"
		"Content-Location: file:///C:/test/doc_files/editdata.mso\r\n"
		"Content-Transfer-Encoding: base64\r\n"
		"Content-Type: application/x-mso\r\n\r\n");
	gsize n = strlen (b64);
	for (gsize i = 0; i < n; i += 76) {
		g_string_append_len (s, b64 + i, (gssize) MIN (76, n - i));
		g_string_append (s, "\r\n");
	}
	g_string_append (s, "\r\n------=_NextPart_01D0TEST--\r\n");
	return g_string_free (s, FALSE);
}

static void
test_activemime_decode (void)
{
	g_autoptr (GBytes) ole = build_ole2 (TRUE);
	g_autoptr (GBytes) blob = build_activemime (ole, 0x32, 4);
	gsize len;
	const guint8 *p = g_bytes_get_data (blob, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) out = _mh_activemime_decode (p, len, 1 << 20, &error);
	g_assert_no_error (error);
	g_assert_true (g_bytes_equal (out, ole));

	/* a header that points nowhere: the stream is found by its zlib header */
	g_autoptr (GBytes) odd = build_activemime (ole, 0x40, 0x1000);
	g_autoptr (GBytes) out2 = _mh_activemime_decode (g_bytes_get_data (odd, NULL), g_bytes_get_size (odd),
	                                                 1 << 20, &error);
	g_assert_no_error (error);
	g_assert_true (g_bytes_equal (out2, ole));

	/* capped */
	g_autoptr (GBytes) small = _mh_activemime_decode (p, len, 100, &error);
	g_assert_null (small);
	g_assert_error (error, MH_OFFICE_ERROR, 0);
	g_clear_error (&error);

	/* not ActiveMime, or no stream */
	g_assert_null (_mh_activemime_decode ((const guint8 *) "hello", 5, 100, &error));
	g_clear_error (&error);
	g_assert_null (_mh_activemime_decode ((const guint8 *) "ActiveMime\0\0\0\0\0\0\0", 17, 100, &error));
	g_assert_nonnull (error);
}

static void
test_mht (gconstpointer data)
{
	const char *junk = data;
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GBytes) ole = build_ole2 (TRUE);
	g_autoptr (GBytes) blob = build_activemime (ole, 0x32, 4);
	g_autofree char *mht = build_mht (blob, junk);
	g_assert_true (mh_office_is_document ((const guint8 *) mht, strlen (mht)));
	seed (*junk ? "junk.mht" : "plain.mht", mht, strlen (mht));
	g_autoptr (mh_document) doc = analyse_text (mht, &options);
	g_assert_cmpstr (doc->format, ==, "mht");
	g_assert_cmpuint (doc->children->len, ==, 1);
	mh_document *c = child (doc, 0);
	g_assert_cmpstr (c->format, ==, "ole2");
	g_assert_cmpstr (c->name, ==, "file:///C:/test/doc_files/editdata.mso");
	g_assert_cmpuint (c->size, ==, g_bytes_get_size (ole));
	if (*junk)
		g_assert_true (has_problem (doc, "before the MIME header"));
}

static void
test_mht_bare_and_broken (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GBytes) ole = build_ole2 (TRUE);
	g_autoptr (GBytes) blob = build_activemime (ole, 0x32, 4);

	/* bare ActiveMime, and bare base64 ActiveMime */
	seed_bytes ("editdata.mso", blob);
	g_autoptr (mh_document) raw = analyse_bytes (blob, "editdata.mso", &options);
	g_assert_cmpstr (raw->format, ==, "mht");
	g_assert_cmpstr (child (raw, 0)->format, ==, "ole2");
	g_autofree char *b64 = g_base64_encode (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
	g_assert_true (g_str_has_prefix (b64, "QWN0aXZlTWltZQ"));
	g_autoptr (mh_document) text = analyse_text (b64, &options);
	g_assert_cmpstr (child (text, 0)->format, ==, "ole2");

	/* a boundary that never appears: the base64 blob is still found */
	g_autofree char *mht = build_mht (blob, "");
	char *b = strstr (mht, "boundary=\"") + 10;
	b[0] = 'X';
	g_autoptr (mh_document) broken = analyse_text (mht, &options);
	g_assert_cmpuint (broken->children->len, ==, 1);
	g_assert_cmpstr (child (broken, 0)->format, ==, "ole2");

	g_assert_false (_mh_is_mht ((const guint8 *) "hello", 5));
	g_assert_false (_mh_is_mht ((const guint8 *) "MIME-Version: 1.0\nContent-Type: text/plain\n\nx", 45));
}

/* -- corpus documents through every carrier ------------------------------------ */

typedef struct {
	char  *path;
	gsize  bytes;
	char  *sha256;
} manifest_row;

/* The size and hash MANIFEST.tsv records for @local (its last column). */
static gboolean
manifest_lookup (const char *corpora, const char *local, manifest_row *row)
{
	g_autofree char *path = g_build_filename (corpora, "MANIFEST.tsv", NULL);
	g_autofree char *text = NULL;
	if (!g_file_get_contents (path, &text, NULL, NULL))
		return FALSE;
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		g_auto (GStrv) col = g_strsplit (lines[i], "\t", -1);
		if (g_strv_length (col) >= 8 && strcmp (col[7], local) == 0) {
			row->path = g_build_filename (corpora, local, NULL);
			row->bytes = (gsize) g_ascii_strtoull (col[3], NULL, 10);
			row->sha256 = g_strdup (col[4]);
			return TRUE;
		}
	}
	return FALSE;
}

static const char *const wrapped_documents[] = {
	"oletools/tests/test-data/msodde/harmless-clean.doc",
	"oletools/tests/test-data/oleobj/embedded-simple-2007.docm",
	"poi/test-data/document/SimpleMacro.doc",
};

/* A corpus document inside an encrypted ZIP (password in a Japanese
 * body), inside an RTF object and inside an MHT's ActiveMime part comes
 * out with the size and hash the manifest records. */
static void
test_corpora_wrapped (gconstpointer data)
{
	const char *local = data;
	const char *corpora = g_getenv ("MH_CORPORA");
	if (!corpora || !g_file_test (corpora, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("MH_CORPORA not set");
		return;
	}
	manifest_row row = { 0 };
	g_assert_true (manifest_lookup (corpora, local, &row));
	g_autofree char *path = row.path, *sha = row.sha256;
	g_autofree char *contents = NULL;
	gsize len;
	g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
	g_assert_cmpuint (len, ==, row.bytes);
	g_autoptr (GBytes) doc_bytes = g_bytes_new (contents, len);
	const char *base = strrchr (local, '/') + 1;

	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GPtrArray) passwords = mh_passwords_from_text ("解凍パスワードは「corpus#1」です。");
	options.passwords = passwords;
	options.passwords_source = "mail-body";
	member m[] = { { .name = base, .data = doc_bytes, .deflate = TRUE, .password = "corpus#1",
	                 .flags = 0x0800 } };
	g_autoptr (GBytes) zip = build_zip (m, 1);
	g_autoptr (mh_document) z = analyse_bytes (zip, "corpus.zip", &options);
	mh_document *c = child (z, 0);
	g_assert_cmpstr (c->name, ==, base);
	g_assert_cmpuint (c->size, ==, row.bytes);
	g_assert_cmpstr (c->sha256, ==, sha);
	g_assert_cmpstr (c->password, ==, "corpus#1");
	g_assert_nonnull (find_finding (z, "archive.password-in-body"));

	g_autoptr (GByteArray) ole1 = ole1_embedded ("Word.Document.12", (const guint8 *) contents, len);
	g_autofree char *rtf = rtf_with_object ("\\objemb", "Word.Document.12", ole1, NULL);
	g_autoptr (mh_document) r = analyse_text (rtf, &options);
	g_assert_cmpstr (child (r, 0)->sha256, ==, sha);

	g_autoptr (GBytes) blob = build_activemime (doc_bytes, 0x32, 4);
	g_autofree char *mht = build_mht (blob, "");
	g_autoptr (mh_document) h = analyse_text (mht, &options);
	g_assert_cmpstr (child (h, 0)->sha256, ==, sha);
	g_assert_cmpuint (child (h, 0)->size, ==, row.bytes);
}

/* libgsf warns, and on some damaged compound files fails an assertion
 * (g_return_if_fail), while it reads the truncated and damaged inputs made
 * here on purpose: logged, not a failure of ours. */
static gboolean
libgsf_messages_not_fatal (const char *domain, GLogLevelFlags level, const char *message,
                           gpointer data)
{
	return !(domain && g_str_has_prefix (domain, "libgsf") &&
	         (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL)));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_log_set_fatal_handler (libgsf_messages_not_fatal, NULL);
	g_mime_init ();

	g_test_add_func ("/archive/zip/plain", test_zip_plain);
	g_test_add_data_func ("/archive/zip/password-in-body/stored", GINT_TO_POINTER (0), test_zip_password_in_body);
	g_test_add_data_func ("/archive/zip/password-in-body/deflated", GINT_TO_POINTER (1), test_zip_password_in_body);
	g_test_add_data_func ("/archive/zip/password-in-body/descriptor", GINT_TO_POINTER (3),
	                      test_zip_password_in_body);
	g_test_add_func ("/archive/zip/password-once", test_zip_password_once);
	g_test_add_func ("/archive/zip/wrong-password", test_zip_wrong_password);
	g_test_add_func ("/archive/zip/aes", test_zip_aes);
	g_test_add_func ("/archive/zip/bomb", test_zip_bomb);
	g_test_add_func ("/archive/zip/damaged", test_zip_damaged);
	g_test_add_func ("/archive/zip/nested", test_zip_nested);
	g_test_add_func ("/archive/zip/names", test_zip_names);
	g_test_add_func ("/archive/zip/zip64", test_zip64);
	for (gsize i = 0; i < G_N_ELEMENTS (password_cases); i++) {
		g_autofree char *path = g_strdup_printf ("/archive/passwords/%s", password_cases[i].name);
		g_test_add_data_func (path, &password_cases[i], test_passwords);
	}
	g_test_add_func ("/archive/passwords/capped", test_passwords_capped);
	g_test_add_func ("/archive/rtf/detect", test_rtf_detect);
	g_test_add_func ("/archive/rtf/ole2-object", test_rtf_ole2_object);
	g_test_add_func ("/archive/rtf/package", test_rtf_package);
	g_test_add_func ("/archive/rtf/equation", test_rtf_equation);
	g_test_add_func ("/archive/rtf/links-and-template", test_rtf_links_and_template);
	g_test_add_func ("/archive/rtf/hostile", test_rtf_hostile);
	g_test_add_func ("/archive/activemime/decode", test_activemime_decode);
	g_test_add_data_func ("/archive/mht/plain", "", test_mht);
	g_test_add_data_func ("/archive/mht/junk-before-header", "junk junk junk\r\nmore junk\r\n", test_mht);
	g_test_add_func ("/archive/mht/bare-and-broken", test_mht_bare_and_broken);

	for (gsize i = 0; i < G_N_ELEMENTS (wrapped_documents); i++) {
		g_autofree char *path = g_strdup_printf ("/archive/corpora/%s", strrchr (wrapped_documents[i], '/') + 1);
		g_test_add_data_func (path, wrapped_documents[i], test_corpora_wrapped);
	}

	int rc = g_test_run ();
	g_mime_shutdown ();
	return rc;
}
