/*
 * Ready-event dispatch from C: k pipes, each holding one unread byte, watched
 * level-triggered, so every poll reports all of them; each event is passed
 * to a callback through a function pointer, as a loop would. The figure is
 * the cost per event, the limit of ReadyDispatchBench.dispatch. Arguments:
 * ms-per-round, rounds, then the values of k (default 1 64 1024).
 */
#include "cbench.h"

#include <unistd.h>

#ifdef __linux__
#include <sys/epoll.h>
#else
#include <sys/event.h>
#endif

#define MAX_K 4096

static long long dispatched;

static void on_ready(void *data)
{
	(void)data;
	dispatched++;
}

static void (*volatile callback)(void *) = on_ready;

#ifdef __linux__
typedef struct epoll_event cb_event;

static void watch(int poller, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN};

	ev.data.fd = fd;
	if (epoll_ctl(poller, EPOLL_CTL_ADD, fd, &ev) < 0)
		cb_die("epoll_ctl");
}

static int poll_once(int poller, cb_event *events, int max)
{
	int n = epoll_wait(poller, events, max, 0);

	for (int i = 0; i < n; i++)
		callback(&events[i].data);
	return n;
}

static int open_poller(void)
{
	return epoll_create1(EPOLL_CLOEXEC);
}
#else
typedef struct kevent cb_event;

static void watch(int poller, int fd)
{
	struct kevent ev;

	EV_SET(&ev, fd, EVFILT_READ, EV_ADD, 0, 0, NULL);
	if (kevent(poller, &ev, 1, NULL, 0, NULL) < 0)
		cb_die("kevent add");
}

static int poll_once(int poller, cb_event *events, int max)
{
	struct timespec zero = {0, 0};
	int n = kevent(poller, NULL, 0, events, max, &zero);

	for (int i = 0; i < n; i++)
		callback(events[i].udata);
	return n;
}

static int open_poller(void)
{
	return kqueue();
}
#endif

static double measure(int k, long ms, int rounds)
{
	static cb_event events[MAX_K];
	int fds[MAX_K][2];
	double figures[64];
	int poller = open_poller();

	if (poller < 0)
		cb_die("poller");
	for (int i = 0; i < k; i++) {
		if (pipe(fds[i]) < 0 || write(fds[i][1], "x", 1) != 1)
			cb_die("pipe");
		watch(poller, fds[i][0]);
	}
	for (int r = 0; r <= rounds; r++) {
		long long start = cb_now_ns();
		long long end = start + ms * 1000000LL;
		long long before = dispatched;
		long long now;

		do {
			for (int i = 0; i < 1024 / k + 1; i++) {
				if (poll_once(poller, events, MAX_K) != k)
					cb_die("not every pipe was ready");
			}
			now = cb_now_ns();
		} while (now < end);
		figures[r] = (double)(now - start) / (dispatched - before);
	}
	for (int i = 0; i < k; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	close(poller);
	return cb_median(figures + 1, rounds);
}

int main(int argc, char **argv)
{
	long ms = cb_round_ms(argc, argv);
	int rounds = cb_rounds(argc, argv);
	static const int defaults[] = {1, 64, 1024};
	char params[32];

	if (rounds > 63)
		rounds = 63;
	for (int a = 3; a < argc || (argc <= 3 && a < 6); a++) {
		int k = argc > 3 ? atoi(argv[a]) : defaults[a - 3];

		if (k <= 0 || k > MAX_K) {
			fprintf(stderr, "k must be 1 to %d: %s\n", MAX_K,
				argv[a]);
			return 2;
		}
		snprintf(params, sizeof(params), "k=%d", k);
		cb_report("ReadyDispatchBench.dispatch", params,
			  measure(k, ms, rounds));
	}
	return 0;
}
