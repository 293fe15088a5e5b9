/* test_hashfile.c: the hashfile example's guest stub and host half through the loopback, against a local SHA-256. */
#include "hashfile_host.c"

#include "hostile.h"
#include "hashfile_guest.h"

#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int setup(void **state)
{
	(void)state;
	return hcg_hashfile_open(loop_session());
}

static void hash_file__temp_file__equals_local(void **state)
{
	char path[] = "/tmp/hcgen_hashfile_XXXXXX";
	uint8_t data[100000], want[32], got[32];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7);
	assert_int_equal(write(fd, data, sizeof data), sizeof data);
	close(fd);
	crypto_hash_sha256(want, data, sizeof data);
	assert_int_equal(host_hash_file(path, got), 0);
	assert_memory_equal(got, want, 32);
	unlink(path);
	errno = 0;
	assert_int_equal(host_hash_file(path, got), -1);
	assert_int_equal(errno, ENOENT);
}

/* a FIFO with no writer and an endless device: refused with EINVAL at once, neither read */
static void hash_file__fifo_and_dev_zero__einval(void **state)
{
	char dir[] = "/tmp/hcgen_hashfile_XXXXXX", fifo[64];
	uint8_t got[32];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10);
	errno = 0;
	assert_int_equal(host_hash_file(fifo, got), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(host_hash_file("/dev/zero", got), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(host_hash_file(dir, got), -1);
	assert_int_equal(errno, EINVAL);
	alarm(0);
	unlink(fifo);
	rmdir(dir);
}

static void hash_file__hostile_blocks__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_hash_file, r_path),
				offsetof(struct hcg_fx_hash_file, r_digest) };
	char path[] = "/tmp/hcgen_hashfile_XXXXXX";
	uint8_t got[32], *b;
	uint32_t len;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(host_hash_file(path, got), 0);
	unlink(path);
	b = block_dup(last_block, last_len, 0);
	len = last_len;
	hostile_short(hcg_validate_hash_file, b, sizeof(struct hcg_fx_hash_file));
	hostile_regions(hcg_validate_hash_file, b, len, at, 2, 1);
	hostile_overlap(hcg_validate_hash_file, b, len, at[1], at[0]);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_file__temp_file__equals_local),
		cmocka_unit_test(hash_file__fifo_and_dev_zero__einval),
		cmocka_unit_test(hash_file__hostile_blocks__refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
