/* daemon.c: hostcalld's loop: accept, sort sessions from stream dials, fork shadows, route, reap. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "admit.h"
#include "daemon.h"
#include "keyfile.h"
#include "channel.h"
#include "kvm_conn.h"
#include "io.h"
#include "kvm_host.h"
#include "log.h"
#include "oncrpc_listen.h"
#include "oncrpc_server.h"
#include "shadow.h"
#include "transport.h"
#include "url.h"

_Static_assert(DAEMON_MODULE_DIRS_MAX <= SHADOW_MODULE_DIRS_MAX, "the shadows take every module directory");

#define PENDING_MAX 256
#define SHADOWS_MAX 1024
/* How long the listeners rest when accept() finds no descriptor free. */
#define ACCEPT_PAUSE_MS 100
/* Connections taken from a listener's queue each time it wakes us. */
#define ACCEPT_BATCH 32

struct pending {
	int fd;                 /* -1: free */
	enum listen_kind kind;
	int tls_required;
	int64_t deadline_ms;
	int64_t since_ms;
	uint64_t seq;           /* order of arrival */
	struct admit_source source;
};

struct shadow_rec {
	pid_t pid;              /* 0: free */
	int ctl;
	int authenticated;
	int evicted;            /* killed to make room for a newer connection */
	int64_t since_ms;
	uint64_t seq;
	struct admit_source source;
};

struct daemon {
	const struct daemon_opts *o;
	struct shadow_opts sopts;
	struct listener listeners[DAEMON_LISTEN_MAX];
	int nlisteners;
	struct pending pending[PENDING_MAX];
	struct shadow_rec shadows[SHADOWS_MAX];
	struct kvm_host kvm;
	int sig_fd;
	int terminating;
	int64_t accept_paused_until_ms;   /* out of descriptors: listeners rest till then */
	uint64_t accepted;                /* connections accepted so far: the next seq */
	int reserve[2];                   /* descriptors kept back so that a sweep never lacks them */
	int sweep_due;                    /* a sweep could not read /proc: try again soon */
};

/* The daemon lives here, so a forked shadow still reaches it (and leak checkers see it). */
static struct daemon the_daemon;
static struct shadow the_shadow;

/* ---- counting ---- */

static int count_shadows(const struct daemon *d)
{
	int n = 0;

	for (int i = 0; i < SHADOWS_MAX; i++)
		n += d->shadows[i].pid > 0;
	return n;
}

/* ---- the shadow side of a fork ---- */

static void close_daemon_fds(struct daemon *d, int keep)
{
	for (int i = 0; i < 2; i++)
		if (d->reserve[i] >= 0)
			close(d->reserve[i]);
	for (int i = 0; i < d->nlisteners; i++)
		close(d->listeners[i].fd);
	for (int i = 0; i < PENDING_MAX; i++)
		if (d->pending[i].fd >= 0 && d->pending[i].fd != keep)
			close(d->pending[i].fd);
	for (int i = 0; i < SHADOWS_MAX; i++)
		if (d->shadows[i].pid > 0 && d->shadows[i].ctl >= 0)
			close(d->shadows[i].ctl);
	close(d->sig_fd);
}

static void run_shadow(struct daemon *d, const struct pending *p, int ctl)
{
	struct shadow_opts so = d->sopts;
	int fd = p->fd, r;
	void *conn;

	close_daemon_fds(d, fd);
	so.authenticated = p->kind == LISTEN_UNIX;
	so.tls_required = p->tls_required;
	fd_limit_raise();   /* before the first lift: fd_floor() follows the limit */
	if (fcntl(fd, F_SETFL, 0) != 0 || (fd = fd_lift(fd)) < 0) {
		log_err("shadow set-up failed: %s (descriptor limit %llu)", strerror(fd < 0 ? -fd : errno),
			(unsigned long long)fd_limit_raise());
		exit(1);
	}
	if ((r = shadow_init(&the_shadow, &so, ctl)) != 0) {
		log_err("shadow set-up failed: %s (descriptor limit %llu)", strerror(-r),
			(unsigned long long)fd_limit_raise());
		exit(1);
	}
	if ((r = oncrpc_conn_open(fd, &the_shadow, &conn)) != 0) {
		log_err("cannot serve the connection: %s", strerror(-r));
		exit(1);
	}
	shadow_set_conn(&the_shadow, &oncrpc_conn_ops, conn);
	exit(shadow_run(&the_shadow));
}

