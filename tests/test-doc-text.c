/* The text a reader sees of a document (src/office/ole.c, ooxml.c), which
 * the lure templates are matched against: corpus facts (MANIFEST.tsv),
 * the generated samples (tests/gen-office.c), and small documents built
 * here (benign strings only) for field codes, text boxes, shared strings,
 * the piece table, caps, hidden text and picture-only documents. */
#include "config.h"

#include <string.h>

#include "office-testlib.h"

#define TIKA_DOCS "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/" \
                  "tika-parser-microsoft-module/src/test/resources/test-documents/"

/* -- helpers -------------------------------------------------------------- */






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

static void
dump (const mh_document *doc)
{
	g_printerr ("# text: [%s]\n", doc->text ? doc->text->str : "(none)");
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		g_printerr ("#   %s | %s | %s\n", f->id, f->evidence ? f->evidence : "", f->location ? f->location : "");
	}
	for (guint i = 0; i < doc->problems->len; i++)
		g_printerr ("#   problem: %s\n", (const char *) g_ptr_array_index (doc->problems, i));
}

static gboolean
text_has (const mh_document *doc, const char *needle)
{
	return doc->text && strstr (doc->text->str, needle) != NULL;
}

#define assert_text_has(doc, needle) G_STMT_START { \
	if (!text_has ((doc), (needle))) { dump (doc); g_error ("text lacks \"%s\"", (needle)); } \
} G_STMT_END
#define assert_text_lacks(doc, needle) G_STMT_START { \
	if (text_has ((doc), (needle))) { dump (doc); g_error ("text has \"%s\"", (needle)); } \
} G_STMT_END

/* -- building packages ---------------------------------------------------- */






#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define DOC_OPEN XML_DECL "<w:document xmlns:w=\"" W_NS "\" " \
	"xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" " \
	"xmlns:v=\"urn:schemas-microsoft-com:vml\"><w:body>"
#define DOC_CLOSE "</w:body></w:document>"

static const char docx_types[] = XML_DECL
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	"<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
	"<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
	"<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
	"<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
	"<Override PartName=\"/xl/drawings/drawing1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.drawing+xml\"/>"
	"</Types>";
static const char docx_rels[] = XML_DECL
	"<Relationships xmlns=\"" REL_NS "\">"
	"<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"word/document.xml\"/>"
	"</Relationships>";

/* A docx with @body inside w:body, and an optional header part. */
static mh_document *
analyse_docx (const char *body, const char *header, gsize max_text)
{
	g_autofree char *document = g_strconcat (DOC_OPEN, body, DOC_CLOSE, NULL);
	office_test_member members[4] = {
		{ "[Content_Types].xml", docx_types },
		{ "_rels/.rels", docx_rels },
		{ "word/document.xml", document },
		{ "word/header1.xml", header },
	};
	g_autoptr (GBytes) zip = office_test_make_zip (members, header ? 4 : 3);
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	return office_test_analyse (data, len, "built.docx", max_text);
}

/* A base64-looking string of @n characters (the shape of a hidden payload;
 * it decodes to nothing meaningful). */
static char *
base64_like (gsize n)
{
	static const char alphabet[] = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2Nzg5";
	char *s = g_malloc (n + 1);
	for (gsize i = 0; i < n; i++)
		s[i] = alphabet[(i * 7 + i / 3) % (sizeof alphabet - 1)];
	/* a fixed start the tests look for */
	memcpy (s, "QUJD", MIN (n, 4));
	s[n] = '\0';
	return s;
}

/* -- corpus facts ---------------------------------------------------------- */

static void
test_corpus_45690 (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus ("poi/test-data/document/45690.docm");
	if (!doc)
		return;
	assert_text_has (doc, "2004");
	assert_text_has (doc, "2008");
	assert_text_has (doc, "(120 ");
}

static void
test_corpus_tika_template (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus (TIKA_DOCS "testWORD_template.docx");
	if (!doc)
		return;
	assert_text_has (doc, "Metallica");
	assert_text_has (doc, "Hetfield");
}

static void
test_corpus_tika_macros (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_corpus (TIKA_DOCS "testWORD_macros.docm");
	if (!doc)
		return;
	assert_text_has (doc, "quick");
	g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 0);
}

/* -- generated samples (tests/gen-office.c) --------------------------------- */

#define TEXT_PLAIN "Sample document generated by mailhunt's test suite. It is harmless."

static void
test_sample_plain_docx (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_sample ("plain.docx");
	if (!doc)
		return;
	assert_text_has (doc, TEXT_PLAIN);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 0);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.picture-only"), ==, 0);
}

static void
test_sample_autoopen_doc (void)
{
	g_autoptr (mh_document) doc = office_test_analyse_sample ("autoopen.doc");
	if (!doc)
		return;
	assert_text_has (doc, "This document was created in an earlier version. Enable Content to view it.\n");
	assert_text_has (doc, "(mailhunt test sample \xE2\x80\x94 harmless)");
	g_assert_cmpuint (office_test_count_findings (doc, "doc.picture-only"), ==, 0);
}

static void
test_sample_dde_field (gconstpointer name)
{
	g_autoptr (mh_document) doc = office_test_analyse_sample (name);
	if (!doc)
		return;
	assert_text_has (doc, TEXT_PLAIN);
	/* the field code is not what the reader sees */
	assert_text_lacks (doc, "DDEAUTO");
	assert_text_lacks (doc, "harmless-topic");
	g_assert_cmpuint (office_test_count_findings (doc, "doc.dde"), ==, 1);
}

/* -- OOXML built here --------------------------------------------------------- */

