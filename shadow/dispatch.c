/* dispatch.c: the one table of procedures every backend dispatches into, and the auth gate. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errmap.h"
#include "shadow.h"
#include "transport.h"

#define PROC(num, fn, targs, tres, pre) \
	[num] = { #num, (xdrproc_t)xdr_##targs, (xdrproc_t)xdr_##tres, sizeof(targs), \
		  sizeof(tres), fn, pre }
#define PROC_NOARGS(num, fn, tres, pre) \
	[num] = { #num, (xdrproc_t)hc_xdr_void, (xdrproc_t)xdr_##tres, 0, sizeof(tres), fn, pre }

static const struct shadow_proc procs[] = {
	[HC_NULL] = { "HC_NULL", (xdrproc_t)hc_xdr_void, (xdrproc_t)hc_xdr_void, 0, 0,
		      shadow_null, 1 },
	PROC(HC_AUTH_BEGIN, shadow_auth_begin, hc_auth_begin_args, hc_auth_begin_res, 1),
	PROC(HC_AUTH_FINISH, shadow_auth_finish, hc_auth_finish_args, hc_err, 1),
	PROC_NOARGS(HC_INFO, shadow_info, hc_info_res, 0),
	PROC_NOARGS(HC_GETCWD, shadow_getcwd, hc_path_res, 0),
	PROC(HC_CHDIR, shadow_chdir, hc_path, hc_err, 0),
	PROC(HC_GETENV, shadow_getenv, hc_name, hc_value_res, 0),
	PROC(HC_SETENV, shadow_setenv, hc_setenv_args, hc_err, 0),
	PROC(HC_UNSETENV, shadow_unsetenv, hc_name, hc_err, 0),
	PROC_NOARGS(HC_ENVIRON, shadow_environ, hc_envv_res, 0),
	PROC(HC_OPEN, shadow_open, hc_open_args, hc_int_res, 0),
	PROC(HC_CLOSE, shadow_close, hc_handle, hc_err, 0),
	PROC(HC_READ, shadow_read, hc_read_args, hc_data_res, 0),
	PROC(HC_WRITE, shadow_write, hc_write_args, hc_int_res, 0),
	PROC(HC_LSEEK, shadow_lseek, hc_lseek_args, hc_hyper_res, 0),
	PROC(HC_FSTAT, shadow_fstat, hc_handle, hc_stat_res, 0),
	PROC(HC_STAT, shadow_stat, hc_stat_args, hc_stat_res, 0),
	PROC(HC_UNLINK, shadow_unlink, hc_path, hc_err, 0),
	PROC(HC_MKDIR, shadow_mkdir, hc_mkdir_args, hc_err, 0),
	PROC(HC_RENAME, shadow_rename, hc_rename_args, hc_err, 0),
	PROC(HC_READDIR, shadow_readdir, hc_readdir_args, hc_readdir_res, 0),
	PROC_NOARGS(HC_PIPE, shadow_pipe, hc_pipe_res, 0),
	PROC(HC_DUP2, shadow_dup2, hc_dup2_args, hc_err, 0),
	PROC_NOARGS(HC_FORK, shadow_fork, hc_int_res, 0),
	PROC(HC_EXEC, shadow_exec, hc_exec_args, hc_err, 0),
	PROC(HC_SPAWN, shadow_spawn, hc_spawn_args, hc_int_res, 0),
	PROC(HC_WAIT, shadow_wait, hc_wait_args, hc_wait_res, 0),
	PROC(HC_KILL, shadow_kill, hc_kill_args, hc_err, 0),
	PROC(HC_CHILD_CALL, shadow_child_call, hc_child_call_args, hc_child_call_res, 0),
	PROC(HC_SOCKET, shadow_socket, hc_socket_args, hc_int_res, 0),
	PROC(HC_BIND, shadow_bind, hc_sockaddr_args, hc_err, 0),
	PROC(HC_LISTEN, shadow_listen, hc_listen_args, hc_err, 0),
	PROC(HC_ACCEPT, shadow_accept, hc_handle, hc_accept_res, 0),
	PROC(HC_CONNECT, shadow_connect, hc_sockaddr_args, hc_err, 0),
	PROC(HC_GETSOCKNAME, shadow_getsockname, hc_handle, hc_sockaddr_res, 0),
	PROC_NOARGS(HC_STREAM_CREATE, shadow_stream_create, hc_stream_res, 0),
	PROC(HC_STREAM_ATTACH, shadow_stream_attach, hc_stream_attach_args, hc_err, 0),
	PROC_NOARGS(HC_PTY_OPEN, shadow_pty_open, hc_pty_res, 0),
	PROC(HC_PTY_RESIZE, shadow_pty_resize, hc_winsize, hc_err, 0),
	PROC(HC_PTY_UNREAD, shadow_pty_unread, hc_handle, hc_data_res, 0),
	PROC(HC_STREAM_UNREAD, shadow_stream_unread, hc_handle, hc_data_res, 0),
	PROC(HC_LOOKUP, shadow_lookup, hc_lookup_args, hc_entry_res, 0),
	PROC(HC_FORGET, shadow_forget, hc_handle_list, hc_err, 0),
	PROC(HC_FSTATAT, shadow_fstatat, hc_at_args, hc_attr_res, 0),
	PROC(HC_OPENAT, shadow_openat, hc_openat_args, hc_opened_res, 0),
	PROC(HC_PREAD, shadow_pread, hc_pread_args, hc_data_res, 0),
	PROC(HC_PWRITE, shadow_pwrite, hc_pwrite_args, hc_int_res, 0),
	PROC(HC_FTRUNCATE, shadow_ftruncate, hc_truncate_args, hc_err, 0),
	PROC(HC_FSYNC, shadow_fsync, hc_fsync_args, hc_err, 0),
	PROC(HC_FALLOCATE, shadow_fallocate, hc_fallocate_args, hc_err, 0),
	PROC(HC_COPY_FILE_RANGE, shadow_copy_file_range, hc_copy_range_args, hc_int_res, 0),
	PROC(HC_UTIMENSAT, shadow_utimensat, hc_utimens_args, hc_err, 0),
	PROC(HC_FCHMODAT, shadow_fchmodat, hc_chmod_args, hc_err, 0),
	PROC(HC_FCHOWNAT, shadow_fchownat, hc_chown_args, hc_err, 0),
	PROC(HC_MKNODAT, shadow_mknodat, hc_mknod_args, hc_entry_res, 0),
	PROC(HC_UNLINKAT, shadow_unlinkat, hc_at_args, hc_err, 0),
	PROC(HC_RENAMEAT2, shadow_renameat2, hc_rename2_args, hc_err, 0),
	PROC(HC_LINKAT, shadow_linkat, hc_link_args, hc_entry_res, 0),
	PROC(HC_SYMLINKAT, shadow_symlinkat, hc_symlink_args, hc_entry_res, 0),
	PROC(HC_READLINKAT, shadow_readlinkat, hc_at_args, hc_path_res, 0),
	PROC(HC_FSTATFS, shadow_fstatfs, hc_handle, hc_statfs_res, 0),
	PROC(HC_FACCESSAT, shadow_faccessat, hc_access_args, hc_err, 0),
	PROC(HC_GETXATTR, shadow_getxattr, hc_xattr_args, hc_xattr_res, 0),
	PROC(HC_SETXATTR, shadow_setxattr, hc_setxattr_args, hc_err, 0),
	PROC(HC_LISTXATTR, shadow_listxattr, hc_xattr_args, hc_xattr_res, 0),
	PROC(HC_REMOVEXATTR, shadow_removexattr, hc_xattr_args, hc_err, 0),
	PROC(HC_LOCK, shadow_lock, hc_lock_args, hc_lock_res, 0),
	PROC(HC_FLOCK, shadow_flock, hc_flock_args, hc_err, 0),
	PROC(HC_GETDENTS, shadow_getdents, hc_getdents_args, hc_dents_res, 0),
	PROC(HC_POLL, shadow_poll, hc_poll_args, hc_int_res, 0),
	PROC(HC_SETATTR, shadow_setattr, hc_setattr_args, hc_attr_res, 0),
	PROC(HC_MODULE_OPEN, shadow_module_open, hc_module_open_args, hc_int_res, 0),
	PROC(HC_MODULE_CALL, shadow_module_call, hc_module_call_args, hc_module_call_res, 0),
};

const struct shadow_proc *shadow_proc_lookup(uint32_t proc)
{
	if (proc >= sizeof(procs) / sizeof(procs[0]) || !procs[proc].fn)
		return NULL;
	return &procs[proc];
}

int shadow_may_call(const struct shadow *sh, const struct shadow_proc *proc)
{
	return sh->authenticated || proc->before_auth;
}

int shadow_null(struct shadow *sh, void *args, void *res)
{
	(void)sh;
	(void)args;
	(void)res;
	return 0;
}

static int encode_result(xdrproc_t xres, void *res, void **out, size_t *outlen)
{
	unsigned long size = xdr_sizeof(xres, res);
	XDR x;

	if (size > HC_CHILD_MSG_MAX)
		return -E2BIG;
	*out = malloc(size ? size : 1);
	if (!*out)
		return -ENOMEM;
	xdrmem_create(&x, *out, (u_int)size, XDR_ENCODE);
	if (!xres(&x, res)) {
		free(*out);
		return -EPROTO;
	}
	*outlen = size;
	return 0;
}

/* A bulk call's header: HC_READ/HC_WRITE carry an hc_read_args, HC_PREAD/HC_PWRITE an hc_pread_args. */
static int decode_bulk(uint32_t proc, const void *in, size_t inlen, hc_pread_args *a)
{
	hc_read_args ra;
	XDR x;

	xdrmem_create(&x, (char *)in, (u_int)inlen, XDR_DECODE);
	if (proc == HC_PREAD || proc == HC_PWRITE)
		return xdr_hc_pread_args(&x, a) ? 0 : -EPROTO;
	if (!xdr_hc_read_args(&x, &ra))
		return -EPROTO;
	*a = (hc_pread_args){ ra.handle, 0, ra.count };
	return 0;
}

