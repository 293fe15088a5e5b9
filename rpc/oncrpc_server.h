/* oncrpc_server.h: the ONC RPC backend, host side: one accepted connection served for a shadow. */
#ifndef HC_ONCRPC_SERVER_H
#define HC_ONCRPC_SERVER_H

#include "shadow.h"

extern const struct shadow_conn_ops oncrpc_conn_ops;

/*
 * oncrpc_conn_open - serve HOSTCALL_PROG on the connected socket @fd (owned
 * from now on) for @sh, with libtirpc. One per process. Returns: 0 or -errno.
 */
int oncrpc_conn_open(int fd, struct shadow *sh, void **conn);

#endif
