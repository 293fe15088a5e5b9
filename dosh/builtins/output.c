/* output.c: the builtins that write: echo and printf, as dash 0.5.12 has them. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"

/* ---- backslash escapes ---- */

static int is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/*
 * The escape whose letter is at @p (just after a backslash), as printf's format
 * has them: \NNN octal (1 to 3 digits), \\ \a \b \e \f \n \r \t \v. Anything
 * else stands for a backslash of its own and @p is not consumed, so "\q" stays
 * "\q". Returns: where the text goes on; the byte in *@c.
 */
static const char *escape_value(const char *p, int *c)
{
	static const char from[] = "\\abefnrtv", to[] = "\\\a\b\033\f\n\r\t\v";
	const char *e;
	int v = 0, n = 0;

	if (is_octal(*p)) {
		while (n < 3 && is_octal(*p))
			v = v * 8 + (*p++ - '0'), n++;
		*c = v;
		return p;
	}
	if (*p && (e = strchr(from, *p))) {
		*c = to[e - from];
		return p + 1;
	}
	*c = '\\';
	return p;
}

/*
 * @s with the escapes of %b and echo into @out (strlen(@s) bytes are enough:
 * no escape is longer than its text): those of the format, except that an
 * octal constant may have a leading 0 before its three digits, and \c ends
 * all output. Returns: the length, NUL bytes included; *@stop set by \c.
 */
static size_t expand_escapes(const char *s, char *out, int *stop)
{
	size_t n = 0;
	int c;

	*stop = 0;
	while (*s) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		if (*++s == 'c') {
			*stop = 1;
			break;
		}
		if (*s == '0' && is_octal(s[1]))
			s++;
		s = escape_value(s, &c);
		out[n++] = (char)c;
	}
	return n;
}

/* An I/O error on stdout ends a builtin with status 1, as dash's flushall() does. */
static int output_status(struct shell *sh, const char *name, int status)
{
	fflush(stdout);
	if (!ferror(stdout))
		return status;
	clearerr(stdout);
	sh_error(sh, "%s: I/O error", name);
	return status | 1;
}

/* ---- echo: -n as the first argument only, escapes always ---- */

/* Print @s with its escapes. Returns: 1 when \c ended the output. */
static int echo_word(const char *s)
{
	char *buf = malloc(strlen(s) + 1);
	size_t n;
	int stop;

	if (!buf)
		return 1;
	n = expand_escapes(s, buf, &stop);
	fwrite(buf, 1, n, stdout);
	free(buf);
	return stop;
}

int b_echo(struct shell *sh, int argc, char **argv)
{
	int i = 1, newline = 1;

	clearerr(stdout);
	if (i < argc && strcmp(argv[i], "-n") == 0) {
		newline = 0;
		i++;
	}
	for (; i < argc; i++) {
		if (echo_word(argv[i]))
			return output_status(sh, "echo", 0);
		if (i + 1 < argc)
			fputc(' ', stdout);
	}
	if (newline)
		fputc('\n', stdout);
	return output_status(sh, "echo", 0);
}

/* ---- printf ---- */

struct printf_run {
	struct shell *sh;
	char **next, **end;     /* the arguments not yet taken */
	int status;             /* 1 once an argument was not a number */
};

/* One conversion: flags, width and precision (-1: none) and its letter. */
struct conversion {
	char flags[8];
	int width, prec;
	char conv;
};

static const char *next_arg(struct printf_run *r)
{
	return r->next < r->end ? *r->next++ : NULL;
}

/* A number argument ended at @end: dash's two warnings, or out of range. */
static void check_number(struct printf_run *r, const char *s, const char *end)
{
	if (*end) {
		sh_error(r->sh, "printf: %s: %s", s,
			 end == s ? "expected numeric value" : "not completely converted");
		r->status = 1;
	} else if (errno == ERANGE) {
		sh_error(r->sh, "printf: %s: %s", s, strerror(ERANGE));
		r->status = 1;
	}
}

/* 'c or "c: the value of the character c (0 when there is none). */
static int is_char_constant(const char *s)
{
	return s[0] == '\'' || s[0] == '"';
}

