/* test_names.c: an interface named like the generated code's locals and helpers, through the loopback. */
#include "names_host.c"

#include "hostile.h"
#include "names_guest.h"

static int nothing_calls;

void nothing(void)
{
	nothing_calls++;
}

int32_t x(int32_t v)
{
	return v * 2;
}

int32_t call_x(int32_t e)
{
	return e * 3;
}

int32_t y(int32_t sp)
{
	return sp + 100;
}

int32_t validate_y(int32_t ns)
{
	return ns + 200;
}

uint32_t len(const uint8_t *host, uint32_t block, uint8_t *fx, uint32_t len, uint32_t *i,
	     const struct fx *lib)
{
	uint32_t t = 0;

	for (uint32_t k = 0; k < block; k++)
		t += host[k];
	memcpy(fx, host, block < len ? block : len);
	*i += 1;
	return t + lib->len + lib->block;
}

int32_t block(int32_t err)
{
	return err + 1;
}

int32_t host(int32_t errlen)
{
	return errlen + 2;
}

int32_t fx(int32_t p)
{
	return p + 3;
}

int32_t i(int32_t r)
{
	return r + 4;
}

int64_t lowest(int32_t at)
{
	return at;
}

uint64_t highest(int32_t cap)
{
	return (uint64_t)cap;
}

static int setup(void **state)
{
	(void)state;
	return hcg_names_open(loop_session());
}

static void names__locals_and_helpers__each_calls_its_own(void **state)
{
	(void)state;
	assert_int_equal(host_abs(-5), 5);
	host_nothing();
	assert_int_equal(nothing_calls, 1);
	assert_int_equal(host_x(7), 14);
	assert_int_equal(host_call_x(7), 21);
	assert_int_equal(host_y(1), 101);
	assert_int_equal(host_validate_y(1), 201);
	assert_int_equal(host_block(1), 2);
	assert_int_equal(host_host(1), 3);
	assert_int_equal(host_fx(1), 4);
	assert_int_equal(host_i(1), 5);
	assert_int_equal(host_lowest(-9), -9);
	assert_int_equal(host_highest(9), 9);
}

static void len__params_named_like_locals__work(void **state)
{
	uint8_t in[4] = { 1, 2, 3, 4 }, out[4] = { 0 };
	uint32_t n = 41;
	struct fx lib = { 10, 20 };

	(void)state;
	assert_int_equal(host_len(in, 4, out, 4, &n, &lib), 40);
	assert_memory_equal(out, in, 4);
	assert_int_equal(n, 42);
}

static void fail_values__extremes__returned(void **state)
{
	(void)state;
	hcg_names_close();
	errno = 0;
	assert_true(host_lowest(1) == INT64_MIN);
	assert_int_equal(errno, ENOTCONN);
	assert_true(host_highest(1) == UINT64_MAX);
	assert_int_equal(hcg_names_open(loop_session()), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names__locals_and_helpers__each_calls_its_own),
		cmocka_unit_test(len__params_named_like_locals__work),
		cmocka_unit_test(fail_values__extremes__returned),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
