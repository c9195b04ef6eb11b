# Lure templates (src/office/lure.c): the template table, tests and harnesses.

# The templates are data (src/data/lures.txt, docs/lures.md), compiled into
# the binary as one C string, like the keyword tables of office-rules.mk.
# The generated file lives in the build directory and is not distributed.
EXTRA_DIST += src/data/lures.txt docs/lures.md
nodist_libmailhunt_a_SOURCES += src/data/lure-table.c
CLEANFILES += src/data/lure-table.c

src/data/lure-table.c: $(srcdir)/src/data/lures.txt $(srcdir)/tests/office-lure.mk
	$(AM_V_GEN)$(MKDIR_P) src/data && { \
	echo '/* Generated from src/data/lures.txt by tests/office-lure.mk: do not edit. */'; \
	echo 'extern const char _mh_lures_txt[];'; \
	echo 'const char _mh_lures_txt[] ='; \
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $(srcdir)/src/data/lures.txt; \
	echo ';'; } > $@-t && mv $@-t $@

# unit tests: every template matches its own phrases, with OCR noise;
# families apart; negative controls; analysts' files and their errors
check_PROGRAMS += tests/test-lure
TESTS += tests/test-lure
tests_test_lure_LDADD = $(test_ldadd)

# libFuzzer harness: bytes as a document's text, and as a lure file
EXTRA_DIST += tests/fuzz/seeds/lure
check_PROGRAMS += tests/fuzz/replay-lure
tests_fuzz_replay_lure_SOURCES = tests/fuzz/fuzz-lure.c tests/fuzz/standalone.c
tests_fuzz_replay_lure_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-lure
tests_fuzz_fuzz_lure_SOURCES = tests/fuzz/fuzz-lure.c
tests_fuzz_fuzz_lure_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_lure_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_lure_LDADD = $(fuzz_ldadd)
endif

# end to end on the generated lure samples: text and OCR of pictures,
# when OCR runs, fingerprints and `mailhunt lure-hash`, scan of a mail
EXTRA_DIST += tests/lure-cli.py
TESTS += tests/lure-cli.py
