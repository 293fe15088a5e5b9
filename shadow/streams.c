/* streams.c: streams in the shadow: one-time tickets, joining dialled sockets (in TLS where the session is), and pumps. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "auth.h"
#include "errmap.h"
#include "io.h"
#include "log.h"
#include "shadow.h"
#include "transport.h"
#include "tunnel.h"

/* ---- tickets ---- */

int shadow_stream_create(struct shadow *sh, void *args, void *res)
{
	hc_stream_res *r = res;
	struct shadow_ticket *t = NULL;
	int h;

	(void)args;
	if (sh->conn_ops && sh->conn_ops->stream_create) {
		sh->conn_ops->stream_create(sh->conn, sh, r);
		return 0;
	}
	for (int i = 0; i < SHADOW_TICKET_MAX && !t; i++)
		if (!sh->tickets[i].used)
			t = &sh->tickets[i];
	if (!t || sh->ctl_fd < 0) {
		r->err = t ? HC_EOPNOTSUPP : HC_EAGAIN;
		return 0;
	}
	if ((h = handles_reserve(&sh->handles)) < 0) {
		r->err = HC_EMFILE;
		return 0;
	}
	if (hc_random(t->token, HC_TOKEN_LEN) != 0) {
		handles_close(&sh->handles, h);
		r->err = HC_EIO;
		return 0;
	}
	t->used = 1;
	t->handle = h;
	t->expires_ms = shadow_now_ms() + SHADOW_TICKET_TTL_MS;
	memcpy(r->hc_stream_res_u.ticket.token, t->token, HC_TOKEN_LEN);
	r->hc_stream_res_u.ticket.handle = h;
	r->hc_stream_res_u.ticket.shadow_pid = getpid();
	r->err = HC_OK;
	return 0;
}

int streams_expire(struct shadow *sh)
{
	int64_t now = shadow_now_ms(), next = -1;

	for (int i = 0; i < SHADOW_TICKET_MAX; i++) {
		struct shadow_ticket *t = &sh->tickets[i];
		if (!t->used)
			continue;
		if (t->expires_ms <= now) {
			log_info("stream ticket for handle %d expired unused", t->handle);
			handles_close(&sh->handles, t->handle);
			memset(t, 0, sizeof(*t));
		} else if (next < 0 || t->expires_ms - now < next) {
			next = t->expires_ms - now;
		}
	}
	return (int)next;
}

static struct shadow_ticket *ticket_match(struct shadow *sh, const uint8_t *token)
{
	struct shadow_ticket *found = NULL;

	for (int i = 0; i < SHADOW_TICKET_MAX; i++)
		if (sh->tickets[i].used && sodium_memcmp(sh->tickets[i].token, token,
							 HC_TOKEN_LEN) == 0)
			found = &sh->tickets[i];
	return found;
}

/*
 * Receive one token (or SHADOW_TLS_DELIVERY) and one descriptor; anything else is refused and closed.
 * Returns: 0 (a token), 1 (a stream to run the TLS handshake on first), or -errno.
 */
