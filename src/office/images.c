/* Pictures inside documents: recognised by their first bytes, found as
 * OfficeArt BLIP records in the binary formats (.doc, .xls, .ppt), and
 * the bitmaps kept inside EMF/WMF metafiles.
 *
 * Nothing here decodes a picture: headers are read for the format and
 * the size, records are walked with every length checked against the
 * bytes that are really there, and the only allocation that grows with
 * the input (inflating a compressed metafile) is capped by
 * limits.max_image_size. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "office-private.h"

/* -- reading integers ------------------------------------------------------ */

static guint16
le16 (const guint8 *p)
{
	return (guint16) (p[0] | p[1] << 8);
}

static guint32
le32 (const guint8 *p)
{
	return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint16
be16 (const guint8 *p)
{
	return (guint16) (p[0] << 8 | p[1]);
}

static guint32
be32 (const guint8 *p)
{
	return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | (guint32) p[3];
}

/* A side larger than this is not a real picture's (the largest JPEG is
 * 65535 wide); such a header is taken as damaged and the size as unknown. */
#define MAX_SIDE 65535u

static guint
side_or_zero (gint64 v)
{
	if (v < 0)
		v = -v;
	return v > 0 && v <= MAX_SIDE ? (guint) v : 0;
}

/* -- recognising pictures -------------------------------------------------- */

static gboolean
sniff_png (const guint8 *data, gsize len, mh_image_info *info)
{
	if (len < 24 || memcmp (data, "\x89PNG\r\n\x1a\n", 8) != 0)
		return FALSE;
	/* the first chunk is IHDR: width and height big-endian */
	if (be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
		return FALSE;
	info->format = "png";
	info->width = side_or_zero (be32 (data + 16));
	info->height = side_or_zero (be32 (data + 20));
	return TRUE;
}

/* JPEG markers are walked up to the start of frame; the number of
 * markers looked at is bounded as a damaged file may repeat fill bytes
 * or tiny segments. */
#define JPEG_MAX_MARKERS 4096

static gboolean
sniff_jpeg (const guint8 *data, gsize len, mh_image_info *info)
{
	if (len < 4 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF)
		return FALSE;
	gsize pos = 2;
	for (guint n = 0; n < JPEG_MAX_MARKERS; n++) {
		if (pos + 2 > len || data[pos] != 0xFF)
			return FALSE;
		guint8 marker = data[pos + 1];
		if (marker == 0xFF) {           /* fill byte */
			pos++;
			continue;
		}
		pos += 2;
		/* markers without a length: TEM, RSTn, SOI */
		if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8))
			continue;
		/* start of scan or end of image before any frame header */
		if (marker == 0xDA || marker == 0xD9 || marker == 0x00)
			return FALSE;
		if (pos + 2 > len)
			return FALSE;
		guint16 seg = be16 (data + pos);
		if (seg < 2)
			return FALSE;
		/* SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC
		 * (DAC) share the range but are not frames */
		if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
			if (seg < 7 || pos + 7 > len)
				return FALSE;
			info->format = "jpeg";
			info->height = side_or_zero (be16 (data + pos + 3));
			info->width = side_or_zero (be16 (data + pos + 5));
			return TRUE;
		}
		pos += seg;
	}
	return FALSE;
}

static gboolean
sniff_gif (const guint8 *data, gsize len, mh_image_info *info)
{
	if (len < 10 || (memcmp (data, "GIF87a", 6) != 0 && memcmp (data, "GIF89a", 6) != 0))
		return FALSE;
	info->format = "gif";
	info->width = side_or_zero (le16 (data + 6));
	info->height = side_or_zero (le16 (data + 8));
	return TRUE;
}

/* The DIB header sizes of BITMAPCOREHEADER, BITMAPINFOHEADER, the two
 * Adobe extensions, BITMAPV4HEADER and BITMAPV5HEADER. */
static gboolean
dib_header_size_known (guint32 size)
{
	return size == 12 || size == 40 || size == 52 || size == 56 || size == 108 || size == 124;
}

static gboolean
sniff_bmp (const guint8 *data, gsize len, mh_image_info *info)
{
	if (len < 18 || data[0] != 'B' || data[1] != 'M')
		return FALSE;
	guint32 header = le32 (data + 14);
	if (!dib_header_size_known (header))
		return FALSE;
	if (header == 12) {
		if (len < 22)
			return FALSE;
		info->width = side_or_zero (le16 (data + 18));
		info->height = side_or_zero (le16 (data + 20));
	} else {
		if (len < 26)
			return FALSE;
		/* a negative height is a top-down bitmap */
		info->width = side_or_zero ((gint32) le32 (data + 18));
		info->height = side_or_zero ((gint32) le32 (data + 22));
	}
	info->format = "bmp";
	return TRUE;
}

