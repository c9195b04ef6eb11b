/* PLACEHOLDER — replaced by the OLE2 reader (being written). */
#include "config.h"
#include "office-private.h"

void
_mh_ole_analyse (mh_document *doc, GsfInfile *ole, const mh_office_options *options)
{
	(void) ole; (void) options;
	_mh_document_add_problem (doc, "OLE2 documents are not read yet");
}

GBytes *
_mh_ole_storage_to_bytes (GsfInfile *storage, gsize max, GError **error)
{
	(void) storage; (void) max;
	g_set_error (error, MH_OFFICE_ERROR, 0, "not implemented");
	return NULL;
}
