/* channel.c: claiming channels, one call at a time through them, and noticing dead owners. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "shm_access.h"

#define SPIN_NS 50000L            /* a fast answer comes within this: no sleep at all */
#define SLEEP_MIN_NS 20000L
#define SLEEP_MAX_NS 4000000L     /* doubling stops here: a wake-up every 4 ms, 1.5-4.4 % of a TCG vCPU */
#define LATE_SHARE 16             /* past that, a sleep may be 1/16 of the time waited so far, */
#define SLEEP_LONG_NS 20000000L   /* up to 20 ms: a call of seconds costs 50 wake-ups a second */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- the guest's half ---- */

uint64_t hk_process_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after "pid (comm)": state is field 3, starttime field 22 */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
			 "%*d %*d %*d %*d %llu", &start) != 1)
		return 0;
	return start ? start : 1;
}

/* This boot of the (guest) kernel: a hash of its boot_id, never 0. */
static uint32_t this_boot(void)
{
	static uint32_t boot;
	char id[64] = "";
	FILE *f;

	if (boot)
		return boot;
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "re"))) {
		if (!fgets(id, sizeof(id), f))
			id[0] = '\0';
		fclose(f);
	}
	boot = 2166136261u;   /* FNV-1a */
	for (const char *p = id; *p; p++)
		boot = (boot ^ (uint8_t)*p) * 16777619u;
	return boot ? boot : 1;
}

int hk_process_alive(pid_t pid, uint64_t start)
{
	if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
		return 0;
	return hk_process_start(pid) == start;
}

static int owner_alive(const struct hk_channel *c)
{
	if (c->owner_boot != this_boot())
		return 0;   /* claimed before the guest rebooted */
	return hk_process_alive((pid_t)c->owner_pid, c->owner_start);
}

int hk_sweep(void *mem, int n, uint32_t peer, const struct hk_doorbell *bell)
{
	int dead = 0;

	for (int i = 0; i < n; i++) {
		struct hk_channel *c = hk_channel_at(mem, i);
		uint32_t claimed = HK_CLAIMED;
		if (atomic_load_explicit(&c->state, memory_order_acquire) != HK_CLAIMED ||
		    c->owner_peer != peer || c->owner_start == 0 || owner_alive(c))
			continue;
		if (atomic_compare_exchange_strong(&c->state, &claimed, HK_DEAD)) {
			bell->ring(bell->ctx, i);
			dead++;
		}
	}
	return dead;
}

int hk_claim(void *mem, int n, uint32_t peer, const struct hk_doorbell *bell, uint32_t *gen)
{
	pid_t me = getpid();

	hk_sweep(mem, n, peer, bell);
	for (int i = 0; i < n; i++) {
		struct hk_channel *c = hk_channel_at(mem, i);
		uint32_t free_state = HK_FREE;
		if (!atomic_compare_exchange_strong(&c->state, &free_state, HK_CLAIMED))
			continue;
		c->owner_peer = peer;
		c->owner_pid = (uint32_t)me;
		c->owner_start = hk_process_start(me);
		c->owner_boot = this_boot();
		*gen = atomic_load_explicit(&c->generation, memory_order_acquire);
		atomic_thread_fence(memory_order_release);
		return i;
	}
	return -EBUSY;
}

/* Is channel @c still this claim's (the host frees it when its shadow is gone)? */
int hk_still_ours(struct hk_channel *c, uint32_t gen)
{
	return atomic_load_explicit(&c->state, memory_order_acquire) == HK_CLAIMED &&
	       atomic_load_explicit(&c->generation, memory_order_acquire) == gen;
}

void hk_close(void *mem, int i, uint32_t gen, const struct hk_doorbell *bell)
{
	struct hk_channel *c = hk_channel_at(mem, i);
	uint32_t claimed = HK_CLAIMED;

	if (hk_still_ours(c, gen) && atomic_compare_exchange_strong(&c->state, &claimed, HK_CLOSED))
		bell->ring(bell->ctx, i);
}

