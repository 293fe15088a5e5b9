/* oncrpc_listen.c: binding the tcp: and unix: listening sockets, reporting the address bound. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rpc/pmap_clnt.h>
#include <rpc/rpc.h>

#include "oncrpc_listen.h"
#include "rpc/hostcall.h"
#include "url.h"

#define BACKLOG SOMAXCONN

static void describe_tcp(int fd, struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(l->url, sizeof(l->url), "tcp://%s:%d", host, port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(l->url, sizeof(l->url), "tcp://[%s]:%d", host, port);
	}
}

static int replace_stale_socket(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;   /* never remove something that is not a socket */
	return unlink(path) == 0 ? 0 : -errno;
}

static int bind_listen(int fd, const struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1;

	if (ss->ss_family != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, BACKLOG) != 0)
		return -errno;
	return 0;
}

int oncrpc_listen(const char *url, struct listener *l)
{
	struct sockaddr_storage ss;
	struct hc_url u;
	socklen_t len;
	mode_t old;
	int fd, r;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if ((r = hc_url_parse(url, &u)) != 0 || (r = hc_url_resolve(&u, &ss, &len)) != 0)
		return r;
	if (u.kind == HC_URL_UNIX && (r = replace_stale_socket(u.path)) != 0)
		return r;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	old = umask(077);
	r = bind_listen(fd, &ss, len);
	umask(old);
	if (r != 0) {
		close(fd);
		return r;
	}
	l->fd = fd;
	l->kind = u.kind == HC_URL_TCP ? LISTEN_TCP : LISTEN_UNIX;
	if (u.kind == HC_URL_TCP) {
		describe_tcp(fd, l);
	} else {
		snprintf(l->url, sizeof(l->url), "unix:%s", u.path);
		snprintf(l->unix_path, sizeof(l->unix_path), "%s", u.path);
	}
	return 0;
}

void oncrpc_unlisten(struct listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->unix_path[0])
		unlink(l->unix_path);
	l->fd = -1;
	l->unix_path[0] = '\0';
}

int oncrpc_rpcbind_register(const struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	unsigned short port;

	if (l->kind != LISTEN_TCP || getsockname(l->fd, (struct sockaddr *)&ss, &len) != 0)
		return -EINVAL;
	port = ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
				       : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return pmap_set(HOSTCALL_PROG, HOSTCALL_V3, IPPROTO_TCP, port) ? 0 : -ECONNREFUSED;
}

void oncrpc_rpcbind_unregister(void)
{
	pmap_unset(HOSTCALL_PROG, HOSTCALL_V3);
}
