/* Charset and header decoding: Japanese mail is the normal case. */
#include "config.h"

#include <string.h>

#include "mailhunt/text.h"

typedef struct {
	const char *name;
	const char *charset;
	const char *input;
	const char *expected;
} charset_case;

/* ISO-2022-JP bytes written out: ESC $ B ... ESC ( B */
static const charset_case charset_cases[] = {
	{ "iso-2022-jp", "iso-2022-jp", "\x1b$B$3$s$K$A$O\x1b(B", "こんにちは" },
	/* NEC row 13 (①, ㈱): glibc's ISO-2022-JP rejects these, we must not */
	{ "iso-2022-jp-nec-row13", "ISO-2022-JP", "\x1b$B-!-\"\x1b(B \x1b$B-j\x1b(B", "①② ㈱" },
	{ "iso-2022-jp-halfwidth-kana", "iso-2022-jp", "\x1b(I1\x1b(B", "ｱ" },
	{ "shift_jis-is-cp932", "shift_jis", "\x82\xa0\x87\x40", "あ①" },
	{ "cp932-ibm-ext", "windows-31j", "\xfa\x40", "ⅰ" },
	{ "euc-jp", "euc-jp", "\xa4\xa2\xad\xa1", "あ①" },
	{ "utf-8", "utf-8", "\xe3\x81\x82", "あ" },
	{ "latin1-means-1252", "iso-8859-1", "\x93quoted\x94", "\xe2\x80\x9cquoted\xe2\x80\x9d" },
	/* wrong label: guessed, never garbage */
	{ "mislabelled-sjis", "us-ascii", "\x82\xa0", "あ" },
	{ "unlabelled-jis", NULL, "\x1b$B$\"\x1b(B", "あ" },
	{ "unknown-charset", "x-no-such-charset", "abc", "abc" },
};

static void
test_charset (gconstpointer data)
{
	const charset_case *c = data;
	g_autofree char *out = mh_text_to_utf8 (c->charset, c->input, -1, NULL);
	g_assert_true (g_utf8_validate (out, -1, NULL));
	g_assert_cmpstr (out, ==, c->expected);
}

static void
test_invalid_bytes_become_replacement (void)
{
	gboolean exact = TRUE;
	g_autofree char *out = mh_text_to_utf8 ("utf-8", "a\xff\xfe\xfd" "b", -1, &exact);
	g_assert_true (g_utf8_validate (out, -1, NULL));
	g_assert_false (exact);
}

typedef struct {
	const char *name;
	const char *raw;
	const char *expected;
} header_case;

static const header_case header_cases[] = {
	{ "plain", " Hello world", "Hello world" },
	/* adjacent words join; the space between them goes */
	{ "adjacent", "=?UTF-8?B?44GC?= =?UTF-8?B?44GE?=", "あい" },
	/* one UTF-8 character split across two B-words */
	{ "split-char", "=?UTF-8?B?4w==?= =?UTF-8?B?gYI=?=", "あ" },
	{ "folded-iso-2022-jp", "Re: TEST=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=",
	  "Re: TESTテストテスト" },
	{ "q-word", "=?iso-8859-1?Q?Caf=E9_au_lait?=", "Café au lait" },
	{ "nec-row13-in-word", "=?ISO-2022-JP?B?GyRCLSEbKEI=?=", "①" },
	{ "raw-8bit-sjis", "\x82\xa0\x82\xa2", "あい" },
	{ "raw-8bit-utf8", "\xe3\x81\x82", "あ" },
	{ "text-between-kept", "=?UTF-8?B?44GC?= and =?UTF-8?B?44GE?=", "あ and い" },
	{ "broken-word-left-alone", "=?UTF-8?B?not closed", "=?UTF-8?B?not closed" },
	{ "control-chars", "a\x01" "b", "a b" },
};

static void
test_header (gconstpointer data)
{
	const header_case *c = data;
	g_autofree char *out = mh_text_decode_header (c->raw);
	g_assert_cmpstr (out, ==, c->expected);
}

/* An ASCII value (the most common kind) unfolded by definition: line
 * ends gone, other control characters made spaces, white space at the
 * ends stripped.  The same value with a non-ASCII character after it
 * takes the decoder's general road, and must keep the ASCII part the
 * same way. */
static char *
unfold_by_definition (const char *raw, gboolean strip_end)
{
	GString *s = g_string_new (NULL);
	for (const char *p = raw; *p; p++)
		if (*p != '\r' && *p != '\n')
			g_string_append_c (s, (guchar) *p < 0x20 ? ' ' : *p);
	gsize start = 0;
	while (start < s->len && s->str[start] == ' ')
		start++;
	while (strip_end && s->len > start && s->str[s->len - 1] == ' ')
		g_string_truncate (s, s->len - 1);
	char *out = g_strdup (s->str + start);
	g_string_free (s, TRUE);
	return out;
}

