/* libFuzzer harness: quote extraction on the bytes as a body (made valid
 * UTF-8, as message bodies are), on the bytes as HTML turned into text,
 * and subject normalisation.  Every level must be within the caps and
 * every string valid UTF-8. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "mailhunt/link.h"
#include "mailhunt/text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_quotes (const char *body, gsize len)
{
	GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *quotes = mh_quotes_extract (body, len, problems);
	if (quotes->len > MH_QUOTE_MAX_LEVELS || problems->len > 3)
		__builtin_trap ();
	for (guint i = 0; i < quotes->len; i++) {
		const mh_quote *q = g_ptr_array_index (quotes, i);
		if (!q->style || !q->text || q->level < 1 || q->level > MH_QUOTE_MAX_LEVELS
		    || q->offset >= len || strlen (q->text) > MH_QUOTE_MAX_TEXT
		    || !g_utf8_validate (q->text, -1, NULL))
			__builtin_trap ();
		const char *fields[] = { q->from, q->date, q->to, q->cc, q->subject };
		for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
			if (fields[f] && !g_utf8_validate (fields[f], -1, NULL))
				__builtin_trap ();
	}
	g_ptr_array_unref (quotes);
	g_ptr_array_unref (problems);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	char *body = g_utf8_make_valid ((const char *) data, (gssize) size);
	check_quotes (body, strlen (body));

	char *subject = mh_subject_normalise (body);
	if (!g_utf8_validate (subject, -1, NULL))
		__builtin_trap ();
	g_free (subject);

	char *text = mh_text_from_html (body, strlen (body), 64 * 1024, NULL);
	check_quotes (text, strlen (text));
	g_free (text);
	g_free (body);
	return 0;
}
