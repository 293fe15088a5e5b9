/* devio.c: hostfs's reads and writes of /dev/fuse, which ask the kernel at INIT for what libfuse 3.14 cannot. */
#include <linux/fuse.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hostfs.h"

/*
 * FUSE_HANDLE_KILLPRIV_V2: the host's kernel drops set-id bits and
 * security.capability whenever the shadow writes, truncates or chowns, which is
 * what that flag says of the file system. With it the guest's kernel marks a
 * file it has once found without them (S_NOSEC), instead of asking the host
 * for security.capability before every write.
 */
#define INIT_FLAGS_ADDED FUSE_HANDLE_KILLPRIV_V2

static _Atomic uint64_t init_unique;   /* the INIT request being answered, if it offered them */

static ssize_t dev_read(int fd, void *buf, size_t len, void *userdata)
{
	ssize_t n = read(fd, buf, len);
	const struct fuse_in_header *in = buf;

	(void)userdata;
	if (n >= (ssize_t)(sizeof(*in) + offsetof(struct fuse_init_in, flags) + sizeof(uint32_t)) &&
	    in->opcode == FUSE_INIT) {
		const struct fuse_init_in *init = (const void *)(in + 1);
		if ((init->flags & INIT_FLAGS_ADDED) == INIT_FLAGS_ADDED)
			atomic_store(&init_unique, in->unique);
	}
	return n;
}

static ssize_t dev_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	uint64_t unique = atomic_load(&init_unique);

	(void)userdata;
	if (unique && count >= 2 && iov[0].iov_len == sizeof(struct fuse_out_header) &&
	    iov[1].iov_len >= offsetof(struct fuse_init_out, flags) + sizeof(uint32_t)) {
		struct fuse_out_header *out = iov[0].iov_base;
		if (out->unique == unique && out->error == 0) {
			((struct fuse_init_out *)iov[1].iov_base)->flags |= INIT_FLAGS_ADDED;
			atomic_store(&init_unique, 0);
		}
	}
	return writev(fd, iov, count);
}

int hf_devio_install(struct fuse_session *se)
{
	static const struct fuse_custom_io io = { .read = dev_read, .writev = dev_writev };

	return fuse_session_custom_io(se, &io, fuse_session_fd(se));
}
