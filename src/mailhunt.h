/* Private declarations shared by the command files of the mailhunt binary. */
#ifndef MAILHUNT_PRIVATE_H
#define MAILHUNT_PRIVATE_H

#include <glib.h>
#include <stdio.h>

#include "mailhunt/report.h"
#include "mailhunt/office.h"

/* Exit statuses, documented in --help and the README. */
enum {
	MH_EXIT_CLEAN = 0,       /* nothing flagged */
	MH_EXIT_FLAGGED = 1,     /* at least one message flagged */
	MH_EXIT_UNREADABLE = 2,  /* some input could not be read, or bad usage */
};

/* Parses a command's options (src/cmd-common.c); @entries hold --help
 * (@help) and the remaining paths (@paths, which must not be empty: @what
 * names them in the message).  Returns -1 to go on, else the exit status
 * (help shown, or a usage error on standard error).  @paths NULL: the
 * paths may be missing (scan --files-from). */
int      mh_cmd_parse_options   (const char *command, const char *help_text, const char *what,
                                 GOptionEntry *entries, int *argc, char ***argv,
                                 const gboolean *help, char **const *paths);

/* What the reading commands (scan, check, exposure) keep about their
 * inputs: the summary, and whether errors go to standard error.  Their
 * state starts with it, so that the shared callbacks below take that
 * state as their user_data (src/cmd-common.c). */
typedef struct {
	mh_scan_summary summary;
	gboolean        quiet;
} mh_cmd_reading;

void mh_cmd_on_error   (const char *file, const char *folder, gint64 index, const char *what,
                        gpointer reading);
void mh_cmd_on_skipped (const char *file, const char *reason, gpointer reading);
void mh_cmd_on_folder  (const char *file, const char *folder, const char *role, guint messages,
                        gpointer reading);

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

/* The options about documents that scan, doc and lure-hash share:
 * lure templates and OCR (src/cmd-common.c). */
typedef struct {
	char       *lures_file;
	char       *ocr;            /* "risky", "all", "none" */
	gint        ocr_timeout;    /* milliseconds per picture */
	char       *ocr_languages;
	mh_lure_db *lures;          /* loaded from lures_file */
} mh_office_cli;

#define MH_OFFICE_CLI_ENTRIES(c) \
	{ "lures", 0, 0, G_OPTION_ARG_FILENAME, &(c).lures_file, NULL, NULL }, \
	{ "ocr", 0, 0, G_OPTION_ARG_STRING, &(c).ocr, NULL, NULL }, \
	{ "ocr-timeout", 0, 0, G_OPTION_ARG_INT, &(c).ocr_timeout, NULL, NULL }, \
	{ "ocr-languages", 0, 0, G_OPTION_ARG_STRING, &(c).ocr_languages, NULL, NULL }

#define MH_OFFICE_CLI_HELP \
	"  --lures FILE           lure templates of your own, added to the built-in\n" \
	"                         ones (docs/lures.md)\n" \
	"  --ocr WHEN             read the pictures of documents with OCR: risky\n" \
	"                         (default: documents with macros or other risk\n" \
	"                         findings, or one picture and no text), all, none\n" \
	"  --ocr-timeout MS       time cap of OCR per picture (default 10000)\n" \
	"  --ocr-languages LANGS  Tesseract languages (default jpn, which reads\n" \
	"                         English too; eng+jpn is slower)\n"

/* Loads the lure file and sets @options from @c; FALSE with the reason
 * on standard error. */
gboolean mh_office_cli_apply (mh_office_cli *c, const char *command, mh_office_options *options);
void     mh_office_cli_clear (mh_office_cli *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (mh_office_cli, mh_office_cli_clear)

int mh_cmd_scan (int argc, char **argv);
const char *mh_cmd_scan_help (void);
int mh_cmd_check (int argc, char **argv);
const char *mh_cmd_check_help (void);
int mh_cmd_exposure (int argc, char **argv);
const char *mh_cmd_exposure_help (void);
int mh_cmd_doc (int argc, char **argv);
const char *mh_cmd_doc_help (void);
int mh_cmd_merge (int argc, char **argv);
const char *mh_cmd_merge_help (void);
int mh_cmd_lure_hash (int argc, char **argv);
const char *mh_cmd_lure_hash_help (void);

#endif
