/* shadow.h: the shadow process: one per session, holding its host context, serving its hostcalls. */
#ifndef HC_SHADOW_H
#define HC_SHADOW_H

#include <stdint.h>
#include <sys/types.h>

#include "auth.h"
#include "handles.h"
#include "tls.h"
#include "keyfile.h"
#include "rpc/hostcall.h"

#define SHADOW_CHILD_MAX 256
#define SHADOW_PUMP_MAX 64
#define SHADOW_TICKET_MAX 32
#define SHADOW_TICKET_TTL_MS 30000
/* How long a session's end waits for its TLS streams to exchange close_notify. */
#define SHADOW_TLS_DRAIN_MS 1000
/* how long a stream's unread bytes may take to reach their end of file */
#define SHADOW_UNREAD_WAIT_MS 1000
#define SHADOW_PUMP_BUF (64 * 1024)
#define SHADOW_CONNECT_TIMEOUT_MS 30000
#define SHADOW_MODULE_MAX 32     /* host modules one session may have open */
#define SHADOW_MODULE_DIRS_MAX 16

struct shadow;
struct pollfd;
struct hcg_module;

/*
 * The server side of a transport, as the shadow sees it: one connection
 * delivering calls. The shadow owns the loop; the connection says which fd
 * to watch and serves what is ready on it.
 */
struct shadow_conn_ops {
	/* fd - the descriptor to poll for requests. */
	int (*fd)(void *conn);
	/* serve - answer the requests that are ready. Returns: 0, or -ECONNRESET when the peer is gone. */
	int (*serve)(void *conn, struct shadow *sh);
	/* close - drop the connection (in a forked child: without telling the peer). */
	void (*close)(void *conn);
	/* in_call_events - what to watch on fd while a call blocks (0: POLLRDHUP, a socket's hang-up) */
	short in_call_events;
	/* hung_up - optional: those events came; is the caller gone? (NULL: yes) */
	int (*hung_up)(void *conn);
	/*
	 * stream_create - optional: a stream the connection carries itself, as
	 * STREAM_CREATE answers it (NULL: a ticket, dialled through hostcalld).
	 */
	void (*stream_create)(void *conn, struct shadow *sh, hc_stream_res *res);
	/* pollfds - optional: the connection's own fds (at most @max); *@busy: poll without sleeping. */
	int (*pollfds)(void *conn, struct pollfd *p, int max, int *busy);
	/*
	 * pump - optional: after every wake-up, before serve, the connection's own
	 * work. Returns: nonzero when fd turned out ready (it may consume that).
	 */
	int (*pump)(void *conn);
};

/* at most this many fds come from a connection's pollfds */
#define SHADOW_CONN_POLL_MAX 16

enum child_state { CHILD_FREE = 0, CHILD_RUNNING, CHILD_STOPPED, CHILD_DONE };

struct shadow_child {
	enum child_state state;
	pid_t pid;
	pid_t pgid;
	int relay_fd;            /* a forked child that has not exec'd: its call channel */
	int status;              /* the last waitpid status not yet reported */
	int unreported;          /* status holds an event the guest has not seen */
};

struct shadow_pump {
	int used;
	int src, dst;            /* src is read, dst written; the pump owns both */
	int src_sock, dst_sock;  /* use MSG_DONTWAIT on these */
	int src_eof;
	size_t off, len;
	char *buf;
};

struct shadow_ticket {
	int used;
	hc_handle handle;
	uint8_t token[HC_TOKEN_LEN];
	int64_t expires_ms;
};

struct shadow_opts {
	int authenticated;       /* the listener vouched for the peer (unix: its uid) */
	int has_key;
	uint8_t key[HC_KEY_LEN];
	int tls_required;        /* no call but the AUTH_TLS probe before TLS runs */
	const char *tls_cert;    /* PEM files: mutual TLS with certificates instead of the PSK */
	const char *tls_cert_key;
	const char *tls_ca;
	int grace_ms;            /* SIGHUP to SIGKILL for the session's children */
	int auth_timeout_s;
	const char *const *module_dirs;  /* absolute, searched in order for NAME.so */
	int nmodule_dirs;
};

