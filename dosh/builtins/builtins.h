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

/* naming commands (lookup.c) */
int b_type(struct shell *sh, int argc, char **argv);
int b_command(struct shell *sh, int argc, char **argv);
int b_hash(struct shell *sh, int argc, char **argv);
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
int b_umask(struct shell *sh, int argc, char **argv);
int b_ulimit(struct shell *sh, int argc, char **argv);
int b_times(struct shell *sh, int argc, char **argv);
/* dirs_init - the working directory at startup: PWD from the environment if it names it. */
void dirs_init(struct shell *sh);

/* output (output.c, test.c) */
int b_echo(struct shell *sh, int argc, char **argv);
int b_printf(struct shell *sh, int argc, char **argv);
int b_test(struct shell *sh, int argc, char **argv);

/*
 * builtin_options - scan @argv[1..]'s options as dash does ("--" ends them, "-" is an
 * operand), each a letter of @letters, into @seen (in order, NUL-terminated, at most
 * @max - 1). Returns: the index of the first operand, or -1 after "Illegal option".
 */
int builtin_options(struct shell *sh, char **argv, const char *letters, char *seen, size_t max);

/* ---- finding commands (cmdhash.c) ---- */
/* path_default - dash's default PATH: command -p, and a shell started without PATH. */
extern const char path_default[];
/* path_value - $PATH; unset it is "", one empty entry (the cwd), as in dash. */
const char *path_value(struct shell *sh);
/* path_candidate - @name in @path's entry @index (malloc'd), or NULL past the last. */
char *path_candidate(const char *path, const char *name, int index);
/* path_search - the first entry of @path with a regular executable @name. Returns: its
 * index, or -1 with *err (ENOENT, EACCES: only something not executable was there). */
int path_search(const char *path, const char *name, int *err);
/* cmd_lookup - @name's index in $PATH, remembered or searched and remembered. -1: *err. */
int cmd_lookup(struct shell *sh, const char *name, int *err);
/* cmd_hash_find - @name's remembered index in $PATH, or -1. */
int cmd_hash_find(struct shell *sh, const char *name);
void cmd_hash_forget(struct shell *sh, const char *name);
void cmd_hash_clear(struct shell *sh);
/* cmd_hash_cd - after a cd: relative PATH entries are to be searched again. */
void cmd_hash_cd(struct shell *sh);
/* cmd_hash_print - hash's listing: each remembered path, '*' if to be searched again. */
void cmd_hash_print(struct shell *sh);
/* exec_errmsg - dash's words for a failed exec: "not found" or strerror. */
const char *exec_errmsg(int err);
/*
 * shell_exec - exec @argv[0] as dash does: a name with a '/' as it is, else each entry of
 * @path from @index on (a file without #! runs under /bin/sh). On failure prints
 * "name: not found" or the error and exits 127 (not found) or 126.
 */
_Noreturn void shell_exec(struct shell *sh, char **argv, char **env, const char *path, int index);
/* command_words - the words "command [-p] [--]" in front of @argv's command, or 0 if
 * @argv is no such use of command (-v, -V, no name: the builtin answers); -p sets
 * *default_path. */
int command_words(char **argv, int *default_path);

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
/* put_single_quoted - print @s quoted so that sh reads it back, as dash lists values: 'it'"'"'s'. */
void put_single_quoted(const char *s);
/* alias_value - the text of alias @name, or NULL. */
const char *alias_value(struct shell *sh, const char *name);
/* builtin_is_exec - @fn is exec (its redirections stay applied). */
int builtin_is_exec(builtin_fn fn);

#endif
