/* The Office analyser's entry point: bytes in, an mh_document out.  Picks
 * the format reader by content (never by name: attackers rename), lets the
 * VBA rules read every module, and decides the verdict from the findings. */
#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include <string.h>

#include "office-private.h"
#include "mailhunt/text.h"
#include "mailhunt/gsf-log.h"

G_DEFINE_QUARK (mailhunt-office-error, _mh_office_error)

void
mh_office_limits_init_default (mh_office_limits *limits)
{
	limits->max_document_size = 256u << 20;
	limits->max_stream_size = 64u << 20;
	limits->max_module_source = 16u << 20;
	limits->max_modules = 1000;
	limits->max_entries = 10000;
	limits->max_depth = 8;
	limits->max_decode_rounds = 4;
	limits->max_findings = 500;
	limits->max_text = 4u << 20;
	/* a lure screen is one picture; 64 leaves room for a brochure */
	limits->max_images = 64;
	limits->max_image_size = 32u << 20;
	/* 40 megapixels: 160 MB of RGBA while Leptonica decodes it, and more
	 * than any screen shot (8K is 33 megapixels) */
	limits->max_image_pixels = G_GUINT64_CONSTANT (40000000);
}

void
mh_office_options_init_default (mh_office_options *options)
{
	memset (options, 0, sizeof *options);
	mh_office_limits_init_default (&options->limits);
}

const char *
mh_verdict_to_string (mh_verdict verdict)
{
	switch (verdict) {
	case MH_VERDICT_MALICIOUS: return "malicious";
	case MH_VERDICT_SUSPICIOUS: return "suspicious";
	case MH_VERDICT_MACROS: return "macros";
	case MH_VERDICT_CLEAN: break;
	}
	return "clean";
}

/* -- the model ------------------------------------------------------------ */

static void
ioc_free (gpointer p)
{
	mh_ioc *ioc = p;
	g_free (ioc->value);
	g_free (ioc->location);
	g_free (ioc->decoding);
	g_free (ioc);
}

static void
property_free (gpointer p)
{
	mh_doc_property *prop = p;
	g_free (prop->name);
	g_free (prop->value);
	g_free (prop);
}

static void
image_free (gpointer p)
{
	mh_doc_image *image = p;
	g_free (image->location);
	g_free (image->text);
	if (image->data)
		g_bytes_unref (image->data);
	g_free (image);
}

mh_document *
_mh_document_new (const char *name, const guint8 *data, gsize len, int depth)
{
	mh_document *doc = g_new0 (mh_document, 1);

	doc->name = g_strdup (name);
	doc->format = "unknown";
	doc->size = len;
	mh_sha256_hex (data, len, doc->sha256);
	doc->depth = depth;
	doc->vba_projects = g_ptr_array_new_with_free_func ((GDestroyNotify) _mh_vba_project_free);
	doc->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_finding_free);
	doc->iocs = g_ptr_array_new_with_free_func (ioc_free);
	doc->properties = g_ptr_array_new_with_free_func (property_free);
	doc->children = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_document_free);
	doc->problems = g_ptr_array_new_with_free_func (g_free);
	doc->images = g_ptr_array_new_with_free_func (image_free);
	return doc;
}

void
mh_document_free (mh_document *doc)
{
	if (!doc)
		return;
	g_free (doc->name);
	g_free (doc->password);
	g_ptr_array_unref (doc->vba_projects);
	g_ptr_array_unref (doc->findings);
	g_ptr_array_unref (doc->iocs);
	g_ptr_array_unref (doc->properties);
	g_ptr_array_unref (doc->children);
	g_ptr_array_unref (doc->problems);
	g_ptr_array_unref (doc->images);
	if (doc->text)
		g_string_free (doc->text, TRUE);
	g_free (doc);
}

/* The same problem twice (one per damaged record, say) says nothing new. */
void
_mh_document_add_problem (mh_document *doc, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	mh_problem_list_addv (doc->problems, 100, "document", fmt, ap);
	va_end (ap);
}

