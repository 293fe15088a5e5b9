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

int b_exit(struct shell *sh, int argc, char **argv)
{
	/* in a trap, exit alone leaves with $? as it was when the trap began */
	sh_exit(sh, argc > 1 ? atoi(argv[1]) & 255 : sh->trap_depth ? sh->trap_status : sh->status);
}

int b_return(struct shell *sh, int argc, char **argv)
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

