/* gen-samples — writes mailhunt's harmless sample mailboxes.
 *
 * Usage: gen-samples OUTPUT-DIRECTORY
 *
 * The repository holds no malware, so every sample of a "malicious" mail is
 * built here from fictitious people (example.com, example.net, example.org,
 * example.co.jp and the .example TLD; TEST-NET addresses) and harmless
 * attachments.  The output is deterministic: fixed dates, fixed boundaries,
 * no clock, no randomness, gzip headers without name or time, so the files
 * committed in samples-benign/ can be compared with a fresh run
 * (tests/samples.py).
 *
 * Every fact about a sample lives in one place, scenarios[] below: where
 * the message is written, how mailhunt should name its folder, its decoded
 * subject, the findings mailhunt should make, and whether it is an Emotet
 * case A (quotes a genuinely exchanged mail) or case B (generated from a
 * harvested address) spoof.  expected.tsv, expected-skipped.tsv and
 * README.md are written from that table.
 *
 * Japanese mail is the normal case: headers are RFC 2047 ISO-2022-JP words,
 * bodies are ISO-2022-JP or 8-bit Shift_JIS (CP932), and the CP932
 * extensions (NEC row 13: ①, ㈱) are encoded here by hand, since glibc's
 * ISO-2022-JP converter refuses them.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "gen-mail.h"
#include <gio/gio.h>

/* ------------------------------------------------------------------ */
/* Encodings                                                           */
/* ------------------------------------------------------------------ */

/* RFC 2231 value: everything but attribute-chars as %XX. */
static char *
percent_encode (const char *s)
{
	GString *out = g_string_new (NULL);
	for (const guint8 *p = (const guint8 *) s; *p; p++) {
		if (g_ascii_isalnum (*p) || strchr ("!#$&+-.^_`|~", *p))
			g_string_append_c (out, (char) *p);
		else
			g_string_append_printf (out, "%%%02X", *p);
	}
	return g_string_free (out, FALSE);
}


/* ------------------------------------------------------------------ */
/* Quoting, as mail clients do it                                      */
/* ------------------------------------------------------------------ */

/* Thunderbird's plain-text quoting: "> " before a line, ">" before a line
 * already quoted and on an empty line. */
static char *
quote_lines (const char *text)
{
	GString *out = g_string_new (NULL);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	guint n = g_strv_length (lines);

	/* the text ends with a newline: no quoted empty line for it */
	if (n > 0 && !*lines[n - 1])
		n--;
	for (guint i = 0; i < n; i++) {
		if (!*lines[i])
			g_string_append (out, ">\n");
		else if (lines[i][0] == '>')
			g_string_append_printf (out, ">%s\n", lines[i]);
		else
			g_string_append_printf (out, "> %s\n", lines[i]);
	}
	return g_string_free (out, FALSE);
}

/* Thunderbird leaves the signature out of a quote (mail.strip_sig_on_reply). */
static char *
without_signature (const char *text)
{
	const char *sig = strstr (text, "\n-- \n");
	return sig ? g_strndup (text, (gsize) (sig - text + 1)) : g_strdup (text);
}

/* ------------------------------------------------------------------ */
/* The texts of the genuine mails, reused verbatim by the spoofs that     */
/* quote them (that is what makes them case A)                         */
/* ------------------------------------------------------------------ */

static const char body_estimate_request[] =
	"株式会社サンプル商事\n"
	"営業部 山田太郎 様\n"
	"\n"
	"いつもお世話になっております。\n"
	"株式会社エグザンプル 総務部の鈴木です。\n"
	"\n"
	"先日お打ち合わせいたしました案件①につきまして、\n"
	"下記の条件でお見積りをお願いできますでしょうか。\n"
	"\n"
	"・品名：業務用ノートパソコン（15インチ）\n"
	"・数量：20台\n"
	"・希望納期：2020年1月31日\n"
	"・納品場所：弊社本社\n"
	"\n"
	"ご多用のところ恐れ入りますが、11月15日までに\n"
	"ご回答いただけますと幸いです。\n"
	"\n"
	"よろしくお願いいたします。\n"
	"\n"
	"-- \n"
	"株式会社エグザンプル 総務部\n"
	"鈴木一郎 <ichiro.suzuki@example.com>\n";

/* Japanese Outlook's plain-text reply header, in front of the quoted mail. */
static const char outlook_ja_header_estimate[] =
	"-----Original Message-----\n"
	"差出人: 鈴木一郎 <ichiro.suzuki@example.com>\n"
	"送信日時: 2019年11月5日 18:02\n"
	"宛先: 山田太郎 <taro.yamada@example.co.jp>\n"
	"件名: お見積りのご依頼（案件①）\n"
	"\n";

static const char body_estimate_reply[] =
	"株式会社エグザンプル\n"
	"鈴木様\n"
	"\n"
	"いつもお世話になっております。\n"
	"サンプル商事の山田です。\n"
	"\n"
	"お見積りのご依頼、ありがとうございます。\n"
	"社内で確認のうえ、11月13日までにお見積書をお送りいたします。\n"
	"\n"
	"引き続きよろしくお願いいたします。\n"
	"\n"
	"━━━━━━━━━━━━━━━━━━━━\n"
	"株式会社サンプル商事 営業部\n"
	"山田太郎 <taro.yamada@example.co.jp>\n"
	"━━━━━━━━━━━━━━━━━━━━\n"
	"\n";

/* The English line "From December ..." follows a blank line and starts
 * with "From ": old Thunderbird wrote it into the mbox as it is. */
static const char body_holiday_notice[] =
	"お取引先各位\n"
	"\n"
	"平素は格別のご高配を賜り、厚く御礼申し上げます。\n"
	"誠に勝手ながら、弊社では下記の期間を年末年始休業とさせていただきます。\n"
	"\n"
	"■休業期間\n"
	"2019年12月28日（土）から2020年1月5日（日）まで\n"
	"\n"
	"期間中にいただいたお問い合わせには、1月6日（月）以降に順次お答えいたします。\n"
	"\n"
	"[English]\n"
	"\n"
	"From December 28, 2019 to January 5, 2020, our office will be closed.\n"
	"Enquiries received during this period will be answered from January 6.\n"
	"\n"
	"㈱サンプル商事 総務部\n"
	"佐藤花子 <hanako.sato@example.co.jp>\n";

/* "From the minutes ..." is escaped to ">From the minutes ..." in the mbox. */
static const char body_falcon_schedule[] =
	"Dear Suzuki-san,\n"
	"\n"
	"Thank you for the productive kick-off meeting last week.\n"
	"From the minutes of the kick-off meeting, the Q1 milestones are:\n"
	"\n"
	"  - January 15: requirements freeze\n"
	"  - February 14: first prototype\n"
	"  - March 27: acceptance test\n"
	"\n"
	"The detailed schedule is attached (a text file), together with our\n"
	"project logo for the status reports.\n"
	"\n"
	"Best regards,\n"
	"Alice\n"
	"\n"
	"-- \n"
	"Alice Example\n"
	"Project Manager, Example Networks\n"
	"alice@example.net\n";

static const char falcon_reply_text[] =
	"Dear Alice,\n"
	"\n"
	"Thank you for the schedule.  The milestones look fine to us;\n"
	"we will confirm the acceptance test date by the end of November.\n"
	"\n"
	"Best regards,\n"
	"Ichiro Suzuki\n"
	"\n"
	"On 11/12/2019 4:30 PM, Alice Example wrote:\n";

static const char attachment_schedule[] =
	"Project Falcon - Q1 2020 schedule (fictitious)\n"
	"\n"
	"2020-01-15  requirements freeze\n"
	"2020-02-14  first prototype\n"
	"2020-03-27  acceptance test\n";

/* The "Word document" of every lure in the story is this plain text: the
 * story is about who wrote to whom (case A/B); real documents with
 * harmless macros are generated by tests/gen-office.c into office/. */
static const char attachment_fake_doc[] =
	"mailhunt sample: a harmless placeholder named like a Word document.\n"
	"It is plain text: no macro, no OLE2 container, nothing to run.\n";

/* A 1x1 PNG, for an image attachment that is really an image. */
static const guint8 attachment_png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
	0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
	0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
	0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47,
	0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

/* Generic lure texts of the generated (case B) mails: no genuine quote. */
static const char lure_invoice_ja[] =
	"鈴木一郎 様\n"
	"\n"
	"いつもお世話になっております。\n"
	"\n"
	"請求書を送付いたします。\n"
	"添付ファイルをご確認のうえ、期日までにお手続きをお願いいたします。\n"
	"\n"
	"よろしくお願いいたします。\n";

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

typedef enum {
	FN_ASCII,            /* filename="plain.txt" */
	FN_RFC2231,          /* filename*=UTF-8''%E8%AB%8B... */
	FN_RFC2231_CONT,     /* filename*0*=UTF-8''...; filename*1*=... */
	FN_RFC2047_QUOTED,   /* filename="=?ISO-2022-JP?B?...?=" (Outlook) */
} filename_style;

