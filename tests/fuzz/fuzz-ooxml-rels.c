/* libFuzzer harness: an OOXML relationships part (*.rels) read as in a
 * package: the XML parser under safe options, target classification,
 * remote template / external relationship findings and indicators. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "office/office-private.h"

/* src/office/ooxml.c: exported for this harness and the tests only */
extern void _mh_ooxml_rels_analyse_bytes (mh_document *doc, const guint8 *data, gsize len,
                                          const char *rels_name, const mh_office_options *options);

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_utf8 (const char *s)
{
	if (s && !g_utf8_validate (s, -1, NULL))
		__builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_findings = 50;

	/* the first byte picks the part's name, so relative targets resolve
	 * against different folders */
	static const char *const names[] = {
		"_rels/.rels", "word/_rels/document.xml.rels", "word/_rels/settings.xml.rels",
		"xl/externalLinks/_rels/externalLink1.xml.rels", "a/b/c/d/_rels/e.xml.rels",
	};
	const char *name = names[size > 0 ? data[0] % G_N_ELEMENTS (names) : 0];
	mh_document *doc = _mh_document_new ("fuzz.rels", data, size, 0);
	_mh_ooxml_rels_analyse_bytes (doc, data, size, name, &options);
	if (doc->findings->len > options.limits.max_findings)
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
	mh_document_free (doc);
	return 0;
}
