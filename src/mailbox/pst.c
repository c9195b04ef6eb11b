/* Outlook PST/OST through libpst, in a child process.
 *
 * libpst is not thread-safe, calls exit() when an allocation fails and
 * crashes on some corrupt files, and a PST is exactly the kind of input an
 * attacker (or a broken disk) hands us.  So libpst only ever runs in a
 * forked child: the child walks the folder tree, turns each mail item into
 * an RFC 5322 message with GMime and writes it down a pipe as a framed
 * record; the parent reads the records with bounded sizes and a
 * wall-clock budget and builds the messages like any other mail.  However
 * the child ends, the parent reaps it and says so once.
 *
 * Record on the pipe: a fixed rec_header, then folder_len bytes of folder
 * path (UTF-8), note_len bytes of notes (problems, one a line), data_len
 * bytes of payload.  Both ends are this same binary, so host byte order
 * and the struct layout are shared.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpst/libpst.h>
#include <libpst/lzfu.h>
#include <libpst/timeconv.h>

#include "mailhunt/autoptr.h"
#include "mailhunt/outlook.h"
#include "mailhunt/text.h"

#define REC_MAGIC 0x4d485354u   /* catches a child that wrote anything but records */

enum {
	REC_MESSAGE   = 'M',   /* payload: the message bytes */
	REC_OVERSIZED = 'O',   /* no payload; size: what the message would have been */
	REC_ITEM      = 'E',   /* an item could not be read; payload: why */
	REC_FOLDER    = 'L',   /* a folder was walked; flags: its role; index: messages read in it
	                        * (not below it) */
	REC_PROPS     = 'P',   /* sent just before a REC_MESSAGE: Outlook properties that MIME
	                        * has no header for; payload: class NUL sender-dn NUL */
	REC_FATAL     = 'F',   /* the file could not be opened at all; payload: why */
	REC_CONTACT   = 'C',   /* payload: name NUL is_list NUL company NUL address NUL address ... */
	REC_DONE      = 'D',   /* the walk finished */
};

/* flags of REC_MESSAGE */
#define REC_FLAG_SYNTHETIC 0x01   /* no transport headers: header fields rebuilt from MAPI properties */
#define REC_FLAG_SENT      0x02   /* in the store's Sent Items folder */
#define REC_FLAG_DELETED   0x04   /* in the store's Deleted Items folder (or below it) */

typedef struct {
	guint32 magic;
	guint32 type;
	guint32 index;
	guint32 flags;
	guint32 folder_len;
	guint32 note_len;
	guint64 data_len;
	guint64 size;
} rec_header;

/* Caps the parent puts on what it accepts, and the child on what it walks. */
#define MAX_FOLDER_BYTES   (64 * 1024)
#define MAX_NOTE_BYTES     (64 * 1024)
#define MAX_CONTACT_BYTES  (256 * 1024)
#define MAX_FOLDER_DEPTH   64
#define MAX_ITEMS          10000000u
#define MAX_HEADER_BYTES   (1024 * 1024)

/* child exit statuses */
#define CHILD_OK     0
#define CHILD_FATAL  3
#define CHILD_PIPE   4
#define CHILD_EXITED 5   /* libpst called exit() itself */

/* ------------------------------------------------------------------ */
/* child: writing records                                              */

static void
write_all (int fd, const void *buf, gsize len)
{
	if (!mh_write_all (fd, buf, len))
		_exit (CHILD_PIPE);   /* the parent has gone: nothing left to do */
}

static void
send_record (int fd, guint32 type, guint32 index, guint32 flags, const char *folder,
             const char *note, gsize note_len, const void *data, gsize data_len, guint64 size)
{
	gsize folder_len = folder ? MIN (strlen (folder), MAX_FOLDER_BYTES) : 0;
	note_len = MIN (note_len, MAX_NOTE_BYTES);
	rec_header h = {
		.magic = REC_MAGIC, .type = type, .index = index, .flags = flags,
		.folder_len = (guint32) folder_len, .note_len = (guint32) note_len,
		.data_len = data_len, .size = size,
	};
	write_all (fd, &h, sizeof h);
	if (folder_len)
		write_all (fd, folder, folder_len);
	if (note_len)
		write_all (fd, note, note_len);
	if (data_len)
		write_all (fd, data, data_len);
}

static void
send_text (int fd, guint32 type, guint32 index, const char *folder, const char *text)
{
	gsize len = MIN (strlen (text), MAX_NOTE_BYTES);
	send_record (fd, type, index, 0, folder, NULL, 0, text, len, 0);
}

/* ------------------------------------------------------------------ */
/* child: MAPI strings and times                                       */

/* A libpst string as valid UTF-8: Unicode stores give UTF-8 already,
 * ANSI stores give the item's code page. */
static char *
pst_text (pst_item *item, const pst_string *s)
{
	if (!s || !s->str)
		return NULL;
	if (s->is_utf8)
		return g_utf8_make_valid (s->str, -1);
	char buf[64];
	const char *charset = pst_default_charset (item, sizeof buf, buf);
	return mh_text_to_utf8 (charset, s->str, -1, NULL);
}

/* NULL for empty strings, so callers can chain with ?: */
static char *
pst_text_nonempty (pst_item *item, const pst_string *s)
{
	char *t = pst_text (item, s);
	if (t && !*g_strstrip (t)) {
		g_free (t);
		return NULL;
	}
	return t;
}

static GDateTime *
filetime_to_datetime (const FILETIME *ft)
{
	if (!ft)
		return NULL;
	time_t t = pst_fileTimeToUnixTime (ft);
	/* FILETIME 0 and garbage both land far outside mail's lifetime */
	if (t <= 0 || t > (time_t) 253402300799)
		return NULL;
	return g_date_time_new_from_unix_utc ((gint64) t);
}

/* ------------------------------------------------------------------ */
/* child: RTF reduced to text                                          */

/* Enough RTF to read a body Outlook kept only as RTF: text, paragraph
 * breaks, \'hh bytes (windows-1252) and \uN characters; destinations
 * (font tables, pictures, objects) are skipped. */
