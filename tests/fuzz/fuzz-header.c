/* libFuzzer harness: RFC 2047 decoding, header normalisation, charset
 * conversion and HTML to text: all must give valid UTF-8. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mailhunt/text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	char *s = g_strndup ((const char *) data, size);
	char *a = mh_text_decode_header (s);
	char *b = mh_text_normalize_header (s);
	char *c = mh_text_to_utf8 (size > 0 && data[0] & 1 ? "iso-2022-jp" : "shift_jis", (const char *) data, (gssize) size, NULL);
	char *d = mh_text_from_html (c, strlen (c), 4096, NULL);
	if (!g_utf8_validate (a, -1, NULL) || !g_utf8_validate (c, -1, NULL) || !g_utf8_validate (d, -1, NULL))
		__builtin_trap ();
	g_free (a);
	g_free (b);
	g_free (c);
	g_free (d);
	g_free (s);
	return 0;
}
