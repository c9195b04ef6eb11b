# Harmless Office samples (samples-benign/office/README.md).  The generator
# is built with the tests; `make office-samples` rewrites the committed
# samples from it, and tests/office-samples.py checks that they still agree
# and that every file is well-formed.  gen-office also writes the lure
# samples (tests/gen-lures.c, tests/lure-gen.mk), whose pictures it draws
# with pango/cairo: hence RENDER_*.
check_PROGRAMS += tests/gen-office
tests_gen_office_SOURCES = tests/gen-office.c tests/gen-office.h tests/gen-lures.c
tests_gen_office_CFLAGS = $(AM_CFLAGS) $(RENDER_CFLAGS)
tests_gen_office_LDADD = libmailhunt.a $(DEPS_LIBS) $(RENDER_LIBS)

# A directory, not a file list: the generator owns everything below it.
office_samples_generated = samples-benign/office

EXTRA_DIST += tests/gen-office.c tests/gen-office.h $(office_samples_generated) tests/office-samples.py
TESTS += tests/office-samples.py

# Removes first, so a sample dropped from the generator does not linger.
office-samples: tests/gen-office$(EXEEXT)
	cd $(srcdir) && rm -rf $(office_samples_generated)
	$(builddir)/tests/gen-office$(EXEEXT) $(srcdir)/$(office_samples_generated)
.PHONY: office-samples
