/* Quote extraction (src/link/quote.c): every introduction style in
 * English and Japanese, nesting, HTML replies through mh_text_from_html,
 * the caps, subject normalisation, and real mails of the corpora. */
#include "config.h"

#include <string.h>

#include "mailhunt/link.h"
#include "mailhunt/message.h"
#include "mailhunt/text.h"

/* What one level must be; NULL fields must be absent. */
typedef struct {
	guint       level;
	const char *style;
	const char *from, *date, *to, *cc, *subject;
	const char *text;
	const char *starts_at;   /* the body text the level's offset points to, NULL: not checked */
} expected_level;

static GPtrArray *
extract (const char *body, GPtrArray *problems)
{
	return mh_quotes_extract (body, strlen (body), problems);
}

static void
assert_levels (const char *body, const expected_level *want, guint n)
{
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) quotes = extract (body, problems);
	g_assert_cmpuint (quotes->len, ==, n);
	g_assert_cmpuint (problems->len, ==, 0);
	for (guint i = 0; i < MIN (n, quotes->len); i++) {
		const mh_quote *q = g_ptr_array_index (quotes, i);
		g_test_message ("level %u", i);
		g_assert_cmpuint (q->level, ==, want[i].level);
		g_assert_cmpstr (q->style, ==, want[i].style);
		g_assert_cmpstr (q->from, ==, want[i].from);
		g_assert_cmpstr (q->date, ==, want[i].date);
		g_assert_cmpstr (q->to, ==, want[i].to);
		g_assert_cmpstr (q->cc, ==, want[i].cc);
		g_assert_cmpstr (q->subject, ==, want[i].subject);
		g_assert_cmpstr (q->text, ==, want[i].text);
		if (want[i].starts_at) {
			const char *at = strstr (body, want[i].starts_at);
			g_assert_nonnull (at);
			g_assert_cmpuint (q->offset, ==, (gsize) (at - body));
		}
	}
}

/* ---- Outlook ---------------------------------------------------------------- */

static const char outlook_en[] =
	"Hi Taro,\n"
	"\n"
	"Thanks, I will check the figures tomorrow.\n"
	"\n"
	"Best regards,\n"
	"Alice\n"
	"\n"
	"-----Original Message-----\n"
	"From: Taro Yamada <taro.yamada@example.jp>\n"
	"Sent: Monday, March 2, 2026 10:15 AM\n"
	"To: Alice Smith <alice@example.com>\n"
	"Cc: Bob Jones <bob@example.com>\n"
	"Subject: Quarterly report\n"
	"\n"
	"Hello Alice,\n"
	"\n"
	"Please find the quarterly report attached.\n"
	"\n"
	"Regards,\n"
	"Taro\n";

static const expected_level outlook_en_levels[] = {
	{ 1, "outlook", "Taro Yamada <taro.yamada@example.jp>", "Monday, March 2, 2026 10:15 AM",
	  "Alice Smith <alice@example.com>", "Bob Jones <bob@example.com>", "Quarterly report",
	  "Hello Alice,\n\nPlease find the quarterly report attached.\n\nRegards,\nTaro",
	  "-----Original Message-----" },
};

static void
test_outlook (void)
{
	assert_levels (outlook_en, outlook_en_levels, G_N_ELEMENTS (outlook_en_levels));
}

/* The same mail written by Windows: \r\n line ends change nothing but offsets. */
static void
test_outlook_crlf (void)
{
	g_autoptr (GString) crlf = g_string_new (NULL);
	for (const char *p = outlook_en; *p; p++) {
		if (*p == '\n')
			g_string_append_c (crlf, '\r');
		g_string_append_c (crlf, *p);
	}
	assert_levels (crlf->str, outlook_en_levels, G_N_ELEMENTS (outlook_en_levels));
}

/* An Outlook reply quoting an Outlook reply quoting an Outlook mail: the
 * deepest block has no separator line (Outlook 2016+), one has Date:
 * for Sent:, and a long To: wrapped onto the next line. */
