/*
 * test_fallback.c - the epoll_wait() path used when the kernel lacks
 * epoll_pwait2 (Linux before 5.11, or a seccomp filter that refuses it).
 *
 * This program defines syscall() itself; the core is linked statically into
 * it, so the core's call resolves here and sees ENOSYS, as on an old kernel.
 */
#include "evl_test.h"

#define MS 1000000LL

static int pwait2_calls;

long syscall(long number, ...)
{
	(void)number;
	pwait2_calls++;
	errno = ENOSYS;
	return -1;
}

/* Polls an idle loop for timeout_ns; the wait must not end early. */
static int check_timeout(evl_loop *l, int64_t timeout_ns)
{
	struct evl_event ev[4];
	int64_t t0, took;

	t0 = test_now_ns();
	CHECK(test_poll(l, ev, 4, timeout_ns) == 0);
	took = test_now_ns() - t0;
	CHECK(took >= timeout_ns);
	CHECK(took < 2000 * MS);
	return 0;
}

static int test_fallback_waits(void)
{
	struct evl_event ev[4];
	evl_loop *l;
	int p[2];

	CHECK(evl_open(&l) == 0);
	CHECK(check_timeout(l, 2 * MS) == 0);
	/* Rounded up to 1 ms rather than down to a busy poll. */
	CHECK(check_timeout(l, 200000) == 0);
	CHECK(check_timeout(l, 1) == 0);
	/* The core remembers the refusal and asks only once. */
	CHECK(pwait2_calls == 1);
	CHECK(evl_wake(l) == 0);
	CHECK(test_poll(l, ev, 4, -1) == 0);
	CHECK(test_pipe(p) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(evl_ctl(l, EVL_OP_ADD, p[0], EVL_READ, 5) == 0);
	CHECK(test_poll(l, ev, 4, -1) == 1);
	CHECK(ev[0].token == 5 && ev[0].ready == EVL_READ);
	evl_close(l);
	close(p[0]);
	close(p[1]);
	return 0;
}

int main(void)
{
	int failures = 0;

	RUN(test_fallback_waits);
	return failures != 0;
}
