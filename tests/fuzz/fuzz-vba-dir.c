/* libFuzzer harness: the VBA dir stream parser (src/office/vba.c) on any
 * bytes, as a decompressed dir stream and, when they decompress, as a
 * compressed one; the code page conversion on the same bytes; and a whole
 * project read from an OLE file built of the bytes cut at a marker: the
 * dir stream (compressed here, so that mutations reach the records), the
 * PROJECT stream, then the module streams named in module_streams[]. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <gsf/gsf.h>

#include "office/office-private.h"

#define MARKER "\xFF\xFE\xFD\xFC"

static const char *const module_streams[] = {
	"Module1", "ThisWorkbook", "Sheet1", "Sheet2", "Sheet3", "ThisDocument", "NewMacros",
};

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_dir (const guint8 *data, gsize len)
{
	mh_vba_dir *dir = _mh_vba_dir_parse (data, len, 64);
	if (dir->modules->len > 64)
		__builtin_trap ();
	if (dir->project_name && !g_utf8_validate (dir->project_name, -1, NULL))
		__builtin_trap ();
	for (guint i = 0; i < dir->modules->len; i++) {
		const mh_vba_dir_module *m = g_ptr_array_index (dir->modules, i);
		if (!m->name || !m->stream || !g_utf8_validate (m->name, -1, NULL) ||
		    !g_utf8_validate (m->stream, -1, NULL))
			__builtin_trap ();
		if (m->stream_mbcs && !g_utf8_validate (m->stream_mbcs, -1, NULL))
			__builtin_trap ();
	}
	for (guint i = 0; i < dir->problems->len; i++)
		if (!g_utf8_validate (g_ptr_array_index (dir->problems, i), -1, NULL))
			__builtin_trap ();
	_mh_vba_dir_free (dir);
}

static void
write_stream (GsfOutfile *dir, const char *name, const guint8 *data, gsize len)
{
	GsfOutput *out = gsf_outfile_new_child (dir, name, FALSE);
	gsf_output_write (out, len, data);
	gsf_output_close (out);
	g_object_unref (out);
}

static void
check_project (const guint8 *data, gsize size)
{
	GsfOutput *mem = gsf_output_memory_new ();
	GsfOutfile *root = gsf_outfile_msole_new (mem);
	GsfOutfile *vba = GSF_OUTFILE (gsf_outfile_new_child (root, "VBA", TRUE));
	gsize pos = 0;
	for (guint part = 0; pos <= size && part < 2 + G_N_ELEMENTS (module_streams); part++) {
		const guint8 *end = memmem (data + pos, size - pos, MARKER, 4);
		gsize len = end ? (gsize) (end - (data + pos)) : size - pos;
		if (part == 0) {
			GBytes *packed = _mh_ovba_compress (data + pos, len);
			write_stream (vba, "dir", g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
			g_bytes_unref (packed);
		} else if (part == 1) {
			write_stream (root, "PROJECT", data + pos, len);
		} else {
			write_stream (vba, module_streams[part - 2], data + pos, len);
		}
		if (!end)
			break;
		pos += len + 4;
	}
	gsf_output_close (GSF_OUTPUT (vba));
	g_object_unref (vba);
	gsf_output_close (GSF_OUTPUT (root));
	g_object_unref (root);

	GsfInput *input = gsf_input_memory_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (mem)),
	                                        gsf_output_size (mem), FALSE);
	GsfInfile *ole = gsf_infile_msole_new (input, NULL);
	if (ole) {
		mh_office_limits limits;
		mh_office_limits_init_default (&limits);
		limits.max_modules = 16;
		limits.max_module_source = 64 * 1024;
		limits.max_stream_size = 256 * 1024;
		limits.max_document_size = 1024 * 1024;
		mh_vba_project *project = _mh_vba_project_read (ole, "fuzz", &limits);
		if (project->modules->len > 16)
			__builtin_trap ();
		for (guint i = 0; i < project->modules->len; i++) {
			const mh_vba_module *m = g_ptr_array_index (project->modules, i);
			if (!m->kind || !g_utf8_validate (m->name, -1, NULL))
				__builtin_trap ();
			if (m->source && (strlen (m->source) != m->source_len ||
			                  !g_utf8_validate (m->source, -1, NULL)))
				__builtin_trap ();
		}
		if (project->stomped != (project->stomping_evidence != NULL))
			__builtin_trap ();
		_mh_vba_project_free (project);
		g_object_unref (ole);
	}
	g_object_unref (input);
	g_object_unref (mem);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	check_dir (data, size);

	GByteArray *plain = g_byte_array_new ();
	gboolean capped;
	(void) _mh_ovba_decompress (data, size, 1 << 20, plain, &capped, NULL);
	if (plain->len)
		check_dir (plain->data, plain->len);
	g_byte_array_unref (plain);

	/* the first two bytes pick a code page for the rest */
	if (size >= 2) {
		static const guint codepages[] = { 1252, 10000, 932, 936, 949, 950, 65001, 1200, 1251, 12345 };
		guint cp = codepages[(data[0] | data[1] << 8) % G_N_ELEMENTS (codepages)];
		gsize n = 0;
		char *text = _mh_vba_codepage_to_utf8 (data + 2, size - 2, cp, &n);
		if (!g_utf8_validate (text, (gssize) n, NULL) || strlen (text) != n)
			__builtin_trap ();
		g_free (text);
	}

	if (size <= 256 * 1024)
		check_project (data, size);
	return 0;
}
