/* gmime-parse — the ceiling of tests/bench/bench-bulk.sh: a bare GMime 3
 * parse of an mbox.
 *
 *   gmime-parse [--decode] MBOX
 *
 * Reads MBOX with GMimeParser in mbox mode (GMIME_FORMAT_MBOX: GMime finds
 * the "From " separators itself), constructs every message with
 * g_mime_parser_construct_message and touches each message's headers (every
 * header's name and raw value, the decoded Subject and From).  Nothing else:
 * no charset conversion of bodies, no transfer decoding, no analysis.  No
 * mail reader built on GMime can be faster on the same file, so mailhunt's
 * MB/s is compared against this figure (tests/bench/README.md).
 *
 * --decode also walks every MIME part and writes its decoded content
 * (base64, quoted-printable) to a null stream: closer to what a scanner
 * must do at the least, shown by hand only.
 *
 * Prints one JSON line: messages, headers, bytes, seconds (monotonic
 * clock, the parse only), mb_per_s (MiB per second).  Exit status 0, or 2
 * when the file cannot be opened.  Not a test: no thresholds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

typedef struct {
	guint64 parts;
	guint64 decoded_bytes;
} decode_totals;

/* g_mime_message_foreach callback: decode one leaf part into a null
 * stream, so that the transfer decoding is really done. */
static void
decode_part (GMimeObject *parent, GMimeObject *part, gpointer user_data)
{
	decode_totals *totals = user_data;

	(void) parent;
	totals->parts++;
	if (!GMIME_IS_PART (part))
		return;
	GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
	if (content == NULL)
		return;
	GMimeStream *sink = g_mime_stream_null_new ();
	gint64 n = g_mime_data_wrapper_write_to_stream (content, sink);
	if (n > 0)
		totals->decoded_bytes += (guint64) n;
	g_object_unref (sink);
}

/* Touch what every reader looks at: each header's name and raw value, and
 * the decoded Subject and From (RFC 2047 decoding, address parsing). */
static guint
touch_headers (GMimeMessage *message, guint64 *header_bytes)
{
	GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
	int count = g_mime_header_list_get_count (headers);

	for (int i = 0; i < count; i++) {
		GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
		const char *name = g_mime_header_get_name (header);
		const char *value = g_mime_header_get_raw_value (header);
		*header_bytes += (name ? strlen (name) : 0) + (value ? strlen (value) : 0);
	}
	const char *subject = g_mime_message_get_subject (message);
	if (subject != NULL)
		*header_bytes += strlen (subject);
	InternetAddressList *from = g_mime_message_get_from (message);
	if (from != NULL)
		*header_bytes += (guint64) internet_address_list_length (from);
	return count > 0 ? (guint) count : 0;
}

int
main (int argc, char **argv)
{
	gboolean decode = FALSE;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp (argv[i], "--decode") == 0) {
			decode = TRUE;
		} else if (path == NULL && argv[i][0] != '-') {
			path = argv[i];
		} else {
			path = NULL;
			break;
		}
	}
	if (path == NULL) {
		g_printerr ("usage: %s [--decode] MBOX\n", argv[0]);
		return 2;
	}

	int fd = open (path, O_RDONLY);
	if (fd < 0) {
		g_printerr ("%s: %s: %s\n", argv[0], path, g_strerror (errno));
		return 2;
	}
	struct stat st;
	if (fstat (fd, &st) != 0) {
		g_printerr ("%s: %s: %s\n", argv[0], path, g_strerror (errno));
		close (fd);
		return 2;
	}

	g_mime_init ();
	gint64 start = g_get_monotonic_time ();

	/* the stream owns fd from here and closes it */
	GMimeStream *stream = g_mime_stream_fs_new (fd);
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);

	guint64 messages = 0, headers = 0, header_bytes = 0;
	decode_totals totals = { 0, 0 };
	/* bounded by the file: every round consumes at least one message's
	 * bytes, and construct_message returns NULL at the end */
	while (!g_mime_parser_eos (parser)) {
		GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
		if (message == NULL)
			break;
		messages++;
		headers += touch_headers (message, &header_bytes);
		if (decode)
			g_mime_message_foreach (message, decode_part, &totals);
		g_object_unref (message);
	}

	double seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
	double mib = (double) st.st_size / (1024.0 * 1024.0);
	g_object_unref (parser);
	g_object_unref (stream);
	g_mime_shutdown ();

	g_print ("{\"program\": \"gmime-parse\", \"gmime\": \"%u.%u.%u\", \"decode\": %s, "
	         "\"messages\": %" G_GUINT64_FORMAT ", \"headers\": %" G_GUINT64_FORMAT
	         ", \"header_bytes\": %" G_GUINT64_FORMAT ", \"parts\": %" G_GUINT64_FORMAT
	         ", \"decoded_bytes\": %" G_GUINT64_FORMAT ", \"bytes\": %" G_GINT64_FORMAT
	         ", \"seconds\": %.3f, \"mb_per_s\": %.1f}\n",
	         gmime_major_version, gmime_minor_version, gmime_micro_version,
	         decode ? "true" : "false", messages, headers, header_bytes, totals.parts,
	         totals.decoded_bytes, (gint64) st.st_size, seconds,
	         seconds > 0 ? mib / seconds : 0.0);
	return 0;
}
