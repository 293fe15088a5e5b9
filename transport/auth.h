/* auth.h: the HMAC-SHA256 challenge-response shared by libhostcall and the shadow. */
#ifndef HC_AUTH_H
#define HC_AUTH_H

#include <stdint.h>

#include "keyfile.h"
#include "rpc/hostcall.h"

enum hc_auth_role { HC_AUTH_SERVER, HC_AUTH_CLIENT };

/* The TLS session's channel binding a proof covers (RFC 9266 tls-exporter, HC_TLS_EXPORTER_LEN). */
#define HC_AUTH_BINDING_LEN 32

/*
 * hc_auth_mac - the proof of @role: HMAC-SHA256 under @key of a role label, the client nonce,
 * the server nonce and, when the session runs TLS, its channel binding @binding (NULL: none),
 * in that order, for both roles. A proof made inside one TLS session fails in any other.
 * Returns: 0 or -EIO when the crypto library cannot start.
 */
int hc_auth_mac(const uint8_t key[HC_KEY_LEN], enum hc_auth_role role,
		const uint8_t client_nonce[HC_NONCE_LEN], const uint8_t server_nonce[HC_NONCE_LEN],
		const uint8_t *binding, uint8_t mac[HC_MAC_LEN]);

/* hc_auth_check - compare @mac with the expected proof in constant time. Returns: 0 or -EACCES. */
int hc_auth_check(const uint8_t key[HC_KEY_LEN], enum hc_auth_role role,
		  const uint8_t client_nonce[HC_NONCE_LEN], const uint8_t server_nonce[HC_NONCE_LEN],
		  const uint8_t *binding, const uint8_t mac[HC_MAC_LEN]);

/* hc_random - fill @buf with @len bytes from the system CSPRNG. Returns: 0 or -EIO. */
int hc_random(void *buf, size_t len);

#endif
