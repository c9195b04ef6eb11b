/* Reading inputs: a file's kind is found from its first bytes, then the
 * matching reader turns it into messages.  Directories are walked in name
 * order so that reports are reproducible; Thunderbird profile folders and
 * Maildir folders get the folder names the mail client shows.
 *
 * Inputs are evidence: files are opened read-only (and without updating
 * their access time where the system allows), never written. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "mailhunt/mailbox.h"
#include "mailhunt/office.h"
#include "mailhunt/autoptr.h"
#include "mailhunt/outlook.h"

#define HEAD_BYTES (64 * 1024)
#define READ_CHUNK (1024 * 1024)
/* gzip inside gzip is possible (a .tar.gz is not mail, but a .eml.gz.gz
 * from a careless export is); more layers than this is an attack. */
#define MAX_CONTAINER_DEPTH 3

typedef struct {
	const char *file;
	const char *folder;       /* for an mbox: the file is the folder */
	const char *eml_folder;   /* for a single message: its directory */
	const char *container;
	const mh_limits *limits;
	const mh_reader_callbacks *cb;
	gpointer user_data;
	guint index;
	gboolean maildir_trashed;
	/* a range of a large mbox, else NULL: where its splitter starts, and
	 * the later range starts it may stop at (see units.c) */
	const mh_work_unit *range;
	gboolean after_blank_line;
	guint next_cut;
	guint stopped_at;          /* the range it stopped at the start of, or ranges */
} read_ctx;

