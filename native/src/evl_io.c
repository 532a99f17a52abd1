/*
 * evl_io.c - the I/O the core does itself: accept, connect completion,
 * reads into the loop's arena, queued vectored writes, shutdown and close
 * of sockets, requested through evl_poll() and reported as completions.
 *
 * The poller calls in here for the I/O requests and for readiness of the
 * sockets it owns; this file calls the poller back only through
 * evl_poller_ctl(). Linux only for now: it relies on MSG_NOSIGNAL and
 * accept4().
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "evl_internal.h"

/* The table of sockets is indexed by the low 32 bits of the token. */
#define MAX_INDEX (1u << 24)
/* Buffers per sendmsg(); well below IOV_MAX (1024 on Linux). */
#define IOV_BATCH 64
/* One read takes at most this much of the arena, so one busy socket
 * does not take all of it. */
#define READ_MAX 65536
/* Below this much free arena, reading waits for the next call. */
#define READ_MIN 2048
/* Accepts per readiness report. */
#define ACCEPT_MAX 64
/* Sends per flush: one writable report rarely needs more. */
#define SEND_ROUNDS 16
/* A WRITTEN record counts at most this much, so result fits. */
#define WRITTEN_MAX (1 << 30)

enum kind { CONN, LISTEN, CONNECTING };

struct conn {
	uint64_t token;
	int fd;
	enum kind kind;
	uint32_t armed;    /* interest the poller has now */
	int reading;       /* the caller wants data (or accepts) */
	int eof;           /* the peer shut down its side */
	int failed;        /* an I/O error ended the core's I/O */
	int shut_pending;  /* SHUTDOWN waits for the queue to drain */
	int wr_shut;       /* SHUTDOWN was asked for: no more writes */
	struct iovec *q;   /* pending writes; q[head] may be partly sent */
	int32_t head, tail, cap;
};

struct evl_io {
	int64_t *held; /* the loop's count of allocated bytes */
	struct conn **tab;
	uint32_t cap;
	int32_t count;
	unsigned char *arena;
	size_t arena_len;
	size_t arena_off;
};

struct evl_io *evl_io_new(int64_t *held)
{
	struct evl_io *io = evl_calloc(held, sizeof(*io));

	if (io != NULL)
		io->held = held;
	return io;
}

static void free_conn(struct evl_io *io, struct conn *c)
{
	evl_free(io->held, c->q, (size_t)c->cap * sizeof(*c->q));
	evl_free(io->held, c, sizeof(*c));
}

void evl_io_free(struct evl_io *io)
{
	uint32_t i;

	if (io == NULL)
		return;
	/* The descriptors stay the caller's: only CLOSE closes one. */
	for (i = 0; i < io->cap; i++)
		if (io->tab[i] != NULL)
			free_conn(io, io->tab[i]);
	evl_free(io->held, io->tab, io->cap * sizeof(*io->tab));
	evl_free(io->held, io, sizeof(*io));
}

int32_t evl_io_set_arena(struct evl_io *io, void *base, int32_t len)
{
	if (base == NULL || len < 1024)
		return -EINVAL;
	io->arena = base;
	io->arena_len = (size_t)len;
	io->arena_off = 0;
	return 0;
}

void evl_io_begin(struct evl_io *io)
{
	io->arena_off = 0;
}

int32_t evl_io_count(const struct evl_io *io)
{
	return io->count;
}

int evl_io_is_op(int32_t op)
{
	return op >= EVL_OP_IO_ADD && op <= EVL_OP_CLOSE;
}

static struct conn *find(const struct evl_io *io, uint64_t token)
{
	uint32_t i = (uint32_t)token;
	struct conn *c;

	if (i >= io->cap)
		return NULL;
	c = io->tab[i];
	return c != NULL && c->token == token ? c : NULL;
}

int evl_io_owns(const struct evl_io *io, uint64_t token)
{
	return find(io, token) != NULL;
}

static void set_record(struct evl_event *ev, uint64_t token, uint32_t bit,
		       int32_t result, uint64_t aux)
{
	ev->token = token;
	ev->ready = bit;
	ev->result = result;
	ev->aux = aux;
}

