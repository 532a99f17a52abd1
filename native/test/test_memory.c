/*
 * test_memory.c - evl_held_bytes(): the core counts what it allocates for
 * a loop, exactly, and gives it back when sockets go, so that a steady
 * load leaves the figure flat.
 */
/* First, so that its feature macros come before any system header. */
#include "evl_test.h"

#include <string.h>

#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#define OS_EVENT sizeof(struct epoll_event)
#else
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#define OS_EVENT sizeof(struct kevent)
#endif

#define EVENTS 64

static int test_null_loop(void)
{
	CHECK(evl_held_bytes(NULL) == -EBADF);
	return 0;
}

/* The event array grows to the largest max_events asked, never shrinks. */
static int test_event_array_counted(void)
{
	struct evl_event ev[256];
	int64_t opened;
	evl_loop *l;

	CHECK(evl_open(&l) == 0);
	opened = evl_held_bytes(l);
	CHECK(opened > 0);
	CHECK(test_poll(l, ev, 4, 0) == 0);
	CHECK(evl_held_bytes(l) - opened == (int64_t)(4 * OS_EVENT));
	CHECK(test_poll(l, ev, 256, 0) == 0);
	CHECK(evl_held_bytes(l) - opened == (int64_t)(256 * OS_EVENT));
	CHECK(test_poll(l, ev, 4, 0) == 0);
	CHECK(evl_held_bytes(l) - opened == (int64_t)(256 * OS_EVENT));
	CHECK(evl_close(l) == 0);
	return 0;
}

#if defined(__linux__)
static unsigned char arena[65536];
static unsigned char payload[65536];

static struct evl_req req(uint64_t token, int fd, int op)
{
	struct evl_req r;

	memset(&r, 0, sizeof(r));
	r.token = token;
	r.fd = fd;
	r.op = (uint16_t)op;
	return r;
}

/* A socket pair whose first end takes little before writes queue up. */
static int small_pair(int sv[2])
{
	int size = 4096;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)))
		return -1;
	return test_nonblock(sv[0]) < 0 || test_nonblock(sv[1]) < 0 ? -1 : 0;
}

/* Adds sv[0] as I/O socket 1 and queues 40 writes that cannot leave. */
static int add_and_queue(evl_loop *l, int sv[2], int64_t *added)
{
	struct evl_event ev[EVENTS];
	struct evl_req r[40];
	int i;

	r[0] = req(1, sv[0], EVL_OP_IO_ADD);
	if (evl_poll(l, r, 1, ev, EVENTS, 0) < 0)
		return -1;
	*added = evl_held_bytes(l);
	for (i = 0; i < 40; i++) {
		r[i] = req(1, 0, EVL_OP_WRITE);
		r[i].addr = (uint64_t)(uintptr_t)payload;
		r[i].len = sizeof(payload);
	}
	return evl_poll(l, r, 40, ev, EVENTS, 0) < 0 ? -1 : 0;
}

static int test_sockets_counted_and_returned(void)
{
	struct evl_event ev[EVENTS];
	struct evl_req r;
	int64_t base, added, queued, closed, again;
	evl_loop *l;
	int sv[2];

	CHECK(evl_open(&l) == 0);
	CHECK(evl_set_arena(l, arena, sizeof(arena)) == 0);
	CHECK(test_poll(l, ev, EVENTS, 0) == 0);
	base = evl_held_bytes(l);
	CHECK(small_pair(sv) == 0);
	CHECK(add_and_queue(l, sv, &added) == 0);
	queued = evl_held_bytes(l);
	/* The table and the socket's record; then a queue of 8, 16, 32, 64
	 * entries for 40 writes (the first is only partly sent). */
	CHECK(added > base);
	CHECK(queued - added == (int64_t)(64 * sizeof(struct iovec)));
	r = req(1, sv[0], EVL_OP_CLOSE);
	CHECK(evl_poll(l, &r, 1, ev, EVENTS, 0) >= 0);
	closed = evl_held_bytes(l);
	/* Only the socket table stays, for the next socket. */
	CHECK(closed > base && closed < added);
	close(sv[1]);
	/* The same load again takes the same memory: no growth. */
	CHECK(small_pair(sv) == 0);
	CHECK(add_and_queue(l, sv, &again) == 0);
	CHECK(again == added && evl_held_bytes(l) == queued);
	r = req(1, sv[0], EVL_OP_CLOSE);
	CHECK(evl_poll(l, &r, 1, ev, EVENTS, 0) >= 0);
	CHECK(evl_held_bytes(l) == closed);
	close(sv[1]);
	CHECK(evl_close(l) == 0);
	return 0;
}
#endif

int main(void)
{
	int failures = 0;

	RUN(test_null_loop);
	RUN(test_event_array_counted);
#if defined(__linux__)
	RUN(test_sockets_counted_and_returned);
#endif
	return failures != 0;
}
