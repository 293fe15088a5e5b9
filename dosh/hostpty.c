/* hostpty.c: a host program at dosh's terminal: a host pty, raw mode, resizes, Ctrl-Z and fg. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "display.h"
#include "exec.h"
#include "host.h"
#include "hostcall.h"
#include "hostpty.h"
#include "input.h"
#include "jobs.h"

/* How often a running program is asked after: soon at first (most end at once), then calmly. */
#define TICK_FIRST_MS 5
#define TICK_MAX_MS 50
/* How long the keyboard's last bytes may take to reach the pty when the program ends. */
#define KEYBOARD_FLUSH_MS 1000

/* What a running (or stopped) host program on a pty needs, kept with its job. */
struct pty_job {
	struct shell *sh;
	struct hc_session *hs;
	hc_handle_t master, slave;   /* dosh holds the slave, to take back what was typed ahead */
	int in, out;            /* the keyboard and screen streams' guest ends */
	pid_t pid;
	int stopped, exited, status;
	struct relays relays;
};

static int live(const struct pty_job *pj)
{
	return pj->hs && pj->hs == pj->sh->host;
}

static void send_winsize(struct pty_job *pj)
{
	struct winsize ws;

	if (live(pj) && ioctl(pj->sh->tty, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		hc_pty_resize(pj->hs, pj->master, ws.ws_row, ws.ws_col);
}

static void on_signal(void *ctx, int sig)
{
	if (sig == SIGWINCH)
		send_winsize(ctx);
}

/* The keyboard relay's last bytes go to the pty (what cannot fit is dropped), then its pump closes. */
static void flush_keyboard(struct pty_job *pj)
{
	struct relay *kb = &pj->relays.r[0];
	struct pollfd p = { .fd = pj->in, .events = POLLIN };
	char c;

	if (kb->done)
		return;
	while (kb->len > 0) {
		ssize_t n = send(pj->in, kb->buf + kb->off, kb->len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		kb->off += (size_t)n;
		kb->len -= (size_t)n;
	}
	relays_end(kb);
	while (poll(&p, 1, KEYBOARD_FLUSH_MS) > 0 && read(pj->in, &c, 1) > 0)
		;
}

/*
 * The program is done: keys typed meanwhile that it did not read are taken
 * back from its pty for dosh's next command line; closing the slave then lets
 * the screen reach its end.
 */
static void take_back_typing(struct pty_job *pj)
{
	char buf[HC_PTY_UNREAD_MAX];
	ssize_t n;

	flush_keyboard(pj);
	if (!live(pj) || pj->slave < 0)
		return;
	n = hc_pty_unread(pj->hs, pj->slave, buf, sizeof(buf));
	if (n > 0)
		input_typeahead(pj->sh, buf, (size_t)n);
	hc_close(pj->hs, pj->slave);
	pj->slave = -1;
}

/* Every tick: has the program stopped (Ctrl-Z on its pty) or exited? */
static int tick(void *ctx)
{
	struct pty_job *pj = ctx;
	int st;
	pid_t r;

	if (!live(pj) || pj->exited)
		return 0;
	if (pj->relays.tick_ms < TICK_MAX_MS)
		pj->relays.tick_ms = pj->relays.tick_ms * 2 < TICK_MAX_MS ? pj->relays.tick_ms * 2 : TICK_MAX_MS;
	r = hc_waitpid(pj->hs, pj->pid, &st, WNOHANG | WUNTRACED);
	if (r < 0) {
		host_note_failure(pj->sh, r);
		return 1;
	}
	if (r == 0)
		return 0;
	if (WIFSTOPPED(st)) {
		pj->stopped = 1;
		return 1;
	}
	pj->exited = 1;   /* the rest of its output is still to come: keep relaying */
	pj->status = status_of(st);
	take_back_typing(pj);
	return 0;
}

int hostpty_wanted(struct shell *sh, struct node **cmds, int n)
{
	return n == 1 && cmds[0]->type == N_SIMPLE && cmds[0]->simple.host && sh->jc &&
	       !cmds[0]->redirs && isatty(0) && isatty(1) && isatty(2);
}

/* Two pumps in the shadow join the master to two streams: keyboard in, screen out. */
static int open_streams(struct pty_job *pj)
{
	hc_handle_t h[2];
	int fds[2], r;

	if ((r = hc_stream_open_many(pj->hs, 2, fds, h)) != 0)
		return r;
	pj->in = fds[0];
	pj->out = fds[1];
	if ((r = hc_stream_attach(pj->hs, h[0], pj->master, HC_TO_HOST)) != 0 ||
	    (r = hc_stream_attach(pj->hs, h[1], pj->master, HC_FROM_HOST)) != 0)
		return r;
	return 0;
}

static int spawn_on_pty(struct shell *sh, struct pty_job *pj, struct node *n, hc_handle_t slave)
{
	struct hc_spawn_spec sp = { .use_ctty = 1, .ctty = slave };
	char **argv;
	int argc = expand_words(sh, &n->simple.words, &argv, 1);

	if (argc <= 0)
		return argc == 0 ? -EINVAL : -EIO;
	xtrace_host(sh, argv);
	sp.path = argv[0];
	sp.argv = argv;
	for (int i = 0; i < 3; i++)
		sp.stdio[i] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = slave };
	pj->pid = hc_spawn(pj->hs, &sp);
	if (pj->pid == -ENOENT)
		sh_error(sh, "!%s: not found on the host", argv[0]);
	strv_free(argv);
	return pj->pid < 0 ? (int)pj->pid : 0;
}

static struct pty_job *pty_job_new(struct shell *sh, struct hc_session *hs)
{
	struct pty_job *pj = calloc(1, sizeof(*pj));

	if (!pj)
		abort();
	pj->sh = sh;
	pj->hs = hs;
	pj->master = pj->slave = pj->in = pj->out = -1;
	return pj;
}

void hostpty_free(struct shell *sh, void *state)
{
	struct pty_job *pj = state;

	(void)sh;
	if (!pj)
		return;
	if (live(pj) && pj->master >= 0)
		hc_close(pj->hs, pj->master);
	if (live(pj) && pj->slave >= 0)
		hc_close(pj->hs, pj->slave);
	if (pj->in >= 0)
		close(pj->in);
	if (pj->out >= 0)
		close(pj->out);
	relays_free(&pj->relays);
	free(pj);
}

/* Relay with the terminal raw until the program's screen closes, or it stops. */
static int relay_at_terminal(struct shell *sh, struct pty_job *pj)
{
	struct termios saved, raw;
	int st;

	tcgetattr(sh->tty, &saved);
	raw = saved;
	cfmakeraw(&raw);
	tcsetattr(sh->tty, TCSADRAIN, &raw);
	pj->stopped = 0;
	relays_run(&pj->relays, on_signal, pj);
	tcsetattr(sh->tty, TCSADRAIN, &saved);
	if (pj->stopped)
		return 128 + SIGTSTP;
	if (!pj->exited && live(pj)) {
		pid_t r = hc_waitpid(pj->hs, pj->pid, &st, 0);
		if (r < 0)
			host_note_failure(sh, r);
		pj->status = r < 0 ? 1 : status_of(st);
	}
	if (pj->status == 128 + SIGINT)
		fputc('\n', stderr);   /* the prompt on a line of its own after ^C */
	return pj->status;
}

static int finish_or_keep(struct shell *sh, struct pty_job *pj, struct node *n, int status)
{
	struct job *j;

	if (!pj->stopped) {
		hostpty_free(sh, pj);
		return status;
	}
	j = jobs_add(sh, pj->pid, JOB_HOST, n);
	j->pty = pj;
	jobs_set_stopped(sh, j);
	return status;
}

int hostpty_run(struct shell *sh, struct node *n)
{
	struct hc_session *hs = host_session(sh);
	struct pty_job *pj;
	int r;

	if (!hs)
		return 127;
	pj = pty_job_new(sh, hs);
	if ((r = hc_pty_open(hs, &pj->master, &pj->slave)) == 0)
		send_winsize(pj);   /* before the program starts, so it sees the right size */
	if (r != 0 || (r = open_streams(pj)) != 0 || (r = spawn_on_pty(sh, pj, n, pj->slave)) != 0) {
		host_note_failure(sh, r);
		if (r != -ENOENT)
			sh_error(sh, "host terminal: %s", strerror(-r));
		hostpty_free(sh, pj);
		return r == -ENOENT ? 127 : 1;
	}
	relays_add(&pj->relays, 0, pj->in, 1);
	relays_add(&pj->relays, pj->out, 1, 0);
	pj->relays.tick = tick;
	pj->relays.tick_ms = TICK_FIRST_MS;
	return finish_or_keep(sh, pj, n, relay_at_terminal(sh, pj));
}

int hostpty_resume(struct shell *sh, struct job *j)
{
	struct pty_job *pj = j->pty;
	int status;

	if (!live(pj)) {
		sh_error(sh, "%%%d: the host connection it ran on is gone", j->id);
		return 1;
	}
	j->stopped = 0;
	send_winsize(pj);   /* the window may have changed while it was stopped */
	pj->relays.tick_ms = TICK_FIRST_MS;
	hc_kill(pj->hs, -pj->pid, SIGCONT);
	status = relay_at_terminal(sh, pj);
	return jobs_after_foreground(sh, j, pj->stopped, status);
}
