/* tls.c: TLS 1.3 with an external PSK and (EC)DHE under ONC RPC, on OpenSSL 3 (tls.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/sockios.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>

#include "io.h"
#include "tls.h"

#define TLS_RECORD_MAX (16 * 1024)
#define PUMP_BUF (4 * TLS_RECORD_MAX)   /* records moved per wake-up, each way */

struct hc_tls {
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
	int x509;               /* mutual TLS with certificates, not the PSK */
	int broken;             /* a fatal error: no close_notify may follow (SSL_get_error(3)) */
	uint8_t psk[HC_TLS_PSK_LEN];
	struct hc_tls *next_left;   /* on left_by_fork */
};

/* A forked child's copies of its parent's connections (hc_tls_abandon), until it exits. */
static struct hc_tls *left_by_fork;

/* One direction of the pump: bytes read from one side, waiting to be written to the other. */
struct pump_dir {
	char buf[PUMP_BUF];
	size_t off, len;
	int eof;                /* the reading side has ended */
};

/*
 * OpenSSL without its exit handler: pump threads may still run when a process exits, and must
 * not find its global state freed under them.
 */
static void init_openssl(void)
{
	OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT, NULL);
}

int hc_tls_psk_derive(const uint8_t key[HC_KEY_LEN], uint8_t psk[HC_TLS_PSK_LEN])
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	EVP_KDF *kdf = pthread_once(&once, init_openssl) == 0 ? EVP_KDF_fetch(NULL, "HKDF", NULL) : NULL;
	EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, HC_KEY_LEN),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)HC_TLS_PSK_SALT,
						  sizeof(HC_TLS_PSK_SALT) - 1),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)HC_TLS_PSK_INFO,
						  sizeof(HC_TLS_PSK_INFO) - 1),
		OSSL_PARAM_construct_end(),
	};
	int ok = kctx && EVP_KDF_derive(kctx, psk, HC_TLS_PSK_LEN, params) == 1;

	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return ok ? 0 : -EIO;
}

/* ---- the PSK, as a TLS 1.3 session of TLS_AES_128_GCM_SHA256 (a SHA-256 hash) ---- */

static const unsigned char aes128gcm_sha256[] = { 0x13, 0x01 };

static SSL_SESSION *psk_session(SSL *ssl, const struct hc_tls *t)
{
	const SSL_CIPHER *c = SSL_CIPHER_find(ssl, aes128gcm_sha256);
	SSL_SESSION *s = c ? SSL_SESSION_new() : NULL;

	if (s && SSL_SESSION_set1_master_key(s, t->psk, sizeof(t->psk)) &&
	    SSL_SESSION_set_cipher(s, c) && SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION))
		return s;
	SSL_SESSION_free(s);
	return NULL;
}

static int use_psk(SSL *ssl, const EVP_MD *md, const unsigned char **id, size_t *idlen,
		   SSL_SESSION **sess)
{
	const struct hc_tls *t = SSL_get_app_data(ssl);

	if (md && md != EVP_sha256()) {   /* after a HelloRetryRequest for another hash: none */
		*sess = NULL;
		return 1;
	}
	*id = (const unsigned char *)HC_TLS_PSK_IDENTITY;
	*idlen = sizeof(HC_TLS_PSK_IDENTITY) - 1;
	return (*sess = psk_session(ssl, t)) != NULL;
}

static int find_psk(SSL *ssl, const unsigned char *id, size_t idlen, SSL_SESSION **sess)
{
	const struct hc_tls *t = SSL_get_app_data(ssl);

	*sess = NULL;   /* an unknown identity: no PSK, and with no certificate, no handshake */
	if (idlen != sizeof(HC_TLS_PSK_IDENTITY) - 1 || memcmp(id, HC_TLS_PSK_IDENTITY, idlen) != 0)
		return 1;
	return (*sess = psk_session(ssl, t)) != NULL;
}

