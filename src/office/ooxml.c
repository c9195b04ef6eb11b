/* OOXML packages (a ZIP of parts), Flat OPC (the same parts in one XML
 * file) and Word 2003 XML: what would run or be fetched when the document
 * opens — VBA projects, remote templates and other external relationships,
 * DDE and include fields, Excel 4.0 macro sheets, ActiveX controls,
 * embedded objects — the document's metadata, and the text a reader sees
 * (Word stories, shared and inline cell strings, slides) for lure matching,
 * with long hidden runs and picture-only documents reported.
 *
 * Every part is untrusted XML read with libxml2 under safe options: no
 * network, no DTD loading, no entity substitution, no huge mode.  Text is
 * collected from text nodes only, so an entity reference is never expanded
 * (billion laughs, external entities), and parser errors are collected
 * into the document's problems instead of being printed. */
#include "config.h"

#include <string.h>

#include <gsf/gsf-infile-impl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "office-private.h"
#include "mailhunt/text.h"

/* For the fuzz harness (tests/fuzz/fuzz-ooxml-rels.c declares it too). */
void _mh_ooxml_rels_analyse_bytes (mh_document *doc, const guint8 *data, gsize len,
                                   const char *rels_name, const mh_office_options *options);

/* Never XML_PARSE_NOENT (entity substitution), XML_PARSE_DTDLOAD,
 * XML_PARSE_HUGE or XInclude: a part must not make the parser fetch,
 * expand or allocate without bound.  RECOVER because attackers damage
 * their XML on purpose and Office is lenient. */
#define SAFE_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | \
                          XML_PARSE_RECOVER | XML_PARSE_COMPACT)

#define MAX_PATH_DEPTH      32      /* folders in a part name */
#define MAX_RELATIONSHIPS   20000   /* per package */
#define MAX_FIELD_CODE      16384   /* bytes of one field code kept */
#define MAX_FIELD_NESTING   16      /* fields inside field codes */
#define MAX_EVIDENCE        1024    /* bytes of a field code shown as evidence */
#define MAX_TEXT_DEPTH      64      /* element nesting walked when collecting text */
#define MAX_CONTROLS_LISTED 20      /* ActiveX / form controls named in the finding */
#define MAX_SHEETS          4096    /* sheets read from a workbook */

/* -- namespaces: transitional, strict and Word 2003 ----------------------- */

static const char *const word_ns[] = {
	"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
	"http://purl.oclc.org/ooxml/wordprocessingml/main",
	"http://schemas.microsoft.com/office/word/2003/wordml",
	NULL
};
static const char *const sheet_ns[] = {
	"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
	"http://purl.oclc.org/ooxml/spreadsheetml/main",
	NULL
};
/* r:id on sheets points into the workbook's relationships */
static const char *const relid_ns[] = {
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
	"http://purl.oclc.org/ooxml/officeDocument/relationships",
	NULL
};
static const char *const flat_ns[] = {
	"http://schemas.microsoft.com/office/2006/xmlPackage",
	NULL
};
static const char *const activex_ns[] = {
	"http://schemas.microsoft.com/office/2006/activeX",
	NULL
};
/* the text a reader sees: pictures, VML, markup compatibility */
static const char *const drawing_ns[] = {
	"http://schemas.openxmlformats.org/drawingml/2006/main",
	"http://purl.oclc.org/ooxml/drawingml/main",
	NULL
};
static const char *const vml_ns[] = {
	"urn:schemas-microsoft-com:vml",
	NULL
};
static const char *const compat_ns[] = {
	"http://schemas.openxmlformats.org/markup-compatibility/2006",
	NULL
};

/* Microsoft Forms 2.0 controls, the ActiveX controls documents carry most;
 * other class ids are listed as they are. */
static const struct {
	const char *clsid;
	const char *name;
} known_controls[] = {
	{ "{D7053240-CE69-11CD-A777-00DD01143C57}", "CommandButton" },
	{ "{8BD21D10-EC42-11CE-9E0D-00AA006002F3}", "TextBox" },
	{ "{8BD21D20-EC42-11CE-9E0D-00AA006002F3}", "ListBox" },
	{ "{8BD21D30-EC42-11CE-9E0D-00AA006002F3}", "ComboBox" },
	{ "{8BD21D40-EC42-11CE-9E0D-00AA006002F3}", "CheckBox" },
	{ "{8BD21D50-EC42-11CE-9E0D-00AA006002F3}", "OptionButton" },
	{ "{8BD21D60-EC42-11CE-9E0D-00AA006002F3}", "ToggleButton" },
	{ "{978C9E23-D4B0-11CE-BF2D-00AA003F40D0}", "Label" },
	{ "{4C599241-6926-101B-9992-00000B65C6F9}", "Image" },
	{ "{79176FB0-B7F2-11CE-97EF-00AA006D2776}", "SpinButton" },
	{ "{DFD181E0-5E2F-11CE-A449-00AA004A803D}", "ScrollBar" },
	{ "{6E182020-F460-11CE-9BCD-00AA00608E01}", "Frame" },
	{ "{46E31370-3F7A-11CE-BED6-00AA00611080}", "MultiPage" },
	{ "{EAE50EB0-4A62-11CE-BED6-00AA00611080}", "TabStrip" },
	{ "{D27CDB6E-AE6D-11CF-96B8-444553540000}", "ShockwaveFlash" },
};

/* The main part's content type names the kind of document. */
static const struct {
	const char *content_type;
	const char *format;
} main_part_formats[] = {
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "docx" },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml", "dotx" },
	{ "application/vnd.ms-word.document.macroEnabled.main+xml", "docm" },
	{ "application/vnd.ms-word.template.macroEnabledTemplate.main+xml", "dotm" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xlsx" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml", "xltx" },
	{ "application/vnd.ms-excel.sheet.macroEnabled.main+xml", "xlsm" },
	{ "application/vnd.ms-excel.template.macroEnabled.main+xml", "xltm" },
	{ "application/vnd.ms-excel.addin.macroEnabled.main+xml", "xlam" },
	{ "application/vnd.ms-excel.sheet.binary.macroEnabled.main", "xlsb" },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", "pptx" },
	{ "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml", "ppsx" },
	{ "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml", "potx" },
	{ "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml", "pptm" },
	{ "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml", "ppsm" },
	{ "application/vnd.ms-powerpoint.template.macroEnabled.main+xml", "potm" },
	{ "application/vnd.ms-powerpoint.addin.macroEnabled.main+xml", "ppam" },
};

/* Word parts whose fields are read (besides the main document). */
static const char *const word_story_types[] = {
	"wordprocessingml.header+xml",
	"wordprocessingml.footer+xml",
	"wordprocessingml.footnotes+xml",
	"wordprocessingml.endnotes+xml",
	"wordprocessingml.comments+xml",
	"wordprocessingml.document.glossary+xml",
	"document.main+xml",
	"template.main+xml",
	"macroEnabled.main+xml",
	"macroEnabledTemplate.main+xml",
};

/* -- the package: parts of a ZIP or of a Flat OPC file -------------------- */

typedef struct {
	char      *name;          /* part name without the leading '/' */
	char      *content_type;  /* NULL when [Content_Types].xml says nothing */
	gboolean   type_override; /* the content type was given for this part, not by extension */
	GsfInput  *input;         /* ZIP: the member, else NULL */
	GBytes    *data;          /* Flat OPC: the decoded binary data, else NULL */
	xmlNode   *xml;           /* Flat OPC: the part's root element (not owned), else NULL */
	gboolean   handled;       /* read as a VBA project or an embedded object already */
} package_part;

typedef struct {
	char     *source;    /* part the relationship belongs to ("" for the package) */
	char     *type;      /* short name: "attachedTemplate", "vbaProject", ... */
	char     *id;
	char     *target;    /* as written */
	char     *part;      /* internal: the part name it resolves to, else NULL */
	gboolean  external;
} relationship;

typedef struct {
	mh_document             *doc;
	const mh_office_options *options;
	GPtrArray               *parts;         /* of package_part* */
	GHashTable              *by_name;       /* lower-case part name -> package_part* */
	GPtrArray               *relationships; /* of relationship* */
	GHashTable              *rel_by_id;     /* "source\nId" -> relationship* */
	GHashTable              *targeted;      /* lower-case part name -> ROLE_* bits */
	char                    *main_part;     /* officeDocument target, or NULL */
	gsize                    bytes_read;    /* decompressed, over the whole package */
	gboolean                 budget_spent;
	guint                    entries_seen;
} package;

static void
package_part_free (gpointer p)
{
	package_part *part = p;
	g_free (part->name);
	g_free (part->content_type);
	g_clear_object (&part->input);
	if (part->data)
		g_bytes_unref (part->data);
	g_free (part);
}

static void
relationship_free (gpointer p)
{
	relationship *rel = p;
	g_free (rel->source);
	g_free (rel->type);
	g_free (rel->id);
	g_free (rel->target);
	g_free (rel->part);
	g_free (rel);
}

/* What internal relationships say a part is (looked up once per part,
 * so that thousands of parts and relationships stay cheap). */
enum {
	ROLE_VBA_PROJECT = 1 << 0,
	ROLE_MACRO_SHEET = 1 << 1,
};