/* ---- admitting connections ---- */

static struct shadow_rec *shadow_slot(struct daemon *d)
{
	for (int i = 0; i < SHADOWS_MAX; i++)
		if (d->shadows[i].pid == 0)
			return &d->shadows[i];
	return NULL;
}

static void start_session(struct daemon *d, struct pending *p)
{
	struct shadow_rec *rec = shadow_slot(d);
	int sp[2], one = 1;
	pid_t pid;

	if (!rec || count_shadows(d) >= d->o->max_sessions) {
		log_warn_limited("session refused: %d sessions already (--max-sessions)", d->o->max_sessions);
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
		log_err("socketpair: %s", strerror(errno));
		goto out;
	}
	if (p->kind == LISTEN_TCP)   /* calls want low latency; streams (not here) want throughput */
		setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		run_shadow(d, p, sp[1]);
	}
	close(sp[1]);
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		close(sp[0]);
		goto out;
	}
	rec->pid = pid;
	rec->ctl = sp[0];
	rec->authenticated = p->kind == LISTEN_UNIX;
	rec->since_ms = p->since_ms;
	rec->seq = p->seq;
	rec->source = p->source;
	if (rec->authenticated)
		log_info("session started: shadow %d", (int)pid);
	else
		log_debug("connection handed to shadow %d to authenticate", (int)pid);
out:
	close(p->fd);
	p->fd = -1;
}

/* A shadow for channel @i: its calls come through shared memory, woken by the channel's doorbell. */
static void run_kvm_shadow(struct daemon *d, int i)
{
	struct shadow_opts so = d->sopts;
	uint64_t one = 1;
	void *conn;
	int r, efd;

	close_daemon_fds(d, -1);
	ivs_close_in_child(&d->kvm.ivs, i);
	so.authenticated = 1;   /* whoever may join the socket is trusted, as with unix: */
	fd_limit_raise();
	if ((efd = fd_lift(d->kvm.ivs.host_efd[i])) < 0 ||
	    (r = shadow_init(&the_shadow, &so, -1)) != 0) {
		log_err("shadow set-up failed");
		exit(1);
	}
	if (!(conn = kvm_conn_new(hk_channel_at(d->kvm.ivs.mem, i), efd)))
		exit(1);
	shadow_set_conn(&the_shadow, &kvm_conn_ops, conn);
	if (write(efd, &one, sizeof(one)) < 0)   /* the request that woke the daemon is ours */
		exit(1);
	exit(shadow_run(&the_shadow));
}

static void start_kvm_session(struct daemon *d, int i)
{
	struct shadow_rec *rec = shadow_slot(d);
	pid_t pid;

	if (!rec || count_shadows(d) >= d->o->max_sessions) {
		log_warn_limited("kvm: channel %d refused: %d sessions already (--max-sessions)", i,
			 d->o->max_sessions);
		hk_free(hk_channel_at(d->kvm.ivs.mem, i));
		return;
	}
	fflush(NULL);
	if ((pid = fork()) == 0)
		run_kvm_shadow(d, i);
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		return;
	}
	rec->pid = pid;
	rec->ctl = -1;
	rec->authenticated = 1;
	kvm_host_shadow_started(&d->kvm, i, pid);
	log_info("session started: shadow %d on kvm channel %d", (int)pid, i);
}

static struct shadow_rec *shadow_by_pid(struct daemon *d, pid_t pid)
{
	for (int i = 0; i < SHADOWS_MAX; i++)
		if (pid > 0 && d->shadows[i].pid == pid)
			return &d->shadows[i];
	return NULL;
}

/*
 * A stream dial: hand the socket to the shadow that issued the ticket; it checks the token,
 * which follows the pid in clear, or (@tls) comes inside TLS after the shadow's handshake.
 */
static void route_stream(struct daemon *d, struct pending *p, int tls)
{
	unsigned char hello[HC_STREAM_HELLO_LEN];
	size_t len = tls ? HC_STREAM_TLS_HELLO_LEN : HC_STREAM_HELLO_LEN;
	struct shadow_rec *rec;
	uint32_t pid;

	if (recv(p->fd, hello, len, MSG_DONTWAIT) != (ssize_t)len)
		goto out;
	memcpy(&pid, hello + 4, 4);
	rec = shadow_by_pid(d, (pid_t)ntohl(pid));
	if (!rec || !rec->authenticated || rec->ctl < 0) {
		log_warn_limited("stream dial for unknown session %u refused", ntohl(pid));
		goto out;
	}
	if (fcntl(p->fd, F_SETFL, 0) != 0 ||
	    hc_send_fd(rec->ctl, tls ? SHADOW_TLS_DELIVERY : (const char *)hello + 8, tls ? 1 : HC_TOKEN_LEN, p->fd) != 0)
		log_warn("stream could not be passed to shadow %d", (int)rec->pid);
out:
	close(p->fd);
	p->fd = -1;
}

