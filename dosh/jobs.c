/* jobs.c: background jobs on either side, the wait and jobs builtins' work, and trap delivery. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "builtins.h"
#include "exec.h"
#include "host.h"
#include "hostpty.h"
#include "hostcall.h"
#include "pipejob.h"
#include "jobs.h"

/* One wait for a host job blocks this long at most: a trapped signal is acted on this soon. */
#define HOST_WAIT_MS 100

/* sh puts a job's state at this column of the jobs listing, its command after it. */
#define JOBS_CMD_COLUMN 33

static volatile sig_atomic_t caught[NTRAPS];
static volatile sig_atomic_t any_caught;
static volatile sig_atomic_t last_caught;   /* the latest, but SIGCHLD: what wait returns 128+ of */
static volatile sig_atomic_t child_trapped;
static sigset_t ignored_at_entry;

/* ---- the job list, in the order of current jobs ---- */

static void unlink_job(struct shell *sh, struct job *j)
{
	for (struct job **pj = &sh->jobs; *pj; pj = &(*pj)->next) {
		if (*pj == j) {
			*pj = j->next;
			j->next = NULL;
			return;
		}
	}
}

/* A running job goes after the stopped ones: those stay the current jobs for fg. */
static void insert_running(struct shell *sh, struct job *j)
{
	struct job **pj = &sh->jobs;

	while (*pj && (*pj)->stopped)
		pj = &(*pj)->next;
	j->next = *pj;
	*pj = j;
}

static void insert_first(struct shell *sh, struct job *j)
{
	j->next = sh->jobs;
	sh->jobs = j;
}

static void job_free(struct job *j)
{
	if (j->pty)
		hostpty_free(NULL, j->pty);
	if (j->pipe)
		pipejob_free(j->pipe);
	for (int i = 0; i < j->nrelays; i++)
		waitpid(j->relays[i], NULL, 0);
	free(j->cmd);
	free(j);
}

void jobs_free(struct shell *sh, struct job *j)
{
	unlink_job(sh, j);
	job_free(j);
}

static struct job *find_id(struct shell *sh, int id)
{
	for (struct job *j = sh->jobs; j; j = j->next)
		if (j->id == id)
			return j;
	return NULL;
}

static int job_control(const struct shell *sh)
{
	return sh->jc && !sh->subshell;
}

/*
 * The lowest free number, as sh numbers jobs; without job control a job that
 * ended and that wait has reported gives its number up to the new one.
 */
static int free_id(struct shell *sh)
{
	for (int id = 1;; id++) {
		struct job *o = find_id(sh, id);
		if (!o)
			return id;
		if (o->done && o->waited && !job_control(sh)) {
			jobs_free(sh, o);
			return id;
		}
	}
}

void jobs_note_fork(struct shell *sh)
{
	free_id(sh);
}

/* A simple command's words, a pipeline's stages: what jobs shows under job control. */
static void describe(const struct node *n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (n->type == N_BG)
		n = n->sub.body;
	if (n->type == N_PIPE) {
		for (int i = 0; i < n->pipe.n; i++) {
			used = strlen(buf);
			snprintf(buf + used, len - used, "%s", i ? " | " : "");
			used = strlen(buf);
			describe(n->pipe.cmds[i], buf + used, len - used);
		}
		return;
	}
	if (n->type != N_SIMPLE) {
		snprintf(buf, len, "(...)");
		return;
	}
	for (int i = 0; i < n->simple.words.n && used + 1 < len; i++) {
		snprintf(buf + used, len - used, "%s%s", i ? " " : "", n->simple.words.v[i]);
		used = strlen(buf);
	}
}

static int count_procs(const struct node *n)
{
	if (n->type == N_BG)
		n = n->sub.body;
	return n->type == N_PIPE ? n->pipe.n : 1;
}

struct job *jobs_add(struct shell *sh, pid_t pid, enum job_where where, struct node *n)
{
	struct job *j = calloc(1, sizeof(*j));
	char text[256];

	if (!j)
		abort();
	j->id = free_id(sh);
	j->pid = pid;
	j->where = where;
	describe(n, text, sizeof(text));
	if (asprintf(&j->cmd, "%s%s", where == JOB_HOST ? "!" : "", text) < 0)
		abort();
	j->nprocs = count_procs(n);
	j->jobctl = job_control(sh);
	j->pgid = sh->job_pgid ? sh->job_pgid : pid;
	insert_running(sh, j);
	return j;
}

void jobs_say_started(const struct shell *sh, const struct job *j)
{
	if (sh->interactive)
		fprintf(stderr, "[%d] %d\n", j->id, (int)j->pid);
}

