/* test.c: the test and [ builtins. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include <sys/stat.h>

struct test {
	struct shell *sh;
	char **a;
	int n, i;
	int bad;
};

static int file_test(char op, const char *path)
{
	struct stat st;

	if (op == 'h' || op == 'L')
		return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	if (op == 't')
		return isatty(atoi(path));
	if (stat(path, &st) != 0)
		return 0;
	switch (op) {
	case 'e': return 1;
	case 'f': return S_ISREG(st.st_mode);
	case 'd': return S_ISDIR(st.st_mode);
	case 'p': return S_ISFIFO(st.st_mode);
	case 'S': return S_ISSOCK(st.st_mode);
	case 'b': return S_ISBLK(st.st_mode);
	case 'c': return S_ISCHR(st.st_mode);
	case 's': return st.st_size > 0;
	case 'r': return access(path, R_OK) == 0;
	case 'w': return access(path, W_OK) == 0;
	case 'x': return access(path, X_OK) == 0;
	}
	return 0;
}

static long test_num(struct test *t, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	while (*end == ' ')
		end++;
	if (!*s || *end) {
		sh_error(t->sh, "test: %s: integer expected", s);
		t->bad = 1;
	}
	return v;
}

static int binary(struct test *t, const char *l, const char *op, const char *r)
{
	static const char *const nums[] = { "-eq", "-ne", "-lt", "-le", "-gt", "-ge" };

	if (!strcmp(op, "=") || !strcmp(op, "=="))
		return strcmp(l, r) == 0;
	if (!strcmp(op, "!="))
		return strcmp(l, r) != 0;
	for (int k = 0; k < 6; k++) {
		if (strcmp(op, nums[k]) == 0) {
			long a = test_num(t, l), b = test_num(t, r);
			int res[] = { a == b, a != b, a < b, a <= b, a > b, a >= b };
			return res[k];
		}
	}
	sh_error(t->sh, "test: %s: unknown operator", op);
	t->bad = 1;
	return 0;
}

static int is_binop(const char *s)
{
	static const char *const ops[] = { "=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge" };

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (strcmp(s, ops[k]) == 0)
			return 1;
	return 0;
}

static int test_or(struct test *t);

static int test_primary(struct test *t)
{
	const char *a;

	if (t->i >= t->n) {
		t->bad = 1;
		return 0;
	}
	a = t->a[t->i];
	if (!strcmp(a, "!") && t->i + 1 < t->n) {
		t->i++;
		return !test_primary(t);
	}
	if (!strcmp(a, "(") && t->i + 2 < t->n) {
		int v;
		t->i++;
		v = test_or(t);
		if (t->i < t->n && !strcmp(t->a[t->i], ")"))
			t->i++;
		else
			t->bad = 1;
		return v;
	}
	if (t->i + 2 < t->n + 0 + 1 && t->i + 1 < t->n && is_binop(t->a[t->i + 1]) && t->i + 2 < t->n) {
		t->i += 3;
		return binary(t, a, t->a[t->i - 2], t->a[t->i - 1]);
	}
	if (a[0] == '-' && a[1] && !a[2] && t->i + 1 < t->n && strchr("efdpSbcsrwxhLtnz", a[1])) {
		const char *arg = t->a[t->i + 1];
		t->i += 2;
		if (a[1] == 'n')
			return *arg != '\0';
		if (a[1] == 'z')
			return *arg == '\0';
		return file_test(a[1], arg);
	}
	t->i++;
	return *a != '\0';
}

static int test_and(struct test *t)
{
	int v = test_primary(t);

	while (t->i < t->n && !strcmp(t->a[t->i], "-a")) {
		t->i++;
		v = test_primary(t) && v;
	}
	return v;
}

static int test_or(struct test *t)
{
	int v = test_and(t);

	while (t->i < t->n && !strcmp(t->a[t->i], "-o")) {
		t->i++;
		v = test_and(t) || v;
	}
	return v;
}

int b_test(struct shell *sh, int argc, char **argv)
{
	struct test t = { sh, argv + 1, argc - 1, 0, 0 };
	int v;

	if (strcmp(argv[0], "[") == 0) {
		if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
			sh_error(sh, "[: missing ]");
			return 2;
		}
		t.n--;
	}
	if (t.n == 0)
		return 1;
	v = test_or(&t);
	if (t.bad || t.i != t.n) {
		if (!t.bad)
			sh_error(sh, "test: unexpected argument '%s'", t.a[t.i]);
		return 2;
	}
	return !v;
}