static void
package_init (package *pkg, mh_document *doc, const mh_office_options *options)
{
	memset (pkg, 0, sizeof *pkg);
	pkg->doc = doc;
	pkg->options = options;
	pkg->parts = g_ptr_array_new_with_free_func (package_part_free);
	pkg->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	pkg->relationships = g_ptr_array_new_with_free_func (relationship_free);
	pkg->rel_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	pkg->targeted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
package_clear (package *pkg)
{
	g_ptr_array_unref (pkg->parts);
	g_hash_table_unref (pkg->by_name);
	g_hash_table_unref (pkg->rel_by_id);
	g_hash_table_unref (pkg->targeted);
	g_ptr_array_unref (pkg->relationships);
	g_free (pkg->main_part);
}

/* Part names are compared case-insensitively (OPC, ECMA-376 part 2). */
static package_part *
package_find (package *pkg, const char *name)
{
	if (!name)
		return NULL;
	g_autofree char *key = g_ascii_strdown (name, -1);
	return g_hash_table_lookup (pkg->by_name, key);
}

static package_part *
package_add_part (package *pkg, const char *name)
{
	while (*name == '/')
		name++;
	if (!*name || package_find (pkg, name))
		return NULL;
	package_part *part = g_new0 (package_part, 1);
	part->name = g_utf8_make_valid (name, -1);
	g_ptr_array_add (pkg->parts, part);
	g_hash_table_insert (pkg->by_name, g_ascii_strdown (part->name, -1), part);
	return part;
}

/* -- small string helpers -------------------------------------------------- */

static gboolean
has_prefix_ci (const char *s, const char *prefix)
{
	return s && g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

static gboolean
has_suffix_ci (const char *s, const char *suffix)
{
	if (!s)
		return FALSE;
	gsize n = strlen (s), m = strlen (suffix);
	return n >= m && g_ascii_strcasecmp (s + n - m, suffix) == 0;
}

static gboolean
contains_ci (const char *s, const char *needle)
{
	if (!s)
		return FALSE;
	gsize m = strlen (needle);
	for (; *s; s++)
		if (g_ascii_strncasecmp (s, needle, m) == 0)
			return TRUE;
	return FALSE;
}

/* The last path segment of a part name or of a relationship type URI. */
static const char *
last_segment (const char *s)
{
	const char *slash = strrchr (s, '/');
	return slash ? slash + 1 : s;
}

/* At most @max bytes of @s, cut on a character boundary, valid UTF-8. */
static char *
clip_text (const char *s, gsize max)
{
	gsize n = strlen (s);
	if (n <= max)
		return g_utf8_make_valid (s, (gssize) n);
	g_autofree char *valid = g_utf8_make_valid (s, (gssize) max);
	return g_strconcat (valid, "…", NULL);
}

/* -- XML ------------------------------------------------------------------ */

static void
xml_silence (void *user_data, xmlErrorPtr error)
{
	/* Errors are read from the context after the parse; nothing is printed. */
	(void) user_data; (void) error;
}

static void G_GNUC_PRINTF (2, 3)
xml_silence_generic (void *user_data, const char *fmt, ...)
{
	(void) user_data; (void) fmt;
}

/* Never loads an external entity or DTD, whatever the document asks. */
static xmlParserInputPtr
xml_refuse_entity (void *ctx, const xmlChar *public_id, const xmlChar *system_id)
{
	(void) ctx; (void) public_id; (void) system_id;
	return NULL;
}

/* What a reader of a part sees when the part is streamed instead of
 * built into a tree: elements with their namespace and attributes, in
 * document order, and text.  A tree of a large part takes about twenty
 * times its bytes (a 21 MB sheet made 450 MB); a stream holds only what
 * the reader keeps.  Flat OPC parts, already a tree, are walked into the
 * same events (events_from_tree). */
typedef struct {
	const xmlChar *local;
	const xmlChar *uri;     /* NULL: no namespace */
	const xmlChar *value;   /* as libxml2 gives it (see attr_text) */
	gsize          len;
	gboolean       escaped; /* value may hold &#38; and &name; (a parsed attribute) */
} xml_attr;

typedef struct xml_events xml_events;
struct xml_events {
	void   (*start) (xml_events *ev, const xmlChar *uri, const xmlChar *local,
	                 const xml_attr *attrs, guint n_attrs);
	void   (*end)   (xml_events *ev);
	void   (*text)  (xml_events *ev, const char *text, gsize len);
	guint    depth;  /* elements open, the root being 1: in start and end, the element's own */
	gboolean stop;   /* set by a handler that has read all it wants */
	gboolean malformed_at_stop;   /* the runner's: errors before the stop */
};

/* An attribute's value as the tree would hold it (collect_text of its
 * children): libxml2 hands a streamed value with "&#38;" for an
 * ampersand and "&name;" for a reference to a declared entity, which the
 * tree keeps as a node that text collection skips. */
static char *
attr_text (const xml_attr *a)
{
	GString *s = g_string_sized_new (a->len + 1);
	const char *v = (const char *) a->value, *end = v + a->len;
	while (v < end) {
		const char *amp = a->escaped ? memchr (v, '&', (gsize) (end - v)) : NULL;
		if (!amp) {
			g_string_append_len (s, v, end - v);
			break;
		}
		g_string_append_len (s, v, amp - v);
		const char *semi = memchr (amp, ';', (gsize) (end - amp));
		if (!semi) {
			g_string_append_len (s, amp, end - amp);
			break;
		}
		if (amp[1] == '#') {
			gboolean hex = amp + 2 < semi && (amp[2] == 'x' || amp[2] == 'X');
			g_autofree char *digits = g_strndup (amp + (hex ? 3 : 2), semi - amp - (hex ? 3 : 2));
			char *stop = NULL;
			guint64 c = g_ascii_strtoull (digits, &stop, hex ? 16 : 10);
			if (stop && *stop == '\0' && *digits && c > 0 && c <= 0x10FFFF && g_unichar_validate ((gunichar) c))
				g_string_append_unichar (s, (gunichar) c);
		}
		/* a reference to an entity: a node of its own in the tree, not text */
		v = semi + 1;
	}
	char *valid = g_utf8_make_valid (s->str, (gssize) s->len);
	g_string_free (s, TRUE);
	return valid;
}

/* The reader has all it wants: the parse ends here, and only the errors
 * met so far count (the rest of the part is not read). */
static void
sax_stop (xmlParserCtxtPtr ctxt, xml_events *ev)
{
	ev->malformed_at_stop = !ctxt->wellFormed;
	xmlStopParser (ctxt);
}

static void
sax_start (void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
           int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
           const xmlChar **attributes)
{
	(void) prefix; (void) nb_namespaces; (void) namespaces; (void) nb_defaulted;
	xmlParserCtxtPtr ctxt = ctx;
	xml_events *ev = ctxt->_private;
	ev->depth++;
	xml_attr few[16];
	guint n = nb_attributes > 0 ? (guint) nb_attributes : 0;
	xml_attr *attrs = n <= G_N_ELEMENTS (few) ? few : g_new (xml_attr, n);
	for (guint i = 0; i < n; i++)
		attrs[i] = (xml_attr) { attributes[5 * i], attributes[5 * i + 2], attributes[5 * i + 3],
		                        (gsize) (attributes[5 * i + 4] - attributes[5 * i + 3]), TRUE };
	ev->start (ev, uri, local, attrs, n);
	if (attrs != few)
		g_free (attrs);
	if (ev->stop)
		sax_stop (ctxt, ev);
}

static void
sax_end (void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	(void) local; (void) prefix; (void) uri;
	xmlParserCtxtPtr ctxt = ctx;
	xml_events *ev = ctxt->_private;
	ev->end (ev);
	ev->depth--;
	if (ev->stop)
		sax_stop (ctxt, ev);
}

static void
sax_text (void *ctx, const xmlChar *text, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	xml_events *ev = ctxt->_private;
	if (len > 0 && !ev->stop)
		ev->text (ev, (const char *) text, (gsize) len);
}

/* Parses @data: into a tree returned (@ev NULL), or as events to @ev
 * (returns NULL; *readable tells whether anything was read).  Problems
 * are the document's either way. */
static xmlDoc *
xml_run (mh_document *doc, const guint8 *data, gsize len, const char *part_name, xml_events *ev,
         gboolean *readable)
{
	if (readable)
		*readable = FALSE;
	if (len > G_MAXINT) {
		_mh_document_add_problem (doc, "%s: XML part too large to parse", part_name);
		return NULL;
	}
	xmlParserCtxt *ctxt = xmlNewParserCtxt ();
	if (!ctxt) {
		_mh_document_add_problem (doc, "%s: the XML parser could not be created", part_name);
		return NULL;
	}
	ctxt->sax->serror = xml_silence;
	ctxt->sax->resolveEntity = xml_refuse_entity;
	ctxt->sax->externalSubset = NULL;
	if (ev) {
		/* no tree: the document node is still made, for the DTD check */
		ctxt->_private = ev;
		ctxt->sax->startElementNs = sax_start;
		ctxt->sax->endElementNs = sax_end;
		ctxt->sax->characters = sax_text;
		ctxt->sax->ignorableWhitespace = sax_text;
		ctxt->sax->cdataBlock = sax_text;
		ctxt->sax->reference = NULL;
		ctxt->sax->comment = NULL;
		ctxt->sax->processingInstruction = NULL;
	}
	/* Some errors (encoding conversion, I/O) are raised without the
	 * context and go to libxml2's global handlers, which print: silence
	 * those for the parse and put them back. */
	xmlStructuredErrorFunc old_structured = xmlStructuredError;
	void *old_structured_context = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_generic_context = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc (NULL, xml_silence);
	xmlSetGenericErrorFunc (NULL, xml_silence_generic);
	xmlDoc *xml = xmlCtxtReadMemory (ctxt, (const char *) data, (int) len, NULL, NULL,
	                                 SAFE_XML_OPTIONS);
	xmlSetStructuredErrorFunc (old_structured_context, old_structured);
	xmlSetGenericErrorFunc (old_generic_context, old_generic);
	/* a reader that stopped early stopped the parser, which is no error */
	gboolean malformed = ev && ev->stop ? ev->malformed_at_stop : !ctxt->wellFormed;
	if (malformed || !xml) {
		const char *why = ctxt->lastError.message ? ctxt->lastError.message : "unknown error";
		g_autofree char *msg = clip_text (why, 200);
		g_strchomp (msg);
		if (xml)
			_mh_document_add_problem (doc, "%s: malformed XML (%s); read what could be recovered",
			                          part_name, msg);
		else
			_mh_document_add_problem (doc, "%s: not readable as XML (%s)", part_name, msg);
	}
	if (xml && xml->intSubset)
		_mh_document_add_problem (doc, "%s: has a DTD (Office XML has none); its entities are not expanded",
		                          part_name);
	xmlFreeParserCtxt (ctxt);
	if (ev) {
		if (readable)
			*readable = xml != NULL;
		g_clear_pointer (&xml, xmlFreeDoc);
	}
	return xml;
}

static xmlDoc *
xml_parse (mh_document *doc, const guint8 *data, gsize len, const char *part_name)
{
	return xml_run (doc, data, len, part_name, NULL, NULL);
}

/* strcmp (@name, @literal) == 0 with the first bytes compared here: the
 * streamed readers ask several names of every element, and most differ
 * there. */
static inline gboolean
name_is (const char *name, const char *literal)
{
	return name[0] == literal[0] && strcmp (name, literal) == 0;
}

static gboolean
uri_in (const xmlChar *uri, const char *const *set)
{
	if (!uri)
		return FALSE;
	for (guint i = 0; set[i]; i++)
		if (strcmp ((const char *) uri, set[i]) == 0)
			return TRUE;
	return FALSE;
}

/* A tree's namespace in @set (any namespace when @set is NULL). */
static gboolean
ns_in (const xmlNs *ns, const char *const *set)
{
	return !set || (ns && uri_in (ns->href, set));
}

/* An element with local name @local in one of the namespaces @set (any
 * namespace when @set is NULL). */
static gboolean
is_element (const xmlNode *node, const char *local, const char *const *set)
{
	return node && node->type == XML_ELEMENT_NODE && node->name &&
	       strcmp ((const char *) node->name, local) == 0 && ns_in (node->ns, set);
}

/* Text of a node's children: text and CDATA only, so that entity
 * references are never expanded; elements below are walked to a bounded
 * depth.  At most @max bytes are appended. */
static void
collect_text (const xmlNode *first, GString *out, gsize max, int depth)
{
	for (const xmlNode *c = first; c; c = c->next) {
		if (out->len >= max)
			return;
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			gsize n = strlen ((const char *) c->content);
			g_string_append_len (out, (const char *) c->content, (gssize) MIN (n, max - out->len));
		} else if (c->type == XML_ELEMENT_NODE && depth < MAX_TEXT_DEPTH) {
			collect_text (c->children, out, max, depth + 1);
		}
	}
}

static char *
node_text (const xmlNode *node, gsize max)
{
	GString *s = g_string_new (NULL);
	collect_text (node->children, s, max, 0);
	/* libxml2 gives UTF-8; only a cut at @max may spoil it */
	if (mh_utf8_validate (s->str, s->len))
		return g_string_free (s, FALSE);
	char *valid = g_utf8_make_valid (s->str, (gssize) s->len);
	g_string_free (s, TRUE);
	return valid;
}

/* The value of attribute @local in one of the namespaces @set (or without
 * a namespace when @set is NULL), or NULL. */
static char *
attr_value (const xmlNode *node, const char *local, const char *const *set)
{
	for (const xmlAttr *a = node->properties; a; a = a->next) {
		if (!a->name || strcmp ((const char *) a->name, local) != 0)
			continue;
		if (set ? !ns_in (a->ns, set) : a->ns != NULL)
			continue;
		GString *s = g_string_new (NULL);
		collect_text (a->children, s, 65536, MAX_TEXT_DEPTH);
		char *valid = g_utf8_make_valid (s->str, (gssize) s->len);
		g_string_free (s, TRUE);
		return valid;
	}
	return NULL;
}

/* An attribute by local name whatever its namespace (used where Office
 * itself is lenient or where no other attribute has the name). */
static char *
attr_any (const xmlNode *node, const char *local)
{
	for (const xmlAttr *a = node->properties; a; a = a->next)
		if (a->name && strcmp ((const char *) a->name, local) == 0) {
			GString *s = g_string_new (NULL);
			collect_text (a->children, s, 65536, MAX_TEXT_DEPTH);
			char *valid = g_utf8_make_valid (s->str, (gssize) s->len);
			g_string_free (s, TRUE);
			return valid;
		}
	return NULL;
}

/* Document order over elements, without recursion and without entering
 * entity references (their children belong to the entity). */
static xmlNode *
tree_next (xmlNode *node, const xmlNode *top)
{
	if (node->type == XML_ELEMENT_NODE && node->children)
		return node->children;
	while (node && node != top) {
		if (node->next)
			return node->next;
		node = node->parent;
	}
	return NULL;
}

/* -- reading parts --------------------------------------------------------- */

/* The bytes of a part, at most max_stream_size, counted against a budget
 * for the whole package so that a ZIP bomb cannot make us inflate more
 * than max_document_size in total. */
static GBytes *
part_read (package *pkg, package_part *part)
{
	if (part->data)
		return g_bytes_ref (part->data);
	if (!part->input)
		return NULL;
	if (pkg->budget_spent)
		return NULL;
	gsize max = pkg->options->limits.max_stream_size;
	gsize left = pkg->options->limits.max_document_size > pkg->bytes_read ?
	             pkg->options->limits.max_document_size - pkg->bytes_read : 0;
	gboolean over_budget = FALSE;
	if (left < max) {
		max = left;
		over_budget = TRUE;
	}
	if (gsf_input_seek (part->input, 0, G_SEEK_SET)) {
		_mh_document_add_problem (pkg->doc, "%s: could not be read", part->name);
		return NULL;
	}
	gboolean truncated = FALSE;
	GBytes *bytes = _mh_gsf_read_all (part->input, max, &truncated);
	pkg->bytes_read += g_bytes_get_size (bytes);
	if (truncated && over_budget) {
		pkg->budget_spent = TRUE;
		_mh_document_add_problem (pkg->doc, "the package's parts add up to more than %" G_GSIZE_FORMAT
		                          " bytes: %s and the parts after it are not read",
		                          pkg->options->limits.max_document_size, part->name);
		g_bytes_unref (bytes);
		return NULL;
	}
	if (truncated)
		_mh_document_add_problem (pkg->doc, "%s: larger than %" G_GSIZE_FORMAT " bytes, only the start is read",
		                          part->name, max);
	return bytes;
}

/* The first bytes of a part (to recognise OLE2 by content). */
static gsize
part_head (package_part *part, guint8 *buf, gsize want)
{
	if (part->data) {
		gsize n = MIN (want, g_bytes_get_size (part->data));
		memcpy (buf, g_bytes_get_data (part->data, NULL), n);
		return n;
	}
	if (!part->input || gsf_input_seek (part->input, 0, G_SEEK_SET))
		return 0;
	gsf_off_t size = gsf_input_size (part->input);
	gsize n = size < 0 ? 0 : MIN (want, (gsize) size);
	if (n == 0 || !gsf_input_read (part->input, n, buf))
		return 0;
	return n;
}

/* A parsed XML part: the tree is owned when it was parsed from bytes,
 * borrowed from the Flat OPC file otherwise. */
typedef struct {
	xmlDoc  *owned;
	xmlNode *root;
} xml_part;

/* What a part is read from: the tree a Flat OPC file already holds, or
 * its bytes; FALSE when neither can be had. */
static gboolean
part_source (package *pkg, package_part *part, xmlNode **tree, GBytes **bytes)
{
	*tree = part->xml;
	*bytes = NULL;
	if (*tree)
		return TRUE;
	*bytes = part_read (pkg, part);
	return *bytes != NULL;
}

static gboolean
part_xml (package *pkg, package_part *part, xml_part *out)
{
	out->owned = NULL;
	out->root = NULL;
	g_autoptr (GBytes) bytes = NULL;
	if (!part_source (pkg, part, &out->root, &bytes))
		return FALSE;
	if (out->root)
		return TRUE;
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	out->owned = xml_parse (pkg->doc, data, len, part->name);
	if (out->owned)
		out->root = xmlDocGetRootElement (out->owned);
	if (!out->root) {
		g_clear_pointer (&out->owned, xmlFreeDoc);
		return FALSE;
	}
	return TRUE;
}

static void
xml_part_clear (xml_part *xp)
{
	g_clear_pointer (&xp->owned, xmlFreeDoc);
	xp->root = NULL;
}

/* The events of a tree (a Flat OPC part), as a stream of it would give. */
static void
events_from_tree (xmlNode *root, xml_events *ev)
{
	xmlNode *n = root;
	while (n && !ev->stop) {
		gboolean down = FALSE;
		if (n->type == XML_ELEMENT_NODE) {
			ev->depth++;
			guint count = 0;
			for (xmlAttr *a = n->properties; a; a = a->next)
				count++;
			g_autofree xml_attr *attrs = g_new0 (xml_attr, MAX (count, 1));
			g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
			guint k = 0;
			for (xmlAttr *a = n->properties; a; a = a->next, k++) {
				GString *v = g_string_new (NULL);
				collect_text (a->children, v, 65536, MAX_TEXT_DEPTH);
				attrs[k] = (xml_attr) { a->name, a->ns ? a->ns->href : NULL, (const xmlChar *) v->str,
				                        v->len, FALSE };
				g_ptr_array_add (values, g_string_free (v, FALSE));
			}
			ev->start (ev, n->ns ? n->ns->href : NULL, n->name, attrs, count);
			if (n->children && !ev->stop) {
				n = n->children;
				down = TRUE;
			} else {
				ev->end (ev);
				ev->depth--;
			}
		} else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content) {
			ev->text (ev, (const char *) n->content, strlen ((const char *) n->content));
		}
		if (down)
			continue;
		/* on to the next node, closing the elements left behind */
		while (n != root && !n->next && !ev->stop) {
			n = n->parent;
			ev->end (ev);
			ev->depth--;
		}
		if (n == root || ev->stop)
			break;
		n = n->next;
	}
}

