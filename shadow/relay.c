/* relay.c: forked children: the fork hostcall, and calls relayed to a child until it execs. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errmap.h"
#include "io.h"
#include "log.h"
#include "shadow.h"

#define RELAY_FAILED 0xffffffffu

struct relay_conn {
	int fd;
};

/* Exactly @len bytes, or -ECONNRESET when the other side is gone. */
static int read_exact(int fd, void *buf, size_t len)
{
	size_t got;
	int r = hc_read_full(fd, buf, len, &got);

	return r ? r : got == len ? 0 : -ECONNRESET;
}

/* ---- the child's side: one request, one reply ---- */

static int relay_reply(int fd, int r, const void *out, size_t outlen)
{
	uint32_t hdr[2];

	if (r < 0) {
		hdr[0] = htonl(RELAY_FAILED);
		hdr[1] = htonl((uint32_t)-r);
		return hc_write_all(fd, hdr, sizeof(hdr));
	}
	hdr[0] = htonl((uint32_t)outlen);
	if ((r = hc_write_all(fd, hdr, 4)) != 0)
		return r;
	return hc_write_all(fd, out, outlen);
}

static int relay_serve(void *conn, struct shadow *sh)
{
	struct relay_conn *c = conn;
	uint32_t hdr[2], len;
	void *in, *out = NULL;
	size_t outlen = 0;
	int r;

	if ((r = read_exact(c->fd, hdr, sizeof(hdr))) != 0)
		return -ECONNRESET;
	len = ntohl(hdr[1]);
	if (len > HC_CHILD_MSG_MAX || !(in = malloc(len ? len : 1)))
		return -ECONNRESET;
	if ((r = read_exact(c->fd, in, len)) == 0) {
		r = shadow_call_encoded(sh, ntohl(hdr[0]), in, len, &out, &outlen);
		r = relay_reply(c->fd, r, out, outlen) == 0 ? 0 : -ECONNRESET;
	}
	free(in);
	free(out);
	return r < 0 ? -ECONNRESET : 0;
}

static int relay_fd(void *conn)
{
	return ((struct relay_conn *)conn)->fd;
}

static void relay_close(void *conn)
{
	struct relay_conn *c = conn;

	close(c->fd);
	free(c);
}

const struct shadow_conn_ops relay_conn_ops = {
	.fd = relay_fd,
	.serve = relay_serve,
	.close = relay_close,
};

void *relay_conn_new(int fd)
{
	struct relay_conn *c = malloc(sizeof(*c));

	if (c)
		c->fd = fd;
	return c;
}

/* ---- fork ---- */

static void forget_parent_state(struct shadow *sh)
{
	if (sh->conn_ops)
		sh->conn_ops->close(sh->conn);
	if (sh->ctl_fd >= 0)
		close(sh->ctl_fd);
	sh->ctl_fd = -1;
	streams_close_tls(sh);
	pumps_close_all(sh);
	memset(sh->tickets, 0, sizeof(sh->tickets));
	for (int i = 0; i < SHADOW_CHILD_MAX; i++)
		if (sh->children[i].state != CHILD_FREE)
			children_free(&sh->children[i]);
}

static void become_child(struct shadow *sh, int fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	void *conn;

	forget_parent_state(sh);
	setpgid(0, 0);
	for (int i = 0; i < 3 && null >= 0; i++)
		dup2(null, i);
	if (null >= 0)
		close(null);
	sh->is_fork = 1;
	conn = relay_conn_new(fd);
	if (!conn)
		_exit(1);
	shadow_set_conn(sh, &relay_conn_ops, conn);
	exit(shadow_run(sh));
}

