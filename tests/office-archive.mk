# Office analyser: archive (tests and harnesses)
# ZIP archives (ZipCrypto passwords from the mail body), RTF objects,
# MHT/ActiveMime (src/office/archive.c); fixtures are built by the test.
check_PROGRAMS += tests/test-archive
TESTS += tests/test-archive
tests_test_archive_LDADD = $(test_ldadd)
# (tests/fuzz/seeds, with seeds/archive, is distributed by tests/fuzz/fuzz.mk)
check_PROGRAMS += tests/fuzz/replay-archive
tests_fuzz_replay_archive_SOURCES = tests/fuzz/fuzz-archive.c tests/fuzz/standalone.c
tests_fuzz_replay_archive_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-archive
tests_fuzz_fuzz_archive_SOURCES = tests/fuzz/fuzz-archive.c
tests_fuzz_fuzz_archive_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_archive_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_archive_LDADD = $(fuzz_ldadd)
endif
