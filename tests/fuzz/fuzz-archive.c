/* libFuzzer harness: the Office analyser from its entry point, with small
 * limits so that the caps (depth, members, sizes) are reached quickly.
 * Aimed at ZIP archives (also encrypted), RTF objects and MHT/ActiveMime
 * (src/office/archive.c), it reaches the other readers through the
 * members and objects it finds. */
#include "config.h"

#include <stdint.h>

#include <gmime/gmime.h>

#include "mailhunt/office.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_document (const mh_document *doc)
{
	if (!g_utf8_validate (doc->name ? doc->name : "", -1, NULL))
		__builtin_trap ();
	for (guint i = 0; i < doc->problems->len; i++)
		if (!g_utf8_validate (g_ptr_array_index (doc->problems, i), -1, NULL))
			__builtin_trap ();
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (!f->summary || !g_utf8_validate (f->summary, -1, NULL))
			__builtin_trap ();
	}
	for (guint i = 0; i < doc->iocs->len; i++) {
		const mh_ioc *ioc = g_ptr_array_index (doc->iocs, i);
		if (!g_utf8_validate (ioc->value, -1, NULL))
			__builtin_trap ();
	}
	for (guint i = 0; i < doc->children->len; i++)
		check_document (g_ptr_array_index (doc->children, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static gboolean initialised;
	if (!initialised) {
		g_mime_init ();
		initialised = TRUE;
	}
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_document_size = 4u << 20;
	options.limits.max_stream_size = 1u << 20;
	options.limits.max_module_source = 256u << 10;
	options.limits.max_modules = 50;
	options.limits.max_entries = 200;
	options.limits.max_depth = 3;
	options.limits.max_findings = 100;

	/* the first line doubles as a mail body: passwords for encrypted members */
	gsize line = 0;
	while (line < size && line < 256 && data[line] != '\n')
		line++;
	g_autofree char *body = g_strndup ((const char *) data, line);
	g_autoptr (GPtrArray) passwords = mh_passwords_from_text (body);
	g_ptr_array_add (passwords, g_strdup ("infected"));
	options.passwords = passwords;
	options.passwords_source = "mail-body";

	(void) mh_office_is_document (data, size);
	mh_document *doc = mh_document_analyse (data, size, "fuzz", &options);
	check_document (doc);
	(void) mh_document_overall_verdict (doc);
	mh_document_free (doc);
	return 0;
}
