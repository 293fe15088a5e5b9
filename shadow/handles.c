/* handles.c: the handle table: small integers for the guest, lifted close-on-exec fds for the host. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "handles.h"
#include "io.h"

int fd_lift(int fd)
{
	return hc_fd_lift(fd, SHADOW_FD_FLOOR);
}

void handles_init(struct shadow_handles *t)
{
	for (int i = 0; i < SHADOW_HANDLE_MAX; i++) {
		t->fd[i] = -1;
		t->state[i] = HANDLE_FREE;
	}
}

static int valid(const struct shadow_handles *t, int h, enum handle_state want)
{
	return h >= 0 && h < SHADOW_HANDLE_MAX && t->state[h] == want;
}

int handles_reserve(struct shadow_handles *t)
{
	for (int h = 0; h < SHADOW_HANDLE_MAX; h++) {
		if (t->state[h] == HANDLE_FREE) {
			t->state[h] = HANDLE_PENDING;
			t->fd[h] = -1;
			return h;
		}
	}
	return -EMFILE;
}

int handles_add(struct shadow_handles *t, int fd)
{
	int h, lifted;

	if ((h = handles_reserve(t)) < 0) {
		close(fd);
		return h;
	}
	if ((lifted = fd_lift(fd)) < 0) {
		t->state[h] = HANDLE_FREE;
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
	t->fd[h] = -1;
	t->state[h] = HANDLE_FREE;
	return fd;
}

int handles_close(struct shadow_handles *t, int h)
{
	if (valid(t, h, HANDLE_PENDING)) {
		t->state[h] = HANDLE_FREE;
		return 0;
	}
	if (!valid(t, h, HANDLE_OPEN))
		return -EBADF;
	close(t->fd[h]);
	t->fd[h] = -1;
	t->state[h] = HANDLE_FREE;
	return 0;
}

void handles_close_all(struct shadow_handles *t)
{
	for (int h = 0; h < SHADOW_HANDLE_MAX; h++)
		handles_close(t, h);
}
