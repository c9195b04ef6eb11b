/* Lure templates: the "Enable Content" screens Emotet documents show to
 * make the reader enable macros (docs/lures.md).
 *
 * A template is a set of phrases of which `require` must be found in the
 * document's text.  Text and phrases are normalised the same way (NFKC,
 * case folded, white space collapsed, no spaces next to CJK characters)
 * and each phrase is searched approximately, allowing an edit distance
 * that grows with its length, so OCR noise does not hide a lure.  The
 * search is Myers' bit-parallel algorithm (phrases are at most 64
 * characters): one pass over the text per phrase, whatever the text. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "office-private.h"
#include "mailhunt/text.h"

/* The built-in templates: src/data/lures.txt compiled in by tests/office-lure.mk. */
extern const char _mh_lures_txt[];

#define LURE_BUILTIN_NAME    "src/data/lures.txt"
#define LURE_MAX_FILE_SIZE   (1u << 20)  /* an analyst's file */
#define LURE_MAX_LINE        4096
#define LURE_MAX_TEMPLATES   512
#define LURE_MAX_PHRASES     64          /* per template */
#define LURE_MAX_PHRASE_CHARS 64         /* one machine word of Myers' algorithm */
#define LURE_MAX_FINGERPRINTS 64         /* per template */

typedef struct {
	char    *text;       /* as written in the file */
	char    *language;   /* "en", "ja", ... */
	gunichar *chars;     /* normalised */
	guint    n_chars;
	guint    max_distance;
	guint64 *peq;        /* per character class of the database: where it occurs */
	guint    slot;       /* phrases of the same characters and distance share one
	                      * search per text ("Enable Content" is in many templates) */
	guint32 *bigrams;    /* pair_bit of its neighbouring characters, n_chars - 1 */
	guint32 *classes;    /* the class of each of its characters */
} lure_phrase;

typedef struct {
	guint64 dhash;         /* 64-bit difference hash of an image */
	guint   max_distance;  /* Hamming distance still counted as the same image */
} lure_fingerprint;

typedef struct {
	char      *name;
	char      *family;
	char      *description;
	char      *origin;        /* "file:line" where it was defined */
	guint      require;
	GPtrArray *phrases;       /* of lure_phrase* */
	GArray    *fingerprints;  /* of lure_fingerprint */
} lure_template;

struct _mh_lure_db {
	GPtrArray  *templates;  /* of lure_template* */
	/* Every character of every phrase gets a class number (from 1; 0 is
	 * "in no phrase"), so a text character is looked up once for all
	 * phrases and each phrase's match table is a small array. */
	GHashTable *classes;    /* gunichar -> class */
	guint32    *bmp_class;  /* the same for U+0000..U+FFFF, looked up once per
	                         * character of every text: no hashing */
	guint32     ascii_class[128]; /* what normalising makes of an ASCII byte, as
	                         * its class (NORMAL_SPACE, NORMAL_DROP): a text's
	                         * ASCII runs become classes in one step */
	guint32     space_class; /* the class of the space normalising puts between words */
	guint       n_classes;
	gboolean    exact_pairs; /* n_classes <= 256: a pair's number is its two classes */
	guint       n_slots;    /* distinct phrases (lure_phrase.slot) */
};

/* -- normalisation ---------------------------------------------------- */

/* Japanese and Chinese text has no spaces between words; OCR inserts them. */
static gboolean
is_cjk (gunichar c)
{
	return (c >= 0x3000 && c <= 0x30FF) ||   /* CJK punctuation, kana */
	       (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFF01 && c <= 0xFFEF);     /* what NFKC leaves of full-width forms */
}

/* The class of @c in @db: 0 when no phrase has it. */
static inline guint32
char_class (const mh_lure_db *db, gunichar c)
{
	if (G_LIKELY (db->bmp_class && c < 0x10000))
		return db->bmp_class[c];
	return GPOINTER_TO_UINT (g_hash_table_lookup (db->classes, GUINT_TO_POINTER (c)));
}

/* Normalised characters as they are made: white space collapsed (none
 * next to CJK), control characters dropped.  Only those numbered from
 * `from` to `to` are kept (all of them unless a window is asked for: an
 * excerpt of a long text needs a few).  With a database, each is kept as
 * its class there: the search needs nothing else, and a second pass over
 * a long text to look the classes up cost a fifth of the search. */
typedef struct {
	guint32  *chars;     /* chars[0] is character number `from`; classes in db when set */
	gsize     n, size;   /* n: characters made, kept or not */
	gsize     from, to;
	gboolean  last_cjk;  /* the last character made is CJK */
	gboolean  pending_space;
	const mh_lure_db *db;
} normal_text;

#define NORMAL_TEXT_ALL { .to = G_MAXSIZE }

static inline void
normal_push (normal_text *t, gunichar c)
{
	if (t->n >= t->from && t->n <= t->to) {
		gsize k = t->n - t->from;
		if (k + 2 > t->size) {
			t->size = MAX (t->size * 2, 64);
			t->chars = g_renew (guint32, t->chars, t->size);
		}
		t->chars[k] = t->db ? char_class (t->db, c) : c;
	}
	t->n++;
	t->last_cjk = is_cjk (c);
}

/* @c, NFKC-normalised and case folded already, not white space and not
 * dropped, into @t. */
static inline void
normal_keep (normal_text *t, gunichar c)
{
	if (t->pending_space && t->n > 0 && !t->last_cjk && !is_cjk (c))
		normal_push (t, ' ');
	t->pending_space = FALSE;
	normal_push (t, c);
}

#define NORMAL_DROP  0xFFFFFFFDu   /* in the ASCII tables only: bmp_normal says 0 */
#define NORMAL_SPACE 0xFFFFFFFEu
#define NORMAL_SLOW  0xFFFFFFFFu

/* What becomes of a character NFKC-normalised and case folded already:
 * NORMAL_SPACE (white space, collapsed), 0 (dropped) or itself. */
static guint32
normal_class (gunichar c)
{
	if (g_unichar_isspace (c) || c == 0x3000)
		return NORMAL_SPACE;
	if (g_unichar_iscntrl (c) || c == 0xFFFD)
		return 0;
	return c;
}

/* @c, NFKC-normalised and case folded already, into @t. */
static inline void
normal_add (normal_text *t, gunichar c)
{
	guint32 v = normal_class (c);
	if (v == NORMAL_SPACE)
		t->pending_space = TRUE;
	else if (v)
		normal_keep (t, v);
}

/* What case folding and normal_class make of each character of the Basic
 * Multilingual Plane (ASCII included), or NORMAL_SLOW when it folds to more
 * than one character (ß, İ).  Asked of the same functions once, so both
 * roads agree by construction: folding each lure text through GLib and
 * asking GLib about each character was half of the cost of a lure search. */
static guint32 *bmp_normal;

/* The first 128 of bmp_normal with NORMAL_DROP for 0, as the ASCII runs
 * read them (a database's ascii_class is the same as classes). */
