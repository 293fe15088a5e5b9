/* dirs.c: the builtins of directories and limits: cd, pwd. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"

int b_cd(struct shell *sh, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : var_get(sh, "HOME");
	char cwd[PATH_MAX], old[PATH_MAX] = "";
	int print = 0;

	if (dir && strcmp(dir, "-") == 0) {
		dir = var_get(sh, "OLDPWD");
		print = 1;
	}
	if (!dir || !*dir) {
		sh_error(sh, "cd: %s not set", argc > 1 ? "OLDPWD" : "HOME");
		return 1;
	}
	if (!getcwd(old, sizeof(old)))
		old[0] = '\0';
	if (chdir(dir) != 0) {
		sh_error(sh, "cd: %s: %s", dir, strerror(errno));
		return 1;
	}
	if (getcwd(cwd, sizeof(cwd))) {
		var_set(sh, "OLDPWD", old, 0);
		var_set(sh, "PWD", cwd, 0);
		if (print)
			printf("%s\n", cwd);
	}
	return 0;
}

int b_pwd(struct shell *sh, int argc, char **argv)
{
	char cwd[PATH_MAX];

	(void)argc;
	(void)argv;
	if (!getcwd(cwd, sizeof(cwd))) {
		sh_error(sh, "pwd: %s", strerror(errno));
		return 1;
	}
	printf("%s\n", cwd);
	return 0;
}
