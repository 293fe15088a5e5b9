/* test_lifecycle.c: integration: sessions ending (client killed mid-call or mid-stream, disconnect, SIGTERM). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define S(x) ((char *)(x))

static struct test_daemon daemon_;

static int setup(void **state)
{
	(void)state;
	return test_daemon_start(&daemon_, NULL);
}

static int teardown(void **state)
{
	int status = test_daemon_stop(&daemon_);

	(void)state;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* What a client reports to the test before it is killed. */
struct client_report {
	pid_t shadow;
	pid_t children[2];
};

static pid_t spawn_sleeper(struct hc_session *s, const char *script)
{
	char *argv[] = { S("sh"), S("-c"), (char *)script, NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv };

	return hc_spawn(s, &sp);
}

static void client_main(int report_fd, int mid_stream)
{
	struct client_report rep;
	struct hc_session_info info;
	struct hc_session *s = test_connect(&daemon_);
	char buf[65536];
	int fd, status;

	if (!s || hc_info(s, &info) != 0)
		_exit(1);
	rep.shadow = info.shadow_pid;
	rep.children[0] = spawn_sleeper(s, "sleep 100");
	rep.children[1] = spawn_sleeper(s, "trap '' HUP; sleep 100 & wait");   /* ignores SIGHUP */
	if (mid_stream) {
		char *argv[] = { S("sh"), S("-c"), S("sleep 100 < /dev/null; cat"), NULL };
		hc_handle_t h = hc_stream_open(s, &fd);
		struct hc_spawn_spec sp = { .path = "sh", .argv = argv, .close_handles = 1 };
		sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
		if (h < 0 || hc_spawn(s, &sp) <= 0)
			_exit(1);
		if (write(report_fd, &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
		memset(buf, 'y', sizeof(buf));
		for (;;)
			if (write(fd, buf, sizeof(buf)) < 0)   /* blocks once the socket is full */
				_exit(1);
	}
	if (write(report_fd, &rep, sizeof(rep)) != sizeof(rep))
		_exit(1);
	hc_waitpid(s, rep.children[0], &status, 0);   /* mid-call when killed */
	_exit(1);
}

static void kill_client_and_check(int mid_stream)
{
	struct client_report rep;
	int p[2], status;
	pid_t client, all[3];
	struct hc_session *s;
	long long t0;

	assert_int_equal(pipe(p), 0);
	client = fork();
	assert_true(client >= 0);
	if (client == 0) {
		close(p[0]);
		client_main(p[1], mid_stream);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &rep, sizeof(rep)), (ssize_t)sizeof(rep));
	close(p[0]);
	assert_true(rep.shadow > 0 && rep.children[0] > 0 && rep.children[1] > 0);
	usleep(200000);   /* let the client block inside its call or its write */
	all[0] = rep.shadow;
	all[1] = rep.children[0];
	all[2] = rep.children[1];
	assert_int_equal(test_pids_alive(all, 3), 3);
	t0 = test_now_ms();
	kill(client, SIGKILL);
	waitpid(client, &status, 0);
	assert_true(test_wait_gone(all, 3, 2000));
	fprintf(stderr, "# shadow and children gone %lld ms after the client died\n",
		test_now_ms() - t0);
	s = test_connect(&daemon_);   /* hostcalld keeps serving */
	assert_non_null(s);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}

static void client_killed_mid_call__shadow_and_children_gone_within_2s(void **state)
{
	(void)state;
	kill_client_and_check(0);
}

static void client_killed_mid_stream__shadow_and_children_gone_within_2s(void **state)
{
	(void)state;
	kill_client_and_check(1);
}

static int count_live_children(pid_t parent)
{
	pid_t kids[64];

	return test_children_of(parent, kids, 64);
}

static void many_sessions__no_leaked_fds_or_zombies_in_hostcalld(void **state)
{
	int before, after;
	long long deadline;

	(void)state;
	before = test_count_fds(daemon_.pid);
	for (int i = 0; i < 20; i++) {
		struct hc_session *s = test_connect(&daemon_);
		int fd;
		assert_non_null(s);
		assert_true(spawn_sleeper(s, "exit 0") > 0);
		assert_true(hc_stream_open(s, &fd) >= 0);
		close(fd);
		hc_disconnect(s);
	}
	deadline = test_now_ms() + 5000;
	while (count_live_children(daemon_.pid) > 0 && test_now_ms() < deadline)
		usleep(10000);
	assert_int_equal(count_live_children(daemon_.pid), 0);   /* every shadow reaped */
	after = test_count_fds(daemon_.pid);
	if (after != before) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "ls -l /proc/%d/fd >&2", (int)daemon_.pid);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not list the descriptors\n");
	}
	assert_int_equal(after, before);
}

