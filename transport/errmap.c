/* errmap.c: tables mapping protocol error codes, signals, open flags and stat to local ones. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "errmap.h"

static const struct { hc_err code; int local; } errors[] = {
	{ HC_EPERM, EPERM }, { HC_ENOENT, ENOENT }, { HC_ESRCH, ESRCH },
	{ HC_EINTR, EINTR }, { HC_EIO, EIO }, { HC_ENXIO, ENXIO }, { HC_E2BIG, E2BIG },
	{ HC_ENOEXEC, ENOEXEC }, { HC_EBADF, EBADF }, { HC_ECHILD, ECHILD },
	{ HC_EAGAIN, EAGAIN }, { HC_ENOMEM, ENOMEM }, { HC_EACCES, EACCES },
	{ HC_EFAULT, EFAULT }, { HC_EBUSY, EBUSY }, { HC_EEXIST, EEXIST },
	{ HC_EXDEV, EXDEV }, { HC_ENODEV, ENODEV }, { HC_ENOTDIR, ENOTDIR },
	{ HC_EISDIR, EISDIR }, { HC_EINVAL, EINVAL }, { HC_ENFILE, ENFILE },
	{ HC_EMFILE, EMFILE }, { HC_ENOTTY, ENOTTY }, { HC_ETXTBSY, ETXTBSY },
	{ HC_EFBIG, EFBIG }, { HC_ENOSPC, ENOSPC }, { HC_ESPIPE, ESPIPE },
	{ HC_EROFS, EROFS }, { HC_EMLINK, EMLINK }, { HC_EPIPE, EPIPE },
	{ HC_ERANGE, ERANGE }, { HC_ENAMETOOLONG, ENAMETOOLONG }, { HC_ENOSYS, ENOSYS },
	{ HC_ENOTEMPTY, ENOTEMPTY }, { HC_ELOOP, ELOOP }, { HC_EPROTO, EPROTO },
	{ HC_ENOTSOCK, ENOTSOCK }, { HC_EDESTADDRREQ, EDESTADDRREQ },
	{ HC_EMSGSIZE, EMSGSIZE }, { HC_EPROTONOSUPPORT, EPROTONOSUPPORT },
	{ HC_EOPNOTSUPP, EOPNOTSUPP }, { HC_EAFNOSUPPORT, EAFNOSUPPORT },
	{ HC_EADDRINUSE, EADDRINUSE }, { HC_EADDRNOTAVAIL, EADDRNOTAVAIL },
	{ HC_ENETUNREACH, ENETUNREACH }, { HC_ECONNABORTED, ECONNABORTED },
	{ HC_ECONNRESET, ECONNRESET }, { HC_EISCONN, EISCONN }, { HC_ENOTCONN, ENOTCONN },
	{ HC_ETIMEDOUT, ETIMEDOUT }, { HC_ECONNREFUSED, ECONNREFUSED },
	{ HC_EHOSTUNREACH, EHOSTUNREACH }, { HC_EALREADY, EALREADY },
	{ HC_EINPROGRESS, EINPROGRESS }, { HC_EDEADLK, EDEADLK }, { HC_ENOLCK, ENOLCK },
	{ HC_ENODATA, ENODATA }, { HC_ESTALE, ESTALE }, { HC_EDQUOT, EDQUOT },
	{ HC_EAUTH, EACCES },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

hc_err hc_err_from_errno(int e)
{
	if (e == 0)
		return HC_OK;
	if (e == EWOULDBLOCK)
		return HC_EAGAIN;
	for (size_t i = 0; i < COUNT(errors); i++)
		if (errors[i].local == e && errors[i].code != HC_EAUTH)
			return errors[i].code;
	return HC_EUNKNOWN;
}

int hc_err_to_errno(hc_err e)
{
	if (e == HC_OK)
		return 0;
	for (size_t i = 0; i < COUNT(errors); i++)
		if (errors[i].code == e)
			return errors[i].local;
	return EIO;
}

static const struct { int code; int local; } signals[] = {
	{ HC_SIGHUP, SIGHUP }, { HC_SIGINT, SIGINT }, { HC_SIGQUIT, SIGQUIT },
	{ HC_SIGKILL, SIGKILL }, { HC_SIGUSR1, SIGUSR1 }, { HC_SIGUSR2, SIGUSR2 },
	{ HC_SIGPIPE, SIGPIPE }, { HC_SIGALRM, SIGALRM }, { HC_SIGTERM, SIGTERM },
	{ HC_SIGCHLD, SIGCHLD }, { HC_SIGCONT, SIGCONT }, { HC_SIGSTOP, SIGSTOP },
	{ HC_SIGTSTP, SIGTSTP }, { HC_SIGTTIN, SIGTTIN }, { HC_SIGTTOU, SIGTTOU },
	{ HC_SIGWINCH, SIGWINCH }, { HC_SIG_NONE, 0 },
};

int hc_signal_from_local(int sig)
{
	for (size_t i = 0; i < COUNT(signals); i++)
		if (signals[i].local == sig)
			return signals[i].code;
	return -1;
}

int hc_signal_to_local(int hsig)
{
	for (size_t i = 0; i < COUNT(signals); i++)
		if (signals[i].code == hsig)
			return signals[i].local;
	return -1;
}

static const struct { int code; int local; } oflags[] = {
	{ HC_O_CREAT, O_CREAT }, { HC_O_EXCL, O_EXCL }, { HC_O_TRUNC, O_TRUNC },
	{ HC_O_APPEND, O_APPEND }, { HC_O_NOFOLLOW, O_NOFOLLOW },
	{ HC_O_DIRECTORY, O_DIRECTORY }, { HC_O_NONBLOCK, O_NONBLOCK },
	{ HC_O_SYNC, O_SYNC }, { HC_O_DSYNC, O_DSYNC }, { HC_O_NOATIME, O_NOATIME },
	{ HC_O_DIRECT, O_DIRECT },
};

int hc_oflags_to_local(int hflags)
{
	int acc = hflags & HC_O_ACCMODE, rest = hflags & ~HC_O_ACCMODE, out;

	if (acc == HC_O_RDONLY)
		out = O_RDONLY;
	else if (acc == HC_O_WRONLY)
		out = O_WRONLY;
	else if (acc == HC_O_RDWR)
		out = O_RDWR;
	else
		return -1;
	for (size_t i = 0; i < COUNT(oflags); i++) {
		if (rest & oflags[i].code) {
			out |= oflags[i].local;
			rest &= ~oflags[i].code;
		}
	}
	return rest ? -1 : out;
}

int hc_oflags_from_local(int flags)
{
	int acc = flags & O_ACCMODE, out;
	int rest = flags & ~(O_ACCMODE | O_CLOEXEC | O_NOCTTY | O_LARGEFILE);

	out = acc == O_WRONLY ? HC_O_WRONLY : acc == O_RDWR ? HC_O_RDWR : HC_O_RDONLY;
	if (acc == O_ACCMODE)
		return -1;
	for (size_t i = 0; i < COUNT(oflags); i++) {
		if ((rest & oflags[i].local) == oflags[i].local) {   /* O_SYNC holds O_DSYNC's bit */
			out |= oflags[i].code;
			rest &= ~oflags[i].local;
		}
	}
	return rest ? -1 : out;
}

