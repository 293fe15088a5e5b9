/* harness.c: starting and stopping a real hostcalld for integration tests, and process probes. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

long long test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double test_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double test_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

void test_raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

double test_percentile(double *v, int n, int pct)
{
	int rank = (pct * n + 99) / 100;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[rank > 0 ? rank - 1 : 0];
}

double test_null_call_us(struct hc_session *s, int n)
{
	double *v = malloc(sizeof(double) * (size_t)n), m;

	for (int i = 0; i < n; i++) {
		double t0 = test_now_us();
		hc_null(s);
		v[i] = test_now_us() - t0;
	}
	m = test_median(v, n);
	free(v);
	return m;
}

/* Every thread of @pid (0: this process), TLS pump threads too. */
void test_pin(pid_t pid, int cpu)
{
	char path[64];
	cpu_set_t set;
	struct dirent *e;
	DIR *dir;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	snprintf(path, sizeof(path), "/proc/%d/task", pid ? (int)pid : (int)getpid());
	if (!(dir = opendir(path))) {
		sched_setaffinity(pid, sizeof(set), &set);
		return;
	}
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			sched_setaffinity((pid_t)atoi(e->d_name), sizeof(set), &set);
	closedir(dir);
}

struct test_daemon test_group_daemon;

int test_group_start(void **state)
{
	(void)state;
	return test_daemon_start(&test_group_daemon, NULL);
}

int test_group_stop(void **state)
{
	(void)state;
	return test_daemon_stop(&test_group_daemon) == 0 ? 0 : -1;
}

pid_t test_discard_server(size_t chunk, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, len) != 0 || listen(lfd, 1) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) != 0) {
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	pid = fork();
	if (pid == 0) {
		char *buf = malloc(chunk);
		int c = accept(lfd, NULL, NULL);
		while (buf && read(c, buf, chunk) > 0)
			;
		_exit(0);
	}
	close(lfd);
	return pid;
}

static const char *hostcalld_path(void)
{
	const char *p = getenv("HOSTCALLD");

	return p ? p : "build/bin/hostcalld";
}

static int read_addresses(struct test_daemon *d, const char *file)
{
	char line[300];
	FILE *f = fopen(file, "r");
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "tcp:", 4) == 0)
			snprintf(d->tcp_url, sizeof(d->tcp_url), "%s", line), n++;
	}
	fclose(f);
	return n ? 0 : -EAGAIN;
}

