/* The carriers of Office documents: ZIP archives (also with a ZipCrypto
 * password found in the mail), RTF files with OLE objects, MHT "single
 * file web pages" and the ActiveMime blobs they hold.  Each reader finds
 * the documents inside and hands them to _mh_document_add_child(); nothing
 * is ever written to disk, run or fetched.
 *
 * The ZIP reader is our own: libgsf's cannot decrypt, and an archive
 * attached to a phishing mail is exactly where hostile sizes, names and
 * compression ratios are to be expected.  Every size read from the bytes
 * is checked before use; every output is capped (mh_office_limits). */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "mailhunt/text.h"
#include "office-private.h"

/* -- small helpers ---------------------------------------------------------- */

static guint16
get_u16 (const guint8 *p)
{
	return (guint16) (p[0] | (p[1] << 8));
}

static guint32
get_u32 (const guint8 *p)
{
	return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
get_u64 (const guint8 *p)
{
	return (guint64) get_u32 (p) | ((guint64) get_u32 (p + 4) << 32);
}

static gboolean
has_prefix (const guint8 *data, gsize len, const char *prefix)
{
	gsize n = strlen (prefix);
	return len >= n && memcmp (data, prefix, n) == 0;
}

/* Case-insensitive (ASCII) search in the first @len bytes. */
static gboolean
contains_ascii_ci (const guint8 *data, gsize len, const char *needle)
{
	gsize n = strlen (needle);
	for (gsize i = 0; n <= len && i <= len - n; i++)
		if (g_ascii_strncasecmp ((const char *) data + i, needle, n) == 0)
			return TRUE;
	return FALSE;
}

static gsize
saturating_mul (gsize a, gsize b)
{
	if (a != 0 && b > G_MAXSIZE / a)
		return G_MAXSIZE;
	return a * b;
}

/* CRC-32 (ISO 3309, as ZIP uses it); also the key schedule of ZipCrypto. */
static guint32 crc_table[256];

static void
crc_table_init (void)
{
	static gsize once;
	if (g_once_init_enter (&once)) {
		for (guint32 n = 0; n < 256; n++) {
			guint32 c = n;
			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[n] = c;
		}
		g_once_init_leave (&once, 1);
	}
}

static guint32
crc32_byte (guint32 crc, guint8 b)
{
	return crc_table[(crc ^ b) & 0xff] ^ (crc >> 8);
}

static guint32
crc32_of (const guint8 *data, gsize len)
{
	guint32 crc = 0xffffffffu;
	crc_table_init ();
	for (gsize i = 0; i < len; i++)
		crc = crc32_byte (crc, data[i]);
	return crc ^ 0xffffffffu;
}

/* -- inflating with a cap ------------------------------------------------------ */

mh_inflate_result
_mh_inflate (const guint8 *in, gsize len, GZlibCompressorFormat format, gsize max,
             GByteArray *out, gsize *consumed, gsize *produced_out, GError **error)
{
	g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (format);
	enum { CHUNK = 64 * 1024 };
	g_autofree guint8 *buf = g_malloc (CHUNK);
	gsize pos = 0, produced = 0;
	mh_inflate_result result = MH_INFLATE_BROKEN;

	for (;;) {
		/* zlib counts input in 32 bits: feed at most 1 GiB a call */
		gsize feed = MIN (len - pos, (gsize) 1 << 30);
		GConverterFlags flags = pos + feed == len ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS;
		gsize nread = 0, written = 0;
		GConverterResult r = g_converter_convert (G_CONVERTER (z), in + pos, feed, buf, CHUNK,
		                                          flags, &nread, &written, error);
		if (r == G_CONVERTER_ERROR)
			break;
		pos += nread;
		if (written > max - produced) {
			if (out)
				g_byte_array_append (out, buf, (guint) (max - produced));
			result = MH_INFLATE_CAPPED;
			break;
		}
		if (out)
			g_byte_array_append (out, buf, (guint) written);
		produced += written;
		if (r == G_CONVERTER_FINISHED) {
			result = MH_INFLATE_DONE;
			break;
		}
		if (nread == 0 && written == 0) {
			g_set_error_literal (error, MH_OFFICE_ERROR, 0, "compressed data makes no progress");
			break;
		}
	}
	if (consumed)
		*consumed = pos;
	if (produced_out)
		*produced_out = produced;
	return result;
}

/* -- ZIP ---------------------------------------------------------------------- */

/* A member may inflate to at most this many times its compressed size
 * (the ratio Apache POI's ZipSecureFile uses); the first MiB is free, as
 * small files of zeros or spaces legitimately compress far better. */
#define ZIP_BOMB_RATIO 100
#define ZIP_BOMB_GRACE ((gsize) 1 << 20)
/* One finding per encrypted member that stayed closed, up to this many. */
#define ZIP_MAX_ENCRYPTED_FINDINGS 20

#define ZIP_FLAG_ENCRYPTED        0x0001
#define ZIP_FLAG_DATA_DESCRIPTOR  0x0008
#define ZIP_FLAG_STRONG_ENCRYPTION 0x0040
#define ZIP_FLAG_UTF8             0x0800

#define ZIP_METHOD_STORED  0
#define ZIP_METHOD_DEFLATE 8
#define ZIP_METHOD_AES     99

/* Bytes inflated from all the archives of one analysis (nested archives
 * included), so that an archive of archives cannot multiply its way past
 * the cap: max_document_size for the whole tree.  Thread-local because
 * documents may be analysed on several threads, one tree per thread. */
static _Thread_local gsize zip_tree_budget;
static _Thread_local guint zip_tree_active;

typedef struct {
	char    *name;           /* UTF-8 */
	guint16  flags;
	guint16  method;
	guint16  mod_time;
	guint32  crc;
	guint64  compressed_size;
	guint64  size;
	guint64  local_offset;
	gboolean aes;            /* WinZip AES extra field (0x9901) */
} zip_entry;

typedef struct {
	mh_document             *doc;
	const mh_office_options *options;
	const guint8            *data;
	gsize                    len;
	guint                    encrypted_reported;
	gboolean                 aes_reported;
	gboolean                 method_reported;
	gboolean                 password_reported;  /* archive.password-in-body: once an archive */
} zip_reader;

static void
zip_entry_clear (zip_entry *e)
{
	g_free (e->name);
	memset (e, 0, sizeof *e);
}

/* CP437 upper half, as the original IBM PC drew it: the default encoding
 * of ZIP names without the UTF-8 flag. */
static const gunichar cp437_high[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea, 0x00eb, 0x00e8, 0x00ef,
	0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
	0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
	0x255d, 0x255c, 0x255b, 0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
	0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
	0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4,
	0x221e, 0x03c6, 0x03b5, 0x2229, 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
	0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

static char *
cp437_to_utf8 (const guint8 *s, gsize len)
{
	GString *out = g_string_sized_new (len + 8);
	for (gsize i = 0; i < len; i++) {
		if (s[i] < 0x80)
			g_string_append_c (out, (char) s[i]);
		else
			g_string_append_unichar (out, cp437_high[s[i] - 0x80]);
	}
	return g_string_free (out, FALSE);
}

static gboolean
is_ascii (const guint8 *s, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (s[i] >= 0x80)
			return FALSE;
	return TRUE;
}

/* The name of a member in UTF-8.  The spec says CP437 unless flag bit 11
 * says UTF-8, but Japanese Windows writes CP932 without a flag and macOS
 * writes UTF-8 without one, so 8-bit names that are valid UTF-8 or exact
 * CP932 are taken as such, and CP437 is the last resort. */
static char *
zip_name_to_utf8 (const guint8 *s, gsize len, guint16 flags)
{
	char *name;
	if ((flags & ZIP_FLAG_UTF8) || is_ascii (s, len) || g_utf8_validate ((const char *) s, (gssize) len, NULL)) {
		g_autofree char *raw = g_strndup ((const char *) s, len);
		return g_utf8_make_valid (raw, -1);
	}
	gboolean exact = FALSE;
	name = mh_text_to_utf8 ("cp932", (const char *) s, (gssize) len, &exact);
	if (exact)
		return name;
	g_free (name);
	return cp437_to_utf8 (s, len);
}

/* The extra fields we read: ZIP64 sizes and offset (0x0001), WinZip AES
 * (0x9901), Info-ZIP Unicode Path (0x7075). */
static void
zip_read_extra (zip_entry *e, const guint8 *extra, gsize len,
                const guint8 *raw_name, gsize raw_name_len)
{
	gsize p = 0;
	for (guint guard = 0; p + 4 <= len && guard < 1000; guard++) {
		guint16 id = get_u16 (extra + p);
		guint16 size = get_u16 (extra + p + 2);
		const guint8 *field = extra + p + 4;
		if (size > len - p - 4)
			break;
		if (id == 0x0001) {
			/* only the fields whose 32-bit value is 0xffffffff are present, in order */
			gsize q = 0;
			if (e->size == 0xffffffffu && q + 8 <= size) {
				e->size = get_u64 (field + q);
				q += 8;
			}
			if (e->compressed_size == 0xffffffffu && q + 8 <= size) {
				e->compressed_size = get_u64 (field + q);
				q += 8;
			}
			if (e->local_offset == 0xffffffffu && q + 8 <= size)
				e->local_offset = get_u64 (field + q);
		} else if (id == 0x9901) {
			e->aes = TRUE;
		} else if (id == 0x7075 && size > 5 && field[0] == 1) {
			/* valid only while the CRC of the plain name matches */
			if (get_u32 (field + 1) == crc32_of (raw_name, raw_name_len) &&
			    g_utf8_validate ((const char *) field + 5, size - 5, NULL)) {
				g_free (e->name);
				e->name = g_strndup ((const char *) field + 5, size - 5);
			}
		}
		p += 4 + (gsize) size;
	}
}

/* -- ZipCrypto (APPNOTE 6.1, "traditional PKWARE encryption") -- */

typedef struct {
	guint32 k0, k1, k2;
} zipcrypto_keys;

static void
zipcrypto_update (zipcrypto_keys *k, guint8 plain)
{
	k->k0 = crc32_byte (k->k0, plain);
	k->k1 = (k->k1 + (k->k0 & 0xff)) * 134775813u + 1;
	k->k2 = crc32_byte (k->k2, (guint8) (k->k1 >> 24));
}

static guint8
zipcrypto_stream_byte (const zipcrypto_keys *k)
{
	guint32 t = (k->k2 | 2) & 0xffff;
	return (guint8) ((t * (t ^ 1)) >> 8);
}

static void
zipcrypto_init (zipcrypto_keys *k, const char *password)
{
	crc_table_init ();
	k->k0 = 0x12345678u;
	k->k1 = 0x23456789u;
	k->k2 = 0x34567890u;
	for (const char *p = password; *p; p++)
		zipcrypto_update (k, (guint8) *p);
}

static void
zipcrypto_decrypt (zipcrypto_keys *k, const guint8 *in, guint8 *out, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		guint8 plain = in[i] ^ zipcrypto_stream_byte (k);
		zipcrypto_update (k, plain);
		out[i] = plain;
	}
}

typedef enum {
	EXTRACT_OK,
	EXTRACT_WRONG_PASSWORD,
	EXTRACT_FAILED,     /* a problem was added that says why */
} extract_result;

/* The member's bytes: decrypted with @password (NULL when not encrypted),
 * inflated under the caps, CRC-checked.  For an encrypted member a wrong
 * CRC or broken deflate stream means a wrong password (the header's check
 * byte lets one wrong password in 256 through). */
static extract_result
zip_extract (zip_reader *zr, const zip_entry *e, const guint8 *raw, gsize raw_len,
             const char *password, GBytes **out)
{
	const mh_office_limits *limits = &zr->options->limits;
	g_autofree guint8 *plain = NULL;

	*out = NULL;
	if (password) {
		if (raw_len < 12)
			return EXTRACT_WRONG_PASSWORD;
		zipcrypto_keys k;
		guint8 header[12];
		zipcrypto_init (&k, password);
		zipcrypto_decrypt (&k, raw, header, 12);
		/* the check byte is the CRC's high byte, or the time's when the
		 * CRC came after the data (data descriptor); writers differ */
		if (header[11] != (guint8) (e->crc >> 24) && header[11] != (guint8) (e->mod_time >> 8))
			return EXTRACT_WRONG_PASSWORD;
		plain = g_malloc (raw_len - 12 + 1);
		zipcrypto_decrypt (&k, raw + 12, plain, raw_len - 12);
		raw = plain;
		raw_len -= 12;
	}

	gsize cap = MIN (limits->max_document_size, zip_tree_budget);
	gsize ratio_cap = MAX (ZIP_BOMB_GRACE, saturating_mul (raw_len, ZIP_BOMB_RATIO));
	g_autoptr (GByteArray) bytes = NULL;

	if (e->method == ZIP_METHOD_STORED) {
		if (raw_len > cap) {
			_mh_document_add_problem (zr->doc, "%s: %" G_GSIZE_FORMAT " bytes, over the cap of %"
			                          G_GSIZE_FORMAT ": not opened", e->name, raw_len, cap);
			return EXTRACT_FAILED;
		}
		bytes = g_byte_array_sized_new ((guint) raw_len);
		g_byte_array_append (bytes, raw, (guint) raw_len);
		zip_tree_budget -= MIN (zip_tree_budget, raw_len);
	} else {
		g_autoptr (GError) error = NULL;
		gsize max = MIN (cap, ratio_cap);
		bytes = g_byte_array_new ();
		mh_inflate_result r = _mh_inflate (raw, raw_len, G_ZLIB_COMPRESSOR_FORMAT_RAW, max,
		                                   bytes, NULL, NULL, &error);
		zip_tree_budget -= MIN (zip_tree_budget, bytes->len);
		if (r == MH_INFLATE_BROKEN) {
			if (password)
				return EXTRACT_WRONG_PASSWORD;
			_mh_document_add_problem (zr->doc, "%s: damaged compressed data (%s): not opened",
			                          e->name, error ? error->message : "unknown error");
			return EXTRACT_FAILED;
		}
		if (r == MH_INFLATE_CAPPED) {
			if (max == ratio_cap && ratio_cap < cap)
				_mh_document_add_problem (zr->doc, "%s: inflates to more than %d times its "
				                          "compressed size (%" G_GSIZE_FORMAT " bytes): "
				                          "possible zip bomb, not opened",
				                          e->name, ZIP_BOMB_RATIO, raw_len);
			else
				_mh_document_add_problem (zr->doc, "%s: inflates to more than %" G_GSIZE_FORMAT
				                          " bytes (the cap): not opened", e->name, max);
			return EXTRACT_FAILED;
		}
	}

	guint32 crc = crc32_of (bytes->data, bytes->len);
	if (crc != e->crc) {
		if (password)
			return EXTRACT_WRONG_PASSWORD;
		/* tools differ on a bad CRC (7-Zip warns and extracts): read it anyway */
		_mh_document_add_problem (zr->doc, "%s: CRC-32 is %08x, the archive says %08x: "
		                          "damaged or tampered, read anyway", e->name, crc, e->crc);
	}
	*out = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
	return EXTRACT_OK;
}

/* Programs and scripts that run when double-clicked, and the containers
 * used to smuggle them past mark-of-the-web: what an analyst wants named
 * when found inside an archive or an OLE package. */
static const char *const executable_extensions[] = {
	".exe", ".scr", ".com", ".pif", ".dll", ".cpl", ".msi", ".msix", ".appx",
	".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".hta", ".sct", ".lnk", ".url",
	".bat", ".cmd", ".ps1", ".psm1", ".jar", ".chm", ".xll", ".reg", ".inf",
	".iso", ".img", ".vhd", ".vhdx", ".one",
};

static gboolean
is_executable (const char *name, const guint8 *data, gsize len)
{
	if (len >= 2 && data[0] == 'M' && data[1] == 'Z')
		return TRUE;
	if (!name)
		return FALSE;
	gsize n = strlen (name);
	for (gsize i = 0; i < G_N_ELEMENTS (executable_extensions); i++) {
		gsize m = strlen (executable_extensions[i]);
		if (n > m && g_ascii_strcasecmp (name + n - m, executable_extensions[i]) == 0)
			return TRUE;
	}
	return FALSE;
}

/* U+202E RIGHT-TO-LEFT OVERRIDE turns "invoice_fdp.exe" into what reads
 * as "invoice_exe.pdf". */
static gboolean
has_rtl_override (const char *name)
{
	return name && strstr (name, "\xe2\x80\xae") != NULL;
}

/* A program or script found inside a container: an indicator, and a
 * finding that names it with its size and hash (for a reputation look-up). */
static void
report_executable (mh_document *doc, const mh_office_options *options, const char *name,
                   const guint8 *data, gsize len, const char *container, mh_severity severity)
{
	char sum[MH_SHA256_HEX_SIZE];
	mh_sha256_hex (data, len, sum);
	g_autofree char *evidence = g_strdup_printf ("%s (%" G_GSIZE_FORMAT " bytes, sha256 %s)",
	                                             name, len, sum);
	_mh_document_add_ioc (doc, "executable", name, name, NULL);
	_mh_document_add_finding (doc, options, "doc.embedded-object", severity, name, evidence,
	                          "%s holds a program or script that runs when opened%s",
	                          container,
	                          has_rtl_override (name)
	                          ? "; its name uses a right-to-left override to disguise its extension"
	                          : "");
}

/* A member's bytes: a document (or an archive) is analysed as a child; a
 * program or script is reported; anything else is only listed as a
 * property "archive-member" (name and size), so the report shows what the
 * archive held without a child document per picture. */
static void
zip_member_found (zip_reader *zr, const zip_entry *e, GBytes *bytes, const char *password)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);

	if (password && !zr->password_reported && zr->options->passwords_source &&
	    strcmp (zr->options->passwords_source, "mail-body") == 0) {
		zr->password_reported = TRUE;
		_mh_document_add_finding (zr->doc, zr->options, "archive.password-in-body",
		                          MH_SEVERITY_MEDIUM, e->name, password,
		                          "the archive's password is written in the mail body "
		                          "(Emotet's 2020 pattern)");
	}

	if (len > 0 && mh_office_is_document (data, len)) {
		mh_document *child = _mh_document_add_child (zr->doc, data, len, e->name, zr->options);
		if (child && password) {
			child->password = g_strdup (password);
			child->password_source = zr->options->passwords_source;
		}
		return;
	}
	if (is_executable (e->name, data, len)) {
		report_executable (zr->doc, zr->options, e->name, data, len, "the archive", MH_SEVERITY_MEDIUM);
		return;
	}
	g_autofree char *listing = g_strdup_printf ("%s (%" G_GSIZE_FORMAT " bytes)", e->name, len);
	_mh_document_add_property (zr->doc, "archive-member", listing);
}

