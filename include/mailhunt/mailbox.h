/* mailhunt — readers: turning files and folders into mh_message.
 *
 * A reader knows nothing of analysis: it hands each message to a callback
 * and reports what it could not read or did not recognise.
 */
#ifndef MAILHUNT_MAILBOX_H
#define MAILHUNT_MAILBOX_H

#include <glib.h>

#include "mailhunt/message.h"

G_BEGIN_DECLS

/* ---- mbox splitting (push parser, so memory does not grow with the file) ---- */

typedef struct {
	const char *data;          /* message bytes, ">From " unescaped; NULL when oversized */
	gsize       len;
	gint64      offset;        /* file offset of the first byte after the "From " line */
	gint64      raw_length;    /* bytes in the file, up to the next separator */
	const char *envelope;      /* the "From ..." line without EOL, or NULL (no separator) */
	gboolean    oversized;     /* longer than the cap: data dropped, raw_length still true */
	/* the array holding @data (@len bytes, then a NUL), or NULL; a
	 * callback may take it (setting this to NULL) instead of copying */
	GByteArray *bytes;
} mh_mbox_entry;

typedef void (*mh_mbox_message_fn) (mh_mbox_entry *entry, gpointer user_data);

typedef struct _mh_mbox_splitter mh_mbox_splitter;

mh_mbox_splitter *mh_mbox_splitter_new    (gsize max_message_size,
                                           mh_mbox_message_fn callback,
                                           gpointer user_data);
void              mh_mbox_splitter_feed   (mh_mbox_splitter *splitter, const char *data, gsize len);
/* Or, to read the file straight into the splitter without a copy: room
 * for at most *@len next bytes, then commit with how many were put
 * there (0 at the end of the file). */
guint8           *mh_mbox_splitter_reserve (mh_mbox_splitter *splitter, gsize *len);
void              mh_mbox_splitter_commit  (mh_mbox_splitter *splitter, gsize n);
/* Emits the last message; the splitter can then only be freed. */
void              mh_mbox_splitter_finish (mh_mbox_splitter *splitter);
void              mh_mbox_splitter_free   (mh_mbox_splitter *splitter);

/* The messages depend on the bytes alone, never on the sizes fed: lines
 * are looked at when the bytes fed reach a multiple of 64 KiB of the file
 * (counted from offset 0 of the file, also for mh_mbox_splitter_new_at)
 * and at mh_mbox_splitter_finish. */

/* A splitter that starts reading a file at @offset, where a "From " line
 * starts that a splitter reading from the beginning takes as a separator;
 * @after_blank_line: the line before it is empty ("\n" or "\r\n").
 * From there on it emits exactly the messages, offsets included, that
 * the splitter reading from the beginning emits.  If the line at @offset
 * turns out not to be a separator when read from there, its status
 * becomes MH_MBOX_SPLITTER_NO_SEPARATOR and it emits nothing. */
mh_mbox_splitter *mh_mbox_splitter_new_at (gsize max_message_size, mh_mbox_message_fn callback,
                                           gpointer user_data, gint64 offset, gboolean after_blank_line);

/* Called for each separator the splitter takes, with the file offset of
 * its "From " line, after the message before it was emitted.  Returning
 * FALSE stops the splitter: it takes no more bytes and emits nothing
 * more (status MH_MBOX_SPLITTER_STOPPED). */
typedef gboolean (*mh_mbox_separator_fn) (gint64 offset, gpointer user_data);
void              mh_mbox_splitter_set_separator_fn (mh_mbox_splitter *splitter, mh_mbox_separator_fn fn,
                                                     gpointer user_data);

typedef enum {
	MH_MBOX_SPLITTER_READING = 0,   /* taking bytes */
	MH_MBOX_SPLITTER_STOPPED,       /* the separator function said stop */
	MH_MBOX_SPLITTER_NO_SEPARATOR,  /* new_at(): no separator at the offset given */
} mh_mbox_splitter_status;
mh_mbox_splitter_status mh_mbox_splitter_get_status (const mh_mbox_splitter *splitter);

