/* The message model: what the builder makes of good and of hostile mail,
 * and the header findings made on it. */
#include "config.h"

#include <string.h>

#include "mailhunt/analyse.h"
#include "mailhunt/message.h"

static mh_message *
build (const char *text)
{
	mh_locator loc = { .file = (char *) "test.eml", .offset = 0, .length = (gint64) strlen (text) };
	return mh_message_new_from_bytes (text, strlen (text), &loc, NULL);
}

static gboolean
has_finding (const mh_message *m, const char *id, mh_severity severity)
{
	for (guint i = 0; i < m->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (m->findings, i);
		if (strcmp (f->id, id) == 0 && f->severity == severity)
			return TRUE;
	}
	return FALSE;
}

static void
test_headers_decoded (void)
{
	g_autoptr (mh_message) m = build (
		"From: =?ISO-2022-JP?B?GyRCOzNFRDJWO1IbKEI=?= <taro.yamada@example.co.jp>\r\n"
		"To: \"Alice, Example\" <alice@example.com>, bob@example.net\r\n"
		"Cc: team: carol@example.com, dave@example.com;\r\n"
		"Subject: =?ISO-2022-JP?B?GyRCOGY4K0BRGyhC?= =?ISO-2022-JP?B?GyRCLSEbKEI=?=\r\n"
		"Date: Tue, 01 Oct 2019 10:00:00 +0900\r\n"
		"Message-ID: <abc@example.co.jp>\r\n"
		"Return-Path: <bounce@example.co.jp>\r\n"
		"Received: from a by b; Tue, 01 Oct 2019 10:00:01 +0900\r\n"
		"Received: from c by d; Tue, 01 Oct 2019 10:00:00 +0900\r\n"
		"X-Mailer: Microsoft Outlook 16.0\r\n"
		"\r\n"
		"body\r\n");
	g_assert_cmpstr (m->from.name, ==, "山田花子");
	g_assert_cmpstr (m->from.addr, ==, "taro.yamada@example.co.jp");
	g_assert_cmpuint (m->to->len, ==, 2);
	g_assert_cmpstr (((mh_address *) g_ptr_array_index (m->to, 0))->name, ==, "Alice, Example");
	g_assert_cmpstr (((mh_address *) g_ptr_array_index (m->to, 1))->addr, ==, "bob@example.net");
	g_assert_cmpuint (m->cc->len, ==, 2);   /* group members, flattened */
	g_assert_cmpstr (m->subject, ==, "御見積①");
	g_assert_cmpint (m->date_unix, ==, 1569891600);
	g_assert_cmpstr (m->message_id, ==, "abc@example.co.jp");
	g_assert_cmpstr (m->return_path, ==, "bounce@example.co.jp");
	g_assert_cmpuint (m->received->len, ==, 2);
	g_assert_true (g_str_has_prefix (g_ptr_array_index (m->received, 0), "from a by b"));
	g_assert_cmpstr (m->x_mailer, ==, "Microsoft Outlook 16.0");
	g_assert_cmpstr (m->body_text, ==, "body\r\n");
	g_assert_cmpuint (m->findings->len, ==, 0);
	mh_analyse_message (m, NULL);
	g_assert_cmpuint (m->findings->len, ==, 0);
}

static void
test_attachments (void)
{
	g_autoptr (mh_message) m = build (
		"From: a@example.com\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
		"--XX\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n"
		"--YY\r\nContent-Type: text/plain; charset=shift_jis\r\n\r\n\x82\xa0\r\n"
		"--YY\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--YY--\r\n"
		"--XX\r\nContent-Type: application/msword\r\n"
		"Content-Disposition: attachment; filename=\"=?ISO-2022-JP?B?GyRCQEE1YT1xGyhC?=.doc\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n0M8R4KGxGuE=\r\n"
		"--XX\r\nContent-Type: text/plain\r\n"
		"Content-Disposition: attachment; filename*=UTF-8''%E3%81%A6%E3%81%99%E3%81%A8.txt\r\n\r\nhello\r\n"
		"--XX\r\nContent-Type: message/rfc822\r\n\r\n"
		"From: inner@example.net\r\nSubject: inner\r\n\r\ninner body\r\n"
		"--XX--\r\n");
	/* the CRLF before a boundary belongs to the boundary */
	g_assert_cmpstr (m->body_text, ==, "あ");
	g_assert_false (m->body_from_html);
	g_assert_cmpuint (m->attachments->len, ==, 3);
	mh_attachment *doc = g_ptr_array_index (m->attachments, 0);
	g_assert_cmpstr (doc->filename, ==, "請求書.doc");
	g_assert_cmpstr (doc->declared_type, ==, "application/msword");
	g_assert_cmpstr (doc->detected_type, ==, "ole2");
	g_assert_cmpuint (doc->size, ==, 8);
	g_assert_cmpstr (doc->path, ==, "2");
	g_autoptr (GBytes) bytes = mh_attachment_get_bytes (doc, 0);
	g_assert_cmpuint (g_bytes_get_size (bytes), ==, 8);
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	g_checksum_update (sum, g_bytes_get_data (bytes, NULL), 8);
	g_assert_cmpstr (doc->sha256, ==, g_checksum_get_string (sum));
	mh_attachment *txt = g_ptr_array_index (m->attachments, 1);
	g_assert_cmpstr (txt->filename, ==, "てすと.txt");
	mh_attachment *msg = g_ptr_array_index (m->attachments, 2);
	g_assert_nonnull (msg->nested);
	g_assert_cmpstr (msg->nested->subject, ==, "inner");
	g_assert_cmpint (msg->nested->depth, ==, 1);
}

