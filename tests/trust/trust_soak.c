/* trust_soak.c: trust: 64 sessions at once, 10,000 mixed hostcalls each, over tcp: and over ivshmem:. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

enum { SESSIONS = 64, CALLS = 10000 };

static struct test_daemon daemon_;

static int start(int over_channels)
{
	static const char *const roomy[] = { "--max-sessions", "100", "--max-unauth", "100",
					     "--channels", "64", NULL };

	if (over_channels)
		setenv("HC_TEST_TRANSPORT", "ivshmem", 1);
	else
		unsetenv("HC_TEST_TRANSPORT");
	return test_daemon_start(&daemon_, roomy);
}

static int teardown(void **state)
{
	(void)state;
	return test_daemon_stop(&daemon_) == 0 ? 0 : -1;
}

/* ---- one session's mixed calls ---- */

struct soak {
	struct hc_session *s;
	char dir[400], file[450];
	int id;
	long calls, errors;
};

static void expect(struct soak *k, int ok, const char *what, int round)
{
	k->calls++;
	if (!ok && k->errors++ < 3)
		fprintf(stderr, "soak session %d round %d: %s failed\n", k->id, round, what);
}

static void context_calls(struct soak *k, int round)
{
	char name[32], value[32], got[sizeof(k->dir)];

	snprintf(name, sizeof(name), "SOAK_%d", round % 7);
	snprintf(value, sizeof(value), "%d.%d", k->id, round);
	expect(k, hc_setenv(k->s, name, value, 1) == 0, "setenv", round);
	expect(k, hc_getenv(k->s, name, got, sizeof(got)) >= 0 && strcmp(got, value) == 0, "getenv",
	       round);
	expect(k, hc_chdir(k->s, k->dir) == 0, "chdir", round);
	expect(k, hc_getcwd(k->s, got, sizeof(got)) == 0 && strcmp(got, k->dir) == 0, "getcwd", round);
}

static void file_calls(struct soak *k, int round)
{
	char text[64], back[64];
	int n = snprintf(text, sizeof(text), "session %d round %d\n", k->id, round);
	int h = hc_open(k->s, "f", O_RDWR | O_CREAT | O_TRUNC, 0600);   /* relative: the session's cwd */
	struct stat st;

	expect(k, h >= 0, "open", round);
	if (h < 0)
		return;
	expect(k, hc_write(k->s, h, text, (size_t)n) == n, "write", round);
	expect(k, hc_close(k->s, h) == 0, "close", round);
	expect(k, hc_stat(k->s, k->file, &st) == 0 && st.st_size == n, "stat", round);
	if ((h = hc_open(k->s, k->file, O_RDONLY, 0)) < 0) {
		expect(k, 0, "open for reading", round);
		return;
	}
	expect(k, hc_read(k->s, h, back, sizeof(back)) == n && memcmp(back, text, (size_t)n) == 0,
	       "read back", round);
	expect(k, hc_close(k->s, h) == 0, "close", round);
}

static void spawn_call(struct soak *k, int round)
{
	char *argv[] = { (char *)"true", NULL };
	struct hc_spawn_spec sp = { .path = "true", .argv = argv };
	pid_t pid = hc_spawn(k->s, &sp);
	int status = -1;

	expect(k, pid > 0, "spawn", round);
	if (pid > 0)
		expect(k, hc_waitpid(k->s, pid, &status, 0) == pid && WIFEXITED(status) &&
			  WEXITSTATUS(status) == 0, "waitpid", round);
}

static void stream_call(struct soak *k, int round)
{
	char block[4096];
	struct stat st;
	int fd = -1, st_h = hc_stream_open(k->s, &fd), h = hc_open(k->s, "s", O_WRONLY | O_CREAT | O_TRUNC, 0600);

	memset(block, 'a' + k->id % 26, sizeof(block));
	expect(k, st_h >= 0 && h >= 0, "stream open", round);
	if (st_h >= 0 && h >= 0) {
		expect(k, hc_stream_attach(k->s, st_h, h, HC_TO_HOST) == 0, "stream attach", round);
		expect(k, write(fd, block, sizeof(block)) == (ssize_t)sizeof(block), "stream write", round);
		expect(k, hc_stream_finish(fd) == 0, "stream finish", round);
		expect(k, hc_stat(k->s, "s", &st) == 0 && st.st_size == (off_t)sizeof(block),
		       "stream bytes on the host", round);
	}
	if (h >= 0)
		hc_close(k->s, h);
	if (fd >= 0)
		close(fd);
}

