/* test_encrypt.c: integration: tcp: sessions and streams in TLS (RFC 9289) against a real hostcalld. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "io.h"
#include "keyfile.h"
#include "raw_rpc.h"
#include "rpc/hostcall.h"
#include "session.h"
#include "tls.h"
#include "tls_probe.h"
#include "transport.h"
#include "tunnel.h"

static struct test_daemon daemon_;
static struct timeval tv5 = { 5, 0 };

static int setup(void **state)
{
	(void)state;
	return test_daemon_start(&daemon_, NULL);
}

static int setup_tls_required(void **state)
{
	static const char *const tls[] = { "--tls", NULL };

	(void)state;
	return test_daemon_start(&daemon_, tls);
}

static int teardown(void **state)
{
	(void)state;
	return test_daemon_stop(&daemon_) == 0 ? 0 : -1;
}

/* ---- certificates (mutual TLS) ---- */

static char certs[64];

static const char *cert_file(const char *name)
{
	static char paths[8][128];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, 128, "%s/%s", certs, name);
	return p;
}

static int setup_certificates(void **state)
{
	char cmd[256];
	const char *args[] = { "--tls", "--tls-cert", NULL, "--tls-key", NULL, "--tls-ca", NULL, NULL };

	(void)state;
	snprintf(certs, sizeof(certs), "/tmp/hccerts.XXXXXX");
	if (!mkdtemp(certs))
		return -1;
	snprintf(cmd, sizeof(cmd), "tests/integration/make-certs.sh %s", certs);
	if (system(cmd) != 0)
		return -1;
	args[2] = cert_file("server.pem");
	args[4] = cert_file("server.key");
	args[6] = cert_file("ca.pem");
	return test_daemon_start(&daemon_, args);
}

static int teardown_certificates(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", certs);
	if (system(cmd) != 0)
		return -1;
	return teardown(state);
}

static int connect_with_certs(const char *who, const char *ca, struct hc_session **s)
{
	char cert[16], key[16];
	struct hc_connect_opts o = { .keyfile = daemon_.key, .tls = HC_TLS_REQUIRE };

	snprintf(cert, sizeof(cert), "%s.pem", who);
	snprintf(key, sizeof(key), "%s.key", who);
	o.tls_cert = who ? cert_file(cert) : NULL;
	o.tls_key = who ? cert_file(key) : NULL;
	o.tls_ca = who ? cert_file(ca) : NULL;
	*s = NULL;
	return hc_connect_with(daemon_.tcp_url, &o, s);
}

/* A host program's words through a stream of @s. Returns: 0 when "hi\n" came. */
static int stream_works(struct hc_session *s)
{
	char *argv[] = { (char *)"echo", (char *)"hi", NULL };
	struct hc_spawn_spec sp = { .path = "echo", .argv = argv, .close_handles = 1 };
	char buf[16] = "";
	int fd, status;
	hc_handle_t h = hc_stream_open(s, &fd);
	pid_t pid;
	ssize_t n;

	if (h < 0)
		return -1;
	sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	pid = hc_spawn(s, &sp);
	n = pid > 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	close(fd);
	if (pid <= 0 || hc_waitpid(s, pid, &status, 0) != pid)
		return -1;
	return n == 3 && memcmp(buf, "hi\n", 3) == 0 ? 0 : -1;
}

static void mutual_tls__certificates_of_the_ca__session_and_streams_served(void **state)
{
	struct hc_session *s;
	char what[128];

	(void)state;
	assert_int_equal(connect_with_certs("client", "ca.pem", &s), 0);
	assert_int_equal(hc_session_security(s, what, sizeof(what)), 1);
	assert_non_null(strstr(what, "TLSv1.3"));
	assert_non_null(strstr(what, "x509"));
	assert_int_equal(hc_null(s), 0);
	assert_int_equal(stream_works(s), 0);
	hc_disconnect(s);
}

