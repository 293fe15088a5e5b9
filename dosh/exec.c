/* exec.c: the evaluator: one switch on the node type; simple commands, functions, control flow. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builtins.h"
#include "exec.h"
#include "glob.h"
#include "host.h"
#include "hostio.h"
#include "jobs.h"

extern char **environ;

void sh_error(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("dosh: ", stderr);
	if (!sh->interactive && sh->arg0 && sh->lineno_valid)
		fprintf(stderr, "%s: line %d: ", sh->arg0, sh->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sh_fail(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("dosh: ", stderr);
	if (!sh->interactive && sh->arg0 && sh->lineno_valid)
		fprintf(stderr, "%s: line %d: ", sh->arg0, sh->lineno);
	if (sh->builtin_name)
		fprintf(stderr, "%s: ", sh->builtin_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	sh_raise(sh);
}

void sh_raise(struct shell *sh)
{
	if (sh->error_catch)
		sh->error_raised = 1;
	else if (!sh->interactive) {
		sh->status = 2;     /* what $? says in the EXIT trap */
		sh_exit(sh, 2);
	}
}

/* ---- processes ---- */

/* Both parent and child do this, whichever runs first; SIGTTOU is held off meanwhile. */
static void join_job_group(struct shell *sh, pid_t pid, int background)
{
	sigset_t ttou, old;

	if (!sh->job_pgid)
		sh->job_pgid = pid;
	setpgid(pid, sh->job_pgid);
	if (background)
		return;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(sh->tty, sh->job_pgid);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

pid_t fork_job(struct shell *sh, int background)
{
	int jc = sh->jc && !sh->subshell;
	pid_t pid = fork_child(sh);

	if (jc && pid >= 0)
		join_job_group(sh, pid ? pid : getpid(), background);
	return pid;
}

void job_done_foreground(struct shell *sh)
{
	if (sh->jc && !sh->subshell && sh->job_pgid)
		tcsetpgrp(sh->tty, sh->shell_pgid);
	sh->job_pgid = 0;
}

pid_t fork_child(struct shell *sh)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		sh->subshell = 1;
		sh->interactive = 0;
		sh->error_catch = 0;    /* a builtin's catch stays in the parent: an error ends the child */
		sh->inherited_streams = sh->host_streams;   /* its parent finishes those */
		jobs_forget(sh);
		traps_reset_for_subshell(sh);
	} else if (pid < 0) {
		sh_error(sh, "fork: %s", strerror(errno));
	}
	return pid;
}

int status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 128 + WSTOPSIG(wstatus);
}

/* ---- words ---- */

int expand_words(struct shell *sh, const struct word_list *wl, char ***argv, int host_glob)
{
	char **v = calloc(1, sizeof(char *));
	int n = 0;

	if (!v)
		abort();
	for (int i = 0; i < wl->n; i++) {
		if (expand_fields(sh, wl->v[i], &v, &n, host_glob) != 0) {
			strv_free(v);
			return -1;
		}
	}
	*argv = v;
	return n;
}

/*
 * dash's declaration utilities (export, readonly, local, alias; also after "command"): their
 * NAME=value operands expand as assignments do. Returns: 1, 0, or -1 while only "command"
 * has been seen.
 */
static int is_declaration(char **v, int n)
{
	int i = strcmp(v[0], "command") == 0;

	if (n <= i)
		return -1;
	return strcmp(v[i], "export") == 0 || strcmp(v[i], "readonly") == 0 ||
	       strcmp(v[i], "local") == 0 || strcmp(v[i], "alias") == 0;
}

/* The word as written is NAME=...: what dash's isassignment() sees. */
static int looks_like_assignment(const char *raw)
{
	const char *eq = strchr(raw, '=');

	return eq && eq > raw && is_shell_name(raw, (size_t)(eq - raw));
}

static void append_field(char ***argv, int *n, char *field)
{
	char **v = realloc(*argv, sizeof(char *) * (size_t)(*n + 2));

	if (!v)
		abort();
	v[(*n)++] = field;
	v[*n] = NULL;
	*argv = v;
}

/*
 * A simple command's words: after "export", "readonly", "local" or "alias"
 * (however the first word came to name it), a NAME=value operand is neither
 * split nor globbed, and takes tildes as an assignment, as dash 0.5.12 has it.
 */
