/* Pictures in documents (src/office/images.c): formats and sizes read
 * from headers, OfficeArt BLIPs found in stream-like buffers, bitmaps
 * taken out of EMF/WMF metafiles, and the BLIPs of the corpora's
 * .doc/.xls files.  Every picture is built here, byte by byte. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "office/office-private.h"

/* -- building bytes ---------------------------------------------------------- */

static void
put8 (GByteArray *out, guint v)
{
	guint8 b = (guint8) v;
	g_byte_array_append (out, &b, 1);
}

static void
put16 (GByteArray *out, guint v)
{
	put8 (out, v & 0xFF);
	put8 (out, (v >> 8) & 0xFF);
}

static void
put32 (GByteArray *out, guint32 v)
{
	put16 (out, v & 0xFFFF);
	put16 (out, v >> 16);
}

static void
put_be16 (GByteArray *out, guint v)
{
	put8 (out, (v >> 8) & 0xFF);
	put8 (out, v & 0xFF);
}

static void
put_be32 (GByteArray *out, guint32 v)
{
	put_be16 (out, v >> 16);
	put_be16 (out, v & 0xFFFF);
}

static void
put_bytes (GByteArray *out, const void *data, gsize len)
{
	g_byte_array_append (out, data, (guint) len);
}

static void
set32 (GByteArray *out, gsize at, guint32 v)
{
	for (guint b = 0; b < 4; b++)
		out->data[at + b] = (guint8) (v >> (8 * b));
}

/* Bytes that are no picture and hold no record header: a text in a loop. */
static void
put_garbage (GByteArray *out, gsize len)
{
	static const char text[] = "garbage before and after the picture; ";
	for (gsize i = 0; i < len; i++)
		put8 (out, (guint8) text[i % (sizeof text - 1)]);
}

/* A 4x3 RGB PNG (zlib IDAT, correct CRCs) */
static const guint8 png_4x3[] =
	"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x04\x00\x00\x00\x03"
	"\x08\x02\x00\x00\x00\x3b\x96\x39\x91\x00\x00\x00\x2a\x49\x44\x41\x54\x78\x9c\x0d\xc7\x31\x01\x00"
	"\x30\x0c\xc3\x30\x03\x2b\x88\x80\x30\x88\xc2\x09\x88\x02\xdc\xf4\x09\x70\x70\xf1\x10\xe2\xc4\x8d"
	"\x97\x9f\x3a\x75\xeb\xd5\x07\xcb\x6f\x0c\xa9\x6e\xff\x88\x13\x00\x00\x00\x00\x49\x45\x4e\x44\xae"
	"\x42\x60\x82";
#define PNG_LEN (sizeof png_4x3 - 1)

/* A JPEG header: APP0, a DHT (C4, in the SOF range but not a frame),
 * fill bytes, then SOF2 with @width x @height. */
