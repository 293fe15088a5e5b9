/* bench_shell.c: make bench: dosh beside dash on three scripts, run in turn in the same run. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define ROUNDS 11         /* each figure: the median of this many runs, dash and dosh in turn */
#define LIB_FUNCS 1250    /* four lines each: the 5,000-line library */
#define LIB_RUNS 20       /* the library script is short: its runs are timed together */

extern char **environ;

struct script {
	const char *title;
	const char *file;     /* in the work directory */
	int runs;             /* runs timed as one figure */
};

static const struct script scripts[] = {
	{ "(a) 100,000 loops: $((i+1)), ${s#1}; 60 entries in cwd", "loop.sh", 1 },
	{ "(b) 1,000 runs of /bin/true", "true.sh", 1 },
	{ "(c) source a 5,000-line library, call 3 (20 runs)", "lib_main.sh", LIB_RUNS },
	/* not a target: how much of (c) is only starting the shell */
	{ "    start and run an empty script (20 runs)", "empty.sh", LIB_RUNS },
};

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* The library: many small functions, as a sourced shell library has them. */
static int write_library(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/lib.sh", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	for (int i = 0; i < LIB_FUNCS; i++)
		fprintf(f, "lib_f%d() {\n\tv=\"$1:%d\"\n\t[ -n \"$v\" ] && echo \"$v\" >/dev/null\n}\n", i, i);
	return fclose(f);
}

/* The three scripts, and the 60 entries the loop's directory holds. */
static int setup(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/loop.sh", dir);
	if (write_file(path, "i=0\nwhile [ $i -lt 100000 ]; do i=$((i+1)); s=1$i; s=${s#1}; done\n") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/true.sh", dir);
	if (write_file(path, "i=0\nwhile [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done\n") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/empty.sh", dir);
	if (write_file(path, "") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/lib_main.sh", dir);
	if (write_file(path, ". ./lib.sh\nlib_f0 a; lib_f625 b; lib_f1249 c\n") != 0)
		return -1;
	for (int i = 0; i < 60; i++) {
		snprintf(path, sizeof(path), "%s/entry%02d", dir, i);
		if (write_file(path, "") != 0)
			return -1;
	}
	return write_library(dir);
}

struct timing {
	double wall_us;   /* what a user waits */
	double cpu_us;    /* user + system time of the shell and what it ran: steadier when shared */
};

static double tv_us(struct timeval tv)
{
	return tv.tv_sec * 1e6 + tv.tv_usec;
}

/* @runs runs of @shell on @file in @dir, timed together. */
static struct timing time_script(const char *shell, const char *dir, const char *file, int runs)
{
	char *argv[] = { (char *)shell, (char *)file, NULL };
	posix_spawn_file_actions_t fa;
	struct timing t = { -1, 0 };
	double t0 = test_now_us();

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (chdir(dir) != 0)
		return t;
	for (int r = 0; r < runs; r++) {
		struct rusage ru;
		pid_t pid;
		int st;
		if (posix_spawnp(&pid, shell, &fa, NULL, argv, environ) != 0)
			return t;
		wait4(pid, &st, 0, &ru);   /* the shell's own and its waited-for children's time */
		t.cpu_us += tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fprintf(stderr, "bench: %s %s: status %d\n", shell, file, st);
	}
	posix_spawn_file_actions_destroy(&fa);
	t.wall_us = test_now_us() - t0;
	return t;
}

static void remove_dir(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: cannot remove %s\n", dir);
}

int main(void)
{
	const char *dosh = getenv("DOSH") ? getenv("DOSH") : "build/bin/dosh";
	const char *dash = getenv("REF_SHELL") ? getenv("REF_SHELL") : "dash";
	char dir[] = "/tmp/bench-shell-XXXXXX", dosh_abs[4096];

	if (!realpath(dosh, dosh_abs) || !mkdtemp(dir) || setup(dir) != 0) {
		fprintf(stderr, "bench: cannot set up (DOSH=%s): %s\n", dosh, strerror(errno));
		return 1;
	}
	printf("\ndosh beside %s: medians of %d runs each, taken in turn (no pinning);\n"
	       "wall clock, then CPU time (user + system, with the commands run).\n\n", dash, ROUNDS);
	printf("%-56s %9s %9s %6s %9s %9s %6s\n", "", dash, "dosh", "wall", dash, "dosh", "cpu");
	for (size_t k = 0; k < sizeof(scripts) / sizeof(scripts[0]); k++) {
		const struct script *s = &scripts[k];
		double aw[ROUNDS], bw[ROUNDS], ac[ROUNDS], bc[ROUNDS], m[4];
		for (int r = 0; r < ROUNDS; r++) {
			struct timing a = time_script(dash, dir, s->file, s->runs);
			struct timing b = time_script(dosh_abs, dir, s->file, s->runs);
			aw[r] = a.wall_us, ac[r] = a.cpu_us, bw[r] = b.wall_us, bc[r] = b.cpu_us;
		}
		m[0] = test_median(aw, ROUNDS) / 1e3, m[1] = test_median(bw, ROUNDS) / 1e3;
		m[2] = test_median(ac, ROUNDS) / 1e3, m[3] = test_median(bc, ROUNDS) / 1e3;
		printf("%-56s %6.0f ms %6.0f ms %5.2fx %6.0f ms %6.0f ms %5.2fx\n", s->title, m[0], m[1],
		       m[1] / m[0], m[2], m[3], m[3] / m[2]);
	}
	printf("%-56s %37s\n", "", "(target: dosh <= 1.3x dash)");
	remove_dir(dir);
	return 0;
}
