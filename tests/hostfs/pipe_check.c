/* pipe_check.c: checks that hostfs --pipes joins guest opens to host FIFOs as FIFOs behave. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostcall.h"

#define TEST_ALARM_S 30    /* every test */
#define BULK_ALARM_S 120   /* each 100 MiB transfer */
#define KID_SLACK_S 5      /* a child's alarm goes off this much before its test's */
#define SUPERVISE_S 1500   /* the whole run, should the test process itself get stuck */
#define TRACK_MAX 32
#define NAMES_MAX 24
#define HOST_STEPS_MAX 12
#define STAMPS 4
#define FD_SCAN_MAX 1024   /* children close what they inherited below this */
#define FIFO_WAIT_MS 10000 /* a host child waits this long for the guest to make the FIFO */
#define MIB ((size_t)1024 * 1024)
#define BULK_LEN (100 * MIB)
#define DUAL_LEN (20 * MIB)
#define WRITE_CHUNK ((size_t)128 * 1024)
#define READ_CHUNK MIB
#define RECORD 4096
#define RECORDS 200
#define PAUSE_MS 35000     /* a host reader pauses longer than a hostcall may take */
#define PAUSED_LEN (512 * (size_t)1024)
#define STALL_OPENS 20    /* at most this many opens blocked at once while another pipe flows */

_Static_assert(RECORD <= PIPE_BUF, "a record must be a write the kernel keeps whole");

/* What the environment asked for. */
struct pc_env {
	char mnt[PATH_MAX];      /* HOSTPIPE_MNT, absolute */
	char hostdir[PATH_MAX];  /* HOSTPIPE_HOSTDIR, as the host names it */
	const char *url, *key;   /* DOSH_HOST, DOSH_KEY */
	char prefix[32];         /* "t.PID.": every name this run makes starts so */
	unsigned next_name;
	struct hc_session *hc;   /* the test process's own session: only calls that never block */
};

/* What the test and its children tell each other: CLOCK_MONOTONIC stamps and results. */
struct pc_shared {
	double stamp[STAMPS];
	int err[2];
	long long count[4];
};

/* What the running test holds, released by the teardown even after a failure. */
struct pc_tracked {
	int fds[TRACK_MAX];
	int nfds;
	pid_t kids[TRACK_MAX];
	int nkids;
	hc_handle_t handles[TRACK_MAX];   /* host handles in env.hc */
	int nhandles;
	char names[NAMES_MAX][NAME_MAX + 1];
	int nnames;
	int fds_before;
};

static struct pc_env env;
static struct pc_tracked tracked;
static struct pc_shared *shared;
static unsigned alarm_now; /* the running test's alarm, in seconds */

/* ---- assertions that name the failing call ---- */

static long sys_ok(long r, const char *what, const char *file, int line)
{
	int e = errno;

	if (r == -1) {
		print_error("%s: %s\n", what, strerror(e));
		_fail(file, line);
	}
	return r;
}
#define SYS(call) sys_ok((long)(call), #call, __FILE__, __LINE__)

static void sys_err(long r, int want, const char *what, const char *file, int line)
{
	int e = errno;

	if (r == -1 && e == want)
		return;
	if (r == -1)
		print_error("%s: %s, wanted %s\n", what, strerror(e), strerror(want));
	else
		print_error("%s: returned %ld, wanted -1 (%s)\n", what, r, strerror(want));
	_fail(file, line);
}
#define SYS_ERR(call, e) sys_err((long)(call), (e), #call, __FILE__, __LINE__)

static void count_ok(ssize_t r, size_t want, const char *what, const char *file, int line)
{
	int e = errno;

	if (r >= 0 && (size_t)r == want)
		return;
	if (r < 0)
		print_error("%s: %s\n", what, strerror(e));
	else
		print_error("%s: %zd bytes, wanted %zu\n", what, r, want);
	_fail(file, line);
}
#define assert_count(call, want) count_ok((call), (want), #call, __FILE__, __LINE__)

/* hc_ok_ - a libhostcall result (-errno on failure) must be @want. */
static void hc_ok_(long r, long want, const char *what, const char *file, int line)
{
	if (r == want)
		return;
	if (r < 0)
		print_error("%s: %s, wanted %ld\n", what, strerror((int)-r), want);
	else
		print_error("%s: %ld, wanted %ld\n", what, r, want);
	_fail(file, line);
}
#define HC(call, want) hc_ok_((long)(call), (want), #call, __FILE__, __LINE__)

/* said - a report from code that may run in a child. Returns: -1. */
__attribute__((format(printf, 2, 3))) static int said(const char *who, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s (pid %d): ", who, (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* ---- time ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* A test that hangs fails, as cmocka's own handler fails one that crashes. */
static void on_alarm(int sig)
{
	(void)sig;
	print_error("the test hung: its %u s alarm went off\n", alarm_now);
	_fail(__FILE__, __LINE__);
}

static void arm(unsigned s)
{
	alarm_now = s;
	alarm(s);
}

static void catch_alarm(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_NODEFER };
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);   /* a longjmp out of the handler kept it blocked */
}

/* ---- names and paths ---- */

/* join - "@dir/@name" in one of a ring of 8 buffers: use it at once, or copy it. */
static const char *join(const char *dir, const char *name)
{
	static char ring[8][PATH_MAX];
	static unsigned next;
	char *p = ring[next++ % 8];
	int n = snprintf(p, PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_MAX)
		fail_msg("path too long: %s/%s", dir, name);
	return p;
}

static const char *guest_path(const char *name)
{
	return join(env.mnt, name);
}

static const char *host_path(const char *name)
{
	return join(env.hostdir, name);
}

/* pipe_name - a name of this run's own, removed by the teardown. */
static const char *pipe_name(void)
{
	char *n;

	if (tracked.nnames == NAMES_MAX)
		fail_msg("more than %d names in one test", NAMES_MAX);
	n = tracked.names[tracked.nnames++];
	snprintf(n, NAME_MAX + 1, "%s%u", env.prefix, env.next_name++);
	return n;
}

/* ---- what a test holds ---- */

static int track_fd(int fd)
{
	if (tracked.nfds == TRACK_MAX)
		fail_msg("more than %d descriptors held", TRACK_MAX);
	tracked.fds[tracked.nfds++] = fd;
	return fd;
}

static void untrack_fd(int fd)
{
	for (int i = 0; i < tracked.nfds; i++)
		if (tracked.fds[i] == fd) {
			tracked.fds[i] = tracked.fds[--tracked.nfds];
			return;
		}
}

static int xopen_(const char *path, int flags, const char *file, int line)
{
	int fd = open(path, flags | O_CLOEXEC);
	int e = errno;

	if (fd < 0) {
		print_error("open(%s, %#o): %s\n", path, (unsigned)flags, strerror(e));
		_fail(file, line);
		return -1;
	}
	return track_fd(fd);
}
#define xopen(path, flags) xopen_((path), (flags), __FILE__, __LINE__)

static void xclose(int fd)
{
	untrack_fd(fd);
	if (close(fd) != 0)
		fail_msg("close(%d): %s", fd, strerror(errno));
}

static void xpipe(int p[2])
{
	SYS(pipe2(p, O_CLOEXEC));
	track_fd(p[0]);
	track_fd(p[1]);
}

/* open_fails_ - open(@path, @flags) must fail with @want; a surprise descriptor is closed. */
static void open_fails_(const char *path, int flags, int want, const char *file, int line)
{
	int fd = open(path, flags | O_CLOEXEC);
	int e = errno;

	if (fd >= 0) {
		close(fd);
		print_error("open(%s, %#o) succeeded, wanted %s\n", path, (unsigned)flags,
			    strerror(want));
		_fail(file, line);
	} else if (e != want) {
		print_error("open(%s, %#o): %s, wanted %s\n", path, (unsigned)flags, strerror(e),
			    strerror(want));
		_fail(file, line);
	}
}
#define open_fails(path, flags, want) open_fails_((path), (flags), (want), __FILE__, __LINE__)

