/* mailhunt — the thread index: every message of a scan and of the given
 * mailboxes, kept small enough for a few hundred thousand messages, and
 * searchable by Message-ID, by normalised subject and by text.
 *
 * The text search is what links a spoof to the original it quotes.  Each
 * body is turned into character shingles (NFKC, case folded, white space
 * and '>' quote marks removed, so re-wrapping and quoting do not matter),
 * hashed to 32 bits; a shingle is a "unit" of the fingerprint when its
 * hash is a multiple of MH_SAMPLE_MODULUS (content-defined sampling: the
 * same text is sampled the same way in the original and in any quote of
 * it).  Of those units an original keeps the first few in text order (its
 * prefix: what a top-posted reply's quote reproduces) and the smallest
 * few (a bottom-k sample of the whole text).  An inverted index maps a
 * unit to the messages keeping it, so a query costs a lookup per unit of
 * the quote.  docs/linking.md ("Thread index") explains the estimator and
 * the caps.
 *
 * Not thread-safe, not even for concurrent readers: queries settle the
 * lazily sorted tables.  One index per process, built and queried by one
 * thread.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mailhunt/link.h"
#include "mailhunt/text.h"
#include "link-private.h"

/* Fingerprint parameters (docs/linking.md: "The fingerprint"). */
#define MH_SHINGLE_CHARS     12      /* characters per shingle, after normalisation */
#define MH_SAMPLE_MODULUS    8u      /* a shingle is a unit when hash % 8 == 0 */
#define MH_PREFIX_UNITS      12      /* units kept from the start of an original */
#define MH_BOTTOM_UNITS      24      /* smallest units kept from the whole original */
#define MH_QUERY_UNITS       4096    /* units of a quote looked up, the smallest ones */
#define MH_MIN_EVIDENCE      4u      /* fewest units a score may rest on */
#define MH_MAX_TEXT          (1u << 20)  /* bytes of a body or quote fingerprinted */

/* Units found in more than this many messages are boilerplate (disclaimers,
 * signatures of a whole company) and say nothing about one original. */
#define MH_BOILERPLATE_MIN   50u
#define MH_BOILERPLATE_SHARE 100u    /* ... and in more than 1 / 100 of the index */

#define MH_THRESHOLD_BINS    4096    /* top 12 bits of a threshold */
#define MH_BOILERPLATE_SEEN  2u      /* bottom postings needed to extrapolate */

#define MH_STRING_MAX        255     /* bytes kept of message_id, subject, from, to */
#define MH_MAX_MESSAGES      (1u << 28)  /* ids above cannot be added */

#define MH_SLAB_MESSAGES     1024    /* mh_indexed_message structs per slab */
#define MH_ARENA_BLOCK       (64u << 10)
#define MH_PENDING_MIN       16384   /* postings buffered before a merge */
#define MH_BUCKETS           8192    /* top 13 of a unit's 29 significant bits */

#define MH_HASH_SEED         G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

/* Strings live in blocks that are never moved, so a pointer stays valid
 * until the index is freed, and the bytes held are known exactly. */
typedef struct {
	GPtrArray *blocks;
	char      *cur;
	gsize      left;
	gsize      bytes;
} string_arena;

/* A growable array of 64-bit keys (hash << 32 | id) whose first
 * sorted_len entries are sorted; the rest were appended since. */
typedef struct {
	guint64 *keys;
	gsize    len;
	gsize    cap;
	gsize    sorted_len;
} key_table;

/* The inverted index, compact: a unit u (the hash / 8, 29 bits) is found
 * in bucket u >> 16, its low 16 bits in residual[], the message in ids[];
 * entries are sorted by (u, id).  Six bytes per posting. */
typedef struct {
	guint32 *offsets;   /* MH_BUCKETS + 1 */
	guint16 *residual;
	guint32 *ids;
	gsize    n;
} postings;

struct _mh_thread_index {
	GPtrArray    *slabs;       /* of mh_indexed_message[MH_SLAB_MESSAGES] */
	guint32       n;
	string_arena  strings;
	GHashTable   *interned;    /* file, folder, mailbox: one copy each */
	GHashTable   *participants; /* lower-case From/To/Cc address (interned) -> messages naming it */

	guint32      *threshold;   /* per message: largest bottom unit when the
	                            * sample was cut, else G_MAXUINT32 */
	gsize         threshold_cap;

	key_table     message_ids;
	key_table     subjects;

	postings      units;
	guint64      *pending;     /* (u << 32 | id) not yet merged into units */
	gsize         pending_len;
	gsize         pending_cap;
	gboolean      pending_sorted;

	/* messages by the top bits of their threshold: how many of them could
	 * hold a given unit in their bottom sample (boilerplate estimate) */
	guint32       threshold_histogram[MH_THRESHOLD_BINS];

	guint         capped_texts;   /* bodies cut at MH_MAX_TEXT */
};

/* -- small helpers ------------------------------------------------------- */

static char *
arena_add (string_arena *arena, const char *s, gsize len)
{
	if (len + 1 > arena->left) {
		gsize size = MAX (MH_ARENA_BLOCK, len + 1);
		char *block = g_malloc (size);
		g_ptr_array_add (arena->blocks, block);
		arena->cur = block;
		arena->left = size;
		arena->bytes += size;
	}
	char *copy = arena->cur;
	memcpy (copy, s, len);
	copy[len] = '\0';
	arena->cur += len + 1;
	arena->left -= len + 1;
	return copy;
}

