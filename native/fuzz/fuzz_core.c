/*
 * fuzz_core.c - a libFuzzer target for the request decoding of the core.
 *
 * Each input opens a loop and decodes into a sequence of commands: single
 * interest changes (evl_ctl), batches of requests with edge-case sizes and
 * timeouts (evl_poll) that mix plain interest changes with the socket
 * requests of ABI 2 (fuzz_io.c), arenas (evl_set_arena), wake-ups,
 * readiness changes and resets on the harness's own descriptors, and the
 * small helpers (evl_abi, evl_strerror). A model of which descriptor is
 * watched under which token, and of each socket the core does the I/O
 * of, predicts what each call must return, from the contract in evl.h,
 * and the harness aborts on any difference, so the fuzzer reports it as
 * a crash.
 *
 * Soundness: every descriptor a request names comes from a table the
 * harness owns (fuzz_fds.c) or is a number that is never open (-1, 99999,
 * INT32_MIN, INT32_MAX). The fuzzer's own descriptors are never named, and
 * the harness checks after every input that its descriptors are still
 * open, that evl_close() released the loop's own and that none leaked.
 *
 * Linux only: the model encodes epoll's answers (-EEXIST, -ENOENT, -EPERM).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_harness.h"

#define MAX_REQS 16
#define MAX_EVENTS 256
#define MAX_COMMANDS 64
#define READY_BITS (EVL_READ | EVL_WRITE | EVL_ERROR | EVL_HUP)

/* ---------------------------------------------------------------- model */

void expect_err(struct expect *e, int err)
{
	if (e->nerr < (int)(sizeof(e->err) / sizeof(e->err[0])))
		e->err[e->nerr++] = err;
}

void check_result(const struct expect *e, int32_t rc, const char *what)
{
	int i;

	if (e->ok) {
		if (rc != 0)
			fail(what, rc, 0);
		return;
	}
	for (i = 0; i < e->nerr; i++)
		if (rc == -e->err[i])
			return;
	fail(what, rc, -e->err[0]);
}

static int op_valid(int32_t op)
{
	return op == EVL_OP_ADD || op == EVL_OP_MOD || op == EVL_OP_DEL;
}

/* The answer evl.h promises for one plain interest change. */
static struct expect predict(const struct harness *h, int32_t op, int slot,
			     uint32_t interest, uint64_t token)
{
	struct expect e = { 0, 0, { 0 } };
	int fd = h->fd[slot];

	if (!op_valid(op) || (interest & ~3u) != 0 || token == WAKE_TOKEN)
		expect_err(&e, EINVAL);
	if (fd < 0)
		expect_err(&e, EBADF);
	if (e.nerr > 0)
		return e;
	if (!h->open[slot])
		expect_err(&e, EBADF);
	else if (!h->pollable[slot])
		expect_err(&e, EPERM);
	else if (op == EVL_OP_ADD && (h->watched[slot] || h->io[slot]))
		expect_err(&e, EEXIST);
	else if (op != EVL_OP_ADD && !h->watched[slot])
		expect_err(&e, ENOENT);
	e.ok = e.nerr == 0;
	return e;
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

/*
 * Plain requests never carry an I/O operation: with a plain token it
 * would make a socket of the core that shares the token of a watch (see
 * fuzz_io.c), so those numbers are moved out of the way here; the socket
 * requests come from decode_io_req() instead.
 */
static int32_t outside_io_ops(int32_t op)
{
	if (op >= EVL_OP_IO_ADD && op <= EVL_OP_CLOSE)
		return op + 100;
	return op;
}

/* Mostly the three real ops, sometimes anything at all. */
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

/*
 * Small tokens collide on purpose; the reserved one comes up often. The
 * tag of I/O tokens is flipped away.
 */
static uint64_t pick_token(struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in);
	uint64_t t;

	switch (b % 8) {
	case 4:
		return WAKE_TOKEN;
	case 5:
		return WAKE_TOKEN - 1;
	case 6:
		return 1ULL << 63;
	case 7:
		t = fuzz_u64(in);
		return is_io_token(t) ? t ^ (1ULL << 63) : t;
	default:
		return b % 4;
	}
}

static int pick_slot(struct fuzz_input *in)
{
	return fuzz_u8(in) % SLOT_COUNT;
}

