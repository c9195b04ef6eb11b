/* The lure templates (src/office/lure.c, src/data/lures.txt): every
 * shipped template is found in a text built from its own phrases, also
 * with OCR-like noise; families stay apart; ordinary text and the
 * generated samples match nothing; an analyst's file adds templates and a
 * bad one is an error naming the line; a large text goes through. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "office/office-private.h"

/* the compiled table, read here independently of lure.c's parser */
extern const char _mh_lures_txt[];

typedef struct {
	char      *name;
	char      *family;
	guint      require;
	GPtrArray *en;   /* of char*: phrases as written */
	GPtrArray *ja;
} table_template;

static GPtrArray *table;   /* of table_template* */

static void
table_read (void)
{
	table = g_ptr_array_new ();
	g_auto (GStrv) lines = g_strsplit (_mh_lures_txt, "\n", -1);
	table_template *t = NULL;
	for (guint i = 0; lines[i]; i++) {
		const char *l = lines[i];
		if (g_str_has_prefix (l, "template: ")) {
			t = g_new0 (table_template, 1);
			t->name = g_strdup (l + 10);
			t->en = g_ptr_array_new_with_free_func (g_free);
			t->ja = g_ptr_array_new_with_free_func (g_free);
			g_ptr_array_add (table, t);
		} else if (t && g_str_has_prefix (l, "family: ")) {
			t->family = g_strdup (l + 8);
		} else if (t && g_str_has_prefix (l, "require: ")) {
			t->require = (guint) g_ascii_strtoull (l + 9, NULL, 10);
		} else if (t && g_str_has_prefix (l, "phrase: en: ")) {
			g_ptr_array_add (t->en, g_strdup (l + 12));
		} else if (t && g_str_has_prefix (l, "phrase: ja: ")) {
			g_ptr_array_add (t->ja, g_strdup (l + 12));
		}
	}
}

/* -- running the matcher ------------------------------------------------------ */

static mh_document *
match_text (const char *text, const mh_lure_db *db)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.lures = db;
	mh_document *doc = _mh_document_new ("test.doc", (const guint8 *) "", 0, 0);
	doc->text = g_string_new (text);
	_mh_lure_apply (doc, &options);
	return doc;
}

/* The lure.template finding about template @name, or NULL. */
static const mh_finding *
find_template (const mh_document *doc, const char *name)
{
	g_autofree char *needle = g_strdup_printf ("lure template %s ", name);
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, "lure.template") == 0 && strstr (f->summary, needle))
			return f;
	}
	return NULL;
}

static guint
count_lure_findings (const mh_document *doc)
{
	guint n = 0;
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		n += strcmp (f->id, "lure.template") == 0;
	}
	return n;
}

/* -- building texts ------------------------------------------------------------- */

static gboolean
is_cjk (gunichar c)
{
	return (c >= 0x3000 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xFF01 && c <= 0xFFEF);
}

/* What OCR does to a phrase: random case, doubled spaces, some ASCII
 * letters full-width, spaces between CJK characters, and (phrases of 8
 * characters or more) one character replaced. */
static char *
noisy (const char *phrase, GRand *rand)
{
	glong n = 0;
	g_autofree gunichar *chars = g_utf8_to_ucs4_fast (phrase, -1, &n);
	glong substitute = n >= 8 ? g_rand_int_range (rand, 1, (gint32) n - 1) : -1;
	GString *out = g_string_new (NULL);
	for (glong i = 0; i < n; i++) {
		gunichar c = chars[i];
		if (i == substitute && c != ' ')
			c = is_cjk (c) ? 0x30F2 /* ヲ */ : 'x';
		else if (c < 0x80 && g_ascii_isalpha ((char) c)) {
			c = g_rand_boolean (rand) ? (gunichar) g_ascii_toupper ((char) c)
			                          : (gunichar) g_ascii_tolower ((char) c);
			if (g_rand_int_range (rand, 0, 4) == 0)
				c = c - 0x21 + 0xFF01;   /* full-width form */
		}
		if (c == ' ') {
			g_string_append (out, "  ");
			continue;
		}
		g_string_append_unichar (out, c);
		if (is_cjk (c) && i + 1 < n && is_cjk (chars[i + 1]))
			g_string_append_c (out, ' ');
	}
	return g_string_free (out, FALSE);
}