static uint32_t wanted(const struct conn *c)
{
	uint32_t w = 0;

	if (c->kind == CONNECTING)
		return c->failed ? 0 : EVL_WRITE;
	if (c->failed)
		return 0;
	if (c->reading && !c->eof)
		w |= EVL_READ;
	if (c->kind == CONN && (c->head < c->tail || c->shut_pending))
		w |= EVL_WRITE;
	return w;
}

/* Tells the poller what the socket waits for now, if that changed. */
static int32_t sync_interest(evl_loop *l, struct conn *c)
{
	uint32_t w = wanted(c);
	int32_t rc;

	if (w == c->armed)
		return 0;
	rc = evl_poller_ctl(l, EVL_OP_MOD, c->fd, w, c->token);
	if (rc == 0)
		c->armed = w;
	return rc;
}

static int32_t grow_table(struct evl_io *io, uint32_t index)
{
	uint32_t cap = io->cap ? io->cap : 64;
	void *t = io->tab;

	while (cap <= index)
		cap *= 2;
	if (evl_realloc(io->held, &t, io->cap * sizeof(*io->tab),
			cap * sizeof(*io->tab)) < 0)
		return -ENOMEM;
	io->tab = t;
	memset(io->tab + io->cap, 0, (cap - io->cap) * sizeof(*io->tab));
	io->cap = cap;
	return 0;
}

static int32_t add(evl_loop *l, struct evl_io *io, const struct evl_req *r,
		   enum kind kind)
{
	uint32_t index = (uint32_t)r->token;
	struct conn *c;
	int32_t rc;

