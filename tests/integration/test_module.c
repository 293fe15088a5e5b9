/* test_module.c: integration: host modules opened from --module-dir and called with flat blocks. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "channel.h"
#include "harness.h"
#include "ivshmem_peer.h"
#include "module_fixture.h"
#include "rpc/hostcall.h"
#include "transport.h"

static const uint8_t good_hash[HCG_HASH_LEN] = FIXTURE_HASH;
static char module_dir[PATH_MAX];

static int start(void **state)
{
	const char *extra[] = { "--module-dir", "/nonexistent/modules", "--module-dir", module_dir,
				NULL };

	(void)state;
	return test_daemon_start(&test_group_daemon, extra);
}

static struct hc_session *open_fixture(int *id)
{
	struct hc_session *s = test_connect(&test_group_daemon);

	assert_non_null(s);
	*id = hc_module_open(s, "fixture", good_hash);
	assert_true(*id >= 0);
	return s;
}

static void *block_of(struct hc_session *s, size_t *cap)
{
	void *b = hc_module_block(s, cap);

	assert_non_null(b);
	assert_true(*cap >= 4096);
	assert_int_equal((uintptr_t)b % HCG_ALIGN, 0);
	return b;
}

/* An upper() block: the string at 32, the out region after it, each 8-aligned. */
static struct fixture_upper *lay_upper(struct hc_session *s, const char *in, uint32_t outlen,
				       size_t *len)
{
	size_t cap, n = strlen(in) + 1;
	uint8_t *b = block_of(s, &cap);
	struct fixture_upper *f = (struct fixture_upper *)b;
	uint32_t out_off = (uint32_t)((sizeof(*f) + n + 7) & ~(size_t)7);

	assert_true(out_off + (size_t)outlen <= cap);
	memset(f, 0, sizeof(*f));
	f->in = (struct hcg_region){ sizeof(*f), (uint32_t)n };
	f->out = (struct hcg_region){ out_off, outlen };
	memcpy(b + sizeof(*f), in, n);
	*len = out_off + (size_t)outlen;
	return f;
}

static void add_and_upper__fixture__answer_results(void **state)
{
	int id;
	struct hc_session *s = open_fixture(&id);
	size_t cap, len;
	struct fixture_add *a = block_of(s, &cap);
	struct fixture_upper *u;

	(void)state;
	*a = (struct fixture_add){ .a = 40, .b = 2, .result = -7 };
	assert_int_equal(hc_module_call(s, id, FIXTURE_ADD, sizeof(*a)), 0);
	a = hc_module_block(s, &cap);
	assert_int_equal(a->result, 42);
	assert_int_equal(a->err, 0);
	u = lay_upper(s, "hello, host", 64, &len);
	assert_int_equal(hc_module_call(s, id, FIXTURE_UPPER, len), 0);
	u = hc_module_block(s, &cap);
	assert_int_equal(u->result, 11);
	assert_string_equal((char *)u + u->out.off, "HELLO, HOST");
	u = lay_upper(s, "too long", 4, &len);
	assert_int_equal(hc_module_call(s, id, FIXTURE_UPPER, len), 0);
	assert_int_equal(u->result, -1);
	assert_int_equal(u->err, ERANGE);
	hc_disconnect(s);
}

static void upper__largest_block__round_trips(void **state)
{
	int id;
	struct hc_session *s = open_fixture(&id);
	size_t cap, len, n = 1000000;
	char *in = malloc(n + 1);
	struct fixture_upper *u;

	(void)state;
	assert_non_null(in);
	memset(in, 'q', n);
	in[n] = '\0';
	block_of(s, &cap);
	assert_int_equal(cap, HCG_BLOCK_MAX);
	u = lay_upper(s, in, 0, &len);
	u->out.len = (uint32_t)(cap - u->out.off);
	assert_int_equal(hc_module_call(s, id, FIXTURE_UPPER, cap), 0);
	u = hc_module_block(s, &cap);
	assert_int_equal(u->result, (int64_t)n);
	assert_int_equal(((char *)u)[u->out.off + n - 1], 'Q');
	assert_int_equal(((char *)u)[u->out.off + n], '\0');
	assert_int_equal(hc_module_call(s, id, FIXTURE_UPPER, cap + 1), -E2BIG);
	assert_int_equal(hc_null(s), 0);
	free(in);
	hc_disconnect(s);
}

static void open__twice__same_id(void **state)
{
	int id, again;
	struct hc_session *s = open_fixture(&id);

	(void)state;
	again = hc_module_open(s, "fixture", good_hash);
	assert_int_equal(again, id);
	hc_disconnect(s);
}

