/* Declarations shared by the files of src/office/ and nothing else.
 *
 * document.c  dispatches bytes to a format reader by content, builds the
 *             model, decides the verdict;
 * ole.c       OLE2 documents: Word, Excel (BIFF, XLM), PowerPoint, property
 *             sets, encryption, embedded objects, .doc attached template;
 * ooxml.c     OOXML packages, Flat OPC and Word 2003 XML (libxml2);
 * archive.c   ZIP archives (also with a password), RTF objects, MHT/ActiveMime;
 * vba.c       VBA projects: dir and PROJECT streams, module source;
 * ovba.c      MS-OVBA compression (decompressor, and a compressor for the
 *             sample generator);
 * vba-rules.c what the macros would do: auto-exec, suspicious keywords,
 *             obfuscation, decoded strings, indicators (tables in src/data/);
 * images.c    pictures: recognised by content, OfficeArt BLIPs of .doc/.xls/
 *             .ppt, bitmaps inside EMF/WMF metafiles;
 * ocr.c       pictures decoded (Leptonica), fingerprinted (dHash) and read
 *             (Tesseract), with caps on size and time;
 * lure.c      lure templates matched against the text, OCR text and
 *             fingerprints.
 */
#ifndef MAILHUNT_OFFICE_PRIVATE_H
#define MAILHUNT_OFFICE_PRIVATE_H

#include <gsf/gsf.h>

#include "mailhunt/office.h"
#include "mailhunt/autoptr.h"

G_BEGIN_DECLS

/* -- document.c: building the model ------------------------------------- */

mh_document *_mh_document_new (const char *name, const guint8 *data, gsize len, int depth);
/* @location and @evidence may be NULL.  Over max_findings the finding is
 * counted instead (one problem says how many were left out). */
void  _mh_document_add_finding (mh_document *doc, const mh_office_options *options,
                                 const char *id, mh_severity severity,
                                 const char *location, const char *evidence,
                                 const char *summary_fmt, ...) G_GNUC_PRINTF (7, 8);
/* As above, with the decoding chain that revealed the evidence. */
void  _mh_document_add_decoded_finding (mh_document *doc, const mh_office_options *options,
                                         const char *id, mh_severity severity,
                                         const char *location, const char *evidence,
                                         const char *decoding,
                                         const char *summary_fmt, ...) G_GNUC_PRINTF (8, 9);
