/* fuzz_xdr.c: libFuzzer target: every procedure's XDR arguments, a stable round trip, and the shadow's dispatch. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "log.h"
#include "shadow.h"
#include "transport.h"

/*
 * An input is one byte and a procedure's XDR arguments: the byte's low 7 bits
 * number the procedure, its top bit makes the call before authentication.
 */
#define PROC_MASK 0x7f
#define UNAUTH_BIT 0x80

/*
 * Procedures dispatched into their real handlers: those that never block and
 * change nothing outside the handles they are given (0 a scratch directory,
 * 1 a file in it, 2 an O_PATH handle on that file) or AT_CWD (the scratch
 * directory too). Names of *at calls are one component, and Linux neither
 * creates, removes nor renames "." or "..": what changes is an entry of the
 * scratch directory, put back after each call. Every other procedure is
 * decoded and round-tripped only: it could reach host files anywhere (paths),
 * change this process (CHDIR, SETENV), fork, spawn, dial out, fill the disk
 * (FALLOCATE), lock out the scratch directory (FCHMODAT, FCHOWNAT, SETATTR)
 * or wait for a peer that is not there.
 */
static const uint8_t looking[] = {
	HC_NULL, HC_AUTH_BEGIN, HC_AUTH_FINISH, HC_INFO, HC_GETCWD, HC_GETENV, HC_ENVIRON,
	HC_CLOSE, HC_READ, HC_LSEEK, HC_FSTAT, HC_STAT, HC_READDIR, HC_PIPE, HC_DUP2, HC_EXEC,
	HC_WAIT, HC_KILL, HC_CHILD_CALL, HC_GETSOCKNAME, HC_PTY_RESIZE, HC_LOOKUP, HC_FORGET,
	HC_FSTATAT, HC_PREAD, HC_READLINKAT, HC_FSTATFS, HC_FACCESSAT, HC_GETXATTR,
	HC_LISTXATTR, HC_LOCK, HC_FLOCK, HC_GETDENTS, HC_MODULE_OPEN, HC_MODULE_CALL,
};
static const uint8_t changing[] = {
	HC_WRITE, HC_OPENAT, HC_PWRITE, HC_FTRUNCATE, HC_FSYNC, HC_UTIMENSAT, HC_MKNODAT,
	HC_UNLINKAT, HC_RENAMEAT2, HC_LINKAT, HC_SYMLINKAT, HC_SETXATTR, HC_REMOVEXATTR,
};

static struct shadow sh;
static char scratch[] = "/tmp/hc-fuzz-xdr-XXXXXX";
static int scratch_fd = -1, home_fd = -1;   /* the scratch directory, and libFuzzer's own */

static int listed(const uint8_t *list, size_t n, uint32_t proc)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == proc)
			return 1;
	return 0;
}

static int is_dispatched(uint32_t proc)
{
	return listed(looking, sizeof(looking), proc) || listed(changing, sizeof(changing), proc);
}

static void scratch_reset(void);

/* @in decoded with @proc into a new object of @size bytes (*@used: bytes taken), or NULL. */
static void *decode(xdrproc_t proc, size_t size, const uint8_t *in, size_t len, size_t *used)
{
	void *obj = calloc(1, size + 1);
	XDR x;

	if (!obj)
		abort();
	xdrmem_create(&x, (char *)in, (u_int)len, XDR_DECODE);
	if (!proc(&x, obj)) {
		xdr_free(proc, obj);
		free(obj);
		return NULL;
	}
	*used = xdr_getpos(&x);
	return obj;
}

static void release(xdrproc_t proc, void *obj)
{
	xdr_free(proc, obj);
	free(obj);
}

/*
 * Decode @in, encode it, decode that, encode again: both encodings must be
 * the same bytes, the second decode must take all of the first encoding.
 * Returns: 1 when @in decoded, 0 when @proc refused it.
 */