static void
test_docx_paragraphs_fields_textboxes (void)
{
	g_autoptr (mh_document) doc = analyse_docx (
		"<w:p><w:r><w:t>First </w:t></w:r><w:r><w:t>paragraph</w:t></w:r></w:p>"
		"<w:p><w:r><w:t>Second</w:t><w:tab/><w:t>tabbed</w:t></w:r></w:p>"
		/* a field: its code is not shown, its result is */
		"<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
		"<w:r><w:instrText> PAGE \\* MERGEFORMAT </w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
		"<w:r><w:t>FieldResult</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
		/* a text box: its text once, not its VML fallback copy too */
		"<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>"
		"<w:p><w:r><w:t>BoxedWords</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
		"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>BoxedWords</w:t></w:r></w:p>"
		"</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
		"<w:p><w:del><w:r><w:delText>DeletedWords</w:delText></w:r></w:del></w:p>",
		XML_DECL "<w:hdr xmlns:w=\"" W_NS "\"><w:p><w:r><w:t>HeaderWords</w:t></w:r></w:p></w:hdr>", 0);
	assert_text_has (doc, "First paragraph\nSecond\ttabbed\n");
	assert_text_has (doc, "FieldResult");
	assert_text_lacks (doc, "PAGE");
	assert_text_lacks (doc, "MERGEFORMAT");
	assert_text_has (doc, "HeaderWords");
	assert_text_lacks (doc, "DeletedWords");
	const char *first = strstr (doc->text->str, "BoxedWords");
	g_assert_nonnull (first);
	g_assert_null (strstr (first + 1, "BoxedWords"));
	/* the main document comes before the header */
	g_assert_true (strstr (doc->text->str, "First") < strstr (doc->text->str, "HeaderWords"));
	g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 0);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.picture-only"), ==, 0);
}

static void
test_docx_hidden_vanish (void)
{
	g_autofree char *payload = base64_like (300);
	g_autofree char *body = g_strdup_printf (
		"<w:p><w:r><w:t>Invoice attached, see below.</w:t></w:r></w:p>"
		"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>%.150s</w:t></w:r>"
		"<w:r><w:rPr><w:vanish/></w:rPr><w:t>%s</w:t></w:r></w:p>", payload, payload + 150);
	g_autoptr (mh_document) doc = analyse_docx (body, NULL, 0);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 1);
	const mh_finding *f = find_finding (doc, "doc.hidden-text");
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_cmpstr (f->location, ==, "word/document.xml");
	g_assert_true (strncmp (f->evidence, payload, 80) == 0);
	g_assert_nonnull (strstr (f->evidence, "(300 characters)"));
	g_assert_nonnull (strstr (f->summary, "w:vanish"));
	/* hidden text is not what the reader sees */
	assert_text_has (doc, "Invoice attached");
	assert_text_lacks (doc, "QUJD");
}

/* A story is read once as it streams, for fields and text together; the
 * part's field findings still come before its text's (the order of the
 * two walks over a tree), fields after the text cap are still found, and
 * an instrText split over runs makes one field code. */
static void
test_docx_streamed_story (void)
{
	g_autofree char *payload = base64_like (300);
	g_autofree char *body = g_strdup_printf (
		"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>%s</w:t></w:r></w:p>"
		"<w:p><w:r><w:t>Visible words.</w:t></w:r></w:p>"
		"<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
		"<w:r><w:instrText xml:space=\"preserve\"> DDE&#65;UTO c:\\\\windows\\\\system32\\\\cmd.exe </w:instrText></w:r>"
		"<w:r><w:instrText>\"/k harmless-topic\"</w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>Result</w:t></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>", payload);
	g_autoptr (mh_document) doc = analyse_docx (body, NULL, 0);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.dde"), ==, 1);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 1);
	guint dde = G_MAXUINT, hidden = G_MAXUINT;
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, "doc.dde") == 0)
			dde = i;
		else if (strcmp (f->id, "doc.hidden-text") == 0)
			hidden = i;
	}
	g_assert_cmpuint (dde, <, hidden);
	g_assert_nonnull (strstr (find_finding (doc, "doc.dde")->evidence, "harmless-topic"));
	assert_text_has (doc, "Visible words.\n");
	assert_text_has (doc, "Result\n");
	assert_text_lacks (doc, "DDEAUTO");

	/* the text cap reached long before a field at the end of the part */
	GString *many = g_string_new (NULL);
	for (int i = 0; i < 3000; i++)
		g_string_append_printf (many, "<w:p><w:r><w:t>Paragraph %04d of filler.</w:t></w:r></w:p>", i);
	g_string_append (many, "<w:p><w:fldSimple w:instr=\" DDEAUTO cmd.exe &quot;/k harmless-topic&quot; \">"
	                       "<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>");
	g_autoptr (mh_document) capped = analyse_docx (many->str, NULL, 200);
	g_string_free (many, TRUE);
	g_assert_true (capped->text_truncated);
	assert_text_has (capped, "Paragraph 0000 of filler.\n");
	assert_text_lacks (capped, "Paragraph 2999");
	g_assert_cmpuint (office_test_count_findings (capped, "doc.dde"), ==, 1);
}