/* A document text made of @phrases, between ordinary lines. */
static char *
text_of (GPtrArray *phrases, GRand *rand)
{
	GString *out = g_string_new ("Invoice attached.\n");
	for (guint i = 0; i < phrases->len; i++) {
		const char *p = g_ptr_array_index (phrases, i);
		g_autofree char *noise = rand ? noisy (p, rand) : g_strdup (p);
		g_string_append_printf (out, "%s.\nPlease see below.\n", noise);
	}
	return g_string_free (out, FALSE);
}

/* -- the shipped templates ------------------------------------------------------- */

static void
test_builtin (void)
{
	const mh_lure_db *db = mh_lure_db_builtin ();
	g_assert_nonnull (db);
	g_assert_true (db == mh_lure_db_builtin ());
	g_assert_cmpuint (table->len, >=, 10);
	/* the families the issue names */
	const char *families[] = { "another-platform", "earlier-version", "protected-view",
	                           "protected-document", "fake-office-upgrade",
	                           "fake-windows-update", "enable-macros" };
	for (guint f = 0; f < G_N_ELEMENTS (families); f++) {
		gboolean seen = FALSE;
		for (guint i = 0; i < table->len; i++) {
			const table_template *t = g_ptr_array_index (table, i);
			seen |= g_strcmp0 (t->family, families[f]) == 0;
		}
		g_assert_true (seen);
	}
}

static void
check_template_matches (const table_template *t, GPtrArray *phrases, GRand *rand)
{
	g_autofree char *text = text_of (phrases, rand);
	g_autoptr (mh_document) doc = match_text (text, NULL);
	const mh_finding *f = find_template (doc, t->name);
	if (!f)
		g_error ("template %s not found in: %s", t->name, text);
	g_assert_cmpint (f->severity, ==, MH_SEVERITY_MEDIUM);
	g_assert_cmpstr (f->location, ==, "text");
	g_assert_nonnull (strstr (f->summary, t->family));
	g_autofree char *threshold = g_strdup_printf ("(threshold %u)", t->require);
	g_assert_nonnull (strstr (f->summary, threshold));
	g_assert_nonnull (f->evidence);
	if (!rand)
		g_assert_nonnull (strstr (f->summary, "closest distance 0"));
}

static void
test_template (gconstpointer data)
{
	const table_template *t = data;
	g_autoptr (GRand) rand = g_rand_new_with_seed (g_str_hash (t->name));
	guint languages = 0;
	GPtrArray *by_language[] = { t->en, t->ja };
	for (guint l = 0; l < G_N_ELEMENTS (by_language); l++) {
		if (by_language[l]->len < t->require)
			continue;
		languages++;
		check_template_matches (t, by_language[l], NULL);
		for (guint round = 0; round < 20; round++)
			check_template_matches (t, by_language[l], rand);
	}
	g_assert_cmpuint (languages, ==, 2);   /* every template in English and Japanese */
}

/* A text made of one family's phrases is not another family's template. */
static void
test_families_apart (void)
{
	for (guint i = 0; i < table->len; i++) {
		const table_template *a = g_ptr_array_index (table, i);
		GPtrArray *by_language[] = { a->en, a->ja };
		for (guint l = 0; l < G_N_ELEMENTS (by_language); l++) {
			g_autofree char *text = text_of (by_language[l], NULL);
			g_autoptr (mh_document) doc = match_text (text, NULL);
			for (guint j = 0; j < table->len; j++) {
				const table_template *b = g_ptr_array_index (table, j);
				if (g_strcmp0 (a->family, b->family) == 0)
					continue;
				if (find_template (doc, b->name))
					g_error ("text of %s matches %s: %s", a->name, b->name, text);
			}
		}
	}
}

/* -- negative controls -------------------------------------------------------------- */