static int expand_command_words(struct shell *sh, const struct word_list *wl, char ***argv)
{
	char **v = calloc(1, sizeof(char *));
	int n = 0, decl = -1;

	if (!v)
		abort();
	for (int i = 0; i < wl->n; i++) {
		char *one;
		if (decl == 1 && looks_like_assignment(wl->v[i])) {
			if (!(one = expand_assignment(sh, wl->v[i])))
				goto fail;
			append_field(&v, &n, one);
		} else if (expand_fields(sh, wl->v[i], &v, &n, 0) != 0) {
			goto fail;
		}
		if (decl < 0 && n > 0)
			decl = is_declaration(v, n);
	}
	*argv = v;
	return n;
fail:
	strv_free(v);
	return -1;
}

/* A foreground command or subshell: sh numbers it as a job while it runs. */
static pid_t fork_foreground(struct shell *sh)
{
	jobs_note_fork(sh);
	return fork_job(sh, 0);
}

static void xtrace_with(struct shell *sh, char **argv, const char *mark)
{
	const char *ps4 = var_get(sh, "PS4");

	if (!sh->opt_xtrace)
		return;
	fprintf(stderr, "%s%s", ps4 ? ps4 : "+ ", mark);
	for (int i = 0; argv[i]; i++)
		fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
	fputc('\n', stderr);
}

static void xtrace(struct shell *sh, char **argv)
{
	xtrace_with(sh, argv, "");
}

void xtrace_host(struct shell *sh, char **argv)
{
	xtrace_with(sh, argv, "!");
}

/* ---- PATH ---- */

/* A PATH=... in front of the command: it is looked up there, by the child, unremembered. */
static int assigns_path(const struct word_list *assigns)
{
	for (int i = 0; i < assigns->n; i++)
		if (strncmp(assigns->v[i], "PATH=", 5) == 0)
			return 1;
	return 0;
}

/*
 * dash finds an external command in the shell, before forking, and remembers where (hash);
 * "x: not found" comes from the shell, after the command's redirections. Returns: 0 if
 * found (or for the child to find), else the status: 127 with the message given, or 2 if
 * a redirection failed first (dash's status for that).
 */
static int external_lookup(struct shell *sh, struct node *n, const char *name, int default_path)
{
	struct redir_save save = { .n = 0 };
	int err = ENOENT, idx, status = 127;

	if (strchr(name, '/') || assigns_path(&n->simple.assigns))
		return 0;
	idx = default_path ? path_search(path_default, name, &err) : cmd_lookup(sh, name, &err);
	if (idx >= 0)
		return 0;
	if (redirs_apply(sh, n->redirs, &save) == 0)
		sh_error(sh, "%s: %s", name, exec_errmsg(err));
	else
		status = 2;
	redirs_restore(&save);
	return status;
}

/* exec external @argv ("command [-p]" in front dropped) where PATH, remembered, leads. */
static _Noreturn void exec_external(struct shell *sh, char **argv, char **env)
{
	int default_path = 0, skip, idx = 0, err = ENOENT;
	const char *path;

	while ((skip = command_words(argv, &default_path)) > 0)
		argv += skip;
	path = default_path ? path_default : path_value(sh);
	if (!strchr(argv[0], '/')) {
		idx = default_path ? path_search(path, argv[0], &err) : cmd_lookup(sh, argv[0], &err);
		if (idx < 0) {
			sh_error(sh, "%s: %s", argv[0], exec_errmsg(err));
			_exit(127);
		}
	}
	shell_exec(sh, argv, env, path, idx);
}

/* ---- functions ---- */

/*
 * A bit for each hash of a name ever defined as a function: a clear bit means no such
 * function without walking the list (every command name asks; a library defines thousands).
 * A bit stays set after unset -f: that only costs a walk.
 */
static unsigned char func_names_seen[8192];

static unsigned func_name_bit(const char *name)
{
	unsigned h = 2166136261u;   /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h % (sizeof(func_names_seen) * 8);
}

static struct func *func_find(struct shell *sh, const char *name)
{
	unsigned bit = func_name_bit(name);

	if (!(func_names_seen[bit / 8] & (1u << (bit % 8))))
		return NULL;
	for (struct func *f = sh->funcs; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static void func_define(struct shell *sh, struct node *n)
{
	struct func *f = func_find(sh, n->func.name);

	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f)
			abort();
		f->name = strdup(n->func.name);
		f->next = sh->funcs;
		sh->funcs = f;
		func_names_seen[func_name_bit(f->name) / 8] |= 1u << (func_name_bit(f->name) % 8);
	}
	f->body = n->func.body;
	sh->keep_tree = 1;
	cmd_hash_forget(sh, n->func.name);   /* dash's one table holds both: the path is gone */
}

