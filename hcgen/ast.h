/* ast.h: hcgen's abstract syntax tree of one .hci interface, and the passes over it. */
#ifndef HCGEN_AST_H
#define HCGEN_AST_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#define HCI_NAME_MAX 63
#define HCI_BUFARRAY_MAX 1024u /* the most elements an array of buffers may have */

enum hci_kind {
	K_INT8, K_INT16, K_INT32, K_INT64,
	K_UINT8, K_UINT16, K_UINT32, K_UINT64,
	K_DOUBLE, K_BOOL, K_SIZE, K_CHAR, K_HANDLE, K_STRUCT, K_VOID, K_BUFFER,
	K_UNKNOWN
};

struct hci_struct;

struct hci_type {
	enum hci_kind kind;
	char sname[HCI_NAME_MAX + 1];  /* K_STRUCT, K_UNKNOWN: the name written */
	struct hci_struct *st;         /* K_STRUCT, after check */
	int ptr;                       /* pointer depth: 0, 1 or 2 */
};

struct hci_field {
	char name[HCI_NAME_MAX + 1];
	struct hci_type type;
	uint32_t count;                /* a fixed array's length; 0: not an array */
	uint32_t off;                  /* layout */
	int line;
};

struct hci_struct {
	char name[HCI_NAME_MAX + 1];
	struct hci_field *fields;
	int nfields;
	uint32_t size, align;          /* layout */
	int line;
};

enum hci_dir { DIR_NONE, DIR_IN, DIR_OUT, DIR_INOUT };
enum hci_len { LEN_NONE, LEN_CONST, LEN_PARAM, LEN_DEREF, LEN_FIELD };

struct hci_lenexpr {
	enum hci_len kind;
	uint64_t value;                /* LEN_CONST */
	char name[HCI_NAME_MAX + 1];   /* LEN_PARAM, LEN_DEREF, LEN_FIELD: the parameter */
	char field[HCI_NAME_MAX + 1];  /* LEN_FIELD */
	int param;                     /* after check: the parameter's index */
	const struct hci_field *fld;   /* LEN_FIELD, after check */
};

/* What a parameter is, once checked. */
enum hci_shape {
	SH_SCALAR,                     /* by value */
	SH_HANDLE,                     /* by value, translated */
	SH_SINGLE,                     /* a pointer to one scalar or struct */
	SH_BUFFER,                     /* a pointer to size= bytes or count= elements */
	SH_STRING,                     /* [in, string] char * */
	SH_BUFARRAY,                   /* [in, count=] buffer * */
	SH_STRARRAY                    /* [in, string, count=] char ** */
};

struct hci_param {
	char name[HCI_NAME_MAX + 1];
	struct hci_type type;
	enum hci_dir dir;
	int string;
	int is_count;                  /* the length is count= (elements), not size= (bytes) */
	struct hci_lenexpr len;
	uint64_t max, each_max;
	int has_max, has_each_max;
	uint64_t array;                /* a fixed array NAME[N]: N as written; 0: not an array */
	int has_array;
	enum hci_shape shape;          /* after check */
	uint32_t off;                  /* layout: the field's offset in the fixed part */
	int line;
};

struct hci_func {
	char name[HCI_NAME_MAX + 1];
	struct hci_type ret;
	int errno_attr;
	int has_fail;
	char fail[64];                 /* the fail= value as written */
	struct hci_param *params;
	int nparams;
	int library;                   /* index into the module's libraries; -1: the host half */
	uint32_t fixed_size, ret_off, errno_off;  /* layout */
	int line;
};

struct hci_module {
	const char *file;
	char name[HCI_NAME_MAX + 1];
	uint32_t version;
	int line;
	struct hci_struct *structs;
	int nstructs;
	struct hci_func *funcs;
	int nfuncs;
	char **libraries;
	int nlibraries;
	uint8_t hash[32];
};

/* diag - print "FILE:LINE: message" on stderr and count an error. */
void diag(const struct hci_module *m, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* vdiag - diag() with a va_list. */
void vdiag(const struct hci_module *m, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* diag_count - how many errors diag() printed. */
int diag_count(void);

/* parse_file - read @path into @m. Returns: 0, or -1 after a diagnostic. */
int parse_file(const char *path, struct hci_module *m);
/* module_free - release what parse_file() allocated. */
void module_free(struct hci_module *m);
/* check_module - resolve names, reject what cannot be made safe. Returns: the error count. */
int check_module(struct hci_module *m);
/* layout_structs - the structs' sizes and offsets (check_module needs them). Returns: the error count. */
int layout_structs(struct hci_module *m);
/* layout_module - each function's fixed part, once checked. Returns: the error count. */
int layout_module(struct hci_module *m);
/* hash_module - the interface hash into m->hash. Returns: 0 or -1. */
int hash_module(struct hci_module *m);

/* kind_size - a scalar kind's size in the block (handle 4, size 8); 0 for none. */
uint32_t kind_size(enum hci_kind k);
/* kind_is_integer - an integer kind: int8..uint64 and size (not bool, not handle). */
int kind_is_integer(enum hci_kind k);
/* kind_is_signed - a signed integer or double kind. */
int kind_is_signed(enum hci_kind k);
/* type_size - a non-pointer type's size in memory (structs after layout). */
uint32_t type_size(const struct hci_type *t);
/* kind_name - the .hci spelling of @k. */
const char *kind_name(enum hci_kind k);
/* ctype - the C spelling of a non-pointer type into @buf (guest side: size_t, hc_handle_t). */
const char *ctype(const struct hci_type *t, char *buf, size_t len);
/* blocktype - the C type of a scalar kind as it lies in the block. */
const char *blocktype(enum hci_kind k);

/* emit_guest - write DIR/NAME_guest.h and DIR/NAME_guest.c. Returns: 0 or -1. */
int emit_guest(const struct hci_module *m, const char *dir);
/* emit_host - write DIR/NAME_host.h and DIR/NAME_host.c. Returns: 0 or -1. */
int emit_host(const struct hci_module *m, const char *dir);
/* emit_fuzz - write DIR/NAME_fuzz.c. Returns: 0 or -1. */
int emit_fuzz(const struct hci_module *m, const char *dir);

/* out_open - open DIR/NAME_SUFFIX for writing, as a temporary beside it. */
FILE *out_open(const struct hci_module *m, const char *dir, const char *suffix);
/* out_close - finish the file out_open() opened: rename it into place. Returns: 0 or -1. */
int out_close(FILE *f, const struct hci_module *m, const char *dir, const char *suffix);
/* param_is_pointer - does @p travel as a region? */
int param_is_pointer(const struct hci_param *p);
/* fail_value - the C expression a stub returns on failure. */
const char *fail_value(const struct hci_func *f, char *buf, size_t len);

#endif