static void mutual_tls__no_certificate_or_another_ca__refused(void **state)
{
	struct hc_session *s;
	int r;

	(void)state;
	assert_true(connect_with_certs(NULL, NULL, &s) < 0);   /* the key's PSK: this host wants certificates */
	r = connect_with_certs("stranger", "ca.pem", &s);   /* another CA's client: in TLS 1.3 */
	assert_true(r == -EACCES || r == -ECONNRESET);      /* the host's alert may come after */
	assert_true(test_log_contains(&daemon_, "TLS handshake failed"));
	assert_int_equal(connect_with_certs("client", "other-ca.pem", &s), -EACCES);   /* a host we cannot verify */
	assert_non_null(strstr(hc_connect_error(), "certificates"));
	assert_int_equal(test_log_lines(&daemon_, "session authenticated"), 0);
	assert_int_equal(connect_with_certs("client", "ca.pem", &s), 0);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}


static int connect_mode(const char *url, const char *key, enum hc_tls_mode mode,
			struct hc_session **s)
{
	struct hc_connect_opts o = { .keyfile = key, .tls = mode };

	*s = NULL;
	return hc_connect_with(url, &o, s);
}

static int daemon_port(void)
{
	const char *colon = strrchr(daemon_.tcp_url, ':');

	return colon ? atoi(colon + 1) : -1;
}

/* A key file holding another key than the daemon's. */
static void write_other_key(char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/other.key", daemon_.dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "%064x\n", 7);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
}

/* ---- sessions ---- */

static void loopback_auto__tls_runs_and_serves(void **state)
{
	struct hc_session *s, *clear;
	char what[128];

	(void)state;
	assert_int_equal(connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_AUTO, &s), 0);
	assert_int_equal(hc_session_security(s, what, sizeof(what)), 1);
	assert_non_null(strstr(what, "TLSv1.3"));
	assert_non_null(strstr(what, "X25519"));
	assert_non_null(strstr(what, "psk"));
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
	assert_true(test_log_contains(&daemon_, "TLS: TLSv1.3"));
	/* on loopback TLS may be left off */
	assert_int_equal(connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_OFF, &clear), 0);
	assert_int_equal(hc_session_security(clear, what, sizeof(what)), 0);
	assert_int_equal(hc_null(clear), 0);
	hc_disconnect(clear);
}

/* A forked child's part: 3 MiB written to a host file and a host variable set, through @s. */
static void child_writes_through(struct hc_session *s, const char *path, const char *data,
				 size_t len)
{
	int h = hc_open(s, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int ok = h >= 0 && hc_write(s, h, data, len) == (ssize_t)len && hc_close(s, h) == 0 &&
		 hc_setenv(s, "HC_FORKED_CHILD", "was here", 1) == 0;

	_exit(ok ? 0 : 1);
}

/* A forked child cannot use its parent's TLS state: its calls are relayed into the same session. */
static void forked_child__calls_relayed_into_the_parents_session(void **state)
{
	size_t len = 3u << 20;
	char *data = malloc(len), *back = malloc(len), path[400], value[32];
	struct hc_session *s;
	int status, h;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_non_null(data);
	assert_non_null(back);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)(i * 131 + (i >> 12));
	snprintf(path, sizeof(path), "%s/forked", daemon_.dir);
	assert_int_equal(connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_REQUIRE, &s), 0);
	assert_int_equal(hc_null(s), 0);
	fflush(NULL);
	if ((pid = fork()) == 0)
		child_writes_through(s, path, data, len);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* the parent's session goes on, and is the one the child used */
	assert_int_equal(hc_getenv(s, "HC_FORKED_CHILD", value, sizeof(value)), 0);
	assert_string_equal(value, "was here");
	assert_true((h = hc_open(s, path, O_RDONLY, 0)) >= 0);
	for (size_t got = 0; got < len; got += (size_t)n)
		assert_true((n = hc_read(s, h, back + got, len - got)) > 0);
	assert_int_equal(hc_close(s, h), 0);
	assert_memory_equal(back, data, len);
	hc_disconnect(s);
	free(data);
	free(back);
}

/* A child that asks for 1 MiB, gives up at once and never reads the answer. */
static void child_abandons_a_read(struct hc_session *s, const char *path)
{
	static char buf[1u << 20];
	int h = hc_open(s, path, O_RDONLY, 0);

	if (h < 0 || hc_set_timeout(s, 1) != 0)
		_exit(1);
	hc_read(s, h, buf, sizeof(buf));
	sleep(30);   /* till killed: its socket's reader, gone quiet */
	_exit(0);
}