static void
report_error (const read_ctx *c, gint64 index, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
report_error (const read_ctx *c, gint64 index, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *what = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	if (c->cb->error)
		c->cb->error (c->file, c->folder, index, what, c->user_data);
}

/* Thunderbird keeps deleted messages in the mbox until the folder is
 * compacted, flagging them "expunged" (0x0008) in X-Mozilla-Status. */
static gboolean
mozilla_deleted (const mh_message *m)
{
	const char *status = mh_message_get_header (m, "X-Mozilla-Status");
	if (!status)
		return FALSE;
	guint64 flags = g_ascii_strtoull (status, NULL, 16);
	return (flags & 0x0008) != 0;
}

/* "From sender date" -> sender, when it is an address. */
static char *
envelope_sender (const char *envelope)
{
	if (!envelope || strlen (envelope) <= 5)
		return NULL;
	const char *s = envelope + 5;
	while (*s == ' ')
		s++;
	const char *e = s;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (e == s || (e - s == 1 && *s == '-'))
		return NULL;   /* Thunderbird writes "From - <date>" */
	g_autofree char *sender = g_strndup (s, (gsize) (e - s));
	if (!strchr (sender, '@'))
		return NULL;
	return g_utf8_make_valid (sender, -1);
}

/* @bytes, when not NULL, holds @data and is taken. */
static void
deliver (read_ctx *c, const char *data, gsize len, GByteArray *bytes, gint64 offset, gint64 length,
         const char *envelope)
{
	mh_locator loc = {
		.file = (char *) c->file, .folder = (char *) c->folder,
		.container = (char *) c->container, .index = c->index,
		.offset = offset, .length = length,
	};
	mh_message *m = bytes ? mh_message_new_from_byte_array (bytes, len, &loc, c->limits)
	                      : mh_message_new_from_bytes (data, len, &loc, c->limits);
	m->envelope_from = envelope_sender (envelope);
	m->locator.deleted = c->maildir_trashed || mozilla_deleted (m);
	c->cb->message (m, c->user_data);
}

static void
on_mbox_entry (mh_mbox_entry *e, gpointer user_data)
{
	read_ctx *c = user_data;
	if (e->oversized)
		report_error (c, c->index, "message at offset %" G_GINT64_FORMAT " is %" G_GINT64_FORMAT
		              " bytes, more than the cap of %zu: not read",
		              e->offset, e->raw_length, c->limits->max_message_size);
	else
		deliver (c, e->data, e->len, g_steal_pointer (&e->bytes), e->offset, e->raw_length, e->envelope);
	c->index++;
}

static void read_stream_at_depth (GInputStream *stream, read_ctx *c, int depth);

/* A range stops at the first separator it takes where a later range
 * starts: the ones it passed start inside a message, so it read them. */
static gboolean
on_range_separator (gint64 offset, gpointer user_data)
{
	read_ctx *c = user_data;
	const GArray *cuts = c->range->cuts;
	while (c->next_cut < cuts->len && g_array_index (cuts, gint64, c->next_cut) < offset)
		c->next_cut++;
	if (c->next_cut < cuts->len && g_array_index (cuts, gint64, c->next_cut) == offset) {
		c->stopped_at = c->next_cut;
		return FALSE;
	}
	return TRUE;
}

static void
read_mbox (GInputStream *stream, read_ctx *c)
{
	gint64 start = c->range ? c->range->start : 0;
	mh_mbox_splitter *sp = mh_mbox_splitter_new_at (c->limits->max_message_size, on_mbox_entry, c,
	                                                start, c->after_blank_line);
	g_autoptr (GError) error = NULL;
	gint64 read_bytes = 0;

	if (c->range)
		mh_mbox_splitter_set_separator_fn (sp, on_range_separator, c);
	/* read straight into the splitter's buffer: an mbox is mostly
	 * attachments, and each copy of it costs */
	while (mh_mbox_splitter_get_status (sp) == MH_MBOX_SPLITTER_READING) {
		gsize room;
		guint8 *at = mh_mbox_splitter_reserve (sp, &room);
		gssize n = g_input_stream_read (stream, at, room, NULL, &error);
		mh_mbox_splitter_commit (sp, n > 0 ? (gsize) n : 0);
		if (n <= 0)
			break;
		read_bytes += n;
	}
	/* what was read before an error is still mail */
	if (mh_mbox_splitter_get_status (sp) == MH_MBOX_SPLITTER_READING)
		mh_mbox_splitter_finish (sp);
	if (mh_mbox_splitter_get_status (sp) == MH_MBOX_SPLITTER_NO_SEPARATOR)
		report_error (c, -1, "range %u of %u: no message starts at byte %" G_GINT64_FORMAT
		              " (the file changed since the scan was planned?)",
		              c->range->range, c->range->ranges, start);
	mh_mbox_splitter_free (sp);
	if (error && c->range && c->range->range > 0)
		/* a range does not know how many messages come before it */
		report_error (c, -1, "read error at byte %" G_GINT64_FORMAT ": %s", start + read_bytes, error->message);
	else if (error)
		report_error (c, -1, "read error after %u messages: %s", c->index, error->message);
	if (error && c->range)
		c->stopped_at = c->range->ranges;   /* a reading from the start would stop here too */
}

/* The rest of @stream in memory, for the kinds that hold one item: at
 * most max_message_size bytes.  NULL after reporting a read error or an
 * input over the cap (*@total is then its true size). */
static GByteArray *
read_whole (GInputStream *stream, read_ctx *c, gint64 *total)
{
	g_autoptr (GByteArray) data = g_byte_array_new ();
	g_autofree guint8 *buf = g_malloc (READ_CHUNK);
	g_autoptr (GError) error = NULL;
	gsize max = c->limits->max_message_size;

	*total = 0;
	for (;;) {
		gssize n = g_input_stream_read (stream, buf, READ_CHUNK, NULL, &error);
		if (n <= 0)
			break;
		*total += n;
		if (data->len + (gsize) n <= max)
			g_byte_array_append (data, buf, (guint) n);
	}
	if (error) {
		report_error (c, 0, "read error: %s", error->message);
		return NULL;
	}
	if ((gsize) *total > max) {
		report_error (c, 0, "%" G_GINT64_FORMAT " bytes, more than the cap of %zu: not read", *total, max);
		return NULL;
	}
	return g_steal_pointer (&data);
}

static void
read_eml (GInputStream *stream, read_ctx *c)
{
	gint64 total;
	GByteArray *data = read_whole (stream, c, &total);
	if (data)
		deliver (c, (const char *) data->data, data->len, data, 0, total, NULL);   /* takes data */
}

/* An OLE2 file: an Outlook .msg becomes a message; an Office document
 * on its own is not mail and is skipped. */
static void
read_ole2 (GInputStream *stream, read_ctx *c)
{
	g_autoptr (GError) error = NULL;
	gint64 total;
	g_autoptr (GByteArray) data = read_whole (stream, c, &total);
	if (!data)
		return;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GMimeMessage) mime = mh_msg_to_mime (data->data, data->len, c->limits, problems, &error);
	if (!mime) {
		if (g_error_matches (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_NOT_OUTLOOK) && c->cb->document) {
			g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data));
			c->cb->document (c->file, c->container, bytes, c->user_data);
		} else if (g_error_matches (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_NOT_OUTLOOK) ||
		           g_error_matches (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_UNSUPPORTED)) {
			if (c->cb->skipped)
				c->cb->skipped (c->file, error->message, c->user_data);
		} else {
			report_error (c, 0, "Outlook .msg: %s", error->message);
		}
		return;
	}
	if (c->cb->input)
		c->cb->input (c->file, "msg", c->user_data);
	mh_locator loc = {
		.file = (char *) c->file, .folder = (char *) c->eml_folder,
		.container = (char *) c->container, .index = 0, .offset = 0, .length = total,
	};
	mh_message *m = mh_message_new_from_mime (mime, &loc, c->limits);
	for (guint i = 0; i < problems->len; i++)
		mh_message_add_problem (m, "%s", (const char *) g_ptr_array_index (problems, i));
	c->cb->message (m, c->user_data);
}