static ssize_t run_bulk(struct shadow *sh, uint32_t proc, const hc_pread_args *a, void *bulk)
{
	switch (proc) {
	case HC_READ:
		return shadow_read_into(sh, a->handle, bulk, a->count);
	case HC_WRITE:
		return shadow_write_from(sh, a->handle, bulk, a->count);
	case HC_PREAD:
		return shadow_pread_into(sh, a->handle, a->offset, bulk, a->count);
	default:
		return shadow_pwrite_from(sh, a->handle, a->offset, bulk, a->count);
	}
}

int shadow_call_bulk(struct shadow *sh, uint32_t proc, const void *in, size_t inlen,
		     void *bulk, void **out, size_t *outlen)
{
	const struct shadow_proc *p = shadow_proc_lookup(proc);
	hc_int_res res = { .err = HC_OK };
	hc_pread_args a;
	ssize_t n;

	if (!p || (proc != HC_READ && proc != HC_WRITE && proc != HC_PREAD && proc != HC_PWRITE))
		return -ENOSYS;
	if (!shadow_may_call(sh, p))
		return -EACCES;
	if (decode_bulk(proc, in, inlen, &a) != 0)
		return -EPROTO;
	n = run_bulk(sh, proc, &a, bulk);
	if (n < 0)
		res.err = hc_err_from_errno((int)-n);
	else
		res.hc_int_res_u.value = (int)n;
	return encode_result((xdrproc_t)xdr_hc_int_res, &res, out, outlen);
}

