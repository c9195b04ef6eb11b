/* cache-probe: how much cache two processes of this machine share.
 *
 * tests/bench/README.md ("The two cores share little cache") runs it
 * alone and two at once: random reads and writes over a working set of
 * MIB mebibytes, or arithmetic only when MIB is 0.  When two copies at
 * once take much longer than one alone, their working sets no longer fit
 * in the cache the two cores share; arithmetic alone shows whether the
 * cores themselves are shared.  Built by `make check`, never run by it. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main (int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf (stderr, "usage: cache-probe STEPS [MIB]\n");
		return 2;
	}
	long steps = atol (argv[1]);
	long mib = argc > 2 ? atol (argv[2]) : 0;
	if (steps <= 0 || mib < 0 || mib > 4096) {
		fprintf (stderr, "cache-probe: STEPS > 0, MIB from 0 to 4096\n");
		return 2;
	}
	size_t words = (size_t) mib << 18;   /* 4-byte words in MIB mebibytes */
	unsigned *set = NULL;
	if (words) {
		set = malloc (words * sizeof *set);
		if (!set) {
			fprintf (stderr, "cache-probe: no memory for %ld MiB\n", mib);
			return 1;
		}
		for (size_t i = 0; i < words; i++)   /* touched before the clock starts */
			set[i] = (unsigned) i;
	}
	struct timespec t0, t1;
	clock_gettime (CLOCK_MONOTONIC, &t0);
	/* a linear congruential generator picks the places: nothing for the
	 * prefetcher to follow */
	unsigned long x = 1, sum = 0;
	for (long i = 0; i < steps; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		if (set)
			sum += set[(x >> 20) % words]++;
		else
			sum += x >> 33;
	}
	clock_gettime (CLOCK_MONOTONIC, &t1);
	/* the sum is printed so that the loop is not optimised away */
	printf ("%.3f s (%lu)\n", (double) (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	        sum & 1);
	free (set);
	return 0;
}
