/* Recognising an input by its content, never by its name: quarantine
 * stores rename files, and evidence copies lose their extensions. */
#include "config.h"

#include <string.h>

#include "mailhunt/mailbox.h"

/* Header names that make a block of "Name: value" lines a mail header
 * rather than any text file with a colon in its first line. */
static const char *const mail_header_names[] = {
	"from", "to", "cc", "subject", "date", "message-id", "received", "return-path",
	"mime-version", "content-type", "delivered-to", "sender", "reply-to",
	"in-reply-to", "references", "x-mozilla-status", "x-mailer", "user-agent",
	"dkim-signature", "authentication-results", "x-original-to", "envelope-to",
	"thread-topic", "thread-index", "received-spf", "list-id", "x-original-from",
	"importance", "x-priority", "content-transfer-encoding", NULL,
};

static gboolean
is_mail_header_name (const char *name, gsize len)
{
	for (int i = 0; mail_header_names[i]; i++)
		if (strlen (mail_header_names[i]) == len && g_ascii_strncasecmp (name, mail_header_names[i], len) == 0)
			return TRUE;
	return FALSE;
}

/* Length of the field name if @p starts a header line, else 0. */
static gsize
header_name_len (const char *p, gsize len)
{
	gsize i = 0;
	while (i < len && (guint8) p[i] > 0x20 && (guint8) p[i] < 0x7f && p[i] != ':')
		i++;
	gsize n = i;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return (n > 0 && i < len && p[i] == ':') ? n : 0;
}

/* Does the text at @p open with a header block that names mail headers?
 * Only complete lines within @len count. */
static gboolean
looks_like_headers (const char *p, gsize len)
{
	const char *end = p + len;
	guint known = 0, lines = 0;

	while (p < end) {
		const char *nl = memchr (p, '\n', (gsize) (end - p));
		gsize ll = nl ? (gsize) (nl - p) : (gsize) (end - p);
		if (ll == 0 || (ll == 1 && p[0] == '\r'))
			break;   /* end of the header block */
		if (p[0] == ' ' || p[0] == '\t') {
			if (lines == 0)
				return FALSE;
		} else {
			gsize n = header_name_len (p, ll);
			if (n == 0) {
				/* a broken line inside a real header block (an
				 * unfolded continuation), or a header cut by the
				 * window: real mail has named headers before it */
				if (lines == 0)
					return FALSE;
				return known >= 2 || (known > 0 && !nl);
			}
			if (is_mail_header_name (p, n))
				known++;
			lines++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return lines > 0 && known > 0;
}

mh_input_kind
mh_detect_input (const guint8 *head, gsize len, const char **reason)
{
	const char *dummy;
	if (!reason)
		reason = &dummy;
	*reason = NULL;

	if (len == 0) {
		*reason = "empty file";
		return MH_INPUT_EMPTY;
	}
	if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return MH_INPUT_GZIP;
	if (len >= 8 && memcmp (head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0) {
		*reason = "OLE2 file";   /* read.c tells a .msg from an Office document */
		return MH_INPUT_OLE2;
	}
	if (len >= 4 && memcmp (head, "!BDN", 4) == 0) {
		*reason = "Outlook PST/OST";
		return MH_INPUT_PST;
	}
	if (len >= 4 && memcmp (head, "\x78\x9f\x3e\x22", 4) == 0)
		return MH_INPUT_TNEF;
	if (len >= 4 && memcmp (head, "PK\x03\x04", 4) == 0) {
		*reason = "ZIP file (or Office document), not mail";
		return MH_INPUT_UNKNOWN;
	}
	if (len >= 9 && g_strstr_len ((const char *) head, MIN ((gssize) len, 64), "<mdb:mork")) {
		*reason = "Thunderbird folder summary (.msf), not mail";
		return MH_INPUT_MORK;
	}

	/* mail may be preceded by blank lines */
	const char *p = (const char *) head, *end = p + len;
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (end - p >= 5 && memcmp (p, "From ", 5) == 0) {
		const char *nl = memchr (p, '\n', (gsize) (end - p));
		/* the next line must open a header block, or the file ends */
		if (!nl || nl + 1 >= end || looks_like_headers (nl + 1, (gsize) (end - nl - 1)) ||
		    header_name_len (nl + 1, (gsize) (end - nl - 1)) > 0 ||
		    mh_mbox_is_classic_separator (p, (gsize) (nl - p)))
			return MH_INPUT_MBOX;
	}
	if (looks_like_headers (p, (gsize) (end - p)))
		return MH_INPUT_EML;

	*reason = "not a mail format (no mbox separator or mail header at the start)";
	return MH_INPUT_UNKNOWN;
}