static guint32 ascii_normal[128];

/* Whether '!' to '~' are each kept as one character (normal_class keeps
 * them and folding only lowers letters): words of them are then read
 * eight bytes at a time. */
static gboolean ascii_words;

static gpointer
bmp_normal_init (gpointer unused)
{
	(void) unused;
	guint32 *table = g_new (guint32, 0x10000);
	for (gunichar c = 0; c < 0x10000; c++) {
		char one[8];
		if (c >= 0xD800 && c <= 0xDFFF) {   /* not in valid UTF-8 */
			table[c] = NORMAL_SLOW;
			continue;
		}
		one[g_unichar_to_utf8 (c, one)] = '\0';
		g_autofree char *folded = g_utf8_casefold (one, -1);
		gboolean several = *folded && *g_utf8_next_char (folded);
		table[c] = several ? NORMAL_SLOW : normal_class (g_utf8_get_char (folded));
	}
	ascii_words = TRUE;
	for (gunichar c = 0; c < 128; c++) {
		ascii_normal[c] = table[c] ? table[c] : NORMAL_DROP;
		if (c >= 0x21 && c <= 0x7E && ascii_normal[c] >= NORMAL_DROP)
			ascii_words = FALSE;
	}
	bmp_normal = table;
	return table;
}

static void
bmp_normal_ensure (void)
{
	static GOnce once = G_ONCE_INIT;
	g_once (&once, bmp_normal_init, NULL);
}

/* NFKC, case folding and normal_add over a piece of text.  Case folding
 * is character by character (g_utf8_casefold has no context), so the
 * table gives what folding the whole piece would. */
/* Where the characters of @text from @p on stop being inert (NFKC leaves
 * them alone and nothing composes with them: mh_text_nfkc_inert) three-
 * byte ones: the end of a run of kanji and kana. */
