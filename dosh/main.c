/* main.c: dosh's entry: options, then commands from -c, a script, stdin or the terminal. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builtins.h"
#include "exec.h"
#include "host.h"
#include "hostio.h"
#include "input.h"
#include "jobs.h"

extern char **environ;

struct shell *sh_current;

static const char *lookup_alias(const char *name)
{
	return alias_value(sh_current, name);
}

/* ---- running text ---- */

struct kept {
	struct arena *a;
	struct kept *next;
};

static struct kept *kept_trees;

static void keep_arena(struct arena *a)
{
	struct kept *k = malloc(sizeof(*k));

	if (!k)
		abort();
	k->a = a;
	k->next = kept_trees;
	kept_trees = k;
}

int exec_string(struct shell *sh, const char *text, const char *name)
{
	struct arena *a = arena_new();
	struct parser *p = parser_new(a, text, lookup_alias);
	int status = 0, keep = 0;
	enum parse_status r;
	struct node *n;
	int outer_keep = sh->keep_tree;   /* the command that ran us (eval, ., a trap) may define too */

	(void)name;
	while (!sh->exiting && sh->flow == FLOW_NONE) {
		size_t from = parser_offset(p);
		r = parse_next(p, &n);
		if (sh->opt_verbose)   /* set -v: the input as it is read */
			fprintf(stderr, "%.*s", (int)(parser_offset(p) - from), text + from);
		if (r == PARSE_EOF)
			break;
		if (r != PARSE_OK) {
			sh->lineno = parser_lineno(p);
			sh_error(sh, "%s", parser_error(p));
			status = 2;
			sh_raise(sh);    /* ends a non-interactive shell, unless 'command eval' catches it */
			break;
		}
		sh->keep_tree = 0;
		status = exec_node(sh, n);
		keep |= sh->keep_tree;
	}
	parser_free(p);
	if (keep)
		keep_arena(a);
	else
		arena_free(a);
	sh->keep_tree = outer_keep;
	return status;
}

/* The @n bytes just read after @len: NUL bytes dropped, as dash drops them. Returns: the length. */
static size_t drop_nuls(char *buf, size_t len, size_t n)
{
	size_t end = len + n;

	for (size_t i = len; i < end; i++)
		if (buf[i] != '\0')
			buf[len++] = buf[i];
	return len;
}

char *command_subst(struct shell *sh, const char *text)
{
	size_t len = 0, cap = 256;
	char *out = malloc(cap);
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (!out || pipe2(p, O_CLOEXEC) != 0)
		abort();
	jobs_note_fork(sh);
	pid = fork_child(sh);
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
		sh->cond = 0;   /* as dash: set -e holds inside $(...), even in a condition */
		sh_exit(sh, exec_string(sh, text, "$(...)"));
	}
	close(p[1]);
	while ((n = read(p[0], out + len, cap - len - 1)) > 0 || (n < 0 && errno == EINTR)) {
		if (n > 0 && (len = drop_nuls(out, len, (size_t)n)) + 1 >= cap &&
		    !(out = realloc(out, cap *= 2)))
			abort();
	}
	close(p[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;   /* no fork, no wait: waitpid(-1) would take a background job's status */
	sh->cmdsubst_status = pid < 0 ? 1 : status_of(st);   /* $? stays until the command ends */
	while (len > 0 && out[len - 1] == '\n')
		len--;
	out[len] = '\0';
	return out;
}

_Noreturn void sh_exit(struct shell *sh, int status)
{
	traps_run_exit(sh, status);
	fflush(stdout);
	fflush(stderr);
	if (hostio_finish_to(sh, sh->inherited_streams) != 0 && status == 0)   /* e.g. exec > !log */
		status = 1;
	if (sh->subshell)
		_exit(status);
	host_disconnect(sh);
	exit(status);
}

/* ---- start-up ---- */

static void usage(FILE *f)
{
	fputs("usage: dosh [--host URL] [--key FILE] [-eux] [-o pipefail]\n"
	      "            [-c COMMANDS [NAME [ARG...]] | SCRIPT [ARG...] | -s [ARG...]]\n"
	      "  --host URL   hostcalld to use for '!' commands (or DOSH_HOST)\n"
	      "  --key FILE   its key (or DOSH_KEY)\n"
	      "  -c           run COMMANDS; -s read commands from stdin; -i interactive\n", f);
}

struct start {
	int command;             /* -c: the first operand is the command text */
	int force_interactive;
	int read_stdin;          /* -s */
	char **args;             /* the operands: script or -c text, then $0 and arguments */
	int nargs;
};

static int parse_long(struct shell *sh, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (strcmp(a, "--help") == 0) {
		usage(stdout);
		exit(0);
	}
	if (strcmp(a, "--version") == 0) {
		printf("dosh 0.1 (hostcall protocol 1)\n");
		exit(0);
	}
	if ((strcmp(a, "--host") == 0 || strcmp(a, "--key") == 0) && *i + 1 < argc) {
		free(a[2] == 'h' ? sh->host_url : sh->host_key);
		if (a[2] == 'h')
			sh->host_url = strdup(argv[++*i]);
		else
			sh->host_key = strdup(argv[++*i]);
		return 0;
	}
	fprintf(stderr, "dosh: %s: unknown option\n", a);
	usage(stderr);
	return -1;
}

/* One option letter of -xyz (@on) or +xyz; -o takes the next argument. */
static int parse_letter(struct shell *sh, struct start *st, char c, int on, int argc, char **argv,
			int *i)
{
	char flag[3] = { on ? '-' : '+', c, '\0' };
	char *set_argv[4] = { (char *)"set", flag, NULL, NULL };

	switch (c) {
	case 'c':   /* +c too, as dash */
		st->command = 1;
		return 0;
	case 's':
		st->read_stdin = on;
		return 0;
	case 'i':
		st->force_interactive = on;
		return 0;
	case 'l':   /* a login shell: dash reads a profile then, dosh has none */
		return 0;
	case 'o':
		if (*i + 1 >= argc)
			return b_set(sh, 2, set_argv) == 0 ? 0 : -1;
		set_argv[2] = argv[++*i];
		return b_set(sh, 3, set_argv) == 0 ? 0 : -1;
	}
	return b_set(sh, 2, set_argv) == 0 ? 0 : -1;
}

/* Options as dash takes them: letters up to "-", "--" or an operand; -c, -s anywhere in them. */
static int parse_args(struct shell *sh, struct start *st, int argc, char **argv)
{
	int i = 1;

	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-") == 0 || strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] == '-' && a[1] == '-') {
			if (parse_long(sh, argc, argv, &i) != 0)
				return -1;
			continue;
		}
		if ((a[0] != '-' && a[0] != '+') || !a[1])
			break;
		for (const char *c = a + 1; *c; c++)
			if (parse_letter(sh, st, *c, a[0] == '-', argc, argv, &i) != 0)
				return -1;
	}
	st->args = argv + i;
	st->nargs = argc - i;
	if (st->nargs == 0 && st->command) {
		fputs("dosh: -c requires an argument\n", stderr);
		return -1;
	}
	if (st->nargs == 0)
		st->read_stdin = 1;
	return 0;
}

