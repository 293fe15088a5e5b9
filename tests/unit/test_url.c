/* test_url.c: unit: parsing transport URLs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

static void tcp__v4_v6_and_names__parsed(void **state)
{
	struct hc_url u;

	(void)state;
	assert_int_equal(hc_url_parse("tcp://127.0.0.1:7077", &u), 0);
	assert_int_equal(u.kind, HC_URL_TCP);
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.port, "7077");
	assert_int_equal(hc_url_parse("tcp://[::1]:0", &u), 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "0");
	assert_int_equal(hc_url_parse("tcp://localhost:65535", &u), 0);
	assert_string_equal(u.host, "localhost");
}

static void tcp__malformed__einval(void **state)
{
	static const char *const bad[] = { "tcp://", "tcp://host", "tcp://:80", "tcp://h:",
					   "tcp://h:65536", "tcp://h:-1", "tcp://h:8x",
					   "tcp://::1:80", "tcp://[::1]80", "tcp://a/b:80" };
	struct hc_url u;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hc_url_parse(bad[i], &u), -EINVAL);
}

static void unix__paths__parsed_or_refused(void **state)
{
	char longpath[200];
	struct hc_url u;

	(void)state;
	assert_int_equal(hc_url_parse("unix:/run/hostcall.sock", &u), 0);
	assert_int_equal(u.kind, HC_URL_UNIX);
	assert_string_equal(u.path, "/run/hostcall.sock");
	assert_int_equal(hc_url_parse("unix:///tmp/x", &u), 0);
	assert_string_equal(u.path, "/tmp/x");
	assert_int_equal(hc_url_parse("unix:relative", &u), -EINVAL);
	memset(longpath, 'a', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	char url[260];
	snprintf(url, sizeof(url), "unix:%s", longpath);
	assert_int_equal(hc_url_parse(url, &u), -ENAMETOOLONG);
}

static void other_schemes__not_supported(void **state)
{
	struct hc_url u;

	(void)state;
	assert_int_equal(hc_url_parse("http://x:1", &u), -EPROTONOSUPPORT);
	assert_int_equal(hc_url_parse("plain", &u), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp__v4_v6_and_names__parsed),
		cmocka_unit_test(tcp__malformed__einval),
		cmocka_unit_test(unix__paths__parsed_or_refused),
		cmocka_unit_test(other_schemes__not_supported),
	};

	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
