/* lookup.c: the builtins that name commands: type, command, hash, alias, unalias. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builtins.h"

static const char *const keywords[] = {
	"!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then",
	"until", "while", "{", "}",
};

static int is_keyword(const char *name)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(keywords[i], name) == 0)
			return 1;
	return 0;
}

static int is_function(struct shell *sh, const char *name)
{
	for (struct func *f = sh->funcs; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return 1;
	return 0;
}

/* A command found in a PATH: where, and whether it was remembered (a "tracked alias"). */
static int describe_path(struct shell *sh, const char *name, const char *path, int verbose)
{
	char *full;
	int idx, tracked = 0, err;

	if (strchr(name, '/')) {
		struct stat st;
		if (stat(name, &st) != 0)
			return -1;
		full = strdup(name);
	} else {
		if (path)   /* command -p: the default PATH, nothing remembered */
			idx = path_search(path, name, &err);
		else if ((idx = cmd_hash_find(sh, name)) >= 0)
			tracked = 1;
		else
			idx = cmd_lookup(sh, name, &err);
		if (idx < 0)
			return -1;
		full = path_candidate(path ? path : path_value(sh), name, idx);
	}
	if (verbose)
		printf("%s is%s %s\n", name, tracked ? " a tracked alias for" : "", full);
	else
		printf("%s\n", full);
	free(full);
	return 0;
}

/* What @name would run, in type's words (verbose) or command -v's; @path: command -p's. */
static int describe_command(struct shell *sh, const char *name, const char *path, int verbose)
{
	const char *alias;
	builtin_fn fn;
	int special;

	if (is_keyword(name)) {
		printf(verbose ? "%s is a shell keyword\n" : "%s\n", name);
	} else if ((alias = alias_value(sh, name))) {
		if (verbose) {
			printf("%s is an alias for %s\n", name, alias);
		} else {
			printf("alias %s=", name);
			put_single_quoted(alias);
			putchar('\n');
		}
	} else if (is_function(sh, name)) {
		printf(verbose ? "%s is a shell function\n" : "%s\n", name);
	} else if ((fn = builtin_find(name, &special))) {
		if (verbose)
			printf("%s is a %sshell builtin\n", name, special ? "special " : "");
		else
			printf("%s\n", name);
	} else if (describe_path(sh, name, path, verbose) != 0) {
		if (verbose)
			printf("%s: not found\n", name);
		return 127;
	}
	return 0;
}

int b_type(struct shell *sh, int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++)
		status |= describe_command(sh, argv[i], NULL, 1);
	return status;
}

int b_command(struct shell *sh, int argc, char **argv)
{
	char opts[16];
	int i = builtin_options(sh, argv, "pvV", opts, sizeof(opts));

	(void)argc;
	if (i < 0)
		return 2;
	if (!argv[i] || (!strchr(opts, 'v') && !strchr(opts, 'V')))
		return 0;   /* a name to run was run by the caller (command_words) */
	/* dash describes the first name only */
	return describe_command(sh, argv[i], strchr(opts, 'p') ? path_default : NULL,
				strchr(opts, 'V') != NULL);
}

/* hash NAME: look it up again now, as running it would. Returns: 0 or 1 if not found. */
static int hash_one(struct shell *sh, const char *name)
{
	int special, err;

	if (is_function(sh, name) || builtin_find(name, &special))
		return 0;
	if (strchr(name, '/'))
		return 0;
	cmd_hash_forget(sh, name);
	if (cmd_lookup(sh, name, &err) >= 0)
		return 0;
	sh_error(sh, "hash: %s: %s", name, exec_errmsg(err));
	return 1;
}

int b_hash(struct shell *sh, int argc, char **argv)
{
	char opts[16];
	int i = builtin_options(sh, argv, "r", opts, sizeof(opts)), status = 0;

	(void)argc;
	if (i < 0)
		return 2;
	if (*opts) {
		cmd_hash_clear(sh);   /* dash stops at -r: names after it are not looked up */
		return 0;
	}
	if (!argv[i]) {
		cmd_hash_print(sh);
		return 0;
	}
	for (; argv[i]; i++)
		status |= hash_one(sh, argv[i]);
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

static void print_alias(const struct alias *a)
{
	printf("%s=", a->name);
	put_single_quoted(a->value);
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
