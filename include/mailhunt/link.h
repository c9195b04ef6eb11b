/* mailhunt — linking: the quotes a mail carries, and the original
 * messages they reproduce (the guidance's case A: a spoofed reply that
 * quotes a thread really exchanged means the terminal holding it was
 * infected; case B: a reply-looking mail built from addresses alone).
 *
 *   quote.c  quote extraction from the body text (plain, or HTML turned
 *            into text with its blockquotes kept as '>' levels);
 *   index.c  the thread index: every message of a scan and of the given
 *            mailboxes, in bounded memory, searchable by Message-ID,
 *            normalised subject and by text (shingle fingerprints);
 *   case.c   case A or B: a message's quotes linked to the originals they
 *            reproduce, and the verdict with its reasons in words.
 */
#ifndef MAILHUNT_LINK_H
#define MAILHUNT_LINK_H

#include <glib.h>

#include "mailhunt/message.h"
#include "mailhunt/outlook.h"
#include "mailhunt/report.h"

G_BEGIN_DECLS

/* -- quote.c ------------------------------------------------------------- */

/* One level of quoting in a body: the header block that introduced it
 * (when there was one) and its text. */
typedef struct {
	guint       level;    /* 1: quoted by this mail; 2: quoted inside that quote; ... */
	const char *style;    /* how it was introduced; static:
	                       * "outlook"            -----Original Message----- / From: Sent: To: Subject:
	                       * "outlook-ja"         差出人: 送信日時: 宛先: 件名:
	                       * "outlook-separator"  Outlook 365's line of underscores then From:/Sent:
	                       * "thunderbird"        On <date>, <name> wrote: / <name> wrote:
	                       * "thunderbird-ja"     <name> さんは書きました:
	                       * "original-message"   -------- Original Message --------
	                       * "forwarded"          -------- Forwarded Message --------
	                       * "gmail-ja"           <date> に <name> <addr> さんは書きました:
	                       * "gt-prefix"          '>' lines without an introduction */
	char       *from;     /* quoted header fields as written (UTF-8), NULL when absent */
	char       *date;
	char       *to;
	char       *cc;
	char       *subject;
	char       *text;     /* the quoted text of this level: quote marks removed, its
	                       * own header block and deeper levels left out */
	gsize       offset;   /* byte offset in the body text where the level starts */
} mh_quote;

/* Caps of quote extraction; hitting one is reported in *problems. */
#define MH_QUOTE_MAX_LEVELS 32
#define MH_QUOTE_MAX_TEXT   (256u << 10)   /* bytes of text kept per level */

/* The quotes of @body (UTF-8 text), outermost first; never NULL (empty
 * when there is none).  @problems (char*, may be NULL) receives what was
 * capped. */
GPtrArray *mh_quotes_extract (const char *body, gsize len, GPtrArray *problems);
void       mh_quote_free (mh_quote *quote);

/* The subject without reply and forward prefixes (Re:, RE:, Fw:, FW:,
 * Fwd:, AW:, 転送:, 返信:, full-width and repeated forms, [list] tags
 * kept), NFKC, white space collapsed, case folded. */
char      *mh_subject_normalise (const char *subject);
/* Whether the subject starts with a reply marker (Re:, AW:, SV:, 返信:,
 * full-width forms, ...; not a forward's), by the same table. */
gboolean   mh_subject_is_reply (const char *subject);

/* -- index.c ------------------------------------------------------------- */

typedef struct _mh_thread_index mh_thread_index;

/* What the index keeps of one message (bounded: docs/linking.md). */
typedef struct {
	guint32     id;          /* position in the index */
	const char *mailbox;     /* as given to mh_thread_index_add (kept once) */
	const char *file;        /* locator file (kept once per file) */
	const char *folder;      /* locator folder or NULL (kept once per folder) */
	guint       index;       /* locator index */
	gint64      offset;      /* locator offset, -1 if none */
	gint64      date_unix;   /* G_MININT64 if unknown */
	const char *message_id;  /* may be NULL; at most 255 bytes kept */
	const char *subject;     /* as written, at most 255 bytes kept */
	const char *from;        /* addr-spec, lower case, or NULL */
	const char *to;          /* the To and Cc addr-specs, ", " between, at most 255 bytes */
} mh_indexed_message;

/* Orders two messages of the index by where they are: mailbox, file,
 * folder, position; never by when they were read. */