/* The @n bytes seen so far could begin @magic (4 bytes). */
static int is_prefix_of(const unsigned char *seen, size_t n, const char *magic)
{
	return memcmp(seen, magic, n < 4 ? n : 4) == 0;
}

static void on_pending(struct daemon *d, struct pending *p)
{
	unsigned char peek[HC_STREAM_HELLO_LEN];
	ssize_t n = recv(p->fd, peek, sizeof(peek), MSG_PEEK | MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		close(p->fd);
		p->fd = -1;
	} else if (is_prefix_of(peek, (size_t)n, HC_STREAM_TLS_MAGIC)) {
		if (n >= HC_STREAM_TLS_HELLO_LEN)
			route_stream(d, p, 1);
	} else if (!is_prefix_of(peek, (size_t)n, HC_STREAM_MAGIC)) {
		start_session(d, p);   /* anything else is an ONC RPC record */
	} else if (n == (ssize_t)sizeof(peek)) {
		route_stream(d, p, 0);
	}
}

static int peer_is_us(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return 0;
	if (cred.uid != getuid())
		log_warn_limited("unix peer uid %u refused (hostcalld runs as uid %u)", cred.uid, getuid());
	return cred.uid == getuid();
}

/* A shadow's news: 'A' when its session has authenticated. */
static void on_ctl(struct shadow_rec *rec)
{
	char msg;
	ssize_t n = recv(rec->ctl, &msg, 1, MSG_DONTWAIT);

	if (n == 1 && msg == 'A' && !rec->authenticated) {
		rec->authenticated = 1;
		rec->evicted = 0;   /* proven before our SIGALRM came: it lives on */
		log_info("session started: shadow %d", (int)rec->pid);
	} else if (n == 0 || (n < 0 && errno != EAGAIN)) {
		close(rec->ctl);
		rec->ctl = -1;
	}
}

/*
 * The connections still unauthenticated; @where: pending index, or PENDING_MAX + shadow. A
 * pending one that has spoken since the loop last looked is no idle one: the loop serves it
 * next, so here it counts as one in authentication since its accept (a partial stream hello
 * left for a second is stalled).
 */
static int unauth_entries(struct daemon *d, struct admit_entry *e, int *where)
{
	static struct pollfd pf[PENDING_MAX];
	int n = 0;

	for (int i = 0; i < SHADOWS_MAX; i++)   /* news of an authentication first: never evict it */
		if (d->shadows[i].pid > 0 && !d->shadows[i].authenticated && d->shadows[i].ctl >= 0)
			on_ctl(&d->shadows[i]);
	for (int i = 0; i < PENDING_MAX; i++)
		if (d->pending[i].fd >= 0) {
			const struct pending *p = &d->pending[i];
			pf[n] = (struct pollfd){ .fd = p->fd, .events = POLLIN };
			e[n] = (struct admit_entry){ p->source, p->seq, p->since_ms, 1 };
			where[n++] = i;
		}
	if (n > 0 && poll(pf, (nfds_t)n, 0) > 0)
		for (int i = 0; i < n; i++)
			e[i].idle = !pf[i].revents;   /* spoken a second ago and still here: stalled */
	for (int i = 0; i < SHADOWS_MAX; i++) {
		const struct shadow_rec *r = &d->shadows[i];
		if (r->pid > 0 && !r->authenticated && !r->evicted) {
			e[n] = (struct admit_entry){ r->source, r->seq, r->since_ms, 0 };
			where[n++] = PENDING_MAX + i;
		}
	}
	return n;
}

