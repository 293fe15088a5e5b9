/* auth.c: the shadow's half of the key proof: nonce exchange, the client's proof, the gate. */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "auth.h"
#include "log.h"
#include "shadow.h"

/* The TLS session's channel binding, which both proofs cover, where the session runs TLS. */
static const uint8_t *binding_of(const struct shadow *sh)
{
	return sh->has_binding ? sh->binding : NULL;
}

int shadow_auth_begin(struct shadow *sh, void *args, void *res)
{
	hc_auth_begin_args *a = args;
	hc_auth_begin_res *r = res;
	hc_auth_begin_ok *ok = &r->hc_auth_begin_res_u.ok;

	if (sh->authenticated || sh->auth_stage != 0 || !sh->opts.has_key) {
		r->err = HC_EINVAL;
		return 0;
	}
	memcpy(sh->client_nonce, a->client_nonce, HC_NONCE_LEN);
	if (hc_random(sh->server_nonce, HC_NONCE_LEN) != 0 ||
	    hc_auth_mac(sh->opts.key, HC_AUTH_SERVER, sh->client_nonce, sh->server_nonce, binding_of(sh),
			(uint8_t *)ok->server_mac) != 0) {
		r->err = HC_EIO;
		return 0;
	}
	memcpy(ok->server_nonce, sh->server_nonce, HC_NONCE_LEN);
	sh->auth_stage = 1;
	r->err = HC_OK;
	return 0;
}

static void tell_hostcalld(struct shadow *sh)
{
	char msg = 'A';

	if (sh->ctl_fd >= 0 && send(sh->ctl_fd, &msg, 1, MSG_NOSIGNAL) != 1)
		log_warn("could not tell hostcalld the session is authenticated");
}

int shadow_auth_finish(struct shadow *sh, void *args, void *res)
{
	hc_auth_finish_args *a = args;
	hc_err *r = res;

	if (sh->auth_stage != 1) {
		*r = HC_EINVAL;
		return 0;
	}
	sh->auth_stage = 2;
	if (hc_auth_check(sh->opts.key, HC_AUTH_CLIENT, sh->client_nonce, sh->server_nonce, binding_of(sh),
			  (uint8_t *)a->client_mac) != 0) {
		log_warn("authentication failed: wrong key proof; closing the connection");
		*r = HC_EAUTH;
		sh->ending = 1;
		return 0;
	}
	sh->authenticated = 1;
	alarm(0);
	signal(SIGALRM, SIG_IGN);   /* hostcalld ends waiting places with it: no longer ours to fear */
	tell_hostcalld(sh);
	log_info("session authenticated");
	*r = HC_OK;
	return 0;
}
