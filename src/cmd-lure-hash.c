/* mailhunt lure-hash: the fingerprints of pictures, and of the pictures
 * inside documents, written as lines of a lure file -- how an analyst
 * adds the lure screens of an incident to --lures FILE (docs/lures.md). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "mailhunt.h"
#include "mailhunt/office.h"

static const char lure_hash_help[] =
	"Usage: mailhunt lure-hash [OPTIONS] FILE...\n"
	"\n"
	"Prints the fingerprint (a 64-bit dHash, docs/lures.md) of every FILE that\n"
	"is a picture (PNG, JPEG, GIF, BMP, TIFF, WebP, or the bitmap in an\n"
	"EMF/WMF) and of every picture inside every FILE that is an Office\n"
	"document or archive; directories are read recursively.  The text form\n"
	"is lines of a lure file, ready to go below a template of your own:\n"
	"\n"
	"  fingerprint: 8f0b2d2d6d4d0f0f 6    # lure.docm: word/media/image1.png (png, 800x450)\n"
	"\n"
	"Options:\n"
	"  --format FORMAT        text or jsonl (default: text)\n"
	"  --distance N           the Hamming distance written on each line, 0 to 64\n"
	"                         (default 6: re-encoded and rescaled copies match)\n"
	"  -h, --help             this text\n"
	"\n"
	"Exit status: 0 every FILE gave a fingerprint, 2 some FILE could not be\n"
	"read or holds no picture, or bad usage.\n";

const char *
mh_cmd_lure_hash_help (void)
{
	return lure_hash_help;
}

#define MAX_DIRECTORY_DEPTH 32

typedef struct {
	gboolean          jsonl;
	gint              distance;
	mh_office_options office;
	int               rc;
} lure_hash_state;

static void
print_fingerprint (lure_hash_state *st, const char *file, const char *location, const char *format,
                   guint width, guint height, guint64 dhash)
{
	if (st->jsonl) {
		g_autoptr (JsonBuilder) b = json_builder_new ();
		json_builder_begin_object (b);
		json_builder_set_member_name (b, "file");
		json_builder_add_string_value (b, file);
		json_builder_set_member_name (b, "location");
		if (location)
			json_builder_add_string_value (b, location);
		else
			json_builder_add_null_value (b);
		json_builder_set_member_name (b, "format");
		json_builder_add_string_value (b, format);
		json_builder_set_member_name (b, "width");
		json_builder_add_int_value (b, width);
		json_builder_set_member_name (b, "height");
		json_builder_add_int_value (b, height);
		g_autofree char *hex = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", dhash);
		json_builder_set_member_name (b, "dhash");
		json_builder_add_string_value (b, hex);
		json_builder_end_object (b);
		g_autoptr (JsonNode) root = json_builder_get_root (b);
		g_autofree char *line = json_to_string (root, FALSE);
		printf ("%s\n", line);
		return;
	}
	printf ("fingerprint: %016" G_GINT64_MODIFIER "x %d    # %s%s%s (%s, %ux%u)\n", dhash,
	        st->distance, file, location ? ": " : "", location ? location : "", format, width, height);
}

/* The pictures of a document and of the documents inside it. */
static guint
document_fingerprints (lure_hash_state *st, const char *file, const mh_document *doc,
                       const char *prefix)
{
	guint n = 0;
	for (guint i = 0; i < doc->images->len; i++) {
		const mh_doc_image *image = g_ptr_array_index (doc->images, i);
		if (!image->has_dhash)
			continue;
		g_autofree char *location = prefix ? g_strconcat (prefix, "/", image->location, NULL)
		                                   : g_strdup (image->location);
		print_fingerprint (st, file, location, image->format, image->width, image->height,
		                   image->dhash);
		n++;
	}
	for (guint i = 0; i < doc->children->len; i++) {
		const mh_document *child = g_ptr_array_index (doc->children, i);
		g_autofree char *deeper = prefix ? g_strconcat (prefix, "/", child->name, NULL)
		                                 : g_strdup (child->name);
		n += document_fingerprints (st, file, child, deeper);
	}
	return n;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
fail (lure_hash_state *st, const char *file, const char *why)
{
	fprintf (stderr, "mailhunt lure-hash: %s: %s\n", file, why);
	st->rc = MH_EXIT_UNREADABLE;
}

static void
hash_file (lure_hash_state *st, const char *file)
{
	GStatBuf sb;
	if (g_stat (file, &sb) != 0) {
		fail (st, file, g_strerror (errno));
		return;
	}
	if ((gsize) sb.st_size > st->office.limits.max_document_size) {
		fail (st, file, "larger than the document size cap: not read");
		return;
	}
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr (GError) error = NULL;
	if (!g_file_get_contents (file, &data, &len, &error)) {
		fail (st, file, error->message);
		return;
	}
	const guint8 *bytes = (const guint8 *) data;
	guint64 dhash;
	guint width, height;
	const char *format;
	g_autoptr (GError) picture_error = NULL;
	if (mh_picture_fingerprint (bytes, len, st->office.limits.max_image_pixels, &dhash, &width,
	                            &height, &format, &picture_error)) {
		print_fingerprint (st, file, NULL, format, width, height, dhash);
		return;
	}
	if (!mh_office_is_document (bytes, len)) {
		fail (st, file, picture_error->message);
		return;
	}
	g_autofree char *name = g_path_get_basename (file);
	g_autoptr (mh_document) doc = mh_document_analyse (bytes, len, name, &st->office);
	if (document_fingerprints (st, file, doc, NULL) == 0)
		fail (st, file, "a document without a picture that decodes");
}

static void
hash_path (lure_hash_state *st, const char *path, int depth)
{
	if (!g_file_test (path, G_FILE_TEST_IS_DIR)) {
		hash_file (st, path);
		return;
	}
	if (depth >= MAX_DIRECTORY_DEPTH) {
		fail (st, path, "directories nested too deep: not read");
		return;
	}
	g_autoptr (GError) error = NULL;
	g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
	if (!dir) {
		fail (st, path, error->message);
		return;
	}
	/* in name order, so that the output is the same on every machine */
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *entry;
	while ((entry = g_dir_read_name (dir)))
		g_ptr_array_add (names, g_strdup (entry));
	g_ptr_array_sort (names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);
		hash_path (st, child, depth + 1);
	}
}

