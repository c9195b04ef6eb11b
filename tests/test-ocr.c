/* Pictures decoded, fingerprinted and read (src/office/ocr.c).
 *
 * The pictures are drawn here with Pango (black text on white under a
 * yellow bar, like an Office message bar), so the expected text is
 * known; PNG from cairo, JPEG and rescaled copies from Leptonica. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <cairo.h>
#include <leptonica/allheaders.h>
#include <pango/pangocairo.h>

#include "office/office-private.h"

#define MAX_PIXELS G_GUINT64_CONSTANT (40000000)

static const char *const english_lure[] = {
	"This document was created in an earlier version of Microsoft Office Word",
	"To view or edit this document, please click Enable Editing and then Enable Content",
	NULL
};

static const char *const japanese_lure[] = {
	"以前のバージョンの Microsoft Office Word で作成されました",
	"このドキュメントを表示するには「編集を有効にする」をクリックし、"
	"次に「コンテンツの有効化」をクリックしてください",
	NULL
};

/* a page of a letter: text down to the bottom */
static const char *const letter_text[] = {
	"Dear Ms Tanaka,",
	"thank you for your order of 12 March. The paper and the toner cartridges "
	"left our warehouse this morning and should reach your office by Friday. "
	"The invoice is attached; payment is due within thirty days. Should anything "
	"be missing from the delivery, please write to us and we will send it at once. "
	"We look forward to working with you again next quarter.",
	"Kind regards, the sales team",
	NULL
};

/* sparse text on white, like the lure */
static const char *const invoice_text[] = {
	"INVOICE 2024-117",
	"Quantity        Item                    Price",
	"12              Paper A4 box            38.00",
	"3               Toner cartridge        210.00",
	NULL
};

/* -- drawing ------------------------------------------------------------------ */

/* Draws @text wrapped at @width from (@x, @y); returns its height. */
static int
draw_text (cairo_t *cr, double x, double y, int width, const char *font, const char *text)
{
	PangoLayout *layout = pango_cairo_create_layout (cr);
	PangoFontDescription *desc = pango_font_description_from_string (font);
	pango_layout_set_font_description (layout, desc);
	pango_layout_set_width (layout, width * PANGO_SCALE);
	pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text (layout, text, -1);
	cairo_set_source_rgb (cr, 0, 0, 0);
	cairo_move_to (cr, x, y);
	pango_cairo_show_layout (cr, layout);
	int w, h;
	pango_layout_get_pixel_size (layout, &w, &h);
	pango_font_description_free (desc);
	g_object_unref (layout);
	return h;
}

/* A lure-like screen: a yellow message bar, then the lines of @lines. */
static cairo_surface_t *
draw_screen (int width, int height, const char *font, const char *const *lines, gboolean bar)
{
	cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
	cairo_t *cr = cairo_create (surface);
	cairo_set_source_rgb (cr, 1, 1, 1);
	cairo_paint (cr);
	double y = 30;
	if (bar) {
		cairo_set_source_rgb (cr, 1.0, 0.92, 0.55);
		cairo_rectangle (cr, 0, 0, width, 56);
		cairo_fill (cr);
		draw_text (cr, 20, 16, width - 40, "DejaVu Sans Bold 16px",
		           "PROTECTED VIEW  Be careful: files from the Internet can be harmful.");
		y = 100;
	}
	for (guint i = 0; lines[i]; i++)
		y += draw_text (cr, 40, y, width - 80, font, lines[i]) + 30;
	cairo_destroy (cr);
	return surface;
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append (closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static GBytes *
surface_to_png (cairo_surface_t *surface)
{
	GByteArray *png = g_byte_array_new ();
	g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append_bytes, png), ==,
	                 CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy (surface);
	return g_byte_array_free_to_bytes (png);
}

static GBytes *
english_png (void)
{
	return surface_to_png (draw_screen (800, 500, "DejaVu Sans 28px", english_lure, TRUE));
}

/* The picture in @png written again by Leptonica: scaled by @scale, as
 * JPEG of @quality (0: as PNG). */
static GBytes *
reencode (GBytes *png, float scale, int quality)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (png, &len);
	PIX *pix = pixReadMem (data, len);
	g_assert_nonnull (pix);
	if (scale != 1) {
		PIX *scaled = pixScale (pix, scale, scale);
		pixDestroy (&pix);
		pix = scaled;
	}
	/* Leptonica's JPEG writer takes no alpha */
	if (pixGetSpp (pix) == 4)
		pixSetSpp (pix, 3);
	l_uint8 *out = NULL;
	size_t out_len = 0;
	if (quality)
		g_assert_cmpint (pixWriteMemJpeg (&out, &out_len, pix, quality, 0), ==, 0);
	else
		g_assert_cmpint (pixWriteMemPng (&out, &out_len, pix, 0), ==, 0);
	pixDestroy (&pix);
	GBytes *bytes = g_bytes_new (out, out_len);
	lept_free (out);
	return bytes;
}

