/* fuzz_rpc_record.c: libFuzzer target: any bytes, in any pieces, through the non-blocking record marking of TLS sessions and the call header's decoding. */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rpc/rpc.h>

#include "rpc_record.h"

#define RECORD_MAX 4096

struct pieces {
	const uint8_t *data;
	size_t size, off;
	uint8_t step;           /* how the input is cut: the first byte */
	unsigned calls;
};

/* The next piece: 1 to 16 bytes, or now and then none yet (a source that would block). */
static ssize_t next_piece(void *ctx, void *buf, size_t len)
{
	struct pieces *p = ctx;
	size_t n = (size_t)((p->step + p->calls * 7u) % 17u);

	p->calls++;
	if (p->off == p->size)
		return -ECONNRESET;
	if (n == 0)
		return 0;
	if (n > len)
		n = len;
	if (n > p->size - p->off)
		n = p->size - p->off;
	memcpy(buf, p->data + p->off, n);
	p->off += n;
	return (ssize_t)n;
}

/* As svc_tls.c does with a whole record: the call's header, the credentials in our own room. */
static void decode_call(struct rpc_record *r)
{
	char auth[2 * MAX_AUTH_BYTES];
	struct rpc_msg msg;
	XDR x;

	memset(&msg, 0, sizeof(msg));
	msg.rm_call.cb_cred.oa_base = auth;
	msg.rm_call.cb_verf.oa_base = auth + MAX_AUTH_BYTES;
	xdrmem_create(&x, (char *)rpc_record_body(r), (u_int)r->len, XDR_DECODE);
	if (xdr_callmsg(&x, &msg))
		assert(msg.rm_call.cb_cred.oa_length <= MAX_AUTH_BYTES);
	xdr_destroy(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pieces p = { data, size, 0, size ? data[0] : 0, 0 };
	struct rpc_record r;
	int e;

	if (rpc_record_init(&r, RECORD_MAX) != 0)
		return 0;
	p.off = size ? 1 : 0;
	while (p.calls < 100000) {
		if ((e = rpc_record_fill(&r, next_piece, &p)) < 0) {
			size_t off = p.off;
			for (int i = 0; i < 3; i++)   /* a caller may fill again: the error stays, no byte is read */
				assert(rpc_record_fill(&r, next_piece, &p) == e && p.off == off);
			break;
		}
		if (e == 1) {
			assert(r.len <= RECORD_MAX);
			decode_call(&r);
			rpc_record_next(&r);
		}
	}
	rpc_record_free(&r);
	return 0;
}
