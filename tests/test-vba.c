/* VBA projects (src/office/vba.c) read from the corpora: module names,
 * kinds and source against what POI, Tika and oletools say of their test
 * files (MANIFEST.tsv), the wrong MODULEOFFSET of POI's 60279.doc, no VBA
 * stomping reported on any of them, and damaged dir streams. */
#include "config.h"

#include <errno.h>

#include <string.h>

#include <gsf/gsf.h>

#include "office/office-private.h"

static const char tika_docs[] =
	"tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/"
	"tika-parser-microsoft-module/src/test/resources/test-documents/";

static char *
corpus_path (const char *relative)
{
	const char *corpora = g_getenv ("MH_CORPORA");
	if (!corpora)
		return NULL;
	char *path = g_build_filename (corpora, relative, NULL);
	if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
		g_free (path);
		return NULL;
	}
	return path;
}

/* FALSE (test skipped) when @relative is not in the corpora. */
static gboolean
have_corpus (const char *relative)
{
	g_autofree char *path = corpus_path (relative);
	if (!path)
		g_test_skip ("corpora not found (configure --with-corpora=DIR)");
	return path != NULL;
}

static GsfInfile *
open_ole_bytes (GBytes *bytes)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	g_autoptr (GsfInput) input = gsf_input_memory_new (data, (gsf_off_t) len, FALSE);
	g_autoptr (GError) error = NULL;
	GsfInfile *ole = gsf_infile_msole_new (input, &error);
	g_assert_no_error (error);
	return ole;
}

/* The storage that holds "VBA" and "PROJECT", as ole.c and ooxml.c find
 * it: "Macros" in Word, "_VBA_PROJECT_CUR" in Excel, the root of a
 * vbaProject.bin (also inside an OOXML package). */
static mh_vba_project *
read_project_bytes (GBytes *bytes, const mh_office_limits *limits)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	if (len >= 4 && memcmp (data, "PK\x03\x04", 4) == 0) {
		g_autoptr (GsfInput) input = gsf_input_memory_new (data, (gsf_off_t) len, FALSE);
		g_autoptr (GError) error = NULL;
		g_autoptr (GsfInfile) zip = gsf_infile_zip_new (input, &error);
		g_assert_no_error (error);
		static const char *const dirs[] = { "word", "xl", "ppt" };
		for (guint i = 0; i < G_N_ELEMENTS (dirs); i++) {
			g_autoptr (GsfInput) part = gsf_infile_child_by_vname (zip, dirs[i], "vbaProject.bin", NULL);
			if (!part)
				continue;
			g_autoptr (GBytes) bin = _mh_gsf_read_all (part, 64u << 20, NULL);
			g_autoptr (GsfInfile) ole = open_ole_bytes (bin);
			return _mh_vba_project_read (ole, dirs[i], limits);
		}
		return NULL;
	}
	g_autoptr (GsfInfile) ole = open_ole_bytes (bytes);
	static const char *const storages[] = { "Macros", "_VBA_PROJECT_CUR" };
	for (guint i = 0; i < G_N_ELEMENTS (storages); i++) {
		g_autoptr (GsfInput) child = gsf_infile_child_by_name (ole, storages[i]);
		if (child && GSF_IS_INFILE (child))
			return _mh_vba_project_read (GSF_INFILE (child), storages[i], limits);
	}
	g_autoptr (GsfInput) vba = gsf_infile_child_by_name (ole, "VBA");
	if (vba)
		return _mh_vba_project_read (ole, "vbaProject.bin", limits);
	return NULL;
}

/* NULL (test skipped) when the corpora are not there. */
static mh_vba_project *
read_project (const char *relative)
{
	g_autofree char *path = corpus_path (relative);
	if (!path) {
		g_test_skip ("corpora not found (configure --with-corpora=DIR)");
		return NULL;
	}
	g_autofree char *data = NULL;
	gsize len;
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	g_autoptr (GBytes) bytes = g_bytes_new (data, len);
	mh_office_limits limits;
	mh_office_limits_init_default (&limits);
	mh_vba_project *project = read_project_bytes (bytes, &limits);
	g_assert_nonnull (project);
	g_test_message ("%s: project \"%s\", code page %u, %u modules", relative,
	                project->name ? project->name : "", project->codepage, project->modules->len);
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		g_test_message ("  module \"%s\" (%s, stream \"%s\"): %" G_GSIZE_FORMAT " bytes%s",
		                m->name, m->kind, m->stream, m->source_len,
		                m->offset_repaired ? ", offset repaired" : "");
		g_assert_true (m->source == NULL || g_utf8_validate (m->source, (gssize) m->source_len, NULL));
		g_assert_true (m->source == NULL || strlen (m->source) == m->source_len);
	}
	for (guint i = 0; i < project->problems->len; i++)
		g_test_message ("  problem: %s", (const char *) g_ptr_array_index (project->problems, i));
	return project;
}

static const mh_vba_module *
find_module (const mh_vba_project *project, const char *name)
{
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		if (g_strcmp0 (m->name, name) == 0)
			return m;
	}
	g_test_message ("module \"%s\" not found", name);
	g_assert_not_reached ();
	return NULL;
}

