/* inode.c: hostfs's inode table: one entry per host (dev, ino), holding its O_PATH handle and lookup count. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostfs.h"

/* The bucket of (@dev, @ino) among @n, a power of two. */
static size_t bucket_of(size_t n, uint64_t dev, uint64_t ino)
{
	uint64_t h = (dev * 0x9e3779b97f4a7c15ull) ^ (ino * 0xc2b2ae3d27d4eb4full);

	return (size_t)(h >> 17) & (n - 1);
}

struct hf_inode *hf_inode_of(fuse_ino_t nodeid)
{
	return nodeid == FUSE_ROOT_ID ? &hf.root : (struct hf_inode *)(uintptr_t)nodeid;
}

int hf_inode_handle(struct hostfs *f, struct hf_inode *in)
{
	if (!hf_live(f))
		return -EIO;
	return in->gen == f->gen ? in->handle : -ESTALE;
}

static int rehash(struct hostfs *f)
{
	size_t n = f->nbuckets ? f->nbuckets * 2 : 1024;
	struct hf_inode **b = calloc(n, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < f->nbuckets; i++) {
		for (struct hf_inode *in = f->buckets[i], *next; in; in = next) {
			size_t k = bucket_of(n, in->dev, in->ino);
			next = in->next;
			in->next = b[k];
			b[k] = in;
		}
	}
	free(f->buckets);
	f->buckets = b;
	f->nbuckets = n;
	return 0;
}

static struct hf_inode *find(struct hostfs *f, uint64_t dev, uint64_t ino)
{
	if (!f->nbuckets)
		return NULL;
	for (struct hf_inode *in = f->buckets[bucket_of(f->nbuckets, dev, ino)]; in; in = in->next)
		if (in->dev == dev && in->ino == ino)
			return in;
	return NULL;
}

fuse_ino_t hf_nodeid(const struct hostfs *f, const struct hf_inode *in)
{
	return in == &f->root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)in;
}

static void lru_unlink(struct hf_inode *in)
{
	if (in->older)
		in->older->newer = in->newer;
	if (in->newer)
		in->newer->older = in->older;
	in->older = in->newer = NULL;
}

/* @in was looked up now: it goes to the new end, and remembers where it was found. */
static void touch(struct hostfs *f, struct hf_inode *in, fuse_ino_t parent, const char *name)
{
	char *n;

	if (in == &f->root)
		return;
	if (!f->lru.newer)
		f->lru.newer = f->lru.older = &f->lru;
	lru_unlink(in);
	in->older = f->lru.older;
	in->newer = &f->lru;
	f->lru.older->newer = in;
	f->lru.older = in;
	if (name && (n = strdup(name))) {
		struct hf_inode *dir = hf_inode_of(parent);
		free(in->name);
		in->name = n;
		in->parent_dev = dir->dev;
		in->parent_ino = dir->ino;
	}
	if (f->count > f->opt.max_inodes)
		pthread_cond_signal(&f->reap);
}

/* A known inode: one handle is enough, so the new one goes (or replaces a stale one). */
static struct hf_inode *known(struct hostfs *f, struct hf_inode *in, const struct hc_fs_entry *e)
{
	if (in->gen == f->gen) {
		hf_drop(f, e->handle);
	} else {
		in->handle = e->handle;   /* looked up again after a reconnect: live again */
		in->gen = f->gen;
	}
	in->nlookup++;
	in->type = e->st.st_mode & S_IFMT;
	return in;
}

/* Put @in into the table. Returns: 0 or -ENOMEM. */
static int insert(struct hostfs *f, struct hf_inode *in)
{
	size_t k;

	if (f->count + 1 > f->nbuckets * 2 && rehash(f) != 0)
		return -ENOMEM;
	k = bucket_of(f->nbuckets, in->dev, in->ino);
	in->next = f->buckets[k];
	f->buckets[k] = in;
	f->count++;
	return 0;
}

int hf_inode_set_root(struct hostfs *f, const struct hc_fs_entry *e)
{
	struct hf_inode *r = &f->root;
	int fresh = r->gen == 0 && r->nlookup == 0;

	if (!fresh && (r->dev != (uint64_t)e->st.st_dev || r->ino != (uint64_t)e->st.st_ino))
		return -ESTALE;   /* the root is another directory now */
	r->dev = e->st.st_dev;
	r->ino = e->st.st_ino;
	r->handle = e->handle;
	r->gen = f->gen;
	r->nlookup = 1;
	r->type = S_IFDIR;
	return fresh ? insert(f, r) : 0;
}

