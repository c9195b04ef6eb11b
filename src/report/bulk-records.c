/* The record stream of a bulk scan: what worker processes and shards
 * write besides the message, document and contact lines of the jsonl
 * report (include/mailhunt/bulk.h, docs/bulk.md).  Records come from
 * other processes and other machines: every member is checked. */
#include "config.h"

#include <string.h>

#include "mailhunt/bulk.h"
#include "mailhunt/records.h"

/* -- writing --------------------------------------------------------------- */

/* Records are written straight into a GString, not through a JsonBuilder
 * and JsonGenerator: those made a tree of GObjects for each index entry,
 * 93,000 instructions of a worker's for every message of an mbox (2.4 %
 * of its time).  The text is what json-glib 1.6 writes for the same
 * members (/units/records-like-json-glib compares the two), except that
 * U+001F is escaped too: json-glib leaves it bare, which is not JSON. */

static void
put_name (GString *s, const char *name)
{
	/* names are this file's own, plain ASCII */
	if (s->len > 0 && s->str[s->len - 1] != '{')
		g_string_append_c (s, ',');
	g_string_append_c (s, '"');
	g_string_append (s, name);
	g_string_append (s, "\":");
}

/* Which bytes a JSON string cannot hold as they are: the control
 * characters, '"', '\\' and DEL (escaped by json-glib too). */
static inline gboolean
needs_escape (guchar c)
{
	return c < 0x20 || c == '"' || c == '\\' || c == 0x7F;
}

static void
put_escaped (GString *s, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	g_string_append_c (s, '"');
	const guchar *p = (const guchar *) value;
	while (*p) {
		const guchar *run = p;
		while (*p && !needs_escape (*p))
			p++;
		g_string_append_len (s, (const char *) run, (gssize) (p - run));
		if (!*p)
			break;
		char esc[7] = { '\\', 0 };
		switch (*p) {
		case '"':  esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy (esc + 1, "u00", 3);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xF];
			break;
		}
		g_string_append (s, esc);
		p++;
	}
	g_string_append_c (s, '"');
}

static void
member_string (GString *s, const char *name, const char *value)
{
	put_name (s, name);
	if (value)
		put_escaped (s, value);
	else
		g_string_append (s, "null");
}

static void
member_int (GString *s, const char *name, gint64 value)
{
	put_name (s, name);
	g_string_append_printf (s, "%" G_GINT64_FORMAT, value);
}

static void
member_boolean (GString *s, const char *name, gboolean value)
{
	put_name (s, name);
	g_string_append (s, value ? "true" : "false");
}

/* As json-glib writes a double: g_ascii_dtostr, and ".0" when that has
 * no point. */
static void
member_double (GString *s, const char *name, double value)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	put_name (s, name);
	g_ascii_dtostr (buf, sizeof buf, value);
	g_string_append (s, buf);
	if (!strchr (buf, '.'))
		g_string_append (s, ".0");
}

static GString *
begin_record (const char *type)
{
	GString *s = g_string_sized_new (256);
	g_string_append_c (s, '{');
	member_string (s, "type", type);
	return s;
}

static void
end_record (FILE *out, GString *s)
{
	g_string_append_c (s, '}');
	mh_jsonl_write_text (out, s->str, s->len);
	g_string_free (s, TRUE);
}

void
mh_unit_head_clear (mh_unit_head *head)
{
	g_clear_pointer (&head->key, g_free);
	g_clear_pointer (&head->path, g_free);
	g_clear_pointer (&head->root, g_free);
}

void
mh_bulk_write_head (FILE *out, const mh_unit_head *h)
{
	GString *b = begin_record ("unit");
	member_int (b, "unit", h->unit);
	member_string (b, "key", h->key);
	member_string (b, "path", h->path);
	member_string (b, "root", h->root);
	member_int (b, "range", h->range);
	member_int (b, "ranges", h->ranges);
	end_record (out, b);
}

/* The counters only the reader knows; the rest of the summary (flagged,
 * errors, skipped, folders, inputs) is made again from the records. */
static const struct {
	const char *name;
	gsize       offset;
} counters[] = {
	{ "messages", G_STRUCT_OFFSET (mh_scan_summary, messages) },
	{ "deleted_messages", G_STRUCT_OFFSET (mh_scan_summary, deleted_messages) },
	{ "attachments", G_STRUCT_OFFSET (mh_scan_summary, attachments) },
	{ "messages_with_problems", G_STRUCT_OFFSET (mh_scan_summary, problems) },
	{ "documents", G_STRUCT_OFFSET (mh_scan_summary, documents) },
	{ "flagged_documents", G_STRUCT_OFFSET (mh_scan_summary, flagged_documents) },
	{ "pictures", G_STRUCT_OFFSET (mh_scan_summary, pictures) },
	{ "pictures_read", G_STRUCT_OFFSET (mh_scan_summary, pictures_read) },
	{ "contacts", G_STRUCT_OFFSET (mh_scan_summary, contacts) },
};

