/* What the macros would do, read from their source and never run.
 *
 * Every module of every VBA project goes through a small VBA lexer
 * (logical lines, comments, string literals, identifiers).  Lines are split
 * into procedures; the words of each procedure make a call graph of the
 * project.  The keyword tables of src/data/ (auto-exec events, suspicious
 * keywords) say what a procedure may do; encoded strings (base64, hex,
 * Chr() codes, concatenations) are decoded and read again.  An auto-exec
 * procedure that reaches dangerous code, itself or through calls, makes
 * the macros malicious (docs/vba-rules.md, "Verdict").
 *
 * The same tables and string reader serve the Excel 4.0 (XLM) formulas of
 * macro sheets (_mh_xlm_rules_apply).
 *
 * Source is untrusted: every loop walks the input once or a bounded number
 * of times per table row, and every collection is capped. */
#include "config.h"

#include <string.h>

#include "office-private.h"
#include "vba-tables.h"
#include "mailhunt/text.h"

/* A logical line longer than this is analysed in pieces (a problem says so):
 * a few megabytes of tokens at most. */
#define MAX_LINE_TOKENS        (1u << 20)
/* Evidence and decoded text shown in a finding. */
#define MAX_EVIDENCE           200
/* This many Chr/Mid/StrReverse/... calls on one logical line is obfuscation. */
#define OBFUSCATION_PER_LINE   10
/* This many "&" on one logical line is a string assembled to hide it. */
#define CONCATENATION_PER_LINE 25
/* Shortest base64 or hex run worth decoding (olevba's floor is 4 bytes;
 * shorter runs are mostly words). */
#define MIN_ENCODED_RUN        16
/* Longest string literal name that can be a procedure (VBA's limit is 255). */
#define MAX_NAME               255

/* -- the tables ----------------------------------------------------------- */

typedef struct {
	const char *capability;
	const char *vba_id;
	const char *xlm_id;   /* NULL when XLM has no such finding */
} capability_ids;

static const capability_ids capabilities[] = {
	{ "execute", "vba.execute", "xlm.execute" },
	{ "download", "vba.download", "xlm.download" },
	{ "write-file", "vba.write-file", "xlm.write-file" },
	{ "powershell", "vba.powershell", "xlm.powershell" },
	{ "self-modify", "vba.self-modify", NULL },
	{ "anti-analysis", "vba.anti-analysis", NULL },
	{ "obfuscation", "vba.obfuscation", "xlm.obfuscation" },
};

/* What makes a document malicious when an auto-exec procedure reaches it. */
static gboolean
capability_is_dangerous (const char *capability)
{
	return strcmp (capability, "execute") == 0 || strcmp (capability, "download") == 0 ||
	       strcmp (capability, "write-file") == 0 || strcmp (capability, "powershell") == 0;
}

static gboolean
severity_from_string (const char *s, mh_severity *out)
{
	static const char *const names[] = { "info", "low", "medium", "high" };
	for (guint i = 0; i < G_N_ELEMENTS (names); i++)
		if (strcmp (s, names[i]) == 0) {
			*out = (mh_severity) i;
			return TRUE;
		}
	return FALSE;
}

static gboolean
is_word_char (guchar c)
{
	return g_ascii_isalnum (c) || c == '_' || c >= 0x80;
}

/* "Application.Visible = False" -> application . visible = false;
 * "Open ... For Output" -> open ... for output. */
static char **
keyword_pattern (const char *keyword)
{
	GPtrArray *out = g_ptr_array_new ();
	const char *p = keyword;

	while (*p) {
		if (*p == ' ') {
			p++;
		} else if (g_str_has_prefix (p, "...")) {
			g_ptr_array_add (out, g_strdup ("..."));
			p += 3;
		} else if (is_word_char ((guchar) *p)) {
			const char *start = p;
			while (is_word_char ((guchar) *p) || *p == '$')
				p++;
			g_ptr_array_add (out, g_ascii_strdown (start, p - start));
		} else {
			g_ptr_array_add (out, g_strndup (p, 1));
			p++;
		}
	}
	g_ptr_array_add (out, NULL);
	return (char **) g_ptr_array_free (out, FALSE);
}

/* Calls @row for every data row (comments, blank lines and the header
 * line skipped) with its columns; returns FALSE at the first bad row. */
typedef gboolean (*row_reader) (mh_rule_tables *tables, char **columns, guint n);

static void
read_table (mh_rule_tables *tables, const char *text, guint want_columns, row_reader read_row)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	gboolean header_seen = FALSE;

	for (guint i = 0; lines[i]; i++) {
		g_strchomp (lines[i]);
		if (lines[i][0] == '\0' || lines[i][0] == '#')
			continue;
		if (!header_seen) {
			header_seen = TRUE;
			continue;
		}
		g_auto (GStrv) columns = g_strsplit (lines[i], "\t", -1);
		if (g_strv_length (columns) != want_columns || !read_row (tables, columns, want_columns))
			tables->bad_rows++;
	}
}

static gboolean
read_autoexec_row (mh_rule_tables *tables, char **c, guint n)
{
	static const char *const triggers[] = { "open", "user", "control" };
	const char *trigger = NULL;
	for (guint i = 0; i < G_N_ELEMENTS (triggers); i++)
		if (strcmp (c[1], triggers[i]) == 0)
			trigger = triggers[i];
	gboolean suffix = c[0][0] == '*';
	if (!trigger || (suffix && c[0][1] != '_') || c[0][suffix ? 2 : 0] == '\0')
		return FALSE;

	mh_autoexec_rule *rule = g_new0 (mh_autoexec_rule, 1);
	rule->index = tables->autoexec->len;
	rule->name = g_strdup (c[0] + (suffix ? 1 : 0));
	rule->suffix = suffix;
	rule->trigger = trigger;
	rule->application = g_strdup (c[2]);
	rule->when = g_strdup (c[3]);
	g_ptr_array_add (tables->autoexec, rule);
	if (!suffix)
		g_hash_table_insert (tables->autoexec_by_name, g_ascii_strdown (rule->name, -1), rule);
	return TRUE;
}

static void
byte_set_fill (mh_byte_set *set, const char *s, gsize len)
{
	memset (set, 0, sizeof *set);
	for (gsize i = 0; i < len; i++) {
		guchar c = (guchar) s[i];
		set->bits[c >> 6] |= G_GUINT64_CONSTANT (1) << (c & 63);
	}
}

/* Whether every byte of @rule's keyword is in @set. */
static inline gboolean
byte_set_holds (const mh_byte_set *set, const mh_keyword_rule *rule)
{
	const guint64 *want = rule->bytes.bits;
	return ((want[0] & ~set->bits[0]) | (want[1] & ~set->bits[1]) |
	        (want[2] & ~set->bits[2]) | (want[3] & ~set->bits[3])) == 0;
}

static mh_keyword_rule *
keyword_rule_new (GPtrArray *table, char **c, gboolean xlm)
{
	const char *capability = NULL, *id = NULL;
	for (guint i = 0; i < G_N_ELEMENTS (capabilities); i++)
		if (strcmp (c[1], capabilities[i].capability) == 0) {
			capability = capabilities[i].capability;
			id = xlm ? capabilities[i].xlm_id : capabilities[i].vba_id;
		}
	guint where = 0;
	if (strcmp (c[2], xlm ? "function" : "code") == 0)
		where = MH_KEYWORD_IN_CODE;
	else if (strcmp (c[2], "string") == 0)
		where = MH_KEYWORD_IN_STRING;
	else if (!xlm && strcmp (c[2], "both") == 0)
		where = MH_KEYWORD_IN_CODE | MH_KEYWORD_IN_STRING;
	mh_severity severity;
	if (!capability || !id || !where || !severity_from_string (c[3], &severity) || c[0][0] == '\0')
		return NULL;

	mh_keyword_rule *rule = g_new0 (mh_keyword_rule, 1);
	rule->index = table->len;
	rule->keyword = g_strdup (c[0]);
	rule->capability = capability;
	rule->finding_id = id;
	rule->where = where;
	rule->severity = severity;
	rule->description = g_strdup (c[4]);
	rule->lower = g_ascii_strdown (c[0], -1);
	rule->pattern = keyword_pattern (c[0]);
	rule->method = c[0][0] == '.';
	rule->single_word = g_strv_length (rule->pattern) == 1 && is_word_char ((guchar) rule->lower[0]);
	byte_set_fill (&rule->bytes, rule->lower, strlen (rule->lower));
	/* "..." only means something between words of code */
	if (strstr (c[0], "...") && (where & MH_KEYWORD_IN_STRING || rule->pattern[0] == NULL ||
	                             strcmp (rule->pattern[0], "...") == 0)) {
		g_free (rule->keyword);
		g_free (rule->description);
		g_free (rule->lower);
		g_strfreev (rule->pattern);
		g_free (rule);
		return NULL;
	}
	g_ptr_array_add (table, rule);
	return rule;
}

