/* main.c: the hcgen command: parse, check, lay out and hash a .hci file, then write its four outputs. */
#include "ast.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void path_of(char *buf, size_t len, const struct hci_module *m, const char *dir,
		    const char *suffix, const char *tmp)
{
	snprintf(buf, len, "%s/%s_%s%s", dir, m->name, suffix, tmp);
}

FILE *out_open(const struct hci_module *m, const char *dir, const char *suffix)
{
	char path[4096];
	FILE *f;

	path_of(path, sizeof path, m, dir, suffix, ".tmp");
	if ((f = fopen(path, "w")) == NULL)
		fprintf(stderr, "hcgen: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

int out_close(FILE *f, const struct hci_module *m, const char *dir, const char *suffix)
{
	char tmp[4096], path[4096];
	int bad = ferror(f);

	path_of(tmp, sizeof tmp, m, dir, suffix, ".tmp");
	path_of(path, sizeof path, m, dir, suffix, "");
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		fprintf(stderr, "hcgen: cannot write %s: %s\n", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* compile - parse, check, lay out, hash, then write every output. Returns: the exit status. */
static int compile(struct hci_module *m, const char *path, const char *dir)
{
	if (parse_file(path, m) < 0 || check_module(m) || layout_module(m))
		return 1;
	if (hash_module(m) < 0) {
		fprintf(stderr, "hcgen: cannot hash the interface\n");
		return 1;
	}
	if (emit_guest(m, dir) < 0 || emit_host(m, dir) < 0 || emit_fuzz(m, dir) < 0)
		return 1;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: hcgen [-o DIR] FILE.hci\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct hci_module m;
	const char *dir = ".";
	int c, r;

	while ((c = getopt(argc, argv, "o:")) != -1) {
		if (c != 'o')
			return usage();
		dir = optarg;
	}
	if (optind + 1 != argc)
		return usage();
	r = compile(&m, argv[optind], dir);
	module_free(&m);
	return r;
}
