/* test_tls.c: unit: the TLS 1.3 layer: PSK derivation, handshakes, ALPN, channel binding, the pump. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "tls.h"
#include "tls_probe.h"

static const uint8_t key_a[HC_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t key_b[HC_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 9 };

struct side {
	int fd;
	const uint8_t *key;
	enum hc_tls_role role;
	struct hc_tls *tls;
	int result;
	int plain;              /* for the pump: its plain socket, -1: none */
	int pumped;
};

static void *pump_only(void *arg)
{
	struct side *s = arg;

	s->pumped = hc_tls_pump(s->tls, s->plain);
	shutdown(s->plain, SHUT_RDWR);   /* the plain side sees the end too */
	return NULL;
}

static void *run_side(void *arg)
{
	struct side *s = arg;

	s->result = hc_tls_open(s->fd, s->role, s->key, 5000, &s->tls);
	if (s->result == 0 && s->plain >= 0)
		s->pumped = hc_tls_pump(s->tls, s->plain);
	return NULL;
}

/* Both ends of a connection, each in a thread: handshake, then (with plains) pump. */
static void both(struct side *c, struct side *sv)
{
	pthread_t tc, ts;

	assert_int_equal(pthread_create(&tc, NULL, run_side, c), 0);
	assert_int_equal(pthread_create(&ts, NULL, run_side, sv), 0);
	pthread_join(tc, NULL);
	pthread_join(ts, NULL);
}

static void pair(struct side *c, struct side *sv, const uint8_t *ck, const uint8_t *sk)
{
	int sp[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	*c = (struct side){ .fd = sp[0], .key = ck, .role = HC_TLS_CLIENT, .plain = -1 };
	*sv = (struct side){ .fd = sp[1], .key = sk, .role = HC_TLS_SERVER, .plain = -1 };
}

static void done(struct side *c, struct side *sv)
{
	hc_tls_free(c->tls);
	hc_tls_free(sv->tls);
	close(c->fd);
	close(sv->fd);
}

static void psk__derived_fixed_per_key_not_the_key(void **state)
{
	uint8_t a1[HC_TLS_PSK_LEN], a2[HC_TLS_PSK_LEN], b[HC_TLS_PSK_LEN];

	(void)state;
	assert_int_equal(hc_tls_psk_derive(key_a, a1), 0);
	assert_int_equal(hc_tls_psk_derive(key_a, a2), 0);
	assert_int_equal(hc_tls_psk_derive(key_b, b), 0);
	assert_memory_equal(a1, a2, sizeof(a1));
	assert_memory_not_equal(a1, b, sizeof(a1));
	assert_memory_not_equal(a1, key_a, sizeof(a1));
}

static void same_key__handshake__same_channel_binding(void **state)
{
	struct side c, sv;
	uint8_t bc[HC_TLS_EXPORTER_LEN], bs[HC_TLS_EXPORTER_LEN], again[HC_TLS_EXPORTER_LEN];
	char desc[128];

	(void)state;
	pair(&c, &sv, key_a, key_a);
	both(&c, &sv);
	assert_int_equal(c.result, 0);
	assert_int_equal(sv.result, 0);
	assert_string_equal(hc_tls_describe(c.tls, desc, sizeof(desc)), "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519 psk");
	assert_string_equal(hc_tls_describe(sv.tls, desc, sizeof(desc)), "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519 psk");
	assert_int_equal(hc_tls_exporter(c.tls, bc), 0);
	assert_int_equal(hc_tls_exporter(sv.tls, bs), 0);
	assert_memory_equal(bc, bs, sizeof(bc));
	done(&c, &sv);
	pair(&c, &sv, key_a, key_a);   /* a new session, a new binding: a proof cannot be relayed */
	both(&c, &sv);
	assert_int_equal(hc_tls_exporter(c.tls, again), 0);
	assert_memory_not_equal(bc, again, sizeof(bc));
	done(&c, &sv);
}

static void wrong_key__refused_in_the_handshake(void **state)
{
	struct side c, sv;

	(void)state;
	pair(&c, &sv, key_a, key_b);
	both(&c, &sv);
	assert_int_not_equal(c.result, 0);
	assert_int_equal(sv.result, -EACCES);
	assert_null(c.tls);
	assert_null(sv.tls);
	done(&c, &sv);
}

/* Not TLS at all (a plaintext RPC client): the server refuses at once, no hang. */
static void plaintext_client__refused(void **state)
{
	static const unsigned char call[] = { 0x80, 0, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0 };
	struct side c, sv;

	(void)state;
	pair(&c, &sv, key_a, key_a);
	assert_int_equal(write(c.fd, call, sizeof(call)), (ssize_t)sizeof(call));
	shutdown(c.fd, SHUT_WR);
	run_side(&sv);
	assert_true(sv.result == -EPROTO || sv.result == -EACCES || sv.result == -ECONNRESET);
	done(&c, &sv);
}

struct writer {
	int fd;
	const unsigned char *buf;
	size_t len;
	int ok;
};

/* Write it all, then end the writing. */
static void *run_writer(void *arg)
{
	struct writer *w = arg;
	ssize_t n = 1;

	for (size_t off = 0; off < w->len && n > 0; off += (size_t)(n > 0 ? n : 0))
		n = write(w->fd, w->buf + off, w->len - off);
	w->ok = n > 0;
	shutdown(w->fd, SHUT_WR);
	return NULL;
}

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)((seed = seed * 1103515245u + 12345u) >> 16);
}

