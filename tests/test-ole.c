/* OLE2 documents (src/office/ole.c): the facts of the corpora
 * (shared/corpora/MANIFEST.tsv) and generated compound files for what
 * the corpora lack (DDE and external fields in a .doc, a PowerPoint VBA
 * project, an OLE package with a program in it).  Generated test data is
 * harmless text: nothing here is ever run. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "office/office-private.h"

/* ole.c's test hook: the macro sheets' formulas of a Workbook stream. */
extern char *_mh_ole_xlm_formulas (const guint8 *data, gsize len, const mh_office_options *options);

#define TIKA_DOCS "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/" \
                  "tika-parser-microsoft-module/src/test/resources/test-documents/"

static mh_office_options options;

/* -- helpers ------------------------------------------------------------------ */

static char *
corpus_path (const char *rel)
{
	const char *root = g_getenv ("MH_CORPORA");
	if (!root || !g_file_test (root, G_FILE_TEST_IS_DIR))
		return NULL;
	return g_build_filename (root, rel, NULL);
}

/* The analysis of a corpus file, or NULL (test skipped) without corpora. */
static mh_document *
analyse_corpus (const char *rel)
{
	g_autofree char *path = corpus_path (rel);
	if (!path) {
		g_test_skip ("MH_CORPORA not set");
		return NULL;
	}
	g_autofree char *data = NULL;
	gsize len = 0;
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	return mh_document_analyse ((const guint8 *) data, len, rel, &options);
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

static const char *
find_property (const mh_document *doc, const char *name)
{
	for (guint i = 0; i < doc->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (doc->properties, i);
		if (strcmp (p->name, name) == 0)
			return p->value;
	}
	return NULL;
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

static const mh_vba_project *
find_project (const mh_document *doc, const char *location)
{
	for (guint i = 0; i < doc->vba_projects->len; i++) {
		const mh_vba_project *p = g_ptr_array_index (doc->vba_projects, i);
		if (strcmp (p->location, location) == 0)
			return p;
	}
	return NULL;
}

static gboolean
project_has_module (const mh_vba_project *project, const char *name)
{
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		if (m->name && strcmp (m->name, name) == 0)
			return TRUE;
	}
	return FALSE;
}

/* -- kinds of compound files ---------------------------------------------------- */

typedef struct {
	const char *path;
	const char *format;
	gboolean    encrypted;
} kind_case;

static const kind_case kind_cases[] = {
	{ "poi/test-data/document/simple.doc", "doc", FALSE },
	{ "poi/test-data/document/SimpleMacro.doc", "doc", FALSE },
	{ "poi/test-data/document/cpansearch.perl.org_src_tobyink_acme-rundoc-0.001_word-lib_hello_world.docm", "doc", FALSE },
	{ "poi/test-data/spreadsheet/SimpleMacro.xls", "xls", FALSE },
	{ "oletools/tests/test-data/excel4-macros/excel4_sample_macro_excel5_format.xls", "xls", FALSE },
	{ "poi/test-data/spreadsheet/62624.bin", "vba-project", FALSE },
	{ "poi/test-data/spreadsheet/62625.bin", "vba-project", FALSE },
	{ "oletools/tests/test-data/encrypted/encrypted.doc", "doc", TRUE },
	{ "oletools/tests/test-data/encrypted/encrypted.xls", "xls", TRUE },
	{ "oletools/tests/test-data/encrypted/encrypted.docm", "ooxml", TRUE },
	{ "oletools/tests/test-data/encrypted/encrypted.xlsm", "ooxml", TRUE },
	{ "oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xlsm", "ooxml", TRUE },
	/* Excel's default password: decrypted (below), not "encrypted" any more */
	{ "oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xls", "xls", FALSE },
};

static void
test_kind (gconstpointer data)
{
	const kind_case *c = data;
	g_autoptr (mh_document) doc = analyse_corpus (c->path);
	if (!doc)
		return;
	g_assert_cmpstr (doc->format, ==, c->format);
	g_assert_cmpint (doc->encrypted, ==, c->encrypted);
	const mh_finding *f = find_finding (doc, "doc.encrypted");
	if (c->encrypted) {
		g_assert_nonnull (f);
		g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
		g_assert_nonnull (strstr (f->summary, "cannot be inspected without the password"));
		g_assert_cmpint (doc->verdict, >=, MH_VERDICT_SUSPICIOUS);
	} else if (f) {
		g_assert_nonnull (strstr (f->summary, "default password VelvetSweatshop"));
	}
}

/* The VBA storage of an encrypted .xls is not encrypted: its macros are
 * read.  The workbook stream is encrypted with Excel's default password
 * (RC4, MS-OFFCRYPTO 2.3.6): it is decrypted, and still flagged. */
static void
test_encrypted_xls_vba (void)
{
	g_autoptr (mh_document) doc = analyse_corpus ("oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xls");
	if (!doc)
		return;
	const mh_finding *f = find_finding (doc, "doc.encrypted");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->evidence, ==, "VelvetSweatshop");
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_false (doc->encrypted);
	/* a wrong key would leave BOUNDSHEET and the records after it as noise */
	for (guint i = 0; i < doc->problems->len; i++)
		g_assert_false (g_str_has_prefix (g_ptr_array_index (doc->problems, i), "Excel:"));
	g_assert_cmpint (doc->verdict, >=, MH_VERDICT_SUSPICIOUS);
	const mh_vba_project *p = find_project (doc, "_VBA_PROJECT_CUR");
	g_assert_nonnull (p);
	if (p->modules->len > 0)
		g_assert_true (project_has_module (p, "Modul1"));
}

