/* output.c: the builtins that write: echo and printf. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