static void add_finding_v (mh_document *doc, const mh_office_options *options, const char *id,
                           mh_severity severity, const char *location, const char *evidence,
                           const char *decoding, const char *fmt, va_list ap) G_GNUC_PRINTF (8, 0);

static void
add_finding_v (mh_document *doc, const mh_office_options *options, const char *id,
               mh_severity severity, const char *location, const char *evidence,
               const char *decoding, const char *fmt, va_list ap)
{
	if (doc->findings->len >= options->limits.max_findings) {
		_mh_document_add_problem (doc, "more than %u findings: the rest are not listed",
		                          options->limits.max_findings);
		return;
	}
	mh_finding *f = g_new0 (mh_finding, 1);
	f->id = id;
	f->severity = severity;
	f->location = g_strdup (location);
	f->evidence = g_strdup (evidence);
	f->decoding = g_strdup (decoding);
	f->summary = g_strdup_vprintf (fmt, ap);
	g_ptr_array_add (doc->findings, f);
}

void
_mh_document_add_finding (mh_document *doc, const mh_office_options *options,
                          const char *id, mh_severity severity,
                          const char *location, const char *evidence,
                          const char *summary_fmt, ...)
{
	va_list ap;
	va_start (ap, summary_fmt);
	add_finding_v (doc, options, id, severity, location, evidence, NULL, summary_fmt, ap);
	va_end (ap);
}

void
_mh_document_add_decoded_finding (mh_document *doc, const mh_office_options *options,
                                  const char *id, mh_severity severity,
                                  const char *location, const char *evidence,
                                  const char *decoding, const char *summary_fmt, ...)
{
	va_list ap;
	va_start (ap, summary_fmt);
	add_finding_v (doc, options, id, severity, location, evidence, decoding, summary_fmt, ap);
	va_end (ap);
}

void
_mh_document_add_property (mh_document *doc, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	mh_doc_property *prop = g_new0 (mh_doc_property, 1);
	prop->name = g_strdup (name);
	prop->value = g_utf8_make_valid (value, -1);
	g_ptr_array_add (doc->properties, prop);
}

void
_mh_document_add_ioc (mh_document *doc, const char *kind, const char *value,
                      const char *location, const char *decoding)
{
	for (guint i = 0; i < doc->iocs->len; i++) {
		const mh_ioc *old = g_ptr_array_index (doc->iocs, i);
		if (strcmp (old->kind, kind) == 0 && strcmp (old->value, value) == 0)
			return;
	}
	if (doc->iocs->len >= 1000) {
		_mh_document_add_problem (doc, "more than 1000 indicators: the rest are not listed");
		return;
	}
	mh_ioc *ioc = g_new0 (mh_ioc, 1);
	ioc->kind = kind;
	ioc->value = g_utf8_make_valid (value, -1);
	ioc->location = g_strdup (location);
	ioc->decoding = g_strdup (decoding);
	g_ptr_array_add (doc->iocs, ioc);
}

gsize
_mh_document_text_room (gsize text_len, gsize len, const mh_office_options *options, gboolean *cut)
{
	/* each text ends with a line break */
	gsize room = options->limits.max_text > text_len ? options->limits.max_text - text_len : 0;
	*cut = len + 1 > room;
	if (!*cut)
		return len;
	return room > 1 ? room - 1 : 0;
}

void
_mh_document_add_text (mh_document *doc, const char *text, gssize len, const mh_office_options *options)
{
	if (!text || doc->text_truncated)
		return;
	if (!doc->text)
		doc->text = g_string_new (NULL);
	gboolean cut;
	gsize n = _mh_document_text_room (doc->text->len, len < 0 ? strlen (text) : (gsize) len, options, &cut);
	if (cut) {
		doc->text_truncated = TRUE;
		_mh_document_add_problem (doc, "text longer than %zu bytes: the rest is not matched against lures",
		                          options->limits.max_text);
		if (n == 0)
			return;
	}
	/* the readers mostly give valid UTF-8 already: copied as it is */
	if (mh_utf8_validate (text, n)) {
		g_string_append_len (doc->text, text, (gssize) n);
	} else {
		g_autofree char *valid = g_utf8_make_valid (text, (gssize) n);
		g_string_append (doc->text, valid);
	}
	g_string_append_c (doc->text, '\n');
}