static void
assert_source_contains (const mh_vba_module *m, const char *text)
{
	g_assert_nonnull (m->source);
	if (!strstr (m->source, text)) {
		g_test_message ("module \"%s\" lacks \"%s\"", m->name, text);
		g_assert_not_reached ();
	}
}

static char *
normalise_line_ends (const char *text)
{
	GString *out = g_string_new (NULL);
	for (const char *p = text; *p; p++) {
		if (*p == '\r') {
			g_string_append_c (out, '\n');
			if (p[1] == '\n')
				p++;
		} else {
			g_string_append_c (out, *p);
		}
	}
	return g_string_free (out, FALSE);
}

static void
no_project_problems (const mh_vba_project *project)
{
	for (guint i = 0; i < project->problems->len; i++)
		g_test_message ("unexpected problem: %s", (const char *) g_ptr_array_index (project->problems, i));
	g_assert_cmpuint (project->problems->len, ==, 0);
}

/* POI: Module1 holds the body of SimpleMacro.vba (its first line, "Sub
 * TestMacro()", is compared apart). */
static void
test_simple_macro (gconstpointer data)
{
	const char *file = data;
	mh_vba_project *project = read_project (file);
	if (!project)
		return;
	g_autofree char *vba_path = g_strdup (file);
	*strrchr (vba_path, '.') = '\0';
	g_autofree char *expected_path = g_strconcat (vba_path, ".vba", NULL);
	g_autofree char *expected_file = corpus_path (expected_path);
	g_assert_nonnull (expected_file);
	g_autofree char *expected = NULL;
	g_assert_true (g_file_get_contents (expected_file, &expected, NULL, NULL));
	g_autofree char *want = normalise_line_ends (expected);
	g_strchomp (want);
	const char *body = strchr (want, '\n');
	g_assert_nonnull (body);

	const mh_vba_module *m = find_module (project, "Module1");
	g_assert_cmpstr (m->kind, ==, "standard");
	g_assert_false (m->offset_repaired);
	g_assert_false (m->truncated);
	g_autofree char *got = normalise_line_ends (m->source);
	g_assert_nonnull (strstr (got, body + 1));
	g_assert_nonnull (strstr (got, "Sub TestMacro()"));
	g_assert_true (g_str_has_prefix (got, "Attribute VB_Name = \"Module1\""));
	g_assert_false (project->stomped);
	no_project_problems (project);
	_mh_vba_project_free (project);
}

static void
test_59830 (void)
{
	mh_vba_project *project = read_project ("poi/test-data/spreadsheet/59830.xls");
	if (!project)
		return;
	g_assert_cmpuint (project->modules->len, ==, 29);
	assert_source_contains (find_module (project, "Module20"), "here start of superscripting");
	no_project_problems (project);
	_mh_vba_project_free (project);
}

static void
test_59858 (void)
{
	mh_vba_project *project = read_project ("poi/test-data/spreadsheet/59858.xls");
	if (!project)
		return;
	g_assert_cmpuint (project->modules->len, ==, 11);
	const mh_vba_module *m = find_module (project, "Sheet4");
	assert_source_contains (m, "intentional constituent");
	g_assert_cmpstr (m->kind, ==, "document");
	_mh_vba_project_free (project);
}

static void
test_60158 (void)
{
	mh_vba_project *project = read_project ("poi/test-data/document/60158.docm");
	if (!project)
		return;
	g_assert_cmpuint (project->modules->len, ==, 2);
	const mh_vba_module *m = find_module (project, "NewMacros");
	assert_source_contains (m, "' dirty");
	g_assert_cmpstr (m->kind, ==, "standard");
	g_assert_cmpstr (find_module (project, "ThisDocument")->kind, ==, "document");
	_mh_vba_project_free (project);
}

/* A module name outside ASCII, from MODULENAMEUNICODE. */
static void
test_62624 (void)
{
	mh_vba_project *project = read_project ("poi/test-data/spreadsheet/62624.bin");
	if (!project)
		return;
	g_assert_cmpuint (project->modules->len, ==, 13);
	const mh_vba_module *m = find_module (project, "M\xC3\xB3" "dulo1");
	g_assert_cmpstr (m->kind, ==, "standard");
	assert_source_contains (m, "Calcula_tributos");
	_mh_vba_project_free (project);
}

/* A REFERENCENAME without its unicode part; Mac Roman. */
static void
test_62625 (void)
{
	mh_vba_project *project = read_project ("poi/test-data/spreadsheet/62625.bin");
	if (!project)
		return;
	g_assert_cmpuint (project->modules->len, ==, 20);
	g_assert_cmpuint (project->codepage, ==, 10000);
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		g_assert_nonnull (m->source);
		g_assert_true (g_str_has_prefix (m->source, "Attribute VB_Name"));
	}
	_mh_vba_project_free (project);
}

static void
test_60273 (void)
{
	mh_vba_project *project = read_project ("poi/test-data/spreadsheet/60273.xls");
	if (!project)
		return;
	g_assert_cmpuint (project->modules->len, ==, 2);
	g_assert_cmpuint (project->codepage, ==, 10000);
	assert_source_contains (find_module (project, "Module1"), "9/8/2004");
	_mh_vba_project_free (project);
}

