/* api_fs_data.c: the file system hostcalls of libhostcall on open files: positional I/O, xattrs, locks, dirents. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/xattr.h>

#include "api_fs.h"
#include "errmap.h"
#include "session.h"

ssize_t hc_fs_pread(struct hc_session *s, hc_handle_t h, void *buf, size_t len, uint64_t off)
{
	hc_pread_args a = { h, off, (u_int)(len > HC_IO_MAX ? HC_IO_MAX : len) };
	ssize_t r = hc_session_io(s, HC_PREAD, h, off, buf, a.count);

	if (r != -ENOSYS)
		return r;
	return hc_session_call_data(s, HC_PREAD, (xdrproc_t)xdr_hc_pread_args, &a, buf, a.count);
}

ssize_t hc_fs_pread_view(struct hc_session *s, hc_handle_t h, size_t len, uint64_t off,
			 const void **data)
{
	ssize_t r = hc_session_pread_view(s, h, off, len > HC_IO_MAX ? HC_IO_MAX : len, data);

	if (r != -ENOSYS)
		return r;
	if (!s->view && !(s->view = malloc(HC_IO_MAX)))
		return -ENOMEM;
	*data = s->view;
	return hc_fs_pread(s, h, s->view, len, off);
}

ssize_t hc_fs_pwrite(struct hc_session *s, hc_handle_t h, const void *buf, size_t len,
		     uint64_t off)
{
	size_t n = len > HC_IO_MAX ? HC_IO_MAX : len;
	hc_pwrite_args a = { h, off, { (u_int)n, (char *)buf } };
	ssize_t r = hc_session_io(s, HC_PWRITE, h, off, (void *)buf, n);

	if (r != -ENOSYS)
		return r;
	return hc_session_call_int(s, HC_PWRITE, (xdrproc_t)xdr_hc_pwrite_args, &a);
}

int hc_fs_ftruncate(struct hc_session *s, hc_handle_t h, uint64_t length)
{
	hc_truncate_args a = { h, length };

	return hc_session_call_err(s, HC_FTRUNCATE, (xdrproc_t)xdr_hc_truncate_args, &a);
}

int hc_fs_fsync(struct hc_session *s, hc_handle_t h, int datasync)
{
	hc_fsync_args a = { h, datasync != 0 };

	return hc_session_call_err(s, HC_FSYNC, (xdrproc_t)xdr_hc_fsync_args, &a);
}

int hc_fs_fallocate(struct hc_session *s, hc_handle_t h, int mode, uint64_t off, uint64_t len)
{
	hc_fallocate_args a = { h, 0, off, len };

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	a.mode = (mode & FALLOC_FL_KEEP_SIZE ? HC_FALLOC_KEEP_SIZE : 0) |
		 (mode & FALLOC_FL_PUNCH_HOLE ? HC_FALLOC_PUNCH_HOLE : 0) |
		 (mode & FALLOC_FL_ZERO_RANGE ? HC_FALLOC_ZERO_RANGE : 0);
	return hc_session_call_err(s, HC_FALLOCATE, (xdrproc_t)xdr_hc_fallocate_args, &a);
}

ssize_t hc_fs_copy_file_range(struct hc_session *s, hc_handle_t in, uint64_t in_off,
			      hc_handle_t out, uint64_t out_off, size_t len)
{
	hc_copy_range_args a = { in, in_off, out, out_off,
				 (u_int)(len > HC_IO_MAX ? HC_IO_MAX : len) };

	return hc_session_call_int(s, HC_COPY_FILE_RANGE, (xdrproc_t)xdr_hc_copy_range_args, &a);
}

/* GETXATTR or LISTXATTR into @buf of @size. Returns: the size or -errno. */
static ssize_t xattr_read(struct hc_session *s, uint32_t proc, hc_xattr_args *a, void *buf,
			  size_t size)
{
	hc_xattr_res res;
	hc_xattr_value *v = &res.hc_xattr_res_u.v;
	ssize_t r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, proc, (xdrproc_t)xdr_hc_xattr_args, a,
			    (xdrproc_t)xdr_hc_xattr_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	if (v->value.value_len > size || (size && v->value.value_len != v->size))
		r = -EPROTO;   /* more than asked, or a value and its size that disagree */
	else
		r = v->size;
	if (r > 0 && size)
		memcpy(buf, v->value.value_val, v->value.value_len);
	xdr_free((xdrproc_t)xdr_hc_xattr_res, (char *)&res);
	return r;
}

