/* libFuzzer harness: the link stage on hostile mail.  The bytes are one
 * message; it is indexed, then classified against that index (where it
 * must never be its own original), and its addresses collected, quoted
 * header blocks included. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mailhunt/analyse.h"
#include "mailhunt/link.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static gboolean initialised;
	if (!initialised) {
		g_mime_init ();
		initialised = TRUE;
	}
	mh_limits limits;
	mh_limits_init_default (&limits);
	limits.max_depth = 8;
	limits.max_attachments = 20;
	limits.max_body_text = 64 * 1024;

	mh_locator loc = { .file = (char *) "fuzz", .offset = 0, .length = (gint64) size };
	mh_message *m = mh_message_new_from_bytes ((const char *) data, size, &loc, &limits);
	mh_analyse_headers (m);

	mh_thread_index *index = mh_thread_index_new ();
	mh_thread_index_add (index, m, "fuzz");
	/* as scan does: the mail is in the index it is linked against */
	mh_case_result *r = mh_case_classify_indexed (m, index, TRUE);
	for (guint i = 0; i < r->links->len; i++) {
		const mh_quote_link *l = &g_array_index (r->links, mh_quote_link, i);
		const mh_indexed_message *o = mh_thread_index_get (index, l->original);
		if (!o || (o->file && strcmp (o->file, "fuzz") == 0 && o->index == 0))
			__builtin_trap ();   /* a mail taken for its own original */
		if (l->score < 0 || l->score > 1)
			__builtin_trap ();
	}
	mh_case_attach (m, r, index);
	mh_case_result_free (r);

	/* the stolen-thread map of what the mail became */
	mh_thread_map *map = mh_thread_map_new ();
	mh_thread_map_add (map, m);
	mh_thread_map_add (map, m);
	GPtrArray *threads = mh_thread_map_threads (map);
	if (threads->len != (m->thread_case && m->thread_case->thread ? 1u : 0u))
		__builtin_trap ();
	for (guint i = 0; i < threads->len; i++) {
		const mh_stolen_thread *t = g_ptr_array_index (threads, i);
		if (t->spoofs != 2 || strlen (t->thread) != 12 || t->participants->len > MH_THREAD_LIST_MAX)
			__builtin_trap ();
	}
	g_ptr_array_unref (threads);
	mh_thread_map_free (map);

	mh_exposure *e = mh_exposure_new (1000);
	mh_exposure_add_message (e, m);
	GPtrArray *addresses = mh_exposure_addresses (e);
	for (guint i = 0; i < addresses->len; i++) {
		const mh_exposed_address *a = g_ptr_array_index (addresses, i);
		if (!strchr (a->address, '@') || !g_utf8_validate (a->address, -1, NULL))
			__builtin_trap ();
	}
	mh_exposure_free (e);
	mh_thread_index_free (index);
	mh_message_free (m);
	return 0;
}
