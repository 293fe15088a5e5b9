/* ops_data.c: hostfs's FUSE operations on open files and directories, extended attributes and locks. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "hostfs.h"

#define DIR_BATCH_BYTES (256 * 1024)
#define LOCK_RETRY_MAX_MS 50

static void unlock_reply_err(fuse_req_t req, int r)
{
	r = hf_check(&hf, r);
	pthread_mutex_unlock(&hf.lock);
	fuse_reply_err(req, -r);
}

/* The open flags the host is asked for: what the kernel leaves to the file system. */
static int host_open_flags(int flags)
{
	int keep = O_ACCMODE | O_APPEND | O_TRUNC | O_NONBLOCK | O_SYNC | O_DSYNC | O_DIRECTORY;

	flags &= keep;
	if (hf.opt.cache == HF_CACHE_ALWAYS && (flags & O_ACCMODE) == O_WRONLY)
		flags = (flags & ~O_ACCMODE) | O_RDWR;   /* the writeback cache reads pages in */
	if (hf.opt.cache == HF_CACHE_ALWAYS)
		flags &= ~O_APPEND;                      /* the kernel places appends itself */
	return flags;
}

/* Whether a file opened with @flags goes through the page cache (cache_policy). */
static int open_is_cached(int flags)
{
	return hf.opt.cache == HF_CACHE_ALWAYS ||
	       (hf.opt.cache == HF_CACHE_AUTO && (flags & O_ACCMODE) != O_WRONLY);
}

/* How the kernel may cache the file just opened with attributes @st. */
static void cache_policy(struct hf_inode *in, const struct stat *st, struct fuse_file_info *fi)
{
	if (hf.opt.cache == HF_CACHE_NEVER) {
		fi->direct_io = 1;
	} else if (hf.opt.cache == HF_CACHE_ALWAYS) {
		fi->keep_cache = 1;
	} else {
		fi->keep_cache = in->mtime.tv_sec == st->st_mtim.tv_sec &&
				 in->mtime.tv_nsec == st->st_mtim.tv_nsec && in->size == st->st_size;
		/*
		 * Written only, never mapped (mmap needs read access): straight to the
		 * host. Through the page cache, a write not on page boundaries (tar's)
		 * goes as two requests, and every byte is copied once more.
		 */
		fi->direct_io = !open_is_cached(fi->flags);
	}
	if (S_ISREG(st->st_mode) && open_is_cached(fi->flags))
		in->cached_opens++;   /* until its release */
	in->mtime = st->st_mtim;
	in->size = st->st_size;
	if (!S_ISREG(st->st_mode)) {
		fi->direct_io = 1;
		fi->nonseekable = S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode);
	}
}

void hf_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hf_inode *in;
	struct stat st;
	int h = hf_lock_inode(&hf, ino, &in), fh;

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	if (S_ISFIFO(in->type) || S_ISSOCK(in->type) || S_ISCHR(in->type) || S_ISBLK(in->type)) {
		unlock_reply_err(req, -ENXIO);   /* a host pipe or device: use /hostpipe */
		return;
	}
	fh = hf_check(&hf, hc_fs_openat(hf.s, h, "", host_open_flags(fi->flags), 0, NULL, &st));
	if (fh < 0) {
		unlock_reply_err(req, fh);
		return;
	}
	cache_policy(in, &st, fi);
	fi->fh = hf_fh_of(&hf, fh);   /* under the lock: of this session, not of a reconnect's */
	pthread_mutex_unlock(&hf.lock);
	if (fuse_reply_open(req, fi) != 0) {   /* interrupted: no release will come */
		pthread_mutex_lock(&hf.lock);
		if (hf_fh_handle(&hf, fi->fh) >= 0)
			hf_drop(&hf, fh);
		if (open_is_cached(fi->flags) && in->cached_opens)
			in->cached_opens--;
		pthread_mutex_unlock(&hf.lock);
	}
}

