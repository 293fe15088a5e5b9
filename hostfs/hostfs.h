/* hostfs.h: the guest's FUSE file system of host files: its state, inode table and session. */
#ifndef HOSTFS_H
#define HOSTFS_H

#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>

#include "hostcall.h"

enum hf_cache { HF_CACHE_NEVER, HF_CACHE_AUTO, HF_CACHE_ALWAYS };

/* One host inode the kernel knows: its O_PATH handle in the session's shadow. */
struct hf_inode {
	uint64_t dev, ino;       /* as the host has them: the table's key */
	hc_handle_t handle;
	unsigned gen;            /* the session it was looked up in */
	uint64_t nlookup;        /* the kernel's references; forget lowers them */
	mode_t type;             /* S_IFMT */
	struct timespec mtime;   /* at the last open, for cache=auto */
	off_t size;
	int64_t nocap_until;     /* hf_now_ns() until which the host's "no security.capability" holds */
	unsigned cached_opens;   /* open through the page cache (mapped ones stay open) */
	uint64_t parent_dev, parent_ino;   /* where the kernel last found it, and as what: */
	char *name;              /* what the reaper asks the kernel to forget */
	struct hf_inode *next;   /* hash chain */
	struct hf_inode *older, *newer;   /* least recently looked up first */
};

struct hf_options {
	const char *url, *key, *root, *mountpoint;
	enum hf_cache cache;
	int foreground;
	int pipes;               /* --pipes: the host pipes, not the host's files */
	double attr_timeout, entry_timeout;
	double negative_timeout; /* how long the kernel may remember that a name is absent */
	unsigned read_ahead_kb;  /* the mount's readahead, set in sysfs (0: the kernel's) */
	size_t max_inodes;       /* beyond this many, the kernel is asked to forget the oldest */
	double timeout;          /* seconds a hostcall may take before the session counts as lost */
};

struct hostfs {
	struct hf_options opt;
	pthread_mutex_t lock;    /* the session and the table: one call at a time */
	struct hc_session *s;    /* NULL after a loss, until the next operation reconnects */
	unsigned gen;            /* bumped at each reconnect: older handles are stale */
	struct hf_inode root;
	struct hf_inode **buckets;
	size_t nbuckets, count;
	char pipe_dir[4096];     /* --pipes: the host directory of the FIFOs */
	unsigned char *locked;   /* by open file handle: a lock was taken through it */
	size_t nlocked;
	hc_handle_t *dropped;    /* handles to forget at the next call */
	int ndropped;
	int64_t drop_due;        /* when the reaper sends them, if no call sent them before (0: not set) */
	struct hf_inode lru;     /* the list head: lru.newer is the oldest */
	struct fuse_session *se;
	pthread_cond_t reap;     /* wakes the reaper (CLOCK_MONOTONIC) */
	int stopping;
};

extern struct hostfs hf;

/* ---- session.c ---- */
/* hf_connect - a session and the root's handle. Returns: 0 or -errno. */
int hf_connect(struct hostfs *f);
/* hf_live - the session, reconnecting after a loss (hf.lock held). Returns: it or NULL. */
struct hc_session *hf_live(struct hostfs *f);
/* hf_check - note a call's result: a transport failure ends the session. Returns: @r, as EIO then. */
int hf_check(struct hostfs *f, int r);
/* hf_drop - forget @h at the host with the next batch (hf.lock held). */
void hf_drop(struct hostfs *f, hc_handle_t h);
/* hf_fh_of, hf_fh_handle - an open file's FUSE fh: its handle and session. Returns: the handle or -ESTALE. */
uint64_t hf_fh_of(const struct hostfs *f, hc_handle_t h);
hc_handle_t hf_fh_handle(const struct hostfs *f, uint64_t fh);
/* hf_flush_dropped - send the batch now (hf.lock held). */
void hf_flush_dropped(struct hostfs *f);
/* hf_flush_dropped_soon - have the reaper send the batch within a few ms, with what joins it (hf.lock held). */
void hf_flush_dropped_soon(struct hostfs *f);
/*
 * hf_space_back - a call said ENOSPC or EDQUOT (@r) while handles wait to go,
 * which may hold the space (files this guest unlinked): send them now (hf.lock
 * held). Returns: 1 if the call is worth trying again.
 */