int run_function(struct shell *sh, struct node *body, int argc, char **argv)
{
	char **saved_argv = sh->argv, **saved_owned = sh->argv_owned;
	int saved_argc = sh->argc, status;
	int saved_loops = sh->loop_depth, saved_ind = sh->getopts_ind, saved_off = sh->getopts_off;
	struct saved_var *saved_locals = sh->locals;

	sh->argv_owned = NULL;
	sh->argv = argv + 1;
	sh->argc = argc - 1;
	sh->loop_depth = 0;          /* break in a function leaves no loop of its caller */
	sh->getopts_ind = 1;
	sh->getopts_off = 0;
	sh->in_function++;
	status = exec_node(sh, body);
	if (sh->flow == FLOW_RETURN) {
		sh->flow = FLOW_NONE;
		status = sh->status;
	}
	sh->in_function--;
	var_restore_locals(sh, saved_locals);
	strv_free(sh->argv_owned);
	sh->argv_owned = saved_owned;
	sh->argv = saved_argv;
	sh->argc = saved_argc;
	sh->loop_depth = saved_loops;
	sh->getopts_ind = saved_ind;
	sh->getopts_off = saved_off;
	return status;
}

/* ---- simple commands ---- */

static int assign_all(struct shell *sh, const struct word_list *assigns, int export)
{
	int r;

	for (int i = 0; i < assigns->n; i++) {
		char *v = expand_assignment(sh, assigns->v[i]);
		if (!v)
			return -1;
		if (sh->opt_xtrace)
			fprintf(stderr, "%s%s\n", var_get(sh, "PS4") ? var_get(sh, "PS4") : "+ ", v);
		r = var_assign(sh, v, export);
		free(v);
		if (r != 0)
			return -1;   /* a readonly: the shell is gone unless interactive */
	}
	return 0;
}

_Noreturn void exec_simple_in_child(struct shell *sh, struct node *n, char **argv)
{
	char **env;

	if (redirs_apply(sh, n->redirs, NULL) != 0)
		_exit(2);
	if (assign_all(sh, &n->simple.assigns, 1) != 0)
		_exit(2);
	env = var_environ(sh);
	exec_external(sh, argv, env);
}

/*
 * A command's redirection failed: dash's status 2. A special builtin's failure is an error
 * of the shell (sh_raise: it ends a shell that is not interactive, unless command caught
 * it), and under set -e any failure outside a condition ends the shell (dash leaves for a
 * compound command's redirection too).
 */
static int redir_failed(struct shell *sh, int special)
{
	if (special)
		sh_raise(sh);
	if (sh->opt_errexit && !sh->cond) {
		sh->status = 2;
		sh_exit(sh, 2);
	}
	return 2;
}

/* "VAR=x prog": a readonly VAR is an error of the shell, not of the child that would assign it. */
static int check_prefix_readonly(struct shell *sh, const struct word_list *assigns)
{
	for (int i = 0; i < assigns->n; i++) {
		const char *eq = strchr(assigns->v[i], '=');
		char name[256];
		struct var *v;
		if (!eq || (size_t)(eq - assigns->v[i]) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - assigns->v[i]), assigns->v[i]);
		if ((v = var_find(sh, name)) && v->readonly) {
			sh_fail(sh, "%s: is read only", name);
			return -1;
		}
	}
	return 0;
}

/* The shell's own SIG_IGN of @sig (an interactive shell's SIGINT) is not for the command. */
static void default_unless_trapped(struct shell *sh, sigset_t *def, int sig)
{
	if (!(sh->traps[sig] && !*sh->traps[sig]))   /* trap '' SIG: ignored in the child too */
		sigaddset(def, sig);
}

/* The command is over: its host files get their bytes; one that failed (a full disk) fails it. */
static int finish_host_files(struct shell *sh, const struct host_stream *mark, int status)
{
	if (hostio_finish_to(sh, mark) != 0 && (status == 0 || status == 128 + SIGPIPE))
		return 1;   /* the writer saw only a broken pipe: the host file's error is the news */
	return status;
}