struct hf_inode *hf_inode_add(struct hostfs *f, const struct hc_fs_entry *e, fuse_ino_t parent,
			      const char *name)
{
	struct hf_inode *in = find(f, e->st.st_dev, e->st.st_ino);

	if (in) {
		touch(f, in, parent, name);
		return known(f, in, e);
	}
	if (!(in = calloc(1, sizeof(*in)))) {
		hf_drop(f, e->handle);
		return NULL;
	}
	in->dev = e->st.st_dev;
	in->ino = e->st.st_ino;
	if (insert(f, in) != 0) {
		free(in);
		hf_drop(f, e->handle);
		return NULL;
	}
	touch(f, in, parent, name);
	in->handle = e->handle;
	in->gen = f->gen;
	in->nlookup = 1;
	in->type = e->st.st_mode & S_IFMT;
	return in;
}

static void unlink_inode(struct hostfs *f, struct hf_inode *in)
{
	struct hf_inode **p = &f->buckets[bucket_of(f->nbuckets, in->dev, in->ino)];

	while (*p && *p != in)
		p = &(*p)->next;
	if (*p)
		*p = in->next;
	f->count--;
}

void hf_inode_forget(struct hostfs *f, struct hf_inode *in, uint64_t n)
{
	if (in == &f->root)
		return;
	in->nlookup = n >= in->nlookup ? 0 : in->nlookup - n;
	if (in->nlookup)
		return;
	if (in->gen == f->gen)
		hf_drop(f, in->handle);
	unlink_inode(f, in);
	lru_unlink(in);
	free(in->name);
	free(in);
}

void hf_inode_free_all(struct hostfs *f)
{
	for (size_t i = 0; i < f->nbuckets; i++) {
		for (struct hf_inode *in = f->buckets[i], *next; in; in = next) {
			next = in->next;
			if (in != &f->root) {
				free(in->name);
				free(in);
			}
		}
	}
	free(f->buckets);
	f->buckets = NULL;
	f->nbuckets = f->count = 0;
}

#define REAP_BATCH 512

struct reap_item {
	uint64_t parent_dev, parent_ino;
	char *name;
};

/* The oldest inodes beyond the bound, as (parent, name) copies (hf.lock held). Returns: how many. */
static int reap_pick(struct hostfs *f, struct reap_item *items)
{
	size_t over = f->count > f->opt.max_inodes ? f->count - f->opt.max_inodes : 0;
	int n = 0;

	struct hf_inode *in = f->lru.newer, *next;
	int seen = 0;

	if (over)
		over += f->opt.max_inodes / 8;   /* below the bound again, by a margin */
	for (; in && in != &f->lru && n < REAP_BATCH && (size_t)seen < over; in = next, seen++) {
		next = in->newer;
		if (in->name && (items[n].name = strdup(in->name))) {
			items[n].parent_dev = in->parent_dev;
			items[n++].parent_ino = in->parent_ino;
		}
		touch(f, in, 0, NULL);   /* to the new end: one the kernel keeps (in use) does not stall the rest */
	}
	return n;
}

/* Ask the kernel to drop one name, if its directory is still one the kernel knows. */
static void reap_one(struct hostfs *f, const struct reap_item *it)
{
	struct hf_inode *dir;
	fuse_ino_t parent = 0;

	pthread_mutex_lock(&f->lock);
	if ((dir = find(f, it->parent_dev, it->parent_ino)) && S_ISDIR(dir->type))
		parent = hf_nodeid(f, dir);
	pthread_mutex_unlock(&f->lock);
	if (parent)
		fuse_lowlevel_notify_inval_entry(f->se, parent, it->name, strlen(it->name));
}

/* Wait on f->reap until woken, @wait_ns from now (-1: no bound) or the dropped batch is due. */
static void reaper_wait(struct hostfs *f, int64_t wait_ns)
{
	int64_t until = wait_ns < 0 ? 0 : hf_now_ns() + wait_ns;
	struct timespec ts;

	if (f->drop_due && (!until || f->drop_due < until))
		until = f->drop_due;
	if (!until) {
		pthread_cond_wait(&f->reap, &f->lock);
		return;
	}
	ts.tv_sec = until / 1000000000;
	ts.tv_nsec = until % 1000000000;
	pthread_cond_timedwait(&f->reap, &f->lock, &ts);
}

void *hf_reaper(void *arg)
{
	struct hostfs *f = arg;
	struct reap_item items[REAP_BATCH];

	pthread_mutex_lock(&f->lock);
	while (!f->stopping) {
		int n;
		if (f->drop_due && hf_now_ns() >= f->drop_due)
			hf_flush_dropped(f);
		if ((n = reap_pick(f, items)) == 0) {
			reaper_wait(f, -1);
			continue;
		}
		pthread_mutex_unlock(&f->lock);
		for (int i = 0; i < n; i++) {
			reap_one(f, &items[i]);
			free(items[i].name);
		}
		pthread_mutex_lock(&f->lock);
		if (f->count > f->opt.max_inodes)   /* the kernel forgets at its own pace */
			reaper_wait(f, 1000000000);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}
