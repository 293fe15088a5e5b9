/*
 * kvm_conn.c: a shadow serving a channel: wake on the doorbell's eventfd, copy
 * out, call, answer; and pump the channel's streams between rings and sockets.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "errmap.h"
#include "kvm_conn.h"
#include "ring.h"
#include "shm_access.h"

_Static_assert(HK_BULK_MAX == HC_IO_MAX, "a bulk call carries one read or write");
_Static_assert(HC_BLOCK_MAX <= HK_MODULE_BLOCK_MAX, "a module call's block fits the message area");
_Static_assert(HK_MODULE_OFFSET % 8 == 0, "the private copy's block is as aligned as the copy");

/* The host's end of a stream slot. */
struct kvm_stream {
	int used;                /* handed out, and not yet let go by both ends */
	int host_done;           /* our end let go: waiting for the guest's */
	uint32_t gen;
	struct hk_end end;
};

struct kvm_conn {
	struct hk_channel *c;
	int efd;
	uint32_t seen;           /* the last request answered */
	uint8_t *buf;            /* the request, copied out of the guest's reach */
	struct kvm_stream streams[HK_STREAMS];
};

/* Returns: nonzero when the doorbell had rung. One read takes the whole count. */
static int drain(int efd)
{
	uint64_t n;

	return read(efd, &n, sizeof(n)) == (ssize_t)sizeof(n);   /* non-blocking: QEMU's and ours */
}

static int kvm_fd(void *conn)
{
	return ((struct kvm_conn *)conn)->efd;
}

/*
 * A module call: hk_fetch's copy (@len bytes, of which the block follows the
 * header at HK_MODULE_OFFSET) is the one copy out of shared memory; the module
 * runs on it, and the block after the call goes back into the message area.
 */
static int serve_module(struct kvm_conn *k, struct shadow *sh, uint32_t len, void **out,
			size_t *outlen)
{
	uint8_t *block = k->buf + HK_MODULE_OFFSET;
	uint32_t answer = 0;
	int r;

	if (len < HK_MODULE_OFFSET)
		return -EPROTO;
	if (((uintptr_t)block & 7) != 0)
		return -EFAULT;   /* malloc's alignment: never */
	r = shadow_call_module_bulk(sh, k->buf, HK_MODULE_OFFSET, block, len - HK_MODULE_OFFSET,
				    &answer, out, outlen);
	if (r == 0 && answer > 0 && answer <= len - HK_MODULE_OFFSET) {
		shm_span(k->c->msg + HK_MODULE_OFFSET, answer);
		memcpy(k->c->msg + HK_MODULE_OFFSET, block, answer);
	}
	return r;
}

/* The bytes stay in shared memory: no copy out, no XDR. */
static int serve_bulk(struct kvm_conn *k, struct shadow *sh, uint32_t proc, uint32_t len,
		      void **out, size_t *outlen)
{
	if (proc == HC_MODULE_CALL)
		return serve_module(k, sh, len, out, outlen);
	if (len > HK_BULK_OFFSET)
		return -EPROTO;
	shm_span(k->c->msg + HK_BULK_OFFSET, HK_BULK_MAX);   /* read() into it, write() from it */
	return shadow_call_bulk(sh, proc, k->buf, len, k->c->msg + HK_BULK_OFFSET, out, outlen);
}

/*
 * Requests served per wake-up at most: a guest that keeps its channel busy without end must
 * not keep the shadow from its signals (SIGTERM) and streams. Past it the shadow rings its own
 * doorbell and comes back after one turn of its loop.
 */
#define KVM_SERVE_BATCH 64

static int kvm_serve(void *conn, struct shadow *sh)
{
	struct kvm_conn *k = conn;
	uint32_t proc, len, seq;
	void *out;
	size_t outlen;
	uint64_t one = 1;
	int r = 0, served = 0;

	while (served++ < KVM_SERVE_BATCH &&
	       (r = hk_fetch(k->c, k->seen, k->buf, &proc, &len, &seq)) == 1) {
		out = NULL;
		outlen = 0;
		if (proc & HK_PROC_BULK)
			r = serve_bulk(k, sh, proc & ~HK_PROC_BULK, len, &out, &outlen);
		else
			r = shadow_call_encoded(sh, proc, k->buf, len, &out, &outlen);
		if (r == 0 && outlen > HK_MSG_MAX)
			r = -EMSGSIZE;
		hk_answer(k->c, seq, r, out, (uint32_t)outlen);
		free(out);
		k->seen = seq;
	}
	if (r == 1 && write(k->efd, &one, sizeof(one)) != (ssize_t)sizeof(one))   /* more may wait */
		return -ECONNRESET;
	return r < 0 ? -ECONNRESET : 0;
}

/* Inside a long call the doorbell rang: for a stream, or because the guest closed or died. */
static int kvm_hung_up(void *conn)
{
	return !hk_is_live(((struct kvm_conn *)conn)->c);
}

/* ---- streams ---- */