static void
test_ordinary_text (void)
{
	const char *texts[] = {
		"Dear Mr. Tanaka,\nPlease find attached the invoice for January. Payment is due "
		"within 30 days. The updated price list is in the second sheet; let me know if "
		"you want to edit the quantities before we confirm the order.\nBest regards",
		"いつもお世話になっております。\n1月分の請求書を添付いたします。内容をご確認のうえ、"
		"編集が必要な場合はご連絡ください。\nよろしくお願いいたします。",
		"Meeting notes: we agreed to enable editing rights for the shared folder and to "
		"review the content next week.",
		/* tests/gen-office.c text_plain and text_lure: the generated samples */
		"Sample document generated by mailhunt's test suite. It is harmless.",
		"This document was created in an earlier version. Enable Content to view it.\n"
		"(mailhunt test sample \xE2\x80\x94 harmless)",
		"",
	};
	for (guint i = 0; i < G_N_ELEMENTS (texts); i++) {
		g_autoptr (mh_document) doc = match_text (texts[i], NULL);
		if (count_lure_findings (doc) != 0)
			g_error ("ordinary text matched a lure: %s", texts[i]);
	}
}

/* The generated samples (samples-benign/office) through the whole analyser. */
static void
test_samples (void)
{
	const char *src = g_getenv ("MH_SRCDIR");
	g_autofree char *dir = g_build_filename (src ? src : ".", "samples-benign", "office", NULL);
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	if (!d) {
		g_test_skip ("samples-benign/office not generated");
		return;
	}
	guint documents = 0, with_text = 0;
	const char *name;
	while ((name = g_dir_read_name (d))) {
		if (!g_str_has_suffix (name, ".doc") && !g_str_has_suffix (name, ".docx") &&
		    !g_str_has_suffix (name, ".docm") && !g_str_has_suffix (name, ".xls") &&
		    !g_str_has_suffix (name, ".xlsm"))
			continue;
		g_autofree char *path = g_build_filename (dir, name, NULL);
		g_autofree char *data = NULL;
		gsize len;
		g_assert_true (g_file_get_contents (path, &data, &len, NULL));
		mh_office_options options;
		mh_office_options_init_default (&options);
		g_autoptr (mh_document) doc = mh_document_analyse ((const guint8 *) data, len, name,
		                                                   &options);
		documents++;
		with_text += doc->text && doc->text->len > 0;
		if (count_lure_findings (doc) != 0)
			g_error ("sample %s matched a lure template", name);
	}
	g_assert_cmpuint (documents, >=, 10);
	g_test_message ("%u samples, %u with text, no lure", documents, with_text);
}

/* -- an analyst's file ----------------------------------------------------------------- */

static char *
write_file (const char *content)
{
	char *path = NULL;
	GError *error = NULL;
	int fd = g_file_open_tmp ("lures-XXXXXX.txt", &path, &error);
	g_assert_no_error (error);
	close (fd);
	g_assert_true (g_file_set_contents (path, content, -1, NULL));
	return path;
}

static void
test_custom_file (void)
{
	g_autofree char *path = write_file (
		"# our own\n"
		"template: invoice-portal\n"
		"family: analyst\n"
		"description: the screen of our case 2024-17\n"
		"source: internal ticket\n"
		"require: 2\n"
		"phrase: en: open the secure invoice portal\n"
		"phrase: ja: 請求書ポータルを開く\n"
		"phrase: en: Enable Content\n"
		"fingerprint: 0f0f3c3c7e7effff 10\n");
	g_autoptr (GError) error = NULL;
	mh_lure_db *db = mh_lure_db_load (path, &error);
	g_assert_no_error (error);
	g_assert_nonnull (db);

	g_autoptr (mh_document) doc = match_text ("Please OPEN THE SECURE INV0ICE PORTAL and click "
	                                          "Enable Content.", db);
	const mh_finding *f = find_template (doc, "invoice-portal");
	g_assert_nonnull (f);
	g_assert_nonnull (strstr (f->summary, "2 of 3 phrases (threshold 2), closest distance 0"));
	g_assert_nonnull (strstr (f->evidence, "distance 1"));
	g_assert_cmpuint (count_lure_findings (doc), ==, 1);
	g_autofree char *origin = g_strdup_printf ("template defined at %s:2", path);
	g_assert_nonnull (strstr (f->evidence, origin));

	/* the built-in templates are still there */
	const table_template *t = g_ptr_array_index (table, 0);
	g_autofree char *text = text_of (t->en, NULL);
	g_autoptr (mh_document) doc2 = match_text (text, db);
	g_assert_nonnull (find_template (doc2, t->name));
	/* and the built-in database does not know the analyst's */
	g_autoptr (mh_document) doc3 = match_text ("open the secure invoice portal, Enable Content", NULL);
	g_assert_null (find_template (doc3, "invoice-portal"));
	mh_lure_db_free (db);
	g_unlink (path);
}