static void open__unknown_name__enoent(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);

	(void)state;
	assert_non_null(s);
	assert_int_equal(hc_module_open(s, "nosuchmodule", good_hash), -ENOENT);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}

static void open__slash_dot_or_bad_name__einval(void **state)
{
	static const char *const bad[] = { "a/b", "../fixture", "/tmp/fixture", "fix.ture",
					   "fixture.so", "Fixture", "1fixture", "_fixture", "",
					   "fix ture", "fix-ture", "fixture\n" };
	struct hc_session *s = test_connect(&test_group_daemon);
	char longname[80];

	(void)state;
	assert_non_null(s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hc_module_open(s, bad[i], good_hash), -EINVAL);
	memset(longname, 'a', 64);
	longname[64] = '\0';
	assert_int_equal(hc_module_open(s, longname, good_hash), -EINVAL);
	longname[63] = '\0';
	assert_int_equal(hc_module_open(s, longname, good_hash), -ENOENT);   /* valid, absent */
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}

static void open__wrong_hash__eproto(void **state)
{
	uint8_t other[HCG_HASH_LEN];
	struct hc_session *s = test_connect(&test_group_daemon);

	(void)state;
	assert_non_null(s);
	memcpy(other, good_hash, sizeof(other));
	other[31] ^= 1;
	assert_int_equal(hc_module_open(s, "fixture", other), -EPROTO);
	assert_true(hc_module_open(s, "fixture", good_hash) >= 0);
	assert_int_equal(hc_module_open(s, "fixture", other), -EPROTO);   /* open, still refused */
	hc_disconnect(s);
	if (!test_remote())
		assert_true(test_log_contains(&test_group_daemon, "built from another interface"));
}

static void open__not_a_module__enoexec(void **state)
{
	struct hc_session *s = test_connect(&test_group_daemon);

	(void)state;
	assert_non_null(s);
	assert_int_equal(hc_module_open(s, "junk", good_hash), -ENOEXEC);
	assert_int_equal(hc_module_open(s, "wrongabi", good_hash), -ENOEXEC);
	assert_int_equal(hc_module_open(s, "unbound", good_hash), -ENOEXEC);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
	if (!test_remote()) {
		assert_true(test_log_contains(&test_group_daemon, "bind failed: libmissing.so.7"));
		assert_true(test_log_contains(&test_group_daemon, "ABI 99"));
	}
}

static void call__unknown_module_or_func__ebadf_enosys(void **state)
{
	int id;
	struct hc_session *s = open_fixture(&id);
	size_t cap;
	struct fixture_add *a = block_of(s, &cap);

	(void)state;
	*a = (struct fixture_add){ .a = 1, .b = 2 };
	assert_int_equal(hc_module_call(s, id + 1, FIXTURE_ADD, sizeof(*a)), -EBADF);
	assert_int_equal(hc_module_call(s, -1, FIXTURE_ADD, sizeof(*a)), -EBADF);
	assert_int_equal(hc_module_call(s, 1 << 30, FIXTURE_ADD, sizeof(*a)), -EBADF);
	assert_int_equal(hc_module_call(s, id, FIXTURE_NFUNCS, sizeof(*a)), -ENOSYS);
	assert_int_equal(hc_module_call(s, id, UINT32_MAX, sizeof(*a)), -ENOSYS);
	assert_int_equal(hc_null(s), 0);
	hc_disconnect(s);
}

/* Each refused block: EINVAL, and the session answers the next call. */
static void expect_refused(struct hc_session *s, int id, uint32_t func, size_t len)
{
	assert_int_equal(hc_module_call(s, id, func, len), -EINVAL);
	assert_int_equal(hc_null(s), 0);
}

static void call__bad_blocks__einval_and_session_lives(void **state)
{
	int id;
	struct hc_session *s = open_fixture(&id);
	struct fixture_upper *u;
	size_t len;

	(void)state;
	expect_refused(s, id, FIXTURE_ADD, sizeof(struct fixture_add) - 1);   /* below fixed_size */
	expect_refused(s, id, FIXTURE_ADD, 0);
	u = lay_upper(s, "abc", 16, &len);
	u->out.off = u->in.off;                                  /* overlapping regions */
	expect_refused(s, id, FIXTURE_UPPER, len);
	u = lay_upper(s, "abc", 16, &len);
	u->out.off = UINT32_MAX - 7;                             /* off + len wraps */
	expect_refused(s, id, FIXTURE_UPPER, len);
	u = lay_upper(s, "abc", 16, &len);
	u->out.len = 17;                                         /* one past the block */
	expect_refused(s, id, FIXTURE_UPPER, len);
	u = lay_upper(s, "abc", 16, &len);
	u->in.len = 3;                                           /* no NUL inside its region */
	expect_refused(s, id, FIXTURE_UPPER, len);
	u = lay_upper(s, "abc", 16, &len);
	u->in.off = 4;                                           /* inside the fixed part */
	expect_refused(s, id, FIXTURE_UPPER, len);
	u = lay_upper(s, "ok", 16, &len);
	assert_int_equal(hc_module_call(s, id, FIXTURE_UPPER, len), 0);
	assert_int_equal(u->result, 2);
	hc_disconnect(s);
}

