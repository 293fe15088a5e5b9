/* test_arrays.c: fixed-array parameters ([in], [out], [inout] T NAME[N]) through the loopback, and hostile blocks. */
#include "arrays_host.c"

#include "hostile.h"
#include "arrays_guest.h"

int64_t prefix_sums(const int64_t v[4], int64_t prefix[4])
{
	int64_t t = 0;

	for (int i = 0; i < 4; i++) {
		if (prefix[i] != 0)
			return -1; /* an [out] array arrives zeroed */
		t += v[i];
		prefix[i] = t;
	}
	return t;
}

void shift(struct point pts[8], int32_t dx, int32_t dy)
{
	for (int i = 0; i < 8; i++) {
		pts[i].x += dx;
		pts[i].y += dy;
	}
}

uint8_t key_xor(const uint8_t key[32])
{
	uint8_t x = 0;

	for (int i = 0; i < 32; i++)
		x ^= key[i];
	return x;
}

uint32_t tags_len(const struct tag tags[2])
{
	return (uint32_t)(strlen(tags[0].name) + strlen(tags[1].name));
}

static int setup(void **state)
{
	(void)state;
	return hcg_arrays_open(loop_session());
}

static void prefix_sums__in_and_out_arrays__summed(void **state)
{
	const int64_t v[4] = { 1, -2, 30, INT64_C(1) << 40 };
	int64_t prefix[4] = { 7, 7, 7, 7 };

	(void)state;
	assert_int_equal(host_prefix_sums(v, prefix), 29 + (INT64_C(1) << 40));
	assert_int_equal(prefix[0], 1);
	assert_int_equal(prefix[1], -1);
	assert_int_equal(prefix[2], 29);
	assert_int_equal(prefix[3], 29 + (INT64_C(1) << 40));
	assert_int_equal(last_len, sizeof(struct hcg_fx_prefix_sums) + 2 * 32);
	errno = 0;
	assert_int_equal(host_prefix_sums(NULL, prefix), -1);
	assert_int_equal(errno, EFAULT);
}

static void shift__inout_struct_array__moved(void **state)
{
	struct point pts[8];

	(void)state;
	for (int i = 0; i < 8; i++)
		pts[i] = (struct point){ i, -i };
	host_shift(pts, 10, 100);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pts[i].x, i + 10);
		assert_int_equal(pts[i].y, 100 - i);
	}
}

static void key_xor__bytes__xored(void **state)
{
	uint8_t key[32];

	(void)state;
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(host_key_xor(key), key_xor(key));
}

static void prefix_sums__hostile_regions__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_prefix_sums, r_v),
				offsetof(struct hcg_fx_prefix_sums, r_prefix) };
	const int64_t v[4] = { 1, 2, 3, 4 };
	int64_t prefix[4];
	struct hcg_region r;
	uint8_t *b0, *c;
	uint32_t len;

	(void)state;
	assert_int_equal(host_prefix_sums(v, prefix), 10);
	b0 = block_dup(last_block, last_len, 0);
	len = last_len;
	hostile_short(hcg_validate_prefix_sums, b0, sizeof(struct hcg_fx_prefix_sums));
	/* past the end, wrap-around, misaligned, in the fixed part, one byte short or 8 long */
	hostile_regions(hcg_validate_prefix_sums, b0, len, at, 2, 1);
	hostile_overlap(hcg_validate_prefix_sums, b0, len, at[1], at[0]);
	hostile_overlap(hcg_validate_prefix_sums, b0, len, at[0], at[1]);
	for (int i = 0; i < 2; i++) {
		/* a length that is N - 1 or N + 1 elements, though the bytes are in the block */
		c = block_dup(b0, len, 64);
		r = region_get(b0, at[i]);
		r.off = len;
		r.len = 3 * 8;
		region_set(c, at[i], r);
		expect_refused(hcg_validate_prefix_sums, c, len + 64, "an array of N - 1 elements");
		c = block_dup(b0, len, 64);
		r.len = 5 * 8;
		region_set(c, at[i], r);
		expect_refused(hcg_validate_prefix_sums, c, len + 64, "an array of N + 1 elements");
		c = block_dup(b0, len, 64);
		r.len = 0;
		region_set(c, at[i], r);
		expect_refused(hcg_validate_prefix_sums, c, len + 64, "an empty array");
		/* misaligned by 4, inside the block */
		c = block_dup(b0, len, 64);
		r.off = len + 4;
		r.len = 4 * 8;
		region_set(c, at[i], r);
		expect_refused(hcg_validate_prefix_sums, c, len + 64, "a misaligned array");
	}
	/* the array moved past the block's end by hand is accepted: the check is the length, not the place */
	c = block_dup(b0, len, 32);
	r = region_get(b0, at[1]);
	r.off = len;
	region_set(c, at[1], r);
	assert_int_equal(hcg_validate_prefix_sums(c, len + 32), 0);
	free(c);
	free(b0);
	/* and the session lives: a good call after the hostile ones */
	assert_int_equal(host_prefix_sums(v, prefix), 10);
	assert_int_equal(prefix[3], 10);
}

static void shift__hostile_regions__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_shift, r_pts) };
	struct point pts[8] = { { 0, 0 } };
	uint8_t *b0;
	uint32_t len;

	(void)state;
	host_shift(pts, 1, 1);
	b0 = block_dup(last_block, last_len, 0);
	len = last_len;
	hostile_short(hcg_validate_shift, b0, sizeof(struct hcg_fx_shift));
	hostile_regions(hcg_validate_shift, b0, len, at, 1, 1);
	free(b0);
}

static void tags_len__unterminated_element__einval(void **state)
{
	struct tag tags[2];
	struct hcg_region r;
	uint8_t *b0, *c;
	uint32_t len;

	(void)state;
	memset(tags, 0, sizeof tags);
	strcpy(tags[0].name, "seven..");
	strcpy(tags[1].name, "ab");
	assert_int_equal(host_tags_len(tags), 9);
	b0 = block_dup(last_block, last_len, 0);
	len = last_len;
	r = region_get(b0, offsetof(struct hcg_fx_tags_len, r_tags));
	for (int i = 0; i < 2; i++) {
		c = block_dup(b0, len, 0);
		memset(c + r.off + (uint32_t)i * sizeof(struct tag), 'x', sizeof tags[0].name);
		expect_refused(hcg_validate_tags_len, c, len, "a tag's name without its NUL");
	}
	free(b0);
	memset(tags[1].name, 'y', sizeof tags[1].name);
	errno = 0;
	assert_int_equal(host_tags_len(tags), 0);
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefix_sums__in_and_out_arrays__summed),
		cmocka_unit_test(shift__inout_struct_array__moved),
		cmocka_unit_test(key_xor__bytes__xored),
		cmocka_unit_test(prefix_sums__hostile_regions__refused),
		cmocka_unit_test(shift__hostile_regions__refused),
		cmocka_unit_test(tags_len__unterminated_element__einval),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
