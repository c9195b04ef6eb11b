/* Case A or case B (JPCERT/CC's Emotet FAQ, ../shared/seed): does a mail
 * that looks like a reply quote a thread that was really exchanged (A:
 * the terminal of the account shown as sender likely leaked it), or was
 * it built from harvested addresses alone (B)?  And a genuine reply must
 * not be called either.  The rules, in order, are in docs/linking.md;
 * every step that decides leaves a reason in words. */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "mailhunt/link.h"

/* A quote shorter than this says too little to be matched ("Thanks!") */
#define MIN_QUOTE_CHARS   24
/* Share of a quote's fingerprint an original must hold to be its source */
#define LINK_MIN_SCORE    0.6
#define LINKS_PER_QUOTE   5
/* Quote levels looked up: the first ones are what the spoof copied */
#define MAX_LEVELS_LINKED 4
/* An original is older than its reply; clocks disagree by hours */
#define CLOCK_SKEW_S      (24 * 3600)

static const char *const spoof_signs[] = {
	"header.display-name-address",
	"header.envelope-from-mismatch",
	"header.reply-to-mismatch",
	"header.authentication-failure",
	"header.reply-without-reference",
	NULL,
};

const char *
mh_case_to_string (mh_case verdict)
{
	switch (verdict) {
	case MH_CASE_NOT_SPOOF: return "not-spoof";
	case MH_CASE_A_CONFIRMED: return "A-confirmed";
	case MH_CASE_A_LIKELY: return "A-likely";
	case MH_CASE_B: return "B";
	case MH_CASE_UNDECIDED: break;
	}
	return "undecided";
}

void
mh_case_result_free (mh_case_result *r)
{
	if (!r)
		return;
	g_ptr_array_unref (r->reasons);
	g_ptr_array_unref (r->quotes);
	g_array_unref (r->links);
	g_free (r->shown_sender);
	g_ptr_array_unref (r->holding_mailboxes);
	g_ptr_array_unref (r->problems);
	g_free (r);
}

