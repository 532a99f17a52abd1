/*
 * fuzz_core.c - a libFuzzer target for the request decoding of the core.
 *
 * Each input opens a loop and decodes into a sequence of commands: single
 * interest changes (evl_ctl), batches of requests with edge-case sizes and
 * timeouts (evl_poll), wake-ups, readiness changes on the harness's own
 * descriptors, and the small helpers (evl_abi, evl_strerror). A model of
 * which descriptor is watched under which token predicts what each call
 * must return, from the contract in evl.h, and the harness aborts on any
 * difference, so the fuzzer reports it as a crash.
 *
 * Soundness: every descriptor a request names comes from a table the
 * harness owns (pipe, socket pair, eventfd, /dev/null, a second epoll
 * instance) or is a number that is never open (-1, 99999, INT32_MIN,
 * INT32_MAX). The fuzzer's own descriptors are never named, and the harness
 * checks after every input that its descriptors are still open and that
 * evl_close() released the loop's own.
 *
 * Linux only: the model encodes epoll's answers (-EEXIST, -ENOENT, -EPERM).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evl.h"
#include "fuzz_input.h"

#define WAKE_TOKEN UINT64_MAX
#define MAX_REQS 16
#define MAX_EVENTS 256
#define MAX_COMMANDS 64
#define READY_BITS (EVL_READ | EVL_WRITE | EVL_ERROR | EVL_HUP)

/* What a descriptor in the table is, which decides epoll's answer. */
enum fd_kind { KIND_POLLABLE, KIND_NOT_POLLABLE, KIND_CLOSED };

enum slot {
	SLOT_PIPE_R,
	SLOT_PIPE_W,
	SLOT_SOCK_A,
	SLOT_SOCK_B,
	SLOT_EVENTFD,
	SLOT_DEVNULL,
	SLOT_EPOLL,
	SLOT_MINUS_ONE,
	SLOT_UNOPENED,
	SLOT_INT_MIN,
	SLOT_INT_MAX,
	SLOT_COUNT
};

struct harness {
	evl_loop *loop;
	int fd[SLOT_COUNT];
	int watched[SLOT_COUNT];    /* the model: is the slot registered */
	uint64_t token[SLOT_COUNT]; /* and under which token */
};

/* Descriptors that live as long as the process: made once, never closed. */
static int devnull_fd = -1;
static int epoll_fd = -1;

static void fail(const char *what, long got, long want)
{
	fprintf(stderr, "fuzz_core: %s: got %ld, want %ld\n", what, got,
		want);
	abort();
}

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_core: check failed: %s\n", what);
		abort();
	}
}

static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	check(dir != NULL, "opendir /proc/self/fd");
	while (readdir(dir) != NULL)
		n++;
	closedir(dir);
	return n;
}

static void open_static(void)
{
	if (devnull_fd >= 0)
		return;
	/* Writes to a shut-down socket must fail, not end the process. */
	signal(SIGPIPE, SIG_IGN);
	devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	check(devnull_fd >= 0 && epoll_fd >= 0, "open static descriptors");
}

static void open_harness(struct harness *h)
{
	int p[2], s[2];

	memset(h, 0, sizeof(*h));
	check(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2");
	check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) == 0,
	      "socketpair");
	h->fd[SLOT_PIPE_R] = p[0];
	h->fd[SLOT_PIPE_W] = p[1];
	h->fd[SLOT_SOCK_A] = s[0];
	h->fd[SLOT_SOCK_B] = s[1];
	h->fd[SLOT_EVENTFD] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	check(h->fd[SLOT_EVENTFD] >= 0, "eventfd");
	h->fd[SLOT_DEVNULL] = devnull_fd;
	h->fd[SLOT_EPOLL] = epoll_fd;
	h->fd[SLOT_MINUS_ONE] = -1;
	/* Far above anything this process opens, so never a descriptor. */
	h->fd[SLOT_UNOPENED] = 99999;
	h->fd[SLOT_INT_MIN] = INT32_MIN;
	h->fd[SLOT_INT_MAX] = INT32_MAX;
	check(evl_open(&h->loop) == 0, "evl_open");
}

/* The core must never close a descriptor it was only asked to watch. */
static void close_harness(struct harness *h)
{
	int i;

	for (i = 0; i <= SLOT_EPOLL; i++)
		check(fcntl(h->fd[i], F_GETFD) >= 0, "harness fd still open");
	if (evl_close(h->loop) != 0)
		fail("evl_close", -1, 0);
	for (i = 0; i <= SLOT_EVENTFD; i++)
		close(h->fd[i]);
}