/*
 * The relay hands a reply back to the children after it lets the session go: a child that
 * does not read holds up no one else.
 */
static void forked_child_not_reading_its_reply__parent_still_served(void **state)
{
	size_t len = 1u << 20;
	char *data = malloc(len), path[400];
	struct hc_session *s;
	long long t0;
	int fd, status;
	pid_t pid;

	(void)state;
	assert_non_null(data);
	memset(data, 'r', len);
	snprintf(path, sizeof(path), "%s/big", daemon_.dir);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) >= 0);
	assert_int_equal(hc_write_all(fd, data, len), 0);
	close(fd);
	assert_int_equal(connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_REQUIRE, &s), 0);
	assert_int_equal(hc_null(s), 0);
	fflush(NULL);
	if ((pid = fork()) == 0)
		child_abandons_a_read(s, path);
	assert_true(pid > 0);
	usleep(500000);   /* its call made, its reply come back */
	t0 = test_now_ms();
	assert_int_equal(hc_null(s), 0);
	assert_int_equal(hc_setenv(s, "HC_PARENT", "served", 1), 0);
	assert_true(test_now_ms() - t0 < 2000);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	hc_disconnect(s);
	free(data);
}

#define CALLERS 4
#define CALLS_EACH 300

static void *null_caller(void *arg)
{
	struct hc_session *s = arg;
	intptr_t failed = 0;

	for (int i = 0; i < CALLS_EACH; i++)
		failed += hc_null(s) != 0;
	return (void *)failed;
}

/* Threads of one process take turns in the session's TLS: every call answered. */
static void threads__share_one_tls_session(void **state)
{
	struct hc_session *s;
	pthread_t th[CALLERS];
	void *failed;
	char cwd[256];

	(void)state;
	assert_int_equal(connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_REQUIRE, &s), 0);
	for (int i = 0; i < CALLERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, null_caller, s), 0);
	for (int i = 0; i < CALLERS; i++) {
		assert_int_equal(pthread_join(th[i], &failed), 0);
		assert_null(failed);
	}
	assert_int_equal(hc_getcwd(s, cwd, sizeof(cwd)), 0);
	hc_disconnect(s);
}

static void dosh_tls_env__unknown_value__clear_error(void **state)
{
	struct hc_session *s = NULL;

	(void)state;
	setenv("DOSH_TLS", "sometimes", 1);
	assert_int_equal(hc_connect(daemon_.tcp_url, daemon_.key, &s), -EINVAL);
	assert_non_null(strstr(hc_connect_error(), "DOSH_TLS=sometimes"));
	setenv("DOSH_TLS", "require", 1);
	assert_int_equal(hc_connect(daemon_.tcp_url, daemon_.key, &s), 0);
	assert_int_equal(hc_session_security(s, NULL, 0), 1);
	hc_disconnect(s);
	unsetenv("DOSH_TLS");
}

static void wrong_key__fails_in_the_handshake(void **state)
{
	char other[400];
	uint8_t key[HC_KEY_LEN];
	struct hc_session *s;
	struct hc_tls *t = NULL;
	int fd;

	(void)state;
	write_other_key(other, sizeof(other));
	assert_int_equal(connect_mode(daemon_.tcp_url, other, HC_TLS_REQUIRE, &s), -EACCES);
	assert_non_null(strstr(hc_connect_error(), "TLS handshake"));
	assert_int_equal(hc_key_load(other, key), 0);
	assert_true((fd = test_raw_connect(&daemon_)) >= 0);
	assert_int_equal(hc_tls_probe(fd, 5000), 1);
	assert_int_equal(hc_tls_open(fd, HC_TLS_CLIENT, key, 5000, &t), -EACCES);
	close(fd);
	for (int i = 0; i < 100 && !test_log_contains(&daemon_, "TLS handshake failed"); i++)
		usleep(20000);
	assert_true(test_log_contains(&daemon_, "TLS handshake failed: another key"));
	assert_int_equal(test_log_lines(&daemon_, "session authenticated"), 0);
}

