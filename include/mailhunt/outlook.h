/* mailhunt — Outlook formats: .msg (OLE2), winmail.dat (TNEF) and PST/OST.
 *
 * Each reader turns Outlook's MAPI properties into a MIME tree (transport
 * headers parsed with GMime when the item has them), and the message model
 * is built from that tree like any other mail (mh_message_new_from_mime),
 * so decoding, attachments and findings are the same for every format.
 */
#ifndef MAILHUNT_OUTLOOK_H
#define MAILHUNT_OUTLOOK_H

#include <glib.h>
#include <gmime/gmime.h>

#include "mailhunt/mailbox.h"
#include "mailhunt/message.h"

G_BEGIN_DECLS

#define MH_OUTLOOK_ERROR (mh_outlook_error_quark ())
GQuark mh_outlook_error_quark (void);

typedef enum {
	MH_OUTLOOK_ERROR_NOT_OUTLOOK,   /* an OLE2 file that is not a .msg (an Office document) */
	MH_OUTLOOK_ERROR_CORRUPT,       /* structure broken beyond reading */
	MH_OUTLOOK_ERROR_LIMIT,         /* a size or depth cap was reached */
	MH_OUTLOOK_ERROR_UNSUPPORTED,   /* a variant this version does not read */
} mh_outlook_error;

/* .msg: the MIME tree of the Outlook item in @data (an OLE2 compound
 * file).  Embedded .msg attachments become message/rfc822 parts, down to
 * limits->max_depth.  What had to be repaired or capped is appended to
 * @problems (char*, may be NULL).  NULL and @error when @data is not a
 * .msg (MH_OUTLOOK_ERROR_NOT_OUTLOOK) or cannot be read. */
GMimeMessage *mh_msg_to_mime (const guint8 *data, gsize len, const mh_limits *limits,
                              GPtrArray *problems, GError **error);

/* TRUE when @data is an OLE2 file holding a .msg (checked cheaply). */
gboolean      mh_msg_detect (const guint8 *data, gsize len);

/* One file unpacked from a TNEF stream (winmail.dat). */
typedef struct {
	char   *filename;    /* long file name when TNEF has it, UTF-8 */
	char   *mime_type;   /* MIME tag when TNEF has it, else NULL */
	GBytes *data;
	gboolean is_message; /* an embedded message (attach method 5): data is a .msg-like MAPI blob */
} mh_tnef_file;

void          mh_tnef_file_free (mh_tnef_file *file);

/* The attachments of a TNEF stream, in order; NULL and @error when @data
 * is not TNEF or is broken before the first attachment. */
GPtrArray    *mh_tnef_unpack (const guint8 *data, gsize len, const mh_limits *limits,
                              GPtrArray *problems, GError **error);

/* PST/OST at @path: every message of every folder goes to
 * callbacks->message with locator.folder the Outlook folder path.  libpst
 * runs in a child process (it is not thread-safe, exits on allocation
 * failure and crashes on some corrupt files): a crash becomes one error
 * for the file, saying how many messages were read before it. */
void          mh_pst_read (const char *path, const mh_limits *limits,
                           const mh_reader_callbacks *callbacks, gpointer user_data);

/* A contact or distribution list of a PST, as far as libpst exposes it
 * (the members of a distribution list are not: only its name). */
struct _mh_pst_contact {
	char      *folder;     /* Outlook folder path, UTF-8, may be NULL */
	guint      index;      /* 0-based among the contacts of the folder */
	gboolean   is_list;    /* a distribution list (IPM.DistList) */
	char      *name;       /* full name, file-as or subject, UTF-8, may be NULL */
	char      *company;    /* company name, UTF-8, may be NULL */
	GPtrArray *addresses;  /* of char*: e-mail addresses as stored (SMTP or X.500), UTF-8 */
};

/* A copy to keep beyond the callback; free it with mh_pst_contact_free. */
mh_pst_contact *mh_pst_contact_copy (const mh_pst_contact *contact);
void          mh_pst_contact_free (mh_pst_contact *contact);

/* mh_pst_read, with @on_contact instead of callbacks->contact: the
 * contacts and distribution lists (which never go to callbacks->message)
 * are read when @on_contact is not NULL. */
void          mh_pst_read_full (const char *path, const mh_limits *limits,
                                const mh_reader_callbacks *callbacks,
                                mh_pst_contact_fn on_contact, gpointer user_data);

G_END_DECLS

#endif
