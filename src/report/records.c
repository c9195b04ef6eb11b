/* Reading JSON Lines records back into the message model: the inverse of
 * the jsonl printer (src/report/jsonl.c), member for member, so that a
 * message a worker or a shard printed can be printed again by the parent
 * in any format (include/mailhunt/records.h says what does not survive).
 *
 * Records are untrusted: the line is measured (length, nesting, number of
 * values) before json-glib parses it recursively, and every member is
 * checked for presence and type before it is used. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "mailhunt/records.h"
#include "mailhunt/text.h"
#include "office/office-private.h"

G_DEFINE_QUARK (mailhunt-record-error, mh_record_error)

/* -- the table of static strings ----------------------------------------- */

/* The model keeps finding ids, detected types, formats and the like as
 * static strings that nobody frees; read back, each distinct one is kept
 * here once for the life of the process.  Bounded, because a hostile
 * shard file could otherwise grow it with every line. */
static GHashTable *static_names;
G_LOCK_DEFINE_STATIC (static_names);

/* -- reading members, with the path of the member for errors ------------- */

typedef struct {
	GString *path;       /* "attachments[1].document", the object being read */
	GError **error;
	gboolean failed;
	gsize    body_total; /* bytes of body placeholders made for this record */
} reader;

static void reader_fail_code (reader *rd, mh_record_error code, const char *key, const char *fmt,
                              va_list ap) G_GNUC_PRINTF (4, 0);
