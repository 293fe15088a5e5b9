/* children.c: the table of the session's child processes and the statuses they leave. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shadow.h"

struct shadow_child *children_add(struct shadow *sh, pid_t pid, pid_t pgid)
{
	for (int i = 0; i < SHADOW_CHILD_MAX; i++) {
		struct shadow_child *c = &sh->children[i];
		if (c->state == CHILD_FREE) {
			c->state = CHILD_RUNNING;
			c->pid = pid;
			c->pgid = pgid;
			c->relay_fd = -1;
			c->unreported = 0;
			return c;
		}
	}
	return NULL;
}

struct shadow_child *children_find(struct shadow *sh, pid_t pid)
{
	for (int i = 0; i < SHADOW_CHILD_MAX; i++)
		if (sh->children[i].state != CHILD_FREE && sh->children[i].pid == pid)
			return &sh->children[i];
	return NULL;
}

static void record(struct shadow_child *c, int status)
{
	if (WIFEXITED(status) || WIFSIGNALED(status))
		c->state = CHILD_DONE;
	else if (WIFSTOPPED(status))
		c->state = CHILD_STOPPED;
	else if (WIFCONTINUED(status))
		c->state = CHILD_RUNNING;
	c->status = status;
	c->unreported = 1;
}

void children_free(struct shadow_child *c)
{
	if (c->relay_fd >= 0)
		close(c->relay_fd);
	c->relay_fd = -1;
	c->state = CHILD_FREE;
}

void children_reap(struct shadow *sh)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
		struct shadow_child *c = children_find(sh, pid);
		if (c)
			record(c, status);
		/* else an orphan we adopted as subreaper: reaped, nothing to keep */
	}
}

int children_running(const struct shadow *sh)
{
	int n = 0;

	for (int i = 0; i < SHADOW_CHILD_MAX; i++)
		if (sh->children[i].state == CHILD_RUNNING || sh->children[i].state == CHILD_STOPPED)
			n++;
	return n;
}

/* The parent and process group of @pid, from /proc. Returns: 0 or -1 (gone, unreadable). */
static int stat_of(pid_t pid, pid_t *ppid, pid_t *pgid)
{
	char path[64], line[512], *close_paren;
	int pp = 0, pg = 0, ok = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	if (fgets(line, sizeof(line), f) && (close_paren = strrchr(line, ')')))
		ok = sscanf(close_paren + 1, " %*c %d %d", &pp, &pg) == 2;
	fclose(f);
	*ppid = pp;
	*pgid = pg;
	if (!ok)
		errno = EINVAL;
	return ok ? 0 : -1;
}

int children_of_self(int (*fn)(pid_t pid, pid_t pgid, void *ctx), void *ctx)
{
	pid_t self = getpid(), ppid, pgid;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int n = 0, failed = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name), r = pid > 0 ? stat_of(pid, &ppid, &pgid) : 1;
		if (r == 0 && ppid == self)
			n += fn(pid, pgid, ctx);
		else if (r < 0 && (errno == EMFILE || errno == ENFILE))
			failed = -errno;   /* one we could not read may be ours */
	}
	closedir(d);
	return failed ? failed : n;
}
