/* Building the one message model from raw RFC 5322 bytes with GMime.
 *
 * GMime parses the MIME structure; header text, address display names,
 * file names and body text go through our own charset code (text/) so
 * that Japanese mail decodes the same everywhere. */
#include "config.h"

#include <string.h>

#include "mailhunt/message.h"
#include "mailhunt/office.h"
#include "mailhunt/autoptr.h"
#include "mailhunt/outlook.h"
#include "mailhunt/text.h"

void
mh_limits_init_default (mh_limits *limits)
{
	limits->max_message_size = 100 * 1024 * 1024;
	limits->max_depth = 32;
	limits->max_attachments = 1000;
	limits->max_body_text = 4 * 1024 * 1024;
}

const char *
mh_severity_to_string (mh_severity severity)
{
	switch (severity) {
	case MH_SEVERITY_INFO: return "info";
	case MH_SEVERITY_LOW: return "low";
	case MH_SEVERITY_MEDIUM: return "medium";
	case MH_SEVERITY_HIGH: return "high";
	}
	return "unknown";
}

void
mh_locator_copy (mh_locator *dst, const mh_locator *src)
{
	*dst = *src;
	dst->file = g_strdup (src->file);
	dst->folder = g_strdup (src->folder);
	dst->container = g_strdup (src->container);
}

void
mh_locator_clear (mh_locator *locator)
{
	g_clear_pointer (&locator->file, g_free);
	g_clear_pointer (&locator->folder, g_free);
	g_clear_pointer (&locator->container, g_free);
}

static GMimeParserOptions *
parser_options (void)
{
	static GMimeParserOptions *options;
	static gsize once;

	if (g_once_init_enter (&once)) {
		static const char *fallback[] = { "utf-8", "cp932", "windows-1252", NULL };
		options = g_mime_parser_options_new ();
		g_mime_parser_options_set_rfc2047_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_address_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_parameter_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_allow_addresses_without_domain (options, TRUE);
		g_mime_parser_options_set_fallback_charsets (options, fallback);
		g_once_init_leave (&once, 1);
	}
	return options;
}

void
mh_message_add_problem (mh_message *message, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_ptr_array_add (message->problems, g_strdup_vprintf (fmt, ap));
	va_end (ap);
}

void
mh_problem_list_addv (GPtrArray *problems, guint max, const char *what, const char *fmt, va_list ap)
{
	if (!problems || problems->len > max)
		return;
	if (problems->len == max) {
		g_ptr_array_add (problems, g_strdup_printf ("%s: more problems, not listed", what));
		return;
	}
	char *s = g_strdup_vprintf (fmt, ap);
	/* the same cap reached for each of a thousand recipients is one problem */
	for (guint i = 0; i < problems->len; i++)
		if (strcmp (g_ptr_array_index (problems, i), s) == 0) {
			g_free (s);
			return;
		}
	g_ptr_array_add (problems, s);
}

void
mh_finding_free (mh_finding *f)
{
	g_free (f->summary);
	g_free (f->evidence);
	g_free (f->location);
	g_free (f->decoding);
	g_free (f);
}

void
mh_message_add_finding (mh_message *message, const char *id, mh_severity severity,
                        const char *evidence, const char *summary_fmt, ...)
{
	mh_finding *f = g_new0 (mh_finding, 1);
	va_list ap;

	f->id = id;
	f->severity = severity;
	f->evidence = g_strdup (evidence);
	va_start (ap, summary_fmt);
	f->summary = g_strdup_vprintf (summary_fmt, ap);
	va_end (ap);
	g_ptr_array_add (message->findings, f);
}

mh_severity
mh_message_max_severity (const mh_message *message, gboolean *any)
{
	mh_severity max = MH_SEVERITY_INFO;
	*any = message->findings->len > 0;
	for (guint i = 0; i < message->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (message->findings, i);
		if (f->severity > max)
			max = f->severity;
	}
	return max;
}

static void
address_free (gpointer p)
{
	mh_address *a = p;
	g_free (a->name);
	g_free (a->addr);
	g_free (a);
}

static void
header_free (gpointer p)
{
	mh_header *h = p;
	g_free (h->name);
	g_free (h->raw);
	g_free (h->value);
	g_free (h);
}

static void
attachment_free (gpointer p)
{
	mh_attachment *a = p;
	g_free (a->filename);
	g_free (a->declared_type);
	g_free (a->path);
	if (a->nested)
		mh_message_free (a->nested);
	mh_document_free (a->document);
	g_clear_object (&a->part);
	g_clear_pointer (&a->data, g_bytes_unref);
	g_clear_pointer (&a->decoded, g_bytes_unref);
	g_free (a);
}

mh_message *
mh_message_new_empty (const mh_locator *locator, int depth)
{
	mh_message *m = g_new0 (mh_message, 1);
	mh_locator_copy (&m->locator, locator);
	m->depth = depth;
	m->headers = g_ptr_array_new_with_free_func (header_free);
	m->from_all = g_ptr_array_new_with_free_func (address_free);
	m->reply_to = g_ptr_array_new_with_free_func (address_free);
	m->to = g_ptr_array_new_with_free_func (address_free);
	m->cc = g_ptr_array_new_with_free_func (address_free);
	m->received = g_ptr_array_new_with_free_func (g_free);
	m->authentication_results = g_ptr_array_new_with_free_func (g_free);
	m->attachments = g_ptr_array_new_with_free_func (attachment_free);
	m->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_finding_free);
	m->problems = g_ptr_array_new_with_free_func (g_free);
	m->date_unix = G_MININT64;
	return m;
}

static void
original_free (gpointer p)
{
	mh_original *o = p;
	g_free (o->mailbox);
	g_free (o->file);
	g_free (o->folder);
	g_free (o->message_id);
	g_free (o->from);
	g_free (o->to);
	g_free (o->subject);
	g_free (o);
}

void
mh_thread_case_free (mh_thread_case *c)
{
	if (!c)
		return;
	g_ptr_array_unref (c->reasons);
	g_ptr_array_unref (c->originals);
	g_ptr_array_unref (c->holding_mailboxes);
	g_free (c->shown_sender);
	g_free (c->thread);
	g_free (c->thread_subject);
	g_ptr_array_unref (c->thread_participants);
	g_free (c);
}

/* The link stage fills it in; every list ready to take items. */
mh_thread_case *
mh_thread_case_new (void)
{
	mh_thread_case *c = g_new0 (mh_thread_case, 1);
	c->verdict = "undecided";
	c->reasons = g_ptr_array_new_with_free_func (g_free);
	c->originals = g_ptr_array_new_with_free_func (original_free);
	c->holding_mailboxes = g_ptr_array_new_with_free_func (g_free);
	c->thread_participants = g_ptr_array_new_with_free_func (g_free);
	return c;
}

