/* emit_guest.c: writes NAME_guest.h (structs, host_FUNC prototypes, the hash) and NAME_guest.c (the stubs). */
#include "emit.h"

#include <ctype.h>
#include <string.h>

static void upper(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < len; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

static void emit_header(FILE *f, const struct hci_module *m)
{
	char up[HCI_NAME_MAX + 1];

	upper(up, m->name, sizeof up);
	emit_banner(f, m, "guest.h", "the guest interface");
	fprintf(f, "#ifndef HCG_%s_GUEST_H\n#define HCG_%s_GUEST_H\n\n", up, up);
	fprintf(f, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n");
	fprintf(f, "#include <sys/uio.h>\n\n#include \"hostcall.h\"\n\n");
	fprintf(f, "#define HCG_%s_VERSION %uu\n", up, m->version);
	fprintf(f, "/* The interface hash hostcalld's %s.so must carry. */\n#define HCG_%s_HASH { \\\n\t", m->name, up);
	emit_hash_bytes(f, m);
	fprintf(f, " }\n\n");
	emit_structs(f, m);
	fprintf(f, "/* hcg_%s_open - open module %s on @s for the host_* stubs below. Returns: 0 or -errno. */\n",
		m->name, m->name);
	fprintf(f, "int hcg_%s_open(struct hc_session *s);\n", m->name);
	fprintf(f, "/* hcg_%s_close - forget the session; later stubs fail with ENOTCONN. */\n", m->name);
	fprintf(f, "void hcg_%s_close(void);\n\n", m->name);
	for (int i = 0; i < m->nfuncs; i++) {
		fprintf(f, "/* %s on the host; on a transport or refusal error: errno set, fail value. */\n",
			m->funcs[i].name);
		emit_signature(f, &m->funcs[i], "host_", 0);
		fprintf(f, ";\n");
	}
	fprintf(f, "\n#endif\n");
}

static void emit_context(FILE *f, const struct hci_module *m)
{
	char up[HCI_NAME_MAX + 1];

	upper(up, m->name, sizeof up);
	fprintf(f, "static const uint8_t hcg_hash[HCG_HASH_LEN] = HCG_%s_HASH;\n\n", up);
	fprintf(f, "static struct {\n\tstruct hc_session *s;\n\tint id;\n} hcg_ctx = { NULL, -1 };\n\n");
	fprintf(f, "int hcg_%s_open(struct hc_session *s)\n{\n\tint id = hc_module_open(s, \"%s\", hcg_hash);\n\n",
		m->name, m->name);
	fprintf(f, "\tif (id < 0)\n\t\treturn id;\n\thcg_ctx.s = s;\n\thcg_ctx.id = id;\n\treturn 0;\n}\n\n");
	fprintf(f, "void hcg_%s_close(void)\n{\n\thcg_ctx.s = NULL;\n\thcg_ctx.id = -1;\n}\n\n", m->name);
	fprintf(f, "/* hcg_block - the session's block area, or NULL with errno set. */\n");
	fprintf(f, "static uint8_t *hcg_block(size_t *cap)\n{\n\tuint8_t *b;\n\n");
	fprintf(f, "\tif (hcg_ctx.s == NULL) {\n\t\terrno = ENOTCONN;\n\t\treturn NULL;\n\t}\n");
	fprintf(f, "\tif ((b = hc_module_block(hcg_ctx.s, cap)) == NULL)\n\t\terrno = ENOMEM;\n");
	fprintf(f, "\treturn b;\n}\n\n");
	fprintf(f, "/* hcg_in_area - do @n bytes at @p overlap the block area (a view into a channel's memory)? */\n");
	fprintf(f, "static inline int hcg_in_area(const void *p, uint64_t n, const uint8_t *b, size_t cap)\n{\n");
	fprintf(f, "\tuintptr_t x = (uintptr_t)p, lo = (uintptr_t)b;\n\n");
	fprintf(f, "\treturn x < lo + cap && lo < x + n;\n}\n\n");
}

/* The C expression of a length's value, in the caller's terms. */
static void len_value(char *buf, size_t len, const struct hci_param *p)
{
	const struct hci_lenexpr *e = &p->len;

	switch (e->kind) {
	case LEN_CONST: snprintf(buf, len, "UINT64_C(%llu)", (unsigned long long)e->value); break;
	case LEN_PARAM: snprintf(buf, len, "(uint64_t)%s", e->name); break;
	case LEN_DEREF: snprintf(buf, len, "(uint64_t)*%s", e->name); break;
	case LEN_FIELD: snprintf(buf, len, "(uint64_t)%s->%s", e->name, e->field); break;
	default: snprintf(buf, len, "0"); break;
	}
}

static void fail_with(FILE *f, const char *ind, const char *err, const char *ret)
{
	fprintf(f, "%s{\n%s\terrno = %s;\n%s\t%s;\n%s}\n", "", ind, err, ind, ret, ind);
}

/* emit_if_fail - "if (COND) { errno = ERR; return FAIL; }" at indent @ind. */
static void emit_if_fail(FILE *f, const char *ind, const char *cond, const char *err, const char *ret)
{
	fprintf(f, "%sif (%s) ", ind, cond);
	fail_with(f, ind, err, ret);
}

static void emit_length(FILE *f, const struct hci_param *p, const char *ret)
{
	char v[160], cond[200];

	if (p->shape == SH_SINGLE) {
		fprintf(f, "\thcg_n_%s = %u;\n", p->name, type_size(&p->type));
	} else if (p->shape == SH_STRING) {
		fprintf(f, "\thcg_n_%s = strnlen(%s, %llu);\n", p->name, p->name,
			(unsigned long long)p->max + 1);
		snprintf(cond, sizeof cond, "hcg_n_%s > %llu", p->name, (unsigned long long)p->max);
		emit_if_fail(f, "\t", cond, "E2BIG", ret);
		fprintf(f, "\thcg_n_%s++;\n", p->name);
	} else {
		const char *var = p->shape == SH_BUFFER ? "n" : "c";

		len_value(v, sizeof v, p);
		fprintf(f, "\thcg_%s_%s = %s;\n", var, p->name, v);
		if (p->len.kind != LEN_CONST) {
			snprintf(cond, sizeof cond, "hcg_%s_%s > %llu", var, p->name,
				 (unsigned long long)p->max);
			emit_if_fail(f, "\t", cond, "E2BIG", ret);
		}
		if (p->shape != SH_BUFFER)
			fprintf(f, "\thcg_n_%s = hcg_c_%s * 8;\n", p->name, p->name);
		else if (param_unit(p) > 1)
			fprintf(f, "\thcg_n_%s *= %u;\n", p->name, param_unit(p));
	}
	fprintf(f, "\thcg_o_%s = hcg_at;\n\thcg_at += (hcg_n_%s + 7) & ~(uint64_t)7;\n", p->name, p->name);
}

/* emit_array_lengths - room for each element of an array of buffers. */
static void emit_array_lengths(FILE *f, const struct hci_param *p, const char *ret)
{
	char cond[200];
	unsigned long long each = (unsigned long long)p->each_max;

	fprintf(f, "\thcg_s_%s = hcg_at;\n", p->name);
	fprintf(f, "\tfor (hcg_i = 0; hcg_i < hcg_c_%s; hcg_i++) {\n", p->name);
	if (p->shape == SH_BUFARRAY) {
		snprintf(cond, sizeof cond, "%s[hcg_i].iov_len > %llu", p->name, each);
		emit_if_fail(f, "\t\t", cond, "E2BIG", ret);
		snprintf(cond, sizeof cond, "%s[hcg_i].iov_base == NULL && %s[hcg_i].iov_len", p->name, p->name);
		emit_if_fail(f, "\t\t", cond, "EFAULT", ret);
		fprintf(f, "\t\thcg_at += (%s[hcg_i].iov_len + 7) & ~(uint64_t)7;\n", p->name);
	} else {
		snprintf(cond, sizeof cond, "%s[hcg_i] == NULL", p->name);
		emit_if_fail(f, "\t\t", cond, "EFAULT", ret);
		snprintf(cond, sizeof cond, "strnlen(%s[hcg_i], %llu) > %llu", p->name, each + 1, each);
		emit_if_fail(f, "\t\t", cond, "E2BIG", ret);
		fprintf(f, "\t\thcg_at += (strlen(%s[hcg_i]) + 1 + 7) & ~(uint64_t)7;\n", p->name);
	}
	fprintf(f, "\t}\n");
}

/*
 * emit_array_copy - the element descriptors and bytes of an array of buffers.
 * The lengths are taken again, bounded, and checked against the room the first
 * pass counted: elements that changed meanwhile cannot write past it.
 */
static void emit_array_copy(FILE *f, const struct hci_param *p, const char *ret)
{
	int iov = p->shape == SH_BUFARRAY;
	unsigned long long each = (unsigned long long)p->each_max;

	fprintf(f, "\tfor (hcg_i = 0, hcg_p = hcg_s_%s; hcg_i < hcg_c_%s; hcg_i++) {\n", p->name, p->name);
	if (iov)
		fprintf(f, "\t\thcg_l = %s[hcg_i].iov_len;\n", p->name);
	else
		fprintf(f, "\t\thcg_l = strnlen(%s[hcg_i], %llu) + 1;\n", p->name, each);
	emit_if_fail(f, "\t\t", "hcg_l > hcg_at - hcg_p", "EFAULT", ret);
	fprintf(f, "\t\thcg_d.off = (uint32_t)hcg_p;\n\t\thcg_d.len = (uint32_t)hcg_l;\n");
	fprintf(f, "\t\tmemcpy(hcg_b + hcg_o_%s + hcg_i * 8, &hcg_d, sizeof hcg_d);\n", p->name);
	if (iov) {
		fprintf(f, "\t\tif (hcg_l)\n\t\t\tmemcpy(hcg_b + hcg_p, %s[hcg_i].iov_base, hcg_l);\n", p->name);
	} else {
		fprintf(f, "\t\tmemcpy(hcg_b + hcg_p, %s[hcg_i], hcg_l - 1);\n", p->name);
		fprintf(f, "\t\thcg_b[hcg_p + hcg_l - 1] = '\\0';\n");
	}
	fprintf(f, "\t\thcg_p += (hcg_l + 7) & ~(uint64_t)7;\n\t}\n");
}

static int has_arrays(const struct hci_func *fn)
{
	for (int i = 0; i < fn->nparams; i++)
		if (fn->params[i].shape == SH_BUFARRAY || fn->params[i].shape == SH_STRARRAY)
			return 1;
	return 0;
}

static void emit_locals(FILE *f, const struct hci_func *fn)
{
	fprintf(f, "\tstruct hcg_fx_%s *hcg_fx;\n\tuint8_t *hcg_b;\n\tsize_t hcg_cap;\n", fn->name);
	fprintf(f, "\tuint64_t hcg_at = %u;\n\tint hcg_r;\n", fn->fixed_size);
	if (has_arrays(fn))
		fprintf(f, "\tuint64_t hcg_i, hcg_p, hcg_l;\n\thcg_buffer hcg_d;\n");
	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];

		if (param_is_pointer(p))
			fprintf(f, "\tuint64_t hcg_n_%s, hcg_o_%s;\n", p->name, p->name);
		if (p->shape == SH_BUFARRAY || p->shape == SH_STRARRAY)
			fprintf(f, "\tuint64_t hcg_c_%s, hcg_s_%s;\n", p->name, p->name);
	}
	fputc('\n', f);
}

