/* CSV: one row per finding, for spreadsheets.  A reported message without
 * findings (--all) gets one row with the finding columns empty.  Fields
 * that a spreadsheet would run as a formula (=, +, -, @ first) get a
 * leading apostrophe: mail headers are attacker-written. */
#include "config.h"

#include <string.h>

#include "mailhunt/report.h"

static const char *const columns[] = {
	"file", "container", "folder", "index", "offset", "length", "deleted", "date",
	"from_name", "from_address", "subject", "message_id",
	"finding", "severity", "summary", "evidence", NULL,
};

static void
field (FILE *out, const char *value, gboolean last)
{
	if (value && *value) {
		gboolean formula = strchr ("=+-@\t\r", value[0]) != NULL;
		fputc ('"', out);
		if (formula)
			fputc ('\'', out);
		for (const char *p = value; *p; p++) {
			if (*p == '"')
				fputc ('"', out);
			fputc (*p, out);
		}
		fputc ('"', out);
	}
	fputs (last ? "\r\n" : ",", out);
}

static void
csv_begin (mh_printer *p)
{
	for (int i = 0; columns[i]; i++)
		fprintf (p->out, "%s%s", columns[i], columns[i + 1] ? "," : "\r\n");
}

static void
row (FILE *out, const mh_message *m, const mh_finding *f)
{
	char index[32], offset[32], length[32];
	g_snprintf (index, sizeof index, "%u", m->locator.index);
	g_snprintf (offset, sizeof offset, "%" G_GINT64_FORMAT, m->locator.offset);
	g_snprintf (length, sizeof length, "%" G_GINT64_FORMAT, m->locator.length);

	field (out, m->locator.file, FALSE);
	field (out, m->locator.container, FALSE);
	field (out, m->locator.folder, FALSE);
	field (out, index, FALSE);
	field (out, m->locator.offset >= 0 ? offset : NULL, FALSE);
	field (out, m->locator.length >= 0 ? length : NULL, FALSE);
	field (out, m->locator.deleted ? "yes" : "no", FALSE);
	field (out, m->date, FALSE);
	field (out, m->from.name, FALSE);
	field (out, m->from.addr, FALSE);
	field (out, m->subject, FALSE);
	field (out, m->message_id, FALSE);
	field (out, f ? f->id : NULL, FALSE);
	field (out, f ? mh_severity_to_string (f->severity) : NULL, FALSE);
	field (out, f ? f->summary : NULL, FALSE);
	field (out, f ? f->evidence : NULL, TRUE);
}

static void
csv_message (mh_printer *p, const mh_message *m)
{
	if (m->findings->len == 0)
		row (p->out, m, NULL);
	for (guint i = 0; i < m->findings->len; i++)
		row (p->out, m, g_ptr_array_index (m->findings, i));
}

static void
csv_summary (mh_printer *p, const mh_scan_summary *s)
{
	/* a CSV file holds rows only; the summary goes to the terminal */
	(void) p;
	(void) s;
}

const mh_printer_class mh_csv_printer = {
	.name = "csv",
	.begin = csv_begin,
	.message = csv_message,
	.summary = csv_summary,
};
