/* libFuzzer harness: a whole OOXML package, Flat OPC or Word 2003 XML
 * file through mh_document_analyse, with small limits so that the caps
 * (members, part size, depth, findings) are reached. */
#include "config.h"

#include <stdint.h>

#include <gmime/gmime.h>

#include "mailhunt/office.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_utf8 (const char *s)
{
	if (s && !g_utf8_validate (s, -1, NULL))
		__builtin_trap ();
}

static void
check_document (const mh_document *doc, guint max_findings)
{
	if (doc->findings->len > max_findings)
		__builtin_trap ();
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		check_utf8 (f->summary);
		check_utf8 (f->evidence);
		check_utf8 (f->location);
	}
	for (guint i = 0; i < doc->iocs->len; i++)
		check_utf8 (((const mh_ioc *) g_ptr_array_index (doc->iocs, i))->value);
	for (guint i = 0; i < doc->properties->len; i++)
		check_utf8 (((const mh_doc_property *) g_ptr_array_index (doc->properties, i))->value);
	for (guint i = 0; i < doc->problems->len; i++)
		check_utf8 (g_ptr_array_index (doc->problems, i));
	/* the text lures are looked for in, cell text streamed included */
	if (doc->text)
		check_utf8 (doc->text->str);
	for (guint i = 0; i < doc->children->len; i++)
		check_document (g_ptr_array_index (doc->children, i), max_findings);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static gboolean initialised;
	if (!initialised) {
		/* the MHT reader the dispatcher may pick parses with GMime */
		g_mime_init ();
		initialised = TRUE;
	}
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_document_size = 4u << 20;
	options.limits.max_stream_size = 1u << 20;
	options.limits.max_module_source = 256u << 10;
	options.limits.max_entries = 200;
	options.limits.max_depth = 3;
	options.limits.max_findings = 50;

	(void) mh_office_is_document (data, size);
	mh_document *doc = mh_document_analyse (data, size, "fuzz.docx", &options);
	check_document (doc, options.limits.max_findings);
	(void) mh_document_overall_verdict (doc);
	mh_document_free (doc);
	return 0;
}