static const guchar *
inert_run_end (const guchar *p, const guchar *end)
{
	while (end - p >= 3 && (p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
	       mh_text_nfkc_inert (mh_utf8_bmp3 (p)))
		p += 3;
	return p;
}

static void
normal_add_text (normal_text *t, const char *text, gssize len)
{
	bmp_normal_ensure ();
	/* the bulk of Japanese text: a piece of inert characters, after
	 * the ASCII one it starts with, is the same once normalised; none
	 * folds, is white space or dropped, and all are CJK, so no space
	 * goes before them.  Kept as they come, without a copy. */
	const guchar *u = (const guchar *) text, *u_end = u + (len < 0 ? strlen (text) : (gsize) len);
	const guchar *first = u < u_end && *u < 0x80 ? u + 1 : u;
	if (first < u_end && inert_run_end (first, u_end) == u_end && t->from == 0 && t->to == G_MAXSIZE) {
		if (first > u) {
			guint32 v = bmp_normal[*u];
			if (v == NORMAL_SPACE)
				t->pending_space = TRUE;
			else if (v)
				normal_keep (t, v);
		}
		gsize more = (gsize) (u_end - first) / 3;
		if (t->n + more + 2 > t->size) {
			t->size = MAX (t->size * 2, t->n + more + 2);
			t->chars = g_renew (guint32, t->chars, t->size);
		}
		guint32 *out = t->chars + t->n;
		for (const guchar *p = first; p < u_end; p += 3) {
			gunichar c = mh_utf8_bmp3 (p);
			*out++ = t->db ? char_class (t->db, c) : c;
		}
		t->n += more;
		t->pending_space = FALSE;
		t->last_cjk = TRUE;
		return;
	}
	g_autofree char *nfkc = mh_text_nfkc (text, len);
	for (const char *p = nfkc; p && *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		guint32 v = c < 0x10000 ? bmp_normal[c] : NORMAL_SLOW;
		if (v == NORMAL_SLOW) {
			g_autofree char *folded = g_utf8_casefold (p, g_utf8_next_char (p) - p);
			for (const char *q = folded; *q; q = g_utf8_next_char (q))
				normal_add (t, g_utf8_get_char (q));
		} else if (v == NORMAL_SPACE) {
			t->pending_space = TRUE;
		} else if (v) {
			normal_keep (t, v);
		}
	}
}

/* @text normalised at once, as the check of normalise_window. */
static gunichar *
normalise_whole (const char *text, gssize len, guint *n_out)
{
	/* GLib's own NFKC and folding over the whole text, none of the
	 * tables or shortcuts of the pieces */
	normal_text t = NORMAL_TEXT_ALL;
	g_autofree char *nfkc = g_utf8_normalize (text, len, G_NORMALIZE_NFKC);
	g_autofree char *folded = nfkc ? g_utf8_casefold (nfkc, -1) : NULL;
	for (const char *p = folded; p && *p; p = g_utf8_next_char (p))
		normal_add (&t, g_utf8_get_char (p));
	normal_push (&t, 0);
	*n_out = (guint) (t.n - 1);
	return t.chars;
}

/* An ASCII byte from '!' to '~'. */
static inline gboolean
word_byte (guchar c)
{
	return (guchar) (c - 0x21) < 0x5E;
}

/* Where the first of the eight ASCII bytes at @p that is not a word_byte
 * stands, or 8. */
static inline guint
word_bytes (const guchar *p)
{
	const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
	const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
	guint64 w, del;
	memcpy (&w, p, 8);
	del = w ^ (ones * 0x7F);
	/* a byte below '!', a byte 0x7F: in ASCII the lowest byte each
	 * marks is the first that is so */
	guint64 stop = ((w - ones * 0x21) & ~w & high) | ((del - ones) & ~del & high);
	return stop ? (guint) __builtin_ctzll (stop) / 8 : 8;
}

/* The ASCII bytes [@k, @end) of a whole text normalised into @out, which
 * has room for a character per byte and a space; *@pending and *@space_ok
 * are normalise_window's state.  Returns where the output ends.  A word
 * goes eight bytes at a time: each of its bytes is a character looked up,
 * and the space rules are asked at its edges only.  The rest goes byte by
 * byte without branches: a space between words was a mispredicted jump
 * each, once the largest cost of reading an Office folder. */
static guint32 *
normal_ascii (const guchar *s, gsize k, gsize end, const guint32 *ascii, guint32 space_out,
              guint32 *out, guint *pending, guint *space_ok)
{
	guint p = *pending, ok = *space_ok;
	while (k < end) {
		if (ascii_words && end - k >= 8 && word_byte (s[k])) {
			out[0] = space_out;
			out += p & ok;   /* the space the word may need */
			guint r;
			do {
				/* all eight are written, so the next ones overwrite
				 * those past the word */
#pragma GCC unroll 8
				for (guint b = 0; b < 8; b++)
					out[b] = ascii[s[k + b]];
				r = word_bytes (s + k);
				out += r;
				k += r;
			} while (r == 8 && end - k >= 8);
			p = 0;
			ok = 1;
			continue;
		}
		guint32 v = ascii[s[k++]];   /* ASCII folds to one character */
		guint space = v == NORMAL_SPACE, keep = v < NORMAL_DROP;
		guint gap = p & keep & ok;
		out[0] = space_out;
		out[gap] = v;   /* overwritten by the next one when not kept */
		out += gap + keep;
		ok |= keep;
		p = space | (p & !keep);
	}
	*pending = p;
	*space_ok = ok;
	return out;
}

/* Set from MAILHUNT_LURE_VERIFY (tests and fuzzing): every anchored
 * search is checked against the search over the whole text, and every
 * normalisation against the whole text's. */
static gboolean verify_anchors;

/* @text (valid UTF-8 without NULs) as normalised characters, or as
 * their classes in @db when it is not NULL; *n_out their number.
 *
 * Most text is ASCII, which NFKC leaves alone and folding only lowers:
 * runs of it take a table.  The rest goes through NFKC and folding piece
 * by piece.  A piece may start before an ASCII character (no character
 * composes with an ASCII one that follows it), but the ASCII character
 * before a piece goes with it, as a combining mark may compose with it.
 * With MAILHUNT_LURE_VERIFY the result is checked against normalising
 * the whole text at once. */
static guint32 *
normalise_window (const mh_lure_db *db, const char *text, gssize len, gsize from, gsize to,
                  guint *n_out)
{
	bmp_normal_ensure ();
	gsize n = len < 0 ? strlen (text) : (gsize) len;
	normal_text t = { .from = from, .to = to, .db = db };
	t.size = MIN (n, to - from) + 16;
	t.chars = g_new (guint32, t.size);
	const guint32 *ascii = db ? db->ascii_class : ascii_normal;
	const guint32 space_out = db ? db->space_class : ' ';
	const guchar *s = (const guchar *) text;
	gsize i = 0;
	while (i < n && t.n <= to) {   /* a window ends early */
		gsize j = i + mh_ascii_span (text, i, n);
		/* the ASCII run [i, j), less its last character when more follows */
		gsize ascii_end = j < n && j > i ? j - 1 : j;
		if (from == 0 && to == G_MAXSIZE) {
			/* the whole text (a window's ends need normal_push): the run
			 * makes at most one character per byte and one space */
			if (t.n + (ascii_end - i) + 2 > t.size) {
				t.size = MAX (t.size * 2, t.n + (ascii_end - i) + 2);
				t.chars = g_renew (guint32, t.chars, t.size);
			}
			guint32 *run = t.chars + t.n;
			guint pending = t.pending_space;
			/* a space may go before the next kept character: not at the
			 * start, nor after a CJK one (ASCII is not) */
			guint space_ok = run > t.chars && !t.last_cjk;
			guint32 *out = normal_ascii (s, i, ascii_end, ascii, space_out, run, &pending, &space_ok);
			t.n = (gsize) (out - t.chars);
			t.last_cjk = t.last_cjk && out == run;
			t.pending_space = pending;
		} else {
			for (gsize k = i; k < ascii_end; k++) {
				guint32 v = bmp_normal[s[k]];
				if (v == NORMAL_SPACE)
					t.pending_space = TRUE;
				else if (v)
					normal_keep (&t, v);
			}
		}
		if (j == n)
			break;
		gsize k = j;
		while (k < n && s[k] >= 0x80)
			k++;
		normal_add_text (&t, text + ascii_end, (gssize) (k - ascii_end));
		i = k;
	}
	normal_push (&t, 0);
	*n_out = (guint) (t.n - 1);
	if (verify_anchors && from == 0 && to == G_MAXSIZE) {
		guint whole_n = 0;
		g_autofree gunichar *whole = normalise_whole (text, (gssize) n, &whole_n);
		for (guint k = 0; db && k < whole_n; k++)
			whole[k] = char_class (db, whole[k]);
		if (whole_n != *n_out || memcmp (whole, t.chars, whole_n * sizeof (guint32)) != 0)
			g_error ("lure: normalising piece by piece gave %u characters, the whole text %u",
			         *n_out, whole_n);
	}
	return t.chars;
}

/* All of @text normalised. */
static gunichar *
normalise (const char *text, gssize len, guint *n_out)
{
	return normalise_window (NULL, text, len, 0, G_MAXSIZE, n_out);
}

/* -- the database --------------------------------------------------------- */

static void
lure_phrase_free (gpointer p)
{
	lure_phrase *phrase = p;
	g_free (phrase->text);
	g_free (phrase->language);
	g_free (phrase->chars);
	g_free (phrase->peq);
	g_free (phrase->bigrams);
	g_free (phrase->classes);
	g_free (phrase);
}

static void
lure_template_free (gpointer p)
{
	lure_template *t = p;
	if (!t)
		return;
	g_free (t->name);
	g_free (t->family);
	g_free (t->description);
	g_free (t->origin);
	g_ptr_array_unref (t->phrases);
	g_array_unref (t->fingerprints);
	g_free (t);
}

static lure_template *
lure_template_new (const char *file, guint line)
{
	lure_template *t = g_new0 (lure_template, 1);
	t->origin = g_strdup_printf ("%s:%u", file, line);
	t->phrases = g_ptr_array_new_with_free_func (lure_phrase_free);
	t->fingerprints = g_array_new (FALSE, FALSE, sizeof (lure_fingerprint));
	return t;
}

static mh_lure_db *
lure_db_new (void)
{
	mh_lure_db *db = g_new0 (mh_lure_db, 1);
	db->templates = g_ptr_array_new_with_free_func (lure_template_free);
	db->classes = g_hash_table_new (NULL, NULL);
	return db;
}

void
mh_lure_db_free (mh_lure_db *db)
{
	if (!db)
		return;
	g_ptr_array_unref (db->templates);
	g_hash_table_unref (db->classes);
	g_free (db->bmp_class);
	g_free (db);
}

static lure_template *
lure_db_find (const mh_lure_db *db, const char *name)
{
	for (guint i = 0; i < db->templates->len; i++) {
		lure_template *t = g_ptr_array_index (db->templates, i);
		if (g_strcmp0 (t->name, name) == 0)
			return t;
	}
	return NULL;
}

/* The number of a pair of character classes in a text's pair counts: the
 * two classes side by side when each fits in a byte (the shipped
 * templates have about 140), a hash otherwise, so that the counts have one
 * size whatever the templates.  Two pairs sharing a number only make the
 * filter of source_may_hold let more through and an anchor look commoner
 * than it is; every position found by number is checked class by class. */
#define PAIR_BITS 65536u

static inline guint32
pair_bit (gboolean exact, guint32 a, guint32 b)
{
	if (G_LIKELY (exact))
		return a << 8 | b;
	guint64 x = ((guint64) a << 32 | b) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
	return (guint32) (x >> 48) % PAIR_BITS;
}

/* The loops over every pair of neighbours in a text.  Each is called with
 * a constant @exact, so it is made once for each way of numbering pairs:
 * asking the flag for every character was a tenth of the search.  The
 * arrays are parameters, as stores through a struct's pointers could
 * alias them. */
static inline __attribute__ ((always_inline)) void
count_pairs (gboolean exact, const guint32 *classes, guint n, guint32 *counts)
{
	for (guint i = 1; i < n; i++)
		counts[pair_bit (exact, classes[i - 1], classes[i])]++;
}

static inline gboolean
is_anchor (const guint64 *anchor, guint32 pair)
{
	return (anchor[pair / 64] >> (pair % 64)) & 1;
}

/* The positions of the pairs in @anchor into their buckets in @at;
 * @start runs ahead as each bucket fills. */
static inline __attribute__ ((always_inline)) void
place_anchors (gboolean exact, const guint32 *classes, guint n, const guint64 *anchor,
               guint32 *start, guint32 *at)
{
	for (guint i = 1; i < n; i++) {
		guint32 pair = pair_bit (exact, classes[i - 1], classes[i]);
		if (is_anchor (anchor, pair))
			at[start[pair]++] = i - 1;
	}
}

/* Gives every phrase character a class and builds each phrase's table;
 * called once the database holds all its templates. */
static void
lure_db_index (mh_lure_db *db)
{
	g_hash_table_remove_all (db->classes);
	g_free (db->bmp_class);
	db->bmp_class = g_new0 (guint32, 0x10000);
	db->n_classes = 1;
	for (guint i = 0; i < db->templates->len; i++) {
		lure_template *t = g_ptr_array_index (db->templates, i);
		for (guint j = 0; j < t->phrases->len; j++) {
			lure_phrase *p = g_ptr_array_index (t->phrases, j);
			for (guint k = 0; k < p->n_chars; k++) {
				gpointer key = GUINT_TO_POINTER (p->chars[k]);
				if (!g_hash_table_contains (db->classes, key)) {
					if (p->chars[k] < 0x10000)
						db->bmp_class[p->chars[k]] = db->n_classes;
					g_hash_table_insert (db->classes, key, GUINT_TO_POINTER (db->n_classes++));
				}
			}
		}
	}
	db->exact_pairs = db->n_classes <= 256;
	bmp_normal_ensure ();
	for (guint c = 0; c < 128; c++) {
		guint32 v = ascii_normal[c];
		db->ascii_class[c] = v >= NORMAL_DROP ? v : char_class (db, v);
	}
	db->space_class = char_class (db, ' ');
	g_autoptr (GHashTable) slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	db->n_slots = 0;
	for (guint i = 0; i < db->templates->len; i++) {
		lure_template *t = g_ptr_array_index (db->templates, i);
		for (guint j = 0; j < t->phrases->len; j++) {
			lure_phrase *p = g_ptr_array_index (t->phrases, j);
			g_free (p->peq);
			g_free (p->bigrams);
			g_free (p->classes);
			p->peq = g_new0 (guint64, db->n_classes);
			p->bigrams = g_new0 (guint32, p->n_chars);
			p->classes = g_new0 (guint32, p->n_chars);
			guint prev = 0;
			for (guint k = 0; k < p->n_chars; k++) {
				guint cls = GPOINTER_TO_UINT (g_hash_table_lookup (db->classes,
				                                                   GUINT_TO_POINTER (p->chars[k])));
				p->peq[cls] |= G_GUINT64_CONSTANT (1) << k;
				p->classes[k] = cls;
				if (k > 0)
					p->bigrams[k - 1] = pair_bit (db->exact_pairs, prev, cls);
				prev = cls;
			}
			g_autofree char *chars = g_ucs4_to_utf8 (p->chars, p->n_chars, NULL, NULL, NULL);
			g_autofree char *key = g_strdup_printf ("%u:%s", p->max_distance, chars ? chars : "");
			gpointer slot;
			if (g_hash_table_lookup_extended (slots, key, NULL, &slot))
				p->slot = GPOINTER_TO_UINT (slot);
			else {
				p->slot = db->n_slots++;
				g_hash_table_insert (slots, g_steal_pointer (&key), GUINT_TO_POINTER (p->slot));
			}
		}
	}
}

/* -- the file format -------------------------------------------------------- */

static gboolean
fail (GError **error, const char *file, guint line, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError **error, const char *file, guint line, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	g_autofree char *msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_set_error (error, MH_OFFICE_ERROR, 0, "%s:%u: %s", file, line, msg);
	return FALSE;
}

/* OCR noise is a few characters per phrase: one edit per 8 characters, at
 * most 3, none for short phrases (a short phrase with an edit allowed
 * matches too much ordinary text). */
static guint
phrase_max_distance (guint n_chars)
{
	return MIN (3u, n_chars / 8);
}

static gboolean
parse_phrase (lure_template *t, const char *value, const char *file, guint line, GError **error)
{
	/* "LANG: text", LANG two or three lower-case letters */
	gsize lang_len = 0;
	while (value[lang_len] >= 'a' && value[lang_len] <= 'z')
		lang_len++;
	if (lang_len < 2 || lang_len > 3 || value[lang_len] != ':')
		return fail (error, file, line, "a phrase is \"phrase: LANG: text\" (LANG as en, ja)");
	const char *text = g_strstrip ((char *) value + lang_len + 1);
	if (t->phrases->len >= LURE_MAX_PHRASES)
		return fail (error, file, line, "more than %u phrases in template %s",
		             LURE_MAX_PHRASES, t->name);
	guint n = 0;
	g_autofree gunichar *chars = normalise (text, -1, &n);
	if (n == 0)
		return fail (error, file, line, "empty phrase");
	if (n > LURE_MAX_PHRASE_CHARS)
		return fail (error, file, line, "phrase of %u characters, at most %u", n,
		             LURE_MAX_PHRASE_CHARS);
	lure_phrase *p = g_new0 (lure_phrase, 1);
	p->text = g_strdup (text);
	p->language = g_strndup (value, lang_len);
	p->chars = g_steal_pointer (&chars);
	p->n_chars = n;
	p->max_distance = phrase_max_distance (n);
	g_ptr_array_add (t->phrases, p);
	return TRUE;
}

static gboolean
parse_fingerprint (lure_template *t, const char *value, const char *file, guint line,
                   GError **error)
{
	g_auto (GStrv) words = g_strsplit_set (value, " \t", -1);
	const char *hash = NULL, *distance = NULL;
	guint n = 0;
	for (guint i = 0; words[i]; i++) {
		if (!*words[i])
			continue;
		if (n == 0)
			hash = words[i];
		else if (n == 1)
			distance = words[i];
		n++;
	}
	if (n != 2 || strlen (hash) != 16)
		return fail (error, file, line,
		             "a fingerprint is 16 hex digits (a 64-bit dHash) and a distance");
	lure_fingerprint fp = { 0, 0 };
	for (guint i = 0; i < 16; i++) {
		int v = g_ascii_xdigit_value (hash[i]);
		if (v < 0)
			return fail (error, file, line, "fingerprint \"%s\" is not hexadecimal", hash);
		fp.dhash = (fp.dhash << 4) | (guint64) v;
	}
	guint64 d;
	if (!g_ascii_string_to_unsigned (distance, 10, 0, 64, &d, NULL))
		return fail (error, file, line, "fingerprint distance \"%s\" is not 0 to 64", distance);
	fp.max_distance = (guint) d;
	if (t->fingerprints->len >= LURE_MAX_FINGERPRINTS)
		return fail (error, file, line, "more than %u fingerprints in template %s",
		             LURE_MAX_FINGERPRINTS, t->name);
	g_array_append_val (t->fingerprints, fp);
	return TRUE;
}

/* A template is complete: check it and add it to @db. */
static gboolean
finish_template (mh_lure_db *db, lure_template *t, guint require_given, const char *file,
                 guint line, GError **error)
{
	if (!t->family)
		return fail (error, file, line, "template %s has no family", t->name);
	if (t->phrases->len == 0 && t->fingerprints->len == 0)
		return fail (error, file, line, "template %s has no phrase and no fingerprint", t->name);
	if (require_given == 0)
		t->require = t->phrases->len;   /* documented default: all of them */
	else if (require_given > t->phrases->len)
		return fail (error, file, line, "template %s requires %u phrases but has %u",
		             t->name, require_given, t->phrases->len);
	else
		t->require = require_given;
	if (lure_db_find (db, t->name))
		return fail (error, file, line, "template %s is defined twice", t->name);
	if (db->templates->len >= LURE_MAX_TEMPLATES)
		return fail (error, file, line, "more than %u templates", LURE_MAX_TEMPLATES);
	g_ptr_array_add (db->templates, t);
	return TRUE;
}

/* Adds the templates of @data (the text of a lure file named @file) to @db. */
static gboolean
lure_db_parse (mh_lure_db *db, const char *data, gsize len, const char *file, GError **error)
{
	if (!mh_utf8_validate (data, len))
		return fail (error, file, 1, "not UTF-8 text");
	lure_template *t = NULL;
	guint template_line = 0, require_given = 0;
	guint line_no = 0;
	const char *p = data, *end = data + len;
	gboolean ok = TRUE;
	while (ok && p < end) {
		const char *nl = memchr (p, '\n', (gsize) (end - p));
		const char *eol = nl ? nl : end;
		line_no++;
		if (eol - p > LURE_MAX_LINE) {
			ok = fail (error, file, line_no, "line longer than %u bytes", LURE_MAX_LINE);
			break;
		}
		g_autofree char *line = g_strndup (p, (gsize) (eol - p));
		p = nl ? nl + 1 : end;
		g_strstrip (line);
		if (!*line || *line == '#')
			continue;
		char *colon = strchr (line, ':');
		if (!colon) {
			ok = fail (error, file, line_no, "expected \"key: value\"");
			break;
		}
		*colon = '\0';
		const char *key = g_strstrip (line);
		char *value = g_strstrip (colon + 1);
		if (strcmp (key, "template") == 0) {
			if (t) {
				ok = finish_template (db, t, require_given, file, template_line, error);
				if (!ok)
					break;
				t = NULL;
			}
			if (!*value) {
				ok = fail (error, file, line_no, "template without a name");
				break;
			}
			t = lure_template_new (file, line_no);
			t->name = g_strdup (value);
			template_line = line_no;
			require_given = 0;
			continue;
		}
		if (!t) {
			ok = fail (error, file, line_no, "\"%s\" before the first \"template:\" line", key);
			break;
		}
		if (strcmp (key, "family") == 0 && *value) {
			g_free (t->family);
			t->family = g_strdup (value);
		} else if (strcmp (key, "description") == 0) {
			g_free (t->description);
			t->description = g_strdup (value);
		} else if (strcmp (key, "require") == 0) {
			guint64 n;
			if (!g_ascii_string_to_unsigned (value, 10, 1, LURE_MAX_PHRASES, &n, NULL))
				ok = fail (error, file, line_no, "require \"%s\" is not a number from 1 to %u",
				           value, LURE_MAX_PHRASES);
			else
				require_given = (guint) n;
		} else if (strcmp (key, "phrase") == 0) {
			ok = parse_phrase (t, value, file, line_no, error);
		} else if (strcmp (key, "fingerprint") == 0) {
			ok = parse_fingerprint (t, value, file, line_no, error);
		} else if (strcmp (key, "source") == 0) {
			/* where the template comes from: for the reader of the file */
		} else {
			ok = fail (error, file, line_no, "unknown key \"%s\"", key);
		}
	}
	if (ok && t) {
		ok = finish_template (db, t, require_given, file, template_line, error);
		if (ok)
			t = NULL;   /* now the database's */
	}
	lure_template_free (t);
	return ok;
}

static gpointer
builtin_parse (gpointer unused)
{
	(void) unused;
	mh_lure_db *db = lure_db_new ();
	g_autoptr (GError) error = NULL;
	/* The build checks the table (tests/test-lure); a failure is a bug. */
	if (!lure_db_parse (db, _mh_lures_txt, strlen (_mh_lures_txt), LURE_BUILTIN_NAME, &error))
		g_error ("built-in lure templates: %s", error->message);
	lure_db_index (db);
	return db;
}

const mh_lure_db *
mh_lure_db_builtin (void)
{
	static GOnce once = G_ONCE_INIT;
	g_once (&once, builtin_parse, NULL);
	return once.retval;
}

mh_lure_db *
mh_lure_db_load (const char *path, GError **error)
{
	g_return_val_if_fail (path != NULL, NULL);
	/* read at most one byte more than allowed: a device or a huge file is
	 * refused without being read whole */
	FILE *f = g_fopen (path, "rb");
	if (!f) {
		int saved = errno;
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
		             g_strerror (saved));
		return NULL;
	}
	g_autofree char *data = g_malloc (LURE_MAX_FILE_SIZE + 2);
	gsize len = fread (data, 1, LURE_MAX_FILE_SIZE + 1, f);
	gboolean read_error = ferror (f);
	fclose (f);
	if (read_error) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: read error", path);
		return NULL;
	}
	if (len > LURE_MAX_FILE_SIZE) {
		g_set_error (error, MH_OFFICE_ERROR, 0, "%s: larger than %u bytes", path,
		             LURE_MAX_FILE_SIZE);
		return NULL;
	}
	data[len] = '\0';
	mh_lure_db *db = lure_db_new ();
	if (!lure_db_parse (db, _mh_lures_txt, strlen (_mh_lures_txt), LURE_BUILTIN_NAME, error) ||
	    !lure_db_parse (db, data, len, path, error)) {
		mh_lure_db_free (db);
		return NULL;
	}
	lure_db_index (db);
	return db;
}

