/* mailhunt: command-line dispatch.  One file per command (cmd-*.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <gmime/gmime.h>

#include "mailhunt.h"
#include "mailhunt/text.h"

static const struct {
	const char *name;
	const char *summary;
	int (*run) (int argc, char **argv);
	const char *(*help) (void);
} commands[] = {
	{ "scan", "scan mailboxes, folders and mail files; report suspicious messages", mh_cmd_scan, mh_cmd_scan_help },
	{ "check", "a reported mail: malicious or not, case A or B, the original it quotes", mh_cmd_check, mh_cmd_check_help },
	{ "exposure", "every address an infected mailbox exposes, for the warnings", mh_cmd_exposure, mh_cmd_exposure_help },
	{ "doc", "analyse Office documents and archives: macros, auto-exec, remote templates", mh_cmd_doc, mh_cmd_doc_help },
	{ "merge", "put the records of the shards of one scan together into one report", mh_cmd_merge, mh_cmd_merge_help },
	{ "lure-hash", "print the fingerprints of lure pictures, for lure templates of your own", mh_cmd_lure_hash, mh_cmd_lure_hash_help },
};

static void
usage (FILE *out)
{
	fprintf (out,
	         "Usage: mailhunt COMMAND [OPTIONS] PATH...\n"
	         "       mailhunt help COMMAND\n"
	         "       mailhunt --version\n\n"
	         "Finds Emotet-style malicious mail in exported mailboxes: Thunderbird\n"
	         "profiles, mbox, Maildir, .eml, Outlook PST/OST, .msg and winmail.dat,\n"
	         "and gzip-compressed files of these; opens the Word/Excel documents\n"
	         "and archives they carry (never running anything) to say what their\n"
	         "macros would do.\n\n"
	         "Commands:\n");
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
		fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf (out,
	         "\nExit status: 0 nothing flagged, 1 something flagged,\n"
	         "2 some input could not be read (the rest is still scanned and\n"
	         "reported) or the command line was wrong.\n");
}

int
main (int argc, char **argv)
{
	setlocale (LC_ALL, "");
#ifdef __GLIBC__
	/* Every document allocates and frees buffers of hundreds of KiB (its
	 * text, the lure search's tables).  By default glibc gives them back
	 * to the kernel at once and the next document faults them in again:
	 * a quarter of the time on the Office benchmark.  Keeping up to 64 MiB
	 * free in the heap costs no peak memory (tests/bench/README.md). */
	mallopt (M_MMAP_THRESHOLD, 32 << 20);
	mallopt (M_TRIM_THRESHOLD, 64 << 20);
#endif
	if (argc < 2) {
		usage (stderr);
		return MH_EXIT_UNREADABLE;
	}
	if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) {
		usage (stdout);
		return 0;
	}
	if (strcmp (argv[1], "--version") == 0) {
		printf ("mailhunt %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp (argv[1], "help") == 0) {
		if (argc < 3) {
			usage (stdout);
			return 0;
		}
		for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
			if (strcmp (argv[2], commands[i].name) == 0) {
				fputs (commands[i].help (), stdout);
				return 0;
			}
		fprintf (stderr, "mailhunt: no command '%s'\n", argv[2]);
		return MH_EXIT_UNREADABLE;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++) {
		if (strcmp (argv[1], commands[i].name) == 0) {
			g_mime_init ();
			mh_text_keep_converters_loaded ();
			int rc = commands[i].run (argc - 1, argv + 1);
			mh_ocr_thread_cleanup ();
			g_mime_shutdown ();
			return rc;
		}
	}
	fprintf (stderr, "mailhunt: no command '%s' (see mailhunt --help)\n", argv[1]);
	return MH_EXIT_UNREADABLE;
}
