/*
 * test_io.c - the core's own socket I/O: reads into the arena, queued
 * and partial writes, shutdown, end of stream, accept, connect, close and
 * the errors of each.
 */
/* First, so that its feature macros come before any system header. */
#include "evl_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ARENA 65536
#define MS 1000000LL

static unsigned char arena[ARENA];

static struct evl_req req(uint64_t token, int fd, int op, unsigned interest)
{
	struct evl_req r;

	memset(&r, 0, sizeof(r));
	r.token = token;
	r.fd = fd;
	r.op = (uint16_t)op;
	r.interest = (uint16_t)interest;
	return r;
}

static struct evl_req write_req(uint64_t token, const void *p, uint32_t n)
{
	struct evl_req r = req(token, 0, EVL_OP_WRITE, 0);

	r.addr = (uint64_t)(uintptr_t)p;
	r.len = n;
	return r;
}

static int open_loop(evl_loop **l)
{
	if (evl_open(l) != 0)
		return -1;
	return evl_set_arena(*l, arena, ARENA);
}

static int pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	return test_nonblock(sv[0]) < 0 || test_nonblock(sv[1]) < 0 ? -1 : 0;
}

/* Polls until a record with bit comes for token; returns its index. */
static int wait_for(evl_loop *l, struct evl_event *ev, int n, uint64_t token,
		    uint32_t bit, int *count)
{
	int i, tries;

	for (tries = 0; tries < 100; tries++) {
		*count = evl_poll(l, NULL, 0, ev, n, 100 * MS);
		for (i = 0; i < *count; i++)
			if (ev[i].token == token && (ev[i].ready & bit))
				return i;
	}
	return -1;
}

static int test_abi(void)
{
	CHECK(evl_abi(EVL_ABI_VERSION_KEY) >= 2); /* I/O keys since 2 */
	CHECK(evl_abi(EVL_ABI_REQ_ADDR) ==
	      (int)offsetof(struct evl_req, addr));
	CHECK(evl_abi(EVL_ABI_REQ_LEN) == (int)offsetof(struct evl_req, len));
	CHECK(evl_abi(EVL_ABI_EVENT_AUX) ==
	      (int)offsetof(struct evl_event, aux));
	CHECK(evl_abi(EVL_ABI_IO) == 1);
	return 0;
}

static int test_read_into_arena(void)
{
	struct evl_event ev[8];
	struct evl_req r;
	evl_loop *l;
	int sv[2], n, i;

	CHECK(open_loop(&l) == 0);
	CHECK(pair(sv) == 0);
	r = req(7, sv[0], EVL_OP_IO_ADD, EVL_READ);
	CHECK(evl_poll(l, &r, 1, ev, 8, 0) == 0);
	CHECK(write(sv[1], "hello", 5) == 5);
	i = wait_for(l, ev, 8, 7, EVL_DATA, &n);
	CHECK(i >= 0);
	CHECK(ev[i].result == 5);
	CHECK(memcmp(arena + ev[i].aux, "hello", 5) == 0);
	/* Paused: nothing is read, the bytes wait in the socket. */
	r = req(7, -1, EVL_OP_MOD, 0);
	CHECK(write(sv[1], "again", 5) == 5);
	CHECK(evl_poll(l, &r, 1, ev, 8, 20 * MS) == 0);
	r = req(7, -1, EVL_OP_MOD, EVL_READ);
	CHECK(evl_poll(l, &r, 1, ev, 8, 1000 * MS) == 1);
	CHECK(ev[0].ready == EVL_DATA && ev[0].result == 5);
	CHECK(memcmp(arena + ev[0].aux, "again", 5) == 0);
	/* End of stream comes once; reading stops. */
	close(sv[1]);
	CHECK(evl_poll(l, NULL, 0, ev, 8, 1000 * MS) == 1);
	CHECK(ev[0].ready == EVL_EOF && ev[0].token == 7);
	CHECK(evl_poll(l, NULL, 0, ev, 8, 20 * MS) == 0);
	r = req(7, -1, EVL_OP_CLOSE, 0);
	CHECK(evl_poll(l, &r, 1, ev, 8, 0) == 0);
	CHECK(fcntl(sv[0], F_GETFD) < 0 && errno == EBADF);
	evl_close(l);
	return 0;
}

