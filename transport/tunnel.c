/* tunnel.c: a pump thread between a TLS connection and a socketpair (tunnel.h). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "tunnel.h"

struct hc_tunnel {
	struct hc_tls *tls;
	int net;                /* the TCP socket TLS runs on */
	int pump_end;           /* our end of the socketpair */
	int detached;
	pid_t owner;            /* the process the thread runs in */
	pthread_t thread;
	struct hc_tunnel *next_left;
};

/*
 * A forked child's copies of its parent's tunnels: their TLS state may be mid-record and is
 * not ours to free or end; they stay reachable here until the child exits.
 */
static struct hc_tunnel *left_by_fork;

/* Detached tunnels whose pump still runs. */
static atomic_int detached_running;

static void tunnel_free(struct hc_tunnel *tu)
{
	hc_tls_free(tu->tls);
	close(tu->net);
	close(tu->pump_end);
	free(tu);
}

static void *pump_thread(void *arg)
{
	struct hc_tunnel *tu = arg;

	hc_tls_pump(tu->tls, tu->pump_end);
	shutdown(tu->pump_end, SHUT_RDWR);   /* the plain side sees the end, whatever ended it */
	if (tu->detached) {
		tunnel_free(tu);
		atomic_fetch_sub(&detached_running, 1);
	}
	return NULL;
}

/* Start a thread with every signal blocked: they belong to the program's own threads. */
static int start_quiet(pthread_t *th, int detached, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	pthread_attr_t attr;
	int r;

	sigfillset(&all);
	pthread_attr_init(&attr);
	if (detached)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(th, &attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return -r;
}

int hc_thread_detach(void *(*fn)(void *), void *arg)
{
	pthread_t th;

	return start_quiet(&th, 1, fn, arg);
}

int hc_thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	return start_quiet(th, 0, fn, arg);
}

int hc_tunnel_start(struct hc_tls *t, int net, int floor, int detached, int *app,
		    struct hc_tunnel **out)
{
	struct hc_tunnel *tu = calloc(1, sizeof(*tu));
	int sp[2] = { -1, -1 }, r = -ENOMEM;

	if (out)
		*out = NULL;
	if (!tu)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		r = -errno;
		goto fail;
	}
	if ((sp[0] = hc_fd_lift(sp[0], floor)) < 0 || (sp[1] = hc_fd_lift(sp[1], floor)) < 0) {
		r = sp[0] < 0 ? sp[0] : sp[1];
		goto fail;
	}
	*tu = (struct hc_tunnel){ t, net, sp[0], detached, getpid(), 0, NULL };
	if (detached)
		atomic_fetch_add(&detached_running, 1);
	if ((r = start_quiet(&tu->thread, detached, pump_thread, tu)) != 0) {
		if (detached)
			atomic_fetch_sub(&detached_running, 1);
		close(sp[1]);
		tunnel_free(tu);
		return r;
	}
	*app = sp[1];
	if (out && !detached)
		*out = tu;
	return 0;
fail:
	for (int i = 0; i < 2; i++)
		if (sp[i] >= 0)
			close(sp[i]);
	free(tu);
	hc_tls_free(t);
	close(net);
	return r;
}

void hc_tunnel_stop(struct hc_tunnel *tu, int grace_ms)
{
	struct timespec until;

	if (!tu)
		return;
	if (tu->owner != getpid()) {   /* a fork: the TLS state is the parent's to end */
		close(tu->net);
		close(tu->pump_end);
		tu->next_left = left_by_fork;
		left_by_fork = tu;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += grace_ms / 1000;
	until.tv_nsec += (long)(grace_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(tu->thread, NULL, &until) != 0) {
		shutdown(tu->net, SHUT_RDWR);   /* no answer to our close_notify: end it */
		pthread_join(tu->thread, NULL);
	}
	tunnel_free(tu);
}

int hc_tunnel_drain(int ms)
{
	long long deadline = hc_now_ms() + ms;

	while (atomic_load(&detached_running) > 0 && hc_now_ms() < deadline)
		usleep(2000);
	return atomic_load(&detached_running);
}
