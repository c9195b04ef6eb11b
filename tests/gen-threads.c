/* gen-threads — writes harmless scenario mailboxes for the link stage:
 * a history of genuine threads, and an inbox of spoofed replies (the
 * JPCERT/CC guidance's case A, quoting a message of that history, and
 * case B, reply-looking mail built from harvested addresses) beside
 * genuine replies.
 *
 * Usage: gen-threads OUTPUT-DIRECTORY SOURCE-DIRECTORY
 *
 * SOURCE-DIRECTORY is the top of the source tree: some spoofs carry the
 * committed harmless macro documents samples-benign/office/autoopen.doc
 * and document_open.docm (tests/gen-office.c wrote them; their macros only
 * show a message box), read from there as they are.
 *
 * Everyone is fictitious: people at example.com, example.co.jp and
 * example.net, spoofs from freemail.example.net and look-alike domains
 * under .invalid.  The output is deterministic: fixed dates, Message-IDs
 * derived from fixed keys with SHA-1, no clock, no randomness, so the
 * files committed in samples-benign/threads/ can be compared with a fresh
 * run (tests/threads-samples.py).
 *
 * Every message of the history is a row of history[]: its own text, and
 * the message it replies to; the quote of the parent is built here in the
 * style of the replier's client, as plain text and as HTML.  Every mail of
 * the inbox is a row of inbox[]: a copy of a history message, a spoof or a
 * genuine reply; expected.tsv and README.md are written from that table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "gen-mail.h"

/* ------------------------------------------------------------------ */
/* Encodings                                                           */
/* ------------------------------------------------------------------ */


/* ------------------------------------------------------------------ */
/* People and their mail clients                                       */
/* ------------------------------------------------------------------ */

typedef enum {
	CL_THUNDERBIRD_EN,
	CL_THUNDERBIRD_JA,
	CL_OUTLOOK_EN,      /* Outlook 2016: "-----Original Message-----" */
	CL_OUTLOOK_JA,
	CL_OUTLOOK365_EN,   /* Outlook 365: a line of underscores */
	CL_OUTLOOK365_JA,
	CL_GMAIL_JA,
} mail_client;

/* How a reply introduces the text it quotes.  The names in expected.tsv
 * are those of mh_quote.style (include/mailhunt/link.h). */
typedef enum {
	QS_NONE,
	QS_OUTLOOK,          /* -----Original Message----- From: Sent: To: Subject: */
	QS_OUTLOOK_JA,       /* -----Original Message----- 差出人: 送信日時: 宛先: 件名: */
	QS_SEPARATOR,        /* underscores, From: Sent: To: Subject: */
	QS_SEPARATOR_JA,     /* underscores, 差出人: 送信日時: 宛先: 件名: */
	QS_THUNDERBIRD,      /* On <date>, <name> wrote: */
	QS_THUNDERBIRD_JA,   /* <name> さんは書きました: */
	QS_GMAIL_JA,         /* <date> に <name> <addr> さんは書きました: */
} quote_style;

typedef enum {
	BODY_TEXT,           /* text/plain only */
	BODY_HTML,           /* text/html only */
	BODY_ALTERNATIVE,    /* multipart/alternative, as Gmail sends */
} body_form;

typedef struct {
	const char *name;
	const char *addr;
	mail_client client;
} person;

enum { SUZUKI, TAKAHASHI, BOB, YAMADA, SATO, ALICE, CAROL, N_PEOPLE };
#define P(n) (1u << (n))

static const person people[N_PEOPLE] = {
	[SUZUKI]    = { "鈴木一郎", "ichiro.suzuki@example.com", CL_THUNDERBIRD_JA },
	[TAKAHASHI] = { "高橋美咲", "misaki.takahashi@example.com", CL_OUTLOOK365_JA },
	[BOB]       = { "Bob Example", "bob@example.com", CL_THUNDERBIRD_EN },
	[YAMADA]    = { "山田太郎", "taro.yamada@example.co.jp", CL_OUTLOOK_JA },
	[SATO]      = { "佐藤花子", "hanako.sato@example.co.jp", CL_GMAIL_JA },
	[ALICE]     = { "Alice Example", "alice@example.net", CL_OUTLOOK365_EN },
	[CAROL]     = { "Carol Sample", "carol.sample@example.net", CL_OUTLOOK_EN },
};

static const char *
quote_style_name (quote_style qs)
{
	switch (qs) {
	case QS_NONE: return "-";
	case QS_OUTLOOK: return "outlook";
	case QS_OUTLOOK_JA: return "outlook-ja";
	case QS_SEPARATOR: return "outlook-separator";
	/* Japanese field names: outlook-ja whatever the separator */
	case QS_SEPARATOR_JA: return "outlook-ja";
	case QS_THUNDERBIRD: return "thunderbird";
	case QS_THUNDERBIRD_JA: return "thunderbird-ja";
	case QS_GMAIL_JA: return "gmail-ja";
	}
	return "-";
}

static quote_style
client_quote_style (mail_client c)
{
	switch (c) {
	case CL_THUNDERBIRD_EN: return QS_THUNDERBIRD;
	case CL_THUNDERBIRD_JA: return QS_THUNDERBIRD_JA;
	case CL_OUTLOOK_EN: return QS_OUTLOOK;
	case CL_OUTLOOK_JA: return QS_OUTLOOK_JA;
	case CL_OUTLOOK365_EN: return QS_SEPARATOR;
	case CL_OUTLOOK365_JA: return QS_SEPARATOR_JA;
	case CL_GMAIL_JA: return QS_GMAIL_JA;
	}
	return QS_NONE;
}

static const char *
client_reply_prefix (mail_client c)
{
	switch (c) {
	case CL_OUTLOOK_EN:
	case CL_OUTLOOK_JA:
	case CL_OUTLOOK365_EN:
	case CL_OUTLOOK365_JA:
		return "RE: ";
	default:
		return "Re: ";
	}
}