void hf_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	       struct fuse_file_info *fi)
{
	struct fuse_entry_param ep;
	struct hc_fs_entry e;
	struct hf_inode *dir, *in;
	int flags = host_open_flags(fi->flags) | O_CREAT | (fi->flags & O_EXCL) | O_NOFOLLOW;
	int h = hf_lock_inode(&hf, parent, &dir), fh;

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	fh = hf_check(&hf, hc_fs_openat(hf.s, h, name, flags, mode, &e.handle, &e.st));
	if (hf_space_back(&hf, fh))
		fh = hf_check(&hf, hc_fs_openat(hf.s, h, name, flags, mode, &e.handle, &e.st));
	if (fh < 0) {
		unlock_reply_err(req, fh);
		return;
	}
	if (!(in = hf_inode_add(&hf, &e, parent, name))) {
		hf_drop(&hf, fh);
		unlock_reply_err(req, -ENOMEM);
		return;
	}
	cache_policy(in, &e.st, fi);
	fi->fh = hf_fh_of(&hf, fh);
	pthread_mutex_unlock(&hf.lock);
	memset(&ep, 0, sizeof(ep));
	ep.ino = hf_nodeid(&hf, in);
	ep.attr = e.st;
	ep.attr_timeout = hf.opt.attr_timeout;
	ep.entry_timeout = hf.opt.entry_timeout;
	if (fuse_reply_create(req, &ep, fi) != 0) {
		pthread_mutex_lock(&hf.lock);
		if (hf_fh_handle(&hf, fi->fh) >= 0)
			hf_drop(&hf, fh);
		if (open_is_cached(fi->flags) && in->cached_opens)
			in->cached_opens--;
		hf_inode_forget(&hf, in, 1);
		pthread_mutex_unlock(&hf.lock);
	}
}

/*
 * hf.lock, the live session and the host handle of open file @fi, which must
 * be of this session. Returns: 0 or -errno (unlocked then: -ESTALE for a file
 * opened before a reconnect).
 */
static int lock_file(const struct fuse_file_info *fi, hc_handle_t *fh)
{
	pthread_mutex_lock(&hf.lock);
	if (!hf_live(&hf)) {
		pthread_mutex_unlock(&hf.lock);
		return -EIO;
	}
	if ((*fh = hf_fh_handle(&hf, fi->fh)) < 0) {
		pthread_mutex_unlock(&hf.lock);
		return *fh;
	}
	return 0;
}

/* Answered from where the bytes arrived (over kvm: shared memory), before the next call reuses it. */
void hf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	const void *data = NULL;
	hc_handle_t fh;
	ssize_t n;
	int r = lock_file(fi, &fh);

	(void)ino;
	if (r != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	n = hf_check(&hf, (int)hc_fs_pread_view(hf.s, fh, size, (uint64_t)off, &data));
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, data, (size_t)n);
	pthread_mutex_unlock(&hf.lock);
}

/*
 * A write that went past the page cache (a write-only file under cache=auto)
 * leaves pages another open file of @ino cached, or mapped, stale: the kernel
 * is told to drop them (older kernels do not themselves), outside hf.lock: it
 * may wait for a read of those pages that another thread answers.
 */
void hf_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
	      struct fuse_file_info *fi)
{
	hc_handle_t fh;
	ssize_t n;
	int r = lock_file(fi, &fh), stale;

	if (r != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	n = hf_check(&hf, (int)hc_fs_pwrite(hf.s, fh, buf, size, (uint64_t)off));
	if (hf_space_back(&hf, n))
		n = hf_check(&hf, (int)hc_fs_pwrite(hf.s, fh, buf, size, (uint64_t)off));
	stale = n > 0 && !open_is_cached(fi->flags) && hf_inode_of(ino)->cached_opens;
	pthread_mutex_unlock(&hf.lock);
	if (stale)
		fuse_lowlevel_notify_inval_inode(hf.se, ino, off, n);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_write(req, (size_t)n);
}

/* Remember that a lock was taken through open file @fh (hf.lock held). */
static void mark_locked(hc_handle_t fh)
{
	size_t n = hf.nlocked;
	unsigned char *l;

	if ((size_t)fh >= n) {
		while (n <= (size_t)fh)
			n = n ? n * 2 : 1024;
		if (!(l = realloc(hf.locked, n)))
			return;   /* then flush unlocks as if none had been taken: harmless */
		memset(l + hf.nlocked, 0, n - hf.nlocked);
		hf.locked = l;
		hf.nlocked = n;
	}
	hf.locked[fh] = 1;
}

static int was_locked(hc_handle_t fh)
{
	return (size_t)fh < hf.nlocked && hf.locked[fh];
}

/* A close of a descriptor: POSIX drops the closing process's record locks on the file. */
void hf_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct flock fl = { .l_type = F_UNLCK, .l_whence = SEEK_SET };
	hc_handle_t fh;
	int r = lock_file(fi, &fh);

