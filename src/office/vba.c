/* VBA projects (MS-OVBA): the dir stream that lists the modules, the
 * PROJECT stream that tells a class from a document module or a form, and
 * the compressed source of each module.
 *
 * Everything here is untrusted: every record length is checked against
 * what is left, unknown records are skipped, and the caps of
 * mh_office_limits bound every stream read and every source decompressed.
 * What goes wrong becomes a line in project->problems; reading goes on
 * with what was recovered: a wrong MODULEOFFSET is repaired by searching
 * the module stream for its source.  The compiled code of each module is
 * compared with its source to see VBA stomping (see "VBA stomping"). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "office-private.h"
#include "mailhunt/text.h"

/* dir stream record ids (MS-OVBA 2.3.4.2) that the reader looks at; the
 * others are skipped by their size */
enum {
	REC_PROJECTVERSION = 0x0009,
	REC_PROJECTCODEPAGE = 0x0003,
	REC_PROJECTNAME = 0x0004,
	REC_PROJECTMODULES = 0x000F,
	REC_DIR_TERMINATOR = 0x0010,
	REC_MODULENAME = 0x0019,
	REC_MODULESTREAMNAME = 0x001A,
	REC_MODULESTREAMNAMEUNICODE = 0x0032,
	REC_MODULENAMEUNICODE = 0x0047,
	REC_MODULEOFFSET = 0x0031,
	REC_MODULETYPE_PROCEDURAL = 0x0021,
	REC_MODULETYPE_OTHER = 0x0022,
	REC_MODULE_TERMINATOR = 0x002B,
};

/* PROJECTVERSION's size field says 4 but 6 bytes follow it (2.3.4.2.1.11). */
#define PROJECTVERSION_DATA 6
/* Source recovery (offset repair) looks at this many candidates at most. */
#define MAX_REPAIR_CANDIDATES 20000
/* Every module's source starts with its name attribute. */
#define SOURCE_START "Attribute VB_Name"

