/* pipejob.c: waiting for a pipeline of guest and host stages: Ctrl-C and Ctrl-Z across both worlds, fg and bg. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "host.h"
#include "input.h"
#include "jobs.h"
#include "pipejob.h"
#include "plumbing.h"

/* One wait for a host stage blocks this long at most: a signal is acted on this soon. */
#define HOST_WAIT_MS 100
/* How long quiet relays may hold the loop before the host stages are looked at. */
#define HOST_LOOK_MS 200

static volatile sig_atomic_t caught[NSIG];
static volatile sig_atomic_t from_terminal[NSIG];   /* sent by the tty (Ctrl-C), not by kill */

static void note_signal(int sig, siginfo_t *info, void *context)
{
	(void)context;
	caught[sig] = 1;
	if (info && info->si_code == SI_KERNEL)
		from_terminal[sig] = 1;
}

/* The signals dosh acts on while a pipeline runs: blocked except while it sleeps. */
static const int watched[] = { SIGINT, SIGQUIT, SIGTSTP, SIGCHLD };
#define NWATCHED ((int)(sizeof(watched) / sizeof(watched[0])))

struct signal_state {
	struct sigaction old[NWATCHED];
	sigset_t old_mask, sleep_mask;
};

static void catch_signals(const struct shell *sh, struct signal_state *ss)
{
	struct sigaction sa = { .sa_sigaction = note_signal, .sa_flags = SA_SIGINFO };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (int i = 0; i < NWATCHED; i++) {
		sigaction(watched[i], NULL, &ss->old[i]);
		if (watched[i] == SIGTSTP && !sh->jc)
			continue;   /* without job control a pipeline cannot become a stopped job */
		caught[watched[i]] = from_terminal[watched[i]] = 0;
		sigaction(watched[i], &sa, NULL);
		sigaddset(&block, watched[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &ss->old_mask);
	ss->sleep_mask = ss->old_mask;
	for (int i = 0; i < NWATCHED; i++)
		sigdelset(&ss->sleep_mask, watched[i]);
}

static void restore_signals(struct signal_state *ss)
{
	for (int i = 0; i < NWATCHED; i++)
		sigaction(watched[i], &ss->old[i], NULL);
	sigprocmask(SIG_SETMASK, &ss->old_mask, NULL);
}

/* Let signals that came meanwhile run their handlers, without waiting. */
static void let_signals_in(const struct signal_state *ss)
{
	struct timespec zero = { 0, 0 };

	ppoll(NULL, 0, &zero, &ss->sleep_mask);
}

static int taken(int sig)
{
	int was = caught[sig];

	caught[sig] = 0;
	return was;
}

/* ---- the stages ---- */

/*
 * One hostcall per host stage, the last stage first: were an upstream stage
 * signalled first, its death could reach the last one as end of file before
 * the signal did, and the pipeline would end with status 0 after Ctrl-C.
 */
static void signal_hosts(struct pipe_job *pj, int sig)
{
	struct hc_session *hs = plumbing_live(&pj->pl);

	for (int i = pj->n - 1; i >= 0 && hs; i--)
		if (pj->st[i].host && !pj->st[i].done && pj->st[i].pid > 0)
			hc_kill(hs, -pj->st[i].pid, sig);
}

static void signal_guests(struct pipe_job *pj, int sig)
{
	for (int i = 0; i < pj->n; i++) {
		if (!pj->st[i].host && !pj->st[i].done && pj->st[i].pid > 0) {
			if (pj->guest_pgid) {   /* with job control: their own group */
				kill(-pj->guest_pgid, sig);
				return;
			}
			kill(pj->st[i].pid, sig);
		}
	}
}

/* dosh has the terminal (it reads the keyboard, or the guest stages are done): its Ctrl-C is everyone's. */
static void signal_both(struct pipe_job *pj, int sig)
{
	signal_guests(pj, sig);   /* first: a host stage's end would reach them as end of file */
	signal_hosts(pj, sig);
}

static void mark_done(struct stage *s, int status)
{
	s->done = 1;
	s->stopped = 0;
	s->status = status;
}

/* Ctrl-Z reached some of the pipeline (or dosh): the whole of it stops. */
static void stop_all(struct pipe_job *pj)
{
	signal_hosts(pj, SIGTSTP);
	for (int i = 0; i < pj->n; i++)
		if (!pj->st[i].done)
			pj->st[i].stopped = 1;
	pj->stopped = 1;
}

static void guest_changed(struct pipe_job *pj, struct stage *s, int st)
{
	if (WIFSTOPPED(st)) {
		s->stopped = 1;
		stop_all(pj);
		return;
	}
	mark_done(s, status_of(st));
	/* the terminal's Ctrl-C went to the guest stages: the host ones get it too */
	if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGQUIT))
		signal_hosts(pj, WTERMSIG(st));
}

