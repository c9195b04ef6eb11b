/* Private declarations shared by the command files of the mailhunt binary. */
#ifndef MAILHUNT_PRIVATE_H
#define MAILHUNT_PRIVATE_H

#include <glib.h>

/* Exit statuses, documented in --help and the README. */
enum {
	MH_EXIT_CLEAN = 0,       /* nothing flagged */
	MH_EXIT_FLAGGED = 1,     /* at least one message flagged */
	MH_EXIT_UNREADABLE = 2,  /* some input could not be read, or bad usage */
};

int mh_cmd_scan (int argc, char **argv);
const char *mh_cmd_scan_help (void);
int mh_cmd_doc (int argc, char **argv);
const char *mh_cmd_doc_help (void);

#endif