static struct kvm_stream *free_slot(struct kvm_conn *k, int *i)
{
	for (*i = 0; *i < HK_STREAMS; (*i)++)
		if (!k->streams[*i].used)
			return &k->streams[*i];
	return NULL;
}

/* A fresh slot: empty rings, a new generation, published last. */
static void slot_reset(struct kvm_conn *k, int i, struct kvm_stream *st)
{
	struct hk_slot *s = hk_slot_at(k->c, i);

	s->pump_pid = 0;
	s->pump_start = 0;
	memset(&s->to_host, 0, sizeof(s->to_host));
	memset(&s->to_guest, 0, sizeof(s->to_guest));
	atomic_store_explicit(&s->released, 0, memory_order_relaxed);
	atomic_store_explicit(&s->gen, ++st->gen, memory_order_release);
}

static void put_ticket(hc_stream_res *r, int i, uint32_t gen, int h)
{
	char *t = r->hc_stream_res_u.ticket.token;

	memset(t, 0, HC_TOKEN_LEN);
	memcpy(t, &(uint32_t){ (uint32_t)i }, 4);
	memcpy(t + 4, &gen, 4);
	r->hc_stream_res_u.ticket.handle = h;
	r->hc_stream_res_u.ticket.shadow_pid = getpid();
	r->err = HC_OK;
}

/* STREAM_CREATE: a socketpair whose one end is the handle and whose other end we pump. */
static void kvm_stream_create(void *conn, struct shadow *sh, hc_stream_res *r)
{
	struct kvm_conn *k = conn;
	struct kvm_stream *st;
	int sv[2], i, h;

	if (!(st = free_slot(k, &i))) {
		r->err = HC_EAGAIN;
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		r->err = hc_err_from_errno(errno);
		return;
	}
	if ((sv[1] = fd_lift(sv[1])) < 0) {
		close(sv[0]);
		r->err = HC_EMFILE;
		return;
	}
	if ((h = handles_add(&sh->handles, sv[0])) < 0) {
		close(sv[1]);
		r->err = HC_EMFILE;
		return;
	}
	slot_reset(k, i, st);
	st->used = 1;
	st->host_done = 0;
	hk_end_init(&st->end, sv[1], k->c, i, 1);
	put_ticket(r, i, st->gen, h);
}

static void stream_let_go(struct kvm_conn *k, int i, struct kvm_stream *st)
{
	close(st->end.fd);
	st->end.fd = -1;
	st->host_done = 1;
	atomic_fetch_or_explicit(&hk_slot_at(k->c, i)->released, HK_END_HOST,
				 memory_order_release);
}

static int kvm_pollfds(void *conn, struct pollfd *p, int max, int *busy)
{
	struct kvm_conn *k = conn;
	int n = 0;

	for (int i = 0; i < HK_STREAMS && n < max; i++) {
		struct kvm_stream *st = &k->streams[i];
		if (st->used && !st->host_done) {
			short ev = hk_end_events(&st->end, busy);
			/* waiting on the rings alone: a hang-up must not wake us over and over */
			p[n++] = (struct pollfd){ ev ? st->end.fd : -1, ev, 0 };
		}
	}
	return n;
}

/*
 * The guest's end let go of slot @s, or never joined it: our end can finish
 * before the guest dials only when the handle was closed first, as a guest
 * giving back streams it will not dial does.
 */
static int guest_let_go(struct hk_slot *s)
{
	return (shm_acquire(&s->released) & HK_END_GUEST) || shm_get(&s->pump_pid) == 0;
}

/* After every wake-up: the doorbell is drained first, then every ring is looked at. */
static int kvm_pump(void *conn)
{
	struct kvm_conn *k = conn;
	int rang = drain(k->efd);

	for (int i = 0; i < HK_STREAMS; i++) {
		struct kvm_stream *st = &k->streams[i];
		if (!st->used)
			continue;
		if (!st->host_done) {
			hk_end_pump(&st->end);
			if (hk_end_finished(&st->end))
				stream_let_go(k, i, st);
		}
		if (st->host_done && guest_let_go(hk_slot_at(k->c, i)))
			st->used = 0;
	}
	return rang;
}

static void kvm_close(void *conn)
{
	struct kvm_conn *k = conn;

	for (int i = 0; i < HK_STREAMS; i++)
		if (k->streams[i].used && !k->streams[i].host_done)
			close(k->streams[i].end.fd);
	close(k->efd);
	free(k->buf);
	free(k);
}

const struct shadow_conn_ops kvm_conn_ops = {
	.fd = kvm_fd,
	.serve = kvm_serve,
	.close = kvm_close,
	.in_call_events = POLLIN,
	.hung_up = kvm_hung_up,
	.stream_create = kvm_stream_create,
	.pollfds = kvm_pollfds,
	.pump = kvm_pump,
};

void *kvm_conn_new(struct hk_channel *c, int efd)
{
	struct kvm_conn *k = calloc(1, sizeof(*k));

	if (!k || !(k->buf = malloc(HK_MSG_MAX))) {
		free(k);
		return NULL;
	}
	k->c = c;
	k->efd = efd;
	return k;
}