static GByteArray *
make_jpeg (guint width, guint height)
{
	GByteArray *out = g_byte_array_new ();
	put_bytes (out, "\xFF\xD8", 2);
	put_bytes (out, "\xFF\xE0", 2);
	put_be16 (out, 16);
	put_bytes (out, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
	put_bytes (out, "\xFF\xC4", 2);
	put_be16 (out, 5);
	put_bytes (out, "\x00\x01\x02", 3);
	put_bytes (out, "\xFF\xFF\xC2", 3);
	put_be16 (out, 17);
	put8 (out, 8);
	put_be16 (out, height);
	put_be16 (out, width);
	put8 (out, 3);
	put_bytes (out, "\x01\x11\x00\x02\x11\x01\x03\x11\x01", 9);
	put_bytes (out, "\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\x12\x34\xFF\xD9", 14);
	return out;
}

/* A BITMAPINFOHEADER for a 24-bit @width x @height DIB and its pixels. */
static void
put_dib (GByteArray *out, guint width, gint height)
{
	guint stride = ((width * 24 + 31) / 32) * 4;
	guint rows = (guint) ABS (height);
	put32 (out, 40);
	put32 (out, width);
	put32 (out, (guint32) height);
	put16 (out, 1);
	put16 (out, 24);
	put32 (out, 0);               /* BI_RGB */
	put32 (out, stride * rows);
	put32 (out, 2835);
	put32 (out, 2835);
	put32 (out, 0);
	put32 (out, 0);
	for (guint i = 0; i < stride * rows; i++)
		put8 (out, (i * 37) & 0xFF);
}

static gsize
dib_size (guint width, guint height)
{
	return 40 + ((width * 24 + 31) / 32) * 4 * height;
}

static GByteArray *
make_bmp (guint width, gint height)
{
	GByteArray *out = g_byte_array_new ();
	put_bytes (out, "BM", 2);
	put32 (out, (guint32) (14 + dib_size (width, (guint) ABS (height))));
	put32 (out, 0);
	put32 (out, 54);
	put_dib (out, width, height);
	return out;
}

static GByteArray *
make_gif (guint width, guint height)
{
	GByteArray *out = g_byte_array_new ();
	put_bytes (out, "GIF89a", 6);
	put16 (out, width);
	put16 (out, height);
	put_bytes (out, "\x00\x00\x00\x3B", 4);
	return out;
}

/* TIFF with ImageWidth as SHORT and ImageLength as LONG, either byte order. */
static GByteArray *
make_tiff (gboolean big_endian, guint width, guint height)
{
	GByteArray *out = g_byte_array_new ();
	void (*p16) (GByteArray *, guint) = big_endian ? put_be16 : put16;
	void (*p32) (GByteArray *, guint32) = big_endian ? put_be32 : put32;
	put_bytes (out, big_endian ? "MM\0*" : "II*\0", 4);
	p32 (out, 8);
	p16 (out, 3);
	p16 (out, 254); p16 (out, 4); p32 (out, 1); p32 (out, 0);
	p16 (out, 256); p16 (out, 3); p32 (out, 1); p16 (out, width); p16 (out, 0);
	p16 (out, 257); p16 (out, 4); p32 (out, 1); p32 (out, height);
	p32 (out, 0);
	return out;
}

static GByteArray *
make_webp (const char *kind, guint width, guint height)
{
	GByteArray *out = g_byte_array_new ();
	put_bytes (out, "RIFF", 4);
	put32 (out, 0);
	put_bytes (out, "WEBP", 4);
	put_bytes (out, kind, 4);
	if (strcmp (kind, "VP8 ") == 0) {
		put32 (out, 18);
		put_bytes (out, "\x30\x01\x00\x9d\x01\x2a", 6);
		put16 (out, width);
		put16 (out, height);
		put_bytes (out, "\0\0\0\0\0\0\0\0", 8);
	} else if (strcmp (kind, "VP8L") == 0) {
		put32 (out, 5);
		put8 (out, 0x2F);
		put32 (out, (width - 1) | (height - 1) << 14);
	} else {
		put32 (out, 10);
		put32 (out, 0);
		put8 (out, (width - 1) & 0xFF); put8 (out, ((width - 1) >> 8) & 0xFF); put8 (out, 0);
		put8 (out, (height - 1) & 0xFF); put8 (out, ((height - 1) >> 8) & 0xFF); put8 (out, 0);
	}
	set32 (out, 4, out->len - 8);
	return out;
}

#define EMR_HEADER 1
#define EMR_EOF 14
#define EMR_STRETCHDIBITS 0x51
#define EMR_RECTANGLE 0x2B

/* An EMF whose bounds are 100x50 pixels, with one EMR_STRETCHDIBITS per
 * entry of @sides (w,h pairs, 24-bit DIBs), a rectangle, and EOF. */
static GByteArray *
make_emf (const guint *sides, guint n_bitmaps)
{
	GByteArray *out = g_byte_array_new ();
	put32 (out, EMR_HEADER);
	put32 (out, 88);
	put32 (out, 0); put32 (out, 0); put32 (out, 99); put32 (out, 49);         /* rclBounds */
	put32 (out, 0); put32 (out, 0); put32 (out, 2645); put32 (out, 1322);     /* rclFrame, 0.01 mm */
	put32 (out, 0x464D4520);                                                  /* " EMF" */
	put32 (out, 0x10000);
	put32 (out, 0);                                                           /* nBytes, set below */
	put32 (out, 2 + n_bitmaps + 1);
	put16 (out, 1); put16 (out, 0);
	put32 (out, 0); put32 (out, 0); put32 (out, 0);
	put32 (out, 1920); put32 (out, 1080);                                     /* szlDevice */
	put32 (out, 508); put32 (out, 286);                                       /* szlMillimeters */
	for (guint i = 0; i < n_bitmaps; i++) {
		guint w = sides[2 * i], h = sides[2 * i + 1];
		gsize bits = dib_size (w, h) - 40;
		gsize start = out->len;
		put32 (out, EMR_STRETCHDIBITS);
		put32 (out, (guint32) (80 + 40 + bits));
		put32 (out, 0); put32 (out, 0); put32 (out, w - 1); put32 (out, h - 1);
		put32 (out, 0); put32 (out, 0);                 /* xDest, yDest */
		put32 (out, 0); put32 (out, 0);                 /* xSrc, ySrc */
		put32 (out, w); put32 (out, h);                 /* cxSrc, cySrc */
		put32 (out, 80); put32 (out, 40);               /* offBmiSrc, cbBmiSrc */
		put32 (out, 120); put32 (out, (guint32) bits);  /* offBitsSrc, cbBitsSrc */
		put32 (out, 0); put32 (out, 0x00CC0020);        /* DIB_RGB_COLORS, SRCCOPY */
		put32 (out, w); put32 (out, h);                 /* cxDest, cyDest */
		put_dib (out, w, (gint) h);
		g_assert_cmpuint ((out->len - start) % 4, ==, 0);
	}
	put32 (out, EMR_RECTANGLE);
	put32 (out, 24);
	put32 (out, 1); put32 (out, 1); put32 (out, 50); put32 (out, 40);
	put32 (out, EMR_EOF);
	put32 (out, 20);
	put32 (out, 0); put32 (out, 16); put32 (out, 20);
	set32 (out, 48, out->len);
	return out;
}

#define META_STRETCHDIB 0x0F43

/* A placeable WMF, 960x480 twips-like units at 1440 an inch (64x32 at
 * 96 dpi), holding a META_STRETCHDIB of a @w x @h bitmap when @w. */
static GByteArray *
make_wmf (gboolean placeable, guint w, guint h)
{
	GByteArray *out = g_byte_array_new ();
	if (placeable) {
		put32 (out, 0x9AC6CDD7);
		put16 (out, 0);
		put16 (out, 0); put16 (out, 0); put16 (out, 960); put16 (out, 480);
		put16 (out, 1440);
		put32 (out, 0);
		put16 (out, 0);
	}
	gsize header = out->len;
	put16 (out, 1); put16 (out, 9); put16 (out, 0x0300);
	put32 (out, 0); put16 (out, 0); put32 (out, 0); put16 (out, 0);
	if (w) {
		gsize dib = dib_size (w, h);
		put32 (out, (guint32) ((28 + dib) / 2));
		put16 (out, META_STRETCHDIB);
		put32 (out, 0x00CC0020);
		put16 (out, 0);
		put16 (out, h); put16 (out, w); put16 (out, 0); put16 (out, 0);
		put16 (out, h); put16 (out, w); put16 (out, 0); put16 (out, 0);
		put_dib (out, w, (gint) h);
	}
	put32 (out, 3);
	put16 (out, 0);
	set32 (out, header + 6, (guint32) ((out->len - header) / 2));
	return out;
}

/* -- recognising pictures ---------------------------------------------------- */

typedef struct {
	const char *name;
	GByteArray *bytes;
	const char *format;
	guint       width;
	guint       height;
	gsize       header_needed;   /* shorter prefixes are refused */
} sniff_case;

static GPtrArray *
sniff_cases (void)
{
	GPtrArray *cases = g_ptr_array_new ();
	static const guint one_bitmap[] = { 4, 3 };
#define CASE(n, b, f, w, h, need) do { \
		sniff_case *c = g_new0 (sniff_case, 1); \
		*c = (sniff_case) { n, b, f, w, h, need }; \
		g_ptr_array_add (cases, c); \
	} while (0)
	GByteArray *png = g_byte_array_new ();
	put_bytes (png, png_4x3, PNG_LEN);
	CASE ("png", png, "png", 4, 3, 24);
	CASE ("jpeg", make_jpeg (640, 480), "jpeg", 640, 480, 2 + 18 + 7 + 3 + 7);
	CASE ("gif", make_gif (320, 200), "gif", 320, 200, 10);
	CASE ("bmp-bottom-up", make_bmp (4, 3), "bmp", 4, 3, 26);
	CASE ("bmp-top-down", make_bmp (5, -7), "bmp", 5, 7, 26);
	CASE ("tiff-le", make_tiff (FALSE, 1024, 768), "tiff", 1024, 768, 10);
	CASE ("tiff-be", make_tiff (TRUE, 1024, 768), "tiff", 1024, 768, 10);
	CASE ("webp-lossy", make_webp ("VP8 ", 800, 600), "webp", 800, 600, 30);
	CASE ("webp-lossless", make_webp ("VP8L", 16000, 9), "webp", 16000, 9, 25);
	CASE ("webp-extended", make_webp ("VP8X", 4000, 3000), "webp", 4000, 3000, 30);
	CASE ("emf", make_emf (one_bitmap, 1), "emf", 100, 50, 88);
	CASE ("wmf-placeable", make_wmf (TRUE, 4, 3), "wmf", 64, 32, 40);
	CASE ("wmf-plain", make_wmf (FALSE, 0, 0), "wmf", 0, 0, 18);
#undef CASE
	return cases;
}