/* The server takes "sunrpc" or nothing: a ClientHello without it ends the handshake. */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned int inlen, void *arg)
{
	(void)ssl;
	(void)arg;
	for (unsigned int i = 0; i < inlen; i += 1u + in[i]) {
		if (i + 1u + in[i] > inlen)
			break;
		if (in[i] == sizeof(HC_TLS_ALPN) - 1 && memcmp(in + i + 1, HC_TLS_ALPN, in[i]) == 0) {
			*out = in + i + 1;
			*outlen = in[i];
			return SSL_TLSEXT_ERR_OK;
		}
	}
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* Mutual TLS: our certificate and key, and the CA the peer's must chain to (required). */
static int use_certificates(SSL_CTX *ctx, const struct hc_tls_creds *c)
{
	if (SSL_CTX_use_certificate_chain_file(ctx, c->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, c->cert_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1 || SSL_CTX_load_verify_locations(ctx, c->ca, NULL) != 1)
		return -ENOKEY;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return 0;
}

/* The client's check of the server's certificate: it names @name (a host name or an address). */
static int expect_peer_name(SSL *ssl, const char *name)
{
	X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

	if (!name || !*name)
		return 0;
	if (X509_VERIFY_PARAM_set1_ip_asc(vp, name) == 1)
		return 0;
	return SSL_set1_host(ssl, name) == 1 ? 0 : -EINVAL;
}

static SSL_CTX *new_ctx(enum hc_tls_role role, int x509)
{
	static const unsigned char alpn[] = "\x06" HC_TLS_ALPN;
	SSL_CTX *ctx = SSL_CTX_new(role == HC_TLS_CLIENT ? TLS_client_method() : TLS_server_method());

	if (!ctx)
		return NULL;
	/* TLS 1.3 only, SHA-256 suites for the PSK, no tickets; SSL_OP_ALLOW_NO_DHE_KEX stays off */
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256") ||
	    !SSL_CTX_set_num_tickets(ctx, 0) ||
	    (role == HC_TLS_CLIENT && SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn) - 1) != 0)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_max_early_data(ctx, 0);
	SSL_CTX_set_read_ahead(ctx, 1);   /* records in as few reads as they came (SSL_has_pending) */
	if (role == HC_TLS_SERVER)
		SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
	if (x509)
		return ctx;
	if (role == HC_TLS_CLIENT)
		SSL_CTX_set_psk_use_session_callback(ctx, use_psk);
	else
		SSL_CTX_set_psk_find_session_callback(ctx, find_psk);
	return ctx;
}

/* ---- waiting ---- */

/* Wait for what SSL error @err asks of @fd. Returns: 0, -ETIMEDOUT, or -EPROTO (another error). */
static int wait_for(int fd, int err, long long deadline)
{
	struct pollfd p = { .fd = fd };
	long long left = deadline - hc_now_ms();

	if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
		return -EPROTO;
	p.events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
	if (left <= 0 || poll(&p, 1, (int)left) <= 0)
		return -ETIMEDOUT;
	return 0;
}

/* A handshake that ended in error: why, in an errno. */
static int handshake_error(int err)
{
	unsigned long e = ERR_peek_last_error();

	ERR_clear_error();
	if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN)
		return -ECONNRESET;
	if (ERR_GET_LIB(e) == ERR_LIB_SSL)
		return -EACCES;   /* binder does not verify, no shared PSK or ALPN: refused */
	return -EPROTO;
}

/*
 * After the handshake: "sunrpc" agreed, and the PSK was used (no certificate took its place)
 * or, in mutual TLS, the peer's certificate verified against the CA.
 */
static int check_session(const struct hc_tls *t)
{
	const unsigned char *alpn = NULL;
	unsigned int len = 0;
	int proven = t->x509 ? SSL_get0_peer_certificate(t->ssl) != NULL &&
				       SSL_get_verify_result(t->ssl) == X509_V_OK
			     : SSL_session_reused(t->ssl);

	SSL_get0_alpn_selected(t->ssl, &alpn, &len);
	if (!proven || len != sizeof(HC_TLS_ALPN) - 1 || memcmp(alpn, HC_TLS_ALPN, len) != 0)
		return -EACCES;
	return SSL_version(t->ssl) == TLS1_3_VERSION ? 0 : -EACCES;
}

static int handshake(struct hc_tls *t, enum hc_tls_role role, int timeout_ms)
{
	long long deadline = hc_now_ms() + timeout_ms;
	int r, err;

	for (;;) {
		r = role == HC_TLS_CLIENT ? SSL_connect(t->ssl) : SSL_accept(t->ssl);
		if (r == 1)
			return check_session(t);
		err = SSL_get_error(t->ssl, r);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
			return handshake_error(err);
		if ((r = wait_for(t->fd, err, deadline)) != 0)
			return r;
	}
}

/* The SSL of @t, keyed by @c: the PSK of the shared key, or certificates. Returns: 0 or -errno. */
static int make_ssl(struct hc_tls *t, enum hc_tls_role role, const struct hc_tls_creds *c)
{
	int r;

	t->x509 = c->cert != NULL;
	if (!t->x509 && !c->key)
		return -ENOKEY;
	if (!t->x509 && (r = hc_tls_psk_derive(c->key, t->psk)) != 0)
		return r;
	if (!(t->ctx = new_ctx(role, t->x509)))
		return -ENOMEM;
	if (t->x509 && (r = use_certificates(t->ctx, c)) != 0)
		return r;
	if (!(t->ssl = SSL_new(t->ctx)) || !SSL_set_fd(t->ssl, t->fd))
		return -ENOMEM;
	SSL_set_app_data(t->ssl, t);
	return t->x509 && role == HC_TLS_CLIENT ? expect_peer_name(t->ssl, c->peer_name) : 0;
}

