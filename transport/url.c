/* url.c: parsing of transport URLs into host, port or path, and resolution to sockaddrs. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "url.h"

static int parse_port(const char *s, char *out, size_t outlen)
{
	char *end;
	long v;

	if (*s == '\0' || strlen(s) >= outlen)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < 0 || v > 65535 || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int parse_tcp(const char *rest, struct hc_url *u)
{
	const char *host = rest, *colon;
	size_t hostlen;

	if (*host == '[') {
		const char *close = strchr(host, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		host++;
		hostlen = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(host, ':');
		if (!colon)
			return -EINVAL;
		hostlen = (size_t)(colon - host);
		if (memchr(host, ':', hostlen))
			return -EINVAL;
	}
	if (hostlen == 0 || hostlen >= sizeof(u->host) || memchr(host, '/', hostlen))
		return -EINVAL;
	memcpy(u->host, host, hostlen);
	u->host[hostlen] = '\0';
	u->kind = HC_URL_TCP;
	return parse_port(colon + 1, u->port, sizeof(u->port));
}

static int parse_unix(const char *rest, struct hc_url *u)
{
	if (rest[0] == '/' && rest[1] == '/')
		rest += 2;   /* unix:///path */
	if (rest[0] != '/')
		return -EINVAL;
	if (strlen(rest) >= sizeof(u->path))
		return -ENAMETOOLONG;
	memcpy(u->path, rest, strlen(rest) + 1);
	u->kind = HC_URL_UNIX;
	return 0;
}

int hc_url_parse(const char *url, struct hc_url *u)
{
	memset(u, 0, sizeof(*u));
	if (strncmp(url, "tcp://", 6) == 0)
		return parse_tcp(url + 6, u);
	if (strncmp(url, "unix:", 5) == 0)
		return parse_unix(url + 5, u);
	return strchr(url, ':') ? -EPROTONOSUPPORT : -EINVAL;
}

static int resolve_tcp(const struct hc_url *u, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res;

	if (getaddrinfo(u->host, u->port, &hints, &res) != 0)
		return -EHOSTUNREACH;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int hc_url_resolve(const struct hc_url *u, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;

	memset(ss, 0, sizeof(*ss));
	if (u->kind == HC_URL_TCP)
		return resolve_tcp(u, ss, len);
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, u->path, strlen(u->path) + 1);
	*len = (socklen_t)sizeof(*sun);
	return 0;
}

int hc_addr_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_UNIX)
		return 1;
	if (ss->ss_family == AF_INET)
		return ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24 == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}
