/* hcgen.h: the ABI between hcgen's generated code and the shadow: argument blocks and host modules. */
#ifndef HCGEN_H
#define HCGEN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A call to a host module function travels as one flat argument block, the
 * same bytes over every transport: no pointers, no marshalling. The block
 * starts with the function's fixed part, a struct hcgen generates (scalars,
 * the result, the captured errno, and a struct hcg_region for each pointer
 * parameter), followed by the regions' bytes. Offsets count from the block's
 * start; every region starts 8-byte aligned after the fixed part.
 *
 * The shadow copies the block out of shared memory once, into its own
 * memory, and hands that copy to the generated host function, which
 * validates every field before it uses it, zeroes the out regions, calls the
 * host function with pointers into the copy and writes results (the fixed
 * part, out and inout regions) back into the copy. The copy, whole, is the
 * answer: the guest stub reads the fixed part and copies the out regions to
 * its caller, checking them against what it sent.
 */

#define HCG_ABI_VERSION 1
#define HCG_HASH_LEN 32           /* SHA-256 of the interface, as hcgen canonicalises it */
#define HCG_NAME_MAX 63           /* a module's name: [a-z0-9_], a letter first */
#define HCG_BLOCK_MAX 2088960u    /* 2 MiB - 8 KiB: what one call's block may take */
#define HCG_ALIGN 8u

/* Where a pointer parameter's bytes lie in the block. */
struct hcg_region {
	uint32_t off;             /* from the block's start, past the fixed part: hcgen passes no NULL */
	uint32_t len;             /* bytes */
};

/* An element of an array of buffers (an iovec- or argv-shaped parameter): a region itself. */
typedef struct hcg_region hcg_buffer;

/* What the shadow lends a module function while it runs. */
struct hcg_host {
	void *shadow;
	/* handle_fd - the host descriptor guest handle @h names. Returns: the fd, or -EBADF. */
	int (*handle_fd)(void *shadow, int32_t h);
};

struct hcg_func {
	const char *name;
	uint32_t fixed_size;      /* the fixed part: no block is shorter */
	/*
	 * call - validate @block (@len bytes, the shadow's private copy, 8-byte
	 * aligned, at most HCG_BLOCK_MAX) and call the function; results go into
	 * @block. Returns: 0 (the call ran; its result and errno are in the fixed
	 * part) or -EINVAL (the block breaks its declaration: nothing ran).
	 */
	int (*call)(const struct hcg_host *host, uint8_t *block, uint32_t len);
};

/* What a host module NAME.so exports, under the name HCG_MODULE_SYMBOL. */
struct hcg_module {
	uint32_t abi;             /* HCG_ABI_VERSION */
	const char *name;
	uint32_t version;
	uint8_t hash[HCG_HASH_LEN];
	uint32_t nfuncs;
	const struct hcg_func *funcs;
	/*
	 * bind - resolve the functions the module binds (dlopen of "libz.so.1",
	 * dlsym of each), once, when the shadow opens the module. Returns: 0, or
	 * -errno with @err (of @errlen bytes) saying what is missing.
	 */
	int (*bind)(char *err, size_t errlen);
};

#define HCG_MODULE_SYMBOL "hcg_module"

#ifdef __cplusplus
}
#endif

#endif