static void
zip_read_member (zip_reader *zr, const zip_entry *e, const guint8 *raw, gsize raw_len)
{
	const mh_office_options *options = zr->options;
	gsize name_len = strlen (e->name);

	/* directories hold nothing; their names are in the files' paths */
	if (name_len > 0 && (e->name[name_len - 1] == '/' || e->name[name_len - 1] == '\\') && e->size == 0)
		return;

	if ((e->flags & ZIP_FLAG_ENCRYPTED) &&
	    (e->aes || e->method == ZIP_METHOD_AES || (e->flags & ZIP_FLAG_STRONG_ENCRYPTION))) {
		if (!zr->aes_reported)
			_mh_document_add_finding (zr->doc, options, "archive.unsupported", MH_SEVERITY_MEDIUM,
			                          e->name, NULL,
			                          "AES-encrypted (or strongly encrypted) ZIP members are "
			                          "not opened: contents not inspected");
		zr->aes_reported = TRUE;
		return;
	}
	if (e->method != ZIP_METHOD_STORED && e->method != ZIP_METHOD_DEFLATE) {
		/* (bzip2, LZMA, ... are rare in mail: one finding, the rest as problems) */
		if (!zr->method_reported)
			_mh_document_add_finding (zr->doc, options, "archive.unsupported", MH_SEVERITY_MEDIUM,
			                          e->name, NULL, "compression method %u is not supported: "
			                          "member not inspected", e->method);
		else
			_mh_document_add_problem (zr->doc, "%s: compression method %u is not supported",
			                          e->name, e->method);
		zr->method_reported = TRUE;
		return;
	}
	if (e->size > options->limits.max_document_size) {
		_mh_document_add_problem (zr->doc, "%s: declares %" G_GUINT64_FORMAT " bytes, over the "
		                          "cap of %" G_GSIZE_FORMAT ": not opened", e->name, e->size,
		                          options->limits.max_document_size);
		return;
	}
	if (zip_tree_budget == 0) {
		_mh_document_add_problem (zr->doc, "archives of this document inflate to more than %"
		                          G_GSIZE_FORMAT " bytes in all: the rest are not opened",
		                          options->limits.max_document_size);
		return;
	}

	GBytes *bytes = NULL;
	if (!(e->flags & ZIP_FLAG_ENCRYPTED)) {
		if (zip_extract (zr, e, raw, raw_len, NULL, &bytes) == EXTRACT_OK) {
			zip_member_found (zr, e, bytes, NULL);
			g_bytes_unref (bytes);
		}
		return;
	}

	guint npasswords = options->passwords ? options->passwords->len : 0;
	for (guint i = 0; i < npasswords; i++) {
		const char *pw = g_ptr_array_index (options->passwords, i);
		extract_result r = zip_extract (zr, e, raw, raw_len, pw, &bytes);
		if (r == EXTRACT_OK) {
			zip_member_found (zr, e, bytes, pw);
			g_bytes_unref (bytes);
			return;
		}
		if (r == EXTRACT_FAILED)
			return;
	}
	if (zr->encrypted_reported++ < ZIP_MAX_ENCRYPTED_FINDINGS)
		_mh_document_add_finding (zr->doc, options, "archive.encrypted", MH_SEVERITY_MEDIUM,
		                          e->name, NULL,
		                          "encrypted member could not be opened%s: contents not inspected",
		                          npasswords ? " with the passwords found in the mail" : "");
	else
		_mh_document_add_problem (zr->doc, "more than %d encrypted members: the rest are not listed",
		                          ZIP_MAX_ENCRYPTED_FINDINGS);
}

