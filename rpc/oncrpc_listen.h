/* oncrpc_listen.h: listening sockets for the tcp: and unix: URLs hostcalld serves. */
#ifndef HC_ONCRPC_LISTEN_H
#define HC_ONCRPC_LISTEN_H

#include <stddef.h>

enum listen_kind { LISTEN_TCP, LISTEN_UNIX };

struct listener {
	int fd;
	enum listen_kind kind;
	int tls_required;       /* no call in clear but the AUTH_TLS probe */
	char url[160];          /* as bound: a tcp: port 0 becomes the real port */
	char unix_path[108];    /* removed again at exit */
};

/*
 * oncrpc_listen - bind and listen on @url (tcp://HOST:PORT, unix:/PATH).
 * A unix socket is made 0600; a stale socket file in its place is replaced.
 * Returns: 0 or -errno.
 */
int oncrpc_listen(const char *url, struct listener *l);

/*
 * oncrpc_rpcbind_register - tell the local rpcbind that HOSTCALL_PROG is on
 * tcp listener @l's port, for standard tools such as rpcinfo. Not needed by
 * libhostcall, which dials the port it is given. Returns: 0 or -ECONNREFUSED.
 */
int oncrpc_rpcbind_register(const struct listener *l);
/* oncrpc_rpcbind_unregister - withdraw that registration. */
void oncrpc_rpcbind_unregister(void);

/* oncrpc_unlisten - close @l and remove its unix socket file. */
void oncrpc_unlisten(struct listener *l);

#endif