/* A sender written as a bare name (Outlook, Exchange-only sender) stays in
 * the report, with a problem saying the address is missing. */
static void
test_name_only_sender (void)
{
	g_autoptr (mh_message) m = build ("From: Kevin Roast <>\r\nTo: bob@example.com\r\nSubject: x\r\n\r\nbody\r\n");
	g_assert_cmpstr (m->from.name, ==, "Kevin Roast");
	g_assert_null (m->from.addr);
	g_assert_cmpuint (m->problems->len, ==, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (m->problems, 0), "name but no address"));
}

static void
test_html_only_body (void)
{
	g_autoptr (mh_message) m = build ("From: a@example.com\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	                                  "<p>Please <b>enable</b> content</p>\r\n");
	g_assert_true (m->body_from_html);
	g_assert_cmpstr (m->body_text, ==, "Please enable content");
}

/* ---- hostile and broken input: findings or problems, never a crash ---- */

static void
test_truncated_headers (void)
{
	g_autoptr (mh_message) m = build ("From: a@exa");
	g_assert_nonnull (m);
	g_autoptr (mh_message) n = build ("Subject: =?UTF-8?B?44GC");
	g_assert_nonnull (n->subject);
	g_autoptr (mh_message) e = build ("");
	g_assert_cmpuint (e->problems->len, >, 0);
	g_autoptr (mh_message) junk = build ("\x01\x02 not mail at all");
	g_assert_cmpuint (junk->problems->len, >, 0);
}

static void
test_broken_base64 (void)
{
	g_autoptr (mh_message) m = build (
		"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
		"--B\r\nContent-Type: application/octet-stream; name=x.bin\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n!!!!@@@@ not base64 ####\r\nQUJD\r\n=====\r\n");
	g_assert_cmpuint (m->attachments->len, ==, 1);
	mh_attachment *a = g_ptr_array_index (m->attachments, 0);
	g_assert_cmpstr (a->filename, ==, "x.bin");
	g_assert_cmpuint (strlen (a->sha256), ==, 64);
}

/* What GMime's own filter makes of a part: what mailhunt gave before it
 * decoded plain base64 itself. */
static GByteArray *
gmime_decoded (mh_attachment *a)
{
	GByteArray *bytes = g_byte_array_new ();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (bytes);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
	g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (GMIME_PART (a->part)), mem);
	g_object_unref (mem);
	return bytes;
}

/* The one attachment of @m: mailhunt's bytes of it (and its size) must
 * be GMime's, which are returned. */
static GByteArray *
attachment_like_gmime (const mh_message *m)
{
	g_assert_cmpuint (m->attachments->len, ==, 1);
	mh_attachment *a = g_ptr_array_index (m->attachments, 0);
	GByteArray *want = gmime_decoded (a);
	g_autoptr (GBytes) got = mh_attachment_get_bytes (a, 0);
	g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), want->data, want->len);
	g_assert_cmpuint (a->size, ==, want->len);
	return want;
}

/* Base64 attachments of every length up to a few groups, written in
 * lines of different widths (a group across two lines, one digit a
 * line), with LF or CRLF, and spoilt in the ways mailers and attackers
 * spoil them: no padding, padding in the middle, white space, junk
 * among the digits or after the padding.  Whatever the road taken, the
 * bytes are GMime's. */
