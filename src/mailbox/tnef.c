/* winmail.dat (application/ms-tnef, MS-OXTNEF).
 *
 * A TNEF stream is a signature, a key, and a flat list of attribute
 * records (level, attribute id, length, data, checksum).  Attachments
 * are the records after each attAttachRendData; their file name is in
 * attAttachTitle (8.3 often) or, better, PR_ATTACH_LONG_FILENAME inside
 * the MAPI properties of attAttachment; their bytes in attAttachData.
 *
 * Everything is read with bounds checked against the buffer: lengths in
 * the file are never trusted, attachment counts and sizes are capped by
 * mh_limits, and what was cut or skipped is reported in @problems.
 */
#include "config.h"

#include <string.h>

#include <gsf/gsf-utils.h>

#include "mailhunt/outlook.h"
#include "mailhunt/text.h"

#define TNEF_SIGNATURE        0x223E9F78u

#define ATT_ATTACH_DATA       0x0006800Fu
#define ATT_ATTACH_TITLE      0x00018010u
#define ATT_ATTACH_REND_DATA  0x00069002u
#define ATT_ATTACHMENT        0x00069005u
#define ATT_OEM_CODEPAGE      0x00069007u

#define LVL_ATTACHMENT        2

/* MAPI property types and the ids read here */
#define PT_STRING8            0x001E
#define PT_UNICODE            0x001F
#define PT_BINARY             0x0102
#define PT_OBJECT             0x000D
#define MV_FLAG               0x1000
#define PR_ATTACH_DATA        0x3701
#define PR_ATTACH_METHOD      0x3705
#define PR_ATTACH_LONG_FILENAME 0x3707
#define PR_ATTACH_MIME_TAG    0x370E
#define ATTACH_EMBEDDED_MSG   5

/* MAPI properties in one attAttachment: Outlook writes a few dozen */
#define MAX_MAPI_PROPS        4096
#define MAX_MV_VALUES         4096
#define MAX_RECORDS           100000
#define MAX_PROBLEMS          100

void
mh_tnef_file_free (mh_tnef_file *file)
{
	if (!file)
		return;
	g_free (file->filename);
	g_free (file->mime_type);
	if (file->data)
		g_bytes_unref (file->data);
	g_free (file);
}

typedef struct {
	const mh_limits *limits;
	GPtrArray       *problems;
	const char      *charset;    /* of 8-bit strings, from attOemCodepage */
	gsize            total;      /* bytes of attachment data kept so far */
	gboolean         capped_total;
} tnef_ctx;

static void G_GNUC_PRINTF (2, 3)
problem (tnef_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start (ap, fmt);
	mh_problem_list_addv (c->problems, MAX_PROBLEMS, "TNEF", fmt, ap);
	va_end (ap);
}

static const char *
oem_charset (guint32 cp)
{
	switch (cp) {
	case 437: return "cp437";
	case 850: return "cp850";
	case 866: return "cp866";
	case 932: return "cp932";
	case 936: return "gbk";
	case 949: return "cp949";
	case 950: return "big5";
	case 1250: return "windows-1250";
	case 1251: return "windows-1251";
	case 1252: return "windows-1252";
	case 1253: return "windows-1253";
	case 1254: return "windows-1254";
	case 1255: return "windows-1255";
	case 1256: return "windows-1256";
	case 1257: return "windows-1257";
	case 65001: return "utf-8";
	default: return NULL;
	}
}

/* A string value as UTF-8, trailing NULs dropped. */
static char *
string_value (tnef_ctx *c, const guint8 *p, gsize len, gboolean unicode)
{
	gboolean exact;
	if (unicode) {
		len &= ~(gsize) 1;
		while (len >= 2 && p[len - 1] == 0 && p[len - 2] == 0)
			len -= 2;
		return mh_text_to_utf8 ("utf-16le", (const char *) p, (gssize) len, &exact);
	}
	while (len > 0 && p[len - 1] == 0)
		len--;
	return mh_text_to_utf8 (c->charset, (const char *) p, (gssize) len, &exact);
}

/* Size of a fixed-size MAPI value in TNEF (padded to 4), or 0 when the
 * type is unknown (and the rest of the property list unreadable). */
