/* Helpers shared by the Office analyser's unit tests (office-testlib.h). */
#include "config.h"

#include <string.h>

#include "office-testlib.h"

mh_document *
office_test_analyse (const void *data, gsize len, const char *name, gsize max_text)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	if (max_text)
		options.limits.max_text = max_text;
	return mh_document_analyse (data, len, name, &options);
}

mh_document *
office_test_analyse_file (const char *root, const char *relative)
{
	g_autofree char *path = g_build_filename (root, relative, NULL);
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr (GError) error = NULL;
	if (!g_file_get_contents (path, &data, &len, &error)) {
		g_test_skip (error->message);
		return NULL;
	}
	return office_test_analyse (data, len, relative, 0);
}

mh_document *
office_test_analyse_corpus (const char *relative)
{
	const char *root = g_getenv ("MH_CORPORA");
	if (!root || !g_file_test (root, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("MH_CORPORA not set");
		return NULL;
	}
	return office_test_analyse_file (root, relative);
}

mh_document *
office_test_analyse_sample (const char *name)
{
	const char *src = g_getenv ("MH_SRCDIR");
	g_autofree char *relative = g_build_filename ("samples-benign", "office", name, NULL);
	g_autofree char *path = g_build_filename (src ? src : ".", relative, NULL);
	if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
		g_test_skip ("samples-benign/office not generated");
		return NULL;
	}
	return office_test_analyse_file (src ? src : ".", relative);
}

guint
office_test_count_findings (const mh_document *doc, const char *id)
{
	guint n = 0;
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, id) == 0)
			n++;
	}
	return n;
}

void
office_test_put16 (GByteArray *out, guint v)
{
	guint8 b[2] = { v & 0xFF, (v >> 8) & 0xFF };
	g_byte_array_append (out, b, 2);
}

void
office_test_put32 (GByteArray *out, guint32 v)
{
	guint8 b[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, (v >> 24) & 0xFF };
	g_byte_array_append (out, b, 4);
}

static guint32
crc32_of (const guint8 *data, gsize len)
{
	guint32 crc = 0xFFFFFFFFu;
	for (gsize i = 0; i < len; i++) {
		crc ^= data[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

GBytes *
office_test_make_zip (const office_test_member *members, guint n)
{
	GByteArray *out = g_byte_array_new ();
	GByteArray *central = g_byte_array_new ();
	for (guint i = 0; i < n; i++) {
		const guint8 *data = members[i].data;
		gsize len = members[i].len ? members[i].len : strlen (members[i].data);
		guint32 crc = crc32_of (data, len);
		guint32 offset = out->len;
		gsize name_len = strlen (members[i].name);
		office_test_put32 (out, 0x04034b50); office_test_put16 (out, 20); office_test_put16 (out, 0);
		office_test_put16 (out, 0); office_test_put16 (out, 0); office_test_put16 (out, 0x21);
		office_test_put32 (out, crc); office_test_put32 (out, (guint32) len);
		office_test_put32 (out, (guint32) len); office_test_put16 (out, (guint) name_len);
		office_test_put16 (out, 0);
		g_byte_array_append (out, (const guint8 *) members[i].name, (guint) name_len);
		g_byte_array_append (out, data, (guint) len);
		office_test_put32 (central, 0x02014b50); office_test_put16 (central, 20);
		office_test_put16 (central, 20); office_test_put16 (central, 0); office_test_put16 (central, 0);
		office_test_put16 (central, 0); office_test_put16 (central, 0x21); office_test_put32 (central, crc);
		office_test_put32 (central, (guint32) len); office_test_put32 (central, (guint32) len);
		office_test_put16 (central, (guint) name_len); office_test_put16 (central, 0);
		office_test_put16 (central, 0); office_test_put16 (central, 0); office_test_put16 (central, 0);
		office_test_put32 (central, 0); office_test_put32 (central, offset);
		g_byte_array_append (central, (const guint8 *) members[i].name, (guint) name_len);
	}
	guint32 cd_offset = out->len;
	g_byte_array_append (out, central->data, central->len);
	office_test_put32 (out, 0x06054b50); office_test_put16 (out, 0); office_test_put16 (out, 0);
	office_test_put16 (out, n); office_test_put16 (out, n);
	office_test_put32 (out, central->len); office_test_put32 (out, cd_offset); office_test_put16 (out, 0);
	g_byte_array_unref (central);
	return g_byte_array_free_to_bytes (out);
}