void
mh_message_free (mh_message *m)
{
	if (!m)
		return;
	mh_thread_case_free (m->thread_case);
	mh_locator_clear (&m->locator);
	g_ptr_array_unref (m->headers);
	g_free (m->from.name);
	g_free (m->from.addr);
	g_free (m->sender.name);
	g_free (m->sender.addr);
	g_ptr_array_unref (m->from_all);
	g_ptr_array_unref (m->reply_to);
	g_ptr_array_unref (m->to);
	g_ptr_array_unref (m->cc);
	g_free (m->return_path);
	g_free (m->envelope_from);
	g_free (m->date);
	g_free (m->message_id);
	g_free (m->in_reply_to);
	g_free (m->references);
	g_free (m->subject);
	g_ptr_array_unref (m->received);
	g_ptr_array_unref (m->authentication_results);
	g_free (m->x_mailer);
	g_free (m->outlook_class);
	g_free (m->outlook_sender_dn);
	g_free (m->body_text);
	g_ptr_array_unref (m->attachments);
	g_ptr_array_unref (m->findings);
	g_ptr_array_unref (m->problems);
	g_clear_object (&m->mime);
	g_free (m);
}

const char *
mh_message_get_header (const mh_message *m, const char *name)
{
	for (guint i = 0; i < m->headers->len; i++) {
		const mh_header *h = g_ptr_array_index (m->headers, i);
		if (g_ascii_strcasecmp (h->name, name) == 0)
			return h->value;
	}
	return NULL;
}

static const char *
raw_header (const mh_message *m, const char *name)
{
	for (guint i = 0; i < m->headers->len; i++) {
		const mh_header *h = g_ptr_array_index (m->headers, i);
		if (g_ascii_strcasecmp (h->name, name) == 0)
			return h->raw;
	}
	return NULL;
}

/* Can @charset be the one raw 8-bit header bytes are in?  Not a 7-bit one,
 * nor UTF-8 (tried first in any case), nor one that is not ASCII-based. */
static gboolean
usable_hint (const char *charset)
{
	static const char *const prefixes[] = { "us-ascii", "ascii", "utf", "iso-2022", "csiso2022",
		                                "ucs", "unicode", "x-unknown", "unknown", NULL };
	if (!charset || !*charset)
		return FALSE;
	for (int i = 0; prefixes[i]; i++)
		if (g_ascii_strncasecmp (charset, prefixes[i], strlen (prefixes[i])) == 0)
			return FALSE;
	return TRUE;
}

static const char *
part_charset_hint (GMimeObject *object, int depth)
{
	if (depth > 32)
		return NULL;
	if (GMIME_IS_MULTIPART (object)) {
		GMimeMultipart *mp = GMIME_MULTIPART (object);
		for (int i = 0; i < g_mime_multipart_get_count (mp); i++) {
			const char *c = part_charset_hint (g_mime_multipart_get_part (mp, i), depth + 1);
			if (c)
				return c;
		}
		return NULL;
	}
	if (!GMIME_IS_PART (object))
		return NULL;   /* an attached message speaks for itself */
	GMimeContentType *ct = g_mime_object_get_content_type (object);
	const char *c = ct ? g_mime_content_type_get_parameter (ct, "charset") : NULL;
	return usable_hint (c) ? c : NULL;
}

/* The charset a message declares for itself, for raw 8-bit header bytes:
 * they are in the sender's charset, which its body parts or its own
 * encoded-words name (Thunderbird likewise reads them in the body's charset); a
 * blind guess reads Latin-1 "Formação" as CP932 "Forma鈬o". */
static char *
charset_hint (GMimeObject *object)
{
	GMimeObject *root = GMIME_IS_MESSAGE (object) ? g_mime_message_get_mime_part (GMIME_MESSAGE (object)) : object;
	const char *c = root ? part_charset_hint (root, 0) : NULL;
	if (c)
		return g_strdup (c);

	GMimeHeaderList *list = g_mime_object_get_header_list (object);
	int n = g_mime_header_list_get_count (list);
	for (int i = 0; i < n; i++) {
		const char *raw = g_mime_header_get_raw_value (g_mime_header_list_get_header_at (list, i));
		for (const char *p = raw ? strstr (raw, "=?") : NULL; p; p = strstr (p + 2, "=?")) {
			const char *e = p + 2;
			while (*e && *e != '?' && *e != '*' && (guint8) *e > 0x20 && e - p < 66)
				e++;
			if (*e != '?' && *e != '*')
				continue;
			g_autofree char *name = g_strndup (p + 2, (gsize) (e - p - 2));
			if (usable_hint (name))
				return g_steal_pointer (&name);
		}
	}
	return NULL;
}

/* @raw with raw 8-bit bytes converted from @hint, when @raw is not UTF-8
 * already and converts without error; else a copy of @raw.  Encoded-words
 * are ASCII and pass unchanged. */
static char *
raw_in_utf8 (const char *raw, const char *hint)
{
	if (!raw)
		return NULL;
	if (!hint || g_utf8_validate (raw, -1, NULL))
		return g_strdup (raw);
	gboolean exact;
	char *utf8 = mh_text_to_utf8 (hint, raw, -1, &exact);
	if (exact)
		return utf8;
	g_free (utf8);
	return g_strdup (raw);
}

/* Does @s look like an addr-spec: local@domain, atoms only? */
static gboolean
looks_like_addr_spec (const char *s)
{
	const char *at = strchr (s, '@');
	if (!at || at == s || !at[1] || strchr (at + 1, '@'))
		return FALSE;
	for (const char *p = s; p < at; p++)
		if (!g_ascii_isalnum (*p) && (guint8) *p < 0x80 && !strchr ("!#$%&'*+-/=?^_`{|}~.", *p))
			return FALSE;
	for (const char *p = at + 1; *p; p++)
		if (!g_ascii_isalnum (*p) && (guint8) *p < 0x80 && *p != '-' && *p != '.')
			return FALSE;
	return at[1] != '.';
}

/* GMime gives up on a mailbox written without angle brackets around its
 * address ("Big Bug bb@bug.com"), but the address is plain to see, and a
 * sender must not vanish from the report because its header is broken:
 * each comma-separated part's last addr-spec-like word is taken as the
 * address and the words before it as the name. */
