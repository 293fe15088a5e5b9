/* hostile.h: what the hcgen tests share: an in-process loopback for the guest stubs, and hostile block mutations. */
#ifndef HCGEN_TEST_HOSTILE_H
#define HCGEN_TEST_HOSTILE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hcgen.h"
#include "hostcall.h"

/*
 * The loopback plays the runtime: hc_module_block() lends a block area,
 * hc_module_call() copies the block into an exact-size private copy (as the
 * shadow does, so ASan sees any read past it), runs hcg_module's function and
 * copies the answer back. The last valid block is kept for the hostile tests.
 */
static uint8_t loop_area[HCG_BLOCK_MAX] __attribute__((aligned(8)));
static uint8_t *last_block;
static uint32_t last_len, last_func;

static int loop_handle_fd(void *shadow, int32_t h)
{
	(void)shadow;
	return h >= 0 && h < 1024 ? h : -EBADF;
}

static const struct hcg_host loop_host = { NULL, loop_handle_fd };

/* corpus_save - with $HCGEN_CORPUS set, keep the block as a fuzz seed: the function's byte, then the block. */
static void corpus_save(uint32_t func, const uint8_t *b, size_t len)
{
	const char *dir = getenv("HCGEN_CORPUS");
	char path[4096];
	FILE *f;
	uint8_t k = (uint8_t)func;

	if (dir == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s-%u-%zu", dir, hcg_module.name, func, len);
	if ((f = fopen(path, "w")) == NULL)
		return;
	fwrite(&k, 1, 1, f);
	fwrite(b, 1, len, f);
	fclose(f);
}

int hc_module_open(struct hc_session *s, const char *name, const uint8_t *hash)
{
	char err[256];

	(void)s;
	if (strcmp(name, hcg_module.name) != 0)
		return -ENOENT;
	if (memcmp(hash, hcg_module.hash, HCG_HASH_LEN) != 0)
		return -EPROTO;
	return hcg_module.bind(err, sizeof err) < 0 ? -ENOEXEC : 0;
}

void *hc_module_block(struct hc_session *s, size_t *cap)
{
	(void)s;
	*cap = sizeof loop_area;
	return loop_area;
}

int hc_module_call(struct hc_session *s, int module, uint32_t func, size_t len)
{
	uint8_t *copy;
	int r;

	(void)s;
	if (module != 0 || func >= hcg_module.nfuncs || len > HCG_BLOCK_MAX)
		return -EINVAL;
	copy = malloc(len ? len : 1);
	memcpy(copy, loop_area, len);
	free(last_block);
	last_block = malloc(len ? len : 1);
	memcpy(last_block, loop_area, len);
	last_len = (uint32_t)len;
	last_func = func;
	if (len <= 65536)
		corpus_save(func, loop_area, len);
	r = hcg_module.funcs[func].call(&loop_host, copy, (uint32_t)len);
	if (r == 0)
		memcpy(loop_area, copy, len);
	free(copy);
	return r;
}

static struct hc_session *loop_session(void)
{
	static int dummy;

	return (struct hc_session *)(void *)&dummy;
}

/* block_dup - an exact-size copy of @len bytes of @b, @extra more zeroed. */
static uint8_t *block_dup(const uint8_t *b, uint32_t len, uint32_t extra)
{
	uint8_t *p = calloc(1, (size_t)len + extra + 1);

	memcpy(p, b, len);
	return p;
}

static inline struct hcg_region region_get(const uint8_t *b, uint32_t at)
{
	struct hcg_region r;

	memcpy(&r, b + at, sizeof r);
	return r;
}

static inline void region_set(uint8_t *b, uint32_t at, struct hcg_region r)
{
	memcpy(b + at, &r, sizeof r);
}

typedef int validator(const uint8_t *block, uint32_t len);

/* expect_refused - @v refuses block @b of @len bytes (freed here). */
static inline void expect_refused(validator *v, uint8_t *b, uint32_t len, const char *what)
{
	int r = v(b, len);

	if (r != -EINVAL)
		fail_msg("not refused: %s (got %d)", what, r);
	free(b);
}

/* hostile_short - every block shorter than the fixed part is refused. */
static inline void hostile_short(validator *v, const uint8_t *b, uint32_t fixed)
{
	for (uint32_t n = 0; n < fixed; n++)
		expect_refused(v, block_dup(b, n, 0), n, "a block shorter than the fixed part");
}

/*
 * hostile_regions - mutate each region descriptor at @at[0..n) of the valid
 * block @b; @exact: its length is fixed by the declaration, one byte less too is refused.
 */
static inline void hostile_regions(validator *v, const uint8_t *b, uint32_t len, const uint32_t *at, int n,
			    int exact)
{
	assert_int_equal(v(b, len), 0);
	for (int i = 0; i < n; i++) {
		struct hcg_region r = region_get(b, at[i]), m;
		uint8_t *c;

		for (int k = 0; k < 10; k++) {
			m = r;
			switch (k) {
			case 0: m.off = 0xFFFFFFF8u; break;
			case 1: m.off = 0xFFFFFFFCu; m.len = 8; break;
			case 2: m.len = 0xFFFFFFFFu; break;
			case 3: m.off += 4; break;
			case 4: m.off = 0; break;
			case 5: m.off = 8; break;
			case 6: if (!r.len) continue; m.off = len; break;
			case 7: if (!r.len) continue; m.off += 8; break;
			case 8: m.len += 8; break;
			case 9: if (!r.len || !exact) continue; m.len -= 1; break;
			}
			c = block_dup(b, len, 0);
			region_set(c, at[i], m);
			if (v(c, len) != -EINVAL)
				fail_msg("region %d mutation %d (off %u len %u) not refused", i, k, m.off, m.len);
			free(c);
		}
	}
}

/* hostile_overlap - region @a moved onto region @bb of the valid block is refused. */
static inline void hostile_overlap(validator *v, const uint8_t *b, uint32_t len, uint32_t a, uint32_t bb)
{
	uint8_t *c = block_dup(b, len, 0);
	struct hcg_region ra = region_get(b, a), rb = region_get(b, bb);

	ra.off = rb.off;
	region_set(c, a, ra);
	expect_refused(v, c, len, "overlapping regions");
}

/* hostile_value - the 64- or 32-bit length value at @at set to @val is refused. */
static inline void hostile_value(validator *v, const uint8_t *b, uint32_t len, uint32_t at, int width,
			  uint64_t val)
{
	uint8_t *c = block_dup(b, len, 0);
	uint32_t v32 = (uint32_t)val;

	if (width == 8)
		memcpy(c + at, &val, 8);
	else
		memcpy(c + at, &v32, 4);
	expect_refused(v, c, len, "a length value out of bounds");
}

#endif