static void exec_daemon(struct test_daemon *d, const char *addr, const char *const *extra)
{
	const char *argv[40];
	int n = 0, fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	argv[n++] = hostcalld_path();
	argv[n++] = "--listen";
	argv[n++] = "tcp://127.0.0.1:0";
	argv[n++] = "--listen";
	argv[n++] = d->unix_url;
	argv[n++] = "--key";
	argv[n++] = d->key;
	argv[n++] = "--address-file";
	argv[n++] = addr;
	argv[n++] = "--log-level";
	argv[n++] = "debug";
	if (d->kvm_url[0]) {
		argv[n++] = "--kvm";
		argv[n++] = d->kvm_url + strlen("ivshmem:");
	}
	for (int i = 0; extra && extra[i] && n < 38; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	if (fd >= 0)
		dup2(fd, 2);
	execv(argv[0], (char **)argv);
	_exit(127);
}

int test_remote(void)
{
	return getenv("HC_TEST_URL") != NULL;
}

/* Remote: the daemon is $HC_TEST_URL's; our directory is a new one under $HC_TEST_DIR on its host. */
static int remote_start(struct test_daemon *d)
{
	static int made;
	const char *top = getenv("HC_TEST_DIR"), *key = getenv("HC_TEST_KEY");
	struct hc_session *s;
	int r;

	if (!top)
		return -EINVAL;
	snprintf(d->tcp_url, sizeof(d->tcp_url), "%s", getenv("HC_TEST_URL"));
	snprintf(d->key, sizeof(d->key), "%s", key ? key : "");
	snprintf(d->dir, sizeof(d->dir), "%s/itest-%d-%d", top, (int)getpid(), made++);
	if (!(s = test_connect(d)))
		return -ECONNREFUSED;
	r = hc_mkdir(s, d->dir, 0700);
	hc_disconnect(s);
	return r;
}

static int remote_stop(struct test_daemon *d)
{
	char *argv[] = { (char *)"rm", (char *)"-rf", d->dir, NULL };
	struct hc_spawn_spec sp = { .path = "rm", .argv = argv };
	struct hc_session *s = test_connect(d);
	int status = -1;
	pid_t pid;

	if (!s)
		return -1;
	if ((pid = hc_spawn(s, &sp)) > 0)
		hc_waitpid(s, pid, &status, 0);
	hc_disconnect(s);
	return status == 0 ? 0 : -1;
}

int test_daemon_start(struct test_daemon *d, const char *const *extra)
{
	char addr[300];
	long long deadline;

	memset(d, 0, sizeof(*d));
	if (test_remote())
		return remote_start(d);
	snprintf(d->dir, sizeof(d->dir), "/tmp/hctest.XXXXXX");
	if (!mkdtemp(d->dir))
		return -errno;
	snprintf(d->key, sizeof(d->key), "%s/key", d->dir);
	snprintf(d->unix_url, sizeof(d->unix_url), "unix:%s/sock", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/hostcalld.log", d->dir);
	snprintf(addr, sizeof(addr), "%s/addr", d->dir);
	if (test_over_channels())
		snprintf(d->kvm_url, sizeof(d->kvm_url), "ivshmem:%s/kvm.sock", d->dir);
	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (d->pid == 0)
		exec_daemon(d, addr, extra);
	for (deadline = test_now_ms() + 10000; test_now_ms() < deadline; usleep(10000)) {
		if (read_addresses(d, addr) == 0)
			return 0;
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
			d->pid = 0;
			return -ECHILD;
		}
	}
	return -ETIMEDOUT;
}

static void remove_dir(const char *dir)
{
	char path[600];
	struct dirent *de;
	DIR *dd = opendir(dir);

	if (!dd)
		return;
	while ((de = readdir(dd))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (unlink(path) != 0 && errno == EISDIR)
				remove_dir(path);
		}
	}
	closedir(dd);
	rmdir(dir);
}

/* Sanitizer reports from hostcalld or any shadow land in the log: they fail the test. */
static int log_has_sanitizer_report(struct test_daemon *d)
{
	static const char *const marks[] = { "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
					     "runtime error:", "ERROR: UndefinedBehaviorSanitizer" };
	int found = 0;

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		found |= test_log_contains(d, marks[i]);
	if (found) {
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "cat %s >&2", d->log);
		if (system(cmd) != 0)
			fprintf(stderr, "# see %s\n", d->log);
	}
	return found;
}

int test_daemon_stop(struct test_daemon *d)
{
	long long deadline = test_now_ms() + 10000;
	int status = -1;

	if (test_remote())
		return remote_stop(d);
	if (d->pid <= 0)   /* never started, or the test ended it itself: only its directory goes */
		status = d->dir[0] ? 0 : -1;
	else
		kill(d->pid, SIGTERM);
	while (d->pid > 0 && waitpid(d->pid, &status, WNOHANG) == 0) {
		if (test_now_ms() > deadline) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
			break;
		}
		usleep(10000);
	}
	d->pid = 0;
	if (log_has_sanitizer_report(d))
		status = -2;
	if (!getenv("HC_KEEP_TEST_DIR") && status != -2 && d->dir[0])
		remove_dir(d->dir);
	d->dir[0] = '\0';
	return status;
}

int test_over_channels(void)
{
	const char *t = getenv("HC_TEST_TRANSPORT");

	return t && strcmp(t, "ivshmem") == 0;
}

struct hc_session *test_connect(struct test_daemon *d)
{
	struct hc_session *s = NULL;
	const char *url = d->kvm_url[0] ? d->kvm_url : d->tcp_url;
	int r, tries = 0;

