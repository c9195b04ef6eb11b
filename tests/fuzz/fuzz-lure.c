/* libFuzzer harness: the bytes as a document's text matched against the
 * built-in lure templates (small max_text so the cap is reached), and as
 * an analyst's lure file (docs/lures.md) loaded and then used. */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "office/office-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_document (const mh_document *doc)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, "lure.template") != 0 || !f->summary ||
		    !g_utf8_validate (f->summary, -1, NULL) ||
		    (f->evidence && !g_utf8_validate (f->evidence, -1, NULL)))
			__builtin_trap ();
	}
}

static void
match (const uint8_t *data, size_t size, const mh_lure_db *db, gsize max_text)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.lures = db;
	options.limits.max_text = max_text;
	mh_document *doc = _mh_document_new ("fuzz.doc", data, size, 0);
	doc->text = g_string_new_len ((const char *) data, (gssize) size);
	_mh_lure_apply (doc, &options);
	check_document (doc);
	mh_document_free (doc);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	/* every anchored phrase search is checked against the whole search
	 * (src/office/lure.c aborts on a difference) */
	g_setenv ("MAILHUNT_LURE_VERIFY", "1", FALSE);
	match (data, size, NULL, 4096);

	/* the same bytes as a lure file */
	char *path = NULL;
	int fd = g_file_open_tmp ("fuzz-lure-XXXXXX", &path, NULL);
	if (fd < 0)
		return 0;
	gboolean written = write (fd, data, size) == (ssize_t) size;
	close (fd);
	if (written) {
		GError *error = NULL;
		mh_lure_db *db = mh_lure_db_load (path, &error);
		if (db) {
			match (data, size, db, 4096);
			mh_lure_db_free (db);
		} else if (!error || !g_str_has_prefix (error->message, path)) {
			__builtin_trap ();   /* a bad file is an error naming the file */
		}
		g_clear_error (&error);
	}
	g_unlink (path);
	g_free (path);
	return 0;
}