ssize_t hc_fs_getxattr(struct hc_session *s, hc_handle_t h, const char *name, void *buf,
		       size_t size)
{
	hc_xattr_args a = { h, (char *)name, (u_int)(size > HC_XATTR_SIZE_MAX ? HC_XATTR_SIZE_MAX
									: size) };

	return xattr_read(s, HC_GETXATTR, &a, buf, a.size);
}

ssize_t hc_fs_listxattr(struct hc_session *s, hc_handle_t h, char *buf, size_t size)
{
	hc_xattr_args a = { h, (char *)"", (u_int)(size > HC_XATTR_SIZE_MAX ? HC_XATTR_SIZE_MAX
									 : size) };

	return xattr_read(s, HC_LISTXATTR, &a, buf, a.size);
}

int hc_fs_setxattr(struct hc_session *s, hc_handle_t h, const char *name, const void *value,
		   size_t size, int flags)
{
	hc_setxattr_args a = { h, (char *)name, { (u_int)size, (char *)value }, 0 };

	if (size > HC_XATTR_SIZE_MAX)
		return -E2BIG;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	a.flags = (flags & XATTR_CREATE ? HC_XATTR_CREATE : 0) |
		  (flags & XATTR_REPLACE ? HC_XATTR_REPLACE : 0);
	return hc_session_call_err(s, HC_SETXATTR, (xdrproc_t)xdr_hc_setxattr_args, &a);
}

int hc_fs_removexattr(struct hc_session *s, hc_handle_t h, const char *name)
{
	hc_xattr_args a = { h, (char *)name, 0 };

	return hc_session_call_err(s, HC_REMOVEXATTR, (xdrproc_t)xdr_hc_xattr_args, &a);
}

static int lock_type_to_wire(short t)
{
	return t == F_RDLCK ? HC_LOCK_READ : t == F_WRLCK ? HC_LOCK_WRITE
	       : t == F_UNLCK ? HC_LOCK_UNLOCK : -1;
}

int hc_fs_lock(struct hc_session *s, hc_handle_t h, struct flock *fl, int test)
{
	hc_lock_args a = { h, { 0, 0, 0 }, test != 0 };
	hc_lock_res res;
	int type = lock_type_to_wire(fl->l_type), r;

	if (type < 0 || fl->l_whence != SEEK_SET || fl->l_start < 0 || fl->l_len < 0)
		return -EINVAL;
	a.range = (hc_lock_range){ (hc_lock_type)type, (u_quad_t)fl->l_start, (u_quad_t)fl->l_len };
	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_LOCK, (xdrproc_t)xdr_hc_lock_args, &a,
			    (xdrproc_t)xdr_hc_lock_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	if (test) {
		static const short types[] = { F_UNLCK, F_RDLCK, F_WRLCK };
		hc_lock_range *g = &res.hc_lock_res_u.range;
		fl->l_type = (u_int)g->type <= HC_LOCK_WRITE ? types[g->type] : F_UNLCK;
		fl->l_start = (off_t)g->start;
		fl->l_len = (off_t)g->length;
		fl->l_pid = -1;   /* an OFD lock on the host: no guest process to name */
	}
	return 0;
}

int hc_fs_flock(struct hc_session *s, hc_handle_t h, int op)
{
	hc_flock_args a = { h, HC_LOCK_UNLOCK };
	int r;

	switch (op & ~LOCK_NB) {
	case LOCK_SH: a.type = HC_LOCK_READ; break;
	case LOCK_EX: a.type = HC_LOCK_WRITE; break;
	case LOCK_UN: a.type = HC_LOCK_UNLOCK; break;
	default: return -EINVAL;
	}
	r = hc_session_call_err(s, HC_FLOCK, (xdrproc_t)xdr_hc_flock_args, &a);
	return r == -EAGAIN ? -EWOULDBLOCK : r;
}

