/* emit_host.c: writes NAME_host.h and NAME_host.c: the validators, the calls, bind() and hcg_module. */
#include "emit.h"

#include <string.h>

static void emit_header(FILE *f, const struct hci_module *m)
{
	emit_banner(f, m, "host.h", "the host module's declarations");
	fprintf(f, "#ifndef HCG_%s_HOST_H\n#define HCG_%s_HOST_H\n\n", m->name, m->name);
	fprintf(f, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <sys/uio.h>\n\n");
	fprintf(f, "#include \"hcgen.h\"\n\n");
	emit_structs(f, m);
	fprintf(f, "/* The module hostcalld's shadow loads. */\nextern const struct hcg_module hcg_module;\n\n");
	for (int i = 0; i < m->nfuncs; i++) {
		if (m->funcs[i].library >= 0)
			continue;
		fprintf(f, "/* %s - implemented by the program's host half. */\n", m->funcs[i].name);
		emit_signature(f, &m->funcs[i], "", 1);
		fprintf(f, ";\n");
	}
	fprintf(f, "\n#endif\n");
}

static const char prelude[] =
	"/* What validation collects: the regions, to prove them pairwise disjoint. */\n"
	"struct hcg_span {\n\tuint32_t off, len;\n};\n\n"
	"/* hcg_region_in - @r lies 8-aligned in [fixed, len): never in the fixed part, never past the end. */\n"
	"static inline __attribute__((unused)) int hcg_region_in(struct hcg_region r, uint32_t fixed, uint32_t len)\n{\n"
	"\treturn r.off >= fixed && r.off % HCG_ALIGN == 0 && r.off <= len && r.len <= len - r.off;\n}\n\n"
	"/* hcg_string_in - region @r holds a NUL within its first @max + 1 bytes. */\n"
	"static inline __attribute__((unused)) int hcg_string_in(const uint8_t *block, struct hcg_region r, uint64_t max)\n{\n"
	"\treturn r.len >= 1 && r.len <= max + 1 && memchr(block + r.off, 0, r.len) != NULL;\n}\n\n"
	"static inline __attribute__((unused)) void hcg_span_add(struct hcg_span *sp, unsigned *n, struct hcg_region r)\n{\n"
	"\tif (r.len) {\n\t\tsp[*n].off = r.off;\n\t\tsp[*n].len = r.len;\n\t\t(*n)++;\n\t}\n}\n\n"
	"static __attribute__((unused)) int hcg_span_cmp(const void *a, const void *b)\n{\n"
	"\tconst struct hcg_span *x = a, *y = b;\n\n"
	"\treturn x->off < y->off ? -1 : x->off > y->off;\n}\n\n"
	"/* hcg_spans_disjoint - no two of the @n regions share a byte. */\n"
	"static inline __attribute__((unused)) int hcg_spans_disjoint(struct hcg_span *sp, unsigned n)\n{\n"
	"\tif (n < 2)\n\t\treturn 1;\n"
	"\tqsort(sp, n, sizeof *sp, hcg_span_cmp);\n"
	"\tfor (unsigned i = 0; i + 1 < n; i++)\n"
	"\t\tif ((uint64_t)sp[i].off + sp[i].len > sp[i + 1].off)\n\t\t\treturn 0;\n"
	"\treturn 1;\n}\n\n"
	"/* hcg_region_at - the region descriptor at @off of the block (validated to lie inside). */\n"
	"static inline __attribute__((unused)) struct hcg_region hcg_region_at(const uint8_t *block, uint64_t off)\n{\n"
	"\tstruct hcg_region r;\n\n\tmemcpy(&r, block + off, sizeof r);\n\treturn r;\n}\n\n";

/* struct_has_chars - does a struct hold a char array, itself or in a struct it holds? */
static int struct_has_chars(const struct hci_struct *s)
{
	for (int i = 0; i < s->nfields; i++) {
		const struct hci_field *fl = &s->fields[i];

		if (fl->type.kind == K_CHAR || (fl->type.kind == K_STRUCT && struct_has_chars(fl->type.st)))
			return 1;
	}
	return 0;
}

/* emit_strings_check - hcg_strings_S(): each char array of a struct S ends inside its bound. */
static void emit_strings_check(FILE *f, const struct hci_struct *s)
{
	fprintf(f, "/* hcg_strings_%s - each char array of the struct %s at @p holds its NUL. */\n", s->name, s->name);
	fprintf(f, "static __attribute__((unused)) int hcg_strings_%s(const uint8_t *p)\n{\n", s->name);
	for (int i = 0; i < s->nfields; i++) {
		const struct hci_field *fl = &s->fields[i];

		if (fl->type.kind == K_CHAR) {
			fprintf(f, "\tif (memchr(p + %u, 0, %u) == NULL)\n\t\treturn 0;\n", fl->off, fl->count);
		} else if (fl->type.kind == K_STRUCT && struct_has_chars(fl->type.st)) {
			fprintf(f, "\tfor (uint32_t i = 0; i < %u; i++)\n", fl->count ? fl->count : 1);
			fprintf(f, "\t\tif (!hcg_strings_%s(p + %u + (uint64_t)i * %u))\n\t\t\treturn 0;\n",
				fl->type.sname, fl->off, fl->type.st->size);
		}
	}
	fprintf(f, "\treturn 1;\n}\n\n");
}

static void emit_strings_checks(FILE *f, const struct hci_module *m)
{
	for (int i = 0; i < m->nstructs; i++)
		if (struct_has_chars(&m->structs[i]))
			emit_strings_check(f, &m->structs[i]);
}

/* spans_max - the most regions a call of @fn can carry. */
static unsigned spans_max(const struct hci_func *fn)
{
	unsigned n = 0;

	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];

		if (param_is_pointer(p))
			n++;
		if (p->shape == SH_BUFARRAY || p->shape == SH_STRARRAY)
			n += (unsigned)(p->len.kind == LEN_CONST ? p->len.value : p->max);
	}
	return n;
}

