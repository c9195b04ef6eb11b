/* The keyword tables of src/data/ (autoexec.tsv, suspicious.tsv, xlm.tsv)
 * as vba-rules.c uses them.  The files are compiled into the binary as text
 * (tests/office-rules.mk generates src/data/rule-tables.c in the build
 * directory) and read once, so an analyst can read and extend the tables
 * without reading C.  docs/vba-rules.md documents every column. */
#ifndef MAILHUNT_VBA_TABLES_H
#define MAILHUNT_VBA_TABLES_H

#include <glib.h>

#include "mailhunt/message.h"

G_BEGIN_DECLS

/* The TSV files as they are, NUL-terminated (generated). */
extern const char _mh_autoexec_tsv[];
extern const char _mh_suspicious_tsv[];
extern const char _mh_xlm_tsv[];

/* Where a keyword counts: in code (for XLM: as a called function), inside
 * string literals and decoded strings, or both. */
enum {
	MH_KEYWORD_IN_CODE = 1 << 0,
	MH_KEYWORD_IN_STRING = 1 << 1,
};

/* The bytes a string holds, as a set. */
typedef struct {
	guint64 bits[4];
} mh_byte_set;

typedef struct {
	guint        index;        /* row number within its table, from 0 */
	char        *keyword;      /* as written in the table */
	const char  *capability;   /* "execute", "download", ...; static */
	const char  *finding_id;   /* "vba.execute", "xlm.download", ...; static */
	guint        where;        /* MH_KEYWORD_IN_* */
	mh_severity  severity;
	char        *description;
	char        *lower;        /* keyword in lower case, for strings */
	char       **pattern;      /* code: lower-case words and signs, "..." = anything */
	gboolean     method;       /* keyword starts with ".": a method of an object */
	gboolean     single_word;  /* one identifier: can be told apart inside a string */
	mh_byte_set  bytes;        /* the bytes of lower: a string lacking one cannot hold it */
} mh_keyword_rule;

typedef struct {
	guint       index;
	char       *name;          /* "Document_Open", or the suffix "_Click" of "*_Click" */
	gboolean    suffix;
	const char *trigger;       /* "open", "user" or "control"; static */
	char       *application;
	char       *when;          /* "runs when the document is opened" */
} mh_autoexec_rule;

typedef struct {
	GPtrArray  *autoexec;      /* of mh_autoexec_rule*, in table order */
	GPtrArray  *suspicious;    /* of mh_keyword_rule* */
	GPtrArray  *xlm;           /* of mh_keyword_rule* */
	guint       bad_rows;      /* rows that could not be read (the tests want 0) */
	GHashTable *autoexec_by_name;   /* lower-case name -> rule (not suffixes) */
	GHashTable *code_by_word;       /* lower-case first word -> GPtrArray of rules */
	GHashTable *obfuscation_by_word;/* lower-case word -> rule */
	GHashTable *xlm_by_function;    /* lower-case function name -> rule */
	/* the rules each string is checked against, in table order: looking
	 * them up by a flag per string and per rule cost more than the search */
	GPtrArray  *suspicious_in_string;  /* suspicious rules that count in strings */
	GPtrArray  *xlm_in_string;         /* the same of the XLM table */
	GPtrArray  *statement_words;       /* code-only single words, obfuscation aside */
} mh_rule_tables;

/* Read once, kept for the life of the process. */
const mh_rule_tables *_mh_rule_tables (void);

G_END_DECLS

#endif
