/* mailhunt scan: read every path given, analyse each message, report the
 * flagged ones (or all with --all) and a summary. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

#include "mailhunt.h"
#include "mailhunt/link.h"
#include "mailhunt/analyse.h"
#include "mailhunt/mailbox.h"
#include "mailhunt/report.h"
#include "mailhunt/bulk.h"
#include "mailhunt/records.h"

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
	"  --max-message-size SIZE  largest message read (default 100M; K, M, G);\n"
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
	"  -j, --jobs N           worker processes, and threads linking the flagged\n"
	"                         mails at the end (default: the number of cores);\n"
	"                         the report is the same whatever N is\n"
	"  --files-from FILE      also read the paths listed in FILE (\"-\": standard\n"
	"                         input), one per line or NUL-separated (find -print0)\n"
	"  --shard I/N            read only shard I of N of the inputs (1 <= I <= N):\n"
	"                         N machines split one job; see docs/bulk.md\n"
	"  --format records       write what `mailhunt merge` puts together (a shard)\n"
	"  --split-size SIZE      read mboxes larger than this in ranges of about this\n"
	"                         size, cut at message boundaries (default 16M; sizes\n"
	"                         take K, M or G)\n"
	"  --progress             a progress line on standard error even when it is\n"
	"                         not a terminal (--no-progress: never)\n"
	"  --summary-only         print the summary alone\n"
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

/* Where reading ends and linking begins.  In one process (--jobs 1, and
 * check) the reader's callbacks analyse each message and hand it on at
 * once.  Worker processes and shards (records mode) write what they read
 * as records instead (include/mailhunt/bulk.h); the parent, or `mailhunt
 * merge`, reads them back in the order of the plan and goes on from there
 * exactly as one process would. */
typedef struct {
	mh_cmd_reading   r;             /* first: the shared callbacks take the state */
	const char      *command;
	mh_printer      *printer;
	gboolean         all;
	gboolean         contacts;
	gboolean         summary_only;  /* --summary-only: print no message, document, contact, thread */
	char            *current_file;  /* the input being read (contacts carry no file) */
	mh_analyse_options analyse;
	mh_thread_index *index;         /* the --mailbox messages (and scan's own), or NULL */
	gboolean         check;         /* mailhunt check: every message gets its case */
	const char      *indexing;      /* the --mailbox being read into the index, or NULL */
	const char      *scanning;      /* scan: the PATH being read, indexed under its name */
	GArray          *waiting;       /* of waiting_mail: flagged mails linked at the end */
	FILE            *waiting_file;  /* their records, read back at the end */
	mh_printer      *waiting_printer; /* jsonl, onto waiting_file */
	FILE            *spool;         /* the report after the first waiting mail */
	FILE            *report_out;    /* where the report goes in the end */
	mh_thread_map   *map;           /* scan: the stolen-thread map */
	guint            linkers;       /* threads that link the waiting mails at the end */

	/* records mode: a worker, or scan --format records */
	FILE            *records;       /* where the records go, or NULL */
	mh_printer      *record_printer; /* jsonl, onto records */

	/* the plan (scan) */
	GPtrArray       *units;         /* of mh_work_unit*, all of them */
	GPtrArray       *roots;         /* of const char*: the PATH each unit was found under */
	char            *base_path;     /* the mbox whose ranges are being numbered */
	guint            base_next;     /* its next message index */
	gint64           skip_through;  /* units up to it were read by an earlier range */

	/* progress (stderr) */
	gboolean         progress;
	gint64           started;
	gint64           shown;         /* when the line was last drawn */
	guint64          bytes_total, bytes_done;
	guint            units_total, units_done;
} scan_state;

/* A flagged mail is linked once every message of the scan is indexed:
 * its original may come later (another PATH, Sent Items after the
 * Inbox) and the result must not depend on the order of the inputs.
 * The mail waits as records (its body, then its message line, as a
 * worker writes them) in a file of $TMPDIR, so that a quarantine folder
 * of thousands of flagged mails does not hold them all in memory; what
 * the report says after it waits in a spool file, so that the report
 * keeps the order of the inputs. */
typedef struct {
	long record_at;  /* where its records start in the waiting file */
	long spool_at;   /* where it goes in the spool */
	guint base;      /* added to its locator's index when it is read back */
} waiting_mail;

/* Flagged mails kept waiting (24 bytes of memory each); past it they are
 * linked against what is indexed so far (counted as linked_early in the
 * summary). */
#define MAX_WAITING 1000000

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

/* -- progress --------------------------------------------------------------- */

static void
progress_clear (scan_state *st)
{
	if (st->progress && st->shown) {
		fputs ("\r\033[K", stderr);
		st->shown = 0;
	}
}

/* One line on standard error, redrawn at most twice a second: inputs and
 * bytes done of the total, messages and MB per second, flagged so far,
 * and the time left at that rate. */
static void
progress_show (scan_state *st, gboolean force)
{
	if (!st->progress)
		return;
	gint64 now = g_get_monotonic_time ();
	if (!force && st->shown && now - st->shown < G_USEC_PER_SEC / 2)
		return;
	double seconds = MAX ((double) (now - st->started) / G_USEC_PER_SEC, 0.001);
	double mb = (double) st->bytes_done / 1e6;
	g_autofree char *eta = NULL;
	if (st->bytes_done > 0 && st->bytes_total > st->bytes_done) {
		double left = seconds * (double) (st->bytes_total - st->bytes_done) / (double) st->bytes_done;
		eta = g_strdup_printf (", %d:%02d left", (int) (left / 60), (int) left % 60);
	}
	fprintf (stderr, "\r\033[Kmailhunt %s: %u/%u inputs, %.0f/%.0f MB, %.0f messages/s, %.1f MB/s, "
	         "%u flagged%s", st->command, st->units_done, st->units_total, mb,
	         (double) st->bytes_total / 1e6, st->r.summary.messages / seconds, mb / seconds,
	         st->r.summary.flagged + st->r.summary.flagged_documents + (st->waiting ? st->waiting->len : 0),
	         eta ? eta : "");
	fflush (stderr);
	st->shown = now;
}

static void
on_error (const char *file, const char *folder, gint64 index, const char *what, gpointer user_data)
{
	scan_state *st = user_data;
	if (!st->r.quiet)
		progress_clear (st);
	mh_cmd_on_error (file, folder, index, what, user_data);
}

/* -- linking and printing ----------------------------------------------------- */

/* Counts @m in the summary and the stolen-thread map; whether it is flagged. */
static gboolean
report_counts (scan_state *st, const mh_message *m)
{
	mh_severity level = MH_SEVERITY_LOW;
	gboolean flagged = flag_level (m, &level);
	if (flagged) {
		st->r.summary.flagged++;
		st->r.summary.flagged_by_severity[level]++;
	}
	if (st->map)
		mh_thread_map_add (st->map, m);
	return flagged;
}

static void
report_message (scan_state *st, mh_message *m)
{
	if ((report_counts (st, m) || st->all) && !st->summary_only)
		mh_printer_message (st->printer, m);
}

static void
link_message (scan_state *st, mh_message *m)
{
	g_autoptr (mh_case_result) result = mh_case_classify_indexed (m, st->index, st->scanning != NULL);
	mh_case_attach (m, result, st->index);
}

/* A file of $TMPDIR unlinked at once: nothing is left behind, whatever
 * happens to the scan.  NULL when none can be made. */
static FILE *
open_unlinked (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *name = NULL;
	int fd = g_file_open_tmp ("mailhunt-spool-XXXXXX", &name, &error);
	if (fd < 0)
		return NULL;
	unlink (name);
	FILE *f = fdopen (fd, "w+");
	if (!f)
		close (fd);
	return f;
}

/* The spool of the report and the file of the waiting mails. */
static gboolean
open_spool (scan_state *st)
{
	if (!st->spool) {
		st->spool = open_unlinked ();
		if (!st->spool)
			return FALSE;
		st->printer->out = st->spool;
	}
	if (!st->waiting_file) {
		st->waiting_file = open_unlinked ();
		if (!st->waiting_file)
			return FALSE;
		st->waiting_printer = mh_printer_new ("jsonl", st->waiting_file);
		st->waiting_printer->show_code = st->printer->show_code;
	}
	return TRUE;
}

/* Whether one more flagged mail can wait (the files are opened when the
 * first one does). */
static gboolean
can_wait (scan_state *st)
{
	return st->waiting->len < MAX_WAITING && open_spool (st);
}

/* A flagged mail starts waiting here: its records are to be written to the
 * waiting file next, its locator's index to be moved on by @base. */
static void
waiting_add (scan_state *st, guint base)
{
	waiting_mail w = { ftell (st->waiting_file), ftell (st->spool), base };
	g_array_append_val (st->waiting, w);
}

/* An analysed message, with its index entry when the scan indexes it
 * (@entry is taken): indexed, then linked at the end when flagged, else
 * reported now. */
static void
take_message (scan_state *st, mh_message *m, mh_index_entry *entry)
{
	mh_severity level = MH_SEVERITY_LOW;
	gboolean flagged = flag_level (m, &level);
	if (st->check) {
		/* every mail given to check gets its case, against the
		 * mailboxes given (docs/linking.md) */
		link_message (st, m);
	} else {
		/* scan: every message may be the original a flagged one quotes */
		if (entry)
			mh_thread_index_add_entry (st->index, entry);
		if (flagged && can_wait (st)) {
			waiting_add (st, 0);
			mh_bulk_write_body (st->waiting_file, m->body_text);
			mh_printer_message (st->waiting_printer, m);
			mh_index_entry_free (entry);
			mh_message_free (m);
			return;
		}
		if (flagged) {
			st->r.summary.linked_early++;
			link_message (st, m);
		}
	}
	mh_index_entry_free (entry);
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

/* One record line of the waiting file; -1 (and a message in @error) when
 * there is none. */
static ssize_t
waiting_line (FILE *in, char **line, size_t *cap, GError **error)
{
	ssize_t len = getline (line, cap, in);
	if (len < 0)
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_EMPTY, "%s",
		             ferror (in) ? g_strerror (errno) : "the file ends early");
	return len;
}