static void reader_fail (reader *rd, const char *key, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
static void reader_fail_limit (reader *rd, const char *key, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* The first error wins: it names the member that was wrong. */
static void
reader_fail_code (reader *rd, mh_record_error code, const char *key, const char *fmt, va_list ap)
{
	if (rd->failed)
		return;
	rd->failed = TRUE;
	g_autofree char *what = g_strdup_vprintf (fmt, ap);
	const char *sep = rd->path->len && key && key[0] != '[' ? "." : "";
	g_set_error (rd->error, MH_RECORD_ERROR, code, "%s%s%s: %s", rd->path->str,
	             key ? sep : "", key ? key : "", what);
}

static void
reader_fail (reader *rd, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	reader_fail_code (rd, MH_RECORD_ERROR_MEMBER, key, fmt, ap);
	va_end (ap);
}

/* A member of the right type whose value reaches a cap. */
static void
reader_fail_limit (reader *rd, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	reader_fail_code (rd, MH_RECORD_ERROR_LIMIT, key, fmt, ap);
	va_end (ap);
}

/* Descends into member @key (or "[i]"); returns the mark to go back to. */
static gsize
path_push (reader *rd, const char *key)
{
	gsize mark = rd->path->len;
	if (key[0] != '[' && rd->path->len)
		g_string_append_c (rd->path, '.');
	g_string_append (rd->path, key);
	return mark;
}

static gsize
path_push_index (reader *rd, guint i)
{
	gsize mark = rd->path->len;
	g_string_append_printf (rd->path, "[%u]", i);
	return mark;
}

static void
path_pop (reader *rd, gsize mark)
{
	g_string_truncate (rd->path, mark);
}

static const char *
node_type_name (JsonNode *node)
{
	if (!node)
		return "missing";
	switch (json_node_get_node_type (node)) {
	case JSON_NODE_OBJECT: return "an object";
	case JSON_NODE_ARRAY: return "an array";
	case JSON_NODE_NULL: return "null";
	case JSON_NODE_VALUE: break;
	}
	GType t = json_node_get_value_type (node);
	if (t == G_TYPE_STRING)
		return "a string";
	if (t == G_TYPE_BOOLEAN)
		return "a boolean";
	return "a number";
}

static gboolean
holds (JsonNode *node, GType type)
{
	return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* A member that must be there; NULL (and the error) when it is not. */
static JsonNode *
member (reader *rd, JsonObject *o, const char *key)
{
	JsonNode *node = json_object_get_member (o, key);
	if (!node)
		reader_fail (rd, key, "missing");
	return node;
}

/* A string or null (@nullable).  *out is set to a copy, or NULL. */
static gboolean
read_string (reader *rd, JsonObject *o, const char *key, gboolean nullable, char **out)
{
	*out = NULL;
	JsonNode *node = member (rd, o, key);
	if (!node)
		return FALSE;
	if (JSON_NODE_HOLDS_NULL (node) && nullable)
		return TRUE;
	if (!holds (node, G_TYPE_STRING)) {
		reader_fail (rd, key, "expected a string%s, found %s", nullable ? " or null" : "",
		             node_type_name (node));
		return FALSE;
	}
	*out = g_strdup (json_node_get_string (node));
	return TRUE;
}

/* As read_string, for a member that may also be absent (the printer
 * leaves it out when it is NULL). */
static gboolean
read_optional_string (reader *rd, JsonObject *o, const char *key, char **out)
{
	*out = NULL;
	if (!json_object_has_member (o, key))
		return TRUE;
	return read_string (rd, o, key, TRUE, out);
}

/* The string kept once in the table of static names, or NULL for NULL. */
static const char *
static_name (reader *rd, const char *key, const char *s)
{
	if (!s)
		return NULL;
	if (strlen (s) > MH_RECORD_MAX_NAME_LENGTH) {
		reader_fail (rd, key, "longer than %d bytes", MH_RECORD_MAX_NAME_LENGTH);
		return NULL;
	}
	const char *kept = NULL;
	G_LOCK (static_names);
	if (!static_names)
		static_names = g_hash_table_new (g_str_hash, g_str_equal);
	kept = g_hash_table_lookup (static_names, s);
	if (!kept && g_hash_table_size (static_names) < MH_RECORD_MAX_NAMES) {
		char *copy = g_strdup (s);
		g_hash_table_add (static_names, copy);
		kept = copy;
	}
	G_UNLOCK (static_names);
	if (!kept)
		reader_fail_limit (rd, key, "more than %d distinct names (ids, types, formats) read: not kept",
		             MH_RECORD_MAX_NAMES);
	return kept;
}

static gboolean
read_static (reader *rd, JsonObject *o, const char *key, gboolean nullable, const char **out)
{
	g_autofree char *s = NULL;
	*out = NULL;
	if (!read_string (rd, o, key, nullable, &s))
		return FALSE;
	*out = static_name (rd, key, s);
	return !s || *out;
}

/* An integer in [min, max]; null gives @null_value when @nullable. */
static gboolean
read_int_full (reader *rd, JsonObject *o, const char *key, gint64 min, gint64 max,
               gboolean nullable, gint64 null_value, gint64 *out)
{
	*out = null_value;
	JsonNode *node = member (rd, o, key);
	if (!node)
		return FALSE;
	if (JSON_NODE_HOLDS_NULL (node) && nullable)
		return TRUE;
	if (!holds (node, G_TYPE_INT64)) {
		reader_fail (rd, key, "expected an integer%s, found %s", nullable ? " or null" : "",
		             node_type_name (node));
		return FALSE;
	}
	gint64 v = json_node_get_int (node);
	if (v < min || v > max) {
		reader_fail (rd, key, "%" G_GINT64_FORMAT " is out of range", v);
		return FALSE;
	}
	*out = v;
	return TRUE;
}

static gboolean
read_uint (reader *rd, JsonObject *o, const char *key, guint *out)
{
	gint64 v;
	*out = 0;
	if (!read_int_full (rd, o, key, 0, G_MAXUINT, FALSE, 0, &v))
		return FALSE;
	*out = (guint) v;
	return TRUE;
}

static gboolean
read_size (reader *rd, JsonObject *o, const char *key, gsize *out)
{
	gint64 v;
	*out = 0;
	if (!read_int_full (rd, o, key, 0, (gint64) MIN ((guint64) G_MAXINT64, (guint64) G_MAXSIZE),
	                    FALSE, 0, &v))
		return FALSE;
	*out = (gsize) v;
	return TRUE;
}

static gboolean
read_bool (reader *rd, JsonObject *o, const char *key, gboolean *out)
{
	*out = FALSE;
	JsonNode *node = member (rd, o, key);
	if (!node)
		return FALSE;
	if (!holds (node, G_TYPE_BOOLEAN)) {
		reader_fail (rd, key, "expected a boolean, found %s", node_type_name (node));
		return FALSE;
	}
	*out = json_node_get_boolean (node);
	return TRUE;
}

/* A number; the generator writes doubles with a fraction or an exponent,
 * but an integer is a number too. */
static gboolean
read_double (reader *rd, JsonObject *o, const char *key, double *out)
{
	*out = 0;
	JsonNode *node = member (rd, o, key);
	if (!node)
		return FALSE;
	if (holds (node, G_TYPE_DOUBLE))
		*out = json_node_get_double (node);
	else if (holds (node, G_TYPE_INT64))
		*out = (double) json_node_get_int (node);
	else {
		reader_fail (rd, key, "expected a number, found %s", node_type_name (node));
		return FALSE;
	}
	return TRUE;
}

static JsonArray *
read_array (reader *rd, JsonObject *o, const char *key)
{
	JsonNode *node = member (rd, o, key);
	if (!node)
		return NULL;
	if (!JSON_NODE_HOLDS_ARRAY (node)) {
		reader_fail (rd, key, "expected an array, found %s", node_type_name (node));
		return NULL;
	}
	return json_node_get_array (node);
}

/* An object, or NULL with *ok TRUE for null when @nullable (or absent
 * when @optional). */
static JsonObject *
read_object (reader *rd, JsonObject *o, const char *key, gboolean nullable, gboolean optional,
             gboolean *ok)
{
	*ok = FALSE;
	JsonNode *node = json_object_get_member (o, key);
	if (!node && optional) {
		*ok = TRUE;
		return NULL;
	}
	if (!node) {
		reader_fail (rd, key, "missing");
		return NULL;
	}
	if (JSON_NODE_HOLDS_NULL (node) && nullable) {
		*ok = TRUE;
		return NULL;
	}
	if (!JSON_NODE_HOLDS_OBJECT (node)) {
		reader_fail (rd, key, "expected an object%s, found %s", nullable ? " or null" : "",
		             node_type_name (node));
		return NULL;
	}
	*ok = TRUE;
	return json_node_get_object (node);
}

/* The object at @i of @array (an element of member @key). */
static JsonObject *
element_object (reader *rd, JsonArray *array, guint i)
{
	JsonNode *node = json_array_get_element (array, i);
	if (!JSON_NODE_HOLDS_OBJECT (node)) {
		g_autofree char *at = g_strdup_printf ("[%u]", i);
		reader_fail (rd, at, "expected an object, found %s", node_type_name (node));
		return NULL;
	}
	return json_node_get_object (node);
}

/* Reads one element of an array of objects into a new item of the
 * model and returns it, also when a member was wrong (the caller's array
 * frees it). */
typedef gpointer (*read_item_fn) (reader *rd, JsonObject *o, gpointer context);

/* Each element of array member @key, read by @fn, appended to @into. */
static void
read_objects (reader *rd, JsonObject *o, const char *key, GPtrArray *into, read_item_fn fn,
              gpointer context)
{
	if (rd->failed)
		return;
	JsonArray *array = read_array (rd, o, key);
	if (!array)
		return;
	gsize outer = path_push (rd, key);
	guint n = json_array_get_length (array);
	for (guint i = 0; i < n && !rd->failed; i++) {
		JsonObject *eo = element_object (rd, array, i);
		if (!eo)
			break;
		gsize mark = path_push_index (rd, i);
		g_ptr_array_add (into, fn (rd, eo, context));
		path_pop (rd, mark);
	}
	path_pop (rd, outer);
}

/* An array of strings, appended to @into (char*, g_free). */
static gboolean
read_string_list (reader *rd, JsonObject *o, const char *key, GPtrArray *into)
{
	JsonArray *array = read_array (rd, o, key);
	if (!array)
		return FALSE;
	guint n = json_array_get_length (array);
	for (guint i = 0; i < n; i++) {
		JsonNode *node = json_array_get_element (array, i);
		if (!holds (node, G_TYPE_STRING)) {
			g_autofree char *at = g_strdup_printf ("%s[%u]", key, i);
			reader_fail (rd, at, "expected a string, found %s", node_type_name (node));
			return FALSE;
		}
		g_ptr_array_add (into, g_strdup (json_node_get_string (node)));
	}
	return TRUE;
}

/* A SHA-256 in hex into @out (65 bytes); null leaves it empty. */
static gboolean
read_sha256 (reader *rd, JsonObject *o, const char *key, gboolean nullable, char out[65])
{
	g_autofree char *s = NULL;
	out[0] = '\0';
	if (!read_string (rd, o, key, nullable, &s))
		return FALSE;
	if (s && strlen (s) > 64) {
		reader_fail (rd, key, "longer than a SHA-256 in hex");
		return FALSE;
	}
	if (s)
		g_strlcpy (out, s, 65);
	return TRUE;
}

/* -- the model's parts ---------------------------------------------------- */

/* A member naming one value of an enum from @first to @last, as
 * @name spells it; @what says what it is in the error. */
static gboolean
read_enum (reader *rd, JsonObject *o, const char *key, const char *what,
           const char *(*name) (int value), int first, int last, int *out)
{
	g_autofree char *s = NULL;
	*out = first;
	if (!read_string (rd, o, key, FALSE, &s))
		return FALSE;
	for (int v = first; v <= last; v++) {
		if (strcmp (s, name (v)) == 0) {
			*out = v;
			return TRUE;
		}
	}
	reader_fail (rd, key, "unknown %s \"%s\"", what, s);
	return FALSE;
}

static const char *
severity_name (int value)
{
	return mh_severity_to_string ((mh_severity) value);
}

static const char *
verdict_name (int value)
{
	return mh_verdict_to_string ((mh_verdict) value);
}

static gboolean
read_severity (reader *rd, JsonObject *o, const char *key, mh_severity *out)
{
	int v;
	gboolean ok = read_enum (rd, o, key, "severity", severity_name, MH_SEVERITY_INFO, MH_SEVERITY_HIGH, &v);
	*out = (mh_severity) v;
	return ok;
}

static gboolean
read_verdict (reader *rd, JsonObject *o, const char *key, mh_verdict *out)
{
	int v;
	gboolean ok = read_enum (rd, o, key, "verdict", verdict_name, MH_VERDICT_CLEAN, MH_VERDICT_MALICIOUS, &v);
	*out = (mh_verdict) v;
	return ok;
}

/* A finding of a message or a document. */
static gpointer
read_finding (reader *rd, JsonObject *o, gpointer context)
{
	mh_finding *f = g_new0 (mh_finding, 1);
	(void) context;
	read_static (rd, o, "id", TRUE, &f->id);
	read_severity (rd, o, "severity", &f->severity);
	read_string (rd, o, "summary", TRUE, &f->summary);
	read_string (rd, o, "evidence", TRUE, &f->evidence);
	read_optional_string (rd, o, "location", &f->location);
	read_optional_string (rd, o, "decoding", &f->decoding);
	return f;
}

static gpointer
read_module (reader *rd, JsonObject *o, gpointer context)
{
	mh_vba_module *m = g_new0 (mh_vba_module, 1);
	gboolean recovered = FALSE;
	(void) context;
	read_string (rd, o, "name", TRUE, &m->name);
	read_string (rd, o, "stream", TRUE, &m->stream);
	read_static (rd, o, "kind", TRUE, &m->kind);
	read_size (rd, o, "source_length", &m->source_len);
	read_bool (rd, o, "source_recovered", &recovered);
	read_bool (rd, o, "offset_repaired", &m->offset_repaired);
	read_bool (rd, o, "truncated", &m->truncated);
	/* "source" is there with show_code only; without it, a recovered
	 * source is "" so that the printers still say it was recovered */
	g_autofree char *source = NULL;
	read_optional_string (rd, o, "source", &source);
	if (recovered)
		m->source = source ? g_steal_pointer (&source) : g_strdup ("");
	return m;
}

static gpointer
read_vba_project (reader *rd, JsonObject *o, gpointer context)
{
	mh_vba_project *p = _mh_vba_project_new (NULL);
	(void) context;
	read_string (rd, o, "location", TRUE, &p->location);
	read_string (rd, o, "name", TRUE, &p->name);
	read_uint (rd, o, "codepage", &p->codepage);
	read_bool (rd, o, "stomped", &p->stomped);
	read_string (rd, o, "stomping_evidence", TRUE, &p->stomping_evidence);
	read_objects (rd, o, "modules", p->modules, read_module, NULL);
	if (!rd->failed)
		read_string_list (rd, o, "problems", p->problems);
	return p;
}

static gboolean
parse_dhash (const char *s, guint64 *out)
{
	if (strlen (s) != 16)
		return FALSE;
	guint64 v = 0;
	for (int i = 0; i < 16; i++) {
		int d = g_ascii_xdigit_value (s[i]);
		if (d < 0)
			return FALSE;
		v = (v << 4) | (guint64) d;
	}
	*out = v;
	return TRUE;
}

static gpointer
read_image (reader *rd, JsonObject *o, gpointer context)
{
	mh_doc_image *image = g_new0 (mh_doc_image, 1);
	(void) context;
	read_string (rd, o, "location", TRUE, &image->location);
	read_static (rd, o, "format", TRUE, &image->format);
	read_size (rd, o, "size", &image->size);
	read_sha256 (rd, o, "sha256", TRUE, image->sha256);
	read_uint (rd, o, "width", &image->width);
	read_uint (rd, o, "height", &image->height);
	g_autofree char *dhash = NULL;
	if (read_string (rd, o, "dhash", TRUE, &dhash) && dhash) {
		image->has_dhash = parse_dhash (dhash, &image->dhash);
		if (!image->has_dhash)
			reader_fail (rd, "dhash", "expected 16 hex digits");
	}
	/* the summary compares it (mh_scan_summary_add_document): never NULL */
	read_static (rd, o, "ocr", FALSE, &image->ocr);
	read_string (rd, o, "ocr_text", TRUE, &image->text);
	return image;
}

static mh_document *read_document (reader *rd, JsonObject *o, int depth);

/* A document inside @context (its parent). */
static gpointer
read_child_document (reader *rd, JsonObject *o, gpointer context)
{
	const mh_document *parent = context;
	return read_document (rd, o, parent->depth + 1);
}

static gpointer
read_ioc (reader *rd, JsonObject *o, gpointer context)
{
	mh_ioc *ioc = g_new0 (mh_ioc, 1);
	(void) context;
	read_static (rd, o, "kind", TRUE, &ioc->kind);
	read_string (rd, o, "value", TRUE, &ioc->value);
	read_string (rd, o, "location", TRUE, &ioc->location);
	read_string (rd, o, "decoding", TRUE, &ioc->decoding);
	return ioc;
}

static void
read_properties (reader *rd, JsonObject *o, mh_document *d)
{
	gboolean ok;
	JsonObject *props = read_object (rd, o, "properties", FALSE, FALSE, &ok);
	if (!props)
		return;
	gsize outer = path_push (rd, "properties");
	g_autoptr (GList) names = json_object_get_members (props);
	for (GList *l = names; l && !rd->failed; l = l->next) {
		const char *name = l->data;
		mh_doc_property *p = g_new0 (mh_doc_property, 1);
		g_ptr_array_add (d->properties, p);
		p->name = g_strdup (name);
		read_string (rd, props, name, TRUE, &p->value);
	}
	path_pop (rd, outer);
}

/* The members of a document object (jsonl.c add_document_members). */
static mh_document *
read_document (reader *rd, JsonObject *o, int depth)
{
	mh_document *d = _mh_document_new (NULL, NULL, 0, depth);
	d->format = NULL;
	d->sha256[0] = '\0';
	read_string (rd, o, "name", TRUE, &d->name);
	read_static (rd, o, "format", TRUE, &d->format);
	read_size (rd, o, "size", &d->size);
	read_sha256 (rd, o, "sha256", TRUE, d->sha256);
	read_verdict (rd, o, "verdict", &d->verdict);
	read_bool (rd, o, "encrypted", &d->encrypted);
	read_bool (rd, o, "has_controls", &d->has_controls);
	read_string (rd, o, "password", TRUE, &d->password);
	read_static (rd, o, "password_source", TRUE, &d->password_source);
	if (!rd->failed)
		read_properties (rd, o, d);
	read_objects (rd, o, "vba_projects", d->vba_projects, read_vba_project, NULL);
	read_objects (rd, o, "findings", d->findings, read_finding, NULL);
	read_objects (rd, o, "iocs", d->iocs, read_ioc, NULL);
	read_objects (rd, o, "images", d->images, read_image, NULL);
	read_objects (rd, o, "children", d->children, read_child_document, d);
	if (!rd->failed)
		read_string_list (rd, o, "problems", d->problems);
	return d;
}

/* -- messages ------------------------------------------------------------- */

static void
read_address_members (reader *rd, JsonObject *o, mh_address *a)
{
	read_string (rd, o, "name", TRUE, &a->name);
	read_string (rd, o, "address", TRUE, &a->addr);
}

static gpointer
read_address_item (reader *rd, JsonObject *o, gpointer context)
{
	mh_address *a = g_new0 (mh_address, 1);
	(void) context;
	read_address_members (rd, o, a);
	return a;
}

static void
read_address (reader *rd, JsonObject *o, const char *key, gboolean nullable, mh_address *a)
{
	gboolean ok;
	JsonObject *ao = read_object (rd, o, key, nullable, FALSE, &ok);
	if (!ao)
		return;
	gsize mark = path_push (rd, key);
	read_address_members (rd, ao, a);
	path_pop (rd, mark);
}

static void
read_locator (reader *rd, JsonObject *o, mh_locator *l)
{
	gboolean ok;
	JsonObject *lo = read_object (rd, o, "locator", FALSE, FALSE, &ok);
	if (!lo)
		return;
	gsize mark = path_push (rd, "locator");
	/* never NULL: the text printer prints it alone with "%s", which the
	 * compiler may turn into fputs */
	read_string (rd, lo, "file", FALSE, &l->file);
	read_string (rd, lo, "folder", TRUE, &l->folder);
	read_string (rd, lo, "container", TRUE, &l->container);
	read_uint (rd, lo, "index", &l->index);
	read_int_full (rd, lo, "offset", 0, G_MAXINT64, TRUE, -1, &l->offset);
	read_int_full (rd, lo, "length", 0, G_MAXINT64, TRUE, -1, &l->length);
	read_bool (rd, lo, "deleted", &l->deleted);
	read_static (rd, lo, "folder_role", TRUE, &l->folder_role);
	path_pop (rd, mark);
}

static gpointer
read_original (reader *rd, JsonObject *o, gpointer context)
{
	mh_original *orig = g_new0 (mh_original, 1);
	(void) context;
	read_string (rd, o, "message_id", TRUE, &orig->message_id);
	read_string (rd, o, "mailbox", TRUE, &orig->mailbox);
	read_string (rd, o, "file", TRUE, &orig->file);
	read_string (rd, o, "folder", TRUE, &orig->folder);
	read_uint (rd, o, "index", &orig->index);
	read_int_full (rd, o, "offset", 0, G_MAXINT64, TRUE, -1, &orig->offset);
	read_int_full (rd, o, "date_unix", G_MININT64 + 1, G_MAXINT64, TRUE, G_MININT64, &orig->date_unix);
	read_string (rd, o, "from", TRUE, &orig->from);
	read_string (rd, o, "to", TRUE, &orig->to);
	read_string (rd, o, "subject", TRUE, &orig->subject);
	read_uint (rd, o, "quote_level", &orig->quote_level);
	read_double (rd, o, "score", &orig->score);
	return orig;
}

/* "case" (jsonl.c add_thread_case); next_steps follow from the verdict. */
static void
read_thread_case (reader *rd, JsonObject *o, mh_message *m)
{
	gboolean ok;
	JsonObject *co = read_object (rd, o, "case", TRUE, FALSE, &ok);
	if (!co)
		return;
	gsize mark = path_push (rd, "case");
	mh_thread_case *c = mh_thread_case_new ();
	m->thread_case = c;
	read_static (rd, co, "verdict", TRUE, &c->verdict);
	read_uint (rd, co, "quotes", &c->quotes);
	read_static (rd, co, "quote_style", TRUE, &c->quote_style);
	if (!rd->failed)
		read_string_list (rd, co, "reasons", c->reasons);
	read_objects (rd, co, "originals", c->originals, read_original, NULL);
	if (!rd->failed)
		read_string_list (rd, co, "holding_mailboxes", c->holding_mailboxes);
	read_string (rd, co, "shown_sender", TRUE, &c->shown_sender);
	/* the stolen thread (case A), in lines of writers that know it */
	read_optional_string (rd, co, "thread", &c->thread);
	read_optional_string (rd, co, "thread_subject", &c->thread_subject);
	if (!rd->failed && json_object_has_member (co, "thread_participants"))
		read_string_list (rd, co, "thread_participants", c->thread_participants);
	path_pop (rd, mark);
}

static mh_message *read_message_members (reader *rd, JsonObject *o, const mh_locator *locator,
                                         int depth);

/* An attachment of @context (the message). */
static gpointer
read_attachment (reader *rd, JsonObject *o, gpointer context)
{
	const mh_message *parent = context;
	mh_attachment *a = g_new0 (mh_attachment, 1);
	gboolean ok;
	read_string (rd, o, "part", TRUE, &a->path);
	read_string (rd, o, "filename", TRUE, &a->filename);
	read_string (rd, o, "declared_type", TRUE, &a->declared_type);
	read_static (rd, o, "detected_type", TRUE, &a->detected_type);
	read_size (rd, o, "size", &a->size);
	read_sha256 (rd, o, "sha256", TRUE, a->sha256);
	read_bool (rd, o, "truncated", &a->truncated);
	if (rd->failed)
		return a;
	JsonObject *mo = read_object (rd, o, "message", TRUE, TRUE, &ok);
	if (mo) {
		gsize mark = path_push (rd, "message");
		a->nested = read_message_members (rd, mo, &parent->locator, parent->depth + 1);
		path_pop (rd, mark);
	}
	if (rd->failed)
		return a;
	JsonObject *dobj = read_object (rd, o, "document", TRUE, TRUE, &ok);
	if (dobj) {
		gsize mark = path_push (rd, "document");
		a->document = read_document (rd, dobj, 0);
		path_pop (rd, mark);
	}
	return a;
}

/* A string of @len spaces: the record keeps the length of the body text,
 * not the text (records.h). */
static char *
body_placeholder (gsize len)
{
	if (len == 0)
		return NULL;
	char *s = g_malloc (len + 1);
	memset (s, ' ', len);
	s[len] = '\0';
	return s;
}

/* The members of a message object (jsonl.c add_message_members).  The
 * line's locator is the top-level message's; an attached message gets a
 * copy of its parent's, as the reader gives it. */
static mh_message *
read_message_members (reader *rd, JsonObject *o, const mh_locator *locator, int depth)
{
	mh_message *m = mh_message_new_empty (locator, depth);
	gboolean ok;

	read_string (rd, o, "date", TRUE, &m->date);
	read_int_full (rd, o, "date_unix", G_MININT64 + 1, G_MAXINT64, TRUE, G_MININT64, &m->date_unix);
	read_address (rd, o, "from", FALSE, &m->from);
	read_address (rd, o, "sender", TRUE, &m->sender);
	read_objects (rd, o, "reply_to", m->reply_to, read_address_item, NULL);
	read_objects (rd, o, "to", m->to, read_address_item, NULL);
	read_objects (rd, o, "cc", m->cc, read_address_item, NULL);
	read_string (rd, o, "return_path", TRUE, &m->return_path);
	read_string (rd, o, "envelope_from", TRUE, &m->envelope_from);
	read_string (rd, o, "subject", TRUE, &m->subject);
	read_string (rd, o, "message_id", TRUE, &m->message_id);
	read_string (rd, o, "in_reply_to", TRUE, &m->in_reply_to);
	read_string (rd, o, "references", TRUE, &m->references);
	read_string (rd, o, "x_mailer", TRUE, &m->x_mailer);
	JsonObject *outlook = read_object (rd, o, "outlook", TRUE, FALSE, &ok);
	if (outlook) {
		gsize mark = path_push (rd, "outlook");
		read_string (rd, outlook, "message_class", TRUE, &m->outlook_class);
		read_string (rd, outlook, "sender_dn", TRUE, &m->outlook_sender_dn);
		path_pop (rd, mark);
	}
	if (!rd->failed)
		read_string_list (rd, o, "received", m->received);
	if (!rd->failed)
		read_string_list (rd, o, "authentication_results", m->authentication_results);
	gint64 body_length = 0;
	if (read_int_full (rd, o, "body_length", 0, (gint64) MH_RECORD_MAX_BODY_LENGTH, FALSE, 0,
	                   &body_length)) {
		/* a short line could otherwise ask for a body per attached message */
		if ((gsize) body_length > MH_RECORD_MAX_BODY_TOTAL - rd->body_total)
			reader_fail_limit (rd, "body_length", "the bodies of this record are longer than %"
			                   G_GSIZE_FORMAT " bytes in all", MH_RECORD_MAX_BODY_TOTAL);
		else {
			rd->body_total += (gsize) body_length;
			m->body_text = body_placeholder ((gsize) body_length);
		}
	}
	read_bool (rd, o, "body_from_html", &m->body_from_html);
	read_objects (rd, o, "attachments", m->attachments, read_attachment, m);
	read_objects (rd, o, "findings", m->findings, read_finding, NULL);
	if (!rd->failed)
		read_thread_case (rd, o, m);
	if (!rd->failed)
		read_string_list (rd, o, "problems", m->problems);
	return m;
}

/* The object of @node, or NULL with the error. */
static JsonObject *
root_object (JsonNode *node, const char *type, GError **error)
{
	if (!node || !JSON_NODE_HOLDS_OBJECT (node)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_SYNTAX, "a record must be a JSON object");
		return NULL;
	}
	JsonObject *o = json_node_get_object (node);
	JsonNode *t = json_object_get_member (o, "type");
	if (t && !(holds (t, G_TYPE_STRING) && strcmp (json_node_get_string (t), type) == 0)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "type: expected \"%s\"", type);
		return NULL;
	}
	return o;
}

mh_message *
mh_message_from_json (JsonNode *node, GError **error)
{
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);
	JsonObject *o = root_object (node, "message", error);
	if (!o)
		return NULL;
	g_autoptr (GString) path = g_string_new (NULL);
	reader rd = { .path = path, .error = error };
	mh_locator locator = { .offset = -1, .length = -1 };
	read_locator (&rd, o, &locator);
	mh_message *m = NULL;
	if (!rd.failed)
		m = read_message_members (&rd, o, &locator, 0);
	mh_locator_clear (&locator);
	if (rd.failed) {
		mh_message_free (m);
		return NULL;
	}
	return m;
}