static void
recover_addresses (mh_message *m, const char *header, const char *value, GPtrArray *out)
{
	g_autofree char *decoded = mh_text_decode_header (value);
	g_autoptr (GPtrArray) chunks = g_ptr_array_new_with_free_func (g_free);
	gboolean quoted = FALSE;
	const char *start = decoded;

	for (const char *p = decoded;; p++) {
		if (*p == '"')
			quoted = !quoted;
		if (*p == '\0' || (*p == ',' && !quoted)) {
			g_ptr_array_add (chunks, g_strndup (start, (gsize) (p - start)));
			if (*p == '\0' || chunks->len >= 10000)
				break;
			start = p + 1;
		}
	}
	for (guint i = 0; i < chunks->len; i++) {
		g_auto (GStrv) words = g_strsplit_set (g_ptr_array_index (chunks, i), " \t", -1);
		int found = -1;
		for (int w = 0; words[w]; w++) {
			char *word = words[w];
			gsize n = strlen (word);
			if (n >= 2 && word[0] == '<' && word[n - 1] == '>') {
				memmove (word, word + 1, n - 2);
				word[n - 2] = '\0';
			}
			if (looks_like_addr_spec (word))
				found = w;
		}
		if (found < 0) {
			/* a display name alone (Outlook writes "From: Kevin Roast"
			 * when the sender had only an Exchange address): keep the
			 * name, the person must not vanish from the report */
			g_autofree char *alone = g_strstrip (g_strdup (g_ptr_array_index (chunks, i)));
			if (g_str_has_suffix (alone, "<>")) {   /* an empty address, as some writers put it */
				alone[strlen (alone) - 2] = '\0';
				g_strstrip (alone);
			}
			gsize an = strlen (alone);
			if (an >= 2 && alone[0] == '"' && alone[an - 1] == '"') {
				alone[an - 1] = '\0';
				memmove (alone, alone + 1, an - 1);
			}
			if (!*alone)
				continue;
			mh_address *a = g_new0 (mh_address, 1);
			a->name = g_utf8_make_valid (alone, -1);
			mh_message_add_problem (m, "%s header has a name but no address: %s", header, a->name);
			g_ptr_array_add (out, a);
			continue;
		}
		g_autoptr (GString) name = g_string_new (NULL);
		for (int w = 0; w < found; w++) {
			if (!*words[w])
				continue;
			if (name->len)
				g_string_append_c (name, ' ');
			g_string_append (name, words[w]);
		}
		g_strstrip (name->str);
		if (name->str[0] == '"' && name->len >= 2 && name->str[name->len - 1] == '"') {
			g_string_truncate (name, name->len - 1);
			g_string_erase (name, 0, 1);
		}
		mh_address *a = g_new0 (mh_address, 1);
		a->name = name->len ? g_utf8_make_valid (name->str, -1) : NULL;
		a->addr = g_utf8_make_valid (words[found], -1);
		mh_message_add_problem (m, "malformed %s header: read %s as its address", header, a->addr);
		g_ptr_array_add (out, a);
	}
}

/* Appends every mailbox of the raw address header @raw to @out. */
static void
parse_addresses (mh_message *m, const char *header, const char *raw, const char *hint, GPtrArray *out)
{
	if (!raw)
		return;
	g_autofree char *utf8 = raw_in_utf8 (raw, hint);
	g_autofree char *normalized = mh_text_normalize_header (utf8);
	InternetAddressList *list = internet_address_list_parse (parser_options (), normalized);
	if (!list || internet_address_list_length (list) == 0) {
		g_clear_object (&list);
		recover_addresses (m, header, utf8, out);
		return;
	}
	GPtrArray *todo = g_ptr_array_new ();
	for (int i = 0; i < internet_address_list_length (list); i++)
		g_ptr_array_add (todo, internet_address_list_get_address (list, i));
	for (guint i = 0; i < todo->len && i < 10000; i++) {
		InternetAddress *ia = g_ptr_array_index (todo, i);
		if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			InternetAddressList *members = internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia));
			for (int j = 0; j < internet_address_list_length (members); j++)
				g_ptr_array_add (todo, internet_address_list_get_address (members, j));
			continue;
		}
		mh_address *a = g_new0 (mh_address, 1);
		const char *name = internet_address_get_name (ia);
		const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
		if (name && *name)
			a->name = g_utf8_make_valid (name, -1);
		if (addr && *addr)
			a->addr = g_utf8_make_valid (addr, -1);
		g_ptr_array_add (out, a);
	}
	g_ptr_array_unref (todo);
	g_object_unref (list);
}

/* Every mailbox of every @name header: To may appear twice (against RFC
 * 5322), and a recipient in the second one is a recipient all the same. */
static void
parse_address_headers (mh_message *m, const char *name, const char *hint, GPtrArray *out)
{
	for (guint i = 0; i < m->headers->len; i++) {
		const mh_header *h = g_ptr_array_index (m->headers, i);
		if (g_ascii_strcasecmp (h->name, name) == 0)
			parse_addresses (m, h->name, h->raw, hint, out);
	}
}

/* Runs of white space as one space: Received is a structured field, where
 * folding white space means a single space (RFC 5322 3.2.2). */
static char *
collapse_white_space (const char *s)
{
	GString *out = g_string_sized_new (strlen (s));
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t') {
			if (out->len && out->str[out->len - 1] != ' ')
				g_string_append_c (out, ' ');
			continue;
		}
		g_string_append_c (out, *p);
	}
	return g_strstrip (g_string_free (out, FALSE));
}

/* Date in seconds since 1970, G_MININT64 if unparsable.  The obsolete
 * syntax puts comments and white space between the tokens ("09(comment):
 * 55  :  06", RFC 5322 4.3), which GMime reads as midnight, so they go
 * first. */
static gint64
parse_date (const char *value)
{
	g_autoptr (GString) clean = g_string_sized_new (strlen (value));
	int depth = 0;

	for (const char *p = value; *p; p++) {
		if (depth > 0 && *p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '(') {
			depth++;
			continue;
		}
		if (*p == ')' && depth > 0) {
			depth--;
			continue;
		}
		if (depth > 0)
			continue;
		if (*p == ':') {
			while (clean->len && (clean->str[clean->len - 1] == ' ' || clean->str[clean->len - 1] == '\t'))
				g_string_truncate (clean, clean->len - 1);
			g_string_append_c (clean, ':');
			while (p[1] == ' ' || p[1] == '\t')
				p++;
			continue;
		}
		g_string_append_c (clean, *p);
	}

	GDateTime *dt = g_mime_utils_header_decode_date (clean->str);
	if (!dt)
		dt = g_mime_utils_header_decode_date (value);
	if (!dt)
		return G_MININT64;
	gint64 t = g_date_time_to_unix (dt);
	g_date_time_unref (dt);
	return t;
}

static char *
strip_angle (const char *value)
{
	if (!value)
		return NULL;
	g_autofree char *s = g_strstrip (g_strdup (value));
	gsize n = strlen (s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s[n - 1] = '\0';
		return g_strstrip (g_strdup (s + 1));
	}
	return g_steal_pointer (&s);
}