/* emit_len_value - "v = EXPR;" read from the validated block. */
static void emit_len_value(FILE *f, const struct hci_func *fn, const struct hci_param *p)
{
	const struct hci_lenexpr *e = &p->len;
	const struct hci_param *q = e->kind == LEN_CONST ? NULL : &fn->params[e->param];

	if (e->kind == LEN_CONST) {
		fprintf(f, "\thcg_v = UINT64_C(%llu);\n", (unsigned long long)e->value);
	} else if (e->kind == LEN_PARAM) {
		fprintf(f, "\thcg_v = (uint64_t)hcg_fx->p_%s;\n", e->name);
	} else {
		const char *bt = blocktype(e->kind == LEN_DEREF ? q->type.kind : e->fld->type.kind);
		uint32_t foff = e->kind == LEN_DEREF ? 0 : e->fld->off;

		fprintf(f, "\t{\n\t\t%s hcg_x;\n\n", bt);
		fprintf(f, "\t\tmemcpy(&hcg_x, hcg_blk + hcg_fx->r_%s.off + %u, sizeof hcg_x);\n", q->name, foff);
		fprintf(f, "\t\thcg_v = (uint64_t)hcg_x;\n\t}\n");
	}
}

static void emit_refuse(FILE *f, const char *ind, const char *cond)
{
	fprintf(f, "%sif (%s)\n%s\treturn -EINVAL;\n", ind, cond, ind);
}

/* emit_check_struct_strings - each struct of an [in] or [inout] buffer holds its char arrays' NULs. */
static void emit_check_struct_strings(FILE *f, const struct hci_param *p)
{
	uint32_t size = type_size(&p->type);

	if (p->type.kind != K_STRUCT || p->dir == DIR_OUT || !struct_has_chars(p->type.st) || size == 0)
		return;
	fprintf(f, "\tfor (uint32_t hcg_i = 0; hcg_i < hcg_fx->r_%s.len / %u; hcg_i++)\n", p->name, size);
	fprintf(f, "\t\tif (!hcg_strings_%s(hcg_blk + hcg_fx->r_%s.off + (uint64_t)hcg_i * %u))\n"
		"\t\t\treturn -EINVAL;\n", p->type.sname, p->name, size);
}

static void emit_check_region(FILE *f, const struct hci_func *fn, const struct hci_param *p)
{
	char c[256];

	snprintf(c, sizeof c, "!hcg_region_in(hcg_fx->r_%s, %u, hcg_len)", p->name, fn->fixed_size);
	emit_refuse(f, "\t", c);
	switch (p->shape) {
	case SH_SINGLE:
		snprintf(c, sizeof c, "hcg_fx->r_%s.len != %u", p->name, type_size(&p->type));
		emit_refuse(f, "\t", c);
		if (p->type.kind == K_STRUCT && p->dir != DIR_OUT && struct_has_chars(p->type.st)) {
			snprintf(c, sizeof c, "!hcg_strings_%s(hcg_blk + hcg_fx->r_%s.off)", p->type.sname, p->name);
			emit_refuse(f, "\t", c);
		}
		break;
	case SH_STRING:
		snprintf(c, sizeof c, "!hcg_string_in(hcg_blk, hcg_fx->r_%s, %llu)", p->name,
			 (unsigned long long)p->max);
		emit_refuse(f, "\t", c);
		break;
	default:
		emit_len_value(f, fn, p);
		if (p->len.kind != LEN_CONST) {
			snprintf(c, sizeof c, "hcg_v > %llu", (unsigned long long)p->max);
			emit_refuse(f, "\t", c);
		}
		snprintf(c, sizeof c, "hcg_fx->r_%s.len != hcg_v * %u", p->name, param_unit(p));
		emit_refuse(f, "\t", c);
		emit_check_struct_strings(f, p);
		break;
	}
	if (spans_max(fn) >= 2)
		fprintf(f, "\thcg_span_add(hcg_sp, &hcg_ns, hcg_fx->r_%s);\n", p->name);
}

