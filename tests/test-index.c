/* The thread index (src/link/index.c): lookups by Message-ID and subject,
 * and the text search that finds the original a quote reproduces, among
 * distractors, through re-wrapping, quote marks, NFKC variants,
 * signatures and boilerplate; and its memory per message. */
#include "config.h"

#include <string.h>

#include "mailhunt/link.h"
#include "mailhunt/message.h"

#include "link-words.h"
#include "link/link-private.h"

/* -- generated mail ------------------------------------------------------- */

/* English prose: sentences of 6..15 words, paragraphs of 3..6 sentences. */
static char *
english_text (prng *r, gsize target)
{
	GString *s = g_string_new (NULL);
	while (s->len < target) {
		guint sentences = 3 + prng_below (r, 4);
		for (guint i = 0; i < sentences; i++) {
			guint words = 6 + prng_below (r, 10);
			for (guint w = 0; w < words; w++) {
				const char *word = english_words[prng_below (r, G_N_ELEMENTS (english_words))];
				if (w == 0)
					g_string_append_c (s, g_ascii_toupper (word[0])), g_string_append (s, word + 1);
				else
					g_string_append_printf (s, " %s", word);
			}
			g_string_append (s, i + 1 < sentences ? ". " : ".\n");
		}
		g_string_append_c (s, '\n');
	}
	return g_string_free (s, FALSE);
}

static char *
japanese_text (prng *r, gsize target)
{
	GString *s = g_string_new (NULL);
	while (s->len < target) {
		guint pieces = 8 + prng_below (r, 12);
		for (guint i = 0; i < pieces; i++)
			g_string_append (s, japanese_phrases[prng_below (r, G_N_ELEMENTS (japanese_phrases))]);
		g_string_append (s, "。\n");
	}
	return g_string_free (s, FALSE);
}

/* @text re-wrapped to @width characters, each line prefixed with @prefix,
 * lines ended with @eol: what a mail client does to a quoted original. */
static char *
rewrap (const char *text, guint width, const char *prefix, const char *eol)
{
	GString *out = g_string_new (NULL);
	GString *line = g_string_new (NULL);
	guint line_chars = 0;
	gboolean space = FALSE;
	for (const char *p = text; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (g_unichar_isspace (c)) {
			space = line_chars > 0;
			continue;
		}
		if (line_chars + (space ? 1 : 0) >= width) {
			g_string_append_printf (out, "%s%s%s", prefix, line->str, eol);
			g_string_truncate (line, 0);
			line_chars = 0;
			space = FALSE;
		}
		if (space) {
			g_string_append_c (line, ' ');
			line_chars++;
			space = FALSE;
		}
		g_string_append_unichar (line, c);
		line_chars++;
	}
	if (line->len)
		g_string_append_printf (out, "%s%s%s", prefix, line->str, eol);
	g_string_free (line, TRUE);
	return g_string_free (out, FALSE);
}

static mh_message *
build_message (const char *from, const char *to, const char *subject, const char *message_id,
               const char *body, const char *file, guint position)
{
	g_autofree char *raw = g_strdup_printf (
		"From: %s\r\n"
		"To: %s\r\n"
		"Cc: Office <office@example.com>\r\n"
		"Subject: %s\r\n"
		"Date: Tue, 03 Nov 2026 10:%02u:00 +0900\r\n"
		"Message-ID: <%s>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: 8bit\r\n"
		"\r\n"
		"%s",
		from, to, subject, position % 60, message_id, body);
	mh_limits limits;
	mh_limits_init_default (&limits);
	mh_locator locator = { 0 };
	locator.file = (char *) file;
	locator.index = position;
	locator.offset = -1;
	locator.length = (gint64) strlen (raw);
	return mh_message_new_from_bytes (raw, strlen (raw), &locator, &limits);
}

static const char *const people[] = {
	"Alice Example <alice.example@example.com>", "Bob Sample <bob.sample@example.com>",
	"Carol Test <carol.test@example.com>", "Dave Demo <dave.demo@example.com>",
	"山田 花子 <hanako.yamada@example.jp>", "佐藤 太郎 <taro.sato@example.jp>",
};

/* Adds one generated message; returns its id. */
static guint32
add_generated (mh_thread_index *index, prng *r, const char *body, const char *mailbox)
{
	guint32 n = mh_thread_index_size (index);
	g_autofree char *mid = g_strdup_printf ("TYCPR01MB%08X%04X.jpnprd01.prod.example.com",
	                                        prng_next (r), n & 0xFFFF);
	g_autofree char *subject = g_strdup_printf ("%s %s of %u", english_words[prng_below (r, 60)],
	                                            english_words[prng_below (r, 60)], n);
	g_autoptr (mh_message) m = build_message (people[prng_below (r, G_N_ELEMENTS (people))],
	                                          people[prng_below (r, G_N_ELEMENTS (people))],
	                                          subject, mid, body, "archive.mbox", n);
	return mh_thread_index_add (index, m, mailbox);
}