/* -- VBA projects: where they are found ----------------------------------------- */

typedef struct {
	const char *path;
	const char *location;
	const char *module;  /* a module the MANIFEST names */
} vba_case;

static const vba_case vba_cases[] = {
	{ "poi/test-data/document/SimpleMacro.doc", "Macros", "Module1" },
	{ "poi/test-data/spreadsheet/SimpleMacro.xls", "_VBA_PROJECT_CUR", "Module1" },
	{ "poi/test-data/spreadsheet/62624.bin", "/", NULL },
	{ "poi/test-data/document/60279.doc", "Macros", NULL },
	{ TIKA_DOCS "testWORD_no_format.doc", "Macros", "ThisDocument" },
};

static void
test_vba_location (gconstpointer data)
{
	const vba_case *c = data;
	g_autoptr (mh_document) doc = analyse_corpus (c->path);
	if (!doc)
		return;
	g_assert_cmpuint (doc->vba_projects->len, ==, 1);
	const mh_vba_project *p = find_project (doc, c->location);
	g_assert_nonnull (p);
	if (c->module && p->modules->len > 0)
		g_assert_true (project_has_module (p, c->module));
}

/* 62624.bin: 13 modules, one with a non-ASCII name (once vba.c reads them) */
static void
test_vba_project_bin (void)
{
	g_autoptr (mh_document) doc = analyse_corpus ("poi/test-data/spreadsheet/62624.bin");
	if (!doc)
		return;
	const mh_vba_project *p = find_project (doc, "/");
	g_assert_nonnull (p);
	if (p->modules->len > 0) {
		g_assert_cmpuint (p->modules->len, ==, 13);
		g_assert_true (project_has_module (p, "M\xc3\xb3" "dulo1"));
	}
}

/* -- negative controls ------------------------------------------------------------ */

static const char *const clean_docs[] = {
	"oletools/tests/test-data/msodde/harmless-clean.doc",
	"poi/test-data/document/simple.doc",
	"poi/test-data/document/HeaderWithMacros.doc",
};

static void
test_clean (gconstpointer data)
{
	g_autoptr (mh_document) doc = analyse_corpus (data);
	if (!doc)
		return;
	g_assert_cmpstr (doc->format, ==, "doc");
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
	g_assert_cmpuint (doc->findings->len, ==, 0);
	g_assert_cmpuint (doc->iocs->len, ==, 0);
	g_assert_cmpuint (doc->children->len, ==, 0);
	g_assert_false (doc->encrypted);
	g_assert_cmpint (doc->verdict, ==, MH_VERDICT_CLEAN);
}

/* -- Word: the attached template ---------------------------------------------------- */

typedef struct {
	const char *path;
	const char *template;
	gboolean    remote;
} template_case;

static const template_case template_cases[] = {
	{ "poi/test-data/document/Bug46220.doc", "\\\\file1\\sharedfiles\\temp\\four-images.dot", TRUE },
	{ "poi/test-data/document/Bug47958.doc",
	  "\\\\Prisma8\\prisma hub\\Adminstration\\Templates\\Sales Forms\\Quote 2002.dot", TRUE },
	{ "poi/test-data/document/AIOOB-Tap.doc", "D:\\Mascha\\Sjabloon AD.dot", FALSE },
	{ TIKA_DOCS "testWORD_no_format.doc",
	  "D:\\Program Files\\Microsoft Office\\Mallar\\Andra dokument\\iipax dbsidig f\xc3\xb6r GENERELLT BRUK Svenska.dot",
	  FALSE },
};