/* TRUE when @line (of @len bytes, no EOL needed) looks like an mbox
 * separator line: "From " followed by something. */
gboolean          mh_mbox_is_separator    (const char *line, gsize len);
/* TRUE for the classic "From sender <ctime date>" line. */
gboolean          mh_mbox_is_classic_separator (const char *line, gsize len);

/* ---- input kinds, detected from content ---- */

typedef enum {
	MH_INPUT_UNKNOWN = 0,
	MH_INPUT_MBOX,
	MH_INPUT_EML,
	MH_INPUT_GZIP,
	MH_INPUT_OLE2,      /* .msg, .doc, ...: handled by later readers */
	MH_INPUT_PST,
	MH_INPUT_MORK,      /* Thunderbird .msf summary */
	MH_INPUT_TNEF,      /* winmail.dat saved on its own */
	MH_INPUT_EMPTY,
} mh_input_kind;

/* Looks at the first bytes of a file.  @reason receives a short static
 * explanation for MH_INPUT_UNKNOWN and the kinds we do not read yet. */
mh_input_kind     mh_detect_input (const guint8 *head, gsize len, const char **reason);

/* ---- walking the paths given on the command line ---- */

/* An address-book entry of a mailbox (include/mailhunt/outlook.h). */
typedef struct _mh_pst_contact mh_pst_contact;
typedef void (*mh_pst_contact_fn) (const mh_pst_contact *contact, gpointer user_data);

typedef struct {
	/* a message was read; the callee owns it */
	void (*message) (mh_message *message, gpointer user_data);
	/* an input (or one message of it) could not be read; the scan goes on */
	void (*error)   (const char *file, const char *folder, gint64 index, const char *what, gpointer user_data);
	/* an input was not recognised or is not read by this version */
	void (*skipped) (const char *file, const char *reason, gpointer user_data);
	/* an input file was opened (for counting and hashing) */
	void (*input)   (const char *file, const char *kind, gpointer user_data);
	/* a file that is not mail but an Office document or an archive (a
	 * quarantine holds both); NULL: such files are skipped */
	void (*document) (const char *file, const char *container, GBytes *data, gpointer user_data);
	/* a contact or distribution list of an Outlook store, valid during the
	 * call; NULL: contacts are not read */
	mh_pst_contact_fn contact;
	/* a folder of an Outlook store was read (empty ones too), with its role
	 * ("sent-items", "deleted-items" or NULL) and the messages read in it */
	void (*folder) (const char *file, const char *folder, const char *role, guint messages,
	                gpointer user_data);
} mh_reader_callbacks;

/* Reads @path: a file of any supported kind or a directory (recursively,
 * recognising Thunderbird profiles and Maildir).  Returns FALSE only if
 * @path itself cannot be opened; per-file problems go to callbacks. */
gboolean          mh_read_path (const char *path, const mh_limits *limits,
                                const mh_reader_callbacks *callbacks, gpointer user_data);

/* Opens an input read-only, without updating its access time where the
 * system allows; -1 with errno set on failure. */
int               mh_open_evidence (const char *path);

/* Writes all of @len bytes to @fd, again after EINTR and short writes;
 * FALSE (errno set) when it cannot: a pipe whose reader has gone, say. */
gboolean          mh_write_all (int fd, const void *data, gsize len);

/* ---- bulk scanning: work units (src/mailbox/units.c) ----
 *
 * mh_read_path() is mh_plan_walk() with mh_read_unit() on each unit in
 * order (nothing split).  A bulk scan plans once, then hands the units to worker
 * processes, to shards (machines) or both, and merges the results in plan
 * order.  Reading the units of a plan in order, the results merged as
 * mh_plan_merge() says, gives exactly the callbacks mh_read_path() gives
 * for the same paths (tests/test-units.c). */

