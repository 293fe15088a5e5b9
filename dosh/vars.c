/* vars.c: shell variables: set, unset, export, readonly, locals of functions, the environment. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		fputs("dosh: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* FNV-1a of the name, to a bucket of the index. */
static struct var **var_bucket(struct shell *sh, const char *name)
{
	unsigned h = 2166136261u;

	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ *c) * 16777619u;
	return &sh->var_index[h & (VAR_BUCKETS - 1)];
}

struct var *var_find(struct shell *sh, const char *name)
{
	for (struct var *v = *var_bucket(sh, name); v; v = v->hnext)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

const char *var_get(struct shell *sh, const char *name)
{
	struct var *v = var_find(sh, name);

	return v ? v->value : NULL;
}

static struct var *find_or_add(struct shell *sh, const char *name)
{
	struct var *v = var_find(sh, name), **bucket;

	if (v)
		return v;
	v = calloc(1, sizeof(*v));
	if (!v)
		abort();
	v->name = xstrdup(name);
	v->next = sh->vars;
	sh->vars = v;
	bucket = var_bucket(sh, name);
	v->hnext = *bucket;
	*bucket = v;
	return v;
}

int sh_number(struct shell *sh, const char *s, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end || errno || n < 0 || n > INT_MAX || !isdigit((unsigned char)end[-1])) {
		sh_fail(sh, "Illegal number: %s", s);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* OPTIND assigned (not by getopts): getopts starts again from that word. */
static int getopts_restart(struct shell *sh, const char *value)
{
	int n;

	if (sh_number(sh, value ? value : "", &n) != 0)
		return -1;
	sh->getopts_ind = n ? n : 1;
	sh->getopts_off = 0;
	return 0;
}

/* A bad name or a readonly refuses a change. Returns: 0, or -1 reported and raised. */
static int refuse_change(struct shell *sh, const char *name, struct var *v)
{
	if (!is_shell_name(name, strlen(name))) {
		sh_fail(sh, "%s: bad variable name", name);
		return -1;
	}
	if (v && v->readonly) {
		sh_fail(sh, "%s: is read only", name);
		return -1;
	}
	return 0;
}

/* The value itself, no checks: also what restoring a local does to a readonly. */
static void store(struct var *v, const char *value)
{
	char *copy = value ? xstrdup(value) : NULL;

	free(v->value);
	v->value = copy;
}

int var_set(struct shell *sh, const char *name, const char *value, int export)
{
	struct var *v = var_find(sh, name);

	if (refuse_change(sh, name, v) != 0)
		return -1;
	if (strcmp(name, "OPTIND") == 0 && getopts_restart(sh, value) != 0)
		return -1;
	v = find_or_add(sh, name);
	store(v, value);
	if (export || sh->opt_allexport)
		v->exported = 1;
	return 0;
}

/* Take @name out of the list and the index, whatever its flags. */
static void drop(struct shell *sh, const char *name)
{
	struct var **ph = var_bucket(sh, name), *v;

	while (*ph && strcmp((*ph)->name, name) != 0)
		ph = &(*ph)->hnext;
	if (!(v = *ph))
		return;
	*ph = v->hnext;
	for (struct var **pv = &sh->vars; *pv; pv = &(*pv)->next) {
		if (*pv == v) {
			*pv = v->next;
			break;
		}
	}
	free(v->name);
	free(v->value);
	free(v);
}

int var_unset(struct shell *sh, const char *name)
{
	if (refuse_change(sh, name, var_find(sh, name)) != 0)
		return -1;
	if (strcmp(name, "OPTIND") == 0 && getopts_restart(sh, NULL) != 0)
		return -1;
	drop(sh, name);
	return 0;
}

void var_export(struct shell *sh, const char *name)
{
	find_or_add(sh, name)->exported = 1;
}

void var_readonly(struct shell *sh, const char *name)
{
	find_or_add(sh, name)->readonly = 1;
}

int var_assign(struct shell *sh, const char *a, int export)
{
	const char *eq = strchr(a, '=');
	char name[256];

	if (!eq || (size_t)(eq - a) >= sizeof(name) || !is_shell_name(a, (size_t)(eq - a))) {
		sh_fail(sh, "%.*s: bad variable name", eq ? (int)(eq - a) : (int)strlen(a), a);
		return -1;
	}
	memcpy(name, a, (size_t)(eq - a));
	name[eq - a] = '\0';
	return var_set(sh, name, eq + 1, export);
}

char **var_environ(struct shell *sh)
{
	size_t n = 0, i = 0;
	char **env;

	for (struct var *v = sh->vars; v; v = v->next)
		n += v->exported && v->value;
	env = calloc(n + 1, sizeof(char *));
	if (!env)
		abort();
	for (struct var *v = sh->vars; v; v = v->next) {
		if (!v->exported || !v->value)
			continue;
		env[i] = malloc(strlen(v->name) + strlen(v->value) + 2);
		if (!env[i])
			abort();
		sprintf(env[i++], "%s=%s", v->name, v->value);
	}
	return env;
}

void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void var_local(struct shell *sh, const char *name)
{
	struct saved_var *s = calloc(1, sizeof(*s));
	struct var *v = var_find(sh, name);

	if (!s)
		abort();
	s->name = xstrdup(name);
	s->had = v != NULL;
	s->value = v && v->value ? xstrdup(v->value) : NULL;
	s->exported = v ? v->exported : 0;
	s->readonly = v ? v->readonly : 0;
	s->next = sh->locals;
	sh->locals = s;
}

void var_restore_locals(struct shell *sh, struct saved_var *until)
{
	while (sh->locals && sh->locals != until) {
		struct saved_var *s = sh->locals;
		sh->locals = s->next;
		if (strcmp(s->name, "-") == 0) {
			options_restore(sh, s->value);
		} else if (s->had) {
			struct var *v = find_or_add(sh, s->name);
			store(v, s->value);
			v->exported = s->exported;
			v->readonly = s->readonly;
		} else {
			drop(sh, s->name);
		}
		free(s->name);
		free(s->value);
		free(s);
	}
}

/* An entry whose name is no shell name makes no variable (and no error at start-up). */
void var_import_environ(struct shell *sh, char **env)
{
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');
		char name[256];
		if (!eq || (size_t)(eq - *env) >= sizeof(name) || !is_shell_name(*env, (size_t)(eq - *env)))
			continue;
		memcpy(name, *env, (size_t)(eq - *env));
		name[eq - *env] = '\0';
		var_set(sh, name, eq + 1, 1);
	}
}