/* At --max-unauth, end the waiting connection admit_victim() picks. Returns: 0, or -1 (refuse). */
static int make_room(struct daemon *d, struct admit_source source)
{
	static struct admit_entry e[PENDING_MAX + SHADOWS_MAX];
	static int where[PENDING_MAX + SHADOWS_MAX];
	int n = unauth_entries(d, e, where), v;
	char name[64];

	if (n < d->o->max_unauth)
		return 0;
	if ((v = admit_victim(e, n, source, shadow_now_ms())) < 0)
		return -1;
	if (where[v] >= PENDING_MAX) {
		struct shadow_rec *r = &d->shadows[where[v] - PENDING_MAX];
		kill(r->pid, SIGALRM);   /* an authenticated shadow ignores it: no race with 'A' */
		r->evicted = 1;
	} else {   /* idle, or a partial stream hello left for a second */
		close(d->pending[where[v]].fd);
		d->pending[where[v]].fd = -1;
	}
	log_warn_limited("%d connections wait to authenticate (--max-unauth): one from %s gave way",
			 n, admit_source_name(e[v].source, name, sizeof(name)));
	return 0;
}

static int free_pending_slot(const struct daemon *d)
{
	for (int i = 0; i < PENDING_MAX; i++)
		if (d->pending[i].fd < 0)
			return i;
	return -1;
}

static int accept_paused(const struct daemon *d)
{
	return d->accept_paused_until_ms > shadow_now_ms();
}

/* Out of descriptors: the listeners rest a little instead of waking us again at once. */
static void pause_accepting(struct daemon *d, int err)
{
	struct rlimit rl = { 0, 0 };

	getrlimit(RLIMIT_NOFILE, &rl);
	log_warn_limited("cannot accept connections: %s (descriptor limit %llu); they wait until "
			 "descriptors come free", strerror(err), (unsigned long long)rl.rlim_cur);
	d->accept_paused_until_ms = shadow_now_ms() + ACCEPT_PAUSE_MS;
}

/* Accept one connection from @l. Returns: 0, or -EAGAIN when none waits (or none can be taken). */
static int on_accept(struct daemon *d, struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | SOCK_NONBLOCK), slot;
	struct admit_source source;

	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			pause_accepting(d, errno);
		return -EAGAIN;
	}
	if (l->kind == LISTEN_UNIX && !peer_is_us(fd))
		goto refuse;
	source = admit_source(&ss, len);
	if (make_room(d, source) != 0 || (slot = free_pending_slot(d)) < 0) {
		log_warn_limited("connection refused: too many unauthenticated connections "
				 "(--max-unauth %d), none idle or stalled", d->o->max_unauth);
		goto refuse;
	}
	d->pending[slot] = (struct pending){ fd, l->kind, l->tls_required, 0, shadow_now_ms(),
					     d->accepted++, source };
	d->pending[slot].deadline_ms = d->pending[slot].since_ms + d->o->auth_timeout_s * 1000;
	return 0;
refuse:
	close(fd);
	return 0;
}

/* ---- shadows ---- */

static void log_shadow_exit(const struct shadow_rec *rec, int status)
{
	if (rec->evicted)
		log_debug("shadow %d gave way to a newer connection", (int)rec->pid);
	else if (!rec->authenticated && !WIFSIGNALED(status))
		log_debug("unauthenticated shadow %d exited %d", (int)rec->pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM && !rec->authenticated)
		log_warn_limited("shadow %d: no authentication within the time allowed", (int)rec->pid);
	else if (WIFSIGNALED(status))
		log_warn("shadow %d killed by signal %d", (int)rec->pid, WTERMSIG(status));
	else
		log_info("session ended: shadow %d exited %d", (int)rec->pid, WEXITSTATUS(status));
}

/* A child of ours that is no shadow: a dead shadow's host process, re-parented to us. End it. */
static int end_orphan(pid_t pid, pid_t pgid, void *ctx)
{
	struct daemon *d = ctx;

	if (shadow_by_pid(d, pid))
		return 0;
	if (pgid > 1 && pgid != getpgrp())
		kill(-pgid, SIGKILL);   /* its job's group: grandchildren too */
	kill(pid, SIGKILL);
	return 1;
}

/*
 * We are a subreaper: when a shadow dies without ending its session (SIGKILL, a crash), its
 * host processes come to us instead of init, and none may outlive the session. Each one
 * that ends may leave children of its own to us: the sweep runs again as they are reaped.
 */