/* Length of @s cut to at most @max bytes on a UTF-8 character boundary. */
static gsize
utf8_cap (const char *s, gsize len, gsize max)
{
	if (len <= max)
		return len;
	gsize cut = max;
	while (cut > 0 && ((guchar) s[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}

static guint32
mix32 (guint64 h)
{
	h ^= h >> 33;
	h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (guint32) h;
}

/* FNV-1a over the bytes, then mixed. */
static guint32
string_hash (const char *s, gsize len)
{
	guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);
	for (gsize i = 0; i < len; i++) {
		h ^= (guchar) s[i];
		h *= G_GUINT64_CONSTANT (0x100000001b3);
	}
	return mix32 (h ^ MH_HASH_SEED);
}

static int
compare_u64 (const void *a, const void *b)
{
	guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
	return x < y ? -1 : x > y;
}

static int
compare_u32 (const void *a, const void *b)
{
	guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
	return x < y ? -1 : x > y;
}

static void
key_table_add (key_table *table, guint32 hash, guint32 id)
{
	if (table->len == table->cap) {
		table->cap = MAX (1024, table->cap + table->cap / 4);   /* slack stays small */
		table->keys = g_renew (guint64, table->keys, table->cap);
	}
	table->keys[table->len++] = (guint64) hash << 32 | id;
}

/* Sorts what was appended since the last query and merges it in: a
 * query after many adds costs one sort of the new keys. */
static void
key_table_settle (key_table *table)
{
	if (table->sorted_len == table->len)
		return;
	gsize old = table->sorted_len, added = table->len - old;
	qsort (table->keys + old, added, sizeof (guint64), compare_u64);
	if (old > 0 && table->keys[old - 1] > table->keys[old]) {
		guint64 *merged = g_new (guint64, table->cap);
		gsize i = 0, j = old, k = 0;
		while (i < old && j < table->len)
			merged[k++] = table->keys[i] <= table->keys[j] ? table->keys[i++] : table->keys[j++];
		while (i < old)
			merged[k++] = table->keys[i++];
		while (j < table->len)
			merged[k++] = table->keys[j++];
		g_free (table->keys);
		table->keys = merged;
	}
	table->sorted_len = table->len;
}

/* First position whose key is >= @key. */
static gsize
key_table_lower_bound (const key_table *table, guint64 key)
{
	gsize lo = 0, hi = table->sorted_len;
	while (lo < hi) {
		gsize mid = lo + (hi - lo) / 2;
		if (table->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *
intern (mh_thread_index *index, const char *s)
{
	if (!s)
		return NULL;
	const char *known = g_hash_table_lookup (index->interned, s);
	if (known)
		return known;
	/* file paths are not capped by MH_STRING_MAX: the analyst needs them whole */
	char *copy = arena_add (&index->strings, s, strlen (s));
	g_hash_table_add (index->interned, copy);
	return copy;
}

/* Keeps at most MH_STRING_MAX bytes of @s, as valid UTF-8: readers
 * decode to UTF-8, but a string that is not must not reach the case
 * mapping and normalisation functions, which assume it is. */
static const char *
keep_string (mh_thread_index *index, const char *s)
{
	if (!s)
		return NULL;
	g_autofree char *valid = g_utf8_validate (s, -1, NULL) ? NULL : g_utf8_make_valid (s, -1);
	if (valid)
		s = valid;
	return arena_add (&index->strings, s, utf8_cap (s, strlen (s), MH_STRING_MAX));
}

/* @s in lower case; made valid UTF-8 first when it is not. */
static char *
lower_case (const char *s)
{
	/* an address is ASCII nearly always: lowered without asking the
	 * locale (g_utf8_strdown makes "I" a dotless "ı" in Turkish) */
	gsize len = strlen (s);
	if (mh_ascii_span (s, 0, len) == len)
		return g_ascii_strdown (s, (gssize) len);
	if (g_utf8_validate (s, -1, NULL))
		return g_utf8_strdown (s, -1);
	g_autofree char *valid = g_utf8_make_valid (s, -1);
	return g_utf8_strdown (valid, -1);
}

/* The Message-ID without white space and angle brackets, capped as kept. */
static gsize
message_id_key (const char *s, const char **start)
{
	gsize len = strlen (s);
	while (len > 0 && g_ascii_isspace (*s))
		s++, len--;
	while (len > 0 && g_ascii_isspace (s[len - 1]))
		len--;
	if (len > 0 && *s == '<')
		s++, len--;
	if (len > 0 && s[len - 1] == '>')
		len--;
	*start = s;
	return utf8_cap (s, len, MH_STRING_MAX);
}

/* The subject key: the subject capped as kept, then normalised, so the
 * key of a kept subject can be recomputed from it. */
static char *
subject_key (const char *subject)
{
	g_autofree char *valid = g_utf8_validate (subject, -1, NULL) ? NULL : g_utf8_make_valid (subject, -1);
	if (valid)
		subject = valid;
	gsize len = utf8_cap (subject, strlen (subject), MH_STRING_MAX);
	g_autofree char *capped = g_strndup (subject, len);
	return mh_subject_normalise (capped);
}

/* -- fingerprint ---------------------------------------------------------- */

static gboolean
is_ignored_char (gunichar c)
{
	if (c < 0x80)   /* most of any mail: no table lookups */
		return c == '>' || c <= ' ' || c == 0x7F;
	if (g_unichar_isspace (c))
		return TRUE;
	switch (g_unichar_type (c)) {
	case G_UNICODE_CONTROL:
	case G_UNICODE_FORMAT:      /* zero-width spaces, BOM, bidi marks */
	case G_UNICODE_UNASSIGNED:
	case G_UNICODE_SURROGATE:
		return TRUE;
	default:
		return FALSE;
	}
}

/* The sampled shingle hashes of @text in text order (repeats included);
 * sets *capped when the text was cut at MH_MAX_TEXT. */
/* Whose mailbox this is: every address that sent or received one of its
 * messages, kept once with the number of messages naming it (an address
 * is short and a mailbox has few).  The count lets the case rules leave
 * out the mail being judged and its copies when it is indexed too.
 * @addr comes from an entry's participants: each once per message. */
static void
add_participant (mh_thread_index *index, const char *addr)
{
	if (!addr || !*addr || strlen (addr) > MH_STRING_MAX)
		return;
	g_autofree char *lower = lower_case (addr);
	gpointer key, count;
	if (g_hash_table_lookup_extended (index->participants, lower, &key, &count)) {
		guint n = GPOINTER_TO_UINT (count);
		if (n < G_MAXUINT)
			n++;
		g_hash_table_insert (index->participants, key, GUINT_TO_POINTER (n));
	} else
		g_hash_table_insert (index->participants, (gpointer) intern (index, lower), GUINT_TO_POINTER (1));
}

/* What a character of the Basic Multilingual Plane becomes in a
 * shingle: itself lower-cased, or 0 when it is left out; with
 * FOLD_NFKC set when NFKC may change it (mh_text_nfkc_inert()).  Looked
 * up for every character of a body (Japanese mail is mostly non-ASCII
 * characters), where asking GLib for its space, type and lower case
 * cost more than the rest of the fingerprint. */
#define FOLD_NFKC  0x80000000u
#define FOLD_CHAR  0x7FFFFFFFu
static guint32 *bmp_fold;

static gpointer
bmp_fold_init (gpointer unused)
{
	(void) unused;
	guint32 *table = g_new (guint32, 0x10000);
	for (gunichar c = 0; c < 0x10000; c++) {
		table[c] = is_ignored_char (c) ? 0 : (guint32) g_unichar_tolower (c);
		if (c >= 0x80 && !mh_text_nfkc_inert (c))
			table[c] |= FOLD_NFKC;
	}
	bmp_fold = table;
	return NULL;
}

/* The rolling shingle hash over a text given in pieces.  Characters are
 * gathered in a buffer first and hashed a buffer at a time: two plain
 * loops (one reading UTF-8 and folding, one hashing) ran 7% faster on the
 * benchmark mbox's bodies than one loop doing both, each character's
 * branches on its kind no longer in the way of the hash. */
#define HISTORY MH_SHINGLE_CHARS   /* characters a shingle reaches back */
#define CHUNK   512                /* characters gathered, at most, before hashing */
#define UNIT_BATCH 64

typedef struct {
	GArray  *units;
	guint    n_batch;
	guint32  batch[UNIT_BATCH];   /* units not yet in @units */
	guint64  rolling;
	guint64  mult_out;   /* mult ^ MH_SHINGLE_CHARS */
	gsize    count;      /* characters hashed */
	guint    k;          /* buf[HISTORY, k): characters gathered, not hashed yet */
	/* buf[0, HISTORY): the last characters hashed (0 before there
	 * were so many) */
	guint32  buf[HISTORY + CHUNK];
} shingler;

/* Where a shingler was (everything gathered hashed), to go back to when
 * a piece begun turns out to need NFKC. */
typedef struct {
	guint64  rolling;
	gsize    count;
	guint    n_units;   /* in @units and the batch */
	guint32  history[HISTORY];
} shingler_mark;

#define SHINGLE_MULT G_GUINT64_CONSTANT (0x100000001b3)

static void
units_flush (shingler *sh)
{
	g_array_append_vals (sh->units, sh->batch, sh->n_batch);
	sh->n_batch = 0;
}

/* Hashes the characters gathered up to buf[@upto] (those after stay
 * gathered): a unit for each shingle whose mixed hash the sample takes. */
static void
shingler_hash_to (shingler *sh, guint upto)
{
	guint32 *b = sh->buf, *batch = sh->batch;
	const guint64 mult_out = sh->mult_out;
	guint64 rolling = sh->rolling;
	gsize count = sh->count;
	guint n_batch = sh->n_batch;
	/* in locals: a unit's store could be to any field */
	for (guint i = HISTORY; i < upto; i++) {
		/* the character leaving the shingle is the one HISTORY back */
		rolling = rolling * SHINGLE_MULT + b[i] - (guint64) b[i - HISTORY] * mult_out;
		count++;
		guint32 h = mix32 (rolling ^ MH_HASH_SEED);
		batch[n_batch] = h;   /* kept only when counted: no branch */
		n_batch += (count >= MH_SHINGLE_CHARS) & (h % MH_SAMPLE_MODULUS == 0);
		if (G_UNLIKELY (n_batch == UNIT_BATCH)) {
			sh->n_batch = n_batch;
			units_flush (sh);
			n_batch = 0;
		}
	}
	memmove (b, b + upto - HISTORY, (sh->k - upto + HISTORY) * sizeof (guint32));
	sh->k -= upto - HISTORY;
	sh->rolling = rolling;
	sh->count = count;
	sh->n_batch = n_batch;
}

static void
shingler_hash (shingler *sh)
{
	shingler_hash_to (sh, sh->k);
}

/* Gathers one folded character; 0 (left out) is not kept. */
static inline void
shingler_push (shingler *sh, guint32 c)
{
	sh->buf[sh->k] = c;
	sh->k += c != 0;
	if (G_UNLIKELY (sh->k == HISTORY + CHUNK))
		shingler_hash (sh);
}

/* Where the shingler is, as far as it hashed (buf[0, HISTORY) are the
 * last characters hashed). */
static void
shingler_mark_set (shingler *sh, shingler_mark *m)
{
	m->rolling = sh->rolling;
	m->count = sh->count;
	m->n_units = sh->units->len + sh->n_batch;
	memcpy (m->history, sh->buf, sizeof m->history);
}

static void
shingler_go_back (shingler *sh, const shingler_mark *m)
{
	sh->rolling = m->rolling;
	sh->count = m->count;
	memcpy (sh->buf, m->history, sizeof m->history);
	sh->k = HISTORY;
	if (m->n_units >= sh->units->len) {
		sh->n_batch = m->n_units - sh->units->len;
	} else {
		g_array_set_size (sh->units, m->n_units);
		sh->n_batch = 0;
	}
}

/* Forgets what a piece that needs NFKC added: its characters gathered
 * from buf[@piece_k] on, or, when some were hashed, all since @mark. */
static void
piece_go_back (shingler *sh, gboolean marked, const shingler_mark *mark, guint piece_k)
{
	if (marked)
		shingler_go_back (sh, mark);
	else
		sh->k = piece_k;
}

/* Adds the characters of a piece of valid UTF-8 (NFKC already). */
static void
shingle_piece (const char *piece, gsize len, gpointer data)
{
	shingler *sh = data;
	const char *p = piece, *end = piece + len;
	while (p < end) {
		gunichar c;
		guchar b = (guchar) *p;
		if (b < 0x80) {
			c = bmp_fold[b];
			p++;
		} else if (b < 0xF0) {   /* two or three bytes: the BMP */
			if (b < 0xE0) {
				c = ((gunichar) (b & 0x1F) << 6) | ((guchar) p[1] & 0x3F);
				p += 2;
			} else {
				c = mh_utf8_bmp3 (p);
				p += 3;
			}
			c = bmp_fold[c] & FOLD_CHAR;
		} else {
			c = g_utf8_get_char (p);
			p = g_utf8_next_char (p);
			c = is_ignored_char (c) ? 0 : g_unichar_tolower (c);
		}
		shingler_push (sh, c);
	}
}

/* Normalises a piece that needs it and shingles the result. */
static void
shingle_nfkc_piece (shingler *sh, const guchar *start, const guchar *end)
{
	g_autofree char *piece = g_utf8_normalize ((const char *) start, end - start, G_NORMALIZE_NFKC);
	if (piece)
		shingle_piece (piece, strlen (piece), sh);
}

/* The text through mh_text_nfkc_pieces() into shingle_piece(), in one
 * pass that also checks the text is UTF-8 without NUL (what
 * mh_utf8_validate() checks): a character is gathered as it is read
 * while its piece needs no NFKC (the bulk of any mail), and a piece
 * found to need it is shingled again from its start, normalised.
 * Pieces end where mh_text_nfkc_pieces() ends them, so the units are
 * the same (test-index compares).  FALSE at a byte that is not UTF-8,
 * with @sh half done. */
static gboolean
shingle_text (shingler *sh, const char *text, gsize len)
{
	const guchar *p = (const guchar *) text, *end = p + len, *start = p;
	gboolean needs = FALSE;   /* the piece from @start needs NFKC */
	/* where the piece's characters begin in the buffer; once some had
	 * to be hashed (a piece longer than the buffer), the mark is where
	 * the shingler was before the piece */
	guint32 *buf = sh->buf;
	guint k = sh->k;   /* in a local: it is written every character */
	guint piece_k = k;
	gboolean marked = FALSE;
	shingler_mark mark;
	while (p < end) {
		guchar b = *p;
		gsize left = (gsize) (end - p);
		guint32 f;
		if (b < 0x80) {
			if (G_UNLIKELY (b == 0))
				return FALSE;
			if (p - start >= MH_TEXT_NFKC_PIECE) {   /* a piece ends before an ASCII character */
				sh->k = k;
				if (needs) {
					piece_go_back (sh, marked, &mark, piece_k);
					shingle_nfkc_piece (sh, start, p);
					needs = FALSE;
				}
				start = p;
				k = piece_k = sh->k;
				marked = FALSE;
			}
			p++;
			f = bmp_fold[b];
		} else if (b < 0xE0) {
			if (b < 0xC2 || left < 2 || (p[1] & 0xC0) != 0x80)
				return FALSE;   /* a continuation byte, an overlong lead, cut short */
			p += 2;
			f = FOLD_NFKC;   /* none of these is inert */
		} else if (b < 0xF0) {
			if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
			    (b == 0xE0 && p[1] < 0xA0) ||    /* overlong */
			    (b == 0xED && p[1] >= 0xA0))     /* a surrogate */
				return FALSE;
			f = bmp_fold[mh_utf8_bmp3 (p)];
			p += 3;
		} else {
			if (b >= 0xF5 || left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
			    (p[3] & 0xC0) != 0x80 ||
			    (b == 0xF0 && p[1] < 0x90) ||    /* overlong */
			    (b == 0xF4 && p[1] >= 0x90))     /* past U+10FFFF */
				return FALSE;
			p += 4;
			f = FOLD_NFKC;
		}
		if (needs)
			continue;   /* checked only: the piece is shingled again */
		if (f & FOLD_NFKC) {
			needs = TRUE;
			continue;
		}
		buf[k] = f;
		k += f != 0;
		if (G_UNLIKELY (k == HISTORY + CHUNK)) {
			sh->k = k;
			if (!marked) {
				shingler_hash_to (sh, piece_k);
				shingler_mark_set (sh, &mark);
				marked = TRUE;
			}
			shingler_hash (sh);
			k = sh->k;
		}
	}
	sh->k = k;
	if (needs) {
		piece_go_back (sh, marked, &mark, piece_k);
		shingle_nfkc_piece (sh, start, p);
	}
	return TRUE;
}

static void
shingler_init (shingler *sh, GArray *units)
{
	memset (sh, 0, sizeof *sh);
	sh->units = units;
	sh->k = HISTORY;
	sh->mult_out = 1;
	for (int i = 0; i < MH_SHINGLE_CHARS; i++)
		sh->mult_out *= SHINGLE_MULT;
}

static GArray *
fingerprint (const char *text, gsize len, gboolean *capped)
{
	static GOnce fold_once = G_ONCE_INIT;
	g_once (&fold_once, bmp_fold_init, NULL);

	GArray *units = g_array_new (FALSE, FALSE, sizeof (guint32));
	*capped = len > MH_MAX_TEXT;
	if (!text || len == 0)
		return units;
	len = utf8_cap (text, len, MH_MAX_TEXT);

	/* polynomial rolling hash over the last MH_SHINGLE_CHARS characters,
	 * NFKC piece by piece (most pieces as they are): no copy of the body */
	shingler sh;
	shingler_init (&sh, units);
	if (!shingle_text (&sh, text, len)) {
		/* mail text is valid UTF-8 already (mh_text_to_utf8), other
		 * text is repaired first; in repaired text a NUL ends it, as
		 * it did when it was one C string */
		g_autofree char *repaired = g_utf8_make_valid (text, (gssize) len);
		g_array_set_size (units, 0);
		shingler_init (&sh, units);
		mh_text_nfkc_pieces (repaired, (gssize) strlen (repaired), shingle_piece, &sh);
	}
	shingler_hash (&sh);
	units_flush (&sh);
	return units;
}

guint32
_mh_index_mix32 (guint64 h)
{
	return mix32 (h);
}

GArray *
_mh_index_fingerprint (const char *text, gsize len)
{
	gboolean capped;
	return fingerprint (text, len, &capped);
}

/* Sorts and removes repeats. */
static void
units_sort_unique (GArray *units)
{
	if (units->len < 2)
		return;
	qsort (units->data, units->len, sizeof (guint32), compare_u32);
	guint32 *u = (guint32 *) units->data;
	guint k = 1;
	for (guint i = 1; i < units->len; i++)
		if (u[i] != u[k - 1])
			u[k++] = u[i];
	g_array_set_size (units, k);
}

/* -- postings ------------------------------------------------------------- */

static void
postings_free (postings *p)
{
	g_free (p->offsets);
	g_free (p->residual);
	g_free (p->ids);
	memset (p, 0, sizeof *p);
}

static void
pending_sort (mh_thread_index *index)
{
	if (!index->pending_sorted) {
		qsort (index->pending, index->pending_len, sizeof (guint64), compare_u64);
		index->pending_sorted = TRUE;
	}
}

/* Merges the pending postings into the compact table (both sorted: one
 * linear pass). */
static void
postings_merge (mh_thread_index *index)
{
	postings *p = &index->units;
	pending_sort (index);
	gsize n_old = p->n, n = n_old + index->pending_len;
	/* Merged in place from the end: the table grows by realloc (in place
	 * where the heap allows) and each posting only moves towards the end,
	 * so the merge itself holds no second table.  A second one was half
	 * the parent's heap at its peak (19 of 37 MiB for the records of
	 * 50,000 mails). */
	p->residual = g_renew (guint16, p->residual, MAX (n, 1));
	p->ids = g_renew (guint32, p->ids, MAX (n, 1));
	guint32 *offsets = g_new0 (guint32, MH_BUCKETS + 1);
	gsize i = n_old, j = index->pending_len, k = n;
	guint32 bucket = MH_BUCKETS - 1;
	while (j > 0) {   /* once the pending ones are placed, the rest stays where it is */
		guint64 from_old = 0;
		gboolean have_old = i > 0;
		if (have_old) {
			while (p->offsets[bucket] > i - 1)
				bucket--;
			guint64 u = (guint64) bucket << 16 | p->residual[i - 1];
			from_old = u << 32 | p->ids[i - 1];
		}
		guint64 key;
		if (have_old && from_old > index->pending[j - 1]) {
			key = from_old;
			i--;
		} else {
			key = index->pending[--j];
		}
		k--;
		guint32 u = (guint32) (key >> 32);
		p->residual[k] = (guint16) (u & 0xFFFF);
		p->ids[k] = (guint32) key;
		offsets[(u >> 16) + 1]++;
	}
	/* the postings left in place, [0, i), keep their buckets */
	for (guint b = 0; b < MH_BUCKETS && p->offsets; b++)
		offsets[b + 1] += MIN (p->offsets[b + 1], i) - MIN (p->offsets[b], i);
	for (guint b = 0; b < MH_BUCKETS; b++)
		offsets[b + 1] += offsets[b];
	g_free (p->offsets);
	p->offsets = offsets;
	p->n = n;
	index->pending_len = 0;
	index->pending_sorted = TRUE;
	/* buffer a sixteenth of the table before the next merge: each merge
	 * is one linear pass, and the buffer stays small beside the table */
	gsize cap = MAX (MH_PENDING_MIN, n / 16);
	if (cap != index->pending_cap) {
		g_free (index->pending);
		index->pending = g_new (guint64, cap);
		index->pending_cap = cap;
	}
}

static void
postings_add (mh_thread_index *index, guint32 unit, guint32 id)
{
	if (index->pending_len == index->pending_cap)
		postings_merge (index);
	index->pending[index->pending_len++] = (guint64) (unit / MH_SAMPLE_MODULUS) << 32 | id;
	index->pending_sorted = FALSE;
}

/* Where the messages keeping @unit are: [*lo, *hi) in the compact table
 * and [*plo, *phi) in the (sorted) pending buffer. */
static void
postings_find (const mh_thread_index *index, guint32 unit,
               gsize *lo, gsize *hi, gsize *plo, gsize *phi)
{
	const postings *p = &index->units;
	guint32 u = unit / MH_SAMPLE_MODULUS;
	*lo = *hi = 0;
	if (p->n > 0) {
		guint16 residual = (guint16) (u & 0xFFFF);
		gsize a = p->offsets[u >> 16], b = p->offsets[(u >> 16) + 1];
		while (a < b) {
			gsize mid = a + (b - a) / 2;
			if (p->residual[mid] < residual)
				a = mid + 1;
			else
				b = mid;
		}
		gsize end = a, limit = p->offsets[(u >> 16) + 1];
		while (end < limit && p->residual[end] == residual)
			end++;
		*lo = a;
		*hi = end;
	}
	guint64 key = (guint64) u << 32;
	gsize a = 0, b = index->pending_len;
	while (a < b) {
		gsize mid = a + (b - a) / 2;
		if (index->pending[mid] < key)
			a = mid + 1;
		else
			b = mid;
	}
	gsize end = a;
	while (end < index->pending_len && (guint32) (index->pending[end] >> 32) == u)
		end++;
	*plo = a;
	*phi = end;
}

/* -- the index ------------------------------------------------------------ */

mh_thread_index *
mh_thread_index_new (void)
{
	mh_thread_index *index = g_new0 (mh_thread_index, 1);
	index->slabs = g_ptr_array_new_with_free_func (g_free);
	index->strings.blocks = g_ptr_array_new_with_free_func (g_free);
	index->interned = g_hash_table_new (g_str_hash, g_str_equal);
	index->participants = g_hash_table_new (g_str_hash, g_str_equal);
	index->pending_cap = MH_PENDING_MIN;
	index->pending = g_new (guint64, index->pending_cap);
	index->pending_sorted = TRUE;
	return index;
}

void
mh_thread_index_free (mh_thread_index *index)
{
	if (!index)
		return;
	g_ptr_array_unref (index->slabs);
	g_ptr_array_unref (index->strings.blocks);
	g_hash_table_unref (index->interned);
	g_hash_table_unref (index->participants);
	g_free (index->threshold);
	g_free (index->message_ids.keys);
	g_free (index->subjects.keys);
	postings_free (&index->units);
	g_free (index->pending);
	g_free (index);
}

/* "a@x, b@y": the To and Cc addr-specs in lower case, whole ones only,
 * at most MH_STRING_MAX bytes. */
static char *
recipients (const mh_message *message)
{
	GString *out = g_string_new (NULL);
	GPtrArray *lists[] = { message->to, message->cc };
	for (guint l = 0; l < G_N_ELEMENTS (lists); l++) {
		for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
			const mh_address *a = g_ptr_array_index (lists[l], i);
			if (!a || !a->addr || !*a->addr)
				continue;
			g_autofree char *lower = lower_case (a->addr);
			gsize need = strlen (lower) + (out->len ? 2 : 0);
			if (out->len + need > MH_STRING_MAX)
				goto done;
			if (out->len)
				g_string_append (out, ", ");
			g_string_append (out, lower);
		}
	}
done:
	if (out->len == 0) {
		g_string_free (out, TRUE);
		return NULL;
	}
	return g_string_free (out, FALSE);
}

/* The sample of one original: the first MH_PREFIX_UNITS distinct units
 * in text order and the MH_BOTTOM_UNITS smallest; returns the threshold
 * (largest bottom unit when there were more, else G_MAXUINT32). */
static guint32
sample_units (const char *body, GArray **sample, gboolean *capped)
{
	GArray *units = fingerprint (body, body ? strlen (body) : 0, capped);
	*sample = units;

	guint32 prefix[MH_PREFIX_UNITS];
	guint n_prefix = 0;
	for (guint i = 0; i < units->len && n_prefix < MH_PREFIX_UNITS; i++) {
		guint32 u = g_array_index (units, guint32, i);
		gboolean seen = FALSE;
		for (guint j = 0; j < n_prefix && !seen; j++)
			seen = prefix[j] == u;
		if (!seen)
			prefix[n_prefix++] = u;
	}

	/* the MH_BOTTOM_UNITS smallest distinct units, kept sorted as they
	 * come: most units are larger than the largest kept and cost one
	 * comparison (sorting every unit of a long mail was most of the work) */
	guint32 bottom[MH_BOTTOM_UNITS];
	guint n_bottom = 0;
	gboolean more = FALSE;   /* units were left out above the bottom ones */
	for (guint i = 0; i < units->len; i++) {
		guint32 u = g_array_index (units, guint32, i);
		if (n_bottom == MH_BOTTOM_UNITS && u >= bottom[n_bottom - 1]) {
			more = more || u > bottom[n_bottom - 1];
			continue;
		}
		guint at = n_bottom;
		while (at > 0 && bottom[at - 1] > u)
			at--;
		if (at > 0 && bottom[at - 1] == u)
			continue;
		if (n_bottom == MH_BOTTOM_UNITS)
			more = TRUE;
		else
			n_bottom++;
		memmove (bottom + at + 1, bottom + at, (n_bottom - 1 - at) * sizeof *bottom);
		bottom[at] = u;
	}
	g_array_set_size (units, 0);
	g_array_append_vals (units, bottom, n_bottom);
	guint32 threshold = more ? bottom[MH_BOTTOM_UNITS - 1] : G_MAXUINT32;
	for (guint j = 0; j < n_prefix; j++)
		if (prefix[j] > threshold)
			g_array_append_val (units, prefix[j]);
	return threshold;
}

/* -- entries ---------------------------------------------------------------- */

static void
entry_participant (GPtrArray *list, const char *addr)
{
	if (!addr || !*addr || strlen (addr) > MH_STRING_MAX)
		return;
	g_autofree char *lower = lower_case (addr);
	for (guint i = 0; i < list->len; i++)
		if (strcmp (g_ptr_array_index (list, i), lower) == 0)
			return;
	g_ptr_array_add (list, g_steal_pointer (&lower));
}

mh_index_entry *
mh_index_entry_new (const mh_message *message, const char *mailbox)
{
	mh_index_entry *e = g_new0 (mh_index_entry, 1);
	e->mailbox = g_strdup (mailbox);
	e->file = g_strdup (message->locator.file);
	e->folder = g_strdup (message->locator.folder);
	e->index = message->locator.index;
	e->offset = message->locator.offset;
	e->date_unix = message->date_unix;
	e->message_id = g_strdup (message->message_id);
	e->subject = g_strdup (message->subject);
	e->from = message->from.addr && *message->from.addr ? lower_case (message->from.addr) : NULL;
	e->to = recipients (message);
	/* each address once per message, however often it is named */
	e->participants = g_ptr_array_new_with_free_func (g_free);
	entry_participant (e->participants, message->from.addr);
	GPtrArray *lists[] = { message->to, message->cc };
	for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
		for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
			const mh_address *a = g_ptr_array_index (lists[l], i);
			if (a)
				entry_participant (e->participants, a->addr);
		}
	e->threshold = sample_units (message->body_text, &e->units, &e->capped);
	return e;
}

void
mh_index_entry_free (mh_index_entry *e)
{
	if (!e)
		return;
	g_free (e->mailbox);
	g_free (e->file);
	g_free (e->folder);
	g_free (e->message_id);
	g_free (e->subject);
	g_free (e->from);
	g_free (e->to);
	if (e->participants)
		g_ptr_array_unref (e->participants);
	if (e->units)
		g_array_unref (e->units);
	g_free (e);
}

guint32
mh_thread_index_add_entry (mh_thread_index *index, const mh_index_entry *e)
{
	g_return_val_if_fail (index && e, G_MAXUINT32);
	if (index->n >= MH_MAX_MESSAGES)
		return G_MAXUINT32;

	guint32 id = index->n;
	if (id % MH_SLAB_MESSAGES == 0)
		g_ptr_array_add (index->slabs, g_new0 (mh_indexed_message, MH_SLAB_MESSAGES));
	mh_indexed_message *m = (mh_indexed_message *) g_ptr_array_index (index->slabs, id / MH_SLAB_MESSAGES)
	                        + id % MH_SLAB_MESSAGES;
	m->id = id;
	m->mailbox = intern (index, e->mailbox);
	m->file = intern (index, e->file);
	m->folder = intern (index, e->folder);
	m->index = e->index;
	m->offset = e->offset;
	m->date_unix = e->date_unix;

	if (e->message_id) {
		const char *start;
		gsize len = message_id_key (e->message_id, &start);
		if (len > 0) {
			m->message_id = arena_add (&index->strings, start, len);
			key_table_add (&index->message_ids, string_hash (start, len), id);
		}
	}
	m->subject = keep_string (index, e->subject);
	if (m->subject) {
		g_autofree char *key = subject_key (m->subject);
		if (key && *key)
			key_table_add (&index->subjects, string_hash (key, strlen (key)), id);
	}
	if (e->from && *e->from) {
		/* an entry from a record: lower case whatever the sender wrote */
		g_autofree char *lower = lower_case (e->from);
		m->from = keep_string (index, lower);
	}
	m->to = keep_string (index, e->to);
	for (guint i = 0; e->participants && i < e->participants->len; i++)
		add_participant (index, g_ptr_array_index (e->participants, i));

	if (id == index->threshold_cap) {
		index->threshold_cap = MAX (1024, index->threshold_cap + index->threshold_cap / 4);
		index->threshold = g_renew (guint32, index->threshold, index->threshold_cap);
	}
	index->threshold[id] = e->threshold;
	index->threshold_histogram[e->threshold >> 20]++;
	for (guint i = 0; e->units && i < e->units->len && i < MH_PREFIX_UNITS + MH_BOTTOM_UNITS; i++)
		postings_add (index, g_array_index (e->units, guint32, i), id);
	if (e->capped)
		index->capped_texts++;
	index->n++;
	return id;
}

GArray *
_mh_index_unit_messages (mh_thread_index *index, guint32 unit)
{
	pending_sort (index);
	gsize lo, hi, plo, phi;
	postings_find (index, unit, &lo, &hi, &plo, &phi);
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint32));
	g_array_append_vals (ids, index->units.ids + lo, (guint) (hi - lo));
	for (gsize k = plo; k < phi; k++) {
		guint32 id = (guint32) index->pending[k];
		g_array_append_val (ids, id);
	}
	return ids;
}

