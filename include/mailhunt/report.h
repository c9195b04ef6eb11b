/* mailhunt — the one printer interface.  Commands hand messages and a
 * summary to a printer; only the printers know the output formats. */
#ifndef MAILHUNT_REPORT_H
#define MAILHUNT_REPORT_H

#include <stdio.h>

#include "mailhunt/message.h"
#include "mailhunt/office.h"
#include "mailhunt/outlook.h"

G_BEGIN_DECLS

typedef struct {
	char  *file;
	char  *folder;
	gint64 index;     /* message index in the file, -1 for the whole file */
	char  *what;
} mh_read_error;

typedef struct {
	char *file;
	char *reason;
} mh_skipped_input;

/* A folder of an Outlook store, as read. */
typedef struct {
	char       *file;
	char       *folder;
	const char *role;      /* "sent-items", "deleted-items" or NULL; static */
	guint       messages;  /* read in this folder, not below it */
} mh_store_folder;

typedef struct {
	guint      inputs;            /* files read as mail */
	guint      messages;
	guint      deleted_messages;
	guint      attachments;       /* nested ones included */
	guint      flagged;           /* messages with a finding of low or above */
	guint      flagged_by_severity[MH_SEVERITY_HIGH + 1];
	guint      problems;          /* messages the parser had to repair or cap */
	guint      documents;         /* Office documents and archives opened (inside
	                               * attachments and archives included) */
	guint      documents_by_verdict[MH_VERDICT_MALICIOUS + 1];
	guint      flagged_documents; /* document files among the inputs with macros or worse */
	guint      pictures;          /* pictures found in documents */
	guint      pictures_read;     /* of which OCR read (docs/lures.md) */
	double     ocr_seconds;       /* time spent in OCR */
	guint      contacts;          /* address-book entries of Outlook stores (lists included) */
	guint      stolen_threads;    /* threads of the stolen-thread map */
	guint      linked_early;      /* flagged mails linked before the whole scan was indexed
	                               * (more were waiting than scan keeps: docs/linking.md) */
	guint      folders;           /* folders of Outlook stores ... */
	GPtrArray *store_folders;     /* ... of mh_store_folder*, the first MH_REPORT_LIST_MAX */
	guint      skipped;           /* all skipped inputs ... */
	GPtrArray *skipped_inputs;    /* ... of which the first MH_REPORT_LIST_MAX */
	GHashTable *skipped_reasons;  /* reason -> GUINT_TO_POINTER (count) */
	guint      errors;
	GPtrArray *read_errors;       /* of mh_read_error*, the first MH_REPORT_LIST_MAX */
	double     elapsed_seconds;
} mh_scan_summary;

#define MH_REPORT_LIST_MAX 1000

void mh_scan_summary_init  (mh_scan_summary *summary);
void mh_scan_summary_clear (mh_scan_summary *summary);
void mh_scan_summary_add_error   (mh_scan_summary *summary, const char *file, const char *folder,
                                  gint64 index, const char *what);
void mh_scan_summary_add_skipped (mh_scan_summary *summary, const char *file, const char *reason);
void mh_scan_summary_add_folder  (mh_scan_summary *summary, const char *file, const char *folder,
                                  const char *role, guint messages);
/* Counts a document and everything inside it. */
void mh_scan_summary_add_document (mh_scan_summary *summary, const mh_document *document);

/* An address a mailbox exposes (mailhunt exposure, src/link/exposure.c):
 * who the guidance's step 6 says to warn. */
typedef struct {
	char   *address;     /* addr-spec, lower case */
	char   *name;        /* the first display name seen with it, or NULL */
	guint   from;        /* messages it sent (From, Sender) */
	guint   to;          /* messages it received (To) */
	guint   cc;          /* ... in Cc */
	guint   reply_to;    /* messages naming it in Reply-To */
	guint   quoted;      /* header blocks of quoted mails naming it */
	guint   contact;     /* address-book entries holding it */
	guint   sent_items;  /* of the messages above, those in a Sent Items folder */
	gint64  first_seen;  /* date of the first and last message naming it, */
	gint64  last_seen;   /* G_MININT64 when none has a date */
} mh_exposed_address;