static void sweep_orphans(struct daemon *d)
{
	int n;

	for (int i = 0; i < 2; i++)   /* /proc and one entry of it, even out of descriptors */
		if (d->reserve[i] >= 0)
			close(d->reserve[i]);
	n = children_of_self(end_orphan, d);
	for (int i = 0; i < 2; i++)
		d->reserve[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	d->sweep_due = n < 0;
	if (n > 0)
		log_warn_limited("ended %d host process(es) a dead shadow left behind", n);
	else if (n < 0)
		log_warn_limited("cannot look for what a dead shadow left: %s; trying again", strerror(-n));
}

static void reap_shadows(struct daemon *d)
{
	int status, sweep = 0;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct shadow_rec *rec = shadow_by_pid(d, pid);
		if (!rec) {
			sweep = 1;   /* an orphan ended: its own children may be ours now */
			continue;
		}
		log_shadow_exit(rec, status);
		sweep |= rec->authenticated && !WIFEXITED(status);   /* only a session could spawn */
		kvm_host_shadow_ended(&d->kvm, pid);
		if (rec->ctl >= 0)
			close(rec->ctl);
		memset(rec, 0, sizeof(*rec));
		rec->ctl = -1;
	}
	if (sweep || d->sweep_due)
		sweep_orphans(d);
}

static void begin_termination(struct daemon *d)
{
	if (d->terminating)
		return;
	log_info("terminating: ending %d session(s)", count_shadows(d));
	d->terminating = 1;
	for (int i = 0; i < d->nlisteners; i++)
		oncrpc_unlisten(&d->listeners[i]);
	kvm_host_close(&d->kvm);
	for (int i = 0; i < PENDING_MAX; i++)
		if (d->pending[i].fd >= 0) {
			close(d->pending[i].fd);
			d->pending[i].fd = -1;
		}
	for (int i = 0; i < SHADOWS_MAX; i++)
		if (d->shadows[i].pid > 0)
			kill(d->shadows[i].pid, SIGTERM);
}

static void on_signals(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			begin_termination(d);
		else if (si.ssi_signo == SIGHUP)
			log_info("SIGHUP: nothing to reload");
	}
	reap_shadows(d);
}

/* ---- the loop ---- */

enum { REF_LISTENER, REF_PENDING, REF_SHADOW, REF_SIGNAL, REF_KVM };

struct poll_ref {
	int kind;
	int index;
	int kvm_kind;           /* REF_KVM: enum kvm_ref */
};

#define KVM_POLL_MAX (1 + IVS_PEERS_MAX + HK_CHANNELS_MAX)
#define POLL_MAX (DAEMON_LISTEN_MAX + PENDING_MAX + SHADOWS_MAX + 1 + KVM_POLL_MAX)

static int add_poll(struct pollfd *p, struct poll_ref *refs, int n, int fd, int kind, int index)
{
	p[n].fd = fd;
	p[n].events = POLLIN;
	p[n].revents = 0;
	refs[n].kind = kind;
	refs[n].index = index;
	return n + 1;
}

static int build_kvm_poll(struct daemon *d, struct pollfd *p, struct poll_ref *refs)
{
	int kind[KVM_POLL_MAX], index[KVM_POLL_MAX], n, k = 0;

	if (d->terminating)
		return 0;
	n = kvm_host_pollfds(&d->kvm, p, kind, index, KVM_POLL_MAX);
	for (int i = 0; i < n; i++) {
		if (kind[i] == KVM_LISTEN && accept_paused(d))
			continue;   /* out of descriptors: joining VMs wait too */
		p[k] = p[i];
		refs[k++] = (struct poll_ref){ REF_KVM, index[i], kind[i] };
	}
	return k;
}

static void on_kvm(struct daemon *d, const struct poll_ref *ref)
{
	if (d->terminating)
		return;
	if (ref->kvm_kind == KVM_LISTEN) {
		int r = kvm_host_on_listen(&d->kvm);
		if (r == -EMFILE || r == -ENFILE)
			pause_accepting(d, -r);
	}
	else if (ref->kvm_kind == KVM_PEER)
		kvm_host_on_peer(&d->kvm, ref->index);
	else if (kvm_host_on_doorbell(&d->kvm, ref->index))
		start_kvm_session(d, ref->index);
}