/* One line read into a buffer kept from line to line (getline's). */
typedef struct {
	char   *s;
	size_t  cap;
	gsize   len;
} line_buffer;

/* The records of a waiting mail, read back: its body line, then its
 * message line (without its newline). */
static gboolean
waiting_read (FILE *in, long at, line_buffer *body, line_buffer *message, GError **error)
{
	if (fseek (in, at, SEEK_SET) != 0) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_EMPTY, "%s", g_strerror (errno));
		return FALSE;
	}
	ssize_t len = waiting_line (in, &body->s, &body->cap, error);
	if (len < 0)
		return FALSE;
	body->len = (gsize) len;
	len = waiting_line (in, &message->s, &message->cap, error);
	if (len < 0)
		return FALSE;
	if (len > 0 && message->s[len - 1] == '\n')
		len--;
	message->len = (gsize) len;
	return TRUE;
}

/* The message of a waiting mail's records, its body put back in. */
static mh_message *
waiting_message (const line_buffer *body_line, const line_buffer *message_line, GError **error)
{
	g_autoptr (mh_flat_record) body = mh_flat_record_new ();
	g_autofree char *text = NULL;
	if (!mh_flat_record_parse (body, body_line->s, body_line->len, error) ||
	    !mh_bulk_get_string (body, "text", TRUE, &text, error))
		return NULL;
	mh_record_kind kind;
	g_autoptr (JsonNode) node = mh_record_parse_line (message_line->s, message_line->len, &kind, error);
	if (!node)
		return NULL;
	mh_message *m = mh_message_from_json (node, error);
	if (m && text) {
		g_free (m->body_text);
		m->body_text = g_steal_pointer (&text);
	}
	return m;
}

/* Waiting mails are linked in batches: read back here, parsed and linked
 * by st->linkers threads at once (the index is only read by then), then
 * reported here in their order.  A batch holds at most this many mails,
 * or as many as fit in LINK_BATCH_BYTES of records (at least one). */
#define LINK_BATCH_MAILS 256
#define LINK_BATCH_BYTES (32u << 20)

typedef struct {
	line_buffer  body;      /* its records as read back */
	line_buffer  message;
	guint        base;      /* added to its locator's index */
	GError      *error;     /* set when reading back or parsing failed */
	mh_message  *m;         /* parsed and linked */
	char        *line;      /* and its report line, when the linker wrote it */
	size_t       line_len;
} linking_mail;

typedef struct {
	scan_state   *st;
	gboolean      write_lines;  /* linkers write the jsonl report's lines (when there
	                             * are two or more: one would only move the work) */
	linking_mail *mails;
	guint         n;
	gint          next;     /* atomic: the next mail a linker takes */
} linking_batch;

/* The jsonl report's line for @m, written as the report's printer would
 * (it keeps nothing between messages).  Printing a linked mail cost as
 * much as linking it, and only one thread can write the report. */
static void
write_line (const mh_printer *printer, linking_mail *lm)
{
	FILE *f = open_memstream (&lm->line, &lm->line_len);
	if (!f)
		return;
	mh_printer own = *printer;
	own.out = f;
	mh_printer_message (&own, lm->m);
	if (fclose (f) != 0) {
		free (lm->line);
		lm->line = NULL;
	}
}

static void
line_buffers_free (linking_mail *lm)
{
	g_clear_pointer (&lm->body.s, free);
	g_clear_pointer (&lm->message.s, free);
	lm->body.cap = lm->message.cap = 0;
}

static gpointer
link_batch (gpointer data)
{
	linking_batch *b = data;
	for (;;) {
		guint i = (guint) g_atomic_int_add (&b->next, 1);
		if (i >= b->n)
			return NULL;
		linking_mail *lm = &b->mails[i];
		if (lm->error)
			continue;   /* not read back */
		lm->m = waiting_message (&lm->body, &lm->message, &lm->error);
		if (lm->m) {
			lm->m->locator.index += lm->base;
			link_message (b->st, lm->m);
			if (b->write_lines)
				write_line (b->st->printer, lm);
		}
	}
}

/* Links the batch with the threads of st->linkers (this one among them);
 * a thread that cannot be started leaves its share to the others. */
static void
link_batch_threads (linking_batch *b)
{
	guint extra = MIN (b->st->linkers, b->n);
	extra = extra > 1 ? extra - 1 : 0;
	g_autofree GThread **threads = g_new0 (GThread *, MAX (extra, 1));
	for (guint t = 0; t < extra; t++)
		threads[t] = g_thread_try_new ("mailhunt-link", link_batch, b, NULL);
	link_batch (b);
	for (guint t = 0; t < extra; t++)
		if (threads[t])
			g_thread_join (threads[t]);
}

/* The end of a scan: every message is indexed, so the waiting mails are
 * linked and put back in their place in the report. */
static void
finish_waiting (scan_state *st)
{
	if (!st->spool)
		return;
	fflush (st->spool);
	rewind (st->spool);
	st->printer->out = st->report_out;
	gboolean ok = !st->waiting_file || fflush (st->waiting_file) == 0;
	/* from here on the linkers only read the index */
	mh_thread_index_settle (st->index);
	linking_batch b = { st, st->linkers > 1 && st->printer->klass == &mh_jsonl_printer && !st->summary_only,
	                    g_new0 (linking_mail, LINK_BATCH_MAILS), 0, 0 };
	for (guint first = 0; ok && first < st->waiting->len; first += b.n) {
		gsize bytes = 0;
		b.next = 0;
		for (b.n = 0; b.n < LINK_BATCH_MAILS && first + b.n < st->waiting->len &&
		              (b.n == 0 || bytes < LINK_BATCH_BYTES); b.n++) {
			const waiting_mail *w = &g_array_index (st->waiting, waiting_mail, first + b.n);
			linking_mail *lm = &b.mails[b.n];
			lm->base = w->base;
			waiting_read (st->waiting_file, w->record_at, &lm->body, &lm->message, &lm->error);
			bytes += lm->body.len + lm->message.len;
		}
		link_batch_threads (&b);
		for (guint k = 0; k < b.n; k++) {
			linking_mail *lm = &b.mails[k];
			const waiting_mail *w = &g_array_index (st->waiting, waiting_mail, first + k);
			ok = ok && copy_spool (st->spool, w->spool_at, st->report_out);
			if (ok && !lm->m) {
				/* written by this process moments ago: only a full or
				 * failing disk gets here */
				fprintf (stderr, "mailhunt %s: flagged mail %u of %u could not be read back from "
				         "its spool file in $TMPDIR: %s\n", st->command, first + k + 1,
				         st->waiting->len, lm->error->message);
				st->r.summary.errors++;
			} else if (ok && lm->line) {
				if (report_counts (st, lm->m) || st->all)
					ok = fwrite (lm->line, 1, lm->line_len, st->report_out) == lm->line_len;
			} else if (ok) {
				report_message (st, lm->m);
			}
			g_clear_pointer (&lm->m, mh_message_free);
			g_clear_pointer (&lm->line, free);
			g_clear_error (&lm->error);
			/* a slot does not keep the room of one huge mail for the rest */
			if (lm->body.cap + lm->message.cap > LINK_BATCH_BYTES / LINK_BATCH_MAILS)
				line_buffers_free (lm);
		}
	}
	for (guint k = 0; k < LINK_BATCH_MAILS; k++)
		line_buffers_free (&b.mails[k]);
	g_free (b.mails);
	ok = ok && copy_spool (st->spool, -1, st->report_out);
	if (!ok)
		fprintf (stderr, "mailhunt %s: the report could not be put together from its spool file: %s\n",
		         st->command, g_strerror (errno));
	g_array_set_size (st->waiting, 0);
	fclose (st->spool);
	st->spool = NULL;
	g_clear_pointer (&st->waiting_printer, mh_printer_free);
	if (st->waiting_file)
		fclose (st->waiting_file);
	st->waiting_file = NULL;
}

/* -- reading ---------------------------------------------------------------------- */

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
	mh_index_entry *entry = st->check ? NULL : mh_index_entry_new (m, st->scanning);

	if (st->records) {
		/* a worker or a shard: the parent or merge links and prints */
		mh_bulk_write_entry (st->records, entry);
		mh_index_entry_free (entry);
		mh_severity level = MH_SEVERITY_LOW;
		if (flag_level (m, &level) || st->all) {
			/* the report has no body; linking reads its quotes */
			mh_bulk_write_body (st->records, m->body_text);
			mh_printer_message (st->record_printer, m);
		}
		mh_message_free (m);
		return;
	}
	take_message (st, m, entry);
	if (st->r.summary.messages % 256 == 0)
		progress_show (st, FALSE);
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
		if (st->records)
			mh_bulk_write_skipped (st->records, file, "Office document or archive (--no-documents)");
		else
			mh_scan_summary_add_skipped (&st->r.summary, file, "Office document or archive (--no-documents)");
		return;
	}
	g_autoptr (mh_document) doc = mh_document_analyse (bytes, len, name, &st->analyse.office);
	mh_scan_summary_add_document (&st->r.summary, doc);
	mh_verdict verdict = mh_document_overall_verdict (doc);
	if (verdict >= MH_VERDICT_MACROS)
		st->r.summary.flagged_documents++;
	if (verdict >= MH_VERDICT_MACROS || st->all) {
		if (st->records)
			mh_printer_document (st->record_printer, file, doc);
		else if (!st->summary_only)
			mh_printer_document (st->printer, file, doc);
	}
}

static void
on_contact (const mh_pst_contact *contact, gpointer user_data)
{
	scan_state *st = user_data;
	st->r.summary.contacts++;
	if (!st->contacts)
		return;
	if (st->records)
		mh_printer_contact (st->record_printer, st->current_file, contact);
	else if (!st->summary_only)
		mh_printer_contact (st->printer, st->current_file, contact);
}