/* Streams @part to @ev; FALSE when it could not be read at all. */
static gboolean
part_events (package *pkg, package_part *part, xml_events *ev)
{
	ev->depth = 0;
	ev->stop = FALSE;
	xmlNode *tree;
	g_autoptr (GBytes) bytes = NULL;
	if (!part_source (pkg, part, &tree, &bytes))
		return FALSE;
	if (tree) {
		events_from_tree (tree, ev);
		return TRUE;
	}
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	gboolean readable;
	xml_run (pkg->doc, data, len, part->name, ev, &readable);
	return readable;
}

/* -- ZIP walk -------------------------------------------------------------- */

static void
discard_print (const gchar *text)
{
	(void) text;
}

/* A child of a ZIP folder or OLE storage.  libgsf's gsf_infile_child_by_*
 * print a g_warning for a damaged member (fatal under G_DEBUG and in
 * tests); the class method gives us the error to report instead.  Its ZIP
 * reader also g_printerr()s a bad header's signature: that is switched
 * off for the call (mailhunt runs no threads, so nothing else is
 * silenced meanwhile). */
static GsfInput *
child_quiet (GsfInfile *dir, int i, GError **error)
{
	GsfInfileClass *klass = G_TYPE_INSTANCE_GET_CLASS (dir, GSF_INFILE_TYPE, GsfInfileClass);
	if (!klass || !klass->child_by_index)
		return NULL;
	GPrintFunc previous = g_set_printerr_handler (discard_print);
	GsfInput *child = klass->child_by_index (dir, i, error);
	g_set_printerr_handler (previous);
	return child;
}

static GsfInput *
child_by_name_quiet (GsfInfile *dir, const char *name)
{
	int n = gsf_infile_num_children (dir);
	for (int i = 0; i < n; i++) {
		const char *child_name = gsf_infile_name_by_index (dir, i);
		if (child_name && strcmp (child_name, name) == 0) {
			g_autoptr (GError) error = NULL;
			return child_quiet (dir, i, &error);
		}
	}
	return NULL;
}

static void
walk_zip (package *pkg, GsfInfile *dir, const char *prefix, int depth)
{
	int n = gsf_infile_num_children (dir);
	for (int i = 0; i < n; i++) {
		if (pkg->entries_seen >= pkg->options->limits.max_entries) {
			_mh_document_add_problem (pkg->doc, "more than %u ZIP members: the rest are not read",
			                          pkg->options->limits.max_entries);
			return;
		}
		pkg->entries_seen++;
		const char *name = gsf_infile_name_by_index (dir, i);
		g_autoptr (GError) error = NULL;
		GsfInput *child = name ? child_quiet (dir, i, &error) : NULL;
		if (!child) {
			g_autofree char *joined = g_strconcat (prefix ? prefix : "", prefix ? "/" : "", name ? name : "?", NULL);
			g_autofree char *shown = g_utf8_make_valid (joined, -1);
			g_autofree char *why = g_utf8_make_valid (error ? error->message : "no such member", -1);
			_mh_document_add_problem (pkg->doc, "ZIP member %s: not readable (%s)", shown, why);
			continue;
		}
		g_autofree char *path = prefix ? g_strconcat (prefix, "/", name, NULL) : g_strdup (name);
		if (GSF_IS_INFILE (child) && gsf_infile_num_children (GSF_INFILE (child)) >= 0) {
			if (depth >= MAX_PATH_DEPTH)
				_mh_document_add_problem (pkg->doc, "%s: folders nested deeper than %d, not read",
				                          path, MAX_PATH_DEPTH);
			else
				walk_zip (pkg, GSF_INFILE (child), path, depth + 1);
			g_object_unref (child);
			continue;
		}
		package_part *part = package_add_part (pkg, path);
		if (part)
			part->input = child;
		else
			g_object_unref (child);
	}
}

/* -- content types --------------------------------------------------------- */

static void
read_content_types (package *pkg)
{
	package_part *types = package_find (pkg, "[Content_Types].xml");
	if (!types)
		return;
	xml_part xp;
	if (!part_xml (pkg, types, &xp))
		return;
	g_autoptr (GHashTable) defaults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (xmlNode *n = xp.root->children; n; n = n->next) {
		if (is_element (n, "Default", NULL)) {
			char *ext = attr_any (n, "Extension");
			char *ct = attr_any (n, "ContentType");
			if (ext && ct) {
				char *key = g_ascii_strdown (ext, -1);
				g_free (ext);
				g_hash_table_replace (defaults, key, ct);
			} else {
				g_free (ext);
				g_free (ct);
			}
		} else if (is_element (n, "Override", NULL)) {
			g_autofree char *name = attr_any (n, "PartName");
			g_autofree char *ct = attr_any (n, "ContentType");
			g_autofree char *unescaped = name ? g_uri_unescape_string (name, NULL) : NULL;
			package_part *part = package_find (pkg, unescaped ? unescaped + (*unescaped == '/')
			                                                  : name ? name + (*name == '/') : NULL);
			if (part && ct) {
				g_free (part->content_type);
				part->content_type = g_steal_pointer (&ct);
				part->type_override = TRUE;
			}
		}
	}
	for (guint i = 0; i < pkg->parts->len; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		if (part->content_type)
			continue;
		const char *dot = strrchr (last_segment (part->name), '.');
		if (!dot)
			continue;
		g_autofree char *ext = g_ascii_strdown (dot + 1, -1);
		const char *ct = g_hash_table_lookup (defaults, ext);
		if (ct)
			part->content_type = g_strdup (ct);
	}
	xml_part_clear (&xp);
}

/* -- relationships ---------------------------------------------------------- */

typedef enum {
	TARGET_RELATIVE,  /* a plain name: Normal.dotm, ../x.xlsx */
	TARGET_LOCAL,     /* a local file: file:///C:/..., C:\..., /home/... */
	TARGET_UNC,       /* \\host\share, file://host/share */
	TARGET_REMOTE,    /* a URL: http, https, ftp, or another scheme */
} target_kind;

static target_kind
classify_target (const char *t)
{
	while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
		t++;
	if ((t[0] == '\\' || t[0] == '/') && (t[1] == '\\' || t[1] == '/'))
		return (t[2] == '/' || t[2] == '\\' || t[2] == '\0') ? TARGET_LOCAL : TARGET_UNC;
	if (has_prefix_ci (t, "file:")) {
		const char *p = t + 5;
		int slashes = 0;
		while ((*p == '/' || *p == '\\') && slashes < 4) {
			p++;
			slashes++;
		}
		if (slashes == 2 && *p && !has_prefix_ci (p, "localhost/") && !has_prefix_ci (p, "localhost\\"))
			return TARGET_UNC;
		if (slashes == 4)
			return TARGET_UNC;   /* file:////host/share */
		return TARGET_LOCAL;
	}
	/* a scheme: two or more letters before ':' (one letter is a drive) */
	gsize i = 0;
	while (g_ascii_isalpha (t[i]) || (i > 0 && (g_ascii_isdigit (t[i]) || t[i] == '+' ||
	                                            t[i] == '-' || t[i] == '.')))
		i++;
	if (t[i] == ':' && i >= 2)
		return TARGET_REMOTE;
	if (i == 1 && t[1] == ':' && (t[2] == '\\' || t[2] == '/'))
		return TARGET_LOCAL;
	if (t[0] == '/' || t[0] == '\\')
		return TARGET_LOCAL;
	return TARGET_RELATIVE;
}

/* The indicator for a remote target: its URL (the http(s) URL inside an
 * mhtml: or ms-*: wrapper when there is one) or its UNC path. */
static void
add_target_ioc (mh_document *doc, const char *target, target_kind kind, const char *location)
{
	if (kind == TARGET_UNC) {
		_mh_document_add_ioc (doc, "unc-path", target, location, NULL);
		return;
	}
	if (kind != TARGET_REMOTE)
		return;
	if (has_prefix_ci (target, "mailto:"))
		return;
	const char *p = target;
	if (!has_prefix_ci (p, "http") && !has_prefix_ci (p, "ftp")) {
		for (const char *q = target; *q; q++)
			if (has_prefix_ci (q, "http://") || has_prefix_ci (q, "https://")) {
				p = q;
				break;
			}
	}
	_mh_document_add_ioc (doc, "url", p, location, NULL);
}

static void
add_property_once (mh_document *doc, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	for (guint i = 0; i < doc->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (doc->properties, i);
		if (strcmp (p->name, name) == 0 && strcmp (p->value, value) == 0)
			return;
	}
	_mh_document_add_property (doc, name, value);
}

/* An attached template, from a relationship or Word 2003's w:attachedTemplate:
 * remote templates are fetched when the document opens (template injection). */
static void
report_template (mh_document *doc, const mh_office_options *options, const char *target,
                 const char *location)
{
	target_kind kind = classify_target (target);
	g_autofree char *shown = clip_text (target, 2048);
	if (kind == TARGET_REMOTE || kind == TARGET_UNC) {
		_mh_document_add_finding (doc, options, "doc.remote-template", MH_SEVERITY_HIGH, location, shown,
		                          "the attached template is fetched from %s when the document opens",
		                          kind == TARGET_UNC ? "a network share" : "a remote location");
		add_target_ioc (doc, shown, kind, location);
		return;
	}
	add_property_once (doc, "template", shown);
	if (kind == TARGET_LOCAL)
		_mh_document_add_finding (doc, options, "doc.external-relationship", MH_SEVERITY_INFO, location,
		                          shown, "the attached template points to a local file");
}

static void
report_external (package *pkg, const relationship *rel, const char *location)
{
	mh_document *doc = pkg->doc;
	target_kind kind = classify_target (rel->target);
	g_autofree char *shown = clip_text (rel->target, 2048);

	if (g_ascii_strcasecmp (rel->type, "attachedTemplate") == 0) {
		report_template (doc, pkg->options, rel->target, location);
		return;
	}
	if (g_ascii_strcasecmp (rel->type, "hyperlink") == 0) {
		add_target_ioc (doc, shown, kind, location);
		return;
	}
	g_autofree char *type = clip_text (rel->type, 100);
	switch (kind) {
	case TARGET_REMOTE:
	case TARGET_UNC:
		_mh_document_add_finding (doc, pkg->options, "doc.external-relationship", MH_SEVERITY_MEDIUM,
		                          location, shown, "external %s relationship to %s", type,
		                          kind == TARGET_UNC ? "a network share" : "a remote location");
		add_target_ioc (doc, shown, kind, location);
		break;
	case TARGET_LOCAL:
		_mh_document_add_finding (doc, pkg->options, "doc.external-relationship", MH_SEVERITY_INFO,
		                          location, shown, "external %s relationship points to a local file", type);
		break;
	case TARGET_RELATIVE:
		_mh_document_add_finding (doc, pkg->options, "doc.external-relationship", MH_SEVERITY_INFO,
		                          location, shown, "external %s relationship to a file beside the document",
		                          type);
		break;
	}
}

/* "word/_rels/document.xml.rels" belongs to "word/document.xml" (its
 * targets are relative to "word/"); "_rels/.rels" to the package. */
static char *
rels_source (const char *rels_name)
{
	const char *rels = strstr (rels_name, "_rels/");
	const char *last = NULL;
	while (rels) {
		last = rels;
		rels = strstr (rels + 1, "_rels/");
	}
	if (!last || !has_suffix_ci (rels_name, ".rels"))
		return NULL;
	GString *s = g_string_new_len (rels_name, last - rels_name);
	const char *file = last + strlen ("_rels/");
	g_string_append_len (s, file, (gssize) (strlen (file) - strlen (".rels")));
	return g_string_free (s, FALSE);
}

/* An internal target resolved against the source part's folder, with "."
 * and ".." segments folded ("../media/x.png" from "xl/drawings/d.xml"). */
static char *
resolve_target (const char *source, const char *target)
{
	g_autofree char *unescaped = g_uri_unescape_string (target, NULL);
	const char *t = unescaped ? unescaped : target;
	g_autofree char *joined = NULL;
	if (*t == '/') {
		joined = g_strdup (t);
	} else {
		const char *slash = strrchr (source, '/');
		g_autofree char *dir = slash ? g_strndup (source, (gsize) (slash - source)) : g_strdup ("");
		joined = g_strconcat (dir, "/", t, NULL);
	}
	char *hash = strchr (joined, '#');
	if (hash)
		*hash = '\0';
	g_auto (GStrv) segments = g_strsplit_set (joined, "/\\", -1);
	GPtrArray *kept = g_ptr_array_new ();
	for (guint i = 0; segments[i]; i++) {
		if (!*segments[i] || strcmp (segments[i], ".") == 0)
			continue;
		if (strcmp (segments[i], "..") == 0) {
			if (kept->len > 0)
				g_ptr_array_remove_index (kept, kept->len - 1);
			continue;
		}
		g_ptr_array_add (kept, segments[i]);
	}
	g_ptr_array_add (kept, NULL);
	char *resolved = g_strjoinv ("/", (char **) kept->pdata);
	g_ptr_array_free (kept, TRUE);
	return resolved;
}

