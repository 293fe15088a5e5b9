/* exec.h: what the evaluator's files share: redirection saving, child processes, commands. */
#ifndef DOSH_EXEC_H
#define DOSH_EXEC_H

#include <sys/types.h>

#include "shell.h"

#define REDIR_SAVE_MAX 16

/* Descriptors changed by redirections around a builtin, to put back afterwards. */
struct redir_save {
	int fd[REDIR_SAVE_MAX];
	int copy[REDIR_SAVE_MAX];   /* -1: the fd was closed before */
	int n;
	struct shell *sh;           /* set by redirs_apply(): */
	struct host_stream *streams;   /* the host files opened before: they stay */
};

/* redir_open_flags - the open(2) flags of a file redirection (<, >, >>, >|, <>). */
int redir_open_flags(enum redir_type type);
/* redirs_apply - apply @r in order; with @save, remember what to restore. Returns: 0 or -1. */
int redirs_apply(struct shell *sh, const struct redir *r, struct redir_save *save);
/*
 * redirs_check_literal_dups - before a fork, as dash finds it in the shell itself: a
 * literal ">&word" whose word is no digit nor "-" ends a non-interactive shell.
 * Returns: 0 or -1.
 */
int redirs_check_literal_dups(struct shell *sh, const struct redir *r);
/* redirs_close_prepared - the parent's copies of host targets opened for a child. */
void redirs_close_prepared(struct redir *r);
/*
 * redirs_restore - put back what redirs_apply() changed; finish the host files it opened.
 * Returns: 0, or -1 when one of them failed (said so: a full disk).
 */
int redirs_restore(struct redir_save *save);

/* fork_child - fork; the child is a subshell (no job control, traps reset). Returns: pid. */
pid_t fork_child(struct shell *sh);
/*
 * fork_job - fork a process of the job being started: with job control it joins
 * the job's process group (the first one leads it), which gets the terminal
 * unless @background. Returns: pid.
 */
pid_t fork_job(struct shell *sh, int background);
/* job_done_foreground - take the terminal back after a foreground job. */
void job_done_foreground(struct shell *sh);
/* status_of - the shell status of a wait status (128+signal when killed). */
int status_of(int wstatus);

/*
 * exec_simple_in_child - run simple command @n, its words already expanded to @argv ("command"
 * in front still there), in this (already forked) process: redirections and assignments, then
 * the program. Never returns.
 */
_Noreturn void exec_simple_in_child(struct shell *sh, struct node *n, char **argv);

/* expand_words - expand @wl into a NULL-terminated malloc'd argv. Returns: argc or -1. */
int expand_words(struct shell *sh, const struct word_list *wl, char ***argv, int host_glob);

/* exec_pipeline - run a pipeline of guest and host commands. Returns: its status. */
int exec_pipeline(struct shell *sh, struct node **cmds, int n);

/* pipeline_start_background - start a lone host command as a background job. Returns: 0 or 1. */
int pipeline_start_background(struct shell *sh, struct node *n);

/* xtrace_host - with set -x, print a host command as "+ !cmd args". */
void xtrace_host(struct shell *sh, char **argv);

/*
 * call_builtin - run @fn with the builtin's name in its messages. A regular one
 * (@special 0: also a special one that 'command' runs) catches the shell errors
 * raised in it; a special one lets them end a non-interactive shell.
 * Returns: its status, 2 after a caught error.
 */
int call_builtin(struct shell *sh, builtin_fn fn, int special, int argc, char **argv);

/* run_function - call @body with positional parameters @argv[1..]. */
int run_function(struct shell *sh, struct node *body, int argc, char **argv);


#endif
