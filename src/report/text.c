/* Text report: one block per reported message, for a person reading a
 * terminal or a case file, then the summary. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mailhunt/link.h"
#include "mailhunt/report.h"

static void
print_address (FILE *out, const mh_address *a)
{
	if (a->name && a->addr)
		fprintf (out, "\"%s\" <%s>", a->name, a->addr);
	else if (a->addr)
		fprintf (out, "<%s>", a->addr);
	else if (a->name)
		fprintf (out, "\"%s\"", a->name);
	else
		fputs ("(none)", out);
}

static void
print_locator (FILE *out, const mh_locator *l)
{
	fprintf (out, "%s", l->file);
	if (l->container)
		fprintf (out, " [%s]", l->container);
	if (l->folder)
		fprintf (out, " folder \"%s\"", l->folder);
	if (l->folder_role)
		fprintf (out, " (%s)", l->folder_role);
	fprintf (out, " #%u", l->index);
	if (l->offset >= 0)
		fprintf (out, " at %" G_GINT64_FORMAT, l->offset);
	if (l->length >= 0)
		fprintf (out, " (%" G_GINT64_FORMAT " bytes)", l->length);
	if (l->deleted)
		fputs (" DELETED", out);
}

static void
print_finding (FILE *out, const mh_finding *f, const char *indent)
{
	g_autofree char *sev = g_ascii_strup (mh_severity_to_string (f->severity), -1);
	fprintf (out, "%s  %-6s %s: %s\n", indent, sev, f->id, f->summary);
	if (f->location)
		fprintf (out, "%s         where:    %s\n", indent, f->location);
	if (f->evidence)
		fprintf (out, "%s         evidence: %s\n", indent, f->evidence);
	if (f->decoding)
		fprintf (out, "%s         decoded:  %s\n", indent, f->decoding);
}

/* Source, indented, so that it cannot be mistaken for report lines. */
static void
print_source (FILE *out, const char *source, const char *indent)
{
	g_auto (GStrv) lines = g_strsplit (source, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		g_strchomp (lines[i]);
		if (!lines[i + 1] && !*lines[i])
			break;
		fprintf (out, "%s      | %s\n", indent, lines[i]);
	}
}

static void
print_document (FILE *out, const mh_document *d, const char *indent, gboolean show_code)
{
	g_autofree char *verdict = g_ascii_strup (mh_verdict_to_string (d->verdict), -1);
	mh_verdict overall = mh_document_overall_verdict (d);
	g_autofree char *inside = overall > d->verdict
	                        ? g_ascii_strup (mh_verdict_to_string (overall), -1) : NULL;
	fprintf (out, "%sdocument %s (%s, %zu bytes): %s%s%s%s\n", indent, d->name ? d->name : "(unnamed)",
	         d->format, d->size, verdict, inside ? " itself, " : "", inside ? inside : "",
	         inside ? " inside" : "");
	if (d->encrypted)
		fprintf (out, "%s  encrypted: what is encrypted was not inspected\n", indent);
	if (d->password)
		fprintf (out, "%s  opened with password \"%s\"%s\n", indent, d->password,
		         d->password_source ? " written in the mail body" : "");
	for (guint i = 0; i < d->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (d->properties, i);
		fprintf (out, "%s  %s: %s\n", indent, p->name, p->value);
	}
	for (guint i = 0; i < d->vba_projects->len; i++) {
		const mh_vba_project *p = g_ptr_array_index (d->vba_projects, i);
		fprintf (out, "%s  VBA project in %s: %u module%s%s\n", indent, p->location, p->modules->len,
		         p->modules->len == 1 ? "" : "s", p->stomped ? " (STOMPED: source does not match compiled code)" : "");
		for (guint k = 0; k < p->modules->len; k++) {
			const mh_vba_module *m = g_ptr_array_index (p->modules, k);
			fprintf (out, "%s    module %s (%s, %zu bytes of source%s%s)\n", indent, m->name, m->kind,
			         m->source_len, m->offset_repaired ? ", found past a wrong offset" : "",
			         m->source ? "" : ", source not recovered");
			if (show_code && m->source)
				print_source (out, m->source, indent);
		}
		for (guint k = 0; k < p->problems->len; k++)
			fprintf (out, "%s    problem: %s\n", indent, (const char *) g_ptr_array_index (p->problems, k));
	}
	for (guint i = 0; i < d->images->len; i++) {
		const mh_doc_image *image = g_ptr_array_index (d->images, i);
		fprintf (out, "%s  picture %s (%s, %ux%u, %zu bytes)", indent, image->location, image->format,
		         image->width, image->height, image->size);
		if (image->has_dhash)
			fprintf (out, " dHash %016" G_GINT64_MODIFIER "x", image->dhash);
		if (image->text)
			fprintf (out, ", OCR %s: %zu characters\n", image->ocr, strlen (image->text));
		else
			fprintf (out, ", OCR %s\n", image->ocr);
	}
	for (guint i = 0; i < d->findings->len; i++)
		print_finding (out, g_ptr_array_index (d->findings, i), indent);
	for (guint i = 0; i < d->iocs->len; i++) {
		const mh_ioc *ioc = g_ptr_array_index (d->iocs, i);
		fprintf (out, "%s  indicator %s: %s%s%s%s\n", indent, ioc->kind, ioc->value,
		         ioc->location ? " at " : "", ioc->location ? ioc->location : "",
		         ioc->decoding ? " (decoded)" : "");
	}
	for (guint i = 0; i < d->problems->len; i++)
		fprintf (out, "%s  problem: %s\n", indent, (const char *) g_ptr_array_index (d->problems, i));
	g_autofree char *deeper = g_strconcat (indent, "    ", NULL);
	for (guint i = 0; i < d->children->len; i++)
		print_document (out, g_ptr_array_index (d->children, i), deeper, show_code);
}