static void
read_relationships (package *pkg, xmlNode *root, const char *rels_name)
{
	g_autofree char *source = rels_source (rels_name);
	if (!source)
		source = g_strdup ("");
	if (!is_element (root, "Relationships", NULL)) {
		_mh_document_add_problem (pkg->doc, "%s: not a relationships part", rels_name);
		return;
	}
	for (xmlNode *n = root->children; n; n = n->next) {
		if (!is_element (n, "Relationship", NULL))
			continue;
		if (pkg->relationships->len >= MAX_RELATIONSHIPS) {
			_mh_document_add_problem (pkg->doc, "more than %u relationships: the rest are not read",
			                          MAX_RELATIONSHIPS);
			return;
		}
		g_autofree char *type = attr_any (n, "Type");
		g_autofree char *target = attr_any (n, "Target");
		g_autofree char *mode = attr_any (n, "TargetMode");
		if (!type || !target)
			continue;
		relationship *rel = g_new0 (relationship, 1);
		rel->source = g_strdup (source);
		rel->type = g_strdup (last_segment (type));
		rel->id = attr_any (n, "Id");
		rel->target = g_steal_pointer (&target);
		rel->external = mode && g_ascii_strcasecmp (mode, "External") == 0;
		if (!rel->external)
			rel->part = resolve_target (source, rel->target);
		g_ptr_array_add (pkg->relationships, rel);
		if (rel->id) {
			char *key = g_strconcat (rel->source, "\n", rel->id, NULL);
			if (g_hash_table_contains (pkg->rel_by_id, key))
				g_free (key);
			else
				g_hash_table_insert (pkg->rel_by_id, key, rel);
		}
		if (rel->part) {
			guint role = 0;
			if (g_ascii_strcasecmp (rel->type, "vbaProject") == 0)
				role = ROLE_VBA_PROJECT;
			else if (g_ascii_strcasecmp (rel->type, "xlMacrosheet") == 0 ||
			         g_ascii_strcasecmp (rel->type, "xlIntlMacrosheet") == 0)
				role = ROLE_MACRO_SHEET;
			if (role) {
				char *key = g_ascii_strdown (rel->part, -1);
				guint old = GPOINTER_TO_UINT (g_hash_table_lookup (pkg->targeted, key));
				g_hash_table_replace (pkg->targeted, key, GUINT_TO_POINTER (old | role));
			}
		}
		if (rel->external)
			report_external (pkg, rel, rels_name);
		else if (!*source && g_ascii_strcasecmp (rel->type, "officeDocument") == 0 && !pkg->main_part)
			pkg->main_part = g_strdup (rel->part);
	}
}

void
_mh_ooxml_rels_analyse_bytes (mh_document *doc, const guint8 *data, gsize len,
                              const char *rels_name, const mh_office_options *options)
{
	package pkg;
	package_init (&pkg, doc, options);
	xmlDoc *xml = xml_parse (doc, data, len, rels_name);
	xmlNode *root = xml ? xmlDocGetRootElement (xml) : NULL;
	if (root)
		read_relationships (&pkg, root, rels_name);
	if (xml)
		xmlFreeDoc (xml);
	package_clear (&pkg);
}

/* -- the kind of package ---------------------------------------------------- */

static const char *
format_of_main_part (const char *content_type)
{
	if (!content_type)
		return NULL;
	for (guint i = 0; i < G_N_ELEMENTS (main_part_formats); i++)
		if (g_ascii_strcasecmp (content_type, main_part_formats[i].content_type) == 0)
			return main_part_formats[i].format;
	return NULL;
}

static void
refine_format (package *pkg)
{
	package_part *main_part = package_find (pkg, pkg->main_part);
	const char *format = main_part ? format_of_main_part (main_part->content_type) : NULL;
	/* without a usable officeDocument relationship: any part typed as a main part */
	for (guint i = 0; !format && i < pkg->parts->len; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		format = format_of_main_part (part->content_type);
		if (format && !pkg->main_part)
			pkg->main_part = g_strdup (part->name);
	}
	if (format)
		pkg->doc->format = format;
	else
		_mh_document_add_problem (pkg->doc, "the package's main part has no known content type");
}

/* -- metadata --------------------------------------------------------------- */

typedef struct {
	const char *element;   /* local name in the properties part */
	const char *property;  /* mh_doc_property name */
} property_map;

static const property_map core_properties[] = {
	{ "creator", "author" },
	{ "lastModifiedBy", "last-saved-by" },
	{ "created", "created" },
	{ "modified", "modified" },
	{ "title", "title" },
};
static const property_map app_properties[] = {
	{ "Application", "application" },
	{ "Template", "template" },
	{ "Company", "company" },
};
/* Word 2003 XML: o:DocumentProperties */
static const property_map office2003_properties[] = {
	{ "Author", "author" },
	{ "LastAuthor", "last-saved-by" },
	{ "Created", "created" },
	{ "LastSaved", "modified" },
	{ "Title", "title" },
	{ "Company", "company" },
	{ "Template", "template" },
};

static void
read_properties_element (mh_document *doc, xmlNode *root, const property_map *table, guint n)
{
	for (xmlNode *c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (guint i = 0; i < n; i++)
			if (strcmp ((const char *) c->name, table[i].element) == 0) {
				g_autofree char *text = node_text (c, 4096);
				g_strstrip (text);
				add_property_once (doc, table[i].property, text);
			}
	}
}

static package_part *
find_by_relationship (package *pkg, const char *source, const char *type)
{
	for (guint i = 0; i < pkg->relationships->len; i++) {
		const relationship *rel = g_ptr_array_index (pkg->relationships, i);
		if (!rel->external && strcmp (rel->source, source) == 0 &&
		    g_ascii_strcasecmp (rel->type, type) == 0)
			return package_find (pkg, rel->part);
	}
	return NULL;
}

static void
read_metadata (package *pkg)
{
	package_part *core = find_by_relationship (pkg, "", "core-properties");
	if (!core)
		core = find_by_relationship (pkg, "", "coreProperties");
	if (!core)
		core = package_find (pkg, "docProps/core.xml");
	package_part *app = find_by_relationship (pkg, "", "extended-properties");
	if (!app)
		app = find_by_relationship (pkg, "", "extendedProperties");
	if (!app)
		app = package_find (pkg, "docProps/app.xml");
	xml_part xp;
	if (core && part_xml (pkg, core, &xp)) {
		read_properties_element (pkg->doc, xp.root, core_properties, G_N_ELEMENTS (core_properties));
		xml_part_clear (&xp);
	}
	if (app && part_xml (pkg, app, &xp)) {
		read_properties_element (pkg->doc, xp.root, app_properties, G_N_ELEMENTS (app_properties));
		xml_part_clear (&xp);
	}
}

/* -- Word fields -------------------------------------------------------------- */

/* Length of the quotation mark at @p: '"' or a typographic one (Word
 * accepts both in field codes), 0 when there is none. */
static gsize
quote_len (const char *p)
{
	if (p[0] == '"')
		return 1;
	if ((guchar) p[0] == 0xE2 && (guchar) p[1] == 0x80 && ((guchar) p[2] == 0x9C || (guchar) p[2] == 0x9D))
		return 3;
	return 0;
}

/* The arguments of a field code: quoted strings and bare words (both
 * with a doubled backslash for one); switches (\d, \* MERGEFORMAT) are
 * skipped. */
static GPtrArray *
field_arguments (const char *code)
{
	GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
	const char *p = code;
	while (*p && args->len < 32) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			break;
		GString *arg = g_string_new (NULL);
		gsize q = quote_len (p);
		if (q > 0) {
			p += q;
			while (*p && quote_len (p) == 0) {
				if (p[0] == '\\' && p[1] == '\\')
					p++;
				g_string_append_c (arg, *p++);
			}
			p += quote_len (p);
			g_ptr_array_add (args, g_string_free (arg, FALSE));
			continue;
		}
		gboolean is_switch = p[0] == '\\' && p[1] && (p[2] == ' ' || p[2] == '\0');
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			if (p[0] == '\\' && p[1] == '\\')
				p++;
			g_string_append_c (arg, *p++);
		}
		if (is_switch)
			g_string_free (arg, TRUE);
		else
			g_ptr_array_add (args, g_string_free (arg, FALSE));
	}
	return args;
}

static void
field_check (package *pkg, const char *code, const char *location)
{
	mh_document *doc = pkg->doc;
	g_autoptr (GPtrArray) args = field_arguments (code);
	if (args->len == 0)
		return;
	const char *word = g_ptr_array_index (args, 0);
	g_autofree char *evidence = clip_text (code, MAX_EVIDENCE);
	g_strstrip (evidence);

	if (g_ascii_strcasecmp (word, "DDE") == 0 || g_ascii_strcasecmp (word, "DDEAUTO") == 0) {
		gboolean automatic = g_ascii_strcasecmp (word, "DDEAUTO") == 0;
		_mh_document_add_finding (doc, pkg->options, "doc.dde", MH_SEVERITY_HIGH, location, evidence,
		                          automatic ? "DDEAUTO field: asks to start a program when the document opens"
		                                    : "DDE field: asks to start a program through DDE");
		if (args->len > 1) {
			const char *program = g_ptr_array_index (args, 1);
			if (has_suffix_ci (program, ".exe"))
				_mh_document_add_ioc (doc, "executable", program, location, NULL);
		}
		for (guint i = 1; i < args->len; i++) {
			const char *a = g_ptr_array_index (args, i);
			target_kind kind = classify_target (a);
			if (kind == TARGET_REMOTE || kind == TARGET_UNC)
				add_target_ioc (doc, a, kind, location);
		}
		return;
	}
	gboolean fetches = g_ascii_strcasecmp (word, "INCLUDEPICTURE") == 0 ||
	                   g_ascii_strcasecmp (word, "INCLUDETEXT") == 0 ||
	                   g_ascii_strcasecmp (word, "IMPORT") == 0 ||
	                   g_ascii_strcasecmp (word, "LINK") == 0;
	gboolean hyperlink = g_ascii_strcasecmp (word, "HYPERLINK") == 0;
	if (!fetches && !hyperlink)
		return;
	for (guint i = 1; i < args->len; i++) {
		const char *a = g_ptr_array_index (args, i);
		target_kind kind = classify_target (a);
		if (kind != TARGET_REMOTE && kind != TARGET_UNC)
			continue;
		if (hyperlink && has_prefix_ci (a, "mailto:"))
			break;
		if (fetches) {
			g_autofree char *upper = g_ascii_strup (word, -1);
			_mh_document_add_finding (doc, pkg->options, "doc.external-field", MH_SEVERITY_MEDIUM, location,
			                          evidence, "%s field fetches %s when the document is opened or updated",
			                          upper, kind == TARGET_UNC ? "a file from a network share"
			                                                    : "content from a remote location");
		}
		g_autofree char *target = clip_text (a, 2048);
		add_target_ioc (doc, target, kind, location);
		break;
	}
}

typedef struct {
	GString  *code;
	gboolean  checked;
} open_field;

static gboolean
is_word_story (package *pkg, const package_part *part)
{
	if (pkg->main_part && g_ascii_strcasecmp (part->name, pkg->main_part) == 0)
		return part->content_type == NULL || contains_ci (part->content_type, "word") ||
		       has_prefix_ci (part->name, "word/");
	if (part->content_type && (contains_ci (part->content_type, "wordprocessingml") ||
	                           contains_ci (part->content_type, "ms-word")))
		for (guint i = 0; i < G_N_ELEMENTS (word_story_types); i++)
			if (has_suffix_ci (part->content_type, word_story_types[i]))
				return TRUE;
	/* by name, for packages with damaged content types */
	const char *base = last_segment (part->name);
	return has_prefix_ci (part->name, "word/") && has_suffix_ci (base, ".xml") &&
	       (g_ascii_strcasecmp (base, "document.xml") == 0 || has_prefix_ci (base, "header") ||
	        has_prefix_ci (base, "footer"));
}

/* -- the text a reader sees (for lure matching) ---------------------------- */

/* Hidden text this long is not a stray hidden bookmark: Emotet kept its
 * payload in white, tiny or vanished runs. */
#define HIDDEN_TEXT_MIN_CHARS  200
#define HIDDEN_EVIDENCE_CHARS  80
#define MAX_HIDDEN_KEPT        4096    /* bytes of a hidden block kept for evidence */
#define MAX_LINE_KEPT          65536   /* bytes of one paragraph gathered before it is flushed */
/* Below this many visible characters (white space aside), a Word document
 * with a picture shows little more than the picture. */
#define PICTURE_ONLY_MAX_CHARS 40

/* Appends as collect_text would: text up to MAX_TEXT_DEPTH elements below
 * the one read (@at), the whole at most max_text bytes. */
static void
append_capped (GString *out, gsize max, guint depth, guint at, const char *text, gsize len)
{
	if (at && depth - at <= MAX_TEXT_DEPTH && out->len < max)
		g_string_append_len (out, text, (gssize) MIN (len, max - out->len));
}

/* What a story's text does to the document waits in a queue until the
 * part is read: the part's fields were read first when it was a tree
 * walked twice, and their findings still come first. */
typedef struct {
	char       *text;          /* a line, or a hidden block's evidence */
	gsize       len;
	gsize       hidden_chars;  /* > 0: a doc.hidden-text finding */
	const char *why;
	const char *location;
} queued_text;

typedef struct {
	package    *pkg;
	const char *location;    /* the part being read */
	GString    *line;        /* the paragraph being gathered */
	GString    *hidden;      /* the start of the hidden block being gathered */
	gsize       hidden_chars;
	const char *hidden_why;  /* what hides the first run of the block */
	gsize       visible;     /* visible characters other than white space, all parts,
	                          * counted until PICTURE_ONLY_MAX_CHARS: the number
	                          * past it tells nothing (and counting every
	                          * character was a twentieth of reading a docx) */
	guint       pictures;    /* pictures in the main document */
	GArray     *queue;       /* of queued_text, for the part being read */
	gsize       text_len;    /* the document's text once the queue is applied ... */
	gboolean    truncated;   /* ... and whether it will have been cut */
} word_text_walk;

static void
word_text_walk_init (word_text_walk *w, package *pkg)
{
	*w = (word_text_walk) { .pkg = pkg, .line = g_string_new (NULL), .hidden = g_string_new (NULL),
	                        .queue = g_array_new (FALSE, FALSE, sizeof (queued_text)) };
}

static void
word_text_walk_clear (word_text_walk *w)
{
	g_string_free (w->line, TRUE);
	g_string_free (w->hidden, TRUE);
	g_array_unref (w->queue);
}

/* _mh_document_add_text, queued: the length the document's text will have
 * is followed here, so that reading stops where the text will be cut. */
