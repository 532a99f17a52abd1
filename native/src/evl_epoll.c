/*
 * evl_epoll.c - the evl.h poller over Linux epoll.
 *
 * Watches are level-triggered; the wake-up eventfd is the one edge-triggered
 * registration. Only functions that glibc 2.17 already had are linked, so
 * that the library loads on old distributions; epoll_pwait2 is reached
 * through syscall() for that reason.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "evl_internal.h"

/* epoll_pwait2 arrived in Linux 5.11 with the same number on every arch. */
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

#define NS_PER_MS 1000000LL
#define NS_PER_SEC 1000000000LL

struct evl_loop {
	int epfd;
	int wakefd;
	/* Set once the kernel refused epoll_pwait2; only evl_poll reads it. */
	int no_pwait2;
	int32_t cap;
	struct epoll_event *evs; /* reused by every evl_poll(), grows */
	struct evl_io *io;       /* the sockets whose I/O the core does */
	int64_t held;            /* bytes allocated, this struct included */
};

int32_t evl_poller_kind(void)
{
	return EVL_POLLER_EPOLL;
}

/*
 * The wake-up eventfd is registered edge-triggered so that it never has to
 * be read back: every write() wakes the epoll instance and queues a new
 * edge, even when the counter is already non-zero. The counter grows by one
 * per wake-up and saturates only after about 2^64 of them; a full counter
 * makes write() fail with EAGAIN, which evl_wake() treats as success.
 */
static int32_t add_wakefd(struct evl_loop *l)
{
	struct epoll_event ev;

	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = EVL_WAKE_TOKEN;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &ev) < 0)
		return -errno;
	return 0;
}

static void free_loop(struct evl_loop *l)
{
	evl_io_free(l->io);
	if (l->wakefd >= 0)
		close(l->wakefd);
	if (l->epfd >= 0)
		close(l->epfd);
	evl_free(&l->held, l->evs, (size_t)l->cap * sizeof(*l->evs));
	free(l);
}

EVL_API int32_t evl_open(evl_loop **out)
{
	struct evl_loop *l;
	int32_t rc;

	if (out == NULL)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	/* The counter lives in the struct, so the struct counts itself. */
	l->held = (int64_t)sizeof(*l);
	l->wakefd = -1;
	l->epfd = -1;
	l->io = evl_io_new(&l->held);
	if (l->io == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		rc = -errno;
		goto fail;
	}
	l->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->wakefd < 0) {
		rc = -errno;
		goto fail;
	}
	rc = add_wakefd(l);
	if (rc < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	free_loop(l);
	return rc;
}

EVL_API int32_t evl_close(evl_loop *loop)
{
	if (loop == NULL)
		return -EBADF;
	free_loop(loop);
	return 0;
}

/*
 * epoll always reports EPOLLERR and EPOLLHUP, whatever the mask says
 * (epoll_ctl(2)). With interest 0 a hung-up descriptor would then be
 * reported on every call, so EPOLLONESHOT makes it report once and stay
 * quiet until the next MOD re-arms it.
 */
static uint32_t epoll_mask(uint32_t interest)
{
	uint32_t mask = 0;

	if (interest & EVL_READ)
		mask |= EPOLLIN | EPOLLRDHUP;
	if (interest & EVL_WRITE)
		mask |= EPOLLOUT;
	if (mask == 0)
		mask = EPOLLONESHOT;
	return mask;
}

static int epoll_op(int32_t op)
{
	if (op == EVL_OP_ADD)
		return EPOLL_CTL_ADD;
	if (op == EVL_OP_MOD)
		return EPOLL_CTL_MOD;
	return EPOLL_CTL_DEL;
}

static int32_t apply(struct evl_loop *l, int32_t op, int32_t fd,
		     uint32_t interest, uint64_t token)
{
	struct epoll_event ev;
	int32_t rc;

	rc = evl_check_req(op, fd, interest, token);
	if (rc < 0)
		return rc;
	ev.events = epoll_mask(interest);
	ev.data.u64 = token;
	if (epoll_ctl(l->epfd, epoll_op(op), fd, &ev) < 0)
		return -errno;
	return 0;
}

