/* Splitting an mbox into messages.
 *
 * We split ourselves because GMime's mbox mode splits at every line that
 * starts with "From ", and old Thunderbird (and many other writers) left
 * such lines unescaped in bodies: a naive split loses mail.  Following
 * Thunderbird's own reader, a "From " line is a separator only when what
 * follows it looks like a header block: one or more header lines and then
 * a blank line (or the end of the file).  ">From " lines are unescaped
 * (mboxrd), which is also right for mboxo files in practice.
 *
 * The splitter is a push parser over a buffer that holds only the current
 * message, so memory is bounded by the largest message, itself capped.
 *
 * Lines are looked at only when the bytes fed reach a multiple of SLICE
 * bytes of the file (and at the end): a line without its end yet is
 * classified on its first bytes alone, so when lines are looked at must
 * not depend on how the caller happens to read.  That makes the messages
 * a function of the file's bytes alone, which lets a large mbox be read
 * in ranges (src/mailbox/units.c): a splitter started with
 * mh_mbox_splitter_new_at() at a separator sees from there on exactly
 * what one reading from the start sees.
 */
#include "config.h"

#include <string.h>

#include "mailhunt/mailbox.h"

/* A line longer than this is classified on its first bytes alone. */
#define CLASSIFY_BYTES 1024
/* A candidate header block this long is taken as a real one. */
#define CANDIDATE_MAX_LINES 256
#define CANDIDATE_MAX_BYTES (1024 * 1024)
/* Lines are classified when the bytes fed reach a multiple of this. */
#define SLICE (64 * 1024)

typedef enum {
	LINE_BLANK,
	LINE_FROM,           /* "From " */
	LINE_ESCAPED_FROM,   /* ">From ", ">>From " ... */
	LINE_HEADER,         /* "Name: value" */
	LINE_CONTINUATION,   /* starts with white space */
	LINE_OTHER,
} line_class;

struct _mh_mbox_splitter {
	gsize               max_message;
	mh_mbox_message_fn  callback;
	gpointer            user_data;

	GByteArray *buf;          /* current message from its first byte, then unscanned bytes */
	gint64      buf_offset;   /* file offset of buf->data[0] */
	gsize       scan;         /* start of the next line to classify */
	gboolean    in_long_line; /* scan is inside a line already classified */
	gboolean    at_file_start;
	gboolean    prev_blank;   /* the line before the one being classified was blank */

	/* The current message's top-level MIME boundary: while its closing
	 * line has not been seen, a "From " line is inside an attachment (a
	 * git format-patch, a forwarded mbox) and never a separator. */
	gboolean    in_header_block;
	gboolean    in_content_type;
	GString    *content_type;
	char       *boundary;      /* "--" boundary "--", or NULL */
	gboolean    multipart_open;

	char       *envelope;     /* "From " line of the current message */
	gint64      msg_offset;
	gsize       dropped;      /* bytes of the current message dropped (oversized) */
	gboolean    oversized;

	/* a "From " line waiting for the lines after it to decide */
	gboolean    cand;
	gsize       cand_start, cand_end;
	guint       cand_headers;
	gboolean    finished;

	gint64      end_offset;   /* file offset after the last byte fed */
	gsize       reserved_at;  /* mh_mbox_splitter_reserve(): where the room starts in buf, or G_MAXSIZE */
	/* new_at(): the first line must turn out to be a separator */
	gboolean    resuming;
	mh_mbox_separator_fn on_separator;
	gpointer    separator_data;
	mh_mbox_splitter_status status;
};

gboolean
mh_mbox_is_separator (const char *line, gsize len)
{
	if (len < 5 || memcmp (line, "From ", 5) != 0)
		return FALSE;
	/* "From  : John" is a From header in the obsolete syntax of RFC 5322
	 * (white space before the colon), not a separator */
	gsize i = 5;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return !(i < len && line[i] == ':');
}

/* "From sender Mon Jun  1 10:00:00 2009": the classic From_ line, with a
 * ctime() date.  Checked loosely: a weekday, a time and a year. */
