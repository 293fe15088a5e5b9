/* hash.c: the interface hash: SHA-256 of a canonical text of the whole interface. */
#include "ast.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static void put_type(FILE *f, const struct hci_type *t)
{
	fprintf(f, "%s%s%s", kind_name(t->kind), t->kind == K_STRUCT ? " " : "",
		t->kind == K_STRUCT ? t->sname : "");
	for (int i = 0; i < t->ptr; i++)
		fputc('*', f);
}

static void put_len(FILE *f, const char *what, const struct hci_lenexpr *e)
{
	switch (e->kind) {
	case LEN_NONE: return;
	case LEN_CONST: fprintf(f, " %s=%llu", what, (unsigned long long)e->value); break;
	case LEN_PARAM: fprintf(f, " %s=%s", what, e->name); break;
	case LEN_DEREF: fprintf(f, " %s=*%s", what, e->name); break;
	case LEN_FIELD: fprintf(f, " %s=%s.%s", what, e->name, e->field); break;
	}
}

static void put_param(FILE *f, const struct hci_param *p)
{
	static const char *const dirs[] = { "", " in", " out", " inout" };

	fprintf(f, "  param%s%s", dirs[p->dir], p->string ? " string" : "");
	put_len(f, p->is_count ? "count" : "size", &p->len);
	if (p->has_max)
		fprintf(f, " max=%llu", (unsigned long long)p->max);
	if (p->has_each_max)
		fprintf(f, " each_max=%llu", (unsigned long long)p->each_max);
	fputc(' ', f);
	put_type(f, &p->type);
	fprintf(f, " %s", p->name);
	/* an array travels as a count=N buffer does, but its C signature differs: hash it apart */
	if (p->has_array)
		fprintf(f, "[%llu]", (unsigned long long)p->array);
	fputc('\n', f);
}

static void put_func(FILE *f, const struct hci_module *m, const struct hci_func *fn)
{
	if (fn->library >= 0)
		fprintf(f, "func library \"%s\"", m->libraries[fn->library]);
	else
		fprintf(f, "func host");
	fprintf(f, "%s", fn->errno_attr ? " errno" : "");
	if (fn->has_fail)
		fprintf(f, " fail=%s", fn->fail);
	fputc(' ', f);
	put_type(f, &fn->ret);
	fprintf(f, " %s %d\n", fn->name, fn->nparams);
	for (int i = 0; i < fn->nparams; i++)
		put_param(f, &fn->params[i]);
}

static void put_module(FILE *f, const struct hci_module *m)
{
	fprintf(f, "hcgen abi 1\nmodule %s %u\n", m->name, m->version);
	for (int i = 0; i < m->nstructs; i++) {
		const struct hci_struct *s = &m->structs[i];

		fprintf(f, "struct %s %d\n", s->name, s->nfields);
		for (int j = 0; j < s->nfields; j++) {
			fputs("  field ", f);
			put_type(f, &s->fields[j].type);
			fprintf(f, " %s[%u]\n", s->fields[j].name, s->fields[j].count);
		}
	}
	for (int i = 0; i < m->nfuncs; i++)
		put_func(f, m, &m->funcs[i]);
}

int hash_module(struct hci_module *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL || sodium_init() < 0)
		return -1;
	put_module(f, m);
	if (fclose(f) != 0)
		return -1;
	if (getenv("HCGEN_SHOW_CANONICAL"))
		fputs(text, stderr);
	crypto_hash_sha256(m->hash, (const unsigned char *)text, len);
	free(text);
	return 0;
}