static void
test_header_ascii_unfolded (void)
{
	static const char *const bits[] = {
		"Subject", ": ", "word", " ", "\t", "\r\n ", "\n\t", "\x01", "\x7f", "=", "?", "=?x", "<a@b.example>", ",",
	};
	GRand *rand = g_rand_new_with_seed (2711);
	for (guint round = 0; round < 3000; round++) {
		g_autoptr (GString) raw = g_string_new (NULL);
		guint n = (guint) g_rand_int_range (rand, 0, 12);
		for (guint i = 0; i < n; i++)
			g_string_append (raw, bits[g_rand_int_range (rand, 0, G_N_ELEMENTS (bits))]);
		if (strstr (raw->str, "=?"))
			continue;   /* an encoded-word may start there */
		g_autofree char *want = unfold_by_definition (raw->str, TRUE);
		g_autofree char *got = mh_text_decode_header (raw->str);
		g_assert_cmpstr (got, ==, want);
		g_autofree char *with_kana = g_strconcat (raw->str, "\xe3\x81\x82", NULL);   /* あ */
		g_autofree char *head = unfold_by_definition (raw->str, FALSE);
		g_autofree char *want_kana = g_strconcat (head, "\xe3\x81\x82", NULL);
		g_autofree char *got_kana = mh_text_decode_header (with_kana);
		g_assert_cmpstr (got_kana, ==, want_kana);
	}
	g_rand_free (rand);
}

static void
test_normalize_keeps_structure (void)
{
	g_autofree char *out = mh_text_normalize_header ("=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.co.jp>, b@example.com");
	/* 山田 re-encoded as a UTF-8 word, addresses untouched */
	g_assert_cmpstr (out, ==, "=?UTF-8?B?5bGx55Sw?= <yamada@example.co.jp>, b@example.com");
}

static void
test_html (void)
{
	static const char html[] =
		"<html><head><title>T</title><style>p{color:red}</style><script>var x='<p>';</script></head>"
		"<body><p>Hello&nbsp;&amp; <b>world</b></p><div>&#x3042;&#12356; &lt;tag&gt;</div>"
		"<!-- a <p> comment -->end<br>line</body></html>";
	gboolean capped;
	g_autofree char *out = mh_text_from_html (html, strlen (html), 1000, &capped);
	g_assert_false (capped);
	g_assert_cmpstr (out, ==, "T\nHello & world\nあい <tag>\nend\nline");

	g_autofree char *cut = mh_text_from_html (html, strlen (html), 5, &capped);
	g_assert_true (capped);
	g_assert_cmpuint (strlen (cut), <=, 8);
}

/* mh_text_nfkc must give what g_utf8_normalize gives on the whole text,
 * wherever its pieces are cut: random mixes of ASCII and of characters
 * NFKC changes, composes or leaves alone, at every length. */
/* mh_utf8_validate says what g_utf8_validate_len says, on texts made of
 * runs of ASCII (the eight-byte path), characters of every length, and
 * each way of being invalid: NUL, stray continuation bytes, overlong
 * forms, surrogates, code points past U+10FFFF, cut sequences. */
static void
test_utf8_validate_equals_glib (void)
{
	static const char *const bits[] = {
		"plain ascii words ", "abcdefgh", "x", "\n", "",
		"\xc3\xa9", "\xe3\x81\x82", "\xe4\xbc\x9a", "\xef\xbf\xbd", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
		"\xed\x9f\xbf", "\xee\x80\x80", "\xe0\xa0\x80", "\xf0\x90\x80\x80",   /* edges that are valid */
		"\xe4\xbc\x9a\xe8\xad\xb0\xe5\xae\xa4\xe3\x81\xae\xe4\xba\x88\xe7\xb4\x84",   /* 会議室の予約: a run */
		"\x80", "\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xe0\x9f\xbf",  /* invalid */
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xfe",
		"\xe3\x81", "\xc3", "\xf0\x9f\x98", "\xe3\x41\x82",
	};
	GRand *rand = g_rand_new_with_seed (26112026);
	guint valid = 0, invalid = 0;
	for (guint round = 0; round < 4000; round++) {
		g_autoptr (GString) text = g_string_new (NULL);
		guint n = (guint) g_rand_int_range (rand, 0, 40);
		/* most texts valid, so that an invalid piece is met after long runs */
		gboolean clean = g_rand_boolean (rand);
		for (guint i = 0; i < n; i++) {
			guint k = (guint) g_rand_int_range (rand, 0, clean ? 16 : G_N_ELEMENTS (bits));
			g_string_append (text, bits[k]);
			if (g_rand_int_range (rand, 0, 50) == 0)
				g_string_append_c (text, '\0');
		}
		for (guint cut = 0; cut < 3; cut++) {
			gsize len = cut == 0 ? text->len : (gsize) g_rand_int_range (rand, 0, (gint32) text->len + 1);
			gboolean want = g_utf8_validate_len (text->str, len, NULL);
			g_assert_cmpint (mh_utf8_validate (text->str, len), ==, want);
			if (want)
				valid++;
			else
				invalid++;
		}
	}
	g_rand_free (rand);
	/* both answers were met often */
	g_assert_cmpuint (valid, >, 2000);
	g_assert_cmpuint (invalid, >, 2000);
}

