/* Work units of a bulk scan (src/mailbox/units.c, src/mailbox/read.c).
 *
 * The property everything rests on: for a path P, reading the units of
 * mh_plan (P) gives exactly the callbacks mh_read_path (P) gives -- every
 * message with its locator (file, folder, index, offset, length), its
 * Message-ID and a digest of its text, every error, skipped file, input,
 * document and folder, in the same order.  Checked twice: reading the
 * units in order in one process (as mh_read_path does), and reading each
 * unit apart from index 0 then merging with mh_plan_merge (as worker
 * processes and shards do).  Mboxes are cut small so that everything
 * splits: samples-benign, the corpora's mboxes, and generated ones built
 * to break cuts (From lines inside MIME parts and unclosed multiparts,
 * unescaped mboxo From lines, CRLF, messages over the cap, lines over
 * 1 KiB across 64 KiB boundaries, no final newline, ranges smaller than
 * a message).
 *
 * Then --files-from lists, shards (fixed values, balance) and the cost of
 * planning a large mbox (bytes read, from /proc/self/io).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <gio/gio.h>

#include "mailhunt/mailbox.h"
#include "mailhunt/bulk.h"
#include "mailhunt/link.h"
#include "mailhunt/records.h"

/* ---- recording the callbacks ---- */

typedef struct {
	char   *text;    /* the event without its index */
	gint64  index;   /* locator or error index, -1 for none */
	gboolean renumber;
} event;

static void
event_free (gpointer p)
{
	event *e = p;
	g_free (e->text);
	g_free (e);
}

static void
add_event (GPtrArray *events, gint64 index, gboolean renumber, char *text)
{
	event *e = g_new0 (event, 1);
	e->text = text;
	e->index = index;
	e->renumber = renumber;
	g_ptr_array_add (events, e);
}

static char *
digest (const char *s)
{
	return s ? g_compute_checksum_for_string (G_CHECKSUM_SHA256, s, -1) : g_strdup ("-");
}

static void
on_message (mh_message *m, gpointer user_data)
{
	const mh_locator *l = &m->locator;
	g_autofree char *body = digest (m->body_text);
	add_event (user_data, l->index, TRUE,
	           g_strdup_printf ("message file=%s folder=%s container=%s offset=%" G_GINT64_FORMAT
	                            " length=%" G_GINT64_FORMAT " deleted=%d id=%s envelope=%s subject=%s"
	                            " attachments=%u problems=%u body=%s",
	                            l->file, l->folder, l->container, l->offset, l->length, l->deleted,
	                            m->message_id, m->envelope_from, m->subject, m->attachments->len,
	                            m->problems->len, body));
	mh_message_free (m);
}

static void
on_error (const char *file, const char *folder, gint64 index, const char *what, gpointer user_data)
{
	add_event (user_data, index, index >= 0, g_strdup_printf ("error file=%s folder=%s what=%s", file, folder, what));
}

static void
on_skipped (const char *file, const char *reason, gpointer user_data)
{
	add_event (user_data, -1, FALSE, g_strdup_printf ("skipped file=%s reason=%s", file, reason));
}

static void
on_input (const char *file, const char *kind, gpointer user_data)
{
	add_event (user_data, -1, FALSE, g_strdup_printf ("input file=%s kind=%s", file, kind));
}

static void
on_document (const char *file, const char *container, GBytes *data, gpointer user_data)
{
	g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
	add_event (user_data, -1, FALSE, g_strdup_printf ("document file=%s container=%s sha256=%s", file, container, sum));
}

static void
on_folder (const char *file, const char *folder, const char *role, guint messages, gpointer user_data)
{
	add_event (user_data, -1, FALSE,
	           g_strdup_printf ("folder file=%s folder=%s role=%s messages=%u", file, folder, role, messages));
}

static const mh_reader_callbacks recorder = {
	on_message, on_error, on_skipped, on_input, on_document, NULL, on_folder,
};

static GPtrArray *
events_new (void)
{
	return g_ptr_array_new_with_free_func (event_free);
}

static char *
event_line (const event *e, guint base)
{
	gint64 index = e->renumber ? e->index + base : e->index;
	return g_strdup_printf ("[%" G_GINT64_FORMAT "] %s", index, e->text);
}

/* ---- the three readings ---- */

static GPtrArray *
lines_new (void)
{
	return g_ptr_array_new_with_free_func (g_free);
}

static void
append_lines (GPtrArray *lines, GPtrArray *events, guint base)
{
	for (guint i = 0; i < events->len; i++)
		g_ptr_array_add (lines, event_line (g_ptr_array_index (events, i), base));
}

static GPtrArray *
read_reference (const char *path, const mh_limits *limits)
{
	g_autoptr (GPtrArray) events = events_new ();
	mh_read_path (path, limits, &recorder, events);
	GPtrArray *lines = lines_new ();
	append_lines (lines, events, 0);
	return lines;
}

typedef struct {
	guint units, ranges, cut_files, superseded;
} plan_stats;

/* The units in order in one process, as mh_read_path reads them. */
static GPtrArray *
read_in_order (GPtrArray *units, const mh_limits *limits)
{
	g_autoptr (GPtrArray) events = events_new ();
	guint skip = 0, next = 0;
	for (guint i = 0; i < units->len; i++) {
		const mh_work_unit *u = g_ptr_array_index (units, i);
		mh_unit_result r;
		if (skip > 0) {
			skip--;
			continue;
		}
		if (u->type == MH_UNIT_MBOX_RANGE && u->range == 0)
			next = 0;
		mh_read_unit (u, next, limits, &recorder, events, &r);
		next += r.messages;
		skip = r.superseded;
	}
	GPtrArray *lines = lines_new ();
	append_lines (lines, events, 0);
	return lines;
}

/* @u as a worker gets it: put into bytes, the bytes carried (a copy),
 * read back.  Every field must come back as it was, and every shorter
 * piece of the bytes must be refused, not read past. */
static mh_work_unit *
through_wire (const mh_work_unit *u)
{
	g_autoptr (GByteArray) out = g_byte_array_new ();
	mh_work_unit_put (out, u);
	g_autofree guint8 *copy = g_memdup2 (out->data, out->len);
	const guint8 *p = copy;
	gsize left = out->len;
	mh_work_unit *w = mh_work_unit_get (&p, &left);
	g_assert_cmpuint (left, ==, 0);
	for (gsize cut = 0; cut < out->len; cut += 1 + cut / 16) {
		g_autofree guint8 *piece = g_memdup2 (out->data, cut ? cut : 1);
		const guint8 *q = piece;
		gsize piece_left = cut;
		g_assert_null (mh_work_unit_get (&q, &piece_left));
	}
	g_assert_nonnull (w);
	g_assert_cmpint (w->type, ==, u->type);
	g_assert_cmpstr (w->key, ==, u->key);
	g_assert_cmpstr (w->path, ==, u->path);
	g_assert_cmpstr (w->folder, ==, u->folder);
	g_assert_cmpstr (w->eml_folder, ==, u->eml_folder);
	g_assert_cmpint (w->maildir_trashed, ==, u->maildir_trashed);
	g_assert_cmpint (w->size, ==, u->size);
	g_assert_cmpint (w->kind, ==, u->kind);
	g_assert_cmpuint (w->range, ==, u->range);
	g_assert_cmpuint (w->ranges, ==, u->ranges);
	g_assert_cmpint (w->start, ==, u->start);
	g_assert_cmpint (w->end, ==, u->end);
	g_assert_cmpstr (w->what, ==, u->what);
	g_assert_cmpint (w->file_size, ==, u->file_size);
	g_assert_cmpuint (w->cuts ? w->cuts->len : 0, ==, u->cuts ? u->cuts->len : 0);
	if (u->cuts && u->cuts->len)
		g_assert_cmpmem (w->cuts->data, w->cuts->len * sizeof (gint64), u->cuts->data, u->cuts->len * sizeof (gint64));
	return w;
}

