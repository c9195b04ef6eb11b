/* OLE2 compound documents: Word 97-2003 (.doc), Excel 5-2003 (.xls),
 * PowerPoint 97-2003 (.ppt), bare VBA projects (vbaProject.bin) and
 * encrypted OOXML files (which Office wraps in an OLE2 container).
 *
 * What is read, and why:
 *  - the VBA projects (every storage with a "VBA" storage and a "PROJECT"
 *    stream), UserForms and ActiveX controls (their events run code);
 *  - Word: the FIB (encryption, which table stream), the attached template
 *    (a remote template is fetched when the document opens), and the
 *    document text through the piece table, for DDE and external fields
 *    and as the text a reader sees (lure matching), with long hidden
 *    runs (character properties) and picture-only documents reported;
 *  - Excel: a BIFF record walk for encryption, Excel 4.0 macro sheets,
 *    hidden sheets, Auto_Open names and the macro sheets' formulas, which
 *    are turned into text for the XLM keyword rules, and the cell text
 *    (SST, LABEL, RSTRING, STRING) for lure matching; a workbook encrypted
 *    with Excel's default password (VelvetSweatshop) is decrypted first;
 *  - PowerPoint: VBA projects and embedded storages (ExOleObjStg records);
 *  - property sets (author, dates, template, ...);
 *  - embedded objects (OLE1 packages, OOXML packages, embedded OLE
 *    storages), which become child documents.
 * Every length read from the file is checked before use, every loop is
 * bounded, and hitting a cap becomes a problem of the document. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "office-private.h"
#include "mailhunt/text.h"

/* Nesting of storages inside one compound file: real files have 3-4. */
#define MAX_STORAGE_DEPTH 32
/* A BIFF record with its CONTINUE records; Excel writes at most 8224
 * bytes per record, and a formula is never longer than a few of them. */
#define MAX_BIFF_RECORD (1u << 20)
/* Operand stack of one formula, and the text of one formula. */
#define MAX_FORMULA_STACK 256
#define MAX_FORMULA_TEXT (64u * 1024)
/* Fields nested in a Word document (a field code inside a field code). */
#define MAX_FIELD_NESTING 32
/* Records of a PowerPoint document stream visited, and their nesting. */
#define MAX_PPT_NESTING 16

/* The fuzz harness tests/fuzz/fuzz-doc-text.c: the Word text reader on a
 * WordDocument stream and a table stream given as bytes. */
void _mh_ole_word_text (mh_document *doc, const guint8 *word_document, gsize len,
                        const guint8 *table, gsize table_len, const mh_office_options *options);
/* The fuzz harness (tests/fuzz/fuzz-xlm.c) calls the BIFF walker on raw
 * bytes; it is not part of the contract between the src/office files. */
void _mh_ole_biff_walk (mh_document *doc, const guint8 *data, gsize len,
                        const mh_office_options *options);
/* tests/test-ole.c: the macro sheets' formulas of a Workbook/Book stream
 * as the text the XLM rules are given. */
char *_mh_ole_xlm_formulas (const guint8 *data, gsize len, const mh_office_options *options);

/* -- little helpers --------------------------------------------------------- */

static guint16
rd16 (const guint8 *p)
{
	return (guint16) (p[0] | (p[1] << 8));
}

static guint32
rd32 (const guint8 *p)
{
	return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
rd64 (const guint8 *p)
{
	return (guint64) rd32 (p) | ((guint64) rd32 (p + 4) << 32);
}

/* Whether @len bytes from @off fit in a buffer of @size (no overflow). */
static gboolean
fits (gsize size, gsize off, gsize len)
{
	return off <= size && len <= size - off;
}

/* UTF-16LE code units to UTF-8; lone surrogates become U+FFFD, so this
 * never fails (names in hostile files are not always well formed). */
static char *
utf16le_to_utf8 (const guint8 *p, gsize nunits)
{
	GString *s = g_string_sized_new (nunits + 1);
	for (gsize i = 0; i < nunits; i++) {
		gunichar c = rd16 (p + 2 * i);
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < nunits) {
			gunichar lo = rd16 (p + 2 * (i + 1));
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else {
				c = 0xFFFD;
			}
		} else if (c >= 0xD800 && c <= 0xDFFF) {
			c = 0xFFFD;
		}
		if (c == 0)
			break;
		mh_string_append_unichar (s, c);
	}
	return g_string_free (s, FALSE);
}

/* Bytes 0x80-0x9F of code page 1252 (MS-DOC 2.4.1: compressed text uses
 * it); the other bytes are Latin-1. */
static gunichar
cp1252_char (guint8 b)
{
	static const guint16 high[32] = {
		0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
		0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
	};
	if (b >= 0x80 && b <= 0x9F)
		return high[b - 0x80];
	return b;
}

/* 8-bit text in a Windows code page to UTF-8.  Never fails: an unknown
 * code page or a byte the code page does not define falls back to
 * CP1252, then Latin-1. */
static char *
text_from_codepage (const guint8 *p, gsize len, guint codepage)
{
	while (len > 0 && p[len - 1] == 0)
		len--;
	if (codepage == 1200)
		return utf16le_to_utf8 (p, len / 2);
	char cpname[32];
	if (codepage == 65001)
		g_strlcpy (cpname, "UTF-8", sizeof cpname);
	else if (codepage == 10000)
		g_strlcpy (cpname, "MACINTOSH", sizeof cpname);
	else if (codepage == 0 || codepage == 1252)
		g_strlcpy (cpname, "CP1252", sizeof cpname);
	else
		g_snprintf (cpname, sizeof cpname, "CP%u", codepage);
	char *out = g_convert ((const char *) p, (gssize) len, "UTF-8", cpname, NULL, NULL, NULL);
	if (!out || !g_utf8_validate (out, -1, NULL)) {
		g_free (out);
		GString *s = g_string_sized_new (len + 1);
		for (gsize i = 0; i < len && p[i]; i++)
			mh_string_append_unichar (s, cp1252_char (p[i]));
		out = g_string_free (s, FALSE);
	}
	return out;
}

/* Names of storages and streams as a reader sees them: the control
 * characters some names begin with ("\001Ole10Native") shown as \x01. */
static char *
printable_name (const char *name)
{
	GString *s = g_string_new (NULL);
	for (const char *p = name; *p; p++) {
		if ((guchar) *p < 0x20)
			g_string_append_printf (s, "\\x%02x", (guchar) *p);
		else
			g_string_append_c (s, *p);
	}
	return g_string_free (s, FALSE);
}

static char *
join_location (const char *parent, const char *name)
{
	g_autofree char *shown = printable_name (name);
	if (!parent || !*parent)
		return g_steal_pointer (&shown);
	return g_strconcat (parent, "/", shown, NULL);
}

/* -- storages ------------------------------------------------------------- */

static gboolean
is_storage (GsfInput *input)
{
	return input && GSF_IS_INFILE (input) && gsf_infile_num_children (GSF_INFILE (input)) >= 0;
}

/* OLE names compare without case (as Windows does); libgsf's own lookup
 * is case-sensitive, and writers differ ("Workbook", "WORKBOOK"). */
static GsfInput *
child_by_name (GsfInfile *dir, const char *name)
{
	int n = gsf_infile_num_children (dir);
	for (int i = 0; i < n; i++) {
		const char *child = gsf_infile_name_by_index (dir, i);
		if (child && g_ascii_strcasecmp (child, name) == 0)
			return gsf_infile_child_by_index (dir, i);
	}
	return NULL;
}

static gboolean
has_stream (GsfInfile *dir, const char *name)
{
	g_autoptr (GsfInput) child = child_by_name (dir, name);
	return child && !is_storage (child);
}

static GsfInfile *
storage_by_name (GsfInfile *dir, const char *name)
{
	GsfInput *child = child_by_name (dir, name);
	if (child && is_storage (child))
		return GSF_INFILE (child);
	if (child)
		g_object_unref (child);
	return NULL;
}

/* A stream's bytes, at most max_stream_size (a problem says when cut);
 * NULL when there is no such stream. */
static GBytes *
read_stream (mh_document *doc, const mh_office_options *options, GsfInfile *dir,
             const char *name, const char *location)
{
	g_autoptr (GsfInput) child = child_by_name (dir, name);
	if (!child || is_storage (child))
		return NULL;
	gboolean truncated = FALSE;
	GBytes *bytes = _mh_gsf_read_all (child, options->limits.max_stream_size, &truncated);
	if (truncated) {
		g_autofree char *shown = join_location (location, name);
		_mh_document_add_problem (doc, "%s: stream cut at %" G_GSIZE_FORMAT " bytes",
		                          shown, options->limits.max_stream_size);
	}
	return bytes;
}

/* A storage that holds a VBA project: a "VBA" storage with a "dir"
 * stream, and a "PROJECT" stream beside it. */
static gboolean
is_vba_project_storage (GsfInfile *dir)
{
	g_autoptr (GsfInfile) vba = storage_by_name (dir, "VBA");
	return vba && has_stream (vba, "dir") && has_stream (dir, "PROJECT");
}

/* -- property sets (MS-OLEPS) ---------------------------------------------- */

#define VT_I2 0x0002
#define VT_I4 0x0003
#define VT_LPSTR 0x001E
#define VT_LPWSTR 0x001F
#define VT_FILETIME 0x0040

/* 100-ns intervals since 1601 to ISO 8601 UTC; NULL for no date. */
static char *
filetime_to_iso (guint64 ft)
{
	if (ft == 0)
		return NULL;
	gint64 secs = (gint64) (ft / 10000000u) - G_GINT64_CONSTANT (11644473600);
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (secs);
	if (!dt)
		return NULL;
	return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

typedef struct {
	guint32     id;
	const char *name;
} property_name;

/* SummaryInformation (FMTID F29F85E0-...) property ids we report. */
static const property_name summary_properties[] = {
	{ 2, "title" }, { 4, "author" }, { 7, "template" }, { 8, "last-saved-by" },
	{ 12, "created" }, { 13, "modified" }, { 18, "application" },
};
/* DocumentSummaryInformation (FMTID D5CDD502-...), first section. */
static const property_name doc_summary_properties[] = {
	{ 15, "company" },
};

static gboolean
has_property (const mh_document *doc, const char *name)
{
	for (guint i = 0; i < doc->properties->len; i++) {
		const mh_doc_property *p = g_ptr_array_index (doc->properties, i);
		if (strcmp (p->name, name) == 0)
			return TRUE;
	}
	return FALSE;
}

/* The value of one property as text, or NULL (type we do not show). */
static char *
property_value (const guint8 *sec, gsize size, gsize off, guint codepage)
{
	if (!fits (size, off, 4))
		return NULL;
	guint16 type = rd16 (sec + off);
	off += 4;
	switch (type) {
	case VT_LPSTR: {
		if (!fits (size, off, 4))
			return NULL;
		guint32 n = rd32 (sec + off);
		off += 4;
		/* a count of bytes, UTF-16 ones too under code page 1200 */
		if (!fits (size, off, n))
			return NULL;
		return text_from_codepage (sec + off, n, codepage);
	}
	case VT_LPWSTR: {
		if (!fits (size, off, 4))
			return NULL;
		guint32 n = rd32 (sec + off);
		off += 4;
		if (n > (size - off) / 2)
			return NULL;
		return utf16le_to_utf8 (sec + off, n);
	}
	case VT_FILETIME:
		if (!fits (size, off, 8))
			return NULL;
		return filetime_to_iso (rd64 (sec + off));
	default:
		return NULL;
	}
}

static void
read_property_set (mh_document *doc, GBytes *bytes, const char *stream,
                   const property_name *wanted, gsize n_wanted)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	/* header (28) + first FMTID/offset pair (20) */
	if (len < 48 || rd16 (data) != 0xFFFE) {
		_mh_document_add_problem (doc, "%s: not a property set stream", stream);
		return;
	}
	if (rd32 (data + 24) == 0)
		return;
	guint32 sec_off = rd32 (data + 44);
	if (!fits (len, sec_off, 8)) {
		_mh_document_add_problem (doc, "%s: section offset out of the stream", stream);
		return;
	}
	const guint8 *sec = data + sec_off;
	gsize size = MIN ((gsize) rd32 (sec), len - sec_off);
	guint32 count = rd32 (sec + 4);
	if (size < 8 || count > (size - 8) / 8) {
		_mh_document_add_problem (doc, "%s: damaged section header", stream);
		return;
	}
	/* The code page (property 1) decides how LPSTR values are read. */
	guint codepage = 1252;
	for (guint32 i = 0; i < count; i++) {
		if (rd32 (sec + 8 + 8 * i) != 1)
			continue;
		guint32 off = rd32 (sec + 12 + 8 * i);
		if (fits (size, off, 6) && rd16 (sec + off) == VT_I2)
			codepage = rd16 (sec + off + 4);
	}
	for (gsize w = 0; w < n_wanted; w++) {
		for (guint32 i = 0; i < count; i++) {
			if (rd32 (sec + 8 + 8 * i) != wanted[w].id)
				continue;
			g_autofree char *value = property_value (sec, size, rd32 (sec + 12 + 8 * i), codepage);
			g_autofree char *trimmed = value ? g_strstrip (g_strdup (value)) : NULL;
			/* the Word FIB's attached template (a full path) wins over the
			 * property set's (usually just "Normal.dotm") */
			if (trimmed && *trimmed &&
			    !(strcmp (wanted[w].name, "template") == 0 && has_property (doc, "template")))
				_mh_document_add_property (doc, wanted[w].name, trimmed);
			break;
		}
	}
}

static void
read_property_sets (mh_document *doc, GsfInfile *ole, const mh_office_options *options)
{
	g_autoptr (GBytes) summary = read_stream (doc, options, ole, "\005SummaryInformation", "");
	if (summary)
		read_property_set (doc, summary, "\\x05SummaryInformation", summary_properties,
		                   G_N_ELEMENTS (summary_properties));
	g_autoptr (GBytes) dsi = read_stream (doc, options, ole, "\005DocumentSummaryInformation", "");
	if (dsi)
		read_property_set (doc, dsi, "\\x05DocumentSummaryInformation", doc_summary_properties,
		                   G_N_ELEMENTS (doc_summary_properties));
}

/* -- Word 97-2003 (MS-DOC) --------------------------------------------------- */

/* Indexes in FibRgFcLcb97 (MS-DOC 2.5.6): pairs of (fc, lcb). */
#define FIB_STTBF_ASSOC 32
#define FIB_CLX 33

typedef struct {
	const guint8 *data;
	gsize         len;
	gsize         fclcb_off;   /* where fibRgFcLcb starts */
	guint         fclcb_count; /* pairs in it */
} word_fib;

static gboolean
fib_fclcb (const word_fib *fib, guint index, guint32 *fc, guint32 *lcb)
{
	if (index >= fib->fclcb_count)
		return FALSE;
	gsize off = fib->fclcb_off + (gsize) index * 8;
	if (!fits (fib->len, off, 8))
		return FALSE;
	*fc = rd32 (fib->data + off);
	*lcb = rd32 (fib->data + off + 4);
	return TRUE;
}