static void init_vars(struct shell *sh)
{
	const char *h = getenv("DOSH_HOST"), *k = getenv("DOSH_KEY");
	char ppid[24];

	var_import_environ(sh, environ);
	snprintf(ppid, sizeof(ppid), "%ld", (long)getppid());
	var_set(sh, "PPID", ppid, 0);   /* as dash: the parent at startup, not the environment's */
	dirs_init(sh);
	if (!var_get(sh, "PATH"))
		var_set(sh, "PATH", path_default, 0);
	var_set(sh, "IFS", " \t\n", 0);   /* never taken from the environment */
	var_set(sh, "OPTIND", "1", 0);
	if (!var_get(sh, "PS2"))
		var_set(sh, "PS2", "> ", 0);
	if (!var_get(sh, "PS4"))
		var_set(sh, "PS4", "+ ", 0);
	if (h && !sh->host_url)
		sh->host_url = strdup(h);
	if (k && !sh->host_key)
		sh->host_key = strdup(k);
}

static int run_script(struct shell *sh, const char *path)
{
	char *text = input_read_file(path);

	if (!text) {   /* as dash: status 2, "No such file" for a missing one */
		fprintf(stderr, "dosh: cannot open %s: %s\n", path,
			errno == ENOENT || errno == ENOTDIR ? "No such file" : strerror(errno));
		return 2;
	}
	sh->lineno_valid = 1;
	sh->status = exec_string(sh, text, path);
	free(text);
	return sh->status;
}

int main(int argc, char **argv)
{
	static struct shell shell;
	struct shell *sh = &shell;
	struct start st = { 0 };
	int status;

	traps_init();
	sh_current = sh;
	sh->pid = getpid();
	init_vars(sh);   /* before the options: -a exports none of the shell's own, as dash */
	if (parse_args(sh, &st, argc, argv) != 0)
		return 2;
	sh->arg0 = argv[0];
	sh->opt_stdin = st.read_stdin;
	if (st.command) {   /* -c TEXT [$0 [$1...]] */
		int nparams = st.nargs > 2 ? st.nargs - 2 : 0;

		if (st.nargs > 1)
			sh->arg0 = st.args[1];
		set_positional(sh, nparams, st.args + (st.nargs - nparams));
		sh->interactive = st.force_interactive;
		status = exec_string(sh, st.args[0], "-c");
	} else if (!st.read_stdin) {
		sh->arg0 = st.args[0];
		set_positional(sh, st.nargs - 1, st.args + 1);
		status = run_script(sh, st.args[0]);
	} else {
		set_positional(sh, st.nargs, st.args);
		sh->opt_stdin = 1;
		sh->interactive = st.force_interactive || (isatty(0) && isatty(2));
		status = input_loop(sh);
	}
	sh_exit(sh, status);
}
