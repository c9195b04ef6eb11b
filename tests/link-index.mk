# link-index: the thread index (src/link/index.c)
check_PROGRAMS += tests/test-index
TESTS += tests/test-index
tests_test_index_SOURCES = tests/test-index.c tests/link-words.h
tests_test_index_LDADD = $(test_ldadd)
# bench-link: built by `make check` but not run (tests/bench/README.md,
# docs/linking.md): bench-link N M
check_PROGRAMS += tests/bench/bench-link
tests_bench_bench_link_SOURCES = tests/bench/bench-link.c tests/link-words.h
tests_bench_bench_link_LDADD = $(test_ldadd)