int hf_space_back(struct hostfs *f, long r);
/* hf_now_ns - CLOCK_MONOTONIC, in ns. */
int64_t hf_now_ns(void);

/* ---- inode.c ---- */
/* hf_inode_of - the inode behind @nodeid. */
struct hf_inode *hf_inode_of(fuse_ino_t nodeid);
/* hf_inode_handle - @in's handle in the live session. Returns: it or -ESTALE / -EIO. */
int hf_inode_handle(struct hostfs *f, struct hf_inode *in);
/*
 * hf_inode_add - the inode of entry @e, new or known (one more lookup), found
 * as @name in directory @parent. Returns: it or NULL.
 */
struct hf_inode *hf_inode_add(struct hostfs *f, const struct hc_fs_entry *e, fuse_ino_t parent,
			      const char *name);
/* hf_nodeid - the node id the kernel knows @in by. */
fuse_ino_t hf_nodeid(const struct hostfs *f, const struct hf_inode *in);
/* hf_reaper - a thread: while more than max_inodes are known, the kernel is asked to forget the oldest. */
void *hf_reaper(void *arg);
/* hf_inode_set_root - the root's entry, at connect and reconnect. Returns: 0 or -errno. */
int hf_inode_set_root(struct hostfs *f, const struct hc_fs_entry *e);
/* hf_inode_forget - @n fewer lookups; at none the inode and its handle go. */
void hf_inode_forget(struct hostfs *f, struct hf_inode *in, uint64_t n);
/* hf_inode_free_all - at unmount. */
void hf_inode_free_all(struct hostfs *f);

/* ---- devio.c ---- */
/* hf_devio_install - after mounting: hostfs's own reads and writes of the mount's /dev/fuse. Returns: 0 or < 0. */
int hf_devio_install(struct fuse_session *se);

/* ---- readahead.c ---- */
/*
 * hf_set_read_ahead - the readahead of the FUSE mount at @mountpoint (an
 * absolute path, as /proc/self/mountinfo has it), in KiB. Returns: 0 or -errno
 * (-EACCES: not root; nothing changes then).
 */
int hf_set_read_ahead(const char *mountpoint, unsigned kb);

/* ---- pipes.c: hostfs --pipes ---- */
extern const struct fuse_lowlevel_ops hp_ops;
/*
 * hp_pipe_dir - the session user's pipe directory on the host, made 0700 if
 * absent: $XDG_RUNTIME_DIR/hostcall/pipe, else /tmp/hostcall-pipe-UID.
 * Returns: 0 or -errno (-EPERM when it is not the user's own, 0700).
 */
int hp_pipe_dir(struct hc_session *s, char *out, size_t len);

/* ---- ops.c: names and attributes; ops_data.c: open files, directories, xattrs, locks ---- */
extern const struct fuse_lowlevel_ops hf_ops;
/* hf_reply_entry - answer a lookup-like request with @e, @name in @parent (r: the call's result). */
void hf_reply_entry(fuse_req_t req, struct hostfs *f, int r, const struct hc_fs_entry *e,
		    fuse_ino_t parent, const char *name);
/* hf_lock_inode - take hf.lock and @ino's live handle. Returns: it or -errno (unlocked then). */
int hf_lock_inode(struct hostfs *f, fuse_ino_t ino, struct hf_inode **in);

void hf_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hf_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	       struct fuse_file_info *fi);
void hf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void hf_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
	      struct fuse_file_info *fi);
void hf_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hf_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hf_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void hf_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hf_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi);
void hf_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi);
void hf_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void hf_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
		  struct fuse_file_info *fi);
void hf_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			struct fuse_file_info *fi_in, fuse_ino_t ino_out, off_t off_out,
			struct fuse_file_info *fi_out, size_t len, int flags);
void hf_getlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, struct flock *lock);
void hf_setlk(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, struct flock *lock,
	      int sleep);
void hf_flock(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi, int op);
void hf_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
	     struct fuse_pollhandle *ph);
void hf_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
		 size_t size, int flags);
void hf_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void hf_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void hf_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

#endif
