/* test_vec.c: handles, arrays of buffers, arrays of strings and p.field lengths through the loopback, and hostile blocks. */
#include "vec_host.c"

#include "hostile.h"
#include "vec_guest.h"

#include <stdio.h>
#include <unistd.h>

int32_t join(char *const *argv, int32_t argc, char *out, uint32_t outlen)
{
	size_t n = 0;

	for (int32_t i = 0; i < argc; i++)
		n += (size_t)snprintf(out + n, n < outlen ? outlen - n : 0, "%s%s", i ? " " : "", argv[i]);
	if (argv[argc] != NULL)
		return -2;
	return (int32_t)n;
}

uint32_t sum(const struct span *s, const uint8_t *data)
{
	uint32_t t = 0;

	for (uint32_t i = 0; i < s->len; i++)
		t += data[i];
	return t;
}

uint32_t shelf_len(const struct shelf *s)
{
	return (uint32_t)(strlen(s->items[0].name) + strlen(s->items[1].name) + strlen(s->owner));
}

static int setup(void **state)
{
	(void)state;
	return hcg_vec_open(loop_session());
}

static void writev__pipe__bytes_arrive(void **state)
{
	char a[] = "hello, ", b[] = "host", got[32] = { 0 };
	struct iovec iov[3] = { { a, 7 }, { NULL, 0 }, { b, 4 } };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(host_writev(p[1], iov, 3), 11);
	assert_int_equal(read(p[0], got, sizeof got), 11);
	assert_string_equal(got, "hello, host");
	errno = 0;
	assert_int_equal(host_writev(-5, iov, 3), -1);
	assert_int_equal(errno, EBADF);
	close(p[0]);
	close(p[1]);
}

static void join__argv__joined(void **state)
{
	const char *argv[] = { "ls", "-l", "/tmp", NULL };
	char out[64];

	(void)state;
	assert_int_equal(host_join(argv, 3, out, sizeof out), 10);
	assert_string_equal(out, "ls -l /tmp");
	errno = 0;
	assert_int_equal(host_join(argv, 17, out, sizeof out), -1);
	assert_int_equal(errno, E2BIG);
}

static void sum__field_length__summed(void **state)
{
	uint8_t d[4] = { 1, 2, 3, 4 };
	struct span s = { 4, 0 };

	(void)state;
	assert_int_equal(host_sum(&s, d), 10);
	s.len = 2000;
	errno = 0;
	assert_int_equal(host_sum(&s, d), 7);
	assert_int_equal(errno, E2BIG);
}

static void writev__hostile_elements__refused(void **state)
{
	const uint32_t at[] = { offsetof(struct hcg_fx_writev, r_iov) };
	char a[] = "abcdefgh", b[] = "ij";
	struct iovec iov[2] = { { a, 8 }, { b, 2 } };
	struct hcg_region arr, e0, e1;
	uint8_t *b0, *c;
	uint32_t len;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(host_writev(p[1], iov, 2), 10);
	close(p[0]);
	close(p[1]);
	b0 = block_dup(last_block, last_len, 0);
	len = last_len;
	hostile_short(hcg_validate_writev, b0, sizeof(struct hcg_fx_writev));
	hostile_regions(hcg_validate_writev, b0, len, at, 1, 1);
	hostile_value(hcg_validate_writev, b0, len, offsetof(struct hcg_fx_writev, p_iovcnt), 4, 65);
	hostile_value(hcg_validate_writev, b0, len, offsetof(struct hcg_fx_writev, p_iovcnt), 4, 0xFFFFFFFFu);
	arr = region_get(b0, at[0]);
	/* the element descriptors themselves: each mutated, then one onto the other, one onto the array */
	const uint32_t el[] = { arr.off, arr.off + 8 };
	hostile_regions(hcg_validate_writev, b0, len, el, 2, 0);
	e0 = region_get(b0, el[0]);
	e1 = region_get(b0, el[1]);
	hostile_overlap(hcg_validate_writev, b0, len, el[1], el[0]);
	c = block_dup(b0, len, 0);
	region_set(c, el[0], (struct hcg_region){ arr.off, 8 });
	expect_refused(hcg_validate_writev, c, len, "an element over the descriptor array");
	c = block_dup(b0, len, 0);
	region_set(c, el[1], (struct hcg_region){ e1.off, 64 * 1024 + 1 });
	expect_refused(hcg_validate_writev, c, len, "an element over each_max");
	(void)e0;
	free(b0);
}

static void join__hostile_strings__refused(void **state)
{
	const char *argv[] = { "one", "two", NULL };
	char out[16];
	struct hcg_region arr, e1;
	uint8_t *b0, *c;
	uint32_t len;

	(void)state;
	assert_int_equal(host_join(argv, 2, out, sizeof out), 7);
	b0 = block_dup(last_block, last_len, 0);
	len = last_len;
	arr = region_get(b0, offsetof(struct hcg_fx_join, r_argv));
	e1 = region_get(b0, arr.off + 8);
	c = block_dup(b0, len, 0);
	memset(c + e1.off, 'x', e1.len);
	expect_refused(hcg_validate_join, c, len, "an argv string missing its terminator");
	const uint32_t at[] = { offsetof(struct hcg_fx_join, r_argv), offsetof(struct hcg_fx_join, r_out),
				arr.off, arr.off + 8 };
	hostile_regions(hcg_validate_join, b0, len, at, 4, 1);
	hostile_overlap(hcg_validate_join, b0, len, at[1], at[0]);
	free(b0);
}