EVL_API int32_t evl_ctl(evl_loop *loop, int32_t op, int32_t fd,
			uint32_t interest, uint64_t token)
{
	if (loop == NULL)
		return -EBADF;
	return apply(loop, op, fd, interest, token);
}

int32_t evl_poller_ctl(evl_loop *loop, int32_t op, int32_t fd,
		       uint32_t interest, uint64_t token)
{
	return apply(loop, op, fd, interest, token);
}

EVL_API int32_t evl_set_arena(evl_loop *loop, void *base, int32_t len)
{
	if (loop == NULL)
		return -EBADF;
	return evl_io_set_arena(loop->io, base, len);
}

EVL_API int64_t evl_held_bytes(const evl_loop *loop)
{
	if (loop == NULL)
		return -EBADF;
	return evl_held_now(&loop->held);
}

static int is_io_req(const struct evl_loop *l, const struct evl_req *r)
{
	if (evl_io_is_op(r->op))
		return 1;
	return (r->op == EVL_OP_MOD || r->op == EVL_OP_DEL) &&
	       evl_io_owns(l->io, r->token);
}

/*
 * Applies every request; returns how many records it wrote: failures and
 * the completions of I/O requests, at most one each.
 */
static int32_t apply_reqs(struct evl_loop *l, const struct evl_req *reqs,
			  int32_t nreqs, struct evl_event *out)
{
	int32_t i, nrec = 0, rc;

	for (i = 0; i < nreqs; i++) {
		const struct evl_req *r = &reqs[i];

		if (is_io_req(l, r)) {
			nrec += evl_io_req(l, l->io, r, &out[nrec]);
			continue;
		}
		rc = apply(l, r->op, r->fd, r->interest, r->token);
		if (rc < 0)
			evl_set_failed(&out[nrec++], r->token, rc);
	}
	return nrec;
}

static int pwait2(struct evl_loop *l, int n, int64_t timeout_ns)
{
	struct timespec ts, *tsp = NULL;

	if (timeout_ns >= 0) {
		ts.tv_sec = (time_t)(timeout_ns / NS_PER_SEC);
		ts.tv_nsec = (long)(timeout_ns % NS_PER_SEC);
		tsp = &ts;
	}
	return (int)syscall(SYS_epoll_pwait2, l->epfd, l->evs, n, tsp,
			    NULL, (size_t)0);
}

/*
 * epoll_wait() counts in milliseconds. A positive timeout is rounded up so
 * that a short wait never becomes a busy poll. Known limitation: timeouts
 * beyond INT_MAX ms (about 24.8 days) are cut to that, so such a wait may
 * end early with no records.
 */
