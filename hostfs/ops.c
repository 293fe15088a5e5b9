/* ops.c: hostfs's FUSE operations on names and attributes, each one hostcall on a handle and a name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostfs.h"

int hf_lock_inode(struct hostfs *f, fuse_ino_t ino, struct hf_inode **in)
{
	int h;

	pthread_mutex_lock(&f->lock);
	*in = hf_inode_of(ino);
	h = hf_inode_handle(f, *in);
	if (h < 0)
		pthread_mutex_unlock(&f->lock);
	return h;
}

/* Unlock and answer @r (0: success, with nothing more to say). */
static void reply_done(fuse_req_t req, struct hostfs *f, int r)
{
	r = hf_check(f, r);
	pthread_mutex_unlock(&f->lock);
	fuse_reply_err(req, -r);
}

void hf_reply_entry(fuse_req_t req, struct hostfs *f, int r, const struct hc_fs_entry *e,
		    fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param ep;
	struct hf_inode *in;

	r = hf_check(f, r);
	if (r == -EMFILE && f->count > 256) {
		f->opt.max_inodes = f->count * 3 / 4;   /* the host holds fewer than we thought */
		pthread_cond_signal(&f->reap);
	}
	if (r == 0 && !(in = hf_inode_add(f, e, parent, name)))
		r = -ENOMEM;
	pthread_mutex_unlock(&f->lock);
	if (r != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	memset(&ep, 0, sizeof(ep));
	ep.ino = hf_nodeid(f, in);
	ep.attr = e->st;
	ep.attr_timeout = f->opt.attr_timeout;
	ep.entry_timeout = f->opt.entry_timeout;
	if (fuse_reply_entry(req, &ep) != 0) {
		pthread_mutex_lock(&f->lock);
		hf_inode_forget(f, in, 1);   /* the kernel never took it */
		pthread_mutex_unlock(&f->lock);
	}
}

/* A name the host does not have: the kernel remembers that for @timeout s (node id 0). */
static void reply_absent(fuse_req_t req, double timeout)
{
	struct fuse_entry_param ep;

	memset(&ep, 0, sizeof(ep));
	ep.entry_timeout = timeout;
	fuse_reply_entry(req, &ep);
}

static void hf_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct hf_inode *dir;
	struct hc_fs_entry e;
	int h = hf_lock_inode(&hf, parent, &dir), r;

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	r = hc_fs_lookup(hf.s, h, name, &e);
	if (r == -ENOENT && hf.opt.negative_timeout > 0) {
		pthread_mutex_unlock(&hf.lock);
		reply_absent(req, hf.opt.negative_timeout);
		return;
	}
	hf_reply_entry(req, &hf, r, &e, parent, name);
}

static void hf_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	pthread_mutex_lock(&hf.lock);
	hf_inode_forget(&hf, hf_inode_of(ino), nlookup);
	hf_flush_dropped_soon(&hf);   /* an unlinked file's space is the host's again */
	pthread_mutex_unlock(&hf.lock);
	fuse_reply_none(req);
}

static void hf_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *fd)
{
	pthread_mutex_lock(&hf.lock);
	for (size_t i = 0; i < count; i++)
		hf_inode_forget(&hf, hf_inode_of(fd[i].ino), fd[i].nlookup);
	hf_flush_dropped_soon(&hf);
	pthread_mutex_unlock(&hf.lock);
	fuse_reply_none(req);
}

static void reply_attr(fuse_req_t req, int h)
{
	struct stat st;
	int r = hf_check(&hf, hc_fs_fstatat(hf.s, h, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));

	pthread_mutex_unlock(&hf.lock);
	if (r != 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_attr(req, &st, hf.opt.attr_timeout);
}

static void hf_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hf_inode *in;
	int h = hf_lock_inode(&hf, ino, &in);

	(void)fi;
	if (h < 0)
		fuse_reply_err(req, -h);
	else
		reply_attr(req, h);
}