typedef struct {
	const char    *filename;   /* UTF-8 */
	filename_style style;
	const char    *type;
	const guint8  *data;
	gsize          len;        /* 0: data is a NUL-terminated text */
} attachment;

typedef struct {
	const char *return_path;
	const char *received;        /* value of one Received header */
	const char *auth_results;
	const char *list_id;
	const char *date;
	const char *from_name, *from_addr;
	const char *sender;          /* addr-spec */
	const char *reply_to_name, *reply_to_addr;
	const char *to_name, *to_addr;
	const char *message_id;
	const char *in_reply_to;
	const char *references;
	const char *agent;           /* a whole header line: "User-Agent: ..." */
	charset     header_cs;       /* of the encoded words */
	charset     body_cs;
	transfer_encoding body_cte;
	const char *body;            /* UTF-8 */
	const char *boundary;        /* for multipart/mixed */
	attachment  att[3];
} mail;

typedef enum {
	OUT_TB_MBOX,     /* Thunderbird mbox: "From - <date>", X-Mozilla-Status, LF */
	OUT_MBOX,        /* mboxrd with classic "From sender <date>" lines, LF */
	OUT_MAILDIR,     /* one message per file, LF, as the MDA wrote it */
	OUT_EML_CRLF,    /* one message per file, CRLF (a Windows gateway's export) */
	OUT_EML_GZ_CRLF, /* the same, gzip-compressed */
	OUT_NOT_MAIL,    /* not mail at all: mailhunt must skip it */
} out_format;

typedef struct _scenario scenario;

struct _scenario {
	const char *id;           /* names the sample in README.md and expected.tsv */
	const char *path;         /* below the output directory */
	out_format  format;
	const char *envelope;     /* mbox: the separator line after "From " */
	gboolean    deleted;      /* Thunderbird expunged flag / Maildir T flag */
	gboolean    raw_from;     /* leave "From " body lines unescaped, as old Thunderbird did */
	const char *folder;       /* as mailhunt names it */
	const char *subject;      /* decoded, UTF-8 */
	const char *findings;     /* ids above info, sorted, comma-separated */
	const char *spoof_case;   /* "A", "B" or "" */
	const char *quotes;       /* case A: id of the genuine message quoted */
	const char *attachments;  /* file names as mailhunt should decode them, '|'-separated */
	const char *about;        /* README: what the sample is */
	const char *expect;       /* README: what mailhunt should say about it */
	void      (*build) (GString *out, const scenario *s);
};

static void
append_attachment (GString *out, const mail *m, const attachment *a)
{
	gsize len = a->len ? a->len : strlen ((const char *) a->data);

	switch (a->style) {
	case FN_ASCII:
		g_string_append_printf (out, "Content-Type: %s;\n name=\"%s\"\n", a->type, a->filename);
		g_string_append_printf (out, "Content-Disposition: attachment;\n filename=\"%s\"\n", a->filename);
		break;
	case FN_RFC2231: {
		/* Thunderbird: RFC 2047 in Content-Type, RFC 2231 in Content-Disposition */
		g_autofree char *word = encode_words (a->filename, CS_UTF8, FALSE);
		g_autofree char *pct = percent_encode (a->filename);
		g_string_append_printf (out, "Content-Type: %s;\n name=\"%s\"\n", a->type, word);
		g_string_append_printf (out, "Content-Disposition: attachment;\n filename*=UTF-8''%s\n", pct);
		break;
	}
	case FN_RFC2231_CONT: {
		g_autofree char *word = encode_words (a->filename, CS_UTF8, FALSE);
		g_string_append_printf (out, "Content-Type: %s;\n name=\"%s\"\n", a->type, word);
		g_string_append (out, "Content-Disposition: attachment");
		/* sections of whole characters, each percent-encoded on its own */
		const char *p = a->filename;
		for (int section = 0; *p; section++) {
			const char *end = p;
			for (int chars = 0; *end && chars < 12; chars++)
				end = g_utf8_next_char (end);
			g_autofree char *piece = g_strndup (p, (gsize) (end - p));
			g_autofree char *pct = percent_encode (piece);
			g_string_append_printf (out, ";\n filename*%d*=%s%s", section, section == 0 ? "UTF-8''" : "", pct);
			p = end;
		}
		g_string_append_c (out, '\n');
		break;
	}
	case FN_RFC2047_QUOTED: {
		g_autofree char *word = encode_words (a->filename, m->header_cs, FALSE);
		g_string_append_printf (out, "Content-Type: %s;\n name=\"%s\"\n", a->type, word);
		g_string_append_printf (out, "Content-Disposition: attachment;\n filename=\"%s\"\n", word);
		break;
	}
	}
	g_string_append (out, "Content-Transfer-Encoding: base64\n\n");
	append_base64 (out, a->data, len);
}

static void
header (GString *out, const char *name, const char *value)
{
	if (value)
		g_string_append_printf (out, "%s: %s\n", name, value);
}

#define TEXT_PART_HEADERS "Content-Type: text/plain; charset=%s\nContent-Transfer-Encoding: %s\n\n"

/* Writes the message @m with the subject of @s (the table's, so that the
 * table and the file cannot disagree). */
static void
write_mail (GString *out, const scenario *s, const mail *m)
{
	g_autofree char *from = mailbox (m->from_name, m->from_addr, m->header_cs);
	g_autofree char *to = mailbox (m->to_name, m->to_addr, m->header_cs);
	g_autofree char *reply_to = m->reply_to_addr ? mailbox (m->reply_to_name, m->reply_to_addr, m->header_cs) : NULL;
	g_autofree char *subject = encode_words (s->subject, m->header_cs, TRUE);
	g_autofree char *return_path = m->return_path ? g_strdup_printf ("<%s>", m->return_path) : NULL;
	g_autofree char *sender = m->sender ? g_strdup_printf ("<%s>", m->sender) : NULL;
	g_autofree char *body = encode_text (m->body, m->body_cs);

	header (out, "Return-Path", return_path);
	header (out, "Received", m->received);
	header (out, "Authentication-Results", m->auth_results);
	header (out, "List-Id", m->list_id);
	header (out, "Date", m->date);
	header (out, "From", from);
	header (out, "Sender", sender);
	header (out, "Reply-To", reply_to);
	header (out, "To", to);
	header (out, "Subject", subject);
	header (out, "Message-ID", m->message_id);
	header (out, "In-Reply-To", m->in_reply_to);
	header (out, "References", m->references);
	if (m->agent)
		g_string_append_printf (out, "%s\n", m->agent);
	g_string_append (out, "MIME-Version: 1.0\n");

	if (!m->att[0].filename) {
		g_string_append_printf (out, TEXT_PART_HEADERS, charset_name (m->body_cs), cte_name (m->body_cte));
		append_encoded_body (out, body, m->body_cte);
		return;
	}
	g_string_append_printf (out, "Content-Type: multipart/mixed;\n boundary=\"%s\"\n\n", m->boundary);
	g_string_append (out, "This is a multi-part message in MIME format.\n");
	g_string_append_printf (out, "--%s\n", m->boundary);
	g_string_append_printf (out, TEXT_PART_HEADERS, charset_name (m->body_cs), cte_name (m->body_cte));
	append_encoded_body (out, body, m->body_cte);
	for (int i = 0; i < (int) G_N_ELEMENTS (m->att) && m->att[i].filename; i++) {
		g_string_append_printf (out, "\n--%s\n", m->boundary);
		append_attachment (out, m, &m->att[i]);
	}
	g_string_append_printf (out, "\n--%s--\n", m->boundary);
}

#define FAKE_DOC(name, style) \
	{ name, style, "application/msword", (const guint8 *) attachment_fake_doc, 0 }

/* ---- the Thunderbird profile of 鈴木一郎 (ichiro.suzuki@example.com) ---- */

static void
build_estimate_request (GString *out, const scenario *s)
{
	mail m = {
		.date = "Tue, 5 Nov 2019 18:02:31 +0900",
		.from_name = "鈴木一郎", .from_addr = "ichiro.suzuki@example.com",
		.to_name = "山田太郎", .to_addr = "taro.yamada@example.co.jp",
		.message_id = "<3c7e2f1a-5d2b-4c8e-9a61-0f3b2d4e5a61@example.com>",
		.agent = "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:68.0) Gecko/20100101\n"
		         " Thunderbird/68.2.1",
		.header_cs = CS_JIS, .body_cs = CS_JIS, .body_cte = CTE_7BIT,
		.body = body_estimate_request,
	};
	write_mail (out, s, &m);
}

