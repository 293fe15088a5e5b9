/* module_fixture.h: the blocks of the test's host module, laid out by hand as hcgen would generate them. */
#ifndef HC_MODULE_FIXTURE_H
#define HC_MODULE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "hcgen.h"

#define FIXTURE_VERSION 1

/* Its interface's "hash": any 32 bytes the test and the module agree on. */
#define FIXTURE_HASH { \
	0x68, 0x63, 0x67, 0x65, 0x6e, 0x2d, 0x66, 0x69, 0x78, 0x74, 0x75, 0x72, 0x65, 0x00, 0x01, 0x02, \
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12 }

enum { FIXTURE_ADD, FIXTURE_UPPER, FIXTURE_FDSIZE, FIXTURE_NFUNCS };

/* int64 add(int64 a, int64 b) */
struct fixture_add {
	int64_t a, b;
	int64_t result;
	int32_t err;
	uint32_t pad;
};

/* int64 upper([in, string, max=HCG_BLOCK_MAX] in, [out, size=out_len] out): strlen(in), or -1 ERANGE */
struct fixture_upper {
	struct hcg_region in;
	struct hcg_region out;
	int64_t result;
	int32_t err;
	uint32_t pad;
};

/* int64 fdsize(handle h): the host file's size, or -1 with EBADF */
struct fixture_fdsize {
	int32_t handle;
	int32_t err;
	int64_t result;
};

_Static_assert(sizeof(struct fixture_add) == 32 && offsetof(struct fixture_add, err) == 24,
	       "add's fixed part");
_Static_assert(sizeof(struct fixture_upper) == 32 && offsetof(struct fixture_upper, out) == 8,
	       "upper's fixed part");
_Static_assert(sizeof(struct fixture_fdsize) == 16 && offsetof(struct fixture_fdsize, result) == 8,
	       "fdsize's fixed part");

#endif
