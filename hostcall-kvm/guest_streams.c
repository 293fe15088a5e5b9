/*
 * guest_streams.c: the guest pumps its ends of a channel's streams in one
 * thread per process: nothing interrupts the guest, so the thread polls the
 * rings: without sleeping for a moment after they last moved, then at growing
 * intervals up to a millisecond, and sleeps when there are none. A forked
 * child that opens streams starts a thread of its own.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "guest_streams.h"
#include "io.h"

#define SPIN_NS 200000L         /* the host empties a full ring in tens of µs; a guest sleep lasts 100 */
#define POLL_MIN_NS 20000L
#define POLL_MAX_NS 1000000L    /* an idle stream costs a wake-up a millisecond */

void hk_guest_streams_init(struct hk_guest_streams *g, struct hk_channel *c, int vector,
			   uint32_t gen, const struct hk_doorbell *bell)
{
	memset(g, 0, sizeof(*g));
	g->c = c;
	g->claim_gen = gen;
	g->vector = vector;
	g->bell = bell;
	g->wake_fd = -1;
	g->pid = getpid();
	pthread_mutex_init(&g->lock, NULL);
}

/* Interrupt the pump thread's sleep: a stream was added, or it must stop. */
static void wake(struct hk_guest_streams *g)
{
	uint64_t one = 1;

	if (write(g->wake_fd, &one, sizeof(one)) < 0)
		(void)0;   /* the counter is full: the thread is waking anyway */
}

static void let_go(struct hk_guest_streams *g, int i)
{
	close(g->s[i].end.fd);
	g->s[i].used = 0;
	atomic_fetch_or_explicit(&hk_slot_at(g->c, i)->released, HK_END_GUEST,
				 memory_order_release);
}

/* The session is over (the shadow died, or the channel was taken back): so is every stream. */
static void end_all(struct hk_guest_streams *g)
{
	for (int i = 0; i < HK_STREAMS; i++) {
		if (!g->s[i].used)
			continue;
		shutdown(g->s[i].end.fd, SHUT_RDWR);   /* end of file and EPIPE, as a reset would */
		close(g->s[i].end.fd);
		g->s[i].used = 0;   /* the slots are no longer ours to touch */
	}
}

/* One pass over every stream. Returns: how many fds were put in @p; *@moved, *@ring set. */
static int pass(struct hk_guest_streams *g, struct pollfd *p, int *moved, int *ring)
{
	int n = 0, busy = 0;

	if (!hk_still_ours(g->c, g->claim_gen)) {
		end_all(g);
		return 0;
	}
	for (int i = 0; i < HK_STREAMS; i++) {
		struct hk_end *e = &g->s[i].end;
		short ev;
		if (!g->s[i].used)
			continue;
		*moved |= hk_end_pump(e);
		*ring |= e->bell_due;
		e->bell_due = 0;
		if (hk_end_finished(e)) {
			let_go(g, i);
			*ring = 1;
			continue;
		}
		ev = hk_end_events(e, &busy);
		p[n++] = (struct pollfd){ ev ? e->fd : -1, ev, 0 };
	}
	*moved |= busy;
	return n;
}

