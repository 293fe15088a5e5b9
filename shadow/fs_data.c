/* fs_data.c: the file system hostcalls on open files: positional I/O, sizes, sync, xattrs, locks, dirents, poll. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "errmap.h"
#include "fs.h"
#include "shadow.h"

/* Handle @h's fd for @count bytes at @off, both within bounds. Returns: the fd or -errno. */
static int positional_fd(struct shadow *sh, hc_handle h, uint64_t off, size_t count)
{
	int fd = handles_fd(&sh->handles, h);

	if (fd < 0)
		return fd;
	return count > HC_IO_MAX || off > INT64_MAX ? -EINVAL : fd;
}

ssize_t shadow_pread_into(struct shadow *sh, hc_handle h, uint64_t off, void *buf, size_t count)
{
	int fd = positional_fd(sh, h, off, count);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = pread(fd, buf, count, (off_t)off);
	return n < 0 ? -errno : n;
}

ssize_t shadow_pwrite_from(struct shadow *sh, hc_handle h, uint64_t off, const void *buf,
			   size_t count)
{
	int fd = positional_fd(sh, h, off, count);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = pwrite(fd, buf, count, (off_t)off);
	return n < 0 ? -errno : n;
}

int shadow_pread(struct shadow *sh, void *args, void *res)
{
	hc_pread_args *a = args;

	shadow_read_result(sh, a->handle, &a->offset, a->count, res);
	return 0;
}

int shadow_pwrite(struct shadow *sh, void *args, void *res)
{
	hc_pwrite_args *a = args;

	shadow_write_result(sh, a->handle, &a->offset, &a->data, res);
	return 0;
}

int fs_truncate(int fd, uint64_t length)
{
	char p[FS_PROC_PATH_LEN];

	if (length > INT64_MAX)
		return -EINVAL;
	if (!fs_is_opath(fd))
		return ftruncate(fd, (off_t)length) == 0 ? 0 : -errno;
	fs_proc_path(fd, p);
	return truncate(p, (off_t)length) == 0 ? 0 : -errno;
}

int shadow_ftruncate(struct shadow *sh, void *args, void *res)
{
	hc_truncate_args *a = args;
	int fd = handles_fd(&sh->handles, a->handle);

	*(hc_err *)res = hc_err_from_neg(fd < 0 ? fd : fs_truncate(fd, a->length));
	return 0;
}

int shadow_fsync(struct shadow *sh, void *args, void *res)
{
	hc_fsync_args *a = args;
	int fd = handles_fd(&sh->handles, a->handle), e;

	e = fd < 0 ? fd : (a->datasync ? fdatasync(fd) : fsync(fd)) == 0 ? 0 : -errno;
	*(hc_err *)res = hc_err_from_neg(e);
	return 0;
}

static int falloc_mode(int m)
{
	if (m & ~(HC_FALLOC_KEEP_SIZE | HC_FALLOC_PUNCH_HOLE | HC_FALLOC_ZERO_RANGE))
		return -EINVAL;
	return (m & HC_FALLOC_KEEP_SIZE ? FALLOC_FL_KEEP_SIZE : 0) |
	       (m & HC_FALLOC_PUNCH_HOLE ? FALLOC_FL_PUNCH_HOLE : 0) |
	       (m & HC_FALLOC_ZERO_RANGE ? FALLOC_FL_ZERO_RANGE : 0);
}

int shadow_fallocate(struct shadow *sh, void *args, void *res)
{
	hc_fallocate_args *a = args;
	int fd = handles_fd(&sh->handles, a->handle), mode = falloc_mode(a->mode), e;

	if (fd < 0 || mode < 0)
		e = fd < 0 ? fd : mode;
	else if (a->offset > INT64_MAX || a->length > INT64_MAX)
		e = -EINVAL;
	else
		e = fallocate(fd, mode, (off_t)a->offset, (off_t)a->length) == 0 ? 0 : -errno;
	*(hc_err *)res = hc_err_from_neg(e);
	return 0;
}

