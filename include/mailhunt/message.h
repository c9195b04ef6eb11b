/* mailhunt — the one message model.
 *
 * Every reader (mbox, Thunderbird, Maildir, .eml, and later PST and .msg)
 * produces an mh_message; analysers add findings to it; printers print it.
 * Nothing in here knows where the bytes came from beyond the locator.
 */
#ifndef MAILHUNT_MESSAGE_H
#define MAILHUNT_MESSAGE_H

#include <glib.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

/* Where a message lives, precisely enough for an analyst to find it again. */
typedef struct {
	char    *file;        /* path as given on the command line, joined with the walk */
	char    *folder;      /* mailbox folder as the mail client shows it, or NULL */
	char    *container;   /* e.g. "gzip" when the file was decompressed, or NULL */
	guint    index;       /* 0-based position of the message in its file/folder */
	gint64   offset;      /* byte offset of the message in the (decompressed) file, -1 if none */
	gint64   length;      /* raw length in bytes, -1 if none */
	gboolean deleted;     /* deleted but still present (Thunderbird expunged flag, Maildir T,
	                       * Outlook's Deleted Items) */
	const char *folder_role; /* "sent-items" or "deleted-items" when the mailbox says so
	                          * (Outlook's store entry ids), else NULL; static string */
} mh_locator;

typedef struct {
	char *name;   /* display name, UTF-8, may be NULL */
	char *addr;   /* addr-spec as written, may be NULL for groups/garbage */
} mh_address;

/* One header as it stands in the message and decoded to UTF-8. */
typedef struct {
	char *name;
	char *raw;      /* as found in the message, folding kept */
	char *value;    /* RFC 2047 decoded, UTF-8 */
} mh_header;

typedef struct _mh_message mh_message;
typedef struct _mh_document mh_document;   /* include/mailhunt/office.h */

/* The SHA-256 of @len bytes as 64 lower-case hex digits and a NUL
 * (src/mailbox/digest.c): of attachments, documents and pictures. */
#define MH_SHA256_HEX_SIZE 65
void mh_sha256_hex (const void *data, gsize len, char hex[MH_SHA256_HEX_SIZE]);

typedef struct _mh_attachment mh_attachment;
struct _mh_attachment {
	char       *filename;       /* UTF-8 (RFC 2231, or RFC 2047 in quotes), may be NULL */
	char       *declared_type;  /* Content-Type as declared, lower case */
	const char *detected_type;  /* from the bytes (see mh_detect_type), static string */
	gsize       size;           /* decoded size */
	char        sha256[65];
	char       *path;           /* position in the MIME tree, e.g. "1.2" */
	gboolean    truncated;      /* decoding stopped at the size cap */
	mh_message *nested;         /* for message/rfc822 parts, else NULL */
	GMimeObject *part;          /* owned ref, for mh_attachment_get_bytes() */
	GBytes     *data;           /* owned; the bytes when there is no part (a file unpacked from TNEF) */
	GBytes     *decoded;        /* owned, may be NULL; the part's bytes as the walk decoded them,
	                             * kept for mh_attachment_get_bytes when they may be a document */
	mh_document *document;      /* owned; what the Office analyser found in it, or NULL */
};

typedef enum {
	MH_SEVERITY_INFO = 0,
	MH_SEVERITY_LOW,
	MH_SEVERITY_MEDIUM,
	MH_SEVERITY_HIGH,
} mh_severity;

typedef struct {
	const char *id;        /* stable identifier, e.g. "header.reply-to-mismatch" */
	mh_severity severity;
	char       *summary;   /* one sentence for a human */
	char       *evidence;  /* the values that triggered it */
	char       *location;  /* where in an attachment (module and line, part), or NULL */
	char       *decoding;  /* decoding chain that revealed the evidence, or NULL */
} mh_finding;

/* The original message a quote of this mail reproduces (link stage,
 * include/mailhunt/link.h), copied out of the thread index. */
typedef struct {
	char   *mailbox;      /* as given (--mailbox PATH, or "scan") */
	char   *file;
	char   *folder;       /* may be NULL */
	guint   index;
	gint64  offset;       /* -1 if none */
	char   *message_id;   /* may be NULL */
	gint64  date_unix;    /* G_MININT64 if unknown */
	char   *from;         /* addr-spec, may be NULL */
	char   *to;           /* addr-specs, ", " between, may be NULL */
	char   *subject;      /* may be NULL */
	guint   quote_level;  /* which level of this mail's quotes reproduces it */
	double  score;        /* share of the quote found in it, 0..1 */
} mh_original;

/* Case A or B of the guidance, with its reasons (docs/linking.md). */
typedef struct {
	const char *verdict;           /* "A-confirmed", "A-likely", "B", "not-spoof",
	                                * "undecided"; static */
	GPtrArray  *reasons;           /* of char*, in words */
	GPtrArray  *originals;         /* of mh_original*, best first */
	GPtrArray  *holding_mailboxes; /* of char*: where the stolen original is */
	char       *shown_sender;      /* case A: whose terminal is likely infected */
	guint       quotes;            /* quote levels found in the body */
	const char *quote_style;       /* style of the first level, or NULL; static */
	/* case A: the stolen thread, for the stolen-thread map (docs/linking.md) */
	char       *thread;            /* its id: 12 hex digits, the same in every scan
	                                * and shard; NULL for other verdicts */
	char       *thread_subject;    /* the original's subject (A-likely: the quoted one) */
	GPtrArray  *thread_participants; /* of char*: addr-specs of the original's From,
	                                  * To and Cc (A-likely: of the quoted headers) */
} mh_thread_case;

