/* shm_access.h: every host read of memory a guest may write, one accessor each (fuzz hooks under HK_SHM_FUZZ). */
#ifndef HK_SHM_ACCESS_H
#define HK_SHM_ACCESS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * The guest may change any byte of its channel at any moment, also while the
 * host reads it. So the host reads each field it validates once, into its own
 * memory, and uses only that copy: two reads of the same bytes while handling
 * one request would be a double fetch (validated the first, used the second).
 *
 *   shm_get(p)        a plain field (proc, len, pump_pid, ...): a volatile load
 *   shm_acquire(p)    an _Atomic field, acquire: an index, a sequence, a state
 *   shm_watch(p)      an _Atomic field, acquire, polled by design: the value
 *                     only decides whether to go on or wait, and is never
 *                     checked and then used (liveness, "has the ring moved")
 *   shm_copy_in(d, s, n)   n bytes out of shared memory: a memcpy
 *   shm_span(p, n)    n bytes at p are handed to the kernel in place (iovecs
 *                     over a ring, a bulk buffer): no read here, only a bound
 *   shm_begin(what)   one handling starts (a request, a ring pass): a read
 *                     of the same bytes after it is a fresh look, not a double fetch
 *
 * In a normal build these are exactly the loads and copies they stand for. In
 * a fuzz build (-DHK_SHM_FUZZ) each calls a hook the fuzz harness defines
 * (tests/fuzz/shm_fake.c): it returns fresh fuzzer bytes on every read, fails
 * the run on a second read of the same bytes within one handling, and on any
 * access outside the memory it fakes.
 */
#ifndef HK_SHM_FUZZ

static inline uint32_t shm_get(const volatile uint32_t *p)
{
	return *p;
}

static inline uint32_t shm_acquire(_Atomic uint32_t *p)
{
	return atomic_load_explicit(p, memory_order_acquire);
}

static inline uint32_t shm_watch(_Atomic uint32_t *p)
{
	return atomic_load_explicit(p, memory_order_acquire);
}

static inline void shm_copy_in(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

static inline void shm_span(const void *p, size_t n)
{
	(void)p;
	(void)n;
}

static inline void shm_begin(const char *what)
{
	(void)what;
}

#else

enum { HK_SHM_ONCE, HK_SHM_WATCH };

/* hk_shm_fuzz_load - the hook of a 4-byte read at @p (@expr: the source text). */
uint32_t hk_shm_fuzz_load(const volatile void *p, int how, const char *expr);
/* hk_shm_fuzz_copy_in - the hook of an @n-byte copy from @src into @dst. */
void hk_shm_fuzz_copy_in(void *dst, const volatile void *src, size_t n, const char *expr);
/* hk_shm_fuzz_span - @n bytes at @p are used in place: they must lie in the fake memory. */
void hk_shm_fuzz_span(const volatile void *p, size_t n, const char *expr);
/* hk_shm_fuzz_begin - a new handling: forget the reads so far. */
void hk_shm_fuzz_begin(const char *what);

#define shm_get(p) hk_shm_fuzz_load((p), HK_SHM_ONCE, #p)
#define shm_acquire(p) hk_shm_fuzz_load((p), HK_SHM_ONCE, #p)
#define shm_watch(p) hk_shm_fuzz_load((p), HK_SHM_WATCH, #p)
#define shm_copy_in(d, s, n) hk_shm_fuzz_copy_in((d), (s), (n), #s)
#define shm_span(p, n) hk_shm_fuzz_span((p), (n), #p)
#define shm_begin(what) hk_shm_fuzz_begin(what)

#endif

#endif
