/* mailhunt doc: analyse Office documents and archives given directly —
 * the files an analyst saved from a mail, or a quarantine of attachments. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "mailhunt.h"
#include "mailhunt/mailbox.h"
#include "mailhunt/office.h"
#include "mailhunt/report.h"

static const char doc_help[] =
	"Usage: mailhunt doc [OPTIONS] FILE...\n"
	"\n"
	"Opens every FILE (directories recursively) that is an Office document or\n"
	"an archive — Word/Excel/PowerPoint 97-2003 (OLE2), OOXML (.docx/.docm/\n"
	".xlsm/...), Word 2003 XML, Flat OPC, MHT/ActiveMime, RTF, ZIP — by its\n"
	"content, never by its name, and reports what it would run when opened:\n"
	"VBA macros and their auto-exec events, what the code would do (execute,\n"
	"download, write files, PowerShell, self-modification, obfuscation, with\n"
	"strings decoded), Excel 4.0 macros, remote templates, DDE fields,\n"
	"external links, embedded objects, encryption, and the metadata.\n"
	"Nothing is ever run or fetched; inputs are never modified.\n"
	"\n"
	"Options:\n"
	"  --format FORMAT        text, jsonl or csv (default: text on a terminal,\n"
	"                         jsonl otherwise)\n"
	"  -o, --output FILE      write the report to FILE instead of standard output\n"
	"  --show-code            include the source of macros in the report\n"
	MH_OFFICE_CLI_HELP
	"  -p, --password PW      try PW on encrypted archives (may be repeated)\n"
	"  -q, --quiet            no error lines on standard error and no text summary\n"
	"  -h, --help             this text\n"
	"\n"
	"Verdicts (docs/office.md): malicious (an auto-exec event reaches code\n"
	"that executes, downloads or writes files), suspicious (auto-exec alone,\n"
	"such code without auto-exec, remote template, DDE, Excel 4.0 Auto_Open,\n"
	"encrypted contents, ...), macros (macros, nothing suspicious), clean.\n"
	"\n"
	"Exit status: 0 every document clean, 1 some document has macros or\n"
	"worse, 2 some input could not be read (the rest is still reported) or\n"
	"bad usage.\n";

const char *
mh_cmd_doc_help (void)
{
	return doc_help;
}

typedef struct {
	mh_printer       *printer;
	mh_scan_summary   summary;
	mh_office_options office;
	gboolean          quiet;
} doc_state;

static void
on_document (const char *file, const char *container, GBytes *data, gpointer user_data)
{
	doc_state *st = user_data;
	gsize len;
	const guint8 *bytes = g_bytes_get_data (data, &len);
	g_autofree char *name = g_path_get_basename (file);
	(void) container;

	st->summary.inputs++;
	g_autoptr (mh_document) doc = mh_document_analyse (bytes, len, name, &st->office);
	mh_scan_summary_add_document (&st->summary, doc);
	if (mh_document_overall_verdict (doc) >= MH_VERDICT_MACROS)
		st->summary.flagged_documents++;
	mh_printer_document (st->printer, file, doc);
}

/* Mail given to `doc`: its attachments are scan's business. */
static void
on_message (mh_message *m, gpointer user_data)
{
	doc_state *st = user_data;
	if (m->locator.index == 0)
		mh_scan_summary_add_skipped (&st->summary, m->locator.file,
		                             "mail, not a document: use mailhunt scan");
	mh_message_free (m);
}

static void
on_error (const char *file, const char *folder, gint64 index, const char *what, gpointer user_data)
{
	doc_state *st = user_data;
	mh_scan_summary_add_error (&st->summary, file, folder, index, what);
	if (!st->quiet)
		fprintf (stderr, "mailhunt: %s: %s\n", file, what);
}

static void
on_skipped (const char *file, const char *reason, gpointer user_data)
{
	doc_state *st = user_data;
	mh_scan_summary_add_skipped (&st->summary, file, reason);
}

int
mh_cmd_doc (int argc, char **argv)
{
	g_autofree char *format = NULL;
	g_autofree char *output = NULL;
	g_auto (mh_office_cli) office_cli = { 0 };
	g_auto (GStrv) passwords = NULL;
	gboolean quiet = FALSE, help = FALSE, show_code = FALSE;
	g_auto (GStrv) paths = NULL;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, NULL, NULL },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, NULL, NULL },
		{ "show-code", 0, 0, G_OPTION_ARG_NONE, &show_code, NULL, NULL },
		MH_OFFICE_CLI_ENTRIES (office_cli),
		{ "password", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &passwords, NULL, NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, NULL, NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int done = mh_cmd_parse_options ("doc", doc_help, "FILE", entries, &argc, &argv, &help, &paths);
	if (done >= 0)
		return done;

	doc_state st = { 0 };
	mh_office_options_init_default (&st.office);
	if (!mh_office_cli_apply (&office_cli, "doc", &st.office))
		return MH_EXIT_UNREADABLE;
	mh_report_output report;
	if (!mh_report_output_open (&report, "doc", format, output))
		return MH_EXIT_UNREADABLE;
	st.printer = report.printer;
	st.printer->quiet = quiet;
	st.printer->show_code = show_code;
	st.quiet = quiet;
	g_autoptr (GPtrArray) pw = g_ptr_array_new ();
	for (int i = 0; passwords && passwords[i]; i++)
		g_ptr_array_add (pw, passwords[i]);
	if (pw->len) {
		st.office.passwords = pw;
		st.office.passwords_source = "command-line";
	}
	mh_scan_summary_init (&st.summary);

	mh_limits limits;
	mh_limits_init_default (&limits);
	limits.max_message_size = st.office.limits.max_document_size;
	mh_reader_callbacks cb = { on_message, on_error, on_skipped, NULL, on_document };
	gint64 start = g_get_monotonic_time ();

	mh_printer_begin (st.printer);
	for (int i = 0; paths[i]; i++)
		mh_read_path (paths[i], &limits, &cb, &st);
	st.summary.elapsed_seconds = (double) (g_get_monotonic_time () - start) / 1e6;
	int rc = st.summary.errors > 0 ? MH_EXIT_UNREADABLE
	       : st.summary.flagged_documents > 0 ? MH_EXIT_FLAGGED
	       : MH_EXIT_CLEAN;
	rc = mh_report_output_close (&report, &st.summary, quiet, rc);
	mh_scan_summary_clear (&st.summary);
	return rc;
}
