/*
 * pipes.c: hostfs --pipes: each name is a host FIFO in the session user's pipe directory, and each
 * open of it a session of its own, so that a blocked open, read or write holds up nothing else.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostfs.h"

#define PIPE_WAIT_MS 500         /* a blocked read or write looks for a signal this often */
#define PIPE_WATCH_MS 100        /* a poll watcher lets reads and writes in this often */
#define PIPE_WRITE_CHUNK 65536   /* as much as a host pipe holds */
#define PIPE_OPEN_TIMEOUT_MS INT_MAX

/* One open of a host pipe: its own session and the FIFO's handle in it. */
struct hp_pipe {
	pthread_mutex_t lock;
	struct hc_session *s;
	hc_handle_t h;           /* non-blocking on the host */
	int accmode;             /* O_RDONLY, O_WRONLY or O_RDWR */
	pthread_cond_t done;     /* the watcher has ended */
	int watching, closing;   /* a watcher waits for a poll()ing guest's events */
	struct fuse_pollhandle *ph;
	short want;
};

/* One name the kernel looked up; the FIFO itself may not exist yet. */
struct hp_name {
	uint64_t nlookup;
	char name[];
};

static int valid_name(const char *name)
{
	return *name && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && !strchr(name, '/') &&
	       strlen(name) <= NAME_MAX;
}

/* ---- the pipe directory on the host ---- */

static int own_dir(struct hc_session *s, const char *dir, unsigned uid)
{
	struct stat st;
	int r = hc_mkdir(s, dir, 0700);

	if (r != 0 && r != -EEXIST)
		return r;
	if ((r = hc_lstat(s, dir, &st)) != 0)
		return r;
	if (!S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 077)) {
		fprintf(stderr, "hostfs: %s on the host is not a directory of the user's own with "
			"mode 0700: not using it\n", dir);
		return -EPERM;
	}
	return 0;
}

int hp_pipe_dir(struct hc_session *s, char *out, size_t len)
{
	struct hc_session_info info;
	char xdg[2048], base[3000];
	int r;

	if ((r = hc_info(s, &info)) != 0)
		return r;
	if (hc_getenv(s, "XDG_RUNTIME_DIR", xdg, sizeof(xdg)) == 0 && xdg[0] == '/') {
		snprintf(base, sizeof(base), "%s/hostcall", xdg);
		if ((r = own_dir(s, base, info.uid)) != 0)
			return r;
		snprintf(out, len, "%s/pipe", base);
	} else {
		snprintf(out, len, "/tmp/hostcall-pipe-%u", info.uid);
	}
	return own_dir(s, out, info.uid);
}

/* ---- names ---- */

/* What a pipe name looks like: a regular file to the guest's kernel, so it never makes a guest FIFO of it. */
static void pipe_attr(const char *name, const struct stat *host, struct stat *st)
{
	uint64_t h = 1469598103934665603ull;

	memset(st, 0, sizeof(*st));
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	st->st_ino = host ? host->st_ino : (h | 1ull << 63);
	st->st_mode = S_IFREG | (host ? host->st_mode & 0777 : 0600);
	st->st_nlink = 1;
	st->st_uid = host ? host->st_uid : getuid();
	st->st_gid = host ? host->st_gid : getgid();
	if (host) {
		st->st_atim = host->st_atim;
		st->st_mtim = host->st_mtim;
		st->st_ctim = host->st_ctim;
	}
}

/* @name's attributes as the pipe directory has them (the FIFO may be absent). Returns: 0 or -errno. */
static int name_attr(const char *name, struct stat *st)
{
	struct stat host;
	int h, r;

	pthread_mutex_lock(&hf.lock);
	h = hf_inode_handle(&hf, &hf.root);
	r = h < 0 ? h : hf_check(&hf, hc_fs_fstatat(hf.s, h, name, &host, AT_SYMLINK_NOFOLLOW));
	pthread_mutex_unlock(&hf.lock);
	if (r == -ENOENT) {
		pipe_attr(name, NULL, st);
		return 0;
	}
	if (r == 0 && !S_ISFIFO(host.st_mode))
		return -ENOENT;   /* something else lies there: not a pipe of ours */
	if (r == 0)
		pipe_attr(name, &host, st);
	return r;
}

