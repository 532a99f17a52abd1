/*
 * Shared helpers of the C baseline programs: a monotonic clock, the poller
 * (epoll on Linux, kqueue elsewhere) reduced to what the baselines need, and
 * the result line that bench/run hands to the table:
 *
 *   <Benchmark.method> <params or -> c <nanoseconds per operation>
 */
#ifndef CBENCH_H
#define CBENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline long long cb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void cb_die(const char *what)
{
	fprintf(stderr, "cbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Reads the measuring time per round, in milliseconds, from argv[1]. */
static inline long cb_round_ms(int argc, char **argv)
{
	long ms = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;

	if (ms <= 0) {
		fprintf(stderr, "usage: %s [ms-per-round] [rounds]\n", argv[0]);
		exit(2);
	}
	return ms;
}

static inline int cb_rounds(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 5;

	return rounds > 0 ? rounds : 5;
}

static int cb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of n figures; sorts them. */
static inline double cb_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cb_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline void cb_report(const char *bench, const char *params,
			     double ns)
{
	printf("%s %s c %.1f\n", bench, params, ns);
	fflush(stdout);
}

#endif
