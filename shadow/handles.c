/* handles.c: the handle table: small integers for the guest, lifted close-on-exec fds for the host. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "handles.h"
#include "io.h"

int fd_floor_for(rlim_t limit)
{
	if (limit == 0 || limit == RLIM_INFINITY || limit >= SHADOW_FD_FLOOR_ROOM)
		return SHADOW_FD_FLOOR;
	return limit / 4 > 8 ? (int)(limit / 4) : 8;
}

/*
 * Set by a process's first fd_limit_raise(), which comes before its first lift: the floor then
 * stays for the process's life, whatever prlimit does to it later (a forked shadow sets its own).
 */
static int floor_now;
static pid_t floor_of;

int fd_floor(void)
{
	return floor_now ? floor_now : fd_floor_for(0);
}

int fd_lift(int fd)
{
	return hc_fd_lift(fd, fd_floor());
}

rlim_t fd_limit_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (floor_of != getpid()) {
		floor_now = fd_floor_for(rl.rlim_cur);
		floor_of = getpid();
	}
	return rl.rlim_cur;
}

int handles_limit_from_rlimit(void)
{
	rlim_t n = fd_limit_raise();

	if (n == 0)
		return SHADOW_HANDLES_START;
	if (n == RLIM_INFINITY || n > SHADOW_HANDLES_CAP + SHADOW_FD_FLOOR + SHADOW_FD_RESERVE)
		return SHADOW_HANDLES_CAP;
	if (n < SHADOW_FD_FLOOR_ROOM)   /* a quarter below the floor, a quarter kept back */
		return (int)(n / 2) > 4 ? (int)(n / 2) : 4;
	if (n < SHADOW_FD_FLOOR + SHADOW_FD_RESERVE + 16)
		return 16;
	return (int)(n - SHADOW_FD_FLOOR - SHADOW_FD_RESERVE);
}

/* Room for @cap entries, the new ones free. Returns: 0 or -ENOMEM. */
static int grow(struct shadow_handles *t, int cap)
{
	int *fd = realloc(t->fd, (size_t)cap * sizeof(*fd));
	unsigned char *state;

	if (!fd)
		return -ENOMEM;
	t->fd = fd;
	state = realloc(t->state, (size_t)cap);
	if (!state)
		return -ENOMEM;
	t->state = state;
	for (int i = t->cap; i < cap; i++)
		fd[i] = -1;
	memset(state + t->cap, HANDLE_FREE, (size_t)(cap - t->cap));
	t->cap = cap;
	return 0;
}

int handles_init(struct shadow_handles *t, int limit)
{
	memset(t, 0, sizeof(*t));
	t->limit = limit;
	return grow(t, limit < SHADOW_HANDLES_START ? limit : SHADOW_HANDLES_START);
}

static int valid(const struct shadow_handles *t, int h, enum handle_state want)
{
	return h >= 0 && h < t->cap && t->state[h] == want;
}

static void set_free(struct shadow_handles *t, int h)
{
	t->fd[h] = -1;
	t->state[h] = HANDLE_FREE;
	t->used--;
	if (h < t->low_free)
		t->low_free = h;
}

int handles_reserve(struct shadow_handles *t)
{
	int h;

	if (t->used >= t->limit)
		return -EMFILE;
	if (t->used == t->cap &&
	    grow(t, t->cap * 2 < t->limit ? t->cap * 2 : t->limit) != 0)
		return -ENOMEM;
	for (h = t->low_free; h < t->cap && t->state[h] != HANDLE_FREE; h++)
		;
	if (h == t->cap)
		return -EMFILE;   /* cannot happen: used < cap */
	t->state[h] = HANDLE_PENDING;
	t->fd[h] = -1;
	t->used++;
	t->low_free = h + 1;
	return h;
}

int handles_add(struct shadow_handles *t, int fd)
{
	int h, lifted;

	if ((h = handles_reserve(t)) < 0) {
		close(fd);
		return h;
	}
	if ((lifted = fd_lift(fd)) < 0) {
		set_free(t, h);
		return lifted;
	}
	t->fd[h] = lifted;
	t->state[h] = HANDLE_OPEN;
	return h;
}

int handles_fill(struct shadow_handles *t, int h, int fd)
{
	if (!valid(t, h, HANDLE_PENDING))
		return -EBADF;
	t->fd[h] = fd;
	t->state[h] = HANDLE_OPEN;
	return 0;
}

int handles_fd(const struct shadow_handles *t, int h)
{
	return valid(t, h, HANDLE_OPEN) ? t->fd[h] : -EBADF;
}

int handles_take(struct shadow_handles *t, int h)
{
	int fd;

	if (!valid(t, h, HANDLE_OPEN))
		return -EBADF;
	fd = t->fd[h];
	set_free(t, h);
	return fd;
}

int handles_close(struct shadow_handles *t, int h)
{
	if (valid(t, h, HANDLE_PENDING)) {
		set_free(t, h);
		return 0;
	}
	if (!valid(t, h, HANDLE_OPEN))
		return -EBADF;
	close(t->fd[h]);
	set_free(t, h);
	return 0;
}

void handles_close_all(struct shadow_handles *t)
{
	for (int h = 0; h < t->cap; h++)
		handles_close(t, h);
	free(t->fd);
	free(t->state);
	memset(t, 0, sizeof(*t));
}
