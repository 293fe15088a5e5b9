/* oncrpc_client.c: the ONC RPC backend, guest side: libtirpc clnt_vc over TCP or a unix socket. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "oncrpc_client.h"
#include "url.h"

#define CONNECT_TIMEOUT_MS 10000

struct oncrpc_transport {
	struct hc_transport base;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int fd;
	int dead;          /* the connection dropped: every later call fails at once */
	CLIENT *clnt;
};

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
					   void *res, struct timeval tv);

/* The NULL call first: a daemon of another protocol version says which it speaks. */
static int probe_version(struct oncrpc_transport *t)
{
	struct timeval tv = { CONNECT_TIMEOUT_MS / 1000, 0 };
	struct rpc_err e;
	enum clnt_stat st;

	st = call_without_sigpipe(t, HC_NULL, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void,
				  NULL, tv);
	if (st == RPC_SUCCESS)
		return 0;
	if (st != RPC_PROGVERSMISMATCH)
		return clnt_stat_to_errno(st);
	clnt_geterr(t->clnt, &e);
	hc_set_connect_error("the host's hostcalld speaks protocol %lu to %lu; this client speaks %d: "
			     "install the same version on both sides",
			     (unsigned long)e.re_vers.low, (unsigned long)e.re_vers.high,
			     HC_PROTOCOL_VERSION);
	return -EPROTONOSUPPORT;
}

static int oncrpc_open(const char *scheme, const char *where, struct hc_transport **out,
		       const struct hc_transport_ops *ops)
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
	if ((t->fd = oncrpc_dial(&t->addr, t->addrlen, CONNECT_TIMEOUT_MS, 1)) < 0) {
		r = t->fd;
		goto err_free;
	}
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
	close(t->fd);
err_free:
	free(t);
	return r;
}

static int tcp_open(const char *where, struct hc_transport **out)
{
	return oncrpc_open("tcp", where, out, &oncrpc_tcp_ops);
}

static int unix_open(const char *where, struct hc_transport **out)
{
	return oncrpc_open("unix", where, out, &oncrpc_unix_ops);
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
 * Run the call with SIGPIPE blocked, so a dropped peer is an error and not the
 * death of the guest process. Only a failed send raises SIGPIPE, so only then
 * is a pending one looked for and consumed. A caller that blocks SIGPIPE
 * itself keeps its own choice.
 */
static enum clnt_stat call_without_sigpipe(struct oncrpc_transport *t, uint32_t proc,
					   xdrproc_t xargs, void *args, xdrproc_t xres,
					   void *res, struct timeval tv)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = { 0, 0 };
	enum clnt_stat st;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	st = clnt_call(t->clnt, proc, xargs, args, xres, res, tv);
	if (sigismember(&old, SIGPIPE))
		return st;
	if (st != RPC_SUCCESS && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return st;
}

static int oncrpc_call(struct hc_transport *base, uint32_t proc, xdrproc_t xargs, void *args,
		       xdrproc_t xres, void *res, int timeout_ms)
{
	struct oncrpc_transport *t = (struct oncrpc_transport *)base;
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	enum clnt_stat st;
	int r;

	if (t->dead)
		return -ECONNRESET;
	st = call_without_sigpipe(t, proc, xargs, args, xres, res, tv);
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

static int dial_hello(struct oncrpc_transport *t, const hc_stream_ticket *ticket,
		      int timeout_ms)
{
	unsigned char hello[HC_STREAM_HELLO_LEN];
	uint32_t pid = htonl((uint32_t)ticket->shadow_pid);
	int fd, r;

	memcpy(hello, HC_STREAM_MAGIC, 4);
	memcpy(hello + 4, &pid, 4);
	memcpy(hello + 8, ticket->token, HC_TOKEN_LEN);
	fd = oncrpc_dial(&t->addr, t->addrlen, timeout_ms, 0);   /* bulk data: let TCP coalesce */
	if (fd < 0)
		return fd;
	if ((r = hc_write_all(fd, hello, sizeof(hello))) != 0) {
		close(fd);
		return r;
	}
	return fd;
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

static void oncrpc_close(struct hc_transport *base)
{
	struct oncrpc_transport *t = (struct oncrpc_transport *)base;

	clnt_destroy(t->clnt);
	close(t->fd);
	free(t);
}

const struct hc_transport_ops oncrpc_tcp_ops = {
	.scheme = "tcp",
	.needs_key = 1,
	.open = tcp_open,
	.call = oncrpc_call,
	.stream_dial = oncrpc_stream_dial,
	.close = oncrpc_close,
};

const struct hc_transport_ops oncrpc_unix_ops = {
	.scheme = "unix",
	.needs_key = 0,
	.open = unix_open,
	.call = oncrpc_call,
	.stream_dial = oncrpc_stream_dial,
	.close = oncrpc_close,
};