static void
read_headers (mh_message *m, GMimeObject *object)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (object);
	int n = g_mime_header_list_get_count (list);
	g_autofree char *hint = charset_hint (object);

	for (int i = 0; i < n; i++) {
		GMimeHeader *gh = g_mime_header_list_get_header_at (list, i);
		const char *raw = g_mime_header_get_raw_value (gh);
		mh_header *h = g_new0 (mh_header, 1);

		h->name = g_utf8_make_valid (g_mime_header_get_name (gh), -1);
		h->raw = g_strdup (raw ? raw : "");
		g_autofree char *utf8 = raw_in_utf8 (h->raw, hint);
		h->value = mh_text_decode_header (utf8);
		g_ptr_array_add (m->headers, h);

		if (g_ascii_strcasecmp (h->name, "Received") == 0)
			g_ptr_array_add (m->received, collapse_white_space (h->value));
		else if (g_ascii_strcasecmp (h->name, "Authentication-Results") == 0)
			g_ptr_array_add (m->authentication_results, g_strdup (h->value));
	}

	parse_address_headers (m, "From", hint, m->from_all);
	if (m->from_all->len > 0) {
		mh_address *f = g_ptr_array_index (m->from_all, 0);
		m->from.name = g_strdup (f->name);
		m->from.addr = g_strdup (f->addr);
	}
	g_autoptr (GPtrArray) sender = g_ptr_array_new_with_free_func (address_free);
	parse_addresses (m, "Sender", raw_header (m, "Sender"), hint, sender);
	if (sender->len > 0) {
		mh_address *s = g_ptr_array_index (sender, 0);
		m->sender.name = g_strdup (s->name);
		m->sender.addr = g_strdup (s->addr);
	}
	parse_address_headers (m, "Reply-To", hint, m->reply_to);
	parse_address_headers (m, "To", hint, m->to);
	parse_address_headers (m, "Cc", hint, m->cc);

	m->return_path = strip_angle (mh_message_get_header (m, "Return-Path"));
	if (m->return_path && !*m->return_path)
		g_clear_pointer (&m->return_path, g_free);   /* "<>": a bounce, no sender */
	m->date = g_strdup (mh_message_get_header (m, "Date"));
	if (m->date)
		m->date_unix = parse_date (m->date);
	m->message_id = strip_angle (mh_message_get_header (m, "Message-ID"));
	m->in_reply_to = g_strdup (mh_message_get_header (m, "In-Reply-To"));
	m->references = g_strdup (mh_message_get_header (m, "References"));
	m->subject = g_strdup (mh_message_get_header (m, "Subject"));
	m->x_mailer = g_strdup (mh_message_get_header (m, "X-Mailer"));
}

/* One parameter of a structured header value, as written. */
typedef struct {
	char  *attr;        /* attribute, as written */
	char  *value;       /* unquoted value */
	gsize  start, end;  /* the "attr=value" text in the header */
	char  *base;        /* RFC 2231: attribute without "*N*", else NULL */
	int    section;     /* RFC 2231 section number, -1 for "name*=" */
	gboolean extended;  /* RFC 2231 charset'lang'%XX encoding */
} header_parameter;

static void
header_parameter_clear (gpointer p)
{
	header_parameter *hp = p;
	g_free (hp->attr);
	g_free (hp->value);
	g_free (hp->base);
}

/* Splits "type; a=b; c="d"" into its parameters; returns the offset of
 * the first ';' (the end of the type or disposition), or -1. */
static gssize
split_parameters (const char *s, GArray *params)
{
	const char *p = s;
	gboolean quoted = FALSE;
	while (*p && (quoted || *p != ';')) {
		if (*p == '"')
			quoted = !quoted;
		else if (quoted && *p == '\\' && p[1])
			p++;
		p++;
	}
	if (*p != ';')
		return -1;
	gssize type_end = p - s;

	while (*p && params->len < 1000) {
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		header_parameter hp = { NULL, NULL, (gsize) (p - s), 0, NULL, 0, FALSE };
		const char *a = p;
		while (*p && *p != '=' && *p != ';')
			p++;
		hp.attr = g_strstrip (g_strndup (a, (gsize) (p - a)));
		GString *value = g_string_new (NULL);
		if (*p == '=') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1])
						p++;
					g_string_append_c (value, *p);
				}
				if (*p == '"')
					p++;
				while (*p && *p != ';')
					p++;
			} else {
				while (*p && *p != ';')
					g_string_append_c (value, *p++);
				g_strchomp (value->str);
				value->len = strlen (value->str);
			}
		}
		hp.value = g_string_free (value, FALSE);
		hp.end = (gsize) (p - s);

		/* name*=, name*N= or name*N*= */
		const char *star = strchr (hp.attr, '*');
		if (star && star > hp.attr) {
			const char *r = star + 1;
			hp.section = -1;
			hp.extended = *r == '\0';
			if (g_ascii_isdigit (*r)) {
				hp.section = 0;
				for (; g_ascii_isdigit (*r) && hp.section < 100000; r++)
					hp.section = hp.section * 10 + (*r - '0');
				hp.extended = *r == '*';
				if (hp.extended)
					r++;
			}
			if (*r == '\0')
				hp.base = g_ascii_strdown (hp.attr, star - hp.attr);
		}
		g_array_append_val (params, hp);
	}
	return type_end;
}

static gint
compare_sections (gconstpointer a, gconstpointer b)
{
	const header_parameter *x = *(header_parameter *const *) a, *y = *(header_parameter *const *) b;
	return (x->section > y->section) - (x->section < y->section);
}

/* The decoded UTF-8 value of the RFC 2231 parameter @base of @params. */
static char *
join_rfc2231 (GArray *params, const char *base)
{
	g_autoptr (GPtrArray) sections = g_ptr_array_new ();
	for (guint i = 0; i < params->len; i++) {
		header_parameter *hp = &g_array_index (params, header_parameter, i);
		if (hp->base && strcmp (hp->base, base) == 0)
			g_ptr_array_add (sections, hp);
	}
	g_ptr_array_sort (sections, compare_sections);

	g_autoptr (GByteArray) bytes = g_byte_array_new ();
	g_autofree char *charset = NULL;
	int last = G_MININT;
	for (guint i = 0; i < sections->len; i++) {
		const header_parameter *hp = g_ptr_array_index (sections, i);
		const char *v = hp->value;
		if (hp->section == last)
			continue;   /* a repeated section: the first one counts */
		if (i == 0 && hp->extended) {
			/* charset'language'text */
			const char *q1 = strchr (v, '\''), *q2 = q1 ? strchr (q1 + 1, '\'') : NULL;
			if (q2) {
				charset = g_strndup (v, (gsize) (q1 - v));
				v = q2 + 1;
			}
		}
		for (; *v; v++) {
			if (hp->extended && *v == '%' && g_ascii_isxdigit (v[1]) && g_ascii_isxdigit (v[2])) {
				guint8 b = (guint8) (g_ascii_xdigit_value (v[1]) * 16 + g_ascii_xdigit_value (v[2]));
				g_byte_array_append (bytes, &b, 1);
				v += 2;
			} else {
				g_byte_array_append (bytes, (const guint8 *) v, 1);
			}
		}
		last = hp->section;
	}
	return mh_text_to_utf8 (charset, (const char *) bytes->data, (gssize) bytes->len, NULL);
}