static void hp_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param ep;
	struct hp_name *n;
	int r;

	if (parent != FUSE_ROOT_ID || !valid_name(name)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	memset(&ep, 0, sizeof(ep));
	if ((r = name_attr(name, &ep.attr)) != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	if (!(n = calloc(1, sizeof(*n) + strlen(name) + 1))) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	strcpy(n->name, name);
	n->nlookup = 1;
	ep.ino = (fuse_ino_t)(uintptr_t)n;
	if (fuse_reply_entry(req, &ep) != 0)
		free(n);
}

static void hp_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct hp_name *n = (struct hp_name *)(uintptr_t)ino;

	if (ino != FUSE_ROOT_ID && (n->nlookup -= nlookup < n->nlookup ? nlookup : n->nlookup) == 0)
		free(n);
	fuse_reply_none(req);
}

static void hp_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;
	int r = 0;

	(void)fi;
	if (ino == FUSE_ROOT_ID) {
		memset(&st, 0, sizeof(st));
		st.st_ino = 1;
		st.st_mode = S_IFDIR | 0755;
		st.st_nlink = 2;
	} else {
		r = name_attr(((struct hp_name *)(uintptr_t)ino)->name, &st);
	}
	if (r != 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_attr(req, &st, 0);
}

/* O_TRUNC, chmod, utimes: a pipe keeps no data, so there is nothing to change. */
static void hp_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int valid,
		       struct fuse_file_info *fi)
{
	(void)attr;
	(void)valid;
	hp_getattr(req, ino, fi);
}

static void hp_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	int h, r;

	if (parent != FUSE_ROOT_ID || !valid_name(name)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	pthread_mutex_lock(&hf.lock);
	h = hf_inode_handle(&hf, &hf.root);
	r = h < 0 ? h : hf_check(&hf, hc_fs_unlinkat(hf.s, h, name, 0));
	pthread_mutex_unlock(&hf.lock);
	fuse_reply_err(req, -r);
}

static void hp_refuse(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	(void)parent;
	(void)name;
	(void)mode;
	fuse_reply_err(req, EINVAL);   /* only pipes live here, made by opening them */
}

/* The pipes (and . and ..) of one batch from @*off into @buf; *@off moves past the batch. */
static int list_batch(fuse_req_t req, hc_handle_t dir, char *buf, size_t size, size_t *used,
		      off_t *off, int *eof)
{
	struct hc_fs_dirent *d = NULL;
	int n = hf_check(&hf, hc_fs_getdents(hf.s, dir, (uint64_t)*off, size * 4, 0, &d, eof));

	for (int i = 0; i < n; i++) {
		struct stat st = { .st_ino = d[i].ino, .st_mode = d[i].type == DT_FIFO ? S_IFREG : S_IFDIR };
		size_t k;
		if (d[i].type != DT_FIFO && strcmp(d[i].name, ".") && strcmp(d[i].name, ".."))
			continue;   /* DT_UNKNOWN too: the pipe directory's own file system tells types */
		k = fuse_add_direntry(req, buf + *used, size - *used, d[i].name, &st, (off_t)d[i].cookie);
		if (k > size - *used) {
			*eof = 0;
			break;
		}
		*used += k;
		*off = (off_t)d[i].cookie;
	}
	if (n > 0 && *used == 0)
		*off = (off_t)d[n - 1].cookie;   /* a batch of other files: go on after it */
	if (n == 0)
		*eof = 1;
	hc_fs_dirents_free(d, n);
	return n < 0 ? n : 0;
}

