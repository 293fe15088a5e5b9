/* input.c: reading commands a line at a time from stdin or the terminal, with prompts. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "exec.h"
#include "hostcall.h"
#include "input.h"
#include "jobs.h"

char *input_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len = 0, cap = 4096;
	char *text;
	size_t n;

	if (!f)
		return NULL;
	if (!(text = malloc(cap)))
		abort();
	while ((n = fread(text + len, 1, cap - len - 1, f)) > 0)
		if ((len += n) + 1 >= cap && !(text = realloc(text, cap *= 2)))
			abort();
	text[len] = '\0';
	fclose(f);
	if (memchr(text, '\0', len)) {
		free(text);
		errno = EINVAL;   /* a binary file is not a script */
		return NULL;
	}
	return text;
}

/* One line from fd 0, byte by byte, so that commands see the rest of stdin. */
static char *read_line(void)
{
	size_t len = 0, cap = 256;
	char *line = malloc(cap), c;
	ssize_t n;

	if (!line)
		abort();
	while ((n = read(0, &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		if (len + 2 >= cap && !(line = realloc(line, cap *= 2)))
			abort();
		line[len++] = c;
		if (c == '\n')
			break;
	}
	if (len == 0) {
		free(line);
		return NULL;
	}
	line[len] = '\0';
	return line;
}

/* ---- prompts: \w guest cwd, \W host cwd, \u user, \h host name, \$ '#' or '$' ---- */

static void prompt_escape(struct shell *sh, char c, FILE *out)
{
	char buf[4096];

	switch (c) {
	case 'w':
		fputs(getcwd(buf, sizeof(buf)) ? buf : "?", out);
		break;
	case 'W':
		if (sh->host && hc_getcwd(sh->host, buf, sizeof(buf)) == 0)
			fputs(buf, out);
		else
			fputs(sh->host_url ? "?" : "-", out);
		break;
	case 'u':
		fputs(getenv("USER") ? getenv("USER") : "?", out);
		break;
	case 'h':
		fputs(gethostname(buf, sizeof(buf)) == 0 ? buf : "?", out);
		break;
	case '$':
		fputc(geteuid() == 0 ? '#' : '$', out);
		break;
	case 'n':
		fputc('\n', out);
		break;
	default:
		fputc('\\', out);
		fputc(c, out);
	}
}

void input_prompt(struct shell *sh, int continuation)
{
	const char *ps = var_get(sh, continuation ? "PS2" : "PS1");

	if (!ps)
		ps = continuation ? "> " : "guest:\\w host:\\W \\$ ";
	for (; *ps; ps++) {
		if (*ps == '\\' && ps[1])
			prompt_escape(sh, *++ps, stderr);
		else
			fputc(*ps, stderr);
	}
	fflush(stderr);
}

/* ---- the loop ---- */

struct pending {
	char *text;
	size_t len;
};

static void append(struct pending *p, const char *line)
{
	size_t n = strlen(line);
	char *t = realloc(p->text, p->len + n + 1);

	if (!t)
		abort();
	memcpy(t + p->len, line, n + 1);
	p->text = t;
	p->len += n;
}

/* Run the complete commands in @p; keep an incomplete tail. Returns: 1 when more is needed. */
static int run_pending(struct shell *sh, struct pending *p)
{
	int need_more = 0;

	/* exec_string stops at an incomplete tail without running it: detect that first */
	{
		struct arena *a = arena_new();
		struct parser *ps = parser_new(a, p->text, NULL);
		struct node *n;
		enum parse_status r;
		while ((r = parse_next(ps, &n)) == PARSE_OK)
			;
		need_more = r == PARSE_INCOMPLETE;
		parser_free(ps);
		arena_free(a);
	}
	if (need_more)
		return 1;
	sh->status = exec_string(sh, p->text, "stdin");
	free(p->text);
	p->text = NULL;
	p->len = 0;
	return 0;
}

int input_loop(struct shell *sh)
{
	struct pending p = { NULL, 0 };
	char *line;
	int more = 0;

	if (sh->interactive) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
	}
	for (;;) {
		if (sh->interactive) {
			jobs_reap(sh);
			input_prompt(sh, more);
		}
		if (!(line = read_line()))
			break;
		append(&p, line);
		free(line);
		more = run_pending(sh, &p);
	}
	if (more) {
		sh->subshell_eval = 0;
		sh->status = exec_string(sh, p.text, "stdin");   /* reports the unfinished command */
	}
	free(p.text);
	if (sh->interactive)
		fputc('\n', stderr);
	return sh->status;
}