static gboolean
read_suspicious_row (mh_rule_tables *tables, char **c, guint n)
{
	mh_keyword_rule *rule = keyword_rule_new (tables->suspicious, c, FALSE);
	if (!rule)
		return FALSE;
	if (rule->where & MH_KEYWORD_IN_STRING)
		g_ptr_array_add (tables->suspicious_in_string, rule);
	if (rule->where == MH_KEYWORD_IN_CODE && rule->single_word &&
	    strcmp (rule->capability, "obfuscation") != 0)
		g_ptr_array_add (tables->statement_words, rule);
	if (!(rule->where & MH_KEYWORD_IN_CODE))
		return TRUE;
	const char *first = rule->pattern[rule->method ? 1 : 0];
	if (!first)
		return TRUE;
	if (strcmp (rule->capability, "obfuscation") == 0) {
		g_hash_table_insert (tables->obfuscation_by_word, g_strdup (first), rule);
		return TRUE;
	}
	GPtrArray *rules = g_hash_table_lookup (tables->code_by_word, first);
	if (!rules) {
		rules = g_ptr_array_new ();
		g_hash_table_insert (tables->code_by_word, g_strdup (first), rules);
	}
	g_ptr_array_add (rules, rule);
	return TRUE;
}

static gboolean
read_xlm_row (mh_rule_tables *tables, char **c, guint n)
{
	mh_keyword_rule *rule = keyword_rule_new (tables->xlm, c, TRUE);
	if (!rule)
		return FALSE;
	if (rule->where & MH_KEYWORD_IN_STRING)
		g_ptr_array_add (tables->xlm_in_string, rule);
	if (rule->where & MH_KEYWORD_IN_CODE)
		g_hash_table_insert (tables->xlm_by_function, g_strdup (rule->lower), rule);
	return TRUE;
}

const mh_rule_tables *
_mh_rule_tables (void)
{
	static gsize once;
	static mh_rule_tables tables;

	if (g_once_init_enter (&once)) {
		tables.autoexec = g_ptr_array_new ();
		tables.suspicious = g_ptr_array_new ();
		tables.xlm = g_ptr_array_new ();
		tables.autoexec_by_name = g_hash_table_new (g_str_hash, g_str_equal);
		tables.code_by_word = g_hash_table_new (g_str_hash, g_str_equal);
		tables.obfuscation_by_word = g_hash_table_new (g_str_hash, g_str_equal);
		tables.xlm_by_function = g_hash_table_new (g_str_hash, g_str_equal);
		tables.suspicious_in_string = g_ptr_array_new ();
		tables.xlm_in_string = g_ptr_array_new ();
		tables.statement_words = g_ptr_array_new ();
		read_table (&tables, _mh_autoexec_tsv, 4, read_autoexec_row);
		read_table (&tables, _mh_suspicious_tsv, 5, read_suspicious_row);
		read_table (&tables, _mh_xlm_tsv, 5, read_xlm_row);
		g_once_init_leave (&once, 1);
	}
	return &tables;
}

/* -- the lexer ------------------------------------------------------------ */

typedef enum {
	TOKEN_WORD,     /* identifier or keyword, with a "$" suffix when written */
	TOKEN_NUMBER,
	TOKEN_STRING,   /* text: the content, "" already turned into " */
	TOKEN_SIGN,     /* one character: . ( ) , & + = # : ... */
} token_kind;

typedef struct {
	token_kind kind;
	guint32    offset;   /* of the NUL-terminated text in logical_line.text */
	guint32    len;
} token;

typedef struct {
	GArray  *tokens;
	GString *text;
	guint    line;       /* physical line where the logical line starts, from 1 */
} logical_line;

static inline const char *
token_text (const logical_line *l, guint i)
{
	return l->text->str + g_array_index (l->tokens, token, i).offset;
}

static inline const token *
token_at (const logical_line *l, guint i)
{
	return &g_array_index (l->tokens, token, i);
}

/* A word equal to @lower (lower case), "$" suffix ignored: Chr$ is Chr.
 * Inline: called with a literal each time, its length and first letter
 * become constants (a call per keyword and line was 3 % of an Office
 * folder). */
static inline __attribute__ ((always_inline)) gboolean
word_is (const logical_line *l, guint i, const char *lower)
{
	if (i >= l->tokens->len)
		return FALSE;
	const token *t = token_at (l, i);
	if (t->kind != TOKEN_WORD)
		return FALSE;
	gsize len = t->len;
	const char *s = token_text (l, i);
	if (len > 1 && s[len - 1] == '$')
		len--;
	/* most words differ at once: no strlen for them */
	if (len > 0 && mh_ascii_lower ((guchar) s[0]) != (guchar) lower[0])
		return FALSE;
	return strlen (lower) == len && g_ascii_strncasecmp (s, lower, len) == 0;
}

static gboolean
sign_is (const logical_line *l, guint i, char c)
{
	if (i >= l->tokens->len)
		return FALSE;
	const token *t = token_at (l, i);
	return t->kind == TOKEN_SIGN && token_text (l, i)[0] == c;
}

static void
push_token (logical_line *l, token_kind kind, const char *s, gsize len)
{
	token t = { kind, (guint32) l->text->len, (guint32) len };
	g_string_append_len (l->text, s, len);
	g_string_append_c (l->text, '\0');
	g_array_append_val (l->tokens, t);
}

static void
line_reset (logical_line *l, guint line)
{
	g_array_set_size (l->tokens, 0);
	g_string_truncate (l->text, 0);
	l->line = line;
}

typedef void (*line_handler) (gpointer user, logical_line *line);

static gsize
newline_length (const char *s, gsize pos, gsize n)
{
	if (s[pos] == '\r' && pos + 1 < n && s[pos + 1] == '\n')
		return 2;
	return 1;
}

/* The end of a physical line is a continuation when the line ends in
 * " _" (white space before the underscore, or the underscore alone). */
static gboolean
ends_in_continuation (const char *s, gsize start, gsize end)
{
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (end == start || s[end - 1] != '_')
		return FALSE;
	return end - 1 == start || s[end - 2] == ' ' || s[end - 2] == '\t';
}

/* Splits @s into logical lines of tokens and calls @handle for each.  In
 * @xlm mode there are no comments or continuations (an apostrophe quotes a
 * sheet name there). */
static void
lex (const char *s, gsize n, gboolean xlm, line_handler handle, gpointer user,
     mh_document *doc, const char *where)
{
	logical_line l = { g_array_new (FALSE, FALSE, sizeof (token)), g_string_new (NULL), 1 };
	guint physical = 1;
	gsize line_start = 0;       /* of the current physical line */
	gboolean statement_start = TRUE;
	gboolean continuation = FALSE;  /* last token is a lone "_" */
	gsize pos = 0;

	while (pos < n) {
		guchar c = (guchar) s[pos];

		if (c == '\r' || c == '\n') {
			pos += newline_length (s, pos, n);
			physical++;
			line_start = pos;
			if (continuation && !xlm) {
				g_array_set_size (l.tokens, l.tokens->len - 1);
				continuation = FALSE;
				continue;
			}
			handle (user, &l);
			line_reset (&l, physical);
			statement_start = TRUE;
			continue;
		}
		if (l.tokens->len >= MAX_LINE_TOKENS) {
			_mh_document_add_problem (doc, "%s:%u: a logical line of more than %u tokens is "
			                          "analysed in pieces", where, l.line, MAX_LINE_TOKENS);
			handle (user, &l);
			line_reset (&l, physical);
		}
		if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == 0) {
			pos++;
			continue;
		}
		continuation = FALSE;

		gboolean rem = !xlm && statement_start && (c == 'R' || c == 'r') && pos + 3 <= n &&
		               g_ascii_strncasecmp (s + pos, "rem", 3) == 0 &&
		               (pos + 3 == n || !is_word_char ((guchar) s[pos + 3]));
		if ((c == '\'' && !xlm) || rem) {
			/* a comment runs to the end of the line, and on when that line
			 * ends in a continuation */
			for (;;) {
				gsize end = pos;
				while (end < n && s[end] != '\r' && s[end] != '\n')
					end++;
				if (end < n && ends_in_continuation (s, line_start, end)) {
					pos = end + newline_length (s, end, n);
					physical++;
					line_start = pos;
					continue;
				}
				pos = end;
				break;
			}
			continue;
		}
		if (c == '"') {
			GString *content = g_string_new (NULL);
			pos++;
			while (pos < n && s[pos] != '\r' && s[pos] != '\n') {
				if (s[pos] == '"') {
					if (pos + 1 < n && s[pos + 1] == '"') {
						g_string_append_c (content, '"');
						pos += 2;
						continue;
					}
					pos++;
					break;
				}
				g_string_append_c (content, s[pos]);
				pos++;
			}
			push_token (&l, TOKEN_STRING, content->str, content->len);
			g_string_free (content, TRUE);
			statement_start = FALSE;
			continue;
		}
		if (g_ascii_isalpha (c) || c == '_' || c >= 0x80) {
			gsize start = pos;
			while (pos < n && is_word_char ((guchar) s[pos]))
				pos++;
			if (pos < n && s[pos] == '$')
				pos++;
			push_token (&l, TOKEN_WORD, s + start, pos - start);
			continuation = pos - start == 1 && s[start] == '_' &&
			               (start == line_start || s[start - 1] == ' ' || s[start - 1] == '\t');
			statement_start = FALSE;
			continue;
		}
		if (g_ascii_isdigit (c) ||
		    (c == '&' && pos + 2 < n && (s[pos + 1] == 'H' || s[pos + 1] == 'h') &&
		     g_ascii_isxdigit (s[pos + 2]))) {
			gsize start = pos;
			pos += c == '&' ? 2 : 0;
			while (pos < n && (g_ascii_isalnum (s[pos]) || s[pos] == '.'))
				pos++;
			push_token (&l, TOKEN_NUMBER, s + start, pos - start);
			statement_start = FALSE;
			continue;
		}
		push_token (&l, TOKEN_SIGN, s + pos, 1);
		statement_start = c == ':';
		pos++;
	}
	if (l.tokens->len > 0)
		handle (user, &l);
	g_array_free (l.tokens, TRUE);
	g_string_free (l.text, TRUE);
}

