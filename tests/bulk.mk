# bulk scanning (issue 7): work units, mbox ranges, shards, --files-from
# (src/mailbox/units.c, src/mailbox/read.c, src/mailbox/mbox.c)
check_PROGRAMS += tests/test-units
TESTS += tests/test-units
tests_test_units_LDADD = $(test_ldadd)
# libFuzzer harness: plan + ranges must read exactly what mh_read_path reads
check_PROGRAMS += tests/fuzz/replay-mbox-cut
tests_fuzz_replay_mbox_cut_SOURCES = tests/fuzz/fuzz-mbox-cut.c tests/fuzz/standalone.c
tests_fuzz_replay_mbox_cut_LDADD = $(fuzz_ldadd)
EXTRA_DIST += tests/fuzz/seeds/mbox-cut
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-mbox-cut
tests_fuzz_fuzz_mbox_cut_SOURCES = tests/fuzz/fuzz-mbox-cut.c
tests_fuzz_fuzz_mbox_cut_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_mbox_cut_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_mbox_cut_LDADD = $(fuzz_ldadd)
endif