/* Where the member's data starts, from its local header; FALSE when the
 * local header is not where the central directory says. */
static gboolean
zip_local_data (const zip_reader *zr, guint64 offset, gsize *start)
{
	if (offset > zr->len || zr->len - offset < 30 || memcmp (zr->data + offset, "PK\x03\x04", 4) != 0)
		return FALSE;
	const guint8 *h = zr->data + offset;
	guint64 s = offset + 30 + get_u16 (h + 26) + get_u16 (h + 28);
	if (s > zr->len)
		return FALSE;
	*start = (gsize) s;
	return TRUE;
}

static void
zip_read_entry_data (zip_reader *zr, const zip_entry *e)
{
	gsize start;
	if (!zip_local_data (zr, e->local_offset, &start)) {
		_mh_document_add_problem (zr->doc, "%s: no local header at offset %" G_GUINT64_FORMAT
		                          ": not opened", e->name, e->local_offset);
		return;
	}
	gsize avail = zr->len - start;
	if (e->compressed_size > avail) {
		_mh_document_add_problem (zr->doc, "%s: %" G_GUINT64_FORMAT " compressed bytes, only %"
		                          G_GSIZE_FORMAT " in the file (truncated archive): not opened",
		                          e->name, e->compressed_size, avail);
		return;
	}
	zip_read_member (zr, e, zr->data + start, (gsize) e->compressed_size);
}

/* End of central directory: the last "PK\5\6" in the final 64 KiB + 22
 * bytes (the comment may be up to 65535 bytes long). */
static gboolean
zip_find_eocd (const guint8 *data, gsize len, gsize *at)
{
	if (len < 22)
		return FALSE;
	gsize lowest = len - 22 > 65535 ? len - 22 - 65535 : 0;
	for (gsize p = len - 22 + 1; p-- > lowest;)
		if (memcmp (data + p, "PK\x05\x06", 4) == 0) {
			*at = p;
			return TRUE;
		}
	return FALSE;
}

typedef struct {
	guint64 entries;
	guint64 cd_offset;
	guint64 cd_size;
	gboolean zip64;
	gboolean multi_disk;
} zip_directory;

static gboolean
zip_read_eocd (zip_reader *zr, zip_directory *dir)
{
	gsize at;
	if (!zip_find_eocd (zr->data, zr->len, &at))
		return FALSE;
	const guint8 *e = zr->data + at;
	memset (dir, 0, sizeof *dir);
	dir->multi_disk = get_u16 (e + 4) != 0 || get_u16 (e + 6) != 0;
	dir->entries = get_u16 (e + 10);
	dir->cd_size = get_u32 (e + 12);
	dir->cd_offset = get_u32 (e + 16);

	/* ZIP64: a locator just before the record points at the 64-bit one */
	if (at >= 20 && memcmp (zr->data + at - 20, "PK\x06\x07", 4) == 0) {
		guint64 off = get_u64 (zr->data + at - 20 + 8);
		if (off < zr->len && zr->len - off >= 56 && memcmp (zr->data + off, "PK\x06\x06", 4) == 0) {
			const guint8 *z = zr->data + off;
			dir->zip64 = TRUE;
			dir->multi_disk = dir->multi_disk || get_u32 (z + 16) != 0 || get_u32 (z + 20) != 0;
			dir->entries = get_u64 (z + 32);
			dir->cd_size = get_u64 (z + 40);
			dir->cd_offset = get_u64 (z + 48);
		} else {
			_mh_document_add_problem (zr->doc, "ZIP64 locator points to no ZIP64 directory record");
		}
	} else if (dir->entries == 0xffff || dir->cd_offset == 0xffffffffu) {
		_mh_document_add_problem (zr->doc, "ZIP64 values in the directory record but no ZIP64 record");
		return FALSE;
	}
	return TRUE;
}

