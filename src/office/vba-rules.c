/* PLACEHOLDER — replaced by the VBA rules (being written). */
#include "config.h"
#include "office-private.h"

void
_mh_vba_rules_apply (mh_document *doc, const mh_office_options *options)
{
	(void) doc; (void) options;
}

void
_mh_xlm_rules_apply (mh_document *doc, const char *text, gsize len, const char *location,
                      const mh_office_options *options)
{
	(void) doc; (void) text; (void) len; (void) location; (void) options;
}
