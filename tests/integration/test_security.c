/* test_security.c: integration: keys, the auth gate, timeouts, caps, bounds, tickets, uid checks, rpcinfo. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <rpc/rpc.h>

#include "auth.h"
#include "harness.h"
#include "raw_rpc.h"
#include "oncrpc_client.h"
#include "session.h"
#include "tls_probe.h"
#include "url.h"

static struct test_daemon daemon_;

static int setup(void **state)
{
	static const char *const fast[] = { "--auth-timeout", "1", "--max-unauth", "3", NULL };

	(void)state;
	return test_daemon_start(&daemon_, fast);
}

static int teardown(void **state)
{
	(void)state;
	return test_daemon_stop(&daemon_) == 0 ? 0 : -1;
}

static int raw_connect(void)
{
	return test_raw_connect(&daemon_);
}

static CLIENT *raw_client(int *fd)
{
	return test_raw_client(&daemon_, fd);
}

static struct timeval tv5 = { 5, 0 };

static void write_key(const char *path, const char *hex, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, hex, strlen(hex)), (ssize_t)strlen(hex));
	fchmod(fd, mode);
	close(fd);
}

static void wrong_key__refused_and_logged(void **state)
{
	char bad[512];
	struct hc_session *s = NULL;

	(void)state;
	snprintf(bad, sizeof(bad), "%s/wrong.key", daemon_.dir);
	write_key(bad, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0600);
	/* the client notices first: the host's proof does not match its key */
	assert_int_equal(hc_connect(daemon_.tcp_url, bad, &s), -EACCES);
}

static void other_protocol_version__refused_with_versions_logged(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct netbuf nb = { sizeof(sin), sizeof(sin), &sin };
	struct rpc_err e;
	int fd = raw_connect();
	CLIENT *c;

	(void)state;
	assert_true(fd >= 0);
	c = clnt_vc_create(fd, &nb, HOSTCALL_PROG, HC_PROTOCOL_VERSION - 1, 0, 0);
	assert_non_null(c);
	assert_int_equal(clnt_call(c, HC_NULL, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void,
				   NULL, tv5), RPC_PROGVERSMISMATCH);
	clnt_geterr(c, &e);
	assert_int_equal(e.re_vers.low, HC_PROTOCOL_VERSION);
	assert_int_equal(e.re_vers.high, HC_PROTOCOL_VERSION);
	clnt_destroy(c);
	close(fd);
	for (int i = 0; i < 50 && !test_log_contains(&daemon_, "refused a client of protocol 2"); i++)
		usleep(20000);
	assert_true(test_log_contains(&daemon_, "refused a client of protocol 2: this hostcalld "
						"speaks protocol 3"));
}

static int closed_within(int fd, int ms);

static void wrong_proof__host_refuses_logs_and_closes(void **state)
{
	char bad[512];
	hc_path_res res;
	int fd;
	CLIENT *c = raw_client(&fd);

	(void)state;
	snprintf(bad, sizeof(bad), "%s/wrong.key", daemon_.dir);
	write_key(bad, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0600);
	assert_non_null(c);
	assert_int_equal(test_raw_authenticate(c, bad), -1);
	memset(&res, 0, sizeof(res));
	assert_int_not_equal(clnt_call(c, HC_GETCWD, (xdrproc_t)hc_xdr_void, NULL,
				       (xdrproc_t)xdr_hc_path_res, &res, tv5), RPC_SUCCESS);
	assert_true(closed_within(fd, 2000));
	clnt_destroy(c);
	close(fd);
	usleep(100000);
	assert_true(test_log_contains(&daemon_, "authentication failed"));
}

static void client_key__world_readable__refused(void **state)
{
	char loose[512];
	struct hc_session *s = NULL;

	(void)state;
	snprintf(loose, sizeof(loose), "%s/loose.key", daemon_.dir);
	write_key(loose, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0644);
	assert_int_equal(hc_connect(daemon_.tcp_url, loose, &s), -EPERM);
	assert_int_equal(hc_connect(daemon_.tcp_url, NULL, &s), -ENOKEY);
}

static void calls_before_auth__refused_but_null_answered(void **state)
{
	hc_path_res res;
	int fd;
	CLIENT *c = raw_client(&fd);

	(void)state;
	assert_non_null(c);
	assert_int_equal(clnt_call(c, HC_NULL, (xdrproc_t)hc_xdr_void, NULL,
				   (xdrproc_t)hc_xdr_void, NULL, tv5), RPC_SUCCESS);
	memset(&res, 0, sizeof(res));
	assert_int_equal(clnt_call(c, HC_GETCWD, (xdrproc_t)hc_xdr_void, NULL,
				   (xdrproc_t)xdr_hc_path_res, &res, tv5), RPC_AUTHERROR);
	clnt_destroy(c);
	close(fd);
}

