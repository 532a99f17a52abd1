/*
 * evl_kqueue.c - the evl.h poller over kqueue (macOS, FreeBSD).
 *
 * Every watch holds two knotes, EVFILT_READ and EVFILT_WRITE, enabled or
 * disabled by the interest, so that MOD is a cheap enable or disable. The
 * wake-up is an EVFILT_USER knote, which needs no descriptor. kqueue
 * constants stay in this file because their values differ between systems.
 */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "evl_internal.h"

#define NS_PER_SEC 1000000000LL

/* The ident of the wake-up knote; EVFILT_USER idents are not descriptors. */
#define WAKE_IDENT 0

struct evl_loop {
	int kq;
	int32_t ev_cap;
	int32_t chg_cap;
	int32_t rcpt_cap;
	struct kevent *evs;  /* results of the wait, reused and grown */
	struct kevent *chg;  /* the changes of one batch, two per request */
	struct kevent *rcpt; /* one receipt per change */
	int64_t held;        /* bytes allocated, this struct included */
};

int32_t evl_poller_kind(void)
{
	return EVL_POLLER_KQUEUE;
}

static void free_loop(struct evl_loop *l)
{
	const size_t sz = sizeof(struct kevent);

	if (l->kq >= 0)
		close(l->kq);
	evl_free(&l->held, l->evs, (size_t)l->ev_cap * sz);
	evl_free(&l->held, l->chg, (size_t)l->chg_cap * sz);
	evl_free(&l->held, l->rcpt, (size_t)l->rcpt_cap * sz);
	free(l);
}

/*
 * EV_CLEAR resets the user event once it has been reported, so it never
 * has to be acknowledged with a second call.
 */