static int recv_delivery(int ctl, uint8_t token[HC_TOKEN_LEN], int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { token, HC_TOKEN_LEN };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(ctl, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	int nfds = 0, fds[4];

	if (n < 0)
		return errno == EAGAIN ? -EAGAIN : -errno;
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k && nfds < 4; i++)
			memcpy(&fds[nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}
	if ((n == HC_TOKEN_LEN || (n == 1 && token[0] == SHADOW_TLS_DELIVERY[0])) && nfds == 1 &&
	    !(m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		*fd = fds[0];
		return n == 1;
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	return n == 0 ? -ECONNRESET : -EPROTO;
}

static void join_stream(struct shadow *sh, const uint8_t *token, int fd)
{
	struct shadow_ticket *t = ticket_match(sh, token);
	unsigned char ack = HC_STREAM_ACK;

	if (!t || t->expires_ms <= shadow_now_ms()) {
		log_warn("stream refused: unknown or expired ticket");
		close(fd);
		return;
	}
	if ((fd = fd_lift(fd)) < 0 || handles_fill(&sh->handles, t->handle, fd) != 0 ||
	    send(fd, &ack, 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1) {
		log_warn("stream for handle %d could not be joined", t->handle);
		handles_close(&sh->handles, t->handle);
	}
	memset(t, 0, sizeof(*t));   /* single use, whatever happened */
}

/* ---- streams in TLS: a thread runs each handshake and hands the tunnel to the loop ---- */

/*
 * Handshakes of streams at once: no more than tickets can be out. Anyone may dial HCT1 and a
 * shadow's pid, and a handshake that never comes holds its thread till the timeout.
 */
#define TLS_HANDSHAKES_MAX SHADOW_TICKET_MAX
#define TLS_STREAM_HANDSHAKE_MS 10000

static atomic_int handshakes_running;

struct tls_stream {
	int net;
	int deliver;            /* where the joined stream goes: the loop's tls_deliveries[1] */
	int timeout_ms;
	struct hc_tls_creds creds;   /* into the shadow's options, which live as long as it */
};

void shadow_tls_creds(const struct shadow *sh, struct hc_tls_creds *c)
{
	*c = (struct hc_tls_creds){ sh->opts.has_key ? sh->opts.key : NULL, sh->opts.tls_cert,
				    sh->opts.tls_cert_key, sh->opts.tls_ca, NULL };
}

static void *tls_stream_thread(void *arg)
{
	struct tls_stream *ts = arg;
	uint8_t token[HC_TOKEN_LEN];
	struct hc_tls *tls = NULL;
	int app = -1, r;

	r = hc_tls_open_with(ts->net, HC_TLS_SERVER, &ts->creds, ts->timeout_ms, &tls);
	if (r == 0 && (r = hc_tls_read_exact(tls, token, HC_TOKEN_LEN, ts->timeout_ms)) != 0)
		hc_tls_free(tls);
	if (r != 0)
		close(ts->net);
	else if (hc_tunnel_start(tls, ts->net, fd_floor(), 1, &app, NULL) == 0 &&
		 hc_send_fd(ts->deliver, token, HC_TOKEN_LEN, app) != 0)
		log_warn("a TLS stream could not be handed on");
	if (app >= 0)
		close(app);
	free(ts);
	atomic_fetch_sub(&handshakes_running, 1);
	return NULL;
}

static int tls_deliveries_open(struct shadow *sh)
{
	int sp[2];

	if (sh->tls_deliveries[0] >= 0)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0)
		return -errno;
	if ((sp[0] = fd_lift(sp[0])) < 0 || (sp[1] = fd_lift(sp[1])) < 0) {
		if (sp[0] >= 0)
			close(sp[0]);
		return -EMFILE;
	}
	sh->tls_deliveries[0] = sp[0];
	sh->tls_deliveries[1] = sp[1];
	return 0;
}

/* A stream dialled in TLS: only a session in TLS takes one; its handshake runs in a thread. */
static void tls_stream_begin(struct shadow *sh, int fd)
{
	struct tls_stream *ts;

	if (!sh->has_binding) {
		log_warn("stream refused: dialled in TLS for a session in clear");
		close(fd);
		return;
	}
	if (atomic_load(&handshakes_running) >= TLS_HANDSHAKES_MAX || tls_deliveries_open(sh) != 0 ||
	    !(ts = calloc(1, sizeof(*ts)))) {
		log_warn_limited("stream refused: no room for its TLS handshake");
		close(fd);
		return;
	}
	*ts = (struct tls_stream){ fd, sh->tls_deliveries[1], TLS_STREAM_HANDSHAKE_MS, { 0 } };
	shadow_tls_creds(sh, &ts->creds);
	atomic_fetch_add(&handshakes_running, 1);
	if (hc_thread_detach(tls_stream_thread, ts) != 0) {
		atomic_fetch_sub(&handshakes_running, 1);
		log_warn("stream refused: no thread for its TLS handshake");
		close(fd);
		free(ts);
	}
}

/* One delivery from @from: a stream to join, one to run TLS on first, or hostcalld's end. */
static void on_deliveries(struct shadow *sh, int from, int tls_allowed)
{
	uint8_t token[HC_TOKEN_LEN];
	int fd = -1, r;

	while ((r = recv_delivery(from, token, &fd)) != -EAGAIN) {
		if (r == -ECONNRESET) {
			log_info("hostcalld went away: ending the session");
			sh->ending = 1;
			return;
		}
		if (r == 1 && tls_allowed) {
			tls_stream_begin(sh, fd);
		} else if (r >= 0 && sh->has_binding && from == sh->ctl_fd) {
			log_warn("stream refused: dialled in clear for a session in TLS");
			close(fd);
		} else if (r == 0) {
			join_stream(sh, token, fd);
		} else if (r == 1) {
			close(fd);
		} else if (r != -EPROTO) {
			return;
		}
	}
}

void streams_on_ctl(struct shadow *sh)
{
	on_deliveries(sh, sh->ctl_fd, 1);
}

void streams_on_tls(struct shadow *sh)
{
	on_deliveries(sh, sh->tls_deliveries[0], 0);
}

void streams_close_tls(struct shadow *sh)
{
	for (int i = 0; i < 2; i++) {
		if (sh->tls_deliveries[i] >= 0)
			close(sh->tls_deliveries[i]);
		sh->tls_deliveries[i] = -1;
	}
}

/* ---- pumps ---- */

static int is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* A FIFO end gets a non-blocking open file description of its own. */
static int pump_end(int fd, int for_write)
{
	char path[64];
	struct stat st;
	int nfd;

	if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
		return fcntl(fd, F_DUPFD_CLOEXEC, fd_floor());
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, (for_write ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
	return nfd < 0 ? -1 : fd_lift(nfd);
}

int shadow_stream_attach(struct shadow *sh, void *args, void *res)
{
	hc_stream_attach_args *a = args;
	hc_err *r = res;
	struct shadow_pump *p = NULL;
	int hostfd = handles_fd(&sh->handles, a->host), sfd, dup;

	for (int i = 0; i < SHADOW_PUMP_MAX && !p; i++)
		if (!sh->pumps[i].used)
			p = &sh->pumps[i];
	if (handles_fd(&sh->handles, a->stream) < 0 || hostfd < 0 ||
	    !is_socket(handles_fd(&sh->handles, a->stream)) ||
	    (a->dir != HC_STREAM_TO_HOST && a->dir != HC_STREAM_FROM_HOST)) {
		*r = HC_EBADF;
		return 0;
	}
	if (!p || !(p->buf = malloc(SHADOW_PUMP_BUF))) {
		*r = p ? HC_ENOMEM : HC_EAGAIN;
		return 0;
	}
	if ((dup = pump_end(hostfd, a->dir == HC_STREAM_TO_HOST)) < 0) {
		free(p->buf);
		*r = hc_err_from_errno(errno);
		return 0;
	}
	sfd = handles_take(&sh->handles, a->stream);
	p->used = 1;
	p->src = a->dir == HC_STREAM_TO_HOST ? sfd : dup;
	p->dst = a->dir == HC_STREAM_TO_HOST ? dup : sfd;
	p->src_sock = is_socket(p->src);
	p->dst_sock = is_socket(p->dst);
	p->src_eof = 0;
	p->off = p->len = 0;
	*r = HC_OK;
	return 0;
}

/*
 * The bytes a program left unread in its stdin stream: read until the guest's
 * end of file (it shuts its side first) or SHADOW_UNREAD_WAIT_MS, at most
 * HC_UNREAD_MAX; what lies beyond goes with the stream when it is closed.
 */
int shadow_stream_unread(struct shadow *sh, void *args, void *res)
{
	hc_handle *a = args;
	hc_data_res *r = res;
	int fd = handles_fd(&sh->handles, *a);
	int64_t deadline = shadow_now_ms() + SHADOW_UNREAD_WAIT_MS, left;
	ssize_t n = 0, got = 1;
	char *buf;

	if (fd < 0 || !is_socket(fd)) {
		r->err = fd < 0 ? HC_EBADF : HC_EINVAL;
		return 0;
	}
	if (!(buf = malloc(HC_UNREAD_MAX))) {
		r->err = HC_ENOMEM;
		return 0;
	}
	while (n < HC_UNREAD_MAX && got != 0 && (left = deadline - shadow_now_ms()) > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)left) <= 0)
			break;
		got = recv(fd, buf + n, (size_t)(HC_UNREAD_MAX - n), MSG_DONTWAIT);
		if (got < 0 && errno != EAGAIN && errno != EINTR)
			break;
		n += got > 0 ? got : 0;
	}
	r->err = HC_OK;
	r->hc_data_res_u.data.hc_data_len = (u_int)n;
	r->hc_data_res_u.data.hc_data_val = buf;
	return 0;
}

static void pump_stop(struct shadow_pump *p)
{
	if (p->dst_sock)
		shutdown(p->dst, SHUT_WR);
	close(p->src);
	close(p->dst);
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

void pumps_close_all(struct shadow *sh)
{
	for (int i = 0; i < SHADOW_PUMP_MAX; i++)
		if (sh->pumps[i].used)
			pump_stop(&sh->pumps[i]);
}

int pumps_pollfds(struct shadow *sh, struct pollfd *pf, int max)
{
	int n = 0;

	for (int i = 0; i < SHADOW_PUMP_MAX && n < max; i++) {
		struct shadow_pump *p = &sh->pumps[i];
		if (!p->used)
			continue;
		pf[n].fd = p->len > 0 ? p->dst : p->src;
		pf[n].events = p->len > 0 ? POLLOUT : POLLIN;
		pf[n].revents = 0;
		n++;
	}
	return n;
}

static void pump_fill(struct shadow_pump *p)
{
	ssize_t n = p->src_sock ? recv(p->src, p->buf, SHADOW_PUMP_BUF, MSG_DONTWAIT)
				: read(p->src, p->buf, SHADOW_PUMP_BUF);

	if (n > 0) {
		p->off = 0;
		p->len = (size_t)n;
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		p->src_eof = 1;
	}
}

static int pump_drain(struct shadow_pump *p)
{
	ssize_t n = p->dst_sock ? send(p->dst, p->buf + p->off, p->len, MSG_DONTWAIT | MSG_NOSIGNAL)
				: write(p->dst, p->buf + p->off, p->len);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	p->off += (size_t)n;
	p->len -= (size_t)n;
	return 0;
}

/* Tell the guest why the host end of its stream failed (HC_STREAM_FAULT_MAGIC). */
static void report_fault(int stream, int err)
{
	unsigned char msg[HC_STREAM_FAULT_LEN];
	uint32_t code = htonl((uint32_t)hc_err_from_errno(-err));

	memcpy(msg, HC_STREAM_FAULT_MAGIC, 4);
	memcpy(msg + 4, &code, 4);
	if (send(stream, msg, sizeof(msg), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(msg))
		log_debug("stream fault %s not reported: the guest end is gone", strerror(-err));
}

/* One step of one pump: fill when empty, drain when full, stop at EOF or a broken reader. */
static void pump_step(struct shadow_pump *p, short revents)
{
	int err;

	if (!revents)
		return;
	if (p->len == 0)
		pump_fill(p);
	else if ((err = pump_drain(p)) < 0) {
		if (p->src_sock && !p->dst_sock && err != -EPIPE)
			report_fault(p->src, err);
		pump_stop(p);   /* the reader went away or the file failed: the writer gets EPIPE */
		return;
	}
	if (p->len == 0 && p->src_eof)
		pump_stop(p);
}

void pumps_run(struct shadow *sh, const struct pollfd *pf, int n)
{
	int k = 0;

	for (int i = 0; i < SHADOW_PUMP_MAX && k < n; i++) {
		struct shadow_pump *p = &sh->pumps[i];
		if (!p->used)
			continue;
		if (pf[k].fd == (p->len > 0 ? p->dst : p->src))
			pump_step(p, pf[k].revents);
		k++;
	}
}
