/* trust_faults.c: trust: out of descriptors, fork failing, a full disk, and SIGKILL of a shadow or hostcalld. */
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
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "raw_rpc.h"

static struct test_daemon daemon_;

static int setup(void **state)
{
	static const char *const roomy[] = { "--max-unauth", "256", "--max-sessions", "300", NULL };

	(void)state;
	return test_daemon_start(&daemon_, roomy);
}

static int teardown(void **state)
{
	(void)state;
	return test_daemon_stop(&daemon_) == 0 ? 0 : -1;
}

/* ---- a process's figures from /proc ---- */

static double cpu_seconds(pid_t pid)
{
	return (double)(test_proc_stat_field(pid, 14) + test_proc_stat_field(pid, 15)) / (double)sysconf(_SC_CLK_TCK);
}

static int zombies_of(pid_t ppid)
{
	pid_t kids[1024];
	int n = test_children_of(ppid, kids, 1024), z = 0;

	for (int i = 0; i < n; i++)
		z += test_proc_stat_field(kids[i], 3) == 'Z';
	return z;
}

/* ---- dosh as the guest ---- */

static const char *dosh_path(void)
{
	static char path[4096];
	const char *d = getenv("DOSH"), *h = getenv("HOSTCALLD"), *slash;

	if (d && d[0])
		return d;
	if (!h || !(slash = strrchr(h, '/')))
		return "dosh";
	snprintf(path, sizeof(path), "%.*s/dosh", (int)(slash - h), h);
	return path;
}

/* dosh -c @script against the daemon, its stdout and stderr into *@out (a pipe). Returns: its pid. */
static pid_t dosh_start(const char *script, int *out)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		setenv("DOSH_HOST", daemon_.tcp_url, 1);
		setenv("DOSH_KEY", daemon_.key, 1);
		execl(dosh_path(), "dosh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Read @fd to its end into @buf (NUL-ended), waiting @ms at most. */
static void read_all(int fd, char *buf, size_t len, int ms)
{
	long long end = test_now_ms() + ms;
	size_t have = 0;
	ssize_t n = 1;

	while (n > 0 && have + 1 < len && test_now_ms() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)(end - test_now_ms())) <= 0)
			break;
		if ((n = read(fd, buf + have, len - 1 - have)) > 0)
			have += (size_t)n;
	}
	buf[have] = '\0';
}

/* Wait up to @ms for @pid. Returns: its status, or -1 (still running: killed and reaped). */
static int wait_for(pid_t pid, int ms)
{
	long long end = test_now_ms() + ms;
	int status;

	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	} while (test_now_ms() < end);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static int run_dosh(const char *script, char *out, size_t len)
{
	int fd;
	pid_t pid = dosh_start(script, &fd);

	read_all(fd, out, len, 20000);
	close(fd);
	return wait_for(pid, 20000);
}

/* ---- the shadows ---- */

static int shadows_now(pid_t *out, int max)
{
	return test_children_of(daemon_.pid, out, max);
}

/* The first child of @pid named @comm, waiting up to @ms for it. */
static pid_t child_named(pid_t pid, const char *comm, int ms)
{
	long long end = test_now_ms() + ms;

	do {
		pid_t kids[16];
		int n = test_children_of(pid, kids, 16);
		for (int i = 0; i < n; i++) {
			char path[64], name[64] = "";
			FILE *f;
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)kids[i]);
			if ((f = fopen(path, "r"))) {
				if (fgets(name, sizeof(name), f))
					name[strcspn(name, "\n")] = '\0';
				fclose(f);
			}
			if (strcmp(name, comm) == 0)
				return kids[i];
		}
		usleep(10000);
	} while (test_now_ms() < end);
	return -1;
}

/* ---- the tests ---- */