/*
 * A plain external command: no redirections, no assignments, no job control (so no process
 * group), run with posix_spawn (vfork and exec) rather than a full fork of the shell. Caught
 * signals are reset by exec, ignored ones stay ignored. Returns: the pid, or -1 for the fork
 * path, which also says every error (not found, not executable, no #! line) as before.
 */
static pid_t spawn_simple(struct shell *sh, struct node *n, char **argv)
{
	posix_spawnattr_t attr;
	sigset_t def;
	char *path, **env;
	pid_t pid;
	int r;

	if (n->redirs || n->simple.assigns.n || (sh->jc && !sh->subshell))
		return -1;
	if (strchr(argv[0], '/')) {
		path = strdup(argv[0]);
	} else {   /* where hash says, as the fork path would run it */
		int err, idx = cmd_lookup(sh, argv[0], &err);
		path = idx < 0 ? NULL : path_candidate(path_value(sh), argv[0], idx);
	}
	if (!path)
		return -1;
	jobs_note_fork(sh);   /* as fork_foreground: the job numbers dash would give */
	sigemptyset(&def);
	if (sh->interactive) {
		default_unless_trapped(sh, &def, SIGINT);
		default_unless_trapped(sh, &def, SIGQUIT);
	}
	env = var_environ(sh);
	fflush(stdout);
	fflush(stderr);
	if ((r = posix_spawnattr_init(&attr)) == 0) {
		posix_spawnattr_setsigdefault(&attr, &def);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
		r = posix_spawn(&pid, path, NULL, &attr, argv, env);
		posix_spawnattr_destroy(&attr);
	}
	strv_free(env);
	free(path);
	return r == 0 ? pid : -1;
}

/* "VAR=x cmd" for a builtin or function: the assignments last as long as the command. */
static int assign_temporarily(struct shell *sh, const struct word_list *assigns)
{
	for (int i = 0; i < assigns->n; i++) {
		const char *eq = strchr(assigns->v[i], '=');
		char name[256];
		if (!eq || (size_t)(eq - assigns->v[i]) >= sizeof(name))
			continue;
		memcpy(name, assigns->v[i], (size_t)(eq - assigns->v[i]));
		name[eq - assigns->v[i]] = '\0';
		var_local(sh, name);
	}
	return assign_all(sh, assigns, 1);   /* in the environment of what it runs */
}

int call_builtin(struct shell *sh, builtin_fn fn, int special, int argc, char **argv)
{
	const char *saved_name = sh->builtin_name;
	int saved_raised = sh->error_raised, status;

	sh->builtin_name = argv[0];
	sh->error_catch += !special;
	sh->error_raised = 0;
	status = fn(sh, argc, argv);
	sh->error_catch -= !special;
	sh->builtin_name = saved_name;
	if (sh->error_raised)
		status = 2;
	sh->error_raised = saved_raised || (special && sh->error_raised);
	return status;
}

static int run_builtin(struct shell *sh, builtin_fn fn, int special, struct node *n, int argc,
		       char **argv)
{
	struct redir_save save = { .n = 0 };
	struct saved_var *mark = sh->locals;
	int status;

	if (builtin_is_exec(fn) && argc == 1) {   /* exec with redirections only: they stay */
		if (redirs_apply(sh, n->redirs, NULL) != 0)
			return redir_failed(sh, special);
		return assign_all(sh, &n->simple.assigns, 0) == 0 ? 0 : 2;   /* and so do these */
	}
	if (redirs_apply(sh, n->redirs, &save) != 0) {
		redirs_restore(&save);
		return redir_failed(sh, special);
	}
	if (special)   /* they stay; exec's are its program's environment */
		status = assign_all(sh, &n->simple.assigns, builtin_is_exec(fn));
	else
		status = assign_temporarily(sh, &n->simple.assigns);
	if (status == 0)
		status = call_builtin(sh, fn, special, argc, argv);
	else
		status = 2;
	if (fflush(stdout) != 0 || ferror(stdout)) {   /* e.g. stdout closed: status 1, as dash */
		sh_error(sh, "%s: I/O error", argv[0]);
		clearerr(stdout);
		status = status ? status : 1;
	}
	if (!special)
		var_restore_locals(sh, mark);
	if (redirs_restore(&save) != 0 && status == 0)
		status = 1;   /* a host file it wrote failed */
	return status;
}

