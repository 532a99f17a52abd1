/*
 * evl_test.h - the few helpers the C tests share: a check macro that names
 * the failing line, a runner, and small descriptor and clock helpers.
 */
#ifndef EVL_TEST_H
#define EVL_TEST_H

#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#elif !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "evl.h"

/* Fails the current test function with the file and line of the check. */
#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: check failed: %s\n",       \
				__FILE__, __LINE__, #cond);                \
			return 1;                                          \
		}                                                          \
	} while (0)

/* Runs one test function and counts it as failed if it returns non-zero. */
#define RUN(fn)                                                            \
	do {                                                               \
		int rc_ = fn();                                            \
		fprintf(stderr, "%s %s\n", rc_ ? "FAIL" : "ok  ", #fn);    \
		failures += rc_ != 0;                                      \
	} while (0)

static inline int64_t test_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int test_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* A non-blocking pipe; p[0] reads, p[1] writes. Returns 0 or -1. */
static inline int test_pipe(int p[2])
{
	if (pipe(p) < 0)
		return -1;
	if (test_nonblock(p[0]) < 0 || test_nonblock(p[1]) < 0)
		return -1;
	return 0;
}

/* Polls once without requests; the records go to ev. */
static inline int32_t test_poll(evl_loop *l, struct evl_event *ev, int n,
				int64_t timeout_ns)
{
	return evl_poll(l, NULL, 0, ev, n, timeout_ns);
}

#endif