/* An open host module: its dlopen handle and what it exports. */
struct shadow_module {
	void *dl;                /* NULL: a free slot */
	const struct hcg_module *m;
};

struct shadow {
	struct shadow_opts opts;
	int authenticated;
	int auth_stage;          /* 0: nothing yet, 1: nonces exchanged, 2: done or failed */
	uint8_t client_nonce[HC_NONCE_LEN];
	uint8_t server_nonce[HC_NONCE_LEN];
	int has_binding;         /* the session runs TLS: the key proofs cover its binding */
	uint8_t binding[HC_AUTH_BINDING_LEN];
	int tls_deliveries[2];   /* TLS streams' pump threads hand joined streams to the loop: -1 */

	const struct shadow_conn_ops *conn_ops;
	void *conn;
	int ctl_fd;              /* to hostcalld: auth notices out, stream fds in; -1 in a fork */
	int sig_fd;
	int is_fork;             /* a forked child serving relayed calls */
	int ending;

	struct shadow_handles handles;
	struct shadow_child children[SHADOW_CHILD_MAX];
	struct shadow_pump pumps[SHADOW_PUMP_MAX];
	struct shadow_ticket tickets[SHADOW_TICKET_MAX];
	struct shadow_module modules[SHADOW_MODULE_MAX];
	int module_refusals;     /* logged so far: a hostile guest does not flood the log */
};

/* ---- shadow.c: life of a shadow ---- */

/* shadow_init - set up @sh in a freshly forked process. Returns: 0 or -errno. */
int shadow_init(struct shadow *sh, const struct shadow_opts *opts, int ctl_fd);
/* shadow_set_conn - the connection that delivers @sh's calls. */
void shadow_set_conn(struct shadow *sh, const struct shadow_conn_ops *ops, void *conn);
/* shadow_run - serve until the session ends, then end the children. Returns: the exit code. */
int shadow_run(struct shadow *sh);
/*
 * shadow_signal_fd - block SIGCHLD, SIGTERM, SIGINT and SIGHUP and return a
 * signalfd that reads them (hostcalld uses it too). Returns: the fd or -errno.
 */
int shadow_signal_fd(void);
/* shadow_now_ms - a monotonic clock in milliseconds. */
int64_t shadow_now_ms(void);

/* ---- loop.c: the event loop and blocking inside a call ---- */

/* shadow_poll_once - wait up to @timeout_ms and handle what is ready; @serve: answer calls too. */
int shadow_poll_once(struct shadow *sh, int timeout_ms, int serve);
/*
 * shadow_block - inside a call, wait until @fd (or -1: anything) is ready for
 * @events, while streams, children and stream deliveries keep being served.
 * Returns: 1 when @fd is ready, 0 when something else happened (re-check),
 * -ETIMEDOUT at @deadline_ms (0: none), -ECONNRESET when the caller hung up.
 */
int shadow_block(struct shadow *sh, int fd, short events, int64_t deadline_ms);
/*
 * shadow_wait_ready - inside a call, wait until @fd is ready for @events, the
 * session's other work going on meanwhile. Returns: 0, -ETIMEDOUT at
 * @deadline_ms (0: none), or -ECONNRESET when the caller hung up.
 */
int shadow_wait_ready(struct shadow *sh, int fd, short events, int64_t deadline_ms);
/* shadow_end_children - SIGHUP, grace, SIGKILL and reap every child of the session. */
void shadow_end_children(struct shadow *sh);

/* ---- dispatch.c: the one table of procedures ---- */

typedef int (*shadow_proc_fn)(struct shadow *sh, void *args, void *res);

struct shadow_proc {
	const char *name;
	xdrproc_t xargs;
	xdrproc_t xres;
	size_t args_size;
	size_t res_size;
	shadow_proc_fn fn;
	int before_auth;         /* answered before the session has authenticated */
};

