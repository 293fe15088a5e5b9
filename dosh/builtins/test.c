/* test.c: the test and [ builtins, with dash 0.5.12's parser and its answers. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.h"

/* What a word is to the parser: dash's token classes. */
enum test_token { T_EOI, T_OPERAND, T_NOT, T_AND, T_OR, T_LPAREN, T_RPAREN, T_UNARY, T_BINARY };

struct test_op {
	const char *text;
	enum test_token token;
};

static const struct test_op test_ops[] = {   /* sorted by text, for bsearch */
	{ "!", T_NOT }, { "!=", T_BINARY }, { "(", T_LPAREN }, { ")", T_RPAREN },
	{ "-G", T_UNARY }, { "-L", T_UNARY }, { "-O", T_UNARY }, { "-S", T_UNARY },
	{ "-a", T_AND }, { "-b", T_UNARY }, { "-c", T_UNARY }, { "-d", T_UNARY },
	{ "-e", T_UNARY }, { "-ef", T_BINARY }, { "-eq", T_BINARY }, { "-f", T_UNARY },
	{ "-g", T_UNARY }, { "-ge", T_BINARY }, { "-gt", T_BINARY }, { "-h", T_UNARY },
	{ "-k", T_UNARY }, { "-le", T_BINARY }, { "-lt", T_BINARY }, { "-n", T_UNARY },
	{ "-ne", T_BINARY }, { "-nt", T_BINARY }, { "-o", T_OR }, { "-ot", T_BINARY },
	{ "-p", T_UNARY }, { "-r", T_UNARY }, { "-s", T_UNARY }, { "-t", T_UNARY },
	{ "-u", T_UNARY }, { "-w", T_UNARY }, { "-x", T_UNARY }, { "-z", T_UNARY },
	{ "<", T_BINARY }, { "=", T_BINARY }, { ">", T_BINARY },
};

struct test {
	struct shell *sh;
	const char *name;               /* "test" or "[", for messages */
	char **arg;
	int n;
	int pos;                        /* the word being looked at */
	const struct test_op *op;       /* what the last look made of its word, or NULL */
	int failed;                     /* a syntax error or bad number: status 2 */
};

static const char *word(const struct test *t, int i)
{
	return i < t->n ? t->arg[i] : NULL;
}

static int by_text(const void *key, const void *op)
{
	return strcmp(key, ((const struct test_op *)op)->text);
}

static const struct test_op *find_op(const char *s)
{
	if (!s[0] || !strchr("-=!<>()", s[0]) || strnlen(s, 4) > 3)
		return NULL;   /* most words: no operator begins so, or none is that long */
	return bsearch(s, test_ops, sizeof(test_ops) / sizeof(test_ops[0]), sizeof(test_ops[0]),
		       by_text);
}

/* Only the first error counts, as dash's would have ended the command there. */
static void test_error(struct test *t, const char *what, const char *msg)
{
	if (t->failed++)
		return;
	if (what && *what)
		sh_error(t->sh, "%s: %s: %s", t->name, what, msg);
	else
		sh_error(t->sh, "%s: %s", t->name, msg);
}

/* A unary operator followed by a binary one and a word is an operand itself. */
static int is_operand(const struct test *t, int i)
{
	const struct test_op *op;

	if (!word(t, i + 1))
		return 1;
	if (!word(t, i + 2))
		return 0;
	op = find_op(word(t, i + 1));
	return op && op->token == T_BINARY;
}

/* What word @i is, in its place (dash's t_lex); remembers the operator in t->op. */
static enum test_token lex(struct test *t, int i)
{
	const char *s = word(t, i);
	const struct test_op *op;

	t->op = NULL;
	if (!s)
		return T_EOI;
	op = find_op(s);
	if (!op || (op->token == T_UNARY && is_operand(t, i)) ||
	    (op->token == T_LPAREN && !word(t, i + 1)))
		return T_OPERAND;
	t->op = op;
	return op->token;
}

/* An integer operand: blanks around it allowed, base 10, within intmax_t. */
static intmax_t test_number(struct test *t, const char *s)
{
	char *end;
	intmax_t v;

	errno = 0;
	v = strtoimax(s, &end, 10);
	if (errno == 0 && end != s)
		while (isspace((unsigned char)*end))
			end++;
	if (errno || end == s || *end) {
		if (!t->failed++)
			sh_error(t->sh, "%s: Illegal number: %s", t->name, s);
		return 0;
	}
	return v;
}

static int file_test(char op, const char *path)
{
	struct stat st;

	if ((op == 'h' || op == 'L') ? lstat(path, &st) : stat(path, &st))
		return 0;
	switch (op) {
	case 'r': return faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) == 0;
	case 'w': return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
	case 'x': return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0;
	case 'f': return S_ISREG(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 'b': return S_ISBLK(st.st_mode);
	case 'p': return S_ISFIFO(st.st_mode);
	case 'S': return S_ISSOCK(st.st_mode);
	case 'h': case 'L': return S_ISLNK(st.st_mode);
	case 'u': return (st.st_mode & S_ISUID) != 0;
	case 'g': return (st.st_mode & S_ISGID) != 0;
	case 'k': return (st.st_mode & S_ISVTX) != 0;
	case 's': return st.st_size > 0;
	case 'O': return st.st_uid == geteuid();
	case 'G': return st.st_gid == getegid();
	}
	return 1;   /* -e */
}

