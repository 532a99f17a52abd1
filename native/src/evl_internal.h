/*
 * evl_internal.h - helpers shared by the poller files; not part of the API.
 *
 * Everything here has hidden visibility (the library is built with
 * -fvisibility=hidden), so none of it is exported from the shared library.
 */
#ifndef EVL_INTERNAL_H
#define EVL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "evl.h"

/*
 * The token the core gives its own wake-up registration. Requests that use
 * it are refused, so the wake-up record can be told apart and dropped.
 */
#define EVL_WAKE_TOKEN UINT64_MAX

/* The interest bits a request may carry. */
#define EVL_INTEREST_MASK (EVL_READ | EVL_WRITE)

/* Which poller this build uses: EVL_POLLER_EPOLL or EVL_POLLER_KQUEUE. */
int32_t evl_poller_kind(void);

/* Checks one interest change; 0 or the -errno that evl_ctl() documents. */
int32_t evl_check_req(int32_t op, int32_t fd, uint32_t interest,
		      uint64_t token);

/* Checks the arguments of evl_poll(); 0 or -errno. */
int32_t evl_check_poll(const evl_loop *loop, const struct evl_req *reqs,
		       int32_t nreqs, const struct evl_event *events,
		       int32_t max_events);

/* Writes the record of a request that failed with -err. */
void evl_set_failed(struct evl_event *ev, uint64_t token, int32_t err);

/*
 * Grows *buf to hold at least want elements of size elem, keeping what it
 * holds; *cap is the current capacity. Returns 0 or -ENOMEM.
 */
int32_t evl_grow(void **buf, int32_t *cap, int32_t want, size_t elem);

/*
 * The deadline for a wait of timeout_ns on CLOCK_MONOTONIC, or 0 when the
 * timeout is not positive (a deadline is only needed to retry after EINTR).
 */
int64_t evl_deadline_ns(int64_t timeout_ns);

/*
 * The timeout left until deadline for a wait that began with timeout_ns:
 * negative and zero timeouts stay as they are, positive ones shrink but
 * never below 0.
 */
int64_t evl_remaining_ns(int64_t deadline, int64_t timeout_ns);

#endif
