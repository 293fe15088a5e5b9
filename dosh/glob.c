/* glob.c: pathname expansion component by component, listing directories through a callback. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

int glob_has_magic(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '*' || *p == '?' || *p == '[')
			return 1;
	}
	return 0;
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
};

static int walk(struct walk *w, const char *dir, const char *rest);

/* "pattern/": only directories match, and keep their slash. */
static int add_if_dir(struct walk *w, const char *path)
{
	char **names = NULL, with_slash[4100];
	int count = w->list(w->ctx, path, &names);

	free_names(names);
	if (count < 0 || strlen(path) + 2 > sizeof(with_slash))
		return 0;
	strcpy(with_slash, path);
	strcat(with_slash, "/");
	return add(w->out, w->n, with_slash);
}

/* One component @comp (escaped) matched in @dir, then the @rest of the pattern. */
static int walk_component(struct walk *w, const char *dir, const char *comp, const char *rest)
{
	char **names = NULL, path[4096];
	int count = w->list(w->ctx, dir, &names), r = 0;

	if (count < 0)
		return 0;   /* an unreadable directory matches nothing */
	for (int i = 0; i < count && r == 0; i++) {
		if (fnmatch(comp, names[i], FNM_PERIOD) != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir,
				     *dir && dir[strlen(dir) - 1] != '/' ? "/" : "", names[i]) >= sizeof(path))
			continue;
		r = !rest ? add(w->out, w->n, path) : *rest ? walk(w, path, rest) : add_if_dir(w, path);
	}
	free_names(names);
	return r;
}

static int walk(struct walk *w, const char *dir, const char *pattern)
{
	const char *slash = strchr(pattern, '/');
	char comp[1024];
	size_t len = slash ? (size_t)(slash - pattern) : strlen(pattern);

	if (len >= sizeof(comp))
		return 0;
	memcpy(comp, pattern, len);
	comp[len] = '\0';
	while (slash && slash[1] == '/')
		slash++;
	return walk_component(w, dir, comp, slash ? slash + 1 : NULL);
}

static int cmp(const void *a, const void *b)
{
	return strcoll(*(char *const *)a, *(char *const *)b);
}

int glob_expand(const char *pattern, glob_lister list, void *ctx, char ***out, int *n)
{
	struct walk w = { list, ctx, out, n };
	int before = *n, r;
	const char *start = pattern;
	char root[2] = "";

	if (*pattern == '/') {
		strcpy(root, "/");
		while (*start == '/')
			start++;
	}
	r = walk(&w, root, start);
	if (r < 0)
		return r;
	qsort(*out + before, (size_t)(*n - before), sizeof(char *), cmp);
	return *n - before;
}