/*
 * emit_area_checks - a caller's buffer may not lie in the block area itself (over kvm: a
 * view into the channel's memory): laying the block out would overwrite it as it is read.
 */
static void emit_area_checks(FILE *f, const struct hci_func *fn, const char *ret)
{
	char cond[256];

	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];

		if (p->shape != SH_SINGLE && p->shape != SH_BUFFER && p->shape != SH_STRING)
			continue;
		snprintf(cond, sizeof cond, "hcg_in_area(%s, hcg_n_%s, hcg_b, hcg_cap)", p->name, p->name);
		emit_if_fail(f, "\t", cond, "EFAULT", ret);
	}
}

static void emit_fill(FILE *f, const struct hci_func *fn, const char *ret)
{
	fprintf(f, "\tmemset(hcg_b, 0, %u);\n\thcg_fx = (struct hcg_fx_%s *)(void *)hcg_b;\n",
		fn->fixed_size, fn->name);
	fprintf(f, "\t(void)hcg_fx;\n");
	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];

		if (p->shape == SH_SCALAR && p->type.kind == K_BOOL)
			fprintf(f, "\thcg_fx->p_%s = %s ? 1 : 0;\n", p->name, p->name);
		else if (!param_is_pointer(p))
			fprintf(f, "\thcg_fx->p_%s = (%s)%s;\n", p->name, blocktype(p->type.kind), p->name);
		if (!param_is_pointer(p))
			continue;
		fprintf(f, "\thcg_fx->r_%s.off = (uint32_t)hcg_o_%s;\n", p->name, p->name);
		fprintf(f, "\thcg_fx->r_%s.len = (uint32_t)hcg_n_%s;\n", p->name, p->name);
		if (p->shape == SH_BUFARRAY || p->shape == SH_STRARRAY)
			emit_array_copy(f, p, ret);
		else if (p->dir != DIR_OUT)
			fprintf(f, "\tmemcpy(hcg_b + hcg_o_%s, %s, hcg_n_%s);\n", p->name, p->name, p->name);
	}
}