mh_document *
mh_document_from_json (JsonNode *node, char **file, GError **error)
{
	g_return_val_if_fail (file != NULL, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);
	*file = NULL;
	JsonObject *o = root_object (node, "document", error);
	if (!o)
		return NULL;
	g_autoptr (GString) path = g_string_new (NULL);
	reader rd = { .path = path, .error = error };
	g_autofree char *name = NULL;
	read_string (&rd, o, "file", TRUE, &name);
	mh_document *d = NULL;
	if (!rd.failed)
		d = read_document (&rd, o, 0);
	if (rd.failed) {
		mh_document_free (d);
		return NULL;
	}
	*file = g_steal_pointer (&name);
	return d;
}

/* -- lines ---------------------------------------------------------------- */

/* One more value in a record: FALSE past the cap on values. */
static gboolean
count_value (guint *values, GError **error)
{
	if (++*values <= MH_RECORD_MAX_VALUES)
		return TRUE;
	g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_LIMIT, "record holds more than %u values",
	             MH_RECORD_MAX_VALUES);
	return FALSE;
}

/* Measures the nesting and the number of values of a JSON text without
 * parsing it, so that json-glib (which recurses) never sees a line deeper
 * or larger than the caps; and refuses text after the first value, which
 * json-glib would ignore. */
