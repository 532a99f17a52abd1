/*
 * fuzz_fds.c - the harness's own descriptors: made fresh for every input
 * (pipe, socket pair, eventfd, an epoll instance, TCP sockets on
 * 127.0.0.1 only) and all closed after it, so that no input sees what
 * another left behind and none leaks.
 *
 * The core may close a descriptor (EVL_OP_CLOSE) and accept new ones. A
 * closed slot gets a number that is never open as soon as the poll that
 * closed it is checked, so a later request never names a number that the
 * kernel gave to something else meanwhile.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_harness.h"

/* Made once, never closed: the core cannot register it (EPERM). */
static int devnull_fd = -1;

void fail(const char *what, long got, long want)
{
	fprintf(stderr, "fuzz_core: %s: got %ld, want %ld\n", what, got,
		want);
	abort();
}

void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_core: check failed: %s\n", what);
		abort();
	}
}

int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	check(dir != NULL, "opendir /proc/self/fd");
	while (readdir(dir) != NULL)
		n++;
	closedir(dir);
	return n;
}

void open_static(void)
{
	if (devnull_fd >= 0)
		return;
	/* Writes to a shut-down socket must fail, not end the process. */
	signal(SIGPIPE, SIG_IGN);
	devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	check(devnull_fd >= 0, "open /dev/null");
}

static void set_slot(struct harness *h, int slot, int fd)
{
	check(fd >= 0, "open a harness descriptor");
	h->fd[slot] = fd;
	h->open[slot] = 1;
	h->pollable[slot] = 1;
}

/*
 * Closing a TCP socket with linger 0 resets the connection instead of
 * leaving it in TIME_WAIT: thousands of inputs a second would otherwise
 * run out of ports. Accepted sockets inherit it from the listener.
 */
static int tcp_socket(void)
{
	struct linger lg = { 1, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);

	check(fd >= 0, "socket");
	check(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0,
	      "SO_LINGER");
	return fd;
}

static int bound_tcp(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = tcp_socket();

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	check(bind(fd, (struct sockaddr *)a, sizeof(*a)) == 0, "bind");
	check(getsockname(fd, (struct sockaddr *)a, &len) == 0,
	      "getsockname");
	return fd;
}

static int connecting_tcp(const struct sockaddr_in *a)
{
	int fd = tcp_socket();

	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0)
		check(errno == EINPROGRESS || errno == ECONNREFUSED,
		      "connect on loopback");
	return fd;
}

static void open_tcp(struct harness *h)
{
	struct sockaddr_in listen_at, bound_at;
	int fd;

	fd = bound_tcp(&listen_at);
	check(listen(fd, 4) == 0, "listen");
	set_slot(h, SLOT_TCP_LISTEN, fd);
	set_slot(h, SLOT_TCP_CLIENT, connecting_tcp(&listen_at));
	set_slot(h, SLOT_TCP_BOUND, bound_tcp(&bound_at));
	set_slot(h, SLOT_TCP_REFUSED, connecting_tcp(&bound_at));
}

void open_harness(struct harness *h)
{
	int p[2], s[2], i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < SLOT_COUNT; i++)
		h->fd[i] = UNOPENED_FD;
	check(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2");
	check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0, s) == 0, "socketpair");
	set_slot(h, SLOT_PIPE_R, p[0]);
	set_slot(h, SLOT_PIPE_W, p[1]);
	set_slot(h, SLOT_SOCK_A, s[0]);
	set_slot(h, SLOT_SOCK_B, s[1]);
	set_slot(h, SLOT_EVENTFD, eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
	set_slot(h, SLOT_EPOLL, epoll_create1(EPOLL_CLOEXEC));
	open_tcp(h);
	h->fd[SLOT_DEVNULL] = devnull_fd;
	h->open[SLOT_DEVNULL] = 1;
	h->fd[SLOT_MINUS_ONE] = -1;
	h->fd[SLOT_INT_MIN] = INT32_MIN;
	h->fd[SLOT_INT_MAX] = INT32_MAX;
	check(evl_open(&h->loop) == 0, "evl_open");
}

/*
 * The core must never close a descriptor it was only asked to watch, and
 * evl_close() leaves the I/O sockets to their owner.
 */
void close_harness(struct harness *h)
{
	int i;

	for (i = 0; i < SLOT_COUNT; i++)
		if (h->open[i])
			check(fcntl(h->fd[i], F_GETFD) >= 0,
			      "harness fd still open");
	if (evl_close(h->loop) != 0)
		fail("evl_close", -1, 0);
	for (i = 0; i < SLOT_COUNT; i++)
		if (h->open[i] && i != SLOT_DEVNULL)
			close(h->fd[i]);
}

/* Forgets a closed slot's number, so no later request names it. */
static void retire(struct harness *h, int slot)
{
	h->fd[slot] = UNOPENED_FD;
	h->pollable[slot] = 0;
}

/*
 * Takes a socket the core accepted into a free accept slot, or closes it.
 * A slot closed in the same poll may have had this number: it is retired
 * without the check that its descriptor is closed.
 */
void adopt_fd(struct harness *h, int fd)
{
	int i, slot = -1;

	check((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "accepted non-blocking");
	check((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "accepted cloexec");
	for (i = 0; i < SLOT_COUNT; i++)
		if (!h->open[i] && h->fd[i] == fd)
			retire(h, i);
	for (i = SLOT_ACCEPT0; i <= SLOT_ACCEPT1 && slot < 0; i++)
		if (!h->open[i] && h->fd[i] == UNOPENED_FD)
			slot = i;
	if (slot < 0) {
		close(fd);
		return;
	}
	set_slot(h, slot, fd);
}

/* After a poll: what the core closed is closed, and is retired. */
void settle_closed(struct harness *h)
{
	int i;

	for (i = 0; i < SLOT_NEVER_OPEN; i++) {
		if (h->open[i] || h->fd[i] == UNOPENED_FD)
			continue;
		check(fcntl(h->fd[i], F_GETFD) < 0 && errno == EBADF,
		      "EVL_OP_CLOSE closed the descriptor");
		retire(h, i);
	}
}

/* The harness closes one of its sockets itself (a reset for TCP). */
void close_slot(struct harness *h, int slot)
{
	close(h->fd[slot]);
	h->open[slot] = 0;
	retire(h, slot);
}
