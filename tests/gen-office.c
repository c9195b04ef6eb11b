/* gen-office — writes mailhunt's harmless Office samples.
 *
 * Usage: gen-office OUTPUT-DIRECTORY
 *        gen-office --verify DIRECTORY
 *        gen-office --lures DIRECTORY
 *
 * The repository holds no malware, so the documents the Office analyser is
 * tested on are built here: Word and Excel files (OLE2 .doc/.xls written with
 * GsfOutfileMSOle, OOXML .docm/.xlsm/.docx written with GsfOutfileZip) whose
 * macros only show a message box, a document whose dangerous-looking code
 * sits in a Sub that nothing calls, a remote template on a `.invalid` host,
 * DDE fields that name no program, and the mails that carry them (one of
 * them a ZIP encrypted with the password written in the body).
 *
 * The VBA projects follow MS-OVBA 2.3 record by record; their dir stream and
 * module source are compressed by the library's own compressor
 * (_mh_ovba_compress, src/office/ovba.c), which emits real copy tokens.
 * _VBA_PROJECT carries version 0xFFFF and no p-code, so Office would
 * recompile from the source it shows.
 *
 * The output is deterministic: fixed dates in every container (libgsf's
 * OLE2 writer leaves the directory timestamps zero; each ZIP member gets a
 * fixed modtime and is stored, not deflated, so that the bytes do not
 * depend on the zlib build), fixed "random" bytes where formats ask for
 * some.  tests/office-samples.py regenerates and compares byte for byte.
 *
 * Every fact about a sample lives in one table, office_samples[] below;
 * expected.tsv and README.md are written from it.
 *
 * --verify reads the VBA projects back through the library's reader
 * (_mh_vba_project_read) and prints one line per module:
 *     FILE <TAB> MODULE <TAB> ok|missing|differs|unread|problem <TAB> detail
 * (MODULE is "-" for what concerns the whole project).
 *
 * --bench DIRECTORY N [--seed S] writes the set of tests/bench/bench-office.sh
 * (tests/bench/README.md): N documents of the samples' kinds, from 10 KiB to
 * 5 MiB, grown with harmless filler (text, and VBA functions that nothing
 * calls and that only add numbers) in DIRECTORY/docs/, the same documents
 * attached one per message to DIRECTORY/docs.mbox (Thunderbird style),
 * DIRECTORY/docs.tsv (file, type, kind, bytes, macros, expected verdict),
 * the scaling series DIRECTORY/scale/ (the same document at ×1, ×4, ×16,
 * ×64 and for the plain .docx ×256 of 128 KiB), and prints one JSON line of
 * statistics.  The same N and
 * S give the same bytes.
 *
 * --lures DIRECTORY writes samples-benign/lures: harmless "Enable Content"
 * lure screens as text and as pictures (tests/gen-lures.c, which shares
 * this file's Word writers through gen-office.h).
 */
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gsf/gsf.h>

#include "office/office-private.h"

#include "gen-office.h"

/* ------------------------------------------------------------------ */
/* Bytes and encodings                                                 */
/* ------------------------------------------------------------------ */

static void
put_u8 (GByteArray *b, guint v)
{
	guint8 x = (guint8) v;
	g_byte_array_append (b, &x, 1);
}

static void
put_u16 (GByteArray *b, guint v)
{
	guint8 x[2] = { v & 0xFF, (v >> 8) & 0xFF };
	g_byte_array_append (b, x, 2);
}

static void
put_u32 (GByteArray *b, guint32 v)
{
	guint8 x[4] = { v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, (v >> 24) & 0xFF };
	g_byte_array_append (b, x, 4);
}

static void
put_bytes (GByteArray *b, const void *data, gsize len)
{
	g_byte_array_append (b, data, (guint) len);
}

static void
set_u32 (GByteArray *b, gsize at, guint32 v)
{
	b->data[at] = v & 0xFF;
	b->data[at + 1] = (v >> 8) & 0xFF;
	b->data[at + 2] = (v >> 16) & 0xFF;
	b->data[at + 3] = (v >> 24) & 0xFF;
}

/* @utf8 in @charset; the sample texts are ours, so a failure is a bug. */
static GBytes *
convert_or_die (const char *utf8, const char *charset)
{
	g_autoptr (GError) error = NULL;
	gsize written = 0;
	char *out = g_convert (utf8, -1, charset, "UTF-8", NULL, &written, &error);
	if (!out)
		g_error ("cannot convert \"%s\" to %s: %s", utf8, charset, error->message);
	return g_bytes_new_take (out, written);
}

static const char *
codepage_charset (guint codepage)
{
	switch (codepage) {
	case 1252: return "CP1252";
	case 932: return "CP932";
	}
	g_error ("no charset for code page %u", codepage);
	return NULL;
}

/* Windows line ends: VBA source, the PROJECT stream and mail use CRLF. */
static char *
to_crlf (const char *text)
{
	GString *out = g_string_new (NULL);
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			g_string_append_c (out, '\r');
		g_string_append_c (out, *p);
	}
	return g_string_free (out, FALSE);
}

static GBytes *
ovba_compress_or_die (const guint8 *data, gsize len)
{
	GBytes *compressed = _mh_ovba_compress (data, len);
	if (!compressed)
		g_error ("_mh_ovba_compress returned nothing (src/office/ovba.c not written yet?)");
	return compressed;
}

/* ------------------------------------------------------------------ */
/* VBA projects (MS-OVBA 2.3)                                          */
/* ------------------------------------------------------------------ */

/* vba_project_spec and its parts: gen-office.h */

static const char *
project_name (const vba_project_spec *p)
{
	return p->host == HOST_WORD ? "Project" : "VBAProject";
}

/* The Attribute lines the VBA editor writes in front of a module's code. */
static char *
module_attributes (const vba_project_spec *p, const vba_module_spec *m)
{
	if (m->kind == MODULE_STANDARD)
		return g_strdup_printf ("Attribute VB_Name = \"%s\"\n", m->name);
	const char *base = p->host == HOST_WORD
		? "1Normal.ThisDocument"
		: "0{00020819-0000-0000-C000-000000000046}";
	return g_strdup_printf ("Attribute VB_Name = \"%s\"\n"
	                        "Attribute VB_Base = \"%s\"\n"
	                        "Attribute VB_GlobalNameSpace = False\n"
	                        "Attribute VB_Creatable = False\n"
	                        "Attribute VB_PredeclaredId = True\n"
	                        "Attribute VB_Exposed = True\n"
	                        "Attribute VB_TemplateDerived = %s\n"
	                        "Attribute VB_Customizable = True\n",
	                        m->name, base, p->host == HOST_WORD ? "True" : "False");
}

/* The whole source of a module as the VBA editor stores it: attributes and
 * code, CRLF, in the project's code page. */
static GBytes *
module_source (const vba_project_spec *p, const vba_module_spec *m)
{
	g_autofree char *attributes = module_attributes (p, m);
	g_autofree char *text = g_strconcat (attributes, m->code, NULL);
	g_autofree char *crlf = to_crlf (text);
	return convert_or_die (crlf, codepage_charset (p->codepage));
}

/* MS-OVBA 2.4.3.2 Data Encryption, used for CMG, DPB and GC.  The project
 * key is the byte sum of the project id; the seed and the "ignored" bytes
 * may be anything, so they are fixed here. */
static char *
ovba_encrypt (const char *project_id, guint8 seed, const guint8 *data, guint32 len)
{
	guint8 project_key = 0;
	for (const char *c = project_id; *c; c++)
		project_key = (guint8) (project_key + (guint8) *c);

	g_autoptr (GByteArray) out = g_byte_array_new ();
	guint8 version_enc = seed ^ 2;
	guint8 key_enc = seed ^ project_key;
	put_u8 (out, seed);
	put_u8 (out, version_enc);
	put_u8 (out, key_enc);
	guint8 unencrypted1 = project_key, encrypted1 = key_enc, encrypted2 = version_enc;
	guint ignored = (seed & 6) / 2;
	for (guint i = 0; i < ignored; i++) {
		guint8 temp = (guint8) (0x11 * (i + 1));
		guint8 enc = temp ^ (guint8) (encrypted2 + unencrypted1);
		put_u8 (out, enc);
		encrypted2 = encrypted1;
		encrypted1 = enc;
		unencrypted1 = temp;
	}
	guint8 plain[4 + 8];
	g_assert (len <= 8);
	plain[0] = len & 0xFF;
	plain[1] = (len >> 8) & 0xFF;
	plain[2] = (len >> 16) & 0xFF;
	plain[3] = (len >> 24) & 0xFF;
	memcpy (plain + 4, data, len);
	for (guint i = 0; i < 4 + len; i++) {
		guint8 enc = plain[i] ^ (guint8) (encrypted2 + unencrypted1);
		put_u8 (out, enc);
		encrypted2 = encrypted1;
		encrypted1 = enc;
		unencrypted1 = plain[i];
	}
	GString *hex = g_string_new (NULL);
	for (guint i = 0; i < out->len; i++)
		g_string_append_printf (hex, "%02X", out->data[i]);
	return g_string_free (hex, FALSE);
}

/* The PROJECT stream (2.3.1): text in the project's code page.  CMG, DPB
 * and GC say what Office writes for an unprotected project: protection
 * state 0, no password (a single NUL), visible (0xFF). */
static GBytes *
project_stream (const vba_project_spec *p)
{
	static const guint8 no_protection[4] = { 0, 0, 0, 0 };
	static const guint8 no_password[1] = { 0 };
	static const guint8 visible[1] = { 0xFF };
	g_autofree char *cmg = ovba_encrypt (p->id, p->seeds[0], no_protection, 4);
	g_autofree char *dpb = ovba_encrypt (p->id, p->seeds[1], no_password, 1);
	g_autofree char *gc = ovba_encrypt (p->id, p->seeds[2], visible, 1);
	GString *text = g_string_new (NULL);

	g_string_append_printf (text, "ID=\"%s\"\n", p->id);
	for (int i = 0; i < MAX_MODULES && p->modules[i].name; i++) {
		const vba_module_spec *m = &p->modules[i];
		if (m->kind == MODULE_DOCUMENT)
			g_string_append_printf (text, "Document=%s/&H00000000\n", m->name);
		else
			g_string_append_printf (text, "Module=%s\n", m->name);
	}
	g_string_append_printf (text, "Name=\"%s\"\n", project_name (p));
	g_string_append (text, "HelpContextID=\"0\"\n");
	g_string_append (text, "VersionCompatible32=\"393222000\"\n");
	g_string_append_printf (text, "CMG=\"%s\"\nDPB=\"%s\"\nGC=\"%s\"\n", cmg, dpb, gc);
	g_string_append (text, "\n[Host Extender Info]\n"
	                 "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\n"
	                 "\n[Workspace]\n");
	for (int i = 0; i < MAX_MODULES && p->modules[i].name; i++) {
		const vba_module_spec *m = &p->modules[i];
		g_string_append_printf (text, "%s=%s\n", m->name,
		                        m->kind == MODULE_DOCUMENT ? "0, 0, 0, 0, C" : "22, 22, 480, 360, Z");
	}
	g_autofree char *crlf = to_crlf (text->str);
	g_string_free (text, TRUE);
	return convert_or_die (crlf, codepage_charset (p->codepage));
}

/* PROJECTwm (2.3.3): each module name in MBCS and in UTF-16, then 0x0000. */
static GBytes *
project_wm_stream (const vba_project_spec *p)
{
	GByteArray *b = g_byte_array_new ();
	for (int i = 0; i < MAX_MODULES && p->modules[i].name; i++) {
		g_autoptr (GBytes) mbcs = convert_or_die (p->modules[i].name, codepage_charset (p->codepage));
		g_autoptr (GBytes) utf16 = convert_or_die (p->modules[i].name, "UTF-16LE");
		put_bytes (b, g_bytes_get_data (mbcs, NULL), g_bytes_get_size (mbcs));
		put_u8 (b, 0);
		put_bytes (b, g_bytes_get_data (utf16, NULL), g_bytes_get_size (utf16));
		put_u16 (b, 0);
	}
	put_u16 (b, 0);
	return g_byte_array_free_to_bytes (b);
}

static void
dir_record (GByteArray *b, guint id, const void *data, guint32 size)
{
	put_u16 (b, id);
	put_u32 (b, size);
	if (size)
		put_bytes (b, data, size);
}

static void
dir_u32 (GByteArray *b, guint id, guint32 value)
{
	put_u16 (b, id);
	put_u32 (b, 4);
	put_u32 (b, value);
}

static void
dir_u16 (GByteArray *b, guint id, guint value)
{
	put_u16 (b, id);
	put_u32 (b, 2);
	put_u16 (b, value);
}

/* A name record in the code page followed by its UTF-16 twin (@unicode_id). */
static void
dir_names (GByteArray *b, guint id, guint unicode_id, const char *name, guint codepage)
{
	g_autoptr (GBytes) mbcs = convert_or_die (name, codepage_charset (codepage));
	g_autoptr (GBytes) utf16 = convert_or_die (name, "UTF-16LE");
	dir_record (b, id, g_bytes_get_data (mbcs, NULL), (guint32) g_bytes_get_size (mbcs));
	dir_record (b, unicode_id, g_bytes_get_data (utf16, NULL), (guint32) g_bytes_get_size (utf16));
}

/* The decompressed dir stream (2.3.4.2): PROJECTINFORMATION,
 * PROJECTREFERENCES (stdole only), PROJECTMODULES, in the order the
 * specification gives. */