	if (r->fd < 0)
		return -EBADF;
	if (index >= MAX_INDEX || r->token == EVL_WAKE_TOKEN)
		return -EINVAL;
	if ((r->interest & ~EVL_INTEREST_MASK) != 0)
		return -EINVAL;
	if (kind != LISTEN && (r->interest & EVL_READ) && io->arena == NULL)
		return -EINVAL;
	if (index >= io->cap && (rc = grow_table(io, index)) < 0)
		return rc;
	if (io->tab[index] != NULL)
		return -EEXIST;
	c = evl_calloc(io->held, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->token = r->token;
	c->fd = r->fd;
	c->kind = kind;
	c->reading = (r->interest & EVL_READ) != 0;
	c->armed = wanted(c);
	rc = evl_poller_ctl(l, EVL_OP_ADD, c->fd, c->armed, c->token);
	if (rc < 0) {
		evl_free(io->held, c, sizeof(*c));
		return rc;
	}
	io->tab[index] = c;
	io->count++;
	return 0;
}

/* Forgets a socket; closes its descriptor when asked to. */
static void forget(evl_loop *l, struct evl_io *io, struct conn *c, int do_close)
{
	/* A descriptor about to be closed leaves epoll by itself; DEL first
	 * keeps a descriptor that another process shares from firing. */
	evl_poller_ctl(l, EVL_OP_DEL, c->fd, 0, c->token);
	if (do_close)
		close(c->fd);
	io->tab[(uint32_t)c->token] = NULL;
	io->count--;
	free_conn(io, c);
}

static int32_t enqueue(struct evl_io *io, struct conn *c, uint64_t addr,
		       uint32_t len)
{
	void *q;
	int32_t cap;

	if (c->head > 0 && c->tail == c->cap) {
		memmove(c->q, c->q + c->head,
			(size_t)(c->tail - c->head) * sizeof(*c->q));
		c->tail -= c->head;
		c->head = 0;
	}
	if (c->tail == c->cap) {
		cap = c->cap ? c->cap * 2 : 8;
		q = c->q;
		if (evl_realloc(io->held, &q, (size_t)c->cap * sizeof(*c->q),
				(size_t)cap * sizeof(*c->q)) < 0)
			return -ENOMEM;
		c->q = q;
		c->cap = cap;
	}
	c->q[c->tail].iov_base = (void *)(uintptr_t)addr;
	c->q[c->tail].iov_len = len;
	c->tail++;
	return 0;
}

/* Drops n sent bytes from the front of the queue. */
static void consume(struct conn *c, size_t n)
{
	while (n > 0 && c->head < c->tail) {
		struct iovec *v = &c->q[c->head];

		if (n < v->iov_len) {
			v->iov_base = (char *)v->iov_base + n;
			v->iov_len -= n;
			return;
		}
		n -= v->iov_len;
		c->head++;
	}
	if (c->head == c->tail)
		c->head = c->tail = 0;
}

/*
 * Sends what the socket takes; stores the count in *sent. Returns 0 or
 * -errno of a failed send (EAGAIN is no failure).
 */
static int32_t flush(struct conn *c, int32_t *sent)
{
	struct msghdr m;
	ssize_t n;
	int round;

	*sent = 0;
	for (round = 0; round < SEND_ROUNDS && c->head < c->tail; round++) {
		memset(&m, 0, sizeof(m));
		m.msg_iov = &c->q[c->head];
		m.msg_iovlen = (size_t)(c->tail - c->head);
		if (m.msg_iovlen > IOV_BATCH)
			m.msg_iovlen = IOV_BATCH;
		do {
			n = sendmsg(c->fd, &m, MSG_NOSIGNAL);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK
				? 0 : -errno;
		consume(c, (size_t)n);
		*sent += (int32_t)n;
		if (*sent >= WRITTEN_MAX)
			break;
	}
	return 0;
}

static int32_t shut(struct conn *c)
{
	c->shut_pending = 0;
	return shutdown(c->fd, SHUT_WR) < 0 ? -errno : 0;
}

/*
 * Sends the queue and reports it in at most two records (WRITTEN, then
 * SHUT if a shutdown waited for the queue), or one EVL_IO_ERROR.
 */
static int32_t write_out(evl_loop *l, struct conn *c, struct evl_event *out)
{
	int32_t sent, rc, nrec = 0;

	rc = flush(c, &sent);
	if (rc < 0) {
		c->failed = 1;
		sync_interest(l, c);
		set_record(out, c->token, EVL_IO_ERROR, rc, 0);
		return 1;
	}
	if (sent > 0)
		set_record(&out[nrec++], c->token, EVL_WRITTEN, sent, 0);
	if (c->shut_pending && c->head == c->tail)
		set_record(&out[nrec++], c->token, EVL_SHUT, shut(c), 0);
	sync_interest(l, c);
	return nrec;
}

static int32_t req_write(evl_loop *l, struct evl_io *io, struct conn *c,
			 const struct evl_req *r, struct evl_event *out)
{
	int32_t rc;
	int was_empty = c->head == c->tail;

	/* After SHUTDOWN a write could only fail in sendmsg (EPIPE) and
	 * end the reading side too, so it is refused as a request. */
	if (c->kind == LISTEN || c->wr_shut)
		return -EINVAL;
	if (c->failed)
		return -EPIPE;
	if (r->addr == 0 && r->len > 0)
		return -EINVAL;
	if (r->len == 0)
		return 0;
	rc = enqueue(io, c, r->addr, r->len);
	if (rc < 0)
		return rc;
	if (!was_empty || c->kind == CONNECTING)
		return 0;
	return write_out(l, c, out);
}

static int32_t req_shutdown(struct conn *c, struct evl_event *out)
{
	if (c->kind == LISTEN)
		return -EINVAL;
	if (c->failed)
		return -EPIPE;
	c->wr_shut = 1;
	c->shut_pending = 1;
	/* A socket still connecting shuts down from write_out() once it is
	 * connected and writable, even with nothing queued. */
	if (c->kind == CONNECTING || c->head < c->tail)
		return 0;
	set_record(out, c->token, EVL_SHUT, shut(c), 0);
	return 1;
}

/* Applies one request to an existing socket; see evl_io_req(). */
static int32_t on_conn(evl_loop *l, struct evl_io *io, struct conn *c,
		       const struct evl_req *r, struct evl_event *out)
{
	switch (r->op) {
	case EVL_OP_MOD:
		if ((r->interest & ~EVL_INTEREST_MASK) != 0)
			return -EINVAL;
		if ((r->interest & EVL_READ) && c->kind != LISTEN &&
		    io->arena == NULL)
			return -EINVAL;
		c->reading = (r->interest & EVL_READ) != 0;
		return sync_interest(l, c);
	case EVL_OP_DEL:
		forget(l, io, c, 0);
		return 0;
	case EVL_OP_CLOSE:
		forget(l, io, c, 1);
		return 0;
	case EVL_OP_WRITE:
		return req_write(l, io, c, r, out);
	case EVL_OP_SHUTDOWN:
		return req_shutdown(c, out);
	default:
		return -EEXIST;
	}
}

int32_t evl_io_req(evl_loop *l, struct evl_io *io, const struct evl_req *r,
		   struct evl_event *out)
{
	struct conn *c;
	int32_t rc;

	switch (r->op) {
	case EVL_OP_IO_ADD:
		rc = add(l, io, r, CONN);
		break;
	case EVL_OP_LISTEN_ADD:
		rc = add(l, io, r, LISTEN);
		break;
	case EVL_OP_CONNECT_ADD:
		rc = add(l, io, r, CONNECTING);
		break;
	default:
		c = find(io, r->token);
		rc = c == NULL ? -ENOENT : on_conn(l, io, c, r, out);
		if (rc > 0)
			return rc;
	}
	if (rc < 0) {
		evl_set_failed(out, r->token, rc);
		return 1;
	}
	return 0;
}

static int32_t accept_some(struct conn *c, struct evl_event *out,
			   int32_t room)
{
	int32_t nrec = 0;
	int fd;

	if (room > ACCEPT_MAX)
		room = ACCEPT_MAX;
	while (nrec < room && c->reading) {
		fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			set_record(&out[nrec++], c->token, EVL_ACCEPTED, fd, 0);
			continue;
		}
		/* accept(2): a connection that went away before it was
		 * taken is no failure of the listener. */
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			set_record(&out[nrec++], c->token, EVL_IO_ERROR,
				   -errno, 0);
		break;
	}
	return nrec;
}

static int32_t finish_connect(evl_loop *l, struct conn *c,
			      struct evl_event *out)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == EINPROGRESS || err == EALREADY)
		return 0;
	if (err != 0)
		c->failed = 1;
	else
		c->kind = CONN;
	sync_interest(l, c);
	set_record(out, c->token, EVL_CONNECTED, -err, 0);
	return 1;
}

