/*
 * test_errors.c - bad arguments give the documented -errno and never crash.
 */
#include "evl_test.h"

static int test_null_loop(void)
{
	struct evl_event ev[4];

	CHECK(evl_open(NULL) == -EINVAL);
	CHECK(evl_close(NULL) == -EBADF);
	CHECK(evl_wake(NULL) == -EBADF);
	CHECK(evl_ctl(NULL, EVL_OP_ADD, 0, EVL_READ, 1) == -EBADF);
	CHECK(evl_poll(NULL, NULL, 0, ev, 4, 0) == -EBADF);
	return 0;
}

static int test_bad_poll_sizes(void)
{
	struct evl_event ev[4];
	struct evl_req req = { .token = 1, .fd = 0, .op = EVL_OP_ADD,
			       .interest = EVL_READ };
	evl_loop *l;

	CHECK(evl_open(&l) == 0);
	CHECK(evl_poll(l, NULL, -1, ev, 4, 0) == -EINVAL);
	CHECK(evl_poll(l, NULL, 0, ev, 0, 0) == -EINVAL);
	CHECK(evl_poll(l, NULL, 0, ev, -5, 0) == -EINVAL);
	CHECK(evl_poll(l, &req, 1, ev, 1, 0) == -EINVAL);
	CHECK(evl_poll(l, NULL, 1, ev, 4, 0) == -EINVAL);
	CHECK(evl_poll(l, NULL, 0, NULL, 4, 0) == -EINVAL);
	CHECK(evl_close(l) == 0);
	return 0;
}

static int test_bad_abi_key(void)
{
	CHECK(evl_abi(-1) == -EINVAL);
	CHECK(evl_abi(EVL_ABI_KEY_COUNT) == -EINVAL);
	CHECK(evl_abi(1000) == -EINVAL);
	return 0;
}

static int test_bad_ctl(void)
{
	evl_loop *l;
	int p[2];

	CHECK(evl_open(&l) == 0);
	CHECK(test_pipe(p) == 0);
	CHECK(evl_ctl(l, 0, p[0], EVL_READ, 1) == -EINVAL);
	CHECK(evl_ctl(l, 4, p[0], EVL_READ, 1) == -EINVAL);
	CHECK(evl_ctl(l, EVL_OP_ADD, -1, EVL_READ, 1) == -EBADF);
	CHECK(evl_ctl(l, EVL_OP_ADD, p[0], 0x100, 1) == -EINVAL);
	CHECK(evl_ctl(l, EVL_OP_ADD, p[0], EVL_READ, UINT64_MAX) == -EINVAL);
	CHECK(evl_ctl(l, EVL_OP_ADD, 9999, EVL_READ, 1) == -EBADF);
	CHECK(evl_ctl(l, EVL_OP_MOD, p[0], EVL_READ, 1) == -ENOENT);
	CHECK(evl_ctl(l, EVL_OP_DEL, p[0], 0, 1) == -ENOENT);
	CHECK(evl_close(l) == 0);
	close(p[0]);
	close(p[1]);
	return 0;
}

static int test_strerror_bad_buffer(void)
{
	char buf[8];

	CHECK(evl_strerror(EBADF, NULL, 8) == -EINVAL);
	CHECK(evl_strerror(EBADF, buf, 0) == -EINVAL);
	CHECK(evl_strerror(EBADF, buf, -1) == -EINVAL);
	return 0;
}

int main(void)
{
	int failures = 0;

	RUN(test_null_loop);
	RUN(test_bad_poll_sizes);
	RUN(test_bad_abi_key);
	RUN(test_bad_ctl);
	RUN(test_strerror_bad_buffer);
	return failures != 0;
}
