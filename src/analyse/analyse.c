/* Runs every analyser over a message and the messages attached to it. */
#include "config.h"

#include "mailhunt/analyse.h"

void
mh_analyse_message (mh_message *message)
{
	mh_analyse_headers (message);
	for (guint i = 0; i < message->attachments->len; i++) {
		mh_attachment *a = g_ptr_array_index (message->attachments, i);
		if (a->nested)
			mh_analyse_message (a->nested);
	}
}
