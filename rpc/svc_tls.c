/* svc_tls.c: a libtirpc SVCXPRT over TLS, in the shadow's own thread (svc_tls.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rpc_record.h"
#include "svc_tls.h"
#include "tls_probe.h"

/* How long a reply may wait for the client to take it before the session is given up. */
#define REPLY_TIMEOUT_MS 60000
/* Calls answered per svc_tls_serve(): the shadow's other work is not starved by a flood. */
#define CALLS_PER_SERVE 16

struct svc_tls {
	SVCXPRT xprt;             /* first: the xprt's ops find us from it */
	struct hc_tls *tls;
	struct rpc_record rec;
	rpcprog_t prog;
	svc_tls_dispatch_fn dispatch;
	XDR args;                 /* the current call's arguments, after its header */
	uint32_t xid;
	int in_call;
	int more;                 /* whole records may wait in OpenSSL: nothing served yet, or the
				     last serve stopped at CALLS_PER_SERVE */
	pid_t owner;
	char auth_area[2 * MAX_AUTH_BYTES];   /* the call's credential and verifier */
};

static ssize_t tls_source(void *ctx, void *buf, size_t len)
{
	return hc_tls_read_some(ctx, buf, len);
}

static struct svc_tls *of(SVCXPRT *xprt)
{
	return (struct svc_tls *)xprt;
}

static bool_t tls_getargs(SVCXPRT *xprt, xdrproc_t xargs, void *argsp)
{
	return xargs(&of(xprt)->args, argsp);
}

static bool_t tls_freeargs(SVCXPRT *xprt, xdrproc_t xargs, void *argsp)
{
	(void)xprt;
	xdr_free(xargs, argsp);
	return TRUE;
}

/* The reply, in the call's record buffer (its arguments are decoded by now), in one write. */
static bool_t tls_reply(SVCXPRT *xprt, struct rpc_msg *msg)
{
	struct svc_tls *s = of(xprt);
	uint8_t *body = rpc_record_body(&s->rec);
	XDR x;
	u_int len;
	bool_t ok;

	msg->rm_xid = s->xid;
	xdrmem_create(&x, (char *)body, (u_int)s->rec.max, XDR_ENCODE);
	ok = xdr_replymsg(&x, msg);
	len = xdr_getpos(&x);
	xdr_destroy(&x);
	if (!ok)
		return FALSE;
	rpc_record_mark(s->rec.buf, len);
	return hc_tls_write_all(s->tls, s->rec.buf, RPC_MARK_LEN + len, REPLY_TIMEOUT_MS) == 0;
}

static bool_t tls_recv(SVCXPRT *xprt, struct rpc_msg *msg)
{
	(void)xprt;
	(void)msg;
	return FALSE;   /* svc_tls_serve() reads the calls */
}

static enum xprt_stat tls_stat(SVCXPRT *xprt)
{
	(void)xprt;
	return XPRT_IDLE;
}

static void tls_destroy(SVCXPRT *xprt)
{
	(void)xprt;   /* svc_tls_close() frees it */
}

static const struct xp_ops tls_xp_ops = {
	.xp_recv = tls_recv,
	.xp_stat = tls_stat,
	.xp_getargs = tls_getargs,
	.xp_reply = tls_reply,
	.xp_freeargs = tls_freeargs,
	.xp_destroy = tls_destroy,
};

int svc_tls_new(struct hc_tls *t, size_t max, rpcprog_t prog, svc_tls_dispatch_fn dispatch,
		struct svc_tls **out)
{
	struct svc_tls *s = calloc(1, sizeof(*s));

	if (!s || rpc_record_init(&s->rec, max) != 0) {
		free(s);
		return -ENOMEM;
	}
	s->xprt.xp_fd = hc_tls_fd(t);
	s->xprt.xp_ops = &tls_xp_ops;
	s->xprt.xp_verf.oa_flavor = AUTH_NONE;
	s->xprt.xp_verf.oa_base = s->auth_area + MAX_AUTH_BYTES;
	s->tls = t;
	s->prog = prog;
	s->dispatch = dispatch;
	s->owner = getpid();
	s->more = 1;   /* the first calls may have come in with the handshake's last record */
	*out = s;
	return 0;
}

int svc_tls_fd(const struct svc_tls *s)
{
	return hc_tls_fd(s->tls);
}

