/* libFuzzer harness: the Word 97-2003 text reader of src/office/ole.c (FIB,
 * Clx and piece table, 8-bit and UTF-16 pieces, fields, special
 * characters) on raw bytes.  Input: a 32-bit little-endian length, that
 * many bytes of WordDocument stream, and the rest as the table stream.
 * Small limits so that the caps are reached; every text it produces must
 * be UTF-8 and the document text must stay under max_text. */
#include "config.h"

#include <stdint.h>

#include "office/office-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

extern void _mh_ole_word_text (mh_document *doc, const guint8 *word_document, gsize len,
                               const guint8 *table, gsize table_len,
                               const mh_office_options *options);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_stream_size = 256 * 1024;
	options.limits.max_findings = 50;
	options.limits.max_text = 16 * 1024;

	gsize wd_len = size;
	const guint8 *wd = data;
	const guint8 *table = data + size;
	gsize table_len = 0;
	if (size >= 4) {
		gsize want = (gsize) data[0] | (gsize) data[1] << 8 | (gsize) data[2] << 16 | (gsize) data[3] << 24;
		wd = data + 4;
		wd_len = MIN (want, size - 4);
		table = wd + wd_len;
		table_len = size - 4 - wd_len;
	}
	mh_document *doc = _mh_document_new ("fuzz.doc", data, size, 0);
	_mh_ole_word_text (doc, wd, wd_len, table, table_len, &options);
	if (doc->text && (!g_utf8_validate (doc->text->str, (gssize) doc->text->len, NULL) ||
	                  doc->text->len > options.limits.max_text))
		__builtin_trap ();
	for (guint i = 0; i < doc->problems->len; i++)
		if (!g_utf8_validate (g_ptr_array_index (doc->problems, i), -1, NULL))
			__builtin_trap ();
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (!g_utf8_validate (f->summary, -1, NULL) ||
		    (f->evidence && !g_utf8_validate (f->evidence, -1, NULL)))
			__builtin_trap ();
	}
	mh_document_free (doc);
	return 0;
}
