/* flow.c: the builtins that steer evaluation: exit, return, break, continue, true, false, eval, ., exec. */
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

/*
 * The status operand of exit and return, as dash reads a number: decimal digits up
 * to INT_MAX. Anything else is "Illegal number", which ends a non-interactive shell.
 */
static int status_operand(struct shell *sh, const char *cmd, const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (!isdigit((unsigned char)arg[0]) || *end || errno || n > INT_MAX) {
		sh_error(sh, "%s: Illegal number: %s", cmd, arg);
		if (!sh->interactive)
			sh_exit(sh, 2);
		return -1;
	}
	return (int)n;
}

int b_exit(struct shell *sh, int argc, char **argv)
{
	int status = argc > 1 ? status_operand(sh, "exit", argv[1]) : sh->status;

	if (status < 0)
		return 2;
	sh_exit(sh, status & 255);
}

int b_return(struct shell *sh, int argc, char **argv)
{
	int status = argc > 1 ? status_operand(sh, "return", argv[1]) : sh->status;

	if (status < 0)
		return 2;
	/* not cut to 8 bits (dash's $? shows 256); outside a function it ends the script or
	   subshell, as in dash */
	sh->status = status;
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

int b_dot(struct shell *sh, int argc, char **argv)
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
	if (sh->flow == FLOW_RETURN) {   /* "return" in the script ends the script only */
		sh->flow = FLOW_NONE;
		status = sh->status;
	}
	free(text);
	free(path);
	return status;
}

int b_exec(struct shell *sh, int argc, char **argv)
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

