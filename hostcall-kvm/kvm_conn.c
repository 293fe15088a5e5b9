/* kvm_conn.c: a shadow serving a channel: wake on the doorbell's eventfd, copy out, call, answer. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "channel.h"
#include "kvm_conn.h"

struct kvm_conn {
	struct hk_channel *c;
	int efd;
	uint32_t seen;           /* the last request answered */
	uint8_t *buf;            /* the request, copied out of the guest's reach */
};

static void drain(int efd)
{
	uint64_t n;

	while (read(efd, &n, sizeof(n)) == (ssize_t)sizeof(n))
		;   /* the eventfd is non-blocking (QEMU makes it so, and so do we) */
}

static int kvm_fd(void *conn)
{
	return ((struct kvm_conn *)conn)->efd;
}

static int kvm_serve(void *conn, struct shadow *sh)
{
	struct kvm_conn *k = conn;
	uint32_t proc, len, seq;
	void *out;
	size_t outlen;
	int r;

	drain(k->efd);
	while ((r = hk_fetch(k->c, k->seen, k->buf, &proc, &len, &seq)) == 1) {
		out = NULL;
		outlen = 0;
		r = shadow_call_encoded(sh, proc, k->buf, len, &out, &outlen);
		if (r == 0 && outlen > HK_MSG_MAX)
			r = -EMSGSIZE;
		hk_answer(k->c, seq, r, out, (uint32_t)outlen);
		free(out);
		k->seen = seq;
	}
	return r < 0 ? -ECONNRESET : 0;
}

/* Inside a long call: the doorbell rang, so the guest closed the session or was found dead. */
static int kvm_hung_up(void *conn)
{
	struct kvm_conn *k = conn;

	drain(k->efd);
	return !hk_is_live(k->c);
}

static void kvm_close(void *conn)
{
	struct kvm_conn *k = conn;

	close(k->efd);
	free(k->buf);
	free(k);
}

const struct shadow_conn_ops kvm_conn_ops = {
	.fd = kvm_fd,
	.serve = kvm_serve,
	.close = kvm_close,
	.in_call_events = POLLIN,
	.hung_up = kvm_hung_up,
};

void *kvm_conn_new(struct hk_channel *c, int efd)
{
	struct kvm_conn *k = calloc(1, sizeof(*k));

	if (!k || !(k->buf = malloc(HK_MSG_MAX))) {
		free(k);
		return NULL;
	}
	k->c = c;
	k->efd = efd;
	return k;
}