static void
sniff_cases_free (GPtrArray *cases)
{
	for (guint i = 0; i < cases->len; i++) {
		sniff_case *c = g_ptr_array_index (cases, i);
		g_byte_array_unref (c->bytes);
		g_free (c);
	}
	g_ptr_array_free (cases, TRUE);
}

static void
test_sniff_formats (void)
{
	GPtrArray *cases = sniff_cases ();
	for (guint i = 0; i < cases->len; i++) {
		const sniff_case *c = g_ptr_array_index (cases, i);
		mh_image_info info = { 0 };
		g_test_message ("%s", c->name);
		g_assert_true (_mh_image_sniff (c->bytes->data, c->bytes->len, &info));
		g_assert_cmpstr (info.format, ==, c->format);
		g_assert_cmpuint (info.width, ==, c->width);
		g_assert_cmpuint (info.height, ==, c->height);
	}
	sniff_cases_free (cases);
}

static void
test_sniff_truncated (void)
{
	GPtrArray *cases = sniff_cases ();
	for (guint i = 0; i < cases->len; i++) {
		const sniff_case *c = g_ptr_array_index (cases, i);
		g_assert_cmpuint (c->header_needed, <=, c->bytes->len);
		for (gsize k = 0; k < c->header_needed; k++) {
			/* a copy of exactly k bytes, so that ASan sees any read past it */
			g_autofree guint8 *cut = g_memdup2 (c->bytes->data, k ? k : 1);
			mh_image_info info = { 0 };
			if (_mh_image_sniff (cut, k, &info))
				g_error ("%s cut to %" G_GSIZE_FORMAT " bytes was taken for %s", c->name, k, info.format);
		}
		mh_image_info info;
		g_assert_true (_mh_image_sniff (c->bytes->data, c->header_needed, &info));
	}
	sniff_cases_free (cases);
}

