# Command-line tests: golden reports, options, exit statuses, JSON Schema.
TESTS += tests/cli.py tests/schema.py
EXTRA_DIST += tests/cli.py tests/schema.py
# the Office analyser end to end: generated samples and corpora facts
TESTS += tests/office-cli.py
EXTRA_DIST += tests/office-cli.py

# mailhunt check and scan --mailbox on the scenario samples (docs/linking.md)
EXTRA_DIST += tests/check-cli.py
TESTS += tests/check-cli.py

# mailhunt exposure against an independent count of the addresses
EXTRA_DIST += tests/exposure-cli.py
TESTS += tests/exposure-cli.py

# libFuzzer harness: the link stage (index, case, exposure) on one hostile message
check_PROGRAMS += tests/fuzz/replay-link
tests_fuzz_replay_link_SOURCES = tests/fuzz/fuzz-link.c tests/fuzz/standalone.c
tests_fuzz_replay_link_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-link
tests_fuzz_fuzz_link_SOURCES = tests/fuzz/fuzz-link.c
tests_fuzz_fuzz_link_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_link_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_link_LDADD = $(fuzz_ldadd)
endif

# bulk scanning: --jobs, mbox ranges, shards and merge give one report (docs/bulk.md)
EXTRA_DIST += tests/bulk-cli.py
TESTS += tests/bulk-cli.py

# libFuzzer harness: the records of bulk scanning that are not report lines
check_PROGRAMS += tests/fuzz/replay-unit-records
tests_fuzz_replay_unit_records_SOURCES = tests/fuzz/fuzz-unit-records.c tests/fuzz/standalone.c
tests_fuzz_replay_unit_records_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-unit-records
tests_fuzz_fuzz_unit_records_SOURCES = tests/fuzz/fuzz-unit-records.c
tests_fuzz_fuzz_unit_records_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_unit_records_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_unit_records_LDADD = $(fuzz_ldadd)
endif
