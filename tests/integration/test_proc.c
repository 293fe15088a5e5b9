/* test_proc.c: integration: spawn, wait, kill, process groups, and fork + dup2 + exec. */
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

/* argv strings: the API takes char *const[] as execv does */
#define S(x) ((char *)(x))

static struct test_daemon daemon_;
static struct hc_session *s;

static int group_setup(void **state)
{
	(void)state;
	if (test_daemon_start(&daemon_, NULL) != 0)
		return -1;
	s = test_connect(&daemon_);
	return s ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	hc_disconnect(s);
	return test_daemon_stop(&daemon_) == 0 ? 0 : -1;
}

static pid_t spawn_sh(const char *script, const char *out_path)
{
	char *argv[] = { S("sh"), S("-c"), (char *)script, NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv };

	if (out_path) {
		sp.stdio[1].how = HC_IO_FILE;
		sp.stdio[1].path = out_path;
		sp.stdio[1].flags = O_WRONLY | O_CREAT | O_TRUNC;
		sp.stdio[1].mode = 0600;
	}
	return hc_spawn(s, &sp);
}

static void spawn__exit_status__comes_back(void **state)
{
	int status = -1;
	pid_t pid = spawn_sh("exit 42", NULL);

	(void)state;
	assert_true(pid > 0);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 42);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), -ECHILD);
}

static void spawn__terminating_signal__reported(void **state)
{
	int status = -1;
	pid_t pid = spawn_sh("kill -TERM $$; sleep 5", NULL);

	(void)state;
	assert_true(pid > 0);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
}

static void spawn__missing_program__enoent(void **state)
{
	char *argv[] = { S("no-such-program-hc"), NULL };
	struct hc_spawn_spec sp = { .path = "no-such-program-hc", .argv = argv };

	(void)state;
	assert_int_equal(hc_spawn(s, &sp), -ENOENT);
}

