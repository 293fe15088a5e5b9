/* test_handles.c: unit: handles map to lifted close-on-exec fds and are checked on every use. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "handles.h"

#define TABLE_LIMIT (SHADOW_HANDLES_START * 2 + 5)   /* grows twice, the last time short of double */

static struct shadow_handles t;

static int setup(void **state)
{
	(void)state;
	return handles_init(&t, TABLE_LIMIT);
}

static int teardown(void **state)
{
	(void)state;
	handles_close_all(&t);
	return 0;
}

static void add__fd_lifted_above_floor_cloexec(void **state)
{
	int fd = open("/dev/null", O_RDONLY), h, hf;

	(void)state;
	assert_true(fd >= 0 && fd < SHADOW_FD_FLOOR);
	h = handles_add(&t, fd);
	assert_true(h >= 0);
	hf = handles_fd(&t, h);
	assert_true(hf >= SHADOW_FD_FLOOR);
	assert_true(fcntl(hf, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GETFD), -1);   /* the low fd was given up */
	assert_int_equal(handles_close(&t, h), 0);
	assert_int_equal(handles_close(&t, h), -EBADF);
	assert_int_equal(fcntl(hf, F_GETFD), -1);
}

static void bad_handles__ebadf(void **state)
{
	(void)state;
	assert_int_equal(handles_fd(&t, -1), -EBADF);
	assert_int_equal(handles_fd(&t, TABLE_LIMIT), -EBADF);
	assert_int_equal(handles_fd(&t, 0x7fffffff), -EBADF);
	assert_int_equal(handles_fd(&t, 3), -EBADF);
	assert_int_equal(handles_take(&t, 3), -EBADF);
	assert_int_equal(handles_close(&t, -5), -EBADF);
}

static void reserve_then_fill__usable_only_when_filled(void **state)
{
	int h = handles_reserve(&t), fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(handles_fd(&t, h), -EBADF);
	assert_int_equal(handles_fill(&t, h, fd), 0);
	assert_int_equal(handles_fd(&t, h), fd);
	assert_int_equal(handles_fill(&t, h, fd), -EBADF);
	assert_int_equal(handles_take(&t, h), fd);
	assert_int_equal(handles_fd(&t, h), -EBADF);
	close(fd);
}

static void table_full__emfile_and_fd_closed(void **state)
{
	int fd;

	(void)state;
	for (int i = 0; i < TABLE_LIMIT; i++)
		assert_int_equal(handles_reserve(&t), i);
	fd = open("/dev/null", O_RDONLY);
	assert_int_equal(handles_add(&t, fd), -EMFILE);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(handles_reserve(&t), -EMFILE);
	assert_int_equal(handles_close(&t, 7), 0);
	assert_int_equal(handles_reserve(&t), 7);   /* the lowest free handle is used again */
}

static void limit__raised_to_hard_and_bounded(void **state)
{
	int n = handles_limit_from_rlimit();

	(void)state;
	assert_true(n >= 16 && n <= SHADOW_HANDLES_CAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(add__fd_lifted_above_floor_cloexec, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_handles__ebadf, setup, teardown),
		cmocka_unit_test_setup_teardown(reserve_then_fill__usable_only_when_filled, setup, teardown),
		cmocka_unit_test_setup_teardown(table_full__emfile_and_fd_closed, setup, teardown),
		cmocka_unit_test(limit__raised_to_hard_and_bounded),
	};

	return cmocka_run_group_tests_name("handles", tests, NULL, NULL);
}
