/* mailhunt exposure: every address an infected mailbox exposes, for the
 * warnings of the guidance's step 6 (docs/linking.md). */
#include "config.h"

#include <stdio.h>

#include "mailhunt.h"
#include "mailhunt/link.h"
#include "mailhunt/mailbox.h"
#include "mailhunt/report.h"

static const char exposure_help[] =
	"Usage: mailhunt exposure [OPTIONS] MAILBOX...\n"
	"\n"
	"Lists every address the MAILBOXes expose (an export of an infected\n"
	"terminal's mail: PST/OST, Thunderbird profile, mbox, Maildir, .eml):\n"
	"senders and recipients of every message, Sent Items included, the\n"
	"addresses in the header blocks of the mails they quote, and the Outlook\n"
	"address book.  Deduplicated without regard to case, with a display name,\n"
	"counts by role (from, to, cc, reply-to, quoted, contact, in Sent Items)\n"
	"and the first and last date seen: the warning list of the JPCERT/CC\n"
	"guidance's step 6.\n"
	"\n"
	"Options:\n"
	"  --format FORMAT        csv (default), jsonl or text\n"
	"  -o, --output FILE      write the list to FILE instead of standard output\n"
	"  -q, --quiet            no error lines on standard error and no text summary\n"
	"  -h, --help             this text\n"
	"\n"
	"Exit status: 0 the list was written, 2 some input could not be read (the\n"
	"rest is still listed) or bad usage.\n";

/* More addresses than this in one run are counted, not listed. */
#define MAX_ADDRESSES 5000000

const char *
mh_cmd_exposure_help (void)
{
	return exposure_help;
}

typedef struct {
	mh_cmd_reading   r;   /* first: the shared callbacks take the state */
	mh_exposure     *exposure;
} exposure_state;

static void
on_message (mh_message *m, gpointer user_data)
{
	exposure_state *st = user_data;
	st->r.summary.messages++;
	if (m->locator.deleted)
		st->r.summary.deleted_messages++;
	mh_exposure_add_message (st->exposure, m);
	mh_message_free (m);
}

static void
on_contact (const mh_pst_contact *c, gpointer user_data)
{
	exposure_state *st = user_data;
	st->r.summary.contacts++;
	mh_exposure_add_contact (st->exposure, c);
}

static void
on_input (const char *file, const char *kind, gpointer user_data)
{
	exposure_state *st = user_data;
	(void) file;
	(void) kind;
	st->r.summary.inputs++;
}

int
mh_cmd_exposure (int argc, char **argv)
{
	g_autofree char *format = NULL;
	g_autofree char *output = NULL;
	gboolean quiet = FALSE, help = FALSE;
	g_auto (GStrv) paths = NULL;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, NULL, NULL },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, NULL, NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, NULL, NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int done = mh_cmd_parse_options ("exposure", exposure_help, "MAILBOX", entries, &argc, &argv,
	                                 &help, &paths);
	if (done >= 0)
		return done;

	mh_report_output report;
	/* a warning list goes to a spreadsheet or a mail merge: CSV even on a terminal */
	if (!mh_report_output_open (&report, "exposure", format ? format : "csv", output))
		return MH_EXIT_UNREADABLE;
	report.printer->quiet = quiet;
	report.printer->addresses = TRUE;

	exposure_state st = { .r.quiet = quiet, .exposure = mh_exposure_new (MAX_ADDRESSES) };
	mh_scan_summary_init (&st.r.summary);
	mh_limits limits;
	mh_limits_init_default (&limits);
	mh_reader_callbacks cb = { on_message, mh_cmd_on_error, mh_cmd_on_skipped, on_input, NULL, on_contact, mh_cmd_on_folder };
	gint64 start = g_get_monotonic_time ();
	for (int i = 0; paths[i]; i++)
		mh_read_path (paths[i], &limits, &cb, &st);
	if (mh_exposure_dropped (st.exposure) > 0)
		mh_scan_summary_add_error (&st.r.summary, "(all inputs)", NULL, -1,
		                           "more than 5000000 addresses: the rest are counted, not listed");

	mh_printer_begin (report.printer);
	GPtrArray *addresses = mh_exposure_addresses (st.exposure);
	for (guint i = 0; i < addresses->len; i++)
		mh_printer_address (report.printer, g_ptr_array_index (addresses, i));
	st.r.summary.elapsed_seconds = (double) (g_get_monotonic_time () - start) / 1e6;
	int rc = st.r.summary.errors > 0 ? MH_EXIT_UNREADABLE : MH_EXIT_CLEAN;
	rc = mh_report_output_close (&report, &st.r.summary, quiet, rc);
	mh_scan_summary_clear (&st.r.summary);
	mh_exposure_free (st.exposure);
	return rc;
}