static void
on_input (const char *file, const char *kind, gpointer user_data)
{
	scan_state *st = user_data;
	g_free (st->current_file);
	st->current_file = g_strdup (file);
	if (st->records)
		mh_bulk_write_input (st->records, file, kind);
	else
		st->r.summary.inputs++;
}

/* records mode: what the reader says goes into the records */
static void
record_error (const char *file, const char *folder, gint64 index, const char *what, gpointer user_data)
{
	scan_state *st = user_data;
	mh_bulk_write_error (st->records, file, folder, index, what);
}

static void
record_skipped (const char *file, const char *reason, gpointer user_data)
{
	scan_state *st = user_data;
	mh_bulk_write_skipped (st->records, file, reason);
}

static void
record_folder (const char *file, const char *folder, const char *role, guint messages, gpointer user_data)
{
	scan_state *st = user_data;
	mh_bulk_write_folder (st->records, file, folder, role, messages);
}

static const mh_reader_callbacks direct_callbacks = {
	on_message, on_error, mh_cmd_on_skipped, on_input, on_document, on_contact, mh_cmd_on_folder
};
static const mh_reader_callbacks record_callbacks = {
	on_message, record_error, record_skipped, on_input, on_document, on_contact, record_folder
};

/* The locator index of the first message of a unit: the ranges of an
 * mbox go on from where the range before them ended (mh_plan_merge). */
static guint
unit_base (scan_state *st, const char *path, guint range)
{
	if (range == 0 || !st->base_path || strcmp (st->base_path, path) != 0)
		return 0;
	return st->base_next;
}

/* After unit @unit: where the next range of its mbox goes on, and which
 * later units it read instead of them (their results are left out). */
static void
unit_done (scan_state *st, guint unit, const char *path, guint base, const mh_unit_result *result)
{
	g_free (st->base_path);
	st->base_path = g_strdup (path);
	st->base_next = base + result->messages;
	if (result->superseded)
		st->skip_through = MAX (st->skip_through, (gint64) unit + result->superseded);
}

/* Writes the records of unit @u, number @i of the plan and found under
 * the PATH @root, onto @out (records mode). */
static void
write_unit (scan_state *st, guint i, const mh_work_unit *u, const char *root, const mh_limits *limits,
            FILE *out)
{
	mh_unit_head head = { i, u->key, u->path, (char *) root, u->range, u->ranges };
	mh_bulk_write_head (out, &head);
	mh_scan_summary_clear (&st->r.summary);
	mh_scan_summary_init (&st->r.summary);
	st->records = out;
	st->record_printer->out = out;
	st->scanning = root;
	mh_unit_tail tail = { .unit = i };
	mh_read_unit (u, 0, limits, &record_callbacks, st, &tail.result);
	tail.counts = st->r.summary;
	mh_bulk_write_tail (out, &tail);
	st->records = NULL;
}

/* -- reading records back ------------------------------------------------------------ */

/* What the parent keeps while it reads one unit's records. */
typedef struct {
	scan_state  *st;
	const char  *source;     /* the records file, for errors */
	gboolean     own;        /* written by a worker of this scan (not a shard's) */
	guint        line;
	gboolean     in_unit;
	mh_unit_head head;
	guint        base;       /* added to the locator indexes of its messages */
	gboolean     discard;    /* a range an earlier range read instead */
	gboolean     ended;      /* its unit-end was read */
	char        *body;       /* the body record before a message record */
	GString     *body_line;  /* and its line, for a worker's */
	mh_flat_record *flat;    /* the line being read, when it is flat */
} record_reader;

static void
record_problem (record_reader *rr, const char *what)
{
	g_autofree char *where = g_strdup_printf ("%s (records)", rr->source);
	on_error (where, NULL, rr->line, what, rr->st);
}

/* The records of a unit that come once or more per input are flat
 * (mh_flat_record): read without a JSON tree.  The report's message and
 * document lines are not. */
static const char *const flat_record_types[] = {
	"unit", "input", "error", "skipped", "folder", "indexed", "body", "contact", "unit-end",
};

static gboolean
is_flat_type (const char *type)
{
	for (gsize i = 0; i < G_N_ELEMENTS (flat_record_types); i++)
		if (strcmp (type, flat_record_types[i]) == 0)
			return TRUE;
	return FALSE;
}

/* How the jsonl printer begins a message line, and a document line. */
#define MESSAGE_RECORD_START "{\"type\":\"message\","
#define DOCUMENT_RECORD_START "{\"type\":\"document\","

/* One record line; what does not belong is an error naming the line. */
static void
take_record (record_reader *rr, const char *line, gsize len)
{
	scan_state *st = rr->st;
	g_autoptr (GError) error = NULL;
	g_autoptr (GError) flat_error = NULL;
	g_autoptr (JsonNode) node = NULL;
	const mh_flat_record *r = rr->flat;
	const char *type = NULL;
	if (mh_flat_record_parse (rr->flat, line, len, &flat_error))
		type = mh_flat_record_type (r);
	else if (g_error_matches (flat_error, MH_RECORD_ERROR, MH_RECORD_ERROR_EMPTY))
		return;
	if (!type && rr->own && rr->in_unit && !rr->discard && !st->check && !st->all &&
	    g_str_has_prefix (line, MESSAGE_RECORD_START) && can_wait (st)) {
		/* a worker's message record is a flagged mail, which waits as
		 * records anyway: its lines go there as they are, read once at
		 * the end instead of also here */
		waiting_add (st, rr->base);
		if (rr->body_line->len > 0)
			fwrite (rr->body_line->str, 1, rr->body_line->len, st->waiting_file);
		else
			mh_bulk_write_body (st->waiting_file, NULL);
		fwrite (line, 1, len, st->waiting_file);
		fputc ('\n', st->waiting_file);
		g_clear_pointer (&rr->body, g_free);
		g_string_truncate (rr->body_line, 0);
		return;
	}
	if (!type && rr->own && rr->in_unit && !rr->discard && !st->summary_only &&
	    st->printer->klass == &mh_jsonl_printer && g_str_has_prefix (line, DOCUMENT_RECORD_START)) {
		/* a worker's document line is what the jsonl report prints for
		 * it (the same printer, the same options): it goes there as it
		 * is.  Read and printed again, it cost the parent three quarters
		 * of its instructions on a folder of documents (300 of the
		 * bench's Office folder: 220 M, now 53 M). */
		fwrite (line, 1, len, st->printer->out);
		fputc ('\n', st->printer->out);
		return;
	}
	if (!type || !is_flat_type (type)) {
		/* a message or document line, or a line that is not flat JSON:
		 * json-glib reads it, and says what is wrong with it */
		mh_record_kind kind;
		node = mh_record_parse_line (line, len, &kind, &error);
		if (!node) {
			record_problem (rr, error->message);
			return;
		}
		type = json_object_get_string_member_with_default (json_node_get_object (node), "type", "");
		if (is_flat_type (type)) {
			/* json-glib read what the flat reader refused */
			record_problem (rr, flat_error ? flat_error->message : "a flat record that is not flat");
			return;
		}
	}
	if (strcmp (type, "unit") == 0) {
		mh_unit_head_clear (&rr->head);
		if (!mh_bulk_read_head (r, &rr->head, &error)) {
			record_problem (rr, error->message);
			return;
		}
		rr->in_unit = TRUE;
		rr->discard = (gint64) rr->head.unit <= st->skip_through;
		rr->base = unit_base (st, rr->head.path, rr->head.range);
		st->scanning = rr->head.root;
		return;
	}
	if (!rr->in_unit) {
		record_problem (rr, "a record before the first unit record");
		return;
	}
	if (rr->discard && strcmp (type, "unit-end") != 0)
		return;
	if (strcmp (type, "input") == 0) {
		g_autofree char *file = NULL, *what = NULL;
		if (mh_bulk_get_string (r, "file", FALSE, &file, &error) &&
		    mh_bulk_get_string (r, "kind", TRUE, &what, &error))
			on_input (file, what, st);
	} else if (strcmp (type, "error") == 0) {
		g_autofree char *file = NULL, *folder = NULL, *what = NULL;
		gint64 index;
		if (mh_bulk_get_string (r, "file", FALSE, &file, &error) &&
		    mh_bulk_get_string (r, "folder", TRUE, &folder, &error) &&
		    mh_bulk_get_int (r, "index", -1, G_MAXUINT, &index, &error) &&
		    mh_bulk_get_string (r, "error", FALSE, &what, &error))
			on_error (file, folder, index >= 0 ? index + rr->base : -1, what, st);
	} else if (strcmp (type, "skipped") == 0) {
		g_autofree char *file = NULL, *reason = NULL;
		if (mh_bulk_get_string (r, "file", FALSE, &file, &error) &&
		    mh_bulk_get_string (r, "reason", FALSE, &reason, &error))
			mh_cmd_on_skipped (file, reason, st);
	} else if (strcmp (type, "folder") == 0) {
		g_autofree char *file = NULL, *folder = NULL, *role = NULL;
		gint64 messages;
		if (mh_bulk_get_string (r, "file", FALSE, &file, &error) &&
		    mh_bulk_get_string (r, "folder", TRUE, &folder, &error) &&
		    mh_bulk_get_string (r, "role", TRUE, &role, &error) &&
		    mh_bulk_get_int (r, "messages", 0, G_MAXUINT, &messages, &error)) {
			/* the summary keeps the role as a static string */
			const char *roles[] = { "sent-items", "deleted-items" };
			const char *known = NULL;
			for (gsize i = 0; role && i < G_N_ELEMENTS (roles); i++)
				if (strcmp (role, roles[i]) == 0)
					known = roles[i];
			mh_cmd_on_folder (file, folder, known, (guint) messages, st);
		}
	} else if (strcmp (type, "indexed") == 0) {
		mh_index_entry *entry = mh_bulk_read_entry (r, &error);
		if (entry) {
			entry->index += rr->base;
			g_free (entry->mailbox);
			entry->mailbox = g_strdup (rr->head.root);
			mh_thread_index_add_entry (st->index, entry);
			mh_index_entry_free (entry);
		}
	} else if (strcmp (type, "body") == 0) {
		g_clear_pointer (&rr->body, g_free);
		mh_bulk_get_string (r, "text", TRUE, &rr->body, &error);
		g_string_truncate (rr->body_line, 0);
		if (rr->own && !error) {
			g_string_append_len (rr->body_line, line, (gssize) len);
			g_string_append_c (rr->body_line, '\n');
		}
	} else if (strcmp (type, "message") == 0) {
		mh_message *m = mh_message_from_json (node, &error);
		if (m) {
			m->locator.index += rr->base;
			if (rr->body) {
				g_free (m->body_text);
				m->body_text = g_steal_pointer (&rr->body);
			}
			take_message (st, m, NULL);
		}
		g_clear_pointer (&rr->body, g_free);
		g_string_truncate (rr->body_line, 0);
	} else if (strcmp (type, "document") == 0) {
		g_autofree char *file = NULL;
		g_autoptr (mh_document) doc = mh_document_from_json (node, &file, &error);
		if (doc && !st->summary_only)
			mh_printer_document (st->printer, file, doc);
	} else if (strcmp (type, "contact") == 0) {
		g_autofree char *file = NULL;
		mh_pst_contact *c = mh_bulk_read_contact (r, &file, &error);
		if (c && !st->summary_only)
			mh_printer_contact (st->printer, file, c);
		if (c)
			mh_pst_contact_free (c);
	} else if (strcmp (type, "unit-end") == 0) {
		mh_unit_tail tail;
		if (mh_bulk_read_tail (r, &tail, &error)) {
			if (!rr->discard) {
				mh_bulk_add_counts (&st->r.summary, &tail.counts);
				unit_done (st, rr->head.unit, rr->head.path, rr->base, &tail.result);
			}
			rr->ended = TRUE;
			rr->in_unit = FALSE;
		}
	} else {
		g_autofree char *what = g_strdup_printf ("a record of type \"%s\" is not read here", type);
		record_problem (rr, what);
		return;
	}
	if (error)
		record_problem (rr, error->message);
}

