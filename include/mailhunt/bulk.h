/* mailhunt — the record stream of a bulk scan (src/report/bulk-records.c).
 *
 * Worker processes (scan --jobs N) and shards (scan --shard I/N --format
 * records) do not link or print: they read their work units and write,
 * per unit, JSON Lines records that carry everything the process linking
 * and printing needs (scan's parent, or `mailhunt merge`):
 *
 *   {"type":"unit", "unit":K, "key":..., "path":..., "root":..., "range":R, "ranges":N}
 *   {"type":"input"|"error"|"skipped"|"folder", ...}     what the reader said
 *   {"type":"indexed", ...}                                 every message's index entry
 *   {"type":"body", "text":...}                             before each message record
 *   {"type":"message"|"document"|"contact", ...}            what is reported, as the
 *                                                           jsonl report prints it
 *   {"type":"unit-end", "unit":K, "messages":M, "superseded":S, counts...}
 *
 * docs/bulk.md describes the records; include/mailhunt/records.h reads
 * the message and document lines back. */
#ifndef MAILHUNT_BULK_H
#define MAILHUNT_BULK_H

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "mailhunt/link.h"
#include "mailhunt/mailbox.h"
#include "mailhunt/outlook.h"
#include "mailhunt/records.h"
#include "mailhunt/report.h"

G_BEGIN_DECLS

/* Where a unit's records begin: which unit of the plan, and the PATH it
 * was found under (the mailbox name its messages are indexed under). */
typedef struct {
	guint  unit;      /* position in the plan of all inputs */
	char  *key;       /* mh_work_unit.key */
	char  *path;      /* the file */
	char  *root;      /* the PATH given */
	guint  range;     /* range R of N of an mbox; 0 of 1 otherwise */
	guint  ranges;
} mh_unit_head;

/* What a unit's end says: the reader's mh_unit_result and the counters
 * of the summary that only the reader knows. */
typedef struct {
	guint           unit;
	mh_unit_result  result;
	mh_scan_summary counts;   /* messages, deleted_messages, attachments, problems,
	                           * documents, documents_by_verdict, flagged_documents,
	                           * pictures, pictures_read, ocr_seconds, contacts */
} mh_unit_tail;

void mh_unit_head_clear (mh_unit_head *head);

/* The object built in @b as one JSON line on @out: how every line of the
 * jsonl report and every record is written (src/report/jsonl.c). */
void mh_jsonl_write (FILE *out, JsonBuilder *b);
/* The same for JSON text made otherwise (@len bytes, no newline): bytes
 * that are not UTF-8 are written as escapes (see jsonl.c). */
void mh_jsonl_write_text (FILE *out, const char *text, gsize len);

void mh_bulk_write_head    (FILE *out, const mh_unit_head *head);
void mh_bulk_write_tail    (FILE *out, const mh_unit_tail *tail);
void mh_bulk_write_entry   (FILE *out, const mh_index_entry *entry);
void mh_bulk_write_input   (FILE *out, const char *file, const char *kind);
/* The body text of the message record that follows: the report does not
 * carry it, and linking reads the quotes in it. */
void mh_bulk_write_body    (FILE *out, const char *text);
void mh_bulk_write_error   (FILE *out, const char *file, const char *folder, gint64 index, const char *what);
void mh_bulk_write_skipped (FILE *out, const char *file, const char *reason);
void mh_bulk_write_folder  (FILE *out, const char *file, const char *folder, const char *role,
                            guint messages);

/* Reading: @r is a record's line, read flat (mh_flat_record_parse);
 * FALSE (or NULL) with @error naming the member that is missing or
 * wrong. */
gboolean        mh_bulk_read_head  (const mh_flat_record *r, mh_unit_head *head, GError **error);
gboolean        mh_bulk_read_tail  (const mh_flat_record *r, mh_unit_tail *tail, GError **error);
mh_index_entry *mh_bulk_read_entry (const mh_flat_record *r, GError **error);
mh_pst_contact *mh_bulk_read_contact (const mh_flat_record *r, char **file, GError **error);
/* Adds what @tail counted to @summary. */
void            mh_bulk_add_counts (mh_scan_summary *summary, const mh_scan_summary *counts);

/* Member readers shared by the record readers: NULL-able strings and
 * integers within a range. */
gboolean mh_bulk_get_string (const mh_flat_record *r, const char *name, gboolean nullable, char **value,
                             GError **error);
gboolean mh_bulk_get_int    (const mh_flat_record *r, const char *name, gint64 min, gint64 max,
                             gint64 *value, GError **error);

G_END_DECLS

#endif
