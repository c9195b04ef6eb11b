/* libFuzzer harness: the TNEF (winmail.dat) unpacker, with small limits
 * so that the attachment and size caps are reached. */
#include "config.h"

#include <stdint.h>

#include "mailhunt/outlook.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	mh_limits limits;
	mh_limits_init_default (&limits);
	limits.max_attachments = 20;
	limits.max_message_size = 256 * 1024;

	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) files = mh_tnef_unpack (data, size, &limits, problems, &error);
	if (!files) {
		if (!error || !error->message)
			__builtin_trap ();
		return 0;
	}
	if (files->len > limits.max_attachments)
		__builtin_trap ();
	gsize total = 0;
	for (guint i = 0; i < files->len; i++) {
		mh_tnef_file *f = g_ptr_array_index (files, i);
		/* every file has bytes (maybe none); names are UTF-8 */
		if (!f->data)
			__builtin_trap ();
		if ((f->filename && !g_utf8_validate (f->filename, -1, NULL)) ||
		    (f->mime_type && !g_utf8_validate (f->mime_type, -1, NULL)))
			__builtin_trap ();
		total += g_bytes_get_size (f->data);
	}
	if (total > limits.max_message_size)
		__builtin_trap ();
	return 0;
}
