/* ivshmem_peer.c: an ivshmem-doorbell client in a host process (tests and host benchmarks of the channels). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include "io.h"
#include "ivshmem_peer.h"
#include "ivshmem_server.h"
#include "layout.h"
#include "transport.h"

#define JOIN_TIMEOUT_MS 5000

/* One message: its number, and the descriptor that came with it (-1: none). */
static int recv_msg(int sock, int64_t *value, int *fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { value, sizeof(*value) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	if (poll(&p, 1, JOIN_TIMEOUT_MS) != 1)
		return -ETIMEDOUT;
	n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (n == 0) {
		hc_set_connect_error("the ivshmem server hung up: it serves no more peers (at most %d)",
				     IVS_PEERS_MAX);
		return -EBUSY;
	}
	if (n != (ssize_t)sizeof(*value))
		return n < 0 ? -errno : -EPROTO;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (*fd >= 0 && (*fd = hc_fd_lift(*fd, HC_FD_FLOOR)) < 0)
		return *fd;
	return 0;
}

static int map_memory(struct ivs_peer_conn *c, int fd)
{
	struct stat st;
	int n;

	if (fstat(fd, &st) != 0 || st.st_size <= 0)
		return -EPROTO;
	c->size = (uint64_t)st.st_size;
	c->mem = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c->mem == MAP_FAILED) {
		c->mem = NULL;
		return -errno;
	}
	if ((n = hk_layout_check(c->mem, c->size)) < 0)
		return n;
	c->nvectors = n;
	return 0;
}

/* A message that must come with a descriptor (@want_fd) or without one. */
static int expect(int sock, int64_t *v, int want_fd, int *fd)
{
	int r = recv_msg(sock, v, fd);

	if (r == 0 && (*fd >= 0) != want_fd) {
		if (*fd >= 0)
			close(*fd);
		return -EPROTO;
	}
	return r;
}

/* Steps 1 to 3: version, our id, the memory. */
static int read_greeting(struct ivs_peer_conn *c)
{
	int64_t v;
	int fd, r;

	if ((r = expect(c->sock, &v, 0, &fd)) != 0)
		return r;
	if (v != 0)
		return -EPROTONOSUPPORT;
	if ((r = expect(c->sock, &v, 0, &fd)) != 0)
		return r;
	if (v < 0 || v > 65535)
		return -EPROTO;
	c->id = (uint16_t)v;
	if ((r = expect(c->sock, &v, 1, &fd)) != 0)
		return r;
	r = v == -1 ? map_memory(c, fd) : -EPROTO;
	close(fd);
	return r;
}

/* Steps 4 and 5: the peers' vectors, until our own have all come. */
static int read_vectors(struct ivs_peer_conn *c)
{
	const struct hk_header *h = c->mem;
	int host_got = 0, own_got = 0, fd, r;
	int64_t v;

	while (own_got < c->nvectors) {
		if ((r = recv_msg(c->sock, &v, &fd)) != 0)
			return r;
		if (fd < 0)
			continue;   /* a peer left: nothing of ours */
		if (v == (int64_t)h->host_peer && host_got < c->nvectors) {
			c->host_efd[host_got++] = fd;
			continue;
		}
		own_got += v == c->id;
		close(fd);   /* we poll shared memory instead of taking interrupts */
	}
	return host_got == c->nvectors ? 0 : -ENOTCONN;
}

int ivs_peer_join(struct ivs_peer_conn *c, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int r;

	memset(c, 0, sizeof(*c));
	for (int v = 0; v < HK_CHANNELS_MAX; v++)
		c->host_efd[v] = -1;
	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, path);
	if ((c->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if ((c->sock = hc_fd_lift(c->sock, HC_FD_FLOOR)) < 0)
		return c->sock;
	if (connect(c->sock, (struct sockaddr *)&a, sizeof(a)) != 0) {
		r = -errno;
		ivs_peer_leave(c);
		return r;
	}
	if ((r = read_greeting(c)) != 0 || (r = read_vectors(c)) != 0) {
		ivs_peer_leave(c);
		return r;
	}
	return 0;
}

void ivs_peer_ring(void *conn, int v)
{
	struct ivs_peer_conn *c = conn;
	uint64_t one = 1;

	if (v >= 0 && v < c->nvectors && c->host_efd[v] >= 0 &&
	    write(c->host_efd[v], &one, sizeof(one)) < 0)
		return;   /* a full counter still wakes the host */
}

void ivs_peer_leave(struct ivs_peer_conn *c)
{
	for (int v = 0; v < HK_CHANNELS_MAX; v++)
		if (c->host_efd[v] >= 0)
			close(c->host_efd[v]);
	if (c->mem)
		munmap(c->mem, c->size);
	if (c->sock >= 0)
		close(c->sock);
	memset(c, 0, sizeof(*c));
	c->sock = -1;
	for (int v = 0; v < HK_CHANNELS_MAX; v++)
		c->host_efd[v] = -1;
}
