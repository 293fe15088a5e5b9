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
};

#define ARITH_DEPTH_MAX 200

static void skip(struct arith *a)
{
	while (isspace((unsigned char)*a->s))
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

static long var_value(struct arith *a, const char *name)
{
	const char *v = var_get(a->sh, name);
	char *end;
	long x;

	if (!v || !*v) {
		if (a->sh->opt_nounset && !v)
			fail(a, "parameter not set");
		return 0;
	}
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
		if (++a->depth > ARITH_DEPTH_MAX) {
			fail(a, "nested too deeply");
			return 0;
		}
		x = expr(a, eval);
		a->depth--;
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
	x = strtol(a->s, &end, 0);   /* out of range: clamped, as dash's strtoimax leaves it */
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
	long x;

	if (a->err || ++a->depth > ARITH_DEPTH_MAX) {
		fail(a, "nested too deeply");
		return 0;
	}
	x = unary_op(a, eval);
	a->depth--;
	return x;
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

static long mul(struct arith *a, int eval)
{
	long x = unary(a, eval);

	for (;;) {
		if (match(a, "*"))
			x = (long)((unsigned long)x * (unsigned long)unary(a, eval));
		else if (match(a, "/"))
			x = divide(a, x, unary(a, eval), 0, eval);
		else if (match(a, "%"))
			x = divide(a, x, unary(a, eval), 1, eval);
		else
			return x;
	}
}

static long add(struct arith *a, int eval)
{
	long x = mul(a, eval);

	for (;;) {
		if (match(a, "+"))
			x = (long)((unsigned long)x + (unsigned long)mul(a, eval));
		else if (match(a, "-"))
			x = (long)((unsigned long)x - (unsigned long)mul(a, eval));
		else
			return x;
	}
}

static long shift(struct arith *a, int eval)
{
	long x = add(a, eval);

	for (;;) {
		if (match(a, "<<"))
			x = (long)((unsigned long)x << (add(a, eval) & 63));
		else if (match(a, ">>"))
			x >>= add(a, eval) & 63;
		else
			return x;
	}
}

static long compare(struct arith *a, int eval)
{
	long x = shift(a, eval);

	for (;;) {
		if (match(a, "<="))
			x = x <= shift(a, eval);
		else if (match(a, ">="))
			x = x >= shift(a, eval);
		else if (match(a, "<"))
			x = x < shift(a, eval);
		else if (match(a, ">"))
			x = x > shift(a, eval);
		else
			return x;
	}
}

static long equality(struct arith *a, int eval)
{
	long x = compare(a, eval);

	for (;;) {
		if (match(a, "=="))
			x = x == compare(a, eval);
		else if (match(a, "!="))
			x = x != compare(a, eval);
		else
			return x;
	}
}

static long bitand_(struct arith *a, int eval)
{
	long x = equality(a, eval);

	while (match(a, "&"))
		x &= equality(a, eval);
	return x;
}

static long bitxor(struct arith *a, int eval)
{
	long x = bitand_(a, eval);

	while (match(a, "^"))
		x ^= bitand_(a, eval);
	return x;
}

static long bitor_(struct arith *a, int eval)
{
	long x = bitxor(a, eval);

	while (match(a, "|"))
		x |= bitxor(a, eval);
	return x;
}

static long logand(struct arith *a, int eval)
{
	long x = bitor_(a, eval);

	while (match(a, "&&")) {
		long y = bitor_(a, eval && x);
		x = x && y;
	}
	return x;
}

static long logor(struct arith *a, int eval)
{
	long x = logand(a, eval);

	while (match(a, "||")) {
		long y = logand(a, eval && !x);
		x = x || y;
	}
	return x;
}

static long ternary(struct arith *a, int eval)
{
	long c = logor(a, eval), x, y;

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

/* name op= expr, or a conditional expression */
static long expr(struct arith *a, int eval)
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
			if (var_set(a->sh, name, buf, 0) != 0)
				fail(a, "read-only variable");
			return v;
		}
	}
	a->s = start;
	return ternary(a, eval);
}

int arith_eval(struct shell *sh, const char *text, long *out)
{
	struct arith a = { sh, text, NULL, 0 };

	*out = expr(&a, 1);
	skip(&a);
	if (!a.err && *a.s)
		a.err = "syntax error";
	if (a.err) {
		sh_error(sh, "arithmetic: %s in '%s'", a.err, text);
		return -1;
	}
	return 0;
}
