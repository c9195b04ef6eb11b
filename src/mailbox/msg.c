/* Outlook .msg files (MS-OXMSG): OLE2 storage read with libgsf.
 *
 * A .msg is one storage per MAPI object: the message at the root, one
 * __recip_version1.0_#XXXXXXXX storage per recipient, one
 * __attach_version1.0_#XXXXXXXX storage per attachment, and for an
 * attached message (attach method 5) a whole message storage again under
 * __substg1.0_3701000D.  Fixed-size properties sit in the 16-byte entries
 * of each storage's __properties_version1.0 stream; variable-size ones are
 * streams named __substg1.0_IIIITTTT (property id, property type).
 *
 * The file is evidence and an attack at once: every stream read is capped
 * (limits->max_message_size), recipients and attachments are counted, the
 * embedded-message recursion stops at limits->max_depth, and every cap
 * that is reached is reported in @problems.
 */
#include "config.h"

#include <string.h>

#include <gsf/gsf.h>

#include "mailhunt/autoptr.h"
#include "mailhunt/gsf-log.h"
#include "mailhunt/outlook.h"
#include "mailhunt/office.h"
#include "mailhunt/text.h"

G_DEFINE_QUARK (mh-outlook-error-quark, mh_outlook_error)

/* property types (MS-OXCDATA) */
#define PT_LONG      0x0003
#define PT_SYSTIME   0x0040
#define PT_OBJECT    0x000D
#define PT_STRING8   0x001E
#define PT_UNICODE   0x001F
#define PT_BINARY    0x0102

/* property ids (MS-OXPROPS) */
#define PR_SUBJECT                        0x0037
#define PR_MESSAGE_CLASS                  0x001A
#define PR_CLIENT_SUBMIT_TIME             0x0039
#define PR_SENT_REPRESENTING_NAME         0x0042
#define PR_SENT_REPRESENTING_EMAIL        0x0065
#define PR_TRANSPORT_MESSAGE_HEADERS      0x007D
#define PR_RECIPIENT_TYPE                 0x0C15
#define PR_SENDER_NAME                    0x0C1A
#define PR_SENDER_EMAIL_ADDRESS           0x0C1F
#define PR_MESSAGE_DELIVERY_TIME          0x0E06
#define PR_BODY                           0x1000
#define PR_RTF_COMPRESSED                 0x1009
#define PR_HTML                           0x1013
#define PR_INTERNET_MESSAGE_ID            0x1035
#define PR_IN_REPLY_TO_ID                 0x1042
#define PR_DISPLAY_NAME                   0x3001
#define PR_EMAIL_ADDRESS                  0x3003
#define PR_ATTACH_DATA                    0x3701
#define PR_ATTACH_FILENAME                0x3704
#define PR_ATTACH_METHOD                  0x3705
#define PR_ATTACH_LONG_FILENAME           0x3707
#define PR_ATTACH_MIME_TAG                0x370E
#define PR_ATTACH_CONTENT_ID              0x3712
#define PR_CREATION_TIME                  0x3007
#define PR_SMTP_ADDRESS                   0x39FE
#define PR_INTERNET_CPID                  0x3FDE
#define PR_MESSAGE_CODEPAGE               0x3FFD
#define PR_SENDER_SMTP_ADDRESS            0x5D01
#define PR_SENT_REPRESENTING_SMTP_ADDRESS 0x5D02

#define ATTACH_EMBEDDED_MSG 5
#define ATTACH_OLE          6

/* Caps of our own, beyond mh_limits: a .msg with more recipients than
 * this is not mail an analyst reads one by one, and property streams of
 * one storage are few (a few hundred in practice). */
#define MAX_RECIPIENTS   20000
#define MAX_PROPERTIES   4096
#define MAX_CHILDREN     100000
#define MAX_PROBLEMS     100

/* OLE2 signature */
static const guint8 ole2_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

typedef struct {
	guint16 type;
	guint16 id;
	guint8  value[8];
} fixed_prop;

/* State shared by a message and the messages embedded in it. */
typedef struct {
	const mh_limits *limits;
	GPtrArray       *problems;      /* may be NULL */
	guint            attachments;   /* counted over every level */
	gsize            budget;        /* bytes of attachment data left to copy */
	gsize            read_left;     /* bytes of streams left to read, all told */
	gboolean         capped_read;
	gboolean         capped_attachments;
	gboolean         capped_budget;
} msg_ctx;

/* One message storage being read. */
typedef struct {
	msg_ctx    *ctx;
	GsfInfile  *dir;
	GArray     *fixed;     /* of fixed_prop */
	const char *charset;   /* for PT_STRING8, NULL = guess */
} storage;

static void G_GNUC_PRINTF (2, 3)
problem (msg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	mh_problem_list_addv (ctx->problems, MAX_PROBLEMS, "Outlook .msg", fmt, ap);
	va_end (ap);
}

/* ---- reading streams ---- */

/* libgsf's OLE2 children are all GsfInfile objects; a stream is one that
 * has no children list. */
static gboolean
is_storage (GsfInput *in)
{
	return GSF_IS_INFILE (in) && gsf_infile_num_children (GSF_INFILE (in)) >= 0;
}

/* The whole content of stream @name in @dir, or NULL when absent; a
 * stream larger than the cap is cut there and reported. */
static GBytes *
read_stream (storage *s, const char *name)
{
	g_autoptr (GsfInput) in = gsf_infile_child_by_name (s->dir, name);
	if (!in || is_storage (in))
		return NULL;
	gsf_off_t size = gsf_input_size (in);
	if (size < 0)
		return NULL;
	gsize want = (gsize) size;
	gsize cap = s->ctx->limits->max_message_size;
	if (want > cap) {
		problem (s->ctx, "Outlook .msg: stream %s is %" G_GINT64_FORMAT " bytes, more than the cap of %zu: cut",
		         name, (gint64) size, cap);
		want = cap;
	}
	/* OLE2 sectors can be shared by many streams: a small file could make
	 * us read gigabytes, so all reads of one file share a budget */
	if (want > s->ctx->read_left) {
		if (!s->ctx->capped_read)
			problem (s->ctx, "Outlook .msg: streams add up to more than the file could hold: the rest are not read");
		s->ctx->capped_read = TRUE;
		return NULL;
	}
	s->ctx->read_left -= want;
	guint8 *buf = g_malloc (want ? want : 1);
	gsize got = 0;
	/* read in pieces: libgsf follows the sector chain, a broken one ends early */
	while (got < want) {
		gsize n = MIN (want - got, (gsize) 65536);
		if (!gsf_input_read (in, n, buf + got)) {
			problem (s->ctx, "Outlook .msg: stream %s ends after %zu of %zu bytes", name, got, want);
			break;
		}
		got += n;
	}
	return g_bytes_new_take (buf, got);
}

