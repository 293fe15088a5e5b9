/* jobs.c: background jobs on either side, the wait and jobs builtins, and trap delivery. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "exec.h"
#include "host.h"
#include "hostpty.h"
#include "hostcall.h"
#include "pipejob.h"
#include "jobs.h"

static volatile sig_atomic_t caught[65];
static volatile sig_atomic_t any_caught;   /* some caught[] is set: run after every command */

void jobs_add(struct shell *sh, pid_t pid, enum job_where where, struct node *n)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j)
		abort();
	j->id = 1;   /* one past the highest job there is, as sh numbers them */
	for (struct job *o = sh->jobs; o; o = o->next)
		if (o->id >= j->id)
			j->id = o->id + 1;
	j->pid = pid;
	j->where = where;
	j->cmd = strdup(n->type == N_SIMPLE && n->simple.words.n ? n->simple.words.v[0] : "job");
	j->next = sh->jobs;
	sh->jobs = j;
	j->pgid = sh->job_pgid ? sh->job_pgid : pid;
}

void jobs_say_started(const struct shell *sh)
{
	if (sh->interactive && sh->jobs)
		fprintf(stderr, "[%d] %d\n", sh->jobs->id, (int)sh->jobs->pid);
}

static void job_free(struct job *j)
{
	if (j->pty)
		hostpty_free(NULL, j->pty);
	if (j->pipe)
		pipejob_free(j->pipe);
	for (int i = 0; i < j->nrelays; i++)
		waitpid(j->relays[i], NULL, 0);
	free(j->cmd);
	free(j);
}

void jobs_forget(struct shell *sh)
{
	while (sh->jobs) {
		struct job *j = sh->jobs;
		sh->jobs = j->next;
		job_free(j);
	}
}

void jobs_say_stopped(const struct job *j)
{
	fprintf(stderr, "\n[%d] Stopped %s%s\n", j->id, j->where == JOB_HOST ? "!" : "", j->cmd);
}

int jobs_after_foreground(struct job *j, int stopped, int status)
{
	if (stopped) {
		j->stopped = 1;
		jobs_say_stopped(j);
	} else {
		j->done = 1;
		j->status = status;
	}
	return status;
}

int jobs_wait_foreground(struct shell *sh, pid_t pid, struct node *n)
{
	int st;
	pid_t pgid = sh->job_pgid;

	if (!sh->jc || sh->subshell)
		return wait_pid(sh, pid);
	while (waitpid(pid, &st, WUNTRACED) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT)
		fputc('\n', stderr);   /* the prompt starts on a line of its own after ^C */
	if (WIFSTOPPED(st)) {
		jobs_add(sh, pid, JOB_GUEST, n);
		sh->jobs->pgid = pgid ? pgid : pid;
		sh->jobs->stopped = 1;
		jobs_say_stopped(sh->jobs);
	}
	return status_of(st);
}

int jobs_continue(struct shell *sh, struct job *j, int foreground)
{
	pid_t pgid = j->pgid ? j->pgid : j->pid;
	int st;

	if (j->where == JOB_HOST && j->pty && foreground) {
		int status = hostpty_resume(sh, j);
		if (j->done)
			jobs_wait(sh, j->pid);
		return status;
	}
	if (j->pipe) {
		int status = pipejob_continue(sh, j, foreground);
		if (j->done)
			jobs_wait(sh, j->pid);
		return status;
	}
	j->stopped = 0;
	if (j->where == JOB_HOST) {
		if (sh->host)
			hc_kill(sh->host, -pgid, SIGCONT);
		return foreground ? jobs_wait(sh, j->pid) : 0;
	}
	if (foreground && sh->jc)
		tcsetpgrp(sh->tty, pgid);
	kill(-pgid, SIGCONT);
	if (!foreground)
		return 0;
	while (waitpid(j->pid, &st, WUNTRACED) < 0 && errno == EINTR)
		;
	if (sh->jc)
		tcsetpgrp(sh->tty, sh->shell_pgid);
	jobs_after_foreground(j, WIFSTOPPED(st), status_of(st));
	if (j->done)
		jobs_wait(sh, j->pid);
	return status_of(st);
}

