/* dirs.c: the builtins of directories and limits: cd, pwd, umask, ulimit, times. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <unistd.h>

#include "builtins.h"

/* ---- the working directory, logical (sh->curdir) and physical (sh->physdir) ---- */

/* getcwd(), or NULL with dash's warning (from the builtin @who, if any). */
static char *physical_cwd(struct shell *sh, const char *who)
{
	char *dir = getcwd(NULL, 0);

	if (!dir)
		sh_error(sh, "%s%sgetcwd() failed: %s", who ? who : "", who ? ": " : "",
			 strerror(errno));
	return dir;
}

/*
 * The directory is now @logical (NULL: ask getcwd). PWD follows, exported; OLDPWD gets
 * the one before when @setold (dash's setpwd).
 */
static void set_pwd(struct shell *sh, const char *logical, int setold, const char *who)
{
	if (setold)
		var_set(sh, "OLDPWD", sh->curdir ? sh->curdir : "", 1);
	free(sh->physdir);
	sh->physdir = NULL;
	free(sh->curdir);
	if (logical) {
		sh->curdir = strdup(logical);
	} else {
		sh->physdir = physical_cwd(sh, who);
		sh->curdir = sh->physdir ? strdup(sh->physdir) : NULL;
	}
	var_set(sh, "PWD", sh->curdir ? sh->curdir : "", 1);
}

void dirs_init(struct shell *sh)
{
	const char *pwd = var_get(sh, "PWD");
	struct stat env_st, dot_st;

	/* dash's rule: PWD is kept if it is absolute and names the same file as "." */
	if (pwd && (pwd[0] != '/' || stat(pwd, &env_st) != 0 || stat(".", &dot_st) != 0 ||
		    env_st.st_dev != dot_st.st_dev || env_st.st_ino != dot_st.st_ino))
		pwd = NULL;
	free(sh->curdir);
	sh->curdir = NULL;
	set_pwd(sh, pwd, 0, NULL);
}

/* Append @s to the growing path @buf. */
static void put(char **buf, size_t *len, const char *s, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	if (!*buf)
		abort();
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/*
 * Where cd @dir leads, by name: the current logical directory and @dir joined, "." and
 * ".." taken away lexically (dash's updatepwd; a leading "//" stays). NULL if the current
 * directory is unknown and @dir relative.
 */
static char *logical_join(struct shell *sh, const char *dir)
{
	char *out = NULL;
	size_t len = 0, floor = 1;   /* ".." never removes below out[0..floor) */

	if (*dir != '/') {
		if (!sh->curdir)
			return NULL;
		put(&out, &len, sh->curdir, strlen(sh->curdir));
		if (out[len - 1] != '/')
			put(&out, &len, "/", 1);
		if (len > 1 && out[1] == '/')
			floor = 2;
	} else {
		put(&out, &len, "/", 1);
		if (dir[1] == '/' && dir[2] != '/') {
			put(&out, &len, "/", 1);
			floor = 2;
		}
	}
	for (const char *p = dir; *p;) {
		size_t n;
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > floor) {
				len--;
				if (out[len - 1] == '/')
					break;
			}
			out[len] = '\0';
		} else if (n && !(n == 1 && p[0] == '.')) {
			put(&out, &len, p, n);
			put(&out, &len, "/", 1);
		}
		p += n;
	}
	if (len > floor) {
		len--;
		out[len] = '\0';
	}
	return out;
}

/* chdir to @dest, logically unless @physical, and say so in PWD. Returns: 0 or -1. */
static int change_dir(struct shell *sh, const char *dest, int physical)
{
	char *logical = physical ? NULL : logical_join(sh, dest);

	if (chdir(logical ? logical : dest) != 0) {
		free(logical);
		return -1;
	}
	set_pwd(sh, logical, 1, "cd");
	free(logical);
	cmd_hash_cd(sh);
	return 0;
}

/* -L and -P: the last one given counts. Returns: 1 for -P, 0 for -L, -1 on a bad option. */
static int cd_options(struct shell *sh, char **argv, int *first)
{
	char opts[64];
	int physical = 0;

	*first = builtin_options(sh, argv, "LP", opts, sizeof(opts));
	if (*first < 0)
		return -1;
	for (const char *c = opts; *c; c++)
		physical = *c == 'P';
	return physical;
}

/* A relative name not starting with "." or "..": CDPATH's entries are tried first. */
static int cdpath_applies(const char *dest)
{
	if (dest[0] == '/')
		return 0;
	if (dest[0] == '.') {
		size_t dots = dest[1] == '.' ? 2 : 1;
		return !(dest[dots] == '\0' || dest[dots] == '/');
	}
	return 1;
}

/* cd through the first CDPATH entry holding a directory @dest. Returns: 0, -1 failed,
 * 1 none held it; *print: it was found through a named entry (dash then prints it). */
