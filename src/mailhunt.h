/* Private declarations shared by the command files of the mailhunt binary. */
#ifndef MAILHUNT_PRIVATE_H
#define MAILHUNT_PRIVATE_H

#include <glib.h>
#include <stdio.h>

#include "mailhunt/report.h"

/* Exit statuses, documented in --help and the README. */
enum {
	MH_EXIT_CLEAN = 0,       /* nothing flagged */
	MH_EXIT_FLAGGED = 1,     /* at least one message flagged */
	MH_EXIT_UNREADABLE = 2,  /* some input could not be read, or bad usage */
};

/* Parses a command's options (src/cmd-common.c); @entries hold --help
 * (@help) and the remaining paths (@paths, which must not be empty: @what
 * names them in the message).  Returns -1 to go on, else the exit status
 * (help shown, or a usage error on standard error). */
int      mh_cmd_parse_options   (const char *command, const char *help_text, const char *what,
                                 GOptionEntry *entries, int *argc, char ***argv,
                                 const gboolean *help, char **const *paths);

/* The report of a command (src/cmd-common.c). */
typedef struct {
	const char *command;   /* for messages: "scan", "doc" */
	FILE       *out;
	char       *format;
	mh_printer *printer;
} mh_report_output;

/* Opens @output ("-" or NULL: standard output) and the printer for
 * @format (NULL: text on a terminal, jsonl otherwise); FALSE with the
 * reason on standard error. */
gboolean mh_report_output_open  (mh_report_output *o, const char *command, const char *format,
                                 const char *output);
/* Prints the summary (CSV: as text on standard error unless @quiet),
 * flushes and closes; returns @rc, or MH_EXIT_UNREADABLE when the report
 * could not be written. */
int      mh_report_output_close (mh_report_output *o, const mh_scan_summary *summary, gboolean quiet, int rc);

int mh_cmd_scan (int argc, char **argv);
const char *mh_cmd_scan_help (void);
int mh_cmd_doc (int argc, char **argv);
const char *mh_cmd_doc_help (void);

#endif