static unsigned char dtype_of(hc_ftype t)
{
	static const unsigned char types[] = {
		[HC_FT_REG] = DT_REG, [HC_FT_DIR] = DT_DIR, [HC_FT_LNK] = DT_LNK,
		[HC_FT_CHR] = DT_CHR, [HC_FT_BLK] = DT_BLK, [HC_FT_FIFO] = DT_FIFO,
		[HC_FT_SOCK] = DT_SOCK,
	};

	return (u_int)t < sizeof(types) / sizeof(types[0]) ? types[t] : DT_UNKNOWN;
}

static int dent_copy(const hc_dent *in, struct hc_fs_dirent *out)
{
	memset(out, 0, sizeof(*out));
	if (!(out->name = strdup(in->name)))
		return -ENOMEM;
	out->type = dtype_of(in->type);
	out->ino = in->ino;
	out->cookie = in->cookie;
	if (in->entry) {
		out->has_entry = 1;
		out->entry.handle = in->entry->handle;
		hc_attr_to_stat(&in->entry->attr, &out->entry.st);
	}
	return 0;
}

static int dents_copy(const hc_dents *l, struct hc_fs_dirent **out)
{
	u_int n = l->entries.entries_len;
	struct hc_fs_dirent *d = calloc(n ? n : 1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	for (u_int i = 0; i < n; i++) {
		if (dent_copy(&l->entries.entries_val[i], &d[i]) != 0) {
			hc_fs_dirents_free(d, (int)i);
			return -ENOMEM;
		}
	}
	*out = d;
	return (int)n;
}

static void dents_forget(struct hc_session *s, const hc_dents *l)
{
	for (u_int i = 0; i < l->entries.entries_len; i++)
		if (l->entries.entries_val[i].entry)
			hc_close(s, l->entries.entries_val[i].entry->handle);
}

int hc_fs_getdents(struct hc_session *s, hc_handle_t h, uint64_t cookie, size_t max_bytes,
		   int plus, struct hc_fs_dirent **out, int *eof)
{
	hc_getdents_args a = { h, cookie, (u_int)(max_bytes > HC_DENTS_BYTES_MAX ? HC_DENTS_BYTES_MAX
								       : max_bytes), plus != 0 };
	hc_dents_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_GETDENTS, (xdrproc_t)xdr_hc_getdents_args, &a,
			    (xdrproc_t)xdr_hc_dents_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	r = dents_copy(&res.hc_dents_res_u.list, out);
	if (r < 0)
		dents_forget(s, &res.hc_dents_res_u.list);   /* nobody else will know them */
	*eof = res.hc_dents_res_u.list.eof;
	xdr_free((xdrproc_t)xdr_hc_dents_res, (char *)&res);
	return r;
}

void hc_fs_dirents_free(struct hc_fs_dirent *d, int n)
{
	if (!d)
		return;
	for (int i = 0; i < n; i++)
		free(d[i].name);
	free(d);
}

int hc_fs_poll(struct hc_session *s, hc_handle_t h, short events, int timeout_ms)
{
	hc_poll_args a = { h, (events & POLLIN ? HC_POLLIN : 0) | (events & POLLOUT ? HC_POLLOUT : 0),
			   timeout_ms < 0 ? HC_WAIT_MAX_MS : (u_int)timeout_ms };
	int r = hc_session_call_int(s, HC_POLL, (xdrproc_t)xdr_hc_poll_args, &a);

	if (r < 0)
		return r;
	return (r & HC_POLLIN ? POLLIN : 0) | (r & HC_POLLOUT ? POLLOUT : 0) |
	       (r & HC_POLLERR ? POLLERR : 0) | (r & HC_POLLHUP ? POLLHUP : 0);
}