static gsize
fixed_size (guint16 type)
{
	switch (type) {
	case 0x0002: case 0x0003: case 0x0004: case 0x000A: case 0x000B:
		return 4;
	case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040:
		return 8;
	case 0x0048:
		return 16;
	default:
		return 0;
	}
}

static gboolean
is_variable (guint16 type)
{
	return type == PT_STRING8 || type == PT_UNICODE || type == PT_BINARY || type == PT_OBJECT;
}

static GBytes *
keep_data (tnef_ctx *c, const guint8 *p, gsize len)
{
	if (c->total + len > c->limits->max_message_size) {
		if (!c->capped_total)
			problem (c, "TNEF: attachments larger than %zu bytes in all: the rest are empty",
			         c->limits->max_message_size);
		c->capped_total = TRUE;
		return g_bytes_new (NULL, 0);
	}
	c->total += len;
	return g_bytes_new (p, len);
}

/* Reads the MAPI properties of an attAttachment record into @file. */
static void
read_attach_props (tnef_ctx *c, const guint8 *p, gsize len, mh_tnef_file *file)
{
	gsize o = 0;
	if (len < 4)
		return;
	guint32 count = GSF_LE_GET_GUINT32 (p);
	o = 4;
	if (count > MAX_MAPI_PROPS) {
		problem (c, "TNEF: %u MAPI properties in an attachment: only %d read", count, MAX_MAPI_PROPS);
		count = MAX_MAPI_PROPS;
	}
	gint32 method = 0;
	for (guint32 i = 0; i < count; i++) {
		if (o + 4 > len)
			goto broken;
		guint16 type = GSF_LE_GET_GUINT16 (p + o), id = GSF_LE_GET_GUINT16 (p + o + 2);
		o += 4;
		if (id >= 0x8000) {
			/* named property: GUID, kind, then an id or a name */
			if (o + 20 > len)
				goto broken;
			guint32 kind = GSF_LE_GET_GUINT32 (p + o + 16);
			o += 20;
			if (kind == 0) {
				if (o + 4 > len)
					goto broken;
				o += 4;
			} else {
				if (o + 4 > len)
					goto broken;
				guint32 nl = GSF_LE_GET_GUINT32 (p + o);
				o += 4;
				gsize padded = ((gsize) nl + 3) & ~(gsize) 3;
				if (padded > len - o)
					goto broken;
				o += padded;
			}
		}
		guint16 base = type & ~MV_FLAG;
		guint32 nvalues = 1;
		if ((type & MV_FLAG) || is_variable (base)) {
			if (o + 4 > len)
				goto broken;
			nvalues = GSF_LE_GET_GUINT32 (p + o);
			o += 4;
			if (nvalues > MAX_MV_VALUES)
				goto broken;
		}
		for (guint32 v = 0; v < nvalues; v++) {
			if (is_variable (base)) {
				if (o + 4 > len)
					goto broken;
				guint32 vl = GSF_LE_GET_GUINT32 (p + o);
				o += 4;
				if (vl > len - o)
					goto broken;
				const guint8 *vp = p + o;
				gsize padded = MIN (((gsize) vl + 3) & ~(gsize) 3, len - o);
				o += padded;
				if (v != 0 || (type & MV_FLAG))
					continue;
				if (id == PR_ATTACH_LONG_FILENAME && (base == PT_STRING8 || base == PT_UNICODE)) {
					char *name = string_value (c, vp, vl, base == PT_UNICODE);
					if (*name) {
						g_free (file->filename);
						file->filename = name;
					} else {
						g_free (name);
					}
				} else if (id == PR_ATTACH_MIME_TAG && (base == PT_STRING8 || base == PT_UNICODE)) {
					g_free (file->mime_type);
					file->mime_type = string_value (c, vp, vl, base == PT_UNICODE);
				} else if (id == PR_ATTACH_DATA && !file->data) {
					/* an embedded object starts with its 16-byte interface id */
					if (base == PT_OBJECT && vl >= 16) {
						vp += 16;
						vl -= 16;
					}
					if (base == PT_OBJECT || base == PT_BINARY)
						file->data = keep_data (c, vp, vl);
				}
			} else {
				gsize fs = fixed_size (base);
				if (fs == 0) {
					problem (c, "TNEF: MAPI property of unknown type 0x%04X: the rest of the attachment's properties are not read",
					         type);
					return;
				}
				if (fs > len - o)
					goto broken;
				if (id == PR_ATTACH_METHOD && base == 0x0003)
					method = (gint32) GSF_LE_GET_GUINT32 (p + o);
				o += fs;
			}
		}
	}
	if (method == ATTACH_EMBEDDED_MSG)
		file->is_message = TRUE;
	return;
broken:
	if (method == ATTACH_EMBEDDED_MSG)
		file->is_message = TRUE;
	problem (c, "TNEF: broken MAPI property list in an attachment: the rest is not read");
}