/* A winmail.dat saved on its own: the documents it carries are what
 * matters, so it becomes a message with no headers and the TNEF stream as
 * its one attachment, which the message builder unpacks like any TNEF
 * part of a mail. */
static void
read_tnef (GInputStream *stream, read_ctx *c)
{
	gint64 total;
	g_autoptr (GByteArray) data = read_whole (stream, c, &total);
	if (!data)
		return;
	if (c->cb->input)
		c->cb->input (c->file, "tnef", c->user_data);

	g_autoptr (GMimeMessage) mime = g_mime_message_new (FALSE);
	g_autoptr (GMimePart) part = g_mime_part_new_with_type ("application", "ms-tnef");
	g_autofree char *base = g_path_get_basename (c->file);
	g_mime_part_set_filename (part, base);
	g_autoptr (GMimeStream) mem = g_mime_stream_mem_new_with_buffer ((const char *) data->data, data->len);
	g_autoptr (GMimeDataWrapper) content = g_mime_data_wrapper_new_with_stream (mem, GMIME_CONTENT_ENCODING_BINARY);
	g_mime_part_set_content (part, content);
	g_mime_message_set_mime_part (mime, GMIME_OBJECT (part));

	mh_locator loc = {
		.file = (char *) c->file, .folder = (char *) c->eml_folder,
		.container = (char *) c->container, .index = 0, .offset = 0, .length = total,
	};
	mh_message *m = mh_message_new_from_mime (mime, &loc, c->limits);
	mh_message_add_problem (m, "a winmail.dat read on its own: it carries no mail headers");
	c->cb->message (m, c->user_data);
}

static void
read_gzip (GInputStream *stream, read_ctx *c, int depth)
{
	if (depth >= MAX_CONTAINER_DEPTH) {
		report_error (c, -1, "gzip nested more than %d deep: not read", MAX_CONTAINER_DEPTH);
		return;
	}
	g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
	g_autoptr (GInputStream) inner = g_converter_input_stream_new (stream, G_CONVERTER (z));
	g_autofree char *container = c->container ? g_strconcat (c->container, "+gzip", NULL) : g_strdup ("gzip");
	read_ctx ic = *c;
	ic.container = container;
	ic.index = 0;
	ic.range = NULL;   /* a compressed mbox is never cut */
	read_stream_at_depth (inner, &ic, depth + 1);
}