static void sigkill_of_shadow__guest_ends_within_1s__host_processes_gone(void **state)
{
	char out[4096];
	pid_t shadow = -1, sleeper = -1, kids[8];
	long long t0 = test_now_ms(), ended_ms;
	int fd, status;
	pid_t dosh = dosh_start("!sleep 30", &fd);

	(void)state;
	while (sleeper < 0 && test_now_ms() - t0 < 10000) {
		if (shadows_now(kids, 8) == 1)
			sleeper = child_named(shadow = kids[0], "sleep", 100);
	}
	assert_true(sleeper > 0);
	t0 = test_now_ms();
	kill(shadow, SIGKILL);
	status = wait_for(dosh, 5000);
	ended_ms = test_now_ms() - t0;
	read_all(fd, out, sizeof(out), 1000);
	close(fd);
	assert_true(test_wait_gone(&sleeper, 1, 2000));
	assert_true(test_wait_gone(&shadow, 1, 2000));
	test_figure("SIGKILL of a shadow in !sleep 30: the guest's dosh ends", "<= 1 s",
		    status >= 0 && ended_ms <= 1000, "%.2f s, status %d: %.60s", ended_ms / 1000.0,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1, strtok(out, "\n") ? out : "");
	test_figure("SIGKILL of a shadow: its host sleep, and the shadow's zombie", "gone <= 2 s",
		    1, "gone (%lld ms after the kill)", test_now_ms() - t0);
	assert_true(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0);
	assert_true(ended_ms <= 1000);
	assert_int_equal(zombies_of(daemon_.pid), 0);
}

/*
 * The guest must end the job when its session goes, whatever its streams do: with hostcalld
 * stopped, nothing ends the host sleep, which keeps its stdio streams open, and dosh must
 * still end at once. Once hostcalld runs again it ends the sleep.
 */
static void sigkill_of_shadow__streams_held_open__guest_still_ends(void **state)
{
	pid_t shadow = -1, sleeper = -1, kids[8];
	long long t0 = test_now_ms(), ended_ms;
	int fd, status, gone, held;
	pid_t dosh = dosh_start("!sleep 30 | cat", &fd);

	(void)state;
	while (sleeper < 0 && test_now_ms() - t0 < 10000)
		if (shadows_now(kids, 8) == 1)
			sleeper = child_named(shadow = kids[0], "sleep", 100);
	assert_true(sleeper > 0);
	kill(daemon_.pid, SIGSTOP);
	t0 = test_now_ms();
	kill(shadow, SIGKILL);
	status = wait_for(dosh, 5000);
	ended_ms = test_now_ms() - t0;
	close(fd);
	held = test_pids_alive(&sleeper, 1) == 1;   /* still there, holding the streams */
	kill(daemon_.pid, SIGCONT);
	gone = test_wait_gone(&sleeper, 1, 2000);
	assert_true(held);
	test_figure("SIGKILL of a shadow, hostcalld stopped, host sleep holding the streams: dosh ends",
		    "<= 1 s", status >= 0 && ended_ms <= 1000, "%.2f s; the sleep ended once hostcalld ran: %s",
		    ended_ms / 1000.0, gone ? "yes" : "NO");
	assert_true(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0);
	assert_true(ended_ms <= 1000);
	assert_true(gone);
}

static void sigkill_of_hostcalld__20_sessions_end__restart_binds_at_once(void **state)
{
	enum { N = 20 };
	struct hc_session *s[N];
	pid_t shadows[64];
	char listen[320];
	const char *extra[3] = { "--listen", listen, NULL };
	long long t0;
	int n, gone, restarted, calls_failed = 0;

	(void)state;
	for (int i = 0; i < N; i++)
		assert_non_null(s[i] = test_connect(&daemon_));
	n = shadows_now(shadows, 64);
	assert_int_equal(n, N);
	t0 = test_now_ms();
	kill(daemon_.pid, SIGKILL);
	waitpid(daemon_.pid, NULL, 0);
	gone = test_wait_gone(shadows, n, 5000);
	test_figure("SIGKILL of hostcalld with 20 sessions: every shadow gone", "<= 5 s", gone,
		    "%.2f s", (test_now_ms() - t0) / 1000.0);
	for (int i = 0; i < N; i++) {
		calls_failed += hc_null(s[i]) != 0;
		hc_disconnect(s[i]);
	}
	snprintf(listen, sizeof(listen), "%s", daemon_.tcp_url);
	daemon_.pid = 0;   /* reaped above */
	test_daemon_stop(&daemon_);   /* only its directory */
	t0 = test_now_ms();
	restarted = test_daemon_start(&daemon_, extra) == 0;
	test_figure("SIGKILL of hostcalld: restarted on the same port", "at once", restarted,
		    "%s in %lld ms; %d of 20 old sessions' calls failed cleanly",
		    restarted ? "bound" : "FAILED", test_now_ms() - t0, calls_failed);
	assert_true(gone);
	assert_int_equal(calls_failed, N);
	assert_true(restarted);
}

