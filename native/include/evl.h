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
 * Thread-safety: evl_ctl(), evl_wake() and evl_held_bytes() may be called
 * from any thread, also while another thread waits in evl_poll().
 * evl_poll() is called by one thread at a time. evl_close() must not race
 * with any other call on the same loop; the Java side guarantees that.
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

/*
 * Raised whenever a struct below or a function's meaning changes, or a
 * function is added that the Java side binds (a library without it could
 * not be bound). 2 added the I/O in the core, 3 evl_held_bytes().
 */
#define EVL_ABI_VERSION 3

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

/*
 * I/O operations (evl_req.op of evl_poll only; Linux epoll only for now:
 * kqueue refuses them with -EINVAL, as evl_ctl() does). They make the core
 * do the I/O of a socket itself, so that one evl_poll() call per iteration
 * moves the bytes of every connection; see "I/O in the core" below.
 */
#define EVL_OP_IO_ADD 4      /* fd is a connected stream socket; the core
				reads it while interest has EVL_READ */
#define EVL_OP_LISTEN_ADD 5  /* fd is a listening socket; the core accepts
				while interest has EVL_READ */
#define EVL_OP_CONNECT_ADD 6 /* fd is connecting; EVL_CONNECTED follows,
				then it is an I/O socket as after IO_ADD */
#define EVL_OP_WRITE 7       /* queue len bytes at addr for writing */
#define EVL_OP_SHUTDOWN 8    /* shut the write side once the queue is empty
				(and the socket connected); a WRITE after
				it is refused with -EINVAL */
#define EVL_OP_CLOSE 9       /* forget the socket, drop its queue, close fd */

/*
 * Completions of I/O operations (evl_event.ready; one bit per record).
 * EVL_DATA: result bytes were read to the arena at offset aux.
 * EVL_EOF: the peer shut down its write side; reading stops.
 * EVL_WRITTEN: result more bytes of the queue reached the socket, in order.
 * EVL_ACCEPTED: result is a new non-blocking, close-on-exec socket.
 * EVL_CONNECTED: result is 0, or -errno of a failed connect.
 * EVL_SHUT: the write side is shut down; result 0 or -errno.
 * EVL_IO_ERROR: result is -errno; the core does no more I/O on the socket
 * (a listener keeps accepting): only EVL_OP_CLOSE or DEL remain useful.
 */
#define EVL_DATA 0x100u
#define EVL_EOF 0x200u
#define EVL_WRITTEN 0x400u
#define EVL_ACCEPTED 0x800u
#define EVL_CONNECTED 0x1000u
#define EVL_SHUT 0x2000u
#define EVL_IO_ERROR 0x4000u

/* One request, written by the caller into the submission array. */
struct evl_req {
	uint64_t token;    /* caller's identity for the watch; any value
			      but UINT64_MAX, which the core reserves */
	int32_t fd;        /* the watched descriptor */
	uint16_t op;       /* EVL_OP_* */
	uint16_t interest; /* EVL_READ | EVL_WRITE */
	uint64_t addr;     /* EVL_OP_WRITE: address of the bytes */
	uint32_t len;      /* EVL_OP_WRITE: how many */
	uint32_t reserved; /* 0 */
};

/* One ready descriptor, completion or failed request, from evl_poll(). */
struct evl_event {
	uint64_t token; /* the token given when the watch was added */
	uint32_t ready; /* EVL_READ | EVL_WRITE | EVL_ERROR | EVL_HUP,
			   one completion bit, or EVL_FAILED for a request
			   that failed */
	int32_t result; /* 0, a count, an fd, or -errno (see the bit) */
	uint64_t aux;   /* EVL_DATA: the arena offset of the bytes */
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
	EVL_ABI_REQ_ADDR,
	EVL_ABI_REQ_LEN,
	EVL_ABI_EVENT_AUX,
	EVL_ABI_IO, /* 1 when the poller does the I/O operations */
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

/*
 * I/O in the core. An I/O socket is added with a token whose low 32 bits
 * are a small index (below 2^24) that no other socket of the loop uses at
 * the same time; the core keeps its state in a table by that index. MOD
 * with EVL_READ starts reading, without it pauses (also accepting); write
 * interest is the core's business. DEL forgets the socket without closing
 * it. The requests of one call are applied in order; a WRITE is tried at
 * once, the rest of the queue when the socket is writable, with one
 * vectored sendmsg (MSG_NOSIGNAL) per attempt. The bytes of a WRITE must
 * stay valid until EVL_WRITTEN records have counted them, or until CLOSE
 * or DEL. Each evl_poll() reads into the arena from its start again, so
 * the caller must be done with the slices of the previous call.
 * Descriptors stay the caller's: evl_close() forgets I/O sockets without
 * closing them; only EVL_OP_CLOSE closes one.
 * A call that produced completions before waiting does not wait. At most
 * max_events records come back; what did not fit stays level-triggered for
 * the next call. max_events must exceed nreqs.
 */

/*
 * Gives the loop its read arena: len bytes at base, owned by the caller
 * and kept valid until evl_close() or the next evl_set_arena(). Returns 0,
 * -EBADF for a NULL loop, -EINVAL for a NULL base or a len below 1024,
 * -EOPNOTSUPP where the poller does no I/O.
 */
EVL_API int32_t evl_set_arena(evl_loop *loop, void *base, int32_t len);

/*
 * The bytes of memory the core holds for the loop now: the loop itself,
 * its event arrays and, with I/O in the core, the socket table, one record
 * per socket and the write queues. Memory the caller gives the core (the
 * read arena, the bytes of writes, the request and event arrays) is not
 * counted here. The arrays grow and never shrink while the loop lives, so
 * under a steady load the figure stops growing. Any thread, also while
 * another waits in evl_poll(), but not racing with evl_close().
 * Returns the count, or -EBADF for a NULL loop.
 */
EVL_API int64_t evl_held_bytes(const evl_loop *loop);

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
