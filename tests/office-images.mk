# Pictures in documents (src/office/images.c): recognised by content,
# OfficeArt BLIPs of .doc/.xls/.ppt, bitmaps inside EMF/WMF metafiles.

# unit tests: every format's header and size, truncated and garbage
# input, BLIPs in Data-, Pictures- and drawing-group-like buffers,
# metafile bitmaps; the corpora's .doc/.xls streams when present
check_PROGRAMS += tests/test-images
TESTS += tests/test-images
tests_test_images_LDADD = $(test_ldadd)

# libFuzzer harness: bytes as a picture, as a stream holding BLIPs, and
# as a metafile
EXTRA_DIST += tests/fuzz/seeds/images
check_PROGRAMS += tests/fuzz/replay-images
tests_fuzz_replay_images_SOURCES = tests/fuzz/fuzz-images.c tests/fuzz/standalone.c
tests_fuzz_replay_images_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-images
tests_fuzz_fuzz_images_SOURCES = tests/fuzz/fuzz-images.c
tests_fuzz_fuzz_images_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_images_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_images_LDADD = $(fuzz_ldadd)
endif
