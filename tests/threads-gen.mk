# Harmless stolen-thread scenarios for the link stage
# (samples-benign/threads/README.md): a history of genuine threads, and an
# inbox of case A and case B spoofs beside genuine replies, as mbox, Maildir
# and single .eml files.  gen-threads reads the committed harmless macro
# documents of samples-benign/office/ to attach them, hence its second
# argument.  `make thread-samples` rewrites the committed copy;
# tests/threads-samples.py checks determinism, agreement with the committed
# copy, and the structure of every file.
noinst_PROGRAMS += tests/gen-threads
tests_gen_threads_SOURCES = tests/gen-threads.c tests/gen-mail.c tests/gen-mail.h
tests_gen_threads_CFLAGS = $(AM_CFLAGS)
tests_gen_threads_LDADD = $(DEPS_LIBS)

# A directory, not a file list: the Maildir names hold colons.
thread_samples_generated = samples-benign/threads

EXTRA_DIST += tests/gen-threads.c $(thread_samples_generated) tests/threads-samples.py
TESTS += tests/threads-samples.py

# Removes first, so a sample dropped from the generator does not linger.
thread-samples: tests/gen-threads$(EXEEXT)
	cd $(srcdir) && rm -rf $(thread_samples_generated)
	$(builddir)/tests/gen-threads$(EXEEXT) $(srcdir)/$(thread_samples_generated) $(srcdir)
.PHONY: thread-samples