/* emit_check_elements - each element region of an array of buffers (its count already checked). */
static void emit_check_elements(FILE *f, const struct hci_func *fn, const struct hci_param *p)
{
	char c[256];

	fprintf(f, "\tfor (uint32_t hcg_i = 0; hcg_i < hcg_fx->r_%s.len / 8; hcg_i++) {\n", p->name);
	fprintf(f, "\t\tstruct hcg_region hcg_e = hcg_region_at(hcg_blk, (uint64_t)hcg_fx->r_%s.off + 8 * hcg_i);\n\n",
		p->name);
	snprintf(c, sizeof c, "!hcg_region_in(hcg_e, %u, hcg_len) || hcg_e.len > %llu", fn->fixed_size,
		 (unsigned long long)p->each_max + (p->shape == SH_STRARRAY));
	emit_refuse(f, "\t\t", c);
	if (p->shape == SH_STRARRAY) {
		snprintf(c, sizeof c, "!hcg_string_in(hcg_blk, hcg_e, %llu)", (unsigned long long)p->each_max);
		emit_refuse(f, "\t\t", c);
	}
	fprintf(f, "\t\thcg_span_add(hcg_sp, &hcg_ns, hcg_e);\n\t}\n");
}

static int needs_v(const struct hci_func *fn)
{
	for (int i = 0; i < fn->nparams; i++)
		if (fn->params[i].len.kind != LEN_NONE)
			return 1;
	return 0;
}

/* Validation runs in three passes: single regions and strings, then what their values size. */
static int pass_of(const struct hci_param *p)
{
	switch (p->shape) {
	case SH_SINGLE: case SH_STRING: return 1;
	case SH_BUFFER: return 2;
	case SH_BUFARRAY: case SH_STRARRAY: return 3;
	default: return 0;
	}
}

static void emit_validate(FILE *f, const struct hci_func *fn)
{
	unsigned nsp = spans_max(fn);

	fprintf(f, "/* hcg_validate_%s - every check of the block before anything reads it. Returns: 0 or -EINVAL. */\n",
		fn->name);
	fprintf(f, "static int hcg_validate_%s(const uint8_t *hcg_blk, uint32_t hcg_len)\n{\n", fn->name);
	fprintf(f, "\tconst struct hcg_fx_%s *hcg_fx = (const void *)hcg_blk;\n", fn->name);
	if (nsp >= 2)
		fprintf(f, "\tstruct hcg_span hcg_sp[%u];\n\tunsigned hcg_ns = 0;\n", nsp);
	if (needs_v(fn))
		fprintf(f, "\tuint64_t hcg_v;\n");
	fprintf(f, "\n\tif (hcg_blk == NULL || hcg_len < %u || hcg_len > HCG_BLOCK_MAX)\n\t\treturn -EINVAL;\n",
		fn->fixed_size);
	for (int pass = 1; pass <= 3; pass++)
		for (int i = 0; i < fn->nparams; i++) {
			if (pass_of(&fn->params[i]) != pass)
				continue;
			emit_check_region(f, fn, &fn->params[i]);
			if (pass == 3)
				emit_check_elements(f, fn, &fn->params[i]);
		}
	if (nsp >= 2)
		emit_refuse(f, "\t", "!hcg_spans_disjoint(hcg_sp, hcg_ns)");
	fprintf(f, "\t(void)hcg_fx;\n");
	fprintf(f, "\treturn 0;\n}\n\n");
}