	(void)ino;
	if (r != 0) {
		fuse_reply_err(req, r == -ESTALE ? 0 : -r);
		return;
	}
	r = fi->lock_owner && was_locked(fh) ? hc_fs_lock(hf.s, fh, &fl, 0) : 0;
	unlock_reply_err(req, r == -EBADF ? 0 : r);
}

/* The host file closes with the next batch; at once if it was locked, so that its locks go now. */
void hf_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hf_inode *in;
	int locked = 0;

	pthread_mutex_lock(&hf.lock);
	in = hf_inode_of(ino);
	if (open_is_cached(fi->flags) && in->cached_opens)
		in->cached_opens--;
	if (hf.s && hf_fh_handle(&hf, fi->fh) >= 0) {
		hc_handle_t fh = hf_fh_handle(&hf, fi->fh);
		hf_drop(&hf, fh);
		if ((locked = was_locked(fh)))
			hf.locked[fh] = 0;   /* its number may come back for another file */
	}
	if (locked)
		hf_flush_dropped(&hf);
	else
		hf_flush_dropped_soon(&hf);
	pthread_mutex_unlock(&hf.lock);
	fuse_reply_err(req, 0);
}

void hf_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	hc_handle_t fh;
	int r = lock_file(fi, &fh);

	(void)ino;
	if (r != 0)
		fuse_reply_err(req, -r);
	else
		unlock_reply_err(req, hc_fs_fsync(hf.s, fh, datasync));
}

void hf_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
		  struct fuse_file_info *fi)
{
	hc_handle_t fh;
	int r = lock_file(fi, &fh);

	(void)ino;
	if (r != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	r = hc_fs_fallocate(hf.s, fh, mode, (uint64_t)off, (uint64_t)len);
	if (hf_space_back(&hf, r))
		r = hc_fs_fallocate(hf.s, fh, mode, (uint64_t)off, (uint64_t)len);
	unlock_reply_err(req, r);
}

void hf_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			struct fuse_file_info *fi_in, fuse_ino_t ino_out, off_t off_out,
			struct fuse_file_info *fi_out, size_t len, int flags)
{
	hc_handle_t in, out;
	ssize_t n;
	int r = flags ? -EINVAL : lock_file(fi_in, &in);

	(void)ino_in;
	(void)ino_out;
	if (r == 0 && (out = hf_fh_handle(&hf, fi_out->fh)) < 0) {
		pthread_mutex_unlock(&hf.lock);
		r = out;
	}
	if (r != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	n = hf_check(&hf, (int)hc_fs_copy_file_range(hf.s, in, (uint64_t)off_in, out,
						     (uint64_t)off_out, len));
	if (hf_space_back(&hf, n))
		n = hf_check(&hf, (int)hc_fs_copy_file_range(hf.s, in, (uint64_t)off_in, out,
							     (uint64_t)off_out, len));
	pthread_mutex_unlock(&hf.lock);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_write(req, (size_t)n);
}

/* ---- directories: one open directory on the host, read in large batches ---- */

struct hf_dir {
	hc_handle_t handle;
	struct hc_fs_dirent *ents;
	int n, eof, plus;
	uint64_t base;           /* the cookie the batch was read from */
	unsigned gen;
};

/* Let go of a batch; entries looked up but never given to the kernel lose their handles. */
static void batch_free(struct hf_dir *d)
{
	for (int i = 0; i < d->n; i++)
		if (d->ents[i].has_entry && d->gen == hf.gen)
			hf_drop(&hf, d->ents[i].entry.handle);
	hc_fs_dirents_free(d->ents, d->n);
	d->ents = NULL;
	d->n = 0;
}

/*
 * How the kernel may cache the listing of directory @in, just opened with
 * attributes @st: as a file's pages (cache_policy), kept while its modification
 * time is unchanged at the next open; the kernel drops it itself when this
 * guest changes the directory.
 */
static void dir_cache_policy(struct hf_inode *in, const struct stat *st, struct fuse_file_info *fi)
{
	fi->cache_readdir = hf.opt.cache != HF_CACHE_NEVER;
	fi->keep_cache = hf.opt.cache == HF_CACHE_ALWAYS ||
			 (hf.opt.cache == HF_CACHE_AUTO && in->mtime.tv_sec == st->st_mtim.tv_sec &&
			  in->mtime.tv_nsec == st->st_mtim.tv_nsec);
	in->mtime = st->st_mtim;
}

void hf_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hf_inode *in;
	struct stat st;
	struct hf_dir *d = calloc(1, sizeof(*d));
	int h = d ? hf_lock_inode(&hf, ino, &in) : -ENOMEM, fh;