/* shadow_proc_lookup - the procedure numbered @proc, or NULL. */
const struct shadow_proc *shadow_proc_lookup(uint32_t proc);
/* shadow_may_call - whether @sh may run @proc now (authentication gate). */
int shadow_may_call(const struct shadow *sh, const struct shadow_proc *proc);
/*
 * shadow_call_encoded - decode @in as @proc's arguments, run it and encode its
 * result into a malloc'd buffer (*@out, *@outlen). Used by relays and by
 * backends that carry raw XDR. Returns: 0 or -errno (-EPROTO: bad arguments).
 */
int shadow_call_encoded(struct shadow *sh, uint32_t proc, const void *in, size_t inlen,
			void **out, size_t *outlen);
/*
 * shadow_call_bulk - HC_READ, HC_WRITE, HC_PREAD or HC_PWRITE whose bytes lie
 * in @bulk (a channel's shared memory) rather than in the XDR: @in holds only
 * an hc_read_args (positional: an hc_pread_args), the result is an hc_int_res
 * (the byte count). @bulk must hold HC_IO_MAX bytes.
 * Returns: 0 or -errno (-ENOSYS: not a bulk procedure, -EPROTO: bad arguments).
 */
int shadow_call_bulk(struct shadow *sh, uint32_t proc, const void *in, size_t inlen,
		     void *bulk, void **out, size_t *outlen);
/*
 * shadow_call_module_bulk - HC_MODULE_CALL whose block (@blocklen bytes) is
 * already the connection's private copy at @block, 8-byte aligned: @in holds
 * only an hc_module_bulk_args, whose len must be @blocklen. The result is an
 * hc_int_res (the block's length); the block after the call is left at
 * @block and *@answer_len says how many bytes of it answer (0: none).
 * Returns: 0 or -errno (-EPROTO: bad arguments, -EACCES: not authenticated).
 */
int shadow_call_module_bulk(struct shadow *sh, const void *in, size_t inlen, uint8_t *block,
			    size_t blocklen, uint32_t *answer_len, void **out, size_t *outlen);

/* ---- procedures, one file per family; each returns 0 and fills its result ---- */
int shadow_null(struct shadow *sh, void *args, void *res);
int shadow_auth_begin(struct shadow *sh, void *args, void *res);
int shadow_auth_finish(struct shadow *sh, void *args, void *res);
int shadow_info(struct shadow *sh, void *args, void *res);
int shadow_getcwd(struct shadow *sh, void *args, void *res);
int shadow_chdir(struct shadow *sh, void *args, void *res);
int shadow_getenv(struct shadow *sh, void *args, void *res);
int shadow_setenv(struct shadow *sh, void *args, void *res);
int shadow_unsetenv(struct shadow *sh, void *args, void *res);
int shadow_environ(struct shadow *sh, void *args, void *res);
int shadow_open(struct shadow *sh, void *args, void *res);
int shadow_close(struct shadow *sh, void *args, void *res);
int shadow_read(struct shadow *sh, void *args, void *res);
/* shadow_read_into, shadow_write_from - read and write of handle @h, at most HC_IO_MAX. Returns: bytes or -errno. */
ssize_t shadow_read_into(struct shadow *sh, hc_handle h, void *buf, size_t count);
ssize_t shadow_write_from(struct shadow *sh, hc_handle h, const void *buf, size_t count);
int shadow_write(struct shadow *sh, void *args, void *res);
/*
 * shadow_read_result, shadow_write_result - READ and WRITE (@off NULL) or PREAD
 * and PWRITE (at *@off) of handle @h, into the procedure's result @r.
 */
void shadow_read_result(struct shadow *sh, hc_handle h, const uint64_t *off, u_int count,
			hc_data_res *r);
void shadow_write_result(struct shadow *sh, hc_handle h, const uint64_t *off,
			 const hc_data *data, hc_int_res *r);