int hc_tls_open(int fd, enum hc_tls_role role, const uint8_t key[HC_KEY_LEN], int timeout_ms,
		struct hc_tls **out)
{
	struct hc_tls_creds c = { .key = key };

	return hc_tls_open_with(fd, role, &c, timeout_ms, out);
}

int hc_tls_open_with(int fd, enum hc_tls_role role, const struct hc_tls_creds *c, int timeout_ms,
		     struct hc_tls **out)
{
	struct hc_tls *t = calloc(1, sizeof(*t));
	int r = -ENOMEM, fl = fcntl(fd, F_GETFL);

	*out = NULL;
	if (!t || fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
		goto fail;
	t->fd = fd;
	if ((r = make_ssl(t, role, c)) != 0)
		goto fail;
	if ((r = handshake(t, role, timeout_ms)) != 0)
		goto fail;
	*out = t;
	return 0;
fail:
	if (t) {
		t->broken = 1;   /* no close_notify for a handshake that did not end */
		hc_tls_free(t);
	}
	ERR_clear_error();
	return r;
}

int hc_tls_read_exact(struct hc_tls *t, void *buf, size_t len, int timeout_ms)
{
	long long deadline = hc_now_ms() + timeout_ms;
	size_t have = 0;
	int n, err, r;

	while (have < len) {
		if ((n = SSL_read(t->ssl, (char *)buf + have, (int)(len - have))) > 0) {
			have += (size_t)n;
			continue;
		}
		err = SSL_get_error(t->ssl, n);
		if (err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL) {
			t->broken = err == SSL_ERROR_SYSCALL;
			ERR_clear_error();
			return -ECONNRESET;
		}
		if ((r = wait_for(t->fd, err, deadline)) != 0) {
			t->broken = r == -EPROTO;
			ERR_clear_error();
			return r;
		}
	}
	return 0;
}

int hc_tls_exporter(struct hc_tls *t, uint8_t out[HC_TLS_EXPORTER_LEN])
{
	return SSL_export_keying_material(t->ssl, out, HC_TLS_EXPORTER_LEN, HC_TLS_EXPORTER_LABEL,
					  sizeof(HC_TLS_EXPORTER_LABEL) - 1, NULL, 0, 0) == 1 ? 0 : -EIO;
}

const char *hc_tls_describe(struct hc_tls *t, char *buf, size_t len)
{
	int group = SSL_get_negotiated_group(t->ssl);
	const char *g = group > 0 ? OBJ_nid2sn(group) : NULL;

	snprintf(buf, len, "%s %s %s %s", SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl),
		 g ? g : "no-(EC)DHE", t->x509 ? "x509" : SSL_session_reused(t->ssl) ? "psk" : "no-psk");
	return buf;
}

void hc_tls_free(struct hc_tls *t)
{
	if (!t)
		return;
	if (!t->broken && !(SSL_get_shutdown(t->ssl) & SSL_SENT_SHUTDOWN))
		SSL_shutdown(t->ssl);
	SSL_free(t->ssl);
	SSL_CTX_free(t->ctx);
	OPENSSL_cleanse(t->psk, sizeof(t->psk));
	free(t);
	ERR_clear_error();
}

/* ---- calls in the caller's own thread ---- */

/* An SSL call that did not succeed: what it means for @t. Returns: -errno, or 0 (wait for @err). */
static int call_failed(struct hc_tls *t, int r, int *err)
{
	*err = SSL_get_error(t->ssl, r);
	if (*err == SSL_ERROR_WANT_READ || *err == SSL_ERROR_WANT_WRITE)
		return 0;
	ERR_clear_error();
	if (*err == SSL_ERROR_ZERO_RETURN)
		return -ECONNRESET;   /* the peer's close_notify */
	t->broken = 1;
	return *err == SSL_ERROR_SYSCALL ? -ECONNRESET : -EPROTO;
}

ssize_t hc_tls_read_some(struct hc_tls *t, void *buf, size_t len)
{
	int n, err, r;

	if (t->broken)
		return -ECONNRESET;
	if ((n = SSL_read(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len)) > 0)
		return n;
	if ((r = call_failed(t, n, &err)) != 0)
		return r;
	if (err == SSL_ERROR_WANT_WRITE && wait_for(t->fd, err, hc_now_ms() + 1000) != 0) {
		t->broken = 1;   /* a key update to answer that the peer does not take */
		return -ECONNRESET;
	}
	return 0;
}