static gboolean
check_shape (const char *line, gsize len, GError **error)
{
	guint depth = 0, values = 0;
	gboolean in_string = FALSE, escaped = FALSE, ended = FALSE;
	for (gsize i = 0; i < len; i++) {
		char c = line[i];
		if (ended) {
			if (!g_ascii_isspace (c)) {
				g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_SYNTAX,
				             "text after the record, at byte %" G_GSIZE_FORMAT, i);
				return FALSE;
			}
			continue;
		}
		if (in_string) {
			if (escaped)
				escaped = FALSE;
			else if (c == '\\')
				escaped = TRUE;
			else if (c == '"')
				in_string = FALSE;
			continue;
		}
		switch (c) {
		case '"':
			in_string = TRUE;
			break;
		case '{':
		case '[':
			if (++depth > MH_RECORD_MAX_DEPTH) {
				g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_LIMIT,
				             "record nested deeper than %d arrays and objects", MH_RECORD_MAX_DEPTH);
				return FALSE;
			}
			/* an array or object is a value too */
			G_GNUC_FALLTHROUGH;
		case ',':
			if (!count_value (&values, error))
				return FALSE;
			break;
		case '}':
		case ']':
			if (depth > 0 && --depth == 0)
				ended = TRUE;
			break;
		default:
			break;
		}
	}
	return TRUE;
}