int shadow_copy_file_range(struct shadow *sh, void *args, void *res)
{
	hc_copy_range_args *a = args;
	hc_int_res *r = res;
	int in = handles_fd(&sh->handles, a->in), out = handles_fd(&sh->handles, a->out);
	off_t off_in = (off_t)a->in_offset, off_out = (off_t)a->out_offset;
	ssize_t n;

	if (in < 0 || out < 0 || a->count > HC_IO_MAX || a->in_offset > INT64_MAX ||
	    a->out_offset > INT64_MAX) {
		r->err = in < 0 || out < 0 ? HC_EBADF : HC_EINVAL;
		return 0;
	}
	n = copy_file_range(in, &off_in, out, &off_out, a->count, 0);
	r->err = n < 0 ? hc_err_from_errno(errno) : HC_OK;
	r->hc_int_res_u.value = n < 0 ? 0 : (int)n;
	return 0;
}

/* ---- extended attributes: by /proc path for an O_PATH handle, on the fd for an open file ---- */

static ssize_t xattr_get(int fd, const char *name, void *buf, size_t size)
{
	char p[FS_PROC_PATH_LEN];

	if (!fs_is_opath(fd))
		return fgetxattr(fd, name, buf, size);
	fs_proc_path(fd, p);
	return getxattr(p, name, buf, size);
}

static ssize_t xattr_list(int fd, char *buf, size_t size)
{
	char p[FS_PROC_PATH_LEN];

	if (!fs_is_opath(fd))
		return flistxattr(fd, buf, size);
	fs_proc_path(fd, p);
	return listxattr(p, buf, size);
}

static int xattr_set(int fd, const char *name, const void *v, size_t len, int flags)
{
	char p[FS_PROC_PATH_LEN];

	if (!fs_is_opath(fd))
		return fsetxattr(fd, name, v, len, flags);
	fs_proc_path(fd, p);
	return setxattr(p, name, v, len, flags);
}

static int xattr_remove(int fd, const char *name)
{
	char p[FS_PROC_PATH_LEN];

	if (!fs_is_opath(fd))
		return fremovexattr(fd, name);
	fs_proc_path(fd, p);
	return removexattr(p, name);
}

/* GETXATTR (@list 0) and LISTXATTR: the value's size, and the value if it fits a->size. */
static void xattr_read(struct shadow *sh, const hc_xattr_args *a, hc_xattr_res *r, int list)
{
	int fd = handles_fd(&sh->handles, a->handle);
	size_t size = a->size > HC_XATTR_SIZE_MAX ? HC_XATTR_SIZE_MAX : a->size;
	hc_xattr_value *v = &r->hc_xattr_res_u.v;
	char *buf = NULL;
	ssize_t n;

	if (fd < 0) {
		r->err = HC_EBADF;
		return;
	}
	if (size && !(buf = malloc(size))) {
		r->err = HC_ENOMEM;
		return;
	}
	n = list ? xattr_list(fd, buf, size) : xattr_get(fd, a->name, buf, size);
	if (n < 0) {
		r->err = hc_err_from_errno(errno);
		free(buf);
		return;
	}
	r->err = HC_OK;
	v->size = (u_int)n;
	v->value.value_len = size ? (u_int)n : 0;
	v->value.value_val = buf;
}

int shadow_getxattr(struct shadow *sh, void *args, void *res)
{
	xattr_read(sh, args, res, 0);
	return 0;
}

int shadow_listxattr(struct shadow *sh, void *args, void *res)
{
	xattr_read(sh, args, res, 1);
	return 0;
}

int shadow_setxattr(struct shadow *sh, void *args, void *res)
{
	hc_setxattr_args *a = args;
	int fd = handles_fd(&sh->handles, a->handle), e;
	int flags = (a->flags & HC_XATTR_CREATE ? XATTR_CREATE : 0) |
		    (a->flags & HC_XATTR_REPLACE ? XATTR_REPLACE : 0);

	e = fd < 0 ? fd : xattr_set(fd, a->name, a->value.value_val, a->value.value_len, flags)
			  == 0 ? 0 : -errno;
	*(hc_err *)res = hc_err_from_neg(e);
	return 0;
}

