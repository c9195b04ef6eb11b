/* libFuzzer harness: the bytes as the source of one VBA module (with and
 * without controls, so every auto-exec path is taken) and as the formulas
 * of an Excel 4.0 macro sheet.  Small caps make the limits reachable. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "office/office-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_document (const mh_document *doc)
{
	for (guint i = 0; i < doc->findings->len; i++) {
		const mh_finding *f = g_ptr_array_index (doc->findings, i);
		if (!f->id || !f->summary || !g_utf8_validate (f->summary, -1, NULL) ||
		    (f->evidence && !g_utf8_validate (f->evidence, -1, NULL)))
			__builtin_trap ();
	}
	for (guint i = 0; i < doc->iocs->len; i++) {
		const mh_ioc *ioc = g_ptr_array_index (doc->iocs, i);
		if (!g_utf8_validate (ioc->value, -1, NULL))
			__builtin_trap ();
	}
	if (doc->vba_verdict > MH_VERDICT_MALICIOUS)
		__builtin_trap ();
}

static void
module_free (gpointer p)
{
	mh_vba_module *m = p;
	g_free (m->name);
	g_free (m->stream);
	g_free (m->source);
	g_free (m);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	mh_office_options options;
	mh_office_options_init_default (&options);
	options.limits.max_findings = 50;
	options.limits.max_decode_rounds = 3;

	for (int controls = 0; controls < 2; controls++) {
		mh_document *doc = _mh_document_new ("fuzz.docm", data, size, 0);
		doc->has_controls = controls;
		mh_vba_project *p = g_new0 (mh_vba_project, 1);
		p->location = g_strdup ("Macros");
		p->modules = g_ptr_array_new_with_free_func (module_free);
		p->problems = g_ptr_array_new_with_free_func (g_free);
		mh_vba_module *m = g_new0 (mh_vba_module, 1);
		m->name = g_strdup ("Module1");
		m->stream = g_strdup ("Module1");
		m->kind = "standard";
		/* the reader's promise: NUL-terminated */
		m->source = g_malloc (size + 1);
		memcpy (m->source, data, size);
		m->source[size] = '\0';
		m->source_len = size;
		g_ptr_array_add (p->modules, m);
		g_ptr_array_add (doc->vba_projects, p);
		_mh_vba_rules_apply (doc, &options);
		check_document (doc);
		mh_document_free (doc);
	}

	mh_document *doc = _mh_document_new ("fuzz.xlsm", data, size, 0);
	_mh_xlm_rules_apply (doc, (const char *) data, size, "Macro1!A1", &options);
	check_document (doc);
	mh_document_free (doc);
	return 0;
}