static int test_write_at_once(void)
{
	struct evl_event ev[8];
	struct evl_req r[2];
	char buf[16];
	evl_loop *l;
	int sv[2];

	CHECK(open_loop(&l) == 0);
	CHECK(pair(sv) == 0);
	r[0] = req(3, sv[0], EVL_OP_IO_ADD, 0);
	r[1] = write_req(3, "ping", 4);
	/* The write completes inside the call, so it does not wait. */
	CHECK(evl_poll(l, r, 2, ev, 8, -1) == 1);
	CHECK(ev[0].token == 3 && ev[0].ready == EVL_WRITTEN);
	CHECK(ev[0].result == 4);
	CHECK(read(sv[1], buf, sizeof(buf)) == 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	evl_close(l);
	/* evl_close() leaves the descriptors to their owner. */
	CHECK(fcntl(sv[0], F_GETFD) >= 0);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

/* Reads what is there from fd into dst at *got; returns 0 or -1. */
static int drain(int fd, unsigned char *dst, size_t *got, size_t cap)
{
	ssize_t n;

	while (*got < cap &&
	       (n = read(fd, dst + *got, cap - *got)) > 0)
		*got += (size_t)n;
	return 0;
}

static int test_partial_writes_and_shutdown(void)
{
	const size_t size = 4u << 20;
	unsigned char *out = malloc(size), *in = malloc(size);
	struct evl_event ev[16];
	struct evl_req r[5];
	size_t got = 0, written = 0, i;
	int sv[2], n, k, shut = 0, eof = 0;
	evl_loop *l;

	CHECK(out != NULL && in != NULL);
	for (i = 0; i < size; i++)
		out[i] = (unsigned char)(i * 7 + i / 4096);
	CHECK(open_loop(&l) == 0);
	CHECK(pair(sv) == 0);
	/* Three writes and a shutdown queue behind a socket that fills. */
	r[0] = req(5, sv[0], EVL_OP_IO_ADD, 0);
	r[1] = write_req(5, out, (uint32_t)(size / 2));
	r[2] = write_req(5, out + size / 2, (uint32_t)(size / 4));
	r[3] = write_req(5, out + size / 2 + size / 4, (uint32_t)(size / 4));
	r[4] = req(5, -1, EVL_OP_SHUTDOWN, 0);
	n = evl_poll(l, r, 5, ev, 16, 0);
	for (k = 0; k < 1000 && !(shut && eof); k++) {
		for (i = 0; i < (size_t)n; i++) {
			CHECK(ev[i].token == 5);
			if (ev[i].ready == EVL_WRITTEN)
				written += (size_t)ev[i].result;
			else if (ev[i].ready == EVL_SHUT)
				shut = ev[i].result == 0 ? 1 : -1;
			else
				CHECK(0);
		}
		CHECK(drain(sv[1], in, &got, size) == 0);
		if (got == size && read(sv[1], in, 1) == 0)
			eof = 1;
		n = evl_poll(l, NULL, 0, ev, 16, 10 * MS);
	}
	CHECK(shut == 1);
	CHECK(eof == 1);
	CHECK(written == size);
	CHECK(memcmp(in, out, size) == 0);
	evl_close(l);
	close(sv[0]);
	close(sv[1]);
	free(in);
	free(out);
	return 0;
}

static int listen_tcp(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) < 0 ||
	    listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)a, &len) < 0)
		return -1;
	return fd;
}

