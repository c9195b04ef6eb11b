/* MS-OVBA 2.4.1 compression (src/office/ovba.c): the worked examples of
 * MS-OVBA section 3.2, round trips of many sizes, that the compressor
 * really uses copy tokens, and damaged containers. */
#include "config.h"

#include <string.h>

#include "office/office-private.h"

static GByteArray *
unhex (const char *text)
{
	GByteArray *out = g_byte_array_new ();
	guint8 byte = 0;
	int digits = 0;
	for (const char *p = text; *p; p++) {
		if (!g_ascii_isxdigit (*p))
			continue;
		byte = (guint8) (byte << 4 | g_ascii_xdigit_value (*p));
		if (++digits == 2) {
			g_byte_array_append (out, &byte, 1);
			byte = 0;
			digits = 0;
		}
	}
	return out;
}

static GByteArray *
decompress_ok (const guint8 *in, gsize len)
{
	GByteArray *out = g_byte_array_new ();
	g_autoptr (GError) error = NULL;
	gboolean capped = TRUE;
	gboolean ok = _mh_ovba_decompress (in, len, G_MAXSIZE, out, &capped, &error);
	g_assert_no_error (error);
	g_assert_true (ok);
	g_assert_false (capped);
	return out;
}

static void
assert_bytes (const GByteArray *got, const guint8 *want, gsize want_len)
{
	g_assert_cmpuint (got->len, ==, want_len);
	g_assert_cmpmem (got->data, got->len, want, want_len);
}

/* 3.2.1 No Compression Example: literals only, three token sequences. */
static void
test_spec_no_compression (void)
{
	const char *text = "abcdefghijklmnopqrstuv.";
	g_autoptr (GByteArray) compressed =
		unhex ("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E");
	g_autoptr (GByteArray) plain = decompress_ok (compressed->data, compressed->len);
	assert_bytes (plain, (const guint8 *) text, strlen (text));

	g_autoptr (GBytes) ours = _mh_ovba_compress ((const guint8 *) text, strlen (text));
	gsize n;
	const guint8 *p = g_bytes_get_data (ours, &n);
	g_assert_cmpmem (p, n, compressed->data, compressed->len);
}

/* 3.2.2 Normal Compression Example.  The bytes printed in the
 * specification (token 0x3000 where 0x2000 belongs, ...) decode to a
 * different text; implementations that agree with Office (and each other)
 * produce the corrected bytes used here. */
static void
test_spec_normal_compression (void)
{
	const char *text = "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa";
	g_autoptr (GByteArray) compressed = unhex (
		"01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 "
		"61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F "
		"70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 "
		"7A 00 2C");
	g_autoptr (GByteArray) plain = decompress_ok (compressed->data, compressed->len);
	assert_bytes (plain, (const guint8 *) text, strlen (text));

	g_autoptr (GBytes) ours = _mh_ovba_compress ((const guint8 *) text, strlen (text));
	gsize n;
	const guint8 *p = g_bytes_get_data (ours, &n);
	g_assert_cmpmem (p, n, compressed->data, compressed->len);

	/* the bytes as printed are still a well-formed container */
	g_autoptr (GByteArray) printed = unhex (
		"01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 "
		"61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F "
		"70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 "
		"7A 00 3C");
	g_autoptr (GByteArray) other = decompress_ok (printed->data, printed->len);
	g_assert_cmpuint (other->len, ==, strlen (text));
}

/* 3.2.3 Maximum Compression Example: 73 times 'a', one literal and one
 * overlapping copy token. */
static void
test_spec_maximum_compression (void)
{
	char text[74];
	memset (text, 'a', 73);
	text[73] = '\0';
	g_autoptr (GByteArray) compressed = unhex ("01 03 B0 02 61 45 00");
	g_autoptr (GByteArray) plain = decompress_ok (compressed->data, compressed->len);
	assert_bytes (plain, (const guint8 *) text, 73);

	g_autoptr (GBytes) ours = _mh_ovba_compress ((const guint8 *) text, 73);
	gsize n;
	const guint8 *p = g_bytes_get_data (ours, &n);
	g_assert_cmpmem (p, n, compressed->data, compressed->len);
}

typedef enum { DATA_RANDOM, DATA_REPETITIVE, DATA_TEXT } data_kind;

