/* admit.c: choosing the unauthenticated connection that gives way under a flood (admit.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "admit.h"

static struct admit_source from_v6(const struct in6_addr *a)
{
	struct admit_source s = { AF_INET6, 0 };

	if (IN6_IS_ADDR_V4MAPPED(a)) {
		uint32_t v4;
		memcpy(&v4, a->s6_addr + 12, 4);
		return (struct admit_source){ AF_INET, ntohl(v4) };
	}
	for (int i = 0; i < 8; i++)
		s.bits = s.bits << 8 | a->s6_addr[i];
	return s;
}

struct admit_source admit_source(const struct sockaddr_storage *ss, socklen_t len)
{
	if (ss->ss_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
		return (struct admit_source){ AF_INET,
					      ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) };
	if (ss->ss_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
		return from_v6(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return (struct admit_source){ AF_UNIX, 0 };
}

int admit_same_source(struct admit_source a, struct admit_source b)
{
	return a.family == b.family && a.bits == b.bits;
}

const char *admit_source_name(struct admit_source source, char *buf, size_t len)
{
	uint32_t v4 = htonl((uint32_t)source.bits);
	struct in6_addr a6;
	uint64_t prefix = source.bits;

	snprintf(buf, len, "local");
	if (source.family == AF_INET && !inet_ntop(AF_INET, &v4, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	if (source.family != AF_INET6)
		return buf;
	memset(&a6, 0, sizeof(a6));
	for (int i = 7; i >= 0; i--, prefix >>= 8)
		a6.s6_addr[i] = (uint8_t)prefix;
	if (len < 8 || !inet_ntop(AF_INET6, &a6, buf, (socklen_t)len - 3))
		snprintf(buf, len, "?");
	else
		strcat(buf, "/64");
	return buf;
}

static int places_of(const struct admit_entry *e, int n, struct admit_source source)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += admit_same_source(e[i].source, source);
	return k;
}

/* The source holding the most places, the newcomer's counted with it; ties go to the newcomer's. */
static struct admit_source heaviest_source(const struct admit_entry *e, int n,
					   struct admit_source newcomer)
{
	struct admit_source best = newcomer;
	int most = places_of(e, n, newcomer) + 1;

	for (int i = 0; i < n; i++) {
		int k;
		if (admit_same_source(e[i].source, best))
			continue;
		if ((k = places_of(e, n, e[i].source)) > most) {
			most = k;
			best = e[i].source;
		}
	}
	return best;
}

/* The first to arrive of @source's places that are idle (@idle) or stalled in authentication. */
static int oldest_of(const struct admit_entry *e, int n, struct admit_source source, int idle,
		     int64_t now_ms)
{
	int pick = -1;

	for (int i = 0; i < n; i++) {
		if (!admit_same_source(e[i].source, source) || e[i].idle != idle)
			continue;
		if (!idle && now_ms - e[i].since_ms < ADMIT_STALLED_MS)
			continue;
		if (pick < 0 || e[i].seq < e[pick].seq)
			pick = i;
	}
	return pick;
}

int admit_victim(const struct admit_entry *e, int n, struct admit_source source, int64_t now_ms)
{
	struct admit_source heavy = heaviest_source(e, n, source);
	int v = oldest_of(e, n, heavy, 1, now_ms);

	return v >= 0 ? v : oldest_of(e, n, heavy, 0, now_ms);
}
