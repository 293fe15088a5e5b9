/* fs.c: the file system hostcalls on names: lookup, attributes, open, create, link, rename, remove. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "errmap.h"
#include "fs.h"
#include "shadow.h"

int fs_dir_fd(struct shadow *sh, hc_handle dir)
{
	return dir == HC_AT_CWD ? AT_FDCWD : handles_fd(&sh->handles, dir);
}

int fs_check_name(const char *name, int flags)
{
	if (!*name)
		return flags & HC_AT_EMPTY_PATH ? 0 : -ENOENT;
	return strchr(name, '/') ? -EINVAL : 0;
}

void fs_proc_path(int fd, char buf[FS_PROC_PATH_LEN])
{
	snprintf(buf, FS_PROC_PATH_LEN, "/proc/self/fd/%d", fd);
}

int fs_is_opath(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && (fl & O_PATH);
}

int fs_statx(int dirfd, const char *name, int flags, hc_attr *attr)
{
	struct statx stx;

	if (statx(dirfd, name, flags, STATX_BASIC_STATS, &stx) != 0)
		return -errno;
	hc_attr_from_statx(&stx, attr);
	return 0;
}

/* The directory fd and checked name of a call. Returns: the fd or -errno. */
static int at(struct shadow *sh, hc_handle dir, const char *name, int flags)
{
	int fd = fs_dir_fd(sh, dir), r;

	if (fd < 0 && fd != AT_FDCWD)
		return fd;
	if ((r = fs_check_name(name, flags)) != 0)
		return r;
	if (!*name && fd == AT_FDCWD)
		return -EBADF;
	return fd;
}

int fs_lookup_entry(struct shadow *sh, int dirfd, const char *name, hc_entry *e)
{
	int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	if ((r = fs_statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, &e->attr)) != 0) {
		close(fd);
		return r;
	}
	e->handle = handles_add(&sh->handles, fd);
	return e->handle < 0 ? e->handle : 0;
}

int shadow_lookup(struct shadow *sh, void *args, void *res)
{
	hc_lookup_args *a = args;
	hc_entry_res *r = res;
	int fd = fs_dir_fd(sh, a->dir), e;

	if (fd < 0 && fd != AT_FDCWD)
		e = fd;
	else if (a->dir == HC_AT_CWD || (e = fs_check_name(a->name, 0)) == 0)
		e = fs_lookup_entry(sh, fd, a->name, &r->hc_entry_res_u.entry);   /* from the cwd: a path */
	r->err = hc_err_from_neg(e);
	return 0;
}

int shadow_forget(struct shadow *sh, void *args, void *res)
{
	hc_handle_list *l = args;

	for (u_int i = 0; i < l->hc_handle_list_len; i++)
		handles_close(&sh->handles, l->hc_handle_list_val[i]);
	*(hc_err *)res = HC_OK;
	return 0;
}

static int at_flags(int f)
{
	return (f & HC_AT_SYMLINK_NOFOLLOW ? AT_SYMLINK_NOFOLLOW : 0) |
	       (f & HC_AT_EMPTY_PATH ? AT_EMPTY_PATH : 0) |
	       (f & HC_AT_SYMLINK_FOLLOW ? AT_SYMLINK_FOLLOW : 0) |
	       (f & HC_AT_EACCESS ? AT_EACCESS : 0);
}

int shadow_fstatat(struct shadow *sh, void *args, void *res)
{
	hc_at_args *a = args;
	hc_attr_res *r = res;
	int fd = at(sh, a->dir, a->name, a->flags);

	r->err = hc_err_from_neg(fd < 0 && fd != AT_FDCWD ? fd
		       : fs_statx(fd, a->name, at_flags(a->flags), &r->hc_attr_res_u.attr));
	return 0;
}

/* Open what O_PATH descriptor @fd names, with @flags (never O_CREAT). Returns: the fd or -errno. */
static int reopen(int fd, int flags)
{
	char p[FS_PROC_PATH_LEN];
	int nfd;

	if (flags & O_CREAT)
		return -EINVAL;
	fs_proc_path(fd, p);
	nfd = open(p, flags | O_CLOEXEC | O_NOCTTY);
	return nfd < 0 ? -errno : nfd;
}

static int open_named(int dirfd, const hc_openat_args *a, int flags)
{
	int fd = openat(dirfd, a->name, flags | O_CLOEXEC | O_NOCTTY, (mode_t)(a->mode & 07777));

	return fd < 0 ? -errno : fd;
}

