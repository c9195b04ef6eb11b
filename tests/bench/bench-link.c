/* Benchmark of the link stage's thread index (src/link/index.c).
 *
 *   bench-link N M
 *
 * Generates N harmless messages (deterministic; English and Japanese
 * bodies of 300-3000 characters from word lists; half of them replies
 * that quote their parent below an Outlook header block, '>'-prefixed),
 * indexes them, then links M spoofs: each quotes a random indexed message
 * (re-wrapped, '>'-prefixed, below a generated lure sentence), its quote
 * is extracted with mh_quotes_extract and looked up with
 * mh_thread_index_find_text.  Prints the build time, the bytes per
 * indexed message, the time per link (mean, p50, p99) and the share of
 * spoofs whose true original ranked first.  Not a test: no thresholds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mailhunt/link.h"
#include "mailhunt/message.h"

#include "../link-words.h"

static const char *const lures[] = {
	"Please find the revised document attached and confirm by today.",
	"As discussed, the invoice is attached. Kindly review it before the deadline.",
	"Sorry for the delay, the updated file is in the attachment.",
	"ご確認をお願いいたします。添付ファイルをご覧ください。",
	"先日の件につきまして、資料を添付いたしましたのでご確認ください。",
};

static const char *const people[] = {
	"Alice Example <alice.example@example.com>", "Bob Sample <bob.sample@example.com>",
	"Carol Test <carol.test@example.com>", "Dave Demo <dave.demo@example.com>",
	"山田 花子 <hanako.yamada@example.jp>", "佐藤 太郎 <taro.sato@example.jp>",
};

static void
append_english (GString *s, prng *r, gsize target)
{
	gsize end = s->len + target;
	while (s->len < end) {
		guint sentences = 3 + prng_below (r, 4);
		for (guint i = 0; i < sentences; i++) {
			guint words = 6 + prng_below (r, 10);
			for (guint w = 0; w < words; w++) {
				const char *word = english_words[prng_below (r, G_N_ELEMENTS (english_words))];
				if (w == 0) {
					g_string_append_c (s, g_ascii_toupper (word[0]));
					g_string_append (s, word + 1);
				} else {
					g_string_append_printf (s, " %s", word);
				}
			}
			g_string_append (s, i + 1 < sentences ? ". " : ".\n");
		}
		g_string_append_c (s, '\n');
	}
}

static void
append_japanese (GString *s, prng *r, gsize target)
{
	gsize end = s->len + target;
	while (s->len < end) {
		guint pieces = 8 + prng_below (r, 12);
		for (guint i = 0; i < pieces; i++)
			g_string_append (s, japanese_phrases[prng_below (r, G_N_ELEMENTS (japanese_phrases))]);
		g_string_append (s, "。\n");
	}
}

/* Appends @text with each line re-wrapped to @width characters and
 * prefixed with @prefix: a quote as a mail client writes it. */
static void
append_quoted (GString *out, const char *text, guint width, const char *prefix)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	for (guint l = 0; lines[l]; l++) {
		const char *p = lines[l];
		if (!*p && !lines[l + 1])
			break;
		do {
			const char *start = p;
			guint chars = 0;
			const char *cut = NULL;
			while (*p && chars < width) {
				if (*p == ' ')
					cut = p;
				p = g_utf8_next_char (p);
				chars++;
			}
			if (*p && cut && cut > start && (guchar) *p < 0x80)
				p = cut + 1;   /* break English at a space */
			g_string_append (out, prefix);
			g_string_append_len (out, start, p - start);
			g_string_append_c (out, '\n');
		} while (*p);
	}
}

static double
seconds (gint64 from, gint64 to)
{
	return (to - from) / 1e6;
}

