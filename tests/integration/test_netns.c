/* test_netns.c: integration across network namespaces: two "machines" on a veth pair, and rpcinfo. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "rpc/hostcall.h"

#define S(x) ((char *)(x))

static char ns_host[64], ns_guest[64], veth_host[16], veth_guest[16];
static int subnet;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int enter_ns(const char *name)
{
	char path[128];
	int fd, r;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	r = setns(fd, CLONE_NEWNET) == 0 ? 0 : -errno;
	close(fd);
	return r;
}

static int make_machines(void)
{
	int pid = (int)getpid();

	subnet = 100 + pid % 100;
	snprintf(ns_host, sizeof(ns_host), "hc-host-%d", pid);
	snprintf(ns_guest, sizeof(ns_guest), "hc-guest-%d", pid);
	snprintf(veth_host, sizeof(veth_host), "hch%d", pid % 100000);
	snprintf(veth_guest, sizeof(veth_guest), "hcg%d", pid % 100000);
	if (sh("ip netns add %s 2>/dev/null && ip netns add %s", ns_host, ns_guest) != 0)
		return -1;
	return sh("ip link add %s type veth peer name %s && "
		  "ip link set %s netns %s && ip link set %s netns %s && "
		  "ip -n %s addr add 10.231.%d.1/24 dev %s && ip -n %s link set %s up && "
		  "ip -n %s link set lo up && "
		  "ip -n %s addr add 10.231.%d.2/24 dev %s && ip -n %s link set %s up && "
		  "ip -n %s link set lo up",
		  veth_host, veth_guest, veth_host, ns_host, veth_guest, ns_guest,
		  ns_host, subnet, veth_host, ns_host, veth_host, ns_host,
		  ns_guest, subnet, veth_guest, ns_guest, veth_guest, ns_guest);
}

static void remove_machines(void)
{
	sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", ns_host, ns_guest);
}

static int guest_session_works(const char *url, const char *key)
{
	char *argv[] = { S("sh"), S("-c"), S("echo from-the-host"), NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv, .close_handles = 1 };
	struct hc_session *s = NULL;
	char buf[64] = "";
	int fd, status;
	ssize_t n;
	hc_handle_t h;
	pid_t pid;

	if (hc_connect(url, key, &s) != 0)
		return -1;
	if (hc_null(s) != 0 || (h = hc_stream_open(s, &fd)) < 0)
		return -2;
	sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	if ((pid = hc_spawn(s, &sp)) <= 0)
		return -3;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (hc_waitpid(s, pid, &status, 0) != pid || n != 14 || strncmp(buf, "from-the-host\n", 14))
		return -4;
	hc_disconnect(s);
	return 0;
}

static struct test_daemon machine_daemon;

/* Whatever happened, stop the daemon and remove the namespaces. */
static int machines_teardown(void **state)
{
	(void)state;
	if (machine_daemon.pid > 0)
		test_daemon_stop(&machine_daemon);
	remove_machines();
	return 0;
}

static void two_machines__veth_pair__session_spawn_and_stream_work(void **state)
{
	char listen[64], url[sizeof(machine_daemon.tcp_url)];
	const char *extra[] = { "--listen", listen, "--allow-remote", NULL };
	struct test_daemon *d = &machine_daemon;
	int home, r;

	(void)state;
	if (getuid() != 0 || make_machines() != 0) {
		remove_machines();
		fprintf(stderr, "# skipped: network namespaces cannot be made here (needs root and ip netns)\n");
		skip();
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	assert_true(home >= 0);
	snprintf(listen, sizeof(listen), "tcp://10.231.%d.1:0", subnet);
	assert_int_equal(enter_ns(ns_host), 0);
	r = test_daemon_start(d, extra);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	assert_int_equal(r, 0);
	assert_non_null(strstr(d->tcp_url, "10.231."));
	memcpy(url, d->tcp_url, sizeof(url));
	assert_int_equal(enter_ns(ns_guest), 0);
	r = guest_session_works(url, d->key);
	assert_int_equal(setns(home, CLONE_NEWNET), 0);
	close(home);
	assert_int_equal(r, 0);
	assert_int_equal(test_daemon_stop(d), 0);
}

static pid_t start_rpcbind(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execl("/usr/sbin/rpcbind", "rpcbind", "-f", (char *)NULL);
		execl("/sbin/rpcbind", "rpcbind", "-f", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		if (sh("PATH=$PATH:/usr/sbin rpcinfo -p 127.0.0.1 >/dev/null 2>&1") == 0)
			return pid;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* In a private network and mount namespace: rpcbind, hostcalld --rpcbind, then rpcinfo. */
static int rpcinfo_in_private_namespace(void)
{
	const char *extra[] = { "--rpcbind", NULL };
	char cmd[256], out[256] = "";
	struct test_daemon d;
	pid_t rpcbind;
	int stopped;
	FILE *p;
	size_t n;

	if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") != 0 ||
	    sh("ip link set lo up") != 0)
		return 77;
	if ((rpcbind = start_rpcbind()) < 0)
		return 2;
	if (test_daemon_start(&d, extra) != 0)
		return 3;
	snprintf(cmd, sizeof(cmd), "PATH=$PATH:/usr/sbin rpcinfo -n %s -t 127.0.0.1 %u %u 2>&1",
		 strrchr(d.tcp_url, ':') + 1, (unsigned)HOSTCALL_PROG, (unsigned)HOSTCALL_V3);
	if ((p = popen(cmd, "r"))) {
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		pclose(p);
	}
	fprintf(stderr, "# rpcinfo: %s", out);
	stopped = test_daemon_stop(&d);
	kill(rpcbind, SIGTERM);
	waitpid(rpcbind, NULL, 0);
	if (stopped != 0)
		return 5;
	return strstr(out, "ready and waiting") ? 0 : 4;
}

static void rpcinfo__real_onc_rpc_client__reports_program_ready(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	if (access("/usr/sbin/rpcinfo", X_OK) != 0 && access("/sbin/rpcinfo", X_OK) != 0)
		fail_msg("rpcinfo is missing: scripts/deps.sh installs Debian's rpcbind package");
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(rpcinfo_in_private_namespace());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		fprintf(stderr, "# skipped: a private network namespace cannot be made here\n");
		skip();
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(two_machines__veth_pair__session_spawn_and_stream_work,
					  machines_teardown),
		cmocka_unit_test(rpcinfo__real_onc_rpc_client__reports_program_ready),
	};

	return cmocka_run_group_tests_name("netns", tests, NULL, NULL);
}