/* --tls: a client in clear gets no call served, not even NULL; one in TLS does. */
static void tls_required__plaintext_client__no_call_served(void **state)
{
	hc_auth_begin_args begin;
	hc_auth_begin_res br;
	struct rpc_err e;
	struct hc_session *s;
	CLIENT *c;
	int fd;

	(void)state;
	assert_non_null(c = test_raw_client(&daemon_, &fd));
	assert_int_equal(clnt_call(c, HC_NULL, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void,
				   NULL, tv5), RPC_AUTHERROR);
	clnt_geterr(c, &e);
	assert_int_equal(e.re_why, AUTH_TOOWEAK);
	memset(&begin, 0, sizeof(begin));
	memset(&br, 0, sizeof(br));
	assert_int_equal(clnt_call(c, HC_AUTH_BEGIN, (xdrproc_t)xdr_hc_auth_begin_args, &begin,
				   (xdrproc_t)xdr_hc_auth_begin_res, &br, tv5), RPC_AUTHERROR);
	assert_int_equal(test_raw_authenticate(c, daemon_.key), -1);
	clnt_destroy(c);
	close(fd);
	assert_true(connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_OFF, &s) < 0);
	assert_non_null(strstr(hc_connect_error(), "requires TLS"));
	assert_true(test_log_contains(&daemon_, "call in clear refused"));
	/* unix: too, under --tls; auto finds it out by the probe */
	assert_int_equal(connect_mode(daemon_.unix_url, NULL, HC_TLS_AUTO, &s), -EACCES);
	assert_int_equal(connect_mode(daemon_.unix_url, daemon_.key, HC_TLS_AUTO, &s), 0);
	assert_int_equal(hc_session_security(s, NULL, 0), 1);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
	assert_int_equal(connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_AUTO, &s), 0);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}

/* Anything but a ClientHello after STARTTLS ends the connection, answered by nothing. */
static void starttls_skipped__connection_dropped(void **state)
{
	unsigned char call[HC_TLS_PROBE_LEN], got[64];
	struct pollfd p;
	int fd;
	ssize_t n;

	(void)state;
	assert_true((fd = test_raw_connect(&daemon_)) >= 0);
	assert_int_equal(hc_tls_probe(fd, 5000), 1);
	hc_tls_probe_encode(0x1234, call);
	call[4 * 7 + 3] = AUTH_NONE;   /* the same NULL call, in clear: the credential flavor */
	assert_int_equal(hc_write_all(fd, call, sizeof(call)), 0);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 5000), 1);
	n = recv(fd, got, sizeof(got), 0);
	assert_true(n <= 0 || got[0] == 0x15);   /* the end, or a TLS alert: never an RPC reply */
	close(fd);
	assert_int_equal(test_log_lines(&daemon_, "session authenticated"), 0);
}

/* CPU seconds process @pid (all its threads) has used. */
static double cpu_seconds(pid_t pid)
{
	return (double)(test_proc_stat_field(pid, 14) + test_proc_stat_field(pid, 15)) /
	       (double)sysconf(_SC_CLK_TCK);
}

/*
 * After the handshake, the header of a 16 KiB record and 1000 bytes of it: OpenSSL holds part
 * of a record (SSL_has_pending() says 1), which poll() must be trusted to wake for, not spun on.
 */