static void
test_docx_hidden_white_and_tiny (void)
{
	g_autofree char *payload = base64_like (250);
	const char *props[] = {
		"<w:color w:val=\"FFFFFF\"/>",
		"<w:color w:val=\"f0f5fa\"/>",
		"<w:sz w:val=\"2\"/>",
	};
	for (guint i = 0; i < G_N_ELEMENTS (props); i++) {
		g_autofree char *body = g_strdup_printf (
			"<w:p><w:r><w:t>Dear customer</w:t></w:r><w:r><w:rPr>%s</w:rPr><w:t>%s</w:t></w:r></w:p>",
			props[i], payload);
		g_autoptr (mh_document) doc = analyse_docx (body, NULL, 0);
		if (office_test_count_findings (doc, "doc.hidden-text") != 1)
			dump (doc);
		g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 1);
		assert_text_lacks (doc, "QUJD");
	}
	/* not hidden: a grey colour, a readable size, vanish switched off, a
	 * short hidden run */
	const char *visible[] = {
		"<w:color w:val=\"EFFFFF\"/>",
		"<w:color w:val=\"auto\"/>",
		"<w:sz w:val=\"20\"/>",
		"<w:vanish w:val=\"0\"/>",
	};
	for (guint i = 0; i < G_N_ELEMENTS (visible); i++) {
		g_autofree char *body = g_strdup_printf (
			"<w:p><w:r><w:rPr>%s</w:rPr><w:t>%s</w:t></w:r></w:p>", visible[i], payload);
		g_autoptr (mh_document) doc = analyse_docx (body, NULL, 0);
		g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 0);
		assert_text_has (doc, "QUJD");
	}
	g_autoptr (mh_document) shortdoc = analyse_docx (
		"<w:p><w:r><w:t>Text</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>a hidden bookmark note</w:t></w:r></w:p>",
		NULL, 0);
	g_assert_cmpuint (office_test_count_findings (shortdoc, "doc.hidden-text"), ==, 0);
	assert_text_lacks (shortdoc, "bookmark");
	/* a short white label (white on a dark shading is readable) stays in
	 * the text, in its own paragraph */
	g_autoptr (mh_document) label = analyse_docx (
		"<w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>WhiteLabel</w:t></w:r></w:p>"
		"<w:p><w:r><w:t>Value</w:t></w:r></w:p>", NULL, 0);
	assert_text_has (label, "WhiteLabel\nValue\n");
	g_assert_cmpuint (office_test_count_findings (label, "doc.hidden-text"), ==, 0);
}

static void
test_docx_picture_only (void)
{
	g_autoptr (mh_document) doc = analyse_docx (
		"<w:p><w:r><w:drawing><wp:inline xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\"/>"
		"</w:drawing></w:r></w:p><w:p><w:r><w:t>  </w:t></w:r></w:p>", NULL, 0);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.picture-only"), ==, 1);
	g_assert_cmpint (find_finding (doc, "doc.picture-only")->severity, ==, MH_SEVERITY_LOW);

	g_autoptr (mh_document) vml = analyse_docx (
		"<w:p><w:r><w:pict><v:shape><v:imagedata/></v:shape></w:pict></w:r></w:p>", NULL, 0);
	g_assert_cmpuint (office_test_count_findings (vml, "doc.picture-only"), ==, 1);

	/* a picture in a document with text is just a picture */
	g_autoptr (mh_document) text = analyse_docx (
		"<w:p><w:r><w:drawing/></w:r></w:p>"
		"<w:p><w:r><w:t>The quarterly report shows the figures for every region in detail.</w:t></w:r></w:p>",
		NULL, 0);
	g_assert_cmpuint (office_test_count_findings (text, "doc.picture-only"), ==, 0);
	/* and a short document without a picture is just short */
	g_autoptr (mh_document) none = analyse_docx ("<w:p><w:r><w:t>Hi</w:t></w:r></w:p>", NULL, 0);
	g_assert_cmpuint (office_test_count_findings (none, "doc.picture-only"), ==, 0);
}

static void
test_docx_text_cap (void)
{
	g_autofree char *words = base64_like (500);
	g_autofree char *body = g_strdup_printf ("<w:p><w:r><w:t>%s</w:t></w:r></w:p>"
	                                         "<w:p><w:r><w:t>more</w:t></w:r></w:p>", words);
	g_autoptr (mh_document) doc = analyse_docx (body, NULL, 100);
	g_assert_true (doc->text_truncated);
	g_assert_nonnull (doc->text);
	g_assert_cmpuint (doc->text->len, <=, 100);
	g_autoptr (mh_document) whole = analyse_docx (body, NULL, 0);
	g_assert_false (whole->text_truncated);
	assert_text_has (whole, "more");
}

static void
test_xlsx_strings (void)
{
	office_test_member members[] = {
		{ "[Content_Types].xml", docx_types },
		{ "_rels/.rels", XML_DECL "<Relationships xmlns=\"" REL_NS "\">"
		  "<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>" },
		{ "xl/workbook.xml", XML_DECL "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>" },
		{ "xl/sharedStrings.xml", XML_DECL
		  "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"2\" uniqueCount=\"2\">"
		  "<si><t>PlainShared</t></si>"
		  "<si><r><t>Rich</t></r><r><rPr><b/></rPr><t>Runs</t></r><rPh><t>PhoneticGuide</t></rPh></si></sst>" },
		{ "xl/worksheets/sheet1.xml", XML_DECL
		  "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
		  "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>InlineCell</t></is></c>"
		  "<c r=\"B1\" t=\"str\"><f>CONCATENATE(\"Formula\",\"Result\")</f><v>FormulaResult</v></c>"
		  "<c r=\"C1\"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>" },
		/* a text box drawn on the sheet: where an Excel lure's words can be */
		{ "xl/drawings/drawing1.xml", XML_DECL
		  "<xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\" "
		  "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><xdr:twoCellAnchor><xdr:sp>"
		  "<xdr:txBody><a:p><a:r><a:t>TextBox</a:t></a:r><a:r><a:t>OnSheet</a:t></a:r></a:p></xdr:txBody>"
		  "</xdr:sp></xdr:twoCellAnchor></xdr:wsDr>" },
	};
	g_autoptr (GBytes) zip = office_test_make_zip (members, G_N_ELEMENTS (members));
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	g_autoptr (mh_document) doc = office_test_analyse (data, len, "built.xlsx", 0);
	assert_text_has (doc, "PlainShared\n");
	assert_text_has (doc, "RichRuns\n");
	assert_text_has (doc, "InlineCell\n");
	assert_text_has (doc, "FormulaResult\n");
	assert_text_has (doc, "TextBoxOnSheet\n");
	assert_text_lacks (doc, "PhoneticGuide");
	assert_text_lacks (doc, "CONCATENATE");
}


/* Cell text is streamed, not built into a tree: entities, character
 * references (in text and in the t attribute), CDATA and text inside an
 * element under t are read as the tree gave them; the same parts in a
 * Flat OPC file (already a tree) give the same text. */
#define SHEET_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
static gboolean has_problem (const mh_document *doc, const char *substring);

