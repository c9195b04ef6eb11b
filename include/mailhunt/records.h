/* mailhunt — reading the JSON Lines report back into the message model.
 *
 * Worker processes and shards on other machines send their results as
 * the lines the jsonl printer writes (docs/report-format.md); the parent
 * and `mailhunt merge` read them back with these functions and print them
 * again in any format.  A message or document read back prints, with every
 * printer and the same show_code, the bytes the original printed, except
 * where the line does not carry what a printer needs (below).
 *
 * Records are untrusted input (a shard file may come from anywhere): a
 * line is refused before parsing when it is longer than
 * MH_RECORD_MAX_LINE, nested deeper than MH_RECORD_MAX_DEPTH or holds
 * more than MH_RECORD_MAX_VALUES values, and every member is checked:
 * a missing or wrongly typed one is an MH_RECORD_ERROR_MEMBER error that
 * names it by its path ("attachments[1].document.children[0].size").
 * Unknown members are ignored, so newer writers can add members.
 *
 * What the record does not carry, and so a message read back lacks:
 *  - message->mime (NULL), headers and from_all (empty): analysers that
 *    read headers (mh_analyse_headers) find nothing; nothing in the
 *    printers or the link stage reads mime;
 *  - the body text: only its length is recorded, so body_text is that
 *    many spaces (at most MH_RECORD_MAX_BODY_LENGTH, and
 *    MH_RECORD_MAX_BODY_TOTAL for a record), which prints the
 *    same body_length but holds no quotes and no passwords: the link
 *    stage (mh_case_classify, the thread index) cannot work on it;
 *  - attachment bytes (part and data NULL: mh_attachment_get_bytes gives
 *    nothing), so documents cannot be analysed again;
 *  - macro source when the line was written without show_code: a module
 *    whose source was recovered gets "" as source (text and CSV print
 *    the same; printing it again with show_code prints no code);
 *  - a document's text, vba_verdict, text_truncated and ocr_seconds
 *    (zero: mh_scan_summary_add_document counts no OCR time for it).
 * The static strings of the model (finding ids, detected types, formats,
 * verdicts of the case, ...) are kept once each in a table of at most
 * MH_RECORD_MAX_NAMES names of at most MH_RECORD_MAX_NAME_LENGTH bytes,
 * shared by the whole process and never freed (like the string
 * literals they stand for). */
#ifndef MAILHUNT_RECORDS_H
#define MAILHUNT_RECORDS_H

#include <json-glib/json-glib.h>

#include "mailhunt/report.h"

G_BEGIN_DECLS

#define MH_RECORD_ERROR (mh_record_error_quark ())
GQuark mh_record_error_quark (void);

typedef enum {
	MH_RECORD_ERROR_EMPTY,      /* the line holds only white space */
	MH_RECORD_ERROR_SYNTAX,     /* not JSON, not UTF-8, or not an object */
	MH_RECORD_ERROR_LIMIT,      /* a cap below was reached (by the line, or by a member's value) */
	MH_RECORD_ERROR_MEMBER,     /* a member is missing, of the wrong type or out of range */
} mh_record_error;

/* Caps of one record line. */
#define MH_RECORD_MAX_LINE        ((gsize) 64 << 20)  /* bytes, line end excluded */
#define MH_RECORD_MAX_DEPTH       256                 /* nested arrays and objects */
#define MH_RECORD_MAX_VALUES      (1u << 20)          /* arrays, objects and commas between values */
/* body_length of a message: the readers' default max_body_text; and of
 * the message and the messages attached to it together */
#define MH_RECORD_MAX_BODY_LENGTH ((gsize) 4 << 20)
#define MH_RECORD_MAX_BODY_TOTAL  ((gsize) 64 << 20)
/* the table of static strings (finding ids, types, formats, ...) */
#define MH_RECORD_MAX_NAMES       4096
#define MH_RECORD_MAX_NAME_LENGTH 256

/* The "type" member of a line. */
typedef enum {
	MH_RECORD_MESSAGE,
	MH_RECORD_DOCUMENT,
	MH_RECORD_CONTACT,
	MH_RECORD_ADDRESS,
	MH_RECORD_SUMMARY,
	MH_RECORD_OTHER,       /* a type this version does not know */
} mh_record_kind;

/* Parses one line of @len bytes (a trailing "\n" or "\r\n" is allowed)
 * into its JSON object, and says which kind of record it is.  NULL with
 * @error set when the line is empty, too long, too deep, not UTF-8, not
 * a JSON object, or has no string "type" member. */
JsonNode    *mh_record_parse_line (const char *line, gsize len, mh_record_kind *kind, GError **error);

/* A "message" line (its "type" may be absent, not another) as a message,
 * with depth 0; attached messages get their parent's locator and depth
 * + 1, attached documents depth 0, as the readers make them.  NULL with
 * @error when a member is missing or of the wrong type. */
mh_message  *mh_message_from_json (JsonNode *object, GError **error);

/* A "document" line as its document (depth 0) and its "file" (owned by
 * the caller, g_free); NULL with @error. */
mh_document *mh_document_from_json (JsonNode *object, char **file, GError **error);

/* A record whose members are all scalars or arrays of scalars: the unit
 * records of a bulk scan (include/mailhunt/bulk.h).  They come once or
 * more per input, and are read without a JSON tree, into a record that is
 * reused from line to line.  The line checks and caps are those of
 * mh_record_parse_line(); a nested object or array is a syntax error. */
typedef struct _mh_flat_record mh_flat_record;

typedef enum {
	MH_FLAT_NULL,
	MH_FLAT_STRING,
	MH_FLAT_INT,
	MH_FLAT_DOUBLE,
	MH_FLAT_BOOLEAN,
	MH_FLAT_ARRAY,        /* of scalars */
} mh_flat_kind;

typedef struct {
	mh_flat_kind kind;
	const char  *string;  /* MH_FLAT_STRING: UTF-8 without NUL, valid until the next parse */
	gint64       integer; /* MH_FLAT_INT; MH_FLAT_BOOLEAN: 0 or 1 */
	double       number;  /* MH_FLAT_DOUBLE, and MH_FLAT_INT as a double */
	guint        length;  /* MH_FLAT_ARRAY: its elements (mh_flat_record_element) */
	guint        first;
} mh_flat_value;

mh_flat_record      *mh_flat_record_new     (void);
void                 mh_flat_record_free    (mh_flat_record *record);
/* FALSE with @error (as mh_record_parse_line says it) when the line is not
 * one flat JSON object. */
gboolean             mh_flat_record_parse   (mh_flat_record *record, const char *line, gsize len,
                                             GError **error);
/* The member called @name (the last one, if it is there twice), or NULL. */
const mh_flat_value *mh_flat_record_get     (const mh_flat_record *record, const char *name);
const mh_flat_value *mh_flat_record_element (const mh_flat_record *record, const mh_flat_value *array,
                                             guint i);
/* The "type" member when it is a string, else NULL. */
const char          *mh_flat_record_type    (const mh_flat_record *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_flat_record, mh_flat_record_free)

G_END_DECLS

#endif