int shadow_lseek(struct shadow *sh, void *args, void *res);
int shadow_fstat(struct shadow *sh, void *args, void *res);
int shadow_stat(struct shadow *sh, void *args, void *res);
int shadow_unlink(struct shadow *sh, void *args, void *res);
int shadow_mkdir(struct shadow *sh, void *args, void *res);
int shadow_rename(struct shadow *sh, void *args, void *res);
int shadow_readdir(struct shadow *sh, void *args, void *res);
int shadow_pipe(struct shadow *sh, void *args, void *res);
int shadow_dup2(struct shadow *sh, void *args, void *res);
int shadow_fork(struct shadow *sh, void *args, void *res);
int shadow_exec(struct shadow *sh, void *args, void *res);
int shadow_spawn(struct shadow *sh, void *args, void *res);
int shadow_wait(struct shadow *sh, void *args, void *res);
int shadow_kill(struct shadow *sh, void *args, void *res);
int shadow_child_call(struct shadow *sh, void *args, void *res);
int shadow_socket(struct shadow *sh, void *args, void *res);
int shadow_bind(struct shadow *sh, void *args, void *res);
int shadow_listen(struct shadow *sh, void *args, void *res);
int shadow_accept(struct shadow *sh, void *args, void *res);
int shadow_connect(struct shadow *sh, void *args, void *res);
int shadow_getsockname(struct shadow *sh, void *args, void *res);
int shadow_stream_create(struct shadow *sh, void *args, void *res);
int shadow_stream_attach(struct shadow *sh, void *args, void *res);
int shadow_stream_unread(struct shadow *sh, void *args, void *res);
int shadow_pty_open(struct shadow *sh, void *args, void *res);
int shadow_pty_resize(struct shadow *sh, void *args, void *res);
int shadow_pty_unread(struct shadow *sh, void *args, void *res);
/* fs.c and fs_data.c: the file system */
int shadow_lookup(struct shadow *sh, void *args, void *res);
int shadow_forget(struct shadow *sh, void *args, void *res);
int shadow_fstatat(struct shadow *sh, void *args, void *res);
int shadow_openat(struct shadow *sh, void *args, void *res);
int shadow_pread(struct shadow *sh, void *args, void *res);
int shadow_pwrite(struct shadow *sh, void *args, void *res);
int shadow_ftruncate(struct shadow *sh, void *args, void *res);
int shadow_fsync(struct shadow *sh, void *args, void *res);
int shadow_fallocate(struct shadow *sh, void *args, void *res);
int shadow_copy_file_range(struct shadow *sh, void *args, void *res);
int shadow_utimensat(struct shadow *sh, void *args, void *res);
int shadow_fchmodat(struct shadow *sh, void *args, void *res);
int shadow_fchownat(struct shadow *sh, void *args, void *res);
int shadow_mknodat(struct shadow *sh, void *args, void *res);
int shadow_unlinkat(struct shadow *sh, void *args, void *res);
int shadow_renameat2(struct shadow *sh, void *args, void *res);
int shadow_linkat(struct shadow *sh, void *args, void *res);
int shadow_symlinkat(struct shadow *sh, void *args, void *res);
int shadow_readlinkat(struct shadow *sh, void *args, void *res);
int shadow_fstatfs(struct shadow *sh, void *args, void *res);
int shadow_faccessat(struct shadow *sh, void *args, void *res);
int shadow_getxattr(struct shadow *sh, void *args, void *res);
int shadow_setxattr(struct shadow *sh, void *args, void *res);
int shadow_listxattr(struct shadow *sh, void *args, void *res);
int shadow_removexattr(struct shadow *sh, void *args, void *res);
int shadow_lock(struct shadow *sh, void *args, void *res);
int shadow_flock(struct shadow *sh, void *args, void *res);
int shadow_getdents(struct shadow *sh, void *args, void *res);
int shadow_poll(struct shadow *sh, void *args, void *res);
int shadow_setattr(struct shadow *sh, void *args, void *res);
/* shadow_pread_into, shadow_pwrite_from - positional I/O of handle @h, at most HC_IO_MAX. Returns: bytes or -errno. */
ssize_t shadow_pread_into(struct shadow *sh, hc_handle h, uint64_t off, void *buf, size_t count);
ssize_t shadow_pwrite_from(struct shadow *sh, hc_handle h, uint64_t off, const void *buf,
			   size_t count);