static GBytes *
prop_stream (storage *s, guint16 id, guint16 type)
{
	char name[32];
	g_snprintf (name, sizeof name, "__substg1.0_%04X%04X", id, type);
	return read_stream (s, name);
}

/* 8-bit text in the first of @charset, @fallback that fits it: writers
 * label string8 values with the code page of the HTML body
 * (PR_INTERNET_CPID) when the strings are in the system's ANSI code page
 * (POI's ASCII_UTF-8_CP1252 sample), so a label the bytes contradict is
 * dropped, and last mh_text_to_utf8 guesses. */
static char *
decode_8bit (const char *charset, const char *fallback, const char *data, gsize len)
{
	const char *tries[2] = { charset, fallback };
	for (int i = 0; i < 2; i++) {
		if (!tries[i])
			continue;
		gboolean exact = TRUE;
		char *text = mh_text_to_utf8 (tries[i], data, (gssize) len, &exact);
		if (exact)
			return text;
		g_free (text);
	}
	gboolean exact;
	return mh_text_to_utf8 (NULL, data, (gssize) len, &exact);
}

/* Text of a string property (Unicode or 8-bit, whichever the file has),
 * UTF-8, trailing NULs dropped; NULL when absent. */
static char *
prop_string (storage *s, guint16 id)
{
	g_autoptr (GBytes) b = prop_stream (s, id, PT_UNICODE);
	const char *charset = "utf-16le";
	gboolean eight_bit = FALSE;
	if (!b) {
		b = prop_stream (s, id, PT_STRING8);
		charset = s->charset;
		eight_bit = TRUE;
	}
	if (!b)
		return NULL;
	gsize len;
	const char *data = g_bytes_get_data (b, &len);
	if (eight_bit) {
		while (len > 0 && data[len - 1] == '\0')
			len--;
	} else {
		len &= ~(gsize) 1;
		while (len >= 2 && data[len - 1] == '\0' && data[len - 2] == '\0')
			len -= 2;
	}
	if (len == 0)
		return g_strdup ("");
	return eight_bit ? decode_8bit (charset, NULL, data, len)
	                 : mh_text_to_utf8 (charset, data, (gssize) len, NULL);
}

/* Loads the fixed-size entries of __properties_version1.0 after a
 * header of @header bytes. */
static void
load_fixed (storage *s, gsize header)
{
	s->fixed = g_array_new (FALSE, FALSE, sizeof (fixed_prop));
	g_autoptr (GBytes) b = read_stream (s, "__properties_version1.0");
	if (!b)
		return;
	gsize len;
	const guint8 *p = g_bytes_get_data (b, &len);
	if (len < header)
		return;
	guint n = 0;
	for (gsize off = header; off + 16 <= len; off += 16) {
		if (++n > MAX_PROPERTIES) {
			problem (s->ctx, "Outlook .msg: more than %d property entries in a storage: the rest are not read",
			         MAX_PROPERTIES);
			break;
		}
		fixed_prop fp;
		fp.type = (guint16) (p[off] | p[off + 1] << 8);
		fp.id = (guint16) (p[off + 2] | p[off + 3] << 8);
		memcpy (fp.value, p + off + 8, 8);
		g_array_append_val (s->fixed, fp);
	}
}

static const fixed_prop *
find_fixed (storage *s, guint16 id, guint16 type)
{
	for (guint i = 0; i < s->fixed->len; i++) {
		const fixed_prop *fp = &g_array_index (s->fixed, fixed_prop, i);
		if (fp->id == id && fp->type == type)
			return fp;
	}
	return NULL;
}

static gboolean
fixed_long (storage *s, guint16 id, gint32 *out)
{
	const fixed_prop *fp = find_fixed (s, id, PT_LONG);
	if (!fp)
		return FALSE;
	*out = (gint32) ((guint32) fp->value[0] | (guint32) fp->value[1] << 8 |
	                 (guint32) fp->value[2] << 16 | (guint32) fp->value[3] << 24);
	return TRUE;
}

/* A PT_SYSTIME (FILETIME: 100 ns since 1601) as a GDateTime, or NULL. */
static GDateTime *
fixed_time (storage *s, guint16 id)
{
	const fixed_prop *fp = find_fixed (s, id, PT_SYSTIME);
	if (!fp)
		return NULL;
	guint64 ft = 0;
	for (int i = 7; i >= 0; i--)
		ft = ft << 8 | fp->value[i];
	if (ft == 0)
		return NULL;
	gint64 unix_time = (gint64) (ft / 10000000) - G_GINT64_CONSTANT (11644473600);
	return g_date_time_new_from_unix_utc (unix_time);   /* NULL when out of range */
}

