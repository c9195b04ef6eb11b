/* A main() for the fuzz harnesses when libFuzzer is not linked: runs each
 * file given (or every file of each directory given) through the harness
 * once.  `make check` uses it to replay the seed corpora, so every harness
 * is exercised in the ordinary and sanitizer builds. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
run_file (const char *path)
{
	char *data;
	gsize len;
	if (!g_file_get_contents (path, &data, &len, NULL))
		return 1;
	LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
	g_free (data);
	return 0;
}

int
main (int argc, char **argv)
{
	guint n = 0;
	for (int i = 1; i < argc; i++) {
		if (g_file_test (argv[i], G_FILE_TEST_IS_DIR)) {
			GDir *d = g_dir_open (argv[i], 0, NULL);
			const char *name;
			while (d && (name = g_dir_read_name (d))) {
				char *p = g_build_filename (argv[i], name, NULL);
				if (g_file_test (p, G_FILE_TEST_IS_REGULAR) && run_file (p) == 0)
					n++;
				g_free (p);
			}
			if (d)
				g_dir_close (d);
		} else if (run_file (argv[i]) == 0) {
			n++;
		}
	}
	printf ("1..1\nok 1 - %u inputs replayed without a crash\n", n);
	return 0;
}