gint mh_indexed_message_compare_place (const mh_indexed_message *a, const mh_indexed_message *b);

/* An original whose text contains a quote. */
typedef struct {
	guint32 id;
	double  score;       /* share of the quote's fingerprint found in the original, 0..1 */
	guint   matched;     /* fingerprint units of the quote found in the original */
	guint   total;       /* fingerprint units of the quote */
} mh_link_match;

/* What the index takes of one message, made apart from the index: worker
 * processes and the shards of a split scan make entries and send them as
 * records (include/mailhunt/records.h); the index is built from them
 * where the messages are linked.  Every field is owned. */
typedef struct {
	char      *mailbox;       /* as given to the index */
	char      *file;
	char      *folder;
	guint      index;
	gint64     offset;
	gint64     date_unix;     /* G_MININT64 if unknown */
	char      *message_id;    /* as written, or NULL */
	char      *subject;       /* as written, or NULL */
	char      *from;          /* addr-spec in lower case, or NULL */
	char      *to;            /* To and Cc addr-specs in lower case, ", " between */
	GPtrArray *participants;  /* of char*: From, To and Cc addresses, each once */
	GArray    *units;         /* of guint32: the fingerprint sample kept */
	guint32    threshold;     /* the sample's threshold (docs/linking.md) */
	gboolean   capped;        /* the body was cut at the index's text cap */
} mh_index_entry;

mh_index_entry *mh_index_entry_new (const mh_message *message, const char *mailbox);
void            mh_index_entry_free (mh_index_entry *entry);

mh_thread_index *mh_thread_index_new (void);
void             mh_thread_index_free (mh_thread_index *index);

/* Adds @message (its headers and its body text, quotes included: an
 * original's own quoted history is part of what a spoof copies).
 * @mailbox names where it came from ("scan" or the --mailbox path).
 * Returns its id. */
guint32          mh_thread_index_add (mh_thread_index *index, const mh_message *message,
                                      const char *mailbox);
/* Adds an entry made by mh_index_entry_new (here or elsewhere); the
 * same as adding the message.  Returns its id. */
guint32          mh_thread_index_add_entry (mh_thread_index *index, const mh_index_entry *entry);
guint            mh_thread_index_size (const mh_thread_index *index);
const mh_indexed_message *mh_thread_index_get (const mh_thread_index *index, guint32 id);

/* Sorts what the queries below would otherwise sort on their first call
 * after an add.  Between this and the next add, queries only read the
 * index, so several threads may make them at once. */
void             mh_thread_index_settle (mh_thread_index *index);

/* Ids of the messages with this Message-ID (angle brackets optional). */
GArray          *mh_thread_index_by_message_id (const mh_thread_index *index, const char *message_id);
/* Ids of the messages with this normalised subject (mh_subject_normalise). */
GArray          *mh_thread_index_by_subject (const mh_thread_index *index, const char *subject);

/* The originals whose text contains @text (a quote's text), best first,
 * at most @max, each with a score of at least @min_score.  Costs a
 * lookup per fingerprint unit of @text, never a pass over the index. */
GArray          *mh_thread_index_find_text (const mh_thread_index *index, const char *text,
                                            gsize len, double min_score, guint max);

/* Whether @addr sent or received a message of the index (From, To, Cc;
 * without regard to case): the mailboxes given are that person's, or
 * their correspondents'. */
gboolean         mh_thread_index_has_participant (const mh_thread_index *index, const char *addr);
/* How many messages of the index @addr sent or received (From, To, Cc). */
guint            mh_thread_index_participant_messages (const mh_thread_index *index,
                                                       const char *addr);
/* How many bodies were cut at the index's text cap (docs/linking.md). */
guint            mh_thread_index_capped (const mh_thread_index *index);

/* Bytes the index holds (strings, fingerprints, tables), for the
 * benchmark's bytes per message. */
gsize            mh_thread_index_memory (const mh_thread_index *index);

/* -- case.c ------------------------------------------------------------- */

/* Addresses kept per stolen thread (mh_thread_case.thread_participants). */
#define MH_THREAD_PARTICIPANTS_MAX 64