/* The charset name mh_text_to_utf8 knows for a Windows code page. */
static const char *
codepage_charset (gint32 cp)
{
	static const struct { gint32 cp; const char *name; } map[] = {
		{ 874, "windows-874" }, { 932, "cp932" }, { 936, "gbk" }, { 949, "cp949" },
		{ 950, "big5" }, { 1250, "windows-1250" }, { 1251, "windows-1251" },
		{ 1252, "windows-1252" }, { 1253, "windows-1253" }, { 1254, "windows-1254" },
		{ 1255, "windows-1255" }, { 1256, "windows-1256" }, { 1257, "windows-1257" },
		{ 1258, "windows-1258" }, { 10000, "macintosh" }, { 20127, "us-ascii" },
		{ 20866, "koi8-r" }, { 21866, "koi8-u" }, { 28591, "iso-8859-1" }, { 28592, "iso-8859-2" },
		{ 28595, "iso-8859-5" }, { 28597, "iso-8859-7" }, { 28599, "iso-8859-9" },
		{ 28605, "iso-8859-15" }, { 50220, "iso-2022-jp" }, { 50221, "iso-2022-jp" },
		{ 50222, "iso-2022-jp" }, { 51932, "euc-jp" }, { 51949, "euc-kr" }, { 52936, "hz-gb-2312" },
		{ 54936, "gb18030" }, { 65001, "utf-8" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
		if (map[i].cp == cp)
			return map[i].name;
	return NULL;
}

/* charset="..." or charset=... in @text (an HTML meta tag or a
 * Content-Type header), as a static string from a short list of the
 * charsets Outlook writes, so nothing of the input is kept. */
static const char *
sniff_charset (const char *text, gsize len)
{
	static const char *known[] = {
		"windows-1250", "windows-1251", "windows-1252", "windows-1253", "windows-1254",
		"windows-1255", "windows-1256", "windows-1257", "windows-1258", "koi8-r", "koi8-u",
		"iso-8859-1", "iso-8859-2", "iso-8859-5", "iso-8859-7", "iso-8859-15", "big5", "gb2312",
		"gbk", "gb18030", "shift_jis", "iso-2022-jp", "euc-jp", "euc-kr", "ks_c_5601-1987", "utf-8",
	};
	gsize n = MIN (len, (gsize) 65536);
	for (gsize i = 0; i + 8 < n; i++) {
		if (g_ascii_strncasecmp (text + i, "charset=", 8) != 0)
			continue;
		gsize j = i + 8;
		if (j < n && (text[j] == '"' || text[j] == '\''))
			j++;
		for (gsize k = 0; k < G_N_ELEMENTS (known); k++) {
			gsize kl = strlen (known[k]);
			if (j + kl <= n && g_ascii_strncasecmp (text + j, known[k], kl) == 0)
				return known[k];
		}
		return NULL;
	}
	return NULL;
}

/* ---- compressed RTF (MS-OXRTFCP) ---- */

static const char rtf_prebuf[] =
	"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
	"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
	"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

#define RTF_MAGIC_COMPRESSED   0x75465A4C  /* "LZFu" */
#define RTF_MAGIC_UNCOMPRESSED 0x414C454D  /* "MELA" */

/* Decompressed RTF, at most @max bytes (the RAWSIZE field is not
 * trusted); NULL when the stream is not compressed RTF. */
static GByteArray *
rtf_decompress (const guint8 *data, gsize len, gsize max, gboolean *capped)
{
	*capped = FALSE;
	if (len < 16)
		return NULL;
	guint32 comp_size = GSF_LE_GET_GUINT32 (data);
	guint32 raw_size = GSF_LE_GET_GUINT32 (data + 4);
	guint32 magic = GSF_LE_GET_GUINT32 (data + 8);
	gsize end = len;
	if ((gsize) comp_size + 4 < end)
		end = (gsize) comp_size + 4;
	GByteArray *out = g_byte_array_sized_new ((guint) MIN ((gsize) raw_size, MIN (max, (gsize) 1 << 20)) + 1);

	if (magic == RTF_MAGIC_UNCOMPRESSED) {
		gsize n = MIN (end - 16, max);
		*capped = n < end - 16;
		g_byte_array_append (out, data + 16, (guint) n);
		return out;
	}
	if (magic != RTF_MAGIC_COMPRESSED) {
		g_byte_array_unref (out);
		return NULL;
	}
	guint8 dict[4096];
	gsize pre = sizeof rtf_prebuf - 1;
	memcpy (dict, rtf_prebuf, pre);
	memset (dict + pre, 0, sizeof dict - pre);
	guint wpos = (guint) pre;
	gsize in = 16;
	/* each control byte is followed by 8 items; every item consumes input,
	 * so the loop ends with the input */
	while (in < end) {
		guint8 control = data[in++];
		for (int bit = 0; bit < 8 && in < end; bit++) {
			if (!(control & (1u << bit))) {
				if (out->len >= max) {
					*capped = TRUE;
					return out;
				}
				dict[wpos] = data[in];
				wpos = (wpos + 1) & 4095;
				g_byte_array_append (out, data + in, 1);
				in++;
				continue;
			}
			if (in + 2 > end)
				return out;
			guint ref = (guint) data[in] << 8 | data[in + 1];
			in += 2;
			guint offset = ref >> 4;
			guint length = (ref & 15) + 2;
			if (offset == wpos)   /* the end marker */
				return out;
			for (guint i = 0; i < length; i++) {
				if (out->len >= max) {
					*capped = TRUE;
					return out;
				}
				guint8 c = dict[(offset + i) & 4095];
				dict[wpos] = c;
				wpos = (wpos + 1) & 4095;
				g_byte_array_append (out, &c, 1);
			}
		}
	}
	return out;
}

/* ---- RTF to text, roughly ---- */

/* Destinations whose text is not body text. */
static gboolean
skipped_destination (const char *word)
{
	static const char *skip[] = {
		"fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer",
		"headerl", "headerr", "footerl", "footerr", "listtable", "listoverridetable",
		"rsidtbl", "generator", "xmlnstbl", "themedata", "colorschememapping", "datastore",
		"latentstyles", "pgdsctbl", "filetbl", "revtbl", "fldinst",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (skip); i++)
		if (strcmp (word, skip[i]) == 0)
			return TRUE;
	return FALSE;
}

#define RTF_MAX_GROUP_DEPTH 256

/* Text of an RTF document: control words and ignorable groups dropped,
 * \par and \line become line breaks, \'hh bytes are decoded with the
 * document's \ansicpg, \uN characters kept.  With \fromhtml the HTML
 * Outlook encapsulated is rebuilt instead (the \*\htmltag groups and the
 * text outside \htmlrtf), and *@is_html is set.  Output at most @max
 * bytes. */
static char *
rtf_to_text (const guint8 *rtf, gsize len, gsize max, gboolean *is_html, gboolean *capped)
{
	GString *bytes = g_string_new (NULL);    /* in the document's code page */
	GString *out = g_string_new (NULL);      /* UTF-8 */
	const char *charset = "windows-1252";
	gboolean fromhtml = FALSE;
	/* per group: skipped? inside \htmlrtf? an \*\htmltag group? */
	gboolean skip[RTF_MAX_GROUP_DEPTH], htmlrtf[RTF_MAX_GROUP_DEPTH], htmltag[RTF_MAX_GROUP_DEPTH];
	int depth = 0;
	int uc = 1;            /* bytes to skip after \uN */
	int skip_bytes = 0;
	gboolean star = FALSE;
	skip[0] = htmlrtf[0] = htmltag[0] = FALSE;
	*capped = FALSE;

#define FLUSH() do { \
		if (bytes->len) { \
			gboolean ex; \
			g_autofree char *u = mh_text_to_utf8 (charset, bytes->str, (gssize) bytes->len, &ex); \
			g_string_append (out, u); \
			g_string_truncate (bytes, 0); \
		} \
	} while (0)
#define EMITTING() (!skip[depth] && (!htmlrtf[depth] || htmltag[depth]))

	for (gsize i = 0; i < len; ) {
		if (out->len + bytes->len >= max) {
			*capped = TRUE;
			break;
		}
		guint8 c = rtf[i];
		if (c == '{') {
			if (depth + 1 >= RTF_MAX_GROUP_DEPTH) {
				*capped = TRUE;
				break;
			}
			depth++;
			skip[depth] = skip[depth - 1];
			htmlrtf[depth] = htmlrtf[depth - 1];
			htmltag[depth] = htmltag[depth - 1];
			star = FALSE;
			i++;
			continue;
		}
		if (c == '}') {
			if (depth > 0)
				depth--;
			star = FALSE;
			i++;
			continue;
		}
		if (c == '\r' || c == '\n') {
			i++;
			continue;
		}
		if (c != '\\') {
			if (skip_bytes > 0)
				skip_bytes--;
			else if (EMITTING ())
				g_string_append_c (bytes, (char) c);
			i++;
			continue;
		}
		/* a control symbol or word */
		i++;
		if (i >= len)
			break;
		c = rtf[i];
		if (c == '\'') {
			if (i + 2 < len + 0 && g_ascii_isxdigit (rtf[i + 1]) && g_ascii_isxdigit (rtf[i + 2])) {
				guint8 b = (guint8) (g_ascii_xdigit_value (rtf[i + 1]) << 4 | g_ascii_xdigit_value (rtf[i + 2]));
				if (skip_bytes > 0)
					skip_bytes--;
				else if (EMITTING ())
					g_string_append_c (bytes, (char) b);
				i += 3;
			} else {
				i++;
			}
			continue;
		}
		if (c == '*') {
			star = TRUE;
			i++;
			continue;
		}
		if (!g_ascii_isalpha (c)) {
			/* \\ \{ \} are text; \~ is a space; others are dropped */
			if ((c == '\\' || c == '{' || c == '}') && EMITTING ())
				g_string_append_c (bytes, (char) c);
			else if (c == '~' && EMITTING ())
				g_string_append_c (bytes, ' ');
			i++;
			continue;
		}
		char word[32];
		gsize wl = 0;
		while (i < len && g_ascii_isalpha (rtf[i])) {
			if (wl < sizeof word - 1)
				word[wl++] = (char) rtf[i];
			i++;
		}
		word[wl] = '\0';
		gboolean has_param = FALSE;
		gint64 param = 0;
		gboolean neg = FALSE;
		if (i < len && rtf[i] == '-') {
			neg = TRUE;
			i++;
		}
		int digits = 0;
		while (i < len && g_ascii_isdigit (rtf[i])) {
			if (digits++ < 10)
				param = param * 10 + (rtf[i] - '0');
			has_param = TRUE;
			i++;
		}
		if (neg)
			param = -param;
		if (i < len && rtf[i] == ' ')
			i++;

		if (star) {
			star = FALSE;
			if (strcmp (word, "htmltag") == 0) {
				htmltag[depth] = TRUE;
				continue;
			}
			skip[depth] = TRUE;
			continue;
		}
		if (skipped_destination (word)) {
			skip[depth] = TRUE;
		} else if (strcmp (word, "fromhtml") == 0) {
			fromhtml = TRUE;
		} else if (strcmp (word, "htmlrtf") == 0) {
			htmlrtf[depth] = !(has_param && param == 0);
		} else if (strcmp (word, "ansicpg") == 0 && has_param) {
			const char *cs = codepage_charset ((gint32) param);
			if (cs) {
				FLUSH ();
				charset = cs;
			}
		} else if (strcmp (word, "uc") == 0 && has_param) {
			uc = (int) CLAMP (param, 0, 8);
		} else if (strcmp (word, "u") == 0 && has_param) {
			if (EMITTING ()) {
				FLUSH ();
				gunichar ch = (gunichar) (param < 0 ? param + 65536 : param);
				if (!g_unichar_validate (ch) || ch == 0)
					ch = 0xFFFD;
				g_string_append_unichar (out, ch);
			}
			skip_bytes = uc;
			continue;
		} else if (EMITTING ()) {
			if (strcmp (word, "par") == 0 || strcmp (word, "line") == 0)
				g_string_append_c (bytes, '\n');
			else if (strcmp (word, "tab") == 0)
				g_string_append_c (bytes, '\t');
		}
		skip_bytes = 0;
	}
	FLUSH ();
#undef FLUSH
#undef EMITTING
	g_string_free (bytes, TRUE);
	*is_html = fromhtml;
	return g_string_free (out, FALSE);
}

/* ---- building the MIME tree ---- */

static GMimePart *
text_part (const char *subtype, const char *utf8)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype (subtype);
	GMimePart *part = GMIME_PART (tp);
	g_autoptr (GMimeStream) mem = g_mime_stream_mem_new_with_buffer (utf8, strlen (utf8));
	g_autoptr (GMimeDataWrapper) w = g_mime_data_wrapper_new_with_stream (mem, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content (part, w);
	g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "utf-8");
	g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return part;
}