/* RFC 2231 parameters (name*=charset'lang'%XX, continued as name*0*=,
 * name*1*=, ...) are joined and decoded here, through our charset code,
 * and handed to GMime as one UTF-8 value: GMime drops the declared
 * charset when iconv rejects a byte (a stray 8-bit byte, NEC row 13 in
 * ISO-2022-JP) and we could then only guess at the raw bytes. */
static char *
rfc2231_to_utf8 (const char *value)
{
	g_autoptr (GArray) params = g_array_new (FALSE, TRUE, sizeof (header_parameter));
	g_array_set_clear_func (params, header_parameter_clear);
	gssize type_end = split_parameters (value, params);
	gboolean any = FALSE;

	for (guint i = 0; i < params->len && !any; i++)
		any = g_array_index (params, header_parameter, i).extended;
	if (type_end < 0 || !any)
		return g_strdup (value);

	GString *out = g_string_new_len (value, type_end);
	g_autoptr (GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint i = 0; i < params->len; i++) {
		header_parameter *hp = &g_array_index (params, header_parameter, i);
		gboolean extended_group = FALSE;
		for (guint j = 0; hp->base && j < params->len && !extended_group; j++) {
			const header_parameter *o = &g_array_index (params, header_parameter, j);
			extended_group = o->extended && o->base && strcmp (o->base, hp->base) == 0;
		}
		if (!extended_group) {
			g_string_append (out, "; ");
			g_string_append_len (out, value + hp->start, (gssize) (hp->end - hp->start));
			continue;
		}
		if (g_hash_table_contains (done, hp->base))
			continue;
		g_hash_table_add (done, hp->base);
		g_autofree char *utf8 = join_rfc2231 (params, hp->base);
		g_string_append_printf (out, "; %s*=UTF-8''", hp->base);
		for (const guint8 *u = (const guint8 *) utf8; *u; u++) {
			if (g_ascii_isalnum (*u) || *u == '-' || *u == '.' || *u == '_')
				g_string_append_c (out, (char) *u);
			else
				g_string_append_printf (out, "%%%02X", *u);
		}
	}
	return g_string_free (out, FALSE);
}

/* A parameter of a structured header, decoded through our charset code;
 * raw 8-bit bytes are read in the message's charset @hint when it fits. */
static char *
header_param (GMimeObject *object, const char *header, const char *param, const char *hint)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (object);
	GMimeHeader *gh = g_mime_header_list_get_header (list, header);
	const char *raw = gh ? g_mime_header_get_raw_value (gh) : NULL;
	if (!raw)
		return NULL;

	g_autofree char *utf8 = raw_in_utf8 (raw, hint);
	g_autofree char *normalized_2047 = mh_text_normalize_header (utf8);
	g_autofree char *normalized = rfc2231_to_utf8 (normalized_2047);
	const char *value = NULL;
	char *result = NULL;
	if (g_ascii_strcasecmp (header, "Content-Disposition") == 0) {
		GMimeContentDisposition *d = g_mime_content_disposition_parse (parser_options (), normalized);
		if (d) {
			value = g_mime_content_disposition_get_parameter (d, param);
			if (value)
				result = mh_text_decode_header (value);
			g_object_unref (d);
		}
	} else {
		GMimeContentType *t = g_mime_content_type_parse (parser_options (), normalized);
		if (t) {
			value = g_mime_content_type_get_parameter (t, param);
			if (value)
				result = mh_text_decode_header (value);
			g_object_unref (t);
		}
	}
	if (result && !*result)
		g_clear_pointer (&result, g_free);
	return result;
}

typedef struct {
	mh_message     *message;
	const mh_limits *limits;
	GString        *plain;
	GString        *html;
	guint          *attachment_count;   /* shared with nested messages */
	gboolean        capped_attachments;
	char           *hint;               /* charset_hint() of the message */
} walk_state;

static mh_message *build_from_mime (GMimeMessage *mime, const mh_locator *locator, int depth,
                                    const mh_limits *limits, guint *attachment_count);

/* The value of each base64 digit; BASE64_OTHER for every other byte. */
#define BASE64_OTHER 0x100u
static const guint16 base64_value[256] = {
#define O BASE64_OTHER
	O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,  O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,
	O, O, O, O, O, O, O, O, O, O, O, 62, O, O, O, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, O, O, O, O, O, O,
	O, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, O, O, O, O, O,
	O, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, O, O, O, O, O,
	O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,  O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,
	O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,  O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,
	O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,  O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,
	O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,  O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O,
#undef O
};

/* Decodes @len bytes of base64 at @data into @out_start (room for
 * @len * 3 / 4 + 3 bytes), when they are the base64 every
 * mailer writes: digits and line ends, and at the end either nothing or
 * the padding of the last group of four.  Four digits are decoded at a
 * time, where GMime's filter takes one byte at a time through a stream;
 * any other text (white space or junk among the digits, padding before
 * the end, a group cut short) returns -1 and is left to GMime, whose
 * answer for it is the one we give.  Otherwise the decoded length. */
static gssize
base64_decode_plain (const guint8 *data, gsize len, guint8 *out_start)
{
	const guint8 *in = data, *end = data + len;
	guint8 *out = out_start;
	guint32 group = 0;
	guint n = 0;          /* digits in @group */
	while (in < end) {
		/* whole groups inside a line */
		while (n == 0 && end - in >= 4) {
			guint32 a = base64_value[in[0]], b = base64_value[in[1]];
			guint32 c = base64_value[in[2]], d = base64_value[in[3]];
			if ((a | b | c | d) & BASE64_OTHER)
				break;
			guint32 v = a << 18 | b << 12 | c << 6 | d;
			in += 4;
			out[0] = (guint8) (v >> 16);
			out[1] = (guint8) (v >> 8);
			out[2] = (guint8) v;
			out += 3;
		}
		if (in >= end)
			break;
		/* a line end, a group across one, or the end */
		guint8 ch = *in++;
		guint32 v = base64_value[ch];
		if (v < 64) {
			group = group << 6 | v;
			if (++n == 4) {
				out[0] = (guint8) (group >> 16);
				out[1] = (guint8) (group >> 8);
				out[2] = (guint8) group;
				out += 3;
				n = 0;
				group = 0;
			}
		} else if (ch == '\n' || ch == '\r') {
			continue;
		} else if (ch == '=' && n >= 2) {
			/* padding: "==" after two digits, "=" after three, then
			 * only line ends */
			if (n == 2 && (in >= end || *in++ != '='))
				return -1;
			for (; in < end; in++)
				if (*in != '\n' && *in != '\r')
					return -1;
			group <<= 6 * (4 - n);
			*out++ = (guint8) (group >> 16);
			if (n == 3)
				*out++ = (guint8) (group >> 8);
			return out - out_start;
		} else {
			return -1;
		}
	}
	return n == 0 ? out - out_start : -1;
}

