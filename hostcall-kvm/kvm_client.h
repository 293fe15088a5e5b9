/* kvm_client.h: the KVM backend, guest side: the kvm: (ivshmem PCI device) and ivshmem: (server socket) rows. */
#ifndef HK_KVM_CLIENT_H
#define HK_KVM_CLIENT_H

#include "transport.h"

extern const struct hc_transport_ops kvm_pci_ops;
extern const struct hc_transport_ops kvm_socket_ops;

#endif
