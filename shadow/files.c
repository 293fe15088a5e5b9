/* files.c: the file hostcalls in the shadow: open, read, write, seek, stat, directories, pipes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errmap.h"
#include "shadow.h"

#define READDIR_BYTES_MAX (256 * 1024)

int shadow_open(struct shadow *sh, void *args, void *res)
{
	hc_open_args *a = args;
	hc_int_res *r = res;
	int flags = hc_oflags_to_local(a->flags), fd, h;

	if (flags < 0) {
		r->err = HC_EINVAL;
		return 0;
	}
	fd = open(a->path, flags | O_CLOEXEC | O_NOCTTY, (mode_t)(a->mode & 07777));
	if (fd < 0) {
		r->err = hc_err_from_errno(errno);
		return 0;
	}
	h = handles_add(&sh->handles, fd);
	r->err = h < 0 ? hc_err_from_neg(h) : HC_OK;
	r->hc_int_res_u.value = h;
	return 0;
}

int shadow_close(struct shadow *sh, void *args, void *res)
{
	hc_err *r = res;

	*r = hc_err_from_neg(handles_close(&sh->handles, *(hc_handle *)args));
	return 0;
}

/*
 * Handle @h's fd once it is ready for @events, for at most HC_IO_MAX bytes; a
 * non-blocking one at once (its read or write then says EAGAIN, never waits).
 * Returns: fd or -errno.
 */
static int io_ready(struct shadow *sh, hc_handle h, size_t count, short events)
{
	int fd = handles_fd(&sh->handles, h), fl, w;

	if (count > HC_IO_MAX)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	if ((fl = fcntl(fd, F_GETFL)) >= 0 && (fl & O_NONBLOCK))
		return fd;
	w = shadow_wait_ready(sh, fd, events, 0);
	return w < 0 ? w : fd;
}

ssize_t shadow_read_into(struct shadow *sh, hc_handle h, void *buf, size_t count)
{
	int fd = io_ready(sh, h, count, POLLIN);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read(fd, buf, count);
	return n < 0 ? -errno : n;
}

ssize_t shadow_write_from(struct shadow *sh, hc_handle h, const void *buf, size_t count)
{
	int fd = io_ready(sh, h, count, POLLOUT);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = write(fd, buf, count);
	return n < 0 ? -errno : n;
}

void shadow_read_result(struct shadow *sh, hc_handle h, const uint64_t *off, u_int count,
			hc_data_res *r)
{
	char *buf = count <= HC_IO_MAX ? malloc(count ? count : 1) : NULL;
	ssize_t n = count > HC_IO_MAX ? -EINVAL : !buf ? -ENOMEM
		    : off ? shadow_pread_into(sh, h, *off, buf, count)
			  : shadow_read_into(sh, h, buf, count);

	if (n < 0) {
		r->err = hc_err_from_neg((int)n);
		free(buf);
		return;
	}
	r->err = HC_OK;
	r->hc_data_res_u.data.hc_data_len = (u_int)n;
	r->hc_data_res_u.data.hc_data_val = buf;
}

void shadow_write_result(struct shadow *sh, hc_handle h, const uint64_t *off,
			 const hc_data *data, hc_int_res *r)
{
	ssize_t n = off ? shadow_pwrite_from(sh, h, *off, data->hc_data_val, data->hc_data_len)
			: shadow_write_from(sh, h, data->hc_data_val, data->hc_data_len);

	r->err = n < 0 ? hc_err_from_neg((int)n) : HC_OK;
	r->hc_int_res_u.value = n < 0 ? 0 : (int)n;
}

int shadow_read(struct shadow *sh, void *args, void *res)
{
	hc_read_args *a = args;

	shadow_read_result(sh, a->handle, NULL, a->count, res);
	return 0;
}

int shadow_write(struct shadow *sh, void *args, void *res)
{
	hc_write_args *a = args;

	shadow_write_result(sh, a->handle, NULL, &a->data, res);
	return 0;
}

int shadow_lseek(struct shadow *sh, void *args, void *res)
{
	hc_lseek_args *a = args;
	hc_hyper_res *r = res;
	int fd = handles_fd(&sh->handles, a->handle);
	static const int whence[] = { SEEK_SET, SEEK_CUR, SEEK_END };
	off_t off;

	if (fd < 0 || a->whence < 0 || a->whence > 2) {
		r->err = fd < 0 ? HC_EBADF : HC_EINVAL;
		return 0;
	}
	off = lseek(fd, (off_t)a->offset, whence[a->whence]);
	r->err = off < 0 ? hc_err_from_errno(errno) : HC_OK;
	r->hc_hyper_res_u.value = off;
	return 0;
}

