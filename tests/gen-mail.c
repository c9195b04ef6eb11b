/* Shared by the sample generators: see gen-mail.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "gen-mail.h"

char *
convert_or_die (const char *utf8, const char *to)
{
	g_autoptr (GError) error = NULL;
	gsize written = 0;
	char *out = g_convert (utf8, -1, to, "UTF-8", NULL, &written, &error);

	if (!out)
		g_error ("cannot convert \"%s\" to %s: %s", utf8, to, error->message);
	if (strlen (out) != written)
		g_error ("conversion of \"%s\" to %s produced a NUL byte", utf8, to);
	return out;
}

/* ISO-2022-JP from UTF-8.  The text goes through EUC-JP-MS, which holds
 * the same JIS X 0208 code points (row 13 included: ① is 0xADA1 there,
 * 0x2D21 in ISO-2022-JP) with the high bit set; clearing it and adding the
 * escape sequences gives the bytes Japanese Outlook writes.  Every line
 * ends in ASCII, as RFC 1468 asks. */
char *
to_iso2022jp (const char *utf8)
{
	g_autofree char *euc = convert_or_die (utf8, "EUC-JP-MS");
	GString *out = g_string_new (NULL);
	gboolean jis = FALSE;

	for (const guint8 *p = (const guint8 *) euc; *p; p++) {
		if (*p < 0x80) {
			if (jis) {
				g_string_append (out, "\033(B");
				jis = FALSE;
			}
			g_string_append_c (out, (char) *p);
			continue;
		}
		/* half-width kana and JIS X 0212 have no place in these samples */
		if (*p == 0x8e || *p == 0x8f || p[1] < 0xa1)
			g_error ("\"%s\" holds a character outside JIS X 0208 and row 13", utf8);
		if (!jis) {
			g_string_append (out, "\033$B");
			jis = TRUE;
		}
		g_string_append_c (out, (char) (p[0] & 0x7f));
		g_string_append_c (out, (char) (p[1] & 0x7f));
		p++;
	}
	if (jis)
		g_string_append (out, "\033(B");
	return g_string_free (out, FALSE);
}

char *
encode_text (const char *utf8, charset cs)
{
	switch (cs) {
	case CS_JIS:
		return to_iso2022jp (utf8);
	case CS_SJIS:
		return convert_or_die (utf8, "CP932");
	case CS_ASCII:
		for (const char *p = utf8; *p; p++)
			if ((guint8) *p >= 0x80)
				g_error ("\"%s\" is not ASCII", utf8);
		return g_strdup (utf8);
	case CS_UTF8:
		break;
	}
	return g_strdup (utf8);
}

const char *
charset_name (charset cs)
{
	switch (cs) {
	case CS_ASCII: return "us-ascii";
	case CS_JIS: return "ISO-2022-JP";
	case CS_SJIS: return "shift_jis";
	case CS_UTF8: return "UTF-8";
	}
	return "UTF-8";
}

gboolean
is_ascii (const char *s)
{
	for (; *s; s++)
		if ((guint8) *s >= 0x80)
			return FALSE;
	return TRUE;
}

/* Bytes of raw text per encoded-word: short enough that a folded line
 * stays under 78 characters. */
#define WORD_BYTES 30

/* RFC 2047 B-encoding of @text in @cs (ISO-2022-JP or UTF-8).  Leading
 * ASCII words ("Re: ") stay as they are, as mailers leave them; the rest is
 * cut into encoded-words of whole characters (each ISO-2022-JP word ends in
 * ASCII), joined by folding when @fold, else kept as one word (a quoted file
 * name cannot be folded). */