static void
build_falcon_reply (GString *out, const scenario *s)
{
	g_autofree char *quoted_part = without_signature (body_falcon_schedule);
	g_autofree char *quoted = quote_lines (quoted_part);
	g_autofree char *body = g_strconcat (falcon_reply_text, quoted, NULL);
	mail m = {
		.date = "Wed, 13 Nov 2019 09:05:12 +0900",
		.from_name = "鈴木一郎", .from_addr = "ichiro.suzuki@example.com",
		.to_name = "Alice Example", .to_addr = "alice@example.net",
		.message_id = "<b2f4e6a8-1c3d-4e5f-8a9b-0c1d2e3f4a5b@example.com>",
		.in_reply_to = "<8a1d3b52-7c4e-4f0a-b3d9-2e6c5f1a9b07@example.net>",
		.references = "<8a1d3b52-7c4e-4f0a-b3d9-2e6c5f1a9b07@example.net>",
		.agent = "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:68.0) Gecko/20100101\n"
		         " Thunderbird/68.2.1",
		.header_cs = CS_UTF8, .body_cs = CS_UTF8, .body_cte = CTE_8BIT,
		.body = body,
	};
	write_mail (out, s, &m);
}

static void
build_estimate_reply (GString *out, const scenario *s)
{
	g_autofree char *body = g_strconcat (body_estimate_reply, outlook_ja_header_estimate,
	                                     body_estimate_request, NULL);
	mail m = {
		.return_path = "taro.yamada@example.co.jp",
		.received = "from mail.example.co.jp (mail.example.co.jp [198.51.100.25])\n"
		            "\tby mx.example.com (Postfix) with ESMTPS id 4C1A2B3D4E\n"
		            "\tfor <ichiro.suzuki@example.com>; Wed,  6 Nov 2019 10:15:40 +0900 (JST)",
		.auth_results = "mx.example.com; spf=pass smtp.mailfrom=example.co.jp;\n"
		                " dkim=pass header.d=example.co.jp; dmarc=pass header.from=example.co.jp",
		.date = "Wed, 6 Nov 2019 10:15:33 +0900",
		.from_name = "山田太郎", .from_addr = "taro.yamada@example.co.jp",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<000001d59436$2f5a3c10$8e0eb430$@example.co.jp>",
		.in_reply_to = "<3c7e2f1a-5d2b-4c8e-9a61-0f3b2d4e5a61@example.com>",
		.references = "<3c7e2f1a-5d2b-4c8e-9a61-0f3b2d4e5a61@example.com>",
		.agent = "X-Mailer: Microsoft Outlook 16.0",
		.header_cs = CS_JIS, .body_cs = CS_JIS, .body_cte = CTE_7BIT,
		.body = body,
	};
	write_mail (out, s, &m);
}

static void
build_holiday_notice (GString *out, const scenario *s)
{
	mail m = {
		.return_path = "hanako.sato@example.co.jp",
		.received = "from mail.example.co.jp (mail.example.co.jp [198.51.100.25])\n"
		            "\tby mx.example.com (Postfix) with ESMTPS id 7E8F9A0B1C\n"
		            "\tfor <ichiro.suzuki@example.com>; Wed, 20 Nov 2019 09:30:12 +0900 (JST)",
		.date = "Wed, 20 Nov 2019 09:30:05 +0900",
		.from_name = "佐藤花子", .from_addr = "hanako.sato@example.co.jp",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191120093005.12AB34CD@mail.example.co.jp>",
		.agent = "X-Mailer: Microsoft Outlook 16.0",
		.header_cs = CS_JIS, .body_cs = CS_SJIS, .body_cte = CTE_8BIT,
		.body = body_holiday_notice,
	};
	write_mail (out, s, &m);
}

static void
build_list_newsletter (GString *out, const scenario *s)
{
	g_autofree char *list_name = encode_words ("情報セキュリティ通信", CS_JIS, TRUE);
	g_autofree char *list_id = g_strdup_printf ("%s\n <security-news.lists.example.net>", list_name);
	mail m = {
		.return_path = "bounce-0123-ichiro.suzuki=example.com@lists.example.net",
		.received = "from lists.example.net (lists.example.net [203.0.113.80])\n"
		            "\tby mx.example.com (Postfix) with ESMTP id 1D2E3F4A5B\n"
		            "\tfor <ichiro.suzuki@example.com>; Mon, 25 Nov 2019 12:00:04 +0900 (JST)",
		.auth_results = "mx.example.com; spf=pass smtp.mailfrom=lists.example.net;\n"
		                " dkim=pass header.d=example.org; dmarc=pass header.from=example.org",
		.list_id = list_id,
		.date = "Mon, 25 Nov 2019 12:00:00 +0900",
		.from_name = "情報セキュリティ通信", .from_addr = "editor@security-news.example.org",
		.to_name = NULL, .to_addr = "security-news@lists.example.net",
		.message_id = "<list-0123.20191125120000@lists.example.net>",
		.header_cs = CS_JIS, .body_cs = CS_UTF8, .body_cte = CTE_QP,
		.body =
			"情報セキュリティ通信 第123号\n"
			"\n"
			"年末年始の長期休暇の前後は、不審なメールが増える傾向にあります。\n"
			"次の点にご注意ください。\n"
			"\n"
			"1. 心当たりのない添付ファイルやリンクは開かない\n"
			"2. Word 文書の「編集を有効にする」「コンテンツの有効化」を安易に押さない\n"
			"3. 不審なメールを受け取ったら、システム管理者に連絡する\n"
			"\n"
			"----\n"
			"このメールは配信登録された方にお送りしています。\n"
			"配信停止: https://lists.example.net/unsubscribe\n",
	};
	write_mail (out, s, &m);
}

static void
build_spoof_a_outlook_ja (GString *out, const scenario *s)
{
	g_autofree char *body = g_strconcat (
		"いつもお世話になっております。\n"
		"\n"
		"ご依頼の件、お見積書と請求書を添付にてお送りいたします。\n"
		"お手数ですが、添付ファイルを開いてご確認ください。\n"
		"\n"
		"よろしくお願いいたします。\n"
		"\n",
		outlook_ja_header_estimate, body_estimate_request, NULL);
	mail m = {
		.return_path = "yamada.taro.biz@freemail.example.net",
		.received = "from smtp.freemail.example.net (smtp.freemail.example.net [203.0.113.17])\n"
		            "\tby mx.example.com (Postfix) with ESMTPS id 9A8B7C6D5E\n"
		            "\tfor <ichiro.suzuki@example.com>; Tue,  3 Dec 2019 10:15:22 +0900 (JST)",
		.auth_results = "mx.example.com; spf=pass smtp.mailfrom=freemail.example.net;\n"
		                " dkim=pass header.d=freemail.example.net; dmarc=pass header.from=freemail.example.net",
		.date = "Tue, 3 Dec 2019 10:15:18 +0900",
		.from_name = "山田太郎", .from_addr = "yamada.taro.biz@freemail.example.net",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191203011518.4F2C81A0B3@freemail.example.net>",
		.agent = "X-Mailer: Microsoft Outlook 16.0",
		.header_cs = CS_JIS, .body_cs = CS_JIS, .body_cte = CTE_7BIT,
		.body = body,
		.boundary = "----=_NextPart_000_0012_01D5A9B1.5C3E2F40",
		.att = { FAKE_DOC ("請求書.doc", FN_RFC2047_QUOTED) },
	};
	write_mail (out, s, &m);
}

static void
build_spoof_b_deleted (GString *out, const scenario *s)
{
	mail m = {
		.return_path = "info@compromised-shop.example.org",
		.received = "from mail.compromised-shop.example.org (unknown [192.0.2.45])\n"
		            "\tby mx.example.com (Postfix) with ESMTP id 2B3C4D5E6F\n"
		            "\tfor <ichiro.suzuki@example.com>; Wed,  4 Dec 2019 09:33:15 +0900 (JST)",
		.date = "Wed, 4 Dec 2019 09:33:11 +0900",
		.from_name = "佐藤花子", .from_addr = "hanako.sato@example.co.jp",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191204093311.7A1B@compromised-shop.example.org>",
		.header_cs = CS_JIS, .body_cs = CS_JIS, .body_cte = CTE_7BIT,
		.body = lure_invoice_ja,
		.boundary = "----=_NextPart_000_0031_01D5AA5E.1B2C3D40",
		.att = { FAKE_DOC ("請求書.doc", FN_RFC2047_QUOTED) },
	};
	write_mail (out, s, &m);
}

