/* emit_fuzz.c: writes NAME_fuzz.c, a libFuzzer target feeding random blocks to the host validators. */
#include "emit.h"

int emit_fuzz(const struct hci_module *m, const char *dir)
{
	FILE *f;

	if ((f = out_open(m, dir, "fuzz.c")) == NULL)
		return -1;
	emit_banner(f, m, "fuzz.c", "the fuzz target of the host validators");
	fprintf(f, "#define HCG_VALIDATORS_ONLY 1\n#include \"%s_host.c\"\n\n", m->name);
	fprintf(f, "int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);\n\n");
	fprintf(f, "static int (*const hcg_validators[])(const uint8_t *, uint32_t) = {\n");
	for (int i = 0; i < m->nfuncs; i++)
		fprintf(f, "\thcg_validate_%s,\n", m->funcs[i].name);
	fprintf(f, "};\n\n");
	fprintf(f, "/* The first byte picks the function; the rest, copied to exactly its size, is the block. */\n");
	fprintf(f, "int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)\n{\n\tuint8_t *block;\n\n");
	fprintf(f, "\tif (size < 1 || size - 1 > HCG_BLOCK_MAX)\n\t\treturn 0;\n");
	fprintf(f, "\tif ((block = malloc(size - 1 ? size - 1 : 1)) == NULL)\n\t\treturn 0;\n");
	fprintf(f, "\tmemcpy(block, data + 1, size - 1);\n");
	fprintf(f, "\t(void)hcg_validators[data[0] %% %d](block, (uint32_t)(size - 1));\n", m->nfuncs);
	fprintf(f, "\tfree(block);\n\treturn 0;\n}\n");
	return out_close(f, m, dir, "fuzz.c");
}