static const struct {
	const char    *type;
	mh_record_kind kind;
} record_types[] = {
	{ "message", MH_RECORD_MESSAGE },
	{ "document", MH_RECORD_DOCUMENT },
	{ "contact", MH_RECORD_CONTACT },
	{ "address", MH_RECORD_ADDRESS },
	{ "summary", MH_RECORD_SUMMARY },
};

/* What every record line must be before its JSON is read: within the
 * length cap, not blank, UTF-8 without NUL, an object.  *@len loses the
 * line end; *@start is where the object begins. */
static gboolean
check_line (const char *line, gsize *len, gsize *start, GError **error)
{
	if (*len > 0 && line[*len - 1] == '\n')
		(*len)--;
	if (*len > 0 && line[*len - 1] == '\r')
		(*len)--;
	if (*len > MH_RECORD_MAX_LINE) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_LIMIT,
		             "record line of %" G_GSIZE_FORMAT " bytes is over the cap of %" G_GSIZE_FORMAT,
		             *len, MH_RECORD_MAX_LINE);
		return FALSE;
	}
	*start = 0;
	while (*start < *len && g_ascii_isspace (line[*start]))
		(*start)++;
	if (*start == *len) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_EMPTY, "empty line");
		return FALSE;
	}
	/* json-glib stops at a NUL byte; a record has none */
	if (!mh_utf8_validate (line, *len)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_SYNTAX, "record is not UTF-8 text");
		return FALSE;
	}
	if (line[*start] != '{') {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_SYNTAX, "a record must be a JSON object");
		return FALSE;
	}
	return TRUE;
}

