/* errmap.h: mapping between protocol codes (errors, signals, flags, file types) and local ones. */
#ifndef HC_ERRMAP_H
#define HC_ERRMAP_H

#include <sys/stat.h>

#include "rpc/hostcall.h"

/* hc_err_from_errno - the protocol code for a local errno (HC_EUNKNOWN if none). */
hc_err hc_err_from_errno(int e);
/* hc_err_from_neg - the protocol code for a 0-or-negative-errno result. */
static inline hc_err hc_err_from_neg(int negerr)
{
	return hc_err_from_errno(-negerr);
}
/* hc_err_to_errno - the local errno for a protocol code (EIO if none; 0 for HC_OK). */
int hc_err_to_errno(hc_err e);
/* hc_signal_from_local / hc_signal_to_local - signal numbers; -1 when unmapped. */
int hc_signal_from_local(int sig);
int hc_signal_to_local(int hsig);
/* hc_oflags_to_local / hc_oflags_from_local - open flags; -1 for bits with no mapping. */
int hc_oflags_to_local(int hflags);
int hc_oflags_from_local(int flags);
/* hc_stat_from_local / hc_stat_to_local - file status. */
void hc_stat_from_local(const struct stat *st, hc_fstatus *out);
void hc_stat_to_local(const hc_fstatus *in, struct stat *st);
/* hc_attr_from_statx / hc_attr_to_stat - the file system's attributes (hc_attr), statx-level. */
void hc_attr_from_statx(const struct statx *stx, hc_attr *out);
void hc_attr_to_stat(const hc_attr *in, struct stat *st);
/* hc_ftype_to_mode - the S_IFMT bits of a protocol file type (0 for HC_FT_UNKNOWN). */
mode_t hc_ftype_to_mode(hc_ftype t);
/* hc_ftype_from_mode - the protocol file type of a st_mode. */
hc_ftype hc_ftype_from_mode(mode_t mode);

#endif