static void
walk_add_text (word_text_walk *w, const char *text, gsize len)
{
	if (w->truncated)
		return;
	gboolean cut;
	gsize n = _mh_document_text_room (w->text_len, len, w->pkg->options, &cut);
	w->truncated = cut;
	if (n > 0 || !cut) {
		gsize added = n;
		if (!mh_utf8_validate (text, n)) {
			g_autofree char *valid = g_utf8_make_valid (text, (gssize) n);
			added = strlen (valid);
		}
		w->text_len += added + 1;
	}
	queued_text q = { .text = g_strndup (text, len), .len = len, .location = w->location };
	g_array_append_val (w->queue, q);
}

static void
walk_apply_queue (word_text_walk *w)
{
	for (guint i = 0; i < w->queue->len; i++) {
		queued_text *q = &g_array_index (w->queue, queued_text, i);
		if (q->hidden_chars)
			_mh_document_add_finding (w->pkg->doc, w->pkg->options, "doc.hidden-text", MH_SEVERITY_MEDIUM,
			                          q->location, q->text,
			                          "%" G_GSIZE_FORMAT " characters of text the reader does not see (%s): "
			                          "a place to keep a payload for the macros",
			                          q->hidden_chars, q->why);
		else
			_mh_document_add_text (w->pkg->doc, q->text, (gssize) q->len, w->pkg->options);
		g_free (q->text);
	}
	g_array_set_size (w->queue, 0);
}

static gboolean
is_off (const char *val)
{
	return val && (strcmp (val, "0") == 0 || g_ascii_strcasecmp (val, "false") == 0 ||
	               g_ascii_strcasecmp (val, "off") == 0);
}

/* The value of attribute @local in one of the namespaces @set, or NULL. */
static char *
attr_in (const xml_attr *attrs, guint n, const char *local, const char *const *set)
{
	for (guint i = 0; i < n; i++)
		if (strcmp ((const char *) attrs[i].local, local) == 0 && uri_in (attrs[i].uri, set))
			return attr_text (&attrs[i]);
	return NULL;
}

/* Why a run whose w:rPr holds @name (with @attrs) is not seen by the
 * reader, or NULL: w:vanish, a white or near-white colour (every channel
 * 0xF0 or more), a size of 2 points or less (w:sz counts half-points). */
static const char *
run_property_hides (const char *name, const xml_attr *attrs, guint n)
{
	if (!name_is (name, "vanish") && !name_is (name, "color") && !name_is (name, "sz"))
		return NULL;
	g_autofree char *val = attr_in (attrs, n, "val", word_ns);
	if (name_is (name, "vanish") && !is_off (val))
		return "w:vanish";
	if (name_is (name, "color") && val && strlen (val) == 6 && g_ascii_isxdigit (val[0])) {
		gboolean white = TRUE;
		for (int k = 0; k < 6 && white; k++)
			white = g_ascii_isxdigit (val[k]) && (k % 2 == 1 || g_ascii_xdigit_value (val[k]) == 0xF);
		if (white)
			return "white font";
	}
	if (name_is (name, "sz") && val) {
		char *end = NULL;
		guint64 half_points = g_ascii_strtoull (val, &end, 10);
		if (end != val && half_points <= 4)
			return "tiny font";
	}
	return NULL;
}

static void
flush_line (word_text_walk *w)
{
	if (w->line->len > 0)
		walk_add_text (w, w->line->str, w->line->len);
	g_string_truncate (w->line, 0);
}

/* A block of hidden runs ends: long ones are reported and left out of the
 * document's text (it is not what the reader sees).  A short block in a
 * white font goes back into the line: white on a dark shading is
 * readable (form labels, banners). */
static void
flush_hidden (word_text_walk *w)
{
	if (w->hidden_chars < HIDDEN_TEXT_MIN_CHARS && w->hidden_why && strcmp (w->hidden_why, "white font") == 0)
		g_string_append_len (w->line, w->hidden->str, (gssize) w->hidden->len);
	if (w->hidden_chars >= HIDDEN_TEXT_MIN_CHARS) {
		const char *end = w->hidden->str;
		for (int k = 0; k < HIDDEN_EVIDENCE_CHARS && *end; k++)
			end = g_utf8_next_char (end);
		g_autofree char *head = g_strndup (w->hidden->str, end - w->hidden->str);
		queued_text q = {
			.text = g_strdup_printf ("%s%s (%" G_GSIZE_FORMAT " characters)", head, *end ? "..." : "",
			                         w->hidden_chars),
			.hidden_chars = w->hidden_chars,
			.why = w->hidden_why ? w->hidden_why : "hidden",
			.location = w->location,
		};
		g_array_append_val (w->queue, q);
	}
	g_string_truncate (w->hidden, 0);
	w->hidden_chars = 0;
	w->hidden_why = NULL;
}

/* Characters of @s that are not white space (g_unichar_isspace), ASCII
 * without a call per character: counting was a twentieth of reading an
 * Office folder. */
static gsize
count_visible (const char *s)
{
	gsize n = 0;
	for (const char *p = s; *p;) {
		guchar c = (guchar) *p;
		if (c < 0x80) {
			n += !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f');
			p++;
		} else {
			n += !g_unichar_isspace (g_utf8_get_char (p));
			p = g_utf8_next_char (p);
		}
	}
	return n;
}

/* One WordprocessingML story part read as it streams, once for both what
 * it holds:
 * - its fields: w:fldSimple/@w:instr, and the w:instrText runs between
 *   w:fldChar begin and separate (or end), which Word splits over as many
 *   runs as it likes;
 * - its text: w:t of the runs, paragraphs as lines, tabs and breaks, text
 *   boxes (w:txbxContent) in place, what mc:Fallback repeats of
 *   mc:Choice left out (fields are still read there, as before), and the
 *   runs hidden by their w:rPr (which Word writes before the text).
 * A tree of document.xml took about twenty times its bytes. */
#define MAX_STORY_DEPTH 512   /* libxml2 stops at 256 without XML_PARSE_HUGE */

enum { ELEMENT_OTHER, ELEMENT_RUN, ELEMENT_PICT };

typedef struct {
	xml_events      ev;
	word_text_walk *w;
	package        *pkg;
	gboolean        main_story;
	/* fields */
	open_field      fields[MAX_FIELD_NESTING];
	guint           n_fields, overflow;
	guint           field_serial;  /* fields begun so far, to know one again */
	guint           serial[MAX_FIELD_NESTING];
	guint           instr_depth;   /* of the w:instrText being read, 0 when none */
	guint           instr_serial;  /* the field it belongs to */
	gsize           instr_room;    /* what its code may still take */
	GString        *instr;
	/* text */
	guint           skip_depth;    /* of the mc:Fallback being left out, 0 when none */
	guint           t_depth;       /* of the w:t being read, 0 when none */
	GString        *t;
	guint           rpr_depth;     /* of a run's w:rPr being read, 0 when none */
	guint8          kind[MAX_STORY_DEPTH];
	const char     *run_hidden[MAX_STORY_DEPTH];   /* of an open w:r: what hides it */
	/* the namespace of the last element's URI, known by its pointer:
	 * libxml2's dictionary gives the same pointer for a URI all through
	 * one parse (and a tree keeps one per declaration), so each is
	 * compared with the known ones once, not for every element */
	const xmlChar  *ns_uri;
	guint8          ns_kind;
} story_reader;

enum { NS_OTHER, NS_WORD, NS_COMPAT, NS_VML };

static guint8
story_ns (story_reader *r, const xmlChar *uri)
{
	if (!uri || uri != r->ns_uri) {
		r->ns_kind = uri_in (uri, word_ns) ? NS_WORD : uri_in (uri, compat_ns) ? NS_COMPAT
		             : uri_in (uri, vml_ns) ? NS_VML : NS_OTHER;
		r->ns_uri = uri;
	}
	return r->ns_kind;
}

static guint8
kind_at (const story_reader *r, guint depth)
{
	return depth > 0 && depth < MAX_STORY_DEPTH ? r->kind[depth] : ELEMENT_OTHER;
}

static void
story_field_start (story_reader *r, const char *name, const xml_attr *attrs, guint n)
{
	const char *location = r->w->location;
	if (name_is (name, "fldSimple")) {
		g_autofree char *instr = attr_in (attrs, n, "instr", word_ns);
		if (instr)
			field_check (r->pkg, instr, location);
	} else if (name_is (name, "fldChar")) {
		g_autofree char *type = attr_in (attrs, n, "fldCharType", word_ns);
		if (!type)
			return;
		if (strcmp (type, "begin") == 0) {
			if (r->n_fields < MAX_FIELD_NESTING) {
				r->fields[r->n_fields] = (open_field) { .code = g_string_new (NULL) };
				r->serial[r->n_fields++] = ++r->field_serial;
			} else {
				r->overflow++;
			}
		} else if (strcmp (type, "separate") == 0 || strcmp (type, "end") == 0) {
			gboolean end = strcmp (type, "end") == 0;
			if (r->overflow > 0) {
				if (end)
					r->overflow--;
				return;
			}
			if (r->n_fields == 0)
				return;
			open_field *f = &r->fields[r->n_fields - 1];
			if (!f->checked) {
				field_check (r->pkg, f->code->str, location);
				f->checked = TRUE;
			}
			if (end) {
				g_string_free (f->code, TRUE);
				r->n_fields--;
			}
		}
	} else if (name_is (name, "instrText") || name_is (name, "delInstrText")) {
		if (r->instr_depth || r->n_fields == 0 || r->overflow > 0 || r->fields[r->n_fields - 1].checked)
			return;
		gsize len = r->fields[r->n_fields - 1].code->len;
		if (len >= MAX_FIELD_CODE)
			return;
		r->instr_depth = r->ev.depth;
		r->instr_serial = r->serial[r->n_fields - 1];
		r->instr_room = MAX_FIELD_CODE - len;
		g_string_truncate (r->instr, 0);
	}
}

/* The w:instrText read goes to its field, if that field is still open. */
static void
story_field_instr_end (story_reader *r)
{
	r->instr_depth = 0;
	for (guint i = 0; i < r->n_fields; i++)
		if (r->serial[i] == r->instr_serial && !r->fields[i].checked)
			g_string_append_len (r->fields[i].code, r->instr->str, (gssize) r->instr->len);
}

/* Fields left open at the end of the part still count. */
static void
story_fields_finish (story_reader *r)
{
	while (r->n_fields > 0) {
		open_field *f = &r->fields[--r->n_fields];
		if (!f->checked)
			field_check (r->pkg, f->code->str, r->w->location);
		g_string_free (f->code, TRUE);
	}
}

static void
story_text_start (story_reader *r, guint8 ns, const char *name, const xml_attr *attrs, guint n)
{
	word_text_walk *w = r->w;
	guint depth = r->ev.depth;
	if (r->skip_depth || w->truncated)
		return;
	gboolean word = ns == NS_WORD;
	if (ns == NS_COMPAT && name_is (name, "Fallback")) {
		r->skip_depth = depth;
		return;
	}
	gboolean imagedata = ns == NS_VML && name_is (name, "imagedata");
	if (r->main_story && (imagedata || (word && (name_is (name, "drawing") || name_is (name, "pict")))))
		/* a w:pict holding v:imagedata counts once */
		if (!imagedata || kind_at (r, depth - 2) != ELEMENT_PICT || depth < 3)
			w->pictures++;
	if (!word)
		return;
	if (name_is (name, "p") || name_is (name, "br") || name_is (name, "cr")) {
		/* a short white block ends with its paragraph; a long hidden
		 * block may go on over several */
		if (w->hidden_chars > 0 && w->hidden_chars < HIDDEN_TEXT_MIN_CHARS &&
		    w->hidden_why && strcmp (w->hidden_why, "white font") == 0)
			flush_hidden (w);
		flush_line (w);
	} else if (name_is (name, "tab") && kind_at (r, depth - 1) == ELEMENT_RUN) {
		g_string_append_c (w->line, '\t');
	} else if (name_is (name, "t") && !r->t_depth) {
		r->t_depth = depth;
		g_string_truncate (r->t, 0);
	} else if (name_is (name, "rPr") && kind_at (r, depth - 1) == ELEMENT_RUN) {
		r->rpr_depth = depth;
	} else if (r->rpr_depth && depth == r->rpr_depth + 1 && !r->run_hidden[r->rpr_depth - 1]) {
		r->run_hidden[r->rpr_depth - 1] = run_property_hides (name, attrs, n);
	}
}

/* A w:t read to its end: its text goes to the line, or to the hidden
 * block when its run is hidden. */
static void
story_text_t_end (story_reader *r)
{
	word_text_walk *w = r->w;
	guint depth = r->t_depth;
	r->t_depth = 0;
	if (r->t->len == 0)
		return;
	/* libxml2 gives UTF-8; only a cut at max_text may spoil it */
	g_autofree char *repaired = mh_utf8_validate (r->t->str, r->t->len) ? NULL
	                            : g_utf8_make_valid (r->t->str, (gssize) r->t->len);
	const char *t = repaired ? repaired : r->t->str;
	if (!*t)
		return;
	const char *why = kind_at (r, depth - 1) == ELEMENT_RUN ? r->run_hidden[depth - 1] : NULL;
	if (why) {
		if (!w->hidden_why)
			w->hidden_why = why;
		w->hidden_chars += g_utf8_strlen (t, -1);
		if (w->hidden->len < MAX_HIDDEN_KEPT)
			g_string_append (w->hidden, t);
	} else {
		flush_hidden (w);
		if (w->visible < PICTURE_ONLY_MAX_CHARS)
			w->visible += count_visible (t);
		g_string_append (w->line, t);
		if (w->line->len > MAX_LINE_KEPT)
			flush_line (w);
	}
}

static void
story_start (xml_events *ev, const xmlChar *uri, const xmlChar *local, const xml_attr *attrs, guint n)
{
	story_reader *r = (story_reader *) ev;
	guint8 ns = story_ns (r, uri);
	gboolean word = ns == NS_WORD;
	const char *name = (const char *) local;
	if (ev->depth < MAX_STORY_DEPTH) {
		r->kind[ev->depth] = !word ? ELEMENT_OTHER
		                     : name_is (name, "r") ? ELEMENT_RUN
		                     : name_is (name, "pict") ? ELEMENT_PICT : ELEMENT_OTHER;
		r->run_hidden[ev->depth] = NULL;
	}
	if (word)
		story_field_start (r, name, attrs, n);
	story_text_start (r, ns, name, attrs, n);
}

