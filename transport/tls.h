/*
 * tls.h: TLS 1.3 under ONC RPC (RFC 9289) for tcp: sessions: the external PSK derived from the
 * shared key, the handshake on a connected socket, the channel binding, and the pump that
 * moves bytes between the TLS connection and a plain socket that libtirpc serves.
 */
#ifndef HC_TLS_H
#define HC_TLS_H

#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

#include "keyfile.h"

/* The only ALPN protocol id either side accepts (RFC 9289 section 8.2). */
#define HC_TLS_ALPN "sunrpc"
/* HKDF-SHA256 of the shared key: the external PSK. The salt and info below are the protocol. */
#define HC_TLS_PSK_SALT "hostcall"
#define HC_TLS_PSK_INFO "hostcall tls13 external psk v1"
#define HC_TLS_PSK_LEN 32
/* The PSK's identity in the ClientHello: a constant, it names no user. */
#define HC_TLS_PSK_IDENTITY "hostcall-shared-key-v1"
/* RFC 9266's tls-exporter: this label, no context, this many bytes. */
#define HC_TLS_EXPORTER_LABEL "EXPORTER-Channel-Binding"
#define HC_TLS_EXPORTER_LEN 32

enum hc_tls_role { HC_TLS_CLIENT, HC_TLS_SERVER };

struct hc_tls;

/* hc_tls_psk_derive - the external PSK of shared key @key. Returns: 0 or -EIO. */
int hc_tls_psk_derive(const uint8_t key[HC_KEY_LEN], uint8_t psk[HC_TLS_PSK_LEN]);

/*
 * hc_tls_open - run the TLS 1.3 handshake as @role on connected socket @fd (made non-blocking)
 * with the PSK of @key, (EC)DHE always (forward secrecy), ALPN "sunrpc" required, no session
 * tickets, no 0-RTT, within @timeout_ms. @fd stays the caller's.
 * Returns: 0, -EACCES (another key, no "sunrpc": refused), -ETIMEDOUT, -ECONNRESET, -EPROTO.
 */
int hc_tls_open(int fd, enum hc_tls_role role, const uint8_t key[HC_KEY_LEN], int timeout_ms,
		struct hc_tls **out);

/*
 * hc_tls_read_exact - read exactly @len bytes of application data from @t within @timeout_ms,
 * before any pump runs (what follows stays buffered for it).
 * Returns: 0, -ETIMEDOUT, -ECONNRESET (ended first), or -EPROTO.
 */
int hc_tls_read_exact(struct hc_tls *t, void *buf, size_t len, int timeout_ms);

/* What a TLS connection is keyed by: the shared key's PSK, or (all three files) certificates. */
struct hc_tls_creds {
	const uint8_t *key;         /* HC_KEY_LEN bytes: the external PSK is derived from it */
	const char *cert;           /* PEM: our certificate chain; set, it replaces the PSK */
	const char *cert_key;       /* PEM: its private key */
	const char *ca;             /* PEM: the CA the peer's certificate must chain to */
	const char *peer_name;      /* a client's: the host name or address the server's must name */
};

/*
 * hc_tls_open_with - hc_tls_open() keyed by @c: with c->cert, mutual TLS (each side's
 * certificate verified against c->ca; a client's server by c->peer_name) instead of the PSK.
 * Returns: as hc_tls_open(), and -ENOKEY when a key or certificate file cannot be used.
 */
int hc_tls_open_with(int fd, enum hc_tls_role role, const struct hc_tls_creds *c, int timeout_ms,
		     struct hc_tls **out);

/* hc_tls_exporter - @t's channel binding (RFC 9266 tls-exporter). Returns: 0 or -EIO. */
int hc_tls_exporter(struct hc_tls *t, uint8_t out[HC_TLS_EXPORTER_LEN]);

/* hc_tls_describe - what @t runs, for the log: "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519 psk". Returns: @buf. */
const char *hc_tls_describe(struct hc_tls *t, char *buf, size_t len);

/*
 * hc_tls_pump - move bytes both ways between @t and plain socket @plain until both have ended:
 * an end of file on @plain sends close_notify, a close_notify ends @plain's writing. Blocks:
 * run it in a thread or process of its own; SIGPIPE should be ignored or blocked there.
 * Returns: 0 when both ended cleanly, or -errno (-EPROTO: a record failed its check, or the
 * peer's end came without close_notify).
 */
int hc_tls_pump(struct hc_tls *t, int plain);

/*
 * hc_tls_read_some - up to @len bytes of application data, without waiting (the socket is
 * non-blocking). Returns: how many, 0 when none has come yet (poll @t's fd, but only once
 * hc_tls_pending() is 0), -ECONNRESET when the peer has ended (close_notify or not), -EPROTO.
 */
ssize_t hc_tls_read_some(struct hc_tls *t, void *buf, size_t len);

/*
 * hc_tls_write_all - all @len bytes as application data within @timeout_ms, waiting on the
 * socket as needed. Returns: 0, -ETIMEDOUT, -ECONNRESET or -EPROTO (then @t is broken).
 */
int hc_tls_write_all(struct hc_tls *t, const void *buf, size_t len, int timeout_ms);

/* hc_tls_pending - decrypted bytes OpenSSL holds for hc_tls_read_some(), that poll() cannot see. */
size_t hc_tls_pending(struct hc_tls *t);

/* hc_tls_fd - the socket @t runs on. */
int hc_tls_fd(const struct hc_tls *t);

/*
 * hc_tls_close - end @t: close_notify, our FIN, at most @grace_ms for the peer to take it all,
 * then free @t and close its socket.
 */
void hc_tls_close(struct hc_tls *t, int grace_ms);

/*
 * hc_tls_abandon - in a forked child: close @t's socket and leave its state alone (another
 * thread of the parent may have been inside it), without a word to the peer.
 */
void hc_tls_abandon(struct hc_tls *t);

/* hc_tls_free - free @t (after a close_notify if the session is still up); its fd stays open. */
void hc_tls_free(struct hc_tls *t);

#endif