/* "type/subtype" from the MIME tag when it is one, else octet-stream. */
static GMimePart *
new_part_for_tag (const char *tag)
{
	if (tag && *tag) {
		g_autoptr (GMimeContentType) ct = g_mime_content_type_parse (NULL, tag);
		if (ct && g_mime_content_type_get_media_type (ct) && g_mime_content_type_get_media_subtype (ct) &&
		    !g_mime_content_type_is_type (ct, "multipart", "*") &&
		    !g_mime_content_type_is_type (ct, "message", "*"))
			return g_mime_part_new_with_type (g_mime_content_type_get_media_type (ct),
			                                  g_mime_content_type_get_media_subtype (ct));
	}
	return g_mime_part_new_with_type ("application", "octet-stream");
}

static char *prop_address (storage *s, guint16 id, guint16 fallback);
static GMimeMessage *read_message (msg_ctx *ctx, GsfInfile *dir, gsize header, int depth, GError **error);

typedef struct {
	const char *name;   /* owned by libgsf, valid while the storage is open */
	int         index;
} child_ref;

static gint
compare_children (gconstpointer a, gconstpointer b)
{
	return strcmp (((const child_ref *) a)->name, ((const child_ref *) b)->name);
}

/* The children of @dir whose name starts with @prefix, sorted by name (the
 * order Outlook numbered them in); opened by index later, because a lookup
 * by name is linear and thousands of recipients would make it quadratic. */