/* host_open_now - open @name on the host with O_NONBLOCK, which never blocks the session. */
static hc_handle_t host_open_now(const char *name, int flags)
{
	int h = hc_open(env.hc, host_path(name), flags | O_NONBLOCK, 0);

	if (h < 0)
		fail_msg("hc_open(%s, %#o) on the host: %s", host_path(name), (unsigned)flags,
			 strerror(-h));
	if (tracked.nhandles == TRACK_MAX)
		fail_msg("more than %d host handles held", TRACK_MAX);
	tracked.handles[tracked.nhandles++] = h;
	return h;
}

static void host_close_now(hc_handle_t h)
{
	for (int i = 0; i < tracked.nhandles; i++)
		if (tracked.handles[i] == h)
			tracked.handles[i] = tracked.handles[--tracked.nhandles];
	HC(hc_close(env.hc, h), 0);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* ---- child processes ---- */

/* Two local pipes between the test and one child: up (child to test) and down. */
struct link {
	int up[2], down[2];
};

static void link_open(struct link *l)
{
	xpipe(l->up);
	xpipe(l->down);
}

static void link_tell_kid(const struct link *l)
{
	assert_count(write(l->down[1], "g", 1), 1);
}

enum { AWAIT_EOF = -1, AWAIT_TIMEOUT = -2, AWAIT_ERROR = -3 };

/* await_byte - the next byte on @fd within @ms. Returns: it, or AWAIT_EOF/_TIMEOUT/_ERROR. */
static int await_byte(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char c;
	int n;

	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		return n == 0 ? AWAIT_TIMEOUT : AWAIT_ERROR;
	n = (int)read(fd, &c, 1);
	return n == 1 ? c : n == 0 ? AWAIT_EOF : AWAIT_ERROR;
}

static void link_await_kid(const struct link *l, int ms, const char *what)
{
	int c = await_byte(l->up[0], ms);

	if (c < 0)
		fail_msg("the child did not report %s within %d ms (%s)", what, ms,
			 c == AWAIT_EOF ? "it is gone"
			 : c == AWAIT_TIMEOUT ? "timed out" : "error");
}

/* In a child: */
static int kid_tell(const struct link *l)
{
	return write(l->up[1], "k", 1) == 1 ? 0 : -1;
}

static int kid_await(const struct link *l)
{
	char c;
	ssize_t n;

	while ((n = read(l->down[0], &c, 1)) < 0 && errno == EINTR)
		;
	return n == 1 ? 0 : -1;
}

/* kid_err - a child's report of its failed step. Returns: @code, to exit with. */
static int kid_err(int code, const char *what)
{
	int e = errno;

	fprintf(stderr, "  child %d: %s: %s\n", (int)getpid(), what, strerror(e));
	return code;
}

typedef int (*kid_fn)(const void *arg);

/* A child keeps no descriptor of the test's but its end of @keep: no guest fd stays open in it. */
static void kid_close_inherited(const struct link *keep)
{
	for (int fd = 3; fd < FD_SCAN_MAX; fd++)
		if (!keep || (fd != keep->up[1] && fd != keep->down[0]))
			close(fd);
}

/* kid_start - run @fn(@arg) in a child that exits with its result. Returns: its pid. */
static pid_t kid_start(kid_fn fn, const void *arg, const struct link *keep)
{
	pid_t parent = getpid(), pid;

	if (tracked.nkids == TRACK_MAX)
		fail_msg("more than %d children", TRACK_MAX);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm(alarm_now - KID_SLACK_S);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(99);
		kid_close_inherited(keep);
		_exit(fn(arg));
	}
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	tracked.kids[tracked.nkids++] = pid;
	return pid;
}

static int status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int reap(pid_t pid)
{
	int st;
	pid_t r;

	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? status_of(st) : -1;
}

static void untrack_kid(pid_t pid)
{
	for (int i = 0; i < tracked.nkids; i++)
		if (tracked.kids[i] == pid)
			tracked.kids[i] = tracked.kids[--tracked.nkids];
}

/* kid_wait - reap @pid. Returns: its exit status, or 128 + the signal that ended it. */
static int kid_wait(pid_t pid)
{
	untrack_kid(pid);
	return reap(pid);
}

/* kid_wait_within - reap @pid if it ends within @ms. Returns: as kid_wait(), or -2 (running). */
static int kid_wait_within(pid_t pid, int ms)
{
	double end = now_s() + ms / 1000.0;
	int st;

	do {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid) {
			untrack_kid(pid);
			return status_of(st);
		}
		if (r < 0 && errno != EINTR)
			return -1;
		sleep_ms(5);
	} while (now_s() < end);
	return -2;
}

static void assert_kid_ok_(pid_t pid, const char *what, const char *file, int line)
{
	int st = kid_wait(pid);

	if (st == 0)
		return;
	if (st == 128 + SIGALRM)
		print_error("the %s child hung: its alarm went off\n", what);
	else if (st > 128)
		print_error("the %s child died of signal %d (%s)\n", what, st - 128,
			    strsignal(st - 128));
	else
		print_error("the %s child failed: exit status %d\n", what, st);
	_fail(file, line);
}
#define assert_kid_ok(pid, what) assert_kid_ok_((pid), (what), __FILE__, __LINE__)

/* ---- a pseudo-random stream, regenerated to check it ---- */

struct stream {
	uint64_t s;
	unsigned char word[8];
	unsigned left;   /* bytes of word not given out yet */
};

static uint64_t prng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void stream_init(struct stream *st, uint64_t seed)
{
	st->s = seed * 0x9e3779b97f4a7c15ull | 1;
	st->left = 0;
}

static void stream_fill(struct stream *st, unsigned char *p, size_t n)
{
	for (; n > 0 && st->left > 0; n--, st->left--)
		*p++ = st->word[8 - st->left];
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t v = prng_next(&st->s);

		memcpy(p, &v, 8);
	}
	if (n > 0) {
		uint64_t v = prng_next(&st->s);

		memcpy(st->word, &v, 8);
		for (st->left = 8; n > 0; n--, st->left--)
			*p++ = st->word[8 - st->left];
	}
}

/* One end of a pipe: a guest descriptor (s NULL), or host handle fd in session s. */
struct end {
	struct hc_session *s;
	int fd;
};

static ssize_t end_read(struct end e, void *buf, size_t n)
{
	ssize_t r;

	if (!e.s)
		return read(e.fd, buf, n);
	if ((r = hc_read(e.s, e.fd, buf, n)) >= 0)
		return r;
	errno = (int)-r;
	return -1;
}

static ssize_t end_write(struct end e, const void *buf, size_t n)
{
	ssize_t r;

	if (!e.s)
		return write(e.fd, buf, n);
	if ((r = hc_write(e.s, e.fd, buf, n)) >= 0)
		return r;
	errno = (int)-r;
	return -1;
}

/* write_whole - @n bytes in one write, which must take them all. Returns: 0 or -1 (said why). */
static int write_whole(struct end out, const void *buf, size_t n, size_t off, const char *who)
{
	ssize_t w = end_write(out, buf, n);

	if (w < 0)
		return said(who, "write of %zu bytes at %zu: %s", n, off, strerror(errno));
	if ((size_t)w != n)
		return said(who, "write of %zu bytes at %zu took %zd", n, off, w);
	return 0;
}

/* send_stream - @len bytes of stream @seed in WRITE_CHUNK writes. Returns: 0 or -1 (said why). */
static int send_stream(struct end out, uint64_t seed, size_t len, const char *who)
{
	unsigned char *buf = malloc(WRITE_CHUNK);
	struct stream st;
	int r = 0;

	if (!buf)
		return said(who, "out of memory");
	stream_init(&st, seed);
	for (size_t off = 0; off < len && r == 0; off += WRITE_CHUNK) {
		size_t n = len - off < WRITE_CHUNK ? len - off : WRITE_CHUNK;

		stream_fill(&st, buf, n);
		r = write_whole(out, buf, n, off, who);
	}
	free(buf);
	return r;
}

