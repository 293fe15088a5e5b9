/* builtins_io.c: the builtins that read, write and test: echo, printf, read, test and [. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins.h"

/* ---- echo: -n, and backslash escapes as dash has them ---- */

/* One escape at *@p (after the backslash). Returns: 0, or 1 for \c (stop output). */
static int put_escape(const char **p, FILE *out)
{
	static const char from[] = "abfnrtv\\", to[] = "\a\b\f\n\r\t\v\\";
	const char *e = strchr(from, **p);
	int v = 0, n = 0;

	if (**p == 'c')
		return 1;
	if (e && **p) {
		fputc(to[e - from], out);
		(*p)++;
		return 0;
	}
	if (**p == '0') {
		(*p)++;
		while (n < 3 && **p >= '0' && **p <= '7')
			v = v * 8 + (*(*p)++ - '0'), n++;
		fputc(v, out);
		return 0;
	}
	fputc('\\', out);
	return 0;
}

/* Print @s with escapes. Returns: 1 when \c ended the output. */
static int put_escaped(const char *s, FILE *out)
{
	while (*s) {
		if (*s == '\\' && s[1]) {
			s++;
			if (put_escape(&s, out))
				return 1;
		} else {
			fputc(*s++, out);
		}
	}
	return 0;
}

int b_echo(struct shell *sh, int argc, char **argv)
{
	int i = 1, newline = 1;

	(void)sh;
	if (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	for (; i < argc; i++) {
		if (put_escaped(argv[i], stdout))
			return 0;
		if (i + 1 < argc)
			fputc(' ', stdout);
	}
	if (newline)
		fputc('\n', stdout);
	return ferror(stdout) ? 1 : 0;
}

/* ---- printf ---- */

static long num_arg(struct shell *sh, const char *s, int *bad)
{
	char *end;
	long v;

	if (s[0] == '\'' || s[0] == '"')
		return (unsigned char)s[1];
	errno = 0;
	v = strtol(s, &end, 0);
	if (*s && (*end || errno)) {
		sh_error(sh, "printf: %s: invalid number", s);
		*bad = 1;
	}
	return v;
}

/*
 * One conversion: @spec is "%[flags][width][.prec]" and @conv its letter. The
 * format is built here from characters printf_once() checked, so it is safe.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void convert(struct shell *sh, const char *spec, char conv, const char *arg, int *bad)
{
	char fmt[64];

	if (conv == 'b') {
		put_escaped(arg, stdout);
		return;
	}
	if (conv == 's') {
		snprintf(fmt, sizeof(fmt), "%ss", spec);
		printf(fmt, arg);
	} else if (conv == 'c') {
		snprintf(fmt, sizeof(fmt), "%sc", spec);
		printf(fmt, arg[0]);
	} else if (strchr("diouxX", conv)) {
		snprintf(fmt, sizeof(fmt), "%sl%c", spec, conv);
		printf(fmt, num_arg(sh, arg, bad));
	}
}
#pragma GCC diagnostic pop

/* Print @format once, taking arguments from @args. Returns: how many it took. */
static int printf_once(struct shell *sh, const char *f, int argc, char **args, int *bad)
{
	int used = 0;

	while (*f) {
		char spec[48];
		size_t n = 0;
		if (*f == '\\') {
			f++;
			if (put_escape(&f, stdout))
				return -1;
			continue;
		}
		if (*f != '%') {
			fputc(*f++, stdout);
			continue;
		}
		if (f[1] == '%') {
			fputc('%', stdout);
			f += 2;
			continue;
		}
		spec[n++] = *f++;
		while (*f && strchr("-+ #0123456789.", *f) && n + 1 < sizeof(spec))
			spec[n++] = *f++;
		spec[n] = '\0';
		if (!*f || !strchr("sbcdiouxX", *f)) {
			sh_error(sh, "printf: %%%c: invalid directive", *f ? *f : ' ');
			*bad = 1;
			return used;
		}
		convert(sh, spec, *f++, used < argc ? args[used] : "", bad);
		used += used < argc;
	}
	return used;
}

int b_printf(struct shell *sh, int argc, char **argv)
{
	int bad = 0, i = 2, used;

	if (argc < 2) {
		sh_error(sh, "printf: usage: printf format [arguments]");
		return 2;
	}
	do {
		used = printf_once(sh, argv[1], argc - i, argv + i, &bad);
		if (used <= 0)
			break;
		i += used;
	} while (i < argc);
	fflush(stdout);
	return bad;
}

/* ---- read ---- */

static int read_line(int raw, char **out)
{
	size_t len = 0, cap = 128;
	char *buf = malloc(cap), c;
	ssize_t n;
	int got = 0;

	if (!buf)
		abort();
	while ((n = read(0, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		got = 1;
		if (c == '\n')
			break;
		if (!raw && c == '\\') {
			if (read(0, &c, 1) != 1)
				break;
			if (c == '\n')
				continue;
		}
		if (len + 2 > cap && !(buf = realloc(buf, cap *= 2)))
			abort();
		buf[len++] = c;
	}
	buf[len] = '\0';
	*out = buf;
	return got && (n == 1 || len) ? 0 : 1;
}

static int is_ifs(const char *ifs, char c)
{
	return c && strchr(ifs, c) != NULL;
}

static int is_ifs_space(const char *ifs, char c)
{
	return is_ifs(ifs, c) && (c == ' ' || c == '\t' || c == '\n');
}

/* Assign the fields of @line to @names; the last name takes the rest. */
static void read_assign(struct shell *sh, char *line, int nnames, char **names)
{
	const char *ifs = var_get(sh, "IFS");
	char *p = line;

	if (!ifs)
		ifs = " \t\n";
	for (int i = 0; i < nnames; i++) {
		char *start, *end;
		while (is_ifs_space(ifs, *p))
			p++;
		start = p;
		if (i + 1 == nnames) {
			end = p + strlen(p);
			while (end > start && is_ifs_space(ifs, end[-1]))
				end--;
			*end = '\0';
			var_set(sh, names[i], start, 0);
			return;
		}
		while (*p && !is_ifs(ifs, *p))
			p++;
		end = p;
		if (*p) {
			p++;
			while (is_ifs_space(ifs, *p))
				p++;
		}
		*end = '\0';
		var_set(sh, names[i], start, 0);
	}
}

int b_read(struct shell *sh, int argc, char **argv)
{
	int raw = 0, i = 1, status;
	char *line, *reply[] = { (char *)"REPLY" };

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-r") == 0) {
			raw = 1;
		} else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			fputs(argv[++i], stderr);
		} else {
			sh_error(sh, "read: %s: unknown option", argv[i]);
			return 2;
		}
	}
	status = read_line(raw, &line);
	if (i < argc)
		read_assign(sh, line, argc - i, argv + i);
	else
		read_assign(sh, line, 1, reply);
	free(line);
	return status;
}

/* ---- test and [ ---- */

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
