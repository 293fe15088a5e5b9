/* builtins.h: dosh's builtins, a file per family, and what other parts of dosh need from them. */
#ifndef DOSH_BUILTINS_H
#define DOSH_BUILTINS_H

#include "shell.h"

/* variables and options (vars.c) */
int b_export(struct shell *sh, int argc, char **argv);
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

/* The longest name signal_name() makes ("RTMIN+15"), with room to spare. */
#define SIGNAME_MAX 16
/* signal_name - sh's name of @sig: "EXIT", "INT", "RTMIN+3", or its number as text in @buf. */
const char *signal_name(int sig, char buf[SIGNAME_MAX]);
/* signal_decode - a number below NTRAPS or a name (no SIG, any case) from @minsig on. Returns: it, or -1. */
int signal_decode(const char *s, int minsig);

/* builtin_no_options - skip "--"; any other option is an error. Returns: the first operand, or -1. */
int builtin_no_options(struct shell *sh, int argc, char **argv);
/* builtin_number - @s as a number 0..INT_MAX, as sh reads one; else "Illegal number". Returns: 0 or -1. */
int builtin_number(struct shell *sh, const char *cmd, const char *s, int *out);
/* builtin_fatal - a special builtin's error: it ends a script (with @status). Returns: @status. */
int builtin_fatal(struct shell *sh, int status);
/* alias_value - the text of alias @name, or NULL. */
const char *alias_value(struct shell *sh, const char *name);
/* builtin_is_exec - @fn is exec (its redirections stay applied). */
int builtin_is_exec(builtin_fn fn);

#endif