static void
read_stream_at_depth (GInputStream *raw, read_ctx *c, int depth)
{
	/* peek at the head without consuming it, so each reader starts at 0 */
	g_autoptr (GInputStream) stream = g_buffered_input_stream_new_sized (raw, HEAD_BYTES);
	GBufferedInputStream *bs = G_BUFFERED_INPUT_STREAM (stream);
	g_autoptr (GError) error = NULL;
	gsize head_len = 0;

	while (g_buffered_input_stream_get_available (bs) < HEAD_BYTES) {
		gssize n = g_buffered_input_stream_fill (bs, HEAD_BYTES - (gssize) g_buffered_input_stream_get_available (bs),
		                                         NULL, &error);
		if (n <= 0)
			break;
	}
	if (error) {
		report_error (c, -1, "cannot read: %s", error->message);
		return;
	}
	const guint8 *head = g_buffered_input_stream_peek_buffer (bs, &head_len);
	const char *reason = NULL;
	mh_input_kind kind = mh_detect_input (head, head_len, &reason);

	switch (kind) {
	case MH_INPUT_GZIP:
		read_gzip (stream, c, depth);
		break;
	case MH_INPUT_MBOX:
		if (c->cb->input)
			c->cb->input (c->file, c->container ? "mbox (compressed)" : "mbox", c->user_data);
		read_mbox (stream, c);
		break;
	case MH_INPUT_OLE2:
		read_ole2 (stream, c);
		break;
	case MH_INPUT_TNEF:
		read_tnef (stream, c);
		break;
	case MH_INPUT_PST:
		/* libpst reads a file by name, in a child process */
		if (c->container) {
			if (c->cb->skipped)
				c->cb->skipped (c->file, "Outlook PST/OST inside a compressed file: decompress it first", c->user_data);
		} else {
			mh_pst_read (c->file, c->limits, c->cb, c->user_data);
		}
		break;
	case MH_INPUT_EML:
		if (c->cb->input)
			c->cb->input (c->file, c->container ? "eml (compressed)" : "eml", c->user_data);
		/* one message: its folder is the directory, not the file */
		c->folder = c->eml_folder;
		read_eml (stream, c);
		break;
	default:
		if (c->cb->document && mh_office_is_document (head, head_len)) {
			gint64 total;
			g_autoptr (GByteArray) data = read_whole (stream, c, &total);
			if (data) {
				g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data));
				c->cb->document (c->file, c->container, bytes, c->user_data);
			}
		} else if (c->cb->skipped) {
			c->cb->skipped (c->file, reason, c->user_data);
		}
		break;
	}
}

gboolean
mh_write_all (int fd, const void *data, gsize len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write (fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		p += n;
		len -= (gsize) n;
	}
	return TRUE;
}

int
mh_open_evidence (const char *path)
{
	/* O_NOATIME keeps the access time of evidence as it was; it is only
	 * allowed to the file's owner (or root), so fall back without it. */
	int fd = open (path, O_RDONLY | O_NOATIME | O_CLOEXEC);
	if (fd < 0 && errno == EPERM)
		fd = open (path, O_RDONLY | O_CLOEXEC);
	return fd;
}

/* Regular files up to this size are read whole with read(2) and handed
 * on as a memory stream: a GUnixInputStream asks epoll whether the file
 * can be polled when it is made and polls before every read, about ten
 * system calls more per file, which a quarantine of small files pays
 * tens of thousands of times. */
#define SMALL_FILE (1024 * 1024)

/* The whole of @fd as a stream, or NULL (then the caller streams it):
 * not a regular file, larger than SMALL_FILE (or grown past it), or a
 * read error, which the streaming reader meets and reports again. */
static GInputStream *
small_file_stream (int fd)
{
	struct stat st;
	if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > SMALL_FILE)
		return NULL;
	gsize cap = (gsize) st.st_size + 1;   /* one more byte shows growth */
	guint8 *buf = g_malloc (cap);
	gsize len = 0;
	while (len < cap) {
		ssize_t n = read (fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				len = cap;   /* give up: stream it */
			break;
		}
		len += (gsize) n;
	}
	if (len >= cap) {
		g_free (buf);
		/* from the start again for the streaming reader (a regular
		 * file can always seek) */
		(void) lseek (fd, 0, SEEK_SET);
		return NULL;
	}
	g_autoptr (GBytes) bytes = g_bytes_new_take (buf, len);
	return g_memory_input_stream_new_from_bytes (bytes);
}

