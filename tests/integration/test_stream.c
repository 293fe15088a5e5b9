/* test_stream.c: integration: 100 MiB streams each way checksummed, EOF, EPIPE, bounded memory. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "harness.h"

#define S(x) ((char *)(x))
#define BIG (100u << 20)
#define CHUNK (256u << 10)

static struct test_daemon daemon_;
static struct hc_session *s;
static pid_t shadow_pid;

static int group_setup(void **state)
{
	struct hc_session_info info;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0 || test_daemon_start(&daemon_, NULL) != 0)
		return -1;
	s = test_connect(&daemon_);
	if (!s || hc_info(s, &info) != 0)
		return -1;
	shadow_pid = info.shadow_pid;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	hc_disconnect(s);
	return test_daemon_stop(&daemon_) == 0 ? 0 : -1;
}

/* Deterministic bytes: block i of the pattern. */
static void pattern(unsigned char *buf, size_t len, size_t offset)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(((offset + i) * 2654435761u) >> 13);
}

static void write_pattern(int fd, size_t total, crypto_hash_sha256_state *h)
{
	unsigned char *buf = malloc(CHUNK);

	for (size_t off = 0; off < total; off += CHUNK) {
		size_t n = total - off < CHUNK ? total - off : CHUNK, done = 0;
		pattern(buf, n, off);
		crypto_hash_sha256_update(h, buf, n);
		while (done < n) {
			ssize_t w = write(fd, buf + done, n - done);
			assert_true(w > 0);
			done += (size_t)w;
		}
	}
	free(buf);
}

static size_t read_all(int fd, crypto_hash_sha256_state *h, char *keep, size_t keep_len)
{
	unsigned char *buf = malloc(CHUNK);
	size_t total = 0;
	ssize_t n;

	while ((n = read(fd, buf, CHUNK)) > 0) {
		if (h)
			crypto_hash_sha256_update(h, buf, (size_t)n);
		if (keep && total < keep_len)
			memcpy(keep + total, buf, (size_t)n < keep_len - total ? (size_t)n : keep_len - total);
		total += (size_t)n;
	}
	assert_int_equal(n, 0);
	free(buf);
	return total;
}

static void hex_digest(crypto_hash_sha256_state *h, char out[65])
{
	unsigned char d[32];

	crypto_hash_sha256_final(h, d);
	sodium_bin2hex(out, 65, d, 32);
}


static void stream_to_host_program__100MiB__checksum_matches(void **state)
{
	char *argv[] = { S("sha256sum"), NULL }, want[65], got[80] = "";
	crypto_hash_sha256_state h;
	int in_fd, out_fd, status;
	hc_handle_t in_h, out_h;
	pid_t pid;

	(void)state;
	in_h = hc_stream_open(s, &in_fd);
	out_h = hc_stream_open(s, &out_fd);
	assert_true(in_h >= 0 && out_h >= 0);
	struct hc_spawn_spec sp = { .path = "sha256sum", .argv = argv, .close_handles = 1 };
	sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = in_h };
	sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = out_h };
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	crypto_hash_sha256_init(&h);
	write_pattern(in_fd, BIG, &h);
	close(in_fd);   /* EOF reaches the host program */
	hex_digest(&h, want);
	read_all(out_fd, NULL, got, sizeof(got) - 1);
	close(out_fd);
	assert_memory_equal(got, want, 64);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void pump_both_ways__100MiB_through_host_file__checksums_match(void **state)
{
	char path[512], want[65], got[65];
	crypto_hash_sha256_state h;
	long rss_before, rss_after;
	hc_handle_t st, file;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/pumped", daemon_.dir);
	file = hc_open(s, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	st = hc_stream_open(s, &fd);
	assert_true(file >= 0 && st >= 0);
	assert_int_equal(hc_stream_attach(s, st, file, HC_TO_HOST), 0);
	assert_int_equal(hc_close(s, file), 0);
	rss_before = test_rss_kib(shadow_pid);
	crypto_hash_sha256_init(&h);
	write_pattern(fd, BIG, &h);
	hex_digest(&h, want);
	shutdown(fd, SHUT_WR);
	assert_int_equal(read_all(fd, NULL, NULL, 0), 0);   /* the pump closes once the file has it all */
	close(fd);
	rss_after = test_rss_kib(shadow_pid);
	if (!test_remote())   /* the shadow's memory is seen only on its own machine */
		assert_true(rss_after - rss_before < 32 * 1024);   /* back-pressure: no buffering of 100 MiB */

	file = hc_open(s, path, O_RDONLY, 0);
	st = hc_stream_open(s, &fd);
	assert_true(file >= 0 && st >= 0);
	assert_int_equal(hc_stream_attach(s, st, file, HC_FROM_HOST), 0);
	assert_int_equal(hc_close(s, file), 0);
	crypto_hash_sha256_init(&h);
	assert_int_equal(read_all(fd, &h, NULL, 0), BIG);
	hex_digest(&h, got);
	close(fd);
	assert_string_equal(got, want);
	hc_unlink(s, path);
}

static void stream_from_host_program__eof_when_it_exits(void **state)
{
	char *argv[] = { S("sh"), S("-c"), S("printf 'line one\\nline two\\n'"), NULL };
	char got[64] = "";
	int fd, status;
	hc_handle_t h = hc_stream_open(s, &fd);
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv, .close_handles = 1 };
	pid_t pid;

	(void)state;
	assert_true(h >= 0);
	sp.stdio[1] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	assert_int_equal(read_all(fd, NULL, got, sizeof(got) - 1), 18);
	assert_string_equal(got, "line one\nline two\n");
	close(fd);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
}

