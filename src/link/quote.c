/* Quote extraction: the levels of quoted text a body carries, each with
 * the header block or "wrote:" line that introduced it, and the subject
 * normalisation the thread index uses.
 *
 * One pass over the lines of the body.  Each line has a '>' depth; for
 * every depth we remember which level receives its lines ("open"), so a
 * reply interleaved with '>' quotes keeps one level per quoted message.
 * An introduction (Outlook header block, "-------- Original Message
 * --------", "On ... wrote:", ...) found at depth d opens a level one
 * deeper than the level holding depth d, and its text is either the
 * '>' lines that follow (depth d + 1) or, for top-posted replies and
 * forwards, the rest of depth d.  Lookahead is a few short lines at
 * most, so the cost is linear in the body. */
#include "config.h"

#include <string.h>

#include "mailhunt/link.h"
#include "mailhunt/text.h"

/* Lines of a body looked at; a body of more lines is scanned up to here. */
#define QUOTE_MAX_LINES   100000
/* An introduction or header line is short: longer lines are only text,
 * which also bounds the work spent looking for introductions. */
#define INTRO_MAX_LINE    1024
/* Lines a wrapped "On ... wrote:" may span. */
#define INTRO_MAX_JOIN    3
/* Lines of one quoted header block (From, Sent, To, Cc, Subject, their
 * wrapped continuations, Importance, Attachments ...). */
#define HEADER_MAX_LINES  16
/* Blank lines allowed between an introduction and its quoted lines. */
#define INTRO_MAX_GAP     3
/* A header line this wide (in columns) was probably wrapped by the mailer. */
#define WRAP_WIDTH        60

/* open[] values besides an index into the result */
#define OPEN_NONE   (-1)   /* no level yet at this depth (depth 0: the mail's own text) */
#define OPEN_CAPPED (-2)   /* the level would have been past MH_QUOTE_MAX_LEVELS */

typedef struct {
	const char *start;     /* first byte of the line in the body */
	const char *content;   /* after the quote marks and the one space that follows them */
	const char *end;       /* before "\r\n" or "\n" */
	guint       depth;     /* '>' marks, at most MH_QUOTE_MAX_LEVELS + 1 */
} quote_line;

typedef enum {
	FIELD_FROM, FIELD_DATE, FIELD_TO, FIELD_CC, FIELD_SUBJECT, FIELD_OTHER, N_FIELDS,
} header_field;

/* The labels of quoted header blocks, as Outlook, Thunderbird and Gmail
 * write them in English and Japanese.  Labels that carry nothing we keep
 * are still known, so that they do not end the block. */
static const struct {
	const char  *label;
	header_field field;
	gboolean     japanese;
} header_labels[] = {
	{ "From", FIELD_FROM, FALSE },
	{ "Sent", FIELD_DATE, FALSE },
	{ "Date", FIELD_DATE, FALSE },
	{ "To", FIELD_TO, FALSE },
	{ "Cc", FIELD_CC, FALSE },
	{ "Subject", FIELD_SUBJECT, FALSE },
	{ "Bcc", FIELD_OTHER, FALSE },
	{ "Reply-To", FIELD_OTHER, FALSE },
	{ "Importance", FIELD_OTHER, FALSE },
	{ "Attachments", FIELD_OTHER, FALSE },
	{ "差出人", FIELD_FROM, TRUE },
	{ "送信日時", FIELD_DATE, TRUE },
	{ "日付", FIELD_DATE, TRUE },
	{ "宛先", FIELD_TO, TRUE },
	{ "件名", FIELD_SUBJECT, TRUE },
	{ "送信者", FIELD_OTHER, TRUE },
	{ "重要度", FIELD_OTHER, TRUE },
	{ "添付ファイル", FIELD_OTHER, TRUE },
	{ "返信先", FIELD_OTHER, TRUE },
};

#define FULLWIDTH_COLON "\xef\xbc\x9a"   /* ： U+FF1A */

typedef struct {
	mh_quote *quote;
	GString  *text;
	guint     pending_blank;   /* blank lines held until more text comes */
	gboolean  full;            /* MH_QUOTE_MAX_TEXT reached */
} quote_level;

