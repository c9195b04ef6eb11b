/* Charset conversion to UTF-8 for headers and bodies.
 *
 * Why not just iconv: glibc's ISO-2022-JP rejects the CP932 extensions
 * (NEC row 13: ①, ㈱, ...) that Japanese Outlook writes all the time, and
 * mail labelled "shift_jis" is in practice CP932.  So ISO-2022-JP is
 * re-coded to EUC-JP-MS bytes (a 1:1 mapping of the same JIS code points)
 * and Shift_JIS aliases go to CP932.
 *
 * A declared charset is believed: when its bytes do not all fit, the bad
 * ones become U+FFFD (as Python's email package and the mail gem do)
 * instead of the whole text being re-guessed, which turns one stray byte
 * into a plausible but invented character.  Only text that declares
 * nothing, an unknown charset, or plain "us-ascii" (what mailers write
 * without looking at the bytes) is guessed.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "mailhunt/text.h"

/* Charset names that mean "Japanese, Microsoft flavour". */
static const char *const sjis_aliases[] = {
	"shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis",
	"cp932", "windows-31j", "ms932", "x-ms-cp932", NULL,
};
static const char *const euc_jp_aliases[] = {
	"euc-jp", "eucjp", "x-euc-jp", "cseucpkdfmtjapanese", NULL,
};
static const char *const iso2022jp_aliases[] = {
	"iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2",
	"iso-2022-jp-3", "iso-2022-jp-ms", NULL,
};

static gboolean
name_in (const char *name, const char *const *list)
{
	for (; *list; list++)
		if (g_ascii_strcasecmp (name, *list) == 0)
			return TRUE;
	return FALSE;
}

#define REPLACEMENT "\xef\xbf\xbd"

/* iconv descriptors, one per charset and thread, kept open: glibc loads
 * and unloads the converter module on every iconv_open/iconv_close, which
 * cost half of a scan's time on Japanese mail (munmap and TLB shootdowns). */
static void
close_descriptor (gpointer p)
{
	if ((iconv_t) p != (iconv_t) -1)
		iconv_close ((iconv_t) p);
}

static void
destroy_cache (gpointer table)
{
	g_hash_table_destroy (table);
}

static GPrivate descriptor_cache = G_PRIVATE_INIT (destroy_cache);

/* A UTF-8 converter from @from in its initial state, or (iconv_t) -1 if
 * @from is unknown.  *@owned tells whether the caller must close it: the
 * cache is bounded, since a hostile mail can name any number of charsets. */
static iconv_t
descriptor_get (const char *from, gboolean *owned)
{
	GHashTable *cache = g_private_get (&descriptor_cache);
	if (!cache) {
		cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, close_descriptor);
		g_private_set (&descriptor_cache, cache);
	}
	g_autofree char *key = g_ascii_strdown (from, -1);
	gpointer value;
	*owned = FALSE;
	if (g_hash_table_lookup_extended (cache, key, NULL, &value)) {
		iconv_t cd = (iconv_t) value;
		if (cd != (iconv_t) -1)
			iconv (cd, NULL, NULL, NULL, NULL);   /* reset the shift state */
		return cd;
	}
	iconv_t cd = iconv_open ("UTF-8", from);
	if (g_hash_table_size (cache) >= 64) {
		*owned = cd != (iconv_t) -1;
		return cd;
	}
	g_hash_table_insert (cache, g_steal_pointer (&key), (gpointer) cd);
	return cd;
}

static void
descriptor_put (iconv_t cd, gboolean owned)
{
	if (owned)
		iconv_close (cd);
}

GIConv
mh_text_converter_get (const char *from, gboolean *owned)
{
	return (GIConv) descriptor_get (from, owned);
}

void
mh_text_converter_put (GIConv cd, gboolean owned)
{
	descriptor_put ((iconv_t) cd, owned);
}

/* The converter modules that mail names most.  GMime opens and closes a
 * descriptor for every encoded-word it decodes, and glibc unloads a
 * module a few closes after its last descriptor is gone: 285 loads of
 * ISO-2022-JP.so (with libGB and libKSC) for 10,000 quarantined mails,
 * each unload a munmap with TLB shootdowns.  One descriptor held per
 * module keeps it loaded. */