void
_mh_document_add_image (mh_document *doc, const guint8 *data, gsize len,
                        const char *location, const mh_office_options *options)
{
	mh_image_info info = { 0 };
	if (!data || !_mh_image_sniff (data, len, &info))
		return;
	if (len > options->limits.max_image_size) {
		_mh_document_add_problem (doc, "%s: picture of %" G_GSIZE_FORMAT " bytes is over the cap "
		                          "of %" G_GSIZE_FORMAT ": not fingerprinted or read",
		                          location, len, options->limits.max_image_size);
		return;
	}
	char sum[MH_SHA256_HEX_SIZE];
	mh_sha256_hex (data, len, sum);
	/* the same picture reached twice (a BLIP store and the shape using
	 * it, a slide layout on every slide) is one picture */
	for (guint i = 0; i < doc->images->len; i++) {
		const mh_doc_image *seen = g_ptr_array_index (doc->images, i);
		if (strcmp (seen->sha256, sum) == 0)
			return;
	}
	if (doc->images->len >= options->limits.max_images) {
		_mh_document_add_problem (doc, "more than %u pictures: the rest are not fingerprinted or read",
		                          options->limits.max_images);
		return;
	}
	mh_doc_image *image = g_new0 (mh_doc_image, 1);
	image->location = g_strdup (location);
	image->format = info.format;
	image->size = len;
	g_strlcpy (image->sha256, sum, sizeof image->sha256);
	image->width = info.width;
	image->height = info.height;
	image->ocr = "off";
	image->data = g_bytes_new (data, len);
	g_ptr_array_add (doc->images, image);
}

GBytes *
_mh_gsf_read_all (GsfInput *input, gsize max, gboolean *truncated)
{
	gsf_off_t size = gsf_input_size (input);
	gsize want = size < 0 ? 0 : (gsize) size;

	if (truncated)
		*truncated = want > max;
	want = MIN (want, max);
	guint8 *buf = g_malloc (want ? want : 1);
	gsize got = 0;
	while (got < want) {
		gsize chunk = MIN (want - got, (gsize) 1 << 20);
		if (!gsf_input_read (input, chunk, buf + got))
			break;
		got += chunk;
	}
	if (got < want && truncated)
		*truncated = TRUE;
	return g_bytes_new_take (buf, got);
}

/* -- dispatch ------------------------------------------------------------- */

static gboolean
is_ole2 (const guint8 *data, gsize len)
{
	return len >= 8 && memcmp (data, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0;
}

static gboolean
is_zip (const guint8 *data, gsize len)
{
	return len >= 4 && memcmp (data, "PK\x03\x04", 4) == 0;
}

gboolean
mh_office_is_document (const guint8 *data, gsize len)
{
	return is_ole2 (data, len) || is_zip (data, len) || _mh_is_flat_xml (data, len) ||
	       _mh_is_rtf (data, len) || _mh_is_mht (data, len);
}

static void
analyse_ole2 (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	g_autoptr (GsfInput) input = gsf_input_memory_new (data, (gsf_off_t) len, FALSE);
	g_autoptr (GError) error = NULL;
	g_autoptr (GsfInfile) ole = gsf_infile_msole_new (input, &error);

	doc->format = "ole2";
	if (!ole) {
		_mh_document_add_problem (doc, "not a readable OLE2 file: %s",
		                          error ? error->message : "unknown error");
		return;
	}
	_mh_ole_analyse (doc, ole, options);
}

/* A ZIP with [Content_Types].xml is an OOXML package; any other ZIP (or
 * one libgsf cannot open, e.g. with encrypted members) is an archive. */
static void
analyse_zip (mh_document *doc, const guint8 *data, gsize len, const mh_office_options *options)
{
	g_autoptr (GsfInput) input = gsf_input_memory_new (data, (gsf_off_t) len, FALSE);
	g_autoptr (GsfInfile) zip = gsf_infile_zip_new (input, NULL);

	if (zip) {
		g_autoptr (GsfInput) types = gsf_infile_child_by_name (zip, "[Content_Types].xml");
		if (types) {
			doc->format = "ooxml";
			_mh_ooxml_analyse (doc, zip, options);
			return;
		}
	}
	doc->format = "zip";
	_mh_zip_analyse (doc, data, len, options);
}

static gboolean
has_finding (const mh_document *doc, const char *id)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, id) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
has_macros (const mh_document *doc)
{
	for (guint i = 0; i < doc->vba_projects->len; i++) {
		const mh_vba_project *p = g_ptr_array_index (doc->vba_projects, i);
		if (p->modules->len > 0)
			return TRUE;
	}
	return has_finding (doc, "doc.xlm-macro-sheet");
}