/* -- matching --------------------------------------------------------------- */

typedef struct {
	guint distance;   /* best edit distance seen */
	gsize end;        /* index in the text of the character where it ends */
} phrase_hit;

/* Myers (1999): the smallest edit distance between @p and any substring
 * of @text, in one pass.  Returns FALSE when none is within max_distance. */
static gboolean
phrase_search (const lure_phrase *p, const guint32 *text, gsize n, phrase_hit *hit)
{
	guint64 pv = ~G_GUINT64_CONSTANT (0), mv = 0;
	const guint64 last = G_GUINT64_CONSTANT (1) << (p->n_chars - 1);
	guint score = p->n_chars;
	hit->distance = G_MAXUINT;
	hit->end = 0;
	for (gsize i = 0; i < n; i++) {
		guint64 eq = p->peq[text[i]];
		guint64 xv = eq | mv;
		guint64 xh = (((eq & pv) + pv) ^ pv) | eq;
		guint64 ph = mv | ~(xh | pv);
		guint64 mh = pv & xh;
		if (ph & last)
			score++;
		else if (mh & last)
			score--;
		/* a match may start anywhere: row 0 stays 0, so no bit shifts in */
		ph <<= 1;
		mh <<= 1;
		pv = mh | ~(xv | ph);
		mv = ph & xv;
		if (score < hit->distance) {
			hit->distance = score;
			hit->end = i;
			if (score == 0)
				break;
		}
	}
	return hit->distance <= p->max_distance;
}