static void reader_goes_away__writer_gets_epipe(void **state)
{
	char *argv[] = { S("head"), S("-c"), S("10"), NULL };
	char buf[65536];
	int fd, status, err = 0, resets = 0;
	hc_handle_t h = hc_stream_open(s, &fd);
	struct hc_spawn_spec sp = { .path = "head", .argv = argv, .close_handles = 1 };
	pid_t pid;

	(void)state;
	assert_true(h >= 0);
	sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 100000 && err != EPIPE; i++) {
		if (write(fd, buf, sizeof(buf)) < 0) {
			err = errno;
			resets += err == ECONNRESET;   /* TCP reports the reset once, then EPIPE */
			assert_true(err == EPIPE || err == ECONNRESET);
		}
	}
	assert_int_equal(err, EPIPE);
	assert_true(resets <= 1);
	close(fd);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
}

static void stream_ticket__unused__handle_not_usable_by_spawn(void **state)
{
	int fd;
	hc_handle_t h = hc_stream_open(s, &fd);

	(void)state;
	assert_true(h >= 0);
	close(fd);
	assert_int_equal(hc_close(s, h), 0);
	assert_int_equal(hc_close(s, h), -EBADF);
	assert_int_equal(hc_stream_attach(s, h, 0, HC_TO_HOST), -EBADF);
}

static void streams_opened_together__each_joins_its_own_stdio(void **state)
{
	char *argv[] = { S("sh"), S("-c"), S("read x; echo \"out:$x\"; echo \"err:$x\" >&2"), NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv, .close_handles = 1 };
	hc_handle_t h[3];
	char out[32] = "", err[32] = "";
	int fds[3], status;
	pid_t pid;

	(void)state;
	assert_int_equal(hc_stream_open_many(s, 0, fds, h), -EINVAL);
	assert_int_equal(hc_stream_open_many(s, HC_STREAMS_AT_ONCE + 1, fds, h), -EINVAL);
	assert_int_equal(hc_stream_open_many(s, 3, fds, h), 0);
	for (int i = 0; i < 3; i++)
		sp.stdio[i] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h[i] };
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	assert_int_equal(write(fds[0], "hi\n", 3), 3);
	close(fds[0]);
	read_all(fds[1], NULL, out, sizeof(out) - 1);
	read_all(fds[2], NULL, err, sizeof(err) - 1);
	close(fds[1]);
	close(fds[2]);
	assert_string_equal(out, "out:hi\n");
	assert_string_equal(err, "err:hi\n");
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
}

/* dash's read takes one byte at a time from a pipe or socket: the rest stays in the stream. */
static void stream_unread__bytes_the_program_left__taken_back(void **state)
{
	char *argv[] = { S("sh"), S("-c"), S("read x; test \"$x\" = one"), NULL };
	struct hc_spawn_spec sp = { .path = "sh", .argv = argv };
	char buf[HC_PTY_UNREAD_MAX];
	int fd, status;
	hc_handle_t h = hc_stream_open(s, &fd);
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_true(h >= 0);
	sp.stdio[0] = (struct hc_stdio_spec){ .how = HC_IO_HANDLE, .handle = h };
	pid = hc_spawn(s, &sp);
	assert_true(pid > 0);
	assert_int_equal(write(fd, "one\ntwo\npart", 12), 12);
	assert_int_equal(hc_waitpid(s, pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	shutdown(fd, SHUT_WR);
	n = hc_stream_unread(s, h, buf, sizeof(buf));
	assert_int_equal(n, 8);
	assert_memory_equal(buf, "two\npart", 8);
	assert_int_equal(hc_stream_unread(s, h, buf, sizeof(buf)), 0);   /* taken, not copied */
	assert_int_equal(hc_stream_unread(s, h + 1000, buf, sizeof(buf)), -EBADF);
	assert_int_equal(hc_close(s, h), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_to_host_program__100MiB__checksum_matches),
		cmocka_unit_test(pump_both_ways__100MiB_through_host_file__checksums_match),
		cmocka_unit_test(stream_from_host_program__eof_when_it_exits),
		cmocka_unit_test(reader_goes_away__writer_gets_epipe),
		cmocka_unit_test(stream_ticket__unused__handle_not_usable_by_spawn),
		cmocka_unit_test(streams_opened_together__each_joins_its_own_stdio),
		cmocka_unit_test(stream_unread__bytes_the_program_left__taken_back),
	};

	return cmocka_run_group_tests_name("stream", tests, group_setup, group_teardown);
}
