/* Pictures decoded to grey (Leptonica), fingerprinted (dHash) and read
 * (Tesseract), with caps on size and time.
 *
 * A picture comes from an untrusted document: its size is read from its
 * header and checked against the cap before any decoder allocates for
 * it, and OCR runs against a deadline.  The OCR engine is costly to start
 * (the Japanese model especially), so each thread keeps the one it made. */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "office-private.h"

/* Tesseract's Japanese model reads the Latin letters of the English
 * screens too; "eng+jpn" runs both models on every word, for about a
 * third more time per picture and twice the engine start (docs/lures.md). */
#define DEFAULT_OCR_LANGUAGES "jpn"

/* The sides of a picture that is decoded at all (PNG, GIF and JPEG cannot
 * say more anyway). */
#define MAX_SIDE 65535

/* Below this a picture cannot hold a line of readable text (a glyph needs
 * some 8 px, a word several glyphs): icons, bullets, spacers. */
#define OCR_MIN_SHORT_SIDE 16
#define OCR_MIN_LONG_SIDE  32
/* Screenshots of dialogs carry text of 11-16 px.  Measured on the lures
 * of tests/test-ocr.c: 11 px text is misread as it is ("view of edit")
 * and read right at 1.5 and 2 times; 28 px text reads either way.  The
 * size of the text is not known before OCR, the size of the picture is.
 * Unscaled, the Japanese protected-view screens of samples-benign/lures
 * (24 px) lose their lure; at 1.5 times all 28 screens are read, 15-20 %
 * faster than doubled (tests/bench/bench-ocr.sh figures in docs/lures.md). */
#define OCR_UPSCALE_BELOW  1000
#define OCR_UPSCALE        1.5f
/* Past this, layout analysis (which the deadline does not interrupt)
 * grows costly while the text of a screen-sized lure gains nothing. */
#define OCR_MAX_LONG_SIDE  4000
/* What we tell Tesseract: without a resolution it guesses one and says so
 * on stderr; 300 dpi is what its models were trained on. */
#define OCR_SOURCE_PPI     300

static void
leptonica_says_nothing (G_GNUC_UNUSED const char *message)
{
}

/* Leptonica reports problems on stderr; here the caller reports our
 * GError instead, once, in its own words.  Most of its messages pass the
 * severity filter, a few (from its stream callbacks) go straight to its
 * stderr handler. */
static gpointer
quiet_libraries (G_GNUC_UNUSED gpointer unused)
{
	setMsgSeverity (L_SEVERITY_NONE);
	leptSetStderrHandler (leptonica_says_nothing);
	return NULL;
}

static void
quiet_libraries_once (void)
{
	static GOnce once = G_ONCE_INIT;
	g_once (&once, quiet_libraries, NULL);
}

/* libtesseract is built with OpenMP (libgomp) and runs its LSTM with four
 * threads per call.  The scanner already reads documents in parallel, one
 * OCR per worker, and here those extra threads mostly spin: an 800x500
 * lure took 1.4 s of wall time with them and 0.2 s without (2 CPUs,
 * tests/test-ocr.c).  OMP_THREAD_LIMIT=1 would do, but libgomp reads its
 * environment when it is loaded, before main(): setting it here is too
 * late (measured: still 4 threads after OCR), and setenv() is not safe
 * once threads run.  Instead no parallel region may become active:
 * max-active-levels 0 (kept per thread by recent libgomp, process-wide by
 * older ones; mailhunt has no parallel regions of its own either way).
 * Looked up at run time because libgomp comes with libtesseract, not on
 * our link line; a Tesseract built without OpenMP has nothing to limit. */
static void
ocr_in_one_thread (void)
{
	void (*set_max_active_levels) (int);
	void *symbol = dlsym (RTLD_DEFAULT, "omp_set_max_active_levels");
	memcpy (&set_max_active_levels, &symbol, sizeof symbol);
	if (set_max_active_levels)
		set_max_active_levels (0);
}

/* -- decoding --------------------------------------------------------------- */