static gboolean
starts_with_nocase (const char *s, const char *prefix)
{
	return g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

/* A path or URL that makes Office fetch something from another machine. */
static const char *
remote_kind (const char *target)
{
	if (target[0] == '\\' && target[1] == '\\')
		return "unc-path";
	if (starts_with_nocase (target, "http://") || starts_with_nocase (target, "https://") ||
	    starts_with_nocase (target, "ftp://"))
		return "url";
	if (starts_with_nocase (target, "file://") && !starts_with_nocase (target, "file:///"))
		return "unc-path";
	return NULL;
}

/* SttbfAssoc (MS-DOC 2.9.296): string 1 is the attached template. */
static void
word_template (mh_document *doc, const mh_office_options *options, const word_fib *fib,
               const guint8 *table, gsize table_len)
{
	guint32 fc, lcb;
	if (!fib_fclcb (fib, FIB_STTBF_ASSOC, &fc, &lcb) || lcb == 0)
		return;
	if (!fits (table_len, fc, lcb) || lcb < 6) {
		_mh_document_add_problem (doc, "Word: SttbfAssoc out of the table stream");
		return;
	}
	const guint8 *p = table + fc;
	gboolean extended = rd16 (p) == 0xFFFF;
	guint count = rd16 (p + 2);
	guint extra = rd16 (p + 4);
	gsize off = 6;
	for (guint i = 0; i < count && i <= 1; i++) {
		gsize cch, bytes;
		if (extended) {
			if (!fits (lcb, off, 2))
				break;
			cch = rd16 (p + off);
			off += 2;
			bytes = cch * 2;
		} else {
			if (!fits (lcb, off, 1))
				break;
			cch = p[off];
			off += 1;
			bytes = cch;
		}
		if (!fits (lcb, off, bytes)) {
			_mh_document_add_problem (doc, "Word: SttbfAssoc string out of range");
			return;
		}
		if (i == 1 && cch > 0) {
			g_autofree char *path = extended ? utf16le_to_utf8 (p + off, cch)
			                                 : text_from_codepage (p + off, bytes, 1252);
			_mh_document_add_property (doc, "template", path);
			const char *kind = remote_kind (path);
			if (kind) {
				_mh_document_add_finding (doc, options, "doc.remote-template", MH_SEVERITY_HIGH,
				                          "WordDocument:SttbfAssoc", path,
				                          "attached template on another machine: Word fetches it when the document opens");
				_mh_document_add_ioc (doc, kind, path, "attached template", NULL);
			}
		}
		off += bytes + extra;
	}
}

/* Hidden character runs (for lure matching and the doc.hidden-text
 * finding): FC ranges of the WordDocument stream whose direct character
 * properties hide them.  Styles are not read: Emotet's documents set the
 * properties on the runs. */
#define FIB_PLCF_BTE_CHPX 12
#define MAX_HIDDEN_RUNS   65536

typedef struct {
	guint32 fc_start;
	guint32 fc_end;
	guint8  why;    /* index in hidden_reasons */
} hidden_run;

static const char *const hidden_reasons[] = { NULL, "vanish", "white font", "tiny font" };

/* Why a Chpx's sprms (MS-DOC 2.6.1) hide the text (an index in
 * hidden_reasons), or 0. */
static guint8
chpx_hidden_why (const guint8 *p, gsize len)
{
	gsize off = 0;
	/* every sprm takes at least 3 bytes */
	while (off + 2 < len) {
		guint16 sprm = rd16 (p + off);
		off += 2;
		gsize operand;
		switch (sprm >> 13) {
		case 0: case 1: operand = 1; break;
		case 2: case 4: case 5: operand = 2; break;
		case 3: operand = 4; break;
		case 7: operand = 3; break;
		default: operand = off < len ? 1 + (gsize) p[off] : 1; break;
		}
		if (off + operand > len)
			break;
		const guint8 *a = p + off;
		if (sprm == 0x083C && (a[0] == 0x01 || a[0] == 0x81))   /* sprmCFVanish */
			return 1;
		if (sprm == 0x2A42 && a[0] == 8)                          /* sprmCIco: white */
			return 2;
		if (sprm == 0x6870 && a[3] == 0 && a[0] >= 0xF0 && a[1] >= 0xF0 && a[2] >= 0xF0)
			return 2;                                             /* sprmCCv */
		if (sprm == 0x4A43 && rd16 (a) <= 4)                      /* sprmCHps: 2 pt */
			return 3;
		off += operand;
	}
	return 0;
}

static gint
hidden_run_compare (gconstpointer a, gconstpointer b)
{
	guint32 x = ((const hidden_run *) a)->fc_start, y = ((const hidden_run *) b)->fc_start;
	return x < y ? -1 : x > y;
}

/* PlcBteChpx (MS-DOC 2.8.6) and its ChpxFkp pages (2.9.44). */
static GArray *
word_hidden_runs (mh_document *doc, const word_fib *fib, const guint8 *table, gsize table_len)
{
	GArray *runs = g_array_new (FALSE, FALSE, sizeof (hidden_run));
	guint32 fc, lcb;
	if (!fib_fclcb (fib, FIB_PLCF_BTE_CHPX, &fc, &lcb) || lcb < 12)
		return runs;
	if (!fits (table_len, fc, lcb)) {
		_mh_document_add_problem (doc, "Word: character properties out of the table stream");
		return runs;
	}
	const guint8 *plc = table + fc;
	gsize pages = (lcb - 4) / 8;
	for (gsize i = 0; i < pages; i++) {
		gsize pn = rd32 (plc + 4 * (pages + 1) + 4 * i) & 0x3FFFFF;
		if (!fits (fib->len, pn * 512, 512)) {
			_mh_document_add_problem (doc, "Word: character property page %" G_GSIZE_FORMAT
			                          " out of the WordDocument stream", pn);
			continue;
		}
		const guint8 *page = fib->data + pn * 512;
		guint crun = page[511];
		if (crun == 0 || 4 * (gsize) (crun + 1) + crun > 511)
			continue;
		for (guint r = 0; r < crun; r++) {
			gsize chpx = (gsize) page[4 * (crun + 1) + r] * 2;
			if (chpx == 0 || chpx >= 511 || chpx + 1 + page[chpx] > 511)
				continue;
			guint8 why = chpx_hidden_why (page + chpx + 1, page[chpx]);
			if (!why)
				continue;
			if (runs->len >= MAX_HIDDEN_RUNS) {
				_mh_document_add_problem (doc, "Word: more than %u hidden character runs: the rest are not read",
				                          MAX_HIDDEN_RUNS);
				goto done;
			}
			hidden_run h = { rd32 (page + 4 * r), rd32 (page + 4 * (r + 1)), why };
			if (h.fc_end > h.fc_start)
				g_array_append_val (runs, h);
		}
	}
done:
	g_array_sort (runs, hidden_run_compare);
	return runs;
}

/* The hidden run holding the byte at @fc, or NULL. */
static const hidden_run *
hidden_at (const GArray *runs, guint32 fc)
{
	guint lo = 0, hi = runs->len;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		const hidden_run *h = &g_array_index (runs, hidden_run, mid);
		if (fc < h->fc_start)
			hi = mid;
		else if (fc >= h->fc_end)
			lo = mid + 1;
		else
			return h;
	}
	return NULL;
}

/* The document text through the piece table (MS-DOC 2.4.1, 2.9.38 Clx):
 * every story (main text, headers, notes, text boxes) in CP order. */
static GString *
word_text (mh_document *doc, const mh_office_options *options, const word_fib *fib,
           const guint8 *table, gsize table_len, const GArray *hidden, GByteArray *marks)
{
	guint32 fc, lcb;
	if (!fib_fclcb (fib, FIB_CLX, &fc, &lcb) || lcb == 0)
		return NULL;
	if (!fits (table_len, fc, lcb)) {
		_mh_document_add_problem (doc, "Word: piece table out of the table stream");
		return NULL;
	}
	const guint8 *clx = table + fc;
	gsize off = 0;
	/* skip the Prc records (clxt 1) to the Pcdt (clxt 2) */
	while (off < lcb && clx[off] == 0x01) {
		if (!fits (lcb, off, 3))
			return NULL;
		off += 3 + rd16 (clx + off + 1);
	}
	if (!fits (lcb, off, 5) || clx[off] != 0x02) {
		_mh_document_add_problem (doc, "Word: no piece table in the Clx");
		return NULL;
	}
	guint32 plc_len = rd32 (clx + off + 1);
	off += 5;
	if (!fits (lcb, off, plc_len) || plc_len < 16) {
		_mh_document_add_problem (doc, "Word: piece table out of range");
		return NULL;
	}
	const guint8 *plc = clx + off;
	gsize pieces = (plc_len - 4) / 12;
	gsize cap = options->limits.max_stream_size;
	GString *text = g_string_new (NULL);
	for (gsize i = 0; i < pieces && text->len < cap; i++) {
		guint32 cp_start = rd32 (plc + 4 * i);
		guint32 cp_end = rd32 (plc + 4 * (i + 1));
		const guint8 *pcd = plc + 4 * (pieces + 1) + 8 * i;
		guint32 fc_raw = rd32 (pcd + 2);
		if (cp_end <= cp_start)
			continue;
		gsize chars = cp_end - cp_start;
		gboolean compressed = (fc_raw & 0x40000000u) != 0;
		gsize start = compressed ? (fc_raw & 0x3FFFFFFFu) / 2 : (fc_raw & 0x3FFFFFFFu);
		gsize width = compressed ? 1 : 2;
		if (chars > (fib->len / width) + 1 || !fits (fib->len, start, chars * width)) {
			_mh_document_add_problem (doc, "Word: text piece %" G_GSIZE_FORMAT " out of the WordDocument stream", i);
			continue;
		}
		const guint8 *p = fib->data + start;
		for (gsize k = 0; k < chars && text->len < cap; k++) {
			if (!marks) {
				/* a run of ASCII at once: a byte each, NUL as a space */
				gsize old = text->len, limit = MIN (chars - k, cap - old), r = 0;
				g_string_set_size (text, old + limit);
				char *o = text->str + old;
				if (compressed)
					for (; r < limit && p[k + r] < 0x80; r++)
						o[r] = p[k + r] ? (char) p[k + r] : ' ';
				else
					for (guint16 u; r < limit && (u = rd16 (p + 2 * (k + r))) < 0x80; r++)
						o[r] = u ? (char) u : ' ';
				g_string_truncate (text, old + r);
				k += r;
				if (k >= chars || text->len >= cap)
					break;
			}
			gunichar c = compressed ? cp1252_char (p[k]) : rd16 (p + 2 * k);
			/* surrogates are rare in field codes: one U+FFFD each is enough */
			if (c == 0 || (c >= 0xD800 && c <= 0xDFFF))
				c = c == 0 ? ' ' : 0xFFFD;
			gsize before = text->len;
			mh_string_append_unichar (text, c);
			/* @marks: per byte of @text, why it is hidden (0: it is not) */
			if (marks) {
				gsize at = start + k * width;
				const hidden_run *h = at <= G_MAXUINT32 ? hidden_at (hidden, (guint32) at) : NULL;
				guint8 why = h ? h->why : 0;
				for (gsize b = before; b < text->len; b++)
					g_byte_array_append (marks, &why, 1);
			}
		}
	}
	if (text->len >= cap)
		_mh_document_add_problem (doc, "Word: document text cut at %" G_GSIZE_FORMAT " bytes", cap);
	return text;
}

/* What a field code does when the document opens or is updated. */
static void
word_field (mh_document *doc, const mh_office_options *options, const char *code)
{
	g_autofree char *trimmed = g_strstrip (g_strdup (code));
	if (!*trimmed)
		return;
	g_autofree char *word = NULL;
	const char *end = trimmed;
	while (*end && !g_ascii_isspace (*end))
		end++;
	word = g_ascii_strup (trimmed, end - trimmed);
	if (strcmp (word, "DDE") == 0 || strcmp (word, "DDEAUTO") == 0) {
		_mh_document_add_finding (doc, options, "doc.dde", MH_SEVERITY_HIGH, "WordDocument:field",
		                          trimmed, "DDE field: Word offers to start another program%s",
		                          strcmp (word, "DDEAUTO") == 0 ? " when the document opens" : "");
		return;
	}
	if (strcmp (word, "INCLUDEPICTURE") != 0 && strcmp (word, "INCLUDETEXT") != 0 &&
	    strcmp (word, "IMPORT") != 0 && strcmp (word, "LINK") != 0)
		return;
	/* the target: the first quoted argument, else the first word after the
	 * switches that follow the field name */
	const char *p = end;
	g_autofree char *target = NULL;
	for (guint guard = 0; *p && guard < 64 && !target; guard++) {
		while (*p && g_ascii_isspace (*p))
			p++;
		if (*p == '"') {
			const char *q = strchr (p + 1, '"');
			target = q ? g_strndup (p + 1, q - p - 1) : g_strdup (p + 1);
		} else if (*p == '\\') {
			while (*p && !g_ascii_isspace (*p))
				p++;
		} else if (*p) {
			const char *q = p;
			while (*q && !g_ascii_isspace (*q))
				q++;
			/* LINK's first argument is the class (Excel.Sheet.8): skip it */
			if (strcmp (word, "LINK") == 0 && !remote_kind (p)) {
				p = q;
				continue;
			}
			target = g_strndup (p, q - p);
		}
	}
	if (!target)
		return;
	/* Word doubles backslashes in field arguments */
	g_autoptr (GString) unescaped = g_string_new (NULL);
	for (const char *c = target; *c; c++) {
		if (c[0] == '\\' && c[1] == '\\')
			c++;
		g_string_append_c (unescaped, *c);
	}
	const char *kind = remote_kind (target);
	if (!kind)
		kind = remote_kind (unescaped->str);
	if (!kind)
		return;
	const char *value = strcmp (kind, "url") == 0 ? target : unescaped->str;
	_mh_document_add_finding (doc, options, "doc.external-field", MH_SEVERITY_MEDIUM,
	                          "WordDocument:field", trimmed,
	                          "%s field loads content from another machine", word);
	_mh_document_add_ioc (doc, kind, value, "field", NULL);
}

/* Fields: 0x13 begins one, 0x14 ends its code (the result follows), 0x15
 * ends it.  Fields nest; the code of each is collected on a stack. */
static void
word_fields (mh_document *doc, const mh_office_options *options, const GString *text)
{
	GString *stack[MAX_FIELD_NESTING];
	gboolean in_result[MAX_FIELD_NESTING];
	guint depth = 0;
	gboolean capped = FALSE;

	for (gsize i = 0; i < text->len; i++) {
		if (depth == 0) {
			/* outside fields only the start of one matters */
			const char *start = memchr (text->str + i, 0x13, text->len - i);
			if (!start)
				break;
			i = (gsize) (start - text->str);
		}
		char c = text->str[i];
		if (c == 0x13) {
			if (depth == MAX_FIELD_NESTING) {
				capped = TRUE;
				continue;
			}
			stack[depth] = g_string_new (NULL);
			in_result[depth] = FALSE;
			depth++;
		} else if (c == 0x14) {
			if (depth > 0)
				in_result[depth - 1] = TRUE;
		} else if (c == 0x15) {
			if (depth == 0)
				continue;
			depth--;
			word_field (doc, options, stack[depth]->str);
			g_string_free (stack[depth], TRUE);
		} else if (depth > 0 && !in_result[depth - 1] && stack[depth - 1]->len < 64 * 1024) {
			g_string_append_c (stack[depth - 1], c);
		}
	}
	/* a field never closed still ran its code on Word's side */
	while (depth > 0) {
		depth--;
		word_field (doc, options, stack[depth]->str);
		g_string_free (stack[depth], TRUE);
	}
	if (capped)
		_mh_document_add_problem (doc, "Word: fields nested deeper than %d: the inner ones are not read",
		                          MAX_FIELD_NESTING);
}

/* Below this many visible characters (white space aside), a Word document
 * with a picture shows little more than the picture: the "enable content"
 * screenshot of a lure. */
#define PICTURE_ONLY_MAX_CHARS 40

/* What a reader sees of the piece-table text: field codes (0x13 .. 0x14)
 * dropped and their results kept, paragraph, cell, line and page marks
 * turned into line breaks, other special characters (pictures 0x01,
 * drawn objects 0x08, footnote marks 0x02 ...) dropped.  Each line goes to
 * doc->text.  Returns the visible characters other than white space
 * (exact below PICTURE_ONLY_MAX_CHARS, at least that many otherwise);
 * *pictures counts the picture and drawn-object anchors outside codes. */
#define HIDDEN_TEXT_MIN_CHARS 200  /* hidden text this long is a payload, not a note */
#define HIDDEN_EVIDENCE_CHARS 80
#define MAX_HIDDEN_KEPT       4096 /* bytes of a hidden block kept for evidence */

typedef struct {
	GString *head;    /* the start of the block */
	gsize    chars;
	guint8   why;
} hidden_block;

/* A block of hidden characters ends: long ones are reported and left out
 * of doc->text (it is not what the reader sees).  A short block in a white
 * font goes back into @line: white on a dark shading is readable (form
 * labels, banners). */
static void
hidden_block_flush (mh_document *doc, const mh_office_options *options, hidden_block *hb,
                    GString *line)
{
	if (hb->chars < HIDDEN_TEXT_MIN_CHARS && hb->why == 2)
		g_string_append_len (line, hb->head->str, (gssize) hb->head->len);
	if (hb->chars >= HIDDEN_TEXT_MIN_CHARS) {
		const char *end = hb->head->str;
		for (int k = 0; k < HIDDEN_EVIDENCE_CHARS && *end; k++)
			end = g_utf8_next_char (end);
		g_autofree char *head = g_strndup (hb->head->str, end - hb->head->str);
		g_autofree char *evidence = g_strdup_printf ("%s%s (%" G_GSIZE_FORMAT " characters)", head,
		                                             *end ? "..." : "", hb->chars);
		_mh_document_add_finding (doc, options, "doc.hidden-text", MH_SEVERITY_MEDIUM, "WordDocument",
		                          evidence, "%" G_GSIZE_FORMAT " characters of text the reader does not see (%s): "
		                          "a place to keep a payload for the macros",
		                          hb->chars, hidden_reasons[hb->why < G_N_ELEMENTS (hidden_reasons) ? hb->why : 1]);
	}
	g_string_truncate (hb->head, 0);
	hb->chars = 0;
	hb->why = 0;
}

