/* OOXML packages, Flat OPC and Word 2003 XML (src/office/ooxml.c): the
 * facts of the public corpora (MANIFEST.tsv) and small packages built
 * here (benign strings only): relationships, fields, VBA parts, macro
 * sheets, controls, embedded objects, metadata, caps, and the safety of
 * the XML parser (no entity expansion, no external entity, no output). */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "office-testlib.h"

/* tests/fuzz/fuzz-ooxml-rels.c uses it too */
extern void _mh_ooxml_rels_analyse_bytes (mh_document *doc, const guint8 *data, gsize len,
                                          const char *rels_name, const mh_office_options *options);

#define TIKA_DOCS "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/" \
                  "tika-parser-microsoft-module/src/test/resources/test-documents/"

/* -- helpers -------------------------------------------------------------- */




/* The finding @id whose evidence contains @evidence (any when NULL). */
static const mh_finding *
find_finding (const mh_document *doc, const char *id, const char *evidence)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, id) == 0 && (!evidence || (f->evidence && strstr (f->evidence, evidence))))
			return f;
	}
	return NULL;
}

static gboolean
has_ioc (const mh_document *doc, const char *kind, const char *value)
{
	for (guint i = 0; i < doc->iocs->len; i++) {
		const mh_ioc *ioc = g_ptr_array_index (doc->iocs, i);
		if (strcmp (ioc->kind, kind) == 0 && strcmp (ioc->value, value) == 0)
			return TRUE;
	}
	return FALSE;
}

static const char *
property (const mh_document *doc, const char *name)
{
	for (guint i = 0; i < doc->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (doc->properties, i);
		if (strcmp (p->name, name) == 0)
			return p->value;
	}
	return NULL;
}

static gboolean
has_problem (const mh_document *doc, const char *substring)
{
	for (guint i = 0; i < doc->problems->len; i++)
		if (strstr (g_ptr_array_index (doc->problems, i), substring))
			return TRUE;
	return FALSE;
}

/* Any text of the model containing @needle (to prove something was NOT read). */
static gboolean
model_mentions (const mh_document *doc, const char *needle)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if ((f->evidence && strstr (f->evidence, needle)) || (f->summary && strstr (f->summary, needle)))
			return TRUE;
	}
	for (guint i = 0; i < doc->iocs->len; i++)
		if (strstr (((const mh_ioc *) g_ptr_array_index (doc->iocs, i))->value, needle))
			return TRUE;
	for (guint i = 0; i < doc->properties->len; i++)
		if (strstr (((const mh_doc_property *) g_ptr_array_index (doc->properties, i))->value, needle))
			return TRUE;
	return has_problem (doc, needle);
}

static void
dump (const mh_document *doc)
{
	if (!g_test_verbose ())
		return;
	g_printerr ("# %s: %s, %u findings\n", doc->name, doc->format, doc->findings->len);
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		g_printerr ("#   %s [%s] %s | %s | %s\n", f->id, mh_severity_to_string (f->severity), f->summary,
		            f->evidence ? f->evidence : "", f->location ? f->location : "");
	}
	for (guint i = 0; i < doc->problems->len; i++)
		g_printerr ("#   problem: %s\n", (const char *) g_ptr_array_index (doc->problems, i));
}

/* -- building packages ---------------------------------------------------- */






/* An OLE2 file with a VBA storage holding a "dir" stream: what a
 * vbaProject.bin looks like from outside (the content is not a real dir). */
static GBytes *
make_vba_ole (void)
{
	GsfOutput *mem = gsf_output_memory_new ();
	GsfOutfile *ole = gsf_outfile_msole_new (mem);
	GsfOutput *vba = gsf_outfile_new_child (ole, "VBA", TRUE);
	GsfOutput *dir = gsf_outfile_new_child (GSF_OUTFILE (vba), "dir", FALSE);
	gsf_output_write (dir, 8, (const guint8 *) "\x01\x00\x00\x00\x00\x00\x00\x00");
	gsf_output_close (dir);
	g_object_unref (dir);
	GsfOutput *project = gsf_outfile_new_child (ole, "PROJECT", FALSE);
	gsf_output_puts (project, "ID=\"{00000000-0000-0000-0000-000000000000}\"\r\n");
	gsf_output_close (project);
	g_object_unref (project);
	gsf_output_close (vba);
	g_object_unref (vba);
	gsf_output_close (GSF_OUTPUT (ole));
	g_object_unref (ole);
	GBytes *bytes = g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (mem)),
	                             (gsize) gsf_output_size (mem));
	g_object_unref (mem);   /* closed with the compound file */
	return bytes;
}

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define R_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define RT R_NS "/"

static const char docx_types[] = XML_DECL
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.ms-word.document.macroEnabled.main+xml\"/>"
	"</Types>";
static const char docx_rels[] = XML_DECL
	"<Relationships xmlns=\"" REL_NS "\">"
	"<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"word/document.xml\"/>"
	"</Relationships>";

/* A docm with @document as word/document.xml and optional extra members. */
static mh_document *
analyse_docx (const char *document, const office_test_member *extra, guint n_extra)
{
	office_test_member members[16] = {
		{ "[Content_Types].xml", (const guint8 *) docx_types, 0 },
		{ "_rels/.rels", (const guint8 *) docx_rels, 0 },
		{ "word/document.xml", (const guint8 *) document, 0 },
	};
	g_assert_cmpuint (n_extra, <=, 13);
	for (guint i = 0; i < n_extra; i++)
		members[3 + i] = extra[i];
	g_autoptr (GBytes) zip = office_test_make_zip (members, 3 + n_extra);
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	return office_test_analyse (data, len, "built.docm", 0);
}

/* -- corpus facts ---------------------------------------------------------- */

static void
test_remote_template (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus (TIKA_DOCS "testAttachedTemplate.docx");
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "docx");
	const mh_finding *f = find_finding (doc, "doc.remote-template", NULL);
	g_assert_nonnull (f);
	g_assert_cmpstr (f->evidence, ==, "http://example.com/templates/malicious.dotx");
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_HIGH);
	g_assert_cmpstr (f->location, ==, "word/_rels/document.xml.rels");
	g_assert_true (has_ioc (doc, "url", "http://example.com/templates/malicious.dotx"));
	g_assert_cmpint (doc->verdict, ==, MH_VERDICT_SUSPICIOUS);
}