/* A database of more characters than fit a byte (320 kanji here) numbers
 * its pairs by a hash, where pairs can share a number: the search must
 * find the same as with the built-in templates' exact numbers.  The text
 * mixes the phrases' own characters at random, so that shared numbers
 * come up; MAILHUNT_LURE_VERIFY checks each anchored search against the
 * search over the whole text. */
static void
test_many_classes (void)
{
	GString *file = g_string_new ("template: many-kanji\nfamily: analyst\n"
	                              "description: more characters than a byte numbers\nrequire: 2\n");
	g_autoptr (GPtrArray) phrases = g_ptr_array_new_with_free_func (g_free);
	for (guint p = 0; p < 16; p++) {
		GString *phrase = g_string_new (NULL);
		for (guint k = 0; k < 20; k++)
			g_string_append_unichar (phrase, 0x4E00 + p * 20 + k);
		g_string_append_printf (file, "phrase: ja: %s\n", phrase->str);
		g_ptr_array_add (phrases, g_string_free (phrase, FALSE));
	}
	g_autofree char *path = write_file (file->str);
	g_string_free (file, TRUE);
	g_autoptr (GError) error = NULL;
	mh_lure_db *db = mh_lure_db_load (path, &error);
	g_assert_no_error (error);

	GRand *rand = g_rand_new_with_seed (320);
	GString *text = g_string_new (NULL);
	for (guint i = 0; i < 20000; i++) {
		if (i == 7000)
			g_string_append (text, g_ptr_array_index (phrases, 3));
		if (i == 13000) {
			/* phrase 9 with its eleventh character changed */
			const char *s = g_ptr_array_index (phrases, 9);
			const char *cut = g_utf8_offset_to_pointer (s, 10);
			g_string_append_len (text, s, cut - s);
			g_string_append_unichar (text, 0x4E00 + 2 * 20 + 5);
			g_string_append (text, g_utf8_next_char (cut));
		}
		g_string_append_unichar (text, 0x4E00 + (gunichar) g_rand_int_range (rand, 0, 320));
	}
	g_autoptr (mh_document) doc = match_text (text->str, db);
	const mh_finding *f = find_template (doc, "many-kanji");
	g_assert_nonnull (f);
	g_assert_nonnull (strstr (f->summary, "2 of 16 phrases (threshold 2), closest distance 0"));
	/* without the two phrases, nothing */
	g_string_truncate (text, 0);
	for (guint i = 0; i < 20000; i++)
		g_string_append_unichar (text, 0x4E00 + (gunichar) g_rand_int_range (rand, 0, 320));
	g_autoptr (mh_document) doc2 = match_text (text->str, db);
	g_assert_null (find_template (doc2, "many-kanji"));
	g_string_free (text, TRUE);
	g_rand_free (rand);
	mh_lure_db_free (db);
	g_unlink (path);
}

typedef struct {
	const char *content;
	guint       line;
	const char *message;
} bad_file;

static const bad_file bad_files[] = {
	{ "family: x\n", 1, "before the first" },
	{ "template: a\nfamily: f\nphrase: en: hello world\nbogus: 1\n", 4, "unknown key" },
	{ "template: a\nfamily f\n", 2, "key: value" },
	{ "template: a\nphrase: en: hello world\n", 1, "no family" },
	{ "template: a\nfamily: f\n\n\ntemplate: b\n", 1, "no phrase" },
	{ "template: a\nfamily: f\nrequire: 3\nphrase: en: one two\n", 1, "requires 3" },
	{ "template: a\nfamily: f\nrequire: zero\nphrase: en: x\n", 3, "require" },
	{ "template: a\nfamily: f\nphrase: hello world\n", 3, "LANG" },
	{ "template: a\nfamily: f\nphrase: en:   \n", 3, "empty phrase" },
	{ "template: a\nfamily: f\nphrase: en: "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 3, "characters" },
	{ "template: a\nfamily: f\nphrase: en: x\nfingerprint: 0123 4\n", 4, "16 hex" },
	{ "template: a\nfamily: f\nphrase: en: x\nfingerprint: 0123456789abcdeg 4\n", 4, "hexadecimal" },
	{ "template: a\nfamily: f\nphrase: en: x\nfingerprint: 0123456789abcdef 65\n", 4, "0 to 64" },
	{ "template: earlier-version\nfamily: f\nphrase: en: x\n", 1, "defined twice" },
	{ "template:\n", 1, "without a name" },
	{ "template: a\nfamily: f\nphrase: en: \xff\xfe\n", 1, "UTF-8" },
};

