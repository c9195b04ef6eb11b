/* Helpers shared by the Office analyser's unit tests: analysing bytes,
 * corpus files and generated samples, counting findings, and building the
 * little byte structures the tests feed in (little-endian fields, stored
 * ZIP packages). */
#ifndef MAILHUNT_OFFICE_TESTLIB_H
#define MAILHUNT_OFFICE_TESTLIB_H

#include "office/office-private.h"

G_BEGIN_DECLS

/* @max_text 0: the default cap. */
mh_document *office_test_analyse (const void *data, gsize len, const char *name, gsize max_text);
/* A file below @root; NULL (and the test skipped) when it cannot be read. */
mh_document *office_test_analyse_file (const char *root, const char *relative);
/* A corpus file (MH_CORPORA); NULL and skipped when the corpora are absent. */
mh_document *office_test_analyse_corpus (const char *relative);
/* A generated sample of samples-benign/office (MH_SRCDIR). */
mh_document *office_test_analyse_sample (const char *name);

guint        office_test_count_findings (const mh_document *doc, const char *id);

void         office_test_put16 (GByteArray *out, guint v);
void         office_test_put32 (GByteArray *out, guint32 v);

typedef struct {
	const char *name;
	const void *data;
	gsize       len;   /* 0: strlen (data) */
} office_test_member;

/* A ZIP of stored members (libgsf needs no compression). */
GBytes      *office_test_make_zip (const office_test_member *members, guint n);

G_END_DECLS

#endif
