/* handles.h: the table mapping guest-visible handles to the shadow's host descriptors. */
#ifndef HC_HANDLES_H
#define HC_HANDLES_H

#include <sys/resource.h>

/* The table starts this big and grows, by doubling, up to its session's limit. */
#define SHADOW_HANDLES_START 1024
/* No session holds more, whatever the descriptor limit. */
#define SHADOW_HANDLES_CAP (1 << 20)
/*
 * Every descriptor the shadow keeps sits at or above fd_floor(), close-on-exec: SHADOW_FD_FLOOR,
 * or under a descriptor limit below SHADOW_FD_FLOOR_ROOM a quarter of the limit, so that a
 * session still runs under `prlimit --nofile=64`.
 */
#define SHADOW_FD_FLOOR 64
#define SHADOW_FD_FLOOR_ROOM (4 * SHADOW_FD_FLOOR)
/* Descriptors kept back from the handles: the shadow's own, a child's set-up, a readdir. */
#define SHADOW_FD_RESERVE 64

enum handle_state { HANDLE_FREE = 0, HANDLE_OPEN, HANDLE_PENDING };

struct shadow_handles {
	int *fd;
	unsigned char *state;
	int cap;                 /* entries allocated */
	int limit;               /* the most the session may hold */
	int used;
	int low_free;            /* no free handle below this one */
};

/* fd_floor - the lowest descriptor the shadow keeps its own at: set by its first fd_limit_raise(). */
int fd_floor(void);
/* fd_floor_for - the floor under a descriptor limit of @limit (0: unknown). */
int fd_floor_for(rlim_t limit);
/* fd_lift - move @fd to fd_floor() or above, close-on-exec. Returns: the fd or -errno (closes @fd). */
int fd_lift(int fd);

/* handles_init - an empty table of at most @limit handles. Returns: 0 or -ENOMEM. */
int handles_init(struct shadow_handles *t, int limit);
/*
 * fd_limit_raise - raise RLIMIT_NOFILE's soft limit to the hard one; the first time in a
 * process, set fd_floor() by it.
 * Returns: the soft limit now (0 unknown).
 */
rlim_t fd_limit_raise(void);
/* handles_limit_from_rlimit - raise RLIMIT_NOFILE to its hard limit; the handles a session may hold under it. */
int handles_limit_from_rlimit(void);
/* handles_add - give @fd (lifted here) a handle. Returns: the handle, or -EMFILE (closes @fd). */
int handles_add(struct shadow_handles *t, int fd);
/* handles_reserve - a handle whose descriptor arrives later. Returns: it or -EMFILE. */
int handles_reserve(struct shadow_handles *t);
/* handles_fill - give reserved handle @h its descriptor. Returns: 0 or -EBADF. */
int handles_fill(struct shadow_handles *t, int h, int fd);
/* handles_fd - the descriptor behind an open handle. Returns: it or -EBADF. */
int handles_fd(const struct shadow_handles *t, int h);
/* handles_take - remove @h without closing its descriptor. Returns: the fd or -EBADF. */
int handles_take(struct shadow_handles *t, int h);
/* handles_close - close @h (open or reserved). Returns: 0 or -EBADF. */
int handles_close(struct shadow_handles *t, int h);
/* handles_close_all - close every handle and free the table. */
void handles_close_all(struct shadow_handles *t);

#endif
