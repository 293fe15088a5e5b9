/*
 * kvm_client.c: calls over a shared-memory channel. kvm: maps the ivshmem PCI
 * device inside a VM and rings its doorbell register; ivshmem: joins the
 * server's socket as a peer from a host process, ringing eventfds instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "channel.h"
#include "errmap.h"
#include "guest_streams.h"
#include "ivshmem_peer.h"
#include "kvm_client.h"
#include "kvm_pci.h"

struct kvm_transport {
	struct hc_transport base;
	void *mem;
	int chan;
	int nchannels;           /* as checked when the memory was mapped */
	uint32_t gen;            /* the claim's generation */
	pid_t owner;             /* the claiming process: a forked child closing its copy ends nothing */
	uint32_t peer;
	struct hk_doorbell bell;
	struct hk_guest_streams streams;
	struct hk_pci pci;       /* kvm: */
	/* ivshmem: */
	struct ivs_peer_conn sock_peer;
	int by_socket;
};

static int kvm_call(struct hc_transport *t, uint32_t proc, xdrproc_t xargs, void *args,
		    xdrproc_t xres, void *res, int timeout_ms)
{
	struct kvm_transport *k = (struct kvm_transport *)t;
	struct hk_channel *c = hk_channel_at(k->mem, k->chan);
	ssize_t n;
	XDR x;

	if (proc == HC_STREAM_CREATE)
		hk_guest_streams_sweep(&k->streams);   /* slots a dead forked child held */
	xdrmem_create(&x, (char *)c->msg, HK_MSG_MAX, XDR_ENCODE);
	if (!xargs(&x, args))
		return -E2BIG;
	n = hk_call(k->mem, k->chan, k->gen, proc, xdr_getpos(&x), &k->bell, timeout_ms);
	if (n < 0)
		return (int)n;
	xdrmem_create(&x, (char *)c->msg, (u_int)n, XDR_DECODE);
	return xres(&x, res) ? 0 : -EPROTO;
}

/*
 * A read or write of @count bytes (at most HK_BULK_MAX) whose bytes are
 * already in, or are left in, the channel's bulk area: only the handle and
 * count are XDR; the host read()s or write()s the bulk area in place.
 */
static ssize_t kvm_bulk(struct kvm_transport *k, uint32_t proc, hc_handle h, uint64_t off,
			u_int count, int timeout_ms)
{
	struct hk_channel *c = hk_channel_at(k->mem, k->chan);
	hc_pread_args a = { h, off, count };
	hc_read_args ra = { h, count };
	int positional = proc == HC_PREAD || proc == HC_PWRITE;
	hc_int_res res;
	ssize_t n;
	XDR x;

	xdrmem_create(&x, (char *)c->msg, HK_BULK_OFFSET, XDR_ENCODE);
	if (!(positional ? xdr_hc_pread_args(&x, &a) : xdr_hc_read_args(&x, &ra)))
		return -EPROTO;
	n = hk_call(k->mem, k->chan, k->gen, proc | HK_PROC_BULK, xdr_getpos(&x), &k->bell,
		    timeout_ms);
	if (n < 0)
		return n;
	memset(&res, 0, sizeof(res));
	xdrmem_create(&x, (char *)c->msg, (u_int)n, XDR_DECODE);
	if (!xdr_hc_int_res(&x, &res))
		return -EPROTO;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	if (res.hc_int_res_u.value < 0 || (u_int)res.hc_int_res_u.value > count)
		return -EPROTO;   /* the host may not claim more than was asked */
	return res.hc_int_res_u.value;
}

/* The one copy left is the guest's own memory to or from shared memory. */
static ssize_t kvm_io(struct hc_transport *t, uint32_t proc, hc_handle h, uint64_t off, void *buf,
		      size_t len, int timeout_ms)
{
	struct kvm_transport *k = (struct kvm_transport *)t;
	uint8_t *bulk = hk_channel_at(k->mem, k->chan)->msg + HK_BULK_OFFSET;
	u_int count = (u_int)(len > HK_BULK_MAX ? HK_BULK_MAX : len);
	ssize_t n;

	if (proc == HC_WRITE || proc == HC_PWRITE)
		memcpy(bulk, buf, count);
	n = kvm_bulk(k, proc, h, off, count, timeout_ms);
	if (n > 0 && (proc == HC_READ || proc == HC_PREAD))
		memcpy(buf, bulk, (size_t)n);
	return n;
}

/*
 * None at all: the caller reads the bulk area itself, before its next call.
 * ivshmem: only. kvm:'s bulk area is the PCI BAR, mapped as raw page frames:
 * the kernel cannot pin them (a write(2) of them to /dev/fuse, which pins its
 * source, fails with EFAULT), so there a read is copied once, as kvm_io does.
 */
static ssize_t kvm_pread_view(struct hc_transport *t, hc_handle h, uint64_t off, size_t len,
			      const void **data, int timeout_ms)
{
	struct kvm_transport *k = (struct kvm_transport *)t;

	*data = hk_channel_at(k->mem, k->chan)->msg + HK_BULK_OFFSET;
	return kvm_bulk(k, HC_PREAD, h, off, (u_int)(len > HK_BULK_MAX ? HK_BULK_MAX : len),
			timeout_ms);
}

/* A module call's block is laid straight into the channel's message area: the stub's writes are the send. */
static void *kvm_module_block(struct hc_transport *t, size_t *cap)
{
	struct kvm_transport *k = (struct kvm_transport *)t;

	*cap = HC_BLOCK_MAX;
	return hk_channel_at(k->mem, k->chan)->msg + HK_MODULE_OFFSET;
}

_Static_assert(HC_BLOCK_MAX <= HK_MODULE_BLOCK_MAX, "a module call's block fits the message area");

