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
 * Allocation that counts, so that evl_held_bytes() can tell what a loop
 * holds: every block the core allocates for a loop is added to that loop's
 * counter while it lives. The callers always know the size of a block, so
 * they pass it back on resize and free, and no header sits before a block.
 * The counter is updated with relaxed atomics: only the thread in evl_open,
 * evl_poll or evl_close changes it, but any thread may read it.
 */

/* A zeroed block of size bytes counted in *held, or NULL. */
void *evl_calloc(int64_t *held, size_t size);

/*
 * Resizes *p from old_size to new_size bytes (*p may be NULL with
 * old_size 0); on failure *p and *held stay as they were. 0 or -ENOMEM.
 */
int32_t evl_realloc(int64_t *held, void **p, size_t old_size,
		    size_t new_size);

/* Frees p, a block of size bytes counted in *held; p may be NULL. */
void evl_free(int64_t *held, void *p, size_t size);

/* What *held says now; safe from any thread. */
int64_t evl_held_now(const int64_t *held);

/*
 * Grows *buf to hold at least want elements of size elem, keeping what it
 * holds; *cap is the current capacity. The bytes are counted in *held.
 * Returns 0 or -ENOMEM.
 */
int32_t evl_grow(int64_t *held, void **buf, int32_t *cap, int32_t want,
		 size_t elem);

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

/*
 * Applies one ADD, MOD or DEL to the poller at once; the same as evl_ctl()
 * without its NULL check. The I/O code changes interest through it.
 */
int32_t evl_poller_ctl(evl_loop *loop, int32_t op, int32_t fd,
		       uint32_t interest, uint64_t token);

/* The I/O the core does itself (evl_io.c); see "I/O in the core" in evl.h. */
struct evl_io;

/*
 * A new, empty I/O state, or NULL without memory. Its memory is counted in
 * *held (the loop's counter), which must outlive the state.
 */
struct evl_io *evl_io_new(int64_t *held);

/* Frees the state and uncounts it; the descriptors stay open. */
void evl_io_free(struct evl_io *io);

/* How many sockets the I/O state owns. */
int32_t evl_io_count(const struct evl_io *io);

/* Sets the read arena; the checks of evl_set_arena(). */
int32_t evl_io_set_arena(struct evl_io *io, void *base, int32_t len);

/* Starts a call of evl_poll(): reads fill the arena from its start. */
void evl_io_begin(struct evl_io *io);

/* Whether op is one of the I/O operations. */
int evl_io_is_op(int32_t op);

/* Whether token names a socket the I/O state owns. */
int evl_io_owns(const struct evl_io *io, uint64_t token);

/*
 * Applies an I/O request, or a MOD or DEL of an owned socket. Writes at
 * most one record to out (a completion, or EVL_FAILED); returns how many.
 */
int32_t evl_io_req(evl_loop *loop, struct evl_io *io,
		   const struct evl_req *req, struct evl_event *out);

/*
 * Does the I/O that readiness bits (EVL_READ, ...) allow on an owned
 * socket; writes at most room records; returns how many.
 */
int32_t evl_io_ready(evl_loop *loop, struct evl_io *io, uint64_t token,
		     uint32_t ready, struct evl_event *out, int32_t room);

#endif