static char *
rtf_to_text (const char *rtf, gsize len, gsize max)
{
	GString *out = g_string_new (NULL);
	GByteArray *run = g_byte_array_new ();   /* 8-bit bytes not yet converted */
	int depth = 0, skip_depth = -1, uc_skip = 0;

#define FLUSH_RUN() do { \
		if (run->len) { \
			g_autofree char *u = mh_text_to_utf8 ("windows-1252", (const char *) run->data, run->len, NULL); \
			g_string_append (out, u); \
			g_byte_array_set_size (run, 0); \
		} \
	} while (0)

	for (gsize i = 0; i < len && out->len + run->len < max; i++) {
		char c = rtf[i];
		if (c == '{') {
			depth++;
			if (i + 2 < len && rtf[i + 1] == '\\' && rtf[i + 2] == '*' && skip_depth < 0)
				skip_depth = depth;
			continue;
		}
		if (c == '}') {
			if (skip_depth >= 0 && depth <= skip_depth)
				skip_depth = -1;
			if (depth > 0)
				depth--;
			continue;
		}
		if (c == '\r' || c == '\n')
			continue;
		if (c != '\\') {
			if (skip_depth < 0) {
				if (uc_skip > 0)
					uc_skip--;
				else
					g_byte_array_append (run, (const guint8 *) &c, 1);
			}
			continue;
		}
		/* a control word or symbol */
		if (i + 1 >= len)
			break;
		char n = rtf[i + 1];
		if (n == '\'' && i + 3 < len) {
			int hi = g_ascii_xdigit_value (rtf[i + 2]), lo = g_ascii_xdigit_value (rtf[i + 3]);
			i += 3;
			if (hi >= 0 && lo >= 0 && skip_depth < 0) {
				if (uc_skip > 0) {
					uc_skip--;
				} else {
					guint8 b = (guint8) (hi * 16 + lo);
					g_byte_array_append (run, &b, 1);
				}
			}
			continue;
		}
		if (!g_ascii_isalpha (n)) {
			i++;
			if (skip_depth < 0 && (n == '\\' || n == '{' || n == '}'))
				g_byte_array_append (run, (const guint8 *) &n, 1);
			continue;
		}
		gsize w = i + 1;
		while (w < len && g_ascii_isalpha (rtf[w]) && w - i < 32)
			w++;
		g_autofree char *word = g_strndup (rtf + i + 1, w - i - 1);
		gboolean neg = w < len && rtf[w] == '-';
		if (neg)
			w++;
		gsize d = w;
		long param = 0;
		gboolean has_param = FALSE;
		while (d < len && g_ascii_isdigit (rtf[d]) && d - w < 10) {
			param = param * 10 + (rtf[d] - '0');
			d++;
			has_param = TRUE;
		}
		if (neg)
			param = -param;
		if (d < len && rtf[d] == ' ')
			d++;
		i = d - 1;
		static const char *const destinations[] = {
			"fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer",
			"listtable", "listoverridetable", "rsidtbl", "generator", "themedata", "datastore", NULL
		};
		for (int k = 0; destinations[k]; k++)
			if (strcmp (word, destinations[k]) == 0 && skip_depth < 0)
				skip_depth = depth;
		if (skip_depth >= 0)
			continue;
		if (!strcmp (word, "par") || !strcmp (word, "line") || !strcmp (word, "sect") || !strcmp (word, "row")) {
			FLUSH_RUN ();
			g_string_append_c (out, '\n');
		} else if (!strcmp (word, "tab") || !strcmp (word, "cell")) {
			FLUSH_RUN ();
			g_string_append_c (out, '\t');
		} else if (!strcmp (word, "u") && has_param) {
			FLUSH_RUN ();
			gunichar u = (gunichar) (param < 0 ? param + 65536 : param);
			if (g_unichar_validate (u) && u != 0)
				g_string_append_unichar (out, u);
			uc_skip = 1;
		}
	}
	FLUSH_RUN ();
#undef FLUSH_RUN
	g_byte_array_unref (run);
	return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* child: building the MIME message                                    */

typedef struct {
	pst_file *pf;
	int fd;
	const mh_limits *limits;
	gboolean want_contacts;
	guint messages;
	guint items;
	gboolean stopped;   /* MAX_ITEMS reached */
	/* the store's own entry ids of its special folders (0: none): names
	 * are localised ("送信済みアイテム") and can be renamed, ids cannot */
	guint32 sent_id;
	guint32 deleted_id;
} walk_ctx;

/* State of one top-level message while it is built: limits are shared
 * with the messages embedded in it. */
typedef struct {
	GString *notes;
	gsize budget;        /* bytes of content still allowed */
	guint attachments;
} build_ctx;

static void
note (build_ctx *b, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
note (build_ctx *b, const char *fmt, ...)
{
	if (b->notes->len > MAX_NOTE_BYTES / 2)
		return;
	va_list ap;
	va_start (ap, fmt);
	g_string_append_vprintf (b->notes, fmt, ap);
	va_end (ap);
	g_string_append_c (b->notes, '\n');
}

static gboolean
take_budget (build_ctx *b, gsize n)
{
	if (n > b->budget)
		return FALSE;
	b->budget -= n;
	return TRUE;
}

static GMimeObject *
text_part (const char *subtype, const char *text)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);
	g_mime_text_part_set_text (part, text);
	GMimeContentEncoding enc = g_mime_part_get_best_content_encoding (GMIME_PART (part),
	                                                                  GMIME_ENCODING_CONSTRAINT_7BIT);
	g_mime_part_set_content_encoding (GMIME_PART (part), enc);
	return GMIME_OBJECT (part);
}

static GMimeObject *
binary_part (const char *mime_type, const char *filename, const char *content_id,
             const guint8 *data, gsize len, GMimeContentEncoding encoding)
{
	g_autoptr (GMimeContentType) ct = g_mime_content_type_parse (NULL, mime_type);
	const char *type = g_mime_content_type_get_media_type (ct);
	const char *sub = g_mime_content_type_get_media_subtype (ct);
	if (!type || !*type || !sub || !*sub) {
		type = "application";
		sub = "octet-stream";
	}
	GMimePart *part = g_mime_part_new_with_type (type, sub);
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer ((const char *) data, len);
	g_autoptr (GMimeDataWrapper) wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content (part, wrapper);
	g_mime_part_set_content_encoding (part, encoding);
	if (filename && *filename)
		g_mime_part_set_filename (part, filename);   /* also sets Content-Disposition: attachment */
	else
		g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_ATTACHMENT);
	if (content_id && *content_id)
		g_mime_part_set_content_id (part, content_id);
	return GMIME_OBJECT (part);
}

static GByteArray *message_bytes (walk_ctx *w, build_ctx *b, pst_item *item, int depth, guint32 *flags);