static void
test_local_template (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("poi/test-data/document/52288.docx");
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.remote-template"), ==, 0);
	const char *template = NULL;
	for (guint i = 0; i < doc->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (doc->properties, i);
		if (strcmp (p->name, "template") == 0 && strstr (p->value, "file:///C:"))
			template = p->value;
	}
	g_assert_nonnull (template);
	g_assert_nonnull (strstr (template, "ICD-10-AM%20Publication%20Styles.DOT"));
	const mh_finding *f = find_finding (doc, "doc.external-relationship", "file:///C:");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_INFO);
	g_assert_nonnull (strstr (f->summary, "local file"));
	g_assert_cmpstr (f->location, ==, "word/_rels/settings.xml.rels");
	g_assert_cmpint (doc->verdict, ==, MH_VERDICT_CLEAN);
}

static void
test_normal_template (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("poi/test-data/document/TestPoiXMLDocumentCorePropertiesGetKeywords.docx");
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "docx");
	g_assert_cmpuint (doc->findings->len, ==, 0);
	gboolean normal = FALSE;
	for (guint i = 0; i < doc->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (doc->properties, i);
		if (strcmp (p->name, "template") == 0 && strcmp (p->value, "Normal.dotm") == 0)
			normal = TRUE;
	}
	g_assert_true (normal);
	g_assert_cmpint (doc->verdict, ==, MH_VERDICT_CLEAN);
}

static void
test_subdocument (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus (TIKA_DOCS "testSubdocument.docx");
	if (!doc)
		return;
	dump (doc);
	const mh_finding *f = find_finding (doc, "doc.external-relationship",
	                                    "http://example.org/chapters/chapter1.docx");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_nonnull (strstr (f->summary, "subDocument"));
	g_assert_nonnull (find_finding (doc, "doc.external-relationship", "http://example.org/chapters/chapter2.docx"));
	g_assert_true (has_ioc (doc, "url", "http://example.org/chapters/chapter1.docx"));
	g_assert_cmpuint (office_test_count_findings (doc, "doc.remote-template"), ==, 0);
}

static void
test_external_ole_link (gconstpointer data)
{
	const char *path = data;
	g_autoptr (mh_document) doc = office_test_analyse_corpus (path);
	if (!doc)
		return;
	dump (doc);
	const mh_finding *f = find_finding (doc, "doc.external-relationship", "https://raw.githubusercontent.com/");
	g_assert_nonnull (f);
	g_assert_nonnull (strstr (f->summary, "oleObject"));
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_nonnull (strstr (f->evidence, "decalage2/oletools"));
	g_assert_true (has_ioc (doc, "url", f->evidence));
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
}

static void
test_mail_merge_source (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("poi/test-data/document/52449.docx");
	if (!doc)
		return;
	dump (doc);
	const mh_finding *f = find_finding (doc, "doc.external-relationship", "Fletteliste3.docx");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_INFO);
	g_assert_nonnull (strstr (f->summary, "mailMergeSource"));
	g_assert_nonnull (strstr (f->summary, "local file"));
	g_assert_cmpuint (office_test_count_findings (doc, "doc.remote-template"), ==, 0);
}

static void
test_external_fields (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus (TIKA_DOCS "testExternalRefs.docx");
	if (!doc)
		return;
	dump (doc);
	static const char *const urls[] = {
		"http://example.com/tracking.png", "http://example.org/payload.txt",
		"http://example.net/exploit.wmf", "http://test.invalid/cmd.docx",
	};
	static const char *const fields[] = { "INCLUDEPICTURE", "INCLUDETEXT", "IMPORT", "LINK" };
	for (guint i = 0; i < G_N_ELEMENTS (urls); i++) {
		const mh_finding *f = find_finding (doc, "doc.external-field", urls[i]);
		g_assert_nonnull (f);
		g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
		g_assert_nonnull (strstr (f->summary, fields[i]));
		g_assert_cmpstr (f->location, ==, "word/document.xml");
		g_assert_true (has_ioc (doc, "url", urls[i]));
	}
	g_assert_cmpuint (office_test_count_findings (doc, "doc.external-field"), ==, 4);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.dde"), ==, 0);
}

static void
test_harmless_clean (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("oletools/tests/test-data/msodde/harmless-clean.docx");
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "docx");
	g_assert_cmpuint (doc->findings->len, ==, 0);
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
	g_assert_cmpint (doc->verdict, ==, MH_VERDICT_CLEAN);
	g_autoptr (mh_document) docm = office_test_analyse_corpus ("oletools/tests/test-data/msodde/harmless-clean.docm");
	dump (docm);
	g_assert_cmpuint (office_test_count_findings (docm, "doc.dde"), ==, 0);
}

static void
test_vba_part (gconstpointer data)
{
	const char *const *fact = data;   /* path, location, format, a module */
	g_autoptr (mh_document) doc = office_test_analyse_corpus (fact[0]);
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpstr (doc->format, ==, fact[2]);
	g_assert_cmpuint (doc->vba_projects->len, ==, 1);
	const mh_vba_project *project = g_ptr_array_index (doc->vba_projects, 0);
	g_assert_cmpstr (project->location, ==, fact[1]);
	if (project->modules->len > 0) {
		gboolean module1 = FALSE;
		for (guint i = 0; i < project->modules->len; i++) {
			const mh_vba_module *m = g_ptr_array_index (project->modules, i);
			if (m->name && strcmp (m->name, fact[3]) == 0)
				module1 = TRUE;
		}
		g_assert_true (module1);
	}
}

static void
test_dotm_without_vba (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus (TIKA_DOCS "testDOTM.dotm");
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "dotm");
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
}

static void
test_xlm_macro_sheet (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("poi/test-data/spreadsheet/xlmmacro.xlsm");
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "xlsm");
	const mh_finding *f = find_finding (doc, "doc.xlm-macro-sheet", "Macro1");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_cmpstr (f->location, ==, "xl/macrosheets/sheet1.xml");
	g_assert_cmpuint (office_test_count_findings (doc, "doc.xlm-auto-open"), ==, 0);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-sheet"), ==, 0);
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
	g_assert_cmpint (doc->verdict, >=, MH_VERDICT_MACROS);
	/* metadata */
	g_assert_cmpstr (property (doc, "author"), ==, "malwation");
	g_assert_cmpstr (property (doc, "last-saved-by"), ==, "malwation");
	g_assert_cmpstr (property (doc, "created"), ==, "2023-05-18T21:59:43Z");
	g_assert_cmpstr (property (doc, "modified"), ==, "2023-05-18T22:01:42Z");
	g_assert_cmpstr (property (doc, "application"), ==, "Microsoft Excel");
}