static void
test_outlook_three_levels (void)
{
	static const char body[] =
		"Done, thanks.\n"
		"\n"
		"-----Original Message-----\n"
		"From: Bob Jones <bob@example.com>\n"
		"Sent: Tuesday, March 3, 2026 9:00 AM\n"
		"To: Alice Smith <alice@example.com>; Carol White <carol@example.com>; Dave Brown\n"
		"<dave@example.com>\n"
		"Subject: RE: Budget\n"
		"\n"
		"Can you confirm?\n"
		"\n"
		"-----Original Message-----\n"
		"From: Carol White <carol@example.com>\n"
		"Date: Monday, March 2, 2026 5:30 PM\n"
		"To: Bob Jones <bob@example.com>\n"
		"Subject: Budget\n"
		"\n"
		"Numbers attached.\n"
		"\n"
		"From: Dave Brown <dave@example.com>\n"
		"Sent: Monday, March 2, 2026 4:00 PM\n"
		"To: Carol White <carol@example.com>\n"
		"Subject: Budget\n"
		"\n"
		"Please send the numbers.\n";
	static const expected_level want[] = {
		{ 1, "outlook", "Bob Jones <bob@example.com>", "Tuesday, March 3, 2026 9:00 AM",
		  "Alice Smith <alice@example.com>; Carol White <carol@example.com>; Dave Brown <dave@example.com>",
		  NULL, "RE: Budget", "Can you confirm?", "-----Original Message-----\nFrom: Bob" },
		{ 2, "outlook", "Carol White <carol@example.com>", "Monday, March 2, 2026 5:30 PM",
		  "Bob Jones <bob@example.com>", NULL, "Budget", "Numbers attached.",
		  "-----Original Message-----\nFrom: Carol" },
		{ 3, "outlook", "Dave Brown <dave@example.com>", "Monday, March 2, 2026 4:00 PM",
		  "Carol White <carol@example.com>", NULL, "Budget", "Please send the numbers.",
		  "From: Dave" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

static void
test_outlook_separator (void)
{
	static const char body[] =
		"Confirmed.\n"
		"\n"
		"________________________________\n"
		"From: Taro Yamada <taro.yamada@example.jp>\n"
		"Sent: Wednesday, March 4, 2026 11:02\n"
		"To: Alice Smith <alice@example.com>\n"
		"Subject: Meeting on Friday\n"
		"\n"
		"Can we meet on Friday at 3pm?\n"
		"\n"
		"Taro\n";
	static const expected_level want[] = {
		{ 1, "outlook-separator", "Taro Yamada <taro.yamada@example.jp>", "Wednesday, March 4, 2026 11:02",
		  "Alice Smith <alice@example.com>", NULL, "Meeting on Friday",
		  "Can we meet on Friday at 3pm?\n\nTaro", "________" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

/* A long Subject: wrapped by the mailer, and labels in another order
 * (Outlook Express). */
static void
test_outlook_wrapped_subject (void)
{
	static const char body[] =
		"OK\n"
		"\n"
		"----- Original Message -----\n"
		"From: Taro Yamada <taro.yamada@example.jp>\n"
		"To: Alice Smith <alice@example.com>\n"
		"Sent: Monday, March 2, 2026 10:15 AM\n"
		"Subject: Re: Request for the updated quotation of the network equipment for\n"
		"the Osaka office\n"
		"\n"
		"Here it is.\n";
	static const expected_level want[] = {
		{ 1, "outlook", "Taro Yamada <taro.yamada@example.jp>", "Monday, March 2, 2026 10:15 AM",
		  "Alice Smith <alice@example.com>", NULL,
		  "Re: Request for the updated quotation of the network equipment for the Osaka office",
		  "Here it is.", "----- Original" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

static void
test_outlook_ja (void)
{
	static const char body[] =
		"山田様\n"
		"\n"
		"お世話になっております。\n"
		"承知しました。\n"
		"\n"
		"-----Original Message-----\n"
		"差出人: 山田 太郎 <taro.yamada@example.jp>\n"
		"送信日時: 2026年3月2日 10:15\n"
		"宛先: 佐藤 花子 <hanako.sato@example.jp>\n"
		"CC: 鈴木 一郎 <ichiro.suzuki@example.jp>\n"
		"件名: 見積書の件\n"
		"\n"
		"佐藤様\n"
		"\n"
		"見積書を添付いたします。\n"
		"ご確認ください。\n";
	static const expected_level want[] = {
		{ 1, "outlook-ja", "山田 太郎 <taro.yamada@example.jp>", "2026年3月2日 10:15",
		  "佐藤 花子 <hanako.sato@example.jp>", "鈴木 一郎 <ichiro.suzuki@example.jp>", "見積書の件",
		  "佐藤様\n\n見積書を添付いたします。\nご確認ください。", "-----Original" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

/* Outlook 365 in Japanese: the underscore line, full-width colons, and a
 * "From:" among Japanese labels. */
static void
test_outlook_ja_separator (void)
{
	static const char body[] =
		"承知しました。\r\n"
		"\r\n"
		"________________________________\r\n"
		"From: Bob Jones <bob@example.com>\r\n"
		"送信日時：2026年3月2日 10:15\r\n"
		"宛先：佐藤 花子 <hanako.sato@example.jp>\r\n"
		"件名：Re: 打ち合わせ\r\n"
		"\r\n"
		"佐藤さん\r\n"
		"来週の打ち合わせは火曜日でいかがですか。\r\n";
	static const expected_level want[] = {
		{ 1, "outlook-ja", "Bob Jones <bob@example.com>", "2026年3月2日 10:15",
		  "佐藤 花子 <hanako.sato@example.jp>", NULL, "Re: 打ち合わせ",
		  "佐藤さん\n来週の打ち合わせは火曜日でいかがですか。", "____" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

/* ---- Thunderbird and Gmail ----------------------------------------------------- */

static void
test_thunderbird (void)
{
	static const char body[] =
		"Sounds good to me.\n"
		"\n"
		"On 3/2/2026 10:15 AM, Taro Yamada wrote:\n"
		"> Hello Alice,\n"
		">\n"
		"> Shall we meet on Friday?\n"
		">\n"
		"> Taro\n"
		"\n"
		"-- \n"
		"Alice Smith\n"
		"Example Corp.\n";
	static const expected_level want[] = {
		{ 1, "thunderbird", "Taro Yamada", "3/2/2026 10:15 AM", NULL, NULL, NULL,
		  "Hello Alice,\n\nShall we meet on Friday?\n\nTaro", "On 3/2/2026" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

static void
test_thunderbird_address_forms (void)
{
	static const char rfc_date[] =
		"OK.\n"
		"\n"
		"On Mon, 2 Mar 2026 10:15:00 +0900, Taro Yamada <taro.yamada@example.jp> wrote:\n"
		"> See you at 10.\n";
	static const expected_level want_rfc[] = {
		{ 1, "thunderbird", "Taro Yamada <taro.yamada@example.jp>", "Mon, 2 Mar 2026 10:15:00 +0900",
		  NULL, NULL, NULL, "See you at 10.", "On Mon" },
	};
	assert_levels (rfc_date, want_rfc, G_N_ELEMENTS (want_rfc));

	static const char name_only[] =
		"Taro Yamada <taro.yamada@example.jp> wrote:\n"
		">See you at 10.\n"
		"\n"
		"Fine.\n";
	static const expected_level want_name[] = {
		{ 1, "thunderbird", "Taro Yamada <taro.yamada@example.jp>", NULL, NULL, NULL, NULL,
		  "See you at 10.", "Taro" },
	};
	assert_levels (name_only, want_name, G_N_ELEMENTS (want_name));
}

/* Gmail's English attribution, wrapped by the mailer, a blank line before
 * the quote. */
static void
test_wrote_wrapped (void)
{
	static const char body[] =
		"Thanks!\n"
		"\n"
		"On Mon, Mar 2, 2026 at 10:15 AM Taro Yamada <taro.yamada@example.jp>\n"
		"wrote:\n"
		"\n"
		"> Please review the draft.\n";
	static const expected_level want[] = {
		{ 1, "thunderbird", "Taro Yamada <taro.yamada@example.jp>", "Mon, Mar 2, 2026 at 10:15 AM",
		  NULL, NULL, NULL, "Please review the draft.", "On Mon" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));

	/* "<name> wrote:" wrapped before "wrote:" or before the address */
	static const char name_wrapped[] =
		"Thanks.\n"
		"Taro Yamada <taro.yamada@example.jp>\n"
		"wrote:\n"
		"> Please review the draft.\n";
	static const char addr_wrapped[] =
		"Thanks.\n"
		"Taro Yamada\n"
		"<taro.yamada@example.jp> wrote:\n"
		"> Please review the draft.\n";
	static const expected_level want_name[] = {
		{ 1, "thunderbird", "Taro Yamada <taro.yamada@example.jp>", NULL,
		  NULL, NULL, NULL, "Please review the draft.", "Taro" },
	};
	assert_levels (name_wrapped, want_name, G_N_ELEMENTS (want_name));
	assert_levels (addr_wrapped, want_name, G_N_ELEMENTS (want_name));
}

static void
test_thunderbird_ja (void)
{
	static const char body[] =
		"了解です。\n"
		"\n"
		"山田 太郎 さんは書きました:\n"
		"> 明日の会議は10時からです。\n"
		"> よろしくお願いします。\n";
	static const expected_level want[] = {
		{ 1, "thunderbird-ja", "山田 太郎", NULL, NULL, NULL, NULL,
		  "明日の会議は10時からです。\nよろしくお願いします。", "山田 太郎 さん" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

static void
test_gmail_ja (void)
{
	static const char body[] =
		"確認しました。\n"
		"\n"
		"2026年3月2日(月) 10:15 に 山田 太郎 <taro.yamada@example.jp> さんは書きました:\n"
		"> 資料を送ります。\n"
		"> よろしくお願いします。\n";
	static const expected_level want[] = {
		{ 1, "gmail-ja", "山田 太郎 <taro.yamada@example.jp>", "2026年3月2日(月) 10:15",
		  NULL, NULL, NULL, "資料を送ります。\nよろしくお願いします。", "2026年" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));

	/* the newer form, without に and さんは書きました */
	static const char newer[] =
		"確認しました。\n"
		"\n"
		"2026年3月2日(月) 10:15 山田 太郎 <taro.yamada@example.jp>:\n"
		"\n"
		"> 資料を送ります。\n";
	static const expected_level want_newer[] = {
		{ 1, "gmail-ja", "山田 太郎 <taro.yamada@example.jp>", "2026年3月2日(月) 10:15",
		  NULL, NULL, NULL, "資料を送ります。", "2026年" },
	};
	assert_levels (newer, want_newer, G_N_ELEMENTS (want_newer));
}

static void
test_original_message (void)
{
	static const char body[] =
		"See below.\n"
		"\n"
		"-------- Original Message --------\n"
		"Subject: \tInvoice 2026-03\n"
		"Date: \tMon, 2 Mar 2026 10:15:00 +0900\n"
		"From: \tTaro Yamada <taro.yamada@example.jp>\n"
		"To: \tAlice Smith <alice@example.com>\n"
		"\n"
		"> Please find the invoice attached.\n";
	static const expected_level want[] = {
		{ 1, "original-message", "Taro Yamada <taro.yamada@example.jp>", "Mon, 2 Mar 2026 10:15:00 +0900",
		  "Alice Smith <alice@example.com>", NULL, "Invoice 2026-03",
		  "Please find the invoice attached.", "-------- Original" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

static void
test_forwarded (void)
{
	static const char body[] =
		"FYI\n"
		"\n"
		"-------- Forwarded Message --------\n"
		"Subject: \tServer maintenance\n"
		"Date: \tMon, 2 Mar 2026 10:15:00 +0900\n"
		"From: \tIT Desk <it-desk@example.com>\n"
		"To: \tAll Staff <staff@example.com>\n"
		"\n"
		"The servers will be down on Saturday.\n";
	static const expected_level want[] = {
		{ 1, "forwarded", "IT Desk <it-desk@example.com>", "Mon, 2 Mar 2026 10:15:00 +0900",
		  "All Staff <staff@example.com>", NULL, "Server maintenance",
		  "The servers will be down on Saturday.", "-------- Forwarded" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));

	/* Gmail's forward */
	static const char gmail[] =
		"---------- Forwarded message ---------\n"
		"From: Taro Yamada <taro.yamada@example.jp>\n"
		"Date: Mon, Mar 2, 2026 at 10:15 AM\n"
		"Subject: Schedule\n"
		"To: <alice@example.com>\n"
		"\n"
		"The schedule is attached.\n";
	static const expected_level want_gmail[] = {
		{ 1, "forwarded", "Taro Yamada <taro.yamada@example.jp>", "Mon, Mar 2, 2026 at 10:15 AM",
		  "<alice@example.com>", NULL, "Schedule", "The schedule is attached.", "----------" },
	};
	assert_levels (gmail, want_gmail, G_N_ELEMENTS (want_gmail));
}

/* ---- '>' quoting ----------------------------------------------------------- */

static void
test_gt_prefix_nested (void)
{
	static const char body[] =
		"I agree.\n"
		"\n"
		"> Yes, it is attached.\n"
		">\n"
		">> Is the report ready?\n"
		"> > > Please send the report.\n";
	static const expected_level want[] = {
		{ 1, "gt-prefix", NULL, NULL, NULL, NULL, NULL, "Yes, it is attached.", "> Yes" },
		{ 2, "gt-prefix", NULL, NULL, NULL, NULL, NULL, "Is the report ready?", ">> Is" },
		{ 3, "gt-prefix", NULL, NULL, NULL, NULL, NULL, "Please send the report.", "> > > Please" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

/* A reply interleaved with the quote keeps one level for the quoted mail. */
static void
test_gt_prefix_interleaved (void)
{
	static const char body[] =
		"> Can you come on Monday?\n"
		"Yes.\n"
		"> And bring the contract?\n"
		"Of course.\n";
	static const expected_level want[] = {
		{ 1, "gt-prefix", NULL, NULL, NULL, NULL, NULL,
		  "Can you come on Monday?\nAnd bring the contract?", "> Can" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

static void
test_thunderbird_inside_outlook (void)
{
	static const char body[] =
		"Noted.\n"
		"\n"
		"-----Original Message-----\n"
		"From: Bob Jones <bob@example.com>\n"
		"Sent: Tuesday, March 3, 2026 9:00 AM\n"
		"To: Alice Smith <alice@example.com>\n"
		"Subject: Re: Delivery date\n"
		"\n"
		"Friday works.\n"
		"\n"
		"On 3/2/2026 10:15 AM, Taro Yamada wrote:\n"
		"> Can you deliver on Friday?\n";
	static const expected_level want[] = {
		{ 1, "outlook", "Bob Jones <bob@example.com>", "Tuesday, March 3, 2026 9:00 AM",
		  "Alice Smith <alice@example.com>", NULL, "Re: Delivery date", "Friday works.", "-----" },
		{ 2, "thunderbird", "Taro Yamada", "3/2/2026 10:15 AM", NULL, NULL, NULL,
		  "Can you deliver on Friday?", "On 3/2" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

/* An Outlook block inside a '>' quote, and '>' inside that. */
static void
test_outlook_inside_quote (void)
{
	static const char body[] =
		"Agreed.\n"
		"\n"
		"On 3/3/2026 9:00 AM, Bob Jones wrote:\n"
		"> Friday works.\n"
		">\n"
		"> -----Original Message-----\n"
		"> From: Carol White <carol@example.com>\n"
		"> Sent: Monday, March 2, 2026 5:30 PM\n"
		"> To: Bob Jones <bob@example.com>\n"
		"> Subject: Delivery\n"
		">\n"
		"> Can you deliver on Friday?\n"
		">\n"
		">> Earlier: the order is 20 boxes.\n";
	static const expected_level want[] = {
		{ 1, "thunderbird", "Bob Jones", "3/3/2026 9:00 AM", NULL, NULL, NULL, "Friday works.", "On 3/3" },
		{ 2, "outlook", "Carol White <carol@example.com>", "Monday, March 2, 2026 5:30 PM",
		  "Bob Jones <bob@example.com>", NULL, "Delivery", "Can you deliver on Friday?", "> -----" },
		{ 3, "gt-prefix", NULL, NULL, NULL, NULL, NULL, "Earlier: the order is 20 boxes.", ">> Earlier" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

static void
test_mixed_thread (void)
{
	static const char body[] =
		"Alice-san,\n"
		"\n"
		"了解しました。金曜日に伺います。\n"
		"\n"
		"On Tue, Mar 3, 2026 at 9:00 AM Alice Smith <alice@example.com> wrote:\n"
		"> Dear Yamada-san,\n"
		"> Could you visit us on Friday?\n"
		">\n"
		"> 2026年3月2日(月) 10:15 に 山田 太郎 <taro.yamada@example.jp> さんは書きました:\n"
		">> Alice様\n"
		">> 来週お伺いしてもよろしいでしょうか。\n";
	static const expected_level want[] = {
		{ 1, "thunderbird", "Alice Smith <alice@example.com>", "Tue, Mar 3, 2026 at 9:00 AM",
		  NULL, NULL, NULL, "Dear Yamada-san,\nCould you visit us on Friday?", "On Tue" },
		{ 2, "gmail-ja", "山田 太郎 <taro.yamada@example.jp>", "2026年3月2日(月) 10:15",
		  NULL, NULL, NULL, "Alice様\n来週お伺いしてもよろしいでしょうか。", "> 2026年" },
	};
	assert_levels (body, want, G_N_ELEMENTS (want));
}

/* ---- what is not a quote ------------------------------------------------------- */

static void
test_not_quotes (void)
{
	static const char *const bodies[] = {
		"Hello,\n\nThe meeting is at 10.\n\nRegards,\nAlice\n",
		"Thanks.\n\n-- \nAlice Smith\nExample Corp. | +81-3-0000-0000\n",
		"If a > b and b > c then a > c.\nx >= y\n",
		"As Taro wrote: the plan is fine.\nHe wrote:\nnothing more.\n",
		"Regards,\n________________________________\nExample Corp. confidential notice.\n",
		"From: the sales team\nWe have a new offer.\n",
		"",
	};
	for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
		g_autoptr (GPtrArray) quotes = extract (bodies[i], NULL);
		g_assert_cmpuint (quotes->len, ==, 0);
	}
	g_autoptr (GPtrArray) none = mh_quotes_extract (NULL, 0, NULL);
	g_assert_cmpuint (none->len, ==, 0);
}

/* ---- HTML replies --------------------------------------------------------------- */

static void
assert_html_levels (const char *html, const char *want_text, const expected_level *want, guint n)
{
	gboolean capped;
	g_autofree char *text = mh_text_from_html (html, strlen (html), 1 << 20, &capped);
	g_assert_false (capped);
	g_assert_cmpstr (text, ==, want_text);
	assert_levels (text, want, n);
}

static void
test_html_thunderbird (void)
{
	static const char html[] =
		"<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=UTF-8\"></head><body>\n"
		"<p>Sounds good.</p>\n"
		"<div class=\"moz-cite-prefix\">On 3/2/2026 10:15 AM, Taro Yamada wrote:<br></div>\n"
		"<blockquote type=\"cite\" cite=\"mid:1234@example.jp\">\n"
		"<p>Hello Alice,</p>\n"
		"<p>Shall we meet on Friday?</p>\n"
		"</blockquote>\n"
		"<br>\n"
		"<p>Alice</p>\n"
		"</body></html>\n";
	static const expected_level want[] = {
		{ 1, "thunderbird", "Taro Yamada", "3/2/2026 10:15 AM", NULL, NULL, NULL,
		  "Hello Alice,\nShall we meet on Friday?", "On 3/2" },
	};
	assert_html_levels (html,
		"Sounds good.\nOn 3/2/2026 10:15 AM, Taro Yamada wrote:\n> Hello Alice,\n> Shall we meet on Friday?\nAlice",
		want, G_N_ELEMENTS (want));
}

static void
test_html_gmail (void)
{
	static const char html[] =
		"<div dir=\"ltr\">Thanks, see you then.</div><br><div class=\"gmail_quote\">"
		"<div dir=\"ltr\" class=\"gmail_attr\">On Mon, Mar 2, 2026 at 10:15 AM Taro Yamada &lt;<a "
		"href=\"mailto:taro.yamada@example.jp\">taro.yamada@example.jp</a>&gt; wrote:<br></div>"
		"<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid "
		"rgb(204,204,204);padding-left:1ex\"><div dir=\"ltr\">Hi Alice,<div><br></div>"
		"<div>The meeting is at 3pm.</div></div><br><div class=\"gmail_quote\">"
		"<div dir=\"ltr\" class=\"gmail_attr\">On Sun, Mar 1, 2026 at 8:00 PM Alice Smith &lt;<a "
		"href=\"mailto:alice@example.com\">alice@example.com</a>&gt; wrote:<br></div>"
		"<blockquote class=\"gmail_quote\" style=\"margin:0px\"><div dir=\"ltr\">What time is the "
		"meeting?</div></blockquote></div></blockquote></div>\n";
	static const expected_level want[] = {
		{ 1, "thunderbird", "Taro Yamada <taro.yamada@example.jp>", "Mon, Mar 2, 2026 at 10:15 AM",
		  NULL, NULL, NULL, "Hi Alice,\nThe meeting is at 3pm.", "On Mon" },
		{ 2, "thunderbird", "Alice Smith <alice@example.com>", "Sun, Mar 1, 2026 at 8:00 PM",
		  NULL, NULL, NULL, "What time is the meeting?", "> On Sun" },
	};
	assert_html_levels (html,
		"Thanks, see you then.\n"
		"On Mon, Mar 2, 2026 at 10:15 AM Taro Yamada <taro.yamada@example.jp> wrote:\n"
		"> Hi Alice,\n"
		"> The meeting is at 3pm.\n"
		"> On Sun, Mar 1, 2026 at 8:00 PM Alice Smith <alice@example.com> wrote:\n"
		"> > What time is the meeting?",
		want, G_N_ELEMENTS (want));
}

static void
test_html_outlook (void)
{
	static const char html[] =
		"<html><body><div>Thank you, I will join.</div>\n"
		"<div id=\"appendonsend\"></div>\n"
		"<hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">\n"
		"<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" style=\"font-size:11pt\" "
		"color=\"#000000\"><b>From:</b> Taro Yamada &lt;taro.yamada@example.jp&gt;<br>\n"
		"<b>Sent:</b> Monday, March 2, 2026 10:15 AM<br>\n"
		"<b>To:</b> Alice Smith &lt;alice@example.com&gt;<br>\n"
		"<b>Subject:</b> Project kickoff</font>\n"
		"<div>&nbsp;</div>\n"
		"</div>\n"
		"<div>Dear Alice,<br>The kickoff meeting is on Monday.</div>\n"
		"</body></html>\n";
	static const expected_level want[] = {
		{ 1, "outlook", "Taro Yamada <taro.yamada@example.jp>", "Monday, March 2, 2026 10:15 AM",
		  "Alice Smith <alice@example.com>", NULL, "Project kickoff",
		  "Dear Alice,\nThe kickoff meeting is on Monday.", "From: Taro" },
	};
	assert_html_levels (html,
		"Thank you, I will join.\n"
		"From: Taro Yamada <taro.yamada@example.jp>\n"
		"Sent: Monday, March 2, 2026 10:15 AM\n"
		"To: Alice Smith <alice@example.com>\n"
		"Subject: Project kickoff\n"
		" \n"
		"Dear Alice,\n"
		"The kickoff meeting is on Monday.",
		want, G_N_ELEMENTS (want));
}

/* Outlook in Japanese, HTML only */
static void
test_html_outlook_ja (void)
{
	static const char html[] =
		"<div>承知しました。</div><hr tabindex=\"-1\" style=\"display:inline-block; width:98%\">"
		"<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" color=\"#000000\">"
		"<b>差出人:</b> 山田 太郎 &lt;taro.yamada@example.jp&gt;<br><b>送信日時:</b> 2026年3月2日 10:15<br>"
		"<b>宛先:</b> 佐藤 花子 &lt;hanako.sato@example.jp&gt;<br><b>件名:</b> 見積書の件</font>"
		"<div>&nbsp;</div></div><div>佐藤様<br>見積書を添付いたします。</div>";
	static const expected_level want[] = {
		{ 1, "outlook-ja", "山田 太郎 <taro.yamada@example.jp>", "2026年3月2日 10:15",
		  "佐藤 花子 <hanako.sato@example.jp>", NULL, "見積書の件", "佐藤様\n見積書を添付いたします。", "差出人" },
	};
	assert_html_levels (html,
		"承知しました。\n差出人: 山田 太郎 <taro.yamada@example.jp>\n送信日時: 2026年3月2日 10:15\n"
		"宛先: 佐藤 花子 <hanako.sato@example.jp>\n件名: 見積書の件\n \n佐藤様\n見積書を添付いたします。",
		want, G_N_ELEMENTS (want));
}

/* Unbalanced and self-closed blockquotes never leave marks behind. */
static void
test_html_blockquote_balance (void)
{
	static const char html[] = "<blockquote/>a</blockquote></blockquote><p>b<blockquote><blockquote>c</blockquote></blockquote>d";
	g_autofree char *text = mh_text_from_html (html, strlen (html), 1000, NULL);
	g_assert_cmpstr (text, ==, "a\nb\n> > c\nd");
}

/* ---- caps ----------------------------------------------------------------- */

static void
test_cap_levels (void)
{
	g_autoptr (GString) body = g_string_new ("Top.\n");
	for (guint k = 1; k <= 40; k++) {
		for (guint m = 0; m < k; m++)
			g_string_append_c (body, '>');
		g_string_append_printf (body, " level %u\n", k);
	}
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) quotes = mh_quotes_extract (body->str, body->len, problems);
	g_assert_cmpuint (quotes->len, ==, MH_QUOTE_MAX_LEVELS);
	for (guint i = 0; i < quotes->len; i++) {
		const mh_quote *q = g_ptr_array_index (quotes, i);
		g_autofree char *want = g_strdup_printf ("level %u", i + 1);
		g_assert_cmpuint (q->level, ==, i + 1);
		g_assert_cmpstr (q->text, ==, want);
	}
	g_assert_cmpuint (problems->len, ==, 1);
	g_assert_true (g_str_has_prefix (g_ptr_array_index (problems, 0), "quotes: "));

	/* forty Outlook blocks in a row: the same cap */
	g_autoptr (GString) outlook = g_string_new (NULL);
	for (guint k = 1; k <= 40; k++)
		g_string_append_printf (outlook, "text %u\n\n-----Original Message-----\nFrom: p%u@example.com\n"
		                        "Sent: Monday, March 2, 2026\nSubject: s\n\n", k, k);
	g_autoptr (GPtrArray) problems2 = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) quotes2 = mh_quotes_extract (outlook->str, outlook->len, problems2);
	g_assert_cmpuint (quotes2->len, ==, MH_QUOTE_MAX_LEVELS);
	g_assert_cmpuint (((mh_quote *) g_ptr_array_index (quotes2, 31))->level, ==, 32);
	g_assert_cmpstr (((mh_quote *) g_ptr_array_index (quotes2, 31))->text, ==, "text 33");
	g_assert_cmpuint (problems2->len, ==, 1);
}

static void
test_cap_text (void)
{
	g_autoptr (GString) body = g_string_new ("On 3/2/2026 10:15 AM, Taro Yamada wrote:\n");
	while (body->len < (1u << 20))
		g_string_append (body, "> 引用された長い本文の一行です。 a quoted line of a long text.\n");
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) quotes = mh_quotes_extract (body->str, body->len, problems);
	g_assert_cmpuint (quotes->len, ==, 1);
	const mh_quote *q = g_ptr_array_index (quotes, 0);
	g_assert_cmpuint (strlen (q->text), <=, MH_QUOTE_MAX_TEXT);
	g_assert_cmpuint (strlen (q->text), >, MH_QUOTE_MAX_TEXT - 200);
	g_assert_true (g_utf8_validate (q->text, -1, NULL));
	g_assert_cmpuint (problems->len, ==, 1);
	g_assert_true (g_str_has_prefix (g_ptr_array_index (problems, 0), "quotes: "));
}

static void
test_cap_lines (void)
{
	gsize n = 300000;
	g_autofree char *body = g_malloc (n * 2);
	for (gsize i = 0; i < n; i++) {
		body[2 * i] = '>';
		body[2 * i + 1] = '\n';
	}
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) quotes = mh_quotes_extract (body, n * 2, problems);
	g_assert_cmpuint (quotes->len, ==, 1);
	g_assert_cmpuint (problems->len, ==, 1);
	/* and no crash without a problems array */
	g_autoptr (GPtrArray) again = mh_quotes_extract (body, n * 2, NULL);
	g_assert_cmpuint (again->len, ==, 1);
}

/* One long line of '>' marks and many introduction-looking lines: linear. */
static void
test_hostile_shapes (void)
{
	gsize n = 4u << 20;
	g_autofree char *marks = g_malloc (n);
	memset (marks, '>', n);
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) quotes = mh_quotes_extract (marks, n, problems);
	g_assert_cmpuint (quotes->len, ==, MH_QUOTE_MAX_LEVELS);
	g_assert_cmpuint (problems->len, ==, 1);

	g_autoptr (GString) intros = g_string_new (NULL);
	while (intros->len < (2u << 20))
		g_string_append (intros, "On Monday, Taro wrote:\nFrom: a\n-----Original Message-----\n");
	g_autoptr (GPtrArray) quotes2 = mh_quotes_extract (intros->str, intros->len, NULL);
	g_assert_cmpuint (quotes2->len, ==, MH_QUOTE_MAX_LEVELS);
}

/* ---- subjects ------------------------------------------------------------------- */

typedef struct {
	const char *name;
	const char *subject;
	const char *normalised;
} subject_case;

static const subject_case subject_cases[] = {
	{ "plain", "Quarterly report", "quarterly report" },
	{ "re", "Re: Quarterly report", "quarterly report" },
	{ "RE", "RE: Quarterly report", "quarterly report" },
	{ "repeated", "Re: RE: Fwd: FW: Quarterly  report", "quarterly report" },
	{ "re-count-brackets", "Re[2]: Quarterly report", "quarterly report" },
	{ "re-count-parens", "Re(3): Quarterly report", "quarterly report" },
	{ "space-before-colon", "RE : Fw : Quarterly report", "quarterly report" },
	{ "aw-wg", "AW: WG: Angebot", "angebot" },
	{ "leading-space", "   \tRe:Re:Quarterly report  ", "quarterly report" },
	{ "fullwidth", "Ｒｅ：見積書の件", "見積書の件" },
	{ "fullwidth-colon", "RE：見積書の件", "見積書の件" },
	{ "japanese-forward", "転送: 見積書の件", "見積書の件" },
	{ "japanese-reply", "返信: 転送：RE: 見積書の件", "見積書の件" },
	{ "fullwidth-letters-kept", "ＡＢＣ社　お見積り", "abc社 お見積り" },
	{ "list-tag-kept", "[dev-ml:1234] Re: Build failure", "[dev-ml:1234] build failure" },
	{ "prefix-before-tag", "Re: [dev-ml:1234] Re: Build failure", "[dev-ml:1234] build failure" },
	{ "not-a-prefix", "Report: Revenue", "report: revenue" },
	{ "word-starting-re", "Rex: hello", "rex: hello" },
	{ "only-prefix", "Re:", "" },
	{ "halfwidth-kana", "Re: ｾﾐﾅｰ", "セミナー" },
	{ "empty", "", "" },
};

static void
test_subject (gconstpointer data)
{
	const subject_case *c = data;
	g_autofree char *out = mh_subject_normalise (c->subject);
	g_assert_cmpstr (out, ==, c->normalised);
}

static void
test_subject_null (void)
{
	g_autofree char *out = mh_subject_normalise (NULL);
	g_assert_cmpstr (out, ==, "");
	g_autofree char *bad = mh_subject_normalise ("Re: \xff\xfe x");
	g_assert_true (g_utf8_validate (bad, -1, NULL));
}

/* ---- corpora -------------------------------------------------------------------- */

static const char *
corpora (void)
{
	const char *dir = g_getenv ("MH_CORPORA");
	return dir && g_file_test (dir, G_FILE_TEST_IS_DIR) ? dir : NULL;
}

#define TIKA_MAIL "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/" \
	"tika-parser-mail-module/src/test/resources/test-documents/"

/* The messages of an mbox, split at the "From " lines. */
static GPtrArray *
read_mbox (const char *path)
{
	g_autofree char *data = NULL;
	gsize len;
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_message_free);
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *body = memchr (p, '\n', (gsize) (end - p));
		body = body ? body + 1 : end;
		const char *next = g_strstr_len (body, end - body, "\nFrom ");
		const char *stop = next ? next + 1 : end;
		mh_locator loc = { .file = (char *) path, .offset = p - data, .length = stop - p };
		g_ptr_array_add (messages, mh_message_new_from_bytes (body, (gsize) (stop - body), &loc, NULL));
		p = stop;
	}
	return messages;
}

static GPtrArray *
quotes_of (const mh_message *m)
{
	return mh_quotes_extract (m->body_text, strlen (m->body_text), NULL);
}

static void
test_corpus_tika (void)
{
	if (!corpora ()) {
		g_test_skip ("MH_CORPORA not set");
		return;
	}
	/* quoted.mbox: "Test content" then "> quoted stuff" */
	g_autofree char *quoted = g_build_filename (corpora (), TIKA_MAIL "quoted.mbox", NULL);
	g_autoptr (GPtrArray) one = read_mbox (quoted);
	g_assert_cmpuint (one->len, ==, 1);
	g_autoptr (GPtrArray) q1 = quotes_of (g_ptr_array_index (one, 0));
	g_assert_cmpuint (q1->len, ==, 1);
	g_assert_cmpstr (((mh_quote *) g_ptr_array_index (q1, 0))->style, ==, "gt-prefix");
	g_assert_cmpstr (((mh_quote *) g_ptr_array_index (q1, 0))->text, ==, "quoted stuff");

	/* complex.mbox: three replies on core-user@hadoop.apache.org (2009) */
	g_autofree char *complex = g_build_filename (corpora (), TIKA_MAIL "complex.mbox", NULL);
	g_autoptr (GPtrArray) mails = read_mbox (complex);
	g_assert_cmpuint (mails->len, ==, 3);
	const mh_message *m1 = g_ptr_array_index (mails, 0);
	g_assert_cmpstr (m1->subject, ==, "Re: question about when shuffle/sort start working");
	g_autoptr (GPtrArray) q1a = quotes_of (m1);
	/* Jothi's answer quotes Jianmin's question */
	g_assert_cmpuint (q1a->len, ==, 1);
	const mh_quote *a = g_ptr_array_index (q1a, 0);
	g_assert_cmpuint (a->level, ==, 1);
	g_assert_cmpstr (a->style, ==, "thunderbird");
	g_assert_cmpstr (a->from, ==, "\"Jianmin Woo\" <jianmin_woo@yahoo.com>");
	g_assert_cmpstr (a->date, ==, "5/30/09 10:00 AM");
	g_assert_true (g_str_has_prefix (a->text, "Hi,\nI am being confused by the protocol between mapper and reducer."));
	g_assert_true (g_str_has_suffix (a->text, "Thanks,\nJianmin"));

	/* Jianmin's answer (Yahoo, multipart/alternative) quotes Jothi under a
	 * line of underscores, with Jothi's quote of the question inside */
	g_autoptr (GPtrArray) q2 = quotes_of (g_ptr_array_index (mails, 1));
	g_assert_cmpuint (q2->len, ==, 2);
	const mh_quote *b1 = g_ptr_array_index (q2, 0), *b2 = g_ptr_array_index (q2, 1);
	g_assert_cmpuint (b1->level, ==, 1);
	g_assert_cmpstr (b1->style, ==, "outlook-separator");
	g_assert_cmpstr (b1->from, ==, "Jothi Padmanabhan <jothipn@yahoo-inc.com>");
	g_assert_cmpstr (b1->date, ==, "Monday, June 1, 2009 12:26:31 PM");
	g_assert_cmpstr (b1->text, ==,
		"When a Mapper completes, MapCompletionEvents are generated. Reducers try to\n"
		"fetch map outputs for a given map only on the receipt of such events.\n\nJothi");
	g_assert_cmpuint (b2->level, ==, 2);
	g_assert_cmpstr (b2->style, ==, "thunderbird");
	g_assert_cmpstr (b2->text, ==, a->text);

	/* the third: Jothi quotes Jianmin, who quoted Jothi under Yahoo's line of
	 * underscores, who quoted Jianmin's question with "wrote:" */
	g_autoptr (GPtrArray) q3 = quotes_of (g_ptr_array_index (mails, 2));
	g_assert_cmpuint (q3->len, ==, 3);
	const mh_quote *l1 = g_ptr_array_index (q3, 0), *l2 = g_ptr_array_index (q3, 1), *l3 = g_ptr_array_index (q3, 2);
	g_assert_cmpuint (l1->level, ==, 1);
	g_assert_cmpstr (l1->style, ==, "thunderbird");
	g_assert_cmpstr (l1->date, ==, "6/1/09 11:00 AM");
	g_assert_true (g_str_has_prefix (l1->text, "Thanks a lot for your explanation, Jothi."));
	g_assert_true (g_str_has_suffix (l1->text, "Thanks,\nJianmin"));
	g_assert_cmpuint (l2->level, ==, 2);
	g_assert_cmpstr (l2->style, ==, "outlook-separator");
	g_assert_cmpstr (l2->from, ==, "Jothi Padmanabhan <jothipn@yahoo-inc.com>");
	g_assert_cmpstr (l2->to, ==, "core-user@hadoop.apache.org");
	g_assert_cmpstr (l2->date, ==, "Monday, June 1, 2009 12:26:31 PM");
	g_assert_cmpstr (l2->subject, ==, "Re: question about when shuffle/sort start working");
	g_assert_cmpstr (l2->text, ==,
		"When a Mapper completes, MapCompletionEvents are generated. Reducers try to\n"
		"fetch map outputs for a given map only on the receipt of such events.\n\nJothi");
	g_assert_cmpuint (l3->level, ==, 3);
	g_assert_cmpstr (l3->style, ==, "thunderbird");
	g_assert_cmpstr (l3->from, ==, "\"Jianmin Woo\" <jianmin_woo@yahoo.com>");
	g_assert_true (g_str_has_prefix (l3->text, "Hi,\nI am being confused"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_set_nonfatal_assertions ();
	g_mime_init ();

	g_test_add_func ("/quote/outlook", test_outlook);
	g_test_add_func ("/quote/outlook-crlf", test_outlook_crlf);
	g_test_add_func ("/quote/outlook-three-levels", test_outlook_three_levels);
	g_test_add_func ("/quote/outlook-separator", test_outlook_separator);
	g_test_add_func ("/quote/outlook-wrapped-subject", test_outlook_wrapped_subject);
	g_test_add_func ("/quote/outlook-ja", test_outlook_ja);
	g_test_add_func ("/quote/outlook-ja-separator", test_outlook_ja_separator);
	g_test_add_func ("/quote/thunderbird", test_thunderbird);
	g_test_add_func ("/quote/thunderbird-address-forms", test_thunderbird_address_forms);
	g_test_add_func ("/quote/wrote-wrapped", test_wrote_wrapped);
	g_test_add_func ("/quote/thunderbird-ja", test_thunderbird_ja);
	g_test_add_func ("/quote/gmail-ja", test_gmail_ja);
	g_test_add_func ("/quote/original-message", test_original_message);
	g_test_add_func ("/quote/forwarded", test_forwarded);
	g_test_add_func ("/quote/gt-prefix-nested", test_gt_prefix_nested);
	g_test_add_func ("/quote/gt-prefix-interleaved", test_gt_prefix_interleaved);
	g_test_add_func ("/quote/thunderbird-inside-outlook", test_thunderbird_inside_outlook);
	g_test_add_func ("/quote/outlook-inside-quote", test_outlook_inside_quote);
	g_test_add_func ("/quote/mixed-thread", test_mixed_thread);
	g_test_add_func ("/quote/not-quotes", test_not_quotes);
	g_test_add_func ("/quote/html-thunderbird", test_html_thunderbird);
	g_test_add_func ("/quote/html-gmail", test_html_gmail);
	g_test_add_func ("/quote/html-outlook", test_html_outlook);
	g_test_add_func ("/quote/html-outlook-ja", test_html_outlook_ja);
	g_test_add_func ("/quote/html-blockquote-balance", test_html_blockquote_balance);
	g_test_add_func ("/quote/cap-levels", test_cap_levels);
	g_test_add_func ("/quote/cap-text", test_cap_text);
	g_test_add_func ("/quote/cap-lines", test_cap_lines);
	g_test_add_func ("/quote/hostile-shapes", test_hostile_shapes);
	for (guint i = 0; i < G_N_ELEMENTS (subject_cases); i++) {
		g_autofree char *path = g_strdup_printf ("/quote/subject/%s", subject_cases[i].name);
		g_test_add_data_func (path, &subject_cases[i], test_subject);
	}
	g_test_add_func ("/quote/subject-null", test_subject_null);
	g_test_add_func ("/quote/corpus-tika", test_corpus_tika);
	return g_test_run ();
}
