# Outlook PST/OST (src/mailbox/pst.c): corpora facts, readpst cross-check, damaged copies.
TESTS += tests/pst.py
EXTRA_DIST += tests/pst.py
# contacts and distribution lists (the address book)
check_PROGRAMS += tests/test-pst-contacts
TESTS += tests/test-pst-contacts
tests_test_pst_contacts_LDADD = $(test_ldadd)
# Outlook .msg and winmail.dat (src/mailbox/msg.c, src/mailbox/tnef.c)
TESTS += tests/outlook-msg.py
# (tests/fuzz/seeds, with seeds/msg and seeds/tnef, is distributed by tests/fuzz/fuzz.mk)
EXTRA_DIST += tests/outlook-msg.py
check_PROGRAMS += tests/fuzz/replay-msg tests/fuzz/replay-tnef
tests_fuzz_replay_msg_SOURCES = tests/fuzz/fuzz-msg.c tests/fuzz/standalone.c
tests_fuzz_replay_msg_LDADD = $(fuzz_ldadd)
tests_fuzz_replay_tnef_SOURCES = tests/fuzz/fuzz-tnef.c tests/fuzz/standalone.c
tests_fuzz_replay_tnef_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-msg tests/fuzz/fuzz-tnef
tests_fuzz_fuzz_msg_SOURCES = tests/fuzz/fuzz-msg.c
tests_fuzz_fuzz_msg_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_msg_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_msg_LDADD = $(fuzz_ldadd)
tests_fuzz_fuzz_tnef_SOURCES = tests/fuzz/fuzz-tnef.c
tests_fuzz_fuzz_tnef_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_tnef_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_tnef_LDADD = $(fuzz_ldadd)
endif
# a .msg with an OLE object attachment (method 6), built around a generated sample
check_PROGRAMS += tests/test-msg-ole
TESTS += tests/test-msg-ole
tests_test_msg_ole_LDADD = $(test_ldadd)