gboolean
mh_mbox_is_classic_separator (const char *line, gsize len)
{
	static const char *const days[] = { "Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun ", NULL };
	gboolean day = FALSE, time = FALSE, year = FALSE;

	if (!mh_mbox_is_separator (line, len) || len > 512)
		return FALSE;
	for (gsize i = 5; i + 4 <= len; i++) {
		for (int d = 0; days[d] && !day; d++)
			if (memcmp (line + i, days[d], 4) == 0 && line[i - 1] == ' ')
				day = TRUE;
		if (i + 5 <= len && g_ascii_isdigit (line[i]) && g_ascii_isdigit (line[i + 1]) && line[i + 2] == ':' &&
		    g_ascii_isdigit (line[i + 3]) && g_ascii_isdigit (line[i + 4]))
			time = TRUE;
		if (line[i - 1] == ' ' && (line[i] == '1' || line[i] == '2') && g_ascii_isdigit (line[i + 1]) &&
		    g_ascii_isdigit (line[i + 2]) && g_ascii_isdigit (line[i + 3]) &&
		    (i + 4 == len || !g_ascii_isdigit (line[i + 4])))
			year = TRUE;
	}
	return day && time && year;
}

static line_class
classify (const char *p, gsize len)
{
	if (len == 0 || (len == 1 && p[0] == '\n') || (len == 2 && p[0] == '\r' && p[1] == '\n') ||
	    (len == 1 && p[0] == '\r'))
		return LINE_BLANK;
	if (mh_mbox_is_separator (p, len))
		return LINE_FROM;
	if (p[0] == '>') {
		gsize i = 0;
		while (i < len && p[i] == '>')
			i++;
		if (len - i >= 5 && memcmp (p + i, "From ", 5) == 0)
			return LINE_ESCAPED_FROM;
		return LINE_OTHER;
	}
	if (p[0] == ' ' || p[0] == '\t')
		return LINE_CONTINUATION;
	/* field-name = 1*ftext (printable ASCII but ':'), then ':' (allowing
	 * the obsolete white space before the colon) */
	gsize i = 0;
	while (i < len && (guint8) p[i] > 0x20 && (guint8) p[i] < 0x7f && p[i] != ':')
		i++;
	if (i == 0)
		return LINE_OTHER;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return (i < len && p[i] == ':') ? LINE_HEADER : LINE_OTHER;
}

mh_mbox_splitter *
mh_mbox_splitter_new (gsize max_message_size, mh_mbox_message_fn callback, gpointer user_data)
{
	mh_mbox_splitter *s = g_new0 (mh_mbox_splitter, 1);
	s->max_message = max_message_size ? max_message_size : G_MAXSIZE / 2;
	s->callback = callback;
	s->user_data = user_data;
	s->buf = g_byte_array_sized_new (4096);   /* grows with the message */
	s->at_file_start = TRUE;
	s->content_type = g_string_new (NULL);
	s->in_header_block = TRUE;
	s->status = MH_MBOX_SPLITTER_READING;
	s->reserved_at = G_MAXSIZE;
	return s;
}

mh_mbox_splitter *
mh_mbox_splitter_new_at (gsize max_message_size, mh_mbox_message_fn callback, gpointer user_data,
                         gint64 offset, gboolean after_blank_line)
{
	g_return_val_if_fail (offset >= 0, NULL);
	mh_mbox_splitter *s = mh_mbox_splitter_new (max_message_size, callback, user_data);
	s->buf_offset = offset;
	s->end_offset = offset;
	s->at_file_start = offset == 0;
	s->resuming = offset > 0;
	s->prev_blank = after_blank_line;
	return s;
}

void
mh_mbox_splitter_set_separator_fn (mh_mbox_splitter *s, mh_mbox_separator_fn fn, gpointer user_data)
{
	g_return_if_fail (s);
	s->on_separator = fn;
	s->separator_data = user_data;
}

mh_mbox_splitter_status
mh_mbox_splitter_get_status (const mh_mbox_splitter *s)
{
	return s->status;
}

/* new_at(): the line at the start offset is not a separator after all. */
static void
fail_resume (mh_mbox_splitter *s)
{
	s->resuming = FALSE;
	s->cand = FALSE;
	s->status = MH_MBOX_SPLITTER_NO_SEPARATOR;
}

