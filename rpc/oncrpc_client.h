/* oncrpc_client.h: the ONC RPC backend, guest side: tcp: and unix: rows of the transport table. */
#ifndef HC_ONCRPC_CLIENT_H
#define HC_ONCRPC_CLIENT_H

#include "transport.h"

/*
 * The record buffers of both ends (libtirpc's default on a server fd is 4000
 * bytes: a 1 MiB read then leaves in 263 writes); a read or write's bytes and
 * their header fit one.
 */
#define ONCRPC_BUF_SIZE (HC_IO_MAX + 4096)

/*
 * The longest RPC record either end takes in TLS (clnt_tls.c, svc_tls.c): a module call's
 * block with its header, the largest there is. (libtirpc's records in clear have no limit.)
 */
#define ONCRPC_RECORD_MAX (HC_BLOCK_MAX + 8192)

extern const struct hc_transport_ops oncrpc_tcp_ops;
extern const struct hc_transport_ops oncrpc_unix_ops;

/*
 * oncrpc_dial - connect a stream socket to @ss within @timeout_ms, close-on-exec;
 * @nodelay: TCP_NODELAY (calls), or not (streams). Returns: the fd or -errno.
 */
int oncrpc_dial(const struct sockaddr_storage *ss, socklen_t len, int timeout_ms, int nodelay);

#endif