static void
test_xlm_auto_open (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("oletools/tests/test-data/excel4-macros/excel4_sample_macro.xlsm");
	if (!doc)
		return;
	dump (doc);
	g_assert_nonnull (find_finding (doc, "doc.xlm-macro-sheet", "Macro1"));
	const mh_finding *f = find_finding (doc, "doc.xlm-auto-open", "Macro1!$A$1");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_HIGH);
	g_assert_cmpstr (f->location, ==, "xl/workbook.xml");
	g_assert_cmpint (doc->verdict, >=, MH_VERDICT_SUSPICIOUS);
}

static void
test_embedded_object (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("oletools/tests/test-data/oleobj/embedded-simple-2007.docm");
	if (!doc)
		return;
	dump (doc);
	const mh_finding *f = NULL;
	for (guint i = 0; i < doc->findings->len && !f; i++) {
		const mh_finding *g = g_ptr_array_index (doc->findings, i);
		if (strcmp (g->id, "doc.embedded-object") == 0 && g_strcmp0 (g->location, "word/embeddings/oleObject1.bin") == 0)
			f = g;
	}
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_LOW);
	g_assert_cmpuint (doc->children->len, ==, 1);
	const mh_document *child = g_ptr_array_index (doc->children, 0);
	g_assert_cmpstr (child->name, ==, "word/embeddings/oleObject1.bin");
	g_assert_cmpint (child->depth, ==, 1);
	g_assert_cmpuint (doc->vba_projects->len, ==, 0);
}

/* attachedTemplate to a local file: never a remote template */
static void
test_local_template_table (gconstpointer data)
{
	const char *const *fact = data;   /* path, part of the target */
	g_autoptr (mh_document) doc = office_test_analyse_corpus (fact[0]);
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.remote-template"), ==, 0);
	const mh_finding *f = find_finding (doc, "doc.external-relationship", fact[1]);
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_INFO);
	g_assert_true (g_str_has_prefix (f->evidence, "file:///"));
	g_assert_cmpint (doc->verdict, ==, MH_VERDICT_CLEAN);
}

static void
test_xltm_format (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus (TIKA_DOCS "testEXCEL_macro_enabled_template.xltm");
	if (!doc)
		return;
	g_assert_cmpstr (doc->format, ==, "xltm");
}

/* UserForms are controls whose events can run code */
static void
test_forms (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("oletools/tests/test-data/oleform/oleform-PR314.docm");
	if (!doc)
		return;
	dump (doc);
	g_assert_cmpuint (doc->vba_projects->len, ==, 1);
	const mh_vba_project *project = g_ptr_array_index (doc->vba_projects, 0);
	g_assert_cmpstr (project->location, ==, "word/vbaProject.bin");
	gboolean forms = FALSE;
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		if (m->kind && strcmp (m->kind, "form") == 0)
			forms = TRUE;
	}
	if (forms)
		g_assert_true (doc->has_controls);
}

/* -- built packages ------------------------------------------------------------ */

static void
test_dde_split_runs (void)
{
	/* Word splits a field code over runs as it likes */
	static const char document[] = XML_DECL
		"<w:document xmlns:w=\"" W_NS "\"><w:body><w:p>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
		"<w:r><w:instrText xml:space=\"preserve\"> DDE</w:instrText></w:r>"
		"<w:r><w:instrText>AUTO c:\\\\windows\\\\system32\\\\notepad.exe </w:instrText></w:r>"
		"<w:r><w:instrText>\"harmless-test\"</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>x</w:t></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
		"</w:p><w:p><w:fldSimple w:instr=\" DDE Excel \\&quot;Sheet1\\&quot; \"><w:r><w:t>y</w:t></w:r></w:fldSimple></w:p>"
		"</w:body></w:document>";
	g_autoptr (mh_document) doc = analyse_docx (document, NULL, 0);
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "docm");
	const mh_finding *f = find_finding (doc, "doc.dde", "DDEAUTO c:\\\\windows\\\\system32\\\\notepad.exe \"harmless-test\"");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_HIGH);
	g_assert_cmpstr (f->location, ==, "word/document.xml");
	g_assert_true (has_ioc (doc, "executable", "c:\\windows\\system32\\notepad.exe"));
	g_assert_nonnull (find_finding (doc, "doc.dde", "DDE Excel"));
	g_assert_cmpuint (office_test_count_findings (doc, "doc.dde"), ==, 2);
	g_assert_cmpint (doc->verdict, ==, MH_VERDICT_SUSPICIOUS);
}

static void
test_strict_namespace_and_header (void)
{
	/* ISO strict namespace, field in a header part named by content type only */
	static const char types[] = XML_DECL
		"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
		"<Override PartName=\"/word/top.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
		"</Types>";
	static const char rels[] = XML_DECL
		"<Relationships xmlns=\"" REL_NS "\">"
		"<Relationship Id=\"rId1\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument\" Target=\"/word/document.xml\"/>"
		"</Relationships>";
	static const char document[] = XML_DECL
		"<w:document xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\"><w:body><w:p>"
		"<w:fldSimple w:instr=\"INCLUDEPICTURE &quot;http://pictures.example.invalid/a.png&quot; \\d\"/>"
		"</w:p></w:body></w:document>";
	static const char header[] = XML_DECL
		"<w:hdr xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\"><w:p>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>DDEAUTO notepad.exe x</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>";
	/* the same element names in another namespace are not fields */
	static const char other[] = XML_DECL
		"<x:doc xmlns:x=\"urn:example:not-word\"><x:fldSimple x:instr=\"DDEAUTO nothing\"/></x:doc>";
	office_test_member members[] = {
		{ "[Content_Types].xml", (const guint8 *) types, 0 },
		{ "_rels/.rels", (const guint8 *) rels, 0 },
		{ "word/document.xml", (const guint8 *) document, 0 },
		{ "word/top.xml", (const guint8 *) header, 0 },
		{ "word/header9.xml", (const guint8 *) other, 0 },
	};
	g_autoptr (GBytes) zip = office_test_make_zip (members, G_N_ELEMENTS (members));
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	g_autoptr (mh_document) doc = office_test_analyse (data, len, "strict.docx", 0);
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "docx");
	g_assert_nonnull (find_finding (doc, "doc.external-field", "http://pictures.example.invalid/a.png"));
	const mh_finding *f = find_finding (doc, "doc.dde", "DDEAUTO notepad.exe");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "word/top.xml");
	g_assert_cmpuint (office_test_count_findings (doc, "doc.dde"), ==, 1);
}