static void hp_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct hf_inode *root;
	char *buf = malloc(size);
	size_t used = 0;
	int h = buf ? hf_lock_inode(&hf, ino, &root) : -ENOMEM, dir, eof = 0, r = 0;

	(void)fi;
	if (h < 0) {
		free(buf);
		fuse_reply_err(req, -h);
		return;
	}
	dir = hf_check(&hf, hc_fs_openat(hf.s, h, "", O_RDONLY | O_DIRECTORY, 0, NULL, NULL));
	while (dir >= 0 && r == 0 && used == 0 && !eof)
		r = list_batch(req, dir, buf, size, &used, &off, &eof);
	if (dir >= 0 && hf.s)
		hc_close(hf.s, dir);
	pthread_mutex_unlock(&hf.lock);
	if (dir < 0 || (r < 0 && used == 0))
		fuse_reply_err(req, dir < 0 ? -dir : -r);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

/* ---- opening: mkfifo if absent, then a session of its own opens it, blocking as FIFOs do ---- */

static int make_fifo(const char *name)
{
	struct hc_fs_entry e;
	int h, r;

	pthread_mutex_lock(&hf.lock);
	h = hf_inode_handle(&hf, &hf.root);
	r = h < 0 ? h : hf_check(&hf, hc_fs_mknodat(hf.s, h, name, S_IFIFO | 0600, 0, &e));
	if (r == 0)
		hc_close(hf.s, e.handle);
	pthread_mutex_unlock(&hf.lock);
	return r == -EEXIST ? 0 : r;
}

/* An open waiting for the other end, and the end a signal opens to release it. */
struct open_wait {
	const char *name;
	hc_handle_t helper;      /* -1, or an O_RDWR end on the main session, held until the open returns */
};

/*
 * A signal came while the open waits for the other end: be that other end until
 * it returns (a host program waiting to open the same pipe then opens it too).
 * Called at once if the signal came before the wait began.
 */
static void open_interrupted(fuse_req_t req, void *data)
{
	struct open_wait *w = data;
	int h;

	(void)req;
	pthread_mutex_lock(&hf.lock);
	h = hf_inode_handle(&hf, &hf.root);
	if (h >= 0 && w->helper < 0)
		w->helper = hc_fs_openat(hf.s, h, w->name, O_RDWR | O_NONBLOCK | O_NOFOLLOW, 0, NULL,
					 NULL);
	pthread_mutex_unlock(&hf.lock);
}

static void helper_close(struct open_wait *w)
{
	pthread_mutex_lock(&hf.lock);
	if (w->helper >= 0 && hf.s)
		hc_close(hf.s, w->helper);
	w->helper = -1;
	pthread_mutex_unlock(&hf.lock);
}

/* The open, as a FIFO's open blocks; then a non-blocking open of it, so the shadow never waits. */
static int open_host_end(fuse_req_t req, struct hp_pipe *p, const char *path, const char *name,
			 int flags)
{
	struct open_wait w = { name, -1 };
	int acc = flags & O_ACCMODE, h, nb;

	hc_set_timeout(p->s, PIPE_OPEN_TIMEOUT_MS);
	fuse_req_interrupt_func(req, open_interrupted, &w);
	h = hc_open(p->s, path, acc | (flags & O_NONBLOCK) | O_NOFOLLOW, 0);
	fuse_req_interrupt_func(req, NULL, NULL);
	helper_close(&w);
	hc_set_timeout(p->s, HC_DEFAULT_TIMEOUT_MS);
	if (h >= 0 && fuse_req_interrupted(req)) {
		hc_close(p->s, h);
		return -EINTR;
	}
	if (h < 0 || (flags & O_NONBLOCK))
		return h;
	nb = hc_fs_openat(p->s, h, "", acc | O_NONBLOCK, 0, NULL, NULL);
	if (nb < 0)
		return h;   /* the other end left meanwhile: the blocking one still says so */
	hc_close(p->s, h);
	return nb;
}

