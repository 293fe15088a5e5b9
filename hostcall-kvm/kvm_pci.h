/* kvm_pci.h: the ivshmem PCI device inside a VM, as libhostcall maps it: registers, shared memory, doorbell. */
#ifndef HK_KVM_PCI_H
#define HK_KVM_PCI_H

#include <stdint.h>

struct hk_pci {
	void *mem;                  /* BAR2: the shared memory, its header checked */
	uint64_t mem_size;
	volatile uint32_t *regs;    /* BAR0: the registers */
	uint64_t regs_size;
	int nchannels;
	uint32_t peer;              /* our ivshmem peer id (IVPosition) */
	uint32_t host_peer;         /* hostcalld's, from the header */
};

/*
 * hk_pci_map - the device at sysfs directory @where, or the first ivshmem
 * device when @where is empty: enable it, map both BARs, check the header.
 * Returns: 0 or -errno (-ENODEV: no such device; what hk_layout_check says).
 */
int hk_pci_map(const char *where, struct hk_pci *p);

/* hk_pci_unmap - undo hk_pci_map, also after it failed half-way. */
void hk_pci_unmap(struct hk_pci *p);

/* hk_pci_ring - an hk_doorbell's ring for @ctx, a struct hk_pci: the hypercall for vector @v. */
void hk_pci_ring(void *ctx, int v);

#endif
