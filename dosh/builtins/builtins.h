/* builtins.h: dosh's builtins, a file per family, and what other parts of dosh need from them. */
#ifndef DOSH_BUILTINS_H
#define DOSH_BUILTINS_H

#include "shell.h"

/* variables and options (vars.c) */
int b_export(struct shell *sh, int argc, char **argv);
int b_readonly(struct shell *sh, int argc, char **argv);
int b_getopts(struct shell *sh, int argc, char **argv);
int b_unset(struct shell *sh, int argc, char **argv);
int b_local(struct shell *sh, int argc, char **argv);
int b_shift(struct shell *sh, int argc, char **argv);
int b_set(struct shell *sh, int argc, char **argv);
/* read.c */
int b_read(struct shell *sh, int argc, char **argv);

/* evaluation and flow (flow.c) */
int b_exit(struct shell *sh, int argc, char **argv);
int b_return(struct shell *sh, int argc, char **argv);
int b_break(struct shell *sh, int argc, char **argv);
int b_continue(struct shell *sh, int argc, char **argv);
int b_true(struct shell *sh, int argc, char **argv);
int b_false(struct shell *sh, int argc, char **argv);
int b_eval(struct shell *sh, int argc, char **argv);
int b_dot(struct shell *sh, int argc, char **argv);
int b_exec(struct shell *sh, int argc, char **argv);
int b_times(struct shell *sh, int argc, char **argv);

/* naming commands (lookup.c) */
int b_type(struct shell *sh, int argc, char **argv);
int b_alias(struct shell *sh, int argc, char **argv);
int b_unalias(struct shell *sh, int argc, char **argv);

/* traps and signals (traps.c) */
int b_trap(struct shell *sh, int argc, char **argv);
int b_kill(struct shell *sh, int argc, char **argv);

/* jobs (jobs.c) */
int b_wait(struct shell *sh, int argc, char **argv);
int b_jobs(struct shell *sh, int argc, char **argv);
int b_fg(struct shell *sh, int argc, char **argv);

/* directories and limits (dirs.c) */
int b_cd(struct shell *sh, int argc, char **argv);
int b_pwd(struct shell *sh, int argc, char **argv);

/* output (output.c, test.c) */
int b_echo(struct shell *sh, int argc, char **argv);
int b_printf(struct shell *sh, int argc, char **argv);
int b_test(struct shell *sh, int argc, char **argv);

/* set_positional - replace $1... with @argv[0..argc). */
int set_positional(struct shell *sh, int argc, char **argv);
/* signal_number - "INT", "SIGINT", "2" or "EXIT" (0). Returns: the number or -1. */
int signal_number(const char *name);
/* job_pid - the pid that @spec (%N or a pid) names, and which side it runs on. */
pid_t job_pid(struct shell *sh, const char *spec, enum job_where *where);
/* alias_value - the text of alias @name, or NULL. */
const char *alias_value(struct shell *sh, const char *name);
/* builtin_is_exec - @fn is exec (its redirections stay applied). */
int builtin_is_exec(builtin_fn fn);

#endif