static int run_function_cmd(struct shell *sh, struct func *f, struct node *n, int argc,
			    char **argv)
{
	struct redir_save save = { .n = 0 };
	struct saved_var *mark = sh->locals;
	int status = 2;

	if (redirs_apply(sh, n->redirs, &save) != 0) {
		redirs_restore(&save);
		return redir_failed(sh, 0);
	}
	if (assign_temporarily(sh, &n->simple.assigns) == 0)
		status = run_function(sh, f->body, argc, argv);
	var_restore_locals(sh, mark);
	if (redirs_restore(&save) != 0 && status == 0)
		status = 1;
	return status;
}

/*
 * Assignments and redirections without a command: they act on the shell itself. As in
 * dash the redirections come first and stay while the assignments expand, and when one
 * fails nothing is assigned.
 */
static int run_bare(struct shell *sh, struct node *n)
{
	struct redir_save save = { .n = 0 };
	int r;

	if (redirs_apply(sh, n->redirs, &save) != 0) {   /* first, as dash: a failure assigns nothing */
		redirs_restore(&save);
		return redir_failed(sh, 0);
	}
	r = assign_all(sh, &n->simple.assigns, 0);
	redirs_restore(&save);
	return r ? 2 : sh->cmdsubst_status;
}

/*
 * A forked shell's last command may become the process, as in sh, unless a
 * trap must still run or a host file the shell opened must be finished after.
 */
static int can_exec_in_place(struct shell *sh, const struct node *n)
{
	if (traps_any(sh) || sh->host_streams != sh->inherited_streams)
		return 0;
	for (const struct redir *r = n->redirs; r; r = r->next)
		if (r->host && r->prepared_fd <= 0)
			return 0;   /* opened here, it would be finished after: a pipeline stage's is not */
	return 1;
}

static int exec_simple(struct shell *sh, struct node *n)
{
	builtin_fn fn;
	struct func *f;
	struct host_stream *mark = sh->host_streams;
	char **argv, **cmd;
	int argc, cmdc, special = 0, status, skip, via_command = 0, default_path = 0;
	int last = sh->exec_in_place;
	pid_t pid;

	sh->exec_in_place = 0;   /* not for a function's or a builtin's own commands */
	if (n->simple.host && n->simple.host_exec)
		sh_exit(sh, host_exec_simple(sh, n));   /* "exec !cmd": its status is the shell's */
	if (n->simple.host)
		return host_exec_simple(sh, n);
	sh->cmdsubst_status = 0;   /* a command of substitutions only has the last one's status */
	if (n->simple.words.n == 0)
		return run_bare(sh, n);
	if ((argc = expand_command_words(sh, &n->simple.words, &argv)) < 0)
		return 1;
	if (argc == 0) {
		strv_free(argv);
		return run_bare(sh, n);
	}
	xtrace(sh, argv);
	if (assigns_path(&n->simple.assigns))
		cmd_hash_clear(sh);   /* dash sets PATH for the command's time, which empties it */
	cmd = argv;
	cmdc = argc;
	if (!(f = func_find(sh, argv[0]))) {
		while ((skip = command_words(cmd, &default_path)) > 0) {
			cmd += skip;   /* command NAME: no function, no special builtin */
			cmdc -= skip;
			via_command = 1;
		}
	}
	if (f) {
		status = run_function_cmd(sh, f, n, argc, argv);
	} else if ((fn = builtin_find(cmd[0], &special))) {
		struct saved_var *scope = sh->locals;
		/* under command a special builtin is a regular one: its errors end only it */
		status = run_builtin(sh, fn, special && !via_command, n, cmdc, cmd);
		if (via_command)   /* dash gives command a scope: what local made there ends */
			var_restore_locals(sh, scope);
	} else if (check_prefix_readonly(sh, &n->simple.assigns) != 0) {
		status = 2;
	} else if (!last && (status = external_lookup(sh, n, cmd[0], default_path)) != 0) {
		/* not found, and said so */
	} else if (last && can_exec_in_place(sh, n)) {
		exec_simple_in_child(sh, n, argv);   /* already a forked shell: no second fork */
	} else if (redirs_check_literal_dups(sh, n->redirs) != 0) {
		status = 2;
	} else if (!via_command && (pid = spawn_simple(sh, n, argv)) > 0) {
		status = finish_host_files(sh, mark, jobs_wait_foreground(sh, pid, n));
	} else if (hostio_prepare(sh, n->redirs) != 0) {
		status = 1;
	} else if ((pid = fork_foreground(sh)) == 0) {
		exec_simple_in_child(sh, n, argv);
	} else {
		redirs_close_prepared(n->redirs);
		status = pid < 0 ? 1 : jobs_wait_foreground(sh, pid, n);
		job_done_foreground(sh);
		status = finish_host_files(sh, mark, status);
	}
	strv_free(argv);
	return status;
}