static void
test_vba_by_content_once (void)
{
	/* an OLE2 part with VBA/dir under an unusual name is still a VBA
	 * project, and one both named by a relationship and recognised by
	 * content is read once */
	g_autoptr (GBytes) ole = make_vba_ole ();
	gsize ole_len;
	const guint8 *ole_data = g_bytes_get_data (ole, &ole_len);
	static const char doc_rels[] = XML_DECL
		"<Relationships xmlns=\"" REL_NS "\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/>"
		"</Relationships>";
	static const char document[] = XML_DECL "<w:document xmlns:w=\"" W_NS "\"><w:body/></w:document>";
	office_test_member extra[] = {
		{ "word/_rels/document.xml.rels", (const guint8 *) doc_rels, 0 },
		{ "word/vbaProject.bin", ole_data, ole_len },
		{ "word/media/picture.dat", ole_data, ole_len },
	};
	g_autoptr (mh_document) doc = analyse_docx (document, extra, G_N_ELEMENTS (extra));
	dump (doc);
	g_assert_cmpuint (doc->vba_projects->len, ==, 2);
	const mh_vba_project *a = g_ptr_array_index (doc->vba_projects, 0);
	const mh_vba_project *b = g_ptr_array_index (doc->vba_projects, 1);
	g_assert_cmpstr (a->location, ==, "word/vbaProject.bin");
	g_assert_cmpstr (b->location, ==, "word/media/picture.dat");
	g_assert_cmpuint (office_test_count_findings (doc, "doc.embedded-object"), ==, 0);
}

static void
test_activex_controls (void)
{
	static const char activex[] = XML_DECL
		"<ax:ocx ax:classid=\"{D7053240-CE69-11CD-A777-00DD01143C57}\" ax:persistence=\"persistStreamInit\" "
		"r:id=\"rId1\" xmlns:ax=\"http://schemas.microsoft.com/office/2006/activeX\" "
		"xmlns:r=\"" R_NS "\"/>";
	static const char activex2[] = XML_DECL
		"<ax:ocx ax:classid=\"{8BD21D10-EC42-11CE-9E0D-00AA006002F3}\" ax:persistence=\"persistPropertyBag\" "
		"xmlns:ax=\"http://schemas.microsoft.com/office/2006/activeX\"/>";
	static const char document[] = XML_DECL "<w:document xmlns:w=\"" W_NS "\"><w:body/></w:document>";
	office_test_member extra[] = {
		{ "word/activeX/activeX1.xml", (const guint8 *) activex, 0 },
		{ "word/activeX/activeX2.xml", (const guint8 *) activex2, 0 },
		{ "word/activeX/activeX1.bin", (const guint8 *) "\x01\x02\x03\x04", 4 },
	};
	g_autoptr (mh_document) doc = analyse_docx (document, extra, G_N_ELEMENTS (extra));
	dump (doc);
	g_assert_true (doc->has_controls);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.activex"), ==, 1);
	const mh_finding *f = find_finding (doc, "doc.activex", "CommandButton {D7053240-CE69-11CD-A777-00DD01143C57}");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_INFO);
	g_assert_nonnull (strstr (f->evidence, "TextBox"));
	g_assert_nonnull (strstr (f->evidence, "word/activeX/activeX2.xml"));
	g_assert_nonnull (strstr (f->summary, "2 ActiveX"));
	g_assert_cmpuint (office_test_count_findings (doc, "doc.embedded-object"), ==, 0);
}

static void
test_hidden_macro_sheet (void)
{
	static const char types[] = XML_DECL
		"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		"<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.ms-excel.sheet.macroEnabled.main+xml\"/>"
		"<Override PartName=\"/xl/macrosheets/intl.xml\" ContentType=\"application/vnd.ms-excel.intlmacrosheet+xml\"/>"
		"</Types>";
	static const char rels[] = XML_DECL
		"<Relationships xmlns=\"" REL_NS "\">"
		"<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
	static const char workbook_rels[] = XML_DECL
		"<Relationships xmlns=\"" REL_NS "\">"
		"<Relationship Id=\"rId7\" Type=\"http://schemas.microsoft.com/office/2006/relationships/xlIntlMacrosheet\" Target=\"macrosheets/intl.xml\"/>"
		"<Relationship Id=\"rId8\" Type=\"" RT "worksheet\" Target=\"/xl/worksheets/sheet1.xml\"/>"
		"</Relationships>";
	static const char workbook[] = XML_DECL
		"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"" R_NS "\">"
		"<sheets><sheet name=\"Sheet1\" sheetId=\"1\" state=\"veryHidden\" r:id=\"rId8\"/>"
		"<sheet name=\"Hidden Macros\" sheetId=\"2\" state=\"veryHidden\" r:id=\"rId7\"/></sheets>"
		"<definedNames><definedName name=\"auto_open2\" hidden=\"1\">'Hidden Macros'!$B$2</definedName>"
		"<definedName name=\"Print_Area\">Sheet1!$A$1</definedName></definedNames></workbook>";
	static const char macrosheet[] = XML_DECL
		"<xm:macrosheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		"xmlns:xm=\"http://schemas.microsoft.com/office/excel/2006/main\"><sheetData>"
		"<row r=\"2\"><c r=\"B2\"><f>ALERT(\"harmless test\")</f></c><c r=\"B3\"><f>HALT()</f></c>"
		/* the formula read as the tree gave it: an entity, text split by
		 * an element */
		"<c r=\"B4\"><f>EXEC(&quot;calc<x:i xmlns:x=\"urn:x\">.</x:i>exe&quot;)</f></c></row>"
		"</sheetData></xm:macrosheet>";
	static const char sheet[] = XML_DECL
		"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData/></worksheet>";
	office_test_member members[] = {
		{ "[Content_Types].xml", (const guint8 *) types, 0 },
		{ "_rels/.rels", (const guint8 *) rels, 0 },
		{ "xl/workbook.xml", (const guint8 *) workbook, 0 },
		{ "xl/_rels/workbook.xml.rels", (const guint8 *) workbook_rels, 0 },
		{ "xl/macrosheets/intl.xml", (const guint8 *) macrosheet, 0 },
		{ "xl/worksheets/sheet1.xml", (const guint8 *) sheet, 0 },
	};
	g_autoptr (GBytes) zip = office_test_make_zip (members, G_N_ELEMENTS (members));
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	g_autoptr (mh_document) doc = office_test_analyse (data, len, "hidden.xlsm", 0);
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "xlsm");
	g_assert_nonnull (find_finding (doc, "doc.xlm-macro-sheet", "Hidden Macros (veryHidden)"));
	const mh_finding *hidden = find_finding (doc, "doc.hidden-sheet", "Hidden Macros");
	g_assert_nonnull (hidden);
	g_assert_cmpint (hidden->severity, ==, MH_SEVERITY_MEDIUM);
	const mh_finding *sheet1 = find_finding (doc, "doc.hidden-sheet", "Sheet1");
	g_assert_nonnull (sheet1);
	g_assert_cmpint (sheet1->severity, ==, MH_SEVERITY_LOW);
	g_assert_nonnull (find_finding (doc, "doc.xlm-auto-open", "auto_open2 = 'Hidden Macros'!$B$2"));
	g_assert_cmpuint (office_test_count_findings (doc, "doc.xlm-auto-open"), ==, 1);
	/* the macro sheet's formulas reach the XLM rules */
	g_assert_cmpuint (office_test_count_findings (doc, "xlm.execute"), ==, 1);
	g_assert_cmpuint (office_test_count_findings (doc, "xlm.obfuscation"), >=, 1);
	gboolean calc = FALSE;
	for (guint i = 0; i < doc->iocs->len; i++)
		calc = calc || strcmp (((const mh_ioc *) g_ptr_array_index (doc->iocs, i))->value, "calc.exe") == 0;
	g_assert_true (calc);
}