static void
build_falcon_schedule (GString *out, const scenario *s)
{
	mail m = {
		.return_path = "alice@example.net",
		.received = "from mail.example.net (mail.example.net [198.51.100.40])\n"
		            "\tby mx.example.com (Postfix) with ESMTPS id 5F6A7B8C9D\n"
		            "\tfor <ichiro.suzuki@example.com>; Tue, 12 Nov 2019 16:30:21 +0900 (JST)",
		.auth_results = "mx.example.com; spf=pass smtp.mailfrom=example.net;\n"
		                " dkim=pass header.d=example.net; dmarc=pass header.from=example.net",
		.date = "Tue, 12 Nov 2019 16:30:17 +0900",
		.from_name = "Alice Example", .from_addr = "alice@example.net",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<8a1d3b52-7c4e-4f0a-b3d9-2e6c5f1a9b07@example.net>",
		.agent = "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:68.0) Gecko/20100101\n"
		         " Thunderbird/68.2.1",
		.header_cs = CS_UTF8, .body_cs = CS_UTF8, .body_cte = CTE_7BIT,
		.body = body_falcon_schedule,
		.boundary = "------------6F0A2C4E8B1D3F5A7C9E0B2D",
		.att = {
			{ "Falcon_スケジュール_2020年第1四半期.txt", FN_RFC2231_CONT, "text/plain; charset=UTF-8",
			  (const guint8 *) attachment_schedule, 0 },
			{ "logo.png", FN_ASCII, "image/png", attachment_png, sizeof attachment_png },
		},
	};
	write_mail (out, s, &m);
}

static void
build_spoof_reply_to (GString *out, const scenario *s)
{
	mail m = {
		.return_path = "alice@example.net",
		.received = "from unknown (HELO mail.example.net) ([192.0.2.77])\n"
		            "\tby mx.example.com (Postfix) with ESMTP id 6A7B8C9D0E\n"
		            "\tfor <ichiro.suzuki@example.com>; Thu,  5 Dec 2019 14:02:19 +0900 (JST)",
		.date = "Thu, 5 Dec 2019 14:02:15 +0900",
		.from_name = "Alice Example", .from_addr = "alice@example.net",
		.reply_to_name = "Alice Example", .reply_to_addr = "alice.example@reply.example.org",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191205140215.55AA@mail.example.net>",
		.header_cs = CS_UTF8, .body_cs = CS_ASCII, .body_cte = CTE_7BIT,
		.body =
			"Dear Suzuki-san,\n"
			"\n"
			"Our bank details have changed.  Please find the updated invoice\n"
			"attached and reply to this message to confirm.\n"
			"\n"
			"Best regards,\n"
			"Alice\n",
		.boundary = "------------1A2B3C4D5E6F7A8B9C0D1E2F",
		.att = { FAKE_DOC ("Invoice_Falcon_2019-12.doc", FN_ASCII) },
	};
	write_mail (out, s, &m);
}

/* ---- the Maildir on the mail server of example.com ---- */

static void
build_display_name_address (GString *out, const scenario *s)
{
	g_string_append (out, "Delivered-To: ichiro.suzuki@example.com\n");
	mail m = {
		.return_path = "x@attacker.example.net",
		.received = "from attacker.example.net (unknown [192.0.2.66])\n"
		            "\tby mx.example.com (Postfix) with ESMTP id 0C1D2E3F4A\n"
		            "\tfor <ichiro.suzuki@example.com>; Tue,  3 Dec 2019 10:00:00 +0900 (JST)",
		.date = "Tue, 3 Dec 2019 09:59:51 +0900",
		.from_name = "taro.yamada@example.co.jp", .from_addr = "x@attacker.example.net",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191203095951.3E4F@attacker.example.net>",
		.header_cs = CS_JIS, .body_cs = CS_SJIS, .body_cte = CTE_8BIT,
		.body =
			"鈴木一郎 様\n"
			"\n"
			"いつもお世話になっております。\n"
			"請求書を送付いたしますので、ご確認をお願いいたします。\n"
			"\n"
			"添付ファイルが開けない場合は「編集を有効にする」を押してください。\n"
			"\n"
			"山田太郎\n",
		.boundary = "----=_NextPart_000_0007_01D5A99F.0A1B2C30",
		.att = { FAKE_DOC ("請求書.doc", FN_RFC2231) },
	};
	write_mail (out, s, &m);
}

static void
build_spoof_a_auth_fail (GString *out, const scenario *s)
{
	g_autofree char *quoted_part = without_signature (body_estimate_request);
	g_autofree char *quoted = quote_lines (quoted_part);
	g_autofree char *body = g_strconcat (
		"鈴木様\n"
		"\n"
		"お世話になっております。\n"
		"お見積書を添付いたします。ご確認ください。\n"
		"\n"
		"鈴木一郎 さんは書きました:\n",
		quoted, NULL);
	g_string_append (out, "Delivered-To: ichiro.suzuki@example.com\n");
	mail m = {
		.return_path = "taro.yamada@example.co.jp",
		.received = "from mail.compromised.example.org (unknown [192.0.2.45])\n"
		            "\tby mx.example.com (Postfix) with ESMTP id 3D4E5F6A7B\n"
		            "\tfor <ichiro.suzuki@example.com>; Thu,  5 Dec 2019 10:00:00 +0900 (JST)",
		.auth_results = "mx.example.com; spf=fail (sender IP is 192.0.2.45)\n"
		                " smtp.mailfrom=example.co.jp; dkim=none (message not signed);\n"
		                " dmarc=fail (p=none dis=none) header.from=example.co.jp",
		.date = "Thu, 5 Dec 2019 09:59:48 +0900",
		.from_name = "山田太郎", .from_addr = "taro.yamada@example.co.jp",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191205095948.6B7C@mail.compromised.example.org>",
		.in_reply_to = "<3c7e2f1a-5d2b-4c8e-9a61-0f3b2d4e5a61@example.com>",
		.references = "<3c7e2f1a-5d2b-4c8e-9a61-0f3b2d4e5a61@example.com>",
		.agent = "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:68.0) Gecko/20100101\n"
		         " Thunderbird/68.2.1",
		.header_cs = CS_JIS, .body_cs = CS_JIS, .body_cte = CTE_7BIT,
		.body = body,
		.boundary = "------------2B4D6F8A0C1E3A5C7E9B1D3F",
		.att = { FAKE_DOC ("お見積書.doc", FN_RFC2231) },
	};
	write_mail (out, s, &m);
}

static void
build_meeting_request (GString *out, const scenario *s)
{
	g_string_append (out, "Delivered-To: ichiro.suzuki@example.com\n");
	mail m = {
		.return_path = "taro.yamada@example.co.jp",
		.received = "from mail.example.co.jp (mail.example.co.jp [198.51.100.25])\n"
		            "\tby mx.example.com (Postfix) with ESMTPS id 8E9F0A1B2C\n"
		            "\tfor <ichiro.suzuki@example.com>; Fri,  6 Dec 2019 10:00:00 +0900 (JST)",
		.auth_results = "mx.example.com; spf=pass smtp.mailfrom=example.co.jp;\n"
		                " dkim=pass header.d=example.co.jp; dmarc=pass header.from=example.co.jp",
		.date = "Fri, 6 Dec 2019 09:59:52 +0900",
		.from_name = "山田太郎", .from_addr = "taro.yamada@example.co.jp",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<000001d5abcd$1a2b3c40$4e5f6a70$@example.co.jp>",
		.agent = "X-Mailer: Microsoft Outlook 16.0",
		.header_cs = CS_JIS, .body_cs = CS_JIS, .body_cte = CTE_7BIT,
		.body =
			"株式会社エグザンプル\n"
			"鈴木様\n"
			"\n"
			"いつもお世話になっております。\n"
			"サンプル商事の山田です。\n"
			"\n"
			"お見積りの件で、一度お打ち合わせのお時間をいただけないでしょうか。\n"
			"12月10日（火）または12月11日（水）の午後でご都合はいかがでしょうか。\n"
			"\n"
			"よろしくお願いいたします。\n"
			"\n"
			"山田太郎\n",
	};
	write_mail (out, s, &m);
}

/* ---- the quarantine export of the mail gateway ---- */

static void
build_spoof_a_thunderbird_en (GString *out, const scenario *s)
{
	/* the whole of the genuine reply, as it stands in the Sent folder */
	g_autofree char *quoted_part = without_signature (body_falcon_schedule);
	g_autofree char *inner = quote_lines (quoted_part);
	g_autofree char *genuine = g_strconcat (falcon_reply_text, inner, NULL);
	g_autofree char *quoted = quote_lines (genuine);
	g_autofree char *body = g_strconcat (
		"Hi,\n"
		"\n"
		"Please review the attached invoice for the Q1 work before Friday.\n"
		"\n"
		"Best regards,\n"
		"Alice\n"
		"\n"
		"On 11/13/2019 9:05 AM, 鈴木一郎 wrote:\n",
		quoted, NULL);
	mail m = {
		.return_path = "alice@example-net.example",
		.received = "from mail.example-net.example (unknown [203.0.113.99])\n"
		            "\tby gw.example.com with ESMTP id 4E5F6A7B8C\n"
		            "\tfor <ichiro.suzuki@example.com>; Wed,  4 Dec 2019 11:20:05 +0900 (JST)",
		.auth_results = "gw.example.com; spf=pass smtp.mailfrom=example-net.example;\n"
		                " dkim=none; dmarc=none header.from=example-net.example",
		.date = "Wed, 4 Dec 2019 11:20:01 +0900",
		.from_name = "Alice Example", .from_addr = "alice@example-net.example",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191204112001.0F1E@mail.example-net.example>",
		.in_reply_to = "<b2f4e6a8-1c3d-4e5f-8a9b-0c1d2e3f4a5b@example.com>",
		.references = "<8a1d3b52-7c4e-4f0a-b3d9-2e6c5f1a9b07@example.net>\n"
		              " <b2f4e6a8-1c3d-4e5f-8a9b-0c1d2e3f4a5b@example.com>",
		.agent = "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:68.0) Gecko/20100101\n"
		         " Thunderbird/68.2.1",
		.header_cs = CS_UTF8, .body_cs = CS_UTF8, .body_cte = CTE_8BIT,
		.body = body,
		.boundary = "------------3C5E7A9B1D2F4A6C8E0B1C2D",
		.att = { FAKE_DOC ("Invoice_2019-12.doc", FN_ASCII) },
	};
	write_mail (out, s, &m);
}

