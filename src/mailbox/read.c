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

static void
deliver (read_ctx *c, const char *data, gsize len, gint64 offset, gint64 length, const char *envelope)
{
	mh_locator loc = {
		.file = (char *) c->file, .folder = (char *) c->folder,
		.container = (char *) c->container, .index = c->index,
		.offset = offset, .length = length,
	};
	mh_message *m = mh_message_new_from_bytes (data, len, &loc, c->limits);
	m->envelope_from = envelope_sender (envelope);
	m->locator.deleted = c->maildir_trashed || mozilla_deleted (m);
	c->cb->message (m, c->user_data);
}

static void
on_mbox_entry (const mh_mbox_entry *e, gpointer user_data)
{
	read_ctx *c = user_data;
	if (e->oversized)
		report_error (c, c->index, "message at offset %" G_GINT64_FORMAT " is %" G_GINT64_FORMAT
		              " bytes, more than the cap of %zu: not read",
		              e->offset, e->raw_length, c->limits->max_message_size);
	else
		deliver (c, e->data, e->len, e->offset, e->raw_length, e->envelope);
	c->index++;
}

static void read_stream_at_depth (GInputStream *stream, read_ctx *c, int depth);

static void
read_mbox (GInputStream *stream, read_ctx *c)
{
	mh_mbox_splitter *sp = mh_mbox_splitter_new (c->limits->max_message_size, on_mbox_entry, c);
	g_autofree guint8 *buf = g_malloc (READ_CHUNK);
	g_autoptr (GError) error = NULL;

	for (;;) {
		gssize n = g_input_stream_read (stream, buf, READ_CHUNK, NULL, &error);
		if (n <= 0)
			break;
		mh_mbox_splitter_feed (sp, (const char *) buf, (gsize) n);
	}
	/* what was read before an error is still mail */
	mh_mbox_splitter_finish (sp);
	mh_mbox_splitter_free (sp);
	if (error)
		report_error (c, -1, "read error after %u messages: %s", c->index, error->message);
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
	g_autoptr (GByteArray) data = read_whole (stream, c, &total);
	if (data)
		deliver (c, (const char *) data->data, data->len, 0, total, NULL);
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

static int
open_evidence (const char *path)
{
	/* O_NOATIME keeps the access time of evidence as it was; it is only
	 * allowed to the file's owner (or root), so fall back without it. */
	int fd = open (path, O_RDONLY | O_NOATIME | O_CLOEXEC);
	if (fd < 0 && errno == EPERM)
		fd = open (path, O_RDONLY | O_CLOEXEC);
	return fd;
}

static void
read_file (const char *path, const char *folder, const char *eml_folder, gboolean maildir_trashed,
           const mh_limits *limits, const mh_reader_callbacks *cb, gpointer user_data)
{
	int fd = open_evidence (path);
	if (fd < 0) {
		int e = errno;
		if (cb->error)
			cb->error (path, folder, -1, g_strerror (e), user_data);
		return;
	}
	g_autoptr (GInputStream) stream = g_unix_input_stream_new (fd, TRUE);
	read_ctx c = { path, folder, eml_folder, NULL, limits, cb, user_data, 0, maildir_trashed };
	read_stream_at_depth (stream, &c, 0);
}

/* ---- directories ---- */

static gboolean
is_dir (const char *path)
{
	struct stat st;
	return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static gboolean
is_maildir (const char *dir)
{
	g_autofree char *cur = g_build_filename (dir, "cur", NULL);
	g_autofree char *new = g_build_filename (dir, "new", NULL);
	return is_dir (cur) && is_dir (new);
}

/* Folder name as a mail client shows it, from the path below the root:
 * Thunderbird's "Inbox.sbd/Work" is "Inbox/Work", and the account folders
 * sit below "Mail/" or "ImapMail/" in a profile. */
static char *
folder_name (const char *rel_dir, const char *leaf)
{
	GString *s = g_string_new (NULL);
	g_auto (GStrv) parts = g_strsplit (rel_dir ? rel_dir : "", "/", -1);
	int start = 0;

	/* a profile may sit anywhere below the scanned path
	 * (case/thunderbird-profile/Mail/Local Folders/...): the folder
	 * names begin after its Mail/ or ImapMail/ */
	for (int i = 0; parts[i]; i++)
		if ((strcmp (parts[i], "Mail") == 0 || strcmp (parts[i], "ImapMail") == 0) && parts[i + 1]) {
			start = i + 1;
			break;
		}
	for (int i = start; parts[i]; i++) {
		const char *p = parts[i];
		if (!*p || strcmp (p, ".") == 0)
			continue;
		gsize n = strlen (p);
		if (s->len)
			g_string_append_c (s, '/');
		if (n > 4 && g_str_has_suffix (p, ".sbd"))
			g_string_append_len (s, p, (gssize) (n - 4));
		else
			g_string_append (s, p);
	}
	if (leaf) {
		if (s->len)
			g_string_append_c (s, '/');
		g_string_append (s, leaf);
	}
	if (s->len == 0) {
		g_string_free (s, TRUE);
		return NULL;
	}
	char *raw = g_string_free (s, FALSE);
	char *valid = g_utf8_make_valid (raw, -1);
	g_free (raw);
	return valid;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

typedef struct {
	const mh_limits *limits;
	const mh_reader_callbacks *cb;
	gpointer user_data;
	int depth;
} walk_ctx;

#define MAX_WALK_DEPTH 64

static void walk_dir (walk_ctx *w, const char *dir, const char *rel);

static void
walk_maildir (walk_ctx *w, const char *dir, const char *rel)
{
	static const char *const subdirs[] = { "cur", "new", NULL };
	g_autofree char *folder = folder_name (rel, NULL);
	const char *label = folder ? folder : "INBOX";

	for (int s = 0; subdirs[s]; s++) {
		g_autofree char *sub = g_build_filename (dir, subdirs[s], NULL);
		g_autoptr (GDir) d = g_dir_open (sub, 0, NULL);
		if (!d)
			continue;
		g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
		const char *name;
		while ((name = g_dir_read_name (d)))
			g_ptr_array_add (names, g_strdup (name));
		g_ptr_array_sort (names, compare_names);
		for (guint i = 0; i < names->len; i++) {
			const char *n = g_ptr_array_index (names, i);
			g_autofree char *path = g_build_filename (sub, n, NULL);
			/* Maildir info ":2,<flags>": T is "trashed", still on disk */
			const char *info = strstr (n, ":2,");
			gboolean trashed = info && strchr (info + 3, 'T');
			read_file (path, label, label, trashed, w->limits, w->cb, w->user_data);
		}
	}
	/* Maildir++ subfolders (".Sent", ...) and anything else beside cur/new */
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	if (!d)
		return;
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *name;
	while ((name = g_dir_read_name (d)))
		if (strcmp (name, "cur") && strcmp (name, "new") && strcmp (name, "tmp"))
			g_ptr_array_add (names, g_strdup (name));
	g_ptr_array_sort (names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index (names, i);
		g_autofree char *path = g_build_filename (dir, n, NULL);
		g_autofree char *sub_rel = rel && *rel ? g_build_filename (rel, n, NULL) : g_strdup (n);
		if (is_dir (path))
			walk_dir (w, path, sub_rel);
		else if (!g_str_has_prefix (n, "dovecot") && strcmp (n, "maildirfolder") != 0)
			read_file (path, label, label, FALSE, w->limits, w->cb, w->user_data);
	}
}

static void
walk_dir (walk_ctx *w, const char *dir, const char *rel)
{
	if (w->depth >= MAX_WALK_DEPTH) {
		if (w->cb->skipped)
			w->cb->skipped (dir, "directory nested too deep", w->user_data);
		return;
	}
	w->depth++;
	if (is_maildir (dir)) {
		walk_maildir (w, dir, rel);
		w->depth--;
		return;
	}

	g_autoptr (GError) error = NULL;
	g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
	if (!d) {
		if (w->cb->error)
			w->cb->error (dir, NULL, -1, error->message, w->user_data);
		w->depth--;
		return;
	}
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *name;
	while ((name = g_dir_read_name (d)))
		g_ptr_array_add (names, g_strdup (name));
	g_ptr_array_sort (names, compare_names);

	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index (names, i);
		g_autofree char *path = g_build_filename (dir, n, NULL);
		g_autofree char *sub_rel = rel && *rel ? g_build_filename (rel, n, NULL) : g_strdup (n);
		struct stat lst;

		if (lstat (path, &lst) != 0) {
			if (w->cb->error)
				w->cb->error (path, NULL, -1, g_strerror (errno), w->user_data);
			continue;
		}
		if (S_ISLNK (lst.st_mode) && is_dir (path)) {
			if (w->cb->skipped)
				w->cb->skipped (path, "symbolic link to a directory: not followed", w->user_data);
			continue;
		}
		if (is_dir (path)) {
			walk_dir (w, path, sub_rel);
			continue;
		}
		if (!S_ISREG (lst.st_mode) && !S_ISLNK (lst.st_mode)) {
			if (w->cb->skipped)
				w->cb->skipped (path, "not a regular file", w->user_data);
			continue;
		}
		/* a file's folder is its directory below the root; an mbox file
		 * is itself a folder (Thunderbird's "Inbox" beside "Inbox.msf") */
		g_autofree char *folder = folder_name (rel, n);
		g_autofree char *eml_folder = folder_name (rel, NULL);
		read_file (path, folder, eml_folder, FALSE, w->limits, w->cb, w->user_data);
	}
	w->depth--;
}

gboolean
mh_read_path (const char *path, const mh_limits *limits, const mh_reader_callbacks *callbacks,
              gpointer user_data)
{
	struct stat st;
	if (stat (path, &st) != 0) {
		int e = errno;
		if (callbacks->error)
			callbacks->error (path, NULL, -1, g_strerror (e), user_data);
		return FALSE;
	}
	if (S_ISDIR (st.st_mode)) {
		walk_ctx w = { limits, callbacks, user_data, 0 };
		walk_dir (&w, path, "");
		return TRUE;
	}
	g_autofree char *base = g_path_get_basename (path);
	read_file (path, base, NULL, FALSE, limits, callbacks, user_data);
	return TRUE;
}
