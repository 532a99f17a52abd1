/*
 * Wake-up round trip from C: two threads, each asleep in its own poller on
 * its own wake-up channel (an eventfd on Linux, EVFILT_USER on kqueue); each
 * wakes the other in turn. The physical limit of WakeupBench.roundTrip: one
 * figure is one round trip, two wake-ups.
 */
#include "cbench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#else
#include <sys/event.h>
#endif

struct side {
	int poller;
	int efd; /* the eventfd on Linux; unused on kqueue */
};

static atomic_int stopping;

#ifdef __linux__
static void side_open(struct side *s)
{
	struct epoll_event ev = {.events = EPOLLIN};

	s->poller = epoll_create1(EPOLL_CLOEXEC);
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ev.data.fd = s->efd;
	if (s->poller < 0 || s->efd < 0 ||
	    epoll_ctl(s->poller, EPOLL_CTL_ADD, s->efd, &ev) < 0)
		cb_die("epoll setup");
}

static void side_wake(struct side *s)
{
	uint64_t one = 1;

	if (write(s->efd, &one, sizeof(one)) != sizeof(one))
		cb_die("eventfd write");
}

static void side_wait(struct side *s)
{
	struct epoll_event ev;
	uint64_t count;
	int n;

	do {
		n = epoll_wait(s->poller, &ev, 1, -1);
	} while (n < 0 && errno == EINTR);
	if (n != 1 || read(s->efd, &count, sizeof(count)) != sizeof(count))
		cb_die("epoll_wait");
}
#else
static void side_open(struct side *s)
{
	struct kevent ev;

	s->poller = kqueue();
	s->efd = -1;
	EV_SET(&ev, 1, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
	if (s->poller < 0 || kevent(s->poller, &ev, 1, NULL, 0, NULL) < 0)
		cb_die("kqueue setup");
}

static void side_wake(struct side *s)
{
	struct kevent ev;

	EV_SET(&ev, 1, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
	if (kevent(s->poller, &ev, 1, NULL, 0, NULL) < 0)
		cb_die("kevent trigger");
}

static void side_wait(struct side *s)
{
	struct kevent ev;
	int n;

	do {
		n = kevent(s->poller, NULL, 0, &ev, 1, NULL);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		cb_die("kevent wait");
}
#endif

static struct side ping, pong;

static void *pong_main(void *arg)
{
	(void)arg;
	for (;;) {
		side_wait(&pong);
		if (atomic_load(&stopping))
			return NULL;
		side_wake(&ping);
	}
}

int main(int argc, char **argv)
{
	long ms = cb_round_ms(argc, argv);
	int rounds = cb_rounds(argc, argv);
	double *figures = calloc(rounds + 1, sizeof(double));
	pthread_t thread;

	side_open(&ping);
	side_open(&pong);
	if (pthread_create(&thread, NULL, pong_main, NULL) != 0)
		cb_die("pthread_create");
	/* Round 0 warms up and is not counted. */
	for (int r = 0; r <= rounds; r++) {
		long long start = cb_now_ns();
		long long end = start + ms * 1000000LL;
		long long trips = 0;
		long long now;

		do {
			for (int i = 0; i < 100; i++) {
				side_wake(&pong);
				side_wait(&ping);
			}
			trips += 100;
			now = cb_now_ns();
		} while (now < end);
		figures[r] = (double)(now - start) / trips;
	}
	atomic_store(&stopping, 1);
	side_wake(&pong);
	pthread_join(thread, NULL);
	cb_report("WakeupBench.roundTrip", "-", cb_median(figures + 1, rounds));
	free(figures);
	return 0;
}