static void
test_template (gconstpointer data)
{
	const template_case *c = data;
	g_autoptr (mh_document) doc = analyse_corpus (c->path);
	if (!doc)
		return;
	g_assert_cmpstr (find_property (doc, "template"), ==, c->template);
	const mh_finding *f = find_finding (doc, "doc.remote-template");
	if (c->remote) {
		g_assert_nonnull (f);
		g_assert_cmpint (f->severity, ==, MH_SEVERITY_HIGH);
		g_assert_cmpstr (f->evidence, ==, c->template);
		g_assert_nonnull (find_ioc (doc, "unc-path", c->template));
		g_assert_cmpint (doc->verdict, >=, MH_VERDICT_SUSPICIOUS);
	} else {
		/* a template on a local drive is normal */
		g_assert_null (f);
		g_assert_null (find_finding (doc, "doc.external-relationship"));
		g_assert_cmpuint (doc->iocs->len, ==, 0);
	}
}

/* -- property sets --------------------------------------------------------------- */

static void
test_properties (void)
{
	g_autoptr (mh_document) doc = analyse_corpus (
		"poi/test-data/document/cpansearch.perl.org_src_tobyink_acme-rundoc-0.001_word-lib_hello_world.docm");
	if (!doc)
		return;
	/* OLE2 Word 97 despite the .docm name */
	g_assert_cmpstr (doc->format, ==, "doc");
	g_assert_cmpstr (find_property (doc, "author"), ==, "Toby Inkster");
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
	const char *created = find_property (doc, "created");
	g_assert_nonnull (created);
	/* ISO 8601 UTC */
	g_assert_cmpuint (strlen (created), ==, 20);
	g_assert_true (created[4] == '-' && created[10] == 'T' && created[19] == 'Z');

	g_autoptr (mh_document) aioob = analyse_corpus ("poi/test-data/document/AIOOB-Tap.doc");
	/* CP1252 in the DocumentSummaryInformation, converted to UTF-8 */
	g_assert_cmpstr (find_property (aioob, "company"), ==, "Ministerie van Financi\xc3\xabn");
	g_assert_cmpstr (find_property (aioob, "author"), ==, "Mascha");
	g_assert_cmpstr (find_property (aioob, "application"), ==, "Microsoft Word 8.0");
}

/* -- Excel 4.0 macros ------------------------------------------------------------- */

typedef struct {
	const char *path;
	const char *stream;
} xlm_case;

static const xlm_case xlm_cases[] = {
	{ "oletools/tests/test-data/excel4-macros/excel4_sample_macro.xls", "Workbook" },
	/* BIFF5 (Excel 5/95): oletools does not find ALERT here; we do */
	{ "oletools/tests/test-data/excel4-macros/excel4_sample_macro_excel5_format.xls", "Book" },
};

static void
test_xlm (gconstpointer data)
{
	const xlm_case *c = data;
	g_autoptr (mh_document) doc = analyse_corpus (c->path);
	if (!doc)
		return;
	g_assert_cmpstr (doc->format, ==, "xls");
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
	const mh_finding *sheet = find_finding (doc, "doc.xlm-macro-sheet");
	g_assert_nonnull (sheet);
	g_assert_cmpint (sheet->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_cmpstr (sheet->evidence, ==, "Macro1");
	g_assert_nonnull (strstr (sheet->summary, "visible"));
	g_assert_null (find_finding (doc, "doc.hidden-sheet"));
	const mh_finding *auto_open = find_finding (doc, "doc.xlm-auto-open");
	g_assert_nonnull (auto_open);
	g_assert_cmpint (auto_open->severity, ==, MH_SEVERITY_HIGH);
	g_assert_cmpstr (auto_open->evidence, ==, "Auto_Open -> Macro1!R1C1");
	g_assert_cmpint (doc->verdict, >=, MH_VERDICT_SUSPICIOUS);

	/* the formulas as the XLM rules see them */
	g_autofree char *path = corpus_path (c->path);
	g_autoptr (GsfInput) input = gsf_input_stdio_new (path, NULL);
	g_autoptr (GsfInfile) ole = gsf_infile_msole_new (input, NULL);
	g_assert_nonnull (ole);
	g_autoptr (GsfInput) stream = gsf_infile_child_by_name (ole, c->stream);
	g_assert_nonnull (stream);
	g_autoptr (GBytes) bytes = _mh_gsf_read_all (stream, 1 << 24, NULL);
	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	g_autofree char *text = _mh_ole_xlm_formulas (p, len, &options);
	g_assert_nonnull (strstr (text, "Macro1!R1C1: =ALERT(\""));
	g_assert_nonnull (strstr (text, "Macro1!R2C1: =HALT()"));
}

/* -- embedded objects -------------------------------------------------------------- */

static void
test_embedded_package (void)
{
	g_autoptr (mh_document) doc = analyse_corpus ("oletools/tests/test-data/oleobj/embedded-simple-2007.doc");
	if (!doc)
		return;
	const mh_finding *f = find_finding (doc, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "ObjectPool/_1577691201");
	g_assert_nonnull (strstr (f->summary, "simple-text-file.txt"));
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_LOW);
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
	/* a text file is not a document: no child */
	g_assert_cmpuint (doc->children->len, ==, 0);
}

