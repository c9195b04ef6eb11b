/* mailhunt — reading the JSON Lines report back into the message model
 * (placeholder: being written). */
#ifndef MAILHUNT_RECORDS_H
#define MAILHUNT_RECORDS_H

#include "mailhunt/report.h"

#endif