/* Reads a FILE unit, or a range of an mbox (@c->range). */
static void
read_file (read_ctx *c)
{
	int fd = mh_open_evidence (c->file);
	if (fd < 0) {
		int e = errno;
		report_error (c, -1, "%s", g_strerror (e));
		if (c->range)
			c->stopped_at = c->range->ranges;   /* nothing more of it is read */
		return;
	}
	const mh_work_unit *r = c->range;
	if (!r) {
		g_autoptr (GInputStream) small = small_file_stream (fd);
		if (small) {
			close (fd);
			read_stream_at_depth (small, c, 0);
			return;
		}
	}
	g_autoptr (GInputStream) stream = g_unix_input_stream_new (fd, TRUE);
	if (!r) {
		read_stream_at_depth (stream, c, 0);
		return;
	}

	struct stat st;
	if (fstat (fd, &st) != 0 || st.st_size != r->file_size) {
		report_error (c, -1, "the file changed since the scan was planned: range %u of %u not read",
		              r->range, r->ranges);
		return;
	}
	if (r->range == 0) {
		/* as a whole file: its kind is seen again, the input counted */
		read_stream_at_depth (stream, c, 0);
		return;
	}
	/* the splitter needs to know whether the line before is empty */
	guint8 before[3] = { 0 };
	gsize nb = (gsize) MIN (r->start, (gint64) sizeof before);
	if (pread (fd, before, nb, (off_t) (r->start - (gint64) nb)) != (ssize_t) nb ||
	    lseek (fd, (off_t) r->start, SEEK_SET) != (off_t) r->start) {
		int e = errno;
		report_error (c, -1, "cannot read range %u of %u: %s", r->range, r->ranges, g_strerror (e));
		return;
	}
	/* before[0..nb) are the bytes right before the range */
	c->after_blank_line = nb >= 1 && before[nb - 1] == '\n' &&
		(r->start == 1 || before[nb - 2] == '\n' ||
		 (before[nb - 2] == '\r' && (r->start == 2 || before[nb - 3] == '\n')));
	read_mbox (stream, c);
}

void
mh_read_unit (const mh_work_unit *unit, guint first_index, const mh_limits *limits,
              const mh_reader_callbacks *callbacks, gpointer user_data, mh_unit_result *result)
{
	mh_unit_result ignored;
	if (!result)
		result = &ignored;
	result->messages = 0;
	result->superseded = 0;

	switch (unit->type) {
	case MH_UNIT_ERROR:
		if (callbacks->error)
			callbacks->error (unit->path, NULL, -1, unit->what, user_data);
		return;
	case MH_UNIT_SKIPPED:
		if (callbacks->skipped)
			callbacks->skipped (unit->path, unit->what, user_data);
		return;
	case MH_UNIT_FILE:
	case MH_UNIT_MBOX_RANGE:
		break;
	}
	gboolean range = unit->type == MH_UNIT_MBOX_RANGE;
	read_ctx c = {
		.file = unit->path, .folder = unit->folder, .eml_folder = unit->eml_folder,
		.limits = limits, .cb = callbacks, .user_data = user_data,
		.index = range ? first_index : 0, .maildir_trashed = unit->maildir_trashed,
		.range = range ? unit : NULL,
		.next_cut = unit->range + 1, .stopped_at = unit->ranges,
	};
	read_file (&c);
	result->messages = c.index - (range ? first_index : 0);
	if (range)
		result->superseded = c.stopped_at - (unit->range + 1);
}

typedef struct {
	const mh_limits *limits;
	const mh_reader_callbacks *callbacks;
	gpointer user_data;
	guint skip;          /* ranges read by an earlier one */
	guint next_index;    /* of the next range of the current mbox */
} path_reading;

static void
read_planned_unit (mh_work_unit *unit, gpointer user_data)
{
	path_reading *p = user_data;
	g_autoptr (mh_work_unit) u = unit;
	mh_unit_result r;
	if (p->skip > 0) {
		p->skip--;
		return;
	}
	if (u->type == MH_UNIT_MBOX_RANGE && u->range == 0)
		p->next_index = 0;
	mh_read_unit (u, p->next_index, p->limits, p->callbacks, p->user_data, &r);
	p->next_index += r.messages;
	p->skip = r.superseded;
}

gboolean
mh_read_path (const char *path, const mh_limits *limits, const mh_reader_callbacks *callbacks,
              gpointer user_data)
{
	/* one reader, so nothing is split; each unit is read as the walk
	 * finds it, so memory does not grow with the number of files */
	mh_plan_options options = { .split_size = 0, .cut_window = 0 };
	path_reading p = { limits, callbacks, user_data, 0, 0 };
	return mh_plan_walk (path, &options, read_planned_unit, &p);
}