/* Each unit apart, from index 0, then merged: what workers and shards do
 * (each unit read as a worker gets it, through its description). */
static GPtrArray *
read_apart (GPtrArray *units, const mh_limits *limits, plan_stats *stats)
{
	g_autofree mh_unit_result *results = g_new0 (mh_unit_result, units->len + 1);
	g_autofree gboolean *keep = g_new0 (gboolean, units->len + 1);
	g_autofree guint *base = g_new0 (guint, units->len + 1);
	g_autoptr (GPtrArray) per_unit = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

	/* in reverse, so no unit can lean on an earlier one having run */
	for (guint i = 0; i < units->len; i++)
		g_ptr_array_add (per_unit, events_new ());
	for (guint i = units->len; i-- > 0; ) {
		g_autoptr (mh_work_unit) carried = through_wire (g_ptr_array_index (units, i));
		mh_read_unit (carried, 0, limits, &recorder, g_ptr_array_index (per_unit, i), &results[i]);
	}
	mh_plan_merge (units, results, keep, base);

	GPtrArray *lines = lines_new ();
	for (guint i = 0; i < units->len; i++) {
		const mh_work_unit *u = g_ptr_array_index (units, i);
		if (u->type == MH_UNIT_MBOX_RANGE) {
			stats->ranges++;
			stats->cut_files += u->range == 0;
		}
		stats->superseded += results[i].superseded;
		if (keep[i])
			append_lines (lines, g_ptr_array_index (per_unit, i), base[i]);
	}
	stats->units += units->len;
	return lines;
}

static void
assert_same_lines (GPtrArray *got, GPtrArray *want, const char *what)
{
	guint n = MIN (got->len, want->len);
	for (guint i = 0; i < n; i++)
		if (strcmp (g_ptr_array_index (got, i), g_ptr_array_index (want, i)) != 0) {
			g_test_message ("%s: event %u differs:\n got  %s\n want %s", what, i,
			                (char *) g_ptr_array_index (got, i), (char *) g_ptr_array_index (want, i));
			g_test_fail ();
			return;
		}
	if (got->len != want->len) {
		g_test_message ("%s: %u events, want %u (first extra: %s)", what, got->len, want->len,
		                got->len > want->len ? (char *) g_ptr_array_index (got, n) : (char *) g_ptr_array_index (want, n));
		g_test_fail ();
	}
}

/* The property, for @path cut at @split_size (and the cut window given). */
static void
check_path (const char *path, gint64 split_size, gint64 window, const mh_limits *limits, plan_stats *stats,
            GPtrArray *reference)
{
	mh_plan_options o = { split_size, window };
	const char *paths[] = { path, NULL };
	g_autoptr (GPtrArray) units = mh_plan (paths, &o);
	g_autofree char *what = g_strdup_printf ("%s cut at %" G_GINT64_FORMAT, path, split_size);

	/* units are whole: sizes add up, ranges tile their file */
	for (guint i = 0; i < units->len; i++) {
		const mh_work_unit *u = g_ptr_array_index (units, i);
		if (u->type != MH_UNIT_MBOX_RANGE)
			continue;
		g_assert_cmpint (u->end - u->start, ==, u->size);
		g_assert_cmpint (u->start, ==, g_array_index (u->cuts, gint64, u->range));
		if (u->range + 1 == u->ranges)
			g_assert_cmpint (u->end, ==, u->file_size);
		else
			g_assert_cmpint (u->end, ==, g_array_index (u->cuts, gint64, u->range + 1));
		g_assert_cmpint (u->size, >, 0);
	}
	g_autoptr (GPtrArray) in_order = read_in_order (units, limits);
	assert_same_lines (in_order, reference, what);
	g_autoptr (GPtrArray) apart = read_apart (units, limits, stats);
	assert_same_lines (apart, reference, what);
}

static const gint64 split_sizes[] = { 1, 97, 700, 4096, 65536 };

static void
check_path_all_sizes (const char *path, const mh_limits *limits, plan_stats *stats)
{
	g_autoptr (GPtrArray) reference = read_reference (path, limits);
	g_assert_cmpuint (reference->len, >, 0);
	for (gsize i = 0; i < G_N_ELEMENTS (split_sizes); i++)
		check_path (path, split_sizes[i], 0, limits, stats, reference);
	/* with the default options nothing here is large: one unit a file */
	g_autoptr (GPtrArray) units = mh_plan ((const char *[]) { path, NULL }, NULL);
	g_autoptr (GPtrArray) in_order = read_in_order (units, limits);
	assert_same_lines (in_order, reference, path);
}

static const char *
corpora (void)
{
	const char *dir = g_getenv ("MH_CORPORA");
	return dir && g_file_test (dir, G_FILE_TEST_IS_DIR) ? dir : NULL;
}

static const char *
srcdir (void)
{
	const char *dir = g_getenv ("MH_SRCDIR");
	return dir && g_file_test (dir, G_FILE_TEST_IS_DIR) ? dir : NULL;
}

static void
test_samples_benign (void)
{
	if (!srcdir ()) {
		g_test_skip ("MH_SRCDIR not set");
		return;
	}
	mh_limits limits;
	mh_limits_init_default (&limits);
	plan_stats stats = { 0 };
	g_autofree char *samples = g_build_filename (srcdir (), "samples-benign", NULL);
	check_path_all_sizes (samples, &limits, &stats);
	g_test_message ("samples-benign: %u units planned over the sizes, %u ranges of %u cut mboxes, %u superseded",
	                stats.units, stats.ranges, stats.cut_files, stats.superseded);
	/* the Thunderbird profile and the thread mboxes do get cut */
	g_assert_cmpuint (stats.cut_files, >=, 5 * 3);
	g_assert_cmpuint (stats.ranges, >, 100);
}

/* The corpora's mbox files one by one (MANIFEST.tsv, kind mbox*), their
 * message counts as the manifest states them, then a whole directory. */
