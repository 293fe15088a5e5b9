/* ivshmem_server.h: the ivshmem-doorbell server QEMU joins (QEMU's ivshmem spec), with hostcalld as peer 0. */
#ifndef HK_IVSHMEM_SERVER_H
#define HK_IVSHMEM_SERVER_H

#include <stdint.h>

#include "layout.h"

#define IVS_PEERS_MAX 64               /* QEMUs, and host processes joining by ivshmem: (a hostfs pipe open is one) */
#define IVS_HOST_PEER 0

struct ivs_peer {
	int sock;                        /* -1: free */
	uint16_t id;
	int efd[HK_CHANNELS_MAX];        /* its vectors: rung to interrupt it */
};

struct ivs_server {
	int listen_fd;
	char path[108];
	int shm_fd;
	char shm_name[256];              /* shm_open's name, unlinked at the end; empty: anonymous */
	void *mem;
	uint64_t size;
	int nvectors;
	int host_efd[HK_CHANNELS_MAX];   /* our own vectors: the guests ring these */
	struct ivs_peer peers[IVS_PEERS_MAX];
	uint16_t next_id;
};

/*
 * ivs_open - listen on unix socket @path (replacing a stale one) and create
 * the shared memory: @shm_name under /dev/shm, or anonymous when NULL, sized
 * for @nvectors channels and initialised. Returns: 0 or -errno.
 */
int ivs_open(struct ivs_server *s, const char *path, const char *shm_name, int nvectors);

/* ivs_accept - a new peer (a QEMU) connected: send it everything the spec says. Returns: its slot or -errno. */
int ivs_accept(struct ivs_server *s);

/*
 * ivs_peer_gone - peer @slot's socket reported end of file or an error: tell
 * the others and free it. Returns: the peer id that left.
 */
int ivs_peer_gone(struct ivs_server *s, int slot);

/* ivs_close_in_child - in a forked process: close everything but @keep_vector's eventfd and the memory. */
void ivs_close_in_child(struct ivs_server *s, int keep_vector);

/* ivs_close - stop serving: close the peers, unlink the socket, unmap. */
void ivs_close(struct ivs_server *s);

#endif