static const char streamed_strings[] =
	"<sst xmlns=\"" SHEET_NS "\">"
	"<si><t>Tom &amp; Jerry &#x41;&#66;</t></si>"
	"<si><t><![CDATA[<Enable> Content]]></t></si>"
	"<si><t>out<x:i xmlns:x=\"urn:x\">er</x:i>side</t></si>"
	"<si><r><t>Ri</t></r><r><rPr><b/></rPr><t>ch</t></r><rPh><t>NotThis</t></rPh></si></sst>";
static const char streamed_sheet[] =
	"<worksheet xmlns=\"" SHEET_NS "\"><sheetData><row r=\"1\">"
	"<c r=\"A1\" t=\"inlineStr\"><is><t>Inline1</t></is></c>"
	"<c r=\"B1\" t=\"&#115;tr\"><v>Result&amp;1</v></c>"
	"<c r=\"C1\" t=\"n\"><v>NotText</v></c>"
	"<c r=\"D1\" t=\"str\"><f>A1</f><v><![CDATA[Cd]]>ata</v></c>"
	"</row></sheetData></worksheet>";

static void
assert_streamed_text (const mh_document *doc)
{
	assert_text_has (doc, "Tom & Jerry AB\n");
	assert_text_has (doc, "<Enable> Content\n");
	assert_text_has (doc, "outerside\n");
	assert_text_has (doc, "Rich\n");
	assert_text_has (doc, "Inline1\n");
	assert_text_has (doc, "Result&1\n");
	assert_text_has (doc, "Cdata\n");
	assert_text_lacks (doc, "NotThis");
	assert_text_lacks (doc, "NotText");
	assert_text_lacks (doc, "A1\n");
}

static void
test_xlsx_streamed (void)
{
	g_autofree char *strings = g_strconcat (XML_DECL, streamed_strings, NULL);
	g_autofree char *sheet = g_strconcat (XML_DECL, streamed_sheet, NULL);
	office_test_member members[] = {
		{ "[Content_Types].xml", docx_types },
		{ "xl/sharedStrings.xml", strings },
		{ "xl/worksheets/sheet1.xml", sheet },
	};
	g_autoptr (GBytes) zip = office_test_make_zip (members, G_N_ELEMENTS (members));
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	g_autoptr (mh_document) doc = office_test_analyse (data, len, "built.xlsx", 0);
	assert_streamed_text (doc);
	for (guint i = 0; i < doc->problems->len; i++)
		g_printerr ("# problem: %s\n", (char *) g_ptr_array_index (doc->problems, i));
	g_assert_false (has_problem (doc, "XML"));

	g_autofree char *flat = g_strconcat (
		XML_DECL "<pkg:package xmlns:pkg=\"http://schemas.microsoft.com/office/2006/xmlPackage\">"
		"<pkg:part pkg:name=\"/xl/sharedStrings.xml\" pkg:contentType=\""
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"><pkg:xmlData>",
		streamed_strings, "</pkg:xmlData></pkg:part>"
		"<pkg:part pkg:name=\"/xl/worksheets/sheet1.xml\" pkg:contentType=\""
		"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"><pkg:xmlData>",
		streamed_sheet, "</pkg:xmlData></pkg:part></pkg:package>", NULL);
	g_autoptr (mh_document) fdoc = office_test_analyse (flat, strlen (flat), "flat.xml", 0);
	g_assert_cmpstr (fdoc->format, ==, "flat-opc");
	assert_streamed_text (fdoc);
}

/* A sheet cut off early still gives the strings before the break, and
 * says the XML is malformed; once the text cap is reached the rest of
 * the sheet is not read (a large sheet is not parsed to its end). */
static void
test_xlsx_streamed_damage (void)
{
	office_test_member broken[] = {
		{ "[Content_Types].xml", docx_types },
		{ "xl/sharedStrings.xml", XML_DECL "<sst xmlns=\"" SHEET_NS "\"><si><t>BeforeBreak</t></si><si><t>Cut" },
	};
	g_autoptr (GBytes) zip = office_test_make_zip (broken, G_N_ELEMENTS (broken));
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	g_autoptr (mh_document) doc = office_test_analyse (data, len, "broken.xlsx", 0);
	assert_text_has (doc, "BeforeBreak\n");
	g_assert_true (has_problem (doc, "xl/sharedStrings.xml: malformed XML"));

	GString *sheet = g_string_new (XML_DECL "<worksheet xmlns=\"" SHEET_NS "\"><sheetData><row r=\"1\">");
	for (int i = 0; i < 2000; i++)
		g_string_append_printf (sheet, "<c t=\"inlineStr\"><is><t>cell%04d</t></is></c>", i);
	g_string_append (sheet, "</row><unclosed>");
	office_test_member big[] = {
		{ "[Content_Types].xml", docx_types },
		{ "xl/worksheets/sheet1.xml", sheet->str },
	};
	g_autoptr (GBytes) bigzip = office_test_make_zip (big, G_N_ELEMENTS (big));
	data = g_bytes_get_data (bigzip, &len);
	g_autoptr (mh_document) capped = office_test_analyse (data, len, "big.xlsx", 100);
	g_string_free (sheet, TRUE);
	assert_text_has (capped, "cell0000\n");
	assert_text_lacks (capped, "cell1999");
	g_assert_true (capped->text_truncated);
	/* the damage after the cap is never reached */
	g_assert_false (has_problem (capped, "malformed"));

	/* a reference to an entity in an attribute is left out, as the tree
	 * left it out (a node of its own): t="str&e;" reads as "str", and an
	 * ampersand stays one */
	office_test_member entity[] = {
		{ "[Content_Types].xml", docx_types },
		{ "xl/worksheets/sheet1.xml", XML_DECL "<!DOCTYPE worksheet [<!ENTITY e \"\">]>"
		  "<worksheet xmlns=\"" SHEET_NS "\"><sheetData><row r=\"1\">"
		  "<c r=\"A1\" t=\"str&e;\"><v>EntityCell</v></c>"
		  "<c r=\"B1\" t=\"st&#38;r\"><v>AmpCell</v></c></row></sheetData></worksheet>" },
	};
	g_autoptr (GBytes) entzip = office_test_make_zip (entity, G_N_ELEMENTS (entity));
	data = g_bytes_get_data (entzip, &len);
	g_autoptr (mh_document) ent = office_test_analyse (data, len, "entity.xlsx", 0);
	assert_text_has (ent, "EntityCell\n");
	assert_text_lacks (ent, "AmpCell");
	g_assert_true (has_problem (ent, "has a DTD"));
}