static void
test_base64_like_gmime (void)
{
	static const guint widths[] = { 76, 64, 6, 1 };
	static const char *const spoil[] = { NULL, NULL, NULL, "pad-off", "pad-mid", "pad-odd", " ", "\t", "!", "=", "A", "\x80" };
	guint32 seed = 7;
	guint n_plain = 0;
	for (guint len = 0; len < 40; len++) {
		for (guint w = 0; w < G_N_ELEMENTS (widths); w++) {
			for (guint v = 0; v < G_N_ELEMENTS (spoil); v++) {
				guint8 raw[40];
				for (guint i = 0; i < len; i++) {
					seed = seed * 1103515245u + 12345u;
					raw[i] = (guint8) (seed >> 16);
				}
				g_autofree char *b64 = g_base64_encode (raw, len);
				GString *body = g_string_new (NULL);
				const char *eol = (len + w) % 2 ? "\r\n" : "\n";
				for (gsize i = 0; b64[i]; i++) {
					g_string_append_c (body, b64[i]);
					if ((i + 1) % widths[w] == 0)
						g_string_append (body, eol);
				}
				const char *sp = spoil[v];
				if (sp && strcmp (sp, "pad-off") == 0) {
					while (body->len && body->str[body->len - 1] == '=')
						g_string_truncate (body, body->len - 1);
				} else if (sp && strcmp (sp, "pad-odd") == 0) {
					/* padding after one digit of a group */
					gsize digits = 0;
					while (body->len && body->str[body->len - 1] == '=')
						g_string_truncate (body, body->len - 1);
					for (gsize i = 0; i < body->len; i++)
						digits += g_ascii_isalnum (body->str[i]) || body->str[i] == '+' || body->str[i] == '/';
					if (digits % 4 == 0)
						g_string_append (body, "Q");
					while (digits % 4 > 1 && body->len) {
						char last = body->str[body->len - 1];
						g_string_truncate (body, body->len - 1);
						digits -= last != '\n' && last != '\r';
					}
					g_string_append (body, "=");
				} else if (sp && strcmp (sp, "pad-mid") == 0) {
					g_string_insert (body, body->len / 2, "==");
				} else if (sp) {
					g_string_insert (body, (seed >> 8) % (body->len + 1), sp);
				}
				g_autofree char *mail = g_strdup_printf (
					"From: a@example.com%sContent-Type: multipart/mixed; boundary=B%s%s"
					"--B%sContent-Type: application/octet-stream; name=x.bin%s"
					"Content-Transfer-Encoding: base64%s%s%s%s--B--%s",
					eol, eol, eol, eol, eol, eol, eol, body->str, eol, eol);
				g_autoptr (mh_message) m = build (mail);
				g_autoptr (GByteArray) want = attachment_like_gmime (m);
				if (!sp)
					g_assert_cmpmem (want->data, want->len, raw, len);
				n_plain += !sp;
				g_string_free (body, TRUE);
			}
		}
	}
	g_assert_cmpuint (n_plain, ==, 40 * G_N_ELEMENTS (widths) * 3);
}

/* Parts whose bytes are as they are (7bit, 8bit, binary, no header) are
 * read straight from GMime's stream: the bytes are the ones its copy
 * through a stream gives, line ends and NULs included. */
static void
test_identity_like_gmime (void)
{
	static const char *const cte[] = { "7bit", "8bit", "binary", NULL, "x-unknown" };
	guint32 seed = 11;
	for (guint len = 0; len < 300; len += 7) {
		for (guint k = 0; k < G_N_ELEMENTS (cte); k++) {
			GString *body = g_string_new (NULL);
			for (guint i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				guint8 b = (guint8) (seed >> 16);
				/* no line may look like the boundary */
				g_string_append_c (body, b == '-' ? 'x' : (char) b);
			}
			g_autoptr (GString) mail = g_string_new ("From: a@example.com\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
			                                         "--B\r\nContent-Type: application/octet-stream; name=x.bin\r\n");
			if (cte[k])
				g_string_append_printf (mail, "Content-Transfer-Encoding: %s\r\n", cte[k]);
			g_string_append (mail, "\r\n");
			g_string_append_len (mail, body->str, (gssize) body->len);
			g_string_append (mail, "\r\n--B--\r\n");
			mh_locator loc = { .file = (char *) "test.eml" };
			g_autoptr (mh_message) m = mh_message_new_from_bytes (mail->str, mail->len, &loc, NULL);
			g_autoptr (GByteArray) want = attachment_like_gmime (m);
			g_string_free (body, TRUE);
		}
	}
}

