/* test_xdr.c: unit: every wire type survives an XDR round trip; oversized and malformed input is refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <rpc/rpc.h>

#include "rpc/hostcall.h"

#define S(x) ((char *)(x))
#define BUF (2u << 20)

static char *argv_sample[] = { S("sh"), S("-c"), S("echo hi"), S("") };
static char *env_sample[] = { S("A=1"), S("PATH=/bin") };
static hc_envv env_val = { 2, env_sample };
static char data_sample[] = "some\0binary\xff data";
static hc_dirent dirents[] = { { S("a.c"), HC_FT_REG }, { S("sub"), HC_FT_DIR } };

/* Encode, decode, encode again: the two encodings must be identical. */
static void round_trip(xdrproc_t proc, void *value, size_t size)
{
	char *a = malloc(BUF), *b = malloc(BUF);
	void *decoded = calloc(1, size);
	XDR x;
	u_int alen, blen;

	xdrmem_create(&x, a, BUF, XDR_ENCODE);
	assert_true(proc(&x, value));
	alen = xdr_getpos(&x);
	xdrmem_create(&x, a, alen, XDR_DECODE);
	assert_true(proc(&x, decoded));
	assert_int_equal(xdr_getpos(&x), alen);
	xdrmem_create(&x, b, BUF, XDR_ENCODE);
	assert_true(proc(&x, decoded));
	blen = xdr_getpos(&x);
	assert_int_equal(blen, alen);
	assert_memory_equal(a, b, alen);
	xdr_free(proc, decoded);
	free(decoded);
	free(a);
	free(b);
}

#define RT(type, ...) do { type v_ = __VA_ARGS__; round_trip((xdrproc_t)xdr_##type, &v_, sizeof(v_)); } while (0)

static void scalars_and_strings__round_trip(void **state)
{
	(void)state;
	RT(hc_err, HC_ENOENT);
	RT(hc_signal, HC_SIGWINCH);
	RT(hc_handle, 17);
	RT(hc_path, S("/home/me/out"));
	RT(hc_name, S("PRINTER"));
	RT(hc_value, S("lp0"));
	RT(hc_arg, S("an argument with spaces"));
	RT(hc_argv, { 4, argv_sample });
	RT(hc_envv, { 2, env_sample });
	RT(hc_data, { sizeof(data_sample), data_sample });
	RT(hc_ftype, HC_FT_SOCK);
	RT(hc_wait_kind, HC_WAIT_STOPPED);
	RT(hc_stdio_kind, HC_STDIO_FILE);
	RT(hc_family, HC_AF_INET6);
	RT(hc_stream_dir, HC_STREAM_FROM_HOST);
}

static void auth_and_info__round_trip(void **state)
{
	(void)state;
	hc_auth_begin_args ba;
	memset(ba.client_nonce, 0xab, sizeof(ba.client_nonce));
	round_trip((xdrproc_t)xdr_hc_auth_begin_args, &ba, sizeof(ba));
	hc_auth_begin_res br = { .err = HC_OK };
	memset(br.hc_auth_begin_res_u.ok.server_nonce, 1, HC_NONCE_LEN);
	memset(br.hc_auth_begin_res_u.ok.server_mac, 2, HC_MAC_LEN);
	round_trip((xdrproc_t)xdr_hc_auth_begin_res, &br, sizeof(br));
	RT(hc_auth_begin_res, { .err = HC_EINVAL });
	hc_auth_finish_args fa;
	memset(fa.client_mac, 3, sizeof(fa.client_mac));
	round_trip((xdrproc_t)xdr_hc_auth_finish_args, &fa, sizeof(fa));
	RT(hc_info_res, { .err = HC_OK, .hc_info_res_u.info = { S("host"), S("me"), 1000, 4242, 1 } });
	RT(hc_info_res, { .err = HC_EAUTH });
}

