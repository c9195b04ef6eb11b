/* libgsf reports what it finds wrong in a damaged OLE2 or ZIP file through
 * GLib's log, i.e. on standard error, where it names no file.  While a
 * reader has a scope open, those messages go to the reader instead (which
 * makes them problems of the file being read).  Scopes nest and are per
 * thread. */
#ifndef MAILHUNT_GSF_LOG_H
#define MAILHUNT_GSF_LOG_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct _mh_gsf_log_scope mh_gsf_log_scope;
struct _mh_gsf_log_scope {
	void (*sink) (gpointer data, const char *message);  /* NULL: dropped */
	gpointer          data;
	mh_gsf_log_scope *outer;   /* private */
};

void mh_gsf_log_begin (mh_gsf_log_scope *scope, void (*sink) (gpointer data, const char *message),
                       gpointer data);
void mh_gsf_log_end   (mh_gsf_log_scope *scope);

G_END_DECLS

#endif
