/* read.c: the read builtin: a line of standard input split by IFS into variables, as dash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"

/* How a byte of the line came in, for the splitting. */
enum {
	READ_ESCAPED = 1, /* it followed a backslash: never a separator */
	READ_BREAK = 2,   /* a backslash-newline came just before it */
};

struct read_line {
	char *text;
	unsigned char *mark;
	size_t len, cap;
};

/* A field of the line: text[start..end). */
struct read_field {
	size_t start, end;
};

static void line_put(struct read_line *l, char c, unsigned char mark)
{
	if (l->len + 1 >= l->cap) {
		l->cap = l->cap ? l->cap * 2 : 128;
		l->text = realloc(l->text, l->cap);
		l->mark = realloc(l->mark, l->cap);
		if (!l->text || !l->mark)
			abort();
	}
	l->mark[l->len] = mark;
	l->text[l->len++] = c;
	l->text[l->len] = '\0';
}

/*
 * Read one line a byte at a time, so that what follows it stays in standard input for the
 * next command. NUL bytes are dropped; without @raw a backslash keeps the next byte from
 * being a separator and a backslash-newline joins lines. Returns: 0, or 1 at end of input.
 */
static int read_input(int raw, struct read_line *l)
{
	int backslash = 0;
	unsigned char pending = 0;
	ssize_t n;
	char c;

	line_put(l, '\0', 0);	/* an empty line is still a string */
	l->len = 0;
	for (;;) {
		n = read(0, &c, 1);
		if (n != 1)
			return 1;   /* also a trapped signal (EINTR): dash runs its trap and reads no more */
		if (c == '\0')
			continue;
		if (backslash) {
			backslash = 0;
			if (c == '\n') {
				pending = READ_BREAK;
				continue;
			}
			line_put(l, c, pending | READ_ESCAPED);
			pending = 0;
			continue;
		}
		if (!raw && c == '\\') {
			backslash = 1;
			continue;
		}
		if (c == '\n')
			return 0;
		line_put(l, c, pending);
		pending = 0;
	}
}

/*
 * Split @l into at most @nnames fields by @ifs, as dash's ifsbreakup does for read: IFS
 * whitespace around a separator and at either end does not count; the last field takes the
 * rest of the line less its trailing IFS whitespace, or less the one separator ending it
 * when only that follows the field. Returns: the number of fields in @f.
 */
static size_t split_line(const struct read_line *l, const char *ifs, size_t nnames,
			 struct read_field *f)
{
	size_t start = 0, cut = l->len, n = 0, left = nnames;
	int after_space = 0, cutting = 0;

	for (size_t i = 0; i < l->len; i++) {
		char c = l->text[i];
		int sep, space;

		if (l->mark[i] & READ_BREAK)
			after_space = 0;
		if (l->mark[i] & READ_ESCAPED) {
			after_space = 0;
			continue;
		}
		sep = strchr(ifs, c) != NULL;
		space = sep && strchr(" \t\n", c);
		if (!left) {
			/* inside the last field: where its trailing separators begin, if they do */
			if (space) {
				if (!cutting)
					cut = i, cutting = 1;
				continue;
			}
			if (!(sep && after_space))
				cutting = 0;
			after_space = 0;
			continue;
		}
		if (after_space) {
			/* a run of whitespace, and at most one other separator, is one separator */
			start = sep ? i + 1 : i;
			if (space)
				continue;
			sep = 0;
		}
		if (!sep) {
			after_space = 0;
			continue;
		}
		after_space = space;
		if (i == start && space) {
			start = i + 1;
			after_space = 0;
		} else if (!--left) {
			cut = i, cutting = 1;
		} else {
			f[n++] = (struct read_field){ start, i };
			start = i + 1;
		}
	}
	if (!cutting)
		cut = l->len;
	if (start < cut)
		f[n++] = (struct read_field){ start, cut };
	return n;
}

/* Set @names to the fields of @l; those past the last field get "". Returns: 0 or 2. */
static int read_assign(struct shell *sh, struct read_line *l, char **names, size_t nnames)
{
	const char *ifs = var_get(sh, "IFS");
	struct read_field *f = calloc(nnames, sizeof(*f));
	size_t n;
	int status = 0;

	if (!f)
		abort();
	n = split_line(l, ifs ? ifs : " \t\n", nnames, f);
	for (size_t i = 0; i < nnames; i++) {
		const char *name = names[i];

		if (i < n)
			l->text[f[i].end] = '\0';
		if (var_set(sh, name, i < n ? l->text + f[i].start : "", 0) < 0) {
			status = 2;   /* var_set said why */
			break;
		}
	}
	free(f);
	return status;
}

/* dash's options for read: -r, and -p PROMPT (in the same word or the next). */
static int read_options(struct shell *sh, char **argv, int *raw, const char **prompt)
{
	int i = 1;

	for (; argv[i] && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		for (const char *c = argv[i] + 1; *c; c++) {
			if (*c == 'r') {
				*raw = 1;
			} else if (*c == 'p') {
				if (!c[1] && !argv[i + 1]) {
					sh_error(sh, "read: No arg for -p option");
					return -1;
				}
				*prompt = c[1] ? c + 1 : argv[++i];
				break;
			} else {
				sh_error(sh, "read: Illegal option -%c", *c);
				return -1;
			}
		}
	}
	return i;
}

int b_read(struct shell *sh, int argc, char **argv)
{
	struct read_line line = { 0 };
	const char *prompt = NULL;
	int raw = 0, first, status;

	first = read_options(sh, argv, &raw, &prompt);
	if (first < 0)
		return 2;
	/* as dash, the prompt is for a person at a terminal only */
	if (prompt && isatty(0)) {
		fflush(stdout);
		fputs(prompt, stderr);
		fflush(stderr);
	}
	if (first >= argc) {
		sh_error(sh, "read: arg count");
		return 2;
	}
	status = read_input(raw, &line);
	if (read_assign(sh, &line, argv + first, (size_t)(argc - first)) != 0)
		status = 2;
	free(line.text);
	free(line.mark);
	return status;
}
