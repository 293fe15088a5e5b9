/*
 * rpc_record.h: ONC RPC record marking (RFC 5531 section 11) over a byte source that may have
 * nothing yet: a record's fragments gathered without blocking, and the mark of one going out.
 */
#ifndef HC_RPC_RECORD_H
#define HC_RPC_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Room kept before a record's body, so that its one-fragment mark can be written there. */
#define RPC_MARK_LEN 4

/* A source of bytes: how many were read (> 0), 0 when none has come yet, or -errno. */
typedef ssize_t (*rpc_read_fn)(void *ctx, void *buf, size_t len);

struct rpc_record {
	uint8_t *buf;           /* RPC_MARK_LEN bytes of room, then the body */
	size_t max;             /* the longest body taken */
	size_t len;             /* the body's bytes so far */
	uint8_t mark[4];        /* the fragment header being read */
	size_t mark_got;
	uint32_t frag_left;     /* the current fragment's bytes still to come */
	int last;               /* the current fragment ends the record */
	int whole;              /* a record is complete in buf */
	int error;              /* -errno: the byte stream is past saving, every later fill says so */
};

/* rpc_record_init - @r, for records of at most @max bytes. Returns: 0 or -ENOMEM. */
int rpc_record_init(struct rpc_record *r, size_t max);

/*
 * rpc_record_fill - read from @read(@ctx) until a record is whole (its body at
 * rpc_record_body(), r->len bytes), and nothing past its end.
 * Returns: 1 whole, 0 more to come, -EMSGSIZE when it is longer than max (or has an empty
 * fragment before its last), or the source's -errno. An error stays: the same one again.
 */
int rpc_record_fill(struct rpc_record *r, rpc_read_fn read, void *ctx);

/* rpc_record_body - the body of @r's record. */
static inline uint8_t *rpc_record_body(struct rpc_record *r)
{
	return r->buf + RPC_MARK_LEN;
}

/* rpc_u32 - the big-endian 32-bit word at @p (a record's xid, direction, RPC version). */
static inline uint32_t rpc_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* rpc_record_next - forget the whole record, for the next one. */
void rpc_record_next(struct rpc_record *r);

/* rpc_record_free - free @r's buffer. */
void rpc_record_free(struct rpc_record *r);

/* rpc_record_mark - the mark of a one-fragment record of @len bytes (< 2^31). */
void rpc_record_mark(uint8_t mark[RPC_MARK_LEN], size_t len);

#endif
