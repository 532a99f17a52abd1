/*
 * Empty poll from C: epoll_wait (kevent on macOS and BSD) with a zero timeout
 * on a poller that watches one idle eventfd (or EVFILT_USER), like a loop's
 * wake-up channel. The physical limit of EmptyPollBench.poll.
 */
#include "cbench.h"

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#else
#include <sys/event.h>
#endif

#define MAX_EVENTS 64

#ifdef __linux__
static int open_poller(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = efd};

	if (ep < 0 || efd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) < 0)
		cb_die("epoll setup");
	return ep;
}

static int poll_now(int ep)
{
	struct epoll_event events[MAX_EVENTS];

	return epoll_wait(ep, events, MAX_EVENTS, 0);
}
#else
static int open_poller(void)
{
	int kq = kqueue();
	struct kevent ev;

	EV_SET(&ev, 1, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
	if (kq < 0 || kevent(kq, &ev, 1, NULL, 0, NULL) < 0)
		cb_die("kqueue setup");
	return kq;
}

static int poll_now(int kq)
{
	struct kevent events[MAX_EVENTS];
	struct timespec zero = {0, 0};

	return kevent(kq, NULL, 0, events, MAX_EVENTS, &zero);
}
#endif

int main(int argc, char **argv)
{
	long ms = cb_round_ms(argc, argv);
	int rounds = cb_rounds(argc, argv);
	double *figures = calloc(rounds + 1, sizeof(double));
	int fd = open_poller();

	/* Round 0 warms up and is not counted. */
	for (int r = 0; r <= rounds; r++) {
		long long start = cb_now_ns();
		long long end = start + ms * 1000000LL;
		long long calls = 0;
		long long now;

		do {
			for (int i = 0; i < 1000; i++) {
				if (poll_now(fd) != 0)
					cb_die("empty poll reported an event");
			}
			calls += 1000;
			now = cb_now_ns();
		} while (now < end);
		figures[r] = (double)(now - start) / calls;
	}
	cb_report("EmptyPollBench.poll", "-", cb_median(figures + 1, rounds));
	free(figures);
	return 0;
}