char *
encode_words (const char *text, charset cs, gboolean fold)
{
	if (is_ascii (text))
		return g_strdup (text);
	g_return_val_if_fail (cs == CS_JIS || cs == CS_UTF8, NULL);

	const char *first8 = text;
	while (!((guint8) *first8 & 0x80))
		first8++;
	const char *cut = text;
	for (const char *p = text; p < first8; p++)
		if (*p == ' ')
			cut = p + 1;

	GString *out = g_string_new_len (text, cut - text);
	const char *p = cut;
	while (*p) {
		const char *end = p;
		while (*end) {
			const char *next = g_utf8_next_char (end);
			g_autofree char *chunk = g_strndup (p, (gsize) (next - p));
			g_autofree char *bytes = encode_text (chunk, cs);
			if (fold && strlen (bytes) > WORD_BYTES && end != p)
				break;
			end = next;
		}
		g_autofree char *chunk = g_strndup (p, (gsize) (end - p));
		g_autofree char *bytes = encode_text (chunk, cs);
		g_autofree char *b64 = g_base64_encode ((const guchar *) bytes, strlen (bytes));
		if (p != cut)
			g_string_append (out, "\n ");
		g_string_append_printf (out, "=?%s?B?%s?=", charset_name (cs), b64);
		p = end;
	}
	return g_string_free (out, FALSE);
}

/* "Name <addr>" with the name encoded as the mailer would. */
char *
mailbox (const char *name, const char *addr, charset cs)
{
	if (!name)
		return g_strdup_printf ("<%s>", addr);
	if (!is_ascii (name)) {
		g_autofree char *words = encode_words (name, cs, TRUE);
		return g_strdup_printf ("%s <%s>", words, addr);
	}
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum (*p) && *p != ' ')
			return g_strdup_printf ("\"%s\" <%s>", name, addr);
	return g_strdup_printf ("%s <%s>", name, addr);
}

void
append_base64 (GString *out, const guint8 *data, gsize len)
{
	g_autofree char *b64 = g_base64_encode (data, len);
	gsize n = strlen (b64);
	for (gsize i = 0; i < n; i += 76) {
		g_string_append_len (out, b64 + i, (gssize) MIN (76, n - i));
		g_string_append_c (out, '\n');
	}
}

/* Quoted-printable with soft breaks before 76 columns. */
void
append_qp (GString *out, const char *text)
{
	gsize col = 0;
	for (const guint8 *p = (const guint8 *) text; *p; p++) {
		char enc[4];
		if (*p == '\n') {
			g_string_append_c (out, '\n');
			col = 0;
			continue;
		}
		gboolean trailing_space = (*p == ' ' || *p == '\t') && (p[1] == '\n' || !p[1]);
		if ((*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !trailing_space))
			g_snprintf (enc, sizeof enc, "%c", *p);
		else
			g_snprintf (enc, sizeof enc, "=%02X", *p);
		if (col + strlen (enc) > 75) {
			g_string_append (out, "=\n");
			col = 0;
		}
		g_string_append (out, enc);
		col += strlen (enc);
	}
	if (col > 0)
		g_string_append_c (out, '\n');
}

const char *
cte_name (transfer_encoding cte)
{
	switch (cte) {
	case CTE_7BIT: return "7bit";
	case CTE_8BIT: return "8bit";
	case CTE_QP: return "quoted-printable";
	case CTE_BASE64: return "base64";
	}
	return "7bit";
}

void
append_encoded_body (GString *out, const char *bytes, transfer_encoding cte)
{
	switch (cte) {
	case CTE_QP:
		append_qp (out, bytes);
		break;
	case CTE_BASE64:
		append_base64 (out, (const guint8 *) bytes, strlen (bytes));
		break;
	default:
		g_string_append (out, bytes);
		if (out->len && out->str[out->len - 1] != '\n')
			g_string_append_c (out, '\n');
		break;
	}
}

/* Writes @data to OUTDIR/REL, creating the directories; any failure ends
 * the generator (a half-written sample set is worse than none). */
void
write_file (const char *outdir, const char *rel, const char *data, gsize len)
{
	g_autofree char *path = g_build_filename (outdir, rel, NULL);
	g_autofree char *dir = g_path_get_dirname (path);
	g_autoptr (GError) error = NULL;

	if (g_mkdir_with_parents (dir, 0755) != 0)
		g_error ("cannot create %s: %s", dir, g_strerror (errno));
	if (!g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
		g_error ("%s", error->message);
}
