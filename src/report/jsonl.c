/* JSON Lines: one object per reported message, then one summary object.
 * The format is documented in docs/report-format.md and
 * docs/mailhunt-report.schema.json; json-glib writes it, never printf. */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "mailhunt/link.h"
#include "mailhunt/report.h"
#include "mailhunt/bulk.h"
#include "mailhunt/text.h"

static void
add_string (JsonBuilder *b, const char *key, const char *value)
{
	json_builder_set_member_name (b, key);
	if (value)
		json_builder_add_string_value (b, value);
	else
		json_builder_add_null_value (b);
}

static void
add_address (JsonBuilder *b, const mh_address *a)
{
	json_builder_begin_object (b);
	add_string (b, "name", a->name);
	add_string (b, "address", a->addr);
	json_builder_end_object (b);
}

static void
add_address_list (JsonBuilder *b, const char *key, GPtrArray *list)
{
	json_builder_set_member_name (b, key);
	json_builder_begin_array (b);
	for (guint i = 0; i < list->len; i++)
		add_address (b, g_ptr_array_index (list, i));
	json_builder_end_array (b);
}

static void
add_string_list (JsonBuilder *b, const char *key, GPtrArray *list)
{
	json_builder_set_member_name (b, key);
	json_builder_begin_array (b);
	for (guint i = 0; i < list->len; i++)
		json_builder_add_string_value (b, g_ptr_array_index (list, i));
	json_builder_end_array (b);
}

static void add_message_members (JsonBuilder *b, const mh_message *m, gboolean show_code);

static void
add_bool (JsonBuilder *b, const char *key, gboolean value)
{
	json_builder_set_member_name (b, key);
	json_builder_add_boolean_value (b, value);
}

static void
add_finding (JsonBuilder *b, const mh_finding *f)
{
	json_builder_begin_object (b);
	add_string (b, "id", f->id);
	add_string (b, "severity", mh_severity_to_string (f->severity));
	add_string (b, "summary", f->summary);
	add_string (b, "evidence", f->evidence);
	if (f->location)
		add_string (b, "location", f->location);
	if (f->decoding)
		add_string (b, "decoding", f->decoding);
	json_builder_end_object (b);
}