/* The rules of docs/detection.md ("Verdict of a document") for what is
 * not VBA: the macros' own verdict comes from vba-rules.c, which knows
 * whether an auto-exec procedure reaches the dangerous code. */
static mh_verdict
decide_other_verdict (const mh_document *doc)
{
	/* the "Enable Content" picture and a macro behind it: the campaign's
	 * signature (docs/lures.md); the lure alone is worth a look, since the
	 * macro may be hidden or stomped */
	if (has_finding (doc, "lure.template"))
		return has_macros (doc) ? MH_VERDICT_MALICIOUS : MH_VERDICT_SUSPICIOUS;
	if (has_finding (doc, "doc.xlm-auto-open") &&
	    (has_finding (doc, "xlm.execute") || has_finding (doc, "xlm.download") ||
	     has_finding (doc, "xlm.write-file") || has_finding (doc, "xlm.powershell")))
		return MH_VERDICT_MALICIOUS;
	/* a payload kept in hidden text; macros behind a page that is one picture */
	if (has_finding (doc, "doc.hidden-text") ||
	    (has_finding (doc, "doc.picture-only") && has_macros (doc)))
		return MH_VERDICT_SUSPICIOUS;
	if (has_finding (doc, "doc.xlm-auto-open") || has_finding (doc, "doc.remote-template") ||
	    has_finding (doc, "doc.dde") || has_finding (doc, "vba.stomping") ||
	    has_finding (doc, "doc.encrypted"))
		return MH_VERDICT_SUSPICIOUS;
	if (has_macros (doc))
		return MH_VERDICT_MACROS;
	return MH_VERDICT_CLEAN;
}

/* The verdict of the document itself (children have their own). */
static mh_verdict
decide_verdict (const mh_document *doc)
{
	mh_verdict other = decide_other_verdict (doc);
	return MAX (other, doc->vba_verdict);
}

/* -- pictures: fingerprints and OCR ---------------------------------------- */

gboolean
mh_picture_fingerprint (const guint8 *data, gsize len, guint64 max_pixels, guint64 *dhash,
                        guint *width, guint *height, const char **format, GError **error)
{
	mh_image_info info;
	if (!_mh_image_sniff (data, len, &info)) {
		g_set_error (error, MH_OFFICE_ERROR, 0, "not a picture (PNG, JPEG, GIF, BMP, TIFF, WebP, EMF or WMF)");
		return FALSE;
	}
	g_autoptr (mh_gray_image) gray = _mh_image_decode (data, len, max_pixels, error);
	if (!gray)
		return FALSE;
	*dhash = _mh_image_dhash (gray);
	*width = gray->width;
	*height = gray->height;
	*format = info.format;
	return TRUE;
}

/* OCR costs seconds a picture: by default it is spent only where a lure
 * would change the verdict or explain it (docs/lures.md). */