static const char *
client_agent (mail_client c)
{
	switch (c) {
	case CL_THUNDERBIRD_EN:
	case CL_THUNDERBIRD_JA:
		return "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:68.0) Gecko/20100101\n"
		       " Thunderbird/68.2.2";
	case CL_OUTLOOK_EN:
	case CL_OUTLOOK_JA:
		return "X-Mailer: Microsoft Outlook 16.0";
	case CL_OUTLOOK365_EN:
	case CL_OUTLOOK365_JA:
		return "X-MS-Has-Attach: \nX-MS-TNEF-Correlator: ";
	case CL_GMAIL_JA:
		return NULL;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

/* Every date is Japan time; "YYYY-MM-DD hh:mm:ss" in the tables. */
typedef struct {
	int year, month, day, hour, minute, second;
	int weekday;      /* 1 = Monday ... 7 = Sunday */
	gint64 unix_time;
} mail_date;

static const char *const day_en[] = { "", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
static const char *const day_ja[] = { "", "月", "火", "水", "木", "金", "土", "日" };
static const char *const month_en[] = { "", "January", "February", "March", "April", "May", "June", "July",
                                        "August", "September", "October", "November", "December" };

static mail_date
parse_date (const char *when)
{
	mail_date d = { 0 };
	if (sscanf (when, "%d-%d-%d %d:%d:%d", &d.year, &d.month, &d.day, &d.hour, &d.minute, &d.second) != 6)
		g_error ("bad date in the table: %s", when);
	g_autoptr (GTimeZone) jst = g_time_zone_new_offset (9 * 3600);
	g_autoptr (GDateTime) dt = g_date_time_new (jst, d.year, d.month, d.day, d.hour, d.minute, d.second);
	if (!dt)
		g_error ("bad date in the table: %s", when);
	d.weekday = g_date_time_get_day_of_week (dt);
	d.unix_time = g_date_time_to_unix (dt);
	return d;
}

/* Date: header (RFC 5322) */
static char *
date_rfc5322 (const mail_date *d)
{
	return g_strdup_printf ("%.3s, %d %.3s %d %02d:%02d:%02d +0900", day_en[d->weekday], d->day,
	                        month_en[d->month], d->year, d->hour, d->minute, d->second);
}

/* the date of an mbox "From " line (asctime) */
static char *
date_asctime (const mail_date *d)
{
	return g_strdup_printf ("%.3s %.3s %2d %02d:%02d:%02d %d", day_en[d->weekday], month_en[d->month],
	                        d->day, d->hour, d->minute, d->second, d->year);
}

static int
hour12 (int h)
{
	return h % 12 == 0 ? 12 : h % 12;
}

/* Outlook's "Sent:" line: Tuesday, October 1, 2019 10:12 AM */
static char *
date_outlook_en (const mail_date *d)
{
	return g_strdup_printf ("%s, %s %d, %d %d:%02d %s", day_en[d->weekday], month_en[d->month], d->day,
	                        d->year, hour12 (d->hour), d->minute, d->hour < 12 ? "AM" : "PM");
}

/* Outlook's "送信日時:" line: 2019年10月1日 10:12 */
static char *
date_outlook_ja (const mail_date *d)
{
	return g_strdup_printf ("%d年%d月%d日 %d:%02d", d->year, d->month, d->day, d->hour, d->minute);
}

/* Thunderbird en-US: 10/1/2019 10:12 AM */
static char *
date_thunderbird_en (const mail_date *d)
{
	return g_strdup_printf ("%d/%d/%d %d:%02d %s", d->month, d->day, d->year, hour12 (d->hour), d->minute,
	                        d->hour < 12 ? "AM" : "PM");
}

/* Gmail ja: 2019年10月1日(火) 10:12 */
static char *
date_gmail_ja (const mail_date *d)
{
	return g_strdup_printf ("%d年%d月%d日(%s) %d:%02d", d->year, d->month, d->day, day_ja[d->weekday],
	                        d->hour, d->minute);
}

/* ------------------------------------------------------------------ */
/* The history: twelve genuine threads                                 */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *key;        /* names the message in these tables and in Message-ID */
	const char *parent;     /* key of the message it replies to, NULL for a thread's first */
	int         from;
	guint       to, cc;     /* P(person) masks */
	const char *when;
	const char *subject;    /* a thread's first only; replies take the parent's with their prefix */
	body_form   form;
	const char *text;       /* what the author wrote, above the quote (UTF-8) */
} history_row;

static const history_row history[] = {
	/* T01 (ja) 鈴木 asks 山田 for an estimate */
	{ "t01-1", NULL, SUZUKI, P (YAMADA), 0, "2019-10-01 10:12:31", "お見積りのご依頼（業務用ノートパソコン）", BODY_TEXT,
	  "株式会社サンプル商事\n営業部 山田太郎 様\n\nいつもお世話になっております。\n株式会社エグザンプル 総務部の鈴木です。\n\n"
	  "業務用ノートパソコン20台のお見積りをお願いできますでしょうか。\n希望納期は12月20日、納品場所は弊社本社です。\n\n"
	  "よろしくお願いいたします。\n\n鈴木一郎\n" },
	{ "t01-2", "t01-1", YAMADA, P (SUZUKI), 0, "2019-10-02 09:41:05", NULL, BODY_TEXT,
	  "鈴木様\n\nいつもお世話になっております。\nサンプル商事の山田です。\n\n"
	  "お見積りのご依頼、ありがとうございます。\n社内で確認のうえ、10月8日までにお見積書をお送りいたします。\n"
	  "念のため、OSのバージョンにご指定があればお知らせください。\n\n山田太郎\n" },
	{ "t01-3", "t01-2", SUZUKI, P (YAMADA), 0, "2019-10-02 13:20:44", NULL, BODY_TEXT,
	  "山田様\n\nご連絡ありがとうございます。\nOSは現在社内で使用しているものと同じ版でお願いいたします。\n\n鈴木\n" },

	/* T02 (en) Alice and Bob on Project Falcon, 鈴木 in copy */
	{ "t02-1", NULL, ALICE, P (BOB), P (SUZUKI), "2019-10-03 16:05:10", "Project Falcon: kick-off agenda", BODY_TEXT,
	  "Hi Bob,\n\nHere is the draft agenda for the kick-off meeting on October 10:\n\n"
	  "1. Scope and goals of Project Falcon\n2. Roles and contacts\n3. Milestones for the fourth quarter\n\n"
	  "Let me know if you want to add anything.\n\nBest regards,\nAlice\n" },
	{ "t02-2", "t02-1", BOB, P (ALICE), P (SUZUKI), "2019-10-04 09:15:22", NULL, BODY_TEXT,
	  "Hi Alice,\n\nThanks, the agenda looks good. Could we add a short item on the test\nenvironment? Ichiro would like to present the hardware plan.\n\nBob\n" },
	{ "t02-3", "t02-2", ALICE, P (BOB), P (SUZUKI), "2019-10-04 11:02:37", NULL, BODY_HTML,
	  "Hi Bob,\n\nSure, I added it as item 4 and booked the large meeting room.\n\nAlice\n" },

	/* T03 (ja) 佐藤 and 鈴木 arrange a meeting (Gmail, UTF-8) */
	{ "t03-1", NULL, SATO, P (SUZUKI), 0, "2019-10-07 10:30:00", "打合せ日程のご相談", BODY_ALTERNATIVE,
	  "鈴木様\n\nお世話になっております。サンプル商事の佐藤です。\n\n"
	  "来週の打合せについて、下記のいずれかでご都合はいかがでしょうか。\n\n"
	  "・10月15日（火）14時から\n・10月16日（水）10時から\n\n佐藤花子\n" },
	{ "t03-2", "t03-1", SUZUKI, P (SATO), 0, "2019-10-07 15:48:12", NULL, BODY_TEXT,
	  "佐藤様\n\nご連絡ありがとうございます。\n10月16日（水）10時からでお願いいたします。\n場所は弊社の3階会議室です。\n\n鈴木\n" },
	{ "t03-3", "t03-2", SATO, P (SUZUKI), 0, "2019-10-08 09:05:47", NULL, BODY_ALTERNATIVE,
	  "鈴木様\n\n承知いたしました。当日は二名でお伺いいたします。\n資料は前日までにお送りします。\n\n佐藤\n" },
	{ "t03-4", "t03-3", SUZUKI, P (SATO), 0, "2019-10-08 10:31:02", NULL, BODY_TEXT,
	  "佐藤様\n\n承知しました。受付でお名前をお伝えください。\nよろしくお願いいたします。\n\n鈴木\n" },

	/* T04 (en) Carol invoices Bob; a body line starts with "From " */
	{ "t04-1", NULL, CAROL, P (BOB), 0, "2019-10-09 14:22:18", "Invoice 2019-10 for the support contract", BODY_TEXT,
	  "Dear Bob,\n\nPlease find below the details of invoice 2019-10 for the support contract.\n\n"
	  "Amount: 1,200.00 USD\nDue date: October 31, 2019\n\n"
	  "From November on, invoices will be sent by our billing team.\n\nKind regards,\nCarol Sample\nExample Networks\n" },
	{ "t04-2", "t04-1", BOB, P (CAROL), 0, "2019-10-10 08:47:56", NULL, BODY_TEXT,
	  "Dear Carol,\n\nThank you. Could you also send the purchase order number we should\nquote on the transfer?\n\nBob\n" },
	{ "t04-3", "t04-2", CAROL, P (BOB), 0, "2019-10-10 10:12:09", NULL, BODY_TEXT,
	  "Bob,\n\nThe purchase order number is PO-4471. Nothing else changes.\n\nCarol\n" },
	{ "t04-4", "t04-3", BOB, P (CAROL), 0, "2019-10-10 11:30:41", NULL, BODY_HTML,
	  "Carol,\n\nThanks, our accounts team will pay before the due date.\n\nBob\n" },

	/* T05 (ja) 高橋 and 鈴木, an internal request (Outlook 365, UTF-8) */
	{ "t05-1", NULL, TAKAHASHI, P (SUZUKI), 0, "2019-10-15 11:00:25", "社内稟議：検証用サーバーの購入", BODY_TEXT,
	  "鈴木さん\n\nお疲れさまです。高橋です。\n\n検証用サーバーの購入について、稟議書の下書きを作成しました。\n"
	  "金額は見積書の税込額で記載しています。\n内容をご確認いただけますでしょうか。\n\n高橋\n" },
	{ "t05-2", "t05-1", SUZUKI, P (TAKAHASHI), 0, "2019-10-15 13:42:50", NULL, BODY_TEXT,
	  "高橋さん\n\nありがとうございます。\n目的の欄に、Falconの試験環境であることを一行加えてください。\nそれ以外は問題ありません。\n\n鈴木\n" },
	{ "t05-3", "t05-2", TAKAHASHI, P (SUZUKI), 0, "2019-10-15 15:10:03", NULL, BODY_TEXT,
	  "鈴木さん\n\n修正して部長に提出しました。\n承認されましたらご連絡します。\n\n高橋\n" },

	/* T06 (mixed) Alice invites 山田 to a trade show */
	{ "t06-1", NULL, ALICE, P (YAMADA), 0, "2019-10-18 17:20:14", "Invitation: Example Expo 2019 / 展示会のご案内", BODY_TEXT,
	  "Dear Mr. Yamada,\n\nWe will exhibit at Example Expo 2019 in Tokyo on November 20-22.\n"
	  "We would be glad to welcome you at our booth (Hall 2, B-14).\n\n"
	  "山田様、ぜひお立ち寄りください。\n\nBest regards,\nAlice Example\n" },
	{ "t06-2", "t06-1", YAMADA, P (ALICE), 0, "2019-10-21 09:33:40", NULL, BODY_TEXT,
	  "Dear Alice,\n\nThank you for the invitation. I plan to visit on November 21 in the afternoon.\n"
	  "当日は同僚の佐藤も同行いたします。\n\nBest regards,\nTaro Yamada\n" },
	{ "t06-3", "t06-2", ALICE, P (YAMADA), 0, "2019-10-21 12:04:58", NULL, BODY_HTML,
	  "Dear Mr. Yamada,\n\nWonderful, we look forward to seeing you both.\n\nAlice\n" },

	/* T07 (ja) 鈴木 asks 佐藤 for a delivery note (Thunderbird HTML) */
	{ "t07-1", NULL, SUZUKI, P (SATO), 0, "2019-10-23 10:05:33", "納品書送付のお願い", BODY_HTML,
	  "佐藤様\n\nいつもお世話になっております。\n先週納品いただいた消耗品について、納品書の原本をご送付いただけますでしょうか。\n"
	  "経理処理に必要となります。\n\n鈴木一郎\n" },
	{ "t07-2", "t07-1", SATO, P (SUZUKI), 0, "2019-10-23 13:27:16", NULL, BODY_ALTERNATIVE,
	  "鈴木様\n\n失礼いたしました。本日、郵送で発送いたしました。\n明後日には届く予定です。\n\n佐藤\n" },

	/* T08 (en) Bob asks about the weekly report */
	{ "t08-1", NULL, BOB, P (CAROL) | P (ALICE), 0, "2019-10-28 09:00:12", "Weekly report format", BODY_TEXT,
	  "Hi Carol, hi Alice,\n\nFor the weekly status report of Project Falcon, shall we keep the\n"
	  "spreadsheet or move to the shared wiki page? I would prefer the wiki.\n\nBob\n" },
	{ "t08-2", "t08-1", CAROL, P (BOB), P (ALICE), "2019-10-28 10:45:30", NULL, BODY_HTML,
	  "Hi Bob,\n\nThe wiki is fine with me, as long as the page keeps a history.\n\nCarol\n" },
	{ "t08-3", "t08-2", ALICE, P (BOB), P (CAROL), "2019-10-28 13:16:07", NULL, BODY_TEXT,
	  "Agreed. I will create the page template this week.\n\nAlice\n" },

	/* T09 (ja) 山田's year-end notice, 高橋 answers */
	{ "t09-1", NULL, YAMADA, P (SUZUKI) | P (TAKAHASHI), 0, "2019-11-05 16:40:21", "年末年始の営業日について", BODY_TEXT,
	  "株式会社エグザンプル\n鈴木様、高橋様\n\nいつもお世話になっております。\n\n"
	  "弊社の年末年始の休業期間は、12月28日から1月5日までとなります。\n"
	  "年内の納品をご希望の場合は、12月20日までにご注文をお願いいたします。\n\n山田太郎\n" },
	{ "t09-2", "t09-1", TAKAHASHI, P (YAMADA), P (SUZUKI), "2019-11-06 09:12:44", NULL, BODY_HTML,
	  "山田様\n\nご案内ありがとうございます。\n年内の注文分は来週中にまとめてお送りします。\n\n高橋\n" },

	/* T10 (mixed) 鈴木 and Alice review the Falcon specification */
	{ "t10-1", NULL, SUZUKI, P (ALICE), 0, "2019-11-11 10:02:15", "Falcon 仕様書レビュー / specification review", BODY_TEXT,
	  "Hi Alice,\n\nI have read the Falcon specification, version 0.9.\n"
	  "Section 3 (network layout) needs the address plan. 詳細は添付なしで本文に記載します。\n\n"
	  "- VLAN 10: office\n- VLAN 20: test lab\n\nIchiro\n" },
	{ "t10-2", "t10-1", ALICE, P (SUZUKI), 0, "2019-11-11 14:28:39", NULL, BODY_TEXT,
	  "Hi Ichiro,\n\nThanks for the review. I will add the address plan to section 3.\n"
	  "Should the test lab also get its own DNS server?\n\nAlice\n" },
	{ "t10-3", "t10-2", SUZUKI, P (ALICE), 0, "2019-11-12 09:20:51", NULL, BODY_HTML,
	  "Hi Alice,\n\nYes, please. 試験環境は本番とは別のDNSサーバーを使います。\n\nIchiro\n" },
	{ "t10-4", "t10-3", ALICE, P (SUZUKI), 0, "2019-11-12 16:55:03", NULL, BODY_TEXT,
	  "Hi Ichiro,\n\nDone. Version 1.0 of the specification is on the project share.\n\nAlice\n" },
	{ "t10-5", "t10-4", SUZUKI, P (ALICE), 0, "2019-11-13 08:49:26", NULL, BODY_TEXT,
	  "Hi Alice,\n\nThank you. I will check it by Friday.\n\nIchiro\n" },

	/* T11 (en) Carol announces a seminar, 鈴木 signs up */
	{ "t11-1", NULL, CAROL, P (BOB) | P (SUZUKI), 0, "2019-11-18 11:11:11", "Lunch seminar on phishing awareness", BODY_TEXT,
	  "Hello Bob, hello Ichiro,\n\nOur security team holds a lunch seminar on phishing awareness\n"
	  "on December 4, 12:00 to 13:00, online. Attendance is free.\n"
	  "Topics: reply-chain attacks, macro documents, and how to report a\nsuspicious mail.\n\n"
	  "Please reply if you would like to join.\n\nCarol Sample\n" },
	{ "t11-2", "t11-1", SUZUKI, P (CAROL), 0, "2019-11-18 13:07:45", NULL, BODY_TEXT,
	  "Hello Carol,\n\nI would like to join, together with Misaki Takahashi from our team.\n\nIchiro\n" },

	/* T12 (ja) 高橋 and 佐藤 on acceptance documents */
	{ "t12-1", NULL, TAKAHASHI, P (SATO), 0, "2019-11-25 10:20:00", "検収書類の確認", BODY_TEXT,
	  "サンプル商事\n佐藤様\n\nお世話になっております。エグザンプルの高橋です。\n\n"
	  "11月納品分の検収書類を確認しました。\n品番の記載が一か所異なっていましたので、修正版をお願いできますでしょうか。\n\n高橋美咲\n" },
	{ "t12-2", "t12-1", SATO, P (TAKAHASHI), 0, "2019-11-25 14:02:18", NULL, BODY_ALTERNATIVE,
	  "高橋様\n\nご指摘ありがとうございます。\n修正版を本日中にお送りいたします。\n\n佐藤\n" },
	{ "t12-3", "t12-2", TAKAHASHI, P (SATO), 0, "2019-11-25 16:30:55", NULL, BODY_TEXT,
	  "佐藤様\n\n修正版を受領しました。ありがとうございました。\n\n高橋\n" },
};

/* A message as it is written out: the history's and the inbox's. */
typedef struct {
	const char *key;
	char       *from_name, *from_addr;
	guint       to, cc;
	mail_date   date;
	char       *subject;       /* decoded */
	char       *message_id;
	char       *in_reply_to;
	char       *references;
	char       *plain;         /* the body as text */
	char       *html;          /* the body as an HTML fragment (inside <body>) */
	body_form   form;
	mail_client client;
} built_mail;

static built_mail built_history[G_N_ELEMENTS (history)];

static const built_mail *
find_history (const char *key)
{
	for (gsize i = 0; i < G_N_ELEMENTS (history); i++)
		if (strcmp (history[i].key, key) == 0)
			return &built_history[i];
	g_error ("no history message %s", key);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Text and HTML                                                       */
/* ------------------------------------------------------------------ */

static char *
html_escape (const char *text)
{
	return g_markup_escape_text (text, -1);
}

/* Plain text as a client's HTML editor writes it: one <br> per line. */
static char *
html_of_text (const char *text)
{
	GString *out = g_string_new ("<div>");
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	guint n = g_strv_length (lines);
	if (n > 0 && !*lines[n - 1])
		n--;
	for (guint i = 0; i < n; i++) {
		g_autofree char *esc = html_escape (lines[i]);
		g_string_append_printf (out, "%s<br>\n", esc);
	}
	g_string_append (out, "</div>\n");
	return g_string_free (out, FALSE);
}

/* Thunderbird: "> " before a line, ">" before a line already quoted and on
 * an empty line.  Gmail (@gmail): "> " before every non-empty line, so
 * that a second level reads "> > ". */
static char *
quote_lines (const char *text, gboolean gmail)
{
	GString *out = g_string_new (NULL);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	guint n = g_strv_length (lines);
	if (n > 0 && !*lines[n - 1])
		n--;
	for (guint i = 0; i < n; i++) {
		if (!*lines[i])
			g_string_append (out, ">\n");
		else if (lines[i][0] == '>' && !gmail)
			g_string_append_printf (out, ">%s\n", lines[i]);
		else
			g_string_append_printf (out, "> %s\n", lines[i]);
	}
	return g_string_free (out, FALSE);
}

/* What a spoofing tool does to a quote it re-sends: lines longer than
 * @width characters broken, at a space when there is one. */
static char *
rewrap (const char *text, glong width)
{
	GString *out = g_string_new (NULL);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	guint n = g_strv_length (lines);
	if (n > 0 && !*lines[n - 1])
		n--;
	for (guint i = 0; i < n; i++) {
		const char *p = lines[i];
		while (g_utf8_strlen (p, -1) > width) {
			const char *cut = g_utf8_offset_to_pointer (p, width);
			const char *space = NULL;
			for (const char *q = p; q < cut; q++)
				if (*q == ' ')
					space = q;
			if (space && space > p) {
				g_string_append_len (out, p, space - p);
				p = space + 1;
			} else {
				g_string_append_len (out, p, cut - p);
				p = cut;
			}
			g_string_append_c (out, '\n');
		}
		g_string_append_printf (out, "%s\n", p);
	}
	return g_string_free (out, FALSE);
}

/* "Name <addr>; Name <addr>" of the people in @mask */
static char *
people_list (guint mask)
{
	GString *out = g_string_new (NULL);
	for (int i = 0; i < N_PEOPLE; i++) {
		if (!(mask & P (i)))
			continue;
		if (out->len)
			g_string_append (out, "; ");
		g_string_append_printf (out, "%s <%s>", people[i].name, people[i].addr);
	}
	return g_string_free (out, FALSE);
}

static gboolean
style_is_outlook (quote_style qs)
{
	return qs == QS_OUTLOOK || qs == QS_OUTLOOK_JA || qs == QS_SEPARATOR || qs == QS_SEPARATOR_JA;
}

static gboolean
style_is_japanese (quote_style qs)
{
	return qs == QS_OUTLOOK_JA || qs == QS_SEPARATOR_JA;
}

/* The fields of an Outlook reply header: (label, value) pairs, in the
 * order Outlook writes them; the Cc line only when there was a Cc. */
static GPtrArray *
outlook_fields (quote_style qs, const built_mail *parent)
{
	gboolean ja = style_is_japanese (qs);
	GPtrArray *f = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (f, g_strdup (ja ? "差出人" : "From"));
	g_ptr_array_add (f, g_strdup_printf ("%s <%s>", parent->from_name, parent->from_addr));
	g_ptr_array_add (f, g_strdup (ja ? "送信日時" : "Sent"));
	g_ptr_array_add (f, ja ? date_outlook_ja (&parent->date) : date_outlook_en (&parent->date));
	g_ptr_array_add (f, g_strdup (ja ? "宛先" : "To"));
	g_ptr_array_add (f, people_list (parent->to));
	if (parent->cc) {
		g_ptr_array_add (f, g_strdup (ja ? "CC" : "Cc"));
		g_ptr_array_add (f, people_list (parent->cc));
	}
	g_ptr_array_add (f, g_strdup (ja ? "件名" : "Subject"));
	g_ptr_array_add (f, g_strdup (parent->subject));
	return f;
}

static char *
attribution (quote_style qs, const built_mail *parent)
{
	switch (qs) {
	case QS_THUNDERBIRD: {
		g_autofree char *d = date_thunderbird_en (&parent->date);
		return g_strdup_printf ("On %s, %s wrote:", d, parent->from_name);
	}
	case QS_THUNDERBIRD_JA:
		return g_strdup_printf ("%s さんは書きました:", parent->from_name);
	case QS_GMAIL_JA: {
		g_autofree char *d = date_gmail_ja (&parent->date);
		return g_strdup_printf ("%s に %s <%s> さんは書きました:", d, parent->from_name, parent->from_addr);
	}
	default:
		return NULL;
	}
}

/* The quote of @parent in @qs as plain text; @text is the parent's text
 * as quoted (its body, or a re-wrapped copy).  In an HTML mail Outlook
 * writes its header after a rule, whose plain form is the line of
 * underscores: @for_html gives that form. */
static char *
quote_plain (quote_style qs, const built_mail *parent, const char *text, gboolean for_html)
{
	GString *out = g_string_new (NULL);

	if (style_is_outlook (qs)) {
		if (qs == QS_OUTLOOK && !for_html)
			g_string_append (out, "-----Original Message-----\n");
		else if (qs == QS_OUTLOOK_JA && !for_html)
			g_string_append (out, "-----Original Message-----\n");
		else
			g_string_append (out, "________________________________\n");
		g_autoptr (GPtrArray) f = outlook_fields (qs, parent);
		for (guint i = 0; i + 1 < f->len; i += 2)
			g_string_append_printf (out, "%s: %s\n", (char *) f->pdata[i], (char *) f->pdata[i + 1]);
		g_string_append_c (out, '\n');
		g_string_append (out, text);
	} else {
		g_autofree char *attr = attribution (qs, parent);
		g_autofree char *quoted = quote_lines (text, qs == QS_GMAIL_JA);
		g_string_append_printf (out, "%s\n%s", attr, quoted);
	}
	return g_string_free (out, FALSE);
}

/* The quote of @parent in @qs as HTML, around the parent's HTML @inner. */
static char *
quote_html (quote_style qs, const built_mail *parent, const char *inner)
{
	GString *out = g_string_new (NULL);

	if (style_is_outlook (qs)) {
		g_string_append (out, "<div id=\"appendonsend\"></div>\n"
		                      "<hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">\n"
		                      "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" "
		                      "style=\"font-size:11pt\" color=\"#000000\">");
		g_autoptr (GPtrArray) f = outlook_fields (qs, parent);
		for (guint i = 0; i + 1 < f->len; i += 2) {
			g_autofree char *value = html_escape (f->pdata[i + 1]);
			g_string_append_printf (out, "%s<b>%s:</b> %s", i ? "<br>\n" : "", (char *) f->pdata[i], value);
		}
		g_string_append (out, "</font>\n<div>&nbsp;</div>\n</div>\n");
		g_string_append (out, inner);
	} else if (qs == QS_GMAIL_JA) {
		g_autofree char *d = date_gmail_ja (&parent->date);
		g_autofree char *name = html_escape (parent->from_name);
		g_string_append_printf (out,
			"<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">%s に %s &lt;<a href=\"mailto:%s\">%s</a>&gt; "
			"さんは書きました:<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;"
			"border-left:1px solid rgb(204,204,204);padding-left:1ex\">\n%s</blockquote></div>\n",
			d, name, parent->from_addr, parent->from_addr, inner);
	} else {
		g_autofree char *attr = attribution (qs, parent);
		g_autofree char *esc = html_escape (attr);
		g_autofree char *mid = g_strndup (parent->message_id + 1, strlen (parent->message_id) - 2);
		g_string_append_printf (out,
			"<div class=\"moz-cite-prefix\">%s<br>\n</div>\n<blockquote type=\"cite\" cite=\"mid:%s\">\n%s</blockquote>\n",
			esc, mid, inner);
	}
	return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Message-IDs                                                         */
/* ------------------------------------------------------------------ */

static char *
key_hex (const char *key)
{
	return g_compute_checksum_for_string (G_CHECKSUM_SHA1, key, -1);
}

/* Shaped as the client makes them, derived from the key. */
static char *
client_message_id (mail_client c, const char *key, const char *addr)
{
	g_autofree char *h = key_hex (key);
	const char *domain = strchr (addr, '@') + 1;

	switch (c) {
	case CL_THUNDERBIRD_EN:
	case CL_THUNDERBIRD_JA:
		return g_strdup_printf ("<%.8s-%.4s-4%.3s-a%.3s-%.12s@%s>", h, h + 8, h + 12, h + 15, h + 18, domain);
	case CL_OUTLOOK_EN:
	case CL_OUTLOOK_JA:
		return g_strdup_printf ("<000001d5%.4s$%.8s$%.8s$@%s>", h, h + 4, h + 12, domain);
	case CL_OUTLOOK365_EN:
	case CL_OUTLOOK365_JA: {
		g_autofree char *up = g_ascii_strup (h, -1);
		return g_strdup_printf ("<TYAPR01MB%.4s%.16s@TYAPR01MB%.4s.jpnprd01.prod.%s>", up + 20, up, up + 20, domain);
	}
	case CL_GMAIL_JA:
		return g_strdup_printf ("<CAH%.24s+%.8s@mail.%s>", h, h + 24, domain);
	}
	return NULL;
}

/* Subject of a reply: the parent's without its reply prefix, with ours. */
static char *
reply_subject (const char *prefix, const char *parent_subject)
{
	const char *s = parent_subject;
	while (g_ascii_strncasecmp (s, "Re: ", 4) == 0)
		s += 4;
	return g_strconcat (prefix, s, NULL);
}

static void
build_history (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (history); i++) {
		const history_row *r = &history[i];
		built_mail *m = &built_history[i];
		const person *from = &people[r->from];

		m->key = r->key;
		m->from_name = g_strdup (from->name);
		m->from_addr = g_strdup (from->addr);
		m->to = r->to;
		m->cc = r->cc;
		m->date = parse_date (r->when);
		m->form = r->form;
		m->client = from->client;
		m->message_id = client_message_id (from->client, r->key, from->addr);

		if (!r->parent) {
			m->subject = g_strdup (r->subject);
			m->plain = g_strdup (r->text);
			m->html = html_of_text (r->text);
			continue;
		}
		const built_mail *parent = find_history (r->parent);
		if (parent >= m)
			g_error ("%s: the parent %s must come first", r->key, r->parent);
		if (parent->date.unix_time >= m->date.unix_time)
			g_error ("%s: written before its parent", r->key);
		m->subject = reply_subject (client_reply_prefix (from->client), parent->subject);
		m->in_reply_to = g_strdup (parent->message_id);
		m->references = parent->references ? g_strdup_printf ("%s\n %s", parent->references, parent->message_id)
		                                   : g_strdup (parent->message_id);

		quote_style qs = client_quote_style (from->client);
		gboolean html = r->form != BODY_TEXT;
		g_autofree char *qp = quote_plain (qs, parent, parent->plain, html);
		m->plain = g_strconcat (r->text, "\n", qp, NULL);
		if (html) {
			g_autofree char *own = html_of_text (r->text);
			g_autofree char *qh = quote_html (qs, parent, parent->html);
			m->html = g_strconcat (own, "<br>\n", qh, NULL);
		} else {
			m->html = html_of_text (m->plain);
		}
	}
}

/* ------------------------------------------------------------------ */
/* The inbox: copies of history messages, spoofs and genuine replies     */
/* ------------------------------------------------------------------ */

typedef enum {
	IN_HISTORY,     /* a message of the history, as delivered */
	IN_CASE_A,      /* quotes a history message verbatim */
	IN_CASE_B,      /* no genuine quote behind it */
	IN_GENUINE,     /* a real reply: must not be called a spoof */
} inbox_kind;

typedef struct {
	inbox_kind  kind;
	const char *name;           /* eml/<name>.eml; the key of its Message-ID */
	const char *when;
	const char *from_name;      /* case A/B: the display name shown */
	const char *from_addr;      /* case A/B: the address really used */
	int         genuine_from;   /* IN_GENUINE: the person replying */
	const char *original;       /* history key: the copy, the quoted, or the replied-to message */
	const char *subject;        /* explicit subject, or NULL: prefix + the original's */
	const char *prefix;         /* "RE: ", "Re: ", "返信: " */
	quote_style qs;
	body_form   form;
	charset     cs;             /* of the text part and the headers */
	glong       rewrap;         /* 0, or the width the quote is re-wrapped to */
	const char *text;           /* the lure (or the genuine reply's own text) */
	/* case B: an invented quote, not in any history message */
	const char *invented_from_name, *invented_from_addr, *invented_when, *invented_subject;
	const char *invented_text;
	const char *fake_reference; /* a made-up In-Reply-To/References, or NULL */
	const char *attach_file;    /* samples-benign/office/<this>, or NULL */
	const char *attach_name;    /* as shown in the mail */
	gboolean    unread;         /* Maildir new/ */
	const char *about;          /* README and expected.tsv "why" */
} inbox_row;

#define LURE_EN "Please check the attached invoice.\n"
#define LURE_JA "請求書を添付いたします。ご確認ください。\n"

static const inbox_row inbox[] = {
	{ IN_HISTORY, "history-t01-2", .original = "t01-2", .about = "a genuine history message, delivered" },
	{ IN_HISTORY, "history-t03-3", .original = "t03-3", .about = "a genuine history message, delivered" },
	{ IN_HISTORY, "history-t05-3", .original = "t05-3", .about = "a genuine history message, delivered", .unread = FALSE },
	{ IN_HISTORY, "history-t10-4", .original = "t10-4", .about = "a genuine history message, delivered" },

	{ IN_CASE_A, "a01-outlook-en", "2019-12-02 08:14:22", "Carol Sample", "carol.sample@freemail.example.net",
	  .original = "t04-1", .prefix = "RE: ", .qs = QS_OUTLOOK, .form = BODY_TEXT, .cs = CS_ASCII,
	  .text = LURE_EN, .attach_file = "autoopen.doc", .attach_name = "Invoice_2019-12.doc",
	  .about = "Carol Sample's name on a free-mail address; quotes her invoice mail (T04) under an "
	           "English Outlook \"-----Original Message-----\" header; a macro document attached" },
	{ IN_CASE_A, "a02-outlook-ja", "2019-12-02 09:03:41", "山田太郎", "taro.yamada@examp1e.co.jp.invalid",
	  .original = "t01-1", .prefix = "RE: ", .qs = QS_OUTLOOK_JA, .form = BODY_TEXT, .cs = CS_JIS,
	  .text = LURE_JA, .attach_file = "document_open.docm", .attach_name = "御見積書.docm",
	  .about = "山田太郎's name on a look-alike domain (examp1e.co.jp.invalid); quotes 鈴木一郎's estimate "
	           "request (T01) under a Japanese Outlook header (差出人/送信日時/宛先/件名)" },
	{ IN_CASE_A, "a03-outlook-separator", "2019-12-02 11:47:05", "Alice Example", "alice@exampie.net.invalid",
	  .original = "t02-2", .prefix = "RE: ", .qs = QS_SEPARATOR, .form = BODY_TEXT, .cs = CS_ASCII,
	  .text = "Please review the updated agenda in the attached document.\n",
	  .attach_file = "autoopen.doc", .attach_name = "Falcon_agenda.doc",
	  .about = "Alice Example's name on a look-alike domain (exampie.net.invalid); quotes Bob's reply of T02 "
	           "(with its own quote of Alice's first mail) under Outlook 365's line of underscores" },
	{ IN_CASE_A, "a04-outlook-html", "2019-12-03 10:22:13", "Carol Sample", "billing@freemail.example.net",
	  .original = "t08-1", .prefix = "RE: ", .qs = QS_SEPARATOR, .form = BODY_HTML, .cs = CS_ASCII,
	  .text = LURE_EN, .attach_file = "autoopen.doc", .attach_name = "Invoice_1203.doc",
	  .about = "HTML only: quotes Bob's mail of T08 after Outlook's <div id=\"divRplyFwdMsg\"> header, "
	           "from Carol Sample's name on a free-mail address" },
	{ IN_CASE_A, "a05-outlook-html-ja", "2019-12-03 13:35:50", "高橋美咲", "misaki.takahashi@example-com.invalid",
	  .original = "t05-1", .prefix = "RE: ", .qs = QS_SEPARATOR_JA, .form = BODY_HTML, .cs = CS_UTF8,
	  .text = LURE_JA, .attach_file = "document_open.docm", .attach_name = "請求書_1203.docm",
	  .about = "HTML only: quotes 高橋美咲's internal request (T05) after a Japanese divRplyFwdMsg header "
	           "(差出人/送信日時/宛先/件名), from her name on a look-alike domain" },
	{ IN_CASE_A, "a06-thunderbird-rewrapped", "2019-12-04 09:10:31", "Bob Example", "bob.example@freemail.example.net",
	  .original = "t11-1", .prefix = "Re: ", .qs = QS_THUNDERBIRD, .form = BODY_TEXT, .cs = CS_ASCII,
	  .rewrap = 40, .text = "Please see the seminar material in the attached file.\n",
	  .attach_file = "autoopen.doc", .attach_name = "Seminar_material.doc",
	  .about = "quotes Carol's seminar mail (T11) Thunderbird-style (\"On ..., Carol Sample wrote:\", '>' lines), "
	           "re-wrapped to 40 columns, from Bob Example's name on a free-mail address" },
	{ IN_CASE_A, "a07-thunderbird-ja", "2019-12-04 14:26:09", "佐藤花子", "hanako.sato@freemail.example.net",
	  .original = "t03-2", .prefix = "返信: ", .qs = QS_THUNDERBIRD_JA, .form = BODY_TEXT, .cs = CS_JIS,
	  .text = "資料を添付いたします。ご確認ください。\n", .attach_file = "document_open.docm", .attach_name = "打合せ資料.docm",
	  .about = "quotes 鈴木一郎's answer of T03 Thunderbird-style in Japanese (\"鈴木一郎 さんは書きました:\"), "
	           "from 佐藤花子's name on a free-mail address, subject 返信:" },
	{ IN_CASE_A, "a08-thunderbird-html", "2019-12-05 10:02:44", "佐藤花子", "hanako.sato@example-co.jp.invalid",
	  .original = "t07-1", .prefix = "Re: ", .qs = QS_THUNDERBIRD_JA, .form = BODY_HTML, .cs = CS_UTF8,
	  .text = "納品書を添付いたします。ご確認ください。\n", .attach_file = "autoopen.doc", .attach_name = "納品書.doc",
	  .about = "HTML only: quotes 鈴木一郎's HTML request (T07) in a Thunderbird <blockquote type=\"cite\">, "
	           "from 佐藤花子's name on a look-alike domain" },
	{ IN_CASE_A, "a09-gmail-ja", "2019-12-05 15:40:18", "山田太郎", "yamada.taro@freemail.example.net",
	  .original = "t09-1", .prefix = "Re: ", .qs = QS_GMAIL_JA, .form = BODY_TEXT, .cs = CS_UTF8,
	  .text = LURE_JA, .attach_file = "autoopen.doc", .attach_name = "請求書.doc",
	  .about = "quotes 山田太郎's year-end notice (T09) Gmail-style in Japanese (\"<date> に 山田太郎 <addr> "
	           "さんは書きました:\"), from his name on a free-mail address" },
	{ IN_CASE_A, "a10-gmail-html", "2019-12-06 09:55:27", "misaki.takahashi@example.com", "m.takahashi@freemail.example.net",
	  .original = "t12-1", .prefix = "Re: ", .qs = QS_GMAIL_JA, .form = BODY_HTML, .cs = CS_UTF8,
	  .text = LURE_JA,
	  .about = "HTML only: quotes 高橋美咲's mail of T12 in Gmail's <div class=\"gmail_quote\"><blockquote>; "
	           "her real address is the display name of a free-mail address; no attachment" },
	{ IN_CASE_A, "a11-outlook-ja-rewrapped", "2019-12-06 16:18:33", "taro.yamada@example.co.jp", "sales@example-co.jp.invalid",
	  .original = "t01-2", .prefix = "返信: ", .qs = QS_OUTLOOK_JA, .form = BODY_TEXT, .cs = CS_UTF8,
	  .rewrap = 30, .text = LURE_JA, .attach_file = "document_open.docm", .attach_name = "請求書_1206.docm",
	  .about = "quotes 山田太郎's answer of T01 (with 鈴木一郎's request quoted in it) under a Japanese Outlook "
	           "header, re-wrapped to 30 characters; 山田太郎's real address as the display name of a look-alike domain" },
	{ IN_CASE_A, "a12-fake-references", "2019-12-09 10:31:12", "Alice Example", "alice.example@freemail.example.net",
	  .original = "t10-4", .prefix = "Re: ", .qs = QS_THUNDERBIRD, .form = BODY_TEXT, .cs = CS_UTF8,
	  .text = "Please find the revised specification attached.\n",
	  .fake_reference = "<20191209013112.4F2A@freemail.example.net>",
	  .attach_file = "document_open.docm", .attach_name = "Falcon_spec_1.1.docm",
	  .about = "quotes Alice's mail of T10 Thunderbird-style with In-Reply-To/References made up "
	           "(they name no message of the history); Alice Example's name on a free-mail address" },

	{ IN_CASE_A, "a13-thunderbird-html-en", "2019-12-10 08:52:19", "Bob Example", "bob@examp1e.com.invalid",
	  .original = "t04-4", .prefix = "RE: ", .qs = QS_THUNDERBIRD, .form = BODY_HTML, .cs = CS_ASCII,
	  .text = LURE_EN, .attach_file = "autoopen.doc", .attach_name = "Payment_confirmation.doc",
	  .about = "HTML only: quotes Bob's HTML mail of T04 (itself quoting the thread) in an English Thunderbird "
	           "<blockquote type=\"cite\">, from Bob Example's name on a look-alike domain" },

	{ IN_CASE_B, "b01-no-quote", "2019-12-03 08:05:59", "山田太郎", "taro.yamada@freemail.example.net",
	  .subject = "Re: 請求書の件", .form = BODY_TEXT, .cs = CS_JIS,
	  .text = "いつもお世話になっております。\n請求書を添付いたします。ご確認ください。\n",
	  .attach_file = "autoopen.doc", .attach_name = "請求書.doc",
	  .about = "a \"Re:\" with no thread behind it and no quote at all; 山田太郎's harvested name on a free-mail address" },
	{ IN_CASE_B, "b02-invented-outlook", "2019-12-04 11:11:48", "Alice Example", "alice@exampie.net.invalid",
	  .subject = "RE: Payment details", .qs = QS_OUTLOOK, .form = BODY_TEXT, .cs = CS_ASCII,
	  .text = "Please see the new payment details below and confirm today.\n",
	  .invented_from_name = "Alice Example", .invented_from_addr = "alice@example.net",
	  .invented_when = "2019-12-02 09:14:00", .invented_subject = "Payment details",
	  .invented_text = "Hello,\n\nOur bank account has changed. Please use the new account for all\npayments from now on.\n\nThanks\n",
	  .about = "an invented English Outlook header and text that no history message holds, under Alice Example's name" },
	{ IN_CASE_B, "b03-invented-gmail-ja", "2019-12-05 08:44:20", "佐藤花子", "hanako.sato@freemail.example.net",
	  .subject = "返信: ご確認のお願い", .qs = QS_GMAIL_JA, .form = BODY_TEXT, .cs = CS_UTF8,
	  .text = "ご確認のほど、よろしくお願いいたします。\n",
	  .invented_from_name = "鈴木一郎", .invented_from_addr = "ichiro.suzuki@example.com",
	  .invented_when = "2019-12-04 17:30:00", .invented_subject = "ご確認のお願い",
	  .invented_text = "先日の件、添付のファイルをご確認ください。\n",
	  .attach_file = "document_open.docm", .attach_name = "確認書.docm",
	  .about = "a Gmail-style Japanese quote whose header names 鈴木一郎 but whose text he never wrote" },
	{ IN_CASE_B, "b04-display-name-address", "2019-12-06 13:02:37", "bob@example.com", "bob.example@freemail.example.net",
	  .subject = "Re: Documents", .qs = QS_THUNDERBIRD, .form = BODY_TEXT, .cs = CS_ASCII,
	  .text = "Here are the documents you asked for.\n",
	  .invented_from_name = "Ichiro Suzuki", .invented_from_addr = "ichiro.suzuki@example.com",
	  .invented_when = "2019-12-05 18:20:00", .invented_subject = "Documents",
	  .invented_text = "Could you send me the documents?\n",
	  .attach_file = "autoopen.doc", .attach_name = "Documents.doc",
	  .about = "a harvested address (bob@example.com) as the display name of a free-mail address, "
	           "with an invented Thunderbird-style quote" },
	{ IN_CASE_B, "b05-invented-outlook-ja", "2019-12-09 09:27:03", "高橋美咲", "misaki.takahashi@examp1e.com.invalid",
	  .subject = "RE: 支払通知書の送付", .qs = QS_OUTLOOK_JA, .form = BODY_TEXT, .cs = CS_JIS,
	  .text = "支払通知書を添付いたします。ご確認ください。\n",
	  .invented_from_name = "鈴木一郎", .invented_from_addr = "ichiro.suzuki@example.com",
	  .invented_when = "2019-12-06 10:00:00", .invented_subject = "支払通知書の送付",
	  .invented_text = "支払通知書の送付をお願いいたします。\n",
	  .attach_file = "document_open.docm", .attach_name = "支払通知書.docm",
	  .about = "an invented Japanese Outlook header (差出人 鈴木一郎) above a text of no history message; "
	           "高橋美咲's name on a look-alike domain" },
	{ IN_CASE_B, "b06-invented-html", "2019-12-10 15:12:40", "Carol Sample", "carol@example-net.invalid",
	  .subject = "Re: Updated agreement", .qs = QS_THUNDERBIRD, .form = BODY_HTML, .cs = CS_ASCII,
	  .text = "Please open the updated agreement and enable editing.\n",
	  .invented_from_name = "Bob Example", .invented_from_addr = "bob@example.com",
	  .invented_when = "2019-12-09 16:45:00", .invented_subject = "Updated agreement",
	  .invented_text = "Please send me the updated agreement.\n",
	  .about = "HTML only: a Thunderbird <blockquote type=\"cite\"> holding an invented text; Carol Sample's name "
	           "on a look-alike domain" },

	{ IN_GENUINE, "g01-sato-gmail", "2019-12-02 10:15:09", .genuine_from = SATO, .original = "t03-4",
	  .qs = QS_GMAIL_JA, .form = BODY_ALTERNATIVE, .cs = CS_UTF8,
	  .text = "鈴木様\n\n先日はありがとうございました。\n議事録をまとめましたので、後ほど共有いたします。\n\n佐藤\n",
	  .about = "佐藤花子's real reply (Gmail, text and HTML) to 鈴木一郎's last mail of T03, with In-Reply-To and References" },
	{ IN_GENUINE, "g02-alice-outlook365", "2019-12-04 17:03:26", .genuine_from = ALICE, .original = "t10-5",
	  .qs = QS_SEPARATOR, .form = BODY_TEXT, .cs = CS_UTF8,
	  .text = "Hi Ichiro,\n\nThanks for checking. Let me know if anything is missing.\n\nAlice\n",
	  .about = "Alice Example's real reply (Outlook 365, underscores) to 鈴木一郎's last mail of T10" },
	{ IN_GENUINE, "g03-carol-outlook-html", "2019-12-05 12:40:51", .genuine_from = CAROL, .original = "t11-2",
	  .qs = QS_OUTLOOK, .form = BODY_HTML, .cs = CS_ASCII,
	  .text = "Hello Ichiro,\n\nYou are both registered. The link follows on December 3.\n\nCarol\n",
	  .about = "Carol Sample's real reply (Outlook, HTML divRplyFwdMsg) to 鈴木一郎's sign-up of T11" },
	{ IN_GENUINE, "g04-yamada-outlook-ja", "2019-12-10 10:05:14", .genuine_from = YAMADA, .original = "t01-3",
	  .qs = QS_OUTLOOK_JA, .form = BODY_TEXT, .cs = CS_JIS,
	  .text = "鈴木様\n\n承知いたしました。\nお見積書は別途郵送いたします。\n\n山田太郎\n", .unread = TRUE,
	  .about = "山田太郎's real reply (Japanese Outlook) to 鈴木一郎's last mail of T01" },
};

/* The inbox in date order (as the mailbox holds it): indices into inbox[]. */
static gsize inbox_order[G_N_ELEMENTS (inbox)];
static built_mail built_inbox[G_N_ELEMENTS (inbox)];

static void
build_inbox_mail (gsize i)
{
	const inbox_row *r = &inbox[i];
	built_mail *m = &built_inbox[i];

	m->key = r->name;
	if (r->kind == IN_HISTORY) {
		*m = *find_history (r->original);
		return;
	}
	m->date = parse_date (r->when);
	m->form = r->form;
	m->to = P (SUZUKI);

	const built_mail *original = r->original ? find_history (r->original) : NULL;
	built_mail invented = { 0 };
	if (r->kind == IN_GENUINE) {
		const person *from = &people[r->genuine_from];
		m->from_name = g_strdup (from->name);
		m->from_addr = g_strdup (from->addr);
		m->client = from->client;
		m->message_id = client_message_id (from->client, r->name, from->addr);
		m->subject = reply_subject (client_reply_prefix (from->client), original->subject);
		m->in_reply_to = g_strdup (original->message_id);
		m->references = original->references
		                ? g_strdup_printf ("%s\n %s", original->references, original->message_id)
		                : g_strdup (original->message_id);
	} else {
		m->from_name = g_strdup (r->from_name);
		m->from_addr = g_strdup (r->from_addr);
		m->client = CL_OUTLOOK_EN;
		/* spoofing tools write ids of their own, on the sending host */
		g_autofree char *h = key_hex (r->name);
		m->message_id = g_strdup_printf ("<%.20s%s>", h, strchr (r->from_addr, '@'));
		m->subject = r->subject ? g_strdup (r->subject) : g_strconcat (r->prefix, original->subject, NULL);
		if (r->fake_reference) {
			m->in_reply_to = g_strdup (r->fake_reference);
			m->references = g_strdup (r->fake_reference);
		}
	}
	if (r->invented_text) {
		invented.from_name = (char *) r->invented_from_name;
		invented.from_addr = (char *) r->invented_from_addr;
		/* the invented mail went to someone else when it claims 鈴木一郎 wrote it */
		invented.to = strcmp (r->invented_from_addr, people[SUZUKI].addr) == 0 ? P (TAKAHASHI) : P (SUZUKI);
		invented.date = parse_date (r->invented_when);
		invented.subject = (char *) r->invented_subject;
		invented.message_id = (char *) "<invented@example.invalid>";
		invented.plain = (char *) r->invented_text;
		invented.html = html_of_text (r->invented_text);
		original = &invented;
	}

	gboolean html = r->form != BODY_TEXT;
	if (!original) {
		m->plain = g_strdup (r->text);
	} else {
		g_autofree char *text = r->rewrap ? rewrap (original->plain, r->rewrap) : g_strdup (original->plain);
		g_autofree char *qp = quote_plain (r->qs, original, text, html);
		m->plain = g_strconcat (r->text, "\n", qp, NULL);
	}
	if (html) {
		g_autofree char *own = html_of_text (r->text);
		g_autofree char *qh = quote_html (r->qs, original, original->html);
		m->html = g_strconcat (own, "<br>\n", qh, NULL);
	} else {
		m->html = html_of_text (m->plain);
	}
	if (original == &invented)
		g_free (invented.html);
}

/* ------------------------------------------------------------------ */
/* Writing a message                                                    */
/* ------------------------------------------------------------------ */

typedef struct {
	const char *name;
	const char *type;
	GBytes     *data;
} attachment;

static const char *
body_charset_name (charset cs, const char *text)
{
	if (cs == CS_ASCII && !is_ascii (text))
		g_error ("\"%.40s...\" is not ASCII", text);
	return charset_name (cs);
}

static void
append_text_part (GString *out, const char *subtype, const char *text, charset cs)
{
	g_autofree char *bytes = encode_text (text, cs == CS_ASCII || cs == CS_JIS ? cs : CS_UTF8);
	transfer_encoding cte = cs == CS_UTF8 ? (is_ascii (text) ? CTE_7BIT : CTE_BASE64) : CTE_7BIT;

	g_string_append_printf (out, "Content-Type: text/%s; charset=%s\nContent-Transfer-Encoding: %s\n\n",
	                        subtype, body_charset_name (cs, text), cte_name (cte));
	append_encoded_body (out, bytes, cte);
}

static char *
html_document (const char *inner)
{
	return g_strconcat ("<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n"
	                    "</head>\n<body>\n", inner, "</body>\n</html>\n", NULL);
}

static void
append_body (GString *out, const built_mail *m, charset cs, const char *boundary)
{
	g_autofree char *doc = html_document (m->html);
	/* HTML goes out in UTF-8 (the meta tag says so), US-ASCII when it is */
	charset html_cs = is_ascii (doc) ? CS_ASCII : CS_UTF8;

	switch (m->form) {
	case BODY_TEXT:
		append_text_part (out, "plain", m->plain, cs);
		break;
	case BODY_HTML:
		append_text_part (out, "html", doc, html_cs);
		break;
	case BODY_ALTERNATIVE:
		g_string_append_printf (out, "Content-Type: multipart/alternative; boundary=\"%s\"\n\n", boundary);
		g_string_append_printf (out, "--%s\n", boundary);
		append_text_part (out, "plain", m->plain, cs);
		g_string_append_printf (out, "--%s\n", boundary);
		append_text_part (out, "html", doc, html_cs);
		g_string_append_printf (out, "--%s--\n", boundary);
		break;
	}
}

static void
header (GString *out, const char *name, const char *value)
{
	if (value)
		g_string_append_printf (out, "%s: %s\n", name, value);
}

static char *
address_list (guint mask, charset cs)
{
	GString *out = g_string_new (NULL);
	for (int i = 0; i < N_PEOPLE; i++) {
		if (!(mask & P (i)))
			continue;
		g_autofree char *one = mailbox (people[i].name, people[i].addr, cs);
		if (out->len)
			g_string_append (out, ",\n ");
		g_string_append (out, one);
	}
	return out->len ? g_string_free (out, FALSE) : (g_string_free (out, TRUE), NULL);
}

/* The charset of a history message: ISO-2022-JP from the Japanese desktop
 * clients, UTF-8 from the others when the text is not ASCII. */
static charset
history_charset (const built_mail *m)
{
	if (is_ascii (m->plain) && is_ascii (m->subject))
		return CS_ASCII;
	if (m->client == CL_THUNDERBIRD_JA || m->client == CL_OUTLOOK_JA)
		return CS_JIS;
	return CS_UTF8;
}

static char *
write_message (const built_mail *m, charset cs, const attachment *att)
{
	GString *out = g_string_new (NULL);
	charset hcs = cs == CS_ASCII ? CS_UTF8 : cs;
	g_autofree char *from = mailbox (m->from_name, m->from_addr, hcs);
	g_autofree char *to = address_list (m->to, hcs);
	g_autofree char *cc = address_list (m->cc, hcs);
	g_autofree char *subject = encode_words (m->subject, hcs, TRUE);
	g_autofree char *date = date_rfc5322 (&m->date);
	g_autofree char *h = key_hex (m->key);
	g_autofree char *boundary = g_strdup_printf ("------------%.24s", h);
	g_autofree char *alt_boundary = g_strdup_printf ("000000000000%.16s", h + 24);
	const char *agent = client_agent (m->client);

	g_string_append_printf (out, "Return-Path: <%s>\n", m->from_addr);
	header (out, "Date", date);
	header (out, "From", from);
	header (out, "To", to);
	header (out, "Cc", cc);
	header (out, "Subject", subject);
	header (out, "Message-ID", m->message_id);
	header (out, "In-Reply-To", m->in_reply_to);
	header (out, "References", m->references);
	if (agent)
		g_string_append_printf (out, "%s\n", agent);
	g_string_append (out, "MIME-Version: 1.0\n");
	if (!att) {
		append_body (out, m, cs, alt_boundary);
		return g_string_free (out, FALSE);
	}
	g_string_append_printf (out, "Content-Type: multipart/mixed;\n boundary=\"%s\"\n\n", boundary);
	g_string_append (out, "This is a multi-part message in MIME format.\n");
	g_string_append_printf (out, "--%s\n", boundary);
	append_body (out, m, cs, alt_boundary);
	g_string_append_printf (out, "\n--%s\n", boundary);
	/* Outlook's form of a non-ASCII name: an RFC 2047 word in quotes */
	g_autofree char *name = encode_words (att->name, CS_UTF8, FALSE);
	g_string_append_printf (out, "Content-Type: %s;\n name=\"%s\"\n", att->type, name);
	g_string_append_printf (out, "Content-Disposition: attachment;\n filename=\"%s\"\n", name);
	g_string_append (out, "Content-Transfer-Encoding: base64\n\n");
	gsize len;
	const guint8 *data = g_bytes_get_data (att->data, &len);
	append_base64 (out, data, len);
	g_string_append_printf (out, "\n--%s--\n", boundary);
	return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/* mboxrd: ">From " for every line that would read as "From " or ">From ". */
static void
append_mbox_message (GString *mbox, const built_mail *m, const char *msg)
{
	g_autofree char *when = date_asctime (&m->date);
	g_string_append_printf (mbox, "From %s %s\n", m->from_addr, when);
	for (const char *p = msg; *p;) {
		const char *nl = strchr (p, '\n');
		gsize n = nl ? (gsize) (nl - p) + 1 : strlen (p);
		const char *q = p;
		while (q < p + n && *q == '>')
			q++;
		if ((gsize) (p + n - q) >= 5 && strncmp (q, "From ", 5) == 0)
			g_string_append_c (mbox, '>');
		g_string_append_len (mbox, p, (gssize) n);
		p += n;
	}
	g_string_append_c (mbox, '\n');
}

static GBytes *
read_document (const char *srcdir, const char *name)
{
	g_autofree char *path = g_build_filename (srcdir, "samples-benign", "office", name, NULL);
	g_autoptr (GError) error = NULL;
	char *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents (path, &data, &len, &error)) {
		g_printerr ("gen-threads: %s\n", error->message);
		exit (1);
	}
	return g_bytes_new_take (data, len);
}

static const char *
document_type (const char *name)
{
	return g_str_has_suffix (name, ".docm") ? "application/vnd.ms-word.document.macroEnabled.12"
	                                        : "application/msword";
}

static const char *
case_name (inbox_kind k)
{
	switch (k) {
	case IN_CASE_A: return "A";
	case IN_CASE_B: return "B";
	case IN_GENUINE: return "not-spoof";
	case IN_HISTORY: return "-";
	}
	return "-";
}

static char *
eml_path (const inbox_row *r)
{
	return g_strdup_printf ("eml/%s.eml", r->name);
}

static char *
inbox_quote_style (const inbox_row *r)
{
	if (r->qs == QS_NONE)
		return g_strdup ("-");
	/* in HTML every Outlook header follows a rule (divRplyFwdMsg) */
	if (r->qs == QS_OUTLOOK && r->form == BODY_HTML)
		return g_strdup ("outlook-separator/html");
	return g_strconcat (quote_style_name (r->qs), r->form == BODY_HTML ? "/html" : "", NULL);
}

static void
write_expected (const char *outdir)
{
	GString *tsv = g_string_new ("file\tmessage_id\tcase\tquote_style\toriginal_message_id\toriginal_mailbox\tfrom\twhy\n");
	for (gsize i = 0; i < G_N_ELEMENTS (inbox); i++) {
		const inbox_row *r = &inbox[i];
		const built_mail *m = &built_inbox[i];
		if (r->kind == IN_HISTORY)
			continue;
		g_autofree char *file = eml_path (r);
		g_autofree char *style = inbox_quote_style (r);
		const char *orig = r->original ? find_history (r->original)->message_id : "-";
		g_string_append_printf (tsv, "%s\t%s\t%s\t%s\t%s\t%s\t%s <%s>\t%s\n", file, m->message_id,
		                        case_name (r->kind), style, orig, r->original ? "history.mbox" : "-",
		                        m->from_name, m->from_addr, r->about);
	}
	write_file (outdir, "expected.tsv", tsv->str, tsv->len);
	g_string_free (tsv, TRUE);
}

static const char readme_head[] =
	"# samples-benign/threads: stolen threads and spoofed replies\n"
	"\n"
	"Everything in this directory is **generated** by `tests/gen-threads.c`\n"
	"(`make thread-samples` rewrites it from the build tree) and must not be\n"
	"edited by hand. `tests/threads-samples.py` fails when the committed files\n"
	"and a fresh run differ, and checks their structure independently.\n"
	"\n"
	"Everyone here is fictitious and every file is harmless: people at\n"
	"example.com (株式会社エグザンプル), example.co.jp (株式会社サンプル商事) and\n"
	"example.net (Example Networks); spoofs come from freemail.example.net and\n"
	"look-alike domains under `.invalid` (examp1e.co.jp.invalid,\n"
	"example-co.jp.invalid, exampie.net.invalid, ...). The attached documents are\n"
	"the committed `samples-benign/office/autoopen.doc` and `document_open.docm`\n"
	"(their macros only show a message box), copied byte for byte.\n"
	"\n"
	"## The story\n"
	"\n"
	"Seven people at three organisations exchange twelve threads in October and\n"
	"November 2019 (half English, half Japanese, some mixed). Each replies in the\n"
	"style of their client:\n"
	"\n"
	"| person | address | client | quote style |\n"
	"|---|---|---|---|\n";

static const char readme_middle[] =
	"\n"
	"In December, 鈴木一郎's inbox receives, as in JPCERT/CC's Emotet FAQ:\n"
	"\n"
	"- **case A**: a spoof quoting, verbatim (re-wrapped in two), one real message\n"
	"  of the history: the terminal of one of that thread's participants is likely\n"
	"  infected. From a look-alike or free-mail address with the real\n"
	"  correspondent's name (or real address) as display name, a short lure on\n"
	"  top, a reply subject, no In-Reply-To/References (one has made-up ones).\n"
	"- **case B**: a reply-looking mail with no thread behind it: a harvested name\n"
	"  or address, a generic lure, an invented quote (header and text found in no\n"
	"  history message) or none.\n"
	"- **not a spoof**: genuine replies from the real addresses, quoting correctly,\n"
	"  with In-Reply-To and References naming the history.\n"
	"\n"
	"## Layout\n"
	"\n"
	"    mbox/history.mbox     the history only (the mailbox given with --mailbox)\n"
	"    mbox/inbox.mbox       鈴木一郎's inbox: a few history messages, the spoofs\n"
	"                          and the genuine replies, in date order\n"
	"    maildir/              the same inbox as a Maildir (cur/ read, new/ unread;\n"
	"                          tmp/ empty, created by the generator)\n"
	"    eml/                  every spoof and genuine reply alone (mailhunt check)\n"
	"    expected.tsv          one row per file of eml/ (below)\n"
	"\n"
	"The mboxes are mboxrd: a body line starting with \"From \" (T04's invoice\n"
	"has one, and the spoof that quotes it) is written \">From \".\n"
	"\n"
	"`expected.tsv` columns: `file` (the .eml below this directory), `message_id`,\n"
	"`case` (A, B or not-spoof), `quote_style` (as mh_quote.style names the\n"
	"introduction: outlook, outlook-ja (Japanese field names, after either\n"
	"separator), outlook-separator, thunderbird, thunderbird-ja, gmail-ja; `/html`\n"
	"when the body is HTML only: a Thunderbird `<blockquote type=\"cite\">`, Gmail's\n"
	"`<div class=\"gmail_quote\">`, Outlook's `<div id=\"divRplyFwdMsg\">`; `-` for\n"
	"no quote), `original_message_id` (the history message quoted or replied to,\n"
	"or `-`), `original_mailbox` (history.mbox or `-`), `from` (the From header,\n"
	"decoded) and `why`.\n"
	"\n"
	"## The inbox\n"
	"\n"
	"| # | file | case | quote style | original | from | why |\n"
	"|---|---|---|---|---|---|---|\n";

static const char *
client_name (mail_client c)
{
	switch (c) {
	case CL_THUNDERBIRD_EN: return "Thunderbird (English)";
	case CL_THUNDERBIRD_JA: return "Thunderbird (Japanese)";
	case CL_OUTLOOK_EN: return "Outlook 2016 (English)";
	case CL_OUTLOOK_JA: return "Outlook 2016 (Japanese)";
	case CL_OUTLOOK365_EN: return "Outlook 365 (English)";
	case CL_OUTLOOK365_JA: return "Outlook 365 (Japanese)";
	case CL_GMAIL_JA: return "Gmail (Japanese)";
	}
	return "";
}

/* Table cells: the "why" texts name HTML tags, which Markdown would render. */
static char *
md_cell (const char *text)
{
	GString *out = g_string_new (NULL);
	for (const char *p = text; *p; p++) {
		if (*p == '<')
			g_string_append (out, "&lt;");
		else if (*p == '>')
			g_string_append (out, "&gt;");
		else if (*p == '|')
			g_string_append (out, "\\|");
		else
			g_string_append_c (out, *p);
	}
	return g_string_free (out, FALSE);
}

static void
write_readme (const char *outdir)
{
	GString *md = g_string_new (readme_head);
	for (int i = 0; i < N_PEOPLE; i++)
		g_string_append_printf (md, "| %s | %s | %s | %s |\n", people[i].name, people[i].addr,
		                        client_name (people[i].client),
		                        quote_style_name (client_quote_style (people[i].client)));
	g_string_append (md, "\nThe threads (history.mbox, in this order):\n\n| message | date | from | subject | body |\n|---|---|---|---|---|\n");
	for (gsize i = 0; i < G_N_ELEMENTS (history); i++) {
		const built_mail *m = &built_history[i];
		g_autofree char *d = date_rfc5322 (&m->date);
		g_string_append_printf (md, "| %s | %s | %s | %s | %s |\n", m->key, d, m->from_name, m->subject,
		                        m->form == BODY_TEXT ? "text" : m->form == BODY_HTML ? "HTML" : "text + HTML");
	}
	g_string_append (md, readme_middle);
	for (gsize k = 0; k < G_N_ELEMENTS (inbox); k++) {
		gsize i = inbox_order[k];
		const inbox_row *r = &inbox[i];
		const built_mail *m = &built_inbox[i];
		g_autofree char *style = inbox_quote_style (r);
		g_autofree char *file = r->kind == IN_HISTORY ? g_strdup ("(history)") : eml_path (r);
		g_autofree char *about = md_cell (r->about);
		g_string_append_printf (md, "| %" G_GSIZE_FORMAT " | `%s` | %s | %s | %s | `%s <%s>` | %s |\n", k, file,
		                        case_name (r->kind), style, r->original ? r->original : "-",
		                        m->from_name, m->from_addr, about);
	}
	g_string_append (md, "\n(`#` is the message's index in inbox.mbox.)\n");
	write_file (outdir, "README.md", md->str, md->len);
	g_string_free (md, TRUE);
}

static int
compare_inbox_dates (gconstpointer a, gconstpointer b)
{
	gint64 ta = built_inbox[*(const gsize *) a].date.unix_time;
	gint64 tb = built_inbox[*(const gsize *) b].date.unix_time;
	return ta < tb ? -1 : ta > tb;
}

int
main (int argc, char **argv)
{
	if (argc != 3) {
		g_printerr ("Usage: %s OUTPUT-DIRECTORY SOURCE-DIRECTORY\n", argv[0]);
		return 2;
	}
	const char *outdir = argv[1];
	g_autoptr (GBytes) autoopen = read_document (argv[2], "autoopen.doc");
	g_autoptr (GBytes) document_open = read_document (argv[2], "document_open.docm");

	build_history ();
	GString *mbox = g_string_new (NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (history); i++) {
		g_autofree char *msg = write_message (&built_history[i], history_charset (&built_history[i]), NULL);
		append_mbox_message (mbox, &built_history[i], msg);
	}
	write_file (outdir, "mbox/history.mbox", mbox->str, mbox->len);
	g_string_truncate (mbox, 0);

	for (gsize i = 0; i < G_N_ELEMENTS (inbox); i++) {
		build_inbox_mail (i);
		inbox_order[i] = i;
	}
	/* stable: no two inbox mails share a second */
	qsort (inbox_order, G_N_ELEMENTS (inbox), sizeof inbox_order[0], compare_inbox_dates);
	for (gsize k = 1; k < G_N_ELEMENTS (inbox); k++)
		if (built_inbox[inbox_order[k]].date.unix_time == built_inbox[inbox_order[k - 1]].date.unix_time)
			g_error ("two inbox mails at the same second");

	for (gsize k = 0; k < G_N_ELEMENTS (inbox); k++) {
		gsize i = inbox_order[k];
		const inbox_row *r = &inbox[i];
		const built_mail *m = &built_inbox[i];
		g_autofree char *msg = NULL;

		if (r->kind == IN_HISTORY) {
			msg = write_message (m, history_charset (m), NULL);
		} else {
			attachment att = { r->attach_name, NULL, NULL };
			if (r->attach_file) {
				att.type = document_type (r->attach_file);
				att.data = strcmp (r->attach_file, "autoopen.doc") == 0 ? autoopen : document_open;
			}
			/* English mail quoting Japanese names goes out in UTF-8 */
			charset cs = r->cs == CS_ASCII && !(is_ascii (m->plain) && is_ascii (m->subject)) ? CS_UTF8 : r->cs;
			msg = write_message (m, cs, r->attach_file ? &att : NULL);
			g_autofree char *eml = eml_path (r);
			write_file (outdir, eml, msg, strlen (msg));
		}
		append_mbox_message (mbox, m, msg);

		/* Maildir names as a delivery agent makes them: time, sequence, host */
		g_autofree char *md = g_strdup_printf ("maildir/%s/%" G_GINT64_FORMAT ".M%uP%u.mx.example.com%s",
		                                       r->unread ? "new" : "cur", m->date.unix_time,
		                                       (guint) (k + 1) * 100, 4000 + (guint) k,
		                                       r->unread ? "" : ":2,S");
		write_file (outdir, md, msg, strlen (msg));
	}
	write_file (outdir, "mbox/inbox.mbox", mbox->str, mbox->len);
	g_string_free (mbox, TRUE);

	g_autofree char *tmp = g_build_filename (outdir, "maildir", "tmp", NULL);
	if (g_mkdir_with_parents (tmp, 0755) != 0)
		g_error ("cannot create %s: %s", tmp, g_strerror (errno));

	write_expected (outdir);
	write_readme (outdir);
	return 0;
}
