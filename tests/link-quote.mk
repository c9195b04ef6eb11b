# Quote extraction (src/link/quote.c): unit tests and harnesses.

# unit tests: every introduction style in English and Japanese, nesting,
# HTML replies through mh_text_from_html, the caps, subject
# normalisation, and quoted replies of the corpora (Tika's mboxes)
check_PROGRAMS += tests/test-quote
TESTS += tests/test-quote
tests_test_quote_LDADD = $(test_ldadd)

# libFuzzer harness: bytes as a body (plain, and as HTML turned into
# text) and as a subject
EXTRA_DIST += tests/fuzz/seeds/quote
check_PROGRAMS += tests/fuzz/replay-quote
tests_fuzz_replay_quote_SOURCES = tests/fuzz/fuzz-quote.c tests/fuzz/standalone.c
tests_fuzz_replay_quote_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-quote
tests_fuzz_fuzz_quote_SOURCES = tests/fuzz/fuzz-quote.c
tests_fuzz_fuzz_quote_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_quote_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_quote_LDADD = $(fuzz_ldadd)
endif
