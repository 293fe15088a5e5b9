/* shm_fake.c: the HK_SHM_FUZZ hooks of shm_access.h over fake shared memory, as QEMU's device fuzzing does it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "layout.h"
#include "shm_access.h"
#include "shm_fake.h"

#define READS_MAX 256   /* reads of one handling remembered */

struct read_rec {
	size_t off, len;
	const char *expr;
};

static struct {
	uint8_t *mem;
	size_t size;
	const uint8_t *feed;
	size_t feed_len, feed_at;
	const char *handling;
	struct read_rec reads[READS_MAX];
	int nreads;
	unsigned long total;
} fake;

void *shm_fake_map(int nchannels)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *m;

	if (fake.mem)
		return fake.mem;
	fake.size = HK_HEADER_SIZE + (size_t)nchannels * HK_CHANNEL_SIZE;
	m = mmap(NULL, fake.size + 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m + page, fake.size, PROT_READ | PROT_WRITE) != 0) {
		perror("shm_fake_map");
		abort();
	}
	fake.mem = m + page;
	return fake.mem;
}

void shm_fake_feed(const uint8_t *data, size_t size)
{
	fake.feed = data;
	fake.feed_len = size;
	fake.feed_at = 0;
	fake.nreads = 0;
	fake.total = 0;
	fake.handling = "the harness";
}

size_t shm_fake_left(void)
{
	return fake.feed_len - fake.feed_at;
}

unsigned long shm_fake_reads(void)
{
	return fake.total;
}

/* Fresh bytes for one read: the feed's next ones, then zeros. */
static void take(void *dst, size_t n)
{
	size_t have = shm_fake_left() < n ? shm_fake_left() : n;

	if (have)
		memcpy(dst, fake.feed + fake.feed_at, have);
	memset((uint8_t *)dst + have, 0, n - have);
	fake.feed_at += have;
}

uint32_t shm_fake_take32(void)
{
	uint32_t v;

	take(&v, sizeof(v));
	return v;
}

/* A slot's or a ring's part of a channel, named. */
static void name_slot(char *out, size_t cap, size_t off)
{
	static const char *const part[] = { "gen", "released", "pump_pid", "reserved",
					    "pump_start", "pump_start+4", "to_host.head",
					    "to_host.tail", "to_host.flags", "to_host.wake",
					    "to_guest.head", "to_guest.tail", "to_guest.flags",
					    "to_guest.wake", "pad", "pad+4" };
	size_t in = (off - HK_SLOTS_OFFSET) % sizeof(struct hk_slot);

	snprintf(out, cap, "slot[%zu].%s", (off - HK_SLOTS_OFFSET) / sizeof(struct hk_slot),
		 part[in / 4]);
}

/* The field at @off of a channel. */
static void name_in_channel(char *out, size_t cap, size_t off)
{
	static const char *const field[] = { "state", "req_seq", "resp_seq", "proc", "len",
					     "status", "owner_peer", "owner_pid", "owner_start",
					     "owner_start+4", "generation", "owner_boot" };

	if (off < 4 * (sizeof(field) / sizeof(field[0])))
		snprintf(out, cap, "%s", field[off / 4]);
	else if (off < HK_MSG_OFFSET)
		snprintf(out, cap, "reserved+%zu", off - 48);
	else if (off < HK_SLOTS_OFFSET)
		snprintf(out, cap, "msg+%zu", off - HK_MSG_OFFSET);
	else if (off < HK_SLOTS_OFFSET + HK_STREAMS * sizeof(struct hk_slot))
		name_slot(out, cap, off);
	else if (off >= HK_RINGS_OFFSET)
		snprintf(out, cap, "ring data %zu (%s) +%zu", (off - HK_RINGS_OFFSET) / HK_RING_SIZE / 2,
			 (off - HK_RINGS_OFFSET) / HK_RING_SIZE % 2 ? "to guest" : "to host",
			 (off - HK_RINGS_OFFSET) % HK_RING_SIZE);
	else
		snprintf(out, cap, "between slots and rings +%zu", off - HK_SLOTS_OFFSET);
}

/* The field of the fake memory at @off, as layout.h names it. */
static const char *field_name(size_t off)
{
	static char name[128];
	char in[96];

	if (off < HK_HEADER_SIZE) {
		snprintf(name, sizeof(name), "header+%zu", off);
		return name;
	}
	name_in_channel(in, sizeof(in), (off - HK_HEADER_SIZE) % HK_CHANNEL_SIZE);
	snprintf(name, sizeof(name), "channel[%zu].%s", (off - HK_HEADER_SIZE) / HK_CHANNEL_SIZE, in);
	return name;
}

/* Where @p lies in the fake memory; outside it, @n bytes at @p end the run. */
static size_t offset_of(const volatile void *p, size_t n, const char *expr)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)p;

	if (!fake.mem || b < fake.mem || n > fake.size || (size_t)(b - fake.mem) > fake.size - n) {
		fprintf(stderr, "shm_fake: %s: %zu bytes at %p lie outside the shared memory [%p, +%zu)\n",
			expr, n, (const void *)b, (void *)fake.mem, fake.size);
		abort();
	}
	return (size_t)(b - fake.mem);
}

/* A second read of bytes this handling read already: a double fetch. */
static void check_once(size_t off, size_t n, const char *expr)
{
	for (int i = 0; i < fake.nreads; i++) {
		const struct read_rec *r = &fake.reads[i];
		if (off < r->off + r->len && r->off < off + n) {
			fprintf(stderr, "shm_fake: double fetch of %s (%s, %zu bytes) in %s: "
				"read before as %s\n", field_name(off > r->off ? off : r->off), expr, n,
				fake.handling, r->expr);
			abort();
		}
	}
	if (fake.nreads < READS_MAX)
		fake.reads[fake.nreads++] = (struct read_rec){ off, n, expr };
}

uint32_t hk_shm_fuzz_load(const volatile void *p, int how, const char *expr)
{
	size_t off = offset_of(p, 4, expr);
	uint32_t v;

	if (how == HK_SHM_ONCE)
		check_once(off, 4, expr);
	fake.total++;
	take(&v, sizeof(v));
	return v;
}

void hk_shm_fuzz_copy_in(void *dst, const volatile void *src, size_t n, const char *expr)
{
	size_t off = offset_of(src, n, expr);

	check_once(off, n, expr);
	fake.total++;
	take(dst, n);
}

/* Which part of a channel @off lies in: the control block and message, a slot, one ring. */
static size_t part_of(size_t off)
{
	size_t in = (off - HK_HEADER_SIZE) % HK_CHANNEL_SIZE;

	if (off < HK_HEADER_SIZE)
		return 0;
	if (in < HK_SLOTS_OFFSET)
		return 1;
	if (in < HK_RINGS_OFFSET)
		return 2;
	return 3 + (in - HK_RINGS_OFFSET) / HK_RING_SIZE;
}

void hk_shm_fuzz_span(const volatile void *p, size_t n, const char *expr)
{
	size_t off = offset_of(p, n, expr);
	char from[128];

	if (n && (part_of(off) != part_of(off + n - 1) ||
		  (off - HK_HEADER_SIZE) / HK_CHANNEL_SIZE != (off + n - 1 - HK_HEADER_SIZE) / HK_CHANNEL_SIZE)) {
		snprintf(from, sizeof(from), "%s", field_name(off));
		fprintf(stderr, "shm_fake: %s: %zu bytes from %s run out of it into %s\n", expr, n,
			from, field_name(off + n - 1));
		abort();
	}
}

void hk_shm_fuzz_begin(const char *what)
{
	fake.handling = what;
	fake.nreads = 0;
}
