/* main.c: hostfs: mount the host's file system, as the session's shadow sees it, at a guest directory. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostfs.h"

#define MAX_INODES_DEFAULT 8192
#define READ_AHEAD_KB_DEFAULT 4096   /* four requests of max_read in flight, as NFS keeps 15 */

struct hostfs hf = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void usage(FILE *to)
{
	fprintf(to,
		"usage: hostfs [--host URL] [--key FILE] [--root HOSTDIR] [-f] [-o OPTIONS] MOUNTPOINT\n"
		"       hostfs --pipes [--host URL] [--key FILE] [-f] MOUNTPOINT\n"
		"       hostfs [-o key=FILE,root=HOSTDIR,pipes,...] URL MOUNTPOINT   (fstab's form)\n"
		"  --host URL      hostcalld: tcp://HOST:PORT, unix:/PATH or kvm: (default $DOSH_HOST)\n"
		"  --key FILE      the shared key (default $DOSH_KEY)\n"
		"  --root HOSTDIR  the host directory to mount (default /)\n"
		"  --pipes         mount the host pipes: opening NAME opens (making it if absent) the\n"
		"                  host FIFO NAME in $XDG_RUNTIME_DIR/hostcall/pipe on the host\n"
		"                  (else /tmp/hostcall-pipe-UID), which host programs open too\n"
		"  -f              stay in the foreground\n"
		"  -o cache=never|auto|always, attr_timeout=S, entry_timeout=S, negative_timeout=S,\n"
		"     max_inodes=N (host handles held, default %d), read_ahead_kb=N (default %d),\n"
		"     timeout=S (a hostcall's longest wait, default %d),\n"
		"     and FUSE mount options (allow_other, ro, ...)\n",
		MAX_INODES_DEFAULT, READ_AHEAD_KB_DEFAULT, HC_DEFAULT_TIMEOUT_MS / 1000);
}

static int parse_cache(struct hf_options *o, const char *v)
{
	static const struct { const char *name; enum hf_cache c; double timeout; } modes[] = {
		{ "never", HF_CACHE_NEVER, 0 }, { "auto", HF_CACHE_AUTO, 1 },
		{ "always", HF_CACHE_ALWAYS, 60 },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(v, modes[i].name) == 0) {
			o->cache = modes[i].c;
			o->attr_timeout = o->entry_timeout = modes[i].timeout;
			o->negative_timeout = modes[i].timeout;
			return 0;
		}
	}
	fprintf(stderr, "hostfs: cache=%s: say never, auto or always\n", v);
	return -EINVAL;
}

static int parse_seconds(const char *opt, const char *v, double *out)
{
	char *end;

	*out = strtod(v, &end);
	if (*v && !*end && *out >= 0)
		return 0;
	fprintf(stderr, "hostfs: %s=%s: not a number of seconds\n", opt, v);
	return -EINVAL;
}

static int parse_count(const char *opt, const char *v, size_t *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (*v && !*end && n >= 64 && n <= (1ul << 24)) {
		*out = n;
		return 0;
	}
	fprintf(stderr, "hostfs: %s=%s: give a count from 64 to 16777216\n", opt, v);
	return -EINVAL;
}

static int parse_kib(const char *opt, const char *v, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (*v && !*end && n <= 1048576) {
		*out = (unsigned)n;
		return 0;
	}
	fprintf(stderr, "hostfs: %s=%s: give KiB from 0 to 1048576\n", opt, v);
	return -EINVAL;
}

