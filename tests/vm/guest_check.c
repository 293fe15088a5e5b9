/*
 * guest_check.c: run inside a VM: every family of hostcalls, the concurrency
 * race, 100 MiB streams each way, a guest process killed mid-call and (kvm:) a
 * hostile one writing garbage into its channel and the header, against
 * hostcalld on the host through one URL (kvm: or tcp:); --bench measures
 * instead. Nothing here looks at the host but through hostcalls.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "channel.h"
#include "hostcall.h"
#include "io.h"
#include "kvm_pci.h"
#include "rpc/hostcall.h"

#define S(x) ((char *)(x))
#define CHUNK (256u << 10)

static const char *url, *key, *hostdir;
static size_t stream_bytes = 100u << 20;
static int failures;
static int shared_memory_shared;   /* -s: another VM shares the memory: its header is left alone */

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "  %s:%d: %s\n", __func__, __LINE__, #cond);      \
			return -1;                                                        \
		}                                                                         \
	} while (0)

static struct hc_session *session_at(const char *where)
{
	struct hc_session *s = NULL;
	int r;

	for (int i = 0; i < 300 && (r = hc_connect(where, key, &s)) == -EBUSY; i++)
		usleep(10000);   /* a channel still being freed */
	if (r != 0)
		fprintf(stderr, "  hc_connect(%s): %s\n", where, strerror(-r));
	return r == 0 ? s : NULL;
}