int
mh_cmd_lure_hash (int argc, char **argv)
{
	g_autofree char *format = NULL;
	gboolean help = FALSE;
	gint distance = 6;
	g_auto (GStrv) paths = NULL;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, NULL, NULL },
		{ "distance", 0, 0, G_OPTION_ARG_INT, &distance, NULL, NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int done = mh_cmd_parse_options ("lure-hash", lure_hash_help, "FILE", entries, &argc, &argv,
	                                 &help, &paths);
	if (done >= 0)
		return done;
	if (format && strcmp (format, "text") != 0 && strcmp (format, "jsonl") != 0) {
		fprintf (stderr, "mailhunt lure-hash: unknown format '%s' (text or jsonl)\n", format);
		return MH_EXIT_UNREADABLE;
	}
	if (distance < 0 || distance > 64) {
		fprintf (stderr, "mailhunt lure-hash: --distance is 0 to 64, not %d\n", distance);
		return MH_EXIT_UNREADABLE;
	}
	lure_hash_state st = { .jsonl = format && strcmp (format, "jsonl") == 0, .distance = distance };
	mh_office_options_init_default (&st.office);
	/* fingerprints only: reading the text of pictures is not asked for */
	st.office.ocr = MH_OCR_NONE;
	for (int i = 0; paths[i]; i++)
		hash_path (&st, paths[i], 0);
	if (fflush (stdout) != 0) {
		fprintf (stderr, "mailhunt lure-hash: writing the output failed: %s\n", g_strerror (errno));
		return MH_EXIT_UNREADABLE;
	}
	return st.rc;
}
