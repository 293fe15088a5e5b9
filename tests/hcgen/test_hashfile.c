/* test_hashfile.c: the hashfile example's guest stub and host half through the loopback, against a local SHA-256. */
#include "hashfile_host.c"

#include "hostile.h"
#include "hashfile_guest.h"

#include <sodium.h>
#include <stdio.h>
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

static void hash_file__hostile_blocks__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_hash_file, r_path),
				offsetof(struct hcg_fx_hash_file, r_digest) };
	uint8_t got[32], *b;
	uint32_t len;

	(void)state;
	assert_int_equal(host_hash_file("/dev/null", got), 0);
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
		cmocka_unit_test(hash_file__hostile_blocks__refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
