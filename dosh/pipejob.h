/* pipejob.h: a pipeline stopped by Ctrl-Z kept as a job, continued by fg and bg. */
#ifndef DOSH_PIPEJOB_H
#define DOSH_PIPEJOB_H

#include "shell.h"

struct pipe_job;

/* pipejob_make_job - @pj stopped in the foreground: keep it as a stopped job and say so. */
void pipejob_make_job(struct shell *sh, struct pipe_job *pj);
/* pipejob_continue - fg (@foreground) or bg of a stopped pipeline job @j. Returns: fg's status, or 0. */
int pipejob_continue(struct shell *sh, struct job *j, int foreground);
/* pipejob_wait - wait for @j's stages (@options 0 or WNOHANG). Returns: its status, -1: running. */
int pipejob_wait(struct shell *sh, struct job *j, int options);
/* pipejob_signal - send @sig to every stage of @j still running, guest and host. */
void pipejob_signal(struct shell *sh, struct job *j, int sig);
/* pipejob_free - release a pipeline job's descriptors and memory. */
void pipejob_free(void *state);

#endif