int shadow_call_module_bulk(struct shadow *sh, const void *in, size_t inlen, uint8_t *block,
			    size_t blocklen, uint32_t *answer_len, void **out, size_t *outlen)
{
	hc_int_res res = { .err = HC_OK };
	hc_module_bulk_args a;
	XDR x;
	int r;

	*answer_len = 0;
	if (!shadow_may_call(sh, shadow_proc_lookup(HC_MODULE_CALL)))
		return -EACCES;
	xdrmem_create(&x, (char *)in, (u_int)inlen, XDR_DECODE);
	if (!xdr_hc_module_bulk_args(&x, &a) || a.len != blocklen)
		return -EPROTO;
	if ((r = modules_call(sh, a.module, a.func, block, blocklen)) != 0)
		res.err = hc_err_from_neg(r);
	else
		res.hc_int_res_u.value = (int)blocklen;
	if ((r = encode_result((xdrproc_t)xdr_hc_int_res, &res, out, outlen)) == 0 &&
	    res.err == HC_OK)
		*answer_len = (uint32_t)blocklen;
	return r;
}

int shadow_call_encoded(struct shadow *sh, uint32_t proc, const void *in, size_t inlen,
			void **out, size_t *outlen)
{
	const struct shadow_proc *p = shadow_proc_lookup(proc);
	void *args, *res;
	XDR x;
	int r;

	if (!p)
		return -ENOSYS;
	if (!shadow_may_call(sh, p))
		return -EACCES;
	/* a module call's answer is as long as its block: one too long to encode never runs */
	if (proc == HC_MODULE_CALL && inlen > HC_CHILD_MSG_MAX)
		return -E2BIG;
	args = calloc(1, p->args_size + 1);
	res = calloc(1, p->res_size + 1);
	if (!args || !res) {
		r = -ENOMEM;
		goto out;
	}
	xdrmem_create(&x, (char *)in, (u_int)inlen, XDR_DECODE);
	if (!p->xargs(&x, args)) {
		r = -EPROTO;
		goto out_free_args;
	}
	p->fn(sh, args, res);
	r = encode_result(p->xres, res, out, outlen);
	xdr_free(p->xres, res);
out_free_args:
	xdr_free(p->xargs, args);
out:
	free(args);
	free(res);
	return r;
}