static void sigterm__ends_sessions_and_exits_0(void **state)
{
	struct hc_session_info info;
	struct hc_session *s = test_connect(&daemon_);
	pid_t all[2];
	int status;

	(void)state;
	assert_non_null(s);
	assert_int_equal(hc_info(s, &info), 0);
	all[0] = info.shadow_pid;
	all[1] = spawn_sleeper(s, "sleep 100");
	assert_true(all[1] > 0);
	status = test_daemon_stop(&daemon_);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(test_wait_gone(all, 2, 2000));
	assert_int_equal(hc_null(s), -ECONNRESET);   /* a clear error, not a hang */
	hc_disconnect(s);
	assert_int_equal(test_daemon_start(&daemon_, NULL), 0);   /* for the teardown */
}

static void connection_dropped__calls_fail_fast_not_hang(void **state)
{
	struct hc_session *s = test_connect(&daemon_);
	struct hc_session_info info;
	long long t0;

	(void)state;
	assert_non_null(s);
	assert_int_equal(hc_info(s, &info), 0);
	kill(info.shadow_pid, SIGKILL);
	usleep(100000);
	t0 = test_now_ms();
	assert_int_equal(hc_null(s), -ECONNRESET);
	assert_int_equal(hc_chdir(s, "/"), -ECONNRESET);
	assert_true(test_now_ms() - t0 < 5000);
	hc_disconnect(s);
}

static void shadow_killed_mid_call__call_fails_promptly(void **state)
{
	struct hc_session *s = test_connect(&daemon_);
	struct hc_session_info info;
	char *argv[] = { S("sleep"), S("100"), NULL };
	struct hc_spawn_spec sp = { .path = "sleep", .argv = argv };
	int status, p[2];
	pid_t pid, killer;
	long long t0;

	(void)state;
	assert_non_null(s);
	assert_int_equal(hc_info(s, &info), 0);
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	assert_int_equal(pipe(p), 0);
	killer = fork();
	if (killer == 0) {
		usleep(300000);   /* the call below is blocked on the host by then */
		kill(info.shadow_pid, SIGKILL);
		_exit(0);
	}
	t0 = test_now_ms();
	assert_int_equal(hc_waitpid(s, pid, &status, 0), -ECONNRESET);
	assert_true(test_now_ms() - t0 < 5000);
	waitpid(killer, NULL, 0);
	close(p[0]);
	close(p[1]);
	kill(pid, SIGKILL);   /* the orphaned sleeper: the shadow could not clean up after SIGKILL */
	hc_disconnect(s);
}

static void unreachable_host__clear_error(void **state)
{
	struct hc_session *s = NULL;

	(void)state;
	assert_int_equal(hc_connect("tcp://127.0.0.1:1", daemon_.key, &s), -ECONNREFUSED);
	assert_int_equal(hc_connect("unix:/nonexistent/hc.sock", NULL, &s), -ENOENT);
	assert_int_equal(hc_connect("bogus://x", NULL, &s), -EPROTONOSUPPORT);
	assert_int_equal(hc_connect("tcp://nohostport", NULL, &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(client_killed_mid_call__shadow_and_children_gone_within_2s, setup, teardown),
		cmocka_unit_test_setup_teardown(client_killed_mid_stream__shadow_and_children_gone_within_2s, setup, teardown),
		cmocka_unit_test_setup_teardown(many_sessions__no_leaked_fds_or_zombies_in_hostcalld, setup, teardown),
		cmocka_unit_test_setup_teardown(sigterm__ends_sessions_and_exits_0, setup, teardown),
		cmocka_unit_test_setup_teardown(connection_dropped__calls_fail_fast_not_hang, setup, teardown),
		cmocka_unit_test_setup_teardown(shadow_killed_mid_call__call_fails_promptly, setup, teardown),
		cmocka_unit_test_setup_teardown(unreachable_host__clear_error, setup, teardown),
	};

	return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
