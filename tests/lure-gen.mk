# Harmless "Enable Content" lure samples (samples-benign/lures/README.md):
# lure screens as text and as pictures drawn with pango/cairo, in English
# and Japanese, with and without a message-box macro, and negative
# controls.  `gen-office --lures DIR` writes them (tests/gen-lures.c);
# `make lure-samples` rewrites the committed copy; tests/lure-samples.py
# checks determinism, agreement with the committed copy and the structure
# of every file (not the OCR: tests of the analyser do that).
lure_samples_generated = samples-benign/lures

EXTRA_DIST += tests/gen-lures.c $(lure_samples_generated) tests/lure-samples.py
TESTS += tests/lure-samples.py

# Removes first, so a sample dropped from the generator does not linger.
lure-samples: tests/gen-office$(EXEEXT)
	cd $(srcdir) && rm -rf $(lure_samples_generated)
	$(builddir)/tests/gen-office$(EXEEXT) --lures $(srcdir)/$(lure_samples_generated)
.PHONY: lure-samples