static void context_and_generic_results__round_trip(void **state)
{
	(void)state;
	RT(hc_path_res, { .err = HC_OK, .hc_path_res_u.path = S("/var/tmp") });
	RT(hc_path_res, { .err = HC_ENAMETOOLONG });
	RT(hc_value_res, { .err = HC_OK, .hc_value_res_u.value = S("hello") });
	RT(hc_int_res, { .err = HC_OK, .hc_int_res_u.value = -5 });
	RT(hc_hyper_res, { .err = HC_OK, .hc_hyper_res_u.value = -1234567890123LL });
	RT(hc_data_res, { .err = HC_OK, .hc_data_res_u.data = { 5, S("bytes") } });
	RT(hc_envv_res, { .err = HC_OK, .hc_envv_res_u.env = { 2, env_sample } });
	RT(hc_setenv_args, { S("GREETING"), S("hello"), 1 });
}

static void file_types__round_trip(void **state)
{
	(void)state;
	RT(hc_open_args, { S("notes.txt"), HC_O_WRONLY | HC_O_CREAT, 0644 });
	RT(hc_read_args, { 3, HC_IO_MAX });
	RT(hc_write_args, { 3, { sizeof(data_sample), data_sample } });
	RT(hc_lseek_args, { 3, 1LL << 40, HC_SEEK_END });
	RT(hc_stat_res, { .err = HC_OK, .hc_stat_res_u.st = { HC_FT_REG, 0644, 1ULL << 33, 7, 8, 1,
							      1000, 100, 1, 2, 3, 4 } });
	RT(hc_stat_args, { S("/etc/passwd"), 1 });
	RT(hc_mkdir_args, { S("d"), 0700 });
	RT(hc_rename_args, { S("a"), S("b") });
	RT(hc_readdir_args, { S("/"), 512 });
	RT(hc_readdir_res, { .err = HC_OK, .hc_readdir_res_u.list = { { 2, dirents }, 1 } });
	RT(hc_pipe_res, { .err = HC_OK, .hc_pipe_res_u.ends = { 4, 5 } });
	RT(hc_dup2_args, { 4, 1 });
}

static void process_types__round_trip(void **state)
{
	hc_spawn_args sp;

	(void)state;
	RT(hc_exec_args, { S("lpr"), { 4, argv_sample }, NULL });
	RT(hc_exec_args, { S("lpr"), { 4, argv_sample }, &env_val });
	memset(&sp, 0, sizeof(sp));
	sp.exec = (hc_exec_args){ S("sh"), { 4, argv_sample }, &env_val };
	sp.stdio[0].kind = HC_STDIO_HANDLE;
	sp.stdio[0].hc_stdio_u.handle = 9;
	sp.stdio[1].kind = HC_STDIO_FILE;
	sp.stdio[1].hc_stdio_u.file = (hc_stdio_file){ S("out.txt"), HC_O_WRONLY, 0600 };
	sp.stdio[2].kind = HC_STDIO_NULL;
	sp.pgid = 77;
	sp.close_handles = 1;
	sp.ctty = -1;
	round_trip((xdrproc_t)xdr_hc_spawn_args, &sp, sizeof(sp));
	RT(hc_wait_args, { -1, HC_WNOHANG | HC_WUNTRACED, 500 });
	RT(hc_wait_res, { .err = HC_OK, .hc_wait_res_u.status = { 99, HC_WAIT_SIGNALED, HC_SIGKILL, 1 } });
	RT(hc_kill_args, { -99, HC_SIGINT });
	RT(hc_child_call_args, { 99, HC_GETCWD, { 4, S("\0\0\0\0") } });
	RT(hc_child_call_res, { .err = HC_OK, .hc_child_call_res_u.result = { 4, S("abcd") } });
}

