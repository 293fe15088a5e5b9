/* display.h: the display and keyboard servers: host stdio to the guest terminal, the keyboard to the host. */
#ifndef HC_DISPLAY_H
#define HC_DISPLAY_H

/*
 * The display server copies a host program's stdout and stderr streams to the
 * guest's fd 1 and fd 2 (kept apart); the keyboard server copies the guest's
 * fd 0 to the program's stdin stream, and passes end of file (Ctrl-D) on.
 * Both run in one poll loop inside the guest process that started the program
 * (dosh), for as long as the program's output is open: the keyboard is not read
 * once the program is done.
 */

#include <signal.h>

#define RELAY_MAX 16

struct relay {
	int from, to;
	int input;              /* guest input to the host: stops when the outputs are done */
	int src_sock, dst_sock;
	int done;
	size_t off, len;
	char *buf;
};

struct relays {
	struct relay r[RELAY_MAX];
	int n;
	/* optional: called every @tick_ms; returning 1 stops relays_run() early */
	int (*tick)(void *ctx);
	int tick_ms;
};

/* relays_add - copy @from to @to; @input: the guest's input going to the host. Returns: 0 or -1. */
int relays_add(struct relays *rs, int from, int to, int input);

/*
 * relays_run - move bytes until every output relay has reached end of file (its
 * host programs are done); input relays stop then. On SIGINT, SIGQUIT or
 * SIGWINCH, @interrupt(ctx, sig) is called (to pass it on to the host).
 */
void relays_run(struct relays *rs, void (*interrupt)(void *ctx, int sig), void *ctx);

/* relays_end - stop relay @r: a host program reading from it sees end of file. */
void relays_end(struct relay *r);

/* relays_outputs_pending - is some output relay still open? */
int relays_outputs_pending(const struct relays *rs);

/*
 * relays_step - wait up to @timeout_ms (-1: as long as it takes) for a relay to
 * be ready, with the signal mask @mask (NULL: unchanged) while waiting, and move
 * its bytes. Returns: how many were ready (0: the time ran out), or -1 with errno set (EINTR: a
 * signal came).
 */
int relays_step(struct relays *rs, int timeout_ms, const sigset_t *mask);

/* relays_close_others - in a process that only relays: close every descriptor but stdio and the relays'. */
void relays_close_others(const struct relays *rs);

/* relays_free - free the buffers (the descriptors belong to the caller). */
void relays_free(struct relays *rs);

#endif