static gsize
word_visible_text (mh_document *doc, const mh_office_options *options, const GString *text,
                   const GByteArray *marks, gsize *pictures)
{
	hidden_block hb = { .head = g_string_new (NULL) };
	/* per open field: TRUE while in its code (before 0x14) */
	gboolean in_code[MAX_FIELD_NESTING];
	guint depth = 0, overflow = 0;
	gsize visible = 0;
	*pictures = 0;
	g_autoptr (GString) line = g_string_new (NULL);

	for (gsize i = 0; i < text->len && !doc->text_truncated; i++) {
		guchar c = (guchar) text->str[i];
		if (c >= 0x20 && !marks && depth == 0 && overflow == 0) {
			/* outside fields and hidden runs, a run of printable text is
			 * kept as it is: a character is visible unless it is a space
			 * (a continuation byte is part of the character before it) */
			gsize j = i + mh_printable_span (text->str, i, text->len);
			/* counted only up to the picture-only threshold, the one
			 * thing the number is for */
			for (gsize k = i; k < j && visible < PICTURE_ONLY_MAX_CHARS; k++)
				visible += text->str[k] != ' ' && ((guchar) text->str[k] & 0xC0) != 0x80;
			g_string_append_len (line, text->str + i, (gssize) (j - i));
			i = j - 1;
			continue;
		}
		if (c == 0x13) {
			if (depth < MAX_FIELD_NESTING)
				in_code[depth++] = TRUE;
			else
				overflow++;
			continue;
		}
		if (c == 0x14) {
			if (overflow == 0 && depth > 0)
				in_code[depth - 1] = FALSE;
			continue;
		}
		if (c == 0x15) {
			if (overflow > 0)
				overflow--;
			else if (depth > 0)
				depth--;
			continue;
		}
		gboolean hidden = overflow > 0;
		for (guint d = 0; d < depth && !hidden; d++)
			hidden = in_code[d];
		if (hidden)
			continue;
		guint8 why = marks && i < marks->len ? marks->data[i] : 0;
		if (why && c >= 0x20) {
			/* a hidden character: kept for the finding, not for the text */
			gsize n = 1;
			if (c >= 0x80)
				while (i + n < text->len && ((guchar) text->str[i + n] & 0xC0) == 0x80)
					n++;
			if (!hb.why)
				hb.why = why;
			hb.chars++;
			if (hb.head->len < MAX_HIDDEN_KEPT)
				g_string_append_len (hb.head, text->str + i, (gssize) n);
			i += n - 1;
			continue;
		}
		if (c == 0x0D || c == 0x07 || c == 0x0B || c == 0x0C || c == 0x0E) {
			/* a short white block ends with its paragraph or cell; a long
			 * hidden block may go on over several */
			if (hb.chars > 0 && hb.chars < HIDDEN_TEXT_MIN_CHARS && hb.why == 2)
				hidden_block_flush (doc, options, &hb, line);
			if (line->len > 0)
				_mh_document_add_text (doc, line->str, (gssize) line->len, options);
			g_string_truncate (line, 0);
			continue;
		}
		if (c == 0x01 || c == 0x08) {
			(*pictures)++;
			continue;
		}
		if (c == 0x09) {
			g_string_append_c (line, '\t');
			continue;
		}
		if (c < 0x20)
			continue;
		/* a whole UTF-8 sequence (word_text wrote valid UTF-8) */
		gsize n = 1;
		if (c >= 0x80)
			while (i + n < text->len && ((guchar) text->str[i + n] & 0xC0) == 0x80)
				n++;
		if (!g_ascii_isspace (c)) {
			visible++;
			if (hb.chars > 0)
				hidden_block_flush (doc, options, &hb, line);
		}
		if (n == 1)
			g_string_append_c (line, (gchar) c);
		else
			g_string_append_len (line, text->str + i, (gssize) n);
		i += n - 1;
	}
	hidden_block_flush (doc, options, &hb, line);
	if (line->len > 0)
		_mh_document_add_text (doc, line->str, (gssize) line->len, options);
	g_string_free (hb.head, TRUE);
	return visible;
}

/* Where FibRgFcLcb starts in the FIB (MS-DOC 2.5.1), past the variable
 * fibRgW and fibRgLw; FALSE (with a problem) when it runs past @len. */
static gboolean
word_fib_read (mh_document *doc, const guint8 *data, gsize len, word_fib *fib)
{
	*fib = (word_fib) { .data = data, .len = len };
	gsize off = 32;
	guint csw = rd16 (data + off);
	off += 2 + (gsize) csw * 2;
	guint cslw = fits (len, off, 2) ? rd16 (data + off) : 0;
	off += 2 + (gsize) cslw * 4;
	if (fits (len, off, 2)) {
		fib->fclcb_count = rd16 (data + off);
		fib->fclcb_off = off + 2;
	}
	if (!fits (len, off, 2) || !fits (len, fib->fclcb_off, (gsize) fib->fclcb_count * 8)) {
		_mh_document_add_problem (doc, "Word: FIB larger than the WordDocument stream");
		return FALSE;
	}
	return TRUE;
}

/* The piece-table text: its fields, the visible text, and whether a
 * picture is nearly all the reader sees. */
static void
word_story_text (mh_document *doc, const mh_office_options *options, const word_fib *fib,
                 const guint8 *table, gsize table_len)
{
	g_autoptr (GArray) hidden = word_hidden_runs (doc, fib, table, table_len);
	g_autoptr (GByteArray) marks = hidden->len ? g_byte_array_new () : NULL;
	g_autoptr (GString) text = word_text (doc, options, fib, table, table_len, hidden, marks);
	if (!text)
		return;
	word_fields (doc, options, text);
	gsize pictures;
	gsize visible = word_visible_text (doc, options, text, marks, &pictures);
	/* an inline picture is 0x01 in the text and a floating one 0x08; the
	 * Data stream alone is no sign (Word also keeps form fields there) */
	if (visible < PICTURE_ONLY_MAX_CHARS && pictures > 0)
		_mh_document_add_finding (doc, options, "doc.picture-only", MH_SEVERITY_LOW, "WordDocument",
		                          NULL, "the document shows a picture and only %" G_GSIZE_FORMAT
		                          " characters of text: lures are often one picture telling the reader to enable content",
		                          visible);
}

static void
word_analyse (mh_document *doc, GsfInfile *ole, const mh_office_options *options)
{
	g_autoptr (GBytes) wd = read_stream (doc, options, ole, "WordDocument", "");
	gsize len;
	const guint8 *data = g_bytes_get_data (wd, &len);
	if (len < 34 || rd16 (data) != 0xA5EC) {
		_mh_document_add_problem (doc, "Word: the WordDocument stream has no Word 97 FIB");
		return;
	}
	guint16 nfib = rd16 (data + 2);
	guint16 flags = rd16 (data + 0x0A);
	if (flags & 0x0100) {
		doc->encrypted = TRUE;
		_mh_document_add_finding (doc, options, "doc.encrypted", MH_SEVERITY_MEDIUM, "WordDocument:FIB",
		                          NULL, "Word document encrypted with a password%s: its contents cannot be inspected without the password",
		                          (flags & 0x8000) ? " (XOR obfuscation)" : "");
		return;
	}
	if (nfib < 0x00C0) {
		_mh_document_add_problem (doc, "Word 6/95 document (nFib 0x%04x): template and fields not read", nfib);
		return;
	}
	word_fib fib;
	if (!word_fib_read (doc, data, len, &fib))
		return;
	const char *table_name = (flags & 0x0200) ? "1Table" : "0Table";
	g_autoptr (GBytes) table = read_stream (doc, options, ole, table_name, "");
	if (!table) {
		_mh_document_add_problem (doc, "Word: the %s stream the FIB names is missing", table_name);
		return;
	}
	gsize table_len;
	const guint8 *table_data = g_bytes_get_data (table, &table_len);
	word_template (doc, options, &fib, table_data, table_len);
	word_story_text (doc, options, &fib, table_data, table_len);
	/* pictures: inline ones in the Data stream (PICFAndOfficeArtData),
	 * floating ones in the WordDocument stream (BLIPs after the text) */
	g_autoptr (GBytes) pictures = read_stream (doc, options, ole, "Data", "");
	if (pictures) {
		gsize pictures_len;
		const guint8 *pictures_data = g_bytes_get_data (pictures, &pictures_len);
		_mh_officeart_find_blips (doc, pictures_data, pictures_len, "Data", options);
	}
	_mh_officeart_find_blips (doc, data, len, "WordDocument", options);
}

void
_mh_ole_word_text (mh_document *doc, const guint8 *word_document, gsize len,
                   const guint8 *table, gsize table_len, const mh_office_options *options)
{
	word_fib fib;
	if (len < 34 || rd16 (word_document) != 0xA5EC) {
		_mh_document_add_problem (doc, "Word: the WordDocument stream has no Word 97 FIB");
		return;
	}
	if (word_fib_read (doc, word_document, len, &fib))
		word_story_text (doc, options, &fib, table, table_len);
}

/* -- Excel 5-2003 (BIFF5, BIFF8; MS-XLS) ----------------------------------- */

typedef struct {
	const char *name;
	int         args;   /* fixed argument count for ptgFunc; -1: variable or unknown */
} xlm_function;

/* Ftab (MS-XLS 2.5.198.17): the functions a formula calls by index,
 * Excel 4.0 macro functions included (EXEC, CALL, REGISTER, FOPEN, ...). */
