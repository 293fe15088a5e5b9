/*
 * wire_check.c: what crossed the wire between two machines, checked byte by byte: every TCP
 * connection to hostcalld's port is, after RFC 9289's probe and its STARTTLS answer (or a
 * stream's 8-byte HCT1 hello), nothing but TLS records; no byte of RPC travels in clear.
 * Reads `tshark -T fields -e tcp.stream -e tcp.srcport -e tcp.seq -e tcp.payload` lines on stdin.
 * Usage: wire_check PORT. Prints what it saw; exits 0 when all is TLS, 1 otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STREAMS_MAX 65536
#define PROBE_LEN 44            /* a record mark and the probe call's ten words */
#define AUTH_TLS 7
#define TLS_RECORD_MAX (16384 + 256)

enum phase { START, PROBE_REPLY, RECORDS, CLEAR_CALLS, DENIALS, GAP, BAD };

/* One direction of one connection, fed as its bytes come. */
struct side {
	enum phase phase;
	unsigned char head[PROBE_LEN + 400];
	size_t have;            /* bytes of head gathered */
	size_t need;            /* bytes head must reach before the next step */
	size_t left;            /* of the current TLS record's body */
	uint64_t records, app_records, bytes;
	int64_t next_seq;       /* where the next segment should begin; -1: not known yet */
	char why[96];
};

struct conn {
	int seen;
	struct side to_server, to_client;
};

static struct conn conns[STREAMS_MAX];

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void fail(struct side *s, const char *why)
{
	s->phase = BAD;
	snprintf(s->why, sizeof(s->why), "%s (after %llu bytes)", why, (unsigned long long)s->bytes);
}

/* The client's first bytes, whole: the probe (a NULL call, credential AUTH_TLS) or HCT1 and a pid. */
static void client_start(struct conn *c)
{
	struct side *s = &c->to_server;

	s->phase = RECORDS;
	s->have = 0;
	if (memcmp(s->head, "HCT1", 4) == 0) {
		c->to_client.phase = RECORDS;   /* a stream: no probe, so no answer to it */
	} else if (get32(s->head + 8) == 0 && get32(s->head + 28) != AUTH_TLS) {
		s->phase = CLEAR_CALLS;         /* a client in clear: each answer must refuse it */
		c->to_client.phase = DENIALS;
	} else if (get32(s->head) != (0x80000000u | (PROBE_LEN - 4)) || get32(s->head + 8) != 0 ||
		   get32(s->head + 24) != 0) {
		fail(s, "the first bytes are neither the AUTH_TLS probe nor a stream's HCT1 hello");
	}
}

/* Answers to a client in clear: whole RPC replies, each MSG_DENIED (nothing served). */
static void feed_denial_byte(struct side *s, unsigned char b)
{
	if (s->have < sizeof(s->head))
		s->head[s->have] = b;
	s->have++;
	if (s->have == 4) {
		s->need = 4 + (get32(s->head) & 0x7fffffffu);
		if (s->need > sizeof(s->head))
			fail(s, "a long answer to a call in clear");
	} else if (s->have == 12 && get32(s->head + 8) != 1) {
		fail(s, "a call in clear was answered");
	} else if (s->have == 16 && get32(s->head + 12) != 1) {
		fail(s, "a call in clear was accepted");
	} else if (s->have > 4 && s->have == s->need) {
		s->records++;
		s->have = 0;
	}
}

/* The server's answer to the probe, whole: a record whose verifier is the 8 bytes STARTTLS. */
static void probe_reply(struct side *s)
{
	s->phase = RECORDS;
	s->have = 0;
	if (memcmp(s->head + 4 + 12, "\0\0\0\0\0\0\0\x08STARTTLS", 16) != 0)
		fail(s, "the answer to the probe is not STARTTLS");
}

/* A TLS record header: handshake, alert, change_cipher_spec or application data, TLS 1.x on the wire. */
static void record_header(struct side *s)
{
	unsigned type = s->head[0], len = (unsigned)s->head[3] << 8 | s->head[4];

	s->have = 0;
	if (type < 20 || type > 23 || s->head[1] != 3 || s->head[2] > 3 || len > TLS_RECORD_MAX) {
		fail(s, "bytes that are no TLS record");
		return;
	}
	s->records++;
	s->app_records += type == 23;
	s->left = len;
}

