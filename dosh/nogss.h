/* nogss.h: the one libtirpc function dosh answers itself, as no CLIENT of its holds a GSS context. */
#ifndef DOSH_NOGSS_H
#define DOSH_NOGSS_H

#include <rpc/rpc.h>

bool_t is_authgss_client(CLIENT *clnt);

#endif