static void fdsize__host_file_handle__translated(void **state)
{
	int id;
	struct hc_session *s = open_fixture(&id);
	char path[400], text[12346];
	struct fixture_fdsize *f;
	size_t cap;
	int h;

	(void)state;
	snprintf(path, sizeof(path), "%s/sized", test_group_daemon.dir);
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(test_write_host_file(s, path, text), 0);
	h = hc_open(s, path, O_RDONLY, 0);
	assert_true(h >= 0);
	f = block_of(s, &cap);
	*f = (struct fixture_fdsize){ .handle = h };
	assert_int_equal(hc_module_call(s, id, FIXTURE_FDSIZE, sizeof(*f)), 0);
	assert_int_equal(f->result, 12345);
	assert_int_equal(f->err, 0);
	assert_int_equal(hc_close(s, h), 0);
	*f = (struct fixture_fdsize){ .handle = h };             /* closed: no longer a handle */
	assert_int_equal(hc_module_call(s, id, FIXTURE_FDSIZE, sizeof(*f)), 0);
	assert_int_equal(f->result, -1);
	assert_int_equal(f->err, EBADF);
	*f = (struct fixture_fdsize){ .handle = -5 };
	assert_int_equal(hc_module_call(s, id, FIXTURE_FDSIZE, sizeof(*f)), 0);
	assert_int_equal(f->err, EBADF);
	hc_disconnect(s);
}

/* ---- calls written by hand, as a hostile guest writes them ---- */

struct raw_peer {
	struct ivs_peer_conn p;
	struct hk_doorbell bell;
	struct hk_channel *c;
	uint32_t gen;
	int i;
};

static void raw_join(struct raw_peer *r)
{
	const char *sock = test_group_daemon.kvm_url + strlen("ivshmem:");

	assert_int_equal(ivs_peer_join(&r->p, sock), 0);
	r->bell = (struct hk_doorbell){ ivs_peer_ring, &r->p };
	for (int k = 0; (r->i = hk_claim(r->p.mem, r->p.nvectors, r->p.id, &r->bell, &r->gen)) < 0 &&
			k < 200; k++)
		usleep(10000);
	assert_true(r->i >= 0);
	r->c = hk_channel_at(r->p.mem, r->i);
}

static void raw_leave(struct raw_peer *r)
{
	hk_close(r->p.mem, r->i, r->gen, &r->bell);
	ivs_peer_leave(&r->p);
}

static int raw_open(struct raw_peer *r)
{
	hc_module_open_args a = { (char *)"fixture", { 0 } };
	hc_int_res res = { .err = HC_EIO };
	ssize_t n;
	XDR x;

	memcpy(a.hash, good_hash, sizeof(good_hash));
	xdrmem_create(&x, (char *)r->c->msg, HK_MSG_MAX, XDR_ENCODE);
	assert_true(xdr_hc_module_open_args(&x, &a));
	n = hk_call(r->p.mem, r->i, r->gen, HC_MODULE_OPEN, xdr_getpos(&x), &r->bell, 5000);
	assert_true(n > 0);
	xdrmem_create(&x, (char *)r->c->msg, (u_int)n, XDR_DECODE);
	assert_true(xdr_hc_int_res(&x, &res));
	assert_int_equal(res.err, HC_OK);
	return res.hc_int_res_u.value;
}

/* A bulk module call whose header says @hdr_len and whose request is @req_len bytes long. */
static int raw_module_call(struct raw_peer *r, int id, uint32_t func, uint32_t hdr_len,
			   uint32_t req_len, hc_int_res *res)
{
	hc_module_bulk_args a = { id, func, hdr_len };
	ssize_t n;
	XDR x;

	xdrmem_create(&x, (char *)r->c->msg, HK_MODULE_OFFSET, XDR_ENCODE);
	assert_true(xdr_hc_module_bulk_args(&x, &a));
	n = hk_call(r->p.mem, r->i, r->gen, HC_MODULE_CALL | HK_PROC_BULK, req_len, &r->bell, 10000);
	if (n < 0)
		return (int)n;
	memset(res, 0, sizeof(*res));
	xdrmem_create(&x, (char *)r->c->msg, (u_int)(n < HK_MODULE_OFFSET ? n : HK_MODULE_OFFSET),
		      XDR_DECODE);
	assert_true(xdr_hc_int_res(&x, res));
	return 0;
}

