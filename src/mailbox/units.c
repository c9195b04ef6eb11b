/* Work units of a bulk scan: what mh_read_path reads, planned first so
 * that worker processes and machines can share it out.
 *
 * Planning walks the paths given exactly as reading them used to (same
 * order, same folder names, same errors at the same places: an error or
 * a skipped path is a unit of its own), and cuts mboxes larger than the
 * split size into ranges.
 *
 * Cutting an mbox.  The splitter (mbox.c) decides whether a "From " line
 * separates messages by what follows it (a header block) and by what
 * precedes it: inside the unclosed multipart of the current message it
 * never does, and that message may have begun gigabytes earlier.  No look
 * at a window of the file can prove a cut right, so a cut is only a
 * proposal that the range before it checks:
 *   - planning proposes, after each nominal cut point, the first "From "
 *     line that a splitter started there (mh_mbox_splitter_new_at) takes
 *     as a separator, looking at most cut_window bytes ahead;
 *   - the range before the cut reads on past its end until its own
 *     splitter, which has seen everything since the start of the file
 *     (by induction: range 0 starts at the start), takes a separator at or
 *     after the cut.  If that separator is the cut, both ranges agree and
 *     the range stops there.  If not, the next range started in the wrong
 *     place: the range reads on until it takes a separator where a later
 *     range starts (or to the end) and says which ranges it read instead
 *     (mh_unit_result.superseded), whose results are discarded.
 * So the messages, errors and locators are exactly those of a reading from
 * the start, and the price of a wrong proposal is only time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "mailhunt/mailbox.h"

#define HEAD_BYTES (64 * 1024)
#define READ_PIECE (64 * 1024)
#define MAX_WALK_DEPTH 64
/* a 10 GB mbox at the default split size has 600 ranges; tiny split
 * sizes (tests) are held to this many */
#define MAX_RANGES 65536
/* "From " lines tried after one cut point before giving up on it */
#define MAX_CUT_CANDIDATES 64
/* the window after a cut point is held in memory: at most this much */
#define MAX_CUT_WINDOW ((gint64) 256 * 1024 * 1024)

void
mh_plan_options_init_default (mh_plan_options *options)
{
	options->split_size = MH_PLAN_SPLIT_SIZE;
	options->cut_window = MH_PLAN_CUT_WINDOW;
}

void
mh_work_unit_free (mh_work_unit *unit)
{
	if (!unit)
		return;
	g_free (unit->key);
	g_free (unit->path);
	g_free (unit->folder);
	g_free (unit->eml_folder);
	g_free (unit->what);
	if (unit->cuts)
		g_array_unref (unit->cuts);
	g_free (unit);
}

static mh_work_unit *
unit_new (mh_work_unit_type type, const char *path)
{
	mh_work_unit *u = g_new0 (mh_work_unit, 1);
	u->type = type;
	u->key = g_strdup (path);
	u->path = g_strdup (path);
	u->kind = MH_INPUT_UNKNOWN;
	u->ranges = 1;
	return u;
}

/* -- units on the wire ---------------------------------------------------------- */

/* Numbers go in the byte order of the machine: the bytes only go from a
 * scan to the workers it forked.  A string is its length, then its bytes;
 * NULL has the length G_MAXUINT32. */
#define WIRE_NULL G_MAXUINT32

