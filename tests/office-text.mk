# Document text (ole.c/ooxml.c text extraction): tests and harnesses
check_PROGRAMS += tests/test-doc-text
TESTS += tests/test-doc-text
tests_test_doc_text_SOURCES = tests/test-doc-text.c tests/office-testlib.c tests/office-testlib.h
tests_test_doc_text_LDADD = $(test_ldadd)
# the Word text reader (FIB, piece table) on bytes; seeds in tests/fuzz/seeds/doc-text
# (distributed with tests/fuzz/seeds by tests/fuzz/fuzz.mk)
check_PROGRAMS += tests/fuzz/replay-doc-text
tests_fuzz_replay_doc_text_SOURCES = tests/fuzz/fuzz-doc-text.c tests/fuzz/standalone.c
tests_fuzz_replay_doc_text_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-doc-text
tests_fuzz_fuzz_doc_text_SOURCES = tests/fuzz/fuzz-doc-text.c
tests_fuzz_fuzz_doc_text_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_doc_text_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_doc_text_LDADD = $(fuzz_ldadd)
endif
