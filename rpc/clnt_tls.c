/* clnt_tls.c: ONC RPC calls inside TLS from the calling thread, and the relay for forked children (clnt_tls.h). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clnt_tls.h"
#include "io.h"
#include "rpc_record.h"
#include "tunnel.h"

/* How long a relayed call's request may take to go out. */
#define RELAY_SEND_TIMEOUT_MS 60000
/*
 * How long the relay waits for a reply, holding the session meanwhile: far beyond any call
 * (the host blocks a call at most HC_WAIT_MAX_MS), so only a call the host never answers
 * (its reply would not encode) is given up; its child's own timeout has told it by then.
 */
#define RELAY_REPLY_TIMEOUT_MS 300000

struct clnt_tls {
	struct hc_tls *tls;
	pthread_mutex_t lock;     /* one call at a time: a request, then its reply */
	struct rpc_record reply;  /* the reply being read */
	uint8_t *request;         /* RPC_MARK_LEN bytes of room, then the call being written */
	size_t max;
	rpcprog_t prog;
	rpcvers_t vers;
	uint32_t xid;             /* the last call's */
	int broken;               /* -errno: the session is over, every later call fails at once */
	pid_t owner;
	int relay_fd;             /* our end of the forked children's socket */
	int child_fd;             /* theirs */
	int stop_fd;              /* an eventfd: the relay thread is to end */
	pthread_t relay;
};

/* ---- waiting for a reply ---- */

static ssize_t tls_source(void *ctx, void *buf, size_t len)
{
	return hc_tls_read_some(ctx, buf, len);
}

/*
 * Poll the socket (and @stop_fd) until it has more, at most until @deadline.
 * Returns: 0, -ETIMEDOUT, or -ECANCELED (@stop_fd).
 */
static int wait_readable(struct clnt_tls *c, int stop_fd, long long deadline)
{
	struct pollfd p[2] = { { .fd = hc_tls_fd(c->tls), .events = POLLIN },
			       { .fd = stop_fd, .events = POLLIN } };
	long long left = deadline - hc_now_ms();
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	r = poll(p, 2, left > 60000 ? 60000 : (int)left);
	if (r < 0 && errno != EINTR)
		return -errno;
	return p[1].revents ? -ECANCELED : 0;
}

/*
 * Read records until the reply to @xid is whole in c->reply (the replies of calls given up
 * earlier are dropped on the way), at most until @deadline. Returns: 0, -ETIMEDOUT,
 * -ECANCELED, or -errno (the session is over: c->broken says so from now on).
 */
static int await_reply(struct clnt_tls *c, uint32_t xid, int stop_fd, long long deadline)
{
	int r;

	for (;;) {
		if ((r = rpc_record_fill(&c->reply, tls_source, c->tls)) < 0)
			return c->broken = r;
		if (r == 1 && c->reply.len >= 4 && rpc_u32(rpc_record_body(&c->reply)) == xid)
			return 0;
		if (r == 1)
			rpc_record_next(&c->reply);
		if (hc_now_ms() >= deadline)
			return -ETIMEDOUT;
		if (r == 0 && (r = wait_readable(c, stop_fd, deadline)) != 0)
			return r;
	}
}

/* The marked record @buf (@len bytes) out, in what is left until @deadline. Returns: 0 or -errno. */
static int send_request(struct clnt_tls *c, const uint8_t *buf, size_t len, long long deadline)
{
	long long left = deadline - hc_now_ms();
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	if ((r = hc_tls_write_all(c->tls, buf, len, left > INT32_MAX ? INT32_MAX : (int)left)) != 0)
		c->broken = r;   /* a record cut short: nothing more can follow it */
	return r;
}

/* The session's lock, waited for at most until @deadline (CLOCK_MONOTONIC ms). Returns: 0 or -ETIMEDOUT. */
static int lock_until(struct clnt_tls *c, long long deadline)
{
	struct timespec ts = { (time_t)(deadline / 1000), (long)(deadline % 1000) * 1000000 };

	return pthread_mutex_clocklock(&c->lock, CLOCK_MONOTONIC, &ts) == 0 ? 0 : -ETIMEDOUT;
}

/* ---- a call of this process ---- */

