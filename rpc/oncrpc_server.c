/* oncrpc_server.c: the ONC RPC backend, host side: libtirpc svc on one connection, into the shadow table. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "log.h"
#include "oncrpc_client.h"
#include "oncrpc_server.h"

struct oncrpc_conn {
	SVCXPRT *xprt;
	int fd;
	int destroyed;
};

/* libtirpc's dispatch callback carries no context: one connection per shadow process. */
static struct shadow *served_shadow;

static void reply(SVCXPRT *xprt, const struct shadow_proc *p, void *args, void *res)
{
	p->fn(served_shadow, args, res);
	if (!svc_sendreply(xprt, p->xres, res))
		log_warn("%s: the reply could not be sent", p->name);
	xdr_free(p->xres, res);
}

/* A client of another protocol version: told which versions this daemon speaks, and logged once. */
static void refuse_version(struct svc_req *rq, SVCXPRT *xprt)
{
	static int logged;

	if (!logged++)
		log_warn("refused a client of protocol %u: this hostcalld speaks protocol %d",
			 (unsigned)rq->rq_vers, HC_PROTOCOL_VERSION);
	svcerr_progvers(xprt, HOSTCALL_V3, HOSTCALL_V3);
}

/* In front of every procedure: look it up, check the session may call it, bound its size. */
static void dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	const struct shadow_proc *p = shadow_proc_lookup(rq->rq_proc);
	void *args, *res;

	if (rq->rq_vers != HOSTCALL_V3) {
		refuse_version(rq, xprt);
		return;
	}
	if (!p) {
		svcerr_noproc(xprt);
		return;
	}
	if (!shadow_may_call(served_shadow, p)) {
		log_warn_limited("%s refused: the session has not authenticated", p->name);
		svcerr_auth(xprt, AUTH_TOOWEAK);
		return;
	}
	args = calloc(1, p->args_size + 1);
	res = calloc(1, p->res_size + 1);
	if (!args || !res) {
		svcerr_systemerr(xprt);
		goto out;
	}
	if (!svc_getargs(xprt, p->xargs, args)) {
		log_warn("%s: malformed arguments", p->name);
		svcerr_decode(xprt);
		goto out_free;
	}
	reply(xprt, p, args, res);
out_free:
	svc_freeargs(xprt, p->xargs, args);
out:
	free(args);
	free(res);
}

int oncrpc_conn_open(int fd, struct shadow *sh, void **out)
{
	struct oncrpc_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->xprt = svc_fd_create(fd, ONCRPC_BUF_SIZE, ONCRPC_BUF_SIZE);
	if (!c->xprt) {
		free(c);
		return -ENOMEM;
	}
	/* version 1 too, only to refuse it with a reason */
	if (!svc_register(c->xprt, HOSTCALL_PROG, HOSTCALL_V3, dispatch, 0) ||
	    !svc_register(c->xprt, HOSTCALL_PROG, HC_PROTOCOL_VERSION - 1, dispatch, 0)) {
		svc_destroy(c->xprt);
		free(c);
		return -EIO;
	}
	served_shadow = sh;
	*out = c;
	return 0;
}

static int oncrpc_fd(void *conn)
{
	return ((struct oncrpc_conn *)conn)->fd;
}

static int oncrpc_serve(void *conn, struct shadow *sh)
{
	struct oncrpc_conn *c = conn;

	(void)sh;
	if (c->destroyed)
		return -ECONNRESET;
	svc_getreq_common(c->fd);
	/* libtirpc destroys the transport (and closes the fd) at EOF or on a broken stream */
	if (fcntl(c->fd, F_GETFD) < 0) {
		c->destroyed = 1;
		return -ECONNRESET;
	}
	return 0;
}

static void oncrpc_close(void *conn)
{
	struct oncrpc_conn *c = conn;

	if (!c->destroyed) {
		svc_destroy(c->xprt);
	}
	free(c);
}

const struct shadow_conn_ops oncrpc_conn_ops = {
	.fd = oncrpc_fd,
	.serve = oncrpc_serve,
	.close = oncrpc_close,
};
