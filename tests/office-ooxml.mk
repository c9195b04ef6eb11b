# Office analyser: ooxml (tests and harnesses)
# OOXML packages, Flat OPC and Word 2003 XML (src/office/ooxml.c)
check_PROGRAMS += tests/test-ooxml
TESTS += tests/test-ooxml
tests_test_ooxml_SOURCES = tests/test-ooxml.c tests/office-testlib.c tests/office-testlib.h
tests_test_ooxml_LDADD = $(test_ldadd)
# the relationships parser under libFuzzer (seeds in tests/fuzz/seeds/ooxml-rels,
# distributed with tests/fuzz/seeds by tests/fuzz/fuzz.mk)
check_PROGRAMS += tests/fuzz/replay-ooxml-rels
tests_fuzz_replay_ooxml_rels_SOURCES = tests/fuzz/fuzz-ooxml-rels.c tests/fuzz/standalone.c
tests_fuzz_replay_ooxml_rels_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-ooxml-rels
tests_fuzz_fuzz_ooxml_rels_SOURCES = tests/fuzz/fuzz-ooxml-rels.c
tests_fuzz_fuzz_ooxml_rels_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_ooxml_rels_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_ooxml_rels_LDADD = $(fuzz_ldadd)
endif
# whole documents (ZIP packages, Flat OPC, Word 2003 XML; seeds in tests/fuzz/seeds/ooxml)
check_PROGRAMS += tests/fuzz/replay-ooxml
tests_fuzz_replay_ooxml_SOURCES = tests/fuzz/fuzz-ooxml.c tests/fuzz/standalone.c
tests_fuzz_replay_ooxml_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-ooxml
tests_fuzz_fuzz_ooxml_SOURCES = tests/fuzz/fuzz-ooxml.c
tests_fuzz_fuzz_ooxml_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_ooxml_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_ooxml_LDADD = $(fuzz_ldadd)
endif