static const char *const resident_charsets[] = {
	"ISO-2022-JP", "SJIS", "CP932", "EUC-JP", "EUC-JP-MS", "CP1252",
	"ISO-8859-15", "ISO-8859-2", "KOI8-R", "GBK", "GB18030", "BIG5",
	"EUC-KR", "UTF-7",
};
static iconv_t resident_descriptors[G_N_ELEMENTS (resident_charsets)];

void
mh_text_keep_converters_loaded (void)
{
	static gsize done;
	if (!g_once_init_enter (&done))
		return;
	for (gsize i = 0; i < G_N_ELEMENTS (resident_charsets); i++)
		resident_descriptors[i] = iconv_open ("UTF-8", resident_charsets[i]);   /* may be -1: then nothing is held */
	g_once_init_leave (&done, 1);
}

static char *convert (const char *from, const char *data, gsize len, gboolean lossy);

/* Converts the EUC-JP bytes gathered so far into @lossy and empties @euc. */
static void
flush_euc (GByteArray *euc, GString *lossy)
{
	if (euc->len == 0)
		return;
	g_autofree char *utf8 = convert ("EUC-JP-MS", (const char *) euc->data, euc->len, TRUE);
	if (utf8)
		g_string_append (lossy, utf8);
	g_byte_array_set_size (euc, 0);
}

/* The character sets ISO-2022-JP switches between. */
typedef enum { JIS_ASCII, JIS_X0208, JIS_X0212, JIS_KANA } jis_set;

/* The escape sequence at @in[i] (an ESC): its length, with the set it
 * switches to in *@set; 0 when it is none ISO-2022-JP knows. */
static gsize
jis_escape (const guint8 *in, gsize i, gsize len, jis_set *set)
{
	if (i + 2 < len && in[i + 1] == '(' && (in[i + 2] == 'B' || in[i + 2] == 'J')) {
		*set = JIS_ASCII;
		return 3;
	}
	if (i + 2 < len && in[i + 1] == '(' && in[i + 2] == 'I') {
		*set = JIS_KANA;
		return 3;
	}
	if (i + 2 < len && in[i + 1] == '$' && (in[i + 2] == 'B' || in[i + 2] == '@')) {
		*set = JIS_X0208;
		return 3;
	}
	if (i + 3 < len && in[i + 1] == '$' && in[i + 2] == '(' && in[i + 3] == 'D') {
		*set = JIS_X0212;
		return 4;
	}
	if (i + 3 < len && in[i + 1] == '$' && in[i + 2] == '(' && (in[i + 3] == 'B' || in[i + 3] == '@')) {
		*set = JIS_X0208;
		return 4;
	}
	return 0;
}

/* Re-codes ISO-2022-JP to EUC-JP-MS.  Strict (@lossy NULL): returns FALSE
 * when the input is not well-formed ISO-2022-JP (the caller then guesses).
 * Lossy: the whole text goes to @lossy as UTF-8, each byte that does not
 * fit ISO-2022-JP becoming U+FFFD. */
static gboolean
iso2022jp_to_eucjp (const guint8 *in, gsize len, GByteArray *out, GString *lossy)
{
	jis_set mode = JIS_ASCII;
	gsize i = 0;

#define BAD_BYTE() do { \
		if (!lossy) \
			return FALSE; \
		flush_euc (out, lossy); \
		g_string_append (lossy, REPLACEMENT); \
		i++; \
	} while (0)

	while (i < len) {
		guint8 c = in[i];

		if (c == 0x1b) {
			gsize n = jis_escape (in, i, len, &mode);
			if (n == 0)
				BAD_BYTE ();
			i += n;
			continue;
		}
		if (c >= 0x80) {
			BAD_BYTE ();
			continue;
		}
		if (c == '\r' || c == '\n') {
			/* A line break resets to ASCII in practice (RFC 1468 requires
			 * the writer to switch back before it, many do not). */
			g_byte_array_append (out, &c, 1);
			mode = JIS_ASCII; i++;
			continue;
		}
		switch (mode) {
		case JIS_ASCII: {
			/* the run up to the next escape, line end or stray byte */
			gsize j = i + 1;
			while (j < len && in[j] != 0x1b && in[j] < 0x80 && in[j] != '\r' && in[j] != '\n')
				j++;
			g_byte_array_append (out, in + i, (guint) (j - i));
			i = j;
			break;
		}
		case JIS_KANA: {
			guint8 b[2] = { 0x8e, (guint8) (c | 0x80) };
			if (c < 0x21 || c > 0x5f) { g_byte_array_append (out, &c, 1); i++; break; }
			g_byte_array_append (out, b, 2);
			i++;
			break;
		}
		case JIS_X0208:
		case JIS_X0212:
			if (c < 0x21 || c > 0x7e) { /* spaces and controls pass through */
				g_byte_array_append (out, &c, 1);
				i++;
				break;
			}
			if (i + 1 >= len || in[i + 1] < 0x21 || in[i + 1] > 0x7e) {
				BAD_BYTE ();
				break;
			}
			if (mode == JIS_X0212) {
				guint8 b[3] = { 0x8f, (guint8) (c | 0x80), (guint8) (in[i + 1] | 0x80) };
				g_byte_array_append (out, b, 3);
			} else {
				guint8 b[2] = { (guint8) (c | 0x80), (guint8) (in[i + 1] | 0x80) };
				g_byte_array_append (out, b, 2);
			}
			i += 2;
			break;
		}
	}
