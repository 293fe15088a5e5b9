/* raw_rpc.c: test support: bare connections, hand-made ONC RPC clients, authentication and stream dials (raw_rpc.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "io.h"
#include "keyfile.h"
#include "oncrpc_client.h"
#include "raw_rpc.h"
#include "rpc/hostcall.h"
#include "transport.h"
#include "tunnel.h"
#include "url.h"

static struct timeval tv5 = { 5, 0 };

int test_raw_connect(const struct test_daemon *d)
{
	struct sockaddr_storage ss;
	struct hc_url u;
	socklen_t len;

	if (hc_url_parse(d->tcp_url, &u) != 0 || hc_url_resolve(&u, &ss, &len) != 0)
		return -1;
	return oncrpc_dial(&ss, len, 5000, 1);
}

CLIENT *test_raw_client(const struct test_daemon *d, int *fd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct netbuf nb = { sizeof(sin), sizeof(sin), &sin };

	*fd = test_raw_connect(d);
	if (*fd < 0)
		return NULL;
	return clnt_vc_create(*fd, &nb, HOSTCALL_PROG, HOSTCALL_V3, 0, 0);
}

int test_raw_authenticate(CLIENT *c, const char *keyfile)
{
	uint8_t key[HC_KEY_LEN];
	hc_auth_begin_args b;
	hc_auth_begin_res br;
	hc_auth_finish_args f;
	hc_err e = HC_EIO;

	if (hc_key_load(keyfile, key) != 0 || hc_random(b.client_nonce, HC_NONCE_LEN) != 0)
		return -1;
	memset(&br, 0, sizeof(br));
	if (clnt_call(c, HC_AUTH_BEGIN, (xdrproc_t)xdr_hc_auth_begin_args, &b,
		      (xdrproc_t)xdr_hc_auth_begin_res, &br, tv5) != RPC_SUCCESS)
		return -1;
	hc_auth_mac(key, HC_AUTH_CLIENT, (uint8_t *)b.client_nonce,
		    (uint8_t *)br.hc_auth_begin_res_u.ok.server_nonce, NULL, (uint8_t *)f.client_mac);
	if (clnt_call(c, HC_AUTH_FINISH, (xdrproc_t)xdr_hc_auth_finish_args, &f,
		      (xdrproc_t)xdr_hc_err, &e, tv5) != RPC_SUCCESS)
		return -1;
	return e == HC_OK ? 0 : -1;
}

/* The plain end of a TLS stream on @fd: the hello, the handshake, the token inside. Returns: it or -1. */
static int open_tls_stream(const struct test_daemon *d, int fd, const unsigned char *hello,
			   const char *token)
{
	uint8_t key[HC_KEY_LEN];
	struct hc_tls *tls;
	int app;

	if (hc_key_load(d->key, key) != 0 || hc_write_all(fd, hello, HC_STREAM_TLS_HELLO_LEN) != 0 ||
	    hc_tls_open(fd, HC_TLS_CLIENT, key, 5000, &tls) != 0) {
		close(fd);
		return -1;
	}
	if (hc_tunnel_start(tls, fd, 0, 1, &app, NULL) != 0)
		return -1;
	if (hc_write_all(app, token, HC_TOKEN_LEN) != 0) {
		close(app);
		return -1;
	}
	return app;
}

int test_raw_stream_dial(const struct test_daemon *d, const hc_stream_ticket *t, int tls)
{
	unsigned char hello[HC_STREAM_HELLO_LEN], ack = 0;
	uint32_t pid = htonl((uint32_t)t->shadow_pid);
	int fd = test_raw_connect(d), ok;
	struct pollfd p;

	memcpy(hello, tls ? HC_STREAM_TLS_MAGIC : HC_STREAM_MAGIC, 4);
	memcpy(hello + 4, &pid, 4);
	memcpy(hello + 8, t->token, HC_TOKEN_LEN);
	if (fd < 0)
		return -1;
	if (!tls && hc_write_all(fd, hello, sizeof(hello)) != 0) {
		close(fd);
		return -1;
	}
	if (tls && (fd = open_tls_stream(d, fd, hello, t->token)) < 0)
		return -1;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	ok = poll(&p, 1, 3000) == 1 && recv(fd, &ack, 1, 0) == 1 && ack == HC_STREAM_ACK;
	close(fd);
	return ok ? 0 : -1;
}