/* ---- modules.c: host modules (include/hcgen.h) ---- */
int shadow_module_open(struct shadow *sh, void *args, void *res);
int shadow_module_call(struct shadow *sh, void *args, void *res);
/*
 * modules_open - open module @name (its interface hashing to @hash) from the
 * module directories, or find it open. Returns: its id, or -errno (-EINVAL a
 * bad name, -ENOENT none, -EPROTO another interface, -ENOEXEC not a module
 * or its bind failed, -EMFILE SHADOW_MODULE_MAX open).
 */
int modules_open(struct shadow *sh, const char *name, const uint8_t *hash);
/*
 * modules_call - function @func of module @id on @block of @len bytes, the
 * caller's private copy (copied again here if not 8-byte aligned); the
 * answer replaces it. Returns: 0 or -errno (-EBADF, -ENOSYS, -EINVAL).
 */
int modules_call(struct shadow *sh, int id, uint32_t func, uint8_t *block, size_t len);
/* modules_close_all - unload every module @sh opened. */
void modules_close_all(struct shadow *sh);

/* ---- children.c: the children table ---- */
struct shadow_child *children_add(struct shadow *sh, pid_t pid, pid_t pgid);
struct shadow_child *children_find(struct shadow *sh, pid_t pid);
/* children_free - forget @c, closing its relay channel. */
void children_free(struct shadow_child *c);
/* children_reap - collect every status change without blocking. */
void children_reap(struct shadow *sh);
/* children_running - how many children have not ended. */
int children_running(const struct shadow *sh);
/*
 * children_of_self - call @fn for each live child of this process (/proc: adopted orphans too,
 * which no table holds), with its process group. Returns: the sum of what @fn returned, or
 * -errno when /proc (or an entry of it, for want of descriptors) could not be read.
 */
int children_of_self(int (*fn)(pid_t pid, pid_t pgid, void *ctx), void *ctx);

/* ---- streams.c ---- */
/* What hostcalld sends with a stream dialled in TLS, instead of its token (still inside TLS). */
#define SHADOW_TLS_DELIVERY "T"
/* streams_on_ctl - take a stream connection hostcalld passed on ctl_fd. */
void streams_on_ctl(struct shadow *sh);
/* shadow_tls_creds - what @sh's TLS connections are keyed by: its certificates, or the shared key. */
void shadow_tls_creds(const struct shadow *sh, struct hc_tls_creds *c);
/* streams_on_tls - join the streams whose TLS handshake and token a pump thread has read. */
void streams_on_tls(struct shadow *sh);
/* streams_close_tls - close the TLS streams' delivery socketpair (the end, or a fork). */
void streams_close_tls(struct shadow *sh);
/* streams_expire - drop tickets whose time is up. Returns: ms to the next expiry, or -1. */
int streams_expire(struct shadow *sh);
/* pumps_pollfds - add the pumps' fds to @p (at most @max). Returns: how many were added. */
int pumps_pollfds(struct shadow *sh, struct pollfd *p, int max);
/* pumps_run - move bytes on every pump whose fds are ready in @p[0..n). */
void pumps_run(struct shadow *sh, const struct pollfd *p, int n);
/* pumps_close_all - stop every pump and close its descriptors. */
void pumps_close_all(struct shadow *sh);

/* ---- relay.c: forked children ---- */
/* relay_conn_ops - serving relayed calls on a socketpair in a forked child. */
extern const struct shadow_conn_ops relay_conn_ops;
/* relay_conn_new - the connection for a forked child's end @fd. Returns: it or NULL. */
void *relay_conn_new(int fd);

#endif
