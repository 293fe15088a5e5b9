/* arith.c: $((...)): C-like integer arithmetic over shell variables, by recursive descent. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

struct arith {
	struct shell *sh;
	const char *s;
	const char *err;
	int depth;
	int err_said;           /* err was already reported (var_set refusing a readonly) */
};

#define ARITH_DEPTH_MAX 600   /* expr, unary and ( each count: about 200 levels of any */

/* dash's arithmetic knows three blanks only: a '\r' or '\v' in the expression is an error */
static void skip(struct arith *a)
{
	while (*a->s == ' ' || *a->s == '\t' || *a->s == '\n')
		a->s++;
}

/* @op (one or two characters) next in the text: taken. */
static int match(struct arith *a, const char *op)
{
	size_t n = op[1] ? 2 : 1;

	skip(a);
	if (a->s[0] != op[0] || (n == 2 && a->s[1] != op[1]))
		return 0;
	/* "<" must not take the first half of "<<" or "<=", and so on */
	if (n == 1 && strchr("<>&|=!", op[0]) && (a->s[1] == op[0] || a->s[1] == '='))
		return 0;
	if (n == 1 && strchr("+-*/%^", op[0]) && a->s[1] == '=')
		return 0;
	if (n == 2 && (strcmp(op, "<<") == 0 || strcmp(op, ">>") == 0) && a->s[2] == '=')
		return 0;
	a->s += n;
	return 1;
}

static void fail(struct arith *a, const char *msg)
{
	if (!a->err)
		a->err = msg;
}

/* One level of @step, counted against ARITH_DEPTH_MAX: each level is a frame of C stack. */
static long nested(struct arith *a, int eval, long (*step)(struct arith *, int))
{
	long x;

	if (a->err || ++a->depth > ARITH_DEPTH_MAX) {
		fail(a, "nested too deeply");
		return 0;
	}
	x = step(a, eval);
	a->depth--;
	return x;
}

static long var_value(struct arith *a, const char *name)
{
	const char *v = var_get(a->sh, name);
	char *end;
	long x;

	if (!v || !*v)
		return 0;   /* unset is 0, even under set -u, as in dash */
	errno = 0;
	x = strtol(v, &end, 0);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end)
		fail(a, "variable is not a number");
	return x;
}

static long expr(struct arith *a, int eval);
static long unary(struct arith *a, int eval);

static int read_name(struct arith *a, char *name, size_t max)
{
	size_t n = 0;

	skip(a);
	if (!(isalpha((unsigned char)*a->s) || *a->s == '_'))
		return 0;
	while ((isalnum((unsigned char)*a->s) || *a->s == '_') && n + 1 < max)
		name[n++] = *a->s++;
	name[n] = '\0';
	return 1;
}

static long primary(struct arith *a, int eval)
{
	char name[256], *end;
	long x;

	skip(a);
	if (match(a, "(")) {
		x = nested(a, eval, expr);
		if (!match(a, ")"))
			fail(a, "missing ')'");
		return x;
	}
	if (read_name(a, name, sizeof(name)))
		return eval ? var_value(a, name) : 0;
	if (!isdigit((unsigned char)*a->s)) {
		fail(a, *a->s ? "syntax error" : "expression expected");
		return 0;
	}
	x = strtol(a->s, &end, 0);   /* too big a constant is the largest one, as in dash */
	if (isalnum((unsigned char)*end))
		fail(a, "bad number");
	a->s = end;
	return x;
}

static long unary_op(struct arith *a, int eval)
{
	if (match(a, "-"))
		return (long)(0UL - (unsigned long)unary(a, eval));
	if (match(a, "+"))
		return unary(a, eval);
	if (match(a, "!"))
		return !unary(a, eval);
	if (match(a, "~"))
		return ~unary(a, eval);
	return primary(a, eval);
}

static long unary(struct arith *a, int eval)
{
	return nested(a, eval, unary_op);
}

static long divide(struct arith *a, long x, long y, int mod, int eval)
{
	if (!eval)
		return 0;
	if (y == 0) {
		fail(a, "division by zero");
		return 0;
	}
	if (x == -9223372036854775807L - 1 && y == -1)
		return mod ? 0 : x;
	return mod ? x % y : x / y;
}

enum binop {
	OP_MUL, OP_DIV, OP_MOD, OP_ADD, OP_SUB, OP_SHL, OP_SHR, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_EQ, OP_NE, OP_BITAND, OP_BITXOR, OP_BITOR, OP_AND, OP_OR
};

/*
 * The binary operator starting @s: its precedence (C's, 10 binding tightest), or 0 for none,
 * which includes the assignment operators (*= <<= ...) a name before them would take.
 */
static int binop(const char *s, enum binop *op, int *len)
{
	int twice = s[1] == s[0], eq = s[1] == '=';

	*len = 1;
	switch (s[0]) {
	case '*': *op = OP_MUL; return eq ? 0 : 10;
	case '/': *op = OP_DIV; return eq ? 0 : 10;
	case '%': *op = OP_MOD; return eq ? 0 : 10;
	case '+': *op = OP_ADD; return eq ? 0 : 9;
	case '-': *op = OP_SUB; return eq ? 0 : 9;
	case '<':
	case '>':
		if (twice) {
			*op = s[0] == '<' ? OP_SHL : OP_SHR, *len = 2;
			return s[2] == '=' ? 0 : 8;
		}
		*op = s[0] == '<' ? (eq ? OP_LE : OP_LT) : (eq ? OP_GE : OP_GT), *len = 1 + eq;
		return 7;
	case '=': *op = OP_EQ, *len = 2; return eq ? 6 : 0;
	case '!': *op = OP_NE, *len = 2; return eq ? 6 : 0;
	case '&':
		*op = twice ? OP_AND : OP_BITAND, *len = 1 + twice;
		return eq ? 0 : twice ? 2 : 5;
	case '^': *op = OP_BITXOR; return eq ? 0 : 4;
	case '|':
		*op = twice ? OP_OR : OP_BITOR, *len = 1 + twice;
		return eq ? 0 : twice ? 1 : 3;
	}
	return 0;
}