static const xlm_function xlm_functions[] = {
	{ "COUNT", -1 },            /* 0x000 */
	{ "IF", -1 },               /* 0x001 */
	{ "ISNA", 1 },              /* 0x002 */
	{ "ISERROR", 1 },           /* 0x003 */
	{ "SUM", -1 },              /* 0x004 */
	{ "AVERAGE", -1 },          /* 0x005 */
	{ "MIN", -1 },              /* 0x006 */
	{ "MAX", -1 },              /* 0x007 */
	{ "ROW", -1 },              /* 0x008 */
	{ "COLUMN", -1 },           /* 0x009 */
	{ "NA", 0 },                /* 0x00A */
	{ "NPV", -1 },              /* 0x00B */
	{ "STDEV", -1 },            /* 0x00C */
	{ "DOLLAR", -1 },           /* 0x00D */
	{ "FIXED", -1 },            /* 0x00E */
	{ "SIN", 1 },               /* 0x00F */
	{ "COS", 1 },               /* 0x010 */
	{ "TAN", 1 },               /* 0x011 */
	{ "ATAN", 1 },              /* 0x012 */
	{ "PI", 0 },                /* 0x013 */
	{ "SQRT", 1 },              /* 0x014 */
	{ "EXP", 1 },               /* 0x015 */
	{ "LN", 1 },                /* 0x016 */
	{ "LOG10", 1 },             /* 0x017 */
	{ "ABS", 1 },               /* 0x018 */
	{ "INT", 1 },               /* 0x019 */
	{ "SIGN", 1 },              /* 0x01A */
	{ "ROUND", 2 },             /* 0x01B */
	{ "LOOKUP", -1 },           /* 0x01C */
	{ "INDEX", -1 },            /* 0x01D */
	{ "REPT", 2 },              /* 0x01E */
	{ "MID", 3 },               /* 0x01F */
	{ "LEN", 1 },               /* 0x020 */
	{ "VALUE", 1 },             /* 0x021 */
	{ "TRUE", 0 },              /* 0x022 */
	{ "FALSE", 0 },             /* 0x023 */
	{ "AND", -1 },              /* 0x024 */
	{ "OR", -1 },               /* 0x025 */
	{ "NOT", 1 },               /* 0x026 */
	{ "MOD", 2 },               /* 0x027 */
	{ "DCOUNT", 3 },            /* 0x028 */
	{ "DSUM", 3 },              /* 0x029 */
	{ "DAVERAGE", 3 },          /* 0x02A */
	{ "DMIN", 3 },              /* 0x02B */
	{ "DMAX", 3 },              /* 0x02C */
	{ "DSTDEV", 3 },            /* 0x02D */
	{ "VAR", -1 },              /* 0x02E */
	{ "DVAR", 3 },              /* 0x02F */
	{ "TEXT", 2 },              /* 0x030 */
	{ "LINEST", -1 },           /* 0x031 */
	{ "TREND", -1 },            /* 0x032 */
	{ "LOGEST", -1 },           /* 0x033 */
	{ "GROWTH", -1 },           /* 0x034 */
	{ "GOTO", -1 },             /* 0x035 */
	{ "HALT", -1 },             /* 0x036 */
	{ "RETURN", -1 },           /* 0x037 */
	{ "PV", -1 },               /* 0x038 */
	{ "FV", -1 },               /* 0x039 */
	{ "NPER", -1 },             /* 0x03A */
	{ "PMT", -1 },              /* 0x03B */
	{ "RATE", -1 },             /* 0x03C */
	{ "MIRR", 3 },              /* 0x03D */
	{ "IRR", -1 },              /* 0x03E */
	{ "RAND", 0 },              /* 0x03F */
	{ "MATCH", -1 },            /* 0x040 */
	{ "DATE", 3 },              /* 0x041 */
	{ "TIME", 3 },              /* 0x042 */
	{ "DAY", 1 },               /* 0x043 */
	{ "MONTH", 1 },             /* 0x044 */
	{ "YEAR", 1 },              /* 0x045 */
	{ "WEEKDAY", -1 },          /* 0x046 */
	{ "HOUR", 1 },              /* 0x047 */
	{ "MINUTE", 1 },            /* 0x048 */
	{ "SECOND", 1 },            /* 0x049 */
	{ "NOW", 0 },               /* 0x04A */
	{ "AREAS", 1 },             /* 0x04B */
	{ "ROWS", 1 },              /* 0x04C */
	{ "COLUMNS", 1 },           /* 0x04D */
	{ "OFFSET", -1 },           /* 0x04E */
	{ "ABSREF", 2 },            /* 0x04F */
	{ "RELREF", 2 },            /* 0x050 */
	{ "ARGUMENT", -1 },         /* 0x051 */
	{ "SEARCH", -1 },           /* 0x052 */
	{ "TRANSPOSE", 1 },         /* 0x053 */
	{ "ERROR", -1 },            /* 0x054 */
	{ "STEP", -1 },             /* 0x055 */
	{ "TYPE", 1 },              /* 0x056 */
	{ "ECHO", -1 },             /* 0x057 */
	{ "SET.NAME", -1 },         /* 0x058 */
	{ "CALLER", 0 },            /* 0x059 */
	{ "DEREF", 1 },             /* 0x05A */
	{ "WINDOWS", -1 },          /* 0x05B */
	{ "SERIES", 4 },            /* 0x05C */
	{ "DOCUMENTS", -1 },        /* 0x05D */
	{ "ACTIVE.CELL", 0 },       /* 0x05E */
	{ "SELECTION", 0 },         /* 0x05F */
	{ "RESULT", -1 },           /* 0x060 */
	{ "ATAN2", 2 },             /* 0x061 */
	{ "ASIN", 1 },              /* 0x062 */
	{ "ACOS", 1 },              /* 0x063 */
	{ "CHOOSE", -1 },           /* 0x064 */
	{ "HLOOKUP", -1 },          /* 0x065 */
	{ "VLOOKUP", -1 },          /* 0x066 */
	{ "LINKS", -1 },            /* 0x067 */
	{ "INPUT", -1 },            /* 0x068 */
	{ "ISREF", 1 },             /* 0x069 */
	{ "GET.FORMULA", 1 },       /* 0x06A */
	{ "GET.NAME", 1 },          /* 0x06B */
	{ "SET.VALUE", 2 },         /* 0x06C */
	{ "LOG", -1 },              /* 0x06D */
	{ "EXEC", -1 },             /* 0x06E */
	{ "CHAR", 1 },              /* 0x06F */
	{ "LOWER", 1 },             /* 0x070 */
	{ "UPPER", 1 },             /* 0x071 */
	{ "PROPER", 1 },            /* 0x072 */
	{ "LEFT", -1 },             /* 0x073 */
	{ "RIGHT", -1 },            /* 0x074 */
	{ "EXACT", 2 },             /* 0x075 */
	{ "TRIM", 1 },              /* 0x076 */
	{ "REPLACE", 4 },           /* 0x077 */
	{ "SUBSTITUTE", -1 },       /* 0x078 */
	{ "CODE", 1 },              /* 0x079 */
	{ "NAMES", -1 },            /* 0x07A */
	{ "DIRECTORY", -1 },        /* 0x07B */
	{ "FIND", -1 },             /* 0x07C */
	{ "CELL", -1 },             /* 0x07D */
	{ "ISERR", 1 },             /* 0x07E */
	{ "ISTEXT", 1 },            /* 0x07F */
	{ "ISNUMBER", 1 },          /* 0x080 */
	{ "ISBLANK", 1 },           /* 0x081 */
	{ "T", 1 },                 /* 0x082 */
	{ "N", 1 },                 /* 0x083 */
	{ "FOPEN", -1 },            /* 0x084 */
	{ "FCLOSE", 1 },            /* 0x085 */
	{ "FSIZE", -1 },            /* 0x086 */
	{ "FREADLN", -1 },          /* 0x087 */
	{ "FREAD", -1 },            /* 0x088 */
	{ "FWRITELN", 2 },          /* 0x089 */
	{ "FWRITE", 2 },            /* 0x08A */
	{ "FPOS", -1 },             /* 0x08B */
	{ "DATEVALUE", 1 },         /* 0x08C */
	{ "TIMEVALUE", 1 },         /* 0x08D */
	{ "SLN", 3 },               /* 0x08E */
	{ "SYD", 4 },               /* 0x08F */
	{ "DDB", -1 },              /* 0x090 */
	{ "GET.DEF", -1 },          /* 0x091 */
	{ "REFTEXT", -1 },          /* 0x092 */
	{ "TEXTREF", -1 },          /* 0x093 */
	{ "INDIRECT", -1 },         /* 0x094 */
	{ "REGISTER", -1 },         /* 0x095 */
	{ "CALL", -1 },             /* 0x096 */
	{ "ADD.BAR", -1 },          /* 0x097 */
	{ "ADD.MENU", -1 },         /* 0x098 */
	{ "ADD.COMMAND", -1 },      /* 0x099 */
	{ "ENABLE.COMMAND", -1 },   /* 0x09A */
	{ "CHECK.COMMAND", -1 },    /* 0x09B */
	{ "RENAME.COMMAND", -1 },   /* 0x09C */
	{ "SHOW.BAR", -1 },         /* 0x09D */
	{ "DELETE.MENU", -1 },      /* 0x09E */
	{ "DELETE.COMMAND", -1 },   /* 0x09F */
	{ "GET.CHART.ITEM", -1 },   /* 0x0A0 */
	{ "DIALOG.BOX", -1 },       /* 0x0A1 */
	{ "CLEAN", 1 },             /* 0x0A2 */
	{ "MDETERM", 1 },           /* 0x0A3 */
	{ "MINVERSE", 1 },          /* 0x0A4 */
	{ "MMULT", 2 },             /* 0x0A5 */
	{ "FILES", -1 },            /* 0x0A6 */
	{ "IPMT", -1 },             /* 0x0A7 */
	{ "PPMT", -1 },             /* 0x0A8 */
	{ "COUNTA", -1 },           /* 0x0A9 */
	{ "CANCEL.KEY", -1 },       /* 0x0AA */
	{ "FOR", -1 },              /* 0x0AB */
	{ "WHILE", -1 },            /* 0x0AC */
	{ "BREAK", -1 },            /* 0x0AD */
	{ "NEXT", -1 },             /* 0x0AE */
	{ "INITIATE", -1 },         /* 0x0AF */
	{ "REQUEST", -1 },          /* 0x0B0 */
	{ "POKE", -1 },             /* 0x0B1 */
	{ "EXECUTE", -1 },          /* 0x0B2 */
	{ "TERMINATE", -1 },        /* 0x0B3 */
	{ "RESTART", -1 },          /* 0x0B4 */
	{ "HELP", -1 },             /* 0x0B5 */
	{ "GET.BAR", -1 },          /* 0x0B6 */
	{ "PRODUCT", -1 },          /* 0x0B7 */
	{ "FACT", 1 },              /* 0x0B8 */
	{ "GET.CELL", -1 },         /* 0x0B9 */
	{ "GET.WORKSPACE", 1 },     /* 0x0BA */
	{ "GET.WINDOW", -1 },       /* 0x0BB */
	{ "GET.DOCUMENT", -1 },     /* 0x0BC */
	{ "DPRODUCT", 3 },          /* 0x0BD */
	{ "ISNONTEXT", 1 },         /* 0x0BE */
	{ "GET.NOTE", -1 },         /* 0x0BF */
	{ "NOTE", -1 },             /* 0x0C0 */
	{ "STDEVP", -1 },           /* 0x0C1 */
	{ "VARP", -1 },             /* 0x0C2 */
	{ "DSTDEVP", 3 },           /* 0x0C3 */
	{ "DVARP", 3 },             /* 0x0C4 */
	{ "TRUNC", -1 },            /* 0x0C5 */
	{ "ISLOGICAL", 1 },         /* 0x0C6 */
	{ "DCOUNTA", 3 },           /* 0x0C7 */
	{ "DELETE.BAR", -1 },       /* 0x0C8 */
	{ "UNREGISTER", -1 },       /* 0x0C9 */
	{ NULL, -1 },               /* 0x0CA */
	{ NULL, -1 },               /* 0x0CB */
	{ "USDOLLAR", -1 },         /* 0x0CC */
	{ "FINDB", -1 },            /* 0x0CD */
	{ "SEARCHB", -1 },          /* 0x0CE */
	{ "REPLACEB", 4 },          /* 0x0CF */
	{ "LEFTB", -1 },            /* 0x0D0 */
	{ "RIGHTB", -1 },           /* 0x0D1 */
	{ "MIDB", 3 },              /* 0x0D2 */
	{ "LENB", 1 },              /* 0x0D3 */
	{ "ROUNDUP", 2 },           /* 0x0D4 */
	{ "ROUNDDOWN", 2 },         /* 0x0D5 */
	{ "ASC", 1 },               /* 0x0D6 */
	{ "DBCS", 1 },              /* 0x0D7 */
	{ "RANK", -1 },             /* 0x0D8 */
	{ NULL, -1 },               /* 0x0D9 */
	{ NULL, -1 },               /* 0x0DA */
	{ "ADDRESS", -1 },          /* 0x0DB */
	{ "DAYS360", -1 },          /* 0x0DC */
	{ "TODAY", 0 },             /* 0x0DD */
	{ "VDB", -1 },              /* 0x0DE */
	{ "ELSE", -1 },             /* 0x0DF */
	{ "ELSE.IF", -1 },          /* 0x0E0 */
	{ "END.IF", -1 },           /* 0x0E1 */
	{ "FOR.CELL", -1 },         /* 0x0E2 */
	{ "MEDIAN", -1 },           /* 0x0E3 */
	{ "SUMPRODUCT", -1 },       /* 0x0E4 */
	{ "SINH", 1 },              /* 0x0E5 */
	{ "COSH", 1 },              /* 0x0E6 */
	{ "TANH", 1 },              /* 0x0E7 */
	{ "ASINH", 1 },             /* 0x0E8 */
	{ "ACOSH", 1 },             /* 0x0E9 */
	{ "ATANH", 1 },             /* 0x0EA */
	{ "DGET", 3 },              /* 0x0EB */
	{ "CREATE.OBJECT", -1 },    /* 0x0EC */
	{ "VOLATILE", -1 },         /* 0x0ED */
	{ "LAST.ERROR", -1 },       /* 0x0EE */
	{ "CUSTOM.UNDO", -1 },      /* 0x0EF */
	{ "CUSTOM.REPEAT", -1 },    /* 0x0F0 */
	{ "FORMULA.CONVERT", -1 },  /* 0x0F1 */
	{ "GET.LINK.INFO", -1 },    /* 0x0F2 */
	{ "TEXT.BOX", -1 },         /* 0x0F3 */
	{ "INFO", 1 },              /* 0x0F4 */
	{ "GROUP", -1 },            /* 0x0F5 */
	{ "GET.OBJECT", -1 },       /* 0x0F6 */
	{ "DB", -1 },               /* 0x0F7 */
	{ "PAUSE", -1 },            /* 0x0F8 */
	{ NULL, -1 },               /* 0x0F9 */
	{ NULL, -1 },               /* 0x0FA */
	{ "RESUME", -1 },           /* 0x0FB */
	{ "FREQUENCY", 2 },         /* 0x0FC */
	{ "ADD.TOOLBAR", -1 },      /* 0x0FD */
	{ "DELETE.TOOLBAR", -1 },   /* 0x0FE */
	{ NULL, -1 },               /* 0x0FF */
	{ "RESET.TOOLBAR", -1 },    /* 0x100 */
	{ "EVALUATE", -1 },         /* 0x101 */
	{ "GET.TOOLBAR", -1 },      /* 0x102 */
	{ "GET.TOOL", -1 },         /* 0x103 */
	{ "SPELLING.CHECK", -1 },   /* 0x104 */
	{ "ERROR.TYPE", 1 },        /* 0x105 */
	{ "APP.TITLE", -1 },        /* 0x106 */
	{ "WINDOW.TITLE", -1 },     /* 0x107 */
	{ "SAVE.TOOLBAR", -1 },     /* 0x108 */
	{ "ENABLE.TOOL", -1 },      /* 0x109 */
	{ "PRESS.TOOL", -1 },       /* 0x10A */
	{ "REGISTER.ID", -1 },      /* 0x10B */
	{ "GET.WORKBOOK", -1 },     /* 0x10C */
	{ "AVEDEV", -1 },           /* 0x10D */
	{ "BETADIST", -1 },         /* 0x10E */
	{ "GAMMALN", 1 },           /* 0x10F */
	{ "BETAINV", -1 },          /* 0x110 */
	{ "BINOMDIST", 4 },         /* 0x111 */
	{ "CHIDIST", 2 },           /* 0x112 */
	{ "CHIINV", 2 },            /* 0x113 */
	{ "COMBIN", 2 },            /* 0x114 */
	{ "CONFIDENCE", 3 },        /* 0x115 */
	{ "CRITBINOM", 3 },         /* 0x116 */
	{ "EVEN", 1 },              /* 0x117 */
	{ "EXPONDIST", 3 },         /* 0x118 */
	{ "FDIST", 3 },             /* 0x119 */
	{ "FINV", 3 },              /* 0x11A */
	{ "FISHER", 1 },            /* 0x11B */
	{ "FISHERINV", 1 },         /* 0x11C */
	{ "FLOOR", 2 },             /* 0x11D */
	{ "GAMMADIST", 4 },         /* 0x11E */
	{ "GAMMAINV", 3 },          /* 0x11F */
	{ "CEILING", 2 },           /* 0x120 */
	{ "HYPGEOMDIST", 4 },       /* 0x121 */
	{ "LOGNORMDIST", 3 },       /* 0x122 */
	{ "LOGINV", 3 },            /* 0x123 */
	{ "NEGBINOMDIST", 3 },      /* 0x124 */
	{ "NORMDIST", 4 },          /* 0x125 */
	{ "NORMSDIST", 1 },         /* 0x126 */
	{ "NORMINV", 3 },           /* 0x127 */
	{ "NORMSINV", 1 },          /* 0x128 */
	{ "STANDARDIZE", 3 },       /* 0x129 */
	{ "ODD", 1 },               /* 0x12A */
	{ "PERMUT", 2 },            /* 0x12B */
	{ "POISSON", 3 },           /* 0x12C */
	{ "TDIST", 3 },             /* 0x12D */
	{ "WEIBULL", 4 },           /* 0x12E */
	{ "SUMXMY2", 2 },           /* 0x12F */
	{ "SUMX2MY2", 2 },          /* 0x130 */
	{ "SUMX2PY2", 2 },          /* 0x131 */
	{ "CHITEST", 2 },           /* 0x132 */
	{ "CORREL", 2 },            /* 0x133 */
	{ "COVAR", 2 },             /* 0x134 */
	{ "FORECAST", 3 },          /* 0x135 */
	{ "FTEST", 2 },             /* 0x136 */
	{ "INTERCEPT", 2 },         /* 0x137 */
	{ "PEARSON", 2 },           /* 0x138 */
	{ "RSQ", 2 },               /* 0x139 */
	{ "STEYX", 2 },             /* 0x13A */
	{ "SLOPE", 2 },             /* 0x13B */
	{ "TTEST", 4 },             /* 0x13C */
	{ "PROB", -1 },             /* 0x13D */
	{ "DEVSQ", -1 },            /* 0x13E */
	{ "GEOMEAN", -1 },          /* 0x13F */
	{ "HARMEAN", -1 },          /* 0x140 */
	{ "SUMSQ", -1 },            /* 0x141 */
	{ "KURT", -1 },             /* 0x142 */
	{ "SKEW", -1 },             /* 0x143 */
	{ "ZTEST", -1 },            /* 0x144 */
	{ "LARGE", 2 },             /* 0x145 */
	{ "SMALL", 2 },             /* 0x146 */
	{ "QUARTILE", 2 },          /* 0x147 */
	{ "PERCENTILE", 2 },        /* 0x148 */
	{ "PERCENTRANK", -1 },      /* 0x149 */
	{ "MODE", -1 },             /* 0x14A */
	{ "TRIMMEAN", 2 },          /* 0x14B */
	{ "TINV", 2 },              /* 0x14C */
	{ NULL, -1 },               /* 0x14D */
	{ "MOVIE.COMMAND", -1 },    /* 0x14E */
	{ "GET.MOVIE", -1 },        /* 0x14F */
	{ "CONCATENATE", -1 },      /* 0x150 */
	{ "POWER", 2 },             /* 0x151 */
	{ "PIVOT.ADD.DATA", -1 },   /* 0x152 */
	{ "GET.PIVOT.TABLE", -1 },  /* 0x153 */
	{ "GET.PIVOT.FIELD", -1 },  /* 0x154 */
	{ "GET.PIVOT.ITEM", -1 },   /* 0x155 */
	{ "RADIANS", 1 },           /* 0x156 */
	{ "DEGREES", 1 },           /* 0x157 */
	{ "SUBTOTAL", -1 },         /* 0x158 */
	{ "SUMIF", -1 },            /* 0x159 */
	{ "COUNTIF", 2 },           /* 0x15A */
	{ "COUNTBLANK", 1 },        /* 0x15B */
	{ "SCENARIO.GET", -1 },     /* 0x15C */
	{ "OPTIONS.LISTS.GET", -1 }, /* 0x15D */
	{ "ISPMT", 4 },             /* 0x15E */
	{ "DATEDIF", 3 },           /* 0x15F */
	{ "DATESTRING", 1 },        /* 0x160 */
	{ "NUMBERSTRING", 2 },      /* 0x161 */
	{ "ROMAN", -1 },            /* 0x162 */
	{ "OPEN.DIALOG", -1 },      /* 0x163 */
	{ "SAVE.DIALOG", -1 },      /* 0x164 */
	{ "VIEW.GET", -1 },         /* 0x165 */
	{ "GETPIVOTDATA", -1 },     /* 0x166 */
	{ "HYPERLINK", -1 },        /* 0x167 */
	{ "PHONETIC", 1 },          /* 0x168 */
	{ "AVERAGEA", -1 },         /* 0x169 */
	{ "MAXA", -1 },             /* 0x16A */
	{ "MINA", -1 },             /* 0x16B */
	{ "STDEVPA", -1 },          /* 0x16C */
	{ "VARPA", -1 },            /* 0x16D */
	{ "STDEVA", -1 },           /* 0x16E */
	{ "VARA", -1 },             /* 0x16F */
	{ "BAHTTEXT", 1 },          /* 0x170 */
	{ "THAIDAYOFWEEK", 1 },     /* 0x171 */
	{ "THAIDIGIT", 1 },         /* 0x172 */
	{ "THAIMONTHOFYEAR", 1 },   /* 0x173 */
	{ "THAINUMSOUND", 1 },      /* 0x174 */
	{ "THAINUMSTRING", 1 },     /* 0x175 */
	{ "THAISTRINGLENGTH", 1 },  /* 0x176 */
	{ "ISTHAIDIGIT", 1 },       /* 0x177 */
	{ "ROUNDBAHTDOWN", 1 },     /* 0x178 */
	{ "ROUNDBAHTUP", 1 },       /* 0x179 */
	{ "THAIYEAR", 1 },          /* 0x17A */
	{ "RTD", -1 },              /* 0x17B */
};

/* Cetab (MS-XLS 2.5.198.10): the macro commands, called through
 * ptgFuncVar with the high bit of the index set.  Only those worth a
 * reader's attention are named; the rest print as CMD0x... . */
static const struct {
	guint16     index;
	const char *name;
} xlm_commands[] = {
	{ 0x0000, "BEEP" }, { 0x0001, "OPEN" }, { 0x0002, "OPEN.LINKS" }, { 0x0003, "CLOSE.ALL" },
	{ 0x0004, "SAVE" }, { 0x0005, "SAVE.AS" }, { 0x0006, "FILE.DELETE" }, { 0x0008, "PRINT" },
	{ 0x000A, "QUIT" }, { 0x0010, "CLOSE" }, { 0x0011, "RUN" }, { 0x001B, "DISPLAY" },
	{ 0x0031, "CUT" }, { 0x0032, "COPY" }, { 0x0033, "PASTE" }, { 0x0034, "CLEAR" },
	{ 0x0036, "EDIT.DELETE" }, { 0x0037, "INSERT" }, { 0x003D, "DEFINE.NAME" },
	{ 0x003F, "FORMULA.GOTO" }, { 0x005D, "HIDE" }, { 0x005E, "UNHIDE" }, { 0x005F, "WORKSPACE" },
	{ 0x0060, "FORMULA" }, { 0x0061, "FORMULA.FILL" }, { 0x0062, "FORMULA.ARRAY" },
	{ 0x0067, "ACTIVATE" }, { 0x006D, "SELECT" }, { 0x006E, "DELETE.NAME" }, { 0x0076, "ALERT" },
	{ 0x0077, "NEW" }, { 0x007A, "MESSAGE" }, { 0x007D, "APP.ACTIVATE" }, { 0x0083, "SEND.KEYS" },
	{ 0x008C, "DISABLE.INPUT" }, { 0x0090, "FILE.CLOSE" }, { 0x0091, "SAVE.WORKBOOK" },
	{ 0x0094, "ON.TIME" }, { 0x0095, "WAIT" }, { 0x009F, "SET.UPDATE.STATUS" },
	{ 0x00A8, "ON.KEY" }, { 0x00A9, "APP.RESTORE" }, { 0x00AC, "APP.MINIMIZE" },
	{ 0x00AD, "APP.MAXIMIZE" }, { 0x00BC, "OPEN.MAIL" }, { 0x00BD, "SEND.MAIL" },
	{ 0x00D0, "SAVE.NEW.OBJECT" }, { 0x00D7, "HIDE.OBJECT" }, { 0x00E3, "ON.RECALC" },
	{ 0x0103, "INSERT.OBJECT" }, { 0x0117, "ON.DOUBLECLICK" }, { 0x0118, "ON.ENTRY" },
	{ 0x0119, "WORKBOOK.ADD" }, { 0x011B, "WORKBOOK.COPY" }, { 0x011D, "SAVE.WORKSPACE" },
	{ 0x0123, "WORKBOOK.SELECT" }, { 0x0124, "WORKBOOK.ACTIVATE" }, { 0x012E, "WORKBOOK.NEW" },
	{ 0x0144, "VBAActivate" }, { 0x0148, "VBA.INSERT.FILE" }, { 0x017F, "WORKBOOK.HIDE" },
	{ 0x0180, "WORKBOOK.UNHIDE" }, { 0x0181, "WORKBOOK.DELETE" }, { 0x0182, "WORKBOOK.NAME" },
	{ 0x01C8, "SAVE.COPY.AS" }, { 0x01D7, "ON.SHEET" },
};