static int open_pipe(fuse_req_t req, const char *name, int flags, struct hp_pipe *p)
{
	char path[8192];
	int r;

	if ((r = hc_connect(hf.opt.url, hf.opt.key, &p->s)) != 0)
		return r == -ECONNREFUSED || r == -ECONNRESET ? -EIO : r;
	snprintf(path, sizeof(path), "%s/%s", hf.opt.root, name);
	if ((p->h = open_host_end(req, p, path, name, flags)) < 0) {
		r = p->h;
		hc_disconnect(p->s);
		return r;
	}
	p->accmode = flags & O_ACCMODE;
	return 0;
}

/* A request that may wait, carried out on a thread of its own so that no FUSE worker waits. */
struct hp_job {
	fuse_req_t req;
	struct fuse_file_info fi;
	struct hp_pipe *pipe;
	size_t size;
	size_t written;          /* of a write: what went before the wait */
	int write;
	char data[];             /* the name to open, or the bytes a write has left */
};

static void run_job(struct hp_job *job, void *(*fn)(void *))
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, fn, job) != 0)
		fn(job);   /* no thread to spare: wait here */
	pthread_attr_destroy(&attr);
}

static void *open_job(void *arg)
{
	struct hp_job *job = arg;
	struct hp_pipe *p = calloc(1, sizeof(*p));
	int r = p ? make_fifo(job->data) : -ENOMEM;

	if (r == 0)
		r = open_pipe(job->req, job->data, job->fi.flags, p);
	if (r != 0) {
		free(p);
		fuse_reply_err(job->req, -r);
		free(job);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->done, NULL);
	job->fi.fh = (uint64_t)(uintptr_t)p;
	job->fi.direct_io = 1;
	job->fi.nonseekable = 1;
	if (fuse_reply_open(job->req, &job->fi) != 0) {
		hc_disconnect(p->s);
		pthread_cond_destroy(&p->done);
		pthread_mutex_destroy(&p->lock);
		free(p);
	}
	free(job);
	return NULL;
}

static void hp_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hp_name *n = (struct hp_name *)(uintptr_t)ino;
	struct hp_job *job;

	if (ino == FUSE_ROOT_ID) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (!(job = calloc(1, sizeof(*job) + strlen(n->name) + 1))) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	job->req = req;
	job->fi = *fi;
	strcpy(job->data, n->name);
	run_job(job, open_job);
}

/* ---- reading and writing: the host end never blocks; waits are short host polls, so signals are seen ---- */

/*
 * One short host poll for @events (p->lock held). Returns: 0 when the pipe may
 * be ready, -EAGAIN when not yet, -EINTR after a signal, or -errno.
 */
static int wait_once(fuse_req_t req, struct hp_pipe *p, short events)
{
	int r = hc_fs_poll(p->s, p->h, events, PIPE_WAIT_MS);

	if (r < 0)
		return r == -ECONNRESET || r == -ETIMEDOUT ? -EIO : r;
	if (r & (events | POLLHUP | POLLERR))
		return 0;
	return fuse_req_interrupted(req) ? -EINTR : -EAGAIN;
}

/* One read, or -EAGAIN when nothing is there and a writer is. */
static ssize_t read_once(struct hp_pipe *p, char *buf, size_t size)
{
	return hc_read(p->s, p->h, buf, size > HC_IO_MAX_BYTES ? HC_IO_MAX_BYTES : size);
}

/* Write what fits now, in pieces a pipe holds; a piece of up to PIPE_BUF goes whole or not at all. */
static ssize_t write_some(struct hp_pipe *p, const char *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		size_t chunk = size - done > PIPE_WRITE_CHUNK ? PIPE_WRITE_CHUNK : size - done;
		ssize_t r = hc_write(p->s, p->h, buf + done, chunk);
		if (r < 0)
			return done ? (ssize_t)done : r;
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return (ssize_t)done;
}

