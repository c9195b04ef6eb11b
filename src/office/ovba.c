/* MS-OVBA 2.4.1 compression: the run-length/LZ77 scheme that VBA uses for
 * the dir stream, module source and the PROJECT-adjacent streams.
 *
 * A CompressedContainer is a signature byte 0x01 followed by chunks.  Each
 * chunk starts with a 16-bit little-endian header: bits 0-11 are the chunk
 * size minus 3 (header included), bits 12-14 the signature 0b011, bit 15
 * tells a compressed chunk (token sequences) from a raw one (4096 bytes as
 * they are).  A chunk decompresses to at most 4096 bytes, and copy tokens
 * only reach back inside the chunk being decompressed; the split of a copy
 * token between offset and length depends on how far into the chunk the
 * decompressed position is (2.4.1.3.19.1 CopyToken Help).
 *
 * The decompressor reads untrusted bytes: every read and every copy is
 * bounds-checked, and output stops at the caller's cap. */
#include "config.h"

#include <string.h>

#include "office-private.h"

#define CHUNK_SIZE 4096            /* decompressed bytes of a full chunk */
#define CHUNK_SIGNATURE 0x3        /* bits 12-14 of a chunk header */
#define RAW_CHUNK_SIZE_FIELD 0xFFF /* size field of a raw chunk: 4098 - 3 */
#define MIN_MATCH 3                /* a copy token copies at least 3 bytes */

/* The offset/length split of a copy token at @difference bytes into the
 * decompressed chunk (2.4.1.3.19.1): the offset gets the smallest number of
 * bits, at least 4, that can reach back to the chunk start. */
static guint
copy_token_bit_count (gsize difference)
{
	guint bits = 4;
	while (bits < 12 && ((gsize) 1 << bits) < difference)
		bits++;
	return bits;
}

/* -- decompression (2.4.1.3.1) ------------------------------------------- */

/* Appends up to @n bytes to @out without passing @max_out; FALSE when
 * the cap stopped it. */
static gboolean
append_capped (GByteArray *out, const guint8 *bytes, gsize n, gsize max_out)
{
	gsize room = out->len < max_out ? max_out - out->len : 0;
	if (n > room) {
		g_byte_array_append (out, bytes, (guint) room);
		return FALSE;
	}
	g_byte_array_append (out, bytes, (guint) n);
	return TRUE;
}

typedef enum {
	CHUNK_OK,
	CHUNK_CAPPED,
	CHUNK_BAD,
} chunk_status;

/* One compressed chunk's token sequences, @data[0..@len).  The chunk is
 * decompressed into @chunk (at most 4096 bytes) so that copy tokens read
 * from it, whatever the cap on @out. */
static chunk_status
decompress_tokens (const guint8 *data, gsize len, guint8 *chunk, gsize *chunk_len,
                   gsize chunk_offset, GError **error)
{
	gsize in = 0, at = 0;
	while (in < len) {
		guint8 flags = data[in++];
		for (guint bit = 0; bit < 8 && in < len; bit++) {
			if (!(flags & (1u << bit))) {
				if (at >= CHUNK_SIZE) {
					g_set_error (error, MH_OFFICE_ERROR, 0,
					             "compressed chunk at offset %" G_GSIZE_FORMAT
					             " decompresses to more than 4096 bytes", chunk_offset);
					*chunk_len = at;
					return CHUNK_BAD;
				}
				chunk[at++] = data[in++];
				continue;
			}
			if (len - in < 2) {
				g_set_error (error, MH_OFFICE_ERROR, 0,
				             "copy token cut short in the chunk at offset %" G_GSIZE_FORMAT,
				             chunk_offset);
				*chunk_len = at;
				return CHUNK_BAD;
			}
			guint token = data[in] | (guint) data[in + 1] << 8;
			in += 2;
			guint bits = copy_token_bit_count (at);
			guint length_mask = 0xFFFFu >> bits;
			gsize length = (token & length_mask) + MIN_MATCH;
			gsize offset = (token >> (16 - bits)) + 1;
			if (offset > at) {
				g_set_error (error, MH_OFFICE_ERROR, 0,
				             "copy token reaches %" G_GSIZE_FORMAT " bytes back, before the "
				             "start of the chunk at offset %" G_GSIZE_FORMAT,
				             offset, chunk_offset);
				*chunk_len = at;
				return CHUNK_BAD;
			}
			if (length > CHUNK_SIZE - at) {
				g_set_error (error, MH_OFFICE_ERROR, 0,
				             "copy token runs past 4096 bytes in the chunk at offset %"
				             G_GSIZE_FORMAT, chunk_offset);
				*chunk_len = at;
				return CHUNK_BAD;
			}
			/* byte by byte: source and destination may overlap (runs) */
			for (gsize i = 0; i < length; i++, at++)
				chunk[at] = chunk[at - offset];
		}
	}
	*chunk_len = at;
	return CHUNK_OK;
}

