/* api_proc.c: the process hostcalls of libhostcall: fork, dup2, exec, spawn, wait, kill. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "errmap.h"
#include "session.h"

pid_t hc_fork(struct hc_session *s, struct hc_session **child)
{
	struct hc_session *c = calloc(1, sizeof(*c));
	int pid;

	if (!c)
		return -ENOMEM;
	pid = hc_session_call_int(s, HC_FORK, (xdrproc_t)hc_xdr_void, NULL);
	if (pid <= 0) {
		free(c);
		return pid < 0 ? pid : -EPROTO;
	}
	c->root = s->root;
	c->child_pid = pid;
	c->timeout_ms = s->timeout_ms;
	if (s->child_pid) {
		/* a grandchild is reached through its own parent: not supported */
		free(c);
		return -EOPNOTSUPP;
	}
	*child = c;
	return pid;
}

int hc_dup2(struct hc_session *child, hc_handle_t h, int newfd)
{
	hc_dup2_args a = { h, newfd };

	return hc_session_call_err(child, HC_DUP2, (xdrproc_t)xdr_hc_dup2_args, &a);
}

static int strv_wrap(char *const v[], u_int max, u_int *len, char ***val)
{
	u_int n = 0;

	for (; v && v[n]; n++) {
		if (n >= max || strlen(v[n]) > HC_ARG_MAX)
			return -E2BIG;
	}
	*len = n;
	*val = (char **)v;
	return 0;
}

static int exec_args(const char *path, char *const argv[], char *const envp[],
		     hc_exec_args *a, hc_envv *env)
{
	int r;

	if (!path || strlen(path) > HC_PATH_MAX)
		return path ? -ENAMETOOLONG : -EINVAL;
	a->path = (char *)path;
	if ((r = strv_wrap(argv, HC_ARGV_MAX, &a->argv.hc_argv_len, &a->argv.hc_argv_val)) != 0)
		return r;
	a->env = NULL;
	if (envp) {
		if ((r = strv_wrap(envp, HC_ENV_MAX, &env->hc_envv_len, &env->hc_envv_val)) != 0)
			return r;
		a->env = env;
	}
	return 0;
}

int hc_exec(struct hc_session *child, const char *path, char *const argv[], char *const envp[])
{
	hc_exec_args a;
	hc_envv env;
	int r;

	if ((r = exec_args(path, argv, envp, &a, &env)) != 0)
		return r;
	return hc_session_call_err(child, HC_EXEC, (xdrproc_t)xdr_hc_exec_args, &a);
}

