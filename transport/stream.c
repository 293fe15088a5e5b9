/* stream.c: streams, guest side: ask the shadow for a ticket, dial it, hand back a guest fd. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "errmap.h"
#include "session.h"

int hc_stream_open(struct hc_session *s, int *guest_fd)
{
	hc_stream_res res;
	int r;

	if (s->child_pid)
		return -EOPNOTSUPP;   /* streams belong to the session's shadow */
	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_STREAM_CREATE, (xdrproc_t)hc_xdr_void, NULL,
			    (xdrproc_t)xdr_hc_stream_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	r = hc_transport_stream_dial(s->t, &res.hc_stream_res_u.ticket, s->timeout_ms, guest_fd);
	return r ? r : res.hc_stream_res_u.ticket.handle;
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