void
mh_wire_put_u32 (GByteArray *out, guint32 v)
{
	g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

static void
wire_put_i64 (GByteArray *out, gint64 v)
{
	g_byte_array_append (out, (const guint8 *) &v, sizeof v);
}

void
mh_wire_put_string (GByteArray *out, const char *s)
{
	gsize len = s ? strlen (s) : 0;
	if (!s || len >= WIRE_NULL) {
		mh_wire_put_u32 (out, WIRE_NULL);
		return;
	}
	mh_wire_put_u32 (out, (guint32) len);
	g_byte_array_append (out, (const guint8 *) s, (guint) len);
}

static gboolean
wire_take (const guint8 **p, gsize *left, void *v, gsize size)
{
	if (*left < size)
		return FALSE;
	memcpy (v, *p, size);
	*p += size;
	*left -= size;
	return TRUE;
}

gboolean
mh_wire_get_u32 (const guint8 **p, gsize *left, guint32 *v)
{
	return wire_take (p, left, v, sizeof *v);
}

gboolean
mh_wire_get_string (const guint8 **p, gsize *left, char **s)
{
	guint32 len;
	*s = NULL;
	if (!mh_wire_get_u32 (p, left, &len))
		return FALSE;
	if (len == WIRE_NULL)
		return TRUE;
	if (*left < len)
		return FALSE;
	*s = g_strndup ((const char *) *p, len);   /* a NUL would end it: paths hold none */
	*p += len;
	*left -= len;
	return TRUE;
}

void
mh_work_unit_put (GByteArray *out, const mh_work_unit *u)
{
	g_return_if_fail (out != NULL && u != NULL);
	mh_wire_put_u32 (out, (guint32) u->type);
	mh_wire_put_string (out, u->key);
	mh_wire_put_string (out, u->path);
	mh_wire_put_string (out, u->folder);
	mh_wire_put_string (out, u->eml_folder);
	mh_wire_put_u32 (out, u->maildir_trashed ? 1 : 0);
	wire_put_i64 (out, u->size);
	mh_wire_put_u32 (out, (guint32) u->kind);
	mh_wire_put_u32 (out, u->range);
	mh_wire_put_u32 (out, u->ranges);
	wire_put_i64 (out, u->start);
	wire_put_i64 (out, u->end);
	mh_wire_put_string (out, u->what);
	guint n_cuts = u->cuts ? u->cuts->len : 0;
	mh_wire_put_u32 (out, n_cuts);
	if (n_cuts > 0)
		g_byte_array_append (out, (const guint8 *) u->cuts->data, n_cuts * (guint) sizeof (gint64));
	wire_put_i64 (out, u->file_size);
}

mh_work_unit *
mh_work_unit_get (const guint8 **p, gsize *left)
{
	g_return_val_if_fail (p != NULL && left != NULL, NULL);
	g_autoptr (mh_work_unit) u = g_new0 (mh_work_unit, 1);
	guint32 type, trashed, kind, n_cuts;
	if (!mh_wire_get_u32 (p, left, &type) || type > MH_UNIT_SKIPPED ||
	    !mh_wire_get_string (p, left, &u->key) || !u->key ||
	    !mh_wire_get_string (p, left, &u->path) || !u->path ||
	    !mh_wire_get_string (p, left, &u->folder) ||
	    !mh_wire_get_string (p, left, &u->eml_folder) ||
	    !mh_wire_get_u32 (p, left, &trashed) ||
	    !wire_take (p, left, &u->size, sizeof u->size) ||
	    !mh_wire_get_u32 (p, left, &kind) || kind > MH_INPUT_EMPTY ||
	    !mh_wire_get_u32 (p, left, &u->range) ||
	    !mh_wire_get_u32 (p, left, &u->ranges) ||
	    !wire_take (p, left, &u->start, sizeof u->start) ||
	    !wire_take (p, left, &u->end, sizeof u->end) ||
	    !mh_wire_get_string (p, left, &u->what) ||
	    !mh_wire_get_u32 (p, left, &n_cuts) || *left / sizeof (gint64) < n_cuts)
		return NULL;
	u->type = (mh_work_unit_type) type;
	u->kind = (mh_input_kind) kind;
	u->maildir_trashed = trashed != 0;
	if (n_cuts > 0) {
		u->cuts = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_cuts);
		g_array_append_vals (u->cuts, *p, n_cuts);
		*p += (gsize) n_cuts * sizeof (gint64);
		*left -= (gsize) n_cuts * sizeof (gint64);
	}
	if (!wire_take (p, left, &u->file_size, sizeof u->file_size))
		return NULL;
	return g_steal_pointer (&u);
}

typedef struct {
	mh_work_unit_fn emit;
	gpointer emit_data;
	const mh_plan_options *options;
	int depth;
} plan_ctx;

static void
add_event (plan_ctx *p, mh_work_unit_type type, const char *path, const char *what)
{
	mh_work_unit *u = unit_new (type, path);
	u->what = g_strdup (what);
	p->emit (u, p->emit_data);
}

/* ---- finding where to cut a large mbox ---- */

typedef struct {
	int         fd;
	gint64      file_size;
	GByteArray *data;     /* the file's bytes from base */
	gint64      base;
	gint64      limit;    /* read no further than this */
	gboolean    failed;   /* a read error: no cut here */
} cut_window;

/* Makes the window hold the file's bytes up to @upto (at most limit);
 * FALSE when it cannot. */