/* mh_printable_span and mh_ascii_span against a byte-by-byte count: long
 * runs (so that the eight-byte steps are taken) with a byte of every kind
 * now and then, the bytes around each bound among them. */
static void
test_spans_equal_bytewise (void)
{
	static const guchar odd[] = { 0x00, 0x01, 0x09, 0x13, 0x15, 0x1f, 0x20, 0x21, 0x7f, 0x80,
	                              0x9f, 0xa0, 0xc3, 0xe3, 0xff };
	GRand *rand = g_rand_new_with_seed (27112026);
	guint stopped_early = 0;
	for (guint round = 0; round < 4000; round++) {
		char buf[96];
		gsize n = (gsize) g_rand_int_range (rand, 0, sizeof buf + 1);
		for (gsize i = 0; i < n; i++)
			buf[i] = g_rand_int_range (rand, 0, 24) == 0
			         ? (char) odd[g_rand_int_range (rand, 0, G_N_ELEMENTS (odd))]
			         : (char) g_rand_int_range (rand, 0x20, 0x7f);
		gsize from = n ? (gsize) g_rand_int_range (rand, 0, (gint32) n + 1) : 0;
		gsize printable = from, ascii = from;
		while (printable < n && (guchar) buf[printable] >= 0x20)
			printable++;
		while (ascii < n && (guchar) buf[ascii] < 0x80)
			ascii++;
		g_assert_cmpuint (mh_printable_span (buf, from, n), ==, printable - from);
		g_assert_cmpuint (mh_ascii_span (buf, from, n), ==, ascii - from);
		stopped_early += printable < n;
	}
	g_rand_free (rand);
	/* runs ended at a control byte often, and at the end often */
	g_assert_cmpuint (stopped_early, >, 800);
	g_assert_cmpuint (stopped_early, <, 3200);
}

static void
test_nfkc_equals_glib (void)
{
	static const gunichar alphabet[] = {
		'a', 'e', 'Z', ' ', '\n', '>', '1',
		0x3042, 0x304B, 0x30AB, 0x30FC, 0x4E00, 0x3002, 0x300C,   /* left alone */
		0x3099, 0x309A, 0x0301, 0x0308, 0x0327,                   /* combining */
		0xFF76, 0xFF9E, 0xFF9F, 0xFF21, 0xFF11, 0x3000,           /* half/full width */
		0x2460, 0x3231, 0xFB01, 0x00C5, 0x212B, 0x1E9B, 0xFDFA,   /* compatibility */
		0x1100, 0x1161, 0x11A8, 0xAC00,                           /* Hangul jamo */
	};
	GRand *rand = g_rand_new_with_seed (20261126);
	guint compared = 0;
	for (guint round = 0; round < 400; round++) {
		g_autoptr (GString) text = g_string_new (NULL);
		guint n = (guint) g_rand_int_range (rand, 0, round < 200 ? 40 : 2000);
		for (guint i = 0; i < n; i++)
			g_string_append_unichar (text, alphabet[g_rand_int_range (rand, 0, G_N_ELEMENTS (alphabet))]);
		g_autofree char *want = g_utf8_normalize (text->str, -1, G_NORMALIZE_NFKC);
		g_autofree char *got = mh_text_nfkc (text->str, -1);
		g_assert_cmpstr (got, ==, want);
		/* and with a length, on a prefix */
		gsize half = (gsize) (g_utf8_offset_to_pointer (text->str, n / 2) - text->str);
		g_autofree char *want_half = g_utf8_normalize (text->str, (gssize) half, G_NORMALIZE_NFKC);
		g_autofree char *got_half = mh_text_nfkc (text->str, (gssize) half);
		g_assert_cmpstr (got_half, ==, want_half);
		compared += 2;
	}
	g_rand_free (rand);
	g_assert_cmpuint (compared, ==, 800);
}

/* ISO-2022-JP is decoded through a table, not through iconv: every JIS
 * X 0208 cell and half-width katakana, one by one and in random runs with
 * escapes, ASCII and line breaks, must come out as EUC-JP-MS says (the
 * same cells as EUC-JP bytes through g_convert), and a cell EUC-JP-MS
 * rejects must not come out as a character. */
