/* test_zlib.c: the zlib example's stubs through an in-process loopback against local zlib, and hostile blocks against its validators. */
#include "zlib_host.c"

#include "hostile.h"
#include "zlib_guest.h"

#include <zlib.h>

static uint8_t src[65536], out[70000], local[70000], back[65536];

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)("hostcall hcgen "[i % 15] ^ (i / 4096));
	return hcg_zlib_open(loop_session());
}

static void compress2__round_trip__equals_local(void **state)
{
	uint64_t n = sizeof out, m = sizeof back;
	uLongf ln = sizeof local;

	(void)state;
	assert_int_equal(host_compress2(out, &n, src, sizeof src, 6), Z_OK);
	assert_int_equal(compress2(local, &ln, src, sizeof src, 6), Z_OK);
	assert_int_equal(n, ln);
	assert_memory_equal(out, local, n);
	assert_int_equal(host_uncompress(back, &m, out, n), Z_OK);
	assert_int_equal(m, sizeof src);
	assert_memory_equal(back, src, sizeof src);
}

static void crc32__buffer__equals_local(void **state)
{
	(void)state;
	assert_int_equal(host_crc32(0, src, sizeof src), crc32(0, src, sizeof src));
	assert_int_equal(host_crc32(12345, src, 7), crc32(12345, src, 7));
	assert_int_equal(host_crc32(0, src, 0), crc32(0, src, 0));
}

static void compress2__over_max__e2big_no_call(void **state)
{
	static uint8_t big[(1 << 20) + 1];
	uint64_t n = sizeof out;

	(void)state;
	last_len = 0;
	errno = 0;
	assert_int_equal(host_compress2(out, &n, big, sizeof big, 6), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(last_len, 0);
	errno = 0;
	assert_int_equal(host_compress2(NULL, &n, src, 10, 6), -1);
	assert_int_equal(errno, EFAULT);
}

/* a hostile host's compress2: fills dest, then claims one byte more than dest holds */
static int compress2_grows(uint8_t *dest, uint64_t *destLen, const uint8_t *source, uint64_t sourceLen,
			   int32_t level)
{
	(void)source;
	(void)sourceLen;
	(void)level;
	memset(dest, 0xAB, *destLen);
	*destLen += 1;
	return Z_OK;
}

/* a hostile host's uncompress: a destLen the guest never sent, far past dest */
static int uncompress_huge(uint8_t *dest, uint64_t *destLen, const uint8_t *source, uint64_t sourceLen)
{
	(void)dest;
	(void)source;
	(void)sourceLen;
	*destLen = UINT64_MAX;
	return Z_OK;
}

static void compress2__host_grows_destlen__eproto(void **state)
{
	hcg_ft_compress2 *real_c = hcg_fn_compress2;
	hcg_ft_uncompress *real_u = hcg_fn_uncompress;
	uint8_t dest[64];
	uint64_t n = sizeof dest;

	(void)state;
	memset(dest, 0, sizeof dest);
	hcg_fn_compress2 = compress2_grows;
	hcg_fn_uncompress = uncompress_huge;
	errno = 0;
	assert_int_equal(host_compress2(dest, &n, src, 100, 6), -1);
	assert_int_equal(errno, EPROTO);
	assert_int_equal(n, sizeof dest);
	assert_int_equal(dest[0], 0);
	errno = 0;
	assert_int_equal(host_uncompress(dest, &n, src, 100), -1);
	assert_int_equal(errno, EPROTO);
	assert_int_equal(n, sizeof dest);
	hcg_fn_compress2 = real_c;
	hcg_fn_uncompress = real_u;
	/* the value sent back unchanged, or smaller, still passes */
	n = sizeof out;
	assert_int_equal(host_compress2(out, &n, src, 100, 6), Z_OK);
	assert_true(n < sizeof out);
}

/* a valid compress2 block, captured from the stub */
static void capture_compress2(uint8_t **b, uint32_t *len)
{
	uint64_t n = 4096;

	assert_int_equal(host_compress2(out, &n, src, 1000, 6), Z_OK);
	assert_int_equal(last_func, 0);
	*b = block_dup(last_block, last_len, 0);
	*len = last_len;
}

static void compress2__hostile_blocks__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_compress2, r_dest),
				offsetof(struct hcg_fx_compress2, r_destLen),
				offsetof(struct hcg_fx_compress2, r_source) };
	struct hcg_region dl;
	uint8_t *b;
	uint32_t len;

	(void)state;
	capture_compress2(&b, &len);
	hostile_short(hcg_validate_compress2, b, sizeof(struct hcg_fx_compress2));
	hostile_regions(hcg_validate_compress2, b, len, at, 3, 1);
	hostile_overlap(hcg_validate_compress2, b, len, at[0], at[2]);
	hostile_overlap(hcg_validate_compress2, b, len, at[2], at[1]);
	/* sourceLen: max+1, SIZE_MAX, UINT32_MAX, one more than its region */
	hostile_value(hcg_validate_compress2, b, len, offsetof(struct hcg_fx_compress2, p_sourceLen), 8,
		      (1 << 20) + 1);
	hostile_value(hcg_validate_compress2, b, len, offsetof(struct hcg_fx_compress2, p_sourceLen), 8,
		      SIZE_MAX);
	hostile_value(hcg_validate_compress2, b, len, offsetof(struct hcg_fx_compress2, p_sourceLen), 8,
		      0xFFFFFFFFu);
	hostile_value(hcg_validate_compress2, b, len, offsetof(struct hcg_fx_compress2, p_sourceLen), 8, 1001);
	/* *destLen, in its own region: max+1, SIZE_MAX, more than dest's region */
	dl = region_get(b, at[1]);
	hostile_value(hcg_validate_compress2, b, len, dl.off, 8, (1 << 20) + 1);
	hostile_value(hcg_validate_compress2, b, len, dl.off, 8, SIZE_MAX);
	hostile_value(hcg_validate_compress2, b, len, dl.off, 8, 4097);
	/* the call itself refuses too, and runs nothing */
	assert_int_equal(hcg_module.funcs[0].call(&loop_host, b, len - 8), -EINVAL);
	free(b);
}