static GArray *
children_with_prefix (msg_ctx *ctx, GsfInfile *dir, const char *prefix)
{
	GArray *refs = g_array_new (FALSE, FALSE, sizeof (child_ref));
	int n = gsf_infile_num_children (dir);
	if (n > MAX_CHILDREN) {
		problem (ctx, "Outlook .msg: a storage with %d entries: only the first %d are read", n, MAX_CHILDREN);
		n = MAX_CHILDREN;
	}
	for (int i = 0; i < n; i++) {
		child_ref r = { gsf_infile_name_by_index (dir, i), i };
		if (r.name && g_str_has_prefix (r.name, prefix))
			g_array_append_val (refs, r);
	}
	g_array_sort (refs, compare_children);
	return refs;
}

static void
add_recipients (storage *s, GMimeMessage *msg)
{
	g_autoptr (GArray) names = children_with_prefix (s->ctx, s->dir, "__recip_version1.0_");
	for (guint i = 0; i < names->len; i++) {
		if (i >= MAX_RECIPIENTS) {
			problem (s->ctx, "Outlook .msg: more than %d recipients: the rest are not read", MAX_RECIPIENTS);
			break;
		}
		g_autoptr (GsfInput) child = gsf_infile_child_by_index (s->dir, g_array_index (names, child_ref, i).index);
		if (!child || !is_storage (child))
			continue;
		storage r = { s->ctx, GSF_INFILE (child), NULL, s->charset };
		load_fixed (&r, 8);
		gint32 type = 1;
		fixed_long (&r, PR_RECIPIENT_TYPE, &type);
		g_autofree char *name = prop_string (&r, PR_DISPLAY_NAME);
		g_autofree char *addr = prop_address (&r, PR_SMTP_ADDRESS, PR_EMAIL_ADDRESS);
		g_array_unref (r.fixed);
		if ((!name || !*name) && (!addr || !*addr))
			continue;
		GMimeAddressType at = (type & 0xF) == 2 ? GMIME_ADDRESS_TYPE_CC
		                    : (type & 0xF) == 3 ? GMIME_ADDRESS_TYPE_BCC : GMIME_ADDRESS_TYPE_TO;
		g_mime_message_add_mailbox (msg, at, name ? name : "", addr ? addr : "");
	}
}

/* An attachment whose MIME tag says it is MIME itself: a message/rfc822
 * (an attached .eml) becomes a message part, a multipart/... (the body
 * of an S/MIME .msg) the MIME entity it is.  NULL for anything else. */
static GMimeObject *
mime_attachment (const char *tag, GBytes *data)
{
	gboolean is_message = g_ascii_strncasecmp (tag, "message/rfc822", 14) == 0;
	if (!is_message && g_ascii_strncasecmp (tag, "multipart/", 10) != 0)
		return NULL;
	gsize len;
	const char *bytes = g_bytes_get_data (data, &len);
	g_autoptr (GMimeStream) mem = g_mime_stream_mem_new_with_buffer (bytes, len);
	g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (mem);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	if (is_message) {
		g_autoptr (GMimeMessage) inner = g_mime_parser_construct_message (parser, NULL);
		return inner ? GMIME_OBJECT (g_mime_message_part_new_with_message ("rfc822", inner)) : NULL;
	}
	GMimeObject *entity = g_mime_parser_construct_part (parser, NULL);
	if (entity && !GMIME_IS_MULTIPART (entity))
		g_clear_object (&entity);
	return entity;
}

