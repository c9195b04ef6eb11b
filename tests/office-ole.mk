# Office analyser: ole (tests and harnesses)
# OLE2 documents (src/office/ole.c): corpus facts and generated compound files
check_PROGRAMS += tests/test-ole
TESTS += tests/test-ole
tests_test_ole_LDADD = $(test_ldadd)
# the BIFF walker (Excel workbook streams, XLM formulas); seeds in tests/fuzz/seeds/xlm
# (distributed with tests/fuzz/seeds by tests/fuzz/fuzz.mk)
check_PROGRAMS += tests/fuzz/replay-xlm
tests_fuzz_replay_xlm_SOURCES = tests/fuzz/fuzz-xlm.c tests/fuzz/standalone.c
tests_fuzz_replay_xlm_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-xlm
tests_fuzz_fuzz_xlm_SOURCES = tests/fuzz/fuzz-xlm.c
tests_fuzz_fuzz_xlm_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_xlm_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_xlm_LDADD = $(fuzz_ldadd)
endif