/* The O_PATH handle of a file just created through @fd. */
static int path_handle_of(struct shadow *sh, int fd)
{
	char p[FS_PROC_PATH_LEN];
	int pfd;

	fs_proc_path(fd, p);
	pfd = open(p, O_PATH | O_CLOEXEC);
	return pfd < 0 ? -errno : handles_add(&sh->handles, pfd);
}

static int do_openat(struct shadow *sh, const hc_openat_args *a, hc_opened *o)
{
	int dirfd = at(sh, a->dir, a->name, HC_AT_EMPTY_PATH);
	int flags = hc_oflags_to_local(a->flags), fd, r;

	if (dirfd < 0 && dirfd != AT_FDCWD)
		return dirfd;
	if (flags < 0)
		return -EINVAL;
	fd = *a->name ? open_named(dirfd, a, flags) : reopen(dirfd, flags);
	if (fd < 0)
		return fd;
	if ((r = fs_statx(fd, "", AT_EMPTY_PATH, &o->attr)) != 0) {
		close(fd);
		return r;
	}
	o->path_handle = -1;
	if ((flags & O_CREAT) && (o->path_handle = path_handle_of(sh, fd)) < 0) {
		close(fd);
		return o->path_handle;
	}
	if ((o->handle = handles_add(&sh->handles, fd)) < 0) {
		if (o->path_handle >= 0)
			handles_close(&sh->handles, o->path_handle);
		return o->handle;
	}
	return 0;
}

int shadow_openat(struct shadow *sh, void *args, void *res)
{
	hc_opened_res *r = res;

	r->err = hc_err_from_neg(do_openat(sh, args, &r->hc_opened_res_u.file));
	return 0;
}

static int make_node(int dirfd, const hc_mknod_args *a)
{
	mode_t perm = a->perm & 07777, fmt = hc_ftype_to_mode(a->type);

	if (a->type == HC_FT_DIR)
		return mkdirat(dirfd, a->name, perm) == 0 ? 0 : -errno;
	if (a->type == HC_FT_LNK || !fmt)
		return -EINVAL;
	return mknodat(dirfd, a->name, fmt | perm, (dev_t)a->rdev) == 0 ? 0 : -errno;
}

int shadow_mknodat(struct shadow *sh, void *args, void *res)
{
	hc_mknod_args *a = args;
	hc_entry_res *r = res;
	int fd = at(sh, a->dir, a->name, 0), e;

	e = fd < 0 && fd != AT_FDCWD ? fd : make_node(fd, a);
	if (e == 0)
		e = fs_lookup_entry(sh, fd, a->name, &r->hc_entry_res_u.entry);
	r->err = hc_err_from_neg(e);
	return 0;
}

int shadow_unlinkat(struct shadow *sh, void *args, void *res)
{
	hc_at_args *a = args;
	int fd = at(sh, a->dir, a->name, 0);

	if (fd >= 0 || fd == AT_FDCWD)
		fd = unlinkat(fd, a->name, a->flags & HC_AT_REMOVEDIR ? AT_REMOVEDIR : 0) == 0
			     ? 0 : -errno;
	*(hc_err *)res = hc_err_from_neg(fd);
	return 0;
}

static int rename_flags(int f)
{
	if (f & ~(HC_RENAME_NOREPLACE | HC_RENAME_EXCHANGE))
		return -EINVAL;
	return (f & HC_RENAME_NOREPLACE ? RENAME_NOREPLACE : 0) |
	       (f & HC_RENAME_EXCHANGE ? RENAME_EXCHANGE : 0);
}

int shadow_renameat2(struct shadow *sh, void *args, void *res)
{
	hc_rename2_args *a = args;
	int from = at(sh, a->olddir, a->oldname, 0), to = at(sh, a->newdir, a->newname, 0);
	int flags = rename_flags(a->flags), e;

	if (from < 0 && from != AT_FDCWD)
		e = from;
	else if (to < 0 && to != AT_FDCWD)
		e = to;
	else if (flags < 0)
		e = flags;
	else
		e = renameat2(from, a->oldname, to, a->newname, (unsigned)flags) == 0 ? 0 : -errno;
	*(hc_err *)res = hc_err_from_neg(e);
	return 0;
}

/* linkat; an empty old name links the handle's own inode, through its /proc path. */
static int do_link(int from, int to, const hc_link_args *a)
{
	char p[FS_PROC_PATH_LEN];

	if (*a->oldname)
		return linkat(from, a->oldname, to, a->newname, at_flags(a->flags) & AT_SYMLINK_FOLLOW)
		       == 0 ? 0 : -errno;
	fs_proc_path(from, p);
	return linkat(AT_FDCWD, p, to, a->newname, AT_SYMLINK_FOLLOW) == 0 ? 0 : -errno;
}