static void emit_arg(FILE *f, const struct hci_param *p)
{
	char ty[96];
	const char *cst = p->dir == DIR_IN ? "const " : "";

	switch (p->shape) {
	case SH_SCALAR:
		if (p->type.kind == K_BOOL)
			fprintf(f, "hcg_fx->p_%s != 0", p->name);
		else
			fprintf(f, "(%s)hcg_fx->p_%s", ctype(&p->type, ty, sizeof ty), p->name);
		break;
	case SH_HANDLE: fprintf(f, "hcg_fd_%s", p->name); break;
	case SH_STRING: fprintf(f, "(const char *)(hcg_blk + hcg_fx->r_%s.off)", p->name); break;
	case SH_BUFARRAY: case SH_STRARRAY: fprintf(f, "hcg_v_%s", p->name); break;
	default:
		fprintf(f, "(%s%s *)(void *)(hcg_blk + hcg_fx->r_%s.off)", cst, ctype(&p->type, ty, sizeof ty),
			p->name);
		break;
	}
}

/* emit_prepare - zero out regions, translate handles, build iovec and argv arrays. */
static void emit_prepare(FILE *f, const struct hci_func *fn)
{
	char fv[96];

	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];
		const char *n = p->name;

		if ((p->shape == SH_SINGLE || p->shape == SH_BUFFER) && p->dir == DIR_OUT)
			fprintf(f, "\tmemset(hcg_blk + hcg_fx->r_%s.off, 0, hcg_fx->r_%s.len);\n", n, n);
		if (p->shape == SH_HANDLE) {
			fprintf(f, "\thcg_fd_%s = hcg_host->handle_fd(hcg_host->shadow, hcg_fx->p_%s);\n", n, n);
			fprintf(f, "\tif (hcg_fd_%s < 0) {\n", n);
			if (fn->ret.kind != K_VOID)
				fprintf(f, "\t\thcg_fx->ret = %s;\n", fail_value(fn, fv, sizeof fv));
			if (fn->errno_attr)
				fprintf(f, "\t\thcg_fx->err = EBADF;\n");
			fprintf(f, "\t\treturn 0;\n\t}\n");
		}
		if (p->shape != SH_BUFARRAY && p->shape != SH_STRARRAY)
			continue;
		fprintf(f, "\tfor (hcg_i = 0; hcg_i < hcg_fx->r_%s.len / 8; hcg_i++) {\n", n);
		fprintf(f, "\t\tstruct hcg_region hcg_e = hcg_region_at(hcg_blk, (uint64_t)hcg_fx->r_%s.off + 8 * hcg_i);\n\n", n);
		if (p->shape == SH_BUFARRAY)
			fprintf(f, "\t\thcg_v_%s[hcg_i].iov_base = hcg_blk + hcg_e.off;\n\t\thcg_v_%s[hcg_i].iov_len = hcg_e.len;\n", n, n);
		else
			fprintf(f, "\t\thcg_v_%s[hcg_i] = (char *)(hcg_blk + hcg_e.off);\n", n);
		fprintf(f, "\t}\n");
		if (p->shape == SH_STRARRAY)
			fprintf(f, "\thcg_v_%s[hcg_i] = NULL;\n", n);
	}
}

static void emit_call_locals(FILE *f, const struct hci_func *fn)
{
	int arrays = 0, handles = 0;

	fprintf(f, "\tstruct hcg_fx_%s *hcg_fx = (void *)hcg_blk;\n", fn->name);
	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];
		unsigned max = (unsigned)(p->len.kind == LEN_CONST ? p->len.value : p->max);

		if (p->shape == SH_HANDLE) {
			fprintf(f, "\tint hcg_fd_%s;\n", p->name);
			handles = 1;
		} else if (p->shape == SH_BUFARRAY) {
			fprintf(f, "\tstruct iovec hcg_v_%s[%u];\n", p->name, max);
			arrays = 1;
		} else if (p->shape == SH_STRARRAY) {
			fprintf(f, "\tchar *hcg_v_%s[%u];\n", p->name, max + 1);
			arrays = 1;
		}
	}
	if (arrays)
		fprintf(f, "\tuint32_t hcg_i;\n");
	fprintf(f, "\n\tif (hcg_validate_%s(hcg_blk, hcg_len) != 0)\n\t\treturn -EINVAL;\n", fn->name);
	if (!handles)
		fprintf(f, "\t(void)hcg_host;\n");
	fprintf(f, "\t(void)hcg_fx;\n");
}

static void emit_call(FILE *f, const struct hci_func *fn)
{
	fprintf(f, "static int hcg_call_%s(const struct hcg_host *hcg_host, uint8_t *hcg_blk, uint32_t hcg_len)\n{\n",
		fn->name);
	emit_call_locals(f, fn);
	emit_prepare(f, fn);
	if (fn->errno_attr)
		fprintf(f, "\terrno = 0;\n");
	fprintf(f, "\t%s%s%s(", fn->ret.kind != K_VOID ? "hcg_fx->ret = " : "",
		fn->library >= 0 ? "hcg_fn_" : "", fn->name);
	for (int i = 0; i < fn->nparams; i++) {
		fprintf(f, "%s", i ? ", " : "");
		emit_arg(f, &fn->params[i]);
	}
	fprintf(f, ");\n");
	if (fn->errno_attr)
		fprintf(f, "\thcg_fx->err = errno;\n");
	fprintf(f, "\treturn 0;\n}\n\n");
}

