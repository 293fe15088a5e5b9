/* table.c: the one table of dosh's builtins, and help. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"

static int b_help(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	(void)argc;
	(void)argv;
	printf("dosh, the dual OS shell: a POSIX-style shell where a word starting with '!'\n"
	       "means the host.\n\n"
	       "  !cmd args       run cmd on the host, in the host cwd and environment\n"
	       "  !cd DIR, !pwd, !export VAR=value, !unset VAR   change the host context\n"
	       "  cmd < !file     a host file for a guest command (also >, >>, 2>)\n"
	       "  a | !b | c      pipelines mix guest and host commands freely\n\n"
	       "builtins: . : [ alias bg break cd chdir command continue echo eval exec exit\n"
	       "export false fg getopts hash help jobs kill local printf pwd read readonly\n"
	       "return set shift test times trap true type ulimit umask unalias unset wait\n\n"
	       "See dosh(1).\n");
	return 0;
}

static const struct builtin {
	const char *name;
	builtin_fn fn;
	int special;
} builtins[] = {
	{ ".", b_dot, 1 },
	{ ":", b_true, 1 },
	{ "[", b_test, 0 },
	{ "alias", b_alias, 0 },
	{ "bg", b_fg, 0 },
	{ "break", b_break, 1 },
	{ "cd", b_cd, 0 },
	{ "chdir", b_cd, 0 },
	{ "command", b_command, 0 },
	{ "continue", b_continue, 1 },
	{ "echo", b_echo, 0 },
	{ "eval", b_eval, 1 },
	{ "exec", b_exec, 1 },
	{ "exit", b_exit, 1 },
	{ "export", b_export, 1 },
	{ "false", b_false, 0 },
	{ "fg", b_fg, 0 },
	{ "getopts", b_getopts, 0 },
	{ "hash", b_hash, 0 },
	{ "help", b_help, 0 },
	{ "jobs", b_jobs, 0 },
	{ "kill", b_kill, 0 },
	{ "local", b_local, 1 },
	{ "printf", b_printf, 0 },
	{ "pwd", b_pwd, 0 },
	{ "read", b_read, 0 },
	{ "readonly", b_readonly, 1 },
	{ "return", b_return, 1 },
	{ "set", b_set, 1 },
	{ "shift", b_shift, 1 },
	{ "test", b_test, 0 },
	{ "times", b_times, 1 },
	{ "trap", b_trap, 1 },
	{ "true", b_true, 0 },
	{ "type", b_type, 0 },
	{ "ulimit", b_ulimit, 0 },
	{ "umask", b_umask, 0 },
	{ "unalias", b_unalias, 0 },
	{ "unset", b_unset, 1 },
	{ "wait", b_wait, 0 },
};

builtin_fn builtin_find(const char *name, int *special)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (strcmp(builtins[i].name, name) == 0) {
			*special = builtins[i].special;
			return builtins[i].fn;
		}
	}
	return NULL;
}

int builtin_is_exec(builtin_fn fn)
{
	return fn == b_exec;
}