/* The pending candidate is not a separator. */
static void
reject_candidate (mh_mbox_splitter *s)
{
	s->cand = FALSE;
	if (s->resuming)
		fail_resume (s);
}

/* Copies @len bytes to @out, turning ">From " into "From " (one '>' less)
 * at the start of each line.  Such a line holds ">From " after its run of
 * '>': each '>' is found by memchr (which skips base64 and most text many
 * bytes at a time; a search line by line was a call per line), and the
 * runs between the lines found are copied whole. */
static void
unescape_into (GByteArray *out, const guint8 *p, gsize len)
{
	gsize copied = 0;   /* bytes up to here are in @out */
	gsize at = 0;       /* where to look next */
	while (at < len) {
		const guint8 *gt = memchr (p + at, '>', len - at);
		if (!gt)
			break;
		gsize k = (gsize) (gt - p), line = k;
		at = k + 1;
		if (len - k < 6 || memcmp (gt + 1, "From ", 5) != 0)
			continue;
		while (line > 0 && p[line - 1] == '>')
			line--;
		if (line == 0 || p[line - 1] == '\n') {
			g_byte_array_append (out, p + copied, (guint) (line - copied));
			copied = line + 1;
		}
	}
	g_byte_array_append (out, p + copied, (guint) (len - copied));
}

/* Length of the message without the blank line that belongs to the mbox
 * (the one before the next separator), unless that blank line is the one
 * ending the header block. */
static gsize
trim_separator_blank (const guint8 *p, gsize len)
{
	gsize b;
	if (len >= 2 && p[len - 1] == '\n' && p[len - 2] == '\n')
		b = len - 1;
	else if (len >= 3 && p[len - 1] == '\n' && p[len - 2] == '\r' && p[len - 3] == '\n')
		b = len - 2;
	else if (len == 1 && p[0] == '\n')
		b = 0;
	else if (len == 2 && p[0] == '\r' && p[1] == '\n')
		b = 0;
	else
		return len;

	/* where does the header block end? */
	gsize h = 0;
	if (!(p[0] == '\n' || (len > 1 && p[0] == '\r' && p[1] == '\n'))) {
		const guint8 *q = p;
		const guint8 *end = p + len;
		h = len;
		while ((q = memchr (q, '\n', (gsize) (end - q)))) {
			q++;
			if (q < end && (*q == '\n' || (q + 1 < end && q[0] == '\r' && q[1] == '\n'))) {
				h = (gsize) (q - p);
				break;
			}
		}
	}
	return b == h ? len : b;
}

/* Hands the message buf[0..end) to the callback and starts a new one. */
static void
emit (mh_mbox_splitter *s, gsize end)
{
	mh_mbox_entry e = { 0 };
	g_autoptr (GByteArray) msg = NULL;

	e.offset = s->msg_offset;
	e.raw_length = (gint64) (s->dropped + end);
	e.envelope = s->envelope;
	/* shedding happens per chunk; a message that ended inside the chunk
	 * that took it over the cap is caught here */
	e.oversized = s->oversized || s->dropped + end > s->max_message;
	if (!e.oversized) {
		msg = g_byte_array_sized_new ((guint) end + 1);
		unescape_into (msg, s->buf->data, end);
		e.len = trim_separator_blank (msg->data, msg->len);
		g_byte_array_set_size (msg, (guint) e.len);
		g_byte_array_append (msg, (const guint8 *) "", 1);  /* NUL for convenience */
		e.data = (const char *) msg->data;
	}
	/* skip only a preamble of blank lines before the first separator */
	gboolean empty_preamble = !s->envelope && !e.oversized && s->dropped == 0;
	for (gsize i = 0; empty_preamble && i < end; i++)
		if (s->buf->data[i] != '\n' && s->buf->data[i] != '\r')
			empty_preamble = FALSE;
	e.bytes = msg;
	if (!empty_preamble)
		s->callback (&e, s->user_data);
	msg = e.bytes;   /* unless the callback took it */

	s->dropped = 0;
	s->oversized = FALSE;
}

