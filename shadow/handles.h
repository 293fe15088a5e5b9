/* handles.h: the table mapping guest-visible handles to the shadow's host descriptors. */
#ifndef HC_HANDLES_H
#define HC_HANDLES_H

#define SHADOW_HANDLE_MAX 1024
/* Every descriptor the shadow keeps sits at or above this, close-on-exec. */
#define SHADOW_FD_FLOOR 64

enum handle_state { HANDLE_FREE = 0, HANDLE_OPEN, HANDLE_PENDING };

struct shadow_handles {
	int fd[SHADOW_HANDLE_MAX];
	unsigned char state[SHADOW_HANDLE_MAX];
};

/* fd_lift - move @fd to SHADOW_FD_FLOOR or above, close-on-exec. Returns: the fd or -errno (closes @fd). */
int fd_lift(int fd);

void handles_init(struct shadow_handles *t);
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
/* handles_close_all - close every handle. */
void handles_close_all(struct shadow_handles *t);

#endif
