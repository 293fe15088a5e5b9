/* builtins.c: commands run inside the shell: cd, export, set, read, echo, printf, trap, and more. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "exec.h"
#include "host.h"
#include "hostcall.h"
#include "jobs.h"
#include "pipejob.h"

/* ---- cd, pwd ---- */

static int b_cd(struct shell *sh, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : var_get(sh, "HOME");
	char cwd[PATH_MAX], old[PATH_MAX] = "";
	int print = 0;

	if (dir && strcmp(dir, "-") == 0) {
		dir = var_get(sh, "OLDPWD");
		print = 1;
	}
	if (!dir || !*dir) {
		sh_error(sh, "cd: %s not set", argc > 1 ? "OLDPWD" : "HOME");
		return 1;
	}
	if (!getcwd(old, sizeof(old)))
		old[0] = '\0';
	if (chdir(dir) != 0) {
		sh_error(sh, "cd: %s: %s", dir, strerror(errno));
		return 1;
	}
	if (getcwd(cwd, sizeof(cwd))) {
		var_set(sh, "OLDPWD", old, 0);
		var_set(sh, "PWD", cwd, 0);
		if (print)
			printf("%s\n", cwd);
	}
	return 0;
}

static int b_pwd(struct shell *sh, int argc, char **argv)
{
	char cwd[PATH_MAX];

	(void)argc;
	(void)argv;
	if (!getcwd(cwd, sizeof(cwd))) {
		sh_error(sh, "pwd: %s", strerror(errno));
		return 1;
	}
	printf("%s\n", cwd);
	return 0;
}

/* ---- variables ---- */

static int b_export(struct shell *sh, int argc, char **argv)
{
	int status = 0;

	if (argc == 1 || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
		for (struct var *v = sh->vars; v; v = v->next)
			if (v->exported)
				printf("export %s%s%s%s\n", v->name, v->value ? "='" : "",
				       v->value ? v->value : "", v->value ? "'" : "");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strchr(argv[i], '=')) {
			if (var_assign(sh, argv[i], 1) != 0) {
				sh_error(sh, "export: %s: bad variable name", argv[i]);
				status = 1;
			}
		} else if (!is_shell_name(argv[i], strlen(argv[i]))) {
			sh_error(sh, "export: %s: bad variable name", argv[i]);
			status = 1;
		} else {
			var_export(sh, argv[i]);
		}
	}
	return status;
}

static int b_unset(struct shell *sh, int argc, char **argv)
{
	int funcs = 0, i = 1;

	if (i < argc && (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "-v") == 0))
		funcs = argv[i++][1] == 'f';
	for (; i < argc; i++) {
		if (funcs) {
			for (struct func **pf = &sh->funcs; *pf; pf = &(*pf)->next) {
				if (strcmp((*pf)->name, argv[i]) == 0) {
					struct func *f = *pf;
					*pf = f->next;
					free(f->name);
					free(f);
					break;
				}
			}
		} else {
			var_unset(sh, argv[i]);
		}
	}
	return 0;
}

static int b_local(struct shell *sh, int argc, char **argv)
{
	if (!sh->in_function) {
		sh_error(sh, "local: not in a function");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		char name[256];
		if (n >= sizeof(name) || !is_shell_name(argv[i], n)) {
			sh_error(sh, "local: %s: bad variable name", argv[i]);
			return 1;
		}
		memcpy(name, argv[i], n);
		name[n] = '\0';
		var_local(sh, name);
		if (eq)
			var_set(sh, name, eq + 1, 0);
	}
	return 0;
}

static int b_shift(struct shell *sh, int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;

	if (n < 0 || n > sh->argc) {
		sh_error(sh, "shift: can't shift that many");
		return 1;
	}
	sh->argv += n;
	sh->argc -= n;
	return 0;
}

/* ---- set ---- */

static int *option_flag(struct shell *sh, char c)
{
	switch (c) {
	case 'e': return &sh->opt_errexit;
	case 'u': return &sh->opt_nounset;
	case 'x': return &sh->opt_xtrace;
	case 'f': return &sh->opt_noglob;
	default: return NULL;
	}
}

static int *long_option(struct shell *sh, const char *name)
{
	static const struct { const char *name; char c; } names[] = {
		{ "errexit", 'e' }, { "nounset", 'u' }, { "xtrace", 'x' }, { "noglob", 'f' },
	};

	if (strcmp(name, "pipefail") == 0)
		return &sh->opt_pipefail;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return option_flag(sh, names[i].c);
	return NULL;
}

