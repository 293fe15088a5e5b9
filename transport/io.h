/* io.h: whole-buffer reads and writes that retry EINTR, once, here; descriptors kept out of the way. */
#ifndef HC_IO_H
#define HC_IO_H

#include <stddef.h>

/*
 * hc_write_all - write all @len bytes of @buf to @fd. On a socket, a gone
 * peer is -EPIPE, never SIGPIPE. Returns: 0 or -errno.
 */
int hc_write_all(int fd, const void *buf, size_t len);

/*
 * hc_read_full - read until @len bytes or end of file; *@got says how many.
 * Returns: 0 or -errno.
 */
int hc_read_full(int fd, void *buf, size_t len, size_t *got);

/* Where libhostcall keeps its own descriptors: above a shell's redirections. */
#define HC_FD_FLOOR 64

/*
 * hc_fd_lift - move @fd to @floor or above, close-on-exec, so that a program's
 * own dup2() (a shell's "exec 3> file") cannot land on it.
 * Returns: the fd, or -errno (@fd is closed).
 */
int hc_fd_lift(int fd, int floor);

/*
 * hc_send_fd - send the @len bytes of @msg and descriptor @fd in one message on unix socket
 * @sock, without waiting and without SIGPIPE. Returns: 0 or -errno.
 */
int hc_send_fd(int sock, const void *msg, size_t len, int fd);

/* hc_now_ms - a monotonic clock in milliseconds. */
long long hc_now_ms(void);

#endif