void
_mh_gray_image_free (mh_gray_image *image)
{
	if (image) {
		g_free (image->pixels);
		g_free (image);
	}
}

static guint
read_le16 (const guint8 *p)
{
	return (guint) p[0] | (guint) p[1] << 8;
}

static guint32
read_le32 (const guint8 *p)
{
	return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* Skips a chain of GIF data sub-blocks (length byte, bytes; 0 ends it). */
static gboolean
skip_gif_sub_blocks (const guint8 *data, gsize len, gsize *pos)
{
	while (*pos < len) {
		guint n = data[*pos];
		*pos += 1;
		if (n == 0)
			return TRUE;
		*pos += n;
	}
	return FALSE;
}

/* The first frame of a GIF as a GIF of its own, and that frame's size.
 * giflib (under Leptonica) decodes every frame of a file and allocates
 * each at the size its own descriptor claims, whatever the screen size
 * says: cutting the file after the first frame, whose size is checked
 * before decoding, bounds both the work and the memory. */
static GBytes *
gif_first_frame (const guint8 *data, gsize len, guint *width, guint *height, GError **error)
{
	if (len < 13) {
		g_set_error_literal (error, MH_OFFICE_ERROR, 0, "GIF header cut short");
		return NULL;
	}
	gsize pos = 13;
	if (data[10] & 0x80)
		pos += (gsize) 3 << ((data[10] & 7) + 1);   /* global colour table */
	while (pos < len) {
		if (data[pos] == 0x21) {          /* extension: label, sub-blocks */
			pos += 2;
			if (!skip_gif_sub_blocks (data, len, &pos))
				break;
		} else if (data[pos] == 0x2c) {   /* image descriptor */
			if (len - pos < 10)
				break;
			*width = read_le16 (data + pos + 5);
			*height = read_le16 (data + pos + 7);
			guint8 flags = data[pos + 9];
			pos += 10;
			if (flags & 0x80)
				pos += (gsize) 3 << ((flags & 7) + 1);   /* local colour table */
			pos += 1;                                    /* LZW minimum code size */
			if (pos > len || !skip_gif_sub_blocks (data, len, &pos))
				break;
			guint8 *frame = g_malloc (pos + 1);
			memcpy (frame, data, pos);
			frame[pos] = 0x3b;                           /* trailer */
			return g_bytes_new_take (frame, pos + 1);
		} else if (data[pos] == 0x3b) {
			g_set_error_literal (error, MH_OFFICE_ERROR, 0, "GIF without any frame");
			return NULL;
		} else {
			g_set_error (error, MH_OFFICE_ERROR, 0, "GIF block of unknown kind 0x%02x at %" G_GSIZE_FORMAT,
			             data[pos], pos);
			return NULL;
		}
	}
	g_set_error_literal (error, MH_OFFICE_ERROR, 0, "GIF cut short before the end of its first frame");
	return NULL;
}

/* TRUE when the chunks of a PNG run whole up to IEND.  libpng (under
 * Leptonica) prints its own complaint on stderr about a cut file, which
 * this spares; a damaged chunk is still left to libpng. */
static gboolean
png_complete (const guint8 *data, gsize len)
{
	gsize pos = 8;   /* signature */
	while (len - pos >= 12) {
		guint32 size = (guint32) data[pos] << 24 | (guint32) data[pos + 1] << 16 |
		               (guint32) data[pos + 2] << 8 | data[pos + 3];
		if (size > len - pos - 12)
			return FALSE;
		if (memcmp (data + pos + 4, "IEND", 4) == 0)
			return TRUE;
		pos += (gsize) size + 12;
	}
	return FALSE;
}

/* TRUE when a JPEG has a frame header (SOFn) before its first scan.
 * libjpeg prints its complaints about one without ("Premature end of
 * JPEG file") on stderr.  Bytes between segments are skipped up to the
 * next marker, as libjpeg does. */
static gboolean
jpeg_has_frame (const guint8 *data, gsize len)
{
	gsize pos = 2;   /* SOI */
	while (pos + 4 <= len) {
		if (data[pos] != 0xff || data[pos + 1] == 0xff) {
			pos++;   /* stray byte or fill byte */
			continue;
		}
		guint8 marker = data[pos + 1];
		if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
			return TRUE;
		if (marker == 0xd9 || marker == 0xda)   /* EOI, or a scan before any frame */
			return FALSE;
		if (marker == 0x00 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			pos += 2;   /* markers without a length */
			continue;
		}
		guint length = (guint) data[pos + 2] << 8 | data[pos + 3];
		if (length < 2)
			return FALSE;
		pos += 2 + (gsize) length;
	}
	return FALSE;
}

/* Leptonica's own header reader decodes a whole BMP to learn its size. */
static gboolean
bmp_size (const guint8 *data, gsize len, guint *width, guint *height)
{
	if (len < 26 || data[0] != 'B' || data[1] != 'M')
		return FALSE;
	guint32 header = read_le32 (data + 14);
	if (header == 12) {                  /* BITMAPCOREHEADER: 16-bit sides */
		*width = read_le16 (data + 18);
		*height = read_le16 (data + 20);
		return TRUE;
	}
	/* BITMAPINFOHEADER and later: signed sides, a negative height is a
	 * top-down bitmap */
	gint64 w = (gint32) read_le32 (data + 18);
	gint64 h = (gint32) read_le32 (data + 22);
	*width = (guint) MIN (ABS (w), G_MAXUINT);
	*height = (guint) MIN (ABS (h), G_MAXUINT);
	return TRUE;
}

static gboolean
check_size (guint width, guint height, guint64 max_pixels, GError **error)
{
	if (width == 0 || height == 0) {
		g_set_error (error, MH_OFFICE_ERROR, 0, "picture of %ux%u pixels: empty", width, height);
		return FALSE;
	}
	if (width > MAX_SIDE || height > MAX_SIDE) {
		g_set_error (error, MH_OFFICE_ERROR, 0,
		             "picture of %ux%u pixels: a side is over the cap of %u pixels, not decoded",
		             width, height, MAX_SIDE);
		return FALSE;
	}
	if ((guint64) width * height > max_pixels) {
		g_set_error (error, MH_OFFICE_ERROR, 0,
		             "picture of %ux%u pixels is over the cap of %" G_GUINT64_FORMAT
		             " pixels: not decoded", width, height, max_pixels);
		return FALSE;
	}
	return TRUE;
}

static gboolean
format_decoded (l_int32 format)
{
	return format == IFF_PNG || format == IFF_JFIF_JPEG || format == IFF_GIF ||
	       format == IFF_BMP || format == IFF_WEBP || L_FORMAT_IS_TIFF (format);
}

/* Any Leptonica picture (alpha, colour map, 1 to 32 bpp) as 8-bit grey. */
static mh_gray_image *
pix_to_gray (PIX *pix, GError **error)
{
	PIX *flat;
	if (pixGetDepth (pix) == 32 && pixGetSpp (pix) == 4)
		/* text drawn on a transparent background is dark on nothing:
		 * laid on white it stays readable */
		flat = pixAlphaBlendUniform (pix, 0xffffff00);
	else
		flat = pixClone (pix);
	PIX *gray = flat ? pixConvertTo8 (flat, FALSE) : NULL;
	pixDestroy (&flat);
	if (gray && pixGetColormap (gray)) {
		PIX *plain = pixRemoveColormap (gray, REMOVE_CMAP_TO_GRAYSCALE);
		pixDestroy (&gray);
		gray = plain;
	}
	if (!gray || pixGetDepth (gray) != 8) {
		pixDestroy (&gray);
		g_set_error_literal (error, MH_OFFICE_ERROR, 0, "picture not convertible to grey");
		return NULL;
	}
	mh_gray_image *image = g_new0 (mh_gray_image, 1);
	image->width = (guint) pixGetWidth (gray);
	image->height = (guint) pixGetHeight (gray);
	image->pixels = g_malloc ((gsize) image->width * image->height);
	const l_uint32 *bits = pixGetData (gray);
	gsize wpl = (gsize) pixGetWpl (gray);
	for (guint y = 0; y < image->height; y++) {
		const l_uint32 *line = bits + y * wpl;
		guint8 *row = image->pixels + (gsize) y * image->width;
		for (guint x = 0; x < image->width; x++)
			row[x] = (guint8) GET_DATA_BYTE (line, x);
	}
	pixDestroy (&gray);
	return image;
}

static mh_gray_image *
decode_bitmap (const guint8 *data, gsize len, const mh_image_info *sniffed, guint64 max_pixels,
               GError **error)
{
	l_int32 format = IFF_UNKNOWN;
	/* findFileFormatBuffer reads 12 bytes whatever the length */
	if (len < 12 || findFileFormatBuffer (data, &format) != 0 || !format_decoded (format)) {
		g_set_error_literal (error, MH_OFFICE_ERROR, 0,
		                     "not a picture that is decoded (PNG, JPEG, GIF, BMP, TIFF, WebP)");
		return NULL;
	}

	if (format == IFF_JFIF_JPEG && !jpeg_has_frame (data, len)) {
		g_set_error_literal (error, MH_OFFICE_ERROR, 0, "JPEG without a frame header (damaged or cut)");
		return NULL;
	}

	g_autoptr (GBytes) first_frame = NULL;
	guint width = 0, height = 0;
	if (format == IFF_GIF) {
		first_frame = gif_first_frame (data, len, &width, &height, error);
		if (!first_frame)
			return NULL;
		data = g_bytes_get_data (first_frame, &len);
	} else {
		if (sniffed) {
			width = sniffed->width;
			height = sniffed->height;
		}
		if (format == IFF_BMP) {
			guint w = 0, h = 0;
			if (bmp_size (data, len, &w, &h)) {
				width = MAX (width, w);
				height = MAX (height, h);
			}
		} else {
			/* what the decoder will go by: where it reads the header
			 * differently from _mh_image_sniff, the larger size counts */
			l_int32 f, w = 0, h = 0, bps, spp, iscmap;
			if (pixReadHeaderMem (data, len, &f, &w, &h, &bps, &spp, &iscmap) == 0 &&
			    w > 0 && h > 0) {
				width = MAX (width, (guint) w);
				height = MAX (height, (guint) h);
			}
		}
		if (!width || !height) {
			g_set_error_literal (error, MH_OFFICE_ERROR, 0,
			                     "picture header not readable (damaged or cut)");
			return NULL;
		}
	}
	if (!check_size (width, height, max_pixels, error))
		return NULL;
	if (format == IFF_PNG && !png_complete (data, len)) {
		g_set_error (error, MH_OFFICE_ERROR, 0, "PNG of %ux%u pixels cut short (no IEND chunk)",
		             width, height);
		return NULL;
	}

	PIX *pix = pixReadMem (data, len);
	if (!pix) {
		g_set_error (error, MH_OFFICE_ERROR, 0, "picture of %ux%u pixels does not decode "
		             "(damaged or cut)", width, height);
		return NULL;
	}
	/* the header was checked; this guards against a decoder that reads
	 * another size than the header reader did */
	if (!check_size ((guint) pixGetWidth (pix), (guint) pixGetHeight (pix), max_pixels, error)) {
		pixDestroy (&pix);
		return NULL;
	}
	mh_gray_image *image = pix_to_gray (pix, error);
	pixDestroy (&pix);
	return image;
}

mh_gray_image *
_mh_image_decode (const guint8 *data, gsize len, guint64 max_pixels, GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, NULL);
	quiet_libraries_once ();

	mh_image_info info = { 0 };
	gboolean sniffed = _mh_image_sniff (data, len, &info);
	if (sniffed && info.format &&
	    (g_str_equal (info.format, "emf") || g_str_equal (info.format, "wmf"))) {
		/* a drawing is not rasterised; its largest bitmap is what a lure
		 * screen pasted into it looks like.  A .bmp of the cap at 32 bpp. */
		guint64 max_bytes = MIN (max_pixels, (guint64) G_MAXSIZE / 8) * 4 + 4096;
		g_autoptr (GError) local = NULL;
		g_autoptr (GBytes) bmp = _mh_metafile_bitmap (data, len, (gsize) MIN (max_bytes, G_MAXSIZE),
		                                              &local);
		if (!bmp) {
			g_set_error (error, MH_OFFICE_ERROR, 0, "%s metafile without a usable bitmap: %s",
			             info.format, local ? local->message : "none found");
			return NULL;
		}
		gsize n = 0;
		const guint8 *bytes = g_bytes_get_data (bmp, &n);
		mh_image_info inner = { 0 };
		gboolean inner_sniffed = _mh_image_sniff (bytes, n, &inner);
		return decode_bitmap (bytes, n, inner_sniffed ? &inner : NULL, max_pixels, error);
	}
	return decode_bitmap (data, len, sniffed ? &info : NULL, max_pixels, error);
}