/* An embedded Excel sheet (MBD storage) is copied out and analysed. */
static void
test_embedded_storage (void)
{
	g_autoptr (mh_document) doc = analyse_corpus ("poi/test-data/spreadsheet/59858.xls");
	if (!doc)
		return;
	const mh_finding *f = find_finding (doc, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_true (g_str_has_prefix (f->location, "MBD"));
	g_assert_cmpuint (doc->children->len, ==, 1);
	const mh_document *child = g_ptr_array_index (doc->children, 0);
	g_assert_cmpstr (child->format, ==, "xls");
	g_assert_cmpint (child->depth, ==, 1);
}

/* -- _mh_ole_storage_to_bytes -------------------------------------------------------- */

static void
test_storage_to_bytes (void)
{
	g_autofree char *path = corpus_path ("poi/test-data/document/SimpleMacro.doc");
	if (!path) {
		g_test_skip ("MH_CORPORA not set");
		return;
	}
	g_autoptr (GsfInput) input = gsf_input_stdio_new (path, NULL);
	g_autoptr (GsfInfile) ole = gsf_infile_msole_new (input, NULL);
	g_autoptr (GsfInput) macros = gsf_infile_child_by_name (ole, "Macros");
	g_assert_nonnull (macros);

	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) bytes = _mh_ole_storage_to_bytes (GSF_INFILE (macros), 1 << 24, &error);
	g_assert_no_error (error);
	g_assert_nonnull (bytes);
	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	g_assert_true (len > 512 && memcmp (p, "\xd0\xcf\x11\xe0", 4) == 0);

	g_autoptr (GsfInput) copy_input = gsf_input_memory_new (p, (gsf_off_t) len, FALSE);
	g_autoptr (GsfInfile) copy = gsf_infile_msole_new (copy_input, &error);
	g_assert_no_error (error);
	g_autoptr (GsfInput) vba = gsf_infile_child_by_name (copy, "VBA");
	g_assert_nonnull (vba);
	g_autoptr (GsfInput) dir = gsf_infile_child_by_name (GSF_INFILE (vba), "dir");
	g_assert_nonnull (dir);
	g_autoptr (GsfInput) orig_vba = gsf_infile_child_by_name (GSF_INFILE (macros), "VBA");
	g_autoptr (GsfInput) orig_dir = gsf_infile_child_by_name (GSF_INFILE (orig_vba), "dir");
	g_assert_cmpint (gsf_input_size (dir), ==, gsf_input_size (orig_dir));
	g_autoptr (GBytes) a = _mh_gsf_read_all (dir, 1 << 20, NULL);
	g_autoptr (GBytes) b = _mh_gsf_read_all (orig_dir, 1 << 20, NULL);
	g_assert_true (g_bytes_equal (a, b));

	/* the copy is a vbaProject.bin of its own */
	g_autoptr (mh_document) doc = mh_document_analyse (p, len, "Macros", &options);
	g_assert_cmpstr (doc->format, ==, "vba-project");
	g_assert_nonnull (find_project (doc, "/"));

	/* over the cap: an error, no bytes */
	g_autoptr (GError) capped = NULL;
	g_autoptr (GBytes) none = _mh_ole_storage_to_bytes (GSF_INFILE (macros), 1000, &capped);
	g_assert_null (none);
	g_assert_error (capped, MH_OFFICE_ERROR, 0);
}

/* -- generated compound files -------------------------------------------------------- */

static void
put_stream (GsfOutfile *dir, const char *name, const void *data, gsize len)
{
	g_autoptr (GsfOutput) out = gsf_outfile_new_child (dir, name, FALSE);
	g_assert_true (gsf_output_write (out, len, data));
	gsf_output_close (out);
}

static GBytes *
close_memory (GsfOutfile *ole, GsfOutput *memory)
{
	gsf_output_close (GSF_OUTPUT (ole));
	if (!gsf_output_is_closed (memory))
		gsf_output_close (memory);
	return g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (memory)),
	                    (gsize) gsf_output_size (memory));
}

static void
put16 (GByteArray *a, guint16 v)
{
	guint8 b[2] = { v & 0xFF, v >> 8 };
	g_byte_array_append (a, b, 2);
}

static void
put32 (GByteArray *a, guint32 v)
{
	guint8 b[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24 };
	g_byte_array_append (a, b, 4);
}

static void
set32 (GByteArray *a, gsize off, guint32 v)
{
	a->data[off] = v & 0xFF;
	a->data[off + 1] = (v >> 8) & 0xFF;
	a->data[off + 2] = (v >> 16) & 0xFF;
	a->data[off + 3] = v >> 24;
}

/* A Word 97 document: FIB, one compressed text piece, an attached
 * template; @package adds an ObjectPool object with an OLE1 package. */