/* ---- compound commands ---- */

static int exec_cond(struct shell *sh, struct node *n)
{
	int status;

	sh->cond++;
	status = exec_node(sh, n);
	sh->cond--;
	return status;
}

static int loop_should_stop(struct shell *sh)
{
	if (sh->exiting || sh->flow == FLOW_RETURN)
		return 1;
	if (sh->flow == FLOW_BREAK || sh->flow == FLOW_CONTINUE) {
		int stop = sh->flow == FLOW_BREAK || sh->flow_levels > 1;
		if (--sh->flow_levels <= 0)
			sh->flow = FLOW_NONE;
		return stop;
	}
	return 0;
}

static int exec_loop(struct shell *sh, struct node *n, int until)
{
	int status = 0;

	sh->loop_depth++;
	for (;;) {
		int c = exec_cond(sh, n->loop.cond);
		if (sh->flow != FLOW_NONE) {   /* break, continue or return in the condition */
			if (sh->flow == FLOW_RETURN)
				status = c;
			if (loop_should_stop(sh))
				break;
			continue;
		}
		if (sh->exiting || (c == 0) == until)
			break;
		status = exec_node(sh, n->loop.body);
		if (loop_should_stop(sh))
			break;
	}
	sh->loop_depth--;
	return status;
}

static int exec_for(struct shell *sh, struct node *n)
{
	char **words;
	int count, status = 0;

	if (n->forn.has_in) {
		if ((count = expand_words(sh, &n->forn.words, &words, 0)) < 0)
			return 1;
	} else {
		words = calloc((size_t)sh->argc + 1, sizeof(char *));
		for (int i = 0; i < sh->argc; i++)
			words[i] = strdup(sh->argv[i]);
		count = sh->argc;
	}
	sh->loop_depth++;
	for (int i = 0; i < count; i++) {
		if (var_set(sh, n->forn.var, words[i], 0) != 0) {
			status = 2;
			break;
		}
		status = exec_node(sh, n->forn.body);
		if (loop_should_stop(sh))
			break;
	}
	sh->loop_depth--;
	strv_free(words);
	return status;
}

static int exec_case(struct shell *sh, struct node *n)
{
	char *word = expand_string(sh, n->casen.word);

	if (!word)
		return 1;
	for (struct case_item *ci = n->casen.items; ci; ci = ci->next) {
		for (int i = 0; i < ci->patterns.n; i++) {
			char *pat = expand_pattern(sh, ci->patterns.v[i]);
			int m;
			if (!pat) {
				free(word);
				return 2;
			}
			m = glob_match(pat, word);
			free(pat);
			if (m) {
				free(word);
				return ci->body ? exec_node(sh, ci->body) : 0;
			}
		}
	}
	free(word);
	return 0;
}

static int exec_subshell(struct shell *sh, struct node *n)
{
	pid_t pid;
	int status;

	pid = fork_foreground(sh);
	if (pid == 0) {
		if (redirs_apply(sh, n->redirs, NULL) != 0)
			_exit(2);
		sh->exec_in_place = 1;
		sh_exit(sh, exec_node(sh, n->sub.body));
	}
	status = pid < 0 ? 1 : jobs_wait_foreground(sh, pid, n);
	job_done_foreground(sh);
	return status;
}

/*
 * Without job control a background job must not take the terminal's Ctrl-C,
 * nor its input. The parent holds Ctrl-C off across the fork (@old: its mask),
 * so none reaches the child before it ignores them.
 */
static void background_without_job_control(const sigset_t *old)
{
	int fd;

	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	sigprocmask(SIG_SETMASK, old, NULL);
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
		dup2(fd, 0);
		close(fd);
	}
}