/* An embedded message (attach method 5) is an item of its own, found
 * through the attachment's id and id2 tree, as readpst does. */
static GMimeObject *
embedded_part (walk_ctx *w, build_ctx *b, pst_item *parent, pst_item_attach *a, int depth, guint n)
{
	if (depth + 1 > w->limits->max_depth) {
		note (b, "embedded message %u: nested more than %d deep, not read", n, w->limits->max_depth);
		return NULL;
	}
	pst_index_ll *ptr = pst_getID (w->pf, a->i_id);
	if (!ptr) {
		note (b, "embedded message %u: its data block is missing", n);
		return NULL;
	}
	pst_desc_tree d;
	memset (&d, 0, sizeof d);
	d.desc = ptr;
	pst_item *sub = pst_parse_item (w->pf, &d, a->id2_head);
	if (!sub) {
		note (b, "embedded message %u: libpst could not parse it", n);
		return NULL;
	}
	guint32 flags = 0;
	g_autoptr (GByteArray) bytes = message_bytes (w, b, sub, depth + 1, &flags);
	pst_freeItem (sub);
	if (!bytes)
		return NULL;
	g_autofree char *filename = pst_text_nonempty (parent, &a->filename2);
	if (!filename)
		filename = pst_text_nonempty (parent, &a->filename1);
	/* message/rfc822 allows no transfer encoding but 7bit/8bit/binary:
	 * the nested message goes in as it is and GMime parses it again */
	return binary_part ("message/rfc822", filename, NULL, bytes->data, bytes->len, GMIME_CONTENT_ENCODING_8BIT);
}

static GMimeObject *
attachment_part (walk_ctx *w, build_ctx *b, pst_item *item, pst_item_attach *a, guint n, gboolean *empty)
{
	g_autofree char *filename = pst_text_nonempty (item, &a->filename2);
	if (!filename)
		filename = pst_text_nonempty (item, &a->filename1);
	g_autofree char *mime_type = pst_text_nonempty (item, &a->mimetype);
	g_autofree char *content_id = pst_text_nonempty (item, &a->content_id);
	const char *label = filename ? filename : "(no name)";

	const char *data = NULL;
	gsize len = 0;
	char *owned = NULL;
	/* libpst lists table rows that hold nothing at all (no method, no
	 * data, no block); readpst skips them too */
	if (!a->data.data && !a->i_id && a->method == PST_ATTACH_NONE) {
		*empty = TRUE;
		return NULL;
	}
	if (a->data.data) {
		data = a->data.data;
		len = a->data.size;
	} else if (a->i_id) {
		/* the index tells the stored size before libpst allocates it */
		pst_index_ll *ptr = pst_getID (w->pf, a->i_id);
		if (ptr && ptr->size > b->budget) {
			note (b, "attachment %u '%s': %" G_GUINT64_FORMAT " bytes, over the message size cap: not read",
			      n, label, (guint64) ptr->size);
			return NULL;
		}
		pst_binary bin = pst_attach_to_mem (w->pf, a);
		owned = bin.data;
		data = bin.data;
		len = bin.size;
	}
	if (!data) {
		if (a->method == PST_ATTACH_BY_REF || a->method == PST_ATTACH_BY_REF_ONLY ||
		    a->method == PST_ATTACH_BY_REF_RESOLV)
			note (b, "attachment %u '%s': a link to a file outside the PST, no data", n, label);
		else
			note (b, "attachment %u '%s': no data could be read", n, label);
		free (owned);
		return NULL;
	}
	/* base64 grows the bytes by a third */
	if (!take_budget (b, len / 3 * 4 + 4)) {
		note (b, "attachment %u '%s': %zu bytes, over the message size cap: not read", n, label, len);
		free (owned);
		return NULL;
	}
	GMimeObject *part = binary_part (mime_type ? mime_type : "application/octet-stream", filename, content_id,
	                                 (const guint8 *) data, len, GMIME_CONTENT_ENCODING_BASE64);
	free (owned);
	return part;
}

/* The body: text and HTML as alternatives; RTF reduced to text when it is
 * all there is; then the attachments. */
static GMimeObject *
build_body (walk_ctx *w, build_ctx *b, pst_item *item, int depth)
{
	g_autofree char *plain = pst_text (item, &item->body);
	g_autofree char *html = item->email ? pst_text (item, &item->email->htmlbody) : NULL;
	g_autoptr (GMimeObject) text = NULL;

	if (plain && !take_budget (b, strlen (plain) * 2)) {
		note (b, "plain text body over the message size cap: dropped");
		g_clear_pointer (&plain, g_free);
	}
	if (html && !take_budget (b, strlen (html) * 2)) {
		note (b, "HTML body over the message size cap: dropped");
		g_clear_pointer (&html, g_free);
	}
	if (plain && html) {
		GMimeMultipart *alt = g_mime_multipart_new_with_subtype ("alternative");
		g_autoptr (GMimeObject) p = text_part ("plain", plain);
		g_autoptr (GMimeObject) h = text_part ("html", html);
		g_mime_multipart_add (alt, p);
		g_mime_multipart_add (alt, h);
		text = GMIME_OBJECT (alt);
	} else if (plain) {
		text = text_part ("plain", plain);
	} else if (html) {
		text = text_part ("html", html);
	} else if (item->email && item->email->rtf_compressed.data && item->email->rtf_compressed.size > 0) {
		size_t rtf_len = 0;
		gsize comp = MIN (item->email->rtf_compressed.size, (size_t) G_MAXUINT32);
		const guint8 *hdr = (const guint8 *) item->email->rtf_compressed.data;
		/* libpst allocates the size the LZFu header claims (and exits if
		 * it cannot): a lie there must not end the whole walk */
		guint32 raw_size = comp >= 8 ? (guint32) hdr[4] | (guint32) hdr[5] << 8 |
		                               (guint32) hdr[6] << 16 | (guint32) hdr[7] << 24 : 0;
		char *rtf = NULL;
		if (comp < 16 || raw_size > w->limits->max_message_size)
			note (b, "compressed RTF body: header claims %u bytes, not read", raw_size);
		else
			rtf = pst_lzfu_decompress (item->email->rtf_compressed.data, (uint32_t) comp, &rtf_len);
		if (rtf) {
			g_autofree char *t = rtf_to_text (rtf, rtf_len, w->limits->max_body_text);
			free (rtf);
			take_budget (b, MIN (strlen (t) * 2, b->budget));
			text = text_part ("plain", t);
			note (b, "body read from compressed RTF (no text or HTML body)");
		} else if (comp >= 16 && raw_size <= w->limits->max_message_size) {
			note (b, "compressed RTF body could not be decompressed");
		}
	}
	if (!text)
		text = text_part ("plain", "");

	if (!item->attach)
		return g_steal_pointer (&text);

	GMimeMultipart *mixed = g_mime_multipart_new_with_subtype ("mixed");
	g_mime_multipart_add (mixed, text);
	guint n = 0;
	for (pst_item_attach *a = item->attach; a; a = a->next) {
		n++;
		if (b->attachments >= w->limits->max_attachments) {
			note (b, "more than %u attachments: the rest not read", w->limits->max_attachments);
			break;
		}
		gboolean empty = FALSE;
		g_autoptr (GMimeObject) part = a->method == PST_ATTACH_EMBEDDED
			? embedded_part (w, b, item, a, depth, n)
			: attachment_part (w, b, item, a, n, &empty);
		if (!empty)
			b->attachments++;
		if (part)
			g_mime_multipart_add (mixed, part);
	}
	if (g_mime_multipart_get_count (mixed) == 1) {
		g_object_unref (mixed);
		return g_steal_pointer (&text);
	}
	return GMIME_OBJECT (mixed);
}