static void
add_distractors (mh_thread_index *index, guint count, guint64 seed, gboolean japanese)
{
	prng r = { seed };
	for (guint i = 0; i < count; i++) {
		g_autofree char *body = japanese ? japanese_text (&r, 300 + prng_below (&r, 1500))
		                                 : english_text (&r, 300 + prng_below (&r, 1500));
		add_generated (index, &r, body, "scan");
	}
}

static GArray *
find (const mh_thread_index *index, const char *text, double min_score)
{
	return mh_thread_index_find_text (index, text, strlen (text), min_score, 10);
}

/* -- lookups -------------------------------------------------------------- */

static void
test_message_id (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	g_autoptr (mh_message) a = build_message ("Alice Example <Alice.Example@Example.COM>",
	                                          "Bob Sample <bob.sample@example.com>, carol.test@example.com",
	                                          "Quarterly figures", "q3.figures@example.com",
	                                          "Hello Bob,\r\nthe figures are attached.\r\n", "inbox.mbox", 0);
	g_autoptr (mh_message) b = build_message ("bob.sample@example.com", "alice.example@example.com",
	                                          "Re: Quarterly figures", "re.q3@example.com",
	                                          "Thanks Alice.\r\n", "inbox.mbox", 1);
	g_assert_cmpuint (mh_thread_index_add (index, a, "scan"), ==, 0);
	g_assert_cmpuint (mh_thread_index_add (index, b, "scan"), ==, 1);
	g_assert_cmpuint (mh_thread_index_size (index), ==, 2);

	g_autoptr (GArray) plain = mh_thread_index_by_message_id (index, "q3.figures@example.com");
	g_autoptr (GArray) angled = mh_thread_index_by_message_id (index, " <q3.figures@example.com> ");
	g_autoptr (GArray) other = mh_thread_index_by_message_id (index, "<re.q3@example.com>");
	g_autoptr (GArray) none = mh_thread_index_by_message_id (index, "<unknown@example.com>");
	g_autoptr (GArray) empty = mh_thread_index_by_message_id (index, "<>");
	g_assert_cmpuint (plain->len, ==, 1);
	g_assert_cmpuint (g_array_index (plain, guint32, 0), ==, 0);
	g_assert_cmpuint (angled->len, ==, 1);
	g_assert_cmpuint (g_array_index (angled, guint32, 0), ==, 0);
	g_assert_cmpuint (other->len, ==, 1);
	g_assert_cmpuint (g_array_index (other, guint32, 0), ==, 1);
	g_assert_cmpuint (none->len, ==, 0);
	g_assert_cmpuint (empty->len, ==, 0);

	/* a message added after a query is found too */
	g_autoptr (mh_message) c = build_message ("carol.test@example.com", "alice.example@example.com",
	                                          "Re: Quarterly figures", "q3.figures@example.com",
	                                          "A copy.\r\n", "other.mbox", 0);
	g_assert_cmpuint (mh_thread_index_add (index, c, "/evidence/other.mbox"), ==, 2);
	g_autoptr (GArray) both = mh_thread_index_by_message_id (index, "<q3.figures@example.com>");
	g_assert_cmpuint (both->len, ==, 2);

	const mh_indexed_message *m = mh_thread_index_get (index, 0);
	g_assert_nonnull (m);
	g_assert_cmpuint (m->id, ==, 0);
	g_assert_cmpstr (m->message_id, ==, "q3.figures@example.com");
	g_assert_cmpstr (m->subject, ==, "Quarterly figures");
	g_assert_cmpstr (m->from, ==, "alice.example@example.com");
	g_assert_cmpstr (m->to, ==, "bob.sample@example.com, carol.test@example.com, office@example.com");
	g_assert_cmpstr (m->file, ==, "inbox.mbox");
	g_assert_null (m->folder);
	g_assert_cmpstr (m->mailbox, ==, "scan");
	g_assert_cmpint (m->offset, ==, -1);
	g_assert_cmpint (m->date_unix, !=, G_MININT64);
	/* file and mailbox are kept once */
	g_assert_true (m->file == mh_thread_index_get (index, 1)->file);
	g_assert_true (m->mailbox == mh_thread_index_get (index, 1)->mailbox);
	g_assert_cmpuint (mh_thread_index_get (index, 2)->index, ==, 0);
	g_assert_cmpstr (mh_thread_index_get (index, 2)->mailbox, ==, "/evidence/other.mbox");
	g_assert_null (mh_thread_index_get (index, 3));
}

