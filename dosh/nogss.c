/* nogss.c: dosh links libtirpc statically, without RPCSEC_GSS, so that it starts as fast as dash. */
#include <rpc/rpc.h>

#include "nogss.h"

/*
 * libtirpc's TCP client asks of each call whether the CLIENT holds an RPCSEC_GSS context
 * (auth_gss.c answers, and needs MIT's GSS-API, whose seven shared libraries cost a dash's
 * whole start-up to load). No CLIENT of dosh's can: it authenticates with AUTH_NONE and the
 * hostcall HMAC, and without auth_gss.c no GSS credential can even be made. So the answer is
 * the one libtirpc itself would give for every CLIENT dosh has.
 */
bool_t is_authgss_client(CLIENT *clnt)
{
	(void)clnt;
	return FALSE;
}
