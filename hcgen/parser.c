/* parser.c: the recursive-descent parser of .hci files into struct hci_module. */
#include "ast.h"
#include "lexer.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	struct lexer lx;
	struct token t;
	struct hci_module *m;
	int library;           /* the binding functions get: -2 none yet, -1 host, else a library */
	jmp_buf fail;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "hcgen: out of memory\n");
		exit(1);
	}
	return q;
}

/* PUSH - a new zeroed element at the end of array @arr of @n elements. */
#define PUSH(arr, n) \
	((arr) = xrealloc((arr), (size_t)((n) + 1) * sizeof *(arr)), \
	 memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

static void syntax(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* syntax - a diagnostic at the current token, and back out of the parse. */
static void syntax(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(ps->m, ps->t.line, fmt, ap);
	va_end(ap);
	longjmp(ps->fail, 1);
}

static void advance(struct parser *ps)
{
	lex_next(&ps->lx, &ps->t);
	if (ps->t.kind == TOK_BAD)
		syntax(ps, "%s", ps->t.text);
}

static const char *tok_desc(const struct token *t)
{
	switch (t->kind) {
	case TOK_EOF: return "end of file";
	case TOK_NUMBER: return "a number";
	case TOK_STRING: return "a string";
	default: return t->text;
	}
}

static int is_punct(const struct parser *ps, char c)
{
	return ps->t.kind == TOK_PUNCT && ps->t.text[0] == c;
}

static int is_word(const struct parser *ps, const char *w)
{
	return ps->t.kind == TOK_IDENT && strcmp(ps->t.text, w) == 0;
}

static void expect(struct parser *ps, char c)
{
	if (!is_punct(ps, c))
		syntax(ps, "expected '%c' before '%s'", c, tok_desc(&ps->t));
	advance(ps);
}

/* name - an identifier of at most HCI_NAME_MAX characters into @out. */
static void name(struct parser *ps, char *out)
{
	if (ps->t.kind != TOK_IDENT)
		syntax(ps, "expected a name before '%s'", tok_desc(&ps->t));
	if (strlen(ps->t.text) > HCI_NAME_MAX)
		syntax(ps, "name '%s' is longer than 63 characters", ps->t.text);
	strcpy(out, ps->t.text);
	advance(ps);
}

static uint64_t number(struct parser *ps)
{
	uint64_t v = ps->t.value;

	if (ps->t.kind != TOK_NUMBER)
		syntax(ps, "expected a number before '%s'", tok_desc(&ps->t));
	if (ps->t.overflow)
		syntax(ps, "%s does not fit in 64 bits", "number");
	advance(ps);
	return v;
}

static const char *const kind_words[] = {
	[K_INT8] = "int8", [K_INT16] = "int16", [K_INT32] = "int32", [K_INT64] = "int64",
	[K_UINT8] = "uint8", [K_UINT16] = "uint16", [K_UINT32] = "uint32", [K_UINT64] = "uint64",
	[K_DOUBLE] = "double", [K_BOOL] = "bool", [K_SIZE] = "size", [K_CHAR] = "char",
	[K_HANDLE] = "handle", [K_STRUCT] = "struct", [K_VOID] = "void", [K_BUFFER] = "buffer",
};

const char *kind_name(enum hci_kind k)
{
	return k < K_UNKNOWN ? kind_words[k] : "?";
}

static void type(struct parser *ps, struct hci_type *t)
{
	memset(t, 0, sizeof *t);
	if (is_word(ps, "struct")) {
		advance(ps);
		t->kind = K_STRUCT;
		name(ps, t->sname);
	} else {
		name(ps, t->sname);
		t->kind = K_UNKNOWN;
		for (int k = 0; k < K_UNKNOWN; k++)
			if (k != K_STRUCT && strcmp(t->sname, kind_words[k]) == 0)
				t->kind = (enum hci_kind)k;
	}
	while (is_punct(ps, '*')) {
		if (++t->ptr > 2)
			syntax(ps, "%s", "more than two levels of pointer");
		advance(ps);
	}
}

static void field(struct parser *ps, struct hci_struct *s)
{
	struct hci_field *f;

	f = PUSH(s->fields, s->nfields);
	f->line = ps->t.line;
	type(ps, &f->type);
	name(ps, f->name);
	if (is_punct(ps, '[')) {
		advance(ps);
		f->line = ps->t.line;
		uint64_t n = number(ps);
		if (n == 0 || n > 1u << 20)
			syntax(ps, "%s: an array's length must be 1 to 1M", f->name);
		f->count = (uint32_t)n;
		expect(ps, ']');
	}
	expect(ps, ';');
}

static void struct_decl(struct parser *ps, const char *sname, int line)
{
	struct hci_module *m = ps->m;
	struct hci_struct *s;

	s = PUSH(m->structs, m->nstructs);
	strcpy(s->name, sname);
	s->line = line;
	expect(ps, '{');
	while (!is_punct(ps, '}'))
		field(ps, s);
	advance(ps);
	expect(ps, ';');
	if (s->nfields == 0)
		diag(m, line, "struct %s has no fields", sname);
}

static void lenexpr(struct parser *ps, struct hci_lenexpr *e)
{
	if (e->kind != LEN_NONE)
		syntax(ps, "%s", "more than one size= or count=");
	if (ps->t.kind == TOK_NUMBER) {
		e->kind = LEN_CONST;
		e->value = number(ps);
	} else if (is_punct(ps, '*')) {
		advance(ps);
		e->kind = LEN_DEREF;
		name(ps, e->name);
	} else {
		e->kind = LEN_PARAM;
		name(ps, e->name);
		if (is_punct(ps, '.')) {
			advance(ps);
			e->kind = LEN_FIELD;
			name(ps, e->field);
		}
	}
}

static void set_dir(struct parser *ps, struct hci_param *p, enum hci_dir d)
{
	if (p->dir != DIR_NONE)
		syntax(ps, "%s", "more than one direction");
	p->dir = d;
	advance(ps);
}

static void bound(struct parser *ps, uint64_t *v, int *has)
{
	if (*has)
		syntax(ps, "%s", "a bound given twice");
	advance(ps);
	expect(ps, '=');
	*has = 1;
	*v = number(ps);
}

static void pattr(struct parser *ps, struct hci_param *p)
{
	if (is_word(ps, "in")) {
		set_dir(ps, p, DIR_IN);
	} else if (is_word(ps, "out")) {
		set_dir(ps, p, DIR_OUT);
	} else if (is_word(ps, "inout")) {
		set_dir(ps, p, DIR_INOUT);
	} else if (is_word(ps, "string")) {
		p->string = 1;
		advance(ps);
	} else if (is_word(ps, "size") || is_word(ps, "count")) {
		p->is_count = is_word(ps, "count");
		advance(ps);
		expect(ps, '=');
		lenexpr(ps, &p->len);
	} else if (is_word(ps, "max")) {
		bound(ps, &p->max, &p->has_max);
	} else if (is_word(ps, "each_max")) {
		bound(ps, &p->each_max, &p->has_each_max);
	} else {
		syntax(ps, "unknown parameter attribute '%s'", tok_desc(&ps->t));
	}
}

static void param(struct parser *ps, struct hci_func *f)
{
	struct hci_param *p;

	p = PUSH(f->params, f->nparams);
	p->line = ps->t.line;
	if (is_punct(ps, '[')) {
		do {
			advance(ps);
			pattr(ps, p);
		} while (is_punct(ps, ','));
		expect(ps, ']');
	}
	type(ps, &p->type);
	name(ps, p->name);
	if (is_punct(ps, '[')) {
		advance(ps);
		p->line = ps->t.line;
		p->array = number(ps);
		p->has_array = 1;
		expect(ps, ']');
	}
}

static void fail_attr(struct parser *ps, struct hci_func *f)
{
	size_t n = 0;

	if (f->has_fail)
		syntax(ps, "%s", "fail= given twice");
	advance(ps);
	expect(ps, '=');
	if (is_punct(ps, '-')) {
		f->fail[n++] = '-';
		advance(ps);
	}
	if (ps->t.kind == TOK_NUMBER && !ps->t.overflow)
		snprintf(f->fail + n, sizeof f->fail - n, "%llu", (unsigned long long)ps->t.value);
	else if (is_word(ps, "true") || is_word(ps, "false"))
		snprintf(f->fail + n, sizeof f->fail - n, "%.5s", ps->t.text);
	else
		syntax(ps, "fail= wants a number, true or false, not '%s'", tok_desc(&ps->t));
	f->has_fail = 1;
	advance(ps);
}

static void fattrs(struct parser *ps, struct hci_func *f)
{
	do {
		advance(ps);
		if (is_word(ps, "errno")) {
			if (f->errno_attr)
				syntax(ps, "%s", "errno given twice");
			f->errno_attr = 1;
			advance(ps);
		} else if (is_word(ps, "fail")) {
			fail_attr(ps, f);
		} else {
			syntax(ps, "unknown function attribute '%s'", tok_desc(&ps->t));
		}
	} while (is_punct(ps, ','));
	expect(ps, ']');
}

static struct hci_func *new_func(struct parser *ps)
{
	struct hci_module *m = ps->m;
	struct hci_func *f;

	f = PUSH(m->funcs, m->nfuncs);
	f->line = ps->t.line;
	f->library = ps->library;
	return f;
}

/* func_rest - after the result type: NAME(PARAMS); */
static void func_rest(struct parser *ps, struct hci_func *f)
{
	if (ps->library == -2)
		diag(ps->m, f->line, "function before any library or host declaration");
	name(ps, f->name);
	expect(ps, '(');
	if (is_word(ps, "void")) {
		advance(ps);
	} else if (!is_punct(ps, ')')) {
		param(ps, f);
		while (is_punct(ps, ',')) {
			advance(ps);
			param(ps, f);
		}
	}
	expect(ps, ')');
	expect(ps, ';');
}

static void module_decl(struct parser *ps)
{
	struct hci_module *m = ps->m;
	uint64_t v;

	if (m->name[0])
		syntax(ps, "%s", "a second module declaration");
	m->line = ps->t.line;
	advance(ps);
	name(ps, m->name);
	v = number(ps);
	if (v > UINT32_MAX)
		syntax(ps, "%s", "the version does not fit 32 bits");
	m->version = (uint32_t)v;
	expect(ps, ';');
}

static void library_decl(struct parser *ps)
{
	struct hci_module *m = ps->m;

	advance(ps);
	if (ps->t.kind != TOK_STRING || ps->t.text[0] == '\0')
		syntax(ps, "library wants a file name in quotes, not '%s'", tok_desc(&ps->t));
	if (ps->t.text[0] != '/' && strchr(ps->t.text, '/'))
		diag(m, ps->t.line, "library \"%s\": a relative path would be opened from the shadow's "
		     "working directory: give a bare soname or an absolute path", ps->t.text);
	ps->library = m->nlibraries;
	*PUSH(m->libraries, m->nlibraries) = strdup(ps->t.text);
	advance(ps);
	expect(ps, ';');
}

static void decl(struct parser *ps)
{
	struct hci_func *f;
	struct hci_type t;
	int line = ps->t.line;

	if (is_word(ps, "module")) {
		module_decl(ps);
	} else if (is_word(ps, "library")) {
		library_decl(ps);
	} else if (is_word(ps, "host")) {
		advance(ps);
		expect(ps, ';');
		ps->library = -1;
	} else if (is_punct(ps, '[')) {
		f = new_func(ps);
		fattrs(ps, f);
		type(ps, &f->ret);
		func_rest(ps, f);
	} else {
		type(ps, &t);
		if (t.kind == K_STRUCT && t.ptr == 0 && is_punct(ps, '{')) {
			struct_decl(ps, t.sname, line);
			return;
		}
		f = new_func(ps);
		f->line = line;
		f->ret = t;
		func_rest(ps, f);
	}
}

static __attribute__((noinline)) char *read_all(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (n + 4097 > cap)
			buf = xrealloc(buf, cap = cap * 2 + 8192);
		size_t r = fread(buf + n, 1, 4096, fp);
		if (r == 0)
			break;
		n += r;
	}
	fclose(fp);
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* run - the whole parse, where a syntax error longjmps back. Returns: 0 or -1. */
static __attribute__((noinline)) int run(struct parser *ps)
{
	if (setjmp(ps->fail))
		return -1;
	advance(ps);
	while (ps->t.kind != TOK_EOF)
		decl(ps);
	if (ps->m->name[0] == '\0')
		diag(ps->m, ps->t.line, "no module declaration");
	return 0;
}

int parse_file(const char *path, struct hci_module *m)
{
	struct parser ps;
	char *src;
	int r;

	memset(m, 0, sizeof *m);
	m->file = path;
	if ((src = read_all(path)) == NULL) {
		fprintf(stderr, "hcgen: %s: cannot read (or not a text file)\n", path);
		return -1;
	}
	memset(&ps, 0, sizeof ps);
	ps.m = m;
	ps.library = -2;
	lex_init(&ps.lx, src);
	r = run(&ps);
	free(src);
	return r < 0 || diag_count() ? -1 : 0;
}

void module_free(struct hci_module *m)
{
	for (int i = 0; i < m->nstructs; i++)
		free(m->structs[i].fields);
	for (int i = 0; i < m->nfuncs; i++)
		free(m->funcs[i].params);
	for (int i = 0; i < m->nlibraries; i++)
		free(m->libraries[i]);
	free(m->structs);
	free(m->funcs);
	free(m->libraries);
	memset(m, 0, sizeof *m);
}
