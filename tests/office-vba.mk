# Office analyser: vba (tests and harnesses)
# MS-OVBA compression (src/office/ovba.c) and VBA projects (src/office/vba.c)
check_PROGRAMS += tests/test-ovba tests/test-vba
TESTS += tests/test-ovba tests/test-vba
tests_test_ovba_LDADD = $(test_ldadd)
tests_test_vba_LDADD = $(test_ldadd)
# fuzz harnesses: replay programs for `make check` (tests/fuzz-replay.sh),
# libFuzzer binaries with --enable-fuzzing
# (tests/fuzz/seeds, with seeds/ovba and seeds/vba-dir, is distributed by tests/fuzz/fuzz.mk)
check_PROGRAMS += tests/fuzz/replay-ovba tests/fuzz/replay-vba-dir
tests_fuzz_replay_ovba_SOURCES = tests/fuzz/fuzz-ovba.c tests/fuzz/standalone.c
tests_fuzz_replay_ovba_LDADD = $(fuzz_ldadd)
tests_fuzz_replay_vba_dir_SOURCES = tests/fuzz/fuzz-vba-dir.c tests/fuzz/standalone.c
tests_fuzz_replay_vba_dir_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-ovba tests/fuzz/fuzz-vba-dir
tests_fuzz_fuzz_ovba_SOURCES = tests/fuzz/fuzz-ovba.c
tests_fuzz_fuzz_ovba_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_ovba_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_ovba_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_vba_dir_SOURCES = tests/fuzz/fuzz-vba-dir.c
tests_fuzz_fuzz_vba_dir_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_vba_dir_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_vba_dir_LDADD = $(fuzz_ldadd)
endif