static int32_t add_wake(struct evl_loop *l)
{
	struct kevent kev;

	EV_SET(&kev, WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
	if (kevent(l->kq, &kev, 1, NULL, 0, NULL) < 0)
		return -errno;
	return 0;
}

/*
 * A kqueue is not inherited by fork() children, but an exec() without a
 * fork would still keep it open, hence FD_CLOEXEC.
 */
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
	l->kq = kqueue();
	if (l->kq < 0 || fcntl(l->kq, F_SETFD, FD_CLOEXEC) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = add_wake(l);
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

static unsigned short change_flags(int32_t op, int wanted)
{
	unsigned short on = wanted ? EV_ENABLE : EV_DISABLE;

	if (op == EVL_OP_ADD)
		return EV_ADD | on | EV_RECEIPT;
	if (op == EVL_OP_MOD)
		return on | EV_RECEIPT;
	return EV_DELETE | EV_RECEIPT;
}

/* Writes the two changes (read, then write) of one request into c. */
static void set_changes(struct kevent *c, int32_t op, int32_t fd,
			uint32_t interest, uint64_t token)
{
	void *udata = (void *)(uintptr_t)token;

	EV_SET(&c[0], fd, EVFILT_READ, change_flags(op, interest & EVL_READ),
	       0, 0, udata);
	EV_SET(&c[1], fd, EVFILT_WRITE,
	       change_flags(op, interest & EVL_WRITE), 0, 0, udata);
}

/*
 * The error of one change: a receipt has EV_ERROR set and the errno in
 * data, 0 when the change succeeded. A missing or mismatched receipt is
 * counted as success, since the kernel reports every failure it meets.
 */
static int change_err(const struct kevent *c, const struct kevent *r)
{
	if (r == NULL || r->ident != c->ident || r->filter != c->filter)
		return 0;
	return (r->flags & EV_ERROR) ? (int)r->data : 0;
}

/*
 * Folds the errors of a request's two changes into one result. A filter
 * the interest does not want may fail without harm: some descriptors
 * support only one of them (a pipe's read end may refuse EVFILT_WRITE),
 * and disabling or deleting a missing knote is what was asked for. The
 * request fails when a wanted filter fails, or when both fail, as for a
 * descriptor that is not watched at all (-ENOENT, like epoll).
 */
static int32_t req_result(int32_t op, uint32_t interest, int err_r,
			  int err_w)
{
	int want_r = op != EVL_OP_DEL && (interest & EVL_READ);
	int want_w = op != EVL_OP_DEL && (interest & EVL_WRITE);

	if (err_r != 0 && err_w != 0)
		return -err_r;
	if (err_r != 0 && want_r)
		return -err_r;
	if (err_w != 0 && want_w)
		return -err_w;
	return 0;
}

/*
 * When ADD failed for one filter, the other one may have been added; it is
 * deleted again so that a failed ADD leaves nothing behind.
 */
static void undo_add(struct evl_loop *l, const struct kevent *c,
		     int err_r, int err_w)
{
	struct kevent del;
	const struct kevent *ok = err_r == 0 ? &c[0] : &c[1];

	if (err_r != 0 && err_w != 0)
		return;
	EV_SET(&del, ok->ident, ok->filter, EV_DELETE, 0, 0, NULL);
	kevent(l->kq, &del, 1, NULL, 0, NULL);
}

/*
 * Applies n changes and collects one receipt per change. With EV_RECEIPT
 * the kernel processes the changes in order, writes each receipt in that
 * order and returns without waiting for events (kevent(2) on FreeBSD and
 * macOS), so the zero timeout only guards against a kernel that would.
 * EV_ADD, EV_ENABLE and EV_DISABLE may be repeated safely, which makes the
 * EINTR retry harmless for them.
 */
static int32_t submit(struct evl_loop *l, const struct kevent *c, int n,
		      struct kevent *r)
{
	static const struct timespec zero = { 0, 0 };
	int rc;

	do {
		rc = kevent(l->kq, c, n, r, n, &zero);
	} while (rc < 0 && errno == EINTR);
	return rc < 0 ? -errno : rc;
}

/* Turns the receipts of one request's changes into its result. */
static int32_t finish_req(struct evl_loop *l, int32_t op, uint32_t interest,
			  const struct kevent *c, const struct kevent *r,
			  int nr)
{
	int err_r = change_err(&c[0], nr > 0 ? &r[0] : NULL);
	int err_w = change_err(&c[1], nr > 1 ? &r[1] : NULL);
	int32_t rc = req_result(op, interest, err_r, err_w);

	if (rc < 0 && op == EVL_OP_ADD)
		undo_add(l, c, err_r, err_w);
	return rc;
}

EVL_API int32_t evl_ctl(evl_loop *loop, int32_t op, int32_t fd,
			uint32_t interest, uint64_t token)
{
	struct kevent c[2], r[2];
	int32_t rc;

	if (loop == NULL)
		return -EBADF;
	rc = evl_check_req(op, fd, interest, token);
	if (rc < 0)
		return rc;
	set_changes(c, op, fd, interest, token);
	rc = submit(loop, c, 2, r);
	if (rc < 0)
		return rc;
	return finish_req(loop, op, interest, c, r, rc);
}

/* Grows the arrays of one evl_poll() call before anything is applied. */
static int32_t grow(struct evl_loop *l, int32_t nreqs, int32_t max_events)
{
	const size_t sz = sizeof(struct kevent);
	int32_t rc;

	if (nreqs > INT32_MAX / 2)
		return -ENOMEM;
	rc = evl_grow(&l->held, (void **)&l->chg, &l->chg_cap, 2 * nreqs,
		      sz);
	if (rc == 0)
		rc = evl_grow(&l->held, (void **)&l->rcpt, &l->rcpt_cap,
			      2 * nreqs, sz);
	if (rc == 0)
		rc = evl_grow(&l->held, (void **)&l->evs, &l->ev_cap,
			      max_events, sz);
	return rc;
}

/*
 * Applies all requests with one kevent() call. Requests that pass the
 * argument checks get two changes each, packed in order, so the receipts
 * of the k-th such request are at 2 * k. Returns how many failed records
 * it wrote, or -errno when the call itself failed; then nothing is known
 * about the changes and the caller reports the error.
 */
static int32_t apply_reqs(struct evl_loop *l, const struct evl_req *reqs,
			  int32_t nreqs, struct evl_event *out)
{
	int32_t i, j = 0, nrec = 0, nr = 0, rc;

	for (i = 0; i < nreqs; i++) {
		const struct evl_req *q = &reqs[i];

		if (evl_check_req(q->op, q->fd, q->interest, q->token) == 0) {
			set_changes(&l->chg[j], q->op, q->fd, q->interest,
				    q->token);
			j += 2;
		}
	}
	if (j > 0)
		nr = submit(l, l->chg, j, l->rcpt);
	if (nr < 0)
		return nr;
	for (i = 0, j = 0; i < nreqs; i++) {
		const struct evl_req *q = &reqs[i];

		rc = evl_check_req(q->op, q->fd, q->interest, q->token);
		if (rc == 0) {
			rc = finish_req(l, q->op, q->interest, &l->chg[j],
					&l->rcpt[j], nr - j);
			j += 2;
		}
		if (rc < 0)
			evl_set_failed(&out[nrec++], q->token, rc);
	}
	return nrec;
}

static int wait_once(struct evl_loop *l, int n, int64_t timeout_ns)
{
	struct timespec ts, *tsp = NULL;

	if (timeout_ns >= 0) {
		ts.tv_sec = (time_t)(timeout_ns / NS_PER_SEC);
		ts.tv_nsec = (long)(timeout_ns % NS_PER_SEC);
		tsp = &ts;
	}
	return kevent(l->kq, NULL, 0, l->evs, n, tsp);
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

/*
 * EV_EOF means the peer closed (for a socket, at least its writing side);
 * a non-zero fflags with it is the socket's pending error. Both come with
 * the I/O bits so that callbacks try the I/O and learn the details.
 */
static uint32_t ready_bits(const struct kevent *k)
{
	uint32_t r = k->filter == EVFILT_WRITE ? EVL_WRITE : EVL_READ;

	if (k->flags & EV_EOF) {
		r |= EVL_HUP;
		if (k->fflags != 0)
			r |= EVL_ERROR | EVL_READ | EVL_WRITE;
	}
	return r;
}

/*
 * Writes one record, merged into the previous one when that has the same
 * token. kqueue reports the read and write knotes of a descriptor
 * separately and not always next to each other; merging only neighbours
 * keeps this loop cheap, so a descriptor may still appear in two records.
 */
static int32_t put(struct evl_event *out, int32_t nrec, uint64_t token,
		   uint32_t ready, int32_t result)
{
	struct evl_event *prev = nrec > 0 ? &out[nrec - 1] : NULL;

	if (prev != NULL && prev->token == token && result == 0 &&
	    prev->result == 0 && !(prev->ready & EVL_FAILED)) {
		prev->ready |= ready;
		return nrec;
	}
	out[nrec].token = token;
	out[nrec].ready = ready;
	out[nrec].aux = 0;
	out[nrec].result = result;
	return nrec + 1;
}

/*
 * Translates n kevents into records; drops the wake-up's. A result with
 * EV_ERROR cannot come from the wait, which carries no changes, but is
 * reported as a failed record rather than dropped if a kernel sends one.
 */
static int32_t translate(const struct evl_loop *l, int n,
			 struct evl_event *out)
{
	int32_t nrec = 0;
	int i;

	for (i = 0; i < n; i++) {
		const struct kevent *k = &l->evs[i];
		uint64_t token = (uint64_t)(uintptr_t)k->udata;

		if (k->filter == EVFILT_USER)
			continue;
		if (k->flags & EV_ERROR)
			nrec = put(out, nrec, token, EVL_FAILED,
				   -(int32_t)k->data);
		else
			nrec = put(out, nrec, token, ready_bits(k), 0);
	}
	return nrec;
}

/*
 * Known limitation: with requests, one evl_poll() makes two kevent() calls
 * (apply, then wait), because receipts and events cannot share one call.
 */
EVL_API int32_t evl_poll(evl_loop *loop, const struct evl_req *reqs,
			 int32_t nreqs, struct evl_event *events,
			 int32_t max_events, int64_t timeout_ns)
{
	int32_t rc, nfail, n;

	rc = evl_check_poll(loop, reqs, nreqs, events, max_events);
	if (rc < 0)
		return rc;
	/* Grow first, so that running out of memory applies no request. */
	rc = grow(loop, nreqs, max_events);
	if (rc < 0)
		return rc;
	nfail = apply_reqs(loop, reqs, nreqs, events);
	if (nfail < 0)
		return nfail;
	if (nfail > 0)
		timeout_ns = 0;
	n = wait_events(loop, max_events - nfail, timeout_ns);
	/* Failed requests are known only now; a broken wait fails again. */
	if (n < 0)
		return nfail > 0 ? nfail : n;
	return nfail + translate(loop, n, events + nfail);
}

/* Triggering an already triggered user event is harmless. */
EVL_API int32_t evl_wake(evl_loop *loop)
{
	struct kevent kev;
	int rc;

	if (loop == NULL)
		return -EBADF;
	EV_SET(&kev, WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
	do {
		rc = kevent(loop->kq, &kev, 1, NULL, 0, NULL);
	} while (rc < 0 && errno == EINTR);
	return rc < 0 ? -errno : 0;
}

/* The kqueue poller does no I/O of its own yet (see evl.h). */
EVL_API int32_t evl_set_arena(evl_loop *loop, void *base, int32_t len)
{
	(void)base;
	(void)len;
	return loop == NULL ? -EBADF : -EOPNOTSUPP;
}

EVL_API int64_t evl_held_bytes(const evl_loop *loop)
{
	if (loop == NULL)
		return -EBADF;
	return evl_held_now(&loop->held);
}