static long apply_binop(struct arith *a, enum binop op, long x, long y, int eval)
{
	switch (op) {
	case OP_MUL: return (long)((unsigned long)x * (unsigned long)y);
	case OP_DIV: return divide(a, x, y, 0, eval);
	case OP_MOD: return divide(a, x, y, 1, eval);
	case OP_ADD: return (long)((unsigned long)x + (unsigned long)y);
	case OP_SUB: return (long)((unsigned long)x - (unsigned long)y);
	case OP_SHL: return (long)((unsigned long)x << (y & 63));
	case OP_SHR: return x >> (y & 63);
	case OP_LT: return x < y;
	case OP_LE: return x <= y;
	case OP_GT: return x > y;
	case OP_GE: return x >= y;
	case OP_EQ: return x == y;
	case OP_NE: return x != y;
	case OP_BITAND: return x & y;
	case OP_BITXOR: return x ^ y;
	case OP_BITOR: return x | y;
	case OP_AND: return x && y;
	default: return x || y;
	}
}

/* Binary operators binding at least as tight as @min, left to right (precedence climbing). */
static long binary(struct arith *a, int min, int eval)
{
	long x = unary(a, eval);

	for (;;) {
		enum binop op;
		int len, prec;
		long y;

		skip(a);
		prec = binop(a->s, &op, &len);
		if (prec == 0 || prec < min || a->err)
			return x;
		a->s += len;
		/* && and || do not evaluate their right side when the left decides */
		y = binary(a, prec + 1, op == OP_AND ? eval && x : op == OP_OR ? eval && !x : eval);
		x = apply_binop(a, op, x, y, eval);
	}
}

static long ternary(struct arith *a, int eval)
{
	long c = binary(a, 1, eval), x, y;

	if (!match(a, "?"))
		return c;
	x = expr(a, eval && c);
	if (!match(a, ":"))
		fail(a, "missing ':'");
	y = ternary(a, eval && !c);
	return c ? x : y;
}

static const char *const assign_ops[] = { "=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=",
					  "&=", "^=", "|=" };

static long apply_op(struct arith *a, int op, long old, long v, int eval)
{
	switch (op) {
	case 0: return v;
	case 1: return (long)((unsigned long)old + (unsigned long)v);
	case 2: return (long)((unsigned long)old - (unsigned long)v);
	case 3: return (long)((unsigned long)old * (unsigned long)v);
	case 4: return divide(a, old, v, 0, eval);
	case 5: return divide(a, old, v, 1, eval);
	case 6: return (long)((unsigned long)old << (v & 63));
	case 7: return old >> (v & 63);
	case 8: return old & v;
	case 9: return old ^ v;
	default: return old | v;
	}
}

/* Whether an assignment operator (= += ... <<= >>=) starts @s: most names have none. */
static int is_assign_op(const char *s)
{
	if (s[0] == '=')
		return s[1] != '=';
	if (s[0] && strchr("+-*/%&^|", s[0]))
		return s[1] == '=';
	return (s[0] == '<' || s[0] == '>') && s[1] == s[0] && s[2] == '=';
}

static long assignment(struct arith *a, int eval);

/* name op= expr, or a conditional expression; "a=b=..." and "c?d?..." nest: bounded here */
static long expr(struct arith *a, int eval)
{
	return nested(a, eval, assignment);
}

static long assignment(struct arith *a, int eval)
{
	const char *start = a->s;
	char name[256], buf[32];
	long v;

	if (read_name(a, name, sizeof(name)) && (skip(a), is_assign_op(a->s))) {
		for (int op = (int)(sizeof(assign_ops) / sizeof(assign_ops[0])) - 1; op >= 0; op--) {
			size_t n = strlen(assign_ops[op]);
			if (strncmp(a->s, assign_ops[op], n) != 0 || (op == 0 && a->s[1] == '='))
				continue;
			a->s += n;
			v = expr(a, eval);
			if (!eval)
				return 0;
			v = apply_op(a, op, op ? var_value(a, name) : 0, v, eval);
			snprintf(buf, sizeof(buf), "%ld", v);
			if (var_set(a->sh, name, buf, 0) != 0) {
				fail(a, "read-only variable");
				a->err_said = 1;
			}
			return v;
		}
	}
	a->s = start;
	return ternary(a, eval);
}

int arith_eval(struct shell *sh, const char *text, long *out)
{
	struct arith a = { .sh = sh, .s = text };

	*out = expr(&a, 1);
	skip(&a);
	if (!a.err && *a.s)
		a.err = "syntax error";
	if (a.err) {
		if (!a.err_said)
			sh_error(sh, "arithmetic: %s in '%s'", a.err, text);
		return -1;
	}
	return 0;
}
