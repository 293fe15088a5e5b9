/* hostio.c: host files joined to guest descriptors by streams, and relay processes for host stdio. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "display.h"
#include "exec.h"
#include "host.h"
#include "hostcall.h"
#include "hostio.h"

static void remember(struct shell *sh, int fd, int to_host, const char *path)
{
	struct host_stream *s = calloc(1, sizeof(*s));

	if (!s || !(s->path = strdup(path)))
		abort();
	s->fd = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	s->to_host = to_host;
	s->next = sh->host_streams;
	sh->host_streams = s;
}

int hostio_open_stream(struct shell *sh, const char *path, int flags)
{
	struct hc_session *hs = host_session(sh);
	int to_host = (flags & O_ACCMODE) != O_RDONLY, h, st, fd = -1, r;

	if (!hs)
		return -1;
	if ((h = hc_open(hs, path, flags, 0666)) < 0) {
		host_note_failure(sh, h);
		sh_error(sh, "!%s: %s", path, strerror(-h));
		return -1;
	}
	if ((st = hc_stream_open(hs, &fd)) < 0 ||
	    (r = hc_stream_attach(hs, st, h, to_host ? HC_TO_HOST : HC_FROM_HOST)) < 0) {
		r = st < 0 ? st : r;
		host_note_failure(sh, r);
		sh_error(sh, "!%s: %s", path, strerror(-r));
		if (fd >= 0)
			close(fd);
		hc_close(hs, h);
		return -1;
	}
	hc_close(hs, h);
	remember(sh, fd, to_host, path);
	return fd;
}

int hostio_prepare(struct shell *sh, struct redir *r)
{

	for (; r; r = r->next) {
		char *path;
		if (!r->host || r->type > R_RDWR || r->prepared_fd > 0)
			continue;   /* a pipeline opened it before forking the stage */
		if (!(path = expand_string(sh, r->word)))
			return -1;
		r->prepared_fd = hostio_open_stream(sh, path, redir_open_flags(r->type)) + 1;
		free(path);
		if (r->prepared_fd <= 0)
			return -1;
	}
	return 0;
}

int hostio_finish_to(struct shell *sh, const struct host_stream *mark)
{
	int failed = 0;

	while (sh->host_streams && sh->host_streams != mark) {
		struct host_stream *s = sh->host_streams;
		int r = s->to_host ? hc_stream_finish(s->fd) : 0;   /* every byte, or why not */
		if (r < 0 && r != -EINTR) {   /* a signal: as before, stop waiting; its trap runs */
			sh_error(sh, "!%s: %s", s->path, strerror(-r));
			failed = 1;
		}
		sh->host_streams = s->next;
		close(s->fd);
		free(s->path);
		free(s);
	}
	return failed ? -1 : 0;
}

struct host_stream *hostio_detach(struct shell *sh, struct host_stream *mark)
{
	struct host_stream *top = sh->host_streams, **link = &top;

	while (*link && *link != mark)
		link = &(*link)->next;
	*link = NULL;
	sh->host_streams = mark;
	return top == mark ? NULL : top;
}

void hostio_forget(struct shell *sh)
{
	while (sh->host_streams) {
		struct host_stream *s = sh->host_streams;
		sh->host_streams = s->next;
		close(s->fd);
		free(s->path);
		free(s);
	}
}

pid_t relay_start(int from, int to)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct relays rs = { .n = 0 };
		signal(SIGPIPE, SIG_DFL);
		if (relays_add(&rs, from, to, 0) == 0) {
			relays_close_others(&rs);   /* other pipes and streams must see their ends */
			relays_run(&rs, NULL, NULL);   /* the display server's loop, in this process */
		}
		_exit(0);
	}
	return pid;
}