/* -- dHash -------------------------------------------------------------------- */

#define DHASH_COLUMNS 9
#define DHASH_ROWS    8

/* Source pixel @p and target cell @cell on a side of @size pixels cut
 * into @cells: measured in units of 1/@cells of a pixel, the pixel covers
 * [p * cells, (p + 1) * cells) and the cell [cell * size, (cell + 1) * size);
 * their overlap is the pixel's weight in the cell.  Whole numbers, so a
 * flat area gives exactly equal cells (no rounding noise in the bits). */
static guint64
overlap (guint p, guint cell, guint cells, guint size)
{
	guint64 lo = MAX ((guint64) p * cells, (guint64) cell * size);
	guint64 hi = MIN ((guint64) (p + 1) * cells, (guint64) (cell + 1) * size);
	return hi > lo ? hi - lo : 0;
}

/* The picture shrunk to 9x8 by area averaging: each target cell is the
 * sum of the source pixels it covers, partial pixels weighted by the part
 * they cover (every cell covers the same area, so sums compare as means
 * do).  Unlike nearest-neighbour sampling this gives nearly the same
 * cells for a rescaled or re-encoded copy, which is what the fingerprint
 * has to survive. */
static void
shrink_by_area (const mh_gray_image *image, guint64 cells[DHASH_ROWS][DHASH_COLUMNS])
{
	/* per column of cells: its first and last source pixel and their
	 * weights; every pixel between lies wholly inside and weighs
	 * DHASH_COLUMNS, so a row costs one plain sum per cell */
	guint first[DHASH_COLUMNS], last[DHASH_COLUMNS];
	guint64 first_w[DHASH_COLUMNS], last_w[DHASH_COLUMNS];
	for (guint cx = 0; cx < DHASH_COLUMNS; cx++) {
		first[cx] = (guint) ((guint64) cx * image->width / DHASH_COLUMNS);
		last[cx] = (guint) (((guint64) (cx + 1) * image->width - 1) / DHASH_COLUMNS);
		if (last[cx] >= image->width)
			last[cx] = image->width - 1;
		first_w[cx] = overlap (first[cx], cx, DHASH_COLUMNS, image->width);
		last_w[cx] = overlap (last[cx], cx, DHASH_COLUMNS, image->width);
	}
	guint64 row_sums[DHASH_COLUMNS];
	memset (cells, 0, sizeof (guint64) * DHASH_ROWS * DHASH_COLUMNS);
	for (guint y = 0; y < image->height; y++) {
		const guint8 *row = image->pixels + (gsize) y * image->width;
		for (guint cx = 0; cx < DHASH_COLUMNS; cx++) {
			guint64 sum = first_w[cx] * row[first[cx]];
			if (last[cx] > first[cx]) {
				guint64 inside = 0;
				for (guint x = first[cx] + 1; x < last[cx]; x++)
					inside += row[x];
				sum += inside * DHASH_COLUMNS + last_w[cx] * row[last[cx]];
			}
			row_sums[cx] = sum;
		}
		for (guint cy = 0; cy < DHASH_ROWS; cy++) {
			guint64 w = overlap (y, cy, DHASH_ROWS, image->height);
			if (w)
				for (guint cx = 0; cx < DHASH_COLUMNS; cx++)
					cells[cy][cx] += w * row_sums[cx];
		}
	}
}