/* -- what was found, before the call graph is known ------------------------ */

typedef enum {
	PROC_MODULE_LEVEL,   /* declarations outside any procedure */
	PROC_SUB,
	PROC_FUNCTION,
	PROC_PROPERTY,
	PROC_DECLARE,        /* a DLL function declared with Declare */
} proc_kind;

typedef struct {
	char       *name;
	proc_kind   kind;
	guint       module;       /* index in project->modules */
	guint       line;
	GHashTable *words;        /* lower-case names used in the body (a set) */
	gboolean    dynamic_call; /* Run/CallByName with a computed name */
	const mh_autoexec_rule *autoexec;
	gboolean    fires;        /* auto-exec and able to fire in this document */
	int         reached_from; /* the auto-exec procedure that reaches it, or -1 */
} procedure;

typedef struct {
	const char *id;
	mh_severity severity;
	gboolean    counts;       /* a dangerous capability: counts toward the verdict */
	gboolean    string_keyword;
	guint       proc;
	char       *location;
	char       *evidence;
	char       *decoding;
	char       *what;
} hit;

typedef struct {
	mh_document               *doc;
	const mh_office_options   *options;
	const mh_rule_tables      *tables;
	gboolean                   xlm;
	const char                *xlm_location;

	const mh_vba_project      *project;
	GPtrArray                 *procs;       /* of procedure* */
	GPtrArray                 *hits;        /* of hit* */
	GHashTable                *hit_keys;    /* de-duplication */
	guint                      max_hits;
	GHashTable                *module_names; /* lower case, for Module1.X */
	gboolean                   has_code;
	GStringChunk              *words;       /* the procedures' words: one allocation for many */
	GString                   *built;       /* scan_string_expressions' string, kept for every line */

	/* the module being read */
	guint                      module;
	const char                *module_name;
	guint                      module_proc;  /* its PROC_MODULE_LEVEL */
	guint                      current;      /* procedure of the current line */
	guint                     *matched;      /* per suspicious row: line stamp */
	guint                     *failed;
	guint                      stamp;
	guint                      line;
} rules_ctx;

static void
procedure_free (gpointer p)
{
	procedure *proc = p;
	g_free (proc->name);
	if (proc->words)
		g_hash_table_unref (proc->words);
	g_free (proc);
}

static void
hit_free (gpointer p)
{
	hit *h = p;
	g_free (h->location);
	g_free (h->evidence);
	g_free (h->decoding);
	g_free (h->what);
	g_free (h);
}

/* Procedures (and Declare statements) per project; past it, a new header
 * does not start a procedure (its lines belong to the one before). */
#define MAX_PROCEDURES 65536

static guint
add_procedure (rules_ctx *ctx, const char *name, proc_kind kind)
{
	if (kind != PROC_MODULE_LEVEL && ctx->procs->len >= MAX_PROCEDURES) {
		_mh_document_add_problem (ctx->doc, "more than %u procedures in one VBA project: "
		                          "the rest are read as part of the one before", MAX_PROCEDURES);
		return ctx->current;
	}
	procedure *proc = g_new0 (procedure, 1);
	proc->name = g_utf8_make_valid (name, -1);
	proc->kind = kind;
	proc->module = ctx->module;
	proc->line = ctx->line;
	proc->words = g_hash_table_new (g_str_hash, g_str_equal);   /* of ctx->words */
	proc->reached_from = -1;
	g_ptr_array_add (ctx->procs, proc);
	return ctx->procs->len - 1;
}

/* Shown text: valid UTF-8, no control characters, at most MAX_EVIDENCE. */
static char *
shown_text (const char *s, gsize len)
{
	g_autofree char *valid = g_utf8_make_valid (s, (gssize) MIN (len, (gsize) MAX_EVIDENCE * 4));
	GString *out = g_string_new (NULL);
	guint chars = 0;
	for (const char *p = valid; *p && chars < MAX_EVIDENCE; p = g_utf8_next_char (p), chars++) {
		gunichar u = g_utf8_get_char (p);
		if (u < 0x20 || u == 0x7f)
			g_string_append_c (out, ' ');
		else
			g_string_append_unichar (out, u);
	}
	if (chars >= MAX_EVIDENCE && len > out->len)
		g_string_append (out, "…");
	return g_string_free (out, FALSE);
}

static char *
location_here (const rules_ctx *ctx)
{
	if (ctx->xlm)
		return g_strdup (ctx->xlm_location);
	return g_strdup_printf ("%s:%u", ctx->module_name, ctx->line);
}

/* Keeps one hit per finding, procedure and evidence; a cap keeps hostile
 * source from making millions. */
static void
add_hit (rules_ctx *ctx, const char *id, mh_severity severity, gboolean counts,
         gboolean string_keyword, const char *evidence, const char *decoding,
         char *what /* taken */)
{
	g_autofree char *shown = shown_text (evidence, strlen (evidence));
	g_autofree char *lower = g_ascii_strdown (shown, -1);
	char *key = g_strdup_printf ("%s\x1f%u\x1f%d\x1f%s", id, ctx->current, string_keyword, lower);

	if (g_hash_table_contains (ctx->hit_keys, key)) {
		g_free (key);
		g_free (what);
		return;
	}
	if (ctx->hits->len >= ctx->max_hits) {
		_mh_document_add_problem (ctx->doc, "more than %u macro findings before de-duplication: "
		                          "the rest are not looked at", ctx->max_hits);
		g_free (key);
		g_free (what);
		return;
	}
	g_hash_table_add (ctx->hit_keys, key);
	hit *h = g_new0 (hit, 1);
	h->id = id;
	h->severity = severity;
	h->counts = counts;
	h->string_keyword = string_keyword;
	h->proc = ctx->current;
	h->location = location_here (ctx);
	h->evidence = g_steal_pointer (&shown);
	h->decoding = g_strdup (decoding);
	/* what may quote the source (an object name): keep the report valid UTF-8 */
	h->what = g_utf8_make_valid (what, -1);
	g_free (what);
	g_ptr_array_add (ctx->hits, h);
}

static void
add_rule_hit (rules_ctx *ctx, const mh_keyword_rule *rule, const char *evidence,
              const char *decoding)
{
	add_hit (ctx, rule->finding_id, rule->severity, capability_is_dangerous (rule->capability),
	         FALSE, evidence ? evidence : rule->keyword, decoding, g_strdup (rule->description));
}

/* -- indicators ------------------------------------------------------------- */

static gboolean
url_char (guchar c)
{
	return g_ascii_isalnum (c) || strchr ("-._~:/?#[]@!$&'()*+,;=%", c) != NULL || c >= 0x80;
}

static void
find_urls (rules_ctx *ctx, const char *text, const char *lower, gsize len, const char *decoding,
           const char *location)
{
	static const char *const schemes[] = { "http://", "https://", "ftp://" };
	for (guint k = 0; k < G_N_ELEMENTS (schemes); k++) {
		gsize slen = strlen (schemes[k]);
		const char *p = lower;
		while ((p = memmem (p, len - (p - lower), schemes[k], slen)) != NULL) {
			gsize start = p - lower, end = start + slen;
			while (end < len && url_char ((guchar) text[end]) && text[end] != '\'')
				end++;
			/* trailing punctuation belongs to the sentence */
			while (end > start + slen && strchr (".,;:)]'!?", text[end - 1]))
				end--;
			gsize host = start + slen;
			if (end > host && g_ascii_isalnum (text[host])) {
				g_autofree char *url = g_strndup (text + start, end - start);
				if (!g_str_has_prefix (lower + start + slen, "schemas.openxmlformats.org") &&
				    !g_str_has_prefix (lower + start + slen, "schemas.microsoft.com"))
					_mh_document_add_ioc (ctx->doc, "url", url, location, decoding);
			}
			p = lower + end;
		}
	}
}

/* Four dotted octets 0..255, not part of a longer dotted number, not a
 * version ("version 1.2.3.4", "v1.0.0.0") and not a network address or
 * mask (x.x.x.0, 0.x.x.x, 255.x.x.x). */
