/* test_rpc_record.c: unit: record marking over a byte source that may have nothing yet (rpc_record.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rpc_record.h"

#define MAX 64

/* Bytes handed out @piece at a time, with "nothing yet" between pieces when @stutter. */
struct source {
	const uint8_t *data;
	size_t size, off;
	size_t piece;
	int stutter, idle;
};

static ssize_t from_source(void *ctx, void *buf, size_t len)
{
	struct source *s = ctx;
	size_t n = s->piece < len ? s->piece : len;

	if (s->stutter && (s->idle = !s->idle))
		return 0;
	if (s->off == s->size)
		return 0;
	if (n > s->size - s->off)
		n = s->size - s->off;
	memcpy(buf, s->data + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

/* Fill until whole or an error, as a poll loop would. */
static int fill(struct rpc_record *r, struct source *s)
{
	int e;

	for (int i = 0; i < 10000; i++)
		if ((e = rpc_record_fill(r, from_source, s)) != 0)
			return e;
	return 0;
}

static void two_fragments_byte_by_byte__whole_and_nothing_past_it(void **state)
{
	static const uint8_t in[] = { 0, 0, 0, 3, 'a', 'b', 'c', 0x80, 0, 0, 2, 'd', 'e',
				      0x80, 0, 0, 1, 'z' };
	struct source s = { in, sizeof(in), 0, 1, 1, 0 };
	struct rpc_record r;

	(void)state;
	assert_int_equal(rpc_record_init(&r, MAX), 0);
	assert_int_equal(fill(&r, &s), 1);
	assert_int_equal(r.len, 5);
	assert_memory_equal(rpc_record_body(&r), "abcde", 5);
	assert_int_equal(s.off, 13);   /* the next record's mark is not touched */
	rpc_record_next(&r);
	assert_int_equal(fill(&r, &s), 1);
	assert_int_equal(r.len, 1);
	rpc_record_free(&r);
}

static void empty_last_fragment__an_empty_record(void **state)
{
	static const uint8_t in[] = { 0x80, 0, 0, 0 };
	struct source s = { in, sizeof(in), 0, 4, 0, 0 };
	struct rpc_record r;

	(void)state;
	assert_int_equal(rpc_record_init(&r, MAX), 0);
	assert_int_equal(fill(&r, &s), 1);
	assert_int_equal(r.len, 0);
	rpc_record_free(&r);
}

/* Each of these must end the stream, and go on ending it without reading a byte more. */
static void assert_refused_for_good(const uint8_t *in, size_t size)
{
	struct source s = { in, size, 0, 64, 0, 0 };
	struct rpc_record r;
	size_t off;

	assert_int_equal(rpc_record_init(&r, MAX), 0);
	assert_int_equal(fill(&r, &s), -EMSGSIZE);
	off = s.off;
	for (int i = 0; i < 3; i++)
		assert_int_equal(rpc_record_fill(&r, from_source, &s), -EMSGSIZE);
	assert_int_equal(s.off, off);
	assert_true(r.len <= MAX);
	rpc_record_free(&r);
}

static void fragment_over_max__emsgsize_and_stays(void **state)
{
	uint8_t in[4 + 2 * MAX] = { 0x80, 0, 0, 2 * MAX };

	(void)state;
	memset(in + 4, 'x', 2 * MAX);
	assert_refused_for_good(in, sizeof(in));
}

static void fragments_summing_past_max__emsgsize_and_stays(void **state)
{
	uint8_t in[2 * (4 + 40)] = { 0, 0, 0, 40 };

	(void)state;
	memset(in + 4, 'x', 40);
	in[44] = 0x80;
	in[47] = 40;
	memset(in + 48, 'y', 40);
	assert_refused_for_good(in, sizeof(in));
}

static void empty_fragment_not_last__emsgsize(void **state)
{
	static const uint8_t in[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 1, 'a' };

	(void)state;
	assert_refused_for_good(in, sizeof(in));
}

static ssize_t reset_source(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return -ECONNRESET;
}

static void source_error__passed_on_and_stays(void **state)
{
	static const uint8_t in[] = { 0x80, 0, 0, 1, 'a' };
	struct source s = { in, sizeof(in), 0, 64, 0, 0 };
	struct rpc_record r;

	(void)state;
	assert_int_equal(rpc_record_init(&r, MAX), 0);
	assert_int_equal(rpc_record_fill(&r, reset_source, NULL), -ECONNRESET);
	assert_int_equal(rpc_record_fill(&r, from_source, &s), -ECONNRESET);
	assert_int_equal(s.off, 0);
	rpc_record_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_fragments_byte_by_byte__whole_and_nothing_past_it),
		cmocka_unit_test(empty_last_fragment__an_empty_record),
		cmocka_unit_test(fragment_over_max__emsgsize_and_stays),
		cmocka_unit_test(fragments_summing_past_max__emsgsize_and_stays),
		cmocka_unit_test(empty_fragment_not_last__emsgsize),
		cmocka_unit_test(source_error__passed_on_and_stays),
	};

	return cmocka_run_group_tests_name("rpc_record", tests, NULL, NULL);
}