/* Reads the records of one stream, line by line. */
static void
take_records (scan_state *st, FILE *in, const char *source, gboolean own)
{
	record_reader rr = { .st = st, .source = source, .own = own, .flat = mh_flat_record_new (),
	                     .body_line = g_string_new (NULL) };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline (&line, &cap, in)) >= 0) {
		rr.line++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		take_record (&rr, line, (gsize) len);
	}
	free (line);
	if (rr.in_unit && !rr.ended)
		record_problem (&rr, "the records of a unit end without its unit-end record: cut short");
	mh_unit_head_clear (&rr.head);
	g_free (rr.body);
	g_string_free (rr.body_line, TRUE);
	mh_flat_record_free (rr.flat);
}

/* -- worker processes --------------------------------------------------------------- */

/* A worker is a forked copy of the scan that reads the units it is given
 * on its pipe into a records file of the spool directory and answers
 * "K\n" when the batch starting at unit K is complete.  Workers are forked
 * before the plan is made and the mailboxes of --mailbox are indexed, so
 * that they do not hold a copy of either: a worker's memory does not grow
 * with the number of inputs.  A worker that dies (a decoder crash, the OOM
 * killer) costs the unit it was reading, which the report names as an
 * error; another worker, forked then, takes its place. */
typedef struct {
	GPid  pid;
	int   to;        /* the parent writes batches here */
	int   from;      /* and reads the answers here */
	gint  unit;      /* the first unit of the batch it is reading, or -1 */
	GString *answer; /* bytes of an answer read so far */
} worker;

/* The workers of a scan. */
typedef struct {
	worker *workers;
	guint   jobs;      /* slots */
	guint   started;   /* workers running */
} worker_pool;

typedef enum {
	UNIT_WAITING = 0,
	UNIT_READING,
	UNIT_READ,
	UNIT_LOST,       /* its worker died */
	UNIT_TOO_LARGE,  /* its description is larger than a batch may be */
	UNIT_IN_BATCH,   /* read with the unit before it, in its file */
} unit_state;

/* Small inputs go to a worker in batches of consecutive units, up to
 * these, so that a quarantine of small files does not cost a pipe round
 * trip and a records file each.  A batch whose worker dies is handed out
 * again one unit at a time: a crash still costs one input. */
#define BATCH_UNITS 64
#define BATCH_BYTES ((gint64) 1 << 20)

/* A batch on the pipe: its length (native guint32), then the spool
 * directory, the OCR cache directory (or NULL), the number of units, and
 * each unit with its number in the plan and the PATH it was found under
 * (mh_wire_*, mh_work_unit_put: a GVariant of the batch was a quarter of
 * the parent's time on a quarantine folder).  The cap is larger than any
 * batch the parent makes (64 units, of which a range of an mbox carries
 * the file's cut points). */
#define BATCH_MAX_BYTES ((guint32) 64 << 20)

/* A batch as the worker reads it. */
typedef struct {
	char      *spool;
	char      *ocr;
	GArray    *numbers;   /* of guint32: each unit's number in the plan */
	GPtrArray *roots;     /* of char*: the PATH it was found under */
	GPtrArray *units;     /* of mh_work_unit* */
} worker_batch;

static void
worker_batch_free (worker_batch *b)
{
	g_free (b->spool);
	g_free (b->ocr);
	g_array_unref (b->numbers);
	g_ptr_array_unref (b->roots);
	g_ptr_array_unref (b->units);
	g_free (b);
}

static char *
unit_file (const char *spool_dir, guint unit)
{
	g_autofree char *name = g_strdup_printf ("%u.jsonl", unit);
	return g_build_filename (spool_dir, name, NULL);
}

/* The next batch on @in; NULL at the end of the pipe.  Bytes that are not
 * a batch end the worker (the parent then reads its units again, one at
 * a time). */
static worker_batch *
worker_read_batch (FILE *in)
{
	guint32 len;
	if (fread (&len, sizeof len, 1, in) != 1)
		return NULL;
	if (len == 0 || len > BATCH_MAX_BYTES)
		_exit (1);
	g_autofree guint8 *data = g_malloc (len);
	if (fread (data, 1, len, in) != len)
		return NULL;
	const guint8 *p = data;
	gsize left = len;
	worker_batch *b = g_new0 (worker_batch, 1);
	b->numbers = g_array_new (FALSE, FALSE, sizeof (guint32));
	b->roots = g_ptr_array_new_with_free_func (g_free);
	b->units = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_work_unit_free);
	guint32 n;
	if (!mh_wire_get_string (&p, &left, &b->spool) || !b->spool ||
	    !mh_wire_get_string (&p, &left, &b->ocr) || !mh_wire_get_u32 (&p, &left, &n))
		_exit (1);
	for (guint32 k = 0; k < n; k++) {
		guint32 number;
		char *root;
		if (!mh_wire_get_u32 (&p, &left, &number) || !mh_wire_get_string (&p, &left, &root) || !root)
			_exit (1);
		mh_work_unit *u = mh_work_unit_get (&p, &left);
		if (!u)
			_exit (1);
		g_array_append_val (b->numbers, number);
		g_ptr_array_add (b->roots, root);
		g_ptr_array_add (b->units, u);
	}
	if (left != 0)
		_exit (1);
	return b;
}

/* Workers forked so far: the tests' way to make the first N of them end
 * before they read anything (MAILHUNT_TEST_IDLE_WORKERS_EXIT=N), as the
 * OOM killer might end an idle one. */
static guint workers_forked;

G_GNUC_NORETURN static void
worker_main (scan_state *st, const mh_limits *limits, int from, int to)
{
	const char *idle_exit = g_getenv ("MAILHUNT_TEST_IDLE_WORKERS_EXIT");
	if (idle_exit && workers_forked <= g_ascii_strtoull (idle_exit, NULL, 10))
		_exit (0);
	FILE *in = fdopen (from, "r");
	g_autofree char *ocr_dir = NULL;
	worker_batch *batch;
	while (in && (batch = worker_read_batch (in))) {
		if (g_strcmp0 (batch->ocr, ocr_dir) != 0) {
			g_free (ocr_dir);
			ocr_dir = g_strdup (batch->ocr);
			mh_office_set_ocr_cache_dir (ocr_dir);
		}
		guint n = batch->units->len;
		guint first = n > 0 ? g_array_index (batch->numbers, guint32, 0) : 0;
		g_autofree char *path = unit_file (batch->spool, first);
		FILE *out = n > 0 ? fopen (path, "w") : NULL;
		for (guint k = 0; out && k < n; k++) {
			guint i = g_array_index (batch->numbers, guint32, k);
			const mh_work_unit *u = g_ptr_array_index (batch->units, k);
			/* the tests' way to show that a worker's death costs one input */
			const char *doomed = g_getenv ("MAILHUNT_TEST_KILL_WORKER_ON");
			if (doomed && *doomed && strstr (u->path, doomed))
				raise (SIGKILL);
			/* and that a worker dies with its parent, however busy */
			const char *stalled = g_getenv ("MAILHUNT_TEST_STALL_WORKER_ON");
			if (stalled && *stalled && strstr (u->path, stalled))
				g_usleep (60 * G_USEC_PER_SEC);
			write_unit (st, i, u, g_ptr_array_index (batch->roots, k), limits, out);
		}
		worker_batch_free (batch);
		if (out && fclose (out) != 0)
			unlink (path);
		g_autofree char *answer = g_strdup_printf ("%u\n", first);
		if (!mh_write_all (to, answer, strlen (answer)))
			break;
	}
	mh_ocr_thread_cleanup ();
	_exit (0);
}

