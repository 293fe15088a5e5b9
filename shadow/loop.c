/* loop.c: the shadow's event loop, blocking inside a call, and ending the session's children. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "shadow.h"

enum { SLOT_CONN, SLOT_CTL, SLOT_SIG, SLOT_TLS, SLOT_FIXED };
#define POLL_MAX (SLOT_FIXED + 1 + SHADOW_CONN_POLL_MAX + SHADOW_PUMP_MAX * 2)

static void on_signals(struct shadow *sh)
{
	struct signalfd_siginfo si;

	while (read(sh->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		log_debug("signal %u: ending the session", si.ssi_signo);
		sh->ending = 1;
	}
	children_reap(sh);
}

static int fill_fixed(struct shadow *sh, struct pollfd *p, short conn_events)
{
	p[SLOT_CONN].fd = sh->conn_ops ? sh->conn_ops->fd(sh->conn) : -1;
	p[SLOT_CONN].events = conn_events;
	p[SLOT_CTL].fd = sh->ctl_fd;
	p[SLOT_CTL].events = POLLIN;
	p[SLOT_SIG].fd = sh->sig_fd;
	p[SLOT_SIG].events = POLLIN;
	p[SLOT_TLS].fd = sh->tls_deliveries[0];   /* -1 until a stream comes in TLS */
	p[SLOT_TLS].events = POLLIN;
	for (int i = 0; i < SLOT_FIXED; i++)
		p[i].revents = 0;
	return SLOT_FIXED;
}

/* The connection's own fds (a channel's streams); *@busy: they have work already. */
static int fill_conn(struct shadow *sh, struct pollfd *p, int *busy)
{
	const struct shadow_conn_ops *ops = sh->conn_ops;

	*busy = 0;
	return ops && ops->pollfds ? ops->pollfds(sh->conn, p, SHADOW_CONN_POLL_MAX, busy) : 0;
}

/* Run the connection's own work; what it found on its fd counts as that fd's event. */
static void run_conn(struct shadow *sh, struct pollfd *p)
{
	if (sh->conn_ops && sh->conn_ops->pump && sh->conn_ops->pump(sh->conn))
		p[SLOT_CONN].revents |= POLLIN;
}

static int poll_timeout(struct shadow *sh, int timeout_ms)
{
	int next = streams_expire(sh);

	if (next >= 0 && (timeout_ms < 0 || next < timeout_ms))
		return next;
	return timeout_ms;
}

/* Handle everything but the connection; the caller decides what that means. */
static void handle_side_events(struct shadow *sh, struct pollfd *p, int pump_at, int n)
{
	if (p[SLOT_SIG].revents)
		on_signals(sh);
	if (p[SLOT_CTL].revents)
		streams_on_ctl(sh);
	if (p[SLOT_TLS].revents)
		streams_on_tls(sh);
	pumps_run(sh, p + pump_at, n - pump_at);
}

int shadow_poll_once(struct shadow *sh, int timeout_ms, int serve)
{
	struct pollfd p[POLL_MAX];
	int n = fill_fixed(sh, p, serve ? POLLIN : POLLRDHUP);
	int r, busy, conn_n = fill_conn(sh, p + n, &busy);

	n += conn_n;
	n += pumps_pollfds(sh, p + n, POLL_MAX - n);
	r = poll(p, (nfds_t)n, busy ? 0 : poll_timeout(sh, timeout_ms));
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	run_conn(sh, p);
	handle_side_events(sh, p, SLOT_FIXED + conn_n, n);
	if (serve && p[SLOT_CONN].revents && sh->conn_ops->serve(sh->conn, sh) < 0)
		sh->ending = 1;
	return 0;
}

