/* vars.c: the builtins of variables and options: export, readonly, unset, local, shift, set, getopts. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"

/* ---- listing, quoted so that eval restores it ---- */

/* dash's single_quote(): runs of quotes in "...", everything else in '...', never bare. */
void put_single_quoted(const char *s)
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

enum shown { SHOW_SET, SHOW_EXPORTED, SHOW_READONLY };

static int var_shown(const struct var *v, enum shown which)
{
	switch (which) {
	case SHOW_EXPORTED: return v->exported;
	case SHOW_READONLY: return v->readonly;
	default: return v->value != NULL;
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct var *const *)a)->name, (*(struct var *const *)b)->name);
}

/* set, export -p, readonly -p: "[PREFIX ]NAME='value'" a line, sorted by name as dash sorts. */
static void show_vars(struct shell *sh, const char *prefix, enum shown which)
{
	struct var **list;
	size_t n = 0, i = 0;

	for (struct var *v = sh->vars; v; v = v->next)
		n += var_shown(v, which);
	list = calloc(n + 1, sizeof(*list));
	if (!list)
		abort();
	for (struct var *v = sh->vars; v; v = v->next)
		if (var_shown(v, which))
			list[i++] = v;
	qsort(list, n, sizeof(*list), by_name);
	for (i = 0; i < n; i++) {
		printf("%s%s%s", prefix, *prefix ? " " : "", list[i]->name);
		if (list[i]->value) {
			putchar('=');
			put_single_quoted(list[i]->value);
		}
		putchar('\n');
	}
	free(list);
}

/*
 * dash's nextopt() for builtins that take only flags: the next flag letter,
 * '\0' at the first operand (after skipping "--"), or -1 raised for a letter
 * not in @letters.
 */
static int next_flag(struct shell *sh, char **argv, int *i, const char **rest, const char *letters)
{
	const char *p = *rest;
	char c;

	if (!p || !*p) {
		p = argv[*i];
		if (!p || p[0] != '-' || !p[1])
			return '\0';
		++*i;
		if (strcmp(p, "--") == 0)
			return '\0';
		p++;
	}
	c = *p++;
	*rest = p;
	if (!strchr(letters, c)) {
		sh_fail(sh, "Illegal option -%c", c);
		return -1;
	}
	return c;
}

/* ---- export and readonly ---- */

/* One operand: NAME marks the variable (made, unset, if new); NAME=value sets it first. */
static int mark_var(struct shell *sh, const char *arg, int readonly)
{
	const char *eq = strchr(arg, '=');
	char name[256];

	if (!eq) {
		if (var_find(sh, arg) == NULL && var_set(sh, arg, NULL, 0) != 0)
			return -1;
		if (readonly)
			var_readonly(sh, arg);
		else
			var_export(sh, arg);
		return 0;
	}
	if (var_assign(sh, arg, !readonly) != 0)
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	if (readonly)
		var_readonly(sh, name);
	return 0;
}

/* export and readonly: dash reads one flag only, so "-p" lists whatever follows. */
static int export_or_readonly(struct shell *sh, int argc, char **argv, int readonly)
{
	const char *rest = NULL;
	int i = 1, c = next_flag(sh, argv, &i, &rest, "p");

	(void)argc;
	if (c < 0)
		return 2;
	if (c == 'p' || !argv[i]) {
		show_vars(sh, argv[0], readonly ? SHOW_READONLY : SHOW_EXPORTED);
		return 0;
	}
	for (; argv[i]; i++)
		if (mark_var(sh, argv[i], readonly) != 0)
			return 2;
	return 0;
}

int b_export(struct shell *sh, int argc, char **argv)
{
	return export_or_readonly(sh, argc, argv, 0);
}

int b_readonly(struct shell *sh, int argc, char **argv)
{
	return export_or_readonly(sh, argc, argv, 1);
}

/* ---- unset ---- */

static void unset_function(struct shell *sh, const char *name)
{
	for (struct func **pf = &sh->funcs; *pf; pf = &(*pf)->next) {
		if (strcmp((*pf)->name, name) == 0) {
			struct func *f = *pf;
			*pf = f->next;
			free(f->name);
			free(f);
			return;
		}
	}
}

/* Without -f, unset names variables only, as dash 0.5.12 has it. */
int b_unset(struct shell *sh, int argc, char **argv)
{
	const char *rest = NULL;
	int i = 1, c, flag = 0;

	(void)argc;
	while ((c = next_flag(sh, argv, &i, &rest, "vf")) > 0)
		flag = c;
	if (c < 0)
		return 2;
	for (; argv[i]; i++) {
		if (flag == 'f')
			unset_function(sh, argv[i]);
		else if (var_unset(sh, argv[i]) != 0)
			return 2;
	}
	return 0;
}

/* ---- local and shift ---- */

/* "local -": the options as they are now come back when the function returns. */
static void local_options(struct shell *sh)
{
	struct saved_var *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	s->name = strdup("-");
	s->value = options_save(sh);
	s->had = 1;
	s->next = sh->locals;
	sh->locals = s;
}

