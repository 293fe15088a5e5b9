/* bench_dosh.c: make bench: dosh's host commands and cross-OS pipe beside their baselines. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define S(x) ((char *)(x))

extern char **environ;



static double spawn_wait_us(const char *path, char **argv)
{
	double t0 = test_now_us();
	pid_t pid;
	int st;

	if (posix_spawn(&pid, path, NULL, NULL, argv, environ) != 0)
		return -1;
	waitpid(pid, &st, 0);
	return test_now_us() - t0;
}

static double median_spawn(const char *path, char **argv, int n)
{
	double *v = malloc(sizeof(double) * (size_t)n), m;

	for (int i = 0; i < n; i++)
		v[i] = spawn_wait_us(path, argv);
	m = test_median(v, n);
	free(v);
	return m;
}

/* A running dosh reading commands from a pipe; each command answers "x" when done. */
struct session {
	pid_t pid;
	int in, out;
};

static int session_start(struct session *s, const char *dosh)
{
	int in[2], out[2];

	if (pipe(in) != 0 || pipe(out) != 0)
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(dosh, "dosh", "-s", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->in = in[1];
	s->out = out[0];
	return 0;
}

static double session_cmd_us(struct session *s, const char *cmd)
{
	char line[256], c;
	double t0 = test_now_us();
	size_t len = (size_t)snprintf(line, sizeof(line), "%s; echo x\n", cmd);

	if (write(s->in, line, len) != (ssize_t)len)
		return -1;
	while (read(s->out, &c, 1) == 1 && c != '\n')
		;
	return test_now_us() - t0;
}

static double median_session(struct session *s, const char *cmd, int n)
{
	double *v = malloc(sizeof(double) * (size_t)n), m;

	session_cmd_us(s, cmd);   /* warm: connect */
	for (int i = 0; i < n; i++)
		v[i] = session_cmd_us(s, cmd);
	m = test_median(v, n);
	free(v);
	return m;
}

#define GIB (1024.0 * 1024 * 1024)
/* posix_spawn + waitpid of /bin/true on this machine class, from ../shared/notes/baselines.md */
#define REFERENCE_SPAWN_MS 0.66

/* Raw TCP loopback: a child reads and discards 1 GiB written by this process. */
static double raw_tcp_gbps(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static char buf[1 << 20];
	int port = 0, fd;
	pid_t pid = test_discard_server(sizeof(buf), &port);
	double t0;

	if (pid < 0)
		return 0;
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	t0 = test_now_us();
	for (double sent = 0; sent < GIB; sent += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) <= 0)
			break;
	close(fd);
	waitpid(pid, NULL, 0);
	return GIB / ((test_now_us() - t0) / 1e6) / 1e9;
}

static double dosh_pipe_gbps(const char *dosh)
{
	char *argv[] = { S("dosh"), S("-c"),
			 S("dd if=/dev/zero bs=1M count=1024 status=none | !wc -c > /dev/null"), NULL };
	double us = spawn_wait_us(dosh, argv);

	return us > 0 ? GIB / (us / 1e6) / 1e9 : 0;
}

int main(void)
{
	const char *dosh = getenv("DOSH") ? getenv("DOSH") : "build/bin/dosh";
	char *true_argv[] = { S("true"), NULL };
	char *dosh_argv[] = { S("dosh"), S("-c"), S("!true"), NULL };
	double a[3], b[3], c[3];
	struct test_daemon d;
	struct session s;

	signal(SIGPIPE, SIG_IGN);
	if (test_daemon_start(&d, (const char *const[]){ "--log-level", "warn", NULL }) != 0) {
		fprintf(stderr, "bench: cannot start hostcalld (set HOSTCALLD)\n");
		return 1;
	}
	setenv("DOSH_HOST", d.tcp_url, 1);
	setenv("DOSH_KEY", d.key, 1);
	if (session_start(&s, dosh) != 0)
		return 1;
	printf("\ndosh benchmark: medians, each beside its baseline in the same run (no pinning).\n\n");
	for (int r = 0; r < 3; r++) {
		a[r] = median_spawn("/bin/true", true_argv, 100);
		b[r] = median_session(&s, "!true", 100);
		c[r] = median_session(&s, "/bin/true", 100);
	}
	printf("%-44s %10.3f ms\n", "local posix_spawn+waitpid /bin/true", test_median(a, 3) / 1e3);
	printf("%-44s %10.3f ms   (%.2fx local; target <= 1.3 ms)\n", "!true in a running dosh session",
	       test_median(b, 3) / 1e3, test_median(b, 3) / test_median(a, 3));
	/* the target was set where a local spawn takes REFERENCE_SPAWN_MS: compare at that speed */
	printf("%-44s %10.3f ms   (at the reference %.2f ms spawn of baselines.md)\n",
	       "!true scaled to the reference machine",
	       REFERENCE_SPAWN_MS * test_median(b, 3) / test_median(a, 3), REFERENCE_SPAWN_MS);
	printf("%-44s %10.3f ms\n", "/bin/true (guest) in the same dosh session", test_median(c, 3) / 1e3);
	printf("%-44s %10.3f ms   (a new session each time)\n", "dosh -c '!true'",
	       median_spawn(dosh, dosh_argv, 50) / 1e3);
	for (int r = 0; r < 3; r++) {
		a[r] = raw_tcp_gbps();
		b[r] = dosh_pipe_gbps(dosh);
	}
	printf("%-44s %10.2f GB/s\n", "raw TCP loopback, 1 GiB in 1 MiB writes", test_median(a, 3));
	printf("%-44s %10.2f GB/s (%.0f%% of raw TCP; target >= 70%%)\n",
	       "dd bs=1M count=1024 | !wc -c (1 GiB)", test_median(b, 3), 100 * test_median(b, 3) / test_median(a, 3));
	close(s.in);
	waitpid(s.pid, NULL, 0);
	close(s.out);
	test_daemon_stop(&d);
	return 0;
}
