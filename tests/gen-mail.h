/* Writing mail by hand for the sample generators (gen-samples, gen-threads):
 * Japanese encodings as mailers really write them, RFC 2047 words, and
 * transfer encodings.  Kept once: the generators' output depends on it
 * byte for byte. */
#ifndef MAILHUNT_GEN_MAIL_H
#define MAILHUNT_GEN_MAIL_H

#include <glib.h>

typedef enum {
	CS_ASCII,
	CS_JIS,     /* ISO-2022-JP, with the CP932 row 13 extensions */
	CS_SJIS,    /* Shift_JIS as Windows writes it (CP932), labelled shift_jis */
	CS_UTF8,
} charset;

typedef enum {
	CTE_7BIT,
	CTE_8BIT,
	CTE_QP,
	CTE_BASE64,
} transfer_encoding;

char *convert_or_die (const char *utf8, const char *to);
char *to_iso2022jp (const char *utf8);
char *encode_text (const char *utf8, charset cs);
const char *charset_name (charset cs);
gboolean is_ascii (const char *s);
char *encode_words (const char *text, charset cs, gboolean fold);
char *mailbox (const char *name, const char *addr, charset cs);
void append_base64 (GString *out, const guint8 *data, gsize len);
void append_qp (GString *out, const char *text);
const char *cte_name (transfer_encoding cte);
void append_encoded_body (GString *out, const char *bytes, transfer_encoding cte);
void write_file (const char *outdir, const char *rel, const char *data, gsize len);

#endif