static int build_poll(struct daemon *d, struct pollfd *p, struct poll_ref *refs)
{
	int n = add_poll(p, refs, 0, d->sig_fd, REF_SIGNAL, 0);

	for (int i = 0; i < d->nlisteners && !d->terminating && !accept_paused(d); i++)
		n = add_poll(p, refs, n, d->listeners[i].fd, REF_LISTENER, i);
	for (int i = 0; i < PENDING_MAX; i++)
		if (d->pending[i].fd >= 0)
			n = add_poll(p, refs, n, d->pending[i].fd, REF_PENDING, i);
	for (int i = 0; i < SHADOWS_MAX; i++)
		if (d->shadows[i].pid > 0 && d->shadows[i].ctl >= 0)
			n = add_poll(p, refs, n, d->shadows[i].ctl, REF_SHADOW, i);
	return n + build_kvm_poll(d, p + n, refs + n);
}

static int expire_pending(struct daemon *d)
{
	int64_t now = shadow_now_ms(), next = -1;

	for (int i = 0; i < PENDING_MAX; i++) {
		struct pending *p = &d->pending[i];
		if (p->fd < 0)
			continue;
		if (p->deadline_ms <= now) {
			log_warn_limited("connection closed: nothing sent within %d s", d->o->auth_timeout_s);
			close(p->fd);
			p->fd = -1;
		} else if (next < 0 || p->deadline_ms - now < next) {
			next = p->deadline_ms - now;
		}
	}
	return (int)next;
}

/* Till the next pending deadline or the end of an accept pause (-1: none). */
static int poll_timeout(struct daemon *d)
{
	int timeout = expire_pending(d);
	int64_t pause = d->accept_paused_until_ms - shadow_now_ms();

	if (pause > 0 && (timeout < 0 || pause < timeout))
		timeout = (int)pause;
	if (d->sweep_due && (timeout < 0 || timeout > ACCEPT_PAUSE_MS))
		timeout = ACCEPT_PAUSE_MS;
	return timeout;
}

static void handle_ready(struct daemon *d, struct pollfd *p, struct poll_ref *refs, int n)
{
	for (int i = 0; i < n; i++) {
		if (!p[i].revents)
			continue;
		switch (refs[i].kind) {
		case REF_SIGNAL:
			on_signals(d);
			break;
		case REF_LISTENER:
			for (int k = 0; k < ACCEPT_BATCH && !d->terminating && !accept_paused(d); k++)
				if (on_accept(d, &d->listeners[refs[i].index]) == -EAGAIN)
					break;
			break;
		case REF_PENDING:
			if (d->pending[refs[i].index].fd >= 0)
				on_pending(d, &d->pending[refs[i].index]);
			break;
		case REF_KVM:
			on_kvm(d, &refs[i]);
			break;
		case REF_SHADOW:
			if (d->shadows[refs[i].index].pid > 0 && d->shadows[refs[i].index].ctl >= 0)
				on_ctl(&d->shadows[refs[i].index]);
			break;
		}
	}
}

static int serve(struct daemon *d)
{
	static struct pollfd p[POLL_MAX];
	static struct poll_ref refs[POLL_MAX];

	while (!d->terminating || count_shadows(d) > 0) {
		int timeout = poll_timeout(d), n = build_poll(d, p, refs);

		if (poll(p, (nfds_t)n, timeout) < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		handle_ready(d, p, refs, n);
		if (d->sweep_due)
			sweep_orphans(d);
	}
	log_info("all sessions ended; exiting");
	return 0;
}

/* ---- set-up ---- */

static int open_signals(struct daemon *d)
{
	signal(SIGPIPE, SIG_IGN);
	d->sig_fd = shadow_signal_fd();
	return d->sig_fd < 0 ? d->sig_fd : 0;
}

static int is_loopback(const char *url)
{
	struct sockaddr_storage ss;
	struct hc_url u;
	socklen_t len;

	if (hc_url_parse(url, &u) != 0 || u.kind != HC_URL_TCP || hc_url_resolve(&u, &ss, &len))
		return 1;
	return hc_addr_is_loopback(&ss);
}

static int load_key(struct daemon *d)
{
	int r;

	if (!d->o->keyfile) {
		log_err("tcp: listeners and --tls need --key FILE (it is created, mode 0600, if absent)");
		return -EINVAL;
	}
	r = hc_key_load_or_create(d->o->keyfile, d->sopts.key);
	if (r == -EPERM)
		log_err("key file %s may be read or written by group or others: refusing it "
			"(chmod 600 %s)", d->o->keyfile, d->o->keyfile);
	else if (r != 0)
		log_err("key file %s: %s", d->o->keyfile, r == -EINVAL ? "not 64 hex digits" :
			strerror(-r));
	d->sopts.has_key = r == 0;
	return r;
}

static int write_address_file(struct daemon *d)
{
	char tmp[4096];
	FILE *f;

	if (!d->o->address_file)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->o->address_file);
	if (!(f = fopen(tmp, "w")))
		return -errno;
	for (int i = 0; i < d->nlisteners; i++)
		fprintf(f, "%s\n", d->listeners[i].url);
	if (fclose(f) != 0 || rename(tmp, d->o->address_file) != 0)
		return -errno;
	return 0;
}

