/* session.h: the guest's session object and the one call path every hc_* function takes. */
#ifndef HC_SESSION_H
#define HC_SESSION_H

#include <sys/types.h>

#include "hostcall.h"
#include "transport.h"

struct hc_session {
	struct hc_transport *t;     /* the root session's transport; NULL in a child */
	struct hc_session *root;    /* itself, or the session a forked child hangs off */
	pid_t child_pid;            /* 0, or the forked child this session addresses */
	int timeout_ms;
	void *view;                 /* hc_fs_pread_view's bytes, where the transport keeps none */
	void *block;                /* hc_module_block's, where the transport has none: HC_BLOCK_MAX */
};

/*
 * hc_session_call - send hostcall @proc to @s's shadow (or forked child) and
 * decode its result into @res, which the caller frees with xdr_free().
 * Returns: 0 when a result arrived, or -errno for a transport failure.
 */
int hc_session_call(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
		    xdrproc_t xres, void *res);

/* hc_session_call_err - a call whose result is a bare hc_err. Returns: 0 or -errno. */
int hc_session_call_err(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args);

/*
 * hc_session_call_into - a call whose result is an hc_err and, on HC_OK, opaque bytes
 * decoded straight into @buf: at most @cap of them (a longer answer fails the decode).
 * Returns: the bytes, or -errno.
 */
ssize_t hc_session_call_into(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
			     void *buf, size_t cap);
/*
 * hc_session_call_data - a call whose result is an hc_data_res of at most @len
 * bytes, copied to @buf. Returns: the byte count or -errno.
 */
ssize_t hc_session_call_data(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
			     void *buf, size_t len);

/*
 * hc_session_io - HC_READ, HC_WRITE, HC_PREAD or HC_PWRITE (at @off) through
 * the transport's own bulk path, where it has one (not in a forked child's session).
 * Returns: bytes, -errno, or -ENOSYS when the caller must use XDR instead.
 */
ssize_t hc_session_io(struct hc_session *s, uint32_t proc, hc_handle h, uint64_t off, void *buf,
		      size_t len);

/*
 * hc_session_pread_view - HC_PREAD through the transport's pread_view.
 * Returns: bytes, -errno, or -ENOSYS when it has none.
 */
ssize_t hc_session_pread_view(struct hc_session *s, hc_handle h, uint64_t off, size_t len,
			      const void **data);

/* hc_session_call_int - a call whose result is an hc_int_res. Returns: the value or -errno. */
int hc_session_call_int(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args);

/* hc_copy_string - copy @src into @buf of @len. Returns: 0 or -ERANGE. */
int hc_copy_string(char *buf, size_t len, const char *src);

#endif