static void disk_full__guest_sees_enospc__status_says_so(void **state)
{
	char full[300], script[2048], out[4096];
	int status, ok;

	(void)state;
	snprintf(full, sizeof(full), "%s/full", daemon_.dir);
	assert_int_equal(mkdir(full, 0700), 0);
	if (mount("tmpfs", full, "tmpfs", 0, "size=1m") != 0) {
		test_figure("disk full: 1 MiB tmpfs", "ENOSPC", 1, "skipped: mount: %s", strerror(errno));
		rmdir(full);
		skip();
	}
	snprintf(script, sizeof(script),
		 "head -c 2000000 /dev/zero > !%s/big; echo status $?; !rm %s/big; "
		 "echo still > !%s/small; !cat %s/small", full, full, full, full);
	status = run_dosh(script, out, sizeof(out));
	umount2(full, MNT_DETACH);
	rmdir(full);
	ok = strstr(out, "No space left on device") && strstr(out, "status 1") && strstr(out, "still");
	test_figure("disk full: 2 MB into a 1 MiB host tmpfs from dosh", "ENOSPC, status 1", ok,
		    "%s", ok ? "ENOSPC printed, status 1, next write fine" : out);
	assert_true(ok);
	assert_true(status >= 0 && WIFEXITED(status));
}

/* Write @text into the existing file @dir/@name (a cgroup's control file: never created). */
static int cg_write(const char *dir, const char *name, const char *text)
{
	char path[400];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/* A pids cgroup (v1, or v2) holding @pid with room for @max processes. Returns: its directory or NULL. */
static const char *pids_cgroup(pid_t pid, int max)
{
	static char dir[256];
	static const char *const roots[] = { "/sys/fs/cgroup/pids", "/sys/fs/cgroup" };
	char text[32];

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/hctest.%d", roots[i], (int)getpid());
		if (mkdir(dir, 0755) != 0)
			continue;
		snprintf(text, sizeof(text), "%d\n", max);
		if (cg_write(dir, "pids.max", text) == 0) {
			snprintf(text, sizeof(text), "%d\n", (int)pid);
			if (cg_write(dir, "cgroup.procs", text) == 0)
				return dir;
		}
		rmdir(dir);
	}
	return NULL;
}

/* Every process in @dir back to its parent cgroup, and @dir gone (retried while one lingers). */
static void pids_cgroup_free(const char *dir)
{
	char path[400], line[32];

	cg_write(dir, "pids.max", "max\n");
	for (int tries = 0; tries < 100; tries++, usleep(20000)) {
		FILE *f;
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if ((f = fopen(path, "r"))) {
			snprintf(path, sizeof(path), "%s/..", dir);
			while (fgets(line, sizeof(line), f))
				cg_write(path, "cgroup.procs", line);
			fclose(f);
		}
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
	}
}

static void fork_fails__guest_gets_clear_error__daemon_lives_no_zombies(void **state)
{
	char out[4096];
	const char *cg;
	long long t0, took;
	int status, clear, zombies;
	struct hc_session *s;

	(void)state;
	/*
	 * RLIMIT_NPROC binds no root process (the kernel exempts uid 0, and these tests run as
	 * root), so fork is made to fail as it does under it, EAGAIN, by a pids cgroup instead:
	 * room for hostcalld and one shadow. In clear: in TLS the shadow's pump threads count as
	 * tasks too, and a stream's would be refused before any fork.
	 */
	setenv("DOSH_TLS", "off", 1);
	if (!(cg = pids_cgroup(daemon_.pid, 2))) {
		unsetenv("DOSH_TLS");
		test_figure("fork fails (pids cgroup)", "clear error <= 1 s", 1, "skipped: no pids cgroup");
		skip();
	}
	t0 = test_now_ms();
	status = run_dosh("!true; echo status $?", out, sizeof(out));
	took = test_now_ms() - t0;
	pids_cgroup_free(cg);   /* before any assertion: hostcalld must not stay boxed in */
	unsetenv("DOSH_TLS");
	clear = strstr(out, "Resource temporarily unavailable") != NULL && strstr(out, "status 127");
	test_figure("fork fails (EAGAIN): dosh's !true", "clear error <= 1 s", clear && took <= 1000,
		    "%lld ms: %.70s", took, out);
	assert_true(clear);
	assert_true(took <= 1000);
	assert_true(status >= 0);
	assert_non_null(s = test_connect(&daemon_));   /* the daemon lives */
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
	usleep(200000);
	zombies = zombies_of(daemon_.pid);
	test_figure("fork fails: zombies of hostcalld after", "0", zombies == 0, "%d", zombies);
	assert_int_equal(zombies, 0);
}

