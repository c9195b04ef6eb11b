/* Outlook PST/OST through libpst, in a child process. */
#include "config.h"

#include "mailhunt/outlook.h"

void
mh_pst_read (const char *path, const mh_limits *limits, const mh_reader_callbacks *callbacks, gpointer user_data)
{
	(void) limits;
	if (callbacks->skipped)
		callbacks->skipped (path, "Outlook PST/OST: not read by this version", user_data);
}
