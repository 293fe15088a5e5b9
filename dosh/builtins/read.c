/* read.c: the read builtin: lines split by IFS into variables. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"

/* One line of stdin; NUL bytes are dropped. Returns: 0, or 1 at end of input before a newline. */
static int read_line(int raw, char **out)
{
	size_t len = 0, cap = 128;
	char *buf = malloc(cap), c;
	ssize_t n;
	int newline = 0;

	if (!buf)
		abort();
	while ((n = read(0, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n < 0 || c == '\0')
			continue;
		if (c == '\n') {
			newline = 1;
			break;
		}
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
	return newline ? 0 : 1;
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