void  _mh_document_add_problem (mh_document *doc, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void  _mh_document_add_property (mh_document *doc, const char *name, const char *value);
/* @kind is a static string; duplicates (kind+value) are kept once. */
void  _mh_document_add_ioc (mh_document *doc, const char *kind, const char *value,
                            const char *location, const char *decoding);
/* Bytes found inside @parent (archive member, embedded object, OLE package)
 * analysed as a document of their own, appended to parent->children.
 * Returns NULL (with a problem on the parent) past max_depth. */
mh_document *_mh_document_add_child (mh_document *parent, const guint8 *data, gsize len,
                                     const char *name, const mh_office_options *options);

/* How many of @len bytes _mh_document_add_text keeps when the document's
 * text holds @text_len: fewer when max_text cuts them (*cut), none when
 * the cut leaves no room.  For readers that follow the text's length
 * before they add to it. */
gsize _mh_document_text_room (gsize text_len, gsize len, const mh_office_options *options,
                              gboolean *cut);

/* Appends visible text of the document (a paragraph, a cell, a header),
 * UTF-8 (repaired if need be), followed by a line break; over
 * limits.max_text the rest is dropped and text_truncated set (once, with a
 * problem). */
void  _mh_document_add_text (mh_document *doc, const char *text, gssize len,
                             const mh_office_options *options);

/* A picture found in the document: kept (a copy) with its @location when
 * it is recognised as a picture (_mh_image_sniff), within
 * limits.max_images and limits.max_image_size; otherwise a problem says
 * why not.  Fingerprints and OCR come after the readers (document.c). */
void  _mh_document_add_image (mh_document *doc, const guint8 *data, gsize len,
                              const char *location, const mh_office_options *options);

/* Reads a whole GsfInput up to @max bytes; *truncated tells whether it was cut. */
GBytes *_mh_gsf_read_all (GsfInput *input, gsize max, gboolean *truncated);

/* -- format readers: each adds to @doc what it finds --------------------- */

/* ole.c: an OLE2 compound file (Word, Excel, PowerPoint, a bare vbaProject.bin, ...) */
void  _mh_ole_analyse (mh_document *doc, GsfInfile *ole, const mh_office_options *options);
/* ooxml.c: a ZIP that is an OOXML package */
void  _mh_ooxml_analyse (mh_document *doc, GsfInfile *zip, const mh_office_options *options);
/* ooxml.c: Word 2003 XML (w:wordDocument) and Flat OPC (pkg:package) */
void  _mh_flat_xml_analyse (mh_document *doc, const guint8 *data, gsize len,
                            const mh_office_options *options);
/* archive.c: a ZIP that is not an OOXML package (members become children;
 * encrypted members are tried with options->passwords) */
void  _mh_zip_analyse (mh_document *doc, const guint8 *data, gsize len,
                       const mh_office_options *options);
void  _mh_rtf_analyse (mh_document *doc, const guint8 *data, gsize len,
                       const mh_office_options *options);
void  _mh_mht_analyse (mh_document *doc, const guint8 *data, gsize len,
                       const mh_office_options *options);
/* archive.c: content checks used by the dispatcher */
gboolean _mh_is_rtf (const guint8 *data, gsize len);
gboolean _mh_is_mht (const guint8 *data, gsize len);
/* ooxml.c */
gboolean _mh_is_flat_xml (const guint8 *data, gsize len);

/* archive.c: inflating with a cap, for every reader of compressed data
 * (ZIP members, ActiveMime, PowerPoint's compressed storages, metafile
 * BLIPs). */
typedef enum {
	MH_INFLATE_DONE,    /* the stream ended */
	MH_INFLATE_CAPPED,  /* the output reached @max: stopped there */
	MH_INFLATE_BROKEN,  /* damaged or cut short; @error says how */
} mh_inflate_result;

/* Inflates @in (raw deflate for ZIP, zlib elsewhere) into @out (NULL:
 * only counted), never past @max bytes: declared sizes are not trusted,
 * the output is.  *consumed (may be NULL) is how much input the stream
 * used, *produced (may be NULL) how many bytes came out. */
mh_inflate_result _mh_inflate (const guint8 *in, gsize len, GZlibCompressorFormat format, gsize max,
                               GByteArray *out, gsize *consumed, gsize *produced, GError **error);

/* archive.c: the payload of an ActiveMime blob (MHT, Word 2003 XML's
 * editdata.mso): zlib-compressed, usually an OLE2 file with a VBA project. */
GBytes  *_mh_activemime_decode (const guint8 *data, gsize len, gsize max, GError **error);
/* ole.c: a storage of an OLE2 file copied into a compound file of its own
 * (embedded objects, .msg attachments of method 6), at most @max bytes. */
GBytes  *_mh_ole_storage_to_bytes (GsfInfile *storage, gsize max, GError **error);

/* -- vba.c ---------------------------------------------------------------- */

/* Reads the VBA project in @storage: the storage that holds the "VBA"
 * storage and the "PROJECT" stream ("Macros" in Word, "_VBA_PROJECT_CUR"
 * in Excel, the root of a vbaProject.bin).  Never NULL: problems go into
 * the project.  @location is copied into project->location. */
mh_vba_project *_mh_vba_project_read (GsfInfile *storage, const char *location,
                                      const mh_office_limits *limits);
void            _mh_vba_project_free (mh_vba_project *project);
/* An empty project whose lists free what they hold (records read back). */
mh_vba_project *_mh_vba_project_new (const char *location);

/* -- ovba.c: MS-OVBA 2.4.1 compression ------------------------------------ */

/* Decompresses a CompressedContainer, appending to @out at most @max_out
 * bytes.  Returns FALSE with @error set on a malformed container (what was
 * decoded before the fault stays in @out); *capped is set when @max_out
 * stopped it. */
gboolean _mh_ovba_decompress (const guint8 *in, gsize len, gsize max_out,
                              GByteArray *out, gboolean *capped, GError **error);
/* Compresses with real copy tokens (used by the sample generator and the
 * round-trip tests). */
GBytes  *_mh_ovba_compress (const guint8 *in, gsize len);

/* -- vba-rules.c ---------------------------------------------------------- */

/* Reads the source of every module of doc->vba_projects and adds findings
 * (auto-exec, execute, download, write-file, powershell, self-modify,
 * anti-analysis, obfuscation, string-keyword) and indicators to @doc. */
void  _mh_vba_rules_apply (mh_document *doc, const mh_office_options *options);
/* The XLM (Excel 4.0 macro) keyword table applied to the formulas of a
 * macro sheet, as text ("=EXEC(\"calc\")" ...; @location names the sheet
 * and cell): findings xlm.execute, xlm.download, xlm.write-file,
 * xlm.powershell, xlm.obfuscation, and indicators. */
void  _mh_xlm_rules_apply (mh_document *doc, const char *formulas, gsize len,
                           const char *location, const mh_office_options *options);

/* -- lure.c -------------------------------------------------------------- */

/* Matches doc->text against the lure templates of options->lures (or the
 * built-in ones): findings lure.template (and evidence of what matched,
 * where, how closely). */
void  _mh_lure_apply (mh_document *doc, const mh_office_options *options);

/* -- images.c ----------------------------------------------------------- */

typedef struct {
	const char *format;   /* as mh_doc_image.format; static */
	guint       width;    /* from the header, 0 when the header does not say */
	guint       height;
} mh_image_info;

/* Recognises a picture by its first bytes (PNG, JPEG, GIF, BMP, TIFF,
 * WebP, EMF, WMF with or without the placeable header, PICT is not
 * recognisable by content and is left out) and reads its size from the
 * header without decoding it.  FALSE when it is none of these. */
gboolean _mh_image_sniff (const guint8 *data, gsize len, mh_image_info *info);

/* The OfficeArt BLIPs (MS-ODRAW 2.2.23-2.2.31: msofbtBlipPNG, JPEG, DIB,
 * TIFF, EMF, WMF, PICT, inside BSE records or PICFAndOfficeArtData) found
 * in @data -- a .doc's Data or WordDocument stream, an .xls drawing group,
 * a .ppt Pictures stream -- each added with _mh_document_add_image as
 * "@where+0xOFFSET".  Metafile BLIPs are inflated (zlib) within
 * limits.max_image_size.  A DIB BLIP gets its BITMAPFILEHEADER back so
 * that it is a .bmp.  Returns how many were added. */
guint    _mh_officeart_find_blips (mh_document *doc, const guint8 *data, gsize len,
                                   const char *where, const mh_office_options *options);

/* The largest bitmap inside an EMF or WMF metafile (EMR_STRETCHDIBITS,
 * EMR_BITBLT, EMR_STRETCHBLT, EMR_SETDIBITSTODEVICE; META_STRETCHDIB,
 * META_DIBSTRETCHBLT, META_DIBBITBLT, META_SETDIBTODEV) as a .bmp file of
 * at most @max bytes; NULL with @error set when there is none (a drawing
 * made only of vector records is not rasterised). */
GBytes  *_mh_metafile_bitmap (const guint8 *data, gsize len, gsize max, GError **error);

/* -- ocr.c --------------------------------------------------------------- */

/* A decoded picture as 8-bit grey, row-major, width * height bytes. */
typedef struct {
	guint   width;
	guint   height;
	guint8 *pixels;
} mh_gray_image;

/* Decodes PNG, JPEG, GIF, BMP, TIFF or WebP (Leptonica), or the bitmap
 * inside an EMF/WMF, to grey.  Refuses (NULL, @error set) what is over
 * @max_pixels by its header before decoding, and what does not decode. */
mh_gray_image *_mh_image_decode (const guint8 *data, gsize len, guint64 max_pixels,
                                 GError **error);
void           _mh_gray_image_free (mh_gray_image *image);

/* dHash: the picture shrunk to 9x8 grey, one bit per pair of neighbours
 * (left brighter than right).  Survives re-encoding and rescaling. */
guint64        _mh_image_dhash (const mh_gray_image *image);
guint          _mh_dhash_distance (guint64 a, guint64 b);

typedef enum {
	MH_OCR_RESULT_READ,        /* text returned (may be empty) */
	MH_OCR_RESULT_TOO_SMALL,   /* too small to hold readable text: not tried */
	MH_OCR_RESULT_TIMEOUT,     /* cut at the time cap; the text read so far is returned */
	MH_OCR_RESULT_UNAVAILABLE, /* no engine: Tesseract or its language data missing */
	MH_OCR_RESULT_FAILED,
} mh_ocr_result;

/* Reads the text of @image with Tesseract (@languages such as "eng+jpn",
 * NULL for the default), giving up after @timeout_ms.  *text is set
 * (UTF-8, possibly empty) for READ and TIMEOUT; @error says why for
 * UNAVAILABLE and FAILED.  The engine is made once per thread. */
mh_ocr_result  _mh_ocr_read (const mh_gray_image *image, const char *languages,
                             guint timeout_ms, char **text, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (mh_gray_image, _mh_gray_image_free)

/* -- vba.c internals for tests and fuzz harnesses (section kept by vba.c) -- */

/* One module as the dir stream describes it (MS-OVBA 2.3.4.2.3.2). */
typedef struct {
	char    *name;         /* UTF-8: MODULENAMEUNICODE when usable, else MODULENAME */
	char    *stream;       /* UTF-8: MODULESTREAMNAME, its unicode part when usable */
	char    *stream_mbcs;  /* UTF-8 from the code-page part of MODULESTREAMNAME */
	guint32  offset;       /* MODULEOFFSET: where the compressed source starts */
	gboolean procedural;   /* MODULETYPE 0x21 (standard module); FALSE for 0x22 */
} mh_vba_dir_module;

typedef struct {
	guint      codepage;      /* PROJECTCODEPAGE, 1252 when missing */
	char      *project_name;  /* UTF-8, NULL when missing */
	GPtrArray *modules;       /* of mh_vba_dir_module* */
	GPtrArray *problems;      /* of char*: bad or cut records, caps */
} mh_vba_dir;

/* Parses a decompressed dir stream; never NULL.  Every record length is
 * checked, unknown records are skipped, at most @max_modules modules are
 * kept (a problem says so). */
mh_vba_dir *_mh_vba_dir_parse (const guint8 *data, gsize len, guint max_modules);
void        _mh_vba_dir_free (mh_vba_dir *dir);
/* Text in Windows code page @codepage (10000 = Mac Roman, 65001 = UTF-8)
 * as NUL-terminated UTF-8 without NULs inside; bytes that do not convert,
 * and NUL bytes, become U+FFFD. */
char       *_mh_vba_codepage_to_utf8 (const guint8 *data, gsize len, guint codepage,
                                      gsize *out_len);

/* -- end of vba.c internals ---------------------------------------------- */

GQuark _mh_office_error_quark (void);
#define MH_OFFICE_ERROR (_mh_office_error_quark ())

G_END_DECLS

#endif