static struct hc_session *session(void)
{
	return session_at(url);
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* Run a host shell command line; Returns: its exit status, or -1. */
static int host_sh(struct hc_session *s, const char *line)
{
	char *argv[] = { S("sh"), S("-c"), (char *)line, NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv };
	int status;
	pid_t pid = hc_spawn(s, &sp);

	if (pid < 0 || hc_waitpid(s, pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ---- the calls ---- */

static int check_context(struct hc_session *s)
{
	char buf[4200], **env;
	int n, found = 0;

	CHECK(hc_null(s) == 0);
	CHECK(hc_chdir(s, hostdir) == 0);
	CHECK(hc_getcwd(s, buf, sizeof(buf)) == 0 && strcmp(buf, hostdir) == 0);
	CHECK(hc_chdir(s, "/no/such/dir") == -ENOENT);
	CHECK(hc_setenv(s, "VMCHECK", "one", 1) == 0);
	CHECK(hc_setenv(s, "VMCHECK", "two", 0) == 0);
	CHECK(hc_getenv(s, "VMCHECK", buf, sizeof(buf)) == 0 && strcmp(buf, "one") == 0);
	CHECK((n = hc_environ(s, &env)) > 0);
	for (int i = 0; i < n; i++)
		found |= strcmp(env[i], "VMCHECK=one") == 0;
	hc_strv_free(env);
	CHECK(found);
	CHECK(host_sh(s, "test \"$VMCHECK\" = one && test \"$PWD\" = \"$(pwd -P)\"") == 0);
	CHECK(hc_unsetenv(s, "VMCHECK") == 0);
	CHECK(hc_getenv(s, "VMCHECK", buf, sizeof(buf)) == -ENOENT);
	return 0;
}

static int check_files(struct hc_session *s)
{
	static char big[1u << 20], back[1u << 20];
	struct stat st;
	char **names;
	int h, n, seen = 0;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 31 + 7);
	CHECK(hc_chdir(s, hostdir) == 0);
	CHECK(hc_mkdir(s, "files", 0700) == 0 || hc_stat(s, "files", &st) == 0);
	CHECK((h = hc_open(s, "files/a", O_RDWR | O_CREAT | O_TRUNC, 0600)) >= 0);
	CHECK(hc_write(s, h, big, sizeof(big)) == (ssize_t)sizeof(big));
	CHECK(hc_lseek(s, h, 0, SEEK_SET) == 0);
	CHECK(hc_read(s, h, back, sizeof(back)) == (ssize_t)sizeof(back));
	CHECK(memcmp(big, back, sizeof(big)) == 0);
	CHECK(hc_fstat(s, h, &st) == 0 && st.st_size == (off_t)sizeof(big));
	CHECK(hc_close(s, h) == 0);
	CHECK(hc_read(s, h, back, 1) == -EBADF);
	CHECK(hc_rename(s, "files/a", "files/b") == 0);
	CHECK(hc_stat(s, "files/a", &st) == -ENOENT);
	CHECK(hc_lstat(s, "files/b", &st) == 0 && S_ISREG(st.st_mode));
	CHECK((n = hc_readdir(s, "files", &names)) >= 1);
	for (int i = 0; i < n; i++)
		seen |= strcmp(names[i], "b") == 0;
	hc_strv_free(names);
	CHECK(seen);
	CHECK(hc_unlink(s, "files/b") == 0);
	CHECK(hc_open(s, "files/b", O_RDONLY, 0) == -ENOENT);
	return 0;
}

static int check_processes(struct hc_session *s)
{
	char *sleeper[] = { S("sleep"), S("100"), NULL };
	char *echo[] = { S("echo"), S("through a host pipe"), NULL };
	char *wc[] = { S("wc"), S("-c"), NULL };
	struct hc_spawn_spec sp = { .path = "sleep", .argv = sleeper };
	struct hc_session *child;
	hc_handle_t p[2], out;
	char buf[64] = "";
	int status;
	pid_t pid, a, b;

	CHECK(host_sh(s, "exit 7") == 7);
	CHECK((pid = hc_spawn(s, &sp)) > 0);
	CHECK(hc_waitpid(s, pid, &status, WNOHANG) == 0);
	CHECK(hc_kill(s, pid, SIGTERM) == 0);
	CHECK(hc_waitpid(s, pid, &status, 0) == pid && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGTERM);
	sp.path = "no-such-program-anywhere";
	CHECK(hc_spawn(s, &sp) == -ENOENT);
	/* echo | wc -c > out, the pipe made and kept on the host */
	CHECK(hc_chdir(s, hostdir) == 0);
	CHECK(hc_pipe(s, p) == 0);
	CHECK((out = hc_open(s, "wc.out", O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	sp = (struct hc_spawn_spec){ .path = "echo", .argv = echo, .close_handles = 0 };
	sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = p[1] };
	CHECK((a = hc_spawn(s, &sp)) > 0);
	sp = (struct hc_spawn_spec){ .path = "wc", .argv = wc };
	sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = p[0] };
	sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = out };
	CHECK(hc_close(s, p[1]) == 0);
	CHECK((b = hc_spawn(s, &sp)) > 0);
	CHECK(hc_close(s, p[0]) == 0 && hc_close(s, out) == 0);
	CHECK(hc_waitpid(s, a, &status, 0) == a && hc_waitpid(s, b, &status, 0) == b);
	CHECK((out = hc_open(s, "wc.out", O_RDONLY, 0)) >= 0);
	CHECK(hc_read(s, out, buf, sizeof(buf) - 1) > 0 && atoi(buf) == 20);
	hc_close(s, out);
	/* fork, then exec in the child shadow */
	CHECK((pid = hc_fork(s, &child)) > 0);
	{
		char *argv[] = { S("sh"), S("-c"), S("exit 3"), NULL };
		CHECK(hc_exec(child, "sh", argv, NULL) == 0);
	}
	hc_session_free_child(child);
	CHECK(hc_waitpid(s, pid, &status, 0) == pid && WEXITSTATUS(status) == 3);
	return 0;
}

static int check_pty_and_sockets(struct hc_session *s)
{
	char *argv[] = { S("sh"), S("-c"), S("test -t 0 && test \"$(stty size)\" = \"33 99\""), NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	hc_handle_t m, sl, l, c, a;
	int status;
	pid_t pid;

	CHECK(hc_pty_open(s, &m, &sl) == 0);
	CHECK(hc_pty_resize(s, m, 33, 99) == 0);
	for (int i = 0; i < 3; i++)
		sp.stdio[i] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = sl };
	CHECK((pid = hc_spawn(s, &sp)) > 0);
	CHECK(hc_waitpid(s, pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	hc_close(s, sl);
	hc_close(s, m);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK((l = hc_socket(s, AF_INET, SOCK_STREAM, 0)) >= 0);
	CHECK(hc_bind(s, l, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(hc_listen(s, l, 4) == 0);
	CHECK(hc_getsockname(s, l, (struct sockaddr *)&sin, &len) == 0 && sin.sin_port != 0);
	CHECK((c = hc_socket(s, AF_INET, SOCK_STREAM, 0)) >= 0);
	CHECK(hc_connect_socket(s, c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK((a = hc_accept(s, l, NULL, NULL)) >= 0);
	CHECK(hc_write(s, c, "ping", 4) == 4);
	{
		char buf[8] = "";
		CHECK(hc_read(s, a, buf, sizeof(buf)) == 4 && memcmp(buf, "ping", 4) == 0);
	}
	hc_close(s, a);
	hc_close(s, c);
	hc_close(s, l);
	return 0;
}

/* ---- the race the shadows exist for ---- */

struct racer {
	int id;
	int bad;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct hc_session *s = session();
	char dir[600], want[32], buf[32];

	if (!s) {
		r->bad = 1;
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%s/www%d", hostdir, r->id);
	snprintf(want, sizeof(want), "site %d", r->id);
	for (int i = 0; i < 300 && !r->bad; i++) {
		int h;
		ssize_t n;
		if (hc_chdir(s, dir) != 0 || (h = hc_open(s, "index.html", O_RDONLY, 0)) < 0) {
			r->bad = 1;
			break;
		}
		n = hc_read(s, h, buf, sizeof(buf) - 1);
		hc_close(s, h);
		r->bad = n != (ssize_t)strlen(want) || memcmp(buf, want, (size_t)n) != 0;
	}
	hc_disconnect(s);
	return NULL;
}

static int check_race(struct hc_session *s)
{
	struct racer r[2] = { { 1, 0 }, { 2, 0 } };
	pthread_t t[2];
	char line[1400];

	snprintf(line, sizeof(line), "cd '%s' && for i in 1 2; do mkdir -p www$i && "
		 "printf 'site %%s' $i > www$i/index.html; done", hostdir);
	CHECK(host_sh(s, line) == 0);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&t[i], NULL, race, &r[i]) == 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK(!r[0].bad && !r[1].bad);
	return 0;
}

/* ---- streams ---- */

static void pattern(unsigned char *b, size_t len, size_t at)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (unsigned char)(((at + i) * 2654435761u) >> 13);
}

static void hex(const unsigned char *h, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Read all of @fd (into @buf up to @len when given), hashing it. Returns: the byte count. */
static size_t drain(int fd, crypto_hash_sha256_state *h, char *buf, size_t len)
{
	static unsigned char chunk[CHUNK];
	size_t total = 0;
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)) {
		if (n <= 0)
			continue;
		if (h)
			crypto_hash_sha256_update(h, chunk, (unsigned long long)n);
		if (buf && total < len)
			memcpy(buf + total, chunk, (size_t)n < len - total ? (size_t)n : len - total);
		total += (size_t)n;
	}
	return total;
}

/* Guest → host sha256sum, whose answer comes back on a second stream; then host → guest. */
static int check_streams_big(struct hc_session *s)
{
	static unsigned char chunk[CHUNK];
	char *sum[] = { S("sha256sum"), NULL }, *gen[] = { S("sh"), S("-c"), NULL, NULL };
	struct hc_spawn_spec sp = { .path = "sha256sum", .argv = sum, .close_handles = 1 };
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char want[65], got[128] = "", line[200];
	int fds[2], status;
	hc_handle_t hs[2];
	pid_t pid;

	CHECK(hc_stream_open_many(s, 2, fds, hs) == 0);
	sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = hs[0] };
	sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = hs[1] };
	CHECK((pid = hc_spawn(s, &sp)) > 0);
	crypto_hash_sha256_init(&h);
	for (size_t at = 0; at < stream_bytes; at += CHUNK) {
		pattern(chunk, CHUNK, at);
		crypto_hash_sha256_update(&h, chunk, CHUNK);
		CHECK(hc_write_all(fds[0], chunk, CHUNK) == 0);
	}
	close(fds[0]);   /* end of file for sha256sum */
	crypto_hash_sha256_final(&h, d);
	hex(d, want);
	drain(fds[1], NULL, got, sizeof(got) - 1);
	close(fds[1]);
	CHECK(hc_waitpid(s, pid, &status, 0) == pid && WEXITSTATUS(status) == 0);
	CHECK(strncmp(got, want, 64) == 0);
	/* host → guest: the host makes zeros, the guest hashes them */
	snprintf(line, sizeof(line), "head -c %zu /dev/zero", stream_bytes);
	gen[2] = line;
	CHECK((hs[0] = (hc_handle_t)hc_stream_open(s, &fds[0])) >= 0);
	sp = (struct hc_spawn_spec){ .path = "sh", .argv = gen, .close_handles = 1 };
	sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = hs[0] };
	CHECK((pid = hc_spawn(s, &sp)) > 0);
	crypto_hash_sha256_init(&h);
	CHECK(drain(fds[0], &h, NULL, 0) == stream_bytes);
	close(fds[0]);
	CHECK(hc_waitpid(s, pid, &status, 0) == pid && WEXITSTATUS(status) == 0);
	crypto_hash_sha256_final(&h, d);
	hex(d, got);
	memset(chunk, 0, sizeof(chunk));
	crypto_hash_sha256_init(&h);
	for (size_t at = 0; at < stream_bytes; at += CHUNK)
		crypto_hash_sha256_update(&h, chunk, CHUNK);
	crypto_hash_sha256_final(&h, d);
	hex(d, want);
	CHECK(strcmp(got, want) == 0);
	return 0;
}

static int check_streams_eof_epipe(struct hc_session *s)
{
	char *head[] = { S("head"), S("-c"), S("10"), NULL };
	struct hc_spawn_spec sp = { .path = "head", .argv = head, .close_handles = 1 };
	static char buf[65536];
	int fd, status, err = 0;
	hc_handle_t h;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	CHECK((h = (hc_handle_t)hc_stream_open(s, &fd)) >= 0);
	sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	CHECK((pid = hc_spawn(s, &sp)) > 0);
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 100000 && err != EPIPE; i++)
		if (write(fd, buf, sizeof(buf)) < 0)
			err = errno;
	CHECK(err == EPIPE);
	close(fd);
	CHECK(hc_waitpid(s, pid, &status, 0) == pid);
	return 0;
}

/* ---- a long call's cost to the guest ---- */

/* Waiting in hc_waitpid() for a host `sleep 3` takes under 5 % of a vCPU (the design's bound). */
static int check_long_call_cpu(struct hc_session *s)
{
	char *argv[] = { S("sleep"), S("3"), NULL };
	struct hc_spawn_spec sp = { .path = "sleep", .argv = argv };
	double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = now_s(), share;
	int status;
	pid_t pid = hc_spawn(s, &sp);

	CHECK(pid > 0 && hc_waitpid(s, pid, &status, 0) == pid && WIFEXITED(status));
	share = (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) / (now_s() - w0);
	printf("  %.2f %% of a vCPU while the host slept\n", share * 100);
	CHECK(share < 0.05);
	return 0;
}

/* ---- a guest process killed inside a call ---- */

static int check_killed_mid_call(struct hc_session *s)
{
	int fds[2], status, gone = 0;
	pid_t guest, host_child = 0;
	char line[64];

	CHECK(pipe(fds) == 0);
	if ((guest = fork()) == 0) {
		char *argv[] = { S("sleep"), S("100"), NULL };
		struct hc_spawn_spec sp = { .path = "sleep", .argv = argv };
		struct hc_session *g = session();
		pid_t pid = g ? hc_spawn(g, &sp) : -1;
		if (write(fds[1], &pid, sizeof(pid)) != sizeof(pid) || pid < 0)
			_exit(1);
		hc_waitpid(g, pid, &status, 0);   /* killed in here */
		_exit(0);
	}
	close(fds[1]);
	CHECK(read(fds[0], &host_child, sizeof(host_child)) == sizeof(host_child));
	close(fds[0]);
	CHECK(host_child > 0);
	usleep(200000);
	kill(guest, SIGKILL);
	waitpid(guest, &status, 0);
	/* a new session sweeps the dead owner's channel; the host's sleep must go */
	{
		struct hc_session *other = session();
		CHECK(other);
		hc_disconnect(other);
	}
	snprintf(line, sizeof(line), "kill -0 %d 2>/dev/null", (int)host_child);
	for (int i = 0; i < 100 && !gone; i++) {
		gone = host_sh(s, line) != 0;
		if (!gone)
			usleep(100000);
	}
	CHECK(gone);
	return 0;
}

/* ---- benchmarks ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double null_call_us(struct hc_session *s, int n)
{
	double *v = malloc(sizeof(double) * (size_t)n), m;

	for (int i = 0; i < n; i++) {
		double t0 = now_s();
		hc_null(s);
		v[i] = (now_s() - t0) * 1e6;
	}
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	m = v[n / 2];
	free(v);
	return m;
}

/* Guest → host `cat > /dev/null` (@to_host), or host `head -c` → guest: MB/s until all arrived. */
static double stream_mbps(struct hc_session *s, size_t bytes, int to_host)
{
	static unsigned char chunk[CHUNK];
	char line[64], *argv[] = { S("sh"), S("-c"), line, NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv, .close_handles = 1 };
	double t0;
	int fd, status;
	hc_handle_t h = (hc_handle_t)hc_stream_open(s, &fd);
	pid_t pid;

	if ((int)h < 0)
		return 0;
	if (to_host)
		snprintf(line, sizeof(line), "cat > /dev/null");
	else
		snprintf(line, sizeof(line), "head -c %zu /dev/zero", bytes);
	sp.stdio[to_host ? 0 : 1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	if ((pid = hc_spawn(s, &sp)) < 0)
		return 0;
	t0 = now_s();
	if (!to_host && drain(fd, NULL, NULL, 0) != bytes)
		return 0;
	for (size_t at = 0; to_host && at < bytes; at += CHUNK)
		if (hc_write_all(fd, chunk, CHUNK) != 0)
			return 0;
	close(fd);
	hc_waitpid(s, pid, &status, 0);
	return (double)bytes / (now_s() - t0) / 1e6;
}

/* hc_write() of 1 MiB pieces to the host's /dev/null: MB/s. */
static double write_mbps(struct hc_session *s, size_t bytes)
{
	static unsigned char piece[1u << 20];
	int h = hc_open(s, "/dev/null", O_WRONLY, 0);
	double t0 = now_s();

	if (h < 0)
		return 0;
	for (size_t at = 0; at < bytes; at += sizeof(piece))
		if (hc_write(s, (hc_handle_t)h, piece, sizeof(piece)) != (ssize_t)sizeof(piece))
			return 0;
	hc_close(s, (hc_handle_t)h);
	return (double)bytes / (now_s() - t0) / 1e6;
}

/*
 * The guest's own ceiling for a stream from the host: a child writes 64 KiB
 * pieces into a socketpair (as the pump does from a ring) and we read it
 * (as a stream's reader does): the two copies a kvm: stream costs the guest. MB/s.
 */
static double local_socketpair_mbps(size_t bytes)
{
	static unsigned char piece[HK_RING_SIZE];
	int sv[2], status;
	double t0 = now_s(), mbps;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 0;
	if ((pid = fork()) == 0) {
		close(sv[0]);
		for (size_t at = 0; at < bytes; at += sizeof(piece))
			if (hc_write_all(sv[1], piece, sizeof(piece)) != 0)
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	mbps = 0;
	if (pid > 0 && drain(sv[0], NULL, NULL, 0) == bytes)
		mbps = (double)bytes / (now_s() - t0) / 1e6;
	close(sv[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return mbps;
}

#define BENCH_ROUNDS 5
#define STREAM_ROUNDS 3

static double median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[n / 2];
}

/* @url beside @base_url, interleaved round by round: noise in the guest hits both. */
static int bench(const char *base_url)
{
	struct hc_session *s[2] = { session(), session_at(base_url) };
	const char *where[2] = { url, base_url };   /* labelled by scheme: kvm, tcp */
	double us[2][BENCH_ROUNDS], out[2][STREAM_ROUNDS], in[2][STREAM_ROUNDS], local[STREAM_ROUNDS];
	double wmbps[2];
	int ok = 1;

	if (!s[0] || !s[1])
		return 1;
	for (int k = 0; k < 2; k++)
		null_call_us(s[k], 50);   /* warm */
	for (int r = 0; r < BENCH_ROUNDS; r++)
		for (int k = 0; k < 2; k++)
			us[k][r] = null_call_us(s[k], 1000);
	for (int r = 0; r < STREAM_ROUNDS; r++) {
		for (int k = 0; k < 2; k++) {
			out[k][r] = stream_mbps(s[k], stream_bytes, 1);
			in[k][r] = stream_mbps(s[k], stream_bytes, 0);
		}
		local[r] = local_socketpair_mbps(stream_bytes);
	}
	for (int k = 0; k < 2; k++)
		wmbps[k] = write_mbps(s[k], 64u << 20);
	for (int k = 0; k < 2; k++) {
		double o = median_of(out[k], STREAM_ROUNDS), i = median_of(in[k], STREAM_ROUNDS);
		printf("bench %.*s null_call_us %.2f stream_MBps %.1f write_MBps %.1f stream_in_MBps %.1f\n",
		       (int)strcspn(where[k], ":"), where[k], median_of(us[k], BENCH_ROUNDS), o, wmbps[k], i);
		ok &= o > 0 && wmbps[k] > 0 && i > 0;
		hc_disconnect(s[k]);
	}
	printf("bench local socketpair_MBps %.1f\n", median_of(local, STREAM_ROUNDS));
	return ok ? 0 : 1;
}

/* ---- a hostile process (kvm:) ---- */

static int claim_soon(struct hk_pci *p, const struct hk_doorbell *bell, uint32_t *gen)
{
	int i;

	for (int k = 0; k < 300 && (i = hk_claim(p->mem, p->nchannels, p->peer, bell, gen)) == -EBUSY;
	     k++)
		usleep(10000);   /* a channel still being freed */
	return i;
}

/* A request longer than the channel: the host must end the session. Returns: 1 if it did. */
static int oversize_request_ends_session(struct hk_pci *p, int i, uint32_t gen)
{
	struct hk_channel *c = hk_channel_at(p->mem, i);

	c->len = 0xfffffff0u;
	atomic_fetch_add(&c->req_seq, 1);
	hk_pci_ring(p, i);
	for (int k = 0; k < 500 && hk_still_ours(c, gen); k++)
		usleep(10000);
	return !hk_still_ours(c, gen);
}

/*
 * Random bytes over the whole header; then, once our session on @i ends, the
 * host rewrites it. Returns: 1 if it did.
 */
static int scribbled_header_healed(struct hk_pci *p, int i, uint32_t gen,
				   const struct hk_doorbell *bell)
{
	for (uint32_t k = 0; k < HK_HEADER_SIZE; k += 4)
		*(volatile uint32_t *)((char *)p->mem + k) = (uint32_t)rand();
	hk_close(p->mem, i, gen, bell);
	for (int k = 0; k < 500 && hk_layout_check(p->mem, p->mem_size) < 0; k++)
		usleep(10000);
	return hk_layout_check(p->mem, p->mem_size) == p->nchannels;
}

/*
 * Random bytes in a channel of our own, under known procedures (bulk or not)
 * and an oversized length: every call answered or the session ended, and @s,
 * another session, served throughout. Last, random bytes over the header:
 * @s still served, and a new session starts once the host has rewritten it.
 */
static int check_hostile_channel(struct hc_session *s)
{
	static const uint32_t procs[] = { HC_NULL, HC_INFO, HC_GETCWD, HC_READ, HC_WRITE, 9999 };
	struct hk_pci p;
	struct hk_doorbell bell = { hk_pci_ring, &p };
	struct hc_session *after;
	uint32_t gen = 0;
	int i = -1, sessions = 0;
	char cwd[256];

	CHECK(hk_pci_map(url + strlen("kvm:"), &p) == 0);
	srand(3);
	for (int round = 0; round < 200; round++) {
		struct hk_channel *c;
		ssize_t n;
		if (i < 0 && (i = claim_soon(&p, &bell, &gen)) >= 0)
			sessions++;
		CHECK(i >= 0);
		c = hk_channel_at(p.mem, i);
		for (int k = 0; k < 8192; k++)
			c->msg[k] = (uint8_t)rand();
		n = hk_call(p.mem, i, gen, procs[rand() % 6] | (rand() % 2 ? HK_PROC_BULK : 0),
			    (uint32_t)rand() % 8192, &bell, 5000);
		CHECK(n != -ETIMEDOUT);
		if (n != -ECONNRESET && round % 25 == 24)
			CHECK(oversize_request_ends_session(&p, i, gen));
		if (n == -ECONNRESET || round % 25 == 24) {
			hk_close(p.mem, i, gen, &bell);
			i = -1;
		}
		if (round % 10 == 0)
			CHECK(hc_getcwd(s, cwd, sizeof(cwd)) == 0);
	}
	CHECK(i >= 0 || (i = claim_soon(&p, &bell, &gen)) >= 0);
	if (shared_memory_shared)
		hk_close(p.mem, i, gen, &bell);
	else
		CHECK(scribbled_header_healed(&p, i, gen, &bell));
	hk_pci_unmap(&p);
	CHECK(hc_getcwd(s, cwd, sizeof(cwd)) == 0);
	CHECK((after = session()) != NULL);
	CHECK(hc_getcwd(after, cwd, sizeof(cwd)) == 0);
	hc_disconnect(after);
	printf("  200 calls of garbage in %d sessions%s\n", sessions,
	       shared_memory_shared ? "" : ", then the header");
	return 0;
}

/* ---- main ---- */

static void run(const char *name, int (*fn)(struct hc_session *))
{
	struct hc_session *s = session();
	double t0 = now_s();
	int r = s ? fn(s) : -1;

	printf("%s %s (%s, %.1f s)\n", r == 0 ? "ok  " : "FAIL", name, url, now_s() - t0);
	fflush(stdout);
	failures += r != 0;
	if (s)
		hc_disconnect(s);
}

int main(int argc, char **argv)
{
	const char *bench_base = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "k:d:b:m:s")) != -1) {
		if (opt == 'k')
			key = optarg;
		else if (opt == 'd')
			hostdir = optarg;
		else if (opt == 'b')
			bench_base = optarg;
		else if (opt == 'm')
			stream_bytes = (size_t)strtoul(optarg, NULL, 10) << 20;
		else if (opt == 's')
			shared_memory_shared = 1;
		else
			return 2;
	}
	if (optind != argc - 1 || (!hostdir && !bench_base) || sodium_init() < 0) {
		fprintf(stderr, "usage: guest_check [-k KEYFILE] [-m MiB] [-s] -d HOSTDIR URL\n"
				"       guest_check [-k KEYFILE] [-m MiB] -b BASELINE_URL URL\n");
		return 2;
	}
	url = argv[optind];
	if (bench_base)
		return bench(bench_base);
	run("context: cwd, environment", check_context);
	run("files: open read write seek stat rename readdir unlink", check_files);
	run("processes: spawn kill wait, host pipe, fork exec", check_processes);
	run("pty and host sockets", check_pty_and_sockets);
	run("race: two sessions chdir + relative open", check_race);
	run("streams: 100 MiB each way, checksummed", check_streams_big);
	run("streams: EPIPE when the host reader goes", check_streams_eof_epipe);
	run("a guest process killed mid-call: its host child goes", check_killed_mid_call);
	run("waiting on a host sleep 3: under 5 % of a vCPU", check_long_call_cpu);
	if (strncmp(url, "kvm:", 4) == 0)
		run(shared_memory_shared ? "a hostile process: garbage in its channel ends its session only"
					 : "a hostile process: garbage in its channel and the header ends its "
					   "session only",
		    check_hostile_channel);
	printf("%s: %d failed\n", url, failures);
	return failures ? 1 : 0;
}