void jobs_forget(struct shell *sh)
{
	while (sh->jobs)
		jobs_free(sh, sh->jobs);
}

void jobs_say_stopped(const struct job *j)
{
	fprintf(stderr, "\n[%d] Stopped %s\n", j->id, j->cmd);
}

void jobs_set_stopped(struct shell *sh, struct job *j)
{
	j->stopped = 1;
	unlink_job(sh, j);
	insert_first(sh, j);
	jobs_say_stopped(j);
}

int jobs_after_foreground(struct shell *sh, struct job *j, int stopped, int status)
{
	if (stopped) {
		jobs_set_stopped(sh, j);
	} else {
		j->done = 1;
		j->status = status;
	}
	return status;
}

/* A job waited for was killed: sh names the signal on stderr, but Ctrl-C's and a broken pipe's. */
static void say_killed(int sig, int core)
{
	if (sig == 0 || sig == SIGINT || sig == SIGPIPE)
		return;
	fflush(stdout);
	fprintf(stderr, "%.32s%s\n", strsignal(sig), core ? " (core dumped)" : "");
}

int jobs_wait_foreground(struct shell *sh, pid_t pid, struct node *n)
{
	int st;
	pid_t pgid = sh->job_pgid;

	while (waitpid(pid, &st, job_control(sh) ? WUNTRACED : 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFSIGNALED(st))
		say_killed(WTERMSIG(st), WCOREDUMP(st));
	if (!job_control(sh))
		return status_of(st);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT)
		fputc('\n', stderr);   /* the prompt starts on a line of its own after ^C */
	if (WIFSTOPPED(st)) {
		struct job *j = jobs_add(sh, pid, JOB_GUEST, n);
		j->pgid = pgid ? pgid : pid;
		jobs_set_stopped(sh, j);
	}
	return status_of(st);
}

/* The job is lost: its side cannot say how it ended. */
static int note_lost(struct job *j)
{
	j->done = 1;
	j->stopped = 0;
	j->status = 127;
	return j->status;
}

/* The job ended with wait status @st. */
static void note_end(struct job *j, int st)
{
	j->done = 1;
	j->stopped = 0;
	j->status = status_of(st);
	j->termsig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	j->core = WIFSIGNALED(st) && WCOREDUMP(st);
}

int jobs_continue(struct shell *sh, struct job *j, int foreground)
{
	pid_t pgid = j->pgid ? j->pgid : j->pid;
	int st;

	if (!foreground) {   /* a background job is no longer a stopped one: after those */
		unlink_job(sh, j);
		j->stopped = 0;
		insert_running(sh, j);
	}
	if (j->where == JOB_HOST && j->pty && foreground) {
		int status = hostpty_resume(sh, j);
		if (j->done)
			jobs_free(sh, j);
		return status;
	}
	if (j->pipe) {
		int status = pipejob_continue(sh, j, foreground);
		if (j->done)
			jobs_free(sh, j);
		return status;
	}
	j->stopped = 0;
	if (j->where == JOB_HOST) {
		if (sh->host)
			hc_kill(sh->host, -pgid, SIGCONT);
		return foreground ? jobs_wait_one(sh, j) : 0;
	}
	if (foreground && sh->jc)
		tcsetpgrp(sh->tty, pgid);
	kill(-pgid, SIGCONT);
	if (!foreground)
		return 0;
	while (waitpid(j->pid, &st, WUNTRACED) < 0 && errno == EINTR)
		;
	if (sh->jc)
		tcsetpgrp(sh->tty, sh->shell_pgid);
	jobs_after_foreground(sh, j, WIFSTOPPED(st), status_of(st));
	if (j->done)
		jobs_free(sh, j);
	return status_of(st);
}

/* ---- naming jobs ---- */

/* Without job control sh keeps no command text: a job's name is empty. */
static const char *job_text(const struct job *j)
{
	return j->jobctl ? j->cmd : "";
}

/* %string, %?string: the one job whose command starts with (contains) it. */
static struct job *match_text(struct shell *sh, const char *cmd, const char *name)
{
	const char *p = name + 1;
	int anywhere = *p == '?';
	struct job *found = NULL;