/* A thread the flagged mails of a scan quote (case A): the stolen-thread
 * map of scan (src/link/map.c, docs/linking.md). */
typedef struct {
	char       *thread;        /* id, mh_thread_case.thread */
	char       *subject;       /* the original's subject as written, or NULL */
	const char *verdict;       /* "A-confirmed" when a mailbox holds it, else "A-likely"; static */
	GPtrArray  *participants;  /* of char*: addr-specs of the original messages */
	GPtrArray  *mailboxes;     /* of char*: mailboxes holding the stolen messages */
	GPtrArray  *originals;     /* of char*: Message-IDs of the messages quoted */
	GPtrArray  *shown_senders; /* of char*: accounts the spoofs show as sender */
	guint       spoofs;        /* flagged mails reusing the thread */
	GPtrArray  *spoof_list;    /* of char*: "file #index" of the first MH_THREAD_LIST_MAX */
	gint64      first_seen;    /* Date of the first and last spoof, */
	gint64      last_seen;     /* G_MININT64 when none has one */
} mh_stolen_thread;

#define MH_THREAD_LIST_MAX 64

typedef struct _mh_printer mh_printer;

typedef struct {
	const char *name;
	void (*begin)   (mh_printer *printer);
	void (*message) (mh_printer *printer, const mh_message *message);
	/* a document given on its own (mailhunt doc, or a document file met by scan) */
	void (*document) (mh_printer *printer, const char *file, const mh_document *document);
	/* an address-book entry of an Outlook store (scan --contacts) */
	void (*contact)  (mh_printer *printer, const char *file, const mh_pst_contact *contact);
	/* an exposed address (mailhunt exposure; the printer's addresses mode) */
	void (*address)  (mh_printer *printer, const mh_exposed_address *address);
	/* a thread of the stolen-thread map (after the messages, before the summary) */
	void (*thread)  (mh_printer *printer, const mh_stolen_thread *thread);
	void (*summary) (mh_printer *printer, const mh_scan_summary *summary);
} mh_printer_class;

struct _mh_printer {
	const mh_printer_class *klass;
	FILE    *out;
	gboolean quiet;      /* text: no summary */
	gboolean show_code;  /* macro source in the report */
	gboolean addresses;  /* the report lists addresses (exposure): CSV columns differ */
	gboolean threads;    /* the report lists only the stolen-thread map (scan
	                      * --thread-map): CSV columns differ */
	gpointer priv;
};

/* "text", "jsonl" or "csv"; NULL if unknown. */
mh_printer *mh_printer_new (const char *format, FILE *out);
void        mh_printer_free (mh_printer *printer);

static inline void mh_printer_begin (mh_printer *p) { if (p->klass->begin) p->klass->begin (p); }
static inline void mh_printer_message (mh_printer *p, const mh_message *m) { p->klass->message (p, m); }
static inline void mh_printer_document (mh_printer *p, const char *file, const mh_document *d) { p->klass->document (p, file, d); }
static inline void mh_printer_contact (mh_printer *p, const char *file, const mh_pst_contact *c) { if (p->klass->contact) p->klass->contact (p, file, c); }
static inline void mh_printer_address (mh_printer *p, const mh_exposed_address *a) { p->klass->address (p, a); }
static inline void mh_printer_thread (mh_printer *p, const mh_stolen_thread *t) { p->klass->thread (p, t); }
static inline void mh_printer_summary (mh_printer *p, const mh_scan_summary *s) { p->klass->summary (p, s); }

extern const mh_printer_class mh_text_printer;
extern const mh_printer_class mh_jsonl_printer;
extern const mh_printer_class mh_csv_printer;

G_END_DECLS

#endif