static void
build_spoof_b_softfail (GString *out, const scenario *s)
{
	mail m = {
		.return_path = "sales01@compromised-shop.example.org",
		.received = "from mail.compromised-shop.example.org (unknown [192.0.2.45])\n"
		            "\tby gw.example.com with ESMTP id 5F6A7B8C9D\n"
		            "\tfor <ichiro.suzuki@example.com>; Wed,  4 Dec 2019 15:41:33 +0900 (JST)",
		.auth_results = "gw.example.com; spf=softfail smtp.mailfrom=compromised-shop.example.org;\n"
		                " dkim=none; dmarc=none header.from=compromised-shop.example.org",
		.date = "Wed, 4 Dec 2019 15:41:29 +0900",
		.from_name = "山田太郎", .from_addr = "sales01@compromised-shop.example.org",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191204154129.8C9D@compromised-shop.example.org>",
		.header_cs = CS_JIS, .body_cs = CS_JIS, .body_cte = CTE_7BIT,
		.body =
			"鈴木一郎 様\n"
			"\n"
			"いつも大変お世話になっております。\n"
			"\n"
			"11月分のご請求書をお送りいたします。\n"
			"内容をご確認いただき、ご不明な点がございましたらご連絡ください。\n"
			"\n"
			"何卒よろしくお願い申し上げます。\n",
		.boundary = "----=_NextPart_000_0044_01D5AA8C.3D4E5F60",
		.att = { FAKE_DOC ("ご請求書_2019年11月分_株式会社サンプル商事.doc", FN_RFC2231_CONT) },
	};
	write_mail (out, s, &m);
}

static void
build_spoof_a_outlook_en (GString *out, const scenario *s)
{
	g_autofree char *body = g_strconcat (
		"Hello,\n"
		"\n"
		"As discussed, please find the revised schedule and the invoice attached.\n"
		"Enable editing to see the full document.\n"
		"\n"
		"Regards,\n"
		"Alice Example\n"
		"\n"
		"-----Original Message-----\n"
		"From: Alice Example <alice@example.net>\n"
		"Sent: Tuesday, November 12, 2019 4:30 PM\n"
		"To: 鈴木一郎 <ichiro.suzuki@example.com>\n"
		"Subject: Project Falcon: schedule for Q1\n"
		"\n",
		body_falcon_schedule, NULL);
	mail m = {
		.return_path = "alice.falcon.pm@freemail.example.com",
		.received = "from smtp.freemail.example.com (smtp.freemail.example.com [203.0.113.18])\n"
		            "\tby gw.example.com with ESMTPS id 6A7B8C9D0E\n"
		            "\tfor <ichiro.suzuki@example.com>; Thu,  5 Dec 2019 08:12:47 +0900 (JST)",
		.auth_results = "gw.example.com; spf=pass smtp.mailfrom=freemail.example.com;\n"
		                " dkim=pass header.d=freemail.example.com; dmarc=pass header.from=freemail.example.com",
		.date = "Thu, 5 Dec 2019 08:12:44 +0900",
		.from_name = "Alice Example", .from_addr = "alice.falcon.pm@freemail.example.com",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<000001d5ab0f$6e7f8a90$4b5c6d70$@freemail.example.com>",
		.agent = "X-Mailer: Microsoft Outlook 16.0",
		.header_cs = CS_UTF8, .body_cs = CS_UTF8, .body_cte = CTE_QP,
		.body = body,
		.boundary = "----=_NextPart_000_0058_01D5AB5A.7E8F9A00",
		.att = { FAKE_DOC ("Falcon_Q1_請求書.doc", FN_RFC2047_QUOTED) },
	};
	write_mail (out, s, &m);
}

static void
build_spoof_b_envelope (GString *out, const scenario *s)
{
	mail m = {
		.received = "from mail.compromised.example.org (unknown [192.0.2.45])\n"
		            "\tby gw.example.com with ESMTP id 7B8C9D0E1F\n"
		            "\tfor <ichiro.suzuki@example.com>; Fri,  6 Dec 2019 08:41:10 +0900 (JST)",
		.date = "Fri, 6 Dec 2019 08:41:06 +0900",
		.from_name = "山田太郎", .from_addr = "taro.yamada@example.co.jp",
		.to_name = "鈴木一郎", .to_addr = "ichiro.suzuki@example.com",
		.message_id = "<20191206084106.9E0F@mail.compromised.example.org>",
		.header_cs = CS_UTF8, .body_cs = CS_UTF8, .body_cte = CTE_BASE64,
		.body =
			"鈴木一郎 様\n"
			"\n"
			"お世話になっております。\n"
			"会議資料を添付いたしますので、ご確認をお願いいたします。\n"
			"\n"
			"よろしくお願いいたします。\n",
		.boundary = "----=_Part_1234_567890123.1575589266000",
		.att = { FAKE_DOC ("会議資料.doc", FN_RFC2231) },
	};
	write_mail (out, s, &m);
}

static void
build_internal_newsletter (GString *out, const scenario *s)
{
	mail m = {
		.received = "from mailer.example.net (mailer.example.net [198.51.100.60])\n"
		            "\tby gw.example.com with ESMTPS id 8C9D0E1F2A\n"
		            "\tfor <ichiro.suzuki@example.com>; Fri,  6 Dec 2019 09:00:03 +0900 (JST)",
		.date = "Fri, 6 Dec 2019 09:00:00 +0900",
		.from_name = "株式会社エグザンプル 総務部", .from_addr = "soumu@example.com",
		.sender = "bounce@mailer.example.net",
		.to_name = NULL, .to_addr = "all-staff@example.com",
		.message_id = "<newsletter-201912.0900@mailer.example.net>",
		.header_cs = CS_UTF8, .body_cs = CS_UTF8, .body_cte = CTE_8BIT,
		.body =
			"社員各位\n"
			"\n"
			"社内報 2019年12月号を公開しました。\n"
			"イントラネットの「社内報」ページからご覧ください。\n"
			"\n"
			"総務部\n",
	};
	write_mail (out, s, &m);
}

/* ---- files that are not mail ---- */

static void
build_prefs (GString *out, const scenario *s)
{
	g_string_append (out,
		"// Mozilla User Preferences\n"
		"\n"
		"// A fictitious profile written by mailhunt's tests/gen-samples.c.\n"
		"user_pref(\"mail.account.account1.server\", \"server1\");\n"
		"user_pref(\"mail.accountmanager.accounts\", \"account1\");\n"
		"user_pref(\"mail.identity.id1.fullName\", \"鈴木一郎\");\n"
		"user_pref(\"mail.identity.id1.useremail\", \"ichiro.suzuki@example.com\");\n"
		"user_pref(\"mail.server.server1.directory-rel\", \"[ProfD]Mail/Local Folders\");\n"
		"user_pref(\"mail.server.server1.hostname\", \"Local Folders\");\n"
		"user_pref(\"mail.server.server1.type\", \"none\");\n");
}

static void
build_helpdesk_note (GString *out, const scenario *s)
{
	g_string_append (out,
		"隔離フォルダについてのメモ（ヘルプデスク）\n"
		"\n"
		"このフォルダには、メールゲートウェイが隔離したメールを調査用に書き出しています。\n"
		"添付ファイルは開かないでください。\n"
		"batch-20191206.txt は拡張子が .txt ですが、中身は mbox 形式です。\n");
}

/* ------------------------------------------------------------------ */
/* The scenarios: the one table of facts                               */
/* ------------------------------------------------------------------ */

#define TB "thunderbird-profile/Mail/Local Folders/"
#define FINDING_REPLY "header.reply-without-reference"
#define FINDING_ENVELOPE "header.envelope-from-mismatch"
#define FINDING_AUTH "header.authentication-failure"

