/* test_race.c: integration: the race shadows exist to prevent: concurrent sessions' cwd and env. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define SESSIONS 4
#define ROUNDS 1000

struct racer {
	int id;
	char dir[512];
	char name[32];
	int mismatches;
	int errors;
};

/* Its directory on the daemon's host, holding index.html with its name. */
static void make_site(struct racer *r, struct hc_session *s)
{
	char path[600];
	int made;

	snprintf(r->name, sizeof(r->name), "session-%d", r->id);
	snprintf(r->dir, sizeof(r->dir), "%s/www%d", test_group_daemon.dir, r->id);
	made = hc_mkdir(s, r->dir, 0700);
	assert_true(made == 0 || made == -EEXIST);   /* the second race reuses the first one's */
	snprintf(path, sizeof(path), "%s/index.html", r->dir);
	assert_int_equal(test_write_host_file(s, path, r->name), 0);
}

/* chdir into its own directory, then open a relative path: must always be its own file. */
static void *race_cwd(void *arg)
{
	struct racer *r = arg;
	struct hc_session *s = test_connect(&test_group_daemon);
	char buf[64];

	if (!s) {
		r->errors++;
		return NULL;
	}
	for (int i = 0; i < ROUNDS; i++) {
		int h;
		ssize_t n;
		if (hc_chdir(s, r->dir) != 0 || (h = hc_open(s, "index.html", O_RDONLY, 0)) < 0) {
			r->errors++;
			continue;
		}
		n = hc_read(s, h, buf, sizeof(buf) - 1);
		hc_close(s, h);
		buf[n > 0 ? n : 0] = '\0';
		r->mismatches += strcmp(buf, r->name) != 0;
	}
	hc_disconnect(s);
	return NULL;
}

/* setenv then getenv of the same name in every session: must always read its own value. */
static void *race_env(void *arg)
{
	struct racer *r = arg;
	struct hc_session *s = test_connect(&test_group_daemon);
	char buf[64];

	if (!s) {
		r->errors++;
		return NULL;
	}
	for (int i = 0; i < ROUNDS; i++) {
		if (hc_setenv(s, "HC_RACE", r->name, 1) != 0 ||
		    hc_getenv(s, "HC_RACE", buf, sizeof(buf)) != 0) {
			r->errors++;
			continue;
		}
		r->mismatches += strcmp(buf, r->name) != 0;
	}
	hc_disconnect(s);
	return NULL;
}

static void run_race(void *(*fn)(void *))
{
	struct racer racers[SESSIONS];
	pthread_t t[SESSIONS];
	struct hc_session *s = test_connect(&test_group_daemon);

	assert_non_null(s);
	for (int i = 0; i < SESSIONS; i++) {
		memset(&racers[i], 0, sizeof(racers[i]));
		racers[i].id = i;
		make_site(&racers[i], s);
	}
	hc_disconnect(s);
	for (int i = 0; i < SESSIONS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fn, &racers[i]), 0);
	for (int i = 0; i < SESSIONS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < SESSIONS; i++) {
		assert_int_equal(racers[i].errors, 0);
		assert_int_equal(racers[i].mismatches, 0);
	}
}

static void concurrent_sessions__chdir_then_relative_open__always_own_file(void **state)
{
	(void)state;
	run_race(race_cwd);
}

static void concurrent_sessions__setenv_then_getenv__always_own_value(void **state)
{
	(void)state;
	run_race(race_env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(concurrent_sessions__chdir_then_relative_open__always_own_file),
		cmocka_unit_test(concurrent_sessions__setenv_then_getenv__always_own_value),
	};

	return cmocka_run_group_tests_name("race", tests, test_group_start, test_group_stop);
}