static const struct { hc_ftype type; mode_t fmt; } ftypes[] = {
	{ HC_FT_REG, S_IFREG }, { HC_FT_DIR, S_IFDIR }, { HC_FT_LNK, S_IFLNK },
	{ HC_FT_CHR, S_IFCHR }, { HC_FT_BLK, S_IFBLK }, { HC_FT_FIFO, S_IFIFO },
	{ HC_FT_SOCK, S_IFSOCK },
};

hc_ftype hc_ftype_from_mode(mode_t mode)
{
	for (size_t i = 0; i < COUNT(ftypes); i++)
		if ((mode & S_IFMT) == ftypes[i].fmt)
			return ftypes[i].type;
	return HC_FT_UNKNOWN;
}

mode_t hc_ftype_to_mode(hc_ftype t)
{
	for (size_t i = 0; i < COUNT(ftypes); i++)
		if (ftypes[i].type == t)
			return ftypes[i].fmt;
	return 0;
}

void hc_stat_from_local(const struct stat *st, hc_fstatus *out)
{
	memset(out, 0, sizeof(*out));
	out->type = hc_ftype_from_mode(st->st_mode);
	out->perm = st->st_mode & 07777;
	out->size = (u_quad_t)st->st_size;
	out->ino = st->st_ino;
	out->dev = st->st_dev;
	out->nlink = (u_int)st->st_nlink;
	out->uid = st->st_uid;
	out->gid = st->st_gid;
	out->atime_sec = st->st_atim.tv_sec;
	out->mtime_sec = st->st_mtim.tv_sec;
	out->ctime_sec = st->st_ctim.tv_sec;
	out->mtime_nsec = (u_int)st->st_mtim.tv_nsec;
}

