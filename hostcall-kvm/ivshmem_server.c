/* ivshmem_server.c: the ivshmem-doorbell protocol's server side: shared memory, peers, eventfds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ivshmem_server.h"
#include "layout.h"

#define IVS_PROTOCOL 0

/* One message: an 8-byte little-endian number, maybe with a descriptor. */
static int send_msg(int sock, int64_t value, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { &value, sizeof(value) };   /* x86 and arm64 are little-endian */
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)sizeof(value) ? 0 : -EIO;
}

static int send_vectors(int sock, int64_t id, const int *efd, int n)
{
	for (int v = 0; v < n; v++)
		if (send_msg(sock, id, efd[v]) != 0)
			return -EIO;
	return 0;
}

static int make_eventfds(int *efd, int n)
{
	for (int v = 0; v < n; v++) {
		if ((efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
			int e = -errno;
			while (v-- > 0)
				close(efd[v]);
			return e;
		}
	}
	return 0;
}

static void close_all(int *fd, int n)
{
	for (int i = 0; i < n; i++) {
		if (fd[i] >= 0)
			close(fd[i]);
		fd[i] = -1;
	}
}

/* ---- set-up ---- */

static int open_memory(struct ivs_server *s, const char *shm_name)
{
	char path[300];

	if (shm_name) {
		if (strchr(shm_name, '/') || !*shm_name || strlen(shm_name) > 200)
			return -EINVAL;
		snprintf(path, sizeof(path), "/%s", shm_name);
		s->shm_fd = shm_open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (s->shm_fd >= 0)
			strcpy(s->shm_name, path);
	} else {
		s->shm_fd = memfd_create("hostcall-kvm", MFD_CLOEXEC);
	}
	if (s->shm_fd < 0)
		return -errno;
	s->size = hk_total_size(s->nvectors);
	if (ftruncate(s->shm_fd, (off_t)s->size) != 0)
		return -errno;
	s->mem = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED, s->shm_fd, 0);
	if (s->mem == MAP_FAILED) {
		s->mem = NULL;
		return -errno;
	}
	hk_layout_init(s->mem, s->size, s->nvectors, IVS_HOST_PEER);
	return 0;
}

/* A socket file left by an earlier run is replaced; anything else at @path is not touched. */
static int listen_at(struct ivs_server *s, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
		return -EEXIST;
	unlink(path);
	strcpy(a.sun_path, path);
	strcpy(s->path, path);
	if ((s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return -errno;
	if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 || chmod(path, 0600) != 0 ||
	    listen(s->listen_fd, 8) != 0)
		return -errno;
	return 0;
}

int ivs_open(struct ivs_server *s, const char *path, const char *shm_name, int nvectors)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->listen_fd = s->shm_fd = -1;
	s->nvectors = nvectors;
	for (int i = 0; i < IVS_PEERS_MAX; i++)
		s->peers[i].sock = -1;
	s->next_id = 1;
	if (nvectors < 1 || nvectors > HK_CHANNELS_MAX)
		return -EINVAL;
	if ((r = make_eventfds(s->host_efd, nvectors)) != 0)
		return r;
	if ((r = open_memory(s, shm_name)) != 0 || (r = listen_at(s, path)) != 0) {
		ivs_close(s);
		return r;
	}
	return 0;
}

/* ---- peers ---- */

static int id_taken(const struct ivs_server *s, uint16_t id)
{
	for (int i = 0; i < IVS_PEERS_MAX; i++)
		if (s->peers[i].sock >= 0 && s->peers[i].id == id)
			return 1;
	return id == IVS_HOST_PEER;
}

static uint16_t next_free_id(struct ivs_server *s)
{
	while (id_taken(s, s->next_id))
		s->next_id = s->next_id == 65535 ? 1 : s->next_id + 1;
	return s->next_id;
}

/*
 * Steps 1 to 5 of the spec for the newcomer, with only two peers in step 4: us,
 * whom its doorbell rings, and itself. Guests never ring each other here, so
 * they are not told of one another (the spec's step 6): telling every peer of
 * every other costs peers x vectors descriptors in flight, and at 20 peers of 32
 * vectors a newcomer's socket could not take them all.
 */
static int welcome(struct ivs_server *s, struct ivs_peer *p)
{
	int n = s->nvectors;

	if (send_msg(p->sock, IVS_PROTOCOL, -1) || send_msg(p->sock, p->id, -1) ||
	    send_msg(p->sock, -1, s->shm_fd) || send_vectors(p->sock, IVS_HOST_PEER, s->host_efd, n) ||
	    send_vectors(p->sock, p->id, p->efd, n))
		return -EIO;
	return 0;
}

int ivs_accept(struct ivs_server *s)
{
	struct ivs_peer *p = NULL;
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK), slot = -1, r;

	if (fd < 0)
		return -errno;
	for (int i = 0; i < IVS_PEERS_MAX && !p; i++)
		if (s->peers[i].sock < 0)
			p = &s->peers[slot = i];
	if (!p) {
		close(fd);
		return -EUSERS;
	}
	p->id = next_free_id(s);
	if ((r = make_eventfds(p->efd, s->nvectors)) != 0) {
		close(fd);
		return r;
	}
	p->sock = fd;
	if ((r = welcome(s, p)) != 0) {
		ivs_peer_gone(s, slot);
		return r;
	}
	return slot;
}

int ivs_peer_gone(struct ivs_server *s, int slot)
{
	struct ivs_peer *p = &s->peers[slot];
	int id = p->id;

	close(p->sock);
	p->sock = -1;
	close_all(p->efd, s->nvectors);   /* the others never heard of it: nobody to tell */
	return id;
}

static void close_peers(struct ivs_server *s)
{
	for (int i = 0; i < IVS_PEERS_MAX; i++) {
		if (s->peers[i].sock >= 0) {
			close(s->peers[i].sock);
			close_all(s->peers[i].efd, s->nvectors);
			s->peers[i].sock = -1;
		}
	}
}

void ivs_close_in_child(struct ivs_server *s, int keep_vector)
{
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	close_peers(s);
	for (int v = 0; v < s->nvectors; v++)
		if (v != keep_vector && s->host_efd[v] >= 0) {
			close(s->host_efd[v]);
			s->host_efd[v] = -1;
		}
	if (s->shm_fd >= 0)
		close(s->shm_fd);
	s->shm_fd = -1;
	s->path[0] = '\0';
	s->shm_name[0] = '\0';
}

void ivs_close(struct ivs_server *s)
{
	close_peers(s);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->path[0])
		unlink(s->path);
	close_all(s->host_efd, s->nvectors);
	if (s->mem)
		munmap(s->mem, s->size);
	if (s->shm_fd >= 0)
		close(s->shm_fd);
	if (s->shm_name[0])
		shm_unlink(s->shm_name);
	s->shm_name[0] = '\0';
	s->mem = NULL;
	s->listen_fd = s->shm_fd = -1;
	s->path[0] = '\0';
}