static void emfile__128_descriptors_200_connections__no_spin_sessions_served(void **state)
{
	enum { CONNS = 200, OLD = 4 };
	struct rlimit rl = { 128, 128 };
	struct hc_session *old[OLD], *late;
	int fds[CONNS], old_ok = 0, lines;
	double cpu0, cpu;
	long long t0, served_ms;

	(void)state;
	for (int i = 0; i < OLD; i++)
		assert_non_null(old[i] = test_connect(&daemon_));
	assert_int_equal(prlimit(daemon_.pid, RLIMIT_NOFILE, &rl, NULL), 0);
	for (int i = 0; i < CONNS; i++)
		fds[i] = test_raw_connect(&daemon_);
	usleep(500000);
	cpu0 = cpu_seconds(daemon_.pid);
	t0 = test_now_ms();
	sleep(10);
	cpu = (cpu_seconds(daemon_.pid) - cpu0) / ((test_now_ms() - t0) / 1000.0);
	for (int i = 0; i < OLD; i++)
		old_ok += hc_null(old[i]) == 0;
	lines = test_log_lines(&daemon_, "cannot accept connections");
	for (int i = 0; i < CONNS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	t0 = test_now_ms();
	late = test_connect(&daemon_);
	served_ms = test_now_ms() - t0;
	test_figure("EMFILE: hostcalld at 128 descriptors, 200 connections: its CPU over 10 s", "< 5 %",
		    cpu < 0.05, "%.1f %%", cpu * 100);
	test_figure("EMFILE: sessions opened before it, still answering", "4 of 4", old_ok == OLD,
		    "%d of 4", old_ok);
	test_figure("EMFILE: a new session once descriptors are free", "<= 1 s",
		    late && served_ms <= 1000, "%lld ms", served_ms);
	test_figure("EMFILE: log lines about it in 10 s", "<= ~1 a second", lines >= 1 && lines <= 11,
		    "%d", lines);
	assert_true(cpu < 0.05);
	assert_int_equal(old_ok, OLD);
	assert_non_null(late);
	assert_true(served_ms <= 1000);
	assert_true(lines >= 1 && lines <= 11);
	hc_disconnect(late);
	for (int i = 0; i < OLD; i++)
		hc_disconnect(old[i]);
}

/* Under a descriptor limit of 64 a shadow lifts its descriptors to 16 and above, and serves. */
static void descriptor_limit_64__sessions_served(void **state)
{
	struct rlimit rl = { 64, 64 };
	char script[1024], out[4096];
	int status, ok;

	(void)state;
	assert_int_equal(prlimit(daemon_.pid, RLIMIT_NOFILE, &rl, NULL), 0);
	snprintf(script, sizeof(script),
		 "!cd %s; !echo hello > !f; !cat f; !cat < !f | !tr a-z A-Z; echo guest | !cat; "
		 "!ls | !wc -l", daemon_.dir);
	status = run_dosh(script, out, sizeof(out));
	ok = status == 0 && strstr(out, "hello\nHELLO\nguest\n") != NULL;
	test_figure("hostcalld under prlimit --nofile=64: a dosh session with host files and pipes",
		    "served", ok, "%s", ok ? "served" : out);
	assert_true(ok);
	assert_false(test_log_contains(&daemon_, "shadow set-up failed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sigkill_of_shadow__guest_ends_within_1s__host_processes_gone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(sigkill_of_shadow__streams_held_open__guest_still_ends,
						setup, teardown),
		cmocka_unit_test_setup_teardown(sigkill_of_hostcalld__20_sessions_end__restart_binds_at_once,
						setup, teardown),
		cmocka_unit_test_setup_teardown(disk_full__guest_sees_enospc__status_says_so, setup,
						teardown),
		cmocka_unit_test_setup_teardown(fork_fails__guest_gets_clear_error__daemon_lives_no_zombies,
						setup, teardown),
		cmocka_unit_test_setup_teardown(emfile__128_descriptors_200_connections__no_spin_sessions_served,
						setup, teardown),
		cmocka_unit_test_setup_teardown(descriptor_limit_64__sessions_served, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("trust_faults", tests, NULL, NULL);
}