static int cd_through_cdpath(struct shell *sh, const char *dest, int physical, int *print)
{
	const char *cdpath = var_get(sh, "CDPATH");
	char *full;

	if (!cdpath)
		return 1;
	for (int idx = 0; (full = path_candidate(cdpath, dest, idx)); idx++) {
		struct stat st;
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			int r = change_dir(sh, full, physical);
			*print = strcmp(full, dest) != 0;
			free(full);
			return r;
		}
		free(full);
	}
	return 1;
}

int b_cd(struct shell *sh, int argc, char **argv)
{
	const char *dest;
	int first, physical = cd_options(sh, argv, &first), print = 0, r = 1;

	(void)argc;
	if (physical < 0)
		return 2;
	dest = argv[first];   /* dash ignores any further operands */
	if (!dest) {
		dest = var_get(sh, "HOME");
	} else if (strcmp(dest, "-") == 0) {
		dest = var_get(sh, "OLDPWD");
		print = 1;
	}
	if (!dest)
		dest = "";
	if (cdpath_applies(dest)) {
		if (!*dest)
			dest = ".";   /* and "." goes through CDPATH too, as in dash */
		r = cd_through_cdpath(sh, dest, physical, &print);
	}
	if (r > 0)
		r = change_dir(sh, dest, physical);
	if (r != 0) {
		sh_error(sh, "cd: can't cd to %s", dest);
		return 2;
	}
	if (print)
		printf("%s\n", sh->curdir ? sh->curdir : "");
	return 0;
}

int b_pwd(struct shell *sh, int argc, char **argv)
{
	int first, physical = cd_options(sh, argv, &first);
	const char *dir = sh->curdir;

	(void)argc;
	if (physical < 0)
		return 2;
	if (physical) {
		if (!sh->physdir) {   /* found once per cd; dash sets PWD again meanwhile */
			sh->physdir = physical_cwd(sh, "pwd");
			var_set(sh, "PWD", sh->curdir ? sh->curdir : "", 1);
		}
		dir = sh->physdir;
	}
	printf("%s\n", dir ? dir : "");
	return 0;
}

/* ---- umask ---- */

static void umask_print(mode_t mask, int symbolic)
{
	if (!symbolic) {
		printf("%.4o\n", (unsigned)mask);
		return;
	}
	for (int who = 0; who < 3; who++) {
		unsigned allowed = ~(unsigned)mask >> (6 - 3 * who);
		printf("%c=%s%s%s%s", "ugo"[who], allowed & 4 ? "r" : "", allowed & 2 ? "w" : "",
		       allowed & 1 ? "x" : "", who < 2 ? "," : "\n");
	}
}

/* The permission letters at *@s (rwx, or u/g/o: what that class has in @allowed) put in
 * each class of @who; *@s moves past them. */
static unsigned umask_perm(const char **s, unsigned allowed, unsigned who)
{
	unsigned bits = 0;

	for (; **s && strchr("rwxugoXs", **s); (*s)++) {
		switch (**s) {
		case 'r': bits |= 4; break;
		case 'w': bits |= 2; break;
		case 'x': bits |= 1; break;
		case 'u': bits |= allowed >> 6; break;
		case 'g': bits |= allowed >> 3; break;
		case 'o': bits |= allowed; break;
		case 'X': bits |= (allowed & 0111) ? 1 : 0; break;
		default: break;   /* s: no meaning in a umask */
		}
	}
	return (bits & 7) * who;
}

/* "u=rwx,g+w,a-x" applied to the permissions a umask @mask allows. Returns: the new
 * mask, or -1 for a malformed mode (dash's grammar: the pdksh one it took). */
static long umask_symbolic(const char *s, mode_t mask)
{
	unsigned allowed = ~(unsigned)mask & 0777, updated = allowed, who = 0;

	while (*s) {
		char op;
		unsigned bits;
		for (; *s && strchr("augo", *s); s++)
			who |= *s == 'a' ? 0111 : *s == 'u' ? 0100 : *s == 'g' ? 0010 : 0001;
		if (!who)
			who = 0111;
		op = *s;
		if (!op || !strchr("=+-", op))
			break;
		s++;
		bits = umask_perm(&s, allowed, who);
		if (op == '-')
			updated &= ~bits;
		else if (op == '+')
			updated |= bits;
		else
			updated = bits | (updated & ~(who * 7));
		if (*s == ',') {
			who = 0;
			s++;
		} else if (!*s || !strchr("=+-", *s)) {
			break;
		}
	}
	if (*s)
		return -1;
	return ~updated & 0777;
}

int b_umask(struct shell *sh, int argc, char **argv)
{
	char opts[16];
	int i = builtin_options(sh, argv, "S", opts, sizeof(opts));
	mode_t mask = umask(0);
	const char *arg;
	long updated;

	(void)argc;
	umask(mask);
	if (i < 0)
		return 2;
	arg = argv[i];   /* dash takes the first operand only */
	if (!arg) {
		umask_print(mask, *opts != '\0');
		return 0;
	}
	if (*arg >= '0' && *arg <= '9') {
		updated = 0;
		for (const char *p = arg; *p; p++) {
			if (*p < '0' || *p > '7') {
				sh_error(sh, "umask: Illegal number: %s", arg);
				return 2;
			}
			updated = ((updated << 3) + (*p - '0')) & 07777;
		}
	} else if ((updated = umask_symbolic(arg, mask)) < 0) {
		sh_error(sh, "umask: Illegal mode: %s", arg);
		return 2;
	}
	umask((mode_t)updated);
	return 0;
}