static void
test_long_fields_capped (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	GString *subject = g_string_new (NULL);
	for (int i = 0; i < 200; i++)
		g_string_append (subject, "見積");   /* 3 bytes a character: the cap falls inside one */
	GString *to = g_string_new (NULL);
	for (int i = 0; i < 40; i++)
		g_string_append_printf (to, "%sperson%02d@example.com", i ? ", " : "", i);
	GString *mid = g_string_new (NULL);
	for (int i = 0; i < 60; i++)
		g_string_append (mid, "abcdefg");
	g_string_append (mid, "@example.com");
	g_autoptr (mh_message) m = build_message ("a@example.com", to->str, subject->str, mid->str,
	                                          "body\r\n", "x.eml", 0);
	mh_thread_index_add (index, m, "scan");
	const mh_indexed_message *kept = mh_thread_index_get (index, 0);
	g_assert_cmpuint (strlen (kept->subject), <=, 255);
	g_assert_true (g_utf8_validate (kept->subject, -1, NULL));
	g_assert_cmpuint (strlen (kept->to), <=, 255);
	g_assert_true (g_str_has_suffix (kept->to, "@example.com"));
	g_assert_cmpuint (strlen (kept->message_id), ==, 255);
	/* the long subject is found by itself, the long Message-ID by its kept part */
	g_autoptr (GArray) by_subject = mh_thread_index_by_subject (index, subject->str);
	g_assert_cmpuint (by_subject->len, ==, 1);
	g_autoptr (GArray) by_id = mh_thread_index_by_message_id (index, mid->str);
	g_assert_cmpuint (by_id->len, ==, 1);
	g_string_free (subject, TRUE);
	g_string_free (to, TRUE);
	g_string_free (mid, TRUE);
}