static void half_a_record__shadow_waits_for_the_rest_without_spinning(void **state)
{
	static const unsigned char header[] = { 23, 3, 3, 0x40, 0x00 };
	unsigned char body[1000];
	uint8_t key[HC_KEY_LEN];
	struct hc_tls *tls;
	pid_t shadow;
	double before, used;
	int fd;

	(void)state;
	memset(body, 0x5a, sizeof(body));
	assert_int_equal(hc_key_load(daemon_.key, key), 0);
	assert_true((fd = test_raw_connect(&daemon_)) >= 0);
	assert_int_equal(hc_tls_probe(fd, 5000), 1);
	assert_int_equal(hc_tls_open(fd, HC_TLS_CLIENT, key, 5000, &tls), 0);
	assert_int_equal(test_children_of(daemon_.pid, &shadow, 1), 1);
	assert_int_equal(hc_write_all(fd, header, sizeof(header)), 0);
	assert_int_equal(hc_write_all(fd, body, sizeof(body)), 0);
	usleep(200000);   /* taken in by now */
	before = cpu_seconds(shadow);
	usleep(1000000);
	used = cpu_seconds(shadow) - before;
	printf("shadow CPU with half a record waiting: %.2f s in 1 s\n", used);
	assert_true(used < 0.3);
	assert_int_equal(test_proc_stat_field(shadow, 3) != 'Z', 1);   /* still waiting, not dead */
	hc_tls_free(tls);
	close(fd);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* RFC 5531: a call of RPC version 3 inside TLS is denied with RPC_MISMATCH, versions 2 to 2. */
static void rpc_version_3_in_tls__denied_rpc_mismatch(void **state)
{
	static const uint32_t call[] = { 0x11223344, 0 /* CALL */, 3, HOSTCALL_PROG, HOSTCALL_V3,
					 0, 0, 0, 0, 0 };
	/* the answer: mark; xid; REPLY; MSG_DENIED; RPC_MISMATCH; low 2; high 2 */
	static const unsigned char want[] = { 0x80, 0, 0, 24, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1,
					      0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2 };
	unsigned char rec[4 + sizeof(call) / sizeof(call[0]) * 4], got[sizeof(want)];
	uint8_t key[HC_KEY_LEN];
	struct hc_tls *tls;
	size_t have = 0;
	ssize_t n;
	int fd;

	(void)state;
	put32(rec, 0x80000000u | (uint32_t)(sizeof(rec) - 4));
	for (size_t i = 0; i < sizeof(call) / sizeof(call[0]); i++)
		put32(rec + 4 + 4 * i, call[i]);
	assert_int_equal(hc_key_load(daemon_.key, key), 0);
	assert_true((fd = test_raw_connect(&daemon_)) >= 0);
	assert_int_equal(hc_tls_probe(fd, 5000), 1);
	assert_int_equal(hc_tls_open(fd, HC_TLS_CLIENT, key, 5000, &tls), 0);
	assert_int_equal(hc_tls_write_all(tls, rec, sizeof(rec), 5000), 0);
	for (int i = 0; i < 500 && have < sizeof(got); i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if ((n = hc_tls_read_some(tls, got + have, sizeof(got) - have)) > 0)
			have += (size_t)n;
		else if (n == 0)
			poll(&p, 1, 10);
		else
			break;
	}
	assert_int_equal(have, sizeof(got));
	assert_memory_equal(got, want, sizeof(want));
	hc_tls_free(tls);
	close(fd);
}

/* ---- a man in the middle on loopback ---- */

enum mitm_mode { MITM_FLIP, MITM_RECORD };

/*
 * Relay one connection to the daemon; from the client's side, after the probe's 44 bytes,
 * follow TLS records: MITM_FLIP flips byte @at of the first record after the client's
 * Finished (its first record of type 23); MITM_RECORD writes all it saw to @rec_fd.
 */
struct mitm {
	enum mitm_mode mode;
	int at;
	int rec_fd;
	size_t seen;            /* client bytes so far */
	size_t rec_start;       /* where the current record began */
	unsigned char hdr[5];
	size_t rec_len;         /* of the current record's body; 0: in a header */
	int app_records;        /* type-23 records finished */
};

/* The byte at client offset m->seen passes: should it be flipped? */
static int mitm_flip_here(struct mitm *m, unsigned char *b)
{
	size_t off;

	if (m->seen < HC_TLS_PROBE_LEN)
		return 0;
	off = m->seen - m->rec_start;
	if (off < 5) {
		m->hdr[off] = *b;
		if (off == 4)
			m->rec_len = (size_t)m->hdr[3] << 8 | m->hdr[4];
	}
	if (m->mode == MITM_FLIP && m->app_records == 1 && m->hdr[0] == 23 && (int)off == m->at)
		*b ^= 0x01;
	if (off >= 4 && off == 4 + m->rec_len) {
		m->app_records += m->hdr[0] == 23;
		m->rec_start = m->seen + 1;
		m->rec_len = 0;
	}
	return 0;
}

static void mitm_client_bytes(struct mitm *m, unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++, m->seen++) {
		if (m->seen == HC_TLS_PROBE_LEN)
			m->rec_start = m->seen;
		mitm_flip_here(m, &buf[i]);
	}
	if (m->mode == MITM_RECORD && hc_write_all(m->rec_fd, buf, n) != 0)
		_exit(3);
}