mh_thread_case *mh_thread_case_new (void);
void            mh_thread_case_free (mh_thread_case *thread_case);

struct _mh_message {
	mh_locator  locator;
	int         depth;          /* 0 for a top-level message */

	GPtrArray  *headers;        /* of mh_header*, in order */
	mh_address  from;
	GPtrArray  *from_all;       /* of mh_address*: From may hold several */
	mh_address  sender;
	GPtrArray  *reply_to;       /* of mh_address* */
	GPtrArray  *to;
	GPtrArray  *cc;
	char       *return_path;    /* Return-Path addr-spec, else NULL */
	char       *envelope_from;  /* mbox "From " line sender when present, else NULL */
	char       *date;           /* Date header as decoded text */
	gint64      date_unix;      /* seconds since epoch, G_MININT64 if unparsable */
	char       *message_id;
	char       *in_reply_to;
	char       *references;
	char       *subject;
	GPtrArray  *received;       /* of char*, top (newest) first */
	GPtrArray  *authentication_results; /* of char* */
	char       *x_mailer;
	char       *outlook_class;      /* Outlook message class (IPM.Note, IPM.Schedule.Meeting.Request,
	                                 * ...) of a .msg or PST item, else NULL */
	char       *outlook_sender_dn;  /* the sender's Exchange (X.500) address when the item's
	                                 * sender properties hold one (an internal sender), else NULL */

	char       *body_text;      /* plain text; HTML converted when no text/plain */
	gboolean    body_from_html;
	GPtrArray  *attachments;    /* of mh_attachment*, in MIME order, flat */
	GPtrArray  *findings;       /* of mh_finding* */
	GPtrArray  *problems;       /* of char*: things the parser had to repair or cap */
	mh_thread_case *thread_case; /* case A/B when the link stage ran, else NULL */

	GMimeMessage *mime;         /* owned */
};

/* Limits every decoder obeys; hitting one is reported as a problem. */
typedef struct {
	gsize max_message_size;   /* bytes of one raw message */
	int   max_depth;          /* nested message/rfc822 and multipart depth */
	guint max_attachments;    /* per message, nested included */
	gsize max_body_text;      /* bytes of extracted body text */
} mh_limits;

void         mh_limits_init_default (mh_limits *limits);

/* A message with nothing in it yet, every list ready to take items with
 * the free functions mh_message_free expects (records read back). */
mh_message  *mh_message_new_empty (const mh_locator *locator, int depth);

/* Builds the model from the raw bytes of one RFC 5322 message.  The
 * locator is copied.  Never fails on malformed input: what could not be
 * understood ends up in message->problems. */
mh_message  *mh_message_new_from_bytes (const char *data, gsize len,
                                        const mh_locator *locator,
                                        const mh_limits *limits);
/* The same from the first @len bytes of @bytes, which it takes: GMime
 * parses them where they are, with no copy of the message. */
mh_message  *mh_message_new_from_byte_array (GByteArray *bytes, gsize len,
                                             const mh_locator *locator,
                                             const mh_limits *limits);
/* Builds the model from a MIME tree that a reader assembled itself (the
 * Outlook readers turn MAPI properties into one), so every format goes
 * through the same decoding and attachment walk.  @mime is referenced.
 * What MIME has no header for travels as object data on the message
 * (never as a header, which a sender could forge): */
#define MH_OUTLOOK_CLASS_DATA     "mailhunt-outlook-class"      /* char*, the message class */
#define MH_OUTLOOK_SENDER_DN_DATA "mailhunt-outlook-sender-dn"  /* char*, an X.500 sender */
mh_message  *mh_message_new_from_mime (GMimeMessage *mime, const mh_locator *locator,
                                       const mh_limits *limits);
void         mh_message_free (mh_message *message);

const char  *mh_message_get_header (const mh_message *message, const char *name);
void         mh_message_add_problem (mh_message *message, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void         mh_message_add_finding (mh_message *message, const char *id, mh_severity severity,
                                     const char *evidence, const char *summary_fmt, ...) G_GNUC_PRINTF (5, 6);
mh_severity  mh_message_max_severity (const mh_message *message, gboolean *any);
void         mh_finding_free (mh_finding *finding);

/* Adds a problem to @problems (char*, may be NULL) for readers that keep
 * their own list (before the message exists, or for a document): the same
 * text once, at most @max of them, then one "@what: more problems, not
 * listed". */
void         mh_problem_list_addv (GPtrArray *problems, guint max, const char *what,
                                   const char *fmt, va_list ap) G_GNUC_PRINTF (4, 0);

/* Decoded bytes of an attachment, at most @max bytes (0 = no cap). */
GBytes      *mh_attachment_get_bytes (const mh_attachment *attachment, gsize max);

/* Whether an attachment's detected type leaves room for an Office
 * document or an archive holding one (images, PDFs, programs do not). */
gboolean     mh_attachment_may_be_document (const mh_attachment *attachment);

const char  *mh_severity_to_string (mh_severity severity);
/* Type of a file from its first bytes: "ole2", "zip", "ooxml", "pdf", ... */
const char  *mh_detect_type (const guint8 *data, gsize len);

void         mh_locator_copy (mh_locator *dst, const mh_locator *src);
void         mh_locator_clear (mh_locator *locator);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_message, mh_message_free)

G_END_DECLS

#endif