int b_local(struct shell *sh, int argc, char **argv)
{
	if (!sh->in_function) {
		sh_fail(sh, "not in a function");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		char name[256];
		if (strcmp(argv[i], "-") == 0) {
			local_options(sh);
			continue;
		}
		if (n >= sizeof(name) || !is_shell_name(argv[i], n)) {
			sh_fail(sh, "%s: bad variable name", argv[i]);
			return 2;
		}
		memcpy(name, argv[i], n);
		name[n] = '\0';
		var_local(sh, name);
		if (eq && var_set(sh, name, eq + 1, 0) != 0)
			return 2;
	}
	return 0;
}

int b_shift(struct shell *sh, int argc, char **argv)
{
	int n = 1;

	if (argc > 1 && sh_number(sh, argv[1], &n) != 0)
		return 2;
	if (n > sh->argc) {
		sh_fail(sh, "can't shift that many");
		return 2;
	}
	sh->argv += n;
	sh->argc -= n;
	sh->getopts_ind = 1;
	sh->getopts_off = 0;
	return 0;
}

/* ---- options ---- */

#define OPT(field) offsetof(struct shell, field)

/* dash's options, in its order: set -o lists them so, $- reads them backwards. */
static const struct option {
	const char *name;
	char letter;          /* 0: set -o only */
	size_t flag;          /* the int in struct shell */
} options[] = {
	{ "errexit", 'e', OPT(opt_errexit) }, { "noglob", 'f', OPT(opt_noglob) },
	{ "ignoreeof", 'I', OPT(opt_ignoreeof) }, { "interactive", 'i', OPT(interactive) },
	{ "monitor", 'm', OPT(opt_monitor) }, { "noexec", 'n', OPT(opt_noexec) },
	{ "stdin", 's', OPT(opt_stdin) }, { "xtrace", 'x', OPT(opt_xtrace) },
	{ "verbose", 'v', OPT(opt_verbose) }, { "vi", 'V', OPT(opt_vi) },
	{ "emacs", 'E', OPT(opt_emacs) }, { "noclobber", 'C', OPT(opt_noclobber) },
	{ "allexport", 'a', OPT(opt_allexport) }, { "notify", 'b', OPT(opt_notify) },
	{ "nounset", 'u', OPT(opt_nounset) }, { "privileged", 'p', OPT(opt_privileged) },
	{ "nolog", 0, OPT(opt_nolog) }, { "debug", 0, OPT(opt_debug) },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static int *option_flag(struct shell *sh, const struct option *o)
{
	return (int *)((char *)sh + o->flag);
}

void options_letters(struct shell *sh, char *buf, size_t max)
{
	size_t n = 0;

	for (size_t i = NOPTIONS; i-- > 0 && n + 1 < max;)
		if (options[i].letter && *option_flag(sh, &options[i]))
			buf[n++] = options[i].letter;
	buf[n] = '\0';
}

char *options_save(struct shell *sh)
{
	char *s = malloc(NOPTIONS + 2);

	if (!s)
		abort();
	for (size_t i = 0; i < NOPTIONS; i++)
		s[i] = (char)('0' + !!*option_flag(sh, &options[i]));
	s[NOPTIONS] = (char)('0' + !!sh->opt_pipefail);
	s[NOPTIONS + 1] = '\0';
	return s;
}

void options_restore(struct shell *sh, const char *saved)
{
	for (size_t i = 0; i < NOPTIONS && saved[i]; i++)
		*option_flag(sh, &options[i]) = saved[i] == '1';
	if (strlen(saved) > NOPTIONS)
		sh->opt_pipefail = saved[NOPTIONS] == '1';
}

static int set_letter(struct shell *sh, char c, int on)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		if (options[i].letter != c)
			continue;
		*option_flag(sh, &options[i]) = on;
		if (on && (c == 'V' || c == 'E'))   /* vi and emacs exclude each other */
			*option_flag(sh, &options[c == 'V' ? 10 : 9]) = 0;
		return 0;
	}
	sh_fail(sh, "Illegal option -%c", c);
	return -1;
}

/* set -o NAME, or with no name the table (-o) or the commands restoring it (+o). */
static int set_long(struct shell *sh, const char *name, int on)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option *o = &options[i];
		if (!name && on)
			printf("%s%-16s%s\n", i ? "" : "Current option settings\n", o->name,
			       *option_flag(sh, o) ? "on" : "off");
		else if (!name)
			printf("set %s %s\n", *option_flag(sh, o) ? "-o" : "+o", o->name);
		else if (strcmp(name, o->name) == 0) {
			*option_flag(sh, o) = on;
			return 0;
		}
	}
	if (!name)
		return 0;
	if (strcmp(name, "pipefail") == 0) {   /* dosh's own, beyond dash 0.5.12 */
		sh->opt_pipefail = on;
		return 0;
	}
	sh_fail(sh, "Illegal option -o %s", name);
	return -1;
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
	sh->getopts_ind = 1;
	sh->getopts_off = 0;
	return 0;
}