static void
test_corpora (void)
{
	if (!corpora ()) {
		g_test_skip ("corpora not found (MH_CORPORA)");
		return;
	}
	g_autofree char *manifest_path = g_build_filename (corpora (), "MANIFEST.tsv", NULL);
	g_autofree char *manifest = NULL;
	g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
	g_auto (GStrv) rows = g_strsplit (manifest, "\n", -1);
	mh_limits limits;
	mh_limits_init_default (&limits);
	plan_stats stats = { 0 };
	guint files = 0, counted = 0;
	g_autoptr (GRegex) count_re = g_regex_new ("\\b([0-9]+) messages?\\b", 0, 0, NULL);

	for (guint r = 1; rows[r]; r++) {
		g_auto (GStrv) col = g_strsplit (rows[r], "\t", -1);
		if (g_strv_length (col) < 8 || !g_str_has_prefix (col[5], "mbox"))
			continue;
		g_autofree char *path = g_build_filename (corpora (), col[7], NULL);
		files++;
		/* the manifest's size */
		GStatBuf st;
		g_assert_cmpint (g_stat (path, &st), ==, 0);
		g_assert_cmpint (st.st_size, ==, g_ascii_strtoll (col[3], NULL, 10));
		check_path_all_sizes (path, &limits, &stats);

		g_autoptr (GMatchInfo) mi = NULL;
		if (g_regex_match (count_re, col[6], 0, &mi)) {
			g_autofree char *n = g_match_info_fetch (mi, 1);
			g_autoptr (GPtrArray) ref = read_reference (path, &limits);
			guint messages = 0;
			for (guint i = 0; i < ref->len; i++)
				messages += strstr (g_ptr_array_index (ref, i), "] message ") != NULL;
			g_test_message ("%s: %u messages (manifest: %s)", col[7], messages, n);
			g_assert_cmpuint (messages, ==, (guint) g_ascii_strtoull (n, NULL, 10));
			counted++;
		}
	}
	g_test_message ("corpora: %u mbox files (%u with a count in the manifest), %u ranges", files, counted, stats.ranges);
	g_assert_cmpuint (files, ==, 13);
	g_assert_cmpuint (counted, >=, 10);
	/* a directory of mixed mail: eml, mbox, and what is not mail */
	g_autofree char *dir = g_build_filename (corpora (), "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/"
	                                         "tika-parser-mail-module/src/test/resources/test-documents", NULL);
	check_path_all_sizes (dir, &limits, &stats);
	/* the corpora's mboxes hold 1 to 3 messages: few ranges, but each of
	 * the 2- and 3-message ones is cut at every message */
	g_test_message ("with the directory: %u ranges", stats.ranges);
	g_assert_cmpuint (stats.ranges, >=, 40);
}

/* ---- generated mboxes that try to break cuts ---- */

typedef struct {
	GRand   *rand;
	GString *out;
	const char *eol;
	guint    serial;
} gen;

static void
line (gen *g, const char *text)
{
	g_string_append (g->out, text);
	g_string_append (g->out, g->eol);
}

static void
linef (gen *g, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
linef (gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *s = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	line (g, s);
}

static void
headers (gen *g, const char *extra)
{
	g->serial++;
	linef (g, "From: sender%u@example.org", g->serial);
	linef (g, "To: team@example.org");
	linef (g, "Subject: generated message %u", g->serial);
	linef (g, "Message-ID: <gen-%u@example.org>", g->serial);
	if (extra)
		line (g, extra);
}

static void
envelope (gen *g)
{
	if (g_rand_boolean (g->rand))
		linef (g, "From sender%u@example.org Mon Jun  1 10:%02u:00 2009", g->serial + 1, g->serial % 60);
	else
		line (g, "From - Tue Oct 02 00:26:47 2007");
}

static void
body_lines (gen *g, guint n)
{
	for (guint i = 0; i < n; i++) {
		switch (g_rand_int_range (g->rand, 0, 14)) {
		case 0:
			/* mboxo: an unescaped From line in a body */
			line (g, "From the desk of the team lead: all is well");
			break;
		case 1:
			/* and one followed by something like headers */
			line (g, "From me Mon Jun  1 10:00:00 2009");
			line (g, "Note: this looks like a header");
			break;
		case 2:
			line (g, ">From an escaped line");
			break;
		case 3:
			line (g, "");
			break;
		case 4: {
			/* a line longer than 1 KiB */
			GString *s = g_string_new ("long:");
			guint len = (guint) g_rand_int_range (g->rand, 900, 3000);
			for (guint k = 0; k < len; k++)
				g_string_append_c (s, (char) ('a' + k % 26));
			line (g, s->str);
			g_string_free (s, TRUE);
			break;
		}
		default:
			linef (g, "Line %u of a plain body with some words in it.", i);
			break;
		}
	}
}

/* An attachment holding an mbox with full header blocks: a cut inside it
 * finds "From " lines that look exactly like separators.  @closed FALSE:
 * the closing delimiter never comes, and the rest of the file belongs to
 * this message. */
static void
multipart_with_mbox (gen *g, gboolean closed)
{
	headers (g, "Content-Type: multipart/mixed;");
	line (g, " boundary=\"=-=-=\"");
	line (g, "");
	line (g, "--=-=-=");
	line (g, "Content-Type: application/mbox");
	line (g, "");
	guint inner = (guint) g_rand_int_range (g->rand, 2, 6);
	for (guint i = 0; i < inner; i++) {
		line (g, "From fc88cba7 Mon Sep 17 00:00:00 2001");
		line (g, "From: inner@example.org");
		linef (g, "Subject: [PATCH %u] inner", i);
		line (g, "");
		body_lines (g, (guint) g_rand_int_range (g->rand, 1, 30));
		line (g, "");
	}
	if (closed) {
		line (g, "--=-=-=--");
		line (g, "");
	}
}

static void
oversized (gen *g, gsize bytes)
{
	headers (g, NULL);
	line (g, "");
	while (bytes > 0) {
		line (g, "0123456789012345678901234567890123456789012345678901234567890123456789");
		bytes = bytes > 72 ? bytes - 72 : 0;
	}
}

/* A long Content-Type whose boundary sits past the first KiB of the line. */
static void
long_content_type (gen *g)
{
	GString *s = g_string_new ("Content-Type: multipart/mixed; x-pad=\"");
	for (int k = 0; k < 1500; k++)
		g_string_append_c (s, 'p');
	g_string_append (s, "\"; boundary=\"LONG\"");
	headers (g, s->str);
	g_string_free (s, TRUE);
	line (g, "");
	line (g, "--LONG");
	line (g, "Content-Type: text/plain");
	line (g, "");
	line (g, "From inside Mon Jun  1 10:00:00 2009");
	line (g, "X-Inner: yes");
	line (g, "");
	line (g, "--LONG--");
}

static GString *
generate (guint32 seed, const char *eol, guint messages, gboolean unclosed_at_end)
{
	gen g = { g_rand_new_with_seed (seed), g_string_new (NULL), eol, seed * 1000 };
	if (seed % 3 == 0)
		line (&g, "a preamble line before the first separator");
	for (guint m = 0; m < messages; m++) {
		envelope (&g);
		switch (g_rand_int_range (g.rand, 0, 10)) {
		case 0:
			multipart_with_mbox (&g, TRUE);
			break;
		case 1:
			oversized (&g, (gsize) g_rand_int_range (g.rand, 3000, 9000));
			break;
		case 2:
			long_content_type (&g);
			break;
		case 3:
			/* a classic separator and no headers at all */
			line (&g, "");
			body_lines (&g, 3);
			break;
		default:
			headers (&g, NULL);
			line (&g, "");
			body_lines (&g, (guint) g_rand_int_range (g.rand, 1, 60));
			break;
		}
		/* mostly a blank line before the next separator, not always */
		if (g_rand_int_range (g.rand, 0, 5) > 0)
			line (&g, "");
	}
	if (unclosed_at_end) {
		envelope (&g);
		multipart_with_mbox (&g, FALSE);
		for (guint m = 0; m < 20; m++) {
			envelope (&g);
			headers (&g, NULL);
			line (&g, "");
			body_lines (&g, 10);
			line (&g, "");
		}
	}
	/* no newline at the very end, sometimes */
	if (seed % 2 == 0 && g.out->len > 0 && g.out->str[g.out->len - 1] == '\n')
		g_string_truncate (g.out, g.out->len - strlen (eol));
	g_rand_free (g.rand);
	return g.out;
}

static char *tmpdir;

static char *
write_temp (const char *name, const GString *data)
{
	char *path = g_build_filename (tmpdir, name, NULL);
	g_autoptr (GError) error = NULL;
	g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, &error));
	return path;
}