static void reason (mh_case_result *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
reason (mh_case_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_ptr_array_add (r->reasons, g_strdup_vprintf (fmt, ap));
	va_end (ap);
}

/* A Message-ID without its angle brackets and white space. */
static char *
bare_id (const char *id)
{
	if (!id)
		return NULL;
	g_autofree char *s = g_strstrip (g_strdup (id));
	gsize n = strlen (s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		return g_strndup (s + 1, n - 2);
	return g_steal_pointer (&s);
}

static gboolean
same_id (const char *a, const char *b)
{
	g_autofree char *x = bare_id (a), *y = bare_id (b);
	return x && y && *x && g_ascii_strcasecmp (x, y) == 0;
}

/* Whether @refs (In-Reply-To or References: ids in angle brackets) names @id. */
static gboolean
refs_name (const char *refs, const char *id)
{
	g_autofree char *want = bare_id (id);
	if (!refs || !want || !*want)
		return FALSE;
	g_autofree char *needle = g_strdup_printf ("<%s>", want);
	g_autofree char *hay = g_ascii_strdown (refs, -1);
	g_autofree char *low = g_ascii_strdown (needle, -1);
	return strstr (hay, low) != NULL;
}

static gboolean
is_participant (const mh_indexed_message *o, const char *addr)
{
	if (!addr || !*addr)
		return FALSE;
	if (o->from && g_ascii_strcasecmp (o->from, addr) == 0)
		return TRUE;
	if (!o->to)
		return FALSE;
	g_auto (GStrv) parts = g_strsplit (o->to, ",", -1);
	for (guint i = 0; parts[i]; i++)
		if (g_ascii_strcasecmp (g_strstrip (parts[i]), addr) == 0)
			return TRUE;
	return FALSE;
}

/* The message itself, or a copy of it in another mailbox. */
static gboolean
is_self (const mh_message *m, const mh_indexed_message *o)
{
	if (m->message_id && o->message_id && same_id (m->message_id, o->message_id))
		return TRUE;
	return o->file && m->locator.file && strcmp (o->file, m->locator.file) == 0 &&
	       o->index == m->locator.index && o->offset == m->locator.offset;
}

/* Best first: the outermost quote level (what the mail quotes directly;
 * deeper levels are the history inside it), then the highest score,
 * then the original that holds more of the quote, then the oldest: a
 * later mail that quotes the same text (a reply further down the
 * thread, another spoof) is a copy of it. */
static gint
link_order (gconstpointer a, gconstpointer b, gpointer data)
{
	const mh_quote_link *x = a, *y = b;
	const mh_thread_index *index = data;
	if (x->quote_level != y->quote_level)
		return x->quote_level < y->quote_level ? -1 : 1;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	if (x->matched != y->matched)
		return x->matched < y->matched ? 1 : -1;
	const mh_indexed_message *ox = mh_thread_index_get (index, x->original);
	const mh_indexed_message *oy = mh_thread_index_get (index, y->original);
	gint64 dx = ox ? ox->date_unix : G_MININT64, dy = oy ? oy->date_unix : G_MININT64;
	if (dx != dy && dx != G_MININT64 && dy != G_MININT64)
		return dx < dy ? -1 : 1;
	/* copies of one message: by where they are, not by when they were
	 * read, so that the order of the inputs does not show */
	int c = ox && oy ? mh_indexed_message_compare_place (ox, oy) : 0;
	if (c)
		return c;
	return x->original < y->original ? -1 : x->original > y->original ? 1 : 0;
}

/* Looks every quote level up in @index: the originals each reproduces,
 * one link per original (its best level). */
static void
link_quotes (mh_case_result *r, const mh_message *m, const mh_thread_index *index)
{
	for (guint i = 0; i < r->quotes->len; i++) {
		const mh_quote *q = g_ptr_array_index (r->quotes, i);
		if (q->level > MAX_LEVELS_LINKED || !q->text ||
		    g_utf8_strlen (q->text, -1) < MIN_QUOTE_CHARS)
			continue;
		g_autoptr (GArray) found = mh_thread_index_find_text (index, q->text, strlen (q->text),
		                                                      LINK_MIN_SCORE, LINKS_PER_QUOTE);
		for (guint k = 0; k < found->len; k++) {
			const mh_link_match *f = &g_array_index (found, mh_link_match, k);
			const mh_indexed_message *o = mh_thread_index_get (index, f->id);
			if (!o || is_self (m, o))
				continue;
			/* an original is older than the mail quoting it */
			if (o->date_unix != G_MININT64 && m->date_unix != G_MININT64 &&
			    o->date_unix > m->date_unix + CLOCK_SKEW_S)
				continue;
			gboolean merged = FALSE;
			for (guint j = 0; j < r->links->len; j++) {
				mh_quote_link *l = &g_array_index (r->links, mh_quote_link, j);
				if (l->original == f->id) {
					/* levels come outermost first: a deeper one replaces
					 * it only by matching better */
					if (f->score > l->score) {
						l->score = f->score;
						l->quote_level = q->level;
						l->matched = f->matched;
						l->total = f->total;
					}
					merged = TRUE;
				}
			}
			if (!merged) {
				mh_quote_link l = { f->id, q->level, f->score, f->matched, f->total };
				g_array_append_val (r->links, l);
			}
		}
	}
	g_array_sort_with_data (r->links, link_order, (gpointer) index);
}

static gint
compare_mailboxes (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
add_mailbox_once (GPtrArray *list, const char *mailbox)
{
	if (!mailbox)
		return;
	for (guint i = 0; i < list->len; i++)
		if (strcmp (g_ptr_array_index (list, i), mailbox) == 0)
			return;
	g_ptr_array_add (list, g_strdup (mailbox));
}

/* The account the mail shows as its sender: the address written in the
 * display name when there is one (the classic spoof), else the name and
 * the address. */
static char *
shown_sender (const mh_message *m)
{
	const char *name = m->from.name, *addr = m->from.addr;
	if (name) {
		const char *at = strchr (name, '@');
		if (at) {
			const char *start = at, *end = at;
			while (start > name && !strchr (" <\"'(", start[-1]))
				start--;
			while (*end && !strchr (" >\"')", *end))
				end++;
			return g_strndup (start, (gsize) (end - start));
		}
		return g_strdup_printf ("%s <%s>", name, addr ? addr : "");
	}
	return g_strdup (addr ? addr : "(no sender)");
}

static gboolean
has_finding (const mh_message *m, const char *id)
{
	for (guint i = 0; i < m->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (m->findings, i);
		if (strcmp (f->id, id) == 0 && f->severity >= MH_SEVERITY_LOW)
			return TRUE;
	}
	return FALSE;
}

/* The header findings that say the sender may not be who it shows. */
static guint
spoof_evidence (mh_case_result *r, const mh_message *m, gboolean say)
{
	guint n = 0;
	for (guint i = 0; i < m->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (m->findings, i);
		if (!g_strv_contains (spoof_signs, f->id) || f->severity < MH_SEVERITY_LOW)
			continue;
		n++;
		if (say)
			reason (r, "%s: %s", f->id, f->summary);
	}
	return n;
}

static gboolean
subject_fits (const char *quoted, const char *subject)
{
	if (!quoted || !subject)
		return FALSE;
	g_autofree char *a = mh_subject_normalise (quoted);
	g_autofree char *b = mh_subject_normalise (subject);
	return *a && *b && (strcmp (a, b) == 0 || strstr (a, b) || strstr (b, a));
}

/* A-likely: the first quote's header block could be a real original's:
 * a sender, and a subject or a date that fit the mail quoting it. */
static gboolean
quote_headers_fit (mh_case_result *r, const mh_message *m, const mh_quote *q)
{
	if (!q->from || !*q->from) {
		reason (r, "the quote gives no original sender");
		return FALSE;
	}
	gboolean subject = subject_fits (q->subject, m->subject);
	gboolean date = FALSE;
	if (q->date) {
		GDateTime *when = g_mime_utils_header_decode_date (q->date);
		if (when) {
			gint64 t = g_date_time_to_unix (when);
			date = m->date_unix == G_MININT64 || t <= m->date_unix + CLOCK_SKEW_S;
			g_date_time_unref (when);
		}
	}
	if (!subject && !date) {
		reason (r, "the quoted headers do not fit this mail: subject \"%s\", date \"%s\"",
		        q->subject ? q->subject : "(none)", q->date ? q->date : "(none)");
		return FALSE;
	}
	reason (r, "the quote carries an original's headers that fit (from \"%s\"%s%s%s)", q->from,
	        subject ? ", same subject" : "", date ? ", dated " : "", date ? q->date : "");
	return TRUE;
}

/* A recipient (To, Cc) of @m whose mail the index holds, or NULL: mail
 * other than @m itself and its copies (same Message-ID), which the index
 * holds too when the scan indexes what it reads (@self_indexed). */
static const char *
recipient_known (const mh_message *m, const mh_thread_index *index, gboolean self_indexed)
{
	if (!index)
		return NULL;
	guint own = 0;
	if (m->message_id) {
		g_autoptr (GArray) copies = mh_thread_index_by_message_id (index, m->message_id);
		own = copies->len;
	}
	if (own == 0 && self_indexed)
		own = 1;
	GPtrArray *lists[] = { m->to, m->cc };
	for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
		for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
			const mh_address *a = g_ptr_array_index (lists[l], i);
			if (a && a->addr && mh_thread_index_participant_messages (index, a->addr) > own)
				return a->addr;
		}
	return NULL;
}

mh_case_result *
mh_case_classify (const mh_message *m, const mh_thread_index *index)
{
	return mh_case_classify_indexed (m, index, FALSE);
}

mh_case_result *
mh_case_classify_indexed (const mh_message *m, const mh_thread_index *index, gboolean self_indexed)
{
	mh_case_result *r = g_new0 (mh_case_result, 1);
	r->reasons = g_ptr_array_new_with_free_func (g_free);
	r->links = g_array_new (FALSE, FALSE, sizeof (mh_quote_link));
	r->holding_mailboxes = g_ptr_array_new_with_free_func (g_free);
	r->problems = g_ptr_array_new_with_free_func (g_free);
	const char *body = m->body_text ? m->body_text : "";
	r->quotes = mh_quotes_extract (body, strlen (body), r->problems);
	if (index)
		link_quotes (r, m, index);

	gboolean reply = mh_subject_is_reply (m->subject);
	const mh_quote *first = r->quotes->len ? g_ptr_array_index (r->quotes, 0) : NULL;

	if (r->links->len > 0) {
		const mh_quote_link *best = &g_array_index (r->links, mh_quote_link, 0);
		const mh_indexed_message *o = mh_thread_index_get (index, best->original);
		g_autoptr (GArray) copies = o->message_id ? mh_thread_index_by_message_id (index, o->message_id)
		                                         : g_array_new (FALSE, FALSE, sizeof (guint32));
		add_mailbox_once (r->holding_mailboxes, o->mailbox);
		for (guint i = 0; i < copies->len; i++) {
			const mh_indexed_message *c = mh_thread_index_get (index, g_array_index (copies, guint32, i));
			if (c)
				add_mailbox_once (r->holding_mailboxes, c->mailbox);
		}
		g_ptr_array_sort (r->holding_mailboxes, compare_mailboxes);
		reason (r, "quote level %u reproduces message %s (%s, %s #%u) of mailbox %s: %u of %u "
		        "fingerprint units, score %.2f", best->quote_level,
		        o->message_id ? o->message_id : "(no Message-ID)", o->subject ? o->subject : "",
		        o->file ? o->file : "", o->index, o->mailbox ? o->mailbox : "", best->matched,
		        best->total, best->score);
		gboolean answers = (m->in_reply_to && refs_name (m->in_reply_to, o->message_id)) ||
		                   (m->references && refs_name (m->references, o->message_id));
		gboolean participant = is_participant (o, m->from.addr);
		guint signs = spoof_evidence (r, m, FALSE);
		if (answers && participant && signs == 0) {
			r->verdict = MH_CASE_NOT_SPOOF;
			reason (r, "it answers that message by In-Reply-To/References, from %s, one of its "
			        "participants, with no sign of spoofing: a genuine reply", m->from.addr);
			return r;
		}
		r->verdict = MH_CASE_A_CONFIRMED;
		if (!participant)
			reason (r, "the sender %s is not a participant of that message (%s to %s)",
			        m->from.addr ? m->from.addr : "(none)", o->from ? o->from : "?", o->to ? o->to : "?");
		if (!answers)
			reason (r, "it does not refer to that message by In-Reply-To or References");
		spoof_evidence (r, m, TRUE);
		r->shown_sender = shown_sender (m);
		reason (r, "the thread was stolen: the terminal of the account shown as sender (%s) "
		        "is likely infected", r->shown_sender);
		return r;
	}

	/* Emotet replies to the people of the thread it stole: when a mailbox
	 * given holds the recipient's mail, a real quoted thread would be in
	 * it, and a quote it lacks was made up */
	const char *known = recipient_known (m, index, self_indexed);
	if (first && known) {
		r->verdict = MH_CASE_B;
		reason (r, "the mailboxes given hold the mail of the recipient %s but not the quoted "
		        "text: the quote (%s) is invented", known, first->style);
		spoof_evidence (r, m, TRUE);
		reason (r, "built from addresses, not from a stolen thread: the sender shown is not "
		        "necessarily infected");
		return r;
	}
	if (first && (first->from || first->date || first->subject)) {
		if (quote_headers_fit (r, m, first)) {
			r->verdict = MH_CASE_A_LIKELY;
			reason (r, index ? "no mailbox given holds the quoted message"
			                 : "no mailbox was given to look for the quoted message");
			spoof_evidence (r, m, TRUE);
			r->shown_sender = shown_sender (m);
			return r;
		}
		r->verdict = MH_CASE_B;
		reason (r, "no genuine quote: the sender shown is not necessarily infected");
		spoof_evidence (r, m, TRUE);
		return r;
	}

	/* a mail that neither replies nor quotes is case B when it passes for
	 * a harvested address (display name, diverted replies, failed
	 * authentication); an envelope sender of another domain alone is what
	 * mailing lists and bulk senders do */
	if (first || reply || spoof_evidence (r, m, FALSE) > (has_finding (m, "header.envelope-from-mismatch") ? 1u : 0u)) {
		r->verdict = MH_CASE_B;
		if (first)
			reason (r, "the quoted text (%s) matches no message of the mailboxes given and has no "
			        "original headers", first->style);
		else if (reply)
			reason (r, "the subject says reply but the mail quotes nothing");
		spoof_evidence (r, m, TRUE);
		reason (r, "built from addresses, not from a stolen thread: the sender shown is not "
		        "necessarily infected");
		return r;
	}
	r->verdict = MH_CASE_UNDECIDED;
	return r;
}

/* -- the stolen thread ------------------------------------------------------- */

static void
add_participant_once (GPtrArray *list, const char *addr)
{
	if (!addr || !*addr || !strchr (addr, '@') || list->len >= MH_THREAD_PARTICIPANTS_MAX)
		return;
	g_autofree char *lower = g_utf8_strdown (addr, -1);
	for (guint i = 0; i < list->len; i++)
		if (strcmp (g_ptr_array_index (list, i), lower) == 0)
			return;
	g_ptr_array_add (list, g_steal_pointer (&lower));
}

/* The addr-specs of a header value as written in a quote ("Name
 * <a@example.jp>, b@example.com"), or of the index's ", " lists. */
static void
add_participants_of (GPtrArray *list, const char *value)
{
	if (!value || !*value)
		return;
	InternetAddressList *l = internet_address_list_parse (NULL, value);
	for (int i = 0; l && i < internet_address_list_length (l); i++) {
		InternetAddress *a = internet_address_list_get_address (l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX (a))
			add_participant_once (list, internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a)));
	}
	if (l)
		g_object_unref (l);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Names the thread a case A mail stole: spoofs that quote different
 * messages of one thread, or one message in different mailboxes, fall
 * together.  The key is the normalised subject (what a thread keeps from
 * message to message; the participants change with every Cc), else the
 * participants; its id is a hash of the key, so that shards and later
 * scans give the same id. */
static void
name_thread (mh_thread_case *c, const char *subject, const char *fallback)
{
	g_ptr_array_sort (c->thread_participants, compare_strings);
	g_autofree char *normal = mh_subject_normalise (subject ? subject : "");
	g_autoptr (GString) key = g_string_new (NULL);
	if (*normal)
		g_string_append_printf (key, "subject:%s", normal);
	else if (c->thread_participants->len) {
		g_string_append (key, "participants:");
		for (guint i = 0; i < c->thread_participants->len; i++)
			g_string_append_printf (key, "%s%s", i ? "," : "",
			                        (const char *) g_ptr_array_index (c->thread_participants, i));
	} else if (fallback)
		g_string_append_printf (key, "message:%s", fallback);
	else
		return;
	g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key->str, (gssize) key->len);
	c->thread = g_strndup (hash, 12);
	c->thread_subject = g_strdup (subject && *subject ? subject : NULL);
}

