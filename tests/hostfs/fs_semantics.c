/* fs_semantics.c: checks that a directory (a hostfs mount) keeps real POSIX file semantics. */
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
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostcall.h"

#define TEST_ALARM_S 20   /* every test; children get their own */
#define LONG_ALARM_S 120  /* tests that move many megabytes */
#define TRACK_MAX 32
#define MIB (1024 * 1024)
#define GIB (1024L * MIB)

/* What the environment asked for, and where the running test works. */
struct fs_env {
	char top[PATH_MAX];      /* HOSTFS_MNT/sem.PID, absolute */
	char host_top[PATH_MAX]; /* HOSTFS_HOSTDIR/sem.PID; "" when not comparing */
	char full_top[PATH_MAX]; /* HOSTFS_FULL/sem.PID; "" when unset */
	int unpriv;              /* HOSTFS_UNPRIV=1 */
	struct hc_session *hc;   /* the host's view; NULL: lstat() of host_top */
	char dir[PATH_MAX];      /* the running test's own directory */
	char host_dir[PATH_MAX]; /* the same, as the host names it */
};

/* What the running test holds, released by the teardown even after a failure. */
struct fs_tracked {
	int fds[TRACK_MAX];
	int nfds;
	pid_t kids[TRACK_MAX];
	int nkids;
	void *maps[TRACK_MAX];
	size_t map_len[TRACK_MAX];
	int nmaps;
};

static struct fs_env env;
static struct fs_tracked tracked;

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

static void sys_err(long r, int want1, int want2, const char *what, const char *file, int line)
{
	int e = errno;

	if (r == -1 && (e == want1 || e == want2))
		return;
	if (r == -1)
		print_error("%s: %s, wanted %s\n", what, strerror(e), strerror(want1));
	else
		print_error("%s: returned %ld, wanted -1 (%s)\n", what, r, strerror(want1));
	_fail(file, line);
}
#define SYS_ERR(call, e) sys_err((long)(call), (e), (e), #call, __FILE__, __LINE__)
#define SYS_ERR2(call, e1, e2) sys_err((long)(call), (e1), (e2), #call, __FILE__, __LINE__)

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

static void same_bytes(const void *got, const void *want, size_t n, off_t base,
		       const char *file, int line)
{
	const unsigned char *g = got, *w = want;
	size_t i;

	if (memcmp(got, want, n) == 0)
		return;
	for (i = 0; g[i] == w[i]; i++)
		;
	print_error("byte %jd is 0x%02x, wanted 0x%02x\n", (intmax_t)(base + (off_t)i), g[i], w[i]);
	_fail(file, line);
}
#define assert_same_bytes(got, want, n, base) \
	same_bytes((got), (want), (n), (base), __FILE__, __LINE__)

/* ---- paths ---- */

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

static const char *at(const char *name)
{
	return join(env.dir, name);
}

static void copy_path(char dst[PATH_MAX], const char *src)
{
	snprintf(dst, PATH_MAX, "%s", src);
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

static int xopen_(const char *path, int flags, mode_t mode, const char *file, int line)
{
	int fd = open(path, flags, mode);
	int e = errno;

	if (fd < 0) {
		print_error("open(%s, %#o): %s\n", path, (unsigned)flags, strerror(e));
		_fail(file, line);
		return -1;
	}
	return track_fd(fd);
}
#define xopen(path, flags, mode) xopen_((path), (flags), (mode), __FILE__, __LINE__)

static void xclose_(int fd, const char *file, int line)
{
	untrack_fd(fd);
	if (close(fd) != 0) {
		print_error("close(%d): %s\n", fd, strerror(errno));
		_fail(file, line);
	}
}
#define xclose(fd) xclose_((fd), __FILE__, __LINE__)

static void xpipe(int p[2])
{
	SYS(pipe2(p, O_CLOEXEC));
	track_fd(p[0]);
	track_fd(p[1]);
}

/* open_fails_ - open(@path, @flags) must fail with @want; a surprise descriptor is closed. */
static void open_fails_(const char *path, int flags, int want, const char *file, int line)
{
	int fd = open(path, flags, 0600);
	int e = errno;

	if (fd >= 0) {
		close(fd);
		print_error("open(%s, %#o) succeeded, wanted %s\n", path, (unsigned)flags, strerror(want));
		_fail(file, line);
	} else if (e != want) {
		print_error("open(%s, %#o): %s, wanted %s\n", path, (unsigned)flags, strerror(e),
			    strerror(want));
		_fail(file, line);
	}
}
#define open_fails(path, flags, want) open_fails_((path), (flags), (want), __FILE__, __LINE__)

static void *xmap(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		fail_msg("mmap(%zu): %s", len, strerror(errno));
	if (tracked.nmaps == TRACK_MAX)
		fail_msg("more than %d mappings held", TRACK_MAX);
	tracked.maps[tracked.nmaps] = p;
	tracked.map_len[tracked.nmaps++] = len;
	return p;
}

static void xunmap(void *p)
{
	for (int i = 0; i < tracked.nmaps; i++)
		if (tracked.maps[i] == p) {
			SYS(munmap(p, tracked.map_len[i]));
			tracked.maps[i] = tracked.maps[--tracked.nmaps];
			tracked.map_len[i] = tracked.map_len[tracked.nmaps];
			return;
		}
	fail_msg("unmapping an untracked %p", p);
}

/* xalloc - zeroed anonymous memory, freed by the teardown whatever happens. */
static void *xalloc(size_t len)
{
	return xmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
}

/* ---- child processes ---- */

typedef int (*kid_fn)(const void *arg);

/* kid_start - run @fn(@arg) in a child that exits with its result. Returns: its pid. */
static pid_t kid_start(kid_fn fn, const void *arg)
{
	pid_t parent = getpid(), pid;

	if (tracked.nkids == TRACK_MAX)
		fail_msg("more than %d children", TRACK_MAX);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		alarm(TEST_ALARM_S);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(99);
		_exit(fn(arg));
	}
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	tracked.kids[tracked.nkids++] = pid;
	return pid;
}

