/* api_fs.c: the file system hostcalls of libhostcall on names: lookup, attributes, open, create, link, rename. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "api_fs.h"
#include "errmap.h"
#include "session.h"

_Static_assert(HC_FS_SET_MODE == HC_SET_MODE && HC_FS_SET_UID == HC_SET_UID &&
	       HC_FS_SET_GID == HC_SET_GID && HC_FS_SET_SIZE == HC_SET_SIZE &&
	       HC_FS_SET_ATIME == HC_SET_ATIME && HC_FS_SET_MTIME == HC_SET_MTIME,
	       "hc_fs_setattr's flags are the protocol's");

int hc_fs_at_flags(int flags)
{
	int known = AT_SYMLINK_NOFOLLOW | AT_REMOVEDIR | AT_EMPTY_PATH | AT_SYMLINK_FOLLOW |
		    AT_EACCESS;

	if (flags & ~known)
		return -EINVAL;
	return (flags & AT_SYMLINK_NOFOLLOW ? HC_AT_SYMLINK_NOFOLLOW : 0) |
	       (flags & AT_REMOVEDIR ? HC_AT_REMOVEDIR : 0) |
	       (flags & AT_EMPTY_PATH ? HC_AT_EMPTY_PATH : 0) |
	       (flags & AT_SYMLINK_FOLLOW ? HC_AT_SYMLINK_FOLLOW : 0) |
	       (flags & AT_EACCESS ? HC_AT_EACCESS : 0);
}

int hc_fs_entry_call(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
		     struct hc_fs_entry *e)
{
	hc_entry_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, proc, xargs, args, (xdrproc_t)xdr_hc_entry_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	e->handle = res.hc_entry_res_u.entry.handle;
	hc_attr_to_stat(&res.hc_entry_res_u.entry.attr, &e->st);
	return 0;
}

int hc_fs_lookup(struct hc_session *s, hc_handle_t dir, const char *name, struct hc_fs_entry *e)
{
	hc_lookup_args a = { dir, (char *)name };

	return hc_fs_entry_call(s, HC_LOOKUP, (xdrproc_t)xdr_hc_lookup_args, &a, e);
}

int hc_fs_forget(struct hc_session *s, const hc_handle_t *h, int n)
{
	hc_handle_list l = { (u_int)n, (hc_handle *)h };

	if (n < 0 || n > HC_FORGET_MAX)
		return -EINVAL;
	return hc_session_call_err(s, HC_FORGET, (xdrproc_t)xdr_hc_handle_list, &l);
}

int hc_fs_fstatat(struct hc_session *s, hc_handle_t dir, const char *name, struct stat *st,
		  int flags)
{
	hc_at_args a = { dir, (char *)name, hc_fs_at_flags(flags) };
	hc_attr_res res;
	int r;

	if (a.flags < 0)
		return a.flags;
	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_FSTATAT, (xdrproc_t)xdr_hc_at_args, &a,
			    (xdrproc_t)xdr_hc_attr_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	hc_attr_to_stat(&res.hc_attr_res_u.attr, st);
	return 0;
}

int hc_fs_openat(struct hc_session *s, hc_handle_t dir, const char *name, int flags, mode_t mode,
		 hc_handle_t *path_handle, struct stat *st)
{
	hc_openat_args a = { dir, (char *)name, hc_oflags_from_local(flags), mode };
	hc_opened_res res;
	hc_opened *o = &res.hc_opened_res_u.file;
	int r;

	if (a.flags < 0)
		return -EINVAL;
	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_OPENAT, (xdrproc_t)xdr_hc_openat_args, &a,
			    (xdrproc_t)xdr_hc_opened_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	if (path_handle)
		*path_handle = o->path_handle;
	else if (o->path_handle >= 0)
		hc_close(s, o->path_handle);
	if (st)
		hc_attr_to_stat(&o->attr, st);
	return o->handle;
}

int hc_fs_mknodat(struct hc_session *s, hc_handle_t dir, const char *name, mode_t mode,
		  dev_t rdev, struct hc_fs_entry *e)
{
	hc_mknod_args a = { dir, (char *)name, hc_ftype_from_mode(mode), mode & 07777, rdev };

	if (a.type == HC_FT_UNKNOWN)
		a.type = HC_FT_REG;   /* mknod(2): a zero file type makes a regular file */
	return hc_fs_entry_call(s, HC_MKNODAT, (xdrproc_t)xdr_hc_mknod_args, &a, e);
}

int hc_fs_unlinkat(struct hc_session *s, hc_handle_t dir, const char *name, int flags)
{
	hc_at_args a = { dir, (char *)name, hc_fs_at_flags(flags) };

	if (a.flags < 0)
		return a.flags;
	return hc_session_call_err(s, HC_UNLINKAT, (xdrproc_t)xdr_hc_at_args, &a);
}

int hc_fs_renameat2(struct hc_session *s, hc_handle_t olddir, const char *oldname,
		    hc_handle_t newdir, const char *newname, unsigned flags)
{
	hc_rename2_args a = { olddir, (char *)oldname, newdir, (char *)newname, 0 };

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	a.flags = (flags & RENAME_NOREPLACE ? HC_RENAME_NOREPLACE : 0) |
		  (flags & RENAME_EXCHANGE ? HC_RENAME_EXCHANGE : 0);
	return hc_session_call_err(s, HC_RENAMEAT2, (xdrproc_t)xdr_hc_rename2_args, &a);
}

