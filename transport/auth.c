/* auth.c: HMAC-SHA256 proofs over both nonces and the TLS binding (libsodium), checked in constant time. */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"

static const char *const role_label[] = {
	[HC_AUTH_SERVER] = "hostcall-v1 server proof",
	[HC_AUTH_CLIENT] = "hostcall-v1 client proof",
};

int hc_auth_mac(const uint8_t key[HC_KEY_LEN], enum hc_auth_role role,
		const uint8_t client_nonce[HC_NONCE_LEN], const uint8_t server_nonce[HC_NONCE_LEN],
		const uint8_t *binding, uint8_t mac[HC_MAC_LEN])
{
	crypto_auth_hmacsha256_state st;
	const char *label = role_label[role];

	if (sodium_init() < 0)
		return -EIO;
	crypto_auth_hmacsha256_init(&st, key, HC_KEY_LEN);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)label, strlen(label) + 1);
	crypto_auth_hmacsha256_update(&st, client_nonce, HC_NONCE_LEN);
	crypto_auth_hmacsha256_update(&st, server_nonce, HC_NONCE_LEN);
	if (binding)
		crypto_auth_hmacsha256_update(&st, binding, HC_AUTH_BINDING_LEN);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
	return 0;
}

int hc_auth_check(const uint8_t key[HC_KEY_LEN], enum hc_auth_role role,
		  const uint8_t client_nonce[HC_NONCE_LEN], const uint8_t server_nonce[HC_NONCE_LEN],
		  const uint8_t *binding, const uint8_t mac[HC_MAC_LEN])
{
	uint8_t want[HC_MAC_LEN];
	int r = hc_auth_mac(key, role, client_nonce, server_nonce, binding, want);

	if (r == 0 && sodium_memcmp(want, mac, HC_MAC_LEN) != 0)
		r = -EACCES;
	sodium_memzero(want, sizeof(want));
	return r;
}

int hc_random(void *buf, size_t len)
{
	if (sodium_init() < 0)
		return -EIO;
	randombytes_buf(buf, len);
	return 0;
}