/* The bytes of a part's content stream as they lie in the message, when
 * GMime parsed it from memory (its content is then a window on the
 * message's array): no copy through the stream. */
static const guint8 *
stream_bytes_in_place (GMimeStream *stream, gint64 len)
{
	if (!GMIME_IS_STREAM_MEM (stream) || g_mime_stream_reset (stream) != 0)
		return NULL;
	GByteArray *all = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
	gint64 start = g_mime_stream_tell (stream);
	if (!all || start < 0 || start > (gint64) all->len || len > (gint64) all->len - start)
		return NULL;
	return all->data + start;
}

/* Decoded content of a leaf part; *truncated when above @max. */
static GByteArray *
part_bytes (GMimePart *part, gsize max, gboolean *truncated)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	*truncated = FALSE;
	if (!content)
		return g_byte_array_new ();
	/* sized by the encoded bytes (decoding only shrinks base64 and
	 * quoted-printable): growing by doubling copied every attachment
	 * several times */
	GMimeStream *encoded = g_mime_data_wrapper_get_stream (content);
	gint64 encoded_len = encoded ? g_mime_stream_length (encoded) : -1;
	GByteArray *bytes = g_byte_array_sized_new (encoded_len > 0 && (guint64) encoded_len < (max ? max : 64u << 20)
	                                            ? (guint) encoded_len : 0);
	gboolean decoded = FALSE;
	GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding (content);
	gboolean as_is = encoding == GMIME_CONTENT_ENCODING_DEFAULT || encoding == GMIME_CONTENT_ENCODING_7BIT ||
	                 encoding == GMIME_CONTENT_ENCODING_8BIT || encoding == GMIME_CONTENT_ENCODING_BINARY;
	if ((as_is || encoding == GMIME_CONTENT_ENCODING_BASE64) && encoded_len > 0 && encoded_len <= G_MAXUINT) {
		/* the encoded bytes where they lie in the message (the bytes
		 * GMime's copy through a stream gives for the encodings that
		 * are them as they are); base64 decoded from there.  A part not
		 * parsed from memory goes through GMime below. */
		const guint8 *src = stream_bytes_in_place (encoded, encoded_len);
		gssize len = -1;
		if (src && as_is) {
			g_byte_array_append (bytes, src, (guint) encoded_len);
			len = encoded_len;
		} else if (src) {
			g_byte_array_set_size (bytes, (guint) (encoded_len / 4 * 3 + 3));
			len = base64_decode_plain (src, (gsize) encoded_len, bytes->data);
		}
		g_byte_array_set_size (bytes, len < 0 ? 0 : (guint) len);
		decoded = len >= 0;
	}
	if (!decoded) {
		GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (bytes);
		g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
		g_mime_data_wrapper_write_to_stream (content, mem);
		g_object_unref (mem);
	}
	if (max && bytes->len > max) {
		g_byte_array_set_size (bytes, (guint) max);
		*truncated = TRUE;
	}
	return bytes;
}

GBytes *
mh_attachment_get_bytes (const mh_attachment *attachment, gsize max)
{
	gboolean truncated;
	if (!attachment->part && attachment->data) {
		/* unpacked from TNEF: no MIME part of its own */
		gsize n = g_bytes_get_size (attachment->data);
		return g_bytes_new_from_bytes (attachment->data, 0, max && n > max ? max : n);
	}
	if (attachment->decoded) {
		gsize n = g_bytes_get_size (attachment->decoded);
		if (!attachment->truncated || (max && max <= n))
			return g_bytes_new_from_bytes (attachment->decoded, 0, max && n > max ? max : n);
	}
	if (!attachment->part || !GMIME_IS_PART (attachment->part))
		return g_bytes_new (NULL, 0);
	GByteArray *b = part_bytes (GMIME_PART (attachment->part), max, &truncated);
	return g_byte_array_free_to_bytes (b);
}

gboolean
mh_attachment_may_be_document (const mh_attachment *a)
{
	static const char *const never[] = {
		"empty", "pdf", "png", "jpeg", "gif", "gzip", "pe-executable", "rar", "7z", "tnef", "pst", NULL,
	};
	for (int i = 0; a->detected_type && never[i]; i++)
		if (strcmp (a->detected_type, never[i]) == 0)
			return FALSE;
	return TRUE;
}

/* The file name of a part: Content-Disposition's, else Content-Type's. */
static char *
part_filename (walk_state *st, GMimeObject *object)
{
	char *name = header_param (object, "Content-Disposition", "filename", st->hint);
	return name ? name : header_param (object, "Content-Type", "name", st->hint);
}

/* A new entry of the attachment list; takes @filename. */
static mh_attachment *
new_attachment (walk_state *st, GMimeObject *object, const char *path, char *filename)
{
	if (*st->attachment_count >= st->limits->max_attachments) {
		if (!st->capped_attachments)
			mh_message_add_problem (st->message, "more than %u attachments: the rest are not listed",
			                        st->limits->max_attachments);
		st->capped_attachments = TRUE;
		g_free (filename);
		return NULL;
	}
	(*st->attachment_count)++;

	mh_attachment *a = g_new0 (mh_attachment, 1);
	GMimeContentType *ct = g_mime_object_get_content_type (object);
	g_autofree char *mime_type = ct ? g_mime_content_type_get_mime_type (ct) : NULL;
	a->declared_type = g_ascii_strdown (mime_type ? mime_type : "application/octet-stream", -1);
	a->filename = filename;
	a->path = g_strdup (path);
	a->part = g_object_ref (object);
	a->detected_type = "unknown";
	g_ptr_array_add (st->message->attachments, a);
	return a;
}

static void
hash_leaf (mh_attachment *a, GByteArray *bytes)
{
	mh_sha256_hex (bytes->data, bytes->len, a->sha256);
	a->size = bytes->len;
	a->detected_type = mh_detect_type (bytes->data, bytes->len);
}

static void
append_text (walk_state *st, GString *to, GMimePart *part, gboolean html)
{
	gboolean truncated, exact;
	g_autoptr (GByteArray) bytes = part_bytes (part, st->limits->max_body_text, &truncated);
	g_autofree char *charset = header_param (GMIME_OBJECT (part), "Content-Type", "charset", NULL);
	g_autofree char *utf8 = mh_text_to_utf8 (charset, (const char *) bytes->data, bytes->len, &exact);

	if (truncated)
		mh_message_add_problem (st->message, "body text longer than %zu bytes: truncated",
		                        st->limits->max_body_text);
	if (to->len > 0)
		g_string_append_c (to, '\n');
	if (html) {
		gboolean capped;
		g_autofree char *text = mh_text_from_html (utf8, strlen (utf8), st->limits->max_body_text, &capped);
		g_string_append (to, text);
	} else {
		g_string_append (to, utf8);
	}
}

