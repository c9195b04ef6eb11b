/* mailhunt — analysers: each adds findings to a message and knows nothing
 * of where the message came from or how it will be printed. */
#ifndef MAILHUNT_ANALYSE_H
#define MAILHUNT_ANALYSE_H

#include "mailhunt/message.h"

G_BEGIN_DECLS

/* Header indicators of a spoofed sender (docs/detection.md). */
void mh_analyse_headers (mh_message *message);

/* Every analyser, on the message and on the messages attached to it. */
void mh_analyse_message (mh_message *message);

/* Domain part of an address, lower case, or NULL. */
char *mh_address_domain (const char *addr);

G_END_DECLS

#endif
