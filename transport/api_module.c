/* api_module.c: host modules from the guest: open one by name and interface hash, call its functions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hcgen.h"
#include "session.h"

_Static_assert(HC_BLOCK_MAX == HCG_BLOCK_MAX, "the wire's block bound is the ABI's");
_Static_assert(HC_MODULE_HASH_LEN == HCG_HASH_LEN, "the wire's hash is the ABI's");
_Static_assert(HC_BLOCK_MAX % HCG_ALIGN == 0, "a session's block is a whole number of words");
/* A forked child's calls travel inside HC_CHILD_CALL: its block must fit that with its header. */
#define CHILD_BLOCK_MAX HC_IO_MAX
_Static_assert(CHILD_BLOCK_MAX + 64 <= HC_CHILD_MSG_MAX, "a child's block fits a relayed call");

int hc_module_open(struct hc_session *s, const char *name, const uint8_t *hash)
{
	hc_module_open_args a;

	if (!name || !hash || strnlen(name, HC_MODULE_NAME_MAX + 1) > HC_MODULE_NAME_MAX)
		return -EINVAL;
	a.name = (char *)name;
	memcpy(a.hash, hash, HC_MODULE_HASH_LEN);
	return hc_session_call_int(s, HC_MODULE_OPEN, (xdrproc_t)xdr_hc_module_open_args, &a);
}

/* The transport's own block: not in a forked child's session, whose calls are relayed. */
static int has_own_block(const struct hc_session *s)
{
	return !s->child_pid && s->t->ops->module_block && s->t->ops->module_call;
}

void *hc_module_block(struct hc_session *s, size_t *cap)
{
	if (has_own_block(s))
		return s->t->ops->module_block(s->t, cap);
	if (!s->block && !(s->block = aligned_alloc(HCG_ALIGN, HC_BLOCK_MAX))) {
		*cap = 0;
		return NULL;
	}
	*cap = s->child_pid ? CHILD_BLOCK_MAX : HC_BLOCK_MAX;
	return s->block;
}

/* tcp:, unix: and forked children: the block travels as one opaque argument, and back. */
static int call_xdr(struct hc_session *s, int module, uint32_t func, void *block, size_t len)
{
	hc_module_call_args a = { module, func, { (u_int)len, block } };
	ssize_t n;

	/* the answer is decoded straight over the block sent, never longer than it */
	n = hc_session_call_into(s, HC_MODULE_CALL, (xdrproc_t)xdr_hc_module_call_args, &a, block,
				 len);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EPROTO;
}

int hc_module_call(struct hc_session *s, int module, uint32_t func, size_t len)
{
	size_t cap = 0;
	void *block = hc_module_block(s, &cap);

	if (!block)
		return -ENOMEM;
	if (len > cap)
		return -E2BIG;
	if (has_own_block(s))
		return s->t->ops->module_call(s->t, module, func, len, s->timeout_ms);
	return call_xdr(s, module, func, block, len);
}