int shadow_removexattr(struct shadow *sh, void *args, void *res)
{
	hc_xattr_args *a = args;
	int fd = handles_fd(&sh->handles, a->handle), e;

	e = fd < 0 ? fd : xattr_remove(fd, a->name) == 0 ? 0 : -errno;
	*(hc_err *)res = hc_err_from_neg(e);
	return 0;
}

/* ---- locks: of the open file description (OFD), never blocking the shadow ---- */

static const short lock_types[] = { F_UNLCK, F_RDLCK, F_WRLCK };

static int lock_of(const hc_lock_range *in, struct flock *fl)
{
	if ((u_int)in->type > HC_LOCK_WRITE || in->start > INT64_MAX || in->length > INT64_MAX)
		return -EINVAL;
	memset(fl, 0, sizeof(*fl));
	fl->l_type = lock_types[in->type];
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)in->start;
	fl->l_len = (off_t)in->length;
	return 0;
}

int shadow_lock(struct shadow *sh, void *args, void *res)
{
	hc_lock_args *a = args;
	hc_lock_res *r = res;
	int fd = handles_fd(&sh->handles, a->handle), e;
	struct flock fl;

	if (fd < 0 || (e = lock_of(&a->range, &fl)) != 0) {
		r->err = fd < 0 ? HC_EBADF : hc_err_from_neg(e);
		return 0;
	}
	if (fcntl(fd, a->test ? F_OFD_GETLK : F_OFD_SETLK, &fl) != 0) {
		r->err = hc_err_from_errno(errno == EACCES ? EAGAIN : errno);
		return 0;
	}
	r->err = HC_OK;
	r->hc_lock_res_u.range = a->range;
	if (a->test) {
		r->hc_lock_res_u.range.type = fl.l_type == F_RDLCK ? HC_LOCK_READ
					      : fl.l_type == F_WRLCK ? HC_LOCK_WRITE : HC_LOCK_UNLOCK;
		r->hc_lock_res_u.range.start = (u_quad_t)fl.l_start;
		r->hc_lock_res_u.range.length = (u_quad_t)fl.l_len;
	}
	return 0;
}

int shadow_flock(struct shadow *sh, void *args, void *res)
{
	hc_flock_args *a = args;
	int fd = handles_fd(&sh->handles, a->handle), e;
	static const int ops[] = { LOCK_UN, LOCK_SH, LOCK_EX };

	if (fd < 0 || (u_int)a->type > HC_LOCK_WRITE)
		e = fd < 0 ? fd : -EINVAL;
	else
		e = flock(fd, ops[a->type] | LOCK_NB) == 0 ? 0 : -errno;
	*(hc_err *)res = hc_err_from_neg(e);
	return 0;
}

/* ---- directories: getdents64 from a cookie, in large batches ---- */

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static hc_ftype dtype_of(unsigned char t)
{
	static const hc_ftype types[] = {
		[DT_REG] = HC_FT_REG, [DT_DIR] = HC_FT_DIR, [DT_LNK] = HC_FT_LNK,
		[DT_CHR] = HC_FT_CHR, [DT_BLK] = HC_FT_BLK, [DT_FIFO] = HC_FT_FIFO,
		[DT_SOCK] = HC_FT_SOCK,
	};

	return t < sizeof(types) / sizeof(types[0]) ? types[t] : HC_FT_UNKNOWN;
}

