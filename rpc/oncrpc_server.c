/* oncrpc_server.c: the ONC RPC backend, host side: libtirpc svc on one connection (in TLS after RFC 9289's probe: svc_tls.c), into the shadow table. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/svc_auth.h>

#include "log.h"
#include "oncrpc_client.h"
#include "oncrpc_server.h"
#include "svc_tls.h"
#include "tls_probe.h"

/* How long the peer has to take our close_notify when the session closes. */
#define TLS_CLOSE_GRACE_MS 1000

struct oncrpc_conn {
	SVCXPRT *xprt;          /* libtirpc's, in clear */
	int fd;
	int destroyed;
	int probed;             /* STARTTLS answered: the ClientHello comes next */
	int drop;               /* something came after the probe instead: RFC 9289 drops it */
	struct svc_tls *tls;    /* NULL: in clear */
};

/* libtirpc's dispatch callback carries no context: one connection per shadow process. */
static struct shadow *served_shadow;
static struct oncrpc_conn *served_conn;

/*
 * The AUTH_TLS flavor's check (libtirpc calls it before dispatch): only a NULL call of ours,
 * in clear, once. With a key to run TLS on, its verifier is "STARTTLS"; without one it is
 * answered as a plain NULL call (no TLS here).
 */
static enum auth_stat tls_probe_auth(struct svc_req *rq, struct rpc_msg *msg)
{
	struct oncrpc_conn *c = served_conn;

	(void)msg;
	if (!c || c->tls || c->probed || rq->rq_proc != HC_NULL) {
		if (c && c->probed)
			c->drop = 1;
		return AUTH_BADCRED;
	}
	if (rq->rq_prog != HOSTCALL_PROG || rq->rq_vers != HOSTCALL_V3 ||
	    (!served_shadow->opts.has_key && !served_shadow->opts.tls_cert))
		return AUTH_OK;
	memcpy(rq->rq_xprt->xp_verf.oa_base, HC_STARTTLS, sizeof(HC_STARTTLS) - 1);
	rq->rq_xprt->xp_verf.oa_length = sizeof(HC_STARTTLS) - 1;
	c->probed = 1;
	return AUTH_OK;
}

/* Before the upgrade: the probe is answered, anything after it drops the connection. Returns: handled. */
static int tls_gate(struct svc_req *rq, SVCXPRT *xprt)
{
	struct oncrpc_conn *c = served_conn;

	if (rq->rq_cred.oa_flavor == HC_AUTH_TLS) {
		if (!svc_sendreply(xprt, (xdrproc_t)hc_xdr_void, NULL))
			log_warn("the answer to the TLS probe could not be sent");
		return 1;
	}
	if (c->probed) {
		c->drop = 1;
		return 1;
	}
	if (!c->tls && served_shadow->opts.tls_required) {
		log_warn_limited("call in clear refused: this listener requires TLS (RFC 9289)");
		svcerr_auth(xprt, AUTH_TOOWEAK);
		return 1;
	}
	return 0;
}

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

	if (tls_gate(rq, xprt))
		return;
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
	if (svc_auth_reg(HC_AUTH_TLS, tls_probe_auth) < 0) {
		svc_destroy(c->xprt);
		free(c);
		return -EIO;
	}
	served_shadow = sh;
	served_conn = c;
	*out = c;
	return 0;
}

static const char *tls_failure(int r)
{
	switch (r) {
	case -EACCES:
		return "another key (or certificate), or no \"sunrpc\" ALPN";
	case -ENOKEY:
		return "this host's certificate or key file cannot be used";
	case -ETIMEDOUT:
		return "no handshake within the time allowed";
	case -ECONNRESET:
		return "the peer went away";
	default:
		return "not a TLS 1.3 handshake";
	}
}

/* The probe was answered STARTTLS: the handshake on the same socket, then calls inside TLS. */
static int upgrade(struct oncrpc_conn *c, struct shadow *sh)
{
	int net = fcntl(c->fd, F_DUPFD_CLOEXEC, fd_floor()), r;
	struct hc_tls_creds creds;
	struct hc_tls *tls;
	char desc[96];

	svc_destroy(c->xprt);   /* closes c->fd: the socket lives on in net */
	c->xprt = NULL;
	c->probed = 0;
	c->destroyed = 1;
	if (net < 0)
		return -ECONNRESET;
	shadow_tls_creds(sh, &creds);
	if ((r = hc_tls_open_with(net, HC_TLS_SERVER, &creds, sh->opts.auth_timeout_s * 1000,
				  &tls)) != 0) {
		log_warn_limited("TLS handshake failed: %s", tls_failure(r));
		close(net);
		return -ECONNRESET;
	}
	if (hc_tls_exporter(tls, sh->binding) != 0 ||
	    svc_tls_new(tls, ONCRPC_RECORD_MAX, HOSTCALL_PROG, dispatch, &c->tls) != 0) {
		hc_tls_free(tls);
		close(net);
		return -ECONNRESET;
	}
	sh->has_binding = 1;
	c->fd = net;
	c->destroyed = 0;
	log_info("TLS: %s", hc_tls_describe(tls, desc, sizeof(desc)));
	return 0;
}

static int oncrpc_fd(void *conn)
{
	return ((struct oncrpc_conn *)conn)->fd;
}

static int oncrpc_serve(void *conn, struct shadow *sh)
{
	struct oncrpc_conn *c = conn;

	if (c->destroyed)
		return -ECONNRESET;
	if (c->tls)
		return svc_tls_serve(c->tls);
	svc_getreq_common(c->fd);
	/* libtirpc destroys the transport (and closes the fd) at EOF or on a broken stream */
	if (fcntl(c->fd, F_GETFD) < 0) {
		if (c->probed)
			log_warn_limited("connection dropped: bytes in clear after STARTTLS");
		c->destroyed = 1;
		return -ECONNRESET;
	}
	if (c->drop) {
		log_warn_limited("connection dropped: RPC in clear after STARTTLS");
		svc_destroy(c->xprt);
		c->destroyed = 1;
		return -ECONNRESET;
	}
	return c->probed ? upgrade(c, sh) : 0;
}

/* In TLS, decrypted calls may wait inside OpenSSL, where poll() does not see them. */
static int oncrpc_pollfds(void *conn, struct pollfd *p, int max, int *busy)
{
	struct oncrpc_conn *c = conn;

	(void)p;
	(void)max;
	*busy = c->tls && svc_tls_busy(c->tls);
	return 0;
}

static int oncrpc_pump(void *conn)
{
	struct oncrpc_conn *c = conn;

	return c->tls && svc_tls_busy(c->tls);
}

static void oncrpc_close(void *conn)
{
	struct oncrpc_conn *c = conn;

	if (c->tls)
		svc_tls_close(c->tls, TLS_CLOSE_GRACE_MS);
	else if (!c->destroyed)
		svc_destroy(c->xprt);
	if (served_conn == c)
		served_conn = NULL;
	free(c);
}

const struct shadow_conn_ops oncrpc_conn_ops = {
	.fd = oncrpc_fd,
	.serve = oncrpc_serve,
	.close = oncrpc_close,
	.pollfds = oncrpc_pollfds,
	.pump = oncrpc_pump,
};