static GByteArray *
make_data (data_kind kind, gsize len, guint32 seed)
{
	GByteArray *a = g_byte_array_sized_new ((guint) len);
	g_byte_array_set_size (a, (guint) len);
	GRand *rand = g_rand_new_with_seed (seed);
	static const char *const words[] = { "Sub ", "End Sub\r\n", "Dim x As String\r\n",
	                                     "MsgBox \"hello\"\r\n", "' comment\r\n", "x = x & 1\r\n" };
	for (gsize i = 0; i < len;) {
		switch (kind) {
		case DATA_RANDOM:
			a->data[i++] = (guint8) g_rand_int_range (rand, 0, 256);
			break;
		case DATA_REPETITIVE:
			a->data[i] = (guint8) ("abcabcabd"[i % 9]);
			i++;
			break;
		case DATA_TEXT: {
			const char *w = words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))];
			for (; *w && i < len; w++)
				a->data[i++] = (guint8) *w;
			break;
		}
		}
	}
	g_rand_free (rand);
	return a;
}

static void
round_trip (data_kind kind, gsize len)
{
	g_autoptr (GByteArray) in = make_data (kind, len, (guint32) len * 7 + kind);
	g_autoptr (GBytes) packed = _mh_ovba_compress (in->data, in->len);
	gsize n;
	const guint8 *p = g_bytes_get_data (packed, &n);
	g_assert_cmpuint (n, >=, 1);
	g_assert_cmpuint (p[0], ==, 0x01);
	g_autoptr (GByteArray) out = decompress_ok (p, n);
	assert_bytes (out, in->data, in->len);
	if (kind != DATA_RANDOM && len >= 1000)
		g_assert_cmpuint (n, <, len / 2);  /* copy tokens were used */
	if (kind == DATA_RANDOM)
		/* incompressible chunks become raw chunks: 2 bytes of header per 4096 */
		g_assert_cmpuint (n, <=, 1 + len + 2 * (len / 4096 + 1) + (len + 7) / 8);
}

static void
test_round_trips (void)
{
	static const gsize sizes[] = { 0, 1, 2, 3, 4, 7, 8, 9, 17, 100, 1000, 3640, 3641, 4095,
	                               4096, 4097, 8191, 8192, 8193, 12288, 100000 };
	for (guint k = DATA_RANDOM; k <= DATA_TEXT; k++)
		for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
			round_trip ((data_kind) k, sizes[i]);
}

/* The empty container is the signature byte alone. */
static void
test_empty (void)
{
	g_autoptr (GBytes) packed = _mh_ovba_compress (NULL, 0);
	g_assert_cmpuint (g_bytes_get_size (packed), ==, 1);
	const guint8 one = 0x01;
	g_autoptr (GByteArray) out = decompress_ok (&one, 1);
	g_assert_cmpuint (out->len, ==, 0);
}

static void
test_cap (void)
{
	g_autoptr (GByteArray) in = make_data (DATA_TEXT, 20000, 1);
	g_autoptr (GBytes) packed = _mh_ovba_compress (in->data, in->len);
	gsize n;
	const guint8 *p = g_bytes_get_data (packed, &n);
	static const gsize caps[] = { 0, 1, 100, 4096, 5000, 19999 };
	for (guint i = 0; i < G_N_ELEMENTS (caps); i++) {
		g_autoptr (GByteArray) out = g_byte_array_new ();
		gboolean capped = FALSE;
		g_autoptr (GError) error = NULL;
		g_assert_true (_mh_ovba_decompress (p, n, caps[i], out, &capped, &error));
		g_assert_no_error (error);
		g_assert_true (capped);
		assert_bytes (out, in->data, caps[i]);
	}
	/* a cap equal to the size is not hit */
	g_autoptr (GByteArray) out = g_byte_array_new ();
	gboolean capped = TRUE;
	g_assert_true (_mh_ovba_decompress (p, n, 20000, out, &capped, NULL));
	g_assert_false (capped);
	g_assert_cmpuint (out->len, ==, 20000);

	/* the cap counts what @out held before */
	g_autoptr (GByteArray) more = g_byte_array_new ();
	g_byte_array_append (more, (const guint8 *) "xyz", 3);
	g_assert_true (_mh_ovba_decompress (p, n, 103, more, &capped, NULL));
	g_assert_true (capped);
	g_assert_cmpuint (more->len, ==, 103);
}

