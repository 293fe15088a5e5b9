/* tls_probe.c: the AUTH_TLS probe and its STARTTLS answer, by hand on the socket (tls_probe.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "rpc/hostcall.h"
#include "io.h"
#include "tls_probe.h"

#define LAST_FRAGMENT 0x80000000u

static void put32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

size_t hc_tls_probe_encode(uint32_t xid, unsigned char buf[HC_TLS_PROBE_LEN])
{
	const uint32_t words[] = { LAST_FRAGMENT | (HC_TLS_PROBE_LEN - 4), xid, CALL, RPC_MSG_VERSION,
				   HOSTCALL_PROG, HOSTCALL_V3, 0 /* NULL */, HC_AUTH_TLS, 0,
				   AUTH_NONE, 0 };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		put32(buf + 4 * i, words[i]);
	return HC_TLS_PROBE_LEN;
}

int hc_tls_probe_reply(const unsigned char *rec, size_t len, uint32_t xid)
{
	if (len < 12 || get32(rec) != xid || get32(rec + 4) != REPLY)
		return -EPROTO;
	if (get32(rec + 8) != MSG_ACCEPTED)
		return 0;   /* denied (an AUTH_ERROR for the flavor): no TLS here */
	if (len < 20)
		return -EPROTO;
	if (get32(rec + 12) != AUTH_NONE || get32(rec + 16) != sizeof(HC_STARTTLS) - 1)
		return 0;   /* accepted, but as a plain NULL call: the server knows no TLS */
	if (len < 20 + sizeof(HC_STARTTLS) - 1)
		return -EPROTO;
	return memcmp(rec + 20, HC_STARTTLS, sizeof(HC_STARTTLS) - 1) == 0;
}

/* Exactly @len bytes from @fd by @deadline. Returns: 0, -ETIMEDOUT or -ECONNRESET. */
static int read_exactly(int fd, unsigned char *buf, size_t len, long long deadline)
{
	size_t have = 0;

	while (have < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - hc_now_ms();
		ssize_t n;
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf + have, len - have, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return -ECONNRESET;
		have += (size_t)n;
	}
	return 0;
}

int hc_tls_probe(int fd, int timeout_ms)
{
	unsigned char call[HC_TLS_PROBE_LEN], mark[4], rec[HC_TLS_PROBE_REPLY_MAX];
	long long deadline = hc_now_ms() + timeout_ms;
	uint32_t xid, frag;
	int r;

	if (hc_random(&xid, sizeof(xid)) != 0)
		return -EIO;
	hc_tls_probe_encode(xid, call);
	if (send(fd, call, sizeof(call), MSG_NOSIGNAL) != (ssize_t)sizeof(call))
		return -ECONNRESET;
	if ((r = read_exactly(fd, mark, 4, deadline)) != 0)
		return r;
	frag = get32(mark);
	if (!(frag & LAST_FRAGMENT) || (frag & ~LAST_FRAGMENT) > sizeof(rec))
		return -EPROTO;
	if ((r = read_exactly(fd, rec, frag & ~LAST_FRAGMENT, deadline)) != 0)
		return r;
	return hc_tls_probe_reply(rec, frag & ~LAST_FRAGMENT, xid);
}
