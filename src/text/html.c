/* HTML to plain text, for bodies that have no text/plain part.
 *
 * A small single-pass scanner rather than an HTML parser: what we need is
 * the words a person reads (quote matching, lure wording), it must be
 * linear in the input and bounded in output, and it must not care how
 * broken the markup is. */
#include "config.h"

#include <string.h>

#include "mailhunt/text.h"

/* Elements whose start or end means a line break for the reader. */
static const char *const block_elements[] = {
	"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
	"blockquote", "table", "hr", "pre", "ul", "ol", "title", NULL,
};

static const struct { const char *name; const char *utf8; } named_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
	{ "nbsp", " " }, { "copy", "\xc2\xa9" }, { "reg", "\xc2\xae" }, { "yen", "\xc2\xa5" },
	{ "hellip", "\xe2\x80\xa6" }, { "mdash", "\xe2\x80\x94" }, { "ndash", "\xe2\x80\x93" },
	{ "laquo", "\xc2\xab" }, { "raquo", "\xc2\xbb" }, { "rsquo", "\xe2\x80\x99" },
	{ "lsquo", "\xe2\x80\x98" }, { "rdquo", "\xe2\x80\x9d" }, { "ldquo", "\xe2\x80\x9c" },
	{ NULL, NULL },
};

static gboolean
tag_is (const char *name, gsize len, const char *const *list)
{
	for (; *list; list++)
		if (strlen (*list) == len && g_ascii_strncasecmp (name, *list, len) == 0)
			return TRUE;
	return FALSE;
}

/* Decodes the entity at @p (just after '&'); returns bytes consumed, 0 if none. */
static gsize
decode_entity (const char *p, const char *end, GString *out)
{
	const char *semi = p;
	while (semi < end && semi - p < 12 && *semi != ';')
		semi++;
	if (semi >= end || *semi != ';' || semi == p)
		return 0;
	gsize n = (gsize) (semi - p);
	if (*p == '#') {
		gunichar c;
		char *stop = NULL;
		g_autofree char *num = g_strndup (p + 1, n - 1);
		if (num[0] == 'x' || num[0] == 'X')
			c = (gunichar) g_ascii_strtoull (num + 1, &stop, 16);
		else
			c = (gunichar) g_ascii_strtoull (num, &stop, 10);
		if (!stop || *stop || !g_unichar_validate (c) || c == 0)
			return 0;
		g_string_append_unichar (out, c);
		return n + 1;
	}
	for (int i = 0; named_entities[i].name; i++)
		if (strlen (named_entities[i].name) == n && strncmp (p, named_entities[i].name, n) == 0) {
			g_string_append (out, named_entities[i].utf8);
			return n + 1;
		}
	return 0;
}

/* Blockquote levels written as "> " marks; deeper ones are counted (so
 * that their ends match) but not written, which keeps a line's marks
 * bounded whatever the nesting.  More than quote extraction keeps. */
#define HTML_MAX_QUOTE_MARKS 64

static void
append_break (GString *out)
{
	/* "</p><div>" is one line break for the reader, not two */
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append_c (out, '\n');
}

char *
mh_text_from_html (const char *html, gsize len, gsize max, gboolean *capped)
{
	GString *out = g_string_sized_new (MIN (len, max) / 2 + 16);
	const char *p = html, *end = html + len;
	const char *skip_until = NULL;   /* "</script" or "</style" while inside */
	gboolean space_pending = FALSE;
	gsize blockquotes = 0;           /* open <blockquote> elements */

	if (capped)
		*capped = FALSE;
	while (p < end) {
		if (max && out->len >= max) {
			if (capped)
				*capped = TRUE;
			break;
		}
		if (skip_until) {
			const char *close = g_strstr_len (p, end - p, "</");
			if (!close)
				break;
			gsize sl = strlen (skip_until);
			if ((gsize) (end - close) >= sl && g_ascii_strncasecmp (close, skip_until, sl) == 0) {
				skip_until = NULL;
				const char *gt = memchr (close, '>', (gsize) (end - close));
				p = gt ? gt + 1 : end;
				continue;
			}
			p = close + 2;
			continue;
		}
		if (*p == '<') {
			if (end - p >= 4 && strncmp (p, "<!--", 4) == 0) {
				const char *c = g_strstr_len (p + 4, end - p - 4, "-->");
				p = c ? c + 3 : end;
				continue;
			}
			const char *gt = memchr (p, '>', (gsize) (end - p));
			if (!gt)
				break;
			const char *name = p + 1;
			if (*name == '/')
				name++;
			const char *ne = name;
			while (ne < gt && g_ascii_isalnum (*ne))
				ne++;
			gsize nl = (gsize) (ne - name);
			if (name[-1] != '/' && nl == 6 && g_ascii_strncasecmp (name, "script", 6) == 0)
				skip_until = "</script";
			else if (name[-1] != '/' && nl == 5 && g_ascii_strncasecmp (name, "style", 5) == 0)
				skip_until = "</style";
			else if (tag_is (name, nl, block_elements)) {
				append_break (out);
				space_pending = FALSE;
				/* quoted replies (type=cite, gmail_quote, ...) keep their
				 * levels as '>' marks, the way plain text quotes them */
				if (nl == 10 && g_ascii_strncasecmp (name, "blockquote", 10) == 0) {
					if (name[-1] == '/' && blockquotes > 0)
						blockquotes--;
					else if (name[-1] != '/' && gt[-1] != '/')
						blockquotes++;
				}
			}
			p = gt + 1;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			space_pending = TRUE;
			p++;
			continue;
		}
		if (space_pending && out->len > 0 && out->str[out->len - 1] != '\n')
			g_string_append_c (out, ' ');
		space_pending = FALSE;
		if (blockquotes > 0 && (out->len == 0 || out->str[out->len - 1] == '\n')) {
			gsize marks = MIN (blockquotes, HTML_MAX_QUOTE_MARKS);
			if (max && out->len + 2 * marks > max) {
				if (capped)
					*capped = TRUE;
				break;
			}
			for (gsize i = 0; i < marks; i++)
				g_string_append (out, "> ");
		}
		if (*p == '&') {
			gsize used = decode_entity (p + 1, end, out);
			if (used) {
				p += used + 1;
				continue;
			}
		}
		g_string_append_c (out, *p);
		p++;
	}
	char *s = g_string_free (out, FALSE);
	/* the input was valid UTF-8, but a cap may have cut a character */
	const char *bad;
	if (!g_utf8_validate (s, -1, &bad))
		*(char *) bad = '\0';
	return g_strstrip (s);
}