static void
story_end (xml_events *ev)
{
	story_reader *r = (story_reader *) ev;
	if (r->instr_depth == ev->depth)
		story_field_instr_end (r);
	if (r->t_depth == ev->depth)
		story_text_t_end (r);
	if (r->rpr_depth == ev->depth)
		r->rpr_depth = 0;
	if (r->skip_depth == ev->depth)
		r->skip_depth = 0;
	if (ev->depth < MAX_STORY_DEPTH)
		r->kind[ev->depth] = ELEMENT_OTHER;
}

static void
story_text (xml_events *ev, const char *text, gsize len)
{
	story_reader *r = (story_reader *) ev;
	/* as collect_text: text up to MAX_TEXT_DEPTH elements below */
	append_capped (r->instr, r->instr_room, ev->depth, r->instr_depth, text, len);
	append_capped (r->t, r->pkg->options->limits.max_text, ev->depth, r->t_depth, text, len);
}

/* Reads one story, from @part or from @tree (Word 2003 XML); FALSE when
 * the part could not be read. */
static gboolean
read_story (package *pkg, word_text_walk *w, const char *location, gboolean main_story,
            package_part *part, xmlNode *tree)
{
	story_reader *r = g_new0 (story_reader, 1);
	r->ev = (xml_events) { .start = story_start, .end = story_end, .text = story_text };
	r->w = w;
	r->pkg = pkg;
	r->main_story = main_story;
	r->instr = g_string_new (NULL);
	r->t = g_string_new (NULL);
	w->location = location;
	w->text_len = pkg->doc->text ? pkg->doc->text->len : 0;
	w->truncated = pkg->doc->text_truncated;
	gboolean readable = TRUE;
	if (part) {
		readable = part_events (pkg, part, &r->ev);
	} else {
		r->ev.depth = 0;
		events_from_tree (tree, &r->ev);
	}
	if (readable) {
		story_fields_finish (r);
		flush_hidden (w);
		flush_line (w);
	}
	walk_apply_queue (w);
	while (r->n_fields > 0)
		g_string_free (r->fields[--r->n_fields].code, TRUE);
	g_string_free (r->instr, TRUE);
	g_string_free (r->t, TRUE);
	g_free (r);
	return readable;
}

static void
read_word_fields (package *pkg)
{
	word_text_walk w;
	word_text_walk_init (&w, pkg);
	gboolean word = FALSE;
	const char *main_location = NULL;
	/* the main document first, so that its text leads */
	for (int pass = 0; pass < 2; pass++)
		for (guint i = 0; i < pkg->parts->len; i++) {
			package_part *part = g_ptr_array_index (pkg->parts, i);
			gboolean is_main = pkg->main_part && g_ascii_strcasecmp (part->name, pkg->main_part) == 0;
			if ((pass == 0) != is_main || !is_word_story (pkg, part))
				continue;
			if (!read_story (pkg, &w, part->name, is_main, part, NULL))
				continue;
			if (is_main) {
				word = TRUE;
				main_location = part->name;
			}
		}
	/* a picture may also be a relationship of the main part only */
	for (guint i = 0; word && w.pictures == 0 && i < pkg->relationships->len; i++) {
		const relationship *rel = g_ptr_array_index (pkg->relationships, i);
		if (g_ascii_strcasecmp (rel->type, "image") == 0 &&
		    g_ascii_strcasecmp (rel->source, pkg->main_part) == 0)
			w.pictures++;
	}
	if (word && w.pictures > 0 && w.visible < PICTURE_ONLY_MAX_CHARS && !pkg->doc->text_truncated)
		_mh_document_add_finding (pkg->doc, pkg->options, "doc.picture-only", MH_SEVERITY_LOW,
		                          main_location, NULL,
		                          "the document shows %u picture%s and only %" G_GSIZE_FORMAT
		                          " characters of text: lures are often one picture telling the reader to enable content",
		                          w.pictures, w.pictures == 1 ? "" : "s", w.visible);
	word_text_walk_clear (&w);
}

/* Cell text of a workbook, streamed: the shared strings (si, children of
 * the root) and the inline strings (is) of the worksheets, each the text
 * of its t and of the t of its rich-text runs (phonetic guides, rPh, left
 * out); and the text result of a formula (c t="str": its v), which its
 * cell shows like any text. */
#define MAX_OPEN_ITEMS 8   /* string items inside string items: only in crafted files */

typedef struct {
	guint    depth;      /* of the si or is */
	guint    run_depth;  /* of its r being read, 0 when none */
	guint    t_depth;    /* of the t being read, 0 when none */
	GString *text;
} string_item;

typedef struct {
	xml_events  ev;
	package    *pkg;
	gboolean    shared;       /* sharedStrings: items are the root's si */
	string_item items[MAX_OPEN_ITEMS];
	guint       n_items;
	guint       cell_depth;   /* of an open c t="str", 0 when none */
	guint       value_depth;  /* of its v being read, 0 when none */
	GString    *value;
} cell_text_reader;

static void
cell_text_start (xml_events *ev, const xmlChar *uri, const xmlChar *local,
                 const xml_attr *attrs, guint n_attrs)
{
	cell_text_reader *r = (cell_text_reader *) ev;
	if (!uri_in (uri, sheet_ns))
		return;
	const char *name = (const char *) local;
	for (guint i = 0; i < r->n_items; i++) {
		string_item *it = &r->items[i];
		if (ev->depth == it->depth + 1 && name_is (name, "t"))
			it->t_depth = ev->depth;
		else if (ev->depth == it->depth + 1 && name_is (name, "r"))
			it->run_depth = ev->depth;
		else if (it->run_depth && ev->depth == it->run_depth + 1 && name_is (name, "t"))
			it->t_depth = ev->depth;
	}
	if (r->shared ? ev->depth == 2 && name_is (name, "si") : name_is (name, "is")) {
		if (r->n_items < MAX_OPEN_ITEMS) {
			string_item *it = &r->items[r->n_items++];
			*it = (string_item) { .depth = ev->depth, .text = it->text };
			g_string_truncate (it->text, 0);
		}
	} else if (!r->shared && name_is (name, "c") && !r->cell_depth) {
		for (guint i = 0; i < n_attrs; i++)
			if (strcmp ((const char *) attrs[i].local, "t") == 0) {
				/* the first attribute named t, in any namespace */
				g_autofree char *type = attr_text (&attrs[i]);
				if (strcmp (type, "str") == 0)
					r->cell_depth = ev->depth;
				break;
			}
	} else if (r->cell_depth && ev->depth == r->cell_depth + 1 && name_is (name, "v")) {
		r->value_depth = ev->depth;
		g_string_truncate (r->value, 0);
	}
}

static void
cell_text_end (xml_events *ev)
{
	cell_text_reader *r = (cell_text_reader *) ev;
	const mh_office_options *options = r->pkg->options;
	for (guint i = 0; i < r->n_items; i++) {
		string_item *it = &r->items[i];
		if (it->t_depth == ev->depth)
			it->t_depth = 0;
		if (it->run_depth == ev->depth)
			it->run_depth = 0;
	}
	if (r->n_items && r->items[r->n_items - 1].depth == ev->depth) {
		GString *text = r->items[--r->n_items].text;
		if (text->len > 0)
			_mh_document_add_text (r->pkg->doc, text->str, (gssize) text->len, options);
	}
	if (r->value_depth == ev->depth) {
		r->value_depth = 0;
		if (r->value->len > 0)
			_mh_document_add_text (r->pkg->doc, r->value->str, (gssize) r->value->len, options);
	}
	if (r->cell_depth == ev->depth)
		r->cell_depth = 0;
	if (r->pkg->doc->text_truncated)
		ev->stop = TRUE;
}

static void
cell_text_text (xml_events *ev, const char *text, gsize len)
{
	cell_text_reader *r = (cell_text_reader *) ev;
	gsize max = r->pkg->options->limits.max_text;
	for (guint i = 0; i < r->n_items; i++)
		append_capped (r->items[i].text, max, ev->depth, r->items[i].t_depth, text, len);
	append_capped (r->value, max, ev->depth, r->value_depth, text, len);
}

static void
read_excel_text (package *pkg)
{
	cell_text_reader r = {
		.ev = { .start = cell_text_start, .end = cell_text_end, .text = cell_text_text },
		.pkg = pkg,
		.value = g_string_new (NULL),
	};
	for (guint i = 0; i < MAX_OPEN_ITEMS; i++)
		r.items[i].text = g_string_new (NULL);
	for (guint i = 0; i < pkg->parts->len && !pkg->doc->text_truncated; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		const char *ct = part->content_type;
		gboolean strings = (ct && has_suffix_ci (ct, "spreadsheetml.sharedStrings+xml")) ||
		                   (!ct && has_suffix_ci (part->name, "sharedStrings.xml"));
		gboolean sheet = (ct && has_suffix_ci (ct, "spreadsheetml.worksheet+xml")) ||
		                 (!ct && has_prefix_ci (part->name, "xl/worksheets/") &&
		                  has_suffix_ci (part->name, ".xml"));
		if (!strings && !sheet)
			continue;
		r.shared = strings;
		r.n_items = 0;
		r.cell_depth = r.value_depth = 0;
		part_events (pkg, part, &r.ev);
	}
	for (guint i = 0; i < MAX_OPEN_ITEMS; i++)
		g_string_free (r.items[i].text, TRUE);
	g_string_free (r.value, TRUE);
}

/* Text of the slides of a presentation, and of the shapes and text boxes
 * drawn on spreadsheets (xl/drawings/): a:t, paragraphs (a:p) as lines;
 * streamed like the stories. */
typedef struct {
	xml_events  ev;
	package    *pkg;
	GString    *line;
	guint       t_depth;   /* of the a:t being read, 0 when none */
} slide_text_reader;

static void
slide_text_flush (slide_text_reader *r)
{
	if (r->line->len > 0)
		_mh_document_add_text (r->pkg->doc, r->line->str, (gssize) r->line->len, r->pkg->options);
	g_string_truncate (r->line, 0);
}

static void
slide_text_start (xml_events *ev, const xmlChar *uri, const xmlChar *local,
                  const xml_attr *attrs, guint n_attrs)
{
	(void) attrs; (void) n_attrs;
	slide_text_reader *r = (slide_text_reader *) ev;
	if (!uri_in (uri, drawing_ns))
		return;
	if (name_is ((const char *) local, "p")) {
		slide_text_flush (r);
		if (r->pkg->doc->text_truncated)
			ev->stop = TRUE;
	} else if (name_is ((const char *) local, "t") && !r->t_depth) {
		r->t_depth = ev->depth;
	}
}

static void
slide_text_end (xml_events *ev)
{
	slide_text_reader *r = (slide_text_reader *) ev;
	if (r->t_depth == ev->depth)
		r->t_depth = 0;
}

static void
slide_text_text (xml_events *ev, const char *text, gsize len)
{
	slide_text_reader *r = (slide_text_reader *) ev;
	append_capped (r->line, r->pkg->options->limits.max_text, ev->depth, r->t_depth, text, len);
}

static void
read_slide_text (package *pkg)
{
	slide_text_reader r = {
		.ev = { .start = slide_text_start, .end = slide_text_end, .text = slide_text_text },
		.pkg = pkg,
		.line = g_string_new (NULL),
	};
	for (guint i = 0; i < pkg->parts->len && !pkg->doc->text_truncated; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		if (!part->content_type ||
		    (!has_suffix_ci (part->content_type, "presentationml.slide+xml") &&
		     !has_suffix_ci (part->content_type, "officedocument.drawing+xml")))
			continue;
		r.t_depth = 0;
		if (part_events (pkg, part, &r.ev))
			slide_text_flush (&r);
		g_string_truncate (r.line, 0);
	}
	g_string_free (r.line, TRUE);
}

/* Word 2003 XML: the body, headers and text boxes are all in the one tree. */
static void
read_word2003_text (package *pkg, xmlNode *root)
{
	word_text_walk w;
	word_text_walk_init (&w, pkg);
	read_story (pkg, &w, "w:wordDocument", TRUE, NULL, root);
	if (w.pictures > 0 && w.visible < PICTURE_ONLY_MAX_CHARS && !pkg->doc->text_truncated)
		_mh_document_add_finding (pkg->doc, pkg->options, "doc.picture-only", MH_SEVERITY_LOW,
		                          "w:wordDocument", NULL,
		                          "the document shows %u picture%s and only %" G_GSIZE_FORMAT
		                          " characters of text: lures are often one picture telling the reader to enable content",
		                          w.pictures, w.pictures == 1 ? "" : "s", w.visible);
	word_text_walk_clear (&w);
}

/* -- Excel 4.0 macro sheets ----------------------------------------------- */

typedef struct {
	char *name;
	char *state;  /* "visible", "hidden", "veryHidden" */
	char *part;   /* resolved through the workbook's relationships, or NULL */
} sheet_entry;

static void
sheet_entry_free (gpointer p)
{
	sheet_entry *s = p;
	g_free (s->name);
	g_free (s->state);
	g_free (s->part);
	g_free (s);
}

static const relationship *
find_relationship_by_id (package *pkg, const char *source, const char *id)
{
	g_autofree char *key = g_strconcat (source, "\n", id, NULL);
	return g_hash_table_lookup (pkg->rel_by_id, key);
}

static gboolean
part_has_role (package *pkg, const package_part *part, guint role)
{
	g_autofree char *key = g_ascii_strdown (part->name, -1);
	return (GPOINTER_TO_UINT (g_hash_table_lookup (pkg->targeted, key)) & role) != 0;
}

/* _xlnm.Auto_Open, Auto_Open, Auto_Open2, auto_openXYZ...: Excel runs the
 * macro the name points to when the workbook opens. */
static gboolean
is_auto_open_name (const char *name)
{
	if (has_prefix_ci (name, "_xlnm."))
		name += strlen ("_xlnm.");
	return has_prefix_ci (name, "Auto_Open");
}

