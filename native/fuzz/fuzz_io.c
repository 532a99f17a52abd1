/*
 * fuzz_io.c - the socket requests of ABI 2 (EVL_OP_IO_ADD to EVL_OP_CLOSE,
 * and MOD or DEL of a socket the core owns) and evl_set_arena(), decoded
 * from the input and checked against a model of each socket.
 *
 * Soundness: the core trusts the caller's pointers, so every address the
 * harness gives points into its own memory: writes come from a read-only
 * pattern buffer (or the arena), and the arena is a range inside one
 * buffer whose bytes outside that range are checked to stay untouched.
 * What the core can refuse is fuzzed: a NULL address with a length, an
 * arena below 1024 bytes or with a NULL base, unknown tokens and indices,
 * requests in the wrong state. I/O tokens carry a tag in their high bits
 * that plain watches never use, because a watch and a socket that share a
 * token would steal each other's readiness; the contract leaves that to
 * the caller, so the harness does not do it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_harness.h"

#define TAG0 0x00e70000ULL
#define TAG1 0x00e70001ULL
/* The core's limit on a socket's index (the low 32 bits of its token). */
#define MAX_INDEX (1u << 24)
#define ARENA_BUF (72 * 1024)
#define WRITE_BUF (64 * 1024)
#define CANARY 0xa5

static unsigned char *arena_buf; /* the arena is a range inside it */
static const unsigned char *write_buf;
/* The arena offset the next EVL_DATA record must start at. */
static uint64_t data_end;
static int data_seen;

static void open_buffers(void)
{
	unsigned char *w;
	size_t i;

	if (arena_buf != NULL)
		return;
	/* Exactly its size, so that ASan sees a read past the end. */
	arena_buf = malloc(ARENA_BUF);
	w = mmap(NULL, WRITE_BUF, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(arena_buf != NULL && w != MAP_FAILED, "fuzz buffers");
	for (i = 0; i < WRITE_BUF; i++)
		w[i] = (unsigned char)(i * 31 + 7);
	/* The core only reads the bytes of a write; a store would fault. */
	check(mprotect(w, WRITE_BUF, PROT_READ) == 0, "mprotect");
	write_buf = w;
}

int is_io_token(uint64_t token)
{
	uint64_t tag = token >> 32;

	return tag == TAG0 || tag == TAG1;
}

/* Indices that collide across tags, one that grows the table, bad ones. */
uint64_t pick_io_token(struct fuzz_input *in)
{
	static const uint32_t index[] = { 0, 1, 2, 3, 4, 5, 63, 64, 1000,
					  MAX_INDEX, UINT32_MAX };
	uint8_t b = fuzz_u8(in);

	if (b == 0xff)
		return WAKE_TOKEN;
	return ((b & 0x80) ? TAG1 : TAG0) << 32 | index[(b & 0x7f) % 11];
}

static void pick_write(struct fuzz_input *in, struct evl_req *r)
{
	uint8_t b = fuzz_u8(in);
	uint32_t off = (uint32_t)fuzz_bytes(in, 2) % WRITE_BUF;

	r->addr = (uint64_t)(uintptr_t)(write_buf + off);
	switch (b % 8) {
	case 0:
		r->addr = 0; /* with a length: -EINVAL */
		r->len = 1 + fuzz_u8(in);
		break;
	case 1:
		r->addr = 0;
		r->len = 0;
		break;
	case 2:
		r->len = 0;
		break;
	case 3:
		r->addr = (uint64_t)(uintptr_t)write_buf;
		r->len = WRITE_BUF;
		break;
	case 4:
		r->len = 1 + (uint32_t)fuzz_bytes(in, 2) % (WRITE_BUF - off);
		break;
	case 5:
		r->addr = (uint64_t)(uintptr_t)arena_buf;
		r->len = 1 + fuzz_u8(in);
		break;
	default:
		r->len = 1 + fuzz_u8(in) % (WRITE_BUF - off);
		break;
	}
}

/*
 * One I/O request. MOD and DEL name a number that is never open: when the
 * token is not a socket of the core they are plain requests, and must not
 * change a watch. An ADD reuses no token of an earlier request of the
 * batch (its index is made invalid then), so that each completion of a
 * request matches one request.
 */
void decode_io_req(struct fuzz_input *in, struct evl_req *r, int *slot,
		   const struct evl_req *prev, int nprev)
{
	static const uint16_t ops[] = { EVL_OP_IO_ADD, EVL_OP_LISTEN_ADD,
					EVL_OP_CONNECT_ADD, EVL_OP_WRITE,
					EVL_OP_SHUTDOWN, EVL_OP_CLOSE,
					EVL_OP_MOD, EVL_OP_DEL };
	uint8_t b = fuzz_u8(in);
	int i;

	open_buffers();
	r->op = ops[b % 8];
	r->token = pick_io_token(in);
	b = fuzz_u8(in);
	r->interest = (uint16_t)((b & 0x80) ? fuzz_u32(in) : (b & 3u));
	*slot = fuzz_u8(in) % SLOT_COUNT;
	if (r->op == EVL_OP_MOD || r->op == EVL_OP_DEL)
		*slot = SLOT_NEVER_OPEN +
			*slot % (SLOT_COUNT - SLOT_NEVER_OPEN);
	if (r->op == EVL_OP_WRITE)
		pick_write(in, r);
	if (r->op < EVL_OP_IO_ADD || r->op > EVL_OP_CONNECT_ADD)
		return;
	for (i = 0; i < nprev; i++)
		if (prev[i].token == r->token)
			r->token = (r->token & ~0xffffffffULL) | MAX_INDEX;
}

static int conn_index(const struct harness *h, uint64_t token)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++)
		if (h->conn[i].used && h->conn[i].token == token)
			return i;
	return -1;
}

