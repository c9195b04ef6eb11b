/* Charset conversion to UTF-8 for headers and bodies.
 *
 * Why not just iconv: glibc's ISO-2022-JP rejects the CP932 extensions
 * (NEC row 13: ①, ㈱, ...) that Japanese Outlook writes all the time, and
 * mail labelled "shift_jis" is in practice CP932.  So ISO-2022-JP is
 * re-coded to EUC-JP-MS bytes (a 1:1 mapping of the same JIS code points)
 * and Shift_JIS aliases go to CP932.
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

/* Re-codes ISO-2022-JP to EUC-JP-MS.  Returns FALSE when the input is not
 * well-formed ISO-2022-JP (the caller then guesses). */
static gboolean
iso2022jp_to_eucjp (const guint8 *in, gsize len, GByteArray *out)
{
	enum { ASCII, JIS0208, JIS0212, KANA } mode = ASCII;
	gsize i = 0;

	while (i < len) {
		guint8 c = in[i];

		if (c == 0x1b) {
			if (i + 2 < len && in[i + 1] == '(' && (in[i + 2] == 'B' || in[i + 2] == 'J')) {
				mode = ASCII; i += 3; continue;
			}
			if (i + 2 < len && in[i + 1] == '(' && in[i + 2] == 'I') {
				mode = KANA; i += 3; continue;
			}
			if (i + 2 < len && in[i + 1] == '$' && (in[i + 2] == 'B' || in[i + 2] == '@')) {
				mode = JIS0208; i += 3; continue;
			}
			if (i + 3 < len && in[i + 1] == '$' && in[i + 2] == '(' && in[i + 3] == 'D') {
				mode = JIS0212; i += 4; continue;
			}
			if (i + 3 < len && in[i + 1] == '$' && in[i + 2] == '(' &&
			    (in[i + 3] == 'B' || in[i + 3] == '@')) {
				mode = JIS0208; i += 4; continue;
			}
			return FALSE;
		}
		if (c >= 0x80)
			return FALSE;
		if (c == '\r' || c == '\n') {
			/* A line break resets to ASCII in practice (RFC 1468 requires
			 * the writer to switch back before it, many do not). */
			g_byte_array_append (out, &c, 1);
			mode = ASCII; i++;
			continue;
		}
		switch (mode) {
		case ASCII:
			g_byte_array_append (out, &c, 1);
			i++;
			break;
		case KANA: {
			guint8 b[2] = { 0x8e, (guint8) (c | 0x80) };
			if (c < 0x21 || c > 0x5f) { g_byte_array_append (out, &c, 1); i++; break; }
			g_byte_array_append (out, b, 2);
			i++;
			break;
		}
		case JIS0208:
		case JIS0212:
			if (c < 0x21 || c > 0x7e) { /* spaces and controls pass through */
				g_byte_array_append (out, &c, 1);
				i++;
				break;
			}
			if (i + 1 >= len || in[i + 1] < 0x21 || in[i + 1] > 0x7e)
				return FALSE;
			if (mode == JIS0212) {
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
	return TRUE;
}

/* Strict conversion: NULL if @from is unknown or any byte is invalid. */
static char *
convert_strict (const char *from, const char *data, gsize len)
{
	iconv_t cd = iconv_open ("UTF-8", from);
	if (cd == (iconv_t) -1)
		return NULL;

	gsize cap = len * 4 + 16;
	char *out = g_malloc (cap);
	char *inp = (char *) data, *outp = out;
	gsize inleft = len, outleft = cap - 1;

	while (inleft > 0) {
		if (iconv (cd, &inp, &inleft, &outp, &outleft) == (size_t) -1) {
			if (errno == E2BIG) {
				gsize used = (gsize) (outp - out);
				cap *= 2;
				out = g_realloc (out, cap);
				outp = out + used;
				outleft = cap - used - 1;
				continue;
			}
			iconv_close (cd);
			g_free (out);
			return NULL;
		}
	}
	/* flush a stateful decoder */
	iconv (cd, NULL, NULL, &outp, &outleft);
	iconv_close (cd);
	*outp = '\0';
	if (memchr (out, '\0', (gsize) (outp - out)) || !g_utf8_validate (out, outp - out, NULL)) {
		g_free (out);
		return NULL;
	}
	return out;
}

static char *
decode_iso2022jp (const char *data, gsize len)
{
	g_autoptr (GByteArray) euc = g_byte_array_sized_new (len + 1);
	if (!iso2022jp_to_eucjp ((const guint8 *) data, len, euc))
		return NULL;
	return convert_strict ("EUC-JP-MS", (const char *) euc->data, euc->len);
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
		if (g_strstr_len (data, (gssize) len, "\x1b$B") || g_strstr_len (data, (gssize) len, "\x1b$@"))
			return NULL;
		if (g_utf8_validate (data, len, NULL) && !memchr (data, '\0', len))
			return g_strndup (data, len);
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
			g_string_append (s, "\xef\xbf\xbd");
		p = bad + 1;
	}
	return g_string_free (s, FALSE);
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

	if (charset && *charset && (out = decode_as (charset, data, (gsize) len)))
		return out;

	/* Pure ASCII without escapes needs no guess. */
	gboolean ascii = TRUE;
	for (gssize i = 0; i < len && ascii; i++)
		if ((guint8) data[i] >= 0x80 || data[i] == 0x1b || data[i] == '\0')
			ascii = FALSE;
	if (ascii)
		return g_strndup (data, (gsize) len);

	*exact = FALSE;
	for (const char *const *g = guesses; *g; g++)
		if ((out = decode_as (*g, data, (gsize) len)))
			return out;
	return utf8_with_replacements (data, (gsize) len);
}