#define COUNTER(s, i) (*(guint *) ((char *) (s) + counters[i].offset))

void
mh_bulk_write_tail (FILE *out, const mh_unit_tail *t)
{
	GString *b = begin_record ("unit-end");
	member_int (b, "unit", t->unit);
	member_int (b, "read_messages", t->result.messages);
	member_int (b, "superseded", t->result.superseded);
	for (gsize i = 0; i < G_N_ELEMENTS (counters); i++)
		member_int (b, counters[i].name, COUNTER (&t->counts, i));
	put_name (b, "documents_by_verdict");
	g_string_append_c (b, '[');
	for (int v = MH_VERDICT_CLEAN; v <= MH_VERDICT_MALICIOUS; v++)
		g_string_append_printf (b, "%s%u", v > MH_VERDICT_CLEAN ? "," : "",
		                        t->counts.documents_by_verdict[v]);
	g_string_append_c (b, ']');
	member_double (b, "ocr_seconds", t->counts.ocr_seconds);
	end_record (out, b);
}

static void
member_strings (GString *s, const char *name, GPtrArray *list)
{
	put_name (s, name);
	g_string_append_c (s, '[');
	for (guint i = 0; list && i < list->len; i++) {
		if (i > 0)
			g_string_append_c (s, ',');
		put_escaped (s, g_ptr_array_index (list, i));
	}
	g_string_append_c (s, ']');
}

void
mh_bulk_write_entry (FILE *out, const mh_index_entry *e)
{
	GString *b = begin_record ("indexed");
	member_string (b, "mailbox", e->mailbox);
	member_string (b, "file", e->file);
	member_string (b, "folder", e->folder);
	member_int (b, "index", e->index);
	member_int (b, "offset", e->offset);
	if (e->date_unix == G_MININT64)
		member_string (b, "date_unix", NULL);
	else
		member_int (b, "date_unix", e->date_unix);
	member_string (b, "message_id", e->message_id);
	member_string (b, "subject", e->subject);
	member_string (b, "from", e->from);
	member_string (b, "to", e->to);
	member_strings (b, "participants", e->participants);
	/* the sample as one string of 8 hex digits a unit: an array of
	 * numbers made the index records most of what a quarantine scan's
	 * parent parsed */
	static const char digits[] = "0123456789abcdef";
	guint n_units = e->units ? e->units->len : 0;
	g_autofree char *hex = g_malloc ((gsize) n_units * 8 + 1);
	for (guint i = 0; i < n_units; i++) {
		guint32 v = g_array_index (e->units, guint32, i);
		for (guint k = 0; k < 8; k++)
			hex[i * 8 + k] = digits[(v >> (28 - 4 * k)) & 0xf];
	}
	hex[(gsize) n_units * 8] = '\0';
	member_string (b, "units", hex);
	member_int (b, "threshold", e->threshold);
	member_boolean (b, "capped", e->capped);
	end_record (out, b);
}

void
mh_bulk_write_input (FILE *out, const char *file, const char *kind)
{
	GString *b = begin_record ("input");
	member_string (b, "file", file);
	member_string (b, "kind", kind);
	end_record (out, b);
}

void
mh_bulk_write_body (FILE *out, const char *text)
{
	GString *b = begin_record ("body");
	member_string (b, "text", text);
	end_record (out, b);
}

void
mh_bulk_write_error (FILE *out, const char *file, const char *folder, gint64 index, const char *what)
{
	GString *b = begin_record ("error");
	member_string (b, "file", file);
	member_string (b, "folder", folder);
	member_int (b, "index", index);
	member_string (b, "error", what);
	end_record (out, b);
}

void
mh_bulk_write_skipped (FILE *out, const char *file, const char *reason)
{
	GString *b = begin_record ("skipped");
	member_string (b, "file", file);
	member_string (b, "reason", reason);
	end_record (out, b);
}

void
mh_bulk_write_folder (FILE *out, const char *file, const char *folder, const char *role, guint messages)
{
	GString *b = begin_record ("folder");
	member_string (b, "file", file);
	member_string (b, "folder", folder);
	member_string (b, "role", role);
	member_int (b, "messages", messages);
	end_record (out, b);
}

/* -- reading --------------------------------------------------------------- */

/* Strings of a record are capped like the lines that hold them. */
#define MAX_STRING ((gsize) 64 << 20)   /* a body text, at most a record line */