static void
test_sniff_garbage (void)
{
	static const struct { const char *bytes; gsize len; } refused[] = {
		{ "hello, world: not a picture at all", 34 },
		{ "BM\x10\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x29\x00\x00\x00\x04\x00\x00\x00\x03\x00\x00\x00", 26 },
		{ "RIFF\x10\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x44\xac\x00\x00", 28 },
		{ "\xFF\xD8\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 12 },           /* scan before any frame */
		{ "\xFF\xD8\xFF\xE0\x00\x01\xFF\xC0", 8 },                             /* segment length 1 */
		{ "II*\0\xFF\xFF\xFF\x7F", 8 },                                          /* IFD past the end */
		{ "\x01\x00\x09\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 18 }, /* WMF version 5 */
		{ "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 28 },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (refused); i++) {
		g_autofree guint8 *copy = g_memdup2 (refused[i].bytes, refused[i].len);
		g_assert_false (_mh_image_sniff (copy, refused[i].len, NULL));
	}
	g_assert_false (_mh_image_sniff (NULL, 0, NULL));

	/* random bytes: reading them must stay in bounds (ASan) */
	GRand *rand = g_rand_new_with_seed (20261126);
	for (guint round = 0; round < 2000; round++) {
		gsize len = g_rand_int_range (rand, 0, 64);
		g_autofree guint8 *buf = g_malloc (len ? len : 1);
		for (gsize k = 0; k < len; k++)
			buf[k] = (guint8) g_rand_int (rand);
		/* keep a real magic now and then so the header readers run */
		static const char *const magics[] = { "\x89PNG\r\n\x1a\n", "\xFF\xD8\xFF", "GIF89a", "BM",
		                                      "II*\0", "MM\0*", "RIFF", "\x01\0\0\0", "\xD7\xCD\xC6\x9A" };
		const char *magic = magics[round % G_N_ELEMENTS (magics)];
		memcpy (buf, magic, MIN (len, strlen (magic) ? strlen (magic) : 4));
		mh_image_info info;
		if (_mh_image_sniff (buf, len, &info)) {
			g_assert_nonnull (info.format);
			g_assert_cmpuint (info.width, <=, 65535);
			g_assert_cmpuint (info.height, <=, 65535);
		}
	}
	g_rand_free (rand);
}

/* -- OfficeArt BLIPs --------------------------------------------------------- */

static void
put_uid (GByteArray *out, guint8 seed)
{
	for (guint i = 0; i < 16; i++)
		put8 (out, (guint8) (seed + i * 7));
}

/* A bitmap BLIP (PNG 0x6E0, JPEG 0x46A, DIB 0x7A8) with one UID. */
static void
put_bitmap_blip (GByteArray *out, guint rec_type, guint instance, const guint8 *data, gsize len,
                 guint8 uid_seed)
{
	put16 (out, instance << 4);
	put16 (out, rec_type);
	put32 (out, (guint32) (16 + 1 + len));
	put_uid (out, uid_seed);
	put8 (out, 0xFF);
	put_bytes (out, data, len);
}

/* A metafile BLIP: UID, OfficeArtMetafileHeader, the metafile deflated
 * (zlib) when @compress, else stored. */
static void
put_metafile_blip (GByteArray *out, guint rec_type, guint instance, const guint8 *data, gsize len,
                   gboolean compress)
{
	g_autoptr (GBytes) stored = NULL;
	if (compress) {
		g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
		gsize cap = len + 1024;
		guint8 *buf = g_malloc (cap);
		gsize nread = 0, written = 0;
		GConverterResult r = g_converter_convert (G_CONVERTER (z), data, len, buf, cap,
		                                          G_CONVERTER_INPUT_AT_END, &nread, &written, NULL);
		g_assert_cmpint (r, ==, G_CONVERTER_FINISHED);
		stored = g_bytes_new_take (buf, written);
	} else {
		stored = g_bytes_new (data, len);
	}
	gsize stored_len = g_bytes_get_size (stored);
	put16 (out, instance << 4);
	put16 (out, rec_type);
	put32 (out, (guint32) (16 + 34 + stored_len));
	put_uid (out, 0x40);
	put32 (out, (guint32) len);                                            /* cbSize */
	put32 (out, 0); put32 (out, 0); put32 (out, 2645); put32 (out, 1322);  /* rcBounds */
	put32 (out, 1000000); put32 (out, 500000);                              /* ptSize, EMU */
	put32 (out, (guint32) stored_len);                                     /* cbSave */
	put8 (out, compress ? 0x00 : 0xFE);
	put8 (out, 0xFE);
	put_bytes (out, g_bytes_get_data (stored, NULL), stored_len);
}

static mh_document *
new_doc (void)
{
	return _mh_document_new ("test.doc", (const guint8 *) "", 0, 0);
}

static const mh_doc_image *
image_at (const mh_document *doc, guint i)
{
	g_assert_cmpuint (i, <, doc->images->len);
	return g_ptr_array_index (doc->images, i);
}

static void
assert_image_bytes (const mh_doc_image *image, const guint8 *data, gsize len)
{
	gsize n;
	const guint8 *p = g_bytes_get_data (image->data, &n);
	g_assert_cmpmem (p, n, data, len);
}

/* A .doc Data stream: garbage, a PICF (68 bytes: lcb, cbHeader, mfpf,
 * ...), an OfficeArtInlineSpContainer (shape container, then the FBSE
 * whose embedded BLIP is the PNG), garbage. */
static void
test_blips_data_stream (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GByteArray) blip = g_byte_array_new ();
	put_bitmap_blip (blip, 0xF01E, 0x6E0, png_4x3, PNG_LEN, 1);

	g_autoptr (GByteArray) fbse = g_byte_array_new ();
	put16 (fbse, 0x2 | 6 << 4);      /* recVer 2, recInstance msoblipPNG */
	put16 (fbse, 0xF007);
	put32 (fbse, 36 + blip->len);
	put8 (fbse, 6); put8 (fbse, 6);  /* btWin32, btMacOS: PNG */
	put_uid (fbse, 1);
	put16 (fbse, 0xFF);
	put32 (fbse, blip->len);         /* size */
	put32 (fbse, 1);                 /* cRef */
	put32 (fbse, 0);                 /* foDelay */
	put8 (fbse, 0); put8 (fbse, 0); put8 (fbse, 0); put8 (fbse, 0);
	put_bytes (fbse, blip->data, blip->len);

	g_autoptr (GByteArray) shape = g_byte_array_new ();
	put16 (shape, 0xF);
	put16 (shape, 0xF004);
	put32 (shape, 16);
	put16 (shape, 0x2 | 75 << 4);    /* FSP of a picture frame */
	put16 (shape, 0xF00A);
	put32 (shape, 8);
	put32 (shape, 1025);
	put32 (shape, 0xA00);

	g_autoptr (GByteArray) data = g_byte_array_new ();
	put_garbage (data, 300);
	gsize picf = data->len;
	put32 (data, 0);                 /* lcb, set below */
	put16 (data, 0x44);              /* cbHeader */
	put16 (data, 0x64);              /* mfpf.mm: MM_SHAPE */
	put_garbage (data, 0x44 - 8);
	put_bytes (data, shape->data, shape->len);
	gsize blip_at = data->len + 8 + 36;
	put_bytes (data, fbse->data, fbse->len);
	set32 (data, picf, (guint32) (data->len - picf));
	put_garbage (data, 500);

	mh_document *doc = new_doc ();
	guint added = _mh_officeart_find_blips (doc, data->data, data->len, "Data", &options);
	g_assert_cmpuint (added, ==, 1);
	g_assert_cmpuint (doc->images->len, ==, 1);
	const mh_doc_image *image = image_at (doc, 0);
	g_autofree char *location = g_strdup_printf ("Data+0x%" G_GSIZE_MODIFIER "x", blip_at);
	g_assert_cmpstr (image->location, ==, location);
	g_assert_cmpstr (image->format, ==, "png");
	g_assert_cmpuint (image->width, ==, 4);
	g_assert_cmpuint (image->height, ==, 3);
	assert_image_bytes (image, png_4x3, PNG_LEN);
	g_assert_cmpuint (doc->problems->len, ==, 0);
	mh_document_free (doc);
}

static void
test_blips_emf_compressed (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	static const guint one_bitmap[] = { 4, 3 };
	g_autoptr (GByteArray) emf = make_emf (one_bitmap, 1);
	g_autoptr (GByteArray) wmf = make_wmf (FALSE, 4, 3);
	g_autoptr (GByteArray) data = g_byte_array_new ();
	put_garbage (data, 13);
	put_metafile_blip (data, 0xF01A, 0x3D4, emf->data, emf->len, TRUE);
	gsize wmf_at = data->len;
	put_metafile_blip (data, 0xF01B, 0x216, wmf->data, wmf->len, FALSE);

	mh_document *doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "WordDocument", &options), ==, 2);
	const mh_doc_image *image = image_at (doc, 0);
	g_assert_cmpstr (image->location, ==, "WordDocument+0xd");
	g_assert_cmpstr (image->format, ==, "emf");
	g_assert_cmpuint (image->width, ==, 100);
	g_assert_cmpuint (image->height, ==, 50);
	assert_image_bytes (image, emf->data, emf->len);
	image = image_at (doc, 1);
	g_autofree char *location = g_strdup_printf ("WordDocument+0x%" G_GSIZE_MODIFIER "x", wmf_at);
	g_assert_cmpstr (image->location, ==, location);
	g_assert_cmpstr (image->format, ==, "wmf");
	assert_image_bytes (image, wmf->data, wmf->len);
	g_assert_cmpuint (doc->problems->len, ==, 0);
	mh_document_free (doc);

	/* damaged compressed data is a problem, not a picture */
	data->data[13 + 8 + 16 + 34 + 3] ^= 0xFF;
	data->data[13 + 8 + 16 + 34 + 4] ^= 0xFF;
	doc = new_doc ();
	_mh_officeart_find_blips (doc, data->data, data->len, "WordDocument", &options);
	g_assert_cmpuint (doc->images->len, ==, 1);
	g_assert_cmpstr (image_at (doc, 0)->format, ==, "wmf");
	g_assert_cmpuint (doc->problems->len, >=, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (doc->problems, 0), "WordDocument+0xd: EMF picture"));
	mh_document_free (doc);

	/* over max_image_size: inflating stops at the cap */
	options.limits.max_image_size = 100;
	g_autoptr (GByteArray) big = g_byte_array_new ();
	put_metafile_blip (big, 0xF01A, 0x3D4, emf->data, emf->len, TRUE);
	doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, big->data, big->len, "Data", &options), ==, 0);
	g_assert_cmpuint (doc->problems->len, ==, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (doc->problems, 0), "over the cap"));
	mh_document_free (doc);
}