int shadow_fork(struct shadow *sh, void *args, void *res)
{
	hc_int_res *r = res;
	struct shadow_child *c;
	int sp[2];
	pid_t pid;

	(void)args;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		r->err = hc_err_from_errno(errno);
		return 0;
	}
	if ((sp[0] = fd_lift(sp[0])) < 0 || (sp[1] = fd_lift(sp[1])) < 0) {
		r->err = HC_EMFILE;
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		become_child(sh, sp[1]);
	}
	close(sp[1]);
	if (pid < 0 || !(c = children_add(sh, pid, pid))) {
		r->err = pid < 0 ? hc_err_from_errno(errno) : HC_EAGAIN;
		if (pid > 0)
			kill(pid, SIGKILL);
		close(sp[0]);
		return 0;
	}
	setpgid(pid, pid);
	c->relay_fd = sp[0];
	r->err = HC_OK;
	r->hc_int_res_u.value = pid;
	return 0;
}

/* ---- the parent's side of a relayed call ---- */

static int relay_send(int fd, uint32_t proc, const void *args, u_int len)
{
	uint32_t hdr[2] = { htonl(proc), htonl(len) };
	int r = hc_write_all(fd, hdr, sizeof(hdr));

	return r ? r : hc_write_all(fd, args, len);
}

/* The channel closed: an exec that worked, or a child that died. */
static void relay_closed(struct shadow_child *c, uint32_t proc, hc_child_call_res *r)
{
	static const char ok_encoded[4] = { 0, 0, 0, 0 };   /* hc_err HC_OK in XDR */

	close(c->relay_fd);
	c->relay_fd = -1;
	if (proc != HC_EXEC) {
		r->err = HC_ESRCH;
		return;
	}
	r->hc_child_call_res_u.result.result_val = malloc(sizeof(ok_encoded));
	if (!r->hc_child_call_res_u.result.result_val) {
		r->err = HC_ENOMEM;
		return;
	}
	memcpy(r->hc_child_call_res_u.result.result_val, ok_encoded, sizeof(ok_encoded));
	r->hc_child_call_res_u.result.result_len = sizeof(ok_encoded);
	r->err = HC_OK;
}

static void relay_receive(struct shadow_child *c, uint32_t proc, hc_child_call_res *r)
{
	uint32_t len, code;
	char *buf;

	if (read_exact(c->relay_fd, &len, 4) != 0) {
		relay_closed(c, proc, r);
		return;
	}
	len = ntohl(len);
	if (len == RELAY_FAILED) {
		r->err = read_exact(c->relay_fd, &code, 4) == 0 ?
				 hc_err_from_errno((int)ntohl(code)) : HC_ESRCH;
		return;
	}
	if (len > HC_CHILD_MSG_MAX || !(buf = malloc(len ? len : 1))) {
		r->err = HC_EPROTO;
		return;
	}
	if (read_exact(c->relay_fd, buf, len) != 0) {
		free(buf);
		r->err = HC_ESRCH;
		return;
	}
	r->hc_child_call_res_u.result.result_val = buf;
	r->hc_child_call_res_u.result.result_len = len;
	r->err = HC_OK;
}

int shadow_child_call(struct shadow *sh, void *args, void *res)
{
	hc_child_call_args *a = args;
	hc_child_call_res *r = res;
	struct shadow_child *c = children_find(sh, a->pid);
	int rc;

	if (!c || c->relay_fd < 0) {
		r->err = HC_ESRCH;
		return 0;
	}
	if (a->proc == HC_CHILD_CALL || a->proc == HC_STREAM_CREATE) {
		r->err = HC_EOPNOTSUPP;
		return 0;
	}
	rc = relay_send(c->relay_fd, a->proc, a->args.args_val, a->args.args_len);
	if (rc == 0)
		rc = shadow_wait_ready(sh, c->relay_fd, POLLIN, 0);
	if (rc == -ECONNRESET && c->relay_fd >= 0) {
		relay_closed(c, a->proc, r);
		return 0;
	}
	if (rc < 0) {
		r->err = hc_err_from_errno(-rc);
		return 0;
	}
	relay_receive(c, a->proc, r);
	return 0;
}
