/* bench_kvm.c: make bench: a shared-memory channel's null call beside ONC RPC over a unix socket, on the host alone. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

#define ROUND_N 5000
#define WRITE_MB 256

/* hc_write() of 1 MiB pieces to the host's /dev/null: MB/s. */
static double write_mbps(struct hc_session *s)
{
	static char piece[1 << 20];
	int h = hc_open(s, "/dev/null", O_WRONLY, 0);
	double t0 = test_now_us();

	if (h < 0)
		return 0;
	for (int i = 0; i < WRITE_MB; i++)
		if (hc_write(s, (hc_handle_t)h, piece, sizeof(piece)) != (ssize_t)sizeof(piece))
			return 0;
	hc_close(s, (hc_handle_t)h);
	return WRITE_MB * 1.048576 / ((test_now_us() - t0) / 1e6);
}

/* Bulk writes: XDR over the socket beside the channel's shared-memory bulk area. */
static void bulk(struct hc_session *rpc, struct hc_session *shm)
{
	double a[3], b[3];

	for (int r = 0; r < 3; r++) {
		a[r] = write_mbps(rpc);
		b[r] = write_mbps(shm);
	}
	printf("%-44s %-6s %8.0f MB/s %6.0f MB/s %5.2fx\n",
	       "1 MiB writes: unix: ONC RPC vs ivshmem: bulk", "split", test_median(a, 3),
	       test_median(b, 3), test_median(b, 3) / test_median(a, 3));
}

static void placement(const char *name, int server_cpu, struct hc_session *rpc, pid_t rpc_shadow,
		      struct hc_session *shm, pid_t shm_shadow)
{
	double a[3], b[3], base, ours;

	test_pin(0, 0);
	test_pin(rpc_shadow, server_cpu);
	test_pin(shm_shadow, server_cpu);
	for (int r = 0; r < 3; r++) {   /* interleaved rounds: noise hits both */
		a[r] = test_null_call_us(rpc, ROUND_N);
		b[r] = test_null_call_us(shm, ROUND_N);
	}
	base = test_median(a, 3);
	ours = test_median(b, 3);
	printf("%-44s %-6s %8.2f us %8.2f us %7.2fx  target <= 0.5x\n",
	       "null call: unix: ONC RPC vs ivshmem: channel", name, base, ours, ours / base);
}

int main(void)
{
	char sock[128], url[160];
	const char *extra[] = { "--kvm", sock, "--log-level", "warn", NULL };
	struct test_daemon d;
	struct hc_session *rpc = NULL, *shm = NULL;
	struct hc_session_info ri, si;

	snprintf(sock, sizeof(sock), "/tmp/hcbench-kvm-%d.sock", (int)getpid());
	snprintf(url, sizeof(url), "ivshmem:%s", sock);
	if (test_daemon_start(&d, extra) != 0 || hc_connect(d.unix_url, NULL, &rpc) != 0 ||
	    hc_connect(url, NULL, &shm) != 0 || hc_info(rpc, &ri) != 0 || hc_info(shm, &si) != 0) {
		fprintf(stderr, "bench_kvm: cannot start hostcalld with --kvm (set HOSTCALLD)\n");
		return 1;
	}
	printf("\nKVM backend on the host alone: medians of 3 interleaved rounds of %d calls.\n", ROUND_N);
	placement("same", 0, rpc, ri.shadow_pid, shm, si.shadow_pid);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		placement("split", 1, rpc, ri.shadow_pid, shm, si.shadow_pid);
		bulk(rpc, shm);
	}
	hc_disconnect(rpc);
	hc_disconnect(shm);
	test_daemon_stop(&d);
	return 0;
}