static void compress2__max_plus_one_consistent__refused(void **state)
{
	uint32_t fixed = sizeof(struct hcg_fx_compress2), n = (1 << 20) + 1;
	uint32_t len = fixed + 8 + 8 + ((n + 7) & ~7u) + 8;
	uint8_t *b = calloc(1, len);
	struct hcg_fx_compress2 *fx = (void *)b;
	uint64_t dlen = 8;

	(void)state;
	fx->r_dest = (struct hcg_region){ fixed, 8 };
	fx->r_destLen = (struct hcg_region){ fixed + 8, 8 };
	memcpy(b + fixed + 8, &dlen, 8);
	fx->r_source = (struct hcg_region){ fixed + 16, n };
	fx->p_sourceLen = n;
	expect_refused(hcg_validate_compress2, b, len, "sourceLen max+1 with a region that size");
}

static void crc32__hostile_blocks__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_crc32, r_buf) };
	uint8_t *b;
	uint32_t len;

	(void)state;
	assert_int_equal(host_crc32(0, src, 100), crc32(0, src, 100));
	b = block_dup(last_block, last_len, 0);
	len = last_len;
	hostile_short(hcg_validate_crc32, b, sizeof(struct hcg_fx_crc32));
	hostile_regions(hcg_validate_crc32, b, len, at, 1, 1);
	hostile_value(hcg_validate_crc32, b, len, offsetof(struct hcg_fx_crc32, p_len), 4, (1 << 20) + 1);
	hostile_value(hcg_validate_crc32, b, len, offsetof(struct hcg_fx_crc32, p_len), 4, 0xFFFFFFFFu);
	free(b);
}

static void open__wrong_hash__eproto(void **state)
{
	uint8_t h[HCG_HASH_LEN] = { 0 };

	(void)state;
	assert_int_equal(hc_module_open(loop_session(), "zlib", h), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compress2__round_trip__equals_local),
		cmocka_unit_test(crc32__buffer__equals_local),
		cmocka_unit_test(compress2__over_max__e2big_no_call),
		cmocka_unit_test(compress2__host_grows_destlen__eproto),
		cmocka_unit_test(compress2__hostile_blocks__refused),
		cmocka_unit_test(compress2__max_plus_one_consistent__refused),
		cmocka_unit_test(crc32__hostile_blocks__refused),
		cmocka_unit_test(open__wrong_hash__eproto),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
