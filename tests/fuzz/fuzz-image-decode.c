/* libFuzzer harness: bytes decoded as a picture (PNG, JPEG, GIF, BMP,
 * TIFF, WebP, the bitmap of an EMF/WMF) under a cap of 4 million pixels,
 * then fingerprinted.  No OCR: it is slow and its input is a grey buffer
 * that the decoder has already bounded. */
#include "config.h"

#include <stdint.h>

#include "office/office-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (mh_gray_image) image = _mh_image_decode (data, size, 4000000, &error);
	if (!image) {
		/* no picture means an error that says why */
		if (!error || !error->message || !g_utf8_validate (error->message, -1, NULL))
			__builtin_trap ();
		return 0;
	}
	if (error || image->width == 0 || image->height == 0 ||
	    (guint64) image->width * image->height > 4000000)
		__builtin_trap ();
	/* every pixel is read: a short buffer shows under ASan */
	guint64 hash = _mh_image_dhash (image);
	if (_mh_dhash_distance (hash, hash) != 0)
		__builtin_trap ();
	return 0;
}
