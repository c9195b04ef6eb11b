/* The addresses an infected mailbox exposes: the guidance's step 6 ("warn
 * the people whose addresses may have been stolen") needs every address
 * in the leaked mails and address book, with how and when it appears. */
#include "config.h"

#include <string.h>

#include "mailhunt/link.h"

struct _mh_exposure {
	GHashTable *by_address;  /* lower-case address -> mh_exposed_address* */
	GPtrArray  *sorted;      /* built on demand */
	guint       max;
	guint       dropped;
};

typedef enum { ROLE_FROM, ROLE_TO, ROLE_CC, ROLE_REPLY_TO, ROLE_QUOTED, ROLE_CONTACT } role;

static void
exposed_free (gpointer p)
{
	mh_exposed_address *a = p;
	g_free (a->address);
	g_free (a->name);
	g_free (a);
}

mh_exposure *
mh_exposure_new (guint max_addresses)
{
	mh_exposure *e = g_new0 (mh_exposure, 1);
	e->by_address = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, exposed_free);
	e->max = max_addresses;
	return e;
}

void
mh_exposure_free (mh_exposure *e)
{
	if (!e)
		return;
	if (e->sorted)
		g_ptr_array_unref (e->sorted);
	g_hash_table_unref (e->by_address);
	g_free (e);
}

guint
mh_exposure_dropped (const mh_exposure *e)
{
	return e->dropped;
}

/* An addr-spec worth warning: local@domain.tld, no spaces; X.500 and
 * Exchange legacy addresses (/o=...) are not mail addresses. */
static gboolean
plausible (const char *addr)
{
	const char *at = addr ? strchr (addr, '@') : NULL;
	if (!at || at == addr || strchr (at + 1, '@') || !strchr (at + 1, '.'))
		return FALSE;
	for (const char *p = addr; *p; p++)
		if ((guchar) *p <= ' ' || strchr ("<>()[],;:\"\\", *p))
			return FALSE;
	return strlen (addr) <= 254;
}

static void
count (mh_exposure *e, const char *addr, const char *name, role r, gint64 date, gboolean sent_items)
{
	if (!plausible (addr))
		return;
	g_autofree char *key = g_utf8_strdown (addr, -1);
	mh_exposed_address *a = g_hash_table_lookup (e->by_address, key);
	if (!a) {
		if (g_hash_table_size (e->by_address) >= e->max) {
			e->dropped++;
			return;
		}
		a = g_new0 (mh_exposed_address, 1);
		a->address = g_steal_pointer (&key);
		a->first_seen = a->last_seen = G_MININT64;
		g_hash_table_insert (e->by_address, a->address, a);
		g_clear_pointer (&e->sorted, g_ptr_array_unref);
	}
	if (!a->name && name && *name && !strchr (name, '@'))
		a->name = g_strdup (name);
	switch (r) {
	case ROLE_FROM: a->from++; break;
	case ROLE_TO: a->to++; break;
	case ROLE_CC: a->cc++; break;
	case ROLE_REPLY_TO: a->reply_to++; break;
	case ROLE_QUOTED: a->quoted++; break;
	case ROLE_CONTACT: a->contact++; break;
	}
	if (sent_items)
		a->sent_items++;
	if (date != G_MININT64) {
		if (a->first_seen == G_MININT64 || date < a->first_seen)
			a->first_seen = date;
		if (a->last_seen == G_MININT64 || date > a->last_seen)
			a->last_seen = date;
	}
}

static void
count_list (mh_exposure *e, const GPtrArray *list, role r, gint64 date, gboolean sent_items)
{
	for (guint i = 0; list && i < list->len; i++) {
		const mh_address *a = g_ptr_array_index (list, i);
		count (e, a->addr, a->name, r, date, sent_items);
	}
}

static gboolean
addr_char (char c, gboolean domain)
{
	return g_ascii_isalnum (c) || c == '.' || c == '-' || (!domain && strchr ("_%+'", c));
}

/* The addresses written in a quoted header field ("Taro Yamada
 * <taro@example.co.jp>; hanako@example.jp", Outlook's "[mailto:...]"),
 * with the name before an address in angle brackets. */