/* Built-in defined names (MS-XLS 2.5.148.1, Lbl.Name when fBuiltin). */
static const char *const builtin_names[] = {
	"Consolidate_Area", "Auto_Open", "Auto_Close", "Extract", "Database", "Criteria",
	"Print_Area", "Print_Titles", "Recorder", "Data_Form", "Auto_Activate",
	"Auto_Deactivate", "Sheet_Title", "_FilterDatabase",
};

typedef struct {
	guint32 pos;    /* lbPlyPos: offset of the sheet's BOF in the stream */
	guint8  state;  /* 0 visible, 1 hidden, 2 very hidden */
	guint8  type;   /* 0 worksheet or dialog, 1 macro sheet, 2 chart, 6 VBA module */
	char   *name;
} biff_sheet;

typedef struct {
	char    *name;
	gboolean builtin;
	guint8   builtin_code;
	GBytes  *rgce;
} biff_name;

typedef struct {
	mh_document             *doc;
	const mh_office_options *options;
	const guint8            *data;
	gsize                    len;
	gboolean                 biff8;
	guint                    codepage;
	GArray                  *sheets;  /* of biff_sheet */
	GPtrArray               *names;   /* of biff_name* */
	GArray                  *xti;     /* of gint: itabFirst of each EXTERNSHEET entry */
	GByteArray              *rec;     /* the current record, CONTINUEs appended */
	GString                 *collect; /* tests: every macro sheet's formulas, or NULL */
	GHashTable              *walked;  /* BOF offsets of the macro sheets read */
	gsize                    walk_budget; /* bytes the macro sheet walks may still read */
} biff_book;

static void
biff_name_free (gpointer p)
{
	biff_name *n = p;
	g_free (n->name);
	if (n->rgce)
		g_bytes_unref (n->rgce);
	g_free (n);
}

static void
biff_sheet_clear (gpointer p)
{
	g_free (((biff_sheet *) p)->name);
}

/* The record at *pos with its CONTINUE records in b->rec; FALSE at the
 * end of the stream or on a record that runs past it. */
static gboolean
biff_next (biff_book *b, gsize *pos, guint16 *type)
{
	if (!fits (b->len, *pos, 4))
		return FALSE;
	*type = rd16 (b->data + *pos);
	guint16 size = rd16 (b->data + *pos + 2);
	if (!fits (b->len, *pos + 4, size)) {
		_mh_document_add_problem (b->doc, "Excel: record 0x%04x at %" G_GSIZE_FORMAT " runs past the stream",
		                          *type, *pos);
		return FALSE;
	}
	g_byte_array_set_size (b->rec, 0);
	g_byte_array_append (b->rec, b->data + *pos + 4, size);
	*pos += 4 + (gsize) size;
	while (*type != 0x003C && fits (b->len, *pos, 4) && rd16 (b->data + *pos) == 0x003C) {
		size = rd16 (b->data + *pos + 2);
		if (!fits (b->len, *pos + 4, size))
			break;
		if (b->rec->len + size <= MAX_BIFF_RECORD)
			g_byte_array_append (b->rec, b->data + *pos + 4, size);
		else
			_mh_document_add_problem (b->doc, "Excel: record 0x%04x longer than %u bytes: cut",
			                          *type, MAX_BIFF_RECORD);
		*pos += 4 + (gsize) size;
	}
	return TRUE;
}

/* An Excel string of @cch characters at @p (BIFF8: a flag byte says
 * whether characters are 8 or 16 bits wide; BIFF5: 8-bit in the
 * workbook's code page).  *used gets the bytes read. */
static char *
biff_string (const biff_book *b, const guint8 *p, gsize avail, gsize cch, gsize *used)
{
	*used = 0;
	if (!b->biff8) {
		gsize n = MIN (cch, avail);
		*used = n;
		return text_from_codepage (p, n, b->codepage);
	}
	if (avail < 1)
		return g_strdup ("");
	gboolean wide = (p[0] & 0x01) != 0;
	gsize n = MIN (cch, (avail - 1) / (wide ? 2 : 1));
	*used = 1 + n * (wide ? 2 : 1);
	if (wide)
		return utf16le_to_utf8 (p + 1, n);
	GString *s = g_string_sized_new (n + 1);
	for (gsize i = 0; i < n; i++)
		mh_string_append_unichar (s, p[1 + i] ? p[1 + i] : ' ');
	return g_string_free (s, FALSE);
}

static const char *
sheet_name (const biff_book *b, gint index)
{
	if (index < 0 || (guint) index >= b->sheets->len)
		return NULL;
	return g_array_index (b->sheets, biff_sheet, index).name;
}

static const char *
sheet_state (guint8 state)
{
	switch (state & 0x03) {
	case 0: return "visible";
	case 1: return "hidden";
	default: return "very hidden";
	}
}

/* -- XLM formulas as text ---------------------------------------------------- */

/* The operand stack of the RPN formula: each entry the text of a
 * sub-expression. */
typedef struct {
	GPtrArray *items;
	gboolean   broken;  /* stack over- or underflow: the text is partial */
	gsize      work;    /* bytes of text built so far: a formula of nested
	                     * parentheses must not copy a long string forever */
} formula_stack;

#define MAX_FORMULA_WORK (4u << 20)

static void
stack_push (formula_stack *st, char *text)
{
	if (st->items->len >= MAX_FORMULA_STACK) {
		st->broken = TRUE;
		g_free (text);
		return;
	}
	gsize len = strlen (text);
	if (len > MAX_FORMULA_TEXT) {
		text[MAX_FORMULA_TEXT] = '\0';
		len = MAX_FORMULA_TEXT;
		st->broken = TRUE;
	}
	st->work += len;
	g_ptr_array_add (st->items, text);
}

static char *
stack_pop (formula_stack *st)
{
	if (st->items->len == 0) {
		st->broken = TRUE;
		return g_strdup ("?");
	}
	return g_ptr_array_steal_index (st->items, st->items->len - 1);
}

static char *
cell_text (guint row, guint col)
{
	return g_strdup_printf ("R%uC%u", row + 1, col + 1);
}

static const char *
function_name (guint16 index, gboolean command, char *buf, gsize size)
{
	if (command) {
		for (gsize i = 0; i < G_N_ELEMENTS (xlm_commands); i++)
			if (xlm_commands[i].index == index)
				return xlm_commands[i].name;
		g_snprintf (buf, size, "CMD0x%04X", index);
		return buf;
	}
	if (index < G_N_ELEMENTS (xlm_functions) && xlm_functions[index].name)
		return xlm_functions[index].name;
	g_snprintf (buf, size, "FUNC0x%04X", index);
	return buf;
}

/* NAME(arg1,arg2,...) from the top @argc entries of the stack; index
 * 0xFF (a user-defined or add-in function) takes its name from the
 * first argument. */
static void
push_call (formula_stack *st, const char *name, guint argc)
{
	if (argc > st->items->len) {
		st->broken = TRUE;
		argc = st->items->len;
	}
	guint first = st->items->len - argc;
	guint k = first;
	GString *s = g_string_new (NULL);
	if (name)
		g_string_append (s, name);
	else if (argc > 0)
		g_string_append (s, g_ptr_array_index (st->items, k++));
	else
		g_string_append_c (s, '?');
	g_string_append_c (s, '(');
	for (guint i = k; i < st->items->len; i++) {
		if (i > k)
			g_string_append_c (s, ',');
		g_string_append (s, g_ptr_array_index (st->items, i));
	}
	g_string_append_c (s, ')');
	g_ptr_array_remove_range (st->items, first, argc);
	stack_push (st, g_string_free (s, FALSE));
}

static char *
quoted (const char *s)
{
	GString *q = g_string_new ("\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			g_string_append_c (q, '"');
		g_string_append_c (q, *p);
	}
	g_string_append_c (q, '"');
	return g_string_free (q, FALSE);
}

static char *
sheet_ref (const biff_book *b, gint itab, const char *cell)
{
	const char *sheet = sheet_name (b, itab);
	if (sheet)
		return g_strdup_printf ("%s!%s", sheet, cell);
	return g_strdup_printf ("[sheet %d]!%s", itab, cell);
}

static gint
xti_sheet (const biff_book *b, guint ixti)
{
	if (ixti >= b->xti->len)
		return -1;
	return g_array_index (b->xti, gint, ixti);
}

/* The expression of a formula (Rgce, MS-XLS 2.5.198.104) as text, good
 * enough for keyword rules: function names, string constants, numbers,
 * cell references.  Unknown tokens end the walk (their size is
 * unknown); what was read so far is kept. */
static char *
formula_text (const biff_book *b, const guint8 *rgce, gsize cce)
{
	formula_stack st = { g_ptr_array_new_with_free_func (g_free), FALSE, 0 };
	const gboolean v8 = b->biff8;
	gsize i = 0;
	guint tokens = 0;

	while (i < cce && tokens++ < 65536 && st.work < MAX_FORMULA_WORK) {
		guint8 ptg = rgce[i++];
		guint8 base = ptg < 0x20 ? ptg : (guint8) ((ptg & 0x1F) | 0x20);
		gsize avail = cce - i;
		const guint8 *p = rgce + i;
		gsize need = 0;
		char buf[64];

		switch (base) {
		case 0x01: case 0x02: /* ptgExp, ptgTbl: shared or table formula */
			need = v8 ? 4 : 3;
			if (avail < need)
				goto truncated;
			stack_push (&st, g_strdup_printf ("[shared %s]", "formula"));
			break;
		case 0x03: case 0x04: case 0x05: case 0x06: case 0x07: case 0x08:
		case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x0E:
		case 0x0F: case 0x10: case 0x11: {
			static const char *const ops[] = { "+", "-", "*", "/", "^", "&", "<", "<=", "=",
			                                   ">=", ">", "<>", " ", ",", ":" };
			g_autofree char *rhs = stack_pop (&st);
			g_autofree char *lhs = stack_pop (&st);
			stack_push (&st, g_strconcat (lhs, ops[base - 0x03], rhs, NULL));
			break;
		}
		case 0x12: case 0x13: {
			g_autofree char *a = stack_pop (&st);
			stack_push (&st, g_strconcat (base == 0x12 ? "+" : "-", a, NULL));
			break;
		}
		case 0x14: {
			g_autofree char *a = stack_pop (&st);
			stack_push (&st, g_strconcat (a, "%", NULL));
			break;
		}
		case 0x15: {
			g_autofree char *a = stack_pop (&st);
			stack_push (&st, g_strconcat ("(", a, ")", NULL));
			break;
		}
		case 0x16:
			stack_push (&st, g_strdup (""));
			break;
		case 0x17: { /* ptgStr */
			if (avail < 1)
				goto truncated;
			gsize used;
			g_autofree char *s = biff_string (b, p + 1, avail - 1, p[0], &used);
			need = 1 + used;
			stack_push (&st, quoted (s));
			break;
		}
		case 0x19: { /* ptgAttr */
			if (avail < 3)
				goto truncated;
			guint8 grbit = p[0];
			need = 3;
			if (grbit & 0x04) { /* tAttrChoose: a jump table follows */
				need += ((gsize) rd16 (p + 1) + 1) * 2;
				if (avail < need)
					goto truncated;
			}
			if (grbit & 0x10) /* tAttrSum: SUM with one argument */
				push_call (&st, "SUM", 1);
			break;
		}
		case 0x1C:
			need = 1;
			if (avail < need)
				goto truncated;
			stack_push (&st, g_strdup_printf ("#ERR%u", p[0]));
			break;
		case 0x1D:
			need = 1;
			if (avail < need)
				goto truncated;
			stack_push (&st, g_strdup (p[0] ? "TRUE" : "FALSE"));
			break;
		case 0x1E:
			need = 2;
			if (avail < need)
				goto truncated;
			stack_push (&st, g_strdup_printf ("%u", rd16 (p)));
			break;
		case 0x1F: {
			need = 8;
			if (avail < need)
				goto truncated;
			guint64 bits = rd64 (p);
			gdouble d;
			memcpy (&d, &bits, sizeof d);
			char num[G_ASCII_DTOSTR_BUF_SIZE];
			stack_push (&st, g_strdup (g_ascii_formatd (num, sizeof num, "%.15g", d)));
			break;
		}
		case 0x20:
			need = 7;
			if (avail < need)
				goto truncated;
			stack_push (&st, g_strdup ("{array}"));
			break;
		case 0x21: { /* ptgFunc: fixed argument count */
			need = 2;
			if (avail < need)
				goto truncated;
			guint16 index = rd16 (p);
			int argc = index < G_N_ELEMENTS (xlm_functions) ? xlm_functions[index].args : -1;
			/* a macro function used with a fixed count we do not know:
			 * one argument is the usual case (CHAR, GET.WORKSPACE ...) */
			push_call (&st, function_name (index, FALSE, buf, sizeof buf), argc < 0 ? 1 : (guint) argc);
			break;
		}
		case 0x22: { /* ptgFuncVar */
			need = 3;
			if (avail < need)
				goto truncated;
			guint argc = p[0] & 0x7F;
			guint16 tab = rd16 (p + 1);
			gboolean command = (tab & 0x8000) != 0;
			tab &= 0x7FFF;
			if (!command && tab == 0x00FF)
				push_call (&st, NULL, argc);
			else
				push_call (&st, function_name (tab, command, buf, sizeof buf), argc);
			break;
		}
		case 0x23: { /* ptgName: 1-based index of a NAME record */
			need = v8 ? 4 : 14;
			if (avail < need)
				goto truncated;
			guint16 index = rd16 (p);
			const biff_name *n = index >= 1 && index <= b->names->len
			                     ? g_ptr_array_index (b->names, index - 1) : NULL;
			stack_push (&st, n ? g_strdup (n->name) : g_strdup_printf ("[name %u]", index));
			break;
		}
		case 0x24: case 0x2A: case 0x2C: /* ptgRef, ptgRefErr, ptgRefN */
			need = v8 ? 4 : 3;
			if (avail < need)
				goto truncated;
			if (base == 0x2A)
				stack_push (&st, g_strdup ("#REF!"));
			else if (v8)
				stack_push (&st, cell_text (rd16 (p), rd16 (p + 2) & 0x3FFF));
			else
				stack_push (&st, cell_text (rd16 (p) & 0x3FFF, p[2]));
			break;
		case 0x25: case 0x2B: case 0x2D: /* ptgArea, ptgAreaErr, ptgAreaN */
			need = v8 ? 8 : 6;
			if (avail < need)
				goto truncated;
			if (base == 0x2B) {
				stack_push (&st, g_strdup ("#REF!"));
			} else {
				guint r1 = v8 ? rd16 (p) : rd16 (p) & 0x3FFF;
				guint r2 = v8 ? rd16 (p + 2) : rd16 (p + 2) & 0x3FFF;
				guint c1 = v8 ? rd16 (p + 4) & 0x3FFF : p[4];
				guint c2 = v8 ? rd16 (p + 6) & 0x3FFF : p[5];
				g_autofree char *a = cell_text (r1, c1);
				g_autofree char *z = cell_text (r2, c2);
				stack_push (&st, g_strconcat (a, ":", z, NULL));
			}
			break;
		case 0x26: case 0x27: case 0x28: /* ptgMemArea, MemErr, MemNoMem: a sub-expression follows */
			need = 6;
			if (avail < need)
				goto truncated;
			break;
		case 0x29: case 0x2E: case 0x2F:
			need = 2;
			if (avail < need)
				goto truncated;
			break;
		case 0x39: { /* ptgNameX */
			need = v8 ? 6 : 24;
			if (avail < need)
				goto truncated;
			guint16 index = v8 ? rd16 (p + 2) : rd16 (p + 10);
			const biff_name *n = index >= 1 && index <= b->names->len
			                     ? g_ptr_array_index (b->names, index - 1) : NULL;
			stack_push (&st, n ? g_strdup (n->name) : g_strdup_printf ("[external name %u]", index));
			break;
		}
		case 0x3A: case 0x3C: { /* ptgRef3d, ptgRefErr3d */
			need = v8 ? 6 : 17;
			if (avail < need)
				goto truncated;
			gint itab = v8 ? xti_sheet (b, rd16 (p)) : (gint) (gint16) rd16 (p + 10);
			g_autofree char *cell = base == 0x3C ? g_strdup ("#REF!")
			                        : v8 ? cell_text (rd16 (p + 2), rd16 (p + 4) & 0x3FFF)
			                             : cell_text (rd16 (p + 14) & 0x3FFF, p[16]);
			stack_push (&st, sheet_ref (b, itab, cell));
			break;
		}
		case 0x3B: case 0x3D: { /* ptgArea3d, ptgAreaErr3d */
			need = v8 ? 10 : 20;
			if (avail < need)
				goto truncated;
			gint itab = v8 ? xti_sheet (b, rd16 (p)) : (gint) (gint16) rd16 (p + 10);
			g_autofree char *range = NULL;
			if (base == 0x3D) {
				range = g_strdup ("#REF!");
			} else {
				guint r1 = v8 ? rd16 (p + 2) : rd16 (p + 14) & 0x3FFF;
				guint r2 = v8 ? rd16 (p + 4) : rd16 (p + 16) & 0x3FFF;
				guint c1 = v8 ? rd16 (p + 6) & 0x3FFF : p[18];
				guint c2 = v8 ? rd16 (p + 8) & 0x3FFF : p[19];
				g_autofree char *a = cell_text (r1, c1);
				g_autofree char *z = cell_text (r2, c2);
				range = g_strconcat (a, ":", z, NULL);
			}
			stack_push (&st, sheet_ref (b, itab, range));
			break;
		}
		default:
			stack_push (&st, g_strdup_printf ("[token 0x%02x]", ptg));
			i = cce;
			continue;
		}
		i += need;
	}
	goto done;

truncated:
	stack_push (&st, g_strdup ("[truncated]"));
done:;
	/* what is left on the stack, bottom to top (normally one entry) */
	GString *out = g_string_new (NULL);
	for (guint k = 0; k < st.items->len && out->len < MAX_FORMULA_TEXT; k++) {
		if (k > 0)
			g_string_append_c (out, ' ');
		g_string_append (out, g_ptr_array_index (st.items, k));
	}
	g_ptr_array_unref (st.items);
	return g_string_free (out, FALSE);
}