static mh_gray_image *
decode (GBytes *bytes)
{
	g_autoptr (GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	mh_gray_image *image = _mh_image_decode (data, len, MAX_PIXELS, &error);
	g_assert_no_error (error);
	g_assert_nonnull (image);
	return image;
}

static guint64
dhash_of (GBytes *bytes)
{
	g_autoptr (mh_gray_image) image = decode (bytes);
	return _mh_image_dhash (image);
}

/* -- OCR text checks ------------------------------------------------------- */

/* Lower case without any white space: Tesseract's jpn puts spaces between
 * characters, and English words may be split or joined. */
static char *
squeeze (const char *text)
{
	g_autofree char *lower = g_utf8_strdown (text, -1);
	GString *out = g_string_new (NULL);
	for (const char *p = lower; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (!g_unichar_isspace (c))
			g_string_append_unichar (out, c);
	}
	return g_string_free (out, FALSE);
}

static gboolean
reads (const char *text, const char *phrase)
{
	g_autofree char *haystack = squeeze (text);
	g_autofree char *needle = squeeze (phrase);
	return strstr (haystack, needle) != NULL;
}

static mh_ocr_result
timed_ocr (const mh_gray_image *image, const char *languages, guint timeout_ms, char **text,
           const char *what, gint64 *usec)
{
	g_autoptr (GError) error = NULL;
	gint64 start = g_get_monotonic_time ();
	mh_ocr_result result = _mh_ocr_read (image, languages, timeout_ms, text, &error);
	gint64 spent = g_get_monotonic_time () - start;
	g_assert_no_error (error);
	g_test_message ("%s (%ux%u, %s): %.0f ms", what, image->width, image->height,
	                languages ? languages : "default", spent / 1000.0);
	if (usec)
		*usec = spent;
	return result;
}

/* -- tests ----------------------------------------------------------------- */

static void
test_english_lure (void)
{
	g_autoptr (GBytes) png = english_png ();
	g_autoptr (mh_gray_image) image = decode (png);
	g_assert_cmpuint (image->width, ==, 800);
	g_assert_cmpuint (image->height, ==, 500);

	/* the first call starts the engine; the second is the cost of a picture */
	gint64 first, second, english;
	g_autofree char *text = NULL;
	g_assert_cmpint (timed_ocr (image, NULL, 60000, &text, "eng+jpn, first call (engine start + OCR)",
	                            &first), ==, MH_OCR_RESULT_READ);
	g_test_message ("read: %s", text);
	g_assert_true (reads (text, "Enable Content"));
	g_assert_true (reads (text, "earlier version"));
	g_assert_true (g_utf8_validate (text, -1, NULL));
	g_clear_pointer (&text, g_free);
	g_assert_cmpint (timed_ocr (image, NULL, 60000, &text, "eng+jpn, engine kept", &second), ==,
	                 MH_OCR_RESULT_READ);
	g_assert_true (reads (text, "Enable Content"));
	g_test_message ("engine start eng+jpn: about %.0f ms", (first - second) / 1000.0);
	g_clear_pointer (&text, g_free);

	/* English alone: another engine on this thread */
	g_assert_cmpint (timed_ocr (image, "eng", 60000, &text, "eng, first call", &first), ==,
	                 MH_OCR_RESULT_READ);
	g_clear_pointer (&text, g_free);
	g_assert_cmpint (timed_ocr (image, "eng", 60000, &text, "eng, engine kept", &english), ==,
	                 MH_OCR_RESULT_READ);
	g_assert_true (reads (text, "Enable Content"));
	g_assert_true (reads (text, "earlier version"));
	g_test_message ("engine start eng: about %.0f ms; OCR of the 800x500 screen: eng+jpn %.0f ms, "
	                "eng %.0f ms", (first - english) / 1000.0, second / 1000.0, english / 1000.0);

	/* OpenMP threads Tesseract left behind in this process */
	g_autoptr (GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
	guint threads = 0;
	while (tasks && g_dir_read_name (tasks))
		threads++;
	g_test_message ("threads in the process after OCR: %u (OMP_THREAD_LIMIT=%s)", threads,
	                g_getenv ("OMP_THREAD_LIMIT"));
}

static void
test_japanese_lure (void)
{
	g_autoptr (GBytes) png = surface_to_png (draw_screen (800, 500, "IPAPGothic 28px",
	                                                      japanese_lure, TRUE));
	g_autoptr (mh_gray_image) image = decode (png);
	g_autofree char *text = NULL;
	g_assert_cmpint (timed_ocr (image, NULL, 60000, &text, "Japanese lure", NULL), ==,
	                 MH_OCR_RESULT_READ);
	g_test_message ("read: %s", text);
	g_assert_true (reads (text, "コンテンツ"));
	g_assert_true (reads (text, "有効"));
}

/* Screenshot-sized text (11 px): read after scaling up. */
static void
test_small_text_lure (void)
{
	g_autoptr (GBytes) png = surface_to_png (draw_screen (400, 220, "DejaVu Sans 11px",
	                                                      english_lure, TRUE));
	g_autoptr (mh_gray_image) image = decode (png);
	g_autofree char *text = NULL;
	g_assert_cmpint (timed_ocr (image, NULL, 60000, &text, "11 px lure", NULL), ==,
	                 MH_OCR_RESULT_READ);
	g_test_message ("read: %s", text);
	g_assert_true (reads (text, "Enable Content"));
	g_assert_true (reads (text, "earlier version"));
}

/* Text on a transparent background (a PNG with alpha) is laid on white. */
static void
test_alpha_on_white (void)
{
	cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 100);
	cairo_t *cr = cairo_create (surface);
	draw_text (cr, 10, 10, 380, "DejaVu Sans Bold 40px", "Enable");
	cairo_destroy (cr);
	g_autoptr (GBytes) png = surface_to_png (surface);
	g_autoptr (mh_gray_image) image = decode (png);
	guint dark = 0, white = 0;
	for (gsize i = 0; i < (gsize) image->width * image->height; i++) {
		dark += image->pixels[i] < 64;
		white += image->pixels[i] == 255;
	}
	g_assert_cmpuint (white, >, image->width * image->height / 2);
	g_assert_cmpuint (dark, >, 500);
}

static void
test_dhash (void)
{
	g_autoptr (GBytes) png = english_png ();
	guint64 original = dhash_of (png);
	g_test_message ("dHash of the English lure: %016" G_GINT64_MODIFIER "x", original);

	struct { const char *name; float scale; int quality; } copies[] = {
		{ "JPEG quality 60", 1.0f, 60 },
		{ "PNG at 90%", 0.9f, 0 },
		{ "PNG at 110%", 1.1f, 0 },
		{ "JPEG quality 60 at 90%", 0.9f, 60 },
	};
	for (guint i = 0; i < G_N_ELEMENTS (copies); i++) {
		g_autoptr (GBytes) copy = reencode (png, copies[i].scale, copies[i].quality);
		guint d = _mh_dhash_distance (original, dhash_of (copy));
		g_test_message ("distance to the %s copy: %u", copies[i].name, d);
		g_assert_cmpuint (d, <=, 6);
	}

	/* other pictures: far from the lure and from each other */
	GBytes *others[6];
	const char *names[6] = { "lure", "letter", "gradient", "checkerboard", "noise", "bar chart" };
	others[0] = g_bytes_ref (png);
	others[1] = surface_to_png (draw_screen (800, 500, "DejaVu Serif 26px", letter_text, FALSE));

	cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 480);
	cairo_t *cr = cairo_create (s);
	cairo_pattern_t *gradient = cairo_pattern_create_linear (0, 0, 640, 480);
	cairo_pattern_add_color_stop_rgb (gradient, 0, 1, 1, 1);
	cairo_pattern_add_color_stop_rgb (gradient, 1, 0.1, 0.2, 0.5);
	cairo_set_source (cr, gradient);
	cairo_paint (cr);
	cairo_pattern_destroy (gradient);
	cairo_destroy (cr);
	others[2] = surface_to_png (s);

	s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 480);
	cr = cairo_create (s);
	for (int y = 0; y < 480; y += 40)
		for (int x = 0; x < 640; x += 40) {
			double v = ((x + y) / 40) % 2 ? 0.0 : 1.0;
			cairo_set_source_rgb (cr, v, v, v);
			cairo_rectangle (cr, x, y, 40, 40);
			cairo_fill (cr);
		}
	cairo_destroy (cr);
	others[3] = surface_to_png (s);

	/* photo-like: smooth blobs plus grain, from a fixed seed */
	s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 400);
	cairo_surface_flush (s);
	GRand *rand = g_rand_new_with_seed (4242);
	guint8 *pixels = cairo_image_surface_get_data (s);
	int stride = cairo_image_surface_get_stride (s);
	double cx[5], cy[5], r[5];
	for (int k = 0; k < 5; k++) {
		cx[k] = g_rand_double_range (rand, 0, 600);
		cy[k] = g_rand_double_range (rand, 0, 400);
		r[k] = g_rand_double_range (rand, 40, 160);
	}
	for (int y = 0; y < 400; y++)
		for (int x = 0; x < 600; x++) {
			double v = 60;
			for (int k = 0; k < 5; k++) {
				double d2 = (x - cx[k]) * (x - cx[k]) + (y - cy[k]) * (y - cy[k]);
				v += 150 / (1 + d2 / (r[k] * r[k]));
			}
			v += g_rand_double_range (rand, -30, 30);
			guint8 g = (guint8) CLAMP (v, 0, 255);
			guint32 *px = (guint32 *) (pixels + y * stride + x * 4);
			*px = 0xff000000u | (guint32) g << 16 | (guint32) (g / 2 + 40) << 8 | (guint32) (255 - g);
		}
	g_rand_free (rand);
	cairo_surface_mark_dirty (s);
	others[4] = surface_to_png (s);

	s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 480);
	cr = cairo_create (s);
	cairo_set_source_rgb (cr, 1, 1, 1);
	cairo_paint (cr);
	const double bars[] = { 0.9, 0.3, 0.6, 0.15, 0.75, 0.45, 1.0, 0.2 };
	for (guint k = 0; k < G_N_ELEMENTS (bars); k++) {
		cairo_set_source_rgb (cr, 0.2, 0.3 + 0.08 * k, 0.7);
		cairo_rectangle (cr, 20 + k * 77, 460 - 440 * bars[k], 60, 440 * bars[k]);
		cairo_fill (cr);
	}
	cairo_destroy (cr);
	others[5] = surface_to_png (s);

	guint64 hashes[6];
	for (guint i = 0; i < 6; i++)
		hashes[i] = dhash_of (others[i]);
	for (guint i = 0; i < 6; i++)
		for (guint j = i + 1; j < 6; j++) {
			guint d = _mh_dhash_distance (hashes[i], hashes[j]);
			g_test_message ("distance %s - %s: %u", names[i], names[j], d);
			g_assert_cmpuint (d, >, 16);
		}
	for (guint i = 0; i < 6; i++)
		g_bytes_unref (others[i]);

	/* Not asserted, for the thresholds of lures.txt: two screens of a few
	 * dark lines on white agree in their blank cells (equal neighbours
	 * give 0 bits), so they are nearer than unrelated pictures are. */
	g_autoptr (GBytes) invoice = surface_to_png (draw_screen (800, 500, "DejaVu Serif 34px",
	                                                          invoice_text, FALSE));
	g_test_message ("distance lure - invoice (sparse text on white): %u",
	                _mh_dhash_distance (original, dhash_of (invoice)));
}

