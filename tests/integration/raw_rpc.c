/* raw_rpc.c: test support: bare connections, hand-made ONC RPC clients and authentication (raw_rpc.h). */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "auth.h"
#include "keyfile.h"
#include "oncrpc_client.h"
#include "raw_rpc.h"
#include "rpc/hostcall.h"
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