guint64
_mh_image_dhash (const mh_gray_image *image)
{
	g_return_val_if_fail (image != NULL, 0);
	if (!image->width || !image->height || !image->pixels)
		return 0;
	guint64 cells[DHASH_ROWS][DHASH_COLUMNS];
	shrink_by_area (image, cells);
	guint64 hash = 0;
	for (guint cy = 0; cy < DHASH_ROWS; cy++)
		for (guint cx = 0; cx + 1 < DHASH_COLUMNS; cx++)
			hash = hash << 1 | (cells[cy][cx] > cells[cy][cx + 1]);
	return hash;
}

guint
_mh_dhash_distance (guint64 a, guint64 b)
{
	return (guint) __builtin_popcountll (a ^ b);
}

/* -- OCR ---------------------------------------------------------------------- */

/* The engine of one thread, made on first use and kept: starting
 * Tesseract with its Japanese model costs far more than reading a
 * picture (tests/test-ocr.c measures both). */
typedef struct {
	TessBaseAPI *api;        /* NULL when it could not start */
	char        *languages;  /* what it was started (or tried) with */
	char        *failure;    /* why it could not start: told for every picture
	                          * without trying again */
} ocr_engine;

static void
ocr_engine_free (gpointer data)
{
	ocr_engine *engine = data;
	if (!engine)
		return;
	if (engine->api) {
		TessBaseAPIEnd (engine->api);
		TessBaseAPIDelete (engine->api);
	}
	g_free (engine->languages);
	g_free (engine->failure);
	g_free (engine);
}

