/* libFuzzer harness: the mbox splitter, fed in pieces whose sizes come
 * from the input itself, so that chunk boundaries are fuzzed too. */
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
	for (gsize i = 0; i < size; i += chunk)
		mh_mbox_splitter_feed (s, (const char *) data + i, MIN (chunk, size - i));
	mh_mbox_splitter_finish (s);
	mh_mbox_splitter_free (s);
	if (total > size)
		__builtin_trap ();   /* unescaping only ever removes bytes */
	return 0;
}