static intmax_t arg_int(struct printf_run *r)
{
	const char *s = next_arg(r);
	char *end;
	intmax_t v;

	if (!s)
		return 0;
	if (is_char_constant(s))
		return (unsigned char)s[1];
	errno = 0;
	v = strtoimax(s, &end, 0);
	check_number(r, s, end);
	return v;
}

static uintmax_t arg_uint(struct printf_run *r)
{
	const char *s = next_arg(r);
	char *end;
	uintmax_t v;

	if (!s)
		return 0;
	if (is_char_constant(s))
		return (unsigned char)s[1];
	errno = 0;
	v = strtoumax(s, &end, 0);
	check_number(r, s, end);
	return v;
}

static double arg_double(struct printf_run *r)
{
	const char *s = next_arg(r);
	char *end;
	double v;

	if (!s)
		return 0;
	if (is_char_constant(s))
		return (unsigned char)s[1];
	errno = 0;
	v = strtod(s, &end);
	check_number(r, s, end);
	return v;
}

/*
 * @len bytes of @s (NULs allowed) padded to the width, cut to the precision.
 * Returns: 0, or -1 where the C library's printf would fail (a field beyond INT_MAX).
 */
static int put_field(const struct conversion *c, const char *s, size_t len, int cut)
{
	int left = strchr(c->flags, '-') != NULL || c->width < 0;
	size_t width = c->width < 0 ? -(size_t)c->width : (size_t)c->width;
	size_t pad;

	if (cut && c->prec >= 0 && (size_t)c->prec < len)
		len = (size_t)c->prec;
	if (width > INT_MAX || len > INT_MAX)
		return -1;
	pad = width > len ? width - len : 0;
	for (; !left && pad; pad--)
		fputc(' ', stdout);
	fwrite(s, 1, len, stdout);
	for (; pad; pad--)
		fputc(' ', stdout);
	return 0;
}

/* A number argument, as the conversion letter wants it. */
struct number {
	intmax_t i;
	uintmax_t u;
	double d;
};