/* Reads the central directory; returns how many entries were read. */
static guint
zip_read_central_directory (zip_reader *zr, const zip_directory *dir)
{
	guint max = zr->options->limits.max_entries;
	guint64 count = dir->entries;
	guint done = 0;

	if (count > max) {
		_mh_document_add_problem (zr->doc, "archive lists %" G_GUINT64_FORMAT " members: only the "
		                          "first %u are read", count, max);
		count = max;
	}
	if (dir->cd_offset > zr->len) {
		_mh_document_add_problem (zr->doc, "central directory offset %" G_GUINT64_FORMAT
		                          " is past the end of the archive", dir->cd_offset);
		return 0;
	}
	gsize p = (gsize) dir->cd_offset;
	for (guint64 i = 0; i < count; i++) {
		if (zr->len - p < 46 || memcmp (zr->data + p, "PK\x01\x02", 4) != 0) {
			_mh_document_add_problem (zr->doc, "central directory entry %" G_GUINT64_FORMAT
			                          " is damaged: the rest of the directory is not read", i + 1);
			break;
		}
		const guint8 *h = zr->data + p;
		gsize name_len = get_u16 (h + 28), extra_len = get_u16 (h + 30), comment_len = get_u16 (h + 32);
		if (zr->len - p - 46 < name_len + extra_len + comment_len) {
			_mh_document_add_problem (zr->doc, "central directory entry %" G_GUINT64_FORMAT
			                          " runs past the end of the archive", i + 1);
			break;
		}
		zip_entry e = { 0 };
		e.flags = get_u16 (h + 8);
		e.method = get_u16 (h + 10);
		e.mod_time = get_u16 (h + 12);
		e.crc = get_u32 (h + 16);
		e.compressed_size = get_u32 (h + 20);
		e.size = get_u32 (h + 24);
		e.local_offset = get_u32 (h + 42);
		e.name = zip_name_to_utf8 (h + 46, name_len, e.flags);
		zip_read_extra (&e, h + 46 + name_len, extra_len, h + 46, name_len);
		zip_read_entry_data (zr, &e);
		zip_entry_clear (&e);
		done++;
		p += 46 + name_len + extra_len + comment_len;
	}
	return done;
}

/* Without a readable central directory (a cut-off download, a damaged
 * attachment) the members are found by walking the local headers from
 * the start, as far as their sizes allow. */
static void
zip_walk_local_headers (zip_reader *zr)
{
	gsize p = 0;
	guint n = 0;

	_mh_document_add_problem (zr->doc, "no readable central directory: members found from their "
	                          "local headers");
	while (n < zr->options->limits.max_entries) {
		if (zr->len - p < 30 || memcmp (zr->data + p, "PK\x03\x04", 4) != 0)
			return;
		const guint8 *h = zr->data + p;
		gsize name_len = get_u16 (h + 26), extra_len = get_u16 (h + 28);
		if (zr->len - p - 30 < name_len + extra_len)
			return;
		zip_entry e = { 0 };
		e.flags = get_u16 (h + 6);
		e.method = get_u16 (h + 8);
		e.mod_time = get_u16 (h + 10);
		e.crc = get_u32 (h + 14);
		e.compressed_size = get_u32 (h + 18);
		e.size = get_u32 (h + 22);
		e.local_offset = p;
		e.name = zip_name_to_utf8 (h + 30, name_len, e.flags);
		zip_read_extra (&e, h + 30 + name_len, extra_len, h + 30, name_len);
		gsize start = p + 30 + name_len + extra_len;
		gsize avail = zr->len - start;

		if (e.flags & ZIP_FLAG_DATA_DESCRIPTOR) {
			/* sizes come after the data: only a deflate stream shows where it ends */
			gsize used = 0, produced = 0;
			gboolean found = FALSE;
			if (e.method == ZIP_METHOD_DEFLATE && !(e.flags & ZIP_FLAG_ENCRYPTED)) {
				gsize max = MIN (zr->options->limits.max_document_size, zip_tree_budget);
				found = _mh_inflate (zr->data + start, avail, G_ZLIB_COMPRESSOR_FORMAT_RAW,
				                        max, NULL, &used, &produced, NULL) == MH_INFLATE_DONE;
				zip_tree_budget -= MIN (zip_tree_budget, produced);
			}
			if (!found) {
				_mh_document_add_problem (zr->doc, "%s: size unknown without the central "
				                          "directory: this and later members not read", e.name);
				zip_entry_clear (&e);
				return;
			}
			e.compressed_size = used;
			gsize d = start + used;
			/* optional signature, then CRC and sizes (32-bit unless ZIP64) */
			if (zr->len - d >= 4 && memcmp (zr->data + d, "PK\x07\x08", 4) == 0)
				d += 4;
			if (zr->len - d >= 12) {
				e.crc = get_u32 (zr->data + d);
				d += 12;
			}
			zip_read_member (zr, &e, zr->data + start, used);
			p = MIN (d, zr->len);
		} else {
			if (e.compressed_size > avail) {
				_mh_document_add_problem (zr->doc, "%s: cut short (truncated archive): not opened",
				                          e.name);
				zip_entry_clear (&e);
				return;
			}
			zip_read_member (zr, &e, zr->data + start, (gsize) e.compressed_size);
			p = start + (gsize) e.compressed_size;
		}
		zip_entry_clear (&e);
		n++;
	}
	_mh_document_add_problem (zr->doc, "more than %u members: the rest are not read",
	                          zr->options->limits.max_entries);
}

void
_mh_zip_analyse (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	zip_reader zr = { .doc = doc, .options = options, .data = data, .len = len };
	zip_directory dir;

	if (zip_tree_active++ == 0)
		zip_tree_budget = options->limits.max_document_size;

	if (!zip_read_eocd (&zr, &dir)) {
		zip_walk_local_headers (&zr);
	} else if (dir.multi_disk) {
		_mh_document_add_finding (doc, options, "archive.unsupported", MH_SEVERITY_MEDIUM, NULL, NULL,
		                          "split (multi-volume) ZIP archive: members not inspected");
	} else if (zip_read_central_directory (&zr, &dir) == 0 && dir.entries > 0) {
		zip_walk_local_headers (&zr);
	}
	zip_tree_active--;
}

/* -- archive passwords written in a mail ----------------------------------- */

#define PASSWORD_MAX_CANDIDATES 16
#define PASSWORD_MAX_LEN 64

/* Words that introduce a password in a mail, in the languages of our
 * users and their correspondents; ASCII letters match in any case. */
static const char *const password_labels[] = {
	"password", "passwort", "passcode", "pass", "pwd", "pw",
	"kennwort", "mot de passe", "contraseña", "contrasena", "senha", "wachtwoord", "hasło",
	"解凍パスワード", "パスワード", "ﾊﾟｽﾜｰﾄﾞ", "暗証番号", "パス",
	"密码", "密碼", "비밀번호",
};

/* What may stand between a label and the password. */
static const char *const password_separators[] = {
	" ", "\t", "\xe3\x80\x80" /* ideographic space */, ":", "\xef\xbc\x9a" /* ： */,
	"=", "\xef\xbc\x9d" /* ＝ */, "-", "\xe2\x86\x92" /* → */, "\xe3\x81\xaf" /* は */,
	"\xe3\x80\x81" /* 、 */, "is ", "IS ", "Is ",
};

/* Quotes and brackets around a password, with the character that closes each. */
static const struct {
	const char *open, *close;
} password_quotes[] = {
	{ "\"", "\"" }, { "'", "'" }, { "(", ")" }, { "[", "]" }, { "<", ">" },
	{ "\xe3\x80\x8c", "\xe3\x80\x8d" } /* 「」 */, { "\xe3\x80\x8e", "\xe3\x80\x8f" } /* 『』 */,
	{ "\xe3\x80\x90", "\xe3\x80\x91" } /* 【】 */, { "\xe2\x80\x9c", "\xe2\x80\x9d" } /* “” */,
	{ "\xe2\x80\x98", "\xe2\x80\x99" } /* ‘’ */, { "\xef\xbc\x88", "\xef\xbc\x89" } /* （） */,
};

static gboolean
starts_with (const char *s, const char *prefix)
{
	return strncmp (s, prefix, strlen (prefix)) == 0;
}

/* The length of the label at @s (0 when none): the longest that matches. */
static gsize
password_label_at (const char *text, const char *s)
{
	gsize best = 0;
	for (gsize i = 0; i < G_N_ELEMENTS (password_labels); i++) {
		const char *label = password_labels[i];
		gsize n = strlen (label);
		/* Latin labels are words ("Contraseña" too): not "bypass", not "passport" */
		gboolean word = g_ascii_isalpha (label[0]);
		if (n <= best || g_ascii_strncasecmp (s, label, n) != 0)
			continue;
		if (word && ((s > text && g_ascii_isalnum (s[-1])) || g_ascii_isalpha (s[n])))
			continue;
		best = n;
	}
	return best;
}

/* Reads one password at @s: ASCII graphic characters (full-width ones
 * folded to ASCII, as people type them in Japanese mail), up to white
 * space, other text, or @close.  NULL when there is none. */