static void
test_generated (void)
{
	mh_limits limits;
	mh_limits_init_default (&limits);
	/* a small cap: the generated oversized messages go over it */
	limits.max_message_size = 4000;
	plan_stats stats = { 0 };
	guint files = 0;

	for (guint32 seed = 1; seed <= 12; seed++) {
		const char *eol = seed % 4 == 1 ? "\r\n" : "\n";
		g_autoptr (GString) data = generate (seed, eol, 40 + seed * 15, seed % 5 == 2);
		g_autofree char *name = g_strdup_printf ("gen-%02u.mbox", seed);
		g_autofree char *path = write_temp (name, data);
		g_autoptr (GPtrArray) reference = read_reference (path, &limits);
		static const gint64 sizes[] = { 1, 300, 5000, 40000 };
		for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
			check_path (path, sizes[i], 0, &limits, &stats, reference);
		files++;
	}
	/* files over 64 KiB: lines are looked at on 64 KiB boundaries */
	for (guint32 seed = 20; seed <= 23; seed++) {
		g_autoptr (GString) data = generate (seed, seed == 21 ? "\r\n" : "\n", 900, seed == 22);
		g_assert_cmpuint (data->len, >, 3 * 65536);
		g_autofree char *name = g_strdup_printf ("gen-big-%02u.mbox", seed);
		g_autofree char *path = write_temp (name, data);
		g_autoptr (GPtrArray) reference = read_reference (path, &limits);
		static const gint64 sizes[] = { 3000, 20000, 70000 };
		for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
			check_path (path, sizes[i], 0, &limits, &stats, reference);
		files++;
	}
	g_test_message ("%u generated mboxes: %u units, %u ranges, %u ranges read by the range before",
	                files, stats.units, stats.ranges, stats.superseded);
	g_assert_cmpuint (stats.ranges, >, 1000);
	/* the unclosed multiparts did make cuts fail, and they were mended */
	g_assert_cmpuint (stats.superseded, >, 0);
}

/* A cut proposed inside an unclosed multipart: the range before reads the
 * rest itself and says so. */
static void
test_supersede (void)
{
	gen g = { g_rand_new_with_seed (7), g_string_new (NULL), "\n", 0 };
	line (&g, "From a@example.org Mon Jun  1 10:00:00 2009");
	multipart_with_mbox (&g, FALSE);
	for (int m = 0; m < 30; m++) {
		line (&g, "From b@example.org Mon Jun  1 10:00:00 2009");
		headers (&g, NULL);
		line (&g, "");
		line (&g, "text");
		line (&g, "");
	}
	g_rand_free (g.rand);
	g_autofree char *path = write_temp ("unclosed.mbox", g.out);
	g_string_free (g.out, TRUE);

	mh_limits limits;
	mh_limits_init_default (&limits);
	mh_plan_options o = { 500, 0 };
	g_autoptr (GPtrArray) units = mh_plan ((const char *[]) { path, NULL }, &o);
	g_assert_cmpuint (units->len, >, 3);
	const mh_work_unit *first = g_ptr_array_index (units, 0);
	g_assert_cmpint (first->type, ==, MH_UNIT_MBOX_RANGE);
	g_autoptr (GPtrArray) events = events_new ();
	mh_unit_result r;
	mh_read_unit (first, 0, &limits, &recorder, events, &r);
	/* one message: the multipart never closes */
	g_assert_cmpuint (r.messages, ==, 1);
	g_assert_cmpuint (r.superseded, ==, units->len - 1);

	g_autoptr (GPtrArray) reference = read_reference (path, &limits);
	plan_stats stats = { 0 };
	check_path (path, 500, 0, &limits, &stats, reference);
}

/* What the walk does not read is a unit too, at its place: a symbolic
 * link to a directory, a FIFO, a dangling link (an open error when read),
 * a directory nested too deep; and a Maildir's folder and T flag. */
