/* Runs every analyser over a message and the messages attached to it. */
#include "config.h"

#include "mailhunt/analyse.h"

void
mh_analyse_options_init_default (mh_analyse_options *options)
{
	options->documents = TRUE;
	mh_office_options_init_default (&options->office);
}

void
mh_analyse_message (mh_message *message, const mh_analyse_options *options)
{
	mh_analyse_options defaults;

	if (!options) {
		mh_analyse_options_init_default (&defaults);
		options = &defaults;
	}
	mh_analyse_headers (message);
	if (options->documents)
		mh_analyse_attachments (message, options);
	for (guint i = 0; i < message->attachments->len; i++) {
		mh_attachment *a = g_ptr_array_index (message->attachments, i);
		if (a->nested)
			mh_analyse_message (a->nested, options);
	}
}