int shadow_fstat(struct shadow *sh, void *args, void *res)
{
	hc_stat_res *r = res;
	int fd = handles_fd(&sh->handles, *(hc_handle *)args);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0) {
		r->err = fd < 0 ? HC_EBADF : hc_err_from_errno(errno);
		return 0;
	}
	hc_stat_from_local(&st, &r->hc_stat_res_u.st);
	r->err = HC_OK;
	return 0;
}

int shadow_stat(struct shadow *sh, void *args, void *res)
{
	hc_stat_args *a = args;
	hc_stat_res *r = res;
	struct stat st;
	int rc = a->nofollow ? lstat(a->path, &st) : stat(a->path, &st);

	(void)sh;
	if (rc != 0) {
		r->err = hc_err_from_errno(errno);
		return 0;
	}
	hc_stat_from_local(&st, &r->hc_stat_res_u.st);
	r->err = HC_OK;
	return 0;
}

int shadow_unlink(struct shadow *sh, void *args, void *res)
{
	hc_err *r = res;

	(void)sh;
	*r = unlink(*(hc_path *)args) == 0 ? HC_OK : hc_err_from_errno(errno);
	return 0;
}

int shadow_mkdir(struct shadow *sh, void *args, void *res)
{
	hc_mkdir_args *a = args;
	hc_err *r = res;

	(void)sh;
	*r = mkdir(a->path, (mode_t)(a->mode & 07777)) == 0 ? HC_OK : hc_err_from_errno(errno);
	return 0;
}

int shadow_rename(struct shadow *sh, void *args, void *res)
{
	hc_rename_args *a = args;
	hc_err *r = res;

	(void)sh;
	*r = rename(a->from, a->to) == 0 ? HC_OK : hc_err_from_errno(errno);
	return 0;
}

static int is_dot(const char *n)
{
	return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

static hc_err dir_collect(DIR *d, u_int start, hc_dirlist *l)
{
	size_t bytes = 0;
	u_int seen = 0;
	struct dirent *de;

	l->entries.entries_val = calloc(HC_DIRENT_MAX, sizeof(hc_dirent));
	if (!l->entries.entries_val)
		return HC_ENOMEM;
	l->eof = 1;
	while ((de = readdir(d))) {
		hc_dirent *e;
		if (is_dot(de->d_name) || seen++ < start)
			continue;
		if (l->entries.entries_len == HC_DIRENT_MAX || bytes > READDIR_BYTES_MAX) {
			l->eof = 0;
			break;
		}
		e = &l->entries.entries_val[l->entries.entries_len];
		if (!(e->name = strndup(de->d_name, HC_NAME_MAX - 1)))
			return HC_ENOMEM;
		e->type = de->d_type == DT_DIR ? HC_FT_DIR : de->d_type == DT_REG ? HC_FT_REG :
			  de->d_type == DT_LNK ? HC_FT_LNK : HC_FT_UNKNOWN;
		l->entries.entries_len++;
		bytes += strlen(e->name) + 16;
	}
	return HC_OK;
}

int shadow_readdir(struct shadow *sh, void *args, void *res)
{
	hc_readdir_args *a = args;
	hc_readdir_res *r = res;
	DIR *d = opendir(a->path);

	(void)sh;
	if (!d) {
		r->err = hc_err_from_errno(errno);
		return 0;
	}
	r->err = dir_collect(d, a->start, &r->hc_readdir_res_u.list);
	closedir(d);
	if (r->err != HC_OK) {
		xdr_free((xdrproc_t)xdr_hc_dirlist, (char *)&r->hc_readdir_res_u.list);
		memset(&r->hc_readdir_res_u.list, 0, sizeof(r->hc_readdir_res_u.list));
	}
	return 0;
}

int shadow_pipe(struct shadow *sh, void *args, void *res)
{
	hc_pipe_res *r = res;
	int fds[2], rh, wh;

	(void)args;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		r->err = hc_err_from_errno(errno);
		return 0;
	}
	rh = handles_add(&sh->handles, fds[0]);
	if (rh < 0) {
		close(fds[1]);
		r->err = hc_err_from_neg(rh);
		return 0;
	}
	wh = handles_add(&sh->handles, fds[1]);
	if (wh < 0) {
		handles_close(&sh->handles, rh);
		r->err = hc_err_from_neg(wh);
		return 0;
	}
	r->hc_pipe_res_u.ends.read_end = rh;
	r->hc_pipe_res_u.ends.write_end = wh;
	r->err = HC_OK;
	return 0;
}