/* Rows of one file are contiguous, in the order of the file. */
static const scenario scenarios[] = {
	/* Sent: what 鈴木一郎 really wrote (the originals the case A spoofs quote) */
	{ "genuine-estimate-request", TB "Sent", OUT_TB_MBOX, "- Tue Nov 05 18:02:33 2019", FALSE, FALSE,
	  "Local Folders/Sent", "お見積りのご依頼（案件①）", "", "", NULL, "",
	  "The original of a genuine thread: 鈴木一郎 asks 山田太郎 for an estimate. ISO-2022-JP "
	  "subject and body with a CP932 row 13 character (①).",
	  "Nothing above info. A later quote matcher must find the case A spoofs that quote it." ,
	  build_estimate_request },
	{ "genuine-falcon-reply", TB "Sent", OUT_TB_MBOX, "- Wed Nov 13 09:05:14 2019", FALSE, FALSE,
	  "Local Folders/Sent", "Re: Project Falcon: schedule for Q1", "", "", NULL, "",
	  "鈴木一郎's genuine English reply to Alice Example, Thunderbird-style \"On ... wrote:\" "
	  "quote of her mail (signature stripped), with In-Reply-To and References.",
	  "Nothing above info: it is a reply and has its references.",
	  build_falcon_reply },

	/* Inbox */
	{ "genuine-estimate-reply", TB "Inbox", OUT_TB_MBOX, "- Wed Nov 06 10:16:02 2019", FALSE, FALSE,
	  "Local Folders/Inbox", "Re: お見積りのご依頼（案件①）", "", "", NULL, "",
	  "山田太郎's genuine reply from Japanese Outlook, quoting the original under a "
	  "\"-----Original Message-----\" block with 差出人/送信日時/宛先/件名; SPF, DKIM and DMARC pass.",
	  "Nothing above info.",
	  build_estimate_reply },
	{ "genuine-holiday-notice", TB "Inbox", OUT_TB_MBOX, "- Wed Nov 20 09:31:40 2019", FALSE, TRUE,
	  "Local Folders/Inbox", "【㈱サンプル商事】年末年始休業のお知らせ", "", "", NULL, "",
	  "A normal notice with an 8-bit Shift_JIS (CP932) body labelled charset=shift_jis and ㈱ in the "
	  "subject and body. Its body has a line \"From December 28, 2019 to ...\" after a blank line, "
	  "left unescaped in the mbox as old Thunderbird did; it is not followed by headers.",
	  "One message (the \"From \" body line must not split it); nothing above info.",
	  build_holiday_notice },
	{ "list-newsletter", TB "Inbox", OUT_TB_MBOX, "- Mon Nov 25 12:01:15 2019", FALSE, FALSE,
	  "Local Folders/Inbox", "[security-news:0123] 年末年始に向けたセキュリティ対策のお願い", "", "", NULL, "",
	  "A benign mailing-list mail (List-Id) whose Return-Path (lists.example.net) differs from its "
	  "From domain (security-news.example.org); UTF-8 quoted-printable body.",
	  "header.envelope-from-mismatch at info only (the List-Id explains it): not flagged.",
	  build_list_newsletter },
	{ "spoof-a-outlook-ja", TB "Inbox", OUT_TB_MBOX, "- Tue Dec 03 10:16:05 2019", FALSE, FALSE,
	  "Local Folders/Inbox", "Re: お見積りのご依頼（案件①）", FINDING_REPLY, "A", "genuine-estimate-request",
	  "請求書.doc",
	  "Case A: a \"Re:\" from a free-mail address (freemail.example.net) with 山田太郎's display name, "
	  "a short lure, then the genuine original quoted verbatim under a Japanese Outlook "
	  "\"-----Original Message-----\" block. No In-Reply-To/References. The attachment 請求書.doc "
	  "(harmless text) is named the Outlook way: filename=\"=?ISO-2022-JP?B?...?=\".",
	  "header.reply-without-reference (low). Case A: it quotes genuine-estimate-request "
	  "(Local Folders/Sent #0), so a terminal holding that thread (山田太郎's) is likely infected.",
	  build_spoof_a_outlook_ja },
	{ "spoof-b-deleted", TB "Inbox", OUT_TB_MBOX, "- Wed Dec 04 09:34:02 2019", TRUE, FALSE,
	  "Local Folders/Inbox", "Re: 請求書の件", FINDING_ENVELOPE "," FINDING_REPLY, "B", NULL, "請求書.doc",
	  "Case B, deleted by the user but not compacted (X-Mozilla-Status: 0009, 0x0008 expunged): a "
	  "\"Re:\" generated from the name and address of a real correspondent (佐藤花子 "
	  "<hanako.sato@example.co.jp>), a generic invoice lure, no quote, no In-Reply-To/References; the "
	  "Return-Path is another domain (compromised-shop.example.org).",
	  "Marked deleted; header.envelope-from-mismatch (low) and header.reply-without-reference (low). "
	  "Case B: no genuine quote, the displayed sender is not necessarily infected.",
	  build_spoof_b_deleted },

	/* Inbox.sbd/Projects: a subfolder */
	{ "genuine-falcon-schedule", TB "Inbox.sbd/Projects", OUT_TB_MBOX, "- Tue Nov 12 16:31:02 2019", FALSE, FALSE,
	  "Local Folders/Inbox/Projects", "Project Falcon: schedule for Q1", "", "", NULL,
	  "Falcon_スケジュール_2020年第1四半期.txt|logo.png",
	  "A genuine English mail from Alice Example in a subfolder (Inbox.sbd/Projects). Its body line "
	  "\"From the minutes ...\" is escaped as \">From the minutes ...\" in the mbox. Attachments: a text "
	  "file whose UTF-8 name is split over filename*0*= and filename*1*= (RFC 2231 continuations), and "
	  "a 1x1 PNG.",
	  "Folder Local Folders/Inbox/Projects; nothing above info; the \">From\" line unescaped in the body.",
	  build_falcon_schedule },
	{ "spoof-reply-to", TB "Inbox.sbd/Projects", OUT_TB_MBOX, "- Thu Dec 05 14:03:00 2019", FALSE, FALSE,
	  "Local Folders/Inbox/Projects", "Project Falcon: updated invoice", "header.reply-to-mismatch", "B", NULL,
	  "Invoice_Falcon_2019-12.doc",
	  "Alice Example's exact address in From, but Reply-To goes to another domain "
	  "(reply.example.org); a \"bank details changed\" lure with no quote.",
	  "header.reply-to-mismatch (low). Case B: generated from a harvested address, no genuine quote.",
	  build_spoof_reply_to },

	{ "thunderbird-prefs", "thunderbird-profile/prefs.js", OUT_NOT_MAIL, NULL, FALSE, FALSE,
	  NULL, NULL, NULL, NULL, NULL, NULL,
	  "The profile's prefs.js (fictitious account settings, no password), as every profile has one.",
	  "Skipped: not mail.",
	  build_prefs },

	/* Maildir on the server: cur/ (seen), new/ (unseen), tmp/ empty */
	{ "spoof-display-name-address", "maildir/cur/1575334800.M100P2001.mx.example.com:2,S", OUT_MAILDIR,
	  NULL, FALSE, FALSE,
	  "maildir", "請求書送付のお知らせ", "header.display-name-address", "B", NULL, "請求書.doc",
	  "A display name that is another address: From: \"taro.yamada@example.co.jp\" "
	  "<x@attacker.example.net>. 8-bit Shift_JIS body; the attachment name is RFC 2231 "
	  "(filename*=UTF-8''%E8%AB%8B...).",
	  "header.display-name-address (medium). Case B: the shown address was harvested, no quote.",
	  build_display_name_address },
	{ "spoof-a-auth-fail", "maildir/cur/1575507600.M200P2002.mx.example.com:2,ST", OUT_MAILDIR,
	  NULL, TRUE, FALSE,
	  "maildir", "Re: お見積りのご依頼（案件①）", FINDING_AUTH, "A", "genuine-estimate-request",
	  "お見積書.doc",
	  "Case A with the exact address of 山田太郎 forged; the receiving server recorded spf=fail and "
	  "dmarc=fail. It has In-Reply-To/References, and quotes the original Thunderbird-style in "
	  "Japanese (\"鈴木一郎 さんは書きました:\" and \"> \" lines, signature stripped). Trashed in the "
	  "Maildir (:2,ST).",
	  "Marked deleted; header.authentication-failure (medium: SPF fail and DMARC fail, two findings "
	  "with this id). Case A: quotes genuine-estimate-request.",
	  build_spoof_a_auth_fail },
	{ "genuine-meeting-request", "maildir/new/1575594000.M300P2003.mx.example.com", OUT_MAILDIR,
	  NULL, FALSE, FALSE,
	  "maildir", "打合せ日程のご相談", "", "", NULL, "",
	  "A genuine, unread mail from 山田太郎 in new/ (no :2, info); SPF, DKIM and DMARC pass.",
	  "Nothing above info.",
	  build_meeting_request },

	/* the gateway's quarantine export */
	{ "spoof-a-thunderbird-en", "quarantine/20191204-0001.eml", OUT_EML_CRLF, NULL, FALSE, FALSE,
	  "quarantine", "Re: Project Falcon: schedule for Q1", "", "A", "genuine-falcon-reply",
	  "Invoice_2019-12.doc",
	  "Case A in English from a look-alike domain (alice@example-net.example, shown as Alice Example), "
	  "with In-Reply-To/References to the genuine thread and the whole of 鈴木一郎's genuine reply "
	  "quoted Thunderbird-style (\"On ... wrote:\", \">\" and \">>\" lines). CRLF line ends.",
	  "Nothing above info from the header checks: only quote matching (case A, quoting "
	  "genuine-falcon-reply, Local Folders/Sent #1) can tell. This is why case A needs it.",
	  build_spoof_a_thunderbird_en },
	{ "spoof-b-softfail", "quarantine/20191204-0002.eml.gz", OUT_EML_GZ_CRLF, NULL, FALSE, FALSE,
	  "quarantine", "Re: 11月分のご請求について", FINDING_AUTH "," FINDING_REPLY, "B", NULL,
	  "ご請求書_2019年11月分_株式会社サンプル商事.doc",
	  "Case B, gzip-compressed: 山田太郎's display name on a compromised shop's account, a generic "
	  "\"Re:\" without references, spf=softfail. The long attachment name is split over RFC 2231 "
	  "continuations.",
	  "header.authentication-failure (low: softfail) and header.reply-without-reference (low). Case B.",
	  build_spoof_b_softfail },
	{ "spoof-a-outlook-en", "quarantine/20191205-0003.eml.gz", OUT_EML_GZ_CRLF, NULL, FALSE, FALSE,
	  "quarantine", "RE: Project Falcon: schedule for Q1", FINDING_REPLY, "A", "genuine-falcon-schedule",
	  "Falcon_Q1_請求書.doc",
	  "Case A, gzip-compressed: Alice Example's display name on a free-mail address, an English "
	  "Outlook \"-----Original Message-----\" From/Sent/To/Subject block and her genuine mail verbatim "
	  "(signature included). Outlook's \"RE:\", no references; UTF-8 quoted-printable body; attachment "
	  "name as an RFC 2047 UTF-8 word in quotes.",
	  "header.reply-without-reference (low). Case A: quotes genuine-falcon-schedule "
	  "(Local Folders/Inbox/Projects #0).",
	  build_spoof_a_outlook_en },
	{ "spoof-b-envelope", "quarantine/batch-20191206.txt", OUT_MBOX,
	  "mailer@compromised.example.org Fri Dec  6 08:41:10 2019", FALSE, FALSE,
	  "quarantine/batch-20191206.txt", "Re: 会議の件", FINDING_ENVELOPE "," FINDING_REPLY, "B", NULL,
	  "会議資料.doc",
	  "In an mbox named .txt (the name misleads; mailhunt goes by content). Case B: 山田太郎's exact "
	  "address in From, the envelope sender of the mbox \"From \" line is another domain, no "
	  "Return-Path; a generic \"Re:\" without references; UTF-8 base64 body.",
	  "header.envelope-from-mismatch (low, from the mbox envelope) and header.reply-without-reference "
	  "(low). Case B.",
	  build_spoof_b_envelope },
	{ "internal-newsletter", "quarantine/batch-20191206.txt", OUT_MBOX,
	  "bounce@mailer.example.net Fri Dec  6 09:00:03 2019", FALSE, FALSE,
	  "quarantine/batch-20191206.txt", "【社内報】2019年12月号のお知らせ", "", "", NULL, "",
	  "A benign internal newsletter sent through a mailing service: the envelope sender differs from "
	  "From, and a Sender header in the envelope's domain explains it.",
	  "header.envelope-from-mismatch at info only (the Sender explains it): not flagged.",
	  build_internal_newsletter },
	{ "helpdesk-note", "quarantine/note-from-helpdesk.txt", OUT_NOT_MAIL, NULL, FALSE, FALSE,
	  NULL, NULL, NULL, NULL, NULL, NULL,
	  "A short Japanese text note left in the quarantine folder: not mail at all.",
	  "Skipped (\"not a mail format\") and counted in the summary.",
	  build_helpdesk_note },
};

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/* mboxrd: ">From " for every line that would read as "From " or ">From ". */
static void
append_escaped (GString *mbox, const char *msg, gboolean escape)
{
	const char *p = msg;
	while (*p) {
		const char *nl = strchr (p, '\n');
		gsize n = nl ? (gsize) (nl - p) + 1 : strlen (p);
		const char *q = p;
		while (q < p + n && *q == '>')
			q++;
		if (escape && (gsize) (p + n - q) >= 5 && strncmp (q, "From ", 5) == 0)
			g_string_append_c (mbox, '>');
		g_string_append_len (mbox, p, (gssize) n);
		p += n;
	}
	if (mbox->len && mbox->str[mbox->len - 1] != '\n')
		g_string_append_c (mbox, '\n');
}

