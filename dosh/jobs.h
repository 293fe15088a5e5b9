/* jobs.h: background jobs (guest and host), waiting for them, and traps. */
#ifndef DOSH_JOBS_H
#define DOSH_JOBS_H

#include "shell.h"

/* jobs_add - remember a background job started by @n. */
void jobs_add(struct shell *sh, pid_t pid, enum job_where where, struct node *n);
/* jobs_say_started - "[N] pid" for the job just added, when interactive. */
void jobs_say_started(const struct shell *sh);
/* jobs_forget - in a subshell: the parent's jobs are not ours. */
void jobs_forget(struct shell *sh);
/*
 * jobs_wait_foreground - wait for a foreground guest child; with job control a
 * child stopped by Ctrl-Z becomes a stopped job (@n names it). Returns: its status.
 */
int jobs_wait_foreground(struct shell *sh, pid_t pid, struct node *n);
/* jobs_say_stopped - tell the terminal that job @j has stopped. */
void jobs_say_stopped(const struct job *j);
/*
 * jobs_after_foreground - @j ran in the foreground until it stopped (@stopped)
 * or ended with @status: note which, saying so when it stopped. Returns: @status.
 */
int jobs_after_foreground(struct job *j, int stopped, int status);
/* jobs_continue - fg/bg: continue job @j, in the foreground (waited for) or not. */
int jobs_continue(struct shell *sh, struct job *j, int foreground);
/* jobs_wait - the wait builtin: all jobs (@pid 0) or one. Returns: the status. */
int jobs_wait(struct shell *sh, pid_t pid);
/* jobs_find - the job with id @id (for %N), or NULL. */
struct job *jobs_find(struct shell *sh, int id);
/* jobs_print - the jobs builtin. */
void jobs_print(struct shell *sh);
/* jobs_reap - note finished background jobs without blocking; report them when interactive. */
void jobs_reap(struct shell *sh);

/* traps_install - catch @sig for trap commands (or restore its default with NULL). */
void traps_install(struct shell *sh, int sig);
/* traps_run_pending - run the trap commands of signals that arrived. */
void traps_run_pending(struct shell *sh);

#endif