	p += anywhere;
	for (struct job *j = sh->jobs; j; j = j->next) {
		const char *t = job_text(j);
		if (anywhere ? !strstr(t, p) : strncmp(t, p, strlen(p)) != 0)
			continue;
		if (found) {
			sh_error(sh, "%s: %s: ambiguous", cmd, name);
			return NULL;
		}
		found = j;
	}
	if (!found)
		sh_error(sh, "%s: No such job: %s", cmd, name);
	return found;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static struct job *lookup(struct shell *sh, const char *cmd, const char *name)
{
	struct job *j = sh->jobs;

	if (!name || !name[1] || (!name[2] && (name[1] == '+' || name[1] == '%'))) {
		if (!j)
			sh_error(sh, "%s: No current job", cmd);
		return j;
	}
	if (!name[2] && name[1] == '-') {
		if (!j || !j->next)
			sh_error(sh, "%s: No previous job", cmd);
		return j ? j->next : NULL;
	}
	if (all_digits(name + 1) && atoi(name + 1) > 0) {
		if (!(j = find_id(sh, atoi(name + 1))))
			sh_error(sh, "%s: No such job: %s", cmd, name);
		return j;
	}
	return match_text(sh, cmd, name);
}

struct job *jobs_get(struct shell *sh, const char *cmd, const char *name, int want_control)
{
	struct job *j;

	if (name && name[0] != '%') {
		sh_error(sh, "%s: No such job: %s", cmd, name);
		return NULL;
	}
	if (!(j = lookup(sh, cmd, name)))
		return NULL;
	if (want_control && !j->jobctl) {
		sh_error(sh, "%s: job %s not created under job control", cmd, name ? name : "(null)");
		return NULL;
	}
	return j;
}

struct job *jobs_by_pid(struct shell *sh, pid_t pid)
{
	for (struct job *j = sh->jobs; j; j = j->next)
		if (j->pid == pid)
			return j;
	return NULL;
}

enum job_where jobs_where(struct shell *sh, const char *spec)
{
	pid_t pid = (pid_t)atoi(spec);

	for (struct job *j = sh->jobs; j; j = j->next)
		if (j->pid == pid && j->where == JOB_HOST)
			return JOB_HOST;
	return JOB_GUEST;
}

/* ---- waiting ---- */

/* Reap @j if it has changed, without blocking on the host for long. Returns: its status, -1: running. */
static int poll_job(struct shell *sh, struct job *j)
{
	int st = 0, options = WNOHANG | (j->jobctl ? WUNTRACED : 0);
	pid_t r;

	if (j->done)
		return j->status;
	if (j->stopped)
		return -1;
	if (j->pipe) {
		if ((st = pipejob_wait(sh, j, WNOHANG)) < 0)
			return -1;
		j->done = 1;
		j->status = st;
		return st;
	}
	if (j->where == JOB_HOST) {
		if (!sh->host)
			return note_lost(j);
		if ((r = hc_waitpid(sh->host, j->pid, &st, WNOHANG)) < 0)
			host_note_failure(sh, r);
	} else {
		while ((r = waitpid(j->pid, &st, options)) < 0 && errno == EINTR)
			;
	}
	if (r == 0)
		return -1;
	if (r > 0 && WIFSTOPPED(st)) {
		j->stopped = 1;
		unlink_job(sh, j);
		insert_first(sh, j);
		return -1;
	}
	if (r < 0)
		return note_lost(j);
	note_end(j, st);
	return j->status;
}

/* As poll_job, for the job wait names: how it was killed is said. */
static int poll_target(struct shell *sh, struct job *j)
{
	int was_done = j->done, status = poll_job(sh, j);

	if (status >= 0 && !was_done && j->where == JOB_GUEST && !j->pipe)
		say_killed(j->termsig, j->core);
	return status;
}

static int running(const struct job *j)
{
	return !j->done && !j->stopped;
}

/* Every job, or @target, has ended or stopped. */
static int settled(struct shell *sh, struct job *target)
{
	int all = 1;

	if (target)
		return poll_target(sh, target) >= 0 || target->stopped;
	for (struct job *j = sh->jobs; j; j = j->next) {
		if (running(j))
			poll_job(sh, j);
		if (running(j))
			all = 0;
		else
			j->waited = 1;
	}
	return all;
}

/* The host job to sleep on, if a host job is what we wait for. */
static struct job *host_to_wait_on(struct shell *sh, struct job *target)
{
	for (struct job *j = target ? target : sh->jobs; j; j = target ? NULL : j->next)
		if (running(j) && (j->where == JOB_HOST || j->pipe))
			return j;
	return NULL;
}

/* While wait sleeps: a child's change ends the sleep; a CHLD trap still hears of it. */
static void on_child(int sig)
{
	(void)sig;
	if (child_trapped)
		caught[SIGCHLD] = any_caught = 1;
}

struct wait_state {
	sigset_t old_mask, sleep_mask;
	struct sigaction old_chld;
};

/* Trapped signals and SIGCHLD are let in only while wait sleeps: none is missed. */
static void wait_begin(struct shell *sh, struct wait_state *ws)
{
	struct sigaction sa = { .sa_handler = on_child };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	for (int sig = 1; sig < NTRAPS; sig++)
		if (sh->traps[sig] && *sh->traps[sig] && sig != SIGKILL && sig != SIGSTOP)
			sigaddset(&block, sig);
	sigprocmask(SIG_BLOCK, &block, &ws->old_mask);
	ws->sleep_mask = ws->old_mask;
	for (int sig = 1; sig < NTRAPS; sig++)
		if (sigismember(&block, sig) == 1)
			sigdelset(&ws->sleep_mask, sig);
	child_trapped = sh->traps[SIGCHLD] && *sh->traps[SIGCHLD];
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &ws->old_chld);
}