/* MODULEOFFSET says 5541; the source starts at 761. */
static void
test_60279_wrong_offset (void)
{
	mh_vba_project *project = read_project ("poi/test-data/document/60279.doc");
	if (!project)
		return;
	const mh_vba_module *m = find_module (project, "ThisDocument");
	assert_source_contains (m, "Attribute VB_Base = \"1Normal.ThisDocument\"");
	assert_source_contains (m, "Attribute VB_Customizable = True");
	g_assert_true (m->offset_repaired);
	gboolean said = FALSE;
	for (guint i = 0; i < project->problems->len; i++)
		said |= strstr (g_ptr_array_index (project->problems, i), "MODULEOFFSET 5541") != NULL;
	g_assert_true (said);
	g_assert_false (project->stomped);
	_mh_vba_project_free (project);
}

static void
test_oleform (void)
{
	mh_vba_project *project = read_project ("oletools/tests/test-data/oleform/oleform-PR314.docm");
	if (!project)
		return;
	g_assert_cmpuint (project->modules->len, ==, 4);
	g_assert_cmpstr (find_module (project, "ThisDocument")->kind, ==, "document");
	g_assert_cmpstr (find_module (project, "UserFormTEST1")->kind, ==, "form");
	g_assert_cmpstr (find_module (project, "UserFormTest2")->kind, ==, "form");
	g_assert_cmpstr (find_module (project, "NewMacros")->kind, ==, "standard");
	_mh_vba_project_free (project);
}

static void
test_tika_word_macros (void)
{
	g_autofree char *file = g_strconcat (tika_docs, "testWORD_macros.doc", NULL);
	mh_vba_project *project = read_project (file);
	if (!project)
		return;
	gboolean embolden = FALSE, italicize = FALSE;
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		embolden |= m->source && strstr (m->source, "Sub Embolden()") != NULL;
		italicize |= m->source && strstr (m->source, "Sub Italicize()") != NULL;
	}
	g_assert_true (embolden);
	g_assert_true (italicize);
	_mh_vba_project_free (project);
}

static void
test_15228 (void)
{
	mh_vba_project *project = read_project ("poi/test-data/spreadsheet/15228.xls");
	if (!project)
		return;
	g_assert_cmpuint (project->modules->len, ==, 20);
	gboolean auto_open = FALSE;
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		auto_open |= m->source && strstr (m->source, "auto_open") != NULL;
	}
	g_assert_true (auto_open);
	_mh_vba_project_free (project);
}

/* Every VBA file of the corpora: modules with source, nothing stomped. */
static void
test_corpus_not_stomped (void)
{
	g_autofree char *manifest = corpus_path ("MANIFEST.tsv");
	if (!manifest) {
		g_test_skip ("corpora not found (configure --with-corpora=DIR)");
		return;
	}
	g_autofree char *text = NULL;
	g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	guint files = 0;
	for (guint i = 1; lines[i]; i++) {
		g_auto (GStrv) col = g_strsplit (lines[i], "\t", -1);
		if (g_strv_length (col) < 8)
			continue;
		const char *kind = col[5];
		if (!(g_str_equal (kind, "doc-vba") || g_str_has_prefix (kind, "docm-vba") ||
		      g_str_has_prefix (kind, "xls-vba") || g_str_has_prefix (kind, "xlsm-vba") ||
		      g_str_equal (kind, "vbaproject-bin")))
			continue;
		mh_vba_project *project = read_project (col[7]);
		if (!project)
			return;
		files++;
		g_assert_cmpuint (project->modules->len, >, 0);
		for (guint k = 0; k < project->modules->len; k++) {
			const mh_vba_module *m = g_ptr_array_index (project->modules, k);
			g_assert_nonnull (m->source);
			g_assert_true (g_str_has_prefix (m->source, "Attribute VB_Name"));
		}
		if (project->stomped)
			g_test_message ("%s: stomped? %s", col[7], project->stomping_evidence);
		g_assert_false (project->stomped);
		g_assert_null (project->stomping_evidence);
		_mh_vba_project_free (project);
	}
	g_assert_cmpuint (files, >=, 20);
}

/* -- changed copies of a real project ------------------------------------- */

typedef struct {
	const char *name;     /* stream in the VBA storage to replace */
	GBytes     *bytes;
} replacement;

/* Copies an OLE storage, replacing the streams named in @swap. */
static void
copy_storage (GsfInfile *from, GsfOutfile *to, const replacement *swap, guint n_swap)
{
	int n = gsf_infile_num_children (from);
	for (int i = 0; i < n; i++) {
		g_autoptr (GsfInput) child = gsf_infile_child_by_index (from, i);
		const char *name = gsf_infile_name_by_index (from, i);
		gboolean dir = GSF_IS_INFILE (child) && gsf_infile_num_children (GSF_INFILE (child)) >= 0;
		g_autoptr (GsfOutput) out = gsf_outfile_new_child (to, name, dir);
		if (dir) {
			copy_storage (GSF_INFILE (child), GSF_OUTFILE (out), swap, n_swap);
		} else {
			g_autoptr (GBytes) bytes = _mh_gsf_read_all (child, 1 << 24, NULL);
			for (guint k = 0; k < n_swap; k++)
				if (strcmp (name, swap[k].name) == 0) {
					g_bytes_unref (bytes);
					bytes = g_bytes_ref (swap[k].bytes);
				}
			gsize len;
			const guint8 *data = g_bytes_get_data (bytes, &len);
			gsf_output_write (out, len, data);
		}
		gsf_output_close (out);
	}
}