static void
read_workbook (package *pkg, package_part *workbook, GPtrArray *sheets)
{
	xml_part xp;
	if (!part_xml (pkg, workbook, &xp))
		return;
	for (xmlNode *n = xp.root; n; n = tree_next (n, xp.root)) {
		if (is_element (n, "sheet", sheet_ns)) {
			if (sheets->len >= MAX_SHEETS) {
				_mh_document_add_problem (pkg->doc, "%s: more than %u sheets, the rest are not read",
				                          workbook->name, MAX_SHEETS);
				continue;
			}
			sheet_entry *s = g_new0 (sheet_entry, 1);
			s->name = attr_any (n, "name");
			s->state = attr_any (n, "state");
			g_autofree char *id = attr_value (n, "id", relid_ns);
			if (!id)
				id = attr_any (n, "id");
			const relationship *rel = id ? find_relationship_by_id (pkg, workbook->name, id) : NULL;
			if (rel && rel->part)
				s->part = g_strdup (rel->part);
			g_ptr_array_add (sheets, s);
		} else if (is_element (n, "definedName", sheet_ns)) {
			g_autofree char *name = attr_any (n, "name");
			if (!name || !is_auto_open_name (name))
				continue;
			g_autofree char *ref = node_text (n, 1024);
			g_strstrip (ref);
			g_autofree char *evidence = g_strdup_printf ("%s = %s", name, ref);
			_mh_document_add_finding (pkg->doc, pkg->options, "doc.xlm-auto-open", MH_SEVERITY_HIGH,
			                          workbook->name, evidence,
			                          "defined name %s: Excel runs the macro at %s when the workbook opens",
			                          name, *ref ? ref : "(no reference)");
		}
	}
	xml_part_clear (&xp);
}

static gboolean
is_macro_sheet (package *pkg, const package_part *part)
{
	const char *ct = part->content_type;
	if (ct && (has_prefix_ci (ct, "application/vnd.ms-excel.macrosheet") ||
	           has_prefix_ci (ct, "application/vnd.ms-excel.intlmacrosheet")))
		return TRUE;
	if (part_has_role (pkg, part, ROLE_MACRO_SHEET))
		return TRUE;
	return contains_ci (part->name, "/macrosheets/") && !contains_ci (part->name, "_rels/");
}

/* "Macro1!A1: =EXEC(...)" lines for the XLM rules: the f of each c,
 * streamed. */
typedef struct {
	xml_events     ev;
	package       *pkg;
	package_part  *part;
	const char    *sheet_name;
	GString       *text;       /* the lines so far */
	guint          cell_depth; /* of the c being read, 0 when none */
	char          *cell;       /* its r */
	guint          f_depth;    /* of its f being read, 0 when none */
	GString       *formula;
} macro_sheet_reader;

static void
macro_sheet_start (xml_events *ev, const xmlChar *uri, const xmlChar *local,
                   const xml_attr *attrs, guint n_attrs)
{
	macro_sheet_reader *r = (macro_sheet_reader *) ev;
	if (!uri_in (uri, sheet_ns))
		return;
	if (name_is ((const char *) local, "c") && !r->cell_depth) {
		r->cell_depth = ev->depth;
		g_clear_pointer (&r->cell, g_free);
		for (guint i = 0; i < n_attrs && !r->cell; i++)
			if (strcmp ((const char *) attrs[i].local, "r") == 0)
				r->cell = attr_text (&attrs[i]);
	} else if (name_is ((const char *) local, "f") && r->cell_depth &&
	           ev->depth == r->cell_depth + 1 && !r->f_depth) {
		r->f_depth = ev->depth;
		g_string_truncate (r->formula, 0);
	}
}

static void
macro_sheet_end (xml_events *ev)
{
	macro_sheet_reader *r = (macro_sheet_reader *) ev;
	gsize max = r->pkg->options->limits.max_stream_size;
	if (r->f_depth == ev->depth) {
		r->f_depth = 0;
		g_autofree char *formula = g_utf8_make_valid (r->formula->str, (gssize) r->formula->len);
		if (!*formula)
			return;
		gsize before = r->text->len;
		g_string_append_printf (r->text, "%s!%s: %s%s\n", r->sheet_name, r->cell ? r->cell : "?",
		                        formula[0] == '=' ? "" : "=", formula);
		if (r->text->len > max) {
			g_string_truncate (r->text, before);
			ev->stop = TRUE;
			_mh_document_add_problem (r->pkg->doc, "%s: formulas over %" G_GSIZE_FORMAT
			                          " bytes, the rest are not read", r->part->name, max);
		}
	} else if (r->cell_depth == ev->depth) {
		r->cell_depth = 0;
		g_clear_pointer (&r->cell, g_free);
	}
}

static void
macro_sheet_text (xml_events *ev, const char *text, gsize len)
{
	macro_sheet_reader *r = (macro_sheet_reader *) ev;
	append_capped (r->formula, r->pkg->options->limits.max_stream_size, ev->depth, r->f_depth, text, len);
}

static void
read_macro_formulas (package *pkg, package_part *part, const char *sheet_name)
{
	macro_sheet_reader r = {
		.ev = { .start = macro_sheet_start, .end = macro_sheet_end, .text = macro_sheet_text },
		.pkg = pkg,
		.part = part,
		.sheet_name = sheet_name,
		.text = g_string_new (NULL),
		.formula = g_string_new (NULL),
	};
	part_events (pkg, part, &r.ev);
	if (r.text->len > 0)
		_mh_xlm_rules_apply (pkg->doc, r.text->str, r.text->len, sheet_name, pkg->options);
	g_free (r.cell);
	g_string_free (r.text, TRUE);
	g_string_free (r.formula, TRUE);
}

static void
read_excel (package *pkg)
{
	g_autoptr (GPtrArray) sheets = g_ptr_array_new_with_free_func (sheet_entry_free);
	/* the XML workbook gives the sheets' names and states and the defined
	 * names; an xlsb's binary workbook is not decoded */
	package_part *workbook = package_find (pkg, pkg->main_part);
	if (workbook && !has_suffix_ci (workbook->name, ".bin") &&
	    ((workbook->content_type && (contains_ci (workbook->content_type, "spreadsheetml") ||
	                                 contains_ci (workbook->content_type, "ms-excel"))) ||
	     has_prefix_ci (workbook->name, "xl/")))
		read_workbook (pkg, workbook, sheets);

	for (guint i = 0; i < pkg->parts->len; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		if (!is_macro_sheet (pkg, part))
			continue;
		const sheet_entry *entry = NULL;
		for (guint j = 0; j < sheets->len && !entry; j++) {
			const sheet_entry *s = g_ptr_array_index (sheets, j);
			if (s->part && g_ascii_strcasecmp (s->part, part->name) == 0)
				entry = s;
		}
		const char *name = entry && entry->name ? entry->name : part->name;
		const char *state = entry && entry->state ? entry->state : "visible";
		g_autofree char *evidence = g_strdup_printf ("%s (%s)", name, state);
		_mh_document_add_finding (pkg->doc, pkg->options, "doc.xlm-macro-sheet", MH_SEVERITY_MEDIUM,
		                          part->name, evidence, "Excel 4.0 (XLM) macro sheet '%s' (%s)", name, state);
		if (g_ascii_strcasecmp (state, "hidden") == 0 || g_ascii_strcasecmp (state, "veryHidden") == 0)
			_mh_document_add_finding (pkg->doc, pkg->options, "doc.hidden-sheet", MH_SEVERITY_MEDIUM,
			                          part->name, evidence, "the macro sheet '%s' is %s", name,
			                          g_ascii_strcasecmp (state, "veryHidden") == 0 ?
			                          "very hidden (only a macro or a file editor can show it)" : "hidden");
		gboolean binary = has_suffix_ci (part->name, ".bin") ||
		                  (part->content_type && !has_suffix_ci (part->content_type, "+xml"));
		if (binary)
			_mh_document_add_problem (pkg->doc, "%s: binary (xlsb) macro sheet: its formulas are not decoded",
			                          part->name);
		else
			read_macro_formulas (pkg, part, name);
	}
	/* a very hidden worksheet hides data a macro can use */
	for (guint j = 0; j < sheets->len; j++) {
		const sheet_entry *s = g_ptr_array_index (sheets, j);
		package_part *part = s->part ? package_find (pkg, s->part) : NULL;
		if (s->state && g_ascii_strcasecmp (s->state, "veryHidden") == 0 && part &&
		    !is_macro_sheet (pkg, part))
			_mh_document_add_finding (pkg->doc, pkg->options, "doc.hidden-sheet", MH_SEVERITY_LOW,
			                          part->name, s->name, "the sheet '%s' is very hidden",
			                          s->name ? s->name : part->name);
	}
}

/* -- VBA projects and embedded objects -------------------------------------- */

static gboolean
is_ole2_head (const guint8 *head, gsize n)
{
	return n >= 8 && memcmp (head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0;
}

static gboolean
is_vba_candidate (package *pkg, const package_part *part)
{
	/* by an Override only: docm files map every .bin (ActiveX state,
	 * printer settings, OLE objects) to the VBA type by default */
	if (part->type_override && part->content_type &&
	    g_ascii_strcasecmp (part->content_type, "application/vnd.ms-office.vbaProject") == 0)
		return TRUE;
	return part_has_role (pkg, part, ROLE_VBA_PROJECT);
}

static void
add_vba_project (package *pkg, GsfInfile *ole, const char *location)
{
	mh_vba_project *project = _mh_vba_project_read (ole, location, &pkg->options->limits);
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		if (m->kind && strcmp (m->kind, "form") == 0)
			pkg->doc->has_controls = TRUE;
	}
	g_ptr_array_add (pkg->doc->vba_projects, project);
}

static gboolean
is_embedding (const package_part *part)
{
	return contains_ci (part->name, "/embeddings/") || has_prefix_ci (part->name, "embeddings/");
}

static gboolean
is_activex (const package_part *part)
{
	return contains_ci (part->name, "/activeX/") && !contains_ci (part->name, "_rels/");
}

static void
report_embedded (package *pkg, package_part *part, GBytes *bytes, GsfInfile *ole)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	const char *base = last_segment (part->name);
	gboolean package_object = FALSE;
	if (ole) {
		g_autoptr (GsfInput) native = child_by_name_quiet (ole, "\001Ole10Native");
		package_object = native != NULL;
	}
	gboolean ole_object = has_prefix_ci (base, "oleObject") && has_suffix_ci (base, ".bin");
	mh_severity severity = (ole_object || package_object) ? MH_SEVERITY_LOW : MH_SEVERITY_INFO;
	gboolean opened = mh_office_is_document (data, len);
	_mh_document_add_finding (pkg->doc, pkg->options, "doc.embedded-object", severity, part->name, NULL,
	                          "embedded %s %s (%" G_GSIZE_FORMAT " bytes)%s",
	                          package_object ? "OLE package (a file to be opened by a click)" :
	                          ole ? "OLE object" : "object", base, len,
	                          opened ? ": analysed as a document of its own" : "");
	if (opened)
		_mh_document_add_child (pkg->doc, data, len, part->name, pkg->options);
}

/* Each part once: a VBA project (by relationship, content type or by
 * content: an OLE2 file with VBA/dir at its root), else an embedded
 * object (under embeddings/, or any other OLE2 part except an ActiveX
 * control's persisted state). */
/* Pictures (word/media/, xl/media/, ppt/media/, or any part with an
 * image content type) for fingerprints and OCR: a lure screen is one. */
static void
read_pictures (package *pkg)
{
	for (guint i = 0; i < pkg->parts->len; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		if (part->handled || part->xml)
			continue;
		gboolean image_type = part->content_type && has_prefix_ci (part->content_type, "image/");
		if (!image_type && !contains_ci (part->name, "/media/"))
			continue;
		/* by content: a JPEG's size may come after kilobytes of EXIF, so
		 * the whole part is read (within the package's budget) */
		g_autoptr (GBytes) bytes = part_read (pkg, part);
		if (!bytes)
			continue;
		part->handled = TRUE;
		gsize len;
		const guint8 *data = g_bytes_get_data (bytes, &len);
		_mh_document_add_image (pkg->doc, data, len, part->name, pkg->options);
	}
}

static void
read_binary_parts (package *pkg)
{
	for (guint i = 0; i < pkg->parts->len; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		if (part->handled || part->xml)
			continue;
		gboolean vba_candidate = is_vba_candidate (pkg, part);
		gboolean embedding = is_embedding (part);
		guint8 head[8];
		gsize n = part_head (part, head, sizeof head);
		gboolean ole2 = is_ole2_head (head, n);
		if (!vba_candidate && !embedding && !(ole2 && !is_activex (part)))
			continue;
		part->handled = TRUE;
		g_autoptr (GBytes) bytes = part_read (pkg, part);
		if (!bytes)
			continue;
		gsize len;
		const guint8 *data = g_bytes_get_data (bytes, &len);
		g_autoptr (GsfInfile) ole = NULL;
		g_autoptr (GError) error = NULL;
		g_autoptr (GsfInput) input = NULL;
		if (ole2) {
			input = gsf_input_memory_new (data, (gsf_off_t) len, FALSE);
			ole = gsf_infile_msole_new (input, &error);
		}
		gboolean has_vba = FALSE;
		if (ole) {
			g_autoptr (GsfInput) vba = child_by_name_quiet (ole, "VBA");
			g_autoptr (GsfInput) dir = vba && GSF_IS_INFILE (vba) ?
			                           child_by_name_quiet (GSF_INFILE (vba), "dir") : NULL;
			has_vba = dir != NULL;
		}
		if (has_vba || (vba_candidate && ole)) {
			add_vba_project (pkg, ole, part->name);
			continue;
		}
		if (vba_candidate) {
			g_autofree char *why = g_utf8_make_valid (error ? error->message : "", -1);
			_mh_document_add_problem (pkg->doc, "%s: the VBA project is not a readable OLE2 file%s%s",
			                          part->name, error ? ": " : "", why);
			continue;
		}
		report_embedded (pkg, part, bytes, ole);
	}
}

/* -- ActiveX and form controls -------------------------------------------- */

static const char *
control_name (const char *clsid)
{
	for (guint i = 0; i < G_N_ELEMENTS (known_controls); i++)
		if (g_ascii_strcasecmp (clsid, known_controls[i].clsid) == 0)
			return known_controls[i].name;
	return NULL;
}