typedef struct {
	GPtrArray   *levels;     /* of quote_level* */
	GPtrArray   *problems;
	const char  *body;
	int          open[MH_QUOTE_MAX_LEVELS + 1];
	gboolean     levels_capped, text_capped;
} extract_state;

/* -- small helpers -------------------------------------------------------- */

static gboolean
is_blank (const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return FALSE;
	return TRUE;
}

static void
trim (const char **p, const char **end)
{
	while (*p < *end && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*end > *p && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
}

static gboolean
ends_with (const char *p, const char *end, const char *suffix)
{
	gsize n = strlen (suffix);
	return (gsize) (end - p) >= n && memcmp (end - n, suffix, n) == 0;
}

static gboolean
starts_with (const char *p, const char *end, const char *prefix)
{
	gsize n = strlen (prefix);
	return (gsize) (end - p) >= n && memcmp (p, prefix, n) == 0;
}

/* Display columns of a short line: East Asian wide characters count two,
 * as they do for the mailer that wrapped it. */
static guint
columns (const char *p, const char *end)
{
	guint n = 0;
	while (p < end) {
		gunichar c = g_utf8_get_char_validated (p, end - p);
		if (c == (gunichar) -1 || c == (gunichar) -2) {
			p++;
			n++;
			continue;
		}
		n += g_unichar_iswide (c) ? 2 : 1;
		p = g_utf8_next_char (p);
	}
	return n;
}

static gboolean
line_blank (const quote_line *l)
{
	return is_blank (l->content, l->end);
}

static gboolean
line_short (const quote_line *l)
{
	return l->end - l->start <= INTRO_MAX_LINE;
}

/* Splits the body into lines and counts each line's quote marks
 * ("> > text" and ">>text" are both depth 2). */
static GArray *
split_lines (const char *body, gsize len, extract_state *st)
{
	GArray *lines = g_array_new (FALSE, FALSE, sizeof (quote_line));
	const char *p = body, *end = body + len;
	while (p < end) {
		if (lines->len >= QUOTE_MAX_LINES) {
			if (st->problems)
				g_ptr_array_add (st->problems, g_strdup_printf (
					"quotes: more than %u lines, the rest of the body not scanned", QUOTE_MAX_LINES));
			break;
		}
		const char *nl = memchr (p, '\n', (gsize) (end - p));
		const char *le = nl ? nl : end;
		quote_line l = { .start = p, .end = le, .depth = 0 };
		if (l.end > p && l.end[-1] == '\r')
			l.end--;
		const char *q = p, *after_mark = p;
		while (q < l.end) {
			if (*q == '>') {
				if (l.depth <= MH_QUOTE_MAX_LEVELS)
					l.depth++;
				after_mark = ++q;
				continue;
			}
			if (l.depth > 0 && (*q == ' ' || *q == '\t')) {
				const char *r = q;
				while (r < l.end && (*r == ' ' || *r == '\t'))
					r++;
				if (r < l.end && *r == '>') {
					q = r;
					continue;
				}
			}
			break;
		}
		l.content = after_mark;
		if (l.depth > 0 && l.content < l.end && *l.content == ' ')
			l.content++;
		g_array_append_val (lines, l);
		p = nl ? nl + 1 : end;
	}
	return lines;
}

/* -- levels and their text -------------------------------------------------- */

static void
quote_level_free (quote_level *lv)
{
	if (lv->text)
		g_string_free (lv->text, TRUE);
	mh_quote_free (lv->quote);
	g_free (lv);
}

static guint
level_at (const extract_state *st, guint depth)
{
	int i = st->open[depth];
	if (i >= 0)
		return ((quote_level *) g_ptr_array_index (st->levels, i))->quote->level;
	return 0;
}

static void
report_levels_capped (extract_state *st)
{
	if (!st->levels_capped && st->problems)
		g_ptr_array_add (st->problems, g_strdup_printf (
			"quotes: more than %u levels, the deeper ones left out", MH_QUOTE_MAX_LEVELS));
	st->levels_capped = TRUE;
}

/* Opens a level introduced at @depth whose lines will be at @attach
 * (@depth itself or one deeper); returns it, or NULL past the cap. */
static quote_level *
open_level (extract_state *st, guint depth, guint attach, const char *style, gsize offset)
{
	if (attach > MH_QUOTE_MAX_LEVELS || st->levels->len >= MH_QUOTE_MAX_LEVELS) {
		report_levels_capped (st);
		for (guint k = attach; k <= MH_QUOTE_MAX_LEVELS; k++)
			st->open[k] = OPEN_CAPPED;
		return NULL;
	}
	quote_level *lv = g_new0 (quote_level, 1);
	lv->quote = g_new0 (mh_quote, 1);
	lv->quote->level = level_at (st, depth) + 1;
	lv->quote->style = style;
	lv->quote->offset = offset;
	lv->text = g_string_new (NULL);
	st->open[attach] = (int) st->levels->len;
	g_ptr_array_add (st->levels, lv);
	/* a new message closes whatever was open deeper */
	for (guint k = attach + 1; k <= MH_QUOTE_MAX_LEVELS; k++)
		st->open[k] = OPEN_NONE;
	return lv;
}

/* '>' lines with no introduction: every depth down to @depth gets a level. */
static void
ensure_open (extract_state *st, const quote_line *l)
{
	for (guint k = 1; k <= l->depth && k <= MH_QUOTE_MAX_LEVELS; k++)
		if (st->open[k] == OPEN_NONE)
			open_level (st, k - 1, k, "gt-prefix", (gsize) (l->start - st->body));
}

static void
add_text (extract_state *st, quote_level *lv, const quote_line *l)
{
	const char *p = l->content, *end = l->end;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (lv->full)
		return;
	if (p == end) {
		if (lv->text->len > 0)
			lv->pending_blank++;
		return;
	}
	gsize breaks = lv->text->len > 0 ? lv->pending_blank + 1 : 0;
	gsize room = MH_QUOTE_MAX_TEXT - MIN (lv->text->len, MH_QUOTE_MAX_TEXT);
	gsize n = (gsize) (end - p);
	if (breaks + n > room) {
		lv->full = TRUE;
		if (!st->text_capped && st->problems)
			g_ptr_array_add (st->problems, g_strdup_printf (
				"quotes: a level's text over %u bytes, the rest left out", MH_QUOTE_MAX_TEXT));
		st->text_capped = TRUE;
		if (breaks >= room)
			return;
		n = room - breaks;
		/* never cut a character in two */
		while (n > 0 && ((guchar) p[n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			return;
	}
	for (gsize i = 0; i < breaks; i++)
		g_string_append_c (lv->text, '\n');
	g_string_append_len (lv->text, p, (gssize) n);
	lv->pending_blank = 0;
}

/* -- header blocks -------------------------------------------------------- */

/* The label at the start of a line ("Subject:", "件名：", "Sent :"); returns
 * its index in header_labels and where the value starts, or -1. */
static int
match_label (const char *p, const char *end, const char **value)
{
	for (guint i = 0; i < G_N_ELEMENTS (header_labels); i++) {
		gsize n = strlen (header_labels[i].label);
		if ((gsize) (end - p) < n || g_ascii_strncasecmp (p, header_labels[i].label, n) != 0)
			continue;
		const char *q = p + n;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < end && *q == ':')
			q++;
		else if (starts_with (q, end, FULLWIDTH_COLON))
			q += strlen (FULLWIDTH_COLON);
		else
			continue;
		*value = q;
		return (int) i;
	}
	return -1;
}

static int
line_label (const quote_line *l, const char **value)
{
	if (!line_short (l))
		return -1;
	return match_label (l->content, l->end, value);
}

typedef struct {
	GString *fields[N_FIELDS];
	gboolean japanese;
	guint    next;          /* first line after the block */
} header_block;

static void
header_block_clear (header_block *hb)
{
	for (int f = 0; f < N_FIELDS; f++)
		if (hb->fields[f])
			g_string_free (hb->fields[f], TRUE);
	memset (hb, 0, sizeof *hb);
}

static void
append_value (GString *s, const char *p, const char *end)
{
	trim (&p, &end);
	if (p == end)
		return;
	if (s->len > 0 && s->str[s->len - 1] != ' ')
		g_string_append_c (s, ' ');
	g_string_append_len (s, p, end - p);
}

/* Whether line @j (same depth, not a label) continues the value above it:
 * indented, or followed by another label of the block, or the value's
 * line was long enough that the mailer wrapped it. */
static gboolean
is_continuation (const quote_line *lines, guint n, guint j, guint depth, const gboolean *seen)
{
	const quote_line *l = &lines[j];
	if (!line_short (l))
		return FALSE;
	if (l->content < l->end && (*l->content == ' ' || *l->content == '\t'))
		return TRUE;
	if (j + 1 < n && lines[j + 1].depth == depth) {
		const char *v;
		int k = line_label (&lines[j + 1], &v);
		if (k >= 0 && !seen[header_labels[k].field])
			return TRUE;
	}
	const quote_line *above = &lines[j - 1];
	gboolean block_ends = j + 1 >= n || lines[j + 1].depth != depth || line_blank (&lines[j + 1]);
	return block_ends && columns (above->start, above->end) >= WRAP_WIDTH;
}

/* Reads the header block starting at line @i (depth @depth). */
static void
read_header_block (const quote_line *lines, guint n, guint i, guint depth, header_block *hb)
{
	gboolean seen[N_FIELDS] = { FALSE };
	int last = -1;
	guint j = i;
	for (; j < n && j < i + HEADER_MAX_LINES; j++) {
		const quote_line *l = &lines[j];
		if (l->depth != depth || line_blank (l))
			break;
		const char *value;
		int k = line_label (l, &value);
		if (k >= 0) {
			header_field f = header_labels[k].field;
			if (f != FIELD_OTHER && seen[f])
				break;   /* a second From: is the next block */
			seen[f] = TRUE;
			hb->japanese |= header_labels[k].japanese;
			if (f != FIELD_OTHER) {
				hb->fields[f] = g_string_new (NULL);
				append_value (hb->fields[f], value, l->end);
			}
			last = (int) f;
			continue;
		}
		if (last >= 0 && is_continuation (lines, n, j, depth, seen)) {
			if (last != FIELD_OTHER)
				append_value (hb->fields[last], l->content, l->end);
			continue;
		}
		break;
	}
	hb->next = j;
}

/* -- introductions -------------------------------------------------------- */

typedef enum {
	SEPARATOR_NONE,
	SEPARATOR_OUTLOOK,      /* -----Original Message----- */
	SEPARATOR_ORIGINAL,     /* -------- Original Message -------- (Thunderbird) */
	SEPARATOR_FORWARDED,    /* -------- Forwarded Message -------- */
	SEPARATOR_UNDERSCORES,  /* Outlook 365: ________________________________ */
} separator_kind;

/* The words between the dashes of a separator line. */
static const struct {
	const char    *words;
	separator_kind kind;
} separator_words[] = {
	{ "Original Message", SEPARATOR_OUTLOOK },
	{ "Forwarded Message", SEPARATOR_FORWARDED },
	{ "元のメッセージ", SEPARATOR_OUTLOOK },
	{ "転送メッセージ", SEPARATOR_FORWARDED },
};

static separator_kind
match_separator (const quote_line *l)
{
	if (!line_short (l))
		return SEPARATOR_NONE;
	const char *p = l->content, *end = l->end;
	trim (&p, &end);
	if (end - p >= 10) {
		const char *q = p;
		while (q < end && *q == '_')
			q++;
		if (q == end)
			return SEPARATOR_UNDERSCORES;
	}
	if (end - p == (gssize) strlen ("Begin forwarded message:")
	    && g_ascii_strncasecmp (p, "Begin forwarded message:", end - p) == 0)
		return SEPARATOR_FORWARDED;
	guint dashes = 0;
	while (p < end && *p == '-') {
		p++;
		dashes++;
	}
	guint trailing = 0;
	while (end > p && end[-1] == '-') {
		end--;
		trailing++;
	}
	if (dashes < 3 || trailing < 3)
		return SEPARATOR_NONE;
	trim (&p, &end);
	for (guint i = 0; i < G_N_ELEMENTS (separator_words); i++) {
		gsize n = strlen (separator_words[i].words);
		if ((gsize) (end - p) == n && g_ascii_strncasecmp (p, separator_words[i].words, n) == 0) {
			/* Thunderbird draws eight dashes, Outlook five */
			if (separator_words[i].kind == SEPARATOR_OUTLOOK && dashes >= 6)
				return SEPARATOR_ORIGINAL;
			return separator_words[i].kind;
		}
	}
	return SEPARATOR_NONE;
}

/* The first non-blank line at or after @j within a few blank lines at
 * @depth; n when there is none. */
static guint
next_text_line (const quote_line *lines, guint n, guint j, guint depth)
{
	for (guint gap = 0; j < n && gap <= INTRO_MAX_GAP; j++, gap++) {
		if (!line_blank (&lines[j]))
			return j;
		if (lines[j].depth != depth)
			return j;
	}
	return n;
}

static char *
dup_trimmed (const char *p, const char *end)
{
	trim (&p, &end);
	while (end > p && (end[-1] == ',' || end[-1] == ' '))
		end--;
	return p < end ? g_strndup (p, end - p) : NULL;
}

/* The end of the last clock time ("10:15", "10:15:00", "10:15 AM") in
 * [p, end), or NULL. */
static const char *
last_time_end (const char *p, const char *end)
{
	const char *found = NULL;
	for (const char *q = p; q + 2 < end; q++) {
		if (!g_ascii_isdigit (q[0]) || !(q[1] == ':' || (g_ascii_isdigit (q[1]) && q + 3 < end && q[2] == ':')))
			continue;
		const char *c = q[1] == ':' ? q + 1 : q + 2;
		if (c + 2 >= end || !g_ascii_isdigit (c[1]) || !g_ascii_isdigit (c[2]))
			continue;
		const char *t = c + 3;
		if (t + 2 < end && t[0] == ':' && g_ascii_isdigit (t[1]) && g_ascii_isdigit (t[2]))
			t += 3;
		if (t + 2 < end && t[0] == ' ' && (t[1] == 'A' || t[1] == 'P' || t[1] == 'a' || t[1] == 'p')
		    && (t[2] == 'M' || t[2] == 'm'))
			t += 3;
		found = t;
		q = t - 1;
	}
	return found;
}

/* Splits "<date>, <name> <addr>" (or Gmail's "<date> at 10:15 AM <name>
 * <addr>") into the quote's date and from. */
static void
split_date_from (const char *p, const char *end, mh_quote *q)
{
	trim (&p, &end);
	const char *addr = memchr (p, '<', (gsize) (end - p));
	const char *limit = addr ? addr : end;
	/* the last ", " (or Japanese "、") before the address */
	const char *comma = NULL, *after_comma = NULL;
	for (const char *c = p; c + 1 < limit; c++) {
		if (c[0] == ',' && c[1] == ' ') {
			comma = c;
			after_comma = c + 2;
		} else if (starts_with (c, limit, "、")) {
			comma = c;
			after_comma = c + strlen ("、");
		}
	}
	const char *from = NULL, *date_end = NULL;
	if (comma && !(after_comma < end && g_ascii_isdigit (*after_comma))) {
		date_end = comma;
		from = after_comma;
	} else {
		const char *t = last_time_end (p, limit);
		if (t) {
			date_end = t;
			from = t;
		}
	}
	if (!from) {
		q->from = dup_trimmed (p, end);
		return;
	}
	q->date = dup_trimmed (p, date_end);
	q->from = dup_trimmed (from, end);
}

/* Recognises a "wrote:" introduction ending on one of the lines i ..
 * i + INTRO_MAX_JOIN - 1; fills style, from and date, returns the line
 * after it, or 0. */
static guint
match_wrote (const quote_line *lines, guint n, guint i, mh_quote *q)
{
	const quote_line *first = &lines[i];
	const char *p = first->content, *end = first->end;
	trim (&p, &end);
	/* only an attribution that starts like one may wrap */
	gboolean may_wrap = starts_with (p, end, "On ") || (p < end && (g_ascii_isdigit (*p) || *p == '('));
	guint max = may_wrap ? INTRO_MAX_JOIN : 1;
	if (!may_wrap && i + 1 < n && lines[i + 1].depth == first->depth && line_short (&lines[i + 1])) {
		/* "<name>" then "wrote:" or "<addr> wrote:" on the next line */
		const char *np = lines[i + 1].content, *ne = lines[i + 1].end;
		trim (&np, &ne);
		if (ends_with (np, ne, "wrote:") && (ne - np == (gssize) strlen ("wrote:") || *np == '<'))
			max = 2;
	}
	/* cheap first: the attribution ends with a colon */
	guint m = 0;
	for (;; m++) {
		if (m >= max || i + m >= n)
			return 0;
		const quote_line *l = &lines[i + m];
		if (l->depth != first->depth || !line_short (l) || line_blank (l))
			return 0;
		const char *lp = l->content, *le = l->end;
		trim (&lp, &le);
		if (ends_with (lp, le, ":") || ends_with (lp, le, FULLWIDTH_COLON))
			break;
	}
	g_autoptr (GString) s = g_string_new (NULL);
	for (guint k = 0; k <= m; k++) {
		const char *lp = lines[i + k].content, *le = lines[i + k].end;
		trim (&lp, &le);
		if (s->len > 0 && s->str[s->len - 1] != '<')
			g_string_append_c (s, ' ');
		g_string_append_len (s, lp, le - lp);
	}
	const char *sp = s->str, *se = s->str + s->len;
	const char *style = NULL;
	gsize cut = 0;
	if (ends_with (sp, se, "さんは書きました:") || ends_with (sp, se, "さんは書きました" FULLWIDTH_COLON)) {
		cut = ends_with (sp, se, ":") ? strlen ("さんは書きました:") : strlen ("さんは書きました" FULLWIDTH_COLON);
		style = "thunderbird-ja";
	} else if (ends_with (sp, se, "wrote:")) {
		cut = strlen ("wrote:");
		style = "thunderbird";
	} else if (g_ascii_isdigit (*sp) && (ends_with (sp, se, ">:") || ends_with (sp, se, ">" FULLWIDTH_COLON))
	           && strchr (sp, '@')) {
		/* newer Gmail: 2026年3月2日(月) 10:15 山田 太郎 <taro@example.jp>: */
		cut = ends_with (sp, se, ":") ? 1 : strlen (FULLWIDTH_COLON);
		style = "gmail-ja";
	}
	if (!style)
		return 0;
	guint after = next_text_line (lines, n, i + m + 1, first->depth);
	if (after >= n || lines[after].depth <= first->depth)
		return 0;   /* "wrote:" in prose, not followed by a quote */
	se -= cut;
	if (strcmp (style, "thunderbird-ja") == 0) {
		const char *ni = g_strstr_len (sp, se - sp, " に ");
		if (g_ascii_isdigit (*sp) && ni) {
			/* old Gmail: 2026年3月2日 10:15 に 山田 太郎 <taro@example.jp> さんは書きました: */
			style = "gmail-ja";
			q->date = dup_trimmed (sp, ni);
			q->from = dup_trimmed (ni + strlen (" に "), se);
		} else {
			split_date_from (sp, se, q);
		}
	} else if (strcmp (style, "thunderbird") == 0) {
		if (starts_with (sp, se, "On "))
			sp += 3;
		split_date_from (sp, se, q);
	} else {
		split_date_from (sp, se, q);
	}
	q->style = style;
	return i + m + 1;
}

/* Fills @q from a header block and says which style it was. */
static void
take_fields (header_block *hb, mh_quote *q)
{
	char **dest[N_FIELDS] = { &q->from, &q->date, &q->to, &q->cc, &q->subject, NULL };
	for (int f = 0; f < FIELD_OTHER; f++)
		if (hb->fields[f] && hb->fields[f]->len > 0)
			*dest[f] = g_strndup (hb->fields[f]->str, hb->fields[f]->len);
}

/* Tries to read an introduction at line @i; returns the line after it
 * (header block or "wrote:" line included), or 0 if there is none. */
static guint
try_introduction (extract_state *st, const quote_line *lines, guint n, guint i)
{
	const quote_line *l = &lines[i];
	guint depth = l->depth;
	mh_quote found = { 0 };
	guint next = 0;
	header_block hb = { 0 };

	separator_kind sep = match_separator (l);
	if (sep != SEPARATOR_NONE) {
		guint h = i + 1;
		if (h < n && lines[h].depth == depth && line_blank (&lines[h]))
			h++;
		read_header_block (lines, n, h, depth, &hb);
		if (sep == SEPARATOR_UNDERSCORES && !hb.fields[FIELD_FROM]) {
			/* a line of underscores alone is a signature rule */
			header_block_clear (&hb);
			return 0;
		}
		next = hb.next > h ? hb.next : i + 1;
		switch (sep) {
		case SEPARATOR_OUTLOOK:     found.style = hb.japanese ? "outlook-ja" : "outlook"; break;
		case SEPARATOR_UNDERSCORES: found.style = hb.japanese ? "outlook-ja" : "outlook-separator"; break;
		case SEPARATOR_ORIGINAL:    found.style = "original-message"; break;
		case SEPARATOR_FORWARDED:   found.style = "forwarded"; break;
		case SEPARATOR_NONE:        break;
		}
	} else {
		const char *value;
		int k = line_label (l, &value);
		if (k >= 0 && header_labels[k].field == FIELD_FROM) {
			read_header_block (lines, n, i, depth, &hb);
			if (!hb.fields[FIELD_DATE]) {
				/* From: without Sent: is prose or a pasted address */
				header_block_clear (&hb);
				return 0;
			}
			next = hb.next;
			found.style = hb.japanese ? "outlook-ja" : "outlook";
		}
	}
	if (found.style) {
		take_fields (&hb, &found);
		header_block_clear (&hb);
	} else {
		next = match_wrote (lines, n, i, &found);
		if (!next)
			return 0;
	}

	/* the quoted text is the deeper '>' lines that follow, else the rest
	 * of this depth (top-posted replies, forwards) */
	guint after = next_text_line (lines, n, next, depth);
	guint attach = after < n && lines[after].depth > depth ? depth + 1 : depth;
	quote_level *lv = open_level (st, depth, attach, found.style, (gsize) (l->start - st->body));
	if (lv) {
		lv->quote->from = found.from;
		lv->quote->date = found.date;
		lv->quote->to = found.to;
		lv->quote->cc = found.cc;
		lv->quote->subject = found.subject;
	} else {
		g_free (found.from);
		g_free (found.date);
		g_free (found.to);
		g_free (found.cc);
		g_free (found.subject);
	}
	return next;
}

/* -- the public functions --------------------------------------------------- */

GPtrArray *
mh_quotes_extract (const char *body, gsize len, GPtrArray *problems)
{
	GPtrArray *quotes = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_quote_free);
	if (!body || len == 0)
		return quotes;

	extract_state st = { .problems = problems, .body = body };
	st.levels = g_ptr_array_new_with_free_func ((GDestroyNotify) quote_level_free);
	for (guint k = 0; k <= MH_QUOTE_MAX_LEVELS; k++)
		st.open[k] = OPEN_NONE;
	g_autoptr (GArray) lines = split_lines (body, len, &st);

	const quote_line *ls = (const quote_line *) (void *) lines->data;
	guint n = lines->len;
	for (guint i = 0; i < n;) {
		const quote_line *l = &ls[i];
		if (l->depth > MH_QUOTE_MAX_LEVELS) {
			/* deeper than the levels we keep */
			ensure_open (&st, l);
			report_levels_capped (&st);
			i++;
			continue;
		}
		ensure_open (&st, l);
		guint next = try_introduction (&st, ls, n, i);
		if (next > i) {
			i = next;
			continue;
		}
		int open = st.open[l->depth];
		if (open >= 0)
			add_text (&st, g_ptr_array_index (st.levels, open), l);
		i++;
	}

	for (guint i = 0; i < st.levels->len; i++) {
		quote_level *lv = g_ptr_array_index (st.levels, i);
		lv->quote->text = g_string_free (lv->text, FALSE);
		lv->text = NULL;
		g_ptr_array_add (quotes, g_steal_pointer (&lv->quote));
	}
	g_ptr_array_unref (st.levels);
	return quotes;
}

void
mh_quote_free (mh_quote *quote)
{
	if (!quote)
		return;
	g_free (quote->from);
	g_free (quote->date);
	g_free (quote->to);
	g_free (quote->cc);
	g_free (quote->subject);
	g_free (quote->text);
	g_free (quote);
}

/* -- subjects ----------------------------------------------------------------- */

/* Reply and forward markers a mailer puts before a subject (after NFKC, so
 * "Ｒｅ：" is "Re:"); compared without case.  English, Japanese Outlook
 * and Thunderbird, the common European and East Asian ones.  Kept here,
 * once: headers.c's reply-without-reference asks mh_subject_is_reply;
 * docs/detection.md lists them. */
static const struct {
	const char *marker;
	gboolean    reply;     /* FALSE: a forward */
} subject_prefixes[] = {
	{ "Re", TRUE }, { "AW", TRUE }, { "SV", TRUE }, { "VS", TRUE }, { "Antw", TRUE },
	{ "RIF", TRUE }, { "R", TRUE }, { "返信", TRUE }, { "回复", TRUE }, { "답장", TRUE },
	{ "Fw", FALSE }, { "Fwd", FALSE }, { "WG", FALSE }, { "TR", FALSE }, { "転送", FALSE },
};

/* Bytes of a prefix ("Re:", "Re[2]:", "Fwd :") at @p, or 0; *reply (may
 * be NULL) tells a reply marker from a forward. */
static gsize
match_subject_prefix (const char *p, const char *end, gboolean *reply)
{
	for (guint i = 0; i < G_N_ELEMENTS (subject_prefixes); i++) {
		const char *marker = subject_prefixes[i].marker;
		gsize n = strlen (marker);
		if ((gsize) (end - p) < n || g_ascii_strncasecmp (p, marker, n) != 0)
			continue;
		if (reply)
			*reply = subject_prefixes[i].reply;
		const char *q = p + n;
		if (q < end && (*q == '[' || *q == '(')) {
			char close = *q == '[' ? ']' : ')';
			const char *d = q + 1;
			while (d < end && d - q <= 6 && g_ascii_isdigit (*d))
				d++;
			if (d == q + 1 || d >= end || *d != close)
				continue;
			q = d + 1;
		}
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < end && *q == ':')
			return (gsize) (q + 1 - p);
	}
	return 0;
}

gboolean
mh_subject_is_reply (const char *subject)
{
	if (!subject)
		return FALSE;
	g_autofree char *valid = g_utf8_make_valid (subject, -1);
	g_autofree char *nfkc = mh_text_nfkc (valid, -1);   /* what g_utf8_normalize gives, faster */
	if (!nfkc)
		return FALSE;
	const char *p = nfkc, *end = nfkc + strlen (nfkc);
	while (p < end && g_unichar_isspace (g_utf8_get_char (p)))
		p = g_utf8_next_char (p);
	gboolean reply = FALSE;
	return match_subject_prefix (p, end, &reply) > 0 && reply;
}

char *
mh_subject_normalise (const char *subject)
{
	if (!subject)
		return g_strdup ("");
	g_autofree char *valid = g_utf8_make_valid (subject, -1);
	g_autofree char *nfkc = mh_text_nfkc (valid, -1);   /* what g_utf8_normalize gives, faster */
	if (!nfkc)
		return g_strdup ("");

	/* strip the prefixes; [list] tags among them are kept */
	g_autoptr (GString) kept = g_string_new (NULL);
	const char *p = nfkc, *end = nfkc + strlen (nfkc);
	for (;;) {
		while (p < end && g_unichar_isspace (g_utf8_get_char (p)))
			p = g_utf8_next_char (p);
		gsize n = match_subject_prefix (p, end, NULL);
		if (n) {
			p += n;
			continue;
		}
		if (p < end && *p == '[') {
			const char *close = memchr (p, ']', (gsize) MIN (end - p, 64));
			if (close) {
				g_string_append_len (kept, p, close + 1 - p);
				g_string_append_c (kept, ' ');
				p = close + 1;
				continue;
			}
		}
		break;
	}
	g_string_append (kept, p);

	/* white space collapsed */
	g_autoptr (GString) out = g_string_new (NULL);
	gboolean space = FALSE;
	for (const char *c = kept->str; *c; c = g_utf8_next_char (c)) {
		gunichar u = g_utf8_get_char (c);
		if (g_unichar_isspace (u)) {
			space = TRUE;
			continue;
		}
		if (space && out->len > 0)
			g_string_append_c (out, ' ');
		space = FALSE;
		g_string_append_unichar (out, u);
	}
	return g_utf8_casefold (out->str, (gssize) out->len);
}