/* -- Excel's default password (MS-OFFCRYPTO 2.3.6: RC4 encryption) ----------
 * A workbook "encrypted" with the password VelvetSweatshop opens without a
 * prompt: a way to keep a workbook's macros from scanners.  Such a stream
 * is decrypted and read like any other; other passwords are not tried. */

#define DEFAULT_PASSWORD "VelvetSweatshop"

typedef struct {
	guint8 s[256];
	guint8 i, j;
} rc4_state;

static void
rc4_init (rc4_state *rc4, const guint8 *key, gsize len)
{
	for (int k = 0; k < 256; k++)
		rc4->s[k] = (guint8) k;
	guint8 j = 0;
	for (int k = 0; k < 256; k++) {
		j = (guint8) (j + rc4->s[k] + key[k % len]);
		guint8 t = rc4->s[k];
		rc4->s[k] = rc4->s[j];
		rc4->s[j] = t;
	}
	rc4->i = rc4->j = 0;
}

static void
rc4_xor (rc4_state *rc4, guint8 *data, gsize len)
{
	for (gsize k = 0; k < len; k++) {
		rc4->i = (guint8) (rc4->i + 1);
		rc4->j = (guint8) (rc4->j + rc4->s[rc4->i]);
		guint8 t = rc4->s[rc4->i];
		rc4->s[rc4->i] = rc4->s[rc4->j];
		rc4->s[rc4->j] = t;
		data[k] ^= rc4->s[(guint8) (rc4->s[rc4->i] + rc4->s[rc4->j])];
	}
}

static void
md5 (const guint8 *data, gsize len, guint8 out[16])
{
	GChecksum *sum = g_checksum_new (G_CHECKSUM_MD5);
	g_checksum_update (sum, data, (gssize) len);
	gsize n = 16;
	g_checksum_get_digest (sum, out, &n);
	g_checksum_free (sum);
}

/* The RC4 key of one 1024-byte block (MS-OFFCRYPTO 2.3.6.2). */
static void
rc4_block_key (const guint8 truncated[5], guint32 block, rc4_state *rc4)
{
	guint8 buf[9], key[16];
	memcpy (buf, truncated, 5);
	buf[5] = block & 0xFF;
	buf[6] = (block >> 8) & 0xFF;
	buf[7] = (block >> 16) & 0xFF;
	buf[8] = block >> 24;
	md5 (buf, sizeof buf, key);
	rc4_init (rc4, key, sizeof key);
}

/* The password's hash truncated to 40 bits, when @password opens the
 * FILEPASS record's verifier; FALSE otherwise. */
static gboolean
rc4_password_key (const guint8 *filepass, gsize len, const char *password, guint8 truncated[20])
{
	/* wEncryptionType 1 (RC4), vMajor 1, vMinor 1, salt, verifier, verifier hash */
	if (len < 54 || rd16 (filepass) != 1 || rd16 (filepass + 2) != 1 || rd16 (filepass + 4) != 1)
		return FALSE;
	const guint8 *salt = filepass + 6;
	guint8 pw[64 * 2];
	gsize n = 0;
	for (const char *p = password; *p && n + 2 <= sizeof pw; p++) {
		pw[n++] = (guint8) *p;
		pw[n++] = 0;
	}
	guint8 h0[16];
	md5 (pw, n, h0);
	guint8 buf[16 * 21];
	for (int k = 0; k < 16; k++) {
		memcpy (buf + k * 21, h0, 5);
		memcpy (buf + k * 21 + 5, salt, 16);
	}
	guint8 h1[16];
	md5 (buf, sizeof buf, h1);
	memcpy (truncated, h1, 5);

	guint8 check[32];
	memcpy (check, filepass + 22, 32);
	rc4_state rc4;
	rc4_block_key (truncated, 0, &rc4);
	rc4_xor (&rc4, check, 32);
	guint8 digest[16];
	md5 (check, 16, digest);
	return memcmp (digest, check + 16, 16) == 0;
}

static void
sha1 (const guint8 *a, gsize alen, const guint8 *b, gsize blen, guint8 out[20])
{
	GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA1);
	g_checksum_update (sum, a, (gssize) alen);
	g_checksum_update (sum, b, (gssize) blen);
	gsize n = 20;
	g_checksum_get_digest (sum, out, &n);
	g_checksum_free (sum);
}

/* Both RC4 flavours of FILEPASS: the key of a block from the password. */
typedef struct {
	gboolean cryptoapi;
	guint8   h[20];      /* RC4: the 40-bit truncated hash; CryptoAPI: H0 */
	gsize    key_bytes;  /* CryptoAPI: KeySize / 8 */
} rc4_password;

static void
block_key (const rc4_password *pw, guint32 block, rc4_state *rc4)
{
	if (!pw->cryptoapi) {
		rc4_block_key (pw->h, block, rc4);
		return;
	}
	guint8 le[4] = { block & 0xFF, (block >> 8) & 0xFF, (block >> 16) & 0xFF, block >> 24 };
	guint8 digest[20], key[16] = { 0 };
	sha1 (pw->h, 20, le, 4, digest);
	/* a 40-bit key is used as 128 bits with zeros after it */
	memcpy (key, digest, MIN (pw->key_bytes, sizeof key));
	rc4_init (rc4, key, pw->key_bytes <= 5 ? 16 : MIN (pw->key_bytes, sizeof key));
}

/* RC4 CryptoAPI (MS-OFFCRYPTO 2.3.5): header, then salt, verifier and
 * its SHA-1 hash; TRUE when @password opens the verifier. */
static gboolean
cryptoapi_password_key (const guint8 *fp, gsize len, const char *password, rc4_password *pw)
{
	if (len < 14 || rd16 (fp) != 1 || rd16 (fp + 4) != 2)
		return FALSE;
	guint32 header_size = rd32 (fp + 10);
	gsize off = 14;
	if (header_size < 32 || !fits (len, off, header_size))
		return FALSE;
	guint32 key_bits = rd32 (fp + off + 16);
	off += header_size;
	/* SaltSize, Salt[16], EncryptedVerifier[16], VerifierHashSize, EncryptedVerifierHash[20] */
	if (!fits (len, off, 4 + 16 + 16 + 4 + 20) || rd32 (fp + off) != 16)
		return FALSE;
	const guint8 *salt = fp + off + 4;
	guint8 pwbuf[64 * 2];
	gsize n = 0;
	for (const char *p = password; *p && n + 2 <= sizeof pwbuf; p++) {
		pwbuf[n++] = (guint8) *p;
		pwbuf[n++] = 0;
	}
	pw->cryptoapi = TRUE;
	pw->key_bytes = key_bits == 0 ? 5 : MIN (key_bits / 8, 16u);
	sha1 (salt, 16, pwbuf, n, pw->h);
	guint8 check[36];
	memcpy (check, fp + off + 20, 16);
	memcpy (check + 16, fp + off + 40, 20);
	rc4_state rc4;
	block_key (pw, 0, &rc4);
	rc4_xor (&rc4, check, sizeof check);
	guint8 digest[20];
	sha1 (check, 16, NULL, 0, digest);
	return memcmp (digest, check + 16, 20) == 0;
}

/* Records whose bodies are never encrypted (MS-XLS 2.2.10). */
static gboolean
record_in_clear (guint16 type)
{
	return type == 0x0809 || type == 0x002F || type == 0x0194 || type == 0x0195 ||
	       type == 0x00E1 || type == 0x0196 || type == 0x0138;
}

/* The workbook stream decrypted, or NULL when the default password does
 * not open it.  Record headers, the records above and BOUNDSHEET's
 * stream offset are in clear; the key stream runs over every byte. */
static GBytes *
biff_decrypt_default (const guint8 *data, gsize len, const guint8 *filepass, gsize filepass_len)
{
	rc4_password pw = { 0 };
	if (!rc4_password_key (filepass, filepass_len, DEFAULT_PASSWORD, pw.h) &&
	    !cryptoapi_password_key (filepass, filepass_len, DEFAULT_PASSWORD, &pw))
		return NULL;
	guint8 *plain = g_memdup2 (data, len);
	for (gsize block = 0; block * 1024 < len; block++) {
		rc4_state rc4;
		block_key (&pw, (guint32) block, &rc4);
		rc4_xor (&rc4, plain + block * 1024, MIN (1024, len - block * 1024));
	}
	gsize pos = 0;
	while (fits (len, pos, 4)) {
		guint16 type = rd16 (data + pos);
		gsize size = rd16 (data + pos + 2);
		memcpy (plain + pos, data + pos, 4);
		pos += 4;
		size = MIN (size, len - pos);
		if (record_in_clear (type))
			memcpy (plain + pos, data + pos, size);
		else if (type == 0x0085)
			memcpy (plain + pos, data + pos, MIN (size, 4));
		pos += size;
	}
	return g_bytes_new_take (plain, len);
}

/* -- the workbook ------------------------------------------------------------ */

static void
biff_read_boundsheet (biff_book *b)
{
	const guint8 *r = b->rec->data;
	gsize n = b->rec->len;
	if (n < 7) {
		_mh_document_add_problem (b->doc, "Excel: short BOUNDSHEET record");
		return;
	}
	if (b->sheets->len >= b->options->limits.max_entries) {
		_mh_document_add_problem (b->doc, "Excel: more than %u sheets: the rest are not read",
		                          b->options->limits.max_entries);
		return;
	}
	biff_sheet sheet = { .pos = rd32 (r), .state = r[4] & 0x03, .type = r[5] };
	gsize used;
	sheet.name = biff_string (b, r + 7, n - 7, r[6], &used);
	g_array_append_val (b->sheets, sheet);
}

static void
biff_read_name (biff_book *b)
{
	const guint8 *r = b->rec->data;
	gsize n = b->rec->len;
	if (n < 14) {
		_mh_document_add_problem (b->doc, "Excel: short NAME record");
		return;
	}
	if (b->names->len >= b->options->limits.max_entries) {
		_mh_document_add_problem (b->doc, "Excel: more than %u defined names: the rest are not read",
		                          b->options->limits.max_entries);
		return;
	}
	guint16 grbit = rd16 (r);
	guint cch = r[3];
	guint cce = rd16 (r + 4);
	biff_name *name = g_new0 (biff_name, 1);
	name->builtin = (grbit & 0x0020) != 0;
	gsize used = 0;
	if (name->builtin) {
		/* one character: the built-in name's code */
		gsize at = b->biff8 ? 15 : 14;
		gboolean wide = b->biff8 && n > 14 && (r[14] & 0x01);
		name->builtin_code = at < n ? r[at] : 0xFF;
		used = b->biff8 ? 1 + (wide ? 2 : 1) * cch : cch;
		name->name = g_strdup (name->builtin_code < G_N_ELEMENTS (builtin_names)
		                       ? builtin_names[name->builtin_code] : "[built-in name]");
	} else {
		name->name = biff_string (b, r + 14, n - 14, cch, &used);
	}
	gsize at = 14 + used;
	if (fits (n, at, cce))
		name->rgce = g_bytes_new (r + at, cce);
	g_ptr_array_add (b->names, name);
}

static void
biff_read_externsheet (biff_book *b)
{
	/* BIFF8 only: XTI entries (iSupBook, itabFirst, itabLast); BIFF5
	 * references carry the sheet index themselves */
	if (!b->biff8 || b->rec->len < 2)
		return;
	guint count = rd16 (b->rec->data);
	for (guint i = 0; i < count && fits (b->rec->len, 2 + (gsize) i * 6, 6); i++) {
		gint itab = (gint16) rd16 (b->rec->data + 2 + i * 6 + 2);
		g_array_append_val (b->xti, itab);
	}
}

/* Auto_Open (the built-in name or a user name beginning with it) runs
 * the macro in the cell it names when the workbook opens. */
static void
biff_auto_open (biff_book *b)
{
	for (guint i = 0; i < b->names->len; i++) {
		const biff_name *n = g_ptr_array_index (b->names, i);
		gboolean auto_open = n->builtin ? n->builtin_code == 0x01
		                                : starts_with_nocase (n->name, "Auto_Open");
		if (!auto_open)
			continue;
		g_autofree char *target = NULL;
		if (n->rgce && g_bytes_get_size (n->rgce) > 0) {
			gsize cce;
			const guint8 *rgce = g_bytes_get_data (n->rgce, &cce);
			target = formula_text (b, rgce, cce);
		}
		g_autofree char *evidence = target && *target ? g_strdup_printf ("%s -> %s", n->name, target)
		                                              : g_strdup (n->name);
		_mh_document_add_finding (b->doc, b->options, "doc.xlm-auto-open", MH_SEVERITY_HIGH,
		                          "Workbook:NAME", evidence,
		                          "defined name %s runs an Excel 4.0 macro when the workbook opens%s%s",
		                          n->name, target && *target ? ": " : "", target && *target ? target : "");
	}
}

/* The formulas of one macro sheet as lines "Sheet!R1C1: =EXEC(...)",
 * handed to the XLM keyword rules. */
static void
biff_macro_sheet (biff_book *b, const biff_sheet *sheet)
{
	gsize pos = sheet->pos;
	guint16 type;
	if (g_hash_table_contains (b->walked, GUINT_TO_POINTER (sheet->pos)))
		return; /* two BOUNDSHEETs naming one substream: read once */
	g_hash_table_add (b->walked, GUINT_TO_POINTER (sheet->pos));
	if (!biff_next (b, &pos, &type) || (type != 0x0809 && type != 0x0409 && type != 0x0209)) {
		_mh_document_add_problem (b->doc, "Excel: macro sheet %s: no BOF at offset %u",
		                          sheet->name, sheet->pos);
		return;
	}
	g_autoptr (GString) text = g_string_new (NULL);
	gsize cap = b->options->limits.max_stream_size;
	gsize start = pos;
	while (biff_next (b, &pos, &type) && type != 0x000A) {
		if (type == 0x0809) /* a BOF without EOF: the next substream */
			break;
		/* BOUNDSHEETs may point into one another's records: all the sheet
		 * walks together read the stream at most a few times over */
		if (pos - start > b->walk_budget) {
			_mh_document_add_problem (b->doc, "Excel: macro sheets overlap: formulas after %s not read",
			                          sheet->name);
			b->walk_budget = 0;
			break;
		}
		if (type != 0x0006 || b->rec->len < 22)
			continue;
		const guint8 *r = b->rec->data;
		guint row = rd16 (r), col = rd16 (r + 2) & (b->biff8 ? 0x3FFF : 0xFF);
		gsize cce = MIN ((gsize) rd16 (r + 20), b->rec->len - 22);
		g_autofree char *expr = formula_text (b, r + 22, cce);
		if (text->len + strlen (expr) + 64 + strlen (sheet->name) > cap) {
			_mh_document_add_problem (b->doc, "Excel: macro sheet %s: formulas cut at %" G_GSIZE_FORMAT " bytes",
			                          sheet->name, cap);
			break;
		}
		g_string_append_printf (text, "%s!R%uC%u: =%s\n", sheet->name, row + 1, col + 1, expr);
	}
	b->walk_budget -= MIN (b->walk_budget, pos - start);
	if (text->len == 0)
		return;
	if (b->collect)
		g_string_append_len (b->collect, text->str, (gssize) text->len);
	g_autofree char *location = g_strconcat ("xlm:", sheet->name, NULL);
	_mh_xlm_rules_apply (b->doc, text->str, text->len, location, b->options);
}