/* Take hostfs's own options out of one -o list; the rest is appended to @fuse_opts for FUSE. */
static int parse_o(struct hf_options *o, char *list, char *fuse_opts, size_t cap, double t[3])
{
	for (char *save, *opt = strtok_r(list, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		int r = 0;
		if (eq && strncmp(opt, "cache=", 6) == 0)
			r = parse_cache(o, eq + 1);
		else if (eq && strncmp(opt, "attr_timeout=", 13) == 0)
			r = parse_seconds("attr_timeout", eq + 1, &t[0]);
		else if (eq && strncmp(opt, "entry_timeout=", 14) == 0)
			r = parse_seconds("entry_timeout", eq + 1, &t[1]);
		else if (eq && strncmp(opt, "negative_timeout=", 17) == 0)
			r = parse_seconds("negative_timeout", eq + 1, &t[2]);
		else if (eq && strncmp(opt, "read_ahead_kb=", 14) == 0)
			r = parse_kib("read_ahead_kb", eq + 1, &o->read_ahead_kb);
		else if (eq && strncmp(opt, "key=", 4) == 0)   /* as fstab gives them */
			o->key = eq + 1;
		else if (eq && strncmp(opt, "root=", 5) == 0)
			o->root = eq + 1;
		else if (strcmp(opt, "pipes") == 0)
			o->pipes = 1;
		else if (eq && strncmp(opt, "timeout=", 8) == 0)
			r = parse_seconds("timeout", eq + 1, &o->timeout);
		else if (eq && strncmp(opt, "max_inodes=", 11) == 0)
			r = parse_count("max_inodes", eq + 1, &o->max_inodes);
		else if (strlen(fuse_opts) + strlen(opt) + 2 < cap)
			strcat(strcat(fuse_opts, ","), opt);
		if (r)
			return r;
	}
	return 0;
}

/*
 * The key and a unix: socket as absolute paths: every reconnect and every pipe
 * open reads them again, after fuse_daemonize() has changed to "/".
 * Returns: 0 or -ENOMEM.
 */
static int absolute_paths(struct hf_options *o)
{
	static char key[PATH_MAX], url[PATH_MAX + 8], cwd[PATH_MAX];

	if (o->key && o->key[0] != '/' && realpath(o->key, key))
		o->key = key;
	if (strncmp(o->url, "unix:", 5) == 0 && o->url[5] != '/' && getcwd(cwd, sizeof(cwd))) {
		if ((size_t)snprintf(url, sizeof(url), "unix:%s/%s", cwd, o->url + 5) >= sizeof(url))
			return -ENAMETOOLONG;
		o->url = url;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct hf_options *o, char *fuse_opts, size_t cap)
{
	static const struct option longs[] = {
		{ "host", required_argument, NULL, 'H' }, { "key", required_argument, NULL, 'k' },
		{ "root", required_argument, NULL, 'r' }, { "help", no_argument, NULL, 'h' },
		{ "pipes", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	double t[3] = { -1, -1, -1 };
	int c;

	o->url = getenv("DOSH_HOST");
	o->key = getenv("DOSH_KEY");
	o->root = "/";
	o->max_inodes = MAX_INODES_DEFAULT;
	o->read_ahead_kb = READ_AHEAD_KB_DEFAULT;
	o->timeout = HC_DEFAULT_TIMEOUT_MS / 1000.0;
	parse_cache(o, "auto");
	while ((c = getopt_long(argc, argv, "fo:h", longs, NULL)) != -1) {
		switch (c) {
		case 'H': o->url = optarg; break;
		case 'k': o->key = optarg; break;
		case 'r': o->root = optarg; break;
		case 'f': o->foreground = 1; break;
		case 'p': o->pipes = 1; break;
		case 'o':
			if (parse_o(o, optarg, fuse_opts, cap, t) != 0)
				return -EINVAL;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (t[0] >= 0)
		o->attr_timeout = t[0];
	if (t[1] >= 0)
		o->entry_timeout = t[1];
	if (t[2] >= 0)
		o->negative_timeout = t[2];
	if (o->timeout < 0.1 || o->timeout > 86400) {
		fprintf(stderr, "hostfs: timeout=%g: give 0.1 to 86400 seconds\n", o->timeout);
		return -EINVAL;
	}
	if (optind == argc - 2)
		o->url = argv[optind++];   /* hostfs URL MOUNTPOINT, as mount.fuse3 runs it from fstab */
	if (optind != argc - 1 || !o->url || !*o->url) {
		if (!o->url || !*o->url)
			fprintf(stderr, "hostfs: no host: give --host URL or set DOSH_HOST\n");
		usage(stderr);
		return -EINVAL;
	}
	o->mountpoint = argv[optind];
	return absolute_paths(o);
}

/* The reaper's waits are on CLOCK_MONOTONIC, as hf_now_ns(). */
static int init_reap_cond(void)
{
	pthread_condattr_t a;
	int r;

	if (pthread_condattr_init(&a) != 0)
		return -ENOMEM;
	r = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	if (r == 0)
		r = pthread_cond_init(&hf.reap, &a);
	pthread_condattr_destroy(&a);
	return -r;
}

/* The reaper runs beside the loop, from mount to unmount. */
static int start_reaper(struct fuse_session *se, pthread_t *t)
{
	hf.se = se;
	return hf.opt.pipes ? 0 : pthread_create(t, NULL, hf_reaper, &hf);
}

static void stop_reaper(pthread_t t)
{
	if (hf.opt.pipes)
		return;
	pthread_mutex_lock(&hf.lock);
	hf.stopping = 1;
	pthread_cond_signal(&hf.reap);
	pthread_mutex_unlock(&hf.lock);
	pthread_join(t, NULL);
}

/*
 * The session was opened before fuse_daemonize() forked, so that an unreachable
 * host is said at once; it belongs to the parent, now gone (over kvm: the parent
 * claimed the channel, which the next claim sweeps as a dead owner's): the
 * daemon opens its own. Nothing was opened through the first one yet.
 */
static void reconnect_as_daemon(void)
{
	pthread_mutex_lock(&hf.lock);
	hc_disconnect(hf.s);
	hf.s = NULL;
	hf_live(&hf);
	pthread_mutex_unlock(&hf.lock);
}

/*
 * Larger readahead than the kernel's 128 KiB for FUSE, so that a sequential
 * read goes in requests of max_read, several in flight. Only root may; anyone
 * else keeps the kernel's, as with read_ahead_kb=0. @real: the mount point
 * resolved before mounting (resolving it after would ask this very mount).
 */
static void raise_read_ahead(const struct hf_options *o, const char *real)
{
	int r;

	if (o->pipes || !o->read_ahead_kb || !real)
		return;
	r = hf_set_read_ahead(real, o->read_ahead_kb);
	if (r != 0 && r != -EACCES && r != -EROFS)
		fprintf(stderr, "hostfs: read_ahead_kb=%u not set: %s\n", o->read_ahead_kb,
			strerror(-r));
}

static int serve(struct fuse_session *se, const struct hf_options *o)
{
	struct fuse_loop_config *cfg;
	char *real = realpath(o->mountpoint, NULL);
	pthread_t reaper;
	int r;

	if (fuse_set_signal_handlers(se) != 0) {
		free(real);
		return -EIO;
	}
	if (fuse_session_mount(se, o->mountpoint) != 0) {
		fuse_remove_signal_handlers(se);
		free(real);
		return -EIO;
	}
	raise_read_ahead(o, real);
	free(real);
	if (!o->pipes && hf_devio_install(se) != 0) {
		fuse_session_unmount(se);
		fuse_remove_signal_handlers(se);
		return -EIO;
	}
	fuse_daemonize(o->foreground);
	if (!o->foreground)
		reconnect_as_daemon();
	if (start_reaper(se, &reaper) != 0) {
		fuse_session_unmount(se);
		fuse_remove_signal_handlers(se);
		return -EAGAIN;
	}
	cfg = fuse_loop_cfg_create();
	fuse_loop_cfg_set_clone_fd(cfg, 0);
	fuse_loop_cfg_set_max_threads(cfg, 64);   /* waiting locks hold one each */
	r = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	stop_reaper(reaper);
	fuse_session_unmount(se);
	fuse_remove_signal_handlers(se);
	return r >= 0 ? 0 : r;   /* > 0: ended by that signal (SIGTERM, SIGINT, SIGHUP), cleanly */
}

int main(int argc, char **argv)
{
	char fuse_opts[4096] = "fsname=hostfs,subtype=hostfs,max_read=1048576";
	char *fargv[] = { argv[0], (char *)"-o", fuse_opts, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, fargv);
	struct fuse_session *se;
	int r;

	if (parse_args(argc, argv, &hf.opt, fuse_opts, sizeof(fuse_opts)) != 0)
		return 2;
	if (init_reap_cond() != 0)
		return 1;
	if ((r = hf_connect(&hf)) != 0) {
		fprintf(stderr, "hostfs: cannot reach the host at %s: %s\n", hf.opt.url,
			*hc_connect_error() ? hc_connect_error() : strerror(-r));
		return 1;
	}
	if (hf.opt.pipes)
		printf("hostfs: host pipes in %s on the host: opening %s/NAME opens NAME there\n",
		       hf.pipe_dir, hf.opt.mountpoint);
	fflush(stdout);
	se = hf.opt.pipes ? fuse_session_new(&args, &hp_ops, sizeof(hp_ops), &hf)
			  : fuse_session_new(&args, &hf_ops, sizeof(hf_ops), &hf);
	r = se ? serve(se, &hf.opt) : -EINVAL;
	if (se)
		fuse_session_destroy(se);
	fuse_opt_free_args(&args);   /* what fuse_session_new added to them */
	pthread_mutex_lock(&hf.lock);
	hf_inode_free_all(&hf);
	free(hf.dropped);
	free(hf.locked);
	hc_disconnect(hf.s);
	pthread_mutex_unlock(&hf.lock);
	return r == 0 ? 0 : 1;
}
