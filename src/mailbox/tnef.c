/* winmail.dat (application/ms-tnef, MS-OXTNEF). */
#include "config.h"

#include "mailhunt/outlook.h"

void
mh_tnef_file_free (mh_tnef_file *file)
{
	if (!file)
		return;
	g_free (file->filename);
	g_free (file->mime_type);
	if (file->data)
		g_bytes_unref (file->data);
	g_free (file);
}

GPtrArray *
mh_tnef_unpack (const guint8 *data, gsize len, const mh_limits *limits, GPtrArray *problems, GError **error)
{
	(void) data; (void) len; (void) limits; (void) problems;
	g_set_error_literal (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_UNSUPPORTED,
	                     "TNEF (winmail.dat): not read by this version");
	return NULL;
}
