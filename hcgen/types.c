/* types.c: what each .hci type is in C and in the block, and the diagnostics every pass prints. */
#include "ast.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int errors;

void vdiag(const struct hci_module *m, int line, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s:%d: ", m->file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	errors++;
}

void diag(const struct hci_module *m, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(m, line, fmt, ap);
	va_end(ap);
}

int diag_count(void)
{
	return errors;
}

uint32_t kind_size(enum hci_kind k)
{
	switch (k) {
	case K_INT8: case K_UINT8: case K_BOOL: case K_CHAR: return 1;
	case K_INT16: case K_UINT16: return 2;
	case K_INT32: case K_UINT32: case K_HANDLE: return 4;
	case K_INT64: case K_UINT64: case K_DOUBLE: case K_SIZE: return 8;
	case K_BUFFER: return 8;
	default: return 0;
	}
}

int kind_is_integer(enum hci_kind k)
{
	switch (k) {
	case K_INT8: case K_INT16: case K_INT32: case K_INT64:
	case K_UINT8: case K_UINT16: case K_UINT32: case K_UINT64: case K_SIZE:
		return 1;
	default:
		return 0;
	}
}

int kind_is_signed(enum hci_kind k)
{
	return k == K_INT8 || k == K_INT16 || k == K_INT32 || k == K_INT64 || k == K_DOUBLE;
}

uint32_t type_size(const struct hci_type *t)
{
	if (t->kind == K_STRUCT)
		return t->st ? t->st->size : 0;
	return kind_size(t->kind);
}

const char *blocktype(enum hci_kind k)
{
	switch (k) {
	case K_INT8: return "int8_t";
	case K_INT16: return "int16_t";
	case K_INT32: case K_HANDLE: return "int32_t";
	case K_INT64: return "int64_t";
	case K_UINT8: case K_BOOL: return "uint8_t";
	case K_UINT16: return "uint16_t";
	case K_UINT32: return "uint32_t";
	case K_UINT64: case K_SIZE: return "uint64_t";
	case K_DOUBLE: return "double";
	case K_CHAR: return "char";
	default: return "void";
	}
}

const char *ctype(const struct hci_type *t, char *buf, size_t len)
{
	switch (t->kind) {
	case K_STRUCT: snprintf(buf, len, "struct %s", t->sname); break;
	case K_BOOL: snprintf(buf, len, "bool"); break;
	case K_SIZE: snprintf(buf, len, "size_t"); break;
	case K_HANDLE: snprintf(buf, len, "hc_handle_t"); break;
	case K_BUFFER: snprintf(buf, len, "struct iovec"); break;
	default: snprintf(buf, len, "%s", blocktype(t->kind)); break;
	}
	return buf;
}

int param_is_pointer(const struct hci_param *p)
{
	return p->shape != SH_SCALAR && p->shape != SH_HANDLE;
}

/* fail_literal - "(TYPE)N" for a checked fail= number, warning-free at either end of int64 and uint64. */
static void fail_literal(char *buf, size_t len, const char *ty, const char *text)
{
	int neg = text[0] == '-';
	uint64_t mag = strtoull(text + neg, NULL, 10);

	if (neg && mag > (uint64_t)INT64_MAX)
		snprintf(buf, len, "(%s)INT64_MIN", ty);
	else if (mag > (uint64_t)INT64_MAX)
		snprintf(buf, len, "(%s)UINT64_C(%llu)", ty, (unsigned long long)mag);
	else
		snprintf(buf, len, "(%s)%s%llu", ty, neg ? "-" : "", (unsigned long long)mag);
}

const char *fail_value(const struct hci_func *f, char *buf, size_t len)
{
	char ty[96];

	if (f->has_fail && f->ret.kind != K_BOOL)
		fail_literal(buf, len, ctype(&f->ret, ty, sizeof ty), f->fail);
	else if (f->has_fail)
		snprintf(buf, len, "%s", f->fail);
	else if (f->ret.kind == K_BOOL)
		snprintf(buf, len, "false");
	else if (kind_is_signed(f->ret.kind))
		snprintf(buf, len, "(%s)-1", ctype(&f->ret, ty, sizeof ty));
	else
		snprintf(buf, len, "(%s)0", ctype(&f->ret, ty, sizeof ty));
	return buf;
}
