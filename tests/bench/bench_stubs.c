/*
 * bench_stubs.c: make bench: an hcgen stub beside the null hostcall, 1 MiB through a stub, and
 * zlib offloaded to the host beside zlib here; per transport. With HC_TEST_URL (a VM's guest,
 * scripts/vm.sh bench) against that daemon, whose modules must include stubs and zlib.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "harness.h"
#include "stubs_guest.h"
#include "zlib_guest.h"

#define ROUNDS 7          /* each figure: the median of this many rounds, the two calls in turn */
#define CALLS 2000        /* calls timed in a round, each alone */
#define BUF_LEN (1u << 20)
#define BUF_CALLS 20
#define ZLIB_TOTAL (32u << 20)
#define ZLIB_CHUNK 1024000u   /* with its compressBound() out region, within one block */

static double stub_nothing_us(int n)
{
	double *v = malloc(sizeof(double) * (size_t)n), m;

	for (int i = 0; i < n; i++) {
		double t0 = test_now_us();
		host_nothing();
		v[i] = test_now_us() - t0;
	}
	m = test_median(v, n);
	free(v);
	return m;
}

/* MB/s of a 1 MiB inout buffer through touch(): in and back, counted once. */
static double stub_touch_mbps(uint8_t *buf)
{
	double t0 = test_now_us();

	for (int i = 0; i < BUF_CALLS; i++)
		if (host_touch(buf, BUF_LEN) != 0)
			return -1;
	return BUF_CALLS * (double)BUF_LEN / (test_now_us() - t0);
}

/* One transport's row: the null call, the empty stub, their ratio, and the buffer's rate. */
static int bench_session(const char *name, struct hc_session *s)
{
	double null_us[ROUNDS], stub_us[ROUNDS], mbps[ROUNDS], n, e;
	uint8_t *buf = calloc(1, BUF_LEN);
	int r;

	if (!buf || (r = hcg_stubs_open(s)) != 0) {
		fprintf(stderr, "bench_stubs: %s: cannot open the stubs module: %s\n", name,
			strerror(buf ? -r : ENOMEM));
		free(buf);
		return -1;
	}
	for (int k = 0; k < ROUNDS; k++) {
		null_us[k] = test_null_call_us(s, CALLS);
		stub_us[k] = stub_nothing_us(CALLS);
		mbps[k] = stub_touch_mbps(buf);
	}
	n = test_median(null_us, ROUNDS);
	e = test_median(stub_us, ROUNDS);
	printf("%-10s %10.1f us %10.1f us %6.2fx %12.0f MB/s\n", name, n, e, e / n,
	       test_median(mbps, ROUNDS));
	hcg_stubs_close();
	free(buf);
	return 0;
}

/* 32 MiB of text, compressed at level 6 a chunk at a time, by @compress. Returns: MB/s. */
static double zlib_mbps(const uint8_t *src, int (*compress)(uint8_t *, uint64_t *, const uint8_t *,
							   uint64_t))
{
	uint64_t cap = compressBound(ZLIB_CHUNK);
	uint8_t *out = malloc(cap);
	double t0 = test_now_us();

	for (size_t off = 0; out && off < ZLIB_TOTAL; off += ZLIB_CHUNK) {
		uint64_t n = cap;
		if (compress(out, &n, src + off, ZLIB_TOTAL - off < ZLIB_CHUNK ? ZLIB_TOTAL - off
									: ZLIB_CHUNK) != Z_OK) {
			free(out);
			return -1;
		}
	}
	free(out);
	return ZLIB_TOTAL / (test_now_us() - t0);
}

static int compress_here(uint8_t *d, uint64_t *dl, const uint8_t *s, uint64_t sl)
{
	uLongf n = *dl;
	int r = compress2(d, &n, s, sl, 6);

	*dl = n;
	return r;
}

static int compress_on_host(uint8_t *d, uint64_t *dl, const uint8_t *s, uint64_t sl)
{
	return host_compress2(d, dl, s, sl, 6);
}

/* zlib on this machine's CPU beside zlib on the host's, through the stub on @s. */
static int bench_zlib(const char *name, struct hc_session *s)
{
	uint8_t *src = malloc(ZLIB_TOTAL);
	double here, host;
	int r;

	if (!src || (r = hcg_zlib_open(s)) != 0) {
		fprintf(stderr, "bench_stubs: %s: cannot open the zlib module\n", name);
		free(src);
		return -1;
	}
	for (size_t i = 0; i < ZLIB_TOTAL; i++)
		src[i] = (uint8_t)("the quick brown fox jumps over the lazy dog "[i % 44] ^ (i / 4099 % 3));
	here = zlib_mbps(src, compress_here);
	host = zlib_mbps(src, compress_on_host);
	printf("%-10s zlib -6 of 32 MiB: here %.1f MB/s, on the host through the stub %.1f MB/s (%.2fx)\n",
	       name, here, host, host / here);
	hcg_zlib_close();
	free(src);
	return here > 0 && host > 0 ? 0 : -1;
}

/* The modules: stubs in $(B)/tests/bench/modules beside this binary, zlib in $(B)/lib/hostcall/modules. */
static int module_dirs(const char *argv0, char *bench, char *examples, size_t len)
{
	char self[PATH_MAX], *dir;

	if (!realpath(argv0, self))
		return -1;
	dir = dirname(self);
	if ((size_t)snprintf(bench, len, "%s/modules", dir) >= len)
		return -1;
	return (size_t)snprintf(examples, len, "%s/../../lib/hostcall/modules", dir) < len ? 0 : -1;
}

static void print_header(void)
{
	printf("\nhcgen stubs: an empty stub call beside the null hostcall (medians of %d rounds of %d\n"
	       "calls, in turn), and a 1 MiB inout buffer through a stub (target: stub <= 1.2x null).\n\n",
	       ROUNDS, CALLS);
	printf("%-10s %13s %13s %7s %17s\n", "transport", "null call", "empty stub", "ratio",
	       "1 MiB inout");
}

/* In a guest: the daemon behind @url (kvm: or tcp://), its key in HC_TEST_KEY. */
static int bench_remote(const char *url)
{
	struct hc_session *s = NULL;
	int r = -1;

	if (hc_connect(url, getenv("HC_TEST_KEY"), &s) != 0) {
		fprintf(stderr, "bench_stubs: cannot connect to %s\n", url);
		return 1;
	}
	print_header();
	if (bench_session(url, s) == 0 && bench_zlib(url, s) == 0)
		r = 0;
	hc_disconnect(s);
	return r == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], dir2[PATH_MAX];
	const char *extra[] = { "--module-dir", dir, "--module-dir", dir2, NULL };
	struct hc_session *u = NULL, *c;
	int r = 1;

	(void)argc;
	if (test_remote())
		return bench_remote(getenv("HC_TEST_URL"));
	setenv("HC_TEST_TRANSPORT", "ivshmem", 1);   /* the daemon serves channels too */
	if (module_dirs(argv[0], dir, dir2, sizeof(dir)) != 0 || test_daemon_start(&test_group_daemon, extra)) {
		fprintf(stderr, "bench_stubs: cannot start hostcalld with %s\n", dir);
		return 1;
	}
	print_header();
	c = test_connect(&test_group_daemon);
	if (hc_connect(test_group_daemon.unix_url, NULL, &u) == 0 && c &&
	    bench_session("unix:", u) == 0 && bench_session("ivshmem:", c) == 0 &&
	    bench_zlib("unix:", u) == 0)
		r = 0;
	hc_disconnect(u);
	hc_disconnect(c);
	test_daemon_stop(&test_group_daemon);
	return r;
}
