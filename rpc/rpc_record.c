/* rpc_record.c: ONC RPC record marking over a non-blocking byte source (rpc_record.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc_record.h"

#define LAST_FRAGMENT 0x80000000u

int rpc_record_init(struct rpc_record *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
	r->buf = malloc(RPC_MARK_LEN + max);
	return r->buf ? 0 : -ENOMEM;
}

void rpc_record_next(struct rpc_record *r)
{
	r->len = 0;
	r->mark_got = 0;
	r->frag_left = 0;
	r->last = 0;
	r->whole = 0;
}

void rpc_record_free(struct rpc_record *r)
{
	free(r->buf);
	r->buf = NULL;
}

void rpc_record_mark(uint8_t mark[RPC_MARK_LEN], size_t len)
{
	uint32_t v = LAST_FRAGMENT | (uint32_t)len;

	mark[0] = (uint8_t)(v >> 24);
	mark[1] = (uint8_t)(v >> 16);
	mark[2] = (uint8_t)(v >> 8);
	mark[3] = (uint8_t)v;
}

/*
 * A fragment's header is in: its length checked against what the record may still take. An
 * empty fragment that is not the last would let a peer keep one fill going for ever.
 */
static int start_fragment(struct rpc_record *r)
{
	uint32_t v = rpc_u32(r->mark);

	r->last = (v & LAST_FRAGMENT) != 0;
	r->frag_left = v & ~LAST_FRAGMENT;
	if (r->frag_left > r->max - r->len || (!r->frag_left && !r->last)) {
		r->frag_left = 0;
		return -EMSGSIZE;
	}
	return 0;
}

/* One read, of the header or the fragment's body. Returns: 1 progress, 0 none yet, -errno. */
static int read_step(struct rpc_record *r, rpc_read_fn read, void *ctx)
{
	ssize_t n;

	if (r->mark_got < sizeof(r->mark)) {
		n = read(ctx, r->mark + r->mark_got, sizeof(r->mark) - r->mark_got);
		if (n > 0 && (r->mark_got += (size_t)n) == sizeof(r->mark)) {
			int e = start_fragment(r);
			if (e)
				return e;
		}
	} else {
		n = read(ctx, rpc_record_body(r) + r->len, r->frag_left);
		if (n > 0) {
			r->len += (size_t)n;
			r->frag_left -= (uint32_t)n;
		}
	}
	return n > 0 ? 1 : (int)n;
}

int rpc_record_fill(struct rpc_record *r, rpc_read_fn read, void *ctx)
{
	int e;

	if (r->error)
		return r->error;
	while (!r->whole) {
		if ((e = read_step(r, read, ctx)) <= 0)
			return e < 0 ? (r->error = e) : 0;
		if (r->mark_got == sizeof(r->mark) && r->frag_left == 0) {
			if (r->last)
				r->whole = 1;
			else
				r->mark_got = 0;   /* the next fragment's header */
		}
	}
	return 1;
}