/* SimpleMacro.xls's project (its _VBA_PROJECT_CUR storage) copied into a
 * vbaProject.bin of its own, with streams replaced. */
static GBytes *
changed_simple_macro (const replacement *swap, guint n_swap)
{
	g_autofree char *path = corpus_path ("poi/test-data/spreadsheet/SimpleMacro.xls");
	if (!path)
		return NULL;
	g_autofree char *data = NULL;
	gsize len;
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	g_autoptr (GBytes) bytes = g_bytes_new (data, len);
	g_autoptr (GsfInfile) ole = open_ole_bytes (bytes);
	g_autoptr (GsfInput) project = gsf_infile_child_by_name (ole, "_VBA_PROJECT_CUR");
	g_assert_nonnull (project);
	g_autoptr (GsfOutput) mem = gsf_output_memory_new ();
	g_autoptr (GsfOutfile) out = gsf_outfile_msole_new (mem);
	copy_storage (GSF_INFILE (project), out, swap, n_swap);
	gsf_output_close (GSF_OUTPUT (out));
	if (!gsf_output_is_closed (mem))
		gsf_output_close (mem);
	return g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (mem)),
	                    (gsize) gsf_output_size (mem));
}

static GBytes *
read_vba_stream (const char *name, guint32 *offset_out)
{
	g_autofree char *path = corpus_path ("poi/test-data/spreadsheet/SimpleMacro.xls");
	g_autofree char *data = NULL;
	gsize len;
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	g_autoptr (GBytes) bytes = g_bytes_new (data, len);
	g_autoptr (GsfInfile) ole = open_ole_bytes (bytes);
	g_autoptr (GsfInput) input = gsf_infile_child_by_vname (ole, "_VBA_PROJECT_CUR", "VBA", name, NULL);
	g_assert_nonnull (input);
	(void) offset_out;
	return _mh_gsf_read_all (input, 1 << 24, NULL);
}

static mh_vba_project *
read_changed (GBytes *bin, const mh_office_limits *limits)
{
	mh_office_limits defaults;
	mh_office_limits_init_default (&defaults);
	mh_vba_project *project = read_project_bytes (bin, limits ? limits : &defaults);
	g_assert_nonnull (project);
	for (guint i = 0; i < project->problems->len; i++)
		g_test_message ("problem: %s", (const char *) g_ptr_array_index (project->problems, i));
	if (project->stomped)
		g_test_message ("stomped: %s", project->stomping_evidence);
	return project;
}

/* Module1 of SimpleMacro.xls: its compiled part (the first 1186 bytes)
 * followed by another source, as stomping tools write it. */
static GBytes *
module1_with_source (const char *source)
{
	g_autoptr (GBytes) stream = read_vba_stream ("Module1", NULL);
	gsize len;
	const guint8 *data = g_bytes_get_data (stream, &len);
	g_assert_cmpuint (len, >, 1186);
	g_autoptr (GBytes) packed = _mh_ovba_compress ((const guint8 *) source, strlen (source));
	GByteArray *a = g_byte_array_new ();
	g_byte_array_append (a, data, 1186);
	gsize plen;
	const guint8 *p = g_bytes_get_data (packed, &plen);
	g_byte_array_append (a, p, (guint) plen);
	return g_byte_array_free_to_bytes (a);
}

static void
test_stomped_copy (void)
{
	if (!have_corpus ("poi/test-data/spreadsheet/SimpleMacro.xls"))
		return;
	/* the copy itself is read as the original */
	g_autoptr (GBytes) same = changed_simple_macro (NULL, 0);
	mh_vba_project *project = read_changed (same, NULL);
	g_assert_cmpuint (project->modules->len, ==, 5);
	g_assert_false (project->stomped);
	g_assert_cmpuint (project->problems->len, ==, 0);
	_mh_vba_project_free (project);

	/* a source with nothing but its name */
	g_autoptr (GBytes) empty = module1_with_source ("Attribute VB_Name = \"Module1\"\r\n");
	replacement swap = { "Module1", empty };
	g_autoptr (GBytes) bin = changed_simple_macro (&swap, 1);
	project = read_changed (bin, NULL);
	g_assert_true (project->stomped);
	g_assert_nonnull (strstr (project->stomping_evidence, "Module1"));
	g_assert_nonnull (strstr (project->stomping_evidence, "no code"));
	_mh_vba_project_free (project);

	/* a harmless-looking decoy in place of the real macro */
	g_autoptr (GBytes) decoy = module1_with_source (
		"Attribute VB_Name = \"Module1\"\r\nSub TestMacro()\r\n    Range(\"B7\").Select\r\nEnd Sub\r\n");
	swap.bytes = decoy;
	g_autoptr (GBytes) bin2 = changed_simple_macro (&swap, 1);
	project = read_changed (bin2, NULL);
	g_assert_true (project->stomped);
	_mh_vba_project_free (project);

	/* the same source differently formatted is not stomping */
	g_autoptr (GBytes) reformatted = module1_with_source (
		"Attribute VB_Name = \"Module1\"\r\nSub TestMacro()\r\n'\r\n'   TestMacro   Macro\r\n"
		"' This is a _\r\n test macro\r\n'\r\n"
		"ActiveCell.FormulaR1C1 = \"This is a macro workbook\"\r\nRange(\"A2\").Select\r\nEnd Sub\r\n");
	swap.bytes = reformatted;
	g_autoptr (GBytes) bin3 = changed_simple_macro (&swap, 1);
	project = read_changed (bin3, NULL);
	g_assert_false (project->stomped);
	_mh_vba_project_free (project);
}

