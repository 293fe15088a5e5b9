/* guest_streams.h: the guest's ends of a channel's streams, pumped by one thread of the session. */
#ifndef HK_GUEST_STREAMS_H
#define HK_GUEST_STREAMS_H

#include <pthread.h>

#include "channel.h"
#include "ring.h"

struct hk_guest_streams {
	struct hk_channel *c;
	uint32_t claim_gen;             /* the session's claim: once it is over, so are the streams */
	const struct hk_doorbell *bell;
	int vector;
	pid_t pid;                      /* the process whose thread pumps (a forked child starts its own) */
	uint64_t pid_start;
	pthread_mutex_t lock;
	pthread_t thread;
	int started;
	int stop;
	int wake_fd;                    /* an eventfd: a stream was added, or stop */
	struct {
		int used;
		struct hk_end end;
	} s[HK_STREAMS];
};

/* hk_guest_streams_init - no streams yet on channel @c (@vector, claim @gen) rung through @bell. */
void hk_guest_streams_init(struct hk_guest_streams *g, struct hk_channel *c, int vector,
			   uint32_t gen, const struct hk_doorbell *bell);

/*
 * hk_guest_streams_add - join slot @slot of generation @gen, as a ticket names
 * it: *@fd gets the guest's end, a socket. The pump thread starts with the first.
 * Returns: 0 or -errno (-EPROTO for a ticket that names no slot handed out).
 */
int hk_guest_streams_add(struct hk_guest_streams *g, uint32_t slot, uint32_t gen, int *fd);

/*
 * hk_guest_streams_stop - stop this process's pump and close every guest end
 * (readers see end of file); in a forked child that never pumped, close its copies only.
 */
void hk_guest_streams_stop(struct hk_guest_streams *g);

/*
 * hk_guest_streams_sweep - slots whose pumping process died (a forked child
 * that exited first) are let go for it, so the host can hand them out again.
 */
void hk_guest_streams_sweep(struct hk_guest_streams *g);

#endif
