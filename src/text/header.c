/* RFC 2047 header decoding, done here rather than by GMime alone because
 * Japanese words must go through our own charset code (see charset.c),
 * and because mailers split one multibyte character across two words:
 * adjacent words of one charset are joined before conversion. */
#include "config.h"

#include <string.h>

#include "mailhunt/text.h"

/* One encoded-word found at @p: =?charset[*lang]?enc?text?= */
typedef struct {
	char       *charset;
	char        encoding;   /* 'B' or 'Q' */
	const char *text;
	gsize       text_len;
	gsize       total_len;  /* length of the whole word */
} encoded_word;

static gboolean
parse_encoded_word (const char *p, const char *end, encoded_word *w)
{
	if (end - p < 8 || p[0] != '=' || p[1] != '?')
		return FALSE;
	const char *cs = p + 2;
	const char *q = cs;
	while (q < end && *q != '?' && (guint8) *q > 0x20 && q - cs < 64)
		q++;
	if (q >= end || *q != '?' || q == cs)
		return FALSE;
	const char *cs_end = q;
	q++;
	if (q + 2 >= end || q[1] != '?')
		return FALSE;
	char enc = g_ascii_toupper (q[0]);
	if (enc != 'B' && enc != 'Q')
		return FALSE;
	const char *text = q + 2;
	const char *t = text;
	/* the text runs to "?=" and holds no white space (but be lenient
	 * with spaces mailers leave inside Q words) */
	while (t + 1 < end && !(t[0] == '?' && t[1] == '=') && *t != '\r' && *t != '\n')
		t++;
	if (t + 1 >= end || t[0] != '?' || t[1] != '=')
		return FALSE;

	const char *star = memchr (cs, '*', (gsize) (cs_end - cs));
	w->charset = g_strndup (cs, (gsize) ((star ? star : cs_end) - cs));
	w->encoding = enc;
	w->text = text;
	w->text_len = (gsize) (t - text);
	w->total_len = (gsize) (t + 2 - p);
	return TRUE;
}

static void
decode_word_bytes (const encoded_word *w, GByteArray *out)
{
	if (w->encoding == 'B') {
		/* Only the base64 alphabet counts (a forensic reader wants slightly
		 * broken words), and '=' padding is restored where it is short:
		 * encoders that drop it still mean the bits they wrote ("VEVTVA="
		 * is "TEST").  A '=' ends a run; a run after it is decoded too. */
		g_autoptr (GString) b64 = g_string_sized_new (w->text_len + 4);
		for (gsize i = 0; i <= w->text_len; i++) {
			char c = i < w->text_len ? w->text[i] : '=';
			if (g_ascii_isalnum (c) || c == '+' || c == '/') {
				g_string_append_c (b64, c);
				continue;
			}
			if (c != '=' || b64->len == 0)
				continue;
			if (b64->len % 4 == 1)
				g_string_truncate (b64, b64->len - 1);   /* six bits make no byte */
			while (b64->len % 4 != 0)
				g_string_append_c (b64, '=');
			guint8 *buf = g_malloc (b64->len * 3 / 4 + 4);
			gint state = 0;
			guint save = 0;
			gsize got = g_base64_decode_step (b64->str, b64->len, buf, &state, &save);
			g_byte_array_append (out, buf, (guint) got);
			g_free (buf);
			g_string_truncate (b64, 0);
		}
		return;
	}
	for (gsize i = 0; i < w->text_len; i++) {
		char c = w->text[i];
		if (c == '_') {
			g_byte_array_append (out, (const guint8 *) " ", 1);
		} else if (c == '=' && i + 2 < w->text_len &&
		           g_ascii_isxdigit (w->text[i + 1]) && g_ascii_isxdigit (w->text[i + 2])) {
			guint8 b = (guint8) (g_ascii_xdigit_value (w->text[i + 1]) * 16 +
			                     g_ascii_xdigit_value (w->text[i + 2]));
			g_byte_array_append (out, &b, 1);
			i += 2;
		} else {
			g_byte_array_append (out, (const guint8 *) &c, 1);
		}
	}
}

/* Calls @emit_text for literal runs and @emit_words for each group of
 * adjacent encoded-words of one charset (already joined and converted). */
typedef void (*emit_fn) (GString *out, const char *s, gsize len, gboolean encoded);