/* The dir stream of SimpleMacro.xls with Module1's MODULEOFFSET changed. */
static GBytes *
dir_with_module1_offset (guint32 offset)
{
	g_autoptr (GBytes) stream = read_vba_stream ("dir", NULL);
	gsize len;
	const guint8 *data = g_bytes_get_data (stream, &len);
	g_autoptr (GByteArray) plain = g_byte_array_new ();
	g_assert_true (_mh_ovba_decompress (data, len, 1 << 20, plain, NULL, NULL));
	/* MODULENAME "Module1", then the first MODULEOFFSET after it */
	guint8 *name = memmem (plain->data, plain->len, "\x19\x00\x07\x00\x00\x00Module1", 13);
	g_assert_nonnull (name);
	guint8 *rec = memmem (name, plain->len - (gsize) (name - plain->data), "\x31\x00\x04\x00\x00\x00", 6);
	g_assert_nonnull (rec);
	rec[6] = offset & 0xFF;
	rec[7] = (offset >> 8) & 0xFF;
	rec[8] = (offset >> 16) & 0xFF;
	rec[9] = offset >> 24;
	return _mh_ovba_compress (plain->data, plain->len);
}

static void
test_wrong_offset_copy (void)
{
	if (!have_corpus ("poi/test-data/spreadsheet/SimpleMacro.xls"))
		return;
	static const guint32 offsets[] = { 0, 5, 1185, 1187, 1419, 100000, G_MAXUINT32 };
	for (guint i = 0; i < G_N_ELEMENTS (offsets); i++) {
		g_autoptr (GBytes) dir = dir_with_module1_offset (offsets[i]);
		replacement swap = { "dir", dir };
		g_autoptr (GBytes) bin = changed_simple_macro (&swap, 1);
		mh_vba_project *project = read_changed (bin, NULL);
		const mh_vba_module *m = find_module (project, "Module1");
		assert_source_contains (m, "This is a macro workbook");
		g_assert_true (m->offset_repaired);
		g_assert_false (project->stomped);
		g_assert_cmpuint (project->problems->len, >=, 1);
		_mh_vba_project_free (project);
	}
}

static void
test_caps (void)
{
	g_autofree char *path = corpus_path ("poi/test-data/spreadsheet/59830.xls");
	if (!path) {
		g_test_skip ("corpora not found (configure --with-corpora=DIR)");
		return;
	}
	g_autofree char *data = NULL;
	gsize len;
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	g_autoptr (GBytes) bytes = g_bytes_new (data, len);
	mh_office_limits limits;
	mh_office_limits_init_default (&limits);
	limits.max_modules = 3;
	limits.max_module_source = 100;
	mh_vba_project *project = read_changed (bytes, &limits);
	g_assert_cmpuint (project->modules->len, ==, 3);
	gboolean said_modules = FALSE, said_source = FALSE;
	for (guint i = 0; i < project->problems->len; i++) {
		const char *p = g_ptr_array_index (project->problems, i);
		said_modules |= strstr (p, "more than 3 modules") != NULL;
		said_source |= strstr (p, "source cut at 100 bytes") != NULL;
	}
	g_assert_true (said_modules);
	g_assert_true (said_source);
	guint truncated = 0;
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		g_assert_cmpuint (m->source_len, <=, 100 * 3);  /* UTF-8 of 100 bytes */
		truncated += m->truncated;
	}
	g_assert_cmpuint (truncated, ==, 2);  /* Module1 has only 31 bytes */
	_mh_vba_project_free (project);

	/* streams larger than max_stream_size are cut, with a problem */
	limits.max_modules = 100;
	limits.max_module_source = 1 << 20;
	limits.max_stream_size = 700;
	project = read_changed (bytes, &limits);
	g_assert_cmpuint (project->problems->len, >, 0);
	_mh_vba_project_free (project);
}