/*
 * After a serve that ran out of bytes OpenSSL holds no whole record, only at most part of one
 * (which SSL_has_pending() counts too): poll() on the socket wakes for the rest.
 */
int svc_tls_busy(const struct svc_tls *s)
{
	return !s->in_call && s->more && hc_tls_pending(s->tls) > 0;
}

/* The call's credential: none or AUTH_SYS (the session proves itself later); AUTH_TLS was the probe's. */
static enum auth_stat check_cred(const struct opaque_auth *cred)
{
	if (cred->oa_flavor == AUTH_NONE || cred->oa_flavor == AUTH_SYS)
		return AUTH_OK;
	return cred->oa_flavor == HC_AUTH_TLS ? AUTH_BADCRED : AUTH_REJECTEDCRED;
}

/* RFC 5531: a call of another RPC version is denied with the one spoken (libtirpc has no svcerr_ for it). */
static void deny_rpcvers(struct svc_tls *s)
{
	struct rpc_msg reply;

	memset(&reply, 0, sizeof(reply));
	reply.rm_direction = REPLY;
	reply.rm_reply.rp_stat = MSG_DENIED;
	reply.rjcted_rply.rj_stat = RPC_MISMATCH;
	reply.rjcted_rply.rj_vers.low = RPC_MSG_VERSION;
	reply.rjcted_rply.rj_vers.high = RPC_MSG_VERSION;
	SVC_REPLY(&s->xprt, &reply);
}

/* One whole record: a call to dispatch, or refused, or (not a call at all) dropped. */
static void serve_record(struct svc_tls *s)
{
	uint8_t *body = rpc_record_body(&s->rec);
	struct rpc_msg msg;
	struct svc_req rq;
	enum auth_stat why;

	memset(&msg, 0, sizeof(msg));
	msg.rm_call.cb_cred.oa_base = s->auth_area;
	msg.rm_call.cb_verf.oa_base = s->auth_area + MAX_AUTH_BYTES;
	xdrmem_create(&s->args, (char *)body, (u_int)s->rec.len, XDR_DECODE);
	s->xprt.xp_verf.oa_length = 0;
	if (s->rec.len >= 12 && rpc_u32(body + 4) == CALL && rpc_u32(body + 8) != RPC_MSG_VERSION) {
		s->xid = rpc_u32(body);   /* before xdr_callmsg, which fails on it */
		deny_rpcvers(s);
		return;
	}
	if (!xdr_callmsg(&s->args, &msg) || msg.rm_direction != CALL) {
		log_warn_limited("a record in TLS that is no ONC RPC call: dropped");
		return;
	}
	s->xid = msg.rm_xid;
	if ((why = check_cred(&msg.rm_call.cb_cred)) != AUTH_OK) {
		svcerr_auth(&s->xprt, why);
		return;
	}
	if (msg.rm_call.cb_prog != s->prog) {
		svcerr_noprog(&s->xprt);
		return;
	}
	rq = (struct svc_req){ .rq_prog = msg.rm_call.cb_prog, .rq_vers = msg.rm_call.cb_vers,
			       .rq_proc = msg.rm_call.cb_proc, .rq_cred = msg.rm_call.cb_cred,
			       .rq_xprt = &s->xprt };
	s->in_call = 1;
	s->dispatch(&rq, &s->xprt);
	s->in_call = 0;
}

int svc_tls_serve(struct svc_tls *s)
{
	int r = 0;

	s->more = 1;
	for (int i = 0; i < CALLS_PER_SERVE; i++) {
		if ((r = rpc_record_fill(&s->rec, tls_source, s->tls)) <= 0) {
			s->more = 0;
			break;
		}
		serve_record(s);
		xdr_destroy(&s->args);
		rpc_record_next(&s->rec);
	}
	if (r == -EPROTO)
		log_warn_limited("connection dropped: a TLS record failed its check");
	else if (r == -EMSGSIZE)
		log_warn_limited("connection dropped: an RPC record longer than %zu bytes", s->rec.max);
	return r < 0 ? -ECONNRESET : 0;
}

void svc_tls_close(struct svc_tls *s, int grace_ms)
{
	if (!s)
		return;
	if (s->owner == getpid())
		hc_tls_close(s->tls, grace_ms);
	else
		hc_tls_abandon(s->tls);
	rpc_record_free(&s->rec);
	free(s);
}