static int same_or_say(const unsigned char *got, const unsigned char *want, size_t n, size_t base,
		       const char *who)
{
	size_t i;

	if (memcmp(got, want, n) == 0)
		return 0;
	for (i = 0; got[i] == want[i]; i++)
		;
	return said(who, "byte %zu is 0x%02x, wanted 0x%02x", base + i, got[i], want[i]);
}

/*
 * check_stream - read @in in READ_CHUNK reads to its end: it must be exactly @len bytes of
 * stream @seed, of which the first @skip were taken already; with @fwd, pass each piece on
 * there too. Returns: 0 or -1 (said why).
 */
static int check_stream(struct end in, uint64_t seed, size_t len, size_t skip,
			const struct end *fwd, const char *who)
{
	unsigned char *got = malloc(READ_CHUNK), *want = malloc(READ_CHUNK);
	struct stream st;
	size_t off = skip;
	ssize_t n = 0;
	int r = !got || !want ? said(who, "out of memory")
		: skip > READ_CHUNK ? said(who, "cannot skip %zu bytes", skip) : 0;

	stream_init(&st, seed);
	if (r == 0)
		stream_fill(&st, want, skip);
	while (r == 0 && (n = end_read(in, got, READ_CHUNK)) > 0) {
		if (off + (size_t)n > len) {
			r = said(who, "%zu bytes and more, wanted %zu", off + (size_t)n, len);
			break;
		}
		stream_fill(&st, want, (size_t)n);
		r = same_or_say(got, want, (size_t)n, off, who);
		if (r == 0 && fwd)
			r = write_whole(*fwd, got, (size_t)n, off, who);
		off += (size_t)n;
	}
	if (r == 0 && n < 0)
		r = said(who, "read at %zu: %s", off, strerror(errno));
	if (r == 0 && off != len)
		r = said(who, "end of file after %zu bytes, wanted %zu", off, len);
	free(got);
	free(want);
	return r;
}

/* ---- the host program at the other end: a child with a session of its own ---- */

enum host_op {
	H_END,
	H_FIFO,          /* wait until the guest's open made the FIFO */
	H_OPEN,          /* H_FIFO, then hc_open with flags arg (blocking as FIFOs do) */
	H_CLOSE,
	H_WRITE,         /* the text data */
	H_READ_SOME,     /* one read of at most arg bytes, which must bring at least one */
	H_SEND_STREAM,   /* arg bytes of stream seed */
	H_CHECK_STREAM,  /* read to the end: arg bytes of stream seed, less what H_READ_SOME took */
	H_CHECK_RECORDS, /* read to the end, count RECORD-byte records in shared->count */
	H_SLEEP,         /* arg ms */
	H_UNTIL,         /* until arg ms after shared->stamp[0] */
	H_STAMP,         /* shared->stamp[arg] = now */
	H_TELL,          /* a byte up the link */
	H_AWAIT,         /* a byte down the link */
};

struct host_step {
	enum host_op op;
	long arg;
	const char *data;
	uint64_t seed;
};

#define S_FIFO { .op = H_FIFO }
#define S_OPEN(flags) { .op = H_OPEN, .arg = (flags) }
#define S_CLOSE { .op = H_CLOSE }
#define S_WRITE(text) { .op = H_WRITE, .data = (text) }
#define S_READ_SOME(n) { .op = H_READ_SOME, .arg = (n) }
#define S_SEND(sd, len) { .op = H_SEND_STREAM, .arg = (long)(len), .seed = (sd) }
#define S_CHECK(sd, len) { .op = H_CHECK_STREAM, .arg = (long)(len), .seed = (sd) }
#define S_RECORDS { .op = H_CHECK_RECORDS }
#define S_SLEEP(ms) { .op = H_SLEEP, .arg = (ms) }
#define S_UNTIL(ms) { .op = H_UNTIL, .arg = (ms) }
#define S_STAMP(i) { .op = H_STAMP, .arg = (i) }
#define S_TELL { .op = H_TELL }
#define S_AWAIT { .op = H_AWAIT }

/* A script for the host program; steps end at the first H_END. */
struct host_job {
	const char *name;
	const struct link *link;
	struct host_step steps[HOST_STEPS_MAX];
};

struct host_ctx {
	struct hc_session *s;
	hc_handle_t h;
	size_t taken;   /* bytes H_READ_SOME took, which H_CHECK_STREAM then skips */
	char path[PATH_MAX];
	char who[64];
};

static int await_fifo(struct hc_session *s, const char *path, const char *who)
{
	double end = now_s() + FIFO_WAIT_MS / 1000.0;
	struct stat st;
	int r;

	while ((r = hc_stat(s, path, &st)) == -ENOENT && now_s() < end)
		sleep_ms(5);
	if (r != 0)
		return said(who, "hc_stat(%s): %s", path, strerror(-r));
	return S_ISFIFO(st.st_mode) ? 0 : said(who, "%s is not a FIFO (mode %#o)", path,
						(unsigned)st.st_mode);
}

static void count_records(const unsigned char *buf, size_t len)
{
	for (size_t off = 0; off + RECORD <= len; off += RECORD) {
		const unsigned char *r = buf + off;
		int whole = r[0] == 'A' || r[0] == 'B';

		for (size_t i = 1; whole && i < RECORD; i++)
			whole = r[i] == r[0];
		shared->count[whole ? r[0] - 'A' : 2]++;
	}
	shared->count[2] += len % RECORD != 0;
	shared->count[3] = (long long)len;
}

/* Read everything into one buffer, then count records. */
static int host_check_records(struct host_ctx *c)
{
	size_t cap = 2 * RECORDS * RECORD + RECORD, got = 0;
	unsigned char *buf = malloc(cap);
	ssize_t n = 0;

	if (!buf)
		return said(c->who, "out of memory");
	while (got < cap && (n = hc_read(c->s, c->h, buf + got, cap - got)) > 0)
		got += (size_t)n;
	count_records(buf, got);
	free(buf);
	return n < 0 ? said(c->who, "hc_read after %zu bytes: %s", got, strerror((int)-n)) : 0;
}

static int host_open(struct host_ctx *c, int flags)
{
	if (await_fifo(c->s, c->path, c->who) != 0)
		return -1;
	c->h = hc_open(c->s, c->path, flags, 0);
	return c->h < 0 ? said(c->who, "hc_open(%#o): %s", (unsigned)flags, strerror(-c->h)) : 0;
}

static int host_read_some(struct host_ctx *c, size_t max)
{
	char buf[4096];
	ssize_t n = hc_read(c->s, c->h, buf, max < sizeof(buf) ? max : sizeof(buf));

	if (n > 0) {
		c->taken += (size_t)n;
		return 0;
	}
	return said(c->who, "hc_read: %s", n == 0 ? "end of file" : strerror((int)-n));
}

static int host_write(struct host_ctx *c, const char *text)
{
	size_t n = strlen(text);

	return write_whole((struct end){ c->s, c->h }, text, n, 0, c->who);
}

static int host_close(struct host_ctx *c)
{
	int r = hc_close(c->s, c->h);

	c->h = -1;
	return r == 0 ? 0 : said(c->who, "hc_close: %s", strerror(-r));
}

static void sleep_until(double t)
{
	double d = t - now_s();

	if (d > 0)
		sleep_ms((long)(d * 1000));
}

