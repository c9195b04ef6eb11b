/* libFuzzer harness: cutting an mbox into ranges (src/mailbox/units.c).
 *
 * The input is written to a file; its first two bytes choose the split
 * size (1..1017 bytes, so that everything is cut), the message cap and
 * whether a first message pads the input to near a 64 KiB boundary; an
 * input that begins with "From " is an mbox taken whole (split size 65).
 * Reading the plan's units in order, and reading each alone then merging
 * with mh_plan_merge, must both give exactly the messages (locators,
 * Message-IDs), errors and inputs that mh_read_path gives; a difference
 * is a trap. */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mailhunt/mailbox.h"

typedef struct {
	GPtrArray *lines;
	guint base;   /* added to indexes: the merge of units read alone */
} record;

static void
add (record *r, gint64 index, char *text)
{
	if (index >= 0)
		index += r->base;
	g_ptr_array_add (r->lines, g_strdup_printf ("[%" G_GINT64_FORMAT "] %s", index, text));
	g_free (text);
}

static void
on_message (mh_message *m, gpointer user_data)
{
	const mh_locator *l = &m->locator;
	add (user_data, l->index,
	     g_strdup_printf ("message %s %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %d %s %s", l->file, l->folder,
	                      l->offset, l->length, l->deleted, m->message_id, m->envelope_from));
	mh_message_free (m);
}

static void
on_error (const char *file, const char *folder, gint64 index, const char *what, gpointer user_data)
{
	add (user_data, index, g_strdup_printf ("error %s %s %s", file, folder, what));
}

static void
on_skipped (const char *file, const char *reason, gpointer user_data)
{
	add (user_data, -1, g_strdup_printf ("skipped %s %s", file, reason));
}

static void
on_input (const char *file, const char *kind, gpointer user_data)
{
	add (user_data, -1, g_strdup_printf ("input %s %s", file, kind));
}

static const mh_reader_callbacks callbacks = { on_message, on_error, on_skipped, on_input, NULL, NULL, NULL };

static void
same_or_trap (GPtrArray *a, GPtrArray *b)
{
	if (a->len != b->len)
		__builtin_trap ();
	for (guint i = 0; i < a->len; i++)
		if (strcmp (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
			__builtin_trap ();
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static char *path;
	if (!path) {
		g_mime_init ();
		path = g_strdup_printf ("%s/mailhunt-fuzz-mbox-cut-%d.mbox", g_get_tmp_dir (), (int) getpid ());
	}
	if (size < 2)
		return 0;
	/* a real mbox (the corpora, when replayed) is taken whole, cut small */
	static const guint8 plain[2] = { 8, 0 };
	const guint8 *param = size >= 5 && memcmp (data, "From ", 5) == 0 ? plain : data;
	if (param == data) {
		data += 2;
		size -= 2;
	}
	mh_plan_options options = { 1 + (gint64) (param[0] & 0x7f) * 8, 0 };
	mh_limits limits;
	mh_limits_init_default (&limits);
	limits.max_message_size = 256 + (gsize) (param[1] >> 4) * 8192;
	/* the splitter looks at lines on 64 KiB boundaries: with the high
	 * bit, a first message pads the input to just before one */
	g_autoptr (GString) file = g_string_new (NULL);
	if (param[0] & 0x80) {
		gsize pad = 65536 - 64 * (gsize) (param[1] & 0x0f) - 200;
		g_string_append (file, "From pad@example.org Mon Jun  1 10:00:00 2009\nSubject: pad\n\n");
		while (file->len + 72 < pad)
			g_string_append (file, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
		g_string_append (file, "\n");
	}
	g_string_append_len (file, (const char *) data, (gssize) size);
	if (!g_file_set_contents (path, file->str, (gssize) file->len, NULL))
		return 0;

	g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
	record rw = { want, 0 };
	mh_read_path (path, &limits, &callbacks, &rw);

	g_autoptr (GPtrArray) units = mh_plan ((const char *[]) { path, NULL }, &options);
	/* in order, in one process */
	g_autoptr (GPtrArray) in_order = g_ptr_array_new_with_free_func (g_free);
	record ro = { in_order, 0 };
	guint skip = 0, next = 0;
	for (guint i = 0; i < units->len; i++) {
		const mh_work_unit *u = g_ptr_array_index (units, i);
		mh_unit_result r;
		if (skip > 0) {
			skip--;
			continue;
		}
		if (u->type == MH_UNIT_MBOX_RANGE && u->range == 0)
			next = 0;
		mh_read_unit (u, next, &limits, &callbacks, &ro, &r);
		next += r.messages;
		skip = r.superseded;
	}
	same_or_trap (in_order, want);

	/* each alone, then merged */
	g_autofree mh_unit_result *results = g_new0 (mh_unit_result, units->len + 1);
	g_autofree gboolean *keep = g_new0 (gboolean, units->len + 1);
	g_autofree guint *base = g_new0 (guint, units->len + 1);
	g_autoptr (GPtrArray) alone = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
	for (guint i = 0; i < units->len; i++) {
		GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
		record r = { lines, 0 };
		mh_read_unit (g_ptr_array_index (units, i), 0, &limits, &callbacks, &r, &results[i]);
		g_ptr_array_add (alone, lines);
	}
	mh_plan_merge (units, results, keep, base);
	g_autoptr (GPtrArray) merged = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < units->len; i++) {
		if (!keep[i])
			continue;
		GPtrArray *lines = g_ptr_array_index (alone, i);
		for (guint k = 0; k < lines->len; k++) {
			/* renumber "[index] ..." as the lead does */
			const char *l = g_ptr_array_index (lines, k);
			gint64 index = g_ascii_strtoll (l + 1, NULL, 10);
			const char *rest = strchr (l, ']');
			if (index >= 0)
				index += base[i];
			g_ptr_array_add (merged, g_strdup_printf ("[%" G_GINT64_FORMAT "%s", index, rest));
		}
	}
	same_or_trap (merged, want);
	g_unlink (path);
	return 0;
}
