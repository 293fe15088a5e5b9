/* url.h: parsing of transport URLs (tcp://HOST:PORT, unix:/PATH) into socket addresses. */
#ifndef HC_URL_H
#define HC_URL_H

#include <sys/socket.h>

enum hc_url_kind { HC_URL_TCP, HC_URL_UNIX };

struct hc_url {
	enum hc_url_kind kind;
	char host[256];   /* tcp: a name or numeric address, without brackets */
	char port[8];     /* tcp: decimal, 0..65535 */
	char path[108];   /* unix: the socket path */
};

/*
 * hc_url_parse - split a whole URL ("tcp://127.0.0.1:7000", "tcp://[::1]:7000",
 * "unix:/run/hc.sock") into @u. Returns: 0, -EINVAL when malformed,
 * -EPROTONOSUPPORT for another scheme, -ENAMETOOLONG for a long path.
 */
int hc_url_parse(const char *url, struct hc_url *u);

/*
 * hc_url_resolve - the first socket address for @u in @ss/@len.
 * Returns: 0 or -errno (-EHOSTUNREACH when the name does not resolve).
 */
int hc_url_resolve(const struct hc_url *u, struct sockaddr_storage *ss, socklen_t *len);

/* hc_addr_is_loopback - is @ss this machine's own: 127/8, ::1, or a unix socket. */
int hc_addr_is_loopback(const struct sockaddr_storage *ss);

#endif