static void spawn__wnohang_then_kill__status_signaled(void **state)
{
	int status = -1;
	pid_t pid = spawn_sh("exec sleep 30", NULL);

	(void)state;
	assert_true(pid > 0);
	assert_int_equal(hc_waitpid(s, pid, &status, WNOHANG), 0);
	assert_int_equal(hc_kill(s, pid, SIGKILL), 0);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* Poll up to @ms until process @pid on the host is gone (asked the host's `kill -0` when remote). */
static int host_pid_gone(pid_t pid, int ms)
{
	char script[64];
	int status = 0;

	if (!test_remote())
		return test_wait_gone(&pid, 1, ms);
	snprintf(script, sizeof(script), "kill -0 %d 2>/dev/null", (int)pid);
	for (long long end = test_now_ms() + ms; test_now_ms() < end; usleep(20000)) {
		pid_t p = spawn_sh(script, NULL);
		if (p > 0 && hc_waitpid(s, p, &status, 0) == p && WIFEXITED(status) &&
		    WEXITSTATUS(status) != 0)
			return 1;
	}
	return 0;
}

static void kill__process_group__reaches_grandchildren(void **state)
{
	char marker[512], script[1024], text[32];
	int status = -1;
	pid_t pid, grandchild = 0;

	(void)state;
	snprintf(marker, sizeof(marker), "%s/grandchild.pid", daemon_.dir);
	snprintf(script, sizeof(script), "sleep 30 & echo $! > %s; wait", marker);
	pid = spawn_sh(script, NULL);
	assert_true(pid > 0);
	for (int i = 0; i < 500 && grandchild <= 0; i++) {
		usleep(10000);
		if (test_read_host_file(s, marker, text, sizeof(text)) > 0 &&
		    sscanf(text, "%d", &grandchild) != 1)
			grandchild = 0;
	}
	assert_true(grandchild > 0);
	assert_int_equal(hc_kill(s, -pid, SIGTERM), 0);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_true(host_pid_gone(grandchild, 2000));
	assert_int_equal(hc_kill(s, 1, SIGTERM), -ESRCH);   /* not the session's child */
	assert_int_equal(hc_kill(s, -1, SIGTERM), -ESRCH);
}

static void read_file(const char *path, char *buf, size_t len)
{
	assert_true(test_read_host_file(s, path, buf, len) >= 0);
}

static void fork_dup2_exec__same_result_as_spawn(void **state)
{
	char a[512], b[512], out_a[256], out_b[256];
	char *argv[] = { S("sh"), S("-c"), S("echo cwd=$(pwd) var=$HC_PROC_VAR; echo err >&2"), NULL };
	struct hc_session *child = NULL;
	int status, h;
	pid_t pid;

	(void)state;
	assert_int_equal(hc_chdir(s, daemon_.dir), 0);
	assert_int_equal(hc_setenv(s, "HC_PROC_VAR", "shadowed", 1), 0);
	snprintf(a, sizeof(a), "%s/via-spawn", daemon_.dir);
	snprintf(b, sizeof(b), "%s/via-fork", daemon_.dir);
	pid = spawn_sh(argv[2], a);
	assert_true(pid > 0);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);

	h = hc_open(s, b, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(h >= 0);
	pid = hc_fork(s, &child);
	assert_true(pid > 0);
	assert_int_equal(hc_dup2(child, h, 1), 0);
	assert_int_equal(hc_dup2(child, h, 64), -EBADF);   /* the shadow's own fds stay out of reach */
	assert_int_equal(hc_close(s, h), 0);
	assert_int_equal(hc_exec(child, "sh", argv, NULL), 0);
	hc_session_free_child(child);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	read_file(a, out_a, sizeof(out_a));
	read_file(b, out_b, sizeof(out_b));
	assert_string_equal(out_a, out_b);
	assert_non_null(strstr(out_a, "var=shadowed"));
	assert_non_null(strstr(out_a, daemon_.dir));
}

static void fork__exec_failure__reported_and_child_still_serves(void **state)
{
	char *argv[] = { S("nope"), NULL };
	struct hc_session *child = NULL;
	char cwd[4096];
	int status;
	pid_t pid;

	(void)state;
	pid = hc_fork(s, &child);
	assert_true(pid > 0);
	assert_int_equal(hc_exec(child, "/nonexistent/nope", argv, NULL), -ENOENT);
	assert_int_equal(hc_chdir(child, "/"), 0);
	assert_int_equal(hc_getcwd(child, cwd, sizeof(cwd)), 0);
	assert_string_equal(cwd, "/");
	assert_int_equal(hc_getcwd(s, cwd, sizeof(cwd)), 0);
	assert_string_not_equal(cwd, "/");   /* the child's cwd is its own */
	assert_int_equal(hc_kill(s, pid, SIGKILL), 0);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_int_equal(hc_null(child), -ESRCH);
	hc_session_free_child(child);
}

static void dup2__in_the_shadow_itself__refused(void **state)
{
	hc_handle_t p[2];

	(void)state;
	assert_int_equal(hc_pipe(s, p), 0);
	assert_int_equal(hc_dup2(s, p[0], 0), -EPERM);
	assert_int_equal(hc_exec(s, "true", (char *[]){ S("true"), NULL }, NULL), -EPERM);
	hc_close(s, p[0]);
	hc_close(s, p[1]);
}

static void pty__spawn_on_host_pty__sees_terminal_and_window_size(void **state)
{
	char *argv[] = { S("sh"), S("-c"), S("stty size; test -t 0 && echo on-a-tty"), NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv, .close_handles = 1, .use_ctty = 1 };
	hc_handle_t master, slave, out;
	char buf[256] = "";
	size_t got = 0;
	ssize_t n;
	int fd, status;
	pid_t pid;

	(void)state;
	assert_int_equal(hc_pty_open(s, &master, &slave), 0);
	assert_int_equal(hc_pty_resize(s, master, 33, 77), 0);
	out = hc_stream_open(s, &fd);
	assert_true(out >= 0);
	assert_int_equal(hc_stream_attach(s, out, master, HC_FROM_HOST), 0);
	sp.ctty = slave;
	for (int i = 0; i < 3; i++)
		sp.stdio[i] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = slave };
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	while (got + 1 < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	assert_non_null(strstr(buf, "33 77"));
	assert_non_null(strstr(buf, "on-a-tty"));
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(hc_close(s, master), 0);
	assert_int_equal(hc_pty_resize(s, master, 1, 1), -EBADF);
}

/* A program that read one line leaves the next and a partial one on its pty. */
static void pty__input_left_unread__taken_back_whole(void **state)
{
	char *argv[] = { S("sh"), S("-c"), S("read first; echo \"got $first\""), NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv, .use_ctty = 1 };
	const char typed[] = "line one\nline two\npart";
	hc_handle_t master, slave;
	char buf[HC_PTY_UNREAD_MAX];
	ssize_t n;
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(hc_pty_open(s, &master, &slave), 0);
	sp.ctty = slave;
	for (int i = 0; i < 3; i++)
		sp.stdio[i] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = slave };
	assert_int_equal(hc_write(s, master, typed, sizeof(typed) - 1), (ssize_t)sizeof(typed) - 1);
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	n = hc_pty_unread(s, slave, buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)strlen("line two\npart"));
	assert_memory_equal(buf, "line two\npart", (size_t)n);
	assert_int_equal(hc_pty_unread(s, slave, buf, sizeof(buf)), 0);   /* taken, not copied */
	assert_int_equal(hc_pty_unread(s, master + 1000, buf, sizeof(buf)), -EBADF);
	assert_int_equal(hc_close(s, slave), 0);
	assert_int_equal(hc_close(s, master), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spawn__exit_status__comes_back),
		cmocka_unit_test(spawn__terminating_signal__reported),
		cmocka_unit_test(spawn__missing_program__enoent),
		cmocka_unit_test(spawn__wnohang_then_kill__status_signaled),
		cmocka_unit_test(kill__process_group__reaches_grandchildren),
		cmocka_unit_test(fork_dup2_exec__same_result_as_spawn),
		cmocka_unit_test(fork__exec_failure__reported_and_child_still_serves),
		cmocka_unit_test(dup2__in_the_shadow_itself__refused),
		cmocka_unit_test(pty__spawn_on_host_pty__sees_terminal_and_window_size),
		cmocka_unit_test(pty__input_left_unread__taken_back_whole),
	};

	return cmocka_run_group_tests_name("proc", tests, group_setup, group_teardown);
}