/* Case A or B, the original it quotes and what to do next: short enough
 * to paste into a ticket (docs/linking.md). */
static void
print_thread_case (FILE *out, const mh_thread_case *c, const char *indent)
{
	fprintf (out, "%s  case %s", indent, c->verdict);
	if (c->quotes)
		fprintf (out, " (%u quote level%s, %s)", c->quotes, c->quotes == 1 ? "" : "s",
		         c->quote_style ? c->quote_style : "?");
	fputc ('\n', out);
	for (guint i = 0; i < c->reasons->len; i++)
		fprintf (out, "%s         why:      %s\n", indent, (const char *) g_ptr_array_index (c->reasons, i));
	for (guint i = 0; i < c->originals->len; i++) {
		const mh_original *o = g_ptr_array_index (c->originals, i);
		g_autoptr (GDateTime) when = o->date_unix != G_MININT64 ? g_date_time_new_from_unix_utc (o->date_unix) : NULL;
		g_autofree char *date = when ? g_date_time_format_iso8601 (when) : g_strdup ("(no date)");
		fprintf (out, "%s         original: %s in %s: %s%s%s #%u", indent,
		         o->message_id ? o->message_id : "(no Message-ID)", o->mailbox ? o->mailbox : "?",
		         o->file ? o->file : "?", o->folder ? " folder " : "", o->folder ? o->folder : "", o->index);
		if (o->offset >= 0)
			fprintf (out, " at %" G_GINT64_FORMAT, o->offset);
		fprintf (out, "; %s, from %s to %s, \"%s\" (quote level %u, score %.2f)\n", date,
		         o->from ? o->from : "?", o->to ? o->to : "?", o->subject ? o->subject : "",
		         o->quote_level, o->score);
	}
	if (c->holding_mailboxes->len) {
		fprintf (out, "%s         held by:  ", indent);
		for (guint i = 0; i < c->holding_mailboxes->len; i++)
			fprintf (out, "%s%s", i ? ", " : "", (const char *) g_ptr_array_index (c->holding_mailboxes, i));
		fputc ('\n', out);
	}
	if (c->shown_sender)
		fprintf (out, "%s         likely infected: the terminal of %s\n", indent, c->shown_sender);
	for (const char *const *step = mh_case_next_steps (c->verdict); *step; step++)
		fprintf (out, "%s         next:     %s\n", indent, *step);
}

static void
print_message_body (FILE *out, const mh_message *m, const char *indent, gboolean show_code)
{
	fprintf (out, "%sdate:    %s\n", indent, m->date ? m->date : "(none)");
	fprintf (out, "%sfrom:    ", indent);
	print_address (out, &m->from);
	fputc ('\n', out);
	if (m->return_path || m->envelope_from)
		fprintf (out, "%senvelope: %s\n", indent, m->return_path ? m->return_path : m->envelope_from);
	fprintf (out, "%ssubject: %s\n", indent, m->subject ? m->subject : "(none)");
	/* plain mail needs no mention; a meeting request or a task does */
	if (m->outlook_class && g_ascii_strcasecmp (m->outlook_class, "IPM.Note") != 0)
		fprintf (out, "%sOutlook item: %s\n", indent, m->outlook_class);
	if (m->outlook_sender_dn)
		fprintf (out, "%sExchange sender: %s\n", indent, m->outlook_sender_dn);
	for (guint i = 0; i < m->findings->len; i++)
		print_finding (out, g_ptr_array_index (m->findings, i), indent);
	if (m->thread_case)
		print_thread_case (out, m->thread_case, indent);
	for (guint i = 0; i < m->problems->len; i++)
		fprintf (out, "%s  problem: %s\n", indent, (const char *) g_ptr_array_index (m->problems, i));
	for (guint i = 0; i < m->attachments->len; i++) {
		const mh_attachment *a = g_ptr_array_index (m->attachments, i);
		fprintf (out, "%s  attachment %s: %s (%s, looks like %s, %zu bytes%s) sha256 %s\n", indent,
		         a->path, a->filename ? a->filename : "(no name)", a->declared_type, a->detected_type,
		         a->size, a->truncated ? ", truncated" : "", a->sha256[0] ? a->sha256 : "-");
		if (a->nested) {
			g_autofree char *deeper = g_strconcat (indent, "    ", NULL);
			print_message_body (out, a->nested, deeper, show_code);
		}
		if (a->document) {
			g_autofree char *deeper = g_strconcat (indent, "    ", NULL);
			print_document (out, a->document, deeper, show_code);
		}
	}
}