/* 4 MiB through both pumps, intact; an end of file on one plain side reaches the other, both end. */
static void pump__4MiB_intact__eof_carried__both_end(void **state)
{
	enum { N = 4 << 20 };
	unsigned char *up = malloc(N), *got = malloc(N);
	int pc[2], ps[2];
	struct side c, sv;
	pthread_t tc, ts, tw;
	struct writer w;
	size_t have = 0;
	ssize_t n;

	(void)state;
	fill(up, N, 7);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pc), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, ps), 0);
	pair(&c, &sv, key_a, key_a);
	c.plain = pc[1];
	sv.plain = ps[1];
	assert_int_equal(pthread_create(&tc, NULL, run_side, &c), 0);
	assert_int_equal(pthread_create(&ts, NULL, run_side, &sv), 0);
	w = (struct writer){ pc[0], up, N, 0 };
	assert_int_equal(pthread_create(&tw, NULL, run_writer, &w), 0);   /* the client's plain side */
	while (have < N && (n = read(ps[0], got + have, N - have)) > 0)
		have += (size_t)n;
	assert_int_equal(have, N);
	assert_memory_equal(up, got, N);
	assert_int_equal(read(ps[0], got, 1), 0);   /* the client's end of file, through TLS */
	close(ps[0]);   /* and ours: both pumps end cleanly */
	pthread_join(ts, NULL);
	shutdown(pc[0], SHUT_RDWR);
	pthread_join(tc, NULL);
	assert_int_equal(sv.pumped, 0);
	assert_int_equal(c.pumped, 0);
	pthread_join(tw, NULL);
	assert_true(w.ok);
	close(pc[0]);
	close(pc[1]);
	close(ps[1]);
	done(&c, &sv);
	free(up);
	free(got);
}

/* Between the two ends: bytes passed on as they come, but the one at @flip_at after the handshake flipped. */
struct middle {
	int a, b;               /* the client's and the server's sockets */
	long flip_at;           /* offset in the client-to-server bytes after the handshake */
	volatile int handshake_done;
};

static void *run_middle(void *arg)
{
	struct middle *m = arg;
	struct pollfd p[2] = { { .fd = m->a, .events = POLLIN }, { .fd = m->b, .events = POLLIN } };
	unsigned char buf[4096];
	long sent_after = 0;

	while (poll(p, 2, 5000) > 0) {
		for (int i = 0; i < 2; i++) {
			ssize_t n;
			if (!p[i].revents)
				continue;
			if ((n = read(p[i].fd, buf, sizeof(buf))) <= 0)
				goto out;
			if (i == 0 && m->handshake_done) {
				if (m->flip_at >= sent_after && m->flip_at < sent_after + n)
					buf[m->flip_at - sent_after] ^= 0x01;
				sent_after += n;
			}
			if (write(p[1 - i].fd, buf, (size_t)n) != n)
				goto out;
		}
	}
out:
	shutdown(m->a, SHUT_RDWR);
	shutdown(m->b, SHUT_RDWR);
	return NULL;
}

