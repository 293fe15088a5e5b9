/* kvm_conn.h: the KVM backend, host side: a shadow's session is one shared-memory channel. */
#ifndef HK_KVM_CONN_H
#define HK_KVM_CONN_H

#include "layout.h"
#include "shadow.h"

extern const struct shadow_conn_ops kvm_conn_ops;

/* kvm_conn_new - serve channel @c, woken by eventfd @efd (taken over). Returns: it or NULL. */
void *kvm_conn_new(struct hk_channel *c, int efd);

#endif