/* One text a lure is looked for in: the document's text, or what OCR
 * read in one of its pictures.  Only the classes of its normalised
 * characters are kept: a document's text of 4 MiB made three arrays of
 * 16 MiB (characters, classes, pair positions), most of a worker's
 * memory.  The few characters an excerpt shows are normalised again. */
typedef struct {
	const mh_lure_db *db;
	char     *where;     /* "text", "OCR of picture word/media/image1.png" */
	const char *text;    /* what was normalised: valid UTF-8 ... */
	gsize     text_len;
	char     *owned_text; /* ... made valid here when it was not */
	guint32  *classes;   /* the database's class of each normalised character */
	guint     n;
	guint32  *pair_count; /* PAIR_BITS: how often each pair of neighbouring classes stands */
	guint32  *pair_start; /* PAIR_BITS, set for anchors only: where a pair's positions start in ... */
	guint32  *pair_at;    /* ... the positions of the pairs that anchor a phrase, by pair */
	guint64  *anchor;    /* PAIR_BITS / 64 words: the pairs in pair_at */
	guint8   *searched;  /* per phrase slot: 0 not yet, 1 no hit, 2 hit */
	phrase_hit *hits;    /* per phrase slot, when searched is 2 */
} lure_source;

static void
lure_source_clear (lure_source *src)
{
	g_free (src->where);
	g_free (src->owned_text);
	g_free (src->classes);
	g_free (src->pair_count);
	g_free (src->pair_start);
	g_free (src->pair_at);
	g_free (src->anchor);
	g_free (src->searched);
	g_free (src->hits);
}