static gboolean
worker_start (scan_state *st, const mh_limits *limits, worker_pool *pool, worker *w)
{
	int down[2], up[2];
	if (pipe (down) != 0)
		return FALSE;
	if (pipe (up) != 0) {
		close (down[0]);
		close (down[1]);
		return FALSE;
	}
	fflush (NULL);
#ifdef PR_SET_PDEATHSIG
	pid_t parent = getpid ();   /* the child checks it is still its parent */
#endif
	workers_forked++;
	pid_t pid = fork ();
	if (pid < 0) {
		close (down[0]); close (down[1]); close (up[0]); close (up[1]);
		return FALSE;
	}
	if (pid == 0) {
		/* a worker stops when told: the parent removes what it wrote */
		signal (SIGINT, SIG_DFL);
		signal (SIGTERM, SIG_DFL);
#ifdef PR_SET_PDEATHSIG
		/* and when the parent is killed outright, at once rather than
		 * after its batch: nobody is left to read or remove its records */
		prctl (PR_SET_PDEATHSIG, SIGKILL);
		if (getppid () != parent)
			_exit (1);
#endif
		close (down[1]);
		close (up[0]);
		for (guint i = 0; i < pool->jobs; i++)
			if (pool->workers[i].pid > 0) {
				close (pool->workers[i].to);
				close (pool->workers[i].from);
			}
		worker_main (st, limits, down[0], up[1]);
	}
	close (down[0]);
	close (up[1]);
	w->pid = pid;
	w->to = down[1];
	w->from = up[0];
	w->unit = -1;
	/* a worker the tests make end idle has ended before it is given
	 * anything (its answers pipe closes), as the test means: otherwise a
	 * worker slow to start may take a batch into its pipe and lose it */
	const char *idle_exit = g_getenv ("MAILHUNT_TEST_IDLE_WORKERS_EXIT");
	if (idle_exit && workers_forked <= g_ascii_strtoull (idle_exit, NULL, 10)) {
		char c;
		ssize_t got;
		while ((got = read (w->from, &c, 1)) > 0 || (got < 0 && errno == EINTR))
			;
	}
	if (!w->answer)
		w->answer = g_string_new (NULL);
	g_string_truncate (w->answer, 0);
	return TRUE;
}

static void
worker_stop (worker *w, int *status)
{
	close (w->to);
	close (w->from);
	*status = 0;
	waitpid (w->pid, status, 0);
	w->pid = 0;
}

/* @jobs workers, forked now: before the plan (see worker above). */
static void
pool_start (worker_pool *pool, scan_state *st, const mh_limits *limits, guint jobs)
{
	pool->jobs = jobs;
	pool->workers = g_new0 (worker, jobs);
	pool->started = 0;
	for (guint i = 0; i < jobs; i++)
		if (worker_start (st, limits, pool, &pool->workers[i]))
			pool->started++;
}

/* Stops the workers (each ends when its pipe closes), or kills them
 * with @signum when not 0. */
static void
pool_stop (worker_pool *pool, int signum)
{
	for (guint i = 0; i < pool->jobs; i++) {
		worker *w = &pool->workers[i];
		if (w->pid > 0) {
			int code;
			if (signum)
				kill (w->pid, signum);
			worker_stop (w, &code);
		}
		if (w->answer)
			g_string_free (w->answer, TRUE);
	}
	g_clear_pointer (&pool->workers, g_free);
	pool->jobs = pool->started = 0;
}

typedef enum {
	GIVEN,
	WORKER_GONE,
	BATCH_TOO_LARGE,
} give_result;

static give_result
worker_give (worker *w, const scan_state *st, const char *spool_dir, const char *ocr_dir,
             guint unit, guint count)
{
	g_autoptr (GByteArray) batch = g_byte_array_new ();
	mh_wire_put_u32 (batch, 0);   /* its length, set below */
	mh_wire_put_string (batch, spool_dir);
	mh_wire_put_string (batch, ocr_dir);
	mh_wire_put_u32 (batch, count);
	for (guint i = unit; i < unit + count; i++) {
		mh_wire_put_u32 (batch, i);
		mh_wire_put_string (batch, g_ptr_array_index (st->roots, i));
		mh_work_unit_put (batch, g_ptr_array_index (st->units, i));
	}
	gsize size = batch->len - sizeof (guint32);
	if (size > BATCH_MAX_BYTES)
		return BATCH_TOO_LARGE;
	guint32 len = (guint32) size;
	/* a worker that died leaves a pipe without a reader: the write fails
	 * with EPIPE, and the SIGPIPE it raises must not end the scan (one of
	 * the libraries loaded ignores SIGPIPE already; this does not count
	 * on it) */
	sigset_t pipe_signal, old;
	sigemptyset (&pipe_signal);
	sigaddset (&pipe_signal, SIGPIPE);
	pthread_sigmask (SIG_BLOCK, &pipe_signal, &old);
	memcpy (batch->data, &len, sizeof len);
	gboolean written = mh_write_all (w->to, batch->data, batch->len);
	if (!written && errno == EPIPE) {
		const struct timespec now = { 0, 0 };
		while (sigtimedwait (&pipe_signal, NULL, &now) > 0)
			;
	}
	pthread_sigmask (SIG_SETMASK, &old, NULL);
	if (!written)
		return WORKER_GONE;
	w->unit = (gint) unit;
	return GIVEN;
}

/* The records of unit @u, read back in plan order; a lost unit is an
 * error of its file. */
static void
take_unit (scan_state *st, const char *spool_dir, guint u, guint count, unit_state state, int status)
{
	const mh_work_unit *unit = g_ptr_array_index (st->units, u);
	g_autofree char *path = unit_file (spool_dir, u);
	if (state == UNIT_READ) {
		FILE *in = fopen (path, "r");
		if (in) {
			take_records (st, in, path, TRUE);
			fclose (in);
		} else
			state = UNIT_LOST;
	}
	if (state == UNIT_TOO_LARGE && (gint64) u > st->skip_through)
		on_error (unit->path, NULL, -1, "the description of this range of the mbox (its cut points) is "
		          "larger than a worker is given: not scanned; give a larger --split-size", st);
	if (state == UNIT_LOST && (gint64) u > st->skip_through) {
		g_autofree char *what = WIFSIGNALED (status)
			? g_strdup_printf ("the worker process reading it died of signal %d (%s): not scanned",
			                   WTERMSIG (status), g_strsignal (WTERMSIG (status)))
			: g_strdup ("the worker process reading it stopped: not scanned");
		on_error (unit->path, NULL, -1, what, st);
	}
	unlink (path);
	for (guint i = u; i < u + count; i++) {
		const mh_work_unit *done = g_ptr_array_index (st->units, i);
		st->units_done++;
		st->bytes_done += (guint64) MAX (done->size, 0);
	}
}

static volatile sig_atomic_t stop_signal;

static void scan_here (scan_state *st, const mh_limits *limits, const guint8 *wanted);

static void
on_stop_signal (int signum)
{
	stop_signal = signum;
}

/* The spool directory and everything in it (records files, what OCR
 * read): two levels, nothing else is made there. */
static void
remove_spool (const char *dir)
{
	GDir *d = g_dir_open (dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name (d))) {
		g_autofree char *path = g_build_filename (dir, name, NULL);
		if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
			remove_spool (path);
		else
			g_unlink (path);
	}
	if (d)
		g_dir_close (d);
	g_rmdir (dir);
}

/* Who made a spool directory: "pid boot-id" in a file of it, so that a
 * later scan can tell a spool whose scan was killed (SIGKILL gives no
 * chance to remove it) from one in use. */
#define SPOOL_OWNER "owner"

static char *
boot_id (void)
{
	char *boot = NULL;
	if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL))
		boot = g_strdup ("unknown");
	return g_strstrip (boot);
}

/* Removes the spool directories of scans that were killed: ours (same
 * user), named as scan names them, whose owner file names a process of
 * this boot that is gone.  The records in them hold mail that was read;
 * nothing else in $TMPDIR is touched. */
