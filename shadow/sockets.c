/* sockets.c: the socket hostcalls in the shadow, with wire addresses mapped to sockaddrs. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "errmap.h"
#include "shadow.h"

static int addr_from_wire(const hc_sockaddr *w, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_un *un = (struct sockaddr_un *)ss;

	memset(ss, 0, sizeof(*ss));
	switch (w->family) {
	case HC_AF_INET:
		in4->sin_family = AF_INET;
		memcpy(&in4->sin_addr, w->hc_sockaddr_u.in4.addr, 4);
		in4->sin_port = htons((uint16_t)w->hc_sockaddr_u.in4.port);
		*len = sizeof(*in4);
		return w->hc_sockaddr_u.in4.port <= 65535 ? 0 : -EINVAL;
	case HC_AF_INET6:
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, w->hc_sockaddr_u.in6.addr, 16);
		in6->sin6_port = htons((uint16_t)w->hc_sockaddr_u.in6.port);
		*len = sizeof(*in6);
		return w->hc_sockaddr_u.in6.port <= 65535 ? 0 : -EINVAL;
	case HC_AF_UNIX:
		un->sun_family = AF_UNIX;
		if (strlen(w->hc_sockaddr_u.path) >= sizeof(un->sun_path))
			return -ENAMETOOLONG;
		strcpy(un->sun_path, w->hc_sockaddr_u.path);
		*len = sizeof(*un);
		return 0;
	default:
		return -EAFNOSUPPORT;
	}
}

static int addr_to_wire(const struct sockaddr_storage *ss, socklen_t len, hc_sockaddr *w)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
	size_t plen;

	memset(w, 0, sizeof(*w));
	switch (ss->ss_family) {
	case AF_INET:
		w->family = HC_AF_INET;
		memcpy(w->hc_sockaddr_u.in4.addr, &in4->sin_addr, 4);
		w->hc_sockaddr_u.in4.port = ntohs(in4->sin_port);
		return 0;
	case AF_INET6:
		w->family = HC_AF_INET6;
		memcpy(w->hc_sockaddr_u.in6.addr, &in6->sin6_addr, 16);
		w->hc_sockaddr_u.in6.port = ntohs(in6->sin6_port);
		return 0;
	case AF_UNIX:
		w->family = HC_AF_UNIX;
		plen = len > offsetof(struct sockaddr_un, sun_path) ?
			       strnlen(un->sun_path, len - offsetof(struct sockaddr_un, sun_path)) : 0;
		if (plen > 0 && un->sun_path[0] == '\0')
			plen = 0;   /* abstract: reported without a name */
		w->hc_sockaddr_u.path = strndup(un->sun_path, plen);
		return w->hc_sockaddr_u.path ? 0 : -ENOMEM;
	default:
		w->family = HC_AF_UNSPEC;
		return 0;
	}
}

static const int families[] = { [HC_AF_INET] = AF_INET, [HC_AF_INET6] = AF_INET6,
				[HC_AF_UNIX] = AF_UNIX };

int shadow_socket(struct shadow *sh, void *args, void *res)
{
	hc_socket_args *a = args;
	hc_int_res *r = res;
	int type, fd, h;

	if (a->family <= HC_AF_UNSPEC || a->family > HC_AF_UNIX ||
	    (a->type != HC_SOCK_STREAM && a->type != HC_SOCK_DGRAM)) {
		r->err = HC_EINVAL;
		return 0;
	}
	type = a->type == HC_SOCK_STREAM ? SOCK_STREAM : SOCK_DGRAM;
	fd = socket(families[a->family], type | SOCK_CLOEXEC, a->protocol);
	if (fd < 0) {
		r->err = hc_err_from_errno(errno);
		return 0;
	}
	h = handles_add(&sh->handles, fd);
	r->err = h < 0 ? hc_err_from_errno(-h) : HC_OK;
	r->hc_int_res_u.value = h;
	return 0;
}

/* The socket and the local address a bind or connect names. Returns: the fd or -errno. */
static int socket_and_addr(struct shadow *sh, const hc_sockaddr_args *a,
			   struct sockaddr_storage *ss, socklen_t *len)
{
	int fd = handles_fd(&sh->handles, a->handle), e;

	if (fd < 0)
		return fd;
	return (e = addr_from_wire(&a->addr, ss, len)) != 0 ? e : fd;
}

int shadow_bind(struct shadow *sh, void *args, void *res)
{
	hc_err *r = res;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket_and_addr(sh, args, &ss, &len);

	if (fd < 0)
		*r = hc_err_from_errno(-fd);
	else
		*r = bind(fd, (struct sockaddr *)&ss, len) == 0 ? HC_OK : hc_err_from_errno(errno);
	return 0;
}

int shadow_listen(struct shadow *sh, void *args, void *res)
{
	hc_listen_args *a = args;
	hc_err *r = res;
	int fd = handles_fd(&sh->handles, a->handle);

	if (fd < 0)
		*r = HC_EBADF;
	else
		*r = listen(fd, a->backlog) == 0 ? HC_OK : hc_err_from_errno(errno);
	return 0;
}

int shadow_accept(struct shadow *sh, void *args, void *res)
{
	hc_accept_res *r = res;
	int fd = handles_fd(&sh->handles, *(hc_handle *)args), cfd, h, e;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (fd < 0 || (e = shadow_wait_ready(sh, fd, POLLIN, 0)) < 0) {
		r->err = fd < 0 ? HC_EBADF : hc_err_from_errno(-e);
		return 0;
	}
	cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (cfd < 0) {
		r->err = hc_err_from_errno(errno);
		return 0;
	}
	if ((h = handles_add(&sh->handles, cfd)) < 0) {
		r->err = hc_err_from_errno(-h);
		return 0;
	}
	if ((e = addr_to_wire(&ss, len, &r->hc_accept_res_u.conn.peer)) != 0) {
		handles_close(&sh->handles, h);
		r->err = hc_err_from_errno(-e);
		return 0;
	}
	r->hc_accept_res_u.conn.handle = h;
	r->err = HC_OK;
	return 0;
}

/* Connect without stalling the session: non-blocking for the duration, then back. */
static int connect_in_background(struct shadow *sh, int fd, struct sockaddr_storage *ss,
				 socklen_t len)
{
	int flags = fcntl(fd, F_GETFL), err = 0, r;
	socklen_t elen = sizeof(err);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
		return -errno;
	r = connect(fd, (struct sockaddr *)ss, len) == 0 ? 0 : -errno;
	if (r == -EINPROGRESS) {
		r = shadow_wait_ready(sh, fd, POLLOUT, shadow_now_ms() + SHADOW_CONNECT_TIMEOUT_MS);
		if (r == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			err = errno;
		if (r == 0)
			r = -err;
	}
	fcntl(fd, F_SETFL, flags);
	return r;
}

int shadow_connect(struct shadow *sh, void *args, void *res)
{
	hc_err *r = res;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket_and_addr(sh, args, &ss, &len);

	*r = hc_err_from_errno(fd < 0 ? -fd : -connect_in_background(sh, fd, &ss, len));
	return 0;
}

int shadow_getsockname(struct shadow *sh, void *args, void *res)
{
	hc_sockaddr_res *r = res;
	int fd = handles_fd(&sh->handles, *(hc_handle *)args), e;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		r->err = fd < 0 ? HC_EBADF : hc_err_from_errno(errno);
		return 0;
	}
	e = addr_to_wire(&ss, len, &r->hc_sockaddr_res_u.addr);
	r->err = hc_err_from_errno(-e);
	return 0;
}