#undef BAD_BYTE
	if (lossy)
		flush_euc (out, lossy);
	return TRUE;
}

/* Conversion to UTF-8.  Strict: NULL if @from is unknown or any byte is
 * invalid.  Lossy: NULL only if @from is unknown; each byte @from rejects
 * becomes U+FFFD and NUL becomes a space. */
static char *
convert (const char *from, const char *data, gsize len, gboolean lossy)
{
	gboolean owned;
	iconv_t cd = descriptor_get (from, &owned);
	if (cd == (iconv_t) -1)
		return NULL;

	gsize cap = len * 4 + 16;
	char *out = g_malloc (cap);
	char *inp = (char *) data, *outp = out;
	gsize inleft = len, outleft = cap - 1;

	while (inleft > 0) {
		if (iconv (cd, &inp, &inleft, &outp, &outleft) == (size_t) -1) {
			if (errno == E2BIG || (lossy && outleft < 4)) {
				gsize used = (gsize) (outp - out);
				cap *= 2;
				out = g_realloc (out, cap);
				outp = out + used;
				outleft = cap - used - 1;
				continue;
			}
			if (lossy && (errno == EILSEQ || errno == EINVAL)) {
				memcpy (outp, REPLACEMENT, 3);
				outp += 3;
				outleft -= 3;
				inp++;
				inleft--;
				continue;
			}
			descriptor_put (cd, owned);
			g_free (out);
			return NULL;
		}
	}
	/* flush a stateful decoder */
	iconv (cd, NULL, NULL, &outp, &outleft);
	descriptor_put (cd, owned);
	*outp = '\0';
	if (lossy) {
		for (char *p = out; p < outp; p++)
			if (*p == '\0')
				*p = ' ';
	} else if (memchr (out, '\0', (gsize) (outp - out))) {
		g_free (out);
		return NULL;
	}
	if (!mh_utf8_validate (out, (gsize) (outp - out))) {
		g_free (out);
		return NULL;
	}
	return out;
}

static char *
convert_strict (const char *from, const char *data, gsize len)
{
	return convert (from, data, len, FALSE);
}

/* ISO-2022-JP as EUC-JP-MS would decode it, without iconv: most Japanese
 * mail is ISO-2022-JP, and re-coding it byte by byte and then converting
 * it through iconv was a tenth of an mbox scan.  The table is EUC-JP-MS's
 * own answer for each JIS X 0208 pair and half-width katakana, asked of
 * iconv once, so both ways agree by construction.  0 marks a pair that
 * EUC-JP-MS rejects. */
#define JIS_CELLS (94 * 94)
#define KANA_CELLS 63   /* 0x21..0x5F in ESC ( I */
/* JIS_CELLS then KANA_CELLS: each character's UTF-8 bytes (up to three,
 * first in the low byte) and their number in the top byte; 0 where
 * EUC-JP-MS has none.  NULL: no fast path. */
static guint32 *jis_to_utf8;

/* What EUC-JP-MS makes of @len bytes: one BMP character that is not a
 * surrogate, else 0. */