static void wait_end(struct wait_state *ws)
{
	sigaction(SIGCHLD, &ws->old_chld, NULL);
	sigprocmask(SIG_SETMASK, &ws->old_mask, NULL);
	child_trapped = 0;
}

static void wait_sleep(struct shell *sh, struct job *target, const struct wait_state *ws)
{
	struct job *h = host_to_wait_on(sh, target);
	struct timespec tick = { 0, HOST_WAIT_MS * 1000000L };
	int st;
	pid_t r;

	if (!h) {
		ppoll(NULL, 0, NULL, &ws->sleep_mask);
	} else if (h->pipe || !sh->host) {
		ppoll(NULL, 0, &tick, &ws->sleep_mask);
	} else if ((r = hc_waitpid_timed(sh->host, h->pid, &st, 0, HOST_WAIT_MS)) < 0) {
		host_note_failure(sh, r);
		note_lost(h);
	} else if (r > 0) {
		note_end(h, st);
	}
}

int jobs_wait(struct shell *sh, struct job *target, int *status)
{
	struct timespec zero = { 0, 0 };
	struct wait_state ws;
	int sig = 0;

	wait_begin(sh, &ws);
	for (;;) {
		ppoll(NULL, 0, &zero, &ws.sleep_mask);   /* what came meanwhile */
		if ((sig = last_caught) != 0 || settled(sh, target))
			break;
		wait_sleep(sh, target, &ws);
	}
	wait_end(&ws);
	if (sig)
		return sig;
	*status = 0;
	if (target) {
		target->waited = 1;
		*status = target->stopped ? 128 + SIGTSTP : target->status;
	}
	return 0;
}

int jobs_wait_one(struct shell *sh, struct job *j)
{
	int status = 0;

	while (jobs_wait(sh, j, &status) != 0)
		last_caught = 0;   /* fg's job: its end is what counts, the trap runs after */
	if (j->done)
		jobs_free(sh, j);
	return status;
}

/* ---- the jobs listing ---- */

static void state_text(const struct job *j, char *buf, size_t len)
{
	if (!j->done)
		snprintf(buf, len, "%s", j->stopped ? strsignal(SIGTSTP) : "Running");
	else if (j->termsig)
		snprintf(buf, len, "%.32s%s", strsignal(j->termsig), j->core ? " (core dumped)" : "");
	else if (j->status)
		snprintf(buf, len, "Done(%d)", j->status);
	else
		snprintf(buf, len, "Done");
}

static void pad_to_command(FILE *f, int col)
{
	fprintf(f, "%*s", col < JOBS_CMD_COLUMN ? JOBS_CMD_COLUMN - col : 1, "");
}

/* "[1] + Running    cmd", padded as sh pads it; with pids for -l. A job shown done is gone. */
void jobs_show(struct shell *sh, FILE *f, struct job *j, enum jobs_mode mode)
{
	pid_t pid = j->pgid ? j->pgid : j->pid;
	char state[64];
	int col, indent;

	if (mode == JOBS_PIDS) {
		fprintf(f, "%d\n", (int)pid);
		return;
	}
	state_text(j, state, sizeof(state));
	col = fprintf(f, "[%d] %c ", j->id, j == sh->jobs ? '+' : sh->jobs && j == sh->jobs->next ? '-' : ' ');
	indent = col;
	if (mode == JOBS_LONG)
		col += fprintf(f, "%d ", (int)pid);
	col += fprintf(f, "%s", state);
	pad_to_command(f, col);
	fputs(job_text(j), f);
	for (int i = 1; !j->jobctl && i < j->nprocs; i++) {   /* the text names every stage */
		if (mode == JOBS_LONG) {
			fprintf(f, " |\n%*s", indent, "");
			pad_to_command(f, indent + fprintf(f, "%d ", (int)pid));
		} else {
			fputs(" | ", f);
		}
	}
	fputc('\n', f);
	if (j->done)
		jobs_free(sh, j);
}

