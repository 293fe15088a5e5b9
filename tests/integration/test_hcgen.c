/* test_hcgen.c: integration: hcgen's example modules through their generated stubs, against local calls. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <zlib.h>

#include "harness.h"
#include "hashfile_guest.h"
#include "hcgen.h"
#include "sysinfo_guest.h"
#include "zlib_guest.h"

#define SAMPLE_LEN (256u << 10)

static char module_dir[PATH_MAX];

static int start(void **state)
{
	const char *extra[] = { "--module-dir", module_dir, NULL };

	(void)state;
	return test_daemon_start(&test_group_daemon, extra);
}

/* The sessions each test runs on: tcp: and unix:, or a shared-memory channel (or a remote
   daemon's URL) alone. */
static int open_sessions(struct hc_session **s)
{
	int n = 0;

	s[n] = test_connect(&test_group_daemon);
	assert_non_null(s[n++]);
	if (!test_over_channels() && !test_remote()) {
		assert_int_equal(hc_connect(test_group_daemon.unix_url, NULL, &s[n]), 0);
		n++;
	}
	return n;
}

static void close_sessions(struct hc_session **s, int n)
{
	for (int i = 0; i < n; i++)
		hc_disconnect(s[i]);
}

/* Text that compresses, but not to nothing: the line number in every line. */
static uint8_t *sample(size_t len)
{
	uint8_t *b = malloc(len);
	size_t k = 0;

	assert_non_null(b);
	for (unsigned line = 0; k < len; line++) {
		char text[64];
		int n = snprintf(text, sizeof(text), "line %u of the sample, %u squared\n", line,
				 line * line);
		for (int i = 0; i < n && k < len; i++)
			b[k++] = (uint8_t)text[i];
	}
	return b;
}

static void zlib_matches_local(struct hc_session *s)
{
	uint8_t *src = sample(SAMPLE_LEN), *mine = malloc(compressBound(SAMPLE_LEN));
	uint8_t *theirs = malloc(compressBound(SAMPLE_LEN)), *back = malloc(SAMPLE_LEN);
	uLongf mine_len = compressBound(SAMPLE_LEN);
	uint64_t theirs_len = compressBound(SAMPLE_LEN), back_len = SAMPLE_LEN;

	assert_int_equal(hcg_zlib_open(s), 0);
	assert_int_equal(compress2(mine, &mine_len, src, SAMPLE_LEN, 6), Z_OK);
	assert_int_equal(host_compress2(theirs, &theirs_len, src, SAMPLE_LEN, 6), Z_OK);
	assert_int_equal(theirs_len, mine_len);
	assert_memory_equal(theirs, mine, mine_len);
	assert_int_equal(host_uncompress(back, &back_len, theirs, theirs_len), Z_OK);
	assert_int_equal(back_len, SAMPLE_LEN);
	assert_memory_equal(back, src, SAMPLE_LEN);
	assert_int_equal(host_crc32(0, src, SAMPLE_LEN), crc32(0, src, SAMPLE_LEN));
	hcg_zlib_close();
	free(src), free(mine), free(theirs), free(back);
}

static void zlib__every_session__same_bytes_as_local_zlib(void **state)
{
	struct hc_session *s[2];
	int n = open_sessions(s);

	(void)state;
	for (int i = 0; i < n; i++)
		zlib_matches_local(s[i]);
	close_sessions(s, n);
}