static char *
password_token (const char *s, const char *close, const char **end)
{
	GString *token = g_string_new (NULL);
	const char *p = s;
	while (*p && token->len <= PASSWORD_MAX_LEN) {
		if (close && starts_with (p, close))
			break;
		guchar c = (guchar) *p;
		if (c > 0x20 && c < 0x7f) {
			g_string_append_c (token, (char) c);
			p++;
			continue;
		}
		gunichar u = g_utf8_get_char_validated (p, -1);
		if (u >= 0xff01 && u <= 0xff5e && u != 0xff09 && u != 0xff3d && u != 0xff1e) {
			g_string_append_c (token, (char) (u - 0xfee0));
			p = g_utf8_next_char (p);
			continue;
		}
		break;
	}
	if (end)
		*end = p;
	/* sentence punctuation after the password is not part of it */
	while (token->len > 0 && strchr (".,;:", token->str[token->len - 1]))
		g_string_truncate (token, token->len - 1);
	if (token->len == 0 || token->len > PASSWORD_MAX_LEN) {
		g_string_free (token, TRUE);
		return NULL;
	}
	return g_string_free (token, FALSE);
}

static gboolean
line_is_blank_from (const char *p)
{
	for (; *p && *p != '\n'; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return FALSE;
	return TRUE;
}

static void
add_candidate (GPtrArray *out, char *pw)
{
	if (!pw)
		return;
	for (guint i = 0; i < out->len; i++)
		if (strcmp (g_ptr_array_index (out, i), pw) == 0) {
			g_free (pw);
			return;
		}
	g_ptr_array_add (out, pw);
}

/* After a label: the password on the same line, or alone on the next
 * (non-blank) line when the label ends its line.  Returns where to go on. */
static const char *
password_after_label (const char *p, GPtrArray *out)
{
	const char *line_end = strchr (p, '\n');
	if (!line_end)
		line_end = p + strlen (p);

	/* "Password for the attached file: abc" — the colon on the line wins */
	for (const char *q = p; q < line_end && q - p < 48; q++)
		if ((*q == ':' && q[1] != '/') || *q == '=' || starts_with (q, "\xef\xbc\x9a")) {
			p = q;
			break;
		}

	gboolean separated = FALSE;
	for (guint guard = 0; guard < 32; guard++) {
		gboolean moved = FALSE;
		for (gsize i = 0; i < G_N_ELEMENTS (password_separators); i++)
			if (starts_with (p, password_separators[i])) {
				p += strlen (password_separators[i]);
				moved = separated = TRUE;
				break;
			}
		if (!moved)
			break;
	}
	const char *close = NULL;
	for (gsize i = 0; i < G_N_ELEMENTS (password_quotes); i++)
		if (starts_with (p, password_quotes[i].open)) {
			p += strlen (password_quotes[i].open);
			close = password_quotes[i].close;
			separated = TRUE;
			break;
		}

	if (*p == '\r' || *p == '\n' || *p == '\0') {
		/* the label ends its line: the password is the next non-blank line, alone */
		for (int lines = 0; lines < 2 && *p; lines++) {
			const char *nl = strchr (p, '\n');
			if (!nl)
				return p + strlen (p);
			p = nl + 1;
			while (*p == ' ' || *p == '\t' || starts_with (p, "\xe3\x80\x80"))
				p += *p == ' ' || *p == '\t' ? 1 : 3;
			if (!line_is_blank_from (p))
				break;
		}
		const char *end;
		char *pw = password_token (p, NULL, &end);
		if (pw && line_is_blank_from (end))
			add_candidate (out, pw);
		else
			g_free (pw);
		return end > p ? end : p;
	}
	if (!separated)
		return p;
	const char *end;
	add_candidate (out, password_token (p, close, &end));
	return end > p ? end : p;
}

GPtrArray *
mh_passwords_from_text (const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	if (!text)
		return out;
	/* the pairs of bytes a label can start with: every other place is
	 * passed over without trying the labels one by one (most of a mail
	 * body; a first byte alone lets through nearly all Japanese text,
	 * whose characters share a few lead bytes) */
	static guint8 starts_label[256][256 / 8];
	static gsize starts_label_set;
	if (g_once_init_enter (&starts_label_set)) {
		for (gsize i = 0; i < G_N_ELEMENTS (password_labels); i++) {
			const char *label = password_labels[i];
			guchar a = (guchar) label[0], b = (guchar) label[1];
			guchar cases_a[2] = { (guchar) g_ascii_tolower ((gchar) a), (guchar) g_ascii_toupper ((gchar) a) };
			guchar cases_b[2] = { (guchar) g_ascii_tolower ((gchar) b), (guchar) g_ascii_toupper ((gchar) b) };
			for (int x = 0; x < 2; x++)
				for (int y = 0; y < 2; y++)
					starts_label[cases_a[x]][cases_b[y] / 8] |= (guint8) (1u << (cases_b[y] % 8));
		}
		g_once_init_leave (&starts_label_set, 1);
	}
	g_autofree char *valid = g_utf8_make_valid (text, -1);
	const char *p = valid;

	while (*p && out->len < PASSWORD_MAX_CANDIDATES) {
		guchar a = (guchar) p[0], b = (guchar) p[1];   /* p[1] is at most the NUL */
		if (!(starts_label[a][b / 8] & (1u << (b % 8)))) {
			p++;
			continue;
		}
		gsize n = password_label_at (valid, p);
		if (n == 0) {
			p++;
			continue;
		}
		p = password_after_label (p + n, out);
	}
	return out;
}

/* -- OLE1 objects (RTF \objdata) ------------------------------------------------ */

/* Equation Editor's CLSID {0002CE02-0000-0000-C000-000000000046} as it is
 * stored (little-endian fields): exploits rename the class, not this. */
static const guint8 equation_clsid[16] = {
	0x02, 0xce, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46,
};

static gboolean
memfind (const guint8 *hay, gsize len, const guint8 *needle, gsize n)
{
	for (gsize i = 0; n <= len && i <= len - n; i++)
		if (memcmp (hay + i, needle, n) == 0)
			return TRUE;
	return FALSE;
}

/* A LengthPrefixedAnsiString (MS-OLEDS 2.1.4): u32 length with the NUL. */
static gboolean
read_ansi_string (const guint8 *data, gsize len, gsize *pos, char **out)
{
	if (len - *pos < 4)
		return FALSE;
	guint32 n = get_u32 (data + *pos);
	*pos += 4;
	if (n > 4096 || n > len - *pos)
		return FALSE;
	g_autofree char *raw = g_strndup ((const char *) data + *pos, n);
	*out = mh_text_to_utf8 ("windows-1252", raw, -1, NULL);
	*pos += n;
	return TRUE;
}

/* A NUL-terminated ANSI string of an OLE Package, at most 1024 bytes. */
static char *
read_cstring (const guint8 *data, gsize len, gsize *pos)
{
	gsize start = *pos;
	while (*pos < len && data[*pos] != 0 && *pos - start < 1024)
		(*pos)++;
	if (*pos >= len || data[*pos] != 0)
		return NULL;
	g_autofree char *raw = g_strndup ((const char *) data + start, *pos - start);
	(*pos)++;
	return mh_text_to_utf8 ("windows-1252", raw, -1, NULL);
}

/* Adds the http(s) URLs written (ASCII or UTF-16LE) in @data as indicators:
 * the target of an OLE2Link's URL moniker. */
static void
add_url_iocs (mh_document *doc, const guint8 *data, gsize len, const char *location)
{
	guint found = 0;
	for (gsize i = 0; i + 8 < len && found < 16; i++) {
		gboolean wide = data[i + 1] == 0;
		gsize step = wide ? 2 : 1;
		if (g_ascii_tolower (data[i]) != 'h' || g_ascii_tolower (data[i + step]) != 't' ||
		    i + 4 * step > len || g_ascii_tolower (data[i + 3 * step]) != 'p')
			continue;
		GString *url = g_string_new (NULL);
		for (gsize j = i; j + step - 1 < len && url->len < 2048; j += step) {
			guchar c = data[j];
			if (wide && data[j + 1] != 0)
				break;
			if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>')
				break;
			g_string_append_c (url, (char) c);
		}
		if (g_ascii_strncasecmp (url->str, "http://", 7) == 0 ||
		    g_ascii_strncasecmp (url->str, "https://", 8) == 0) {
			_mh_document_add_ioc (doc, "url", url->str, location, NULL);
			found++;
			i += url->len * step - 1;
		}
		g_string_free (url, TRUE);
	}
}

typedef struct {
	char       *class_name;  /* \objclass, or NULL */
	gboolean    embedded, link, auto_link, update;
	GByteArray *objdata;     /* decoded hex */
} rtf_object;

/* An OLE Package (the "Packager Shell Object"): a file carried with its
 * name, shown as an icon, run or opened when double-clicked. */
static void
read_ole_package (mh_document *doc, const mh_office_options *options, const guint8 *native,
                  gsize len, const char *location)
{
	gsize pos = 2;   /* u16: always 2 */
	g_autofree char *label = NULL, *source = NULL, *temp = NULL;
	if (len < 2 || !(label = read_cstring (native, len, &pos)) ||
	    !(source = read_cstring (native, len, &pos)) || len - pos < 8) {
		_mh_document_add_problem (doc, "%s: damaged OLE Package", location);
		return;
	}
	pos += 8;    /* u32 type, u32 length of the temporary path */
	temp = read_cstring (native, len, &pos);
	if (!temp || len - pos < 4) {
		_mh_document_add_problem (doc, "%s: damaged OLE Package (%s)", location, label);
		return;
	}
	guint32 size = get_u32 (native + pos);
	pos += 4;
	if (size > len - pos) {
		_mh_document_add_problem (doc, "%s: OLE Package %s declares %u bytes, has %" G_GSIZE_FORMAT,
		                          location, label, size, len - pos);
		size = (guint32) (len - pos);
	}
	const guint8 *file = native + pos;
	const char *name = *label ? label : source;
	if (*source)
		_mh_document_add_property (doc, "package-source-path", source);

	if (mh_office_is_document (file, size)) {
		_mh_document_add_finding (doc, options, "doc.embedded-object", MH_SEVERITY_LOW, location, name,
		                          "OLE Package object carries a document: %s", name);
		_mh_document_add_child (doc, file, size, name, options);
	} else if (is_executable (name, file, size) || is_executable (source, file, size) ||
	           is_executable (temp, file, size)) {
		report_executable (doc, options, name, file, size, "an OLE Package object (an icon in "
		                   "the document)", MH_SEVERITY_HIGH);
	} else {
		g_autofree char *evidence = g_strdup_printf ("%s (%u bytes)", name, size);
		_mh_document_add_finding (doc, options, "doc.embedded-object", MH_SEVERITY_LOW, location,
		                          evidence, "OLE Package object carries a file: %s", name);
	}
}

static gboolean
ascii_prefix_ci (const char *s, const char *prefix)
{
	return s && g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

/* What an RTF \object holds: the OLE1 ObjectHeader (MS-OLEDS 2.2.4) with
 * its class, then for an embedded object the native data, for a link the
 * source it is linked to. */
static void
rtf_object_done (mh_document *doc, const mh_office_options *options, rtf_object *obj, guint number)
{
	g_autofree char *location = g_strdup_printf ("object %u", number);
	const guint8 *d = obj->objdata ? obj->objdata->data : NULL;
	gsize len = obj->objdata ? obj->objdata->len : 0;
	g_autofree char *ole1_class = NULL, *topic = NULL, *item = NULL;
	const guint8 *native = NULL;
	gsize native_len = 0;
	guint32 format_id = 0;
	gsize pos = 8;

	if (len >= 12) {
		format_id = get_u32 (d + 4);
		if ((format_id == 1 || format_id == 2) && read_ansi_string (d, len, &pos, &ole1_class) &&
		    read_ansi_string (d, len, &pos, &topic) && read_ansi_string (d, len, &pos, &item)) {
			if (format_id == 2 && len - pos >= 4) {
				guint32 n = get_u32 (d + pos);
				pos += 4;
				if (n > len - pos) {
					_mh_document_add_problem (doc, "%s: native data declares %u bytes, has %"
					                          G_GSIZE_FORMAT, location, n, len - pos);
					n = (guint32) (len - pos);
				}
				native = d + pos;
				native_len = n;
			}
		} else {
			format_id = 0;
		}
	}
	if (format_id == 0 && len > 0) {
		/* no OLE1 header (or a damaged one): an OLE2 file may still be in there */
		for (gsize i = 0; i + 8 <= len; i++)
			if (memcmp (d + i, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0) {
				native = d + i;
				native_len = len - i;
				break;
			}
		if (!native)
			_mh_document_add_problem (doc, "%s: \\objdata is not an OLE1 object", location);
	}

	const char *class_name = ole1_class && *ole1_class ? ole1_class : obj->class_name;
	const char *shown = class_name ? class_name : "(no class)";
	gboolean equation = ascii_prefix_ci (class_name, "Equation") ||
	                    ascii_prefix_ci (obj->class_name, "Equation") ||
	                    (native && memfind (native, native_len, equation_clsid, sizeof equation_clsid));

	if (obj->auto_link || format_id == 1 || (obj->link && obj->update)) {
		const char *source = topic && *topic ? topic : NULL;
		if (source && (strstr (source, "://") || starts_with (source, "\\\\")))
			_mh_document_add_ioc (doc, strstr (source, "://") ? "url" : "unc-path", source, location, NULL);
		if (obj->auto_link || obj->update)
			_mh_document_add_finding (doc, options, "doc.external-relationship", MH_SEVERITY_HIGH,
			                          location, source,
			                          "linked %s object updates itself when the document opens: "
			                          "Word fetches its source", shown);
		else
			_mh_document_add_finding (doc, options, "doc.external-relationship", MH_SEVERITY_MEDIUM,
			                          location, source, "linked %s object", shown);
	}

	if (equation) {
		_mh_document_add_finding (doc, options, "doc.embedded-object", MH_SEVERITY_MEDIUM, location,
		                          shown, "Equation Editor object (%s): a known exploitation vector "
		                          "(CVE-2017-11882, CVE-2018-0802)%s", shown,
		                          obj->update ? "; \\objupdate makes it load when the document opens" : "");
	} else if (ascii_prefix_ci (class_name, "Package") && native) {
		read_ole_package (doc, options, native, native_len, location);
		return;
	} else if (ascii_prefix_ci (class_name, "OLE2Link")) {
		_mh_document_add_finding (doc, options, "doc.embedded-object", MH_SEVERITY_HIGH, location, shown,
		                          "OLE2Link object: a link Word resolves when the document opens "
		                          "(the CVE-2017-0199 family)");
		if (native)
			add_url_iocs (doc, native, native_len, location);
	} else if (format_id != 1) {
		_mh_document_add_finding (doc, options, "doc.embedded-object",
		                          obj->update ? MH_SEVERITY_MEDIUM : MH_SEVERITY_LOW, location, shown,
		                          "embedded %s object%s", shown,
		                          obj->update ? " that \\objupdate loads when the document opens" : "");
	}

	if (native && mh_office_is_document (native, native_len)) {
		g_autofree char *name = g_strdup_printf ("%s (%s)", location, shown);
		_mh_document_add_child (doc, native, native_len, name, options);
	}
}

/* -- RTF --------------------------------------------------------------------- */

/* Word opens "{\rt" followed by anything, after a little white space. */
#define RTF_MAX_LEADING_SPACE 16
/* Past this nesting the document is odd (Word itself stops earlier);
 * reported once, the reading goes on. */
#define RTF_MAX_DEPTH 10000

gboolean
_mh_is_rtf (const guint8 *data, gsize len)
{
	gsize i = 0;
	while (i < len && i < RTF_MAX_LEADING_SPACE && g_ascii_isspace (data[i]))
		i++;
	return len - i >= 4 && memcmp (data + i, "{\\rt", 4) == 0;
}

typedef enum {
	DEST_NONE,
	DEST_OBJCLASS,
	DEST_OBJDATA,
	DEST_TEMPLATE,
} rtf_destination;

typedef struct {
	mh_document             *doc;
	const mh_office_options *options;
	guint                    depth;
	gboolean                 deep_reported;
	gboolean                 in_object;
	guint                    object_depth;
	rtf_object               obj;
	guint                    objects;
	rtf_destination          dest;
	guint                    dest_depth;
	GString                 *text;     /* of \objclass or \template */
	int                      nibble;   /* first hex digit of a byte in \objdata, or -1 */
	gsize                    objdata_cap;
	gboolean                 objdata_capped;
	guint                    codepage;  /* \ansicpgN: of the \'hh bytes in names */
} rtf_reader;

/* Text of a destination (bytes in the document's code page) as UTF-8. */
static char *
rtf_text_to_utf8 (const rtf_reader *r, const char *text)
{
	g_autofree char *charset = g_strdup_printf ("cp%u", r->codepage);
	g_autofree char *utf8 = mh_text_to_utf8 (charset, text, -1, NULL);
	return g_strstrip (g_steal_pointer (&utf8));
}

static void
rtf_object_reset (rtf_reader *r)
{
	g_free (r->obj.class_name);
	if (r->obj.objdata)
		g_byte_array_unref (r->obj.objdata);
	memset (&r->obj, 0, sizeof r->obj);
}

static void
rtf_finish_object (rtf_reader *r)
{
	if (r->objects >= r->options->limits.max_entries) {
		_mh_document_add_problem (r->doc, "more than %u objects: the rest are not read",
		                          r->options->limits.max_entries);
	} else {
		r->objects++;
		rtf_object_done (r->doc, r->options, &r->obj, r->objects);
	}
	rtf_object_reset (r);
	r->in_object = FALSE;
}

static void
rtf_template_done (rtf_reader *r, const char *value)
{
	g_autofree char *v = rtf_text_to_utf8 (r, value);
	if (!*v)
		return;
	_mh_document_add_property (r->doc, "template", v);
	gboolean url = strstr (v, "://") != NULL;
	if (url || starts_with (v, "\\\\")) {
		_mh_document_add_ioc (r->doc, url ? "url" : "unc-path", v, "\\template", NULL);
		_mh_document_add_finding (r->doc, r->options, "doc.remote-template", MH_SEVERITY_HIGH,
		                          "\\template", v,
		                          "attached template is fetched from %s when the document opens",
		                          url ? "the network" : "a network share");
	}
}

static void
rtf_close_destination (rtf_reader *r)
{
	switch (r->dest) {
	case DEST_OBJCLASS:
		if (r->in_object && !r->obj.class_name)
			r->obj.class_name = rtf_text_to_utf8 (r, r->text->str);
		break;
	case DEST_TEMPLATE:
		rtf_template_done (r, r->text->str);
		break;
	case DEST_OBJDATA:
		/* \objdata outside an \object group: Word ignores it, but
		 * exploits hide it so; read it like an object */
		if (!r->in_object)
			rtf_finish_object (r);
		break;
	case DEST_NONE:
		break;
	}
	r->dest = DEST_NONE;
	g_string_truncate (r->text, 0);
}

static void
rtf_begin_destination (rtf_reader *r, rtf_destination dest)
{
	if (r->dest != DEST_NONE)
		return;   /* destinations inside ours are read as part of it */
	r->dest = dest;
	r->dest_depth = r->depth;
	g_string_truncate (r->text, 0);
	if (dest == DEST_OBJDATA) {
		if (!r->obj.objdata)
			r->obj.objdata = g_byte_array_new ();
		r->nibble = -1;
	}
}

static void
rtf_objdata_byte (rtf_reader *r, guint8 b)
{
	if (!r->obj.objdata)
		return;
	if (r->obj.objdata->len >= r->objdata_cap) {
		if (!r->objdata_capped)
			_mh_document_add_problem (r->doc, "\\objdata over %" G_GSIZE_FORMAT " bytes: cut",
			                          r->objdata_cap);
		r->objdata_capped = TRUE;
		return;
	}
	g_byte_array_append (r->obj.objdata, &b, 1);
}

/* One character of text (after escapes). */
static void
rtf_text (rtf_reader *r, guint8 c)
{
	if (r->dest == DEST_OBJDATA) {
		/* hex digits; white space and junk between them are skipped, as Word does */
		if (!g_ascii_isxdigit (c))
			return;
		int v = g_ascii_xdigit_value ((char) c);
		if (r->nibble < 0) {
			r->nibble = v;
		} else {
			rtf_objdata_byte (r, (guint8) (r->nibble << 4 | v));
			r->nibble = -1;
		}
	} else if (r->dest != DEST_NONE && r->text->len < 4096) {
		g_string_append_c (r->text, (char) c);
	}
}

static void
rtf_control_word (rtf_reader *r, const char *word, gsize n, gboolean has_param, guint64 param)
{
#define IS(w) (n == sizeof (w) - 1 && memcmp (word, w, n) == 0)
	if (IS ("ansicpg")) {
		if (has_param && param > 0 && param < 100000)
			r->codepage = (guint) param;
	} else if (IS ("object")) {
		if (r->in_object || r->dest == DEST_OBJDATA)
			return;   /* an object inside an object (or its data): read as one */
		rtf_object_reset (r);
		r->in_object = TRUE;
		r->object_depth = r->depth;
	} else if (IS ("objclass")) {
		rtf_begin_destination (r, DEST_OBJCLASS);
	} else if (IS ("objdata")) {
		rtf_begin_destination (r, DEST_OBJDATA);
	} else if (IS ("template") || IS ("attachedtemplate")) {
		rtf_begin_destination (r, DEST_TEMPLATE);
	} else if (r->in_object) {
		if (IS ("objemb") || IS ("objicemb"))
			r->obj.embedded = TRUE;
		else if (IS ("objlink"))
			r->obj.link = TRUE;
		else if (IS ("objautlink"))
			r->obj.auto_link = TRUE;
		else if (IS ("objupdate"))
			r->obj.update = TRUE;
	}
#undef IS
}

void
_mh_rtf_analyse (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	rtf_reader r = { .doc = doc, .options = options, .nibble = -1, .codepage = 1252 };
	r.text = g_string_new (NULL);
	r.objdata_cap = MIN (options->limits.max_stream_size, len);
	gsize i = 0;

	while (i < len) {
		guint8 c = data[i];
		if (c == '{') {
			r.depth++;
			if (r.depth > RTF_MAX_DEPTH && !r.deep_reported) {
				_mh_document_add_problem (doc, "groups nested deeper than %d", RTF_MAX_DEPTH);
				r.deep_reported = TRUE;
			}
			i++;
		} else if (c == '}') {
			if (r.depth > 0)
				r.depth--;
			if (r.dest != DEST_NONE && r.depth < r.dest_depth)
				rtf_close_destination (&r);
			if (r.in_object && r.depth < r.object_depth)
				rtf_finish_object (&r);
			i++;
		} else if (c == '\\') {
			if (i + 1 >= len)
				break;
			guint8 n = data[i + 1];
			if (g_ascii_isalpha (n)) {
				gsize s = i + 1, e = s;
				while (e < len && g_ascii_isalpha (data[e]))
					e++;
				gsize word_len = e - s;
				gboolean has_param = FALSE;
				guint64 param = 0;
				if (e < len && data[e] == '-')
					e++;
				while (e < len && g_ascii_isdigit (data[e])) {
					if (param < 1000000000u)
						param = param * 10 + (guint64) (data[e] - '0');
					has_param = TRUE;
					e++;
				}
				if (e < len && data[e] == ' ')
					e++;
				i = e;
				if (word_len == 3 && memcmp (data + s, "bin", 3) == 0 && has_param) {
					/* \binN: N raw bytes follow (part of \objdata when inside it) */
					gsize take = (gsize) MIN (param, (guint64) (len - i));
					if (r.dest == DEST_OBJDATA)
						for (gsize k = 0; k < take && !r.objdata_capped; k++)
							rtf_objdata_byte (&r, data[i + k]);
					i += take;
				} else {
					rtf_control_word (&r, (const char *) data + s, word_len, has_param, param);
				}
			} else if (n == '\'') {
				/* \'hh: a character in the document's code page */
				if (i + 3 < len && g_ascii_isxdigit (data[i + 2]) && g_ascii_isxdigit (data[i + 3]) &&
				    r.dest != DEST_OBJDATA)
					rtf_text (&r, (guint8) (g_ascii_xdigit_value ((char) data[i + 2]) << 4 |
					                        g_ascii_xdigit_value ((char) data[i + 3])));
				i += 4;
			} else {
				if (n == '\\' || n == '{' || n == '}')
					rtf_text (&r, n);
				i += 2;
			}
		} else {
			if (c != '\r' && c != '\n')
				rtf_text (&r, c);
			i++;
		}
	}
	/* an unterminated document: what was open is still read */
	if (r.dest != DEST_NONE)
		rtf_close_destination (&r);
	if (r.in_object)
		rtf_finish_object (&r);
	rtf_object_reset (&r);
	g_string_free (r.text, TRUE);
}

/* -- ActiveMime ----------------------------------------------------------------- */

/* The header is not documented.  The zlib stream starts at the 16-bit
 * value at 0x1E plus 46 (olevba, maldoca); Word has always used 0x32,
 * Excel 0x22A; failing those, the first zlib headers are tried. */
#define ACTIVEMIME_SCAN_LIMIT (64 * 1024)
#define ACTIVEMIME_MAX_TRIES  32

static gboolean
looks_like_zlib (const guint8 *p, gsize len)
{
	return len >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && ((p[0] << 8) | p[1]) % 31 == 0;
}

GBytes *
_mh_activemime_decode (const guint8 *data, gsize len, gsize max, GError **error)
{
	gsize tried[ACTIVEMIME_MAX_TRIES + 3];
	guint ntried = 0;
	gsize candidates[3] = { G_MAXSIZE, 0x32, 0x22a };

	if (len < 10 || memcmp (data, "ActiveMime", 10) != 0) {
		g_set_error_literal (error, MH_OFFICE_ERROR, 0, "not an ActiveMime blob");
		return NULL;
	}
	if (len >= 0x20)
		candidates[0] = (gsize) get_u16 (data + 0x1e) + 46;

	gsize scan = 10, spent = 0;
	for (guint attempt = 0; attempt < G_N_ELEMENTS (candidates) + ACTIVEMIME_MAX_TRIES; attempt++) {
		gsize off = G_MAXSIZE;
		if (attempt < G_N_ELEMENTS (candidates)) {
			off = candidates[attempt];
		} else {
			while (scan < len && scan < ACTIVEMIME_SCAN_LIMIT && !looks_like_zlib (data + scan, len - scan))
				scan++;
			if (scan >= len || scan >= ACTIVEMIME_SCAN_LIMIT)
				break;
			off = scan++;
		}
		if (off >= len || !looks_like_zlib (data + off, len - off))
			continue;
		gboolean seen = FALSE;
		for (guint k = 0; k < ntried; k++)
			seen = seen || tried[k] == off;
		if (seen)
			continue;
		tried[ntried++] = off;

		/* wrong guesses together may not inflate more than one payload would */
		if (spent >= max)
			break;
		g_autoptr (GByteArray) out = g_byte_array_new ();
		mh_inflate_result r = _mh_inflate (data + off, len - off, G_ZLIB_COMPRESSOR_FORMAT_ZLIB, max,
		                                   out, NULL, NULL, NULL);
		spent += out->len;
		if (r == MH_INFLATE_CAPPED) {
			g_set_error (error, MH_OFFICE_ERROR, 0, "ActiveMime payload is larger than %"
			             G_GSIZE_FORMAT " bytes: not decompressed", max);
			return NULL;
		}
		if (r == MH_INFLATE_DONE && out->len > 0)
			return g_byte_array_free_to_bytes (g_steal_pointer (&out));
	}
	g_set_error_literal (error, MH_OFFICE_ERROR, 0, "no zlib stream found in the ActiveMime blob");
	return NULL;
}

/* -- MHT (Word's "Single File Web Page") ------------------------------------- */

#define MHT_SNIFF 4096
#define ACTIVEMIME_BASE64 "QWN0aXZlTWltZQ"   /* "ActiveMime" in base64 */
/* Bare base64 ActiveMime runs looked for when MIME parsing finds none. */
#define MHT_MAX_RAW_BLOBS 16

gboolean
_mh_is_mht (const guint8 *data, gsize len)
{
	gsize n = MIN (len, MHT_SNIFF);
	if (has_prefix (data, len, "ActiveMime") || has_prefix (data, len, ACTIVEMIME_BASE64))
		return TRUE;
	/* junk before the MIME header is tolerated by Word, and used to evade */
	return contains_ascii_ci (data, n, "mime-version") && contains_ascii_ci (data, n, "multipart/related");
}

static void
mht_activemime_found (mh_document *doc, const guint8 *blob, gsize len, const char *name,
                      const mh_office_options *options)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) payload = _mh_activemime_decode (blob, len, options->limits.max_document_size, &error);
	if (!payload) {
		_mh_document_add_problem (doc, "%s: %s", name, error->message);
		return;
	}
	gsize n;
	const guint8 *p = g_bytes_get_data (payload, &n);
	_mh_document_add_child (doc, p, n, name, options);
}

/* Decodes the base64 text at @s (line breaks and spaces allowed) up to the
 * first other character. */
static GBytes *
decode_base64_run (const guint8 *s, gsize len)
{
	gsize n = 0;
	while (n < len && (g_ascii_isalnum (s[n]) || s[n] == '+' || s[n] == '/' || s[n] == '=' ||
	                   s[n] == '\r' || s[n] == '\n' || s[n] == ' ' || s[n] == '\t'))
		n++;
	guint8 *out = g_malloc (n / 4 * 3 + 4);
	gint state = 0;
	guint save = 0;
	gsize written = g_base64_decode_step ((const char *) s, n, out, &state, &save);
	return g_bytes_new_take (out, written);
}

static void
mht_decode_blob (mh_document *doc, const guint8 *s, gsize len, const char *name,
                 const mh_office_options *options)
{
	g_autoptr (GBytes) blob = decode_base64_run (s, len);
	gsize n;
	const guint8 *p = g_bytes_get_data (blob, &n);
	mht_activemime_found (doc, p, n, name, options);
}

static char *
mht_part_name (GMimeObject *obj, guint index)
{
	const char *location = g_mime_object_get_header (obj, "Content-Location");
	const char *file = GMIME_IS_PART (obj) ? g_mime_part_get_filename (GMIME_PART (obj)) : NULL;
	const char *id = g_mime_object_get_content_id (obj);
	const char *name = location ? location : file ? file : id;
	return name ? g_utf8_make_valid (name, -1) : g_strdup_printf ("part %u", index);
}

/* Returns TRUE when the part held an ActiveMime blob or a document. */
static gboolean
mht_read_part (mh_document *doc, GMimePart *part, guint index, const mh_office_options *options)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	if (!content)
		return FALSE;
	g_autoptr (GMimeStream) mem = g_mime_stream_mem_new ();
	/* decoded bytes: at most the size of the (capped) document itself */
	if (g_mime_data_wrapper_write_to_stream (content, mem) < 0)
		return FALSE;
	GByteArray *bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
	g_autofree char *name = mht_part_name (GMIME_OBJECT (part), index);

	if (has_prefix (bytes->data, bytes->len, "ActiveMime")) {
		mht_activemime_found (doc, bytes->data, bytes->len, name, options);
		return TRUE;
	}
	if (has_prefix (bytes->data, bytes->len, "\xd0\xcf\x11\xe0") ||
	    has_prefix (bytes->data, bytes->len, "PK\x03\x04")) {
		_mh_document_add_child (doc, bytes->data, bytes->len, name, options);
		return TRUE;
	}
	return FALSE;
}