static void
test_xlsb_macro_sheet (void)
{
	static const char types[] = XML_DECL
		"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"bin\" ContentType=\"application/vnd.ms-excel.sheet.binary.macroEnabled.main\"/>"
		"<Override PartName=\"/xl/macrosheets/sheet1.bin\" ContentType=\"application/vnd.ms-excel.macrosheet\"/>"
		"</Types>";
	static const char rels[] = XML_DECL
		"<Relationships xmlns=\"" REL_NS "\">"
		"<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"xl/workbook.bin\"/></Relationships>";
	office_test_member members[] = {
		{ "[Content_Types].xml", (const guint8 *) types, 0 },
		{ "_rels/.rels", (const guint8 *) rels, 0 },
		{ "xl/workbook.bin", (const guint8 *) "\x83\x01\x00", 3 },
		{ "xl/macrosheets/sheet1.bin", (const guint8 *) "\x81\x01\x00", 3 },
	};
	g_autoptr (GBytes) zip = office_test_make_zip (members, G_N_ELEMENTS (members));
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	g_autoptr (mh_document) doc = office_test_analyse (data, len, "test.xlsb", 0);
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "xlsb");
	g_assert_nonnull (find_finding (doc, "doc.xlm-macro-sheet", "xl/macrosheets/sheet1.bin"));
	g_assert_true (has_problem (doc, "not decoded"));
}

static void
test_relationship_targets (void)
{
	static const char rels[] = XML_DECL
		"<Relationships xmlns=\"" REL_NS "\">"
		"<Relationship Id=\"rId1\" Type=\"" RT "attachedTemplate\" Target=\"\\\\templates.example.invalid\\share\\t.dotm\" TargetMode=\"External\"/>"
		"<Relationship Id=\"rId2\" Type=\"" RT "hyperlink\" Target=\"https://www.example.invalid/page\" TargetMode=\"External\"/>"
		"<Relationship Id=\"rId3\" Type=\"" RT "hyperlink\" Target=\"mailto:someone@example.invalid\" TargetMode=\"External\"/>"
		"<Relationship Id=\"rId4\" Type=\"" RT "frame\" Target=\"file://files.example.invalid/share/f.html\" TargetMode=\"External\"/>"
		"<Relationship Id=\"rId5\" Type=\"" RT "image\" Target=\"media/image1.png\"/>"
		"</Relationships>";
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (mh_document) doc = _mh_document_new ("rels", (const guint8 *) rels, strlen (rels), 0);
	_mh_ooxml_rels_analyse_bytes (doc, (const guint8 *) rels, strlen (rels), "word/_rels/settings.xml.rels", &options);
	dump (doc);
	const mh_finding *f = find_finding (doc, "doc.remote-template", "\\\\templates.example.invalid\\share\\t.dotm");
	g_assert_nonnull (f);
	g_assert_true (has_ioc (doc, "unc-path", "\\\\templates.example.invalid\\share\\t.dotm"));
	g_assert_true (has_ioc (doc, "url", "https://www.example.invalid/page"));
	const mh_finding *frame = find_finding (doc, "doc.external-relationship", "file://files.example.invalid/");
	g_assert_nonnull (frame);
	g_assert_cmpint (frame->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_nonnull (strstr (frame->summary, "frame"));
	/* hyperlinks are indicators only; internal targets say nothing */
	g_assert_cmpuint (doc->findings->len, ==, 2);
	g_assert_false (model_mentions (doc, "mailto:"));
}

static void
test_caps (void)
{
	g_autoptr (GString) big = g_string_new (XML_DECL "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t>");
	for (int i = 0; i < 2000; i++)
		g_string_append (big, "harmless filler text ");
	g_string_append (big, "</w:t></w:r></w:p></w:body></w:document>");
	office_test_member members[40];
	members[0] = (office_test_member) { "[Content_Types].xml", (const guint8 *) docx_types, 0 };
	members[1] = (office_test_member) { "_rels/.rels", (const guint8 *) docx_rels, 0 };
	members[2] = (office_test_member) { "word/document.xml", (const guint8 *) big->str, big->len };
	char names[37][32];
	for (guint i = 0; i < 37; i++) {
		g_snprintf (names[i], sizeof names[i], "word/media/filler%u.txt", i);
		members[3 + i] = (office_test_member) { names[i], (const guint8 *) "x", 1 };
	}
	g_autoptr (GBytes) zip = office_test_make_zip (members, G_N_ELEMENTS (members));
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_entries = 10;
	options.limits.max_stream_size = 4096;
	g_autoptr (mh_document) doc = mh_document_analyse (data, len, "caps.docx", &options);
	dump (doc);
	g_assert_true (has_problem (doc, "more than 10 ZIP members"));
	g_assert_true (has_problem (doc, "word/document.xml: larger than 4096 bytes"));
}

/* -- XML safety ------------------------------------------------------------ */

#define LAUGHS \
	"<!DOCTYPE w:document [\n" \
	" <!ENTITY lol \"lol\">\n" \
	" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n" \
	" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n" \
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n" \
	" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n" \
	" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n" \
	" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n" \
	" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n" \
	" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n" \
	" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n" \
	"]>\n"

