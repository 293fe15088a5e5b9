/* layout.h: the KVM backend's shared memory as both sides see it: a versioned header, then channels. */
#ifndef HK_LAYOUT_H
#define HK_LAYOUT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define HK_MAGIC 0x564b4348u        /* "HCKV" */
#define HK_VERSION 1
#define HK_HEADER_SIZE 65536u
#define HK_CHANNEL_SIZE (2u << 20)
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
	uint8_t reserved[20];
	uint8_t msg[];                  /* HK_MSG_MAX bytes */
};

#define HK_MSG_OFFSET 64u
#define HK_MSG_MAX (HK_CHANNEL_SIZE - HK_MSG_OFFSET)

_Static_assert(offsetof(struct hk_channel, msg) == HK_MSG_OFFSET, "the control block is 64 bytes");
_Static_assert(sizeof(struct hk_header) <= HK_HEADER_SIZE, "the header fits its page");

/* hk_total_size - the shared memory for @n channels, a power of two as a PCI BAR must be. */
uint64_t hk_total_size(int n);

/* hk_layout_init - (host) write the header of fresh memory @mem of @size and free @n channels. */
void hk_layout_init(void *mem, uint64_t size, int n, uint32_t host_peer);

/*
 * hk_layout_check - (guest) does @mem of @size hold a header this code
 * understands, with every channel inside @size? Returns: the channel count or -errno.
 */
int hk_layout_check(const void *mem, uint64_t size);

/* hk_channel_at - channel @i (below the count checked or initialised) of the memory at @mem. */
struct hk_channel *hk_channel_at(void *mem, int i);

#endif