static void
test_walk_events (void)
{
	g_autofree char *root = g_build_filename (tmpdir, "walk", NULL);
	g_autofree char *md = g_build_filename (root, "Maildir", NULL);
	g_autofree char *cur = g_build_filename (md, "cur", NULL);
	g_autofree char *new = g_build_filename (md, "new", NULL);
	g_assert_cmpint (g_mkdir_with_parents (cur, 0700), ==, 0);
	g_assert_cmpint (g_mkdir_with_parents (new, 0700), ==, 0);
	const char mail[] = "From: a@example.org\nSubject: x\nMessage-ID: <w@example.org>\n\nbody\n";
	g_autofree char *m1 = g_build_filename (cur, "1.host:2,ST", NULL);
	g_assert_true (g_file_set_contents (m1, mail, -1, NULL));
	g_autoptr (GString) mbox = generate (4, "\n", 12, FALSE);
	g_autofree char *inbox = g_build_filename (root, "Inbox", NULL);
	g_assert_true (g_file_set_contents (inbox, mbox->str, (gssize) mbox->len, NULL));
	g_autofree char *link = g_build_filename (root, "link-to-maildir", NULL);
	g_assert_cmpint (symlink (md, link), ==, 0);
	g_autofree char *dangling = g_build_filename (root, "dangling", NULL);
	g_assert_cmpint (symlink ("/nonexistent/mail", dangling), ==, 0);
	g_autofree char *fifo = g_build_filename (root, "fifo", NULL);
	g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
	g_autoptr (GString) deep = g_string_new (root);
	for (int i = 0; i < 70; i++)
		g_string_append (deep, "/d");
	g_assert_cmpint (g_mkdir_with_parents (deep->str, 0700), ==, 0);

	mh_plan_options o = { 200, 0 };
	g_autoptr (GPtrArray) units = mh_plan ((const char *[]) { root, NULL }, &o);
	guint types[4] = { 0 };
	gboolean trashed = FALSE;
	for (guint i = 0; i < units->len; i++) {
		const mh_work_unit *u = g_ptr_array_index (units, i);
		types[u->type]++;
		if (u->maildir_trashed) {
			trashed = TRUE;
			g_assert_cmpstr (u->folder, ==, "Maildir");
		}
	}
	g_test_message ("walk: %u files, %u ranges, %u errors, %u skipped", types[MH_UNIT_FILE],
	                types[MH_UNIT_MBOX_RANGE], types[MH_UNIT_ERROR], types[MH_UNIT_SKIPPED]);
	g_assert_true (trashed);
	g_assert_cmpuint (types[MH_UNIT_MBOX_RANGE], >, 2);
	/* the link, the FIFO, the depth */
	g_assert_cmpuint (types[MH_UNIT_SKIPPED], ==, 3);
	/* the Maildir message and the dangling link (an error when read) */
	g_assert_cmpuint (types[MH_UNIT_FILE], ==, 2);

	mh_limits limits;
	mh_limits_init_default (&limits);
	g_autoptr (GPtrArray) reference = read_reference (root, &limits);
	plan_stats stats = { 0 };
	check_path (root, 200, 0, &limits, &stats, reference);
	check_path (root, 0, 0, &limits, &stats, reference);
	/* a path that is not there: one error unit, as mh_read_path reports it */
	g_autofree char *missing = g_build_filename (tmpdir, "missing", NULL);
	g_autoptr (GPtrArray) none = mh_plan ((const char *[]) { missing, NULL }, NULL);
	g_assert_cmpuint (none->len, ==, 1);
	g_assert_cmpint (((const mh_work_unit *) g_ptr_array_index (none, 0))->type, ==, MH_UNIT_ERROR);
	g_autoptr (GPtrArray) missing_ref = read_reference (missing, &limits);
	check_path (missing, 200, 0, &limits, &stats, missing_ref);
}

/* A gzip-compressed mbox is one unit, read whole. */
static void
test_gzip_not_cut (void)
{
	g_autoptr (GString) data = generate (5, "\n", 60, FALSE);
	g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
	gsize cap = data->len + 4096, read = 0, written = 0;
	g_autofree char *packed = g_malloc (cap);
	GConverterResult cr = g_converter_convert (G_CONVERTER (z), data->str, data->len, packed, cap,
	                                           G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
	g_assert_cmpint (cr, ==, G_CONVERTER_FINISHED);
	g_autoptr (GString) gz = g_string_new_len (packed, (gssize) written);
	g_autofree char *path = write_temp ("packed.mbox.gz", gz);

	mh_plan_options o = { 1, 0 };
	g_autoptr (GPtrArray) units = mh_plan ((const char *[]) { path, NULL }, &o);
	g_assert_cmpuint (units->len, ==, 1);
	const mh_work_unit *u = g_ptr_array_index (units, 0);
	g_assert_cmpint (u->type, ==, MH_UNIT_FILE);
	g_assert_cmpint (u->kind, ==, MH_INPUT_GZIP);
	g_assert_cmpint (u->size, ==, (gint64) written);

	mh_limits limits;
	mh_limits_init_default (&limits);
	g_autoptr (GPtrArray) reference = read_reference (path, &limits);
	g_assert_cmpuint (reference->len, >, 60);
	plan_stats stats = { 0 };
	check_path (path, 1, 0, &limits, &stats, reference);
	g_assert_cmpuint (stats.ranges, ==, 0);
}

/* Splitting does not depend on the sizes fed, long lines included. */
static void
collect_entry (mh_mbox_entry *e, gpointer user_data)
{
	g_autofree char *sum = e->data ? g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) e->data, e->len)
	                               : g_strdup ("-");
	g_ptr_array_add (user_data, g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %d %s %s", e->offset,
	                                             e->raw_length, e->oversized, e->envelope, sum));
}

static GPtrArray *
split_in_pieces (const GString *data, gsize piece)
{
	GPtrArray *got = lines_new ();
	mh_mbox_splitter *s = mh_mbox_splitter_new (4000, collect_entry, got);
	for (gsize i = 0; i < data->len; i += piece)
		mh_mbox_splitter_feed (s, data->str + i, MIN (piece, data->len - i));
	mh_mbox_splitter_finish (s);
	mh_mbox_splitter_free (s);
	return got;
}

static void
test_feed_sizes (void)
{
	g_autoptr (GString) data = generate (21, "\n", 400, TRUE);
	g_autoptr (GPtrArray) whole = split_in_pieces (data, data->len);
	g_assert_cmpuint (whole->len, >, 100);
	static const gsize pieces[] = { 1, 7, 1000, 1025, 65535, 65537, 1 << 20 };
	for (gsize i = 0; i < G_N_ELEMENTS (pieces); i++) {
		g_autoptr (GPtrArray) got = split_in_pieces (data, pieces[i]);
		assert_same_lines (got, whole, "pieces");
	}
}

/* Planning a large mbox reads a window after each cut, not the file: a
 * sparse 2 GiB file with a message at each nominal cut point. */
static gint64
bytes_read_so_far (void)
{
	g_autofree char *io = NULL;
	if (!g_file_get_contents ("/proc/self/io", &io, NULL, NULL))
		return -1;
	const char *r = strstr (io, "rchar: ");
	return r ? g_ascii_strtoll (r + 7, NULL, 10) : -1;
}

