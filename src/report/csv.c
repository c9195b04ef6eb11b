/* CSV: one row per finding, for spreadsheets, the findings on attached
 * messages included (column "part" names the attachment; empty for the
 * message itself).  A reported message without findings (--all) gets one
 * row with the finding columns empty.  Fields
 * that a spreadsheet would run as a formula (=, +, -, @ first) get a
 * leading apostrophe: mail headers are attacker-written. */
#include "config.h"

#include <string.h>

#include "mailhunt/report.h"

static const char *const columns[] = {
	"file", "container", "folder", "index", "offset", "length", "deleted", "date",
	"from_name", "from_address", "subject", "message_id",
	"part", "finding", "severity", "summary", "evidence", "location", "decoding", NULL,
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

/* mailhunt exposure: one row per address */
static const char *const address_columns[] = {
	"address", "name", "from", "to", "cc", "reply_to", "quoted", "contact", "sent_items",
	"first_seen", "last_seen", NULL,
};

/* scan --thread-map: one row per stolen thread, lists joined by "; " */
static const char *const thread_columns[] = {
	"thread", "verdict", "subject", "spoofs", "first_seen", "last_seen", "participants",
	"mailboxes", "originals", "shown_senders", "spoofs_listed", NULL,
};

static void
csv_begin (mh_printer *p)
{
	const char *const *cols = p->addresses ? address_columns : p->threads ? thread_columns : columns;
	for (int i = 0; cols[i]; i++)
		fprintf (p->out, "%s%s", cols[i], cols[i + 1] ? "," : "\r\n");
}

/* An ISO 8601 UTC date, or NULL for G_MININT64. */
static char *
iso_date (gint64 t)
{
	if (t == G_MININT64)
		return NULL;
	g_autoptr (GDateTime) d = g_date_time_new_from_unix_utc (t);
	return d ? g_date_time_format_iso8601 (d) : NULL;
}

static void
count_field (FILE *out, guint n)
{
	char buf[16];
	g_snprintf (buf, sizeof buf, "%u", n);
	field (out, buf, FALSE);
}

static void
csv_address (mh_printer *p, const mh_exposed_address *a)
{
	g_autofree char *first = iso_date (a->first_seen), *last = iso_date (a->last_seen);
	field (p->out, a->address, FALSE);
	field (p->out, a->name, FALSE);
	count_field (p->out, a->from);
	count_field (p->out, a->to);
	count_field (p->out, a->cc);
	count_field (p->out, a->reply_to);
	count_field (p->out, a->quoted);
	count_field (p->out, a->contact);
	count_field (p->out, a->sent_items);
	field (p->out, first, FALSE);
	field (p->out, last, TRUE);
}

static void
finding_fields (FILE *out, const char *part, const mh_finding *f)
{
	field (out, part, FALSE);
	field (out, f ? f->id : NULL, FALSE);
	field (out, f ? mh_severity_to_string (f->severity) : NULL, FALSE);
	field (out, f ? f->summary : NULL, FALSE);
	field (out, f ? f->evidence : NULL, FALSE);
	field (out, f ? f->location : NULL, FALSE);
	field (out, f ? f->decoding : NULL, TRUE);
}

/* @top locates the row; @m is the message the finding is on (@top itself
 * or a message attached at MIME part @part).  Findings inside an attached
 * document have @part "<MIME part>:<path of the document>". */
static void
row (FILE *out, const mh_message *top, const mh_message *m, const char *part, const mh_finding *f)
{
	char index[32], offset[32], length[32];
	const mh_locator *l = &top->locator;
	g_snprintf (index, sizeof index, "%u", l->index);
	g_snprintf (offset, sizeof offset, "%" G_GINT64_FORMAT, l->offset);
	g_snprintf (length, sizeof length, "%" G_GINT64_FORMAT, l->length);

	field (out, l->file, FALSE);
	field (out, l->container, FALSE);
	field (out, l->folder, FALSE);
	field (out, index, FALSE);
	field (out, l->offset >= 0 ? offset : NULL, FALSE);
	field (out, l->length >= 0 ? length : NULL, FALSE);
	field (out, l->deleted ? "yes" : "no", FALSE);
	field (out, m->date, FALSE);
	field (out, m->from.name, FALSE);
	field (out, m->from.addr, FALSE);
	field (out, m->subject, FALSE);
	field (out, m->message_id, FALSE);
	finding_fields (out, part, f);
}

static void
document_rows (FILE *out, const mh_message *top, const mh_message *m, const char *prefix,
               const mh_document *d)
{
	g_autofree char *here = g_strdup_printf ("%s%s", prefix, d->name ? d->name : "");
	for (guint i = 0; i < d->findings->len; i++)
		row (out, top, m, here, g_ptr_array_index (d->findings, i));
	g_autofree char *deeper = g_strconcat (here, "/", NULL);
	for (guint i = 0; i < d->children->len; i++)
		document_rows (out, top, m, deeper, g_ptr_array_index (d->children, i));
}

static void
attached_rows (FILE *out, const mh_message *top, const mh_message *m)
{
	for (guint i = 0; i < m->attachments->len; i++) {
		const mh_attachment *a = g_ptr_array_index (m->attachments, i);
		if (a->document) {
			g_autofree char *prefix = g_strconcat (a->path, ":", NULL);
			document_rows (out, top, m, prefix, a->document);
		}
		if (!a->nested)
			continue;
		for (guint k = 0; k < a->nested->findings->len; k++)
			row (out, top, a->nested, a->path, g_ptr_array_index (a->nested->findings, k));
		attached_rows (out, top, a->nested);
	}
}

static void
csv_message (mh_printer *p, const mh_message *m)
{
	if (m->findings->len == 0)
		row (p->out, m, m, NULL, NULL);
	for (guint i = 0; i < m->findings->len; i++)
		row (p->out, m, m, NULL, g_ptr_array_index (m->findings, i));
	attached_rows (p->out, m, m);
}

/* mailhunt doc: the message columns stay empty; a document without
 * findings still gets its row. */
static void
file_row (FILE *out, const char *file, const char *part, const mh_finding *f)
{
	field (out, file, FALSE);
	for (int k = 0; k < 11; k++)   /* container ... message_id */
		field (out, NULL, FALSE);
	finding_fields (out, part, f);
}

static void
document_file_rows (FILE *out, const char *file, const char *prefix, const mh_document *d)
{
	g_autofree char *here = g_strdup_printf ("%s%s", prefix, d->name ? d->name : "");
	if (d->depth == 0 && d->findings->len == 0)
		file_row (out, file, here, NULL);
	for (guint i = 0; i < d->findings->len; i++)
		file_row (out, file, here, g_ptr_array_index (d->findings, i));
	g_autofree char *deeper = g_strconcat (here, "/", NULL);
	for (guint i = 0; i < d->children->len; i++)
		document_file_rows (out, file, deeper, g_ptr_array_index (d->children, i));
}

static void
csv_document (mh_printer *p, const char *file, const mh_document *d)
{
	document_file_rows (p->out, file, "", d);
}

static void
list_field (FILE *out, GPtrArray *list, gboolean last)
{
	g_autoptr (GString) joined = g_string_new (NULL);
	for (guint i = 0; i < list->len; i++)
		g_string_append_printf (joined, "%s%s", i ? "; " : "", (const char *) g_ptr_array_index (list, i));
	field (out, joined->str, last);
}

static void
csv_thread (mh_printer *p, const mh_stolen_thread *t)
{
	/* a report of messages has no columns for threads: scan prints the
	 * map elsewhere (--thread-map, or as text with the summary) */
	if (!p->threads)
		return;
	FILE *out = p->out;
	g_autofree char *first = iso_date (t->first_seen);
	g_autofree char *last = iso_date (t->last_seen);
	field (out, t->thread, FALSE);
	field (out, t->verdict, FALSE);
	field (out, t->subject, FALSE);
	count_field (out, t->spoofs);
	field (out, first, FALSE);
	field (out, last, FALSE);
	list_field (out, t->participants, FALSE);
	list_field (out, t->mailboxes, FALSE);
	list_field (out, t->originals, FALSE);
	list_field (out, t->shown_senders, FALSE);
	list_field (out, t->spoof_list, TRUE);
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
	.document = csv_document,
	.address = csv_address,
	.thread = csv_thread,
	.summary = csv_summary,
};
