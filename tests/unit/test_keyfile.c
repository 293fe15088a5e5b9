/* test_keyfile.c: unit: the key file is created 0600, refused when readable by others, parsed strictly. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "keyfile.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hckeyunit.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/key", dir);
	return 0;
}

static int teardown(void **state)
{
	char link[160];

	(void)state;
	snprintf(link, sizeof(link), "%s/link", dir);
	unlink(link);
	unlink(path);
	return rmdir(dir);
}

static void put(const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void absent__created_0600_and_loadable(void **state)
{
	uint8_t a[HC_KEY_LEN], b[HC_KEY_LEN];
	struct stat st;

	(void)state;
	assert_int_equal(hc_key_load(path, a), -ENOENT);
	assert_int_equal(hc_key_load_or_create(path, a), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_int_equal(hc_key_load(path, b), 0);
	assert_memory_equal(a, b, HC_KEY_LEN);
	assert_int_equal(hc_key_load_or_create(path, b), 0);   /* an existing key is kept */
	assert_memory_equal(a, b, HC_KEY_LEN);
}

static void group_or_world_access__refused(void **state)
{
	uint8_t k[HC_KEY_LEN];
	static const mode_t modes[] = { 0640, 0604, 0620, 0602, 0644, 0666 };

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		put("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", modes[i]);
		assert_int_equal(hc_key_load(path, k), -EPERM);
		assert_int_equal(hc_key_load_or_create(path, k), -EPERM);
	}
	put("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0400);
	assert_int_equal(hc_key_load(path, k), 0);
	assert_int_equal(k[0], 0x00);
	assert_int_equal(k[31], 0xff);
}

static void malformed__einval(void **state)
{
	static const char *const bad[] = {
		"", "\n", "0011\n",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeef\n",
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00\n",
		"zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
	};
	uint8_t k[HC_KEY_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i], 0600);
		assert_int_equal(hc_key_load(path, k), -EINVAL);
	}
}

static void symlink_or_directory__refused(void **state)
{
	uint8_t k[HC_KEY_LEN];
	char link[160];

	(void)state;
	put("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", 0600);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(hc_key_load(link, k), -ELOOP);
	assert_int_equal(hc_key_load(dir, k), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(absent__created_0600_and_loadable, setup, teardown),
		cmocka_unit_test_setup_teardown(group_or_world_access__refused, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed__einval, setup, teardown),
		cmocka_unit_test_setup_teardown(symlink_or_directory__refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("keyfile", tests, NULL, NULL);
}