static void
test_planning_cost (void)
{
	if (bytes_read_so_far () < 0) {
		g_test_skip ("no /proc/self/io");
		return;
	}
	g_autofree char *path = g_build_filename (tmpdir, "large.mbox", NULL);
	int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	g_assert_cmpint (fd, >=, 0);
	const gint64 size = (gint64) 2 << 30;
	const char msg[] = "From a@example.org Mon Jun  1 10:00:00 2009\nSubject: x\n\nbody\n\n";
	/* the first separator, and one a little after each nominal cut */
	for (gint64 i = 0; i < 32; i++) {
		gint64 at = i == 0 ? 0 : size / 32 * i + 1000 - (gint64) sizeof msg;
		g_assert_cmpint (pwrite (fd, "\n", 1, (off_t) (at - 1 > 0 ? at - 1 : 0)), ==, 1);
		g_assert_cmpint (pwrite (fd, msg, sizeof msg - 1, (off_t) at), ==, (ssize_t) sizeof msg - 1);
	}
	g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
	close (fd);

	/* cut every 64 MiB, next to the separators written above */
	mh_plan_options every64 = { (gint64) 64 << 20, MH_PLAN_CUT_WINDOW };
	gint64 before = bytes_read_so_far ();
	g_autoptr (GPtrArray) units = mh_plan ((const char *[]) { path, NULL }, &every64);
	gint64 read = bytes_read_so_far () - before;
	g_test_message ("a 2 GiB mbox: %u units, %" G_GINT64_FORMAT " bytes read to plan them", units->len, read);
	g_assert_cmpuint (units->len, ==, 32);
	/* 64 KiB of head, then about a window's first piece per cut */
	g_assert_cmpint (read, <, 32 * 256 * 1024);
	gint64 total = 0;
	for (guint i = 0; i < units->len; i++)
		total += ((const mh_work_unit *) g_ptr_array_index (units, i))->size;
	g_assert_cmpint (total, ==, size);

	/* cut points in the middle of nothing (zeros, no line end within the
	 * window): no cut there, and the file stays one unit */
	mh_plan_options o = { size / 3 + 1, 1 << 20 };
	before = bytes_read_so_far ();
	g_autoptr (GPtrArray) one = mh_plan ((const char *[]) { path, NULL }, &o);
	read = bytes_read_so_far () - before;
	g_test_message ("cut points without a separator near: %u unit, %" G_GINT64_FORMAT " bytes read", one->len, read);
	g_assert_cmpuint (one->len, ==, 1);
	const mh_work_unit *u = g_ptr_array_index (one, 0);
	g_assert_cmpint (u->type, ==, MH_UNIT_FILE);
	g_assert_cmpint (u->kind, ==, MH_INPUT_MBOX);
	g_assert_cmpint (u->size, ==, size);
	g_assert_cmpint (read, <=, 64 * 1024 + 2 * ((1 << 20) + 64 * 1024));
	g_unlink (path);
}

/* ---- --files-from ---- */

static GPtrArray *
list_from (const char *data, gsize len, GError **error)
{
	g_autofree char *path = g_build_filename (tmpdir, "list", NULL);
	g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
	return mh_read_file_list (path, error);
}

static void
assert_list (GPtrArray *got, const char *const *want)
{
	g_assert_nonnull (got);
	g_assert_cmpuint (got->len, ==, g_strv_length ((char **) want));
	for (guint i = 0; i < got->len; i++)
		g_assert_cmpstr (g_ptr_array_index (got, i), ==, want[i]);
	/* NULL-terminated: usable as the paths of mh_plan */
	g_assert_null (got->pdata[got->len]);
}

static void
test_files_from (void)
{
	g_autoptr (GError) error = NULL;
	const char nl[] = "a.mbox\n\nsub dir/b.eml\r\nc\n";
	g_autoptr (GPtrArray) l1 = list_from (nl, sizeof nl - 1, &error);
	assert_list (l1, (const char *[]) { "a.mbox", "sub dir/b.eml", "c", NULL });

	/* find -print0: names may hold newlines */
	const char nul[] = "a.mbox\0new\nline.eml\0\0last";
	g_autoptr (GPtrArray) l2 = list_from (nul, sizeof nul - 1, &error);
	assert_list (l2, (const char *[]) { "a.mbox", "new\nline.eml", "last", NULL });

	g_autoptr (GPtrArray) l3 = list_from ("", 0, &error);
	assert_list (l3, (const char *[]) { NULL });

	/* an entry over the cap is an error, not a silent cut */
	g_autoptr (GString) big = g_string_new ("ok\n");
	for (int i = 0; i <= MH_FILE_LIST_MAX_ENTRY; i++)
		g_string_append_c (big, 'x');
	g_autoptr (GPtrArray) l4 = list_from (big->str, big->len, &error);
	g_assert_null (l4);
	g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG);
	g_test_message ("%s", error->message);
	g_clear_error (&error);

	g_autoptr (GPtrArray) l5 = mh_read_file_list ("/nonexistent/list", &error);
	g_assert_null (l5);
	g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
	g_clear_error (&error);

	/* "-": standard input */
	g_autofree char *path = g_build_filename (tmpdir, "stdin-list", NULL);
	g_assert_true (g_file_set_contents (path, "x\0y", 3, NULL));
	int saved = dup (STDIN_FILENO);
	int fd = g_open (path, O_RDONLY, 0);
	g_assert_cmpint (dup2 (fd, STDIN_FILENO), ==, STDIN_FILENO);
	close (fd);
	g_autoptr (GPtrArray) l6 = mh_read_file_list ("-", &error);
	dup2 (saved, STDIN_FILENO);
	close (saved);
	assert_list (l6, (const char *[]) { "x", "y", NULL });
}

/* ---- shards ---- */

static void
test_shards (void)
{
	/* computed once (and the same from Python:
	 * int.from_bytes(hashlib.sha256(key).digest()[:8], 'big') % n); a
	 * change here would split stores differently on machines running
	 * different versions */
	static const struct { const char *key; guint n; guint shard; } fixed[] = {
		{ "quarantine/20191204-0001.eml", 4, 2 },
		{ "quarantine/20191204-0001.eml", 16, 10 },
		{ "mail/Inbox", 4, 2 },
		{ "mail/Inbox#3/16", 4, 1 },
		{ "mail/Inbox#4/16", 4, 2 },
		{ "", 7, 1 },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (fixed); i++) {
		guint s = mh_key_shard (fixed[i].key, fixed[i].n);
		g_test_message ("shard of \"%s\" among %u: %u", fixed[i].key, fixed[i].n, s);
		g_assert_cmpuint (s, ==, fixed[i].shard);
	}
	g_assert_cmpuint (mh_key_shard ("anything", 1), ==, 0);

	/* balance: 10,000 keys over 4 shards, each within 10 % of 2,500 */
	guint count[4] = { 0 };
	for (guint i = 0; i < 10000; i++) {
		g_autofree char *key = g_strdup_printf ("store/2019/12/%05u.eml", i);
		count[mh_key_shard (key, 4)]++;
	}
	for (guint s = 0; s < 4; s++) {
		g_test_message ("shard %u of 4: %u keys", s, count[s]);
		g_assert_cmpuint (count[s], >=, 2250);
		g_assert_cmpuint (count[s], <=, 2750);
	}

	/* every unit of a plan in exactly one shard, the same in a second plan */
	if (!srcdir ())
		return;
	g_autofree char *samples = g_build_filename (srcdir (), "samples-benign", NULL);
	mh_plan_options o = { 700, 0 };
	g_autoptr (GPtrArray) a = mh_plan ((const char *[]) { samples, NULL }, &o);
	g_autoptr (GPtrArray) b = mh_plan ((const char *[]) { samples, NULL }, &o);
	g_assert_cmpuint (a->len, ==, b->len);
	for (guint n = 1; n <= 5; n++) {
		guint in_shards = 0;
		for (guint shard = 0; shard < n; shard++)
			for (guint i = 0; i < a->len; i++)
				in_shards += mh_unit_shard (g_ptr_array_index (a, i), n) == shard;
		g_assert_cmpuint (in_shards, ==, a->len);
		for (guint i = 0; i < a->len; i++) {
			const mh_work_unit *ua = g_ptr_array_index (a, i), *ub = g_ptr_array_index (b, i);
			g_assert_cmpstr (ua->key, ==, ub->key);
			g_assert_cmpuint (mh_unit_shard (ua, n), ==, mh_unit_shard (ub, n));
		}
	}
}