	if (h < 0) {
		free(d);
		fuse_reply_err(req, -h);
		return;
	}
	fh = hf_check(&hf, hc_fs_openat(hf.s, h, "", O_RDONLY | O_DIRECTORY, 0, NULL, &st));
	if (fh < 0) {
		free(d);
		unlock_reply_err(req, fh);
		return;
	}
	d->handle = fh;
	d->gen = hf.gen;
	dir_cache_policy(in, &st, fi);
	pthread_mutex_unlock(&hf.lock);
	fi->fh = (uint64_t)(uintptr_t)d;
	if (fuse_reply_open(req, fi) != 0) {
		pthread_mutex_lock(&hf.lock);
		hf_drop(&hf, fh);
		pthread_mutex_unlock(&hf.lock);
		free(d);
	}
}

/* The index in the batch of the entry after cookie @off, reading a new batch if needed. */
static int batch_at(struct hf_dir *d, uint64_t off, int plus, int *at)
{
	int r;

	if (d->gen != hf.gen)
		return -ESTALE;
	if (d->plus == plus && d->ents && off == d->base && off != 0) {
		*at = 0;   /* at 0 it is read again: rewinddir() must see what changed */
		return 0;
	}
	for (int i = 0; d->plus == plus && i < d->n; i++) {
		if (d->ents[i].cookie == off) {
			*at = i + 1;
			if (*at < d->n || d->eof)
				return 0;
		}
	}
	batch_free(d);
	r = hc_fs_getdents(hf.s, d->handle, off, DIR_BATCH_BYTES, plus, &d->ents, &d->eof);
	if (r < 0)
		return r;
	d->n = r;
	d->base = off;
	d->plus = plus;
	*at = 0;
	return 0;
}

/* One entry into @buf; a plus entry hands its handle to the inode table. Returns: its size. */
static size_t add_entry(fuse_req_t req, fuse_ino_t dir, char *buf, size_t left,
			struct hc_fs_dirent *e, int plus)
{
	struct stat st = { .st_ino = e->ino, .st_mode = (mode_t)e->type << 12 };
	struct fuse_entry_param ep;
	struct hf_inode *in;
	size_t n;

	if (!plus)
		return fuse_add_direntry(req, buf, left, e->name, &st, (off_t)e->cookie);
	memset(&ep, 0, sizeof(ep));
	ep.attr = e->has_entry ? e->entry.st : st;
	if (e->has_entry) {
		ep.attr_timeout = hf.opt.attr_timeout;
		ep.entry_timeout = hf.opt.entry_timeout;
	}
	n = fuse_add_direntry_plus(req, buf, left, e->name, &ep, (off_t)e->cookie);
	if (n > left || !e->has_entry)
		return n;
	if ((in = hf_inode_add(&hf, &e->entry, dir, e->name))) {
		ep.ino = hf_nodeid(&hf, in);
		fuse_add_direntry_plus(req, buf, left, e->name, &ep, (off_t)e->cookie);
	}
	e->has_entry = 0;   /* the table has it now (or dropped it) */
	return n;
}