gboolean
mh_bulk_get_string (const mh_flat_record *r, const char *name, gboolean nullable, char **value, GError **error)
{
	*value = NULL;
	const mh_flat_value *v = mh_flat_record_get (r, name);
	if (v && v->kind == MH_FLAT_NULL && nullable)
		return TRUE;
	if (!v || v->kind != MH_FLAT_STRING) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "%s: expected a string%s", name,
		             nullable ? " or null" : "");
		return FALSE;
	}
	if (strlen (v->string) > MAX_STRING) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_LIMIT, "%s: longer than %" G_GSIZE_FORMAT
		             " bytes", name, MAX_STRING);
		return FALSE;
	}
	*value = g_strdup (v->string);
	return TRUE;
}

static gboolean
int_in (const mh_flat_value *v, gint64 min, gint64 max)
{
	return v && v->kind == MH_FLAT_INT && v->integer >= min && v->integer <= max;
}

gboolean
mh_bulk_get_int (const mh_flat_record *r, const char *name, gint64 min, gint64 max, gint64 *value,
                 GError **error)
{
	const mh_flat_value *v = mh_flat_record_get (r, name);
	if (!int_in (v, min, max)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER,
		             "%s: expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, name, min, max);
		return FALSE;
	}
	*value = v->integer;
	return TRUE;
}

static gboolean
get_uint (const mh_flat_record *r, const char *name, guint *value, GError **error)
{
	gint64 v;
	if (!mh_bulk_get_int (r, name, 0, G_MAXUINT, &v, error))
		return FALSE;
	*value = (guint) v;
	return TRUE;
}

static gboolean
get_boolean (const mh_flat_record *r, const char *name, gboolean *value, GError **error)
{
	const mh_flat_value *v = mh_flat_record_get (r, name);
	if (!v || v->kind != MH_FLAT_BOOLEAN) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "%s: expected true or false", name);
		return FALSE;
	}
	*value = v->integer != 0;
	return TRUE;
}

gboolean
mh_bulk_read_head (const mh_flat_record *r, mh_unit_head *h, GError **error)
{
	memset (h, 0, sizeof *h);
	gboolean ok = get_uint (r, "unit", &h->unit, error) &&
	              mh_bulk_get_string (r, "key", FALSE, &h->key, error) &&
	              mh_bulk_get_string (r, "path", FALSE, &h->path, error) &&
	              mh_bulk_get_string (r, "root", FALSE, &h->root, error) &&
	              get_uint (r, "range", &h->range, error) &&
	              get_uint (r, "ranges", &h->ranges, error);
	if (ok && h->range >= MAX (h->ranges, 1u)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "range: %u of %u", h->range, h->ranges);
		ok = FALSE;
	}
	if (!ok)
		mh_unit_head_clear (h);
	return ok;
}

gboolean
mh_bulk_read_tail (const mh_flat_record *r, mh_unit_tail *t, GError **error)
{
	memset (t, 0, sizeof *t);
	if (!get_uint (r, "unit", &t->unit, error) ||
	    !get_uint (r, "read_messages", &t->result.messages, error) ||
	    !get_uint (r, "superseded", &t->result.superseded, error))
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS (counters); i++)
		if (!get_uint (r, counters[i].name, &COUNTER (&t->counts, i), error))
			return FALSE;
	const mh_flat_value *a = mh_flat_record_get (r, "documents_by_verdict");
	if (!a || a->kind != MH_FLAT_ARRAY || a->length != MH_VERDICT_MALICIOUS + 1) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER,
		             "documents_by_verdict: expected %d counts", MH_VERDICT_MALICIOUS + 1);
		return FALSE;
	}
	for (int v = MH_VERDICT_CLEAN; v <= MH_VERDICT_MALICIOUS; v++) {
		const mh_flat_value *c = mh_flat_record_element (r, a, (guint) v);
		if (!int_in (c, 0, G_MAXUINT)) {
			g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER,
			             "documents_by_verdict: expected counts");
			return FALSE;
		}
		t->counts.documents_by_verdict[v] = (guint) c->integer;
	}
	const mh_flat_value *s = mh_flat_record_get (r, "ocr_seconds");
	if (!s || (s->kind != MH_FLAT_DOUBLE && s->kind != MH_FLAT_INT) || !(s->number >= 0)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "ocr_seconds: expected seconds");
		return FALSE;
	}
	t->counts.ocr_seconds = s->number;
	return TRUE;
}

void
mh_bulk_add_counts (mh_scan_summary *s, const mh_scan_summary *c)
{
	for (gsize i = 0; i < G_N_ELEMENTS (counters); i++)
		COUNTER (s, i) += COUNTER (c, i);
	for (int v = MH_VERDICT_CLEAN; v <= MH_VERDICT_MALICIOUS; v++)
		s->documents_by_verdict[v] += c->documents_by_verdict[v];
	s->ocr_seconds += c->ocr_seconds;
}