static int closed_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return recv(fd, &b, 1, 0) <= 0;
}

static void silent_connection__closed_after_auth_timeout(void **state)
{
	int fd = raw_connect();

	(void)state;
	assert_true(fd >= 0);
	assert_true(closed_within(fd, 4000));
	close(fd);
}

static void never_authenticating_session__ended_after_timeout(void **state)
{
	int fd;
	CLIENT *c = raw_client(&fd);

	(void)state;
	assert_non_null(c);
	assert_int_equal(clnt_call(c, HC_NULL, (xdrproc_t)hc_xdr_void, NULL,
				   (xdrproc_t)hc_xdr_void, NULL, tv5), RPC_SUCCESS);
	assert_true(closed_within(fd, 4000));
	clnt_destroy(c);
	close(fd);
	usleep(100000);
	assert_true(test_log_contains(&daemon_, "no authentication within the time allowed"));
}

/* How many lines of the daemon's log hold @needle. */
/* A burst of idle connections over the cap: the oldest give way, without a log line for each. */
static void unauthenticated_flood__a_line_not_a_flood_in_the_log(void **state)
{
	enum { BURST = 60 };
	int fds[BURST];

	(void)state;
	for (int i = 0; i < BURST; i++)
		fds[i] = raw_connect();
	for (int i = 0; i < BURST - 3; i++)   /* over --max-unauth 3: each gave way to a newer one */
		assert_true(fds[i] < 0 || closed_within(fds[i], 2000));
	for (int i = BURST - 3; i < BURST; i++)
		assert_false(closed_within(fds[i], 100));
	for (int i = 0; i < BURST; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	usleep(200000);
	assert_int_equal(test_log_lines(&daemon_, "(--max-unauth): one from 127.0.0.1 gave way"), 1);
}

/* At the cap the oldest idle connection gives way: a newcomer that speaks at once is never locked out. */
static void unauthenticated_connections__capped_oldest_gives_way(void **state)
{
	int fds[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		fds[i] = raw_connect();
		usleep(10000);
	}
	assert_true(closed_within(fds[0], 500));   /* over --max-unauth 3: the oldest went */
	for (int i = 1; i < 4; i++)
		assert_false(closed_within(fds[i], 100));
	for (int i = 0; i < 4; i++)
		close(fds[i]);
}

/* Encodes a path longer than the protocol allows, as a hostile peer would. */
static bool_t xdr_oversized_path(XDR *x, void *arg)
{
	(void)arg;
	char *big = malloc(HC_PATH_MAX + 100);
	bool_t ok;

	memset(big, 'a', HC_PATH_MAX + 99);
	big[HC_PATH_MAX + 99] = '\0';
	ok = xdr_string(x, &big, ~0u);
	free(big);
	return ok;
}

/* Claims a billion argv entries in a few bytes. */
static bool_t xdr_huge_count(XDR *x, void *arg)
{
	(void)arg;
	char *path = (char *)"sh";
	u_int count = 1000000000u;

	return xdr_string(x, &path, HC_PATH_MAX) && xdr_u_int(x, &count);
}

static void oversized_and_malformed_requests__rejected_daemon_survives(void **state)
{
	hc_err e = HC_OK;
	int fd, g;
	CLIENT *c = raw_client(&fd);
	struct hc_session *s;

	(void)state;
	assert_non_null(c);
	assert_int_equal(test_raw_authenticate(c, daemon_.key), 0);
	assert_int_equal(clnt_call(c, HC_CHDIR, (xdrproc_t)xdr_oversized_path, NULL,
				   (xdrproc_t)xdr_hc_err, &e, tv5), RPC_CANTDECODEARGS);
	assert_int_equal(clnt_call(c, HC_SPAWN, (xdrproc_t)xdr_huge_count, NULL,
				   (xdrproc_t)xdr_hc_err, &e, tv5), RPC_CANTDECODEARGS);
	assert_int_equal(clnt_call(c, 9999, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void,
				   NULL, tv5), RPC_PROCUNAVAIL);
	clnt_destroy(c);
	close(fd);
	g = raw_connect();   /* garbage: not a record, not a stream dial */
	assert_int_equal(write(g, "\x7f\xff\xff\xff garbage garbage", 20), 20);
	assert_true(closed_within(g, 4000));
	close(g);
	s = test_connect(&daemon_);
	assert_non_null(s);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}

/* In clear (a loopback listener allows it): the hello carries the token itself. */
static void stream_tickets__single_use_and_unguessable(void **state)
{
	struct hc_connect_opts clear = { .keyfile = daemon_.key, .tls = HC_TLS_OFF };
	struct hc_session *s = NULL;
	hc_stream_res res;
	hc_stream_ticket forged;

	(void)state;
	assert_int_equal(hc_connect_with(daemon_.tcp_url, &clear, &s), 0);
	memset(&res, 0, sizeof(res));
	assert_int_equal(hc_session_call(s, HC_STREAM_CREATE, (xdrproc_t)hc_xdr_void, NULL,
					 (xdrproc_t)xdr_hc_stream_res, &res), 0);
	assert_int_equal(res.err, HC_OK);
	forged = res.hc_stream_res_u.ticket;
	forged.token[0] ^= 1;
	assert_int_equal(test_raw_stream_dial(&daemon_, &forged, 0), -1);
	assert_int_equal(test_raw_stream_dial(&daemon_, &res.hc_stream_res_u.ticket, 0), 0);
	assert_int_equal(test_raw_stream_dial(&daemon_, &res.hc_stream_res_u.ticket, 0), -1);   /* replay */
	hc_disconnect(s);
}

static void max_sessions__extra_session_refused(void **state)
{
	static const char *const one[] = { "--max-sessions", "1", NULL };
	struct hc_session *a, *b = NULL;

	(void)state;
	assert_int_equal(test_daemon_stop(&daemon_), 0);
	assert_int_equal(test_daemon_start(&daemon_, one), 0);
	a = test_connect(&daemon_);
	assert_non_null(a);
	assert_true(hc_connect(daemon_.tcp_url, daemon_.key, &b) < 0);
	hc_disconnect(a);
}

static void daemon_key__world_readable__refused_at_start(void **state)
{
	char key[512], dir[] = "/tmp/hckey.XXXXXX";
	const char *args[] = { "--key", key, NULL };
	struct test_daemon d2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/key", dir);
	write_key(key, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0644);
	assert_int_equal(test_daemon_start(&d2, args), -ECHILD);
	assert_true(test_log_contains(&d2, "refusing"));
	test_daemon_stop(&d2);
	unlink(key);
	rmdir(dir);
}

static void daemon_key__absent__created_0600(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(stat(daemon_.key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
}

/* RFC 9289's probe on the ordinary port: STARTTLS, and a plain NULL call still answered beside it. */
static void tls_probe__answered_starttls__plain_null_still_answered(void **state)
{
	int fd, probe_fd = raw_connect();
	CLIENT *c = raw_client(&fd);

	(void)state;
	assert_true(probe_fd >= 0);
	assert_int_equal(hc_tls_probe(probe_fd, 5000), 1);
	close(probe_fd);
	assert_non_null(c);
	assert_int_equal(clnt_call(c, HC_NULL, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void,
				   NULL, tv5), RPC_SUCCESS);
	clnt_destroy(c);
	close(fd);
}

static void unix_peer__other_uid__refused(void **state)
{
	char path[300];
	int status;
	pid_t pid;

	(void)state;
	if (getuid() != 0)
		skip();   /* needs root to become another user */
	snprintf(path, sizeof(path), "%s/sock", daemon_.dir);
	chmod(daemon_.dir, 0755);
	chmod(path, 0666);
	pid = fork();
	if (pid == 0) {
		struct hc_session *s = NULL;
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		_exit(hc_connect(daemon_.unix_url, NULL, &s) == 0 && hc_null(s) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));   /* refused, not killed (by SIGPIPE, say) */
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_true(test_log_contains(&daemon_, "unix peer uid 65534 refused"));
	chmod(daemon_.dir, 0700);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(wrong_key__refused_and_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_proof__host_refuses_logs_and_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(other_protocol_version__refused_with_versions_logged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(client_key__world_readable__refused, setup, teardown),
		cmocka_unit_test_setup_teardown(calls_before_auth__refused_but_null_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(silent_connection__closed_after_auth_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(never_authenticating_session__ended_after_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(unauthenticated_connections__capped_oldest_gives_way, setup, teardown),
		cmocka_unit_test_setup_teardown(unauthenticated_flood__a_line_not_a_flood_in_the_log,
						setup, teardown),
		cmocka_unit_test_setup_teardown(oversized_and_malformed_requests__rejected_daemon_survives, setup, teardown),
		cmocka_unit_test_setup_teardown(stream_tickets__single_use_and_unguessable, setup, teardown),
		cmocka_unit_test_setup_teardown(max_sessions__extra_session_refused, setup, teardown),
		cmocka_unit_test(daemon_key__world_readable__refused_at_start),
		cmocka_unit_test_setup_teardown(daemon_key__absent__created_0600, setup, teardown),
		cmocka_unit_test_setup_teardown(tls_probe__answered_starttls__plain_null_still_answered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unix_peer__other_uid__refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("security", tests, NULL, NULL);
}
