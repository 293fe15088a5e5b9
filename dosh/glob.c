/* glob.c: pathname expansion component by component, listing directories through a callback. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

/* From just after a '[': whether a ']' closes it before the component ends (dash's rule). */
static int bracket_closes(const char *p)
{
	if (*p == '!')
		p++;
	for (;;) {
		if (*p == '\\')
			p++;
		if (*p == '/' || *p == '\0')
			return 0;
		if (*++p == ']')
			return 1;
	}
}

int glob_has_magic(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '*' || *p == '?' || (*p == '[' && bracket_closes(p + 1)))
			return 1;
	}
	return 0;
}

/* The character classes of [[:name:]], as dash knows them. */
static const struct {
	const char *name;
	int (*fn)(int);
} classes[] = {
	{ ":alnum:]", isalnum }, { ":alpha:]", isalpha }, { ":blank:]", isblank },
	{ ":cntrl:]", iscntrl }, { ":digit:]", isdigit }, { ":graph:]", isgraph },
	{ ":lower:]", islower }, { ":print:]", isprint }, { ":punct:]", ispunct },
	{ ":space:]", isspace }, { ":upper:]", isupper }, { ":xdigit:]", isxdigit },
};

/* At @p (just after a '[' inside a bracket): a class; *end after it, NULL if none. */
static int class_match(const char *p, unsigned char c, const char **end)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		size_t n = strlen(classes[i].name);
		if (strncmp(p, classes[i].name, n) == 0) {
			*end = p + n;
			return classes[i].fn(c) != 0;
		}
	}
	*end = NULL;
	return 0;
}

/*
 * From just after '[' at @p: whether @c is in the bracket; *next after its ']'.
 * Returns: 1 or 0, or -1 when no ']' closes it (then '[' is an ordinary character).
 */
static int bracket_match(const char *p, unsigned char c, const char **next)
{
	int invert = 0, found = 0;
	unsigned char lo;

	if (*p == '!') {
		invert = 1;
		p++;
	}
	lo = (unsigned char)*p++;
	do {
		const char *end;
		if (!lo)
			return -1;
		if (lo == '[') {
			found |= class_match(p, c, &end);
			if (end) {
				p = end;
				continue;
			}
		} else if (lo == '\\' && *p) {
			lo = (unsigned char)*p++;
		}
		if (*p == '-' && p[1] != ']' && p[1]) {
			p++;
			if (*p == '\\' && p[1])
				p++;
			if (c >= lo && c <= (unsigned char)*p)
				found = 1;
			p++;
		} else if (c == lo) {
			found = 1;
		}
	} while ((lo = (unsigned char)*p++) != ']');
	*next = p;
	return found != invert;
}

int glob_match(const char *p, const char *s)
{
	for (;;) {
		char c = *p++;
		const char *next;
		int m;

		switch (c) {
		case '\0':
			return *s == '\0';
		case '?':
			if (*s++ == '\0')
				return 0;
			break;
		case '*':
			while (*p == '*')
				p++;
			if (*p == '\0')
				return 1;
			for (; *s; s++)
				if (glob_match(p, s))
					return 1;
			return glob_match(p, s);
		case '[':
			if (*s == '\0')
				return 0;
			m = bracket_match(p, (unsigned char)*s, &next);
			if (m < 0)
				goto literal;
			if (!m)
				return 0;
			p = next;
			s++;
			break;
		case '\\':
			if (*p)
				c = *p++;
			/* fall through */
		default:
literal:
			if (*s++ != c)
				return 0;
		}
	}
}

