/* Building the one message model from raw RFC 5322 bytes with GMime.
 *
 * GMime parses the MIME structure; header text, address display names,
 * file names and body text go through our own charset code (text/) so
 * that Japanese mail decodes the same everywhere. */
#include "config.h"

#include <string.h>

#include "mailhunt/message.h"
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

static void
finding_free (gpointer p)
{
	mh_finding *f = p;
	g_free (f->summary);
	g_free (f->evidence);
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
	g_clear_object (&a->part);
	g_free (a);
}

static mh_message *
message_alloc (const mh_locator *locator, int depth)
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
	m->findings = g_ptr_array_new_with_free_func (finding_free);
	m->problems = g_ptr_array_new_with_free_func (g_free);
	m->date_unix = G_MININT64;
	return m;
}

void
mh_message_free (mh_message *m)
{
	if (!m)
		return;
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

/* Appends every mailbox of the raw address header @raw to @out. */
static void
parse_addresses (const char *raw, GPtrArray *out)
{
	if (!raw)
		return;
	g_autofree char *normalized = mh_text_normalize_header (raw);
	InternetAddressList *list = internet_address_list_parse (parser_options (), normalized);
	if (!list)
		return;
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

	for (int i = 0; i < n; i++) {
		GMimeHeader *gh = g_mime_header_list_get_header_at (list, i);
		const char *raw = g_mime_header_get_raw_value (gh);
		mh_header *h = g_new0 (mh_header, 1);

		h->name = g_utf8_make_valid (g_mime_header_get_name (gh), -1);
		h->raw = g_strdup (raw ? raw : "");
		h->value = mh_text_decode_header (h->raw);
		g_ptr_array_add (m->headers, h);

		if (g_ascii_strcasecmp (h->name, "Received") == 0)
			g_ptr_array_add (m->received, g_strdup (h->value));
		else if (g_ascii_strcasecmp (h->name, "Authentication-Results") == 0)
			g_ptr_array_add (m->authentication_results, g_strdup (h->value));
	}

	parse_addresses (raw_header (m, "From"), m->from_all);
	if (m->from_all->len > 0) {
		mh_address *f = g_ptr_array_index (m->from_all, 0);
		m->from.name = g_strdup (f->name);
		m->from.addr = g_strdup (f->addr);
	}
	g_autoptr (GPtrArray) sender = g_ptr_array_new_with_free_func (address_free);
	parse_addresses (raw_header (m, "Sender"), sender);
	if (sender->len > 0) {
		mh_address *s = g_ptr_array_index (sender, 0);
		m->sender.name = g_strdup (s->name);
		m->sender.addr = g_strdup (s->addr);
	}
	parse_addresses (raw_header (m, "Reply-To"), m->reply_to);
	parse_addresses (raw_header (m, "To"), m->to);
	parse_addresses (raw_header (m, "Cc"), m->cc);

	m->return_path = strip_angle (mh_message_get_header (m, "Return-Path"));
	if (m->return_path && !*m->return_path)
		g_clear_pointer (&m->return_path, g_free);   /* "<>": a bounce, no sender */
	m->date = g_strdup (mh_message_get_header (m, "Date"));
	if (m->date) {
		GDateTime *dt = g_mime_utils_header_decode_date (m->date);
		if (dt) {
			m->date_unix = g_date_time_to_unix (dt);
			g_date_time_unref (dt);
		}
	}
	m->message_id = strip_angle (mh_message_get_header (m, "Message-ID"));
	m->in_reply_to = g_strdup (mh_message_get_header (m, "In-Reply-To"));
	m->references = g_strdup (mh_message_get_header (m, "References"));
	m->subject = g_strdup (mh_message_get_header (m, "Subject"));
	m->x_mailer = g_strdup (mh_message_get_header (m, "X-Mailer"));
}

/* A parameter of a structured header, decoded through our charset code. */
static char *
header_param (GMimeObject *object, const char *header, const char *param)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (object);
	GMimeHeader *gh = g_mime_header_list_get_header (list, header);
	const char *raw = gh ? g_mime_header_get_raw_value (gh) : NULL;
	if (!raw)
		return NULL;

	g_autofree char *normalized = mh_text_normalize_header (raw);
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
} walk_state;

static mh_message *build_from_mime (GMimeMessage *mime, const mh_locator *locator, int depth,
                                    const mh_limits *limits, guint *attachment_count);

