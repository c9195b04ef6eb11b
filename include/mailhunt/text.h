/* mailhunt — text decoding shared by every reader.
 *
 * Japanese mail is the normal case: ISO-2022-JP with CP932 (NEC/IBM)
 * extensions, Shift_JIS written as 8-bit bytes, RFC 2047 words in quoted
 * file names.  glibc's ISO-2022-JP converter rejects the NEC row 13
 * characters (circled digits, ㈱ ...), so we decode ISO-2022-JP ourselves.
 */
#ifndef MAILHUNT_TEXT_H
#define MAILHUNT_TEXT_H

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* Converts @len bytes in @charset (any name MIME uses, or NULL if unknown)
 * to newly allocated, valid UTF-8.  Never fails.  A declared charset is
 * believed: bytes that do not fit it become U+FFFD.  No charset, an unknown
 * one, or "us-ascii" over 8-bit text (and text that proves itself JIS or
 * UTF-8 under another label) is guessed: UTF-8, ISO-2022-JP, CP932,
 * EUC-JP, windows-1252, and last U+FFFD.  *@exact is set to FALSE when the
 * result is a guess or contains replacements. */
char     *mh_text_to_utf8 (const char *charset, const char *data, gssize len, gboolean *exact);

/* A converter to UTF-8 from @from, in its initial state, or (GIConv) -1
 * if @from is unknown.  It comes from a per-thread cache: give it back
 * with mh_text_converter_put(), which closes it only when *@owned says the
 * cache was full. */
GIConv    mh_text_converter_get (const char *from, gboolean *owned);
void      mh_text_converter_put (GIConv cd, gboolean owned);

/* Keeps glibc's converter modules for the charsets mail uses most loaded
 * for the life of the process (see charset.c).  Once is enough. */
void      mh_text_keep_converters_loaded (void);

/* Decodes the RFC 2047 encoded-words of an unstructured header value,
 * including raw 8-bit text, to UTF-8.  Whitespace between adjacent words
 * is dropped as the RFC says; folding is unfolded. */
char     *mh_text_decode_header (const char *raw);

/* Rewrites every encoded-word of @raw into an equivalent UTF-8 base64
 * encoded-word, and raw 8-bit runs into UTF-8 text, so that a structured-
 * header parser (GMime's address and parameter parsers) sees only UTF-8.
 * The structure of the value (quotes, commas, angle brackets) is kept. */
char     *mh_text_normalize_header (const char *raw);

/* Plain text from HTML: tags dropped, block elements become line breaks,
 * script/style skipped, entities decoded.  Output capped at @max bytes. */
char     *mh_text_from_html (const char *html, gsize len, gsize max, gboolean *capped);

/* g_utf8_validate_len (@text, @len, NULL) — valid UTF-8 and no NUL —
 * eight ASCII bytes at a time: it runs over every body. */
gboolean  mh_utf8_validate (const char *text, gsize len);

/* How many bytes of @s from @i on, up to @n, are ASCII: eight at a time,
 * for readers that treat runs of ASCII apart. */
static inline gsize
mh_ascii_span (const char *s, gsize i, gsize n)
{
	gsize j = i;
	while (n - j >= 8) {
		guint64 w;
		memcpy (&w, s + j, 8);
		if (w & G_GUINT64_CONSTANT (0x8080808080808080))
			break;
		j += 8;
	}
	while (j < n && (guchar) s[j] < 0x80)
		j++;
	return j - i;
}

/* How many bytes of @s from @i on, up to @n, are 0x20 or above (no
 * control character): eight at a time, for the Word 97 reader, whose text
 * is long runs of printable characters between a few marks. */
static inline gsize
mh_printable_span (const char *s, gsize i, gsize n)
{
	gsize j = i;
	const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
	const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
	while (n - j >= 8) {
		guint64 w;
		memcpy (&w, s + j, 8);
		/* nonzero exactly when a byte is below 0x20 (true of any
		 * bound up to 128); which bytes it marks may be off, so that
		 * word is gone through byte by byte */
		if ((w - ones * 0x20) & ~w & high)
			break;
		j += 8;
	}
	while (j < n && (guchar) s[j] >= 0x20)
		j++;
	return j - i;
}

/* The character of a three-byte UTF-8 sequence at @p (checked already):
 * the kanji and kana that make most of Japanese text, read inline by the
 * loops that go through it character by character. */
static inline gunichar
mh_utf8_bmp3 (const void *p)
{
	const guchar *b = p;
	return ((gunichar) (b[0] & 0x0F) << 12) | ((gunichar) (b[1] & 0x3F) << 6) | (b[2] & 0x3F);
}

/* g_ascii_tolower (@c), inline: the readers lower every byte of macros
 * and strings, and GLib's is a call each. */
static inline guchar
mh_ascii_lower (guchar c)
{
	return c >= 'A' && c <= 'Z' ? (guchar) (c + ('a' - 'A')) : c;
}

/* g_string_append_unichar (@s, @c), with ASCII through GLib's inline
 * g_string_append_c: text readers append one character at a time. */
static inline void
mh_string_append_unichar (GString *s, gunichar c)
{
	if (c < 0x80)
		g_string_append_c (s, (gchar) c);
	else
		g_string_append_unichar (s, c);
}

/* g_utf8_normalize (@text, @len, G_NORMALIZE_NFKC) of valid UTF-8, in
 * linear time: piece by piece, with ASCII and the common Japanese
 * characters NFKC leaves alone copied as they are. */
char     *mh_text_nfkc (const char *text, gssize len);

/* The same text as mh_text_nfkc() makes, given to @fn piece by piece
 * (each a whole number of characters, not NUL-terminated) instead of
 * copied into one string: for readers that look at each character once. */
typedef void (*mh_text_piece_fn) (const char *piece, gsize len, gpointer user_data);
void      mh_text_nfkc_pieces (const char *text, gssize len, mh_text_piece_fn fn, gpointer user_data);

/* How mh_text_nfkc_pieces() cuts, for a reader that follows it in its
 * own loop (the thread index's fingerprint): a piece ends before an
 * ASCII character once it is MH_TEXT_NFKC_PIECE bytes long, and it is
 * normalised when it holds a character at or above U+0080 that is not
 * inert (NFKC leaves an inert character alone, and nothing after it
 * composes with it). */
#define MH_TEXT_NFKC_PIECE 256
gboolean  mh_text_nfkc_inert (gunichar c);

G_END_DECLS

#endif
