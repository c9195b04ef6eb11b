/* PLACEHOLDER — replaced by the OLE2 reader (being written). */
#include "config.h"
#include "office-private.h"

void
_mh_ole_analyse (mh_document *doc, GsfInfile *ole, const mh_office_options *options)
{
	(void) ole; (void) options;
	_mh_document_add_problem (doc, "OLE2 documents are not read yet");
}