static void retrack_mime (mh_mbox_splitter *s);

/* The pending candidate is a real separator. */
static void
confirm_candidate (mh_mbox_splitter *s)
{
	gsize cs = s->cand_start, ce = s->cand_end;
	gint64 separator = s->buf_offset + (gint64) cs;

	if (cs > 0 || s->envelope || s->dropped)
		emit (s, cs);
	g_free (s->envelope);
	/* the envelope line without its EOL */
	gsize el = ce - cs;
	while (el > 0 && (s->buf->data[cs + el - 1] == '\n' || s->buf->data[cs + el - 1] == '\r'))
		el--;
	s->envelope = g_strndup ((const char *) s->buf->data + cs, el);
	s->msg_offset = s->buf_offset + (gint64) ce;

	g_byte_array_remove_range (s->buf, 0, (guint) ce);
	s->buf_offset += (gint64) ce;
	s->scan -= ce;
	s->cand = FALSE;
	s->resuming = FALSE;
	retrack_mime (s);
	if (s->on_separator && !s->on_separator (separator, s->separator_data))
		s->status = MH_MBOX_SPLITTER_STOPPED;
}

#define CONTENT_TYPE_MAX 4096

static void
reset_mime_tracking (mh_mbox_splitter *s)
{
	s->in_header_block = TRUE;
	s->in_content_type = FALSE;
	g_string_truncate (s->content_type, 0);
	g_clear_pointer (&s->boundary, g_free);
	s->multipart_open = FALSE;
}

/* boundary=... from a Content-Type value, as the closing delimiter line. */
static char *
closing_delimiter (const char *ctype)
{
	g_autofree char *lower = g_ascii_strdown (ctype, -1);
	if (!strstr (lower, "multipart/"))
		return NULL;
	const char *b = strstr (lower, "boundary=");
	if (!b)
		return NULL;
	const char *v = ctype + (b - lower) + 9;
	gsize n = 0;
	if (*v == '"') {
		v++;
		while (v[n] && v[n] != '"' && n < 200)
			n++;
	} else {
		while (v[n] && v[n] != ';' && v[n] != ' ' && v[n] != '\t' && v[n] != '\r' && v[n] != '\n' && n < 200)
			n++;
	}
	if (n == 0)
		return NULL;
	g_autofree char *boundary = g_strndup (v, n);
	return g_strconcat ("--", boundary, "--", NULL);
}

/* Follows the current message's header block and top-level multipart. */
static void
track_mime (mh_mbox_splitter *s, line_class c, const char *p, gsize len)
{
	if (s->in_header_block) {
		if (c == LINE_BLANK) {
			s->in_header_block = FALSE;
			s->boundary = closing_delimiter (s->content_type->str);
			s->multipart_open = s->boundary != NULL;
		} else if (c == LINE_HEADER) {
			s->in_content_type = len > 13 && g_ascii_strncasecmp (p, "Content-Type:", 13) == 0;
			if (s->in_content_type)
				g_string_append_len (s->content_type, p + 13, (gssize) MIN (len - 13, CONTENT_TYPE_MAX));
		} else if (c == LINE_CONTINUATION && s->in_content_type &&
		           s->content_type->len < CONTENT_TYPE_MAX) {
			g_string_append_len (s->content_type, p, (gssize) MIN (len, CONTENT_TYPE_MAX));
		} else if (c != LINE_CONTINUATION) {
			s->in_content_type = FALSE;
		}
		return;
	}
	if (s->multipart_open) {
		gsize bl = strlen (s->boundary);
		if (len >= bl && memcmp (p, s->boundary, bl) == 0)
			s->multipart_open = FALSE;
	}
}

/* After a confirmed separator: the new message's lines read so far. */
static void
retrack_mime (mh_mbox_splitter *s)
{
	reset_mime_tracking (s);
	gsize i = 0;
	while (i < s->scan) {
		const guint8 *nl = memchr (s->buf->data + i, '\n', s->scan - i);
		gsize end = nl ? (gsize) (nl - s->buf->data) + 1 : s->scan;
		gsize len = MIN (end - i, CLASSIFY_BYTES);
		const char *p = (const char *) s->buf->data + i;
		track_mime (s, classify (p, len), p, len);
		i = end;
	}
}

