/*
 * harness.h: integration-test support: a real hostcalld on a random loopback port, by PID;
 * or, with HC_TEST_URL set, the one behind that URL on another machine (a VM's host).
 */
#ifndef HC_HARNESS_H
#define HC_HARNESS_H

#include <sys/types.h>

#include "hostcall.h"

struct test_daemon {
	pid_t pid;
	char dir[256];          /* a private temporary directory */
	char key[300];          /* its key file */
	char tcp_url[300];
	char unix_url[300];
	char log[300];          /* hostcalld's stderr */
	char kvm_url[320];      /* HC_TEST_TRANSPORT=ivshmem: sessions over shared-memory channels */
};

/*
 * test_remote - is the daemon another machine's: HC_TEST_URL (kvm:, tcp://…), with
 * HC_TEST_KEY and HC_TEST_DIR, a directory on its host for the tests' files. Its
 * processes and files are then reached only through hostcalls, and it is not ours to stop.
 */
int test_remote(void);
/*
 * test_daemon_start - run hostcalld (from $HOSTCALLD) with tcp and unix
 * listeners and @extra arguments (NULL-terminated, may be NULL); wait for it.
 * Remote (test_remote()): only make the test directory on its host, ignoring @extra.
 * Returns: 0 or -errno.
 */
int test_daemon_start(struct test_daemon *d, const char *const *extra);
/*
 * test_daemon_stop - SIGTERM, wait (10 s at most, then SIGKILL). Returns: its wait status.
 * With d->pid 0 (a test that ended it itself) only its directory goes: 0.
 * A remote one is left running: only its test directory goes (0, or -1 when it could not).
 */
int test_daemon_stop(struct test_daemon *d);
/* test_over_channels - is HC_TEST_TRANSPORT=ivshmem: the daemon serves channels, and sessions use them. */
int test_over_channels(void);
/* test_connect - a tcp: session with the daemon's key (an ivshmem: one, see above). Returns: it or NULL. */
struct hc_session *test_connect(struct test_daemon *d);
/* test_pids_alive - how many of @pids still exist (zombies count as gone). */
int test_pids_alive(const pid_t *pids, int n);
/* test_wait_gone - poll up to @ms until none of @pids is alive. Returns: 1 when all are gone. */
int test_wait_gone(const pid_t *pids, int n, int ms);
/*
 * test_proc_stat_field - field @field (1-based, as proc(5) counts: 3 = state, 4 = ppid) of
 * /proc/@pid/stat, read after the command's parenthesis. Returns: it (state: its letter) or -1.
 */
long long test_proc_stat_field(pid_t pid, int field);
/* test_children_of - the pids whose parent is @ppid, up to @max. Returns: how many. */
int test_children_of(pid_t ppid, pid_t *out, int max);
/* test_count_fds - open descriptors of process @pid (-1 on error). */
int test_count_fds(pid_t pid);
/* test_rss_kib - resident memory of process @pid in KiB (-1 on error). */
long test_rss_kib(pid_t pid);
/*
 * test_figure - report one measured figure of the trust campaign: "trust: TEST | FIGURE | LIMIT |
 * pass" on stderr and, when $HC_TRUST_FILE names a file, a tab-separated line appended to it
 * (make trust prints them as one table). Returns: @pass.
 */
int test_figure(const char *test, const char *limit, int pass, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* test_log_contains - whether the daemon's log holds @needle (never, for a remote one). */
int test_log_contains(struct test_daemon *d, const char *needle);
/* test_log_lines - how many lines of the daemon's log hold @needle (-1: no log). */
int test_log_lines(struct test_daemon *d, const char *needle);
/* test_now_ms - a monotonic clock. */
long long test_now_ms(void);
/* test_now_us - a monotonic clock in microseconds. */
double test_now_us(void);
/*
 * test_discard_server - a child that accepts one connection on a loopback port
 * (*@port) and reads and discards it in @chunk-byte reads until end of file.
 * Returns: the child's pid, or -1.
 */
pid_t test_discard_server(size_t chunk, int *port);
/* test_read_host_file - up to @len - 1 bytes of @path on the daemon's host, NUL-ended. Returns: bytes or -errno. */
int test_read_host_file(struct hc_session *s, const char *path, char *buf, size_t len);
/* test_write_host_file - @path on the daemon's host holds @text. Returns: 0 or -errno. */
int test_write_host_file(struct hc_session *s, const char *path, const char *text);
/* test_raise_fd_limit - this process's descriptor limit raised to its hard limit. */
void test_raise_fd_limit(void);
/* test_percentile - the nearest-rank @pct-th percentile of @v[0..n), n > 0 (sorts @v). */
double test_percentile(double *v, int n, int pct);
/* test_median - the median of @v[0..n) (sorts @v). */
double test_median(double *v, int n);
/* test_null_call_us - the median time of @n hc_null() calls on @s, in microseconds. */
double test_null_call_us(struct hc_session *s, int n);
/* test_pin - run every thread of process @pid (0: this one) on @cpu only. */
void test_pin(pid_t pid, int cpu);

/* A cmocka group's daemon, started and stopped by the group's set-up and tear-down. */
extern struct test_daemon test_group_daemon;
/* test_group_start - cmocka group set-up: start test_group_daemon. Returns: 0 or -errno. */
int test_group_start(void **state);
/* test_group_stop - cmocka group tear-down: stop it. Returns: 0, or -1 when it did not exit cleanly. */
int test_group_stop(void **state);

#endif