gboolean
_mh_ovba_decompress (const guint8 *in, gsize len, gsize max_out, GByteArray *out,
                     gboolean *capped, GError **error)
{
	g_return_val_if_fail (out != NULL, FALSE);
	if (capped)
		*capped = FALSE;
	if (len < 1 || in[0] != 0x01) {
		g_set_error (error, MH_OFFICE_ERROR, 0,
		             "not a compressed container (signature byte %s)",
		             len < 1 ? "missing" : "is not 0x01");
		return FALSE;
	}
	guint8 chunk[CHUNK_SIZE];
	gsize pos = 1;
	while (pos < len) {
		if (len - pos < 2) {
			g_set_error (error, MH_OFFICE_ERROR, 0,
			             "chunk header cut short at offset %" G_GSIZE_FORMAT, pos);
			return FALSE;
		}
		guint header = in[pos] | (guint) in[pos + 1] << 8;
		gsize chunk_offset = pos;
		gsize size = (header & 0x0FFF) + 3;  /* header included */
		gboolean compressed = (header & 0x8000) != 0;
		if (((header >> 12) & 0x7) != CHUNK_SIGNATURE) {
			g_set_error (error, MH_OFFICE_ERROR, 0,
			             "bad chunk signature at offset %" G_GSIZE_FORMAT, chunk_offset);
			return FALSE;
		}
		pos += 2;
		if (!compressed) {
			if ((header & 0x0FFF) != RAW_CHUNK_SIZE_FIELD) {
				g_set_error (error, MH_OFFICE_ERROR, 0,
				             "raw chunk at offset %" G_GSIZE_FORMAT " has size %"
				             G_GSIZE_FORMAT " instead of 4098", chunk_offset, size);
				return FALSE;
			}
			/* The last raw chunk may be shorter than 4096 bytes: writers
			 * (ours included) do not pad the end of the stream. */
			gsize n = MIN (len - pos, (gsize) CHUNK_SIZE);
			if (!append_capped (out, in + pos, n, max_out)) {
				if (capped)
					*capped = TRUE;
				return TRUE;
			}
			pos += n;
			continue;
		}
		gsize data_len = size - 2;
		if (data_len > len - pos) {
			/* decode what is there, then say the chunk was cut */
			gsize chunk_len = 0;
			g_autoptr (GError) inner = NULL;
			chunk_status st = decompress_tokens (in + pos, len - pos, chunk, &chunk_len,
			                                     chunk_offset, &inner);
			(void) st;
			if (!append_capped (out, chunk, chunk_len, max_out) && capped)
				*capped = TRUE;
			g_set_error (error, MH_OFFICE_ERROR, 0,
			             "chunk at offset %" G_GSIZE_FORMAT " claims %" G_GSIZE_FORMAT
			             " bytes but only %" G_GSIZE_FORMAT " remain",
			             chunk_offset, data_len, len - pos);
			return FALSE;
		}
		gsize chunk_len = 0;
		chunk_status st = decompress_tokens (in + pos, data_len, chunk, &chunk_len,
		                                     chunk_offset, error);
		gboolean room = append_capped (out, chunk, chunk_len, max_out);
		if (st == CHUNK_BAD)
			return FALSE;
		if (!room) {
			if (capped)
				*capped = TRUE;
			return TRUE;
		}
		pos += data_len;
	}
	return TRUE;
}

/* -- compression (2.4.1.3.6 - 2.4.1.3.10) -------------------------------- */

#define HASH_SIZE 4096

static guint
hash3 (const guint8 *p)
{
	return ((guint) p[0] * 33u * 33u + (guint) p[1] * 33u + p[2]) & (HASH_SIZE - 1);
}