static void mitm_relay(int client, int server, struct mitm *m)
{
	unsigned char buf[16384];

	for (;;) {
		struct pollfd p[2] = { { client, POLLIN, 0 }, { server, POLLIN, 0 } };
		ssize_t n;
		if (poll(p, 2, 10000) <= 0)
			return;
		if (p[0].revents) {
			if ((n = recv(client, buf, sizeof(buf), 0)) <= 0)
				return;
			mitm_client_bytes(m, buf, (size_t)n);
			if (hc_write_all(server, buf, (size_t)n) != 0)
				return;
		}
		if (p[1].revents) {
			if ((n = recv(server, buf, sizeof(buf), 0)) <= 0 || hc_write_all(client, buf, (size_t)n))
				return;
		}
	}
}

/* A child relaying one connection on a fresh loopback port (*@url). Returns: its pid. */
static pid_t mitm_start(struct mitm m, char *url, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(url, len, "tcp://127.0.0.1:%d", ntohs(sin.sin_port));
	fflush(NULL);
	if ((pid = fork()) == 0) {
		int c = accept(lfd, NULL, NULL), s = test_raw_connect(&daemon_);
		if (c < 0 || s < 0)
			_exit(2);
		mitm_relay(c, s, &m);
		_exit(0);
	}
	close(lfd);
	assert_true(pid > 0);
	return pid;
}