static void
test_subject (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	g_autoptr (mh_message) a = build_message ("a@example.com", "b@example.com", "Shipment schedule",
	                                          "s1@example.com", "x\r\n", "a.mbox", 0);
	g_autoptr (mh_message) b = build_message ("b@example.com", "a@example.com", "Shipment schedule",
	                                          "s2@example.com", "y\r\n", "a.mbox", 1);
	g_autoptr (mh_message) c = build_message ("b@example.com", "a@example.com", "Invoice",
	                                          "s3@example.com", "z\r\n", "a.mbox", 2);
	mh_thread_index_add (index, a, "scan");
	mh_thread_index_add (index, b, "scan");
	mh_thread_index_add (index, c, "scan");
	g_autoptr (GArray) same = mh_thread_index_by_subject (index, "Shipment schedule");
	g_assert_cmpuint (same->len, ==, 2);
	g_autoptr (GArray) none = mh_thread_index_by_subject (index, "Unrelated");
	g_assert_cmpuint (none->len, ==, 0);
	g_autoptr (GArray) empty = mh_thread_index_by_subject (index, "");
	g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_subject_prefixes (void)
{
	g_autofree char *probe = mh_subject_normalise ("Re: x");
	if (g_strcmp0 (probe, "Re: x") == 0) {
		g_test_skip ("mh_subject_normalise does not remove prefixes yet");
		return;
	}
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	const char *subjects[] = { "Shipment schedule", "Re: Shipment schedule", "RE: RE: Shipment schedule",
	                           "Fw: Re: Shipment schedule", "FW: shipment  schedule", "Invoice" };
	for (guint i = 0; i < G_N_ELEMENTS (subjects); i++) {
		g_autofree char *mid = g_strdup_printf ("p%u@example.com", i);
		g_autoptr (mh_message) m = build_message ("a@example.com", "b@example.com", subjects[i], mid,
		                                          "text\r\n", "a.mbox", i);
		mh_thread_index_add (index, m, "scan");
	}
	g_autoptr (GArray) ids = mh_thread_index_by_subject (index, "Re: Shipment schedule");
	g_assert_cmpuint (ids->len, ==, 5);
	g_autoptr (GArray) plain = mh_thread_index_by_subject (index, "shipment schedule");
	g_assert_cmpuint (plain->len, ==, 5);
	g_autoptr (GArray) invoice = mh_thread_index_by_subject (index, "RE: Invoice");
	g_assert_cmpuint (invoice->len, ==, 1);
}

/* -- text search ---------------------------------------------------------- */

static void
test_whole_quote (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	add_distractors (index, 500, 1, FALSE);
	prng r = { 77 };
	g_autofree char *body = english_text (&r, 1200);
	guint32 original = add_generated (index, &r, body, "scan");
	add_distractors (index, 500, 2, FALSE);

	g_autofree char *quote = rewrap (body, 40, "> ", "\r\n");
	g_autoptr (GArray) found = find (index, quote, 0.0);
	g_assert_cmpuint (found->len, >=, 1);
	mh_link_match best = g_array_index (found, mh_link_match, 0);
	g_test_message ("whole quote: score %.2f (%u of %u units); runner-up %.2f", best.score,
	                best.matched, best.total,
	                found->len > 1 ? g_array_index (found, mh_link_match, 1).score : 0.0);
	g_assert_cmpuint (best.id, ==, original);
	g_assert_cmpfloat (best.score, >=, 0.9);
	g_assert_cmpuint (best.matched, <=, best.total);
	for (guint i = 1; i < found->len; i++)
		g_assert_cmpfloat (g_array_index (found, mh_link_match, i).score, <, 0.5);
}

static void
test_first_paragraph (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	add_distractors (index, 1000, 3, FALSE);
	prng r = { 99 };
	g_autofree char *body = english_text (&r, 10 * 1024);
	g_assert_cmpuint (strlen (body), >=, 10 * 1024);
	guint32 original = add_generated (index, &r, body, "scan");

	const char *end = strstr (body, "\n\n");
	g_assert_nonnull (end);
	g_autofree char *paragraph = g_strndup (body, end - body);
	g_autofree char *quote = rewrap (paragraph, 60, ">", "\n");
	g_autoptr (GArray) found = find (index, quote, 0.0);
	g_assert_cmpuint (found->len, >=, 1);
	mh_link_match best = g_array_index (found, mh_link_match, 0);
	g_test_message ("first paragraph (%zu bytes of %zu): score %.2f (%u of %u units)",
	                strlen (paragraph), strlen (body), best.score, best.matched, best.total);
	g_assert_cmpuint (best.id, ==, original);
	g_assert_cmpfloat (best.score, >=, 0.8);
}

static void
test_japanese (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	add_distractors (index, 1000, 4, TRUE);
	const char *body =
		"山田様\r\n"
		"\r\n"
		"いつもお世話になっております。株式会社サンプルの佐藤です。\r\n"
		"２０２６年１１月分の見積書（No.ＡＢ－１２３４）を添付にてお送りいたします。\r\n"
		"サーバーのメンテナンスは１１月２０日（金）の午前中に実施する予定です。\r\n"
		"ご不明な点がございましたら、担当者までお問い合わせください。\r\n"
		"\r\n"
		"よろしくお願いいたします。\r\n";
	prng r = { 5 };
	guint32 original = add_generated (index, &r, body, "scan");
	/* the same text as another client quotes it: other line breaks,
	 * half-width katakana, ASCII digits and letters, a full-width '＞' */
	const char *quote =
		"＞ 山田様 いつもお世話になっております。株式会社サンプルの\n"
		"＞ 佐藤です。2026年11月分の見積書(No.AB-1234)を添付\n"
		"＞ にてお送りいたします。ｻｰﾊﾞｰのﾒﾝﾃﾅﾝｽは11月20日(金)\n"
		"＞ の午前中に実施する予定です。ご不明な点がございましたら、\n"
		"＞ 担当者までお問い合わせください。よろしくお願いいたします。\n";
	g_autoptr (GArray) found = find (index, quote, 0.0);
	g_assert_cmpuint (found->len, >=, 1);
	mh_link_match best = g_array_index (found, mh_link_match, 0);
	g_test_message ("japanese: score %.2f (%u of %u units)", best.score, best.matched, best.total);
	g_assert_cmpuint (best.id, ==, original);
	g_assert_cmpfloat (best.score, >=, 0.8);
}

static void
test_generic_text (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	add_distractors (index, 1000, 6, FALSE);
	add_distractors (index, 200, 7, TRUE);
	prng r = { 12345 };
	g_autofree char *salad = english_text (&r, 1500);
	const char *texts[] = {
		salad,
		"Dear customer, we would like to inform you that the office will be closed on Friday "
		"for the annual maintenance of the building. Please send any urgent request to the "
		"service desk before Thursday afternoon. Thank you for your understanding.",
		"いつもお世話になっております。来週の打ち合わせの日程について、ご都合のよい日時を"
		"お知らせいただけますでしょうか。よろしくお願いいたします。",
	};
	for (guint t = 0; t < G_N_ELEMENTS (texts); t++) {
		g_autoptr (GArray) found = mh_thread_index_find_text (index, texts[t], strlen (texts[t]), 0.0, 5000);
		double top = found->len ? g_array_index (found, mh_link_match, 0).score : 0.0;
		g_test_message ("generic text %u: %u candidates, best %.2f", t, found->len, top);
		for (guint i = 0; i < found->len; i++)
			g_assert_cmpfloat (g_array_index (found, mh_link_match, i).score, <, 0.3);
	}
}

static void
test_signature_appended (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	add_distractors (index, 1000, 8, FALSE);
	prng r = { 31 };
	g_autofree char *body = english_text (&r, 1500);
	guint32 original = add_generated (index, &r, body, "scan");
	g_autofree char *wrapped = rewrap (body, 72, "> ", "\n");
	g_autofree char *quote = g_strconcat (wrapped,
		"> \n> --\n> Dave Demo | Sales Department | Example Trading Ltd.\n"
		"> Tel +81-3-0000-0000 | dave.demo@example.com | https://www.example.com/\n", NULL);
	g_autoptr (GArray) found = find (index, quote, 0.5);
	g_assert_cmpuint (found->len, >=, 1);
	mh_link_match best = g_array_index (found, mh_link_match, 0);
	g_test_message ("quote with a signature: score %.2f", best.score);
	g_assert_cmpuint (best.id, ==, original);
}

static void
test_empty (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	g_autoptr (GArray) on_empty_index = find (index, "Anything at all in a quote.", 0.0);
	g_assert_cmpuint (on_empty_index->len, ==, 0);
	add_distractors (index, 50, 9, FALSE);
	g_autoptr (GArray) nothing = mh_thread_index_find_text (index, "", 0, 0.0, 10);
	g_assert_cmpuint (nothing->len, ==, 0);
	g_autoptr (GArray) marks = find (index, "> \r\n>> \r\n>\t> \r\n", 0.0);
	g_assert_cmpuint (marks->len, ==, 0);
	g_autoptr (GArray) null_text = mh_thread_index_find_text (index, NULL, 5, 0.0, 10);
	g_assert_cmpuint (null_text->len, ==, 0);
	/* invalid UTF-8 and NULs are bounded, never a crash */
	const char junk[] = "\xff\xfe\x00\x80 abc \xe3\x81 >>\xc0\xaf";
	g_autoptr (GArray) bad = mh_thread_index_find_text (index, junk, sizeof junk, 0.0, 10);
	(void) bad;
	g_autoptr (GArray) bad_subject = mh_thread_index_by_subject (index, "Re: \xe3\x81");
	g_assert_cmpuint (bad_subject->len, ==, 0);
	g_autoptr (GArray) bad_id = mh_thread_index_by_message_id (index, "<\xff@example.com");
	g_assert_cmpuint (bad_id->len, ==, 0);
}

static void
test_copy_in_two_mailboxes (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	add_distractors (index, 300, 10, FALSE);
	prng r = { 41 };
	g_autofree char *body = english_text (&r, 900);
	guint32 first = add_generated (index, &r, body, "scan");
	add_distractors (index, 300, 11, FALSE);
	guint32 second = add_generated (index, &r, body, "/evidence/pc-42/Outlook.pst");
	g_autofree char *quote = rewrap (body, 50, "> ", "\r\n");
	g_autoptr (GArray) found = find (index, quote, 0.5);
	g_assert_cmpuint (found->len, ==, 2);
	guint32 a = g_array_index (found, mh_link_match, 0).id, b = g_array_index (found, mh_link_match, 1).id;
	g_assert_true ((a == first && b == second) || (a == second && b == first));
	g_autoptr (GArray) only_one = mh_thread_index_find_text (index, quote, strlen (quote), 0.5, 1);
	g_assert_cmpuint (only_one->len, ==, 1);
}

/* Queries between adds: the postings not yet merged into the sorted
 * table are searched too, before and after a merge. */
static void
test_interleaved (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	prng r = { 71 };
	GPtrArray *bodies = g_ptr_array_new_with_free_func (g_free);
	for (guint round = 0; round < 4; round++) {
		for (guint i = 0; i < 400; i++) {
			char *body = english_text (&r, 600 + prng_below (&r, 900));
			g_assert_cmpuint (add_generated (index, &r, body, "scan"), ==, bodies->len);
			g_ptr_array_add (bodies, body);
		}
		/* the first message, the first of this round, the last one */
		guint32 probes[] = { 0, round * 400, bodies->len - 1 };
		for (guint p = 0; p < G_N_ELEMENTS (probes); p++) {
			g_autofree char *quote = rewrap (g_ptr_array_index (bodies, probes[p]), 60, "> ", "\n");
			g_autoptr (GArray) found = find (index, quote, 0.5);
			g_assert_cmpuint (found->len, >=, 1);
			g_assert_cmpuint (g_array_index (found, mh_link_match, 0).id, ==, probes[p]);
		}
	}
	g_ptr_array_unref (bodies);
}

/* Random bytes as messages and as quotes: every result stays in range. */
/* The fingerprint by its definition (docs/linking.md), slowly:
 * the whole text through NFKC, then per character GLib's own answers
 * for white space, controls and lower case, each shingle hashed whole
 * (the index's mixer makes the unit).  The index gets there by faster
 * roads (a table for the BMP, NFKC only where a piece needs it,
 * shingling the pieces as they come, a rolling hash) that must not
 * change a unit. */
static GArray *
reference_fingerprint (const char *text)
{
	enum { SHINGLE = 12, MODULUS = 8 };
	const guint64 mult = G_GUINT64_CONSTANT (0x100000001b3);
	const guint64 seed = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
	g_autofree char *nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
	g_assert_nonnull (nfkc);
	GArray *kept = g_array_new (FALSE, FALSE, sizeof (gunichar));
	for (const char *p = nfkc; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		GUnicodeType type = g_unichar_type (c);
		if (c == '>' || c <= ' ' || c == 0x7F || g_unichar_isspace (c) || type == G_UNICODE_CONTROL ||
		    type == G_UNICODE_FORMAT || type == G_UNICODE_UNASSIGNED || type == G_UNICODE_SURROGATE)
			continue;
		c = g_unichar_tolower (c);
		g_array_append_val (kept, c);
	}
	GArray *units = g_array_new (FALSE, FALSE, sizeof (guint32));
	for (guint end = SHINGLE; end <= kept->len; end++) {
		guint64 h = 0;
		for (guint i = end - SHINGLE; i < end; i++)
			h = h * mult + g_array_index (kept, gunichar, i);
		guint32 unit = _mh_index_mix32 (h ^ seed);
		if (unit % MODULUS == 0)
			g_array_append_val (units, unit);
	}
	g_array_unref (kept);
	return units;
}

/* Random texts of the characters that take the different roads:
 * ASCII with quote marks, kanji and kana (no NFKC), half-width kana and
 * voicing marks, full-width Latin, the ideographic space, combining
 * accents, Latin-1 capitals, zero-width and bidi controls, a ligature,
 * characters beyond the BMP; long enough to span several NFKC pieces. */
static void
test_fingerprint_reference (void)
{
	static const char *const bits[] = {
		"Hello, World ", "> quoted line\n", "\t", "Re: ", "UPPER lower ",
		"\xe4\xbc\x9a\xe8\xad\xb0", "\xe3\x81\x8b", "\xe3\x82\xab",   /* 会議 か カ */
		"\xe3\x82\x99", "\xef\xbd\xb6", "\xef\xbe\x9e",                 /* ゙ ｶ ﾞ */
		"\xef\xbc\xa1\xef\xbd\x82", "\xe3\x80\x80", "\xe3\x80\x81", /* Ａｂ 　 、 */
		"e\xcc\x81", "\xc3\x89\xc3\x85", "\xe2\x80\x8b", "\xe2\x80\x8f",   /* é É Å ZWSP RLM */
		"\xef\xac\x81", "\xf0\x9f\x98\x80", "\xf0\x9d\x90\x80",     /* ﬁ 😀 𝐀 */
		"\xe3\x83\xbc", "\xe2\x91\xa0", "\xc2\xa0", "\xe2\x84\xab", /* ー ① NBSP Å */
	};
	prng r = { 2026 };
	for (guint round = 0; round < 1000; round++) {
		/* a few kinds of characters per text, so that a piece may hold
		 * one character needing NFKC among ones that do not */
		const char *kinds[4];
		for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
			kinds[k] = bits[prng_below (&r, G_N_ELEMENTS (bits))];
		guint n_kinds = 1 + prng_below (&r, G_N_ELEMENTS (kinds));
		GString *text = g_string_new (NULL);
		guint n = prng_below (&r, 600);
		for (guint i = 0; i < n; i++)
			g_string_append (text, kinds[prng_below (&r, n_kinds)]);
		/* now and then a byte that is not UTF-8 (a stray continuation
		 * byte, a lead cut short, an overlong form, a surrogate) or a
		 * NUL: the fingerprint is then the repaired text's, up to NUL */
		static const char *const bad[] = { "\x80", "\xc3", "\xe3\x81", "\xc0\xaf", "\xed\xa0\x80", "\xff", "" };
		if (text->len > 0 && prng_below (&r, 4) == 0) {
			const char *b = bad[prng_below (&r, G_N_ELEMENTS (bad))];
			g_string_insert_len (text, prng_below (&r, (guint32) text->len), b, *b ? (gssize) strlen (b) : 1);
		}
		g_autofree char *valid = g_utf8_make_valid (text->str, (gssize) text->len);
		g_autoptr (GArray) want = reference_fingerprint (valid);
		g_autoptr (GArray) got = _mh_index_fingerprint (text->str, text->len);
		g_assert_cmpuint (got->len, ==, want->len);
		if (want->len)
			g_assert_cmpmem (got->data, got->len * sizeof (guint32), want->data, want->len * sizeof (guint32));
		g_string_free (text, TRUE);
	}
	/* a piece longer than what the index gathers before hashing (a run
	 * of kanji with no ASCII), then a character that makes it need
	 * NFKC: the piece is shingled again from its start */
	static const char *const tails[] = { "\xef\xbd\xb6", "\xe3\x82\x99", "\xf0\x9f\x98\x80", "x", "" };
	for (guint run = 500; run < 1400; run += 300)
		for (guint t = 0; t < G_N_ELEMENTS (tails); t++) {
			GString *text = g_string_new ("Re: ");
			for (guint i = 0; i < run; i++)   /* kanji, no two shingles alike */
				g_string_append_unichar (text, 0x4E00 + prng_below (&r, 0x5000));
			g_string_append (text, tails[t]);
			for (guint i = 0; i < run / 2; i++)
				g_string_append_unichar (text, 0x4E00 + prng_below (&r, 0x5000));
			g_string_append (text, " end");
			g_autoptr (GArray) want = reference_fingerprint (text->str);
			g_autoptr (GArray) got = _mh_index_fingerprint (text->str, text->len);
			g_assert_cmpuint (got->len, ==, want->len);
			g_assert_cmpmem (got->data, got->len * sizeof (guint32), want->data, want->len * sizeof (guint32));
			g_string_free (text, TRUE);
		}
}

static void
test_random_bytes (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	prng r = { 81 };
	mh_limits limits;
	mh_limits_init_default (&limits);
	for (guint i = 0; i < 300; i++) {
		gsize len = prng_below (&r, 3000);
		g_autofree char *raw = g_malloc (len + 64);
		gsize head = (gsize) g_snprintf (raw, 64, "Subject: %c\r\nMessage-ID: <%u>\r\n\r\n",
		                                 'a' + (char) (i % 26), prng_below (&r, 50));
		for (gsize k = 0; k < len; k++)
			raw[head + k] = (char) (prng_next (&r) >> 7);
		mh_locator locator = { 0 };
		locator.file = (char *) "random.mbox";
		locator.offset = -1;
		g_autoptr (mh_message) m = mh_message_new_from_bytes (raw, head + len, &locator, &limits);
		g_assert_cmpuint (mh_thread_index_add (index, m, "scan"), ==, i);
	}
	for (guint i = 0; i < 300; i++) {
		gsize len = prng_below (&r, 2000);
		g_autofree char *text = g_malloc (len + 1);
		for (gsize k = 0; k < len; k++)
			text[k] = (char) (prng_next (&r) >> 7);
		text[len] = '\0';
		g_autoptr (GArray) found = mh_thread_index_find_text (index, text, len, 0.0, 1000);
		for (guint k = 0; k < found->len; k++) {
			const mh_link_match *match = &g_array_index (found, mh_link_match, k);
			g_assert_cmpuint (match->id, <, mh_thread_index_size (index));
			g_assert_cmpuint (match->matched, <=, match->total);
			g_assert_cmpfloat (match->score, >=, 0.0);
			g_assert_cmpfloat (match->score, <=, 1.0);
		}
		g_autoptr (GArray) by_subject = mh_thread_index_by_subject (index, text);
		g_autoptr (GArray) by_id = mh_thread_index_by_message_id (index, text);
		(void) by_subject;
		(void) by_id;
	}
	g_assert_cmpuint (mh_thread_index_memory (index), >, 0);
}

static const char disclaimer[] =
	"CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended "
	"solely for the addressee. If you have received this message in error, please notify "
	"the sender immediately and delete it from your system. Any unauthorised copying, "
	"disclosure or distribution of the material in this e-mail is strictly forbidden.";

static void
test_boilerplate (void)
{
	g_assert_cmpuint (strlen (disclaimer), >=, 300);
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	prng r = { 51 };
	guint32 some = 0;
	g_autofree char *some_body = NULL;
	for (guint i = 0; i < 2000; i++) {
		g_autofree char *text = english_text (&r, 300 + prng_below (&r, 900));
		char *body = g_strconcat (text, "\n--\n", disclaimer, "\n", NULL);
		guint32 id = add_generated (index, &r, body, "scan");
		if (i == 1234) {
			some = id;
			some_body = body;
		} else {
			g_free (body);
		}
	}
	add_distractors (index, 500, 52, FALSE);

	/* new text carrying the disclaimer matches nothing */
	prng other = { 53 };
	g_autofree char *fresh = english_text (&other, 600);
	g_autofree char *lure = g_strconcat (fresh, "\n--\n", disclaimer, "\n", NULL);
	g_autoptr (GArray) none = find (index, lure, 0.3);
	g_test_message ("new text with the disclaimer: %u matches at 0.3", none->len);
	g_assert_cmpuint (none->len, ==, 0);
	/* the disclaimer alone matches nothing either: its units are dropped,
	 * the rarer ones too (counted against the messages whose sample could
	 * hold them: docs/linking.md, "Boilerplate") */
	g_autoptr (GArray) alone = find (index, disclaimer, 0.3);
	g_test_message ("the disclaimer alone: %u matches at 0.3", alone->len);
	g_assert_cmpuint (alone->len, ==, 0);
	/* and the quote of one of them finds that one */
	g_autofree char *quote = rewrap (some_body, 66, "> ", "\n");
	g_autoptr (GArray) found = find (index, quote, 0.3);
	g_assert_cmpuint (found->len, >=, 1);
	g_assert_cmpuint (g_array_index (found, mh_link_match, 0).id, ==, some);
	g_assert_cmpfloat (g_array_index (found, mh_link_match, 0).score, >=, 0.9);
	for (guint i = 1; i < found->len; i++) {
		const mh_link_match *next = &g_array_index (found, mh_link_match, i);
		g_test_message ("next %u: %.2f (%u of %u)", next->id, next->score, next->matched, next->total);
		g_assert_cmpfloat (next->score, <, 0.3);
	}
}

static void
test_memory (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	prng r = { 61 };
	const guint count = 20000;
	guint32 probe = 0;
	g_autofree char *probe_body = NULL;
	for (guint i = 0; i < count; i++) {
		gsize target = 1300 + prng_below (&r, 400);
		char *body = i % 5 == 4 ? japanese_text (&r, target) : english_text (&r, target);
		guint32 id = add_generated (index, &r, body, "scan");
		if (i == count / 2) {
			probe = id;
			probe_body = body;
		} else {
			g_free (body);
		}
	}
	g_assert_cmpuint (mh_thread_index_size (index), ==, count);
	double per_message = (double) mh_thread_index_memory (index) / mh_thread_index_size (index);
	g_test_message ("memory: %zu bytes for %u messages of ~1.5 KB: %.0f bytes per message",
	                mh_thread_index_memory (index), count, per_message);
	g_assert_cmpfloat (per_message, <=, 512.0);

	g_autofree char *quote = rewrap (probe_body, 40, "> ", "\r\n");
	g_autoptr (GArray) found = find (index, quote, 0.5);
	g_assert_cmpuint (found->len, >=, 1);
	g_assert_cmpuint (g_array_index (found, mh_link_match, 0).id, ==, probe);
	double after = (double) mh_thread_index_memory (index) / mh_thread_index_size (index);
	g_test_message ("after a query: %.0f bytes per message", after);
	g_assert_cmpfloat (after, <=, 512.0);
}

static int
compare_id (gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
	return x < y ? -1 : x > y;
}

/* The postings against a plain table: entries whose units come from a
 * small pool (so that one unit is in many messages and every bucket of
 * the table is crossed), checked after every few hundred adds, across
 * the merges of the pending postings into the table. */
static void
test_postings (void)
{
	g_autoptr (mh_thread_index) index = mh_thread_index_new ();
	prng r = { 83 };
	enum { POOL = 3000, ENTRIES = 4000, PER_ENTRY = 36 };
	guint32 *pool = g_new (guint32, POOL);
	for (guint i = 0; i < POOL; i++)
		pool[i] = (guint32) (prng_below (&r, G_MAXUINT32 / 8) * 8);   /* units are multiples of 8 */
	pool[0] = 0;
	pool[1] = G_MAXUINT32 - 7;   /* the first and the last bucket */
	GPtrArray *holders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
	for (guint i = 0; i < POOL; i++)
		g_ptr_array_add (holders, g_array_new (FALSE, FALSE, sizeof (guint32)));
	for (guint n = 0; n < ENTRIES; n++) {
		mh_index_entry e = { .mailbox = "box", .file = "f", .index = n, .offset = -1,
		                     .date_unix = G_MININT64, .participants = g_ptr_array_new (),
		                     .units = g_array_new (FALSE, FALSE, sizeof (guint32)), .threshold = G_MAXUINT32 };
		gboolean *taken = g_new0 (gboolean, POOL);
		for (guint k = 0; k < PER_ENTRY; k++) {
			/* skewed: low pool positions are common, high ones rare */
			guint at = prng_below (&r, 1 + prng_below (&r, POOL));
			if (taken[at])
				continue;
			taken[at] = TRUE;
			g_array_append_val (e.units, pool[at]);
			g_array_append_val (g_ptr_array_index (holders, at), n);
		}
		g_free (taken);
		g_assert_cmpuint (mh_thread_index_add_entry (index, &e), ==, n);
		g_ptr_array_unref (e.participants);
		g_array_unref (e.units);
		if (n % 700 != 699 && n != ENTRIES - 1)
			continue;
		for (guint i = 0; i < POOL; i++) {
			g_autoptr (GArray) ids = _mh_index_unit_messages (index, pool[i]);
			GArray *want = g_ptr_array_index (holders, i);
			g_array_sort (ids, compare_id);
			g_assert_cmpuint (ids->len, ==, want->len);
			if (want->len)
				g_assert_cmpmem (ids->data, ids->len * sizeof (guint32), want->data, want->len * sizeof (guint32));
		}
	}
	g_ptr_array_unref (holders);
	g_free (pool);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_mime_init ();
	g_test_add_func ("/index/message-id", test_message_id);
	g_test_add_func ("/index/long-fields-capped", test_long_fields_capped);
	g_test_add_func ("/index/subject", test_subject);
	g_test_add_func ("/index/subject-prefixes", test_subject_prefixes);
	g_test_add_func ("/index/find/whole-quote", test_whole_quote);
	g_test_add_func ("/index/find/first-paragraph", test_first_paragraph);
	g_test_add_func ("/index/find/japanese", test_japanese);
	g_test_add_func ("/index/find/generic-text", test_generic_text);
	g_test_add_func ("/index/find/signature-appended", test_signature_appended);
	g_test_add_func ("/index/find/empty", test_empty);
	g_test_add_func ("/index/find/copy-in-two-mailboxes", test_copy_in_two_mailboxes);
	g_test_add_func ("/index/find/interleaved", test_interleaved);
	g_test_add_func ("/index/find/boilerplate", test_boilerplate);
	g_test_add_func ("/index/fingerprint-reference", test_fingerprint_reference);
	g_test_add_func ("/index/random-bytes", test_random_bytes);
	g_test_add_func ("/index/memory", test_memory);
	g_test_add_func ("/index/postings", test_postings);
	return g_test_run ();
}