typedef enum {
	MH_UNIT_FILE,        /* one file, read as mh_read_path reads a file */
	MH_UNIT_MBOX_RANGE,  /* one byte range of a large mbox (range K of N) */
	MH_UNIT_ERROR,       /* a path the walk could not open or stat: reading the
	                      * unit calls callbacks->error (path, NULL, -1, what) */
	MH_UNIT_SKIPPED,     /* a path the walk does not read (symbolic link to a
	                      * directory, not a regular file, nested too deep):
	                      * reading the unit calls callbacks->skipped (path, what) */
} mh_work_unit_type;

typedef struct {
	mh_work_unit_type type;
	/* Stable identity, the same on every machine given the same paths:
	 * the path as given on the command line joined with the names found
	 * under it (so all machines must be given the same relative paths,
	 * from the same directory); for a range "PATH#K/N" (range K of N). */
	char          *key;
	char          *path;            /* the file to read (as in key) */
	char          *folder;          /* the folder its messages get, or NULL */
	char          *eml_folder;      /* the folder a single message in it gets, or NULL */
	gboolean       maildir_trashed; /* a Maildir message flagged T */
	gint64         size;            /* bytes the unit reads (progress): the file's size when
	                                 * planned, a range's length; 0 for ERROR and SKIPPED */
	mh_input_kind  kind;            /* MH_INPUT_MBOX for ranges and the other kinds found when
	                                 * planning looked at the file (files larger than the split
	                                 * size), else MH_INPUT_UNKNOWN: the reader decides */
	guint          range, ranges;   /* range K of N; 0 of 1 for the other types */
	gint64         start, end;      /* a range's bytes [start, end); 0, size otherwise */
	char          *what;            /* ERROR and SKIPPED: what the callback is given */
	/* private: the offsets where the file's ranges start (shared) and the
	 * file's size when planned */
	GArray        *cuts;
	gint64         file_size;
} mh_work_unit;

void mh_work_unit_free (mh_work_unit *unit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_work_unit, mh_work_unit_free)

/* A unit as bytes, for handing it to a process that did not plan it
 * (scan's workers are forked before the plan, so as not to hold it), and
 * back.  _put appends it to @out; _get reads one from *@p (*@left bytes
 * left), moving both on, or gives NULL for bytes that are not one.  The
 * mh_wire_ functions put and get the other parts of such a message: a
 * number, a string (NULL allowed; paths are bytes, not always UTF-8).
 * The bytes are the machine's own: for a scan and its workers only. */
void          mh_work_unit_put   (GByteArray *out, const mh_work_unit *unit);
mh_work_unit *mh_work_unit_get   (const guint8 **p, gsize *left);
void          mh_wire_put_u32    (GByteArray *out, guint32 v);
void          mh_wire_put_string (GByteArray *out, const char *s);
gboolean      mh_wire_get_u32    (const guint8 **p, gsize *left, guint32 *v);
gboolean      mh_wire_get_string (const guint8 **p, gsize *left, char **s);

/* mboxes larger than split_size are read in ranges of about split_size */
#define MH_PLAN_SPLIT_SIZE ((gint64) 16 * 1024 * 1024)
/* bytes read after each cut point looked for before giving up on it */
#define MH_PLAN_CUT_WINDOW ((gint64) 4 * 1024 * 1024)

typedef struct {
	gint64 split_size;   /* 0: never split */
	gint64 cut_window;   /* the search for a cut reads at most this much (at least
	                      * 64 KiB, at most 256 MiB) */
} mh_plan_options;

void       mh_plan_options_init_default (mh_plan_options *options);

/* The work units of @paths (NULL-terminated), in the order mh_read_path
 * reads them: a GPtrArray of mh_work_unit* that frees them.  Planning
 * walks directories (an unreadable one becomes an ERROR unit, at its
 * place in the order) and stats files; it opens only files larger than
 * the split size, and of a large mbox it reads only a window after each
 * cut point (at most cut_window bytes each: when no safe cut is found in
 * it, the neighbouring ranges are simply larger).  gzip-compressed mboxes
 * are never split.  @options NULL: the defaults. */