/* -- Excel cell text (for lure matching) -- */

/* The bytes of one record and its CONTINUE records, read across their
 * boundaries.  A string in the SST whose characters run into a CONTINUE
 * record starts that record with a new option byte (MS-XLS 2.5.293
 * XLUnicodeRichExtendedString): the cursor needs the boundaries. */
#define MAX_SST_SEGMENTS 4096

typedef struct {
	const guint8 *seg[MAX_SST_SEGMENTS];
	gsize         seg_len[MAX_SST_SEGMENTS];
	guint         count;
	guint         cur;     /* segment */
	gsize         off;     /* offset in it */
	gboolean      capped;  /* more CONTINUE records than MAX_SST_SEGMENTS */
} biff_cursor;

/* Collects the record at @pos (type already checked) and its CONTINUEs;
 * returns the position after them. */
static gsize
cursor_init (biff_cursor *c, const guint8 *data, gsize len, gsize pos)
{
	c->count = 0;
	c->cur = 0;
	c->off = 0;
	c->capped = FALSE;
	gboolean first = TRUE;
	while (fits (len, pos, 4) && (first || rd16 (data + pos) == 0x003C)) {
		gsize size = rd16 (data + pos + 2);
		if (!fits (len, pos + 4, size))
			break;
		if (c->count < MAX_SST_SEGMENTS) {
			c->seg[c->count] = data + pos + 4;
			c->seg_len[c->count] = size;
			c->count++;
		} else {
			c->capped = TRUE;
		}
		pos += 4 + size;
		first = FALSE;
	}
	return pos;
}

/* Moves past empty segments; FALSE at the end. */
static gboolean
cursor_ready (biff_cursor *c)
{
	while (c->cur < c->count && c->off >= c->seg_len[c->cur]) {
		c->cur++;
		c->off = 0;
	}
	return c->cur < c->count;
}

static gboolean
cursor_byte (biff_cursor *c, guint8 *out)
{
	if (!cursor_ready (c))
		return FALSE;
	*out = c->seg[c->cur][c->off++];
	return TRUE;
}

static gboolean
cursor_u16 (biff_cursor *c, guint16 *out)
{
	guint8 lo, hi;
	if (!cursor_byte (c, &lo) || !cursor_byte (c, &hi))
		return FALSE;
	*out = (guint16) (lo | (hi << 8));
	return TRUE;
}

static gboolean
cursor_u32 (biff_cursor *c, guint32 *out)
{
	guint16 lo, hi;
	if (!cursor_u16 (c, &lo) || !cursor_u16 (c, &hi))
		return FALSE;
	*out = (guint32) lo | ((guint32) hi << 16);
	return TRUE;
}

/* Skips @n bytes (rich-text runs and phonetic data carry no option
 * bytes at a boundary). */
static gboolean
cursor_skip (biff_cursor *c, gsize n)
{
	while (n > 0) {
		if (!cursor_ready (c))
			return FALSE;
		gsize step = MIN (n, c->seg_len[c->cur] - c->off);
		c->off += step;
		n -= step;
	}
	return TRUE;
}

/* @cch characters, 8 or 16 bits wide as @wide says, the width re-read at
 * every CONTINUE boundary.  Appends UTF-8 to @out. */
static gboolean
cursor_chars (biff_cursor *c, gsize cch, gboolean wide, GString *out)
{
	for (gsize i = 0; i < cch; i++) {
		if (c->cur < c->count && c->off >= c->seg_len[c->cur]) {
			if (!cursor_ready (c))
				return FALSE;
			/* characters continue in a new record: its first byte is the width */
			guint8 flags;
			if (!cursor_byte (c, &flags))
				return FALSE;
			wide = (flags & 0x01) != 0;
		}
		gunichar ch;
		if (wide) {
			guint16 u;
			if (!cursor_u16 (c, &u))
				return FALSE;
			ch = (u >= 0xD800 && u <= 0xDFFF) ? 0xFFFD : u;
		} else {
			guint8 b;
			if (!cursor_byte (c, &b))
				return FALSE;
			ch = b;
		}
		mh_string_append_unichar (out, ch ? ch : ' ');
	}
	return TRUE;
}

/* SST (MS-XLS 2.4.265): the workbook's shared strings, each one cell
 * text; they go to the text once, however many cells show them. */
static void
biff_shared_strings (biff_book *b, biff_cursor *c)
{
	guint32 total, unique;
	if (!cursor_u32 (c, &total) || !cursor_u32 (c, &unique))
		return;
	g_autoptr (GString) s = g_string_new (NULL);
	/* every string takes at least 3 bytes: the count is bounded by the record */
	for (guint32 i = 0; i < unique && !b->doc->text_truncated; i++) {
		guint16 cch;
		guint8 flags;
		if (!cursor_u16 (c, &cch) || !cursor_byte (c, &flags))
			return;
		guint16 runs = 0;
		guint32 ext = 0;
		if ((flags & 0x08) && !cursor_u16 (c, &runs))
			return;
		if ((flags & 0x04) && !cursor_u32 (c, &ext))
			return;
		g_string_truncate (s, 0);
		gboolean whole = cursor_chars (c, cch, (flags & 0x01) != 0, s);
		if (s->len > 0)
			_mh_document_add_text (b->doc, s->str, (gssize) s->len, b->options);
		if (!whole) {
			_mh_document_add_problem (b->doc, "Excel: shared string %u runs past the SST record", i);
			return;
		}
		if (!cursor_skip (c, (gsize) runs * 4) || !cursor_skip (c, ext))
			return;
	}
}

/* A cell string: BIFF8 XLUnicodeString (16-bit count, option byte), BIFF5
 * a 16-bit count and bytes in the workbook's code page. */
static void
biff_cell_string (biff_book *b, const guint8 *p, gsize avail)
{
	if (avail < 2)
		return;
	gsize cch = rd16 (p);
	gsize used;
	g_autofree char *s = biff_string (b, p + 2, avail - 2, cch, &used);
	if (s && *s)
		_mh_document_add_text (b->doc, s, -1, b->options);
}

/* Every text a cell shows: shared strings, LABEL and RSTRING cells, and
 * the string results of formulas, in stream order (all sheets). */
static void
biff_text (biff_book *b)
{
	biff_cursor *c = g_new (biff_cursor, 1);
	gsize pos = 0;
	/* each step moves at least 4 bytes on */
	while (fits (b->len, pos, 4) && !b->doc->text_truncated) {
		guint16 type = rd16 (b->data + pos);
		gsize size = rd16 (b->data + pos + 2);
		if (!fits (b->len, pos + 4, size))
			break;
		const guint8 *body = b->data + pos + 4;
		if (type == 0x00FC && b->biff8) {
			pos = cursor_init (c, b->data, b->len, pos);
			if (c->capped)
				_mh_document_add_problem (b->doc, "Excel: SST with more than %d CONTINUE records: the rest is not read",
				                          MAX_SST_SEGMENTS);
			biff_shared_strings (b, c);
			continue;
		}
		if ((type == 0x0204 || type == 0x00D6) && size > 6) /* LABEL, RSTRING */
			biff_cell_string (b, body + 6, size - 6);
		else if (type == 0x0207) /* STRING: a formula's text result */
			biff_cell_string (b, body, size);
		pos += 4 + size;
	}
	g_free (c);
}

static void
biff_walk (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options,
           GString *collect, gboolean decrypted)
{
	biff_book b = {
		.doc = doc, .options = options, .data = data, .len = len, .codepage = 1252,
		.sheets = g_array_new (FALSE, TRUE, sizeof (biff_sheet)),
		.names = g_ptr_array_new_with_free_func (biff_name_free),
		.xti = g_array_new (FALSE, TRUE, sizeof (gint)),
		.rec = g_byte_array_new (),
		.collect = collect,
		.walked = g_hash_table_new (NULL, NULL),
		.walk_budget = len * 4,
	};
	g_array_set_clear_func (b.sheets, biff_sheet_clear);
	gsize pos = 0;
	guint16 type;

	if (!biff_next (&b, &pos, &type) || type != 0x0809 || b.rec->len < 4) {
		_mh_document_add_problem (doc, "Excel: the workbook stream does not begin with a BIFF5/BIFF8 BOF");
		goto out;
	}
	guint16 version = rd16 (b.rec->data);
	b.biff8 = version == 0x0600;
	if (!b.biff8 && version != 0x0500)
		_mh_document_add_problem (doc, "Excel: BOF version 0x%04x: read as BIFF5", version);

	/* the workbook globals, up to their EOF */
	while (biff_next (&b, &pos, &type) && type != 0x000A) {
		switch (type) {
		case 0x002F: { /* FILEPASS: what follows is encrypted */
			if (decrypted)
				break;
			g_autoptr (GBytes) plain = biff_decrypt_default (data, len, b.rec->data, b.rec->len);
			if (plain) {
				_mh_document_add_finding (doc, options, "doc.encrypted", MH_SEVERITY_MEDIUM, "Workbook:FILEPASS",
				                          DEFAULT_PASSWORD, "workbook encrypted with Excel's default password %s: it opens without a prompt; decrypted and inspected",
				                          DEFAULT_PASSWORD);
				gsize plain_len;
				const guint8 *p = g_bytes_get_data (plain, &plain_len);
				biff_walk (doc, p, plain_len, options, collect, TRUE);
				goto out;
			}
			doc->encrypted = TRUE;
			_mh_document_add_finding (doc, options, "doc.encrypted", MH_SEVERITY_MEDIUM, "Workbook:FILEPASS",
			                          NULL, "workbook encrypted with a password: its sheets and formulas cannot be inspected without the password");
			goto out;
		}
		case 0x0042: { /* CODEPAGE */
			if (b.rec->len < 2)
				break;
			guint cp = rd16 (b.rec->data);
			b.codepage = cp == 0x8000 ? 10000 : cp == 0x8001 ? 1252 : cp;
			break;
		}
		case 0x0085:
			biff_read_boundsheet (&b);
			break;
		case 0x0017:
			biff_read_externsheet (&b);
			break;
		case 0x0018:
			biff_read_name (&b);
			break;
		default:
			break;
		}
	}

	biff_text (&b);
	for (guint i = 0; i < b.sheets->len; i++) {
		const biff_sheet *sheet = &g_array_index (b.sheets, biff_sheet, i);
		if (sheet->type != 0x01)
			continue;
		g_autofree char *where = g_strconcat ("xlm:", sheet->name, NULL);
		_mh_document_add_finding (doc, options, "doc.xlm-macro-sheet", MH_SEVERITY_MEDIUM, where,
		                          sheet->name, "Excel 4.0 macro sheet \"%s\" (%s)",
		                          sheet->name, sheet_state (sheet->state));
		if (sheet->state != 0)
			_mh_document_add_finding (doc, options, "doc.hidden-sheet",
			                          sheet->state == 1 ? MH_SEVERITY_LOW : MH_SEVERITY_MEDIUM,
			                          where, sheet->name, "Excel 4.0 macro sheet \"%s\" is %s",
			                          sheet->name, sheet_state (sheet->state));
	}
	biff_auto_open (&b);
	for (guint i = 0; i < b.sheets->len; i++) {
		const biff_sheet *sheet = &g_array_index (b.sheets, biff_sheet, i);
		if (sheet->type == 0x01)
			biff_macro_sheet (&b, sheet);
	}
out:
	g_array_unref (b.sheets);
	g_ptr_array_unref (b.names);
	g_array_unref (b.xti);
	g_byte_array_unref (b.rec);
	g_hash_table_unref (b.walked);
}

void
_mh_ole_biff_walk (mh_document *doc, const guint8 *data, gsize len,
                   const mh_office_options *options)
{
	biff_walk (doc, data, len, options, NULL, FALSE);
}

char *
_mh_ole_xlm_formulas (const guint8 *data, gsize len, const mh_office_options *options)
{
	mh_document *scratch = _mh_document_new ("workbook", data, len, 0);
	GString *text = g_string_new (NULL);
	biff_walk (scratch, data, len, options, text, FALSE);
	mh_document_free (scratch);
	return g_string_free (text, FALSE);
}

/* The workbook's pictures are BLIPs in its drawing group: one
 * MSODRAWINGGROUP record (0x00EB) and the CONTINUE records (0x003C) after
 * it, whose payloads join into one OfficeArtDggContainer. */
static void
excel_pictures (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	g_autoptr (GByteArray) group = g_byte_array_new ();
	gboolean in_group = FALSE;
	gsize pos = 0;
	while (pos + 4 <= len) {
		guint16 type = rd16 (data + pos), size = rd16 (data + pos + 2);
		if (!fits (len, pos + 4, size))
			break;
		if (type == 0x00EB || (in_group && type == 0x003C)) {
			if (group->len + size > options->limits.max_stream_size) {
				_mh_document_add_problem (doc, "Excel: drawing group larger than %" G_GSIZE_FORMAT
				                          " bytes: the pictures after it are not read",
				                          options->limits.max_stream_size);
				break;
			}
			g_byte_array_append (group, data + pos + 4, size);
			in_group = TRUE;
		} else {
			in_group = FALSE;
		}
		pos += 4 + (gsize) size;
	}
	if (group->len > 0)
		_mh_officeart_find_blips (doc, group->data, group->len, "MsoDrawingGroup", options);
}

static void
excel_analyse (mh_document *doc, GsfInfile *ole, const mh_office_options *options)
{
	g_autoptr (GBytes) stream = read_stream (doc, options, ole, "Workbook", "");
	if (!stream)
		stream = read_stream (doc, options, ole, "Book", "");
	if (!stream)
		return;
	gsize len;
	const guint8 *data = g_bytes_get_data (stream, &len);
	_mh_ole_biff_walk (doc, data, len, options);
	excel_pictures (doc, data, len, options);
	/* the sheets' ActiveX controls keep their data in one "Ctls" stream */
	if (has_stream (ole, "Ctls")) {
		doc->has_controls = TRUE;
		_mh_document_add_finding (doc, options, "doc.activex", MH_SEVERITY_INFO, "Ctls", NULL,
		                          "ActiveX controls on the sheets");
	}
}

/* -- embedded objects ----------------------------------------------------------- */

/* File names whose opening runs code: an OLE package with one of them is
 * the classic "double-click the icon" lure. */
static gboolean
is_executable_name (const char *name)
{
	static const char *const exts[] = {
		".exe", ".scr", ".com", ".pif", ".bat", ".cmd", ".vbs", ".vbe", ".js", ".jse",
		".wsf", ".wsh", ".hta", ".ps1", ".lnk", ".jar", ".msi", ".dll", ".cpl", ".reg",
		".inf", ".sct", ".chm",
	};
	const char *dot = strrchr (name, '.');
	if (!dot)
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS (exts); i++)
		if (g_ascii_strcasecmp (dot, exts[i]) == 0)
			return TRUE;
	return FALSE;
}

static const char *
base_name (const char *path)
{
	const char *slash = strrchr (path, '\\');
	const char *fwd = strrchr (path, '/');
	if (fwd && (!slash || fwd > slash))
		slash = fwd;
	return slash ? slash + 1 : path;
}

/* The user type and the ProgID from a \001CompObj stream (MS-OLEDS
 * 2.3.8): "Microsoft Word Document", "Word.Document.8", "Package" ... */
static char *
compobj_class (GBytes *compobj)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (compobj, &len);
	gsize off = 28;
	char *strings[3] = { NULL, NULL, NULL };
	for (int i = 0; i < 3; i++) {
		if (!fits (len, off, 4))
			break;
		guint32 n = rd32 (p + off);
		off += 4;
		if (i == 1 && (n == 0xFFFFFFFFu || n == 0xFFFFFFFEu)) {
			off += 4; /* a clipboard format number, not a string */
			continue;
		}
		if (n == 0)
			continue;
		if (n > 1024 || !fits (len, off, n))
			break;
		strings[i] = text_from_codepage (p + off, n, 1252);
		off += n;
	}
	char *result = NULL;
	if (strings[2] && *strings[2])
		result = strings[0] && *strings[0] ? g_strdup_printf ("%s (%s)", strings[2], strings[0])
		                                   : g_strdup (strings[2]);
	else if (strings[0] && *strings[0])
		result = g_strdup (strings[0]);
	for (int i = 0; i < 3; i++)
		g_free (strings[i]);
	return result;
}

static void
report_embedded (mh_document *doc, const mh_office_options *options, const char *location,
                 const char *klass, const char *file_name, gboolean opened)
{
	gboolean risky = file_name && is_executable_name (file_name);
	_mh_document_add_finding (doc, options, "doc.embedded-object",
	                          risky ? MH_SEVERITY_HIGH : MH_SEVERITY_LOW, location, file_name,
	                          "embedded object%s%s%s%s%s%s",
	                          klass ? " of class " : "", klass ? klass : "",
	                          file_name ? ", file " : "", file_name ? file_name : "",
	                          risky ? ": opening it runs a program" : "",
	                          opened ? " (analysed as a document of its own)" : "");
	if (risky)
		_mh_document_add_ioc (doc, "executable", base_name (file_name), location, NULL);
}