/* Compressed pictures inflate within a budget per stream (8 times the
 * picture cap): past it, one problem and no more inflating. */
static void
test_blips_inflate_budget (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_image_size = 2000;
	g_autoptr (GByteArray) data = g_byte_array_new ();
	for (guint i = 0; i < 16; i++) {
		guint side[] = { 16, 18 + i };
		g_autoptr (GByteArray) emf = make_emf (side, 1);
		g_assert_cmpuint (emf->len, <=, 2000);
		g_assert_cmpuint (emf->len, >, 1000);
		put_metafile_blip (data, 0xF01A, 0x3D4, emf->data, emf->len, TRUE);
	}
	mh_document *doc = new_doc ();
	guint added = _mh_officeart_find_blips (doc, data->data, data->len, "Data", &options);
	g_assert_cmpuint (added, >=, 8);
	g_assert_cmpuint (added, <, 16);
	g_assert_cmpuint (doc->problems->len, ==, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (doc->problems, 0), "more than 8 times the picture cap"));
	mh_document_free (doc);
}

static void
test_blips_dib (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GByteArray) dib = g_byte_array_new ();
	put_dib (dib, 5, 3);
	g_autoptr (GByteArray) data = g_byte_array_new ();
	put_bitmap_blip (data, 0xF01F, 0x7A8, dib->data, dib->len, 9);

	mh_document *doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "Pictures", &options), ==, 1);
	const mh_doc_image *image = image_at (doc, 0);
	g_assert_cmpstr (image->location, ==, "Pictures+0x0");
	g_assert_cmpstr (image->format, ==, "bmp");
	g_assert_cmpuint (image->width, ==, 5);
	g_assert_cmpuint (image->height, ==, 3);
	gsize n;
	const guint8 *bmp = g_bytes_get_data (image->data, &n);
	g_assert_cmpuint (n, ==, 14 + dib->len);
	g_assert_cmpmem (bmp, 2, "BM", 2);
	g_assert_cmpuint (bmp[10] | bmp[11] << 8, ==, 54);   /* bfOffBits: no colour table */
	g_assert_cmpmem (bmp + 14, n - 14, dib->data, dib->len);
	mh_image_info info;
	g_assert_true (_mh_image_sniff (bmp, n, &info));
	g_assert_cmpstr (info.format, ==, "bmp");
	mh_document_free (doc);

	/* an 8-bit DIB with a 2-colour table: the pixels start after it */
	g_autoptr (GByteArray) pal = g_byte_array_new ();
	put32 (pal, 40); put32 (pal, 4); put32 (pal, 2); put16 (pal, 1); put16 (pal, 8);
	put32 (pal, 0); put32 (pal, 8); put32 (pal, 0); put32 (pal, 0); put32 (pal, 2); put32 (pal, 0);
	put32 (pal, 0x000000); put32 (pal, 0xFFFFFF);
	put_bytes (pal, "\0\1\0\1\1\0\1\0", 8);
	g_byte_array_set_size (data, 0);
	put_bitmap_blip (data, 0xF01F, 0x7A8, pal->data, pal->len, 10);
	doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "Pictures", &options), ==, 1);
	bmp = g_bytes_get_data (image_at (doc, 0)->data, &n);
	g_assert_cmpuint (bmp[10], ==, 14 + 40 + 8);
	g_assert_cmpuint (image_at (doc, 0)->width, ==, 4);
	mh_document_free (doc);

	/* over max_image_size once it is a .bmp: a problem */
	options.limits.max_image_size = 14 + dib->len - 1;
	g_byte_array_set_size (data, 0);
	put_bitmap_blip (data, 0xF01F, 0x7A8, dib->data, dib->len, 9);
	doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "Pictures", &options), ==, 0);
	g_assert_cmpuint (doc->problems->len, ==, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (doc->problems, 0), "over the cap"));
	mh_document_free (doc);
	mh_office_options_init_default (&options);

	/* pixels shorter than the header says: a problem */
	g_byte_array_set_size (data, 0);
	put_bitmap_blip (data, 0xF01F, 0x7A8, dib->data, dib->len - 4, 9);
	doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "Pictures", &options), ==, 0);
	g_assert_cmpuint (doc->problems->len, ==, 1);
	mh_document_free (doc);
}