/* -- onto the message ------------------------------------------------------- */

/* The FAQ's "how to check" and "when an infection is confirmed", for the
 * case at hand (../shared/seed/summary.en.md); kept here once. */
static const char *const steps_a[] = {
	"Ask the person shown as sender whether they opened an attachment, saw an \"Enable "
	"Content\" screen and enabled macros; treat their terminal as likely infected.",
	"Isolate that terminal and preserve evidence: the mails stored on it and the addresses "
	"in its address book may have leaked (mailhunt exposure on its mailbox lists them).",
	"Change the passwords of its mail accounts and of the credentials saved in its browsers.",
	"Check the mail server logs for many mails whose Header From differs from the Envelope "
	"From, and for a rise of outbound mail with Word attachments.",
	"Warn the people whose addresses were in the stolen thread and the leaked mailbox.",
	NULL,
};
static const char *const steps_b[] = {
	"The sender shown is not necessarily infected: the addresses were probably taken from "
	"the address book or mails of another infected terminal, one that exchanged mail with them.",
	"Do not open the attachment; expect more such mails (they cannot be stopped at the source).",
	"Tell the person shown as sender that their name is being used, and ask the correspondents "
	"who know both addresses to check their terminals.",
	NULL,
};
static const char *const steps_none[] = { NULL };