static void
add_vba_project (JsonBuilder *b, const mh_vba_project *p, gboolean show_code)
{
	json_builder_begin_object (b);
	add_string (b, "location", p->location);
	add_string (b, "name", p->name);
	json_builder_set_member_name (b, "codepage");
	json_builder_add_int_value (b, p->codepage);
	add_bool (b, "stomped", p->stomped);
	add_string (b, "stomping_evidence", p->stomping_evidence);
	json_builder_set_member_name (b, "modules");
	json_builder_begin_array (b);
	for (guint i = 0; i < p->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (p->modules, i);
		json_builder_begin_object (b);
		add_string (b, "name", m->name);
		add_string (b, "stream", m->stream);
		add_string (b, "kind", m->kind);
		json_builder_set_member_name (b, "source_length");
		json_builder_add_int_value (b, (gint64) m->source_len);
		add_bool (b, "source_recovered", m->source != NULL);
		add_bool (b, "offset_repaired", m->offset_repaired);
		add_bool (b, "truncated", m->truncated);
		if (show_code)
			add_string (b, "source", m->source);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	add_string_list (b, "problems", p->problems);
	json_builder_end_object (b);
}

/* The members of a document object (docs/report-format.md). */
static void
add_document_members (JsonBuilder *b, const mh_document *d, gboolean show_code)
{
	add_string (b, "name", d->name);
	add_string (b, "format", d->format);
	json_builder_set_member_name (b, "size");
	json_builder_add_int_value (b, (gint64) d->size);
	add_string (b, "sha256", d->sha256);
	add_string (b, "verdict", mh_verdict_to_string (d->verdict));
	add_string (b, "overall_verdict", mh_verdict_to_string (mh_document_overall_verdict (d)));
	add_bool (b, "encrypted", d->encrypted);
	add_bool (b, "has_controls", d->has_controls);
	add_string (b, "password", d->password);
	add_string (b, "password_source", d->password_source);
	json_builder_set_member_name (b, "properties");
	json_builder_begin_object (b);
	for (guint i = 0; i < d->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (d->properties, i);
		add_string (b, p->name, p->value);
	}
	json_builder_end_object (b);
	json_builder_set_member_name (b, "vba_projects");
	json_builder_begin_array (b);
	for (guint i = 0; i < d->vba_projects->len; i++)
		add_vba_project (b, g_ptr_array_index (d->vba_projects, i), show_code);
	json_builder_end_array (b);
	json_builder_set_member_name (b, "findings");
	json_builder_begin_array (b);
	for (guint i = 0; i < d->findings->len; i++)
		add_finding (b, g_ptr_array_index (d->findings, i));
	json_builder_end_array (b);
	json_builder_set_member_name (b, "iocs");
	json_builder_begin_array (b);
	for (guint i = 0; i < d->iocs->len; i++) {
		const mh_ioc *ioc = g_ptr_array_index (d->iocs, i);
		json_builder_begin_object (b);
		add_string (b, "kind", ioc->kind);
		add_string (b, "value", ioc->value);
		add_string (b, "location", ioc->location);
		add_string (b, "decoding", ioc->decoding);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_set_member_name (b, "images");
	json_builder_begin_array (b);
	for (guint i = 0; i < d->images->len; i++) {
		const mh_doc_image *image = g_ptr_array_index (d->images, i);
		json_builder_begin_object (b);
		add_string (b, "location", image->location);
		add_string (b, "format", image->format);
		json_builder_set_member_name (b, "size");
		json_builder_add_int_value (b, (gint64) image->size);
		add_string (b, "sha256", image->sha256);
		json_builder_set_member_name (b, "width");
		json_builder_add_int_value (b, image->width);
		json_builder_set_member_name (b, "height");
		json_builder_add_int_value (b, image->height);
		/* hex, as lure files and `mailhunt lure-hash` write it: a 64-bit
		 * integer would lose bits in JavaScript-based consumers */
		g_autofree char *dhash = image->has_dhash
		                       ? g_strdup_printf ("%016" G_GINT64_MODIFIER "x", image->dhash) : NULL;
		add_string (b, "dhash", dhash);
		add_string (b, "ocr", image->ocr);
		add_string (b, "ocr_text", image->text);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_set_member_name (b, "children");
	json_builder_begin_array (b);
	for (guint i = 0; i < d->children->len; i++) {
		json_builder_begin_object (b);
		add_document_members (b, g_ptr_array_index (d->children, i), show_code);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	add_string_list (b, "problems", d->problems);
}

static void
add_attachments (JsonBuilder *b, const mh_message *m, gboolean show_code)
{
	json_builder_set_member_name (b, "attachments");
	json_builder_begin_array (b);
	for (guint i = 0; i < m->attachments->len; i++) {
		const mh_attachment *a = g_ptr_array_index (m->attachments, i);
		json_builder_begin_object (b);
		add_string (b, "part", a->path);
		add_string (b, "filename", a->filename);
		add_string (b, "declared_type", a->declared_type);
		add_string (b, "detected_type", a->detected_type);
		json_builder_set_member_name (b, "size");
		json_builder_add_int_value (b, (gint64) a->size);
		add_string (b, "sha256", a->sha256[0] ? a->sha256 : NULL);
		json_builder_set_member_name (b, "truncated");
		json_builder_add_boolean_value (b, a->truncated);
		if (a->nested) {
			json_builder_set_member_name (b, "message");
			json_builder_begin_object (b);
			add_message_members (b, a->nested, show_code);
			json_builder_end_object (b);
		}
		if (a->document) {
			json_builder_set_member_name (b, "document");
			json_builder_begin_object (b);
			add_document_members (b, a->document, show_code);
			json_builder_end_object (b);
		}
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
}

static void
add_findings (JsonBuilder *b, const mh_message *m)
{
	json_builder_set_member_name (b, "findings");
	json_builder_begin_array (b);
	for (guint i = 0; i < m->findings->len; i++)
		add_finding (b, g_ptr_array_index (m->findings, i));
	json_builder_end_array (b);
}

/* "case": null when the link stage did not look at the message. */
static void
add_thread_case (JsonBuilder *b, const mh_thread_case *c)
{
	json_builder_set_member_name (b, "case");
	if (!c) {
		json_builder_add_null_value (b);
		return;
	}
	json_builder_begin_object (b);
	add_string (b, "verdict", c->verdict);
	json_builder_set_member_name (b, "quotes");
	json_builder_add_int_value (b, c->quotes);
	add_string (b, "quote_style", c->quote_style);
	add_string_list (b, "reasons", c->reasons);
	json_builder_set_member_name (b, "originals");
	json_builder_begin_array (b);
	for (guint i = 0; i < c->originals->len; i++) {
		const mh_original *o = g_ptr_array_index (c->originals, i);
		json_builder_begin_object (b);
		add_string (b, "message_id", o->message_id);
		add_string (b, "mailbox", o->mailbox);
		add_string (b, "file", o->file);
		add_string (b, "folder", o->folder);
		json_builder_set_member_name (b, "index");
		json_builder_add_int_value (b, o->index);
		json_builder_set_member_name (b, "offset");
		if (o->offset >= 0)
			json_builder_add_int_value (b, o->offset);
		else
			json_builder_add_null_value (b);
		json_builder_set_member_name (b, "date_unix");
		if (o->date_unix != G_MININT64)
			json_builder_add_int_value (b, o->date_unix);
		else
			json_builder_add_null_value (b);
		add_string (b, "from", o->from);
		add_string (b, "to", o->to);
		add_string (b, "subject", o->subject);
		json_builder_set_member_name (b, "quote_level");
		json_builder_add_int_value (b, o->quote_level);
		json_builder_set_member_name (b, "score");
		json_builder_add_double_value (b, o->score);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	add_string_list (b, "holding_mailboxes", c->holding_mailboxes);
	add_string (b, "shown_sender", c->shown_sender);
	add_string (b, "thread", c->thread);
	add_string (b, "thread_subject", c->thread_subject);
	add_string_list (b, "thread_participants", c->thread_participants);
	json_builder_set_member_name (b, "next_steps");
	json_builder_begin_array (b);
	for (const char *const *step = mh_case_next_steps (c->verdict); *step; step++)
		json_builder_add_string_value (b, *step);
	json_builder_end_array (b);
	json_builder_end_object (b);
}

static void
add_message_members (JsonBuilder *b, const mh_message *m, gboolean show_code)
{
	gboolean any;
	mh_severity max = mh_message_max_severity (m, &any);

	add_string (b, "severity", any ? mh_severity_to_string (max) : NULL);
	add_string (b, "date", m->date);
	json_builder_set_member_name (b, "date_unix");
	if (m->date_unix != G_MININT64)
		json_builder_add_int_value (b, m->date_unix);
	else
		json_builder_add_null_value (b);
	json_builder_set_member_name (b, "from");
	add_address (b, &m->from);
	json_builder_set_member_name (b, "sender");
	if (m->sender.addr || m->sender.name)
		add_address (b, &m->sender);
	else
		json_builder_add_null_value (b);
	add_address_list (b, "reply_to", m->reply_to);
	add_address_list (b, "to", m->to);
	add_address_list (b, "cc", m->cc);
	add_string (b, "return_path", m->return_path);
	add_string (b, "envelope_from", m->envelope_from);
	add_string (b, "subject", m->subject);
	add_string (b, "message_id", m->message_id);
	add_string (b, "in_reply_to", m->in_reply_to);
	add_string (b, "references", m->references);
	add_string (b, "x_mailer", m->x_mailer);
	json_builder_set_member_name (b, "outlook");
	if (m->outlook_class || m->outlook_sender_dn) {
		json_builder_begin_object (b);
		add_string (b, "message_class", m->outlook_class);
		add_string (b, "sender_dn", m->outlook_sender_dn);
		json_builder_end_object (b);
	} else {
		json_builder_add_null_value (b);
	}
	add_string_list (b, "received", m->received);
	add_string_list (b, "authentication_results", m->authentication_results);
	json_builder_set_member_name (b, "body_length");
	json_builder_add_int_value (b, m->body_text ? (gint64) strlen (m->body_text) : 0);
	json_builder_set_member_name (b, "body_from_html");
	json_builder_add_boolean_value (b, m->body_from_html);
	add_attachments (b, m, show_code);
	add_findings (b, m);
	add_thread_case (b, m->thread_case);
	add_string_list (b, "problems", m->problems);
}

void
mh_jsonl_write (FILE *out, JsonBuilder *b)
{
	g_autoptr (JsonNode) root = json_builder_get_root (b);
	g_autoptr (JsonGenerator) gen = json_generator_new ();
	json_generator_set_root (gen, root);
	gsize len;
	g_autofree char *text = json_generator_to_data (gen, &len);
	mh_jsonl_write_text (out, text, len);
}

void
mh_jsonl_write_text (FILE *out, const char *text, gsize len)
{
	if (mh_utf8_validate (text, len)) {
		fwrite (text, 1, len, out);
		fputc ('\n', out);
		return;
	}
	/* File and folder names need not be UTF-8, and json-glib writes their
	 * bytes as they are, which is not JSON.  Each byte that is not part of
	 * valid UTF-8 is written as the escape of the lone surrogate U+DC00 +
	 * byte instead (Python's surrogateescape, PEP 383): the line is valid
	 * JSON, and the name can be had back (os.fsencode; mailhunt's readers
	 * of records do it).  Outside strings, JSON text is ASCII, so every
	 * such byte is inside a string. */
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *valid_end;
		g_utf8_validate_len (p, (gsize) (end - p), &valid_end);
		fwrite (p, 1, (gsize) (valid_end - p), out);
		if (valid_end < end)
			fprintf (out, "\\udc%02x", (guchar) *valid_end++);
		p = valid_end;
	}
	fputc ('\n', out);
}

static void
jsonl_message (mh_printer *p, const mh_message *m)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	add_string (b, "type", "message");
	json_builder_set_member_name (b, "locator");
	json_builder_begin_object (b);
	add_string (b, "file", m->locator.file);
	add_string (b, "folder", m->locator.folder);
	add_string (b, "container", m->locator.container);
	json_builder_set_member_name (b, "index");
	json_builder_add_int_value (b, m->locator.index);
	json_builder_set_member_name (b, "offset");
	if (m->locator.offset >= 0)
		json_builder_add_int_value (b, m->locator.offset);
	else
		json_builder_add_null_value (b);
	json_builder_set_member_name (b, "length");
	if (m->locator.length >= 0)
		json_builder_add_int_value (b, m->locator.length);
	else
		json_builder_add_null_value (b);
	json_builder_set_member_name (b, "deleted");
	json_builder_add_boolean_value (b, m->locator.deleted);
	add_string (b, "folder_role", m->locator.folder_role);
	json_builder_end_object (b);
	add_message_members (b, m, p->show_code);
	json_builder_end_object (b);
	mh_jsonl_write (p->out, b);
}

static void
jsonl_document (mh_printer *p, const char *file, const mh_document *d)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	add_string (b, "type", "document");
	add_string (b, "file", file);
	add_document_members (b, d, p->show_code);
	json_builder_end_object (b);
	mh_jsonl_write (p->out, b);
}

static void
add_count (JsonBuilder *b, const char *key, gint64 n)
{
	json_builder_set_member_name (b, key);
	json_builder_add_int_value (b, n);
}

static void
add_date (JsonBuilder *b, const char *name, gint64 t)
{
	json_builder_set_member_name (b, name);
	if (t == G_MININT64) {
		json_builder_add_null_value (b);
		return;
	}
	g_autoptr (GDateTime) d = g_date_time_new_from_unix_utc (t);
	g_autofree char *iso = d ? g_date_time_format_iso8601 (d) : NULL;
	if (iso)
		json_builder_add_string_value (b, iso);
	else
		json_builder_add_null_value (b);
}

static void
jsonl_address (mh_printer *p, const mh_exposed_address *a)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	add_string (b, "type", "address");
	add_string (b, "address", a->address);
	add_string (b, "name", a->name);
	add_count (b, "from", a->from);
	add_count (b, "to", a->to);
	add_count (b, "cc", a->cc);
	add_count (b, "reply_to", a->reply_to);
	add_count (b, "quoted", a->quoted);
	add_count (b, "contact", a->contact);
	add_count (b, "sent_items", a->sent_items);
	add_date (b, "first_seen", a->first_seen);
	add_date (b, "last_seen", a->last_seen);
	json_builder_end_object (b);
	mh_jsonl_write (p->out, b);
}

static void
jsonl_contact (mh_printer *p, const char *file, const mh_pst_contact *c)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	add_string (b, "type", "contact");
	add_string (b, "file", file);
	add_string (b, "folder", c->folder);
	json_builder_set_member_name (b, "index");
	json_builder_add_int_value (b, c->index);
	add_bool (b, "is_list", c->is_list);
	add_string (b, "name", c->name);
	add_string (b, "company", c->company);
	add_string_list (b, "addresses", c->addresses);
	json_builder_end_object (b);
	mh_jsonl_write (p->out, b);
}

static void
jsonl_thread (mh_printer *p, const mh_stolen_thread *t)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	add_string (b, "type", "thread");
	add_string (b, "thread", t->thread);
	add_string (b, "verdict", t->verdict);
	add_string (b, "subject", t->subject);
	add_count (b, "spoofs", t->spoofs);
	add_date (b, "first_seen", t->first_seen);
	add_date (b, "last_seen", t->last_seen);
	add_string_list (b, "participants", t->participants);
	add_string_list (b, "mailboxes", t->mailboxes);
	add_string_list (b, "originals", t->originals);
	add_string_list (b, "shown_senders", t->shown_senders);
	add_string_list (b, "spoof_list", t->spoof_list);
	json_builder_end_object (b);
	mh_jsonl_write (p->out, b);
}

