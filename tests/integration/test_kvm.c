/*
 * test_kvm.c: integration: the KVM backend's channels and stream rings on the
 * host alone, guest processes joining through the ivshmem socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "channel.h"
#include "rpc/hostcall.h"
#include "harness.h"
#include "ivshmem_peer.h"

#define CHANNELS 4
#define S(x) ((char *)(x))

static struct test_daemon daemon_;
static char sock_path[128], url[160];

static int group_setup(void **state)
{
	const char *extra[] = { "--kvm", sock_path, "--channels", "4", NULL };

	(void)state;
	snprintf(sock_path, sizeof(sock_path), "/tmp/hctest-kvm-%d.sock", (int)getpid());
	snprintf(url, sizeof(url), "ivshmem:%s", sock_path);
	return test_daemon_start(&daemon_, extra);
}

static int group_teardown(void **state)
{
	(void)state;
	return test_daemon_stop(&daemon_) == 0 ? 0 : -1;
}

static struct hc_session *kvm_session(void)
{
	struct hc_session *s = NULL;
	int r = hc_connect(url, NULL, &s);

	if (r != 0)
		fprintf(stderr, "hc_connect(%s): %s\n", url, strerror(-r));
	return s;
}

/* A new session may find its channel still being freed by the host: try for a while. */
static struct hc_session *kvm_session_soon(void)
{
	struct hc_session *s = NULL;

	for (int i = 0; i < 200 && hc_connect(url, NULL, &s) == -EBUSY; i++)
		usleep(10000);
	return s;
}

