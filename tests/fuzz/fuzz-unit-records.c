/* libFuzzer harness: the records of bulk scanning that are not report
 * lines (src/report/bulk-records.c): unit starts and ends, index entries,
 * contacts.  The bytes are a shard file; each line is parsed and read by
 * the reader of its type; what is read goes into a thread index (as
 * merge does) and must come back within the caps. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mailhunt/bulk.h"
#include "mailhunt/records.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	mh_thread_index *index = mh_thread_index_new ();
	mh_scan_summary summary;
	mh_scan_summary_init (&summary);
	const char *p = (const char *) data, *end = p + size;
	while (p < end) {
		const char *nl = memchr (p, '\n', (size_t) (end - p));
		gsize len = (gsize) ((nl ? nl : end) - p);
		mh_record_kind kind;
		GError *error = NULL;
		JsonNode *node = mh_record_parse_line (p, len, &kind, &error);
		p += len + (nl ? 1 : 0);
		if (!node) {
			if (!error)
				__builtin_trap ();   /* a refusal must say why */
			g_error_free (error);
			continue;
		}
		JsonObject *o = json_node_get_object (node);
		const char *type = json_object_get_string_member_with_default (o, "type", "");
		if (strcmp (type, "unit") == 0) {
			mh_unit_head head;
			if (mh_bulk_read_head (o, &head, &error)) {
				if (head.range >= MAX (head.ranges, 1u))
					__builtin_trap ();
				mh_unit_head_clear (&head);
			}
		} else if (strcmp (type, "unit-end") == 0) {
			mh_unit_tail tail;
			if (mh_bulk_read_tail (o, &tail, &error))
				mh_bulk_add_counts (&summary, &tail.counts);
		} else if (strcmp (type, "indexed") == 0) {
			mh_index_entry *e = mh_bulk_read_entry (o, &error);
			if (e) {
				guint32 id = mh_thread_index_add_entry (index, e);
				const mh_indexed_message *m = mh_thread_index_get (index, id);
				if (id != G_MAXUINT32 && (!m || m->index != e->index))
					__builtin_trap ();
				if (e->message_id) {
					GArray *ids = mh_thread_index_by_message_id (index, e->message_id);
					g_array_unref (ids);
				}
				mh_index_entry_free (e);
			}
		} else if (kind == MH_RECORD_CONTACT) {
			char *file = NULL;
			mh_pst_contact *c = mh_bulk_read_contact (o, &file, &error);
			if (c)
				mh_pst_contact_free (c);
			g_free (file);
		}
		g_clear_error (&error);
		json_node_unref (node);
	}
	/* the index answers for what went in */
	GArray *found = mh_thread_index_find_text (index, "a quoted text of some length to look up", 40, 0.5, 8);
	g_array_unref (found);
	mh_scan_summary_clear (&summary);
	mh_thread_index_free (index);
	return 0;
}