/* The normalised characters [@start, @end] of @src as UTF-8, for the evidence. */
static char *
source_excerpt (const lure_source *src, gsize start, gsize end)
{
	guint n;
	g_autofree gunichar *chars = normalise_window (NULL, src->text, (gssize) src->text_len, start, end, &n);
	gsize kept = end < n ? end - start + 1 : n > start ? n - start : 0;
	if (verify_anchors) {
		guint whole_n;
		g_autofree gunichar *whole = normalise (src->text, (gssize) src->text_len, &whole_n);
		gsize whole_kept = end < whole_n ? end - start + 1 : whole_n > start ? whole_n - start : 0;
		if (whole_kept != kept || memcmp (whole + start, chars, kept * sizeof (gunichar)) != 0)
			g_error ("lure: the excerpt of characters %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT
			         " differs from the whole text's", start, end);
	}
	return g_ucs4_to_utf8 (chars, (glong) kept, NULL, NULL, NULL);
}

/* Normalises @text (@len bytes, not necessarily valid or NUL-free) for
 * matching, within max_text characters; FALSE when nothing is left. */
static gboolean
lure_source_init (lure_source *src, mh_document *doc, const mh_office_options *options,
                  const mh_lure_db *db, const char *where, const char *text, gsize len)
{
	memset (src, 0, sizeof *src);
	if (len > options->limits.max_text) {
		_mh_document_add_problem (doc, "%s of %" G_GSIZE_FORMAT " bytes: lure templates "
		                          "matched against the first %" G_GSIZE_FORMAT " only",
		                          where, len, options->limits.max_text);
		len = options->limits.max_text;
	}
	guint n = 0;
	if (mh_utf8_validate (text, len)) {
		src->text = text;
		src->text_len = len;
	} else {
		/* a NUL inside the text must not hide what follows it */
		g_autofree char *raw = g_malloc (len + 1);
		memcpy (raw, text, len);
		raw[len] = '\0';
		for (gsize i = 0; i < len; i++)
			if (raw[i] == '\0')
				raw[i] = ' ';
		src->owned_text = g_utf8_make_valid (raw, (gssize) len);
		src->text = src->owned_text;
		src->text_len = strlen (src->owned_text);
	}
	guint32 *classes = normalise_window (db, src->text, (gssize) src->text_len, 0, G_MAXSIZE, &n);
	/* NFKC can expand a character into many (U+FDFA into 18): the search
	 * stays within max_text characters whatever the text holds */
	if (n > options->limits.max_text) {
		_mh_document_add_problem (doc, "%s of %u characters once normalised: lure templates "
		                          "matched against the first %" G_GSIZE_FORMAT " only",
		                          where, n, options->limits.max_text);
		n = (guint) options->limits.max_text;
	}
	src->n = n;
	src->db = db;
	src->where = g_strdup (where);
	/* each pair of neighbouring classes is counted */
	src->pair_count = g_new0 (guint32, PAIR_BITS);
	if (db->exact_pairs)
		count_pairs (TRUE, classes, n, src->pair_count);
	else
		count_pairs (FALSE, classes, n, src->pair_count);
	classes[n] = 0;
	src->classes = g_renew (guint32, classes, (gsize) n + 1);   /* normalise sized it by bytes */
	src->searched = g_new0 (guint8, db->n_slots + 1);
	src->hits = g_new0 (phrase_hit, db->n_slots + 1);
	return n > 0;
}


/* Whether @p can be within its distance of some part of @src: an edit
 * changes at most two of the phrase's neighbour pairs, so a match keeps
 * n_chars - 1 - 2 * max_distance of them, and the text must hold those
 * pairs somewhere.  Most texts lack most phrases' pairs: their search is
 * skipped (the filter never drops a real match). */
