/* kvm_host.c: hostcalld's KVM backend: peers join and leave, claimed channels get shadows, ended ones are freed. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "kvm_host.h"
#include "log.h"
#include "shm_access.h"

int kvm_host_open(struct kvm_host *k, const char *sock, const char *shm, int n)
{
	int r;

	memset(k, 0, sizeof(*k));
	if ((r = ivs_open(&k->ivs, sock, shm, n)) != 0)
		return r;
	k->on = 1;
	return 0;
}

static int add(struct pollfd *p, int *kind, int *index, int n, int fd, int what, int i)
{
	p[n].fd = fd;
	p[n].events = POLLIN;
	p[n].revents = 0;
	kind[n] = what;
	index[n] = i;
	return n + 1;
}

int kvm_host_pollfds(struct kvm_host *k, struct pollfd *p, int *kind, int *index, int max)
{
	int n = 0;

	if (!k->on || max < 1 + IVS_PEERS_MAX + k->ivs.nvectors)
		return 0;
	n = add(p, kind, index, n, k->ivs.listen_fd, KVM_LISTEN, 0);
	for (int i = 0; i < IVS_PEERS_MAX; i++)
		if (k->ivs.peers[i].sock >= 0)
			n = add(p, kind, index, n, k->ivs.peers[i].sock, KVM_PEER, i);
	for (int i = 0; i < k->ivs.nvectors; i++)
		if (!k->shadow[i])
			n = add(p, kind, index, n, k->ivs.host_efd[i], KVM_DOORBELL, i);
	return n;
}

/* A guest may scribble over the header, which stops every new session: put it back. */
static void heal(struct kvm_host *k)
{
	if (hk_layout_heal(k->ivs.mem, k->ivs.size, k->ivs.nvectors, IVS_HOST_PEER))
		log_warn("kvm: the shared memory's header was overwritten: rewritten");
}

int kvm_host_on_listen(struct kvm_host *k)
{
	int slot;

	heal(k);   /* before the peer maps the memory and checks it */
	slot = ivs_accept(&k->ivs);

	if (slot >= 0)
		log_info("kvm: peer %d joined", k->ivs.peers[slot].id);
	else if (slot != -EAGAIN && slot != -EMFILE && slot != -ENFILE)
		log_warn_limited("kvm: a peer could not join: %s", strerror(-slot));
	return slot < 0 ? slot : 0;
}

/* A VM left (powered off, rebooting): the sessions of its processes end. */
static void end_sessions_of(struct kvm_host *k, uint32_t peer)
{
	uint64_t one = 1;

	for (int i = 0; i < k->ivs.nvectors; i++) {
		struct hk_channel *c = hk_channel_at(k->ivs.mem, i);
		uint32_t claimed = HK_CLAIMED;
		if (shm_get(&c->owner_peer) != peer ||
		    !atomic_compare_exchange_strong(&c->state, &claimed, HK_DEAD))
			continue;
		if (write(k->ivs.host_efd[i], &one, sizeof(one)) < 0)
			log_warn("kvm: channel %d: cannot wake its shadow", i);
	}
}

void kvm_host_on_peer(struct kvm_host *k, int slot)
{
	char byte;
	ssize_t n = recv(k->ivs.peers[slot].sock, &byte, 1, MSG_DONTWAIT);
	int id;

	if (n < 0 && errno == EAGAIN)
		return;
	/* the protocol is one-way: anything a peer sends, or its hang-up, ends it */
	id = ivs_peer_gone(&k->ivs, slot);
	log_info("kvm: peer %d left", id);
	end_sessions_of(k, (uint32_t)id);
}

int kvm_host_on_doorbell(struct kvm_host *k, int i)
{
	struct hk_channel *c = hk_channel_at(k->ivs.mem, i);
	uint64_t n;
	uint32_t state;

	while (read(k->ivs.host_efd[i], &n, sizeof(n)) == (ssize_t)sizeof(n))
		;
	heal(k);
	state = shm_acquire(&c->state);
	if (state == HK_CLAIMED)
		return 1;
	if (state != HK_FREE)
		hk_free(c);   /* closed or found dead before a shadow started */
	return 0;
}

void kvm_host_shadow_started(struct kvm_host *k, int i, pid_t pid)
{
	k->shadow[i] = pid;
}

int kvm_host_shadow_ended(struct kvm_host *k, pid_t pid)
{
	for (int i = 0; k->on && i < k->ivs.nvectors; i++) {
		if (k->shadow[i] == pid) {
			k->shadow[i] = 0;
			hk_free(hk_channel_at(k->ivs.mem, i));
			heal(k);
			return 1;
		}
	}
	return 0;
}

void kvm_host_close(struct kvm_host *k)
{
	if (k->on) {
		hk_layout_retire(k->ivs.mem, k->ivs.nvectors);
		ivs_close(&k->ivs);
	}
	k->on = 0;
}
