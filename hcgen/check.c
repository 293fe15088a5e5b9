/* check.c: the checker: resolves names and types, and rejects every declaration that cannot be made safe. */
#include "ast.h"

#include "hcgen.h"

#include <stdlib.h>
#include <string.h>

static int valid_module_name(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static const char *const reserved[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "errno", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
	"restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
	"union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "NULL",
	/* what the generated code calls from its headers */
	"memcpy", "memset", "memchr", "strlen", "strnlen", "qsort", "snprintf", "dlopen", "dlsym",
	"dlerror",
	/* the lower-case macros of the headers the generated files include */
	"offsetof", "st_atime", "st_mtime", "st_ctime", "stdin", "stdout", "stderr", "alloca",
	"strdupa", "strndupa", "va_arg", "va_copy", "va_end", "va_start", "be16toh", "be32toh",
	"be64toh", "le16toh", "le32toh", "le64toh", "htobe16", "htobe32", "htobe64", "htole16",
	"htole32", "htole64", "AF_DECnet", "PF_DECnet", "L_ctermid", "L_cuserid", "L_tmpnam",
	"P_tmpdir",
};

/* The struct tags the headers of the generated files define (glibc, gcc and clang, _GNU_SOURCE). */
static const char *const system_structs[] = {
	"cmsghdr", "dl_find_object", "drand48_data", "f_owner_ex", "file_handle", "flock", "flock64",
	"iovec", "itimerspec", "linger", "link_map", "mmsghdr", "msghdr", "obstack", "osockaddr",
	"random_data", "sigevent", "sockaddr", "sockaddr_at", "sockaddr_ax25", "sockaddr_dl",
	"sockaddr_eon", "sockaddr_in", "sockaddr_in6", "sockaddr_inarp", "sockaddr_ipx",
	"sockaddr_iso", "sockaddr_ns", "sockaddr_storage", "sockaddr_un", "sockaddr_x25", "stat",
	"stat64", "statvfs", "statvfs64", "statx", "statx_timestamp", "timespec", "timeval", "timex",
	"tm", "ucred",
};

static int in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

/* is_errno_macro - E[A-Z0-9]+, the names <errno.h> may define. */
static int is_errno_macro(const char *s)
{
	if (s[0] != 'E' || s[1] == '\0')
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* is_macro_style - two or more capitals, digits and _: what system headers #define (SIZE_MAX, O_RDONLY). */
static int is_macro_style(const char *s)
{
	if (!(s[0] >= 'A' && s[0] <= 'Z') || s[1] == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int has_reserved_affix(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '_' || strncmp(name, "hcg_", 4) == 0 || strncmp(name, "hc_", 3) == 0 ||
	       strncmp(name, "HCG_", 4) == 0 || (n > 2 && strcmp(name + n - 2, "_t") == 0);
}

/* check_name - a C identifier hcgen's generated code can use: no keyword, macro, reserved prefix or library name it uses. */
static void check_name(struct hci_module *m, int line, const char *what, const char *name)
{
	if (has_reserved_affix(name))
		diag(m, line, "%s '%s': names starting with hcg_, hc_, HCG_ or _, or ending in _t, are reserved",
		     what, name);
	else if (is_errno_macro(name))
		diag(m, line, "%s '%s': names E[A-Z0-9]+ are reserved for <errno.h>", what, name);
	else if (is_macro_style(name))
		diag(m, line, "%s '%s': names in capitals are left to the system headers' macros", what, name);
	else if (in_list(name, reserved, sizeof reserved / sizeof reserved[0]))
		diag(m, line, "%s '%s' is a C keyword or a name the generated code uses", what, name);
}

static struct hci_struct *find_struct(struct hci_module *m, const char *name, int before)
{
	for (int i = 0; i < before; i++)
		if (strcmp(m->structs[i].name, name) == 0)
			return &m->structs[i];
	return NULL;
}

/* resolve - a type's struct, among the first @before structs. Returns: 0, or -1 after a diagnostic. */
static int resolve(struct hci_module *m, struct hci_type *t, int line, int before)
{
	if (t->kind == K_UNKNOWN) {
		diag(m, line, "unknown type '%s'", t->sname);
		return -1;
	}
	if (t->kind == K_STRUCT && (t->st = find_struct(m, t->sname, before)) == NULL) {
		diag(m, line, "unknown type 'struct %s'", t->sname);
		return -1;
	}
	return 0;
}

static void check_field(struct hci_module *m, struct hci_struct *s, int i, int sidx)
{
	struct hci_field *f = &s->fields[i];

	check_name(m, f->line, "field", f->name);
	for (int j = 0; j < i; j++)
		if (strcmp(s->fields[j].name, f->name) == 0)
			diag(m, f->line, "duplicate field '%s' in struct %s", f->name, s->name);
	if (resolve(m, &f->type, f->line, sidx) < 0)
		return;
	if (f->type.ptr)
		diag(m, f->line, "%s: a struct holds no pointers", f->name);
	else if (f->type.kind == K_VOID || f->type.kind == K_HANDLE || f->type.kind == K_BUFFER)
		diag(m, f->line, "%s: a struct field cannot be %s", f->name, kind_name(f->type.kind));
	else if (f->type.kind == K_BOOL)
		diag(m, f->line, "%s: no bool in a struct (a byte from the guest may be neither 0 nor 1): use uint8",
		     f->name);
	else if (f->type.kind == K_CHAR && f->count == 0)
		diag(m, f->line, "%s: char only as an array in a struct", f->name);
}

static void check_structs(struct hci_module *m)
{
	for (int i = 0; i < m->nstructs; i++) {
		struct hci_struct *s = &m->structs[i];

		check_name(m, s->line, "struct", s->name);
		if (in_list(s->name, system_structs, sizeof system_structs / sizeof system_structs[0]))
			diag(m, s->line, "struct '%s': a system header the generated code includes defines it",
			     s->name);
		if (find_struct(m, s->name, i))
			diag(m, s->line, "duplicate struct '%s'", s->name);
		for (int j = 0; j < s->nfields; j++)
			check_field(m, s, j, i);
	}
}

static int is_scalar_kind(enum hci_kind k)
{
	return kind_is_integer(k) || k == K_DOUBLE || k == K_BOOL;
}

static void check_by_value(struct hci_module *m, struct hci_param *p)
{
	if (p->dir || p->string || p->len.kind || p->has_max || p->has_each_max)
		diag(m, p->line, "%s: attributes on a parameter passed by value", p->name);
	if (p->type.kind == K_HANDLE)
		p->shape = SH_HANDLE;
	else if (is_scalar_kind(p->type.kind))
		p->shape = SH_SCALAR;
	else if (p->type.kind == K_STRUCT)
		diag(m, p->line, "%s: pass a struct by pointer, with a direction", p->name);
	else
		diag(m, p->line, "%s: a %s cannot be passed by value", p->name, kind_name(p->type.kind));
}

/* check_bound - @v against what one block can hold (@unit bytes each). */
static void check_bound(struct hci_module *m, struct hci_param *p, uint64_t v, uint64_t unit,
			const char *what)
{
	if (v == 0 || v > HCG_BLOCK_MAX / unit)
		diag(m, p->line, "%s: %s=%llu out of range (1 to %llu)", p->name, what,
		     (unsigned long long)v, (unsigned long long)(HCG_BLOCK_MAX / unit));
}

static void shape_array(struct hci_module *m, struct hci_param *p)
{
	p->shape = p->type.kind == K_BUFFER ? SH_BUFARRAY : SH_STRARRAY;
	if (p->dir != DIR_IN || !p->is_count)
		diag(m, p->line, "%s: an array of buffers is [in, count=...]", p->name);
	if (!p->has_each_max)
		diag(m, p->line, "missing bound: %s needs each_max=", p->name);
	else
		check_bound(m, p, p->each_max, 1, "each_max");
	if (p->len.kind == LEN_CONST && (p->len.value == 0 || p->len.value > HCI_BUFARRAY_MAX))
		diag(m, p->line, "%s: count=%llu out of range (1 to %u)", p->name,
		     (unsigned long long)p->len.value, HCI_BUFARRAY_MAX);
	else if (p->len.kind != LEN_CONST && p->len.kind != LEN_NONE && !p->has_max)
		diag(m, p->line, "missing bound: %s needs max=", p->name);
	if (p->has_max && (p->max == 0 || p->max > HCI_BUFARRAY_MAX))
		diag(m, p->line, "%s: max=%llu out of range (1 to %u)", p->name,
		     (unsigned long long)p->max, HCI_BUFARRAY_MAX);
}

static void shape_string(struct hci_module *m, struct hci_param *p)
{
	p->shape = SH_STRING;
	if (p->dir != DIR_IN)
		diag(m, p->line, "%s: a string is [in] (use size= for a buffer it fills)", p->name);
	if (p->len.kind)
		diag(m, p->line, "%s: a string takes max=, not size= or count=", p->name);
	if (!p->has_max)
		diag(m, p->line, "missing bound: %s needs max=", p->name);
	else
		check_bound(m, p, p->max, 1, "max");
}

static void shape_buffer(struct hci_module *m, struct hci_param *p)
{
	uint32_t unit = p->is_count ? type_size(&p->type) : 1;

	p->shape = SH_BUFFER;
	if (!p->is_count && type_size(&p->type) != 1)
		diag(m, p->line, "%s: size= counts bytes: use count= for %s", p->name,
		     kind_name(p->type.kind));
	if (p->len.kind == LEN_CONST) {
		if (p->has_max)
			diag(m, p->line, "%s: a constant length takes no max=", p->name);
		check_bound(m, p, p->len.value, unit ? unit : 1, p->is_count ? "count" : "size");
	} else if (!p->has_max) {
		diag(m, p->line, "missing bound: %s needs max=", p->name);
	} else {
		check_bound(m, p, p->max, unit ? unit : 1, "max");
	}
}

static void check_pointer(struct hci_module *m, struct hci_param *p)
{
	enum hci_kind k = p->type.kind;

	if (p->dir == DIR_NONE) {
		diag(m, p->line, "pointer %s has no direction: [in], [out] or [inout]", p->name);
		return;
	}
	if (p->has_each_max && k != K_BUFFER && p->type.ptr != 2)
		diag(m, p->line, "%s: each_max= is for arrays of buffers", p->name);
	if (p->type.ptr == 2) {
		if (k != K_CHAR || !p->string)
			diag(m, p->line, "%s: the only pointer to pointer is [in, string, count=] char **",
			     p->name);
		shape_array(m, p);
	} else if (k == K_BUFFER) {
		shape_array(m, p);
	} else if (p->string) {
		if (k != K_CHAR)
			diag(m, p->line, "%s: string is for char *", p->name);
		shape_string(m, p);
	} else if (k == K_VOID || k == K_HANDLE || k == K_BOOL) {
		diag(m, p->line, "%s: no %s pointers (use uint8)", p->name, kind_name(k));
	} else if (p->len.kind) {
		shape_buffer(m, p);
	} else if (k == K_CHAR) {
		diag(m, p->line, "%s: char * needs string or size=", p->name);
	} else {
		p->shape = SH_SINGLE;
		if (p->has_max)
			diag(m, p->line, "%s: a pointer to one %s takes no max=", p->name, kind_name(k));
	}
}

/* array_attrs_ok - a fixed array takes a direction and nothing else: its length is its [N]. */
static int array_attrs_ok(struct hci_module *m, const struct hci_param *p)
{
	if (p->dir == DIR_NONE) {
		diag(m, p->line, "array %s has no direction: [in], [out] or [inout]", p->name);
		return 0;
	}
	if (p->string || p->len.kind || p->has_max || p->has_each_max) {
		diag(m, p->line, "%s: an array's length is its [%llu]: no size=, count=, max=, each_max= or string",
		     p->name, (unsigned long long)p->array);
		return 0;
	}
	return 1;
}

/* array_element_ok - an array holds scalars or structs: no pointers, bool, char, handles or buffers. */
static int array_element_ok(struct hci_module *m, const struct hci_param *p)
{
	enum hci_kind k = p->type.kind;

	if (p->type.ptr)
		diag(m, p->line, "%s: no arrays of pointers", p->name);
	else if (k == K_CHAR)
		diag(m, p->line, "%s: no char arrays as parameters: use [in, string, max=N] char * "
		     "or [out, size=n, max=N] char *", p->name);
	else if (k == K_BOOL || k == K_VOID || k == K_HANDLE)
		diag(m, p->line, "%s: no %s arrays (use uint8)", p->name, kind_name(k));
	else if (k == K_BUFFER)
		diag(m, p->line, "%s: an array of buffers is [in, count=...] buffer *", p->name);
	else
		return 1;
	return 0;
}

/* check_array - T NAME[N]: exactly a buffer of N elements, as [dir, count=N] T * would be. */
static void check_array(struct hci_module *m, struct hci_param *p)
{
	uint32_t unit = type_size(&p->type);

	if (!array_attrs_ok(m, p) || !array_element_ok(m, p))
		return;
	if (unit == 0 || p->array == 0 || p->array > HCG_BLOCK_MAX / unit) {
		diag(m, p->line, "%s: [%llu] out of range (1 to %llu: a block holds %u bytes)", p->name,
		     (unsigned long long)p->array, (unsigned long long)(unit ? HCG_BLOCK_MAX / unit : 0),
		     HCG_BLOCK_MAX);
		return;
	}
	p->type.ptr = 1;
	p->is_count = 1;
	p->len.kind = LEN_CONST;
	p->len.value = p->array;
	p->shape = SH_BUFFER;
}

static int find_param(const struct hci_func *f, const char *name)
{
	for (int i = 0; i < f->nparams; i++)
		if (strcmp(f->params[i].name, name) == 0)
			return i;
	return -1;
}

static const struct hci_field *find_field(const struct hci_struct *s, const char *name)
{
	for (int i = 0; s && i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return &s->fields[i];
	return NULL;
}

/* check_len - the parameter, field or dereference a length names. */
static void check_len(struct hci_module *m, struct hci_func *f, struct hci_param *p)
{
	struct hci_lenexpr *e = &p->len;
	const struct hci_param *q;
	const char *what = p->is_count ? "count" : "size";

	if (e->kind == LEN_NONE || e->kind == LEN_CONST)
		return;
	if ((e->param = find_param(f, e->name)) < 0) {
		diag(m, p->line, "%s=%s names no parameter of %s", what, e->name, f->name);
		return;
	}
	q = &f->params[e->param];
	if (e->kind == LEN_PARAM && !(q->shape == SH_SCALAR && kind_is_integer(q->type.kind)))
		diag(m, p->line, "%s=%s: not an integer parameter", what, e->name);
	if (e->kind == LEN_DEREF && !(q->shape == SH_SINGLE && kind_is_integer(q->type.kind) &&
				      q->dir != DIR_OUT))
		diag(m, p->line, "%s=*%s: not an [in] or [inout] pointer to an integer", what, e->name);
	if (e->kind != LEN_FIELD)
		return;
	if (!(q->shape == SH_SINGLE && q->type.kind == K_STRUCT && q->dir == DIR_IN)) {
		diag(m, p->line, "%s=%s.%s: %s is not an [in] pointer to a struct", what, e->name,
		     e->field, e->name);
		return;
	}
	e->fld = find_field(q->type.st, e->field);
	if (e->fld == NULL || e->fld->count || !kind_is_integer(e->fld->type.kind))
		diag(m, p->line, "%s=%s.%s: no integer field %s in struct %s", what, e->name,
		     e->field, e->field, q->type.sname);
}

/* fail_fits - the integer fail= value @text fits kind @k (double: the int64 and uint64 ranges). */
static int fail_fits(enum hci_kind k, const char *text)
{
	int neg = text[0] == '-';
	uint64_t mag = strtoull(text + neg, NULL, 10);
	uint32_t bits = 8 * kind_size(k);

	if (k == K_DOUBLE)
		return !neg || mag <= (uint64_t)INT64_MAX + 1;
	if (!kind_is_signed(k))
		return !neg && (bits == 64 || mag < (UINT64_C(1) << bits));
	return mag <= (UINT64_C(1) << (bits - 1)) - (neg ? 0 : 1);
}

static void check_result(struct hci_module *m, struct hci_func *f)
{
	enum hci_kind k = f->ret.kind;

	if (resolve(m, &f->ret, f->line, m->nstructs) < 0)
		return;
	if (f->ret.ptr || !(is_scalar_kind(k) || k == K_VOID))
		diag(m, f->line, "%s: the result must be void or a scalar (return structs through [out])",
		     f->name);
	if (!f->has_fail)
		return;
	if (k == K_VOID)
		diag(m, f->line, "%s: fail= on a void function", f->name);
	else if (k == K_BOOL && strcmp(f->fail, "true") && strcmp(f->fail, "false"))
		diag(m, f->line, "%s: a bool fails with true or false", f->name);
	else if (k == K_BOOL)
		return;
	else if (!(f->fail[f->fail[0] == '-'] >= '0' && f->fail[f->fail[0] == '-'] <= '9'))
		diag(m, f->line, "%s: fail= wants a number", f->name);
	else if (f->fail[0] == '-' && !kind_is_signed(k))
		diag(m, f->line, "%s: a negative fail= for an unsigned result", f->name);
	else if (!fail_fits(k, f->fail))
		diag(m, f->line, "%s: fail=%s does not fit %s", f->name, f->fail, kind_name(k));
}

static void check_func(struct hci_module *m, int fi)
{
	struct hci_func *f = &m->funcs[fi];

	check_name(m, f->line, "function", f->name);
	for (int i = 0; i < fi; i++)
		if (strcmp(m->funcs[i].name, f->name) == 0)
			diag(m, f->line, "duplicate function '%s'", f->name);
	check_result(m, f);
	for (int i = 0; i < f->nparams; i++) {
		struct hci_param *p = &f->params[i];

		check_name(m, p->line, "parameter", p->name);
		if (find_param(f, p->name) != i)
			diag(m, p->line, "duplicate parameter '%s' in %s", p->name, f->name);
		if (resolve(m, &p->type, p->line, m->nstructs) < 0)
			continue;
		if (p->has_array)
			check_array(m, p);
		else if (p->type.ptr == 0)
			check_by_value(m, p);
		else
			check_pointer(m, p);
	}
	for (int i = 0; i < f->nparams; i++)
		check_len(m, f, &f->params[i]);
}

int check_module(struct hci_module *m)
{
	int before = diag_count();

	if (!valid_module_name(m->name))
		diag(m, m->line, "module name '%s' is not [a-z][a-z0-9_]*", m->name);
	check_structs(m);
	if (diag_count() > before || layout_structs(m))
		return diag_count() - before;
	if (m->nfuncs == 0)
		diag(m, m->line, "module %s declares no functions", m->name);
	for (int i = 0; i < m->nfuncs; i++)
		check_func(m, i);
	return diag_count() - before;
}
