/* keyfile.c: the shared key file: creation with mode 0600, permission checks, hex parsing. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "io.h"
#include "keyfile.h"

#define KEY_HEX_LEN (HC_KEY_LEN * 2)

static int parse_key(const char *text, size_t len, uint8_t key[HC_KEY_LEN])
{
	size_t bin_len;

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len != KEY_HEX_LEN)
		return -EINVAL;
	if (sodium_hex2bin(key, HC_KEY_LEN, text, len, NULL, &bin_len, NULL) != 0 ||
	    bin_len != HC_KEY_LEN)
		return -EINVAL;
	return 0;
}

int hc_key_load(const char *path, uint8_t key[HC_KEY_LEN])
{
	char text[KEY_HEX_LEN + 8];
	struct stat st;
	size_t got = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if (st.st_mode & 077) {
		r = -EPERM;
		goto out;
	}
	if ((r = hc_read_full(fd, text, sizeof(text), &got)) == 0)
		r = parse_key(text, got, key);
	sodium_memzero(text, sizeof(text));
out:
	close(fd);
	return r;
}

static int create_key(const char *path)
{
	uint8_t key[HC_KEY_LEN];
	char hex[KEY_HEX_LEN + 2];
	int fd, r;

	if (sodium_init() < 0)
		return -EIO;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	hex[KEY_HEX_LEN] = '\n';
	r = hc_write_all(fd, hex, KEY_HEX_LEN + 1);
	if (r == 0 && fsync(fd) != 0)
		r = -errno;
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	close(fd);
	if (r != 0)
		unlink(path);
	return r;
}

int hc_key_load_or_create(const char *path, uint8_t key[HC_KEY_LEN])
{
	int r = hc_key_load(path, key);

	if (r != -ENOENT)
		return r;
	r = create_key(path);
	if (r != 0 && r != -EEXIST)
		return r;
	return hc_key_load(path, key);
}
