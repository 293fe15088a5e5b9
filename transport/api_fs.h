/* api_fs.h: what the file system calls of libhostcall share. */
#ifndef HC_API_FS_H
#define HC_API_FS_H

#include "hostcall.h"
#include "transport.h"

/* hc_fs_at_flags - local AT_* flags as the protocol's. Returns: them or -EINVAL. */
int hc_fs_at_flags(int flags);
/* hc_fs_entry_call - a call answered by an hc_entry_res, into @e. Returns: 0 or -errno. */
int hc_fs_entry_call(struct hc_session *s, uint32_t proc, xdrproc_t xargs, void *args,
		     struct hc_fs_entry *e);

#endif