static void mitm_wait(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* OpenSSH's integrity.sh, on hostcall: one flipped byte after the handshake, ten places. */
static void flipped_byte_after_handshake__connection_ends_each_time(void **state)
{
	static const int offsets[10] = { 0, 5, 9, 14, 20, 27, 33, 41, 50, 60 };
	int before = test_log_lines(&daemon_, "session authenticated");

	(void)state;
	for (int i = 0; i < 10; i++) {
		struct mitm m = { .mode = MITM_FLIP, .at = offsets[i], .rec_fd = -1 };
		char url[64];
		struct hc_session *s;
		long long t0 = test_now_ms();
		pid_t pid = mitm_start(m, url, sizeof(url));
		int r = connect_mode(url, daemon_.key, HC_TLS_REQUIRE, &s);

		if (r == 0)
			hc_disconnect(s);
		mitm_wait(pid);
		assert_true(r < 0);
		assert_true(r == -ECONNRESET || r == -EPROTO || r == -EIO);
		assert_true(test_now_ms() - t0 < 5000);   /* ended, not left to time out */
	}
	assert_int_equal(test_log_lines(&daemon_, "session authenticated"), before);
}

/* A recorded session's client bytes after the probe, sent again on a new connection: nothing is served. */
static void replayed_handshake__refused(void **state)
{
	char path[400], url[64];
	struct mitm m = { .mode = MITM_RECORD };
	struct hc_session *s;
	unsigned char buf[65536], reply[4096];
	ssize_t n, len;
	pid_t pid;
	int fd, authenticated;

	(void)state;
	snprintf(path, sizeof(path), "%s/recorded", daemon_.dir);
	assert_true((m.rec_fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) >= 0);
	pid = mitm_start(m, url, sizeof(url));
	assert_int_equal(connect_mode(url, daemon_.key, HC_TLS_REQUIRE, &s), 0);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
	mitm_wait(pid);
	authenticated = test_log_lines(&daemon_, "session authenticated");
	assert_int_equal(authenticated, 1);
	assert_true((len = pread(m.rec_fd, buf, sizeof(buf), 0)) > HC_TLS_PROBE_LEN);
	close(m.rec_fd);
	assert_true((fd = test_raw_connect(&daemon_)) >= 0);
	assert_int_equal(hc_tls_probe(fd, 5000), 1);   /* as a client does: the answer awaited */
	assert_int_equal(hc_write_all(fd, buf + HC_TLS_PROBE_LEN, (size_t)len - HC_TLS_PROBE_LEN), 0);
	while ((n = recv(fd, reply, sizeof(reply), 0)) > 0)   /* till the daemon ends it */
		;
	close(fd);
	for (int i = 0; i < 100 && !test_log_contains(&daemon_, "TLS handshake failed"); i++)
		usleep(20000);
	assert_true(test_log_contains(&daemon_, "TLS handshake failed"));
	assert_int_equal(test_log_lines(&daemon_, "session authenticated"), authenticated);
}

/* ---- streams ---- */

static void tls_stream_token__single_use__clear_dial_refused(void **state)
{
	struct hc_session *s;
	hc_stream_res res, res2;

	(void)state;
	assert_int_equal(connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_REQUIRE, &s), 0);
	memset(&res, 0, sizeof(res));
	memset(&res2, 0, sizeof(res2));
	assert_int_equal(hc_session_call(s, HC_STREAM_CREATE, (xdrproc_t)hc_xdr_void, NULL,
					 (xdrproc_t)xdr_hc_stream_res, &res), 0);
	assert_int_equal(res.err, HC_OK);
	assert_int_equal(test_raw_stream_dial(&daemon_, &res.hc_stream_res_u.ticket, 1), 0);
	assert_int_equal(test_raw_stream_dial(&daemon_, &res.hc_stream_res_u.ticket, 1), -1);   /* replay */
	assert_int_equal(hc_session_call(s, HC_STREAM_CREATE, (xdrproc_t)hc_xdr_void, NULL,
					 (xdrproc_t)xdr_hc_stream_res, &res2), 0);
	assert_int_equal(test_raw_stream_dial(&daemon_, &res2.hc_stream_res_u.ticket, 0), -1);   /* in clear */
	assert_true(test_log_contains(&daemon_, "dialled in clear for a session in TLS"));
	assert_int_equal(test_raw_stream_dial(&daemon_, &res2.hc_stream_res_u.ticket, 1), 0);   /* still unused */
	hc_disconnect(s);
}

/* ---- a flood of wrong-key handshakes ---- */

struct capture {
	int fd;
	uint8_t key[HC_KEY_LEN];
};

static void *client_hello_thread(void *arg)
{
	struct capture *c = arg;
	struct hc_tls *t = NULL;

	hc_tls_open(c->fd, HC_TLS_CLIENT, c->key, 300, &t);   /* times out: nobody answers */
	hc_tls_free(t);
	return NULL;
}

/* The ClientHello a client with another key sends, as bytes. Returns: its length. */
static size_t wrong_key_client_hello(unsigned char *buf, size_t cap)
{
	struct capture c;
	pthread_t th;
	int sp[2];
	size_t got = 0;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	c.fd = sp[0];
	memset(c.key, 0x33, sizeof(c.key));
	assert_int_equal(pthread_create(&th, NULL, client_hello_thread, &c), 0);
	for (;;) {
		struct pollfd p = { .fd = sp[1], .events = POLLIN };
		ssize_t n;
		if (poll(&p, 1, 100) <= 0 || (n = recv(sp[1], buf + got, cap - got, 0)) <= 0)
			break;
		got += (size_t)n;
	}
	pthread_join(th, NULL);
	close(sp[0]);
	close(sp[1]);
	return got;
}