static void calls__cwd_env_files_spawn__as_over_rpc(void **state)
{
	struct hc_session *s = kvm_session();
	char buf[4200], path[600];
	int h, status;
	char *argv[] = { S("sh"), S("-c"), S("test \"$KVMVAR\" = yes"), NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv };
	pid_t pid;

	(void)state;
	assert_non_null(s);
	assert_int_equal(hc_chdir(s, daemon_.dir), 0);
	assert_int_equal(hc_getcwd(s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, daemon_.dir);
	assert_int_equal(hc_setenv(s, "KVMVAR", "yes", 1), 0);
	assert_int_equal(hc_getenv(s, "KVMVAR", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "yes");
	h = hc_open(s, "kvm-file", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(h >= 0);
	assert_int_equal(hc_write(s, h, "through shared memory", 21), 21);
	assert_int_equal(hc_close(s, h), 0);
	snprintf(path, sizeof(path), "%s/kvm-file", daemon_.dir);
	h = hc_open(s, path, O_RDONLY, 0);
	assert_int_equal(hc_read(s, h, buf, sizeof(buf)), 21);
	assert_memory_equal(buf, "through shared memory", 21);
	hc_close(s, h);
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(hc_open(s, "no-such-file", O_RDONLY, 0), -ENOENT);
	hc_disconnect(s);
}

static void two_channels__separate_contexts(void **state)
{
	struct hc_session *a = kvm_session(), *b = kvm_session();
	char buf[4200];

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(hc_chdir(a, "/"), 0);
		assert_int_equal(hc_chdir(b, daemon_.dir), 0);
		assert_int_equal(hc_getcwd(a, buf, sizeof(buf)), 0);
		assert_string_equal(buf, "/");
		assert_int_equal(hc_getcwd(b, buf, sizeof(buf)), 0);
		assert_string_equal(buf, daemon_.dir);
	}
	hc_disconnect(a);
	hc_disconnect(b);
}

static void all_channels_taken__ebusy__then_freed_on_close(void **state)
{
	struct hc_session *s[CHANNELS], *extra = NULL;
	char buf[64];

	(void)state;
	for (int i = 0; i < CHANNELS; i++) {
		s[i] = kvm_session_soon();
		assert_non_null(s[i]);
	}
	assert_int_equal(hc_connect(url, NULL, &extra), -EBUSY);
	hc_disconnect(s[0]);
	s[0] = kvm_session_soon();
	assert_non_null(s[0]);
	for (int i = 0; i < CHANNELS; i++) {
		assert_int_equal(hc_getcwd(s[i], buf, sizeof(buf)), 0);
		hc_disconnect(s[i]);
	}
}

/* A guest process killed while its shadow waits for a host child: the next claim finds it dead. */
static void owner_killed_mid_call__shadow_ends__child_gone(void **state)
{
	int fds[2], status;
	pid_t host_child = 0, guest;
	struct hc_session *s;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	guest = fork();
	if (guest == 0) {
		char *argv[] = { S("sleep"), S("100"), NULL };
		struct hc_spawn_spec sp = { .path = "sleep", .argv = argv };
		struct hc_session *g = kvm_session_soon();
		pid_t pid = g ? hc_spawn(g, &sp) : -1;
		if (write(fds[1], &pid, sizeof(pid)) != sizeof(pid) || pid < 0)
			_exit(1);
		hc_waitpid(g, pid, &status, 0);   /* killed in here */
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &host_child, sizeof(host_child)), sizeof(host_child));
	close(fds[0]);
	assert_true(host_child > 0);
	usleep(100000);   /* into the wait */
	kill(guest, SIGKILL);
	waitpid(guest, &status, 0);
	s = kvm_session_soon();   /* claiming sweeps the dead owner's channel */
	assert_non_null(s);
	assert_true(test_wait_gone(&host_child, 1, 5000));
	hc_disconnect(s);
}

/* A peer that writes garbage into its channel ends its own session only. */
/* A raw claim by hand: an earlier test's channels may still be being freed. */
static int claim_soon(struct ivs_peer_conn *p, const struct hk_doorbell *bell, uint32_t *gen)
{
	int i;

	for (int k = 0; k < 200 && (i = hk_claim(p->mem, p->nvectors, p->id, bell, gen)) == -EBUSY;
	     k++)
		usleep(10000);
	return i;
}

static void garbage_in_a_channel_and_header__only_that_session_ends(void **state)
{
	struct ivs_peer_conn p;
	struct hk_doorbell bell = { ivs_peer_ring, &p };
	struct hc_session *good = kvm_session_soon();
	struct hk_channel *c;
	uint32_t gen;
	int i;
	char buf[64];

	(void)state;
	assert_non_null(good);
	assert_int_equal(ivs_peer_join(&p, sock_path), 0);
	i = claim_soon(&p, &bell, &gen);
	assert_true(i >= 0);
	c = hk_channel_at(p.mem, i);
	srand(42);
	for (int k = 0; k < 4096; k++)
		c->msg[k] = (uint8_t)rand();
	/* answered (an error, or the session ended), never a hang or a crash */
	assert_int_not_equal(hk_call(p.mem, i, gen, 12, 4096, &bell, 5000), -ETIMEDOUT);
	c->len = 0xfffffff0u;   /* out of bounds: the host must not copy it */
	atomic_fetch_add(&c->req_seq, 1);
	ivs_peer_ring(&p, i);
	for (int k = 0; k < 65536; k += 4)   /* and the header too */
		*(uint32_t *)((char *)p.mem + k) = (uint32_t)rand();
	assert_int_equal(hc_getcwd(good, buf, sizeof(buf)), 0);
	assert_int_equal(kill(daemon_.pid, 0), 0);
	ivs_peer_leave(&p);
	hc_disconnect(good);
	/* the host puts the header back: a new session starts again */
	assert_non_null(good = kvm_session_soon());
	assert_int_equal(hc_getcwd(good, buf, sizeof(buf)), 0);
	hc_disconnect(good);
	assert_true(test_log_contains(&daemon_, "header was overwritten"));
}

/* A bulk call written by hand: @count bytes of handle @h. Returns: the hc_int_res or -errno. */
static int raw_bulk_call(struct ivs_peer_conn *p, int i, uint32_t gen, uint32_t proc, int h,
			 uint32_t count, hc_int_res *res)
{
	struct hk_doorbell bell = { ivs_peer_ring, p };
	struct hk_channel *c = hk_channel_at(p->mem, i);
	hc_read_args a = { h, count };
	ssize_t n;
	XDR x;

	xdrmem_create(&x, (char *)c->msg, HK_BULK_OFFSET, XDR_ENCODE);
	assert_true(xdr_hc_read_args(&x, &a));
	n = hk_call(p->mem, i, gen, proc | HK_PROC_BULK, xdr_getpos(&x), &bell, 5000);
	if (n < 0)
		return (int)n;
	memset(res, 0, sizeof(*res));
	xdrmem_create(&x, (char *)c->msg, (u_int)n, XDR_DECODE);
	assert_true(xdr_hc_int_res(&x, res));
	return 0;
}

static void bulk_read_write__bytes_intact__bad_lengths_refused(void **state)
{
	enum { LEN = 3 * HC_IO_MAX + 12345 };
	struct hc_session *s = kvm_session_soon();
	unsigned char *out = malloc(LEN), *in = calloc(1, LEN);
	char path[] = "/tmp/hctest-bulk-XXXXXX";
	struct ivs_peer_conn p;
	struct hk_doorbell bell = { ivs_peer_ring, &p };
	hc_int_res res;
	uint32_t gen;
	size_t got = 0;
	ssize_t n;
	int h, i, fd = mkstemp(path);

	(void)state;
	assert_non_null(s);
	assert_true(fd >= 0 && out && in);
	close(fd);
	for (size_t k = 0; k < LEN; k++)
		out[k] = (unsigned char)(k * 7 + k / 4096);
	h = hc_open(s, path, O_RDWR | O_TRUNC, 0600);
	assert_true(h >= 0);
	assert_int_equal(hc_write(s, (hc_handle_t)h, out, LEN), LEN);
	assert_int_equal(hc_lseek(s, (hc_handle_t)h, 0, SEEK_SET), 0);
	while ((n = hc_read(s, (hc_handle_t)h, in + got, LEN - got)) > 0)
		got += (size_t)n;
	assert_int_equal(n, 0);
	assert_int_equal(got, LEN);
	assert_memory_equal(in, out, LEN);
	assert_int_equal(hc_write(s, 999, out, 10), -EBADF);
	assert_int_equal(hc_read(s, (hc_handle_t)h, in, 0), 0);
	hc_close(s, (hc_handle_t)h);
	/* a guest asking for more than the bulk area holds, or sending a long header */
	assert_int_equal(ivs_peer_join(&p, sock_path), 0);
	i = claim_soon(&p, &bell, &gen);
	assert_true(i >= 0);
	assert_int_equal(raw_bulk_call(&p, i, gen, HC_READ, 0, HC_IO_MAX + 1, &res), 0);
	assert_int_equal(res.err, HC_EINVAL);
	assert_int_equal(raw_bulk_call(&p, i, gen, HC_WRITE, 0, 0xffffffffu, &res), 0);
	assert_int_equal(res.err, HC_EINVAL);
	assert_int_equal(raw_bulk_call(&p, i, gen, HC_GETCWD, 0, 1, &res), -ENOSYS);
	assert_int_equal(hk_call(p.mem, i, gen, HC_READ | HK_PROC_BULK, HK_BULK_OFFSET + 1, &bell,
				 5000), -EPROTO);
	hk_close(p.mem, i, gen, &bell);
	ivs_peer_leave(&p);
	unlink(path);
	free(out);
	free(in);
	hc_disconnect(s);
}

/* Until killed: random bytes over channel @c's request and bulk area, as a hostile guest's other thread. */
static pid_t scribble_forever(struct hk_channel *c)
{
	pid_t pid = fork();

	if (pid == 0) {
		srand(11);
		for (;;)
			for (uint32_t k = 0; k < HK_BULK_OFFSET + 8192; k += 4)
				memcpy(c->msg + k, &(uint32_t){ (uint32_t)rand() }, 4);
	}
	return pid;
}

/* A known procedure, harmless whatever its arguments, or none; bulk or not. */
static uint32_t hostile_proc(void)
{
	static const uint32_t procs[] = { HC_NULL, HC_INFO, HC_GETCWD, HC_READ, HC_WRITE, 9999,
					  0x7fffffffu };

	return procs[rand() % 7] | (rand() % 2 ? HK_PROC_BULK : 0);
}

static uint32_t hostile_len(void)
{
	static const uint32_t lens[] = { 0, 8, HK_BULK_OFFSET, HK_BULK_OFFSET + 1, HK_MSG_MAX,
					 HK_MSG_MAX + 1, 0xffffffffu };

	return rand() % 2 ? (uint32_t)rand() % 16384 : lens[rand() % 7];
}

/* hk_call without the guest library's own checks, as a hostile guest calls. Returns: as hk_call. */
static ssize_t raw_call(struct ivs_peer_conn *p, int i, uint32_t gen, uint32_t proc, uint32_t len)
{
	struct hk_channel *c = hk_channel_at(p->mem, i);
	uint32_t seq = atomic_load(&c->req_seq) + 1;

	c->proc = proc;
	c->len = len;
	atomic_store(&c->req_seq, seq);
	ivs_peer_ring(p, i);
	for (int k = 0; k < 25000; k++) {
		if (atomic_load(&c->resp_seq) == seq)
			return c->status < 0 ? c->status : (ssize_t)c->len;
		if (!hk_still_ours(c, gen))
			return -ECONNRESET;
		usleep(200);
	}
	return -ETIMEDOUT;
}

/*
 * A hostile guest calls with garbage while another process of it rewrites the
 * request under the host's feet: every call is answered or ends the session,
 * no answer claims more than the channel holds, neither hostcalld nor a
 * shadow crashes, and another session keeps working throughout.
 */
static void hostile_calls_under_rewrites__answered__host_lives(void **state)
{
	struct hc_session *good = kvm_session_soon();
	static unsigned char piece[HC_IO_MAX];
	struct ivs_peer_conn p;
	struct hk_doorbell bell = { ivs_peer_ring, &p };
	int i = -1, sessions = 0, status, h;
	uint32_t gen = 0;
	pid_t scribbler = -1;
	char cwd[256];

	(void)state;
	assert_non_null(good);
	assert_true((h = hc_open(good, "/dev/null", O_WRONLY, 0)) >= 0);
	assert_int_equal(ivs_peer_join(&p, sock_path), 0);
	srand(5);
	for (int round = 0; round < 400; round++) {
		ssize_t n;
		if (i < 0) {
			i = claim_soon(&p, &bell, &gen);
			assert_true(i >= 0);
			scribbler = scribble_forever(hk_channel_at(p.mem, i));
			assert_true(scribbler > 0);
			sessions++;
		}
		n = raw_call(&p, i, gen, hostile_proc(), hostile_len());
		assert_int_not_equal(n, -ETIMEDOUT);
		assert_true(n <= (ssize_t)HK_MSG_MAX);
		if (round % 10 == 0) {
			assert_int_equal(hc_getcwd(good, cwd, sizeof(cwd)), 0);
			assert_int_equal(hc_write(good, (hc_handle_t)h, piece, sizeof(piece)),
					 sizeof(piece));
		}
		if (n == -ECONNRESET || round % 100 == 99) {   /* ended by the host, or by us */
			kill(scribbler, SIGKILL);
			assert_int_equal(waitpid(scribbler, &status, 0), scribbler);
			hk_close(p.mem, i, gen, &bell);
			i = -1;
		}
	}
	if (i >= 0) {
		kill(scribbler, SIGKILL);
		waitpid(scribbler, &status, 0);
		hk_close(p.mem, i, gen, &bell);
	}
	ivs_peer_leave(&p);
	assert_int_equal(kill(daemon_.pid, 0), 0);
	assert_false(test_log_contains(&daemon_, "killed by signal"));   /* no shadow crashed */
	assert_int_equal(hc_getcwd(good, cwd, sizeof(cwd)), 0);
	print_message("hostile calls: 400 in %d sessions\n", sessions);
	hc_close(good, (hc_handle_t)h);
	hc_disconnect(good);
}

/* Open @rounds times @n streams and close both ends: every slot must come back each time. */
static void streams_round_trip(struct hc_session *s, int rounds, int n)
{
	int fds[HC_STREAMS_AT_ONCE];
	hc_handle_t hs[HC_STREAMS_AT_ONCE];

	for (int r = 0; r < rounds; r++) {
		int got = -EAGAIN;
		for (int tries = 0; tries < 200 && got == -EAGAIN; tries++)
			if ((got = hc_stream_open_many(s, n, fds, hs)) == -EAGAIN)
				usleep(5000);   /* the pumps let go of the last round's slots */
		assert_int_equal(got, 0);
		for (int i = 0; i < n; i++) {
			close(fds[i]);
			hc_close(s, hs[i]);
		}
	}
}

static void streams__opened_and_closed_many_times__slots_come_back(void **state)
{
	struct hc_session *s = kvm_session_soon();

	(void)state;
	assert_non_null(s);
	streams_round_trip(s, 40, HC_STREAMS_AT_ONCE);
	hc_disconnect(s);
}

/* A forked child opens streams of the session (its own pump thread) and exits holding them. */
static void streams__child_exits_holding_them__slots_come_back(void **state)
{
	struct hc_session *s = kvm_session_soon();
	int status;
	pid_t child;

	(void)state;
	assert_non_null(s);
	for (int k = 0; k < 2; k++) {
		child = fork();
		if (child == 0) {
			int fds[HC_STREAMS_AT_ONCE];
			hc_handle_t hs[HC_STREAMS_AT_ONCE];
			_exit(hc_stream_open_many(s, HC_STREAMS_AT_ONCE, fds, hs) == 0 ? 0 : 1);
		}
		assert_int_equal(waitpid(child, &status, 0), child);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	streams_round_trip(s, 10, HC_STREAMS_AT_ONCE);
	hc_disconnect(s);
}

/*
 * A host program that does not read (till a file tells it to: sh's own `read` would take the
 * bytes one by one): the guest's writes stop, with little held between.
 */
static void stream__reader_not_reading__writer_held_back(void **state)
{
	char go[600];
	char *argv[] = { S("sh"), S("-c"), S("until [ -e \"$0\" ]; do sleep 0.02; done; cat > /dev/null"),
			 go, NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv, .close_handles = 1 };
	struct hc_session *s = kvm_session_soon();
	static char buf[65536];
	size_t held = 0;
	int fd, status, idle = 0;
	hc_handle_t h;
	pid_t pid;

	(void)state;
	assert_non_null(s);
	snprintf(go, sizeof(go), "%s/go", daemon_.dir);
	assert_true((h = hc_stream_open(s, &fd)) >= 0);
	sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	assert_true((pid = hc_spawn(s, &sp)) > 0);
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	memset(buf, 'x', sizeof(buf));
	while (idle < 50) {   /* until nothing more goes for 50 ms */
		ssize_t n = write(fd, buf, sizeof(buf));
		if (n > 0) {
			held += (size_t)n;
			idle = 0;
		} else {
			assert_int_equal(errno, EAGAIN);
			idle++;
			usleep(1000);
		}
		assert_true(held < (16u << 20));   /* back-pressure, not an unbounded buffer */
	}
	print_message("# %zu KiB held while the host program did not read\n", held >> 10);
	assert_true(held >= HK_RING_SIZE);
	assert_int_equal(fcntl(fd, F_SETFL, 0), 0);
	assert_int_equal(test_write_host_file(s, go, ""), 0);   /* cat drains everything, then more */
	for (int i = 0; i < 64; i++)
		assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
	close(fd);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	hc_disconnect(s);
}

/* The channel this process claimed, found in a peer's own mapping of the memory. */
static struct hk_channel *own_channel(void *mem, int n)
{
	for (int i = 0; i < n; i++) {
		struct hk_channel *c = hk_channel_at(mem, i);
		if (c->owner_pid == (uint32_t)getpid() &&
		    atomic_load(&c->state) == HK_CLAIMED)
			return c;
	}
	return NULL;
}

/* A guest scribbling over its streams' slots and rings ends its streams, nothing else. */
static void garbage_in_stream_rings__host_lives(void **state)
{
	struct hc_session *good = kvm_session_soon();
	int status;
	char buf[64];
	pid_t child;

	(void)state;
	assert_non_null(good);
	child = fork();
	if (child == 0) {
		char *argv[] = { S("cat"), NULL };
		struct hc_spawn_spec sp = { .path = "cat", .argv = argv, .close_handles = 1 };
		struct hc_session *bad = kvm_session_soon();
		struct ivs_peer_conn p;
		struct hk_channel *c;
		int fds[2];
		hc_handle_t hs[2];
		if (!bad || hc_stream_open_many(bad, 2, fds, hs) != 0)
			_exit(2);
		sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = hs[0] };
		sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = hs[1] };
		if (hc_spawn(bad, &sp) <= 0 || write(fds[0], "hello", 5) != 5 ||
		    ivs_peer_join(&p, sock_path) != 0 || !(c = own_channel(p.mem, p.nvectors)))
			_exit(3);
		srand(7);
		for (int round = 0; round < 50; round++) {
			uint32_t *w = (uint32_t *)((char *)c + HK_SLOTS_OFFSET);
			for (size_t k = 0; k < HK_STREAMS * sizeof(struct hk_slot) / 4; k++)
				w[k] = (uint32_t)rand();
			ivs_peer_ring(&p, (int)(((char *)c - (char *)p.mem - HK_HEADER_SIZE) /
						HK_CHANNEL_SIZE));
			usleep(2000);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(kill(daemon_.pid, 0), 0);
	assert_int_equal(hc_getcwd(good, buf, sizeof(buf)), 0);
	streams_round_trip(good, 3, 4);
	hc_disconnect(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calls__cwd_env_files_spawn__as_over_rpc),
		cmocka_unit_test(two_channels__separate_contexts),
		cmocka_unit_test(all_channels_taken__ebusy__then_freed_on_close),
		cmocka_unit_test(owner_killed_mid_call__shadow_ends__child_gone),
		cmocka_unit_test(streams__opened_and_closed_many_times__slots_come_back),
		cmocka_unit_test(streams__child_exits_holding_them__slots_come_back),
		cmocka_unit_test(stream__reader_not_reading__writer_held_back),
		cmocka_unit_test(garbage_in_stream_rings__host_lives),
		cmocka_unit_test(bulk_read_write__bytes_intact__bad_lengths_refused),
		cmocka_unit_test(hostile_calls_under_rewrites__answered__host_lives),
		/* last: it scribbles over the whole header */
		cmocka_unit_test(garbage_in_a_channel_and_header__only_that_session_ends),
	};

	return cmocka_run_group_tests_name("kvm", tests, group_setup, group_teardown);
}