/* The code of the \uXXXX escape at @p, or -1. */
static int
hex4 (const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int d = g_ascii_xdigit_value (p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

static int
escape_at (const char *p, const char *end)
{
	return end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4 (p + 2) : -1;
}

static gboolean
is_byte_escape (const char *p, const char *end)
{
	int u = escape_at (p, end);
	return u >= 0xDC80 && u <= 0xDCFF;
}

/* A surrogate pair (one character, which a byte escape never follows). */
static gboolean
is_pair_escape (const char *p, const char *end)
{
	int high = escape_at (p, end);
	int low = high >= 0xD800 && high <= 0xDBFF ? escape_at (p + 6, end) : -1;
	return low >= 0xDC00 && low <= 0xDFFF;
}

/* mh_jsonl_write writes a byte of a name that is not UTF-8 as the escape
 * of the lone surrogate U+DC00 + byte (\udc80 to \udcff).  json-glib
 * cannot read those (it drops the character after one, and refuses two
 * in a row), so a line holding them is rewritten for it: each such escape
 * becomes an escaped backslash followed by "udcXX", and each escaped
 * backslash two of them.  In the strings json-glib gives back, a single
 * backslash then only ever starts an escaped byte (unescape_bytes).
 * Gives the rewritten line, or NULL when @line holds no escaped byte. */
static GString *
protect_escaped_bytes (const char *line, gsize len)
{
	const char *end = line + len, *p = line;
	while ((p = memchr (p, '\\', (gsize) (end - p))) && !is_byte_escape (p, end))
		p += is_pair_escape (p, end) ? 12 : end - p >= 2 ? 2 : 1;
	if (!p)
		return NULL;
	GString *out = g_string_sized_new (len + 64);
	for (p = line; p < end; p++) {
		if (*p != '\\' || end - p < 2) {
			g_string_append_c (out, *p);
		} else if (p[1] == '\\') {
			g_string_append (out, "\\\\\\\\");
			p++;
		} else if (is_pair_escape (p, end)) {
			g_string_append_len (out, p, 12);
			p += 11;
		} else if (is_byte_escape (p, end)) {
			g_string_append (out, "\\\\");
			g_string_append_len (out, p + 1, 5);
			p += 5;
		} else {
			g_string_append_len (out, p, 2);
			p++;
		}
	}
	return out;
}

/* A string json-glib read from a protected line, mended; NULL when it
 * needs nothing. */
static char *
unescape_string (const char *s)
{
	if (!strchr (s, '\\'))
		return NULL;
	const char *end = s + strlen (s);
	char *bytes = g_strdup (s), *out = bytes;
	for (const char *p = s; *p; ) {
		if (p[0] == '\\' && p[1] == '\\') {
			*out++ = '\\';
			p += 2;
		} else if (is_byte_escape (p, end)) {
			*out++ = (char) (g_ascii_xdigit_value (p[4]) << 4 | g_ascii_xdigit_value (p[5]));
			p += 6;
		} else
			*out++ = *p++;
	}
	*out = '\0';
	return bytes;
}

/* Mends the strings and member names under @node (of a mutable tree). */
static void
unescape_bytes (JsonNode *node)
{
	if (JSON_NODE_HOLDS_OBJECT (node)) {
		JsonObject *o = json_node_get_object (node);
		JsonObjectIter iter;
		const char *name;
		JsonNode *member;
		gboolean names = FALSE;
		json_object_iter_init (&iter, o);
		while (json_object_iter_next (&iter, &name, &member)) {
			names |= strchr (name, '\\') != NULL;
			unescape_bytes (member);
		}
		if (!names)
			return;
		/* names cannot be changed in place: the object is made again */
		g_autoptr (JsonObject) mended = json_object_new ();
		json_object_iter_init (&iter, o);
		while (json_object_iter_next (&iter, &name, &member)) {
			g_autofree char *bytes = unescape_string (name);
			json_object_set_member (mended, bytes ? bytes : name, json_node_ref (member));
		}
		json_node_set_object (node, mended);
	} else if (JSON_NODE_HOLDS_ARRAY (node)) {
		JsonArray *a = json_node_get_array (node);
		for (guint i = 0; i < json_array_get_length (a); i++)
			unescape_bytes (json_array_get_element (a, i));
	} else if (holds (node, G_TYPE_STRING)) {
		g_autofree char *bytes = unescape_string (json_node_get_string (node));
		if (bytes)
			json_node_set_string (node, bytes);
	}
}

JsonNode *
mh_record_parse_line (const char *line, gsize len, mh_record_kind *kind, GError **error)
{
	g_return_val_if_fail (line != NULL || len == 0, NULL);
	g_return_val_if_fail (kind != NULL, NULL);
	*kind = MH_RECORD_OTHER;

	gsize start;
	if (!check_line (line, &len, &start, error) || !check_shape (line, len, error))
		return NULL;

	/* a line with escaped bytes of names is mended after parsing */
	g_autoptr (GString) protected = protect_escaped_bytes (line, len);
	gboolean escaped_bytes = protected != NULL;
	if (protected) {
		line = protected->str;
		len = protected->len;
	}
	g_autoptr (JsonParser) parser = escaped_bytes ? json_parser_new () : json_parser_new_immutable ();
	g_autoptr (GError) parse_error = NULL;
	if (!json_parser_load_from_data (parser, line, (gssize) len, &parse_error)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_SYNTAX, "record is not JSON: %s",
		             parse_error->message);
		return NULL;
	}
	JsonNode *root = json_parser_get_root (parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT (root)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_SYNTAX, "a record must be a JSON object");
		return NULL;
	}
	JsonNode *type = json_object_get_member (json_node_get_object (root), "type");
	if (!holds (type, G_TYPE_STRING)) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_MEMBER, "type: expected a string, found %s",
		             node_type_name (type));
		return NULL;
	}
	const char *t = json_node_get_string (type);
	for (gsize i = 0; i < G_N_ELEMENTS (record_types); i++)
		if (strcmp (t, record_types[i].type) == 0)
			*kind = record_types[i].kind;
	if (escaped_bytes)
		unescape_bytes (root);
	return json_node_ref (root);
}