static int
compare_double (const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;
	return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
	if (argc != 3) {
		g_printerr ("usage: %s N M\n", argv[0]);
		return 2;
	}
	guint n = (guint) g_ascii_strtoull (argv[1], NULL, 10);
	guint m = (guint) g_ascii_strtoull (argv[2], NULL, 10);
	if (n == 0 || n > 10000000 || m > 10000000) {
		g_printerr ("N must be 1..10000000, M at most 10000000\n");
		return 2;
	}
	g_mime_init ();
	mh_limits limits;
	mh_limits_init_default (&limits);

	prng r = { 2026 };
	GPtrArray *bodies = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	gint64 add_time = 0, parse_time = 0;
	gint64 started = g_get_monotonic_time ();
	guint replies = 0;
	for (guint i = 0; i < n; i++) {
		GString *body = g_string_new (NULL);
		gboolean japanese = prng_below (&r, 4) == 0;
		gsize own = 300 + prng_below (&r, 2700);
		if (japanese)
			append_japanese (body, &r, own);
		else
			append_english (body, &r, own);
		const char *from = people[prng_below (&r, G_N_ELEMENTS (people))];
		const char *to = people[prng_below (&r, G_N_ELEMENTS (people))];
		/* half are replies to a recent message, quoting it (its first 4000 bytes) */
		if (i > 0 && prng_below (&r, 2) == 0) {
			guint parent = i - 1 - prng_below (&r, MIN (i, 1000u));
			const char *text = g_ptr_array_index (bodies, parent);
			gsize len = strlen (text);
			if (len > 4000) {
				len = 4000;
				while (len > 0 && ((guchar) text[len] & 0xC0) == 0x80)
					len--;
			}
			g_autofree char *part = g_strndup (text, len);
			g_string_append_printf (body, "\n-----Original Message-----\nFrom: %s\nSent: Tuesday, "
			                        "November 3, 2026 10:00 AM\nTo: %s\nSubject: message %u\n\n",
			                        to, from, parent);
			append_quoted (body, part, 72, "> ");
			replies++;
		}
		g_autofree char *raw = g_strdup_printf (
			"From: %s\r\nTo: %s\r\nSubject: message %u\r\n"
			"Date: Tue, 03 Nov 2026 10:00:00 +0900\r\n"
			"Message-ID: <TYCPR01MB%08X%06X.jpnprd01.prod.example.com>\r\n"
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			"Content-Transfer-Encoding: 8bit\r\n\r\n%s",
			from, to, i, prng_next (&r), i, body->str);
		g_ptr_array_add (bodies, g_string_free (body, FALSE));

		mh_locator locator = { 0 };
		locator.file = (char *) "bench.mbox";
		locator.index = i;
		locator.offset = -1;
		gint64 t0 = g_get_monotonic_time ();
		mh_message *message = mh_message_new_from_bytes (raw, strlen (raw), &locator, &limits);
		gint64 t1 = g_get_monotonic_time ();
		mh_thread_index_add (index, message, "scan");
		gint64 t2 = g_get_monotonic_time ();
		mh_message_free (message);
		parse_time += t1 - t0;
		add_time += t2 - t1;
	}
	gint64 built = g_get_monotonic_time ();
	gsize memory = mh_thread_index_memory (index);

	g_autofree double *link_times = g_new0 (double, MAX (m, 1));
	guint first = 0, found_any = 0, quoted = 0;
	double extract_total = 0;
	for (guint s = 0; s < m; s++) {
		guint target = prng_below (&r, n);
		const char *original = g_ptr_array_index (bodies, target);
		GString *spoof = g_string_new (lures[prng_below (&r, G_N_ELEMENTS (lures))]);
		g_string_append (spoof, "\n\n");
		g_string_append_printf (spoof, "-----Original Message-----\nFrom: %s\nSent: Tuesday, "
		                        "November 3, 2026 10:00 AM\nTo: %s\nSubject: message %u\n\n",
		                        people[prng_below (&r, G_N_ELEMENTS (people))],
		                        people[prng_below (&r, G_N_ELEMENTS (people))], target);
		append_quoted (spoof, original, 40 + prng_below (&r, 40), "> ");

		gint64 t0 = g_get_monotonic_time ();
		g_autoptr (GPtrArray) quotes = mh_quotes_extract (spoof->str, spoof->len, NULL);
		gint64 t1 = g_get_monotonic_time ();
		/* the outermost quote is the message the spoof copied; without one
		 * (quote extraction failed), the whole body */
		const char *text = spoof->str;
		if (quotes->len > 0) {
			const mh_quote *quote = g_ptr_array_index (quotes, 0);
			if (quote->text && *quote->text) {
				text = quote->text;
				quoted++;
			}
		}
		g_autoptr (GArray) matches = mh_thread_index_find_text (index, text, strlen (text), 0.5, 10);
		gint64 t2 = g_get_monotonic_time ();
		link_times[s] = seconds (t0, t2);
		extract_total += seconds (t0, t1);
		if (matches->len > 0) {
			found_any++;
			const mh_link_match *best = &g_array_index (matches, mh_link_match, 0);
			if (best->id == target) {
				first++;
			} else if (g_getenv ("BENCH_LINK_VERBOSE")) {
				guint rank = 0;
				while (rank < matches->len && g_array_index (matches, mh_link_match, rank).id != target)
					rank++;
				const mh_link_match *true_match = rank < matches->len
				                                  ? &g_array_index (matches, mh_link_match, rank) : NULL;
				g_print ("miss: spoof %u quotes %u; first %u (%.2f, %u/%u), the original at rank %u (%.2f, %u/%u)\n",
				         s, target, best->id, best->score, best->matched, best->total, rank + 1,
				         true_match ? true_match->score : 0.0, true_match ? true_match->matched : 0,
				         true_match ? true_match->total : 0);
			}
		}
		g_string_free (spoof, TRUE);
	}

	double build = seconds (started, built);
	g_print ("messages indexed       %u (%u replies quoting their parent)\n", n, replies);
	g_print ("build (generate+parse+index) %.2f s\n", build);
	g_print ("  parse (GMime)        %.2f s, %.1f us per message\n", parse_time / 1e6,
	         (double) parse_time / n);
	g_print ("  index (add)          %.2f s, %.1f us per message\n", add_time / 1e6,
	         (double) add_time / n);
	g_print ("index memory           %zu bytes, %.0f bytes per message\n", memory, (double) memory / n);
	if (m > 0) {
		double total = 0;
		for (guint s = 0; s < m; s++)
			total += link_times[s];
		qsort (link_times, m, sizeof (double), compare_double);
		g_print ("links                  %u spoofs (%u with a quote extracted)\n", m, quoted);
		g_print ("time per link          mean %.3f ms, p50 %.3f ms, p99 %.3f ms (extraction %.3f ms mean)\n",
		         total / m * 1e3, link_times[m / 2] * 1e3, link_times[MIN (m - 1, m * 99 / 100)] * 1e3,
		         extract_total / m * 1e3);
		g_print ("true original first    %u of %u (%.1f %%); any match >= 0.5: %u\n", first, m,
		         100.0 * first / m, found_any);
	}
	g_ptr_array_unref (bodies);
	return 0;
}