static void
find_ipv4 (rules_ctx *ctx, const char *text, gsize len, const char *decoding, const char *location)
{
	gsize i = 0;
	while (i < len) {
		if (!g_ascii_isdigit (text[i]) || (i > 0 && (g_ascii_isalnum (text[i - 1]) || text[i - 1] == '.'))) {
			i++;
			continue;
		}
		guint octets[4];
		gsize p = i;
		gboolean ok = TRUE;
		for (guint k = 0; k < 4 && ok; k++) {
			gsize digits = 0;
			guint value = 0;
			while (p < len && g_ascii_isdigit (text[p]) && digits < 4) {
				value = value * 10 + (guint) (text[p] - '0');
				p++;
				digits++;
			}
			ok = digits >= 1 && digits <= 3 && value <= 255 && !(digits > 1 && text[p - digits] == '0');
			octets[k] = value;
			if (ok && k < 3) {
				ok = p < len && text[p] == '.';
				p++;
			}
		}
		if (ok && p < len && (g_ascii_isalnum (text[p]) || (text[p] == '.' && p + 1 < len &&
		                                                    g_ascii_isdigit (text[p + 1]))))
			ok = FALSE;
		if (ok && (octets[0] == 0 || octets[0] == 255 || octets[3] == 0))
			ok = FALSE;
		if (ok) {
			/* "version 1.2.3.4", "ver. 1.2.3.4", "v1.2.3.4" */
			gsize back = i;
			while (back > 0 && (text[back - 1] == ' ' || text[back - 1] == '.' || text[back - 1] == ':'))
				back--;
			gsize word = back;
			while (word > 0 && g_ascii_isalpha (text[word - 1]))
				word--;
			g_autofree char *before = g_ascii_strdown (text + word, back - word);
			if (strcmp (before, "v") == 0 || strcmp (before, "ver") == 0 ||
			    strcmp (before, "version") == 0 || strcmp (before, "build") == 0)
				ok = FALSE;
		}
		if (ok) {
			g_autofree char *ip = g_strndup (text + i, p - i);
			_mh_document_add_ioc (ctx->doc, "ip", ip, location, decoding);
		}
		/* skip the whole dotted number */
		while (i < len && (g_ascii_isdigit (text[i]) || text[i] == '.'))
			i++;
	}
}

/* Names with an extension Windows runs (olevba's list, without .com,
 * which every URL has). */
static void
find_executables (rules_ctx *ctx, const char *text, const char *lower, gsize len,
                  const char *decoding, const char *location)
{
	static const char *const extensions[] = {
		"exe", "dll", "scr", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf",
		"wsh", "hta", "jar", "lnk", "msi", "pif", "cpl", "reg", "inf", "scf", "msc", "gadget",
	};
	for (gsize i = 1; i + 1 < len; i++) {
		if (text[i] != '.' || !is_word_char ((guchar) text[i - 1]))
			continue;
		gsize end = i + 1;
		while (end < len && g_ascii_isalnum (text[end]))
			end++;
		if (end < len && (is_word_char ((guchar) text[end])))
			continue;
		gsize ext_len = end - i - 1;
		gboolean known = FALSE;
		for (guint k = 0; k < G_N_ELEMENTS (extensions) && !known; k++)
			known = strlen (extensions[k]) == ext_len && memcmp (lower + i + 1, extensions[k], ext_len) == 0;
		if (!known)
			continue;
		gsize start = i;
		while (start > 0 && (is_word_char ((guchar) text[start - 1]) || text[start - 1] == '-' ||
		                     text[start - 1] == '.'))
			start--;
		g_autofree char *name = g_strndup (text + start, end - start);
		_mh_document_add_ioc (ctx->doc, "executable", name, location, decoding);
	}
}

/* \\host\share... */
static void
find_unc_paths (rules_ctx *ctx, const char *text, gsize len, const char *decoding,
                const char *location)
{
	for (gsize i = 0; i + 2 < len; i++) {
		if (text[i] != '\\' || text[i + 1] != '\\' || (i > 0 && text[i - 1] == '\\'))
			continue;
		gsize host = i + 2, p = host;
		while (p < len && (g_ascii_isalnum (text[p]) || text[p] == '-' || text[p] == '.' || text[p] == '@'))
			p++;
		if (p == host || p >= len || text[p] != '\\')
			continue;
		gsize end = p + 1;
		while (end < len && text[end] != '"' && text[end] != ' ' && text[end] != '\t' &&
		       (guchar) text[end] >= 0x20)
			end++;
		if (end == p + 1)
			continue;
		g_autofree char *path = g_strndup (text + i, end - i);
		_mh_document_add_ioc (ctx->doc, "unc-path", path, location, decoding);
		i = end - 1;
	}
}

/* -- strings: keywords, indicators, encoded runs ----------------------------- */

/* First place where @needle stands as a whole word in @hay (both lower
 * case), or -1. */
static gssize
find_word (const char *hay, gsize len, const char *needle)
{
	gsize nlen = strlen (needle);
	gboolean word_start = is_word_char ((guchar) needle[0]);
	gboolean word_end = is_word_char ((guchar) needle[nlen - 1]);
	const char *p = hay;

	while (nlen <= len - (gsize) (p - hay) && (p = memmem (p, len - (p - hay), needle, nlen)) != NULL) {
		gsize at = p - hay;
		if ((!word_start || at == 0 || !is_word_char ((guchar) hay[at - 1])) &&
		    (!word_end || at + nlen == len || !is_word_char ((guchar) hay[at + nlen])))
			return (gssize) at;
		p++;
	}
	return -1;
}

static gboolean
mostly_printable (const char *s, gsize len)
{
	if (len < 4 || !g_utf8_validate (s, (gssize) len, NULL))
		return FALSE;
	gsize bad = 0;
	for (gsize i = 0; i < len; i++) {
		guchar c = (guchar) s[i];
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
			bad++;
	}
	return bad * 20 <= len;
}

/* Bytes that are text: UTF-16LE (as in powershell -enc) or UTF-8/ASCII.
 * Returns the text, or NULL; *utf16 tells which. */
static char *
bytes_as_text (const guint8 *b, gsize len, gboolean *utf16)
{
	*utf16 = FALSE;
	if (len >= 4 && len % 2 == 0) {
		gsize zeros = 0;
		for (gsize i = 1; i < len; i += 2)
			zeros += b[i] == 0;
		if (zeros * 10 >= (len / 2) * 9) {
			gunichar2 *units = g_new (gunichar2, len / 2);
			for (gsize i = 0; i < len / 2; i++)
				units[i] = (gunichar2) (b[2 * i] | (b[2 * i + 1] << 8));
			glong written = 0;
			char *text = g_utf16_to_utf8 (units, (glong) (len / 2), NULL, &written, NULL);
			g_free (units);
			if (text && mostly_printable (text, (gsize) written)) {
				*utf16 = TRUE;
				return text;
			}
			g_free (text);
			return NULL;
		}
	}
	if (mostly_printable ((const char *) b, len))
		return g_strndup ((const char *) b, len);
	return NULL;
}

static void scan_text (rules_ctx *ctx, const char *text, gsize len, const char *decoding,
                       guint rounds);

/* A decoded string: one obfuscation finding that shows it, then read
 * again, unless the chain is already as long as the cap allows. */
static void
decoded_string (rules_ctx *ctx, const char *text, gsize len, const char *chain, guint rounds,
                const char *what)
{
	const char *id = ctx->xlm ? "xlm.obfuscation" : "vba.obfuscation";
	add_hit (ctx, id, MH_SEVERITY_MEDIUM, FALSE, FALSE, text, chain, g_strdup (what));
	scan_text (ctx, text, len, chain, rounds);
}

static char *
chain_append (const char *chain, const char *step)
{
	return chain ? g_strdup_printf ("%s → %s", chain, step) : g_strdup (step);
}