static struct io_conn *find_conn(struct harness *h, uint64_t token)
{
	int i = conn_index(h, token);

	return i < 0 ? NULL : &h->conn[i];
}

static int index_used(const struct harness *h, uint64_t token)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++)
		if (h->conn[i].used &&
		    (uint32_t)h->conn[i].token == (uint32_t)token)
			return 1;
	return 0;
}

int io_owned(const struct harness *h, uint64_t token)
{
	return conn_index(h, token) >= 0;
}

/* Mirrors the core: which requests its I/O code takes. */
int io_routed(const struct harness *h, const struct evl_req *r)
{
	if (r->op >= EVL_OP_IO_ADD && r->op <= EVL_OP_CLOSE)
		return 1;
	return (r->op == EVL_OP_MOD || r->op == EVL_OP_DEL) &&
	       io_owned(h, r->token);
}

static enum conn_kind add_kind(uint16_t op)
{
	if (op == EVL_OP_LISTEN_ADD)
		return CONN_LISTEN;
	return op == EVL_OP_CONNECT_ADD ? CONN_CONNECTING : CONN_STREAM;
}

static int needs_arena(const struct harness *h, enum conn_kind kind,
		       uint32_t interest)
{
	return kind != CONN_LISTEN && (interest & EVL_READ) &&
	       h->arena == NULL;
}

static struct expect predict_add(const struct harness *h,
				 const struct evl_req *r, int slot)
{
	struct expect e = { 0, 0, { 0 } };
	uint32_t index = (uint32_t)r->token;

	if (h->fd[slot] < 0)
		expect_err(&e, EBADF);
	if (index >= MAX_INDEX || r->token == WAKE_TOKEN ||
	    (r->interest & ~3u) != 0 ||
	    needs_arena(h, add_kind(r->op), r->interest))
		expect_err(&e, EINVAL);
	if (index_used(h, r->token))
		expect_err(&e, EEXIST);
	if (!h->open[slot])
		expect_err(&e, EBADF);
	else if (!h->pollable[slot])
		expect_err(&e, EPERM);
	else if (h->watched[slot] || h->io[slot])
		expect_err(&e, EEXIST);
	e.ok = e.nerr == 0;
	return e;
}

static void apply_add(struct harness *h, const struct evl_req *r, int slot)
{
	int i;

	for (i = 0; i < MAX_CONNS && h->conn[i].used; i++)
		;
	check(i < MAX_CONNS, "room in the socket model");
	memset(&h->conn[i], 0, sizeof(h->conn[i]));
	h->conn[i].used = 1;
	h->conn[i].token = r->token;
	h->conn[i].slot = slot;
	h->conn[i].kind = add_kind(r->op);
	h->conn[i].reading = (r->interest & EVL_READ) != 0;
	h->io[slot] = i + 1;
}

static struct expect predict_on_conn(const struct harness *h,
				     const struct io_conn *c,
				     const struct evl_req *r)
{
	struct expect e = { 0, 0, { 0 } };

	switch (r->op) {
	case EVL_OP_WRITE:
		if (c->kind == CONN_LISTEN || c->wr_shut ||
		    (r->addr == 0 && r->len > 0))
			expect_err(&e, EINVAL);
		if (c->failed)
			expect_err(&e, EPIPE);
		break;
	case EVL_OP_SHUTDOWN:
		if (c->kind == CONN_LISTEN)
			expect_err(&e, EINVAL);
		if (c->failed)
			expect_err(&e, EPIPE);
		break;
	case EVL_OP_MOD:
		if ((r->interest & ~3u) != 0 ||
		    needs_arena(h, c->kind, r->interest))
			expect_err(&e, EINVAL);
		break;
	default:
		break;
	}
	e.ok = e.nerr == 0;
	return e;
}

