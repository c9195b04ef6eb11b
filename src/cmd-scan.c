/* mailhunt scan: read every path given, analyse each message, report the
 * flagged ones (or all with --all) and a summary. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mailhunt.h"
#include "mailhunt/link.h"
#include "mailhunt/analyse.h"
#include "mailhunt/mailbox.h"
#include "mailhunt/report.h"

static const char scan_help[] =
	"Usage: mailhunt scan [OPTIONS] PATH...\n"
	"\n"
	"Reads every PATH: an mbox file (Thunderbird, mboxrd, mboxo), a .eml file,\n"
	"an Outlook PST/OST (read by libpst in a child process), .msg or\n"
	"winmail.dat, a directory (recursively: Thunderbird profiles, Maildir,\n"
	"quarantine folders), or a gzip-compressed file of these.  Inputs are\n"
	"recognised by their content, never by their name, and never modified.\n"
	"\n"
	"Options:\n"
	"  --format FORMAT        text, jsonl or csv (default: text on a terminal,\n"
	"                         jsonl otherwise)\n"
	"  -o, --output FILE      write the report to FILE instead of standard output\n"
	"  --all                  report every message, not only flagged ones\n"
	"  -q, --quiet            no error lines on standard error and no text summary\n"
	"  --max-message-size N   largest message read, in bytes (default 104857600);\n"
	"                         larger ones are reported as read errors\n"
	"  --show-code            include the source of macros in the report\n"
	MH_OFFICE_CLI_HELP
	"  --contacts             report the contacts and distribution lists of\n"
	"                         Outlook stores (always counted in the summary)\n"
	"  --no-documents         do not open Office documents and archives\n"
	"  --mailbox MAILBOX      another mailbox that may hold the originals flagged\n"
	"                         mails quote (repeatable; the messages scanned are\n"
	"                         always looked in): docs/linking.md\n"
	"  --thread-map FILE      also write the stolen-thread map to FILE, in the\n"
	"                         report's format (for CSV: its own columns)\n"
	"  -h, --help             this text\n"
	"\n"
	"Every flagged mail gets its case A or B (docs/linking.md): the original\n"
	"it quotes is looked for among all the messages scanned and those of the\n"
	"--mailbox given.  After the messages, the report gives the stolen-thread\n"
	"map: the threads case A mails quote, with their participants, the\n"
	"mailboxes holding them, how many spoofs reuse each, first and last seen\n"
	"(a CSV report has it on standard error, or in --thread-map FILE).\n"
	"\n"
	"A message is flagged when a finding of severity low or above is made on\n"
	"it or on a message attached to it (docs/detection.md lists the findings).\n"
	"Deleted messages still present in a mailbox (Thunderbird's expunged flag,\n"
	"Maildir's T flag) are read and marked deleted.\n"
	"\n"
	"Office documents and archives, attached at any depth or found as files\n"
	"among the inputs, are opened (never run) and their macros read: see\n"
	"`mailhunt help doc` and docs/office.md.  A document file met by scan is\n"
	"reported like `mailhunt doc` reports it, when it has macros or worse.\n"
	"\n"
	"Exit status: 0 nothing flagged, 1 something flagged, 2 some input could\n"
	"not be read (the rest is still scanned and reported) or bad usage.\n";

const char *
mh_cmd_scan_help (void)
{
	return scan_help;
}

static const char check_help[] =
	"Usage: mailhunt check [OPTIONS] SUSPECT... [--mailbox MAILBOX]...\n"
	"\n"
	"For a reported mail (a .eml or .msg, or any mailbox whose every message is\n"
	"a suspect): is it malicious (its attachments opened, never run), is it\n"
	"case A (it quotes a thread really exchanged: the terminal of the account\n"
	"shown as sender is likely infected) or case B (built from addresses\n"
	"alone: the sender shown is not necessarily infected) and why, which\n"
	"message of which MAILBOX it quotes, and what the JPCERT/CC guidance says\n"
	"to do next.  Every SUSPECT message is reported, with its case.\n"
	"\n"
	"Options:\n"
	"  --mailbox MAILBOX      a mailbox that may hold the original (the shown\n"
	"                         sender's or the recipient's export: mbox, Maildir,\n"
	"                         Thunderbird profile, PST, .eml folder); repeatable.\n"
	"                         Without one, a quote with fitting headers is at\n"
	"                         best \"A-likely\"\n"
	"  --format FORMAT        text, jsonl or csv (default: text on a terminal,\n"
	"                         jsonl otherwise)\n"
	"  -o, --output FILE      write the report to FILE instead of standard output\n"
	"  -q, --quiet            no error lines on standard error and no text summary\n"
	"  --show-code            include the source of macros in the report\n"
	MH_OFFICE_CLI_HELP
	"  --no-documents         do not open Office documents and archives\n"
	"  -h, --help             this text\n"
	"\n"
	"Verdicts (docs/linking.md): A-confirmed, A-likely, B, not-spoof (a genuine\n"
	"reply), undecided (no reply, no quote, no sign of spoofing).\n"
	"\n"
	"Exit status: 0 nothing flagged, 1 a suspect is flagged (malicious\n"
	"attachment, case A or B, header indicators), 2 some input could not be\n"
	"read or bad usage.\n";

const char *
mh_cmd_check_help (void)
{
	return check_help;
}

typedef struct {
	mh_cmd_reading   r;             /* first: the shared callbacks take the state */
	mh_printer      *printer;
	gboolean         all;
	gboolean         contacts;
	char            *current_file;  /* the input being read (contacts carry no file) */
	mh_analyse_options analyse;
	mh_thread_index *index;         /* the --mailbox messages (and scan's own), or NULL */
	gboolean         check;         /* mailhunt check: every message gets its case */
	const char      *indexing;      /* the --mailbox being read into the index, or NULL */
	const char      *scanning;      /* scan: the PATH being read, indexed under its name */
	GArray          *waiting;       /* of waiting_mail: flagged mails linked at the end */
	FILE            *spool;         /* the report after the first waiting mail */
	FILE            *report_out;    /* where the report goes in the end */
	mh_thread_map   *map;           /* scan: the stolen-thread map */
} scan_state;

