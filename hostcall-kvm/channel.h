/* channel.h: one call at a time over a shared-memory channel: the guest's and the host's halves. */
#ifndef HK_CHANNEL_H
#define HK_CHANNEL_H

#include <stdint.h>
#include <sys/types.h>

#include "layout.h"

/* ---- the guest's half ---- */

/* The doorbell: wakes the host's side of channel @vector (an MMIO write, or an eventfd). */
struct hk_doorbell {
	void (*ring)(void *ctx, int vector);
	void *ctx;
};

/*
 * hk_claim - take a free channel of the @n of @mem for this process (@peer: the guest's
 * ivshmem peer id). Channels whose owner died are handed back to the host on
 * the way. *@gen: the claim's generation, for hk_call() and hk_close().
 * Returns: the channel index, or -EBUSY when all are taken.
 */
int hk_claim(void *mem, int n, uint32_t peer, const struct hk_doorbell *bell, uint32_t *gen);

/* hk_still_ours - is @c still claimed, by the claim of generation @gen? */
int hk_still_ours(struct hk_channel *c, uint32_t gen);

/* hk_close - end the session on channel @i: its shadow ends, and the host frees it. */
void hk_close(void *mem, int i, uint32_t gen, const struct hk_doorbell *bell);

/*
 * hk_call - the request @proc of @len bytes already in channel @i's msg goes to
 * the host; wait for the answer (a short spin, then sleeps doubling to 4 ms, and
 * in a long call up to 1/16 of the time waited, at most 20 ms),
 * at most @timeout_ms. Returns: the answer's length, or -errno (-ETIMEDOUT,
 * -ECONNRESET when the channel is no longer claim @gen, or the host's failure status).
 */
ssize_t hk_call(void *mem, int i, uint32_t gen, uint32_t proc, uint32_t len,
		const struct hk_doorbell *bell, int timeout_ms);

/*
 * hk_sweep - channels (of @n) of guest @peer whose owning process is gone become
 * HK_DEAD, and the host is told. Returns: how many.
 */
int hk_sweep(void *mem, int n, uint32_t peer, const struct hk_doorbell *bell);

/* hk_process_start - the start time of process @pid (for owner checks), 0 when it is gone. */
uint64_t hk_process_start(pid_t pid);

/* hk_process_alive - is process @pid still the one that started at @start? */
int hk_process_alive(pid_t pid, uint64_t start);

/* ---- the host's half ---- */

/*
 * hk_fetch - copy the guest's next request on @c out of shared memory into
 * @buf (HK_MSG_MAX bytes) before anything looks at it. @seen: the last request
 * answered. Returns: 1 (*@proc, *@len, *@seq set), 0 when there is none, or
 * -ECONNRESET when the session is over (closed, dead, or a length out of bounds).
 */
int hk_fetch(struct hk_channel *c, uint32_t seen, void *buf, uint32_t *proc, uint32_t *len,
	     uint32_t *seq);

/* hk_answer - put the answer @out of @len bytes (or @status < 0 alone) for request @seq. */
void hk_answer(struct hk_channel *c, uint32_t seq, int status, const void *out, uint32_t len);

/* hk_is_live - is the session on @c still claimed by its guest? */
int hk_is_live(struct hk_channel *c);

/* hk_free - (the session's shadow is gone) make @c ready for the next guest process. */
void hk_free(struct hk_channel *c);

#endif