static int timeout_ms(int64_t timeout_ns)
{
	int64_t ms;

	if (timeout_ns < 0)
		return -1;
	ms = timeout_ns / NS_PER_MS + (timeout_ns % NS_PER_MS != 0);
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * epoll_pwait2 serves only timeouts that need sub-millisecond precision:
 * for none, zero or whole milliseconds epoll_wait() waits the same and
 * costs less (with timeout 0, 250 ns against 400 ns on a 2-vCPU VM under
 * Linux 6.18; see bench/RESULTS.md).
 *
 * Kernels before 5.11 answer epoll_pwait2 with ENOSYS, and some seccomp
 * filters (older container runtimes) answer EPERM for system calls they do
 * not know; either way we fall back to epoll_wait() for good.
 */
static int wait_once(struct evl_loop *l, int n, int64_t timeout_ns)
{
	int rc;

	if (!l->no_pwait2 && timeout_ns > 0 && timeout_ns % NS_PER_MS != 0) {
		rc = pwait2(l, n, timeout_ns);
		if (rc >= 0 || (errno != ENOSYS && errno != EPERM))
			return rc;
		l->no_pwait2 = 1;
	}
	return epoll_wait(l->epfd, l->evs, n, timeout_ms(timeout_ns));
}

/* Waits for up to n events, retrying EINTR with the time that is left. */
static int32_t wait_events(struct evl_loop *l, int n, int64_t timeout_ns)
{
	int64_t deadline = evl_deadline_ns(timeout_ns);
	int rc;

	for (;;) {
		rc = wait_once(l, n, timeout_ns);
		if (rc >= 0)
			return rc;
		if (errno != EINTR)
			return -errno;
		timeout_ns = evl_remaining_ns(deadline, timeout_ns);
	}
}

/* Error and hang-up come with the I/O bits so that callbacks try the I/O. */
static uint32_t ready_bits(uint32_t e)
{
	uint32_t r = 0;

	if (e & (EPOLLIN | EPOLLRDHUP | EPOLLPRI))
		r |= EVL_READ;
	if (e & EPOLLOUT)
		r |= EVL_WRITE;
	if (e & EPOLLERR)
		r |= EVL_ERROR | EVL_READ | EVL_WRITE;
	if (e & EPOLLHUP)
		r |= EVL_HUP | EVL_READ;
	return r;
}

/*
 * Translates n epoll events into at most room records; drops the
 * wake-up's record. The I/O of an owned socket may need several records;
 * it gets what the events after it do not need, and what does not fit
 * stays level-triggered for the next call.
 */
static int32_t translate(struct evl_loop *l, int n, struct evl_event *out,
			 int32_t room)
{
	int32_t nrec = 0;
	int i;

	for (i = 0; i < n; i++) {
		const struct epoll_event *e = &l->evs[i];
		uint64_t token = e->data.u64;

		if (token == EVL_WAKE_TOKEN)
			continue;
		if (evl_io_owns(l->io, token)) {
			nrec += evl_io_ready(l, l->io, token,
					     ready_bits(e->events), out + nrec,
					     room - nrec - (n - i - 1));
			continue;
		}
		out[nrec].token = token;
		out[nrec].ready = ready_bits(e->events);
		out[nrec].result = 0;
		out[nrec].aux = 0;
		nrec++;
	}
	return nrec;
}

/*
 * How many epoll events one call may take: one record each for plain
 * watches; an I/O socket may need three (written, shut, data), so with
 * I/O sockets a third of the room.
 */
static int wait_budget(const struct evl_loop *l, int32_t room)
{
	int32_t n = evl_io_count(l->io) > 0 ? room / 3 : room;

	return n > 0 ? n : 1;
}

EVL_API int32_t evl_poll(evl_loop *loop, const struct evl_req *reqs,
			 int32_t nreqs, struct evl_event *events,
			 int32_t max_events, int64_t timeout_ns)
{
	int32_t rc, nfail, n;

	rc = evl_check_poll(loop, reqs, nreqs, events, max_events);
	if (rc < 0)
		return rc;
	/* Grow first, so that running out of memory applies no request. */
	rc = evl_grow(&loop->held, (void **)&loop->evs, &loop->cap,
		      max_events, sizeof(struct epoll_event));
	if (rc < 0)
		return rc;
	evl_io_begin(loop->io);
	nfail = apply_reqs(loop, reqs, nreqs, events);
	if (nfail > 0)
		timeout_ns = 0;
	n = wait_events(loop, wait_budget(loop, max_events - nfail),
			timeout_ns);
	/*
	 * Records of requests are reported even if the wait failed: they are
	 * known only now, while a broken wait fails again on the next call.
	 */
	if (n < 0)
		return nfail > 0 ? nfail : n;
	return nfail + translate(loop, n, events + nfail,
				 max_events - nfail);
}

/* A full counter (EAGAIN) means a wake-up is already pending. */
EVL_API int32_t evl_wake(evl_loop *loop)
{
	uint64_t one = 1;
	ssize_t rc;

	if (loop == NULL)
		return -EBADF;
	do {
		rc = write(loop->wakefd, &one, sizeof(one));
	} while (rc < 0 && errno == EINTR);
	if (rc < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}