/* FUSE's setattr as one SETATTR hostcall. */
static int set_attrs(int h, int fh, const struct stat *a, int valid, struct stat *out)
{
	struct stat v = *a;
	int set = (valid & FUSE_SET_ATTR_MODE ? HC_FS_SET_MODE : 0) |
		  (valid & FUSE_SET_ATTR_UID ? HC_FS_SET_UID : 0) |
		  (valid & FUSE_SET_ATTR_GID ? HC_FS_SET_GID : 0) |
		  (valid & FUSE_SET_ATTR_SIZE ? HC_FS_SET_SIZE : 0) |
		  (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW) ? HC_FS_SET_ATIME : 0) |
		  (valid & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW) ? HC_FS_SET_MTIME : 0);

	if (valid & FUSE_SET_ATTR_ATIME_NOW)
		v.st_atim.tv_nsec = UTIME_NOW;
	if (valid & FUSE_SET_ATTR_MTIME_NOW)
		v.st_mtim.tv_nsec = UTIME_NOW;
	return hc_fs_setattr(hf.s, h, fh, &v, set, out);
}

static void hf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int valid,
		       struct fuse_file_info *fi)
{
	struct hf_inode *in;
	struct stat st;
	int h = hf_lock_inode(&hf, ino, &in), fh, r;

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	fh = fi ? hf_fh_handle(&hf, fi->fh) : -1;
	r = hf_check(&hf, set_attrs(h, fh < 0 ? -1 : fh, attr, valid, &st));
	pthread_mutex_unlock(&hf.lock);
	if (r != 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_attr(req, &st, hf.opt.attr_timeout);
}

static void hf_readlink(fuse_req_t req, fuse_ino_t ino)
{
	char buf[4097];
	struct hf_inode *in;
	int h = hf_lock_inode(&hf, ino, &in);
	ssize_t r;

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	r = hf_check(&hf, (int)hc_fs_readlinkat(hf.s, h, "", buf, sizeof(buf)));
	pthread_mutex_unlock(&hf.lock);
	if (r < 0)
		fuse_reply_err(req, (int)-r);
	else
		fuse_reply_readlink(req, buf);
}

static void make(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	struct hf_inode *dir;
	struct hc_fs_entry e;
	int h = hf_lock_inode(&hf, parent, &dir), r;

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	r = hc_fs_mknodat(hf.s, h, name, mode, rdev, &e);
	if (hf_space_back(&hf, r))
		r = hc_fs_mknodat(hf.s, h, name, mode, rdev, &e);
	hf_reply_entry(req, &hf, r, &e, parent, name);
}

static void hf_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		     dev_t rdev)
{
	make(req, parent, name, mode, rdev);
}

static void hf_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	make(req, parent, name, S_IFDIR | (mode & 07777), 0);
}

static void remove_name(fuse_req_t req, fuse_ino_t parent, const char *name, int flags)
{
	struct hf_inode *dir;
	int h = hf_lock_inode(&hf, parent, &dir);

	if (h < 0)
		fuse_reply_err(req, -h);
	else
		reply_done(req, &hf, hc_fs_unlinkat(hf.s, h, name, flags));
}

static void hf_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_name(req, parent, name, 0);
}

static void hf_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_name(req, parent, name, AT_REMOVEDIR);
}

static void hf_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name)
{
	struct hf_inode *dir;
	struct hc_fs_entry e;
	int h = hf_lock_inode(&hf, parent, &dir);

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	hf_reply_entry(req, &hf, hc_fs_symlinkat(hf.s, target, h, name, &e), &e, parent, name);
}

/* The live handles of two inodes, under one lock. Returns: 0 or -errno (unlocked then). */
static int lock_two(fuse_ino_t a, fuse_ino_t b, int *ha, int *hb)
{
	struct hf_inode *in;

	if ((*ha = hf_lock_inode(&hf, a, &in)) < 0)
		return *ha;
	if ((*hb = hf_inode_handle(&hf, hf_inode_of(b))) < 0) {
		pthread_mutex_unlock(&hf.lock);
		return *hb;
	}
	return 0;
}