static char *
to_crlf (const char *text)
{
	GString *out = g_string_new (NULL);
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			g_string_append_c (out, '\r');
		g_string_append_c (out, *p);
	}
	return g_string_free (out, FALSE);
}

/* gzip without a file name or time in its header (GIO writes them only
 * when given a GFileInfo), so the bytes depend on the input alone. */
static GBytes *
gzip_bytes (const char *data, gsize len)
{
	g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
	g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
	g_autoptr (GOutputStream) gz = g_converter_output_stream_new (mem, G_CONVERTER (z));
	g_autoptr (GError) error = NULL;

	if (!g_output_stream_write_all (gz, data, len, NULL, NULL, &error) ||
	    !g_output_stream_close (gz, NULL, &error))
		g_error ("gzip: %s", error->message);
	return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

static void
write_sample_file (const char *outdir, const scenario *first, const GString *content)
{
	switch (first->format) {
	case OUT_EML_CRLF: {
		g_autofree char *crlf = to_crlf (content->str);
		write_file (outdir, first->path, crlf, strlen (crlf));
		break;
	}
	case OUT_EML_GZ_CRLF: {
		g_autofree char *crlf = to_crlf (content->str);
		g_autoptr (GBytes) gz = gzip_bytes (crlf, strlen (crlf));
		gsize len;
		const char *data = g_bytes_get_data (gz, &len);
		write_file (outdir, first->path, data, len);
		break;
	}
	default:
		write_file (outdir, first->path, content->str, content->len);
		break;
	}
}

static gboolean
is_message (const scenario *s)
{
	return s->format != OUT_NOT_MAIL;
}

/* The facts must agree with the way the files are written. */
static void
check_table (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++) {
		const scenario *s = &scenarios[i];
		for (gsize j = 0; j < i; j++) {
			if (strcmp (scenarios[j].id, s->id) == 0)
				g_error ("%s: id used twice", s->id);
			/* rows of one file are contiguous and share its format */
			if (strcmp (scenarios[j].path, s->path) == 0 &&
			    (strcmp (scenarios[i - 1].path, s->path) != 0 || scenarios[j].format != s->format))
				g_error ("%s: rows of %s are not contiguous or differ in format", s->id, s->path);
		}
		if (s->format == OUT_MAILDIR) {
			const char *info = strstr (s->path, ":2,");
			if ((info && strchr (info + 3, 'T')) != s->deleted)
				g_error ("%s: the Maildir T flag and the deleted fact disagree", s->id);
		}
		if (s->deleted && s->format != OUT_MAILDIR && s->format != OUT_TB_MBOX)
			g_error ("%s: only Thunderbird and Maildir mark deleted messages", s->id);
		if (is_message (s) && (!s->folder || !s->subject || !s->findings || !s->spoof_case || !s->attachments))
			g_error ("%s: incomplete facts", s->id);
		if (is_message (s) && (strcmp (s->spoof_case, "A") == 0) != (s->quotes != NULL))
			g_error ("%s: a case A spoof names the message it quotes, and only it", s->id);
	}
}

static gsize
message_index (gsize row)
{
	gsize index = 0;
	for (gsize j = 0; j < row; j++)
		if (strcmp (scenarios[j].path, scenarios[row].path) == 0)
			index++;
	return index;
}

static const scenario *
find_scenario (const char *id, gsize *row)
{
	for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
		if (strcmp (scenarios[i].id, id) == 0) {
			*row = i;
			return &scenarios[i];
		}
	g_error ("no scenario %s", id);
	return NULL;
}

static char *
quoted_locator (const scenario *s)
{
	gsize row;
	if (!s->quotes)
		return g_strdup ("");
	const scenario *q = find_scenario (s->quotes, &row);
	return g_strdup_printf ("%s#%" G_GSIZE_FORMAT, q->path, message_index (row));
}