static void
text_message (mh_printer *p, const mh_message *m)
{
	fputs ("== ", p->out);
	print_locator (p->out, &m->locator);
	fputc ('\n', p->out);
	print_message_body (p->out, m, "   ", p->show_code);
	fputc ('\n', p->out);
}

static void
text_document (mh_printer *p, const char *file, const mh_document *d)
{
	fprintf (p->out, "== %s\n", file);
	print_document (p->out, d, "   ", p->show_code);
	fputc ('\n', p->out);
}

static void
text_address (mh_printer *p, const mh_exposed_address *a)
{
	fprintf (p->out, "%s", a->address);
	if (a->name)
		fprintf (p->out, " (%s)", a->name);
	fprintf (p->out, ": from %u, to %u, cc %u, reply-to %u, quoted %u, contact %u", a->from, a->to,
	         a->cc, a->reply_to, a->quoted, a->contact);
	if (a->sent_items)
		fprintf (p->out, ", in Sent Items %u", a->sent_items);
	if (a->first_seen != G_MININT64) {
		g_autoptr (GDateTime) first = g_date_time_new_from_unix_utc (a->first_seen);
		g_autoptr (GDateTime) last = g_date_time_new_from_unix_utc (a->last_seen);
		g_autofree char *f = first ? g_date_time_format (first, "%Y-%m-%d") : NULL;
		g_autofree char *l = last ? g_date_time_format (last, "%Y-%m-%d") : NULL;
		fprintf (p->out, ", seen %s to %s", f ? f : "?", l ? l : "?");
	}
	fputc ('\n', p->out);
}

static void
print_list (FILE *out, const char *label, GPtrArray *list)
{
	if (!list->len)
		return;
	fprintf (out, "   %-13s ", label);
	for (guint i = 0; i < list->len; i++)
		fprintf (out, "%s%s", i ? ", " : "", (const char *) g_ptr_array_index (list, i));
	fputc ('\n', out);
}

/* One thread of the stolen-thread map: what step 6 of the guidance needs
 * (who to warn) and what ties the spoofs together. */
static void
text_thread (mh_printer *p, const mh_stolen_thread *t)
{
	FILE *out = p->out;
	fprintf (out, "== stolen thread %s: \"%s\" (%s), reused by %u spoofed mail%s\n", t->thread,
	         t->subject ? t->subject : "(no subject)", t->verdict, t->spoofs, t->spoofs == 1 ? "" : "s");
	if (t->first_seen != G_MININT64) {
		g_autoptr (GDateTime) first = g_date_time_new_from_unix_utc (t->first_seen);
		g_autoptr (GDateTime) last = g_date_time_new_from_unix_utc (t->last_seen);
		g_autofree char *f = first ? g_date_time_format_iso8601 (first) : NULL;
		g_autofree char *l = last ? g_date_time_format_iso8601 (last) : NULL;
		fprintf (out, "   %-13s %s to %s\n", "spoofs seen", f ? f : "?", l ? l : "?");
	}
	print_list (out, "participants", t->participants);
	print_list (out, "held by", t->mailboxes);
	print_list (out, "originals", t->originals);
	print_list (out, "shown sender", t->shown_senders);
	print_list (out, "spoofs", t->spoof_list);
	if (t->spoofs > t->spoof_list->len)
		fprintf (out, "   %-13s ... and %u more\n", "", t->spoofs - t->spoof_list->len);
	fputc ('\n', out);
}