static void hf_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		      const char *newname, unsigned int flags)
{
	int from, to, r = lock_two(parent, newparent, &from, &to);

	if (r != 0)
		fuse_reply_err(req, -r);
	else
		reply_done(req, &hf, hc_fs_renameat2(hf.s, from, name, to, newname, flags));
}

static void hf_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct hc_fs_entry e;
	int h, to, r = lock_two(ino, newparent, &h, &to);

	if (r != 0) {
		fuse_reply_err(req, -r);
		return;
	}
	hf_reply_entry(req, &hf, hc_fs_linkat(hf.s, h, "", to, newname, AT_EMPTY_PATH, &e), &e,
		       newparent, newname);
}

static void hf_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct hf_inode *in;
	struct statvfs st;
	int h = hf_lock_inode(&hf, ino, &in), r;

	if (h < 0) {
		fuse_reply_err(req, -h);
		return;
	}
	r = hf_check(&hf, hc_fs_fstatfs(hf.s, h, &st));
	pthread_mutex_unlock(&hf.lock);
	if (r != 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_statfs(req, &st);
}

static void hf_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct hf_inode *in;
	int h = hf_lock_inode(&hf, ino, &in);

	if (h < 0)
		fuse_reply_err(req, -h);
	else
		reply_done(req, &hf, hc_fs_faccessat(hf.s, h, "", mask, AT_EMPTY_PATH));
}

static void hf_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->max_write = HC_IO_MAX_BYTES;
	conn->max_read = HC_IO_MAX_BYTES;   /* as the max_read mount option says */
	/* the kernel keeps the smaller of this and the mount's sysfs readahead */
	conn->max_readahead = hf.opt.read_ahead_kb > HC_IO_MAX_BYTES / 1024
				      ? hf.opt.read_ahead_kb * 1024u : HC_IO_MAX_BYTES;
	/*
	 * HANDLE_KILLPRIV: the host's kernel drops set-id bits and security.capability
	 * when the shadow writes, truncates or chowns. The guest's kernel still asks
	 * for that xattr before each write (see hf_getxattr).
	 */
	conn->want |= conn->capable & (FUSE_CAP_POSIX_LOCKS | FUSE_CAP_FLOCK_LOCKS |
				       FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO |
				       FUSE_CAP_DONT_MASK | FUSE_CAP_HANDLE_KILLPRIV);
	if (hf.opt.cache == HF_CACHE_ALWAYS)
		conn->want |= conn->capable & FUSE_CAP_WRITEBACK_CACHE;
	else
		conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE;
}

const struct fuse_lowlevel_ops hf_ops = {
	.init = hf_init,
	.lookup = hf_lookup,
	.forget = hf_forget,
	.forget_multi = hf_forget_multi,
	.getattr = hf_getattr,
	.setattr = hf_setattr,
	.readlink = hf_readlink,
	.mknod = hf_mknod,
	.mkdir = hf_mkdir,
	.unlink = hf_unlink,
	.rmdir = hf_rmdir,
	.symlink = hf_symlink,
	.rename = hf_rename,
	.link = hf_link,
	.statfs = hf_statfs,
	.access = hf_access,
	.open = hf_open,
	.create = hf_create,
	.read = hf_read,
	.write = hf_write,
	.flush = hf_flush,
	.release = hf_release,
	.fsync = hf_fsync,
	.opendir = hf_opendir,
	.readdir = hf_readdir,
	.readdirplus = hf_readdirplus,
	.releasedir = hf_releasedir,
	.fallocate = hf_fallocate,
	.copy_file_range = hf_copy_file_range,
	.getlk = hf_getlk,
	.setlk = hf_setlk,
	.flock = hf_flock,
	.poll = hf_poll,
	.setxattr = hf_setxattr,
	.getxattr = hf_getxattr,
	.listxattr = hf_listxattr,
	.removexattr = hf_removexattr,
};