static gboolean
worth_reading (const mh_document *doc)
{
	if (has_macros (doc) || doc->encrypted || has_finding (doc, "doc.picture-only"))
		return TRUE;
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (f->severity >= MH_SEVERITY_MEDIUM)
			return TRUE;
	}
	return FALSE;
}

/* What OCR read, by picture content: one campaign sends the same lure
 * picture in hundreds of mails, and reading it once is enough.  Bounded:
 * when full it starts again empty (cheaper than an LRU, and a wave of
 * one campaign refills it at once). */
#define OCR_CACHE_ENTRIES   1024
#define OCR_CACHE_MAX_TEXT  (64u << 10)

/* Puts @value into the bounded table *@table (made on first use, keys
 * copied), emptied first when it holds @max entries.  The caller holds
 * the table's lock. */
static void
bounded_table_put (GHashTable **table, guint max, GDestroyNotify free_value, const char *key,
                   gpointer value)
{
	if (!*table)
		*table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_value);
	if (g_hash_table_size (*table) >= max)
		g_hash_table_remove_all (*table);
	g_hash_table_replace (*table, g_strdup (key), value);
}

static GMutex      ocr_cache_lock;
static GHashTable *ocr_cache;       /* "sha256 languages" -> text */
static char       *ocr_cache_dir;   /* shared with other processes, or NULL */

void
mh_office_set_ocr_cache_dir (const char *dir)
{
	g_mutex_lock (&ocr_cache_lock);
	g_free (ocr_cache_dir);
	ocr_cache_dir = g_strdup (dir);
	g_mutex_unlock (&ocr_cache_lock);
}

/* The file of a key in the shared directory: the picture's SHA-256 and
 * the languages (or its cap of pixels), with anything but letters and
 * digits made '_', and @suffix.  The caller holds ocr_cache_lock. */
static char *
shared_cache_file (const char *key, const char *suffix)
{
	g_autofree char *name = g_strconcat (key, suffix, NULL);
	for (char *c = name; *c; c++)
		if (!g_ascii_isalnum (*c) && *c != '.')
			*c = '_';
	return g_build_filename (ocr_cache_dir, name, NULL);
}

/* Written aside and renamed: a reader sees all of it or nothing.  The
 * caller holds ocr_cache_lock. */
static void
shared_cache_write (const char *file, const char *text)
{
	g_autofree char *part = g_strdup_printf ("%s.%d", file, (int) getpid ());
	if (g_file_set_contents (part, text, -1, NULL) && g_rename (part, file) != 0)
		g_unlink (part);
}

static char *
ocr_cache_lookup (const char *key)
{
	g_mutex_lock (&ocr_cache_lock);
	const char *hit = ocr_cache ? g_hash_table_lookup (ocr_cache, key) : NULL;
	char *text = g_strdup (hit);
	if (!text && ocr_cache_dir) {
		/* another worker of the scan may have read it */
		g_autofree char *file = shared_cache_file (key, ".txt");
		gsize len;
		if (g_file_get_contents (file, &text, &len, NULL) &&
		    (len > OCR_CACHE_MAX_TEXT || !g_utf8_validate (text, (gssize) len, NULL)))
			g_clear_pointer (&text, g_free);
	}
	g_mutex_unlock (&ocr_cache_lock);
	return text;
}

static void
ocr_cache_store (const char *key, const char *text)
{
	if (strlen (text) > OCR_CACHE_MAX_TEXT)
		return;
	g_mutex_lock (&ocr_cache_lock);
	if (ocr_cache_dir) {
		g_autofree char *file = shared_cache_file (key, ".txt");
		shared_cache_write (file, text);
	}
	bounded_table_put (&ocr_cache, OCR_CACHE_ENTRIES, g_free, key, g_strdup (text));
	g_mutex_unlock (&ocr_cache_lock);
}

/* The OCR cache's key of @image: its SHA-256 and the languages. */
static char *
ocr_cache_key (const mh_doc_image *image, const mh_office_options *options)
{
	return g_strconcat (image->sha256, " ", options->ocr_languages ? options->ocr_languages : "", NULL);
}