/* The longest match for @chunk[@at..@end) in the chunk before @at, the
 * nearest one on ties, as 2.4.1.3.19.4 Matching asks; 0 when shorter than
 * 3 bytes.  Candidates come from a hash chain of earlier positions with
 * the same first three bytes, so that random data is not quadratic. */
static gsize
find_match (const guint8 *chunk, gsize at, gsize end, const gint *head, const gint *prev,
            gsize *offset_out)
{
	if (end - at < MIN_MATCH)
		return 0;
	guint bits = copy_token_bit_count (at);
	gsize max_length = (0xFFFFu >> bits) + MIN_MATCH;
	gsize max_offset = (gsize) 1 << bits;
	gsize limit = MIN (max_length, end - at);
	gsize best = 0, best_offset = 0;
	for (gint cand = head[hash3 (chunk + at)]; cand >= 0; cand = prev[cand]) {
		gsize offset = at - (gsize) cand;
		if (offset > max_offset)
			break;  /* chains run from nearest to farthest */
		gsize n = 0;
		while (n < limit && chunk[cand + n] == chunk[at + n])
			n++;
		if (n > best) {
			best = n;
			best_offset = offset;
			if (n == limit)
				break;
		}
	}
	if (best < MIN_MATCH)
		return 0;
	*offset_out = best_offset;
	return best;
}

static void
insert_position (const guint8 *chunk, gsize at, gsize end, gint *head, gint *prev)
{
	if (end - at < MIN_MATCH)
		return;
	guint h = hash3 (chunk + at);
	prev[at] = head[h];
	head[h] = (gint) at;
}

/* Token sequences for one chunk of at most 4096 bytes, appended to @out;
 * returns how many bytes were written. */
static gsize
compress_tokens (const guint8 *chunk, gsize len, GByteArray *out)
{
	gint head[HASH_SIZE];
	gint prev[CHUNK_SIZE];
	for (guint i = 0; i < HASH_SIZE; i++)
		head[i] = -1;
	gsize start = out->len;
	gsize at = 0;
	while (at < len) {
		guint flag_index = out->len;
		guint8 flags = 0;
		g_byte_array_append (out, &flags, 1);
		for (guint bit = 0; bit < 8 && at < len; bit++) {
			gsize offset = 0;
			gsize length = find_match (chunk, at, len, head, prev, &offset);
			if (length) {
				guint bits = copy_token_bit_count (at);
				guint token = (guint) ((offset - 1) << (16 - bits)) | (guint) (length - MIN_MATCH);
				guint8 b[2] = { token & 0xFF, (token >> 8) & 0xFF };
				g_byte_array_append (out, b, 2);
				flags |= (guint8) (1u << bit);
				for (gsize i = 0; i < length; i++)
					insert_position (chunk, at + i, len, head, prev);
				at += length;
			} else {
				g_byte_array_append (out, chunk + at, 1);
				insert_position (chunk, at, len, head, prev);
				at++;
			}
		}
		out->data[flag_index] = flags;
	}
	return out->len - start;
}

GBytes *
_mh_ovba_compress (const guint8 *in, gsize len)
{
	GByteArray *out = g_byte_array_sized_new ((guint) MIN (len + len / 8 + 16, (gsize) G_MAXUINT));
	guint8 signature = 0x01;
	g_byte_array_append (out, &signature, 1);
	for (gsize pos = 0; pos < len; pos += CHUNK_SIZE) {
		gsize n = MIN ((gsize) CHUNK_SIZE, len - pos);
		guint header_at = out->len;
		guint8 header[2] = { 0, 0 };
		g_byte_array_append (out, header, 2);
		gsize written = compress_tokens (in + pos, n, out);
		guint value;
		if (written <= CHUNK_SIZE) {
			value = 0x8000u | (CHUNK_SIGNATURE << 12) | (guint) (written + 2 - 3);
		} else {
			/* Incompressible: a raw chunk (2.4.1.3.10).  A short final chunk
			 * is left unpadded, which decompressors read to the end of the
			 * stream, so the round trip keeps the exact length. */
			g_byte_array_set_size (out, header_at + 2);
			g_byte_array_append (out, in + pos, (guint) n);
			value = (CHUNK_SIGNATURE << 12) | RAW_CHUNK_SIZE_FIELD;
		}
		out->data[header_at] = value & 0xFF;
		out->data[header_at + 1] = (value >> 8) & 0xFF;
	}
	return g_byte_array_free_to_bytes (out);
}
