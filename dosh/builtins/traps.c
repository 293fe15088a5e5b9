/* traps.c: the builtins of traps and signals: trap, kill, and signal names. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "hostcall.h"
#include "jobs.h"
#include "pipejob.h"

static const struct { const char *name; int sig; } signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "WINCH", SIGWINCH },
	{ "EXIT", 0 },
};

int signal_number(const char *name)
{
	if (isdigit((unsigned char)name[0]))
		return atoi(name);
	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(name, signals[i].name) == 0)
			return signals[i].sig;
	return -1;
}

static int kill_one(struct shell *sh, const char *spec, int sig)
{
	enum job_where where;
	pid_t pid = job_pid(sh, spec, &where);
	struct job *j = spec[0] == '%' ? jobs_find(sh, atoi(spec + 1)) : NULL;
	int r;

	if (j && j->pipe) {   /* a pipeline: every stage, on either side */
		pipejob_signal(sh, j, sig);
		return 0;
	}
	if (pid <= 0 && spec[0] == '%') {
		sh_error(sh, "kill: %s: no such job", spec);
		return 1;
	}
	if (where == JOB_HOST) {
		r = sh->host ? hc_kill(sh->host, pid, sig) : -ESRCH;
	} else {
		r = kill(pid, sig) == 0 ? 0 : -errno;
	}
	if (r != 0) {
		sh_error(sh, "kill: %s: %s", spec, strerror(-r));
		return 1;
	}
	return 0;
}

int b_kill(struct shell *sh, int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		for (size_t k = 0; k + 1 < sizeof(signals) / sizeof(signals[0]); k++)
			printf("%s%c", signals[k].name, k + 2 < sizeof(signals) / sizeof(signals[0]) ? ' ' : '\n');
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		sig = signal_number(argv[2]);
		i = 3;
	} else if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		sig = signal_number(argv[1] + 1);
		i = 2;
	}
	if (sig < 0) {
		sh_error(sh, "kill: bad signal");
		return 2;
	}
	if (i >= argc) {
		sh_error(sh, "kill: usage: kill [-s SIGNAL | -SIGNAL] pid|%%job...");
		return 2;
	}
	for (; i < argc; i++)
		status |= kill_one(sh, argv[i], sig);
	return status;
}

int b_trap(struct shell *sh, int argc, char **argv)
{
	int i = 1;
	const char *action;

	if (argc == 1) {
		for (int s = 0; s < 65; s++)
			if (sh->traps[s])
				printf("trap -- '%s' %d\n", sh->traps[s], s);
		return 0;
	}
	action = argv[i++];
	if (i == argc && signal_number(action) >= 0) {   /* "trap SIG": reset */
		i--;
		action = "-";
	}
	for (; i < argc; i++) {
		int sig = signal_number(argv[i]);
		if (sig < 0 || sig > 64) {
			sh_error(sh, "trap: %s: bad signal", argv[i]);
			return 1;
		}
		free(sh->traps[sig]);
		sh->traps[sig] = strcmp(action, "-") == 0 ? NULL : strdup(action);
		if (sig > 0)
			traps_install(sh, sig);
	}
	return 0;
}

