/* exec.c: the evaluator: one switch on the node type; simple commands, functions, control flow. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builtins.h"
#include "exec.h"
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

int wait_pid(struct shell *sh, pid_t pid)
{
	int st;

	(void)sh;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	return status_of(st);
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

char *find_in_path(struct shell *sh, const char *name)
{
	const char *path = var_get(sh, "PATH");
	char buf[4096];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? strdup(name) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path || path[-1] == ':') {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		struct stat st;
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)len, path, len ? "/" : "", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return strdup(buf);
		if (!colon)
			break;
		path = colon + 1;
	}
	return NULL;
}

/* ---- functions ---- */

static struct func *func_find(struct shell *sh, const char *name)
{
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
	}
	f->body = n->func.body;
	sh->keep_tree = 1;
}

int run_function(struct shell *sh, struct node *body, int argc, char **argv)
{
	char **saved_argv = sh->argv, **saved_owned = sh->argv_owned;
	int saved_argc = sh->argc, status;
	struct saved_var *saved_locals = sh->locals;

	sh->argv_owned = NULL;
	sh->argv = argv + 1;
	sh->argc = argc - 1;
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
	return status;
}

/* ---- simple commands ---- */

static int assign_all(struct shell *sh, const struct word_list *assigns, int export)
{
	for (int i = 0; i < assigns->n; i++) {
		char *v = expand_string(sh, assigns->v[i]);
		if (!v)
			return -1;
		if (sh->opt_xtrace)
			fprintf(stderr, "%s%s\n", var_get(sh, "PS4") ? var_get(sh, "PS4") : "+ ", v);
		var_assign(sh, v, export);
		free(v);
	}
	return 0;
}

_Noreturn void exec_simple_in_child(struct shell *sh, struct node *n)
{
	char **argv, **env;
	int argc;

	if (redirs_apply(sh, n->redirs, NULL) != 0)
		_exit(1);
	if (assign_all(sh, &n->simple.assigns, 1) != 0)
		_exit(1);
	argc = expand_words(sh, &n->simple.words, &argv, 0);
	if (argc <= 0)
		_exit(argc < 0 ? 1 : 0);
	env = var_environ(sh);
	fflush(NULL);
	execvpe(argv[0], argv, env);
	sh_error(sh, "%s: %s", argv[0], errno == ENOENT ? "not found" : strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* "VAR=x cmd" for a builtin or function: the assignments last as long as the command. */
static struct saved_var *assign_temporarily(struct shell *sh, const struct word_list *assigns)
{
	struct saved_var *mark = sh->locals;

	for (int i = 0; i < assigns->n; i++) {
		const char *eq = strchr(assigns->v[i], '=');
		char name[256];
		if (!eq || (size_t)(eq - assigns->v[i]) >= sizeof(name))
			continue;
		memcpy(name, assigns->v[i], (size_t)(eq - assigns->v[i]));
		name[eq - assigns->v[i]] = '\0';
		var_local(sh, name);
	}
	assign_all(sh, assigns, 0);
	return mark;
}

static int run_builtin(struct shell *sh, builtin_fn fn, int special, struct node *n, int argc,
		       char **argv)
{
	struct redir_save save = { .n = 0 };
	struct saved_var *mark = NULL;
	int status;

	if (builtin_is_exec(fn) && argc == 1)   /* exec with redirections only: they stay */
		return redirs_apply(sh, n->redirs, NULL) == 0 ? 0 : 1;
	if (redirs_apply(sh, n->redirs, &save) != 0) {
		redirs_restore(&save);
		return 1;
	}
	if (special)
		assign_all(sh, &n->simple.assigns, 0);
	else if (n->simple.assigns.n)
		mark = assign_temporarily(sh, &n->simple.assigns);
	status = fn(sh, argc, argv);
	fflush(stdout);
	if (mark || (!special && n->simple.assigns.n))
		var_restore_locals(sh, mark);
	redirs_restore(&save);
	return status;
}

static int run_function_cmd(struct shell *sh, struct func *f, struct node *n, int argc,
			    char **argv)
{
	struct redir_save save = { .n = 0 };
	struct saved_var *mark;
	int status;

	if (redirs_apply(sh, n->redirs, &save) != 0) {
		redirs_restore(&save);
		return 1;
	}
	mark = assign_temporarily(sh, &n->simple.assigns);
	status = run_function(sh, f->body, argc, argv);
	var_restore_locals(sh, mark);
	redirs_restore(&save);
	return status;
}

/* Assignments and redirections without a command: they act on the shell itself. */
static int run_bare(struct shell *sh, struct node *n)
{
	struct redir_save save = { .n = 0 };
	int r;

	sh->cmdsubst_status = 0;
	r = assign_all(sh, &n->simple.assigns, 0);
	if (r == 0)
		r = redirs_apply(sh, n->redirs, &save);
	redirs_restore(&save);
	return r ? 1 : sh->cmdsubst_status;
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
		if (r->host)
			return 0;
	return 1;
}

static int exec_simple(struct shell *sh, struct node *n)
{
	builtin_fn fn;
	struct func *f;
	struct host_stream *mark = sh->host_streams;
	char **argv;
	int argc, special = 0, status, last = sh->exec_in_place;
	pid_t pid;

	sh->exec_in_place = 0;   /* not for a function's or a builtin's own commands */
	if (n->simple.host)
		return host_exec_simple(sh, n);
	if (n->simple.words.n == 0)
		return run_bare(sh, n);
	if ((argc = expand_words(sh, &n->simple.words, &argv, 0)) < 0)
		return 1;
	if (argc == 0) {
		strv_free(argv);
		return run_bare(sh, n);
	}
	xtrace(sh, argv);
	if ((f = func_find(sh, argv[0]))) {
		status = run_function_cmd(sh, f, n, argc, argv);
	} else if ((fn = builtin_find(argv[0], &special))) {
		status = run_builtin(sh, fn, special, n, argc, argv);
	} else if (last && can_exec_in_place(sh, n)) {
		exec_simple_in_child(sh, n);   /* already a forked shell: no second fork */
	} else if (hostio_prepare(sh, n->redirs) != 0) {
		status = 1;
	} else if ((pid = fork_foreground(sh)) == 0) {
		exec_simple_in_child(sh, n);
	} else {
		redirs_close_prepared(n->redirs);
		status = pid < 0 ? 1 : jobs_wait_foreground(sh, pid, n);
		job_done_foreground(sh);
		hostio_finish_to(sh, mark);
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
		if (sh->exiting || sh->flow == FLOW_RETURN || (c == 0) == until)
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
		var_set(sh, n->forn.var, words[i], 0);
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
			int m = fnmatch(pat, word, 0) == 0;
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
			_exit(1);
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
		return 1;
	}
	status = fn(sh, n);
	redirs_restore(&save);
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