static void
test_blips_truncated (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GByteArray) data = g_byte_array_new ();
	put_garbage (data, 40);
	put_bitmap_blip (data, 0xF01E, 0x6E0, png_4x3, PNG_LEN, 1);
	/* cut in the middle of the PNG: recLen runs past the end */
	gsize cut = data->len - 30;
	g_autofree guint8 *copy = g_memdup2 (data->data, cut);
	mh_document *doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, copy, cut, "Data", &options), ==, 0);
	g_assert_cmpuint (doc->images->len, ==, 0);
	g_assert_cmpuint (doc->problems->len, ==, 1);
	const char *problem = g_ptr_array_index (doc->problems, 0);
	g_assert_true (g_str_has_prefix (problem, "Data+0x28: PNG picture record"));
	g_assert_nonnull (strstr (problem, "runs past the end"));
	mh_document_free (doc);

	/* every cut of a stream of BLIPs is handled (ASan sees any overread) */
	static const guint one_bitmap[] = { 4, 3 };
	g_autoptr (GByteArray) emf = make_emf (one_bitmap, 1);
	put_metafile_blip (data, 0xF01A, 0x3D4, emf->data, emf->len, TRUE);
	for (gsize k = 0; k <= data->len; k++) {
		g_autofree guint8 *part = g_memdup2 (data->data, k ? k : 1);
		doc = new_doc ();
		_mh_officeart_find_blips (doc, part, k, "Data", &options);
		g_assert_cmpuint (doc->images->len, <=, 2);
		mh_document_free (doc);
	}
}

static void
test_blips_pictures_stream (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GByteArray) jpeg = make_jpeg (40, 30);
	g_autoptr (GByteArray) dib = g_byte_array_new ();
	put_dib (dib, 2, 2);
	g_autoptr (GByteArray) data = g_byte_array_new ();
	put_bitmap_blip (data, 0xF01E, 0x6E0, png_4x3, PNG_LEN, 1);
	gsize second = data->len;
	/* two UIDs (instance 0x46B): 33 bytes before the JPEG */
	put16 (data, 0x46B << 4);
	put16 (data, 0xF01D);
	put32 (data, 33 + jpeg->len);
	put_uid (data, 2);
	put_uid (data, 3);
	put8 (data, 0xFF);
	put_bytes (data, jpeg->data, jpeg->len);
	gsize third = data->len;
	put_bitmap_blip (data, 0xF01F, 0x7A8, dib->data, dib->len, 4);

	mh_document *doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "Pictures", &options), ==, 3);
	g_assert_cmpstr (image_at (doc, 0)->location, ==, "Pictures+0x0");
	g_assert_cmpstr (image_at (doc, 0)->format, ==, "png");
	g_autofree char *l2 = g_strdup_printf ("Pictures+0x%" G_GSIZE_MODIFIER "x", second);
	g_autofree char *l3 = g_strdup_printf ("Pictures+0x%" G_GSIZE_MODIFIER "x", third);
	g_assert_cmpstr (image_at (doc, 1)->location, ==, l2);
	g_assert_cmpstr (image_at (doc, 1)->format, ==, "jpeg");
	g_assert_cmpuint (image_at (doc, 1)->width, ==, 40);
	assert_image_bytes (image_at (doc, 1), jpeg->data, jpeg->len);
	g_assert_cmpstr (image_at (doc, 2)->location, ==, l3);
	g_assert_cmpstr (image_at (doc, 2)->format, ==, "bmp");
	g_assert_cmpuint (doc->problems->len, ==, 0);
	mh_document_free (doc);

	/* max_images: two kept, one problem says the rest were not */
	options.limits.max_images = 2;
	doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "Pictures", &options), ==, 2);
	g_assert_cmpuint (doc->problems->len, ==, 1);
	mh_document_free (doc);
}

static void
test_blips_duplicate (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GByteArray) data = g_byte_array_new ();
	/* the same picture in the BLIP store and again with other UIDs */
	put_bitmap_blip (data, 0xF01E, 0x6E0, png_4x3, PNG_LEN, 1);
	put_garbage (data, 7);
	put_bitmap_blip (data, 0xF01E, 0x6E0, png_4x3, PNG_LEN, 2);
	mh_document *doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "Data", &options), ==, 1);
	g_assert_cmpuint (doc->images->len, ==, 1);
	g_assert_cmpuint (doc->problems->len, ==, 0);
	mh_document_free (doc);
}

static void
test_blips_not_pictures (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_autoptr (GByteArray) data = g_byte_array_new ();
	/* a PNG BLIP holding text, a record header with recVer 1, a PICT */
	put_bitmap_blip (data, 0xF01E, 0x6E0, (const guint8 *) "not a png at all", 16, 1);
	put16 (data, 0x1 | 0x6E0 << 4);
	put16 (data, 0xF01E);
	put32 (data, 17 + PNG_LEN);
	put_uid (data, 5);
	put8 (data, 0xFF);
	put_bytes (data, "\x00\x00\x00\x00", 4);
	put_metafile_blip (data, 0xF01C, 0x542, (const guint8 *) "\0\x0a\0\0\0\0\0\x10\0\x10", 10, FALSE);
	mh_document *doc = new_doc ();
	g_assert_cmpuint (_mh_officeart_find_blips (doc, data->data, data->len, "Pictures", &options), ==, 0);
	g_assert_cmpuint (doc->problems->len, ==, 2);
	g_assert_nonnull (strstr (g_ptr_array_index (doc->problems, 0), "not a PNG"));
	g_assert_nonnull (strstr (g_ptr_array_index (doc->problems, 1), "PICT"));
	mh_document_free (doc);
}