static GPrivate thread_engine = G_PRIVATE_INIT (ocr_engine_free);

void
mh_ocr_thread_cleanup (void)
{
	g_private_replace (&thread_engine, NULL);
}

/* The calling thread's engine for @languages, started when it has none
 * or one for other languages. */
static TessBaseAPI *
engine_for (const char *languages, GError **error)
{
	ocr_engine *engine = g_private_get (&thread_engine);
	if (engine && g_str_equal (engine->languages, languages)) {
		if (!engine->api)
			g_set_error_literal (error, MH_OFFICE_ERROR, 0, engine->failure);
		return engine->api;
	}
	engine = g_new0 (ocr_engine, 1);
	engine->languages = g_strdup (languages);
	g_private_replace (&thread_engine, engine);
	ocr_in_one_thread ();

	TessBaseAPI *api = TessBaseAPICreate ();
	/* before Init, so that "Error opening data file" and the warnings of
	 * recognition go nowhere: the GError says it once */
	TessBaseAPISetVariable (api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3 (api, NULL, languages) != 0) {
		TessBaseAPIDelete (api);
		engine->failure = g_strdup_printf ("Tesseract could not load the language data \"%s\" "
		                                   "(install tesseract-ocr-eng and tesseract-ocr-jpn, "
		                                   "or set TESSDATA_PREFIX)", languages);
		g_set_error_literal (error, MH_OFFICE_ERROR, 0, engine->failure);
		return NULL;
	}
	TessBaseAPISetVariable (api, "debug_file", "/dev/null");
	engine->api = api;
	return api;
}

