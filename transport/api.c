/* api.c: sessions (connect, authenticate, call) and the context and file hostcalls. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "errmap.h"
#include "session.h"

static int call_direct(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
		       xdrproc_t xres, void *res)
{
	return hc_transport_call(s->t, proc, xargs, args, xres, res, s->timeout_ms);
}

static int encode_args(uint32_t proc, xdrproc_t xargs, void *args, hc_child_call_args *cc)
{
	unsigned long size = xdr_sizeof(xargs, args);
	XDR x;

	if (size > HC_CHILD_MSG_MAX)
		return -E2BIG;
	cc->proc = proc;
	cc->args.args_len = (u_int)size;
	cc->args.args_val = malloc(size ? size : 1);
	if (!cc->args.args_val)
		return -ENOMEM;
	xdrmem_create(&x, cc->args.args_val, (u_int)size, XDR_ENCODE);
	if (!xargs(&x, args)) {
		free(cc->args.args_val);
		return -EPROTO;
	}
	return 0;
}

static int decode_result(const hc_child_call_res *cr, xdrproc_t xres, void *res)
{
	XDR x;

	if (cr->err != HC_OK)
		return -hc_err_to_errno(cr->err);
	xdrmem_create(&x, cr->hc_child_call_res_u.result.result_val,
		      cr->hc_child_call_res_u.result.result_len, XDR_DECODE);
	return xres(&x, res) ? 0 : -EPROTO;
}

/* A forked child's calls travel inside HC_CHILD_CALL through the root session. */
static int call_child(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
		      xdrproc_t xres, void *res)
{
	hc_child_call_args cc = { .pid = s->child_pid };
	hc_child_call_res cr;
	int r;

	if ((r = encode_args(proc, xargs, args, &cc)) != 0)
		return r;
	memset(&cr, 0, sizeof(cr));
	r = call_direct(s->root, HC_CHILD_CALL, (xdrproc_t)xdr_hc_child_call_args, &cc,
			(xdrproc_t)xdr_hc_child_call_res, &cr);
	free(cc.args.args_val);
	if (r == 0) {
		r = decode_result(&cr, xres, res);
		xdr_free((xdrproc_t)xdr_hc_child_call_res, (char *)&cr);
	}
	return r;
}

int hc_session_call(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
		    xdrproc_t xres, void *res)
{
	if (s->child_pid)
		return call_child(s, proc, xargs, args, xres, res);
	return call_direct(s, proc, xargs, args, xres, res);
}

ssize_t hc_session_io(struct hc_session *s, uint32_t proc, hc_handle h, uint64_t off, void *buf,
		      size_t len)
{
	if (s->child_pid || !s->t->ops->io)
		return -ENOSYS;
	return s->t->ops->io(s->t, proc, h, off, buf, len, s->timeout_ms);
}

ssize_t hc_session_pread_view(struct hc_session *s, hc_handle h, uint64_t off, size_t len,
			      const void **data)
{
	if (s->child_pid || !s->t->ops->pread_view)
		return -ENOSYS;
	return s->t->ops->pread_view(s->t, h, off, len, data, s->timeout_ms);
}

int hc_session_call_err(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args)
{
	hc_err e = HC_OK;
	int r = hc_session_call(s, proc, xargs, args, (xdrproc_t)xdr_hc_err, &e);

	return r ? r : -hc_err_to_errno(e);
}

int hc_session_call_int(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args)
{
	hc_int_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, proc, xargs, args, (xdrproc_t)xdr_hc_int_res, &res);
	if (r)
		return r;
	return res.err == HC_OK ? res.hc_int_res_u.value : -hc_err_to_errno(res.err);
}

/* An hc_data_res decoded straight into the caller's buffer: no allocation, no second copy. */
struct data_into {
	hc_err err;
	char *buf;
	u_int cap, len;
};

static bool_t xdr_data_into(XDR *x, struct data_into *d)
{
	if (x->x_op == XDR_FREE)
		return TRUE;   /* the buffer is the caller's */
	if (!xdr_hc_err(x, &d->err))
		return FALSE;
	if (d->err != HC_OK)
		return TRUE;
	/* the host may not answer more than was asked: a longer count fails the decode */
	return xdr_bytes(x, &d->buf, &d->len, d->cap);
}

ssize_t hc_session_call_into(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
			     void *buf, size_t cap)
{
	char none;
	struct data_into d = { HC_OK, buf ? buf : &none, (u_int)cap, 0 };
	ssize_t r;

	if ((!buf && cap) || cap > UINT_MAX)
		return -EFAULT;
	r = hc_session_call(s, proc, xargs, args, (xdrproc_t)xdr_data_into, &d);
	if (r)
		return r;
	return d.err != HC_OK ? -hc_err_to_errno(d.err) : (ssize_t)d.len;
}

ssize_t hc_session_call_data(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
			     void *buf, size_t len)
{
	return hc_session_call_into(s, proc, xargs, args, buf, len > HC_IO_MAX ? HC_IO_MAX : len);
}