static gunichar
eucjp_one (iconv_t cd, const guint8 *bytes, gsize len)
{
	char out[16];
	char *inp = (char *) bytes, *outp = out;
	gsize inleft = len, outleft = sizeof out;
	iconv (cd, NULL, NULL, NULL, NULL);
	if (iconv (cd, &inp, &inleft, &outp, &outleft) == (size_t) -1 || inleft != 0)
		return 0;
	gsize n = (gsize) (outp - out);
	if (n == 0 || !g_utf8_validate (out, (gssize) n, NULL))
		return 0;
	gunichar c = g_utf8_get_char (out);
	if ((gsize) g_unichar_to_utf8 (c, NULL) != n || c > 0xFFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return c;
}

static gpointer
jis_table_init (gpointer unused)
{
	(void) unused;
	iconv_t cd = iconv_open ("UTF-8", "EUC-JP-MS");
	if (cd == (iconv_t) -1)
		return NULL;
	/* the fast path copies ASCII as it is: only when EUC-JP-MS does */
	for (guint b = 1; b < 0x80; b++) {
		guint8 one = (guint8) b;
		if (eucjp_one (cd, &one, 1) != b) {
			iconv_close (cd);
			return NULL;
		}
	}
	guint32 *table = g_new0 (guint32, JIS_CELLS + KANA_CELLS);
	for (guint i = 0; i < JIS_CELLS + KANA_CELLS; i++) {
		guint8 pair[2] = { (guint8) (0xA1 + i / 94), (guint8) (0xA1 + i % 94) };
		if (i >= JIS_CELLS) {
			pair[0] = 0x8E;
			pair[1] = (guint8) (0xA1 + i - JIS_CELLS);
		}
		gunichar u = eucjp_one (cd, pair, 2);
		guint8 b[6] = { 0 };
		/* beyond the BMP (none is) the iconv path decides */
		gint n = u == 0 || u >= 0x10000 ? 0 : g_unichar_to_utf8 (u, (char *) b);
		table[i] = n ? b[0] | (guint32) b[1] << 8 | (guint32) b[2] << 16 | (guint32) n << 24 : 0;
	}
	iconv_close (cd);
	jis_to_utf8 = table;
	return table;
}

/* Strict ISO-2022-JP to UTF-8 through the table, for what it covers:
 * NULL when the text has anything else (JIS X 0212, a bad escape, a
 * pair EUC-JP-MS rejects, a NUL, an 8-bit byte), which the iconv path
 * then decides on. */
static char *
decode_iso2022jp_direct (const guint8 *in, gsize len)
{
	static GOnce once = G_ONCE_INIT;
	g_once (&once, jis_table_init, NULL);
	if (!jis_to_utf8)
		return NULL;

	/* a pair (two bytes) becomes at most three, a kana byte three */
	char *out = g_malloc (len * 3 + 1);
	char *o = out;
	jis_set mode = JIS_ASCII;
	gsize i = 0;
	while (i < len) {
		guint8 c = in[i];
		if (c == 0x1b) {
			gsize n = jis_escape (in, i, len, &mode);
			if (n == 0 || mode == JIS_X0212)
				goto other;
			i += n;
			continue;
		}
		if (c >= 0x80 || c == 0)
			goto other;
		if (c == '\r' || c == '\n') {
			*o++ = (char) c;
			mode = JIS_ASCII; i++;
			continue;
		}
		if (mode == JIS_ASCII || c < 0x21 || c > (mode == JIS_KANA ? 0x5f : 0x7e)) {
			/* as iso2022jp_to_eucjp: spaces and controls pass through */
			*o++ = (char) c;
			i++;
			continue;
		}
		guint32 u;
		if (mode == JIS_KANA) {
			u = jis_to_utf8[JIS_CELLS + (c - 0x21)];
			i++;
		} else {
			if (i + 1 >= len || in[i + 1] < 0x21 || in[i + 1] > 0x7e)
				goto other;
			u = jis_to_utf8[(c - 0x21) * 94 + (in[i + 1] - 0x21)];
			i += 2;
		}
		if (u == 0)
			goto other;
		/* the bytes as the table holds them: no branch on their number
		 * (the byte after the last is written over next) */
		o[0] = (char) u;
		o[1] = (char) (u >> 8);
		o[2] = (char) (u >> 16);
		o += u >> 24;
	}
	*o = '\0';
	return out;
other:
	g_free (out);
	return NULL;
}

static char *
decode_iso2022jp (const char *data, gsize len)
{
	char *direct = decode_iso2022jp_direct ((const guint8 *) data, len);
	if (direct)
		return direct;
	g_autoptr (GByteArray) euc = g_byte_array_sized_new (len + 1);
	if (!iso2022jp_to_eucjp ((const guint8 *) data, len, euc, NULL))
		return NULL;
	return convert_strict ("EUC-JP-MS", (const char *) euc->data, euc->len);
}

/* @len bytes known to hold no NUL, as a string: memcpy, where g_strndup
 * looks for a NUL (and pads with them) byte by byte. */
static char *
copy_text (const char *data, gsize len)
{
	char *s = g_malloc (len + 1);
	memcpy (s, data, len);
	s[len] = '\0';
	return s;
}

gboolean
mh_utf8_validate (const char *text, gsize len)
{
	const guchar *p = (const guchar *) text, *end = p + len;
	const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
	const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
	while (p < end) {
		/* eight bytes at a time while they are ASCII and not NUL */
		while (end - p >= 8) {
			guint64 w;
			memcpy (&w, p, 8);
			if ((w & high) || ((w - ones) & ~w & high))
				break;
			p += 8;
		}
		if (p >= end)
			break;
		guchar c = *p;
		gsize left = (gsize) (end - p);
		if (c < 0x80) {
			if (c == 0)
				return FALSE;
			p++;
		} else if (c < 0xC2) {   /* a continuation byte, or an overlong lead */
			return FALSE;
		} else if (c < 0xE0) {
			if (left < 2 || (p[1] & 0xC0) != 0x80)
				return FALSE;
			p += 2;
		} else if (c < 0xF0) {
			/* Japanese text is runs of three-byte characters: two
			 * at a time while their leads are neither E0 nor ED
			 * (the ones with a narrower second byte) */
			while (end - p >= 8) {
				guint64 w;
				memcpy (&w, p, 8);
				w = GUINT64_FROM_LE (w);   /* p[0] in the low byte */
				guint64 lead0 = w & 0x0F, lead3 = (w >> 24) & 0x0F;
				if ((w & G_GUINT64_CONSTANT (0xC0C0F0C0C0F0)) != G_GUINT64_CONSTANT (0x8080E08080E0) ||
				    lead0 == 0 || lead0 == 0xD || lead3 == 0 || lead3 == 0xD)
					break;
				p += 6;
			}
			if (p >= end || *p < 0xE0 || *p >= 0xF0)
				continue;
			c = *p;
			left = (gsize) (end - p);
			if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
			    (c == 0xE0 && p[1] < 0xA0) ||    /* overlong */
			    (c == 0xED && p[1] >= 0xA0))     /* a surrogate */
				return FALSE;
			p += 3;
		} else if (c < 0xF5) {
			if (left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80 ||
			    (c == 0xF0 && p[1] < 0x90) ||    /* overlong */
			    (c == 0xF4 && p[1] >= 0x90))     /* past U+10FFFF */
				return FALSE;
			p += 4;
		} else {
			return FALSE;
		}
	}
	return TRUE;
}