/*
 * emit_inout_checks - an [inout] length the host sends back may not exceed what
 * it was when it sized a buffer: the caller would read past what the host filled.
 */
static void emit_inout_checks(FILE *f, const struct hci_func *fn, const char *ret)
{
	char cond[256];

	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];
		const struct hci_param *q;

		if (p->shape != SH_BUFFER || p->len.kind != LEN_DEREF)
			continue;
		q = &fn->params[p->len.param];
		if (q->dir != DIR_INOUT)
			continue;
		fprintf(f, "\t{\n\t\t%s hcg_back;\n\n", blocktype(q->type.kind));
		fprintf(f, "\t\tmemcpy(&hcg_back, hcg_b + hcg_o_%s, sizeof hcg_back);\n", q->name);
		if (param_unit(p) > 1)
			snprintf(cond, sizeof cond, "(uint64_t)hcg_back > hcg_n_%s / %u", p->name, param_unit(p));
		else
			snprintf(cond, sizeof cond, "(uint64_t)hcg_back > hcg_n_%s", p->name);
		emit_if_fail(f, "\t\t", cond, "EPROTO", ret);
		fprintf(f, "\t}\n");
	}
}

/* emit_answer - check the answer's regions against ours, copy out, errno, result. */
static void emit_answer(FILE *f, const struct hci_func *fn, const char *ret)
{
	int any = 0;

	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];

		if (!param_is_pointer(p))
			continue;
		fprintf(f, "%s\t    hcg_fx->r_%s.off != (uint32_t)hcg_o_%s || hcg_fx->r_%s.len != (uint32_t)hcg_n_%s",
			any ? " ||\n" : "\tif (\n", p->name, p->name, p->name, p->name);
		any = 1;
	}
	if (any) {
		fprintf(f, ") ");
		fail_with(f, "\t", "EPROTO", ret);
	}
	emit_inout_checks(f, fn, ret);
	for (int i = 0; i < fn->nparams; i++) {
		const struct hci_param *p = &fn->params[i];

		if ((p->shape == SH_SINGLE || p->shape == SH_BUFFER) && p->dir != DIR_IN)
			fprintf(f, "\tmemcpy(%s, hcg_b + hcg_o_%s, hcg_n_%s);\n", p->name, p->name, p->name);
	}
	if (fn->errno_attr)
		fprintf(f, "\terrno = hcg_fx->err;\n");
	if (fn->ret.kind == K_BOOL)
		fprintf(f, "\treturn hcg_fx->ret != 0;\n");
	else if (fn->ret.kind != K_VOID)
		fprintf(f, "\treturn hcg_fx->ret;\n");
}

