/* layout.c: the shared memory's header: written by the host, checked by the guest. */
#include <errno.h>
#include <string.h>

#include "layout.h"
#include "shm_access.h"
#include "transport.h"

uint64_t hk_total_size(int n)
{
	uint64_t need = HK_HEADER_SIZE + (uint64_t)n * HK_CHANNEL_SIZE, size = 1;

	while (size < need)
		size <<= 1;
	return size;
}

struct hk_channel *hk_channel_at(void *mem, int i)
{
	/* the constants, never the header's copy: a guest may scribble over that */
	return (struct hk_channel *)((char *)mem + HK_HEADER_SIZE + (uint64_t)i * HK_CHANNEL_SIZE);
}

struct hk_slot *hk_slot_at(struct hk_channel *c, int i)
{
	return (struct hk_slot *)((char *)c + HK_SLOTS_OFFSET) + i;
}

uint8_t *hk_ring_data(struct hk_channel *c, int i, int to_guest)
{
	return (uint8_t *)c + HK_RINGS_OFFSET + (uint64_t)(2 * i + !!to_guest) * HK_RING_SIZE;
}

static struct hk_header header_of(uint64_t size, int n, uint32_t host_peer)
{
	return (struct hk_header){ .magic = HK_MAGIC, .version = HK_VERSION,
				   .nchannels = (uint32_t)n, .channel_size = HK_CHANNEL_SIZE,
				   .header_size = HK_HEADER_SIZE, .msg_max = HK_MSG_MAX,
				   .host_peer = host_peer, .total_size = size };
}

_Static_assert(offsetof(struct hk_header, magic) == 0, "the magic comes first, the fields after it");

/* The fields first, the magic last: a guest that sees it sees the rest. Nothing is read back. */
static void write_header(struct hk_header *h, const struct hk_header *want)
{
	size_t after_magic = offsetof(struct hk_header, version);

	memcpy((char *)h + after_magic, (const char *)want + after_magic, sizeof(*want) - after_magic);
	atomic_thread_fence(memory_order_release);
	h->magic = want->magic;
}

void hk_layout_init(void *mem, uint64_t size, int n, uint32_t host_peer)
{
	struct hk_header want = header_of(size, n, host_peer);

	memset(mem, 0, sizeof(struct hk_header));
	for (int i = 0; i < n; i++) {
		struct hk_channel *c = hk_channel_at(mem, i);
		memset(c, 0, HK_MSG_OFFSET);
		atomic_store_explicit(&c->state, HK_FREE, memory_order_release);
	}
	atomic_thread_fence(memory_order_release);
	write_header(mem, &want);
}

int hk_layout_heal(void *mem, uint64_t size, int n, uint32_t host_peer)
{
	struct hk_header want = header_of(size, n, host_peer), seen;

	shm_copy_in(&seen, mem, sizeof(seen));
	if (memcmp(&seen, &want, sizeof(seen)) == 0)
		return 0;
	write_header(mem, &want);
	return 1;
}

int hk_layout_check(const void *mem, uint64_t size)
{
	struct hk_header h;

	if (size < sizeof(h))
		return -EINVAL;
	memcpy(&h, mem, sizeof(h));
	atomic_thread_fence(memory_order_acquire);
	if (h.magic != HK_MAGIC)
		return -ENODEV;   /* no hostcalld behind this memory (yet) */
	if (h.version != HK_VERSION) {
		hc_set_connect_error("the host's hostcalld lays out shared memory version %u; this "
				     "client reads version %d: install the same version on both sides",
				     h.version, HK_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (h.nchannels == 0 || h.nchannels > HK_CHANNELS_MAX || h.channel_size != HK_CHANNEL_SIZE ||
	    h.header_size != HK_HEADER_SIZE || h.msg_max != HK_MSG_MAX ||
	    h.header_size + (uint64_t)h.nchannels * h.channel_size > size)
		return -EPROTO;
	return (int)h.nchannels;
}

void hk_layout_retire(void *mem, int n)
{
	struct hk_header *h = mem;

	h->magic = 0;   /* first: no new guest takes a channel */
	atomic_thread_fence(memory_order_release);
	for (int i = 0; i < n; i++) {
		struct hk_channel *c = hk_channel_at(mem, i);
		atomic_fetch_add_explicit(&c->generation, 1, memory_order_relaxed);
		atomic_store_explicit(&c->state, HK_DEAD, memory_order_release);
	}
}
