/* test_session.c: integration: a real session's context, file, directory and pipe hostcalls. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static void null_and_info__tcp__answer_with_shadow_pid(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	struct hc_session_info info;

	(void)state;
	assert_non_null(s);
	assert_int_equal(hc_null(s), 0);
	assert_int_equal(hc_info(s, &info), 0);
	if (!test_remote())   /* another machine's users are its own */
		assert_int_equal(info.uid, getuid());
	assert_true(info.shadow_pid > 0);
	assert_int_not_equal(info.shadow_pid, test_group_daemon.pid);
	assert_int_equal(info.protocol_version, 3);
	hc_disconnect(s);
}

static void unix_session__same_uid__needs_no_key(void **state)
{
	struct hc_session *s = NULL;

	(void)state;
	if (test_remote())
		skip();   /* a unix socket is not reachable from another machine */
	assert_int_equal(hc_connect(test_group_daemon.unix_url, NULL, &s), 0);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}

static void chdir_getcwd__relative_paths__follow_host_cwd(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	char cwd[4096];

	(void)state;
	assert_int_equal(hc_chdir(s, test_group_daemon.dir), 0);
	assert_int_equal(hc_getcwd(s, cwd, sizeof(cwd)), 0);
	assert_string_equal(cwd, test_group_daemon.dir);
	assert_int_equal(hc_chdir(s, "/nonexistent/dir"), -ENOENT);
	assert_int_equal(hc_getcwd(s, cwd, 2), -ERANGE);
	hc_disconnect(s);
}

static void env__set_get_unset_list__round_trip(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	char v[64];
	char **env = NULL;
	int n, found = 0;

	(void)state;
	assert_int_equal(hc_setenv(s, "HC_TEST_VAR", "hello", 1), 0);
	assert_int_equal(hc_getenv(s, "HC_TEST_VAR", v, sizeof(v)), 0);
	assert_string_equal(v, "hello");
	assert_int_equal(hc_setenv(s, "HC_TEST_VAR", "kept", 0), 0);
	assert_int_equal(hc_getenv(s, "HC_TEST_VAR", v, sizeof(v)), 0);
	assert_string_equal(v, "hello");
	n = hc_environ(s, &env);
	assert_true(n > 0);
	for (int i = 0; i < n; i++)
		found |= strcmp(env[i], "HC_TEST_VAR=hello") == 0;
	assert_true(found);
	hc_strv_free(env);
	assert_int_equal(hc_unsetenv(s, "HC_TEST_VAR"), 0);
	assert_int_equal(hc_getenv(s, "HC_TEST_VAR", v, sizeof(v)), -ENOENT);
	assert_int_equal(hc_setenv(s, "BAD=NAME", "x", 1), -EINVAL);
	hc_disconnect(s);
}

