/* shell.h: the state of one dosh: variables, options, functions, jobs, and the host session. */
#ifndef DOSH_SHELL_H
#define DOSH_SHELL_H

#include <setjmp.h>
#include <stddef.h>
#include <sys/types.h>

#include "parse.h"

struct hc_session;
struct cmd_hash;

struct var {
	char *name;
	char *value;            /* NULL: unset but remembered (export before assignment) */
	int exported;
	int readonly;
	struct var *next;       /* every variable, newest first */
	struct var *hnext;      /* the next in its bucket of the index */
};

#define VAR_BUCKETS 64   /* the index of variables by name: a power of two */

/* A variable saved by 'local', restored when its function returns. */
struct saved_var {
	char *name;
	char *value;
	int had;
	int exported;
	int readonly;
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
	struct var *var_index[VAR_BUCKETS];
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
	int opt_allexport, opt_noclobber, opt_noexec, opt_verbose, opt_stdin, opt_monitor;
	int opt_ignoreeof, opt_vi, opt_emacs, opt_notify, opt_privileged, opt_nolog, opt_debug;
	int getopts_ind;               /* getopts' next word, 1-based; 0: the first */
	int getopts_off;               /* its place within that word's predecessor; 0: none */
	const char *builtin_name;      /* the builtin running, for its messages */
	int error_catch;               /* a regular builtin runs: a shell error ends it, not the shell */
	int error_raised;              /* a shell error happened in the running builtin */
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
	char *curdir;                  /* the logical working directory cd keeps; NULL: unknown */
	char *physdir;                 /* getcwd()'s answer, found when pwd -P asks; NULL: not yet */
	struct cmd_hash *cmd_hash;     /* where commands were found in PATH (builtins/cmdhash.c) */

	/* the host */
	struct hc_session *host;
	char *host_url;
	char *host_key;
	int host_lost;                 /* the last host call failed on the connection */
};

extern struct shell *sh_current;

/* ---- variables (vars.c) ---- */
const char *var_get(struct shell *sh, const char *name);
/*
 * var_set, var_unset - change @name. A bad name or a readonly variable is a
 * shell error, reported and raised as dash does. Returns: 0 or -1.
 */
int var_set(struct shell *sh, const char *name, const char *value, int export);
int var_unset(struct shell *sh, const char *name);
void var_export(struct shell *sh, const char *name);
void var_readonly(struct shell *sh, const char *name);
/* var_find - the variable @name, or NULL. */
struct var *var_find(struct shell *sh, const char *name);
/* var_assign - "NAME=value" (already expanded), checked as var_set(). Returns: 0 or -1. */
int var_assign(struct shell *sh, const char *assignment, int export);
/* var_environ - a malloc'd "NAME=value" array of the exported variables. */
char **var_environ(struct shell *sh);
void strv_free(char **v);
void var_local(struct shell *sh, const char *name);
void var_restore_locals(struct shell *sh, struct saved_var *until);
void var_import_environ(struct shell *sh, char **env);
/* sh_number - @s as dash's number(): decimal, 0 to INT_MAX. Returns: 0, or -1 raised. */
int sh_number(struct shell *sh, const char *s, int *out);

/* ---- options (builtins/vars.c) ---- */
/* options_letters - $-: the letters of the options that are on, in dash's order. */
void options_letters(struct shell *sh, char *buf, size_t max);
/* options_save, options_restore - all options as a string, for 'local -'. */
char *options_save(struct shell *sh);
void options_restore(struct shell *sh, const char *saved);

/* ---- expansion (expand.c) ---- */
/* expand_fields - a word to fields: parameters, commands, arithmetic, splitting, globbing. */
int expand_fields(struct shell *sh, const char *raw, char ***out, int *n, int host_glob);
/* expand_string - a word to one string, no splitting or globbing (assignments, targets). */
char *expand_string(struct shell *sh, const char *raw);
/* expand_assignment - "NAME=value" expanded as an assignment: a tilde after '=' and each ':'. */
char *expand_assignment(struct shell *sh, const char *raw);
/* expand_pattern - a word to a glob_match pattern: quoted characters stay literal. */
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
/*
 * sh_fail - a shell error (dash's sh_error): the message, prefixed with the
 * running builtin's name, then sh_raise().
 */
void sh_fail(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * sh_raise - a shell error happened: in a regular builtin (or a special one
 * run by 'command') it ends that builtin with status 2; elsewhere a
 * non-interactive shell exits with 2.
 */
void sh_raise(struct shell *sh);

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