/* Whether the bytes hold a JIS escape into JIS X 0208 ("ESC $ B" or
 * "ESC $ @"): found with memchr, since most text has no ESC at all. */
static gboolean
has_jis_escape (const char *data, gsize len)
{
	const char *p = data, *end = data + len;
	while ((p = memchr (p, 0x1b, (gsize) (end - p)))) {
		if (end - p >= 3 && p[1] == '$' && (p[2] == 'B' || p[2] == '@'))
			return TRUE;
		p++;
	}
	return FALSE;
}

/* Decodes with a known charset; NULL when the bytes do not fit it. */
static char *
decode_as (const char *charset, const char *data, gsize len)
{
	if (name_in (charset, iso2022jp_aliases))
		return decode_iso2022jp (data, len);
	if (name_in (charset, sjis_aliases))
		return convert_strict ("CP932", data, len);
	if (name_in (charset, euc_jp_aliases))
		return convert_strict ("EUC-JP-MS", data, len);
	if (g_ascii_strcasecmp (charset, "utf-8") == 0 || g_ascii_strcasecmp (charset, "utf8") == 0 ||
	    g_ascii_strcasecmp (charset, "us-ascii") == 0 || g_ascii_strcasecmp (charset, "ascii") == 0) {
		/* JIS escapes are valid ASCII but mean ISO-2022-JP: Japanese
		 * mailers have labelled such text us-ascii or left it unlabelled */
		if (has_jis_escape (data, len))
			return NULL;
		if (mh_utf8_validate (data, len))
			return copy_text (data, len);
		return NULL;
	}
	/* Mail says iso-8859-1 and means windows-1252 (smart quotes). */
	if (g_ascii_strcasecmp (charset, "iso-8859-1") == 0 || g_ascii_strcasecmp (charset, "latin1") == 0)
		return convert_strict ("WINDOWS-1252", data, len);
	return convert_strict (charset, data, len);
}

