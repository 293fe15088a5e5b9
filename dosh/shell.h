/* shell.h: the state of one dosh: variables, options, functions, jobs, and the host session. */
#ifndef DOSH_SHELL_H
#define DOSH_SHELL_H

#include <setjmp.h>
#include <stddef.h>
#include <sys/types.h>

#include "parse.h"

struct hc_session;

struct var {
	char *name;
	char *value;            /* NULL: unset but remembered (export before assignment) */
	int exported;
	struct var *next;
};

/* A variable saved by 'local', restored when its function returns. */
struct saved_var {
	char *name;
	char *value;
	int had;
	int exported;
	struct saved_var *next;
};

struct func {
	char *name;
	struct node *body;
	struct func *next;
};

struct alias {
	char *name;
	char *value;
	struct alias *next;
};

enum job_where { JOB_GUEST, JOB_HOST };

/* EXIT and the signals 1..64: Linux's NSIG. */
#define NTRAPS 65

/* The job table is a list in sh's order of current jobs: the first is %+, the next %-. */
struct job {
	int id;
	pid_t pgid;
	int stopped;
	pid_t pid;              /* the process $! and wait name: a pipeline's last */
	enum job_where where;
	int done;
	int status;
	int termsig;            /* the signal that ended it (0: it exited), for jobs to name */
	int core;               /* ... and dumped core */
	int waited;             /* wait reported it: its slot may be reused */
	int nprocs;             /* the processes of its pipeline, as jobs shows them */
	int jobctl;             /* started under job control: fg and bg take it */
	char *cmd;
	void *pty;              /* a host program on a pty: what fg needs to resume it */
	void *pipe;             /* a stopped pipeline: its stages and relays (pipejob.c) */
	pid_t relays[2];        /* a background host program's output relays, reaped with it */
	int nrelays;
	struct job *next;
};

/* How a loop or function body is being left. */
enum flow { FLOW_NONE, FLOW_BREAK, FLOW_CONTINUE, FLOW_RETURN };

struct shell {
	struct var *vars;
	struct func *funcs;
	struct alias *aliases;
	struct saved_var *locals;      /* innermost function's saved variables */
	int in_function;
	char **argv;                   /* $1... (NULL-terminated; shift moves it along) */
	char **argv_owned;             /* the array 'set --' made for this scope, or NULL */
	int argc;
	char *arg0;
	int status;                    /* $? */
	pid_t last_bg;                 /* $! */
	pid_t pid;                     /* $$: the shell's pid, also in its subshells */
	int interactive;
	int opt_errexit, opt_nounset, opt_xtrace, opt_pipefail, opt_noglob;
	enum flow flow;
	int flow_levels;               /* break N / continue N */
	int loop_depth;
	int exiting;                   /* 'exit' ran: unwind and leave with status */
	int subshell;                  /* this process is a forked copy */
	int cond;                      /* inside a condition: set -e does not apply */
	int subshell_trap_ran;         /* the EXIT trap has run */
	int exec_in_place;             /* a forked stage: exec the next external command directly */
	int lineno;                    /* the line being run, for messages */
	int lineno_valid;
	int keep_tree;                 /* the last command defined a function: keep its tree */
	int cmdsubst_status;           /* status of the last command substitution */
	struct host_stream *host_streams;  /* guest ends of host-file redirections to finish */
	struct host_stream *inherited_streams;  /* a subshell's: the ones its parent finishes */
	char *traps[NTRAPS];           /* commands for signals; [0] is EXIT; "": ignored */
	int trap_depth;                /* traps running, one inside another */
	int trap_status;               /* $? as the outermost of them began: exit's default */
	struct job *jobs;
	char *typeahead;               /* keys a host program left unread, for the next lines */
	size_t ntypeahead;
	int jc;                        /* job control: interactive, on a terminal */
	int tty;                       /* the terminal's fd (for tcsetpgrp) */
	pid_t shell_pgid;
	pid_t job_pgid;                /* the process group of the job being started, 0: none yet */
	struct arena *keep;            /* trees that defined functions live here */

	/* the host */
	struct hc_session *host;
	char *host_url;
	char *host_key;
	int host_lost;                 /* the last host call failed on the connection */
};

extern struct shell *sh_current;

/* ---- variables (vars.c) ---- */
const char *var_get(struct shell *sh, const char *name);
int var_set(struct shell *sh, const char *name, const char *value, int export);
int var_unset(struct shell *sh, const char *name);
void var_export(struct shell *sh, const char *name);
/* var_assign - "NAME=value" (already expanded). Returns: 0 or -1 for a bad name. */
int var_assign(struct shell *sh, const char *assignment, int export);
/* var_environ - a malloc'd "NAME=value" array of the exported variables. */
char **var_environ(struct shell *sh);
void strv_free(char **v);
void var_local(struct shell *sh, const char *name);
void var_restore_locals(struct shell *sh, struct saved_var *until);
void var_import_environ(struct shell *sh, char **env);

/* ---- expansion (expand.c) ---- */
/* expand_fields - a word to fields: parameters, commands, arithmetic, splitting, globbing. */
int expand_fields(struct shell *sh, const char *raw, char ***out, int *n, int host_glob);
/* expand_string - a word to one string, no splitting or globbing (assignments, targets). */
char *expand_string(struct shell *sh, const char *raw);
/* expand_pattern - a word to a fnmatch pattern: quoted characters stay literal. */
char *expand_pattern(struct shell *sh, const char *raw);
/* expand_heredoc - a here-document body: parameters, commands and arithmetic only. */
char *expand_heredoc(struct shell *sh, const char *body);
/* arith_eval - evaluate an arithmetic expression. Returns: 0, or -1 with a message printed. */
int arith_eval(struct shell *sh, const char *expr, long *out);

/* ---- execution (exec.c) ---- */
int exec_node(struct shell *sh, struct node *n);
/* exec_string - parse and run @text as commands (eval, ., -c). Returns: the status. */
int exec_string(struct shell *sh, const char *text, const char *name);
/* command_subst - run @text in a subshell and return its output, trailing newlines cut. */
char *command_subst(struct shell *sh, const char *text);
/* sh_exit - run the EXIT trap and leave with @status. */
_Noreturn void sh_exit(struct shell *sh, int status);
void sh_error(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- builtins (builtins/table.c) ---- */
typedef int (*builtin_fn)(struct shell *sh, int argc, char **argv);
/* builtin_find - the builtin named @name, or NULL; *special: a POSIX special builtin. */
builtin_fn builtin_find(const char *name, int *special);

/* ---- the host (host.c) ---- */
/* host_session - the connected session, connecting (again) if needed. NULL with a message. */
struct hc_session *host_session(struct shell *sh);
/* host_note_failure - a call failed with @err: drop the session if the connection is gone. */
void host_note_failure(struct shell *sh, int err);

#endif