/* Outlook inside mail (include/mailhunt/outlook.h): an attached .msg
 * becomes the nested message it is, and the files inside a winmail.dat
 * are listed as attachments of their own (path "N.t1", "N.t2", ...), so
 * that the analysers see what Outlook hid in them. */
static void
outlook_leaf (walk_state *st, mh_attachment *a, GByteArray *bytes)
{
	gboolean is_msg_type = g_strcmp0 (a->declared_type, "application/vnd.ms-outlook") == 0;
	if ((is_msg_type || g_strcmp0 (a->detected_type, "ole2") == 0) &&
	    mh_msg_detect (bytes->data, bytes->len)) {
		if (st->message->depth + 1 > st->limits->max_depth) {
			mh_message_add_problem (st->message, "attached messages nested deeper than %d: not read",
			                        st->limits->max_depth);
			return;
		}
		g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
		g_autoptr (GError) error = NULL;
		g_autoptr (GMimeMessage) mime = mh_msg_to_mime (bytes->data, bytes->len, st->limits, problems, &error);
		if (!mime) {
			mh_message_add_problem (st->message, "attached Outlook .msg %s not read: %s", a->path, error->message);
			return;
		}
		a->nested = build_from_mime (mime, &st->message->locator, st->message->depth + 1,
		                             st->limits, st->attachment_count);
		for (guint i = 0; i < problems->len; i++)
			mh_message_add_problem (a->nested, "%s", (const char *) g_ptr_array_index (problems, i));
		return;
	}
	if (g_strcmp0 (a->detected_type, "tnef") != 0 && g_strcmp0 (a->declared_type, "application/ms-tnef") != 0)
		return;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) files = mh_tnef_unpack (bytes->data, bytes->len, st->limits, problems, &error);
	for (guint i = 0; problems && i < problems->len; i++)
		mh_message_add_problem (st->message, "%s", (const char *) g_ptr_array_index (problems, i));
	if (!files) {
		if (!g_error_matches (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_NOT_OUTLOOK))
			mh_message_add_problem (st->message, "TNEF attachment %s not read: %s", a->path, error->message);
		return;
	}
	for (guint i = 0; i < files->len; i++) {
		mh_tnef_file *f = g_ptr_array_index (files, i);
		if (*st->attachment_count >= st->limits->max_attachments) {
			if (!st->capped_attachments)
				mh_message_add_problem (st->message, "more than %u attachments: the rest are not listed",
				                        st->limits->max_attachments);
			st->capped_attachments = TRUE;
			return;
		}
		(*st->attachment_count)++;
		mh_attachment *t = g_new0 (mh_attachment, 1);
		t->filename = f->filename ? g_utf8_make_valid (f->filename, -1) : NULL;
		t->declared_type = g_ascii_strdown (f->mime_type && *f->mime_type ? f->mime_type
		                                                                  : "application/octet-stream", -1);
		t->path = g_strdup_printf ("%s.t%u", a->path, i + 1);
		t->data = g_bytes_ref (f->data);
		gsize n;
		const guint8 *d = g_bytes_get_data (f->data, &n);
		GByteArray view = { (guint8 *) d, (guint) n };
		hash_leaf (t, &view);
		g_ptr_array_add (st->message->attachments, t);
	}
}

static void
walk (walk_state *st, GMimeObject *object, const char *path, int depth, gboolean alternative_text)
{
	if (depth > st->limits->max_depth) {
		mh_message_add_problem (st->message, "MIME nesting deeper than %d at part %s: not read",
		                        st->limits->max_depth, path);
		return;
	}

	if (GMIME_IS_MULTIPART (object)) {
		GMimeMultipart *mp = GMIME_MULTIPART (object);
		int n = g_mime_multipart_get_count (mp);
		GMimeContentType *ct = g_mime_object_get_content_type (object);
		int preferred = -1;

		/* in multipart/alternative, the text/plain version is the body;
		 * the other renderings are neither body nor attachments */
		if (ct && g_mime_content_type_is_type (ct, "multipart", "alternative")) {
			for (int i = 0; i < n && preferred < 0; i++) {
				GMimeContentType *cct = g_mime_object_get_content_type (g_mime_multipart_get_part (mp, i));
				if (cct && g_mime_content_type_is_type (cct, "text", "plain"))
					preferred = i;
			}
			if (preferred < 0)
				preferred = n - 1;
		}
		for (int i = 0; i < n; i++) {
			g_autofree char *child = path[0] ? g_strdup_printf ("%s.%d", path, i + 1)
			                                 : g_strdup_printf ("%d", i + 1);
			walk (st, g_mime_multipart_get_part (mp, i), child, depth + 1,
			      alternative_text || (preferred >= 0 && i != preferred));
		}
		return;
	}

	if (GMIME_IS_MESSAGE_PART (object)) {
		mh_attachment *a = new_attachment (st, object, path[0] ? path : "1", part_filename (st, object));
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));
		if (!a)
			return;
		if (inner) {
			if (st->message->depth + 1 > st->limits->max_depth) {
				mh_message_add_problem (st->message, "attached messages nested deeper than %d: not read",
				                        st->limits->max_depth);
			} else {
				a->nested = build_from_mime (inner, &st->message->locator, st->message->depth + 1,
				                             st->limits, st->attachment_count);
			}
			/* size and hash of the attached message as written */
			GByteArray *bytes = g_byte_array_new ();
			GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (bytes);
			g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
			g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, mem);
			g_object_unref (mem);
			hash_leaf (a, bytes);
			a->detected_type = "message";
			g_byte_array_unref (bytes);
		}
		return;
	}

	if (!GMIME_IS_PART (object))
		return;

	GMimePart *part = GMIME_PART (object);
	GMimeContentType *ct = g_mime_object_get_content_type (object);
	gboolean is_attachment = g_mime_part_is_attachment (part);
	g_autofree char *filename = part_filename (st, object);
	gboolean is_text = !ct || g_mime_content_type_is_type (ct, "text", "plain");
	gboolean is_html = ct && g_mime_content_type_is_type (ct, "text", "html");

	if (!is_attachment && !filename && (is_text || is_html)) {
		if (!alternative_text)
			append_text (st, is_html ? st->html : st->plain, part, is_html);
		return;
	}
	if (alternative_text && !filename && (is_text || is_html))
		return;

	mh_attachment *a = new_attachment (st, object, path[0] ? path : "1", g_steal_pointer (&filename));
	if (!a)
		return;
	gboolean truncated;
	g_autoptr (GByteArray) bytes = part_bytes (part, st->limits->max_message_size, &truncated);
	a->truncated = truncated;
	hash_leaf (a, bytes);
	outlook_leaf (st, a, bytes);   /* .msg and winmail.dat inside mail */
	/* the analysis opens what may be a document: decoding base64 again
	 * for it was a twentieth of an mbox scan */
	if (mh_attachment_may_be_document (a))
		a->decoded = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static mh_message *
