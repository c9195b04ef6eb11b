/* The stolen-thread map of a scan: the flagged mails grouped by the
 * thread they quote (mh_thread_case.thread), with what the guidance asks
 * an analyst to find out about each — who took part in it, which
 * mailboxes held it, how often it was reused and when. */
#include "config.h"

#include <string.h>

#include "mailhunt/link.h"

struct _mh_thread_map {
	GHashTable *by_id;    /* thread id -> mh_stolen_thread* (owned) */
	guint       dropped;  /* mails of threads past MH_THREAD_MAP_MAX */
};

static void
stolen_thread_free (gpointer p)
{
	mh_stolen_thread *t = p;
	g_free (t->thread);
	g_free (t->subject);
	g_ptr_array_unref (t->participants);
	g_ptr_array_unref (t->mailboxes);
	g_ptr_array_unref (t->originals);
	g_ptr_array_unref (t->shown_senders);
	g_ptr_array_unref (t->spoof_list);
	g_free (t);
}

mh_thread_map *
mh_thread_map_new (void)
{
	mh_thread_map *map = g_new0 (mh_thread_map, 1);
	map->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, stolen_thread_free);
	return map;
}

void
mh_thread_map_free (mh_thread_map *map)
{
	if (!map)
		return;
	g_hash_table_unref (map->by_id);
	g_free (map);
}

/* Lists keep their first MH_THREAD_LIST_MAX entries, each once. */
static void
add_once (GPtrArray *list, const char *value)
{
	if (!value || !*value || list->len >= MH_THREAD_LIST_MAX)
		return;
	for (guint i = 0; i < list->len; i++)
		if (strcmp (g_ptr_array_index (list, i), value) == 0)
			return;
	g_ptr_array_add (list, g_strdup (value));
}

void
mh_thread_map_add (mh_thread_map *map, const mh_message *m)
{
	const mh_thread_case *c = m->thread_case;
	if (!c || !c->thread)
		return;
	mh_stolen_thread *t = g_hash_table_lookup (map->by_id, c->thread);
	if (!t) {
		if (g_hash_table_size (map->by_id) >= MH_THREAD_MAP_MAX) {
			map->dropped++;
			return;
		}
		t = g_new0 (mh_stolen_thread, 1);
		t->thread = g_strdup (c->thread);
		t->verdict = "A-likely";
		t->participants = g_ptr_array_new_with_free_func (g_free);
		t->mailboxes = g_ptr_array_new_with_free_func (g_free);
		t->originals = g_ptr_array_new_with_free_func (g_free);
		t->shown_senders = g_ptr_array_new_with_free_func (g_free);
		t->spoof_list = g_ptr_array_new_with_free_func (g_free);
		t->first_seen = t->last_seen = G_MININT64;
		g_hash_table_insert (map->by_id, t->thread, t);
	}
	/* the subject of a real original wins over a quoted one */
	gboolean confirmed = strcmp (c->verdict, "A-confirmed") == 0;
	if (c->thread_subject && (!t->subject || (confirmed && strcmp (t->verdict, "A-confirmed") != 0))) {
		g_free (t->subject);
		t->subject = g_strdup (c->thread_subject);
	}
	if (confirmed)
		t->verdict = "A-confirmed";
	for (guint i = 0; i < c->thread_participants->len; i++)
		add_once (t->participants, g_ptr_array_index (c->thread_participants, i));
	for (guint i = 0; i < c->holding_mailboxes->len; i++)
		add_once (t->mailboxes, g_ptr_array_index (c->holding_mailboxes, i));
	if (confirmed && c->originals->len) {
		const mh_original *o = g_ptr_array_index (c->originals, 0);
		if (o->message_id)
			add_once (t->originals, o->message_id);
		else {
			g_autofree char *where = g_strdup_printf ("%s #%u", o->file ? o->file : "?", o->index);
			add_once (t->originals, where);
		}
	}
	add_once (t->shown_senders, c->shown_sender);
	t->spoofs++;
	if (t->spoof_list->len < MH_THREAD_LIST_MAX) {
		g_autofree char *where = g_strdup_printf ("%s #%u", m->locator.file ? m->locator.file : "?",
		                                          m->locator.index);
		g_ptr_array_add (t->spoof_list, g_steal_pointer (&where));
	}
	if (m->date_unix != G_MININT64) {
		if (t->first_seen == G_MININT64 || m->date_unix < t->first_seen)
			t->first_seen = m->date_unix;
		if (t->last_seen == G_MININT64 || m->date_unix > t->last_seen)
			t->last_seen = m->date_unix;
	}
}

/* Most reused first, then the earliest seen, then by id: the same order
 * whatever order the mails came in. */
static gint
thread_order (gconstpointer a, gconstpointer b)
{
	const mh_stolen_thread *x = *(const mh_stolen_thread *const *) a;
	const mh_stolen_thread *y = *(const mh_stolen_thread *const *) b;
	if (x->spoofs != y->spoofs)
		return x->spoofs > y->spoofs ? -1 : 1;
	if (x->first_seen != y->first_seen)
		return x->first_seen < y->first_seen ? -1 : 1;
	return strcmp (x->thread, y->thread);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
mh_thread_map_threads (mh_thread_map *map)
{
	GPtrArray *list = g_ptr_array_new ();
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init (&it, map->by_id);
	while (g_hash_table_iter_next (&it, NULL, &value)) {
		mh_stolen_thread *t = value;
		/* sets, not sequences: sorted so that the order of the input does
		 * not show (the spoof list stays in reading order) */
		g_ptr_array_sort (t->participants, compare_strings);
		g_ptr_array_sort (t->mailboxes, compare_strings);
		g_ptr_array_sort (t->originals, compare_strings);
		g_ptr_array_sort (t->shown_senders, compare_strings);
		g_ptr_array_add (list, t);
	}
	g_ptr_array_sort (list, thread_order);
	return list;
}

guint
mh_thread_map_dropped (const mh_thread_map *map)
{
	return map->dropped;
}