static void
test_word2003_xml (void)
{
	g_autofree char *payload = base64_like (220);
	g_autofree char *xml = g_strdup_printf (
		"<?xml version=\"1.0\"?>\n<?mso-application progid=\"Word.Document\"?>\n"
		"<w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/word/2003/wordml\"><w:body>"
		"<w:p><w:r><w:t>Word2003Words</w:t></w:r></w:p>"
		"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>%s</w:t></w:r></w:p></w:body></w:wordDocument>", payload);
	g_autoptr (mh_document) doc = office_test_analyse (xml, strlen (xml), "built.xml", 0);
	assert_text_has (doc, "Word2003Words\n");
	assert_text_lacks (doc, "QUJD");
	g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 1);
}

static void
test_pptx_slides (void)
{
	office_test_member members[] = {
		{ "[Content_Types].xml", XML_DECL
		  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		  "<Override PartName=\"/ppt/presentation.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml\"/>"
		  "<Override PartName=\"/ppt/slides/slide1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.slide+xml\"/>"
		  "</Types>" },
		{ "_rels/.rels", XML_DECL "<Relationships xmlns=\"" REL_NS "\">"
		  "<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"ppt/presentation.xml\"/></Relationships>" },
		{ "ppt/presentation.xml", XML_DECL "<p:presentation xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"/>" },
		{ "ppt/slides/slide1.xml", XML_DECL
		  "<p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
		  "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><p:cSld><p:spTree><p:sp><p:txBody>"
		  "<a:p><a:r><a:t>Slide </a:t></a:r><a:r><a:t>title</a:t></a:r></a:p><a:p><a:r><a:t>Second line</a:t></a:r></a:p>"
		  "</p:txBody></p:sp></p:spTree></p:cSld></p:sld>" },
	};
	g_autoptr (GBytes) zip = office_test_make_zip (members, G_N_ELEMENTS (members));
	gsize len;
	const guint8 *data = g_bytes_get_data (zip, &len);
	g_autoptr (mh_document) doc = office_test_analyse (data, len, "built.pptx", 0);
	assert_text_has (doc, "Slide title\nSecond line\n");
}

/* -- OLE2 documents built here ---------------------------------------------- */

typedef struct {
	const char   *name;
	const guint8 *data;
	gsize         len;
} ole_stream;

static GBytes *
make_ole (const ole_stream *streams, guint n)
{
	GsfOutput *mem = gsf_output_memory_new ();
	GsfOutfile *ole = gsf_outfile_msole_new (mem);
	for (guint i = 0; i < n; i++) {
		GsfOutput *child = gsf_outfile_new_child (ole, streams[i].name, FALSE);
		gsf_output_write (child, streams[i].len, streams[i].data);
		gsf_output_close (child);
		g_object_unref (child);
	}
	gsf_output_close (GSF_OUTPUT (ole));
	g_object_unref (ole);
	GBytes *bytes = g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (mem)),
	                             (gsize) gsf_output_size (mem));
	g_object_unref (mem);
	return bytes;
}

typedef struct {
	const guint8 *text;   /* CP1252 bytes, or UTF-16LE code units */
	gsize         chars;
	gboolean      compressed;
	guint32       fc_override;  /* non-zero: a damaged file position */
} word_piece;

#define DOC_TEXT_AT 0x400

/* When set, the max_stream_size the built documents are read with. */
static gsize word_max_stream;

/* A Word 97 document: a FIB (MS-DOC 2.5.1) naming 1Table, the pieces'
 * text in WordDocument from 0x400, and a Clx with one PlcPcd. */
/* @chpx (a Chpx: cb then sprms), when given, is the character
 * properties of the first piece (one ChpxFkp page, one PlcBteChpx). */
