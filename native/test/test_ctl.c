/*
 * test_ctl.c - interest changes through evl_ctl() on pipes: level-triggered
 * readiness, MOD, DEL, hang-up, and an eventfd watched by the caller.
 */
#include "evl_test.h"

#include <sys/socket.h>

#if defined(__linux__)
#include <sys/eventfd.h>
#endif

#define MAXEV 8

/* Sets up a loop and a pipe that holds one byte. */
static int open_with_data(evl_loop **l, int p[2])
{
	CHECK(evl_open(l) == 0);
	CHECK(test_pipe(p) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	return 0;
}

static void close_all(evl_loop *l, int p[2])
{
	evl_close(l);
	close(p[0]);
	close(p[1]);
}

/* True when some record has token and all the bits of want. */
static int has(const struct evl_event *ev, int n, uint64_t token,
	       uint32_t want)
{
	int i;

	for (i = 0; i < n; i++)
		if (ev[i].token == token && (ev[i].ready & want) == want)
			return 1;
	return 0;
}

static int test_read_level_triggered(void)
{
	struct evl_event ev[MAXEV];
	evl_loop *l;
	int p[2], n, i;

	CHECK(open_with_data(&l, p) == 0);
	CHECK(evl_ctl(l, EVL_OP_ADD, p[0], EVL_READ, 42) == 0);
	/* Not read in between, so each poll reports the byte again. */
	for (i = 0; i < 3; i++) {
		n = test_poll(l, ev, MAXEV, 1000000000LL);
		CHECK(n == 1);
		CHECK(ev[0].token == 42);
		CHECK(ev[0].ready == EVL_READ);
		CHECK(ev[0].result == 0);
	}
	close_all(l, p);
	return 0;
}

/* A socketpair can be both readable and writable on every system. */
static int test_mod_and_del(void)
{
	struct evl_event ev[MAXEV];
	evl_loop *l;
	int s[2], n;

	CHECK(evl_open(&l) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(test_nonblock(s[0]) == 0);
	CHECK(write(s[1], "x", 1) == 1);
	CHECK(evl_ctl(l, EVL_OP_ADD, s[0], EVL_READ, 7) == 0);
	CHECK(evl_ctl(l, EVL_OP_MOD, s[0], EVL_WRITE, 7) == 0);
	n = test_poll(l, ev, MAXEV, 0);
	CHECK(n == 1 && ev[0].token == 7 && ev[0].ready == EVL_WRITE);
	CHECK(evl_ctl(l, EVL_OP_MOD, s[0], 0, 7) == 0);
	CHECK(test_poll(l, ev, MAXEV, 0) == 0);
	CHECK(evl_ctl(l, EVL_OP_MOD, s[0], EVL_READ, 7) == 0);
	n = test_poll(l, ev, MAXEV, 0);
	CHECK(n == 1 && ev[0].token == 7 && ev[0].ready == EVL_READ);
	CHECK(evl_ctl(l, EVL_OP_DEL, s[0], 0, 7) == 0);
	CHECK(test_poll(l, ev, MAXEV, 0) == 0);
	CHECK(evl_ctl(l, EVL_OP_DEL, s[0], 0, 7) == -ENOENT);
	close_all(l, s);
	return 0;
}

static int test_write_ready(void)
{
	struct evl_event ev[MAXEV];
	evl_loop *l;
	int p[2], n;

	CHECK(evl_open(&l) == 0);
	CHECK(test_pipe(p) == 0);
	CHECK(evl_ctl(l, EVL_OP_ADD, p[1], EVL_WRITE, 9) == 0);
	n = test_poll(l, ev, MAXEV, 0);
	CHECK(n == 1 && has(ev, n, 9, EVL_WRITE));
	CHECK(!has(ev, n, 9, EVL_READ));
	close_all(l, p);
	return 0;
}

static int test_interest_zero(void)
{
	struct evl_event ev[MAXEV];
	evl_loop *l;
	int p[2];

	CHECK(open_with_data(&l, p) == 0);
	CHECK(evl_ctl(l, EVL_OP_ADD, p[0], 0, 5) == 0);
	CHECK(test_poll(l, ev, MAXEV, 0) == 0);
	CHECK(evl_ctl(l, EVL_OP_MOD, p[0], EVL_READ, 5) == 0);
	CHECK(test_poll(l, ev, MAXEV, 0) == 1);
	close_all(l, p);
	return 0;
}

static int test_hangup(void)
{
	struct evl_event ev[MAXEV];
	evl_loop *l;
	int p[2], n;

	CHECK(evl_open(&l) == 0);
	CHECK(test_pipe(p) == 0);
	CHECK(evl_ctl(l, EVL_OP_ADD, p[0], EVL_READ, 3) == 0);
	CHECK(test_poll(l, ev, MAXEV, 0) == 0);
	close(p[1]);
	n = test_poll(l, ev, MAXEV, 1000000000LL);
	CHECK(n == 1);
	CHECK(ev[0].token == 3);
	CHECK((ev[0].ready & (EVL_HUP | EVL_READ)) == (EVL_HUP | EVL_READ));
	evl_close(l);
	close(p[0]);
	return 0;
}

#if defined(__linux__)
/* The caller's own eventfd must not be confused with the wake-up's. */
static int test_caller_eventfd(void)
{
	struct evl_event ev[MAXEV];
	uint64_t one = 1;
	evl_loop *l;
	int efd;

	CHECK(evl_open(&l) == 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(efd >= 0);
	CHECK(evl_ctl(l, EVL_OP_ADD, efd, EVL_READ, 11) == 0);
	CHECK(test_poll(l, ev, MAXEV, 0) == 0);
	CHECK(write(efd, &one, sizeof(one)) == sizeof(one));
	CHECK(evl_wake(l) == 0);
	CHECK(test_poll(l, ev, MAXEV, 0) == 1);
	CHECK(ev[0].token == 11 && ev[0].ready == EVL_READ);
	CHECK(read(efd, &one, sizeof(one)) == sizeof(one));
	CHECK(test_poll(l, ev, MAXEV, 0) == 0);
	evl_close(l);
	close(efd);
	return 0;
}
#endif

int main(void)
{
	int failures = 0;

	RUN(test_read_level_triggered);
	RUN(test_mod_and_del);
	RUN(test_write_ready);
	RUN(test_interest_zero);
	RUN(test_hangup);
#if defined(__linux__)
	RUN(test_caller_eventfd);
#endif
	return failures != 0;
}
