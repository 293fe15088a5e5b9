/* bench_core.c: make bench: hostcall figures side by side with their baselines, measured in one run. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "harness.h"
#include "transport.h"

#define BENCH_PROG 0x2f484332
#define S(x) ((char *)(x))

extern char **environ;



/* ---- the raw libtirpc baseline server ---- */

static void raw_dispatch(struct svc_req *rq, SVCXPRT *xprt)
{
	if (rq->rq_proc == NULLPROC)
		svc_sendreply(xprt, (xdrproc_t)hc_xdr_void, NULL);
	else
		svcerr_noproc(xprt);
}

static pid_t raw_server(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, len) != 0 || listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	*port = ntohs(sin.sin_port);
	pid = fork();
	if (pid == 0) {
		SVCXPRT *x = svc_vc_create(fd, 0, 0);
		if (!x || !svc_register(x, BENCH_PROG, 1, raw_dispatch, 0))
			_exit(1);
		svc_run();
		_exit(0);
	}
	close(fd);
	return pid;
}

static int dial(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				   .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* ---- measurements ---- */

#define LAT_N 20000

static double raw_null_us(CLIENT *c, int n)
{
	struct timeval tv = { 5, 0 };
	double *v = malloc(sizeof(double) * (size_t)n), m;

	for (int i = 0; i < n; i++) {
		double t0 = test_now_us();
		clnt_call(c, NULLPROC, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void, NULL, tv);
		v[i] = test_now_us() - t0;
	}
	m = test_median(v, n);
	free(v);
	return m;
}

static double local_spawn_us(int n)
{
	char *argv[] = { S("true"), NULL };
	double *v = malloc(sizeof(double) * (size_t)n), m;

	for (int i = 0; i < n; i++) {
		double t0 = test_now_us();
		pid_t pid;
		int st;
		if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) == 0)
			waitpid(pid, &st, 0);
		v[i] = test_now_us() - t0;
	}
	m = test_median(v, n);
	free(v);
	return m;
}

static double hc_spawn_us(struct hc_session *s, int n)
{
	char *argv[] = { S("true"), NULL };
	struct hc_spawn_spec sp = { .path = "/bin/true", .argv = argv };
	double *v = malloc(sizeof(double) * (size_t)n), m;

	for (int i = 0; i < n; i++) {
		double t0 = test_now_us();
		int st;
		pid_t pid = hc_spawn(s, &sp);
		if (pid > 0)
			hc_waitpid(s, pid, &st, 0);
		v[i] = test_now_us() - t0;
	}
	m = test_median(v, n);
	free(v);
	return m;
}

#define XFER (256u << 20)
#define XCHUNK (256u << 10)

static double push_gbps(int fd)
{
	char *buf = malloc(XCHUNK);
	double t0;

	memset(buf, 'z', XCHUNK);
	t0 = test_now_us();
	for (size_t sent = 0; sent < XFER;) {
		ssize_t w = write(fd, buf, XCHUNK);
		if (w <= 0)
			break;
		sent += (size_t)w;
	}
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, XCHUNK) > 0)   /* the reader has it all once it closes */
		;
	free(buf);
	return XFER / ((test_now_us() - t0) / 1e6) / 1e9;
}

/* Open and close a stream @n times: the dial, hello and (in TLS) handshake. Returns: the median in us. */
static double stream_open_us(struct hc_session *s, int n)
{
	double *v = malloc(sizeof(double) * (size_t)n), m;

	for (int i = 0; i < n; i++) {
		double t0 = test_now_us();
		int fd;
		hc_handle_t h = hc_stream_open(s, &fd);
		v[i] = test_now_us() - t0;
		if (h >= 0) {
			close(fd);
			hc_close(s, h);
		}
	}
	m = test_median(v, n);
	free(v);
	return m;
}

/* Raw TCP loopback: a child process reads and discards, as the host program does. */
static double raw_tcp_gbps(int cpu_reader)
{
	int port = 0, fd;
	pid_t pid = test_discard_server(XCHUNK, &port);
	double g;

	if (pid < 0)
		return 0;
	test_pin(pid, cpu_reader);
	fd = dial(port);
	g = push_gbps(fd);
	close(fd);
	waitpid(pid, NULL, 0);
	return g;
}

static double stream_gbps(struct hc_session *s)
{
	char *argv[] = { S("cat"), NULL };
	struct hc_spawn_spec sp = { .path = "cat", .argv = argv, .close_handles = 1 };
	int fd, st;
	hc_handle_t h = hc_stream_open(s, &fd);
	double g;
	pid_t pid;

	sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	pid = hc_spawn(s, &sp);
	if (h < 0 || pid <= 0)
		return 0;
	g = push_gbps(fd);
	close(fd);
	hc_waitpid(s, pid, &st, 0);
	return g;
}

static void row(const char *what, const char *placement, const char *unit, double base,
		double ours, const char *target)
{
	double ratio = ours / base;

	printf("%-34s %-6s %10.2f %-5s %10.2f %-5s %7.2fx  %s\n", what, placement, base, unit,
	       ours, unit, ratio, target);
}