static int remaining_ms(int64_t deadline_ms)
{
	int64_t left;

	if (deadline_ms == 0)
		return -1;
	left = deadline_ms - shadow_now_ms();
	return left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

/* While a call blocks: has its caller hung up? */
static int caller_gone(struct shadow *sh, short revents)
{
	const struct shadow_conn_ops *ops = sh->conn_ops;

	if (!revents)
		return 0;
	if (revents & (POLLHUP | POLLERR | POLLNVAL) || !ops->hung_up)
		return 1;
	return ops->hung_up(sh->conn);
}

int shadow_block(struct shadow *sh, int fd, short events, int64_t deadline_ms)
{
	struct pollfd p[POLL_MAX];
	short watch = sh->conn_ops && sh->conn_ops->in_call_events ? sh->conn_ops->in_call_events
								    : POLLRDHUP;
	int n = fill_fixed(sh, p, watch);
	int conn_at, conn_n, busy, r;

	if (fd >= 0) {
		p[n].fd = fd;
		p[n].events = events;
		p[n++].revents = 0;
	}
	conn_at = n;
	n += conn_n = fill_conn(sh, p + n, &busy);
	n += pumps_pollfds(sh, p + n, POLL_MAX - n);
	r = poll(p, (nfds_t)n, busy ? 0 : poll_timeout(sh, remaining_ms(deadline_ms)));
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	run_conn(sh, p);
	handle_side_events(sh, p, conn_at + conn_n, n);
	if (caller_gone(sh, p[SLOT_CONN].revents))
		return -ECONNRESET;
	if (sh->ending)
		return -ECONNRESET;
	if (fd >= 0 && p[SLOT_FIXED].revents)
		return 1;
	if (deadline_ms && shadow_now_ms() >= deadline_ms)
		return -ETIMEDOUT;
	return 0;
}

int shadow_wait_ready(struct shadow *sh, int fd, short events, int64_t deadline_ms)
{
	int r;

	while ((r = shadow_block(sh, fd, events, deadline_ms)) == 0)
		;
	return r < 0 ? r : 0;
}

/* ---- ending the children ---- */

static void signal_children(struct shadow *sh, int sig)
{
	for (int i = 0; i < SHADOW_CHILD_MAX; i++) {
		struct shadow_child *c = &sh->children[i];
		if (c->state == CHILD_FREE)
			continue;
		if (c->pgid > 0)
			kill(-c->pgid, sig);   /* grandchildren too, even once the leader is gone */
		if (c->state == CHILD_DONE)
			continue;
		kill(c->pid, sig);
		if (sig != SIGKILL)
			kill(c->pid, SIGCONT);
	}
}

static int kill_any(pid_t pid, pid_t pgid, void *ctx)
{
	(void)pgid;
	(void)ctx;
	kill(pid, SIGKILL);
	return 1;
}

/* Orphans re-parented to us (we are a subreaper) that left their group. */
static void kill_adopted(void)
{
	children_of_self(kill_any, NULL);
}

static void wait_children(struct shadow *sh, int64_t deadline)
{
	while (children_running(sh) > 0 && shadow_now_ms() < deadline) {
		struct pollfd p = { .fd = sh->sig_fd, .events = POLLIN };
		int left = remaining_ms(deadline);

		if (poll(&p, 1, left > 50 ? 50 : left) > 0) {
			struct signalfd_siginfo si;
			while (read(sh->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
		}
		children_reap(sh);
	}
}

static void reap_everything(void)
{
	int64_t deadline = shadow_now_ms() + 2000;

	while (shadow_now_ms() < deadline) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			return;
		if (pid <= 0)
			usleep(5000);
	}
}

void shadow_end_children(struct shadow *sh)
{
	int n = children_running(sh);

	if (n > 0)
		log_info("session over: hanging up %d child process(es)", n);
	signal_children(sh, SIGHUP);
	wait_children(sh, shadow_now_ms() + sh->opts.grace_ms);
	if (children_running(sh) > 0)
		log_info("killing %d child process(es) after the grace period", children_running(sh));
	signal_children(sh, SIGKILL);
	kill_adopted();
	wait_children(sh, shadow_now_ms() + 1000);
	reap_everything();
}