static int connect_nb(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A loop, a listener on 127.0.0.1 and a client connecting to it. */
static int open_tcp(evl_loop **l, struct sockaddr_in *a, int *lfd, int *cfd)
{
	if (open_loop(l) != 0)
		return -1;
	*lfd = listen_tcp(a);
	*cfd = *lfd < 0 ? -1 : connect_nb(a);
	return *cfd < 0 ? -1 : 0;
}

static int test_accept_and_connect(void)
{
	struct evl_event ev[16];
	struct evl_req r[2];
	struct sockaddr_in a;
	int lfd, cfd, afd = -1, n, i, connected = 0, rounds;
	evl_loop *l;

	CHECK(open_tcp(&l, &a, &lfd, &cfd) == 0);
	r[0] = req(1, lfd, EVL_OP_LISTEN_ADD, EVL_READ);
	r[1] = req(2, cfd, EVL_OP_CONNECT_ADD, EVL_READ);
	n = evl_poll(l, r, 2, ev, 16, 1000 * MS);
	for (rounds = 0; rounds < 100 && (afd < 0 || !connected); rounds++) {
		for (i = 0; i < n; i++) {
			if (ev[i].ready == EVL_ACCEPTED) {
				CHECK(ev[i].token == 1);
				afd = ev[i].result;
			} else if (ev[i].ready == EVL_CONNECTED) {
				CHECK(ev[i].token == 2 && ev[i].result == 0);
				connected = 1;
			}
		}
		n = evl_poll(l, NULL, 0, ev, 16, 100 * MS);
	}
	CHECK(afd >= 0 && connected);
	CHECK((fcntl(afd, F_GETFL) & O_NONBLOCK) != 0);
	CHECK((fcntl(afd, F_GETFD) & FD_CLOEXEC) != 0);
	/* The connected socket now reads and writes through the core. */
	CHECK(write(afd, "hi", 2) == 2);
	i = wait_for(l, ev, 16, 2, EVL_DATA, &n);
	CHECK(i >= 0 && ev[i].result == 2);
	close(afd);
	evl_close(l);
	close(lfd);
	close(cfd);
	return 0;
}

static int test_connect_refused(void)
{
	struct evl_event ev[4];
	struct sockaddr_in a;
	struct evl_req r;
	int lfd, cfd, i, n;
	evl_loop *l;

	CHECK(open_loop(&l) == 0);
	lfd = listen_tcp(&a);
	CHECK(lfd >= 0);
	close(lfd);
	cfd = connect_nb(&a);
	CHECK(cfd >= 0);
	r = req(9, cfd, EVL_OP_CONNECT_ADD, EVL_READ);
	n = evl_poll(l, &r, 1, ev, 4, 1000 * MS);
	CHECK(n >= 0);
	if (n == 1 && ev[0].ready == EVL_CONNECTED)
		i = 0;
	else
		i = wait_for(l, ev, 4, 9, EVL_CONNECTED, &n);
	CHECK(i >= 0);
	CHECK(ev[i].result == -ECONNREFUSED);
	/* Nothing more comes for it, and writing to it fails. */
	r = write_req(9, "x", 1);
	CHECK(evl_poll(l, &r, 1, ev, 4, 20 * MS) == 1);
	CHECK(ev[0].ready == EVL_FAILED && ev[0].result == -EPIPE);
	evl_close(l);
	close(cfd);
	return 0;
}

static int test_reset_peer(void)
{
	static unsigned char big[1 << 20];
	struct evl_event ev[8];
	struct evl_req r[2];
	struct linger lg = { 1, 0 };
	struct sockaddr_in a;
	int lfd, cfd, afd, i, n;
	evl_loop *l;

	CHECK(open_tcp(&l, &a, &lfd, &cfd) == 0);
	for (i = 0; i < 100 && (afd = accept(lfd, NULL, NULL)) < 0; i++)
		usleep(10000);
	CHECK(afd >= 0);
	r[0] = req(4, cfd, EVL_OP_IO_ADD, EVL_READ);
	CHECK(evl_poll(l, r, 1, ev, 8, 0) >= 0);
	CHECK(setsockopt(afd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
	close(afd);
	/* A reset peer: an error record, then writes fail without SIGPIPE. */
	i = wait_for(l, ev, 8, 4, EVL_IO_ERROR | EVL_EOF, &n);
	CHECK(i >= 0);
	if (ev[i].ready == EVL_IO_ERROR)
		CHECK(ev[i].result == -ECONNRESET);
	r[0] = write_req(4, big, sizeof(big));
	n = evl_poll(l, r, 1, ev, 8, 0);
	CHECK(n == 1);
	CHECK(ev[0].ready == EVL_FAILED || ev[0].ready == EVL_IO_ERROR);
	CHECK(ev[0].result == -EPIPE || ev[0].result == -ECONNRESET);
	close(lfd);
	evl_close(l);
	close(cfd);
	return 0;
}

/*
 * A SHUTDOWN asked for while connecting, with nothing queued, happens once
 * the socket is connected (it used to wait for a write that never came).
 */
static int test_shutdown_while_connecting(void)
{
	struct evl_event ev[8];
	struct evl_req r[2];
	struct sockaddr_in a;
	int lfd, cfd, afd = -1, i, n;
	char c;
	evl_loop *l;

	CHECK(open_tcp(&l, &a, &lfd, &cfd) == 0);
	r[0] = req(6, cfd, EVL_OP_CONNECT_ADD, 0);
	r[1] = req(6, -1, EVL_OP_SHUTDOWN, 0);
	CHECK(evl_poll(l, r, 2, ev, 8, 0) >= 0);
	i = wait_for(l, ev, 8, 6, EVL_SHUT, &n);
	CHECK(i >= 0 && ev[i].result == 0);
	for (i = 0; i < 100 && (afd = accept(lfd, NULL, NULL)) < 0; i++)
		usleep(10000);
	CHECK(afd >= 0);
	CHECK(read(afd, &c, 1) == 0);
	close(afd);
	evl_close(l);
	close(lfd);
	close(cfd);
	return 0;
}

/*
 * A WRITE after SHUTDOWN is refused as a request, also once the shutdown
 * is done, and the socket goes on reading (it used to fail in sendmsg and
 * stop reading with EPIPE).
 */
static int test_write_after_shutdown(void)
{
	struct evl_event ev[8];
	struct evl_req r[3];
	evl_loop *l;
	int sv[2], i, n;

	CHECK(open_loop(&l) == 0);
	CHECK(pair(sv) == 0);
	r[0] = req(8, sv[0], EVL_OP_IO_ADD, EVL_READ);
	r[1] = req(8, -1, EVL_OP_SHUTDOWN, 0);
	r[2] = write_req(8, "x", 1);
	CHECK(evl_poll(l, r, 3, ev, 8, 0) == 2);
	CHECK(ev[0].ready == EVL_SHUT && ev[0].result == 0);
	CHECK(ev[1].ready == EVL_FAILED && ev[1].result == -EINVAL);
	CHECK(write(sv[1], "hi", 2) == 2);
	i = wait_for(l, ev, 8, 8, EVL_DATA, &n);
	CHECK(i >= 0 && ev[i].result == 2);
	evl_close(l);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static int test_bad_requests(void)
{
	struct evl_event ev[8];
	struct evl_req r[6];
	evl_loop *l;
	int sv[2];

	CHECK(evl_set_arena(NULL, arena, ARENA) == -EBADF);
	CHECK(evl_open(&l) == 0);
	CHECK(evl_set_arena(l, NULL, ARENA) == -EINVAL);
	CHECK(evl_set_arena(l, arena, 10) == -EINVAL);
	CHECK(pair(sv) == 0);
	/* Reading needs an arena. */
	r[0] = req(1, sv[0], EVL_OP_IO_ADD, EVL_READ);
	r[1] = write_req(77, "x", 1);
	r[2] = req(78, -1, EVL_OP_CLOSE, 0);
	r[3] = req(1u << 24, sv[0], EVL_OP_IO_ADD, 0);
	r[4] = req(2, sv[0], EVL_OP_IO_ADD, 0);
	r[5] = req(3, sv[0], EVL_OP_IO_ADD, 0);
	CHECK(evl_poll(l, r, 6, ev, 8, 0) == 5);
	CHECK(ev[0].token == 1 && ev[0].result == -EINVAL);
	CHECK(ev[1].token == 77 && ev[1].result == -ENOENT);
	CHECK(ev[2].token == 78 && ev[2].result == -ENOENT);
	CHECK(ev[3].result == -EINVAL);
	/* The same descriptor twice: epoll refuses the second. */
	CHECK(ev[4].token == 3 && ev[4].result == -EEXIST);
	/* evl_ctl() takes no I/O operations. */
	CHECK(evl_ctl(l, EVL_OP_WRITE, sv[0], 0, 5) == -EINVAL);
	evl_close(l);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

int main(void)
{
	int failures = 0;

	RUN(test_abi);
	RUN(test_read_into_arena);
	RUN(test_write_at_once);
	RUN(test_partial_writes_and_shutdown);
	RUN(test_accept_and_connect);
	RUN(test_connect_refused);
	RUN(test_reset_peer);
	RUN(test_shutdown_while_connecting);
	RUN(test_write_after_shutdown);
	RUN(test_bad_requests);
	return failures != 0;
}
