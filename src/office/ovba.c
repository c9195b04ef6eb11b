/* PLACEHOLDER — replaced by the MS-OVBA (de)compressor (being written). */
#include "config.h"
#include "office-private.h"

gboolean
_mh_ovba_decompress (const guint8 *in, gsize len, gsize max_out, GByteArray *out,
                     gboolean *capped, GError **error)
{
	(void) in; (void) len; (void) max_out; (void) out;
	if (capped)
		*capped = FALSE;
	g_set_error (error, MH_OFFICE_ERROR, 0, "not implemented");
	return FALSE;
}

GBytes *
_mh_ovba_compress (const guint8 *in, gsize len)
{
	(void) in; (void) len;
	return NULL;
}
