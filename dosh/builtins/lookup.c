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

/* dash's alias table has 39 buckets; "alias" lists them in bucket order, as dash does. */
#define ALIAS_BUCKETS 39

static unsigned alias_bucket(const char *name)
{
	unsigned h = (unsigned)(unsigned char)*name << 4;

	for (; *name; name++)
		h += (unsigned char)*name;
	return h % ALIAS_BUCKETS;
}

/* @s in single quotes, as dash writes it: a quote itself goes in double quotes ('it'"'"'s'). */
static void print_single_quoted(const char *s)
{
	do {
		size_t n = strcspn(s, "'");
		printf("'%.*s'", (int)n, s);
		s += n;
		if (*s != '\'')
			break;
		n = strspn(s, "'");
		printf("\"%.*s\"", (int)n, s);
		s += n;
	} while (*s);
}

static void print_alias(const struct alias *a)
{
	printf("%s=", a->name);
	print_single_quoted(a->value);
	putchar('\n');
}

static void list_aliases(struct shell *sh)
{
	for (unsigned b = 0; b < ALIAS_BUCKETS; b++)
		for (struct alias *a = sh->aliases; a; a = a->next)
			if (alias_bucket(a->name) == b)
				print_alias(a);
}

/* Define @name (its '=' at @eq) as the rest; a redefinition keeps its place in the list. */
static void alias_define(struct shell *sh, char *name, char *eq)
{
	struct alias **pa = &sh->aliases;

	*eq = '\0';
	while (*pa && strcmp((*pa)->name, name))
		pa = &(*pa)->next;
	if (!*pa) {
		if (!(*pa = calloc(1, sizeof(**pa))) || !((*pa)->name = strdup(name)))
			abort();
	}
	*eq = '=';
	free((*pa)->value);
	if (!((*pa)->value = strdup(eq + 1)))
		abort();
}

int b_alias(struct shell *sh, int argc, char **argv)
{
	int status = 0;

	if (argc == 1)
		list_aliases(sh);
	for (int i = 1; i < argc; i++) {
		char *eq = argv[i][0] ? strchr(argv[i] + 1, '=') : NULL;
		struct alias *a;
		if (eq) {
			alias_define(sh, argv[i], eq);
			continue;
		}
		for (a = sh->aliases; a && strcmp(a->name, argv[i]); a = a->next)
			;
		if (a) {
			print_alias(a);
		} else {
			fflush(stdout);
			fprintf(stderr, "alias: %s not found\n", argv[i]);
			status = 1;
		}
	}
	return status;
}

static void alias_free(struct alias *a)
{
	free(a->name);
	free(a->value);
	free(a);
}

/* Remove alias @name. Returns: 0, or -1 when there is none. */
static int alias_remove(struct shell *sh, const char *name)
{
	for (struct alias **pa = &sh->aliases; *pa; pa = &(*pa)->next) {
		if (strcmp((*pa)->name, name) == 0) {
			struct alias *a = *pa;
			*pa = a->next;
			alias_free(a);
			return 0;
		}
	}
	return -1;
}

int b_unalias(struct shell *sh, int argc, char **argv)
{
	int i = 1, status = 0;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-a") != 0) {
			char bad = argv[i][1] == 'a' ? argv[i][2] : argv[i][1];
			sh_error(sh, "unalias: Illegal option -%c", bad);
			return 2;
		}
		while (sh->aliases) {
			struct alias *a = sh->aliases;
			sh->aliases = a->next;
			alias_free(a);
		}
		return 0;
	}
	for (; i < argc; i++) {
		if (alias_remove(sh, argv[i]) != 0) {
			fflush(stdout);
			fprintf(stderr, "unalias: %s not found\n", argv[i]);
			status = 1;
		}
	}
	return status;
}
