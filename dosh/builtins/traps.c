/* traps.c: the builtins of traps and signals: trap, kill, and signal names as sh spells them. */
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

/*
 * The names sh (dash) knows on Linux. Its list has no STKFLT, so signal 16 is
 * only a number, as are 32 and 33, which the C library keeps for itself.
 */
static const struct { int sig; const char *name; } named[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" }, { SIGILL, "ILL" },
	{ SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" }, { SIGBUS, "BUS" }, { SIGFPE, "FPE" },
	{ SIGKILL, "KILL" }, { SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" }, { SIGCHLD, "CHLD" },
	{ SIGCONT, "CONT" }, { SIGSTOP, "STOP" }, { SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" },
	{ SIGTTOU, "TTOU" }, { SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" }, { SIGIO, "IO" },
	{ SIGPWR, "PWR" }, { SIGSYS, "SYS" },
};

const char *signal_name(int sig, char buf[SIGNAME_MAX])
{
	int half = (SIGRTMAX - SIGRTMIN) / 2;

	if (sig == 0)
		return "EXIT";
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].sig == sig)
			return named[i].name;
	if (sig == SIGRTMIN)
		snprintf(buf, SIGNAME_MAX, "RTMIN");
	else if (sig == SIGRTMAX)
		snprintf(buf, SIGNAME_MAX, "RTMAX");
	else if (sig > SIGRTMIN && sig <= SIGRTMIN + half)
		snprintf(buf, SIGNAME_MAX, "RTMIN+%d", sig - SIGRTMIN);
	else if (sig > SIGRTMIN && sig < SIGRTMAX)
		snprintf(buf, SIGNAME_MAX, "RTMAX-%d", SIGRTMAX - sig);
	else
		snprintf(buf, SIGNAME_MAX, "%d", sig);
	return buf;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* A signal number as sh reads one: digits only, converted as atoi does. Returns: -1 if not one. */
static int signal_decode_number(const char *s)
{
	int sig;

	if (!all_digits(s))
		return -1;
	sig = (int)strtol(s, NULL, 10);
	return sig >= 0 && sig < NTRAPS ? sig : -1;
}

int signal_decode(const char *s, int minsig)
{
	char buf[SIGNAME_MAX];
	int sig = signal_decode_number(s);

	if (sig >= 0)
		return sig;
	for (sig = minsig; sig < NTRAPS; sig++)   /* no SIG prefix, any case */
		if (strcasecmp(s, signal_name(sig, buf)) == 0)
			return sig;
	return -1;
}

static void list_traps(struct shell *sh)
{
	char buf[SIGNAME_MAX];

	for (int sig = 0; sig < NTRAPS; sig++) {
		if (!sh->traps[sig])
			continue;
		fputs("trap -- ", stdout);
		put_single_quoted(sh->traps[sig]);
		printf(" %s\n", signal_name(sig, buf));
	}
}

static void set_trap(struct shell *sh, int sig, const char *action)
{
	free(sh->traps[sig]);
	sh->traps[sig] = action ? strdup(action) : NULL;
	if (sig > 0)
		traps_install(sh, sig);
}

int b_trap(struct shell *sh, int argc, char **argv)
{
	int i = builtin_no_options(sh, argc, argv);
	const char *action = NULL;

	if (i < 0) {
		sh_raise(sh);   /* trap is special: its errors end a script, unless command runs it */
		return 2;
	}
	if (i == argc) {
		list_traps(sh);
		return 0;
	}
	/* one operand, or a first that is a signal number: reset those signals */
	if (i + 1 < argc && signal_decode_number(argv[i]) < 0)
		action = argv[i++];
	if (action && strcmp(action, "-") == 0)
		action = NULL;
	for (; i < argc; i++) {
		int sig = signal_decode(argv[i], 0);
		if (sig < 0) {
			sh_error(sh, "trap: %s: bad trap", argv[i]);
			return 1;
		}
		set_trap(sh, sig, action);
	}
	return 0;
}

/* ---- kill ---- */

static int kill_usage(struct shell *sh)
{
	sh_error(sh, "kill: Usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\n"
		 "kill -l [exitstatus]");
	return 2;
}

/* kill's options, -l and -s NAME, as sh's option parser reads them. Returns: the first operand, or -1. */
static int kill_options(struct shell *sh, int argc, char **argv, int *list, int *sig)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *p = argv[i] + 1, *arg;
		if (strcmp(p, "-") == 0)
			return i + 1;
		for (; *p; p++) {
			if (*p == 'l') {
				*list = 1;
				continue;
			}
			if (*p != 's') {
				sh_error(sh, "kill: Illegal option -%c", *p);
				return -1;
			}
			if (!(arg = p[1] ? p + 1 : argv[++i])) {
				sh_error(sh, "kill: No arg for -s option");
				return -1;
			}
			if ((*sig = signal_decode(arg, 1)) < 0) {
				sh_error(sh, "kill: invalid signal number or name: %s", arg);
				return -1;
			}
			break;
		}
	}
	return i;
}

/* kill -l [status]: every name, or the signal a number or an exit status names. */
static int kill_list(struct shell *sh, const char *arg)
{
	char buf[SIGNAME_MAX];
	int n;

	if (!arg) {
		puts("0");
		for (int sig = 1; sig < NTRAPS; sig++)
			puts(signal_name(sig, buf));
		return 0;
	}
	if (builtin_number(sh, "kill", arg, &n) != 0)
		return 2;
	if (n > 128)
		n -= 128;
	if (n <= 0 || n >= NTRAPS) {
		sh_error(sh, "kill: invalid signal number or exit status: %s", arg);
		return 2;
	}
	puts(signal_name(n, buf));
	return 0;
}

/* %job: its process group, as sh sends it (a job started without job control has none). */
static int kill_job(struct shell *sh, const char *spec, int sig)
{
	struct job *j = jobs_get(sh, "kill", spec, 0);
	int r;

	if (!j)
		return 2;
	if (j->pipe) {   /* a stopped pipeline: every stage, on either side */
		pipejob_signal(sh, j, sig);
		return 0;
	}
	if (j->where == JOB_HOST)
		r = sh->host ? hc_kill(sh->host, j->pid, sig) : -ESRCH;
	else
		r = kill(-(j->pgid ? j->pgid : j->pid), sig) == 0 ? 0 : -errno;
	if (r != 0) {
		sh_error(sh, "kill: %s", strerror(-r));
		return 1;
	}
	return 0;
}

static int kill_pid(struct shell *sh, const char *spec, int sig)
{
	enum job_where where = jobs_where(sh, spec);
	int n, r;

	if (builtin_number(sh, "kill", spec + (spec[0] == '-'), &n) != 0)
		return 2;
	if (spec[0] == '-')
		n = -n;
	if (where == JOB_HOST)
		r = sh->host ? hc_kill(sh->host, n, sig) : -ESRCH;
	else
		r = kill(n, sig) == 0 ? 0 : -errno;
	if (r != 0) {
		sh_error(sh, "kill: %s", strerror(-r));
		return 1;
	}
	return 0;
}

int b_kill(struct shell *sh, int argc, char **argv)
{
	int sig = -1, list = 0, i = 1, status = 0;

	if (argc <= 1)
		return kill_usage(sh);
	if (argv[1][0] == '-') {
		if ((sig = signal_decode(argv[1] + 1, 1)) >= 0)
			i = 2;
		else if ((i = kill_options(sh, argc, argv, &list, &sig)) < 0)
			return 2;
	}
	if (!list && sig < 0)
		sig = SIGTERM;
	if ((sig < 0 || i >= argc) != list)
		return kill_usage(sh);
	if (list)
		return kill_list(sh, argv[i]);
	for (; i < argc; i++) {
		int r = argv[i][0] == '%' ? kill_job(sh, argv[i], sig) : kill_pid(sh, argv[i], sig);
		if (r == 2)
			return 2;   /* a bad operand stops kill there, as an error does in sh */
		status |= r;
	}
	return status;
}
