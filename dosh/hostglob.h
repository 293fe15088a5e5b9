/* hostglob.h: pathname expansion on the host, in the host cwd, through the session. */
#ifndef DOSH_HOSTGLOB_H
#define DOSH_HOSTGLOB_H

struct shell;

/* hostglob_expand - as glob_expand(), listing host directories. Returns: matches or -errno. */
int hostglob_expand(struct shell *sh, const char *pattern, char ***out, int *n);

#endif
