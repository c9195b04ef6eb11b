# Harmless sample mailboxes (samples-benign/README.md).  The generator is
# built with the tests; `make samples` rewrites the committed samples from
# it, and tests/samples.py checks that they still agree.
noinst_PROGRAMS += tests/gen-samples
tests_gen_samples_SOURCES = tests/gen-samples.c tests/gen-mail.c tests/gen-mail.h
tests_gen_samples_CFLAGS = $(AM_CFLAGS)
tests_gen_samples_LDADD = $(DEPS_LIBS)

# What the generator writes.  Directories, not file lists: the sample file
# names hold spaces ("Local Folders") and colons (Maildir ":2,S"), which make
# cannot take as prerequisites.
samples_generated = \
	samples-benign/thunderbird-profile \
	samples-benign/maildir \
	samples-benign/quarantine \
	samples-benign/expected.tsv \
	samples-benign/expected-skipped.tsv \
	samples-benign/README.md

EXTRA_DIST += tests/gen-samples.c $(samples_generated) tests/samples.py
TESTS += tests/samples.py

# Removes first, so a sample dropped from the generator does not linger.
samples: tests/gen-samples$(EXEEXT)
	cd $(srcdir) && rm -rf $(samples_generated)
	$(builddir)/tests/gen-samples$(EXEEXT) $(srcdir)/samples-benign
.PHONY: samples