/* ---------------------------------------------------------- commands */

/*
 * A MOD or DEL of a socket's descriptor with another token would change
 * the core's own registration behind its back; the contract leaves that
 * to the caller, so such a request names a closed number instead.
 */
static void cmd_ctl(struct harness *h, struct fuzz_input *in)
{
	int32_t op = pick_op(in);
	int slot = pick_slot(in);
	uint32_t interest = pick_interest(in);
	uint64_t token = pick_token(in);
	struct expect e;

	if (op != EVL_OP_ADD && h->io[slot])
		slot = SLOT_UNOPENED;
	e = predict(h, op, slot, interest, token);
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

static int plain_req(const struct evl_req *r)
{
	return !is_io_token(r->token) && !(r->op >= EVL_OP_IO_ADD &&
					   r->op <= EVL_OP_CLOSE);
}

/*
 * Plain MOD and DEL stay off every descriptor that is, or may become in
 * this batch, a socket of the core (see cmd_ctl).
 */
static void keep_off_sockets(const struct harness *h, struct batch *b)
{
	int i, j, taken;

	for (i = 0; i < b->n; i++) {
		const struct evl_req *r = &b->reqs[i];

		if (!plain_req(r) || r->op == EVL_OP_ADD)
			continue;
		taken = h->io[b->slots[i]];
		for (j = 0; j < b->n && !taken; j++)
			taken = b->slots[j] == b->slots[i] &&
				b->reqs[j].op >= EVL_OP_IO_ADD &&
				b->reqs[j].op <= EVL_OP_CONNECT_ADD;
		if (taken)
			b->slots[i] = SLOT_UNOPENED;
	}
}

/* The request fields are 16 bits wide, so op and interest are cut. */
static void decode_batch(struct harness *h, struct fuzz_input *in,
			 struct batch *b)
{
	int i;

	b->n = fuzz_u8(in) % (MAX_REQS + 1);
	/* Exactly n elements, so that ASan sees a read past the batch. */
	b->reqs = b->n > 0 ? calloc((size_t)b->n, sizeof(*b->reqs)) : NULL;
	for (i = 0; i < b->n; i++) {
		struct evl_req *r = &b->reqs[i];

		if (fuzz_u8(in) & 1) {
			decode_io_req(in, r, &b->slots[i], b->reqs, i);
			continue;
		}
		/* The request's op is 16 bits: map again after the cut. */
		r->op = (uint16_t)outside_io_ops((uint16_t)pick_op(in));
		b->slots[i] = pick_slot(in);
		r->interest = (uint16_t)pick_interest(in);
		r->token = pick_token(in);
	}
	keep_off_sockets(h, b);
	for (i = 0; i < b->n; i++)
		b->reqs[i].fd = h->fd[b->slots[i]];
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
 * Checks one plain request against the model, updating it as the core
 * would; returns how many records it took (its failure record, or none).
 */
static int check_plain_req(struct harness *h, const struct evl_req *r,
			   int slot, const struct evl_event *ev, int nev)
{
	struct expect e = predict(h, r->op, slot, r->interest, r->token);

	if (e.ok) {
		model_apply(h, r->op, slot, r->token);
		return 0;
	}
	check(nev > 0, "a record for the failed request");
	check(ev->ready == EVL_FAILED, "failed record in request order");
	check(ev->token == r->token, "failed record token");
	check_result(&e, ev->result, "failed record result");
	return 1;
}

/* A readiness record of a plain watch. */
static void check_ready(const struct harness *h, const struct evl_event *ev)
{
	check(ev->token != WAKE_TOKEN, "wake token leaked");
	check(token_watched(h, ev->token), "token of a watch");
	check(ev->ready != 0, "ready bits set");
	check((ev->ready & ~READY_BITS) == 0, "only ready bits");
	check(ev->result == 0, "ready record result");
}

/*
 * The records of requests come first, in request order (a failure or a
 * completion, at most one each), then readiness and the I/O it allowed.
 */
static void check_records(struct harness *h, const struct batch *b,
			  const struct evl_event *ev, int32_t rc)
{
	int i, k = 0;

	io_poll_begin();
	for (i = 0; i < b->n; i++) {
		const struct evl_req *r = &b->reqs[i];

		if (io_routed(h, r))
			k += check_io_req(h, r, b->slots[i], ev + k, rc - k);
		else
			k += check_plain_req(h, r, b->slots[i], ev + k, rc - k);
	}
	for (; k < rc; k++) {
		if (ev[k].token != WAKE_TOKEN && token_watched(h, ev[k].token))
			check_ready(h, &ev[k]);
		else
			check_io_record(h, &ev[k]);
	}
	io_poll_end(h);
	settle_closed(h);
}

static void cmd_poll(struct harness *h, struct fuzz_input *in)
{
	struct batch b;
	struct evl_event *ev;
	uint8_t shape = fuzz_u8(in);
	int32_t nreqs, max, rc;
	int64_t timeout;

	decode_batch(h, in, &b);
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
		if (rc < 0 || rc > max)
			fail("evl_poll record count", rc, max);
		check_records(h, &b, ev, rc);
	}
	free(ev);
	free(b.reqs);
}

/* The descriptors a peer acts on: its writes, reads and shutdowns. */
static const int peer_slots[] = { SLOT_PIPE_W, SLOT_PIPE_R, SLOT_SOCK_A,
				  SLOT_SOCK_B, SLOT_EVENTFD, SLOT_TCP_CLIENT,
				  SLOT_ACCEPT0, SLOT_ACCEPT1 };
#define PEER_SLOTS ((int)(sizeof(peer_slots) / sizeof(peer_slots[0])))

static int pick_peer(const struct harness *h, struct fuzz_input *in)
{
	int slot = peer_slots[fuzz_u8(in) % PEER_SLOTS];

	return h->open[slot] ? slot : -1;
}

/* Makes a descriptor readable, so that polls return ready records. */
static void cmd_write(struct harness *h, struct fuzz_input *in)
{
	uint64_t one = 1;
	int slot = pick_peer(h, in);

	if (slot < 0 || slot == SLOT_PIPE_R)
		return;
	/*
	 * A full pipe or socket (EAGAIN) is a state worth fuzzing too, and a
	 * shut-down or reset socket refuses (SIGPIPE is ignored).
	 */
	if (write(h->fd[slot], &one, sizeof(one)) < 0)
		check(errno == EAGAIN || errno == EPIPE ||
		      errno == ECONNRESET || errno == ENOTCONN,
		      "write to a harness descriptor");
}

static void cmd_drain(struct harness *h, struct fuzz_input *in)
{
	char buf[4096];
	int slot = pick_peer(h, in);

	if (slot < 0 || slot == SLOT_PIPE_W)
		return;
	while (read(h->fd[slot], buf, sizeof(buf)) > 0)
		;
}

/* Half-closed and closed sockets give the error and hang-up records. */
static void cmd_shutdown(struct harness *h, struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in);
	int slot = pick_peer(h, in);

	if (slot >= 0)
		shutdown(h->fd[slot], (b & 2) ? SHUT_RDWR : SHUT_WR);
}

