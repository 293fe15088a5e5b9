/* plumbing.h: a pipeline's stages and what joins them, shared by pipeline.c and pipejob.c. */
#ifndef DOSH_PLUMBING_H
#define DOSH_PLUMBING_H

#include "display.h"
#include "hostcall.h"
#include "hostio.h"
#include "shell.h"

#define PLUMB_MAX 256

struct stage {
	struct node *n;
	int host;
	int in, out;                 /* guest: descriptors for 0 and 1, -1 to inherit */
	struct hc_stdio_spec io[3];  /* host: what the program's stdio is bound to */
	pid_t pid;
	int done, status;            /* done: reaped, with its shell status */
	int stopped;
};

/* Everything a pipeline opened, to close once its commands have what they need. */
struct plumbing {
	int fds[PLUMB_MAX];
	int nfds;
	hc_handle_t handles[PLUMB_MAX];
	int nhandles;
	int keep[PLUMB_MAX];             /* open until the relays are done, closed by children */
	int nkeep;
	struct relays relays;            /* foreground: relayed here, in dosh */
	pid_t bg_relays[PLUMB_MAX];      /* background: relayed by forked processes */
	int nbg;
	int background;
	int host_stages;
	int pool_fd[HC_STREAMS_AT_ONCE];   /* streams opened together, handed out by stream() */
	hc_handle_t pool_h[HC_STREAMS_AT_ONCE];
	int pool_n, pool_next;
	struct hc_session *hs;
	/* the terminal relayed to a host stage's stdin: what it leaves unread is taken back */
	int has_keyboard;
	hc_handle_t keyboard;            /* the stream's host end, kept open until then */
	int keyboard_relay;              /* its index in @relays */
};

/* A pipeline being waited for, in the foreground or (after Ctrl-Z and bg) as a job. */
struct pipe_job {
	struct shell *sh;
	struct stage *st;
	int n;
	struct plumbing pl;
	pid_t guest_pgid;                  /* the guest stages' process group, 0: none */
	struct host_stream *host_streams;  /* host files of guest stages, once a job: finished at the end */
	struct host_stream *mark;          /* the shell's streams from before: not the pipeline's */
	int stopped;
	int session_lost;                  /* the host session died while the job ran */
};

/* plumbing_live - the pipeline's host session, unless a failed call dropped it meanwhile. */
struct hc_session *plumbing_live(const struct plumbing *pl);

/*
 * pipejob_foreground - wait for @pj at the terminal: relay its host stdio, pass
 * Ctrl-C on to the host stages, and stop them all on Ctrl-Z.
 * Returns: the pipeline's status (148 when it stopped: then @pj->stopped is set).
 */
int pipejob_foreground(struct pipe_job *pj);

/* pipejob_release - close and free what @pj holds (the job is over). Returns: as hostio_finish_to(). */
int pipejob_release(struct pipe_job *pj);

#endif
