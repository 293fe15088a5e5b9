/* host.c: the session with hostcalld (connect, reconnect), host builtins and host globbing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "glob.h"
#include "host.h"
#include "hostcall.h"
#include "hostglob.h"
#include "hostio.h"
#include "jobs.h"

struct hc_session *host_session(struct shell *sh)
{
	int r;

	if (sh->host)
		return sh->host;
	if (!sh->host_url || !*sh->host_url) {
		sh_error(sh, "no host configured: set DOSH_HOST=tcp://HOST:PORT and DOSH_KEY=FILE "
			     "(or use --host and --key)");
		return NULL;
	}
	r = hc_connect(sh->host_url, sh->host_key, &sh->host);
	if (r != 0) {
		sh->host = NULL;
		sh_error(sh, "cannot reach the host at %s: %s", sh->host_url,
			 r == -ENOKEY ? "no key: set DOSH_KEY=FILE or use --key" :
			 *hc_connect_error() ? hc_connect_error() : strerror(-r));
		return NULL;
	}
	if (sh->host_lost) {
		sh_error(sh, "reconnected to %s: the host context (cwd, environment, jobs) was lost",
			 sh->host_url);
		sh->host_lost = 0;
	}
	return sh->host;
}

void host_note_failure(struct shell *sh, int err)
{
	if (err == -ECONNRESET || err == -EPIPE || err == -ETIMEDOUT || err == -ECONNREFUSED) {
		hc_disconnect(sh->host);
		sh->host = NULL;
		sh->host_lost = 1;
		sh_error(sh, "lost the connection to the host at %s", sh->host_url);
	}
}

void host_disconnect(struct shell *sh)
{
	hc_disconnect(sh->host);
	sh->host = NULL;
}

/* ---- host globbing: the host's directories, listed through the session ---- */

static int list_host(void *ctx, const char *dir, char ***names)
{
	struct shell *sh = ctx;

	return hc_readdir(sh->host, *dir ? dir : ".", names);
}

int hostglob_expand(struct shell *sh, const char *pattern, char ***out, int *n)
{
	if (!host_session(sh))
		return 0;
	return glob_expand(pattern, list_host, sh, out, n);
}

/* ---- host builtins: they act on the shadow itself ---- */

static int host_cd(struct shell *sh, struct hc_session *hs, int argc, char **argv)
{
	char home[4096];
	const char *dir = argc > 1 ? argv[1] : NULL;
	int r;

	if (!dir) {
		if ((r = hc_getenv(hs, "HOME", home, sizeof(home))) != 0) {
			sh_error(sh, "!cd: HOME not set on the host");
			return 1;
		}
		dir = home;
	}
	if ((r = hc_chdir(hs, dir)) != 0) {
		host_note_failure(sh, r);
		sh_error(sh, "!cd: %s: %s", dir, strerror(-r));
		return 1;
	}
	return 0;
}

static int host_pwd(struct shell *sh, struct hc_session *hs)
{
	char cwd[4096];
	int r = hc_getcwd(hs, cwd, sizeof(cwd));

	if (r != 0) {
		host_note_failure(sh, r);
		sh_error(sh, "!pwd: %s", strerror(-r));
		return 1;
	}
	printf("%s\n", cwd);
	fflush(stdout);
	return 0;
}

static int host_export(struct shell *sh, struct hc_session *hs, int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '='), value[32768];
		int r;
		if (eq) {
			*eq = '\0';
			r = hc_setenv(hs, argv[i], eq + 1, 1);
			*eq = '=';
		} else {
			/* export NAME: give it its current host value, or an empty one */
			r = hc_getenv(hs, argv[i], value, sizeof(value));
			r = r == -ENOENT ? hc_setenv(hs, argv[i], "", 1) : r;
		}
		if (r != 0) {
			host_note_failure(sh, r);
			sh_error(sh, "!export: %s: %s", argv[i], strerror(-r));
			status = 1;
		}
	}
	return status;
}

static int host_unset(struct shell *sh, struct hc_session *hs, int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		int r = hc_unsetenv(hs, argv[i]);
		if (r != 0) {
			host_note_failure(sh, r);
			sh_error(sh, "!unset: %s: %s", argv[i], strerror(-r));
			status = 1;
		}
	}
	return status;
}

static int is_host_builtin(const char *name)
{
	return !strcmp(name, "cd") || !strcmp(name, "pwd") || !strcmp(name, "export") ||
	       !strcmp(name, "unset");
}

static int run_host_builtin(struct shell *sh, struct node *n, int argc, char **argv)
{
	struct redir_save save = { .n = 0 };
	struct hc_session *hs = host_session(sh);
	int status;

	if (!hs)
		return 1;
	if (redirs_apply(sh, n->redirs, &save) != 0) {
		redirs_restore(&save);
		return 1;
	}
	if (!strcmp(argv[0], "cd"))
		status = host_cd(sh, hs, argc, argv);
	else if (!strcmp(argv[0], "pwd"))
		status = host_pwd(sh, hs);
	else if (!strcmp(argv[0], "export"))
		status = host_export(sh, hs, argc, argv);
	else
		status = host_unset(sh, hs, argc, argv);
	redirs_restore(&save);
	return status;
}

int host_exec_simple(struct shell *sh, struct node *n)
{
	char **argv;
	int argc, status;

	/* a builtin's name is known before expansion: it never needs the host to glob */
	if (is_host_builtin(n->simple.words.v[0])) {
		if ((argc = expand_words(sh, &n->simple.words, &argv, 0)) < 0)
			return 1;
		status = run_host_builtin(sh, n, argc, argv);
		strv_free(argv);
		return status;
	}
	return exec_pipeline(sh, &n, 1);
}

int host_is_lone_command(const struct node *n)
{
	return n->type == N_SIMPLE && n->simple.host && !is_host_builtin(n->simple.words.v[0]);
}

int host_exec_background(struct shell *sh, struct node *n)
{
	return pipeline_start_background(sh, n);
}
