/* vars.c: the builtins of variables and options: export, unset, local, shift, set. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"

int b_export(struct shell *sh, int argc, char **argv)
{
	int status = 0;

	if (argc == 1 || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
		for (struct var *v = sh->vars; v; v = v->next)
			if (v->exported)
				printf("export %s%s%s%s\n", v->name, v->value ? "='" : "",
				       v->value ? v->value : "", v->value ? "'" : "");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strchr(argv[i], '=')) {
			if (var_assign(sh, argv[i], 1) != 0) {
				sh_error(sh, "export: %s: bad variable name", argv[i]);
				status = 1;
			}
		} else if (!is_shell_name(argv[i], strlen(argv[i]))) {
			sh_error(sh, "export: %s: bad variable name", argv[i]);
			status = 1;
		} else {
			var_export(sh, argv[i]);
		}
	}
	return status;
}

int b_unset(struct shell *sh, int argc, char **argv)
{
	int funcs = 0, i = 1;

	if (i < argc && (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "-v") == 0))
		funcs = argv[i++][1] == 'f';
	for (; i < argc; i++) {
		if (funcs) {
			for (struct func **pf = &sh->funcs; *pf; pf = &(*pf)->next) {
				if (strcmp((*pf)->name, argv[i]) == 0) {
					struct func *f = *pf;
					*pf = f->next;
					free(f->name);
					free(f);
					break;
				}
			}
		} else {
			var_unset(sh, argv[i]);
		}
	}
	return 0;
}

int b_local(struct shell *sh, int argc, char **argv)
{
	if (!sh->in_function) {
		sh_error(sh, "local: not in a function");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		char name[256];
		if (n >= sizeof(name) || !is_shell_name(argv[i], n)) {
			sh_error(sh, "local: %s: bad variable name", argv[i]);
			return 1;
		}
		memcpy(name, argv[i], n);
		name[n] = '\0';
		var_local(sh, name);
		if (eq)
			var_set(sh, name, eq + 1, 0);
	}
	return 0;
}

int b_shift(struct shell *sh, int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;

	if (n < 0 || n > sh->argc) {
		sh_error(sh, "shift: can't shift that many");
		return 1;
	}
	sh->argv += n;
	sh->argc -= n;
	return 0;
}

/* ---- set ---- */

static int *option_flag(struct shell *sh, char c)
{
	switch (c) {
	case 'e': return &sh->opt_errexit;
	case 'u': return &sh->opt_nounset;
	case 'x': return &sh->opt_xtrace;
	case 'f': return &sh->opt_noglob;
	case 'C': return &sh->opt_noclobber;
	default: return NULL;
	}
}

static int *long_option(struct shell *sh, const char *name)
{
	static const struct { const char *name; char c; } names[] = {
		{ "errexit", 'e' }, { "nounset", 'u' }, { "xtrace", 'x' }, { "noglob", 'f' },
		{ "noclobber", 'C' },
	};

	if (strcmp(name, "pipefail") == 0)
		return &sh->opt_pipefail;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0)
			return option_flag(sh, names[i].c);
	return NULL;
}

int set_positional(struct shell *sh, int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof(char *));

	if (!v)
		abort();
	for (int i = 0; i < argc; i++)
		v[i] = strdup(argv[i]);
	strv_free(sh->argv_owned);   /* nothing walks it: every expansion copies */
	sh->argv_owned = v;
	sh->argv = v;
	sh->argc = argc;
	return 0;
}

static void print_vars(struct shell *sh)
{
	for (struct var *v = sh->vars; v; v = v->next)
		if (v->value)
			printf("%s='%s'\n", v->name, v->value);
}

int b_set(struct shell *sh, int argc, char **argv)
{
	int i = 1;

	if (argc == 1) {
		print_vars(sh);
		return 0;
	}
	for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+'); i++) {
		int on = argv[i][0] == '-';
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][1] == 'o') {
			int *f = i + 1 < argc ? long_option(sh, argv[i + 1]) : NULL;
			if (!f) {
				sh_error(sh, "set: %s: unknown option", i + 1 < argc ? argv[i + 1] : "-o");
				return 2;
			}
			*f = on;
			i++;
			continue;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			int *f = option_flag(sh, *c);
			if (!f) {
				sh_error(sh, "set: -%c: unknown option", *c);
				return 2;
			}
			*f = on;
		}
	}
	if (i < argc || (i > 1 && strcmp(argv[i - 1], "--") == 0))
		set_positional(sh, argc - i, argv + i);
	return 0;
}

/* ---- flow ---- */
