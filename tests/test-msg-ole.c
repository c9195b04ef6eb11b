/* A .msg whose attachment is an OLE object (attach method 6): Outlook
 * keeps the embedded document as a storage, not as bytes.  The test
 * builds such a .msg with libgsf around a generated sample document
 * (samples-benign/office/autoopen.doc, AutoOpen → MsgBox) and checks that
 * the document comes out as an attachment the Office analyser opens.  No
 * corpus .msg has a method-6 attachment, hence the built one. */
#include "config.h"

#include <string.h>

#include "mailhunt/analyse.h"
#include "mailhunt/autoptr.h"
#include "mailhunt/outlook.h"

/* Copies every stream and storage of @in below @out. */
static void
copy_tree (GsfInfile *in, GsfOutfile *out)
{
	for (int i = 0; i < gsf_infile_num_children (in); i++) {
		g_autoptr (GsfInput) child = gsf_infile_child_by_index (in, i);
		const char *name = gsf_infile_name_by_index (in, i);
		gboolean dir = GSF_IS_INFILE (child) && gsf_infile_num_children (GSF_INFILE (child)) >= 0;
		g_autoptr (GsfOutput) o = gsf_outfile_new_child (out, name, dir);
		if (dir) {
			copy_tree (GSF_INFILE (child), GSF_OUTFILE (o));
		} else {
			gsf_off_t size = gsf_input_size (child);
			const guint8 *data = size > 0 ? gsf_input_read (child, (gsize) size, NULL) : NULL;
			if (data)
				gsf_output_write (o, (gsize) size, data);
		}
		gsf_output_close (o);
	}
}

static void
write_stream (GsfOutfile *dir, const char *name, const void *data, gsize len)
{
	g_autoptr (GsfOutput) o = gsf_outfile_new_child (dir, name, FALSE);
	gsf_output_write (o, len, data);
	gsf_output_close (o);
}

static void
write_unicode (GsfOutfile *dir, const char *name, const char *utf8)
{
	glong n = 0;
	g_autofree gunichar2 *u = g_utf8_to_utf16 (utf8, -1, NULL, &n, NULL);
	write_stream (dir, name, u, (gsize) n * 2);
}

/* The .msg: a subject, and attachment #0 of method 6 whose object storage
 * (__substg1.0_3701000D) holds the whole of @document. */
static GBytes *
build_msg (GsfInfile *document)
{
	g_autoptr (GsfOutput) mem = gsf_output_memory_new ();
	g_autoptr (GsfOutfile) root = gsf_outfile_msole_new (mem);
	/* 32-byte header, then PR_INTERNET_CPID (0x3FDE, PT_LONG) = 65001 */
	guint8 props[32 + 16] = { 0 };
	GSF_LE_SET_GUINT32 (props + 32, 0x3FDE0003u);
	GSF_LE_SET_GUINT32 (props + 36, 6u);
	GSF_LE_SET_GUINT32 (props + 40, 65001u);
	write_stream (root, "__properties_version1.0", props, sizeof props);
	write_unicode (root, "__substg1.0_0037001F", "Invoice (OLE object attachment test)");
	write_unicode (root, "__substg1.0_1000001F", "Please find the document attached.");

	g_autoptr (GsfOutput) att = gsf_outfile_new_child (root, "__attach_version1.0_#00000000", TRUE);
	/* 8-byte header, then PR_ATTACH_METHOD (0x3705, PT_LONG) = 6 */
	guint8 aprops[8 + 16] = { 0 };
	GSF_LE_SET_GUINT32 (aprops + 8, 0x37050003u);
	GSF_LE_SET_GUINT32 (aprops + 12, 6u);
	GSF_LE_SET_GUINT32 (aprops + 16, 6u);
	write_stream (GSF_OUTFILE (att), "__properties_version1.0", aprops, sizeof aprops);
	write_unicode (GSF_OUTFILE (att), "__substg1.0_3707001F", "invoice.doc");
	g_autoptr (GsfOutput) obj = gsf_outfile_new_child (GSF_OUTFILE (att), "__substg1.0_3701000D", TRUE);
	copy_tree (document, GSF_OUTFILE (obj));
	gsf_output_close (obj);
	gsf_output_close (att);
	gsf_output_close (GSF_OUTPUT (root));   /* closes the memory sink too */
	return g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (mem)),
	                    (gsize) gsf_output_size (mem));
}

static void
test_ole_object_attachment (void)
{
	const char *src = g_getenv ("MH_SRCDIR");
	g_autofree char *path = g_build_filename (src ? src : ".", "samples-benign", "office", "autoopen.doc", NULL);
	if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
		g_test_skip ("samples-benign/office/autoopen.doc not generated");
		return;
	}
	g_autoptr (GError) error = NULL;
	g_autoptr (GsfInput) in = gsf_input_stdio_new (path, &error);
	g_assert_no_error (error);
	g_autoptr (GsfInfile) document = gsf_infile_msole_new (in, &error);
	g_assert_no_error (error);
	g_autoptr (GBytes) msg = build_msg (document);

	mh_limits limits;
	mh_limits_init_default (&limits);
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	gsize len;
	const guint8 *data = g_bytes_get_data (msg, &len);
	g_autoptr (GMimeMessage) mime = mh_msg_to_mime (data, len, &limits, problems, &error);
	g_assert_no_error (error);
	g_assert_nonnull (mime);
	mh_locator loc = { .file = (char *) "ole-object.msg", .offset = -1, .length = -1 };
	g_autoptr (mh_message) m = mh_message_new_from_mime (mime, &loc, &limits);
	mh_analyse_message (m, NULL);

	g_assert_cmpstr (m->subject, ==, "Invoice (OLE object attachment test)");
	g_assert_cmpuint (m->attachments->len, ==, 1);
	const mh_attachment *a = g_ptr_array_index (m->attachments, 0);
	g_assert_cmpstr (a->filename, ==, "invoice.doc");
	g_assert_cmpstr (a->detected_type, ==, "ole2");
	g_assert_nonnull (a->document);
	g_assert_cmpstr (a->document->format, ==, "doc");
	g_assert_cmpuint (a->document->vba_projects->len, ==, 1);
	const mh_vba_project *p = g_ptr_array_index (a->document->vba_projects, 0);
	g_assert_cmpuint (p->modules->len, ==, 2);
	gboolean autoexec = FALSE;
	for (guint i = 0; i < a->document->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (a->document->findings, i);
		autoexec |= strcmp (f->id, "vba.autoexec") == 0 && f->evidence && strstr (f->evidence, "AutoOpen");
	}
	g_assert_true (autoexec);
	/* and the message says so */
	gboolean flagged = FALSE;
	for (guint i = 0; i < m->findings->len; i++)
		flagged |= g_str_has_prefix (((const mh_finding *) g_ptr_array_index (m->findings, i))->id,
		                             "attachment.");
	g_assert_true (flagged);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_mime_init ();
	g_test_add_func ("/msg/ole-object-attachment", test_ole_object_attachment);
	int rc = g_test_run ();
	g_mime_shutdown ();
	return rc;
}