/* -- flat records ---------------------------------------------------------- */

/* The records of a bulk scan that come once or more per input (unit,
 * input, indexed, unit-end ...) hold only scalars and arrays of scalars.
 * json-glib builds a tree of hash tables for each, which was most of the
 * time of a --jobs scan's parent; this reader keeps the members in two
 * arrays and the unescaped strings in one buffer, all reused from line to
 * line (merging the records of 50,000 quarantined mails: 3.3 -> 2.1 s). */

typedef struct {
	const char   *name;
	mh_flat_value value;
} flat_member;

struct _mh_flat_record {
	GArray *members;    /* of flat_member, in line order */
	GArray *elements;   /* of mh_flat_value: the elements of the arrays */
	char   *text;       /* names and strings, unescaped, each NUL-terminated */
	gsize   text_cap;
};

mh_flat_record *
mh_flat_record_new (void)
{
	mh_flat_record *r = g_new0 (mh_flat_record, 1);
	r->members = g_array_new (FALSE, FALSE, sizeof (flat_member));
	r->elements = g_array_new (FALSE, FALSE, sizeof (mh_flat_value));
	return r;
}

void
mh_flat_record_free (mh_flat_record *r)
{
	if (!r)
		return;
	g_array_unref (r->members);
	g_array_unref (r->elements);
	g_free (r->text);
	g_free (r);
}

typedef struct {
	const char *p, *end, *line;
	char       *out;      /* next free byte of the text buffer */
	guint       values;
	GError    **error;
} flat_parser;

static gboolean G_GNUC_PRINTF (2, 3)
flat_fail (flat_parser *fp, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *what = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_set_error (fp->error, MH_RECORD_ERROR, MH_RECORD_ERROR_SYNTAX, "record is not JSON: %s at byte %"
	             G_GSIZE_FORMAT, what, (gsize) (fp->p - fp->line));
	return FALSE;
}

static void
flat_skip_space (flat_parser *fp)
{
	while (fp->p < fp->end && (*fp->p == ' ' || *fp->p == '\t' || *fp->p == '\n' || *fp->p == '\r'))
		fp->p++;
}

/* A string at fp->p (its opening quote), unescaped into the text buffer.
 * The buffer is as long as the line: a string never grows by unescaping,
 * and its two quotes make room for the NUL. */
static const char *
flat_string (flat_parser *fp)
{
	const char *s = fp->out;
	fp->p++;
	for (;;) {
		const char *q = fp->p;
		while (q < fp->end && *q != '"' && *q != '\\' && (guchar) *q >= 0x20)
			q++;
		memcpy (fp->out, fp->p, (gsize) (q - fp->p));
		fp->out += q - fp->p;
		fp->p = q;
		if (fp->p >= fp->end)
			return flat_fail (fp, "a string does not end"), NULL;
		if (*fp->p == '"')
			break;
		if (*fp->p != '\\')
			return flat_fail (fp, "a control character in a string"), NULL;
		if (fp->end - fp->p < 2)
			return flat_fail (fp, "a string does not end"), NULL;
		char c = fp->p[1];
		const char *simple = strchr ("\"\\/bfnrt", c);
		if (c && simple) {
			*fp->out++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
			fp->p += 2;
			continue;
		}
		if (c != 'u' || fp->end - fp->p < 6 || hex4 (fp->p + 2) < 0)
			return flat_fail (fp, "a bad escape in a string"), NULL;
		gunichar u = (gunichar) hex4 (fp->p + 2);
		fp->p += 6;
		if (u >= 0xDC80 && u <= 0xDCFF) {
			/* a byte of a name that is not UTF-8 (mh_jsonl_write) */
			*fp->out++ = (char) (u - 0xDC00);
			continue;
		}
		if (u >= 0xDC00 && u <= 0xDFFF)
			return flat_fail (fp, "a lone low surrogate"), NULL;
		if (u >= 0xD800 && u <= 0xDBFF) {
			int low = fp->end - fp->p >= 6 && fp->p[0] == '\\' && fp->p[1] == 'u' ? hex4 (fp->p + 2) : -1;
			if (low < 0xDC00 || low > 0xDFFF)
				return flat_fail (fp, "a lone high surrogate"), NULL;
			u = 0x10000 + ((u - 0xD800) << 10) + ((gunichar) low - 0xDC00);
			fp->p += 6;
		}
		if (u == 0)
			return flat_fail (fp, "a NUL in a string"), NULL;
		/* \uXXXX is six bytes (twelve for a pair) and makes at most three
		 * (four): the buffer still suffices */
		fp->out += g_unichar_to_utf8 (u, fp->out);
	}
	fp->p++;
	*fp->out++ = '\0';
	return s;
}

static gboolean
flat_literal (flat_parser *fp, const char *word)
{
	gsize n = strlen (word);
	if ((gsize) (fp->end - fp->p) < n || memcmp (fp->p, word, n) != 0)
		return FALSE;
	fp->p += n;
	return TRUE;
}