/*
 * @v through the C library's snprintf with the flags, width and precision the
 * user wrote (@fmt holds them, as * and .*). Returns: what snprintf returns.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static int format_number(char *buf, size_t room, const char *fmt, const struct conversion *c,
			 const struct number *v)
{
	int w = c->width, p = c->prec;

	if (strchr("di", c->conv))
		return p >= 0 ? snprintf(buf, room, fmt, w, p, v->i)
			      : snprintf(buf, room, fmt, w, v->i);
	if (strchr("ouxX", c->conv))
		return p >= 0 ? snprintf(buf, room, fmt, w, p, v->u)
			      : snprintf(buf, room, fmt, w, v->u);
	return p >= 0 ? snprintf(buf, room, fmt, w, p, v->d) : snprintf(buf, room, fmt, w, v->d);
}
#pragma GCC diagnostic pop

/* Returns: 0, or -1 when the C library could not format it (a field beyond INT_MAX). */
static int put_number(const struct conversion *c, const struct number *v)
{
	char fmt[32], small[128], *buf = small;
	int n;

	snprintf(fmt, sizeof(fmt), "%%%s*%s%s%c", c->flags, c->prec >= 0 ? ".*" : "",
		 strchr("diouxX", c->conv) ? "j" : "", c->conv);
	n = format_number(small, sizeof(small), fmt, c, v);
	if (n >= (int)sizeof(small)) {
		if (!(buf = malloc((size_t)n + 1)))
			return -1;
		n = format_number(buf, (size_t)n + 1, fmt, c, v);
	}
	if (n >= 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (buf != small)
		free(buf);
	return n < 0 ? -1 : 0;
}

/* %b: the argument with its escapes. Returns: 0, 1 when \c ended all output, 2 on error. */
static int put_escaped_arg(struct printf_run *r, const struct conversion *c)
{
	const char *s = next_arg(r);
	char *buf;
	size_t n;
	int stop;

	s = s ? s : "";
	if (!(buf = malloc(strlen(s) + 1)))
		return 2;
	n = expand_escapes(s, buf, &stop);
	if (put_field(c, buf, n, 1) != 0)
		stop = 2;
	free(buf);
	return stop;
}

/* Print one conversion. Returns: 0, 1 when \c stopped all output, 2 on error. */
static int convert(struct printf_run *r, struct conversion *c)
{
	struct number v = { 0, 0, 0 };
	const char *s;
	char ch;

	switch (c->conv) {
	case 'b':
		return put_escaped_arg(r, c);
	case 's':
		s = next_arg(r);
		s = s ? s : "";
		return put_field(c, s, strlen(s), 1) ? 2 : 0;
	case 'c':
		s = next_arg(r);
		ch = s ? s[0] : '\0';
		return put_field(c, &ch, 1, 0) ? 2 : 0;
	case 'd': case 'i':
		v.i = arg_int(r);
		break;
	case 'o': case 'u': case 'x': case 'X':
		v.u = arg_uint(r);
		break;
	default:
		v.d = arg_double(r);
	}
	return put_number(c, &v) ? 2 : 0;
}

/* A width or precision: written digits, or * for the next argument. */
static const char *field_number(struct printf_run *r, const char *f, int *v)
{
	if (*f == '*') {
		*v = (int)arg_int(r);
		return f + 1;
	}
	*v = 0;
	for (; *f >= '0' && *f <= '9'; f++)
		*v = *v > (INT_MAX - 9) / 10 ? INT_MAX : *v * 10 + (*f - '0');
	return f;
}

/*
 * The conversion at @f (just after its %). Returns: where the format goes on,
 * or NULL (with the message) when it is not one dash knows.
 */
static const char *parse_conversion(struct printf_run *r, const char *f, struct conversion *c)
{
	const char *start = f - 1, *flag;
	size_t n = strspn(f, "#-+ 0"), k = 0;

	for (flag = "#-+ 0"; *flag; flag++)     /* each once: the field stays short */
		if (memchr(f, *flag, n))
			c->flags[k++] = *flag;
	c->flags[k] = '\0';
	f = field_number(r, f + n, &c->width);
	c->prec = -1;
	if (*f == '.') {
		f = field_number(r, f + 1, &c->prec);
		if (c->prec < 0)
			c->prec = -1;
	}
	if (!*f) {
		sh_error(r->sh, "printf: missing format character");
		return NULL;
	}
	if (!strchr("bcsdiouxXaAeEfFgG", *f)) {
		sh_error(r->sh, "printf: %.*s: invalid directive", (int)(f - start + 1), start);
		return NULL;
	}
	c->conv = *f;
	return f + 1;
}

/* Print @f once. Returns: 0 to go on, 1 when \c stopped all output, 2 on error. */
static int printf_once(struct printf_run *r, const char *f)
{
	struct conversion c;
	int ch, done;

	while (*f) {
		if (*f == '\\') {
			f = escape_value(f + 1, &ch);
			fputc(ch, stdout);
		} else if (*f != '%') {
			fputc(*f++, stdout);
		} else if (f[1] == '%') {
			fputc('%', stdout);
			f += 2;
		} else {
			if (!(f = parse_conversion(r, f + 1, &c)))
				return 2;
			if ((done = convert(r, &c)) != 0) {
				if (done == 2)
					sh_error(r->sh, "printf: xvsnprintf failed");
				return done;
			}
		}
	}
	return 0;
}

int b_printf(struct shell *sh, int argc, char **argv)
{
	struct printf_run r = { sh, NULL, argv + argc, 0 };
	char **first;
	int i = 1, done;

	clearerr(stdout);
	if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		if (strcmp(argv[i], "--") != 0) {
			sh_error(sh, "printf: Illegal option -%c", argv[i][1]);
			return 2;
		}
		i++;
	}
	if (i >= argc) {
		sh_error(sh, "printf: usage: printf format [arg ...]");
		return 2;
	}
	first = r.next = argv + i + 1;
	/* The format is used again while it takes arguments and some are left. */
	do {
		done = printf_once(&r, argv[i]);
	} while (!done && r.next != first && r.next < r.end);
	if (done == 2) {
		fflush(stdout);
		clearerr(stdout);
		return 2;
	}
	return output_status(sh, "printf", r.status);
}