int shadow_linkat(struct shadow *sh, void *args, void *res)
{
	hc_link_args *a = args;
	hc_entry_res *r = res;
	int from = at(sh, a->olddir, a->oldname, a->flags), to = at(sh, a->newdir, a->newname, 0);
	int e;

	if (from < 0 && from != AT_FDCWD)
		e = from;
	else if (to < 0 && to != AT_FDCWD)
		e = to;
	else if (!*a->oldname && from == AT_FDCWD)
		e = -EBADF;
	else
		e = do_link(from, to, a);
	if (e == 0)
		e = fs_lookup_entry(sh, to, a->newname, &r->hc_entry_res_u.entry);
	r->err = hc_err_from_neg(e);
	return 0;
}

int shadow_symlinkat(struct shadow *sh, void *args, void *res)
{
	hc_symlink_args *a = args;
	hc_entry_res *r = res;
	int fd = at(sh, a->dir, a->name, 0), e;

	e = fd < 0 && fd != AT_FDCWD ? fd : symlinkat(a->target, fd, a->name) == 0 ? 0 : -errno;
	if (e == 0)
		e = fs_lookup_entry(sh, fd, a->name, &r->hc_entry_res_u.entry);
	r->err = hc_err_from_neg(e);
	return 0;
}

int shadow_readlinkat(struct shadow *sh, void *args, void *res)
{
	hc_at_args *a = args;
	hc_path_res *r = res;
	int fd = at(sh, a->dir, a->name, HC_AT_EMPTY_PATH);
	char *buf;
	ssize_t n;

	if (fd < 0 && fd != AT_FDCWD) {
		r->err = hc_err_from_neg(fd);
		return 0;
	}
	if (!(buf = malloc(HC_PATH_MAX + 1))) {
		r->err = HC_ENOMEM;
		return 0;
	}
	n = readlinkat(fd, a->name, buf, HC_PATH_MAX);
	if (n < 0) {
		r->err = hc_err_from_errno(errno);
		free(buf);
		return 0;
	}
	buf[n] = '\0';
	r->err = HC_OK;
	r->hc_path_res_u.path = buf;
	return 0;
}

int shadow_fstatfs(struct shadow *sh, void *args, void *res)
{
	hc_statfs_res *r = res;
	hc_statfs *o = &r->hc_statfs_res_u.st;
	int fd = handles_fd(&sh->handles, *(hc_handle *)args);
	struct statvfs v;

	if (fd < 0 || fstatvfs(fd, &v) != 0) {
		r->err = fd < 0 ? HC_EBADF : hc_err_from_errno(errno);
		return 0;
	}
	*o = (hc_statfs){ (u_int)v.f_bsize, (u_int)v.f_frsize, v.f_blocks, v.f_bfree, v.f_bavail,
			  v.f_files, v.f_ffree, v.f_favail, v.f_fsid, (u_int)v.f_namemax,
			  (u_int)(v.f_flag & (ST_RDONLY | ST_NOSUID)) };
	r->err = HC_OK;
	return 0;
}

int shadow_faccessat(struct shadow *sh, void *args, void *res)
{
	hc_access_args *a = args;
	int fd = at(sh, a->dir, a->name, a->flags), e;
	char p[FS_PROC_PATH_LEN];

	if (fd < 0 && fd != AT_FDCWD) {
		e = fd;
	} else if (*a->name) {
		e = faccessat(fd, a->name, a->mode, at_flags(a->flags) & ~AT_EMPTY_PATH) == 0 ? 0
			    : -errno;
	} else {
		fs_proc_path(fd, p);
		e = faccessat(AT_FDCWD, p, a->mode, at_flags(a->flags) & AT_EACCESS) == 0 ? 0
			    : -errno;
	}
	*(hc_err *)res = hc_err_from_neg(e);
	return 0;
}

/* chmod of @name under @fd, or (name "") of the inode behind @fd itself. Returns: 0 or -errno. */
static int chmod_at(int fd, const char *name, mode_t m, int flags)
{
	char p[FS_PROC_PATH_LEN];

	if (*name)
		return fchmodat(fd, name, m, flags & HC_AT_SYMLINK_NOFOLLOW ? AT_SYMLINK_NOFOLLOW : 0)
		       == 0 ? 0 : -errno;
	fs_proc_path(fd, p);
	return chmod(p, m) == 0 ? 0 : -errno;
}