GPtrArray *
mh_tnef_unpack (const guint8 *data, gsize len, const mh_limits *limits, GPtrArray *problems, GError **error)
{
	if (!data || len < 6 || GSF_LE_GET_GUINT32 (data) != TNEF_SIGNATURE) {
		g_set_error_literal (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_NOT_OUTLOOK,
		                     "not TNEF (no signature 0x223E9F78)");
		return NULL;
	}
	tnef_ctx c = { limits, problems, NULL, 0, FALSE };
	GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) mh_tnef_file_free);
	mh_tnef_file *cur = NULL;
	gsize o = 6;   /* signature, then the 2-byte key (unused) */
	guint records = 0;
	gboolean capped = FALSE, broken = FALSE;

	while (o < len) {
		if (++records > MAX_RECORDS) {
			problem (&c, "TNEF: more than %d records: the rest are not read", MAX_RECORDS);
			break;
		}
		if (len - o < 9) {
			problem (&c, "TNEF: %zu stray bytes at the end", len - o);
			broken = TRUE;
			break;
		}
		guint8 level = data[o];
		guint32 attr = GSF_LE_GET_GUINT32 (data + o + 1);
		guint32 alen = GSF_LE_GET_GUINT32 (data + o + 5);
		o += 9;
		if (alen > len - o || len - o - alen < 2) {
			problem (&c, "TNEF: record 0x%08X says %u bytes, the stream ends before: the rest is not read",
			         attr, alen);
			broken = TRUE;
			break;
		}
		const guint8 *p = data + o;
		guint16 sum = 0;
		for (guint32 i = 0; i < alen; i++)
			sum = (guint16) (sum + p[i]);
		if (sum != GSF_LE_GET_GUINT16 (p + alen))
			problem (&c, "TNEF: checksum mismatch in record 0x%08X", attr);
		o += (gsize) alen + 2;

		if (attr == ATT_OEM_CODEPAGE && alen >= 4) {
			c.charset = oem_charset (GSF_LE_GET_GUINT32 (p));
			continue;
		}
		if (level != LVL_ATTACHMENT)
			continue;
		if (attr == ATT_ATTACH_REND_DATA) {
			if (files->len >= limits->max_attachments) {
				if (!capped)
					problem (&c, "TNEF: more than %u attachments: the rest are not read", limits->max_attachments);
				capped = TRUE;
				cur = NULL;
				continue;
			}
			cur = g_new0 (mh_tnef_file, 1);
			g_ptr_array_add (files, cur);
			continue;
		}
		if (!cur)
			continue;
		switch (attr) {
		case ATT_ATTACH_TITLE:
			if (!cur->filename) {
				char *name = string_value (&c, p, alen, FALSE);
				if (*name)
					cur->filename = name;
				else
					g_free (name);
			}
			break;
		case ATT_ATTACH_DATA:
			if (cur->data)
				g_bytes_unref (cur->data);
			cur->data = keep_data (&c, p, alen);
			break;
		case ATT_ATTACHMENT:
			/* the long file name here is better than the 8.3 title */
			{
				g_autofree char *title = g_steal_pointer (&cur->filename);
				read_attach_props (&c, p, alen, cur);
				if (!cur->filename)
					cur->filename = g_steal_pointer (&title);
			}
			break;
		default:
			break;
		}
	}
	if (broken && files->len == 0) {
		g_ptr_array_unref (files);
		g_set_error_literal (error, MH_OUTLOOK_ERROR, MH_OUTLOOK_ERROR_CORRUPT,
		                     "TNEF stream broken before its first attachment");
		return NULL;
	}
	for (guint i = 0; i < files->len; i++) {
		mh_tnef_file *f = g_ptr_array_index (files, i);
		if (!f->data)
			f->data = g_bytes_new (NULL, 0);
	}
	return files;
}
