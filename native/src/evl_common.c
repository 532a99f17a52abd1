/*
 * evl_common.c - the parts of the core that do not depend on the poller:
 * the ABI description, error texts, argument checks, counted allocation
 * and timeout arithmetic.
 */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#elif !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evl_internal.h"

#define NS_PER_SEC 1000000000LL

/*
 * The version evl_abi() reports. Only a test build overrides it, to give
 * Java a library whose ABI it must refuse (see CMakeLists.txt).
 */
#ifndef EVL_REPORTED_ABI_VERSION
#define EVL_REPORTED_ABI_VERSION EVL_ABI_VERSION
#endif

EVL_API int32_t evl_abi(int32_t key)
{
	switch (key) {
	case EVL_ABI_VERSION_KEY:
		return EVL_REPORTED_ABI_VERSION;
	case EVL_ABI_REQ_SIZE:
		return (int32_t)sizeof(struct evl_req);
	case EVL_ABI_REQ_TOKEN:
		return (int32_t)offsetof(struct evl_req, token);
	case EVL_ABI_REQ_FD:
		return (int32_t)offsetof(struct evl_req, fd);
	case EVL_ABI_REQ_OP:
		return (int32_t)offsetof(struct evl_req, op);
	case EVL_ABI_REQ_INTEREST:
		return (int32_t)offsetof(struct evl_req, interest);
	case EVL_ABI_EVENT_SIZE:
		return (int32_t)sizeof(struct evl_event);
	case EVL_ABI_EVENT_TOKEN:
		return (int32_t)offsetof(struct evl_event, token);
	case EVL_ABI_EVENT_READY:
		return (int32_t)offsetof(struct evl_event, ready);
	case EVL_ABI_EVENT_RESULT:
		return (int32_t)offsetof(struct evl_event, result);
	case EVL_ABI_POLLER:
		return evl_poller_kind();
	case EVL_ABI_REQ_ADDR:
		return (int32_t)offsetof(struct evl_req, addr);
	case EVL_ABI_REQ_LEN:
		return (int32_t)offsetof(struct evl_req, len);
	case EVL_ABI_EVENT_AUX:
		return (int32_t)offsetof(struct evl_event, aux);
	case EVL_ABI_IO:
		return evl_poller_kind() == EVL_POLLER_EPOLL;
	default:
		return -EINVAL;
	}
}

/*
 * strerror_r() comes in two shapes: XSI returns an int and always fills
 * buf, GNU returns a char * that may point to a static text instead. Which
 * one the C library declares depends on feature macros, so _Generic picks
 * the matching finisher from the type of the call's result. The controlling
 * expression of _Generic is not evaluated, so strerror_r() runs once.
 */
static void copy_text(char *buf, size_t len, const char *text)
{
	size_t i;

	for (i = 0; i + 1 < len && text[i] != '\0'; i++)
		buf[i] = text[i];
	buf[i] = '\0';
}

static void finish_gnu(char *res, char *buf, size_t len, int err)
{
	(void)err;
	if (res != buf)
		copy_text(buf, len, res != NULL ? res : "Unknown error");
}

static void finish_xsi(int res, char *buf, size_t len, int err)
{
	/*
	 * ERANGE leaves a cut text, which is what we promise; for any other
	 * failure the C library may have left buf empty, so we say so.
	 */
	if (res != 0 && res != ERANGE && buf[0] == '\0')
		snprintf(buf, len, "Unknown error %d", err);
}

EVL_API int32_t evl_strerror(int32_t err, char *buf, int32_t len)
{
	size_t n;

	if (buf == NULL || len <= 0)
		return -EINVAL;
	if (err < 0)
		err = err == INT32_MIN ? INT32_MAX : -err;
	n = (size_t)len;
	buf[0] = '\0';
	_Generic(strerror_r(err, buf, n),
		 char *: finish_gnu,
		 default: finish_xsi)(strerror_r(err, buf, n), buf, n, err);
	buf[n - 1] = '\0';
	return 0;
}

int32_t evl_check_req(int32_t op, int32_t fd, uint32_t interest,
		      uint64_t token)
{
	if (op != EVL_OP_ADD && op != EVL_OP_MOD && op != EVL_OP_DEL)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	if ((interest & ~EVL_INTEREST_MASK) != 0)
		return -EINVAL;
	if (token == EVL_WAKE_TOKEN)
		return -EINVAL;
	return 0;
}

int32_t evl_check_poll(const evl_loop *loop, const struct evl_req *reqs,
		       int32_t nreqs, const struct evl_event *events,
		       int32_t max_events)
{
	if (loop == NULL)
		return -EBADF;
	if (nreqs < 0 || max_events <= 0 || max_events <= nreqs)
		return -EINVAL;
	if (events == NULL || (reqs == NULL && nreqs > 0))
		return -EINVAL;
	return 0;
}

void evl_set_failed(struct evl_event *ev, uint64_t token, int32_t err)
{
	ev->token = token;
	ev->ready = EVL_FAILED;
	ev->result = err;
	ev->aux = 0;
}

/*
 * Relaxed order is enough: the counter orders nothing else, and a reader
 * on another thread only needs a value that was true at some moment.
 */
static void count(int64_t *held, int64_t delta)
{
	__atomic_fetch_add(held, delta, __ATOMIC_RELAXED);
}

int64_t evl_held_now(const int64_t *held)
{
	return __atomic_load_n(held, __ATOMIC_RELAXED);
}

void *evl_calloc(int64_t *held, size_t size)
{
	void *p = calloc(1, size);

	if (p != NULL)
		count(held, (int64_t)size);
	return p;
}

int32_t evl_realloc(int64_t *held, void **p, size_t old_size,
		    size_t new_size)
{
	void *q = realloc(*p, new_size);

	if (q == NULL)
		return -ENOMEM;
	*p = q;
	count(held, (int64_t)new_size - (int64_t)old_size);
	return 0;
}

void evl_free(int64_t *held, void *p, size_t size)
{
	if (p == NULL)
		return;
	free(p);
	count(held, -(int64_t)size);
}

int32_t evl_grow(int64_t *held, void **buf, int32_t *cap, int32_t want,
		 size_t elem)
{
	if (want <= *cap)
		return 0;
	if ((size_t)want > SIZE_MAX / elem)
		return -ENOMEM;
	if (evl_realloc(held, buf, (size_t)*cap * elem,
			(size_t)want * elem) < 0)
		return -ENOMEM;
	*cap = want;
	return 0;
}

/*
 * CLOCK_MONOTONIC cannot fail with a valid pointer (clock_gettime(2)); the
 * zeroed struct only keeps the result defined if it ever did.
 */
static int64_t now_ns(void)
{
	struct timespec ts = { 0, 0 };

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int64_t evl_deadline_ns(int64_t timeout_ns)
{
	int64_t now;

	if (timeout_ns <= 0)
		return 0;
	now = now_ns();
	if (timeout_ns > INT64_MAX - now)
		return INT64_MAX;
	return now + timeout_ns;
}

int64_t evl_remaining_ns(int64_t deadline, int64_t timeout_ns)
{
	int64_t left;

	if (timeout_ns <= 0)
		return timeout_ns;
	left = deadline - now_ns();
	return left > 0 ? left : 0;
}