static void emit_stub(FILE *f, const struct hci_func *fn, int k)
{
	char ret[128], fv[96];

	if (fn->ret.kind == K_VOID)
		snprintf(ret, sizeof ret, "return");
	else
		snprintf(ret, sizeof ret, "return %s", fail_value(fn, fv, sizeof fv));
	emit_fixed(f, fn);
	emit_signature(f, fn, "host_", 0);
	fprintf(f, "\n{\n");
	emit_locals(f, fn);
	fprintf(f, "\tif ((hcg_b = hcg_block(&hcg_cap)) == NULL)\n\t\t%s;\n", ret);
	for (int i = 0; i < fn->nparams; i++) {
		char cond[96];

		if (!param_is_pointer(&fn->params[i]))
			continue;
		snprintf(cond, sizeof cond, "%s == NULL", fn->params[i].name);
		emit_if_fail(f, "\t", cond, "EFAULT", ret);
	}
	for (int i = 0; i < fn->nparams; i++)
		if (param_is_pointer(&fn->params[i]))
			emit_length(f, &fn->params[i], ret);
	for (int i = 0; i < fn->nparams; i++)
		if (fn->params[i].shape == SH_BUFARRAY || fn->params[i].shape == SH_STRARRAY)
			emit_array_lengths(f, &fn->params[i], ret);
	emit_if_fail(f, "\t", "hcg_at > hcg_cap || hcg_at > HCG_BLOCK_MAX", "E2BIG", ret);
	emit_area_checks(f, fn, ret);
	emit_fill(f, fn, ret);
	fprintf(f, "\thcg_r = hc_module_call(hcg_ctx.s, hcg_ctx.id, %d, (size_t)hcg_at);\n", k);
	emit_if_fail(f, "\t", "hcg_r < 0", "-hcg_r", ret);
	emit_answer(f, fn, ret);
	fprintf(f, "}\n\n");
}

static void emit_source(FILE *f, const struct hci_module *m)
{
	emit_banner(f, m, "guest.c", "the guest stubs");
	fprintf(f, "#include \"%s_guest.h\"\n\n#include \"hcgen.h\"\n\n", m->name);
	fprintf(f, "#include <errno.h>\n#include <string.h>\n\n");
	emit_context(f, m);
	for (int i = 0; i < m->nfuncs; i++)
		emit_stub(f, &m->funcs[i], i);
}

int emit_guest(const struct hci_module *m, const char *dir)
{
	return emit_pair(m, dir, "guest", emit_header, emit_source);
}