/* each_max=255 counts characters: 255 pass the stub and the host, 256 neither */
static void join__each_max_characters__accepted_one_more_refused(void **state)
{
	char s255[256], s256[257], out[300];
	const char *argv[] = { s255, NULL };
	struct hcg_region arr, e;
	uint8_t *b0, *c;
	uint32_t len;

	(void)state;
	memset(s255, 'a', 255);
	s255[255] = '\0';
	memset(s256, 'b', 256);
	s256[256] = '\0';
	assert_int_equal(host_join(argv, 1, out, sizeof out), 255);
	assert_string_equal(out, s255);
	b0 = block_dup(last_block, last_len, 0);
	len = last_len;
	argv[0] = s256;
	last_len = 0;
	errno = 0;
	assert_int_equal(host_join(argv, 1, out, sizeof out), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(last_len, 0);
	/* by hand: the element moved past the block's end, 255 characters then 256 */
	arr = region_get(b0, offsetof(struct hcg_fx_join, r_argv));
	for (uint32_t n = 255; n <= 256; n++) {
		c = block_dup(b0, len, 264);
		memset(c + len, 'c', n);
		e = (struct hcg_region){ len, n + 1 };
		region_set(c, arr.off, e);
		if (n == 255)
			assert_int_equal(hcg_validate_join(c, len + 264), 0);
		else
			expect_refused(hcg_validate_join, c, len + 264, "an argv string of each_max + 1 characters");
		if (n == 255)
			free(c);
	}
	free(b0);
}

static void shelf_len__strings__summed(void **state)
{
	struct shelf s;

	(void)state;
	memset(&s, 0, sizeof s);
	strcpy(s.items[0].name, "fifteen chars..");
	strcpy(s.items[1].name, "two");
	strcpy(s.owner, "me");
	assert_int_equal(host_shelf_len(&s), 20);
}

/* a char array with no NUL inside its bound: refused by the host, the session lives */
static void shelf_len__unterminated__einval(void **state)
{
	struct shelf s;
	struct hcg_region rs;
	uint8_t *b0, *c;
	uint32_t len;

	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(host_shelf_len(&s), 0);
	b0 = block_dup(last_block, last_len, 0);
	len = last_len;
	rs = region_get(b0, offsetof(struct hcg_fx_shelf_len, r_s));
	assert_int_equal(hcg_validate_shelf_len(b0, len), 0);
	c = block_dup(b0, len, 0);
	memset(c + rs.off + offsetof(struct shelf, items[1].name), 'x', 16);
	expect_refused(hcg_validate_shelf_len, c, len, "items[1].name without its NUL");
	c = block_dup(b0, len, 0);
	memset(c + rs.off + offsetof(struct shelf, items[0].name), 'x', 16);
	expect_refused(hcg_validate_shelf_len, c, len, "items[0].name without its NUL");
	c = block_dup(b0, len, 0);
	memset(c + rs.off + offsetof(struct shelf, owner), 'x', 8);
	expect_refused(hcg_validate_shelf_len, c, len, "owner without its NUL");
	free(b0);
	memset(s.owner, 'y', sizeof s.owner);
	errno = 0;
	assert_int_equal(host_shelf_len(&s), 0);
	assert_int_equal(errno, EINVAL);
	s.owner[7] = '\0';
	assert_int_equal(host_shelf_len(&s), 7);
}

static void sum__hostile_field__refused(void **state)
{
	uint8_t d[4] = { 1, 2, 3, 4 };
	struct span s = { 4, 0 };
	struct hcg_region rs;
	uint8_t *b0;
	uint32_t len;

	(void)state;
	assert_int_equal(host_sum(&s, d), 10);
	b0 = block_dup(last_block, last_len, 0);
	len = last_len;
	rs = region_get(b0, offsetof(struct hcg_fx_sum, r_s));
	hostile_value(hcg_validate_sum, b0, len, rs.off, 4, 1025);
	hostile_value(hcg_validate_sum, b0, len, rs.off, 4, 0xFFFFFFFFu);
	hostile_value(hcg_validate_sum, b0, len, rs.off, 4, 5);
	free(b0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writev__pipe__bytes_arrive),
		cmocka_unit_test(join__argv__joined),
		cmocka_unit_test(sum__field_length__summed),
		cmocka_unit_test(writev__hostile_elements__refused),
		cmocka_unit_test(join__hostile_strings__refused),
		cmocka_unit_test(sum__hostile_field__refused),
		cmocka_unit_test(join__each_max_characters__accepted_one_more_refused),
		cmocka_unit_test(shelf_len__strings__summed),
		cmocka_unit_test(shelf_len__unterminated__einval),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
