/* kvm_pci.c: finding, enabling and mapping the ivshmem PCI device from sysfs, and ringing its doorbell. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm_pci.h"
#include "layout.h"

#define IVSHMEM_VENDOR 0x1af4
#define IVSHMEM_DEVICE 0x1110
#define REG_IVPOSITION 2         /* BAR0 registers, in 32-bit words */
#define REG_DOORBELL 3

void hk_pci_ring(void *ctx, int v)
{
	struct hk_pci *p = ctx;

	p->regs[REG_DOORBELL] = (p->host_peer << 16) | (uint32_t)v;   /* the hypercall */
}

static long read_hex(const char *dir, const char *name)
{
	char path[600], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "re")))
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtol(buf, NULL, 16);
}

static int is_ivshmem(const char *dir)
{
	return read_hex(dir, "vendor") == IVSHMEM_VENDOR && read_hex(dir, "device") == IVSHMEM_DEVICE;
}

/* The first ivshmem device in sysfs. */
static int find_device(char *dir, size_t len)
{
	const char *base = "/sys/bus/pci/devices";
	DIR *d = opendir(base);
	struct dirent *e;
	int found = 0;

	if (!d)
		return -ENODEV;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, len, "%s/%s", base, e->d_name);
		found = is_ivshmem(dir);
	}
	closedir(d);
	return found ? 0 : -ENODEV;
}

/* mmap sysfs file @name of @dir whole, read-write. Returns: 0 (*@out, *@size set) or -errno. */
static int map_resource(const char *dir, const char *name, void **out, uint64_t *size)
{
	char path[600];
	struct stat st;
	void *p;
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) != 0)
		r = -errno;
	else if (st.st_size <= 0)
		r = -ENODEV;   /* a BAR the device does not have */
	else if ((p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) ==
		 MAP_FAILED)
		r = -errno;
	close(fd);
	if (r == 0) {
		*out = p;
		*size = (uint64_t)st.st_size;
	}
	return r;
}

/* Memory decoding may be off until the device is enabled (microvm leaves it so). */
static void enable(const char *dir)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/enable", dir);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write(fd, "1", 1) < 0)
			(void)0;   /* already enabled, or not ours to enable: the maps tell */
		close(fd);
	}
}

static int map_device(struct hk_pci *p, const char *dir)
{
	void *regs = NULL;
	int n;

	enable(dir);
	if ((n = map_resource(dir, "resource0", &regs, &p->regs_size)) != 0)
		return n;
	p->regs = regs;
	if ((n = map_resource(dir, "resource2", &p->mem, &p->mem_size)) != 0 ||
	    (n = hk_layout_check(p->mem, p->mem_size)) < 0)
		return n;
	p->nchannels = n;
	p->host_peer = ((const struct hk_header *)p->mem)->host_peer;
	p->peer = p->regs[REG_IVPOSITION];
	return 0;
}

int hk_pci_map(const char *where, struct hk_pci *p)
{
	char dir[512];
	int r;

	memset(p, 0, sizeof(*p));
	if (*where) {
		snprintf(dir, sizeof(dir), "%s", where);
		r = is_ivshmem(dir) ? 0 : -ENODEV;
	} else {
		r = find_device(dir, sizeof(dir));
	}
	if (r == 0)
		r = map_device(p, dir);
	if (r != 0)
		hk_pci_unmap(p);
	return r;
}

void hk_pci_unmap(struct hk_pci *p)
{
	if (p->mem)
		munmap(p->mem, p->mem_size);
	if (p->regs)
		munmap((void *)p->regs, p->regs_size);
	p->mem = NULL;
	p->regs = NULL;
}
