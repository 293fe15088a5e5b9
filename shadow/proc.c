/* proc.c: the process hostcalls in the shadow: spawn, exec, dup2, wait and kill. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "errmap.h"
#include "log.h"
#include "shadow.h"

extern char **environ;

/* A NULL-terminated copy of a wire string array (the strings are borrowed). */
static char **strv_of(char **val, u_int len, const char *fallback)
{
	char **v = calloc((size_t)len + 2, sizeof(*v));

	if (!v)
		return NULL;
	for (u_int i = 0; i < len; i++)
		v[i] = val[i];
	if (len == 0 && fallback)
		v[0] = (char *)fallback;
	return v;
}

/* Open one stdio descriptor of a spawned child; *@owned says the shadow must close it. */
static int stdio_fd(struct shadow *sh, const hc_stdio *s, int *fd, int *owned)
{
	int flags;

	*owned = s->kind != HC_STDIO_HANDLE;
	switch (s->kind) {
	case HC_STDIO_NULL:
		*fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		return *fd < 0 ? -errno : 0;
	case HC_STDIO_HANDLE:
		*fd = handles_fd(&sh->handles, s->hc_stdio_u.handle);
		return *fd < 0 ? *fd : 0;
	case HC_STDIO_FILE:
		flags = hc_oflags_to_local(s->hc_stdio_u.file.flags);
		if (flags < 0)
			return -EINVAL;
		*fd = open(s->hc_stdio_u.file.path, flags | O_CLOEXEC | O_NOCTTY,
			   (mode_t)(s->hc_stdio_u.file.mode & 07777));
		return *fd < 0 ? -errno : 0;
	}
	return -EINVAL;
}

static int spawn_attrs(posix_spawnattr_t *attr, pid_t pgid)
{
	sigset_t none, dflt;

	sigemptyset(&none);
	sigfillset(&dflt);
	sigdelset(&dflt, SIGKILL);
	sigdelset(&dflt, SIGSTOP);
	posix_spawnattr_init(attr);
	posix_spawnattr_setsigmask(attr, &none);
	posix_spawnattr_setsigdefault(attr, &dflt);
	posix_spawnattr_setpgroup(attr, pgid);
	return posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
						      POSIX_SPAWN_SETPGROUP);
}