static void
convert_and_emit (GString *out, emit_fn emit, const char *charset, GByteArray *bytes)
{
	char *utf8 = mh_text_to_utf8 (charset, (const char *) bytes->data, (gssize) bytes->len, NULL);
	emit (out, utf8, strlen (utf8), TRUE);
	g_free (utf8);
	g_byte_array_set_size (bytes, 0);
}

static void
walk_header (const char *raw, GString *out, emit_fn emit)
{
	/* unfold first: CRLF/LF followed by white space is folding */
	g_autoptr (GString) unfolded = g_string_sized_new (strlen (raw));
	for (const char *p = raw; *p; p++) {
		if (*p == '\r' || *p == '\n')
			continue;
		g_string_append_c (unfolded, *p);
	}

	const char *p = unfolded->str, *end = unfolded->str + unfolded->len;
	g_autoptr (GByteArray) pending = g_byte_array_new ();
	g_autofree char *pending_charset = NULL;
	const char *literal = p;

	while (p < end) {
		encoded_word w;
		if (*p == '=' && parse_encoded_word (p, end, &w)) {
			/* text before this word: dropped if it is only white space
			 * between two encoded-words */
			gboolean only_ws = TRUE;
			for (const char *q = literal; q < p; q++)
				if (*q != ' ' && *q != '\t')
					only_ws = FALSE;
			if (!(only_ws && pending_charset)) {
				if (pending_charset) {
					convert_and_emit (out, emit, pending_charset, pending);
					g_clear_pointer (&pending_charset, g_free);
				}
				if (p > literal)
					emit (out, literal, (gsize) (p - literal), FALSE);
			}
			if (pending_charset && g_ascii_strcasecmp (pending_charset, w.charset) != 0) {
				convert_and_emit (out, emit, pending_charset, pending);
				g_clear_pointer (&pending_charset, g_free);
			}
			if (!pending_charset)
				pending_charset = g_strdup (w.charset);
			decode_word_bytes (&w, pending);
			g_free (w.charset);
			p += w.total_len;
			literal = p;
			continue;
		}
		p++;
	}
	/* trailing white space after the last word is kept as literal */
	if (pending_charset)
		convert_and_emit (out, emit, pending_charset, pending);
	if (end > literal)
		emit (out, literal, (gsize) (end - literal), FALSE);
}

static void
emit_decoded (GString *out, const char *s, gsize len, gboolean encoded)
{
	if (encoded) {
		g_string_append_len (out, s, (gssize) len);
		return;
	}
	/* raw text: 8-bit bytes are a guess (often Shift_JIS or UTF-8) */
	char *utf8 = mh_text_to_utf8 (NULL, s, (gssize) len, NULL);
	g_string_append (out, utf8);
	g_free (utf8);
}

/* Most header values are ASCII with no encoded-word and no JIS escape:
 * what walk_header() and emit_decoded() make of those is the value
 * unfolded, which one pass gives. */
static gboolean
plain_ascii_value (const char *raw)
{
	for (const guchar *p = (const guchar *) raw; *p; p++)
		if (*p >= 0x80 || *p == 0x1b || (*p == '=' && p[1] == '?'))
			return FALSE;
	return TRUE;
}

char *
mh_text_decode_header (const char *raw)
{
	GString *out = g_string_new (NULL);
	if (raw && plain_ascii_value (raw)) {
		for (const char *p = raw; *p; p++)   /* unfolded */
			if (*p != '\r' && *p != '\n')
				g_string_append_c (out, *p);
	} else if (raw) {
		walk_header (raw, out, emit_decoded);
	}
	/* control characters have no place in a one-line value */
	for (gsize i = 0; i < out->len; i++)
		if ((guint8) out->str[i] < 0x20)
			out->str[i] = ' ';
	return g_strstrip (g_string_free (out, FALSE));
}

static void
emit_normalized (GString *out, const char *s, gsize len, gboolean encoded)
{
	if (encoded) {
		char *b64 = g_base64_encode ((const guchar *) s, len);
		g_string_append_printf (out, "=?UTF-8?B?%s?=", b64);
		g_free (b64);
		return;
	}
	char *utf8 = mh_text_to_utf8 (NULL, s, (gssize) len, NULL);
	g_string_append (out, utf8);
	g_free (utf8);
}

char *
mh_text_normalize_header (const char *raw)
{
	GString *out = g_string_new (NULL);
	if (raw)
		walk_header (raw, out, emit_normalized);
	return g_string_free (out, FALSE);
}
