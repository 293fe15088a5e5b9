/* shm_rewrite.c: a thread rewrites a channel as fast as it can while the host's side works on it: no crash, no hang, nothing outside it touched. */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "channel.h"
#include "kvm_conn.h"
#include "kvm_host.h"
#include "log.h"
#include "shadow.h"
#include "shm_dispatch.h"

#define STREAMS 4
#define CALL_MAX_MS 1500    /* one wake-up of the host's side returns within this, whatever the guest does */

/* The memory the guest shares: the header and one channel, between inaccessible guard pages. */
static uint8_t *mem;
static size_t mem_size;
static double seconds = 2;

enum scribble { SCRIBBLE_CONTROL, SCRIBBLE_REQUESTS, SCRIBBLE_RINGS, SCRIBBLE_HEADER };

struct rewriter {
	pthread_t thread;
	enum scribble what;
	_Atomic int stop;
	int64_t deadline_ms;     /* it stops by itself then, should the host's side never return */
	unsigned long writes;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

static struct hk_channel *chan(void)
{
	return hk_channel_at(mem, 0);
}

static void put32(void *at, uint32_t v)
{
	*(volatile uint32_t *)at = v;
}

/* A word the host validates, or a random byte anywhere in the first page of the message. */
static void scribble_control(uint64_t *s)
{
	uint8_t *c = (uint8_t *)chan();
	uint32_t r = next_random(s);

	if (r & 1)
		put32(c + 4 * (r >> 1 & 15), next_random(s) >> (r >> 5 & 31));   /* small and huge values */
	else
		((volatile uint8_t *)c)[HK_MSG_OFFSET + (r >> 1) % 4096] = (uint8_t)(r >> 13);
}

/* A guest that asks again and again, well formed (the host copies the most), and never waits. */
static void scribble_requests(uint64_t *s)
{
	struct hk_channel *c = chan();

	(void)s;
	atomic_store_explicit(&c->state, HK_CLAIMED, memory_order_relaxed);
	put32(&c->len, HK_MSG_MAX);
	put32(&c->proc, HC_NULL);
	atomic_fetch_add_explicit(&c->req_seq, 1, memory_order_release);
}

/* Slot state, ring indices and flags, and ring bytes. */
static void scribble_rings(uint64_t *s)
{
	uint32_t r = next_random(s), i = r % STREAMS;
	uint8_t *slot = (uint8_t *)hk_slot_at(chan(), (int)i);

	if (r & 0x100)
		put32(slot + 4 * (r >> 9 & 15), next_random(s) >> (r >> 13 & 31));
	else
		hk_ring_data(chan(), (int)i, r >> 9 & 1)[(r >> 10) % HK_RING_SIZE] = (uint8_t)r;
}

static void scribble_header(uint64_t *s)
{
	uint32_t r = next_random(s);

	if (r & 1)
		put32(mem + 4 * (r >> 1 & 15), next_random(s));
	else
		atomic_store_explicit(&chan()->state, r >> 1 & 3, memory_order_relaxed);
}

static void *rewrite(void *arg)
{
	struct rewriter *w = arg;
	uint64_t s = 0x9e3779b97f4a7c15ull ^ (uint64_t)w->what;

	while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
		if ((w->writes & 1023) == 0 && now_ms() > w->deadline_ms)
			break;
		if (w->what == SCRIBBLE_CONTROL)
			scribble_control(&s);
		else if (w->what == SCRIBBLE_REQUESTS)
			scribble_requests(&s);
		else if (w->what == SCRIBBLE_RINGS)
			scribble_rings(&s);
		else
			scribble_header(&s);
		w->writes++;
	}
	return NULL;
}

static void rewriter_start(struct rewriter *w, enum scribble what)
{
	memset(w, 0, sizeof(*w));
	w->what = what;
	w->deadline_ms = now_ms() + (int64_t)(seconds * 1000) + 2 * CALL_MAX_MS;
	assert_int_equal(pthread_create(&w->thread, NULL, rewrite, w), 0);
}

static unsigned long rewriter_stop(struct rewriter *w)
{
	atomic_store(&w->stop, 1);
	assert_int_equal(pthread_join(w->thread, NULL), 0);
	return w->writes;
}

/* The host's side of a session on the channel, as run_kvm_shadow sets it up. */
struct host_side {
	struct shadow *sh;
	void *conn;
	int efd;
};

static void host_side_open(struct host_side *h)
{
	h->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(h->efd >= 0);
	h->conn = kvm_conn_new(chan(), h->efd);
	assert_non_null(h->conn);
	h->sh = shm_dispatch_shadow();
	shadow_set_conn(h->sh, &kvm_conn_ops, h->conn);
}

static void host_side_close(struct host_side *h)
{
	kvm_conn_ops.close(h->conn);
	shm_dispatch_free(h->sh);
}

/* A fresh, well-formed request from the guest: then the rewriter has its way. */
static void guest_asks(uint32_t seq)
{
	struct hk_channel *c = chan();

	atomic_store(&c->state, HK_CLAIMED);
	put32(&c->len, 0);
	put32(&c->proc, HC_NULL);
	atomic_store(&c->req_seq, seq);
}

/* One wake-up of the shadow, timed. Returns: how long it took. */
static int64_t timed_serve(struct host_side *h, int *r)
{
	int64_t t0 = now_ms();

	kvm_conn_ops.pump(h->conn);
	*r = kvm_conn_ops.serve(h->conn, h->sh);
	kvm_conn_ops.hung_up(h->conn);
	return now_ms() - t0;
}