guint32
mh_thread_index_add (mh_thread_index *index, const mh_message *message, const char *mailbox)
{
	g_return_val_if_fail (index && message, G_MAXUINT32);
	if (index->n >= MH_MAX_MESSAGES)
		return G_MAXUINT32;
	mh_index_entry *e = mh_index_entry_new (message, mailbox);
	guint32 id = mh_thread_index_add_entry (index, e);
	mh_index_entry_free (e);
	return id;
}

gboolean
mh_thread_index_has_participant (const mh_thread_index *index, const char *addr)
{
	return mh_thread_index_participant_messages (index, addr) > 0;
}

guint
mh_thread_index_participant_messages (const mh_thread_index *index, const char *addr)
{
	if (!index || !addr)
		return 0;
	g_autofree char *lower = lower_case (addr);
	return GPOINTER_TO_UINT (g_hash_table_lookup (index->participants, lower));
}

guint
mh_thread_index_capped (const mh_thread_index *index)
{
	return index ? index->capped_texts : 0;
}

guint
mh_thread_index_size (const mh_thread_index *index)
{
	return index ? index->n : 0;
}

const mh_indexed_message *
mh_thread_index_get (const mh_thread_index *index, guint32 id)
{
	if (!index || id >= index->n)
		return NULL;
	return (const mh_indexed_message *) g_ptr_array_index (index->slabs, id / MH_SLAB_MESSAGES)
	       + id % MH_SLAB_MESSAGES;
}