struct job *jobs_find(struct shell *sh, int id)
{
	for (struct job *j = sh->jobs; j; j = j->next)
		if (j->id == id)
			return j;
	return NULL;
}

static int wait_job(struct shell *sh, struct job *j, int options)
{
	int st = 0;
	pid_t r;

	if (j->done)
		return j->status;
	if (j->stopped)   /* it would never end: wait reports the stop, the job stays */
		return options == WNOHANG ? -1 : 128 + SIGTSTP;
	if (j->pipe) {
		if ((st = pipejob_wait(sh, j, options)) < 0)
			return -1;
		j->done = 1;
		j->status = st;
		return st;
	}
	if (j->where == JOB_HOST) {
		if (!sh->host)
			return 127;
		r = hc_waitpid(sh->host, j->pid, &st, options);
		if (r < 0)
			host_note_failure(sh, r);
	} else {
		while ((r = waitpid(j->pid, &st, options)) < 0 && errno == EINTR)
			;
	}
	if (r == 0)
		return -1;   /* still running */
	j->done = 1;
	j->status = r < 0 ? 127 : status_of(st);
	return j->status;
}

static void unlink_job(struct shell *sh, struct job *dead)
{
	for (struct job **pj = &sh->jobs; *pj; pj = &(*pj)->next) {
		if (*pj == dead) {
			*pj = dead->next;
			job_free(dead);
			return;
		}
	}
}

int jobs_wait(struct shell *sh, pid_t pid)
{
	int status = 0;

	struct job *j, *next;

	for (j = sh->jobs; j; j = next) {
		next = j->next;
		if (pid != 0 && j->pid != pid)
			continue;
		status = wait_job(sh, j, 0);
		if (!j->stopped)
			unlink_job(sh, j);
		if (pid != 0)
			return status;
	}
	return pid == 0 ? 0 : 127;
}

void jobs_print(struct shell *sh)
{
	for (struct job *j = sh->jobs; j; j = j->next) {
		int st = wait_job(sh, j, WNOHANG);
		printf("[%d] %-8s %s%s\n", j->id, j->stopped ? "Stopped" : st < 0 ? "Running" : "Done",
		       j->where == JOB_HOST ? "!" : "", j->cmd);
	}
}

void jobs_reap(struct shell *sh)
{
	struct job *j = sh->jobs, *next;

	for (; j; j = next) {
		next = j->next;
		if (j->where == JOB_GUEST && wait_job(sh, j, WNOHANG) >= 0 && sh->interactive) {
			fprintf(stderr, "[%d] Done %s\n", j->id, j->cmd);
			unlink_job(sh, j);
		}
	}
}

/* ---- traps ---- */

static void on_signal(int sig)
{
	if (sig > 0 && sig < 65)
		caught[sig] = 1, any_caught = 1;
}

void traps_install(struct shell *sh, int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (!sh->traps[sig])
		sa.sa_handler = SIG_DFL;
	else if (!*sh->traps[sig])
		sa.sa_handler = SIG_IGN;
	else
		sa.sa_handler = on_signal;
	sigaction(sig, &sa, NULL);
}

void traps_run_pending(struct shell *sh)
{
	if (!any_caught)
		return;
	any_caught = 0;
	for (int sig = 1; sig < 65; sig++) {
		if (!caught[sig])
			continue;
		caught[sig] = 0;
		if (sh->traps[sig] && *sh->traps[sig]) {
			int saved = sh->status;
			char *cmd = strdup(sh->traps[sig]);
			exec_string(sh, cmd, "trap");
			free(cmd);
			sh->status = saved;
		}
	}
}