static gboolean
window_extend (cut_window *w, gint64 upto)
{
	gint64 want_end = MIN (upto, w->limit);
	while (!w->failed && w->base + (gint64) w->data->len < want_end) {
		gint64 at = w->base + (gint64) w->data->len;
		gsize want = (gsize) MIN ((gint64) READ_PIECE, w->limit - at);
		guint old = w->data->len;
		g_byte_array_set_size (w->data, old + (guint) want);
		ssize_t n = pread (w->fd, w->data->data + old, want, (off_t) at);
		if (n < 0 && errno == EINTR) {
			g_byte_array_set_size (w->data, old);
			continue;
		}
		if (n <= 0) {
			g_byte_array_set_size (w->data, old);
			w->failed = TRUE;
			break;
		}
		g_byte_array_set_size (w->data, old + (guint) n);
	}
	return w->base + (gint64) w->data->len >= upto;
}

static guint8
window_byte (const cut_window *w, gint64 at)
{
	return w->data->data[at - w->base];
}

/* The line before @at (a line start) is empty: how the splitter's
 * classic-separator rule sees it. */
static gboolean
blank_line_before (const cut_window *w, gint64 at)
{
	if (at < 1 || window_byte (w, at - 1) != '\n')
		return FALSE;
	if (at == 1)
		return TRUE;
	guint8 b = window_byte (w, at - 2);
	if (b == '\n')
		return TRUE;
	return b == '\r' && (at == 2 || window_byte (w, at - 3) == '\n');
}

typedef enum { CUT_YES, CUT_NO, CUT_UNKNOWN } cut_answer;

static void
ignore_message (mh_mbox_entry *entry, gpointer user_data)
{
	(void) entry;
	(void) user_data;
}

static gboolean
stop_at_first_separator (gint64 offset, gpointer user_data)
{
	*(gint64 *) user_data = offset;
	return FALSE;
}

/* Would a splitter started at @at take the "From " line there as a
 * separator?  Decided from the window alone; CUT_UNKNOWN when the window
 * ends first. */
static cut_answer
separator_from_here (cut_window *w, gint64 at)
{
	gint64 taken = -1;
	mh_mbox_splitter *sp = mh_mbox_splitter_new_at (0, ignore_message, NULL, at, blank_line_before (w, at));
	mh_mbox_splitter_set_separator_fn (sp, stop_at_first_separator, &taken);
	gint64 fed = at;
	cut_answer answer = CUT_UNKNOWN;

	for (;;) {
		gint64 have = w->base + (gint64) w->data->len;
		if (fed < have) {
			mh_mbox_splitter_feed (sp, (const char *) w->data->data + (fed - w->base), (gsize) (have - fed));
			fed = have;
		}
		if (mh_mbox_splitter_get_status (sp) != MH_MBOX_SPLITTER_READING)
			break;
		if (fed >= w->file_size) {
			mh_mbox_splitter_finish (sp);
			break;
		}
		if (fed >= w->limit || !window_extend (w, fed + 1))
			break;
	}
	mh_mbox_splitter_status status = mh_mbox_splitter_get_status (sp);
	if (status == MH_MBOX_SPLITTER_STOPPED && taken == at)
		answer = CUT_YES;
	else if (status != MH_MBOX_SPLITTER_READING)
		answer = CUT_NO;
	mh_mbox_splitter_free (sp);
	return answer;
}

/* The first offset at or after @from where a range may start, or -1. */
static gint64
find_cut (int fd, gint64 file_size, gint64 from, gint64 window)
{
	cut_window w = { fd, file_size, g_byte_array_new (), MAX (0, from - 3), 0, FALSE };
	w.limit = MIN (file_size, from + CLAMP (window, (gint64) READ_PIECE, MAX_CUT_WINDOW));
	gint64 pos = from, found = -1;

	for (guint tries = 0; tries < MAX_CUT_CANDIDATES && pos < w.limit; ) {
		/* the next line start at or after pos */
		gint64 line = pos;
		if (!window_extend (&w, pos + 1))
			break;
		if (pos > 0 && window_byte (&w, pos - 1) != '\n') {
			line = -1;
			for (gint64 i = pos; ; i++) {
				if (i >= w.base + (gint64) w.data->len && !window_extend (&w, i + 1))
					break;
				if (window_byte (&w, i) == '\n') {
					line = i + 1;
					break;
				}
			}
			if (line < 0)
				break;
		}
		if (!window_extend (&w, line + 5))
			break;
		if (memcmp (w.data->data + (line - w.base), "From ", 5) == 0) {
			tries++;
			cut_answer a = separator_from_here (&w, line);
			if (a == CUT_YES) {
				found = line;
				break;
			}
			if (a == CUT_UNKNOWN)
				break;
		}
		pos = line + 1;
	}
	g_byte_array_unref (w.data);
	return found;
}