static GBytes *
make_word_doc (const char *text, const char *template, gboolean package)
{
	g_autoptr (GByteArray) wd = g_byte_array_new ();
	/* FibBase: wIdent, nFib 0x00C1, flags with fWhichTblStm (1Table) */
	put16 (wd, 0xA5EC);
	put16 (wd, 0x00C1);
	while (wd->len < 0x0A)
		put16 (wd, 0);
	put16 (wd, 0x0200);
	while (wd->len < 32)
		put16 (wd, 0);
	put16 (wd, 14);          /* csw */
	for (int i = 0; i < 14; i++)
		put16 (wd, 0);
	put16 (wd, 22);          /* cslw */
	for (int i = 0; i < 22; i++)
		put32 (wd, 0);
	put16 (wd, 93);          /* cbRgFcLcb: Word 97 */
	gsize fclcb = wd->len;
	for (int i = 0; i < 93 * 2; i++)
		put32 (wd, 0);
	while (wd->len < 1024)
		put16 (wd, 0);
	gsize text_at = wd->len;
	g_byte_array_append (wd, (const guint8 *) text, (guint) strlen (text));

	g_autoptr (GByteArray) table = g_byte_array_new ();
	/* SttbfAssoc: extended (UTF-16), 18 strings, no extra data */
	gsize assoc_at = table->len;
	put16 (table, 0xFFFF);
	put16 (table, 18);
	put16 (table, 0);
	for (int i = 0; i < 18; i++) {
		g_autofree gunichar2 *s = g_utf8_to_utf16 (i == 1 ? template : "", -1, NULL, NULL, NULL);
		glong n = 0;
		while (s[n])
			n++;
		put16 (table, (guint16) n);
		g_byte_array_append (table, (const guint8 *) s, (guint) n * 2);
	}
	gsize assoc_len = table->len - assoc_at;
	/* Clx: a Pcdt with one compressed piece */
	gsize clx_at = table->len;
	g_byte_array_append (table, (const guint8 *) "\x02", 1);
	put32 (table, 4 * 2 + 8);
	put32 (table, 0);
	put32 (table, (guint32) strlen (text));
	put16 (table, 0);
	put32 (table, (guint32) (text_at * 2) | 0x40000000u);
	put16 (table, 0);
	gsize clx_len = table->len - clx_at;
	set32 (wd, fclcb + 32 * 8, (guint32) assoc_at);
	set32 (wd, fclcb + 32 * 8 + 4, (guint32) assoc_len);
	set32 (wd, fclcb + 33 * 8, (guint32) clx_at);
	set32 (wd, fclcb + 33 * 8 + 4, (guint32) clx_len);

	g_autoptr (GsfOutput) memory = gsf_output_memory_new ();
	g_autoptr (GsfOutfile) ole = gsf_outfile_msole_new (memory);
	put_stream (ole, "WordDocument", wd->data, wd->len);
	put_stream (ole, "1Table", table->data, table->len);
	if (package) {
		g_autoptr (GsfOutput) pool = gsf_outfile_new_child (ole, "ObjectPool", TRUE);
		g_autoptr (GsfOutput) obj = gsf_outfile_new_child (GSF_OUTFILE (pool), "_1234", TRUE);
		/* \001Ole10Native: size, flags, label, source, 2 numbers, temp path, data */
		g_autoptr (GByteArray) native = g_byte_array_new ();
		put32 (native, 0);
		put16 (native, 2);
		g_byte_array_append (native, (const guint8 *) "invoice.bat", 12);
		g_byte_array_append (native, (const guint8 *) "C:\\Users\\x\\invoice.bat", 23);
		put32 (native, 0x00030000);
		put32 (native, 23);
		g_byte_array_append (native, (const guint8 *) "C:\\Users\\x\\invoice.bat", 23);
		put32 (native, 10);
		g_byte_array_append (native, (const guint8 *) "echo hello", 10);
		set32 (native, 0, native->len - 4);
		put_stream (GSF_OUTFILE (obj), "\001Ole10Native", native->data, native->len);
		gsf_output_close (obj);
		/* an ActiveX control: \003OCXNAME holds its name in UTF-16 */
		g_autoptr (GsfOutput) control = gsf_outfile_new_child (GSF_OUTFILE (pool), "_5678", TRUE);
		put_stream (GSF_OUTFILE (control), "\003OCXNAME", "B\0u\0t\0t\0o\0n\0" "1\0\0\0", 16);
		put_stream (GSF_OUTFILE (control), "contents", "\0\0\0\0", 4);
		gsf_output_close (control);
		gsf_output_close (pool);
	}
	return close_memory (ole, memory);
}