static void
test_billion_laughs (void)
{
	static const char document[] = "<?xml version=\"1.0\"?>\n" LAUGHS
		"<w:document xmlns:w=\"" W_NS "\"><w:body><w:p>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>DDE &lol9; x</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
		"<w:fldSimple w:instr=\"DDE a &lol9;\"/><w:r><w:t>&lol9;</w:t></w:r>"
		"</w:p></w:body></w:document>";
	gint64 start = g_get_monotonic_time ();
	g_autoptr (mh_document) doc = analyse_docx (document, NULL, 0);
	gint64 elapsed = g_get_monotonic_time () - start;
	dump (doc);
	g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
	g_assert_false (model_mentions (doc, "lollol"));
	g_assert_true (has_problem (doc, "word/document.xml"));

	/* the same at the top of a Flat OPC file */
	g_autofree char *flat = g_strconcat ("<?xml version=\"1.0\"?>\n<?mso-application progid=\"Word.Document\"?>\n",
	                                     "<!DOCTYPE pkg:package [\n <!ENTITY lol \"lol\">\n"
	                                     " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	                                     " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	                                     " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	                                     " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	                                     " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	                                     " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	                                     " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	                                     "]>\n<pkg:package xmlns:pkg=\"http://schemas.microsoft.com/office/2006/xmlPackage\">"
	                                     "<pkg:part pkg:name=\"/word/document.xml\" pkg:contentType=\""
	                                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\">"
	                                     "<pkg:xmlData><w:document xmlns:w=\"" W_NS "\"><w:body>"
	                                     "<w:fldSimple w:instr=\"DDE &lol7;\"/></w:body></w:document>"
	                                     "</pkg:xmlData></pkg:part></pkg:package>", NULL);
	start = g_get_monotonic_time ();
	g_autoptr (mh_document) fdoc = office_test_analyse (flat, strlen (flat), "laughs.xml", 0);
	elapsed = g_get_monotonic_time () - start;
	dump (fdoc);
	g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
	g_assert_cmpstr (fdoc->format, ==, "flat-opc");
	g_assert_false (model_mentions (fdoc, "lollol"));
}

static void
test_external_entity (void)
{
	/* a file of our own stands for /etc/passwd, so the test knows what
	 * it would see if the entity were loaded */
	g_autofree char *dir = g_dir_make_tmp ("mh-ooxml-XXXXXX", NULL);
	g_assert_nonnull (dir);
	g_autofree char *secret = g_build_filename (dir, "secret.txt", NULL);
	g_assert_true (g_file_set_contents (secret, "SECRET-MARKER http://secret.example.invalid/", -1, NULL));
	g_autofree char *document = g_strdup_printf (
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE w:document [\n"
		" <!ENTITY xxe SYSTEM \"file://%s\">\n"
		" <!ENTITY passwd SYSTEM \"file:///etc/passwd\">\n"
		" <!ENTITY %% remote SYSTEM \"file://%s\">\n"
		"]>\n"
		"<w:document xmlns:w=\"" W_NS "\"><w:body><w:p>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>INCLUDETEXT &xxe; &passwd;</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
		"<w:fldSimple w:instr=\"DDE harmless-xxe-test\"/>"
		"</w:p></w:body></w:document>", secret, secret);
	g_autoptr (mh_document) doc = analyse_docx (document, NULL, 0);
	dump (doc);
	g_assert_false (model_mentions (doc, "SECRET-MARKER"));
	g_assert_false (model_mentions (doc, "secret.example.invalid"));
	g_assert_false (model_mentions (doc, "root:"));
	/* the DDE field is still seen, without the entity's text */
	g_assert_nonnull (find_finding (doc, "doc.dde", "DDE harmless-xxe-test"));
	g_unlink (secret);
	g_rmdir (dir);
}

/* libxml2 must print nothing, whatever the input (run in a child so the
 * child's stderr can be checked). */
static void
test_xml_errors_silent (void)
{
	if (g_test_subprocess ()) {
		static const char broken[] = "<?xml version=\"1.0\"?>\n" LAUGHS
			"<w:document xmlns:w=\"" W_NS "\"><w:body><w:p unclosed=\"x>&undefined;<<</w:body>";
		g_autoptr (mh_document) doc = analyse_docx (broken, NULL, 0);
		g_autoptr (mh_document) flat = office_test_analyse (broken, strlen (broken), "broken.xml", 0);
		static const char word2003[] = "<?xml version=\"1.0\"?><w:wordDocument xmlns:w=\"urn:x\"><w:p></w:wordDocument>";
		g_autoptr (mh_document) w = office_test_analyse (word2003, strlen (word2003), "broken2003.xml", 0);
		g_assert_true (has_problem (doc, "word/document.xml"));
		g_assert_true (flat->problems->len > 0);
		g_assert_true (w->problems->len > 0);
		return;
	}
	g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed ();
	g_test_trap_assert_stderr ("");
}

/* -- Flat OPC and Word 2003 XML ----------------------------------------------- */

static char *
flat_opc_with (const char *extra_parts)
{
	return g_strconcat (
		"<?xml version=\"1.0\" standalone=\"yes\"?>\n<?mso-application progid=\"Word.Document\"?>\n"
		"<pkg:package xmlns:pkg=\"http://schemas.microsoft.com/office/2006/xmlPackage\">"
		"<pkg:part pkg:name=\"/_rels/.rels\" pkg:contentType=\"application/vnd.openxmlformats-package.relationships+xml\">"
		"<pkg:xmlData><Relationships xmlns=\"" REL_NS "\">"
		"<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"word/document.xml\"/>"
		"</Relationships></pkg:xmlData></pkg:part>"
		"<pkg:part pkg:name=\"/word/_rels/settings.xml.rels\" pkg:contentType=\"application/vnd.openxmlformats-package.relationships+xml\">"
		"<pkg:xmlData><Relationships xmlns=\"" REL_NS "\">"
		"<Relationship Id=\"rId1\" Type=\"" RT "attachedTemplate\" Target=\"http://templates.example.invalid/x.dotx\" TargetMode=\"External\"/>"
		"</Relationships></pkg:xmlData></pkg:part>"
		"<pkg:part pkg:name=\"/word/document.xml\" pkg:contentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\">"
		"<pkg:xmlData><w:document xmlns:w=\"" W_NS "\"><w:body><w:p>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>DDEAUTO notepad \"harmless-flat-opc-test\"</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:body></w:document></pkg:xmlData></pkg:part>"
		"<pkg:part pkg:name=\"/docProps/core.xml\" pkg:contentType=\"application/vnd.openxmlformats-package.core-properties+xml\">"
		"<pkg:xmlData><cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
		"xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>Flat Author</dc:creator><dc:title>Flat test</dc:title>"
		"</cp:coreProperties></pkg:xmlData></pkg:part>",
		extra_parts, "</pkg:package>", NULL);
}

static void
test_flat_opc (void)
{
	g_autoptr (GBytes) ole = make_vba_ole ();
	g_autofree char *b64 = g_base64_encode (g_bytes_get_data (ole, NULL), g_bytes_get_size (ole));
	g_autofree char *vba_part = g_strconcat (
		"<pkg:part pkg:name=\"/word/vbaProject.bin\" pkg:contentType=\"application/vnd.ms-office.vbaProject\">"
		"<pkg:binaryData>", b64, "</pkg:binaryData></pkg:part>", NULL);
	g_autofree char *flat = flat_opc_with (vba_part);
	g_assert_true (_mh_is_flat_xml ((const guint8 *) flat, strlen (flat)));
	g_assert_true (mh_office_is_document ((const guint8 *) flat, strlen (flat)));
	g_autoptr (mh_document) doc = office_test_analyse (flat, strlen (flat), "flat.xml", 0);
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "flat-opc");
	const mh_finding *dde = find_finding (doc, "doc.dde", "DDEAUTO notepad \"harmless-flat-opc-test\"");
	g_assert_nonnull (dde);
	g_assert_cmpstr (dde->location, ==, "word/document.xml");
	const mh_finding *t = find_finding (doc, "doc.remote-template", "http://templates.example.invalid/x.dotx");
	g_assert_nonnull (t);
	g_assert_cmpstr (t->location, ==, "word/_rels/settings.xml.rels");
	g_assert_cmpuint (doc->vba_projects->len, ==, 1);
	g_assert_cmpstr (((mh_vba_project *) g_ptr_array_index (doc->vba_projects, 0))->location, ==,
	                 "word/vbaProject.bin");
	g_assert_cmpstr (property (doc, "author"), ==, "Flat Author");
	g_assert_cmpstr (property (doc, "title"), ==, "Flat test");
	g_assert_cmpint (doc->verdict, ==, MH_VERDICT_SUSPICIOUS);
}