void
mh_thread_index_settle (mh_thread_index *index)
{
	if (!index)
		return;
	key_table_settle (&index->message_ids);
	key_table_settle (&index->subjects);
	pending_sort (index);
}

GArray *
mh_thread_index_by_message_id (const mh_thread_index *index, const char *message_id)
{
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint32));
	if (!index || !message_id)
		return ids;
	const char *start;
	gsize len = message_id_key (message_id, &start);
	if (len == 0)
		return ids;
	/* lazily sorted: a query settles what was added since the last one */
	key_table *table = (key_table *) &index->message_ids;
	key_table_settle (table);
	guint32 hash = string_hash (start, len);
	for (gsize i = key_table_lower_bound (table, (guint64) hash << 32);
	     i < table->len && (guint32) (table->keys[i] >> 32) == hash; i++) {
		guint32 id = (guint32) table->keys[i];
		const mh_indexed_message *m = mh_thread_index_get (index, id);
		if (m->message_id && strlen (m->message_id) == len && memcmp (m->message_id, start, len) == 0)
			g_array_append_val (ids, id);
	}
	return ids;
}

GArray *
mh_thread_index_by_subject (const mh_thread_index *index, const char *subject)
{
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint32));
	if (!index || !subject)
		return ids;
	g_autofree char *key = subject_key (subject);
	if (!key || !*key)
		return ids;
	key_table *table = (key_table *) &index->subjects;
	key_table_settle (table);
	guint32 hash = string_hash (key, strlen (key));
	for (gsize i = key_table_lower_bound (table, (guint64) hash << 32);
	     i < table->len && (guint32) (table->keys[i] >> 32) == hash; i++) {
		guint32 id = (guint32) table->keys[i];
		const mh_indexed_message *m = mh_thread_index_get (index, id);
		g_autofree char *other = subject_key (m->subject);
		if (g_strcmp0 (other, key) == 0)
			g_array_append_val (ids, id);
	}
	return ids;
}