static void feed_server_byte(struct side *s, unsigned char b)
{
	s->head[s->have++] = b;
	if (s->have == 4) {
		uint32_t len = get32(s->head) & 0x7fffffffu;
		if (len < 28 || len > 400)
			fail(s, "the answer to the probe is no short RPC reply");
		s->need = 4 + len;
	} else if (s->have > 4 && s->have == s->need) {
		probe_reply(s);
	}
}

static void feed_byte(struct conn *c, struct side *s, unsigned char b)
{
	s->bytes++;
	if (s->phase == RECORDS && s->left > 0) {
		s->left--;
	} else if (s->phase == RECORDS) {
		s->head[s->have++] = b;
		if (s->have == 5)
			record_header(s);
	} else if (s->phase == START) {
		s->head[s->have++] = b;
		if (s->have == 4)
			s->need = memcmp(s->head, "HCT1", 4) == 0 ? 8 : PROBE_LEN;
		if (s->have == s->need)
			client_start(c);
	} else if (s->phase == PROBE_REPLY) {
		feed_server_byte(s, b);
	} else if (s->phase == DENIALS) {
		feed_denial_byte(s, b);
	}
}

/* Segment @seq of @n bytes: a hole before it (the capture dropped some) ends what can be checked. */
static void feed(struct conn *c, struct side *s, int64_t seq, const unsigned char *p, size_t n)
{
	if (s->next_seq >= 0 && seq != s->next_seq && s->phase != BAD)
		s->phase = GAP;
	s->next_seq = seq + (int64_t)n;
	for (size_t i = 0; i < n && s->phase != BAD && s->phase != GAP; i++)
		feed_byte(c, s, p[i]);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Hex digits (colons between bytes allowed) to bytes. Returns: how many. */
static int unhex(const char *h, unsigned char *out, size_t cap)
{
	size_t n = 0;

	while (n < cap) {
		int hi, lo;
		if (*h == ':')
			h++;
		if ((hi = hexval(h[0])) < 0 || (lo = hexval(h[1])) < 0)
			break;
		out[n++] = (unsigned char)(hi << 4 | lo);
		h += 2;
	}
	return (int)n;
}

/* A new connection: the client speaks first; the server's first words answer its probe. */
static void first_sight(struct conn *c)
{
	c->seen = 1;
	c->to_server.phase = START;
	c->to_server.need = 4;
	c->to_client.phase = PROBE_REPLY;
	c->to_client.need = 4;
	c->to_server.next_seq = c->to_client.next_seq = -1;
}

static int report(int port)
{
	uint64_t records = 0, app = 0, bytes = 0;
	int n = 0, bad = 0, clear = 0, gaps = 0;

	for (int i = 0; i < STREAMS_MAX; i++) {
		struct side *sides[2] = { &conns[i].to_server, &conns[i].to_client };
		if (!conns[i].seen)
			continue;
		n++;
		for (int k = 0; k < 2; k++) {
			records += sides[k]->records;
			app += sides[k]->app_records;
			bytes += sides[k]->bytes;
			clear += sides[k]->phase == CLEAR_CALLS;
			gaps += sides[k]->phase == GAP;
			if (sides[k]->phase == BAD) {
				printf("wire_check: connection %d, %s: %s\n", i,
				       k ? "to the client" : "to the server", sides[k]->why);
				bad++;
			}
		}
	}
	printf("wire_check: port %d: %d connections, %llu bytes, %llu TLS records (%llu application "
	       "data), %d clients in clear refused, %d directions cut short by capture drops, %d in "
	       "clear\n", port, n, (unsigned long long)bytes, (unsigned long long)records,
	       (unsigned long long)app, clear, gaps, bad);
	return bad || n == 0 || app == 0;
}

int main(int argc, char **argv)
{
	static char line[1 << 20];
	static unsigned char bytes[1 << 19];
	int port = argc > 1 ? atoi(argv[1]) : 0;

	if (port <= 0) {
		fprintf(stderr, "usage: wire_check PORT < tshark-fields\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin)) {
		char *src, *sq, *hex;
		long stream = strtol(line, &src, 10);
		int sport = (int)strtol(src, &sq, 10), n;
		long long seq = strtoll(sq, &hex, 10);
		struct conn *c;
		if (stream < 0 || stream >= STREAMS_MAX || !*hex)
			continue;
		c = &conns[stream];
		if (!c->seen)
			first_sight(c);
		n = unhex(hex + 1, bytes, sizeof(bytes));
		feed(c, sport == port ? &c->to_client : &c->to_server, seq, bytes, (size_t)n);
	}
	return report(port);
}
