/* jobs.c: the builtins of jobs: wait, jobs, fg, bg. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "jobs.h"

pid_t job_pid(struct shell *sh, const char *spec, enum job_where *where)
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

int b_wait(struct shell *sh, int argc, char **argv)
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

int b_jobs(struct shell *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	jobs_print(sh);
	return 0;
}

int b_fg(struct shell *sh, int argc, char **argv)
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
