/* pipeline.c: pipelines of guest and host commands: guest pipes, host pipes, streams between. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "exec.h"
#include "host.h"
#include "hostcall.h"
#include "hostio.h"
#include "hostpty.h"
#include "jobs.h"
#include "pipejob.h"
#include "plumbing.h"

static void keep_fd(struct plumbing *pl, int fd)
{
	if (pl->nfds < PLUMB_MAX)
		pl->fds[pl->nfds++] = fd;
}

static void keep_handle(struct plumbing *pl, hc_handle_t h)
{
	if (pl->nhandles < PLUMB_MAX)
		pl->handles[pl->nhandles++] = h;
}

/* @h is no longer the pipeline's to close (the shadow took it, or someone keeps it). */
static void forget_handle(struct plumbing *pl, hc_handle_t h)
{
	for (int i = 0; i < pl->nhandles; i++) {
		if (pl->handles[i] == h) {
			pl->handles[i] = pl->handles[--pl->nhandles];
			return;
		}
	}
}

static void close_fds(struct plumbing *pl)
{
	for (int i = 0; i < pl->nfds; i++)
		close(pl->fds[i]);
	pl->nfds = 0;
}

/* The session, unless a failed call dropped it meanwhile (its handles died with it). */
struct hc_session *plumbing_live(const struct plumbing *pl)
{
	return pl->hs && pl->hs == sh_current->host ? pl->hs : NULL;
}

static void close_handles(struct plumbing *pl)
{
	for (int i = 0; i < pl->nhandles && plumbing_live(pl); i++)
		hc_close(pl->hs, pl->handles[i]);
	pl->nhandles = 0;
}