/* ---- ulimit ---- */

static const struct limit {
	const char *name;
	int resource;
	unsigned factor;        /* the unit ulimit counts in, in the kernel's */
	char option;
} limits[] = {
	{ "time(seconds)", RLIMIT_CPU, 1, 't' },
	{ "file(blocks)", RLIMIT_FSIZE, 512, 'f' },
	{ "data(kbytes)", RLIMIT_DATA, 1024, 'd' },
	{ "stack(kbytes)", RLIMIT_STACK, 1024, 's' },
	{ "coredump(blocks)", RLIMIT_CORE, 512, 'c' },
	{ "memory(kbytes)", RLIMIT_RSS, 1024, 'm' },
	{ "locked memory(kbytes)", RLIMIT_MEMLOCK, 1024, 'l' },
	{ "process", RLIMIT_NPROC, 1, 'p' },
	{ "nofiles", RLIMIT_NOFILE, 1, 'n' },
	{ "vmemory(kbytes)", RLIMIT_AS, 1024, 'v' },
	{ "locks", RLIMIT_LOCKS, 1, 'w' },
	{ "rtprio", RLIMIT_RTPRIO, 1, 'r' },
};

enum { LIMIT_SOFT = 1, LIMIT_HARD = 2 };

static void limit_print(const struct limit *l, int how)
{
	struct rlimit rl;
	rlim_t v;

	getrlimit(l->resource, &rl);
	v = how & LIMIT_SOFT ? rl.rlim_cur : rl.rlim_max;
	if (v == RLIM_INFINITY)
		printf("unlimited\n");
	else
		printf("%" PRIdMAX "\n", (intmax_t)(v / l->factor));
}

/* "unlimited" or decimal digits in @l's unit; wraps as dash's does. Returns: 0 or -1. */
static int limit_parse(const char *s, const struct limit *l, rlim_t *out)
{
	rlim_t v = 0;

	if (strcmp(s, "unlimited") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (rlim_t)(*s - '0');
	if (*s)
		return -1;
	*out = v * l->factor;
	return 0;
}

static int limit_set(struct shell *sh, const struct limit *l, int how, const char *arg)
{
	struct rlimit rl;
	rlim_t v;

	if (limit_parse(arg, l, &v) != 0) {
		sh_error(sh, "ulimit: bad number");
		return 2;
	}
	getrlimit(l->resource, &rl);
	if (how & LIMIT_HARD)
		rl.rlim_max = v;
	if (how & LIMIT_SOFT)
		rl.rlim_cur = v;
	if (setrlimit(l->resource, &rl) != 0) {
		sh_error(sh, "ulimit: error setting limit (%s)", strerror(errno));
		return 2;
	}
	return 0;
}

int b_ulimit(struct shell *sh, int argc, char **argv)
{
	char opts[64];
	int i = builtin_options(sh, argv, "HSatfdscmlpnvwr", opts, sizeof(opts));
	int how = LIMIT_SOFT | LIMIT_HARD, all = 0;
	const struct limit *l = &limits[1];   /* -f when no letter says */

	(void)argc;
	if (i < 0)
		return 2;
	for (const char *c = opts; *c; c++) {
		if (*c == 'H' || *c == 'S')
			how = *c == 'H' ? LIMIT_HARD : LIMIT_SOFT;
		else if (*c == 'a')
			all = 1;
		else
			for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++)
				if (limits[k].option == *c)
					l = &limits[k];
	}
	if (argv[i] && (all || argv[i + 1])) {
		sh_error(sh, "ulimit: too many arguments");
		return 2;
	}
	if (argv[i])
		return limit_set(sh, l, how, argv[i]);
	if (!all) {
		limit_print(l, how);
		return 0;
	}
	for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
		printf("%-20s ", limits[k].name);
		limit_print(&limits[k], how);
	}
	return 0;
}

/* ---- times ---- */

static void times_print(clock_t user, clock_t sys, long hz)
{
	printf("%ldm%fs %ldm%fs\n", (long)(user / (60 * hz)), (double)(user % (60 * hz)) / hz,
	       (long)(sys / (60 * hz)), (double)(sys % (60 * hz)) / hz);
}

int b_times(struct shell *sh, int argc, char **argv)
{
	struct tms t;
	long hz = sysconf(_SC_CLK_TCK);

	(void)sh;
	(void)argc;
	(void)argv;
	times(&t);
	times_print(t.tms_utime, t.tms_stime, hz);
	times_print(t.tms_cutime, t.tms_cstime, hz);
	return 0;
}
