/* PLACEHOLDER — replaced by the lure template matcher (being written). */
#include "config.h"
#include "office-private.h"

struct _mh_lure_db { int unused; };

static mh_lure_db builtin;

const mh_lure_db *
mh_lure_db_builtin (void)
{
	return &builtin;
}

mh_lure_db *
mh_lure_db_load (const char *path, GError **error)
{
	(void) path;
	g_set_error (error, MH_OFFICE_ERROR, 0, "lure files are not read yet");
	return NULL;
}

void
mh_lure_db_free (mh_lure_db *db)
{
	(void) db;
}

void
_mh_lure_apply (mh_document *doc, const mh_office_options *options)
{
	(void) doc; (void) options;
}