static void process_line_classified (mh_mbox_splitter *s, line_class c, gsize start, gsize len, gsize end);

/* A body line between separators can only matter by being blank or a
 * "From " line: whether it looks like a header field is asked only in a
 * header block or after a candidate separator (most lines of an mbox
 * are body lines, and the field-name scan ran over every one of them). */
static line_class
classify_body (const char *p, gsize len)
{
	if (len == 0 || p[0] == '\n' || p[0] == '\r')
		return classify (p, len);
	return p[0] == 'F' && mh_mbox_is_separator (p, len) ? LINE_FROM : LINE_OTHER;
}

static void
process_line (mh_mbox_splitter *s, gsize start, gsize len, gsize end)
{
	const char *p = (const char *) s->buf->data + start;
	line_class c = s->in_header_block || s->cand || s->at_file_start || s->resuming
	               ? classify (p, len) : classify_body (p, len);
	track_mime (s, c, p, len);
	process_line_classified (s, c, start, len, end);
	s->prev_blank = (c == LINE_BLANK);
}

static void
process_line_classified (mh_mbox_splitter *s, line_class c, gsize start, gsize len, gsize end)
{
	if (s->at_file_start) {
		s->at_file_start = FALSE;
		if (c == LINE_FROM) {
			/* the file's first line is always a separator */
			s->cand = TRUE;
			s->cand_start = start;
			s->cand_end = end;
			confirm_candidate (s);
			return;
		}
	}
	if (s->cand) {
		gboolean big = s->cand_headers >= CANDIDATE_MAX_LINES ||
		               end - s->cand_start > CANDIDATE_MAX_BYTES;
		switch (c) {
		case LINE_BLANK:
			if (s->cand_headers > 0)
				confirm_candidate (s);
			else
				reject_candidate (s);
			return;
		case LINE_HEADER:
			s->cand_headers++;
			if (big)
				confirm_candidate (s);
			return;
		case LINE_CONTINUATION:
			if (s->cand_headers == 0)
				reject_candidate (s);
			else if (big)
				confirm_candidate (s);
			return;
		case LINE_FROM:
			reject_candidate (s);
			if (s->status != MH_MBOX_SPLITTER_READING)
				return;
			break;   /* the earlier one was not a separator; this may be */
		default:
			reject_candidate (s);
			return;
		}
	}
	if (s->resuming && c != LINE_FROM) {
		/* new_at() was given an offset where no "From " line starts */
		fail_resume (s);
		return;
	}
	if (c == LINE_FROM && !s->multipart_open) {
		s->cand = TRUE;
		s->cand_start = start;
		s->cand_end = end;
		s->cand_headers = 0;
		/* the strict mboxo rule: a blank line, then a From_ line with a
		 * ctime date, is a separator whatever follows (mail may have no
		 * headers at all) */
		if (s->prev_blank && mh_mbox_is_classic_separator ((const char *) s->buf->data + start, len))
			confirm_candidate (s);
	}
}

/* Drops the bytes of an oversized message that can no longer matter. */
static void
shed_oversized (mh_mbox_splitter *s)
{
	gsize keep_from = s->cand ? s->cand_start : s->scan;
	if (keep_from == 0)
		return;
	g_byte_array_remove_range (s->buf, 0, (guint) keep_from);
	s->buf_offset += (gint64) keep_from;
	s->dropped += keep_from;
	s->scan -= keep_from;
	if (s->cand) {
		s->cand_start -= keep_from;
		s->cand_end -= keep_from;
	}
}