/* A lure is one screen: more pictures than this in one document are
 * fingerprinted but not all read, so a brochure cannot cost minutes. */
#define MAX_PICTURES_READ 16
#define DEFAULT_OCR_TIMEOUT_MS 10000

/* Reads one picture with OCR; its status, text and problems go into
 * @image and @doc. */
static void
read_picture (mh_document *doc, mh_doc_image *image, const mh_gray_image *gray,
              const char *cache_key, const mh_office_options *options, gboolean *said_unavailable)
{
	guint timeout = options->ocr_timeout_ms ? options->ocr_timeout_ms : DEFAULT_OCR_TIMEOUT_MS;
	g_autoptr (GError) error = NULL;
	gint64 start = g_get_monotonic_time ();
	mh_ocr_result result = _mh_ocr_read (gray, options->ocr_languages, timeout, &image->text, &error);
	doc->ocr_seconds += (double) (g_get_monotonic_time () - start) / 1e6;
	switch (result) {
	case MH_OCR_RESULT_READ:
		image->ocr = "read";
		if (image->text)
			ocr_cache_store (cache_key, image->text);
		break;
	case MH_OCR_RESULT_TIMEOUT:
		image->ocr = "timeout";
		_mh_document_add_problem (doc, "%s: OCR stopped at the cap of %u ms; what was read so "
		                          "far is matched", image->location, timeout);
		break;
	case MH_OCR_RESULT_TOO_SMALL:
		image->ocr = "too-small";
		break;
	case MH_OCR_RESULT_UNAVAILABLE:
		image->ocr = "unavailable";
		if (!*said_unavailable)
			_mh_document_add_problem (doc, "OCR unavailable: %s",
			                          error ? error->message : "no engine");
		*said_unavailable = TRUE;
		break;
	case MH_OCR_RESULT_FAILED:
		image->ocr = "failed";
		_mh_document_add_problem (doc, "%s: OCR failed: %s", image->location,
		                          error ? error->message : "no reason given");
		break;
	}
}

/* What decoding learnt of a picture, by content and cap: a logo or a
 * campaign's lure comes in many documents and is decoded once.  Bounded
 * like the OCR cache. */
#define PICTURE_CACHE_ENTRIES 4096

typedef struct {
	guint   width, height;
	guint64 dhash;
	char   *failure;   /* why it could not be decoded, or NULL */
} picture_facts;

static void
picture_facts_free (gpointer p)
{
	picture_facts *facts = p;
	g_free (facts->failure);
	g_free (facts);
}

static GMutex      picture_cache_lock;
static GHashTable *picture_cache;   /* "sha256 max_pixels" -> picture_facts */

static void picture_cache_put (const char *key, const picture_facts *facts);

/* The facts another worker of the scan wrote for @key (picture_cache_store):
 * "WIDTH HEIGHT DHASH" in decimal, decimal and hexadecimal, or "!" and why
 * the picture could not be decoded.  Anything else is no hit. */
static gboolean
picture_facts_shared (const char *key, picture_facts *out)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	g_mutex_lock (&ocr_cache_lock);
	if (ocr_cache_dir) {
		g_autofree char *file = shared_cache_file (key, ".pic");
		if (!g_file_get_contents (file, &text, &len, NULL) || len > 4096)
			g_clear_pointer (&text, g_free);
	}
	g_mutex_unlock (&ocr_cache_lock);
	if (!text || strlen (text) != len || !g_utf8_validate (text, (gssize) len, NULL))
		return FALSE;
	if (text[0] == '!') {
		*out = (picture_facts) { .failure = g_strdup (text + 1) };
	} else {
		g_auto (GStrv) fields = g_strsplit (text, " ", -1);
		guint64 w, h, d;
		if (g_strv_length (fields) != 3 ||
		    !g_ascii_string_to_unsigned (fields[0], 10, 1, G_MAXUINT, &w, NULL) ||
		    !g_ascii_string_to_unsigned (fields[1], 10, 1, G_MAXUINT, &h, NULL) ||
		    !g_ascii_string_to_unsigned (fields[2], 16, 0, G_MAXUINT64, &d, NULL))
			return FALSE;
		*out = (picture_facts) { .width = (guint) w, .height = (guint) h, .dhash = d };
	}
	picture_cache_put (key, out);
	return TRUE;
}