/* One "-xyz" or "+xyz" word of set; o takes the next word. Returns: 0 or -1 raised. */
static int set_flags(struct shell *sh, const char *p, int on, char **argv, int *i)
{
	for (; *p; p++) {
		if (*p != 'o') {
			if (set_letter(sh, *p, on) != 0)
				return -1;
			continue;
		}
		if (set_long(sh, argv[*i], on) != 0)
			return -1;
		if (argv[*i])
			++*i;
	}
	return 0;
}

/* dash's options(): "-" turns -x and -v off, "--" alone empties $@, either ends the options. */
int b_set(struct shell *sh, int argc, char **argv)
{
	int i = 1;

	if (argc == 1) {
		show_vars(sh, "", SHOW_SET);
		return 0;
	}
	while (argv[i]) {
		const char *p = argv[i];
		if (p[0] != '-' && p[0] != '+')
			break;
		i++;
		if (p[0] == '-' && (!p[1] || strcmp(p, "--") == 0)) {
			if (!p[1])
				sh->opt_xtrace = sh->opt_verbose = 0;
			else if (!argv[i])
				set_positional(sh, 0, NULL);
			break;
		}
		if (set_flags(sh, p + 1, p[0] == '-', argv, &i) != 0)
			return 2;
	}
	if (argv[i])
		set_positional(sh, argc - i, argv + i);
	return 0;
}

/* ---- getopts ---- */

/* The variable getopts names, and OPTIND; -1 when one is readonly or badly named. */
static int getopts_store(struct shell *sh, const char *var, char c, int ind)
{
	char opt[2] = { c, '\0' }, num[16];

	snprintf(num, sizeof(num), "%d", ind);
	return var_set(sh, "OPTIND", num, 0) == 0 && var_set(sh, var, opt, 0) == 0 ? 0 : -1;
}

/* An option letter not in @optstr: '?', quietly with a leading ':'. */
static char getopts_unknown(struct shell *sh, const char *optstr, char c)
{
	char s[2] = { c, '\0' };

	if (optstr[0] == ':') {
		var_set(sh, "OPTARG", s, 0);
	} else {
		fflush(stdout);
		fprintf(stderr, "Illegal option -%c\n", c);
		var_unset(sh, "OPTARG");
	}
	return '?';
}

/* A missing option argument: ':' quietly with a leading ':', else '?'. */
static char getopts_no_arg(struct shell *sh, const char *optstr, char c)
{
	char s[2] = { c, '\0' };

	if (optstr[0] == ':') {
		var_set(sh, "OPTARG", s, 0);
		return ':';
	}
	fflush(stdout);
	fprintf(stderr, "No arg for -%c option\n", c);
	var_unset(sh, "OPTARG");
	return '?';
}

/*
 * dash's getopts(), quirks and all: it keeps its place in a grouped word
 * itself (getopts_off), so that only assigning OPTIND starts it again.
 */
static int getopts_next(struct shell *sh, const char *optstr, const char *var, char **first)
{
	int ind = sh->getopts_ind < 1 ? 1 : sh->getopts_ind, off = sh->getopts_off, done = 0;
	char **next = first + ind - 1, c = '?';
	const char *p = NULL, *q;

	if (ind > 1 && off > 0 && strlen(next[-1]) >= (size_t)off)
		p = next[-1] + off;
	if (!p || !*p) {
		p = *next;
		if (!p || *p != '-' || !*++p || (p[0] == '-' && !p[1] && ++next)) {
			p = NULL;
			done = 1;
			goto out;
		}
		next++;
	}
	c = *p++;
	for (q = optstr; *q != c; q += q[1] == ':' ? 2 : 1) {
		if (!*q) {
			c = getopts_unknown(sh, optstr, c);
			goto out;
		}
	}
	if (q[1] != ':') {
		var_set(sh, "OPTARG", "", 0);
	} else if (!*p && !(p = *next)) {
		c = getopts_no_arg(sh, optstr, c);
	} else {
		if (p == *next)
			next++;
		var_set(sh, "OPTARG", p, 0);
		p = NULL;
	}
out:
	ind = (int)(next - first) + 1;
	if (sh->error_raised || getopts_store(sh, var, c, ind) != 0) {   /* OPTARG, OPTIND or @var */
		sh->getopts_ind = 1;
		sh->getopts_off = 0;
		return 2;
	}
	sh->getopts_ind = ind;
	sh->getopts_off = p ? (int)(p - next[-1]) : 0;
	return done;
}

int b_getopts(struct shell *sh, int argc, char **argv)
{
	char **first = argc > 3 ? argv + 3 : sh->argv;
	int n = argc > 3 ? argc - 3 : sh->argc;

	if (argc < 3) {
		sh_fail(sh, "Usage: getopts optstring var [arg...]");
		return 2;
	}
	if ((unsigned)sh->getopts_ind > (unsigned)n + 1) {
		sh->getopts_ind = 1;
		sh->getopts_off = 0;
	}
	return getopts_next(sh, argv[1], argv[2], first);
}