/*
 * Only module, func and len are XDR; the request's length covers the block
 * after them, which the host copies out with them and answers in place.
 */
static int kvm_module_call(struct hc_transport *t, int module, uint32_t func, size_t len,
			   int timeout_ms)
{
	struct kvm_transport *k = (struct kvm_transport *)t;
	struct hk_channel *c = hk_channel_at(k->mem, k->chan);
	hc_module_bulk_args a = { module, func, (u_int)len };
	hc_int_res res;
	ssize_t n;
	XDR x;

	if (len > HC_BLOCK_MAX)
		return -E2BIG;
	xdrmem_create(&x, (char *)c->msg, HK_MODULE_OFFSET, XDR_ENCODE);
	if (!xdr_hc_module_bulk_args(&x, &a))
		return -EPROTO;
	n = hk_call(k->mem, k->chan, k->gen, HC_MODULE_CALL | HK_PROC_BULK,
		    HK_MODULE_OFFSET + (uint32_t)len, &k->bell, timeout_ms);
	if (n < 0)
		return (int)n;
	memset(&res, 0, sizeof(res));
	xdrmem_create(&x, (char *)c->msg, (u_int)(n > HK_MODULE_OFFSET ? HK_MODULE_OFFSET : n), XDR_DECODE);
	if (!xdr_hc_int_res(&x, &res))
		return -EPROTO;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	/* the answer is as long as the block sent: the guest reads nothing beyond it */
	return (u_int)res.hc_int_res_u.value == len ? 0 : -EPROTO;
}

/* A ticket on a channel names a stream slot and its generation; no dialling, no round trip. */
static int kvm_stream_dial(struct hc_transport *t, const hc_stream_ticket *tickets, int n,
			   int timeout_ms, int *fds)
{
	struct kvm_transport *k = (struct kvm_transport *)t;
	int r = 0, made;

	(void)timeout_ms;
	for (made = 0; made < n && r == 0; made++) {
		uint32_t slot, gen;
		memcpy(&slot, tickets[made].token, 4);
		memcpy(&gen, tickets[made].token + 4, 4);
		r = hk_guest_streams_add(&k->streams, slot, gen, &fds[made]);
	}
	if (r != 0)
		for (int i = 0; i < made - 1; i++)
			close(fds[i]);   /* the pump sees end of file both ways and lets go */
	return r;
}

static void kvm_close(struct hc_transport *t)
{
	struct kvm_transport *k = (struct kvm_transport *)t;

	if (k->chan >= 0)
		hk_guest_streams_stop(&k->streams);
	if (k->chan >= 0 && k->owner == getpid())
		hk_close(k->mem, k->chan, k->gen, &k->bell);
	if (k->by_socket)
		ivs_peer_leave(&k->sock_peer);
	else
		hk_pci_unmap(&k->pci);
	free(k);
}

/* Claim a channel of the mapped memory: the session. */
static int claim(struct kvm_transport *k, struct hc_transport **out)
{
	k->owner = getpid();
	if ((k->chan = hk_claim(k->mem, k->nchannels, k->peer, &k->bell, &k->gen)) < 0) {
		int r = k->chan;
		kvm_close(&k->base);
		return r;
	}
	hk_guest_streams_init(&k->streams, hk_channel_at(k->mem, k->chan), k->chan, k->gen,
			      &k->bell);
	*out = &k->base;
	return 0;
}

/* ---- ivshmem: a host process joins the server's socket ---- */

static int socket_open(const char *where, const struct hc_open_params *p, struct hc_transport **out)
{
	struct kvm_transport *k = calloc(1, sizeof(*k));
	int r;

	(void)p;
	if (!k)
		return -ENOMEM;
	k->base.ops = &kvm_socket_ops;
	k->chan = -1;
	k->by_socket = 1;
	if ((r = ivs_peer_join(&k->sock_peer, where)) != 0) {
		free(k);
		return r;
	}
	k->mem = k->sock_peer.mem;
	k->nchannels = k->sock_peer.nvectors;
	k->peer = k->sock_peer.id;
	k->bell = (struct hk_doorbell){ ivs_peer_ring, &k->sock_peer };
	return claim(k, out);
}

/* ---- kvm: the ivshmem PCI device inside a VM ---- */

static int pci_open(const char *where, const struct hc_open_params *p, struct hc_transport **out)
{
	struct kvm_transport *k = calloc(1, sizeof(*k));
	int r;

	(void)p;
	if (!k)
		return -ENOMEM;
	k->base.ops = &kvm_pci_ops;
	k->chan = -1;
	if ((r = hk_pci_map(where, &k->pci)) != 0) {
		kvm_close(&k->base);
		return r;
	}
	k->mem = k->pci.mem;
	k->nchannels = k->pci.nchannels;
	k->peer = k->pci.peer;
	k->bell = (struct hk_doorbell){ hk_pci_ring, &k->pci };
	return claim(k, out);
}

const struct hc_transport_ops kvm_pci_ops = {
	.scheme = "kvm",
	.needs_key = 0,
	.open = pci_open,
	.call = kvm_call,
	.stream_dial = kvm_stream_dial,
	.io = kvm_io,
	.module_block = kvm_module_block,
	.module_call = kvm_module_call,
	.close = kvm_close,
};

const struct hc_transport_ops kvm_socket_ops = {
	.scheme = "ivshmem",
	.needs_key = 0,
	.open = socket_open,
	.call = kvm_call,
	.stream_dial = kvm_stream_dial,
	.io = kvm_io,
	.pread_view = kvm_pread_view,
	.module_block = kvm_module_block,
	.module_call = kvm_module_call,
	.close = kvm_close,
};
