/* PLACEHOLDER — replaced by the archive/RTF/MHT reader (being written). */
#include "config.h"
#include "office-private.h"

void
_mh_zip_analyse (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	(void) data; (void) len; (void) options;
	_mh_document_add_problem (doc, "ZIP archives are not read yet");
}

void
_mh_rtf_analyse (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	(void) data; (void) len; (void) options;
	_mh_document_add_problem (doc, "RTF is not read yet");
}

void
_mh_mht_analyse (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	(void) data; (void) len; (void) options;
	_mh_document_add_problem (doc, "MHT is not read yet");
}

gboolean _mh_is_rtf (const guint8 *data, gsize len) { (void) data; (void) len; return FALSE; }
gboolean _mh_is_mht (const guint8 *data, gsize len) { (void) data; (void) len; return FALSE; }

GPtrArray *
mh_passwords_from_text (const char *text)
{
	(void) text;
	return g_ptr_array_new_with_free_func (g_free);
}

GBytes *
_mh_activemime_decode (const guint8 *data, gsize len, gsize max, GError **error)
{
	(void) data; (void) len; (void) max;
	g_set_error (error, MH_OFFICE_ERROR, 0, "not implemented");
	return NULL;
}
