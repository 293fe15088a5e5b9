/* jobs.h: background jobs (guest and host), waiting for them, and traps. */
#ifndef DOSH_JOBS_H
#define DOSH_JOBS_H

#include <stdio.h>

#include "shell.h"

/* jobs_add - remember a job started by @n (running, after the stopped ones). Returns: it. */
struct job *jobs_add(struct shell *sh, pid_t pid, enum job_where where, struct node *n);
/*
 * jobs_note_fork - a foreground command, subshell, pipeline or $(...) is being
 * forked: sh gives it a job number for the while, and so frees the slot of an
 * ended job that wait reported, as the next background job would.
 */
void jobs_note_fork(struct shell *sh);
/* jobs_say_started - "[N] pid" for job @j just started, when interactive. */
void jobs_say_started(const struct shell *sh, const struct job *j);
/* jobs_forget - in a subshell: the parent's jobs are not ours. */
void jobs_forget(struct shell *sh);
/* jobs_free - drop job @j from the table. */
void jobs_free(struct shell *sh, struct job *j);
/*
 * jobs_wait_foreground - wait for a foreground guest child; with job control a
 * child stopped by Ctrl-Z becomes a stopped job (@n names it). Returns: its status.
 */
int jobs_wait_foreground(struct shell *sh, pid_t pid, struct node *n);
/* jobs_say_stopped - tell the terminal that job @j has stopped. */
void jobs_say_stopped(const struct job *j);
/* jobs_set_stopped - @j has stopped: it becomes the current job, and the terminal is told. */
void jobs_set_stopped(struct shell *sh, struct job *j);
/*
 * jobs_after_foreground - @j ran in the foreground until it stopped (@stopped)
 * or ended with @status: note which, saying so when it stopped. Returns: @status.
 */
int jobs_after_foreground(struct shell *sh, struct job *j, int stopped, int status);
/* jobs_continue - fg/bg: continue job @j, in the foreground (waited for) or not. */
int jobs_continue(struct shell *sh, struct job *j, int foreground);
/*
 * jobs_wait - the wait builtin: for @target, or every job (NULL), to end or stop;
 * *status is @target's status (0 for all). Returns: 0, or the trapped signal that came first.
 */
int jobs_wait(struct shell *sh, struct job *target, int *status);
/* jobs_wait_one - wait for @j whatever signals come, and drop it once done. Returns: its status. */
int jobs_wait_one(struct shell *sh, struct job *j);
/*
 * jobs_get - the job @name (%N, %+, %-, %%, %str, %?str; NULL: the current one)
 * names for builtin @cmd, which with @want_control takes only jobs under job
 * control. Returns: it, or NULL with a message.
 */
struct job *jobs_get(struct shell *sh, const char *cmd, const char *name, int want_control);
/* jobs_by_pid - the job whose $! is @pid, or NULL. */
struct job *jobs_by_pid(struct shell *sh, pid_t pid);
/* jobs_where - the side a pid operand's job runs on. */
enum job_where jobs_where(struct shell *sh, const char *spec);

enum jobs_mode { JOBS_NORMAL, JOBS_LONG, JOBS_PIDS };
/* jobs_show - one line of the jobs listing for @j on @f; a job shown done is dropped. */
void jobs_show(struct shell *sh, FILE *f, struct job *j, enum jobs_mode mode);
/* jobs_print - the jobs builtin with no operands: every job, current first. */
void jobs_print(struct shell *sh, enum jobs_mode mode);
/* jobs_reap - note finished background jobs without blocking; report them when interactive. */
void jobs_reap(struct shell *sh);

/* traps_init - note the signals ignored on entry: those stay ignored. Call first thing. */
void traps_init(void);
/* traps_any - a trap would run (EXIT, or a signal's that is not an ignore). */
int traps_any(const struct shell *sh);
/* traps_install - set @sig's disposition from its trap: caught, ignored, or the shell's default. */
void traps_install(struct shell *sh, int sig);
/* traps_reset_for_subshell - in a forked child: traps that are not ignores are gone. */
void traps_reset_for_subshell(struct shell *sh);
/* traps_run_pending - run the trap commands of signals that arrived; $? is kept. */
void traps_run_pending(struct shell *sh);
/* traps_run_exit - the shell leaves with @status: run the EXIT trap, once, with $? = @status. */
void traps_run_exit(struct shell *sh, int status);

#endif