static mh_document *
analyse_word_props (const word_piece *pieces, guint n, guint32 clx_lcb_override, const guint8 *chpx)
{
	GByteArray *wd = g_byte_array_new ();
	g_byte_array_set_size (wd, DOC_TEXT_AT);
	memset (wd->data, 0, DOC_TEXT_AT);
	wd->data[0] = 0xEC; wd->data[1] = 0xA5;           /* wIdent */
	wd->data[2] = 0xC1; wd->data[3] = 0x00;           /* nFib */
	wd->data[0x0A] = 0x00; wd->data[0x0B] = 0x02;     /* fWhichTblStm */
	gsize off = 32;
	wd->data[off] = 14;                               /* csw */
	off += 2 + 28;
	wd->data[off] = 22;                               /* cslw */
	off += 2 + 88;
	wd->data[off] = 93;                               /* cbRgFcLcb */
	gsize fclcb = off + 2;

	guint32 fcs[16];
	g_assert_cmpuint (n, <=, 16);
	for (guint i = 0; i < n; i++) {
		gsize at = wd->len;
		fcs[i] = pieces[i].compressed ? (guint32) (at * 2) | 0x40000000u : (guint32) at;
		if (pieces[i].fc_override)
			fcs[i] = pieces[i].fc_override;
		g_byte_array_append (wd, pieces[i].text, (guint) (pieces[i].chars * (pieces[i].compressed ? 1 : 2)));
	}
	GByteArray *table = g_byte_array_new ();
	g_byte_array_append (table, (const guint8 *) "\0\0\0\0", 4);
	guint32 clx_at = table->len;
	GByteArray *plc = g_byte_array_new ();
	guint32 cp = 0;
	office_test_put32 (plc, 0);
	for (guint i = 0; i < n; i++) {
		cp += (guint32) pieces[i].chars;
		office_test_put32 (plc, cp);
	}
	for (guint i = 0; i < n; i++) {
		office_test_put16 (plc, 0);
		office_test_put32 (plc, fcs[i]);
		office_test_put16 (plc, 0);
	}
	guint8 clxt = 2;
	g_byte_array_append (table, &clxt, 1);
	office_test_put32 (table, plc->len);
	g_byte_array_append (table, plc->data, plc->len);
	guint32 clx_lcb = clx_lcb_override ? clx_lcb_override : table->len - clx_at;
	g_byte_array_unref (plc);
	if (chpx) {
		guint32 fc_start = DOC_TEXT_AT;
		guint32 fc_end = DOC_TEXT_AT + (guint32) (pieces[0].chars * (pieces[0].compressed ? 1 : 2));
		while (wd->len % 512)
			g_byte_array_append (wd, (const guint8 *) "", 1);
		guint32 pn = wd->len / 512;
		guint8 page[512] = { 0 };
		page[511] = 1;  /* crun */
		for (int k = 0; k < 4; k++) {
			page[k] = (fc_start >> (8 * k)) & 0xFF;
			page[4 + k] = (fc_end >> (8 * k)) & 0xFF;
		}
		page[8] = 0x100 / 2;  /* rgb[0]: the Chpx at 0x100 */
		memcpy (page + 0x100, chpx, 1 + chpx[0]);
		g_byte_array_append (wd, page, 512);
		guint32 bte_at = table->len;
		office_test_put32 (table, fc_start); office_test_put32 (table, fc_end); office_test_put32 (table, pn);
		guint8 *bte = wd->data + fclcb + 12 * 8;
		for (int k = 0; k < 4; k++) {
			bte[k] = (bte_at >> (8 * k)) & 0xFF;
			bte[4 + k] = (12u >> (8 * k)) & 0xFF;
		}
	}
	/* fcClx, lcbClx: pair 33 of FibRgFcLcb97 */
	guint8 *pair = wd->data + fclcb + 33 * 8;
	for (int k = 0; k < 4; k++) {
		pair[k] = (clx_at >> (8 * k)) & 0xFF;
		pair[4 + k] = (clx_lcb >> (8 * k)) & 0xFF;
	}
	ole_stream streams[] = {
		{ "WordDocument", wd->data, wd->len },
		{ "1Table", table->data, table->len },
	};
	g_autoptr (GBytes) ole = make_ole (streams, 2);
	g_byte_array_unref (wd);
	g_byte_array_unref (table);
	gsize len;
	const guint8 *data = g_bytes_get_data (ole, &len);
	if (word_max_stream) {
		mh_office_options options;
		mh_office_options_init_default (&options);
		options.limits.max_stream_size = word_max_stream;
		return mh_document_analyse (data, len, "built.doc", &options);
	}
	return office_test_analyse (data, len, "built.doc", 0);
}

static mh_document *
analyse_word (const word_piece *pieces, guint n, guint32 clx_lcb_override)
{
	return analyse_word_props (pieces, n, clx_lcb_override, NULL);
}

static void
test_doc_hidden_text (void)
{
	g_autofree char *payload = base64_like (300);
	static const char visible[] = "Please read the invoice below.\r";
	word_piece pieces[] = {
		{ (const guint8 *) payload, 300, TRUE, 0 },
		{ (const guint8 *) visible, sizeof visible - 1, TRUE, 0 },
	};
	/* sprmCFVanish on, sprmCIco white, sprmCCv near-white, sprmCHps 2 pt */
	static const guint8 vanish[] = { 3, 0x3C, 0x08, 0x01 };
	static const guint8 white[] = { 3, 0x42, 0x2A, 0x08 };
	static const guint8 near_white[] = { 6, 0x70, 0x68, 0xF8, 0xF8, 0xF0, 0x00 };
	static const guint8 tiny[] = { 4, 0x43, 0x4A, 0x04, 0x00 };
	const guint8 *props[] = { vanish, white, near_white, tiny };
	for (guint i = 0; i < G_N_ELEMENTS (props); i++) {
		g_autoptr (mh_document) doc = analyse_word_props (pieces, 2, 0, props[i]);
		if (office_test_count_findings (doc, "doc.hidden-text") != 1)
			dump (doc);
		g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 1);
		const mh_finding *f = find_finding (doc, "doc.hidden-text");
		g_assert_true (strncmp (f->evidence, payload, 80) == 0);
		g_assert_nonnull (strstr (f->evidence, "(300 characters)"));
		assert_text_has (doc, "Please read the invoice below.");
		assert_text_lacks (doc, "QUJD");
	}
	/* a short white label stays in the text */
	static const char label_text[] = "WhiteLabel\r";
	word_piece label_pieces[] = {
		{ (const guint8 *) label_text, sizeof label_text - 1, TRUE, 0 },
		{ (const guint8 *) visible, sizeof visible - 1, TRUE, 0 },
	};
	g_autoptr (mh_document) label = analyse_word_props (label_pieces, 2, 0, white);
	assert_text_has (label, "WhiteLabel\nPlease read");
	g_assert_cmpuint (office_test_count_findings (label, "doc.hidden-text"), ==, 0);
	/* a readable size and vanish off: the text is visible */
	static const guint8 normal[] = { 7, 0x43, 0x4A, 0x18, 0x00, 0x3C, 0x08, 0x00 };
	g_autoptr (mh_document) doc = analyse_word_props (pieces, 2, 0, normal);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.hidden-text"), ==, 0);
	assert_text_has (doc, "QUJD");
}

