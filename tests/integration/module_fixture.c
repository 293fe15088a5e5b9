/* module_fixture.c: a host module written by hand to include/hcgen.h, for test_module: add, upper, fdsize. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "module_fixture.h"

#ifndef FIXTURE_NAME
#define FIXTURE_NAME "fixture"
#endif
#ifndef FIXTURE_ABI
#define FIXTURE_ABI HCG_ABI_VERSION
#endif

/* A region inside [fixed, len), 8-byte aligned, with no arithmetic that can wrap. */
static int region_ok(const struct hcg_region *r, uint32_t fixed, uint32_t len)
{
	return r->off >= fixed && r->off % HCG_ALIGN == 0 && r->off <= len &&
	       r->len <= len - r->off;
}

static int disjoint(const struct hcg_region *a, const struct hcg_region *b)
{
	return (uint64_t)a->off + a->len <= b->off || (uint64_t)b->off + b->len <= a->off;
}

static int call_add(const struct hcg_host *host, uint8_t *block, uint32_t len)
{
	struct fixture_add *f = (struct fixture_add *)block;

	(void)host;
	if (len < sizeof(*f))
		return -EINVAL;
	f->result = (int64_t)((uint64_t)f->a + (uint64_t)f->b);   /* wraps, never UB */
	f->err = 0;
	return 0;
}

static int call_upper(const struct hcg_host *host, uint8_t *block, uint32_t len)
{
	struct fixture_upper *f = (struct fixture_upper *)block;
	const char *in;
	char *out;
	size_t n;

	(void)host;
	if (len < sizeof(*f) || !region_ok(&f->in, sizeof(*f), len) ||
	    !region_ok(&f->out, sizeof(*f), len) || !disjoint(&f->in, &f->out) || f->in.len == 0)
		return -EINVAL;
	in = (const char *)block + f->in.off;
	if (!memchr(in, '\0', f->in.len))
		return -EINVAL;   /* the string ends inside its region, or the block is refused */
	out = (char *)block + f->out.off;
	memset(out, 0, f->out.len);
	n = strlen(in);
	if (n >= f->out.len) {
		f->result = -1;
		f->err = ERANGE;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - 'a' + 'A' : in[i]);
	f->result = (int64_t)n;
	f->err = 0;
	return 0;
}

static int call_fdsize(const struct hcg_host *host, uint8_t *block, uint32_t len)
{
	struct fixture_fdsize *f = (struct fixture_fdsize *)block;
	struct stat st;
	int fd;

	if (len < sizeof(*f))
		return -EINVAL;
	if ((fd = host->handle_fd(host->shadow, f->handle)) < 0) {
		f->result = -1;
		f->err = EBADF;
		return 0;
	}
	f->result = fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
	f->err = f->result < 0 ? errno : 0;
	return 0;
}

static int bind_fixture(char *err, size_t errlen)
{
#ifdef FIXTURE_BIND_FAILS
	snprintf(err, errlen, "libmissing.so.7: cannot open shared object file");
	return -ENOENT;
#else
	(void)err;
	(void)errlen;
	return 0;
#endif
}

static const struct hcg_func funcs[FIXTURE_NFUNCS] = {
	[FIXTURE_ADD] = { "add", sizeof(struct fixture_add), call_add },
	[FIXTURE_UPPER] = { "upper", sizeof(struct fixture_upper), call_upper },
	[FIXTURE_FDSIZE] = { "fdsize", sizeof(struct fixture_fdsize), call_fdsize },
};

extern const struct hcg_module hcg_module;
const struct hcg_module hcg_module = {
	.abi = FIXTURE_ABI,
	.name = FIXTURE_NAME,
	.version = FIXTURE_VERSION,
	.hash = FIXTURE_HASH,
	.nfuncs = FIXTURE_NFUNCS,
	.funcs = funcs,
	.bind = bind_fixture,
};
