/*
 * evl.h - the whole C API of the evloop core.
 *
 * The core is a thin, policy-free layer over epoll (Linux) or kqueue
 * (macOS, BSD). One call per loop iteration, evl_poll(), applies a batch of
 * interest changes, waits for readiness and writes what became ready into a
 * caller-provided array of our own fixed records. The OS event structs never
 * cross this boundary, so Java never depends on how they are packed.
 *
 * Every function returns 0 (or a count) on success and -errno on failure.
 * Nothing prints and nothing aborts: a bad argument is an error code.
 *
 * Thread-safety: evl_ctl() and evl_wake() may be called from any thread,
 * also while another thread waits in evl_poll(). evl_poll() is called by
 * one thread at a time. evl_close() must not race with any other call on
 * the same loop; the Java side guarantees that.
 */
#ifndef EVL_H
#define EVL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The library is built with hidden visibility so that only the functions
 * below are exported; EVL_API marks them.
 */
#if defined(__GNUC__) || defined(__clang__)
#define EVL_API __attribute__((visibility("default")))
#else
#define EVL_API
#endif

/* Raised whenever a struct below or a function's meaning changes. */
#define EVL_ABI_VERSION 1

/* Interest and readiness bits (evl_req.interest, evl_event.ready). */
#define EVL_READ 0x1u
#define EVL_WRITE 0x2u
/*
 * Readiness only: the descriptor reported an error or a hang-up. Both come
 * with EVL_READ (an error also with EVL_WRITE), so that a callback tries its
 * I/O and learns the details from that call. On kqueue EVL_HUP also means
 * the peer only shut down its writing side (EV_EOF).
 */
#define EVL_ERROR 0x4u
#define EVL_HUP 0x8u
/* Readiness only: the request with this token failed; see result. */
#define EVL_FAILED 0x10u

/* Request operations (evl_req.op and the op of evl_ctl). */
#define EVL_OP_ADD 1
#define EVL_OP_MOD 2
#define EVL_OP_DEL 3

/* One interest change, written by the caller into the submission array. */
struct evl_req {
	uint64_t token;    /* caller's identity for the watch; any value
			      but UINT64_MAX, which the core reserves */
	int32_t fd;        /* the watched descriptor */
	uint16_t op;       /* EVL_OP_* */
	uint16_t interest; /* EVL_READ | EVL_WRITE */
};

/* One ready descriptor or failed request, written by evl_poll(). */
struct evl_event {
	uint64_t token; /* the token given when the watch was added */
	uint32_t ready; /* EVL_READ | EVL_WRITE | EVL_ERROR | EVL_HUP,
			   or EVL_FAILED for a request that failed */
	int32_t result; /* 0, or -errno when ready has EVL_FAILED */
};

/* Keys for evl_abi(): Java asks for sizes and offsets instead of guessing. */
enum evl_abi_key {
	EVL_ABI_VERSION_KEY = 0,
	EVL_ABI_REQ_SIZE,
	EVL_ABI_REQ_TOKEN,
	EVL_ABI_REQ_FD,
	EVL_ABI_REQ_OP,
	EVL_ABI_REQ_INTEREST,
	EVL_ABI_EVENT_SIZE,
	EVL_ABI_EVENT_TOKEN,
	EVL_ABI_EVENT_READY,
	EVL_ABI_EVENT_RESULT,
	EVL_ABI_POLLER, /* 1 for epoll, 2 for kqueue */
	EVL_ABI_KEY_COUNT
};

#define EVL_POLLER_EPOLL 1
#define EVL_POLLER_KQUEUE 2

typedef struct evl_loop evl_loop;

/* Returns the value for key, or -EINVAL for an unknown key. */
EVL_API int32_t evl_abi(int32_t key);

/*
 * Creates a poller with its wake-up channel; stores it in *out.
 * A NULL out gives -EINVAL.
 */
EVL_API int32_t evl_open(evl_loop **out);

/* Frees the poller and closes its descriptors. NULL gives -EBADF. */
EVL_API int32_t evl_close(evl_loop *loop);

/*
 * Applies one interest change at once (EVL_OP_ADD, MOD or DEL), from any
 * thread. Interest 0 keeps the registration but reports nothing, except
 * that epoll always reports an error or hang-up: the core then reports it
 * once and stays quiet until the next MOD. MOD and DEL must name a watched
 * descriptor (-ENOENT otherwise), and MOD keeps the token given at ADD on
 * kqueue, so pass the same token. ADD of a watched descriptor gives -EEXIST
 * on epoll but updates the watch on kqueue.
 * Errors: -EBADF for a NULL loop or a negative fd, -EINVAL for an unknown
 * op, unknown interest bits or the reserved token, else the OS's -errno.
 */
EVL_API int32_t evl_ctl(evl_loop *loop, int32_t op, int32_t fd,
			uint32_t interest, uint64_t token);

/*
 * One iteration: applies nreqs requests, then waits up to timeout_ns
 * nanoseconds (negative: no limit, 0: no wait) and stores at most
 * max_events records in events. A request that fails is reported as a
 * record with EVL_FAILED and does not stop the others; when one failed,
 * the call does not wait. max_events must exceed nreqs (reqs may be NULL
 * when nreqs is 0). Records of failed requests come first. A wake-up may
 * end the wait with 0 records. On kqueue a descriptor ready for reading and
 * writing may be reported in two records with the same token.
 * Returns the number of records, or -errno: -EBADF for a NULL loop,
 * -EINVAL for a negative nreqs, max_events <= nreqs or a NULL array.
 */
EVL_API int32_t evl_poll(evl_loop *loop, const struct evl_req *reqs,
			 int32_t nreqs, struct evl_event *events,
			 int32_t max_events, int64_t timeout_ns);

/* Makes a current or the next evl_poll() return early; any thread. */
EVL_API int32_t evl_wake(evl_loop *loop);

/*
 * Writes the text of an errno value into buf, always NUL-terminated and
 * cut to len - 1 characters. A negative err is read as -errno. Returns 0,
 * or -EINVAL for a NULL buf or a len that is not positive.
 */
EVL_API int32_t evl_strerror(int32_t err, char *buf, int32_t len);

#ifdef __cplusplus
}
#endif

#endif