GPtrArray *mh_plan (const char *const *paths, const mh_plan_options *options);
/* Appends the units of one path to @units; FALSE when @path itself cannot
 * be stat'ed (an ERROR unit is appended then). */
gboolean   mh_plan_add_path (GPtrArray *units, const char *path, const mh_plan_options *options);
/* The same, handing each unit to @fn as soon as it is planned (@fn owns
 * it): memory does not grow with the number of files. */
typedef void (*mh_work_unit_fn) (mh_work_unit *unit, gpointer user_data);
gboolean   mh_plan_walk (const char *path, const mh_plan_options *options, mh_work_unit_fn fn,
                         gpointer user_data);

typedef struct {
	guint messages;     /* locator indexes the unit used: its messages, oversized ones included */
	guint superseded;   /* the next @superseded units (later ranges of the same mbox)
	                     * were read by this one: their results must be discarded */
} mh_unit_result;

/* Reads one unit with the callbacks of mh_read_path (ranges after the
 * first call no callbacks->input: the file is one input).  The locator index of
 * a range's first message is @first_index (and the index given to the
 * error callback, when not -1, counts from it too): 0 when the unit is
 * read apart from the others, then mh_plan_merge() says what to add.
 * A range reads past its end up to the next separator it takes where a
 * later range starts: when the start of the next range turns out not to
 * be a separator (a "From " line inside an attachment of an unclosed
 * multipart message, which a cut cannot see), the range goes on reading
 * and says in @result which later ranges it has read instead.  @result
 * may be NULL (only when the caller reads ranges alone: then nothing can
 * be fixed). */
void       mh_read_unit (const mh_work_unit *unit, guint first_index, const mh_limits *limits,
                         const mh_reader_callbacks *callbacks, gpointer user_data, mh_unit_result *result);

/* How to merge the results of @units (mh_read_unit with first_index 0,
 * results[i] for units->pdata[i], from every worker and every shard: the
 * ranges of one mbox may have been read on different machines): keep[i]
 * FALSE: discard unit i's results (a range that an earlier range read
 * instead); base[i]: add to the locator index of unit i's messages and to
 * the index (when not -1) its error callbacks gave.  base is 0 for all but
 * the later ranges of an mbox.  Only ranges need this: a shard without
 * ranges (split size 0) can be merged as it is.  The text of a read error
 * in a range after the first says "at byte N", not "after N messages". */
void       mh_plan_merge (const GPtrArray *units, const mh_unit_result *results, gboolean *keep, guint *base);

/* Which of @n shards (0..n-1) unit @unit belongs to: the first 8 bytes of
 * SHA-256 of its key, big-endian, modulo @n.  The same on every machine
 * and in every run, provided all machines were given the same paths
 * (spelled the same, relative to the same directory) and the same split
 * size.  mh_key_shard: the same for a key. */
guint      mh_unit_shard (const mh_work_unit *unit, guint n);
guint      mh_key_shard (const char *key, guint n);

/* --files-from: the names listed in @path ("-": standard input), separated
 * by NUL when the list holds one (find -print0), else by newlines (a CR
 * ending an entry is dropped: lists written on Windows).  Empty
 * entries are ignored.  An entry longer than MH_FILE_LIST_MAX_ENTRY bytes
 * or a list longer than MH_FILE_LIST_MAX_BYTES is an error.  Returns a
 * GPtrArray of char*, NULL-terminated (its pdata can be the paths given
 * to mh_plan), or NULL with @error set. */
#define MH_FILE_LIST_MAX_ENTRY 4096
#define MH_FILE_LIST_MAX_BYTES ((gsize) 1024 * 1024 * 1024)
GPtrArray *mh_read_file_list (const char *path, GError **error);


G_END_DECLS

#endif
