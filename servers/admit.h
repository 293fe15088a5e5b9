/* admit.h: which waiting, unauthenticated connection gives way when a new one finds the cap reached. */
#ifndef HC_ADMIT_H
#define HC_ADMIT_H

#include <stdint.h>
#include <sys/socket.h>

/*
 * An unauthenticated connection may hold its place only while it is useful to someone.
 * When --max-unauth are waiting and another arrives, one of the waiting gives way: of those
 * that have sent nothing yet, or have spent more than ADMIT_STALLED_MS in authentication (a
 * real client needs a few milliseconds), the one whose source (an IPv4 address, an IPv6 /64,
 * or this host's unix sockets) holds the most places, the newcomer's counted with its own;
 * among those an idle one before a stalled one, the oldest first. So a flood of idle
 * connections, from one source or many, never locks out a client that speaks at once, and a
 * flood from one source pushes out its own connections before another's. When every place is
 * still authenticating, a source holding more than half of them gives up its newest, unless
 * the newcomer is its own.
 */
#define ADMIT_STALLED_MS 1000

/* Where connections come from: AF_INET and an address, AF_INET6 and a /64, or AF_UNIX (this host). */
struct admit_source {
	int family;
	uint64_t bits;
};

struct admit_entry {
	struct admit_source source;
	uint64_t seq;           /* the order of arrival: a smaller one came first */
	int64_t since_ms;       /* when it was accepted */
	int idle;               /* 1: nothing received yet; 0: a shadow is authenticating it */
};

/* admit_source - the source a peer's address belongs to (any other family: this host). */
struct admit_source admit_source(const struct sockaddr_storage *ss, socklen_t len);

/* admit_source_name - @source as text ("127.0.0.1", "2001:db8::/64", "local") in @buf. */
const char *admit_source_name(struct admit_source source, char *buf, size_t len);

/* admit_same_source - whether @a and @b are one source. */
int admit_same_source(struct admit_source a, struct admit_source b);

/*
 * admit_victim - which of the @n waiting connections @e gives way to a new one from @source.
 * Returns: its index, or -1 when none may (the new connection is then refused).
 */
int admit_victim(const struct admit_entry *e, int n, struct admit_source source, int64_t now_ms);

#endif