static void
add_problem (GPtrArray *problems, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (GPtrArray *problems, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_ptr_array_add (problems, g_strdup_vprintf (fmt, ap));
	va_end (ap);
}

/* -- text ----------------------------------------------------------------- */

static const char *
codepage_charset (guint codepage)
{
	switch (codepage) {
	case 10000: return "MACINTOSH";
	case 10007: return "MACCYRILLIC";
	case 65001: return "UTF-8";
	case 1200: return "UTF-16LE";
	case 20127: return "ASCII";
	case 28591: return "ISO-8859-1";
	case 932: return "CP932";
	case 936: return "CP936";
	case 949: return "CP949";
	case 950: return "CP950";
	default: return NULL;
	}
}

static void
append_replacement (GString *out)
{
	g_string_append (out, "\xEF\xBF\xBD");
}

/* UTF-16LE with unpaired surrogates and an odd last byte replaced. */
static char *
utf16le_to_utf8 (const guint8 *data, gsize len, gsize *out_len)
{
	GString *out = g_string_sized_new (len / 2 + 1);
	gsize i = 0;
	while (i + 1 < len) {
		gunichar u = data[i] | (gunichar) data[i + 1] << 8;
		i += 2;
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < len) {
			gunichar low = data[i] | (gunichar) data[i + 1] << 8;
			if (low >= 0xDC00 && low <= 0xDFFF) {
				i += 2;
				g_string_append_unichar (out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
				continue;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF)
			append_replacement (out);
		else
			g_string_append_unichar (out, u);
	}
	if (i < len)
		append_replacement (out);
	if (out_len)
		*out_len = out->len;
	return g_string_free (out, FALSE);
}

/* Converts with iconv, replacing what does not convert byte by byte, so
 * that a wrong code page or a damaged stream never loses the rest. */
static char *
convert_with_replacement (const guint8 *data, gsize len, const char *charset, gsize *out_len)
{
	gboolean owned;
	GIConv cd = mh_text_converter_get (charset, &owned);
	if (cd == (GIConv) -1)
		cd = mh_text_converter_get ("CP1252", &owned);
	if (cd == (GIConv) -1) {
		/* no iconv at all: keep ASCII */
		GString *out = g_string_sized_new (len + 1);
		for (gsize i = 0; i < len; i++) {
			if (data[i] < 0x80)
				g_string_append_c (out, (char) data[i]);
			else
				append_replacement (out);
		}
		if (out_len)
			*out_len = out->len;
		return g_string_free (out, FALSE);
	}
	GString *out = g_string_sized_new (len + len / 4 + 16);
	char buf[4096];
	char *in = (char *) data;
	gsize in_left = len;
	while (in_left > 0) {
		char *o = buf;
		gsize o_left = sizeof buf;
		gsize r = g_iconv (cd, &in, &in_left, &o, &o_left);
		g_string_append_len (out, buf, (gssize) (o - buf));
		if (r != (gsize) -1)
			break;
		if (errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL (cut at the end): one byte becomes U+FFFD */
		append_replacement (out);
		in++;
		in_left--;
		g_iconv (cd, NULL, NULL, NULL, NULL);
	}
	mh_text_converter_put (cd, owned);
	if (out_len)
		*out_len = out->len;
	return g_string_free (out, FALSE);
}

/* A NUL inside the text would hide what follows it from every reader
 * that takes the text as a C string (an evasion): it becomes U+FFFD. */
static char *
replace_nuls (char *text, gsize *len)
{
	if (strlen (text) == *len)
		return text;
	GString *out = g_string_sized_new (*len + 16);
	for (gsize i = 0; i < *len; i++) {
		if (text[i])
			g_string_append_c (out, text[i]);
		else
			append_replacement (out);
	}
	g_free (text);
	*len = out->len;
	return g_string_free (out, FALSE);
}

/* The code pages of one byte per character that VBA projects name: each
 * byte converts alone, whatever stands around it.  Not 1255 and 1258:
 * glibc composes a letter with the accent after it there. */
static gboolean
is_single_byte_codepage (guint codepage)
{
	return (codepage >= 1250 && codepage <= 1257 && codepage != 1255) || codepage == 874 ||
	       codepage == 10000 ||
	       codepage == 10007 || codepage == 28591 || codepage == 20127;
}

/* What each byte of a single-byte code page becomes, made once per code
 * page by converting the byte alone as convert_with_replacement does: a
 * module's source went through iconv in 4 KiB pieces, and that call cost
 * more than reading the code. */
typedef struct {
	guint8 len[256];
	char   utf8[256][4];
} byte_table;

static const byte_table *
single_byte_table (guint codepage)
{
	/* one process reads one document at a time: no lock.  A code page
	 * whose bytes do not convert one by one is kept as NULL, so that it is
	 * not tried again for every module */
	static GHashTable *tables;
	if (!tables)
		tables = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
	gpointer known;
	if (g_hash_table_lookup_extended (tables, GUINT_TO_POINTER (codepage), NULL, &known))
		return known;
	byte_table *t = g_new0 (byte_table, 1);
	const char *charset = codepage_charset (codepage);
	g_autofree char *cp = charset ? NULL : g_strdup_printf ("CP%u", codepage);
	for (guint b = 0; b < 256; b++) {
		guint8 byte = (guint8) b;
		gsize n = 0;
		g_autofree char *u = convert_with_replacement (&byte, 1, charset ? charset : cp, &n);
		/* a byte that made more than one character is left to iconv */
		if (n > 4 || (n > 0 && (gsize) g_utf8_skip[(guchar) u[0]] != n && b != 0)) {
			g_free (t);
			t = NULL;
			break;
		}
		t->len[b] = (guint8) n;
		memcpy (t->utf8[b], u, n);
	}
	g_hash_table_insert (tables, GUINT_TO_POINTER (codepage), t);
	return t;
}

static char *
convert_single_byte (const byte_table *t, const guint8 *data, gsize len, gsize *out_len)
{
	char *out = g_malloc (len * 4 + 1), *o = out;
	for (gsize i = 0; i < len; i++) {
		guint8 b = data[i];
		if (t->len[b] == 1) {   /* ASCII, mostly */
			*o++ = t->utf8[b][0];
			continue;
		}
		memcpy (o, t->utf8[b], t->len[b]);
		o += t->len[b];
	}
	*o = '\0';
	*out_len = (gsize) (o - out);
	return g_realloc (out, *out_len + 1);
}

char *
_mh_vba_codepage_to_utf8 (const guint8 *data, gsize len, guint codepage, gsize *out_len)
{
	gsize n = 0;
	char *text;
	const byte_table *table = is_single_byte_codepage (codepage) ? single_byte_table (codepage) : NULL;
	if (codepage == 1200) {
		text = utf16le_to_utf8 (data, len, &n);
	} else if (table) {
		text = convert_single_byte (table, data, len, &n);
	} else {
		const char *charset = codepage_charset (codepage);
		g_autofree char *cp = charset ? NULL : g_strdup_printf ("CP%u", codepage);
		text = convert_with_replacement (data, len, charset ? charset : cp, &n);
	}
	text = replace_nuls (text, &n);
	if (out_len)
		*out_len = n;
	return text;
}

/* A name for the report: NULs and control characters would only confuse. */
static char *
name_from_bytes (const guint8 *data, gsize len, guint codepage, gboolean unicode)
{
	char *s = unicode ? utf16le_to_utf8 (data, len, NULL)
	                  : _mh_vba_codepage_to_utf8 (data, len, codepage, NULL);
	for (char *p = s; *p; p++)
		if ((guchar) *p < 0x20)
			*p = '?';
	return s;
}

/* -- the dir stream ------------------------------------------------------- */

static void
dir_module_free (gpointer p)
{
	mh_vba_dir_module *m = p;
	g_free (m->name);
	g_free (m->stream);
	g_free (m->stream_mbcs);
	g_free (m);
}

void
_mh_vba_dir_free (mh_vba_dir *dir)
{
	if (!dir)
		return;
	g_free (dir->project_name);
	g_ptr_array_unref (dir->modules);
	g_ptr_array_unref (dir->problems);
	g_free (dir);
}

static guint32
read_u32 (const guint8 *p)
{
	return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* A module's unicode name is used when it decodes to something; some
 * writers leave it empty or fill it with the code-page bytes. */
static gboolean
usable_unicode_name (const guint8 *data, gsize len)
{
	if (len < 2 || len % 2)
		return FALSE;
	for (gsize i = 0; i + 1 < len; i += 2)
		if (data[i] == 0 && data[i + 1] == 0)
			return FALSE;
	return TRUE;
}

mh_vba_dir *
_mh_vba_dir_parse (const guint8 *data, gsize len, guint max_modules)
{
	mh_vba_dir *dir = g_new0 (mh_vba_dir, 1);
	dir->codepage = 1252;
	dir->modules = g_ptr_array_new_with_free_func (dir_module_free);
	dir->problems = g_ptr_array_new_with_free_func (g_free);

	mh_vba_dir_module *module = NULL;  /* the one being read, owned here */
	gboolean have_codepage = FALSE, terminated = FALSE, capped = FALSE;
	guint declared = 0;
	gsize pos = 0;
	while (pos < len) {
		if (len - pos < 6) {
			add_problem (dir->problems, "dir stream: record header cut short at offset %" G_GSIZE_FORMAT, pos);
			break;
		}
		guint id = data[pos] | (guint) data[pos + 1] << 8;
		gsize size = read_u32 (data + pos + 2);
		gsize at = pos + 6;
		if (id == REC_PROJECTVERSION)
			size = PROJECTVERSION_DATA;
		if (size > len - at) {
			add_problem (dir->problems, "dir stream: record 0x%04X at offset %" G_GSIZE_FORMAT
			             " claims %" G_GSIZE_FORMAT " bytes, only %" G_GSIZE_FORMAT " remain",
			             id, pos, size, len - at);
			break;
		}
		const guint8 *rec = data + at;
		pos = at + size;

		switch (id) {
		case REC_PROJECTCODEPAGE:
			if (size >= 2) {
				guint cp = rec[0] | (guint) rec[1] << 8;
				if (cp != 0) {
					dir->codepage = cp;
					have_codepage = TRUE;
				}
			}
			break;
		case REC_PROJECTNAME:
			if (!dir->project_name && size > 0)
				dir->project_name = name_from_bytes (rec, size, dir->codepage, FALSE);
			break;
		case REC_PROJECTMODULES:
			if (size >= 2)
				declared = rec[0] | (guint) rec[1] << 8;
			break;
		case REC_MODULENAME:
			if (module) {
				add_problem (dir->problems, "dir stream: module \"%s\" has no terminator", module->name);
				g_ptr_array_add (dir->modules, module);
				module = NULL;
			}
			if (dir->modules->len >= max_modules) {
				if (!capped)
					add_problem (dir->problems, "dir stream: more than %u modules, the rest are not read",
					             max_modules);
				capped = TRUE;
				break;
			}
			module = g_new0 (mh_vba_dir_module, 1);
			module->name = name_from_bytes (rec, size, dir->codepage, FALSE);
			module->procedural = TRUE;  /* until a MODULETYPE says otherwise */
			break;
		case REC_MODULENAMEUNICODE:
			if (module && usable_unicode_name (rec, size)) {
				g_free (module->name);
				module->name = name_from_bytes (rec, size, dir->codepage, TRUE);
			}
			break;
		case REC_MODULESTREAMNAME:
			if (module && !module->stream_mbcs) {
				module->stream_mbcs = name_from_bytes (rec, size, dir->codepage, FALSE);
				if (!module->stream)
					module->stream = g_strdup (module->stream_mbcs);
			}
			break;
		case REC_MODULESTREAMNAMEUNICODE:
			if (module && usable_unicode_name (rec, size)) {
				g_free (module->stream);
				module->stream = name_from_bytes (rec, size, dir->codepage, TRUE);
			}
			break;
		case REC_MODULEOFFSET:
			if (module && size >= 4)
				module->offset = read_u32 (rec);
			break;
		case REC_MODULETYPE_PROCEDURAL:
		case REC_MODULETYPE_OTHER:
			if (module)
				module->procedural = id == REC_MODULETYPE_PROCEDURAL;
			break;
		case REC_MODULE_TERMINATOR:
			if (module) {
				g_ptr_array_add (dir->modules, module);
				module = NULL;
			}
			break;
		case REC_DIR_TERMINATOR:
			terminated = TRUE;
			break;
		default:
			break;  /* the rest of PROJECTINFORMATION, references, ... */
		}
		if (terminated)
			break;
	}
	if (module) {
		add_problem (dir->problems, "dir stream: module \"%s\" has no terminator", module->name);
		g_ptr_array_add (dir->modules, module);
	}
	if (!terminated)
		add_problem (dir->problems, "dir stream: no terminator record");
	if (!have_codepage)
		add_problem (dir->problems, "dir stream: no PROJECTCODEPAGE, code page 1252 assumed");
	if (!capped && declared != dir->modules->len)
		add_problem (dir->problems, "dir stream: %u modules declared, %u found",
		             declared, dir->modules->len);
	/* a module without a stream name is looked up by its name */
	for (guint i = 0; i < dir->modules->len; i++) {
		mh_vba_dir_module *m = g_ptr_array_index (dir->modules, i);
		if (!m->stream)
			m->stream = g_strdup (m->name);
	}
	return dir;
}

/* -- the PROJECT stream (2.3.1): module kinds ----------------------------- */

/* "Document=ThisDocument/&H00000000", "Class=Class1", "BaseClass=UserForm1"
 * (a designer: a form), "Module=Module1".  Returns name -> static kind. */
static GHashTable *
project_kinds (const guint8 *data, gsize len, guint codepage)
{
	GHashTable *kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *text = _mh_vba_codepage_to_utf8 (data, len, codepage, NULL);
	g_auto (GStrv) lines = g_strsplit_set (text, "\r\n", -1);
	for (guint i = 0; lines[i]; i++) {
		const char *line = lines[i];
		if (line[0] == '[')
			break;  /* [Host Extender Info], [Workspace]: no more modules */
		const char *eq = strchr (line, '=');
		if (!eq)
			continue;
		g_autofree char *key = g_strndup (line, (gsize) (eq - line));
		const char *value = eq + 1;
		const char *kind = NULL;
		gsize vlen = strlen (value);
		if (g_ascii_strcasecmp (key, "Document") == 0) {
			kind = "document";
			const char *slash = strchr (value, '/');
			if (slash)
				vlen = (gsize) (slash - value);
		} else if (g_ascii_strcasecmp (key, "Class") == 0) {
			kind = "class";
		} else if (g_ascii_strcasecmp (key, "BaseClass") == 0) {
			kind = "form";
		} else if (g_ascii_strcasecmp (key, "Module") == 0) {
			kind = "standard";
		}
		if (kind)  /* VBA names compare without case */
			g_hash_table_replace (kinds, g_utf8_casefold (value, (gssize) vlen), (gpointer) kind);
	}
	return kinds;
}

/* -- module source --------------------------------------------------------- */

static void
module_free (gpointer p)
{
	mh_vba_module *m = p;
	if (!m)
		return;
	g_free (m->name);
	g_free (m->stream);
	g_free (m->source);
	g_free (m);
}

/* A child of @infile by name; OLE names compare without case. */
static GsfInput *
child_by_name (GsfInfile *infile, const char *name)
{
	if (!name || !*name)
		return NULL;
	GsfInput *child = gsf_infile_child_by_name (infile, name);
	if (child)
		return child;
	g_autofree char *folded = g_utf8_casefold (name, -1);
	int n = gsf_infile_num_children (infile);
	for (int i = 0; i < n; i++) {
		const char *other = gsf_infile_name_by_index (infile, i);
		if (!other)
			continue;
		g_autofree char *other_folded = g_utf8_casefold (other, -1);
		if (strcmp (folded, other_folded) == 0)
			return gsf_infile_child_by_index (infile, i);
	}
	return NULL;
}

static GBytes *
read_stream (GsfInfile *infile, const char *name, const mh_office_limits *limits,
             mh_vba_project *project, const char *what)
{
	g_autoptr (GsfInput) input = child_by_name (infile, name);
	if (!input) {
		add_problem (project->problems, "%s: stream \"%s\" not found", what, name ? name : "");
		return NULL;
	}
	gboolean truncated = FALSE;
	GBytes *bytes = _mh_gsf_read_all (input, limits->max_stream_size, &truncated);
	if (truncated)
		add_problem (project->problems, "%s: stream \"%s\" cut at %" G_GSIZE_FORMAT " bytes",
		             what, name, g_bytes_get_size (bytes));
	return bytes;
}

/* How a compressed source at @offset turned out. */
typedef struct {
	GByteArray *text;
	gboolean    ok;        /* decompressed without fault */
	gboolean    capped;
	char       *error;
} source_attempt;

static void
attempt_clear (source_attempt *a)
{
	if (a->text)
		g_byte_array_unref (a->text);
	g_free (a->error);
	memset (a, 0, sizeof *a);
}

static void
attempt_decompress (const guint8 *data, gsize len, gsize offset, gsize max_out, source_attempt *a)
{
	memset (a, 0, sizeof *a);
	a->text = g_byte_array_new ();
	if (offset >= len) {
		a->error = g_strdup_printf ("past the end of the %" G_GSIZE_FORMAT "-byte stream", len);
		return;
	}
	g_autoptr (GError) error = NULL;
	a->ok = _mh_ovba_decompress (data + offset, len - offset, max_out, a->text, &a->capped, &error);
	if (!a->ok)
		a->error = g_strdup (error ? error->message : "decompression failed");
}

static gboolean
starts_like_source (const GByteArray *text)
{
	gsize n = strlen (SOURCE_START);
	return text->len >= n && g_ascii_strncasecmp ((const char *) text->data, SOURCE_START, n) == 0;
}

/* What reading one project may still spend: a hostile OLE file can point
 * a thousand directory entries at the same sectors, so the caps of one
 * stream or one module are not enough. */
typedef struct {
	mh_vba_project         *project;
	const mh_office_limits *limits;
	guint                   codepage;
	GHashTable             *kinds;           /* module name -> kind, from PROJECT */
	guint                   repair_budget;   /* container starts left to try */
	gsize                   source_budget;   /* decompressed source left for the project */
	guint                   literal_budget;  /* compiled-code strings left to keep */
	GPtrArray              *literals;        /* per module: GPtrArray of folded
	                                          * strings, or NULL when not checked */
} project_reader;

/* When MODULEOFFSET is wrong (POI's 60279.doc), the compressed source is
 * found by looking for a container start (0x01, then a compressed chunk
 * header with signature 0b011) whose text begins "Attribute VB_Name".
 * Returns the offset, or -1. */
static gssize
find_source_start (project_reader *r, const guint8 *data, gsize len)
{
	for (gsize p = 0; p + 3 < len; p++) {
		if (data[p] != 0x01 || (data[p + 2] & 0xF0) != 0xB0)
			continue;
		if (r->repair_budget == 0) {
			add_problem (r->project->problems, "source search stopped after %u candidates",
			             MAX_REPAIR_CANDIDATES);
			return -1;
		}
		r->repair_budget--;
		g_autoptr (GByteArray) probe = g_byte_array_new ();
		gboolean capped;
		(void) _mh_ovba_decompress (data + p, len - p, 64, probe, &capped, NULL);
		if (starts_like_source (probe))
			return (gssize) p;
	}
	return -1;
}

/* -- VBA stomping ----------------------------------------------------------
 *
 * VBA stomping: the source of a module replaced (or emptied) while the
 * compiled p-code that Office really runs is left alone.  Without a
 * p-code disassembler, this is what is checked:
 *
 * The bytes of a module stream before MODULEOFFSET hold the compiled
 * code.  Its string literals and comments are stored there as a 16-bit
 * little-endian length followed by that many characters, so every run of
 * printable ASCII preceded by a length that fits inside it is taken as a
 * literal.  Each literal of at least MIN_LITERAL significant characters
 * must appear in the source of the project (any module), compared without
 * case, whitespace, '_' (line continuations) and '"' (doubled quotes), so
 * that formatting never counts as a difference.  The project is reported
 * stomped when one module has at least two such literals that are nowhere
 * in the source, or one when its source has no code at all (only
 * Attribute lines).  On the corpora (about 2000 literals) every literal is
 * found.
 *
 * Modules are left out of the check when their source could not be read
 * whole (decompression fault, cut at max_module_source) or their offset
 * had to be repaired (their compiled part is then unknown): damage is not
 * stomping.  Not used, because they are not reliable: the size of the
 * compiled part (Office keeps compiled code of deleted procedures: POI's
 * 15228.xls has 2.3 kB of it behind a source without code) and the
 * identifier table of _VBA_PROJECT (it keeps the names of deleted code
 * too).  The check is bounded: MAX_LITERALS literals per project, and
 * projects with more than MAX_STOMPING_SOURCE bytes of source are not
 * checked. */

#define MIN_LITERAL 6
#define MAX_LITERALS 400
#define MAX_STOMPING_SOURCE (4u << 20)

/* Folded for comparison: no whitespace, '_' or '"', lower case ASCII. */
static void
append_significant (GString *out, const char *text, gsize len)
{
	/* written in place: a call per byte of every module was 2 % of an
	 * Office-folder scan */
	gsize at = out->len;
	g_string_set_size (out, at + len);
	for (gsize i = 0; i < len; i++) {
		guchar c = (guchar) text[i];
		/* without branches: the next byte overwrites one left out */
		out->str[at] = (char) mh_ascii_lower (c);
		at += !((c == ' ') | (c == '\t') | (c == '\r') | (c == '\n') | (c == '_') | (c == '"'));
	}
	g_string_truncate (out, at);
}

/* TRUE when the source has a line that is neither blank nor an Attribute. */
static gboolean
source_has_code (const char *source, gsize len)
{
	gsize i = 0;
	while (i < len) {
		while (i < len && (source[i] == ' ' || source[i] == '\t' || source[i] == '\r' || source[i] == '\n'))
			i++;
		if (i >= len)
			break;
		if (len - i < 10 || g_ascii_strncasecmp (source + i, "Attribute ", 10) != 0)
			return TRUE;
		while (i < len && source[i] != '\r' && source[i] != '\n')
			i++;
	}
	return FALSE;
}

static gboolean
is_printable (guint8 c)
{
	return c >= 0x20 && c < 0x7F;
}

/* The length-prefixed strings of a compiled part, folded. */
static GPtrArray *
compiled_literals (project_reader *r, const guint8 *d, gsize end)
{
	GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
	for (gsize at = 2; at < end && r->literal_budget > 0;) {
		if (!is_printable (d[at]) || is_printable (d[at - 1])) {
			at++;
			continue;
		}
		gsize run = at;
		while (run < end && is_printable (d[run]))
			run++;
		gsize literal = d[at - 2] | (gsize) d[at - 1] << 8;
		if (literal >= 4 && literal <= run - at) {
			GString *want = g_string_new (NULL);
			append_significant (want, (const char *) d + at, literal);
			if (want->len >= MIN_LITERAL) {
				/* the original text, for the evidence, after a NUL */
				g_string_append_c (want, '\0');
				g_string_append_len (want, (const char *) d + at, (gssize) MIN (literal, (gsize) 80));
				g_ptr_array_add (found, g_string_free (want, FALSE));
				r->literal_budget--;
			} else {
				g_string_free (want, TRUE);
			}
		}
		at = run;
	}
	return found;
}

static void
check_stomping (project_reader *r)
{
	mh_vba_project *project = r->project;
	gsize total = 0;
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		total += m->source_len;
	}
	if (total > MAX_STOMPING_SOURCE)
		return;
	g_autoptr (GString) folded = g_string_sized_new (total + 1);
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		if (m->source)
			append_significant (folded, m->source, m->source_len);
	}
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		const GPtrArray *literals = g_ptr_array_index (r->literals, i);
		if (!literals)
			continue;
		guint missing = 0;
		const char *example = NULL;
		for (guint k = 0; k < literals->len; k++) {
			const char *want = g_ptr_array_index (literals, k);
			if (!strstr (folded->str, want)) {
				missing++;
				if (!example)
					example = want + strlen (want) + 1;
			}
		}
		gboolean code = source_has_code (m->source, m->source_len);
		if (missing >= 2 || (missing >= 1 && !code)) {
			project->stomped = TRUE;
			project->stomping_evidence = g_strdup_printf (
				"module \"%s\": %u string%s in the compiled code %s not in the source%s, "
				"e.g. \"%s\"", m->name, missing, missing == 1 ? "" : "s",
				missing == 1 ? "is" : "are", code ? "" : " (which has no code)", example);
			return;
		}
	}
}

/* -- modules --------------------------------------------------------------- */

static const char *
module_kind (project_reader *r, const mh_vba_dir_module *entry)
{
	if (entry->procedural)
		return "standard";
	g_autofree char *name = g_utf8_casefold (entry->name, -1);
	const char *kind = g_hash_table_lookup (r->kinds, name);
	if (!kind && entry->stream_mbcs) {
		g_autofree char *stream = g_utf8_casefold (entry->stream_mbcs, -1);
		kind = g_hash_table_lookup (r->kinds, stream);
	}
	/* Module= lines name standard modules: not a kind for 0x22 */
	return kind && strcmp (kind, "standard") != 0 ? kind : "class";
}

/* Reads one module; appends it and its compiled-code strings (or NULL). */
static void
read_module (project_reader *r, GsfInfile *vba, const mh_vba_dir_module *entry)
{
	mh_vba_project *project = r->project;
	mh_vba_module *module = g_new0 (mh_vba_module, 1);
	module->name = g_strdup (entry->name);
	module->stream = g_strdup (entry->stream);
	module->kind = module_kind (r, entry);
	g_ptr_array_add (project->modules, module);
	GPtrArray *literals = NULL;

	g_autoptr (GsfInput) input = child_by_name (vba, entry->stream);
	if (!input && entry->stream_mbcs)
		input = child_by_name (vba, entry->stream_mbcs);
	if (!input)
		input = child_by_name (vba, entry->name);
	if (!input) {
		add_problem (project->problems, "module \"%s\": stream \"%s\" not found",
		             module->name, entry->stream);
		g_ptr_array_add (r->literals, NULL);
		return;
	}
	if (r->source_budget == 0) {
		add_problem (project->problems, "module \"%s\": not read, the project's source "
		             "passed %" G_GSIZE_FORMAT " bytes", module->name, r->limits->max_document_size);
		g_ptr_array_add (r->literals, NULL);
		return;
	}
	gboolean cut = FALSE;
	g_autoptr (GBytes) bytes = _mh_gsf_read_all (input, r->limits->max_stream_size, &cut);
	if (cut)
		add_problem (project->problems, "module \"%s\": stream cut at %" G_GSIZE_FORMAT " bytes",
		             module->name, g_bytes_get_size (bytes));
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);

	gsize max_source = MIN (r->limits->max_module_source, r->source_budget);
	source_attempt a;
	attempt_decompress (data, len, entry->offset, max_source, &a);
	if (!a.ok || (a.text->len > 0 && !starts_like_source (a.text))) {
		gssize found = find_source_start (r, data, len);
		if (found >= 0 && (gsize) found != entry->offset) {
			add_problem (project->problems, "module \"%s\": MODULEOFFSET %u is wrong (%s); "
			             "source found at offset %" G_GSSIZE_FORMAT, module->name, entry->offset,
			             a.error ? a.error : "no source there", found);
			attempt_clear (&a);
			attempt_decompress (data, len, (gsize) found, max_source, &a);
			module->offset_repaired = TRUE;
		}
	}
	if (a.error && module->offset_repaired)
		add_problem (project->problems, "module \"%s\": source found by search: %s",
		             module->name, a.error);
	else if (a.error)
		add_problem (project->problems, "module \"%s\": source at MODULEOFFSET %u: %s",
		             module->name, entry->offset, a.error);
	if (a.capped) {
		module->truncated = TRUE;
		add_problem (project->problems, "module \"%s\": source cut at %" G_GSIZE_FORMAT " bytes",
		             module->name, max_source);
	}
	r->source_budget -= MIN (r->source_budget, (gsize) a.text->len);
	if (a.ok || a.text->len > 0)
		module->source = _mh_vba_codepage_to_utf8 (a.text->data, a.text->len, r->codepage,
		                                           &module->source_len);
	if (a.ok && !a.capped && !module->offset_repaired && module->source)
		literals = compiled_literals (r, data, MIN ((gsize) entry->offset, len));
	g_ptr_array_add (r->literals, literals);
	attempt_clear (&a);
}