static int exec_background(struct shell *sh, struct node *n)
{
	int jc = sh->jc && !sh->subshell;
	sigset_t interrupts, old;
	pid_t pid;

	if (!sh->interactive)
		jobs_reap(sh);   /* earlier jobs that ended: no zombies pile up in a script's loop */
	if (host_is_lone_command(n->sub.body))
		return host_exec_background(sh, n->sub.body);
	sigemptyset(&interrupts);
	if (!jc) {
		sigaddset(&interrupts, SIGINT);
		sigaddset(&interrupts, SIGQUIT);
	}
	sigprocmask(SIG_BLOCK, &interrupts, &old);
	pid = fork_job(sh, 1);
	if (pid == 0) {
		if (!jc)
			background_without_job_control(&old);
		sh->exec_in_place = 1;
		sh_exit(sh, exec_node(sh, n->sub.body));
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid > 0) {
		sh->last_bg = pid;
		jobs_say_started(sh, jobs_add(sh, pid, JOB_GUEST, n));
	}
	sh->job_pgid = 0;
	return pid < 0 ? 1 : 0;
}

static int with_redirs(struct shell *sh, struct node *n, int (*fn)(struct shell *, struct node *))
{
	struct redir_save save = { .n = 0 };
	int status;

	if (!n->redirs)
		return fn(sh, n);
	if (redirs_apply(sh, n->redirs, &save) != 0) {
		redirs_restore(&save);
		return redir_failed(sh, 0);
	}
	status = fn(sh, n);
	if (redirs_restore(&save) != 0 && status == 0)
		status = 1;
	return status;
}

static int exec_compound(struct shell *sh, struct node *n)
{
	switch (n->type) {
	case N_GROUP:
		return exec_node(sh, n->sub.body);
	case N_IF:
		if (exec_cond(sh, n->ifn.cond) == 0)
			return exec_node(sh, n->ifn.then);
		return n->ifn.els ? exec_node(sh, n->ifn.els) : 0;
	case N_WHILE:
		return exec_loop(sh, n, 0);
	case N_UNTIL:
		return exec_loop(sh, n, 1);
	case N_FOR:
		return exec_for(sh, n);
	default:
		return exec_case(sh, n);
	}
}

static int exec_and_or(struct shell *sh, struct node *n, int last)
{
	int status = exec_cond(sh, n->bin.left);

	if (sh->exiting || sh->flow != FLOW_NONE)
		return status;
	sh->exec_in_place = last;
	if ((n->type == N_AND) == (status == 0))
		return exec_node(sh, n->bin.right);
	sh->exec_in_place = 0;
	return status;
}

static int dispatch(struct shell *sh, struct node *n)
{
	int last = sh->exec_in_place;   /* the last thing a forked shell does: what ends it may exec */

	sh->exec_in_place = 0;
	switch (n->type) {
	case N_SIMPLE:
		sh->exec_in_place = last;
		return exec_simple(sh, n);
	case N_PIPE:
		return exec_pipeline(sh, n->pipe.cmds, n->pipe.n);
	case N_AND:
	case N_OR:
		return exec_and_or(sh, n, last);
	case N_SEQ:
		exec_node(sh, n->bin.left);
		if (sh->exiting || sh->flow != FLOW_NONE)
			return sh->status;
		sh->exec_in_place = last;
		return exec_node(sh, n->bin.right);
	case N_BG:
		return exec_background(sh, n);
	case N_NOT:
		return !exec_cond(sh, n->sub.body);
	case N_SUBSHELL:
		return exec_subshell(sh, n);
	case N_FUNC:
		func_define(sh, n);
		return 0;
	case N_GROUP:
		if (n->redirs)
			return with_redirs(sh, n, exec_compound);
		sh->exec_in_place = last;
		return exec_node(sh, n->sub.body);
	default:
		return with_redirs(sh, n, exec_compound);
	}
}

int exec_node(struct shell *sh, struct node *n)
{
	int status;

	if (!n || sh->exiting)
		return sh->status;
	if (sh->error_raised && sh->error_catch)
		return 2;    /* an error that 'command eval' catches ends all that eval runs */
	if (sh->opt_noexec && !sh->interactive)
		return 0;    /* set -n: read the commands, run none */
	sh->lineno = n->lineno;
	status = dispatch(sh, n);
	if (n->type != N_SEQ || !(sh->exiting || sh->flow != FLOW_NONE))
		sh->status = status;
	traps_run_pending(sh);
	if (sh->opt_errexit && status != 0 && !sh->cond && !sh->exiting &&
	    (n->type == N_SIMPLE || n->type == N_PIPE || n->type == N_SUBSHELL))
		sh_exit(sh, status);
	return sh->status;
}