static void sleep_on(struct hk_guest_streams *g, struct pollfd *p, int n, long wait_ns)
{
	struct timespec ts = { 0, wait_ns };
	uint64_t v;

	p[n] = (struct pollfd){ g->wake_fd, POLLIN, 0 };
	ppoll(p, (nfds_t)n + 1, wait_ns < 0 ? NULL : &ts, NULL);
	if (p[n].revents && read(g->wake_fd, &v, sizeof(v)) < 0)
		(void)0;   /* non-blocking: another pass drained it */
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Within SPIN_NS of the rings last moving: look again at once. */
static int spinning(int64_t *last_moved, int moved, int n)
{
	int64_t now = now_ns();

	if (moved)
		*last_moved = now;
	return n > 0 && now - *last_moved < SPIN_NS;
}

static long next_wait(long wait_ns, int spin, int n)
{
	if (spin)
		return 0;
	if (n == 0)
		return -1;                      /* no streams: until one is added */
	if (wait_ns <= 0)
		return POLL_MIN_NS;
	return wait_ns * 2 > POLL_MAX_NS ? POLL_MAX_NS : wait_ns * 2;
}

static void *pump_thread(void *arg)
{
	struct hk_guest_streams *g = arg;
	struct pollfd p[HK_STREAMS + 1];
	long wait_ns = 0;
	int64_t last_moved = 0;

	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);   /* its short sleeps are meant: no 50 µs slack */
	pthread_mutex_lock(&g->lock);
	while (!g->stop) {
		int moved = 0, ring = 0, n = pass(g, p, &moved, &ring);
		pthread_mutex_unlock(&g->lock);
		if (ring)
			g->bell->ring(g->bell->ctx, g->vector);
		if ((wait_ns = next_wait(wait_ns, spinning(&last_moved, moved, n), n)) != 0)
			sleep_on(g, p, n, wait_ns);
		else if (!moved)
			sched_yield();   /* on one vCPU, the reader of what we moved goes first */
		pthread_mutex_lock(&g->lock);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

/* The thread takes no signals: they belong to the program's own threads. */
static int start(struct hk_guest_streams *g)
{
	sigset_t all, old;
	int r;

	if ((g->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		return -errno;
	if ((g->wake_fd = hc_fd_lift(g->wake_fd, HC_FD_FLOOR)) < 0)
		return g->wake_fd;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&g->thread, NULL, pump_thread, g);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		close(g->wake_fd);
		g->wake_fd = -1;
		return -r;
	}
	g->started = 1;
	return 0;
}

/* In a forked child: the parent's thread, lock and streams are not ours; close our copies. */
static void forget_parent(struct hk_guest_streams *g)
{
	for (int i = 0; i < HK_STREAMS; i++)
		if (g->s[i].used)
			close(g->s[i].end.fd);
	if (g->wake_fd >= 0)
		close(g->wake_fd);
	memset(g->s, 0, sizeof(g->s));
	g->wake_fd = -1;
	g->started = 0;
	g->stop = 0;
	g->pid = getpid();
	g->pid_start = 0;
	pthread_mutex_init(&g->lock, NULL);
}

static void mark_pumper(struct hk_guest_streams *g, uint32_t slot)
{
	struct hk_slot *s = hk_slot_at(g->c, (int)slot);

	if (!g->pid_start)
		g->pid_start = hk_process_start(g->pid);
	s->pump_start = g->pid_start;
	s->pump_pid = (uint32_t)g->pid;
}

static int slot_handed_out(struct hk_guest_streams *g, uint32_t slot, uint32_t gen)
{
	return slot < HK_STREAMS && !g->s[slot].used &&
	       atomic_load_explicit(&hk_slot_at(g->c, (int)slot)->gen, memory_order_acquire) == gen;
}

int hk_guest_streams_add(struct hk_guest_streams *g, uint32_t slot, uint32_t gen, int *fd)
{
	int sv[2], r = 0;

	if (g->pid != getpid())
		forget_parent(g);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -errno;
	if ((sv[1] = hc_fd_lift(sv[1], HC_FD_FLOOR)) < 0) {   /* ours: out of the program's way */
		close(sv[0]);
		return sv[1];
	}
	pthread_mutex_lock(&g->lock);
	if (!slot_handed_out(g, slot, gen))
		r = -EPROTO;
	else if (!g->started)
		r = start(g);
	if (r == 0) {
		mark_pumper(g, slot);
		hk_end_init(&g->s[slot].end, sv[1], g->c, (int)slot, 0);
		g->s[slot].used = 1;
	}
	pthread_mutex_unlock(&g->lock);
	if (r != 0) {
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	wake(g);
	*fd = sv[0];
	return 0;
}

void hk_guest_streams_sweep(struct hk_guest_streams *g)
{
	int swept = 0;

	for (int i = 0; i < HK_STREAMS; i++) {
		struct hk_slot *s = hk_slot_at(g->c, i);
		pid_t pid = (pid_t)s->pump_pid;
		if (pid <= 0 || pid == getpid() ||
		    (atomic_load_explicit(&s->released, memory_order_acquire) & HK_END_GUEST) ||
		    hk_process_alive(pid, s->pump_start))
			continue;
		atomic_fetch_or_explicit(&s->to_host.flags, HK_RING_DONE, memory_order_release);
		atomic_fetch_or_explicit(&s->to_guest.flags, HK_RING_GONE, memory_order_release);
		atomic_fetch_or_explicit(&s->released, HK_END_GUEST, memory_order_release);
		s->pump_pid = 0;
		swept = 1;
	}
	if (swept)
		g->bell->ring(g->bell->ctx, g->vector);
}

void hk_guest_streams_stop(struct hk_guest_streams *g)
{
	if (g->pid != getpid()) {
		forget_parent(g);
	} else if (g->started) {
		pthread_mutex_lock(&g->lock);
		g->stop = 1;
		pthread_mutex_unlock(&g->lock);
		wake(g);
		pthread_join(g->thread, NULL);
		close(g->wake_fd);
		g->started = 0;
	}
	for (int i = 0; i < HK_STREAMS; i++)
		if (g->s[i].used)
			let_go(g, i);
	pthread_mutex_destroy(&g->lock);
}