/* The guidance's two cases (docs/linking.md has the rules). */
typedef enum {
	MH_CASE_UNDECIDED = 0,  /* no reply, no quote, no sign of spoofing: nothing to say */
	MH_CASE_NOT_SPOOF,      /* a genuine reply: it answers the original it quotes,
	                         * from one of that thread's participants */
	MH_CASE_A_CONFIRMED,    /* its quote reproduces a message of a mailbox we hold */
	MH_CASE_A_LIKELY,       /* a quote with consistent original headers that no
	                         * mailbox we hold has */
	MH_CASE_B,              /* no genuine quote: built from addresses alone */
} mh_case;

/* One quote level linked to the original it reproduces. */
typedef struct {
	guint32 original;      /* id in the thread index */
	guint   quote_level;   /* mh_quote.level */
	double  score;
	guint   matched;
	guint   total;
} mh_quote_link;

typedef struct {
	mh_case    verdict;
	GPtrArray *reasons;          /* of char*: each indicator in words, in order */
	GPtrArray *quotes;           /* of mh_quote*: what the body quotes */
	GArray    *links;            /* of mh_quote_link: best first, one per original */
	char      *shown_sender;     /* case A: the account the mail shows as sender, whose
	                              * terminal the guidance names as likely infected */
	GPtrArray *holding_mailboxes; /* of char*: mailboxes holding the stolen original */
	GPtrArray *problems;         /* of char*: caps hit while reading the quotes */
} mh_case_result;

/* Decides the case of @message against @index (may be NULL: no mailbox
 * to compare with, so at best A-likely).  The message itself, and copies
 * of it (same Message-ID), are never taken for its original. */
mh_case_result *mh_case_classify (const mh_message *message, const mh_thread_index *index);
/* The same when @index may hold @message itself (scan indexes every
 * message it reads): @self_indexed says it does, which matters only
 * when the message has no Message-ID to find its copies by. */
mh_case_result *mh_case_classify_indexed (const mh_message *message, const mh_thread_index *index,
                                          gboolean self_indexed);
void            mh_case_result_free (mh_case_result *result);
/* "A-confirmed", "A-likely", "B", "not-spoof", "undecided" */
const char     *mh_case_to_string (mh_case verdict);

/* Puts @result on @message: message->thread_case (the originals copied
 * out of @index) and, for A and B, a finding (thread.stolen-quote high,
 * thread.likely-stolen-quote medium, thread.generated-reply low;
 * docs/detection.md). */
void            mh_case_attach (mh_message *message, const mh_case_result *result,
                                const mh_thread_index *index);

/* What the guidance says to do next for a verdict ("A-confirmed", ...):
 * a NULL-terminated list of sentences, static. */
const char *const *mh_case_next_steps (const char *verdict);

/* -- map.c -------------------------------------------------------------- */

/* The stolen-thread map of a scan: flagged mails grouped by the thread
 * they quote (mh_thread_case.thread). */
typedef struct _mh_thread_map mh_thread_map;

/* Threads kept; the mails of further ones are counted, not kept. */
#define MH_THREAD_MAP_MAX 100000

mh_thread_map *mh_thread_map_new (void);
void           mh_thread_map_free (mh_thread_map *map);
/* Adds @message when its case names a thread (case A). */
void           mh_thread_map_add (mh_thread_map *map, const mh_message *message);
/* The threads, most reused first; owned by @map (free the array only). */
GPtrArray     *mh_thread_map_threads (mh_thread_map *map);
guint          mh_thread_map_dropped (const mh_thread_map *map);

/* -- exposure.c --------------------------------------------------------- */

/* Every address a mailbox exposes: senders and recipients of its messages
 * (Sent Items included), addresses in the header blocks of the mails they
 * quote, and its address book; deduplicated without regard to case. */
typedef struct _mh_exposure mh_exposure;

mh_exposure *mh_exposure_new (guint max_addresses);
void         mh_exposure_free (mh_exposure *exposure);
void         mh_exposure_add_message (mh_exposure *exposure, const mh_message *message);
void         mh_exposure_add_contact (mh_exposure *exposure, const mh_pst_contact *contact);
/* The addresses, sorted; owned by @exposure. */
GPtrArray   *mh_exposure_addresses (mh_exposure *exposure);
/* Addresses left out past max_addresses (counted, not kept). */
guint        mh_exposure_dropped (const mh_exposure *exposure);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_exposure, mh_exposure_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_thread_map, mh_thread_map_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_index_entry, mh_index_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_thread_index, mh_thread_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_case_result, mh_case_result_free)

G_END_DECLS

#endif
