# bench: benchmarks run by hand (tests/bench/README.md), nothing run by
# `make check`.
# gmime-parse: the ceiling of bench-bulk.sh, a bare GMime parse of an mbox;
# built by `make check` but not run: gmime-parse [--decode] MBOX
check_PROGRAMS += tests/bench/gmime-parse
tests_bench_gmime_parse_SOURCES = tests/bench/gmime-parse.c
tests_bench_gmime_parse_LDADD = $(DEPS_LIBS)
# cache-probe: how much cache the two cores share (README.md)
check_PROGRAMS += tests/bench/cache-probe
tests_bench_cache_probe_SOURCES = tests/bench/cache-probe.c
EXTRA_DIST += tests/bench/README.md tests/bench/bench-lib.sh \
	tests/bench/gen-mbox.py tests/bench/gen-quarantine.py \
	tests/bench/bench-bulk.sh tests/bench/proc-peaks.py