static int stdio_arg(const struct hc_stdio_spec *in, hc_stdio *out)
{
	memset(out, 0, sizeof(*out));
	switch (in->how) {
	case HC_IO_NULL:
		out->kind = HC_STDIO_NULL;
		return 0;
	case HC_IO_HANDLE:
		out->kind = HC_STDIO_HANDLE;
		out->hc_stdio_u.handle = in->handle;
		return 0;
	case HC_IO_FILE:
		out->kind = HC_STDIO_FILE;
		out->hc_stdio_u.file.path = (char *)in->path;
		out->hc_stdio_u.file.flags = hc_oflags_from_local(in->flags);
		out->hc_stdio_u.file.mode = in->mode;
		return in->path && out->hc_stdio_u.file.flags >= 0 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

pid_t hc_spawn(struct hc_session *s, const struct hc_spawn_spec *spec)
{
	hc_spawn_args a;
	hc_envv env;
	int r;

	memset(&a, 0, sizeof(a));
	if ((r = exec_args(spec->path, spec->argv, spec->envp, &a.exec, &env)) != 0)
		return r;
	for (int i = 0; i < 3; i++)
		if ((r = stdio_arg(&spec->stdio[i], &a.stdio[i])) != 0)
			return r;
	a.pgid = spec->pgid;
	a.close_handles = spec->close_handles != 0;
	a.ctty = spec->use_ctty ? spec->ctty : -1;
	return hc_session_call_int(s, HC_SPAWN, (xdrproc_t)xdr_hc_spawn_args, &a);
}

static int local_status(const hc_wait_status *w)
{
	int sig = hc_signal_to_local(w->code);

	switch (w->kind) {
	case HC_WAIT_EXITED:
		return (w->code & 0xff) << 8;
	case HC_WAIT_SIGNALED:
		return (sig > 0 ? sig : SIGKILL) | (w->core_dumped ? 0x80 : 0);
	case HC_WAIT_STOPPED:
		return ((sig > 0 ? sig : SIGSTOP) << 8) | 0x7f;
	case HC_WAIT_CONTINUED:
		return 0xffff;
	default:
		return 0;
	}
}

static int wait_options(int options)
{
	return (options & WNOHANG ? HC_WNOHANG : 0) | (options & WUNTRACED ? HC_WUNTRACED : 0) |
	       (options & WCONTINUED ? HC_WCONTINUED : 0);
}

/* The host waited its share and the child is still running: ask again. */
#define WAIT_AGAIN (-EINPROGRESS)

static int wait_once(struct hc_session *s, hc_wait_args *a, int *status)
{
	hc_wait_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_WAIT, (xdrproc_t)xdr_hc_wait_args, a,
			    (xdrproc_t)xdr_hc_wait_res, &res);
	if (r)
		return r;
	if (res.err == HC_ETIMEDOUT)
		return WAIT_AGAIN;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	if (status)
		*status = local_status(&res.hc_wait_res_u.status);
	return res.hc_wait_res_u.status.pid;
}

pid_t hc_waitpid(struct hc_session *s, pid_t pid, int *status, int options)
{
	int chunk = s->timeout_ms / 2 < HC_WAIT_MAX_MS ? s->timeout_ms / 2 : HC_WAIT_MAX_MS;
	hc_wait_args a = { pid, wait_options(options), (u_int)(chunk > 0 ? chunk : 1) };
	int r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
		return -EINVAL;
	/* A blocking wait is a series of bounded waits, so a dead host is noticed. */
	do
		r = wait_once(s, &a, status);
	while (r == WAIT_AGAIN);
	return r;
}

pid_t hc_waitpid_timed(struct hc_session *s, pid_t pid, int *status, int options, int timeout_ms)
{
	hc_wait_args a = { pid, wait_options(options), (u_int)(timeout_ms > 0 ? timeout_ms : 1) };
	int r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED) || timeout_ms > HC_WAIT_MAX_MS)
		return -EINVAL;
	r = wait_once(s, &a, status);
	return r == WAIT_AGAIN ? 0 : r;
}

int hc_kill(struct hc_session *s, pid_t pid, int sig)
{
	hc_kill_args a = { pid, (hc_signal)hc_signal_from_local(sig) };

	if ((int)a.sig < 0)
		return -EINVAL;
	return hc_session_call_err(s, HC_KILL, (xdrproc_t)xdr_hc_kill_args, &a);
}

int hc_pty_open(struct hc_session *s, hc_handle_t *master, hc_handle_t *slave)
{
	hc_pty_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_PTY_OPEN, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)xdr_hc_pty_res,
			    &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	*master = res.hc_pty_res_u.pty.master;
	*slave = res.hc_pty_res_u.pty.slave;
	return 0;
}

int hc_pty_resize(struct hc_session *s, hc_handle_t master, unsigned rows, unsigned cols)
{
	hc_winsize a = { master, rows, cols };

	return hc_session_call_err(s, HC_PTY_RESIZE, (xdrproc_t)xdr_hc_winsize, &a);
}

_Static_assert(HC_PTY_UNREAD_MAX == HC_UNREAD_MAX, "hostcall.h and hostcall.x disagree");

ssize_t hc_pty_unread(struct hc_session *s, hc_handle_t slave, void *buf, size_t len)
{
	hc_handle a = slave;

	return hc_session_call_data(s, HC_PTY_UNREAD, (xdrproc_t)xdr_hc_handle, &a, buf, len);
}