	/* a channel a closed session left may still be being freed by the host */
	while ((r = hc_connect(url, d->key[0] ? d->key : NULL, &s)) == -EBUSY && ++tries < 200)
		usleep(10000);
	if (r != 0)
		fprintf(stderr, "hc_connect(%s): %s\n", url, strerror(-r));
	return r == 0 ? s : NULL;
}

long long test_proc_stat_field(pid_t pid, int field)
{
	char path[64], line[1024], *p;
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	if (fgets(line, sizeof(line), f) && (p = strrchr(line, ')'))) {
		p += 2;
		for (int i = 3; i < field && p; i++)
			p = (p = strchr(p, ' ')) ? p + 1 : NULL;
		if (p)
			v = field == 3 ? *p : strtoll(p, NULL, 10);
	}
	fclose(f);
	return v;
}

static int pid_alive(pid_t pid)
{
	long long state = test_proc_stat_field(pid, 3);

	return state > 0 && state != 'Z' && state != 'X';
}

int test_pids_alive(const pid_t *pids, int n)
{
	int alive = 0;

	for (int i = 0; i < n; i++)
		alive += pids[i] > 0 && pid_alive(pids[i]);
	return alive;
}

int test_wait_gone(const pid_t *pids, int n, int ms)
{
	long long deadline = test_now_ms() + ms;

	while (test_pids_alive(pids, n) > 0) {
		if (test_now_ms() > deadline)
			return 0;
		usleep(10000);
	}
	return 1;
}

int test_children_of(pid_t ppid, pid_t *out, int max)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		int pid = atoi(de->d_name);
		if (pid > 0 && test_proc_stat_field(pid, 4) == ppid)
			out[n++] = pid;
	}
	closedir(d);
	return n;
}

int test_count_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(path)))
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

long test_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

int test_figure(const char *test, const char *limit, int pass, const char *fmt, ...)
{
	const char *file = getenv("HC_TRUST_FILE");
	char figure[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(figure, sizeof(figure), fmt, ap);
	va_end(ap);
	for (char *c = figure; *c; c++)   /* one line, one table cell */
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	fprintf(stderr, "trust: %s | %s | %s | %s\n", test, figure, limit, pass ? "pass" : "FAIL");
	if (file && file[0] && (f = fopen(file, "a"))) {
		fprintf(f, "%s\t%s\t%s\t%s\n", test, figure, limit, pass ? "pass" : "FAIL");
		fclose(f);
	}
	return pass;
}

int test_log_contains(struct test_daemon *d, const char *needle)
{
	char line[4096];
	FILE *f = d->log[0] ? fopen(d->log, "r") : NULL;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

int test_log_lines(struct test_daemon *d, const char *needle)
{
	char line[4096];
	FILE *f = d->log[0] ? fopen(d->log, "r") : NULL;
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* A file on the daemon's host: through @s when it is another machine's, else directly. */
int test_read_host_file(struct hc_session *s, const char *path, char *buf, size_t len)
{
	ssize_t n = 0, got = 0;
	int fd;

	if (!test_remote()) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return -errno;
		while (got < (ssize_t)len - 1 && (n = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
			got += n;
		close(fd);
	} else {
		if ((fd = hc_open(s, path, O_RDONLY, 0)) < 0)
			return fd;
		while (got < (ssize_t)len - 1 &&
		       (n = hc_read(s, (hc_handle_t)fd, buf + got, len - 1 - (size_t)got)) > 0)
			got += n;
		hc_close(s, (hc_handle_t)fd);
	}
	buf[got] = '\0';
	return n < 0 ? (int)n : (int)got;
}

int test_write_host_file(struct hc_session *s, const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	if (!test_remote()) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
			return -errno;
		n = write(fd, text, len);
		close(fd);
	} else {
		if ((fd = hc_open(s, path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
			return fd;
		n = hc_write(s, (hc_handle_t)fd, text, len);
		hc_close(s, (hc_handle_t)fd);
	}
	return n == (ssize_t)len ? 0 : -EIO;
}
