/* load_module.c: loads a host module NAME.so as the shadow will (dlopen, hcg_module, ABI, bind) and says what it holds. */
#include "hcgen.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const struct hcg_module *m;
	char err[256] = "";
	void *h;

	if (argc != 3) {
		fprintf(stderr, "usage: load_module NAME.so NAME\n");
		return 2;
	}
	if ((h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	if ((m = dlsym(h, HCG_MODULE_SYMBOL)) == NULL || m->abi != HCG_ABI_VERSION ||
	    strcmp(m->name, argv[2]) != 0 || m->nfuncs == 0) {
		fprintf(stderr, "%s: no hcg_module of ABI %d named %s\n", argv[1], HCG_ABI_VERSION, argv[2]);
		return 1;
	}
	if (m->bind(err, sizeof err) != 0) {
		fprintf(stderr, "%s: bind: %s\n", argv[1], err);
		return 1;
	}
	printf("%s %u:", m->name, m->version);
	for (uint32_t i = 0; i < m->nfuncs; i++)
		printf(" %s(%u)", m->funcs[i].name, m->funcs[i].fixed_size);
	printf("\n");
	dlclose(h);
	return 0;
}
