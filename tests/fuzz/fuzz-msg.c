/* libFuzzer harness: Outlook .msg (OLE2) to MIME, then the message
 * builder and every analyser on the result, with small limits so that
 * the caps (depth, attachments, body text) are reached. */
#include "config.h"

#include <stdint.h>

#include "mailhunt/analyse.h"
#include "mailhunt/autoptr.h"
#include "mailhunt/message.h"
#include "mailhunt/outlook.h"

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
	limits.max_depth = 4;
	limits.max_attachments = 20;
	limits.max_body_text = 64 * 1024;
	limits.max_message_size = 1024 * 1024;

	(void) mh_msg_detect (data, size);
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_autoptr (GMimeMessage) mime = mh_msg_to_mime (data, size, &limits, problems, &error);
	if (!mime) {
		/* no message means an error that says why */
		if (!error || !error->message)
			__builtin_trap ();
		return 0;
	}
	for (guint i = 0; i < problems->len; i++)
		if (!g_utf8_validate (g_ptr_array_index (problems, i), -1, NULL))
			__builtin_trap ();
	mh_locator loc = { .file = (char *) "fuzz.msg", .offset = 0, .length = (gint64) size };
	mh_message *m = mh_message_new_from_mime (mime, &loc, &limits);
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