/* The same session's figures in clear (@s) and in TLS (@tls), interleaved: the cost of TLS. */
static void run_tls(const char *name, struct hc_session *s, struct hc_session *tls)
{
	double a[3], b[3];

	for (int r = 0; r < 3; r++) {
		a[r] = test_null_call_us(s, LAT_N / 4);
		b[r] = test_null_call_us(tls, LAT_N / 4);
	}
	row("null call, TLS beside clear tcp: (us)", name, "us", test_median(a, 3), test_median(b, 3),
	    "target <= 2x");
	for (int r = 0; r < 3; r++) {
		a[r] = stream_open_us(s, 20);
		b[r] = stream_open_us(tls, 20);
	}
	row("stream open, TLS beside clear (us)", name, "us", test_median(a, 3), test_median(b, 3),
	    "(no target: the handshake)");
	for (int r = 0; r < 3; r++) {
		a[r] = stream_gbps(s);
		b[r] = stream_gbps(tls);
	}
	row("stream 256 MiB, TLS beside clear", name, "GB/s", test_median(a, 3), test_median(b, 3),
	    "target >= 0.40x and >= 1 GB/s");
}

static void run_placement(const char *name, int server_cpu, struct hc_session *s,
			  struct hc_session *tls, CLIENT *raw, pid_t raw_pid)
{
	struct hc_session_info info, tls_info;
	double a[3], b[3];

	if (hc_info(s, &info) != 0 || hc_info(tls, &tls_info) != 0)
		return;
	test_pin(0, 0);
	test_pin(info.shadow_pid, server_cpu);
	test_pin(tls_info.shadow_pid, server_cpu);
	test_pin(raw_pid, server_cpu);
	for (int r = 0; r < 3; r++) {   /* interleaved rounds: noise hits both sides */
		a[r] = raw_null_us(raw, LAT_N / 4);
		b[r] = test_null_call_us(s, LAT_N / 4);
	}
	row("null call, TCP loopback (us)", name, "us", test_median(a, 3), test_median(b, 3), "target <= 1.3x");
	for (int r = 0; r < 3; r++) {
		a[r] = local_spawn_us(100);
		b[r] = hc_spawn_us(s, 100);
	}
	row("spawn+wait /bin/true (us)", name, "us", test_median(a, 3), test_median(b, 3), "target <= 1.5x");
	for (int r = 0; r < 3; r++) {
		a[r] = raw_tcp_gbps(server_cpu);
		b[r] = stream_gbps(s);
	}
	row("stream 256 MiB (GB/s)", name, "GB/s", test_median(a, 3), test_median(b, 3), "target >= 0.70x");
	run_tls(name, s, tls);
}

static struct hc_session *connect_tls_mode(struct test_daemon *d, enum hc_tls_mode mode)
{
	struct hc_connect_opts o = { .keyfile = d->key, .tls = mode };
	struct hc_session *s = NULL;

	return hc_connect_with(d->tcp_url, &o, &s) == 0 ? s : NULL;
}

int main(void)
{
	struct test_daemon d;
	struct hc_session *s, *tls;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct netbuf nb = { sizeof(sin), sizeof(sin), &sin };
	CLIENT *raw;
	int port = 0, fd;
	pid_t raw_pid;

	signal(SIGPIPE, SIG_IGN);
	test_pin(0, 0);   /* the TLS pump threads, made at connect, run where this process does */
	if (test_daemon_start(&d, (const char *const[]){ "--log-level", "warn", NULL }) != 0 ||
	    !(s = connect_tls_mode(&d, HC_TLS_OFF)) || !(tls = connect_tls_mode(&d, HC_TLS_REQUIRE))) {
		fprintf(stderr, "bench: cannot start hostcalld (set HOSTCALLD)\n");
		return 1;
	}
	raw_pid = raw_server(&port);
	fd = dial(port);
	raw = fd >= 0 ? clnt_vc_create(fd, &nb, BENCH_PROG, 1, 0, 0) : NULL;
	if (raw_pid < 0 || !raw) {
		fprintf(stderr, "bench: cannot start the raw libtirpc server\n");
		return 1;
	}
	printf("hostcall core benchmark: medians; baseline and hostcall measured in the same run.\n");
	printf("same = client and server pinned to cpu 0; split = client cpu 0, server cpu 1.\n\n");
	printf("%-34s %-6s %16s %16s %8s\n", "what", "where", "baseline", "hostcall", "ratio");
	run_placement("same", 0, s, tls, raw, raw_pid);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		run_placement("split", 1, s, tls, raw, raw_pid);
	clnt_destroy(raw);
	close(fd);
	kill(raw_pid, SIGTERM);
	waitpid(raw_pid, NULL, 0);
	hc_disconnect(s);
	hc_disconnect(tls);
	test_daemon_stop(&d);
	return 0;
}
