/*
 * clnt_tls.h: ONC RPC calls inside TLS from the calling thread itself (no pump thread between
 * it and the socket), one at a time; and for the process's forked children, which cannot use
 * its TLS state, a plain socket whose calls a relay thread carries into the session.
 */
#ifndef HC_CLNT_TLS_H
#define HC_CLNT_TLS_H

#include <rpc/rpc.h>

#include "tls.h"

struct clnt_tls;

/*
 * clnt_tls_new - calls to @prog version @vers on @t, records of at most @max bytes; @t (and
 * its socket) become the client's. *@child_fd: the plain socket (close-on-exec, at @floor or
 * above) a forked child's libtirpc clnt_vc uses instead; the client closes it.
 * Returns: 0 or -errno (@t left to the caller).
 */
int clnt_tls_new(struct hc_tls *t, size_t max, rpcprog_t prog, rpcvers_t vers, int floor,
		 int *child_fd, struct clnt_tls **out);

/*
 * clnt_tls_call - call @proc with @args, its reply decoded into @res by @xres, within
 * @timeout_ms. Threads take turns. Only in the process that made @c.
 * Returns: RPC_SUCCESS or the failure, whose details are in *@err (as clnt_geterr()).
 */
enum clnt_stat clnt_tls_call(struct clnt_tls *c, rpcproc_t proc, xdrproc_t xargs, void *args,
			     xdrproc_t xres, void *res, int timeout_ms, struct rpc_err *err);

/*
 * clnt_tls_close - end the session (close_notify, at most @grace_ms for the peer) and free
 * @c; in a forked child only the descriptors are closed, the parent's session goes on.
 */
void clnt_tls_close(struct clnt_tls *c, int grace_ms);

#endif
