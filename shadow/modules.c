/* modules.c: host modules: NAME.so loaded from hostcalld's module directories only, and their calls. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errmap.h"
#include "hcgen.h"
#include "log.h"
#include "shadow.h"

_Static_assert(HC_BLOCK_MAX == HCG_BLOCK_MAX, "the wire's block bound is the ABI's");
_Static_assert(HC_MODULE_NAME_MAX == HCG_NAME_MAX, "the wire's name bound is the ABI's");
_Static_assert(HC_MODULE_HASH_LEN == HCG_HASH_LEN, "the wire's hash is the ABI's");

/* Refusals logged per session before the rest go unlogged. */
#define REFUSALS_LOGGED 16

static void refusal(struct shadow *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refusal(struct shadow *sh, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (sh->module_refusals > REFUSALS_LOGGED)
		return;
	if (sh->module_refusals++ == REFUSALS_LOGGED) {
		log_warn("module: further refusals in this session are not logged");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("module: %s", msg);
}

/* [a-z][a-z0-9_]*, at most HCG_NAME_MAX: never a slash, never a dot. */
static int name_valid(const char *name)
{
	size_t n = strnlen(name, HCG_NAME_MAX + 1);

	if (n == 0 || n > HCG_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return 0;
	return 1;
}

/* The first DIR/NAME.so that is a regular file, in the order the directories were given. */
static int find_file(const struct shadow *sh, const char *name, char *path, size_t len)
{
	struct stat st;

	for (int i = 0; i < sh->opts.nmodule_dirs; i++) {
		const char *dir = sh->opts.module_dirs[i];
		if (dir[0] != '/')
			continue;   /* hostcalld made them absolute: never relative to the shadow's cwd */
		if ((size_t)snprintf(path, len, "%s/%s.so", dir, name) >= len)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
	}
	return -ENOENT;
}

static int find_open(const struct shadow *sh, const char *name)
{
	for (int i = 0; i < SHADOW_MODULE_MAX; i++)
		if (sh->modules[i].dl && strcmp(sh->modules[i].m->name, name) == 0)
			return i;
	return -1;
}

static int free_slot(const struct shadow *sh)
{
	for (int i = 0; i < SHADOW_MODULE_MAX; i++)
		if (!sh->modules[i].dl)
			return i;
	return -EMFILE;
}

/* What @path exports, checked against the ABI and @name. Returns: 0 or -ENOEXEC. */
static int check_export(struct shadow *sh, void *dl, const char *name, const char *path,
			const struct hcg_module **out)
{
	const struct hcg_module *m = dlsym(dl, HCG_MODULE_SYMBOL);

	if (!m) {
		refusal(sh, "%s: no %s: not a host module", path, HCG_MODULE_SYMBOL);
		return -ENOEXEC;
	}
	if (m->abi != HCG_ABI_VERSION) {
		refusal(sh, "%s: ABI %u, this hostcalld speaks %u", path, (unsigned)m->abi,
			(unsigned)HCG_ABI_VERSION);
		return -ENOEXEC;
	}
	if (!m->name || strcmp(m->name, name) != 0 || (m->nfuncs && !m->funcs)) {
		refusal(sh, "%s: not the module %s", path, name);
		return -ENOEXEC;
	}
	*out = m;
	return 0;
}

/* The interface, then the module's own bindings. Returns: 0, -EPROTO or -ENOEXEC. */
static int check_and_bind(struct shadow *sh, const struct hcg_module *m, const uint8_t *hash,
			  const char *path)
{
	char err[256] = "";
	int r;

	if (memcmp(m->hash, hash, HCG_HASH_LEN) != 0) {
		refusal(sh, "%s: built from another interface (its hash differs)", path);
		return -EPROTO;
	}
	if (m->bind && (r = m->bind(err, sizeof(err))) != 0) {
		err[sizeof(err) - 1] = '\0';
		refusal(sh, "%s: bind failed: %s (%s)", path, err[0] ? err : "no reason given",
			strerror(r < 0 ? -r : r));
		return -ENOEXEC;
	}
	return 0;
}

static int load(struct shadow *sh, const char *name, const uint8_t *hash, int slot)
{
	const struct hcg_module *m = NULL;
	char path[4096];
	void *dl;
	int r;

	if ((r = find_file(sh, name, path, sizeof(path))) != 0) {
		refusal(sh, "%s: no %s.so in the module directories", name, name);
		return r;
	}
	if (!(dl = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		refusal(sh, "%s: does not load: %s", path, dlerror());
		return -ENOEXEC;
	}
	if ((r = check_export(sh, dl, name, path, &m)) != 0 ||
	    (r = check_and_bind(sh, m, hash, path)) != 0) {
		dlclose(dl);
		return r;
	}
	sh->modules[slot] = (struct shadow_module){ dl, m };
	log_info("module %s opened from %s: version %u, %u functions", name, path,
		 (unsigned)m->version, (unsigned)m->nfuncs);
	return slot;
}

int modules_open(struct shadow *sh, const char *name, const uint8_t *hash)
{
	int id;

	if (!name_valid(name)) {
		refusal(sh, "a name that is not [a-z][a-z0-9_]* of at most %d refused", HCG_NAME_MAX);
		return -EINVAL;
	}
	if ((id = find_open(sh, name)) >= 0) {
		if (memcmp(sh->modules[id].m->hash, hash, HCG_HASH_LEN) != 0) {
			refusal(sh, "%s: open, but built from another interface", name);
			return -EPROTO;
		}
		return id;
	}
	if ((id = free_slot(sh)) < 0) {
		refusal(sh, "%s: %d modules open already", name, SHADOW_MODULE_MAX);
		return id;
	}
	return load(sh, name, hash, id);
}

static int host_handle_fd(void *shadow, int32_t h)
{
	return handles_fd(&((struct shadow *)shadow)->handles, h);
}

/* The module's function on an 8-byte-aligned block. Returns: 0 or -EINVAL. */
static int run(struct shadow *sh, const struct hcg_func *f, uint8_t *block, uint32_t len)
{
	const struct hcg_host host = { sh, host_handle_fd };
	uint64_t empty = 0;
	int r = f->call(&host, len ? block : (uint8_t *)&empty, len);

	if (r == 0)
		return 0;
	if (r != -EINVAL)
		refusal(sh, "%s: answered %d, not 0 or -EINVAL", f->name ? f->name : "?", r);
	return -EINVAL;
}

/* A block not 8-byte aligned is run in a copy that is. */
static int run_aligned(struct shadow *sh, const struct hcg_func *f, uint8_t *block, uint32_t len)
{
	uint8_t *copy;
	int r;

	if (((uintptr_t)block & (HCG_ALIGN - 1)) == 0)
		return run(sh, f, block, len);
	if (!(copy = aligned_alloc(HCG_ALIGN, ((size_t)len + HCG_ALIGN - 1) & ~(size_t)(HCG_ALIGN - 1))))
		return -ENOMEM;
	memcpy(copy, block, len);
	if ((r = run(sh, f, copy, len)) == 0)
		memcpy(block, copy, len);
	free(copy);
	return r;
}

int modules_call(struct shadow *sh, int id, uint32_t func, uint8_t *block, size_t len)
{
	const struct hcg_module *m;
	const struct hcg_func *f;
	int r;

	if (id < 0 || id >= SHADOW_MODULE_MAX || !sh->modules[id].dl)
		return -EBADF;
	m = sh->modules[id].m;
	if (func >= m->nfuncs || !m->funcs[func].call)
		return -ENOSYS;
	f = &m->funcs[func];
	if (len < f->fixed_size || len > HCG_BLOCK_MAX || (len && !block))
		return -EINVAL;
	if ((r = run_aligned(sh, f, block, (uint32_t)len)) == -EINVAL)
		refusal(sh, "%s.%s: a block of %zu bytes refused", m->name,
			f->name ? f->name : "?", len);
	return r;
}

void modules_close_all(struct shadow *sh)
{
	for (int i = 0; i < SHADOW_MODULE_MAX; i++) {
		if (sh->modules[i].dl)
			dlclose(sh->modules[i].dl);
		sh->modules[i] = (struct shadow_module){ NULL, NULL };
	}
}

int shadow_module_open(struct shadow *sh, void *args, void *res)
{
	hc_module_open_args *a = args;
	hc_int_res *r = res;
	int id = modules_open(sh, a->name, (const uint8_t *)a->hash);

	r->err = hc_err_from_neg(id < 0 ? id : 0);
	r->hc_int_res_u.value = id < 0 ? 0 : id;
	return 0;
}

/* The answer is the decoded block itself, moved into the result: no copy, freed with it. */
int shadow_module_call(struct shadow *sh, void *args, void *res)
{
	hc_module_call_args *a = args;
	hc_module_call_res *r = res;
	int e = modules_call(sh, a->module, a->func, (uint8_t *)a->block.block_val,
			     a->block.block_len);

	r->err = hc_err_from_neg(e);
	if (e == 0) {
		r->hc_module_call_res_u.block.block_len = a->block.block_len;
		r->hc_module_call_res_u.block.block_val = a->block.block_val;
		a->block.block_len = 0;
		a->block.block_val = NULL;
	}
	return 0;
}