/* The pipe's reader is gone: as the kernel's pipes do, SIGPIPE to the writer, then EPIPE. */
static void broken_pipe(fuse_req_t req)
{
	pid_t pid = fuse_req_ctx(req)->pid;

	if (pid > 0)   /* 0: a writer outside hostfs's pid namespace, which cannot be named */
		kill(pid, SIGPIPE);
}

static void reply_read(fuse_req_t req, const char *buf, ssize_t n)
{
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
}

static void reply_write(fuse_req_t req, ssize_t n)
{
	if (n == -EPIPE)
		broken_pipe(req);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_write(req, (size_t)n);
}

/* One round of a waiting read or write: a short host poll, then the call (p->lock held). */
static ssize_t io_round(struct hp_job *job, char *buf, size_t *done)
{
	struct hp_pipe *p = job->pipe;
	int w = wait_once(job->req, p, job->write ? POLLOUT : POLLIN);
	ssize_t n;

	if (w != 0)
		return w;   /* -EAGAIN: nothing yet; -EINTR, -EIO */
	n = job->write ? write_some(p, buf + *done, job->size - *done) : read_once(p, buf, job->size);
	if (job->write && n > 0) {
		*done += (size_t)n;
		if (*done < job->size)
			return -EAGAIN;
	}
	return n;
}

/*
 * A read or write that found the pipe empty or full, waiting for it on its own
 * thread; the lock is let go between rounds, so a poll() or the watcher get in.
 */
static void *io_job(void *arg)
{
	struct hp_job *job = arg;
	struct hp_pipe *p = job->pipe;
	char *buf = job->write ? job->data : malloc(job->size ? job->size : 1);
	size_t done = 0;
	ssize_t n = buf ? -EAGAIN : -ENOMEM;

	while (n == -EAGAIN) {
		pthread_mutex_lock(&p->lock);
		n = io_round(job, buf, &done);
		pthread_mutex_unlock(&p->lock);
	}
	done += job->written;
	if (job->write)
		reply_write(job->req, done ? (ssize_t)done : n);
	else
		reply_read(job->req, buf, n);
	if (!job->write)
		free(buf);
	free(job);
	return NULL;
}

/*
 * Start the waiting part of a read or write; @data, @size: the bytes a write has
 * left, after the @written that went at once.
 */
static void wait_job(fuse_req_t req, struct hp_pipe *p, int write, const char *data, size_t size,
		     size_t written)
{
	struct hp_job *job = calloc(1, sizeof(*job) + (write ? size : 0));

	if (!job) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	job->req = req;
	job->pipe = p;
	job->size = size;
	job->written = written;
	job->write = write;
	if (write)
		memcpy(job->data, data, size);   /* FUSE reuses its buffer once this returns */
	run_job(job, io_job);
}

static void hp_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct hp_pipe *p = (struct hp_pipe *)(uintptr_t)fi->fh;
	char *buf = malloc(size ? size : 1);
	ssize_t n;

	(void)ino;
	(void)off;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&p->lock);
	n = read_once(p, buf, size);
	pthread_mutex_unlock(&p->lock);
	if (n == -EAGAIN && !(fi->flags & O_NONBLOCK))
		wait_job(req, p, 0, NULL, size, 0);
	else
		reply_read(req, buf, n);
	free(buf);
}

static void hp_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct hp_pipe *p = (struct hp_pipe *)(uintptr_t)fi->fh;
	ssize_t n;

	(void)ino;
	(void)off;
	pthread_mutex_lock(&p->lock);
	n = write_some(p, buf, size);
	pthread_mutex_unlock(&p->lock);
	if (fi->flags & O_NONBLOCK || (n >= 0 && (size_t)n == size) || (n < 0 && n != -EAGAIN))
		reply_write(req, n);
	else if (n > 0)
		wait_job(req, p, 1, buf + n, size - (size_t)n, (size_t)n);
	else
		wait_job(req, p, 1, buf, size, 0);
}

