/* hostio.h: host files for guest commands (cmd < !file, cmd > !file) and relays to guest fds. */
#ifndef DOSH_HOSTIO_H
#define DOSH_HOSTIO_H

#include <sys/types.h>

#include "parse.h"

struct shell;

/* A guest end of a stream joined to a host file, finished after its command. */
struct host_stream {
	int fd;
	int to_host;            /* writes go to the host: wait for the pump to finish */
	char *path;             /* the host file, for messages */
	struct host_stream *next;
};

/*
 * hostio_open_stream - open host @path with local @flags and join it to a new
 * guest descriptor through a stream. Returns: the guest fd, or -1 with a message.
 */
int hostio_open_stream(struct shell *sh, const char *path, int flags);

/* hostio_prepare - open the host targets of @r now (before a fork). Returns: 0 or -1. */
int hostio_prepare(struct shell *sh, struct redir *r);

/*
 * hostio_finish_to - wait until each host file written through a stream opened
 * since @mark (an earlier sh->host_streams) has all its bytes, and close them:
 * the streams of enclosing redirections stay open. A host file that failed (a full disk)
 * is named with its error. Returns: 0, or -1 when one failed.
 */
int hostio_finish_to(struct shell *sh, const struct host_stream *mark);

/* hostio_detach - take the streams opened since @mark off the shell's list. Returns: them. */
struct host_stream *hostio_detach(struct shell *sh, struct host_stream *mark);

/* hostio_forget - close the guest ends of host-file streams without waiting for them. */
void hostio_forget(struct shell *sh);

/* relay_start - a process copying @from to @to until EOF (then shutdown(@to) if a socket). */
pid_t relay_start(int from, int to);

#endif