/* A flat picture has no neighbour brighter than the next; the bit order
 * is row-major from the top bit. */
static void
test_dhash_bits (void)
{
	mh_gray_image image = { 90, 80, g_malloc (90 * 80) };
	memset (image.pixels, 128, 90 * 80);
	g_assert_cmpuint (_mh_image_dhash (&image), ==, 0);
	/* brighter on the left half of the top row of cells only */
	for (guint y = 0; y < 10; y++)
		for (guint x = 0; x < 90; x++)
			image.pixels[y * 90 + x] = (guint8) (255 - x * 2);
	g_assert_cmphex (_mh_image_dhash (&image), ==, G_GUINT64_CONSTANT (0xff00000000000000));
	/* pictures smaller than 9x8 still hash (cells share pixels) */
	mh_gray_image tiny = { 3, 2, (guint8 []) { 200, 100, 0, 200, 100, 0 } };
	/* cells 0-2 see pixel 0, 3-5 pixel 1, 6-8 pixel 2: 00100100 a row */
	g_assert_cmphex (_mh_image_dhash (&tiny), ==, G_GUINT64_CONSTANT (0x2424242424242424));
	g_assert_cmpuint (_mh_dhash_distance (0, G_GUINT64_CONSTANT (0xf0f0)), ==, 8);
	g_free (image.pixels);
}