static void
test_deep_multipart_nesting (void)
{
	g_autoptr (GString) s = g_string_new ("From: a@example.com\r\nSubject: deep\r\n");
	for (int i = 0; i < 1000; i++)
		g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
	g_string_append (s, "Content-Type: text/plain\r\n\r\nbottom\r\n");
	for (int i = 999; i >= 0; i--)
		g_string_append_printf (s, "--b%d--\r\n", i);
	mh_locator loc = { .file = (char *) "deep.eml" };
	g_autoptr (mh_message) m = mh_message_new_from_bytes (s->str, s->len, &loc, NULL);
	gboolean capped = FALSE;
	for (guint i = 0; i < m->problems->len; i++)
		if (strstr (g_ptr_array_index (m->problems, i), "nesting deeper"))
			capped = TRUE;
	g_assert_true (capped);
}

static void
test_deep_message_nesting (void)
{
	g_autoptr (GString) s = g_string_new (NULL);
	for (int i = 0; i < 1000; i++)
		g_string_append_printf (s, "From: a%d@example.com\r\nSubject: level %d\r\nContent-Type: message/rfc822\r\n\r\n", i, i);
	g_string_append (s, "From: z@example.com\r\nSubject: bottom\r\n\r\nbody\r\n");
	mh_locator loc = { .file = (char *) "deep.eml" };
	mh_limits limits;
	mh_limits_init_default (&limits);
	g_autoptr (mh_message) m = mh_message_new_from_bytes (s->str, s->len, &loc, &limits);
	int depth = 0;
	const mh_message *cur = m;
	while (cur->attachments->len > 0 && ((mh_attachment *) g_ptr_array_index (cur->attachments, 0))->nested) {
		cur = ((mh_attachment *) g_ptr_array_index (cur->attachments, 0))->nested;
		depth++;
	}
	g_assert_cmpint (depth, <=, limits.max_depth);
	g_assert_cmpuint (cur->problems->len, >, 0);
}

static void
test_huge_header_line (void)
{
	gsize big = 50 * 1024 * 1024;
	GString *s = g_string_sized_new (big + 100);
	g_string_append (s, "From: a@example.com\r\nX-Huge: ");
	for (gsize i = 0; i < big; i++)
		g_string_append_c (s, 'x');
	g_string_append (s, "\r\nSubject: after the long line\r\n\r\nbody\r\n");
	mh_locator loc = { .file = (char *) "huge.eml" };
	mh_message *m = mh_message_new_from_bytes (s->str, s->len, &loc, NULL);
	g_assert_cmpstr (m->subject, ==, "after the long line");
	g_assert_cmpuint (m->problems->len, ==, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (m->problems, 0), "cut to that length"));
	g_assert_cmpstr (mh_message_get_header (m, "From"), ==, "a@example.com");
	mh_message_free (m);
	g_string_free (s, TRUE);
}

/* ---- header findings ---- */

typedef struct {
	const char *name;
	const char *headers;
	const char *finding;      /* NULL: none expected */
	mh_severity severity;
} finding_case;

static const finding_case finding_cases[] = {
	{ "display-name-address",
	  "From: \"taro.yamada@example.co.jp\" <x@attacker.example.net>\r\n",
	  "header.display-name-address", MH_SEVERITY_MEDIUM },
	{ "display-name-same-address",
	  "From: \"taro.yamada@example.co.jp\" <Taro.Yamada@example.co.jp>\r\n", NULL, 0 },
	{ "envelope-mismatch",
	  "From: taro@example.co.jp\r\nReturn-Path: <x@mailer.example.net>\r\n",
	  "header.envelope-from-mismatch", MH_SEVERITY_LOW },
	{ "envelope-subdomain-ok",
	  "From: taro@example.co.jp\r\nReturn-Path: <bounce@mail.example.co.jp>\r\n", NULL, 0 },
	{ "envelope-mailing-list-info",
	  "From: taro@example.co.jp\r\nReturn-Path: <list-bounces@lists.example.org>\r\nList-Id: <x.lists.example.org>\r\n",
	  "header.envelope-from-mismatch", MH_SEVERITY_INFO },
	{ "reply-to",
	  "From: taro@example.co.jp\r\nReply-To: taro.yamada@freemail.example.net\r\n",
	  "header.reply-to-mismatch", MH_SEVERITY_LOW },
	{ "reply-to-mailing-list-info",
	  "From: taro@example.co.jp\r\nReply-To: users@lists.example.org\r\nList-Id: <users.lists.example.org>\r\n",
	  "header.reply-to-mismatch", MH_SEVERITY_INFO },
	{ "reply-without-reference",
	  "From: taro@example.co.jp\r\nSubject: Re: invoice\r\n",
	  "header.reply-without-reference", MH_SEVERITY_LOW },
	{ "reply-japanese-without-reference",
	  "From: taro@example.co.jp\r\nSubject: =?UTF-8?B?6L+U5L+hOiDopovnqY0=?=\r\n",
	  "header.reply-without-reference", MH_SEVERITY_LOW },
	{ "reply-with-reference",
	  "From: taro@example.co.jp\r\nSubject: RE: invoice\r\nIn-Reply-To: <a@example.co.jp>\r\n", NULL, 0 },
	{ "dmarc-fail",
	  "From: taro@example.co.jp\r\nAuthentication-Results: mx.example.com; spf=pass; dmarc=fail (p=none)\r\n",
	  "header.authentication-failure", MH_SEVERITY_MEDIUM },
	{ "spf-softfail",
	  "From: taro@example.co.jp\r\nAuthentication-Results: mx.example.com; spf=softfail smtp.mailfrom=x\r\n",
	  "header.authentication-failure", MH_SEVERITY_LOW },
	{ "all-pass",
	  "From: taro@example.co.jp\r\nAuthentication-Results: mx.example.com; spf=pass; dkim=pass; dmarc=pass\r\n", NULL, 0 },
};