static void
test_bad_file (gconstpointer data)
{
	const bad_file *bad = data;
	g_autofree char *path = write_file (bad->content);
	g_autoptr (GError) error = NULL;
	mh_lure_db *db = mh_lure_db_load (path, &error);
	g_assert_null (db);
	g_assert_error (error, MH_OFFICE_ERROR, 0);
	g_autofree char *where = g_strdup_printf ("%s:%u: ", path, bad->line);
	if (!g_str_has_prefix (error->message, where) || !strstr (error->message, bad->message))
		g_error ("expected \"%s...%s\", got \"%s\"", where, bad->message, error->message);
	g_unlink (path);
}

/* A file over 1 MiB (or a device) is refused without being read whole. */
static void
test_huge_file (void)
{
	g_autoptr (GError) error = NULL;
	g_assert_null (mh_lure_db_load ("/dev/zero", &error));
	g_assert_nonnull (error);
	g_assert_nonnull (strstr (error->message, "/dev/zero: larger than"));
}

static void
test_missing_file (void)
{
	g_autoptr (GError) error = NULL;
	g_assert_null (mh_lure_db_load ("/nonexistent/lures.txt", &error));
	g_assert_nonnull (error);
	g_assert_nonnull (strstr (error->message, "/nonexistent/lures.txt"));
}

/* -- size ------------------------------------------------------------------------------------ */

/* 4 MB of text with a lure at its end: one pass per phrase, so it ends
 * quickly (no timing asserted; the time is printed). */
static void
test_huge_text (void)
{
	GString *text = g_string_new (NULL);
	while (text->len < 4000000)
		g_string_append (text, "Quarterly figures attached, please review the content and "
		                       "editing notes before Friday. 請求書を添付いたします。\n");
	g_string_append (text, "This document is protected. Previewing is not available. "
	                       "Click Enable Editing and then Enable Content.\n");
	mh_office_options options;
	mh_office_options_init_default (&options);
	g_assert_cmpuint (text->len, <=, options.limits.max_text);
	mh_document *doc = _mh_document_new ("big.doc", (const guint8 *) "", 0, 0);
	doc->text = text;
	gint64 start = g_get_monotonic_time ();
	_mh_lure_apply (doc, &options);
	g_test_message ("4 MB matched in %.2f s", (g_get_monotonic_time () - start) / 1e6);
	g_assert_nonnull (find_template (doc, "document-protected"));
	mh_document_free (doc);
}

/* Text longer than max_text (a reader that did not cap it): the rest is
 * not matched, and a problem says so. */
static void
test_text_cap (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_text = 100;
	mh_document *doc = _mh_document_new ("capped.doc", (const guint8 *) "", 0, 0);
	doc->text = g_string_new (NULL);
	for (guint i = 0; i < 10; i++)
		g_string_append (doc->text, "Nothing to see here, just ordinary words.\n");
	g_string_append (doc->text, "This document is protected. Previewing is not available. "
	                            "Enable Editing, Enable Content.");
	_mh_lure_apply (doc, &options);
	g_assert_cmpuint (count_lure_findings (doc), ==, 0);
	g_assert_cmpuint (doc->problems->len, ==, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (doc->problems, 0), "first 100"));
	mh_document_free (doc);
}

/* Japanese as OCR gives it: spaces between characters, half-width katakana,
 * full-width Latin letters. */
static void
test_japanese_ocr (void)
{
	g_autoptr (mh_document) doc = match_text (
		"こ の ド キ ュ メ ン ト は 保 護 さ れ て い ま す 。\n"
		"プ レ ビ ュ ー は 利 用 で き ま せ ん\n"
		"「編 集 を 有 効 に す る」を押してから「\xef\xbd\xba\xef\xbe\x9d\xef\xbe\x83"
		"\xef\xbe\x9d\xef\xbe\x82の有効化」を押してください。", NULL);   /* ｺﾝﾃﾝﾂ */
	const mh_finding *f = find_template (doc, "document-protected");
	g_assert_nonnull (f);
	g_assert_nonnull (strstr (f->summary, "4 of 9 phrases (threshold 3), closest distance 0"));
	g_assert_nonnull (strstr (f->evidence, "\"コンテンツの有効化\" ~ \"コンテンツの有効化\" (ja, distance 0"));
}

