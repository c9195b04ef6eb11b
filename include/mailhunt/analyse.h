/* mailhunt — analysers: each adds findings to a message and knows nothing
 * of where the message came from or how it will be printed. */
#ifndef MAILHUNT_ANALYSE_H
#define MAILHUNT_ANALYSE_H

#include "mailhunt/message.h"
#include "mailhunt/office.h"

G_BEGIN_DECLS

typedef struct {
	gboolean          documents;  /* open Office documents and archives attached */
	mh_office_options office;     /* caps of the Office analyser (passwords are
	                               * taken from each message's body) */
} mh_analyse_options;

void mh_analyse_options_init_default (mh_analyse_options *options);

/* Header indicators of a spoofed sender (docs/detection.md). */
void mh_analyse_headers (mh_message *message);

/* Opens every attachment that is an Office document or an archive
 * (attachment->document) and adds a finding per document worth a look. */
void mh_analyse_attachments (mh_message *message, const mh_analyse_options *options);

/* Every analyser, on the message and on the messages attached to it.
 * @options may be NULL (defaults). */
void mh_analyse_message (mh_message *message, const mh_analyse_options *options);

/* Domain part of an address, lower case, or NULL. */
char *mh_address_domain (const char *addr);

G_END_DECLS

#endif
