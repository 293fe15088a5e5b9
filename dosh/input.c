/* input.c: reading commands a line at a time from stdin or the terminal, with prompts. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <editline/readline.h>

#include "builtins.h"
#include "exec.h"
#include "hostcall.h"
#include "input.h"
#include "host.h"
#include "jobs.h"

/* As dash, NUL bytes in the input are dropped ("a\0b" reads as "ab"). */
static void drop_nuls(char *text, size_t len)
{
	size_t k = 0;

	for (size_t i = 0; i < len; i++)
		if (text[i])
			text[k++] = text[i];
	text[k] = '\0';
}

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
	drop_nuls(text, len);
	return text;
}

/*
 * One line from fd 0. As dash, the input is read a block at a time, so a command
 * run from a piped script finds stdin already taken as far as the shell has read.
 */
static char *read_line(void)
{
	static char buf[8192];
	static size_t start, end;
	size_t len = 0, cap = 256;
	char *line = malloc(cap), c;
	ssize_t n;

	if (!line)
		abort();
	for (;;) {
		if (start == end) {
			while ((n = read(0, buf, sizeof(buf))) < 0 && errno == EINTR)
				;
			if (n <= 0)
				break;
			start = 0;
			end = (size_t)n;
		}
		if ((c = buf[start++]) == '\0')
			continue;   /* dropped, as dash */
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

static void prompt_to(struct shell *sh, int continuation, FILE *out)
{
	const char *ps = var_get(sh, continuation ? "PS2" : "PS1");

	if (!ps)
		ps = continuation ? "> " : "guest:\\w host:\\W \\$ ";
	for (; *ps; ps++) {
		if (*ps == '\\' && ps[1])
			prompt_escape(sh, *++ps, out);
		else
			fputc(*ps, out);
	}
}

void input_prompt(struct shell *sh, int continuation)
{
	prompt_to(sh, continuation, stderr);
	fflush(stderr);
}

/* ---- the terminal: line editing, history and completion through libedit ---- */

static char history_path[4096];

static void history_open(struct shell *sh)
{
	const char *file = var_get(sh, "HISTFILE"), *home = var_get(sh, "HOME");

	if (file)
		snprintf(history_path, sizeof(history_path), "%s", file);
	else if (home)
		snprintf(history_path, sizeof(history_path), "%s/.dosh_history", home);
	using_history();
	stifle_history(1000);
	if (history_path[0])
		read_history(history_path);
}

/*
 * The whole history, written beside the file and renamed over it: another dosh
 * starting meanwhile reads the old history or the new, never a file half written.
 * A symbolic link is written through, as before, so that it stays one.
 */
static void history_save(void)
{
	char tmp[sizeof(history_path) + 16];
	struct stat st;

	if (!history_path[0])
		return;
	if ((lstat(history_path, &st) == 0 && S_ISLNK(st.st_mode)) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.%ld", history_path, (long)getpid()) >= sizeof(tmp)) {
		write_history(history_path);
		return;
	}
	if (write_history(tmp) == 0 && rename(tmp, history_path) == 0)
		return;
	unlink(tmp);
}

/* ---- keys typed ahead ---- */

static struct shell *keyboard_owner;   /* whose typeahead the keyboard gives first */

void input_typeahead(struct shell *sh, const char *keys, size_t n)
{
	char *t = realloc(sh->typeahead, sh->ntypeahead + n);

	if (!t)
		abort();
	sh->typeahead = t;
	for (size_t i = 0; i < n; i++) {
		char c = keys[i];
		if (c == 0x03)   /* ^C: what came before was given up on */
			sh->ntypeahead = 0;
		else if (c != 0x04 && c != 0x1a && c != 0x1c)   /* no ^D, ^Z, ^\ for dosh itself */
			t[sh->ntypeahead++] = c;
	}
}

/*
 * libedit's keyboard: keys typed ahead first, exactly as typed, then the
 * terminal. A signal ends the line as libedit's own reader does, except a
 * window resize, which only changes the size.
 */
static int keyboard_getc(FILE *in)
{
	struct shell *sh = keyboard_owner;
	struct winsize before, now;
	unsigned char c;
	ssize_t n;

	if (sh && sh->ntypeahead) {
		c = (unsigned char)sh->typeahead[0];
		memmove(sh->typeahead, sh->typeahead + 1, --sh->ntypeahead);
		return c;
	}
	ioctl(fileno(in), TIOCGWINSZ, &before);
	while ((n = read(fileno(in), &c, 1)) < 0 && errno == EINTR) {
		if (ioctl(fileno(in), TIOCGWINSZ, &now) != 0 ||
		    (now.ws_row == before.ws_row && now.ws_col == before.ws_col))
			return EOF;
		before = now;
	}
	return n == 1 ? c : EOF;
}

static char *edit_line(struct shell *sh, int continuation)
{
	char *prompt = NULL, *line, *out;
	size_t len = 0;
	FILE *f = open_memstream(&prompt, &len);

	if (!f)
		return NULL;
	prompt_to(sh, continuation, f);
	fclose(f);
	errno = 0;
	line = readline(prompt);
	free(prompt);
	if (!line && errno == EINTR)
		return strdup("\n");   /* a signal, not the end of input */
	if (!line)
		return NULL;
	if (*line) {
		add_history(line);
		history_save();
	}
	out = malloc(strlen(line) + 2);
	if (!out)
		abort();
	sprintf(out, "%s\n", line);
	free(line);
	return out;
}

/* Job control: dosh leads its own process group and hands the terminal to jobs. */
static void take_terminal(struct shell *sh)
{
	pid_t pgid;

	sh->tty = fcntl(0, F_DUPFD_CLOEXEC, 10);
	if (sh->tty < 0)
		return;
	while (tcgetpgrp(sh->tty) != (pgid = getpgrp()))
		kill(-pgid, SIGTTIN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	setpgid(0, 0);
	sh->shell_pgid = getpid();
	tcsetpgrp(sh->tty, sh->shell_pgid);
	sh->jc = 1;
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

/* Aliases for the completeness probe: an alias may open a construct ("if true; then"). */
static const char *probe_alias(const char *name)
{
	return alias_value(sh_current, name);
}

/* Run the complete commands in @p; keep an incomplete tail. Returns: 1 when more is needed. */
static int run_pending(struct shell *sh, struct pending *p)
{
	int need_more = 0;

	/* exec_string stops at an incomplete tail without running it: detect that first */
	{
		struct arena *a = arena_new();
		struct parser *ps = parser_new(a, p->text, probe_alias);
		struct node *n;
		enum parse_status r;
		parser_more_may_follow(ps);
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

	int edit = sh->interactive && isatty(0);

	if (sh->interactive) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
	}
	if (edit) {
		take_terminal(sh);
		keyboard_owner = sh;
		rl_getc_function = keyboard_getc;   /* before anything makes libedit start */
		history_open(sh);
	}
	if (sh->interactive && sh->host_url)
		host_session(sh);   /* connect now, so the prompt can show the host cwd */
	for (;;) {
		if (sh->interactive) {
			jobs_reap(sh);
			if (!edit)
				input_prompt(sh, more);
		}
		line = edit ? edit_line(sh, more) : read_line();
		if (!line)
			break;
		append(&p, line);
		free(line);
		more = run_pending(sh, &p);
		if (sh->flow == FLOW_RETURN) {   /* return outside a function: the input ends */
			if (!sh->interactive)
				break;
			sh->flow = FLOW_NONE;
		}
	}
	if (more)
		sh->status = exec_string(sh, p.text, "stdin");   /* reports the unfinished command */
	free(p.text);
	if (sh->interactive)
		fputc('\n', stderr);
	return sh->status;
}