static void
test_word2003 (void)
{
	/* "ActiveMime" then junk: the ActiveMime decoder gets it (it may
	 * refuse it; either way the blob is not silently dropped) */
	static const guint8 blob[] = "ActiveMime\0\0\x01\xf0harmless-test-bytes";
	g_autofree char *b64 = g_base64_encode (blob, sizeof blob - 1);
	g_autofree char *xml = g_strconcat (
		"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<?mso-application progid=\"Word.Document\"?>\n"
		"<w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/word/2003/wordml\" "
		"xmlns:o=\"urn:schemas-microsoft-com:office:office\">"
		"<o:DocumentProperties><o:Author>Word 2003 Author</o:Author><o:LastAuthor>Someone Else</o:LastAuthor>"
		"<o:Created>2020-01-02T03:04:00Z</o:Created></o:DocumentProperties>"
		"<w:docPr><w:attachedTemplate w:val=\"https://templates.example.invalid/t.dot\"/></w:docPr>"
		"<w:body><w:p><w:fldSimple w:instr=\" DDEAUTO notepad harmless \"><w:r><w:t>x</w:t></w:r></w:fldSimple>"
		"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>INCLUDETEXT \"http://text.example.invalid/t.txt\"</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
		"<w:p><w:r><w:control w:name=\"CommandButton1\" w:shapeid=\"_x0000_i1025\"/></w:r></w:p></w:body>"
		"<w:docSuppData><w:binData w:name=\"editdata.mso\">", b64, "</w:binData></w:docSuppData>"
		"</w:wordDocument>", NULL);
	g_assert_true (_mh_is_flat_xml ((const guint8 *) xml, strlen (xml)));
	g_autoptr (mh_document) doc = office_test_analyse (xml, strlen (xml), "w2003.xml", 0);
	dump (doc);
	g_assert_cmpstr (doc->format, ==, "word2003-xml");
	g_assert_nonnull (find_finding (doc, "doc.dde", "DDEAUTO notepad harmless"));
	g_assert_nonnull (find_finding (doc, "doc.external-field", "http://text.example.invalid/t.txt"));
	g_assert_nonnull (find_finding (doc, "doc.remote-template", "https://templates.example.invalid/t.dot"));
	g_assert_cmpstr (property (doc, "author"), ==, "Word 2003 Author");
	g_assert_cmpstr (property (doc, "last-saved-by"), ==, "Someone Else");
	g_assert_true (doc->has_controls);
	g_assert_nonnull (find_finding (doc, "doc.activex", "CommandButton1"));
	gboolean child = doc->children->len == 1 &&
	                 strcmp (((mh_document *) g_ptr_array_index (doc->children, 0))->name, "editdata.mso") == 0;
	g_assert_true (child || has_problem (doc, "editdata.mso"));
}