static gboolean
source_may_hold (const lure_source *src, const lure_phrase *p)
{
	if (p->n_chars < 2 || p->n_chars - 1 <= 2 * p->max_distance)
		return TRUE;
	guint need = p->n_chars - 1 - 2 * p->max_distance, have = 0;
	for (guint k = 0; k + 1 < p->n_chars; k++) {
		if (src->pair_count[p->bigrams[k]] > 0)
			if (++have >= need)
				return TRUE;
	}
	return FALSE;
}

/* The piece of @p numbered @j (of max_distance + 1): where it starts in
 * the phrase, its length, and where in it its rarest pair of neighbours
 * in @src stands (the first of the rarest). */
static void
piece_anchor (const lure_source *src, const lure_phrase *p, guint j, guint *off, guint *len, guint *best)
{
	guint n = p->n_chars, pieces = p->max_distance + 1;
	*off = j * n / pieces;
	*len = (j + 1) * n / pieces - *off;
	*best = 0;
	guint32 best_count = G_MAXUINT32;
	for (guint t = 0; t + 1 < *len; t++) {
		guint32 count = src->pair_count[p->bigrams[*off + t]];
		if (count < best_count) {
			best_count = count;
			*best = t;
		}
	}
}

/* Whether anchored_search can take @p (every piece two characters or more). */
static gboolean
phrase_anchored (const lure_phrase *p)
{
	return p->n_chars / (p->max_distance + 1) >= 2;
}

/* The positions of the anchor pairs of every phrase in the database that
 * may be in @src, bucketed by pair (a counting sort): made for the first
 * phrase that passes source_may_hold; most texts never need it.  Only
 * anchors are placed: placing every pair of a long text scattered writes
 * over 256 KiB of buckets, a cache miss each, and anchors are the rarest
 * pairs. */
static void
source_index_pairs (lure_source *src)
{
	const mh_lure_db *db = src->db;
	src->anchor = g_new0 (guint64, PAIR_BITS / 64);
	g_autofree guint8 *seen = g_new0 (guint8, db->n_slots + 1);
	for (guint i = 0; i < db->templates->len; i++) {
		const lure_template *t = g_ptr_array_index (db->templates, i);
		for (guint j = 0; j < t->phrases->len; j++) {
			const lure_phrase *p = g_ptr_array_index (t->phrases, j);
			if (seen[p->slot] || !phrase_anchored (p) || !source_may_hold (src, p))
				continue;
			seen[p->slot] = 1;
			for (guint k = 0; k <= p->max_distance; k++) {
				guint off, len, best;
				piece_anchor (src, p, k, &off, &len, &best);
				guint32 pair = p->bigrams[off + best];
				src->anchor[pair / 64] |= G_GUINT64_CONSTANT (1) << (pair % 64);
			}
		}
	}
	/* a bucket per anchor, in pair order (a counting sort); the other
	 * pairs' entries stay unset: only anchors are looked up */
	src->pair_start = g_new (guint32, PAIR_BITS);
	guint32 total = 0;
	for (guint w = 0; w < PAIR_BITS / 64; w++)
		for (guint64 bits = src->anchor[w]; bits; bits &= bits - 1) {
			guint32 pair = w * 64 + (guint32) __builtin_ctzll (bits);
			src->pair_start[pair] = total;
			total += src->pair_count[pair];
		}
	src->pair_at = g_new (guint32, MAX (total, 1));
	/* pair_start runs ahead as each bucket fills, and is put back after */
	if (db->exact_pairs)
		place_anchors (TRUE, src->classes, src->n, src->anchor, src->pair_start, src->pair_at);
	else
		place_anchors (FALSE, src->classes, src->n, src->anchor, src->pair_start, src->pair_at);
	for (guint w = 0; w < PAIR_BITS / 64; w++)
		for (guint64 bits = src->anchor[w]; bits; bits &= bits - 1) {
			guint32 pair = w * 64 + (guint32) __builtin_ctzll (bits);
			src->pair_start[pair] -= src->pair_count[pair];
		}
}

/* phrase_search by anchors, for long texts.  A match within max_distance
 * k of a phrase cut into k + 1 pieces holds one piece exactly (each edit
 * spoils at most one piece).  Each piece is looked for by its rarest pair
 * of neighbouring characters in the text's pair index; where the piece
 * stands, Myers runs over the window a match through it can span.  The
 * best distance and the first end reaching it are those of the search
 * over the whole text, which every match through a piece is part of.
 * Returns -1 when the phrase has pieces too short to anchor (or is not
 * one of the database's). */
static int
anchored_search (lure_source *src, const lure_phrase *p, phrase_hit *hit)
{
	guint n = p->n_chars, k = p->max_distance, pieces = k + 1;
	if (!phrase_anchored (p))
		return -1;
	if (!src->pair_start)
		source_index_pairs (src);
	hit->distance = G_MAXUINT;
	hit->end = 0;
	for (guint j = 0; j < pieces; j++) {
		/* its rarest pair in the text */
		guint off, len, best_t;
		piece_anchor (src, p, j, &off, &len, &best_t);
		guint32 pair = p->bigrams[off + best_t];
		if (!is_anchor (src->anchor, pair))
			return -1;   /* not a phrase of the database the index was made for */
		guint32 first = src->pair_start[pair], last = first + src->pair_count[pair];
		for (guint32 i = first; i < last; i++) {
			guint32 at = src->pair_at[i];
			if (at < best_t)
				continue;
			guint start = at - best_t;   /* where the piece would start */
			if (start + len > src->n)
				continue;
			guint c = 0;
			while (c < len && src->classes[start + c] == p->classes[off + c])
				c++;
			if (c < len)
				continue;
			/* a match through it starts at most off + k before the piece
			 * and ends at most n - off + k after its start */
			gsize from = start > off + k ? start - off - k : 0;
			gsize to = MIN ((gsize) src->n, (gsize) start + (n - off) + k);
			phrase_hit w;
			phrase_search (p, src->classes + from, to - from, &w);
			if (w.distance == G_MAXUINT)
				continue;
			gsize end = from + w.end;
			if (w.distance < hit->distance || (w.distance == hit->distance && end < hit->end)) {
				hit->distance = w.distance;
				hit->end = end;
			}
		}
	}
	return hit->distance <= k;
}

/* phrase_search, once per distinct phrase and text. */
static gboolean
source_search (const lure_source *src, const lure_phrase *p, phrase_hit *hit)
{
	lure_source *s = (lure_source *) src;   /* the cache only */
	if (!s->searched[p->slot]) {
		gboolean found = FALSE;
		if (source_may_hold (s, p)) {
			int anchored = anchored_search (s, p, &s->hits[p->slot]);
			found = anchored >= 0 ? anchored : phrase_search (p, s->classes, s->n, &s->hits[p->slot]);
			/* the tests check that the anchors find what the whole search finds */
			if (anchored >= 0 && verify_anchors) {
				phrase_hit whole;
				gboolean all = phrase_search (p, s->classes, s->n, &whole);
				if (all != (anchored > 0) ||
				    (all && (whole.distance != s->hits[p->slot].distance || whole.end != s->hits[p->slot].end)))
					g_error ("lure: the anchored search of \"%s\" found %d (distance %u, end %" G_GSIZE_FORMAT
					         "), the whole search %d (distance %u, end %" G_GSIZE_FORMAT ")", p->text,
					         anchored, s->hits[p->slot].distance, s->hits[p->slot].end, all,
					         whole.distance, whole.end);
			}
		}
		s->searched[p->slot] = found ? 2 : 1;
	}
	*hit = s->hits[p->slot];
	return s->searched[p->slot] == 2;
}

