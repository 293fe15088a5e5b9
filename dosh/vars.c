/* vars.c: shell variables: set, unset, export, locals of functions, and the environment. */
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

static struct var *find(struct shell *sh, const char *name)
{
	for (struct var *v = sh->vars; v; v = v->next)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

const char *var_get(struct shell *sh, const char *name)
{
	struct var *v = find(sh, name);

	return v ? v->value : NULL;
}

static struct var *find_or_add(struct shell *sh, const char *name)
{
	struct var *v = find(sh, name);

	if (v)
		return v;
	v = calloc(1, sizeof(*v));
	if (!v)
		abort();
	v->name = xstrdup(name);
	v->next = sh->vars;
	sh->vars = v;
	return v;
}

int var_set(struct shell *sh, const char *name, const char *value, int export)
{
	struct var *v;

	if (!is_shell_name(name, strlen(name)))
		return -1;
	v = find_or_add(sh, name);
	free(v->value);
	v->value = value ? xstrdup(value) : NULL;
	if (export)
		v->exported = 1;
	return 0;
}

int var_unset(struct shell *sh, const char *name)
{
	for (struct var **pv = &sh->vars; *pv; pv = &(*pv)->next) {
		struct var *v = *pv;
		if (strcmp(v->name, name) == 0) {
			*pv = v->next;
			free(v->name);
			free(v->value);
			free(v);
			return 0;
		}
	}
	return 0;
}

void var_export(struct shell *sh, const char *name)
{
	find_or_add(sh, name)->exported = 1;
}

int var_assign(struct shell *sh, const char *a, int export)
{
	const char *eq = strchr(a, '=');
	char name[256];

	if (!eq || (size_t)(eq - a) >= sizeof(name) || !is_shell_name(a, (size_t)(eq - a)))
		return -1;
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
	struct var *v = find(sh, name);

	if (!s)
		abort();
	s->name = xstrdup(name);
	s->had = v != NULL;
	s->value = v && v->value ? xstrdup(v->value) : NULL;
	s->exported = v ? v->exported : 0;
	s->next = sh->locals;
	sh->locals = s;
}

void var_restore_locals(struct shell *sh, struct saved_var *until)
{
	while (sh->locals && sh->locals != until) {
		struct saved_var *s = sh->locals;
		sh->locals = s->next;
		if (s->had) {
			var_set(sh, s->name, s->value, 0);
			find_or_add(sh, s->name)->exported = s->exported;
		} else {
			var_unset(sh, s->name);
		}
		free(s->name);
		free(s->value);
		free(s);
	}
}

void var_import_environ(struct shell *sh, char **env)
{
	for (; env && *env; env++)
		var_assign(sh, *env, 1);
}