static void reap_guests(struct pipe_job *pj, int options)
{
	int opts = options | (pj->sh->jc ? WUNTRACED : 0), st;

	for (int i = 0; i < pj->n && !pj->stopped; i++) {
		struct stage *s = &pj->st[i];
		pid_t r;
		if (s->host || s->done)
			continue;
		if (s->pid <= 0) {
			mark_done(s, 1);
			continue;
		}
		while ((r = waitpid(s->pid, &st, opts)) < 0 && errno == EINTR)
			;
		if (r == s->pid)
			guest_changed(pj, s, st);
		else if (r < 0)
			mark_done(s, 127);
	}
}

static struct stage *running_stage(struct pipe_job *pj, int host)
{
	for (int i = 0; i < pj->n; i++)
		if (pj->st[i].host == host && !pj->st[i].done)
			return &pj->st[i];
	return NULL;
}

/*
 * The session died under the job: whatever still holds its streams (a host program its shadow
 * left behind), nothing will end them now. The guest stages are hung up and the relays stopped.
 */
static void session_gone(struct pipe_job *pj)
{
	pj->session_lost = 1;
	for (int i = 0; i < pj->n; i++)
		if (pj->st[i].host && !pj->st[i].done)
			mark_done(&pj->st[i], 1);
	signal_guests(pj, SIGHUP);
	signal_guests(pj, SIGCONT);
	for (int i = 0; i < pj->pl.relays.n; i++)
		if (!pj->pl.relays.r[i].done)
			relays_end(&pj->pl.relays.r[i]);
}

/* Wait a little for the first running host stage. */
static void wait_host(struct pipe_job *pj, struct stage *s)
{
	struct hc_session *hs = plumbing_live(&pj->pl);
	int st;
	pid_t r;

	if (!hs || s->pid <= 0) {
		mark_done(s, s->pid <= 0 ? 127 : 1);
		if (!hs)
			session_gone(pj);
		return;
	}
	r = hc_waitpid_timed(hs, s->pid, &st, 0, HOST_WAIT_MS);
	if (r < 0) {
		host_note_failure(pj->sh, r);
		mark_done(s, 1);
		if (pj->sh->host_lost)
			session_gone(pj);
	} else if (r > 0) {
		mark_done(s, status_of(st));
	}
}

static int finished(const struct pipe_job *pj)
{
	for (int i = 0; i < pj->n; i++)
		if (!pj->st[i].done)
			return 0;
	return !relays_outputs_pending(&pj->pl.relays);
}

/* The guest stages are done but host ones run on: dosh takes the terminal, and its Ctrl-C. */
static void take_terminal_back(struct pipe_job *pj)
{
	if (pj->sh->job_pgid && !running_stage(pj, 0))
		job_done_foreground(pj->sh);
}

/*
 * The terminal's Ctrl-C reached dosh: the stages get it too. One sent by kill
 * is dosh's alone, as it is sh's: its trap runs, or it ends dosh, once the
 * pipeline is done. Returns: SIGINT or SIGQUIT when dosh itself got one.
 */
static int take_interrupt(struct pipe_job *pj, int sig)
{
	int tty = from_terminal[sig];

	if (!taken(sig))
		return 0;
	from_terminal[sig] = 0;
	if (tty)
		signal_both(pj, sig);
	return sig;
}

/* Returns: SIGINT or SIGQUIT when dosh itself got one; *child: a SIGCHLD came. */
static int act_on_signals(struct pipe_job *pj, int *child)
{
	int got = take_interrupt(pj, SIGINT), quit = take_interrupt(pj, SIGQUIT);

	if (taken(SIGTSTP)) {
		signal_guests(pj, SIGTSTP);
		stop_all(pj);
	}
	*child |= taken(SIGCHLD);
	return quit ? quit : got;
}

/*
 * The pipeline is done: a signal dosh took meanwhile goes to its own handling
 * now, a trap's or the default one (without job control dosh shares the
 * terminal's Ctrl-C, and dies of it as sh does).
 */