/* Entries of the first IFD looked at; real files have a few dozen. */
#define TIFF_MAX_ENTRIES 1024

static gboolean
sniff_tiff (const guint8 *data, gsize len, mh_image_info *info)
{
	if (len < 8)
		return FALSE;
	gboolean little;
	if (memcmp (data, "II*\0", 4) == 0)
		little = TRUE;
	else if (memcmp (data, "MM\0*", 4) == 0)
		little = FALSE;
	else
		return FALSE;
	guint32 ifd = little ? le32 (data + 4) : be32 (data + 4);
	if (ifd < 8 || ifd > len || len - ifd < 2)
		return FALSE;
	guint entries = little ? le16 (data + ifd) : be16 (data + ifd);
	info->format = "tiff";
	info->width = info->height = 0;
	for (guint i = 0; i < entries && i < TIFF_MAX_ENTRIES; i++) {
		gsize at = ifd + 2 + (gsize) i * 12;
		if (at + 12 > len)
			break;
		const guint8 *e = data + at;
		guint16 tag = little ? le16 (e) : be16 (e);
		guint16 type = little ? le16 (e + 2) : be16 (e + 2);
		guint32 value;
		if (type == 3)          /* SHORT: in the first two bytes of the value */
			value = little ? le16 (e + 8) : be16 (e + 8);
		else if (type == 4)     /* LONG */
			value = little ? le32 (e + 8) : be32 (e + 8);
		else
			continue;
		if (tag == 256)
			info->width = side_or_zero (value);
		else if (tag == 257)
			info->height = side_or_zero (value);
	}
	return TRUE;
}