const char *const *
mh_case_next_steps (const char *verdict)
{
	if (!verdict)
		return steps_none;
	if (g_str_has_prefix (verdict, "A-"))
		return steps_a;
	if (strcmp (verdict, "B") == 0)
		return steps_b;
	return steps_none;
}

void
mh_case_attach (mh_message *m, const mh_case_result *r, const mh_thread_index *index)
{
	mh_thread_case *c = mh_thread_case_new ();
	c->verdict = mh_case_to_string (r->verdict);
	for (guint i = 0; i < r->reasons->len; i++)
		g_ptr_array_add (c->reasons, g_strdup (g_ptr_array_index (r->reasons, i)));
	for (guint i = 0; i < r->holding_mailboxes->len; i++)
		g_ptr_array_add (c->holding_mailboxes, g_strdup (g_ptr_array_index (r->holding_mailboxes, i)));
	c->shown_sender = g_strdup (r->shown_sender);
	c->quotes = r->quotes->len;
	if (r->quotes->len)
		c->quote_style = ((const mh_quote *) g_ptr_array_index (r->quotes, 0))->style;
	for (guint i = 0; index && i < r->links->len; i++) {
		const mh_quote_link *l = &g_array_index (r->links, mh_quote_link, i);
		const mh_indexed_message *o = mh_thread_index_get (index, l->original);
		if (!o)
			continue;
		mh_original *orig = g_new0 (mh_original, 1);
		orig->mailbox = g_strdup (o->mailbox);
		orig->file = g_strdup (o->file);
		orig->folder = g_strdup (o->folder);
		orig->index = o->index;
		orig->offset = o->offset;
		orig->message_id = g_strdup (o->message_id);
		orig->date_unix = o->date_unix;
		orig->from = g_strdup (o->from);
		orig->to = g_strdup (o->to);
		orig->subject = g_strdup (o->subject);
		orig->quote_level = l->quote_level;
		orig->score = l->score;
		g_ptr_array_add (c->originals, orig);
	}
	for (guint i = 0; i < r->problems->len; i++)
		mh_message_add_problem (m, "%s", (const char *) g_ptr_array_index (r->problems, i));

	const mh_original *o = c->originals->len ? g_ptr_array_index (c->originals, 0) : NULL;
	const mh_quote *q = r->quotes->len ? g_ptr_array_index (r->quotes, 0) : NULL;
	if (r->verdict == MH_CASE_A_CONFIRMED && o) {
		add_participant_once (c->thread_participants, o->from);
		add_participants_of (c->thread_participants, o->to);
		name_thread (c, o->subject, o->message_id ? o->message_id : o->file);
	} else if (r->verdict == MH_CASE_A_LIKELY && q) {
		add_participants_of (c->thread_participants, q->from);
		add_participants_of (c->thread_participants, q->to);
		add_participants_of (c->thread_participants, q->cc);
		name_thread (c, q->subject ? q->subject : m->subject, m->message_id);
	}
	switch (r->verdict) {
	case MH_CASE_A_CONFIRMED:
		mh_message_add_finding (m, "thread.stolen-quote", MH_SEVERITY_HIGH,
		                        o && o->message_id ? o->message_id : NULL,
		                        "Quotes message %s of mailbox %s, really exchanged: the thread was "
		                        "stolen (case A); the terminal of %s is likely infected.",
		                        o && o->message_id ? o->message_id : "(no Message-ID)",
		                        o && o->mailbox ? o->mailbox : "?", c->shown_sender);
		break;
	case MH_CASE_A_LIKELY:
		mh_message_add_finding (m, "thread.likely-stolen-quote", MH_SEVERITY_MEDIUM, c->quote_style,
		                        "Quotes an earlier mail with headers that fit, which no mailbox given "
		                        "holds: likely a stolen thread (case A); the terminal of %s may be infected.",
		                        c->shown_sender);
		break;
	case MH_CASE_B:
		if (c->quotes || mh_subject_is_reply (m->subject))
			mh_message_add_finding (m, "thread.generated-reply", MH_SEVERITY_LOW, c->quote_style,
			                        "Looks like a reply but quotes no real message: built from addresses "
			                        "(case B); the sender shown is not necessarily infected.");
		else
			mh_message_add_finding (m, "thread.generated-reply", MH_SEVERITY_LOW, NULL,
			                        "Passes for a sender it does not come from, with no thread behind "
			                        "it: built from harvested addresses (case B); the sender shown is "
			                        "not necessarily infected.");
		break;
	case MH_CASE_NOT_SPOOF:
	case MH_CASE_UNDECIDED:
		break;
	}
	m->thread_case = c;
}