int set_positional(struct shell *sh, int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof(char *));

	if (!v)
		abort();
	for (int i = 0; i < argc; i++)
		v[i] = strdup(argv[i]);
	strv_free(sh->argv_owned);   /* nothing walks it: every expansion copies */
	sh->argv_owned = v;
	sh->argv = v;
	sh->argc = argc;
	return 0;
}

static void print_vars(struct shell *sh)
{
	for (struct var *v = sh->vars; v; v = v->next)
		if (v->value)
			printf("%s='%s'\n", v->name, v->value);
}

int b_set(struct shell *sh, int argc, char **argv)
{
	int i = 1;

	if (argc == 1) {
		print_vars(sh);
		return 0;
	}
	for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+'); i++) {
		int on = argv[i][0] == '-';
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][1] == 'o') {
			int *f = i + 1 < argc ? long_option(sh, argv[i + 1]) : NULL;
			if (!f) {
				sh_error(sh, "set: %s: unknown option", i + 1 < argc ? argv[i + 1] : "-o");
				return 2;
			}
			*f = on;
			i++;
			continue;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			int *f = option_flag(sh, *c);
			if (!f) {
				sh_error(sh, "set: -%c: unknown option", *c);
				return 2;
			}
			*f = on;
		}
	}
	if (i < argc || (i > 1 && strcmp(argv[i - 1], "--") == 0))
		set_positional(sh, argc - i, argv + i);
	return 0;
}

/* ---- flow ---- */

static int b_exit(struct shell *sh, int argc, char **argv)
{
	sh_exit(sh, argc > 1 ? atoi(argv[1]) & 255 : sh->status);
}

static int b_return(struct shell *sh, int argc, char **argv)
{
	if (!sh->in_function) {
		sh_error(sh, "return: not in a function");
		return 1;
	}
	sh->status = argc > 1 ? atoi(argv[1]) & 255 : sh->status;
	sh->flow = FLOW_RETURN;
	return sh->status;
}

static int loop_flow(struct shell *sh, int argc, char **argv, enum flow f)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;

	if (n < 1) {
		sh_error(sh, "%s: bad number", argv[0]);
		return 1;
	}
	if (sh->loop_depth == 0)
		return 0;
	sh->flow = f;
	sh->flow_levels = n > sh->loop_depth ? sh->loop_depth : n;
	return 0;
}

static int b_break(struct shell *sh, int argc, char **argv)
{
	return loop_flow(sh, argc, argv, FLOW_BREAK);
}

static int b_continue(struct shell *sh, int argc, char **argv)
{
	return loop_flow(sh, argc, argv, FLOW_CONTINUE);
}

static int b_true(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	(void)argc;
	(void)argv;
	return 0;
}

static int b_false(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	(void)argc;
	(void)argv;
	return 1;
}

static int b_eval(struct shell *sh, int argc, char **argv)
{
	size_t len = 0;
	char *text;
	int status;

	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	text = calloc(len + 1, 1);
	if (!text)
		abort();
	for (int i = 1; i < argc; i++) {
		strcat(text, argv[i]);
		if (i + 1 < argc)
			strcat(text, " ");
	}
	status = exec_string(sh, text, "eval");
	free(text);
	return status;
}

