/* stream.c: streams, guest side: ask the shadow for a ticket, dial it, hand back a guest fd. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errmap.h"
#include "session.h"

static int create_ticket(struct hc_session *s, hc_stream_ticket *ticket)
{
	hc_stream_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_STREAM_CREATE, (xdrproc_t)hc_xdr_void, NULL,
			    (xdrproc_t)xdr_hc_stream_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	*ticket = res.hc_stream_res_u.ticket;
	return 0;
}

int hc_stream_open_many(struct hc_session *s, int n, int guest_fds[], hc_handle_t handles[])
{
	hc_stream_ticket tickets[HC_STREAMS_AT_ONCE] = { { 0 } };
	int r = 0, made = 0;

	if (s->child_pid)
		return -EOPNOTSUPP;   /* streams belong to the session's shadow */
	if (n <= 0 || n > HC_STREAMS_AT_ONCE)
		return -EINVAL;
	for (; made < n; made++)
		if ((r = create_ticket(s, &tickets[made])) != 0)
			break;
	if (r == 0)
		r = hc_transport_stream_dial(s->t, tickets, n, s->timeout_ms, guest_fds);
	if (r != 0) {   /* the host ends were reserved: give them back */
		for (int i = 0; i < made; i++)
			hc_close(s, tickets[i].handle);
		return r;
	}
	for (int i = 0; i < n; i++)
		handles[i] = tickets[i].handle;
	return 0;
}

int hc_stream_open(struct hc_session *s, int *guest_fd)
{
	hc_handle_t h;
	int r = hc_stream_open_many(s, 1, guest_fd, &h);

	return r ? r : h;
}

int hc_stream_attach(struct hc_session *s, hc_handle_t stream, hc_handle_t host,
		     enum hc_stream_direction dir)
{
	hc_stream_attach_args a = { stream, host, (hc_stream_dir)dir };

	if (dir != HC_TO_HOST && dir != HC_FROM_HOST)
		return -EINVAL;
	return hc_session_call_err(s, HC_STREAM_ATTACH, (xdrproc_t)xdr_hc_stream_attach_args,
				   &a);
}

ssize_t hc_stream_unread(struct hc_session *s, hc_handle_t stream, void *buf, size_t len)
{
	hc_handle a = stream;

	return hc_session_call_data(s, HC_STREAM_UNREAD, (xdrproc_t)xdr_hc_handle, &a, buf, len);
}

int hc_stream_finish(int fd)
{
	unsigned char buf[512], head[HC_STREAM_FAULT_LEN];
	size_t have = 0;
	ssize_t n;
	uint32_t code;

	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n && have < sizeof(head); i++)
			head[have++] = buf[i];
	if (n < 0 && errno == EINTR)
		return -EINTR;   /* a signal: the caller's to act on (a trap), not to wait through */
	if (have < sizeof(head) || memcmp(head, HC_STREAM_FAULT_MAGIC, 4) != 0)
		return 0;
	memcpy(&code, head + 4, 4);
	return -hc_err_to_errno((hc_err)ntohl(code));
}