static gboolean
picture_cache_lookup (const char *key, picture_facts *out)
{
	g_mutex_lock (&picture_cache_lock);
	const picture_facts *hit = picture_cache ? g_hash_table_lookup (picture_cache, key) : NULL;
	if (hit) {
		*out = *hit;
		out->failure = g_strdup (hit->failure);
	}
	g_mutex_unlock (&picture_cache_lock);
	/* the workers of one scan meet the same campaign's pictures: what
	 * one decoded, the others read from the spool (on 3,000 files of the
	 * bench quarantine, decoding them again was two fifths of what
	 * --jobs 2 cost more than --jobs 1) */
	return hit != NULL || picture_facts_shared (key, out);
}

static void
picture_cache_put (const char *key, const picture_facts *facts)
{
	picture_facts *copy = g_new (picture_facts, 1);
	*copy = *facts;
	copy->failure = g_strdup (facts->failure);
	g_mutex_lock (&picture_cache_lock);
	bounded_table_put (&picture_cache, PICTURE_CACHE_ENTRIES, picture_facts_free, key, copy);
	g_mutex_unlock (&picture_cache_lock);
}

/* Into this process's cache, and the scan's shared directory. */
static void
picture_cache_store (const char *key, const picture_facts *facts)
{
	picture_cache_put (key, facts);
	g_mutex_lock (&ocr_cache_lock);
	if (ocr_cache_dir) {
		g_autofree char *file = shared_cache_file (key, ".pic");
		g_autofree char *text = facts->failure
		                        ? g_strconcat ("!", facts->failure, NULL)
		                        : g_strdup_printf ("%u %u %" G_GINT64_MODIFIER "x", facts->width,
		                                           facts->height, facts->dhash);
		shared_cache_write (file, text);
	}
	g_mutex_unlock (&ocr_cache_lock);
}

static void
read_pictures (mh_document *doc, const mh_office_options *options)
{
	gboolean read = options->ocr == MH_OCR_ALL ||
	                (options->ocr == MH_OCR_RISKY && worth_reading (doc));
	guint n_read = 0;
	gboolean said_unavailable = FALSE;

	for (guint i = 0; i < doc->images->len; i++) {
		mh_doc_image *image = g_ptr_array_index (doc->images, i);
		g_autofree char *key = g_strdup_printf ("%s %" G_GUINT64_FORMAT, image->sha256,
		                                        (guint64) options->limits.max_image_pixels);
		picture_facts facts = { 0 };
		g_autoptr (mh_gray_image) gray = NULL;
		gboolean will_read = read && n_read < MAX_PICTURES_READ;
		gboolean known = picture_cache_lookup (key, &facts);
		/* what OCR read in this picture before: then it wants no pixels */
		g_autofree char *ocr_key = will_read ? ocr_cache_key (image, options) : NULL;
		g_autofree char *read_before = ocr_key ? ocr_cache_lookup (ocr_key) : NULL;
		if (!known || (will_read && !facts.failure && !read_before)) {
			g_autoptr (GError) error = NULL;
			gsize len = 0;
			const guint8 *data = g_bytes_get_data (image->data, &len);
			gray = _mh_image_decode (data, len, options->limits.max_image_pixels, &error);
			if (!known) {
				if (gray) {
					facts.width = gray->width;
					facts.height = gray->height;
					facts.dhash = _mh_image_dhash (gray);
				} else {
					facts.failure = g_strdup (error->message);
				}
				picture_cache_store (key, &facts);
			}
		}
		image->ocr = options->ocr == MH_OCR_NONE ? "off" : read ? "not-decoded" : "not-risky";
		if (facts.failure) {
			_mh_document_add_problem (doc, "%s: picture (%s) not decoded: %s", image->location,
			                          image->format, facts.failure);
			g_free (facts.failure);
			g_clear_pointer (&image->data, g_bytes_unref);
			continue;
		}
		if (!image->width) {
			image->width = facts.width;
			image->height = facts.height;
		}
		image->has_dhash = TRUE;
		image->dhash = facts.dhash;
		if (read) {
			if (n_read++ >= MAX_PICTURES_READ) {
				image->ocr = "over-cap";
				if (n_read == MAX_PICTURES_READ + 1)
					_mh_document_add_problem (doc, "more than %d pictures: the rest are not read with OCR",
					                          MAX_PICTURES_READ);
			} else if (read_before) {
				image->text = g_steal_pointer (&read_before);
				image->ocr = "read";
			} else {
				read_picture (doc, image, gray, ocr_key, options, &said_unavailable);
			}
		}
		/* the bytes are not needed past this point: a scan keeps no pictures */
		g_clear_pointer (&image->data, g_bytes_unref);
	}
}