static gboolean
sniff_webp (const guint8 *data, gsize len, mh_image_info *info)
{
	if (len < 20 || memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WEBP", 4) != 0)
		return FALSE;
	const guint8 *chunk = data + 12;
	if (memcmp (chunk, "VP8 ", 4) == 0) {
		/* lossy: a 3-byte frame tag, the start code, 14-bit sizes */
		if (len < 30 || memcmp (data + 23, "\x9d\x01\x2a", 3) != 0)
			return FALSE;
		info->width = side_or_zero (le16 (data + 26) & 0x3FFF);
		info->height = side_or_zero (le16 (data + 28) & 0x3FFF);
	} else if (memcmp (chunk, "VP8L", 4) == 0) {
		/* lossless: signature 0x2F, then width-1 and height-1 in 14 bits each */
		if (len < 25 || data[20] != 0x2F)
			return FALSE;
		guint32 bits = le32 (data + 21);
		info->width = (bits & 0x3FFF) + 1;
		info->height = ((bits >> 14) & 0x3FFF) + 1;
	} else if (memcmp (chunk, "VP8X", 4) == 0) {
		/* extended: canvas width-1 and height-1 in 24 bits each */
		if (len < 30)
			return FALSE;
		guint32 w = (guint32) data[24] | (guint32) data[25] << 8 | (guint32) data[26] << 16;
		guint32 h = (guint32) data[27] | (guint32) data[28] << 8 | (guint32) data[29] << 16;
		info->width = side_or_zero ((gint64) w + 1);
		info->height = side_or_zero ((gint64) h + 1);
	} else {
		return FALSE;
	}
	info->format = "webp";
	return TRUE;
}

/* EMR_HEADER without its optional description and pixel format */
#define EMF_HEADER_MIN 88
#define EMR_HEADER 1
#define EMF_SIGNATURE 0x464D4520u   /* " EMF" */

static gboolean
is_emf (const guint8 *data, gsize len)
{
	return len >= EMF_HEADER_MIN && le32 (data) == EMR_HEADER && le32 (data + 4) >= EMF_HEADER_MIN &&
	       le32 (data + 40) == EMF_SIGNATURE;
}

static gboolean
sniff_emf (const guint8 *data, gsize len, mh_image_info *info)
{
	if (!is_emf (data, len))
		return FALSE;
	info->format = "emf";
	/* rclBounds: the drawing's bounds in device pixels, inclusive */
	gint64 left = (gint32) le32 (data + 8), top = (gint32) le32 (data + 12);
	gint64 right = (gint32) le32 (data + 16), bottom = (gint32) le32 (data + 20);
	if (right >= left && bottom >= top) {
		info->width = side_or_zero (right - left + 1);
		info->height = side_or_zero (bottom - top + 1);
	}
	if (info->width && info->height)
		return TRUE;
	/* an empty rclBounds (0,0,-1,-1 is common): the frame, in 0.01 mm,
	 * converted with the reference device's pixels per millimetre */
	gint64 fw = (gint64) (gint32) le32 (data + 32) - (gint32) le32 (data + 24);
	gint64 fh = (gint64) (gint32) le32 (data + 36) - (gint32) le32 (data + 28);
	gint64 dev_w = (gint32) le32 (data + 72), dev_h = (gint32) le32 (data + 76);
	gint64 mm_w = (gint32) le32 (data + 80), mm_h = (gint32) le32 (data + 84);
	if (fw > 0 && fh > 0 && fw <= G_MAXINT32 && fh <= G_MAXINT32 &&
	    dev_w > 0 && dev_h > 0 && mm_w > 0 && mm_h > 0) {
		info->width = side_or_zero (fw * dev_w / (mm_w * 100));
		info->height = side_or_zero (fh * dev_h / (mm_h * 100));
	} else {
		info->width = info->height = 0;
	}
	if (!info->width || !info->height)
		info->width = info->height = 0;
	return TRUE;
}

#define WMF_PLACEABLE_KEY 0x9AC6CDD7u
#define WMF_PLACEABLE_SIZE 22
#define WMF_HEADER_SIZE 18

/* META_HEADER: type 1 (memory) or 2 (disk), 9 words long, Windows 2 or 3 */
static gboolean
is_wmf_header (const guint8 *p, gsize len)
{
	if (len < WMF_HEADER_SIZE)
		return FALSE;
	guint16 type = le16 (p), words = le16 (p + 2), version = le16 (p + 4);
	return (type == 1 || type == 2) && words == 9 && (version == 0x0100 || version == 0x0300);
}

static gboolean
sniff_wmf (const guint8 *data, gsize len, mh_image_info *info)
{
	if (len >= 4 && le32 (data) == WMF_PLACEABLE_KEY) {
		if (len < WMF_PLACEABLE_SIZE || !is_wmf_header (data + WMF_PLACEABLE_SIZE, len - WMF_PLACEABLE_SIZE))
			return FALSE;
		/* the bounding box is in logical units, @inch of them an inch:
		 * the size is given in pixels at 96 dpi */
		gint64 w = (gint64) (gint16) le16 (data + 10) - (gint16) le16 (data + 6);
		gint64 h = (gint64) (gint16) le16 (data + 12) - (gint16) le16 (data + 8);
		guint inch = le16 (data + 14);
		info->format = "wmf";
		info->width = inch ? side_or_zero (w * 96 / inch) : 0;
		info->height = inch ? side_or_zero (h * 96 / inch) : 0;
		if (!info->width || !info->height)
			info->width = info->height = 0;
		return TRUE;
	}
	if (!is_wmf_header (data, len))
		return FALSE;
	info->format = "wmf";
	info->width = info->height = 0;
	return TRUE;
}

gboolean
_mh_image_sniff (const guint8 *data, gsize len, mh_image_info *info)
{
	static gboolean (*const sniffers[]) (const guint8 *, gsize, mh_image_info *) = {
		sniff_png, sniff_jpeg, sniff_gif, sniff_bmp, sniff_tiff, sniff_webp, sniff_emf, sniff_wmf,
	};
	mh_image_info found = { 0 };

	if (!data)
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS (sniffers); i++) {
		if (sniffers[i] (data, len, &found)) {
			if (info)
				*info = found;
			return TRUE;
		}
		found = (mh_image_info) { 0 };
	}
	return FALSE;
}

/* -- device-independent bitmaps -------------------------------------------- */

#define BI_RGB       0
#define BI_RLE8      1
#define BI_RLE4      2
#define BI_BITFIELDS 3
#define BI_JPEG      4
#define BI_PNG       5

#define BMP_FILE_HEADER 14

/* What a DIB header says, once checked. */
typedef struct {
	guint32 header_size;
	guint32 info_size;     /* header + masks + colour table */
	guint   width;
	guint   height;
	guint   bit_count;
	guint32 compression;
	guint64 bits_needed;   /* bytes of pixels an uncompressed DIB must have; 0 when compressed */
} dib_header;

/* Checks a BITMAPINFO (header and colour table, @len bytes available)
 * and says how long it is. */