static void pause_a_little(long ns)
{
	struct timespec ts = { 0, ns };

	nanosleep(&ts, NULL);
}

/* The sleep after @sleep_ns, @waited ns into a call: an answer is seen at most ~6 % late. */
static long next_sleep(long sleep_ns, int64_t waited)
{
	long grown = sleep_ns * 2 > SLEEP_MAX_NS ? SLEEP_MAX_NS : sleep_ns * 2;
	int64_t share = waited / LATE_SHARE;

	if (share > grown)
		grown = share > SLEEP_LONG_NS ? SLEEP_LONG_NS : (long)share;
	return grown;
}

/* The answer's status and length, each read once: another process of the guest may write them. */
static ssize_t answer_of(const struct hk_channel *c)
{
	const volatile struct hk_channel *vc = c;
	int32_t status = vc->status;
	uint32_t len = vc->len;

	if (status < 0)
		return status;
	return len > HK_MSG_MAX ? -EPROTO : (ssize_t)len;
}

ssize_t hk_call(void *mem, int i, uint32_t gen, uint32_t proc, uint32_t len,
		const struct hk_doorbell *bell, int timeout_ms)
{
	struct hk_channel *c = hk_channel_at(mem, i);
	uint32_t seq = atomic_load_explicit(&c->req_seq, memory_order_relaxed) + 1;
	int64_t start = now_ns(), deadline = start + (int64_t)timeout_ms * 1000000;
	long sleep_ns = SLEEP_MIN_NS;

	if (len > HK_MSG_MAX)
		return -EMSGSIZE;
	if (!hk_still_ours(c, gen))
		return -ECONNRESET;
	c->proc = proc;
	c->len = len;
	atomic_store_explicit(&c->req_seq, seq, memory_order_release);
	bell->ring(bell->ctx, i);
	while (atomic_load_explicit(&c->resp_seq, memory_order_acquire) != seq) {
		int64_t now = now_ns();
		if (!hk_still_ours(c, gen))
			return -ECONNRESET;
		if (now >= deadline)
			return -ETIMEDOUT;
		if (now - start < SPIN_NS)
			continue;
		pause_a_little(sleep_ns);
		sleep_ns = next_sleep(sleep_ns, now - start);
	}
	return answer_of(c);
}

/* ---- the host's half ---- */

int hk_is_live(struct hk_channel *c)
{
	return shm_watch(&c->state) == HK_CLAIMED;
}

int hk_fetch(struct hk_channel *c, uint32_t seen, void *buf, uint32_t *proc, uint32_t *len,
	     uint32_t *seq)
{
	uint32_t s, l;   /* each field read once, into our own memory */

	shm_begin("a request");
	if (!hk_is_live(c))
		return -ECONNRESET;
	s = shm_acquire(&c->req_seq);
	if (s == seen)
		return 0;
	l = shm_get(&c->len);
	if (l > HK_MSG_MAX)
		return -ECONNRESET;   /* garbage: only this session ends */
	*proc = shm_get(&c->proc);
	shm_copy_in(buf, c->msg, l);
	*len = l;
	*seq = s;
	return 1;
}

void hk_answer(struct hk_channel *c, uint32_t seq, int status, const void *out, uint32_t len)
{
	if (status == 0 && len <= HK_MSG_MAX) {
		memcpy(c->msg, out, len);
		c->len = len;
	} else {
		c->len = 0;
		status = status ? status : -EMSGSIZE;
	}
	c->status = status;
	atomic_store_explicit(&c->resp_seq, seq, memory_order_release);
}

void hk_free(struct hk_channel *c)
{
	c->owner_peer = c->owner_pid = 0;
	c->owner_start = 0;
	c->owner_boot = 0;
	c->len = 0;
	c->status = 0;
	atomic_store_explicit(&c->req_seq, 0, memory_order_relaxed);
	atomic_store_explicit(&c->resp_seq, 0, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->generation, 1, memory_order_relaxed);
	atomic_store_explicit(&c->state, HK_FREE, memory_order_release);
}