static void
text_contact (mh_printer *p, const char *file, const mh_pst_contact *c)
{
	fprintf (p->out, "== %s folder \"%s\" %s #%u: %s", file, c->folder ? c->folder : "",
	         c->is_list ? "distribution list" : "contact", c->index, c->name ? c->name : "(no name)");
	if (c->company)
		fprintf (p->out, " (%s)", c->company);
	for (guint i = 0; i < c->addresses->len; i++)
		fprintf (p->out, "%s%s", i ? ", " : " <", (const char *) g_ptr_array_index (c->addresses, i));
	fputs (c->addresses->len ? ">\n" : "\n", p->out);
}

static int
compare_reasons (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
text_summary (mh_printer *p, const mh_scan_summary *s)
{
	FILE *out = p->out;
	if (p->quiet)
		return;
	fprintf (out, "Summary\n");
	fprintf (out, "  inputs read:      %u\n", s->inputs);
	/* mailhunt doc reads no mail: message counts would only be noise */
	if (s->messages || !s->documents) {
		fprintf (out, "  messages:         %u (%u deleted but still present)\n", s->messages, s->deleted_messages);
		fprintf (out, "  attachments:      %u\n", s->attachments);
		fprintf (out, "  flagged messages: %u (high %u, medium %u, low %u)\n", s->flagged,
		         s->flagged_by_severity[MH_SEVERITY_HIGH], s->flagged_by_severity[MH_SEVERITY_MEDIUM],
		         s->flagged_by_severity[MH_SEVERITY_LOW]);
	}
	if (s->documents)
		fprintf (out, "  documents opened: %u (malicious %u, suspicious %u, macros %u, clean %u)\n",
		         s->documents, s->documents_by_verdict[MH_VERDICT_MALICIOUS],
		         s->documents_by_verdict[MH_VERDICT_SUSPICIOUS], s->documents_by_verdict[MH_VERDICT_MACROS],
		         s->documents_by_verdict[MH_VERDICT_CLEAN]);
	if (s->flagged_documents)
		fprintf (out, "  flagged document files: %u\n", s->flagged_documents);
	if (s->pictures)
		fprintf (out, "  pictures:         %u in documents, %u read by OCR (%.2f s)\n", s->pictures,
		         s->pictures_read, s->ocr_seconds);
	if (s->contacts)
		fprintf (out, "  contacts:         %u (address book entries of Outlook stores)\n", s->contacts);
	if (s->stolen_threads)
		fprintf (out, "  stolen threads:   %u (quoted by case A mails: the map above)\n", s->stolen_threads);
	if (s->linked_early)
		fprintf (out, "  linked early:     %u flagged mails linked before the whole scan was indexed\n",
		         s->linked_early);
	if (s->folders)
		fprintf (out, "  Outlook folders:  %u\n", s->folders);
	for (guint i = 0; i < s->store_folders->len; i++) {
		const mh_store_folder *f = g_ptr_array_index (s->store_folders, i);
		fprintf (out, "    %s: %s: %u message%s%s%s%s\n", f->file, f->folder, f->messages,
		         f->messages == 1 ? "" : "s", f->role ? " (" : "", f->role ? f->role : "", f->role ? ")" : "");
	}
	if (s->folders > s->store_folders->len)
		fprintf (out, "    ... and %u more\n", s->folders - s->store_folders->len);
	if (s->problems)
		fprintf (out, "  messages repaired or capped while parsing: %u\n", s->problems);
	fprintf (out, "  skipped inputs:   %u\n", s->skipped);
	guint n_reasons = 0;
	g_autofree gpointer *reasons = g_hash_table_get_keys_as_array (s->skipped_reasons, &n_reasons);
	qsort (reasons, n_reasons, sizeof (gpointer), compare_reasons);
	for (guint i = 0; i < n_reasons; i++) {
		const char *r = reasons[i];
		fprintf (out, "    %u x %s\n", GPOINTER_TO_UINT (g_hash_table_lookup (s->skipped_reasons, r)), r);
	}
	fprintf (out, "  read errors:      %u\n", s->errors);
	for (guint i = 0; i < s->read_errors->len; i++) {
		const mh_read_error *e = g_ptr_array_index (s->read_errors, i);
		fprintf (out, "    %s", e->file);
		if (e->index >= 0)
			fprintf (out, " #%" G_GINT64_FORMAT, e->index);
		fprintf (out, ": %s\n", e->what);
	}
	if (s->errors > s->read_errors->len)
		fprintf (out, "    ... and %u more\n", s->errors - s->read_errors->len);
	fprintf (out, "  elapsed:          %.2f s\n", s->elapsed_seconds);
}

const mh_printer_class mh_text_printer = {
	.name = "text",
	.message = text_message,
	.document = text_document,
	.address = text_address,
	.contact = text_contact,
	.thread = text_thread,
	.summary = text_summary,
};