/*
 * Closes a descriptor that neither the core nor a watch holds: the peer
 * of the others goes away (TCP with a reset, see fuzz_fds.c).
 */
static void cmd_reset(struct harness *h, struct fuzz_input *in)
{
	int slot = pick_peer(h, in);

	if (slot >= 0 && !h->watched[slot] && !h->io[slot])
		close_slot(h, slot);
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
	check(evl_held_bytes(NULL) == -EBADF, "evl_held_bytes on NULL");
	check(evl_held_bytes(h->loop) > 0, "evl_held_bytes of a loop");
}

static void run_command(struct harness *h, struct fuzz_input *in)
{
	switch (fuzz_u8(in) % 13) {
	case 0:
	case 1:
		cmd_ctl(h, in);
		break;
	case 2:
	case 3:
	case 4:
		cmd_poll(h, in);
		break;
	case 5:
		cmd_write(h, in);
		break;
	case 6:
		cmd_drain(h, in);
		break;
	case 7:
		cmd_shutdown(h, in);
		break;
	case 8:
		cmd_wake(h);
		break;
	case 9:
		if (fuzz_u8(in) & 1)
			cmd_abi(in);
		else
			cmd_strerror(in);
		break;
	case 10:
		cmd_arena(h, in);
		break;
	case 11:
		cmd_reset(h, in);
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