/* -- bitmaps inside metafiles ------------------------------------------------ */

static void
assert_bmp (GBytes *bmp, guint width, guint height)
{
	g_assert_nonnull (bmp);
	gsize n;
	const guint8 *p = g_bytes_get_data (bmp, &n);
	mh_image_info info;
	g_assert_true (_mh_image_sniff (p, n, &info));
	g_assert_cmpstr (info.format, ==, "bmp");
	g_assert_cmpuint (info.width, ==, width);
	g_assert_cmpuint (info.height, ==, height);
	g_assert_cmpuint (n, ==, 14 + dib_size (width, height));
	g_assert_cmpuint (p[2] | p[3] << 8 | p[4] << 16, ==, n);
	g_assert_cmpuint (p[10], ==, 54);
}

static void
test_metafile_emf (void)
{
	static const guint one_bitmap[] = { 4, 3 };
	static const guint three_bitmaps[] = { 2, 2, 9, 7, 5, 5 };
	g_autoptr (GError) error = NULL;
	g_autoptr (GByteArray) emf = make_emf (one_bitmap, 1);
	g_autoptr (GBytes) bmp = _mh_metafile_bitmap (emf->data, emf->len, 1 << 20, &error);
	g_assert_no_error (error);
	assert_bmp (bmp, 4, 3);

	/* the largest of several */
	g_autoptr (GByteArray) emf3 = make_emf (three_bitmaps, 3);
	g_autoptr (GBytes) largest = _mh_metafile_bitmap (emf3->data, emf3->len, 1 << 20, &error);
	g_assert_no_error (error);
	assert_bmp (largest, 9, 7);

	/* over @max: none */
	g_autoptr (GBytes) none = _mh_metafile_bitmap (emf->data, emf->len, 60, &error);
	g_assert_null (none);
	g_assert_error (error, MH_OFFICE_ERROR, 0);
	g_clear_error (&error);

	/* every cut of it is handled */
	for (gsize k = 0; k < emf3->len; k++) {
		g_autofree guint8 *part = g_memdup2 (emf3->data, k ? k : 1);
		GBytes *b = _mh_metafile_bitmap (part, k, 1 << 20, &error);
		g_assert_true ((b == NULL) != (error == NULL));
		g_clear_pointer (&b, g_bytes_unref);
		g_clear_error (&error);
	}
}

static void
test_metafile_wmf (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GByteArray) wmf = make_wmf (TRUE, 4, 3);
	g_autoptr (GBytes) bmp = _mh_metafile_bitmap (wmf->data, wmf->len, 1 << 20, &error);
	g_assert_no_error (error);
	assert_bmp (bmp, 4, 3);

	g_autoptr (GByteArray) plain = make_wmf (FALSE, 6, 2);
	g_autoptr (GBytes) bmp2 = _mh_metafile_bitmap (plain->data, plain->len, 1 << 20, &error);
	g_assert_no_error (error);
	assert_bmp (bmp2, 6, 2);

	for (gsize k = 0; k < wmf->len; k++) {
		g_autofree guint8 *part = g_memdup2 (wmf->data, k ? k : 1);
		GBytes *b = _mh_metafile_bitmap (part, k, 1 << 20, &error);
		g_assert_true ((b == NULL) != (error == NULL));
		g_clear_pointer (&b, g_bytes_unref);
		g_clear_error (&error);
	}
}

static void
test_metafile_vector (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GByteArray) emf = make_emf (NULL, 0);
	g_assert_null (_mh_metafile_bitmap (emf->data, emf->len, 1 << 20, &error));
	g_assert_error (error, MH_OFFICE_ERROR, 0);
	g_assert_cmpstr (error->message, ==, "no bitmap in this metafile: vector drawing is not rasterised");
	g_clear_error (&error);

	g_autoptr (GByteArray) wmf = make_wmf (TRUE, 0, 0);
	g_assert_null (_mh_metafile_bitmap (wmf->data, wmf->len, 1 << 20, &error));
	g_assert_cmpstr (error->message, ==, "no bitmap in this metafile: vector drawing is not rasterised");
	g_clear_error (&error);

	g_assert_null (_mh_metafile_bitmap (png_4x3, PNG_LEN, 1 << 20, &error));
	g_assert_error (error, MH_OFFICE_ERROR, 0);
}

/* -- the corpora ------------------------------------------------------------- */

/* .doc and .xls files of the corpora (MANIFEST.tsv states no picture
 * counts for them: each picture found must be one, with a size). */
static const struct {
	const char *path;
	const char *stream;
} corpus_streams[] = {
	{ "poi/test-data/document/Bug46220.doc", "Data" },
	{ "poi/test-data/document/Bug46220.doc", "WordDocument" },
	{ "poi/test-data/document/Bug47958.doc", "Data" },
	{ "poi/test-data/document/Bug47958.doc", "WordDocument" },
	{ "poi/test-data/document/AIOOB-Tap.doc", "Data" },
	{ "poi/test-data/document/AIOOB-Tap.doc", "WordDocument" },
	{ "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-microsoft-module/"
	  "src/test/resources/test-documents/testWORD_no_format.doc", "Data" },
	{ "poi/test-data/spreadsheet/15228.xls", "Workbook" },
	{ "poi/test-data/spreadsheet/31749.xls", "Workbook" },
	{ "poi/test-data/spreadsheet/59858.xls", "Workbook" },
	{ "oletools/tests/test-data/oleobj/embedded-simple-2007.doc", "Data" },
};

/* Apache POI's TestBugs.test46220 (upstream ground truth): the four
 * pictures of Bug46220.doc, by the MD5 of their raw content. */
static const char *const bug46220_md5[] = {
	"851be142bce6d01848e730cb6903f39e", "7fc6d8fb58b09ababd036d10a0e8c039",
	"a7dc644c40bc2fbf17b2b62d07f99248", "72d07b8db5fad7099d90bc4c304b4666",
};