static GBytes *
dir_stream (const vba_project_spec *p)
{
	static const char stdole_libid[] =
		"*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
		"C:\\Windows\\System32\\stdole2.tlb#OLE Automation";
	GByteArray *b = g_byte_array_new ();
	const char *name = project_name (p);

	dir_u32 (b, 0x0001, 1);            /* PROJECTSYSKIND: 32-bit Windows */
	dir_u32 (b, 0x0002, 0x0409);       /* PROJECTLCID (MUST be 0x409) */
	dir_u32 (b, 0x0014, 0x0409);       /* PROJECTLCIDINVOKE */
	dir_u16 (b, 0x0003, p->codepage);  /* PROJECTCODEPAGE */
	dir_record (b, 0x0004, name, (guint32) strlen (name));  /* PROJECTNAME */
	dir_record (b, 0x0005, NULL, 0);   /* PROJECTDOCSTRING */
	dir_record (b, 0x0040, NULL, 0);   /*   and its Unicode form */
	dir_record (b, 0x0006, NULL, 0);   /* PROJECTHELPFILEPATH */
	dir_record (b, 0x003D, NULL, 0);   /*   and the second path */
	dir_u32 (b, 0x0007, 0);            /* PROJECTHELPCONTEXT */
	dir_u32 (b, 0x0008, 0);            /* PROJECTLIBFLAGS */
	/* PROJECTVERSION: Reserved (always 4), VersionMajor, VersionMinor */
	put_u16 (b, 0x0009);
	put_u32 (b, 4);
	put_u32 (b, 0x00000001);
	put_u16 (b, 0x0000);
	dir_record (b, 0x000C, NULL, 0);   /* PROJECTCONSTANTS */
	dir_record (b, 0x003C, NULL, 0);   /*   and its Unicode form */

	/* REFERENCENAME + REFERENCEREGISTERED: the OLE Automation type library */
	dir_names (b, 0x0016, 0x003E, "stdole", p->codepage);
	guint32 libid_len = (guint32) strlen (stdole_libid);
	put_u16 (b, 0x000D);
	put_u32 (b, 4 + libid_len + 4 + 2);
	put_u32 (b, libid_len);
	put_bytes (b, stdole_libid, libid_len);
	put_u32 (b, 0);   /* Reserved1 */
	put_u16 (b, 0);   /* Reserved2 */

	guint count = 0;
	while (count < MAX_MODULES && p->modules[count].name)
		count++;
	dir_u16 (b, 0x000F, count);        /* PROJECTMODULES */
	dir_u16 (b, 0x0013, 0xFFFF);       /* PROJECTCOOKIE: 0xFFFF on write */
	for (guint i = 0; i < count; i++) {
		const vba_module_spec *m = &p->modules[i];
		dir_names (b, 0x0019, 0x0047, m->name, p->codepage);  /* MODULENAME(UNICODE) */
		dir_names (b, 0x001A, 0x0032, m->name, p->codepage);  /* MODULESTREAMNAME */
		dir_record (b, 0x001C, NULL, 0);                      /* MODULEDOCSTRING */
		dir_record (b, 0x0048, NULL, 0);
		dir_u32 (b, 0x0031, 0);         /* MODULEOFFSET: source only, no p-code */
		dir_u32 (b, 0x001E, 0);         /* MODULEHELPCONTEXT */
		dir_u16 (b, 0x002C, 0xFFFF);    /* MODULECOOKIE */
		dir_record (b, m->kind == MODULE_DOCUMENT ? 0x0022 : 0x0021, NULL, 0);  /* MODULETYPE */
		dir_record (b, 0x002B, NULL, 0);  /* module terminator */
	}
	dir_record (b, 0x0010, NULL, 0);   /* dir terminator */
	return g_byte_array_free_to_bytes (b);
}

static void
write_stream (GsfOutfile *parent, const char *name, const guint8 *data, gsize len)
{
	g_autoptr (GsfOutput) out = gsf_outfile_new_child (parent, name, FALSE);
	if (!out)
		g_error ("cannot create the stream %s", name);
	if (len && !gsf_output_write (out, len, data))
		g_error ("cannot write the stream %s", name);
	if (!gsf_output_close (out))
		g_error ("cannot close the stream %s", name);
}

static void
write_stream_bytes (GsfOutfile *parent, const char *name, GBytes *bytes)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	write_stream (parent, name, data, len);
}

/* A VBA project's streams into @storage: PROJECT, PROJECTwm and the VBA
 * storage (_VBA_PROJECT, dir and one stream per module). */
static void
write_vba_project (GsfOutfile *storage, const vba_project_spec *p)
{
	/* 2.3.4.1: reserved1 0x61CC, version 0xFFFF (no p-code for this
	 * version: Office recompiles from the source), reserved2, reserved3 */
	static const guint8 vba_project_header[7] = { 0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x00, 0x00 };
	g_autoptr (GBytes) project = project_stream (p);
	g_autoptr (GBytes) wm = project_wm_stream (p);
	g_autoptr (GBytes) dir = dir_stream (p);
	g_autoptr (GBytes) dir_compressed = ovba_compress_or_die (g_bytes_get_data (dir, NULL),
	                                                         g_bytes_get_size (dir));

	g_autoptr (GsfOutput) vba = gsf_outfile_new_child (storage, "VBA", TRUE);
	write_stream (GSF_OUTFILE (vba), "_VBA_PROJECT", vba_project_header, sizeof vba_project_header);
	write_stream_bytes (GSF_OUTFILE (vba), "dir", dir_compressed);
	for (int i = 0; i < MAX_MODULES && p->modules[i].name; i++) {
		g_autoptr (GBytes) source = module_source (p, &p->modules[i]);
		g_autoptr (GBytes) compressed = ovba_compress_or_die (g_bytes_get_data (source, NULL),
		                                                     g_bytes_get_size (source));
		write_stream_bytes (GSF_OUTFILE (vba), p->modules[i].name, compressed);
	}
	if (!gsf_output_close (vba))
		g_error ("cannot close the VBA storage");
	write_stream_bytes (storage, "PROJECT", project);
	write_stream_bytes (storage, "PROJECTwm", wm);
}

/* ------------------------------------------------------------------ */
/* OLE2 files                                                          */
/* ------------------------------------------------------------------ */

/* CLSIDs of the root storage, in their on-disk byte order. */
static const guint8 clsid_word_document[16] = {
	0x06, 0x09, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };
static const guint8 clsid_excel_sheet[16] = {
	0x20, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };

static GsfOutfile *
ole_new (GsfOutput **memory, const guint8 *clsid)
{
	*memory = gsf_output_memory_new ();
	GsfOutfile *ole = gsf_outfile_msole_new (*memory);
	if (clsid)
		gsf_outfile_msole_set_class_id (GSF_OUTFILE_MSOLE (ole), clsid);
	return ole;
}

/* Closes @outfile (OLE2 or ZIP) and returns the bytes written to @memory;
 * both are released. */
static GBytes *
outfile_to_bytes (GsfOutfile *outfile, GsfOutput *memory)
{
	if (!gsf_output_close (GSF_OUTPUT (outfile)))
		g_error ("cannot close an output file");
	g_object_unref (outfile);
	GBytes *bytes = g_bytes_new (gsf_output_memory_get_bytes (GSF_OUTPUT_MEMORY (memory)),
	                             (gsize) gsf_output_size (memory));
	g_object_unref (memory);
	return bytes;
}

/* A bare vbaProject.bin, as OOXML packages hold it. */
static GBytes *
vba_project_bin (const vba_project_spec *p)
{
	GsfOutput *memory;
	GsfOutfile *ole = ole_new (&memory, NULL);
	write_vba_project (ole, p);
	return outfile_to_bytes (ole, memory);
}

static void
write_vba_storage (GsfOutfile *ole, const char *name, const vba_project_spec *p)
{
	g_autoptr (GsfOutput) storage = gsf_outfile_new_child (ole, name, TRUE);
	write_vba_project (GSF_OUTFILE (storage), p);
	if (!gsf_output_close (storage))
		g_error ("cannot close the %s storage", name);
}

/* -- Word 97-2003 (MS-DOC) -- */

#define FIB_RG_FC_LCB_97_PAIRS 93   /* cbRgFcLcb for nFib 0x00C1 */
#define FIB_PAIR_PLCF_BTE_CHPX 12   /* fcPlcfBteChpx/lcbPlcfBteChpx in FibRgFcLcb97 */
#define FIB_PAIR_CLX 33             /* fcClx/lcbClx in FibRgFcLcb97 */
#define DOC_TEXT_OFFSET 0x400       /* where the piece's text starts in WordDocument */
#define DOC_PAGE 512                /* an FKP is one page of WordDocument */
#define PICTURE_CHAR 0x01           /* an inline picture in the text (with sprmCFSpec) */
#define SPRM_CF_SPEC 0x0855         /* the character is special: here a picture */
#define SPRM_C_PIC_LOCATION 0x6A03  /* where its PICFAndOfficeArtData is in Data */
#define PICF_SIZE 0x44
#define MM_SHAPE 0x0064
/* Nominal 144 dpi: 800 pixels are 5.6 inches, which fit a page. */
#define TWIPS_PER_PIXEL 10
#define EMU_PER_PIXEL 6350

/* An OfficeArt record header (MS-ODRAW 2.2.1). */
static void
put_officeart_header (GByteArray *b, guint version, guint instance, guint type, gsize len)
{
	g_assert (len <= G_MAXUINT32);
	put_u16 (b, (version & 0xF) | (instance << 4));
	put_u16 (b, type);
	put_u32 (b, (guint32) len);
}

/* PICFAndOfficeArtData (MS-DOC 2.9.192) of an inline PNG: the PICF, an
 * OfficeArtInlineSpContainer whose shape (a picture frame) names BLIP 1 in
 * its pib property, and that BLIP: an OfficeArtFBSE embedding an
 * OfficeArtBlipPNG (MS-ODRAW 2.2.32, 2.2.25).  The UID is the MD5 of the
 * PNG, so it is fixed by the picture. */