/* The distance allowed is one edit per 8 characters: "Enable Editing" (14)
 * takes one edit, not two; a phrase under 8 characters none. */
static void
test_distance_rule (void)
{
	g_autofree char *path = write_file ("template: t\nfamily: f\nrequire: 1\n"
	                                    "phrase: en: Enable Editing\n"
	                                    "template: short\nfamily: f\nphrase: en: macro\n");
	g_autoptr (GError) error = NULL;
	mh_lure_db *db = mh_lure_db_load (path, &error);
	g_assert_no_error (error);
	struct { const char *text; gboolean t, shorter; } cases[] = {
		{ "please ENABLE EDITING now", TRUE, FALSE },
		{ "please Enxble Editing now", TRUE, FALSE },
		{ "please Enable Editng now", TRUE, FALSE },      /* a deletion */
		{ "please Enable  E diting now", TRUE, FALSE },   /* an inserted space */
		{ "please Enxble Edxting now", FALSE, FALSE },
		{ "a macro here", FALSE, TRUE },
		{ "a makro here", FALSE, FALSE },
	};
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (mh_document) doc = match_text (cases[i].text, db);
		g_assert_cmpint (find_template (doc, "t") != NULL, ==, cases[i].t);
		g_assert_cmpint (find_template (doc, "short") != NULL, ==, cases[i].shorter);
	}
	mh_lure_db_free (db);
	g_unlink (path);
}

/* A NUL byte in the text (a careless reader, or a trick) hides nothing. */
static void
test_nul_in_text (void)
{
	static const char text[] = "cover page\0This document is protected. Previewing is not "
	                           "available. Enable Editing, Enable Content.";
	mh_office_options options;
	mh_office_options_init_default (&options);
	mh_document *doc = _mh_document_new ("nul.doc", (const guint8 *) "", 0, 0);
	doc->text = g_string_new_len (text, sizeof text - 1);
	_mh_lure_apply (doc, &options);
	g_assert_nonnull (find_template (doc, "document-protected"));
	mh_document_free (doc);
}

/* Characters that NFKC expands (U+FDFA becomes 18) cannot make the
 * search longer than max_text characters; a problem says where it stopped. */
static void
test_expanding_text (void)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_text = 3000;
	mh_document *doc = _mh_document_new ("expand.doc", (const guint8 *) "", 0, 0);
	doc->text = g_string_new (NULL);
	for (guint i = 0; i < 900; i++)
		g_string_append (doc->text, "\xef\xb7\xba");   /* U+FDFA */
	_mh_lure_apply (doc, &options);
	g_assert_cmpuint (count_lure_findings (doc), ==, 0);
	g_assert_cmpuint (doc->problems->len, ==, 1);
	g_assert_nonnull (strstr (g_ptr_array_index (doc->problems, 0), "once normalised"));
	mh_document_free (doc);
}

/* At most one finding per template, however often its phrases occur. */
static void
test_one_finding_per_template (void)
{
	GString *text = g_string_new (NULL);
	for (guint i = 0; i < 50; i++)
		g_string_append (text, "Upgrade your edition of Microsoft Word. Enable Editing. Enable Content.\n");
	g_autoptr (mh_document) doc = match_text (text->str, NULL);
	g_assert_cmpuint (count_lure_findings (doc), ==, 1);
	g_assert_nonnull (find_template (doc, "word-upgrade"));
	g_string_free (text, TRUE);
}

/* Normalising piece by piece (ASCII runs by a table, the rest folded by
 * a table of the BMP) must give what
 * normalising the whole text gives: MAILHUNT_LURE_VERIFY makes every
 * lure search compare the two, so random texts of the characters where
 * they could differ only have to be searched.  Combining marks after
 * ASCII letters compose with them under NFKC, half-width kana with their
 * voicing marks; ligatures and U+FDFA expand; controls, tabs and the
 * ideographic space are dropped or collapsed. */