/* Streams missing from the VBA storage. */
static void
test_missing_streams (void)
{
	if (!have_corpus ("poi/test-data/spreadsheet/SimpleMacro.xls"))
		return;
	g_autoptr (GBytes) nothing = g_bytes_new_static ("", 0);
	g_autoptr (GBytes) garbage = g_bytes_new_static ("\x01\xFF\xFF\x00", 4);
	static const char *const names[] = { "dir", "Module1", "PROJECT" };
	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		for (int g = 0; g < 2; g++) {
			replacement swap = { names[i], g ? garbage : nothing };
			g_autoptr (GBytes) bin = changed_simple_macro (&swap, 1);
			mh_vba_project *project = read_changed (bin, NULL);
			if (strcmp (names[i], "PROJECT") != 0)
				g_assert_cmpuint (project->problems->len, >, 0);
			_mh_vba_project_free (project);
		}
	}
}

/* -- damaged dir streams --------------------------------------------------- */

static void
record (GByteArray *a, guint id, const void *data, guint32 size)
{
	guint8 h[6] = { id & 0xFF, id >> 8, size & 0xFF, (size >> 8) & 0xFF, (size >> 16) & 0xFF, size >> 24 };
	g_byte_array_append (a, h, 6);
	if (size)
		g_byte_array_append (a, data, size);
}

/* A small dir stream: PROJECTSYSKIND, PROJECTVERSION (its odd size),
 * PROJECTCODEPAGE, PROJECTNAME, a reference without unicode name, and two
 * modules. */
static GByteArray *
build_dir (void)
{
	GByteArray *a = g_byte_array_new ();
	guint32 four = 1;
	record (a, 0x0001, &four, 4);
	g_byte_array_append (a, (const guint8 *) "\x09\x00\x04\x00\x00\x00" "\x01\x02\x03\x04\x05\x06", 12);
	record (a, 0x0003, "\xE4\x04", 2);  /* 1252 */
	record (a, 0x0004, "Proj\xE9", 5);
	record (a, 0x0016, "stdole", 6);
	record (a, 0x000D, "\x00\x00\x00\x00\x00\x00", 6);
	record (a, 0x000F, "\x02\x00", 2);
	record (a, 0x0013, "\xFF\xFF", 2);
	record (a, 0x0019, "Module1", 7);
	record (a, 0x0047, "M\0o\0d\0u\0l\0e\0" "1\0", 14);
	record (a, 0x001A, "Module1", 7);
	record (a, 0x0032, "M\0o\0d\0u\0l\0e\0" "1\0", 14);
	record (a, 0x0031, "\x10\x00\x00\x00", 4);
	record (a, 0x0021, NULL, 0);
	record (a, 0x002B, NULL, 0);
	record (a, 0x0019, "Class\xE9", 6);
	record (a, 0x001A, "Class\xE9", 6);
	record (a, 0x0031, "\x20\x00\x00\x00", 4);
	record (a, 0x0022, NULL, 0);
	record (a, 0x0025, NULL, 0);
	record (a, 0x002B, NULL, 0);
	record (a, 0x0010, NULL, 0);
	return a;
}

static void
test_dir_parse (void)
{
	g_autoptr (GByteArray) a = build_dir ();
	mh_vba_dir *dir = _mh_vba_dir_parse (a->data, a->len, 100);
	for (guint i = 0; i < dir->problems->len; i++)
		g_test_message ("problem: %s", (const char *) g_ptr_array_index (dir->problems, i));
	g_assert_cmpuint (dir->problems->len, ==, 0);
	g_assert_cmpuint (dir->codepage, ==, 1252);
	g_assert_cmpstr (dir->project_name, ==, "Proj\xC3\xA9");
	g_assert_cmpuint (dir->modules->len, ==, 2);
	const mh_vba_dir_module *m = g_ptr_array_index (dir->modules, 0);
	g_assert_cmpstr (m->name, ==, "Module1");
	g_assert_cmpstr (m->stream, ==, "Module1");
	g_assert_cmpuint (m->offset, ==, 16);
	g_assert_true (m->procedural);
	m = g_ptr_array_index (dir->modules, 1);
	g_assert_cmpstr (m->name, ==, "Class\xC3\xA9");
	g_assert_cmpuint (m->offset, ==, 32);
	g_assert_false (m->procedural);
	_mh_vba_dir_free (dir);

	/* the module cap */
	dir = _mh_vba_dir_parse (a->data, a->len, 1);
	g_assert_cmpuint (dir->modules->len, ==, 1);
	g_assert_cmpuint (dir->problems->len, ==, 1);
	_mh_vba_dir_free (dir);
}

static void
check_damaged_dir (const guint8 *data, gsize len)
{
	mh_vba_dir *dir = _mh_vba_dir_parse (data, len, 50);
	g_assert_cmpuint (dir->modules->len, <=, 50);
	for (guint i = 0; i < dir->modules->len; i++) {
		const mh_vba_dir_module *m = g_ptr_array_index (dir->modules, i);
		g_assert_true (g_utf8_validate (m->name, -1, NULL));
		g_assert_true (g_utf8_validate (m->stream, -1, NULL));
	}
	_mh_vba_dir_free (dir);
}

/* Every truncation and many garbled copies of a built dir stream and of
 * the real dir stream of SimpleMacro.xls: problems, never a crash. */