int hc_tls_write_all(struct hc_tls *t, const void *buf, size_t len, int timeout_ms)
{
	long long deadline = hc_now_ms() + timeout_ms;
	size_t done = 0;
	int n, err, r;

	while (done < len && !t->broken) {
		size_t chunk = len - done > INT_MAX ? INT_MAX : len - done;
		/* a retry after WANT_* passes the same bytes again, as SSL_write(3) requires */
		if ((n = SSL_write(t->ssl, (const char *)buf + done, (int)chunk)) > 0) {
			done += (size_t)n;
			continue;
		}
		if ((r = call_failed(t, n, &err)) != 0)
			return r;
		if ((r = wait_for(t->fd, err, deadline)) != 0) {
			t->broken = 1;   /* a record half written: nothing more can follow it */
			return r;
		}
	}
	return t->broken ? -ECONNRESET : 0;
}

size_t hc_tls_pending(struct hc_tls *t)
{
	return SSL_has_pending(t->ssl) ? 1 : 0;
}

int hc_tls_fd(const struct hc_tls *t)
{
	return t->fd;
}

/* Our bytes still unacknowledged in the socket's send queue. */
static int unsent(int fd)
{
	int n = 0;

	return ioctl(fd, SIOCOUTQ, &n) == 0 ? n : 0;
}

/*
 * After our close_notify and FIN, the peer's last records are read and dropped until it has
 * taken all we sent (closing on unread bytes would reset the connection and lose our last
 * bytes), at most @grace_ms.
 */
static void linger(struct hc_tls *t, int grace_ms)
{
	long long deadline = hc_now_ms() + grace_ms;
	char drop[4096];

	while (unsent(t->fd) > 0 && hc_now_ms() < deadline) {
		struct pollfd p = { .fd = t->fd, .events = POLLIN };
		if (poll(&p, 1, 5) > 0 && recv(t->fd, drop, sizeof(drop), MSG_DONTWAIT) == 0)
			break;
	}
}

void hc_tls_close(struct hc_tls *t, int grace_ms)
{
	long long deadline = hc_now_ms() + grace_ms;
	int r, err;

	if (!t)
		return;
	while (!t->broken && !(SSL_get_shutdown(t->ssl) & SSL_SENT_SHUTDOWN)) {
		if ((r = SSL_shutdown(t->ssl)) >= 0)
			break;
		if (call_failed(t, r, &err) != 0 || wait_for(t->fd, err, deadline) != 0)
			t->broken = 1;
	}
	shutdown(t->fd, SHUT_WR);
	linger(t, grace_ms);
	close(t->fd);
	t->broken = 1;   /* the close_notify is out, or cannot be */
	hc_tls_free(t);
}

void hc_tls_abandon(struct hc_tls *t)
{
	if (!t)
		return;
	close(t->fd);
	t->next_left = left_by_fork;   /* another thread's call may have been mid-record at fork */
	left_by_fork = t;
}

/* ---- the pump ---- */

struct pump {
	struct hc_tls *t;
	int plain;
	struct pump_dir in;     /* decrypted from TLS, for @plain */
	struct pump_dir out;    /* read from @plain, for TLS */
	int notify_sent;        /* our close_notify is out */
	int plain_shut;         /* the peer's end passed on to the plain side */
	int discard;            /* the plain side takes no more: what TLS brings is dropped */
	long long linger_until; /* then: how long the peer may go on sending before we end */
	short tls_events;       /* what the last SSL calls wait for on the socket */
	int failed;             /* -errno */
};

/*
 * After our close_notify, with the plain side gone, the peer's records are read and dropped
 * until the peer has acknowledged all we sent, at most this long (a lingering close): closing
 * on unread bytes resets the connection and throws away what is still queued to go, the last
 * bytes of a stream (its fault report) with it. Then the reset tells the peer's writer.
 */
#define LINGER_MS 2000
#define LINGER_POLL_MS 5

/* An SSL call on @p returned @r: note what it waits for, or the failure. Returns: 0. */
static int ssl_wait(struct pump *p, int r)
{
	int err = SSL_get_error(p->t->ssl, r);

	if (err == SSL_ERROR_WANT_READ)
		p->tls_events |= POLLIN;
	else if (err == SSL_ERROR_WANT_WRITE)
		p->tls_events |= POLLOUT;
	else {
		p->t->broken = 1;
		p->failed = err == SSL_ERROR_SYSCALL ? -ECONNRESET : -EPROTO;
	}
	ERR_clear_error();
	return 0;
}