#define BIFF_MSODRAWINGGROUP 0x00EB
#define BIFF_CONTINUE        0x003C

/* The payloads of a workbook's MSODRAWINGGROUP records and of the
 * CONTINUE records after them, end to end: the OfficeArt drawing group
 * as Excel wrote it before cutting it into records. */
static GBytes *
workbook_drawing_group (const guint8 *data, gsize len)
{
	GByteArray *out = g_byte_array_new ();
	gboolean in_group = FALSE;
	for (gsize pos = 0; len - pos >= 4;) {
		guint type = data[pos] | data[pos + 1] << 8;
		gsize size = data[pos + 2] | data[pos + 3] << 8;
		if (size > len - pos - 4)
			break;
		if (type == BIFF_MSODRAWINGGROUP || (in_group && type == BIFF_CONTINUE)) {
			g_byte_array_append (out, data + pos + 4, (guint) size);
			in_group = TRUE;
		} else {
			in_group = FALSE;
		}
		pos += 4 + size;
	}
	return g_byte_array_free_to_bytes (out);
}

static void
check_corpus_pictures (const char *path, const mh_document *doc)
{
	for (guint k = 0; k < doc->images->len; k++) {
		const mh_doc_image *image = image_at (doc, k);
		g_test_message ("%s %s: %s %ux%u %" G_GSIZE_FORMAT " bytes", path, image->location,
		                image->format, image->width, image->height, image->size);
		gsize size;
		const guint8 *p = g_bytes_get_data (image->data, &size);
		mh_image_info info;
		g_assert_true (_mh_image_sniff (p, size, &info));
		if (strcmp (info.format, "wmf") != 0) {
			g_assert_cmpuint (info.width, >, 0);
			g_assert_cmpuint (info.height, >, 0);
		}
		if (strcmp (info.format, "wmf") != 0 && strcmp (info.format, "emf") != 0)
			continue;
		/* a bitmap taken out of a real metafile is a picture too */
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) bitmap = _mh_metafile_bitmap (p, size, 32u << 20, &error);
		if (!bitmap) {
			g_test_message ("  %s", error->message);
			continue;
		}
		p = g_bytes_get_data (bitmap, &size);
		g_assert_true (_mh_image_sniff (p, size, &info));
		g_test_message ("  bitmap inside: %s %ux%u", info.format, info.width, info.height);
		g_assert_cmpuint (info.width, >, 0);
		g_assert_cmpuint (info.height, >, 0);
	}
	for (guint k = 0; k < doc->problems->len; k++)
		g_test_message ("%s problem: %s", path, (const char *) g_ptr_array_index (doc->problems, k));
}

static void
test_corpora (void)
{
	const char *root = g_getenv ("MH_CORPORA");
	if (!root || !g_file_test (root, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("MH_CORPORA not set");
		return;
	}
	mh_office_options options;
	mh_office_options_init_default (&options);
	guint streams = 0, pictures = 0;
	for (gsize i = 0; i < G_N_ELEMENTS (corpus_streams); i++) {
		g_autofree char *path = g_build_filename (root, corpus_streams[i].path, NULL);
		g_autoptr (GsfInput) file = gsf_input_stdio_new (path, NULL);
		if (!file)
			continue;
		g_autoptr (GsfInfile) ole = gsf_infile_msole_new (file, NULL);
		g_assert_nonnull (ole);
		g_autoptr (GsfInput) stream = gsf_infile_child_by_name (ole, corpus_streams[i].stream);
		if (!stream)
			continue;
		streams++;
		g_autoptr (GBytes) bytes = _mh_gsf_read_all (stream, 64u << 20, NULL);
		const char *where = corpus_streams[i].stream;
		if (strcmp (where, "Workbook") == 0) {
			GBytes *group = workbook_drawing_group (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
			g_bytes_unref (bytes);
			bytes = group;
			where = "MsoDrawingGroup";
		}
		gsize len;
		const guint8 *data = g_bytes_get_data (bytes, &len);
		mh_document *doc = new_doc ();
		guint n = _mh_officeart_find_blips (doc, data, len, where, &options);
		g_assert_cmpuint (n, ==, doc->images->len);
		check_corpus_pictures (corpus_streams[i].path, doc);
		if (g_str_has_suffix (corpus_streams[i].path, "Bug46220.doc") && strcmp (where, "Data") == 0) {
			g_assert_cmpuint (doc->images->len, ==, G_N_ELEMENTS (bug46220_md5));
			for (guint k = 0; k < doc->images->len; k++) {
				g_autofree char *md5 = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, image_at (doc, k)->data);
				g_assert_cmpstr (md5, ==, bug46220_md5[k]);
			}
		}
		pictures += n;
		mh_document_free (doc);
	}
	g_test_message ("%u streams, %u pictures", streams, pictures);
	g_assert_cmpuint (streams, >, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/images/sniff/formats", test_sniff_formats);
	g_test_add_func ("/images/sniff/truncated", test_sniff_truncated);
	g_test_add_func ("/images/sniff/garbage", test_sniff_garbage);
	g_test_add_func ("/images/blips/data-stream", test_blips_data_stream);
	g_test_add_func ("/images/blips/emf-compressed", test_blips_emf_compressed);
	g_test_add_func ("/images/blips/dib", test_blips_dib);
	g_test_add_func ("/images/blips/inflate-budget", test_blips_inflate_budget);
	g_test_add_func ("/images/blips/truncated", test_blips_truncated);
	g_test_add_func ("/images/blips/pictures-stream", test_blips_pictures_stream);
	g_test_add_func ("/images/blips/duplicate", test_blips_duplicate);
	g_test_add_func ("/images/blips/not-pictures", test_blips_not_pictures);
	g_test_add_func ("/images/metafile/emf", test_metafile_emf);
	g_test_add_func ("/images/metafile/wmf", test_metafile_wmf);
	g_test_add_func ("/images/metafile/vector", test_metafile_vector);
	g_test_add_func ("/images/corpora", test_corpora);
	return g_test_run ();
}