static gboolean
get_strings (const mh_flat_record *r, const char *name, guint max, GPtrArray *into, GError **error)
{
	const mh_flat_value *a = mh_flat_record_get (r, name);
	if (!a || a->kind != MH_FLAT_ARRAY || a->length > max) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "%s: expected at most %u strings",
		             name, max);
		return FALSE;
	}
	for (guint i = 0; i < a->length; i++) {
		const mh_flat_value *e = mh_flat_record_element (r, a, i);
		if (e->kind != MH_FLAT_STRING || strlen (e->string) > MAX_STRING) {
			g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "%s: expected strings", name);
			return FALSE;
		}
		g_ptr_array_add (into, g_strdup (e->string));
	}
	return TRUE;
}

/* An entry holds at most what mh_index_entry_new keeps. */
#define MAX_UNITS        64
#define MAX_PARTICIPANTS 100000

mh_index_entry *
mh_bulk_read_entry (const mh_flat_record *r, GError **error)
{
	mh_index_entry *e = g_new0 (mh_index_entry, 1);
	e->participants = g_ptr_array_new_with_free_func (g_free);
	e->units = g_array_new (FALSE, FALSE, sizeof (guint32));
	gint64 index, offset, threshold;
	gboolean ok = mh_bulk_get_string (r, "mailbox", TRUE, &e->mailbox, error) &&
	              mh_bulk_get_string (r, "file", TRUE, &e->file, error) &&
	              mh_bulk_get_string (r, "folder", TRUE, &e->folder, error) &&
	              mh_bulk_get_int (r, "index", 0, G_MAXUINT, &index, error) &&
	              mh_bulk_get_int (r, "offset", -1, G_MAXINT64, &offset, error) &&
	              mh_bulk_get_string (r, "message_id", TRUE, &e->message_id, error) &&
	              mh_bulk_get_string (r, "subject", TRUE, &e->subject, error) &&
	              mh_bulk_get_string (r, "from", TRUE, &e->from, error) &&
	              mh_bulk_get_string (r, "to", TRUE, &e->to, error) &&
	              get_strings (r, "participants", MAX_PARTICIPANTS, e->participants, error) &&
	              mh_bulk_get_int (r, "threshold", 0, G_MAXUINT32, &threshold, error);
	if (ok) {
		e->index = (guint) index;
		e->offset = offset;
		e->threshold = (guint32) threshold;
		const mh_flat_value *v = mh_flat_record_get (r, "date_unix");
		if (v && v->kind == MH_FLAT_NULL)
			e->date_unix = G_MININT64;
		else if (v && v->kind == MH_FLAT_INT)
			e->date_unix = v->integer;
		else {
			g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "date_unix: expected an integer or null");
			ok = FALSE;
		}
	}
	if (ok) {
		const mh_flat_value *v = mh_flat_record_get (r, "units");
		const char *hex = v && v->kind == MH_FLAT_STRING ? v->string : NULL;
		gsize len = hex ? strlen (hex) : 0;
		ok = hex && len % 8 == 0 && len / 8 <= MAX_UNITS;
		for (gsize i = 0; ok && i < len; i += 8) {
			guint32 u = 0;
			for (gsize k = 0; ok && k < 8; k++) {
				int d = g_ascii_xdigit_value (hex[i + k]);
				ok = d >= 0;
				u = u << 4 | (guint32) (d & 0xf);
			}
			if (ok)
				g_array_append_val (e->units, u);
		}
		if (!ok)
			g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER,
			             "units: expected at most %d unsigned 32-bit integers of 8 hex digits each, "
			             "in one string", MAX_UNITS);
	}
	if (ok)
		ok = get_boolean (r, "capped", &e->capped, error);
	if (!ok) {
		mh_index_entry_free (e);
		return NULL;
	}
	return e;
}

mh_pst_contact *
mh_bulk_read_contact (const mh_flat_record *r, char **file, GError **error)
{
	mh_pst_contact *c = g_new0 (mh_pst_contact, 1);
	c->addresses = g_ptr_array_new_with_free_func (g_free);
	gint64 index;
	gboolean ok = mh_bulk_get_string (r, "file", TRUE, file, error) &&
	              mh_bulk_get_string (r, "folder", TRUE, &c->folder, error) &&
	              mh_bulk_get_int (r, "index", 0, G_MAXUINT, &index, error) &&
	              mh_bulk_get_string (r, "name", TRUE, &c->name, error) &&
	              mh_bulk_get_string (r, "company", TRUE, &c->company, error) &&
	              get_strings (r, "addresses", MAX_PARTICIPANTS, c->addresses, error) &&
	              get_boolean (r, "is_list", &c->is_list, error);
	if (ok)
		c->index = (guint) index;
	else {
		g_clear_pointer (file, g_free);
		mh_pst_contact_free (c);
		return NULL;
	}
	return c;
}