/* A byte flipped at each of 10 offsets of the records after the handshake: the session ends each time. */
static void flipped_byte_after_handshake__session_ends(void **state)
{
	static const unsigned char msg[600] = { 'x' };

	(void)state;
	for (long at = 0; at < 600; at += 60) {
		int s1[2], s2[2], pc[2], ps[2];
		struct side c, sv;
		struct middle m;
		pthread_t tm, tc, ts;
		unsigned char got[600];
		ssize_t n;

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s1), 0);
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s2), 0);
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pc), 0);
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, ps), 0);
		m = (struct middle){ s1[1], s2[0], at, 0 };
		c = (struct side){ .fd = s1[0], .key = key_a, .role = HC_TLS_CLIENT, .plain = -1 };
		sv = (struct side){ .fd = s2[1], .key = key_a, .role = HC_TLS_SERVER, .plain = -1 };
		assert_int_equal(pthread_create(&tm, NULL, run_middle, &m), 0);
		both(&c, &sv);
		assert_int_equal(c.result, 0);
		assert_int_equal(sv.result, 0);
		m.handshake_done = 1;
		c.plain = pc[1];
		sv.plain = ps[1];
		assert_int_equal(pthread_create(&tc, NULL, pump_only, &c), 0);
		assert_int_equal(pthread_create(&ts, NULL, pump_only, &sv), 0);
		assert_int_equal(write(pc[0], msg, sizeof(msg)), (ssize_t)sizeof(msg));
		n = read(ps[0], got, sizeof(got));   /* nothing of the tampered record gets through */
		assert_true(n <= 0);
		pthread_join(ts, NULL);
		assert_true(sv.pumped < 0);
		close(ps[0]);
		shutdown(pc[0], SHUT_RDWR);
		pthread_join(tc, NULL);
		pthread_join(tm, NULL);
		done(&c, &sv);
		close(s1[1]);
		close(s2[0]);
		close(pc[0]);
		close(pc[1]);
		close(ps[1]);
	}
}

/* ---- the probe ---- */

struct prober {
	int fd;
	const unsigned char *reply;   /* a whole record to answer with; NULL: say nothing */
	size_t len;
	int call_ok;                  /* the probe came as RFC 9289 draws it */
};

static uint32_t word(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The server's side: read the probe, check it, answer with ->reply after its xid. */
static void *run_prober(void *arg)
{
	struct prober *p = arg;
	unsigned char call[HC_TLS_PROBE_LEN], out[64];

	if (read(p->fd, call, sizeof(call)) != (ssize_t)sizeof(call))
		return NULL;
	p->call_ok = word(call) == (0x80000000u | 40) && word(call + 8) == 0 && word(call + 12) == 2 &&
		     word(call + 24) == 0 && word(call + 28) == HC_AUTH_TLS && word(call + 32) == 0 &&
		     word(call + 36) == 0 && word(call + 40) == 0;
	if (p->reply) {
		memcpy(out, p->reply, p->len);
		memcpy(out + 4, call + 4, 4);   /* its xid */
		if (write(p->fd, out, p->len) != (ssize_t)p->len)
			return NULL;
	}
	return NULL;
}

static int probe_against(const unsigned char *reply, size_t len, int *call_ok)
{
	int sp[2], r;
	struct prober p;
	pthread_t t;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	p = (struct prober){ sp[1], reply, len, 0 };
	assert_int_equal(pthread_create(&t, NULL, run_prober, &p), 0);
	r = hc_tls_probe(sp[0], 300);
	pthread_join(t, NULL);
	close(sp[0]);
	close(sp[1]);
	*call_ok = p.call_ok;
	return r;
}

#define REC(n) 0x80, 0, 0, (n)
static void probe__starttls_yes__plain_or_denied_no__garbage_refused(void **state)
{
	static const unsigned char yes[] = { REC(28), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
					     0, 0, 0, 8, 'S', 'T', 'A', 'R', 'T', 'T', 'L', 'S', 0, 0, 0, 0 };
	static const unsigned char plain[] = { REC(24), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
					       0, 0, 0, 0, 0, 0, 0, 0 };
	static const unsigned char denied[] = { REC(20), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
						0, 0, 0, 2 };
	static const unsigned char not_reply[] = { REC(12), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const unsigned char huge[] = { REC(0), 0, 0, 0, 0 };
	unsigned char big[sizeof(huge)];
	int ok;

	(void)state;
	assert_int_equal(probe_against(yes, sizeof(yes), &ok), 1);
	assert_true(ok);
	assert_int_equal(probe_against(plain, sizeof(plain), &ok), 0);
	assert_int_equal(probe_against(denied, sizeof(denied), &ok), 0);
	assert_int_equal(probe_against(not_reply, sizeof(not_reply), &ok), -EPROTO);
	memcpy(big, huge, sizeof(huge));
	big[1] = 0x10;   /* a fragment of a megabyte: no answer to a NULL call */
	assert_int_equal(probe_against(big, sizeof(big), &ok), -EPROTO);
	assert_int_equal(probe_against(NULL, 0, &ok), -ETIMEDOUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psk__derived_fixed_per_key_not_the_key),
		cmocka_unit_test(same_key__handshake__same_channel_binding),
		cmocka_unit_test(wrong_key__refused_in_the_handshake),
		cmocka_unit_test(plaintext_client__refused),
		cmocka_unit_test(pump__4MiB_intact__eof_carried__both_end),
		cmocka_unit_test(flipped_byte_after_handshake__session_ends),
		cmocka_unit_test(probe__starttls_yes__plain_or_denied_no__garbage_refused),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("tls", tests, NULL, NULL);
}