static void emit_pointers(FILE *f, const struct hci_module *m)
{
	for (int i = 0; i < m->nfuncs; i++) {
		const struct hci_func *fn = &m->funcs[i];

		if (fn->library < 0)
			continue;
		fprintf(f, "typedef ");
		emit_signature(f, fn, "hcg_ft_", 1);
		fprintf(f, ";\nstatic hcg_ft_%s *hcg_fn_%s;\n", fn->name, fn->name);
	}
	fputc('\n', f);
}

static void emit_bind(FILE *f, const struct hci_module *m)
{
	fprintf(f, "static __attribute__((unused)) void *hcg_sym(void *lib, const char *file, const char *sym, char *err, size_t errlen)\n{\n");
	fprintf(f, "\tvoid *p = dlsym(lib, sym);\n\n\tif (p == NULL)\n");
	fprintf(f, "\t\tsnprintf(err, errlen, \"%%s: no symbol %%s\", file, sym);\n\treturn p;\n}\n\n");
	fprintf(f, "/* hcg_bind - dlopen the libraries, dlsym each function. Returns: 0 or -ENOENT. */\n");
	fprintf(f, "static int hcg_bind(char *err, size_t errlen)\n{\n\tvoid *lib;\n\n\t(void)lib;\n");
	for (int l = 0; l < m->nlibraries; l++) {
		fprintf(f, "\tif ((lib = dlopen(\"%s\", RTLD_NOW | RTLD_LOCAL)) == NULL) {\n", m->libraries[l]);
		fprintf(f, "\t\tsnprintf(err, errlen, \"%%s\", dlerror());\n\t\treturn -ENOENT;\n\t}\n");
		for (int i = 0; i < m->nfuncs; i++) {
			const char *n = m->funcs[i].name;

			if (m->funcs[i].library != l)
				continue;
			fprintf(f, "\tif ((hcg_fn_%s = (hcg_ft_%s *)hcg_sym(lib, \"%s\", \"%s\", err, errlen)) == NULL)\n",
				n, n, m->libraries[l], n);
			fprintf(f, "\t\treturn -ENOENT;\n");
		}
	}
	fprintf(f, "\t(void)err;\n\t(void)errlen;\n\treturn 0;\n}\n\n");
}

static void emit_module(FILE *f, const struct hci_module *m)
{
	fprintf(f, "static const struct hcg_func hcg_funcs[] = {\n");
	for (int i = 0; i < m->nfuncs; i++)
		fprintf(f, "\t{ \"%s\", %u, hcg_call_%s },\n", m->funcs[i].name, m->funcs[i].fixed_size,
			m->funcs[i].name);
	fprintf(f, "};\n\nconst struct hcg_module hcg_module = {\n\t.abi = HCG_ABI_VERSION,\n");
	fprintf(f, "\t.name = \"%s\",\n\t.version = %u,\n\t.hash = {\n\t", m->name, m->version);
	emit_hash_bytes(f, m);
	fprintf(f, " },\n\t.nfuncs = %d,\n\t.funcs = hcg_funcs,\n\t.bind = hcg_bind,\n};\n", m->nfuncs);
}

static void emit_source(FILE *f, const struct hci_module *m)
{
	emit_banner(f, m, "host.c", "the host module");
	fprintf(f, "#include \"%s_host.h\"\n\n", m->name);
	fprintf(f, "#include <dlfcn.h>\n#include <errno.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n");
	fputs(prelude, f);
	emit_strings_checks(f, m);
	for (int i = 0; i < m->nfuncs; i++) {
		emit_fixed(f, &m->funcs[i]);
		emit_validate(f, &m->funcs[i]);
	}
	fprintf(f, "/* NAME_fuzz.c takes the validators alone: nothing below runs a function. */\n");
	fprintf(f, "#ifndef HCG_VALIDATORS_ONLY\n\n");
	emit_pointers(f, m);
	for (int i = 0; i < m->nfuncs; i++)
		emit_call(f, &m->funcs[i]);
	emit_bind(f, m);
	emit_module(f, m);
	fprintf(f, "\n#endif\n");
}

int emit_host(const struct hci_module *m, const char *dir)
{
	return emit_pair(m, dir, "host", emit_header, emit_source);
}