static GMimeObject *
attachment_part (storage *s, GsfInfile *adir, int depth)
{
	msg_ctx *ctx = s->ctx;
	storage a = { ctx, adir, NULL, s->charset };
	load_fixed (&a, 8);
	gint32 method = 1;
	fixed_long (&a, PR_ATTACH_METHOD, &method);
	g_autofree char *filename = prop_string (&a, PR_ATTACH_LONG_FILENAME);
	if (!filename || !*filename) {
		g_free (filename);
		filename = prop_string (&a, PR_ATTACH_FILENAME);
	}
	if (!filename || !*filename) {
		g_free (filename);
		filename = prop_string (&a, PR_DISPLAY_NAME);
	}
	g_autofree char *tag = prop_string (&a, PR_ATTACH_MIME_TAG);
	g_autofree char *cid = prop_string (&a, PR_ATTACH_CONTENT_ID);
	GMimeObject *result = NULL;

	if (method == ATTACH_EMBEDDED_MSG) {
		g_autoptr (GsfInput) sub = gsf_infile_child_by_name (adir, "__substg1.0_3701000D");
		if (sub && is_storage (sub)) {
			if (depth + 1 > ctx->limits->max_depth) {
				problem (ctx, "Outlook .msg: attached messages nested deeper than %d: not read",
				         ctx->limits->max_depth);
			} else {
				g_autoptr (GError) err = NULL;
				g_autoptr (GMimeMessage) inner = read_message (ctx, GSF_INFILE (sub), 24, depth + 1, &err);
				if (inner)
					result = GMIME_OBJECT (g_mime_message_part_new_with_message ("rfc822", inner));
				else
					problem (ctx, "Outlook .msg: attached message not read: %s", err->message);
			}
		}
	}
	g_autoptr (GBytes) ole_object = NULL;
	if (method == ATTACH_OLE) {
		/* an OLE object (an embedded Word or Excel document, say) is kept
		 * as a storage: copied into a compound file of its own it is a file
		 * like any other attachment, and the Office analyser opens it */
		g_autoptr (GsfInput) sub = gsf_infile_child_by_name (adir, "__substg1.0_3701000D");
		if (sub && is_storage (sub)) {
			g_autoptr (GError) err = NULL;
			ole_object = mh_ole_storage_to_bytes (GSF_INFILE (sub), MIN (ctx->budget, ctx->read_left), &err);
			if (ole_object)
				ctx->read_left -= MIN (ctx->read_left, g_bytes_get_size (ole_object));
			else
				problem (ctx, "Outlook .msg: OLE object attachment not copied: %s", err->message);
		}
	}
	if (!result) {
		g_autoptr (GBytes) data = ole_object ? g_bytes_ref (ole_object) : prop_stream (&a, PR_ATTACH_DATA, PT_BINARY);
		gsize len = data ? g_bytes_get_size (data) : 0;
		if (len > ctx->budget) {
			if (!ctx->capped_budget)
				problem (ctx, "Outlook .msg: attachments larger than %zu bytes in all: the rest are empty",
				         ctx->limits->max_message_size);
			ctx->capped_budget = TRUE;
			g_clear_pointer (&data, g_bytes_unref);
			len = 0;
		}
		ctx->budget -= len;
		/* Outlook stores a dropped-in .eml with no MIME tag */
		const char *mime_tag = tag && *tag ? tag
		                     : filename && g_str_has_suffix (filename, ".eml") ? "message/rfc822" : NULL;
		if (data && len > 0 && mime_tag)
			result = mime_attachment (mime_tag, data);
		if (result && GMIME_IS_MULTIPART (result)) {
			/* S/MIME .msg (IPM.Note.SMIME.MultipartSigned): the one
			 * attachment is the signed MIME body, with the real
			 * attachments inside; it takes the place of the body */
			g_array_unref (a.fixed);
			return result;
		}
		if (!result) {
			GMimePart *part = new_part_for_tag (tag);
			g_autoptr (GMimeStream) mem = data ? g_mime_stream_mem_new_with_buffer (g_bytes_get_data (data, NULL), len)
			                                   : g_mime_stream_mem_new ();
			g_autoptr (GMimeDataWrapper) w = g_mime_data_wrapper_new_with_stream (mem, GMIME_CONTENT_ENCODING_DEFAULT);
			g_mime_part_set_content (part, w);
			g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
			result = GMIME_OBJECT (part);
		}
	}
	g_mime_object_set_disposition (result, "attachment");
	if (filename && *filename)
		g_mime_object_set_content_disposition_parameter (result, "filename", filename);
	if (cid && *cid)
		g_mime_object_set_content_id (result, cid);
	g_array_unref (a.fixed);
	return result;
}

/* Parses PR_TRANSPORT_MESSAGE_HEADERS as a header block; NULL when GMime
 * finds no header in it. */
static GMimeMessage *
message_from_headers (const char *headers)
{
	/* Exchange sometimes starts the block with a banner line
	 * ("Microsoft Mail Internet Headers Version 2.0") that is no header */
	const char *start = headers;
	const char *nl = strchr (start, '\n');
	const char *colon = strchr (start, ':');
	if (nl && (!colon || colon > nl))
		start = nl + 1;
	while (*start == '\r' || *start == '\n')
		start++;
	g_autofree char *block = g_strconcat (start, "\r\n\r\n", NULL);
	g_autoptr (GMimeStream) mem = g_mime_stream_mem_new_with_buffer (block, strlen (block));
	g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (mem);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
	if (msg && g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (msg))) == 0)
		g_clear_object (&msg);
	return msg;
}

/* An SMTP address from the first of two properties that holds one:
 * Exchange writes X.500 DNs ("/O=ORG/OU=.../CN=...") in the address
 * properties of internal senders, and those are no mail address. */
static char *
prop_address (storage *s, guint16 id, guint16 fallback)
{
	guint16 ids[2] = { id, fallback };
	for (int i = 0; i < 2; i++) {
		char *a = prop_string (s, ids[i]);
		if (a && a[0] != '/' && strchr (a, '@'))
			return g_strstrip (a);
		g_free (a);
	}
	return NULL;
}

static char *
strip_angles (char *id)
{
	g_strstrip (id);
	gsize l = strlen (id);
	if (l >= 2 && id[0] == '<' && id[l - 1] == '>') {
		memmove (id, id + 1, l - 2);
		id[l - 2] = '\0';
	}
	return id;
}