/* Beyond its max= a buffer is refused before anything is sent; the session goes on. */
static void zlib__buffer_over_its_bound__e2big_session_lives(void **state)
{
	size_t len = (1u << 20) + 1;
	uint8_t *src = calloc(1, len), out[64];
	uint64_t out_len = sizeof(out);
	struct hc_session *s = test_connect(&test_group_daemon);

	(void)state;
	assert_non_null(src);
	assert_non_null(s);
	assert_int_equal(hcg_zlib_open(s), 0);
	errno = 0;
	assert_int_equal(host_compress2(out, &out_len, src, len, 6), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(host_crc32(0, src, 1u << 20), crc32(0, src, 1u << 20));
	assert_int_equal(hc_null(s), 0);
	hcg_zlib_close();
	hc_disconnect(s);
	free(src);
}

/* A remote daemon's host (a VM's) is another machine: only what both must share is compared. */
static void sysinfo_matches_remote(void)
{
	struct host_utsname hu;
	struct host_statvfs hv;
	struct host_sysinfo hi;
	struct utsname u;
	double load[3];

	assert_int_equal(uname(&u), 0);
	assert_int_equal(host_uname(&hu), 0);
	assert_string_equal(hu.sysname, u.sysname);
	assert_string_equal(hu.machine, u.machine);
	assert_int_equal(host_statvfs("/", &hv), 0);
	assert_true(hv.f_bsize > 0 && hv.f_blocks > 0 && hv.f_namemax > 0);
	errno = 0;
	assert_int_equal(host_statvfs("/no/such/host/path", &hv), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(host_getloadavg(load, 3), 3);
	assert_int_equal(host_sysinfo(&hi), 0);
	assert_true(hi.totalram > 0 && hi.mem_unit > 0);
}

/* A buffer inside the block area itself (over kvm:, a view into the channel) is refused. */
static void zlib__buffer_in_the_block_area__efault_session_lives(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);
	uint8_t *area, text[100];
	size_t cap = 0;

	(void)state;
	assert_non_null(s);
	assert_int_equal(hcg_zlib_open(s), 0);
	assert_non_null(area = hc_module_block(s, &cap));
	assert_true(cap > 8192);
	errno = 0;
	assert_int_equal(host_crc32(0, area + 4096, 100), 0);
	assert_int_equal(errno, EFAULT);
	memset(text, 'x', sizeof(text));
	assert_int_equal(host_crc32(0, text, sizeof(text)), crc32(0, text, sizeof(text)));
	hcg_zlib_close();
	hc_disconnect(s);
}

static void sysinfo_matches_local(struct hc_session *s)
{
	struct host_utsname hu;
	struct host_statvfs hv;
	struct host_sysinfo hi;
	struct utsname u;
	struct statvfs v;
	struct sysinfo i;
	double load[3];

	assert_int_equal(hcg_sysinfo_open(s), 0);
	if (test_remote()) {
		sysinfo_matches_remote();
		hcg_sysinfo_close();
		return;
	}
	assert_int_equal(uname(&u), 0);
	assert_int_equal(host_uname(&hu), 0);
	assert_string_equal(hu.sysname, u.sysname);
	assert_string_equal(hu.nodename, u.nodename);
	assert_string_equal(hu.release, u.release);
	assert_string_equal(hu.machine, u.machine);
	assert_int_equal(statvfs("/", &v), 0);
	assert_int_equal(host_statvfs("/", &hv), 0);
	assert_int_equal(hv.f_bsize, v.f_bsize);
	assert_int_equal(hv.f_blocks, v.f_blocks);
	assert_int_equal(hv.f_namemax, v.f_namemax);
	errno = 0;
	assert_int_equal(host_statvfs("/no/such/host/path", &hv), -1);
	assert_int_equal(errno, ENOENT);   /* the host's errno, captured */
	assert_int_equal(host_getloadavg(load, 3), 3);
	assert_true(load[0] >= 0);
	assert_int_equal(sysinfo(&i), 0);
	assert_int_equal(host_sysinfo(&hi), 0);
	assert_int_equal(hi.totalram, i.totalram);
	assert_int_equal(hi.mem_unit, i.mem_unit);
	hcg_sysinfo_close();
}

static void sysinfo__every_session__same_as_local_libc(void **state)
{
	struct hc_session *s[2];
	int n = open_sessions(s);

	(void)state;
	for (int i = 0; i < n; i++)
		sysinfo_matches_local(s[i]);
	close_sessions(s, n);
}

/* The dual-OS program's own host half: the digest of a file the host holds. */
static void hashfile__host_half__digest_of_the_host_file(void **state)
{
	static const char text[] = "a file on the host, hashed there\n";
	unsigned char want[crypto_hash_sha256_BYTES];
	uint8_t got[32];
	struct hc_session *s[2];
	char path[PATH_MAX];
	int n = open_sessions(s);

	(void)state;
	snprintf(path, sizeof(path), "%s/hashed", test_group_daemon.dir);
	assert_int_equal(test_write_host_file(s[0], path, text), 0);
	crypto_hash_sha256(want, (const unsigned char *)text, sizeof(text) - 1);
	for (int i = 0; i < n; i++) {
		assert_int_equal(hcg_hashfile_open(s[i]), 0);
		memset(got, 0, sizeof(got));
		assert_int_equal(host_hash_file(path, got), 0);
		assert_memory_equal(got, want, sizeof(got));
		errno = 0;
		assert_int_equal(host_hash_file("/no/such/host/file", got), -1);
		assert_int_equal(errno, ENOENT);
		hcg_hashfile_close();
	}
	close_sessions(s, n);
}

/* An interface built from another .hci is refused by its hash; the session goes on. */
static void open__another_interface__eproto_session_lives(void **state)
{
	uint8_t hash[HCG_HASH_LEN] = HCG_ZLIB_HASH;
	struct hc_session *s = test_connect(&test_group_daemon);

	(void)state;
	assert_non_null(s);
	hash[0] ^= 1;
	assert_int_equal(hc_module_open(s, "zlib", hash), -EPROTO);
	assert_int_equal(hc_module_open(s, "../zlib", hash), -EINVAL);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}

/* The examples' modules: $(B)/lib/hostcall/modules, from $(B)/tests/integration/test_hcgen. */
static int find_module_dir(const char *argv0)
{
	char self[PATH_MAX], *dir;

	if (!realpath(argv0, self))
		return -1;
	dir = dirname(dirname(dirname(self)));
	return (size_t)snprintf(module_dir, sizeof(module_dir), "%s/lib/hostcall/modules", dir) <
		       sizeof(module_dir) ? 0 : -1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zlib__every_session__same_bytes_as_local_zlib),
		cmocka_unit_test(zlib__buffer_over_its_bound__e2big_session_lives),
		cmocka_unit_test(zlib__buffer_in_the_block_area__efault_session_lives),
		cmocka_unit_test(sysinfo__every_session__same_as_local_libc),
		cmocka_unit_test(hashfile__host_half__digest_of_the_host_file),
		cmocka_unit_test(open__another_interface__eproto_session_lives),
	};

	(void)argc;
	/* a remote daemon (a VM's host) is started with the examples' modules (scripts/vm.sh) */
	if ((!test_remote() && find_module_dir(argv[0]) != 0) || sodium_init() < 0) {
		fprintf(stderr, "test_hcgen: cannot find the module directory beside %s\n", argv[0]);
		return 1;
	}
	return cmocka_run_group_tests(tests, start, test_group_stop);
}
