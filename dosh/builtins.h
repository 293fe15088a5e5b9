/* builtins.h: the builtins split across files, and what other parts of dosh need from them. */
#ifndef DOSH_BUILTINS_H
#define DOSH_BUILTINS_H

#include "shell.h"

int b_echo(struct shell *sh, int argc, char **argv);
int b_printf(struct shell *sh, int argc, char **argv);
int b_read(struct shell *sh, int argc, char **argv);
int b_test(struct shell *sh, int argc, char **argv);
int b_set(struct shell *sh, int argc, char **argv);

/* set_positional - replace $1... with @argv[0..argc). */
int set_positional(struct shell *sh, int argc, char **argv);
/* signal_number - "INT", "SIGINT", "2" or "EXIT" (0). Returns: the number or -1. */
int signal_number(const char *name);
/* alias_value - the text of alias @name, or NULL. */
const char *alias_value(struct shell *sh, const char *name);
/* builtin_is_exec - @fn is exec (its redirections stay applied). */
int builtin_is_exec(builtin_fn fn);

#endif
