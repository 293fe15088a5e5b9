/*
 * tls_probe.h: RFC 9289's upgrade probe: a NULL call with credential flavor AUTH_TLS, whose
 * answer carries the verifier "STARTTLS" when the server will run TLS on the connection.
 */
#ifndef HC_TLS_PROBE_H
#define HC_TLS_PROBE_H

#include <stddef.h>
#include <stdint.h>

#define HC_AUTH_TLS 7                   /* the credential flavor (RFC 9289 section 8.1) */
#define HC_STARTTLS "STARTTLS"          /* the verifier body of a server that agrees */
#define HC_TLS_PROBE_LEN 44             /* record mark and the ten words of the call */
#define HC_TLS_PROBE_REPLY_MAX 400      /* longer answers to a NULL call are no answer */

/* hc_tls_probe_encode - the probe call with @xid, record-marked, into @buf. Returns: its length. */
size_t hc_tls_probe_encode(uint32_t xid, unsigned char buf[HC_TLS_PROBE_LEN]);

/*
 * hc_tls_probe_reply - what the reply record @rec (its fragment, without the mark) to the probe
 * with @xid says. Returns: 1 (STARTTLS: begin the handshake), 0 (the server does not do TLS
 * here), or -EPROTO (not a reply to it).
 */
int hc_tls_probe_reply(const unsigned char *rec, size_t len, uint32_t xid);

/*
 * hc_tls_probe - send the probe on connected socket @fd and read its answer within @timeout_ms.
 * Returns: 1, 0 or -EPROTO as hc_tls_probe_reply(), -ETIMEDOUT, or -ECONNRESET.
 */
int hc_tls_probe(int fd, int timeout_ms);

#endif