typedef struct {
	guint32 matched;
	guint32 above;    /* matched units above the original's threshold (prefix units) */
} candidate;

/* Best first: by the score shrunk towards 0 by one unit, matched / (total
 * + 1), so that a score resting on few units counts for less: between an
 * original and a later reply that quotes it whole, both contain the quote,
 * but the original's sample holds more of it (its prefix units) than the
 * reply's.  Then the units matched, the score, the id. */
static gint
compare_matches (gconstpointer a, gconstpointer b, gpointer data)
{
	const mh_link_match *x = a, *y = b;
	const mh_thread_index *index = data;
	double kx = (double) x->matched / (x->total + 1), ky = (double) y->matched / (y->total + 1);
	if (kx != ky)
		return kx < ky ? 1 : -1;
	if (x->matched != y->matched)
		return x->matched < y->matched ? 1 : -1;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	/* then by what the messages are, not by when they were read: the
	 * matches kept must not depend on the order of the inputs */
	const mh_indexed_message *ox = mh_thread_index_get (index, x->id);
	const mh_indexed_message *oy = mh_thread_index_get (index, y->id);
	if (ox && oy) {
		if (ox->date_unix != oy->date_unix)
			return ox->date_unix < oy->date_unix ? -1 : 1;
		int c = g_strcmp0 (ox->message_id, oy->message_id);
		if (!c)
			c = mh_indexed_message_compare_place (ox, oy);
		if (c)
			return c;
	}
	return x->id < y->id ? -1 : x->id > y->id;
}

