# Records read back (src/report/records.c): the jsonl printer's lines
# turned into messages and documents again, for bulk scanning's workers,
# shards and `mailhunt merge`.
check_PROGRAMS += tests/test-records
TESTS += tests/test-records
tests_test_records_LDADD = $(test_ldadd)
# fuzz harness: a line of bytes -> record -> message or document -> every printer
# (tests/fuzz/seeds, with seeds/fuzz-records, is distributed by tests/fuzz/fuzz.mk)
check_PROGRAMS += tests/fuzz/replay-records
tests_fuzz_replay_records_SOURCES = tests/fuzz/fuzz-records.c tests/fuzz/standalone.c
tests_fuzz_replay_records_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-records
tests_fuzz_fuzz_records_SOURCES = tests/fuzz/fuzz-records.c
tests_fuzz_fuzz_records_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_records_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_records_LDADD = $(fuzz_ldadd)
endif