static void
test_doc_pieces (void)
{
	/* CP1252 with the 0x80-0x9F mapping (0x93/0x94 are curly quotes), a
	 * field whose code is dropped and result kept, a cell mark, a picture
	 * placeholder */
	static const char compressed[] =
		"Hello \x93quoted\x94 world\r"
		"\x13 HYPERLINK \"http://example.invalid/\" \x14Linked\x15 text\x07" "cell\x0b" "next\r\x01\r";
	g_autofree gunichar2 *wide = g_utf8_to_utf16 ("\xC3\x9C" "bersicht r\xC3\xA9sum\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\r",
	                                              -1, NULL, NULL, NULL);
	glong wide_len = 0;
	while (wide[wide_len])
		wide_len++;
	GByteArray *wide_le = g_byte_array_new ();
	for (glong i = 0; i < wide_len; i++)
		office_test_put16 (wide_le, wide[i]);
	word_piece pieces[] = {
		{ (const guint8 *) compressed, sizeof compressed - 1, TRUE, 0 },
		{ wide_le->data, (gsize) wide_len, FALSE, 0 },
	};
	g_autoptr (mh_document) doc = analyse_word (pieces, 2, 0);
	g_byte_array_unref (wide_le);
	assert_text_has (doc, "Hello \xE2\x80\x9Cquoted\xE2\x80\x9D world\n");
	assert_text_has (doc, "Linked text\ncell\nnext\n");
	assert_text_lacks (doc, "HYPERLINK");
	assert_text_lacks (doc, "example.invalid");
	assert_text_has (doc, "\xC3\x9C" "bersicht r\xC3\xA9sum\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\n");
	g_assert_cmpuint (office_test_count_findings (doc, "doc.picture-only"), ==, 0);
}

static void
test_doc_picture_only (void)
{
	static const char picture[] = "\x01\rClick above\r";
	word_piece pieces[] = { { (const guint8 *) picture, sizeof picture - 1, TRUE, 0 } };
	g_autoptr (mh_document) doc = analyse_word (pieces, 1, 0);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.picture-only"), ==, 1);
	assert_text_has (doc, "Click above");

	static const char words[] = "Short note without a picture\r";
	word_piece plain[] = { { (const guint8 *) words, sizeof words - 1, TRUE, 0 } };
	g_autoptr (mh_document) none = analyse_word (plain, 1, 0);
	g_assert_cmpuint (office_test_count_findings (none, "doc.picture-only"), ==, 0);
}

static gboolean
has_problem (const mh_document *doc, const char *substring)
{
	for (guint i = 0; i < doc->problems->len; i++)
		if (strstr (g_ptr_array_index (doc->problems, i), substring))
			return TRUE;
	return FALSE;
}

/* The visible characters that decide doc.picture-only: spaces do not
 * count, a character of several bytes counts once, field codes not at all
 * (the text is read in runs; each of these decides the count). */
static void
test_doc_visible_count (void)
{
	/* 39 visible characters: 20 letters, 12 of Japanese (UTF-16), 7 in a
	 * field result, with spaces between, and the picture */
	static const char head[] = "\x01\rab cd   ef gh ij kl mn op qr st \x13 PAGE \x14" "1234567\x15 ";
	g_autofree gunichar2 *wide = g_utf8_to_utf16 ("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE3\x81\x82"
	                                              "\xE3\x81\x84\xE3\x81\x86\xE3\x81\x88\xE3\x81\x8A"
	                                              " \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE6\x9C\xAC", -1, NULL, NULL, NULL);
	GByteArray *wide_le = g_byte_array_new ();
	glong wide_len = 0;
	for (; wide[wide_len]; wide_len++)
		office_test_put16 (wide_le, wide[wide_len]);
	word_piece pieces[] = {
		{ (const guint8 *) head, sizeof head - 1, TRUE, 0 },
		{ wide_le->data, (gsize) wide_len, FALSE, 0 },
		{ (const guint8 *) "\r", 1, TRUE, 0 },
	};
	g_autoptr (mh_document) doc = analyse_word (pieces, 3, 0);
	g_assert_cmpuint (office_test_count_findings (doc, "doc.picture-only"), ==, 1);
	g_assert_nonnull (strstr (find_finding (doc, "doc.picture-only")->summary, "only 39 characters"));
	assert_text_lacks (doc, "PAGE");
	/* one letter more is past the threshold of 40 */
	static const char more[] = "\x01\rab cd   ef gh ij kl mn op qr st \x13 PAGE \x14" "1234567\x15 x";
	pieces[0] = (word_piece) { (const guint8 *) more, sizeof more - 1, TRUE, 0 };
	g_autoptr (mh_document) past = analyse_word (pieces, 3, 0);
	g_byte_array_unref (wide_le);
	g_assert_cmpuint (office_test_count_findings (past, "doc.picture-only"), ==, 0);
}

/* The text of a document is cut at max_stream_size bytes, inside a run of
 * ASCII as anywhere: three pieces share one text of 2,000 bytes, so that
 * the text (6,000 bytes) outgrows streams that are under the cap. */
static void
test_doc_text_cap (void)
{
	g_autofree char *body = g_strnfill (2000, 'x');
	word_piece pieces[3];
	for (int i = 0; i < 3; i++)
		pieces[i] = (word_piece) { (const guint8 *) body, 2000, TRUE, i ? 0x40000000u | (DOC_TEXT_AT * 2) : 0 };
	word_max_stream = 4500;
	g_autoptr (mh_document) doc = analyse_word (pieces, 3, 0);
	word_max_stream = 0;
	g_assert_true (has_problem (doc, "document text cut at 4500 bytes"));
	gsize xs = 0;
	for (const char *c = doc->text->str; *c; c++)
		xs += *c == 'x';
	g_assert_cmpuint (xs, ==, 4500);
}

static void
test_doc_damaged (void)
{
	static const char good[] = "Readable piece\r";
	static const char bad[] = "Unreadable piece\r";
	/* a piece pointing past the WordDocument stream: a problem, the other
	 * piece is still read */
	word_piece pieces[] = {
		{ (const guint8 *) bad, sizeof bad - 1, TRUE, 0x40000000u | 0x3FFFFFF0u },
		{ (const guint8 *) good, sizeof good - 1, TRUE, 0 },
	};
	g_autoptr (mh_document) doc = analyse_word (pieces, 2, 0);
	assert_text_has (doc, "Readable piece");
	g_assert_true (has_problem (doc, "text piece"));
	/* a Clx longer than the table stream */
	g_autoptr (mh_document) cut = analyse_word (pieces + 1, 1, 0x7FFFFFF0u);
	g_assert_true (has_problem (cut, "piece table"));
	g_assert_false (text_has (cut, "Readable"));
}