/* The fingerprint by its definition, written the slow way: each of the
 * 9x8 cells sums the pixels it covers, each weighted by the area of it
 * that lies in the cell (in units of 1/9 by 1/8 of a pixel); a bit is set
 * where a cell is brighter than its right neighbour.  Fingerprints that
 * analysts keep in their lure files must not change with the code. */
static guint64
reference_dhash (const mh_gray_image *image)
{
	guint64 cells[8][9] = { { 0 } };
	for (guint y = 0; y < image->height; y++)
		for (guint x = 0; x < image->width; x++)
			for (guint cy = 0; cy < 8; cy++) {
				guint64 ylo = MAX ((guint64) y * 8, (guint64) cy * image->height);
				guint64 yhi = MIN ((guint64) (y + 1) * 8, (guint64) (cy + 1) * image->height);
				if (yhi <= ylo)
					continue;
				for (guint cx = 0; cx < 9; cx++) {
					guint64 xlo = MAX ((guint64) x * 9, (guint64) cx * image->width);
					guint64 xhi = MIN ((guint64) (x + 1) * 9, (guint64) (cx + 1) * image->width);
					if (xhi > xlo)
						cells[cy][cx] += (yhi - ylo) * (xhi - xlo) * image->pixels[y * image->width + x];
				}
			}
	guint64 hash = 0;
	for (guint cy = 0; cy < 8; cy++)
		for (guint cx = 0; cx < 8; cx++)
			hash = hash << 1 | (cells[cy][cx] > cells[cy][cx + 1]);
	return hash;
}