static void
expect_error (const guint8 *in, gsize len, gsize min_kept)
{
	g_autoptr (GByteArray) out = g_byte_array_new ();
	g_autoptr (GError) error = NULL;
	gboolean capped = TRUE;
	g_assert_false (_mh_ovba_decompress (in, len, 1 << 20, out, &capped, &error));
	g_assert_nonnull (error);
	g_assert_true (g_utf8_validate (error->message, -1, NULL));
	g_assert_false (capped);
	g_assert_cmpuint (out->len, >=, min_kept);
}

static void
test_malformed (void)
{
	/* no signature, wrong signature, header cut, bad chunk signature */
	expect_error (NULL, 0, 0);
	expect_error ((const guint8 *) "\x02\x19\xB0", 3, 0);
	expect_error ((const guint8 *) "\x01\x19", 2, 0);
	expect_error ((const guint8 *) "\x01\x19\xC0\x00" "abcdefgh", 12, 0);
	/* raw chunk whose size field is not 4098 */
	expect_error ((const guint8 *) "\x01\x10\x30" "abc", 6, 0);
	/* copy token at the start of a chunk reaches before it */
	expect_error ((const guint8 *) "\x01\x02\xB0\x01\x00\x00", 6, 0);
	/* copy token cut in half: the literal before it is kept */
	expect_error ((const guint8 *) "\x01\x02\xB0\x02\x61\x45", 6, 1);
	/* a copy token that would write past 4096 bytes of the chunk:
	 * 'a', then copies of the maximum length until the chunk overflows */
	{
		GByteArray *b = g_byte_array_new ();
		g_byte_array_append (b, (const guint8 *) "\x01\x00\x00", 3);
		g_byte_array_append (b, (const guint8 *) "\xFE" "a", 2);
		/* at difference 1 a token is 4 bits offset: length field 0xFFF = 4098 */
		for (int i = 0; i < 7; i++)
			g_byte_array_append (b, (const guint8 *) "\xFF\x0F", 2);
		guint size = b->len - 1 - 3;
		b->data[1] = size & 0xFF;
		b->data[2] = 0xB0 | ((size >> 8) & 0x0F);
		expect_error (b->data, b->len, 1);
		g_byte_array_unref (b);
	}

	/* every truncation of a real container either decodes a prefix of the
	 * input or fails, never crashes */
	g_autoptr (GByteArray) in = make_data (DATA_TEXT, 9000, 3);
	g_autoptr (GBytes) packed = _mh_ovba_compress (in->data, in->len);
	gsize n;
	const guint8 *p = g_bytes_get_data (packed, &n);
	guint failures = 0;
	for (gsize cut = 0; cut < n; cut++) {
		g_autoptr (GByteArray) out = g_byte_array_new ();
		g_autoptr (GError) error = NULL;
		gboolean capped;
		if (!_mh_ovba_decompress (p, cut, G_MAXSIZE, out, &capped, &error)) {
			g_assert_nonnull (error);
			failures++;
		}
		g_assert_cmpuint (out->len, <=, in->len);
		g_assert_cmpmem (out->data, out->len, in->data, out->len);
	}
	g_assert_cmpuint (failures, >, n / 2);

	/* flipped bits: no crash, output bounded by 4096 per chunk */
	GRand *rand = g_rand_new_with_seed (42);
	for (int round = 0; round < 2000; round++) {
		g_autoptr (GByteArray) copy = g_byte_array_new ();
		g_byte_array_append (copy, p, (guint) n);
		for (int k = 0; k < 4; k++)
			copy->data[g_rand_int_range (rand, 0, (gint32) n)] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
		g_autoptr (GByteArray) out = g_byte_array_new ();
		gboolean capped;
		(void) _mh_ovba_decompress (copy->data, copy->len, G_MAXSIZE, out, &capped, NULL);
		g_assert_cmpuint (out->len, <=, 4096 * (n / 3 + 1));
	}
	g_rand_free (rand);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/ovba/spec/no-compression", test_spec_no_compression);
	g_test_add_func ("/ovba/spec/normal-compression", test_spec_normal_compression);
	g_test_add_func ("/ovba/spec/maximum-compression", test_spec_maximum_compression);
	g_test_add_func ("/ovba/round-trips", test_round_trips);
	g_test_add_func ("/ovba/empty", test_empty);
	g_test_add_func ("/ovba/cap", test_cap);
	g_test_add_func ("/ovba/malformed", test_malformed);
	return g_test_run ();
}