/* The offsets where the ranges of an mbox start, the first 0; NULL when
 * it is not cut. */
static GArray *
plan_cuts (int fd, gint64 file_size, const mh_plan_options *o)
{
	gint64 n = (file_size + o->split_size - 1) / o->split_size;
	n = CLAMP (n, 1, MAX_RANGES);
	GArray *cuts = g_array_new (FALSE, FALSE, sizeof (gint64));
	gint64 zero = 0;
	g_array_append_val (cuts, zero);
	for (gint64 i = 1; i < n; i++) {
		/* i * file_size / n without overflow */
		gint64 nominal = file_size / n * i + file_size % n * i / n;
		gint64 last = g_array_index (cuts, gint64, cuts->len - 1);
		if (nominal <= last)
			continue;   /* the cut before was found past this point */
		gint64 cut = find_cut (fd, file_size, nominal, o->cut_window);
		if (cut > last)
			g_array_append_val (cuts, cut);
	}
	if (cuts->len < 2) {
		g_array_unref (cuts);
		return NULL;
	}
	return cuts;
}

/* A file larger than the split size: its kind, and its cuts when it is
 * an mbox worth cutting. */
static GArray *
look_at_large_file (mh_work_unit *u, const mh_plan_options *o)
{
	int fd = mh_open_evidence (u->path);
	if (fd < 0)
		return NULL;
	g_autofree guint8 *head = g_malloc (HEAD_BYTES);
	gsize head_len = 0;
	while (head_len < HEAD_BYTES) {
		ssize_t n = pread (fd, head + head_len, HEAD_BYTES - head_len, (off_t) head_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		head_len += (gsize) n;
	}
	const char *reason;
	u->kind = mh_detect_input (head, head_len, &reason);
	GArray *cuts = u->kind == MH_INPUT_MBOX ? plan_cuts (fd, u->file_size, o) : NULL;
	close (fd);
	return cuts;
}

/* ---- the walk ---- */

/* @known: what lstat said of @path when it is a regular file (a walk of
 * a quarantine folder asked already: a second stat of each file was a
 * quarter of the plan), or NULL to ask stat here. */
static void
add_file (plan_ctx *p, const char *path, const struct stat *known, const char *folder,
          const char *eml_folder, gboolean trashed)
{
	mh_work_unit *u = unit_new (MH_UNIT_FILE, path);
	u->folder = g_strdup (folder);
	u->eml_folder = g_strdup (eml_folder);
	u->maildir_trashed = trashed;

	struct stat st;
	GArray *cuts = NULL;
	if (known)
		st = *known;
	/* when stat fails, reading the unit reports what is wrong */
	if ((known || stat (path, &st) == 0) && S_ISREG (st.st_mode)) {
		u->size = st.st_size;
		u->end = st.st_size;
		u->file_size = st.st_size;
		if (p->options->split_size > 0 && st.st_size > p->options->split_size)
			cuts = look_at_large_file (u, p->options);
	}
	if (!cuts) {
		p->emit (u, p->emit_data);
		return;
	}
	/* the file unit becomes its ranges */
	for (guint i = 0; i < cuts->len; i++) {
		gint64 start = g_array_index (cuts, gint64, i);
		gint64 end = i + 1 < cuts->len ? g_array_index (cuts, gint64, i + 1) : u->file_size;
		mh_work_unit *r = unit_new (MH_UNIT_MBOX_RANGE, path);
		g_free (r->key);
		r->key = g_strdup_printf ("%s#%u/%u", path, i, cuts->len);
		r->folder = g_strdup (folder);
		r->eml_folder = g_strdup (eml_folder);
		r->maildir_trashed = trashed;
		r->size = end - start;
		r->kind = MH_INPUT_MBOX;
		r->range = i;
		r->ranges = cuts->len;
		r->start = start;
		r->end = end;
		r->cuts = g_array_ref (cuts);
		r->file_size = u->file_size;
		p->emit (r, p->emit_data);
	}
	g_array_unref (cuts);
	mh_work_unit_free (u);
}

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

/* The names in @dir, sorted so that reports are reproducible. */
static GPtrArray *
sorted_names (GDir *d)
{
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	const char *name;
	while ((name = g_dir_read_name (d)))
		g_ptr_array_add (names, g_strdup (name));
	g_ptr_array_sort (names, compare_names);
	return names;
}

static void walk_dir (plan_ctx *p, const char *dir, const char *rel);

static void
walk_maildir (plan_ctx *p, const char *dir, const char *rel)
{
	static const char *const subdirs[] = { "cur", "new", NULL };
	g_autofree char *folder = folder_name (rel, NULL);
	const char *label = folder ? folder : "INBOX";

	for (int s = 0; subdirs[s]; s++) {
		g_autofree char *sub = g_build_filename (dir, subdirs[s], NULL);
		g_autoptr (GDir) d = g_dir_open (sub, 0, NULL);
		if (!d)
			continue;
		g_autoptr (GPtrArray) names = sorted_names (d);
		for (guint i = 0; i < names->len; i++) {
			const char *n = g_ptr_array_index (names, i);
			g_autofree char *path = g_build_filename (sub, n, NULL);
			/* Maildir info ":2,<flags>": T is "trashed", still on disk */
			const char *info = strstr (n, ":2,");
			gboolean trashed = info && strchr (info + 3, 'T');
			add_file (p, path, NULL, label, label, trashed);
		}
	}
	/* Maildir++ subfolders (".Sent", ...) and anything else beside cur/new */
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	if (!d)
		return;
	g_autoptr (GPtrArray) names = sorted_names (d);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index (names, i);
		if (!strcmp (n, "cur") || !strcmp (n, "new") || !strcmp (n, "tmp"))
			continue;
		g_autofree char *path = g_build_filename (dir, n, NULL);
		g_autofree char *sub_rel = rel && *rel ? g_build_filename (rel, n, NULL) : g_strdup (n);
		if (is_dir (path))
			walk_dir (p, path, sub_rel);
		else if (!g_str_has_prefix (n, "dovecot") && strcmp (n, "maildirfolder") != 0)
			add_file (p, path, NULL, label, label, FALSE);
	}
}

