/* shm_dispatch.h: the shadow's real dispatch behind a channel under test, for the calls that are harmless in-process. */
#ifndef HK_SHM_DISPATCH_H
#define HK_SHM_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

struct shadow;

/*
 * Linked with -Wl,--wrap=shadow_call_encoded, kvm_conn.c's calls come here:
 * the real shadow_call_encoded for the procedures that, with no handle open,
 * end in EBADF or a decode error; -ENOSYS, as for an unknown one, for every
 * other (paths, processes, signals, the environment: the XDR targets' part).
 */
int __wrap_shadow_call_encoded(struct shadow *sh, uint32_t proc, const void *in, size_t inlen,
			       void **out, size_t *outlen);

/* shm_dispatch_shadow - a shadow as run_kvm_shadow makes one, without the process around it. */
struct shadow *shm_dispatch_shadow(void);

/* shm_dispatch_free - close its handles and free it. */
void shm_dispatch_free(struct shadow *sh);

#endif