static gboolean
dib_header_read (const guint8 *p, gsize len, dib_header *dib)
{
	memset (dib, 0, sizeof *dib);
	if (len < 12)
		return FALSE;
	dib->header_size = le32 (p);
	if (!dib_header_size_known (dib->header_size) || dib->header_size > len)
		return FALSE;
	guint32 colours = 0;
	gsize entry = 4;
	gint64 width, height;
	if (dib->header_size == 12) {
		width = le16 (p + 4);
		height = le16 (p + 6);
		dib->bit_count = le16 (p + 10);
		dib->compression = BI_RGB;
		entry = 3;
	} else {
		width = (gint32) le32 (p + 4);
		height = (gint32) le32 (p + 8);
		dib->bit_count = le16 (p + 14);
		dib->compression = le32 (p + 16);
		colours = le32 (p + 32);
	}
	if (width <= 0 || height == 0 || side_or_zero (width) == 0 || side_or_zero (height) == 0)
		return FALSE;
	dib->width = (guint) width;
	dib->height = side_or_zero (height);

	if (dib->compression == BI_JPEG || dib->compression == BI_PNG) {
		dib->info_size = dib->header_size;
		return TRUE;
	}
	switch (dib->bit_count) {
	case 1: case 4: case 8: case 16: case 24: case 32:
		break;
	default:
		return FALSE;
	}
	if (dib->compression > BI_BITFIELDS ||
	    (dib->compression == BI_RLE8 && dib->bit_count != 8) ||
	    (dib->compression == BI_RLE4 && dib->bit_count != 4) ||
	    (dib->compression == BI_BITFIELDS && dib->bit_count != 16 && dib->bit_count != 32))
		return FALSE;
	if (dib->bit_count <= 8) {
		guint32 full = 1u << dib->bit_count;
		if (colours == 0 || colours > full)
			colours = full;
	} else if (colours > 256) {
		return FALSE;
	}
	gsize info = dib->header_size + (gsize) colours * entry;
	/* BITMAPINFOHEADER keeps its three colour masks after the header */
	if (dib->compression == BI_BITFIELDS && dib->header_size == 40)
		info += 12;
	if (info > len)
		return FALSE;
	dib->info_size = (guint32) info;
	if (dib->compression == BI_RGB || dib->compression == BI_BITFIELDS) {
		/* rows are padded to 32 bits; both sides are at most 65535 */
		guint64 stride = (((guint64) dib->width * dib->bit_count + 31) / 32) * 4;
		dib->bits_needed = stride * dib->height;
	}
	return TRUE;
}

/* A .bmp made of a checked BITMAPINFO and its pixels, or the JPEG/PNG a
 * DIB wraps; NULL when the pixels are too short or it would be over @max. */
static GBytes *
dib_to_file (const dib_header *dib, const guint8 *info, const guint8 *bits, gsize bits_len, gsize max)
{
	if (dib->compression == BI_JPEG || dib->compression == BI_PNG) {
		mh_image_info inner;
		if (bits_len > max || !_mh_image_sniff (bits, bits_len, &inner) ||
		    (strcmp (inner.format, "jpeg") != 0 && strcmp (inner.format, "png") != 0))
			return NULL;
		return g_bytes_new (bits, bits_len);
	}
	if (dib->bits_needed) {
		if (bits_len < dib->bits_needed)
			return NULL;
		bits_len = (gsize) dib->bits_needed;
	} else if (bits_len == 0) {
		return NULL;
	}
	if (bits_len > G_MAXUINT32 - BMP_FILE_HEADER - dib->info_size)
		return NULL;
	gsize total = BMP_FILE_HEADER + dib->info_size + bits_len;
	if (total > max)
		return NULL;
	guint8 *out = g_malloc (total);
	out[0] = 'B';
	out[1] = 'M';
	guint32 fields[] = { (guint32) total, 0, BMP_FILE_HEADER + dib->info_size };
	for (guint i = 0; i < 3; i++) {
		guint32 v = fields[i];
		for (guint b = 0; b < 4; b++)
			out[2 + i * 4 + b] = (guint8) (v >> (8 * b));
	}
	memcpy (out + BMP_FILE_HEADER, info, dib->info_size);
	memcpy (out + BMP_FILE_HEADER + dib->info_size, bits, bits_len);
	return g_bytes_new_take (out, total);
}

/* -- bitmaps inside metafiles ---------------------------------------------- */

/* Records walked in one metafile; a page of text is a few thousand. */
#define METAFILE_MAX_RECORDS (1u << 20)

#define EMR_EOF               0x0E
#define EMR_BITBLT            0x4C
#define EMR_STRETCHBLT        0x4D
#define EMR_SETDIBITSTODEVICE 0x50
#define EMR_STRETCHDIBITS     0x51