static void
remove_stale_spools (const char *command, gboolean quiet)
{
	const char *tmp = g_get_tmp_dir ();
	GDir *d = g_dir_open (tmp, 0, NULL);
	const char *name;
	g_autofree char *boot = boot_id ();
	while (d && (name = g_dir_read_name (d))) {
		if (!g_str_has_prefix (name, "mailhunt-") || strlen (name) != strlen ("mailhunt-XXXXXX"))
			continue;
		g_autofree char *dir = g_build_filename (tmp, name, NULL);
		struct stat sb;
		if (lstat (dir, &sb) != 0 || !S_ISDIR (sb.st_mode) || sb.st_uid != getuid ())
			continue;
		g_autofree char *owner_file = g_build_filename (dir, SPOOL_OWNER, NULL);
		g_autofree char *owner = NULL;
		if (!g_file_get_contents (owner_file, &owner, NULL, NULL))
			continue;
		char *end;
		long pid = strtol (owner, &end, 10);
		if (end == owner || pid <= 0 || *end != ' ' || strcmp (g_strstrip (end + 1), boot) != 0)
			continue;   /* not ours to judge: another boot, or no pid */
		if (kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
			continue;   /* its scan is still running */
		remove_spool (dir);
		if (!quiet)
			fprintf (stderr, "mailhunt %s: removed %s, left by a scan that was killed\n", command, dir);
	}
	if (d)
		g_dir_close (d);
}

/* The units @first .. @first + @count - 1 go out again, one at a time. */
static void
hand_back (GArray *again, unit_state *state, guint first, guint count)
{
	for (guint k = first; k < first + count; k++) {
		state[k] = UNIT_WAITING;
		g_array_append_val (again, k);
	}
}

/* How much a unit adds to the batch it is in: its bytes, and the cut
 * points of its mbox that its description carries. */
static gint64
batch_cost (const mh_work_unit *u)
{
	return MAX (u->size, 0) + (u->cuts ? (gint64) u->cuts->len * (gint64) sizeof (gint64) : 0);
}

/* scan --jobs N: the units go to the workers of @pool (which this stops);
 * their records come back in plan order, whatever order the workers
 * finish in. */
static void
scan_with_workers (scan_state *st, const mh_limits *limits, worker_pool *pool, const guint8 *wanted)
{
	g_autoptr (GError) error = NULL;
	remove_stale_spools (st->command, st->r.quiet);
	/* the records hold the mail read: an interrupted scan removes them.
	 * The handlers go in before the directory exists, or a signal in
	 * between would end the scan and leave it behind. */
	struct sigaction on_stop = { 0 }, old_int, old_term;
	on_stop.sa_handler = on_stop_signal;
	sigemptyset (&on_stop.sa_mask);
	sigaction (SIGINT, &on_stop, &old_int);
	sigaction (SIGTERM, &on_stop, &old_term);
	g_autofree char *spool_dir = g_dir_make_tmp ("mailhunt-XXXXXX", &error);
	if (!spool_dir) {
		sigaction (SIGINT, &old_int, NULL);
		sigaction (SIGTERM, &old_term, NULL);
		if (stop_signal) {
			pool_stop (pool, SIGTERM);
			signal (stop_signal, SIG_DFL);
			raise (stop_signal);
		}
		fprintf (stderr, "mailhunt %s: no directory for the workers' records (%s): reading in one "
		         "process\n", st->command, error->message);
		pool_stop (pool, 0);
		scan_here (st, limits, wanted);
		return;
	}
	/* the tests' way to signal the scan right after the directory is made:
	 * a pause in tenths of a second, which a signal already taken ends */
	const char *pause = g_getenv ("MAILHUNT_TEST_PAUSE_AFTER_SPOOL");
	for (guint64 tenths = pause ? g_ascii_strtoull (pause, NULL, 10) * 10 : 0; tenths > 0 && !stop_signal; tenths--)
		g_usleep (G_USEC_PER_SEC / 10);
	{
		g_autofree char *owner_file = g_build_filename (spool_dir, SPOOL_OWNER, NULL);
		g_autofree char *boot = boot_id ();
		g_autofree char *owner = g_strdup_printf ("%ld %s\n", (long) getpid (), boot);
		g_file_set_contents (owner_file, owner, -1, NULL);
	}
	g_autofree char *ocr_dir = g_build_filename (spool_dir, "ocr", NULL);
	if (g_mkdir (ocr_dir, 0700) != 0)
		g_clear_pointer (&ocr_dir, g_free);
	guint n = st->units->len;
	g_autofree unit_state *state = g_new0 (unit_state, n);
	g_autofree int *status = g_new0 (int, n);
	/* no more workers than units to read: the others stop at once */
	for (guint i = st->units_total; i < pool->jobs; i++)
		if (pool->workers[i].pid > 0) {
			int code;
			worker_stop (&pool->workers[i], &code);
			pool->started--;
		}
	guint jobs = MIN (pool->jobs, st->units_total);
	worker *workers = pool->workers;
	guint started = pool->started;
	if (started == 0)
		fprintf (stderr, "mailhunt %s: no worker process could be started: nothing read\n", st->command);

	g_autofree guint *batch = g_new0 (guint, n);     /* units in the batch a unit starts */
	g_autoptr (GArray) again = g_array_new (FALSE, FALSE, sizeof (guint));   /* lost batches' units */
	guint next_give = 0, next_take = 0, give_failures = 0;
	while (next_take < n && started > 0 && !stop_signal) {
		/* hand out work to idle workers: units of a lost batch first, one
		 * at a time, then the next batch of wanted units */
		for (guint i = 0; i < jobs; i++) {
			worker *w = &workers[i];
			if (w->pid <= 0 || w->unit >= 0)
				continue;
			guint first, count = 0;
			if (again->len > 0) {
				first = g_array_index (again, guint, 0);
				g_array_remove_index (again, 0);
				count = 1;
			} else {
				while (next_give < n && !wanted[next_give])
					next_give++;
				if (next_give >= n)
					break;
				first = next_give;
				gint64 bytes = 0;
				do {
					bytes += batch_cost (g_ptr_array_index (st->units, next_give));
					count++;
					next_give++;
				} while (next_give < n && wanted[next_give] && count < BATCH_UNITS &&
				         bytes + batch_cost (g_ptr_array_index (st->units, next_give)) <= BATCH_BYTES);
			}
			batch[first] = count;
			give_result given = worker_give (w, st, spool_dir, ocr_dir, first, count);
			if (given == GIVEN) {
				give_failures = 0;
				state[first] = UNIT_READING;
				for (guint k = first + 1; k < first + count; k++)
					state[k] = UNIT_IN_BATCH;
				continue;
			}
			if (given == BATCH_TOO_LARGE && count == 1) {
				/* a range of an mbox cut in millions (a tiny --split-size) */
				state[first] = UNIT_TOO_LARGE;
				i--;   /* the worker is still idle */
				continue;
			}
			hand_back (again, state, first, count);
			if (given == BATCH_TOO_LARGE) {
				i--;
				continue;
			}
			/* the worker died while idle (its pipe has no reader): another
			 * worker takes its place, unless workers keep dying before
			 * reading anything */
			int code;
			worker_stop (w, &code);
			started--;
			if (!stop_signal && ++give_failures <= 2 * jobs && worker_start (st, limits, pool, w))
				started++;
		}
		/* take what is done, in plan order */
		while (next_take < n) {
			if (!wanted[next_take]) {
				next_take++;
				continue;
			}
			if (state[next_take] != UNIT_READ && state[next_take] != UNIT_LOST &&
			    state[next_take] != UNIT_TOO_LARGE)
				break;
			take_unit (st, spool_dir, next_take, batch[next_take], state[next_take], status[next_take]);
			next_take += batch[next_take];
			progress_show (st, FALSE);
		}
		if (next_take >= n)
			break;
		/* wait for an answer or a death */
		struct pollfd fds[256];
		guint polled[256], n_fds = 0;
		for (guint i = 0; i < jobs && n_fds < G_N_ELEMENTS (fds); i++)
			if (workers[i].pid > 0 && workers[i].unit >= 0) {
				fds[n_fds].fd = workers[i].from;
				fds[n_fds].events = POLLIN;
				polled[n_fds++] = i;
			}
		if (n_fds == 0 && again->len > 0)
			continue;   /* workers that died idle were replaced: give again */
		if (n_fds == 0)
			break;
		if (poll (fds, n_fds, st->progress ? 500 : -1) < 0 && errno != EINTR)
			break;
		for (guint f = 0; f < n_fds; f++) {
			if (!(fds[f].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			worker *w = &workers[polled[f]];
			char buf[256];
			ssize_t got = read (w->from, buf, sizeof buf);
			if (got > 0) {
				g_string_append_len (w->answer, buf, got);
				char *nl;
				while ((nl = memchr (w->answer->str, '\n', w->answer->len))) {
					guint u = (guint) g_ascii_strtoull (w->answer->str, NULL, 10);
					g_string_erase (w->answer, 0, nl - w->answer->str + 1);
					if (u < n && state[u] == UNIT_READING && (gint) u == w->unit) {
						state[u] = UNIT_READ;
						w->unit = -1;
					}
				}
				continue;
			}
			/* the worker is gone: a batch is read again unit by unit, a
			 * single unit is lost; another worker takes its place */
			int code;
			gint lost = w->unit;
			worker_stop (w, &code);
			started--;
			if (lost >= 0 && batch[lost] > 1) {
				g_autofree char *path = unit_file (spool_dir, (guint) lost);
				unlink (path);
				hand_back (again, state, (guint) lost, batch[lost]);
			} else if (lost >= 0) {
				state[lost] = UNIT_LOST;
				status[lost] = code;
			}
			if (!stop_signal && worker_start (st, limits, pool, w))
				started++;
		}
		progress_show (st, FALSE);
	}
	if (!stop_signal && started == 0 && next_take < n)
		fprintf (stderr, "mailhunt %s: the worker processes kept ending before they read anything: "
		         "the inputs left are not scanned\n", st->command);
	pool_stop (pool, stop_signal ? SIGTERM : 0);
	remove_spool (spool_dir);
	sigaction (SIGINT, &old_int, NULL);
	sigaction (SIGTERM, &old_term, NULL);
	if (stop_signal) {
		/* end as the signal would have ended the scan */
		progress_clear (st);
		signal (stop_signal, SIG_DFL);
		raise (stop_signal);
	}
	/* units never taken (no worker could run) are errors, not silence */
	for (; next_take < n; next_take++)
		if (wanted[next_take])
			take_unit (st, spool_dir, next_take, 1, UNIT_LOST, 0);
}

/* scan --jobs 1 (and check): the units are read here, one after the
 * other, straight into linking. */
static void
scan_here (scan_state *st, const mh_limits *limits, const guint8 *wanted)
{
	for (guint i = 0; i < st->units->len; i++) {
		if (!wanted[i])
			continue;
		const mh_work_unit *u = g_ptr_array_index (st->units, i);
		if ((gint64) i > st->skip_through) {
			st->scanning = st->check ? NULL : g_ptr_array_index (st->roots, i);
			guint base = unit_base (st, u->path, u->range);
			mh_unit_result result = { 0 };
			mh_read_unit (u, base, limits, &direct_callbacks, st, &result);
			unit_done (st, i, u->path, base, &result);
		}
		st->units_done++;
		st->bytes_done += (guint64) MAX (u->size, 0);
		progress_show (st, FALSE);
	}
}

/* scan --format records: what a shard hands to `mailhunt merge`. */
static void
scan_to_records (scan_state *st, const mh_limits *limits, const guint8 *wanted, FILE *out)
{
	for (guint i = 0; i < st->units->len; i++) {
		if (!wanted[i])
			continue;
		const mh_work_unit *u = g_ptr_array_index (st->units, i);
		write_unit (st, i, u, g_ptr_array_index (st->roots, i), limits, out);
		st->units_done++;
		st->bytes_done += (guint64) MAX (u->size, 0);
		progress_show (st, FALSE);
	}
}

/* -- the stolen-thread map and the end of a report -------------------------------------- */

/* The stolen-thread map, after the messages: in the report (a CSV report
 * has no columns for it: there it goes to standard error as text) and in
 * @file when given.  FALSE when @file could not be written. */
static gboolean
print_thread_map (scan_state *st, const mh_report_output *report, const char *file, gboolean quiet)
{
	g_autoptr (GPtrArray) threads = mh_thread_map_threads (st->map);
	st->r.summary.stolen_threads = threads->len;
	gboolean csv = strcmp (report->format, "csv") == 0;
	mh_printer *terminal = csv && !quiet && threads->len && !st->summary_only
	                       ? mh_printer_new ("text", stderr) : NULL;
	for (guint i = 0; i < threads->len && !st->summary_only; i++) {
		mh_printer_thread (st->printer, g_ptr_array_index (threads, i));
		if (terminal)
			mh_printer_thread (terminal, g_ptr_array_index (threads, i));
	}
	g_clear_pointer (&terminal, mh_printer_free);
	if (mh_thread_map_dropped (st->map) && !quiet)
		fprintf (stderr, "mailhunt %s: %u flagged mails of threads past the first %u left out of "
		         "the stolen-thread map\n", st->command, mh_thread_map_dropped (st->map), MH_THREAD_MAP_MAX);
	if (!file)
		return TRUE;
	FILE *out = strcmp (file, "-") == 0 ? stdout : fopen (file, "w");
	if (!out) {
		fprintf (stderr, "mailhunt %s: cannot write %s: %s\n", st->command, file, g_strerror (errno));
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
		fprintf (stderr, "mailhunt %s: writing %s failed: %s\n", st->command, file, g_strerror (errno));
	return ok;
}

/* Links what waits, prints the map and the summary, frees the state. */
static int
finish_report (scan_state *st, mh_report_output *report, const char *thread_map, gboolean quiet,
               gint64 start)
{
	progress_clear (st);
	finish_waiting (st);
	if (st->map && !print_thread_map (st, report, thread_map, quiet))
		st->r.summary.errors++;
	st->r.summary.elapsed_seconds = (double) (g_get_monotonic_time () - start) / 1e6;
	int rc = st->r.summary.errors > 0 ? MH_EXIT_UNREADABLE
	       : st->r.summary.flagged + st->r.summary.flagged_documents > 0 ? MH_EXIT_FLAGGED
	       : MH_EXIT_CLEAN;
	return mh_report_output_close (report, &st->r.summary, quiet, rc);
}

static void
scan_state_clear (scan_state *st)
{
	mh_scan_summary_clear (&st->r.summary);
	g_free (st->current_file);
	g_free (st->base_path);
	g_clear_pointer (&st->index, mh_thread_index_free);
	g_clear_pointer (&st->map, mh_thread_map_free);
	if (st->waiting)
		g_array_unref (st->waiting);
	g_clear_pointer (&st->waiting_printer, mh_printer_free);
	g_clear_pointer (&st->waiting_file, fclose);
	if (st->units)
		g_ptr_array_unref (st->units);
	if (st->roots)
		g_ptr_array_unref (st->roots);
	g_clear_pointer (&st->record_printer, mh_printer_free);
}

/* "I/N" of --shard: shard I (from 1) of N. */
static gboolean
parse_shard (const char *text, guint *index, guint *count)
{
	guint64 i, n;
	char *end;
	i = g_ascii_strtoull (text, &end, 10);
	if (end == text || *end != '/')
		return FALSE;
	const char *rest = end + 1;
	n = g_ascii_strtoull (rest, &end, 10);
	if (end == rest || *end || n == 0 || n > 1000000 || i == 0 || i > n)
		return FALSE;
	*index = (guint) i - 1;
	*count = (guint) n;
	return TRUE;
}

/* A size in bytes: "1048576", "1024K", "64M", "2G" (KiB, MiB, GiB;
 * "KiB", "MB" and lower case are taken too: analysts write them all). */
static gboolean
parse_size (const char *text, gint64 *size)
{
	char *end;
	errno = 0;
	guint64 n = g_ascii_strtoull (text, &end, 10);
	if (end == text || errno)
		return FALSE;
	guint shift = 0;
	switch (g_ascii_tolower (*end)) {
	case 'k': shift = 10; end++; break;
	case 'm': shift = 20; end++; break;
	case 'g': shift = 30; end++; break;
	default: break;
	}
	if (shift && g_ascii_tolower (*end) == 'i')
		end++;
	if (*end && g_ascii_tolower (*end) == 'b')
		end++;
	if (*end || n > (guint64) G_MAXINT64 >> shift)
		return FALSE;
	*size = (gint64) (n << shift);
	return TRUE;
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
	gboolean contacts = FALSE, progress = FALSE, no_progress = FALSE, summary_only = FALSE;
	g_autofree char *max_message_text = NULL;
	gint64 max_message = 0;
	gint jobs = 0;
	g_autofree char *split_size_text = NULL;
	gint64 split_size = 0;
	g_auto (GStrv) paths = NULL;
	g_auto (GStrv) mailboxes = NULL;
	g_autofree char *thread_map = NULL;
	g_autofree char *files_from = NULL;
	g_autofree char *shard = NULL;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, NULL, NULL },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, NULL, NULL },
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all, NULL, NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, NULL, NULL },
		{ "max-message-size", 0, 0, G_OPTION_ARG_STRING, &max_message_text, NULL, NULL },
		{ "show-code", 0, 0, G_OPTION_ARG_NONE, &show_code, NULL, NULL },
		MH_OFFICE_CLI_ENTRIES (office_cli),
		{ "no-documents", 0, 0, G_OPTION_ARG_NONE, &no_documents, NULL, NULL },
		{ "contacts", 0, 0, G_OPTION_ARG_NONE, &contacts, NULL, NULL },
		{ "mailbox", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &mailboxes, NULL, NULL },
		{ "thread-map", 0, check ? G_OPTION_FLAG_HIDDEN : 0, G_OPTION_ARG_FILENAME, &thread_map, NULL, NULL },
		{ "jobs", 'j', check ? G_OPTION_FLAG_HIDDEN : 0, G_OPTION_ARG_INT, &jobs, NULL, NULL },
		{ "files-from", 0, 0, G_OPTION_ARG_FILENAME, &files_from, NULL, NULL },
		{ "shard", 0, check ? G_OPTION_FLAG_HIDDEN : 0, G_OPTION_ARG_STRING, &shard, NULL, NULL },
		{ "progress", 0, 0, G_OPTION_ARG_NONE, &progress, NULL, NULL },
		{ "no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress, NULL, NULL },
		{ "summary-only", 0, 0, G_OPTION_ARG_NONE, &summary_only, NULL, NULL },
		{ "split-size", 0, check ? G_OPTION_FLAG_HIDDEN : 0, G_OPTION_ARG_STRING, &split_size_text, NULL, NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	/* --files-from may stand in for the paths */
	gboolean listed = FALSE;
	for (int i = 1; i < argc; i++)
		if (g_str_has_prefix (argv[i], "--files-from"))
			listed = TRUE;
	int done = mh_cmd_parse_options (command, help_text, check ? "SUSPECT" : "PATH", entries,
	                                 &argc, &argv, &help, listed ? NULL : &paths);
	if (done >= 0)
		return done;

	guint shard_index = 0, shard_count = 1;
	if (shard && !parse_shard (shard, &shard_index, &shard_count)) {
		fprintf (stderr, "mailhunt %s: --shard takes I/N, shard I of N (1 <= I <= N): '%s'\n", command, shard);
		return MH_EXIT_UNREADABLE;
	}
	if (max_message_text && !parse_size (max_message_text, &max_message)) {
		fprintf (stderr, "mailhunt %s: --max-message-size takes a number of bytes, "
		         "with K, M or G for KiB, MiB or GiB: '%s'\n", command, max_message_text);
		return MH_EXIT_UNREADABLE;
	}
	if (split_size_text && !parse_size (split_size_text, &split_size)) {
		fprintf (stderr, "mailhunt %s: --split-size takes a number of bytes, "
		         "with K, M or G for KiB, MiB or GiB: '%s'\n", command, split_size_text);
		return MH_EXIT_UNREADABLE;
	}
	if (jobs < 0 || jobs > 256) {
		fprintf (stderr, "mailhunt %s: --jobs takes 1 to 256 (default: the number of cores)\n", command);
		return MH_EXIT_UNREADABLE;
	}
	if (jobs == 0)
		jobs = (gint) MIN (g_get_num_processors (), 256u);
	gboolean records = format && strcmp (format, "records") == 0;
	if (records && check) {
		fprintf (stderr, "mailhunt check: --format records is for scan\n");
		return MH_EXIT_UNREADABLE;
	}

	/* what to read: the paths given, then those listed */
	g_autoptr (GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
	for (int i = 0; paths && paths[i]; i++)
		g_ptr_array_add (inputs, g_strdup (paths[i]));
	if (files_from) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GPtrArray) list = mh_read_file_list (files_from, &error);
		if (!list) {
			fprintf (stderr, "mailhunt %s: --files-from %s: %s\n", command, files_from, error->message);
			return MH_EXIT_UNREADABLE;
		}
		for (guint i = 0; i < list->len && g_ptr_array_index (list, i); i++)
			g_ptr_array_add (inputs, g_strdup (g_ptr_array_index (list, i)));
	}
	if (inputs->len == 0) {
		fprintf (stderr, "mailhunt %s: no %s given (see mailhunt help %s)\n", command,
		         check ? "SUSPECT" : "PATH", command);
		return MH_EXIT_UNREADABLE;
	}

	mh_limits limits;
	mh_limits_init_default (&limits);
	if (max_message > 0)
		limits.max_message_size = (gsize) max_message;

	scan_state st = { 0 };
	st.command = command;
	st.skip_through = -1;
	mh_analyse_options_init_default (&st.analyse);
	if (!mh_office_cli_apply (&office_cli, command, &st.analyse.office))
		return MH_EXIT_UNREADABLE;
	mh_report_output report;
	if (!mh_report_output_open (&report, command, records ? "jsonl" : format, output))
		return MH_EXIT_UNREADABLE;
	st.printer = report.printer;
	st.printer->quiet = quiet;
	st.printer->show_code = show_code;
	st.all = all || check;
	st.check = check;
	st.contacts = contacts;
	st.summary_only = summary_only;
	st.analyse.documents = !no_documents;
	st.r.quiet = quiet;
	st.progress = !no_progress && !quiet && (progress || isatty (fileno (stderr)));
	st.started = g_get_monotonic_time ();
	st.record_printer = mh_printer_new ("jsonl", report.out);
	st.record_printer->show_code = show_code;
	mh_scan_summary_init (&st.r.summary);
	gint64 start = g_get_monotonic_time ();

	/* the workers of --jobs N, forked before they could inherit the plan */
	worker_pool pool = { 0 };
	if (!check && !records && jobs > 1)
		pool_start (&pool, &st, &limits, (guint) jobs);

	/* the plan: every unit of every input, in reading order; a shard keeps its own */
	mh_plan_options plan;
	mh_plan_options_init_default (&plan);
	if (split_size > 0)
		plan.split_size = MAX (split_size, 4096);
	st.units = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_work_unit_free);
	st.roots = g_ptr_array_new ();
	g_ptr_array_add (inputs, NULL);
	for (guint i = 0; g_ptr_array_index (inputs, i); i++) {
		const char *root = g_ptr_array_index (inputs, i);
		mh_plan_add_path (st.units, root, &plan);
		while (st.roots->len < st.units->len)
			g_ptr_array_add (st.roots, (gpointer) root);
	}
	g_autofree guint8 *wanted = g_new0 (guint8, st.units->len + 1);
	for (guint i = 0; i < st.units->len; i++) {
		const mh_work_unit *u = g_ptr_array_index (st.units, i);
		wanted[i] = shard_count == 1 || mh_unit_shard (u, shard_count) == shard_index;
		if (wanted[i]) {
			st.units_total++;
			st.bytes_total += (guint64) MAX (u->size, 0);
		}
	}

	if (records) {
		/* a shard's records: nothing linked, nothing printed */
		scan_to_records (&st, &limits, wanted, report.out);
		progress_clear (&st);
		int rc = fflush (report.out) == 0 && (report.out == stdout || fclose (report.out) == 0)
		         ? MH_EXIT_CLEAN : MH_EXIT_UNREADABLE;
		if (rc != MH_EXIT_CLEAN)
			fprintf (stderr, "mailhunt %s: writing the records failed: %s\n", command, g_strerror (errno));
		mh_printer_free (report.printer);
		g_free (report.format);
		scan_state_clear (&st);
		return rc;
	}

	if (!check) {
		st.index = mh_thread_index_new ();
		st.map = mh_thread_map_new ();
		st.waiting = g_array_new (FALSE, FALSE, sizeof (waiting_mail));
		st.linkers = (guint) jobs;
	}
	st.report_out = report.out;
	if (mailboxes && mailboxes[0]) {
		if (!st.index)
			st.index = mh_thread_index_new ();
		mh_reader_callbacks index_cb = { on_indexed_message, on_error, mh_cmd_on_skipped, NULL, NULL, NULL, NULL };
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

	mh_printer_begin (st.printer);
	if (pool.jobs > 0 && st.units_total > 1)
		scan_with_workers (&st, &limits, &pool, wanted);
	else {
		pool_stop (&pool, 0);
		scan_here (&st, &limits, wanted);
	}
	int rc = finish_report (&st, &report, thread_map, quiet, start);
	scan_state_clear (&st);
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

/* -- mailhunt merge ------------------------------------------------------------------------ */

static const char merge_help[] =
	"Usage: mailhunt merge [OPTIONS] RECORDS...\n"
	"\n"
	"Puts together the records of the shards of one scan (each written by\n"
	"`mailhunt scan --shard I/N --format records`, on any machine) into one\n"
	"report and one stolen-thread map, exactly as one scan of all the inputs\n"
	"would have made them: the units are taken in the order of the plan, the\n"
	"flagged mails linked against every message of every shard.  Run the\n"
	"shards with the same PATHs, given from the same directory, and the same\n"
	"options (--all, --contacts, --show-code, --no-documents); see docs/bulk.md.\n"
	"The flagged mails are linked by as many threads as the machine has cores.\n"
	"\n"
	"Options:\n"
	"  --format FORMAT        text, jsonl or csv (default: text on a terminal,\n"
	"                         jsonl otherwise)\n"
	"  -o, --output FILE      write the report to FILE instead of standard output\n"
	"  --all                  report every message the records hold\n"
	"  -q, --quiet            no error lines on standard error and no text summary\n"
	"  --show-code            include the source of macros (when the shards kept it)\n"
	"  --mailbox MAILBOX      another mailbox that may hold the originals (repeatable)\n"
	"  --thread-map FILE      also write the stolen-thread map to FILE\n"
	"  --summary-only         print the summary alone\n"
	"  -h, --help             this text\n"
	"\n"
	"Exit status: as scan: 0 nothing flagged, 1 something flagged, 2 some input\n"
	"or record could not be read, or bad usage.\n";

const char *
mh_cmd_merge_help (void)
{
	return merge_help;
}

/* One shard's records, read a unit at a time. */
typedef struct {
	const char *path;
	FILE       *in;
	GString    *block;    /* the records of the next unit, whole lines */
	gint64      unit;     /* its number, or -1 when the file is done */
	guint       line;
	gboolean    bad;      /* a line that is not a unit's start where one belongs */
} shard_file;

/* Reads the next unit's block of @f (its records up to unit-end). */
static void
shard_next (shard_file *f)
{
	g_string_truncate (f->block, 0);
	f->unit = -1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline (&line, &cap, f->in)) >= 0) {
		f->line++;
		g_string_append_len (f->block, line, len);
		if (len > 0 && line[len - 1] != '\n')
			g_string_append_c (f->block, '\n');
		if (f->unit < 0) {
			/* the first line of a block names its unit */
			const char *u = strstr (line, "\"unit\":");
			if (!g_str_has_prefix (line, "{\"type\":\"unit\"") || !u) {
				f->bad = TRUE;
				continue;
			}
			f->unit = (gint64) g_ascii_strtoull (u + 7, NULL, 10);
		} else if (g_str_has_prefix (line, "{\"type\":\"unit-end\""))
			break;
	}
	free (line);
	if (f->unit < 0 && f->block->len > 0)
		f->unit = G_MAXINT64;   /* lines without a unit: read last, and reported */
}

int
mh_cmd_merge (int argc, char **argv)
{
	g_autofree char *format = NULL;
	g_autofree char *output = NULL;
	g_autofree char *thread_map = NULL;
	gboolean all = FALSE, quiet = FALSE, help = FALSE, show_code = FALSE, summary_only = FALSE;
	g_auto (GStrv) paths = NULL;
	g_auto (GStrv) mailboxes = NULL;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, NULL, NULL },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, NULL, NULL },
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all, NULL, NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, NULL, NULL },
		{ "show-code", 0, 0, G_OPTION_ARG_NONE, &show_code, NULL, NULL },
		{ "mailbox", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &mailboxes, NULL, NULL },
		{ "thread-map", 0, 0, G_OPTION_ARG_FILENAME, &thread_map, NULL, NULL },
		{ "summary-only", 0, 0, G_OPTION_ARG_NONE, &summary_only, NULL, NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int done = mh_cmd_parse_options ("merge", merge_help, "RECORDS", entries, &argc, &argv, &help, &paths);
	if (done >= 0)
		return done;

	scan_state st = { 0 };
	st.command = "merge";
	st.skip_through = -1;
	mh_report_output report;
	if (!mh_report_output_open (&report, "merge", format, output))
		return MH_EXIT_UNREADABLE;
	st.printer = report.printer;
	st.printer->quiet = quiet;
	st.printer->show_code = show_code;
	st.all = all;
	st.summary_only = summary_only;
	st.r.quiet = quiet;
	st.report_out = report.out;
	st.index = mh_thread_index_new ();
	st.map = mh_thread_map_new ();
	st.waiting = g_array_new (FALSE, FALSE, sizeof (waiting_mail));
	st.linkers = MIN (g_get_num_processors (), 256u);   /* merge has no workers to leave room for */
	mh_scan_summary_init (&st.r.summary);
	gint64 start = g_get_monotonic_time ();

	mh_limits limits;
	mh_limits_init_default (&limits);
	if (mailboxes && mailboxes[0]) {
		mh_reader_callbacks index_cb = { on_indexed_message, on_error, mh_cmd_on_skipped, NULL, NULL, NULL, NULL };
		for (int i = 0; mailboxes[i]; i++) {
			st.indexing = mailboxes[i];
			mh_read_path (mailboxes[i], &limits, &index_cb, &st);
		}
		st.indexing = NULL;
	}

	guint n = g_strv_length (paths);
	g_autofree shard_file *files = g_new0 (shard_file, n);
	for (guint i = 0; i < n; i++) {
		files[i].path = paths[i];
		files[i].block = g_string_new (NULL);
		files[i].unit = -1;
		files[i].in = strcmp (paths[i], "-") == 0 ? stdin : fopen (paths[i], "r");
		if (!files[i].in) {
			g_autofree char *what = g_strdup_printf ("cannot read the records: %s", g_strerror (errno));
			on_error (paths[i], NULL, -1, what, &st);
			continue;
		}
		shard_next (&files[i]);
	}
	mh_printer_begin (st.printer);
	/* the units of all shards, smallest number first: the plan's order */
	for (;;) {
		gint best = -1;
		for (guint i = 0; i < n; i++)
			if (files[i].in && files[i].unit >= 0 &&
			    (best < 0 || files[i].unit < files[best].unit))
				best = (gint) i;
		if (best < 0)
			break;
		shard_file *f = &files[best];
		FILE *block = fmemopen (f->block->str, f->block->len, "r");
		if (block) {
			take_records (&st, block, f->path, FALSE);
			fclose (block);
		}
		if (f->bad) {
			on_error (f->path, NULL, -1, "lines outside a unit's records were left out: not the "
			          "records of `mailhunt scan --format records`?", &st);
			f->bad = FALSE;
		}
		shard_next (f);
	}
	for (guint i = 0; i < n; i++) {
		if (files[i].in && files[i].in != stdin)
			fclose (files[i].in);
		g_string_free (files[i].block, TRUE);
	}
	int rc = finish_report (&st, &report, thread_map, quiet, start);
	scan_state_clear (&st);
	return rc;
}