static void
test_iso2022jp_equals_eucjp_ms (void)
{
	guint valid = 0;
	for (guint row = 0x21; row <= 0x7e; row++)
		for (guint col = 0x21; col <= 0x7e; col++) {
			/* each cell twice and then ASCII: each character's bytes
			 * must end where the next one's begin */
			char jis[] = { 0x1b, '$', 'B', (char) row, (char) col, (char) row, (char) col, 0x1b, '(', 'B', 'x', 0 };
			char euc[] = { (char) (row | 0x80), (char) (col | 0x80), (char) (row | 0x80), (char) (col | 0x80), 'x', 0 };
			g_autofree char *want = g_convert (euc, 5, "UTF-8", "EUC-JP-MS", NULL, NULL, NULL);
			gboolean exact;
			g_autofree char *got = mh_text_to_utf8 ("iso-2022-jp", jis, -1, &exact);
			if (want) {
				g_assert_cmpstr (got, ==, want);
				g_assert_true (exact);
				valid++;
			} else {
				g_assert_false (exact);
			}
		}
	g_assert_cmpuint (valid, >, 7000);

	GRand *rand = g_rand_new_with_seed (20261127);
	for (guint round = 0; round < 300; round++) {
		g_autoptr (GString) jis = g_string_new (NULL);
		g_autoptr (GString) euc = g_string_new (NULL);
		guint n = (guint) g_rand_int_range (rand, 1, 200);
		for (guint i = 0; i < n; i++) {
			switch (g_rand_int_range (rand, 0, 5)) {
			case 0:   /* ASCII */
				g_string_append (jis, "\x1b(Bab c");
				g_string_append (euc, "ab c");
				break;
			case 1:   /* a line break, which resets to ASCII */
				g_string_append (jis, "\r\n");
				g_string_append (euc, "\r\n");
				break;
			case 2: {   /* half-width katakana */
				guint8 k = (guint8) g_rand_int_range (rand, 0x21, 0x60);
				g_string_append (jis, "\x1b(I");
				g_string_append_c (jis, (char) k);
				g_string_append_c (euc, (char) 0x8e);
				g_string_append_c (euc, (char) (k | 0x80));
				break;
			}
			default: {   /* kanji or kana; a space inside stays a space */
				g_string_append (jis, g_rand_boolean (rand) ? "\x1b$B" : "\x1b$@");
				guint m = (guint) g_rand_int_range (rand, 1, 6);
				for (guint j = 0; j < m; j++) {
					guint8 a = (guint8) g_rand_int_range (rand, 0x30, 0x4f);   /* rows 16-46: all assigned */
					guint8 b = (guint8) g_rand_int_range (rand, 0x21, 0x7f);
					g_string_append_c (jis, (char) a);
					g_string_append_c (jis, (char) b);
					g_string_append_c (euc, (char) (a | 0x80));
					g_string_append_c (euc, (char) (b | 0x80));
				}
				g_string_append_c (jis, ' ');
				g_string_append_c (euc, ' ');
				break;
			}
			}
		}
		g_autofree char *want = g_convert (euc->str, (gssize) euc->len, "UTF-8", "EUC-JP-MS", NULL, NULL, NULL);
		g_assert_nonnull (want);
		g_autofree char *got = mh_text_to_utf8 ("iso-2022-jp", jis->str, (gssize) jis->len, NULL);
		g_assert_cmpstr (got, ==, want);
	}
	g_rand_free (rand);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_set_nonfatal_assertions ();
	for (gsize i = 0; i < G_N_ELEMENTS (charset_cases); i++) {
		g_autofree char *path = g_strdup_printf ("/text/charset/%s", charset_cases[i].name);
		g_test_add_data_func (path, &charset_cases[i], test_charset);
	}
	g_test_add_func ("/text/charset/invalid-bytes", test_invalid_bytes_become_replacement);
	g_test_add_func ("/text/charset/iso-2022-jp-table", test_iso2022jp_equals_eucjp_ms);
	for (gsize i = 0; i < G_N_ELEMENTS (header_cases); i++) {
		g_autofree char *path = g_strdup_printf ("/text/header/%s", header_cases[i].name);
		g_test_add_data_func (path, &header_cases[i], test_header);
	}
	g_test_add_func ("/text/header/normalize", test_normalize_keeps_structure);
	g_test_add_func ("/text/header/ascii-unfolded", test_header_ascii_unfolded);
	g_test_add_func ("/text/html", test_html);
	g_test_add_func ("/text/nfkc", test_nfkc_equals_glib);
	g_test_add_func ("/text/utf8-validate", test_utf8_validate_equals_glib);
	g_test_add_func ("/text/spans", test_spans_equal_bytewise);
	return g_test_run ();
}
