/* libFuzzer harness: the BIFF record walker of src/office/ole.c on a raw
 * Excel workbook stream (BIFF5/BIFF8): BOUNDSHEET, NAME, FILEPASS,
 * CONTINUE and the formula decoder of the macro sheets, with small
 * limits so that the caps are reached.  Every text it produces must be
 * UTF-8. */
#include "config.h"

#include <stdint.h>

#include "office/office-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* ole.c's entry points for harnesses and tests */
extern void _mh_ole_biff_walk (mh_document *doc, const guint8 *data, gsize len,
                               const mh_office_options *options);
extern char *_mh_ole_xlm_formulas (const guint8 *data, gsize len, const mh_office_options *options);

static void
check_utf8 (GPtrArray *strings)
{
	for (guint i = 0; i < strings->len; i++)
		if (!g_utf8_validate (g_ptr_array_index (strings, i), -1, NULL))
			__builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_stream_size = 256 * 1024;
	options.limits.max_entries = 64;
	options.limits.max_findings = 50;

	mh_document *doc = _mh_document_new ("fuzz.xls", data, size, 0);
	_mh_ole_biff_walk (doc, data, size, &options);
	check_utf8 (doc->problems);
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (!g_utf8_validate (f->summary, -1, NULL) ||
		    (f->evidence && !g_utf8_validate (f->evidence, -1, NULL)))
			__builtin_trap ();
	}
	mh_document_free (doc);

	char *text = _mh_ole_xlm_formulas (data, size, &options);
	if (!g_utf8_validate (text, -1, NULL))
		__builtin_trap ();
	g_free (text);
	return 0;
}
