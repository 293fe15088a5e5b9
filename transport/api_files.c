/* api_files.c: the file hostcalls of libhostcall: open, read, write, stat, directories, pipes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "errmap.h"
#include "session.h"

int hc_open(struct hc_session *s, const char *path, int flags, mode_t mode)
{
	hc_open_args a = { (char *)path, hc_oflags_from_local(flags), mode };

	if (a.flags < 0)
		return -EINVAL;
	return hc_session_call_int(s, HC_OPEN, (xdrproc_t)xdr_hc_open_args, &a);
}

int hc_close(struct hc_session *s, hc_handle_t h)
{
	return hc_session_call_err(s, HC_CLOSE, (xdrproc_t)xdr_hc_handle, &h);
}

ssize_t hc_read(struct hc_session *s, hc_handle_t h, void *buf, size_t len)
{
	hc_read_args a = { h, (u_int)(len > HC_IO_MAX ? HC_IO_MAX : len) };
	ssize_t r = hc_session_io(s, HC_READ, h, 0, buf, a.count);

	if (r != -ENOSYS)
		return r;
	return hc_session_call_data(s, HC_READ, (xdrproc_t)xdr_hc_read_args, &a, buf, a.count);
}

/* One write of at most HC_IO_MAX bytes. Returns: bytes or -errno. */
static int write_once(struct hc_session *s, hc_handle_t h, const void *buf, size_t n)
{
	hc_write_args a = { h, { (u_int)n, (char *)buf } };
	ssize_t r = hc_session_io(s, HC_WRITE, h, 0, (void *)buf, n);

	if (r != -ENOSYS)
		return (int)r;
	return hc_session_call_int(s, HC_WRITE, (xdrproc_t)xdr_hc_write_args, &a);
}

ssize_t hc_write(struct hc_session *s, hc_handle_t h, const void *buf, size_t len)
{
	size_t done = 0;

	do {
		size_t n = len - done > HC_IO_MAX ? HC_IO_MAX : len - done;
		int r = write_once(s, h, (const char *)buf + done, n);

		if (r < 0)
			return done ? (ssize_t)done : r;
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	} while (done < len);
	return (ssize_t)done;
}

int64_t hc_lseek(struct hc_session *s, hc_handle_t h, int64_t off, int whence)
{
	hc_lseek_args a = { h, off, whence };
	hc_hyper_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_LSEEK, (xdrproc_t)xdr_hc_lseek_args, &a,
			    (xdrproc_t)xdr_hc_hyper_res, &res);
	if (r)
		return r;
	return res.err == HC_OK ? res.hc_hyper_res_u.value : -hc_err_to_errno(res.err);
}

static int stat_call(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
		     struct stat *st)
{
	hc_stat_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, proc, xargs, args, (xdrproc_t)xdr_hc_stat_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	hc_stat_to_local(&res.hc_stat_res_u.st, st);
	return 0;
}

int hc_fstat(struct hc_session *s, hc_handle_t h, struct stat *st)
{
	return stat_call(s, HC_FSTAT, (xdrproc_t)xdr_hc_handle, &h, st);
}

int hc_stat(struct hc_session *s, const char *path, struct stat *st)
{
	hc_stat_args a = { (char *)path, 0 };

	return stat_call(s, HC_STAT, (xdrproc_t)xdr_hc_stat_args, &a, st);
}

int hc_lstat(struct hc_session *s, const char *path, struct stat *st)
{
	hc_stat_args a = { (char *)path, 1 };

	return stat_call(s, HC_STAT, (xdrproc_t)xdr_hc_stat_args, &a, st);
}

int hc_unlink(struct hc_session *s, const char *path)
{
	hc_path p = (char *)path;

	return hc_session_call_err(s, HC_UNLINK, (xdrproc_t)xdr_hc_path, &p);
}

int hc_mkdir(struct hc_session *s, const char *path, mode_t mode)
{
	hc_mkdir_args a = { (char *)path, mode };

	return hc_session_call_err(s, HC_MKDIR, (xdrproc_t)xdr_hc_mkdir_args, &a);
}

int hc_rename(struct hc_session *s, const char *from, const char *to)
{
	hc_rename_args a = { (char *)from, (char *)to };

	return hc_session_call_err(s, HC_RENAME, (xdrproc_t)xdr_hc_rename_args, &a);
}

static int names_append(char ***v, size_t *n, const hc_dirlist *l)
{
	char **nv = realloc(*v, (*n + l->entries.entries_len + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	for (u_int i = 0; i < l->entries.entries_len; i++) {
		nv[*n] = strdup(l->entries.entries_val[i].name);
		if (!nv[*n])
			return -ENOMEM;
		nv[++*n] = NULL;
	}
	return 0;
}

static int readdir_page(struct hc_session *s, const char *path, char ***v, size_t *n, int *eof)
{
	hc_readdir_args a = { (char *)path, (u_int)*n };
	hc_readdir_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_READDIR, (xdrproc_t)xdr_hc_readdir_args, &a,
			    (xdrproc_t)xdr_hc_readdir_res, &res);
	if (r)
		return r;
	if (res.err != HC_OK) {
		r = -hc_err_to_errno(res.err);
	} else {
		r = names_append(v, n, &res.hc_readdir_res_u.list);
		*eof = res.hc_readdir_res_u.list.eof ||
		       res.hc_readdir_res_u.list.entries.entries_len == 0;
	}
	xdr_free((xdrproc_t)xdr_hc_readdir_res, (char *)&res);
	return r;
}

int hc_readdir(struct hc_session *s, const char *path, char ***out)
{
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;
	int eof = 0, r = 0;

	if (!v)
		return -ENOMEM;
	while (!eof && r == 0)
		r = readdir_page(s, path, &v, &n, &eof);
	if (r) {
		hc_strv_free(v);
		return r;
	}
	*out = v;
	return (int)n;
}

int hc_pipe(struct hc_session *s, hc_handle_t h[2])
{
	hc_pipe_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_PIPE, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)xdr_hc_pipe_res,
			    &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	h[0] = res.hc_pipe_res_u.ends.read_end;
	h[1] = res.hc_pipe_res_u.ends.write_end;
	return 0;
}
