/* lookup.c: the builtins that name commands: type, alias, unalias. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "exec.h"

int b_type(struct shell *sh, int argc, char **argv)
{
	int status = 0, special;

	for (int i = 1; i < argc; i++) {
		char *path;
		struct func *f;
		for (f = sh->funcs; f && strcmp(f->name, argv[i]); f = f->next)
			;
		if (alias_value(sh, argv[i]))
			printf("%s is an alias for %s\n", argv[i], alias_value(sh, argv[i]));
		else if (f)
			printf("%s is a function\n", argv[i]);
		else if (builtin_find(argv[i], &special))
			printf("%s is a shell %sbuiltin\n", argv[i], special ? "special " : "");
		else if ((path = find_in_path(sh, argv[i]))) {
			printf("%s is %s\n", argv[i], path);
			free(path);
		} else {
			printf("%s: not found\n", argv[i]);
			status = 1;
		}
	}
	return status;
}

const char *alias_value(struct shell *sh, const char *name)
{
	for (struct alias *a = sh->aliases; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->value;
	return NULL;
}

int b_alias(struct shell *sh, int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		for (struct alias *a = sh->aliases; a; a = a->next)
			printf("%s='%s'\n", a->name, a->value);
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		struct alias *a;
		if (!eq) {
			const char *v = alias_value(sh, argv[i]);
			if (v)
				printf("%s='%s'\n", argv[i], v);
			else
				status = 1;
			continue;
		}
		*eq = '\0';
		for (a = sh->aliases; a && strcmp(a->name, argv[i]); a = a->next)
			;
		if (!a) {
			a = calloc(1, sizeof(*a));
			a->name = strdup(argv[i]);
			a->next = sh->aliases;
			sh->aliases = a;
		}
		free(a->value);
		a->value = strdup(eq + 1);
		*eq = '=';
	}
	return status;
}

int b_unalias(struct shell *sh, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		for (struct alias **pa = &sh->aliases; *pa; pa = &(*pa)->next) {
			if (strcmp(argv[i], "-a") == 0 || strcmp((*pa)->name, argv[i]) == 0) {
				struct alias *a = *pa;
				*pa = a->next;
				free(a->name);
				free(a->value);
				free(a);
				if (strcmp(argv[i], "-a") == 0) {
					pa = &sh->aliases;
					if (!*pa)
						break;
					continue;
				}
				break;
			}
		}
	}
	return 0;
}