/* A flagged mail is linked once every message of the scan is indexed:
 * its original may come later (another PATH, Sent Items after the
 * Inbox) and the result must not depend on the order of the inputs.
 * What the report says after it waits in a spool file, so that the
 * report keeps the order of the inputs. */
typedef struct {
	mh_message *message;
	long        spool_at;   /* where it goes in the spool */
} waiting_mail;

/* Flagged mails kept waiting; past it they are linked against what is
 * indexed so far (counted as linked_early in the summary): a bound on
 * memory when a quarantine folder is all spam. */
#define MAX_WAITING 20000

static void
count_documents (scan_state *st, const mh_message *m)
{
	for (guint i = 0; i < m->attachments->len; i++) {
		const mh_attachment *a = g_ptr_array_index (m->attachments, i);
		if (a->document)
			mh_scan_summary_add_document (&st->r.summary, a->document);
		if (a->nested)
			count_documents (st, a->nested);
	}
}

static void
count_attachments (scan_state *st, const mh_message *m)
{
	st->r.summary.attachments += m->attachments->len;
	for (guint i = 0; i < m->attachments->len; i++) {
		const mh_attachment *a = g_ptr_array_index (m->attachments, i);
		if (a->nested)
			count_attachments (st, a->nested);
	}
}

/* Highest severity over a message and the messages attached to it. */
static gboolean
flag_level (const mh_message *m, mh_severity *level)
{
	gboolean any;
	mh_severity max = mh_message_max_severity (m, &any);
	gboolean flagged = any && max >= MH_SEVERITY_LOW;
	if (flagged && max > *level)
		*level = max;
	for (guint i = 0; i < m->attachments->len; i++) {
		const mh_attachment *a = g_ptr_array_index (m->attachments, i);
		if (a->nested && flag_level (a->nested, level))
			flagged = TRUE;
	}
	return flagged;
}

/* Counts a reported message and prints it. */
static void
report_message (scan_state *st, mh_message *m)
{
	mh_severity level = MH_SEVERITY_LOW;
	gboolean flagged = flag_level (m, &level);
	if (flagged) {
		st->r.summary.flagged++;
		st->r.summary.flagged_by_severity[level]++;
	}
	if (st->map)
		mh_thread_map_add (st->map, m);
	if (flagged || st->all)
		mh_printer_message (st->printer, m);
}

