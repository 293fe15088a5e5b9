/* layout.h: the KVM backend's shared memory as both sides see it: a versioned header, then channels. */
#ifndef HK_LAYOUT_H
#define HK_LAYOUT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "hcgen.h"

#define HK_MAGIC 0x564b4348u        /* "HCKV" */
#define HK_VERSION 5               /* 3: bulk read and write; 4: protocol 2, bulk pread and pwrite;
				      5: protocol 3, module calls with their block in the message area */
#define HK_HEADER_SIZE 65536u
#define HK_CHANNEL_SIZE (4u << 20)
#define HK_STREAMS 16               /* stream slots per channel */
#define HK_RING_SIZE (64u << 10)    /* a power of two: offsets are masked, never trusted */
#define HK_SLOTS_OFFSET ((2u << 20) - 4096u)   /* in a channel: the streams' control blocks */
#define HK_RINGS_OFFSET (2u << 20)             /* then their rings: to the host, to the guest */
#define HK_CHANNELS_MAX 64          /* one doorbell vector each; ivshmem servers stop at 64 */
#define HK_CHANNELS_DEFAULT 16

/*
 * At offset 0, written by the host once, before any guest maps the memory.
 * A guest checks it and trusts nothing else the host did not promise here.
 */
struct hk_header {
	uint32_t magic;
	uint32_t version;
	uint32_t nchannels;
	uint32_t channel_size;
	uint32_t header_size;           /* channel i starts at header_size + i * channel_size */
	uint32_t msg_max;               /* the largest request or answer */
	uint32_t host_peer;             /* the ivshmem peer id the doorbell rings */
	uint32_t reserved;
	uint64_t total_size;
};

/* A channel's life: a guest process claims it; it is the session until closed or found dead. */
enum hk_state {
	HK_FREE = 0,                    /* the host made it ready; a guest may claim it */
	HK_CLAIMED = 1,                 /* a guest process's session: a shadow serves it */
	HK_CLOSED = 2,                  /* its guest ended the session */
	HK_DEAD = 3,                    /* its guest process died (another guest process saw it) */
};

/*
 * The control block of a channel. The guest writes proc, len and the request
 * into msg, then bumps req_seq (release) and rings the doorbell; the host
 * copies the request out, answers into msg and len, and sets resp_seq to that
 * req_seq (release). One call at a time per channel.
 */
struct hk_channel {
	_Atomic uint32_t state;         /* enum hk_state: claimed and closed by the guest, freed by the host */
	_Atomic uint32_t req_seq;
	_Atomic uint32_t resp_seq;
	uint32_t proc;
	uint32_t len;                   /* the request's length, then the answer's */
	int32_t status;                 /* the host's: 0, or -errno when there is no answer */
	uint32_t owner_peer;            /* the claiming guest's ivshmem peer id */
	uint32_t owner_pid;             /* its pid, and start time: liveness is checked in the guest */
	uint64_t owner_start;
	_Atomic uint32_t generation;    /* the host bumps it at each free: an old owner sees it is not its own */
	uint32_t owner_boot;            /* which boot of the guest: after a reboot every old owner is dead */
	uint8_t reserved[16];
	uint8_t msg[];                  /* HK_MSG_MAX bytes */
};

#define HK_MSG_OFFSET 64u
#define HK_MSG_MAX (HK_SLOTS_OFFSET - HK_MSG_OFFSET)

/*
 * A bulk call: HK_PROC_BULK | HC_READ, HC_WRITE, HC_PREAD or HC_PWRITE. msg
 * holds only the XDR of an hc_read_args (handle, count) or, positional, an
 * hc_pread_args (handle, offset, count), at most HK_BULK_OFFSET bytes; the
 * bytes themselves lie at msg + HK_BULK_OFFSET, where the host read()s into
 * and write()s from shared memory directly. The answer is an hc_int_res.
 *
 * HK_PROC_BULK | HC_MODULE_CALL: msg holds the XDR of an hc_module_bulk_args
 * (module, func, len), at most HK_MODULE_OFFSET bytes, and the argument
 * block lies at msg + HK_MODULE_OFFSET (not HK_BULK_OFFSET: a whole
 * HCG_BLOCK_MAX fits only there); the request's length covers both
 * (HK_MODULE_OFFSET + len), so that the host's one copy out of shared memory
 * takes the block too. The host answers an hc_int_res (the block's length)
 * and, on success, the block after the call in place, exactly as long as the
 * one sent.
 */
