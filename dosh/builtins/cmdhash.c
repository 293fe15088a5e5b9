/* cmdhash.c: finding commands in PATH as dash does, and the table that remembers where (hash). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.h"

/* dash's table size and hash: 'hash' lists its entries in this order. */
#define CMD_HASH_BUCKETS 31

struct cmd_entry {
	char *name;
	int index;              /* the PATH entry it was found in */
	int rehash;             /* a cd since: relative PATH entries are to be searched again */
	struct cmd_entry *next;
};

struct cmd_hash {
	struct cmd_entry *bucket[CMD_HASH_BUCKETS];
	char *path;             /* the PATH the indexes are into */
};

const char path_default[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

const char *path_value(struct shell *sh)
{
	const char *path = var_get(sh, "PATH");

	return path ? path : "";   /* unset, PATH is one empty entry, as in dash: the cwd */
}

char *path_candidate(const char *path, const char *name, int index)
{
	size_t len;
	char *full;

	for (; index > 0; index--) {
		path = strchr(path, ':');
		if (!path)
			return NULL;
		path++;
	}
	len = strcspn(path, ":");
	full = malloc(len + strlen(name) + 2);
	if (!full)
		abort();
	if (len)
		sprintf(full, "%.*s/%s", (int)len, path, name);
	else
		strcpy(full, name);   /* an empty entry: the current directory */
	return full;
}

/* The first entry from 0 that holds a regular executable @name; absolute entries up to
 * @known are not looked at again (what a cd leaves true). */
static int path_search_from(const char *path, const char *name, int known, int *err)
{
	int e = ENOENT;
	char *full;

	for (int idx = 0; (full = path_candidate(path, name, idx)); idx++) {
		struct stat st;
		int found = 0;
		if (full[0] == '/' && idx <= known) {
			free(full);
			if (idx < known)
				continue;
			return idx;
		}
		if (stat(full, &st) != 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				e = errno;
		} else {
			e = EACCES;
			found = S_ISREG(st.st_mode) && access(full, X_OK) == 0;
		}
		free(full);
		if (found)
			return idx;
	}
	*err = e;
	return -1;
}

int path_search(const char *path, const char *name, int *err)
{
	return path_search_from(path, name, -1, err);
}

static unsigned cmd_bucket(const char *name)
{
	unsigned h = (unsigned)(unsigned char)*name << 4;

	for (const char *p = name; *p; p++)
		h += (unsigned char)*p;
	return (h & 0x7fff) % CMD_HASH_BUCKETS;
}

static void entries_free(struct cmd_hash *t)
{
	for (int b = 0; b < CMD_HASH_BUCKETS; b++) {
		while (t->bucket[b]) {
			struct cmd_entry *e = t->bucket[b];
			t->bucket[b] = e->next;
			free(e->name);
			free(e);
		}
	}
}

/* The table, emptied if PATH changed since its entries were made (dash empties it on
 * every assignment to PATH; this notices at the next use). */
static struct cmd_hash *table(struct shell *sh)
{
	struct cmd_hash *t = sh->cmd_hash;
	const char *path = path_value(sh);

	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			abort();
		sh->cmd_hash = t;
	}
	if (!t->path || strcmp(t->path, path) != 0) {
		entries_free(t);
		free(t->path);
		t->path = xstrdup(path);
	}
	return t;
}

static struct cmd_entry **entry_slot(struct shell *sh, const char *name)
{
	struct cmd_entry **pe = &table(sh)->bucket[cmd_bucket(name)];

	while (*pe && strcmp((*pe)->name, name) != 0)
		pe = &(*pe)->next;
	return pe;
}

int cmd_hash_find(struct shell *sh, const char *name)
{
	struct cmd_entry *e = *entry_slot(sh, name);

	return e ? e->index : -1;
}

int cmd_lookup(struct shell *sh, const char *name, int *err)
{
	struct cmd_entry **pe = entry_slot(sh, name), *e = *pe;
	int idx;

	if (e && !e->rehash)
		return e->index;
	idx = path_search_from(path_value(sh), name, e ? e->index : -1, err);
	if (idx < 0) {
		if (e) {
			*pe = e->next;
			free(e->name);
			free(e);
		}
		return -1;
	}
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			abort();
		e->name = xstrdup(name);
		*pe = e;   /* at the bucket's end, as dash adds */
	}
	e->index = idx;
	e->rehash = 0;
	return idx;
}

void cmd_hash_forget(struct shell *sh, const char *name)
{
	struct cmd_entry **pe = entry_slot(sh, name), *e = *pe;

	if (e) {
		*pe = e->next;
		free(e->name);
		free(e);
	}
}

void cmd_hash_clear(struct shell *sh)
{
	entries_free(table(sh));
}

void cmd_hash_cd(struct shell *sh)
{
	struct cmd_hash *t = table(sh);

	for (int b = 0; b < CMD_HASH_BUCKETS; b++)
		for (struct cmd_entry *e = t->bucket[b]; e; e = e->next)
			e->rehash = 1;
}

void cmd_hash_print(struct shell *sh)
{
	struct cmd_hash *t = table(sh);

	for (int b = 0; b < CMD_HASH_BUCKETS; b++) {
		for (struct cmd_entry *e = t->bucket[b]; e; e = e->next) {
			char *full = path_candidate(t->path, e->name, e->index);
			printf("%s%s\n", full ? full : e->name, e->rehash ? "*" : "");
			free(full);
		}
	}
}

const char *exec_errmsg(int err)
{
	return err == ENOENT || err == ENOTDIR ? "not found" : strerror(err);
}

/* execve, and a file the kernel will not run (no #!) is a script for /bin/sh. */
static void try_exec(const char *file, char **argv, char **env)
{
	char **shargv;
	int n = 0;

	execve(file, argv, env);
	if (errno != ENOEXEC)
		return;
	while (argv[n])
		n++;
	shargv = calloc((size_t)n + 2, sizeof(char *));
	if (!shargv)
		abort();
	shargv[0] = (char *)"/bin/sh";
	shargv[1] = (char *)file;
	memcpy(shargv + 2, argv + 1, (size_t)n * sizeof(char *));
	execve("/bin/sh", shargv, env);
	free(shargv);
	errno = ENOEXEC;
}

_Noreturn void shell_exec(struct shell *sh, char **argv, char **env, const char *path, int index)
{
	int e = ENOENT;

	fflush(NULL);
	if (strchr(argv[0], '/')) {
		try_exec(argv[0], argv, env);
		e = errno;
	} else {
		char *full;
		for (int idx = index; (full = path_candidate(path, argv[0], idx)); idx++) {
			try_exec(full, argv, env);
			if (errno != ENOENT && errno != ENOTDIR)
				e = errno;
			free(full);
		}
	}
	sh_error(sh, "%s: %s", argv[0], exec_errmsg(e));
	_exit(e == ENOENT || e == ENOTDIR || e == ELOOP || e == ENAMETOOLONG ? 127 : 126);
}

int command_words(char **argv, int *default_path)
{
	int i = 1;

	if (strcmp(argv[0], "command") != 0)
		return 0;
	for (; argv[i] && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c != 'p')
				return 0;   /* -v, -V or a bad option: the builtin itself answers */
			*default_path = 1;
		}
	}
	return argv[i] ? i : 0;
}