#define META_EOF              0x0000
#define META_DIBBITBLT        0x0940
#define META_DIBSTRETCHBLT    0x0B41
#define META_SETDIBTODEV      0x0D33
#define META_STRETCHDIB       0x0F43

/* The best bitmap seen so far while walking a metafile. */
typedef struct {
	GBytes  *file;
	guint64  pixels;
	gboolean over_max;   /* one was seen but would not fit in @max */
} bitmap_choice;

static void
bitmap_consider (bitmap_choice *best, const guint8 *info, gsize info_avail,
                 const guint8 *bits, gsize bits_len, gsize max)
{
	dib_header dib;
	if (!dib_header_read (info, info_avail, &dib))
		return;
	guint64 pixels = (guint64) dib.width * dib.height;
	if (best->file && pixels <= best->pixels)
		return;
	/* for a DIB packed in one buffer the pixels follow the colour table */
	if (!bits) {
		bits = info + dib.info_size;
		bits_len = info_avail - dib.info_size;
	}
	GBytes *file = dib_to_file (&dib, info, bits, bits_len, max);
	if (!file) {
		if (BMP_FILE_HEADER + (guint64) dib.info_size + MAX ((guint64) bits_len, dib.bits_needed) > max)
			best->over_max = TRUE;
		return;
	}
	g_clear_pointer (&best->file, g_bytes_unref);
	best->file = file;
	best->pixels = pixels;
}

/* An EMF bitmap record keeps the BITMAPINFO and the pixels at offsets
 * from the record's start; both must lie inside the record. */
static void
emf_consider (bitmap_choice *best, const guint8 *rec, guint32 size, gsize fields_at, gsize max)
{
	if (fields_at + 16 > size)
		return;
	guint32 off_bmi = le32 (rec + fields_at), cb_bmi = le32 (rec + fields_at + 4);
	guint32 off_bits = le32 (rec + fields_at + 8), cb_bits = le32 (rec + fields_at + 12);
	if (cb_bmi == 0 || off_bmi > size || cb_bmi > size - off_bmi ||
	    off_bits > size || cb_bits > size - off_bits)
		return;
	bitmap_consider (best, rec + off_bmi, cb_bmi, rec + off_bits, cb_bits, max);
}

static void
emf_walk (const guint8 *data, gsize len, bitmap_choice *best, gsize max)
{
	gsize pos = 0;
	for (guint n = 0; n < METAFILE_MAX_RECORDS && len - pos >= 8; n++) {
		guint32 type = le32 (data + pos), size = le32 (data + pos + 4);
		if (size < 8 || size % 4 != 0 || size > len - pos)
			break;
		const guint8 *rec = data + pos;
		switch (type) {
		case EMR_BITBLT:
		case EMR_STRETCHBLT:
			emf_consider (best, rec, size, 84, max);
			break;
		case EMR_SETDIBITSTODEVICE:
		case EMR_STRETCHDIBITS:
			emf_consider (best, rec, size, 48, max);
			break;
		default:
			break;
		}
		if (type == EMR_EOF)
			break;
		pos += size;
	}
}

static void
wmf_walk (const guint8 *data, gsize len, bitmap_choice *best, gsize max)
{
	gsize pos = 0;
	if (len >= 4 && le32 (data) == WMF_PLACEABLE_KEY)
		pos = WMF_PLACEABLE_SIZE;
	if (pos > len || !is_wmf_header (data + pos, len - pos))
		return;
	pos += (gsize) le16 (data + pos + 2) * 2;
	for (guint n = 0; n < METAFILE_MAX_RECORDS && len - pos >= 6; n++) {
		guint64 size = (guint64) le32 (data + pos) * 2;
		guint16 function = le16 (data + pos + 4);
		if (size < 6 || size > len - pos)
			break;
		const guint8 *rec = data + pos;
		/* the DIB follows the fixed parameters, to the end of the record */
		gsize dib_at = 0;
		switch (function) {
		case META_STRETCHDIB:    dib_at = 28; break;
		case META_DIBSTRETCHBLT: dib_at = 26; break;
		case META_DIBBITBLT:     dib_at = 22; break;
		case META_SETDIBTODEV:   dib_at = 24; break;
		default: break;
		}
		if (dib_at && dib_at < size)
			bitmap_consider (best, rec + dib_at, (gsize) size - dib_at, NULL, 0, max);
		if (function == META_EOF)
			break;
		pos += (gsize) size;
	}
}