char *glob_unescape(const char *p)
{
	char *out = malloc(strlen(p) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

int glob_list_local(void *ctx, const char *dir, char ***names)
{
	DIR *d = opendir(*dir ? dir : ".");
	struct dirent *de;
	char **v = NULL;
	int n = 0;

	(void)ctx;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char **nv;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		nv = realloc(v, sizeof(char *) * (size_t)(n + 2));
		if (!nv)
			break;
		v = nv;
		v[n] = strdup(de->d_name);
		v[++n] = NULL;
	}
	closedir(d);
	if (!v)
		v = calloc(1, sizeof(char *));
	*names = v;
	return n;
}

static void free_names(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static int add(char ***out, int *n, const char *path)
{
	char **nv = realloc(*out, sizeof(char *) * (size_t)(*n + 2));

	if (!nv)
		return -ENOMEM;
	*out = nv;
	if (!(nv[*n] = strdup(path)))
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

struct walk {
	glob_lister list;
	void *ctx;
	char ***out;
	int *n;
	char path[4096];   /* the directory being walked, as the pattern spelt its slashes */
};

static int walk(struct walk *w, size_t plen, const char *pattern);

/* Whether the listing of @dir ("" for the current one) has @name; "." and ".." always. */
static int dir_has(struct walk *w, const char *dir, const char *name)
{
	char **names = NULL;
	int count = w->list(w->ctx, dir, &names), found = 0;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		found = count >= 0;
	for (int i = 0; i < count && !found; i++)
		found = strcmp(names[i], name) == 0;
	free_names(names);
	return found;
}

/* Whether @path names a directory that can be listed. */
static int is_dir(struct walk *w, const char *path)
{
	char **names = NULL;
	int count = w->list(w->ctx, path, &names);

	free_names(names);
	return count >= 0;
}

/*
 * @name matched the component ending at @sep (its slashes, then the @rest): go on below it,
 * or add it when the pattern ends (only a directory when a slash ended the pattern).
 */
static int walk_into(struct walk *w, size_t plen, const char *name, const char *sep, const char *rest)
{
	size_t nlen = strlen(name), slen = (size_t)(rest - sep);

	if (plen + nlen + slen >= sizeof(w->path))
		return 0;
	memcpy(w->path + plen, name, nlen);
	memcpy(w->path + plen + nlen, sep, slen);
	w->path[plen + nlen + slen] = '\0';
	if (*rest)
		return walk(w, plen + nlen + slen, rest);
	if (slen && !is_dir(w, w->path))
		return 0;
	return add(w->out, w->n, w->path);
}

/* A component without a pattern: taken as it is; at the end of the pattern it must exist. */
static int walk_literal(struct walk *w, size_t plen, const char *comp, const char *sep,
			const char *rest)
{
	char *name = glob_unescape(comp);
	int r = 0;

	if (!name)
		return -ENOMEM;
	w->path[plen] = '\0';
	if (*rest || sep != rest || dir_has(w, w->path, name))
		r = walk_into(w, plen, name, sep, rest);
	free(name);
	return r;
}

/* A component with a pattern: every name in the directory that it matches. */
static int walk_matches(struct walk *w, size_t plen, const char *comp, const char *sep,
			const char *rest)
{
	char **names = NULL;
	int count, r = 0;
	int dots = comp[0] == '.' || (comp[0] == '\\' && comp[1] == '.');

	w->path[plen] = '\0';
	count = w->list(w->ctx, w->path, &names);
	if (count < 0)
		return 0;   /* an unreadable directory matches nothing */
	if (dots) {     /* readdir's "." and "..": a pattern starting with '.' matches them */
		if (glob_match(comp, "."))
			r = walk_into(w, plen, ".", sep, rest);
		if (r == 0 && glob_match(comp, ".."))
			r = walk_into(w, plen, "..", sep, rest);
	}
	for (int i = 0; i < count && r == 0; i++) {
		if ((names[i][0] == '.' && !dots) || !glob_match(comp, names[i]))
			continue;
		r = walk_into(w, plen, names[i], sep, rest);
	}
	free_names(names);
	return r;
}

/* Whether @comp ends in a backslash that escapes what follows it (an odd run of them). */
static int trailing_escape(const char *comp, size_t len)
{
	size_t n = 0;

	while (n < len && comp[len - 1 - n] == '\\')
		n++;
	return n % 2;
}

/* The component of @pattern at the end of w->path[0..plen), then the rest. */
static int walk(struct walk *w, size_t plen, const char *pattern)
{
	const char *sep = strchr(pattern, '/'), *rest;
	char comp[1024];
	size_t len;

	if (!sep)
		sep = pattern + strlen(pattern);
	len = (size_t)(sep - pattern);
	if (len >= sizeof(comp))
		return 0;
	memcpy(comp, pattern, len);
	comp[len] = '\0';
	if (*sep && trailing_escape(comp, len))
		comp[len - 1] = '\0';   /* "\/" is the slash itself, as dash takes it */
	for (rest = sep; *rest == '/'; rest++)
		;
	if (!glob_has_magic(comp))
		return walk_literal(w, plen, comp, sep, rest);
	return walk_matches(w, plen, comp, sep, rest);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int glob_expand(const char *pattern, glob_lister list, void *ctx, char ***out, int *n)
{
	struct walk *w = malloc(sizeof(*w));
	int before = *n, r;
	size_t plen = 0;

	if (!w)
		return -ENOMEM;
	*w = (struct walk){ list, ctx, out, n, "" };
	while (pattern[plen] == '/' && plen + 1 < sizeof(w->path)) {
		w->path[plen] = '/';
		plen++;
	}
	r = walk(w, plen, pattern + plen);
	free(w);
	if (r < 0)
		return r;
	qsort(*out + before, (size_t)(*n - before), sizeof(char *), cmp);
	return *n - before;
}