static int host_step(struct host_ctx *c, const struct host_step *st, const struct link *l)
{
	struct end e = { c->s, c->h };

	switch (st->op) {
	case H_FIFO: return await_fifo(c->s, c->path, c->who);
	case H_OPEN: return host_open(c, (int)st->arg);
	case H_CLOSE: return host_close(c);
	case H_WRITE: return host_write(c, st->data);
	case H_READ_SOME: return host_read_some(c, (size_t)st->arg);
	case H_SEND_STREAM: return send_stream(e, st->seed, (size_t)st->arg, c->who);
	case H_CHECK_STREAM:
		return check_stream(e, st->seed, (size_t)st->arg, c->taken, NULL, c->who);
	case H_CHECK_RECORDS: return host_check_records(c);
	case H_SLEEP: sleep_ms(st->arg); return 0;
	case H_UNTIL: sleep_until(shared->stamp[0] + (double)st->arg / 1000); return 0;
	case H_STAMP: shared->stamp[st->arg] = now_s(); return 0;
	case H_TELL: return kid_tell(l) == 0 ? 0 : said(c->who, "cannot tell the test");
	case H_AWAIT: return kid_await(l) == 0 ? 0 : said(c->who, "the test went away");
	case H_END: break;
	}
	return 0;
}

/* host_kid - play the script of job @arg. Returns: 0, 2 (no session) or 10 + the failed step. */
static int host_kid(const void *arg)
{
	const struct host_job *job = arg;
	struct host_ctx c = { .h = -1 };
	int r;

	r = snprintf(c.path, sizeof(c.path), "%s/%s", env.hostdir, job->name);
	if (r < 0 || r >= (int)sizeof(c.path))
		return 2;
	snprintf(c.who, sizeof(c.who), "host side of %s", job->name);
	if ((r = hc_connect(env.url, env.key, &c.s)) != 0)
		return said(c.who, "hc_connect(%s): %s", env.url, strerror(-r)), 2;
	for (int i = 0; r == 0 && i < HOST_STEPS_MAX && job->steps[i].op != H_END; i++)
		if (host_step(&c, &job->steps[i], job->link) != 0)
			r = 10 + i;
	hc_disconnect(c.s);
	return r;
}

static pid_t host_start(const struct host_job *job)
{
	return kid_start(host_kid, job, job->link);
}

/* ---- guest children ---- */

struct guest_job {
	char path[PATH_MAX];
	const struct link *link;
	int flags;
	char fill;
	uint64_t seed;
	size_t len;
};

static void guest_job_init(struct guest_job *g, const char *name, const struct link *l)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->path, sizeof(g->path), "%s", guest_path(name));
	g->link = l;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* Catch SIGUSR1 without SA_RESTART, so a blocked call returns EINTR. */
static int catch_usr1(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL);
}

/* The outcome of a call that a signal should interrupt: 0 for EINTR, 3 success, 4 another error. */
static int interrupted_outcome(long r)
{
	int e = errno;

	shared->stamp[1] = now_s();
	shared->err[0] = r < 0 ? e : 0;
	return r >= 0 ? 3 : e == EINTR ? 0 : 4;
}

/* guest_open_kid - a blocking open of g->path with g->flags, which SIGUSR1 interrupts. */
static int guest_open_kid(const void *arg)
{
	const struct guest_job *g = arg;
	int fd, r;

	if (catch_usr1() != 0 || (g->link && kid_tell(g->link) != 0))
		return kid_err(2, "set-up");
	fd = open(g->path, g->flags);
	r = interrupted_outcome(fd);
	if (fd >= 0)
		close(fd);
	return r;
}

/* guest_read_kid - open g->path to read, then a blocking read, which SIGUSR1 interrupts. */
static int guest_read_kid(const void *arg)
{
	const struct guest_job *g = arg;
	char buf[16];
	int fd, r;

	if (catch_usr1() != 0)
		return kid_err(2, "sigaction");
	if ((fd = open(g->path, O_RDONLY)) < 0)
		return kid_err(5, "open");
	if (kid_tell(g->link) != 0)
		return kid_err(2, "tell");
	r = interrupted_outcome(read(fd, buf, sizeof(buf)));
	close(fd);
	return r;
}

/* guest_sigpipe_kid - write to g->path with SIGPIPE's default action: 3 when EPIPE came alone. */
static int guest_sigpipe_kid(const void *arg)
{
	const struct guest_job *g = arg;
	static char chunk[65536];
	int fd;

	signal(SIGPIPE, SIG_DFL);
	if ((fd = open(g->path, O_WRONLY)) < 0)
		return kid_err(2, "open");
	memset(chunk, 's', sizeof(chunk));
	while (write(fd, chunk, sizeof(chunk)) > 0)
		;
	return errno == EPIPE ? kid_err(3, "write without SIGPIPE") : kid_err(4, "write");
}

/* guest_records_kid - open, report, await the word, then RECORDS writes of RECORD g->fill bytes. */
static int guest_records_kid(const void *arg)
{
	const struct guest_job *g = arg;
	char rec[RECORD];
	int fd;

	if ((fd = open(g->path, O_WRONLY)) < 0)
		return kid_err(2, "open");
	memset(rec, g->fill, sizeof(rec));
	if (kid_tell(g->link) != 0 || kid_await(g->link) != 0)
		return kid_err(3, "link");
	for (int i = 0; i < RECORDS; i++) {
		ssize_t n = write(fd, rec, RECORD);

		if (n < 0)
			return kid_err(4, "write");
		if (n != RECORD) {
			said("record writer", "record %d: a write of %zd bytes", i, n);
			return 4;
		}
	}
	return close(fd) == 0 ? 0 : kid_err(5, "close");
}

/* guest_stream_kid - write g->len bytes of stream g->seed to g->path. */
static int guest_stream_kid(const void *arg)
{
	const struct guest_job *g = arg;
	int fd = open(g->path, O_WRONLY), r;

	if (fd < 0)
		return kid_err(2, "open");
	r = send_stream((struct end){ NULL, fd }, g->seed, g->len, "guest writer");
	if (close(fd) != 0 && r == 0)
		return kid_err(5, "close");
	return r == 0 ? 0 : 4;
}

/* guest_eof_kid - read g->path to its end, which must come after exactly "abc". */
static int guest_eof_kid(const void *arg)
{
	const struct guest_job *g = arg;
	char buf[16];
	size_t got = 0;
	ssize_t n;
	int fd = open(g->path, O_RDONLY);

	if (fd < 0)
		return kid_err(2, "open");
	while (got < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got == 3 && memcmp(buf, "abc", 3) == 0)
		return 0;
	said("guest reader", "%zu bytes before the end, wanted \"abc\"", got);
	return 3;
}

/* ---- 1. bulk data, both ways ---- */

static void report_rate(const char *way, size_t len, double s)
{
	print_message("      %s: %zu MiB in %.2f s: %.1f MB/s\n", way, len / MIB, s,
		      (double)len / 1e6 / s);
}

static void bulk_to_host(void)
{
	const char *name = pipe_name();
	struct host_job job = { .name = name,
				.steps = { S_OPEN(O_RDONLY), S_CHECK(11, BULK_LEN), S_CLOSE } };
	double t0 = now_s();
	pid_t kid = host_start(&job);
	int fd = xopen(guest_path(name), O_WRONLY);

	assert_int_equal(send_stream((struct end){ NULL, fd }, 11, BULK_LEN, "guest writer"), 0);
	xclose(fd);
	assert_kid_ok(kid, "host reader");
	report_rate("guest -> host", BULK_LEN, now_s() - t0);
}

static void bulk_to_guest(void)
{
	const char *name = pipe_name();
	struct host_job job = { .name = name,
				.steps = { S_OPEN(O_WRONLY), S_SEND(12, BULK_LEN), S_CLOSE } };
	double t0 = now_s();
	pid_t kid = host_start(&job);
	int fd = xopen(guest_path(name), O_RDONLY);
	struct end in = { NULL, fd };

	assert_int_equal(check_stream(in, 12, BULK_LEN, 0, NULL, "guest reader"), 0);
	xclose(fd);
	assert_kid_ok(kid, "host writer");
	report_rate("host -> guest", BULK_LEN, now_s() - t0);
}