static int reap(pid_t pid)
{
	int st;
	pid_t r;

	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* kid_wait - reap @pid. Returns: its exit status, or 128 + the signal that ended it. */
static int kid_wait(pid_t pid)
{
	for (int i = 0; i < tracked.nkids; i++)
		if (tracked.kids[i] == pid)
			tracked.kids[i] = tracked.kids[--tracked.nkids];
	return reap(pid);
}

/* kid_err - a child's report of its failed step. Returns: @code, to exit with. */
static int kid_err(int code, const char *what)
{
	int e = errno;

	fprintf(stderr, "  child %d: %s: %s\n", (int)getpid(), what, strerror(e));
	return code;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
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

/* ---- files and directories ---- */

static void write_file(const char *name, const void *data, size_t len)
{
	int fd = xopen(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_count(write(fd, data, len), len);
	xclose(fd);
}

static void put(const char *name, const char *text)
{
	write_file(name, text, strlen(text));
}

static void assert_fd_content(int fd, const char *text)
{
	char buf[256];
	size_t n = strlen(text);

	assert_true(n < sizeof(buf));
	assert_count(pread(fd, buf, sizeof(buf), 0), n);
	assert_memory_equal(buf, text, n);
}

static void assert_content(const char *name, const char *text)
{
	int fd = xopen(at(name), O_RDONLY, 0);

	assert_fd_content(fd, text);
	xclose(fd);
}

static mode_t perms_of(const char *name)
{
	struct stat st;

	SYS(lstat(at(name), &st));
	return st.st_mode & 07777;
}

static int is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static int index_in(const char *const *names, const char *name)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* assert_listing_ - the test directory must hold exactly the names in @want. */
static void assert_listing_(const char *const *want, const char *file, int line)
{
	char extra[NAME_MAX + 1] = "";
	unsigned seen = 0, nwant = 0, dup = 0, nextra = 0, missing = 0;
	DIR *d = opendir(env.dir);
	struct dirent *e;

	while (want[nwant])
		nwant++;
	if (!d || nwant > 31)
		fail_msg("opendir(%s): %s", env.dir, d ? "too many names" : strerror(errno));
	while ((e = readdir(d)) != NULL) {
		int k = index_in(want, e->d_name);

		if (is_dot(e->d_name))
			continue;
		if (k < 0 && nextra++ == 0)
			memcpy(extra, e->d_name, sizeof(extra));
		else if (k >= 0 && (seen & (1u << k)))
			dup++;
		else if (k >= 0)
			seen |= 1u << k;
	}
	closedir(d);
	for (unsigned k = 0; k < nwant; k++)
		missing += !(seen & (1u << k));
	if (nextra || dup || missing) {
		print_error("%s: %u unexpected names (first \"%s\"), %u repeated, %u of %u missing\n",
			    env.dir, nextra, extra, dup, missing, nwant);
		_fail(file, line);
	}
}
#define assert_listing(...) \
	assert_listing_((const char *const[]){ __VA_ARGS__, NULL }, __FILE__, __LINE__)

static int rm_tree_at(int dirfd, const char *name);

/* rm_children - empty the directory open on @fd (consumed). Returns: 0 or -errno. */
static int rm_children(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	int r = 0, found = 1;

	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	for (int pass = 0; found && pass < 4; pass++, rewinddir(d))
		for (found = 0; (e = readdir(d)) != NULL;) {
			if (is_dot(e->d_name))
				continue;
			found = 1;
			if ((r = rm_tree_at(dirfd(d), e->d_name)) != 0)
				break;
		}
	closedir(d);
	return r;
}

/* rm_tree_at - remove @name under @dirfd with all it holds. Returns: 0 or -errno. */
static int rm_tree_at(int dirfd, const char *name)
{
	int fd, r;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	(void)fchmodat(dirfd, name, 0700, 0); /* best effort: a test may leave it 0500 */
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if ((r = rm_children(fd)) != 0)
		return r;
	return unlinkat(dirfd, name, AT_REMOVEDIR) == 0 ? 0 : -errno;
}

static int rm_tree(const char *path)
{
	return rm_tree_at(AT_FDCWD, path);
}

/* ---- the host's view ---- */

static int host_lstat_path(const char *path, struct stat *st)
{
	if (env.hc)
		return hc_lstat(env.hc, path, st);
	return lstat(path, st) == 0 ? 0 : -errno;
}

static int differs(const char *name, const char *field, uintmax_t here, uintmax_t host)
{
	if (here == host)
		return 0;
	print_error("%s: %s is %ju (%#jo) here but %ju (%#jo) on the host\n", name, field, here,
		    here, host, host);
	return 1;
}

/* assert_host_agrees_ - lstat of @name here and on the host must match. */
static void assert_host_agrees_(const char *name, const char *file, int line)
{
	struct stat l, h;
	int r, bad;

	if (!env.host_top[0])
		return;
	if (lstat(at(name), &l) != 0 || (r = host_lstat_path(join(env.host_dir, name), &h)) != 0) {
		print_error("%s: lstat here or on the host failed\n", name);
		_fail(file, line);
		return;
	}
	bad = differs(name, "st_ino", l.st_ino, h.st_ino) +
	      differs(name, "st_nlink", l.st_nlink, h.st_nlink) +
	      differs(name, "type and mode", l.st_mode & (S_IFMT | 07777),
		      h.st_mode & (S_IFMT | 07777)) +
	      differs(name, "st_size", (uintmax_t)l.st_size, (uintmax_t)h.st_size) +
	      differs(name, "st_uid", l.st_uid, h.st_uid) +
	      differs(name, "mtime s", (uintmax_t)l.st_mtim.tv_sec, (uintmax_t)h.st_mtim.tv_sec) +
	      differs(name, "mtime ns", (uintmax_t)l.st_mtim.tv_nsec, (uintmax_t)h.st_mtim.tv_nsec);
	if (bad)
		_fail(file, line);
}
#define assert_host_agrees(name) assert_host_agrees_((name), __FILE__, __LINE__)

static void assert_host_absent(const char *name)
{
	struct stat h;

	if (env.host_top[0])
		assert_int_equal(host_lstat_path(join(env.host_dir, name), &h), -ENOENT);
}

/* ---- 1. hard links ---- */

static void link__second_name__same_inode_nlink_two(void **state)
{
	struct stat a, b;

	(void)state;
	put("a", "linked");
	SYS(link(at("a"), at("b")));
	SYS(lstat(at("a"), &a));
	SYS(lstat(at("b"), &b));
	assert_int_equal(a.st_nlink, 2);
	assert_int_equal(b.st_nlink, 2);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_content("b", "linked");
	assert_host_agrees("a");
	assert_host_agrees("b");
}

static void link__unlink_one_name__nlink_one(void **state)
{
	struct stat a;

	(void)state;
	put("a", "linked");
	SYS(link(at("a"), at("b")));
	SYS(unlink(at("b")));
	SYS(lstat(at("a"), &a));
	assert_int_equal(a.st_nlink, 1);
	assert_content("a", "linked");
	assert_listing("a");
	assert_host_agrees("a");
	assert_host_absent("b");
}

/* ---- 2. unlink while open ---- */

static void unlink__while_open__fd_reads_no_leftovers(void **state)
{
	int fd = xopen(at("f"), O_RDWR | O_CREAT | O_EXCL, 0600);
	struct stat st;

	(void)state;
	assert_count(write(fd, "still here", 10), 10);
	SYS(unlink(at("f")));
	assert_fd_content(fd, "still here");
	SYS(fstat(fd, &st));
	assert_int_equal(st.st_nlink, 0);
	SYS_ERR(lstat(at("f"), &st), ENOENT);
	assert_listing(NULL);
	assert_host_absent("f");
	assert_count(pwrite(fd, "more", 4, 10), 4);
	assert_fd_content(fd, "still heremore");
	xclose(fd);
	assert_listing(NULL);
}

/* ---- 3. rename over an open file ---- */

static void rename__over_open_file__fd_keeps_old_content(void **state)
{
	struct stat a, b;
	int fd;

	(void)state;
	put("a", "new content from a");
	put("b", "old b");
	SYS(lstat(at("a"), &a));
	fd = xopen(at("b"), O_RDONLY, 0);
	SYS(rename(at("a"), at("b")));
	assert_fd_content(fd, "old b");
	assert_content("b", "new content from a");
	SYS(lstat(at("b"), &b));
	assert_int_equal(b.st_ino, a.st_ino);
	SYS_ERR(lstat(at("a"), &a), ENOENT);
	assert_listing("b");
	assert_host_agrees("b");
	assert_host_absent("a");
	xclose(fd);
	assert_listing("b");
}

/* ---- 4. renameat2 ---- */

static int rename2(const char *from, const char *to, unsigned flags)
{
	return renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
}

static void renameat2__noreplace_onto_existing__eexist(void **state)
{
	(void)state;
	put("a", "one");
	put("b", "two");
	SYS_ERR(rename2(at("a"), at("b"), RENAME_NOREPLACE), EEXIST);
	assert_content("a", "one");
	assert_content("b", "two");
	SYS(rename2(at("a"), at("c"), RENAME_NOREPLACE));
	assert_content("c", "one");
	assert_listing("b", "c");
}

static void renameat2__exchange__swaps_content_and_inodes(void **state)
{
	struct stat a0, b0, a1, b1;

	(void)state;
	put("a", "one");
	put("b", "two");
	SYS(lstat(at("a"), &a0));
	SYS(lstat(at("b"), &b0));
	SYS(rename2(at("a"), at("b"), RENAME_EXCHANGE));
	assert_content("a", "two");
	assert_content("b", "one");
	SYS(lstat(at("a"), &a1));
	SYS(lstat(at("b"), &b1));
	assert_int_equal(a1.st_ino, b0.st_ino);
	assert_int_equal(b1.st_ino, a0.st_ino);
	assert_listing("a", "b");
	assert_host_agrees("a");
	assert_host_agrees("b");
}

static void rename__dir_over_nonempty_dir__enotempty(void **state)
{
	struct stat st;

	(void)state;
	SYS(mkdir(at("d1"), 0755));
	SYS(mkdir(at("d2"), 0755));
	put("d2/x", "inside");
	SYS_ERR2(rename(at("d1"), at("d2")), ENOTEMPTY, EEXIST);
	SYS(lstat(at("d1"), &st));
	assert_true(S_ISDIR(st.st_mode));
	assert_content("d2/x", "inside");
	SYS(mkdir(at("d3"), 0755));
	SYS(rename(at("d1"), at("d3")));
	SYS_ERR(lstat(at("d1"), &st), ENOENT);
	assert_listing("d2", "d3");
}

/* ---- 5. symlinks ---- */

static void symlink__dangling_absolute__readlink_exact(void **state)
{
	char target[96], buf[256];
	size_t n;
	struct stat st;

	(void)state;
	snprintf(target, sizeof(target), "/nonexistent-hostfs-sem.%d/some/target", (int)getpid());
	n = strlen(target);
	SYS(symlink(target, at("l")));
	assert_int_equal(SYS(readlink(at("l"), buf, sizeof(buf))), n);
	assert_memory_equal(buf, target, n);
	assert_int_equal(SYS(readlink(at("l"), buf, 5)), 5);
	assert_memory_equal(buf, target, 5);
	SYS(lstat(at("l"), &st));
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(st.st_size, n);
	SYS_ERR(stat(at("l"), &st), ENOENT);
	assert_host_agrees("l");
}

static void symlink__relative_in_dir__reads_through(void **state)
{
	struct stat l, t;

	(void)state;
	put("t", "target data");
	SYS(symlink("t", at("l")));
	assert_content("l", "target data");
	SYS(stat(at("l"), &l));
	SYS(lstat(at("t"), &t));
	assert_int_equal(l.st_ino, t.st_ino);
	assert_true(S_ISREG(l.st_mode));
	assert_host_agrees("l");
}

static void symlink__loop__eloop(void **state)
{
	struct stat st;

	(void)state;
	SYS(symlink("b", at("a")));
	SYS(symlink("a", at("b")));
	open_fails(at("a"), O_RDONLY, ELOOP);
	SYS_ERR(stat(at("a"), &st), ELOOP);
	SYS(lstat(at("a"), &st));
	assert_true(S_ISLNK(st.st_mode));
}

static void symlink__open_o_nofollow__eloop(void **state)
{
	(void)state;
	put("t", "target data");
	SYS(symlink("t", at("l")));
	open_fails(at("l"), O_RDONLY | O_NOFOLLOW, ELOOP);
	assert_content("l", "target data");
}

static void symlink__target_inside_mount__reads_and_opens(void **state)
{
	char target[PATH_MAX], buf[PATH_MAX];
	struct stat st;

	(void)state;
	put("t", "inside the mount");
	copy_path(target, at("t"));
	SYS(symlink(target, at("l")));
	assert_int_equal(SYS(readlink(at("l"), buf, sizeof(buf))), strlen(target));
	assert_memory_equal(buf, target, strlen(target));
	assert_content("l", "inside the mount");
	SYS(symlink(env.dir, at("self")));
	SYS(stat(at("self/t"), &st));
	assert_true(S_ISREG(st.st_mode));
	assert_content("self/self/t", "inside the mount");
}

/* ---- 6. O_EXCL race ---- */

#define EXCL_KIDS 8
#define EXCL_ROUNDS 20

struct excl_arg {
	char path[PATH_MAX];
	int gate;   /* read end: EOF starts them all */
	int gate_w; /* write end, closed by each child */
};

/* excl_kid - Returns: 0 when it created the file, 1 on EEXIST, 2 on anything else. */
static int excl_kid(const void *p)
{
	const struct excl_arg *a = p;
	char c;
	int fd;

	close(a->gate_w);
	if (read(a->gate, &c, 1) != 0)
		return kid_err(3, "gate");
	fd = open(a->path, O_CREAT | O_EXCL | O_WRONLY, 0600);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EEXIST ? 1 : kid_err(2, "open O_EXCL");
}

static void excl_round(int round)
{
	struct excl_arg a;
	pid_t kids[EXCL_KIDS];
	int gate[2], tally[3] = { 0, 0, 0 };
	char name[32];

	snprintf(name, sizeof(name), "race%02d", round);
	copy_path(a.path, at(name));
	xpipe(gate);
	a.gate = gate[0];
	a.gate_w = gate[1];
	for (int i = 0; i < EXCL_KIDS; i++)
		kids[i] = kid_start(excl_kid, &a);
	xclose(gate[1]);
	for (int i = 0; i < EXCL_KIDS; i++) {
		int st = kid_wait(kids[i]);

		tally[st == 0 ? 0 : st == 1 ? 1 : 2]++;
	}
	xclose(gate[0]);
	if (tally[0] != 1 || tally[1] != EXCL_KIDS - 1)
		fail_msg("round %d: %d created, %d EEXIST, %d other", round, tally[0], tally[1],
			 tally[2]);
	SYS(unlink(a.path));
}

static void open_excl__eight_at_once__exactly_one_wins(void **state)
{
	(void)state;
	for (int round = 0; round < EXCL_ROUNDS; round++)
		excl_round(round);
	assert_listing(NULL);
}

/* ---- 7. O_APPEND ---- */

#define REC_LEN 64
#define RECS 1000

struct append_arg {
	char path[PATH_MAX];
	char who;
	int gate, gate_w;
};

static void make_record(char rec[REC_LEN], char who, int i)
{
	memset(rec, who, REC_LEN);
	snprintf(rec, REC_LEN, "%c%04d:", who, i);
	rec[6] = who;
	rec[REC_LEN - 1] = '\n';
}

static int append_kid(const void *p)
{
	const struct append_arg *a = p;
	char rec[REC_LEN], c;
	int fd;

	close(a->gate_w);
	if (read(a->gate, &c, 1) != 0)
		return kid_err(3, "gate");
	if ((fd = open(a->path, O_WRONLY | O_APPEND)) < 0)
		return kid_err(4, "open O_APPEND");
	for (int i = 0; i < RECS; i++) {
		make_record(rec, a->who, i);
		if (write(fd, rec, REC_LEN) != REC_LEN)
			return kid_err(5, "write");
	}
	return close(fd) == 0 ? 0 : kid_err(6, "close");
}

static void assert_records(const char *buf, size_t len)
{
	int next[2] = { 0, 0 };
	char want[REC_LEN];

	for (size_t off = 0; off < len; off += REC_LEN) {
		int k = buf[off] == 'A' ? 0 : buf[off] == 'B' ? 1 : -1;

		if (k < 0)
			fail_msg("record at %zu starts with 0x%02x", off, (unsigned char)buf[off]);
		make_record(want, buf[off], next[k]++);
		if (memcmp(buf + off, want, REC_LEN) != 0)
			fail_msg("record at %zu is torn or out of order", off);
	}
	assert_int_equal(next[0], RECS);
	assert_int_equal(next[1], RECS);
}

static void open_append__two_writers__records_whole(void **state)
{
	struct append_arg a;
	pid_t kids[2];
	struct stat st;
	size_t len = 2 * RECS * REC_LEN;
	char *buf = xalloc(len);
	int gate[2], fd;

	(void)state;
	put("log", "");
	copy_path(a.path, at("log"));
	xpipe(gate);
	a.gate = gate[0];
	a.gate_w = gate[1];
	for (int i = 0; i < 2; i++) {
		a.who = (char)('A' + i);
		kids[i] = kid_start(append_kid, &a);
	}
	xclose(gate[1]);
	assert_int_equal(kid_wait(kids[0]), 0);
	assert_int_equal(kid_wait(kids[1]), 0);
	SYS(stat(at("log"), &st));
	assert_int_equal(st.st_size, len);
	fd = xopen(at("log"), O_RDONLY, 0);
	assert_count(pread(fd, buf, len, 0), len);
	xclose(fd);
	xclose(gate[0]);
	assert_records(buf, len);
	assert_host_agrees("log");
}

/* ---- 8. O_TRUNC and creation modes ---- */

static void open_trunc__existing_file__size_zero(void **state)
{
	struct stat st;
	int fd;

	(void)state;
	put("f", "0123456789");
	fd = xopen(at("f"), O_WRONLY | O_TRUNC, 0);
	SYS(fstat(fd, &st));
	assert_int_equal(st.st_size, 0);
	xclose(fd);
	SYS(stat(at("f"), &st));
	assert_int_equal(st.st_size, 0);
	assert_host_agrees("f");
}

static void open_creat__mode_0640__perms_0640(void **state)
{
	struct stat st;
	int fd;

	(void)state;
	fd = xopen(at("f"), O_WRONLY | O_CREAT | O_EXCL, 0640);
	SYS(fstat(fd, &st));
	assert_int_equal(st.st_mode & 07777, 0640);
	xclose(fd);
	assert_int_equal(perms_of("f"), 0640);
	assert_true(S_ISREG(st.st_mode));
	assert_host_agrees("f");
}

/* ---- 9. sparse files ---- */

static int is_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void sparse__byte_at_1gib__size_blocks_zeros(void **state)
{
	unsigned char buf[4096];
	struct stat st;
	int fd = xopen(at("sparse"), O_RDWR | O_CREAT | O_EXCL, 0644);

	(void)state;
	assert_count(pwrite(fd, "x", 1, GIB), 1);
	SYS(fstat(fd, &st));
	assert_int_equal(st.st_size, GIB + 1);
	if (st.st_blocks * 512 >= MIB)
		fail_msg("st_blocks %jd: the hole was filled", (intmax_t)st.st_blocks);
	memset(buf, 0xee, sizeof(buf));
	assert_count(pread(fd, buf, sizeof(buf), GIB / 2), sizeof(buf));
	assert_true(is_zero(buf, sizeof(buf)));
	assert_count(pread(fd, buf, sizeof(buf), GIB), 1);
	assert_int_equal(buf[0], 'x');
	xclose(fd);
	assert_host_agrees("sparse");
}

static void ftruncate__shrink_then_extend__zeros(void **state)
{
	unsigned char buf[8192];
	int fd = xopen(at("f"), O_RDWR | O_CREAT | O_EXCL, 0644);

	(void)state;
	memset(buf, 0xab, sizeof(buf));
	assert_count(write(fd, buf, sizeof(buf)), sizeof(buf));
	SYS(ftruncate(fd, 100));
	SYS(ftruncate(fd, sizeof(buf)));
	memset(buf, 0xee, sizeof(buf));
	assert_count(pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf[i], 0xab);
	assert_true(is_zero(buf + 100, sizeof(buf) - 100));
	xclose(fd);
	assert_host_agrees("f");
}

/* seek_probe - lseek(SEEK_DATA) at 0, or -1 when the filesystem may refuse it. */
static off_t seek_probe(int fd)
{
	off_t d = lseek(fd, 0, SEEK_DATA);

	if (d < 0 && (errno == ENXIO || errno == EINVAL || errno == EOPNOTSUPP)) {
		print_message("      SEEK_DATA refused (%s): accepted\n", strerror(errno));
		return -1;
	}
	return SYS(d);
}

static void lseek__data_and_hole__right_when_supported(void **state)
{
	unsigned char buf[4096];
	off_t d, h;
	int fd = xopen(at("sparse"), O_RDWR | O_CREAT | O_EXCL, 0644);

	(void)state;
	assert_count(pwrite(fd, "x", 1, GIB), 1);
	if ((d = seek_probe(fd)) < 0)
		return;
	h = SYS(lseek(fd, 0, SEEK_HOLE));
	assert_in_range(d, 0, GIB);
	if (d > 0)
		assert_int_equal(h, 0);
	else
		assert_in_range(h, 1, GIB + 1);
	if (d >= (off_t)sizeof(buf)) {
		assert_count(pread(fd, buf, sizeof(buf), d - (off_t)sizeof(buf)), sizeof(buf));
		assert_true(is_zero(buf, sizeof(buf)));
	}
	assert_int_equal(SYS(lseek(fd, GIB, SEEK_DATA)), GIB);
	assert_int_equal(SYS(lseek(fd, GIB, SEEK_HOLE)), GIB + 1);
	SYS_ERR(lseek(fd, GIB + 1, SEEK_DATA), ENXIO);
	xclose(fd);
}

/* ---- 10. mmap ---- */

#define MAP_LEN 4096
#define MAP_MSG "written through a child's mapping"

static void put_page(const char *name)
{
	char page[MAP_LEN];

	memset(page, 'a', sizeof(page));
	write_file(name, page, sizeof(page));
}

static int map_writer_kid(const void *p)
{
	const char *path = p;
	int fd = open(path, O_RDWR);
	char *m;

	if (fd < 0)
		return kid_err(2, "open");
	m = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return kid_err(3, "mmap");
	memcpy(m + 100, MAP_MSG, strlen(MAP_MSG));
	if (msync(m, MAP_LEN, MS_SYNC) != 0)
		return kid_err(4, "msync");
	if (munmap(m, MAP_LEN) != 0)
		return kid_err(5, "munmap");
	return close(fd) == 0 ? 0 : kid_err(6, "close");
}

static void mmap__shared_write_in_child__read_sees_it(void **state)
{
	char path[PATH_MAX], buf[MAP_LEN], want[MAP_LEN];
	int fd;

	(void)state;
	put_page("m");
	copy_path(path, at("m"));
	assert_int_equal(kid_wait(kid_start(map_writer_kid, path)), 0);
	fd = xopen(at("m"), O_RDONLY, 0);
	assert_count(pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	xclose(fd);
	memset(want, 'a', sizeof(want));
	memcpy(want + 100, MAP_MSG, strlen(MAP_MSG));
	assert_same_bytes(buf, want, sizeof(buf), 0);
	assert_host_agrees("m");
}

static void mmap__readonly_shared__sees_later_write(void **state)
{
	int rfd, wfd, tries = 0;
	const char *m;

	(void)state;
	put_page("m");
	rfd = xopen(at("m"), O_RDONLY, 0);
	m = xmap(MAP_LEN, PROT_READ, MAP_SHARED, rfd);
	assert_int_equal(m[200], 'a');
	wfd = xopen(at("m"), O_WRONLY, 0);
	assert_count(pwrite(wfd, "fresh", 5, 200), 5);
	SYS(fsync(wfd));
	while (memcmp(m + 200, "fresh", 5) != 0 && tries++ < 100)
		sleep_ms(10);
	assert_memory_equal(m + 200, "fresh", 5);
	xunmap((void *)m);
	xclose(wfd);
	xclose(rfd);
}

static void mmap__private_write__not_seen_by_read(void **state)
{
	char buf[MAP_LEN], want[MAP_LEN];
	char *m;
	int fd;

	(void)state;
	put_page("m");
	memset(want, 'a', sizeof(want));
	fd = xopen(at("m"), O_RDWR, 0);
	m = xmap(MAP_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	memcpy(m + 300, "private", 7);
	assert_memory_equal(m + 300, "private", 7);
	assert_count(pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	assert_same_bytes(buf, want, sizeof(buf), 0);
	xunmap(m);
	assert_count(pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	assert_same_bytes(buf, want, sizeof(buf), 0);
	xclose(fd);
}

/* ---- 11. locks ---- */

struct lock_arg {
	char path[PATH_MAX];
	int report;      /* write end of a pipe to the parent */
	int expect_free; /* flock_kid: the lock should be granted */
};

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

static int lock_probe_kid(const void *p)
{
	const struct lock_arg *a = p;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 50, .l_len = 11 };
	int fd = open(a->path, O_RDWR);

	if (fd < 0)
		return kid_err(2, "open");
	if (setlk(fd, F_SETLK, F_WRLCK, 50, 11) == 0)
		return kid_err(3, "F_SETLK on 50-60 was granted");
	if (errno != EAGAIN && errno != EACCES)
		return kid_err(4, "F_SETLK on 50-60");
	if (fcntl(fd, F_GETLK, &fl) != 0)
		return kid_err(5, "F_GETLK");
	if (fl.l_type != F_WRLCK || fl.l_start != 0 || fl.l_len != 100) {
		fprintf(stderr, "  child: F_GETLK says type %d start %jd len %jd\n", fl.l_type,
			(intmax_t)fl.l_start, (intmax_t)fl.l_len);
		return 6;
	}
	if (setlk(fd, F_SETLK, F_WRLCK, 200, 11) != 0)
		return kid_err(7, "F_SETLK on 200-210");
	return close(fd) == 0 ? 0 : kid_err(8, "close");
}

static void fcntl_lock__held_by_parent__child_refused_getlk_reports(void **state)
{
	struct lock_arg a;
	int fd = xopen(at("lk"), O_RDWR | O_CREAT | O_EXCL, 0644);

	(void)state;
	assert_count(write(fd, "0123456789", 10), 10);
	SYS(setlk(fd, F_SETLK, F_WRLCK, 0, 100));
	copy_path(a.path, at("lk"));
	assert_int_equal(kid_wait(kid_start(lock_probe_kid, &a)), 0);
	xclose(fd);
}

static int lock_wait_kid(const void *p)
{
	const struct lock_arg *a = p;
	int fd = open(a->path, O_RDWR);

	if (fd < 0)
		return kid_err(2, "open");
	if (write(a->report, "R", 1) != 1)
		return kid_err(3, "report");
	if (setlk(fd, F_SETLKW, F_WRLCK, 50, 11) != 0)
		return kid_err(4, "F_SETLKW on 50-60");
	if (write(a->report, "L", 1) != 1)
		return kid_err(5, "report");
	return close(fd) == 0 ? 0 : kid_err(6, "close");
}

static void fcntl_setlkw__parent_unlocks__child_gets_lock_after(void **state)
{
	struct lock_arg a;
	int fd = xopen(at("lk"), O_RDWR | O_CREAT | O_EXCL, 0644), p[2];
	pid_t pid;

	(void)state;
	SYS(setlk(fd, F_SETLK, F_WRLCK, 0, 100));
	xpipe(p);
	copy_path(a.path, at("lk"));
	a.report = p[1];
	pid = kid_start(lock_wait_kid, &a);
	xclose(p[1]);
	assert_int_equal(await_byte(p[0], 5000), 'R');
	sleep_ms(300);
	assert_int_equal(await_byte(p[0], 0), AWAIT_TIMEOUT);
	SYS(setlk(fd, F_SETLK, F_UNLCK, 0, 100));
	assert_int_equal(await_byte(p[0], 5000), 'L');
	assert_int_equal(kid_wait(pid), 0);
	xclose(p[0]);
	xclose(fd);
}

static int flock_kid(const void *p)
{
	const struct lock_arg *a = p;
	int fd = open(a->path, O_RDWR), r;

	if (fd < 0)
		return kid_err(2, "open");
	r = flock(fd, LOCK_EX | LOCK_NB);
	if (a->expect_free && r != 0)
		return kid_err(3, "flock after LOCK_UN");
	if (!a->expect_free && r == 0)
		return kid_err(4, "flock was granted");
	if (!a->expect_free && errno != EWOULDBLOCK)
		return kid_err(5, "flock");
	return close(fd) == 0 ? 0 : kid_err(6, "close");
}

static void flock__exclusive_in_parent__child_waits_for_unlock(void **state)
{
	struct lock_arg a;
	int fd = xopen(at("fl"), O_RDWR | O_CREAT | O_EXCL, 0644);

	(void)state;
	copy_path(a.path, at("fl"));
	SYS(flock(fd, LOCK_EX));
	a.expect_free = 0;
	assert_int_equal(kid_wait(kid_start(flock_kid, &a)), 0);
	SYS(flock(fd, LOCK_UN));
	a.expect_free = 1;
	assert_int_equal(kid_wait(kid_start(flock_kid, &a)), 0);
	xclose(fd);
}

/* ---- 12. extended attributes ---- */

#define XA_NAME "user.hostfs_sem"
#define XA_LEN 1000

static void xattr_value(unsigned char v[XA_LEN])
{
	for (int i = 0; i < XA_LEN; i++)
		v[i] = (unsigned char)(i * 37 + 11); /* every byte value, NUL too */
}

/* xattr_set_or_skip - set XA_NAME on @path; skip the test where user xattrs are unsupported. */
static void xattr_set_or_skip(const char *path, const unsigned char *v)
{
	int e;

	if (setxattr(path, XA_NAME, v, XA_LEN, 0) == 0)
		return;
	e = errno;
	if (e == EOPNOTSUPP) {
		print_message("      user xattrs unsupported here (%s): skipped\n", strerror(e));
		skip();
	}
	fail_msg("setxattr(%s): %s", path, strerror(e));
}

static int list_has(const char *list, size_t len, const char *name)
{
	for (size_t off = 0; off < len; off += strlen(list + off) + 1)
		if (strcmp(list + off, name) == 0)
			return 1;
	return 0;
}

static void xattr__binary_value__round_trips(void **state)
{
	unsigned char v[XA_LEN], got[XA_LEN + 10];
	char list[4096];
	ssize_t n;

	(void)state;
	put("x", "with xattrs");
	xattr_value(v);
	xattr_set_or_skip(at("x"), v);
	assert_int_equal(SYS(getxattr(at("x"), XA_NAME, NULL, 0)), XA_LEN);
	assert_count(getxattr(at("x"), XA_NAME, got, sizeof(got)), XA_LEN);
	assert_memory_equal(got, v, XA_LEN);
	SYS_ERR(getxattr(at("x"), XA_NAME, got, 10), ERANGE);
	n = SYS(listxattr(at("x"), NULL, 0));
	assert_in_range(n, strlen(XA_NAME) + 1, sizeof(list));
	n = SYS(listxattr(at("x"), list, sizeof(list)));
	assert_true(list_has(list, (size_t)n, XA_NAME));
}

static void xattr__flags_and_remove__eexist_enodata(void **state)
{
	unsigned char v[XA_LEN], got[XA_LEN];
	char list[4096];
	ssize_t n;

	(void)state;
	put("x", "with xattrs");
	xattr_value(v);
	xattr_set_or_skip(at("x"), v);
	SYS_ERR(setxattr(at("x"), XA_NAME, "b", 1, XATTR_CREATE), EEXIST);
	SYS_ERR(setxattr(at("x"), "user.hostfs_missing", "b", 1, XATTR_REPLACE), ENODATA);
	SYS(setxattr(at("x"), XA_NAME, "short", 5, XATTR_REPLACE));
	assert_count(getxattr(at("x"), XA_NAME, got, sizeof(got)), 5);
	assert_memory_equal(got, "short", 5);
	SYS(removexattr(at("x"), XA_NAME));
	SYS_ERR(getxattr(at("x"), XA_NAME, got, sizeof(got)), ENODATA);
	n = SYS(listxattr(at("x"), list, sizeof(list)));
	assert_false(list_has(list, (size_t)n, XA_NAME));
	SYS_ERR(removexattr(at("x"), XA_NAME), ENODATA);
}

/* ---- 13. names ---- */

static void long_name(char *name, size_t len)
{
	memset(name, 'n', len);
	name[len] = '\0';
}

static void name__255_bytes__created_statted_listed(void **state)
{
	char name[NAME_MAX + 1];
	struct stat st;

	(void)state;
	long_name(name, NAME_MAX);
	xclose(xopen(at(name), O_WRONLY | O_CREAT | O_EXCL, 0644));
	SYS(stat(at(name), &st));
	assert_true(S_ISREG(st.st_mode));
	assert_listing(name);
	assert_host_agrees(name);
}

static void name__256_bytes__enametoolong(void **state)
{
	char name[NAME_MAX + 2];
	struct stat st;

	(void)state;
	long_name(name, NAME_MAX + 1);
	open_fails(at(name), O_WRONLY | O_CREAT, ENAMETOOLONG);
	SYS_ERR(mkdir(at(name), 0755), ENAMETOOLONG);
	SYS_ERR(stat(at(name), &st), ENAMETOOLONG);
	assert_listing(NULL);
}

/* ---- 14. directories ---- */

static void mkdir__then_rmdir__gone(void **state)
{
	struct stat st;

	(void)state;
	SYS(mkdir(at("d"), 0751));
	SYS(lstat(at("d"), &st));
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0751);
	assert_host_agrees("d");
	SYS(rmdir(at("d")));
	SYS_ERR(lstat(at("d"), &st), ENOENT);
	assert_host_absent("d");
	assert_listing(NULL);
}

static void rmdir__nonempty__enotempty(void **state)
{
	(void)state;
	SYS(mkdir(at("d"), 0755));
	put("d/f", "keeps d busy");
	SYS_ERR(rmdir(at("d")), ENOTEMPTY);
	assert_content("d/f", "keeps d busy");
	SYS(unlink(at("d/f")));
	SYS(rmdir(at("d")));
}

#define DIR_FILES 1000
#define DIR_SUB DIR_FILES       /* index of "sub" */
#define DIR_LNK (DIR_FILES + 1) /* index of "lnk" */
#define DIR_ALL (DIR_FILES + 2)

static void dir_entry_name(int i, char name[16])
{
	if (i == DIR_SUB || i == DIR_LNK)
		snprintf(name, 16, "%s", i == DIR_SUB ? "sub" : "lnk");
	else
		snprintf(name, 16, "f%04d", i);
}

/* dir_entry_index - Returns: the index of @name, -2 for "." and "..", -1 for a stranger. */
static int dir_entry_index(const char *name)
{
	char *end;
	long i;

	if (is_dot(name))
		return -2;
	if (strcmp(name, "sub") == 0 || strcmp(name, "lnk") == 0)
		return name[0] == 's' ? DIR_SUB : DIR_LNK;
	if (name[0] != 'f' || strlen(name) != 5)
		return -1;
	i = strtol(name + 1, &end, 10);
	return *end == '\0' && i >= 0 && i < DIR_FILES ? (int)i : -1;
}

static void dir_populate(void)
{
	char name[16];

	for (int i = 0; i < DIR_FILES; i++) {
		dir_entry_name(i, name);
		xclose(xopen(at(name), O_WRONLY | O_CREAT | O_EXCL, 0644));
	}
	SYS(mkdir(at("sub"), 0755));
	SYS(symlink("f0000", at("lnk")));
}

struct dir_seen {
	int count;
	ino_t ino;
	unsigned char type;
};

/* dir_scan - read the test directory once into @seen. Returns: strangers, or -errno. */
static int dir_scan(struct dir_seen *seen)
{
	DIR *d = opendir(env.dir);
	struct dirent *e;
	int strangers = 0, e_no = 0;

	if (!d)
		return -errno;
	for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
		int i = dir_entry_index(e->d_name);

		if (i == -1)
			strangers++;
		if (i < 0)
			continue;
		seen[i].count++;
		seen[i].ino = e->d_ino;
		seen[i].type = e->d_type;
	}
	e_no = errno;
	closedir(d);
	return e_no ? -e_no : strangers;
}

/* assert_dir_entry - listed once, d_ino == st_ino, the right d_type (DT_UNKNOWN if @untyped). */
static void assert_dir_entry(int i, const struct dir_seen *s, int untyped)
{
	unsigned char want = i == DIR_SUB ? DT_DIR : i == DIR_LNK ? DT_LNK : DT_REG;
	char name[16];
	struct stat st;

	dir_entry_name(i, name);
	if (s->count != 1)
		fail_msg("%s listed %d times", name, s->count);
	SYS(lstat(at(name), &st));
	if (s->ino != st.st_ino)
		fail_msg("%s: d_ino %ju, st_ino %ju", name, (uintmax_t)s->ino, (uintmax_t)st.st_ino);
	if (s->type != want && !(untyped && s->type == DT_UNKNOWN))
		fail_msg("%s: d_type %d, wanted %d", name, s->type, want);
}

static void readdir__1000_files__each_once_with_ino_and_type(void **state)
{
	struct dir_seen *seen = xalloc(DIR_ALL * sizeof(*seen));
	int untyped; /* a filesystem that leaves d_type DT_UNKNOWN leaves it so for all */

	(void)state;
	alarm(LONG_ALARM_S);
	dir_populate();
	assert_int_equal(dir_scan(seen), 0);
	untyped = seen[0].type == DT_UNKNOWN;
	for (int i = 0; i < DIR_ALL; i++)
		assert_dir_entry(i, &seen[i], untyped);
}

#define SEEK_AFTER 500
#define SEEK_SPAN 10

struct seek_run {
	long pos;
	char first[SEEK_SPAN][NAME_MAX + 1];
	char again[SEEK_SPAN][NAME_MAX + 1];
	int first_n, again_n, total, rewound;
};

static int read_names(DIR *d, char names[][NAME_MAX + 1], int n)
{
	struct dirent *e;
	int i = 0;

	while (i < n && (e = readdir(d)) != NULL)
		memcpy(names[i++], e->d_name, NAME_MAX + 1);
	return i;
}

static int count_rest(DIR *d)
{
	int n = 0;

	while (readdir(d) != NULL)
		n++;
	return n;
}

static void seek_run(DIR *d, struct seek_run *r)
{
	int skipped = 0;

	while (skipped < SEEK_AFTER && readdir(d) != NULL)
		skipped++;
	r->pos = telldir(d);
	r->first_n = read_names(d, r->first, SEEK_SPAN);
	seekdir(d, r->pos);
	r->again_n = read_names(d, r->again, SEEK_SPAN);
	r->total = skipped + r->again_n + count_rest(d);
	rewinddir(d);
	r->rewound = count_rest(d);
}

static void seekdir__middle_of_1000__resumes_there(void **state)
{
	struct seek_run *r = xalloc(sizeof(*r));
	DIR *d;

	(void)state;
	alarm(LONG_ALARM_S);
	dir_populate();
	if (!(d = opendir(env.dir)))
		fail_msg("opendir: %s", strerror(errno));
	seek_run(d, r);
	closedir(d);
	assert_true(r->pos != -1);
	assert_int_equal(r->first_n, SEEK_SPAN);
	assert_int_equal(r->again_n, SEEK_SPAN);
	for (int i = 0; i < SEEK_SPAN; i++)
		assert_string_equal(r->again[i], r->first[i]);
	assert_int_equal(r->total, DIR_ALL + 2);
	assert_int_equal(r->rewound, DIR_ALL + 2);
}

/* ---- 15. metadata ---- */

static void chmod__new_modes__seen_here_and_on_host(void **state)
{
	int fd;

	(void)state;
	put("f", "mode bits");
	SYS(chmod(at("f"), 0604));
	assert_int_equal(perms_of("f"), 0604);
	assert_host_agrees("f");
	SYS(chmod(at("f"), 04750));
	assert_int_equal(perms_of("f"), 04750);
	assert_host_agrees("f");
	fd = xopen(at("f"), O_RDONLY, 0);
	SYS(fchmod(fd, 0640));
	xclose(fd);
	assert_int_equal(perms_of("f"), 0640);
	assert_host_agrees("f");
}

static void assert_ts(struct timespec got, time_t sec, long nsec)
{
	assert_int_equal(got.tv_sec, sec);
	assert_int_equal(got.tv_nsec, nsec);
}

static void utimensat__nanosecond_times__read_back_exactly(void **state)
{
	struct timespec ts[2] = { { 1234567890, 123456789 }, { 1234567891, 987654321 } };
	struct stat st;

	(void)state;
	put("f", "timed");
	SYS(utimensat(AT_FDCWD, at("f"), ts, 0));
	SYS(stat(at("f"), &st));
	assert_ts(st.st_atim, 1234567890, 123456789);
	assert_ts(st.st_mtim, 1234567891, 987654321);
	assert_host_agrees("f");
	SYS(symlink("f", at("l")));
	SYS(utimensat(AT_FDCWD, at("l"), ts, AT_SYMLINK_NOFOLLOW));
	SYS(lstat(at("l"), &st));
	assert_ts(st.st_mtim, 1234567891, 987654321);
	assert_host_agrees("l");
}

static void utimensat__utime_omit__keeps_that_time(void **state)
{
	struct timespec ts[2] = { { 1234567890, 123456789 }, { 1234567891, 987654321 } };
	struct stat st;

	(void)state;
	put("f", "timed");
	SYS(utimensat(AT_FDCWD, at("f"), ts, 0));
	ts[0] = (struct timespec){ 1500000000, 5 };
	ts[1].tv_nsec = UTIME_OMIT;
	SYS(utimensat(AT_FDCWD, at("f"), ts, 0));
	SYS(stat(at("f"), &st));
	assert_ts(st.st_atim, 1500000000, 5);
	assert_ts(st.st_mtim, 1234567891, 987654321);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = (struct timespec){ 1600000000, 999999999 };
	SYS(utimensat(AT_FDCWD, at("f"), ts, 0));
	SYS(stat(at("f"), &st));
	assert_ts(st.st_atim, 1500000000, 5);
	assert_ts(st.st_mtim, 1600000000, 999999999);
	assert_host_agrees("f");
}

static void truncate__by_path__shrinks_and_extends(void **state)
{
	unsigned char buf[10000];
	struct stat st;
	int fd;

	(void)state;
	put("f", "0123456789");
	SYS(truncate(at("f"), 4));
	assert_content("f", "0123");
	SYS(truncate(at("f"), sizeof(buf)));
	SYS(stat(at("f"), &st));
	assert_int_equal(st.st_size, sizeof(buf));
	fd = xopen(at("f"), O_RDONLY, 0);
	assert_count(pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	xclose(fd);
	assert_memory_equal(buf, "0123", 4);
	assert_true(is_zero(buf + 4, sizeof(buf) - 4));
	assert_host_agrees("f");
}

static void fallocate__one_mib__size_and_blocks(void **state)
{
	unsigned char buf[4096];
	struct stat st;
	int fd = xopen(at("fa"), O_RDWR | O_CREAT | O_EXCL, 0644);

	(void)state;
	if (fallocate(fd, 0, 0, MIB) != 0) {
		if (errno != EOPNOTSUPP)
			fail_msg("fallocate: %s", strerror(errno));
		print_message("      fallocate unsupported here: skipped\n");
		skip();
	}
	SYS(fstat(fd, &st));
	assert_int_equal(st.st_size, MIB);
	if (st.st_blocks * 512 < MIB)
		fail_msg("st_blocks %jd after fallocate of 1 MiB", (intmax_t)st.st_blocks);
	assert_count(pread(fd, buf, sizeof(buf), MIB / 2), sizeof(buf));
	assert_true(is_zero(buf, sizeof(buf)));
	xclose(fd);
	assert_host_agrees("fa");
}

static uint64_t prng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void fill_random(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1, v;

	for (size_t i = 0; i < n; i += sizeof(v)) {
		v = prng_next(&s);
		memcpy(p + i, &v, n - i < sizeof(v) ? n - i : sizeof(v));
	}
}

static void copy_all(int in, int out, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, len - done, 0);

		if (n <= 0)
			fail_msg("copy_file_range at %zu: %s", done, n ? strerror(errno) : "early EOF");
		done += (size_t)n;
	}
}

static void copy_file_range__3mib__identical(void **state)
{
	size_t len = 3 * MIB;
	unsigned char *src = xalloc(len), *got = xalloc(len + 1);
	int in, out;

	(void)state;
	alarm(LONG_ALARM_S);
	fill_random(src, len, 0x5eed);
	write_file("src", src, len);
	in = xopen(at("src"), O_RDONLY, 0);
	out = xopen(at("dst"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	copy_all(in, out, len);
	xclose(out);
	xclose(in);
	in = xopen(at("dst"), O_RDONLY, 0);
	assert_count(pread(in, got, len + 1, 0), len);
	xclose(in);
	assert_same_bytes(got, src, len, 0);
	assert_host_agrees("dst");
}

static void fsync__file_and_dir__succeed(void **state)
{
	int fd = xopen(at("f"), O_WRONLY | O_CREAT | O_EXCL, 0644), dfd;

	(void)state;
	assert_count(write(fd, "durable", 7), 7);
	assert_int_equal(SYS(fsync(fd)), 0);
	assert_count(write(fd, "!", 1), 1);
	assert_int_equal(SYS(fdatasync(fd)), 0);
	xclose(fd);
	dfd = xopen(env.dir, O_RDONLY | O_DIRECTORY, 0);
	assert_int_equal(SYS(fsync(dfd)), 0);
	xclose(dfd);
	assert_content("f", "durable!");
}

static void statfs__test_dir__bsize_positive(void **state)
{
	struct statfs a, b;
	int fd;

	(void)state;
	SYS(statfs(env.dir, &a));
	assert_true(a.f_bsize > 0);
	fd = xopen(env.dir, O_RDONLY | O_DIRECTORY, 0);
	SYS(fstatfs(fd, &b));
	xclose(fd);
	assert_int_equal(b.f_bsize, a.f_bsize);
	assert_int_equal(b.f_type, a.f_type);
}

static void access__modes__answered(void **state)
{
	(void)state;
	put("f", "accessible");
	SYS(chmod(at("f"), 0600));
	assert_int_equal(SYS(access(at("f"), F_OK)), 0);
	assert_int_equal(SYS(access(at("f"), R_OK)), 0);
	assert_int_equal(SYS(access(at("f"), W_OK)), 0);
	assert_int_equal(SYS(access(at("f"), R_OK | W_OK)), 0);
	SYS_ERR(access(at("f"), X_OK), EACCES);
	SYS_ERR(access(at("missing"), F_OK), ENOENT);
}

/* ---- 16. FIFO ---- */

static void mkfifo__in_dir__fifo_then_unlinked(void **state)
{
	struct stat st;

	(void)state;
	SYS(mkfifo(at("fifo"), 0640));
	SYS(lstat(at("fifo"), &st));
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_host_agrees("fifo");
	SYS(unlink(at("fifo")));
	SYS_ERR(lstat(at("fifo"), &st), ENOENT);
	assert_host_absent("fifo");
}

/* ---- 16a. what the guest caches and what the host changes behind it ---- */

/* host_create - make @name, empty, on the host behind the mount. Returns: 0 or -errno. */
static int host_create(const char *name)
{
	const char *path = join(env.host_dir, name);
	int fd;

	if (env.hc) {
		fd = hc_open(env.hc, path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		return fd < 0 ? fd : hc_close(env.hc, fd);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	return close(fd) == 0 ? 0 : -errno;
}

/* How long a lookup that found nothing may be remembered: cache=auto's 1 s, with room. */
#define NEGATIVE_SEEN_MS 5000

static void lookup__absent_then_made_on_host__seen_within_timeout(void **state)
{
	struct stat st;
	int waited = 0;

	(void)state;
	if (!env.host_top[0])
		skip();
	SYS_ERR(lstat(at("late"), &st), ENOENT);
	assert_int_equal(host_create("late"), 0);
	while (lstat(at("late"), &st) != 0 && waited < NEGATIVE_SEEN_MS) {
		assert_int_equal(errno, ENOENT);
		sleep_ms(50);
		waited += 50;
	}
	SYS(lstat(at("late"), &st));
	assert_true(S_ISREG(st.st_mode));
	assert_host_agrees("late");
}

static void create__name_just_found_absent__made_and_listed(void **state)
{
	struct stat st;

	(void)state;
	SYS_ERR(lstat(at("soon"), &st), ENOENT);
	xclose(xopen(at("soon"), O_WRONLY | O_CREAT | O_EXCL, 0600));
	SYS(lstat(at("soon"), &st));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_listing("soon");
	SYS(unlink(at("soon")));
	SYS_ERR(lstat(at("soon"), &st), ENOENT);
	assert_listing(NULL);
}

static void readdir__file_made_on_host__listed_at_next_opendir(void **state)
{
	(void)state;
	if (!env.host_top[0])
		skip();
	put("a", "1");
	assert_listing("a");
	assert_int_equal(host_create("b"), 0);
	assert_listing("a", "b");   /* at once: the directory's mtime changed */
}

static void write__setuid_file__host_drops_setuid(void **state)
{
	struct stat st;
	int fd;

	(void)state;
	if (!env.unpriv)
		skip();   /* a root shadow keeps set-id bits, as root does */
	put("suid", "0123");
	SYS(chmod(at("suid"), 04755));
	fd = xopen(at("suid"), O_WRONLY, 0);
	assert_count(pwrite(fd, "x", 1, 0), 1);
	xclose(fd);
	SYS(lstat(at("suid"), &st));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_host_agrees("suid");
	fd = xopen(at("suid"), O_WRONLY, 0);   /* and writes after that need no asking */
	assert_count(pwrite(fd, "yz", 2, 1), 2);
	xclose(fd);
	assert_host_agrees("suid");
}

/* ---- 17. poll ---- */

static void poll__regular_file__in_and_out_at_once(void **state)
{
	struct pollfd p;

	(void)state;
	put("f", "pollable");
	p.fd = xopen(at("f"), O_RDWR, 0);
	p.events = POLLIN | POLLOUT;
	p.revents = 0;
	assert_int_equal(SYS(poll(&p, 1, 1000)), 1);
	assert_int_equal(p.revents & (POLLIN | POLLOUT), POLLIN | POLLOUT);
	assert_int_equal(p.revents & (POLLERR | POLLNVAL), 0);
	xclose(p.fd);
}

/* ---- 18. large I/O ---- */

#define BIG (16 * MIB)

static void big_write(const unsigned char *src)
{
	int fd = xopen(at("big"), O_RDWR | O_CREAT | O_EXCL, 0644);
	struct stat st;

	for (size_t off = 0; off < BIG; off += MIB)
		assert_count(write(fd, src + off, MIB), MIB);
	SYS(fstat(fd, &st));
	assert_int_equal(st.st_size, BIG);
	SYS(fsync(fd));
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED); /* best effort: read from the fs */
	xclose(fd);
}

static void big_read_in(size_t chunk, const unsigned char *src, unsigned char *buf)
{
	int fd = xopen(at("big"), O_RDONLY, 0);

	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	for (size_t off = 0; off < BIG; off += chunk) {
		assert_count(read(fd, buf, chunk), chunk);
		assert_same_bytes(buf, src + off, chunk, (off_t)off);
	}
	assert_count(read(fd, buf, chunk), 0);
	xclose(fd);
}

static void big_pread_unaligned(const unsigned char *src, unsigned char *buf)
{
	int fd = xopen(at("big"), O_RDONLY, 0);
	uint64_t s = 0xfeedULL;

	for (int i = 0; i < 200; i++) {
		size_t len = 1 + prng_next(&s) % 300000;
		off_t off = (off_t)(prng_next(&s) % (BIG - len));

		assert_count(pread(fd, buf, len, off), len);
		assert_same_bytes(buf, src + off, len, off);
	}
	assert_count(pread(fd, buf, 100, BIG - 7), 7);
	assert_same_bytes(buf, src + BIG - 7, 7, BIG - 7);
	assert_count(pread(fd, buf, 100, BIG), 0);
	xclose(fd);
}

static void large_io__16mib__every_byte_back(void **state)
{
	unsigned char *src = xalloc(BIG), *buf = xalloc(MIB);

	(void)state;
	alarm(LONG_ALARM_S);
	fill_random(src, BIG, 0xb16b00b5);
	big_write(src);
	big_read_in(4096, src, buf);
	big_read_in(65536, src, buf);
	big_read_in(MIB, src, buf);
	big_pread_unaligned(src, buf);
	assert_host_agrees("big");
}

/* ---- HOSTFS_FULL: running out of space ---- */

#define FILL_CHUNK (64 * 1024)
#define FILL_FILE (256 * 1024)
#define FILL_MAX_FILES 1024

static void fill_pattern(unsigned char *p, int file, size_t off)
{
	for (size_t i = 0; i < FILL_CHUNK; i++)
		p[i] = (unsigned char)(file * 131 + (off + i) / 7);
}

static const char *fill_path(int i)
{
	char name[16];

	snprintf(name, sizeof(name), "f%04d", i);
	return join(env.full_top, name);
}

/* write_whole - write @len bytes, through short writes. Returns: 0 or the errno. */
static int write_whole(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0)
			return errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fill_one - write file @i to the end, fsync and close. Returns: 0 or the errno met. */
static int fill_one(int i, unsigned char *chunk)
{
	int fd = open(fill_path(i), O_WRONLY | O_CREAT | O_EXCL, 0644), e = 0;

	if (fd < 0)
		return errno;
	for (size_t off = 0; off < FILL_FILE && e == 0; off += FILL_CHUNK) {
		fill_pattern(chunk, i, off);
		e = write_whole(fd, chunk, FILL_CHUNK);
	}
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	return e;
}

static void fill_verify(int i, unsigned char *chunk, unsigned char *want)
{
	int fd = xopen(fill_path(i), O_RDONLY, 0);

	for (size_t off = 0; off < FILL_FILE; off += FILL_CHUNK) {
		fill_pattern(want, i, off);
		assert_count(read(fd, chunk, FILL_CHUNK), FILL_CHUNK);
		assert_same_bytes(chunk, want, FILL_CHUNK, (off_t)off);
	}
	assert_count(read(fd, chunk, 1), 0);
	xclose(fd);
}

static void enospc__small_fs__writer_told_and_data_intact(void **state)
{
	unsigned char *chunk = xalloc(FILL_CHUNK), *want = xalloc(FILL_CHUNK);
	int whole = 0, e = 0;

	(void)state;
	if (!env.full_top[0]) {
		print_message("      HOSTFS_FULL unset: skipped\n");
		skip();
	}
	alarm(LONG_ALARM_S);
	SYS(mkdir(env.full_top, 0755));
	while (whole < FILL_MAX_FILES && (e = fill_one(whole, chunk)) == 0)
		whole++;
	if (e != ENOSPC)
		fail_msg("after %d whole files the writer got \"%s\", wanted ENOSPC", whole,
			 e ? strerror(e) : "no error");
	assert_true(whole > 0);
	for (int i = 0; i < whole; i++)
		fill_verify(i, chunk, want);
	assert_int_equal(rm_tree(env.full_top), 0);
	SYS(mkdir(env.full_top, 0755));
	assert_int_equal(fill_one(0, chunk), 0); /* the space came back */
	fill_verify(0, chunk, want);
}

/* ---- HOSTFS_UNPRIV: permissions the host enforces ---- */

static void unpriv_or_skip(void)
{
	if (!env.unpriv) {
		print_message("      HOSTFS_UNPRIV unset: skipped\n");
		skip();
	}
}

static void perm__mode_000__open_eacces(void **state)
{
	(void)state;
	unpriv_or_skip();
	put("f", "secret");
	SYS(chmod(at("f"), 0));
	open_fails(at("f"), O_RDONLY, EACCES);
	open_fails(at("f"), O_WRONLY, EACCES);
	SYS(chmod(at("f"), 0600));
	assert_content("f", "secret");
}

static void perm__dir_0500__create_eacces(void **state)
{
	struct stat st;

	(void)state;
	unpriv_or_skip();
	SYS(mkdir(at("d"), 0700));
	SYS(chmod(at("d"), 0500));
	open_fails(at("d/new"), O_WRONLY | O_CREAT, EACCES);
	SYS_ERR(mkdir(at("d/sub"), 0755), EACCES);
	SYS(chmod(at("d"), 0700));
	SYS_ERR(lstat(at("d/new"), &st), ENOENT);
}

static void perm__mode_0200__read_eacces_write_works(void **state)
{
	int fd;

	(void)state;
	unpriv_or_skip();
	put("f", "before");
	SYS(chmod(at("f"), 0200));
	open_fails(at("f"), O_RDONLY, EACCES);
	fd = xopen(at("f"), O_WRONLY | O_TRUNC, 0);
	assert_count(write(fd, "after", 5), 5);
	xclose(fd);
	SYS(chmod(at("f"), 0600));
	assert_content("f", "after");
}

/* ---- fixtures ---- */

static int fs_enter(void **state)
{
	const char *sub = *state;

	memset(&tracked, 0, sizeof(tracked));
	alarm(TEST_ALARM_S);
	if (snprintf(env.dir, sizeof(env.dir), "%s/%s", env.top, sub) >= (int)sizeof(env.dir) ||
	    snprintf(env.host_dir, sizeof(env.host_dir), "%s/%s", env.host_top, sub) >=
		    (int)sizeof(env.host_dir))
		return -1;
	if (mkdir(env.dir, 0755) != 0) {
		print_error("mkdir %s: %s\n", env.dir, strerror(errno));
		return -1;
	}
	return 0;
}

static void release_tracked(void)
{
	while (tracked.nkids > 0) {
		pid_t pid = tracked.kids[--tracked.nkids];

		kill(pid, SIGKILL);
		reap(pid);
	}
	while (tracked.nfds > 0)
		close(tracked.fds[--tracked.nfds]);
	while (tracked.nmaps > 0) {
		tracked.nmaps--;
		munmap(tracked.maps[tracked.nmaps], tracked.map_len[tracked.nmaps]);
	}
}

static int fs_leave(void **state)
{
	int r;

	(void)state;
	release_tracked();
	r = rm_tree(env.dir);
	if (r != 0)
		print_error("cannot remove %s: %s\n", env.dir, strerror(-r));
	if (env.full_top[0] && rm_tree(env.full_top) != 0)
		print_error("cannot remove %s\n", env.full_top);
	alarm(0);
	return r == 0 ? 0 : -1;
}

static int fs_group_setup(void **state)
{
	const char *url = getenv("DOSH_HOST");
	struct stat l, h;
	int r;

	(void)state;
	if (!env.host_top[0]) {
		print_message("host comparison: off (HOSTFS_HOSTDIR unset)\n");
		return 0;
	}
	if (url && *url && (r = hc_connect(url, getenv("DOSH_KEY"), &env.hc)) != 0) {
		print_error("hc_connect(%s): %s\n", url, strerror(-r));
		return -1;
	}
	print_message("host comparison: %s %s\n", env.hc ? "hc_lstat through" : "lstat of",
		      env.hc ? url : env.host_top);
	if (lstat(env.top, &l) != 0 || (r = host_lstat_path(env.host_top, &h)) != 0 ||
	    l.st_ino != h.st_ino) {
		print_error("the host's %s is not %s\n", env.host_top, env.top);
		return -1;
	}
	return 0;
}

static int fs_group_teardown(void **state)
{
	(void)state;
	if (env.hc)
		hc_disconnect(env.hc);
	env.hc = NULL;
	return 0;
}

#define FS_TEST(fn, sub) \
	cmocka_unit_test_prestate_setup_teardown(fn, fs_enter, fs_leave, (void *)(sub))

static int fs_run(void)
{
	const struct CMUnitTest tests[] = {
		FS_TEST(link__second_name__same_inode_nlink_two, "link2"),
		FS_TEST(link__unlink_one_name__nlink_one, "link1"),
		FS_TEST(unlink__while_open__fd_reads_no_leftovers, "unlink_open"),
		FS_TEST(rename__over_open_file__fd_keeps_old_content, "rename_open"),
		FS_TEST(renameat2__noreplace_onto_existing__eexist, "noreplace"),
		FS_TEST(renameat2__exchange__swaps_content_and_inodes, "exchange"),
		FS_TEST(rename__dir_over_nonempty_dir__enotempty, "rename_dir"),
		FS_TEST(symlink__dangling_absolute__readlink_exact, "sym_dangling"),
		FS_TEST(symlink__relative_in_dir__reads_through, "sym_relative"),
		FS_TEST(symlink__loop__eloop, "sym_loop"),
		FS_TEST(symlink__open_o_nofollow__eloop, "sym_nofollow"),
		FS_TEST(symlink__target_inside_mount__reads_and_opens, "sym_inside"),
		FS_TEST(open_excl__eight_at_once__exactly_one_wins, "excl"),
		FS_TEST(open_append__two_writers__records_whole, "append"),
		FS_TEST(open_trunc__existing_file__size_zero, "trunc"),
		FS_TEST(open_creat__mode_0640__perms_0640, "creat_mode"),
		FS_TEST(sparse__byte_at_1gib__size_blocks_zeros, "sparse"),
		FS_TEST(ftruncate__shrink_then_extend__zeros, "ftruncate"),
		FS_TEST(lseek__data_and_hole__right_when_supported, "seek_hole"),
		FS_TEST(mmap__shared_write_in_child__read_sees_it, "mmap_shared"),
		FS_TEST(mmap__readonly_shared__sees_later_write, "mmap_coherent"),
		FS_TEST(mmap__private_write__not_seen_by_read, "mmap_private"),
		FS_TEST(fcntl_lock__held_by_parent__child_refused_getlk_reports, "lock_probe"),
		FS_TEST(fcntl_setlkw__parent_unlocks__child_gets_lock_after, "lock_wait"),
		FS_TEST(flock__exclusive_in_parent__child_waits_for_unlock, "flock"),
		FS_TEST(xattr__binary_value__round_trips, "xattr_value"),
		FS_TEST(xattr__flags_and_remove__eexist_enodata, "xattr_flags"),
		FS_TEST(name__255_bytes__created_statted_listed, "name255"),
		FS_TEST(name__256_bytes__enametoolong, "name256"),
		FS_TEST(mkdir__then_rmdir__gone, "mkdir"),
		FS_TEST(rmdir__nonempty__enotempty, "rmdir"),
		FS_TEST(readdir__1000_files__each_once_with_ino_and_type, "readdir"),
		FS_TEST(seekdir__middle_of_1000__resumes_there, "seekdir"),
		FS_TEST(chmod__new_modes__seen_here_and_on_host, "chmod"),
		FS_TEST(utimensat__nanosecond_times__read_back_exactly, "utimens"),
		FS_TEST(utimensat__utime_omit__keeps_that_time, "utime_omit"),
		FS_TEST(truncate__by_path__shrinks_and_extends, "truncate"),
		FS_TEST(fallocate__one_mib__size_and_blocks, "fallocate"),
		FS_TEST(copy_file_range__3mib__identical, "copy_range"),
		FS_TEST(fsync__file_and_dir__succeed, "fsync"),
		FS_TEST(statfs__test_dir__bsize_positive, "statfs"),
		FS_TEST(access__modes__answered, "access"),
		FS_TEST(mkfifo__in_dir__fifo_then_unlinked, "fifo"),
		FS_TEST(lookup__absent_then_made_on_host__seen_within_timeout, "neg_host"),
		FS_TEST(create__name_just_found_absent__made_and_listed, "neg_create"),
		FS_TEST(readdir__file_made_on_host__listed_at_next_opendir, "dir_host"),
		FS_TEST(write__setuid_file__host_drops_setuid, "suid_write"),
		FS_TEST(poll__regular_file__in_and_out_at_once, "poll"),
		FS_TEST(large_io__16mib__every_byte_back, "large_io"),
		FS_TEST(enospc__small_fs__writer_told_and_data_intact, "enospc"),
		FS_TEST(perm__mode_000__open_eacces, "perm000"),
		FS_TEST(perm__dir_0500__create_eacces, "perm_dir"),
		FS_TEST(perm__mode_0200__read_eacces_write_works, "perm0200"),
	};

	return cmocka_run_group_tests_name("hostfs_fs_semantics", tests, fs_group_setup,
					   fs_group_teardown);
}

/* ---- configuration and supervision ---- */

static int sem_path(char dst[PATH_MAX], const char *dir, pid_t pid)
{
	int n = snprintf(dst, PATH_MAX, "%s/sem.%d", dir, (int)pid);

	return n > 0 && n < PATH_MAX - NAME_MAX - 64 ? 0 : -1;
}

static int fs_configure(const char *argv0)
{
	const char *mnt = getenv("HOSTFS_MNT"), *hostdir = getenv("HOSTFS_HOSTDIR");
	const char *full = getenv("HOSTFS_FULL"), *unpriv = getenv("HOSTFS_UNPRIV");
	char real[PATH_MAX];
	pid_t pid = getpid();

	if (!mnt || !*mnt) {
		fprintf(stderr, "usage: HOSTFS_MNT=DIR [HOSTFS_HOSTDIR=DIR [DOSH_HOST=URL "
				"[DOSH_KEY=FILE]]] [HOSTFS_FULL=DIR] [HOSTFS_UNPRIV=1] %s\n",
			argv0);
		return -1;
	}
	if (!realpath(mnt, real)) {
		fprintf(stderr, "%s: %s: %s\n", argv0, mnt, strerror(errno));
		return -1;
	}
	if (sem_path(env.top, real, pid) != 0 ||
	    (hostdir && *hostdir && sem_path(env.host_top, hostdir, pid) != 0) ||
	    (full && *full && sem_path(env.full_top, full, pid) != 0)) {
		fprintf(stderr, "%s: a directory name is too long\n", argv0);
		return -1;
	}
	env.unpriv = unpriv && strcmp(unpriv, "1") == 0;
	return 0;
}

/* fs_supervise - run the tests in a child, then clean up even if it died. Returns: exit code. */
static int fs_supervise(void)
{
	pid_t pid;
	int status, r;

	fflush(stdout);
	if ((pid = fork()) == 0)
		exit(fs_run());
	status = pid < 0 ? -1 : reap(pid);
	if (status < 0)
		fprintf(stderr, "fs_semantics: fork or wait failed: %s\n", strerror(errno));
	else if (status > 128)
		fprintf(stderr, "fs_semantics: the tests died of signal %d%s\n", status - 128,
			status == 128 + SIGALRM ? " (a check hung: see the last [ RUN ] line)" : "");
	alarm(TEST_ALARM_S);
	if ((r = rm_tree(env.top)) != 0)
		fprintf(stderr, "fs_semantics: cannot remove %s: %s\n", env.top, strerror(-r));
	if (env.full_top[0])
		rm_tree(env.full_top);
	alarm(0);
	return status != 0 || r != 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	umask(0);
	if (fs_configure(argv[0]) != 0)
		return 2;
	if (mkdir(env.top, 0755) != 0) {
		fprintf(stderr, "%s: mkdir %s: %s\n", argv[0], env.top, strerror(errno));
		return 2;
	}
	return fs_supervise();
}