static void
test_finding (gconstpointer data)
{
	const finding_case *c = data;
	g_autofree char *text = g_strconcat (c->headers, "\r\nbody\r\n", NULL);
	g_autoptr (mh_message) m = build (text);
	mh_analyse_message (m, NULL);
	if (!c->finding) {
		for (guint i = 0; i < m->findings->len; i++)
			g_test_message ("unexpected: %s", ((mh_finding *) g_ptr_array_index (m->findings, i))->id);
		g_assert_cmpuint (m->findings->len, ==, 0);
		return;
	}
	g_assert_true (has_finding (m, c->finding, c->severity));
	g_assert_cmpuint (m->findings->len, ==, 1);
	mh_finding *f = g_ptr_array_index (m->findings, 0);
	g_assert_nonnull (f->summary);
	g_assert_nonnull (f->evidence);
}

/* The attachment hash against GLib's, at the lengths where SHA-256's
 * padding changes (55/56/64 bytes) and over many blocks; and one value
 * known from elsewhere (FIPS 180-2's "abc"). */
static void
test_sha256 (void)
{
	static const gsize lengths[] = { 0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 1000, 1 << 20, (1 << 20) + 7 };
	g_autofree guint8 *data = g_malloc ((1 << 20) + 7);
	guint32 x = 2463534242u;
	for (gsize i = 0; i < (1 << 20) + 7; i++) {
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		data[i] = (guint8) x;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (lengths); i++) {
		char hex[MH_SHA256_HEX_SIZE];
		mh_sha256_hex (data, lengths[i], hex);
		g_autofree char *want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, lengths[i]);
		g_assert_cmpstr (hex, ==, want);
	}
	char hex[MH_SHA256_HEX_SIZE];
	mh_sha256_hex ("abc", 3, hex);
	g_assert_cmpstr (hex, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	mh_sha256_hex (NULL, 0, hex);
	g_assert_cmpstr (hex, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_set_nonfatal_assertions ();
	g_mime_init ();
	g_test_add_func ("/message/headers", test_headers_decoded);
	g_test_add_func ("/message/sha256", test_sha256);
	g_test_add_func ("/message/attachments", test_attachments);
	g_test_add_func ("/message/html-only", test_html_only_body);
	g_test_add_func ("/message/name-only-sender", test_name_only_sender);
	g_test_add_func ("/message/malformed/truncated-headers", test_truncated_headers);
	g_test_add_func ("/message/malformed/broken-base64", test_broken_base64);
	g_test_add_func ("/message/base64-like-gmime", test_base64_like_gmime);
	g_test_add_func ("/message/identity-like-gmime", test_identity_like_gmime);
	g_test_add_func ("/message/malformed/deep-multipart", test_deep_multipart_nesting);
	g_test_add_func ("/message/malformed/deep-message", test_deep_message_nesting);
	g_test_add_func ("/message/malformed/huge-header-line", test_huge_header_line);
	for (gsize i = 0; i < G_N_ELEMENTS (finding_cases); i++) {
		g_autofree char *path = g_strdup_printf ("/findings/%s", finding_cases[i].name);
		g_test_add_data_func (path, &finding_cases[i], test_finding);
	}
	int rc = g_test_run ();
	g_mime_shutdown ();
	return rc;
}
