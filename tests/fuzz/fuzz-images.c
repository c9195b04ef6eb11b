/* libFuzzer harness: the bytes as a picture (format and size from the
 * header), as a stream holding OfficeArt BLIPs (small caps, so that
 * max_images and max_image_size are reached), and as a metafile whose
 * largest bitmap is taken out.  Nothing is decoded or read with OCR. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "office/office-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const formats[] = { "png", "jpeg", "gif", "bmp", "tiff", "webp", "emf", "wmf" };

static void
check_info (const mh_image_info *info)
{
	gboolean known = FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
		if (info->format == formats[i] || (info->format && strcmp (info->format, formats[i]) == 0))
			known = TRUE;
	if (!known || info->width > 65535 || info->height > 65535)
		__builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	mh_image_info info;
	if (_mh_image_sniff (data, size, &info))
		check_info (&info);

	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_images = 4;
	options.limits.max_image_size = 64 * 1024;
	mh_document *doc = _mh_document_new ("fuzz.doc", data, size, 0);
	guint added = _mh_officeart_find_blips (doc, data, size, "Data", &options);
	if (added != doc->images->len || doc->images->len > options.limits.max_images)
		__builtin_trap ();
	for (guint i = 0; i < doc->images->len; i++) {
		const mh_doc_image *image = g_ptr_array_index (doc->images, i);
		gsize n;
		const guint8 *p = g_bytes_get_data (image->data, &n);
		/* every picture kept is one by content, within the cap */
		if (n != image->size || n > options.limits.max_image_size ||
		    !_mh_image_sniff (p, n, &info) || !g_str_has_prefix (image->location, "Data+0x"))
			__builtin_trap ();
		check_info (&info);
	}
	for (guint i = 0; i < doc->problems->len; i++)
		if (!g_utf8_validate (g_ptr_array_index (doc->problems, i), -1, NULL))
			__builtin_trap ();
	mh_document_free (doc);

	GError *error = NULL;
	GBytes *bitmap = _mh_metafile_bitmap (data, size, 1024 * 1024, &error);
	if (bitmap) {
		gsize n;
		const guint8 *p = g_bytes_get_data (bitmap, &n);
		if (error || n > 1024 * 1024 || !_mh_image_sniff (p, n, &info) ||
		    (strcmp (info.format, "bmp") != 0 && strcmp (info.format, "jpeg") != 0 &&
		     strcmp (info.format, "png") != 0))
			__builtin_trap ();
		g_bytes_unref (bitmap);
	} else {
		if (!error || !error->message)
			__builtin_trap ();
		g_error_free (error);
	}
	return 0;
}