/* U+FFFD for every byte that is not part of valid UTF-8. */
static char *
utf8_with_replacements (const char *data, gsize len)
{
	GString *s = g_string_sized_new (len + 8);
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *bad;
		if (g_utf8_validate (p, end - p, &bad)) {
			g_string_append_len (s, p, end - p);
			break;
		}
		g_string_append_len (s, p, bad - p);
		if (*bad == '\0')
			g_string_append_c (s, ' ');
		else
			g_string_append (s, REPLACEMENT);
		p = bad + 1;
	}
	return g_string_free (s, FALSE);
}

/* Decodes with a declared charset whose bytes do not all fit it: bad bytes
 * become U+FFFD.  NULL when the charset is unknown. */
static char *
decode_lossy (const char *charset, const char *data, gsize len)
{
	if (name_in (charset, iso2022jp_aliases)) {
		g_autoptr (GByteArray) euc = g_byte_array_sized_new (len + 1);
		GString *out = g_string_sized_new (len + 8);
		iso2022jp_to_eucjp ((const guint8 *) data, len, euc, out);
		return g_string_free (out, FALSE);
	}
	if (name_in (charset, sjis_aliases))
		return convert ("CP932", data, len, TRUE);
	if (name_in (charset, euc_jp_aliases))
		return convert ("EUC-JP-MS", data, len, TRUE);
	if (g_ascii_strcasecmp (charset, "utf-8") == 0 || g_ascii_strcasecmp (charset, "utf8") == 0)
		return utf8_with_replacements (data, len);
	if (g_ascii_strcasecmp (charset, "iso-8859-1") == 0 || g_ascii_strcasecmp (charset, "latin1") == 0)
		return convert ("WINDOWS-1252", data, len, TRUE);
	return convert (charset, data, len, TRUE);
}

/* Text whose encoding shows in the bytes whatever the label says: JIS
 * escape sequences, or 8-bit text that is valid UTF-8 (which text in
 * another charset almost never is).  NULL otherwise. */
static char *
self_evident (const char *data, gsize len)
{
	if (has_jis_escape (data, len))
		return decode_iso2022jp (data, len);
	if (mh_utf8_validate (data, len))
		return copy_text (data, len);
	return NULL;
}

static gboolean
charset_known (const char *charset)
{
	if (name_in (charset, iso2022jp_aliases) || name_in (charset, sjis_aliases) ||
	    name_in (charset, euc_jp_aliases))
		return TRUE;
	gboolean owned;
	iconv_t cd = descriptor_get (charset, &owned);
	if (cd == (iconv_t) -1)
		return FALSE;
	descriptor_put (cd, owned);
	return TRUE;
}

/* Labels that say nothing about the bytes: "us-ascii" is the MIME default
 * that mailers write without looking, so 8-bit text under it is guessed. */
static gboolean
label_says_nothing (const char *charset)
{
	return g_ascii_strcasecmp (charset, "us-ascii") == 0 || g_ascii_strcasecmp (charset, "ascii") == 0 ||
	       g_ascii_strcasecmp (charset, "us_ascii") == 0 || g_ascii_strcasecmp (charset, "ansi_x3.4-1968") == 0;
}