static void
scan_lines (mh_mbox_splitter *s, gboolean at_eof)
{
	for (;;) {
		if (s->status != MH_MBOX_SPLITTER_READING)
			return;
		guint8 *base = s->buf->data;
		gsize avail = s->buf->len - s->scan;
		if (avail == 0)
			break;
		guint8 *nl = memchr (base + s->scan, '\n', avail);

		if (s->in_long_line) {
			if (!nl) {
				s->scan = s->buf->len;
				break;
			}
			s->in_long_line = FALSE;
			s->scan = (gsize) (nl - base) + 1;
			continue;
		}
		if (nl) {
			gsize start = s->scan, end = (gsize) (nl - base) + 1;
			s->scan = end;
			/* most lines are in a body (base64 above all) and matter to
			 * nobody: known by their first byte (process_line would
			 * take them for LINE_OTHER and do nothing but that) */
			guint8 first = base[start];
			if (!s->in_header_block && !s->cand && !s->at_file_start && !s->resuming &&
			    first != '\n' && first != '\r' && first != 'F' && (first != '-' || !s->multipart_open)) {
				s->prev_blank = FALSE;
				continue;
			}
			process_line (s, start, end - start, end);
		} else if (avail >= CLASSIFY_BYTES) {
			gsize start = s->scan;
			s->scan = s->buf->len;
			s->in_long_line = TRUE;
			process_line (s, start, CLASSIFY_BYTES, s->scan);
		} else if (at_eof) {
			gsize start = s->scan;
			s->scan = s->buf->len;
			process_line (s, start, avail, s->scan);
		} else {
			break;
		}
	}
	if (!s->oversized && s->scan > s->max_message && (!s->cand || s->cand_start > s->max_message))
		s->oversized = TRUE;
	if (s->oversized)
		shed_oversized (s);
}

void
mh_mbox_splitter_feed (mh_mbox_splitter *s, const char *data, gsize len)
{
	g_return_if_fail (s && !s->finished);
	while (len > 0 && s->status == MH_MBOX_SPLITTER_READING) {
		gsize room = 0;
		guint8 *at = mh_mbox_splitter_reserve (s, &room);
		if (!at)
			return;
		gsize n = MIN (len, room);
		memcpy (at, data, n);
		mh_mbox_splitter_commit (s, n);
		data += n;
		len -= n;
	}
}

guint8 *
mh_mbox_splitter_reserve (mh_mbox_splitter *s, gsize *len)
{
	g_return_val_if_fail (s && !s->finished && s->reserved_at == G_MAXSIZE && len, NULL);
	/* up to the next slice boundary: lines are looked at when the file
	 * offset reaches a multiple of SLICE, whatever the sizes read (see
	 * the top of this file); this also keeps a huge write from
	 * outrunning shedding */
	gsize n = SLICE - (gsize) (s->end_offset % SLICE);
	s->reserved_at = s->buf->len;
	g_byte_array_set_size (s->buf, (guint) (s->reserved_at + n));
	*len = n;
	return s->buf->data + s->reserved_at;
}

void
mh_mbox_splitter_commit (mh_mbox_splitter *s, gsize n)
{
	g_return_if_fail (s && s->reserved_at != G_MAXSIZE && n <= s->buf->len - s->reserved_at);
	if (s->status != MH_MBOX_SPLITTER_READING)
		n = 0;   /* as feed() takes no more */
	g_byte_array_set_size (s->buf, (guint) (s->reserved_at + n));
	s->reserved_at = G_MAXSIZE;
	s->end_offset += (gint64) n;
	if (n > 0 && s->end_offset % SLICE == 0)
		scan_lines (s, FALSE);
}

void
mh_mbox_splitter_finish (mh_mbox_splitter *s)
{
	g_return_if_fail (s && !s->finished);
	s->finished = TRUE;
	if (s->status != MH_MBOX_SPLITTER_READING)
		return;
	scan_lines (s, TRUE);
	s->in_long_line = FALSE;
	if (s->status == MH_MBOX_SPLITTER_READING && s->cand && s->cand_headers > 0)
		confirm_candidate (s);
	else if (s->resuming)
		fail_resume (s);
	if (s->status != MH_MBOX_SPLITTER_READING)
		return;
	if (s->buf->len > 0 || s->envelope || s->dropped)
		emit (s, s->buf->len);
}

void
mh_mbox_splitter_free (mh_mbox_splitter *s)
{
	if (!s)
		return;
	g_byte_array_unref (s->buf);
	g_string_free (s->content_type, TRUE);
	g_free (s->boundary);
	g_free (s->envelope);
	g_free (s);
}
