/* Header indicators of a spoofed sender.
 *
 * JPCERT/CC's Emotet FAQ names "Header From differs from Envelope From" as
 * the sign of spoofed mail in server logs; the other checks are the ones an
 * analyst makes by eye on a reported mail: a display name that holds
 * another address, a Reply-To elsewhere, a "Re:" that replies to nothing,
 * and the receiving server's own SPF/DKIM/DMARC verdicts.  Each finding is
 * described in docs/detection.md under its id.
 */
#include "config.h"

#include <string.h>

#include "mailhunt/analyse.h"
#include "mailhunt/link.h"

char *
mh_address_domain (const char *addr)
{
	if (!addr)
		return NULL;
	const char *at = strrchr (addr, '@');
	if (!at || !at[1])
		return NULL;
	g_autofree char *d = g_strdup (at + 1);
	g_strstrip (d);
	gsize n = strlen (d);
	while (n > 0 && (d[n - 1] == '.' || d[n - 1] == '>'))
		d[--n] = '\0';
	return n ? g_utf8_strdown (d, -1) : NULL;
}

/* Same domain, or one a subdomain of the other (bounce.example.com sends
 * for example.com): not a mismatch. */
static gboolean
domains_related (const char *a, const char *b)
{
	if (g_ascii_strcasecmp (a, b) == 0)
		return TRUE;
	gsize la = strlen (a), lb = strlen (b);
	if (la > lb && g_ascii_strcasecmp (a + la - lb, b) == 0 && a[la - lb - 1] == '.')
		return TRUE;
	if (lb > la && g_ascii_strcasecmp (b + lb - la, a) == 0 && b[lb - la - 1] == '.')
		return TRUE;
	return FALSE;
}

/* First thing in @text shaped like an e-mail address, or NULL. */
static char *
find_address (const char *text)
{
	if (!text)
		return NULL;
	const char *at = strchr (text, '@');
	while (at) {
		const char *s = at, *e = at + 1;
		while (s > text && (g_ascii_isalnum (s[-1]) || strchr ("._%+-'", s[-1])))
			s--;
		while (*e && (g_ascii_isalnum (*e) || *e == '.' || *e == '-'))
			e++;
		while (e > at + 1 && e[-1] == '.')
			e--;
		if (s < at && memchr (at + 1, '.', (gsize) (e - at - 1)))
			return g_ascii_strdown (s, e - s);
		at = strchr (at + 1, '@');
	}
	return NULL;
}

static void
check_display_name (mh_message *m)
{
	if (!m->from.name || !m->from.addr)
		return;
	g_autofree char *shown = find_address (m->from.name);
	if (!shown || g_ascii_strcasecmp (shown, m->from.addr) == 0)
		return;
	g_autofree char *evidence = g_strdup_printf ("From: \"%s\" <%s>", m->from.name, m->from.addr);
	mh_message_add_finding (m, "header.display-name-address", MH_SEVERITY_MEDIUM, evidence,
	                        "The display name shows %s, but the mail comes from %s.", shown, m->from.addr);
}

static void
check_envelope (mh_message *m)
{
	const char *envelope = m->return_path ? m->return_path : m->envelope_from;
	const char *source = m->return_path ? "Return-Path" : "mbox envelope";
	if (!envelope || !m->from.addr)
		return;
	g_autofree char *from_domain = mh_address_domain (m->from.addr);
	g_autofree char *env_domain = mh_address_domain (envelope);
	if (!from_domain || !env_domain || domains_related (from_domain, env_domain))
		return;

	/* Mailing lists and "on behalf of" senders rewrite the envelope as a
	 * matter of course: still worth a look, but not a flag. */
	g_autofree char *sender_domain = mh_address_domain (m->sender.addr);
	gboolean explained = mh_message_get_header (m, "List-Id") != NULL ||
	                     (sender_domain && domains_related (sender_domain, env_domain));
	g_autofree char *evidence = g_strdup_printf ("From: %s; %s: %s", m->from.addr, source, envelope);
	mh_message_add_finding (m, "header.envelope-from-mismatch",
	                        explained ? MH_SEVERITY_INFO : MH_SEVERITY_LOW, evidence,
	                        "The Header From domain %s differs from the envelope sender domain %s%s.",
	                        from_domain, env_domain,
	                        explained ? " (a mailing list or a Sender explains it)" : "");
}

