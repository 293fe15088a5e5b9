/* hostcall.h: the guest-side API of libhostcall: sessions, hostcalls and streams. */
#ifndef HOSTCALL_H
#define HOSTCALL_H

#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every function returns 0 (or a non-negative count, handle or pid) on
 * success and -errno on failure. Host errors arrive as the local errno
 * that matches them. Transport failures are -ECONNRESET (the connection
 * dropped), -ETIMEDOUT (no answer within the session's timeout),
 * -ECONNREFUSED / -EHOSTUNREACH (host unreachable) and -EACCES (the key
 * was refused).
 */

struct hc_session;

/* A host descriptor as the guest names it; never a guest fd. */
typedef int hc_handle_t;

#define HC_DEFAULT_TIMEOUT_MS 30000

/*
 * hc_connect - open a session with hostcalld.
 * @url: "tcp://HOST:PORT" or "unix:/PATH".
 * @keyfile: the shared key (needed for tcp:, optional for unix:); NULL for none.
 * @out: the new session.
 * Returns: 0 or -errno (-EINVAL for a malformed URL, -EPROTONOSUPPORT for
 * an unknown scheme, -EACCES when authentication fails).
 */
int hc_connect(const char *url, const char *keyfile, struct hc_session **out);

/*
 * How a tcp: or unix: session uses TLS (RFC 9289: the AUTH_TLS probe, then TLS 1.3 keyed by the
 * shared key). HC_TLS_AUTO probes, runs TLS when the host offers it, and goes on in clear only
 * on loopback or unix:; HC_TLS_REQUIRE fails unless TLS runs; HC_TLS_OFF never probes.
 * HC_TLS_DEFAULT takes DOSH_TLS from the environment ("require", "auto", "off"), else auto.
 * kvm: sessions never leave the machine: they ignore it.
 */
enum hc_tls_mode { HC_TLS_DEFAULT, HC_TLS_AUTO, HC_TLS_REQUIRE, HC_TLS_OFF };

struct hc_connect_opts {
	const char *keyfile;        /* as hc_connect()'s; it keys TLS too */
	enum hc_tls_mode tls;
	/*
	 * Mutual TLS with certificates (PEM files, all three, or NULL: DOSH_TLS_CERT,
	 * DOSH_TLS_KEY and DOSH_TLS_CA) instead of the key's PSK, for a hostcalld started with
	 * --tls-cert; the host's certificate must name the URL's host. The key still proves
	 * the session inside.
	 */
	const char *tls_cert, *tls_key, *tls_ca;
};

/*
 * hc_connect_with - hc_connect() with options @o (NULL: the defaults).
 * Returns: as hc_connect(), and -EINVAL for a DOSH_TLS it does not know,
 * -EPROTONOSUPPORT when TLS is required and the host does not offer it.
 */
int hc_connect_with(const char *url, const struct hc_connect_opts *o, struct hc_session **out);

/*
 * hc_session_security - what protects @s's connection, for people:
 * "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519 psk", into @buf of @len.
 * Returns: 1 when TLS runs, 0 when nothing does (unix:, kvm:, clear tcp:).
 */
int hc_session_security(struct hc_session *s, char *buf, size_t len);

/*
 * hc_connect_error - why this thread's last failed hc_connect() failed, where
 * more can be said than its errno (a daemon of another protocol version says
 * which versions it speaks); "" when nothing more is known.
 */
const char *hc_connect_error(void);

/* hc_disconnect - end a session; the host ends its shadow and children. */
void hc_disconnect(struct hc_session *s);

/* hc_set_timeout - bound every later call on @s to @ms milliseconds. Returns: 0 or -EINVAL. */
int hc_set_timeout(struct hc_session *s, int ms);

/* hc_null - the null hostcall: one round trip that does nothing. Returns: 0 or -errno. */
int hc_null(struct hc_session *s);

struct hc_session_info {
	char hostname[256];
	char user[256];
	unsigned uid;
	pid_t shadow_pid;
	unsigned protocol_version;
};

/* hc_info - who and where the session's shadow is. Returns: 0 or -errno. */
int hc_info(struct hc_session *s, struct hc_session_info *info);

/* ---- context: the shadow's own cwd and environment ---- */

/* hc_getcwd - copy the host cwd into @buf. Returns: 0 or -errno (-ERANGE if @len is short). */
int hc_getcwd(struct hc_session *s, char *buf, size_t len);
/* hc_chdir - change the shadow's cwd. Returns: 0 or -errno. */
int hc_chdir(struct hc_session *s, const char *path);
/* hc_getenv - copy a host variable's value into @buf. Returns: 0, -ENOENT if unset, -ERANGE. */
int hc_getenv(struct hc_session *s, const char *name, char *buf, size_t len);
/* hc_setenv - set a host variable (kept when @overwrite is 0 and it exists). Returns: 0 or -errno. */
int hc_setenv(struct hc_session *s, const char *name, const char *value, int overwrite);
/* hc_unsetenv - remove a host variable. Returns: 0 or -errno. */
int hc_unsetenv(struct hc_session *s, const char *name);
/*
 * hc_environ - the whole host environment as a NULL-terminated array of
 * "NAME=value" strings in @out, freed with hc_strv_free().
 * Returns: the count or -errno.
 */
int hc_environ(struct hc_session *s, char ***out);
/* hc_strv_free - free an array from hc_environ() or hc_readdir(). */
void hc_strv_free(char **v);

/* ---- files ---- */

/* hc_open - open a host file; @flags are the local O_* flags. Returns: a handle or -errno. */
int hc_open(struct hc_session *s, const char *path, int flags, mode_t mode);
/* hc_close - close a handle. Returns: 0 or -errno. */
int hc_close(struct hc_session *s, hc_handle_t h);
/*
 * hc_read - read up to @len bytes (split into calls of at most 1 MiB), waiting on
 * the host until the handle is readable, unless it was opened O_NONBLOCK (then
 * -EAGAIN); hc_write the same way. Returns: bytes or -errno.
 */
ssize_t hc_read(struct hc_session *s, hc_handle_t h, void *buf, size_t len);
/* hc_write - write @len bytes (split into calls of at most 1 MiB). Returns: bytes or -errno. */
ssize_t hc_write(struct hc_session *s, hc_handle_t h, const void *buf, size_t len);
/* hc_lseek - as lseek(2) on the host. Returns: the new offset or -errno. */
int64_t hc_lseek(struct hc_session *s, hc_handle_t h, int64_t off, int whence);
/* hc_fstat, hc_stat, hc_lstat - host file status in a local struct stat. Returns: 0 or -errno. */
int hc_fstat(struct hc_session *s, hc_handle_t h, struct stat *st);
int hc_stat(struct hc_session *s, const char *path, struct stat *st);
int hc_lstat(struct hc_session *s, const char *path, struct stat *st);
/* hc_unlink, hc_mkdir, hc_rename - as their system calls, on the host. Returns: 0 or -errno. */
int hc_unlink(struct hc_session *s, const char *path);
int hc_mkdir(struct hc_session *s, const char *path, mode_t mode);
int hc_rename(struct hc_session *s, const char *from, const char *to);
/*
 * hc_readdir - list a host directory (without "." and "..") into @out, a
 * NULL-terminated array freed with hc_strv_free(). Returns: the count or -errno.
 */
int hc_readdir(struct hc_session *s, const char *path, char ***out);
/* hc_pipe - a host pipe: @h[0] the read end, @h[1] the write end. Returns: 0 or -errno. */
int hc_pipe(struct hc_session *s, hc_handle_t h[2]);

/* ---- the file system: handles that stay valid across renames, *at calls on them ---- */
/*
 * These are what hostfs is built on. A directory or file is named by an
 * O_PATH handle from hc_fs_lookup() (never following a symlink), released
 * with hc_fs_forget(); every other call names a directory handle and one path
 * component, or the handle itself with an empty name and AT_EMPTY_PATH.
 * Flags are the local ones (O_*, AT_*, RENAME_*, XATTR_*, FALLOC_FL_*, LOCK_*).
 */

/* The most bytes one read, write, pread or pwrite hostcall moves. */
#define HC_IO_MAX_BYTES (1 << 20)
/* The directory handle that means the shadow's current directory. */
#define HC_AT_CWD_HANDLE (-100)

struct hc_fs_entry {
	hc_handle_t handle;   /* an O_PATH handle on the entry */
	struct stat st;       /* its attributes, as the host has them (st_ino, st_nlink, ns times) */
};

/* hc_fs_lookup - @name under @dir (HC_AT_CWD_HANDLE: then a path). Returns: 0 or -errno. */
int hc_fs_lookup(struct hc_session *s, hc_handle_t dir, const char *name, struct hc_fs_entry *e);
/* hc_fs_forget - close @n handles (at most 1024) in one call. Returns: 0 or -errno. */
int hc_fs_forget(struct hc_session *s, const hc_handle_t *h, int n);
/* hc_fs_fstatat - as fstatat(2); @flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. Returns: 0 or -errno. */
int hc_fs_fstatat(struct hc_session *s, hc_handle_t dir, const char *name, struct stat *st,
		  int flags);
/*
 * hc_fs_openat - as openat(2); an empty @name reopens handle @dir itself.
 * With O_CREAT, *@path_handle (if not NULL) gets an O_PATH handle on the file
 * too. @st (may be NULL) gets its attributes. Returns: the open handle or -errno.
 */
int hc_fs_openat(struct hc_session *s, hc_handle_t dir, const char *name, int flags, mode_t mode,
		 hc_handle_t *path_handle, struct stat *st);
/* hc_fs_pread, hc_fs_pwrite - positional I/O, at most 1 MiB a call. Returns: bytes or -errno. */
ssize_t hc_fs_pread(struct hc_session *s, hc_handle_t h, void *buf, size_t len, uint64_t off);
ssize_t hc_fs_pwrite(struct hc_session *s, hc_handle_t h, const void *buf, size_t len,
		     uint64_t off);
/*
 * hc_fs_pread_view - hc_fs_pread into memory the session owns: over ivshmem:
 * the shared memory the host wrote (never copied by the caller's side), else a
 * buffer of the session's that tcp: and unix: decode into directly. *@data
 * points at the bytes until the next call on @s. Returns: bytes or -errno.
 */
ssize_t hc_fs_pread_view(struct hc_session *s, hc_handle_t h, size_t len, uint64_t off,
			 const void **data);
/* hc_fs_ftruncate - of an open file or an O_PATH handle. Returns: 0 or -errno. */
int hc_fs_ftruncate(struct hc_session *s, hc_handle_t h, uint64_t length);
/* hc_fs_fsync - fsync(2), or fdatasync(2) when @datasync. Returns: 0 or -errno. */
int hc_fs_fsync(struct hc_session *s, hc_handle_t h, int datasync);
/* hc_fs_fallocate - @mode 0 or FALLOC_FL_KEEP_SIZE, _PUNCH_HOLE, _ZERO_RANGE. Returns: 0 or -errno. */
int hc_fs_fallocate(struct hc_session *s, hc_handle_t h, int mode, uint64_t off, uint64_t len);
/* hc_fs_copy_file_range - copied on the host, at most 1 MiB a call. Returns: bytes or -errno. */
ssize_t hc_fs_copy_file_range(struct hc_session *s, hc_handle_t in, uint64_t in_off,
			      hc_handle_t out, uint64_t out_off, size_t len);
/* hc_fs_utimensat - as utimensat(2) (UTIME_NOW, UTIME_OMIT). Returns: 0 or -errno. */
int hc_fs_utimensat(struct hc_session *s, hc_handle_t dir, const char *name,
		    const struct timespec ts[2], int flags);
/* What hc_fs_setattr() changes. */
#define HC_FS_SET_MODE 1
#define HC_FS_SET_UID 2
#define HC_FS_SET_GID 4
#define HC_FS_SET_SIZE 8
#define HC_FS_SET_ATIME 16
#define HC_FS_SET_MTIME 32
/*
 * hc_fs_setattr - chmod, chown, truncate and utimens of the inode behind O_PATH
 * handle @h in one call, in that order, as @valid (HC_FS_SET_*) says; @file
 * (-1: none) is a file open on it, through which size and times are set. @st
 * holds the new values (st_atim, st_mtim may be UTIME_NOW); @out gets the
 * attributes after. Returns: 0 or -errno.
 */
int hc_fs_setattr(struct hc_session *s, hc_handle_t h, hc_handle_t file, const struct stat *st,
		  int valid, struct stat *out);
/* hc_fs_fchmodat, hc_fs_fchownat - as their system calls ((uid_t)-1: unchanged). Returns: 0 or -errno. */
int hc_fs_fchmodat(struct hc_session *s, hc_handle_t dir, const char *name, mode_t mode,
		   int flags);
int hc_fs_fchownat(struct hc_session *s, hc_handle_t dir, const char *name, uid_t uid, gid_t gid,
		   int flags);
/*
 * hc_fs_mknodat - make @name: a directory (S_IFDIR in @mode), a FIFO, a regular
 * file, a socket or a device; @e gets its entry. Returns: 0 or -errno.
 */
int hc_fs_mknodat(struct hc_session *s, hc_handle_t dir, const char *name, mode_t mode,
		  dev_t rdev, struct hc_fs_entry *e);
/* hc_fs_unlinkat - as unlinkat(2); AT_REMOVEDIR for a directory. Returns: 0 or -errno. */
int hc_fs_unlinkat(struct hc_session *s, hc_handle_t dir, const char *name, int flags);
/* hc_fs_renameat2 - as renameat2(2): RENAME_NOREPLACE, RENAME_EXCHANGE. Returns: 0 or -errno. */
int hc_fs_renameat2(struct hc_session *s, hc_handle_t olddir, const char *oldname,
		    hc_handle_t newdir, const char *newname, unsigned flags);
/*
 * hc_fs_linkat - as linkat(2); an empty @oldname with AT_EMPTY_PATH links the
 * inode of handle @olddir. @e gets the new name's entry. Returns: 0 or -errno.
 */
int hc_fs_linkat(struct hc_session *s, hc_handle_t olddir, const char *oldname,
		 hc_handle_t newdir, const char *newname, int flags, struct hc_fs_entry *e);
/* hc_fs_symlinkat - as symlinkat(2); @e gets its entry. Returns: 0 or -errno. */
int hc_fs_symlinkat(struct hc_session *s, const char *target, hc_handle_t dir, const char *name,
		    struct hc_fs_entry *e);
/* hc_fs_readlinkat - the target, NUL-ended, in @buf (an empty @name: handle @dir's). Returns: its length or -errno. */
ssize_t hc_fs_readlinkat(struct hc_session *s, hc_handle_t dir, const char *name, char *buf,
			 size_t len);
/* hc_fs_fstatfs - the host file system holding @h. Returns: 0 or -errno. */
int hc_fs_fstatfs(struct hc_session *s, hc_handle_t h, struct statvfs *st);
/* hc_fs_faccessat - as faccessat(2): AT_EACCESS, AT_EMPTY_PATH. Returns: 0 or -errno. */
int hc_fs_faccessat(struct hc_session *s, hc_handle_t dir, const char *name, int mode, int flags);
/*
 * hc_fs_getxattr, hc_fs_listxattr - as their system calls: @size 0 asks only
 * the size, a short @buf gives -ERANGE. Returns: the size or -errno.
 */
ssize_t hc_fs_getxattr(struct hc_session *s, hc_handle_t h, const char *name, void *buf,
		       size_t size);
ssize_t hc_fs_listxattr(struct hc_session *s, hc_handle_t h, char *buf, size_t size);
/* hc_fs_setxattr, hc_fs_removexattr - XATTR_CREATE, XATTR_REPLACE. Returns: 0 or -errno. */
int hc_fs_setxattr(struct hc_session *s, hc_handle_t h, const char *name, const void *value,
		   size_t size, int flags);
int hc_fs_removexattr(struct hc_session *s, hc_handle_t h, const char *name);
/*
 * hc_fs_lock - a record lock of open file @h's description (an OFD lock on the
 * host; l_whence must be SEEK_SET): F_SETLK unless @test, which is F_GETLK and
 * fills @fl with the conflicting lock (or F_UNLCK). Never blocks: -EAGAIN.
 * Returns: 0 or -errno.
 */
int hc_fs_lock(struct hc_session *s, hc_handle_t h, struct flock *fl, int test);
/* hc_fs_flock - LOCK_SH, LOCK_EX or LOCK_UN; never blocks: -EWOULDBLOCK. Returns: 0 or -errno. */
int hc_fs_flock(struct hc_session *s, hc_handle_t h, int op);

struct hc_fs_dirent {
	char *name;
	unsigned char type;    /* DT_* */
	uint64_t ino;
	uint64_t cookie;       /* where a read after this entry starts */
	int has_entry;         /* plus: looked up too */
	struct hc_fs_entry entry;
};
/*
 * hc_fs_getdents - entries of open directory @h from @cookie (0: the start), at
 * most about @max_bytes of names; with @plus each is looked up too (forget its
 * handle). *@out is freed with hc_fs_dirents_free(); *@eof is set at the end.
 * Returns: the count or -errno.
 */
int hc_fs_getdents(struct hc_session *s, hc_handle_t h, uint64_t cookie, size_t max_bytes,
		   int plus, struct hc_fs_dirent **out, int *eof);
void hc_fs_dirents_free(struct hc_fs_dirent *d, int n);
/* hc_fs_poll - wait up to @timeout_ms (at most 10 s) for POLLIN/POLLOUT on @h. Returns: the revents or -errno. */
int hc_fs_poll(struct hc_session *s, hc_handle_t h, short events, int timeout_ms);

/* ---- processes ---- */

/*
 * hc_fork - fork the shadow. The child is a shadow of its own, reached through
 * @child (calls on it go to the child until hc_exec() replaces it), and freed
 * with hc_session_free_child(). Returns: the child's host pid or -errno.
 */
pid_t hc_fork(struct hc_session *s, struct hc_session **child);
/* hc_session_free_child - release the handle of a forked child's session. */
void hc_session_free_child(struct hc_session *child);
/* hc_dup2 - in a forked child: make its descriptor @newfd (0..63) refer to handle @h. */
int hc_dup2(struct hc_session *child, hc_handle_t h, int newfd);
/*
 * hc_exec - in a forked child: execute @path (searched in the host PATH when it
 * has no '/') with @argv and @envp (NULL: the shadow's environment).
 * Returns: 0 once the program runs, or -errno.
 */
int hc_exec(struct hc_session *child, const char *path, char *const argv[], char *const envp[]);

enum hc_stdio_how {
	HC_IO_NULL = 0,   /* /dev/null */
	HC_IO_HANDLE = 1, /* a host handle: file, pipe end, socket or stream */
	HC_IO_FILE = 2    /* a host file, opened on the host for the child */
};
struct hc_stdio_spec {
	enum hc_stdio_how how;
	hc_handle_t handle;  /* HC_IO_HANDLE */
	const char *path;    /* HC_IO_FILE */
	int flags;           /* HC_IO_FILE: local O_* flags */
	mode_t mode;         /* HC_IO_FILE */
};
struct hc_spawn_spec {
	const char *path;          /* searched in the host PATH when it has no '/' */
	char *const *argv;
	char *const *envp;         /* NULL: the shadow's environment */
	struct hc_stdio_spec stdio[3];
	pid_t pgid;                /* 0: a new process group led by the child */
	int close_handles;         /* close HC_IO_HANDLE handles once given to the child */
	int use_ctty;              /* the child leads a new session on the pty slave @ctty */
	hc_handle_t ctty;
};
/* hc_spawn - fork + descriptor set-up + exec in one round trip. Returns: the pid or -errno. */
pid_t hc_spawn(struct hc_session *s, const struct hc_spawn_spec *spec);
/*
 * hc_waitpid - as waitpid(2) on the host, for the session's children;
 * @status is a local wait status (WIFEXITED()...), @options WNOHANG|WUNTRACED|WCONTINUED.
 * Returns: the pid, 0 (WNOHANG, no change) or -errno.
 */
pid_t hc_waitpid(struct hc_session *s, pid_t pid, int *status, int options);
/*
 * hc_waitpid_timed - hc_waitpid() that waits at most @timeout_ms (1 to 10000)
 * on the host. Returns: the pid, 0 (nothing happened in time) or -errno.
 */
pid_t hc_waitpid_timed(struct hc_session *s, pid_t pid, int *status, int options, int timeout_ms);
/* hc_kill - signal a child (pid > 0) or a child's process group (-pgid). Returns: 0 or -errno. */
int hc_kill(struct hc_session *s, pid_t pid, int sig);

/* ---- pseudo-terminals on the host ---- */

/* hc_pty_open - a host pty: @master for the terminal side, @slave for a program. Returns: 0 or -errno. */
int hc_pty_open(struct hc_session *s, hc_handle_t *master, hc_handle_t *slave);
/* hc_pty_resize - set the window size of the pty behind @master. Returns: 0 or -errno. */
int hc_pty_resize(struct hc_session *s, hc_handle_t master, unsigned rows, unsigned cols);
/* The most input a pty keeps unread, and so the most hc_pty_unread() returns. */
#define HC_PTY_UNREAD_MAX 4096
/*
 * hc_pty_unread - take back the input waiting unread on the pty of @slave,
 * partial line included; @len should be HC_PTY_UNREAD_MAX.
 * Returns: the byte count or -errno.
 */
ssize_t hc_pty_unread(struct hc_session *s, hc_handle_t slave, void *buf, size_t len);

/* ---- sockets on the host ---- */
int hc_socket(struct hc_session *s, int domain, int type, int protocol);
int hc_bind(struct hc_session *s, hc_handle_t h, const struct sockaddr *a, socklen_t len);
int hc_listen(struct hc_session *s, hc_handle_t h, int backlog);
/* hc_accept - returns the new handle; @peer/@len may be NULL. */
int hc_accept(struct hc_session *s, hc_handle_t h, struct sockaddr *peer, socklen_t *len);
int hc_connect_socket(struct hc_session *s, hc_handle_t h, const struct sockaddr *a, socklen_t len);
int hc_getsockname(struct hc_session *s, hc_handle_t h, struct sockaddr *a, socklen_t *len);

/* ---- streams: a guest fd joined to a host handle ---- */

/*
 * hc_stream_open - create a stream. @guest_fd receives an ordinary guest
 * descriptor (a connected socket: read, write, shutdown(SHUT_WR) for EOF,
 * close); the return value is the host end as a handle, to give to a child
 * with hc_spawn() or join to another handle with hc_stream_attach().
 * Returns: the host handle or -errno.
 */
int hc_stream_open(struct hc_session *s, int *guest_fd);

#define HC_STREAMS_AT_ONCE 8
/*
 * hc_stream_open_many - @n streams (at most HC_STREAMS_AT_ONCE) in fewer round
 * trips: all are dialled before any answer is awaited. @guest_fds[i] and
 * @handles[i] are stream i's two ends. Returns: 0 or -errno.
 */
int hc_stream_open_many(struct hc_session *s, int n, int guest_fds[], hc_handle_t handles[]);

enum hc_stream_direction {
	HC_TO_HOST = 1,   /* what the guest writes goes into @host */
	HC_FROM_HOST = 2  /* what @host yields goes to the guest */
};
/*
 * hc_stream_attach - have the shadow pump bytes between stream handle
 * @stream (consumed) and host handle @host (duplicated: close yours) until EOF.
 * Returns: 0 or -errno.
 */
int hc_stream_attach(struct hc_session *s, hc_handle_t stream, hc_handle_t host,
		     enum hc_stream_direction dir);

/*
 * hc_stream_unread - take back what a host program left unread of the bytes
 * the guest sent into stream handle @stream: shut the guest end for writing
 * first; the shadow reads to that end of file (waiting at most a second),
 * and at most HC_PTY_UNREAD_MAX bytes. Returns: the byte count or -errno.
 */
ssize_t hc_stream_unread(struct hc_session *s, hc_handle_t stream, void *buf, size_t len);

/*
 * hc_stream_finish - end the guest's writing into stream @fd (one attached HC_TO_HOST) and wait
 * until the shadow has written every byte to the host and closed its end; @fd stays open.
 * Returns: 0, or -errno when the host end failed (-ENOSPC for a full disk, -EIO, -EFBIG …);
 * -EINTR when a signal came first.
 */
int hc_stream_finish(int fd);

/* ---- host modules: what hcgen's stubs call (include/hcgen.h: the block ABI) ---- */

/*
 * hc_module_open - open host module @name whose interface hashes to @hash (HCG_HASH_LEN bytes).
 * Returns: a module id (>= 0) or -errno: -EINVAL (a name not [a-z][a-z0-9_]*, or too long),
 * -ENOENT (no NAME.so in hostcalld's module directories), -EPROTO (its interface hash differs:
 * built from another .hci), -ENOEXEC (it does not load, has no hcg_module, wrong ABI, or bind
 * failed).
 */
int hc_module_open(struct hc_session *s, const char *name, const uint8_t *hash);
/*
 * hc_module_block - where the next hc_module_call's block is laid out (over kvm:/ivshmem:, the
 * channel's shared memory itself; over tcp:/unix:, a buffer the session owns), 8-byte aligned;
 * *cap: its room (<= HCG_BLOCK_MAX). Valid until the next call on @s. NULL (and *cap 0) if none.
 */
void *hc_module_block(struct hc_session *s, size_t *cap);
/*
 * hc_module_call - call function @func of module @module (from hc_module_open) with the block
 * of @len bytes already in hc_module_block(); the answer (@len bytes) replaces it.
 * Returns: 0 or -errno (-EINVAL: the host refused the block; -E2BIG: @len > cap;
 * -EBADF: not an open module; -ENOSYS: @func out of range; transport errors as every call).
 */
int hc_module_call(struct hc_session *s, int module, uint32_t func, size_t len);

#ifdef __cplusplus
}
#endif
#endif