/* What one template found in all the sources of a document. */
typedef struct {
	GString *where;      /* the sources where it reached its threshold, "; " between */
	GString *evidence;
	guint    best_matched;
	guint    closest;
	guint    fingerprint_distance;  /* G_MAXUINT when no picture matched */
} lure_result;

/* Looks for the phrases of @t in @src; when at least `require` are found,
 * the source and what matched go into @r. */
static void
match_phrases (const lure_template *t, const lure_source *src, lure_result *r)
{
	if (t->phrases->len == 0)
		return;
	guint matched = 0, closest = G_MAXUINT;
	g_autoptr (GString) evidence = g_string_new (NULL);
	for (guint j = 0; j < t->phrases->len; j++) {
		const lure_phrase *p = g_ptr_array_index (t->phrases, j);
		phrase_hit hit;
		if (!source_search (src, p, &hit))
			continue;
		matched++;
		closest = MIN (closest, hit.distance);
		/* Myers gives the end; the phrase's length back is close enough to show */
		gsize start = hit.end + 1 >= p->n_chars ? hit.end + 1 - p->n_chars : 0;
		g_autofree char *seen = source_excerpt (src, start, hit.end);
		g_string_append_printf (evidence, "%s\"%s\" ~ \"%s\" (%s, distance %u, character %"
		                        G_GSIZE_FORMAT ")", evidence->len ? "; " : "",
		                        p->text, seen ? seen : "", p->language, hit.distance, hit.end);
	}
	if (matched < t->require)
		return;
	g_string_append_printf (r->where, "%s%s", r->where->len ? "; " : "", src->where);
	g_string_append_printf (r->evidence, "%s%s: %u of %u phrases: %s",
	                        r->evidence->len ? "; " : "", src->where, matched, t->phrases->len,
	                        evidence->str);
	r->best_matched = MAX (r->best_matched, matched);
	r->closest = MIN (r->closest, closest);
}

/* Compares the fingerprints of @t with those of the document's pictures. */
static void
match_fingerprints (const lure_template *t, const mh_document *doc, lure_result *r)
{
	for (guint i = 0; i < doc->images->len; i++) {
		const mh_doc_image *image = g_ptr_array_index (doc->images, i);
		if (!image->has_dhash)
			continue;
		guint best = G_MAXUINT;
		guint64 best_hash = 0;
		for (guint j = 0; j < t->fingerprints->len; j++) {
			const lure_fingerprint *fp = &g_array_index (t->fingerprints, lure_fingerprint, j);
			guint d = _mh_dhash_distance (fp->dhash, image->dhash);
			if (d <= fp->max_distance && d < best) {
				best = d;
				best_hash = fp->dhash;
			}
		}
		if (best == G_MAXUINT)
			continue;
		g_string_append_printf (r->where, "%sfingerprint of picture %s",
		                        r->where->len ? "; " : "", image->location);
		g_string_append_printf (r->evidence, "%spicture %s: dHash %016" G_GINT64_MODIFIER "x is "
		                        "%u bits from the template's %016" G_GINT64_MODIFIER "x",
		                        r->evidence->len ? "; " : "", image->location,
		                        image->dhash, best, best_hash);
		r->fingerprint_distance = MIN (r->fingerprint_distance, best);
	}
}

static void
match_template (mh_document *doc, const mh_office_options *options, const lure_template *t,
                const lure_source *sources, guint n_sources)
{
	lure_result r = { g_string_new (NULL), g_string_new (NULL), 0, G_MAXUINT, G_MAXUINT };
	for (guint i = 0; i < n_sources; i++)
		match_phrases (t, &sources[i], &r);
	match_fingerprints (t, doc, &r);
	if (r.where->len > 0) {
		g_autoptr (GString) how = g_string_new (NULL);
		if (r.best_matched > 0)
			g_string_append_printf (how, "%u of %u phrases (threshold %u), closest distance %u",
			                        r.best_matched, t->phrases->len, t->require, r.closest);
		if (r.fingerprint_distance != G_MAXUINT)
			g_string_append_printf (how, "%spicture fingerprint within %u bits",
			                        how->len ? "; " : "", r.fingerprint_distance);
		g_string_append_printf (r.evidence, "; template defined at %s", t->origin);
		_mh_document_add_finding (doc, options, "lure.template", MH_SEVERITY_MEDIUM, r.where->str,
		                          r.evidence->str, "lure template %s (family %s: %s): %s",
		                          t->name, t->family, t->description ? t->description : "",
		                          how->str);
	}
	g_string_free (r.where, TRUE);
	g_string_free (r.evidence, TRUE);
}

void
_mh_lure_apply (mh_document *doc, const mh_office_options *options)
{
	g_return_if_fail (doc != NULL && options != NULL);
	const mh_lure_db *db = options->lures ? options->lures : mh_lure_db_builtin ();
	if (db->templates->len == 0)
		return;
	static gsize verify_checked;
	if (g_once_init_enter (&verify_checked)) {
		verify_anchors = g_getenv ("MAILHUNT_LURE_VERIFY") != NULL;
		g_once_init_leave (&verify_checked, 1);
	}

	/* the document's text, then what OCR read in each picture */
	g_autofree lure_source *sources = g_new0 (lure_source, doc->images->len + 1);
	guint n_sources = 0;
	if (doc->text && doc->text->len > 0 &&
	    lure_source_init (&sources[n_sources], doc, options, db, "text", doc->text->str,
	                      doc->text->len))
		n_sources++;
	else
		lure_source_clear (&sources[n_sources]);
	for (guint i = 0; i < doc->images->len; i++) {
		const mh_doc_image *image = g_ptr_array_index (doc->images, i);
		if (!image->text || !*image->text)
			continue;
		g_autofree char *where = g_strdup_printf ("OCR of picture %s", image->location);
		if (lure_source_init (&sources[n_sources], doc, options, db, where, image->text,
		                      strlen (image->text)))
			n_sources++;
		else
			lure_source_clear (&sources[n_sources]);
	}
	for (guint i = 0; i < db->templates->len; i++)
		match_template (doc, options, g_ptr_array_index (db->templates, i), sources, n_sources);
	for (guint i = 0; i < n_sources; i++)
		lure_source_clear (&sources[i]);
}