int shadow_fchmodat(struct shadow *sh, void *args, void *res)
{
	hc_chmod_args *a = args;
	int fd = at(sh, a->dir, a->name, a->flags);

	*(hc_err *)res = hc_err_from_neg(fd < 0 && fd != AT_FDCWD ? fd
				: chmod_at(fd, a->name, a->mode & 07777, a->flags));
	return 0;
}

static int chown_at(int fd, const char *name, int uid, int gid, int flags)
{
	return fchownat(fd, name, (uid_t)uid, (gid_t)gid,
			at_flags(flags) & (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) == 0 ? 0 : -errno;
}

int shadow_fchownat(struct shadow *sh, void *args, void *res)
{
	hc_chown_args *a = args;
	int fd = at(sh, a->dir, a->name, a->flags);

	*(hc_err *)res = hc_err_from_neg(fd < 0 && fd != AT_FDCWD ? fd
				: chown_at(fd, a->name, a->uid, a->gid, a->flags));
	return 0;
}

static int time_of(const hc_timespec *t, struct timespec *out)
{
	if (t->nsec == HC_UTIME_NOW || t->nsec == HC_UTIME_OMIT) {
		*out = (struct timespec){ 0, t->nsec == HC_UTIME_NOW ? UTIME_NOW : UTIME_OMIT };
		return 0;
	}
	if (t->nsec >= 1000000000u)
		return -EINVAL;
	*out = (struct timespec){ (time_t)t->sec, (long)t->nsec };
	return 0;
}

/* utimensat of @name under @fd, or (name "") of the inode behind @fd itself. Returns: 0 or -errno. */
static int utimens_at(int fd, const char *name, const hc_timespec *at, const hc_timespec *mt,
		      int flags)
{
	struct timespec ts[2];
	char p[FS_PROC_PATH_LEN];
	int e;

	if ((e = time_of(at, &ts[0])) != 0 || (e = time_of(mt, &ts[1])) != 0)
		return e;
	if (*name)
		return utimensat(fd, name, ts, at_flags(flags) & AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
	if (!fs_is_opath(fd))
		return futimens(fd, ts) == 0 ? 0 : -errno;
	fs_proc_path(fd, p);
	return utimensat(AT_FDCWD, p, ts, 0) == 0 ? 0 : -errno;
}

int shadow_utimensat(struct shadow *sh, void *args, void *res)
{
	hc_utimens_args *a = args;
	int fd = at(sh, a->dir, a->name, a->flags);

	*(hc_err *)res = hc_err_from_neg(fd < 0 && fd != AT_FDCWD ? fd
				: utimens_at(fd, a->name, &a->atime, &a->mtime, a->flags));
	return 0;
}

/* The changes of one SETATTR, in the order the kernel expects them. Returns: 0 or -errno. */
static int set_attrs(int fd, int file, const hc_setattr_args *a)
{
	static const hc_timespec omit = { 0, HC_UTIME_OMIT };
	int e = 0, via = file >= 0 ? file : fd;

	if (a->valid & HC_SET_MODE)
		e = chmod_at(fd, "", a->perm & 07777, HC_AT_EMPTY_PATH);
	if (e == 0 && (a->valid & (HC_SET_UID | HC_SET_GID)))
		e = chown_at(fd, "", a->valid & HC_SET_UID ? a->uid : -1,
			     a->valid & HC_SET_GID ? a->gid : -1, HC_AT_EMPTY_PATH);
	if (e == 0 && (a->valid & HC_SET_SIZE))
		e = fs_truncate(via, a->size);
	if (e == 0 && (a->valid & (HC_SET_ATIME | HC_SET_MTIME)))
		e = utimens_at(via, "", a->valid & HC_SET_ATIME ? &a->atime : &omit,
			       a->valid & HC_SET_MTIME ? &a->mtime : &omit, HC_AT_EMPTY_PATH);
	return e;
}

int shadow_setattr(struct shadow *sh, void *args, void *res)
{
	hc_setattr_args *a = args;
	hc_attr_res *r = res;
	int fd = handles_fd(&sh->handles, a->handle), file = -1, e;

	if (a->file >= 0 && (file = handles_fd(&sh->handles, a->file)) < 0)
		fd = file;
	e = fd < 0 ? fd : set_attrs(fd, file, a);
	if (e == 0)
		e = fs_statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, &r->hc_attr_res_u.attr);
	r->err = hc_err_from_neg(e);
	return 0;
}