/* A scalar at fp->p; arrays and objects are not scalars. */
static gboolean
flat_scalar (flat_parser *fp, mh_flat_value *v)
{
	memset (v, 0, sizeof *v);
	if (!count_value (&fp->values, fp->error))
		return FALSE;
	if (fp->p >= fp->end)
		return flat_fail (fp, "a value is missing");
	char c = *fp->p;
	if (c == '"') {
		v->kind = MH_FLAT_STRING;
		return (v->string = flat_string (fp)) != NULL;
	}
	if (flat_literal (fp, "null")) {
		v->kind = MH_FLAT_NULL;
		return TRUE;
	}
	if (flat_literal (fp, "true") || flat_literal (fp, "false")) {
		v->kind = MH_FLAT_BOOLEAN;
		v->integer = c == 't';
		return TRUE;
	}
	if (c == '{' || c == '[')
		return flat_fail (fp, "a nested %s", c == '{' ? "object" : "array");
	/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
	const char *q = fp->p;
	gboolean integral = TRUE;
	if (q < fp->end && *q == '-')
		q++;
	if (q >= fp->end || !g_ascii_isdigit (*q))
		return flat_fail (fp, "an unexpected character");
	if (*q == '0')
		q++;
	else
		while (q < fp->end && g_ascii_isdigit (*q))
			q++;
	if (q < fp->end && *q == '.') {
		integral = FALSE;
		if (++q >= fp->end || !g_ascii_isdigit (*q))
			return flat_fail (fp, "a bad number");
		while (q < fp->end && g_ascii_isdigit (*q))
			q++;
	}
	if (q < fp->end && (*q == 'e' || *q == 'E')) {
		integral = FALSE;
		if (++q < fp->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= fp->end || !g_ascii_isdigit (*q))
			return flat_fail (fp, "a bad number");
		while (q < fp->end && g_ascii_isdigit (*q))
			q++;
	}
	char digits[64];
	if ((gsize) (q - fp->p) >= sizeof digits)
		return flat_fail (fp, "a number of more than %d characters", (int) sizeof digits - 1);
	memcpy (digits, fp->p, (gsize) (q - fp->p));
	digits[q - fp->p] = '\0';
	if (integral) {
		char *stop;
		errno = 0;
		v->integer = g_ascii_strtoll (digits, &stop, 10);
		if (errno == ERANGE)
			return flat_fail (fp, "an integer out of range");
		v->kind = MH_FLAT_INT;
		v->number = (double) v->integer;
	} else {
		v->kind = MH_FLAT_DOUBLE;
		v->number = g_ascii_strtod (digits, NULL);
	}
	fp->p = q;
	return TRUE;
}

/* A scalar or an array of scalars. */
static gboolean
flat_value (flat_parser *fp, mh_flat_record *r, mh_flat_value *v)
{
	if (fp->p >= fp->end || *fp->p != '[')
		return flat_scalar (fp, v);
	memset (v, 0, sizeof *v);
	v->kind = MH_FLAT_ARRAY;
	v->first = r->elements->len;
	if (!count_value (&fp->values, fp->error))
		return FALSE;
	fp->p++;
	flat_skip_space (fp);
	if (fp->p < fp->end && *fp->p == ']') {
		fp->p++;
		return TRUE;
	}
	for (;;) {
		mh_flat_value e;
		flat_skip_space (fp);
		if (!flat_scalar (fp, &e))
			return FALSE;
		g_array_append_val (r->elements, e);
		v->length++;
		flat_skip_space (fp);
		if (fp->p < fp->end && *fp->p == ',') {
			fp->p++;
			continue;
		}
		if (fp->p < fp->end && *fp->p == ']') {
			fp->p++;
			return TRUE;
		}
		return flat_fail (fp, "an array does not go on with ',' or end with ']'");
	}
}

gboolean
mh_flat_record_parse (mh_flat_record *r, const char *line, gsize len, GError **error)
{
	g_return_val_if_fail (r != NULL, FALSE);
	g_return_val_if_fail (line != NULL || len == 0, FALSE);
	g_array_set_size (r->members, 0);
	g_array_set_size (r->elements, 0);

	gsize start;
	if (!check_line (line, &len, &start, error))
		return FALSE;
	if (r->text_cap < len + 1) {
		r->text_cap = MAX (len + 1, 4096);
		g_free (r->text);
		r->text = g_malloc (r->text_cap);
	}
	flat_parser fp = { .p = line, .end = line + len, .line = line, .out = r->text, .error = error };
	/* JSON's white space only: json-glib refuses a form feed */
	flat_skip_space (&fp);
	if (fp.p != line + start)
		return flat_fail (&fp, "an unexpected character");
	fp.p++;
	flat_skip_space (&fp);
	if (fp.p < fp.end && *fp.p == '}')
		fp.p++;
	else for (;;) {
		flat_member m;
		flat_skip_space (&fp);
		if (fp.p >= fp.end || *fp.p != '"')
			return flat_fail (&fp, "a member name is missing");
		if (!(m.name = flat_string (&fp)))
			return FALSE;
		flat_skip_space (&fp);
		if (fp.p >= fp.end || *fp.p != ':')
			return flat_fail (&fp, "':' is missing after a member name");
		fp.p++;
		flat_skip_space (&fp);
		if (!flat_value (&fp, r, &m.value))
			return FALSE;
		g_array_append_val (r->members, m);
		flat_skip_space (&fp);
		if (fp.p < fp.end && *fp.p == ',') {
			fp.p++;
			continue;
		}
		if (fp.p < fp.end && *fp.p == '}') {
			fp.p++;
			break;
		}
		return flat_fail (&fp, "an object does not go on with ',' or end with '}'");
	}
	flat_skip_space (&fp);
	if (fp.p < fp.end) {
		g_set_error (error, MH_RECORD_ERROR, MH_RECORD_ERROR_SYNTAX,
		             "text after the record, at byte %" G_GSIZE_FORMAT, (gsize) (fp.p - line));
		return FALSE;
	}
	return TRUE;
}

const mh_flat_value *
mh_flat_record_get (const mh_flat_record *r, const char *name)
{
	/* the last member of a name wins, as in json-glib */
	for (guint i = r->members->len; i-- > 0;) {
		const flat_member *m = &g_array_index (r->members, flat_member, i);
		if (strcmp (m->name, name) == 0)
			return &m->value;
	}
	return NULL;
}

const mh_flat_value *
mh_flat_record_element (const mh_flat_record *r, const mh_flat_value *array, guint i)
{
	g_return_val_if_fail (array && array->kind == MH_FLAT_ARRAY && i < array->length, NULL);
	return &g_array_index (r->elements, mh_flat_value, array->first + i);
}

const char *
mh_flat_record_type (const mh_flat_record *r)
{
	const mh_flat_value *v = mh_flat_record_get (r, "type");
	return v && v->kind == MH_FLAT_STRING ? v->string : NULL;
}
