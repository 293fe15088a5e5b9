/* kvm_host.h: hostcalld's side of the KVM backend: the ivshmem server, and which shadow serves which channel. */
#ifndef HK_KVM_HOST_H
#define HK_KVM_HOST_H

#include <poll.h>
#include <sys/types.h>

#include "ivshmem_server.h"
#include "layout.h"

struct kvm_host {
	int on;
	struct ivs_server ivs;
	pid_t shadow[HK_CHANNELS_MAX];   /* 0: no shadow serves the channel */
};

/* What a pollfd of kvm_host_pollfds() stands for. */
enum kvm_ref { KVM_LISTEN, KVM_PEER, KVM_DOORBELL };

/* kvm_host_open - serve ivshmem-doorbell on @sock with @n channels (@shm: a /dev/shm name or NULL). Returns: 0 or -errno. */
int kvm_host_open(struct kvm_host *k, const char *sock, const char *shm, int n);

/*
 * kvm_host_pollfds - the descriptors to watch (at most @max): the socket, the
 * peers, and the doorbells of channels no shadow serves. @kind/@index say which.
 * Returns: how many.
 */
int kvm_host_pollfds(struct kvm_host *k, struct pollfd *p, int *kind, int *index, int max);

/* kvm_host_on_listen - a peer (a QEMU) is joining. Returns: 0 or -errno (-EMFILE: out of descriptors). */
int kvm_host_on_listen(struct kvm_host *k);

/* kvm_host_on_peer - peer @slot's socket is readable: it left (its channels' sessions end). */
void kvm_host_on_peer(struct kvm_host *k, int slot);

/*
 * kvm_host_on_doorbell - channel @i rang with no shadow serving it.
 * Returns: 1 when a guest process claimed it and a shadow should start.
 */
int kvm_host_on_doorbell(struct kvm_host *k, int i);

/* kvm_host_shadow_started - @pid serves channel @i now. */
void kvm_host_shadow_started(struct kvm_host *k, int i, pid_t pid);

/* kvm_host_shadow_ended - shadow @pid exited: its channel is freed. Returns: 1 when it was one of ours. */
int kvm_host_shadow_ended(struct kvm_host *k, pid_t pid);

/* kvm_host_close - stop serving (the shadows are ended by the caller). */
void kvm_host_close(struct kvm_host *k);

#endif
