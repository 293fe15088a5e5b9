/* flow.c: the builtins that steer evaluation: exit, return, break, continue, true, false, eval, ., exec, times. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.h"
#include "exec.h"
#include "input.h"

int b_exit(struct shell *sh, int argc, char **argv)
{
	/* in a trap, exit alone leaves with $? as it was when the trap began */
	int status = sh->trap_depth ? sh->trap_status : sh->status;

	if (argc > 1 && sh_number(sh, argv[1], &status) != 0)
		return 2;
	sh_exit(sh, status & 255);
}

/* Outside a function, return leaves the script being read: a dot file, or the shell's input. */
int b_return(struct shell *sh, int argc, char **argv)
{
	int status = sh->status;

	if (argc > 1 && sh_number(sh, argv[1], &status) != 0)
		return 2;
	sh->status = status;    /* not cut to 8 bits: dash keeps 256 in $? */
	sh->flow = FLOW_RETURN;
	return status;
}

static int loop_flow(struct shell *sh, int argc, char **argv, enum flow f)
{
	int n = 1;

	if (argc > 1 && sh_number(sh, argv[1], &n) != 0)
		return 2;
	if (n < 1) {
		sh_fail(sh, "Illegal number: %s", argv[1]);
		return 2;
	}
	if (sh->loop_depth == 0)
		return 0;
	sh->flow = f;
	sh->flow_levels = n > sh->loop_depth ? sh->loop_depth : n;
	return 0;
}

int b_break(struct shell *sh, int argc, char **argv)
{
	return loop_flow(sh, argc, argv, FLOW_BREAK);
}

int b_continue(struct shell *sh, int argc, char **argv)
{
	return loop_flow(sh, argc, argv, FLOW_CONTINUE);
}

int b_true(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	(void)argc;
	(void)argv;
	return 0;
}

int b_false(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	(void)argc;
	(void)argv;
	return 1;
}

int b_eval(struct shell *sh, int argc, char **argv)
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

/* The file . reads: a name with a slash as it is, else the first regular file in PATH. */
static char *dot_path(struct shell *sh, const char *name)
{
	const char *path = var_get(sh, "PATH");
	char buf[4096];

	if (strchr(name, '/'))
		return strdup(name);
	for (const char *p = path ? path : ""; path;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		struct stat st;
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)len, p, len ? "/" : "", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode))
			return strdup(buf);
		if (!colon)
			break;
		p = colon + 1;
	}
	sh_fail(sh, "%s: not found", name);
	return NULL;
}

int b_dot(struct shell *sh, int argc, char **argv)
{
	char *path, *text;
	int status, cond;

	if (argc < 2)
		return 0;
	if (!(path = dot_path(sh, argv[1])))
		return 2;
	if (!(text = input_read_file(path))) {
		sh_fail(sh, "cannot open %s: %s", argv[1], errno == ENOENT ? "No such file" : strerror(errno));
		free(path);
		return 2;
	}
	cond = sh->cond;
	sh->cond = 0;   /* as dash: set -e holds in the file, even run in a condition */
	status = exec_string(sh, text, path);
	sh->cond = cond;
	if (sh->flow == FLOW_RETURN) {     /* return in the file ends the file */
		sh->flow = FLOW_NONE;
		status = sh->status;
	}
	free(text);
	free(path);
	return status;
}

/* exec at a terminal: the program replaces dosh, or dosh says why not and goes on. */
static int exec_interactive(struct shell *sh, char **argv, char **env)
{
	int err = ENOENT, idx = 0;
	char *path;

	if (!strchr(argv[0], '/'))
		idx = path_search(path_value(sh), argv[0], &err);
	path = idx < 0 ? NULL : strchr(argv[0], '/') ? strdup(argv[0]) :
				path_candidate(path_value(sh), argv[0], idx);
	if (path) {
		fflush(NULL);
		execve(path, argv, env);
		err = errno;
		free(path);
	}
	sh_error(sh, "exec: %s: %s", argv[0], exec_errmsg(err));
	strv_free(env);
	return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

int b_exec(struct shell *sh, int argc, char **argv)
{
	char **env;

	if (argc < 2)
		return 0;   /* redirections alone: applied for good by the caller */
	env = var_environ(sh);
	if (!sh->interactive)   /* the shell's PATH, as dash searches it; a failure ends the shell */
		shell_exec(sh, argv + 1, env, path_value(sh), 0);
	return exec_interactive(sh, argv + 1, env);
}