static void socket_and_stream_types__round_trip(void **state)
{
	hc_stream_res sr = { .err = HC_OK };

	(void)state;
	RT(hc_sockaddr, { .family = HC_AF_INET, .hc_sockaddr_u.in4 = { { 127, 0, 0, 1 }, 7077 } });
	RT(hc_sockaddr, { .family = HC_AF_INET6, .hc_sockaddr_u.in6 = { { 0 }, 22 } });
	RT(hc_sockaddr, { .family = HC_AF_UNIX, .hc_sockaddr_u.path = S("/run/x.sock") });
	RT(hc_sockaddr, { .family = HC_AF_UNSPEC });
	RT(hc_socket_args, { HC_AF_INET, HC_SOCK_STREAM, 0 });
	RT(hc_sockaddr_args, { 3, { .family = HC_AF_UNIX, .hc_sockaddr_u.path = S("/s") } });
	RT(hc_listen_args, { 3, 16 });
	RT(hc_sockaddr_res, { .err = HC_OK, .hc_sockaddr_res_u.addr = { .family = HC_AF_UNSPEC } });
	RT(hc_accept_res, { .err = HC_OK, .hc_accept_res_u.conn = { 5, { .family = HC_AF_UNSPEC } } });
	sr.hc_stream_res_u.ticket.handle = 6;
	sr.hc_stream_res_u.ticket.shadow_pid = 1234;
	memset(sr.hc_stream_res_u.ticket.token, 0x77, HC_TOKEN_LEN);
	round_trip((xdrproc_t)xdr_hc_stream_res, &sr, sizeof(sr));
	RT(hc_stream_attach_args, { 6, 7, HC_STREAM_TO_HOST });
	RT(hc_pty_res, { .err = HC_OK, .hc_pty_res_u.pty = { 8, 9 } });
	RT(hc_winsize, { 8, 24, 80 });
}

/* Decoding must fail on @bytes, and leave nothing allocated. */
static void refuse(xdrproc_t proc, const void *bytes, u_int len, size_t size)
{
	void *out = calloc(1, size);
	XDR x;

	xdrmem_create(&x, (char *)bytes, len, XDR_DECODE);
	assert_false(proc(&x, out));
	xdr_free(proc, out);
	free(out);
}

static void put32(char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static void oversized__refused_before_allocation(void **state)
{
	char msg[64];

	(void)state;
	put32(msg, HC_PATH_MAX + 1);      /* a path one byte too long */
	refuse((xdrproc_t)xdr_hc_path, msg, sizeof(msg), sizeof(hc_path));
	put32(msg, 3);                    /* a write one byte over HC_IO_MAX */
	put32(msg + 4, HC_IO_MAX + 1);
	refuse((xdrproc_t)xdr_hc_write_args, msg, sizeof(msg), sizeof(hc_write_args));
	put32(msg, 2);                    /* exec: path "sh", then a billion argv entries */
	memcpy(msg + 4, "sh\0\0", 4);
	put32(msg + 8, 1000000000u);
	refuse((xdrproc_t)xdr_hc_exec_args, msg, 12, sizeof(hc_exec_args));
	put32(msg, 1);                    /* child call: 4 GiB of arguments */
	put32(msg + 4, HC_GETCWD);
	put32(msg + 8, 0xffffffffu);
	refuse((xdrproc_t)xdr_hc_child_call_args, msg, 12, sizeof(hc_child_call_args));
	put32(msg, HC_AF_UNIX);           /* a unix path longer than sun_path */
	put32(msg + 4, HC_SUNPATH_MAX + 1);
	refuse((xdrproc_t)xdr_hc_sockaddr, msg, sizeof(msg), sizeof(hc_sockaddr));
}

static void truncated__refused(void **state)
{
	char *buf = malloc(4096);
	hc_setenv_args a = { S("NAME"), S("a long enough value"), 1 };
	XDR x;
	u_int len;

	(void)state;
	xdrmem_create(&x, buf, 4096, XDR_ENCODE);
	assert_true(xdr_hc_setenv_args(&x, &a));
	len = xdr_getpos(&x);
	for (u_int cut = 0; cut < len; cut += 3)
		refuse((xdrproc_t)xdr_hc_setenv_args, buf, cut, sizeof(hc_setenv_args));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scalars_and_strings__round_trip),
		cmocka_unit_test(auth_and_info__round_trip),
		cmocka_unit_test(context_and_generic_results__round_trip),
		cmocka_unit_test(file_types__round_trip),
		cmocka_unit_test(process_types__round_trip),
		cmocka_unit_test(socket_and_stream_types__round_trip),
		cmocka_unit_test(oversized__refused_before_allocation),
		cmocka_unit_test(truncated__refused),
	};

	return cmocka_run_group_tests_name("xdr", tests, NULL, NULL);
}
