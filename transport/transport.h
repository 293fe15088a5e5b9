/* transport.h: the abstract transport: a const ops table per backend, inline wrappers, registry. */
#ifndef HC_TRANSPORT_H
#define HC_TRANSPORT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <rpc/rpc.h>

#include "rpc/hostcall.h"

struct hc_transport;

/* hc_xdr_void - the XDR routine of an empty argument or result. */
static inline bool_t hc_xdr_void(XDR *x, void *p)
{
	(void)x;
	(void)p;
	return TRUE;
}

/* What the guest sends after dialling a stream connection. */
#define HC_STREAM_MAGIC "HCS1"
#define HC_STREAM_HELLO_LEN (4 + 4 + HC_TOKEN_LEN)
/*
 * A stream of a session in TLS: this magic and the shadow's pid in clear (hostcalld routes by
 * it), then the TLS handshake, then the token inside TLS, and the host's ACK.
 */
#define HC_STREAM_TLS_MAGIC "HCT1"
#define HC_STREAM_TLS_HELLO_LEN 8
/*
 * When the host end of a stream into a host file fails (ENOSPC, EIO, EFBIG …), the shadow
 * sends this magic and the hc_err, 4 bytes big-endian, back the other way before it closes
 * the stream: the guest learns why its writes broke (hc_stream_finish()).
 */
#define HC_STREAM_FAULT_MAGIC "HCE!"
#define HC_STREAM_FAULT_LEN 8
/* The byte the host answers once the stream is joined. */
#define HC_STREAM_ACK 0x06

/* What hc_connect() gives a backend beyond the URL. */
struct hc_open_params {
	const uint8_t *key;    /* the shared key (HC_KEY_LEN bytes), or NULL: none was given */
	int tls;               /* enum hc_tls_mode, never HC_TLS_DEFAULT */
	const char *tls_cert, *tls_cert_key, *tls_ca;   /* certificates for TLS, or NULL */
};

struct hc_transport_ops {
	const char *scheme;    /* the URL scheme this backend serves, without ':' */
	int needs_key;         /* the host demands the shared-key proof */
	/* open - connect to @where (the URL after "scheme:"). Returns: 0 or -errno. */
	int (*open)(const char *where, const struct hc_open_params *p, struct hc_transport **out);
	/* call - one hostcall: encode @args, wait at most @timeout_ms, decode @res. */
	int (*call)(struct hc_transport *t, uint32_t proc, xdrproc_t xargs, void *args,
		    xdrproc_t xres, void *res, int timeout_ms);
	/*
	 * stream_dial - open the guest ends of the @n streams @tickets name, all
	 * dialled before any answer is awaited. Returns: 0 (@fds filled) or -errno.
	 */
	int (*stream_dial)(struct hc_transport *t, const hc_stream_ticket *tickets, int n,
			   int timeout_ms, int *fds);
	/*
	 * io - optional: HC_READ, HC_WRITE, HC_PREAD or HC_PWRITE (@proc; @off for
	 * the last two) of at most HC_IO_MAX bytes, moved between @buf and the
	 * host with no XDR. Returns: bytes or -errno.
	 */
	ssize_t (*io)(struct hc_transport *t, uint32_t proc, hc_handle h, uint64_t off, void *buf,
		      size_t len, int timeout_ms);
	/*
	 * pread_view - optional: HC_PREAD of at most HC_IO_MAX bytes left where
	 * they arrived, *@data pointing at them until the next call on @t.
	 * Returns: bytes or -errno.
	 */
	ssize_t (*pread_view)(struct hc_transport *t, hc_handle h, uint64_t off, size_t len,
			      const void **data, int timeout_ms);
	/*
	 * module_block - optional (with module_call): where a module call's block
	 * is laid out in the transport's own memory, 8-byte aligned, valid until
	 * the next call on @t; *@cap: its room (at most HC_BLOCK_MAX). Returns: it.
	 */
	void *(*module_block)(struct hc_transport *t, size_t *cap);
	/*
	 * module_call - optional: HC_MODULE_CALL of function @func of module
	 * @module on the @len bytes (at most the room) already in module_block();
	 * only module, func and len are XDR. The answer replaces the block, as
	 * long as it. Returns: 0 or -errno (the host's refusal, or -EPROTO).
	 */
	int (*module_call)(struct hc_transport *t, int module, uint32_t func, size_t len,
			   int timeout_ms);
	/*
	 * binding - optional: the channel binding of the TLS session under @t (RFC 9266
	 * tls-exporter), which the key proofs cover. Returns: 0, or -ENOSYS when none runs.
	 */
	int (*binding)(struct hc_transport *t, uint8_t out[32]);
	/* security - optional: what protects @t, for people ("TLSv1.3 …"). Returns: 1, or 0: nothing. */
	int (*security)(struct hc_transport *t, char *buf, size_t len);
	void (*close)(struct hc_transport *t);
};

/* Every backend's transport starts with this. */
struct hc_transport {
	const struct hc_transport_ops *ops;
};

static inline int hc_transport_call(struct hc_transport *t, uint32_t proc, xdrproc_t xargs,
				    void *args, xdrproc_t xres, void *res, int timeout_ms)
{
	return t->ops->call(t, proc, xargs, args, xres, res, timeout_ms);
}

static inline int hc_transport_stream_dial(struct hc_transport *t,
					   const hc_stream_ticket *tickets, int n, int timeout_ms,
					   int *fds)
{
	return t->ops->stream_dial(t, tickets, n, timeout_ms, fds);
}

static inline void hc_transport_close(struct hc_transport *t)
{
	if (t)
		t->ops->close(t);
}

static inline int hc_transport_needs_key(const struct hc_transport *t)
{
	return t->ops->needs_key;
}

/*
 * hc_transport_lookup - the backend serving @url's scheme.
 * Returns: the ops table, or NULL when no backend has that scheme.
 */
const struct hc_transport_ops *hc_transport_lookup(const char *url, const char **where);

/*
 * hc_set_connect_error - say why the hc_connect() now failing failed, beyond its
 * errno (read back with hc_connect_error()); printf-style.
 */
void hc_set_connect_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* hc_transport_open - look up @url's backend and open it with @p. Returns: 0 or -errno. */
int hc_transport_open(const char *url, const struct hc_open_params *p, struct hc_transport **out);

/* hc_transport_binding - @t's channel binding. Returns: 0, or -ENOSYS when it has none. */
static inline int hc_transport_binding(struct hc_transport *t, uint8_t out[32])
{
	return t->ops->binding ? t->ops->binding(t, out) : -ENOSYS;
}

#endif