static void
count_text (mh_exposure *e, const char *text, gint64 date)
{
	if (!text)
		return;
	gsize len = strlen (text);
	for (gsize i = 0; i < len; i++) {
		if (text[i] != '@')
			continue;
		gsize start = i, end = i + 1;
		while (start > 0 && addr_char (text[start - 1], FALSE))
			start--;
		while (end < len && addr_char (text[end], TRUE))
			end++;
		while (end > i + 1 && text[end - 1] == '.')
			end--;
		if (start == i || end == i + 1)
			continue;
		g_autofree char *addr = g_strndup (text + start, end - start);
		g_autofree char *name = NULL;
		if (start > 0 && text[start - 1] == '<') {
			/* the name: back to the previous separator */
			gsize n_end = start - 1, n_start = n_end;
			while (n_start > 0 && !strchr (",;\n", text[n_start - 1]))
				n_start--;
			name = g_strstrip (g_strndup (text + n_start, n_end - n_start));
			g_strdelimit (name, "\"'", ' ');
			g_strstrip (name);
		}
		count (e, addr, name, ROLE_QUOTED, date, FALSE);
		i = end;
	}
}

/* Thunderbird names its Sent folder "Sent"; Outlook's comes with a role
 * from the store (whatever its name). */
static gboolean
in_sent_items (const mh_message *m)
{
	if (m->locator.folder_role && strcmp (m->locator.folder_role, "sent-items") == 0)
		return TRUE;
	const char *folder = m->locator.folder;
	if (!folder)
		return FALSE;
	const char *slash = strrchr (folder, '/');
	return strcmp (slash ? slash + 1 : folder, "Sent") == 0;
}

void
mh_exposure_add_message (mh_exposure *e, const mh_message *m)
{
	gint64 date = m->date_unix;
	gboolean sent = in_sent_items (m);
	count (e, m->from.addr, m->from.name, ROLE_FROM, date, sent);
	if (m->sender.addr && (!m->from.addr || g_ascii_strcasecmp (m->sender.addr, m->from.addr) != 0))
		count (e, m->sender.addr, m->sender.name, ROLE_FROM, date, sent);
	count_list (e, m->to, ROLE_TO, date, sent);
	count_list (e, m->cc, ROLE_CC, date, sent);
	count_list (e, m->reply_to, ROLE_REPLY_TO, date, sent);

	g_autoptr (GPtrArray) quotes = mh_quotes_extract (m->body_text ? m->body_text : "",
	                                                  m->body_text ? strlen (m->body_text) : 0, NULL);
	for (guint i = 0; i < quotes->len; i++) {
		const mh_quote *q = g_ptr_array_index (quotes, i);
		/* the quoted mail's own date is unknown to us as a time; the
		 * message that carries it dates the exposure */
		count_text (e, q->from, date);
		count_text (e, q->to, date);
		count_text (e, q->cc, date);
	}
	for (guint i = 0; i < m->attachments->len; i++) {
		const mh_attachment *a = g_ptr_array_index (m->attachments, i);
		if (a->nested)
			mh_exposure_add_message (e, a->nested);
	}
}

void
mh_exposure_add_contact (mh_exposure *e, const mh_pst_contact *c)
{
	for (guint i = 0; c->addresses && i < c->addresses->len; i++) {
		const char *addr = g_ptr_array_index (c->addresses, i);
		/* an entry stores one address in several properties: it is one entry */
		gboolean again = FALSE;
		for (guint k = 0; k < i && !again; k++)
			again = g_ascii_strcasecmp (g_ptr_array_index (c->addresses, k), addr) == 0;
		if (!again)
			count (e, addr, c->is_list ? NULL : c->name, ROLE_CONTACT, G_MININT64, FALSE);
	}
}

static gint
by_address (gconstpointer a, gconstpointer b)
{
	const mh_exposed_address *x = *(mh_exposed_address *const *) a;
	const mh_exposed_address *y = *(mh_exposed_address *const *) b;
	return strcmp (x->address, y->address);
}

GPtrArray *
mh_exposure_addresses (mh_exposure *e)
{
	if (!e->sorted) {
		e->sorted = g_ptr_array_new ();
		GHashTableIter it;
		gpointer value;
		g_hash_table_iter_init (&it, e->by_address);
		while (g_hash_table_iter_next (&it, NULL, &value))
			g_ptr_array_add (e->sorted, value);
		g_ptr_array_sort (e->sorted, by_address);
	}
	return e->sorted;
}
