/* The printer registry and the scan summary every printer receives. */
#include "config.h"

#include <string.h>

#include "mailhunt/report.h"

static const mh_printer_class *const printers[] = {
	&mh_text_printer, &mh_jsonl_printer, &mh_csv_printer, NULL,
};

mh_printer *
mh_printer_new (const char *format, FILE *out)
{
	for (int i = 0; printers[i]; i++) {
		if (strcmp (printers[i]->name, format) == 0) {
			mh_printer *p = g_new0 (mh_printer, 1);
			p->klass = printers[i];
			p->out = out;
			return p;
		}
	}
	return NULL;
}

void
mh_printer_free (mh_printer *printer)
{
	g_free (printer);
}

static void
read_error_free (gpointer p)
{
	mh_read_error *e = p;
	g_free (e->file);
	g_free (e->folder);
	g_free (e->what);
	g_free (e);
}

static void
skipped_free (gpointer p)
{
	mh_skipped_input *s = p;
	g_free (s->file);
	g_free (s->reason);
	g_free (s);
}

static void
store_folder_free (gpointer p)
{
	mh_store_folder *f = p;
	g_free (f->file);
	g_free (f->folder);
	g_free (f);
}

void
mh_scan_summary_add_folder (mh_scan_summary *s, const char *file, const char *folder,
                            const char *role, guint messages)
{
	s->folders++;
	if (s->store_folders->len >= MH_REPORT_LIST_MAX)
		return;
	mh_store_folder *f = g_new0 (mh_store_folder, 1);
	f->file = g_strdup (file);
	f->folder = g_strdup (folder);
	f->role = role;
	f->messages = messages;
	g_ptr_array_add (s->store_folders, f);
}

void
mh_scan_summary_init (mh_scan_summary *s)
{
	memset (s, 0, sizeof *s);
	s->skipped_inputs = g_ptr_array_new_with_free_func (skipped_free);
	s->skipped_reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	s->read_errors = g_ptr_array_new_with_free_func (read_error_free);
	s->store_folders = g_ptr_array_new_with_free_func (store_folder_free);
}

void
mh_scan_summary_clear (mh_scan_summary *s)
{
	g_ptr_array_unref (s->skipped_inputs);
	g_hash_table_unref (s->skipped_reasons);
	g_ptr_array_unref (s->read_errors);
	g_ptr_array_unref (s->store_folders);
}

void
mh_scan_summary_add_error (mh_scan_summary *s, const char *file, const char *folder, gint64 index,
                           const char *what)
{
	s->errors++;
	if (s->read_errors->len >= MH_REPORT_LIST_MAX)
		return;
	mh_read_error *e = g_new0 (mh_read_error, 1);
	e->file = g_strdup (file);
	e->folder = g_strdup (folder);
	e->index = index;
	e->what = g_strdup (what);
	g_ptr_array_add (s->read_errors, e);
}

void
mh_scan_summary_add_skipped (mh_scan_summary *s, const char *file, const char *reason)
{
	s->skipped++;
	guint n = GPOINTER_TO_UINT (g_hash_table_lookup (s->skipped_reasons, reason));
	g_hash_table_replace (s->skipped_reasons, g_strdup (reason), GUINT_TO_POINTER (n + 1));
	if (s->skipped_inputs->len >= MH_REPORT_LIST_MAX)
		return;
	mh_skipped_input *k = g_new0 (mh_skipped_input, 1);
	k->file = g_strdup (file);
	k->reason = g_strdup (reason);
	g_ptr_array_add (s->skipped_inputs, k);
}

void
mh_scan_summary_add_document (mh_scan_summary *s, const mh_document *doc)
{
	s->documents++;
	s->documents_by_verdict[doc->verdict]++;
	s->pictures += doc->images->len;
	for (guint i = 0; i < doc->images->len; i++) {
		const mh_doc_image *image = g_ptr_array_index (doc->images, i);
		if (strcmp (image->ocr, "read") == 0 || strcmp (image->ocr, "timeout") == 0)
			s->pictures_read++;
	}
	s->ocr_seconds += doc->ocr_seconds;
	for (guint i = 0; i < doc->children->len; i++)
		mh_scan_summary_add_document (s, g_ptr_array_index (doc->children, i));
}