int hc_copy_string(char *buf, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return -ERANGE;
	memcpy(buf, src, n + 1);
	return 0;
}

/* The proofs cover the TLS session's channel binding, where one runs: none can be relayed. */
static int authenticate(struct hc_session *s, const uint8_t key[HC_KEY_LEN])
{
	hc_auth_begin_args begin;
	hc_auth_begin_res br;
	hc_auth_finish_args fin;
	uint8_t binding[HC_AUTH_BINDING_LEN];
	const uint8_t *b = hc_transport_binding(s->t, binding) == 0 ? binding : NULL;
	int r;

	if ((r = hc_random(begin.client_nonce, HC_NONCE_LEN)) != 0)
		return r;
	memset(&br, 0, sizeof(br));
	r = call_direct(s, HC_AUTH_BEGIN, (xdrproc_t)xdr_hc_auth_begin_args, &begin,
			(xdrproc_t)xdr_hc_auth_begin_res, &br);
	if (r)
		return r;
	if (br.err != HC_OK)
		return -hc_err_to_errno(br.err);
	r = hc_auth_check(key, HC_AUTH_SERVER, (uint8_t *)begin.client_nonce,
			  (uint8_t *)br.hc_auth_begin_res_u.ok.server_nonce, b,
			  (uint8_t *)br.hc_auth_begin_res_u.ok.server_mac);
	if (r == 0)
		r = hc_auth_mac(key, HC_AUTH_CLIENT, (uint8_t *)begin.client_nonce,
				(uint8_t *)br.hc_auth_begin_res_u.ok.server_nonce, b,
				(uint8_t *)fin.client_mac);
	if (r == 0)
		r = hc_session_call_err(s, HC_AUTH_FINISH, (xdrproc_t)xdr_hc_auth_finish_args,
					&fin);
	return r;
}

static _Thread_local char connect_error[512];

void hc_set_connect_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(connect_error, sizeof(connect_error), fmt, ap);
	va_end(ap);
}

const char *hc_connect_error(void)
{
	return connect_error;
}

static int tls_mode_from_env(void)
{
	static const char *const names[] = { [HC_TLS_AUTO] = "auto", [HC_TLS_REQUIRE] = "require",
					     [HC_TLS_OFF] = "off" };
	const char *v = getenv("DOSH_TLS");

	if (!v || !*v)
		return HC_TLS_AUTO;
	for (int m = HC_TLS_AUTO; m <= HC_TLS_OFF; m++)
		if (strcmp(v, names[m]) == 0)
			return m;
	hc_set_connect_error("DOSH_TLS=%s: expected require, auto or off", v);
	return -EINVAL;
}

/* The key, where one was named: tcp: needs it; unix: takes it only to run TLS. */
static int load_key(const char *url, const char *keyfile, uint8_t key[HC_KEY_LEN], int *have)
{
	int r;

	*have = 0;
	if (!keyfile)
		return 0;
	r = hc_key_load(keyfile, key);
	if (r != 0 && strncmp(url, "tcp:", 4) != 0)
		return 0;
	*have = r == 0;
	return r;
}

static int open_session(const char *url, const char *keyfile, const struct hc_open_params *p,
			struct hc_session *s)
{
	int r;

	if ((r = hc_transport_open(url, p, &s->t)) != 0)
		return r;
	if (!hc_transport_needs_key(s->t))
		return 0;
	if (!keyfile)
		return -ENOKEY;
	return p->key ? authenticate(s, p->key) : -ENOKEY;
}

