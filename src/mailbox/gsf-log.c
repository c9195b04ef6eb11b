/* Where libgsf's complaints about a damaged file go (include/mailhunt/gsf-log.h). */
#include "config.h"

#include "mailhunt/gsf-log.h"

static _Thread_local mh_gsf_log_scope *current;

static void
gsf_log (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
	(void) user_data;
	if (!current) {
		g_log_default_handler (domain, level, message, NULL);
		return;
	}
	if (current->sink)
		current->sink (current->data, message);
}

void
mh_gsf_log_begin (mh_gsf_log_scope *scope, void (*sink) (gpointer data, const char *message), gpointer data)
{
	static gsize once;
	if (g_once_init_enter (&once)) {
		/* libgsf's OLE2 and ZIP readers log under their own domains; some
		 * of its files log under none ("Unable to get child ...") */
		static const char *const domains[] = { "libgsf:msole", "libgsf:zip", "libgsf", NULL };
		for (int i = 0; domains[i]; i++)
			g_log_set_handler (domains[i], G_LOG_LEVEL_MASK, gsf_log, NULL);
		g_log_set_handler (NULL, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_MESSAGE,
		                   gsf_log, NULL);
		g_once_init_leave (&once, 1);
	}
	scope->sink = sink;
	scope->data = data;
	scope->outer = current;
	current = scope;
}

void
mh_gsf_log_end (mh_gsf_log_scope *scope)
{
	/* scopes end in the reverse order of their beginning */
	if (current == scope)
		current = scope->outer;
}
