/* readahead.c: the FUSE mount's readahead window, raised in sysfs so that sequential reads go in large requests. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hostfs.h"

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/*
 * The device ("0:57") of the last hostfs mount at @mountpoint, read from
 * mountinfo, never from the mount itself: its loop is not running yet.
 * Returns: 0 or -ENOENT.
 */
static int mount_device(const char *mountpoint, char *dev, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192], majmin[64], point[4096], fstype[256];
	int found = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %63s %*s %4095s", majmin, point) != 2 ||
		    sscanf(sep + 3, "%255s", fstype) != 1)
			continue;
		unescape(point);
		if (strcmp(point, mountpoint) == 0 && strcmp(fstype, "fuse.hostfs") == 0 &&
		    strlen(majmin) < len) {
			strcpy(dev, majmin);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

int hf_set_read_ahead(const char *mountpoint, unsigned kb)
{
	char dev[64], path[128], value[32];
	int fd, r, n;

	if ((r = mount_device(mountpoint, dev, sizeof(dev))) != 0)
		return r;
	snprintf(path, sizeof(path), "/sys/class/bdi/%s/read_ahead_kb", dev);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = snprintf(value, sizeof(value), "%u\n", kb);
	r = write(fd, value, (size_t)n) == n ? 0 : -errno;
	close(fd);
	return r;
}