static void
test_dhash_reference (void)
{
	GRand *rand = g_rand_new_with_seed (7);
	for (guint round = 0; round < 300; round++) {
		guint w = (guint) g_rand_int_range (rand, 1, round < 200 ? 40 : 300);
		guint h = (guint) g_rand_int_range (rand, 1, round < 200 ? 40 : 200);
		mh_gray_image image = { w, h, g_malloc ((gsize) w * h) };
		/* noise, or smooth gradients where neighbouring cells are close */
		gboolean smooth = round % 2;
		for (guint i = 0; i < w * h; i++)
			image.pixels[i] = smooth ? (guint8) ((i % w) * 255 / w / 2 + (i / w) * 255 / h / 2)
			                         : (guint8) g_rand_int_range (rand, 0, 256);
		g_assert_cmphex (_mh_image_dhash (&image), ==, reference_dhash (&image));
		g_free (image.pixels);
	}
	g_rand_free (rand);
}

static void
assert_refused (const guint8 *data, gsize len, guint64 max_pixels, const char *contains)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (mh_gray_image) image = _mh_image_decode (data, len, max_pixels, &error);
	g_assert_null (image);
	g_assert_error (error, MH_OFFICE_ERROR, 0);
	g_test_message ("refused: %s", error->message);
	if (contains)
		g_assert_nonnull (strstr (error->message, contains));
}