static void read_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi, int plus)
{
	struct hf_dir *d = (struct hf_dir *)(uintptr_t)fi->fh;
	char *buf = malloc(size);
	struct hf_inode *in;
	size_t used = 0;
	int at = 0, r = buf ? hf_lock_inode(&hf, ino, &in) : -ENOMEM;

	if (r > 0)
		r = 0;   /* the directory's handle: the open one in fi is what is read */

	if (r != 0) {
		free(buf);
		fuse_reply_err(req, -r);
		return;
	}
	for (;;) {
		if ((r = hf_check(&hf, batch_at(d, (uint64_t)off, plus, &at))) != 0 || at >= d->n)
			break;
		for (; at < d->n; at++) {
			size_t n = add_entry(req, ino, buf + used, size - used, &d->ents[at], plus);
			if (n > size - used)
				goto full;
			used += n;
			off = (off_t)d->ents[at].cookie;
		}
		if (d->eof)
			break;
	}
full:
	pthread_mutex_unlock(&hf.lock);
	if (r != 0 && used == 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

void hf_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi)
{
	read_dir(req, ino, size, off, fi, 0);
}

void hf_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	read_dir(req, ino, size, off, fi, 1);
}

void hf_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hf_dir *d = (struct hf_dir *)(uintptr_t)fi->fh;

	(void)ino;
	pthread_mutex_lock(&hf.lock);
	batch_free(d);
	if (d->gen == hf.gen)
		hf_drop(&hf, d->handle);
	hf_flush_dropped_soon(&hf);
	pthread_mutex_unlock(&hf.lock);
	free(d);
	fuse_reply_err(req, 0);
}

/* ---- locks: the host never blocks; a waiting lock is retried here, and interruptible ---- */

static void nap(int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

void hf_getlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, struct flock *lock)
{
	hc_handle_t fh;
	int r = lock_file(fi, &fh);

	(void)ino;
	if (r != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	r = hf_check(&hf, hc_fs_lock(hf.s, fh, lock, 1));
	pthread_mutex_unlock(&hf.lock);
	if (r != 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_lock(req, lock);
}

/* Try @try until it stops saying -EAGAIN, or only once unless @wait; a signal ends the wait. */
static int retry_lock(fuse_req_t req, int wait, int (*try)(hc_handle_t, void *),
		      struct fuse_file_info *fi, void *arg)
{
	hc_handle_t fh;
	int r, ms = 1;

	for (;;) {
		if ((r = lock_file(fi, &fh)) != 0)
			return r;
		r = hf_check(&hf, try(fh, arg));
		if (r == 0)
			mark_locked(fh);
		pthread_mutex_unlock(&hf.lock);
		if (r != -EAGAIN || !wait)
			return r;
		if (fuse_req_interrupted(req))
			return -EINTR;
		nap(ms);
		ms = ms * 2 > LOCK_RETRY_MAX_MS ? LOCK_RETRY_MAX_MS : ms * 2;
	}
}

static int try_record_lock(hc_handle_t fh, void *arg)
{
	return hc_fs_lock(hf.s, fh, arg, 0);
}

static int try_flock(hc_handle_t fh, void *arg)
{
	int r = hc_fs_flock(hf.s, fh, *(int *)arg);

	return r == -EWOULDBLOCK ? -EAGAIN : r;
}

/* A lock that must wait, waited for on a thread of its own: no FUSE worker is held by it. */
struct lock_wait {
	fuse_req_t req;
	struct fuse_file_info fi;   /* its fh */
	int is_flock, op;
	struct flock fl;
};

static void reply_lock_result(fuse_req_t req, int is_flock, int r)
{
	fuse_reply_err(req, is_flock && r == -EAGAIN ? EWOULDBLOCK : -r);
}

static void *lock_waiter(void *arg)
{
	struct lock_wait *w = arg;
	int r = w->is_flock ? retry_lock(w->req, 1, try_flock, &w->fi, &w->op)
			    : retry_lock(w->req, 1, try_record_lock, &w->fi, &w->fl);

	reply_lock_result(w->req, w->is_flock, r);
	free(w);
	return NULL;
}

/* Try once here; if the lock is held and the caller waits, wait on a new thread. */
static void lock_or_wait(fuse_req_t req, struct fuse_file_info *fi, int wait, int is_flock,
			 int op, const struct flock *fl)
{
	struct lock_wait *w;
	pthread_attr_t attr;
	pthread_t t;
	int r = is_flock ? retry_lock(req, 0, try_flock, fi, &op)
			 : retry_lock(req, 0, try_record_lock, fi, (void *)fl);

	if (r != -EAGAIN || !wait || !(w = calloc(1, sizeof(*w)))) {
		reply_lock_result(req, is_flock, r);
		return;
	}
	*w = (struct lock_wait){ req, *fi, is_flock, op, *fl };
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, lock_waiter, w) != 0)
		lock_waiter(w);   /* no thread to spare: wait here */
	pthread_attr_destroy(&attr);
}

