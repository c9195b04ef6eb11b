# Tests: every test speaks TAP, so that automake's logs (and .ci/run) count
# each assertion.  GTest programs print TAP by default (GLib >= 2.62);
# Python scripts print it through tests/mhtest.py.
TAP_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
LOG_DRIVER = $(TAP_DRIVER)
TEST_EXTENSIONS = .py .sh
PY_LOG_DRIVER = $(TAP_DRIVER)
PY_LOG_COMPILER = $(PYTHON3)
SH_LOG_DRIVER = $(TAP_DRIVER)
SH_LOG_COMPILER = $(SHELL)

AM_TESTS_ENVIRONMENT = \
	MAILHUNT='$(abs_top_builddir)/mailhunt'; \
	MH_CORPORA='$(CORPORA_DIR)'; \
	MH_SRCDIR='$(abs_top_srcdir)'; \
	MH_BUILDDIR='$(abs_top_builddir)'; \
	PYTHONPATH='$(abs_top_srcdir)/tests'; \
	PYTHONDONTWRITEBYTECODE=1; \
	export MAILHUNT MH_CORPORA MH_SRCDIR MH_BUILDDIR PYTHONPATH PYTHONDONTWRITEBYTECODE;

EXTRA_DIST += tests/mhtest.py tests/sampletools.py tests/data

# unit tests of the library (GTest)
test_programs = tests/test-text tests/test-mbox tests/test-message
check_PROGRAMS += $(test_programs)
TESTS += $(test_programs)
test_ldadd = libmailhunt.a $(DEPS_LIBS)
tests_test_text_LDADD = $(test_ldadd)
tests_test_mbox_LDADD = $(test_ldadd)
tests_test_message_LDADD = $(test_ldadd)

include $(srcdir)/tests/corpora.mk
include $(srcdir)/tests/cli.mk
