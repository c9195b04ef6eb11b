/* gen-office.h — what tests/gen-office.c shares with tests/gen-lures.c:
 * the VBA project description, the Word writers (with an optional
 * picture) and the file writers.  Both files are one program, gen-office;
 * this header is not part of mailhunt. */
#ifndef MAILHUNT_GEN_OFFICE_H
#define MAILHUNT_GEN_OFFICE_H

#include <glib.h>

typedef enum {
	HOST_WORD,
	HOST_EXCEL,
} vba_host;

typedef enum {
	MODULE_STANDARD,  /* MODULETYPE 0x0021: procedural module */
	MODULE_DOCUMENT,  /* MODULETYPE 0x0022: ThisDocument, ThisWorkbook */
} module_kind;

typedef struct {
	const char *name;   /* module name = stream name; ASCII */
	module_kind kind;
	const char *code;   /* UTF-8, LF line ends; what follows the Attribute lines */
} vba_module_spec;

#define MAX_MODULES 3

typedef struct {
	const char     *id;        /* PROJECT "ID=": a GUID in braces */
	vba_host        host;
	guint           codepage;  /* PROJECTCODEPAGE: source and names are in it */
	guint8          seeds[3];  /* of the CMG, DPB and GC encryptions (fixed for determinism) */
	vba_module_spec modules[MAX_MODULES];
} vba_project_spec;

/* The harmless projects of samples-benign/office: a Word AutoOpen (in a
 * standard module) and a Document_Open (in ThisDocument) that only show a
 * message box, and a Sub that shows one when started by hand (no
 * auto-exec). */
extern const vba_project_spec project_autoopen;
extern const vba_project_spec project_document_open;
extern const vba_project_spec project_macros_only;

/* A PNG picture placed inline in a Word document. */
typedef struct {
	GBytes *png;
	guint   width, height;   /* pixels */
} word_picture;

/* A Word 97 .doc: @text (UTF-8, one paragraph per line) as one piece,
 * 8-bit when CP1252 can hold it and UTF-16 otherwise; with @picture, the
 * text's one U+0001 character is that picture (PICFAndOfficeArtData in the
 * Data stream, found through the character's CHPX); @p: a Macros storage. */
GBytes *word_doc_build (const char *text, const word_picture *picture, const vba_project_spec *p);

/* A .docx (no @p) or .docm: @text's lines as paragraphs (NULL: none), then
 * @picture (or NULL) inline as word/media/image1.png. */
GBytes *word_package_build (const char *title, const char *text, const word_picture *picture,
                            const vba_project_spec *p);

void gen_write_file (const char *outdir, const char *rel, const void *data, gsize len);
void gen_write_bytes (const char *outdir, const char *rel, GBytes *bytes);

/* gen-lures.c: writes samples-benign/lures into @outdir. */
void lures_generate (const char *outdir);

#endif