#define HK_PROC_BULK 0x80000000u
#define HK_BULK_OFFSET 4096u
#define HK_BULK_MAX (1u << 20)          /* HC_IO_MAX */
#define HK_MODULE_OFFSET 64u
#define HK_MODULE_BLOCK_MAX (HK_MSG_MAX - HK_MODULE_OFFSET)   /* room for a module call's block */

/* ring flags */
#define HK_RING_DONE 1u                 /* the producer wrote its last byte: end of file after head */
#define HK_RING_GONE 2u                 /* the consumer went away: the producer's writer gets EPIPE */

/*
 * One direction of a stream: HK_RING_SIZE bytes. head and tail count bytes
 * ever written and taken; each side keeps its own index privately and only
 * stores it here. wake: the host sleeps on its eventfd until the guest moves
 * this ring; the guest then rings the doorbell. The guest polls.
 */
struct hk_ring {
	_Atomic uint32_t head;
	_Atomic uint32_t tail;
	_Atomic uint32_t flags;
	_Atomic uint32_t wake;
};

/* which end of a stream has let go of its slot */
#define HK_END_HOST 1u
#define HK_END_GUEST 2u

/* A stream slot: the host hands it out (STREAM_CREATE) and takes it back when both ends let go. */
struct hk_slot {
	_Atomic uint32_t gen;           /* the host bumps it at each hand-out; the ticket names it */
	_Atomic uint32_t released;      /* HK_END_HOST | HK_END_GUEST */
	uint32_t pump_pid;              /* the guest process pumping it, and its start time: */
	uint32_t reserved;
	uint64_t pump_start;            /* another guest process lets it go if that one died */
	struct hk_ring to_host;
	struct hk_ring to_guest;
	uint8_t pad[8];
};

_Static_assert(sizeof(struct hk_slot) == 64, "a slot is 64 bytes");
_Static_assert(HK_SLOTS_OFFSET + HK_STREAMS * sizeof(struct hk_slot) <= HK_RINGS_OFFSET,
	       "the slots fit before the rings");
_Static_assert(HK_RINGS_OFFSET + 2ull * HK_STREAMS * HK_RING_SIZE <= HK_CHANNEL_SIZE,
	       "the rings fit the channel");

_Static_assert(offsetof(struct hk_channel, msg) == HK_MSG_OFFSET, "the control block is 64 bytes");
_Static_assert(HK_BULK_OFFSET + HK_BULK_MAX <= HK_MSG_MAX, "a bulk call's bytes fit the message area");
_Static_assert(HK_MODULE_BLOCK_MAX >= HCG_BLOCK_MAX, "a module call's block fits the message area");
_Static_assert(HK_MSG_OFFSET % 8 == 0 && HK_MODULE_OFFSET % 8 == 0 && HK_CHANNEL_SIZE % 8 == 0 &&
	       HK_HEADER_SIZE % 8 == 0, "a module call's block is 8-byte aligned, as the ABI wants");
_Static_assert(sizeof(struct hk_header) <= HK_HEADER_SIZE, "the header fits its page");

/* hk_total_size - the shared memory for @n channels, a power of two as a PCI BAR must be. */
uint64_t hk_total_size(int n);

/* hk_layout_init - (host) write the header of fresh memory @mem of @size and free @n channels. */
void hk_layout_init(void *mem, uint64_t size, int n, uint32_t host_peer);

/*
 * hk_layout_heal - (host) rewrite the header of @mem as hk_layout_init wrote it,
 * should a guest have scribbled over it. Returns: nonzero when it had to.
 */
int hk_layout_heal(void *mem, uint64_t size, int n, uint32_t host_peer);

/* hk_layout_retire - (host, going away) every session's calls fail now, and no new one starts. */
void hk_layout_retire(void *mem, int n);

/*
 * hk_layout_check - (guest) does @mem of @size hold a header this code
 * understands, with every channel inside @size? Returns: the channel count or -errno.
 */
int hk_layout_check(const void *mem, uint64_t size);

/* hk_channel_at - channel @i (below the count checked or initialised) of the memory at @mem. */
struct hk_channel *hk_channel_at(void *mem, int i);

/* hk_slot_at - stream slot @i (below HK_STREAMS) of channel @c. */
struct hk_slot *hk_slot_at(struct hk_channel *c, int i);

/* hk_ring_data - the bytes of slot @i's ring to the host (@to_guest 0) or to the guest (1). */
uint8_t *hk_ring_data(struct hk_channel *c, int i, int to_guest);

#endif
