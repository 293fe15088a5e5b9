/*
 * svc_tls.h: ONC RPC calls served inside TLS in the shadow's own thread: a libtirpc SVCXPRT
 * of our own over the TLS connection, so that dispatch, svc_getargs, svc_sendreply and the
 * svcerr_* calls work as they do in clear, with no pump thread between the socket and them.
 */
#ifndef HC_SVC_TLS_H
#define HC_SVC_TLS_H

#include <rpc/rpc.h>

#include "tls.h"

struct svc_tls;

/* What serves a call: libtirpc's dispatch callback. */
typedef void (*svc_tls_dispatch_fn)(struct svc_req *rq, SVCXPRT *xprt);

/*
 * svc_tls_new - serve the calls to program @prog that come on @t to @dispatch (any other is
 * answered PROG_UNAVAIL), records of at most @max bytes. @t is the new connection's (it closes
 * it). Returns: 0 or -ENOMEM (@t left to the caller).
 */
int svc_tls_new(struct hc_tls *t, size_t max, rpcprog_t prog, svc_tls_dispatch_fn dispatch,
		struct svc_tls **out);

/* svc_tls_fd - the socket to poll for calls. */
int svc_tls_fd(const struct svc_tls *s);

/*
 * svc_tls_serve - the calls that have come, each answered before the next is read (a few at
 * a time: svc_tls_busy() says when more wait). Returns: 0, or -ECONNRESET when the session is
 * over (the peer's end, a record that failed its check, an RPC record too long).
 */
int svc_tls_serve(struct svc_tls *s);

/* svc_tls_busy - decrypted bytes wait that poll() cannot see (never inside a call). */
int svc_tls_busy(const struct svc_tls *s);

/*
 * svc_tls_close - end the session (close_notify, at most @grace_ms for the peer) and free @s;
 * in a forked child only the descriptor is closed, the parent's session goes on.
 */
void svc_tls_close(struct svc_tls *s, int grace_ms);

#endif