/* Decoded content of a leaf part; *truncated when above @max. */
static GByteArray *
part_bytes (GMimePart *part, gsize max, gboolean *truncated)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GByteArray *bytes = g_byte_array_new ();
	*truncated = FALSE;
	if (!content)
		return bytes;
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (bytes);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
	g_mime_data_wrapper_write_to_stream (content, mem);
	g_object_unref (mem);
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
	if (!attachment->part || !GMIME_IS_PART (attachment->part))
		return g_bytes_new (NULL, 0);
	GByteArray *b = part_bytes (GMIME_PART (attachment->part), max, &truncated);
	return g_byte_array_free_to_bytes (b);
}

static mh_attachment *
new_attachment (walk_state *st, GMimeObject *object, const char *path)
{
	if (*st->attachment_count >= st->limits->max_attachments) {
		if (!st->capped_attachments)
			mh_message_add_problem (st->message, "more than %u attachments: the rest are not listed",
			                        st->limits->max_attachments);
		st->capped_attachments = TRUE;
		return NULL;
	}
	(*st->attachment_count)++;

	mh_attachment *a = g_new0 (mh_attachment, 1);
	GMimeContentType *ct = g_mime_object_get_content_type (object);
	g_autofree char *mime_type = ct ? g_mime_content_type_get_mime_type (ct) : NULL;
	a->declared_type = g_ascii_strdown (mime_type ? mime_type : "application/octet-stream", -1);
	a->filename = header_param (object, "Content-Disposition", "filename");
	if (!a->filename)
		a->filename = header_param (object, "Content-Type", "name");
	a->path = g_strdup (path);
	a->part = g_object_ref (object);
	a->detected_type = "unknown";
	g_ptr_array_add (st->message->attachments, a);
	return a;
}

static void
hash_leaf (mh_attachment *a, GByteArray *bytes)
{
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	g_checksum_update (sum, bytes->data, bytes->len);
	g_strlcpy (a->sha256, g_checksum_get_string (sum), sizeof a->sha256);
	a->size = bytes->len;
	a->detected_type = mh_detect_type (bytes->data, bytes->len);
}

static void
append_text (walk_state *st, GString *to, GMimePart *part, gboolean html)
{
	gboolean truncated, exact;
	g_autoptr (GByteArray) bytes = part_bytes (part, st->limits->max_body_text, &truncated);
	g_autofree char *charset = header_param (GMIME_OBJECT (part), "Content-Type", "charset");
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
		mh_attachment *a = new_attachment (st, object, path[0] ? path : "1");
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
	g_autofree char *filename = header_param (object, "Content-Disposition", "filename");
	if (!filename)
		filename = header_param (object, "Content-Type", "name");
	gboolean is_text = !ct || g_mime_content_type_is_type (ct, "text", "plain");
	gboolean is_html = ct && g_mime_content_type_is_type (ct, "text", "html");

	if (!is_attachment && !filename && (is_text || is_html)) {
		if (!alternative_text)
			append_text (st, is_html ? st->html : st->plain, part, is_html);
		return;
	}
	if (alternative_text && !filename && (is_text || is_html))
		return;

	mh_attachment *a = new_attachment (st, object, path[0] ? path : "1");
	if (!a)
		return;
	gboolean truncated;
	g_autoptr (GByteArray) bytes = part_bytes (part, st->limits->max_message_size, &truncated);
	a->truncated = truncated;
	hash_leaf (a, bytes);
}

static mh_message *
build_from_mime (GMimeMessage *mime, const mh_locator *locator, int depth,
                 const mh_limits *limits, guint *attachment_count)
{
	mh_message *m = message_alloc (locator, depth);
	m->mime = g_object_ref (mime);
	read_headers (m, GMIME_OBJECT (mime));

	walk_state st = { m, limits, g_string_new (NULL), g_string_new (NULL), attachment_count, FALSE };
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
	return m;
}

/* Does @data start like a message at all (a header line)? */
static gboolean
starts_with_header (const char *data, gsize len)
{
	gsize i = 0;
	while (i < len && (guint8) data[i] > 0x20 && (guint8) data[i] < 0x7f && data[i] != ':')
		i++;
	return i > 0 && i < len && data[i] == ':';
}

mh_message *
mh_message_new_from_bytes (const char *data, gsize len, const mh_locator *locator, const mh_limits *limits)
{
	mh_limits defaults;
	if (!limits) {
		mh_limits_init_default (&defaults);
		limits = &defaults;
	}

	GByteArray *copy = g_byte_array_sized_new ((guint) len);
	g_byte_array_append (copy, (const guint8 *) data, (guint) len);
	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (copy);   /* takes copy */
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
		m = message_alloc (locator, 0);
		m->body_text = g_strdup ("");
		mh_message_add_problem (m, "GMime could not parse the message");
	}
	if (len == 0)
		mh_message_add_problem (m, "empty message");
	else if (!starts_with_header (data, len))
		mh_message_add_problem (m, "does not start with a header line");
	return m;
}
