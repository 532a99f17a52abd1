/* test_basic.c - the ABI description, open and close, error texts. */
/* First, so that its feature macros come before any system header. */
#include "evl_test.h"

#include <stddef.h>
#include <string.h>

static int test_abi_matches_layout(void)
{
	CHECK(evl_abi(EVL_ABI_VERSION_KEY) == EVL_ABI_VERSION);
	CHECK(EVL_ABI_VERSION == 3);
	CHECK(evl_abi(EVL_ABI_REQ_SIZE) == (int)sizeof(struct evl_req));
	CHECK(evl_abi(EVL_ABI_REQ_TOKEN) ==
	      (int)offsetof(struct evl_req, token));
	CHECK(evl_abi(EVL_ABI_REQ_FD) == (int)offsetof(struct evl_req, fd));
	CHECK(evl_abi(EVL_ABI_REQ_OP) == (int)offsetof(struct evl_req, op));
	CHECK(evl_abi(EVL_ABI_REQ_INTEREST) ==
	      (int)offsetof(struct evl_req, interest));
	CHECK(evl_abi(EVL_ABI_EVENT_SIZE) == (int)sizeof(struct evl_event));
	CHECK(evl_abi(EVL_ABI_EVENT_TOKEN) ==
	      (int)offsetof(struct evl_event, token));
	CHECK(evl_abi(EVL_ABI_EVENT_READY) ==
	      (int)offsetof(struct evl_event, ready));
	CHECK(evl_abi(EVL_ABI_EVENT_RESULT) ==
	      (int)offsetof(struct evl_event, result));
	/* Java relies on these fixed sizes; a change needs a new ABI. */
	CHECK(sizeof(struct evl_req) == 32);
	CHECK(sizeof(struct evl_event) == 24);
	return 0;
}

static int test_abi_poller(void)
{
#if defined(__linux__)
	CHECK(evl_abi(EVL_ABI_POLLER) == EVL_POLLER_EPOLL);
#else
	CHECK(evl_abi(EVL_ABI_POLLER) == EVL_POLLER_KQUEUE);
#endif
	return 0;
}

static int test_open_close(void)
{
	evl_loop *l = NULL;
	int i;

	for (i = 0; i < 100; i++) {
		CHECK(evl_open(&l) == 0);
		CHECK(l != NULL);
		CHECK(evl_close(l) == 0);
	}
	return 0;
}

static int test_strerror(void)
{
	char buf[128];
	char tiny[4];

	CHECK(evl_strerror(EBADF, buf, sizeof(buf)) == 0);
	CHECK(strlen(buf) > 0);
	CHECK(evl_strerror(-EBADF, tiny, sizeof(tiny)) == 0);
	CHECK(strlen(tiny) <= 3);
	CHECK(strncmp(buf, tiny, strlen(tiny)) == 0);
	CHECK(evl_strerror(EBADF, tiny, 1) == 0);
	CHECK(tiny[0] == '\0');
	CHECK(evl_strerror(99999, buf, sizeof(buf)) == 0);
	CHECK(strlen(buf) > 0);
	CHECK(evl_strerror(INT32_MIN, buf, sizeof(buf)) == 0);
	return 0;
}

int main(void)
{
	int failures = 0;

	RUN(test_abi_matches_layout);
	RUN(test_abi_poller);
	RUN(test_open_close);
	RUN(test_strerror);
	return failures != 0;
}