gint
mh_indexed_message_compare_place (const mh_indexed_message *a, const mh_indexed_message *b)
{
	int c = g_strcmp0 (a->mailbox, b->mailbox);
	if (!c)
		c = g_strcmp0 (a->file, b->file);
	if (!c)
		c = g_strcmp0 (a->folder, b->folder);
	if (!c && a->index != b->index)
		c = a->index < b->index ? -1 : 1;
	return c;
}

GArray *
mh_thread_index_find_text (const mh_thread_index *index, const char *text, gsize len,
                           double min_score, guint max)
{
	GArray *matches = g_array_new (FALSE, FALSE, sizeof (mh_link_match));
	if (!index || !text || len == 0 || max == 0 || index->n == 0)
		return matches;

	gboolean capped = FALSE;
	g_autoptr (GArray) units = fingerprint (text, len, &capped);
	units_sort_unique (units);
	if (units->len > MH_QUERY_UNITS)
		g_array_set_size (units, MH_QUERY_UNITS);   /* the smallest: a consistent sample */
	if (units->len == 0)
		return matches;

	/* the pending buffer is searched sorted; sorting it does not change
	 * what the index holds */
	pending_sort ((mh_thread_index *) index);

	guint boilerplate = MAX (MH_BOILERPLATE_MIN, index->n / MH_BOILERPLATE_SHARE);
	/* holders[b]: messages whose threshold reaches bin b */
	g_autofree guint32 *holders = g_new (guint32, MH_THRESHOLD_BINS + 1);
	holders[MH_THRESHOLD_BINS] = 0;
	for (guint b = MH_THRESHOLD_BINS; b-- > 0;)
		holders[b] = holders[b + 1] + index->threshold_histogram[b];
	g_autoptr (GHashTable) candidates = g_hash_table_new_full (NULL, NULL, NULL, g_free);
	g_autoptr (GArray) kept = g_array_sized_new (FALSE, FALSE, sizeof (guint32), units->len);
	for (guint i = 0; i < units->len; i++) {
		guint32 unit = g_array_index (units, guint32, i);
		gsize lo, hi, plo, phi;
		postings_find (index, unit, &lo, &hi, &plo, &phi);
		gsize found = (hi - lo) + (phi - plo);
		if (found > boilerplate)
			continue;   /* in too many messages to point at one */
		/* a message keeps a unit in its bottom sample only when its
		 * threshold reaches it: scale those postings up to the whole index */
		gsize bottom = 0;
		for (gsize k = 0; k < found; k++) {
			guint32 id = k < hi - lo ? index->units.ids[lo + k]
			                         : (guint32) index->pending[plo + k - (hi - lo)];
			bottom += unit <= index->threshold[id];
		}
		if (bottom >= MH_BOILERPLATE_SEEN) {
			double estimate = (double) (found - bottom)
			                  + (double) bottom * index->n / MAX (holders[unit >> 20], 1u);
			if (estimate > boilerplate)
				continue;
		}
		g_array_append_val (kept, unit);
		for (gsize k = 0; k < found; k++) {
			guint32 id = k < hi - lo ? index->units.ids[lo + k]
			                         : (guint32) index->pending[plo + k - (hi - lo)];
			candidate *c = g_hash_table_lookup (candidates, GUINT_TO_POINTER (id));
			if (!c) {
				c = g_new0 (candidate, 1);
				g_hash_table_insert (candidates, GUINT_TO_POINTER (id), c);
			}
			c->matched++;
			if (unit > index->threshold[id])
				c->above++;
		}
	}

	const guint32 *q = (const guint32 *) kept->data;
	GHashTableIter iter;
	gpointer key, value;
	g_hash_table_iter_init (&iter, candidates);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		guint32 id = GPOINTER_TO_UINT (key);
		const candidate *c = value;
		/* the quote's units the original's sample must hold if it contains
		 * the quote: all those up to its threshold, plus the prefix units
		 * above it that did match */
		guint32 threshold = index->threshold[id];
		gsize a = 0, b = kept->len;
		while (a < b) {
			gsize mid = a + (b - a) / 2;
			if (q[mid] <= threshold)
				a = mid + 1;
			else
				b = mid;
		}
		guint expected = (guint) a + c->above;
		guint total = MAX (expected, MIN (kept->len, MH_MIN_EVIDENCE));
		mh_link_match match = {
			.id = id,
			.matched = MIN (c->matched, total),
			.total = total,
		};
		match.score = (double) match.matched / total;
		if (match.score >= min_score)
			g_array_append_val (matches, match);
	}
	if (matches->len > 1)
		g_array_sort_with_data (matches, compare_matches, (gpointer) index);
	if (matches->len > max)
		g_array_set_size (matches, max);
	return matches;
}

gsize
mh_thread_index_memory (const mh_thread_index *index)
{
	if (!index)
		return 0;
	gsize bytes = sizeof *index;
	bytes += index->slabs->len * (MH_SLAB_MESSAGES * sizeof (mh_indexed_message) + sizeof (gpointer));
	bytes += index->strings.bytes + index->strings.blocks->len * sizeof (gpointer);
	/* a GHashTable used as a set keeps a key pointer and a hash per slot,
	 * with at most half the slots used: 24 bytes per entry, plus the table */
	bytes += 64 + g_hash_table_size (index->interned) * 24;
	bytes += 64 + g_hash_table_size (index->participants) * 24;
	bytes += index->threshold_cap * sizeof (guint32);
	bytes += (index->message_ids.cap + index->subjects.cap) * sizeof (guint64);
	if (index->units.offsets)
		bytes += (MH_BUCKETS + 1) * sizeof (guint32)
		         + MAX (index->units.n, 1) * (sizeof (guint16) + sizeof (guint32));
	bytes += index->pending_cap * sizeof (guint64);
	return bytes;
}