/* The call's record, in c->request. Returns: its length with the mark, or 0 (too long). */
static size_t encode_call(struct clnt_tls *c, rpcproc_t proc, xdrproc_t xargs, void *args)
{
	struct rpc_msg msg;
	XDR x;
	u_int len;
	bool_t ok;

	memset(&msg, 0, sizeof(msg));
	msg.rm_xid = ++c->xid;
	msg.rm_direction = CALL;
	msg.rm_call.cb_rpcvers = RPC_MSG_VERSION;
	msg.rm_call.cb_prog = c->prog;
	msg.rm_call.cb_vers = c->vers;
	msg.rm_call.cb_proc = proc;
	msg.rm_call.cb_cred = _null_auth;
	msg.rm_call.cb_verf = _null_auth;
	xdrmem_create(&x, (char *)c->request + RPC_MARK_LEN, (u_int)c->max, XDR_ENCODE);
	ok = xdr_callmsg(&x, &msg) && xargs(&x, args);
	len = xdr_getpos(&x);
	xdr_destroy(&x);
	if (!ok)
		return 0;
	rpc_record_mark(c->request, len);
	return RPC_MARK_LEN + len;
}

/* The whole reply in c->reply, decoded into @res. Returns: its status, details in *@err. */
static enum clnt_stat decode_reply(struct clnt_tls *c, xdrproc_t xres, void *res,
				   struct rpc_err *err)
{
	char verf[MAX_AUTH_BYTES];
	struct rpc_msg msg;
	XDR x;
	bool_t ok;

	memset(&msg, 0, sizeof(msg));
	msg.acpted_rply.ar_verf.oa_base = verf;
	msg.acpted_rply.ar_results.where = res;
	msg.acpted_rply.ar_results.proc = xres;
	xdrmem_create(&x, (char *)rpc_record_body(&c->reply), (u_int)c->reply.len, XDR_DECODE);
	ok = xdr_replymsg(&x, &msg);
	xdr_destroy(&x);
	rpc_record_next(&c->reply);
	if (!ok)
		return err->re_status = RPC_CANTDECODERES;
	_seterr_reply(&msg, err);
	return err->re_status;
}

static enum clnt_stat failed(struct rpc_err *err, enum clnt_stat st, int e)
{
	err->re_status = st;
	err->re_errno = -e;
	return st;
}

enum clnt_stat clnt_tls_call(struct clnt_tls *c, rpcproc_t proc, xdrproc_t xargs, void *args,
			     xdrproc_t xres, void *res, int timeout_ms, struct rpc_err *err)
{
	long long deadline = hc_now_ms() + timeout_ms;
	enum clnt_stat st;
	size_t len;
	int r;

	memset(err, 0, sizeof(*err));
	if (lock_until(c, deadline) != 0)
		return failed(err, RPC_TIMEDOUT, -ETIMEDOUT);
	if (c->broken)
		st = failed(err, RPC_CANTRECV, -ECONNRESET);
	else if (!(len = encode_call(c, proc, xargs, args)))
		st = failed(err, RPC_CANTENCODEARGS, -EMSGSIZE);
	else if ((r = send_request(c, c->request, len, deadline)) != 0)
		st = failed(err, r == -ETIMEDOUT ? RPC_TIMEDOUT : RPC_CANTSEND, r);
	else if ((r = await_reply(c, c->xid, -1, deadline)) != 0)
		st = failed(err, r == -ETIMEDOUT ? RPC_TIMEDOUT : RPC_CANTRECV, r);
	else
		st = decode_reply(c, xres, res, err);
	pthread_mutex_unlock(&c->lock);
	return st;
}

/* ---- the relay for forked children ---- */

