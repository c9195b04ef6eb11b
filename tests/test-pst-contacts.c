/* PST contacts and distribution lists, as far as libpst exposes them: the
 * address book the "exposure" warnings of the guidance will need.
 * java-libpst's dist-list.pst holds one contact and one list. */
#include "config.h"

#include <string.h>

#include "mailhunt/outlook.h"

typedef struct {
	GPtrArray *contacts;   /* of mh_pst_contact* */
	guint      messages;
	guint      errors;
} collected;

static void
on_message (mh_message *m, gpointer user_data)
{
	((collected *) user_data)->messages++;
	mh_message_free (m);
}

static void
on_error (const char *file, const char *folder, gint64 index, const char *what, gpointer user_data)
{
	g_test_message ("error: %s: %s", file, what);
	((collected *) user_data)->errors++;
}

static void
on_contact (const mh_pst_contact *contact, gpointer user_data)
{
	g_ptr_array_add (((collected *) user_data)->contacts, mh_pst_contact_copy (contact));
}

static void
test_dist_list (void)
{
	const char *corpora = g_getenv ("MH_CORPORA");
	g_autofree char *path = corpora ? g_build_filename (corpora, "java-libpst/src/test/resources/dist-list.pst", NULL) : NULL;
	if (!path || !g_file_test (path, G_FILE_TEST_EXISTS)) {
		g_test_skip ("corpora not found (configure --with-corpora=DIR)");
		return;
	}
	collected c = { g_ptr_array_new_with_free_func ((GDestroyNotify) mh_pst_contact_free), 0, 0 };
	mh_reader_callbacks cb = { on_message, on_error, NULL, NULL };
	mh_limits limits;
	mh_limits_init_default (&limits);

	mh_pst_read_full (path, &limits, &cb, on_contact, &c);

	g_assert_cmpuint (c.errors, ==, 0);
	g_assert_cmpuint (c.messages, ==, 0);
	g_assert_cmpuint (c.contacts->len, ==, 2);
	gboolean list = FALSE, contact = FALSE;
	for (guint i = 0; i < c.contacts->len; i++) {
		const mh_pst_contact *k = g_ptr_array_index (c.contacts, i);
		g_test_message ("%s: %s (%u addresses)", k->is_list ? "list" : "contact", k->name, k->addresses->len);
		if (k->is_list && g_strcmp0 (k->name, "test dist list") == 0)
			list = TRUE;
		if (!k->is_list && k->addresses->len == 1 &&
		    strcmp (g_ptr_array_index (k->addresses, 0), "contact1@rjohnson.id.au") == 0)
			contact = TRUE;
	}
	g_assert_true (list);
	g_assert_true (contact);
	g_ptr_array_unref (c.contacts);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_set_nonfatal_assertions ();
	g_mime_init ();
	g_test_add_func ("/pst/contacts/dist-list", test_dist_list);
	int rc = g_test_run ();
	g_mime_shutdown ();
	return rc;
}