/* A bare connection from 127.0.0.2 (another source than the real client). */
static int dial_from_other_source(int port)
{
	struct sockaddr_in me = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	me.sin_addr.s_addr = htonl(0x7f000002);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons((uint16_t)port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) != 0 ||
	    (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0 && errno != EINPROGRESS)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

enum { FLOOD = 500 };

/*
 * The flood, in a child: FLOOD connections from 127.0.0.2, each sending the probe and a
 * wrong-key ClientHello at once, as a client does; a byte on @halfway when half are out; the
 * connections held open while the real client connects. Exits with how many it sent.
 */
static void wrong_key_flood(int halfway, const unsigned char *hello, size_t hlen)
{
	unsigned char probe[HC_TLS_PROBE_LEN];
	static int fds[FLOOD];
	int sent = 0;

	hc_tls_probe_encode(0x5eed, probe);
	for (int i = 0; i < FLOOD; i++) {
		struct pollfd p = { .fd = fds[i] = dial_from_other_source(daemon_port()),
				    .events = POLLOUT };
		if (fds[i] >= 0 && poll(&p, 1, 1000) == 1 &&
		    send(fds[i], probe, sizeof(probe), MSG_NOSIGNAL) == (ssize_t)sizeof(probe) &&
		    send(fds[i], hello, hlen, MSG_NOSIGNAL) == (ssize_t)hlen)
			sent++;
		if (i == FLOOD / 2 && write(halfway, "h", 1) != 1)
			_exit(255);
	}
	sleep(3);
	_exit(sent * 250 / FLOOD);   /* an exit status: sent, scaled to fit */
}

static void wrong_key_flood__real_client_connects_within_2s(void **state)
{
	unsigned char hello[4096], c;
	size_t hlen = wrong_key_client_hello(hello, sizeof(hello));
	struct hc_session *s = NULL;
	int halfway[2], status, r;
	long long t0, ms;
	pid_t pid;

	(void)state;
	assert_true(hlen > 100 && hello[0] == 0x16);
	test_raise_fd_limit();
	assert_int_equal(pipe(halfway), 0);
	fflush(NULL);
	if ((pid = fork()) == 0)
		wrong_key_flood(halfway[1], hello, hlen);
	assert_true(pid > 0);
	close(halfway[1]);
	assert_int_equal(read(halfway[0], &c, 1), 1);
	close(halfway[0]);
	t0 = test_now_ms();
	r = connect_mode(daemon_.tcp_url, daemon_.key, HC_TLS_REQUIRE, &s);
	if (r == 0)
		r = hc_null(s);
	ms = test_now_ms() - t0;
	hc_disconnect(s);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	test_figure("tls wrong-key flood", "< 2000 ms", r == 0 && ms < 2000,
		    "%d of %d wrong-key handshakes sent: a real client in %lld ms",
		    WEXITSTATUS(status) * FLOOD / 250, FLOOD, ms);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) > 0);
	assert_int_equal(r, 0);
	assert_true(ms < 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(loopback_auto__tls_runs_and_serves, setup, teardown),
		cmocka_unit_test_setup_teardown(forked_child__calls_relayed_into_the_parents_session,
						setup, teardown),
		cmocka_unit_test_setup_teardown(forked_child_not_reading_its_reply__parent_still_served,
						setup, teardown),
		cmocka_unit_test_setup_teardown(threads__share_one_tls_session, setup, teardown),
		cmocka_unit_test_setup_teardown(dosh_tls_env__unknown_value__clear_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wrong_key__fails_in_the_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(tls_required__plaintext_client__no_call_served,
						setup_tls_required, teardown),
		cmocka_unit_test_setup_teardown(starttls_skipped__connection_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(rpc_version_3_in_tls__denied_rpc_mismatch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(half_a_record__shadow_waits_for_the_rest_without_spinning,
						setup, teardown),
		cmocka_unit_test_setup_teardown(flipped_byte_after_handshake__connection_ends_each_time,
						setup, teardown),
		cmocka_unit_test_setup_teardown(replayed_handshake__refused, setup, teardown),
		cmocka_unit_test_setup_teardown(tls_stream_token__single_use__clear_dial_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wrong_key_flood__real_client_connects_within_2s,
						setup, teardown),
		cmocka_unit_test_setup_teardown(mutual_tls__certificates_of_the_ca__session_and_streams_served,
						setup_certificates, teardown_certificates),
		cmocka_unit_test_setup_teardown(mutual_tls__no_certificate_or_another_ca__refused,
						setup_certificates, teardown_certificates),
	};

	return cmocka_run_group_tests_name("encrypt", tests, NULL, NULL);
}
