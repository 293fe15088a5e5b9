/* api_net.c: the socket hostcalls of libhostcall, with sockaddr mapping to the wire form. */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>

#include "errmap.h"
#include "session.h"

static int family_to_wire(int domain)
{
	switch (domain) {
	case AF_INET:
		return HC_AF_INET;
	case AF_INET6:
		return HC_AF_INET6;
	case AF_UNIX:
		return HC_AF_UNIX;
	default:
		return -1;
	}
}

static int addr_to_wire(const struct sockaddr *a, socklen_t len, hc_sockaddr *w, char *path)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_un *un = (const struct sockaddr_un *)a;

	memset(w, 0, sizeof(*w));
	if (a->sa_family == AF_INET && len >= sizeof(*in4)) {
		w->family = HC_AF_INET;
		memcpy(w->hc_sockaddr_u.in4.addr, &in4->sin_addr, 4);
		w->hc_sockaddr_u.in4.port = ntohs(in4->sin_port);
	} else if (a->sa_family == AF_INET6 && len >= sizeof(*in6)) {
		w->family = HC_AF_INET6;
		memcpy(w->hc_sockaddr_u.in6.addr, &in6->sin6_addr, 16);
		w->hc_sockaddr_u.in6.port = ntohs(in6->sin6_port);
	} else if (a->sa_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path)) {
		size_t n = strnlen(un->sun_path, len - offsetof(struct sockaddr_un, sun_path));
		if (n == 0 || n > HC_SUNPATH_MAX)
			return -EINVAL;   /* abstract addresses do not cross */
		memcpy(path, un->sun_path, n);
		path[n] = '\0';
		w->family = HC_AF_UNIX;
		w->hc_sockaddr_u.path = path;
	} else {
		return -EAFNOSUPPORT;
	}
	return 0;
}

static void addr_from_wire(const hc_sockaddr *w, struct sockaddr *a, socklen_t *len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un *un = (struct sockaddr_un *)&ss;
	socklen_t n = sizeof(sa_family_t);

	memset(&ss, 0, sizeof(ss));
	if (w->family == HC_AF_INET) {
		in4->sin_family = AF_INET;
		memcpy(&in4->sin_addr, w->hc_sockaddr_u.in4.addr, 4);
		in4->sin_port = htons((uint16_t)w->hc_sockaddr_u.in4.port);
		n = sizeof(*in4);
	} else if (w->family == HC_AF_INET6) {
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, w->hc_sockaddr_u.in6.addr, 16);
		in6->sin6_port = htons((uint16_t)w->hc_sockaddr_u.in6.port);
		n = sizeof(*in6);
	} else if (w->family == HC_AF_UNIX) {
		un->sun_family = AF_UNIX;
		strncpy(un->sun_path, w->hc_sockaddr_u.path, sizeof(un->sun_path) - 1);
		n = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(un->sun_path) + 1);
	}
	memcpy(a, &ss, n < *len ? n : *len);
	*len = n;
}

int hc_socket(struct hc_session *s, int domain, int type, int protocol)
{
	hc_socket_args a = { (hc_family)family_to_wire(domain), 0, protocol };

	type &= ~(SOCK_CLOEXEC | SOCK_NONBLOCK);
	a.type = type == SOCK_STREAM ? HC_SOCK_STREAM : type == SOCK_DGRAM ? HC_SOCK_DGRAM : -1;
	if ((int)a.family < 0 || a.type < 0)
		return -EINVAL;
	return hc_session_call_int(s, HC_SOCKET, (xdrproc_t)xdr_hc_socket_args, &a);
}

static int addr_call(struct hc_session *s, uint32_t proc, hc_handle_t h,
		     const struct sockaddr *sa, socklen_t len)
{
	char path[HC_SUNPATH_MAX + 1];
	hc_sockaddr_args a = { .handle = h };
	int r;

	if ((r = addr_to_wire(sa, len, &a.addr, path)) != 0)
		return r;
	return hc_session_call_err(s, proc, (xdrproc_t)xdr_hc_sockaddr_args, &a);
}

int hc_bind(struct hc_session *s, hc_handle_t h, const struct sockaddr *a, socklen_t len)
{
	return addr_call(s, HC_BIND, h, a, len);
}

int hc_connect_socket(struct hc_session *s, hc_handle_t h, const struct sockaddr *a,
		      socklen_t len)
{
	return addr_call(s, HC_CONNECT, h, a, len);
}

int hc_listen(struct hc_session *s, hc_handle_t h, int backlog)
{
	hc_listen_args a = { h, backlog };

	return hc_session_call_err(s, HC_LISTEN, (xdrproc_t)xdr_hc_listen_args, &a);
}

int hc_accept(struct hc_session *s, hc_handle_t h, struct sockaddr *peer, socklen_t *len)
{
	hc_accept_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_ACCEPT, (xdrproc_t)xdr_hc_handle, &h,
			    (xdrproc_t)xdr_hc_accept_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	if (peer && len)
		addr_from_wire(&res.hc_accept_res_u.conn.peer, peer, len);
	r = res.hc_accept_res_u.conn.handle;
	xdr_free((xdrproc_t)xdr_hc_accept_res, (char *)&res);
	return r;
}

int hc_getsockname(struct hc_session *s, hc_handle_t h, struct sockaddr *a, socklen_t *len)
{
	hc_sockaddr_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_GETSOCKNAME, (xdrproc_t)xdr_hc_handle, &h,
			    (xdrproc_t)xdr_hc_sockaddr_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	addr_from_wire(&res.hc_sockaddr_res_u.addr, a, len);
	xdr_free((xdrproc_t)xdr_hc_sockaddr_res, (char *)&res);
	return 0;
}