static struct hc_stdio_spec handle_io(hc_handle_t h)
{
	return (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
}

static void keep_until_relayed(struct plumbing *pl, int fd)
{
	if (pl->nkeep < PLUMB_MAX)
		pl->keep[pl->nkeep++] = fd;
}

/*
 * A stream; its host end is closed after the spawns; its guest end goes to a
 * guest stage (@relayed 0: closed once the stages have it) or to a relay.
 */
static int stream(struct shell *sh, struct plumbing *pl, int *guest, hc_handle_t *host,
		  int relayed)
{
	int h;

	if (pl->pool_next < pl->pool_n) {
		*guest = pl->pool_fd[pl->pool_next];
		h = pl->pool_h[pl->pool_next++];
	} else {
		h = hc_stream_open(pl->hs, guest);
	}

	if (h < 0) {
		host_note_failure(sh, h);
		sh_error(sh, "stream to the host: %s", strerror(-h));
		return -1;
	}
	*host = h;
	if (relayed)
		keep_until_relayed(pl, *guest);
	else
		keep_fd(pl, *guest);
	keep_handle(pl, h);
	return 0;
}

/* ---- joining neighbours ---- */

static int join(struct shell *sh, struct plumbing *pl, struct stage *a, struct stage *b)
{
	hc_handle_t ends[2], h;
	int fds[2], g, r;

	if (!a->host && !b->host) {
		if (pipe2(fds, O_CLOEXEC) != 0) {
			sh_error(sh, "pipe: %s", strerror(errno));
			return -1;
		}
		keep_fd(pl, fds[0]);
		keep_fd(pl, fds[1]);
		a->out = fds[1];
		b->in = fds[0];
		return 0;
	}
	if (a->host && b->host) {   /* a host pipe: the bytes never cross */
		if ((r = hc_pipe(pl->hs, ends)) != 0) {
			host_note_failure(sh, r);
			sh_error(sh, "host pipe: %s", strerror(-r));
			return -1;
		}
		keep_handle(pl, ends[0]);
		keep_handle(pl, ends[1]);
		a->io[1] = handle_io(ends[1]);
		b->io[0] = handle_io(ends[0]);
		return 0;
	}
	if (stream(sh, pl, &g, &h, 0) != 0)
		return -1;
	if (a->host) {
		a->io[1] = handle_io(h);
		b->in = g;
	} else {
		a->out = g;
		b->io[0] = handle_io(h);
	}
	return 0;
}

/*
 * The terminal goes to a host program's stdin: the stream's host end stays
 * open after the spawn (not in @pl->handles), for pipejob to take back what
 * the program left unread.
 */
static void keep_keyboard(struct plumbing *pl, hc_handle_t h)
{
	pl->has_keyboard = 1;
	pl->keyboard = h;
	pl->keyboard_relay = pl->relays.n - 1;
	forget_handle(pl, h);
}

/* A host program's stdio @fd joined to the guest descriptor @guest_fd through a relay. */
static int join_guest_fd(struct shell *sh, struct plumbing *pl, struct stage *s, int fd,
			 int guest_fd)
{
	hc_handle_t h;
	int g;
	pid_t relay;

	if (stream(sh, pl, &g, &h, 1) != 0)
		return -1;
	s->io[fd] = handle_io(h);
	if (!pl->background) {
		if (relays_add(&pl->relays, fd == 0 ? guest_fd : g, fd == 0 ? g : guest_fd,
			       fd == 0) != 0)
			return -1;
		if (fd == 0 && guest_fd == 0 && sh->interactive)
			keep_keyboard(pl, h);
		return 0;
	}
	relay = fd == 0 ? relay_start(guest_fd, g) : relay_start(g, guest_fd);
	if (relay < 0)
		return -1;
	if (pl->nbg < PLUMB_MAX)
		pl->bg_relays[pl->nbg++] = relay;
	return 0;
}

/* ---- redirections of host programs ---- */

static int host_redir_file(struct shell *sh, struct plumbing *pl, struct stage *s,
			   const struct redir *r, const char *path)
{
	int h, fd;

	if (r->host) {   /* the shadow opens it: the file never crosses */
		if ((h = hc_open(pl->hs, path, redir_open_flags(r->type), 0666)) < 0) {
			host_note_failure(sh, h);
			sh_error(sh, "!%s: %s", path, strerror(-h));
			return -1;
		}
		keep_handle(pl, h);
		s->io[r->fd] = handle_io(h);
		return 0;
	}
	fd = open(path, redir_open_flags(r->type) | O_CLOEXEC, 0666);
	if (fd < 0) {
		sh_error(sh, "%s: %s", path, strerror(errno));
		return -1;
	}
	keep_until_relayed(pl, fd);
	return join_guest_fd(sh, pl, s, r->fd, fd);
}

static int host_redir_dup(struct shell *sh, struct stage *s, const struct redir *r,
			  const char *target)
{
	char *end;
	long from;

	if (strcmp(target, "-") == 0) {
		s->io[r->fd] = (struct hc_stdio_spec){ .how = HC_IO_NULL };
		return 0;
	}
	from = strtol(target, &end, 10);
	if (*target == '\0' || *end || from < 0 || from > 2) {
		sh_error(sh, "%s: a host program has only descriptors 0, 1 and 2", target);
		return -1;
	}
	s->io[r->fd] = s->io[from];
	return 0;
}

static int host_redirs(struct shell *sh, struct plumbing *pl, struct stage *s)
{
	for (const struct redir *r = s->n->redirs; r; r = r->next) {
		char *target;
		int rc;
		if (r->fd > 2) {
			sh_error(sh, "%d: a host program has only descriptors 0, 1 and 2", r->fd);
			return -1;
		}
		if (r->type == R_HEREDOC) {
			sh_error(sh, "here-documents for host programs are not supported");
			return -1;
		}
		if (!(target = expand_string(sh, r->word)))
			return -1;
		rc = r->type == R_DUPIN || r->type == R_DUPOUT ? host_redir_dup(sh, s, r, target)
							       : host_redir_file(sh, pl, s, r, target);
		free(target);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* ---- starting ---- */

static void forget_given_handles(struct plumbing *pl, const struct stage *s);

static _Noreturn void run_guest_stage(struct shell *sh, struct plumbing *pl, struct stage *s)
{
	if (s->in >= 0 && dup2(s->in, 0) < 0)
		_exit(1);
	if (s->out >= 0 && dup2(s->out, 1) < 0)
		_exit(1);
	for (int i = 0; i < pl->nfds; i++)
		if (pl->fds[i] > 2)
			close(pl->fds[i]);
	for (int i = 0; i < pl->nkeep; i++)
		if (pl->keep[i] > 2)
			close(pl->keep[i]);
	if (s->n->type == N_SIMPLE)
		sh->exec_in_place = 1;
	sh_exit(sh, exec_node(sh, s->n));
}

static int start_host_stage(struct shell *sh, struct plumbing *pl, struct stage *s)
{
	struct hc_spawn_spec sp = { 0 };
	char **argv;
	int argc;

	if (!plumbing_live(pl))
		return -1;   /* an earlier stage lost the connection */
	if ((argc = expand_words(sh, &s->n->simple.words, &argv, 1)) <= 0) {
		if (argc == 0)
			sh_error(sh, "!: no command");
		return -1;
	}
	if (host_redirs(sh, pl, s) != 0) {
		strv_free(argv);
		return -1;
	}
	xtrace_host(sh, argv);
	sp.path = argv[0];
	sp.argv = argv;
	memcpy(sp.stdio, s->io, sizeof(sp.stdio));
	/* one host program: the shadow closes what it was given, saving a call per handle */
	sp.close_handles = pl->host_stages == 1 && !pl->has_keyboard;
	s->pid = hc_spawn(pl->hs, &sp);
	if (s->pid > 0 && sp.close_handles)
		forget_given_handles(pl, s);
	if (s->pid < 0) {
		host_note_failure(sh, s->pid);
		sh_error(sh, "!%s: %s", argv[0], s->pid == -ENOENT ? "not found on the host"
								   : strerror(-s->pid));
	}
	strv_free(argv);
	return s->pid < 0 ? -1 : 0;
}

static void forget_given_handles(struct plumbing *pl, const struct stage *s)
{
	for (int k = 0; k < 3; k++)
		if (s->io[k].how == HC_IO_HANDLE)
			forget_handle(pl, s->io[k].handle);
}

static void close_kept(struct plumbing *pl)
{
	for (int i = 0; i < pl->nkeep; i++)
		close(pl->keep[i]);
	pl->nkeep = 0;
}

/* The streams a pipeline needs, opened in one go: they are the slow part of a host command. */
static int open_stream_pool(struct shell *sh, struct plumbing *pl, struct stage *st, int n)
{
	int need = st[0].host + st[n - 1].host + 1, r;

	for (int i = 0; i + 1 < n; i++)
		need += st[i].host != st[i + 1].host;
	if (need > HC_STREAMS_AT_ONCE)
		return 0;   /* a long pipeline: stream() opens the rest one by one */
	if ((r = hc_stream_open_many(pl->hs, need, pl->pool_fd, pl->pool_h)) != 0) {
		host_note_failure(sh, r);
		sh_error(sh, "streams to the host: %s", strerror(-r));
		return -1;
	}
	pl->pool_n = need;
	return 0;
}

/* Streams of the pool nobody took (an error came first). */
static void drop_stream_pool(struct plumbing *pl)
{
	for (; pl->pool_next < pl->pool_n; pl->pool_next++) {
		close(pl->pool_fd[pl->pool_next]);
		if (plumbing_live(pl))
			hc_close(pl->hs, pl->pool_h[pl->pool_next]);
	}
}

static int plumb(struct shell *sh, struct plumbing *pl, struct stage *st, int n)
{
	int any_host = 0;

	for (int i = 0; i < n; i++)
		pl->host_stages += st[i].host;
	any_host = pl->host_stages > 0;
	if (any_host && !(pl->hs = host_session(sh)))
		return -1;
	if (any_host && open_stream_pool(sh, pl, st, n) != 0)
		return -1;
	for (int i = 0; i + 1 < n; i++)
		if (join(sh, pl, &st[i], &st[i + 1]) != 0)
			return -1;
	if (st[0].host && join_guest_fd(sh, pl, &st[0], 0, 0) != 0)
		return -1;
	if (st[n - 1].host && join_guest_fd(sh, pl, &st[n - 1], 1, 1) != 0)
		return -1;
	for (int i = 0, err_stream = -1; i < n; i++) {
		if (!st[i].host)
			continue;
		if (err_stream < 0) {
			if (join_guest_fd(sh, pl, &st[i], 2, 2) != 0)
				return -1;
			err_stream = i;
		} else {
			st[i].io[2] = st[err_stream].io[2];
		}
	}
	return 0;
}

static void init_stages(struct stage *st, struct node **cmds, int n)
{
	for (int i = 0; i < n; i++) {
		memset(&st[i], 0, sizeof(st[i]));
		st[i].n = cmds[i];
		st[i].host = cmds[i]->type == N_SIMPLE && cmds[i]->simple.host;
		st[i].in = st[i].out = -1;
		st[i].io[0].how = st[i].io[1].how = st[i].io[2].how = HC_IO_NULL;
	}
}

static void start_stages(struct shell *sh, struct plumbing *pl, struct stage *st, int n)
{
	for (int i = 0; i < n; i++) {
		if (st[i].host) {
			start_host_stage(sh, pl, &st[i]);
		} else {
			hostio_prepare(sh, st[i].n->redirs);
			st[i].pid = fork_job(sh, pl->has_keyboard);   /* dosh reads the keyboard */
			if (st[i].pid == 0)
				run_guest_stage(sh, pl, &st[i]);
			redirs_close_prepared(st[i].n->redirs);
		}
	}
}

static struct pipe_job *pipejob_new(struct shell *sh, struct node **cmds, int n)
{
	struct pipe_job *pj = calloc(1, sizeof(*pj));

	if (!pj || !(pj->st = calloc((size_t)n, sizeof(*pj->st))))
		abort();
	pj->sh = sh;
	pj->n = n;
	pj->mark = sh->host_streams;
	init_stages(pj->st, cmds, n);
	return pj;
}

int pipejob_release(struct pipe_job *pj)
{
	int r;

	drop_stream_pool(&pj->pl);
	if (pj->pl.has_keyboard && plumbing_live(&pj->pl))
		hc_close(pj->pl.hs, pj->pl.keyboard);
	relays_free(&pj->pl.relays);
	close_kept(&pj->pl);
	r = hostio_finish_to(pj->sh, pj->mark);
	for (int i = 0; i < pj->pl.nbg; i++)
		waitpid(pj->pl.bg_relays[i], NULL, 0);
	free(pj->st);
	free(pj);
	return r;
}

int exec_pipeline(struct shell *sh, struct node **cmds, int n)
{
	struct pipe_job *pj;
	int status;

	if (hostpty_wanted(sh, cmds, n))
		return hostpty_run(sh, cmds[0]);
	jobs_note_fork(sh);
	pj = pipejob_new(sh, cmds, n);
	if (plumb(sh, &pj->pl, pj->st, n) == 0) {
		start_stages(sh, &pj->pl, pj->st, n);
		pj->guest_pgid = sh->job_pgid;
		status = -1;
	} else {
		status = pj->st[0].host ? 127 : 1;
	}
	close_fds(&pj->pl);
	if (pj->pl.hs)
		close_handles(&pj->pl);
	if (status < 0)
		status = pipejob_foreground(pj);
	job_done_foreground(sh);
	if (pj->stopped)
		pipejob_make_job(sh, pj);
	else if (pipejob_release(pj) != 0 && (status == 0 || status == 128 + SIGPIPE))
		status = 1;   /* a host file the pipeline wrote failed */
	return status;
}

int pipeline_start_background(struct shell *sh, struct node *n)
{
	struct stage st;
	struct plumbing pl = { .background = 1, .host_stages = 1 };
	struct job *j;

	init_stages(&st, &n, 1);
	if (!(pl.hs = host_session(sh)) || join_guest_fd(sh, &pl, &st, 1, 1) != 0 ||
	    join_guest_fd(sh, &pl, &st, 2, 2) != 0 || start_host_stage(sh, &pl, &st) != 0) {
		close_fds(&pl);
		close_kept(&pl);
		if (pl.hs)
			close_handles(&pl);
		return 1;
	}
	close_fds(&pl);
	close_kept(&pl);
	close_handles(&pl);
	sh->last_bg = st.pid;
	j = jobs_add(sh, st.pid, JOB_HOST, n);
	jobs_say_started(sh, j);
	for (int i = 0; i < pl.nbg && i < 2; i++)
		j->relays[j->nrelays++] = pl.bg_relays[i];
	return 0;
}
