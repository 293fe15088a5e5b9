/* fuzz_util.c: what the RPC fuzz targets share: a shadow made without forking, descriptor counts, seeds. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "shadow.h"

int fuzz_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = -1;   /* the directory's own descriptor */

	if (!d)
		abort();
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

void fuzz_shadow_fresh(struct shadow *sh, int authenticated)
{
	memset(sh, 0, sizeof(*sh));
	sh->opts.has_key = 1;
	memset(sh->opts.key, 0x5a, sizeof(sh->opts.key));
	sh->opts.grace_ms = 0;
	sh->authenticated = authenticated;
	sh->sig_fd = -1;
	sh->ctl_fd = -1;
	for (int i = 0; i < SHADOW_CHILD_MAX; i++)
		sh->children[i].relay_fd = -1;
	if (handles_init(&sh->handles, 64) != 0)
		abort();
}

void fuzz_shadow_end(struct shadow *sh)
{
	pumps_close_all(sh);
	handles_close_all(&sh->handles);
	modules_close_all(sh);
}

void fuzz_seed_write(const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", getenv(FUZZ_SEEDS_ENV), name);
	if (!(f = fopen(path, "wb")) || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

uint8_t *fuzz_xdr_encode(xdrproc_t proc, void *obj, size_t prefix, size_t *len)
{
	unsigned long size = xdr_sizeof(proc, obj);
	uint8_t *buf = calloc(1, prefix + size + 1);
	XDR x;

	if (!buf)
		abort();
	xdrmem_create(&x, (char *)buf + prefix, (u_int)size, XDR_ENCODE);
	if (!proc(&x, obj)) {
		free(buf);
		return NULL;
	}
	*len = prefix + xdr_getpos(&x);
	return buf;
}
