/* Reading JSON Lines records back (placeholder: being written). */
#include "config.h"

#include "mailhunt/records.h"