static GBytes *
picture_data (const word_picture *picture)
{
	gsize png_len;
	const guint8 *png = g_bytes_get_data (picture->png, &png_len);
	guint8 uid[16];
	gsize uid_len = sizeof uid;
	g_autoptr (GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
	g_checksum_update (md5, png, (gssize) png_len);
	g_checksum_get_digest (md5, uid, &uid_len);

	GByteArray *b = g_byte_array_new ();
	/* PICF */
	put_u32 (b, 0);                          /* lcb: the whole, set below */
	put_u16 (b, PICF_SIZE);                  /* cbHeader */
	put_u16 (b, MM_SHAPE);                   /* mfpf.mm: an OfficeArt shape follows */
	put_u16 (b, 0);                          /* mfpf.xExt, yExt, swHMF */
	put_u16 (b, 0);
	put_u16 (b, 0);
	for (int i = 0; i < 14; i++)             /* innerHeader: grf, padding, mmPM, padding2 */
		put_u8 (b, 0);
	put_u16 (b, picture->width * TWIPS_PER_PIXEL);    /* picmid.dxaGoal */
	put_u16 (b, picture->height * TWIPS_PER_PIXEL);   /* picmid.dyaGoal */
	put_u16 (b, 1000);                       /* mx, my: 100 % */
	put_u16 (b, 1000);
	for (int i = 0; i < 8 + 1 + 1 + 16 + 4; i++)      /* reserved, bpp, borders, reserved */
		put_u8 (b, 0);
	put_u16 (b, 0);                          /* cProps */
	g_assert (b->len == PICF_SIZE);

	/* OfficeArtSpContainer: OfficeArtFSP + OfficeArtFOPT */
	put_officeart_header (b, 0xF, 0, 0xF004, (8 + 8) + (8 + 6));
	put_officeart_header (b, 0x2, 75, 0xF00A, 8);     /* msosptPictureFrame */
	put_u32 (b, 0x0401);                     /* spid */
	put_u32 (b, 0x0A00);                     /* fHaveAnchor, fHaveSpt */
	put_officeart_header (b, 0x3, 1, 0xF00B, 6);
	put_u16 (b, 0x4104);                     /* pib, fBid */
	put_u32 (b, 1);                          /* the first BLIP */

	/* rgfb: OfficeArtFBSE with the OfficeArtBlipPNG in it */
	gsize blip_len = 8 + 16 + 1 + png_len;
	put_officeart_header (b, 0x2, 6, 0xF007, 36 + blip_len);
	put_u8 (b, 6);                           /* btWin32: msoblipPNG */
	put_u8 (b, 6);                           /* btMacOS */
	put_bytes (b, uid, sizeof uid);          /* rgbUid */
	put_u16 (b, 0xFF);                       /* tag */
	put_u32 (b, (guint32) blip_len);         /* size */
	put_u32 (b, 1);                          /* cRef */
	put_u32 (b, 0);                          /* foDelay */
	put_u8 (b, 0);                           /* unused1, cbName, unused2, unused3 */
	put_u8 (b, 0);
	put_u8 (b, 0);
	put_u8 (b, 0);
	put_officeart_header (b, 0x0, 0x6E0, 0xF01E, 16 + 1 + png_len);
	put_bytes (b, uid, sizeof uid);          /* rgbUid1 */
	put_u8 (b, 0xFF);                        /* tag */
	put_bytes (b, png, png_len);
	set_u32 (b, 0, b->len);
	return g_byte_array_free_to_bytes (b);
}

/* A CHPX FKP (MS-DOC 2.9.43) for the text at @text_fc..@end_fc in which
 * the character at @picture_fc (@char_size bytes) is the picture whose
 * data is at @data_offset; the other runs have no properties. */
static void
put_chpx_fkp (GByteArray *w, guint32 text_fc, guint32 end_fc, guint32 picture_fc,
              guint char_size, guint32 data_offset)
{
	guint32 bounds[4];
	guint n = 0;
	bounds[n++] = text_fc;
	if (picture_fc > text_fc)
		bounds[n++] = picture_fc;
	bounds[n++] = picture_fc + char_size;
	if (end_fc > picture_fc + char_size)
		bounds[n++] = end_fc;
	guint crun = n - 1;

	/* the Chpx sits at the end of the page, on an even offset */
	const guint chpx_at = DOC_PAGE - 2 - 10;
	guint8 page[DOC_PAGE] = { 0 };
	for (guint i = 0; i < n; i++) {
		page[i * 4] = bounds[i] & 0xFF;
		page[i * 4 + 1] = (bounds[i] >> 8) & 0xFF;
		page[i * 4 + 2] = (bounds[i] >> 16) & 0xFF;
		page[i * 4 + 3] = bounds[i] >> 24;
	}
	for (guint i = 0; i < crun; i++)
		page[n * 4 + i] = bounds[i] == picture_fc ? chpx_at / 2 : 0;
	const guint8 chpx[10] = {
		9,                                                  /* cb of the grpprl */
		SPRM_CF_SPEC & 0xFF, SPRM_CF_SPEC >> 8, 1,
		SPRM_C_PIC_LOCATION & 0xFF, SPRM_C_PIC_LOCATION >> 8,
		data_offset & 0xFF, (data_offset >> 8) & 0xFF, (data_offset >> 16) & 0xFF, data_offset >> 24,
	};
	memcpy (page + chpx_at, chpx, sizeof chpx);
	page[DOC_PAGE - 1] = (guint8) crun;
	put_bytes (w, page, sizeof page);
}

/* WordDocument with a FIB (MS-DOC 2.5.1) and the text as one piece: 8-bit
 * (CP1252, "compressed") characters when CP1252 holds the text, UTF-16LE
 * otherwise; the CLX that describes the piece goes into 1Table.  With
 * @picture, the text's U+0001 gets a CHPX FKP (after the text) pointing at
 * the picture's data in the Data stream, and 1Table a PlcfBteChpx after
 * the CLX. */
static void
word_streams (const char *text_utf8, const word_picture *picture,
              GBytes **word_document, GBytes **table, GBytes **data)
{
	g_autofree char *paragraphs = g_strdelimit (g_strconcat (text_utf8, "\r", NULL), "\n", '\r');
	g_autofree char *cp1252 = g_convert (paragraphs, -1, "CP1252", "UTF-8", NULL, NULL, NULL);
	gboolean compressed = cp1252 != NULL;
	g_autoptr (GBytes) text = convert_or_die (paragraphs, compressed ? "CP1252" : "UTF-16LE");
	guint char_size = compressed ? 1 : 2;
	gsize text_len = g_bytes_get_size (text);
	gsize ccp = text_len / char_size;

	/* CLX: one Pcdt holding a PlcPcd with CPs 0 and ccpText and one Pcd */
	GByteArray *clx = g_byte_array_new ();
	put_u8 (clx, 0x02);                 /* clxt: Pcdt */
	put_u32 (clx, 2 * 4 + 8);           /* lcb of the PlcPcd */
	put_u32 (clx, 0);
	put_u32 (clx, (guint32) ccp);
	put_u16 (clx, 0);                   /* Pcd: fNoParaLast etc. */
	if (compressed)                     /* FcCompressed: fCompressed, fc */
		put_u32 (clx, 0x40000000u | (DOC_TEXT_OFFSET * 2));
	else
		put_u32 (clx, DOC_TEXT_OFFSET);
	put_u16 (clx, 0);                   /* prm */
	guint32 clx_len = clx->len;

	GByteArray *w = g_byte_array_new ();
	/* FibBase */
	put_u16 (w, 0xA5EC);                /* wIdent */
	put_u16 (w, 0x00C1);                /* nFib: Word 97 */
	put_u16 (w, 0);                     /* unused */
	put_u16 (w, 0x0409);                /* lid */
	put_u16 (w, 0);                     /* pnNext */
	put_u16 (w, 0x0200 | 0x1000);       /* fWhichTblStm (1Table), fExtChar */
	put_u16 (w, 0x00BF);                /* nFibBack */
	put_u32 (w, 0);                     /* lKey */
	put_u8 (w, 0);                      /* envr */
	put_u8 (w, 0);
	put_u16 (w, 0);
	put_u16 (w, 0);
	put_u32 (w, 0);
	put_u32 (w, 0);
	/* FibRgW97 */
	put_u16 (w, 14);
	for (int i = 0; i < 14; i++)
		put_u16 (w, 0);
	/* FibRgLw97 */
	put_u16 (w, 22);
	gsize cb_mac_at = w->len;
	for (int i = 0; i < 22; i++)
		put_u32 (w, i == 3 ? (guint32) ccp : 0);   /* [3] is ccpText */
	/* FibRgFcLcb97 */
	put_u16 (w, FIB_RG_FC_LCB_97_PAIRS);
	gsize fclcb_at = w->len;
	for (int i = 0; i < FIB_RG_FC_LCB_97_PAIRS; i++) {
		put_u32 (w, 0);
		put_u32 (w, i == FIB_PAIR_CLX ? clx_len : 0);
	}
	put_u16 (w, 0);                     /* cswNew: none for nFib 0x00C1 */
	g_assert (w->len <= DOC_TEXT_OFFSET);
	while (w->len < DOC_TEXT_OFFSET)
		put_u8 (w, 0);
	put_bytes (w, g_bytes_get_data (text, NULL), text_len);

	*data = NULL;
	if (picture) {
		const char *at = memchr (g_bytes_get_data (text, NULL), PICTURE_CHAR, text_len);
		g_assert (at && (at - (const char *) g_bytes_get_data (text, NULL)) % char_size == 0);
		guint32 picture_fc = DOC_TEXT_OFFSET + (guint32) (at - (const char *) g_bytes_get_data (text, NULL));
		guint32 end_fc = DOC_TEXT_OFFSET + (guint32) text_len;
		while (w->len % DOC_PAGE)
			put_u8 (w, 0);
		guint32 fkp_page = w->len / DOC_PAGE;
		put_chpx_fkp (w, DOC_TEXT_OFFSET, end_fc, picture_fc, char_size, 0);
		/* PlcfBteChpx: the FCs the FKP covers and its page number */
		put_u32 (clx, DOC_TEXT_OFFSET);
		put_u32 (clx, end_fc);
		put_u32 (clx, fkp_page);
		set_u32 (w, fclcb_at + FIB_PAIR_PLCF_BTE_CHPX * 8, clx_len);
		set_u32 (w, fclcb_at + FIB_PAIR_PLCF_BTE_CHPX * 8 + 4, 12);
		*data = picture_data (picture);
	}
	set_u32 (w, cb_mac_at, w->len);     /* cbMac */

	*word_document = g_byte_array_free_to_bytes (w);
	*table = g_byte_array_free_to_bytes (clx);
}

GBytes *
word_doc_build (const char *text, const word_picture *picture, const vba_project_spec *p)
{
	GsfOutput *memory;
	GsfOutfile *ole = ole_new (&memory, clsid_word_document);
	g_autoptr (GBytes) word_document = NULL;
	g_autoptr (GBytes) table = NULL;
	g_autoptr (GBytes) data = NULL;
	word_streams (text, picture, &word_document, &table, &data);
	write_stream_bytes (ole, "WordDocument", word_document);
	write_stream_bytes (ole, "1Table", table);
	if (data)
		write_stream_bytes (ole, "Data", data);
	if (p)
		write_vba_storage (ole, "Macros", p);
	return outfile_to_bytes (ole, memory);
}

static GBytes *
build_doc (const char *text, const vba_project_spec *p)
{
	return word_doc_build (text, NULL, p);
}

/* -- Excel 97-2003 (MS-XLS, BIFF8) -- */

static void
biff_record (GByteArray *b, guint type, const GByteArray *data)
{
	put_u16 (b, type);
	put_u16 (b, data ? data->len : 0);
	if (data)
		put_bytes (b, data->data, data->len);
}

static void
biff_bof (GByteArray *b, guint dt)
{
	g_autoptr (GByteArray) r = g_byte_array_new ();
	put_u16 (r, 0x0600);    /* BIFF8 */
	put_u16 (r, dt);        /* 0x0005 globals, 0x0010 worksheet */
	put_u16 (r, 0x0DBB);    /* rupBuild */
	put_u16 (r, 0x07CC);    /* rupYear */
	put_u32 (r, 0x000080C1);  /* file history flags, as Excel 2003 writes */
	put_u32 (r, 0x00000206);  /* lowest BIFF version that can read all records */
	biff_record (b, 0x0809, r);
}

/* XLUnicodeString (2-byte count) or ShortXLUnicodeString (1-byte count),
 * 8-bit characters: the sample names are ASCII. */
static void
put_xl_string (GByteArray *r, const char *ascii, gboolean short_count)
{
	gsize n = strlen (ascii);
	if (short_count)
		put_u8 (r, (guint) n);
	else
		put_u16 (r, (guint) n);
	put_u8 (r, 0);          /* fHighByte: 8-bit characters */
	put_bytes (r, ascii, n);
}

/* A workbook stream with one sheet holding @text in A1, and the code
 * name of ThisWorkbook so that Excel binds the document module.
 * @more_cells: cell records for rows 1 .. @more_rows (the benchmark's larger
 * workbooks), or NULL. */
static GBytes *
workbook_stream (const char *text, gboolean with_code_name, const GByteArray *more_cells, guint more_rows)
{
	GByteArray *b = g_byte_array_new ();
	g_autoptr (GByteArray) r = g_byte_array_new ();

	biff_bof (b, 0x0005);
	g_byte_array_set_size (r, 0);
	put_u16 (r, 1200);      /* CODEPAGE: UTF-16, as BIFF8 always is */
	biff_record (b, 0x0042, r);
	g_byte_array_set_size (r, 0);
	put_u16 (r, 0);         /* WINDOW1: position, size, flags, tabs */
	put_u16 (r, 0);
	put_u16 (r, 0x3000);
	put_u16 (r, 0x2000);
	put_u16 (r, 0x0038);
	put_u16 (r, 0);
	put_u16 (r, 0);
	put_u16 (r, 1);
	put_u16 (r, 0x0258);
	biff_record (b, 0x003D, r);
	/* Four fonts: BIFF readers expect index 4 to be skipped, so writers
	 * emit at least four. */
	for (int i = 0; i < 4; i++) {
		g_byte_array_set_size (r, 0);
		put_u16 (r, 200);   /* 10 pt */
		put_u16 (r, 0);
		put_u16 (r, 0x7FFF);
		put_u16 (r, 400);
		put_u16 (r, 0);
		put_u8 (r, 0);
		put_u8 (r, 0);
		put_u8 (r, 0);
		put_u8 (r, 0);
		put_xl_string (r, "Arial", TRUE);
		biff_record (b, 0x0031, r);
	}
	/* 15 style XFs and one cell XF (index 15), as every BIFF8 writer does */
	static const guint8 style_xf[20] = { 0x00, 0x00, 0x00, 0x00, 0xF5, 0xFF, 0x20, 0x00, 0x00, 0xF4,
	                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x20 };
	static const guint8 cell_xf[20] = { 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00,
	                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x20 };
	for (int i = 0; i < 16; i++) {
		g_byte_array_set_size (r, 0);
		put_bytes (r, i < 15 ? style_xf : cell_xf, 20);
		if (i == 0)
			r->data[9] = 0;   /* the Normal style XF uses every attribute */
		biff_record (b, 0x00E0, r);
	}
	g_byte_array_set_size (r, 0);
	put_u16 (r, 0x8000);    /* STYLE: built-in "Normal" for XF 0 */
	put_u8 (r, 0);
	put_u8 (r, 0xFF);
	biff_record (b, 0x0293, r);
	if (with_code_name) {
		g_byte_array_set_size (r, 0);
		put_xl_string (r, "ThisWorkbook", FALSE);
		biff_record (b, 0x01BA, r);
	}
	gsize boundsheet_at = b->len + 4;
	g_byte_array_set_size (r, 0);
	put_u32 (r, 0);         /* lbPlyPos, set below */
	put_u8 (r, 0);          /* visible */
	put_u8 (r, 0);          /* worksheet */
	put_xl_string (r, "Sheet1", TRUE);
	biff_record (b, 0x0085, r);
	/* SST with the one string; EXTSST points at it */
	gsize sst_at = b->len;
	g_byte_array_set_size (r, 0);
	put_u32 (r, 1);
	put_u32 (r, 1);
	put_xl_string (r, text, FALSE);
	biff_record (b, 0x00FC, r);
	g_byte_array_set_size (r, 0);
	put_u16 (r, 8);         /* strings per bucket */
	put_u32 (r, (guint32) (sst_at + 4 + 8));   /* ib: stream offset of the string */
	put_u16 (r, 4 + 8);                         /* cbOffset: from the record start */
	put_u16 (r, 0);
	biff_record (b, 0x00FF, r);
	biff_record (b, 0x000A, NULL);   /* EOF */

	set_u32 (b, boundsheet_at, b->len);
	biff_bof (b, 0x0010);
	g_byte_array_set_size (r, 0);
	put_u32 (r, 0);         /* DIMENSIONS: rows 0..1 (+ more), columns 0..1 */
	put_u32 (r, 1 + (more_cells ? more_rows : 0));
	put_u16 (r, 0);
	put_u16 (r, 1);
	put_u16 (r, 0);
	biff_record (b, 0x0200, r);
	g_byte_array_set_size (r, 0);
	put_u16 (r, 0);         /* LABELSST: A1, XF 15, string 0 */
	put_u16 (r, 0);
	put_u16 (r, 15);
	put_u32 (r, 0);
	biff_record (b, 0x00FD, r);
	if (more_cells)
		put_bytes (b, more_cells->data, more_cells->len);
	g_byte_array_set_size (r, 0);
	put_u16 (r, 0x06B6);    /* WINDOW2: selected, gridlines, headers, ... */
	put_u16 (r, 0);
	put_u16 (r, 0);
	put_u16 (r, 0x40);
	put_u16 (r, 0);
	put_u16 (r, 0);
	put_u16 (r, 0);
	put_u32 (r, 0);
	biff_record (b, 0x023E, r);
	biff_record (b, 0x000A, NULL);
	return g_byte_array_free_to_bytes (b);
}

static GBytes *
build_xls (const char *text, const GByteArray *more_cells, guint more_rows, const vba_project_spec *p)
{
	GsfOutput *memory;
	GsfOutfile *ole = ole_new (&memory, clsid_excel_sheet);
	g_autoptr (GBytes) workbook = workbook_stream (text, p != NULL, more_cells, more_rows);
	write_stream_bytes (ole, "Workbook", workbook);
	if (p)
		write_vba_storage (ole, "_VBA_PROJECT_CUR", p);
	return outfile_to_bytes (ole, memory);
}

/* ------------------------------------------------------------------ */
/* OOXML packages                                                      */
/* ------------------------------------------------------------------ */

/* Every member's date: 2026-01-15 09:00:00, the samples' one "now"
 * (libgsf writes the DOS date and time from these fields as they are). */
static GDateTime *
fixed_modtime (void)
{
	return g_date_time_new_utc (2026, 1, 15, 9, 0, 0);
}

static void
zip_member (GsfOutfile *zip, const char *name, const void *data, gsize len)
{
	g_autoptr (GDateTime) modtime = fixed_modtime ();
	/* stored: deflate output depends on the zlib build, stored bytes do not */
	g_autoptr (GsfOutput) out = gsf_outfile_new_child_full (zip, name, FALSE,
	                                                        "compression-level", GSF_ZIP_STORED,
	                                                        "modtime", modtime, NULL);
	if (!out)
		g_error ("cannot add %s to a ZIP", name);
	if (len && !gsf_output_write (out, len, data))
		g_error ("cannot write %s", name);
	if (!gsf_output_close (out))
		g_error ("cannot close %s", name);
}

static void
zip_text (GsfOutfile *zip, const char *name, const char *text)
{
	zip_member (zip, name, text, strlen (text));
}

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_SS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define REL_TYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static char *
xml_escape (const char *text)
{
	return g_markup_escape_text (text, -1);
}

static char *
core_xml (const char *title)
{
	g_autofree char *t = xml_escape (title);
	return g_strdup_printf (
		XML_DECL
		"<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
		" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\""
		" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
		"<dc:title>%s</dc:title>"
		"<dc:creator>Taro Yamada (fictitious)</dc:creator>"
		"<cp:lastModifiedBy>Hanako Sato (fictitious)</cp:lastModifiedBy>"
		"<cp:revision>1</cp:revision>"
		"<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-01-15T00:00:00Z</dcterms:created>"
		"<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2026-01-15T00:00:00Z</dcterms:modified>"
		"</cp:coreProperties>", t);
}

static const char app_xml[] =
	XML_DECL
	"<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
	"<Application>mailhunt gen-office (test sample)</Application>"
	"<Company>Example Trading (fictitious)</Company>"
	"</Properties>";

static const char package_rels[] =
	XML_DECL
	"<Relationships xmlns=\"" NS_REL "\">"
	"<Relationship Id=\"rId3\" Type=\"" REL_TYPE "extended-properties\" Target=\"docProps/app.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
	"<Relationship Id=\"rId1\" Type=\"" REL_TYPE "officeDocument\" Target=\"%s\"/>"
	"</Relationships>";

static char *
content_types (const char *main_part, const char *main_type, const char *extra_overrides, gboolean vba,
               gboolean png)
{
	return g_strdup_printf (
		XML_DECL
		"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		"%s%s"
		"<Override PartName=\"/%s\" ContentType=\"%s\"/>"
		"%s"
		"<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
		"<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
		"</Types>",
		vba ? "<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>" : "",
		png ? "<Default Extension=\"png\" ContentType=\"image/png\"/>" : "",
		main_part, main_type, extra_overrides);
}

static GsfOutfile *
zip_new (GsfOutput **memory)
{
	g_autoptr (GError) error = NULL;
	*memory = gsf_output_memory_new ();
	GsfOutfile *zip = gsf_outfile_zip_new (*memory, &error);
	if (!zip)
		g_error ("cannot create a ZIP: %s", error->message);
	return zip;
}

/* An inline picture (DrawingML, ECMA-376 Part 1 20.4.2.8) of
 * word/media/image1.png through the relationship rId3. */
static void
append_inline_picture (GString *x, const word_picture *picture)
{
	guint64 cx = (guint64) picture->width * EMU_PER_PIXEL, cy = (guint64) picture->height * EMU_PER_PIXEL;
	g_string_append_printf (x,
		"<w:p><w:r><w:drawing>"
		"<wp:inline xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\""
		" distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
		"<wp:extent cx=\"%" G_GUINT64_FORMAT "\" cy=\"%" G_GUINT64_FORMAT "\"/>"
		"<wp:docPr id=\"1\" name=\"Picture 1\"/>"
		"<a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">"
		"<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
		"<pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
		"<pic:nvPicPr><pic:cNvPr id=\"0\" name=\"image1.png\"/><pic:cNvPicPr/></pic:nvPicPr>"
		"<pic:blipFill><a:blip r:embed=\"rId3\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
		"<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
		"<a:ext cx=\"%" G_GUINT64_FORMAT "\" cy=\"%" G_GUINT64_FORMAT "\"/></a:xfrm>"
		"<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>"
		"</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
		cx, cy, cx, cy);
}

/* Word body paragraphs from @text (one per line; NULL: none), plus the DDE
 * field when @dde_instruction is set, plus @picture. */
static char *
document_xml (const char *text, const char *dde_instruction, const word_picture *picture)
{
	GString *x = g_string_new (XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>");
	g_auto (GStrv) lines = text ? g_strsplit (text, "\n", -1) : NULL;
	for (int i = 0; lines && lines[i]; i++) {
		g_autofree char *t = xml_escape (lines[i]);
		g_string_append_printf (x, "<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>", t);
	}
	if (dde_instruction) {
		g_autofree char *instr = xml_escape (dde_instruction);
		g_string_append_printf (x,
			"<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
			"<w:r><w:instrText xml:space=\"preserve\"> %s </w:instrText></w:r>"
			"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
			"<w:r><w:t>mailhunt test field (harmless)</w:t></w:r>"
			"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>", instr);
	}
	if (picture)
		append_inline_picture (x, picture);
	g_string_append (x, "<w:sectPr/></w:body></w:document>");
	return g_string_free (x, FALSE);
}

static GBytes *
word_package_full (const char *title, const char *text, const word_picture *picture,
                   const vba_project_spec *p, const char *template_url, const char *dde_instruction)
{
	GsfOutput *memory;
	GsfOutfile *zip = zip_new (&memory);
	const char *main_type = p
		? "application/vnd.ms-word.document.macroEnabled.main+xml"
		: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
	g_autofree char *types = content_types (
		"word/document.xml", main_type,
		"<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
		p != NULL, picture != NULL);
	g_autofree char *rels = g_strdup_printf (package_rels, "word/document.xml");
	g_autofree char *core = core_xml (title);
	g_autofree char *document = document_xml (text, dde_instruction, picture);
	GString *doc_rels = g_string_new (XML_DECL "<Relationships xmlns=\"" NS_REL "\">"
	                                  "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "settings\" Target=\"settings.xml\"/>");
	if (p)
		g_string_append (doc_rels, "<Relationship Id=\"rId2\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/>");
	if (picture)
		g_string_append (doc_rels, "<Relationship Id=\"rId3\" Type=\"" REL_TYPE "image\" Target=\"media/image1.png\"/>");
	g_string_append (doc_rels, "</Relationships>");
	g_autofree char *settings = g_strdup_printf (
		XML_DECL "<w:settings xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\">%s"
		"<w:defaultTabStop w:val=\"720\"/><w:compat/></w:settings>",
		template_url ? "<w:attachedTemplate r:id=\"rId1\"/>" : "");

	zip_text (zip, "[Content_Types].xml", types);
	zip_text (zip, "_rels/.rels", rels);
	zip_text (zip, "docProps/core.xml", core);
	zip_text (zip, "docProps/app.xml", app_xml);
	zip_text (zip, "word/document.xml", document);
	zip_text (zip, "word/_rels/document.xml.rels", doc_rels->str);
	zip_text (zip, "word/settings.xml", settings);
	if (template_url) {
		g_autofree char *url = xml_escape (template_url);
		g_autofree char *settings_rels = g_strdup_printf (
			XML_DECL "<Relationships xmlns=\"" NS_REL "\">"
			"<Relationship Id=\"rId1\" Type=\"" REL_TYPE "attachedTemplate\" Target=\"%s\" TargetMode=\"External\"/>"
			"</Relationships>", url);
		zip_text (zip, "word/_rels/settings.xml.rels", settings_rels);
	}
	if (p) {
		g_autoptr (GBytes) bin = vba_project_bin (p);
		zip_member (zip, "word/vbaProject.bin", g_bytes_get_data (bin, NULL), g_bytes_get_size (bin));
	}
	if (picture)
		zip_member (zip, "word/media/image1.png", g_bytes_get_data (picture->png, NULL),
		            g_bytes_get_size (picture->png));
	g_string_free (doc_rels, TRUE);
	return outfile_to_bytes (zip, memory);
}

static GBytes *
build_word_package (const char *title, const char *text, const vba_project_spec *p,
                    const char *template_url, const char *dde_instruction)
{
	return word_package_full (title, text, NULL, p, template_url, dde_instruction);
}

GBytes *
word_package_build (const char *title, const char *text, const word_picture *picture,
                    const vba_project_spec *p)
{
	return word_package_full (title, text, picture, p, NULL, NULL);
}

/* @more_rows: sheet rows after A1 (the benchmark's larger workbooks), or
 * NULL. */
static GBytes *
build_excel_package (const char *title, const char *text, const char *more_rows, const vba_project_spec *p)
{
	GsfOutput *memory;
	GsfOutfile *zip = zip_new (&memory);
	const char *main_type = p
		? "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
		: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
	g_autofree char *types = content_types (
		"xl/workbook.xml", main_type,
		"<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>",
		p != NULL, FALSE);
	g_autofree char *rels = g_strdup_printf (package_rels, "xl/workbook.xml");
	g_autofree char *core = core_xml (title);
	g_autofree char *t = xml_escape (text);
	g_autofree char *workbook = g_strdup_printf (
		XML_DECL "<workbook xmlns=\"" NS_SS "\" xmlns:r=\"" NS_R "\">"
		"<workbookPr%s/><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
		p ? " codeName=\"ThisWorkbook\"" : "");
	g_autofree char *sheet = g_strdup_printf (
		XML_DECL "<worksheet xmlns=\"" NS_SS "\"><sheetData><row r=\"1\">"
		"<c r=\"A1\" t=\"inlineStr\"><is><t>%s</t></is></c></row>%s</sheetData></worksheet>", t,
		more_rows ? more_rows : "");
	GString *wb_rels = g_string_new (XML_DECL "<Relationships xmlns=\"" NS_REL "\">"
	                                 "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>");
	if (p)
		g_string_append (wb_rels, "<Relationship Id=\"rId2\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vbaProject.bin\"/>");
	g_string_append (wb_rels, "</Relationships>");

	zip_text (zip, "[Content_Types].xml", types);
	zip_text (zip, "_rels/.rels", rels);
	zip_text (zip, "docProps/core.xml", core);
	zip_text (zip, "docProps/app.xml", app_xml);
	zip_text (zip, "xl/workbook.xml", workbook);
	zip_text (zip, "xl/_rels/workbook.xml.rels", wb_rels->str);
	zip_text (zip, "xl/worksheets/sheet1.xml", sheet);
	if (p) {
		g_autoptr (GBytes) bin = vba_project_bin (p);
		zip_member (zip, "xl/vbaProject.bin", g_bytes_get_data (bin, NULL), g_bytes_get_size (bin));
	}
	g_string_free (wb_rels, TRUE);
	return outfile_to_bytes (zip, memory);
}

/* ------------------------------------------------------------------ */
/* A ZIP encrypted with traditional PKWARE encryption (ZipCrypto)      */
/* ------------------------------------------------------------------ */

static guint32 crc_table[256];

static void
crc_table_init (void)
{
	for (guint32 n = 0; n < 256; n++) {
		guint32 c = n;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

static guint32
crc32_byte (guint32 crc, guint8 b)
{
	return crc_table[(crc ^ b) & 0xFF] ^ (crc >> 8);
}

static guint32
crc32_of (const guint8 *data, gsize len)
{
	guint32 crc = 0xFFFFFFFFu;
	for (gsize i = 0; i < len; i++)
		crc = crc32_byte (crc, data[i]);
	return crc ^ 0xFFFFFFFFu;
}

/* APPNOTE.TXT 6.1: the three keys, updated by every plain byte. */
typedef struct {
	guint32 k0, k1, k2;
} zipcrypto_keys;

static void
zipcrypto_update (zipcrypto_keys *k, guint8 plain)
{
	k->k0 = crc32_byte (k->k0, plain);
	k->k1 = (k->k1 + (k->k0 & 0xFF)) * 134775813u + 1;
	k->k2 = crc32_byte (k->k2, (guint8) (k->k1 >> 24));
}

static guint8
zipcrypto_stream_byte (const zipcrypto_keys *k)
{
	guint16 temp = (guint16) ((k->k2 | 2) & 0xFFFF);
	return (guint8) (((guint32) temp * (temp ^ 1)) >> 8);
}

static void
zipcrypto_encrypt (zipcrypto_keys *k, GByteArray *out, const guint8 *plain, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		put_u8 (out, plain[i] ^ zipcrypto_stream_byte (k));
		zipcrypto_update (k, plain[i]);
	}
}

#define DOS_DATE (((2026 - 1980) << 9) | (1 << 5) | 15)   /* 2026-01-15 */
#define DOS_TIME ((9 << 11) | (0 << 5) | 0)               /* 09:00:00 */

/* One stored member, encrypted.  The 12-byte encryption header would be
 * random; here it is fixed so that the archive is the same on every run.
 * Its last byte is the high byte of the CRC, which readers check the
 * password against. */
static GBytes *
build_encrypted_zip (const char *member, GBytes *content, const char *password)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (content, &len);
	guint32 crc = crc32_of (data, len);
	guint8 header[12] = { 0x6D, 0x61, 0x69, 0x6C, 0x68, 0x75, 0x6E, 0x74, 0x20, 0x21, 0x21, 0 };
	header[11] = (guint8) (crc >> 24);

	zipcrypto_keys k = { 0x12345678u, 0x23456789u, 0x34567890u };
	for (const char *p = password; *p; p++)
		zipcrypto_update (&k, (guint8) *p);
	g_autoptr (GByteArray) encrypted = g_byte_array_new ();
	zipcrypto_encrypt (&k, encrypted, header, sizeof header);
	zipcrypto_encrypt (&k, encrypted, data, len);

	GByteArray *z = g_byte_array_new ();
	guint16 name_len = (guint16) strlen (member);
	/* local file header */
	put_u32 (z, 0x04034B50);
	put_u16 (z, 20);            /* version needed: 2.0 (encryption) */
	put_u16 (z, 0x0001);        /* flags: encrypted */
	put_u16 (z, 0);             /* stored */
	put_u16 (z, DOS_TIME);
	put_u16 (z, DOS_DATE);
	put_u32 (z, crc);
	put_u32 (z, encrypted->len);
	put_u32 (z, (guint32) len);
	put_u16 (z, name_len);
	put_u16 (z, 0);
	put_bytes (z, member, name_len);
	put_bytes (z, encrypted->data, encrypted->len);
	/* central directory */
	guint32 cd_at = z->len;
	put_u32 (z, 0x02014B50);
	put_u16 (z, 20);            /* made by: MS-DOS, 2.0 */
	put_u16 (z, 20);
	put_u16 (z, 0x0001);
	put_u16 (z, 0);
	put_u16 (z, DOS_TIME);
	put_u16 (z, DOS_DATE);
	put_u32 (z, crc);
	put_u32 (z, encrypted->len);
	put_u32 (z, (guint32) len);
	put_u16 (z, name_len);
	put_u16 (z, 0);             /* extra */
	put_u16 (z, 0);             /* comment */
	put_u16 (z, 0);             /* disk */
	put_u16 (z, 0);             /* internal attributes */
	put_u32 (z, 0x20);          /* external: archive bit */
	put_u32 (z, 0);             /* local header offset */
	put_bytes (z, member, name_len);
	guint32 cd_len = z->len - cd_at;
	/* end of central directory */
	put_u32 (z, 0x06054B50);
	put_u16 (z, 0);
	put_u16 (z, 0);
	put_u16 (z, 1);
	put_u16 (z, 1);
	put_u32 (z, cd_len);
	put_u32 (z, cd_at);
	put_u16 (z, 0);
	return g_byte_array_free_to_bytes (z);
}

/* ------------------------------------------------------------------ */
/* Mail                                                                */
/* ------------------------------------------------------------------ */

static gboolean
is_ascii (const char *s)
{
	for (; *s; s++)
		if ((guint8) *s >= 0x80)
			return FALSE;
	return TRUE;
}

/* RFC 2047 B-words in ISO-2022-JP, cut at whole characters so that each
 * word stays short and ends in ASCII (glibc's converter closes the escape
 * at the end of each piece). */
static char *
encode_subject (const char *utf8)
{
	if (is_ascii (utf8))
		return g_strdup (utf8);
	GString *out = g_string_new (NULL);
	const char *p = utf8;
	while (*p) {
		const char *end = p;
		for (int chars = 0; *end && chars < 10; chars++)
			end = g_utf8_next_char (end);
		g_autofree char *piece = g_strndup (p, (gsize) (end - p));
		g_autoptr (GBytes) jis = convert_or_die (piece, "ISO-2022-JP");
		g_autofree char *b64 = g_base64_encode (g_bytes_get_data (jis, NULL), g_bytes_get_size (jis));
		if (p != utf8)
			g_string_append (out, "\r\n ");
		g_string_append_printf (out, "=?ISO-2022-JP?B?%s?=", b64);
		p = end;
	}
	return g_string_free (out, FALSE);
}

static void
append_base64_lines (GString *out, const guint8 *data, gsize len)
{
	g_autofree char *b64 = g_base64_encode (data, len);
	gsize n = strlen (b64);
	for (gsize i = 0; i < n; i += 76) {
		g_string_append_len (out, b64 + i, (gssize) MIN (76, n - i));
		g_string_append (out, "\r\n");
	}
}

typedef struct {
	const char *date;
	const char *message_id;
	const char *subject;    /* UTF-8 */
	const char *body;       /* UTF-8, LF */
	const char *boundary;
	const char *filename;   /* ASCII */
	const char *type;
} mail_spec;

static GBytes *
build_mail (const mail_spec *m, GBytes *attachment)
{
	g_autofree char *subject = encode_subject (m->subject);
	g_autofree char *body_crlf = to_crlf (m->body);
	gboolean jis = !is_ascii (m->body);
	g_autoptr (GBytes) body = jis ? convert_or_die (body_crlf, "ISO-2022-JP")
	                               : g_bytes_new (body_crlf, strlen (body_crlf));
	GString *out = g_string_new (NULL);

	g_string_append (out,
		"Return-Path: <taro.yamada@example.invalid>\r\n"
		"Received: from mail.example.invalid (mail.example.invalid [192.0.2.25])\r\n"
		"\tby mx.example.invalid (Postfix) with ESMTPS id 7A1B2C3D4E\r\n"
		"\tfor <hanako.sato@example.invalid>; ");
	g_string_append_printf (out, "%s\r\n", m->date);
	g_string_append_printf (out, "Date: %s\r\n", m->date);
	g_string_append (out, "From: \"Taro Yamada (fictitious)\" <taro.yamada@example.invalid>\r\n"
	                      "To: \"Hanako Sato (fictitious)\" <hanako.sato@example.invalid>\r\n");
	g_string_append_printf (out, "Subject: %s\r\n", subject);
	g_string_append_printf (out, "Message-ID: <%s@example.invalid>\r\n", m->message_id);
	g_string_append (out, "X-Mailer: mailhunt gen-office (harmless test sample)\r\n"
	                      "MIME-Version: 1.0\r\n");
	g_string_append_printf (out, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", m->boundary);
	g_string_append (out, "This is a multi-part message in MIME format.\r\n");
	g_string_append_printf (out, "--%s\r\n", m->boundary);
	g_string_append_printf (out, "Content-Type: text/plain; charset=%s\r\n"
	                        "Content-Transfer-Encoding: 7bit\r\n\r\n",
	                        jis ? "ISO-2022-JP" : "us-ascii");
	g_string_append_len (out, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));
	g_string_append_printf (out, "\r\n--%s\r\n", m->boundary);
	g_string_append_printf (out, "Content-Type: %s;\r\n name=\"%s\"\r\n", m->type, m->filename);
	g_string_append_printf (out, "Content-Disposition: attachment;\r\n filename=\"%s\"\r\n", m->filename);
	g_string_append (out, "Content-Transfer-Encoding: base64\r\n\r\n");
	gsize len;
	const guint8 *data = g_bytes_get_data (attachment, &len);
	append_base64_lines (out, data, len);
	g_string_append_printf (out, "\r\n--%s--\r\n", m->boundary);
	gsize out_len = out->len;
	return g_bytes_new_take (g_string_free (out, FALSE), out_len);
}

/* ------------------------------------------------------------------ */
/* The samples                                                         */
/* ------------------------------------------------------------------ */

static const char text_plain[] =
	"Sample document generated by mailhunt's test suite. It is harmless.";
static const char text_lure[] =
	"This document was created in an earlier version. Enable Content to view it.\n"
	"(mailhunt test sample \xE2\x80\x94 harmless)";

#define MSGBOX_ONLY \
	"    ' mailhunt test sample: shows a message and does nothing else\n" \
	"    MsgBox \"mailhunt test sample: this macro only shows this message.\", vbInformation, \"mailhunt\"\n"

const vba_project_spec project_autoopen = {
	.id = "{6D61696C-6875-6E74-0001-000000000001}", .host = HOST_WORD, .codepage = 1252,
	.seeds = { 0x8A, 0xA3, 0xBC },
	.modules = {
		{ "ThisDocument", MODULE_DOCUMENT, "" },
		{ "Module1", MODULE_STANDARD,
		  "Sub AutoOpen()\n" MSGBOX_ONLY "End Sub\n" },
	},
};

const vba_project_spec project_document_open = {
	.id = "{6D61696C-6875-6E74-0001-000000000002}", .host = HOST_WORD, .codepage = 1252,
	.seeds = { 0x41, 0x56, 0x6F },
	.modules = {
		{ "ThisDocument", MODULE_DOCUMENT,
		  "Private Sub Document_Open()\n" MSGBOX_ONLY "End Sub\n" },
	},
};

static const vba_project_spec project_workbook_open = {
	.id = "{6D61696C-6875-6E74-0001-000000000003}", .host = HOST_EXCEL, .codepage = 1252,
	.seeds = { 0x22, 0x35, 0x97 },
	.modules = {
		{ "ThisWorkbook", MODULE_DOCUMENT,
		  "Private Sub Workbook_Open()\n" MSGBOX_ONLY "End Sub\n" },
		{ "Module1", MODULE_STANDARD,
		  "' mailhunt test sample: a harmless helper that nothing calls\n"
		  "Public Function SampleGreeting() As String\n"
		  "    SampleGreeting = \"Hello from a mailhunt test sample\"\n"
		  "End Function\n" },
	},
};

/* Japanese is the normal case for mailhunt's users: a project in code
 * page 932 whose source holds Shift_JIS text. */
static const vba_project_spec project_japanese = {
	.id = "{6D61696C-6875-6E74-0001-000000000004}", .host = HOST_WORD, .codepage = 932,
	.seeds = { 0x5C, 0x7E, 0x13 },
	.modules = {
		{ "ThisDocument", MODULE_DOCUMENT,
		  "Private Sub Document_Open()\n"
		  "    ' mailhunt テスト用サンプル：メッセージを表示するだけ\n"
		  "    MsgBox \"このマクロはメッセージを表示するだけです（mailhunt テスト用サンプル・無害）\", vbInformation, \"mailhunt\"\n"
		  "End Sub\n" },
	},
};

/* The suspicious constructs live in a Sub that no auto-exec procedure
 * calls; even run, they would echo "test" and print "Write-Output test".
 * The base64 string is filled in at run time (encoded_command). */
static const char uncalled_code_format[] =
	"' mailhunt test sample: nothing calls NeverCalled.  Even if it ran, it\n"
	"' would only echo \"test\"; the encoded command is Write-Output test.\n"
	"Sub NeverCalled()\n"
	"    Dim shellObject As Object\n"
	"    Dim command As String\n"
	"    command = \"powershell -NoProfile -EncodedCommand \" & \"%s\"\n"
	"    Shell \"cmd /c echo test\"\n"
	"    Set shellObject = CreateObject(\"WScript.Shell\")\n"
	"    Debug.Print command\n"
	"End Sub\n";

static vba_project_spec project_uncalled = {
	.id = "{6D61696C-6875-6E74-0001-000000000005}", .host = HOST_WORD, .codepage = 1252,
	.seeds = { 0x68, 0x2D, 0xE4 },
	.modules = {
		{ "ThisDocument", MODULE_DOCUMENT,
		  "Private Sub Document_Open()\n" MSGBOX_ONLY "End Sub\n" },
		{ "Module1", MODULE_STANDARD, NULL /* uncalled_code_format, filled in main () */ },
	},
};

const vba_project_spec project_macros_only = {
	.id = "{6D61696C-6875-6E74-0001-000000000006}", .host = HOST_WORD, .codepage = 1252,
	.seeds = { 0x30, 0x4B, 0xC6 },
	.modules = {
		{ "ThisDocument", MODULE_DOCUMENT, "" },
		{ "Module1", MODULE_STANDARD,
		  "' mailhunt test sample: runs only when someone starts it by hand\n"
		  "Sub ShowGreeting()\n" MSGBOX_ONLY "End Sub\n" },
	},
};

typedef enum {
	BUILD_DOC,
	BUILD_XLS,
	BUILD_WORD_PACKAGE,
	BUILD_EXCEL_PACKAGE,
} build_kind;

typedef struct {
	const char *file;         /* below the output directory */
	const char *kind;         /* doc, docm, docx, xls, xlsm */
	build_kind  build;
	const vba_project_spec *project;   /* NULL: no macros */
	const char *text;         /* the document's visible text */
	const char *template_url; /* remote attached template (docx) */
	const char *dde;          /* DDEAUTO field instruction (docx) */
	const char *verdict;      /* expected: clean, macros, suspicious, malicious */
	const char *findings;     /* expected finding ids, sorted, comma-separated */
	const char *facts;        /* other facts it carries, "key=value; ..." */
	const char *about;        /* README */
	/* the mail that carries it */
	const char *mail_subject; /* UTF-8 */
	const char *mail_body;
} office_sample;

#define SAMPLE_COUNT 11
static const char powershell_plain[] = "Write-Output test";

static const office_sample office_samples[SAMPLE_COUNT] = {
	{ "autoopen.doc", "doc", BUILD_DOC, &project_autoopen, text_lure, NULL, NULL,
	  "suspicious", "vba.autoexec,vba.macros", "autoexec=AutoOpen; codepage=1252; storage=Macros",
	  "Word 97-2003 document with a lure-like text; Module1's AutoOpen shows a message box.",
	  "【テスト】請求書の送付（mailhunt サンプル）",
	  "佐藤様\n\nmailhunt のテスト用サンプルです（無害）。\n請求書を添付いたします。\n\n"
	  "This is a harmless mailhunt test sample.\n" },
	{ "document_open.docm", "docm", BUILD_WORD_PACKAGE, &project_document_open, text_lure, NULL, NULL,
	  "suspicious", "vba.autoexec,vba.macros", "autoexec=Document_Open; codepage=1252; storage=word/vbaProject.bin",
	  "Word macro-enabled document; ThisDocument's Document_Open shows a message box.",
	  "Invoice for January (mailhunt test sample)",
	  "Hello,\n\nplease find the invoice attached.\n\nThis is a harmless mailhunt test sample.\n" },
	{ "workbook_open.xls", "xls", BUILD_XLS, &project_workbook_open, text_plain, NULL, NULL,
	  "suspicious", "vba.autoexec,vba.macros", "autoexec=Workbook_Open; codepage=1252; storage=_VBA_PROJECT_CUR",
	  "Excel 97-2003 workbook (BIFF8); ThisWorkbook's Workbook_Open shows a message box; "
	  "Module1 holds a harmless function.",
	  "【テスト】見積書の送付（mailhunt サンプル）",
	  "佐藤様\n\nmailhunt のテスト用サンプルです（無害）。\n見積書を添付いたします。\n\n"
	  "This is a harmless mailhunt test sample.\n" },
	{ "workbook_open.xlsm", "xlsm", BUILD_EXCEL_PACKAGE, &project_workbook_open, text_plain, NULL, NULL,
	  "suspicious", "vba.autoexec,vba.macros", "autoexec=Workbook_Open; codepage=1252; storage=xl/vbaProject.bin",
	  "Excel macro-enabled workbook with the same project as workbook_open.xls.",
	  "Quotation (mailhunt test sample)",
	  "Hello,\n\nplease find the quotation attached.\n\nThis is a harmless mailhunt test sample.\n" },
	{ "japanese_cp932.docm", "docm", BUILD_WORD_PACKAGE, &project_japanese, text_lure, NULL, NULL,
	  "suspicious", "vba.autoexec,vba.macros", "autoexec=Document_Open; codepage=932; storage=word/vbaProject.bin",
	  "Word macro-enabled document whose VBA project uses code page 932: Document_Open shows a "
	  "Japanese message box written in Shift_JIS.",
	  "【テスト】納品書のご確認（mailhunt サンプル）",
	  "佐藤様\n\nmailhunt のテスト用サンプルです（無害）。\n納品書をご確認ください。\n\n"
	  "This is a harmless mailhunt test sample.\n" },
	{ "uncalled_sub.docm", "docm", BUILD_WORD_PACKAGE, &project_uncalled, text_lure, NULL, NULL,
	  "suspicious", "vba.autoexec,vba.execute,vba.macros,vba.obfuscation,vba.powershell",
	  "autoexec=Document_Open; uncalled=NeverCalled; base64=Write-Output test; codepage=1252; storage=word/vbaProject.bin",
	  "Document_Open only shows a message box. Module1's NeverCalled, which nothing calls, holds "
	  "Shell \"cmd /c echo test\", CreateObject(\"WScript.Shell\") and a PowerShell -EncodedCommand "
	  "string whose base64 decodes (UTF-16LE) to `Write-Output test`: execute code that no auto-exec "
	  "procedure reaches, hence suspicious, not malicious.",
	  "【テスト】ご注文内容の確認（mailhunt サンプル）",
	  "佐藤様\n\nmailhunt のテスト用サンプルです（無害）。\nご注文内容をご確認ください。\n\n"
	  "This is a harmless mailhunt test sample.\n" },
	{ "macros_only.docm", "docm", BUILD_WORD_PACKAGE, &project_macros_only, text_plain, NULL, NULL,
	  "macros", "vba.macros", "codepage=1252; storage=word/vbaProject.bin",
	  "Word macro-enabled document with a macro that only a person can start (no auto-exec).",
	  "Meeting notes (mailhunt test sample)",
	  "Hello,\n\nthe meeting notes are attached.\n\nThis is a harmless mailhunt test sample.\n" },
	{ "remote_template.docx", "docx", BUILD_WORD_PACKAGE, NULL, text_lure,
	  "http://templates.example.invalid/lure.dotx", NULL,
	  "suspicious", "doc.remote-template",
	  "template=http://templates.example.invalid/lure.dotx",
	  "Word document without macros whose settings attach a template on a `.invalid` host "
	  "(TargetMode=External): Word would fetch it on opening; the host cannot exist.",
	  "【テスト】資料の送付（mailhunt サンプル）",
	  "佐藤様\n\nmailhunt のテスト用サンプルです（無害）。\n資料を添付いたします。\n\n"
	  "This is a harmless mailhunt test sample.\n" },
	{ "dde_field.docx", "docx", BUILD_WORD_PACKAGE, NULL, text_plain,
	  NULL, "DDEAUTO \"mailhunt-sample\" \"harmless-topic\"",
	  "suspicious", "doc.dde",
	  "dde=DDEAUTO \"mailhunt-sample\" \"harmless-topic\"",
	  "Word document with a DDEAUTO field that names no real program or topic.",
	  "Report (mailhunt test sample)",
	  "Hello,\n\nthe report is attached.\n\nThis is a harmless mailhunt test sample.\n" },
	{ "dde_field.doc", "doc", BUILD_DOC, NULL, text_plain,
	  NULL, "DDEAUTO \"mailhunt-sample\" \"harmless-topic\"",
	  "suspicious", "doc.dde",
	  "dde=DDEAUTO \"mailhunt-sample\" \"harmless-topic\"",
	  "Word 97-2003 document whose text holds the same DDEAUTO field between the field "
	  "characters 0x13, 0x14 and 0x15 (no field table: Word itself may show it as text).",
	  "【テスト】報告書（mailhunt サンプル）",
	  "佐藤様\n\nmailhunt のテスト用サンプルです（無害）。\n報告書を添付いたします。\n\n"
	  "This is a harmless mailhunt test sample.\n" },
	{ "plain.docx", "docx", BUILD_WORD_PACKAGE, NULL, text_plain, NULL, NULL,
	  "clean", "", "",
	  "Word document with text only: the negative control.",
	  "【テスト】議事録（mailhunt サンプル）",
	  "佐藤様\n\nmailhunt のテスト用サンプルです（無害）。\n議事録を添付いたします。\n\n"
	  "This is a harmless mailhunt test sample.\n" },
};

/* The password-protected ZIP and its mail. */
#define ZIP_PASSWORD "Mh2026test"
#define ZIP_MEMBER "uncalled_sub.docm"
#define ZIP_NAME "uncalled_sub.zip"
#define ZIP_MAIL "mail/password_zip.eml"

static const char zip_mail_subject[] = "【テスト】パスワード付きファイルの送付（mailhunt サンプル）";
static const char zip_mail_body[] =
	"佐藤様\n"
	"\n"
	"mailhunt のテスト用サンプルです（無害）。\n"
	"添付ファイルは暗号化 ZIP です。\n"
	"\n"
	"パスワード：" ZIP_PASSWORD "\n"
	"\n"
	"This is a harmless mailhunt test sample; the attached ZIP is encrypted.\n"
	"Password: " ZIP_PASSWORD "\n";

static const char *
mime_type (const char *kind)
{
	if (strcmp (kind, "doc") == 0) return "application/msword";
	if (strcmp (kind, "docm") == 0) return "application/vnd.ms-word.document.macroEnabled.12";
	if (strcmp (kind, "docx") == 0) return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
	if (strcmp (kind, "xls") == 0) return "application/vnd.ms-excel";
	if (strcmp (kind, "xlsm") == 0) return "application/vnd.ms-excel.sheet.macroEnabled.12";
	return "application/octet-stream";
}

static const office_sample *
find_sample (const char *file)
{
	for (int i = 0; i < SAMPLE_COUNT; i++)
		if (strcmp (office_samples[i].file, file) == 0)
			return &office_samples[i];
	g_error ("no sample %s", file);
	return NULL;
}

static GBytes *
build_sample (const office_sample *s)
{
	switch (s->build) {
	case BUILD_DOC: {
		/* a field in Word's binary text: begin, instruction, separator,
		 * result, end */
		g_autofree char *text = s->dde
			? g_strdup_printf ("%s\n\x13 %s \x14mailhunt test field (harmless)\x15", s->text, s->dde)
			: g_strdup (s->text);
		return build_doc (text, s->project);
	}
	case BUILD_XLS:
		return build_xls (s->text, NULL, 0, s->project);
	case BUILD_WORD_PACKAGE:
		return build_word_package (s->file, s->text, s->project, s->template_url, s->dde);
	case BUILD_EXCEL_PACKAGE:
		return build_excel_package (s->file, s->text, NULL, s->project);
	}
	g_assert_not_reached ();
}

static char *
module_names (const vba_project_spec *p)
{
	GString *out = g_string_new (NULL);
	for (int i = 0; p && i < MAX_MODULES && p->modules[i].name; i++)
		g_string_append_printf (out, "%s%s", i ? "," : "", p->modules[i].name);
	return g_string_free (out, FALSE);
}

void
gen_write_file (const char *outdir, const char *rel, const void *data, gsize len)
{
	g_autofree char *path = g_build_filename (outdir, rel, NULL);
	g_autofree char *dir = g_path_get_dirname (path);
	g_autoptr (GError) error = NULL;
	if (g_mkdir_with_parents (dir, 0755) != 0)
		g_error ("cannot create %s: %s", dir, g_strerror (errno));
	if (!g_file_set_contents (path, data, (gssize) len, &error))
		g_error ("cannot write %s: %s", path, error->message);
}

void
gen_write_bytes (const char *outdir, const char *rel, GBytes *bytes)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	gen_write_file (outdir, rel, data, len);
}

/* The encoded command of uncalled_sub.docm: base64 of the UTF-16LE bytes,
 * as PowerShell's -EncodedCommand takes it. */
static char *
encoded_command (void)
{
	g_autoptr (GBytes) utf16 = convert_or_die (powershell_plain, "UTF-16LE");
	return g_base64_encode (g_bytes_get_data (utf16, NULL), g_bytes_get_size (utf16));
}

static const char expected_head[] =
	"file\tkind\tverdict\tfindings\tmodules\tattachment\tpassword\tfacts\n";

static const char readme_head[] =
	"# samples-benign/office: harmless Office documents with known facts\n"
	"\n"
	"Everything in this directory is **generated** by `tests/gen-office.c` and must\n"
	"not be edited by hand: change the generator, run `make office-samples` (it\n"
	"rewrites this directory from the build tree) and commit both.\n"
	"`tests/office-samples.py` fails when the committed files and a fresh run of the\n"
	"generator differ.\n"
	"\n"
	"**Nothing here is harmful.** The macros only show a message box. The one\n"
	"document with dangerous-looking code (`uncalled_sub.docm`) keeps it in a Sub\n"
	"that nothing calls, and even that code would only run `cmd /c echo test` and\n"
	"hold a PowerShell command that decodes to `Write-Output test`. The remote\n"
	"template points at a `.invalid` host, which cannot exist (RFC 2606); the DDE\n"
	"fields name no real program. The people and companies are fictitious and\n"
	"their addresses are at `example.invalid`.\n"
	"\n"
	"How they are built: OLE2 files with libgsf's GsfOutfileMSOle, OOXML packages\n"
	"with GsfOutfileZip (members stored, fixed dates), VBA projects record by record\n"
	"after MS-OVBA 2.3 (PROJECT with CMG/DPB/GC meaning \"not protected\", PROJECTwm,\n"
	"`_VBA_PROJECT` version 0xFFFF without p-code, a `dir` stream with every required\n"
	"record, module streams holding source only) compressed by mailhunt's own MS-OVBA\n"
	"compressor. The encrypted ZIP uses traditional PKWARE encryption (ZipCrypto)\n"
	"with a fixed encryption header, so the output is the same on every run.\n"
	"\n"
	"## Layout\n"
	"\n"
	"    *.doc *.docm *.docx *.xls *.xlsm   the documents\n"
	"    mail/<document>.eml                one mail per document, carrying it\n"
	"    mail/password_zip.eml              " ZIP_NAME " (ZipCrypto, password " ZIP_PASSWORD ")\n"
	"                                       holding " ZIP_MEMBER "; the password is in the body\n"
	"    expected.tsv                       one row per file (below)\n"
	"\n"
	"`expected.tsv` columns: `file` (below this directory), `kind`, `verdict` (what\n"
	"mailhunt should conclude: for a mail, the highest verdict of its attachment and\n"
	"everything inside it), `findings` (the finding ids the file was built to carry,\n"
	"comma-separated and sorted; `vba.macros` wherever there is a VBA project; for a\n"
	"mail, those of its attachment and what is inside it), `modules` (VBA module\n"
	"names), `attachment` (for a mail: the attached file; for the ZIP mail also\n"
	"`zip-member=`), `password` (the ZIP password, found in the mail body), `facts`\n"
	"(other facts, `key=value; ...`: the auto-exec procedure, the uncalled Sub, what\n"
	"the base64 string decodes to, the code page, where the VBA project is stored,\n"
	"the remote template, the DDE field, the decoded mail subject).\n"
	"\n"
	"The ZIP in `mail/password_zip.eml` is opened with the password its mail gives,\n"
	"so its row expects `archive.password-in-body` and the findings of the document\n"
	"inside, not those of an archive that stays closed.\n"
	"\n"
	"## Samples\n"
	"\n";

static void
write_expected_and_readme (const char *outdir)
{
	GString *tsv = g_string_new (expected_head);
	GString *md = g_string_new (readme_head);
	g_string_append (md, "| file | verdict | findings | modules |\n|---|---|---|---|\n");

	for (int i = 0; i < SAMPLE_COUNT; i++) {
		const office_sample *s = &office_samples[i];
		g_autofree char *modules = module_names (s->project);
		g_string_append_printf (tsv, "%s\t%s\t%s\t%s\t%s\t\t\t%s\n", s->file, s->kind, s->verdict,
		                        s->findings, modules, s->facts);
		g_string_append_printf (md, "| `%s` | %s | %s | %s |\n", s->file, s->verdict,
		                        *s->findings ? s->findings : "none", *modules ? modules : "");
	}
	for (int i = 0; i < SAMPLE_COUNT; i++) {
		const office_sample *s = &office_samples[i];
		g_autofree char *modules = module_names (s->project);
		g_string_append_printf (tsv, "mail/%s.eml\teml\t%s\t%s\t%s\t%s\t\tsubject=%s\n", s->file,
		                        s->verdict, s->findings, modules, s->file, s->mail_subject);
	}
	const office_sample *zipped = find_sample (ZIP_MEMBER);
	g_autofree char *zip_modules = module_names (zipped->project);
	g_string_append_printf (tsv, "%s\teml\t%s\tarchive.password-in-body,%s\t%s\t%s; zip-member=%s\t%s\t"
	                        "password_source=mail-body; zip-encryption=ZipCrypto; subject=%s\n",
	                        ZIP_MAIL, zipped->verdict, zipped->findings, zip_modules, ZIP_NAME, ZIP_MEMBER,
	                        ZIP_PASSWORD, zip_mail_subject);
	g_string_append_printf (md, "| `%s` | %s | archive.password-in-body + those of `%s` | %s |\n",
	                        ZIP_MAIL, zipped->verdict, ZIP_MEMBER, zip_modules);
	g_string_append (md, "\n");
	for (int i = 0; i < SAMPLE_COUNT; i++) {
		const office_sample *s = &office_samples[i];
		g_string_append_printf (md, "### %s\n\n%s\n\nMail: `mail/%s.eml` — %s\n\n", s->file, s->about,
		                        s->file, s->mail_subject);
	}
	g_string_append_printf (md, "### %s\n\n`%s` in `%s`, encrypted with ZipCrypto; the mail body gives the\n"
	                        "password in Japanese and English (`パスワード：%s` / `Password: %s`).\n"
	                        "Opened with it, the member is the same document as `%s`.\n",
	                        ZIP_MAIL, ZIP_MEMBER, ZIP_NAME, ZIP_PASSWORD, ZIP_PASSWORD, ZIP_MEMBER);
	gen_write_file (outdir, "expected.tsv", tsv->str, tsv->len);
	gen_write_file (outdir, "README.md", md->str, md->len);
	g_string_free (tsv, TRUE);
	g_string_free (md, TRUE);
}

static void
generate (const char *outdir)
{
	GBytes *zipped_document = NULL;

	for (int i = 0; i < SAMPLE_COUNT; i++) {
		const office_sample *s = &office_samples[i];
		g_autoptr (GBytes) document = build_sample (s);
		gen_write_bytes (outdir, s->file, document);

		g_autofree char *rel = g_strdup_printf ("mail/%s.eml", s->file);
		g_autofree char *message_id = g_strdup_printf ("office-sample-%02d.%s", i + 1, s->kind);
		g_autofree char *boundary = g_strdup_printf ("------------mailhunt-office-%02d", i + 1);
		g_autofree char *date = g_strdup_printf ("Thu, 15 Jan 2026 %02d:%02d:00 +0900", 9 + i / 6, (i % 6) * 10);
		mail_spec m = {
			.date = date, .message_id = message_id, .subject = s->mail_subject,
			.body = s->mail_body, .boundary = boundary, .filename = s->file, .type = mime_type (s->kind),
		};
		g_autoptr (GBytes) mail = build_mail (&m, document);
		gen_write_bytes (outdir, rel, mail);
		if (strcmp (s->file, ZIP_MEMBER) == 0)
			zipped_document = g_bytes_ref (document);
	}
	g_assert (zipped_document);
	g_autoptr (GBytes) zip = build_encrypted_zip (ZIP_MEMBER, zipped_document, ZIP_PASSWORD);
	mail_spec m = {
		.date = "Thu, 15 Jan 2026 11:00:00 +0900", .message_id = "office-sample-zip",
		.subject = zip_mail_subject, .body = zip_mail_body,
		.boundary = "------------mailhunt-office-zip", .filename = ZIP_NAME, .type = "application/zip",
	};
	g_autoptr (GBytes) mail = build_mail (&m, zip);
	gen_write_bytes (outdir, ZIP_MAIL, mail);
	g_bytes_unref (zipped_document);
	write_expected_and_readme (outdir);
}

/* ------------------------------------------------------------------ */
/* --verify: the library's reader gives back what was written          */
/* ------------------------------------------------------------------ */

/* Without the Attribute lines and with LF line ends: the reader may or
 * may not strip the attributes, the code must be the same. */
static char *
code_only (const char *source, gsize len)
{
	g_autofree char *copy = g_strndup (source, len);
	GString *out = g_string_new (NULL);
	g_auto (GStrv) lines = g_strsplit (copy, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		gsize n = strlen (lines[i]);
		if (n && lines[i][n - 1] == '\r')
			lines[i][n - 1] = '\0';
		if (g_str_has_prefix (lines[i], "Attribute VB_"))
			continue;
		if (!lines[i + 1] && !*lines[i])
			break;   /* the text's own last newline */
		g_string_append_printf (out, "%s\n", lines[i]);
	}
	return g_string_free (out, FALSE);
}

static void
verify_project (const char *file, GsfInfile *storage, const char *location, const vba_project_spec *spec)
{
	mh_office_limits limits;
	mh_office_limits_init_default (&limits);
	mh_vba_project *project = _mh_vba_project_read (storage, location, &limits);

	if (project->modules->len == 0) {
		const char *why = project->problems->len ? g_ptr_array_index (project->problems, 0) : "no modules";
		g_print ("%s\t-\tunread\t%s\n", file, why);
		_mh_vba_project_free (project);
		return;
	}
	/* a well-formed project reads without a single complaint */
	for (guint j = 0; j < project->problems->len; j++)
		g_print ("%s\t-\tproblem\t%s\n", file, (const char *) g_ptr_array_index (project->problems, j));
	if (project->stomped)
		g_print ("%s\t-\tdiffers\treported as stomped: %s\n", file,
		         project->stomping_evidence ? project->stomping_evidence : "");
	if (project->codepage != spec->codepage)
		g_print ("%s\t-\tdiffers\tcode page %u, written %u\n", file, project->codepage, spec->codepage);
	for (int i = 0; i < MAX_MODULES && spec->modules[i].name; i++) {
		const vba_module_spec *m = &spec->modules[i];
		const mh_vba_module *found = NULL;
		for (guint j = 0; j < project->modules->len; j++) {
			const mh_vba_module *mod = g_ptr_array_index (project->modules, j);
			if (g_strcmp0 (mod->name, m->name) == 0)
				found = mod;
		}
		if (!found || !found->source) {
			g_print ("%s\t%s\tmissing\t%s\n", file, m->name, found ? "no source" : "no such module");
			continue;
		}
		g_autofree char *got = code_only (found->source, found->source_len);
		g_autofree char *want = code_only (m->code, strlen (m->code));
		if (strcmp (got, want) != 0) {
			g_autofree char *got_escaped = g_strescape (got, "");
			g_print ("%s\t%s\tdiffers\t%s\n", file, m->name, got_escaped);
		} else if (g_strcmp0 (found->kind, m->kind == MODULE_DOCUMENT ? "document" : "standard") != 0)
			g_print ("%s\t%s\tdiffers\tkind %s\n", file, m->name, found->kind ? found->kind : "(none)");
		else
			g_print ("%s\t%s\tok\t%s\n", file, m->name, found->kind);
	}
	for (guint j = 0; j < project->modules->len; j++) {
		const mh_vba_module *mod = g_ptr_array_index (project->modules, j);
		gboolean known = FALSE;
		for (int i = 0; i < MAX_MODULES && spec->modules[i].name; i++)
			known |= g_strcmp0 (mod->name, spec->modules[i].name) == 0;
		if (!known)
			g_print ("%s\t%s\tdiffers\tmodule that was not written\n", file, mod->name ? mod->name : "(null)");
	}
	_mh_vba_project_free (project);
}

static GsfInfile *
open_ole (GBytes *bytes, const char *what)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GsfInput) input = gsf_input_memory_new (g_bytes_get_data (bytes, NULL),
	                                                   (gsf_off_t) g_bytes_get_size (bytes), FALSE);
	GsfInfile *ole = gsf_infile_msole_new (input, &error);
	if (!ole)
		g_print ("%s\t-\tunreadable\t%s\n", what, error ? error->message : "not OLE2");
	return ole;
}

