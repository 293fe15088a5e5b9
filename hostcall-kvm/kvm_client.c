/*
 * kvm_client.c: calls over a shared-memory channel. kvm: maps the ivshmem PCI
 * device inside a VM and rings its doorbell register; ivshmem: joins the
 * server's socket as a peer from a host process, ringing eventfds instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"
#include "errmap.h"
#include "guest_streams.h"
#include "ivshmem_peer.h"
#include "kvm_client.h"

#define IVSHMEM_VENDOR 0x1af4
#define IVSHMEM_DEVICE 0x1110
#define REG_IVPOSITION 2         /* BAR0 registers, in 32-bit words */
#define REG_DOORBELL 3
#define BAR0_SIZE 256

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
	/* kvm: */
	uint64_t mem_size;
	volatile uint32_t *regs;
	uint32_t host_peer;
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
 * A read or write whose bytes go straight between @buf and the channel's bulk
 * area: only the handle and count are XDR. The one copy left is the guest's own
 * memory to or from shared memory; the host read()s or write()s it in place.
 */
static ssize_t kvm_io(struct hc_transport *t, uint32_t proc, hc_handle h, void *buf, size_t len,
		      int timeout_ms)
{
	struct kvm_transport *k = (struct kvm_transport *)t;
	struct hk_channel *c = hk_channel_at(k->mem, k->chan);
	hc_read_args a = { h, (u_int)(len > HK_BULK_MAX ? HK_BULK_MAX : len) };
	hc_int_res res;
	ssize_t n;
	XDR x;

	xdrmem_create(&x, (char *)c->msg, HK_BULK_OFFSET, XDR_ENCODE);
	if (!xdr_hc_read_args(&x, &a))
		return -EPROTO;
	if (proc == HC_WRITE)
		memcpy(c->msg + HK_BULK_OFFSET, buf, a.count);
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
	if (res.hc_int_res_u.value < 0 || (u_int)res.hc_int_res_u.value > a.count)
		return -EPROTO;   /* the host may not claim more than was asked */
	if (proc == HC_READ)
		memcpy(buf, c->msg + HK_BULK_OFFSET, (size_t)res.hc_int_res_u.value);
	return res.hc_int_res_u.value;
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
	if (k->by_socket) {
		ivs_peer_leave(&k->sock_peer);
	} else {
		if (k->mem)
			munmap(k->mem, k->mem_size);
		if (k->regs)
			munmap((void *)k->regs, BAR0_SIZE);
	}
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

static int socket_open(const char *where, struct hc_transport **out)
{
	struct kvm_transport *k = calloc(1, sizeof(*k));
	int r;

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

static void pci_ring(void *ctx, int v)
{
	struct kvm_transport *k = ctx;

	k->regs[REG_DOORBELL] = (k->host_peer << 16) | (uint32_t)v;   /* the hypercall */
}

static long read_hex(const char *dir, const char *name)
{
	char path[600], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "re")))
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtol(buf, NULL, 16);
}

static int is_ivshmem(const char *dir)
{
	return read_hex(dir, "vendor") == IVSHMEM_VENDOR && read_hex(dir, "device") == IVSHMEM_DEVICE;
}

/* The first ivshmem device in sysfs. */
static int find_device(char *dir, size_t len)
{
	const char *base = "/sys/bus/pci/devices";
	DIR *d = opendir(base);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -ENODEV;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, len, "%s/%s", base, e->d_name);
		found = is_ivshmem(dir);
	}
	closedir(d);
	return found ? 0 : -ENODEV;
}

static void *map_resource(const char *dir, const char *name, uint64_t *size)
{
	char path[600];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	*size = (uint64_t)st.st_size;
	p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* Memory decoding may be off until the device is enabled (microvm leaves it so). */
static void enable(const char *dir)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/enable", dir);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write(fd, "1", 1) < 0)
			(void)0;   /* already enabled, or not ours to enable: the maps tell */
		close(fd);
	}
}

static int map_device(struct kvm_transport *k, const char *dir)
{
	uint64_t regs_size;
	int n;

	enable(dir);
	if (!(k->regs = map_resource(dir, "resource0", &regs_size)))
		return errno ? -errno : -ENODEV;
	if (!(k->mem = map_resource(dir, "resource2", &k->mem_size)))
		return errno ? -errno : -ENODEV;
	if ((n = hk_layout_check(k->mem, k->mem_size)) < 0)
		return n;
	k->nchannels = n;
	k->host_peer = ((const struct hk_header *)k->mem)->host_peer;
	k->peer = k->regs[REG_IVPOSITION];
	return 0;
}

static int pci_open(const char *where, struct hc_transport **out)
{
	struct kvm_transport *k = calloc(1, sizeof(*k));
	char dir[512];
	int r;

	if (!k)
		return -ENOMEM;
	k->base.ops = &kvm_pci_ops;
	k->chan = -1;
	k->bell = (struct hk_doorbell){ pci_ring, k };
	if (*where) {
		snprintf(dir, sizeof(dir), "%s", where);
		r = is_ivshmem(dir) ? 0 : -ENODEV;
	} else {
		r = find_device(dir, sizeof(dir));
	}
	if (r == 0)
		r = map_device(k, dir);
	if (r != 0) {
		kvm_close(&k->base);
		return r;
	}
	return claim(k, out);
}

const struct hc_transport_ops kvm_pci_ops = {
	.scheme = "kvm",
	.needs_key = 0,
	.open = pci_open,
	.call = kvm_call,
	.stream_dial = kvm_stream_dial,
	.io = kvm_io,
	.close = kvm_close,
};

const struct hc_transport_ops kvm_socket_ops = {
	.scheme = "ivshmem",
	.needs_key = 0,
	.open = socket_open,
	.call = kvm_call,
	.stream_dial = kvm_stream_dial,
	.io = kvm_io,
	.close = kvm_close,
};