static void pass_on(const struct signal_state *ss, int sig)
{
	for (int i = 0; i < NWATCHED; i++)
		if (watched[i] == sig && ss->old[i].sa_handler != SIG_IGN)
			raise(sig);
}

/* Has host stage @s ended, without waiting; is the session still there? */
static void look_at_host(struct pipe_job *pj, struct stage *s)
{
	struct hc_session *hs = plumbing_live(&pj->pl);
	int st;
	pid_t r = hs ? hc_waitpid(hs, s->pid, &st, WNOHANG) : -ECONNRESET;

	if (r < 0 && hs)
		host_note_failure(pj->sh, r);
	if (r < 0 && (!hs || pj->sh->host_lost))
		session_gone(pj);
	else if (r > 0)
		mark_done(s, status_of(st));
}

/* Sleep until bytes move, a guest stage changes, a host stage ends, or a signal comes. */
static void wait_for_something(struct pipe_job *pj, const struct signal_state *ss)
{
	struct stage *host = running_stage(pj, 1);

	if (relays_outputs_pending(&pj->pl.relays)) {
		/* streams a dead session's programs hold may never end: quiet ones, look at the host */
		if (relays_step(&pj->pl.relays, host ? HOST_LOOK_MS : -1, &ss->sleep_mask) == 0 && host)
			look_at_host(pj, host);
	} else if (host)
		wait_host(pj, host);
	else
		ppoll(NULL, 0, NULL, &ss->sleep_mask);
}

/*
 * The pipeline is over: the lines the keyboard relay sent that its host stage
 * never read come back from the stream, then what the relay still held, and
 * dosh's next command lines start with them, as a shell's own typeahead would.
 */
static void take_keyboard_back(struct pipe_job *pj)
{
	struct plumbing *pl = &pj->pl;
	struct relay *r = &pl->relays.r[pl->keyboard_relay];
	char unread[HC_PTY_UNREAD_MAX];
	ssize_t n;

	if (!pl->has_keyboard || !plumbing_live(pl))
		return;
	if (!r->done)
		shutdown(r->to, SHUT_WR);   /* the end of file the shadow reads up to */
	n = hc_stream_unread(pl->hs, pl->keyboard, unread, sizeof(unread));
	if (n > 0)
		input_typeahead(pj->sh, unread, (size_t)n);
	if (!r->done) {   /* what the relay read but could not send yet comes after */
		if (r->len)
			input_typeahead(pj->sh, r->buf + r->off, r->len);
		relays_end(r);
	}
	hc_close(pl->hs, pl->keyboard);
	pl->has_keyboard = 0;
}

/*
 * The last stage's status, or with pipefail the last failing one's; never 0 for a job whose
 * session died under it: a guest stage that ended well may only have had its input cut (in
 * TLS a stream ends with the shadow that pumps it).
 */
static int pipeline_status(const struct pipe_job *pj)
{
	int status = pj->st[pj->n - 1].status;

	if (pj->sh->opt_pipefail)
		for (int i = 0; i < pj->n; i++)
			if (pj->st[i].status != 0)
				status = pj->st[i].status;
	return status == 0 && pj->session_lost ? 1 : status;
}

int pipejob_foreground(struct pipe_job *pj)
{
	struct signal_state ss;
	int interrupted = 0, child = 0, sig;

	catch_signals(pj->sh, &ss);
	pj->stopped = 0;
	while (!finished(pj)) {
		/* signals first: a SIGCHLD taken here is for a child the reap below sees;
		 * one that comes after it stays blocked until the sleep, which it ends */
		let_signals_in(&ss);
		if ((sig = act_on_signals(pj, &child)) != 0)
			interrupted = sig;
		reap_guests(pj, WNOHANG);
		take_terminal_back(pj);
		if (pj->stopped || finished(pj))
			break;
		wait_for_something(pj, &ss);
	}
	restore_signals(&ss);
	job_done_foreground(pj->sh);
	if (!pj->stopped)
		take_keyboard_back(pj);
	if (child)
		pass_on(&ss, SIGCHLD);   /* for a CHLD trap */
	if (interrupted)
		pass_on(&ss, interrupted);
	if (pj->stopped)
		return 128 + SIGTSTP;
	if (pj->sh->jc && (interrupted == SIGINT || pipeline_status(pj) == 128 + SIGINT))
		fputc('\n', stderr);   /* the prompt on a line of its own after ^C */
	return pipeline_status(pj);
}

/* ---- as a job ---- */