/* Bytes of an embedded payload: analysed as a child document when they
 * are one; TRUE when they were. */
static gboolean
embedded_payload (mh_document *doc, const mh_office_options *options, const guint8 *data,
                  gsize len, const char *name)
{
	if (!mh_office_is_document (data, len))
		return FALSE;
	_mh_document_add_child (doc, data, len, name, options);
	return TRUE;
}

/* \001Ole10Native (an OLE1 "Package"): size, flags, label, source path,
 * two numbers, temporary path, data size and the file's bytes. */
static void
ole10_native (mh_document *doc, const mh_office_options *options, GBytes *bytes,
              const char *location, const char *klass)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	gsize off = 6;
	const char *strings[3] = { NULL, NULL, NULL };
	gsize lengths[3] = { 0, 0, 0 };
	g_autofree char *label = NULL, *src = NULL, *tmp = NULL, *child_name = NULL;

	if (len < 6)
		goto malformed;
	for (int i = 0; i < 3; i++) {
		if (i == 2)
			off += 8; /* two numbers between the source path and the temporary path */
		if (off >= len)
			goto malformed;
		const guint8 *end = memchr (p + off, 0, len - off);
		if (!end)
			goto malformed;
		strings[i] = (const char *) p + off;
		lengths[i] = (gsize) (end - (p + off));
		off += lengths[i] + 1;
	}
	label = text_from_codepage ((const guint8 *) strings[0], lengths[0], 1252);
	src = text_from_codepage ((const guint8 *) strings[1], lengths[1], 1252);
	tmp = text_from_codepage ((const guint8 *) strings[2], lengths[2], 1252);
	if (!fits (len, off, 4))
		goto malformed;
	guint32 size = rd32 (p + off);
	off += 4;
	const char *file_name = *src ? src : *tmp ? tmp : label;
	if (!fits (len, off, size)) {
		_mh_document_add_problem (doc, "%s: OLE package data runs past the stream", location);
		size = (guint32) (len - off);
	}
	child_name = g_strdup_printf ("%s:%s", location, base_name (file_name));
	gboolean opened = embedded_payload (doc, options, p + off, size, child_name);
	report_embedded (doc, options, location, klass ? klass : "Package", file_name, opened);
	return;

malformed:
	_mh_document_add_problem (doc, "%s: malformed \\x01Ole10Native stream", location);
	report_embedded (doc, options, location, klass ? klass : "Package", NULL, FALSE);
}

static gboolean
is_document_storage (GsfInfile *dir)
{
	return has_stream (dir, "WordDocument") || has_stream (dir, "Workbook") ||
	       has_stream (dir, "Book") || has_stream (dir, "PowerPoint Document") ||
	       is_vba_project_storage (dir);
}

/* An embedded object's storage (Word ObjectPool/_NNN, Excel MBD...). */
static void
embedded_storage (mh_document *doc, const mh_office_options *options, GsfInfile *obj,
                  const char *location)
{
	g_autoptr (GBytes) compobj = read_stream (doc, options, obj, "\001CompObj", location);
	g_autofree char *klass = compobj ? compobj_class (compobj) : NULL;

	/* ActiveX controls: their events (_Click, _GotFocus ...) run VBA */
	if (has_stream (obj, "\003OCXNAME") || (klass && starts_with_nocase (klass, "Forms."))) {
		g_autoptr (GBytes) ocx = read_stream (doc, options, obj, "\003OCXNAME", location);
		g_autofree char *control = NULL;
		if (ocx) {
			gsize len;
			const guint8 *p = g_bytes_get_data (ocx, &len);
			control = utf16le_to_utf8 (p, len / 2);
		}
		doc->has_controls = TRUE;
		_mh_document_add_finding (doc, options, "doc.activex", MH_SEVERITY_INFO, location, control,
		                          "ActiveX control%s%s%s%s", control && *control ? " " : "",
		                          control ? control : "", klass ? " of class " : "", klass ? klass : "");
		return;
	}

	g_autoptr (GBytes) native = read_stream (doc, options, obj, "\001Ole10Native", location);
	if (native) {
		ole10_native (doc, options, native, location, klass);
		return;
	}
	static const char *const payload_streams[] = { "Package", "CONTENTS" };
	for (gsize i = 0; i < G_N_ELEMENTS (payload_streams); i++) {
		g_autoptr (GBytes) payload = read_stream (doc, options, obj, payload_streams[i], location);
		if (!payload)
			continue;
		gsize len;
		const guint8 *p = g_bytes_get_data (payload, &len);
		g_autofree char *child_name = join_location (location, payload_streams[i]);
		gboolean opened = embedded_payload (doc, options, p, len, child_name);
		report_embedded (doc, options, location, klass, NULL, opened);
		return;
	}
	if (is_document_storage (obj)) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) copy = _mh_ole_storage_to_bytes (obj, options->limits.max_document_size, &error);
		gboolean opened = FALSE;
		if (copy) {
			gsize len;
			const guint8 *p = g_bytes_get_data (copy, &len);
			opened = embedded_payload (doc, options, p, len, location);
		} else {
			_mh_document_add_problem (doc, "%s: embedded storage not copied: %s", location, error->message);
		}
		report_embedded (doc, options, location, klass, NULL, opened);
		return;
	}
	report_embedded (doc, options, location, klass, NULL, FALSE);
}

/* -- the storage walk: VBA projects, forms, controls, embedded objects -------- */

typedef struct {
	mh_document             *doc;
	const mh_office_options *options;
	guint                    entries;
	gboolean                 capped;
} storage_walk;

/* A UserForm designer storage beside the VBA storage: \003VBFrame, f, o. */
static gboolean
is_form_storage (GsfInfile *dir)
{
	return has_stream (dir, "\003VBFrame") || (has_stream (dir, "f") && has_stream (dir, "o"));
}

static void
vba_project_found (storage_walk *w, GsfInfile *dir, const char *location)
{
	mh_vba_project *project = _mh_vba_project_read (dir, *location ? location : "/", &w->options->limits);
	g_ptr_array_add (w->doc->vba_projects, project);
	int n = gsf_infile_num_children (dir);
	for (int i = 0; i < n; i++) {
		g_autoptr (GsfInput) child = gsf_infile_child_by_index (dir, i);
		if (is_storage (child) && is_form_storage (GSF_INFILE (child)))
			w->doc->has_controls = TRUE;
	}
}

static gboolean
is_embedded_object_name (const char *parent_name, const char *name)
{
	return (parent_name && g_ascii_strcasecmp (parent_name, "ObjectPool") == 0) ||
	       g_ascii_strncasecmp (name, "MBD", 3) == 0;
}

static void
walk_storage (storage_walk *w, GsfInfile *dir, const char *location, const char *dir_name, int depth)
{
	if (depth > MAX_STORAGE_DEPTH) {
		_mh_document_add_problem (w->doc, "%s: storages nested deeper than %d: not read",
		                          location, MAX_STORAGE_DEPTH);
		return;
	}
	if (is_vba_project_storage (dir)) {
		vba_project_found (w, dir, location);
		return;
	}
	int n = gsf_infile_num_children (dir);
	for (int i = 0; i < n; i++) {
		if (++w->entries > w->options->limits.max_entries) {
			if (!w->capped)
				_mh_document_add_problem (w->doc, "more than %u OLE directory entries: the rest are not read",
				                          w->options->limits.max_entries);
			w->capped = TRUE;
			return;
		}
		const char *name = gsf_infile_name_by_index (dir, i);
		g_autoptr (GsfInput) child = gsf_infile_child_by_index (dir, i);
		if (!name || !is_storage (child))
			continue;
		g_autofree char *child_location = join_location (location, name);
		GsfInfile *sub = GSF_INFILE (child);
		if (is_embedded_object_name (dir_name, name) || has_stream (sub, "\001Ole10Native"))
			embedded_storage (w->doc, w->options, sub, child_location);
		else
			walk_storage (w, sub, child_location, name, depth + 1);
	}
}

/* -- PowerPoint 97-2003 (MS-PPT) ------------------------------------------------ */


typedef struct {
	mh_document             *doc;
	const mh_office_options *options;
	guint                    records;
	guint                    objects;
	gsize                    inflated;  /* bytes decompressed so far, capped at max_document_size */
} ppt_walk;

/* Records (MS-PPT 2.3.1): recVer/recInstance, recType, recLen; version
 * 0xF marks a container whose children follow. */
static void
ppt_records (ppt_walk *w, const guint8 *p, gsize len, int depth)
{
	gsize off = 0;
	while (fits (len, off, 8)) {
		if (++w->records > w->options->limits.max_entries * 16u) {
			_mh_document_add_problem (w->doc, "PowerPoint: too many records: the rest are not read");
			return;
		}
		guint16 ver_inst = rd16 (p + off);
		guint16 type = rd16 (p + off + 2);
		guint32 rec_len = rd32 (p + off + 4);
		off += 8;
		if (!fits (len, off, rec_len))
			rec_len = (guint32) (len - off);
		const guint8 *body = p + off;
		if ((ver_inst & 0x000F) == 0x000F) {
			if (depth < MAX_PPT_NESTING)
				ppt_records (w, body, rec_len, depth + 1);
		} else if (type == 0x1011) { /* ExOleObjStg: an embedded OLE storage, maybe the VBA project */
			gboolean compressed = (ver_inst >> 4) == 1;
			g_autoptr (GBytes) storage = NULL;
			gboolean capped = FALSE;
			gsize budget = w->options->limits.max_document_size - w->inflated;
			if (w->objects >= w->options->limits.max_entries || budget == 0) {
				_mh_document_add_problem (w->doc, "PowerPoint: too many embedded storages: the rest are not read");
				return;
			}
			if (compressed && rec_len >= 4) {
				/* zlib after the 4-byte decompressed size, which is not trusted */
				GByteArray *out = g_byte_array_new ();
				capped = _mh_inflate (body + 4, rec_len - 4, G_ZLIB_COMPRESSOR_FORMAT_ZLIB, budget, out,
				                      NULL, NULL, NULL) == MH_INFLATE_CAPPED;
				storage = g_byte_array_free_to_bytes (out);
			} else {
				storage = g_bytes_new (body, MIN (rec_len, budget));
			}
			w->inflated += g_bytes_get_size (storage);
			if (capped)
				_mh_document_add_problem (w->doc, "PowerPoint: embedded storages cut at %" G_GSIZE_FORMAT " bytes in all",
				                          w->options->limits.max_document_size);
			gsize slen;
			const guint8 *s = g_bytes_get_data (storage, &slen);
			g_autofree char *name = g_strdup_printf ("PowerPoint Document:ExOleObjStg#%u", ++w->objects);
			mh_document *child = NULL;
			if (mh_office_is_document (s, slen))
				child = _mh_document_add_child (w->doc, s, slen, name, w->options);
			if (!child || strcmp (child->format, "vba-project") != 0)
				report_embedded (w->doc, w->options, name, NULL, NULL, child != NULL);
		}
		off += rec_len;
	}
}

static void
ppt_analyse (mh_document *doc, GsfInfile *ole, const mh_office_options *options)
{
	g_autoptr (GBytes) stream = read_stream (doc, options, ole, "PowerPoint Document", "");
	if (!stream)
		return;
	gsize len;
	const guint8 *data = g_bytes_get_data (stream, &len);
	ppt_walk w = { .doc = doc, .options = options };
	ppt_records (&w, data, len, 0);
	/* the presentation's pictures: one BLIP after another */
	g_autoptr (GBytes) pictures = read_stream (doc, options, ole, "Pictures", "");
	if (pictures) {
		gsize pictures_len;
		const guint8 *pictures_data = g_bytes_get_data (pictures, &pictures_len);
		_mh_officeart_find_blips (doc, pictures_data, pictures_len, "Pictures", options);
	}
}

/* -- copying a storage into a compound file of its own ----------------------- */

static gboolean
copy_storage (GsfInfile *in, GsfOutfile *out, gsize max, gsize *total, int depth, GError **error)
{
	if (depth > MAX_STORAGE_DEPTH) {
		g_set_error (error, MH_OFFICE_ERROR, 0, "storages nested deeper than %d", MAX_STORAGE_DEPTH);
		return FALSE;
	}
	if (GSF_IS_INFILE_MSOLE (in) && GSF_IS_OUTFILE_MSOLE (out)) {
		guint8 clsid[16];
		if (gsf_infile_msole_get_class_id (GSF_INFILE_MSOLE (in), clsid))
			gsf_outfile_msole_set_class_id (GSF_OUTFILE_MSOLE (out), clsid);
	}
	int n = gsf_infile_num_children (in);
	for (int i = 0; i < n; i++) {
		const char *name = gsf_infile_name_by_index (in, i);
		g_autoptr (GsfInput) child = gsf_infile_child_by_index (in, i);
		if (!name || !child)
			continue;
		gboolean dir = is_storage (child);
		g_autoptr (GsfOutput) sub = gsf_outfile_new_child (out, name, dir);
		if (!sub) {
			g_set_error (error, MH_OFFICE_ERROR, 0, "cannot create %s", name);
			return FALSE;
		}
		gboolean ok = TRUE;
		if (dir) {
			ok = copy_storage (GSF_INFILE (child), GSF_OUTFILE (sub), max, total, depth + 1, error);
		} else {
			gsf_off_t size = gsf_input_size (child);
			if (size < 0 || (gsize) size > max || *total > max - (gsize) size) {
				g_set_error (error, MH_OFFICE_ERROR, 0, "more than %" G_GSIZE_FORMAT " bytes", max);
				ok = FALSE;
			} else {
				*total += (gsize) size;
				guint8 buf[16384];
				gsf_off_t left = size;
				while (ok && left > 0) {
					gsize chunk = (gsize) MIN (left, (gsf_off_t) sizeof buf);
					if (!gsf_input_read (child, chunk, buf) || !gsf_output_write (sub, chunk, buf)) {
						g_set_error (error, MH_OFFICE_ERROR, 0, "%s: read or write failed", name);
						ok = FALSE;
					}
					left -= (gsf_off_t) chunk;
				}
			}
		}
		gsf_output_close (sub);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

GBytes *
_mh_ole_storage_to_bytes (GsfInfile *storage, gsize max, GError **error)
{
	g_return_val_if_fail (GSF_IS_INFILE (storage), NULL);
	g_autoptr (GsfOutput) memory = gsf_output_memory_new ();
	g_autoptr (GsfOutfile) out = gsf_outfile_msole_new (memory);
	gsize total = 0;
	gboolean ok = copy_storage (storage, out, max, &total, 0, error);
	gsf_output_close (GSF_OUTPUT (out));
	if (!gsf_output_is_closed (memory)) /* the outfile closes its sink itself */
		gsf_output_close (memory);
	if (!ok)
		return NULL;
	gsf_off_t size = gsf_output_size (memory);
	if (size < 0 || (gsize) size > max) {
		g_set_error (error, MH_OFFICE_ERROR, 0, "compound file of more than %" G_GSIZE_FORMAT " bytes", max);
		return NULL;
	}
	const guint8 *bytes = gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (memory));
	return g_bytes_new (bytes, (gsize) size);
}

/* -- the entry point -------------------------------------------------------------- */

void
_mh_ole_analyse (mh_document *doc, GsfInfile *ole, const mh_office_options *options)
{
	enum { KIND_OTHER, KIND_WORD, KIND_EXCEL, KIND_POWERPOINT } kind = KIND_OTHER;

	if (has_stream (ole, "EncryptionInfo") && has_stream (ole, "EncryptedPackage")) {
		/* an OOXML package encrypted with a password (MS-OFFCRYPTO):
		 * Office keeps it in an OLE2 container */
		doc->format = "ooxml";
		doc->encrypted = TRUE;
		_mh_document_add_finding (doc, options, "doc.encrypted", MH_SEVERITY_MEDIUM, "EncryptedPackage",
		                          NULL, "OOXML document encrypted with a password: its contents (macros included) cannot be inspected without the password");
		read_property_sets (doc, ole, options);
		return;
	}
	if (has_stream (ole, "WordDocument")) {
		doc->format = "doc";
		kind = KIND_WORD;
	} else if (has_stream (ole, "Workbook") || has_stream (ole, "Book")) {
		doc->format = "xls";
		kind = KIND_EXCEL;
	} else if (has_stream (ole, "PowerPoint Document")) {
		doc->format = "ppt";
		kind = KIND_POWERPOINT;
	} else if (is_vba_project_storage (ole)) {
		doc->format = "vba-project";
	}

	switch (kind) {
	case KIND_WORD:
		word_analyse (doc, ole, options);
		break;
	case KIND_EXCEL:
		excel_analyse (doc, ole, options);
		break;
	case KIND_POWERPOINT:
		ppt_analyse (doc, ole, options);
		break;
	case KIND_OTHER:
		break;
	}
	read_property_sets (doc, ole, options);

	/* Macros are read even from an encrypted .xls: Excel does not
	 * encrypt the VBA storage, only the workbook stream. */
	storage_walk w = { .doc = doc, .options = options };
	walk_storage (&w, ole, "", NULL, 0);
}
