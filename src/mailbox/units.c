/* Work units of a bulk scan (placeholder: being written). */
#include "config.h"

#include "mailhunt/mailbox.h"
