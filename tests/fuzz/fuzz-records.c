/* libFuzzer harness: JSON Lines records (src/report/records.c).  The
 * bytes are a shard file: each line is parsed, read back as a message or
 * a document, and printed by every printer (with and without show_code)
 * to /dev/null; a refused line must come with an error that says why. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mailhunt/records.h"
#include "mailhunt/report.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static FILE *null_out;

static void
print_everywhere (const mh_message *m, const char *file, const mh_document *d)
{
	static const char *const formats[] = { "text", "jsonl", "csv" };
	for (int show_code = 0; show_code <= 1; show_code++) {
		for (gsize f = 0; f < G_N_ELEMENTS (formats); f++) {
			mh_printer *p = mh_printer_new (formats[f], null_out);
			p->show_code = show_code;
			if (m)
				mh_printer_message (p, m);
			else
				mh_printer_document (p, file, d);
			mh_printer_free (p);
		}
	}
	/* what merge does with a record besides printing it */
	if (d) {
		mh_scan_summary summary;
		mh_scan_summary_init (&summary);
		mh_scan_summary_add_document (&summary, d);
		mh_scan_summary_clear (&summary);
	}
}

static void
one_line (const char *line, gsize len)
{
	mh_record_kind kind;
	g_autoptr (GError) error = NULL;
	g_autoptr (JsonNode) node = mh_record_parse_line (line, len, &kind, &error);
	if (!node) {
		if (!error || !error->message || error->domain != MH_RECORD_ERROR)
			__builtin_trap ();
		return;
	}
	if (kind == MH_RECORD_MESSAGE) {
		g_autoptr (mh_message) m = mh_message_from_json (node, &error);
		if (!m && (!error || !error->message))
			__builtin_trap ();
		if (m)
			print_everywhere (m, NULL, NULL);
	} else if (kind == MH_RECORD_DOCUMENT) {
		g_autofree char *file = NULL;
		g_autoptr (mh_document) d = mh_document_from_json (node, &file, &error);
		if (!d && (!error || !error->message))
			__builtin_trap ();
		if (d)
			print_everywhere (NULL, file, d);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	if (!null_out) {
		null_out = fopen ("/dev/null", "w");
		if (!null_out)
			__builtin_trap ();
	}
	const char *p = (const char *) data, *end = p + size;
	while (p < end) {
		const char *nl = memchr (p, '\n', (size_t) (end - p));
		gsize len = nl ? (gsize) (nl - p) + 1 : (gsize) (end - p);
		one_line (p, len);
		p += len;
	}
	return 0;
}