static gboolean
too_small_for_text (const mh_gray_image *image)
{
	guint shorter = MIN (image->width, image->height);
	guint longer = MAX (image->width, image->height);
	return shorter < OCR_MIN_SHORT_SIDE || longer < OCR_MIN_LONG_SIDE;
}

/* The grey picture as an 8 bpp PIX, scaled to what Tesseract reads best. */
static PIX *
pix_for_ocr (const mh_gray_image *image)
{
	PIX *pix = pixCreate ((l_int32) image->width, (l_int32) image->height, 8);
	if (!pix)
		return NULL;
	l_uint32 *bits = pixGetData (pix);
	gsize wpl = (gsize) pixGetWpl (pix);
	for (guint y = 0; y < image->height; y++) {
		l_uint32 *line = bits + y * wpl;
		const guint8 *row = image->pixels + (gsize) y * image->width;
		for (guint x = 0; x < image->width; x++)
			SET_DATA_BYTE (line, x, row[x]);
	}
	guint longer = MAX (image->width, image->height);
	float scale = 1;
	if (longer < OCR_UPSCALE_BELOW)
		scale = OCR_UPSCALE;
	else if (longer > OCR_MAX_LONG_SIDE)
		scale = (float) OCR_MAX_LONG_SIDE / (float) longer;
	if (scale != 1) {
		PIX *scaled = pixScale (pix, scale, scale);
		pixDestroy (&pix);
		pix = scaled;
	}
	if (pix)
		pixSetResolution (pix, OCR_SOURCE_PPI, OCR_SOURCE_PPI);
	return pix;
}