static int
verify (const char *dir)
{
	for (int i = 0; i < SAMPLE_COUNT; i++) {
		const office_sample *s = &office_samples[i];
		if (!s->project)
			continue;
		g_autofree char *path = g_build_filename (dir, s->file, NULL);
		g_autoptr (GError) error = NULL;
		g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, &error);
		if (!mapped) {
			g_print ("%s\t-\tunreadable\t%s\n", s->file, error->message);
			continue;
		}
		g_autoptr (GBytes) bytes = g_mapped_file_get_bytes (mapped);
		if (s->build == BUILD_DOC || s->build == BUILD_XLS) {
			g_autoptr (GsfInfile) ole = open_ole (bytes, s->file);
			if (!ole)
				continue;
			const char *name = s->build == BUILD_DOC ? "Macros" : "_VBA_PROJECT_CUR";
			g_autoptr (GsfInput) storage = gsf_infile_child_by_name (ole, name);
			if (!storage || !GSF_IS_INFILE (storage)) {
				g_print ("%s\t-\tmissing\tno %s storage\n", s->file, name);
				continue;
			}
			verify_project (s->file, GSF_INFILE (storage), name, s->project);
			continue;
		}
		g_autoptr (GsfInput) input = gsf_input_memory_new (g_bytes_get_data (bytes, NULL),
		                                                   (gsf_off_t) g_bytes_get_size (bytes), FALSE);
		g_autoptr (GsfInfile) zip = gsf_infile_zip_new (input, &error);
		if (!zip) {
			g_print ("%s\t-\tunreadable\t%s\n", s->file, error ? error->message : "not a ZIP");
			continue;
		}
		const char *part = s->build == BUILD_WORD_PACKAGE ? "word" : "xl";
		g_autoptr (GsfInput) bin = gsf_infile_child_by_vname (zip, part, "vbaProject.bin", NULL);
		if (!bin) {
			g_print ("%s\t-\tmissing\tno %s/vbaProject.bin\n", s->file, part);
			continue;
		}
		gboolean truncated = FALSE;
		g_autoptr (GBytes) bin_bytes = _mh_gsf_read_all (bin, 64u << 20, &truncated);
		if (!bin_bytes || truncated) {
			g_print ("%s\t-\tunreadable\tvbaProject.bin\n", s->file);
			continue;
		}
		g_autoptr (GsfInfile) ole = open_ole (bin_bytes, s->file);
		if (!ole)
			continue;
		g_autofree char *location = g_strdup_printf ("%s/vbaProject.bin", part);
		verify_project (s->file, ole, location, s->project);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* --bench: a large mixed set for tests/bench/bench-office.sh          */
/* ------------------------------------------------------------------ */

/* The benchmark's documents are the samples' kinds again, made larger by
 * harmless filler: more paragraphs of text and more VBA functions that
 * nothing calls and that only add numbers.  The filler avoids every word of
 * src/data/suspicious.tsv and every auto-exec name, and its strings are
 * words separated by spaces (no base64 or hex runs), so each document keeps
 * the verdict of the sample it copies. */

typedef enum {
	BENCH_DOC,      /* .doc, Module1's AutoOpen */
	BENCH_DOCM,     /* .docm, ThisDocument's Document_Open */
	BENCH_XLS,      /* .xls, ThisWorkbook's Workbook_Open */
	BENCH_XLSM,     /* .xlsm, ThisWorkbook's Workbook_Open */
	BENCH_REMOTE,   /* .docx with a remote template on a .invalid host */
	BENCH_DDE,      /* .docx with a DDEAUTO field naming no program */
	BENCH_PLAIN,    /* .docx, text only */
} bench_type;

typedef struct {
	const char *name;      /* docs.tsv "type" */
	const char *kind;      /* extension and mime_type () key */
	guint       weight;    /* share of the set, in percent */
	gboolean    macros;
	const char *verdict;   /* what mailhunt should conclude */
} bench_type_info;

static const bench_type_info bench_types[] = {
	[BENCH_DOC]    = { "doc-autoopen", "doc", 15, TRUE, "suspicious" },
	[BENCH_DOCM]   = { "docm-document-open", "docm", 20, TRUE, "suspicious" },
	[BENCH_XLS]    = { "xls-workbook-open", "xls", 10, TRUE, "suspicious" },
	[BENCH_XLSM]   = { "xlsm-workbook-open", "xlsm", 15, TRUE, "suspicious" },
	[BENCH_REMOTE] = { "docx-remote-template", "docx", 10, FALSE, "suspicious" },
	[BENCH_DDE]    = { "docx-dde", "docx", 10, FALSE, "suspicious" },
	[BENCH_PLAIN]  = { "docx-plain", "docx", 20, FALSE, "clean" },
};
#define BENCH_TYPES G_N_ELEMENTS (bench_types)

/* Sizes: 10 KiB × 2^(k/2) for k = 0..18 (10 KiB to 5 MiB), step k taken
 * with a weight of 0.82^k, then ±20 %: mostly small attachments and a few
 * large ones, about 180 KiB on average (4 % of them 1 MiB or more). */
#define BENCH_SIZE_STEPS 19
#define BENCH_SMALLEST   (10u << 10)

/* The VBA project of a macro document: a quarter of its size, at most
 * 128 KiB compressed (about 420 KiB of source, already a very large
 * project); the rest is text, as in real documents, whose size is mostly
 * content. */
#define BENCH_VBA_PERCENT 25
#define BENCH_VBA_CAP     (128u << 10)

/* The scaling series: one document of each scaled type at ×1, ×4, ×16 ...
 * up to a largest multiple of BENCH_SCALE_BASE, made from the same random
 * streams, so that the larger ones continue the smaller ones.  The plain
 * .docx goes on to 32 MiB (its cost per MiB steps up between 512 KiB and
 * 8 MiB: large buffers, see tests/bench/README.md); the macro documents
 * stop at 8 MiB (about 13 MiB of VBA source in two modules): at ×256 a
 * module would pass max_module_source (16 MiB) and be cut. */
#define BENCH_SCALE_BASE (128u << 10)
static const struct {
	bench_type type;
	guint      largest;
} bench_scale_types[] = {
	{ BENCH_DOCM, 64 },
	{ BENCH_DOC, 64 },
	{ BENCH_PLAIN, 256 },
};
/* half of each scaled macro document is VBA, without a cap: the series
 * is where the cost of large projects shows */
#define BENCH_SCALE_VBA_PERCENT 50

/* A larger VBA project is split over two standard modules to stay well
 * under mh_office_limits.max_module_source (16 MiB of source per module). */
#define BENCH_FILLER_MODULES 2

/* splitmix64: the same numbers on every platform and GLib version. */
typedef struct {
	guint64 state;
} bench_rng;

static guint64
rng_next (bench_rng *r)
{
	guint64 z = (r->state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static guint
rng_below (bench_rng *r, guint n)
{
	return (guint) (rng_next (r) % n);
}

static double
rng_unit (bench_rng *r)
{
	return (double) (rng_next (r) >> 11) / 9007199254740992.0;
}

/* Ordinary words: none is a keyword of src/data/suspicious.tsv. */
static const char *const bench_words[] = {
	"quarterly", "figures", "harbour", "office", "meeting", "notes", "garden", "coffee",
	"river", "mountain", "spring", "autumn", "station", "library", "window", "orange",
	"pencil", "yellow", "column", "average", "budget", "summary", "colleague", "weather",
	"morning", "evening", "teacher", "kitchen", "bicycle", "umbrella", "festival", "village",
	"ceramic", "lantern", "notebook", "calendar", "delivery", "customer", "warehouse", "pattern",
	"bridge", "forest", "island", "journey", "ticket", "invoice", "account", "schedule",
	"balance", "sample", "harmless", "Osaka", "Kyoto", "Sapporo", "Nagoya", "Fukuoka",
	"Sendai", "tea", "rice", "paper", "copper", "silver", "marble", "chestnut",
};

static void
append_words (GString *out, bench_rng *r, guint count)
{
	for (guint i = 0; i < count; i++) {
		if (i)
			g_string_append_c (out, ' ');
		g_string_append (out, bench_words[rng_below (r, G_N_ELEMENTS (bench_words))]);
	}
}

/* One sentence of 8 to 16 words, capitalised, with a full stop. */
static void
append_sentence (GString *out, bench_rng *r)
{
	gsize start = out->len;
	append_words (out, r, 8 + rng_below (r, 9));
	out->str[start] = g_ascii_toupper (out->str[start]);
	g_string_append_c (out, '.');
}

/* Lines of text (LF) after @first, until @target bytes counting
 * @per_line_overhead for the markup each line will get. */
static char *
bench_text (bench_rng *r, const char *first, gsize target, gsize per_line_overhead)
{
	GString *out = g_string_new (first);
	gsize counted = out->len + per_line_overhead;
	while (counted < target) {
		gsize before = out->len;
		g_string_append_c (out, '\n');
		guint sentences = 1 + rng_below (r, 4);
		for (guint i = 0; i < sentences; i++) {
			if (i)
				g_string_append_c (out, ' ');
			append_sentence (out, r);
		}
		counted += out->len - before + per_line_overhead;
	}
	return g_string_free (out, FALSE);
}

/* Spreadsheet rows 2, 3, ... each with one inline string, up to @target bytes. */
static char *
bench_rows (bench_rng *r, gsize target)
{
	GString *out = g_string_new (NULL);
	GString *sentence = g_string_new (NULL);
	for (guint row = 2; out->len < target; row++) {
		g_string_truncate (sentence, 0);
		append_sentence (sentence, r);
		g_autofree char *t = xml_escape (sentence->str);
		g_string_append_printf (out, "<row r=\"%u\"><c r=\"A%u\" t=\"inlineStr\"><is><t>%s</t></is></c></row>",
		                        row, row, t);
	}
	g_string_free (sentence, TRUE);
	return g_string_free (out, FALSE);
}

/* BIFF8 LABEL records (row, column A, cell XF 15, up to 255 characters of
 * sentences) for rows 1, 2, ... up to @target bytes; *@rows is how many. */
static GByteArray *
bench_label_cells (bench_rng *r, gsize target, guint *rows)
{
	GByteArray *out = g_byte_array_new ();
	GString *text = g_string_new (NULL);
	g_autoptr (GByteArray) rec = g_byte_array_new ();
	*rows = 0;
	while (out->len < target && *rows < 65535) {
		g_string_truncate (text, 0);
		while (text->len < 160) {
			if (text->len)
				g_string_append_c (text, ' ');
			append_sentence (text, r);
		}
		g_string_truncate (text, MIN (text->len, 255));
		g_byte_array_set_size (rec, 0);
		put_u16 (rec, ++*rows);
		put_u16 (rec, 0);
		put_u16 (rec, 15);
		put_xl_string (rec, text->str, FALSE);
		biff_record (out, 0x0204, rec);
	}
	g_string_free (text, TRUE);
	return out;
}

/* VBA functions that nothing calls and that only add numbers, up to
 * @target bytes of source; @counter numbers them across modules. */
static void
append_filler (GString *code, bench_rng *r, gsize target, guint *counter)
{
	gsize start = code->len;
	while (code->len - start < target) {
		guint n = ++*counter;
		g_string_append (code, "' Filler: ");
		append_words (code, r, 6);
		g_string_append (code, " (mailhunt benchmark; nothing calls it)\n");
		g_string_append_printf (code, "Private Function Tally%06u(ByVal count As Long) As Long\n", n);
		g_string_append (code, "    Dim total As Long\n    Dim i As Long\n    Dim label As String\n    label = \"");
		append_words (code, r, 5 + rng_below (r, 6));
		g_string_append_printf (code, "\"\n    For i = 1 To count\n        total = total + i * %u + %u\n    Next i\n",
		                        1 + rng_below (r, 997), rng_below (r, 100000));
		g_string_append (code, "    ' ");
		append_words (code, r, 6 + rng_below (r, 10));
		g_string_append_printf (code, "\n    Tally%06u = total + Len(label)\nEnd Function\n\n", n);
	}
}

/* Source bytes per compressed byte of filler (the MS-OVBA compressor's
 * ratio on it), measured once, so that a VBA project can be aimed at a
 * size in the file. */
static double
filler_expansion (void)
{
	bench_rng r = { 0x6D61696C68756E74ull };
	guint counter = 0;
	GString *code = g_string_new (NULL);
	append_filler (code, &r, 256u << 10, &counter);
	g_autoptr (GBytes) compressed = ovba_compress_or_die ((const guint8 *) code->str, code->len);
	double expansion = (double) code->len / (double) g_bytes_get_size (compressed);
	g_string_free (code, TRUE);
	return expansion;
}

typedef struct {
	double expansion;   /* filler_expansion () */
	GString *modules[MAX_MODULES];
} bench_project;

/* A project for @type of about @vba_bytes compressed, its auto-exec
 * procedure showing a message box as in the samples. */
static void
bench_project_build (bench_project *bp, vba_project_spec *spec, bench_type type, guint index,
                     gsize vba_bytes, bench_rng *r, char **id)
{
	gboolean word = type == BENCH_DOC || type == BENCH_DOCM;
	*id = g_strdup_printf ("{6D61696C-6875-6E74-0002-%012X}", index);
	memset (spec, 0, sizeof *spec);
	spec->id = *id;
	spec->host = word ? HOST_WORD : HOST_EXCEL;
	spec->codepage = 1252;
	for (int i = 0; i < 3; i++)
		spec->seeds[i] = (guint8) rng_below (r, 256);

	for (int i = 0; i < MAX_MODULES; i++)
		bp->modules[i] = g_string_new (NULL);
	spec->modules[0].name = word ? "ThisDocument" : "ThisWorkbook";
	spec->modules[0].kind = MODULE_DOCUMENT;
	if (type == BENCH_DOCM)
		g_string_append (bp->modules[0], "Private Sub Document_Open()\n" MSGBOX_ONLY "End Sub\n");
	else if (type != BENCH_DOC)
		g_string_append (bp->modules[0], "Private Sub Workbook_Open()\n" MSGBOX_ONLY "End Sub\n");
	spec->modules[1].name = "Module1";
	spec->modules[1].kind = MODULE_STANDARD;
	if (type == BENCH_DOC)
		g_string_append (bp->modules[1], "Sub AutoOpen()\n" MSGBOX_ONLY "End Sub\n\n");
	spec->modules[2].name = "Module2";
	spec->modules[2].kind = MODULE_STANDARD;

	gsize source = (gsize) ((double) vba_bytes * bp->expansion);
	guint counter = 0;
	for (int i = 0; i < BENCH_FILLER_MODULES; i++)
		append_filler (bp->modules[1 + i], r, source / BENCH_FILLER_MODULES, &counter);
	for (int i = 0; i < MAX_MODULES; i++)
		spec->modules[i].code = bp->modules[i]->str;
}

static void
bench_project_clear (bench_project *bp)
{
	for (int i = 0; i < MAX_MODULES; i++)
		if (bp->modules[i])
			g_string_free (bp->modules[i], TRUE);
	memset (bp->modules, 0, sizeof bp->modules);
}

/* Builds a document of @type, about @target bytes: for the macro
 * documents @vba_percent of it VBA (at most @vba_cap bytes compressed) and
 * the rest text, all text for the others.  @vba_rng and @text_rng are
 * separate so that the scaling series' larger documents continue the
 * smaller ones. */
static GBytes *
bench_document (bench_type type, guint index, gsize target, guint vba_percent, gsize vba_cap,
                double expansion, bench_rng *vba_rng, bench_rng *text_rng)
{
	static const char first_line[] =
		"Benchmark document generated by mailhunt's test suite. It is harmless.";
	const bench_type_info *info = &bench_types[type];
	/* what every document of the kind weighs before any filler */
	const gsize floor = info->macros ? 12u << 10 : 3u << 10;
	gsize room = target > floor ? target - floor : 0;
	gsize vba_bytes = info->macros ? MIN (room / 100 * vba_percent, vba_cap) : 0;
	gsize text_bytes = room - vba_bytes;

	vba_project_spec spec;
	bench_project bp = { .expansion = expansion };
	g_autofree char *id = NULL;
	if (info->macros)
		bench_project_build (&bp, &spec, type, index, vba_bytes, vba_rng, &id);
	const vba_project_spec *p = info->macros ? &spec : NULL;
	g_autofree char *title = g_strdup_printf ("bench-%05u.%s", index, info->kind);
	GBytes *out = NULL;

	switch (type) {
	case BENCH_DOC: {
		g_autofree char *text = bench_text (text_rng, first_line, text_bytes, 1);
		out = build_doc (text, p);
		break;
	}
	case BENCH_XLS: {
		guint rows = 0;
		g_autoptr (GByteArray) cells = bench_label_cells (text_rng, text_bytes, &rows);
		out = build_xls (first_line, cells, rows, p);
		break;
	}
	case BENCH_XLSM: {
		g_autofree char *rows = bench_rows (text_rng, text_bytes);
		out = build_excel_package (title, first_line, rows, p);
		break;
	}
	case BENCH_DOCM:
	case BENCH_REMOTE:
	case BENCH_DDE:
	case BENCH_PLAIN: {
		/* <w:p><w:r><w:t xml:space="preserve"> ... </w:t></w:r></w:p> */
		g_autofree char *text = bench_text (text_rng, first_line, text_bytes, 55);
		g_autofree char *url = type == BENCH_REMOTE
			? g_strdup_printf ("http://templates.example.invalid/bench-%05u.dotx", index) : NULL;
		const char *dde = type == BENCH_DDE ? "DDEAUTO \"mailhunt-sample\" \"harmless-topic\"" : NULL;
		out = build_word_package (title, text, p, url, dde);
		break;
	}
	}
	bench_project_clear (&bp);
	return out;
}

static bench_type
bench_pick_type (bench_rng *r)
{
	guint x = rng_below (r, 100);
	for (guint t = 0; t < BENCH_TYPES; t++) {
		if (x < bench_types[t].weight)
			return (bench_type) t;
		x -= bench_types[t].weight;
	}
	return BENCH_PLAIN;
}

static gsize
bench_pick_size (bench_rng *r)
{
	double weights[BENCH_SIZE_STEPS], sum = 0, w = 1;
	for (int k = 0; k < BENCH_SIZE_STEPS; k++, w *= 0.82)
		sum += weights[k] = w;
	double x = rng_unit (r) * sum;
	int k = 0;
	while (k < BENCH_SIZE_STEPS - 1 && x >= weights[k])
		x -= weights[k++];
	double size = (double) (BENCH_SMALLEST << (k / 2));
	if (k % 2)
		size *= 1.41421356;
	return (gsize) (size * (0.8 + 0.4 * rng_unit (r)));
}

/* One Thunderbird-style mbox message: the "From - " line, the X-Mozilla
 * headers Thunderbird adds, the mail with LF line ends, body lines that
 * start with "From " or ">From " quoted once more (mboxrd), a blank line. */
static void
bench_mbox_append (FILE *mbox, guint index, GBytes *mail)
{
	static const char *const wday[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	guint day = index / 1440, minute = index % 1440;   /* one message a minute from 15 Jan 2026 */
	fprintf (mbox, "From - %s Jan %2u %02u:%02u:00 2026\n", wday[day % 7], 15 + day, minute / 60, minute % 60);
	fputs ("X-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys:                                                                                 \n", mbox);
	gsize len;
	const char *p = g_bytes_get_data (mail, &len);
	const char *end = p + len;
	while (p < end) {
		const char *nl = memchr (p, '\n', (gsize) (end - p));
		const char *line_end = nl ? nl : end;
		gsize n = (gsize) (line_end - p);
		if (n && line_end[-1] == '\r')
			n--;
		const char *q = p;
		while (q < p + n && *q == '>')
			q++;
		if ((gsize) (p + n - q) >= 5 && memcmp (q, "From ", 5) == 0)
			fputc ('>', mbox);
		fwrite (p, 1, n, mbox);
		fputc ('\n', mbox);
		p = nl ? nl + 1 : end;
	}
	fputc ('\n', mbox);
}

static GBytes *
bench_mail (guint index, const char *filename, const char *kind, GBytes *document)
{
	g_autofree char *date = g_strdup_printf ("Thu, 15 Jan 2026 %02u:%02u:00 +0900",
	                                         (index / 60) % 24, index % 60);
	g_autofree char *message_id = g_strdup_printf ("office-bench-%05u.%s", index, kind);
	g_autofree char *boundary = g_strdup_printf ("------------mailhunt-bench-%05u", index);
	/* half Japanese, as the users' mail is */
	gboolean japanese = index % 2 == 0;
	g_autofree char *subject = japanese
		? g_strdup_printf ("【ベンチマーク】資料の送付 %u（mailhunt・無害）", index)
		: g_strdup_printf ("Benchmark document %u (mailhunt, harmless)", index);
	const char *body = japanese
		? "佐藤様\n\nmailhunt のベンチマーク用の文書です（無害）。\n資料を添付いたします。\n\n"
		  "This is a harmless mailhunt benchmark document.\n"
		: "Hello,\n\nthe document is attached.\n\nThis is a harmless mailhunt benchmark document.\n";
	mail_spec m = {
		.date = date, .message_id = message_id, .subject = subject, .body = body,
		.boundary = boundary, .filename = filename, .type = mime_type (kind),
	};
	return build_mail (&m, document);
}

static int
bench (const char *dir, guint count, guint64 seed)
{
	double expansion = filler_expansion ();
	g_autofree char *docs_dir = g_build_filename (dir, "docs", NULL);
	g_autofree char *mbox_path = g_build_filename (dir, "docs.mbox", NULL);
	if (g_mkdir_with_parents (docs_dir, 0755) != 0)
		g_error ("cannot create %s: %s", docs_dir, g_strerror (errno));
	FILE *mbox = fopen (mbox_path, "wb");
	if (!mbox)
		g_error ("cannot write %s: %s", mbox_path, g_strerror (errno));
	GString *tsv = g_string_new ("file\ttype\tkind\tbytes\tmacros\tverdict\n");
	guint64 total_bytes = 0, per_type_bytes[BENCH_TYPES] = { 0 };
	guint per_type[BENCH_TYPES] = { 0 }, macro_documents = 0, clean = 0;
	gsize smallest = G_MAXSIZE, largest = 0;

	bench_rng r = { seed };
	for (guint i = 1; i <= count; i++) {
		bench_type type = bench_pick_type (&r);
		gsize target = bench_pick_size (&r);
		/* each document its own streams: its bytes do not depend on the
		 * documents before it */
		bench_rng vba_rng = { rng_next (&r) }, text_rng = { rng_next (&r) };
		const bench_type_info *info = &bench_types[type];
		g_autoptr (GBytes) document = bench_document (type, i, target, BENCH_VBA_PERCENT, BENCH_VBA_CAP,
		                                              expansion, &vba_rng, &text_rng);
		g_autofree char *name = g_strdup_printf ("bench-%05u.%s", i, info->kind);
		g_autofree char *rel = g_build_filename ("docs", name, NULL);
		gsize size = g_bytes_get_size (document);
		gen_write_bytes (dir, rel, document);
		g_autoptr (GBytes) mail = bench_mail (i, name, info->kind, document);
		bench_mbox_append (mbox, i, mail);
		g_string_append_printf (tsv, "docs/%s\t%s\t%s\t%" G_GSIZE_FORMAT "\t%s\t%s\n", name, info->name,
		                        info->kind, size, info->macros ? "yes" : "no", info->verdict);
		per_type[type]++;
		per_type_bytes[type] += size;
		total_bytes += size;
		macro_documents += info->macros;
		clean += strcmp (info->verdict, "clean") == 0;
		smallest = MIN (smallest, size);
		largest = MAX (largest, size);
	}
	if (fclose (mbox) != 0)
		g_error ("cannot write %s: %s", mbox_path, g_strerror (errno));
	gen_write_file (dir, "docs.tsv", tsv->str, tsv->len);
	g_string_free (tsv, TRUE);

	GString *scale = g_string_new (NULL);
	for (guint t = 0; t < G_N_ELEMENTS (bench_scale_types); t++) {
		bench_type type = bench_scale_types[t].type;
		for (guint factor = 1; factor <= bench_scale_types[t].largest; factor *= 4) {
			bench_rng vba_rng = { seed ^ 0x7363616C65ull }, text_rng = { seed ^ 0x74657874ull };
			g_autoptr (GBytes) document = bench_document (type, 90000 + t, (gsize) BENCH_SCALE_BASE * factor,
			                                              BENCH_SCALE_VBA_PERCENT, G_MAXSIZE, expansion,
			                                              &vba_rng, &text_rng);
			g_autofree char *rel = g_strdup_printf ("scale/%s-x%u.%s", bench_types[type].name, factor,
			                                        bench_types[type].kind);
			gen_write_bytes (dir, rel, document);
			g_string_append_printf (scale, "%s{\"file\":\"%s\",\"type\":\"%s\",\"factor\":%u,\"bytes\":%" G_GSIZE_FORMAT "}",
			                        scale->len ? "," : "", rel, bench_types[type].name, factor,
			                        g_bytes_get_size (document));
		}
	}

	GStatBuf st;
	if (g_stat (mbox_path, &st) != 0)
		g_error ("cannot stat %s", mbox_path);
	GString *types = g_string_new (NULL);
	for (guint t = 0; t < BENCH_TYPES; t++)
		g_string_append_printf (types, "%s\"%s\":{\"documents\":%u,\"bytes\":%" G_GUINT64_FORMAT "}",
		                        t ? "," : "", bench_types[t].name, per_type[t], per_type_bytes[t]);
	g_print ("{\"documents\":%u,\"bytes\":%" G_GUINT64_FORMAT ",\"smallest\":%" G_GSIZE_FORMAT
	         ",\"largest\":%" G_GSIZE_FORMAT ",\"macro_documents\":%u,\"expected_clean\":%u,"
	         "\"expected_suspicious\":%u,\"messages\":%u,\"mbox_bytes\":%" G_GUINT64_FORMAT
	         ",\"seed\":%" G_GUINT64_FORMAT ",\"vba_filler_expansion\":%.3f,\"types\":{%s},\"scale\":[%s]}\n",
	         count, total_bytes, count ? smallest : 0, largest, macro_documents, clean, count - clean, count,
	         (guint64) st.st_size, seed, expansion, types->str, scale->str);
	g_string_free (types, TRUE);
	g_string_free (scale, TRUE);
	return 0;
}

int
main (int argc, char **argv)
{
	gboolean verifying = argc == 3 && strcmp (argv[1], "--verify") == 0;
	gboolean lures = argc == 3 && strcmp (argv[1], "--lures") == 0;
	gboolean benchmark = (argc == 4 || argc == 6) && strcmp (argv[1], "--bench") == 0;
	guint64 count = 0, seed = 1;
	if (benchmark) {
		char *end;
		count = g_ascii_strtoull (argv[3], &end, 10);
		benchmark = *argv[3] && !*end && count > 0 && count <= 99999;
		if (benchmark && argc == 6) {
			seed = g_ascii_strtoull (argv[5], &end, 10);
			benchmark = strcmp (argv[4], "--seed") == 0 && *argv[5] && !*end;
		}
		if (!benchmark) {
			g_printerr ("%s: --bench DIRECTORY N [--seed S]: N from 1 to 99999, S a number\n", argv[0]);
			return 2;
		}
	}
	if (argc != 2 && !verifying && !benchmark && !lures) {
		g_printerr ("Usage: %s OUTPUT-DIRECTORY\n       %s --verify DIRECTORY\n"
		            "       %s --bench DIRECTORY N [--seed S]\n       %s --lures DIRECTORY\n",
		            argv[0], argv[0], argv[0], argv[0]);
		return 2;
	}
	gsf_init ();
	crc_table_init ();

	g_autofree char *command = encoded_command ();
	g_autofree char *uncalled_code = g_strdup_printf (uncalled_code_format, command);
	project_uncalled.modules[1].code = uncalled_code;

	int status = 0;
	if (verifying)
		status = verify (argv[2]);
	else if (benchmark)
		status = bench (argv[2], (guint) count, seed);
	else if (lures)
		lures_generate (argv[2]);
	else
		generate (argv[1]);
	gsf_shutdown ();
	return status;
}