static guint32
crc_of (const guint8 *data, gsize len)
{
	guint32 crc = 0xffffffffu;
	for (gsize i = 0; i < len; i++) {
		crc ^= data[i];
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static void
test_caps (void)
{
	/* a real PNG whose IHDR then says 60000x60000 (CRC mended, so that
	 * only the size is wrong): refused by its header */
	g_autoptr (GBytes) png = english_png ();
	gsize len;
	const guint8 *genuine = g_bytes_get_data (png, &len);
	guint8 *big = g_memdup2 (genuine, len);
	guint8 side[4] = { 0, 0, 0xea, 0x60 };
	memcpy (big + 16, side, 4);
	memcpy (big + 20, side, 4);
	guint32 crc = crc_of (big + 12, 17);
	guint8 crc_bytes[4] = { crc >> 24, crc >> 16, crc >> 8, crc };
	memcpy (big + 29, crc_bytes, 4);
	gint64 start = g_get_monotonic_time ();
	assert_refused (big, len, MAX_PIXELS, "cap");
	g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
	/* and the genuine one against a small cap */
	assert_refused (genuine, len, 1000, "cap of 1000 pixels");
	/* cut in the middle of the pixel data, and in the header */
	assert_refused (genuine, len / 2, MAX_PIXELS, NULL);
	assert_refused (genuine, 20, MAX_PIXELS, NULL);
	g_free (big);

	/* random bytes, and random bytes behind each signature */
	GRand *rand = g_rand_new_with_seed (7);
	guint8 noise[4096];
	for (gsize i = 0; i < sizeof noise; i++)
		noise[i] = (guint8) g_rand_int (rand);
	g_rand_free (rand);
	assert_refused (noise, sizeof noise, MAX_PIXELS, NULL);
	assert_refused (noise, 0, MAX_PIXELS, NULL);
	static const char *const signatures[] = {
		"\x89PNG\r\n\x1a\n", "\xff\xd8\xff\xe0", "GIF89a", "BM", "II*", "MM\0*", "RIFF\0\0\0\0WEBPVP8 ",
	};
	for (guint i = 0; i < G_N_ELEMENTS (signatures); i++) {
		guint8 bytes[4096];
		memcpy (bytes, noise, sizeof bytes);
		memcpy (bytes, signatures[i], strlen (signatures[i]) + (i == 5 ? 2 : 0));
		g_autoptr (GError) error = NULL;
		g_autoptr (mh_gray_image) image = _mh_image_decode (bytes, sizeof bytes, MAX_PIXELS, &error);
		/* a BMP or TIFF of random pixels may decode; then within the cap */
		if (image)
			g_assert_cmpuint ((guint64) image->width * image->height, <=, MAX_PIXELS);
		else
			g_assert_nonnull (error);
	}

	/* a GIF whose first frame claims 60000x60000 on a 10x10 screen */
	static const guint8 gif[] = {
		'G', 'I', 'F', '8', '9', 'a', 10, 0, 10, 0, 0, 0, 0,
		0x2c, 0, 0, 0, 0, 0x60, 0xea, 0x60, 0xea, 0, 2, 2, 0x4c, 0x01, 0, 0x3b,
	};
	assert_refused (gif, sizeof gif, MAX_PIXELS, "cap");
}

/* The seeds of the fuzz harness: one 24x16 picture (grey (x * 10 + y * 5)
 * mod 256) in every format Leptonica writes, and a GIF of two frames.
 * The PNG with alpha is transparent on its right half: white there. */
static void
test_formats (void)
{
	const char *srcdir = g_getenv ("MH_SRCDIR");
	if (!srcdir) {
		g_test_skip ("MH_SRCDIR not set");
		return;
	}
	static const struct { const char *name; int tolerance; } seeds[] = {
		{ "tiny.png", 0 }, { "tiny-rgb.png", 1 }, { "tiny-alpha.png", -2 }, { "tiny.gif", 0 },
		{ "two-frames.gif", 0 }, { "tiny.bmp", 1 }, { "tiny-gray.bmp", 0 }, { "tiny-lzw.tif", 0 },
		{ "tiny.jpg", 40 }, { "tiny.webp", 40 }, { "tiny-g4.tif", -1 },
	};
	for (guint i = 0; i < G_N_ELEMENTS (seeds); i++) {
		g_autofree char *path = g_build_filename (srcdir, "tests", "fuzz", "seeds", "image-decode",
		                                          seeds[i].name, NULL);
		g_autofree char *data = NULL;
		gsize len;
		g_assert_true (g_file_get_contents (path, &data, &len, NULL));
		g_autoptr (GError) error = NULL;
		g_autoptr (mh_gray_image) image = _mh_image_decode ((guint8 *) data, len, MAX_PIXELS, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (image->width, ==, 24);
		g_assert_cmpuint (image->height, ==, 16);
		int worst = 0;
		for (guint y = 0; y < 16; y++)
			for (guint x = 0; x < 24; x++) {
				int expected = (x * 10 + y * 5) & 0xff;
				int got = image->pixels[y * 24 + x];
				if (seeds[i].tolerance == -1)   /* 1 bpp: thresholded at 128 */
					expected = expected < 128 ? 0 : 255;
				if (seeds[i].tolerance == -2 && x >= 12)
					expected = 255;
				worst = MAX (worst, ABS (got - expected));
			}
		g_test_message ("%s: largest difference %d", seeds[i].name, worst);
		g_assert_cmpint (worst, <=, MAX (seeds[i].tolerance, 0));
	}
}

static void
test_too_small (void)
{
	mh_gray_image image = { 10, 10, g_malloc0 (100) };
	char *text = NULL;
	g_autoptr (GError) error = NULL;
	g_assert_cmpint (_mh_ocr_read (&image, NULL, 1000, &text, &error), ==, MH_OCR_RESULT_TOO_SMALL);
	g_assert_null (text);
	g_assert_no_error (error);
	g_free (image.pixels);
}

static void
test_timeout (void)
{
	/* a page of text: layout analysis alone takes far more than 1 ms */
	GPtrArray *lines = g_ptr_array_new ();
	for (guint i = 0; i < 40; i++)
		g_ptr_array_add (lines, (gpointer) english_lure[i % 2]);
	g_ptr_array_add (lines, NULL);
	g_autoptr (GBytes) png = surface_to_png (draw_screen (2400, 3000, "DejaVu Sans 30px",
	                                                      (const char *const *) lines->pdata, TRUE));
	g_ptr_array_free (lines, TRUE);
	g_autoptr (mh_gray_image) image = decode (png);
	g_autofree char *text = NULL;
	gint64 spent;
	g_assert_cmpint (timed_ocr (image, NULL, 1, &text, "1 ms cap on a page of text", &spent), ==,
	                 MH_OCR_RESULT_TIMEOUT);
	g_assert_nonnull (text);
	g_assert_true (g_utf8_validate (text, -1, NULL));
	g_test_message ("read before the cap: %" G_GSIZE_FORMAT " bytes: %.300s", strlen (text), text);
	/* the words after the deadline are skipped, not read */
	g_assert_cmpint (spent, <, 10 * G_USEC_PER_SEC);
}

static void
test_unavailable (void)
{
	mh_gray_image *image;
	g_autoptr (GBytes) png = english_png ();
	image = decode (png);
	for (guint round = 0; round < 2; round++) {
		g_autoptr (GError) error = NULL;
		char *text = NULL;
		gint64 start = g_get_monotonic_time ();
		g_assert_cmpint (_mh_ocr_read (image, "xxx", 10000, &text, &error), ==,
		                 MH_OCR_RESULT_UNAVAILABLE);
		g_assert_null (text);
		g_assert_error (error, MH_OFFICE_ERROR, 0);
		g_assert_nonnull (strstr (error->message, "xxx"));
		g_assert_nonnull (strstr (error->message, "tesseract-ocr-jpn"));
		g_test_message ("round %u: %s (%.1f ms)", round, error->message,
		                (g_get_monotonic_time () - start) / 1000.0);
	}
	/* the default still works on this thread */
	g_autofree char *text = NULL;
	g_assert_cmpint (timed_ocr (image, NULL, 60000, &text, "default after xxx", NULL), ==,
	                 MH_OCR_RESULT_READ);
	g_assert_true (reads (text, "Enable Content"));
	_mh_gray_image_free (image);
}

/* Each thread has its own engine; cleaning up a thread's is allowed
 * once it is done, and a new one is made on demand. */
static gpointer
read_in_thread (gpointer data)
{
	char *text = NULL;
	mh_ocr_result result = _mh_ocr_read (data, "eng", 60000, &text, NULL);
	gboolean ok = result == MH_OCR_RESULT_READ && reads (text, "Enable Content");
	g_free (text);
	mh_ocr_thread_cleanup ();
	return GINT_TO_POINTER (ok);
}

static void
test_threads (void)
{
	g_autoptr (GBytes) png = english_png ();
	g_autoptr (mh_gray_image) image = decode (png);
	GThread *a = g_thread_new ("ocr-a", read_in_thread, image);
	GThread *b = g_thread_new ("ocr-b", read_in_thread, image);
	g_assert_true (GPOINTER_TO_INT (g_thread_join (a)));
	g_assert_true (GPOINTER_TO_INT (g_thread_join (b)));
}

/* Read by LeakSanitizer in the sanitizer build (an unused function
 * elsewhere): fontconfig keeps part of the configuration it parses for
 * Pango's first font for the life of the process.  Only the test draws
 * with Pango; what ocr.c allocates stays checked. */
const char *__lsan_default_suppressions (void);
/* The file a worker writes for a picture's facts in the scan's shared
 * directory. */
static char *
pic_file (const char *dir, const char *sha256, guint64 max_pixels)
{
	g_autofree char *name = g_strdup_printf ("%s_%" G_GUINT64_FORMAT ".pic", sha256, max_pixels);
	return g_build_filename (dir, name, NULL);
}

static const mh_doc_image *
first_picture (const mh_document *doc)
{
	for (guint i = 0; i < doc->images->len; i++) {
		const mh_doc_image *image = g_ptr_array_index (doc->images, i);
		if (image->has_dhash)
			return image;
	}
	return NULL;
}

/* Workers of one scan share what decoding learnt of a picture through the
 * directory that also holds what OCR read: one writes it, the next one
 * takes it instead of decoding again, and refuses a file that is not
 * what a worker writes. */
static void
test_shared_picture_facts (void)
{
	const char *srcdir = g_getenv ("MH_SRCDIR");
	if (!srcdir) {
		g_test_skip ("MH_SRCDIR not set");
		return;
	}
	g_autofree char *path = g_build_filename (srcdir, "samples-benign", "lures",
	                                          "enable-macros-en-picture.docm", NULL);
	g_autofree char *data = NULL;
	gsize len;
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	g_autofree char *dir = g_dir_make_tmp ("mailhunt-pictures-XXXXXX", NULL);
	g_assert_nonnull (dir);
	mh_office_set_ocr_cache_dir (dir);
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.ocr = MH_OCR_NONE;
	/* a cap of pixels of its own: the key no other test of this process used */
	options.limits.max_image_pixels = 40000001;

	/* decoded here, and written for the other workers */
	g_autoptr (mh_document) doc = mh_document_analyse ((guint8 *) data, len, "a.docm", &options);
	const mh_doc_image *image = first_picture (doc);
	g_assert_nonnull (image);
	g_autofree char *written = pic_file (dir, image->sha256, options.limits.max_image_pixels);
	g_autofree char *facts = NULL;
	g_assert_true (g_file_get_contents (written, &facts, NULL, NULL));
	g_autofree char *want = g_strdup_printf ("%u %u %" G_GINT64_MODIFIER "x", image->width,
	                                         image->height, image->dhash);
	g_assert_cmpstr (facts, ==, want);
	guint64 real_dhash = image->dhash;

	/* another worker's facts are taken as they are: no decoding */
	options.limits.max_image_pixels = 40000002;
	g_autofree char *planted = pic_file (dir, image->sha256, options.limits.max_image_pixels);
	g_autofree char *fake = g_strdup_printf ("%u %u 123456789abcdef", image->width, image->height);
	g_assert_true (g_file_set_contents (planted, fake, -1, NULL));
	g_autoptr (mh_document) again = mh_document_analyse ((guint8 *) data, len, "b.docm", &options);
	g_assert_cmphex (first_picture (again)->dhash, ==, G_GUINT64_CONSTANT (0x123456789abcdef));

	/* a file that is not what a worker writes: decoded after all */
	static const char *const bad[] = { "1 2", "0 5 ff", "3 4 zz", "3 4 ff 1", "", "3 4 ff\n" };
	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		options.limits.max_image_pixels = 40000003 + i;
		g_autofree char *file = pic_file (dir, image->sha256, options.limits.max_image_pixels);
		g_assert_true (g_file_set_contents (file, bad[i], -1, NULL));
		g_autoptr (mh_document) other = mh_document_analyse ((guint8 *) data, len, "c.docm", &options);
		g_assert_cmphex (first_picture (other)->dhash, ==, real_dhash);
	}
	mh_office_set_ocr_cache_dir (NULL);
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name (d))) {
		g_autofree char *file = g_build_filename (dir, name, NULL);
		g_unlink (file);
	}
	g_rmdir (dir);
}

