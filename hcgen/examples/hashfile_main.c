/* hashfile_main.c: the guest half of the hashfile example: prints the SHA-256 of a host file, computed on the host. */
#include "hashfile_guest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct hc_session *s;
	const char *url = getenv("HOSTCALL_URL");
	uint8_t digest[32];
	int r;

	if (argc == 3)
		url = argv[2];
	if ((argc != 2 && argc != 3) || url == NULL) {
		fprintf(stderr, "usage: hashfile HOST_PATH [URL]   (or HOSTCALL_URL=URL)\n");
		return 2;
	}
	if ((r = hc_connect(url, getenv("HOSTCALL_KEY"), &s)) < 0) {
		fprintf(stderr, "hashfile: %s: %s\n", url, strerror(-r));
		return 1;
	}
	if ((r = hcg_hashfile_open(s)) < 0) {
		fprintf(stderr, "hashfile: module hashfile: %s\n", strerror(-r));
		hc_disconnect(s);
		return 1;
	}
	if (host_hash_file(argv[1], digest) != 0) {
		fprintf(stderr, "hashfile: %s: %s\n", argv[1], strerror(errno));
		hc_disconnect(s);
		return 1;
	}
	for (size_t i = 0; i < sizeof digest; i++)
		printf("%02x", digest[i]);
	printf("  %s\n", argv[1]);
	hcg_hashfile_close();
	hc_disconnect(s);
	return 0;
}