static void
read_controls (package *pkg)
{
	GString *evidence = g_string_new (NULL);
	guint count = 0;
	for (guint i = 0; i < pkg->parts->len; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		gboolean activex = is_activex (part) && has_suffix_ci (part->name, ".xml");
		gboolean form = contains_ci (part->name, "/ctrlProps/") && has_suffix_ci (part->name, ".xml");
		if (!activex && !form)
			continue;
		xml_part xp;
		if (!part_xml (pkg, part, &xp))
			continue;
		g_autofree char *described = NULL;
		if (activex) {
			g_autofree char *clsid = attr_value (xp.root, "classid", activex_ns);
			if (!clsid)
				clsid = attr_any (xp.root, "classid");
			g_autofree char *persistence = attr_value (xp.root, "persistence", activex_ns);
			const char *known = clsid ? control_name (clsid) : NULL;
			g_autofree char *clipped = clsid ? clip_text (clsid, 80) : g_strdup ("(no class id)");
			described = g_strdup_printf ("%s%s%s%s%s (%s)", known ? known : "", known ? " " : "", clipped,
			                             persistence ? ", " : "", persistence ? persistence : "", part->name);
		} else {
			g_autofree char *type = attr_any (xp.root, "objectType");
			g_autofree char *macro = attr_any (xp.root, "fmlaMacro");
			g_autofree char *clipped = macro ? clip_text (macro, 200) : NULL;
			described = g_strdup_printf ("form control %s%s%s (%s)", type ? type : "(unknown type)",
			                             macro ? " runs macro " : "", macro ? clipped : "", part->name);
		}
		xml_part_clear (&xp);
		count++;
		if (count <= MAX_CONTROLS_LISTED) {
			if (evidence->len)
				g_string_append (evidence, "; ");
			g_string_append (evidence, described);
		}
	}
	if (count > 0) {
		pkg->doc->has_controls = TRUE;
		if (count > MAX_CONTROLS_LISTED)
			g_string_append_printf (evidence, "; and %u more", count - MAX_CONTROLS_LISTED);
		_mh_document_add_finding (pkg->doc, pkg->options, "doc.activex", MH_SEVERITY_INFO, NULL, evidence->str,
		                          "%u ActiveX or form control%s: their events (Click, GotFocus, ...) can run macros",
		                          count, count == 1 ? "" : "s");
	}
	g_string_free (evidence, TRUE);
}

/* -- the whole package --------------------------------------------------------- */

static void
read_relationship_parts (package *pkg)
{
	/* _rels/.rels first: its officeDocument relationship names the main part */
	package_part *package_rels = package_find (pkg, "_rels/.rels");
	xml_part xp;
	if (package_rels && part_xml (pkg, package_rels, &xp)) {
		read_relationships (pkg, xp.root, package_rels->name);
		xml_part_clear (&xp);
	}
	for (guint i = 0; i < pkg->parts->len; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		if (part == package_rels || !has_suffix_ci (part->name, ".rels") || !strstr (part->name, "_rels/"))
			continue;
		if (part_xml (pkg, part, &xp)) {
			read_relationships (pkg, xp.root, part->name);
			xml_part_clear (&xp);
		}
	}
}

/* Parts of a ZIP package or of a Flat OPC file, read the same way. */
static void
analyse_package (package *pkg, gboolean refine)
{
	read_relationship_parts (pkg);
	if (refine)
		refine_format (pkg);
	for (guint i = 0; i < pkg->parts->len && !pkg->main_part; i++) {
		package_part *part = g_ptr_array_index (pkg->parts, i);
		if (format_of_main_part (part->content_type))
			pkg->main_part = g_strdup (part->name);
	}
	read_metadata (pkg);
	read_word_fields (pkg);
	read_excel (pkg);
	read_excel_text (pkg);
	read_slide_text (pkg);
	read_binary_parts (pkg);
	read_pictures (pkg);
	read_controls (pkg);
}

void
_mh_ooxml_analyse (mh_document *doc, GsfInfile *zip, const mh_office_options *options)
{
	package pkg;
	package_init (&pkg, doc, options);
	walk_zip (&pkg, zip, NULL, 0);
	read_content_types (&pkg);
	analyse_package (&pkg, TRUE);
	package_clear (&pkg);
}

/* -- Flat OPC and Word 2003 XML ---------------------------------------------- */

/* Base64 text of an element decoded, at most max_stream_size bytes. */
static GBytes *
decode_base64_node (mh_document *doc, const xmlNode *node, const char *what,
                    const mh_office_options *options)
{
	gsize max = options->limits.max_stream_size;
	/* 4 characters make 3 bytes: read a little more text than the cap needs */
	gsize text_max = max > G_MAXSIZE / 2 ? G_MAXSIZE / 2 : max / 3 * 4 + 8;
	GString *text = g_string_new (NULL);
	collect_text (node->children, text, text_max, MAX_TEXT_DEPTH);
	gboolean truncated = text->len >= text_max;
	guint8 *out = g_malloc (text->len / 4 * 3 + 4);
	gint state = 0;
	guint save = 0;
	gsize len = g_base64_decode_step (text->str, text->len, out, &state, &save);
	g_string_free (text, TRUE);
	if (len > max) {
		len = max;
		truncated = TRUE;
	}
	if (truncated)
		_mh_document_add_problem (doc, "%s: binary data larger than %" G_GSIZE_FORMAT
		                          " bytes, only the start is read", what, max);
	return g_bytes_new_take (out, len);
}

static void
analyse_flat_opc (mh_document *doc, xmlNode *root, const mh_office_options *options)
{
	package pkg;
	package_init (&pkg, doc, options);
	doc->format = "flat-opc";
	for (xmlNode *n = root->children; n; n = n->next) {
		if (!is_element (n, "part", flat_ns))
			continue;
		if (pkg.entries_seen >= options->limits.max_entries) {
			_mh_document_add_problem (doc, "more than %u parts: the rest are not read",
			                          options->limits.max_entries);
			break;
		}
		pkg.entries_seen++;
		g_autofree char *name = attr_value (n, "name", flat_ns);
		if (!name)
			name = attr_any (n, "name");
		if (!name)
			continue;
		package_part *part = package_add_part (&pkg, name);
		if (!part) {
			_mh_document_add_problem (doc, "%s: part without a name or given twice", name);
			continue;
		}
		part->content_type = attr_value (n, "contentType", flat_ns);
		part->type_override = part->content_type != NULL;
		for (xmlNode *c = n->children; c; c = c->next) {
			if (is_element (c, "xmlData", flat_ns)) {
				for (xmlNode *e = c->children; e; e = e->next)
					if (e->type == XML_ELEMENT_NODE) {
						part->xml = e;
						break;
					}
			} else if (is_element (c, "binaryData", flat_ns) && !part->data) {
				part->data = decode_base64_node (doc, c, part->name, options);
			}
		}
	}
	analyse_package (&pkg, FALSE);
	package_clear (&pkg);
}

/* Word 2003 XML keeps binary data in w:binData: editdata.mso is an
 * ActiveMime blob with the VBA project, oledata.mso the OLE objects. */
static void
read_bindata (package *pkg, xmlNode *node)
{
	mh_document *doc = pkg->doc;
	g_autofree char *name = attr_value (node, "name", word_ns);
	if (!name)
		name = g_strdup ("binData");
	g_autoptr (GBytes) bytes = decode_base64_node (doc, node, name, pkg->options);
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	gboolean activemime = len >= 10 && memcmp (data, "ActiveMime", 10) == 0;
	if (activemime || has_suffix_ci (name, ".mso")) {
		if (!activemime && mh_office_is_document (data, len)) {
			_mh_document_add_child (doc, data, len, name, pkg->options);
			return;
		}
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) payload = _mh_activemime_decode (data, len, pkg->options->limits.max_stream_size,
		                                                     &error);
		if (!payload) {
			g_autofree char *why = g_utf8_make_valid (error ? error->message : "unknown error", -1);
			_mh_document_add_problem (doc, "%s: ActiveMime data not decoded: %s", name, why);
			return;
		}
		gsize plen;
		const guint8 *pdata = g_bytes_get_data (payload, &plen);
		_mh_document_add_child (doc, pdata, plen, name, pkg->options);
		return;
	}
	mh_image_info info;
	if (_mh_image_sniff (data, len, &info)) {
		_mh_document_add_image (doc, data, len, name, pkg->options);
		return;
	}
	if (mh_office_is_document (data, len)) {
		_mh_document_add_finding (doc, pkg->options, "doc.embedded-object", MH_SEVERITY_INFO, name, NULL,
		                          "embedded document %s (%" G_GSIZE_FORMAT " bytes): analysed as a document of its own",
		                          name, len);
		_mh_document_add_child (doc, data, len, name, pkg->options);
	}
}

static void
analyse_word2003 (mh_document *doc, xmlNode *root, const mh_office_options *options)
{
	package pkg;
	package_init (&pkg, doc, options);
	doc->format = "word2003-xml";
	GString *names = g_string_new (NULL);
	guint controls = 0;
	read_word2003_text (&pkg, root);
	for (xmlNode *n = root; n; n = tree_next (n, root)) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_element (n, "attachedTemplate", word_ns)) {
			g_autofree char *val = attr_value (n, "val", word_ns);
			if (val && *val)
				report_template (doc, options, val, "w:attachedTemplate");
		} else if (is_element (n, "binData", word_ns)) {
			read_bindata (&pkg, n);
		} else if (is_element (n, "hlink", word_ns)) {
			g_autofree char *dest = attr_value (n, "dest", word_ns);
			if (dest)
				add_target_ioc (doc, dest, classify_target (dest), "w:hlink");
		} else if (is_element (n, "DocumentProperties", NULL)) {
			read_properties_element (doc, n, office2003_properties, G_N_ELEMENTS (office2003_properties));
		} else if (is_element (n, "control", word_ns)) {
			g_autofree char *name = attr_value (n, "name", word_ns);
			g_autofree char *clipped = clip_text (name ? name : "(unnamed)", 200);
			controls++;
			if (controls <= MAX_CONTROLS_LISTED)
				g_string_append_printf (names, "%s%s", names->len ? "; " : "", clipped);
		}
	}
	if (controls > 0) {
		doc->has_controls = TRUE;
		if (controls > MAX_CONTROLS_LISTED)
			g_string_append_printf (names, "; and %u more", controls - MAX_CONTROLS_LISTED);
		_mh_document_add_finding (doc, options, "doc.activex", MH_SEVERITY_INFO, "w:control", names->str,
		                          "%u ActiveX control%s: their events (Click, GotFocus, ...) can run macros",
		                          controls, controls == 1 ? "" : "s");
	}
	g_string_free (names, TRUE);
	package_clear (&pkg);
}

void
_mh_flat_xml_analyse (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	xmlDoc *xml = xml_parse (doc, data, len, doc->name ? doc->name : "XML document");
	xmlNode *root = xml ? xmlDocGetRootElement (xml) : NULL;
	if (!root) {
		doc->format = "flat-opc";
		_mh_document_add_problem (doc, "the XML document has no root element");
	} else if (is_element (root, "package", NULL)) {
		analyse_flat_opc (doc, root, options);
	} else if (is_element (root, "wordDocument", NULL)) {
		analyse_word2003 (doc, root, options);
	} else {
		g_autofree char *rname = clip_text ((const char *) root->name, 100);
		_mh_document_add_problem (doc, "XML document with root <%s>: not a Word 2003 XML or Flat OPC file",
		                          rname);
	}
	if (xml)
		xmlFreeDoc (xml);
}

/* -- recognising Flat OPC and Word 2003 XML ----------------------------------- */

static gboolean
head_contains (const char *head, gsize n, const char *needle)
{
	gsize m = strlen (needle);
	for (gsize i = 0; i + m <= n; i++)
		if (memcmp (head + i, needle, m) == 0)
			return TRUE;
	return FALSE;
}

/* The first 4 KiB: an XML prolog (after a BOM), then either the
 * mso-application processing instruction of Word or a root element
 * pkg:package / w:wordDocument. */
gboolean
_mh_is_flat_xml (const guint8 *data, gsize len)
{
	char head[4096];
	gsize n = 0;
	if (!data || len == 0)
		return FALSE;
	gsize limit = MIN (len, sizeof head);
	if (limit >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) {
		/* UTF-16: the ASCII characters are enough to recognise the prolog */
		gboolean le = data[0] == 0xFF;
		for (gsize i = 2; i + 1 < limit; i += 2) {
			guint c = le ? data[i] | (data[i + 1] << 8) : (data[i] << 8) | data[i + 1];
			head[n++] = c < 0x80 ? (char) c : '?';
		}
	} else {
		gsize start = limit >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
		memcpy (head, data + start, limit - start);
		n = limit - start;
	}
	gsize i = 0;
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	if (i >= n || head[i] != '<')
		return FALSE;
	while (i < n) {
		if (head[i] != '<') {
			i++;
			continue;
		}
		if (i + 1 < n && head[i + 1] == '?') {
			gsize end = i + 2;
			while (end + 1 < n && !(head[end] == '?' && head[end + 1] == '>'))
				end++;
			if (head_contains (head + i, end - i, "mso-application") &&
			    head_contains (head + i, end - i, "Word.Document"))
				return TRUE;
			i = end + 2;
		} else if (i + 3 < n && memcmp (head + i, "<!--", 4) == 0) {
			gsize end = i + 4;
			while (end + 2 < n && memcmp (head + end, "-->", 3) != 0)
				end++;
			i = end + 3;
		} else if (i + 1 < n && head[i + 1] == '!') {
			while (i < n && head[i] != '>')
				i++;
		} else {
			/* the root element */
			gsize s = i + 1, e = s;
			while (e < n && head[e] != ' ' && head[e] != '>' && head[e] != '/' && head[e] != '\t' &&
			       head[e] != '\r' && head[e] != '\n')
				e++;
			const char *colon = memchr (head + s, ':', e - s);
			const char *local = colon ? colon + 1 : head + s;
			gsize local_len = (gsize) (head + e - local);
			if (local_len == strlen ("wordDocument") && memcmp (local, "wordDocument", local_len) == 0)
				return TRUE;
			if (local_len == strlen ("package") && memcmp (local, "package", local_len) == 0)
				return head_contains (head, n, "schemas.microsoft.com/office/2006/xmlPackage");
			return FALSE;
		}
	}
	return FALSE;
}