static int round_trip(xdrproc_t proc, size_t size, const uint8_t *in, size_t len)
{
	size_t used, n1, n2;
	uint8_t *e1, *e2;
	void *a, *b;

	if (!(a = decode(proc, size, in, len, &used)))
		return 0;
	if (!(e1 = fuzz_xdr_encode(proc, a, 0, &n1)))
		abort();   /* decoded, yet it cannot be encoded again */
	if (!(b = decode(proc, size, e1, n1, &used)) || used != n1)
		abort();   /* its own encoding does not decode, or not all of it */
	if (!(e2 = fuzz_xdr_encode(proc, b, 0, &n2)) || n2 != n1 || memcmp(e1, e2, n1) != 0)
		abort();   /* the round trip is not stable */
	release(proc, a);
	release(proc, b);
	free(e1);
	free(e2);
	return 1;
}

static void add_handle(const char *name, int flags)
{
	int fd = open(name, flags | O_CLOEXEC);

	if (fd < 0 || handles_add(&sh.handles, fd) < 0)
		abort();
}

/* The handles a dispatched call may use: 0 the scratch directory, 1 a file in it, 2 an O_PATH on it. */
static void open_handles(void)
{
	add_handle(".", O_RDONLY | O_DIRECTORY);
	add_handle("f", O_RDWR);
	add_handle("f", O_PATH);
}

/* Run @proc on @in as the shadow does; its encoded result must round-trip too. */
static void dispatch(uint32_t proc, int authenticated, const uint8_t *in, size_t len)
{
	const struct shadow_proc *p = shadow_proc_lookup(proc);
	int before = fuzz_fd_count(), r;
	size_t outlen = 0;
	void *out = NULL;

	if (fchdir(scratch_fd) != 0)
		abort();
	fuzz_shadow_fresh(&sh, authenticated);
	open_handles();
	r = shadow_call_encoded(&sh, proc, in, len, &out, &outlen);
	if (fchdir(home_fd) != 0)
		abort();
	if (r == -EPROTO)
		abort();   /* the arguments decoded above: the handler's result did not encode */
	if (r == 0 && !round_trip(p->xres, p->res_size, out, outlen))
		abort();   /* the shadow's own answer does not decode */
	free(out);
	fuzz_shadow_end(&sh);
	if (listed(changing, sizeof(changing), proc))
		scratch_reset();
	if (fuzz_fd_count() != before)
		abort();   /* the call left a descriptor behind */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct shadow_proc *p;
	uint32_t proc;

	if (size < 1 || !(p = shadow_proc_lookup(proc = data[0] & PROC_MASK)))
		return 0;
	if (round_trip(p->xargs, p->args_size, data + 1, size - 1) && is_dispatched(proc))
		dispatch(proc, !(data[0] & UNAUTH_BIT), data + 1, size - 1);
	return 0;
}

/* ---- the scratch directory the dispatched calls run in ---- */

static void scratch_remove(void)
{
	unlinkat(scratch_fd, "f", 0);
	unlinkat(scratch_fd, "l", 0);
	unlinkat(scratch_fd, "d", AT_REMOVEDIR);
	rmdir(scratch);
}

/* f holding "hello\n", l a symlink to it, d an empty directory. */
static void scratch_fill(void)
{
	int fd = openat(scratch_fd, "f", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, "hello\n", 6) != 6)
		abort();
	close(fd);
	if (symlinkat("f", scratch_fd, "l") != 0 || mkdirat(scratch_fd, "d", 0755) != 0)
		abort();
}

/* Remove every entry of the scratch directory. Returns: how many there were. */
static int scratch_empty_pass(DIR *d)
{
	struct dirent *de;
	int n = 0;

	rewinddir(d);
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(scratch_fd, de->d_name, 0) != 0 &&
		    unlinkat(scratch_fd, de->d_name, AT_REMOVEDIR) != 0)
			abort();
		n++;
	}
	return n;
}