static void
gsf_complaint (gpointer data, const char *message)
{
	_mh_document_add_problem (data, "damaged container (libgsf: %s)", message);
}

static mh_document *
analyse (const guint8 *data, gsize len, const char *name, int depth,
         const mh_office_options *options)
{
	mh_document *doc = _mh_document_new (name, data, len, depth);

	if (len > options->limits.max_document_size) {
		_mh_document_add_problem (doc, "document of %" G_GSIZE_FORMAT " bytes is over the cap of %"
		                          G_GSIZE_FORMAT ": not opened", len, options->limits.max_document_size);
		return doc;
	}
	/* libgsf's complaints about this file are problems of this document */
	mh_gsf_log_scope scope;
	mh_gsf_log_begin (&scope, gsf_complaint, doc);
	if (is_ole2 (data, len))
		analyse_ole2 (doc, data, len, options);
	else if (is_zip (data, len))
		analyse_zip (doc, data, len, options);
	else if (_mh_is_rtf (data, len)) {
		doc->format = "rtf";
		_mh_rtf_analyse (doc, data, len, options);
	} else if (_mh_is_mht (data, len)) {
		doc->format = "mht";
		_mh_mht_analyse (doc, data, len, options);
	} else if (_mh_is_flat_xml (data, len))
		_mh_flat_xml_analyse (doc, data, len, options);
	else
		_mh_document_add_problem (doc, "not an Office document or archive mailhunt can open");
	mh_gsf_log_end (&scope);

	if (doc->vba_projects->len > 0)
		_mh_vba_rules_apply (doc, options);
	if (doc->images->len > 0)
		read_pictures (doc, options);
	_mh_lure_apply (doc, options);
	doc->verdict = decide_verdict (doc);
	return doc;
}

mh_document *
mh_document_analyse (const guint8 *data, gsize len, const char *name,
                     const mh_office_options *options)
{
	return analyse (data, len, name, 0, options);
}

mh_document *
_mh_document_add_child (mh_document *parent, const guint8 *data, gsize len,
                        const char *name, const mh_office_options *options)
{
	if (parent->depth + 1 > options->limits.max_depth) {
		_mh_document_add_problem (parent, "%s: nested deeper than %d containers, not opened",
		                          name, options->limits.max_depth);
		return NULL;
	}
	mh_document *child = analyse (data, len, name, parent->depth + 1, options);
	g_ptr_array_add (parent->children, child);
	return child;
}

mh_verdict
mh_document_overall_verdict (const mh_document *doc)
{
	mh_verdict v = doc->verdict;
	for (guint i = 0; i < doc->children->len; i++)
		v = MAX (v, mh_document_overall_verdict (g_ptr_array_index (doc->children, i)));
	return v;
}

GBytes *
mh_ole_storage_to_bytes (GsfInfile *storage, gsize max, GError **error)
{
	return _mh_ole_storage_to_bytes (storage, max, error);
}
