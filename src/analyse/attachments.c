/* Office documents and archives attached to a message: opened by the
 * Office analyser (src/office/), and summed up on the message as one
 * finding per attachment, so that the message's severity — what decides
 * whether it is reported — says what the analyst needs to look at. */
#include "config.h"

#include <string.h>

#include "mailhunt/analyse.h"

/* The deepest document with the highest verdict, as "a.zip → b.docm". */
static void
worst_path (const mh_document *doc, mh_verdict *verdict, GString *path, GString *best)
{
	gsize mark = path->len;
	if (path->len)
		g_string_append (path, " → ");
	g_string_append (path, doc->name ? doc->name : "(unnamed)");
	if (doc->verdict > *verdict || (doc->verdict == *verdict && best->len == 0)) {
		*verdict = doc->verdict;
		g_string_assign (best, path->str);
	}
	for (guint i = 0; i < doc->children->len; i++)
		worst_path (g_ptr_array_index (doc->children, i), verdict, path, best);
	g_string_truncate (path, mark);
}

/* Finding ids of the worst documents, for the evidence line. */
static void
collect_ids (const mh_document *doc, mh_verdict verdict, GPtrArray *ids)
{
	if (doc->verdict == verdict)
		for (guint i = 0; i < doc->findings->len; i++) {
			const mh_finding *f = g_ptr_array_index (doc->findings, i);
			if (f->severity < MH_SEVERITY_LOW)
				continue;
			gboolean seen = FALSE;
			for (guint k = 0; k < ids->len && !seen; k++)
				seen = strcmp (g_ptr_array_index (ids, k), f->id) == 0;
			if (!seen)
				g_ptr_array_add (ids, (gpointer) f->id);
		}
	for (guint i = 0; i < doc->children->len; i++)
		collect_ids (g_ptr_array_index (doc->children, i), verdict, ids);
}

static gboolean
find_finding (const mh_document *doc, const char *id, const mh_document **where)
{
	for (guint i = 0; i < doc->findings->len; i++)
		if (strcmp (((const mh_finding *) g_ptr_array_index (doc->findings, i))->id, id) == 0) {
			*where = doc;
			return TRUE;
		}
	for (guint i = 0; i < doc->children->len; i++)
		if (find_finding (g_ptr_array_index (doc->children, i), id, where))
			return TRUE;
	return FALSE;
}

static void
sum_up (mh_message *message, const mh_attachment *a)
{
	const mh_document *doc = a->document;
	const char *name = a->filename ? a->filename : a->path;
	mh_verdict verdict = MH_VERDICT_CLEAN;
	g_autoptr (GString) path = g_string_new (NULL);
	g_autoptr (GString) best = g_string_new (NULL);
	const mh_document *where = NULL;

	worst_path (doc, &verdict, path, best);
	g_autoptr (GPtrArray) ids = g_ptr_array_new ();
	collect_ids (doc, verdict, ids);
	g_ptr_array_add (ids, NULL);
	g_autofree char *id_list = g_strjoinv (", ", (char **) ids->pdata);
	g_autofree char *evidence = g_strdup_printf ("%s (%s)%s%s", best->str, mh_verdict_to_string (verdict),
	                                             *id_list ? ": " : "", id_list);

	switch (verdict) {
	case MH_VERDICT_MALICIOUS:
		mh_message_add_finding (message, "attachment.malicious-document", MH_SEVERITY_HIGH, evidence,
		                        "attachment %s holds a document whose macros would run, download or write "
		                        "something when it is opened", name);
		break;
	case MH_VERDICT_SUSPICIOUS:
		mh_message_add_finding (message, "attachment.suspicious-document", MH_SEVERITY_MEDIUM, evidence,
		                        "attachment %s holds a document that runs or fetches something when opened, "
		                        "or hides what it does", name);
		break;
	case MH_VERDICT_MACROS:
		mh_message_add_finding (message, "attachment.macros", MH_SEVERITY_LOW, evidence,
		                        "attachment %s holds a document with macros", name);
		break;
	case MH_VERDICT_CLEAN:
		break;
	}
	if (find_finding (doc, "archive.password-in-body", &where))
		mh_message_add_finding (message, "attachment.password-in-body", MH_SEVERITY_MEDIUM, name,
		                        "attachment %s is an encrypted archive whose password is written in the "
		                        "mail body (a way to get past mail filters)", name);
	else if (find_finding (doc, "archive.encrypted", &where) ||
	         find_finding (doc, "archive.unsupported", &where))
		mh_message_add_finding (message, "attachment.encrypted-archive", MH_SEVERITY_MEDIUM, name,
		                        "attachment %s is an encrypted archive that could not be opened: its "
		                        "contents were not inspected", name);
}

void
mh_analyse_attachments (mh_message *message, const mh_analyse_options *options)
{
	g_autoptr (GPtrArray) passwords = NULL;
	mh_office_options office = options->office;

	for (guint i = 0; i < message->attachments->len; i++) {
		mh_attachment *a = g_ptr_array_index (message->attachments, i);
		/* the walk already typed every attachment from its bytes:
		 * images, PDFs, programs are not handed to the Office analyser */
		if (a->nested || a->document || !mh_attachment_may_be_document (a))
			continue;
		g_autoptr (GBytes) bytes = mh_attachment_get_bytes (a, office.limits.max_document_size + 1);
		/* the copy the walk kept is needed no more: @bytes holds it */
		g_clear_pointer (&a->decoded, g_bytes_unref);
		if (!bytes)
			continue;
		gsize len;
		const guint8 *data = g_bytes_get_data (bytes, &len);
		if (!mh_office_is_document (data, len))
			continue;
		if (!passwords) {
			passwords = mh_passwords_from_text (message->body_text ? message->body_text : "");
			/* a subject line carries the password too, now and then */
			if (message->subject) {
				g_autoptr (GPtrArray) more = mh_passwords_from_text (message->subject);
				for (guint k = 0; k < more->len; k++)
					g_ptr_array_add (passwords, g_strdup (g_ptr_array_index (more, k)));
			}
			office.passwords = passwords;
			office.passwords_source = "mail-body";
		}
		a->document = mh_document_analyse (data, len, a->filename ? a->filename : a->path, &office);
		sum_up (message, a);
	}
}