static void
test_is_flat_xml (void)
{
	static const struct {
		const char *text;
		gboolean    expected;
	} cases[] = {
		{ "<?xml version=\"1.0\"?><pkg:package xmlns:pkg=\"http://schemas.microsoft.com/office/2006/xmlPackage\"/>", TRUE },
		{ "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><w:wordDocument xmlns:w=\"urn:x\"/>", TRUE },
		{ "<?xml version=\"1.0\"?><?mso-application progid=\"Word.Document\"?><anything/>", TRUE },
		{ "  <wordDocument/>", TRUE },
		{ "<?xml version=\"1.0\"?><?mso-application progid=\"Excel.Sheet\"?><Workbook/>", FALSE },
		{ "<?xml version=\"1.0\"?><package xmlns=\"http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd\"/>", FALSE },
		{ "<?xml version=\"1.0\"?><root/>", FALSE },
		{ "<html><body>wordDocument</body></html>", FALSE },
		{ "hello <pkg:package", FALSE },
		{ "", FALSE },
		{ "<", FALSE },
		{ "<?xml", FALSE },
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpint (_mh_is_flat_xml ((const guint8 *) cases[i].text, strlen (cases[i].text)), ==,
		                 cases[i].expected);
	/* UTF-16 with a BOM */
	static const char ascii[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><w:wordDocument xmlns:w=\"urn:x\"/>";
	guint8 utf16[2 + 2 * sizeof ascii];
	utf16[0] = 0xFF;
	utf16[1] = 0xFE;
	for (gsize i = 0; i < sizeof ascii; i++) {
		utf16[2 + 2 * i] = (guint8) ascii[i];
		utf16[3 + 2 * i] = 0;
	}
	g_assert_true (_mh_is_flat_xml (utf16, sizeof utf16));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/ooxml/corpus/remote-template", test_remote_template);
	g_test_add_func ("/ooxml/corpus/local-template", test_local_template);
	g_test_add_func ("/ooxml/corpus/normal-template", test_normal_template);
	g_test_add_func ("/ooxml/corpus/subdocument", test_subdocument);
	static const char *const ole_links[] = {
		"oletools/tests/test-data/oleobj/external_link/sample_with_external_link_to_doc.docx",
		"oletools/tests/test-data/oleobj/external_link/sample_with_external_link_to_doc.docm",
		"oletools/tests/test-data/oleobj/external_link/sample_with_external_link_to_doc.dotm",
		"oletools/tests/test-data/oleobj/external_link/sample_with_external_link_to_doc.xlsm",
	};
	for (guint i = 0; i < G_N_ELEMENTS (ole_links); i++) {
		g_autofree char *name = g_strdup_printf ("/ooxml/corpus/external-ole-link/%s", strrchr (ole_links[i], '.') + 1);
		g_test_add_data_func (name, ole_links[i], test_external_ole_link);
	}
	g_test_add_func ("/ooxml/corpus/mail-merge-source", test_mail_merge_source);
	g_test_add_func ("/ooxml/corpus/external-fields", test_external_fields);
	g_test_add_func ("/ooxml/corpus/harmless-clean", test_harmless_clean);
	static const char *const simple_docm[] = { "poi/test-data/document/SimpleMacro.docm", "word/vbaProject.bin", "docm", "Module1" };
	static const char *const simple_xlsm[] = { "poi/test-data/spreadsheet/SimpleMacro.xlsm", "xl/vbaProject.bin", "xlsm", "Module1" };
	g_test_add_data_func ("/ooxml/corpus/vba/docm", simple_docm, test_vba_part);
	g_test_add_data_func ("/ooxml/corpus/vba/xlsm", simple_xlsm, test_vba_part);
	g_test_add_func ("/ooxml/corpus/dotm-without-vba", test_dotm_without_vba);
	g_test_add_func ("/ooxml/corpus/xlm-macro-sheet", test_xlm_macro_sheet);
	g_test_add_func ("/ooxml/corpus/xlm-auto-open", test_xlm_auto_open);
	g_test_add_func ("/ooxml/corpus/embedded-object", test_embedded_object);
	static const char *const template_60316[] = { "poi/test-data/document/60316.docx", "60316.dotx" };
	static const char *const template_checkboxes[] = { "poi/test-data/document/checkboxes.docx", "ICD-10-AM%20Publication%20Styles.DOT" };
	static const char *const template_swedish[] = { TIKA_DOCS "testWORD_no_format.docx", "dbsidig%20för%20GENERELLT" };
	static const char *const template_tika[] = { TIKA_DOCS "testWORD_template.docx", "tika_2163.dotx" };
	g_test_add_data_func ("/ooxml/corpus/local-templates/60316", template_60316, test_local_template_table);
	g_test_add_data_func ("/ooxml/corpus/local-templates/checkboxes", template_checkboxes, test_local_template_table);
	g_test_add_data_func ("/ooxml/corpus/local-templates/non-ascii", template_swedish, test_local_template_table);
	g_test_add_data_func ("/ooxml/corpus/local-templates/tika", template_tika, test_local_template_table);
	static const char *const vba_57181[] = { "poi/test-data/spreadsheet/57181.xlsm", "xl/vbaProject.bin", "xlsm", "DieseArbeitsmappe" };
	g_test_add_data_func ("/ooxml/corpus/vba/57181", vba_57181, test_vba_part);
	g_test_add_func ("/ooxml/corpus/xltm", test_xltm_format);
	g_test_add_func ("/ooxml/corpus/forms", test_forms);

	g_test_add_func ("/ooxml/built/dde-split-runs", test_dde_split_runs);
	g_test_add_func ("/ooxml/built/strict-namespace-and-header", test_strict_namespace_and_header);
	g_test_add_func ("/ooxml/built/vba-by-content-once", test_vba_by_content_once);
	g_test_add_func ("/ooxml/built/activex-controls", test_activex_controls);
	g_test_add_func ("/ooxml/built/hidden-macro-sheet", test_hidden_macro_sheet);
	g_test_add_func ("/ooxml/built/xlsb-macro-sheet", test_xlsb_macro_sheet);
	g_test_add_func ("/ooxml/built/relationship-targets", test_relationship_targets);
	g_test_add_func ("/ooxml/built/caps", test_caps);

	g_test_add_func ("/ooxml/xml/billion-laughs", test_billion_laughs);
	g_test_add_func ("/ooxml/xml/external-entity", test_external_entity);
	g_test_add_func ("/ooxml/xml/errors-silent", test_xml_errors_silent);

	g_test_add_func ("/ooxml/flat/flat-opc", test_flat_opc);
	g_test_add_func ("/ooxml/flat/word2003", test_word2003);
	g_test_add_func ("/ooxml/flat/is-flat-xml", test_is_flat_xml);
	return g_test_run ();
}