static void kvm_serve__channel_rewritten_at_random__each_call_ends(void **state)
{
	struct host_side h;
	struct rewriter w;
	unsigned long calls = 0, errors = 0;
	int64_t end, longest = 0;
	int r;

	(void)state;
	host_side_open(&h);
	rewriter_start(&w, SCRIBBLE_CONTROL);
	for (end = now_ms() + (int64_t)(seconds * 1000); now_ms() < end; calls++) {
		int64_t took;
		guest_asks((uint32_t)calls + 1);
		if ((took = timed_serve(&h, &r)) > longest)
			longest = took;
		errors += r < 0;
	}
	printf("shm_rewrite: %lu guest writes, %lu calls, %lu ended the session, longest %lld ms\n",
	       rewriter_stop(&w), calls, errors, (long long)longest);
	assert_true(longest < CALL_MAX_MS);
	host_side_close(&h);
}

static void kvm_serve__requests_without_end__returns_to_its_loop(void **state)
{
	struct host_side h;
	struct rewriter w;
	int64_t end, longest = 0;
	int r;

	(void)state;
	host_side_open(&h);
	rewriter_start(&w, SCRIBBLE_REQUESTS);
	for (end = now_ms() + (int64_t)(seconds * 1000); now_ms() < end;) {
		int64_t took = timed_serve(&h, &r);
		if (took > longest)
			longest = took;
	}
	printf("shm_rewrite: %lu requests asked, longest wake-up %lld ms\n", rewriter_stop(&w),
	       (long long)longest);
	assert_true(longest < CALL_MAX_MS);
	host_side_close(&h);
}

/* The host programs' ends of the streams: written to and drained, without blocking. */
static void programs_move(int *prog, int n, uint64_t *s)
{
	static char buf[8192];

	for (int i = 0; i < n; i++) {
		if (send(prog[i], buf, 1 + next_random(s) % sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			(void)0;   /* full, or the pump let go */
		while (recv(prog[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
}

static int open_streams(struct host_side *h, int *prog)
{
	int n = 0;

	for (int i = 0; i < STREAMS; i++) {
		hc_stream_res res;
		memset(&res, 0, sizeof(res));
		kvm_conn_ops.stream_create(h->conn, h->sh, &res);
		if (res.err == HC_OK)
			prog[n++] = handles_fd(&h->sh->handles, res.hc_stream_res_u.ticket.handle);
	}
	return n;
}

static void kvm_pump__rings_rewritten_at_random__each_pass_ends(void **state)
{
	struct pollfd p[SHADOW_CONN_POLL_MAX];
	struct host_side h;
	struct rewriter w;
	int prog[STREAMS], n, busy;
	int64_t end, longest = 0;
	unsigned long passes = 0;
	uint64_t s = 1;

	(void)state;
	host_side_open(&h);
	n = open_streams(&h, prog);
	assert_int_equal(n, STREAMS);
	rewriter_start(&w, SCRIBBLE_RINGS);
	for (end = now_ms() + (int64_t)(seconds * 1000); now_ms() < end; passes++) {
		int64_t t0 = now_ms();
		programs_move(prog, n, &s);
		kvm_conn_ops.pump(h.conn);
		kvm_conn_ops.pollfds(h.conn, p, SHADOW_CONN_POLL_MAX, &busy);
		if (now_ms() - t0 > longest)
			longest = now_ms() - t0;
	}
	printf("shm_rewrite: %lu guest writes, %lu pump passes, longest %lld ms\n", rewriter_stop(&w),
	       passes, (long long)longest);
	assert_true(longest < CALL_MAX_MS);
	host_side_close(&h);
}

static void kvm_host_on_doorbell__header_rewritten__heals_and_returns(void **state)
{
	struct kvm_host k;
	struct rewriter w;
	unsigned long rings = 0, claimed = 0;
	int64_t end;

	(void)state;
	memset(&k, 0, sizeof(k));
	k.on = 1;
	k.ivs.mem = mem;
	k.ivs.size = hk_total_size(1);
	k.ivs.nvectors = 1;
	k.ivs.host_efd[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(k.ivs.host_efd[0] >= 0);
	rewriter_start(&w, SCRIBBLE_HEADER);
	for (end = now_ms() + (int64_t)(seconds * 1000); now_ms() < end; rings++)
		claimed += kvm_host_on_doorbell(&k, 0);
	printf("shm_rewrite: %lu guest writes, %lu doorbells, %lu claims seen\n", rewriter_stop(&w),
	       rings, claimed);
	hk_layout_heal(mem, k.ivs.size, 1, 0);
	assert_int_equal(hk_layout_check(mem, mem_size), 1);
	close(k.ivs.host_efd[0]);
}

static int map_memory(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const char *env = getenv("SHM_REWRITE_SECONDS");
	uint8_t *m;

	(void)state;
	if (env && atof(env) > 0)
		seconds = atof(env);
	hc_log_init("shm_rewrite", HC_LOG_ERR, 0);
	mem_size = HK_HEADER_SIZE + HK_CHANNEL_SIZE;
	m = mmap(NULL, mem_size + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m + page, mem_size, PROT_READ | PROT_WRITE) != 0)
		return -1;
	mem = m + page;
	hk_layout_init(mem, hk_total_size(1), 1, 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kvm_serve__channel_rewritten_at_random__each_call_ends),
		cmocka_unit_test(kvm_serve__requests_without_end__returns_to_its_loop),
		cmocka_unit_test(kvm_pump__rings_rewritten_at_random__each_pass_ends),
		cmocka_unit_test(kvm_host_on_doorbell__header_rewritten__heals_and_returns),
	};

	return cmocka_run_group_tests(tests, map_memory, NULL);
}
