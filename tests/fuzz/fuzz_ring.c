/* fuzz_ring.c: libFuzzer target: a shadow's streams (ring pumps, slot hand-out and let-go) over rings whose every read is fuzzer bytes. */
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "kvm_conn.h"
#include "log.h"
#include "ring.h"
#include "shadow.h"
#include "shm_access.h"
#include "shm_dispatch.h"
#include "shm_fake.h"

#define STEPS_MAX 64    /* the harness's moves in one run */
#define CHUNK 4096      /* bytes a host program writes at a time */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hk_channel *chan;

/* One run: a shadow's connection, the host programs' ends of its streams, and a guest end. */
struct run {
	struct shadow *sh;
	void *conn;
	int prog[HK_STREAMS];     /* a host program's socket (a handle of the shadow), or -1 */
	int nprog;
	struct hk_end guest;      /* the guest's end of slot 0, in the same ring code */
	int guest_sock;           /* what the guest's program holds of it */
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	hc_log_init("fuzz_ring", HC_LOG_ERR, 0);
	chan = hk_channel_at(shm_fake_map(1), 0);
	return 0;
}

static void stream_create(struct run *r)
{
	hc_stream_res res;
	int fd;

	memset(&res, 0, sizeof(res));
	kvm_conn_ops.stream_create(r->conn, r->sh, &res);
	if (res.err != HC_OK || r->nprog >= HK_STREAMS)
		return;
	fd = handles_fd(&r->sh->handles, res.hc_stream_res_u.ticket.handle);
	r->prog[r->nprog++] = fd;
}

/* A host program writes, reads or closes its end of stream @i. */
static void program_moves(struct run *r, uint32_t how)
{
	static uint8_t buf[CHUNK];
	int i = r->nprog ? (int)(how >> 8) % r->nprog : 0;

	if (!r->nprog || r->prog[i] < 0)
		return;
	switch (how & 3) {
	case 0:
		if (send(r->prog[i], buf, 1 + (how >> 16) % CHUNK, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			(void)0;   /* full, or the pump has let go */
		break;
	case 1:
		if (recv(r->prog[i], buf, sizeof(buf), MSG_DONTWAIT) < 0)
			(void)0;
		break;
	case 2:
		shutdown(r->prog[i], SHUT_WR);
		break;
	default:
		r->prog[i] = -1;   /* the handle is closed with the shadow's table */
		break;
	}
}

/* The guest's end: the same pump, on the other side of slot 0's rings. */
static void guest_moves(struct run *r, uint32_t how)
{
	int busy = 0;

	if (r->guest_sock < 0) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
			return;
		hk_end_init(&r->guest, sv[1], chan, 0, 0);
		r->guest_sock = sv[0];
		if (how & 4)
			shutdown(sv[0], SHUT_WR);
	}
	if (!hk_end_finished(&r->guest))
		hk_end_pump(&r->guest);
	hk_end_events(&r->guest, &busy);
}

static void step(struct run *r, uint32_t how)
{
	struct pollfd p[SHADOW_CONN_POLL_MAX];
	int busy = 0;

	shm_begin("the harness");
	switch ((how >> 28) % 5) {
	case 0:
		stream_create(r);
		break;
	case 1:
		program_moves(r, how);
		break;
	case 2:
		kvm_conn_ops.pollfds(r->conn, p, SHADOW_CONN_POLL_MAX, &busy);
		break;
	case 3:
		guest_moves(r, how);
		break;
	default:
		kvm_conn_ops.pump(r->conn);
		break;
	}
}

static void run_end(struct run *r)
{
	kvm_conn_ops.close(r->conn);
	shm_dispatch_free(r->sh);
	if (r->guest_sock >= 0) {
		close(r->guest_sock);
		close(r->guest.fd);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r = { .nprog = 0, .guest_sock = -1 };
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (efd < 0 || !(r.conn = kvm_conn_new(chan, efd)))
		abort();
	r.sh = shm_dispatch_shadow();
	shadow_set_conn(r.sh, &kvm_conn_ops, r.conn);
	shm_fake_feed(data, size);
	for (int i = 0; i < STEPS_MAX && shm_fake_left() > 0; i++)
		step(&r, shm_fake_take32());
	run_end(&r);
	return 0;
}