static void
test_dir_damaged (void)
{
	g_autoptr (GByteArray) built = build_dir ();
	GPtrArray *streams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
	g_ptr_array_add (streams, g_byte_array_ref (built));

	g_autofree char *path = corpus_path ("poi/test-data/spreadsheet/SimpleMacro.xls");
	if (path) {
		g_autofree char *data = NULL;
		gsize len;
		g_assert_true (g_file_get_contents (path, &data, &len, NULL));
		g_autoptr (GBytes) bytes = g_bytes_new (data, len);
		g_autoptr (GsfInfile) ole = open_ole_bytes (bytes);
		g_autoptr (GsfInput) dir = gsf_infile_child_by_vname (ole, "_VBA_PROJECT_CUR", "VBA", "dir", NULL);
		g_assert_nonnull (dir);
		g_autoptr (GBytes) compressed = _mh_gsf_read_all (dir, 1 << 20, NULL);
		gsize clen;
		const guint8 *c = g_bytes_get_data (compressed, &clen);
		GByteArray *plain = g_byte_array_new ();
		g_assert_true (_mh_ovba_decompress (c, clen, 1 << 20, plain, NULL, NULL));
		mh_vba_dir *parsed = _mh_vba_dir_parse (plain->data, plain->len, 100);
		g_assert_cmpuint (parsed->modules->len, ==, 5);
		g_assert_cmpuint (parsed->problems->len, ==, 0);
		_mh_vba_dir_free (parsed);
		g_ptr_array_add (streams, plain);
	}

	GRand *rand = g_rand_new_with_seed (7);
	for (guint s = 0; s < streams->len; s++) {
		const GByteArray *a = g_ptr_array_index (streams, s);
		for (gsize cut = 0; cut < a->len; cut++) {
			mh_vba_dir *dir = _mh_vba_dir_parse (a->data, cut, 50);
			g_assert_cmpuint (dir->problems->len, >, 0);  /* at least "no terminator" */
			_mh_vba_dir_free (dir);
		}
		for (int round = 0; round < 3000; round++) {
			g_autoptr (GByteArray) copy = g_byte_array_new ();
			g_byte_array_append (copy, a->data, a->len);
			int flips = g_rand_int_range (rand, 1, 6);
			for (int k = 0; k < flips; k++) {
				guint at = (guint) g_rand_int_range (rand, 0, (gint32) copy->len);
				copy->data[at] = round % 2 ? (guint8) g_rand_int_range (rand, 0, 256) : 0xFF;
			}
			check_damaged_dir (copy->data, copy->len);
		}
	}
	g_rand_free (rand);
	g_ptr_array_unref (streams);

	/* a record that claims 4 GB */
	check_damaged_dir ((const guint8 *) "\x19\x00\xFF\xFF\xFF\xFF" "abc", 9);
	/* nothing at all */
	check_damaged_dir (NULL, 0);
}