static void
check_reply_to (mh_message *m)
{
	g_autofree char *from_domain = mh_address_domain (m->from.addr);
	if (!from_domain)
		return;
	for (guint i = 0; i < m->reply_to->len; i++) {
		const mh_address *r = g_ptr_array_index (m->reply_to, i);
		g_autofree char *rd = mh_address_domain (r->addr);
		if (!rd || domains_related (rd, from_domain))
			continue;
		/* a mailing list sends replies to the list: the List-Id (its
		 * <list.example.org> part) or the list's envelope names it */
		gboolean list_reply = FALSE;
		const char *list_id = mh_message_get_header (m, "List-Id");
		if (list_id) {
			const char *lt = strrchr (list_id, '<');
			g_autofree char *id = g_strndup (lt ? lt + 1 : list_id, strcspn (lt ? lt + 1 : list_id, ">"));
			g_autofree char *env_domain = mh_address_domain (m->return_path ? m->return_path : m->envelope_from);
			list_reply = domains_related (rd, g_strstrip (id)) ||
			             (env_domain && domains_related (rd, env_domain));
		}
		g_autofree char *evidence = g_strdup_printf ("From: %s; Reply-To: %s", m->from.addr, r->addr);
		mh_message_add_finding (m, "header.reply-to-mismatch", list_reply ? MH_SEVERITY_INFO : MH_SEVERITY_LOW,
		                        evidence, "Replies would go to %s, another domain than the sender's (%s)%s.",
		                        r->addr, from_domain, list_reply ? ", the mailing list's" : "");
		return;
	}
}

static void
check_reply_without_reference (mh_message *m)
{
	if (!mh_subject_is_reply (m->subject))
		return;
	if ((m->in_reply_to && *m->in_reply_to) || (m->references && *m->references))
		return;
	g_autofree char *evidence = g_strdup_printf ("Subject: %s", m->subject);
	mh_message_add_finding (m, "header.reply-without-reference", MH_SEVERITY_LOW, evidence,
	                        "The subject says this is a reply, but the mail has neither In-Reply-To nor References.");
}

/* "spf=fail" etc. in Authentication-Results: method, result, severity. */
static const struct {
	const char *needle;
	const char *method;
	const char *result;
	mh_severity severity;
} auth_failures[] = {
	{ "dmarc=fail", "DMARC", "fail", MH_SEVERITY_MEDIUM },
	{ "spf=fail", "SPF", "fail", MH_SEVERITY_MEDIUM },
	{ "spf=softfail", "SPF", "softfail", MH_SEVERITY_LOW },
	{ "dkim=fail", "DKIM", "fail", MH_SEVERITY_LOW },
	{ NULL, NULL, NULL, 0 },
};

static void
check_authentication_results (mh_message *m)
{
	for (int k = 0; auth_failures[k].needle; k++) {
		for (guint i = 0; i < m->authentication_results->len; i++) {
			const char *ar = g_ptr_array_index (m->authentication_results, i);
			g_autofree char *lower = g_ascii_strdown (ar, -1);
			const char *hit = strstr (lower, auth_failures[k].needle);
			/* the needle must stand as a word: "xspf=fail" is not SPF */
			if (!hit || (hit > lower && (g_ascii_isalnum (hit[-1]) || hit[-1] == '-')))
				continue;
			g_autofree char *evidence = g_strdup_printf ("Authentication-Results: %s", ar);
			mh_message_add_finding (m, "header.authentication-failure", auth_failures[k].severity, evidence,
			                        "The receiving server recorded %s=%s for this mail.",
			                        auth_failures[k].method, auth_failures[k].result);
			break;
		}
	}
}

void
mh_analyse_headers (mh_message *m)
{
	check_display_name (m);
	check_envelope (m);
	check_reply_to (m);
	check_reply_without_reference (m);
	check_authentication_results (m);
}