/* mh_plan_merge on made-up results. */
static void
test_merge (void)
{
	g_autoptr (GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_work_unit_free);
	g_autoptr (GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gint64));
	for (gint64 c = 0; c < 5; c++) {
		gint64 v = c * 100;
		g_array_append_val (cuts, v);
	}
	mh_work_unit *f = g_new0 (mh_work_unit, 1);
	f->type = MH_UNIT_FILE;
	g_ptr_array_add (units, f);
	for (guint r = 0; r < 5; r++) {
		mh_work_unit *u = g_new0 (mh_work_unit, 1);
		u->type = MH_UNIT_MBOX_RANGE;
		u->range = r;
		u->ranges = 5;
		u->cuts = g_array_ref (cuts);
		g_ptr_array_add (units, u);
	}
	mh_unit_result results[6] = {
		{ 1, 0 },   /* the file */
		{ 10, 0 }, { 7, 2 }, { 99, 0 }, { 99, 0 }, { 4, 0 },
	};
	gboolean keep[6];
	guint base[6];
	mh_plan_merge (units, results, keep, base);
	const gboolean want_keep[6] = { TRUE, TRUE, TRUE, FALSE, FALSE, TRUE };
	const guint want_base[6] = { 0, 0, 10, 0, 0, 17 };
	for (int i = 0; i < 6; i++) {
		g_assert_cmpint (keep[i], ==, want_keep[i]);
		if (keep[i])
			g_assert_cmpuint (base[i], ==, want_base[i]);
	}
}

/* The generated files; symbolic links are removed, not followed. */
static void
remove_tree (const char *dir)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name (d))) {
		g_autofree char *p = g_build_filename (dir, name, NULL);
		GStatBuf st;
		if (g_lstat (p, &st) == 0 && S_ISDIR (st.st_mode))
			remove_tree (p);
		else
			g_unlink (p);
	}
	g_rmdir (dir);
}

/* An index entry read back from its record has the sample it was
 * written with (one string of 8 hex digits a unit); a sample spelt any
 * other way is refused, naming the member. */
static void
test_entry_record (void)
{
	mh_index_entry e = { .mailbox = "box", .file = "f.eml", .index = 3, .offset = 7,
	                     .date_unix = G_MININT64, .participants = g_ptr_array_new (),
	                     .units = g_array_new (FALSE, FALSE, sizeof (guint32)), .threshold = 42 };
	const guint32 units[] = { 0, 1, 0x0badf00d, 0xdeadbeef, 0xffffffff };
	g_array_append_vals (e.units, units, G_N_ELEMENTS (units));
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream (&buf, &size);
	mh_bulk_write_entry (out, &e);
	fclose (out);
	g_assert_nonnull (strstr (buf, "\"units\":\"00000000000000010badf00ddeadbeefffffffff\""));

	g_autoptr (GError) error = NULL;
	g_autoptr (mh_flat_record) record = mh_flat_record_new ();
	g_assert_true (mh_flat_record_parse (record, buf, size, &error));
	g_assert_no_error (error);
	g_autoptr (mh_index_entry) back = mh_bulk_read_entry (record, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (back->units->len, ==, G_N_ELEMENTS (units));
	for (guint i = 0; i < G_N_ELEMENTS (units); i++)
		g_assert_cmphex (g_array_index (back->units, guint32, i), ==, units[i]);
	g_assert_cmpuint (back->threshold, ==, 42);

	static const char *const bad[] = { "\"0000000\"", "\"0000000g\"", "[1,2]", "null", "\"-0000001\"" };
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		GString *line = g_string_new (buf);
		char *at = strstr (line->str, "\"units\":\"");
		g_assert_nonnull (at);
		gsize from = (gsize) (at - line->str) + strlen ("\"units\":");
		char *end = strchr (line->str + from + 1, '"');
		g_string_erase (line, (gssize) from, (gssize) (end + 1 - (line->str + from)));
		g_string_insert (line, (gssize) from, bad[i]);
		g_autoptr (GError) local = NULL;
		g_assert_true (mh_flat_record_parse (record, line->str, line->len, &local));
		g_assert_no_error (local);
		mh_index_entry *refused = mh_bulk_read_entry (record, &local);
		g_assert_null (refused);
		g_assert_nonnull (local);
		g_test_message ("units %s: %s", bad[i], local->message);
		g_assert_nonnull (strstr (local->message, "units"));
		g_string_free (line, TRUE);
	}
	free (buf);
	g_ptr_array_unref (e.participants);
	g_array_unref (e.units);
}

/* What json-glib writes for the members of a record, as the reference of
 * bulk-records.c's own writer. */
static char *
reference_line (JsonBuilder *b)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream (&buf, &size);
	json_builder_end_object (b);
	mh_jsonl_write (out, b);
	fclose (out);
	return buf;
}

static void
reference_string (JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name (b, name);
	if (value)
		json_builder_add_string_value (b, value);
	else
		json_builder_add_null_value (b);
}

/* The members records of a file begin with: type, (mailbox,) file, folder, index. */
static JsonBuilder *
reference_begin (const char *type, const char *mailbox, const char *file, const char *folder,
                 gint64 index)
{
	JsonBuilder *b = json_builder_new ();
	json_builder_begin_object (b);
	reference_string (b, "type", type);
	if (mailbox)
		reference_string (b, "mailbox", mailbox);
	reference_string (b, "file", file);
	reference_string (b, "folder", folder);
	json_builder_set_member_name (b, "index");
	json_builder_add_int_value (b, index);
	return b;
}

/* A random string of 0 to 40 bytes: any byte but NUL and U+001F (which
 * json-glib leaves bare, and mailhunt escapes), often not UTF-8. */
static char *
random_value (GRand *rand)
{
	static const char *const pieces[] = { "\"", "\\", "\n", "\r\n", "\t", "\b\f", "\x7f",
	                                      "\x01", "\x1b$B", "資料", "\xe8\xb3", "\xff", "a b" };
	GString *s = g_string_new (NULL);
	guint n = (guint) g_rand_int_range (rand, 0, 12);
	for (guint i = 0; i < n; i++) {
		if (g_rand_boolean (rand)) {
			g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
		} else {
			guchar c = (guchar) g_rand_int_range (rand, 1, 256);
			g_string_append_c (s, c == 0x1F ? 'x' : (char) c);
		}
	}
	return g_string_free (s, FALSE);
}

static char *
written (void (*write) (FILE *, gconstpointer), gconstpointer data)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream (&buf, &size);
	write (out, data);
	fclose (out);
	return buf;
}

typedef struct {
	const char *file, *folder, *what;
	gint64 index;
} error_args;

static void
write_error (FILE *out, gconstpointer data)
{
	const error_args *a = data;
	mh_bulk_write_error (out, a->file, a->folder, a->index, a->what);
}

static void
write_entry (FILE *out, gconstpointer data)
{
	mh_bulk_write_entry (out, data);
}