static ssize_t socket_source(void *ctx, void *buf, size_t len)
{
	ssize_t n = recv(*(int *)ctx, buf, len, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return n > 0 ? n : -ECONNRESET;
}

/* All @len bytes to the children's socket, unless the relay is stopped. Returns: 0 or -errno. */
static int relay_write(struct clnt_tls *c, const uint8_t *buf, size_t len)
{
	while (len) {
		struct pollfd p[2] = { { .fd = c->relay_fd, .events = POLLOUT },
				       { .fd = c->stop_fd, .events = POLLIN } };
		ssize_t n = send(c->relay_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (p[1].revents)
			return -ECANCELED;
	}
	return 0;
}

/*
 * A child's whole call in @in: into the session, and its reply, swapped into @out, back to the
 * children after the session is free again (a child that does not read must not hold it).
 * Returns: 0, or -errno when the relay cannot go on.
 */
static int relay_call(struct clnt_tls *c, struct rpc_record *in, struct rpc_record *out)
{
	long long now = hc_now_ms();
	struct rpc_record spare;
	int r;

	if (in->len < 4)
		return 0;   /* no call: nothing will answer it */
	rpc_record_mark(in->buf, in->len);   /* as one fragment, whatever it came as */
	pthread_mutex_lock(&c->lock);
	r = c->broken ? c->broken : send_request(c, in->buf, RPC_MARK_LEN + in->len,
						  now + RELAY_SEND_TIMEOUT_MS);
	if (r == 0)
		r = await_reply(c, rpc_u32(rpc_record_body(in)), c->stop_fd,
				now + RELAY_REPLY_TIMEOUT_MS);
	if (r == 0) {
		spare = *out;
		*out = c->reply;
		c->reply = spare;
	}
	pthread_mutex_unlock(&c->lock);
	if (r == -ETIMEDOUT)
		return 0;   /* given up; a late reply is dropped as stale */
	if (r != 0)
		return r;
	rpc_record_mark(out->buf, out->len);
	r = relay_write(c, out->buf, RPC_MARK_LEN + out->len);
	rpc_record_next(out);
	return r;
}

/* Until stopped, or until it cannot go on: then the children see their socket end at once. */
static void *relay_main(void *arg)
{
	struct clnt_tls *c = arg;
	struct rpc_record in, out;
	int r = 0;

	if (rpc_record_init(&in, c->max) != 0 || rpc_record_init(&out, c->max) != 0) {
		rpc_record_free(&in);
		shutdown(c->relay_fd, SHUT_RDWR);
		return NULL;
	}
	while (r >= 0) {
		struct pollfd p[2] = { { .fd = c->relay_fd, .events = POLLIN },
				       { .fd = c->stop_fd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if ((r = rpc_record_fill(&in, socket_source, &c->relay_fd)) == 1) {
			r = relay_call(c, &in, &out);
			rpc_record_next(&in);
		}
	}
	shutdown(c->relay_fd, SHUT_RDWR);
	rpc_record_free(&in);
	rpc_record_free(&out);
	return NULL;
}

/* The children's socketpair, the eventfd that stops the relay, and the relay. Returns: 0 or -errno. */
static int start_relay(struct clnt_tls *c, int floor)
{
	int sp[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		return -errno;
	c->relay_fd = hc_fd_lift(sp[0], floor);
	c->child_fd = hc_fd_lift(sp[1], floor);
	c->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (c->relay_fd < 0 || c->child_fd < 0 || c->stop_fd < 0)
		return c->relay_fd < 0 ? c->relay_fd : c->child_fd < 0 ? c->child_fd : -errno;
	if ((r = hc_thread_start(&c->relay, relay_main, c)) != 0)
		return r;
	return 0;
}

static void close_fds(struct clnt_tls *c)
{
	if (c->relay_fd >= 0)
		close(c->relay_fd);
	if (c->child_fd >= 0)
		close(c->child_fd);
	if (c->stop_fd >= 0)
		close(c->stop_fd);
}

/* Free @c; in a fork, whose other threads are gone, its lock may still look taken and is left be. */
static void free_client(struct clnt_tls *c, int forked)
{
	rpc_record_free(&c->reply);
	free(c->request);
	if (!forked)
		pthread_mutex_destroy(&c->lock);
	free(c);
}

int clnt_tls_new(struct hc_tls *t, size_t max, rpcprog_t prog, rpcvers_t vers, int floor,
		 int *child_fd, struct clnt_tls **out)
{
	struct clnt_tls *c = calloc(1, sizeof(*c));
	int r = -ENOMEM;

	if (!c)
		return -ENOMEM;
	*c = (struct clnt_tls){ .tls = t, .max = max, .prog = prog, .vers = vers, .owner = getpid(),
				.relay_fd = -1, .child_fd = -1, .stop_fd = -1 };
	pthread_mutex_init(&c->lock, NULL);
	if (getrandom(&c->xid, sizeof(c->xid), 0) != sizeof(c->xid))
		c->xid = (uint32_t)getpid() << 16;
	if (rpc_record_init(&c->reply, max) != 0 || !(c->request = malloc(RPC_MARK_LEN + max)))
		goto fail;
	if ((r = start_relay(c, floor)) != 0)
		goto fail;
	*child_fd = c->child_fd;
	*out = c;
	return 0;
fail:
	close_fds(c);
	free_client(c, 0);
	return r;
}

void clnt_tls_close(struct clnt_tls *c, int grace_ms)
{
	uint64_t one = 1;

	if (!c)
		return;
	if (c->owner != getpid()) {   /* a fork: no relay thread here, the session is the parent's */
		close_fds(c);
		hc_tls_abandon(c->tls);
		free_client(c, 1);
		return;
	}
	while (write(c->stop_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(c->relay, NULL);
	close_fds(c);
	hc_tls_close(c->tls, grace_ms);
	free_client(c, 0);
}