static void raw_channel_calls__bad_lengths__refused_host_lives(void **state)
{
	struct raw_peer r;
	struct fixture_add *a;
	hc_int_res res;
	int id;

	(void)state;
	if (!test_over_channels())
		skip();
	raw_join(&r);
	id = raw_open(&r);
	a = (struct fixture_add *)(r.c->msg + HK_MODULE_OFFSET);
	*a = (struct fixture_add){ .a = 5, .b = 6 };
	assert_int_equal(raw_module_call(&r, id, FIXTURE_ADD, 32, HK_MODULE_OFFSET + 32, &res), 0);
	assert_int_equal(res.err, HC_OK);
	assert_int_equal(res.hc_int_res_u.value, 32);
	assert_int_equal(a->result, 11);
	/* a header that disagrees with the request, a request shorter than the header's room */
	assert_int_equal(raw_module_call(&r, id, FIXTURE_ADD, 32, HK_MODULE_OFFSET + 40, &res),
			 -EPROTO);
	assert_int_equal(raw_module_call(&r, id, FIXTURE_ADD, 0, 10, &res), -EPROTO);
	/* below fixed_size; above HC_BLOCK_MAX (the message area holds a little more) */
	assert_int_equal(raw_module_call(&r, id, FIXTURE_ADD, 31, HK_MODULE_OFFSET + 31, &res), 0);
	assert_int_equal(res.err, HC_EINVAL);
	assert_int_equal(raw_module_call(&r, id, FIXTURE_ADD, HK_MODULE_BLOCK_MAX, HK_MSG_MAX, &res),
			 0);
	assert_int_equal(res.err, HC_EINVAL);
	assert_int_equal(raw_module_call(&r, id + 7, FIXTURE_ADD, 32, HK_MODULE_OFFSET + 32, &res), 0);
	assert_int_equal(res.err, HC_EBADF);
	*a = (struct fixture_add){ .a = -1, .b = 1 };
	assert_int_equal(raw_module_call(&r, id, FIXTURE_ADD, 32, HK_MODULE_OFFSET + 32, &res), 0);
	assert_int_equal(res.err, HC_OK);
	assert_int_equal(a->result, 0);
	raw_leave(&r);
}

/* A module call sent as XDR over a channel, not by the bulk path: its answer could not be
   encoded past HC_CHILD_MSG_MAX, so such a block is refused before the function runs. */
static void raw_channel_xdr_call__block_past_the_encoder__e2big_session_lives(void **state)
{
	hc_module_call_args a = { 0 };
	struct raw_peer r;
	hc_int_res res;
	ssize_t n;
	XDR x;

	(void)state;
	if (!test_over_channels())
		skip();
	raw_join(&r);
	a.module = raw_open(&r);
	a.func = FIXTURE_ADD;
	a.block.block_len = HC_CHILD_MSG_MAX + 8;
	assert_non_null(a.block.block_val = calloc(1, a.block.block_len));
	xdrmem_create(&x, (char *)r.c->msg, HK_MSG_MAX, XDR_ENCODE);
	assert_true(xdr_hc_module_call_args(&x, &a));
	n = hk_call(r.p.mem, r.i, r.gen, HC_MODULE_CALL, xdr_getpos(&x), &r.bell, 10000);
	assert_int_equal(n, -E2BIG);
	*(struct fixture_add *)(r.c->msg + HK_MODULE_OFFSET) = (struct fixture_add){ .a = 2, .b = 3 };
	assert_int_equal(raw_module_call(&r, a.module, FIXTURE_ADD, 32, HK_MODULE_OFFSET + 32, &res),
			 0);
	assert_int_equal(res.err, HC_OK);
	assert_int_equal(((struct fixture_add *)(r.c->msg + HK_MODULE_OFFSET))->result, 5);
	free(a.block.block_val);
	raw_leave(&r);
}

/* Until killed: random bytes over the header and the start of the block, from another process. */
static pid_t scribble_forever(struct hk_channel *c)
{
	pid_t pid = fork();

	if (pid == 0) {
		srand(7);
		for (;;)
			for (uint32_t k = 0; k < HK_MODULE_OFFSET + 256; k += 4)
				memcpy(c->msg + k, &(uint32_t){ (uint32_t)rand() }, 4);
	}
	return pid;
}