void hf_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, struct flock *lock,
	      int sleep)
{
	(void)ino;
	lock_or_wait(req, fi, sleep, 0, 0, lock);
}

void hf_flock(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, int op)
{
	static const struct flock none;

	(void)ino;
	lock_or_wait(req, fi, !(op & LOCK_NB), 1, op, &none);
}

void hf_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
	     struct fuse_pollhandle *ph)
{
	hc_handle_t fh;
	int r = lock_file(fi, &fh);

	(void)ino;
	if (ph)
		fuse_pollhandle_destroy(ph);   /* a host file is always ready: nothing to notify later */
	if (r != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	r = hf_check(&hf, hc_fs_poll(hf.s, fh, POLLIN | POLLOUT, 0));
	pthread_mutex_unlock(&hf.lock);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_poll(req, (unsigned)r);
}

/* ---- extended attributes, on the inode's O_PATH handle ---- */

/*
 * The guest's kernel asks for security.capability before every write to a
 * file, to drop it (the host's kernel does that anyway). That the host file
 * has none is kept as its attributes are, for attr_timeout, and forgotten when
 * this guest sets or removes that xattr.
 */
#define CAPABILITY_XATTR "security.capability"

static int is_capability(const char *name)
{
	return name && strcmp(name, CAPABILITY_XATTR) == 0;
}

static int known_without_capability(const struct hf_inode *in)
{
	return in->nocap_until > hf_now_ns();
}

static void note_capability(struct hf_inode *in, int absent)
{
	in->nocap_until = absent ? hf_now_ns() + (int64_t)(hf.opt.attr_timeout * 1e9) : 0;
}

void hf_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
		 size_t size, int flags)
{
	struct hf_inode *in;
	int h = hf_lock_inode(&hf, ino, &in);

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	if (is_capability(name))
		note_capability(in, 0);
	unlock_reply_err(req, hc_fs_setxattr(hf.s, h, name, value, size, flags));
}

/* GETXATTR (@name) or LISTXATTR (@name NULL): the size when @size is 0, else the bytes. */
static void xattr_reply(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct hf_inode *in;
	char *buf = size ? malloc(size) : NULL;
	int h = size && !buf ? -ENOMEM : hf_lock_inode(&hf, ino, &in);
	ssize_t n;

	if (h < 0) {
		free(buf);
		fuse_reply_err(req, -h);
		return;
	}
	if (is_capability(name) && known_without_capability(in))
		n = -ENODATA;
	else if (name)
		n = hf_check(&hf, (int)hc_fs_getxattr(hf.s, h, name, buf, size));
	else
		n = hf_check(&hf, (int)hc_fs_listxattr(hf.s, h, buf, size));
	if (is_capability(name) && hf.opt.attr_timeout > 0)
		note_capability(in, n == -ENODATA);
	pthread_mutex_unlock(&hf.lock);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else if (!size)
		fuse_reply_xattr(req, (size_t)n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	free(buf);
}

void hf_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	xattr_reply(req, ino, name, size);
}

void hf_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	xattr_reply(req, ino, NULL, size);
}

void hf_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct hf_inode *in;
	int h = hf_lock_inode(&hf, ino, &in);

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	if (is_capability(name))
		note_capability(in, 0);
	unlock_reply_err(req, hc_fs_removexattr(hf.s, h, name));
}