static int32_t read_in(evl_loop *l, struct evl_io *io, struct conn *c,
		       struct evl_event *out)
{
	size_t left = io->arena_len - io->arena_off;
	ssize_t n;

	if (left < READ_MIN)
		return 0;
	if (left > READ_MAX)
		left = READ_MAX;
	do {
		n = read(c->fd, io->arena + io->arena_off, left);
	} while (n < 0 && errno == EINTR);
	if (n > 0) {
		set_record(out, c->token, EVL_DATA, (int32_t)n, io->arena_off);
		io->arena_off += (size_t)n;
		return 1;
	}
	if (n == 0) {
		c->eof = 1;
		sync_interest(l, c);
		set_record(out, c->token, EVL_EOF, 0, 0);
		return 1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	c->failed = 1;
	set_record(out, c->token, EVL_IO_ERROR, -errno, 0);
	sync_interest(l, c);
	return 1;
}

int32_t evl_io_ready(evl_loop *l, struct evl_io *io, uint64_t token,
		     uint32_t ready, struct evl_event *out, int32_t room)
{
	struct conn *c = find(io, token);
	int32_t nrec = 0;

	if (c == NULL || room <= 0)
		return 0;
	if (c->kind == LISTEN)
		return accept_some(c, out, room);
	if (c->kind == CONNECTING)
		return c->failed ? 0 : finish_connect(l, c, out);
	if (c->failed)
		return 0;
	if ((ready & (EVL_WRITE | EVL_ERROR)) &&
	    (c->head < c->tail || c->shut_pending) && room >= 3)
		nrec = write_out(l, c, out);
	if (!c->failed && c->reading && !c->eof && room - nrec >= 1 &&
	    (ready & (EVL_READ | EVL_ERROR | EVL_HUP)))
		nrec += read_in(l, io, c, out + nrec);
	return nrec;
}