const char *
__lsan_default_suppressions (void)
{
	return "leak:libfontconfig.so\n";
}

int
main (int argc, char **argv)
{
	setlocale (LC_ALL, "");
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/ocr/english-lure", test_english_lure);
	g_test_add_func ("/ocr/japanese-lure", test_japanese_lure);
	g_test_add_func ("/ocr/small-text-lure", test_small_text_lure);
	g_test_add_func ("/ocr/alpha-on-white", test_alpha_on_white);
	g_test_add_func ("/ocr/dhash", test_dhash);
	g_test_add_func ("/ocr/dhash-bits", test_dhash_bits);
	g_test_add_func ("/ocr/dhash-reference", test_dhash_reference);
	g_test_add_func ("/ocr/caps", test_caps);
	g_test_add_func ("/ocr/formats", test_formats);
	g_test_add_func ("/ocr/too-small", test_too_small);
	g_test_add_func ("/ocr/timeout", test_timeout);
	g_test_add_func ("/ocr/unavailable", test_unavailable);
	g_test_add_func ("/ocr/threads", test_threads);
	g_test_add_func ("/ocr/shared-picture-facts", test_shared_picture_facts);
	int status = g_test_run ();
	mh_ocr_thread_cleanup ();
	/* the font map keeps fontconfig's patterns: let them go so that
	 * LeakSanitizer reports only what is ours */
	pango_cairo_font_map_set_default (NULL);
	cairo_debug_reset_static_data ();
	return status;
}