/* Where the MIME header starts: at 0, or at the header line that names
 * MIME-Version or Content-Type when junk comes first. */
static gsize
mht_header_start (const guint8 *data, gsize len)
{
	gsize n = MIN (len, MHT_SNIFF);
	gsize i = 0;
	while (i < n && data[i] != ':' && data[i] != '\n' && data[i] > 0x20 && data[i] < 0x7f)
		i++;
	if (i > 0 && i < n && data[i] == ':')
		return 0;
	for (gsize line = 0; line < n; ) {
		if (g_ascii_strncasecmp ((const char *) data + line, "MIME-Version:", MIN (13, len - line)) == 0 ||
		    g_ascii_strncasecmp ((const char *) data + line, "Content-Type:", MIN (13, len - line)) == 0)
			return line;
		const guint8 *nl = memchr (data + line, '\n', n - line);
		if (!nl)
			break;
		line = (gsize) (nl - data) + 1;
	}
	return 0;
}

void
_mh_mht_analyse (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	if (has_prefix (data, len, "ActiveMime")) {
		mht_activemime_found (doc, data, len, "ActiveMime payload", options);
		return;
	}
	if (has_prefix (data, len, ACTIVEMIME_BASE64)) {
		mht_decode_blob (doc, data, len, "ActiveMime payload", options);
		return;
	}

	gsize start = mht_header_start (data, len);
	if (start > 0)
		_mh_document_add_problem (doc, "%" G_GSIZE_FORMAT " bytes before the MIME header "
		                          "(Word skips them; an evasion trick)", start);

	guint found = 0;
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer ((const char *) data + start,
	                                                                    len - start);
	g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	g_autoptr (GMimeMessage) message = g_mime_parser_construct_message (parser, NULL);
	GMimeObject *root = message ? g_mime_message_get_mime_part (message) : NULL;

	if (!root) {
		_mh_document_add_problem (doc, "GMime could not parse the MHT file");
	} else {
		/* an explicit stack, not recursion: the nesting comes from the file */
		g_autoptr (GPtrArray) stack = g_ptr_array_new ();
		guint visited = 0, max = options->limits.max_entries;
		g_ptr_array_add (stack, root);
		while (stack->len > 0) {
			GMimeObject *obj = g_ptr_array_steal_index (stack, stack->len - 1);
			if (++visited > max) {
				_mh_document_add_problem (doc, "more than %u MIME parts: the rest are not read", max);
				break;
			}
			if (GMIME_IS_MULTIPART (obj)) {
				int count = g_mime_multipart_get_count (GMIME_MULTIPART (obj));
				for (int k = count - 1; k >= 0 && stack->len < max; k--)
					g_ptr_array_add (stack, g_mime_multipart_get_part (GMIME_MULTIPART (obj), k));
			} else if (GMIME_IS_MESSAGE_PART (obj)) {
				GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
				GMimeObject *part = inner ? g_mime_message_get_mime_part (inner) : NULL;
				if (part)
					g_ptr_array_add (stack, part);
			} else if (GMIME_IS_PART (obj)) {
				if (mht_read_part (doc, GMIME_PART (obj), visited, options))
					found++;
			}
		}
	}

	if (found == 0) {
		/* broken MIME (a missing boundary, junk): the base64 of an ActiveMime
		 * blob still stands out in the text */
		guint blobs = 0;
		gsize n = strlen (ACTIVEMIME_BASE64);
		for (gsize i = 0; n <= len && i <= len - n && blobs < MHT_MAX_RAW_BLOBS; i++)
			if (memcmp (data + i, ACTIVEMIME_BASE64, n) == 0) {
				g_autofree char *name = g_strdup_printf ("ActiveMime blob at offset %" G_GSIZE_FORMAT, i);
				mht_decode_blob (doc, data + i, len - i, name, options);
				blobs++;
				i += n;
			}
	}
}
