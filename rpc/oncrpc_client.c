/* oncrpc_client.c: the ONC RPC backend, guest side: libtirpc clnt_vc over TCP or a unix socket, or calls in TLS (clnt_tls.c). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "clnt_tls.h"
#include "hostcall.h"
#include "io.h"
#include "oncrpc_client.h"
#include "tls_probe.h"
#include "tunnel.h"
#include "url.h"

#define CONNECT_TIMEOUT_MS 10000

/* How long the host has to take our close_notify when a session closes. */
#define TLS_CLOSE_GRACE_MS 1000

struct oncrpc_transport {
	struct hc_transport base;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int fd;            /* what libtirpc talks on: the socket, or (TLS) forked children's relay */
	atomic_int dead;   /* the connection dropped: every later call (of any thread) fails at once */
	CLIENT *clnt;
	struct clnt_tls *tls;              /* NULL: the session runs in clear */
	pid_t owner;                       /* the process that may call through tls itself */
	uint8_t key[HC_KEY_LEN];           /* TLS: each stream's handshake needs it */
	struct hc_tls_creds creds;         /* the key, or copies of the certificate files' names */
	char host[256];                    /* what the host's certificate must name */
	uint8_t binding[HC_TLS_EXPORTER_LEN];
	char security[96];
};

/* What the session asks of TLS. */
enum tls_want { TLS_NONE, TLS_OFFERED, TLS_NEEDED };

static int wait_connected(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0, r;
	socklen_t len = sizeof(err);

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return -errno;
	return -err;
}

