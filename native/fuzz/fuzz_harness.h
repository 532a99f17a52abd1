/*
 * fuzz_harness.h - what the parts of the fuzz target share: the table of
 * the harness's own descriptors, the model of what the core holds, and
 * the checks that abort (so that libFuzzer reports a crash).
 *
 * fuzz_fds.c opens and closes the descriptors, fuzz_io.c models the
 * socket requests of ABI 2, fuzz_core.c decodes the input into commands
 * and models the interest changes of ABI 1.
 */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stdint.h>

#include "evl.h"
#include "fuzz_input.h"

#define WAKE_TOKEN UINT64_MAX
/* Far above anything this process opens, so never a descriptor. */
#define UNOPENED_FD 99999
#define MAX_CONNS 16

enum slot {
	SLOT_PIPE_R,
	SLOT_PIPE_W,
	SLOT_SOCK_A,
	SLOT_SOCK_B,
	SLOT_EVENTFD,
	SLOT_DEVNULL,
	SLOT_EPOLL,
	SLOT_TCP_LISTEN,  /* 127.0.0.1, port chosen by the kernel */
	SLOT_TCP_CLIENT,  /* connecting to the listener */
	SLOT_TCP_BOUND,   /* bound, neither listening nor connected */
	SLOT_TCP_REFUSED, /* connecting to the bound port: refused */
	SLOT_ACCEPT0,     /* sockets the core accepted, once reported */
	SLOT_ACCEPT1,
	SLOT_MINUS_ONE,
	SLOT_UNOPENED,
	SLOT_INT_MIN,
	SLOT_INT_MAX,
	SLOT_COUNT
};

/* The first slot whose number is never an open descriptor. */
#define SLOT_NEVER_OPEN SLOT_MINUS_ONE

enum conn_kind { CONN_STREAM, CONN_LISTEN, CONN_CONNECTING };

/* The model of one socket the core does the I/O of. */
struct io_conn {
	int used;
	uint64_t token;
	int slot;
	enum conn_kind kind;
	int reading;
	int eof;
	int failed;
	int shut_pending; /* SHUTDOWN waits for the queue or the connect */
	int wr_shut;      /* SHUTDOWN was asked for */
	uint64_t queued;  /* bytes written but not yet counted as WRITTEN */
};

struct harness {
	evl_loop *loop;
	int fd[SLOT_COUNT];
	int open[SLOT_COUNT];     /* an open descriptor of the harness */
	int pollable[SLOT_COUNT]; /* epoll takes it (not /dev/null) */
	int watched[SLOT_COUNT];  /* the model: a plain watch on the slot */
	uint64_t token[SLOT_COUNT]; /* and under which token */
	int io[SLOT_COUNT];       /* 1 + index in conn[] of an I/O socket */
	struct io_conn conn[MAX_CONNS];
	unsigned char *arena;     /* the base the core has, or NULL */
	int32_t arena_len;
};

/*
 * The answer evl.h promises for one request: 0, or any of a few -errno
 * values. When several arguments are bad, the contract does not say which
 * one is reported, so any of their errors is accepted.
 */
struct expect {
	int ok;
	int nerr;
	int err[6];
};

void fail(const char *what, long got, long want);
void check(int ok, const char *what);
void expect_err(struct expect *e, int err);
void check_result(const struct expect *e, int32_t rc, const char *what);

/* fuzz_fds.c */
void open_static(void);
int count_fds(void);
void open_harness(struct harness *h);
void close_harness(struct harness *h);
void adopt_fd(struct harness *h, int fd);
void settle_closed(struct harness *h);
void close_slot(struct harness *h, int slot);

/* fuzz_io.c */
int is_io_token(uint64_t token);
uint64_t pick_io_token(struct fuzz_input *in);
void decode_io_req(struct fuzz_input *in, struct evl_req *r, int *slot,
		   const struct evl_req *prev, int nprev);
int io_owned(const struct harness *h, uint64_t token);
int io_routed(const struct harness *h, const struct evl_req *r);
int check_io_req(struct harness *h, const struct evl_req *r, int slot,
		 const struct evl_event *ev, int nev);
void check_io_record(struct harness *h, const struct evl_event *ev);
void io_poll_begin(void);
void io_poll_end(struct harness *h);
void cmd_arena(struct harness *h, struct fuzz_input *in);

#endif