GBytes *
_mh_metafile_bitmap (const guint8 *data, gsize len, gsize max, GError **error)
{
	bitmap_choice best = { 0 };
	mh_image_info info;

	if (!data || !_mh_image_sniff (data, len, &info) ||
	    (strcmp (info.format, "emf") != 0 && strcmp (info.format, "wmf") != 0)) {
		g_set_error_literal (error, MH_OFFICE_ERROR, 0, "not an EMF or WMF metafile");
		return NULL;
	}
	if (strcmp (info.format, "emf") == 0)
		emf_walk (data, len, &best, max);
	else
		wmf_walk (data, len, &best, max);
	if (best.file)
		return best.file;
	if (best.over_max)
		g_set_error (error, MH_OFFICE_ERROR, 0,
		             "the bitmap in this metafile is over the cap of %" G_GSIZE_FORMAT " bytes", max);
	else
		g_set_error_literal (error, MH_OFFICE_ERROR, 0,
		                     "no bitmap in this metafile: vector drawing is not rasterised");
	return NULL;
}

/* -- OfficeArt BLIPs --------------------------------------------------------- */

#define OFFICEART_HEADER 8
#define BLIP_UID 16
#define BLIP_TAG 1
#define METAFILE_HEADER 34   /* OfficeArtMetafileHeader */
#define METAFILE_DEFLATE 0x00
#define METAFILE_STORED  0xFE

/* Record headers that look like a BLIP examined per stream: a stream
 * full of look-alikes is hostile, not a document with that many pictures. */
#define BLIP_MAX_CANDIDATES 65536
/* Problems about damaged BLIPs reported per stream; then one says how many more. */
#define BLIP_MAX_PROBLEMS 16
/* Bytes inflated per stream, in max_image_sizes: look-alike records
 * inside compressed data could otherwise make a small stream cost
 * gigabytes of inflating, a picture at a time. */
#define BLIP_INFLATE_BUDGET 8

typedef struct {
	guint16     rec_type;
	guint16     instance_one_uid;   /* the other instance value has two UIDs */
	guint16     instance_two_uids;
	guint16     instance_alt_one;   /* JPEG has a second pair (CMYK), else 0 */
	guint16     instance_alt_two;
	gboolean    metafile;
	const char *name;
} blip_kind;

/* MS-ODRAW 2.2.24-2.2.31 */
static const blip_kind blip_kinds[] = {
	{ 0xF01A, 0x3D4, 0x3D5, 0, 0, TRUE, "EMF" },
	{ 0xF01B, 0x216, 0x217, 0, 0, TRUE, "WMF" },
	{ 0xF01C, 0x542, 0x543, 0, 0, TRUE, "PICT" },
	{ 0xF01D, 0x46A, 0x46B, 0x6E2, 0x6E3, FALSE, "JPEG" },
	{ 0xF01E, 0x6E0, 0x6E1, 0, 0, FALSE, "PNG" },
	{ 0xF01F, 0x7A8, 0x7A9, 0, 0, FALSE, "DIB" },
	{ 0xF029, 0x6E4, 0x6E5, 0, 0, FALSE, "TIFF" },
	{ 0xF02A, 0x46A, 0x46B, 0x6E2, 0x6E3, FALSE, "JPEG" },
};

/* The kind of BLIP whose record header is at @p, and how many UIDs
 * it has; NULL when the header is not a BLIP's. */
static const blip_kind *
blip_header (const guint8 *p, guint *uids)
{
	guint16 ver_instance = le16 (p), type = le16 (p + 2);
	if ((type & 0xFFF0) != 0xF010 && type != 0xF029 && type != 0xF02A)
		return NULL;
	if ((ver_instance & 0xF) != 0)
		return NULL;
	guint16 instance = ver_instance >> 4;
	for (gsize i = 0; i < G_N_ELEMENTS (blip_kinds); i++) {
		const blip_kind *k = &blip_kinds[i];
		if (k->rec_type != type)
			continue;
		if (instance == k->instance_one_uid || (k->instance_alt_one && instance == k->instance_alt_one)) {
			*uids = 1;
			return k;
		}
		if (instance == k->instance_two_uids || (k->instance_alt_two && instance == k->instance_alt_two)) {
			*uids = 2;
			return k;
		}
		return NULL;
	}
	return NULL;
}

/* State of one scan of a stream for BLIPs. */
typedef struct {
	mh_document             *doc;
	const mh_office_options *options;
	const char              *where;
	guint                    problems;
	gboolean                 stop;     /* max_images reached */
	gsize                    inflate_left;
	gboolean                 inflate_spent;
} blip_scan;