/* -- the project ----------------------------------------------------------- */

static void
ptr_array_unref_maybe (gpointer p)
{
	if (p)
		g_ptr_array_unref (p);
}

mh_vba_project *
_mh_vba_project_new (const char *location)
{
	mh_vba_project *p = g_new0 (mh_vba_project, 1);
	p->location = g_strdup (location);
	p->modules = g_ptr_array_new_with_free_func (module_free);
	p->problems = g_ptr_array_new_with_free_func (g_free);
	return p;
}

mh_vba_project *
_mh_vba_project_read (GsfInfile *storage, const char *location, const mh_office_limits *limits)
{
	mh_vba_project *project = _mh_vba_project_new (location);
	g_return_val_if_fail (storage != NULL && limits != NULL, project);

	g_autoptr (GsfInput) vba_input = child_by_name (storage, "VBA");
	if (!vba_input || !GSF_IS_INFILE (vba_input)) {
		add_problem (project->problems, "no VBA storage");
		return project;
	}
	GsfInfile *vba = GSF_INFILE (vba_input);

	g_autoptr (GBytes) dir_bytes = read_stream (vba, "dir", limits, project, "VBA project");
	if (!dir_bytes)
		return project;
	gsize len;
	const guint8 *data = g_bytes_get_data (dir_bytes, &len);
	g_autoptr (GByteArray) dir_text = g_byte_array_new ();
	g_autoptr (GError) error = NULL;
	gboolean capped = FALSE;
	if (!_mh_ovba_decompress (data, len, limits->max_stream_size, dir_text, &capped, &error))
		add_problem (project->problems, "dir stream: %s", error->message);
	if (capped)
		add_problem (project->problems, "dir stream: cut at %" G_GSIZE_FORMAT " bytes",
		             limits->max_stream_size);
	if (dir_text->len == 0) {
		add_problem (project->problems, "dir stream: empty, no modules");
		return project;
	}

	mh_vba_dir *dir = _mh_vba_dir_parse (dir_text->data, dir_text->len, limits->max_modules);
	project->codepage = dir->codepage;
	project->name = g_strdup (dir->project_name);
	for (guint i = 0; i < dir->problems->len; i++)
		g_ptr_array_add (project->problems, g_strdup (g_ptr_array_index (dir->problems, i)));

	project_reader r = {
		.project = project,
		.limits = limits,
		.codepage = dir->codepage,
		.repair_budget = MAX_REPAIR_CANDIDATES,
		.source_budget = limits->max_document_size,
		.literal_budget = MAX_LITERALS,
		.literals = g_ptr_array_new_with_free_func (ptr_array_unref_maybe),
	};
	g_autoptr (GsfInput) project_input = child_by_name (storage, "PROJECT");
	if (project_input) {
		gboolean cut = FALSE;
		g_autoptr (GBytes) text = _mh_gsf_read_all (project_input, limits->max_stream_size, &cut);
		if (cut)
			add_problem (project->problems, "PROJECT stream cut at %" G_GSIZE_FORMAT " bytes",
			             g_bytes_get_size (text));
		gsize tlen;
		const guint8 *t = g_bytes_get_data (text, &tlen);
		r.kinds = project_kinds (t, tlen, dir->codepage);
	} else {
		add_problem (project->problems, "no PROJECT stream: document modules and forms "
		             "are reported as classes");
		r.kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	}

	for (guint i = 0; i < dir->modules->len; i++)
		read_module (&r, vba, g_ptr_array_index (dir->modules, i));
	check_stomping (&r);

	g_ptr_array_unref (r.literals);
	g_hash_table_unref (r.kinds);
	_mh_vba_dir_free (dir);
	return project;
}

void
_mh_vba_project_free (mh_vba_project *project)
{
	if (!project)
		return;
	g_free (project->location);
	g_free (project->name);
	g_ptr_array_unref (project->modules);
	g_ptr_array_unref (project->problems);
	g_free (project->stomping_evidence);
	g_free (project);
}