/* TLS to the buffer, while it is empty: as many records as have come and fit. Returns: progress made. */
static int tls_in(struct pump *p)
{
	int n, got = 0;

	if (p->in.len || p->in.eof)
		return 0;
	p->in.off = 0;
	while (p->in.len + TLS_RECORD_MAX <= sizeof(p->in.buf)) {
		n = SSL_read(p->t->ssl, p->in.buf + p->in.len, (int)(sizeof(p->in.buf) - p->in.len));
		if (n > 0) {
			p->in.len += p->discard ? 0 : (size_t)n;
			got = 1;
			continue;
		}
		if (SSL_get_error(p->t->ssl, n) == SSL_ERROR_ZERO_RETURN) {   /* the peer's close_notify */
			p->in.eof = 1;   /* plain_out ends the plain side once the buffer is out */
			return 1;
		}
		if (!got)
			return ssl_wait(p, n);
		ERR_clear_error();   /* nothing more yet: the next round waits for it */
		break;
	}
	return 1;
}

/* The buffer to the plain socket. Returns: progress made. */
static int plain_out(struct pump *p)
{
	ssize_t n;

	if (!p->in.len && p->in.eof && !p->plain_shut) {
		shutdown(p->plain, SHUT_WR);
		p->plain_shut = 1;
		return 1;
	}
	if (!p->in.len)
		return 0;
	n = send(p->plain, p->in.buf + p->in.off, p->in.len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0) {   /* the plain side is gone: what TLS brings has nowhere to go */
		p->in.len = 0;
		p->discard = 1;
		return 1;
	}
	p->in.off += (size_t)n;
	p->in.len -= (size_t)n;
	return 1;
}

/* The plain socket to the buffer. Returns: progress made. */
static int plain_in(struct pump *p)
{
	ssize_t n;

	if (p->out.len || p->out.eof)
		return 0;
	n = recv(p->plain, p->out.buf, sizeof(p->out.buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		p->out.eof = 1;
		return 1;
	}
	p->out.off = 0;
	p->out.len = (size_t)n;
	return 1;
}

/* The buffer to TLS; after the plain side's end, our close_notify. Returns: progress made. */
static int tls_out(struct pump *p)
{
	int n;

	if (p->out.len) {
		if ((n = SSL_write(p->t->ssl, p->out.buf + p->out.off, (int)p->out.len)) <= 0)
			return ssl_wait(p, n);
		p->out.off += (size_t)n;
		p->out.len -= (size_t)n;
		return 1;
	}
	if (!p->out.eof || p->notify_sent)
		return 0;
	if ((n = SSL_shutdown(p->t->ssl)) < 0)
		return ssl_wait(p, n);
	p->notify_sent = 1;
	return 1;
}

static int pump_done(struct pump *p)
{
	if (p->notify_sent && p->discard && !p->linger_until)
		p->linger_until = hc_now_ms() + LINGER_MS;
	return p->failed || (p->notify_sent && p->plain_shut) ||
	       (p->linger_until && (unsent(p->t->fd) == 0 || hc_now_ms() >= p->linger_until));
}

/* Wait until one side can move: the socket as the SSL calls asked, the plain one as the buffers do. */
static int pump_wait(struct pump *p)
{
	struct pollfd pf[2] = { { .fd = p->t->fd, .events = p->tls_events },
				{ .fd = p->plain, .events = 0 } };
	long long left = p->linger_until ? LINGER_POLL_MS : -1;   /* an emptied queue wakes nobody */

	if (!p->out.len && !p->out.eof)
		pf[1].events |= POLLIN;
	if (p->in.len)
		pf[1].events |= POLLOUT;
	if (!pf[0].events && !pf[1].events)
		pf[0].events = POLLIN;   /* only the peer's close_notify is still to come */
	if (poll(pf, 2, (int)left) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

int hc_tls_pump(struct hc_tls *t, int plain)
{
	struct pump *p = calloc(1, sizeof(*p));
	int r = 0;

	if (!p)
		return -ENOMEM;
	p->t = t;
	p->plain = plain;
	while (!pump_done(p)) {
		int progress;
		do {   /* until nothing moves: SSL may hold several records that poll() cannot see */
			p->tls_events = 0;
			progress = tls_in(p) | plain_out(p) | plain_in(p) | tls_out(p);
		} while (progress && !pump_done(p));
		if (pump_done(p) || (r = pump_wait(p)) != 0)
			break;
	}
	r = pump_done(p) ? p->failed : r;
	free(p);
	return r;
}