/* ---- poll: answered now; if nothing is ready, a watcher tells the kernel when it is ---- */

/* The watcher: a detached thread, at most one per open pipe, that tells the kernel once it is ready. */
static void *watch(void *arg)
{
	struct hp_pipe *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->closing) {
		int r = hc_fs_poll(p->s, p->h, p->want, PIPE_WATCH_MS);
		if (r < 0 || (r & (p->want | POLLHUP | POLLERR)))
			break;
		pthread_mutex_unlock(&p->lock);
		sched_yield();   /* let a read or write in between */
		pthread_mutex_lock(&p->lock);
	}
	if (p->ph && !p->closing)
		fuse_lowlevel_notify_poll(p->ph);
	if (p->ph)
		fuse_pollhandle_destroy(p->ph);
	p->ph = NULL;
	p->watching = 0;
	pthread_cond_signal(&p->done);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Give @ph to the watcher, starting it if none runs (p->lock held). */
static void watch_for(struct hp_pipe *p, struct fuse_pollhandle *ph, short want)
{
	pthread_attr_t attr;
	pthread_t t;

	if (p->ph)
		fuse_pollhandle_destroy(p->ph);   /* the newer poll of the same file replaces it */
	p->ph = ph;
	p->want = want;
	if (p->watching)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	p->watching = pthread_create(&t, &attr, watch, p) == 0;
	pthread_attr_destroy(&attr);
	if (!p->watching) {
		fuse_pollhandle_destroy(ph);
		p->ph = NULL;
	}
}

/* At release: the watcher, if any, is gone before the pipe is. */
static void stop_watching(struct hp_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	p->closing = 1;
	while (p->watching)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

static void hp_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	struct hp_pipe *p = (struct hp_pipe *)(uintptr_t)fi->fh;
	short can = p->accmode == O_RDONLY ? POLLIN : p->accmode == O_WRONLY ? POLLOUT
		    : (POLLIN | POLLOUT);
	short want = (short)(fi->poll_events & can) ? (short)(fi->poll_events & can) : can;
	int r;

	(void)ino;
	pthread_mutex_lock(&p->lock);
	r = hc_fs_poll(p->s, p->h, want, 0);
	if (r >= 0 && ph && !(r & (want | POLLHUP | POLLERR)))
		watch_for(p, ph, want);
	else if (ph)
		fuse_pollhandle_destroy(ph);
	pthread_mutex_unlock(&p->lock);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_poll(req, (unsigned)r);
}

static void hp_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hp_pipe *p = (struct hp_pipe *)(uintptr_t)fi->fh;

	(void)ino;
	stop_watching(p);
	hc_close(p->s, p->h);
	hc_disconnect(p->s);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p);
	fuse_reply_err(req, 0);
}

static void hp_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs st = { .f_bsize = 4096, .f_namemax = NAME_MAX };

	(void)ino;
	fuse_reply_statfs(req, &st);
}

static void hp_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->max_write = HC_IO_MAX_BYTES;
	conn->max_read = HC_IO_MAX_BYTES;
	conn->want |= conn->capable & FUSE_CAP_ATOMIC_O_TRUNC;
	conn->want &= ~(unsigned)(FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_READDIRPLUS);
}

const struct fuse_lowlevel_ops hp_ops = {
	.init = hp_init,
	.lookup = hp_lookup,
	.forget = hp_forget,
	.getattr = hp_getattr,
	.setattr = hp_setattr,
	.unlink = hp_unlink,
	.mkdir = hp_refuse,
	.readdir = hp_readdir,
	.open = hp_open,
	.read = hp_read,
	.write = hp_write,
	.poll = hp_poll,
	.release = hp_release,
	.statfs = hp_statfs,
};
