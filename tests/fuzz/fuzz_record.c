/* fuzz_record.c: libFuzzer target: raw bytes through a socketpair into the ONC RPC server of a shadow not yet authenticated. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rpc/rpc.h>

#include "fuzz_util.h"
#include "log.h"
#include "oncrpc_server.h"
#include "shadow.h"

/*
 * An input is what a guest writes on its connection: record-marked ONC RPC
 * calls, or anything else. A thread plays the guest: it writes the input,
 * reading the answers meanwhile, half-closes, and reads until the server
 * hangs up. The shadow serves the other end with its own loop, as it does in
 * hostcalld, until the session ends.
 */

struct peer {
	int fd;
	const uint8_t *data;
	size_t size, off;
};

static struct shadow sh;

/* Write what the socket takes now; at the end, or once the server is gone, half-close. */
static void peer_write(struct peer *p)
{
	ssize_t n = send(p->fd, p->data + p->off, p->size - p->off, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n > 0)
		p->off += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		p->off = p->size;
	if (p->off == p->size)
		shutdown(p->fd, SHUT_WR);
}

/* Read the answers there are. Returns: 0 once the server has hung up. */
static int peer_read(struct peer *p)
{
	char buf[4096];
	ssize_t n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);

	return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

static void *peer_run(void *arg)
{
	struct peer *p = arg;
	int open = 1;

	if (p->size == 0)
		shutdown(p->fd, SHUT_WR);
	while (open) {
		struct pollfd pf = { p->fd, (short)(POLLIN | (p->off < p->size ? POLLOUT : 0)), 0 };

		if (poll(&pf, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		if (pf.revents & POLLOUT)
			peer_write(p);
		if (pf.revents & (POLLIN | POLLHUP | POLLERR))
			open = peer_read(p);
	}
	return NULL;
}

/* The shadow's loop, as shadow_run() runs it, without ending children it cannot have. */
static void serve(int fd)
{
	void *conn;

	if (oncrpc_conn_open(fd, &sh, &conn) != 0)
		abort();
	shadow_set_conn(&sh, &oncrpc_conn_ops, conn);
	while (!sh.ending)
		if (shadow_poll_once(&sh, -1, 1) < 0)
			abort();
	sh.conn_ops->close(sh.conn);
	sh.conn_ops = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int before = fuzz_fd_count(), sp[2];
	struct peer peer = { -1, data, size, 0 };
	pthread_t th;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		abort();
	peer.fd = sp[1];
	fuzz_shadow_fresh(&sh, 0);
	if (pthread_create(&th, NULL, peer_run, &peer) != 0)
		abort();
	serve(sp[0]);
	if (pthread_join(th, NULL) != 0)
		abort();
	close(sp[1]);
	fuzz_shadow_end(&sh);
	if (fuzz_fd_count() != before)
		abort();   /* the server kept a descriptor of the connection */
	return 0;
}

/* ---- seeds: record streams a guest might send, valid and not ---- */

#define LAST_FRAG 0x80000000u

struct stream {
	uint8_t buf[8192];
	size_t len;
};

static void put_u32(struct stream *s, uint32_t v)
{
	uint32_t be = htonl(v);

	memcpy(s->buf + s->len, &be, 4);
	s->len += 4;
}

static void put_bytes(struct stream *s, const void *b, size_t n)
{
	memcpy(s->buf + s->len, b, n);
	s->len += n;
}

/* A call message of version @vers, procedure @proc, with @xargs(@args), into @body. Returns: its length. */
static size_t call_body(uint8_t *body, size_t cap, uint32_t vers, uint32_t proc, xdrproc_t xargs,
			void *args)
{
	static uint32_t xid = 1;
	struct rpc_msg m;
	XDR x;

	memset(&m, 0, sizeof(m));
	m.rm_xid = xid++;
	m.rm_direction = CALL;
	m.rm_call.cb_rpcvers = RPC_MSG_VERSION;
	m.rm_call.cb_prog = HOSTCALL_PROG;
	m.rm_call.cb_vers = vers;
	m.rm_call.cb_proc = proc;
	m.rm_call.cb_cred = _null_auth;
	m.rm_call.cb_verf = _null_auth;
	xdrmem_create(&x, (char *)body, (u_int)cap, XDR_ENCODE);
	if (!xdr_callmsg(&x, &m) || !xargs(&x, args))
		abort();
	return xdr_getpos(&x);
}

/* One record: the call in one last fragment. */
static void put_call(struct stream *s, uint32_t vers, uint32_t proc, xdrproc_t xargs, void *args)
{
	uint8_t body[2048];
	size_t n = call_body(body, sizeof(body), vers, proc, xargs, args);

	put_u32(s, LAST_FRAG | (uint32_t)n);
	put_bytes(s, body, n);
}

/* One record in two fragments, the first without the last-fragment bit. */
static void put_call_split(struct stream *s, uint32_t proc, xdrproc_t xargs, void *args)
{
	uint8_t body[2048];
	size_t n = call_body(body, sizeof(body), HOSTCALL_V3, proc, xargs, args), half = n / 2;

	put_u32(s, (uint32_t)half);
	put_bytes(s, body, half);
	put_u32(s, LAST_FRAG | (uint32_t)(n - half));
	put_bytes(s, body + half, n - half);
}

static void put_null(struct stream *s)
{
	put_call(s, HOSTCALL_V3, HC_NULL, (xdrproc_t)xdr_void, NULL);
}

static void seed_stream(const char *name, const struct stream *s)
{
	fuzz_seed_write(name, s->buf, s->len);
}

static void seeds_valid(void)
{
	hc_auth_begin_args ab = { { 7, 7, 7 } };
	hc_auth_finish_args af = { { 9, 9, 9 } };
	struct stream s = { .len = 0 };

	put_null(&s);
	seed_stream("null", &s);
	s.len = 0;
	put_call(&s, HOSTCALL_V3, HC_AUTH_BEGIN, (xdrproc_t)xdr_hc_auth_begin_args, &ab);
	seed_stream("auth_begin", &s);
	put_call(&s, HOSTCALL_V3, HC_AUTH_FINISH, (xdrproc_t)xdr_hc_auth_finish_args, &af);
	seed_stream("auth_wrong_proof", &s);
	s.len = 0;
	for (int i = 0; i < 40; i++)
		put_null(&s);
	seed_stream("nulls", &s);
	s.len = 0;
	put_call_split(&s, HC_AUTH_BEGIN, (xdrproc_t)xdr_hc_auth_begin_args, &ab);
	seed_stream("two_fragments", &s);
}

static void seeds_refused(void)
{
	char home[] = "HOME";
	hc_name name = home;
	hc_child_call_args big = { 1, HC_NULL, { 0, NULL } };
	struct stream s = { .len = 0 };

	put_call(&s, HOSTCALL_V3, HC_GETENV, (xdrproc_t)xdr_hc_name, &name);
	put_call(&s, HOSTCALL_V3, HC_GETCWD, (xdrproc_t)xdr_void, NULL);
	put_null(&s);
	seed_stream("before_auth", &s);
	s.len = 0;
	put_call(&s, HC_PROTOCOL_VERSION - 1, HC_NULL, (xdrproc_t)xdr_void, NULL);
	put_call(&s, HOSTCALL_V3, 200, (xdrproc_t)xdr_void, NULL);
	seed_stream("version_and_proc", &s);
	s.len = 0;
	put_call(&s, HOSTCALL_V3, HC_CHILD_CALL, (xdrproc_t)xdr_hc_child_call_args, &big);
	s.buf[s.len - 3] = 0x10;   /* the opaque's length: it claims 1 MiB and sends none */
	seed_stream("claims_1mib", &s);
}

static void seeds_framing(void)
{
	static const char garbage[] = "\xff\xff\xff\xff garbage, garbage";
	struct stream s = { .len = 0 };

	put_u32(&s, 0);                 /* a fragment of length 0, not the last */
	put_null(&s);
	seed_stream("zero_fragment", &s);
	s.len = 0;
	put_u32(&s, LAST_FRAG);         /* an empty last fragment: an empty record */
	put_null(&s);
	seed_stream("empty_record", &s);
	s.len = 0;
	put_u32(&s, 40);                /* no last-fragment bit, then the end */
	put_bytes(&s, "0123456789012345678901234567890123456789", 40);
	seed_stream("no_last_bit", &s);
	s.len = 0;
	put_u32(&s, LAST_FRAG | 0x7fffffffu);   /* over any record limit */
	put_bytes(&s, "abcdefgh", 8);
	seed_stream("over_limit", &s);
	s.len = 0;
	put_u32(&s, LAST_FRAG | (sizeof(garbage) - 1));   /* a valid header, garbage after it */
	put_bytes(&s, garbage, sizeof(garbage) - 1);
	put_null(&s);
	seed_stream("garbage_body", &s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	hc_log_init("fuzz_record", HC_LOG_ERR, 0);
	signal(SIGPIPE, SIG_IGN);
	if (getenv(FUZZ_SEEDS_ENV)) {
		seeds_valid();
		seeds_refused();
		seeds_framing();
		exit(0);
	}
	return 0;
}
