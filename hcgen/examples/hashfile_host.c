/* hashfile_host.c: the host half of the hashfile example: hash_file() runs in the shadow, on the host. */
#include "hashfile_host.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * open_regular - @path opened for reading, if it is a regular file. O_NONBLOCK
 * keeps open() of a FIFO from waiting for a writer; it is cleared once fstat()
 * has shown a regular file. Returns: the descriptor, or -1 with errno (EINVAL:
 * not a regular file, which a FIFO or a device could keep the shadow reading).
 */
static int open_regular(const char *path)
{
	struct stat sb;
	int fd, fl, saved;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0)
		return -1;
	if (fstat(fd, &sb) < 0)
		goto err;
	if (!S_ISREG(sb.st_mode)) {
		errno = EINVAL;
		goto err;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto err;
	return fd;
err:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int32_t hash_file(const char *path, uint8_t *digest)
{
	crypto_hash_sha256_state st;
	uint8_t buf[65536];
	ssize_t n;
	int fd, saved;

	if (sodium_init() < 0) {
		errno = ENOSYS;
		return -1;
	}
	if ((fd = open_regular(path)) < 0)
		return -1;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
	}
	close(fd);
	crypto_hash_sha256_final(&st, digest);
	return 0;
}