static void
walk_dir (plan_ctx *p, const char *dir, const char *rel)
{
	if (p->depth >= MAX_WALK_DEPTH) {
		add_event (p, MH_UNIT_SKIPPED, dir, "directory nested too deep");
		return;
	}
	p->depth++;
	if (is_maildir (dir)) {
		walk_maildir (p, dir, rel);
		p->depth--;
		return;
	}

	g_autoptr (GError) error = NULL;
	g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
	if (!d) {
		add_event (p, MH_UNIT_ERROR, dir, error->message);
		p->depth--;
		return;
	}
	g_autoptr (GPtrArray) names = sorted_names (d);
	/* each name is looked up in the directory opened, not along its
	 * whole path: the walk of a quarantine folder is mostly these */
	int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index (names, i);
		g_autofree char *path = g_build_filename (dir, n, NULL);
		g_autofree char *sub_rel = rel && *rel ? g_build_filename (rel, n, NULL) : g_strdup (n);
		struct stat lst;

		if ((dfd >= 0 ? fstatat (dfd, n, &lst, AT_SYMLINK_NOFOLLOW) : lstat (path, &lst)) != 0) {
			add_event (p, MH_UNIT_ERROR, path, g_strerror (errno));
			continue;
		}
		/* lstat told already, but for links (one stat fewer a file) */
		if (S_ISLNK (lst.st_mode) && is_dir (path)) {
			add_event (p, MH_UNIT_SKIPPED, path, "symbolic link to a directory: not followed");
			continue;
		}
		if (S_ISDIR (lst.st_mode)) {
			walk_dir (p, path, sub_rel);
			continue;
		}
		if (!S_ISREG (lst.st_mode) && !S_ISLNK (lst.st_mode)) {
			add_event (p, MH_UNIT_SKIPPED, path, "not a regular file");
			continue;
		}
		/* a file's folder is its directory below the root; an mbox file
		 * is itself a folder (Thunderbird's "Inbox" beside "Inbox.msf") */
		g_autofree char *folder = folder_name (rel, n);
		g_autofree char *eml_folder = folder_name (rel, NULL);
		add_file (p, path, S_ISREG (lst.st_mode) ? &lst : NULL, folder, eml_folder, FALSE);
	}
	if (dfd >= 0)
		close (dfd);
	p->depth--;
}