/* A BIFF record */
static void
biff_record (GByteArray *out, guint16 type, const GByteArray *body)
{
	office_test_put16 (out, type);
	office_test_put16 (out, body->len);
	g_byte_array_append (out, body->data, body->len);
}

static void
test_xls_strings (void)
{
	GByteArray *wb = g_byte_array_new ();
	GByteArray *r = g_byte_array_new ();
	/* BOF, BIFF8 workbook globals */
	office_test_put16 (r, 0x0600); office_test_put16 (r, 0x0005); office_test_put16 (r, 0); office_test_put16 (r, 0); office_test_put32 (r, 0); office_test_put32 (r, 0);
	biff_record (wb, 0x0809, r);
	/* SST: "Alpha"; "Bravo!" with one rich-text run; a string that begins
	 * 8-bit and continues 16-bit in a CONTINUE record */
	g_byte_array_set_size (r, 0);
	office_test_put32 (r, 3); office_test_put32 (r, 3);
	office_test_put16 (r, 5); g_byte_array_append (r, (const guint8 *) "\x00" "Alpha", 6);
	office_test_put16 (r, 6); g_byte_array_append (r, (const guint8 *) "\x08", 1); office_test_put16 (r, 1);
	g_byte_array_append (r, (const guint8 *) "Bravo!", 6); office_test_put32 (r, 0x00010002);
	office_test_put16 (r, 12); g_byte_array_append (r, (const guint8 *) "\x00" "Charlie", 8);
	biff_record (wb, 0x00FC, r);
	g_byte_array_set_size (r, 0);
	g_byte_array_append (r, (const guint8 *) "\x01", 1);
	const char *rest = "-wide";
	for (const char *c = rest; *c; c++)
		office_test_put16 (r, (guint8) *c);
	biff_record (wb, 0x003C, r);
	g_byte_array_set_size (r, 0);
	biff_record (wb, 0x000A, r);
	/* a sheet with a LABEL cell */
	office_test_put16 (r, 0x0600); office_test_put16 (r, 0x0010); office_test_put16 (r, 0); office_test_put16 (r, 0); office_test_put32 (r, 0); office_test_put32 (r, 0);
	biff_record (wb, 0x0809, r);
	g_byte_array_set_size (r, 0);
	office_test_put16 (r, 0); office_test_put16 (r, 0); office_test_put16 (r, 15);
	office_test_put16 (r, 9); g_byte_array_append (r, (const guint8 *) "\x00" "LabelCell", 10);
	biff_record (wb, 0x0204, r);
	g_byte_array_set_size (r, 0);
	biff_record (wb, 0x000A, r);

	ole_stream streams[] = { { "Workbook", wb->data, wb->len } };
	g_autoptr (GBytes) ole = make_ole (streams, 1);
	g_byte_array_unref (wb);
	g_byte_array_unref (r);
	gsize len;
	const guint8 *data = g_bytes_get_data (ole, &len);
	g_autoptr (mh_document) doc = office_test_analyse (data, len, "built.xls", 0);
	assert_text_has (doc, "Alpha\nBravo!\nCharlie-wide\n");
	assert_text_has (doc, "LabelCell\n");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/doc-text/corpus/poi-45690", test_corpus_45690);
	g_test_add_func ("/doc-text/corpus/tika-template", test_corpus_tika_template);
	g_test_add_func ("/doc-text/corpus/tika-macros", test_corpus_tika_macros);
	g_test_add_func ("/doc-text/sample/plain-docx", test_sample_plain_docx);
	g_test_add_func ("/doc-text/sample/autoopen-doc", test_sample_autoopen_doc);
	g_test_add_data_func ("/doc-text/sample/dde-field-doc", "dde_field.doc", test_sample_dde_field);
	g_test_add_data_func ("/doc-text/sample/dde-field-docx", "dde_field.docx", test_sample_dde_field);
	g_test_add_func ("/doc-text/docx/paragraphs-fields-textboxes", test_docx_paragraphs_fields_textboxes);
	g_test_add_func ("/doc-text/docx/hidden-vanish", test_docx_hidden_vanish);
	g_test_add_func ("/doc-text/docx/streamed-story", test_docx_streamed_story);
	g_test_add_func ("/doc-text/docx/hidden-white-tiny", test_docx_hidden_white_and_tiny);
	g_test_add_func ("/doc-text/docx/picture-only", test_docx_picture_only);
	g_test_add_func ("/doc-text/docx/text-cap", test_docx_text_cap);
	g_test_add_func ("/doc-text/xlsx/strings", test_xlsx_strings);
	g_test_add_func ("/doc-text/xlsx/streamed", test_xlsx_streamed);
	g_test_add_func ("/doc-text/xlsx/streamed-damage", test_xlsx_streamed_damage);
	g_test_add_func ("/doc-text/word2003/text-and-hidden", test_word2003_xml);
	g_test_add_func ("/doc-text/pptx/slides", test_pptx_slides);
	g_test_add_func ("/doc-text/doc/pieces", test_doc_pieces);
	g_test_add_func ("/doc-text/doc/hidden-text", test_doc_hidden_text);
	g_test_add_func ("/doc-text/doc/picture-only", test_doc_picture_only);
	g_test_add_func ("/doc-text/doc/damaged", test_doc_damaged);
	g_test_add_func ("/doc-text/doc/visible-count", test_doc_visible_count);
	g_test_add_func ("/doc-text/doc/text-cap", test_doc_text_cap);
	g_test_add_func ("/doc-text/xls/strings", test_xls_strings);
	return g_test_run ();
}
