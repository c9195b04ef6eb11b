/* What every command does around its work: parse its options (with
 * --help and the paths it needs), open -o FILE, pick the format (text on a
 * terminal, jsonl otherwise), make the printer; and at the end print the
 * summary, flush, and say whether the report was written. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "mailhunt.h"

int
mh_cmd_parse_options (const char *command, const char *help_text, const char *what,
                      GOptionEntry *entries, int *argc, char ***argv,
                      const gboolean *help, char **const *paths)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
	g_autoptr (GError) error = NULL;

	g_option_context_set_help_enabled (ctx, FALSE);
	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, argc, argv, &error)) {
		fprintf (stderr, "mailhunt %s: %s\n\n%s", command, error->message, help_text);
		return MH_EXIT_UNREADABLE;
	}
	if (*help) {
		fputs (help_text, stdout);
		return MH_EXIT_CLEAN;
	}
	if (paths && (!*paths || !(*paths)[0])) {
		fprintf (stderr, "mailhunt %s: no %s given\n\n%s", command, what, help_text);
		return MH_EXIT_UNREADABLE;
	}
	return -1;
}

gboolean
mh_report_output_open (mh_report_output *o, const char *command, const char *format, const char *output)
{
	memset (o, 0, sizeof *o);
	o->command = command;
	o->out = stdout;
	if (output && strcmp (output, "-") != 0) {
		o->out = fopen (output, "w");
		if (!o->out) {
			fprintf (stderr, "mailhunt %s: cannot write %s: %s\n", command, output, g_strerror (errno));
			return FALSE;
		}
	}
	o->format = g_strdup (format ? format : isatty (fileno (o->out)) ? "text" : "jsonl");
	o->printer = mh_printer_new (o->format, o->out);
	if (!o->printer) {
		fprintf (stderr, "mailhunt %s: unknown format '%s' (text, jsonl or csv)\n", command, o->format);
		if (o->out != stdout)
			fclose (o->out);
		g_free (o->format);
		return FALSE;
	}
	return TRUE;
}

int
mh_report_output_close (mh_report_output *o, const mh_scan_summary *summary, gboolean quiet, int rc)
{
	mh_printer_summary (o->printer, summary);
	/* CSV holds rows only; its summary is for the person at the terminal */
	if (strcmp (o->format, "csv") == 0 && !quiet) {
		mh_printer *text = mh_printer_new ("text", stderr);
		mh_printer_summary (text, summary);
		mh_printer_free (text);
	}
	if (fflush (o->out) != 0 || (o->out != stdout && fclose (o->out) != 0)) {
		fprintf (stderr, "mailhunt %s: writing the report failed: %s\n", o->command, g_strerror (errno));
		rc = MH_EXIT_UNREADABLE;
	}
	mh_printer_free (o->printer);
	g_free (o->format);
	return rc;
}

gboolean
mh_office_cli_apply (mh_office_cli *c, const char *command, mh_office_options *options)
{
	if (!c->ocr || strcmp (c->ocr, "risky") == 0)
		options->ocr = MH_OCR_RISKY;
	else if (strcmp (c->ocr, "all") == 0)
		options->ocr = MH_OCR_ALL;
	else if (strcmp (c->ocr, "none") == 0)
		options->ocr = MH_OCR_NONE;
	else {
		fprintf (stderr, "mailhunt %s: --ocr takes risky, all or none, not '%s'\n", command, c->ocr);
		return FALSE;
	}
	if (c->ocr_timeout < 0) {
		fprintf (stderr, "mailhunt %s: --ocr-timeout is in milliseconds, not %d\n", command,
		         c->ocr_timeout);
		return FALSE;
	}
	options->ocr_timeout_ms = (guint) c->ocr_timeout;
	options->ocr_languages = c->ocr_languages;
	if (c->lures_file) {
		g_autoptr (GError) error = NULL;
		c->lures = mh_lure_db_load (c->lures_file, &error);
		if (!c->lures) {
			fprintf (stderr, "mailhunt %s: %s\n", command, error->message);
			return FALSE;
		}
	}
	options->lures = c->lures;
	return TRUE;
}

void
mh_office_cli_clear (mh_office_cli *c)
{
	g_free (c->lures_file);
	g_free (c->ocr);
	g_free (c->ocr_languages);
	g_clear_pointer (&c->lures, mh_lure_db_free);
}

void
mh_cmd_on_error (const char *file, const char *folder, gint64 index, const char *what, gpointer reading)
{
	mh_cmd_reading *r = reading;
	mh_scan_summary_add_error (&r->summary, file, folder, index, what);
	if (r->quiet)
		return;
	if (index >= 0)
		fprintf (stderr, "mailhunt: %s: message #%" G_GINT64_FORMAT ": %s\n", file, index, what);
	else
		fprintf (stderr, "mailhunt: %s: %s\n", file, what);
}

void
mh_cmd_on_skipped (const char *file, const char *reason, gpointer reading)
{
	mh_cmd_reading *r = reading;
	mh_scan_summary_add_skipped (&r->summary, file, reason);
}

void
mh_cmd_on_folder (const char *file, const char *folder, const char *role, guint messages,
                  gpointer reading)
{
	mh_cmd_reading *r = reading;
	mh_scan_summary_add_folder (&r->summary, file, folder, role, messages);
}