static void
test_codepages (void)
{
	gsize n;
	g_autofree char *mac = _mh_vba_codepage_to_utf8 ((const guint8 *) "M\x97" "dulo", 6, 10000, &n);
	g_assert_cmpstr (mac, ==, "M\xC3\xB3" "dulo");
	g_assert_cmpuint (n, ==, 7);
	g_autofree char *win = _mh_vba_codepage_to_utf8 ((const guint8 *) "M\xF3" "dulo", 6, 1252, NULL);
	g_assert_cmpstr (win, ==, "M\xC3\xB3" "dulo");
	/* 0x81 is not in CP1252: replaced, the rest kept */
	g_autofree char *bad = _mh_vba_codepage_to_utf8 ((const guint8 *) "a\x81z", 3, 1252, NULL);
	g_assert_cmpstr (bad, ==, "a\xEF\xBF\xBDz");
	/* a cut Shift-JIS character at the end */
	g_autofree char *sjis = _mh_vba_codepage_to_utf8 ((const guint8 *) "ab\x82", 3, 932, NULL);
	g_assert_cmpstr (sjis, ==, "ab\xEF\xBF\xBD");
	/* an unknown code page still gives text */
	g_autofree char *unknown = _mh_vba_codepage_to_utf8 ((const guint8 *) "abc", 3, 12345, NULL);
	g_assert_cmpstr (unknown, ==, "abc");
	g_autofree char *utf8 = _mh_vba_codepage_to_utf8 ((const guint8 *) "\xC3\xA9\xFF", 3, 65001, NULL);
	g_assert_cmpstr (utf8, ==, "\xC3\xA9\xEF\xBF\xBD");
	/* a NUL would hide the rest from C-string readers */
	g_autofree char *nul = _mh_vba_codepage_to_utf8 ((const guint8 *) "Sub\0x", 5, 1252, &n);
	g_assert_cmpstr (nul, ==, "Sub\xEF\xBF\xBDx");
	g_assert_cmpuint (n, ==, 7);
	g_autofree char *wide = _mh_vba_codepage_to_utf8 ((const guint8 *) "a\0\0\0b\0\x00\xD8", 8, 1200, &n);
	g_assert_cmpstr (wide, ==, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

/* What iconv makes of @data in one call, a byte it cannot convert (or a
 * NUL) becoming U+FFFD: what _mh_vba_codepage_to_utf8 promises. */
static char *
iconv_reference (const guint8 *data, gsize len, const char *charset)
{
	GIConv cd = g_iconv_open ("UTF-8", charset);
	g_assert_true (cd != (GIConv) -1);
	GString *out = g_string_new (NULL);
	char *in = (char *) data;
	gsize in_left = len;
	while (in_left > 0) {
		char buf[64], *o = buf;
		gsize o_left = sizeof buf;
		gsize r = g_iconv (cd, &in, &in_left, &o, &o_left);
		for (char *c = buf; c < o; c++) {
			if (*c)
				g_string_append_c (out, *c);
			else
				g_string_append (out, "\xEF\xBF\xBD");
		}
		if (r != (gsize) -1 || errno == E2BIG)
			continue;
		g_string_append (out, "\xEF\xBF\xBD");
		in++;
		in_left--;
		g_iconv (cd, NULL, NULL, NULL, NULL);
	}
	g_iconv_close (cd);
	return g_string_free (out, FALSE);
}

/* The single-byte code pages are read through a table of what each byte
 * becomes; the result must be the one iconv gives for the whole text,
 * for every byte and in any order, and for the two code pages that
 * compose accents (1255, 1258: left to iconv). */
static void
test_codepages_single_byte (void)
{
	static const struct {
		guint codepage;
		const char *charset;
	} pages[] = {
		{ 1250, "CP1250" }, { 1251, "CP1251" }, { 1252, "CP1252" }, { 1253, "CP1253" },
		{ 1254, "CP1254" }, { 1255, "CP1255" }, { 1256, "CP1256" }, { 1257, "CP1257" },
		{ 1258, "CP1258" }, { 874, "CP874" }, { 10000, "MACINTOSH" }, { 10007, "MACCYRILLIC" },
		{ 28591, "ISO-8859-1" }, { 20127, "ASCII" },
	};
	GRand *rand = g_rand_new_with_seed (1258);
	guint8 data[4096];
	for (guint p = 0; p < G_N_ELEMENTS (pages); p++) {
		for (int round = 0; round < 4; round++) {
			gsize len = round == 0 ? 256 : sizeof data;
			for (gsize i = 0; i < len; i++)
				data[i] = round == 0 ? (guint8) i
				          : round == 1 ? (guint8) g_rand_int_range (rand, 0, 256)
				          /* mostly letters and accents, as text is */
				          : (guint8) (g_rand_boolean (rand) ? g_rand_int_range (rand, 0x41, 0x5B)
				                                            : g_rand_int_range (rand, 0xC0, 0x100));
			gsize n = 0;
			g_autofree char *got = _mh_vba_codepage_to_utf8 (data, len, pages[p].codepage, &n);
			g_autofree char *want = iconv_reference (data, len, pages[p].charset);
			g_assert_cmpuint (n, ==, strlen (want));
			if (strcmp (got, want) != 0)
				g_error ("code page %u, round %d: the text differs from iconv's", pages[p].codepage, round);
		}
	}
	g_rand_free (rand);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_data_func ("/vba/simple-macro/doc", "poi/test-data/document/SimpleMacro.doc", test_simple_macro);
	g_test_add_data_func ("/vba/simple-macro/docm", "poi/test-data/document/SimpleMacro.docm", test_simple_macro);
	g_test_add_data_func ("/vba/simple-macro/xls", "poi/test-data/spreadsheet/SimpleMacro.xls", test_simple_macro);
	g_test_add_data_func ("/vba/simple-macro/xlsm", "poi/test-data/spreadsheet/SimpleMacro.xlsm", test_simple_macro);
	g_test_add_func ("/vba/poi/59830", test_59830);
	g_test_add_func ("/vba/poi/59858", test_59858);
	g_test_add_func ("/vba/poi/60158", test_60158);
	g_test_add_func ("/vba/poi/62624", test_62624);
	g_test_add_func ("/vba/poi/62625", test_62625);
	g_test_add_func ("/vba/poi/60273", test_60273);
	g_test_add_func ("/vba/poi/60279-wrong-offset", test_60279_wrong_offset);
	g_test_add_func ("/vba/poi/15228", test_15228);
	g_test_add_func ("/vba/oletools/oleform", test_oleform);
	g_test_add_func ("/vba/tika/word-macros", test_tika_word_macros);
	g_test_add_func ("/vba/corpus/not-stomped", test_corpus_not_stomped);
	g_test_add_func ("/vba/copy/stomped", test_stomped_copy);
	g_test_add_func ("/vba/copy/wrong-offset", test_wrong_offset_copy);
	g_test_add_func ("/vba/copy/missing-streams", test_missing_streams);
	g_test_add_func ("/vba/caps", test_caps);
	g_test_add_func ("/vba/dir/parse", test_dir_parse);
	g_test_add_func ("/vba/dir/damaged", test_dir_damaged);
	g_test_add_func ("/vba/codepages", test_codepages);
	g_test_add_func ("/vba/codepages/single-byte", test_codepages_single_byte);
	return g_test_run ();
}