void hc_stat_to_local(const hc_fstatus *in, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = hc_ftype_to_mode(in->type) | (in->perm & 07777);
	st->st_size = (off_t)in->size;
	st->st_ino = (ino_t)in->ino;
	st->st_dev = (dev_t)in->dev;
	st->st_nlink = in->nlink;
	st->st_uid = in->uid;
	st->st_gid = in->gid;
	st->st_atim.tv_sec = (time_t)in->atime_sec;
	st->st_mtim.tv_sec = (time_t)in->mtime_sec;
	st->st_mtim.tv_nsec = in->mtime_nsec;
	st->st_ctim.tv_sec = (time_t)in->ctime_sec;
}

void hc_attr_from_statx(const struct statx *stx, hc_attr *out)
{
	memset(out, 0, sizeof(*out));
	out->ino = stx->stx_ino;
	out->dev = makedev(stx->stx_dev_major, stx->stx_dev_minor);
	out->type = hc_ftype_from_mode(stx->stx_mode);
	out->perm = stx->stx_mode & 07777;
	out->nlink = stx->stx_nlink;
	out->uid = stx->stx_uid;
	out->gid = stx->stx_gid;
	out->rdev = makedev(stx->stx_rdev_major, stx->stx_rdev_minor);
	out->size = stx->stx_size;
	out->blocks = stx->stx_blocks;
	out->blksize = stx->stx_blksize;
	out->atime = (hc_timespec){ stx->stx_atime.tv_sec, stx->stx_atime.tv_nsec };
	out->mtime = (hc_timespec){ stx->stx_mtime.tv_sec, stx->stx_mtime.tv_nsec };
	out->ctime = (hc_timespec){ stx->stx_ctime.tv_sec, stx->stx_ctime.tv_nsec };
}

void hc_attr_to_stat(const hc_attr *in, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = (ino_t)in->ino;
	st->st_dev = (dev_t)in->dev;
	st->st_mode = hc_ftype_to_mode(in->type) | (in->perm & 07777);
	st->st_nlink = in->nlink;
	st->st_uid = in->uid;
	st->st_gid = in->gid;
	st->st_rdev = (dev_t)in->rdev;
	st->st_size = (off_t)in->size;
	st->st_blocks = (blkcnt_t)in->blocks;
	st->st_blksize = (blksize_t)in->blksize;
	st->st_atim = (struct timespec){ (time_t)in->atime.sec, (long)in->atime.nsec };
	st->st_mtim = (struct timespec){ (time_t)in->mtime.sec, (long)in->mtime.nsec };
	st->st_ctim = (struct timespec){ (time_t)in->ctime.sec, (long)in->ctime.nsec };
}
