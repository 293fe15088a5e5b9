/* ivshmem_peer.h: joining an ivshmem-doorbell server as a peer from a host process, as QEMU does. */
#ifndef HK_IVSHMEM_PEER_H
#define HK_IVSHMEM_PEER_H

#include <stdint.h>

#include "layout.h"

struct ivs_peer_conn {
	int sock;                /* kept open: closing it leaves the server's peer set */
	uint16_t id;
	void *mem;
	uint64_t size;
	int nvectors;
	int host_efd[HK_CHANNELS_MAX];   /* the host peer's vectors: our doorbell */
};

/*
 * ivs_peer_join - connect to the server at @path, map its memory and collect
 * the host peer's (@host_peer) eventfds. Returns: 0 or -errno.
 */
int ivs_peer_join(struct ivs_peer_conn *c, const char *path);

/* ivs_peer_ring - the doorbell: wake the host's vector @v. */
void ivs_peer_ring(void *conn, int v);

/* ivs_peer_leave - unmap and close everything. */
void ivs_peer_leave(struct ivs_peer_conn *c);

#endif