static GMimeMessage *
read_message (msg_ctx *ctx, GsfInfile *dir, gsize header, int depth, GError **error)
{
	storage s = { ctx, dir, NULL, NULL };
	load_fixed (&s, header);
	if (s.fixed->len == 0) {
		g_array_unref (s.fixed);
		g_set_error_literal (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_CORRUPT,
		                     "no property stream (__properties_version1.0)");
		return NULL;
	}

	/* PR_MESSAGE_CODEPAGE is the one for 8-bit strings; writers that lack
	 * it have PR_INTERNET_CPID (the HTML body's), often the same */
	gint32 cp;
	if (fixed_long (&s, PR_MESSAGE_CODEPAGE, &cp))
		s.charset = codepage_charset (cp);
	if (!s.charset && fixed_long (&s, PR_INTERNET_CPID, &cp))
		s.charset = codepage_charset (cp);

	g_autofree char *headers_text = NULL;
	{
		/* read the headers first: their Content-Type may name the charset
		 * the 8-bit properties are in when no code page property does */
		g_autoptr (GBytes) hb = prop_stream (&s, PR_TRANSPORT_MESSAGE_HEADERS, PT_UNICODE);
		if (hb)
			headers_text = prop_string (&s, PR_TRANSPORT_MESSAGE_HEADERS);
		else if ((hb = prop_stream (&s, PR_TRANSPORT_MESSAGE_HEADERS, PT_STRING8))) {
			gsize hl;
			const char *hd = g_bytes_get_data (hb, &hl);
			if (!s.charset)
				s.charset = sniff_charset (hd, hl);
			headers_text = prop_string (&s, PR_TRANSPORT_MESSAGE_HEADERS);
		}
	}

	/* bodies */
	g_autofree char *body = prop_string (&s, PR_BODY);
	g_autofree char *html = NULL;
	{
		g_autoptr (GBytes) hb = prop_stream (&s, PR_HTML, PT_BINARY);
		if (hb) {
			gsize hl;
			const char *hd = g_bytes_get_data (hb, &hl);
			const char *cs = sniff_charset (hd, hl);
			html = decode_8bit (cs ? cs : s.charset, s.charset, hd, hl);
			if (!s.charset && cs)
				s.charset = cs;
		} else {
			html = prop_string (&s, PR_HTML);
		}
	}
	if (!body || !*body) {
		g_autoptr (GBytes) rb = prop_stream (&s, PR_RTF_COMPRESSED, PT_BINARY);
		if (rb) {
			gboolean capped, is_html, tcapped;
			gsize rl;
			const guint8 *rd = g_bytes_get_data (rb, &rl);
			g_autoptr (GByteArray) rtf = rtf_decompress (rd, rl, ctx->limits->max_message_size, &capped);
			if (capped)
				problem (ctx, "Outlook .msg: RTF body longer than %zu bytes: cut", ctx->limits->max_message_size);
			if (!rtf) {
				problem (ctx, "Outlook .msg: RTF body is not compressed RTF: not read");
			} else {
				char *text = rtf_to_text (rtf->data, rtf->len, ctx->limits->max_body_text, &is_html, &tcapped);
				if (tcapped)
					problem (ctx, "Outlook .msg: text of the RTF body longer than %zu bytes: cut",
					         ctx->limits->max_body_text);
				if (is_html && (!html || !*html)) {
					g_free (html);
					html = text;
				} else if (!is_html) {
					g_free (body);
					body = text;
				} else {
					g_free (text);
				}
			}
		}
	}
	/* string8 values with no code page: let the bodies' charset speak */
	g_autofree char *subject = prop_string (&s, PR_SUBJECT);

	/* the transport headers are the real ones; the properties fill in
	 * what they lack (and are all there is for mail never sent) */
	GMimeMessage *msg = headers_text && *headers_text ? message_from_headers (headers_text) : NULL;
	if (!msg) {
		msg = g_mime_message_new (FALSE);
		g_mime_object_set_header (GMIME_OBJECT (msg), "MIME-Version", "1.0", NULL);
	}
	GMimeObject *mo = GMIME_OBJECT (msg);
	char *message_class = prop_string (&s, PR_MESSAGE_CLASS);
	if (message_class)
		g_object_set_data_full (G_OBJECT (msg), MH_OUTLOOK_CLASS_DATA, g_strstrip (message_class), g_free);
	{
		char *dn = prop_string (&s, PR_SENDER_EMAIL_ADDRESS);
		if (!dn || dn[0] != '/' || strchr (dn, '@')) {
			g_free (dn);
			dn = prop_string (&s, PR_SENT_REPRESENTING_EMAIL);
		}
		if (dn && dn[0] == '/' && !strchr (dn, '@'))
			g_object_set_data_full (G_OBJECT (msg), MH_OUTLOOK_SENDER_DN_DATA, dn, g_free);
		else
			g_free (dn);
	}
	if (!g_mime_object_get_header (mo, "Subject") && subject)
		g_mime_message_set_subject (msg, subject, "utf-8");
	if (!g_mime_object_get_header (mo, "From")) {
		g_autofree char *from_name = prop_string (&s, PR_SENT_REPRESENTING_NAME);
		g_autofree char *from_addr = prop_address (&s, PR_SENT_REPRESENTING_SMTP_ADDRESS,
		                                           PR_SENT_REPRESENTING_EMAIL);
		g_autofree char *sender_name = prop_string (&s, PR_SENDER_NAME);
		g_autofree char *sender_addr = prop_address (&s, PR_SENDER_SMTP_ADDRESS, PR_SENDER_EMAIL_ADDRESS);
		if (!from_name && !from_addr) {
			from_name = g_steal_pointer (&sender_name);
			from_addr = g_steal_pointer (&sender_addr);
		}
		if (from_name || from_addr)
			g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_FROM, from_name ? from_name : "",
			                            from_addr ? from_addr : "");
		if ((sender_name || sender_addr) && g_strcmp0 (sender_addr, from_addr) != 0 &&
		    !g_mime_object_get_header (mo, "Sender"))
			g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_SENDER, sender_name ? sender_name : "",
			                            sender_addr ? sender_addr : "");
	}
	if (!g_mime_object_get_header (mo, "To") && !g_mime_object_get_header (mo, "Cc"))
		add_recipients (&s, msg);
	if (!g_mime_object_get_header (mo, "Date")) {
		GDateTime *when = fixed_time (&s, PR_CLIENT_SUBMIT_TIME);
		if (!when)
			when = fixed_time (&s, PR_MESSAGE_DELIVERY_TIME);
		if (!when && (when = fixed_time (&s, PR_CREATION_TIME)))
			/* a draft or an item never sent has only its creation time */
			problem (ctx, "Outlook .msg: no sent or delivery time: Date is the item's creation time");
		if (when) {
			g_mime_message_set_date (msg, when);
			g_date_time_unref (when);
		}
	}
	if (!g_mime_object_get_header (mo, "Message-ID")) {
		g_autofree char *mid = prop_string (&s, PR_INTERNET_MESSAGE_ID);
		if (mid && *strip_angles (mid))
			g_mime_message_set_message_id (msg, mid);
	}
	if (!g_mime_object_get_header (mo, "In-Reply-To")) {
		g_autofree char *irt = prop_string (&s, PR_IN_REPLY_TO_ID);
		if (irt && *g_strstrip (irt))
			g_mime_object_set_header (mo, "In-Reply-To", irt, "utf-8");
	}

	/* the body: mixed( alternative(text, html), attachments... ) */
	g_autoptr (GMimeMultipart) mixed = g_mime_multipart_new_with_subtype ("mixed");
	g_autoptr (GMimeMultipart) alt = g_mime_multipart_new_with_subtype ("alternative");
	if (body && *body) {
		g_autoptr (GMimePart) p = text_part ("plain", body);
		g_mime_multipart_add (alt, GMIME_OBJECT (p));
	}
	if (html && *html) {
		g_autoptr (GMimePart) p = text_part ("html", html);
		g_mime_multipart_add (alt, GMIME_OBJECT (p));
	}
	if (g_mime_multipart_get_count (alt) > 0)
		g_mime_multipart_add (mixed, GMIME_OBJECT (alt));

	g_autoptr (GArray) anames = children_with_prefix (ctx, dir, "__attach_version1.0_");
	for (guint i = 0; i < anames->len; i++) {
		if (ctx->attachments >= ctx->limits->max_attachments) {
			if (!ctx->capped_attachments)
				problem (ctx, "Outlook .msg: more than %u attachments: the rest are not read",
				         ctx->limits->max_attachments);
			ctx->capped_attachments = TRUE;
			break;
		}
		g_autoptr (GsfInput) child = gsf_infile_child_by_index (dir, g_array_index (anames, child_ref, i).index);
		if (!child || !is_storage (child))
			continue;
		ctx->attachments++;
		g_autoptr (GMimeObject) part = attachment_part (&s, GSF_INFILE (child), depth);
		if (!part)
			continue;
		/* the MIME body of an S/MIME item holds the text again: it
		 * replaces the one from the properties */
		if (GMIME_IS_MULTIPART (part) && g_mime_multipart_get_count (alt) > 0 &&
		    g_mime_multipart_index_of (mixed, GMIME_OBJECT (alt)) == 0)
			g_mime_multipart_remove_at (mixed, 0);
		g_mime_multipart_add (mixed, part);
	}
	g_mime_message_set_mime_part (msg, GMIME_OBJECT (mixed));
	g_array_unref (s.fixed);
	return msg;
}