static char *describe(const struct pipe_job *pj)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < pj->n; i++) {
		const struct node *n = pj->st[i].n;
		len += 4 + (n->type == N_SIMPLE && n->simple.words.n ? strlen(n->simple.words.v[0]) : 5);
	}
	if (!(s = calloc(1, len)))
		abort();
	for (int i = 0; i < pj->n; i++) {
		const struct node *n = pj->st[i].n;
		if (i)
			strcat(s, " | ");
		if (pj->st[i].host)
			strcat(s, "!");
		strcat(s, n->type == N_SIMPLE && n->simple.words.n ? n->simple.words.v[0] : "(...)");
	}
	return s;
}

void pipejob_make_job(struct shell *sh, struct pipe_job *pj)
{
	struct stage *last = &pj->st[pj->n - 1];
	struct job *j;

	j = jobs_add(sh, last->pid, JOB_GUEST, last->n);
	free(j->cmd);
	j->cmd = describe(pj);
	j->pipe = pj;
	j->nprocs = pj->n;
	j->pgid = 0;
	pj->host_streams = hostio_detach(sh, pj->mark);   /* finished when the job is */
	pj->mark = NULL;
	jobs_set_stopped(sh, j);
}

void pipejob_signal(struct shell *sh, struct job *j, int sig)
{
	struct pipe_job *pj = j->pipe;

	(void)sh;
	signal_hosts(pj, sig);
	signal_guests(pj, sig);
}

static void continue_stages(struct shell *sh, struct pipe_job *pj, int foreground)
{
	for (int i = 0; i < pj->n; i++)
		pj->st[i].stopped = 0;
	if (foreground && sh->jc && pj->guest_pgid && running_stage(pj, 0) && !pj->pl.has_keyboard) {
		sh->job_pgid = pj->guest_pgid;
		tcsetpgrp(sh->tty, pj->guest_pgid);
	}
	signal_hosts(pj, SIGCONT);
	signal_guests(pj, SIGCONT);
	pj->stopped = 0;
}

/*
 * bg: the stages run on without dosh, so a forked process takes over the
 * output relays; the keyboard is not theirs any more (their input ends).
 */
static void relay_in_background(struct pipe_job *pj)
{
	struct relays *rs = &pj->pl.relays;
	pid_t pid;

	for (int i = 0; i < rs->n; i++)
		if (rs->r[i].input && !rs->r[i].done)
			relays_end(&rs->r[i]);
	if (!relays_outputs_pending(rs))
		return;
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		relays_close_others(rs);
		relays_run(rs, NULL, NULL);
		_exit(0);
	}
	if (pid > 0 && pj->pl.nbg < PLUMB_MAX)
		pj->pl.bg_relays[pj->pl.nbg++] = pid;
	for (int i = 0; i < rs->n; i++)
		rs->r[i].done = 1;   /* the relay process has them now */
}

int pipejob_continue(struct shell *sh, struct job *j, int foreground)
{
	struct pipe_job *pj = j->pipe;
	int status;

	j->stopped = 0;
	continue_stages(sh, pj, foreground);
	if (!foreground) {
		relay_in_background(pj);
		return 0;
	}
	status = pipejob_foreground(pj);
	return jobs_after_foreground(sh, j, pj->stopped, status);
}

int pipejob_wait(struct shell *sh, struct job *j, int options)
{
	struct pipe_job *pj = j->pipe;

	(void)sh;
	for (;;) {
		struct stage *host = running_stage(pj, 1);
		reap_guests(pj, options & WNOHANG);
		if (host && (options & WNOHANG)) {
			struct hc_session *hs = plumbing_live(&pj->pl);
			int st;
			pid_t r = hs ? hc_waitpid(hs, host->pid, &st, WNOHANG) : -ESRCH;
			if (r != 0)
				mark_done(host, r > 0 ? status_of(st) : 1);
		} else if (host) {
			wait_host(pj, host);
		}
		if (!running_stage(pj, 0) && !running_stage(pj, 1))
			break;
		if (options & WNOHANG)
			return -1;
	}
	return pipeline_status(pj);
}

void pipejob_free(void *state)
{
	struct pipe_job *pj = state;
	struct shell *sh;
	struct host_stream *saved;

	if (!pj)
		return;
	sh = pj->sh;
	saved = sh->host_streams;
	sh->host_streams = pj->host_streams;
	if (running_stage(pj, 0) || running_stage(pj, 1))
		hostio_forget(sh);   /* a subshell forgetting the job: nothing to wait for */
	pipejob_release(pj);
	sh->host_streams = saved;
}