/* Everything a changing call made or moved in the scratch directory goes, then it is filled again. */
static void scratch_reset(void)
{
	int fd = dup(scratch_fd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	char names[4096];
	ssize_t n;

	if (!d)
		abort();
	while (scratch_empty_pass(d) > 0)
		;   /* readdir may miss entries removed under it: until a pass finds none */
	closedir(d);
	n = flistxattr(scratch_fd, names, sizeof(names));
	for (char *x = names; n > 0 && x < names + n; x += strlen(x) + 1)
		fremovexattr(scratch_fd, x);
	scratch_fill();
}

static void scratch_make(void)
{
	if (!mkdtemp(scratch) || (scratch_fd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		abort();
	atexit(scratch_remove);
	scratch_fill();
}

/* ---- seeds: one small valid call of each kind of argument ---- */

static void seed(const char *name, uint8_t first, xdrproc_t proc, void *obj)
{
	size_t len;
	uint8_t *buf = fuzz_xdr_encode(proc, obj, 1, &len);

	if (!buf)
		abort();
	buf[0] = first;
	fuzz_seed_write(name, buf, len);
	free(buf);
}

static void seeds_context(void)
{
	char home[] = "HOME", f[] = "f";
	hc_auth_begin_args ab = { { 1, 2, 3 } };
	hc_name name = home;
	hc_stat_args st = { f, 0 };
	hc_read_args rd = { 1, 64 };

	seed("null", HC_NULL, (xdrproc_t)hc_xdr_void, NULL);
	seed("auth_begin_unauth", UNAUTH_BIT | HC_AUTH_BEGIN, (xdrproc_t)xdr_hc_auth_begin_args, &ab);
	seed("info_unauth", UNAUTH_BIT | HC_INFO, (xdrproc_t)hc_xdr_void, NULL);
	seed("getenv", HC_GETENV, (xdrproc_t)xdr_hc_name, &name);
	seed("stat", HC_STAT, (xdrproc_t)xdr_hc_stat_args, &st);
	seed("read", HC_READ, (xdrproc_t)xdr_hc_read_args, &rd);
}

static void seeds_fs(void)
{
	char l[] = "l", d[] = "d", x[] = "user.x", v[] = "v";
	hc_at_args at = { HC_AT_CWD, l, HC_AT_SYMLINK_NOFOLLOW };
	hc_getdents_args gd = { 0, 0, 4096, 1 };
	hc_handle hl[] = { 2, 7 };
	hc_handle_list forget = { 2, hl };
	hc_lookup_args lk = { HC_AT_CWD, d };
	hc_xattr_args gx = { 1, x, 64 };
	hc_setxattr_args sx = { 1, x, { 1, v }, HC_XATTR_CREATE };
	hc_lock_args lock = { 1, { HC_LOCK_WRITE, 0, 10 }, 1 };
	hc_setattr_args sa = { 2, -1, HC_SET_MODE | HC_SET_MTIME, 0600, -1, -1, 0, { 0, 0 },
			       { 0, HC_UTIME_NOW } };

	seed("fstatat", HC_FSTATAT, (xdrproc_t)xdr_hc_at_args, &at);
	seed("getdents_plus", HC_GETDENTS, (xdrproc_t)xdr_hc_getdents_args, &gd);
	seed("forget", HC_FORGET, (xdrproc_t)xdr_hc_handle_list, &forget);
	seed("lookup", HC_LOOKUP, (xdrproc_t)xdr_hc_lookup_args, &lk);
	seed("getxattr", HC_GETXATTR, (xdrproc_t)xdr_hc_xattr_args, &gx);
	seed("setxattr", HC_SETXATTR, (xdrproc_t)xdr_hc_setxattr_args, &sx);
	seed("lock", HC_LOCK, (xdrproc_t)xdr_hc_lock_args, &lock);
	seed("setattr", HC_SETATTR, (xdrproc_t)xdr_hc_setattr_args, &sa);
}

static void seeds_changing(void)
{
	char n[] = "n", f[] = "f", l[] = "l", empty[] = "", data[] = "data";
	hc_openat_args oa = { 0, n, HC_O_RDWR | HC_O_CREAT | HC_O_EXCL, 0600 };
	hc_mknod_args mk = { HC_AT_CWD, n, HC_FT_FIFO, 0600, 0 };
	hc_symlink_args sl = { f, 0, n };
	hc_rename2_args rn = { 0, f, HC_AT_CWD, l, HC_RENAME_EXCHANGE };
	hc_link_args ln = { 2, empty, 0, n, HC_AT_EMPTY_PATH };
	hc_pwrite_args pw = { 1, 3, { 4, data } };

	seed("openat_create", HC_OPENAT, (xdrproc_t)xdr_hc_openat_args, &oa);
	seed("mknodat_fifo", HC_MKNODAT, (xdrproc_t)xdr_hc_mknod_args, &mk);
	seed("symlinkat", HC_SYMLINKAT, (xdrproc_t)xdr_hc_symlink_args, &sl);
	seed("renameat2_exchange", HC_RENAMEAT2, (xdrproc_t)xdr_hc_rename2_args, &rn);
	seed("linkat_empty_path", HC_LINKAT, (xdrproc_t)xdr_hc_link_args, &ln);
	seed("pwrite", HC_PWRITE, (xdrproc_t)xdr_hc_pwrite_args, &pw);
}

static void seeds_proc(void)
{
	char echo[] = "echo", hi[] = "hi", a1[] = "A=1", out[] = "out", sock[] = "/tmp/s";
	hc_arg argv[] = { echo, hi }, envv[] = { a1 };
	hc_envv env = { 1, envv };
	hc_spawn_args sp = { { echo, { 2, argv }, &env }, { { HC_STDIO_NULL, { 0 } } }, 0, 0, -1 };
	char name[] = "HOME";
	hc_name home = name;
	size_t len;
	uint8_t *call = fuzz_xdr_encode((xdrproc_t)xdr_hc_name, &home, 0, &len);
	hc_child_call_args cc = { 1, HC_GETENV, { (u_int)len, (char *)call } };
	hc_sockaddr_args bind = { 3, { HC_AF_UNIX, { .path = sock } } };

	sp.stdio[1].kind = HC_STDIO_HANDLE;
	sp.stdio[1].hc_stdio_u.handle = 1;
	sp.stdio[2].kind = HC_STDIO_FILE;
	sp.stdio[2].hc_stdio_u.file = (hc_stdio_file){ out, HC_O_WRONLY | HC_O_CREAT, 0644 };
	seed("spawn", HC_SPAWN, (xdrproc_t)xdr_hc_spawn_args, &sp);
	seed("child_call", HC_CHILD_CALL, (xdrproc_t)xdr_hc_child_call_args, &cc);
	seed("bind_unix", HC_BIND, (xdrproc_t)xdr_hc_sockaddr_args, &bind);
	free(call);
}

static void seeds_modules(void)
{
	char zlib[] = "zlib";
	hc_module_open_args mo = { zlib, { 0 } };
	char block[16] = "block";
	hc_module_call_args mc = { 0, 0, { sizeof(block), block } };

	seed("module_open", HC_MODULE_OPEN, (xdrproc_t)xdr_hc_module_open_args, &mo);
	seed("module_call", HC_MODULE_CALL, (xdrproc_t)xdr_hc_module_call_args, &mc);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	hc_log_init("fuzz_xdr", HC_LOG_ERR, 0);
	if (getenv(FUZZ_SEEDS_ENV)) {
		seeds_context();
		seeds_fs();
		seeds_changing();
		seeds_proc();
		seeds_modules();
		exit(0);
	}
	scratch_make();
	return 0;
}