static void
test_normalise_pieces (void)
{
	static const char *const pieces[] = {
		"a", "E", "n", " ", "  ", "\t", "\r\n", "\x01", "\x7f", ".", "Enable ", "Content",
		/* words of eight bytes and more, read eight at a time, and the
		 * bytes next to where such a word must stop */
		"EnableEditing", "ABCDEFGHIJKLMNOPQ", "!~", "\x1f", "\x0b", "\x0c", "x\x7fy",
		"\xcc\x81",          /* U+0301 combining acute */
		"\xcc\x88",          /* U+0308 combining diaeresis */
		"\xe3\x82\x99",      /* U+3099 combining voiced mark */
		"\xef\xbd\xb6",      /* U+FF76 half-width ka */
		"\xef\xbe\x9e",      /* U+FF9E half-width voiced mark */
		"\xef\xbc\xa5",      /* U+FF25 full-width E */
		"\xef\xac\x81",      /* U+FB01 fi ligature */
		"\xef\xb7\xba",      /* U+FDFA */
		"\xe3\x80\x80",      /* U+3000 ideographic space */
		"\xe7\xb7\xa8\xe9\x9b\x86", /* 編集 */
		"\xe3\x80\x8c\xe8\xb3\x87\xe6\x96\x99\xe3\x80\x8d\xe3\x81\xae\xe7\xa2\xba\xe8\xaa\x8d\xe3\x80\x81",   /* 「資料」の確認、 */
		"\xe3\x82\xab",      /* カ */
		"\xc3\x84",          /* U+00C4 */
		"\xe2\x84\xaa",      /* U+212A Kelvin sign */
		"\xce\xa3",          /* U+03A3 sigma */
		"\xc2\xa0",          /* U+00A0 */
		"\xef\xbf\xbd",      /* U+FFFD */
		"\xc3\x9f",          /* U+00DF sharp s: folds to two characters */
		"\xc4\xb0",          /* U+0130 dotted capital I: folds to two */
		"\xea\xad\xb0",      /* U+AB70 Cherokee small a: folds to U+13A0 */
		"\xf0\x90\x90\x80",  /* U+10400 Deseret capital: beyond the BMP */
		"\xe1\x9a\x80",      /* U+1680 Ogham space mark */
	};
	GRand *rand = g_rand_new_with_seed (20261126);
	for (guint round = 0; round < 400; round++) {
		GString *text = g_string_new (NULL);
		guint n = (guint) g_rand_int_range (rand, 1, 40);
		for (guint i = 0; i < n; i++)
			g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
		/* the check is inside: a difference ends the test with g_error */
		g_autoptr (mh_document) doc = match_text (text->str, NULL);
		g_assert_nonnull (doc);
		g_string_free (text, TRUE);
	}
	g_rand_free (rand);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	/* every anchored phrase search is checked against the whole search */
	g_setenv ("MAILHUNT_LURE_VERIFY", "1", TRUE);
	table_read ();
	g_test_add_func ("/lure/builtin", test_builtin);
	for (guint i = 0; i < table->len; i++) {
		const table_template *t = g_ptr_array_index (table, i);
		g_autofree char *path = g_strdup_printf ("/lure/template/%s", t->name);
		g_test_add_data_func (path, t, test_template);
	}
	g_test_add_func ("/lure/families-apart", test_families_apart);
	g_test_add_func ("/lure/ordinary-text", test_ordinary_text);
	g_test_add_func ("/lure/normalise-pieces", test_normalise_pieces);
	g_test_add_func ("/lure/samples", test_samples);
	g_test_add_func ("/lure/custom-file", test_custom_file);
	g_test_add_func ("/lure/many-classes", test_many_classes);
	for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++) {
		g_autofree char *path = g_strdup_printf ("/lure/bad-file/%u", i);
		g_test_add_data_func (path, &bad_files[i], test_bad_file);
	}
	g_test_add_func ("/lure/missing-file", test_missing_file);
	g_test_add_func ("/lure/huge-file", test_huge_file);
	g_test_add_func ("/lure/huge-text", test_huge_text);
	g_test_add_func ("/lure/text-cap", test_text_cap);
	g_test_add_func ("/lure/one-finding-per-template", test_one_finding_per_template);
	g_test_add_func ("/lure/nul-in-text", test_nul_in_text);
	g_test_add_func ("/lure/expanding-text", test_expanding_text);
	g_test_add_func ("/lure/japanese-ocr", test_japanese_ocr);
	g_test_add_func ("/lure/distance-rule", test_distance_rule);
	return g_test_run ();
}
