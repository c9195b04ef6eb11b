/* What a file is, from its first bytes.  Declared types and file names are
 * chosen by the sender; an analyst wants both and the truth beside them. */
#include "config.h"

#include <string.h>

#include "mailhunt/message.h"

static gboolean
starts (const guint8 *d, gsize len, const char *magic, gsize n)
{
	return len >= n && memcmp (d, magic, n) == 0;
}

/* A ZIP whose first entries name OOXML parts is an Office document. */
static const char *
zip_kind (const guint8 *d, gsize len)
{
	gsize look = MIN (len, 4096);
	if (g_strstr_len ((const char *) d, (gssize) look, "[Content_Types].xml") ||
	    g_strstr_len ((const char *) d, (gssize) look, "word/") ||
	    g_strstr_len ((const char *) d, (gssize) look, "xl/") ||
	    g_strstr_len ((const char *) d, (gssize) look, "ppt/"))
		return "ooxml";
	return "zip";
}

const char *
mh_detect_type (const guint8 *d, gsize len)
{
	if (len == 0)
		return "empty";
	if (starts (d, len, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return "ole2";
	if (starts (d, len, "PK\x03\x04", 4))
		return zip_kind (d, len);
	if (starts (d, len, "%PDF-", 5))
		return "pdf";
	if (starts (d, len, "{\\rt", 4))
		return "rtf";
	if (starts (d, len, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (starts (d, len, "\xff\xd8\xff", 3))
		return "jpeg";
	if (starts (d, len, "GIF87a", 6) || starts (d, len, "GIF89a", 6))
		return "gif";
	if (starts (d, len, "\x1f\x8b", 2))
		return "gzip";
	if (starts (d, len, "MZ", 2))
		return "pe-executable";
	if (starts (d, len, "Rar!\x1a\x07", 6))
		return "rar";
	if (starts (d, len, "7z\xbc\xaf\x27\x1c", 6))
		return "7z";
	if (starts (d, len, "\x78\x9f\x3e\x22", 4))
		return "tnef";
	if (starts (d, len, "!BDN", 4))
		return "pst";
	if (starts (d, len, "<?xml", 5))
		return "xml";
	/* text: valid UTF-8 (or 7-bit) without NULs in the first bytes */
	gsize look = MIN (len, 4096);
	if (!memchr (d, '\0', look)) {
		const char *end;
		g_utf8_validate ((const char *) d, (gssize) look, &end);
		/* a multibyte character may be cut at the window's edge */
		if ((gsize) (end - (const char *) d) + 4 >= look)
			return "text";
	}
	return "binary";
}
