/* raw_rpc.h: test support: speaking ONC RPC to hostcalld by hand, as a hostile or odd peer would. */
#ifndef HC_RAW_RPC_H
#define HC_RAW_RPC_H

#include <rpc/rpc.h>

#include "harness.h"
#include "rpc/hostcall.h"

/* test_raw_connect - a bare TCP connection to @d's tcp: listener. Returns: the fd or -1. */
int test_raw_connect(const struct test_daemon *d);
/* test_raw_client - an ONC RPC client on a fresh test_raw_connect() (*@fd). Returns: it or NULL. */
CLIENT *test_raw_client(const struct test_daemon *d, int *fd);
/* test_raw_authenticate - prove @c's session with the key in @keyfile. Returns: 0 or -1. */
int test_raw_authenticate(CLIENT *c, const char *keyfile);

/*
 * test_raw_stream_dial - dial a stream of @t by hand, its token in clear or (@tls) inside a TLS
 * handshake keyed by @d's key. Returns: 0 when the host acknowledged it within 3 s, else -1.
 */
int test_raw_stream_dial(const struct test_daemon *d, const hc_stream_ticket *t, int tls);

#endif
