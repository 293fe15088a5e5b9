/* redir.c: redirections: applied in a child before exec, or saved and restored around builtins. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "hostio.h"

#define SAVE_FD_FLOOR 10

int redir_open_flags(enum redir_type type)
{
	static const int flags[] = {
		[R_IN] = O_RDONLY, [R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
		[R_APPEND] = O_WRONLY | O_CREAT | O_APPEND, [R_CLOBBER] = O_WRONLY | O_CREAT | O_TRUNC,
		[R_RDWR] = O_RDWR | O_CREAT,
	};

	return type <= R_RDWR ? flags[type] : O_RDONLY;
}

/* Why a path could not be opened, in dash's words. */
static const char *open_error(int err, int creating)
{
	if (err != ENOENT && err != ENOTDIR)
		return strerror(err);
	return creating ? "Directory nonexistent" : "No such file";
}

/* "> path" under set -C: only a new file, or one that is not a regular file (/dev/null). */
static int open_noclobber(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0)
		return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (S_ISREG(st.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0 && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode)) {   /* it became one meanwhile */
		close(fd);
		errno = EEXIST;
		return -1;
	}
	return fd;
}

static int open_target(struct shell *sh, const struct redir *r, const char *path)
{
	int fd;

	if (r->host)
		return hostio_open_stream(sh, path, redir_open_flags(r->type));
	if (r->type == R_OUT && sh->opt_noclobber)
		fd = open_noclobber(path);
	else
		fd = open(path, redir_open_flags(r->type) | O_CLOEXEC, 0666);
	if (fd < 0)
		sh_error(sh, "cannot %s %s: %s", r->type == R_IN ? "open" : "create", path,
			 open_error(errno, r->type != R_IN));
	return fd;
}

/* A here-document's text through a pipe (small) or an unlinked temporary file. */
static int heredoc_fd(struct shell *sh, const struct redir *r)
{
	char *text = r->heredoc_quoted ? strdup(r->word) : expand_heredoc(sh, r->word);
	char tmpl[] = "/tmp/dosh-heredoc.XXXXXX";
	size_t len;
	int fd;

	if (!text)
		return -1;
	len = strlen(text);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0) {
		sh_error(sh, "here-document: %s", strerror(errno));
		free(text);
		return -1;
	}
	unlink(tmpl);
	if (write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0) {
		sh_error(sh, "here-document: %s", strerror(errno));
		close(fd);
		fd = -1;
	}
	free(text);
	return fd;
}

/*
 * The word of ">&word", "<&word", expanded: as dash, one digit or "-" (-2: close);
 * anything else is a syntax error found at run time, which ends a shell that is not
 * interactive (-1).
 */
static int fd_word(struct shell *sh, const char *word)
{
	if (strcmp(word, "-") == 0)
		return -2;
	if (word[0] >= '0' && word[0] <= '9' && word[1] == '\0')
		return word[0] - '0';
	sh_error(sh, "Syntax error: Bad fd number");
	sh_raise(sh);   /* ends a non-interactive shell, unless command catches it */
	return -1;
}

/* The descriptor ">&word" makes @fd a copy of, -2 to close it, -1 on error. Consumes @target. */
static int dup_source(struct shell *sh, char *target, int fd)
{
	int n = fd_word(sh, target);

	free(target);
	if (n < 0 || n == fd)   /* "3>&3": nothing to do, even when 3 is closed, as dash */
		return n;
	if (fcntl(n, F_GETFD) < 0) {
		sh_error(sh, "%d: Bad file descriptor", n);
		return -1;
	}
	return fcntl(n, F_DUPFD_CLOEXEC, SAVE_FD_FLOOR);
}

/* The descriptor a redirection makes @r->fd refer to; -2 means "close it". */
static int redir_source(struct shell *sh, const struct redir *r)
{
	char *target;
	int fd;

	if (r->type == R_HEREDOC)
		return heredoc_fd(sh, r);
	if (r->host && r->prepared_fd > 0)
		return fcntl(r->prepared_fd - 1, F_DUPFD_CLOEXEC, SAVE_FD_FLOOR);
	if (!(target = expand_string(sh, r->word)))
		return -1;
	if (r->type == R_DUPIN || r->type == R_DUPOUT)
		return dup_source(sh, target, r->fd);
	fd = open_target(sh, r, target);
	free(target);
	return fd;
}

static void save_fd(struct redir_save *save, int fd)
{
	for (int i = 0; i < save->n; i++)
		if (save->fd[i] == fd)
			return;
	if (save->n == REDIR_SAVE_MAX)
		return;
	save->fd[save->n] = fd;
	save->copy[save->n] = fcntl(fd, F_DUPFD_CLOEXEC, SAVE_FD_FLOOR);
	save->n++;
}

int redirs_apply(struct shell *sh, const struct redir *r, struct redir_save *save)
{
	if (save) {
		save->sh = sh;
		save->streams = sh->host_streams;
	}
	for (; r; r = r->next) {
		int src;
		if (save)
			save_fd(save, r->fd);   /* before the target is opened: it may take r->fd */
		if ((src = redir_source(sh, r)) == -1)
			return -1;
		if (src == -2) {
			close(r->fd);
			continue;
		}
		if (src == r->fd) {   /* opened straight onto it: a child must see it */
			fcntl(src, F_SETFD, 0);
		} else {
			if (dup2(src, r->fd) < 0) {
				sh_error(sh, "%d: %s", r->fd, strerror(errno));
				close(src);
				return -1;
			}
			close(src);
		}
	}
	return 0;
}

int redirs_restore(struct redir_save *save)
{
	int r = 0;

	if (save->n > 0) {   /* what was written under the redirections goes where they pointed */
		fflush(stdout);
		fflush(stderr);
	}
	for (int i = save->n - 1; i >= 0; i--) {
		if (save->copy[i] >= 0) {
			dup2(save->copy[i], save->fd[i]);
			close(save->copy[i]);
		} else {
			close(save->fd[i]);
		}
	}
	save->n = 0;
	if (save->sh)   /* the command is over: its host files get all their bytes now */
		r = hostio_finish_to(save->sh, save->streams);
	save->sh = NULL;
	return r;
}

int redirs_check_literal_dups(struct shell *sh, const struct redir *r)
{
	for (; r; r = r->next) {
		if ((r->type != R_DUPIN && r->type != R_DUPOUT) || strpbrk(r->word, "$`'\"\\"))
			continue;   /* one with expansions is expanded once, in the child */
		if (fd_word(sh, r->word) == -1)
			return -1;
	}
	return 0;
}

void redirs_close_prepared(struct redir *r)
{
	for (; r; r = r->next) {
		if (r->prepared_fd > 0)
			close(r->prepared_fd - 1);
		r->prepared_fd = 0;
	}
}