static void
jsonl_summary (mh_printer *p, const mh_scan_summary *s)
{
	g_autoptr (JsonBuilder) b = json_builder_new ();
	json_builder_begin_object (b);
	add_string (b, "type", "summary");
	add_string (b, "version", PACKAGE_VERSION);
	add_count (b, "inputs", s->inputs);
	add_count (b, "messages", s->messages);
	add_count (b, "deleted_messages", s->deleted_messages);
	add_count (b, "attachments", s->attachments);
	add_count (b, "messages_with_problems", s->problems);
	json_builder_set_member_name (b, "flagged");
	json_builder_begin_object (b);
	add_count (b, "total", s->flagged);
	add_count (b, "high", s->flagged_by_severity[MH_SEVERITY_HIGH]);
	add_count (b, "medium", s->flagged_by_severity[MH_SEVERITY_MEDIUM]);
	add_count (b, "low", s->flagged_by_severity[MH_SEVERITY_LOW]);
	json_builder_end_object (b);
	json_builder_set_member_name (b, "documents");
	json_builder_begin_object (b);
	add_count (b, "total", s->documents);
	for (int v = MH_VERDICT_MALICIOUS; v >= MH_VERDICT_CLEAN; v--)
		add_count (b, mh_verdict_to_string (v), s->documents_by_verdict[v]);
	add_count (b, "flagged_files", s->flagged_documents);
	json_builder_end_object (b);
	json_builder_set_member_name (b, "pictures");
	json_builder_begin_object (b);
	add_count (b, "total", s->pictures);
	add_count (b, "read_by_ocr", s->pictures_read);
	json_builder_set_member_name (b, "ocr_seconds");
	json_builder_add_double_value (b, s->ocr_seconds);
	json_builder_end_object (b);

	add_count (b, "contacts", s->contacts);
	add_count (b, "stolen_threads", s->stolen_threads);
	add_count (b, "linked_early", s->linked_early);
	add_count (b, "folders_total", s->folders);
	json_builder_set_member_name (b, "folders");
	json_builder_begin_array (b);
	for (guint i = 0; i < s->store_folders->len; i++) {
		const mh_store_folder *f = g_ptr_array_index (s->store_folders, i);
		json_builder_begin_object (b);
		add_string (b, "file", f->file);
		add_string (b, "folder", f->folder);
		add_string (b, "role", f->role);
		add_count (b, "messages", f->messages);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	add_count (b, "skipped_total", s->skipped);
	json_builder_set_member_name (b, "skipped");
	json_builder_begin_array (b);
	for (guint i = 0; i < s->skipped_inputs->len; i++) {
		const mh_skipped_input *k = g_ptr_array_index (s->skipped_inputs, i);
		json_builder_begin_object (b);
		add_string (b, "file", k->file);
		add_string (b, "reason", k->reason);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);

	add_count (b, "errors_total", s->errors);
	json_builder_set_member_name (b, "errors");
	json_builder_begin_array (b);
	for (guint i = 0; i < s->read_errors->len; i++) {
		const mh_read_error *e = g_ptr_array_index (s->read_errors, i);
		json_builder_begin_object (b);
		add_string (b, "file", e->file);
		add_string (b, "folder", e->folder);
		json_builder_set_member_name (b, "index");
		if (e->index >= 0)
			json_builder_add_int_value (b, e->index);
		else
			json_builder_add_null_value (b);
		add_string (b, "error", e->what);
		json_builder_end_object (b);
	}
	json_builder_end_array (b);
	json_builder_set_member_name (b, "elapsed_seconds");
	json_builder_add_double_value (b, s->elapsed_seconds);
	json_builder_end_object (b);
	mh_jsonl_write (p->out, b);
}

const mh_printer_class mh_jsonl_printer = {
	.name = "jsonl",
	.message = jsonl_message,
	.document = jsonl_document,
	.address = jsonl_address,
	.contact = jsonl_contact,
	.thread = jsonl_thread,
	.summary = jsonl_summary,
};