static void round_of(struct soak *k, int round)
{
	if (round % 500 == 7)
		spawn_call(k, round);
	else if (round % 500 == 257)
		stream_call(k, round);
	else if (round % 4 == 0)
		context_calls(k, round);
	else if (round % 4 == 1)
		file_calls(k, round);
	else
		expect(k, hc_null(k->s) == 0, "null", round);
}

/* A child: one session, @calls hostcalls or a few more. Exit status: 0, or 1 with errors. */
static _Noreturn void soak_session(int id, long calls, int report)
{
	struct soak k = { .id = id };

	snprintf(k.dir, sizeof(k.dir), "%s/soak%d", daemon_.dir, id);
	snprintf(k.file, sizeof(k.file), "%s/f", k.dir);
	if (!(k.s = test_connect(&daemon_)) || hc_mkdir(k.s, k.dir, 0700) != 0)
		_exit(2);
	for (int r = 0; k.calls < calls; r++)
		round_of(&k, r);
	hc_disconnect(k.s);
	if (write(report, &k.calls, sizeof(k.calls)) < 0 || write(report, &k.errors, sizeof(k.errors)) < 0)
		_exit(3);
	_exit(k.errors ? 1 : 0);
}

static void soak(const char *transport)
{
	long rss0 = test_rss_kib(daemon_.pid), rss1, calls = 0, errors = 0, v[2];
	int fds0 = test_count_fds(daemon_.pid), fds1, p[2], failed = 0, left;
	pid_t kids[SESSIONS], shadows[128];
	long long t0 = test_now_ms();
	double secs;

	assert_int_equal(pipe(p), 0);
	for (int i = 0; i < SESSIONS; i++)
		if ((kids[i] = fork()) == 0)
			soak_session(i, CALLS, p[1]);
	close(p[1]);
	for (int i = 0; i < SESSIONS; i++) {
		int status;
		waitpid(kids[i], &status, 0);
		failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	while (read(p[0], v, sizeof(v)) == (ssize_t)sizeof(v)) {
		calls += v[0];
		errors += v[1];
	}
	close(p[0]);
	secs = (test_now_ms() - t0) / 1000.0;
	usleep(300000);
	for (long long end = test_now_ms() + 5000; test_now_ms() < end; usleep(50000))
		if (test_children_of(daemon_.pid, shadows, 128) == 0)
			break;
	left = test_children_of(daemon_.pid, shadows, 128);
	rss1 = test_rss_kib(daemon_.pid);
	fds1 = test_count_fds(daemon_.pid);
	test_figure(transport[0] == 't' ? "soak over tcp: 64 sessions x 10,000 mixed calls, errors"
					: "soak over ivshmem: 64 sessions x 10,000 mixed calls, errors",
		    "0", errors == 0 && failed == 0, "%ld of %ld calls (%d sessions failed), %.0f s, %.0f calls/s",
		    errors, calls, failed, secs, calls / secs);
	test_figure(transport[0] == 't' ? "soak over tcp: hostcalld RSS and descriptors, start -> end"
					: "soak over ivshmem: hostcalld RSS and descriptors, start -> end",
		    "flat; no shadow left", left == 0 && fds1 <= fds0 + 2 && rss1 - rss0 < 4096,
		    "RSS %ld -> %ld KiB, fds %d -> %d, %d shadows left", rss0, rss1, fds0, fds1, left);
	assert_int_equal(errors, 0);
	assert_int_equal(failed, 0);
	assert_true(calls >= (long)SESSIONS * CALLS);
	assert_int_equal(left, 0);
	assert_true(fds1 <= fds0 + 2);
	assert_true(rss1 - rss0 < 4096);
}

static int setup_tcp(void **state)
{
	(void)state;
	return start(0);
}

static int setup_channels(void **state)
{
	(void)state;
	return start(1);
}

static void soak__tcp(void **state)
{
	(void)state;
	soak("tcp");
}

static void soak__ivshmem(void **state)
{
	(void)state;
	soak("ivshmem");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(soak__tcp, setup_tcp, teardown),
		cmocka_unit_test_setup_teardown(soak__ivshmem, setup_channels, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("trust_soak", tests, NULL, NULL);
}
