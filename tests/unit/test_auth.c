/* test_auth.c: unit: HMAC-SHA256 proofs bind key, role and both nonces; checks are exact. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth.h"

static uint8_t key[HC_KEY_LEN], cn[HC_NONCE_LEN], sn[HC_NONCE_LEN];

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < HC_KEY_LEN; i++)
		key[i] = (uint8_t)i;
	memset(cn, 0xc1, sizeof(cn));
	memset(sn, 0x5e, sizeof(sn));
	return 0;
}

static void mac__matches_independent_hmac_sha256(void **state)
{
	static const char label[] = "hostcall-v1 client proof";
	uint8_t msg[sizeof(label) + 2 * HC_NONCE_LEN], want[32], got[32];

	(void)state;
	memcpy(msg, label, sizeof(label));
	memcpy(msg + sizeof(label), cn, HC_NONCE_LEN);
	memcpy(msg + sizeof(label) + HC_NONCE_LEN, sn, HC_NONCE_LEN);
	crypto_auth_hmacsha256(want, msg, sizeof(msg), key);
	assert_int_equal(hc_auth_mac(key, HC_AUTH_CLIENT, cn, sn, NULL, got), 0);
	assert_memory_equal(got, want, 32);
}

static void check__right_proof_accepted_any_change_refused(void **state)
{
	uint8_t mac[HC_MAC_LEN], other[HC_KEY_LEN];

	(void)state;
	assert_int_equal(hc_auth_mac(key, HC_AUTH_CLIENT, cn, sn, NULL, mac), 0);
	assert_int_equal(hc_auth_check(key, HC_AUTH_CLIENT, cn, sn, NULL, mac), 0);
	assert_int_equal(hc_auth_check(key, HC_AUTH_SERVER, cn, sn, NULL, mac), -EACCES);  /* no reflection */
	assert_int_equal(hc_auth_check(key, HC_AUTH_CLIENT, sn, cn, NULL, mac), -EACCES);  /* order */
	memcpy(other, key, sizeof(other));
	other[5] ^= 1;
	assert_int_equal(hc_auth_check(other, HC_AUTH_CLIENT, cn, sn, NULL, mac), -EACCES);
	for (int bit = 0; bit < HC_MAC_LEN * 8; bit += 37) {
		mac[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		assert_int_equal(hc_auth_check(key, HC_AUTH_CLIENT, cn, sn, NULL, mac), -EACCES);
		mac[bit / 8] ^= (uint8_t)(1 << (bit % 8));
	}
}

static void check__proof_bound_to_one_tls_session(void **state)
{
	uint8_t mac[HC_MAC_LEN], binding[HC_AUTH_BINDING_LEN], other[HC_AUTH_BINDING_LEN];

	(void)state;
	memset(binding, 0x5a, sizeof(binding));
	memcpy(other, binding, sizeof(other));
	other[HC_AUTH_BINDING_LEN - 1] ^= 0x80;
	assert_int_equal(hc_auth_mac(key, HC_AUTH_CLIENT, cn, sn, binding, mac), 0);
	assert_int_equal(hc_auth_check(key, HC_AUTH_CLIENT, cn, sn, binding, mac), 0);
	assert_int_equal(hc_auth_check(key, HC_AUTH_CLIENT, cn, sn, other, mac), -EACCES);
	assert_int_equal(hc_auth_check(key, HC_AUTH_CLIENT, cn, sn, NULL, mac), -EACCES);
}

static void random__fresh_each_time(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	assert_int_equal(hc_random(a, sizeof(a)), 0);
	assert_int_equal(hc_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mac__matches_independent_hmac_sha256),
		cmocka_unit_test(check__right_proof_accepted_any_change_refused),
		cmocka_unit_test(check__proof_bound_to_one_tls_session),
		cmocka_unit_test(random__fresh_each_time),
	};

	return cmocka_run_group_tests_name("auth", tests, setup, NULL);
}
