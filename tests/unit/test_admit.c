/* test_admit.c: unit: under --max-unauth, who gives way to a newcomer, and how sources are told apart. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "admit.h"

static struct admit_source v4(const char *text)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, text, &sin->sin_addr);
	return admit_source(&ss, sizeof(*sin));
}

static struct admit_source v6(const char *text)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, text, &sin6->sin6_addr);
	return admit_source(&ss, sizeof(*sin6));
}

static void sources__v4_v6_per_64_and_mapped(void **state)
{
	char name[64];

	(void)state;
	struct admit_source local = { AF_UNIX, 0 };

	assert_false(admit_same_source(v4("10.0.0.1"), v4("10.0.0.2")));
	assert_true(admit_same_source(v4("10.0.0.1"), v6("::ffff:10.0.0.1")));
	assert_true(admit_same_source(v6("2001:db8:1:2::1"), v6("2001:db8:1:2:ffff::9")));
	assert_false(admit_same_source(v6("2001:db8:1:2::1"), v6("2001:db8:1:3::1")));
	assert_false(admit_same_source(v6("fd00::1"), v6("bd00::1")));
	assert_false(admit_same_source(v4("0.0.0.0"), local) || admit_same_source(v6("::"), local));
	assert_string_equal(admit_source_name(v4("192.0.2.7"), name, sizeof(name)), "192.0.2.7");
	assert_string_equal(admit_source_name(v6("2001:db8:1:2::1"), name, sizeof(name)), "2001:db8:1:2::/64");
	assert_string_equal(admit_source_name(v6("fd12:3456::1"), name, sizeof(name)), "fd12:3456::/64");
	assert_string_equal(admit_source_name(local, name, sizeof(name)), "local");
}

static void flood_from_one_source__its_oldest_idle_gives_way(void **state)
{
	struct admit_source a = v4("192.0.2.1"), b = v4("192.0.2.2");
	struct admit_entry e[] = {
		{ b, 1, 1000, 1 }, { a, 5, 1000, 1 }, { a, 2, 1000, 1 }, { a, 9, 1000, 1 },
	};

	(void)state;
	assert_int_equal(admit_victim(e, 4, b, 1001), 2);   /* a holds the most: its first */
	assert_int_equal(admit_victim(e, 4, a, 1001), 2);
}

static void newcomer_heaviest__its_own_oldest_gives_way(void **state)
{
	struct admit_source a = v4("192.0.2.1"), b = v4("192.0.2.2");
	struct admit_entry e[] = { { a, 3, 0, 1 }, { b, 1, 0, 1 }, { a, 7, 0, 1 }, { b, 2, 0, 1 } };

	(void)state;
	assert_int_equal(admit_victim(e, 4, a, 10), 0);   /* a ties b and is the newcomer's */
	assert_int_equal(admit_victim(e, 4, b, 10), 1);
}

static void authenticating__spared_until_stalled(void **state)
{
	struct admit_source a = v4("192.0.2.1");
	struct admit_entry e[] = { { a, 1, 5000, 0 }, { a, 2, 5500, 0 } };

	(void)state;
	assert_int_equal(admit_victim(e, 2, a, 5000 + ADMIT_STALLED_MS - 1), -1);
	assert_int_equal(admit_victim(e, 2, a, 5000 + ADMIT_STALLED_MS), 0);
	e[1].idle = 1;   /* an idle one goes before any authenticating one, however old */
	assert_int_equal(admit_victim(e, 2, a, 9000), 1);
}

static void other_source_never_pushed_out(void **state)
{
	struct admit_source a = v4("192.0.2.1"), legit = v4("198.51.100.1");
	struct admit_entry e[] = { { legit, 1, 0, 0 }, { a, 2, 0, 1 }, { a, 3, 0, 1 } };

	(void)state;
	for (int64_t now = 0; now < 100000; now += 997)   /* however long the flood from a goes on */
		assert_int_not_equal(admit_victim(e, 3, a, now), 0);
}

/* 16 places from 16 sources: a newcomer from a 17th still gets in, the oldest idle giving way. */
static void flood_from_many_sources__oldest_idle_gives_way(void **state)
{
	struct admit_entry e[16];
	char addr[32];

	(void)state;
	for (int i = 0; i < 16; i++) {
		snprintf(addr, sizeof(addr), "127.0.1.%d", i + 1);
		e[i] = (struct admit_entry){ v4(addr), (uint64_t)(100 - i), 0, 1 };
	}
	assert_int_equal(admit_victim(e, 16, v4("127.0.0.1"), 10), 15);
}

/* Every place authenticating, most from one source: it gives up its newest to another source. */
static void speaking_flood__its_newest_gives_way_to_another_source(void **state)
{
	struct admit_source a = v4("192.0.2.1"), b = v4("192.0.2.2");
	struct admit_entry e[] = { { a, 4, 900, 0 }, { a, 9, 950, 0 }, { b, 5, 960, 0 }, { a, 7, 990, 0 } };

	(void)state;
	assert_int_equal(admit_victim(e, 4, b, 1000), 1);
	assert_int_equal(admit_victim(e, 4, a, 1000), -1);   /* its own newcomer: refused instead */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sources__v4_v6_per_64_and_mapped),
		cmocka_unit_test(flood_from_one_source__its_oldest_idle_gives_way),
		cmocka_unit_test(newcomer_heaviest__its_own_oldest_gives_way),
		cmocka_unit_test(authenticating__spared_until_stalled),
		cmocka_unit_test(other_source_never_pushed_out),
		cmocka_unit_test(flood_from_many_sources__oldest_idle_gives_way),
		cmocka_unit_test(speaking_flood__its_newest_gives_way_to_another_source),
	};

	return cmocka_run_group_tests_name("admit", tests, NULL, NULL);
}
