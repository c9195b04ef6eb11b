/* PLACEHOLDER — replaced by the VBA project reader (being written). */
#include "config.h"
#include "office-private.h"

mh_vba_project *
_mh_vba_project_read (GsfInfile *storage, const char *location, const mh_office_limits *limits)
{
	(void) storage; (void) limits;
	mh_vba_project *p = g_new0 (mh_vba_project, 1);
	p->location = g_strdup (location);
	p->modules = g_ptr_array_new ();
	p->problems = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (p->problems, g_strdup ("VBA projects are not read yet"));
	return p;
}

void
_mh_vba_project_free (mh_vba_project *project)
{
	if (!project)
		return;
	g_free (project->location);
	g_ptr_array_unref (project->modules);
	g_ptr_array_unref (project->problems);
	g_free (project);
}