static int spawn_child(const hc_spawn_args *a, const int fds[3], char **argv, char **envp,
		       pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int r;

	posix_spawn_file_actions_init(&fa);
	for (int i = 0; i < 3; i++)
		posix_spawn_file_actions_adddup2(&fa, fds[i], i);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	spawn_attrs(&attr, a->pgid);
	r = posix_spawnp(pid, a->exec.path, &fa, &attr, argv, envp ? envp : environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

static void reset_signals(void);

static void tty_foreground(int tty, pid_t pgrp)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(tty, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * The session leader on a pty stays as the program's parent, so the program's
 * process group is not orphaned and Ctrl-Z on the pty stops it. When it stops,
 * the leader takes the terminal back and stops itself, which is what the shadow
 * and the guest see; continued, it hands the terminal back and continues it.
 */
static _Noreturn void tty_leader(pid_t prog, int tty)
{
	int st;

	for (;;) {
		if (waitpid(prog, &st, WUNTRACED) < 0) {
			if (errno == EINTR)
				continue;
			_exit(127);
		}
		if (WIFSTOPPED(st)) {
			tty_foreground(tty, getpgrp());
			raise(SIGSTOP);
			tty_foreground(tty, prog);
			kill(-prog, SIGCONT);
			continue;
		}
		if (WIFSIGNALED(st)) {
			signal(WTERMSIG(st), SIG_DFL);
			kill(getpid(), WTERMSIG(st));
		}
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 127);
	}
}

static _Noreturn void exec_program(const hc_spawn_args *a, const int fds[3], char **argv,
				   char **envp, int tty, int errfd)
{
	int err;

	setpgid(0, 0);
	tty_foreground(tty, getpid());
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			goto fail;
	reset_signals();
	execvpe(a->exec.path, argv, envp ? envp : environ);
fail:
	err = errno;
	if (write(errfd, &err, sizeof(err)) < 0)
		_exit(126);
	_exit(127);
}

/* The child leads a new session on pty slave @tty and runs the program under it. */
static _Noreturn void exec_on_tty(const hc_spawn_args *a, const int fds[3], char **argv,
				  char **envp, int tty, int errfd)
{
	int err;
	pid_t prog;

	if (setsid() < 0 || ioctl(tty, TIOCSCTTY, 0) < 0)
		goto fail;
	prog = fork();
	if (prog < 0)
		goto fail;
	if (prog == 0)
		exec_program(a, fds, argv, envp, tty, errfd);
	setpgid(prog, prog);
	tty_foreground(tty, prog);
	if (dup2(tty, 3) < 0)
		goto fail;
	close_range(4, ~0U, 0);   /* the shadow's descriptors, errfd too: only the program has it now */
	reset_signals();
	tty_leader(prog, 3);
fail:
	err = errno;
	if (write(errfd, &err, sizeof(err)) < 0)
		_exit(126);
	_exit(127);
}

static int spawn_on_tty(const hc_spawn_args *a, const int fds[3], char **argv, char **envp,
			int tty, pid_t *pid)
{
	int ep[2], err = 0;
	ssize_t n;

	if (pipe2(ep, O_CLOEXEC) != 0)
		return -errno;
	*pid = fork();
	if (*pid == 0) {
		close(ep[0]);
		exec_on_tty(a, fds, argv, envp, tty, ep[1]);
	}
	close(ep[1]);
	if (*pid < 0) {
		err = errno;
		close(ep[0]);
		return -err;
	}
	n = read(ep[0], &err, sizeof(err));   /* nothing: the exec closed the pipe */
	close(ep[0]);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(*pid, NULL, 0);
		return -err;
	}
	return 0;
}

static int may_join_group(struct shadow *sh, pid_t pgid)
{
	for (int i = 0; i < SHADOW_CHILD_MAX; i++)
		if (sh->children[i].state != CHILD_FREE && sh->children[i].pgid == pgid)
			return 1;
	return 0;
}

static int spawn_with_fds(struct shadow *sh, hc_spawn_args *a, const int fds[3], int tty,
			  pid_t *pid)
{
	char **argv = strv_of(a->exec.argv.hc_argv_val, a->exec.argv.hc_argv_len, a->exec.path);
	char **envp = NULL;
	int r = -ENOMEM;

	if (!argv)
		return -ENOMEM;
	if (a->exec.env && !(envp = strv_of(a->exec.env->hc_envv_val, a->exec.env->hc_envv_len,
					    NULL)))
		goto out;
	r = tty >= 0 ? spawn_on_tty(a, fds, argv, envp, tty, pid)
		     : spawn_child(a, fds, argv, envp, pid);
	if (r == 0 && !children_add(sh, *pid, tty >= 0 || !a->pgid ? *pid : a->pgid)) {
		kill(*pid, SIGKILL);   /* never leave a child we cannot account for */
		r = -EAGAIN;
	}
out:
	free(envp);
	free(argv);
	return r;
}

static void close_given_handles(struct shadow *sh, const hc_spawn_args *a)
{
	for (int i = 0; i < 3; i++)
		if (a->stdio[i].kind == HC_STDIO_HANDLE)
			handles_close(&sh->handles, a->stdio[i].hc_stdio_u.handle);
}

int shadow_spawn(struct shadow *sh, void *args, void *res)
{
	hc_spawn_args *a = args;
	hc_int_res *r = res;
	int fds[3] = { -1, -1, -1 }, owned[3] = { 0, 0, 0 }, rc = 0, tty = -1;
	pid_t pid = 0;

	if (a->pgid < 0 || (a->pgid > 0 && !may_join_group(sh, a->pgid))) {
		r->err = a->pgid < 0 ? HC_EINVAL : HC_EPERM;
		return 0;
	}
	if (a->ctty >= 0 && (tty = handles_fd(&sh->handles, a->ctty)) < 0) {
		r->err = HC_EBADF;
		return 0;
	}
	for (int i = 0; i < 3 && rc == 0; i++)
		rc = stdio_fd(sh, &a->stdio[i], &fds[i], &owned[i]);
	if (rc == 0)
		rc = spawn_with_fds(sh, a, fds, tty, &pid);
	for (int i = 0; i < 3; i++)
		if (owned[i] && fds[i] >= 0)
			close(fds[i]);
	if (rc == 0 && a->close_handles)
		close_given_handles(sh, a);
	r->err = rc < 0 ? hc_err_from_errno(-rc) : HC_OK;
	r->hc_int_res_u.value = pid;
	if (rc == 0)
		log_debug("spawned %s as pid %d", a->exec.path, (int)pid);
	return 0;
}

static int reportable(int status, int options)
{
	if (WIFSTOPPED(status))
		return options & HC_WUNTRACED;
	if (WIFCONTINUED(status))
		return options & HC_WCONTINUED;
	return 1;
}

static struct shadow_child *find_event(struct shadow *sh, pid_t pid, int options, int *any)
{
	*any = 0;
	for (int i = 0; i < SHADOW_CHILD_MAX; i++) {
		struct shadow_child *c = &sh->children[i];
		if (c->state == CHILD_FREE || (pid != -1 && c->pid != pid))
			continue;
		*any = 1;
		if (c->unreported && reportable(c->status, options))
			return c;
	}
	return NULL;
}

static int wire_signal(int sig)
{
	int h = hc_signal_from_local(sig);

	return h < 0 ? HC_SIG_OTHER : h;
}

static void fill_status(const struct shadow_child *c, hc_wait_status *w)
{
	int st = c->status;

	w->pid = c->pid;
	if (WIFEXITED(st)) {
		w->kind = HC_WAIT_EXITED;
		w->code = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		w->kind = HC_WAIT_SIGNALED;
		w->code = wire_signal(WTERMSIG(st));
		w->core_dumped = WCOREDUMP(st) != 0;
	} else if (WIFSTOPPED(st)) {
		w->kind = HC_WAIT_STOPPED;
		w->code = wire_signal(WSTOPSIG(st));
	} else {
		w->kind = HC_WAIT_CONTINUED;
	}
}

int shadow_wait(struct shadow *sh, void *args, void *res)
{
	hc_wait_args *a = args;
	hc_wait_res *r = res;
	u_int ms = a->timeout_ms && a->timeout_ms < HC_WAIT_MAX_MS ? a->timeout_ms : HC_WAIT_MAX_MS;
	int64_t deadline = shadow_now_ms() + ms;
	struct shadow_child *c;
	int any, b;

	if (a->pid == 0 || a->pid < -1) {
		r->err = HC_EINVAL;
		return 0;
	}
	for (;;) {
		children_reap(sh);
		if ((c = find_event(sh, a->pid, a->options, &any))) {
			fill_status(c, &r->hc_wait_res_u.status);
			c->unreported = 0;
			if (c->state == CHILD_DONE)
				children_free(c);
			r->err = HC_OK;
			return 0;
		}
		if (!any || (a->options & HC_WNOHANG)) {
			r->err = any ? HC_OK : HC_ECHILD;
			return 0;   /* status is all zero: HC_WAIT_NONE, pid 0 */
		}
		if ((b = shadow_block(sh, -1, 0, deadline)) < 0) {
			r->err = hc_err_from_errno(-b);
			return 0;
		}
	}
}

static int kill_allowed(struct shadow *sh, pid_t pid)
{
	struct shadow_child *c;

	if (pid > 0) {
		c = children_find(sh, pid);
		return c && c->state != CHILD_DONE;
	}
	return pid < -1 && pid != INT_MIN && may_join_group(sh, -pid);   /* -INT_MIN overflows */
}

int shadow_kill(struct shadow *sh, void *args, void *res)
{
	hc_kill_args *a = args;
	hc_err *r = res;
	int sig = hc_signal_to_local(a->sig);

	if (sig < 0)
		*r = HC_EINVAL;
	else if (!kill_allowed(sh, a->pid))
		*r = HC_ESRCH;
	else
		*r = kill(a->pid, sig) == 0 ? HC_OK : hc_err_from_errno(errno);
	return 0;
}

int shadow_dup2(struct shadow *sh, void *args, void *res)
{
	hc_dup2_args *a = args;
	hc_err *r = res;
	int fd = handles_fd(&sh->handles, a->handle);

	if (!sh->is_fork)
		*r = HC_EPERM;   /* the shadow's own descriptors are not the guest's */
	else if (fd < 0)
		*r = HC_EBADF;
	else if (a->newfd < 0 || a->newfd >= fd_floor())
		*r = HC_EBADF;
	else
		*r = dup2(fd, a->newfd) >= 0 ? HC_OK : hc_err_from_errno(errno);
	return 0;
}

static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int shadow_exec(struct shadow *sh, void *args, void *res)
{
	hc_exec_args *a = args;
	hc_err *r = res;
	char **argv, **envp = NULL;
	sigset_t saved;

	if (!sh->is_fork) {
		*r = HC_EPERM;   /* exec would replace the session's shadow itself */
		return 0;
	}
	argv = strv_of(a->argv.hc_argv_val, a->argv.hc_argv_len, a->path);
	if (a->env)
		envp = strv_of(a->env->hc_envv_val, a->env->hc_envv_len, NULL);
	if (!argv || (a->env && !envp)) {
		*r = HC_ENOMEM;
		goto out;
	}
	sigprocmask(SIG_SETMASK, NULL, &saved);
	reset_signals();
	execvpe(a->path, argv, envp ? envp : environ);
	*r = hc_err_from_errno(errno);
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_SETMASK, &saved, NULL);
out:
	free(argv);
	free(envp);
	return 0;
}