char *
mh_text_to_utf8 (const char *charset, const char *data, gssize len, gboolean *exact)
{
	static const char *const guesses[] = { "utf-8", "iso-2022-jp", "cp932", "euc-jp", "windows-1252", NULL };
	gboolean dummy;
	char *out;

	if (!exact)
		exact = &dummy;
	*exact = TRUE;
	if (!data)
		return g_strdup ("");
	if (len < 0)
		len = (gssize) strlen (data);

	if (charset && *charset) {
		if ((out = decode_as (charset, data, (gsize) len)))
			return out;
		/* A declared charset is believed (see the top of this file),
		 * short of a mislabelling that proves itself. */
		if (!label_says_nothing (charset) && charset_known (charset)) {
			if (!(out = self_evident (data, (gsize) len)))
				out = decode_lossy (charset, data, (gsize) len);
			if (out) {
				*exact = FALSE;
				return out;
			}
		}
	}

	/* Pure ASCII without escapes needs no guess. */
	gboolean ascii = TRUE;
	for (gssize i = 0; i < len && ascii; i++)
		if ((guint8) data[i] >= 0x80 || data[i] == 0x1b || data[i] == '\0')
			ascii = FALSE;
	if (ascii)
		return copy_text (data, (gsize) len);

	*exact = FALSE;
	for (const char *const *g = guesses; *g; g++)
		if ((out = decode_as (*g, data, (gsize) len)))
			return out;
	return utf8_with_replacements (data, (gsize) len);
}

/* -- NFKC ------------------------------------------------------------------ */

/* Characters NFKC leaves as they are and that nothing after them
 * composes with: the bulk of Japanese text (kanji, hiragana and katakana
 * with their voiced forms, the long vowel mark, Japanese punctuation and
 * brackets).  Half-width katakana, full-width Latin and the combining
 * voiced marks are not among them: those pieces are normalised. */
gboolean
mh_text_nfkc_inert (gunichar c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) ||   /* CJK unified ideographs */
	       (c >= 0x3041 && c <= 0x3096) ||   /* hiragana */
	       (c >= 0x30A1 && c <= 0x30FA) ||   /* katakana */
	       c == 0x30FC ||                    /* ー */
	       (c >= 0x3001 && c <= 0x3002) ||   /* 、。 */
	       (c >= 0x3008 && c <= 0x3011);     /* 〈〉《》「」『』【】 */
}

void
mh_text_nfkc_pieces (const char *text, gssize len, mh_text_piece_fn fn, gpointer user_data)
{
	const char *end = text + (len < 0 ? strlen (text) : (gsize) len);
	const char *start = text, *p = text;
	gboolean needs = FALSE;   /* the piece holds a character NFKC may change */
	/* one pass: pieces end at an ASCII character once MH_TEXT_NFKC_PIECE bytes
	 * long; whether one needs NFKC is seen on the way (valid UTF-8, so
	 * a lead byte is followed by its continuation bytes) */
	for (;;) {
		guchar c = p < end ? (guchar) *p : 0;
		if (c == 0 || (c < 0x80 && p - start >= MH_TEXT_NFKC_PIECE)) {
			if (p > start && !needs) {
				fn (start, (gsize) (p - start), user_data);
			} else if (p > start) {
				g_autofree char *piece = g_utf8_normalize (start, p - start, G_NORMALIZE_NFKC);
				if (piece)
					fn (piece, strlen (piece), user_data);
			}
			if (c == 0)
				break;
			start = p;
			needs = FALSE;
		}
		if (c < 0x80 || needs) {
			p++;
			continue;
		}
		/* every inert character takes three bytes */
		if (c < 0xE0 || c >= 0xF0 ||
		    !mh_text_nfkc_inert (mh_utf8_bmp3 (p))) {
			needs = TRUE;
			p++;
		} else
			p += 3;
	}
}

static void
append_piece (const char *piece, gsize len, gpointer out)
{
	g_string_append_len (out, piece, (gssize) len);
}

char *
mh_text_nfkc (const char *text, gssize len)
{
	gsize n = len < 0 ? strlen (text) : (gsize) len;
	GString *out = g_string_sized_new (n + 16);
	mh_text_nfkc_pieces (text, (gssize) n, append_piece, out);
	return g_string_free (out, FALSE);
}