/* Tesseract's text as valid UTF-8 of our allocator, without the blank
 * lines around it (words skipped at the deadline come out as spaces). */
static char *
take_tesseract_text (char *raw)
{
	char *text = g_utf8_make_valid (raw ? raw : "", -1);
	if (raw)
		TessDeleteText (raw);
	return g_strstrip (text);
}

mh_ocr_result
_mh_ocr_read (const mh_gray_image *image, const char *languages, guint timeout_ms,
              char **text, GError **error)
{
	g_return_val_if_fail (image != NULL && text != NULL, MH_OCR_RESULT_FAILED);
	*text = NULL;
	if (!image->pixels || too_small_for_text (image))
		return MH_OCR_RESULT_TOO_SMALL;
	quiet_libraries_once ();

	TessBaseAPI *api = engine_for (languages ? languages : DEFAULT_OCR_LANGUAGES, error);
	if (!api)
		return MH_OCR_RESULT_UNAVAILABLE;

	PIX *pix = pix_for_ocr (image);
	if (!pix) {
		g_set_error (error, MH_OFFICE_ERROR, 0, "picture of %ux%u pixels not prepared for OCR",
		             image->width, image->height);
		return MH_OCR_RESULT_FAILED;
	}
	/* measured on the lures of tests/test-ocr.c: PSM_SPARSE_TEXT read
	 * them no better, and lost "tent" of "Enable Content" on a 14 px
	 * lure read unscaled; automatic layout it is */
	TessBaseAPISetPageSegMode (api, PSM_AUTO);
	TessBaseAPISetImage2 (api, pix);
	TessBaseAPISetSourceResolution (api, OCR_SOURCE_PPI);

	ETEXT_DESC *monitor = TessMonitorCreate ();
	/* started before the deadline is set, so that "late" below holds
	 * whenever Tesseract stopped at the deadline */
	gint64 start = g_get_monotonic_time ();
	/* the deadline is checked between words: layout analysis before
	 * the first word is not interrupted (hence OCR_MAX_LONG_SIDE) */
	TessMonitorSetDeadlineMSecs (monitor, (int) MAX (1, MIN (timeout_ms, (guint) G_MAXINT)));
	int failed = TessBaseAPIRecognize (api, monitor);
	gboolean late = g_get_monotonic_time () - start >= (gint64) timeout_ms * 1000;
	TessMonitorDelete (monitor);

	mh_ocr_result result;
	if (!failed) {
		*text = take_tesseract_text (TessBaseAPIGetUTF8Text (api));
		result = MH_OCR_RESULT_READ;
	} else if (late) {
		/* the words not reached were left empty.  GetUTF8Text would
		 * start recognition again (without a deadline) if there were
		 * no results at all, so look first. */
		TessResultIterator *results = TessBaseAPIGetIterator (api);
		if (results) {
			TessResultIteratorDelete (results);
			*text = take_tesseract_text (TessBaseAPIGetUTF8Text (api));
		} else {
			*text = g_strdup ("");
		}
		result = MH_OCR_RESULT_TIMEOUT;
	} else {
		g_set_error (error, MH_OFFICE_ERROR, 0, "Tesseract could not read the picture of %ux%u pixels",
		             image->width, image->height);
		result = MH_OCR_RESULT_FAILED;
	}
	TessBaseAPIClear (api);
	pixDestroy (&pix);
	return result;
}
