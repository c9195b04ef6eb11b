/* libFuzzer harness: the mbox splitter, fed (or read into) in pieces
 * whose sizes come from the input itself, so that chunk boundaries are
 * fuzzed too. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mailhunt/mailbox.h"

static void
check_entry (mh_mbox_entry *e, gpointer user_data)
{
	gsize *total = user_data;
	if (e->data)
		/* the splitter promises a NUL after the message */
		if (e->data[e->len] != '\0')
			__builtin_trap ();
	/* the array behind the bytes, which a reader may take */
	if (e->bytes && ((const char *) e->bytes->data != e->data || e->bytes->len <= e->len))
		__builtin_trap ();
	if (e->bytes && e->len % 2)
		g_byte_array_unref (g_steal_pointer (&e->bytes));
	*total += e->len;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	gsize chunk = (gsize) data[0] + 1, total = 0;
	data++;
	size--;
	/* a small cap so the oversized path is exercised */
	mh_mbox_splitter *s = mh_mbox_splitter_new (4096, check_entry, &total);
	/* an odd first byte: read into the splitter's own room, as
	 * read_mbox does, in pieces no larger than the chunk */
	gboolean in_place = chunk % 2 == 0;
	for (gsize i = 0; i < size;) {
		gsize n = MIN (chunk, size - i);
		if (in_place) {
			gsize room;
			guint8 *at = mh_mbox_splitter_reserve (s, &room);
			n = MIN (n, room);
			memcpy (at, data + i, n);
			mh_mbox_splitter_commit (s, n);
		} else {
			mh_mbox_splitter_feed (s, (const char *) data + i, n);
		}
		i += n;
	}
	mh_mbox_splitter_finish (s);
	mh_mbox_splitter_free (s);
	if (total > size)
		__builtin_trap ();   /* unescaping only ever removes bytes */
	return 0;
}
