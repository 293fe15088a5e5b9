/* ring.h: one end of a stream: a local socket pumped to and from the two rings of its slot. */
#ifndef HK_RING_H
#define HK_RING_H

#include <stdint.h>

#include "layout.h"

/*
 * Each side of a stream holds one: the host in the shadow, the guest in
 * libhostcall's pump thread. It moves bytes between its socket and the
 * rings with no copy in between, and carries end of file and EPIPE across.
 */
struct hk_end {
	int fd;                     /* the socket this side pumps; the other end is the stream */
	struct hk_ring *out, *in;   /* the ring this end fills, and the one it drains */
	uint8_t *out_data, *in_data;
	uint32_t out_head, in_tail; /* our indices: stored to shared memory, never read back */
	int out_done, in_done;      /* reading the socket ended / writing it ended */
	int is_host;                /* sleeps on its eventfd (asks to be woken) or polls (rings) */
	int bell_due;               /* guest: the host asked to be woken: ring the doorbell */
	int write_blocked;          /* the socket is full: wait for POLLOUT */
};

/* hk_end_init - pump @fd through slot @i of @c, as the host (@is_host) or the guest. */
void hk_end_init(struct hk_end *e, int fd, struct hk_channel *c, int i, int is_host);

/* hk_end_pump - move what can move without blocking. Returns: nonzero when anything did. */
int hk_end_pump(struct hk_end *e);

/*
 * hk_end_events - what to poll the socket for before sleeping. The host also
 * asks the guest to ring when it moves a ring this end waits on; *@busy is
 * set when the rings moved meanwhile, so the caller must not sleep.
 */
short hk_end_events(struct hk_end *e, int *busy);

/* hk_end_finished - both directions are over: the socket can be closed and the slot let go. */
int hk_end_finished(const struct hk_end *e);

#endif
