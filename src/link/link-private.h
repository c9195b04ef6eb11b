/* Internals of src/link/ that tests look at directly. */
#pragma once

#include <glib.h>

#include "mailhunt/link.h"

G_BEGIN_DECLS

/* Every sampled shingle hash of @text (NFKC, case folded, white space
 * and quote marks left out) in text order, repeats included: what the
 * index keeps a sample of (src/link/index.c). */
GArray *_mh_index_fingerprint (const char *text, gsize len);

/* The 64-to-32-bit mixer that makes a shingle's hash a unit. */
guint32 _mh_index_mix32 (guint64 h);

/* The ids of the messages whose postings hold @unit, merged or not yet
 * (tests: the postings against a plain table). */
GArray *_mh_index_unit_messages (mh_thread_index *index, guint32 unit);

G_END_DECLS