static enum fd_kind slot_kind(int slot)
{
	if (slot <= SLOT_EVENTFD || slot == SLOT_EPOLL)
		return KIND_POLLABLE;
	if (slot == SLOT_DEVNULL)
		return KIND_NOT_POLLABLE;
	return KIND_CLOSED;
}

/* ---------------------------------------------------------------- model */

/*
 * The answer evl.h promises for one interest change: 0, or a set of
 * acceptable -errno values. When several arguments are bad, the contract
 * does not say which one is reported, so any of their errors is accepted.
 */
struct expect {
	int ok;
	int einval; /* -EINVAL is acceptable */
	int errno_;  /* another single acceptable -errno, or 0 */
};

static int op_valid(int32_t op)
{
	return op == EVL_OP_ADD || op == EVL_OP_MOD || op == EVL_OP_DEL;
}

static struct expect predict(const struct harness *h, int32_t op, int slot,
			     uint32_t interest, uint64_t token)
{
	struct expect e = { 0, 0, 0 };
	int fd = h->fd[slot];

	e.einval = !op_valid(op) || (interest & ~3u) != 0 ||
		   token == WAKE_TOKEN;
	if (fd < 0)
		e.errno_ = EBADF;
	if (e.einval || e.errno_)
		return e;
	if (slot_kind(slot) == KIND_CLOSED)
		e.errno_ = EBADF;
	else if (slot_kind(slot) == KIND_NOT_POLLABLE)
		e.errno_ = EPERM;
	else if (op == EVL_OP_ADD && h->watched[slot])
		e.errno_ = EEXIST;
	else if (op != EVL_OP_ADD && !h->watched[slot])
		e.errno_ = ENOENT;
	else
		e.ok = 1;
	return e;
}

static void check_result(const struct expect *e, int32_t rc,
			 const char *what)
{
	if (e->ok) {
		if (rc != 0)
			fail(what, rc, 0);
		return;
	}
	if (rc == -EINVAL && e->einval)
		return;
	if (e->errno_ != 0 && rc == -e->errno_)
		return;
	fail(what, rc, e->einval ? -EINVAL : -e->errno_);
}

/* Applies a change the core accepted to the model. */
static void model_apply(struct harness *h, int32_t op, int slot,
			uint64_t token)
{
	h->watched[slot] = op != EVL_OP_DEL;
	h->token[slot] = token;
}

static int token_watched(const struct harness *h, uint64_t token)
{
	int i;

	for (i = 0; i < SLOT_COUNT; i++)
		if (h->watched[i] && h->token[i] == token)
			return 1;
	return 0;
}

/* ---------------------------------------------------------- decoding */

/* Mostly the three real ops, sometimes anything at all. */
/*
 * The model covers the interest changes of ABI 1. The socket requests of
 * ABI 2 (EVL_OP_IO_ADD to EVL_OP_CLOSE) take over and may close a harness
 * descriptor, which would make the model unsound, so they are mapped out
 * of the way here. Known gap: they are tested by test_io.c, not fuzzed.
 */
static int32_t outside_io_ops(int32_t op)
{
	if (op >= EVL_OP_IO_ADD && op <= EVL_OP_CLOSE)
		return op + 100;
	return op;
}

static int32_t pick_op(struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in);

	if (b < 0xf0)
		return 1 + b % 3;
	switch (b & 3) {
	case 0:
		return 0;
	case 1:
		return -1;
	case 2:
		return 65535;
	default:
		return outside_io_ops((int32_t)fuzz_u32(in));
	}
}

static uint32_t pick_interest(struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in);

	return (b & 0x80) ? fuzz_u32(in) : (b & 3u);
}

/* Small tokens collide on purpose; the reserved one comes up often. */
static uint64_t pick_token(struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in);

	switch (b % 8) {
	case 4:
		return WAKE_TOKEN;
	case 5:
		return WAKE_TOKEN - 1;
	case 6:
		return 1ULL << 63;
	case 7:
		return fuzz_u64(in);
	default:
		return b % 4;
	}
}

static int pick_slot(struct fuzz_input *in)
{
	return fuzz_u8(in) % SLOT_COUNT;
}

/* ---------------------------------------------------------- commands */

static void cmd_ctl(struct harness *h, struct fuzz_input *in)
{
	int32_t op = pick_op(in);
	int slot = pick_slot(in);
	uint32_t interest = pick_interest(in);
	uint64_t token = pick_token(in);
	struct expect e = predict(h, op, slot, interest, token);

	check_result(&e, evl_ctl(h->loop, op, h->fd[slot], interest, token),
		     "evl_ctl");
	if (e.ok)
		model_apply(h, op, slot, token);
}

struct batch {
	struct evl_req *reqs;
	int slots[MAX_REQS];
	int n;
};

