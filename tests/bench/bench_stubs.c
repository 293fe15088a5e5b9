/* bench_stubs.c: make bench: an hcgen stub beside the null hostcall, and 1 MiB through a stub, per transport. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "stubs_guest.h"

#define ROUNDS 7          /* each figure: the median of this many rounds, the two calls in turn */
#define CALLS 2000        /* calls timed in a round, each alone */
#define BUF_LEN (1u << 20)
#define BUF_CALLS 20

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

/* The module: $(B)/tests/bench/modules, beside this binary. */
static int module_dir(const char *argv0, char *out, size_t len)
{
	char self[PATH_MAX];

	if (!realpath(argv0, self))
		return -1;
	return (size_t)snprintf(out, len, "%s/modules", dirname(self)) < len ? 0 : -1;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX];
	const char *extra[] = { "--module-dir", dir, NULL };
	struct hc_session *u = NULL, *c;
	int r = 1;

	(void)argc;
	setenv("HC_TEST_TRANSPORT", "ivshmem", 1);   /* the daemon serves channels too */
	if (module_dir(argv[0], dir, sizeof(dir)) != 0 || test_daemon_start(&test_group_daemon, extra)) {
		fprintf(stderr, "bench_stubs: cannot start hostcalld with %s\n", dir);
		return 1;
	}
	printf("\nhcgen stubs: an empty stub call beside the null hostcall (medians of %d rounds of %d\n"
	       "calls, in turn), and a 1 MiB inout buffer through a stub (target: stub <= 1.2x null).\n\n",
	       ROUNDS, CALLS);
	printf("%-10s %13s %13s %7s %17s\n", "transport", "null call", "empty stub", "ratio",
	       "1 MiB inout");
	c = test_connect(&test_group_daemon);
	if (hc_connect(test_group_daemon.unix_url, NULL, &u) == 0 && c &&
	    bench_session("unix:", u) == 0 && bench_session("ivshmem:", c) == 0)
		r = 0;
	hc_disconnect(u);
	hc_disconnect(c);
	test_daemon_stop(&test_group_daemon);
	return r;
}
