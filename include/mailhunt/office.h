/* mailhunt — the Office analyser: what a Word/Excel/PowerPoint document
 * would run when opened and what it would do.  Documents are opened as
 * containers and read; nothing in them is ever executed or fetched.
 *
 * A document comes in as bytes (an attachment, an archive member, a file
 * given to `mailhunt doc`) and leaves as an mh_document: its VBA projects
 * with their modules, findings (the same mh_finding as messages carry),
 * indicators (URLs, IPs, file names), metadata, a verdict, and the
 * documents found inside it (archive members, embedded objects). */
#ifndef MAILHUNT_OFFICE_H
#define MAILHUNT_OFFICE_H

#include <glib.h>
#include <gsf/gsf.h>

#include "mailhunt/message.h"

G_BEGIN_DECLS

/* In mraptor's spirit (docs/detection.md): malicious = an auto-exec event
 * together with execute, download or file-writing code; suspicious = an
 * auto-exec event alone, or such code without one, or another way to run
 * or fetch something when the document opens (remote template, DDE, XLM
 * Auto_Open); macros = macros present, nothing suspicious seen; clean. */
typedef enum {
	MH_VERDICT_CLEAN = 0,
	MH_VERDICT_MACROS,
	MH_VERDICT_SUSPICIOUS,
	MH_VERDICT_MALICIOUS,
} mh_verdict;

/* Caps every Office decoder obeys; hitting one is a problem of the
 * document (reported), never silent. */
typedef struct {
	gsize max_document_size;  /* bytes of one document or archive member */
	gsize max_stream_size;    /* bytes read from one OLE stream or ZIP part */
	gsize max_module_source;  /* bytes of decompressed source of one module */
	guint max_modules;        /* modules per VBA project */
	guint max_entries;        /* OLE directory entries / ZIP members visited */
	int   max_depth;          /* nesting of containers (ZIP in ZIP, embedded objects) */
	guint max_decode_rounds;  /* length of a decoding chain (base64 of hex of ...) */
	guint max_findings;       /* per document; the rest are counted in a problem */
	gsize max_text;           /* bytes of visible text kept per document (lure matching) */
	guint max_images;         /* pictures kept per document (fingerprint, OCR) */
	gsize max_image_size;     /* bytes of one picture (compressed, as stored) */
	guint64 max_image_pixels; /* width x height of a picture that is decoded */
} mh_office_limits;

typedef struct {
	char       *name;       /* module name from the dir stream, UTF-8 */
	char       *stream;     /* stream name in the VBA storage, UTF-8 */
	const char *kind;       /* "standard", "class", "document" or "form"; static */
	char       *source;     /* UTF-8, NUL-terminated; NULL when not recovered */
	gsize       source_len;
	gboolean    offset_repaired;  /* the dir's offset was wrong; source found by searching */
	gboolean    truncated;        /* source cut at max_module_source */
} mh_vba_module;

typedef struct {
	char      *location;   /* where in the document: "Macros", "_VBA_PROJECT_CUR",
	                        * "word/vbaProject.bin" */
	char      *name;       /* project name, may be NULL */
	guint      codepage;   /* PROJECTCODEPAGE */
	GPtrArray *modules;    /* of mh_vba_module* */
	GPtrArray *problems;   /* of char*: bad records, caps, repairs */
	gboolean   stomped;    /* compiled code without matching source (VBA stomping) */
	char      *stomping_evidence; /* what was compared and what differed, or NULL */
} mh_vba_project;

typedef struct {
	const char *kind;      /* "url", "ip", "executable", "unc-path"; static */
	char       *value;
	char       *location;  /* "Module1:12", a part name, ... */
	char       *decoding;  /* decoding chain when found in a decoded string, else NULL */
} mh_ioc;

typedef struct {
	char *name;   /* "author", "last-saved-by", "created", "modified", "application",
	               * "template", "title", "company", ... */
	char *value;  /* UTF-8 */
} mh_doc_property;

/* A picture found in a document (OOXML media part, OfficeArt BLIP of a
 * .doc, .xls or .ppt, the bitmap inside a metafile): where it is, its
 * perceptual fingerprint, and the text OCR read in it. */
typedef struct {
	char       *location;   /* "word/media/image1.png", "Data+0x1a2c", ... */
	const char *format;     /* "png", "jpeg", "gif", "bmp", "tiff", "webp", "emf", "wmf",
	                         * "pict", "unknown"; static */
	gsize       size;       /* bytes as stored */
	char        sha256[65];
	guint       width;      /* pixels, 0 when unknown */
	guint       height;
	gboolean    has_dhash;
	guint64     dhash;      /* 64-bit difference hash of the picture (docs/lures.md) */
	const char *ocr;        /* what OCR did: "read", "not-risky", "off", "too-small",
	                         * "not-decoded", "over-cap", "timeout", "unavailable",
	                         * "failed"; static */
	char       *text;       /* text OCR read, UTF-8; NULL when not read */
	GBytes     *data;       /* the stored bytes, only while the document is analysed */
} mh_doc_image;

/* When pictures are read with OCR (--ocr): only in documents with
 * macros or other risk findings (the default), in every document, or
 * never. */
typedef enum {
	MH_OCR_RISKY = 0,
	MH_OCR_ALL,
	MH_OCR_NONE,
} mh_ocr_mode;

