/* io.h: whole-buffer reads and writes that retry EINTR, once, here. */
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

#endif
