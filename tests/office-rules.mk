# Office analyser: rules (src/office/vba-rules.c), its tables, tests and harness.

# The keyword tables are data (src/data/*.tsv), compiled into the binary as
# text: each line becomes a line of a C string literal, so the program needs
# no installed data files.  The generated file lives in the build directory
# and is not distributed; the tables are.  A row with the wrong number of
# columns stops the build.
rule_tables = $(srcdir)/src/data/autoexec.tsv $(srcdir)/src/data/suspicious.tsv \
	$(srcdir)/src/data/xlm.tsv
EXTRA_DIST += src/data/autoexec.tsv src/data/suspicious.tsv src/data/xlm.tsv
libmailhunt_a_SOURCES += src/office/vba-tables.h
nodist_libmailhunt_a_SOURCES = src/data/rule-tables.c
CLEANFILES += src/data/rule-tables.c

src/data/rule-tables.c: $(rule_tables) $(srcdir)/tests/office-rules.mk
	$(AM_V_GEN)$(MKDIR_P) src/data && { \
	echo '/* Generated from the tables of src/data by tests/office-rules.mk: do not edit. */'; \
	echo '#include "office/vba-tables.h"'; \
	for table in autoexec suspicious xlm; do \
		file=$(srcdir)/src/data/$$table.tsv; \
		case $$table in autoexec) columns=4 ;; *) columns=5 ;; esac; \
		$(AWK) -v columns=$$columns -v file=$$file 'BEGIN { FS = "\t" } \
			!/^#/ && NF > 0 && NF != columns { \
				printf "%s:%d: %d columns, expected %d\n", file, NR, NF, columns > "/dev/stderr"; bad = 1 } \
			END { exit bad }' $$file || exit 1; \
		echo "const char _mh_$${table}_tsv[] ="; \
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $$file; \
		echo ';'; \
	done; } > $@-t && mv $@-t $@

# unit tests: the rules on hand-made modules, and every table row
check_PROGRAMS += tests/test-vba-rules
TESTS += tests/test-vba-rules
tests_test_vba_rules_LDADD = $(test_ldadd)

# libFuzzer harness: bytes as the source of one module, and as XLM formulas
EXTRA_DIST += tests/fuzz/seeds/vba-rules
check_PROGRAMS += tests/fuzz/replay-vba-rules
tests_fuzz_replay_vba_rules_SOURCES = tests/fuzz/fuzz-vba-rules.c tests/fuzz/standalone.c
tests_fuzz_replay_vba_rules_LDADD = $(fuzz_ldadd)
if ENABLE_FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-vba-rules
tests_fuzz_fuzz_vba_rules_SOURCES = tests/fuzz/fuzz-vba-rules.c
tests_fuzz_fuzz_vba_rules_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_vba_rules_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_vba_rules_LDADD = $(fuzz_ldadd)
endif
