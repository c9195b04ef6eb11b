/* libFuzzer harness: the records of bulk scanning that are not report
 * lines (src/report/bulk-records.c): unit starts and ends, index entries,
 * contacts.  The bytes are a shard file; each line is read flat, checked
 * against json-glib's reading of it, and read by the reader of its type;
 * what is read goes into a thread index (as merge does) and must come
 * back within the caps. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mailhunt/bulk.h"
#include "mailhunt/records.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Whatever the flat reader accepts, json-glib must read the same: every
 * member, with the same type and value (the last of a repeated name). */
static void
same_as_json_glib (const mh_flat_record *r, const char *line, gsize len)
{
	mh_record_kind kind;
	GError *error = NULL;
	JsonNode *node = mh_record_parse_line (line, len, &kind, &error);
	if (!node) {
		/* a record without a string type is refused there, not here */
		if (mh_flat_record_type (r))
			__builtin_trap ();
		g_error_free (error);
		return;
	}
	JsonObjectIter it;
	const char *name;
	JsonNode *member;
	json_object_iter_init (&it, json_node_get_object (node));
	while (json_object_iter_next (&it, &name, &member)) {
		const mh_flat_value *v = mh_flat_record_get (r, name);
		if (!v)
			__builtin_trap ();
		if (JSON_NODE_HOLDS_ARRAY (member)) {
			JsonArray *a = json_node_get_array (member);
			if (v->kind != MH_FLAT_ARRAY || v->length != json_array_get_length (a))
				__builtin_trap ();
			continue;
		}
		if (JSON_NODE_HOLDS_NULL (member)) {
			if (v->kind != MH_FLAT_NULL)
				__builtin_trap ();
			continue;
		}
		if (!JSON_NODE_HOLDS_VALUE (member))
			__builtin_trap ();
		GType t = json_node_get_value_type (member);
		if ((t == G_TYPE_STRING && (v->kind != MH_FLAT_STRING ||
		                            strcmp (v->string, json_node_get_string (member)) != 0)) ||
		    (t == G_TYPE_INT64 && (v->kind != MH_FLAT_INT || v->integer != json_node_get_int (member))) ||
		    (t == G_TYPE_BOOLEAN && (v->kind != MH_FLAT_BOOLEAN ||
		                             (v->integer != 0) != json_node_get_boolean (member))) ||
		    (t == G_TYPE_DOUBLE && v->kind != MH_FLAT_DOUBLE))
			__builtin_trap ();
	}
	json_node_unref (node);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	mh_thread_index *index = mh_thread_index_new ();
	mh_scan_summary summary;
	mh_scan_summary_init (&summary);
	mh_flat_record *r = mh_flat_record_new ();
	const char *p = (const char *) data, *end = p + size;
	while (p < end) {
		const char *nl = memchr (p, '\n', (size_t) (end - p));
		gsize len = (gsize) ((nl ? nl : end) - p);
		GError *error = NULL;
		const char *line = p;
		p += len + (nl ? 1 : 0);
		if (!mh_flat_record_parse (r, line, len, &error)) {
			if (!error)
				__builtin_trap ();   /* a refusal must say why */
			g_error_free (error);
			continue;
		}
		same_as_json_glib (r, line, len);
		const char *type = mh_flat_record_type (r);
		type = type ? type : "";
		if (strcmp (type, "unit") == 0) {
			mh_unit_head head;
			if (mh_bulk_read_head (r, &head, &error)) {
				if (head.range >= MAX (head.ranges, 1u))
					__builtin_trap ();
				mh_unit_head_clear (&head);
			}
		} else if (strcmp (type, "unit-end") == 0) {
			mh_unit_tail tail;
			if (mh_bulk_read_tail (r, &tail, &error))
				mh_bulk_add_counts (&summary, &tail.counts);
		} else if (strcmp (type, "indexed") == 0) {
			mh_index_entry *e = mh_bulk_read_entry (r, &error);
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
		} else if (strcmp (type, "contact") == 0) {
			char *file = NULL;
			mh_pst_contact *c = mh_bulk_read_contact (r, &file, &error);
			if (c)
				mh_pst_contact_free (c);
			g_free (file);
		}
		g_clear_error (&error);
	}
	mh_flat_record_free (r);
	/* the index answers for what went in */
	GArray *found = mh_thread_index_find_text (index, "a quoted text of some length to look up", 40, 0.5, 8);
	g_array_unref (found);
	mh_scan_summary_clear (&summary);
	mh_thread_index_free (index);
	return 0;
}
