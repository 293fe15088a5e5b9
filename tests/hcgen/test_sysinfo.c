/* test_sysinfo.c: the sysinfo example's stubs through the loopback against local libc, its layouts against glibc's, and hostile blocks. */
#include "sysinfo_host.c"

#include "hostile.h"
#include "sysinfo_guest.h"

#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#define SAME_FIELD(a, b, f) \
	_Static_assert(offsetof(struct a, f) == offsetof(struct b, f) && \
		       sizeof(((struct a *)0)->f) == sizeof(((struct b *)0)->f), #a "." #f)

_Static_assert(sizeof(struct host_utsname) == sizeof(struct utsname), "utsname");
SAME_FIELD(host_utsname, utsname, machine);
SAME_FIELD(host_utsname, utsname, domainname);
_Static_assert(sizeof(struct host_statvfs) == sizeof(struct statvfs), "statvfs");
SAME_FIELD(host_statvfs, statvfs, f_bsize);
SAME_FIELD(host_statvfs, statvfs, f_blocks);
SAME_FIELD(host_statvfs, statvfs, f_favail);
SAME_FIELD(host_statvfs, statvfs, f_fsid);
SAME_FIELD(host_statvfs, statvfs, f_flag);
SAME_FIELD(host_statvfs, statvfs, f_namemax);
_Static_assert(sizeof(struct host_sysinfo) == sizeof(struct sysinfo), "sysinfo");
SAME_FIELD(host_sysinfo, sysinfo, uptime);
SAME_FIELD(host_sysinfo, sysinfo, loads);
SAME_FIELD(host_sysinfo, sysinfo, freeswap);
SAME_FIELD(host_sysinfo, sysinfo, procs);
SAME_FIELD(host_sysinfo, sysinfo, totalhigh);
SAME_FIELD(host_sysinfo, sysinfo, mem_unit);

static int setup(void **state)
{
	(void)state;
	return hcg_sysinfo_open(loop_session());
}

static void uname__equals_local(void **state)
{
	struct host_utsname h;
	struct utsname l;

	(void)state;
	assert_int_equal(host_uname(&h), 0);
	assert_int_equal(uname(&l), 0);
	assert_memory_equal(&h, &l, sizeof l);
}

static void statvfs__root__equals_local(void **state)
{
	struct host_statvfs h;
	struct statvfs l;

	(void)state;
	assert_int_equal(host_statvfs("/", &h), 0);
	assert_int_equal(statvfs("/", &l), 0);
	assert_int_equal(h.f_bsize, l.f_bsize);
	assert_int_equal(h.f_blocks, l.f_blocks);
	assert_int_equal(h.f_fsid, l.f_fsid);
	assert_int_equal(h.f_namemax, l.f_namemax);
	errno = 0;
	assert_int_equal(host_statvfs("/no/such/path", &h), -1);
	assert_int_equal(errno, ENOENT);
}

static void getloadavg__three__like_local(void **state)
{
	double h[3], l[3];

	(void)state;
	assert_int_equal(host_getloadavg(h, 3), 3);
	assert_int_equal(getloadavg(l, 3), 3);
	for (int i = 0; i < 3; i++)
		assert_true(h[i] >= 0 && h[i] < l[i] + 1 && l[i] < h[i] + 1);
	errno = 0;
	assert_int_equal(host_getloadavg(h, 4), -1);
	assert_int_equal(errno, E2BIG);
}

static void sysinfo__like_local(void **state)
{
	struct host_sysinfo h;
	struct sysinfo l;

	(void)state;
	assert_int_equal(host_sysinfo(&h), 0);
	assert_int_equal(sysinfo(&l), 0);
	assert_int_equal(h.totalram, l.totalram);
	assert_int_equal(h.mem_unit, l.mem_unit);
	assert_true(h.uptime <= l.uptime && h.uptime + 2 >= l.uptime);
}

static void statvfs__hostile_blocks__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_statvfs, r_path),
				offsetof(struct hcg_fx_statvfs, r_buf) };
	struct host_statvfs st;
	struct hcg_region p;
	uint8_t *b, *c;
	uint32_t len;

	(void)state;
	assert_int_equal(host_statvfs("/tmp", &st), 0);
	b = block_dup(last_block, last_len, 0);
	len = last_len;
	hostile_short(hcg_validate_statvfs, b, sizeof(struct hcg_fx_statvfs));
	hostile_regions(hcg_validate_statvfs, b, len, at, 2, 1);
	hostile_overlap(hcg_validate_statvfs, b, len, at[1], at[0]);
	/* the path without its terminator */
	p = region_get(b, at[0]);
	c = block_dup(b, len, 0);
	memset(c + p.off, 'A', p.len);
	expect_refused(hcg_validate_statvfs, c, len, "a string missing its terminator");
	free(b);
}

static void statvfs__path_over_max__refused(void **state)
{
	uint32_t fixed = sizeof(struct hcg_fx_statvfs), n = 4096 + 2;
	uint32_t len = fixed + ((n + 7) & ~7u) + sizeof(struct host_statvfs);
	uint8_t *b = calloc(1, len);
	struct hcg_fx_statvfs *fx = (void *)b;
	static char longpath[5000];
	struct host_statvfs out;

	(void)state;
	fx->r_path = (struct hcg_region){ fixed, n };
	memset(b + fixed, '/', n - 1);
	fx->r_buf = (struct hcg_region){ fixed + ((n + 7) & ~7u), sizeof(struct host_statvfs) };
	expect_refused(hcg_validate_statvfs, b, len, "a string longer than max");
	memset(longpath, 'a', sizeof longpath - 1);
	errno = 0;
	assert_int_equal(host_statvfs(longpath, NULL), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(host_statvfs(longpath, &out), -1);
	assert_int_equal(errno, E2BIG);
}

static void getloadavg__hostile_count__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_getloadavg, r_loadavg) };
	double h[3];
	uint8_t *b;
	uint32_t len;

	(void)state;
	assert_int_equal(host_getloadavg(h, 2), 2);
	b = block_dup(last_block, last_len, 0);
	len = last_len;
	hostile_regions(hcg_validate_getloadavg, b, len, at, 1, 1);
	hostile_value(hcg_validate_getloadavg, b, len, offsetof(struct hcg_fx_getloadavg, p_nelem), 4, 4);
	hostile_value(hcg_validate_getloadavg, b, len, offsetof(struct hcg_fx_getloadavg, p_nelem), 4,
		      0xFFFFFFFFu);
	hostile_value(hcg_validate_getloadavg, b, len, offsetof(struct hcg_fx_getloadavg, p_nelem), 4, 3);
	free(b);
}

static void uname__hostile_blocks__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_uname, r_buf) };
	struct host_utsname u;
	uint8_t *b;
	uint32_t len;

	(void)state;
	assert_int_equal(host_uname(&u), 0);
	b = block_dup(last_block, last_len, 0);
	len = last_len;
	hostile_short(hcg_validate_uname, b, sizeof(struct hcg_fx_uname));
	hostile_regions(hcg_validate_uname, b, len, at, 1, 1);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uname__equals_local),
		cmocka_unit_test(statvfs__root__equals_local),
		cmocka_unit_test(getloadavg__three__like_local),
		cmocka_unit_test(sysinfo__like_local),
		cmocka_unit_test(statvfs__hostile_blocks__refused),
		cmocka_unit_test(statvfs__path_over_max__refused),
		cmocka_unit_test(getloadavg__hostile_count__refused),
		cmocka_unit_test(uname__hostile_blocks__refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