static void
write_expected (const char *outdir)
{
	GString *tsv = g_string_new ("path\tfolder\tindex\tdeleted\tsubject\tfindings\tcase\tquotes\tattachments\tscenario\n");
	GString *skipped = g_string_new ("path\tscenario\n");

	for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++) {
		const scenario *s = &scenarios[i];
		if (!is_message (s)) {
			g_string_append_printf (skipped, "%s\t%s\n", s->path, s->id);
			continue;
		}
		g_autofree char *quotes = quoted_locator (s);
		g_string_append_printf (tsv, "%s\t%s\t%" G_GSIZE_FORMAT "\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n",
		                        s->path, s->folder, message_index (i), s->deleted ? 1 : 0, s->subject,
		                        s->findings, s->spoof_case, quotes, s->attachments, s->id);
	}
	write_file (outdir, "expected.tsv", tsv->str, tsv->len);
	write_file (outdir, "expected-skipped.tsv", skipped->str, skipped->len);
	g_string_free (tsv, TRUE);
	g_string_free (skipped, TRUE);
}

static const char readme_head[] =
	"# samples-benign: harmless mailboxes with known facts\n"
	"\n"
	"Everything in this directory is **generated** by `tests/gen-samples.c` and\n"
	"must not be edited by hand: change the\n"
	"generator, then run `make samples` (it rewrites this directory from the build\n"
	"tree) and commit both. `tests/samples.py` fails when the committed files and a\n"
	"fresh run of the generator differ.\n"
	"\n"
	"The repository holds no malware. The \"malicious\" mails are Emotet-style\n"
	"spoofs built from fictitious people and companies (example.com, example.net,\n"
	"example.org, example.co.jp, the `.example` TLD, TEST-NET addresses), and their\n"
	"attachments are harmless: plain text, a 1x1 PNG, and files named like Word\n"
	"documents (`請求書.doc`) that hold only a line of plain text. Real Office\n"
	"files with harmless macros, and mails carrying them, are in `office/`\n"
	"(generated by `tests/gen-office.c`, `make office-samples`; see\n"
	"`office/README.md`). Documents imitating the \"Enable Content\" lure screens, as\n"
	"text and as pictures drawn with pango/cairo, in English and Japanese, with and\n"
	"without a harmless macro, and negative controls, are in `lures/` (generated by\n"
	"`tests/gen-lures.c`, `make lure-samples`; see `lures/README.md`).\n"
	"\n"
	"## The story\n"
	"\n"
	"鈴木一郎 <ichiro.suzuki@example.com> (株式会社エグザンプル) uses Thunderbird.\n"
	"He exchanged two genuine threads: one in Japanese with 山田太郎\n"
	"<taro.yamada@example.co.jp> (株式会社サンプル商事, Outlook), one in English\n"
	"with Alice Example <alice@example.net>. In December 2019 spoofed mails arrive,\n"
	"as in JPCERT/CC's Emotet FAQ:\n"
	"\n"
	"- **case A**: the spoof quotes a mail that was really exchanged (the terminal\n"
	"  of the displayed sender, or of whoever held that thread, is likely\n"
	"  infected). The column `quotes` of `expected.tsv` names the genuine message\n"
	"  (`path#index`) it quotes.\n"
	"- **case B**: the spoof is generated from a harvested name and address, with a\n"
	"  generic lure and no genuine quote (the displayed sender is not necessarily\n"
	"  infected).\n"
	"\n"
	"mailhunt does not match quotes yet; until it does, the case column is there\n"
	"for the test that will check it. The header findings are checked now.\n"
	"\n"
	"## Layout\n"
	"\n"
	"    thunderbird-profile/            a Thunderbird profile (no .msf summaries)\n"
	"      prefs.js                      not mail: skipped\n"
	"      Mail/Local Folders/Sent       mbox, \"From - <date>\" separators, X-Mozilla-Status\n"
	"      Mail/Local Folders/Inbox      mbox, one message deleted but not compacted\n"
	"      Mail/Local Folders/Inbox.sbd/Projects   a subfolder of Inbox\n"
	"    maildir/                        a Maildir from the mail server\n"
	"      cur/ new/ tmp/                tmp/ is empty (git does not keep empty\n"
	"                                    directories; the generator creates it)\n"
	"    quarantine/                     a mail gateway's quarantine export\n"
	"      *.eml, *.eml.gz               CRLF line ends; .gz without name or time\n"
	"      batch-20191206.txt            an mbox with a misleading extension\n"
	"      note-from-helpdesk.txt        not mail: skipped\n"
	"    expected.tsv                    one row per message (below)\n"
	"    expected-skipped.tsv            the files mailhunt must skip\n"
	"\n"
	"`expected.tsv` columns: `path` (below this directory), `folder` (as mailhunt\n"
	"names it when scanning `samples-benign/`), `index` (0-based in the file),\n"
	"`deleted` (0/1), `subject` (decoded), `findings` (the finding ids of severity\n"
	"above info, comma-separated), `case` (A, B or empty), `quotes`, `attachments`\n"
	"(decoded file names, `|`-separated), `scenario` (the id used below).\n"
	"\n"
	"Japanese mail is the normal case here: RFC 2047 ISO-2022-JP subjects with CP932\n"
	"extensions (①, ㈱, encoded by the generator itself since glibc refuses them),\n"
	"8-bit Shift_JIS bodies labelled `charset=shift_jis`, attachment names in RFC 2231\n"
	"(`filename*=UTF-8''...` and the continued `filename*0*=`/`filename*1*=` form)\n"
	"and in the RFC 2047-in-quotes form Outlook writes.\n"
	"\n"
	"## Scenarios\n"
	"\n"
	"| scenario | file | folder | # | deleted | case | findings above info |\n"
	"|---|---|---|---|---|---|---|\n";

static void
write_readme (const char *outdir)
{
	GString *md = g_string_new (readme_head);

	for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++) {
		const scenario *s = &scenarios[i];
		if (!is_message (s))
			continue;
		g_autofree char *findings = g_strdelimit (g_strdup (s->findings), ",", ' ');
		g_string_append_printf (md, "| %s | `%s` | %s | %" G_GSIZE_FORMAT " | %s | %s | %s |\n",
		                        s->id, s->path, s->folder, message_index (i), s->deleted ? "yes" : "",
		                        s->spoof_case, *findings ? findings : "none");
	}
	g_string_append (md, "\n");
	for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++) {
		const scenario *s = &scenarios[i];
		g_string_append_printf (md, "### %s\n\n`%s`", s->id, s->path);
		if (is_message (s))
			g_string_append_printf (md, " #%" G_GSIZE_FORMAT " — %s", message_index (i), s->subject);
		g_string_append_printf (md, "\n\n%s\n\n**mailhunt:** %s\n\n", s->about, s->expect);
	}
	/* no blank line at the end of the file */
	g_string_truncate (md, md->len - 1);
	write_file (outdir, "README.md", md->str, md->len);
	g_string_free (md, TRUE);
}

int
main (int argc, char **argv)
{
	if (argc != 2) {
		g_printerr ("Usage: %s OUTPUT-DIRECTORY\n", argv[0]);
		return 2;
	}
	const char *outdir = argv[1];

	check_table ();
	GString *content = g_string_new (NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++) {
		const scenario *s = &scenarios[i];
		const scenario *first = &scenarios[i - message_index (i)];
		g_autoptr (GString) msg = g_string_new (NULL);

		s->build (msg, s);
		switch (s->format) {
		case OUT_TB_MBOX:
			g_string_append_printf (content, "From %s\n", s->envelope);
			g_string_append_printf (content, "X-Mozilla-Status: %s\nX-Mozilla-Status2: 00000000\n",
			                        s->deleted ? "0009" : "0001");
			append_escaped (content, msg->str, !s->raw_from);
			g_string_append_c (content, '\n');   /* Thunderbird ends each message with a blank line */
			break;
		case OUT_MBOX:
			g_string_append_printf (content, "From %s\n", s->envelope);
			append_escaped (content, msg->str, !s->raw_from);
			g_string_append_c (content, '\n');
			break;
		default:
			g_string_append_len (content, msg->str, (gssize) msg->len);
			break;
		}
		/* the last row of its file: write the file */
		if (i + 1 == G_N_ELEMENTS (scenarios) || strcmp (scenarios[i + 1].path, s->path) != 0) {
			write_sample_file (outdir, first, content);
			g_string_truncate (content, 0);
		}
	}
	g_string_free (content, TRUE);

	/* Maildir's tmp/ exists and is empty */
	g_autofree char *tmp = g_build_filename (outdir, "maildir", "tmp", NULL);
	if (g_mkdir_with_parents (tmp, 0755) != 0)
		g_error ("cannot create %s: %s", tmp, g_strerror (errno));

	write_expected (outdir);
	write_readme (outdir);
	return 0;
}