static void raw_channel_calls__block_rewritten_meanwhile__answered_host_lives(void **state)
{
	struct raw_peer r;
	hc_int_res res;
	pid_t scribbler;
	int id, rc, status;
	struct hc_session *other;

	(void)state;
	if (!test_over_channels())
		skip();
	raw_join(&r);
	id = raw_open(&r);
	scribbler = scribble_forever(r.c);
	assert_true(scribbler > 0);
	for (int k = 0; k < 300; k++) {
		rc = raw_module_call(&r, id, (uint32_t)k % FIXTURE_NFUNCS, 256, HK_MODULE_OFFSET + 256,
				     &res);
		assert_true(rc == 0 || rc == -EPROTO);   /* a header rewritten: refused, never a hang */
	}
	kill(scribbler, SIGKILL);
	waitpid(scribbler, &status, 0);
	raw_leave(&r);
	assert_non_null(other = test_connect(&test_group_daemon));
	assert_int_equal(hc_null(other), 0);
	hc_disconnect(other);
}

/* An XDR encoder of MODULE_CALL's arguments with no bound on the block, as a hostile client has. */
static bool_t xdr_unbounded_call(XDR *x, hc_module_call_args *a)
{
	return xdr_int(x, &a->module) && xdr_u_int(x, &a->func) &&
	       xdr_bytes(x, &a->block.block_val, &a->block.block_len, ~0u);
}

static void rpc_call__block_over_the_bound__refused_session_lives(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct netbuf nb = { sizeof(sun), sizeof(sun), &sun };
	struct timeval tv = { 10, 0 };
	hc_module_call_args a = { 0, 0, { HC_BLOCK_MAX + 8, NULL } };
	hc_module_call_res res;
	CLIENT *c;
	int fd;

	(void)state;
	assert_true(strlen(test_group_daemon.unix_url + 5) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, test_group_daemon.unix_url + 5, strlen(test_group_daemon.unix_url + 5));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	c = clnt_vc_create(fd, &nb, HOSTCALL_PROG, HOSTCALL_V3, 0, 0);
	assert_non_null(c);
	assert_non_null(a.block.block_val = calloc(1, HC_BLOCK_MAX + 8));
	memset(&res, 0, sizeof(res));
	assert_int_equal(clnt_call(c, HC_MODULE_CALL, (xdrproc_t)xdr_unbounded_call, (char *)&a,
				   (xdrproc_t)xdr_hc_module_call_res, (char *)&res, tv),
			 RPC_CANTDECODEARGS);
	assert_int_equal(clnt_call(c, HC_NULL, (xdrproc_t)hc_xdr_void, NULL, (xdrproc_t)hc_xdr_void, NULL,
				   tv), RPC_SUCCESS);
	free(a.block.block_val);
	clnt_destroy(c);
	close(fd);
}

/* The fixtures sit beside this binary, in modules/ (the Makefile puts them there). */
static int find_module_dir(const char *argv0)
{
	char self[PATH_MAX], *dir;

	if (!realpath(argv0, self))
		return -1;
	dir = dirname(self);
	return (size_t)snprintf(module_dir, sizeof(module_dir), "%s/modules", dir) <
		       sizeof(module_dir) ? 0 : -1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_and_upper__fixture__answer_results),
		cmocka_unit_test(upper__largest_block__round_trips),
		cmocka_unit_test(open__twice__same_id),
		cmocka_unit_test(open__unknown_name__enoent),
		cmocka_unit_test(open__slash_dot_or_bad_name__einval),
		cmocka_unit_test(open__wrong_hash__eproto),
		cmocka_unit_test(open__not_a_module__enoexec),
		cmocka_unit_test(call__unknown_module_or_func__ebadf_enosys),
		cmocka_unit_test(call__bad_blocks__einval_and_session_lives),
		cmocka_unit_test(fdsize__host_file_handle__translated),
		cmocka_unit_test(raw_channel_calls__bad_lengths__refused_host_lives),
		cmocka_unit_test(raw_channel_calls__block_rewritten_meanwhile__answered_host_lives),
		cmocka_unit_test(raw_channel_xdr_call__block_past_the_encoder__e2big_session_lives),
		cmocka_unit_test(rpc_call__block_over_the_bound__refused_session_lives),
	};

	(void)argc;
	if (test_remote()) {
		printf("# test_module: skipped: a remote daemon's module directories are not ours\n");
		return 0;
	}
	if (find_module_dir(argv[0]) != 0) {
		fprintf(stderr, "test_module: cannot find the module directory beside %s\n", argv[0]);
		return 1;
	}
	return cmocka_run_group_tests_name("module", tests, start, test_group_stop);
}