static void
link_message (scan_state *st, mh_message *m)
{
	g_autoptr (mh_case_result) result = mh_case_classify_indexed (m, st->index, st->scanning != NULL);
	mh_case_attach (m, result, st->index);
}

/* The spool is a file unlinked at once (in $TMPDIR): nothing is left
 * behind, whatever happens to the scan. */
static void
open_spool (scan_state *st)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *name = NULL;
	int fd = g_file_open_tmp ("mailhunt-spool-XXXXXX", &name, &error);
	if (fd < 0)
		return;
	unlink (name);
	st->spool = fdopen (fd, "w+");
	if (!st->spool) {
		close (fd);
		return;
	}
	st->printer->out = st->spool;
}

static void
on_message (mh_message *m, gpointer user_data)
{
	scan_state *st = user_data;

	mh_analyse_message (m, &st->analyse);
	st->r.summary.messages++;
	count_documents (st, m);
	if (m->locator.deleted)
		st->r.summary.deleted_messages++;
	if (m->problems->len > 0)
		st->r.summary.problems++;
	count_attachments (st, m);

	mh_severity level = MH_SEVERITY_LOW;
	gboolean flagged = flag_level (m, &level);
	if (st->check) {
		/* every mail given to check gets its case, against the
		 * mailboxes given (docs/linking.md) */
		link_message (st, m);
	} else {
		/* scan: every message may be the original a flagged one quotes */
		mh_thread_index_add (st->index, m, st->scanning);
		if (flagged && st->waiting->len < MAX_WAITING) {
			if (!st->spool)
				open_spool (st);
			if (st->spool) {
				mh_message_drop_content (m);
				waiting_mail w = { m, ftell (st->spool) };
				g_array_append_val (st->waiting, w);
				return;
			}
		}
		if (flagged) {
			st->r.summary.linked_early++;
			link_message (st, m);
		}
	}
	report_message (st, m);
	mh_message_free (m);
}

/* Copies the spool from where it is to @until (-1: its end). */
static gboolean
copy_spool (FILE *spool, long until, FILE *out)
{
	char buf[65536];
	long at = ftell (spool);
	while (until < 0 || at < until) {
		size_t want = sizeof buf;
		if (until >= 0 && (long) want > until - at)
			want = (size_t) (until - at);
		size_t got = fread (buf, 1, want, spool);
		if (got == 0)
			break;
		if (fwrite (buf, 1, got, out) != got)
			return FALSE;
		at += (long) got;
	}
	return !ferror (spool);
}

/* The end of a scan: every message is indexed, so the waiting mails are
 * linked and put back in their place in the report. */
static void
finish_waiting (scan_state *st, const char *command)
{
	if (!st->spool)
		return;
	fflush (st->spool);
	rewind (st->spool);
	st->printer->out = st->report_out;
	gboolean ok = TRUE;
	for (guint i = 0; i < st->waiting->len; i++) {
		waiting_mail *w = &g_array_index (st->waiting, waiting_mail, i);
		ok = ok && copy_spool (st->spool, w->spool_at, st->report_out);
		link_message (st, w->message);
		report_message (st, w->message);
		g_clear_pointer (&w->message, mh_message_free);
	}
	ok = ok && copy_spool (st->spool, -1, st->report_out);
	if (!ok)
		fprintf (stderr, "mailhunt %s: the report could not be put together from its spool file: %s\n",
		         command, g_strerror (errno));
	g_array_set_size (st->waiting, 0);
	fclose (st->spool);
	st->spool = NULL;
}

/* A message of a --mailbox: kept in the thread index, not reported. */
static void
on_indexed_message (mh_message *m, gpointer user_data)
{
	scan_state *st = user_data;
	mh_thread_index_add (st->index, m, st->indexing);
	mh_message_free (m);
}