int hc_connect_with(const char *url, const struct hc_connect_opts *o, struct hc_session **out)
{
	struct hc_connect_opts none = { NULL, HC_TLS_DEFAULT, NULL, NULL, NULL };
	struct hc_open_params p;
	uint8_t key[HC_KEY_LEN];
	struct hc_session *s;
	int r, have_key;

	connect_error[0] = '\0';
	o = o ? o : &none;
	p.tls = o->tls == HC_TLS_DEFAULT ? tls_mode_from_env() : (int)o->tls;
	if (p.tls < 0)
		return p.tls;
	if ((r = load_key(url, o->keyfile, key, &have_key)) != 0)
		return r;
	p.key = have_key ? key : NULL;
	p.tls_cert = o->tls_cert ? o->tls_cert : getenv("DOSH_TLS_CERT");
	p.tls_cert_key = o->tls_key ? o->tls_key : getenv("DOSH_TLS_KEY");
	p.tls_ca = o->tls_ca ? o->tls_ca : getenv("DOSH_TLS_CA");
	if ((p.tls_cert != NULL) != (p.tls_cert_key != NULL) || (p.tls_cert != NULL) != (p.tls_ca != NULL)) {
		hc_set_connect_error("a certificate, its key and a CA go together (DOSH_TLS_CERT, "
				     "DOSH_TLS_KEY, DOSH_TLS_CA)");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->root = s;
	s->timeout_ms = HC_DEFAULT_TIMEOUT_MS;
	r = open_session(url, o->keyfile, &p, s);
	memset(key, 0, sizeof(key));
	if (r != 0) {
		hc_transport_close(s->t);
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

int hc_connect(const char *url, const char *keyfile, struct hc_session **out)
{
	struct hc_connect_opts o = { keyfile, HC_TLS_DEFAULT, NULL, NULL, NULL };

	return hc_connect_with(url, &o, out);
}

int hc_session_security(struct hc_session *s, char *buf, size_t len)
{
	struct hc_transport *t = s->root->t;

	if (len)
		buf[0] = '\0';
	return t->ops->security ? t->ops->security(t, buf, len) : 0;
}

void hc_disconnect(struct hc_session *s)
{
	if (!s)
		return;
	if (s->child_pid) {
		hc_session_free_child(s);
		return;
	}
	hc_transport_close(s->t);
	free(s->view);
	free(s->block);
	free(s);
}

void hc_session_free_child(struct hc_session *child)
{
	if (child && child->child_pid) {
		free(child->view);
		free(child->block);
		free(child);
	}
}

int hc_set_timeout(struct hc_session *s, int ms)
{
	if (ms <= 0)
		return -EINVAL;
	s->timeout_ms = ms;
	return 0;
}

int hc_null(struct hc_session *s)
{
	return hc_session_call(s, HC_NULL, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void, NULL);
}

int hc_info(struct hc_session *s, struct hc_session_info *info)
{
	hc_info_res res;
	hc_session_desc *in = &res.hc_info_res_u.info;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_INFO, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)xdr_hc_info_res,
			    &res);
	if (r)
		return r;
	if (res.err != HC_OK)
		return -hc_err_to_errno(res.err);
	memset(info, 0, sizeof(*info));
	if ((r = hc_copy_string(info->hostname, sizeof(info->hostname), in->hostname)) == 0)
		r = hc_copy_string(info->user, sizeof(info->user), in->user);
	info->uid = in->uid;
	info->shadow_pid = in->shadow_pid;
	info->protocol_version = in->protocol_version;
	xdr_free((xdrproc_t)xdr_hc_info_res, (char *)&res);
	return r;
}

int hc_getcwd(struct hc_session *s, char *buf, size_t len)
{
	hc_path_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_GETCWD, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)xdr_hc_path_res,
			    &res);
	if (r)
		return r;
	r = res.err == HC_OK ? hc_copy_string(buf, len, res.hc_path_res_u.path)
			     : -hc_err_to_errno(res.err);
	xdr_free((xdrproc_t)xdr_hc_path_res, (char *)&res);
	return r;
}

int hc_chdir(struct hc_session *s, const char *path)
{
	hc_path p = (char *)path;

	return hc_session_call_err(s, HC_CHDIR, (xdrproc_t)xdr_hc_path, &p);
}

int hc_getenv(struct hc_session *s, const char *name, char *buf, size_t len)
{
	hc_name n = (char *)name;
	hc_value_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_GETENV, (xdrproc_t)xdr_hc_name, &n,
			    (xdrproc_t)xdr_hc_value_res, &res);
	if (r)
		return r;
	r = res.err == HC_OK ? hc_copy_string(buf, len, res.hc_value_res_u.value)
			     : -hc_err_to_errno(res.err);
	xdr_free((xdrproc_t)xdr_hc_value_res, (char *)&res);
	return r;
}

int hc_setenv(struct hc_session *s, const char *name, const char *value, int overwrite)
{
	hc_setenv_args a = { (char *)name, (char *)value, overwrite != 0 };

	return hc_session_call_err(s, HC_SETENV, (xdrproc_t)xdr_hc_setenv_args, &a);
}

int hc_unsetenv(struct hc_session *s, const char *name)
{
	hc_name n = (char *)name;

	return hc_session_call_err(s, HC_UNSETENV, (xdrproc_t)xdr_hc_name, &n);
}

static int strv_dup(char **src, u_int n, char ***out)
{
	char **v = calloc((size_t)n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (u_int i = 0; i < n; i++) {
		if (!(v[i] = strdup(src[i]))) {
			hc_strv_free(v);
			return -ENOMEM;
		}
	}
	*out = v;
	return (int)n;
}

void hc_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

int hc_environ(struct hc_session *s, char ***out)
{
	hc_envv_res res;
	int r;

	memset(&res, 0, sizeof(res));
	r = hc_session_call(s, HC_ENVIRON, (xdrproc_t)hc_xdr_void, NULL,
			    (xdrproc_t)xdr_hc_envv_res, &res);
	if (r)
		return r;
	r = res.err == HC_OK ? strv_dup(res.hc_envv_res_u.env.hc_envv_val,
					res.hc_envv_res_u.env.hc_envv_len, out)
			     : -hc_err_to_errno(res.err);
	xdr_free((xdrproc_t)xdr_hc_envv_res, (char *)&res);
	return r;
}