/* A request that must fail: its record, with its token and error. */
static int take_failed(const struct expect *e, const struct evl_req *r,
		       const struct evl_event *ev, int nev)
{
	check(nev > 0, "a record for the failed request");
	check(ev->ready == EVL_FAILED, "failed record in request order");
	check(ev->token == r->token, "failed record token");
	check_result(e, ev->result, "failed I/O request");
	return 1;
}

static void forget_conn(struct harness *h, struct io_conn *c, int closed)
{
	h->io[c->slot] = 0;
	if (closed)
		h->open[c->slot] = 0; /* settle_closed() checks and retires */
	c->used = 0;
}

/*
 * A completion this request may write (or, with must, has to write). A
 * write that found the socket full writes none, and the next record may
 * then be the readiness I/O of the same socket: data or end of stream are
 * not the write's, and a WRITTEN or IO_ERROR changes the model the same
 * whichever of the two wrote it.
 */
static int take_completion(struct harness *h, const struct evl_req *r,
			   const struct evl_event *ev, int nev, int must)
{
	int ours = nev > 0 && ev->token == r->token;

	if (r->op == EVL_OP_WRITE)
		ours = ours && (ev->ready == EVL_WRITTEN ||
				ev->ready == EVL_IO_ERROR);
	check(ours || !must, "a completion for the request");
	if (!ours)
		return 0;
	check(r->op == EVL_OP_WRITE || ev->ready == EVL_SHUT,
	      "completion of a shutdown");
	check_io_record(h, ev);
	return 1;
}

static int apply_on_conn(struct harness *h, struct io_conn *c,
			 const struct evl_req *r, const struct evl_event *ev,
			 int nev)
{
	int may;

	switch (r->op) {
	case EVL_OP_WRITE:
		if (r->len == 0)
			return 0;
		may = c->queued == 0 && c->kind == CONN_STREAM;
		c->queued += r->len;
		return may ? take_completion(h, r, ev, nev, 0) : 0;
	case EVL_OP_SHUTDOWN:
		c->wr_shut = 1;
		c->shut_pending = 1;
		if (c->kind == CONN_CONNECTING || c->queued > 0)
			return 0;
		return take_completion(h, r, ev, nev, 1);
	case EVL_OP_MOD:
		c->reading = (r->interest & EVL_READ) != 0;
		return 0;
	case EVL_OP_DEL:
	case EVL_OP_CLOSE:
		forget_conn(h, c, r->op == EVL_OP_CLOSE);
		return 0;
	default:
		return 0;
	}
}

/*
 * Checks one request the I/O code takes against the records from ev on
 * (nev of them) and updates the model; returns how many records it took.
 */
int check_io_req(struct harness *h, const struct evl_req *r, int slot,
		 const struct evl_event *ev, int nev)
{
	struct io_conn *c;
	struct expect e = { 0, 0, { 0 } };

	if (r->op >= EVL_OP_IO_ADD && r->op <= EVL_OP_CONNECT_ADD) {
		e = predict_add(h, r, slot);
		if (!e.ok)
			return take_failed(&e, r, ev, nev);
		apply_add(h, r, slot);
		return 0;
	}
	c = find_conn(h, r->token);
	if (c == NULL) {
		expect_err(&e, ENOENT);
		return take_failed(&e, r, ev, nev);
	}
	e = predict_on_conn(h, c, r);
	if (!e.ok)
		return take_failed(&e, r, ev, nev);
	return apply_on_conn(h, c, r, ev, nev);
}

static void check_data(struct harness *h, struct io_conn *c,
		       const struct evl_event *ev)
{
	check(c->kind == CONN_STREAM && c->reading && !c->eof && !c->failed,
	      "reads only while asked to");
	check(h->arena != NULL && ev->result > 0, "data in the arena");
	/* Slices follow each other from the arena's start. */
	check(ev->aux == data_end, "data slice follows the previous");
	check(ev->aux + (uint64_t)ev->result <= (uint64_t)h->arena_len,
	      "data slice inside the arena");
	data_end += (uint64_t)ev->result;
	data_seen = 1;
}

