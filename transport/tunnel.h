/*
 * tunnel.h: a TLS connection made into a plain socket that libtirpc, a shadow or a guest program
 * can use unchanged: a thread pumps between the TLS connection and one end of a socketpair.
 */
#ifndef HC_TUNNEL_H
#define HC_TUNNEL_H

#include <pthread.h>

#include "tls.h"

struct hc_tunnel;

/*
 * hc_tunnel_start - hand @t, running on socket @net, to a new thread that pumps it to a fresh
 * socketpair, whose other end (close-on-exec, at @floor or above) is put in *@app. The thread
 * runs with every signal blocked. @detached: the thread frees @t and closes @net itself when
 * the pump ends (*@out is left NULL); otherwise hc_tunnel_stop() does.
 * Returns: 0, or -errno (@t freed and @net closed).
 */
int hc_tunnel_start(struct hc_tls *t, int net, int floor, int detached, int *app,
		    struct hc_tunnel **out);

/*
 * hc_tunnel_stop - after the caller has closed its *@app: let the pump send close_notify and
 * end (at most @grace_ms for the peer's answer), then free it. In a forked child, which has no
 * pump thread, only the descriptors are closed: the parent's session is left as it was.
 */
void hc_tunnel_stop(struct hc_tunnel *tu, int grace_ms);

/*
 * hc_tunnel_drain - wait up to @ms for every detached tunnel of this process to end (before
 * it exits: its pumps still send their close_notify). Returns: how many still run.
 */
int hc_tunnel_drain(int ms);

/*
 * hc_thread_detach - run @fn(@arg) in a detached thread with every signal blocked (the
 * program's signals belong to its own threads). Returns: 0 or -errno.
 */
int hc_thread_detach(void *(*fn)(void *), void *arg);

/* hc_thread_start - hc_thread_detach(), but the thread is to be joined. Returns: 0 or -errno. */
int hc_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

#endif
