/* hcg_guest_api.h: the three libhostcall functions generated guest stubs call (libhostcall provides them; the merge moves these prototypes to include/hostcall.h). */
#ifndef HCG_GUEST_API_H
#define HCG_GUEST_API_H

#include <stddef.h>
#include <stdint.h>

struct hc_session;

/* hc_module_open - open host module @name whose interface hashes to @hash (HCG_HASH_LEN bytes).
 * Returns: a module id (>= 0) or -errno (-EINVAL, -ENOENT, -EPROTO, -ENOEXEC). */
int hc_module_open(struct hc_session *s, const char *name, const uint8_t *hash);
/* hc_module_block - where the next hc_module_call's block is laid out, 8-byte aligned; *cap: its
 * room (<= HCG_BLOCK_MAX). Valid until the next call on @s. NULL (and *cap 0) if none. */
void *hc_module_block(struct hc_session *s, size_t *cap);
/* hc_module_call - call function @func of module @module with the block of @len bytes already in
 * hc_module_block(); the answer (@len bytes) replaces it. Returns: 0 or -errno. */
int hc_module_call(struct hc_session *s, int module, uint32_t func, size_t len);

#endif