gboolean
mh_plan_walk (const char *path, const mh_plan_options *options, mh_work_unit_fn fn, gpointer user_data)
{
	mh_plan_options defaults;
	if (!options) {
		mh_plan_options_init_default (&defaults);
		options = &defaults;
	}
	plan_ctx p = { fn, user_data, options, 0 };
	struct stat st;
	if (stat (path, &st) != 0) {
		add_event (&p, MH_UNIT_ERROR, path, g_strerror (errno));
		return FALSE;
	}
	if (S_ISDIR (st.st_mode)) {
		walk_dir (&p, path, "");
		return TRUE;
	}
	g_autofree char *base = g_path_get_basename (path);
	add_file (&p, path, NULL, base, NULL, FALSE);
	return TRUE;
}

static void
append_unit (mh_work_unit *unit, gpointer user_data)
{
	g_ptr_array_add (user_data, unit);
}

gboolean
mh_plan_add_path (GPtrArray *units, const char *path, const mh_plan_options *options)
{
	return mh_plan_walk (path, options, append_unit, units);
}

GPtrArray *
mh_plan (const char *const *paths, const mh_plan_options *options)
{
	GPtrArray *units = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_work_unit_free);
	for (gsize i = 0; paths && paths[i]; i++)
		mh_plan_add_path (units, paths[i], options);
	return units;
}

/* ---- merging the results of units read apart ---- */

void
mh_plan_merge (const GPtrArray *units, const mh_unit_result *results, gboolean *keep, guint *base)
{
	guint running = 0, skip_to = 0;
	const GArray *group = NULL;

	for (guint i = 0; i < units->len; i++) {
		const mh_work_unit *u = g_ptr_array_index (units, i);
		keep[i] = TRUE;
		base[i] = 0;
		if (u->type != MH_UNIT_MBOX_RANGE)
			continue;
		if (u->range == 0 || u->cuts != group) {
			group = u->cuts;
			running = 0;
			skip_to = i;
		}
		if (i < skip_to) {
			keep[i] = FALSE;
			continue;
		}
		base[i] = running;
		running += results[i].messages;
		skip_to = i + 1 + results[i].superseded;
	}
}

/* ---- shards ---- */

guint
mh_key_shard (const char *key, guint n)
{
	g_return_val_if_fail (key && n > 0, 0);
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	g_checksum_update (sum, (const guchar *) key, (gssize) strlen (key));
	guint8 digest[32];
	gsize len = sizeof digest;
	g_checksum_get_digest (sum, digest, &len);
	guint64 v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | digest[i];
	return (guint) (v % n);
}

guint
mh_unit_shard (const mh_work_unit *unit, guint n)
{
	return mh_key_shard (unit->key, n);
}

/* ---- --files-from ---- */

GPtrArray *
mh_read_file_list (const char *path, GError **error)
{
	g_autoptr (GByteArray) data = g_byte_array_new ();
	g_autoptr (GInputStream) in = NULL;
	if (strcmp (path, "-") == 0) {
		in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
	} else {
		int fd = open (path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", path, g_strerror (e));
			return NULL;
		}
		in = g_unix_input_stream_new (fd, TRUE);
	}
	g_autofree guint8 *buf = g_malloc (READ_PIECE);
	for (;;) {
		gssize n = g_input_stream_read (in, buf, READ_PIECE, NULL, error);
		if (n < 0)
			return NULL;
		if (n == 0)
			break;
		if (data->len + (gsize) n > MH_FILE_LIST_MAX_BYTES) {
			g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "%s: a list of files longer than %zu bytes",
			             path, MH_FILE_LIST_MAX_BYTES);
			return NULL;
		}
		g_byte_array_append (data, buf, (guint) n);
	}

	/* find -print0 output, when there is a NUL; else one name a line */
	char sep = data->len > 0 && memchr (data->data, '\0', data->len) ? '\0' : '\n';
	GPtrArray *names = g_ptr_array_new_null_terminated (16, g_free, TRUE);
	gsize i = 0, entry = 0;
	while (i < data->len) {
		const guint8 *end = memchr (data->data + i, sep, data->len - i);
		gsize e = end ? (gsize) (end - data->data) : data->len;
		gsize len = e - i;
		entry++;
		if (sep == '\n' && len > 0 && data->data[i + len - 1] == '\r')
			len--;
		if (len > MH_FILE_LIST_MAX_ENTRY) {
			g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG,
			             "%s: entry %zu is longer than %d bytes", path, entry, MH_FILE_LIST_MAX_ENTRY);
			g_ptr_array_unref (names);
			return NULL;
		}
		if (len > 0)
			g_ptr_array_add (names, g_strndup ((const char *) data->data + i, len));
		i = e + 1;
	}
	return names;
}
