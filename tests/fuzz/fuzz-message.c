/* libFuzzer harness: the message builder and every analyser on it, with
 * small limits so that the caps are reached. */
#include "config.h"

#include <stdint.h>

#include "mailhunt/analyse.h"
#include "mailhunt/message.h"

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
	limits.max_attachments = 50;
	limits.max_body_text = 64 * 1024;

	mh_locator loc = { .file = (char *) "fuzz", .offset = 0, .length = (gint64) size };
	/* an odd size: the array is handed over, as the mbox reader does */
	mh_message *m;
	if (size % 2) {
		GByteArray *bytes = g_byte_array_sized_new ((guint) size + 1);
		g_byte_array_append (bytes, data, (guint) size);
		m = mh_message_new_from_byte_array (bytes, size, &loc, &limits);
	} else {
		m = mh_message_new_from_bytes ((const char *) data, size, &loc, &limits);
	}
	mh_analyse_message (m, NULL);
	for (guint i = 0; i < m->attachments->len; i++) {
		GBytes *b = mh_attachment_get_bytes (g_ptr_array_index (m->attachments, i), 1024);
		g_bytes_unref (b);
	}
	if (!g_utf8_validate (m->body_text, -1, NULL))
		__builtin_trap ();
	mh_message_free (m);
	return 0;
}