static void blip_problem (blip_scan *scan, gsize offset, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
blip_problem (blip_scan *scan, gsize offset, const char *fmt, ...)
{
	scan->problems++;
	if (scan->problems > BLIP_MAX_PROBLEMS)
		return;
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *what = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	_mh_document_add_problem (scan->doc, "%s+0x%" G_GSIZE_MODIFIER "x: %s", scan->where, offset, what);
}

static void
blip_add (blip_scan *scan, gsize offset, const guint8 *data, gsize len)
{
	g_autofree char *location = g_strdup_printf ("%s+0x%" G_GSIZE_MODIFIER "x", scan->where, offset);
	guint images = scan->doc->images->len;
	guint problems = scan->doc->problems->len;
	gboolean full = images >= scan->options->limits.max_images;
	_mh_document_add_image (scan->doc, data, len, location, scan->options);
	/* past max_images the document said so once: no need to go on */
	if (full && scan->doc->problems->len > problems)
		scan->stop = TRUE;
}

/* The picture of a metafile BLIP: stored or deflated after its header.
 * FALSE when the record does not hold what it claims to: the header may
 * have been a look-alike, so the scan goes on inside it. */
static gboolean
blip_metafile (blip_scan *scan, gsize offset, const blip_kind *kind,
               const guint8 *body, gsize body_len)
{
	if (body_len < METAFILE_HEADER) {
		blip_problem (scan, offset, "%s picture too short for its metafile header", kind->name);
		return FALSE;
	}
	guint32 cb_size = le32 (body);
	guint32 cb_save = le32 (body + 28);
	guint8 compression = body[32];
	const guint8 *stored = body + METAFILE_HEADER;
	gsize stored_len = MIN ((gsize) cb_save, body_len - METAFILE_HEADER);
	gsize max = scan->options->limits.max_image_size;

	if (strcmp (kind->name, "PICT") == 0) {
		/* a Macintosh PICT cannot be recognised by content or decoded */
		blip_problem (scan, offset, "PICT picture (Macintosh) not kept: not readable");
		return TRUE;
	}
	if (compression == METAFILE_STORED) {
		if (stored_len > max) {
			blip_problem (scan, offset, "%s picture of %" G_GSIZE_FORMAT " bytes is over the cap of %"
			              G_GSIZE_FORMAT ": not kept", kind->name, stored_len, max);
			return TRUE;
		}
		if (!_mh_image_sniff (stored, stored_len, NULL)) {
			blip_problem (scan, offset, "%s picture whose bytes are not a metafile: not kept", kind->name);
			return FALSE;
		}
		blip_add (scan, offset, stored, stored_len);
		return TRUE;
	}
	if (compression != METAFILE_DEFLATE) {
		blip_problem (scan, offset, "%s picture with unknown compression 0x%02x: not kept",
		              kind->name, compression);
		return FALSE;
	}
	if (cb_size > max) {
		blip_problem (scan, offset, "%s picture inflates to %u bytes, over the cap of %"
		              G_GSIZE_FORMAT ": not kept", kind->name, cb_size, max);
		return TRUE;
	}
	if (scan->inflate_spent)
		return TRUE;
	g_autoptr (GByteArray) out = g_byte_array_new ();
	g_autoptr (GError) error = NULL;
	gsize cap = MIN (max, scan->inflate_left);
	mh_inflate_result r = _mh_inflate (stored, stored_len, G_ZLIB_COMPRESSOR_FORMAT_ZLIB, cap, out,
	                                   NULL, NULL, &error);
	scan->inflate_left -= MIN (scan->inflate_left, out->len);
	if (r == MH_INFLATE_CAPPED && cap < max) {
		scan->inflate_spent = TRUE;
		_mh_document_add_problem (scan->doc, "%s: compressed pictures inflate to more than %d times "
		                          "the picture cap of %" G_GSIZE_FORMAT " bytes: the rest are not kept",
		                          scan->where, BLIP_INFLATE_BUDGET, max);
		return TRUE;
	}
	if (r == MH_INFLATE_CAPPED) {
		blip_problem (scan, offset, "%s picture inflates past the cap of %" G_GSIZE_FORMAT
		              " bytes: not kept", kind->name, max);
		return TRUE;
	}
	if (r == MH_INFLATE_BROKEN) {
		blip_problem (scan, offset, "%s picture: damaged compressed data (%s): not kept",
		              kind->name, error ? error->message : "unknown error");
		return FALSE;
	}
	if (!_mh_image_sniff (out->data, out->len, NULL)) {
		blip_problem (scan, offset, "%s picture inflates to something that is not a metafile: not kept",
		              kind->name);
		return FALSE;
	}
	blip_add (scan, offset, out->data, out->len);
	return TRUE;
}

/* The picture of a bitmap BLIP, as a file: a DIB gets its file header
 * back.  FALSE as for blip_metafile. */
static gboolean
blip_bitmap (blip_scan *scan, gsize offset, const blip_kind *kind,
             const guint8 *body, gsize body_len)
{
	if (strcmp (kind->name, "DIB") == 0) {
		dib_header dib;
		gsize max = scan->options->limits.max_image_size;
		if (!dib_header_read (body, body_len, &dib)) {
			blip_problem (scan, offset, "DIB picture with a damaged bitmap header: not kept");
			return FALSE;
		}
		gsize pixels = body_len - dib.info_size;
		guint64 want = BMP_FILE_HEADER + (guint64) dib.info_size +
		               (dib.bits_needed ? MIN (dib.bits_needed, pixels) : pixels);
		if (want > max) {
			blip_problem (scan, offset, "DIB picture of %" G_GUINT64_FORMAT " bytes is over the cap of %"
			              G_GSIZE_FORMAT ": not kept", want, max);
			return TRUE;
		}
		g_autoptr (GBytes) file = dib_to_file (&dib, body, body + dib.info_size, pixels, max);
		if (!file) {
			blip_problem (scan, offset, "DIB picture with fewer pixels than its header says: not kept");
			return FALSE;
		}
		gsize n;
		const guint8 *p = g_bytes_get_data (file, &n);
		blip_add (scan, offset, p, n);
		return TRUE;
	}
	if (!_mh_image_sniff (body, body_len, NULL)) {
		blip_problem (scan, offset, "%s picture whose bytes are not a %s: not kept", kind->name, kind->name);
		return FALSE;
	}
	blip_add (scan, offset, body, body_len);
	return TRUE;
}

guint
_mh_officeart_find_blips (mh_document *doc, const guint8 *data, gsize len,
                          const char *where, const mh_office_options *options)
{
	gsize max = options->limits.max_image_size;
	blip_scan scan = {
		.doc = doc, .options = options, .where = where ? where : "",
		.inflate_left = max > G_MAXSIZE / BLIP_INFLATE_BUDGET ? G_MAXSIZE : max * BLIP_INFLATE_BUDGET,
	};
	guint before = doc->images->len;
	guint candidates = 0;

	if (!data)
		return 0;
	/* BLIPs sit inside other records (BSE, a shape's container, a PICF)
	 * or stand alone (.ppt Pictures): a scan of every offset finds all
	 * of these without parsing the containers of each host format */
	gsize pos = 0;
	while (len >= OFFICEART_HEADER && pos <= len - OFFICEART_HEADER && !scan.stop) {
		guint uids;
		const blip_kind *kind = blip_header (data + pos, &uids);
		if (!kind) {
			/* every BLIP's record type is 0xF0xx, so no header starts
			 * before the next 0xF0 three bytes on: memchr finds it */
			const guint8 *f0 = memchr (data + pos + 4, 0xF0, len - pos - 4);
			pos = f0 ? (gsize) (f0 - data) - 3 : len;
			continue;
		}
		if (++candidates > BLIP_MAX_CANDIDATES) {
			_mh_document_add_problem (doc, "%s: more than %u picture records: the rest are not looked at",
			                          scan.where, BLIP_MAX_CANDIDATES);
			break;
		}
		guint32 rec_len = le32 (data + pos + 4);
		gsize prefix = uids * BLIP_UID + (kind->metafile ? 0 : BLIP_TAG);
		if (rec_len > len - pos - OFFICEART_HEADER) {
			blip_problem (&scan, pos, "%s picture record of %u bytes runs past the end (%" G_GSIZE_FORMAT
			              " left): not kept", kind->name, rec_len, len - pos - OFFICEART_HEADER);
			pos++;
			continue;
		}
		if (rec_len <= prefix) {
			blip_problem (&scan, pos, "%s picture record of %u bytes is too short", kind->name, rec_len);
			pos++;
			continue;
		}
		const guint8 *body = data + pos + OFFICEART_HEADER + prefix;
		gsize body_len = rec_len - prefix;
		gboolean whole = kind->metafile ? blip_metafile (&scan, pos, kind, body, body_len)
		                                : blip_bitmap (&scan, pos, kind, body, body_len);
		pos += whole ? OFFICEART_HEADER + (gsize) rec_len : 1;
	}
	if (scan.problems > BLIP_MAX_PROBLEMS)
		_mh_document_add_problem (doc, "%s: %u more damaged picture records not listed",
		                          scan.where, scan.problems - BLIP_MAX_PROBLEMS);
	return doc->images->len - before;
}
