/* test_registry.c: unit: the transport table is looked up by URL scheme, and only so. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "hostcall.h"
#include "oncrpc_client.h"
#include "transport.h"

static void lookup__known_schemes__their_backend(void **state)
{
	const char *where = NULL;

	(void)state;
	assert_ptr_equal(hc_transport_lookup("tcp://127.0.0.1:1", &where), &oncrpc_tcp_ops);
	assert_string_equal(where, "//127.0.0.1:1");
	assert_ptr_equal(hc_transport_lookup("unix:/run/x.sock", &where), &oncrpc_unix_ops);
	assert_string_equal(where, "/run/x.sock");
}

static void lookup__unknown_or_partial_scheme__null(void **state)
{
	(void)state;
	assert_null(hc_transport_lookup("tc://x:1", NULL));
	assert_null(hc_transport_lookup("tcpx://x:1", NULL));
	assert_null(hc_transport_lookup("vsock:3:1", NULL));
	assert_null(hc_transport_lookup("no-colon", NULL));
	assert_null(hc_transport_lookup(":", NULL));
}

static void open__bad_urls__clear_errors(void **state)
{
	struct hc_open_params params = { .key = NULL, .tls = HC_TLS_AUTO };
	struct hc_transport *t = NULL;

	(void)state;
	assert_int_equal(hc_transport_open("no-colon", &params, &t), -EINVAL);
	assert_int_equal(hc_transport_open("carrier-pigeon:1", &params, &t), -EPROTONOSUPPORT);
	assert_int_equal(hc_transport_open("tcp://missing-port", &params, &t), -EINVAL);
	assert_int_equal(hc_transport_open("unix:relative/path", &params, &t), -EINVAL);
	assert_null(t);
}

static void backends__complete_ops_tables(void **state)
{
	const struct hc_transport_ops *all[] = { &oncrpc_tcp_ops, &oncrpc_unix_ops };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		assert_non_null(all[i]->scheme);
		assert_non_null(all[i]->open);
		assert_non_null(all[i]->call);
		assert_non_null(all[i]->stream_dial);
		assert_non_null(all[i]->close);
	}
	assert_true(oncrpc_tcp_ops.needs_key);
	assert_false(oncrpc_unix_ops.needs_key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup__known_schemes__their_backend),
		cmocka_unit_test(lookup__unknown_or_partial_scheme__null),
		cmocka_unit_test(open__bad_urls__clear_errors),
		cmocka_unit_test(backends__complete_ops_tables),
	};

	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