int hc_fs_linkat(struct hc_session *s, hc_handle_t olddir, const char *oldname,
		 hc_handle_t newdir, const char *newname, int flags, struct hc_fs_entry *e)
{
	hc_link_args a = { olddir, (char *)oldname, newdir, (char *)newname, hc_fs_at_flags(flags) };

	if (a.flags < 0)
		return a.flags;
	return hc_fs_entry_call(s, HC_LINKAT, (xdrproc_t)xdr_hc_link_args, &a, e);
}

int hc_fs_symlinkat(struct hc_session *s, const char *target, hc_handle_t dir, const char *name,
		    struct hc_fs_entry *e)
{
	hc_symlink_args a = { (char *)target, dir, (char *)name };

	return hc_fs_entry_call(s, HC_SYMLINKAT, (xdrproc_t)xdr_hc_symlink_args, &a, e);
}

ssize_t hc_fs_readlinkat(struct hc_session *s, hc_handle_t dir, const char *name, char *buf,
			 size_t len)
{
	hc_at_args a = { dir, (char *)name, *name ? 0 : HC_AT_EMPTY_PATH };
	hc_path_res res;
	ssize_t r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_READLINKAT, (xdrproc_t)xdr_hc_at_args, &a,
			    (xdrproc_t)xdr_hc_path_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	r = hc_copy_string(buf, len, res.hc_path_res_u.path);
	if (r == 0)
		r = (ssize_t)strlen(buf);
	xdr_free((xdrproc_t)xdr_hc_path_res, (char *)&res);
	return r;
}

int hc_fs_fstatfs(struct hc_session *s, hc_handle_t h, struct statvfs *st)
{
	hc_statfs_res res;
	hc_statfs *f = &res.hc_statfs_res_u.st;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_FSTATFS, (xdrproc_t)xdr_hc_handle, &h,
			    (xdrproc_t)xdr_hc_statfs_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	memset(st, 0, sizeof(*st));
	st->f_bsize = f->bsize;
	st->f_frsize = f->frsize;
	st->f_blocks = f->blocks;
	st->f_bfree = f->bfree;
	st->f_bavail = f->bavail;
	st->f_files = f->files;
	st->f_ffree = f->ffree;
	st->f_favail = f->favail;
	st->f_fsid = f->fsid;
	st->f_namemax = f->namemax;
	st->f_flag = f->flags;
	return 0;
}

int hc_fs_faccessat(struct hc_session *s, hc_handle_t dir, const char *name, int mode, int flags)
{
	hc_access_args a = { dir, (char *)name, mode, hc_fs_at_flags(flags) };

	if (a.flags < 0)
		return a.flags;
	return hc_session_call_err(s, HC_FACCESSAT, (xdrproc_t)xdr_hc_access_args, &a);
}

int hc_fs_fchmodat(struct hc_session *s, hc_handle_t dir, const char *name, mode_t mode,
		   int flags)
{
	hc_chmod_args a = { dir, (char *)name, mode & 07777, hc_fs_at_flags(flags) };

	if (a.flags < 0)
		return a.flags;
	return hc_session_call_err(s, HC_FCHMODAT, (xdrproc_t)xdr_hc_chmod_args, &a);
}

int hc_fs_fchownat(struct hc_session *s, hc_handle_t dir, const char *name, uid_t uid, gid_t gid,
		   int flags)
{
	hc_chown_args a = { dir, (char *)name, (int)uid, (int)gid, hc_fs_at_flags(flags) };

	if (a.flags < 0)
		return a.flags;
	return hc_session_call_err(s, HC_FCHOWNAT, (xdrproc_t)xdr_hc_chown_args, &a);
}

static hc_timespec time_to_wire(const struct timespec *t)
{
	if (t->tv_nsec == UTIME_NOW)
		return (hc_timespec){ 0, HC_UTIME_NOW };
	if (t->tv_nsec == UTIME_OMIT)
		return (hc_timespec){ 0, HC_UTIME_OMIT };
	return (hc_timespec){ t->tv_sec, (u_int)t->tv_nsec };
}

int hc_fs_utimensat(struct hc_session *s, hc_handle_t dir, const char *name,
		    const struct timespec ts[2], int flags)
{
	static const struct timespec now[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	hc_utimens_args a = { dir, (char *)name, { 0, 0 }, { 0, 0 }, hc_fs_at_flags(flags) };

	if (a.flags < 0)
		return a.flags;
	if (!ts)
		ts = now;
	a.atime = time_to_wire(&ts[0]);
	a.mtime = time_to_wire(&ts[1]);
	return hc_session_call_err(s, HC_UTIMENSAT, (xdrproc_t)xdr_hc_utimens_args, &a);
}

int hc_fs_setattr(struct hc_session *s, hc_handle_t h, hc_handle_t file, const struct stat *st,
		  int valid, struct stat *out)
{
	hc_setattr_args a = { h, file, (u_int)valid, st->st_mode & 07777, (int)st->st_uid,
			      (int)st->st_gid, (u_quad_t)st->st_size, time_to_wire(&st->st_atim),
			      time_to_wire(&st->st_mtim) };
	hc_attr_res res;
	int r;

	if (valid & ~(HC_SET_MODE | HC_SET_UID | HC_SET_GID | HC_SET_SIZE | HC_SET_ATIME |
		      HC_SET_MTIME) || st->st_size < 0)
		return -EINVAL;
	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_SETATTR, (xdrproc_t)xdr_hc_setattr_args, &a,
			    (xdrproc_t)xdr_hc_attr_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	hc_attr_to_stat(&res.hc_attr_res_u.attr, out);
	return 0;
}
