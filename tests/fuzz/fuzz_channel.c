/* fuzz_channel.c: libFuzzer target: hostcalld's doorbell and a shadow's requests over a channel whose every read is fuzzer bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "kvm_conn.h"
#include "kvm_host.h"
#include "log.h"
#include "shadow.h"
#include "shm_access.h"
#include "shm_dispatch.h"
#include "shm_fake.h"

#define SERVES_MAX 8     /* wake-ups of one shadow in one run */
#define FAKE_SHADOW 4242 /* a pid kvm_host takes for the channel's shadow */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kvm_host host;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	hc_log_init("fuzz_channel", HC_LOG_ERR, 0);
	host.on = 1;
	host.ivs.mem = shm_fake_map(1);
	host.ivs.size = hk_total_size(1);
	host.ivs.nvectors = 1;
	host.ivs.listen_fd = -1;
	for (int i = 0; i < IVS_PEERS_MAX; i++)
		host.ivs.peers[i].sock = -1;
	if ((host.ivs.host_efd[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
		abort();
	return 0;
}

/* The channel's shadow: woken, it serves, and looks whether its guest hung up. */
static void serve(struct shadow *sh)
{
	int efd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
	void *conn;

	if (efd < 0 || !(conn = kvm_conn_new(hk_channel_at(host.ivs.mem, 0), efd)))
		abort();
	shadow_set_conn(sh, &kvm_conn_ops, conn);
	for (int i = 0; i < SERVES_MAX && shm_fake_left() > 0; i++) {
		shm_begin("a wake-up");
		kvm_conn_ops.pump(conn);
		shm_begin("a wake-up");
		if (kvm_conn_ops.serve(conn, sh) < 0)
			break;
		shm_begin("a hang-up check");
		if (kvm_conn_ops.hung_up(conn))
			break;
	}
	kvm_conn_ops.close(conn);
}

/* The guest's VM leaves: its sessions end (the state word is the harness's: atomics act on the memory itself). */
static void peer_leaves(void)
{
	struct ivs_peer *p = &host.ivs.peers[0];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	close(sv[1]);
	p->sock = sv[0];
	p->id = 1;
	for (int i = 0; i < HK_CHANNELS_MAX; i++)
		p->efd[i] = -1;
	atomic_store(&hk_channel_at(host.ivs.mem, 0)->state, shm_fake_take32() & 3);
	shm_begin("a peer leaves");
	kvm_host_on_peer(&host, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shadow *sh;

	shm_fake_feed(data, size);
	shm_begin("the doorbell");
	if (kvm_host_on_doorbell(&host, 0)) {
		sh = shm_dispatch_shadow();
		kvm_host_shadow_started(&host, 0, FAKE_SHADOW);
		serve(sh);
		shm_dispatch_free(sh);
		shm_begin("the shadow's end");
		kvm_host_shadow_ended(&host, FAKE_SHADOW);
	}
	peer_leaves();
	return 0;
}
