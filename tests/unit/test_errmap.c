/* test_errmap.c: unit: protocol errors, signals, open flags and stat map to local values and back. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "errmap.h"

static void errno_round_trip__every_mapped_errno__same_errno(void **state)
{
	(void)state;
	for (int e = 1; e < 134; e++) {
		hc_err code = hc_err_from_errno(e);
		if (code == HC_EUNKNOWN)
			continue;
		assert_int_not_equal(code, HC_OK);
		assert_int_equal(hc_err_to_errno(code), e == EWOULDBLOCK ? EAGAIN : e);
	}
}

static void errno__unmapped__unknown_then_eio(void **state)
{
	(void)state;
	assert_int_equal(hc_err_from_errno(0), HC_OK);
	assert_int_equal(hc_err_from_errno(EOWNERDEAD), HC_EUNKNOWN);
	assert_int_equal(hc_err_to_errno(HC_EUNKNOWN), EIO);
	assert_int_equal(hc_err_to_errno((hc_err)12345), EIO);
	assert_int_equal(hc_err_to_errno(HC_EAUTH), EACCES);
	assert_int_equal(hc_err_from_errno(EACCES), HC_EACCES);
	assert_int_equal(hc_err_to_errno(HC_OK), 0);
}

static void common_errnos__have_codes(void **state)
{
	static const int common[] = { EPERM, ENOENT, EBADF, EACCES, EEXIST, ENOTDIR, EISDIR,
				      EINVAL, EPIPE, ENAMETOOLONG, ECONNREFUSED, ETIMEDOUT };

	(void)state;
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		assert_int_not_equal(hc_err_from_errno(common[i]), HC_EUNKNOWN);
}

static void signals__round_trip_and_unknown(void **state)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGTERM, SIGSTOP, SIGCONT,
				    SIGTSTP, SIGWINCH, SIGPIPE, SIGUSR1, SIGUSR2, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		assert_int_equal(hc_signal_to_local(hc_signal_from_local(sigs[i])), sigs[i]);
	assert_int_equal(hc_signal_from_local(SIGRTMIN + 3), -1);
	assert_int_equal(hc_signal_to_local(77), -1);
}

static void open_flags__round_trip_and_rejects(void **state)
{
	static const int flags[] = { O_RDONLY, O_WRONLY | O_CREAT | O_TRUNC, O_RDWR | O_APPEND,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW, O_WRONLY | O_CREAT | O_EXCL,
				     O_WRONLY | O_SYNC, O_WRONLY | O_DSYNC, O_RDONLY | O_NOATIME,
				     O_RDWR | O_DIRECT };

	(void)state;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		assert_int_equal(hc_oflags_to_local(hc_oflags_from_local(flags[i])), flags[i]);
	assert_int_equal(hc_oflags_to_local(3), -1);            /* no such access mode */
	assert_int_equal(hc_oflags_to_local(1 << 20), -1);      /* unknown bit */
	assert_int_equal(hc_oflags_from_local(O_RDONLY | O_CLOEXEC), HC_O_RDONLY);
	assert_int_equal(hc_oflags_from_local(O_DSYNC), HC_O_DSYNC);   /* not taken for O_SYNC */
	assert_int_equal(hc_oflags_from_local(O_PATH), -1);
}

static void stat__round_trip__fields_kept(void **state)
{
	struct stat in, out;
	hc_fstatus w;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.st_mode = S_IFDIR | 0755;
	in.st_size = 1234567890123LL;
	in.st_ino = 42;
	in.st_nlink = 3;
	in.st_uid = 1000;
	in.st_gid = 100;
	in.st_mtim.tv_sec = 1700000000;
	in.st_mtim.tv_nsec = 999;
	hc_stat_from_local(&in, &w);
	assert_int_equal(w.type, HC_FT_DIR);
	hc_stat_to_local(&w, &out);
	assert_int_equal(out.st_mode, in.st_mode);
	assert_int_equal(out.st_size, in.st_size);
	assert_int_equal(out.st_ino, in.st_ino);
	assert_int_equal(out.st_nlink, 3);
	assert_int_equal(out.st_uid, 1000);
	assert_int_equal(out.st_mtim.tv_sec, 1700000000);
	assert_int_equal(out.st_mtim.tv_nsec, 999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(errno_round_trip__every_mapped_errno__same_errno),
		cmocka_unit_test(errno__unmapped__unknown_then_eio),
		cmocka_unit_test(common_errnos__have_codes),
		cmocka_unit_test(signals__round_trip_and_unknown),
		cmocka_unit_test(open_flags__round_trip_and_rejects),
		cmocka_unit_test(stat__round_trip__fields_kept),
	};

	return cmocka_run_group_tests_name("errmap", tests, NULL, NULL);
}
