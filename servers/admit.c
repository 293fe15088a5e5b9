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

/* May @e give way now: idle, or stalled in authentication? */
static int may_give_way(const struct admit_entry *e, int64_t now_ms)
{
	return e->idle || now_ms - e->since_ms >= ADMIT_STALLED_MS;
}

/* Does @a go before @b: its source holds more places, then idle before stalled, then older. */
static int goes_first(const struct admit_entry *a, int pa, const struct admit_entry *b, int pb)
{
	if (pa != pb)
		return pa > pb;
	if (a->idle != b->idle)
		return a->idle;
	return a->seq < b->seq;
}

/* The newest place of @source (a flood's newest shadow, young as it may be), or -1. */
static int newest_of(const struct admit_entry *e, int n, struct admit_source source)
{
	int pick = -1;

	for (int i = 0; i < n; i++)
		if (admit_same_source(e[i].source, source) && (pick < 0 || e[i].seq > e[pick].seq))
			pick = i;
	return pick;
}

int admit_victim(const struct admit_entry *e, int n, struct admit_source source, int64_t now_ms)
{
	int pick = -1, pick_places = 0, heavy = -1, heavy_places = 0;

	for (int i = 0; i < n; i++) {
		int places = places_of(e, n, e[i].source) + admit_same_source(e[i].source, source);
		if (places > heavy_places) {
			heavy = i;
			heavy_places = places;
		}
		if (may_give_way(&e[i], now_ms) &&
		    (pick < 0 || goes_first(&e[i], places, &e[pick], pick_places))) {
			pick = i;
			pick_places = places;
		}
	}
	if (pick >= 0)
		return pick;
	/* all still authenticating: one source holding most of them while another waits gives one */
	if (heavy >= 0 && heavy_places * 2 > n && !admit_same_source(e[heavy].source, source))
		return newest_of(e, n, e[heavy].source);
	return -1;
}
