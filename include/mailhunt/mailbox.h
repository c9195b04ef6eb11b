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
} mh_mbox_entry;

typedef void (*mh_mbox_message_fn) (const mh_mbox_entry *entry, gpointer user_data);

typedef struct _mh_mbox_splitter mh_mbox_splitter;

mh_mbox_splitter *mh_mbox_splitter_new    (gsize max_message_size,
                                           mh_mbox_message_fn callback,
                                           gpointer user_data);
void              mh_mbox_splitter_feed   (mh_mbox_splitter *splitter, const char *data, gsize len);
/* Emits the last message; the splitter can then only be freed. */
void              mh_mbox_splitter_finish (mh_mbox_splitter *splitter);
void              mh_mbox_splitter_free   (mh_mbox_splitter *splitter);

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


G_END_DECLS

#endif