int oncrpc_dial(const struct sockaddr_storage *ss, socklen_t len, int timeout_ms, int nodelay)
{
	int fd, r, one = 1;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if ((fd = hc_fd_lift(fd, HC_FD_FLOOR)) < 0)
		return fd;
	if (connect(fd, (const struct sockaddr *)ss, len) != 0) {
		r = errno == EINPROGRESS ? wait_connected(fd, timeout_ms) : -errno;
		if (r != 0)
			goto err;
	}
	if (nodelay && ss->ss_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (fcntl(fd, F_SETFL, 0) != 0) {
		r = -errno;
		goto err;
	}
	return fd;
err:
	close(fd);
	return r;
}

static int clnt_stat_to_errno(enum clnt_stat st);
static enum clnt_stat call_without_sigpipe(struct oncrpc_transport *t, uint32_t proc,
					   xdrproc_t xargs, void *args, xdrproc_t xres,
					   void *res, int timeout_ms, struct rpc_err *e);
static void close_tls(struct clnt_tls *c, int grace_ms);

/* The NULL call first: a daemon of another protocol version says which it speaks. */
static int probe_version(struct oncrpc_transport *t)
{
	struct rpc_err e;
	enum clnt_stat st;

	st = call_without_sigpipe(t, HC_NULL, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void,
				  NULL, CONNECT_TIMEOUT_MS, &e);
	if (st == RPC_SUCCESS)
		return 0;
	if (st == RPC_AUTHERROR && e.re_why == AUTH_TOOWEAK)
		hc_set_connect_error("the host requires TLS on this listener (and DOSH_TLS=off, or no "
				     "key to run it with, keeps it off here)");
	if (st != RPC_PROGVERSMISMATCH)
		return clnt_stat_to_errno(st);
	hc_set_connect_error("the host's hostcalld speaks protocol %lu to %lu; this client speaks %d: "
			     "install the same version on both sides",
			     (unsigned long)e.re_vers.low, (unsigned long)e.re_vers.high,
			     HC_PROTOCOL_VERSION);
	return -EPROTONOSUPPORT;
}

static void forget_key(struct oncrpc_transport *t)
{
	sodium_memzero(t->key, sizeof(t->key));
	free((char *)t->creds.cert);
	free((char *)t->creds.cert_key);
	free((char *)t->creds.ca);
	memset(&t->creds, 0, sizeof(t->creds));
}

/* Keep what each stream's handshake needs: the key, or the certificates. Returns: 0 or -ENOMEM. */
static int keep_creds(struct oncrpc_transport *t, const struct hc_open_params *p)
{
	if (p->key)
		memcpy(t->key, p->key, HC_KEY_LEN);
	t->creds.key = p->key ? t->key : NULL;
	t->creds.peer_name = t->host;
	if (!p->tls_cert)
		return 0;
	t->creds.cert = strdup(p->tls_cert);
	t->creds.cert_key = strdup(p->tls_cert_key);
	t->creds.ca = strdup(p->tls_ca);
	return t->creds.cert && t->creds.cert_key && t->creds.ca ? 0 : -ENOMEM;
}

/* TLS_NEEDED off this machine (or when asked), TLS_OFFERED on loopback, none without a key. */
static enum tls_want tls_wanted(const struct oncrpc_transport *t, const struct hc_open_params *p)
{
	if (p->tls == HC_TLS_OFF)
		return TLS_NONE;
	if (p->tls == HC_TLS_REQUIRE || !hc_addr_is_loopback(&t->addr))
		return TLS_NEEDED;
	return p->key || p->tls_cert ? TLS_OFFERED : TLS_NONE;
}

/* The handshake after the host's STARTTLS; from here calls go in TLS (forked children's by relay). */
static int run_tls(struct oncrpc_transport *t)
{
	struct hc_tls *tls;
	int r, child_fd;

	if ((r = hc_tls_open_with(t->fd, HC_TLS_CLIENT, &t->creds, CONNECT_TIMEOUT_MS, &tls)) != 0) {
		if (r == -EACCES)
			hc_set_connect_error(t->creds.cert ? "the TLS handshake failed: the certificates "
					     "do not verify (CA, name, or the host wants none)" :
					     "the host refused the TLS handshake: its key is another one");
		else if (r == -ENOKEY)
			hc_set_connect_error("the certificate, its key or the CA cannot be used");
		return r;
	}
	if (hc_tls_exporter(tls, t->binding) != 0) {
		hc_tls_free(tls);
		return -EIO;
	}
	hc_tls_describe(tls, t->security, sizeof(t->security));
	if ((r = clnt_tls_new(tls, ONCRPC_RECORD_MAX, HOSTCALL_PROG, HOSTCALL_V3, HC_FD_FLOOR,
			      &child_fd, &t->tls)) != 0) {
		hc_tls_free(tls);
		return r;
	}
	t->fd = child_fd;   /* the socket is the TLS client's now, and so is this */
	t->owner = getpid();
	return 0;
}

/* RFC 9289: the AUTH_TLS probe first; TLS on this connection when the host answers STARTTLS. */
static int start_tls(struct oncrpc_transport *t, const struct hc_open_params *p)
{
	enum tls_want want = tls_wanted(t, p);
	int r;

	if (want == TLS_NONE)
		return 0;
	if (!p->key && !p->tls_cert) {
		hc_set_connect_error("TLS needs the shared key: name its file (DOSH_KEY)");
		return -ENOKEY;
	}
	if ((r = keep_creds(t, p)) != 0)
		return r;
	if ((r = hc_tls_probe(t->fd, CONNECT_TIMEOUT_MS)) == 1)
		return run_tls(t);
	if (r == -EPROTO)
		hc_set_connect_error("the host's answer to the TLS probe is no ONC RPC reply");
	if (r == 0 && want == TLS_NEEDED) {
		hc_set_connect_error("the host does not offer TLS (%s); DOSH_TLS=off would go on in clear",
				     p->tls == HC_TLS_REQUIRE ? "DOSH_TLS=require" :
				     "required off this machine");
		return -EPROTONOSUPPORT;
	}
	return r;
}

static int oncrpc_open(const char *scheme, const char *where, const struct hc_open_params *p,
		       struct hc_transport **out, const struct hc_transport_ops *ops)
{
	struct oncrpc_transport *t;
	struct netbuf nb;
	struct hc_url u;
	char url[512];
	int r;

	if ((size_t)snprintf(url, sizeof(url), "%s:%s", scheme, where) >= sizeof(url))
		return -ENAMETOOLONG;
	if ((r = hc_url_parse(url, &u)) != 0)
		return r;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->base.ops = ops;
	if ((r = hc_url_resolve(&u, &t->addr, &t->addrlen)) != 0)
		goto err_free;
	snprintf(t->host, sizeof(t->host), "%s", u.kind == HC_URL_TCP ? u.host : "");
	if ((t->fd = oncrpc_dial(&t->addr, t->addrlen, CONNECT_TIMEOUT_MS, 1)) < 0) {
		r = t->fd;
		goto err_free;
	}
	if ((r = start_tls(t, p)) != 0)
		goto err_close;
	nb.buf = &t->addr;
	nb.len = nb.maxlen = t->addrlen;
	t->clnt = clnt_vc_create(t->fd, &nb, HOSTCALL_PROG, HOSTCALL_V3, ONCRPC_BUF_SIZE,
				 ONCRPC_BUF_SIZE);
	if (!t->clnt) {
		r = -ECONNREFUSED;
		goto err_close;
	}
	if ((r = probe_version(t)) != 0)
		goto err_destroy;
	*out = &t->base;
	return 0;
err_destroy:
	clnt_destroy(t->clnt);
err_close:
	if (t->tls)
		close_tls(t->tls, 0);
	else if (t->fd >= 0)
		close(t->fd);
err_free:
	forget_key(t);
	free(t);
	return r;
}

static int tcp_open(const char *where, const struct hc_open_params *p, struct hc_transport **out)
{
	return oncrpc_open("tcp", where, p, out, &oncrpc_tcp_ops);
}

static int unix_open(const char *where, const struct hc_open_params *p, struct hc_transport **out)
{
	return oncrpc_open("unix", where, p, out, &oncrpc_unix_ops);
}

static int clnt_stat_to_errno(enum clnt_stat st)
{
	switch (st) {
	case RPC_SUCCESS:
		return 0;
	case RPC_TIMEDOUT:
		return -ETIMEDOUT;
	case RPC_CANTSEND:
	case RPC_CANTRECV:
		return -ECONNRESET;
	case RPC_AUTHERROR:
		return -EACCES;
	case RPC_CANTDECODERES:
	case RPC_CANTDECODEARGS:
		return -EPROTO;
	case RPC_PROCUNAVAIL:
		return -ENOSYS;
	case RPC_PROGVERSMISMATCH:
	case RPC_PROGUNAVAIL:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}

/*
 * Calls and the close run with SIGPIPE blocked, so a dropped peer is an error and not the
 * death of the guest process. Only a failed send raises SIGPIPE, so only then is a pending
 * one looked for and consumed. A caller that blocks SIGPIPE itself keeps its own choice.
 */
static void sigpipe_block(sigset_t *old)
{
	sigset_t pipe_set;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, old);
}

static void sigpipe_restore(const sigset_t *old, int failed)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe_set, pending;

	if (sigismember(old, SIGPIPE))
		return;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (failed && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* In TLS from this process itself; in clear, or from a forked child, through libtirpc. */
static enum clnt_stat call_without_sigpipe(struct oncrpc_transport *t, uint32_t proc,
					   xdrproc_t xargs, void *args, xdrproc_t xres,
					   void *res, int timeout_ms, struct rpc_err *e)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	enum clnt_stat st;
	sigset_t old;

	sigpipe_block(&old);
	if (t->tls && getpid() == t->owner) {
		st = clnt_tls_call(t->tls, proc, xargs, args, xres, res, timeout_ms, e);
	} else {
		st = clnt_call(t->clnt, proc, xargs, args, xres, res, tv);
		clnt_geterr(t->clnt, e);
	}
	sigpipe_restore(&old, st != RPC_SUCCESS);
	return st;
}

/* The end of TLS: its close_notify may meet a peer that is gone. */
static void close_tls(struct clnt_tls *c, int grace_ms)
{
	sigset_t old;

	sigpipe_block(&old);
	clnt_tls_close(c, grace_ms);
	sigpipe_restore(&old, 1);
}

static int oncrpc_call(struct hc_transport *base, uint32_t proc, xdrproc_t xargs, void *args,
		       xdrproc_t xres, void *res, int timeout_ms)
{
	struct oncrpc_transport *t = (struct oncrpc_transport *)base;
	struct rpc_err e;
	enum clnt_stat st;
	int r;

	if (t->dead)
		return -ECONNRESET;
	st = call_without_sigpipe(t, proc, xargs, args, xres, res, timeout_ms, &e);
	r = clnt_stat_to_errno(st);
	if (r == -ECONNRESET)
		t->dead = 1;
	return r;
}

static int recv_ack(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char ack;
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r == 0 ? -ETIMEDOUT : -errno;
	do
		n = recv(fd, &ack, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 1 && ack == HC_STREAM_ACK ? 0 : -EACCES;
}

/* A stream in TLS: the handshake, then the token inside, through a tunnel. Returns: its fd or -errno. */
static int tls_stream(struct oncrpc_transport *t, int fd, const hc_stream_ticket *ticket,
		      int timeout_ms)
{
	struct hc_tls *tls;
	int app, r;

	if ((r = hc_tls_open_with(fd, HC_TLS_CLIENT, &t->creds, timeout_ms, &tls)) != 0) {
		close(fd);
		return r;
	}
	if ((r = hc_tunnel_start(tls, fd, HC_FD_FLOOR, 1, &app, NULL)) != 0)
		return r;
	if ((r = hc_write_all(app, ticket->token, HC_TOKEN_LEN)) != 0) {
		close(app);
		return r;
	}
	return app;
}

/*
 * A stream's connection and its hello: HCS1, the shadow's pid and the token; in TLS HCT1 and
 * the pid in clear for hostcalld, then the token inside TLS. Returns: its fd or -errno.
 */
static int dial_hello(struct oncrpc_transport *t, const hc_stream_ticket *ticket,
		      int timeout_ms)
{
	unsigned char hello[HC_STREAM_HELLO_LEN];
	uint32_t pid = htonl((uint32_t)ticket->shadow_pid);
	int fd, r;

	memcpy(hello, t->tls ? HC_STREAM_TLS_MAGIC : HC_STREAM_MAGIC, 4);
	memcpy(hello + 4, &pid, 4);
	memcpy(hello + 8, ticket->token, HC_TOKEN_LEN);
	/*
	 * In clear the hello is one write and bulk data follows: let TCP coalesce. In TLS the hello,
	 * the ClientHello and the Finished are small writes each awaiting an answer: with Nagle
	 * the second waited for the peer's delayed ACK, 40 ms per stream.
	 */
	fd = oncrpc_dial(&t->addr, t->addrlen, timeout_ms, t->tls != NULL);
	if (fd < 0)
		return fd;
	if ((r = hc_write_all(fd, hello, t->tls ? HC_STREAM_TLS_HELLO_LEN : sizeof(hello))) != 0) {
		close(fd);
		return r;
	}
	return t->tls ? tls_stream(t, fd, ticket, timeout_ms) : fd;
}

/* All dialled first, then all answers awaited: hostcalld and the shadow join them meanwhile. */
static int oncrpc_stream_dial(struct hc_transport *base, const hc_stream_ticket *tickets, int n,
			      int timeout_ms, int *fds)
{
	struct oncrpc_transport *t = (struct oncrpc_transport *)base;
	int opened = 0, r = 0;

	for (; opened < n; opened++) {
		if ((fds[opened] = dial_hello(t, &tickets[opened], timeout_ms)) < 0) {
			r = fds[opened];
			break;
		}
	}
	for (int i = 0; i < opened && r == 0; i++)
		r = recv_ack(fds[i], timeout_ms);
	if (r != 0)
		for (int i = 0; i < opened; i++)
			close(fds[i]);
	return r;
}

static int oncrpc_binding(struct hc_transport *base, uint8_t out[32])
{
	struct oncrpc_transport *t = (struct oncrpc_transport *)base;

	if (!t->tls)
		return -ENOSYS;
	memcpy(out, t->binding, HC_TLS_EXPORTER_LEN);
	return 0;
}

static int oncrpc_security(struct hc_transport *base, char *buf, size_t len)
{
	struct oncrpc_transport *t = (struct oncrpc_transport *)base;

	if (!t->tls)
		return 0;
	snprintf(buf, len, "%s", t->security);
	return 1;
}

static void oncrpc_close(struct hc_transport *base)
{
	struct oncrpc_transport *t = (struct oncrpc_transport *)base;

	clnt_destroy(t->clnt);
	if (t->tls)
		close_tls(t->tls, TLS_CLOSE_GRACE_MS);
	else
		close(t->fd);
	forget_key(t);
	free(t);
}

const struct hc_transport_ops oncrpc_tcp_ops = {
	.scheme = "tcp",
	.needs_key = 1,
	.open = tcp_open,
	.call = oncrpc_call,
	.stream_dial = oncrpc_stream_dial,
	.binding = oncrpc_binding,
	.security = oncrpc_security,
	.close = oncrpc_close,
};

const struct hc_transport_ops oncrpc_unix_ops = {
	.scheme = "unix",
	.needs_key = 0,
	.open = unix_open,
	.call = oncrpc_call,
	.stream_dial = oncrpc_stream_dial,
	.binding = oncrpc_binding,
	.security = oncrpc_security,
	.close = oncrpc_close,
};
