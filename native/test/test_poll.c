/*
 * test_poll.c - evl_poll(): batched requests, wake-ups, timeouts and many
 * ready descriptors.
 */
/* First, so that its feature macros come before any system header. */
#include "evl_test.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define MS 1000000LL
#define NPIPES 1000

static int test_batch_with_failure(void)
{
	struct evl_req reqs[3];
	struct evl_event ev[8];
	evl_loop *l;
	int p[2], n;

	CHECK(evl_open(&l) == 0);
	CHECK(test_pipe(p) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	reqs[0] = (struct evl_req){ .token = 1, .fd = p[0], .op = EVL_OP_ADD,
				   .interest = EVL_READ };
	reqs[1] = (struct evl_req){ .token = 2, .fd = 9999, .op = EVL_OP_ADD,
				   .interest = EVL_READ };
	reqs[2] = (struct evl_req){ .token = 3, .fd = p[1], .op = EVL_OP_ADD,
				   .interest = EVL_WRITE };
	/* A failed request means no wait, even with an infinite timeout. */
	n = evl_poll(l, reqs, 3, ev, 8, -1);
	CHECK(n == 3);
	CHECK(ev[0].token == 2);
	CHECK(ev[0].ready == EVL_FAILED);
	CHECK(ev[0].result == -EBADF);
	CHECK((ev[1].token == 1 && ev[1].ready == EVL_READ) ||
	      (ev[2].token == 1 && ev[2].ready == EVL_READ));
	CHECK((ev[1].token == 3 && ev[1].ready == EVL_WRITE) ||
	      (ev[2].token == 3 && ev[2].ready == EVL_WRITE));
	/* The good requests stay applied. */
	CHECK(evl_poll(l, NULL, 0, ev, 8, 0) == 2);
	evl_close(l);
	close(p[0]);
	close(p[1]);
	return 0;
}

static void *wake_later(void *arg)
{
	struct timespec ts = { 0, 50 * MS };

	nanosleep(&ts, NULL);
	evl_wake(arg);
	return NULL;
}

static int test_wake_from_thread(void)
{
	struct evl_event ev[4];
	pthread_t t;
	evl_loop *l;
	int64_t t0;

	CHECK(evl_open(&l) == 0);
	t0 = test_now_ns();
	CHECK(pthread_create(&t, NULL, wake_later, l) == 0);
	CHECK(test_poll(l, ev, 4, -1) == 0);
	CHECK(test_now_ns() - t0 >= 40 * MS);
	CHECK(pthread_join(t, NULL) == 0);
	evl_close(l);
	return 0;
}

static int test_wake_before_poll(void)
{
	struct evl_event ev[4];
	evl_loop *l;
	int64_t t0;

	CHECK(evl_open(&l) == 0);
	CHECK(evl_wake(l) == 0);
	CHECK(evl_wake(l) == 0);
	t0 = test_now_ns();
	CHECK(test_poll(l, ev, 4, 10000 * MS) == 0);
	CHECK(test_now_ns() - t0 < 2000 * MS);
	/* The wake-up was consumed: the next poll waits its full time. */
	t0 = test_now_ns();
	CHECK(test_poll(l, ev, 4, 20 * MS) == 0);
	CHECK(test_now_ns() - t0 >= 20 * MS);
	evl_close(l);
	return 0;
}

/* Polls an idle loop for timeout_ns and checks how long it took. */
static int check_timeout(int64_t timeout_ns)
{
	struct evl_event ev[4];
	evl_loop *l;
	int64_t t0, took;

	CHECK(evl_open(&l) == 0);
	t0 = test_now_ns();
	CHECK(test_poll(l, ev, 4, timeout_ns) == 0);
	took = test_now_ns() - t0;
	CHECK(took >= timeout_ns);
	CHECK(took < 2000 * MS);
	evl_close(l);
	return 0;
}

static int test_timeout_2ms(void)
{
	return check_timeout(2 * MS);
}

static int test_timeout_200us(void)
{
	return check_timeout(200000);
}

static int test_timeout_zero(void)
{
	return check_timeout(0);
}

static int raise_fd_limit(int want)
{
	struct rlimit rl;

	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	if (rl.rlim_cur >= (rlim_t)want)
		return 0;
	rl.rlim_cur = rl.rlim_max;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	CHECK(rl.rlim_cur >= (rlim_t)want);
	return 0;
}

/* Polls with small batches until every token 0..n-1 has been seen. */
static int see_all(evl_loop *l, int n)
{
	struct evl_event ev[64];
	char *seen = calloc((size_t)n, 1);
	int round, i, got, left = n;

	CHECK(seen != NULL);
	for (round = 0; round < 10 * n / 63 && left > 0; round++) {
		got = test_poll(l, ev, 64, 1000 * MS);
		CHECK(got > 0 && got <= 64);
		for (i = 0; i < got; i++) {
			CHECK(ev[i].token < (uint64_t)n);
			CHECK(ev[i].ready & EVL_READ);
			left -= !seen[ev[i].token];
			seen[ev[i].token] = 1;
		}
	}
	free(seen);
	CHECK(left == 0);
	return 0;
}

static int test_many_fds(void)
{
	static int p[NPIPES][2];
	evl_loop *l;
	int i;

	CHECK(raise_fd_limit(2 * NPIPES + 64) == 0);
	CHECK(evl_open(&l) == 0);
	for (i = 0; i < NPIPES; i++) {
		CHECK(test_pipe(p[i]) == 0);
		CHECK(write(p[i][1], "x", 1) == 1);
		CHECK(evl_ctl(l, EVL_OP_ADD, p[i][0], EVL_READ, i) == 0);
	}
	CHECK(see_all(l, NPIPES) == 0);
	evl_close(l);
	for (i = 0; i < NPIPES; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	return 0;
}

/* A larger max_events than before grows the internal array. */
static int test_growing_batch(void)
{
	struct evl_event ev[32];
	evl_loop *l;
	int p[2];

	CHECK(evl_open(&l) == 0);
	CHECK(test_pipe(p) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(evl_ctl(l, EVL_OP_ADD, p[0], EVL_READ, 1) == 0);
	CHECK(test_poll(l, ev, 1, 0) == 1);
	CHECK(test_poll(l, ev, 32, 0) == 1);
	CHECK(test_poll(l, ev, 2, 0) == 1);
	evl_close(l);
	close(p[0]);
	close(p[1]);
	return 0;
}

int main(void)
{
	int failures = 0;

	RUN(test_batch_with_failure);
	RUN(test_wake_from_thread);
	RUN(test_wake_before_poll);
	RUN(test_timeout_2ms);
	RUN(test_timeout_200us);
	RUN(test_timeout_zero);
	RUN(test_many_fds);
	RUN(test_growing_batch);
	return failures != 0;
}
