/* PLACEHOLDER — replaced by the OOXML reader (being written). */
#include "config.h"
#include "office-private.h"

void
_mh_ooxml_analyse (mh_document *doc, GsfInfile *zip, const mh_office_options *options)
{
	(void) zip; (void) options;
	_mh_document_add_problem (doc, "OOXML documents are not read yet");
}

void
_mh_flat_xml_analyse (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	(void) data; (void) len; (void) options;
	_mh_document_add_problem (doc, "XML documents are not read yet");
}

gboolean
_mh_is_flat_xml (const guint8 *data, gsize len)
{
	(void) data; (void) len;
	return FALSE;
}