static void bulk__100mib_each_way__every_byte_arrives(void **state)
{
	(void)state;
	arm(BULK_ALARM_S);
	bulk_to_host();
	arm(BULK_ALARM_S);
	bulk_to_guest();
}

/* ---- 2. end of file ---- */

static void eof__host_writes_abc_and_closes__abc_then_0(void **state)
{
	const char *name = pipe_name();
	struct host_job job = { .name = name,
				.steps = { S_OPEN(O_WRONLY), S_WRITE("abc"), S_CLOSE } };
	pid_t kid;
	char buf[16];
	int fd;

	(void)state;
	kid = host_start(&job);
	fd = xopen(guest_path(name), O_RDONLY);
	assert_count(read(fd, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_count(read(fd, buf, sizeof(buf)), 0);
	assert_count(read(fd, buf, sizeof(buf)), 0);
	xclose(fd);
	assert_kid_ok(kid, "host writer");
}

/* ---- 3. the reader goes away ---- */

static void write__host_reader_closes__epipe_within_5s(void **state)
{
	const char *name = pipe_name();
	struct host_job job = { .name = name, .steps = { S_OPEN(O_RDONLY), S_READ_SOME(100),
							 S_STAMP(1), S_CLOSE, S_STAMP(2) } };
	static char chunk[65536];
	size_t sent = 0;
	ssize_t n;
	double t;
	pid_t kid;
	int fd, e;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	memset(chunk, 'x', sizeof(chunk));
	kid = host_start(&job);
	fd = xopen(guest_path(name), O_WRONLY);
	while ((n = write(fd, chunk, sizeof(chunk))) > 0) {
		sent += (size_t)n;
		if (shared->stamp[2] > 0 && now_s() - shared->stamp[2] > 5.0)
			fail_msg("writes still succeed 5 s after the host reader closed (%zu B)",
				 sent);
	}
	e = errno;
	t = now_s();
	assert_kid_ok(kid, "host reader");
	if (n == 0 || e != EPIPE)
		fail_msg("write after %zu bytes: %s, wanted EPIPE", sent,
			 n ? strerror(e) : "returned 0");
	if (t < shared->stamp[1])
		fail_msg("EPIPE %.3f s before the host reader closed", shared->stamp[1] - t);
	if (t - shared->stamp[2] > 5.0)
		fail_msg("EPIPE %.2f s after the host reader closed, wanted within 5 s",
			 t - shared->stamp[2]);
	xclose(fd);
}

static void write__host_reader_closes__sigpipe_kills_writer(void **state)
{
	const char *name = pipe_name();
	struct host_job job = { .name = name,
				.steps = { S_OPEN(O_RDONLY), S_READ_SOME(100), S_CLOSE } };
	struct guest_job g;
	pid_t host, writer;
	int st;

	(void)state;
	guest_job_init(&g, name, NULL);
	host = host_start(&job);
	writer = kid_start(guest_sigpipe_kid, &g, NULL);
	assert_kid_ok(host, "host reader");
	st = kid_wait_within(writer, 5000);
	if (st == -2)
		fail_msg("the guest writer still lives 5 s after the host reader closed");
	if (st != 128 + SIGPIPE)
		fail_msg("the guest writer ended with status %d, wanted death by SIGPIPE (%d)", st,
			 128 + SIGPIPE);
}

static void write__host_reader_pauses_35s__write_waits_and_no_byte_lost(void **state)
{
	const char *name = pipe_name();
	struct host_job job = { .name = name,
				.steps = { S_OPEN(O_RDONLY), S_SLEEP(1000), S_READ_SOME(4096),
					   S_SLEEP(PAUSE_MS), S_CHECK(31, PAUSED_LEN), S_CLOSE } };
	pid_t kid;
	int fd;

	(void)state;
	arm(PAUSE_MS / 1000 + TEST_ALARM_S);
	kid = host_start(&job);
	fd = xopen(guest_path(name), O_WRONLY);
	assert_int_equal(send_stream((struct end){ NULL, fd }, 31, PAUSED_LEN, "guest writer"), 0);
	xclose(fd);
	assert_kid_ok(kid, "host reader");
}

/* ---- 4. opens wait for the other end ---- */

/* open_waits - a guest open(@flags) returns only once the host opens (@host_flags) 300 ms later. */
static void open_waits(int flags, int host_flags)
{
	const char *name = pipe_name();
	struct link l;
	struct host_job job = { .name = name, .link = &l,
				.steps = { S_FIFO, S_UNTIL(300), S_STAMP(1), S_OPEN(host_flags),
					   S_AWAIT, S_CLOSE } };
	double t;
	pid_t kid;
	int fd;

	link_open(&l);
	shared->stamp[0] = now_s();
	kid = host_start(&job);
	fd = xopen(guest_path(name), flags);
	t = now_s();
	link_tell_kid(&l);
	xclose(fd);
	assert_kid_ok(kid, "host side");
	if (t - shared->stamp[0] < 0.25)
		fail_msg("open returned after %.3f s, before the host opened its end (%.3f s)",
			 t - shared->stamp[0], shared->stamp[1] - shared->stamp[0]);
	if (t - shared->stamp[1] > 5.0)
		fail_msg("open returned %.2f s after the host opened, wanted within 5 s",
			 t - shared->stamp[1]);
}

static void open_rdonly__host_writer_300ms_later__waits_for_it(void **state)
{
	(void)state;
	open_waits(O_RDONLY, O_WRONLY);
}

static void open_wronly__host_reader_300ms_later__waits_for_it(void **state)
{
	(void)state;
	open_waits(O_WRONLY, O_RDONLY);
}

/* ---- 5. O_NONBLOCK ---- */

static void open_rdonly_nonblock__no_writer__at_once_and_read_0(void **state)
{
	const char *name = pipe_name();
	char buf[16];
	double t0 = now_s(), t;
	int fd;

	(void)state;
	fd = xopen(guest_path(name), O_RDONLY | O_NONBLOCK);
	t = now_s() - t0;
	if (t >= 1.0)
		fail_msg("open(O_RDONLY|O_NONBLOCK) took %.2f s, wanted at once", t);
	assert_count(read(fd, buf, sizeof(buf)), 0);   /* no writer: end of file, not EAGAIN */
	xclose(fd);
}

static void read_nonblock__host_writer_silent__eagain(void **state)
{
	const char *name = pipe_name();
	char buf[16];
	hc_handle_t h;
	int fd;

	(void)state;
	fd = xopen(guest_path(name), O_RDONLY | O_NONBLOCK);
	h = host_open_now(name, O_WRONLY);   /* the guest reader is there: it opens at once */
	SYS_ERR(read(fd, buf, sizeof(buf)), EAGAIN);
	HC(hc_write(env.hc, h, "z", 1), 1);
	assert_int_equal(await_byte(fd, 3000), 'z');
	host_close_now(h);
	assert_int_equal(await_byte(fd, 3000), AWAIT_EOF);
	xclose(fd);
}

static void read__o_nonblock_cleared_by_fcntl__waits_for_data(void **state)
{
	const char *name = pipe_name();
	struct link l;
	struct host_job job = { .name = name, .link = &l,
				.steps = { S_OPEN(O_WRONLY), S_TELL, S_SLEEP(300), S_STAMP(1),
					   S_WRITE("q"), S_AWAIT, S_CLOSE } };
	pid_t kid;
	char c;
	int fd;

	(void)state;
	link_open(&l);
	fd = xopen(guest_path(name), O_RDONLY | O_NONBLOCK);   /* so as not to wait in open */
	kid = host_start(&job);
	link_await_kid(&l, 5000, "its open");
	SYS(fcntl(fd, F_SETFL, 0));
	assert_count(read(fd, &c, 1), 1);   /* blocking again: waits for the byte */
	if (now_s() < shared->stamp[1])
		fail_msg("read returned before the host wrote");
	assert_int_equal(c, 'q');
	link_tell_kid(&l);
	assert_kid_ok(kid, "host writer");
	xclose(fd);
}

static void open_wronly_nonblock__no_reader__enxio(void **state)
{
	const char *name = pipe_name();

	(void)state;
	open_fails(guest_path(name), O_WRONLY | O_NONBLOCK, ENXIO);
}

/* ---- 6. poll ---- */

static void assert_poll_(struct pollfd *p, int ms, int want_n, short want_any, const char *file,
			 int line)
{
	int n;

	p->revents = 0;
	n = poll(p, 1, ms);
	if (n == want_n && (want_n == 0 || (p->revents & want_any)))
		return;
	print_error("poll(%d ms): %d, revents %#x; wanted %d%s\n", ms, n, (unsigned)p->revents,
		    want_n, want_n ? " with the events asked" : "");
	_fail(file, line);
}
#define assert_poll(p, ms, n, any) assert_poll_((p), (ms), (n), (any), __FILE__, __LINE__)

static void poll__silent_then_byte_then_close__0_pollin_hup(void **state)
{
	const char *name = pipe_name();
	struct link l;
	struct host_job job = { .name = name, .link = &l,
				.steps = { S_OPEN(O_WRONLY), S_TELL, S_AWAIT, S_SLEEP(300),
					   S_STAMP(1), S_WRITE("p"), S_AWAIT, S_CLOSE, S_TELL } };
	struct pollfd p = { .events = POLLIN };
	pid_t kid;
	double t;
	char c;

	(void)state;
	link_open(&l);
	kid = host_start(&job);
	p.fd = xopen(guest_path(name), O_RDONLY);
	link_await_kid(&l, 5000, "its open");
	assert_poll(&p, 200, 0, 0);
	link_tell_kid(&l);
	assert_poll(&p, 5000, 1, POLLIN);
	t = now_s();
	if (t < shared->stamp[1])
		fail_msg("POLLIN %.3f s before the host wrote", shared->stamp[1] - t);
	if (t - shared->stamp[1] > 3.0)
		fail_msg("POLLIN %.2f s after the host wrote, wanted within 3 s",
			 t - shared->stamp[1]);
	assert_count(read(p.fd, &c, 1), 1);
	assert_int_equal(c, 'p');
	link_tell_kid(&l);
	link_await_kid(&l, 5000, "its close");
	assert_poll(&p, 3000, 1, POLLHUP | POLLIN);
	assert_count(read(p.fd, &c, 1), 0);
	xclose(p.fd);
	assert_kid_ok(kid, "host writer");
}

static void poll__writer_with_host_reader__pollout_then_pollerr(void **state)
{
	const char *name = pipe_name();
	struct link l;
	struct host_job job = { .name = name, .link = &l,
				.steps = { S_OPEN(O_RDONLY), S_AWAIT, S_CLOSE } };
	struct pollfd p = { .events = POLLOUT };
	pid_t kid;

	(void)state;
	link_open(&l);
	kid = host_start(&job);
	p.fd = xopen(guest_path(name), O_WRONLY);
	assert_poll(&p, 1000, 1, POLLOUT);   /* an empty pipe with a reader has room */
	link_tell_kid(&l);
	assert_kid_ok(kid, "host reader");
	assert_poll(&p, 3000, 1, POLLERR);   /* the reader is gone */
	xclose(p.fd);
}

/* ---- 7. signals interrupt what blocks ---- */

/* interrupt_kid - SIGUSR1 to @kid 300 ms after it is ready: @what must fail EINTR within 3 s. */
static void interrupt_kid(pid_t kid, const struct link *l, const char *what)
{
	int st;

	link_await_kid(l, 10000, "that it is ready");
	sleep_ms(300);
	shared->stamp[0] = now_s();
	SYS(kill(kid, SIGUSR1));
	st = kid_wait_within(kid, 6000);
	if (st == -2)
		fail_msg("%s still blocked 6 s after SIGUSR1", what);
	if (st == 3)
		fail_msg("%s succeeded, wanted EINTR", what);
	if (st == 4)
		fail_msg("%s failed with %s, wanted EINTR", what, strerror(shared->err[0]));
	if (st != 0)
		fail_msg("the guest child of %s ended with status %d", what, st);
	if (shared->stamp[1] - shared->stamp[0] > 3.0)
		fail_msg("%s gave EINTR %.2f s after SIGUSR1, wanted within 3 s", what,
			 shared->stamp[1] - shared->stamp[0]);
}

static void open__sigusr1_while_waiting_for_writer__eintr(void **state)
{
	const char *name = pipe_name();
	struct guest_job g;
	struct link l;
	pid_t kid;

	(void)state;
	link_open(&l);
	guest_job_init(&g, name, &l);
	g.flags = O_RDONLY;
	kid = kid_start(guest_open_kid, &g, &l);
	interrupt_kid(kid, &l, "open(O_RDONLY)");
}

static void read__sigusr1_while_writer_silent__eintr(void **state)
{
	const char *name = pipe_name();
	struct link gl, hl;
	struct host_job job = { .name = name, .link = &hl,
				.steps = { S_OPEN(O_WRONLY), S_AWAIT, S_CLOSE } };
	struct guest_job g;
	pid_t host, reader;

	(void)state;
	link_open(&gl);
	link_open(&hl);
	guest_job_init(&g, name, &gl);
	host = host_start(&job);
	reader = kid_start(guest_read_kid, &g, &gl);
	interrupt_kid(reader, &gl, "read()");
	link_tell_kid(&hl);
	assert_kid_ok(host, "host writer");
}

/* ---- 8. writes of PIPE_BUF stay whole ---- */

static void write__two_writers_4096_byte_records__none_torn(void **state)
{
	const char *name = pipe_name();
	struct host_job job = { .name = name, .steps = { S_OPEN(O_RDONLY), S_RECORDS, S_CLOSE } };
	struct guest_job a, b;
	struct link la, lb;
	pid_t host, ka, kb;

	(void)state;
	link_open(&la);
	link_open(&lb);
	guest_job_init(&a, name, &la);
	guest_job_init(&b, name, &lb);
	a.fill = 'A';
	b.fill = 'B';
	host = host_start(&job);
	ka = kid_start(guest_records_kid, &a, &la);
	kb = kid_start(guest_records_kid, &b, &lb);
	link_await_kid(&la, 10000, "its open");
	link_await_kid(&lb, 10000, "its open");
	link_tell_kid(&la);
	link_tell_kid(&lb);
	assert_kid_ok(ka, "writer A");
	assert_kid_ok(kb, "writer B");
	assert_kid_ok(host, "host reader");
	if (shared->count[0] != RECORDS || shared->count[1] != RECORDS || shared->count[2] != 0)
		fail_msg("%lld bytes: %lld whole A records, %lld B, %lld torn; wanted %d, %d, 0",
			 shared->count[3], shared->count[0], shared->count[1], shared->count[2],
			 RECORDS, RECORDS);
}

/* ---- 9. two pipes at once ---- */

struct relay_job {
	char in[PATH_MAX], out[PATH_MAX];
};

/* host_relay_kid - read the stream from in, checking it, and write it on to out. */
static int host_relay_kid(const void *arg)
{
	const struct relay_job *j = arg;
	const char *who = "host relay";
	struct hc_session *s;
	int hi, ho, r;

	if ((r = hc_connect(env.url, env.key, &s)) != 0)
		return said(who, "hc_connect: %s", strerror(-r)), 2;
	r = await_fifo(s, j->in, who) != 0 || await_fifo(s, j->out, who) != 0 ? 3 : 0;
	hi = r ? -1 : hc_open(s, j->in, O_RDONLY, 0);
	ho = hi < 0 ? -1 : hc_open(s, j->out, O_WRONLY, 0);
	if (!r && (hi < 0 || ho < 0)) {
		said(who, "hc_open: %s", strerror(hi < 0 ? -hi : -ho));
		r = 4;
	}
	if (!r && check_stream((struct end){ s, hi }, 21, DUAL_LEN, 0, &(struct end){ s, ho },
			       who) != 0)
		r = 5;
	if (ho >= 0 && hc_close(s, ho) != 0 && !r)
		r = 6;
	hc_disconnect(s);
	return r;
}

static void pipes__two_at_once_20mib_each__both_intact(void **state)
{
	const char *p1 = pipe_name(), *p2 = pipe_name();
	struct relay_job relay;
	struct guest_job g;
	pid_t host, writer;
	double t0 = now_s();
	int fd;

	(void)state;
	arm(2 * TEST_ALARM_S);
	snprintf(relay.in, sizeof(relay.in), "%s", host_path(p1));
	snprintf(relay.out, sizeof(relay.out), "%s", host_path(p2));
	guest_job_init(&g, p1, NULL);
	g.seed = 21;
	g.len = DUAL_LEN;
	host = kid_start(host_relay_kid, &relay, NULL);
	writer = kid_start(guest_stream_kid, &g, NULL);
	fd = xopen(guest_path(p2), O_RDONLY);
	assert_int_equal(check_stream((struct end){ NULL, fd }, 21, DUAL_LEN, 0, NULL, "guest"), 0);
	xclose(fd);
	assert_kid_ok(writer, "guest writer");
	assert_kid_ok(host, "host relay");
	report_rate("guest -> host -> guest", DUAL_LEN, now_s() - t0);
}

static void pipes__20_opens_blocked__another_pipe_still_flows(void **state)
{
	static struct guest_job blocked[STALL_OPENS];
	const char *want = getenv("HOSTPIPE_BLOCKED");   /* fewer where sessions are few (a VM's channels) */
	int stall = want && atoi(want) > 0 && atoi(want) < STALL_OPENS ? atoi(want) : STALL_OPENS;
	const char *probe = pipe_name();
	struct host_job job = { .name = probe,
				.steps = { S_OPEN(O_WRONLY), S_WRITE("abc"), S_CLOSE } };
	struct guest_job g;
	pid_t host, reader;
	int st;

	(void)state;
	for (int i = 0; i < stall; i++) {
		guest_job_init(&blocked[i], pipe_name(), NULL);
		blocked[i].flags = O_RDONLY;   /* no writer comes: blocked until the teardown */
		kid_start(guest_open_kid, &blocked[i], NULL);
	}
	sleep_ms(1000);
	guest_job_init(&g, probe, NULL);
	host = host_start(&job);
	reader = kid_start(guest_eof_kid, &g, NULL);
	st = kid_wait_within(reader, 5000);
	if (st == -2)
		fail_msg("with %d opens blocked on other names, a pipe with both ends there moved "
			 "nothing in 5 s", stall);
	if (st != 0)
		fail_msg("the guest reader ended with status %d", st);
	assert_kid_ok(host, "host writer");
}

/* ---- 10. names ---- */

/* listed_type - @name's d_type in the mount's listing. Returns: it, or -1 when not listed. */
static int listed_type(const char *name)
{
	DIR *d = opendir(env.mnt);
	struct dirent *e;
	int type = -1;

	if (!d)
		fail_msg("opendir(%s): %s", env.mnt, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, name) == 0)
			type = e->d_type;
	closedir(d);
	return type;
}

static void host_mkfifo(const char *name)
{
	struct hc_fs_entry dir, e;
	int r;

	HC(hc_fs_lookup(env.hc, HC_AT_CWD_HANDLE, env.hostdir, &dir), 0);
	r = hc_fs_mknodat(env.hc, dir.handle, name, S_IFIFO | 0600, 0, &e);
	hc_fs_forget(env.hc, &dir.handle, 1);
	HC(r, 0);
	hc_fs_forget(env.hc, &e.handle, 1);
}

/*
 * Every single-component name already names a pipe (so that opening it makes
 * one), so making anything else there fails with EEXIST, and a name of two
 * components with ENOTDIR; neither leaves anything on the host.
 */
static void mkdir_and_subpaths__refused__nothing_on_host(void **state)
{
	const char *name = pipe_name();
	char sub[PATH_MAX];
	struct stat st;

	(void)state;
	SYS_ERR(mkdir(guest_path(name), 0700), EEXIST);
	SYS_ERR(symlink("x", guest_path(name)), EEXIST);
	snprintf(sub, sizeof(sub), "%s/x", guest_path(name));
	SYS_ERR(open(sub, O_WRONLY | O_CREAT | O_NONBLOCK, 0600), ENOTDIR);
	HC(hc_lstat(env.hc, host_path(name), &st), -ENOENT);
}

static void readdir__fifo_made_on_host__listed_as_regular_file(void **state)
{
	const char *name = pipe_name();
	struct stat st;
	int type;

	(void)state;
	host_mkfifo(name);
	type = listed_type(name);
	if (type == -1)
		fail_msg("%s, made on the host, is not in the listing of %s", name, env.mnt);
	if (type != DT_REG && type != DT_UNKNOWN)
		fail_msg("%s is listed with d_type %d, wanted DT_REG (%d)", name, type, DT_REG);
	SYS(lstat(guest_path(name), &st));
	if (!S_ISREG(st.st_mode))
		fail_msg("%s has mode %#o in the mount, wanted a regular file", name,
			 (unsigned)st.st_mode);
}

static void unlink__opened_pipe__host_fifo_gone(void **state)
{
	const char *name = pipe_name();
	struct stat st;

	(void)state;
	xclose(xopen(guest_path(name), O_RDONLY | O_NONBLOCK));
	HC(hc_stat(env.hc, host_path(name), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	SYS(unlink(guest_path(name)));
	HC(hc_stat(env.hc, host_path(name), &st), -ENOENT);
	assert_int_equal(listed_type(name), -1);
}

/* ---- 11. not seekable ---- */

static void lseek__open_pipe__espipe(void **state)
{
	const char *name = pipe_name();
	int fd;

	(void)state;
	fd = xopen(guest_path(name), O_RDONLY | O_NONBLOCK);
	SYS_ERR(lseek(fd, 0, SEEK_SET), ESPIPE);
	xclose(fd);
}

/* ---- fixtures ---- */

static int pc_enter(void **state)
{
	(void)state;
	memset(&tracked, 0, sizeof(tracked));
	memset(shared, 0, sizeof(*shared));
	tracked.fds_before = count_fds();
	catch_alarm();
	arm(TEST_ALARM_S);
	return 0;
}

/* poke_names - be each name's other end for a moment, so that guest opens blocked on it return. */
static void poke_names(void)
{
	for (int i = 0; i < tracked.nnames; i++) {
		int h = hc_open(env.hc, host_path(tracked.names[i]), O_RDWR | O_NONBLOCK, 0);

		if (h >= 0)
			hc_close(env.hc, h);
	}
}

/* release_kids - kill and reap the children, unblocking their opens. Returns: how many stay. */
static int release_kids(void)
{
	double end = now_s() + 10;

	for (int i = 0; i < tracked.nkids; i++)
		kill(tracked.kids[i], SIGKILL);
	while (tracked.nkids > 0 && now_s() < end) {
		poke_names();
		for (int i = tracked.nkids - 1; i >= 0; i--)
			if (waitpid(tracked.kids[i], NULL, WNOHANG) == tracked.kids[i])
				tracked.kids[i] = tracked.kids[--tracked.nkids];
		if (tracked.nkids > 0)
			sleep_ms(20);
	}
	return tracked.nkids;
}

static void release_tracked(void)
{
	while (tracked.nfds > 0)
		close(tracked.fds[--tracked.nfds]);
	while (tracked.nhandles > 0)
		hc_close(env.hc, tracked.handles[--tracked.nhandles]);
}

/* remove_names - unlink the test's names through the mount. Returns: how many would not go. */
static int remove_names(void)
{
	int bad = 0;

	for (int i = 0; i < tracked.nnames; i++)
		if (unlink(guest_path(tracked.names[i])) != 0 && errno != ENOENT) {
			print_error("unlink %s: %s\n", tracked.names[i], strerror(errno));
			bad++;
		}
	return bad;
}

static int pc_leave(void **state)
{
	int bad, fds;

	(void)state;
	arm(TEST_ALARM_S);
	if ((bad = release_kids()) != 0)
		print_error("%d children of the test would not die\n", bad);
	release_tracked();
	bad += remove_names();
	signal(SIGPIPE, SIG_DFL);
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD) {
		print_error("a child of the test was left behind\n");
		bad++;
	}
	if ((fds = count_fds()) != tracked.fds_before) {
		print_error("%d descriptors open after the test, %d before\n", fds,
			    tracked.fds_before);
		bad++;
	}
	alarm(0);
	return bad ? -1 : 0;
}

static int pc_group_setup(void **state)
{
	struct stat st;
	int r;

	(void)state;
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (shared == MAP_FAILED) {
		print_error("mmap: %s\n", strerror(errno));
		return -1;
	}
	if ((r = hc_connect(env.url, env.key, &env.hc)) != 0) {
		print_error("hc_connect(%s): %s\n", env.url, strerror(-r));
		return -1;
	}
	if ((r = hc_stat(env.hc, env.hostdir, &st)) != 0 || !S_ISDIR(st.st_mode)) {
		print_error("the host's %s: %s\n", env.hostdir,
			    r ? strerror(-r) : "not a directory");
		return -1;
	}
	print_message("guest %s, host %s through %s\n", env.mnt, env.hostdir, env.url);
	return 0;
}

static int pc_group_teardown(void **state)
{
	(void)state;
	hc_disconnect(env.hc);
	env.hc = NULL;
	munmap(shared, sizeof(*shared));
	return 0;
}

#define PC_TEST(fn) cmocka_unit_test_setup_teardown(fn, pc_enter, pc_leave)

static int pc_run(void)
{
	const struct CMUnitTest tests[] = {
		PC_TEST(bulk__100mib_each_way__every_byte_arrives),
		PC_TEST(eof__host_writes_abc_and_closes__abc_then_0),
		PC_TEST(write__host_reader_closes__epipe_within_5s),
		PC_TEST(write__host_reader_closes__sigpipe_kills_writer),
		PC_TEST(write__host_reader_pauses_35s__write_waits_and_no_byte_lost),
		PC_TEST(open_rdonly__host_writer_300ms_later__waits_for_it),
		PC_TEST(open_wronly__host_reader_300ms_later__waits_for_it),
		PC_TEST(open_rdonly_nonblock__no_writer__at_once_and_read_0),
		PC_TEST(read_nonblock__host_writer_silent__eagain),
		PC_TEST(read__o_nonblock_cleared_by_fcntl__waits_for_data),
		PC_TEST(open_wronly_nonblock__no_reader__enxio),
		PC_TEST(poll__silent_then_byte_then_close__0_pollin_hup),
		PC_TEST(poll__writer_with_host_reader__pollout_then_pollerr),
		PC_TEST(open__sigusr1_while_waiting_for_writer__eintr),
		PC_TEST(read__sigusr1_while_writer_silent__eintr),
		PC_TEST(write__two_writers_4096_byte_records__none_torn),
		PC_TEST(pipes__two_at_once_20mib_each__both_intact),
		PC_TEST(pipes__20_opens_blocked__another_pipe_still_flows),
		PC_TEST(mkdir_and_subpaths__refused__nothing_on_host),
		PC_TEST(readdir__fifo_made_on_host__listed_as_regular_file),
		PC_TEST(unlink__opened_pipe__host_fifo_gone),
		PC_TEST(lseek__open_pipe__espipe),
	};

	return cmocka_run_group_tests_name("hostfs_pipes", tests, pc_group_setup,
					   pc_group_teardown);
}

/* ---- configuration and supervision ---- */

static int pc_configure(const char *argv0)
{
	const char *mnt = getenv("HOSTPIPE_MNT"), *hostdir = getenv("HOSTPIPE_HOSTDIR");

	env.url = getenv("DOSH_HOST");
	env.key = getenv("DOSH_KEY");
	if (!mnt || !*mnt || !hostdir || !*hostdir || !env.url || !*env.url) {
		fprintf(stderr, "usage: HOSTPIPE_MNT=DIR HOSTPIPE_HOSTDIR=HOSTDIR DOSH_HOST=URL "
				"[DOSH_KEY=FILE] %s\n", argv0);
		return -1;
	}
	if (!realpath(mnt, env.mnt)) {
		fprintf(stderr, "%s: %s: %s\n", argv0, mnt, strerror(errno));
		return -1;
	}
	if (snprintf(env.hostdir, sizeof(env.hostdir), "%s", hostdir) >= PATH_MAX - NAME_MAX - 2) {
		fprintf(stderr, "%s: %s: too long\n", argv0, hostdir);
		return -1;
	}
	if (env.key && !*env.key)
		env.key = NULL;
	snprintf(env.prefix, sizeof(env.prefix), "t.%d.", (int)getpid());
	return 0;
}

static int has_prefix(const char *name)
{
	return strncmp(name, env.prefix, strlen(env.prefix)) == 0;
}

/* unlink_leftovers_in_mount - this run's names still in the mount, removed. Returns: how many. */
static int unlink_leftovers_in_mount(void)
{
	DIR *d = opendir(env.mnt);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (has_prefix(e->d_name) && unlinkat(dirfd(d), e->d_name, 0) == 0)
			n++;
	closedir(d);
	return n;
}

/* unlink_leftovers_on_host - this run's names still on the host, removed. Returns: how many. */
static int unlink_leftovers_on_host(void)
{
	struct hc_session *s;
	char **names;
	int n = 0;

	if (hc_connect(env.url, env.key, &s) != 0)
		return 0;
	if (hc_readdir(s, env.hostdir, &names) >= 0) {
		for (int i = 0; names[i]; i++)
			if (has_prefix(names[i]) && hc_unlink(s, join(env.hostdir, names[i])) == 0)
				n++;
		hc_strv_free(names);
	}
	hc_disconnect(s);
	return n;
}

static volatile sig_atomic_t overran;

static void on_overrun(int sig)
{
	(void)sig;
	overran = 1;
}

/* await_tests - reap the test process @pid, killing it should it outlive SUPERVISE_S. */
static int await_tests(pid_t pid)
{
	struct sigaction sa = { .sa_handler = on_overrun };
	int st;
	pid_t r;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(SUPERVISE_S);
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR && !overran)
		;
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	if (r == pid)
		return status_of(st);
	fprintf(stderr, "pipe_check: the tests ran over %d s: killed\n", SUPERVISE_S);
	kill(pid, SIGKILL);
	reap(pid);
	return -1;
}

/* pc_supervise - run the tests in a child, then clean up even if it died. Returns: exit code. */
static int pc_supervise(void)
{
	pid_t pid;
	int status, in_mount, on_host;

	fflush(stdout);
	if ((pid = fork()) == 0)
		exit(pc_run());
	status = pid < 0 ? -1 : await_tests(pid);
	if (status > 128)
		fprintf(stderr, "pipe_check: the tests died of signal %d\n", status - 128);
	alarm(TEST_ALARM_S);
	in_mount = unlink_leftovers_in_mount();
	on_host = unlink_leftovers_on_host();
	alarm(0);
	if (in_mount || on_host)
		fprintf(stderr, "pipe_check: %d names were left in the mount, %d on the host\n",
			in_mount, on_host);
	return status != 0 || on_host != 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	if (pc_configure(argv[0]) != 0)
		return 2;
	return pc_supervise();
}