/* A document file among the inputs (a quarantine folder holds both). */
static void
on_document (const char *file, const char *container, GBytes *data, gpointer user_data)
{
	scan_state *st = user_data;
	gsize len;
	const guint8 *bytes = g_bytes_get_data (data, &len);
	g_autofree char *name = g_path_get_basename (file);
	(void) container;

	if (!st->analyse.documents) {
		mh_scan_summary_add_skipped (&st->r.summary, file, "Office document or archive (--no-documents)");
		return;
	}
	g_autoptr (mh_document) doc = mh_document_analyse (bytes, len, name, &st->analyse.office);
	mh_scan_summary_add_document (&st->r.summary, doc);
	mh_verdict verdict = mh_document_overall_verdict (doc);
	if (verdict >= MH_VERDICT_MACROS)
		st->r.summary.flagged_documents++;
	if (verdict >= MH_VERDICT_MACROS || st->all)
		mh_printer_document (st->printer, file, doc);
}

static void
on_contact (const mh_pst_contact *contact, gpointer user_data)
{
	scan_state *st = user_data;
	st->r.summary.contacts++;
	if (st->contacts)
		mh_printer_contact (st->printer, st->current_file, contact);
}

static void
on_input (const char *file, const char *kind, gpointer user_data)
{
	scan_state *st = user_data;
	(void) kind;
	st->r.summary.inputs++;
	g_free (st->current_file);
	st->current_file = g_strdup (file);
}

/* The stolen-thread map, after the messages: in the report (a CSV report
 * has no columns for it: there it goes to standard error as text) and in
 * @file when given.  FALSE when @file could not be written. */
static gboolean
print_thread_map (scan_state *st, const char *command, const mh_report_output *report,
                  const char *file, gboolean quiet)
{
	g_autoptr (GPtrArray) threads = mh_thread_map_threads (st->map);
	st->r.summary.stolen_threads = threads->len;
	gboolean csv = strcmp (report->format, "csv") == 0;
	mh_printer *terminal = csv && !quiet && threads->len ? mh_printer_new ("text", stderr) : NULL;
	for (guint i = 0; i < threads->len; i++) {
		mh_printer_thread (st->printer, g_ptr_array_index (threads, i));
		if (terminal)
			mh_printer_thread (terminal, g_ptr_array_index (threads, i));
	}
	g_clear_pointer (&terminal, mh_printer_free);
	if (mh_thread_map_dropped (st->map) && !quiet)
		fprintf (stderr, "mailhunt %s: %u flagged mails of threads past the first %u left out of "
		         "the stolen-thread map\n", command, mh_thread_map_dropped (st->map), MH_THREAD_MAP_MAX);
	if (!file)
		return TRUE;
	FILE *out = strcmp (file, "-") == 0 ? stdout : fopen (file, "w");
	if (!out) {
		fprintf (stderr, "mailhunt %s: cannot write %s: %s\n", command, file, g_strerror (errno));
		return FALSE;
	}
	mh_printer *printer = mh_printer_new (report->format, out);
	printer->threads = TRUE;
	mh_printer_begin (printer);
	for (guint i = 0; i < threads->len; i++)
		mh_printer_thread (printer, g_ptr_array_index (threads, i));
	mh_printer_free (printer);
	gboolean ok = fflush (out) == 0 && (out == stdout || fclose (out) == 0);
	if (!ok)
		fprintf (stderr, "mailhunt %s: writing %s failed: %s\n", command, file, g_strerror (errno));
	return ok;
}

/* scan and check are one reading loop: check reports every message with
 * its case, scan the flagged ones. */
