/* jobs.c: the builtins of jobs: wait, jobs, fg, bg; and the option and number reading they share with kill and trap. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "jobs.h"

/* ---- shared with the other builtins ---- */

/* sh's option parser: "--" ends the options, "-" is an operand. Returns: the first operand, or -1. */
static int read_options(struct shell *sh, int argc, char **argv, const char *known, int *seen)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		for (const char *p = argv[i] + 1; *p; p++) {
			if (!strchr(known, *p)) {
				sh_error(sh, "%s: Illegal option -%c", argv[0], *p);
				return -1;
			}
			*seen = *p;
		}
	}
	return i;
}

int builtin_no_options(struct shell *sh, int argc, char **argv)
{
	int seen;

	return read_options(sh, argc, argv, "", &seen);
}

int builtin_number(struct shell *sh, const char *cmd, const char *s, int *out)
{
	char *end;
	intmax_t n;

	errno = 0;
	n = strtoimax(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || end == s || *end || n < 0 || n > INT_MAX) {
		sh_error(sh, "%s: Illegal number: %s", cmd, s);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* ---- wait ---- */

/* The job a wait operand names. Returns: 0 (*j NULL: no such pid), or -1 after a message. */
static int wait_operand(struct shell *sh, const char *arg, struct job **j)
{
	int pid;

	if (arg[0] == '%')
		return (*j = jobs_get(sh, "wait", arg, 0)) ? 0 : -1;
	if (builtin_number(sh, "wait", arg, &pid) != 0)
		return -1;
	*j = jobs_by_pid(sh, pid);
	return 0;
}

int b_wait(struct shell *sh, int argc, char **argv)
{
	int i = builtin_no_options(sh, argc, argv), status = 127, sig;
	struct job *j;

	if (i < 0)
		return 2;
	if (i == argc)
		return (sig = jobs_wait(sh, NULL, &status)) ? 128 + sig : 0;
	for (; i < argc; i++) {   /* an unknown pid leaves the status as it was (127 at first) */
		if (wait_operand(sh, argv[i], &j) != 0)
			return 2;
		if (j && (sig = jobs_wait(sh, j, &status)) != 0)
			return 128 + sig;
	}
	return status;
}

/* ---- jobs, fg, bg ---- */

int b_jobs(struct shell *sh, int argc, char **argv)
{
	int seen = 0, i = read_options(sh, argc, argv, "lp", &seen);
	enum jobs_mode mode = seen == 'l' ? JOBS_LONG : seen == 'p' ? JOBS_PIDS : JOBS_NORMAL;

	if (i < 0)
		return 2;
	if (i == argc) {
		jobs_print(sh, mode);
		return 0;
	}
	for (; i < argc; i++) {
		struct job *j = jobs_get(sh, "jobs", argv[i], 0);
		if (!j)
			return 2;
		jobs_show(sh, stdout, j, mode);
	}
	return 0;
}

int b_fg(struct shell *sh, int argc, char **argv)
{
	int i = builtin_no_options(sh, argc, argv), foreground = strcmp(argv[0], "fg") == 0;
	int status = 0;

	if (i < 0)
		return 2;
	do {
		struct job *j = jobs_get(sh, argv[0], i < argc ? argv[i] : NULL, 1);
		if (!j)
			return 2;
		if (foreground)
			printf("%s\n", j->cmd);
		else
			printf("[%d] %s\n", j->id, j->cmd);
		fflush(stdout);
		status = jobs_continue(sh, j, foreground);
	} while (++i < argc);
	return status;
}