static gboolean
is_base64_char (guchar c)
{
	return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* Runs of hex or base64 long enough to hide something: decoded when the
 * result is text. */
static void
scan_encoded_runs (rules_ctx *ctx, const char *text, gsize len, const char *chain, guint rounds)
{
	gsize i = 0;
	while (i < len) {
		if (!is_base64_char ((guchar) text[i])) {
			i++;
			continue;
		}
		gsize start = i;
		gboolean all_hex = TRUE;
		while (i < len && is_base64_char ((guchar) text[i])) {
			all_hex = all_hex && g_ascii_isxdigit (text[i]);
			i++;
		}
		gsize run = i - start;
		while (i < len && text[i] == '=' && i - start < run + 2)
			i++;
		if (run < MIN_ENCODED_RUN)
			continue;

		g_autofree guint8 *bytes = NULL;
		gsize n = 0;
		const char *step = NULL;
		if (all_hex && run % 2 == 0) {
			n = run / 2;
			bytes = g_malloc (n);
			for (gsize k = 0; k < n; k++)
				bytes[k] = (guint8) (g_ascii_xdigit_value (text[start + 2 * k]) << 4 |
				                     g_ascii_xdigit_value (text[start + 2 * k + 1]));
			step = "hex";
		}
		gboolean utf16 = FALSE;
		g_autofree char *decoded = bytes ? bytes_as_text (bytes, n, &utf16) : NULL;
		if (!decoded && (i - start) % 4 != 1) {
			g_clear_pointer (&bytes, g_free);
			gint state = 0;
			guint save = 0;
			bytes = g_malloc ((i - start) / 4 * 3 + 3);
			n = g_base64_decode_step (text + start, i - start, bytes, &state, &save);
			decoded = bytes_as_text (bytes, n, &utf16);
			step = "base64";
		}
		if (!decoded)
			continue;
		if (rounds >= ctx->options->limits.max_decode_rounds) {
			_mh_document_add_problem (ctx->doc, "%s: an encoded string nested deeper than %u "
			                          "decoding rounds was not decoded",
			                          ctx->xlm ? ctx->xlm_location : ctx->module_name,
			                          ctx->options->limits.max_decode_rounds);
			continue;
		}
		g_autofree char *step_chain = chain_append (chain, step);
		g_autofree char *full_chain = utf16 ? chain_append (step_chain, "UTF-16LE") : g_strdup (step_chain);
		decoded_string (ctx, decoded, strlen (decoded), full_chain, rounds + 1,
		                strcmp (step, "hex") == 0 ? "hides a string in hexadecimal"
		                                          : "hides a string in base64");
	}
}

/* A string literal (@decoding NULL) or a decoded string. */
static void
scan_text (rules_ctx *ctx, const char *text, gsize len, const char *decoding, guint rounds)
{
	if (len == 0)
		return;
	/* g_ascii_strdown (text, len), inline: up to a NUL, zeros after */
	g_autofree char *lower = g_malloc (len + 1);
	gsize cut = 0;
	for (; cut < len && text[cut]; cut++)
		lower[cut] = (char) mh_ascii_lower ((guchar) text[cut]);
	memset (lower + cut, 0, len + 1 - cut);
	GPtrArray *rules = ctx->xlm ? ctx->tables->xlm_in_string : ctx->tables->suspicious_in_string;
	gboolean any_counted = FALSE;
	/* most strings are short and hold few of the keywords' letters: a
	 * keyword with a byte the string lacks is not looked for */
	mh_byte_set bytes;
	byte_set_fill (&bytes, lower, len);

	for (guint i = 0; i < rules->len; i++) {
		const mh_keyword_rule *rule = g_ptr_array_index (rules, i);
		if (byte_set_holds (&bytes, rule) && find_word (lower, len, rule->lower) >= 0) {
			add_rule_hit (ctx, rule, NULL, decoding);
			any_counted = TRUE;
		}
	}
	/* A statement in a string does nothing by itself (MsgBox "use Shell");
	 * said once, where no counted keyword already explains the string. */
	if (!ctx->xlm && !decoding && !any_counted) {
		GPtrArray *words = ctx->tables->statement_words;
		for (guint i = 0; i < words->len; i++) {
			const mh_keyword_rule *rule = g_ptr_array_index (words, i);
			if (byte_set_holds (&bytes, rule) && find_word (lower, len, rule->lower) >= 0)
				add_hit (ctx, "vba.string-keyword", MH_SEVERITY_INFO, FALSE, TRUE, rule->keyword, NULL,
				         g_strdup_printf ("the word \"%s\" appears only inside a string, where it "
				                          "runs nothing by itself", rule->keyword));
		}
	}

	g_autofree char *location = location_here (ctx);
	find_urls (ctx, text, lower, len, decoding, location);
	find_ipv4 (ctx, text, len, decoding, location);
	find_executables (ctx, text, lower, len, decoding, location);
	find_unc_paths (ctx, text, len, decoding, location);
	scan_encoded_runs (ctx, text, len, decoding, rounds);
}

/* -- expressions that build strings ----------------------------------------- */

static gboolean
number_value (const logical_line *l, guint i, gint64 *value)
{
	if (i >= l->tokens->len || token_at (l, i)->kind != TOKEN_NUMBER)
		return FALSE;
	const char *s = token_text (l, i);
	char *end = NULL;
	if (s[0] == '&')
		*value = g_ascii_strtoll (s + 2, &end, 16);
	else
		*value = g_ascii_strtoll (s, &end, 10);
	return end && end != s && *value >= -32768 && *value <= 65535;
}

/* One piece of a string expression at token @i: a literal, Chr(n) with a
 * literal number, or StrReverse("literal").  Returns the tokens used, 0
 * when the token starts no such piece. */
static guint
string_piece (const rules_ctx *ctx, const logical_line *l, guint i, GString *out,
              guint *chr, gboolean *reversed)
{
	const token *t = i < l->tokens->len ? token_at (l, i) : NULL;
	if (!t)
		return 0;
	if (t->kind == TOKEN_STRING) {
		g_string_append_len (out, token_text (l, i), t->len);
		return 1;
	}
	if (t->kind != TOKEN_WORD)
		return 0;
	/* every token passes here: the words below all start with c or s */
	guchar first = mh_ascii_lower ((guchar) token_text (l, i)[0]);
	if (first != 'c' && first != 's')
		return 0;
	gboolean code = ctx->xlm ? word_is (l, i, "char")
	                         : word_is (l, i, "chr") || word_is (l, i, "chrw") || word_is (l, i, "chrb");
	gint64 value;
	if (code && sign_is (l, i + 1, '(') && number_value (l, i + 2, &value) && sign_is (l, i + 3, ')')) {
		if (value < 0)
			value += 65536;
		if (value == 0 || (value >= 0xD800 && value <= 0xDFFF))
			value = 0xFFFD;
		g_string_append_unichar (out, (gunichar) value);
		(*chr)++;
		return 4;
	}
	if (!ctx->xlm && word_is (l, i, "strreverse") && sign_is (l, i + 1, '(') &&
	    i + 2 < l->tokens->len && token_at (l, i + 2)->kind == TOKEN_STRING && sign_is (l, i + 3, ')')) {
		/* g_utf8_strreverse wants valid UTF-8; the source may not be */
		g_autofree char *valid = g_utf8_make_valid (token_text (l, i + 2), token_at (l, i + 2)->len);
		g_autofree char *rev = g_utf8_strreverse (valid, -1);
		g_string_append (out, rev);
		*reversed = TRUE;
		return 4;
	}
	return 0;
}

/* This many Chr() codes in one string is hiding it; fewer are line
 * breaks and quotes ("a" & Chr(13) & "b"). */
#define CHR_PIECES_HIDING 4

/* Chains of pieces joined by & or +: the string they build is read like a
 * decoded string.  Each token is looked at a bounded number of times. */
static void
scan_string_expressions (rules_ctx *ctx, const logical_line *l)
{
	guint n = l->tokens->len;
	guint i = 0;
	GString *built = ctx->built;

	while (i < n) {
		guint chr = 0;
		gboolean reversed = FALSE;
		guint pieces = 0;
		g_string_truncate (built, 0);
		guint used = string_piece (ctx, l, i, built, &chr, &reversed);
		if (used == 0) {
			i++;
			continue;
		}
		pieces = 1;
		i += used;
		while (i + 1 < n && (sign_is (l, i, '&') || sign_is (l, i, '+'))) {
			guint more = string_piece (ctx, l, i + 1, built, &chr, &reversed);
			if (more == 0)
				break;
			pieces++;
			i += 1 + more;
		}
		if (chr == 0 && !reversed) {
			/* pieces of one string: keywords and indicators split across literals */
			if (pieces > 1)
				scan_text (ctx, built->str, built->len, "concatenation", 0);
			continue;
		}
		const char *step = ctx->xlm ? "CHAR() codes"
		                 : chr && reversed ? "Chr() codes → StrReverse" : chr ? "Chr() codes" : "StrReverse";
		if (ctx->options->limits.max_decode_rounds == 0) {
			_mh_document_add_problem (ctx->doc, "%s: a string built from character codes was "
			                          "not decoded (no decoding rounds allowed)",
			                          ctx->xlm ? ctx->xlm_location : ctx->module_name);
		} else if (chr >= CHR_PIECES_HIDING || reversed) {
			decoded_string (ctx, built->str, built->len, step, 1,
			                chr ? "builds a string from character codes" : "hides a string by reversing it");
		} else if (pieces > 1) {
			scan_text (ctx, built->str, built->len, step, 1);
		}
	}
}

/* -- code: keywords, procedures, calls ------------------------------------- */

static gboolean
token_matches (const logical_line *l, guint i, const char *word)
{
	if (i >= l->tokens->len)
		return FALSE;
	if (is_word_char ((guchar) word[0]))
		return word_is (l, i, word);
	return sign_is (l, i, word[0]);
}

/* The words of @pattern from @p on, at token @i, up to "..." or the end;
 * returns the number of pattern words matched (0 if it does not match). */
static guint
segment_matches (const logical_line *l, guint i, char **pattern, guint p)
{
	guint k = 0;
	while (pattern[p + k] && strcmp (pattern[p + k], "...") != 0) {
		if (!token_matches (l, i + k, pattern[p + k]))
			return 0;
		k++;
	}
	return k;
}

/* Does @rule's pattern start at token @i?  A pattern with "..." searches
 * forward once; when that fails, the rule cannot match later on this line
 * either (the rest of the line only gets shorter), so it is marked failed. */
static gboolean
rule_matches_at (rules_ctx *ctx, const logical_line *l, guint i, const mh_keyword_rule *rule)
{
	guint p = 0;
	if (rule->method) {
		if (i == 0 || !sign_is (l, i - 1, '.'))
			return FALSE;
		p = 1;
	}
	guint k = segment_matches (l, i, rule->pattern, p);
	if (k == 0)
		return FALSE;
	p += k;
	guint t = i + k;
	while (rule->pattern[p]) {
		p++;   /* "..." */
		if (!rule->pattern[p])
			return TRUE;
		gboolean found = FALSE;
		for (; t < l->tokens->len; t++) {
			guint m = segment_matches (l, t, rule->pattern, p);
			if (m > 0) {
				t += m;
				p += m;
				found = TRUE;
				break;
			}
		}
		if (!found) {
			ctx->failed[rule->index] = ctx->stamp;
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
is_module_name (const rules_ctx *ctx, const logical_line *l, guint i)
{
	if (i >= l->tokens->len || token_at (l, i)->kind != TOKEN_WORD)
		return FALSE;
	g_autofree char *lower = g_ascii_strdown (token_text (l, i), -1);
	return strcmp (lower, "me") == 0 || g_hash_table_contains (ctx->module_names, lower);
}

/* The name a string names as a macro: "Module1.Payload", "'Book.xlsm'!Payload"
 * -> "payload".  NULL when it cannot be a procedure name. */
static char *
macro_name_in_string (const char *s, gsize len)
{
	const char *start = s;
	for (gsize i = 0; i < len; i++)
		if (s[i] == '!' || s[i] == '.')
			start = s + i + 1;
	gsize n = len - (start - s);
	if (n == 0 || n > MAX_NAME || !g_ascii_isalpha (start[0]))
		return NULL;
	for (gsize i = 0; i < n; i++)
		if (!is_word_char ((guchar) start[i]))
			return NULL;
	return g_ascii_strdown (start, n);
}

/* How far to look for the second argument of CallByName; a call whose
 * first argument is longer counts as dynamic (and keeps the line linear). */
#define MAX_ARGUMENT_TOKENS 256

/* The first token after the first "," of a call starting at @i (its second
 * argument), or the end of the line. */
static guint
second_argument (const logical_line *l, guint i)
{
	int depth = 0;
	guint end = MIN (l->tokens->len, i + MAX_ARGUMENT_TOKENS);
	for (guint k = i; k < end; k++) {
		if (sign_is (l, k, '('))
			depth++;
		else if (sign_is (l, k, ')'))
			depth--;
		else if (sign_is (l, k, ',') && depth <= 1)
			return k + 1;
		if (depth < 0)
			break;
	}
	return l->tokens->len;
}

static void
note_dynamic_calls (rules_ctx *ctx, const logical_line *l, guint i, procedure *proc)
{
	guint n = l->tokens->len;
	/* Application.Run X / Run X: a macro named at run time */
	if (word_is (l, i, "run") && (i == 0 || !sign_is (l, i - 1, '.') ||
	                              (i >= 2 && word_is (l, i - 2, "application")))) {
		guint arg = sign_is (l, i + 1, '(') ? i + 2 : i + 1;
		if (arg < n && token_at (l, arg)->kind != TOKEN_STRING && !sign_is (l, arg, '=') &&
		    !sign_is (l, arg, ')') && !sign_is (l, arg, ':'))
			proc->dynamic_call = TRUE;
	}
	if (word_is (l, i, "callbyname")) {
		guint arg = second_argument (l, i + 1);
		if (arg >= n || token_at (l, arg)->kind != TOKEN_STRING)
			proc->dynamic_call = TRUE;
	}
}

/* CreateObject("X") names its object: the name tells what it does (the
 * string rules see it); only a computed name counts by itself. */
static void
create_object_hit (rules_ctx *ctx, const logical_line *l, guint i, const mh_keyword_rule *rule)
{
	if (sign_is (l, i + 1, '(') && i + 2 < l->tokens->len && token_at (l, i + 2)->kind == TOKEN_STRING) {
		const char *object = token_text (l, i + 2);
		g_autofree char *evidence = g_strdup_printf ("%s(\"%s\")", token_text (l, i), object);
		add_hit (ctx, rule->finding_id, MH_SEVERITY_INFO, FALSE, FALSE, evidence, NULL,
		         g_strdup_printf ("%s the COM object \"%s\"",
		                          word_is (l, i, "getobject") ? "gets" : "creates", object));
		return;
	}
	add_rule_hit (ctx, rule, NULL, NULL);
}

static void
scan_code (rules_ctx *ctx, const logical_line *l, gboolean header)
{
	procedure *proc = g_ptr_array_index (ctx->procs, ctx->current);
	guint n = l->tokens->len;
	guint obfuscation_calls = 0;
	guint concatenations = 0;
	GHashTable *obfuscation_words = NULL;

	ctx->stamp++;
	for (guint i = 0; i < n; i++) {
		const token *t = token_at (l, i);
		if (t->kind == TOKEN_STRING) {
			g_autofree char *target = macro_name_in_string (token_text (l, i), t->len);
			if (target && !g_hash_table_contains (proc->words, target))
				g_hash_table_add (proc->words, g_string_chunk_insert (ctx->words, target));
			scan_text (ctx, token_text (l, i), t->len, NULL, 0);
			continue;
		}
		if (t->kind == TOKEN_SIGN && token_text (l, i)[0] == '&')
			concatenations++;
		if (t->kind != TOKEN_WORD || header)
			continue;

		/* g_ascii_strdown (word, -1), on the stack for the usual short
		 * word: a malloc and a free per word of every module */
		const char *word = token_text (l, i);
		gsize word_len = strlen (word);
		char short_lower[64];
		g_autofree char *long_lower = word_len < sizeof short_lower ? NULL : g_ascii_strdown (word, -1);
		char *lower = long_lower ? long_lower : short_lower;
		if (!long_lower) {
			for (gsize k = 0; k < word_len; k++)
				short_lower[k] = (char) mh_ascii_lower ((guchar) word[k]);
			short_lower[word_len] = '\0';
		}
		if (word_len > 1 && lower[word_len - 1] == '$')
			lower[word_len - 1] = '\0';

		/* calls: a bare name, or one qualified by a module of the project */
		if (i == 0 || !sign_is (l, i - 1, '.') || (i >= 2 && is_module_name (ctx, l, i - 2)))
			if (!g_hash_table_contains (proc->words, lower))
				g_hash_table_add (proc->words, g_string_chunk_insert (ctx->words, lower));
		note_dynamic_calls (ctx, l, i, proc);

		const mh_keyword_rule *obfuscation = g_hash_table_lookup (ctx->tables->obfuscation_by_word, lower);
		if (obfuscation) {
			obfuscation_calls++;
			if (!obfuscation_words)
				obfuscation_words = g_hash_table_new (g_direct_hash, g_direct_equal);
			guint count = GPOINTER_TO_UINT (g_hash_table_lookup (obfuscation_words, obfuscation));
			g_hash_table_insert (obfuscation_words, (gpointer) obfuscation, GUINT_TO_POINTER (count + 1));
		}

		GPtrArray *rules = g_hash_table_lookup (ctx->tables->code_by_word, lower);
		for (guint r = 0; rules && r < rules->len; r++) {
			const mh_keyword_rule *rule = g_ptr_array_index (rules, r);
			if (ctx->matched[rule->index] == ctx->stamp || ctx->failed[rule->index] == ctx->stamp)
				continue;
			/* Application.Run runs a macro of the project: a call, not a program */
			if (rule->method && i >= 2 && word_is (l, i, "run") && word_is (l, i - 2, "application"))
				continue;
			if (!rule_matches_at (ctx, l, i, rule))
				continue;
			ctx->matched[rule->index] = ctx->stamp;
			if (strcmp (rule->lower, "createobject") == 0 || strcmp (rule->lower, "getobject") == 0)
				create_object_hit (ctx, l, i, rule);
			else
				add_rule_hit (ctx, rule, NULL, NULL);
		}
	}

	if (obfuscation_calls >= OBFUSCATION_PER_LINE) {
		GString *evidence = g_string_new (NULL);
		mh_severity severity = MH_SEVERITY_INFO;
		/* in table order, so the evidence reads the same every time */
		for (guint r = 0; r < ctx->tables->suspicious->len; r++) {
			const mh_keyword_rule *rule = g_ptr_array_index (ctx->tables->suspicious, r);
			guint count = GPOINTER_TO_UINT (g_hash_table_lookup (obfuscation_words, rule));
			if (count == 0)
				continue;
			g_string_append_printf (evidence, "%s%s %u times", evidence->len ? ", " : "", rule->keyword, count);
			severity = MAX (severity, rule->severity);
		}
		add_hit (ctx, "vba.obfuscation", severity, FALSE, FALSE, evidence->str, NULL,
		         g_strdup_printf ("calls %u string functions on one line, the mark of a string "
		                          "hidden by obfuscation", obfuscation_calls));
		g_string_free (evidence, TRUE);
	}
	if (obfuscation_words)
		g_hash_table_unref (obfuscation_words);
	if (concatenations >= CONCATENATION_PER_LINE) {
		g_autofree char *evidence = g_strdup_printf ("%u pieces joined with &", concatenations + 1);
		add_hit (ctx, "vba.obfuscation", MH_SEVERITY_MEDIUM, FALSE, FALSE, evidence, NULL,
		         g_strdup ("assembles a string from many pieces on one line, which hides what it says"));
	}
	scan_string_expressions (ctx, l);
}

static gboolean
is_modifier (const logical_line *l, guint i)
{
	return word_is (l, i, "public") || word_is (l, i, "private") || word_is (l, i, "friend") ||
	       word_is (l, i, "static") || word_is (l, i, "global");
}

static void
vba_line (gpointer user, logical_line *l)
{
	rules_ctx *ctx = user;
	guint n = l->tokens->len;
	if (n == 0)
		return;
	ctx->line = l->line;

	/* metadata the VBA editor hides, and compiler options: not code */
	if (word_is (l, 0, "attribute") || word_is (l, 0, "option"))
		return;
	ctx->has_code = TRUE;

	if (word_is (l, 0, "end") && (word_is (l, 1, "sub") || word_is (l, 1, "function") ||
	                              word_is (l, 1, "property"))) {
		ctx->current = ctx->module_proc;
		return;
	}

	guint i = 0;
	while (i < n && is_modifier (l, i))
		i++;
	if (word_is (l, i, "declare")) {
		/* Declare [PtrSafe] Sub|Function Name Lib "dll" [Alias "name"] */
		i++;
		if (word_is (l, i, "ptrsafe"))
			i++;
		if ((word_is (l, i, "sub") || word_is (l, i, "function")) && i + 1 < n &&
		    token_at (l, i + 1)->kind == TOKEN_WORD) {
			guint saved = ctx->current;
			ctx->current = add_procedure (ctx, token_text (l, i + 1), PROC_DECLARE);
			scan_code (ctx, l, FALSE);
			ctx->current = saved;
			return;
		}
	} else if ((word_is (l, i, "sub") || word_is (l, i, "function") || word_is (l, i, "property"))) {
		proc_kind kind = word_is (l, i, "sub") ? PROC_SUB : word_is (l, i, "function") ? PROC_FUNCTION
		                                                                               : PROC_PROPERTY;
		i++;
		if (kind == PROC_PROPERTY && (word_is (l, i, "get") || word_is (l, i, "let") || word_is (l, i, "set")))
			i++;
		if (i < n && token_at (l, i)->kind == TOKEN_WORD) {
			ctx->current = add_procedure (ctx, token_text (l, i), kind);
			/* the header names the procedure and its parameters: not a use
			 * of keywords (a Sub named Shell runs nothing) */
			scan_code (ctx, l, TRUE);
			/* a one-line procedure: Sub X(): ...: End Sub */
			if (n >= 2 && word_is (l, n - 2, "end") &&
			    (word_is (l, n - 1, "sub") || word_is (l, n - 1, "function") || word_is (l, n - 1, "property"))) {
				ctx->current = ctx->module_proc;
			}
			return;
		}
	}
	scan_code (ctx, l, FALSE);
}

/* -- auto-exec, the call graph, the verdict ---------------------------------- */

static const mh_autoexec_rule *
autoexec_rule_for (const rules_ctx *ctx, const procedure *proc)
{
	if (proc->kind == PROC_MODULE_LEVEL || proc->kind == PROC_DECLARE)
		return NULL;
	g_autofree char *lower = g_ascii_strdown (proc->name, -1);
	const mh_autoexec_rule *rule = g_hash_table_lookup (ctx->tables->autoexec_by_name, lower);
	if (rule)
		return rule;
	/* Word also runs Sub Main of a module named AutoOpen, AutoClose, ... */
	if (strcmp (lower, "main") == 0) {
		const mh_vba_module *module = g_ptr_array_index (ctx->project->modules, proc->module);
		g_autofree char *module_lower = g_ascii_strdown (module->name ? module->name : "", -1);
		rule = g_hash_table_lookup (ctx->tables->autoexec_by_name, module_lower);
		if (rule && strcmp (rule->application, "word") == 0 && g_str_has_prefix (module_lower, "auto"))
			return rule;
	}
	gsize len = strlen (lower);
	for (guint i = 0; i < ctx->tables->autoexec->len; i++) {
		const mh_autoexec_rule *r = g_ptr_array_index (ctx->tables->autoexec, i);
		gsize slen = strlen (r->name);
		if (r->suffix && len > slen && g_ascii_strcasecmp (lower + len - slen, r->name) == 0)
			return r;
	}
	return NULL;
}

static const char *
proc_kind_word (proc_kind kind)
{
	switch (kind) {
	case PROC_SUB: return "Sub";
	case PROC_FUNCTION: return "Function";
	case PROC_PROPERTY: return "Property";
	case PROC_DECLARE: return "DLL function";
	case PROC_MODULE_LEVEL: break;
	}
	return "declarations";
}

static gboolean
project_has_form (const mh_vba_project *project)
{
	for (guint i = 0; i < project->modules->len; i++) {
		const mh_vba_module *m = g_ptr_array_index (project->modules, i);
		if (m->kind && strcmp (m->kind, "form") == 0)
			return TRUE;
	}
	return FALSE;
}

/* Marks what each auto-exec procedure reaches, through calls by name
 * (including names in strings, as Application.Run "X" and OnTime use
 * them).  A procedure that calls a computed name reaches everything. */
static gboolean
walk_calls (rules_ctx *ctx)
{
	guint n = ctx->procs->len;
	GHashTable *by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
	                                             (GDestroyNotify) g_array_unref);
	gboolean any_entry = FALSE;

	for (guint i = 0; i < n; i++) {
		procedure *proc = g_ptr_array_index (ctx->procs, i);
		if (proc->kind == PROC_MODULE_LEVEL)
			continue;
		char *lower = g_ascii_strdown (proc->name, -1);
		GArray *same = g_hash_table_lookup (by_name, lower);
		if (!same) {
			same = g_array_new (FALSE, FALSE, sizeof (guint));
			g_hash_table_insert (by_name, lower, same);
		} else {
			g_free (lower);
		}
		g_array_append_val (same, i);
	}

	GArray *queue = g_array_new (FALSE, FALSE, sizeof (guint));
	for (guint i = 0; i < n; i++) {
		procedure *proc = g_ptr_array_index (ctx->procs, i);
		if (proc->fires) {
			proc->reached_from = (int) i;
			g_array_append_val (queue, i);
			any_entry = TRUE;
		}
	}
	gboolean all_reached = FALSE;
	for (guint q = 0; q < queue->len; q++) {
		guint from = g_array_index (queue, guint, q);
		procedure *proc = g_ptr_array_index (ctx->procs, from);
		if (proc->dynamic_call) {
			/* once is enough: everything is reached */
			if (all_reached)
				continue;
			all_reached = TRUE;
			for (guint k = 0; k < n; k++) {
				procedure *other = g_ptr_array_index (ctx->procs, k);
				if (other->reached_from < 0) {
					other->reached_from = proc->reached_from;
					g_array_append_val (queue, k);
				}
			}
			continue;
		}
		GHashTableIter it;
		gpointer word;
		g_hash_table_iter_init (&it, proc->words);
		while (g_hash_table_iter_next (&it, &word, NULL)) {
			GArray *targets = g_hash_table_lookup (by_name, word);
			for (guint k = 0; targets && k < targets->len; k++) {
				guint target = g_array_index (targets, guint, k);
				procedure *other = g_ptr_array_index (ctx->procs, target);
				if (other->reached_from < 0) {
					other->reached_from = proc->reached_from;
					g_array_append_val (queue, target);
				}
			}
		}
	}
	/* module-level declarations (constants, variables) serve every
	 * procedure: they count as reached when anything runs by itself */
	for (guint i = 0; i < n && any_entry; i++) {
		procedure *proc = g_ptr_array_index (ctx->procs, i);
		if (proc->kind == PROC_MODULE_LEVEL && proc->reached_from < 0)
			proc->reached_from = (int) g_array_index (queue, guint, 0);
	}
	g_array_free (queue, TRUE);
	g_hash_table_unref (by_name);
	return any_entry;
}

static char *
where_in_code (const rules_ctx *ctx, const procedure *proc)
{
	const mh_vba_module *module = g_ptr_array_index (ctx->project->modules, proc->module);
	const char *module_name = module->name ? module->name : "?";
	if (proc->kind == PROC_MODULE_LEVEL) {
		if (proc->reached_from >= 0)
			return g_strdup_printf ("in the declarations of module %s, which the procedures that "
			                        "run by themselves can use", module_name);
		return g_strdup_printf ("in the declarations of module %s, while no auto-exec procedure "
		                        "runs", module_name);
	}
	const char *kind = proc_kind_word (proc->kind);
	if (proc->fires)
		return g_strdup_printf ("in %s %s, which runs by itself", kind, proc->name);
	if (proc->reached_from >= 0) {
		const procedure *entry = g_ptr_array_index (ctx->procs, (guint) proc->reached_from);
		return g_strdup_printf ("in %s %s, which the auto-exec procedure %s reaches", kind,
		                        proc->name, entry->name);
	}
	return g_strdup_printf ("in %s %s, which no auto-exec procedure calls", kind, proc->name);
}

static void
rules_ctx_init (rules_ctx *ctx, mh_document *doc, const mh_office_options *options)
{
	memset (ctx, 0, sizeof *ctx);
	ctx->doc = doc;
	ctx->options = options;
	ctx->tables = _mh_rule_tables ();
	ctx->procs = g_ptr_array_new_with_free_func (procedure_free);
	ctx->hits = g_ptr_array_new_with_free_func (hit_free);
	ctx->hit_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	ctx->max_hits = MAX (64u, options->limits.max_findings * 4u);
	ctx->module_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	ctx->matched = g_new0 (guint, ctx->tables->suspicious->len + 1);
	ctx->failed = g_new0 (guint, ctx->tables->suspicious->len + 1);
	ctx->words = g_string_chunk_new (4096);
	ctx->built = g_string_new (NULL);
}

static void
rules_ctx_clear (rules_ctx *ctx)
{
	g_ptr_array_unref (ctx->procs);
	g_ptr_array_unref (ctx->hits);
	g_hash_table_unref (ctx->hit_keys);
	g_hash_table_unref (ctx->module_names);
	g_free (ctx->matched);
	g_free (ctx->failed);
	g_string_chunk_free (ctx->words);
	g_string_free (ctx->built, TRUE);
}

static gboolean
has_finding_at (const mh_document *doc, const char *id, const char *location)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (strcmp (f->id, id) == 0 && g_strcmp0 (f->location, location) == 0)
			return TRUE;
	}
	return FALSE;
}

static mh_verdict
apply_to_project (mh_document *doc, const mh_vba_project *project, const mh_office_options *options)
{
	rules_ctx ctx;
	rules_ctx_init (&ctx, doc, options);
	ctx.project = project;
	gboolean controls = doc->has_controls || project_has_form (project);

	for (guint m = 0; m < project->modules->len; m++) {
		const mh_vba_module *module = g_ptr_array_index (project->modules, m);
		if (module->name)
			g_hash_table_add (ctx.module_names, g_ascii_strdown (module->name, -1));
	}
	for (guint m = 0; m < project->modules->len; m++) {
		const mh_vba_module *module = g_ptr_array_index (project->modules, m);
		ctx.module = m;
		ctx.module_name = module->name ? module->name : "?";
		ctx.line = 1;
		ctx.module_proc = add_procedure (&ctx, ctx.module_name, PROC_MODULE_LEVEL);
		ctx.current = ctx.module_proc;
		if (!module->source)
			continue;
		gsize len = module->source_len;
		/* the reader promises NUL-terminated UTF-8; trust neither the length nor the terminator */
		const char *nul = memchr (module->source, '\0', len);
		if (nul)
			len = nul - module->source;
		lex (module->source, len, FALSE, vba_line, &ctx, doc, ctx.module_name);
	}

	for (guint i = 0; i < ctx.procs->len; i++) {
		procedure *proc = g_ptr_array_index (ctx.procs, i);
		proc->autoexec = autoexec_rule_for (&ctx, proc);
		proc->fires = proc->autoexec && (strcmp (proc->autoexec->trigger, "control") != 0 || controls);
	}
	gboolean any_entry = walk_calls (&ctx);

	/* the auto-exec procedures */
	for (guint i = 0; i < ctx.procs->len; i++) {
		const procedure *proc = g_ptr_array_index (ctx.procs, i);
		if (!proc->autoexec)
			continue;
		const mh_vba_module *module = g_ptr_array_index (project->modules, proc->module);
		g_autofree char *location = g_strdup_printf ("%s:%u", module->name ? module->name : "?", proc->line);
		if (proc->fires)
			_mh_document_add_finding (doc, options, "vba.autoexec", MH_SEVERITY_MEDIUM, location, proc->name,
			                          "%s %s %s", proc_kind_word (proc->kind), proc->name, proc->autoexec->when);
		else
			_mh_document_add_finding (doc, options, "vba.autoexec", MH_SEVERITY_INFO, location, proc->name,
			                          "%s %s is an event handler that %s, but the document has no "
			                          "ActiveX control or form to raise the event, so it cannot run by itself",
			                          proc_kind_word (proc->kind), proc->name, proc->autoexec->when);
	}

	gboolean dangerous = FALSE, dangerous_reached = FALSE;
	for (guint i = 0; i < ctx.hits->len; i++) {
		const hit *h = g_ptr_array_index (ctx.hits, i);
		const procedure *proc = g_ptr_array_index (ctx.procs, h->proc);
		g_autofree char *where = where_in_code (&ctx, proc);
		if (h->counts) {
			dangerous = TRUE;
			dangerous_reached = dangerous_reached || proc->reached_from >= 0;
		}
		_mh_document_add_decoded_finding (doc, options, h->id, h->severity, h->location, h->evidence,
		                                  h->decoding, "%s, %s", h->what, where);
	}

	gboolean has_code = ctx.has_code;
	if (project->modules->len > 0) {
		GString *names = g_string_new (NULL);
		for (guint m = 0; m < project->modules->len; m++) {
			const mh_vba_module *module = g_ptr_array_index (project->modules, m);
			g_string_append_printf (names, "%s%s", m ? ", " : "", module->name ? module->name : "?");
		}
		_mh_document_add_finding (doc, options, "vba.macros", MH_SEVERITY_LOW, project->location, names->str,
		                          "%u module%s: %s", project->modules->len,
		                          project->modules->len == 1 ? "" : "s", names->str);
		g_string_free (names, TRUE);
	}
	if (project->stomped && !has_finding_at (doc, "vba.stomping", project->location))
		_mh_document_add_finding (doc, options, "vba.stomping", MH_SEVERITY_MEDIUM, project->location,
		                          project->stomping_evidence,
		                          "the compiled macros do not match their source (VBA stomping): "
		                          "Office may run code that is not shown");
	rules_ctx_clear (&ctx);

	if (dangerous_reached)
		return MH_VERDICT_MALICIOUS;
	if (any_entry || dangerous)
		return MH_VERDICT_SUSPICIOUS;
	return has_code ? MH_VERDICT_MACROS : MH_VERDICT_CLEAN;
}

void
_mh_vba_rules_apply (mh_document *doc, const mh_office_options *options)
{
	g_return_if_fail (doc != NULL && options != NULL);
	for (guint i = 0; i < doc->vba_projects->len; i++) {
		const mh_vba_project *project = g_ptr_array_index (doc->vba_projects, i);
		mh_verdict verdict = apply_to_project (doc, project, options);
		doc->vba_verdict = MAX (doc->vba_verdict, verdict);
	}
}

/* -- Excel 4.0 macros --------------------------------------------------------- */

static void
xlm_line (gpointer user, logical_line *l)
{
	rules_ctx *ctx = user;
	guint n = l->tokens->len;
	ctx->line = l->line;

	for (guint i = 0; i < n; i++) {
		const token *t = token_at (l, i);
		if (t->kind == TOKEN_STRING) {
			scan_text (ctx, token_text (l, i), t->len, NULL, 0);
			continue;
		}
		if (t->kind != TOKEN_WORD || (i > 0 && sign_is (l, i - 1, '.')))
			continue;
		/* a function name may hold dots: GET.WORKSPACE, FORMULA.FILL */
		GString *name = g_string_new (token_text (l, i));
		guint k = i + 1;
		while (k + 1 < n && sign_is (l, k, '.') && token_at (l, k + 1)->kind == TOKEN_WORD) {
			g_string_append_printf (name, ".%s", token_text (l, k + 1));
			k += 2;
		}
		if (sign_is (l, k, '(')) {
			g_autofree char *lower = g_ascii_strdown (name->str, -1);
			const char *bare = g_str_has_prefix (lower, "_xlfn.") ? lower + 6 : lower;
			const mh_keyword_rule *rule = g_hash_table_lookup (ctx->tables->xlm_by_function, bare);
			if (rule)
				add_rule_hit (ctx, rule, NULL, NULL);
		}
		g_string_free (name, TRUE);
	}
	scan_string_expressions (ctx, l);
}

void
_mh_xlm_rules_apply (mh_document *doc, const char *formulas, gsize len, const char *location,
                     const mh_office_options *options)
{
	g_return_if_fail (doc != NULL && options != NULL);
	if (!formulas || len == 0)
		return;
	rules_ctx ctx;
	rules_ctx_init (&ctx, doc, options);
	ctx.xlm = TRUE;
	ctx.xlm_location = location ? location : "macro sheet";
	ctx.module_name = ctx.xlm_location;
	ctx.current = add_procedure (&ctx, ctx.xlm_location, PROC_MODULE_LEVEL);
	const char *nul = memchr (formulas, '\0', len);
	if (nul)
		len = nul - formulas;
	lex (formulas, len, TRUE, xlm_line, &ctx, doc, ctx.xlm_location);
	for (guint i = 0; i < ctx.hits->len; i++) {
		const hit *h = g_ptr_array_index (ctx.hits, i);
		_mh_document_add_decoded_finding (doc, options, h->id, h->severity, h->location, h->evidence,
		                                  h->decoding, "%s", h->what);
	}
	rules_ctx_clear (&ctx);
}