static int open_listeners(struct daemon *d)
{
	int r, need_key = d->o->tls && d->o->nlisten > 0, loopback[DAEMON_LISTEN_MAX];

	for (int i = 0; i < d->o->nlisten; i++) {
		const char *url = d->o->listen[i];
		loopback[i] = is_loopback(url);
		if (strncmp(url, "tcp:", 4) == 0) {
			need_key = 1;
			if (!d->o->allow_remote && !loopback[i]) {
				log_err("%s is not a loopback address: add --allow-remote to listen there",
					url);
				return -EPERM;
			}
		}
	}
	if (need_key && (r = load_key(d)) != 0)
		return r;
	for (int i = 0; i < d->o->nlisten; i++) {
		if ((r = oncrpc_listen(d->o->listen[i], &d->listeners[i])) != 0) {
			log_err("cannot listen on %s: %s", d->o->listen[i], strerror(-r));
			return r;
		}
		d->nlisteners++;
		d->listeners[i].tls_required = d->o->tls || !loopback[i];
		log_info("listening on %s%s", d->listeners[i].url,
			 d->listeners[i].tls_required ? " (TLS required)" : "");
		if (d->o->rpcbind && d->listeners[i].kind == LISTEN_TCP &&
		    oncrpc_rpcbind_register(&d->listeners[i]) != 0)
			log_warn("rpcbind did not take the registration of %s", d->listeners[i].url);
	}
	return 0;
}

static int open_kvm(struct daemon *d)
{
	const struct daemon_opts *o = d->o;
	int r = kvm_host_open(&d->kvm, o->kvm_socket, o->kvm_shm, o->kvm_channels);

	if (r != 0) {
		log_err("kvm: cannot serve ivshmem on %s: %s", o->kvm_socket,
			r == -EEXIST ? "something that is not a socket is there" : strerror(-r));
		return r;
	}
	log_info("kvm: ivshmem-doorbell server on %s, %d channels of %u KiB, %llu MiB of shared memory",
		 o->kvm_socket, o->kvm_channels, HK_CHANNEL_SIZE / 1024,
		 (unsigned long long)(d->kvm.ivs.size >> 20));
	return 0;
}

int daemon_run(const struct daemon_opts *o)
{
	struct daemon *d = &the_daemon;
	int r;

	d->o = o;
	d->sopts.grace_ms = o->grace_ms;
	d->sopts.auth_timeout_s = o->auth_timeout_s;
	d->sopts.module_dirs = o->module_dirs;
	d->sopts.tls_cert = o->tls_cert;
	d->sopts.tls_cert_key = o->tls_cert_key;
	d->sopts.tls_ca = o->tls_ca;
	d->sopts.nmodule_dirs = o->nmodule_dirs;
	for (int i = 0; i < PENDING_MAX; i++)
		d->pending[i].fd = -1;
	for (int i = 0; i < SHADOWS_MAX; i++)
		d->shadows[i].ctl = -1;
	for (int i = 0; i < 2; i++)
		d->reserve[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
		log_warn("cannot become a subreaper: host processes of a shadow that dies go to init");
	if ((r = open_signals(d)) != 0) {
		log_err("signals: %s", strerror(-r));
		return 1;
	}
	if ((r = open_listeners(d)) != 0)
		goto out;
	if (o->kvm_socket && (r = open_kvm(d)) != 0)
		goto out;
	if ((r = write_address_file(d)) != 0) {
		log_err("address file %s: %s", o->address_file, strerror(-r));
		goto out;
	}
	r = serve(d);
out:
	if (o->rpcbind)
		oncrpc_rpcbind_unregister();
	for (int i = 0; i < d->nlisteners; i++)
		oncrpc_unlisten(&d->listeners[i]);
	kvm_host_close(&d->kvm);
	close(d->sig_fd);
	for (int i = 0; i < 2; i++)
		if (d->reserve[i] >= 0)
			close(d->reserve[i]);
	return r ? 1 : 0;
}