static int b_dot(struct shell *sh, int argc, char **argv)
{
	char *path, *text;
	FILE *f;
	long size;
	int status;

	if (argc < 2) {
		sh_error(sh, ".: filename argument required");
		return 2;
	}
	path = strchr(argv[1], '/') ? strdup(argv[1]) : find_in_path(sh, argv[1]);
	if (!path && access(argv[1], R_OK) == 0)
		path = strdup(argv[1]);
	if (!path || !(f = fopen(path, "r"))) {
		sh_error(sh, ".: %s: not found", argv[1]);
		free(path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc((size_t)size + 1, 1);
	if (!text || fread(text, 1, (size_t)size, f) != (size_t)size)
		size = 0;
	fclose(f);
	status = exec_string(sh, text ? text : "", path);
	free(text);
	free(path);
	return status;
}

static int b_exec(struct shell *sh, int argc, char **argv)
{
	char **env;

	if (argc < 2)
		return 0;   /* redirections alone: applied for good by the caller */
	env = var_environ(sh);
	fflush(NULL);
	execvpe(argv[1], argv + 1, env);
	sh_error(sh, "exec: %s: %s", argv[1], errno == ENOENT ? "not found" : strerror(errno));
	strv_free(env);
	if (!sh->interactive)
		sh_exit(sh, errno == ENOENT ? 127 : 126);
	return errno == ENOENT ? 127 : 126;
}

/* ---- jobs ---- */

static pid_t job_pid(struct shell *sh, const char *spec, enum job_where *where)
{
	*where = JOB_GUEST;
	if (spec[0] == '%') {
		struct job *j = jobs_find(sh, atoi(spec + 1));
		if (!j)
			return -1;
		*where = j->where;
		return j->pid;
	}
	for (struct job *j = sh->jobs; j; j = j->next)
		if (j->pid == atoi(spec))
			*where = j->where;
	return atoi(spec);
}

static int b_wait(struct shell *sh, int argc, char **argv)
{
	int status = 0;
	enum job_where where;

	if (argc == 1)
		return jobs_wait(sh, 0);
	for (int i = 1; i < argc; i++) {
		pid_t pid = job_pid(sh, argv[i], &where);
		status = pid > 0 ? jobs_wait(sh, pid) : 127;
	}
	return status;
}

static int b_jobs(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	jobs_print(sh);
	return 0;
}

static int b_fg(struct shell *sh, int argc, char **argv)
{
	struct job *j = sh->jobs;

	if (argc > 1) {
		j = argv[1][0] == '%' ? jobs_find(sh, atoi(argv[1] + 1)) : NULL;
		for (struct job *k = sh->jobs; !j && k; k = k->next)
			if (k->pid == atoi(argv[1]))
				j = k;
	}
	if (!j) {
		sh_error(sh, "%s: no such job", argv[0]);
		return 1;
	}
	if (sh->interactive)
		fprintf(stderr, "%s\n", j->cmd);
	return jobs_continue(sh, j, strcmp(argv[0], "fg") == 0);
}

static const struct { const char *name; int sig; } signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "WINCH", SIGWINCH },
	{ "EXIT", 0 },
};

int signal_number(const char *name)
{
	if (isdigit((unsigned char)name[0]))
		return atoi(name);
	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(name, signals[i].name) == 0)
			return signals[i].sig;
	return -1;
}

static int kill_one(struct shell *sh, const char *spec, int sig)
{
	enum job_where where;
	pid_t pid = job_pid(sh, spec, &where);
	struct job *j = spec[0] == '%' ? jobs_find(sh, atoi(spec + 1)) : NULL;
	int r;

	if (j && j->pipe) {   /* a pipeline: every stage, on either side */
		pipejob_signal(sh, j, sig);
		return 0;
	}
	if (pid <= 0 && spec[0] == '%') {
		sh_error(sh, "kill: %s: no such job", spec);
		return 1;
	}
	if (where == JOB_HOST) {
		r = sh->host ? hc_kill(sh->host, pid, sig) : -ESRCH;
	} else {
		r = kill(pid, sig) == 0 ? 0 : -errno;
	}
	if (r != 0) {
		sh_error(sh, "kill: %s: %s", spec, strerror(-r));
		return 1;
	}
	return 0;
}

static int b_kill(struct shell *sh, int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		for (size_t k = 0; k + 1 < sizeof(signals) / sizeof(signals[0]); k++)
			printf("%s%c", signals[k].name, k + 2 < sizeof(signals) / sizeof(signals[0]) ? ' ' : '\n');
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		sig = signal_number(argv[2]);
		i = 3;
	} else if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		sig = signal_number(argv[1] + 1);
		i = 2;
	}
	if (sig < 0) {
		sh_error(sh, "kill: bad signal");
		return 2;
	}
	if (i >= argc) {
		sh_error(sh, "kill: usage: kill [-s SIGNAL | -SIGNAL] pid|%%job...");
		return 2;
	}
	for (; i < argc; i++)
		status |= kill_one(sh, argv[i], sig);
	return status;
}

static int b_trap(struct shell *sh, int argc, char **argv)
{
	int i = 1;
	const char *action;

	if (argc == 1) {
		for (int s = 0; s < 65; s++)
			if (sh->traps[s])
				printf("trap -- '%s' %d\n", sh->traps[s], s);
		return 0;
	}
	action = argv[i++];
	if (i == argc && signal_number(action) >= 0) {   /* "trap SIG": reset */
		i--;
		action = "-";
	}
	for (; i < argc; i++) {
		int sig = signal_number(argv[i]);
		if (sig < 0 || sig > 64) {
			sh_error(sh, "trap: %s: bad signal", argv[i]);
			return 1;
		}
		free(sh->traps[sig]);
		sh->traps[sig] = strcmp(action, "-") == 0 ? NULL : strdup(action);
		if (sig > 0)
			traps_install(sh, sig);
	}
	return 0;
}

/* ---- type, alias, help ---- */