static void files__write_seek_read_stat__match(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	char path[512], renamed[512], buf[64];
	struct stat st;
	int h;

	(void)state;
	snprintf(path, sizeof(path), "%s/f.txt", test_group_daemon.dir);
	snprintf(renamed, sizeof(renamed), "%s/g.txt", test_group_daemon.dir);
	h = hc_open(s, path, O_RDWR | O_CREAT | O_TRUNC, 0640);
	assert_true(h >= 0);
	assert_int_equal(hc_write(s, h, "hello, host", 11), 11);
	assert_int_equal(hc_lseek(s, h, 7, SEEK_SET), 7);
	assert_int_equal(hc_read(s, h, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "host", 4);
	assert_int_equal(hc_fstat(s, h, &st), 0);
	assert_int_equal(st.st_size, 11);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(hc_close(s, h), 0);
	assert_int_equal(hc_close(s, h), -EBADF);
	assert_int_equal(hc_rename(s, path, renamed), 0);
	assert_int_equal(hc_stat(s, path, &st), -ENOENT);
	assert_int_equal(hc_stat(s, renamed, &st), 0);
	assert_int_equal(hc_unlink(s, renamed), 0);
	assert_int_equal(hc_open(s, "/nonexistent/x", O_RDONLY, 0), -ENOENT);
	assert_int_equal(hc_read(s, 999, buf, 1), -EBADF);
	hc_disconnect(s);
}

static void readdir__many_entries__all_listed(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	char dir[512], path[600];
	char **names = NULL;
	int n;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/many", test_group_daemon.dir);
	assert_int_equal(hc_mkdir(s, dir, 0700), 0);
	assert_int_equal(hc_mkdir(s, dir, 0700), -EEXIST);
	for (int i = 0; i < 1200; i++) {
		snprintf(path, sizeof(path), "%s/entry-%04d", dir, i);
		int h = hc_open(s, path, O_WRONLY | O_CREAT, 0600);
		assert_true(h >= 0);
		assert_int_equal(hc_close(s, h), 0);
	}
	n = hc_readdir(s, dir, &names);
	assert_int_equal(n, 1200);
	hc_strv_free(names);
	for (int i = 0; i < 1200 && !test_remote(); i++) {   /* remote: removed with the test directory */
		snprintf(path, sizeof(path), "%s/entry-%04d", dir, i);
		unlink(path);
	}
	if (!test_remote())
		rmdir(dir);
	hc_disconnect(s);
}

static void pipe__write_then_read__same_bytes(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	hc_handle_t p[2];
	char buf[16];

	(void)state;
	assert_int_equal(hc_pipe(s, p), 0);
	assert_int_equal(hc_write(s, p[1], "pipe!", 5), 5);
	assert_int_equal(hc_read(s, p[0], buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "pipe!", 5);
	assert_int_equal(hc_close(s, p[1]), 0);
	assert_int_equal(hc_read(s, p[0], buf, sizeof(buf)), 0);
	assert_int_equal(hc_close(s, p[0]), 0);
	hc_disconnect(s);
}

static void big_io__4MiB__split_into_calls(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	size_t len = 4u << 20;
	char *out = malloc(len), *in = malloc(len), path[512];
	size_t got = 0;
	int h;

	(void)state;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(i * 131 + 7);
	snprintf(path, sizeof(path), "%s/big", test_group_daemon.dir);
	h = hc_open(s, path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(h >= 0);
	assert_int_equal(hc_write(s, h, out, len), (ssize_t)len);
	assert_int_equal(hc_lseek(s, h, 0, SEEK_SET), 0);
	while (got < len) {
		ssize_t n = hc_read(s, h, in + got, len - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_memory_equal(in, out, len);
	hc_close(s, h);
	hc_unlink(s, path);
	free(in);
	free(out);
	hc_disconnect(s);
}

static void sockets__listen_connect_accept_on_host__bytes_flow(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in got, peer;
	socklen_t len = sizeof(got), plen = sizeof(peer);
	int l, c, a;
	char buf[8];

	(void)state;
	l = hc_socket(s, AF_INET, SOCK_STREAM, 0);
	assert_true(l >= 0);
	assert_int_equal(hc_bind(s, l, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(hc_listen(s, l, 4), 0);
	assert_int_equal(hc_getsockname(s, l, (struct sockaddr *)&got, &len), 0);
	assert_int_equal(got.sin_family, AF_INET);
	assert_int_not_equal(got.sin_port, 0);
	c = hc_socket(s, AF_INET, SOCK_STREAM, 0);
	assert_true(c >= 0);
	assert_int_equal(hc_connect_socket(s, c, (struct sockaddr *)&got, len), 0);
	a = hc_accept(s, l, (struct sockaddr *)&peer, &plen);
	assert_true(a >= 0);
	assert_int_equal(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(hc_write(s, c, "ping", 4), 4);
	assert_int_equal(hc_read(s, a, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "ping", 4);
	got.sin_port = htons(1);
	int d = hc_socket(s, AF_INET, SOCK_STREAM, 0);
	assert_int_equal(hc_connect_socket(s, d, (struct sockaddr *)&got, len), -ECONNREFUSED);
	assert_int_equal(hc_socket(s, 12345, SOCK_STREAM, 0), -EINVAL);
	hc_close(s, a);
	hc_close(s, c);
	hc_close(s, d);
	hc_close(s, l);
	hc_disconnect(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_and_info__tcp__answer_with_shadow_pid),
		cmocka_unit_test(unix_session__same_uid__needs_no_key),
		cmocka_unit_test(chdir_getcwd__relative_paths__follow_host_cwd),
		cmocka_unit_test(env__set_get_unset_list__round_trip),
		cmocka_unit_test(files__write_seek_read_stat__match),
		cmocka_unit_test(readdir__many_entries__all_listed),
		cmocka_unit_test(pipe__write_then_read__same_bytes),
		cmocka_unit_test(big_io__4MiB__split_into_calls),
		cmocka_unit_test(sockets__listen_connect_accept_on_host__bytes_flow),
	};

	return cmocka_run_group_tests_name("session", tests, test_group_start, test_group_stop);
}