/* The request fields are 16 bits wide, so op and interest are cut. */
static void decode_batch(struct fuzz_input *in, struct batch *b)
{
	int i;

	b->n = fuzz_u8(in) % (MAX_REQS + 1);
	/* Exactly n elements, so that ASan sees a read past the batch. */
	b->reqs = b->n > 0 ? calloc((size_t)b->n, sizeof(*b->reqs)) : NULL;
	for (i = 0; i < b->n; i++) {
		struct evl_req *r = &b->reqs[i];

		/* The request's op is 16 bits: map again after the cut. */
		r->op = (uint16_t)outside_io_ops((uint16_t)pick_op(in));
		b->slots[i] = pick_slot(in);
		r->interest = (uint16_t)pick_interest(in);
		r->token = pick_token(in);
	}
}

static int32_t pick_nreqs(uint8_t shape, int n)
{
	switch (shape & 3) {
	case 1:
		return -1;
	case 2:
		return INT32_MIN;
	default:
		return n;
	}
}

static int32_t pick_max_events(struct fuzz_input *in, uint8_t shape, int n)
{
	switch ((shape >> 2) & 7) {
	case 0:
		return n + 1;
	case 1:
		return n + 2;
	case 2:
		return n; /* one too few: -EINVAL */
	case 3:
		return 0;
	case 4:
		return -1;
	case 5:
		return MAX_EVENTS;
	case 6:
		return n + 1 + fuzz_u8(in) % 32;
	default:
		return INT32_MIN;
	}
}

/* Never an unbounded wait unless a wake-up is queued just before. */
static int64_t pick_timeout(struct harness *h, uint8_t shape)
{
	switch ((shape >> 5) & 3) {
	case 1:
		check(evl_wake(h->loop) == 0, "evl_wake");
		return -1;
	case 2:
		return 1;
	case 3:
		return 1000;
	default:
		return 0;
	}
}

/*
 * Predicts each request in order against the model, updating it as the
 * core would, and counts the requests that must fail.
 */
static int predict_batch(struct harness *h, const struct batch *b,
			 struct expect *e)
{
	int i, nfail = 0;

	for (i = 0; i < b->n; i++) {
		const struct evl_req *r = &b->reqs[i];

		e[i] = predict(h, r->op, b->slots[i], r->interest, r->token);
		if (e[i].ok)
			model_apply(h, r->op, b->slots[i], r->token);
		else
			nfail++;
	}
	return nfail;
}

/* Failed records first, in request order, then ready watches only. */
static void check_records(const struct harness *h, const struct batch *b,
			  const struct expect *e, const struct evl_event *ev,
			  int32_t rc)
{
	int i, k = 0;

	for (i = 0; i < b->n; i++) {
		if (e[i].ok)
			continue;
		check(ev[k].ready == EVL_FAILED, "failed record first");
		check(ev[k].token == b->reqs[i].token, "failed record token");
		check_result(&e[i], ev[k].result, "failed record result");
		k++;
	}
	for (; k < rc; k++) {
		check(ev[k].token != WAKE_TOKEN, "wake token leaked");
		check(token_watched(h, ev[k].token), "token of a watch");
		check(ev[k].ready != 0, "ready bits set");
		check((ev[k].ready & ~READY_BITS) == 0, "only ready bits");
		check(ev[k].result == 0, "ready record result");
	}
}

static void cmd_poll(struct harness *h, struct fuzz_input *in)
{
	struct batch b;
	struct expect e[MAX_REQS];
	struct evl_event *ev;
	uint8_t shape = fuzz_u8(in);
	int32_t nreqs, max, rc;
	int64_t timeout;
	int i, nfail;

	decode_batch(in, &b);
	for (i = 0; i < b.n; i++)
		b.reqs[i].fd = h->fd[b.slots[i]];
	nreqs = pick_nreqs(shape, b.n);
	max = pick_max_events(in, shape, b.n);
	timeout = pick_timeout(h, shape);
	/* Exactly max records (or none), so that ASan sees any overrun. */
	ev = (shape & 0x80) || max <= 0 ? NULL
					: calloc((size_t)max, sizeof(*ev));
	rc = evl_poll(h->loop, b.reqs, nreqs, ev, max, timeout);
	if (nreqs < 0 || max <= nreqs || ev == NULL) {
		if (rc != -EINVAL)
			fail("evl_poll with bad arguments", rc, -EINVAL);
	} else {
		nfail = predict_batch(h, &b, e);
		if (rc < nfail || rc > max)
			fail("evl_poll record count", rc, nfail);
		check_records(h, &b, e, ev, rc);
	}
	free(ev);
	free(b.reqs);
}