static void check_connected(struct io_conn *c, const struct evl_event *ev)
{
	check(c->kind == CONN_CONNECTING && !c->failed, "connected once");
	check(ev->result <= 0, "connect result");
	if (ev->result == 0)
		c->kind = CONN_STREAM;
	else
		c->failed = 1;
}

/* One completion record, of a request or of readiness. */
void check_io_record(struct harness *h, const struct evl_event *ev)
{
	struct io_conn *c = find_conn(h, ev->token);
	int stream;

	check(c != NULL, "completion for a socket of the core");
	stream = c->kind == CONN_STREAM && !c->failed;
	check(ev->ready != EVL_DATA || ev->result > 0, "data count");
	switch (ev->ready) {
	case EVL_DATA:
		check_data(h, c, ev);
		break;
	case EVL_EOF:
		check(stream && c->reading && !c->eof && ev->result == 0,
		      "end of stream once, while reading");
		c->eof = 1;
		break;
	case EVL_WRITTEN:
		check(stream && ev->result > 0 &&
		      (uint64_t)ev->result <= c->queued, "written count");
		c->queued -= (uint64_t)ev->result;
		break;
	case EVL_SHUT:
		check(stream && c->shut_pending && c->queued == 0,
		      "shut once the queue is empty");
		check(ev->result <= 0, "shut result");
		c->shut_pending = 0;
		break;
	case EVL_ACCEPTED:
		check(c->kind == CONN_LISTEN && c->reading && ev->result >= 0,
		      "accepted while accepting");
		adopt_fd(h, ev->result);
		break;
	case EVL_CONNECTED:
		check_connected(c, ev);
		break;
	case EVL_IO_ERROR:
		check(ev->result < 0 && !c->failed, "I/O error result");
		check(c->kind != CONN_LISTEN || c->reading, "accept error");
		c->failed = c->kind != CONN_LISTEN;
		break;
	default:
		fail("completion bits", (long)ev->ready, 0);
	}
}

void io_poll_begin(void)
{
	data_end = 0;
	data_seen = 0;
}

static int all_canary(const unsigned char *p, size_t n)
{
	static unsigned char block[4096];
	size_t k;

	if (block[0] != CANARY)
		memset(block, CANARY, sizeof(block));
	for (; n > 0; p += k, n -= k) {
		k = n < sizeof(block) ? n : sizeof(block);
		if (memcmp(p, block, k) != 0)
			return 0;
	}
	return 1;
}

/* The core wrote no byte of the arena buffer outside the arena. */
void io_poll_end(struct harness *h)
{
	size_t start, end;

	if (!data_seen)
		return;
	start = (size_t)(h->arena - arena_buf);
	end = start + (size_t)h->arena_len;
	check(all_canary(arena_buf, start) &&
	      all_canary(arena_buf + end, ARENA_BUF - end),
	      "arena bounds kept");
}

/* Ranges inside the buffer, and the lengths and bases it must refuse. */
static void pick_arena(struct fuzz_input *in, unsigned char **base,
		       int32_t *len)
{
	uint8_t b = fuzz_u8(in);
	uint32_t off = (uint32_t)fuzz_bytes(in, 2) % (ARENA_BUF - 1024);

	*base = arena_buf + off;
	switch (b % 8) {
	case 0:
		*base = NULL;
		*len = 4096;
		break;
	case 1:
		*len = 1023;
		break;
	case 2:
		*len = (b & 0x80) ? 0 : -1;
		break;
	case 3:
		*len = INT32_MIN;
		break;
	case 4:
		*len = 1024;
		break;
	case 5:
		*base = arena_buf;
		*len = ARENA_BUF;
		break;
	default:
		*len = 1024 + (int32_t)((uint32_t)fuzz_bytes(in, 2) %
					(ARENA_BUF - off - 1024 + 1));
		break;
	}
}

void cmd_arena(struct harness *h, struct fuzz_input *in)
{
	unsigned char *base;
	int32_t len, rc;

	open_buffers();
	pick_arena(in, &base, &len);
	if (evl_set_arena(NULL, base, len) != -EBADF)
		fail("evl_set_arena on NULL", -1, -EBADF);
	rc = evl_set_arena(h->loop, base, len);
	if (base == NULL || len < 1024) {
		if (rc != -EINVAL)
			fail("evl_set_arena with a bad range", rc, -EINVAL);
		return;
	}
	if (rc != 0)
		fail("evl_set_arena", rc, 0);
	memset(arena_buf, CANARY, ARENA_BUF);
	h->arena = base;
	h->arena_len = len;
}