static int b_type(struct shell *sh, int argc, char **argv)
{
	int status = 0, special;

	for (int i = 1; i < argc; i++) {
		char *path;
		struct func *f;
		for (f = sh->funcs; f && strcmp(f->name, argv[i]); f = f->next)
			;
		if (alias_value(sh, argv[i]))
			printf("%s is an alias for %s\n", argv[i], alias_value(sh, argv[i]));
		else if (f)
			printf("%s is a function\n", argv[i]);
		else if (builtin_find(argv[i], &special))
			printf("%s is a shell %sbuiltin\n", argv[i], special ? "special " : "");
		else if ((path = find_in_path(sh, argv[i]))) {
			printf("%s is %s\n", argv[i], path);
			free(path);
		} else {
			printf("%s: not found\n", argv[i]);
			status = 1;
		}
	}
	return status;
}

const char *alias_value(struct shell *sh, const char *name)
{
	for (struct alias *a = sh->aliases; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->value;
	return NULL;
}

static int b_alias(struct shell *sh, int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		for (struct alias *a = sh->aliases; a; a = a->next)
			printf("%s='%s'\n", a->name, a->value);
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		struct alias *a;
		if (!eq) {
			const char *v = alias_value(sh, argv[i]);
			if (v)
				printf("%s='%s'\n", argv[i], v);
			else
				status = 1;
			continue;
		}
		*eq = '\0';
		for (a = sh->aliases; a && strcmp(a->name, argv[i]); a = a->next)
			;
		if (!a) {
			a = calloc(1, sizeof(*a));
			a->name = strdup(argv[i]);
			a->next = sh->aliases;
			sh->aliases = a;
		}
		free(a->value);
		a->value = strdup(eq + 1);
		*eq = '=';
	}
	return status;
}

static int b_unalias(struct shell *sh, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		for (struct alias **pa = &sh->aliases; *pa; pa = &(*pa)->next) {
			if (strcmp(argv[i], "-a") == 0 || strcmp((*pa)->name, argv[i]) == 0) {
				struct alias *a = *pa;
				*pa = a->next;
				free(a->name);
				free(a->value);
				free(a);
				if (strcmp(argv[i], "-a") == 0) {
					pa = &sh->aliases;
					if (!*pa)
						break;
					continue;
				}
				break;
			}
		}
	}
	return 0;
}

static int b_help(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	(void)argc;
	(void)argv;
	printf("dosh, the dual OS shell: a POSIX-style shell where a word starting with '!'\n"
	       "means the host.\n\n"
	       "  !cmd args       run cmd on the host, in the host cwd and environment\n"
	       "  !cd DIR, !pwd, !export VAR=value, !unset VAR   change the host context\n"
	       "  cmd < !file     a host file for a guest command (also >, >>, 2>)\n"
	       "  a | !b | c      pipelines mix guest and host commands freely\n\n"
	       "builtins: cd pwd export unset local exit return break continue set shift read\n"
	       "echo printf test [ true false : . eval exec wait jobs fg bg kill trap type\n"
	       "alias unalias help\n\nSee dosh(1).\n");
	return 0;
}

static const struct builtin {
	const char *name;
	builtin_fn fn;
	int special;
} builtins[] = {
	{ ".", b_dot, 1 }, { ":", b_true, 1 }, { "[", b_test, 0 }, { "alias", b_alias, 0 },
	{ "bg", b_fg, 0 }, { "break", b_break, 1 }, { "cd", b_cd, 0 },
	{ "continue", b_continue, 1 }, { "echo", b_echo, 0 }, { "eval", b_eval, 1 },
	{ "exec", b_exec, 1 }, { "exit", b_exit, 1 }, { "export", b_export, 1 },
	{ "false", b_false, 0 }, { "fg", b_fg, 0 }, { "help", b_help, 0 }, { "jobs", b_jobs, 0 },
	{ "kill", b_kill, 0 }, { "local", b_local, 0 }, { "printf", b_printf, 0 },
	{ "pwd", b_pwd, 0 }, { "read", b_read, 0 }, { "return", b_return, 1 }, { "set", b_set, 1 },
	{ "shift", b_shift, 1 }, { "test", b_test, 0 }, { "trap", b_trap, 1 },
	{ "true", b_true, 0 }, { "type", b_type, 0 }, { "unalias", b_unalias, 0 },
	{ "unset", b_unset, 1 }, { "wait", b_wait, 0 },
};

builtin_fn builtin_find(const char *name, int *special)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (strcmp(builtins[i].name, name) == 0) {
			*special = builtins[i].special;
			return builtins[i].fn;
		}
	}
	return NULL;
}

int builtin_is_exec(builtin_fn fn)
{
	return fn == b_exec;
}