static void
test_word_fields (void)
{
	const char *text =
		"Hello \x13 DDEAUTO \"C:\\\\Programs\\\\notepad.exe\" \"readme\" \x14result\x15 and "
		"\x13 INCLUDEPICTURE \"http://example.invalid/a.png\" \\d \x14\x15 and "
		"\x13 PAGE \x14" "1\x15 end";
	g_autoptr (GBytes) bytes = make_word_doc (text, "https://example.invalid/t.dotm", FALSE);
	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	g_autoptr (mh_document) doc = mh_document_analyse (p, len, "fields.doc", &options);
	g_assert_cmpstr (doc->format, ==, "doc");

	const mh_finding *dde = find_finding (doc, "doc.dde");
	g_assert_nonnull (dde);
	g_assert_cmpint (dde->severity, ==, MH_SEVERITY_HIGH);
	g_assert_true (g_str_has_prefix (dde->evidence, "DDEAUTO \"C:"));

	const mh_finding *field = find_finding (doc, "doc.external-field");
	g_assert_nonnull (field);
	g_assert_cmpint (field->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_nonnull (find_ioc (doc, "url", "http://example.invalid/a.png"));

	g_assert_cmpstr (find_property (doc, "template"), ==, "https://example.invalid/t.dotm");
	const mh_finding *tpl = find_finding (doc, "doc.remote-template");
	g_assert_nonnull (tpl);
	g_assert_nonnull (find_ioc (doc, "url", "https://example.invalid/t.dotm"));
	g_assert_cmpint (doc->verdict, >=, MH_VERDICT_SUSPICIOUS);
}

static void
test_word_package (void)
{
	g_autoptr (GBytes) bytes = make_word_doc ("plain text", "Normal.dotm", TRUE);
	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	g_autoptr (mh_document) doc = mh_document_analyse (p, len, "package.doc", &options);
	g_assert_cmpstr (doc->format, ==, "doc");
	g_assert_null (find_finding (doc, "doc.remote-template"));
	g_assert_null (find_finding (doc, "doc.dde"));
	const mh_finding *f = find_finding (doc, "doc.embedded-object");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "ObjectPool/_1234");
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_HIGH);
	g_assert_nonnull (find_ioc (doc, "executable", "invoice.bat"));

	const mh_finding *activex = find_finding (doc, "doc.activex");
	g_assert_nonnull (activex);
	g_assert_cmpint (activex->severity, ==, MH_SEVERITY_INFO);
	g_assert_cmpstr (activex->evidence, ==, "Button1");
	g_assert_true (doc->has_controls);
}

/* A UserForm designer storage beside the VBA storage: events can fire. */
static void
test_vba_forms (void)
{
	g_autoptr (GsfOutput) memory = gsf_output_memory_new ();
	g_autoptr (GsfOutfile) ole = gsf_outfile_msole_new (memory);
	g_autoptr (GsfOutput) vba = gsf_outfile_new_child (ole, "VBA", TRUE);
	put_stream (GSF_OUTFILE (vba), "dir", "\x01\x00\x00", 3);
	gsf_output_close (vba);
	put_stream (ole, "PROJECT", "ID=\"{00000000-0000-0000-0000-000000000000}\"\r\n", 45);
	g_autoptr (GsfOutput) form = gsf_outfile_new_child (ole, "UserForm1", TRUE);
	put_stream (GSF_OUTFILE (form), "\003VBFrame", "VERSION 5.00\r\n", 14);
	put_stream (GSF_OUTFILE (form), "f", "\0\0\0\0", 4);
	put_stream (GSF_OUTFILE (form), "o", "\0\0\0\0", 4);
	gsf_output_close (form);
	g_autoptr (GBytes) bytes = close_memory (ole, memory);

	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	g_autoptr (mh_document) doc = mh_document_analyse (p, len, "vbaProject.bin", &options);
	g_assert_cmpstr (doc->format, ==, "vba-project");
	g_assert_nonnull (find_project (doc, "/"));
	g_assert_true (doc->has_controls);
}

/* The fuzz seeds (generated): a very hidden macro sheet, a BIFF5 book,
 * and FILEPASS, through the BIFF walker alone. */
extern void _mh_ole_biff_walk (mh_document *doc, const guint8 *data, gsize len,
                               const mh_office_options *options);

static mh_document *
walk_seed (const char *name)
{
	const char *src = g_getenv ("MH_SRCDIR");
	g_autofree char *path = g_build_filename (src ? src : ".", "tests", "fuzz", "seeds", "xlm", name, NULL);
	g_autofree char *data = NULL;
	gsize len;
	if (!g_file_get_contents (path, &data, &len, NULL))
		return NULL;
	mh_document *doc = _mh_document_new (name, (const guint8 *) data, len, 0);
	_mh_ole_biff_walk (doc, (const guint8 *) data, len, &options);
	return doc;
}

