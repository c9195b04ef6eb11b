# libFuzzer harnesses (tests/fuzz/README.md).  Each harness is built twice:
# as a replay program for `make check`, which runs it once over its seeds
# and the corpora (so the ordinary and the ASan+UBSan builds exercise it),
# and, with --enable-fuzzing (CC=clang), as a real libFuzzer binary.
fuzz_ldadd = libmailhunt.a $(DEPS_LIBS)

check_PROGRAMS += tests/fuzz/replay-mbox tests/fuzz/replay-message tests/fuzz/replay-header
tests_fuzz_replay_mbox_SOURCES = tests/fuzz/fuzz-mbox.c tests/fuzz/standalone.c
tests_fuzz_replay_mbox_LDADD = $(fuzz_ldadd)
tests_fuzz_replay_message_SOURCES = tests/fuzz/fuzz-message.c tests/fuzz/standalone.c
tests_fuzz_replay_message_LDADD = $(fuzz_ldadd)
tests_fuzz_replay_header_SOURCES = tests/fuzz/fuzz-header.c tests/fuzz/standalone.c
tests_fuzz_replay_header_LDADD = $(fuzz_ldadd)
TESTS += tests/fuzz-replay.sh
EXTRA_DIST += tests/fuzz-replay.sh tests/fuzz/seeds tests/fuzz/README.md

if ENABLE_FUZZING
fuzz_flags = -fsanitize=fuzzer,address,undefined
noinst_PROGRAMS += tests/fuzz/fuzz-mbox tests/fuzz/fuzz-message tests/fuzz/fuzz-header
tests_fuzz_fuzz_mbox_SOURCES = tests/fuzz/fuzz-mbox.c
tests_fuzz_fuzz_mbox_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_mbox_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_mbox_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_message_SOURCES = tests/fuzz/fuzz-message.c
tests_fuzz_fuzz_message_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_message_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_message_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_header_SOURCES = tests/fuzz/fuzz-header.c
tests_fuzz_fuzz_header_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_header_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_header_LDADD = $(fuzz_ldadd)
endif