static int
run (const char *command, const char *help_text, int argc, char **argv, gboolean check)
{
	g_autofree char *format = NULL;
	g_autofree char *output = NULL;
	g_auto (mh_office_cli) office_cli = { 0 };
	gboolean all = FALSE, quiet = FALSE, help = FALSE, show_code = FALSE, no_documents = FALSE;
	gboolean contacts = FALSE;
	gint64 max_message = 0;
	g_auto (GStrv) paths = NULL;
	g_auto (GStrv) mailboxes = NULL;
	g_autofree char *thread_map = NULL;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, NULL, NULL },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, NULL, NULL },
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all, NULL, NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, NULL, NULL },
		{ "max-message-size", 0, 0, G_OPTION_ARG_INT64, &max_message, NULL, NULL },
		{ "show-code", 0, 0, G_OPTION_ARG_NONE, &show_code, NULL, NULL },
		MH_OFFICE_CLI_ENTRIES (office_cli),
		{ "no-documents", 0, 0, G_OPTION_ARG_NONE, &no_documents, NULL, NULL },
		{ "contacts", 0, 0, G_OPTION_ARG_NONE, &contacts, NULL, NULL },
		{ "mailbox", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &mailboxes, NULL, NULL },
		{ "thread-map", 0, check ? G_OPTION_FLAG_HIDDEN : 0, G_OPTION_ARG_FILENAME, &thread_map, NULL, NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int done = mh_cmd_parse_options (command, help_text, check ? "SUSPECT" : "PATH", entries,
	                                 &argc, &argv, &help, &paths);
	if (done >= 0)
		return done;

	mh_limits limits;
	mh_limits_init_default (&limits);
	if (max_message > 0)
		limits.max_message_size = (gsize) max_message;

	scan_state st = { 0 };
	mh_analyse_options_init_default (&st.analyse);
	if (!mh_office_cli_apply (&office_cli, command, &st.analyse.office))
		return MH_EXIT_UNREADABLE;
	mh_report_output report;
	if (!mh_report_output_open (&report, command, format, output))
		return MH_EXIT_UNREADABLE;
	st.printer = report.printer;
	st.printer->quiet = quiet;
	st.printer->show_code = show_code;
	st.all = all || check;
	st.check = check;
	st.contacts = contacts;
	st.analyse.documents = !no_documents;
	st.r.quiet = quiet;
	mh_scan_summary_init (&st.r.summary);
	gint64 start = g_get_monotonic_time ();

	if (!check) {
		st.index = mh_thread_index_new ();
		st.map = mh_thread_map_new ();
		st.waiting = g_array_new (FALSE, FALSE, sizeof (waiting_mail));
	}
	st.report_out = report.out;
	if (mailboxes && mailboxes[0]) {
		if (!st.index)
			st.index = mh_thread_index_new ();
		mh_reader_callbacks index_cb = { on_indexed_message, mh_cmd_on_error, mh_cmd_on_skipped, NULL, NULL, NULL, NULL };
		for (int i = 0; mailboxes[i]; i++) {
			st.indexing = mailboxes[i];
			mh_read_path (mailboxes[i], &limits, &index_cb, &st);
		}
		st.indexing = NULL;
		guint capped = mh_thread_index_capped (st.index);
		if (capped && !quiet)
			fprintf (stderr, "mailhunt %s: %u message%s of the mailboxes longer than 1 MiB: only "
			         "the start of their text is compared with quotes\n", command, capped,
			         capped == 1 ? "" : "s");
	}

	mh_reader_callbacks cb = { on_message, mh_cmd_on_error, mh_cmd_on_skipped, on_input, on_document, on_contact, mh_cmd_on_folder };
	mh_printer_begin (st.printer);
	for (int i = 0; paths[i]; i++) {
		st.scanning = check ? NULL : paths[i];
		mh_read_path (paths[i], &limits, &cb, &st);
	}
	finish_waiting (&st, command);
	if (st.map && !print_thread_map (&st, command, &report, thread_map, quiet))
		st.r.summary.errors++;
	st.r.summary.elapsed_seconds = (double) (g_get_monotonic_time () - start) / 1e6;
	int rc = st.r.summary.errors > 0 ? MH_EXIT_UNREADABLE
	       : st.r.summary.flagged + st.r.summary.flagged_documents > 0 ? MH_EXIT_FLAGGED
	       : MH_EXIT_CLEAN;
	rc = mh_report_output_close (&report, &st.r.summary, quiet, rc);
	mh_scan_summary_clear (&st.r.summary);
	g_free (st.current_file);
	g_clear_pointer (&st.index, mh_thread_index_free);
	g_clear_pointer (&st.map, mh_thread_map_free);
	if (st.waiting)
		g_array_unref (st.waiting);
	return rc;
}

int
mh_cmd_scan (int argc, char **argv)
{
	return run ("scan", scan_help, argc, argv, FALSE);
}

int
mh_cmd_check (int argc, char **argv)
{
	return run ("check", check_help, argc, argv, TRUE);
}