static int unary(struct test *t, char op, const char *s)
{
	if (op == 'z')
		return *s == '\0';
	if (op == 'n')
		return *s != '\0';
	if (op == 't')
		return isatty((int)test_number(t, s));
	return file_test(op, s);
}

/* -nt and -ot: by modification time to the nanosecond; a missing file is neither. */
static int newer(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return 0;
	if (sa.st_mtim.tv_sec != sb.st_mtim.tv_sec)
		return sa.st_mtim.tv_sec > sb.st_mtim.tv_sec;
	return sa.st_mtim.tv_nsec > sb.st_mtim.tv_nsec;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int compare(struct test *t, const char *l, const char *op, const char *r)
{
	static const char *const nums[] = { "-eq", "-ne", "-lt", "-le", "-gt", "-ge" };
	int k;

	if (op[0] != '-') {
		int c = strcmp(l, r);
		return op[0] == '=' ? c == 0 : op[0] == '!' ? c != 0 : op[0] == '<' ? c < 0 : c > 0;
	}
	if (!strcmp(op, "-nt"))
		return newer(l, r);
	if (!strcmp(op, "-ot"))
		return newer(r, l);
	if (!strcmp(op, "-ef"))
		return same_file(l, r);
	for (k = 0; strcmp(op, nums[k]) != 0; k++)
		;
	intmax_t a = test_number(t, l), b = test_number(t, r);
	int res[] = { a == b, a != b, a < b, a <= b, a > b, a >= b };
	return res[k];
}

/* Word t->pos, the operator after it and the word after that. */
static int binary(struct test *t)
{
	const char *l = word(t, t->pos), *r;
	const struct test_op *op;

	lex(t, ++t->pos);
	op = t->op;
	if (!(r = word(t, ++t->pos))) {
		test_error(t, op->text, "argument expected");
		return 0;
	}
	return compare(t, l, op->text, r);
}

static int or_expr(struct test *t, enum test_token tok);

static int primary(struct test *t, enum test_token tok)
{
	const struct test_op *op;
	int res;

	if (tok == T_EOI)
		return 0;       /* a missing expression is false */
	if (tok == T_LPAREN) {
		if ((tok = lex(t, ++t->pos)) == T_RPAREN)
			return 0;
		res = or_expr(t, tok);
		if (lex(t, ++t->pos) != T_RPAREN)
			test_error(t, NULL, "closing paren expected");
		return res;
	}
	if (t->op && t->op->token == T_UNARY) {
		op = t->op;
		if (!word(t, ++t->pos)) {
			test_error(t, op->text, "argument expected");
			return 0;
		}
		return unary(t, op->text[1], word(t, t->pos));
	}
	lex(t, t->pos + 1);
	if (t->op && t->op->token == T_BINARY)
		return binary(t);
	return *word(t, t->pos) != '\0';
}

static int not_expr(struct test *t, enum test_token tok)
{
	if (tok == T_NOT)
		return !not_expr(t, lex(t, ++t->pos));
	return primary(t, tok);
}

static int and_expr(struct test *t, enum test_token tok)
{
	int res = 1;

	for (;;) {
		if (!not_expr(t, tok))
			res = 0;
		if (lex(t, t->pos + 1) != T_AND)
			return res;
		tok = lex(t, t->pos += 2);
	}
}

static int or_expr(struct test *t, enum test_token tok)
{
	int res = 0;

	for (;;) {
		res |= and_expr(t, tok);
		if (lex(t, t->pos + 1) != T_OR)
			return res;
		tok = lex(t, t->pos += 2);
	}
}

/*
 * POSIX decides by the number of words first: three with a binary operator in
 * the middle compare; three or four inside ( ) lose them; a leading ! negates
 * the rest (as a reset, not a toggle: dash's "! ! ! a" is true).
 */
static int test_eval(struct test *t)
{
	const struct test_op *op;
	enum test_token tok;
	int res = 1;

	for (;;) {
		if (t->n < 1)
			return res;
		if (t->n == 3 && (op = find_op(t->arg[1])) && op->token == T_BINARY) {
			t->op = NULL;
			tok = T_OPERAND;
			break;
		}
		if ((t->n == 3 || t->n == 4) && !strcmp(t->arg[0], "(") &&
		    !strcmp(t->arg[t->n - 1], ")")) {
			t->arg++;
			t->n -= 2;
		} else if ((t->n == 3 || t->n == 4) && !strcmp(t->arg[0], "!")) {
			res = 0;
			t->arg++;
			t->n--;
			continue;
		}
		tok = lex(t, 0);
		break;
	}
	res ^= or_expr(t, tok);
	if (word(t, t->pos) && word(t, t->pos + 1))
		test_error(t, word(t, t->pos), "unexpected operator");
	return res;
}

int b_test(struct shell *sh, int argc, char **argv)
{
	struct test t = { sh, argv[0], argv + 1, argc - 1, 0, NULL, 0 };
	int res;

	if (argv[0][0] == '[') {
		if (argv[argc - 1][0] != ']') {
			test_error(&t, NULL, "missing ]");
			return 2;
		}
		t.n--;
	}
	res = test_eval(&t);
	return t.failed ? 2 : res;
}
