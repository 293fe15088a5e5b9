/* display.c: the display and keyboard servers: a host program's stdio between streams and guest fds. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "display.h"

#define RELAY_BUF 65536

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = sig;
}

static int is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

int relays_add(struct relays *rs, int from, int to, int input)
{
	struct relay *r;

	if (rs->n == RELAY_MAX)
		return -1;
	r = &rs->r[rs->n];
	memset(r, 0, sizeof(*r));
	if (!(r->buf = malloc(RELAY_BUF)))
		return -1;
	r->from = from;
	r->to = to;
	r->input = input;
	r->src_sock = is_socket(from);
	r->dst_sock = is_socket(to);
	rs->n++;
	return 0;
}

int relays_outputs_pending(const struct relays *rs)
{
	for (int i = 0; i < rs->n; i++)
		if (!rs->r[i].input && !rs->r[i].done)
			return 1;
	return 0;
}

void relays_end(struct relay *r)
{
	if (r->dst_sock)
		shutdown(r->to, SHUT_WR);   /* the host program sees end of file */
	if (r->src_sock && !r->input)
		shutdown(r->from, SHUT_RD);
	r->done = 1;
}

static void fill(struct relay *r)
{
	ssize_t n = r->src_sock ? recv(r->from, r->buf, RELAY_BUF, MSG_DONTWAIT)
				: read(r->from, r->buf, RELAY_BUF);

	if (n > 0) {
		r->off = 0;
		r->len = (size_t)n;
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		relays_end(r);
	}
}

static void drain(struct relay *r)
{
	ssize_t n = r->dst_sock ? send(r->to, r->buf + r->off, r->len, MSG_DONTWAIT | MSG_NOSIGNAL)
				: write(r->to, r->buf + r->off, r->len);

	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		r->len = 0;
		relays_end(r);   /* the reader went away */
		return;
	}
	if (n > 0) {
		r->off += (size_t)n;
		r->len -= (size_t)n;
	}
}

static int build(struct relays *rs, struct pollfd *p, int *which)
{
	int n = 0;

	for (int i = 0; i < rs->n; i++) {
		struct relay *r = &rs->r[i];
		if (r->done)
			continue;
		p[n].fd = r->len ? r->to : r->from;
		p[n].events = r->len ? POLLOUT : POLLIN;
		p[n].revents = 0;
		which[n++] = i;
	}
	return n;
}

static void step(struct relays *rs, struct pollfd *p, const int *which, int n)
{
	for (int k = 0; k < n; k++) {
		struct relay *r = &rs->r[which[k]];
		if (!p[k].revents)
			continue;
		if (r->len)
			drain(r);
		else
			fill(r);
	}
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int relays_step(struct relays *rs, int timeout_ms, const sigset_t *mask)
{
	struct pollfd p[RELAY_MAX];
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000 };
	int which[RELAY_MAX], n = build(rs, p, which), ready;

	if ((ready = ppoll(p, (nfds_t)n, timeout_ms < 0 ? NULL : &ts, mask)) < 0)
		return -1;
	step(rs, p, which, n);
	return ready;
}

void relays_run(struct relays *rs, void (*interrupt)(void *ctx, int sig), void *ctx)
{
	struct sigaction sa = { .sa_handler = on_interrupt }, old_int, old_quit, old_winch;
	long next_tick;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGQUIT, &sa, &old_quit);
	sigaction(SIGWINCH, &sa, &old_winch);
	interrupted = 0;
	next_tick = now_ms() + rs->tick_ms;
	while (relays_outputs_pending(rs)) {
		long wait = rs->tick ? next_tick - now_ms() : -1;
		if (relays_step(rs, wait < 0 && rs->tick ? 0 : (int)wait, NULL) < 0 && errno != EINTR)
			break;
		if (interrupted && interrupt) {
			interrupt(ctx, interrupted);
			interrupted = 0;
		}
		if (rs->tick && now_ms() >= next_tick) {   /* on time, however busy the relays are */
			if (rs->tick(ctx))
				break;
			next_tick = now_ms() + rs->tick_ms;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
}

static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void relays_close_others(const struct relays *rs)
{
	int keep[2 * RELAY_MAX + 1], n = 0, from = 3;

	for (int i = 0; i < rs->n; i++) {
		if (rs->r[i].done)
			continue;
		keep[n++] = rs->r[i].from;
		keep[n++] = rs->r[i].to;
	}
	qsort(keep, (size_t)n, sizeof(int), by_value);
	for (int i = 0; i < n; i++) {
		if (keep[i] > from)
			close_range((unsigned)from, (unsigned)keep[i] - 1, 0);
		if (keep[i] >= from)
			from = keep[i] + 1;
	}
	close_range((unsigned)from, ~0U, 0);
}

void relays_free(struct relays *rs)
{
	for (int i = 0; i < rs->n; i++)
		free(rs->r[i].buf);
	rs->n = 0;
}
