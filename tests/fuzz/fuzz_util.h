/* fuzz_util.h: what the RPC fuzz targets share: a shadow made without forking, descriptor counts, seeds. */
#ifndef HC_FUZZ_UTIL_H
#define HC_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <rpc/rpc.h>

struct shadow;

/* The environment variable naming a directory: the target writes its seed corpus there and exits. */
#define FUZZ_SEEDS_ENV "HC_FUZZ_WRITE_SEEDS"

/* fuzz_fd_count - how many descriptors this process has open (abort()s if it cannot tell). */
int fuzz_fd_count(void);

/*
 * fuzz_shadow_fresh - @sh as a shadow right after shadow_init, without its
 * process-wide set-up (no signalfd, no prctl, no alarm, stdio kept), holding
 * a key, authenticated or not, with no connection. fuzz_shadow_end undoes it.
 */
void fuzz_shadow_fresh(struct shadow *sh, int authenticated);
/* fuzz_shadow_end - close what a fuzzed call left in @sh: handles, pumps, modules. */
void fuzz_shadow_end(struct shadow *sh);

/* fuzz_seed_write - write @len bytes as seed @name into the directory FUZZ_SEEDS_ENV names. */
void fuzz_seed_write(const char *name, const void *buf, size_t len);

/*
 * fuzz_xdr_encode - @obj encoded with @proc into a malloc'd buffer after
 * @prefix bytes left for the caller (*@len counts them). Returns: it, or
 * NULL when @proc refuses @obj.
 */
uint8_t *fuzz_xdr_encode(xdrproc_t proc, void *obj, size_t prefix, size_t *len);

#endif
