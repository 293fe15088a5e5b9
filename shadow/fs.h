/* fs.h: what the shadow's file system hostcalls share: directory handles, names, attributes. */
#ifndef HC_SHADOW_FS_H
#define HC_SHADOW_FS_H

#include <stdint.h>

#include "rpc/hostcall.h"

struct shadow;

#define FS_PROC_PATH_LEN 32

/* fs_dir_fd - the descriptor of directory handle @dir (AT_FDCWD for HC_AT_CWD). Returns: it or -EBADF. */
int fs_dir_fd(struct shadow *sh, hc_handle dir);
/* fs_check_name - one path component ("" only with HC_AT_EMPTY_PATH in @flags). Returns: 0 or -errno. */
int fs_check_name(const char *name, int flags);
/* fs_proc_path - "/proc/self/fd/N": the inode behind @fd, by a path the kernel never re-resolves. */
void fs_proc_path(int fd, char buf[FS_PROC_PATH_LEN]);
/* fs_is_opath - whether @fd was opened with O_PATH. */
int fs_is_opath(int fd);
/* fs_statx - statx of @name under @dirfd into @attr. Returns: 0 or -errno. */
int fs_statx(int dirfd, const char *name, int flags, hc_attr *attr);
/* fs_truncate - of an open file, or of the inode behind an O_PATH descriptor. Returns: 0 or -errno. */
int fs_truncate(int fd, uint64_t length);
/* fs_lookup_entry - an O_PATH handle on @name under @dirfd, never following it, and its attributes. */
int fs_lookup_entry(struct shadow *sh, int dirfd, const char *name, hc_entry *e);

#endif
