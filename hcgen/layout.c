/* layout.c: the byte layout of .hci structs and of each function's fixed part, as C lays them out on x86_64. */
#include "ast.h"

#include "hcgen.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static uint32_t type_align(const struct hci_type *t)
{
	if (t->kind == K_STRUCT)
		return t->st ? t->st->align : 1;
	return kind_size(t->kind);
}

static void layout_struct(struct hci_module *m, struct hci_struct *s)
{
	uint64_t cur = 0;

	s->align = 1;
	for (int i = 0; i < s->nfields; i++) {
		struct hci_field *f = &s->fields[i];
		uint32_t a = type_align(&f->type);

		if (a > s->align)
			s->align = a;
		cur = align_up(cur, a);
		f->off = (uint32_t)cur;
		cur += (uint64_t)type_size(&f->type) * (f->count ? f->count : 1);
		if (cur > HCG_BLOCK_MAX) {
			diag(m, s->line, "struct %s is larger than a block (%u bytes)", s->name,
			     HCG_BLOCK_MAX);
			cur = 0;
			break;
		}
	}
	s->size = (uint32_t)align_up(cur, s->align);
}

/* place - @size bytes aligned to @align at the end of the fixed part @cur. Returns: the offset. */
static uint32_t place(uint32_t *cur, uint32_t size, uint32_t align)
{
	uint32_t off = (uint32_t)align_up(*cur, align);

	*cur = off + size;
	return off;
}

static void layout_func(struct hci_func *f)
{
	uint32_t cur = 0;

	if (f->ret.kind != K_VOID)
		f->ret_off = place(&cur, kind_size(f->ret.kind), kind_size(f->ret.kind));
	if (f->errno_attr)
		f->errno_off = place(&cur, 4, 4);
	for (int i = 0; i < f->nparams; i++) {
		struct hci_param *p = &f->params[i];

		if (param_is_pointer(p))
			p->off = place(&cur, 8, 4);
		else
			p->off = place(&cur, kind_size(p->type.kind), kind_size(p->type.kind));
	}
	f->fixed_size = cur ? (uint32_t)align_up(cur, HCG_ALIGN) : HCG_ALIGN;
}

int layout_structs(struct hci_module *m)
{
	int before = diag_count();

	for (int i = 0; i < m->nstructs; i++)
		layout_struct(m, &m->structs[i]);
	return diag_count() - before;
}

int layout_module(struct hci_module *m)
{
	for (int i = 0; i < m->nfuncs; i++)
		layout_func(&m->funcs[i]);
	return 0;
}
