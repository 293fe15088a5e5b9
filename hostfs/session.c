/* session.c: hostfs's one session with hostcalld: connecting, the root, losing it and reconnecting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostfs.h"

#define DROP_BATCH 256
#define DROP_DELAY_NS 20000000   /* handles let go wait this long for others to go with them */
#define PROBE_TIMEOUT_MS 1000   /* is a session that gave a transport error still there? */

static int connect_root(struct hostfs *f, struct hc_session *s)
{
	struct hc_fs_entry e;
	int r = hc_fs_lookup(s, HC_AT_CWD_HANDLE, f->opt.root, &e);

	if (r != 0)
		return r;
	if (!S_ISDIR(e.st.st_mode)) {
		hc_close(s, e.handle);
		return -ENOTDIR;
	}
	return hf_inode_set_root(f, &e);
}

int hf_connect(struct hostfs *f)
{
	struct hc_session *s;
	int r = hc_connect(f->opt.url, f->opt.key, &s);

	if (r != 0)
		return r;
	hc_set_timeout(s, (int)(f->opt.timeout * 1000));
	f->gen++;
	f->ndropped = 0;   /* handles of a lost session are nobody's now */
	if (f->opt.pipes && (r = hp_pipe_dir(s, f->pipe_dir, sizeof(f->pipe_dir))) == 0)
		f->opt.root = f->pipe_dir;
	if (r != 0 || (r = connect_root(f, s)) != 0) {
		hc_disconnect(s);
		return r;
	}
	f->s = s;
	return 0;
}

struct hc_session *hf_live(struct hostfs *f)
{
	if (!f->s && hf_connect(f) == 0)
		fprintf(stderr, "hostfs: reconnected to %s; files opened before are stale\n",
			f->opt.url);
	return f->s;
}

/*
 * Whether the session still answers: the host's own answer to an operation may be
 * ETIMEDOUT or EPIPE too (a soft NFS mount, a pipe), which is not a lost session.
 */
static int still_answers(struct hostfs *f)
{
	int ms = f->opt.timeout < 1 ? (int)(f->opt.timeout * 1000) : PROBE_TIMEOUT_MS, r;

	hc_set_timeout(f->s, ms);
	r = hc_null(f->s);
	hc_set_timeout(f->s, (int)(f->opt.timeout * 1000));
	return r == 0;
}

int hf_check(struct hostfs *f, int r)
{
	if (r != -ECONNRESET && r != -ETIMEDOUT && r != -EPIPE && r != -ECONNREFUSED)
		return r;
	if (f->s && still_answers(f))
		return r;
	if (f->s) {
		fprintf(stderr, "hostfs: lost the session with %s: %s\n", f->opt.url, strerror(-r));
		hc_disconnect(f->s);
		f->s = NULL;
	}
	return -EIO;
}

/*
 * Sent when the batch is full, at each release and at each forget from the
 * kernel, so that what the guest let go (an unlinked file's space, a lock)
 * goes on the host at once; the handles a lookup found twice wait for that,
 * each one call fewer. Not hf_check'd: its
 * caller holds a handle of this session and goes on to use it; should the
 * session be lost, that next call says so.
 */
void hf_flush_dropped(struct hostfs *f)
{
	if (f->ndropped && f->s)
		hc_fs_forget(f->s, f->dropped, f->ndropped);
	f->ndropped = 0;
	f->drop_due = 0;
}

/*
 * A program closing one file after another (tar x) would otherwise wait behind
 * one FORGET per file; a batch every few ms costs it nearly nothing.
 */
void hf_flush_dropped_soon(struct hostfs *f)
{
	if (!f->ndropped || f->drop_due)
		return;
	f->drop_due = hf_now_ns() + DROP_DELAY_NS;
	pthread_cond_signal(&f->reap);
}

int hf_space_back(struct hostfs *f, long r)
{
	if ((r != -ENOSPC && r != -EDQUOT) || !f->ndropped)
		return 0;
	hf_flush_dropped(f);
	return 1;
}

int64_t hf_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

void hf_drop(struct hostfs *f, hc_handle_t h)
{
	if (!f->dropped && !(f->dropped = calloc(DROP_BATCH, sizeof(*f->dropped))))
		return;   /* the handle stays open in the shadow until the session ends */
	f->dropped[f->ndropped++] = h;
	if (f->ndropped == DROP_BATCH)
		hf_flush_dropped(f);
}

uint64_t hf_fh_of(const struct hostfs *f, hc_handle_t h)
{
	return (uint64_t)f->gen << 32 | (uint32_t)h;
}

hc_handle_t hf_fh_handle(const struct hostfs *f, uint64_t fh)
{
	return (unsigned)(fh >> 32) == f->gen ? (hc_handle_t)(uint32_t)fh : -ESTALE;
}