/* Does @h look like an RFC 5322 header block?  Outlook sometimes stores a
 * banner line first, which is dropped. */
static const char *
header_block_start (const char *h)
{
	if (g_str_has_prefix (h, "Microsoft Mail Internet Headers")) {
		const char *nl = strchr (h, '\n');
		if (!nl)
			return NULL;
		h = nl + 1;
	}
	const char *p = h;
	while (*p > ' ' && *p < 127 && *p != ':')
		p++;
	return (*p == ':' && p > h) ? h : NULL;
}

static gboolean
dropped_header (const char *line)
{
	return g_ascii_strncasecmp (line, "content-", 8) == 0 ||
	       g_ascii_strncasecmp (line, "mime-version:", 13) == 0 ||
	       g_ascii_strncasecmp (line, "mime-version :", 14) == 0;
}

/* The transport headers as they came, without the MIME structure fields
 * (the body is rebuilt from MAPI, so its structure is ours), LF ends. */
static void
append_transport_headers (GByteArray *out, const char *block)
{
	gboolean dropping = FALSE;
	const char *p = block;
	while (*p) {
		const char *nl = strchr (p, '\n');
		gsize len = nl ? (gsize) (nl - p) : strlen (p);
		gsize end = len;
		while (end > 0 && p[end - 1] == '\r')
			end--;
		if (end == 0)
			break;   /* the blank line ends the block; anything after is not ours */
		gboolean continuation = p[0] == ' ' || p[0] == '\t';
		if (!continuation) {
			const char *colon = memchr (p, ':', end);
			dropping = !colon || dropped_header (p);   /* a line that is no field would end the block early */
		}
		if (!dropping) {
			g_byte_array_append (out, (const guint8 *) p, (guint) end);
			g_byte_array_append (out, (const guint8 *) "\n", 1);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* Recipient display lists ("A; B") as an address header value. */
static void
add_display_list (GMimeMessage *msg, GMimeAddressType type, const char *list)
{
	if (!list)
		return;
	g_auto (GStrv) names = g_strsplit (list, ";", 1000);
	InternetAddressList *dst = g_mime_message_get_addresses (msg, type);
	for (int i = 0; names[i]; i++) {
		char *n = g_strstrip (names[i]);
		/* Outlook quotes bare addresses it could not resolve: 'a@b.c' */
		gsize len = strlen (n);
		if (len > 2 && n[0] == '\'' && n[len - 1] == '\'') {
			n[len - 1] = '\0';
			n = g_strstrip (n + 1);
		}
		if (!*n)
			continue;
		if (strchr (n, '@') && !strchr (n, ' ') && !strchr (n, '<')) {
			InternetAddress *a = internet_address_mailbox_new (NULL, n);
			internet_address_list_add (dst, a);
			g_object_unref (a);
		} else {
			g_autoptr (InternetAddressList) parsed = internet_address_list_parse (NULL, n);
			if (parsed && internet_address_list_length (parsed) > 0 && strchr (n, '@')) {
				internet_address_list_append (dst, parsed);
			} else {
				/* a display name only: the SMTP address is not in what libpst exposes */
				InternetAddress *a = internet_address_mailbox_new (n, "");
				internet_address_list_add (dst, a);
				g_object_unref (a);
			}
		}
	}
}

/* The sender's SMTP address when Outlook kept one; else NULL and *@dn
 * the Exchange (X.500) address, which is no addr-spec. */
static char *
smtp_address (pst_item *item, char **dn)
{
	pst_item_email *e = item->email;
	const pst_string *types[] = { &e->sender_access, &e->sender2_access };
	const pst_string *addrs[] = { &e->sender_address, &e->sender2_address };
	for (int i = 0; i < 2; i++) {
		g_autofree char *type = pst_text_nonempty (item, types[i]);
		g_autofree char *addr = pst_text_nonempty (item, addrs[i]);
		if (!addr)
			continue;
		if ((type && g_ascii_strcasecmp (type, "SMTP") == 0) || (addr[0] != '/' && strchr (addr, '@')))
			return g_steal_pointer (&addr);
		if (!*dn)
			*dn = g_steal_pointer (&addr);
	}
	return NULL;
}

static void
set_mapi_headers (GMimeMessage *msg, pst_item *item, build_ctx *b)
{
	g_autofree char *subject = pst_text (item, &item->subject);
	if (subject) {
		/* old stores prefix the subject with a control byte and a length */
		char *s = subject;
		while (*s && (guchar) *s < 0x20)
			s++;
		g_mime_message_set_subject (msg, s, "utf-8");
	}
	pst_item_email *e = item->email;
	if (!e)
		return;
	g_autofree char *dn = NULL;
	g_autofree char *addr = smtp_address (item, &dn);
	g_autofree char *name = pst_text_nonempty (item, &e->outlook_sender_name);
	if (!name)
		name = pst_text_nonempty (item, &e->outlook_sender_name2);
	if (name || addr) {
		InternetAddress *from = internet_address_mailbox_new (name, addr ? addr : "");
		internet_address_list_add (g_mime_message_get_from (msg), from);
		g_object_unref (from);
	}
	if (dn && !addr)
		note (b, "sender has no SMTP address, only the Exchange address %s", dn);

	g_autofree char *to = pst_text_nonempty (item, &e->sentto_address);
	g_autofree char *cc = pst_text_nonempty (item, &e->cc_address);
	add_display_list (msg, GMIME_ADDRESS_TYPE_TO, to);
	add_display_list (msg, GMIME_ADDRESS_TYPE_CC, cc);

	g_autoptr (GDateTime) date = filetime_to_datetime (e->sent_date);
	if (!date)
		date = filetime_to_datetime (e->arrival_date);
	if (!date)
		date = filetime_to_datetime (item->create_date);
	if (date)
		g_mime_message_set_date (msg, date);

	g_autofree char *mid = pst_text_nonempty (item, &e->messageid);
	if (mid) {
		char *m = mid;
		gsize n = strlen (m);
		if (n > 1 && m[0] == '<' && m[n - 1] == '>') {
			m[n - 1] = '\0';
			m++;
		}
		g_mime_message_set_message_id (msg, m);
	}
	g_autofree char *irt = pst_text_nonempty (item, &e->in_reply_to);
	if (irt)
		g_mime_object_set_header (GMIME_OBJECT (msg), "In-Reply-To", irt, "utf-8");
}

static void
write_object (GByteArray *out, GMimeObject *obj)
{
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_byte_array (out);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
	/* a memory stream starts at 0 and would overwrite what is there */
	g_mime_stream_seek (stream, 0, GMIME_STREAM_SEEK_END);
	g_mime_object_write_to_stream (obj, NULL, stream);
	g_mime_stream_flush (stream);
}

/* The RFC 5322 bytes of one mail item. */
static GByteArray *
message_bytes (walk_ctx *w, build_ctx *b, pst_item *item, int depth, guint32 *flags)
{
	g_autoptr (GMimeObject) body = build_body (w, b, item, depth);
	GByteArray *out = g_byte_array_new ();
	g_autofree char *transport = item->email ? pst_text (item, &item->email->header) : NULL;
	const char *block = transport && strlen (transport) <= MAX_HEADER_BYTES ? header_block_start (transport) : NULL;

	if (block) {
		append_transport_headers (out, block);
		g_byte_array_append (out, (const guint8 *) "MIME-Version: 1.0\n", 18);
		write_object (out, body);
	} else {
		if (transport && *transport)
			note (b, "transport headers unreadable: header fields rebuilt from Outlook properties");
		*flags |= REC_FLAG_SYNTHETIC;
		g_autoptr (GMimeMessage) msg = g_mime_message_new (TRUE);
		set_mapi_headers (msg, item, b);
		g_mime_message_set_mime_part (msg, body);
		write_object (out, GMIME_OBJECT (msg));
	}
	return out;
}

static void
emit_message (walk_ctx *w, pst_item *item, const char *folder, guint index, guint32 role)
{
	build_ctx b = { g_string_new (NULL), w->limits->max_message_size, 0 };
	guint32 flags = role;
	g_autoptr (GByteArray) bytes = message_bytes (w, &b, item, 0, &flags);

	GString *props = g_string_new (NULL);
	if (item->ascii_type && strlen (item->ascii_type) < 256)
		g_string_append (props, item->ascii_type);
	g_string_append_c (props, '\0');
	if (item->email) {
		g_autofree char *dn = NULL;
		g_autofree char *addr = smtp_address (item, &dn);
		if (dn && !addr && strlen (dn) < 1024)
			g_string_append (props, dn);
	}
	g_string_append_c (props, '\0');
	send_record (w->fd, REC_PROPS, index, 0, folder, NULL, 0, props->str, props->len, 0);
	g_string_free (props, TRUE);

	if (bytes->len > w->limits->max_message_size)
		send_record (w->fd, REC_OVERSIZED, index, flags, folder, b.notes->str, b.notes->len, NULL, 0, bytes->len);
	else
		send_record (w->fd, REC_MESSAGE, index, flags, folder, b.notes->str, b.notes->len,
		             bytes->data, bytes->len, bytes->len);
	g_string_free (b.notes, TRUE);
	w->messages++;
}

/* ------------------------------------------------------------------ */
/* child: contacts                                                     */

static void
emit_contact (walk_ctx *w, pst_item *item, const char *folder, guint index)
{
	pst_item_contact *c = item->contact;
	GString *s = g_string_new (NULL);
	g_autofree char *name = pst_text_nonempty (item, &c->fullname);
	if (!name)
		name = pst_text_nonempty (item, &item->file_as);
	if (!name)
		name = pst_text_nonempty (item, &item->subject);
	g_string_append (s, name ? name : "");
	g_string_append_c (s, '\0');
	g_string_append_c (s, item->type == PST_TYPE_CONTACT ? '0' : '1');
	g_string_append_c (s, '\0');
	g_autofree char *company = pst_text_nonempty (item, &c->company_name);
	if (company && strlen (company) < MAX_CONTACT_BYTES / 4)
		g_string_append (s, company);
	g_string_append_c (s, '\0');
	const pst_string *addrs[] = { &c->address1, &c->address2, &c->address3, &c->address1a, &c->address2a, &c->address3a };
	for (gsize i = 0; i < G_N_ELEMENTS (addrs); i++) {
		g_autofree char *a = pst_text_nonempty (item, addrs[i]);
		if (a && s->len + strlen (a) < MAX_CONTACT_BYTES) {
			g_string_append (s, a);
			g_string_append_c (s, '\0');
		}
	}
	send_record (w->fd, REC_CONTACT, index, 0, folder, NULL, 0, s->str, s->len, 0);
	g_string_free (s, TRUE);
}

/* ------------------------------------------------------------------ */
/* child: the folder walk                                              */

static gboolean
is_mail (const pst_item *item)
{
	return item->email && (item->type == PST_TYPE_NOTE || item->type == PST_TYPE_SCHEDULE ||
	                       item->type == PST_TYPE_REPORT);
}

/* Returns the number of messages read in this folder (not below it). */
static guint
walk_folder (walk_ctx *w, pst_desc_tree *d, const char *folder, int depth, guint32 role)
{
	guint index = 0, contacts = 0;
	for (; d && !w->stopped; d = d->next) {
		if (++w->items > MAX_ITEMS) {
			g_autofree char *why = g_strdup_printf ("more than %u items in the PST: the rest not read", MAX_ITEMS);
			send_text (w->fd, REC_ITEM, G_MAXUINT32, folder, why);
			w->stopped = TRUE;
			break;
		}
		if (!d->desc)
			continue;
		pst_item *item = pst_parse_item (w->pf, d, NULL);
		if (!item) {
			g_autofree char *why = g_strdup_printf ("item %#" G_GINT64_MODIFIER "x: libpst could not parse it",
			                                       (guint64) d->d_id);
			send_text (w->fd, REC_ITEM, G_MAXUINT32, folder, why);
			continue;
		}
		if (item->folder) {
			g_autofree char *name = pst_text_nonempty (item, &item->file_as);
			g_autofree char *path = *folder ? g_strdup_printf ("%s/%s", folder, name ? name : "(unnamed)")
			                                : g_strdup (name ? name : "(unnamed)");
			/* what sits below Deleted Items is deleted too */
			guint32 child_role = role & REC_FLAG_DELETED;
			if (w->sent_id && d->d_id == w->sent_id)
				child_role |= REC_FLAG_SENT;
			if (w->deleted_id && d->d_id == w->deleted_id)
				child_role |= REC_FLAG_DELETED;
			guint read = 0;
			if (d->child && depth + 1 > MAX_FOLDER_DEPTH) {
				g_autofree char *why = g_strdup_printf ("folders nested more than %d deep: not read",
				                                       MAX_FOLDER_DEPTH);
				send_text (w->fd, REC_ITEM, G_MAXUINT32, path, why);
			} else if (d->child) {
				read = walk_folder (w, d->child, path, depth + 1, child_role);
			}
			/* every folder, empty ones too: an emptied Deleted Items is a fact */
			send_record (w->fd, REC_FOLDER, read, child_role, path, NULL, 0, NULL, 0, 0);
		} else if (item->flags & PST_FLAG_ASSOCIATED) {
			/* hidden folder data (views, rules), not mail */
		} else if (is_mail (item)) {
			emit_message (w, item, folder, index++, role);
		} else if (w->want_contacts && item->contact &&
		           (item->type == PST_TYPE_CONTACT || (item->ascii_type &&
		            g_ascii_strncasecmp (item->ascii_type, "IPM.DistList", 12) == 0))) {
			emit_contact (w, item, folder, contacts++);
		}
		pst_freeItem (item);
	}
	return index;
}

/* The header's format version (wVer, MS-PST 2.2.2.6), named for the
 * error an analyst reads when libpst refuses the file. */
static char *
format_variant (const char *path)
{
	guint8 head[12];
	int fd = open (path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read (fd, head, sizeof head) : -1;
	if (fd >= 0)
		close (fd);
	if (n != (ssize_t) sizeof head)
		return g_strdup ("header unreadable");
	guint ver = head[10] | (guint) head[11] << 8;
	const char *kind = head[8] == 'S' && head[9] == 'O' ? "OST" : "PST";
	if (ver == 14 || ver == 15)
		return g_strdup_printf ("ANSI %s, format version %u", kind, ver);
	if (ver == 21 || ver == 23)
		return g_strdup_printf ("Unicode %s, format version %u", kind, ver);
	if (ver == 36)
		return g_strdup_printf ("Outlook 2013+ %s with 4 KiB pages, format version %u", kind, ver);
	return g_strdup_printf ("%s of unknown format version %u", kind, ver);
}

/* libpst calls exit() when an allocation fails or a block is unreadable.
 * Registered last in the child, this runs before every handler the
 * parent registered (GLib's, a sanitizer's leak check) and ends the
 * child without them. */
static void
child_atexit (void)
{
	_exit (CHILD_EXITED);
}

static G_GNUC_NORETURN void
child_main (int fd, const char *path, const mh_limits *limits, gboolean want_contacts)
{
	/* a crash must not leave a core file (a copy of evidence) behind */
	struct rlimit no_core = { 0, 0 };
	setrlimit (RLIMIT_CORE, &no_core);
	/* RLIMIT_CORE does not stop a core_pattern pipe (systemd-coredump) */
	prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* libpst prints to both; an exit() inside it would flush the parent's
	 * inherited stdio buffers into the report; and a sanitizer build
	 * reports libpst's own out-of-bounds reads on damaged files (the
	 * child then exits, which the parent reports).  None of it is ours to
	 * show: point stdout and stderr at nothing */
	int devnull = open ("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull >= 0) {
		dup2 (devnull, STDOUT_FILENO);
		dup2 (devnull, STDERR_FILENO);
		close (devnull);
	}
	signal (SIGPIPE, SIG_DFL);
	/* a crash inside libpst is expected on damaged files (its issue #28)
	 * and reported by the parent; a sanitizer's handler would turn it
	 * into a report of its own and an exit status that hides the signal */
	signal (SIGSEGV, SIG_DFL);
	signal (SIGBUS, SIG_DFL);
	signal (SIGFPE, SIG_DFL);
	signal (SIGILL, SIG_DFL);
	atexit (child_atexit);

	g_autofree char *variant = format_variant (path);
	pst_file pf;
	memset (&pf, 0, sizeof pf);
	if (pst_open (&pf, path, NULL) != 0) {
		g_autofree char *why = g_strdup_printf ("libpst cannot open it (%s: a variant libpst does not read, "
		                                        "or a damaged header)", variant);
		send_text (fd, REC_FATAL, 0, NULL, why);
		_exit (CHILD_FATAL);
	}
	if (pst_load_index (&pf) != 0 || !pf.d_head) {
		g_autofree char *why = g_strdup_printf ("libpst cannot read its index (%s: a variant libpst does not "
		                                        "read, or damaged)", variant);
		send_text (fd, REC_FATAL, 0, NULL, why);
		_exit (CHILD_FATAL);
	}
	pst_load_extended_attributes (&pf);
	pst_item *root = pst_parse_item (&pf, pf.d_head, NULL);
	if (!root || !root->message_store) {
		send_text (fd, REC_FATAL, 0, NULL, "libpst finds no message store record in it");
		_exit (CHILD_FATAL);
	}
	pst_desc_tree *top = pst_getTopOfFolders (&pf, root);
	if (!top) {
		send_text (fd, REC_FATAL, 0, NULL, "libpst finds no top of folders in it");
		_exit (CHILD_FATAL);
	}
	walk_ctx w = { &pf, fd, limits, want_contacts, 0, 0, FALSE, 0, 0 };
	if (root->message_store->sent_items_folder)
		w.sent_id = root->message_store->sent_items_folder->id;
	if (root->message_store->deleted_items_folder)
		w.deleted_id = root->message_store->deleted_items_folder->id;
	/* the top folder's own name ("Top of Personal Folders") is dropped,
	 * as Outlook and readpst show its children as the roots */
	walk_folder (&w, top->child, "", 0, 0);
	send_record (fd, REC_DONE, w.messages, 0, NULL, NULL, 0, NULL, 0, w.messages);
	/* no pst_freeItem/pst_close: _exit gives everything back at once */
	_exit (CHILD_OK);
}

/* ------------------------------------------------------------------ */
/* parent                                                              */

typedef struct {
	int fd;
	gint64 budget_us;   /* time the parent may wait for the child in all */
	gint64 waited_us;
	gboolean timed_out;
} pipe_reader;

/* 1: read; 0: end of file before the first byte; -1: truncated, error or
 * out of time.  Only time spent waiting counts: the parent's own work on
 * the messages is not the child hanging. */
static int
read_full (pipe_reader *r, void *buf, gsize len)
{
	gsize got = 0;
	while (got < len) {
		gint64 left_ms = (r->budget_us - r->waited_us) / 1000;
		if (left_ms <= 0) {
			r->timed_out = TRUE;
			return -1;
		}
		struct pollfd p = { r->fd, POLLIN, 0 };
		gint64 t0 = g_get_monotonic_time ();
		int n = poll (&p, 1, (int) MIN (left_ms, 1000));
		r->waited_us += g_get_monotonic_time () - t0;
		if (n < 0 && errno != EINTR)
			return -1;
		if (n <= 0)
			continue;
		ssize_t k = read (r->fd, (char *) buf + got, len - got);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (k == 0)
			return got == 0 ? 0 : -1;
		got += (gsize) k;
	}
	return 1;
}

static gint64
timeout_seconds (const char *path)
{
	const char *env = g_getenv ("MAILHUNT_PST_TIMEOUT");
	if (env && *env)
		return g_ascii_strtoll (env, NULL, 10);
	struct stat st;
	gint64 size = stat (path, &st) == 0 ? (gint64) st.st_size : 0;
	/* libpst reads a few MB/s at worst on slow disks: 2 s per MB on top
	 * of two minutes is generous without letting a loop run for ever */
	return 120 + 2 * (size / (1024 * 1024));
}

static void
pst_error (const mh_reader_callbacks *cb, const char *path, const char *folder, gint64 index,
           gpointer user_data, const char *fmt, ...) G_GNUC_PRINTF (6, 7);

static void
pst_error (const mh_reader_callbacks *cb, const char *path, const char *folder, gint64 index,
           gpointer user_data, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *what = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	if (cb->error)
		cb->error (path, folder, index, what, user_data);
}

mh_pst_contact *
mh_pst_contact_copy (const mh_pst_contact *contact)
{
	mh_pst_contact *c = g_new0 (mh_pst_contact, 1);
	c->folder = g_strdup (contact->folder);
	c->index = contact->index;
	c->is_list = contact->is_list;
	c->name = g_strdup (contact->name);
	c->company = g_strdup (contact->company);
	c->addresses = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; contact->addresses && i < contact->addresses->len; i++)
		g_ptr_array_add (c->addresses, g_strdup (g_ptr_array_index (contact->addresses, i)));
	return c;
}

void
mh_pst_contact_free (mh_pst_contact *contact)
{
	if (!contact)
		return;
	g_free (contact->folder);
	g_free (contact->name);
	g_free (contact->company);
	if (contact->addresses)
		g_ptr_array_unref (contact->addresses);
	g_free (contact);
}

static void
deliver_contact (const char *folder, guint index, const char *data, gsize len,
                 mh_pst_contact_fn on_contact, gpointer user_data)
{
	mh_pst_contact c = { (char *) folder, index, FALSE, NULL, NULL, g_ptr_array_new_with_free_func (g_free) };
	/* name NUL list-flag NUL company NUL address NUL ... */
	gsize i = 0;
	int field = 0;
	while (i < len) {
		const char *s = data + i;
		const char *nul = memchr (s, '\0', len - i);
		gsize n = nul ? (gsize) (nul - s) : len - i;
		g_autofree char *v = g_utf8_make_valid (s, (gssize) n);
		if (field == 0)
			c.name = *v ? g_steal_pointer (&v) : NULL;
		else if (field == 1)
			c.is_list = v[0] == '1';
		else if (field == 2)
			c.company = *v ? g_steal_pointer (&v) : NULL;
		else
			g_ptr_array_add (c.addresses, g_steal_pointer (&v));
		field++;
		i += n + 1;
	}
	on_contact (&c, user_data);
	g_free (c.name);
	g_free (c.company);
	g_ptr_array_unref (c.addresses);
}

void
mh_pst_read_full (const char *path, const mh_limits *limits, const mh_reader_callbacks *cb,
                  mh_pst_contact_fn on_contact, gpointer user_data)
{
	if (cb->input)
		cb->input (path, "pst", user_data);

	int fds[2];
	if (pipe (fds) != 0) {
		pst_error (cb, path, NULL, -1, user_data, "Outlook PST/OST: cannot create a pipe: %s", g_strerror (errno));
		return;
	}
	fcntl (fds[0], F_SETFD, FD_CLOEXEC);
	fcntl (fds[1], F_SETFD, FD_CLOEXEC);
	fflush (stdout);
	fflush (stderr);
	pid_t pid = fork ();
	if (pid < 0) {
		int e = errno;
		close (fds[0]);
		close (fds[1]);
		pst_error (cb, path, NULL, -1, user_data, "Outlook PST/OST: cannot start the reader process: %s", g_strerror (e));
		return;
	}
	if (pid == 0) {
		close (fds[0]);
		child_main (fds[1], path, limits, on_contact != NULL);
	}
	close (fds[1]);

	gint64 timeout = timeout_seconds (path);
	pipe_reader rd = { fds[0], timeout * G_USEC_PER_SEC, 0, FALSE };
	guint messages = 0;
	g_autofree char *props_class = NULL;   /* from the REC_PROPS before a message */
	g_autofree char *props_dn = NULL;
	guint32 props_index = G_MAXUINT32;
	gboolean done = FALSE, fatal = FALSE;
	const char *stop = NULL;
	for (;;) {
		rec_header h;
		int r = read_full (&rd, &h, sizeof h);
		if (r == 0)
			break;
		if (r < 0) {
			stop = rd.timed_out ? "timeout" : "truncated record";
			break;
		}
		gsize data_cap = h.type == REC_CONTACT ? MAX_CONTACT_BYTES
		               : h.type == REC_MESSAGE ? limits->max_message_size : MAX_NOTE_BYTES;
		if (h.magic != REC_MAGIC || h.folder_len > MAX_FOLDER_BYTES || h.note_len > MAX_NOTE_BYTES ||
		    h.data_len > data_cap) {
			stop = "garbled record";
			break;
		}
		g_autofree char *folder = g_malloc (h.folder_len + 1);
		g_autofree char *notes = g_malloc (h.note_len + 1);
		g_autofree char *data = g_malloc (h.data_len + 1);
		if (read_full (&rd, folder, h.folder_len) < 0 || read_full (&rd, notes, h.note_len) < 0 ||
		    read_full (&rd, data, h.data_len) < 0) {
			stop = rd.timed_out ? "timeout" : "truncated record";
			break;
		}
		folder[h.folder_len] = notes[h.note_len] = data[h.data_len] = '\0';
		g_autofree char *folder_utf8 = h.folder_len ? g_utf8_make_valid (folder, -1) : NULL;
		g_autofree char *data_utf8 = NULL;

		switch (h.type) {
		case REC_MESSAGE: {
			mh_locator loc = {
				.file = (char *) path, .folder = folder_utf8, .index = h.index,
				.offset = -1, .length = -1,
				/* Deleted Items still holds its mail: deleted, and present */
				.deleted = (h.flags & REC_FLAG_DELETED) != 0,
				.folder_role = (h.flags & REC_FLAG_DELETED) ? "deleted-items"
				             : (h.flags & REC_FLAG_SENT) ? "sent-items" : NULL,
			};
			mh_message *m = mh_message_new_from_bytes (data, h.data_len, &loc, limits);
			if (props_index == h.index) {
				m->outlook_class = g_steal_pointer (&props_class);
				m->outlook_sender_dn = g_steal_pointer (&props_dn);
			}
			g_clear_pointer (&props_class, g_free);
			g_clear_pointer (&props_dn, g_free);
			props_index = G_MAXUINT32;
			g_auto (GStrv) lines = g_strsplit (notes, "\n", -1);
			for (int i = 0; lines[i]; i++)
				if (*lines[i]) {
					g_autofree char *valid = g_utf8_make_valid (lines[i], -1);
					mh_message_add_problem (m, "%s", valid);
				}
			cb->message (m, user_data);
			messages++;
			break;
		}
		case REC_FOLDER:
			if (cb->folder && folder_utf8)
				cb->folder (path, folder_utf8,
				            (h.flags & REC_FLAG_DELETED) ? "deleted-items"
				            : (h.flags & REC_FLAG_SENT) ? "sent-items" : NULL,
				            h.index, user_data);
			break;
		case REC_PROPS: {
			/* class NUL dn NUL: both strings end inside the payload */
			const char *end = data + h.data_len;
			const char *nul = memchr (data, '\0', h.data_len);
			g_clear_pointer (&props_class, g_free);
			g_clear_pointer (&props_dn, g_free);
			if (nul && nul > data)
				props_class = g_utf8_make_valid (data, nul - data);
			if (nul && nul + 1 < end) {
				const char *dn_end = memchr (nul + 1, '\0', (gsize) (end - nul - 1));
				gsize n = dn_end ? (gsize) (dn_end - nul - 1) : (gsize) (end - nul - 1);
				if (n)
					props_dn = g_utf8_make_valid (nul + 1, (gssize) n);
			}
			props_index = h.index;
			break;
		}
		case REC_OVERSIZED:
			pst_error (cb, path, folder_utf8, h.index, user_data,
			           "message is %" G_GUINT64_FORMAT " bytes, more than the cap of %zu: not read",
			           h.size, limits->max_message_size);
			messages++;
			break;
		case REC_ITEM:
			data_utf8 = g_utf8_make_valid (data, -1);
			pst_error (cb, path, folder_utf8, h.index == G_MAXUINT32 ? -1 : (gint64) h.index, user_data,
			           "%s", data_utf8);
			break;
		case REC_FATAL:
			data_utf8 = g_utf8_make_valid (data, -1);
			pst_error (cb, path, NULL, -1, user_data, "Outlook PST/OST: %s", data_utf8);
			fatal = TRUE;
			break;
		case REC_CONTACT:
			if (on_contact)
				deliver_contact (folder_utf8, h.index, data, h.data_len, on_contact, user_data);
			break;
		case REC_DONE:
			done = TRUE;
			break;
		default:
			stop = "garbled record";
			break;
		}
		if (stop)
			break;
	}
	/* at end of file the child has closed its end by exiting; otherwise it
	 * is stopped for good */
	if (stop)
		kill (pid, SIGKILL);
	close (fds[0]);
	int status = 0;
	while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
		;

	if (fatal)
		return;
	if (done && WIFEXITED (status) && WEXITSTATUS (status) == CHILD_OK)
		return;
	if (stop && strcmp (stop, "timeout") == 0)
		pst_error (cb, path, NULL, -1, user_data,
		           "libpst stopped (no progress within %" G_GINT64_FORMAT " s: killed) after %u messages",
		           timeout, messages);
	else if (stop)
		pst_error (cb, path, NULL, -1, user_data, "libpst stopped (%s) after %u messages", stop, messages);
	else if (WIFSIGNALED (status) && !done)
		pst_error (cb, path, NULL, -1, user_data, "libpst stopped (killed by signal %d) after %u messages",
		           WTERMSIG (status), messages);
	else if (WIFEXITED (status) && WEXITSTATUS (status) == CHILD_EXITED)
		pst_error (cb, path, NULL, -1, user_data,
		           "libpst stopped (it gave up: out of memory or an unreadable block) after %u messages", messages);
	else if (WIFEXITED (status) && WEXITSTATUS (status) != CHILD_OK)
		pst_error (cb, path, NULL, -1, user_data, "libpst stopped (exit status %d) after %u messages",
		           WEXITSTATUS (status), messages);
	else
		pst_error (cb, path, NULL, -1, user_data, "libpst stopped (output ended early) after %u messages",
		           messages);
}

void
mh_pst_read (const char *path, const mh_limits *limits, const mh_reader_callbacks *callbacks, gpointer user_data)
{
	mh_pst_read_full (path, limits, callbacks, callbacks->contact, user_data);
}
