/* ring.c: pumping a stream's socket to and from its shared-memory rings, on either side. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "ring.h"
#include "shm_access.h"

#define MASK (HK_RING_SIZE - 1)
#define PUMP_ROUNDS 16   /* then the other streams and the calls get their turn */

void hk_end_init(struct hk_end *e, int fd, struct hk_channel *c, int i, int is_host)
{
	struct hk_slot *s = hk_slot_at(c, i);

	*e = (struct hk_end){ .fd = fd, .is_host = is_host };
	e->out = is_host ? &s->to_guest : &s->to_host;
	e->in = is_host ? &s->to_host : &s->to_guest;
	e->out_data = hk_ring_data(c, i, is_host);
	e->in_data = hk_ring_data(c, i, !is_host);
}

/* The other side may sleep until this ring moves (only the host asks). */
static void moved(struct hk_end *e, struct hk_ring *r)
{
	if (e->is_host)
		return;
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&r->wake, memory_order_relaxed) &&
	    atomic_exchange_explicit(&r->wake, 0, memory_order_relaxed))
		e->bell_due = 1;
}

static void set_flag(struct hk_end *e, struct hk_ring *r, uint32_t flag)
{
	atomic_fetch_or_explicit(&r->flags, flag, memory_order_release);
	if (!e->is_host)
		e->bell_due = 1;   /* the host must see an ending even when not asking */
}

/* The up to two pieces of the ring from byte @at, @len long. */
static int pieces(uint8_t *data, uint32_t at, uint32_t len, struct iovec iov[2])
{
	uint32_t off = at & MASK, first = HK_RING_SIZE - off;

	iov[0] = (struct iovec){ data + off, len < first ? len : first };
	shm_span(iov[0].iov_base, iov[0].iov_len);
	if (len <= first)
		return 1;
	iov[1] = (struct iovec){ data, len - first };
	shm_span(iov[1].iov_base, iov[1].iov_len);
	return 2;
}

/* The consumer of our out ring went away: our socket's writer gets EPIPE from now on. */
static void out_gone(struct hk_end *e)
{
	shutdown(e->fd, SHUT_RD);
	e->out_done = 1;
}

/* Socket → out ring. Returns: nonzero on progress. */
static int pump_out(struct hk_end *e)
{
	uint32_t tail, space;
	struct iovec iov[2];
	struct msghdr m = { .msg_iov = iov };
	ssize_t n;

	if (e->out_done)
		return 0;
	shm_begin("the ring out");
	if (shm_acquire(&e->out->flags) & HK_RING_GONE) {
		out_gone(e);
		return 1;
	}
	tail = shm_acquire(&e->out->tail);
	if (e->out_head - tail > HK_RING_SIZE) {   /* a tail that never was: the stream is broken */
		out_gone(e);
		return 1;
	}
	if (!(space = HK_RING_SIZE - (e->out_head - tail)))
		return 0;
	m.msg_iovlen = (size_t)pieces(e->out_data, e->out_head, space, iov);
	n = recvmsg(e->fd, &m, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n > 0) {
		e->out_head += (uint32_t)n;
		atomic_store_explicit(&e->out->head, e->out_head, memory_order_release);
		moved(e, e->out);
		return 1;
	}
	set_flag(e, e->out, HK_RING_DONE);   /* end of file, or the writer reset */
	e->out_done = 1;
	return 1;
}

/* Every holder of the socket's other end has closed it. */
static int peer_closed(int fd)
{
	struct pollfd p = { fd, 0, 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

/* In ring → socket. Returns: nonzero on progress. */
static int pump_in(struct hk_end *e)
{
	uint32_t flags, head, avail;
	struct iovec iov[2];
	struct msghdr m = { .msg_iov = iov };
	ssize_t n;

	if (e->in_done)
		return 0;
	shm_begin("the ring in");
	flags = shm_acquire(&e->in->flags);   /* before head */
	head = shm_acquire(&e->in->head);
	avail = head - e->in_tail;
	e->write_blocked = 0;
	if (avail > HK_RING_SIZE) {   /* a head that never was: the stream is broken */
		set_flag(e, e->in, HK_RING_GONE);
		avail = 0;
		flags = HK_RING_DONE;
	}
	if (avail == 0) {
		if (!(flags & HK_RING_DONE) && e->out_done && peer_closed(e->fd)) {
			set_flag(e, e->in, HK_RING_GONE);   /* nobody left to read what may come */
			e->in_done = 1;
			return 1;
		}
		if (!(flags & HK_RING_DONE))
			return 0;
		shutdown(e->fd, SHUT_WR);   /* end of file for our socket's reader */
		e->in_done = 1;
		return 1;
	}
	m.msg_iovlen = (size_t)pieces(e->in_data, e->in_tail, avail, iov);
	n = sendmsg(e->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		e->write_blocked = 1;
		return 0;
	}
	if (n < 0) {   /* our socket's reader is gone: tell the producer */
		set_flag(e, e->in, HK_RING_GONE);
		e->in_done = 1;
		return 1;
	}
	e->in_tail += (uint32_t)n;
	atomic_store_explicit(&e->in->tail, e->in_tail, memory_order_release);
	moved(e, e->in);
	return 1;
}

int hk_end_pump(struct hk_end *e)
{
	int any = 0, more, rounds = 0;

	do {
		more = pump_out(e);
		more |= pump_in(e);
		any |= more;
	} while (more && !e->bell_due && ++rounds < PUMP_ROUNDS);   /* a due doorbell rings first */
	return any;
}

/* Host: ask to be woken when @r moves, then look again. Returns: nonzero when it already did. */
static int ask_wake(struct hk_ring *r, uint32_t seen_head, uint32_t seen_tail, uint32_t seen_flags)
{
	atomic_store_explicit(&r->wake, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	return shm_watch(&r->head) != seen_head || shm_watch(&r->tail) != seen_tail ||
	       shm_watch(&r->flags) != seen_flags;
}

short hk_end_events(struct hk_end *e, int *busy)
{
	short ev = 0;

	shm_begin("a ring's events");
	if (!e->out_done) {
		uint32_t tail = shm_acquire(&e->out->tail);
		uint32_t flags = shm_acquire(&e->out->flags);
		if (e->out_head - tail < HK_RING_SIZE)
			ev |= POLLIN;
		else if (e->is_host && ask_wake(e->out, e->out_head, tail, flags))
			*busy = 1;
	}
	if (!e->in_done) {
		uint32_t flags = shm_acquire(&e->in->flags);
		uint32_t head = shm_acquire(&e->in->head);
		if (e->write_blocked)
			ev |= POLLOUT;
		else if (head != e->in_tail || (flags & HK_RING_DONE))
			*busy = 1;
		else if (e->is_host && ask_wake(e->in, head, e->in_tail, flags))
			*busy = 1;
	}
	return ev;
}

int hk_end_finished(const struct hk_end *e)
{
	return e->out_done && e->in_done;
}