/* Makes a descriptor readable, so that polls return ready records. */
static void cmd_write(struct harness *h, struct fuzz_input *in)
{
	static const int slots[] = { SLOT_PIPE_W, SLOT_SOCK_A, SLOT_SOCK_B,
				     SLOT_EVENTFD };
	uint64_t one = 1;
	int fd = h->fd[slots[fuzz_u8(in) % 4]];

	/*
	 * A full pipe or socket (EAGAIN) is a state worth fuzzing too, and a
	 * shut-down socket refuses (EPIPE; SIGPIPE is ignored).
	 */
	if (write(fd, &one, sizeof(one)) < 0)
		check(errno == EAGAIN || errno == EPIPE,
		      "write to a harness descriptor");
}

static void cmd_drain(struct harness *h, struct fuzz_input *in)
{
	static const int slots[] = { SLOT_PIPE_R, SLOT_SOCK_A, SLOT_SOCK_B,
				     SLOT_EVENTFD };
	char buf[4096];
	int fd = h->fd[slots[fuzz_u8(in) % 4]];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Half-closed and closed sockets give the error and hang-up records. */
static void cmd_shutdown(struct harness *h, struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in);
	int fd = h->fd[(b & 1) ? SLOT_SOCK_B : SLOT_SOCK_A];

	shutdown(fd, (b & 2) ? SHUT_RDWR : SHUT_WR);
}

static void cmd_wake(struct harness *h)
{
	check(evl_wake(h->loop) == 0, "evl_wake");
}

static void cmd_abi(struct fuzz_input *in)
{
	int32_t key = (int32_t)fuzz_u32(in);
	int32_t v = evl_abi(key);

	if (key >= 0 && key < EVL_ABI_KEY_COUNT)
		check(v >= 0, "evl_abi of a known key");
	else if (v != -EINVAL)
		fail("evl_abi of an unknown key", v, -EINVAL);
}

static void cmd_strerror(struct fuzz_input *in)
{
	int32_t err = (int32_t)fuzz_u32(in);
	int32_t len = (int32_t)(fuzz_u8(in) % 160) - 2;
	/* Exactly len bytes, so that ASan sees a write past the end. */
	char *buf = len > 0 ? malloc((size_t)len) : NULL;
	int32_t rc = evl_strerror(err, buf, len);

	if (len <= 0) {
		if (rc != -EINVAL)
			fail("evl_strerror with no room", rc, -EINVAL);
		return;
	}
	if (rc != 0)
		fail("evl_strerror", rc, 0);
	check(strnlen(buf, (size_t)len) < (size_t)len, "text terminated");
	free(buf);
}

/* Calls on a NULL loop or with NULL arrays fail cleanly. */
static void cmd_nulls(struct harness *h, struct fuzz_input *in)
{
	struct evl_event ev[2];
	int32_t n = fuzz_u8(in) % 3;

	if (evl_ctl(NULL, EVL_OP_ADD, h->fd[SLOT_PIPE_R], EVL_READ, 1) !=
	    -EBADF)
		fail("evl_ctl on NULL", -1, -EBADF);
	if (evl_poll(NULL, NULL, 0, ev, 2, 0) != -EBADF)
		fail("evl_poll on NULL", -1, -EBADF);
	if (n > 0 && evl_poll(h->loop, NULL, n, ev, n + 1, 0) != -EINVAL)
		fail("evl_poll with NULL reqs", -1, -EINVAL);
	check(evl_wake(NULL) == -EBADF, "evl_wake on NULL");
	check(evl_close(NULL) == -EBADF, "evl_close on NULL");
	check(evl_open(NULL) == -EINVAL, "evl_open into NULL");
}

static void run_command(struct harness *h, struct fuzz_input *in)
{
	switch (fuzz_u8(in) % 10) {
	case 0:
	case 1:
		cmd_ctl(h, in);
		break;
	case 2:
	case 3:
		cmd_poll(h, in);
		break;
	case 4:
		cmd_write(h, in);
		break;
	case 5:
		cmd_drain(h, in);
		break;
	case 6:
		cmd_shutdown(h, in);
		break;
	case 7:
		cmd_wake(h);
		break;
	case 8:
		if (fuzz_u8(in) & 1)
			cmd_abi(in);
		else
			cmd_strerror(in);
		break;
	default:
		cmd_nulls(h, in);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size, 0 };
	struct harness h;
	int fds_before, i;

	open_static();
	fds_before = count_fds();
	open_harness(&h);
	for (i = 0; i < MAX_COMMANDS && fuzz_more(&in); i++)
		run_command(&h, &in);
	close_harness(&h);
	if (count_fds() != fds_before)
		fail("open descriptors after evl_close", count_fds(),
		     fds_before);
	return 0;
}