void jobs_print(struct shell *sh, enum jobs_mode mode)
{
	struct job *j, *next;

	for (j = sh->jobs; j; j = j->next)
		if (running(j))
			poll_job(sh, j);
	for (j = sh->jobs; j; j = next) {
		next = j->next;
		jobs_show(sh, stdout, j, mode);
	}
}

void jobs_reap(struct shell *sh)
{
	struct job *j = sh->jobs, *next;

	for (; j; j = next) {
		next = j->next;
		if (j->where == JOB_GUEST && poll_job(sh, j) >= 0 && sh->interactive)
			jobs_show(sh, stderr, j, JOBS_NORMAL);
	}
}

/* ---- traps ---- */

void traps_init(void)
{
	struct sigaction sa;

	sigemptyset(&ignored_at_entry);
	for (int sig = 1; sig < NTRAPS; sig++)
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			sigaddset(&ignored_at_entry, sig);
}

static void on_signal(int sig)
{
	if (sig <= 0 || sig >= NTRAPS)
		return;
	caught[sig] = 1;
	any_caught = 1;
	if (sig != SIGCHLD)
		last_caught = sig;
}

static int stop_signal(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/*
 * A signal ignored when a shell starts stays ignored, whatever trap says
 * (POSIX); the stop signals stay the job control's to set.
 */
static int ignored_for_good(const struct shell *sh, int sig)
{
	return sigismember(&ignored_at_entry, sig) == 1 && !(sh->jc && stop_signal(sig));
}

/* What a signal does with no trap: at the terminal dosh ignores Ctrl-C and the job control signals. */
static void (*untrapped(const struct shell *sh, int sig))(int)
{
	if (sh->interactive && (sig == SIGINT || sig == SIGQUIT))
		return SIG_IGN;
	if (job_control(sh) && stop_signal(sig))
		return SIG_IGN;
	return SIG_DFL;
}

int traps_any(const struct shell *sh)
{
	for (int sig = 0; sig < NTRAPS; sig++)
		if (sh->traps[sig] && *sh->traps[sig])
			return 1;
	return 0;
}

void traps_install(struct shell *sh, int sig)
{
	struct sigaction sa;

	if (ignored_for_good(sh, sig))
		return;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (!sh->traps[sig])
		sa.sa_handler = untrapped(sh, sig);
	else if (!*sh->traps[sig])
		sa.sa_handler = SIG_IGN;
	else
		sa.sa_handler = on_signal;   /* no SA_RESTART: wait and read see the signal */
	sigaction(sig, &sa, NULL);
}

void traps_reset_for_subshell(struct shell *sh)
{
	static const int own[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

	sh->subshell_trap_ran = 0;
	for (int sig = 0; sig < NTRAPS; sig++) {
		caught[sig] = 0;   /* the parent's to run */
		if (sh->traps[sig] && *sh->traps[sig]) {   /* a subshell keeps only ignores */
			free(sh->traps[sig]);
			sh->traps[sig] = NULL;
			if (sig > 0)
				traps_install(sh, sig);
		}
	}
	any_caught = last_caught = 0;
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		traps_install(sh, own[i]);
}

void traps_run_pending(struct shell *sh)
{
	int status;

	if (!any_caught || sh->exiting || sh->flow != FLOW_NONE)
		return;   /* a break or return on its way out: the traps run once it is done */
	any_caught = 0;
	last_caught = 0;
	if (sh->trap_depth++ == 0)
		sh->trap_status = sh->status;
	status = sh->trap_status;
	for (int sig = 1; sig < NTRAPS; sig++) {
		char *cmd;
		if (!caught[sig])
			continue;
		if (sh->exiting || sh->flow != FLOW_NONE) {
			any_caught = 1;
			break;
		}
		caught[sig] = 0;
		if (!sh->traps[sig] || !*sh->traps[sig])
			continue;
		cmd = strdup(sh->traps[sig]);
		exec_string(sh, cmd, "trap");
		free(cmd);
		if (sh->flow != FLOW_RETURN)   /* return in a trap is the function's status */
			sh->status = status;
	}
	sh->trap_depth--;
}

void traps_run_exit(struct shell *sh, int status)
{
	char *trap = sh->traps[0];

	if (!trap || sh->subshell_trap_ran)
		return;
	sh->subshell_trap_ran = 1;   /* an exit inside it leaves at once */
	sh->traps[0] = NULL;
	sh->exiting = 0;
	sh->flow = FLOW_NONE;
	sh->status = status;
	if (sh->trap_depth++ == 0)
		sh->trap_status = status;
	exec_string(sh, trap, "trap");
	sh->trap_depth--;
	free(trap);
}