/* libgsf reports a broken OLE2 structure (bad sector chains, ...) with
 * g_warning on stderr, where it would interleave with the report: while
 * we read a file, its messages become problems of that file instead. */
static void
gsf_complaint (gpointer data, const char *message)
{
	problem (data, "Outlook .msg: broken OLE2 structure (libgsf: %s)", message);
}

/* The root storage of an OLE2 file, or NULL. */
static GsfInfile *
open_ole2 (const guint8 *data, gsize len, GError **error)
{
	if (len < 512 || memcmp (data, ole2_magic, sizeof ole2_magic) != 0) {
		g_set_error_literal (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_NOT_OUTLOOK, "not an OLE2 file");
		return NULL;
	}
	g_autoptr (GsfInput) in = gsf_input_memory_new (data, (gsf_off_t) len, FALSE);
	g_autoptr (GError) err = NULL;
	GsfInfile *root = gsf_infile_msole_new (in, &err);
	if (!root)
		g_set_error (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_CORRUPT, "broken OLE2 file: %s",
		             err ? err->message : "unreadable");
	return root;
}

static gboolean
is_msg_root (GsfInfile *root)
{
	g_autoptr (GsfInput) props = gsf_infile_child_by_name (root, "__properties_version1.0");
	if (!props || is_storage (props))
		return FALSE;
	int n = MIN (gsf_infile_num_children (root), MAX_CHILDREN);
	for (int i = 0; i < n; i++) {
		const char *name = gsf_infile_name_by_index (root, i);
		if (name && g_str_has_prefix (name, "__substg1.0_"))
			return TRUE;
	}
	return FALSE;
}

gboolean
mh_msg_detect (const guint8 *data, gsize len)
{
	if (!data || len < 512 || memcmp (data, ole2_magic, sizeof ole2_magic) != 0)
		return FALSE;
	mh_gsf_log_scope scope;
	mh_gsf_log_begin (&scope, NULL, NULL);   /* mh_msg_to_mime will say it, if asked */
	GsfInfile *root = open_ole2 (data, len, NULL);
	gboolean is_msg = root && is_msg_root (root);
	g_clear_object (&root);
	mh_gsf_log_end (&scope);
	return is_msg;
}

GMimeMessage *
mh_msg_to_mime (const guint8 *data, gsize len, const mh_limits *limits, GPtrArray *problems, GError **error)
{
	/* every stream is read once or twice, so 4 times the file is ample */
	gsize read_left = len > G_MAXSIZE / 8 ? G_MAXSIZE / 2 : 4 * len + (1 << 20);
	msg_ctx ctx = { .limits = limits, .problems = problems, .budget = limits->max_message_size,
	                .read_left = read_left };
	mh_gsf_log_scope scope;
	mh_gsf_log_begin (&scope, gsf_complaint, &ctx);
	GMimeMessage *msg = NULL;
	GsfInfile *root = open_ole2 (data, len, error);
	if (root && !is_msg_root (root))
		g_set_error_literal (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_NOT_OUTLOOK,
		                     "OLE2 file that is not an Outlook .msg (an Office document?)");
	else if (root)
		msg = read_message (&ctx, root, 32, 0, error);
	/* libgsf reads lazily: keep the log captured until the file is closed */
	g_clear_object (&root);
	mh_gsf_log_end (&scope);
	return msg;
}