build_from_mime (GMimeMessage *mime, const mh_locator *locator, int depth,
                 const mh_limits *limits, guint *attachment_count)
{
	mh_message *m = mh_message_new_empty (locator, depth);
	m->mime = g_object_ref (mime);
	read_headers (m, GMIME_OBJECT (mime));
	m->outlook_class = g_strdup (g_object_get_data (G_OBJECT (mime), MH_OUTLOOK_CLASS_DATA));
	m->outlook_sender_dn = g_strdup (g_object_get_data (G_OBJECT (mime), MH_OUTLOOK_SENDER_DN_DATA));

	walk_state st = { m, limits, g_string_new (NULL), g_string_new (NULL), attachment_count, FALSE,
	                  charset_hint (GMIME_OBJECT (mime)) };
	GMimeObject *root = g_mime_message_get_mime_part (mime);
	if (root)
		walk (&st, root, "", 0, FALSE);

	if (st.plain->len > 0) {
		m->body_text = g_string_free (st.plain, FALSE);
		g_string_free (st.html, TRUE);
	} else {
		m->body_text = g_string_free (st.html, FALSE);
		m->body_from_html = m->body_text[0] != '\0';
		g_string_free (st.plain, TRUE);
	}
	if (strlen (m->body_text) > limits->max_body_text) {
		/* cut on a character boundary */
		const char *cut = g_utf8_find_prev_char (m->body_text, m->body_text + limits->max_body_text + 1);
		if (cut)
			m->body_text[cut - m->body_text] = '\0';
		mh_message_add_problem (m, "body text longer than %zu bytes: truncated", limits->max_body_text);
	}
	if (!root)
		mh_message_add_problem (m, "no MIME body");
	g_free (st.hint);
	return m;
}

/* Does @data start like a message at all (a header line)? */
static gboolean
starts_with_header (const char *data, gsize len)
{
	gsize i = 0;
	while (i < len && (guint8) data[i] > 0x20 && (guint8) data[i] < 0x7f && data[i] != ':')
		i++;
	gsize name_len = i;
	/* obsolete syntax allows white space before the colon (RFC 5322 4.5) */
	while (i < len && (data[i] == ' ' || data[i] == '\t'))
		i++;
	return name_len > 0 && i < len && data[i] == ':';
}

/* No real header line comes near this; GMime's header parser grows its
 * buffer in steps that cost quadratic time on a multi-megabyte line. */
#define MAX_HEADER_LINE (64 * 1024)

/* Copies the message to @out, cutting lines of its header block longer
 * than MAX_HEADER_LINE; returns how many were cut.  With @out NULL, only
 * whether one would be (1 or 0). */
static guint
copy_capping_header_lines (const char *data, gsize len, GByteArray *out)
{
	gsize i = 0;
	guint cut = 0;
	while (i < len) {
		const char *nl = memchr (data + i, '\n', len - i);
		gsize end = nl ? (gsize) (nl - data) + 1 : len;
		gsize line = end - i;
		gboolean blank = line == 1 || (line == 2 && data[i] == '\r') || (!nl && line == 0);
		if (line > MAX_HEADER_LINE) {
			if (!out)
				return 1;
			g_byte_array_append (out, (const guint8 *) data + i, MAX_HEADER_LINE);
			if (nl)
				g_byte_array_append (out, (const guint8 *) "\n", 1);
			cut++;
		} else if (out) {
			g_byte_array_append (out, (const guint8 *) data + i, (guint) line);
		}
		i = end;
		if (blank) {
			/* the body is copied as it is */
			if (out)
				g_byte_array_append (out, (const guint8 *) data + i, (guint) (len - i));
			break;
		}
	}
	return cut;
}

mh_message *
mh_message_new_from_mime (GMimeMessage *mime, const mh_locator *locator, const mh_limits *limits)
{
	mh_limits defaults;
	guint count = 0;
	if (!limits) {
		mh_limits_init_default (&defaults);
		limits = &defaults;
	}
	return build_from_mime (mime, locator, 0, limits, &count);
}

static mh_message *message_from_stream (GByteArray *bytes, const char *data, gsize len, guint cut,
                                        const mh_locator *locator, const mh_limits *limits);

mh_message *
mh_message_new_from_bytes (const char *data, gsize len, const mh_locator *locator, const mh_limits *limits)
{
	GByteArray *copy = g_byte_array_sized_new ((guint) len);
	guint cut = copy_capping_header_lines (data, len, copy);
	return message_from_stream (copy, data, len, cut, locator, limits);
}

mh_message *
mh_message_new_from_byte_array (GByteArray *bytes, gsize len, const mh_locator *locator, const mh_limits *limits)
{
	g_return_val_if_fail (bytes && len <= bytes->len, NULL);
	if (copy_capping_header_lines ((const char *) bytes->data, len, NULL) > 0) {   /* a line to cut */
		mh_message *m = mh_message_new_from_bytes ((const char *) bytes->data, len, locator, limits);
		g_byte_array_unref (bytes);
		return m;
	}
	g_byte_array_set_size (bytes, (guint) len);
	return message_from_stream (bytes, (const char *) bytes->data, len, 0, locator, limits);
}

/* Parses @bytes (taken: GMime keeps them for the parts' content), made
 * from @data with @cut header lines cut. */
static mh_message *
message_from_stream (GByteArray *bytes, const char *data, gsize len, guint cut,
                     const mh_locator *locator, const mh_limits *limits)
{
	mh_limits defaults;
	if (!limits) {
		mh_limits_init_default (&defaults);
		limits = &defaults;
	}
	/* before GMime has the bytes: @data may be among them */
	gboolean headed = len > 0 && starts_with_header (data, len);

	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (bytes);   /* takes bytes */
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *mime = g_mime_parser_construct_message (parser, parser_options ());
	g_object_unref (parser);
	g_object_unref (stream);

	guint count = 0;
	mh_message *m;
	if (mime) {
		m = build_from_mime (mime, locator, 0, limits, &count);
		g_object_unref (mime);
	} else {
		m = mh_message_new_empty (locator, 0);
		m->body_text = g_strdup ("");
		mh_message_add_problem (m, "GMime could not parse the message");
	}
	if (cut)
		mh_message_add_problem (m, "%u header line(s) longer than %d bytes: cut to that length", cut, MAX_HEADER_LINE);
	if (len == 0)
		mh_message_add_problem (m, "empty message");
	else if (!headed)
		mh_message_add_problem (m, "does not start with a header line");
	return m;
}
