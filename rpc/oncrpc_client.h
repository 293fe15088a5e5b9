/* oncrpc_client.h: the ONC RPC backend, guest side: tcp: and unix: rows of the transport table. */
#ifndef HC_ONCRPC_CLIENT_H
#define HC_ONCRPC_CLIENT_H

#include "transport.h"

extern const struct hc_transport_ops oncrpc_tcp_ops;
extern const struct hc_transport_ops oncrpc_unix_ops;

/*
 * oncrpc_dial - connect a stream socket to @ss within @timeout_ms, close-on-exec;
 * @nodelay: TCP_NODELAY (calls), or not (streams). Returns: the fd or -errno.
 */
int oncrpc_dial(const struct sockaddr_storage *ss, socklen_t len, int timeout_ms, int nodelay);

#endif