static int is_dot(const char *n)
{
	return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

/* One entry into @l; with @plus, looked up too. Returns: 0 or -ENOMEM. */
static int dent_add(struct shadow *sh, int fd, const struct linux_dirent64 *d, int plus,
		    hc_dents *l)
{
	hc_dent *e = &l->entries.entries_val[l->entries.entries_len];

	memset(e, 0, sizeof(*e));
	if (!(e->name = strdup(d->d_name)))
		return -ENOMEM;
	e->type = dtype_of(d->d_type);
	e->ino = d->d_ino;
	e->cookie = (u_quad_t)d->d_off;
	l->entries.entries_len++;
	if (!plus || is_dot(d->d_name) || !(e->entry = calloc(1, sizeof(*e->entry))))
		return 0;
	if (fs_lookup_entry(sh, fd, d->d_name, e->entry) != 0) {
		free(e->entry);
		e->entry = NULL;   /* gone meanwhile, or no handle left: the guest looks it up itself */
	}
	return 0;
}

/* Entries from @buf[0..n) into @l until it is full or @budget bytes of names are used. */
static int dents_fill(struct shadow *sh, int fd, const char *buf, long n, int plus,
		      size_t *budget, hc_dents *l)
{
	for (long off = 0; off < n;) {
		const struct linux_dirent64 *d = (const void *)(buf + off);
		size_t need = strlen(d->d_name) + 32;
		int r;

		if (l->entries.entries_len == HC_DENTS_MAX || need > *budget)
			return 1;
		if ((r = dent_add(sh, fd, d, plus, l)) != 0)
			return r;
		*budget -= need;
		off += d->d_reclen;
	}
	return 0;
}

static int getdents(struct shadow *sh, const hc_getdents_args *a, hc_dents *l)
{
	int fd = handles_fd(&sh->handles, a->dir), full = 0;
	size_t budget = a->max_bytes > HC_DENTS_BYTES_MAX ? HC_DENTS_BYTES_MAX : a->max_bytes;
	char buf[32768];
	long n = 1;

	if (fd < 0)
		return fd;
	if (a->cookie > INT64_MAX || lseek(fd, (off_t)a->cookie, SEEK_SET) < 0)
		return a->cookie > INT64_MAX ? -EINVAL : -errno;
	if (!(l->entries.entries_val = calloc(HC_DENTS_MAX, sizeof(hc_dent))))
		return -ENOMEM;
	while (!full && (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		full = dents_fill(sh, fd, buf, n, a->plus, &budget, l);
	if (n < 0 || full < 0)
		return n < 0 ? -errno : full;
	l->eof = n == 0;
	return 0;
}

/* The handles a failed read looked up go, since the guest never learns them. */
static void dents_forget(struct shadow *sh, const hc_dents *l)
{
	for (u_int i = 0; i < l->entries.entries_len; i++)
		if (l->entries.entries_val[i].entry)
			handles_close(&sh->handles, l->entries.entries_val[i].entry->handle);
}

int shadow_getdents(struct shadow *sh, void *args, void *res)
{
	hc_dents_res *r = res;
	int e = getdents(sh, args, &r->hc_dents_res_u.list);

	r->err = hc_err_from_neg(e);
	if (e != 0) {
		dents_forget(sh, &r->hc_dents_res_u.list);
		xdr_free((xdrproc_t)xdr_hc_dents, (char *)&r->hc_dents_res_u.list);
		memset(&r->hc_dents_res_u.list, 0, sizeof(r->hc_dents_res_u.list));
	}
	return 0;
}

int shadow_poll(struct shadow *sh, void *args, void *res)
{
	hc_poll_args *a = args;
	hc_int_res *r = res;
	int fd = handles_fd(&sh->handles, a->handle), w;
	short ev = (short)((a->events & HC_POLLIN ? POLLIN : 0) | (a->events & HC_POLLOUT ? POLLOUT : 0));
	u_int ms = a->timeout_ms > HC_WAIT_MAX_MS ? HC_WAIT_MAX_MS : a->timeout_ms;
	struct pollfd p = { .fd = fd, .events = ev };

	if (fd < 0) {
		r->err = HC_EBADF;
		return 0;
	}
	w = ms ? shadow_wait_ready(sh, fd, ev, shadow_now_ms() + ms) : 0;
	if (w < 0 && w != -ETIMEDOUT) {
		r->err = hc_err_from_neg(w);
		return 0;
	}
	poll(&p, 1, 0);
	r->err = HC_OK;
	r->hc_int_res_u.value = (p.revents & POLLIN ? HC_POLLIN : 0) |
				(p.revents & POLLOUT ? HC_POLLOUT : 0) |
				(p.revents & POLLERR ? HC_POLLERR : 0) |
				(p.revents & POLLHUP ? HC_POLLHUP : 0);
	return 0;
}