static void
test_xlm_seeds (void)
{
	g_autoptr (mh_document) hidden = walk_seed ("biff8-very-hidden.bin");
	if (!hidden) {
		g_test_skip ("seeds not found (MH_SRCDIR)");
		return;
	}
	const mh_finding *f = find_finding (hidden, "doc.hidden-sheet");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_nonnull (strstr (f->summary, "very hidden"));
	g_assert_nonnull (find_finding (hidden, "doc.xlm-auto-open"));

	g_autoptr (mh_document) biff5 = walk_seed ("biff5-auto-open.bin");
	g_assert_nonnull (biff5);
	g_assert_cmpstr (find_finding (biff5, "doc.xlm-auto-open")->evidence, ==, "Auto_Open -> Macro1!R1C1");
	g_assert_null (find_finding (biff5, "doc.hidden-sheet"));

	g_autoptr (mh_document) encrypted = walk_seed ("biff8-filepass.bin");
	g_assert_nonnull (encrypted);
	g_assert_true (encrypted->encrypted);
	g_assert_nonnull (find_finding (encrypted, "doc.encrypted"));
	g_assert_null (find_finding (encrypted, "doc.xlm-macro-sheet"));

	/* the same book encrypted with the default password: decrypted and read */
	g_autoptr (mh_document) velvet = walk_seed ("biff8-default-password.bin");
	g_assert_nonnull (velvet);
	g_assert_false (velvet->encrypted);
	g_assert_cmpstr (find_finding (velvet, "doc.encrypted")->evidence, ==, "VelvetSweatshop");
	g_assert_cmpstr (find_finding (velvet, "doc.xlm-auto-open")->evidence, ==, "Auto_Open -> Macro1!R1C1");
	g_assert_nonnull (find_finding (velvet, "doc.xlm-macro-sheet"));

	/* and with RC4 CryptoAPI (a 40-bit key, as Excel 2003 writes it) */
	g_autoptr (mh_document) cryptoapi = walk_seed ("biff8-default-password-cryptoapi.bin");
	g_assert_nonnull (cryptoapi);
	g_assert_false (cryptoapi->encrypted);
	g_assert_cmpstr (find_finding (cryptoapi, "doc.encrypted")->evidence, ==, "VelvetSweatshop");
	g_assert_cmpstr (find_finding (cryptoapi, "doc.xlm-auto-open")->evidence, ==, "Auto_Open -> Macro1!R1C1");
}

/* PowerPoint keeps its VBA project in a zlib-compressed ExOleObjStg. */
static void
test_ppt_vba (void)
{
	g_autofree char *path = corpus_path ("poi/test-data/spreadsheet/62624.bin");
	if (!path) {
		g_test_skip ("MH_CORPORA not set");
		return;
	}
	g_autofree char *project = NULL;
	gsize project_len;
	g_assert_true (g_file_get_contents (path, &project, &project_len, NULL));

	g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, -1);
	g_autoptr (GInputStream) raw = g_memory_input_stream_new_from_data (project, (gssize) project_len, NULL);
	g_autoptr (GInputStream) zin = g_converter_input_stream_new (raw, G_CONVERTER (z));
	g_autoptr (GOutputStream) zout = g_memory_output_stream_new_resizable ();
	g_assert_cmpint (g_output_stream_splice (zout, zin, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL), >, 0);
	g_autoptr (GBytes) deflated = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (zout));

	g_autoptr (GByteArray) stream = g_byte_array_new ();
	/* DocumentContainer (version 0xF) holding an unrelated atom */
	put16 (stream, 0x000F);
	put16 (stream, 0x03E8);
	put32 (stream, 8 + 4);
	put16 (stream, 0x0000);
	put16 (stream, 0x0FF5);
	put32 (stream, 4);
	put32 (stream, 0);
	/* ExOleObjStg, recInstance 1: compressed */
	put16 (stream, 0x0010);
	put16 (stream, 0x1011);
	put32 (stream, (guint32) (4 + g_bytes_get_size (deflated)));
	put32 (stream, (guint32) project_len);
	g_byte_array_append (stream, g_bytes_get_data (deflated, NULL), (guint) g_bytes_get_size (deflated));

	g_autoptr (GsfOutput) memory = gsf_output_memory_new ();
	g_autoptr (GsfOutfile) ole = gsf_outfile_msole_new (memory);
	put_stream (ole, "PowerPoint Document", stream->data, stream->len);
	put_stream (ole, "Current User", "\0\0\0\0", 4);
	g_autoptr (GBytes) bytes = close_memory (ole, memory);

	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	g_autoptr (mh_document) doc = mh_document_analyse (p, len, "macro.ppt", &options);
	g_assert_cmpstr (doc->format, ==, "ppt");
	g_assert_cmpuint (doc->children->len, ==, 1);
	const mh_document *child = g_ptr_array_index (doc->children, 0);
	g_assert_cmpstr (child->format, ==, "vba-project");
	g_assert_nonnull (find_project (child, "/"));
	/* the VBA project is no "embedded object" of its own */
	g_assert_null (find_finding (doc, "doc.embedded-object"));
}

