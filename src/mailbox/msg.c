/* Outlook .msg files (MS-OXMSG): OLE2 storage read with libgsf. */
#include "config.h"

#include "mailhunt/outlook.h"

G_DEFINE_QUARK (mh-outlook-error-quark, mh_outlook_error)

gboolean
mh_msg_detect (const guint8 *data, gsize len)
{
	(void) data;
	(void) len;
	return FALSE;
}

GMimeMessage *
mh_msg_to_mime (const guint8 *data, gsize len, const mh_limits *limits, GPtrArray *problems, GError **error)
{
	(void) data; (void) len; (void) limits; (void) problems;
	g_set_error_literal (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_UNSUPPORTED,
	                     "Outlook .msg: not read by this version");
	return NULL;
}
