/* libFuzzer harness: the MS-OVBA decompressor (src/office/ovba.c) on any
 * bytes, under a cap, and the compressor's round trip on the same bytes:
 * decompress (compress (x)) must give x back. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "office/office-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	/* the bytes as a container: a fault leaves an error, a cap a flag */
	static const gsize caps[] = { 0, 100, 4096, 1 << 20 };
	gsize uncapped_len = 0;
	for (guint i = 0; i < G_N_ELEMENTS (caps); i++) {
		GByteArray *out = g_byte_array_new ();
		GError *error = NULL;
		gboolean capped = FALSE;
		gboolean ok = _mh_ovba_decompress (data, size, caps[i], out, &capped, &error);
		if (out->len > caps[i])
			__builtin_trap ();
		if (!ok && (!error || !g_utf8_validate (error->message, -1, NULL)))
			__builtin_trap ();
		if (ok && error)
			__builtin_trap ();
		if (capped && out->len != caps[i])
			__builtin_trap ();
		/* a chunk gives at most 4096 bytes and takes at least 3 */
		if (out->len > 4096 * (size / 3 + 1))
			__builtin_trap ();
		if (i == G_N_ELEMENTS (caps) - 1)
			uncapped_len = out->len;
		g_clear_error (&error);
		g_byte_array_unref (out);
	}
	(void) uncapped_len;

	/* the bytes as plain data: the round trip is exact */
	if (size <= 64 * 1024) {
		GBytes *packed = _mh_ovba_compress (data, size);
		gsize n;
		const guint8 *p = g_bytes_get_data (packed, &n);
		GByteArray *back = g_byte_array_new ();
		gboolean capped = FALSE;
		if (!_mh_ovba_decompress (p, n, G_MAXSIZE, back, &capped, NULL) || capped ||
		    back->len != size || (size && memcmp (back->data, data, size) != 0))
			__builtin_trap ();
		/* never larger than raw chunks would be */
		if (n > 1 + size + 2 * (size / 4096 + 1) + (size + 7) / 8)
			__builtin_trap ();
		g_byte_array_unref (back);
		g_bytes_unref (packed);
	}
	return 0;
}