static void
write_tail (FILE *out, gconstpointer data)
{
	mh_bulk_write_tail (out, data);
}

/* The records are written by hand, not by json-glib: the same text as
 * json-glib's for any strings (control characters, quotes, bytes that
 * are not UTF-8), and the strings read back as they were. */
static void
test_records_like_json_glib (void)
{
	g_autoptr (GRand) rand = g_rand_new_with_seed (7);
	for (guint round = 0; round < 2000; round++) {
		g_autofree char *file = random_value (rand), *folder = random_value (rand);
		g_autofree char *what = random_value (rand), *subject = random_value (rand);
		g_autofree char *p1 = random_value (rand), *p2 = random_value (rand);

		/* an error record, with null for a folder now and then */
		error_args a = { file, round % 3 ? folder : NULL, what, (gint64) round - 1000 };
		g_autofree char *mine = written (write_error, &a);
		g_autoptr (JsonBuilder) b = reference_begin ("error", NULL, a.file, a.folder, a.index);
		reference_string (b, "error", a.what);
		g_autofree char *theirs = reference_line (b);
		g_assert_cmpstr (mine, ==, theirs);
		g_autoptr (mh_flat_record) r = mh_flat_record_new ();
		g_autoptr (GError) error = NULL;
		g_assert_true (mh_flat_record_parse (r, mine, strlen (mine) - 1, &error));
		g_autofree char *back = NULL;
		g_assert_true (mh_bulk_get_string (r, "file", FALSE, &back, &error));
		g_assert_no_error (error);
		g_assert_cmpstr (back, ==, file);

		/* an index entry: a list, a null date or a number, a boolean */
		g_autoptr (GPtrArray) participants = g_ptr_array_new ();
		g_ptr_array_add (participants, p1);
		if (round % 2)
			g_ptr_array_add (participants, p2);
		g_autoptr (GArray) units = g_array_new (FALSE, FALSE, sizeof (guint32));
		guint32 unit = g_rand_int (rand);
		g_array_append_val (units, unit);
		mh_index_entry e = { .mailbox = "box", .file = file, .folder = folder, .index = round,
		                     .offset = round * 7, .date_unix = round % 4 ? (gint64) round * 1000 : G_MININT64,
		                     .message_id = what, .subject = subject, .from = p1, .to = NULL,
		                     .participants = participants, .units = units, .threshold = unit / 2,
		                     .capped = round % 5 == 0 };
		g_autofree char *mine_entry = written (write_entry, &e);
		g_autoptr (JsonBuilder) eb = reference_begin ("indexed", e.mailbox, e.file, e.folder, e.index);
		json_builder_set_member_name (eb, "offset");
		json_builder_add_int_value (eb, e.offset);
		json_builder_set_member_name (eb, "date_unix");
		if (e.date_unix == G_MININT64)
			json_builder_add_null_value (eb);
		else
			json_builder_add_int_value (eb, e.date_unix);
		reference_string (eb, "message_id", e.message_id);
		reference_string (eb, "subject", e.subject);
		reference_string (eb, "from", e.from);
		reference_string (eb, "to", e.to);
		json_builder_set_member_name (eb, "participants");
		json_builder_begin_array (eb);
		for (guint i = 0; i < participants->len; i++)
			json_builder_add_string_value (eb, g_ptr_array_index (participants, i));
		json_builder_end_array (eb);
		g_autofree char *hex = g_strdup_printf ("%08x", unit);
		reference_string (eb, "units", hex);
		json_builder_set_member_name (eb, "threshold");
		json_builder_add_int_value (eb, e.threshold);
		json_builder_set_member_name (eb, "capped");
		json_builder_add_boolean_value (eb, e.capped);
		g_autofree char *theirs_entry = reference_line (eb);
		g_assert_cmpstr (mine_entry, ==, theirs_entry);
	}

	/* a unit's end: numbers, a list of numbers, a double */
	const double seconds[] = { 0.0, 0.25, 4.098440999999999, 3.0, 1e-7, 123456.5 };
	for (gsize i = 0; i < G_N_ELEMENTS (seconds); i++) {
		mh_unit_tail t = { .unit = (guint) i, .result = { .messages = 5, .superseded = 1 } };
		t.counts.messages = 5;
		t.counts.documents = 3;
		t.counts.documents_by_verdict[MH_VERDICT_MALICIOUS] = 2;
		t.counts.ocr_seconds = seconds[i];
		g_autofree char *mine = written (write_tail, &t);
		g_autoptr (mh_flat_record) r = mh_flat_record_new ();
		g_autoptr (GError) error = NULL;
		g_assert_true (mh_flat_record_parse (r, mine, strlen (mine) - 1, &error));
		mh_unit_tail back;
		g_assert_true (mh_bulk_read_tail (r, &back, &error));
		g_assert_no_error (error);
		g_assert_cmpfloat (back.counts.ocr_seconds, ==, seconds[i]);
		g_assert_cmpuint (back.counts.documents_by_verdict[MH_VERDICT_MALICIOUS], ==, 2);
		g_assert_cmpuint (back.result.messages, ==, 5);
		g_autoptr (JsonBuilder) b = json_builder_new ();
		json_builder_begin_object (b);   /* only the double is compared */
		json_builder_set_member_name (b, "ocr_seconds");
		json_builder_add_double_value (b, seconds[i]);
		g_autofree char *theirs = reference_line (b);
		g_autofree char *want = g_strndup (theirs + 1, strlen (theirs) - 3);   /* without {, }, newline */
		g_assert_nonnull (strstr (mine, want));
	}

	/* U+001F, which json-glib would leave bare */
	error_args us = { "a\x1f" "b", NULL, "c", 0 };
	g_autofree char *mine = written (write_error, &us);
	g_assert_nonnull (strstr (mine, "\"a\\u001fb\""));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_set_nonfatal_assertions ();
	g_mime_init ();
	tmpdir = g_dir_make_tmp ("mailhunt-units-XXXXXX", NULL);
	g_assert_nonnull (tmpdir);

	g_test_add_func ("/units/samples-benign", test_samples_benign);
	g_test_add_func ("/units/corpora", test_corpora);
	g_test_add_func ("/units/generated", test_generated);
	g_test_add_func ("/units/supersede", test_supersede);
	g_test_add_func ("/units/walk-events", test_walk_events);
	g_test_add_func ("/units/gzip-not-cut", test_gzip_not_cut);
	g_test_add_func ("/units/feed-sizes", test_feed_sizes);
	g_test_add_func ("/units/planning-cost", test_planning_cost);
	g_test_add_func ("/units/files-from", test_files_from);
	g_test_add_func ("/units/shards", test_shards);
	g_test_add_func ("/units/merge", test_merge);
	g_test_add_func ("/units/entry-record", test_entry_record);
	g_test_add_func ("/units/records-like-json-glib", test_records_like_json_glib);
	int rc = g_test_run ();

	remove_tree (tmpdir);
	g_free (tmpdir);
	return rc;
}