typedef struct _mh_document mh_document;
struct _mh_document {
	char       *name;         /* file name, or member path inside the parent */
	const char *format;       /* "doc", "xls", "ppt", "ole2", "vba-project", "docx", "docm",
	                           * "dotm", "xlsx", "xlsm", "xlsb", "pptx", "pptm", "ooxml",
	                           * "word2003-xml", "flat-opc", "mht", "rtf", "zip"; static */
	gsize       size;
	char        sha256[65];
	int         depth;        /* 0 for the document given or attached */
	mh_verdict  verdict;      /* of this document, children not included */
	mh_verdict  vba_verdict;  /* what the macros alone deserve (vba-rules.c: it knows
	                           * which code an auto-exec procedure reaches) */
	gboolean    encrypted;    /* contents encrypted: not inspected (flagged) */
	gboolean    has_controls; /* ActiveX controls or UserForms: _Click-style events can fire */
	char       *password;        /* archive password that opened it, or NULL */
	const char *password_source; /* "mail-body" when that password was written in the mail */
	GPtrArray  *vba_projects; /* of mh_vba_project* */
	GPtrArray  *findings;     /* of mh_finding* */
	GPtrArray  *iocs;         /* of mh_ioc* */
	GPtrArray  *properties;   /* of mh_doc_property* */
	GPtrArray  *children;     /* of mh_document*: archive members, embedded objects */
	GPtrArray  *problems;     /* of char*: what could not be read, caps hit */
	GString    *text;         /* the document's text as a reader would see it (body,
	                           * headers, text boxes, cells), UTF-8, at most
	                           * limits.max_text bytes; NULL when it has none */
	gboolean    text_truncated;
	GPtrArray  *images;       /* of mh_doc_image*: pictures, at most limits.max_images */
	double      ocr_seconds;  /* spent reading this document's pictures (children apart) */
};

typedef struct _mh_lure_db mh_lure_db;   /* src/office/lure.c */

typedef struct {
	mh_office_limits limits;
	GPtrArray       *passwords;   /* of char*: candidate archive passwords, may be NULL */
	const char      *passwords_source; /* where they came from, e.g. "mail-body" */
	const mh_lure_db *lures;      /* lure templates; NULL: the built-in ones */
	mh_ocr_mode      ocr;
	guint            ocr_timeout_ms;  /* per picture; 0: the default */
	const char      *ocr_languages;   /* Tesseract's "eng+jpn" form; NULL: the default */
} mh_office_options;

void         mh_office_limits_init_default (mh_office_limits *limits);
void         mh_office_options_init_default (mh_office_options *options);

/* TRUE when the bytes are a container the analyser opens (OLE2, ZIP/OOXML,
 * Word 2003 XML, Flat OPC, MHT/ActiveMime, RTF). */
gboolean     mh_office_is_document (const guint8 *data, gsize len);

/* Opens and reads a document; never fails: what could not be read ends up
 * in document->problems.  @name is used in the report only. */
/* Where the processes of one scan share what OCR read (scan's workers:
 * a directory of their spool), besides each process's own cache; NULL:
 * no sharing.  The same picture gives the same text, whoever reads it. */
void mh_office_set_ocr_cache_dir (const char *dir);

mh_document *mh_document_analyse (const guint8 *data, gsize len, const char *name,
                                  const mh_office_options *options);
void         mh_document_free (mh_document *document);

/* The highest verdict of a document and everything inside it. */
mh_verdict   mh_document_overall_verdict (const mh_document *document);
const char  *mh_verdict_to_string (mh_verdict verdict);

/* Lure templates ("Enable Content" screens): the built-in database, and
 * an analyst's file added to it (docs/lures.md). */
const mh_lure_db *mh_lure_db_builtin (void);
mh_lure_db  *mh_lure_db_load (const char *path, GError **error);  /* built-in + the file's */
void         mh_lure_db_free (mh_lure_db *db);

/* The pictures of a document are fingerprinted and, per options->ocr,
 * read with OCR (Tesseract) while it is analysed.  Each thread keeps its
 * own OCR engine once one was needed; this frees the calling thread's. */
void         mh_ocr_thread_cleanup (void);

/* The dHash fingerprint of a picture file (PNG, JPEG, GIF, BMP, TIFF,
 * WebP, or the bitmap inside an EMF/WMF), as lure templates hold them
 * (`mailhunt lure-hash`).  *format is static.  FALSE with @error set when
 * it is not a picture or does not decode within @max_pixels. */
gboolean     mh_picture_fingerprint (const guint8 *data, gsize len, guint64 max_pixels,
                                     guint64 *dhash, guint *width, guint *height,
                                     const char **format, GError **error);

/* Candidate archive passwords written in a mail body ("Password: abc123",
 * "パスワード：abc123", ...), de-duplicated, in order of appearance. */
GPtrArray   *mh_passwords_from_text (const char *text);

/* A storage of an OLE2 file copied into a compound file of its own, at
 * most @max bytes: how an OLE object that Outlook keeps as a storage
 * (a .msg attachment of method 6) becomes a file the analyser can open. */
GBytes      *mh_ole_storage_to_bytes (GsfInfile *storage, gsize max, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_document, mh_document_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_lure_db, mh_lure_db_free)

G_END_DECLS

#endif
