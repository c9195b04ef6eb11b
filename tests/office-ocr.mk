# Pictures decoded, fingerprinted and read (src/office/ocr.c): tests and harness.

# unit tests: lure screens rendered with Pango, read in English and
# Japanese; dHash across re-encoding and rescaling; size caps before
# decoding; too small, timeout, missing language data
check_PROGRAMS += tests/test-ocr
TESTS += tests/test-ocr
tests_test_ocr_CFLAGS = $(AM_CFLAGS) $(RENDER_CFLAGS)
tests_test_ocr_LDADD = $(test_ldadd) $(RENDER_LIBS)

# libFuzzer harness: bytes decoded as a picture and fingerprinted (no OCR)
EXTRA_DIST += tests/fuzz/seeds/image-decode
check_PROGRAMS += tests/fuzz/replay-image-decode
tests_fuzz_replay_image_decode_SOURCES = tests/fuzz/fuzz-image-decode.c tests/fuzz/standalone.c
tests_fuzz_replay_image_decode_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-image-decode
tests_fuzz_fuzz_image_decode_SOURCES = tests/fuzz/fuzz-image-decode.c
tests_fuzz_fuzz_image_decode_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_image_decode_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_image_decode_LDADD = $(fuzz_ldadd)
endif