/* -- damaged files: no crash, no hang ------------------------------------------------ */

static void
test_damaged (void)
{
	static const char *const files[] = {
		"poi/test-data/document/Bug46220.doc",
		"poi/test-data/spreadsheet/SimpleMacro.xls",
		"oletools/tests/test-data/excel4-macros/excel4_sample_macro.xls",
		"oletools/tests/test-data/oleobj/embedded-simple-2007.doc",
	};
	/* libgsf's own guards against hostile directories are criticals
	 * (g_return_if_fail): expected here, so not fatal in this test */
	GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
	mh_office_options small;
	mh_office_options_init_default (&small);
	small.limits.max_stream_size = 4096;
	small.limits.max_entries = 8;
	for (gsize f = 0; f < G_N_ELEMENTS (files); f++) {
		g_autofree char *path = corpus_path (files[f]);
		if (!path) {
			g_test_skip ("MH_CORPORA not set");
			break;
		}
		g_autofree char *data = NULL;
		gsize len;
		g_assert_true (g_file_get_contents (path, &data, &len, NULL));
		/* small caps: problems, never a crash */
		mh_document_free (mh_document_analyse ((const guint8 *) data, len, files[f], &small));
		/* flipped bytes after the header, at a fixed seed */
		GRand *rand = g_rand_new_with_seed (42 + (guint32) f);
		for (int round = 0; round < 20; round++) {
			g_autofree char *copy = g_memdup2 (data, len);
			for (int k = 0; k < 64; k++)
				copy[512 + g_rand_int_range (rand, 0, (gint32) (len - 512))] = (char) g_rand_int (rand);
			mh_document *doc = mh_document_analyse ((const guint8 *) copy, len, files[f], &options);
			g_assert_nonnull (doc);
			mh_document_free (doc);
		}
		g_rand_free (rand);
	}
	g_log_set_always_fatal (fatal);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	/* libgsf warns (g_warning) about the damage it repairs in a compound
	 * file; that is expected.  Criticals (a wrong call) stay fatal. */
	g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	mh_office_options_init_default (&options);

	for (gsize i = 0; i < G_N_ELEMENTS (kind_cases); i++) {
		g_autofree char *name = g_strdup_printf ("/ole/kind/%s", strrchr (kind_cases[i].path, '/') + 1);
		g_test_add_data_func (name, &kind_cases[i], test_kind);
	}
	g_test_add_func ("/ole/encrypted-xls-vba", test_encrypted_xls_vba);
	for (gsize i = 0; i < G_N_ELEMENTS (vba_cases); i++) {
		g_autofree char *name = g_strdup_printf ("/ole/vba-location/%s", strrchr (vba_cases[i].path, '/') + 1);
		g_test_add_data_func (name, &vba_cases[i], test_vba_location);
	}
	g_test_add_func ("/ole/vba-project-bin", test_vba_project_bin);
	for (gsize i = 0; i < G_N_ELEMENTS (clean_docs); i++) {
		g_autofree char *name = g_strdup_printf ("/ole/clean/%s", strrchr (clean_docs[i], '/') + 1);
		g_test_add_data_func (name, clean_docs[i], test_clean);
	}
	for (gsize i = 0; i < G_N_ELEMENTS (template_cases); i++) {
		g_autofree char *name = g_strdup_printf ("/ole/template/%s", strrchr (template_cases[i].path, '/') + 1);
		g_test_add_data_func (name, &template_cases[i], test_template);
	}
	g_test_add_func ("/ole/properties", test_properties);
	for (gsize i = 0; i < G_N_ELEMENTS (xlm_cases); i++) {
		g_autofree char *name = g_strdup_printf ("/ole/xlm/%s", strrchr (xlm_cases[i].path, '/') + 1);
		g_test_add_data_func (name, &xlm_cases[i], test_xlm);
	}
	g_test_add_func ("/ole/embedded/package", test_embedded_package);
	g_test_add_func ("/ole/embedded/storage", test_embedded_storage);
	g_test_add_func ("/ole/storage-to-bytes", test_storage_to_bytes);
	g_test_add_func ("/ole/generated/word-fields", test_word_fields);
	g_test_add_func ("/ole/generated/word-package", test_word_package);
	g_test_add_func ("/ole/generated/ppt-vba", test_ppt_vba);
	g_test_add_func ("/ole/generated/vba-forms", test_vba_forms);
	g_test_add_func ("/ole/xlm/seeds", test_xlm_seeds);
	g_test_add_func ("/ole/damaged", test_damaged);
	return g_test_run ();
}
