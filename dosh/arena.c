/* arena.c: a bump allocator in growing chunks; everything goes at once with arena_free(), or
 * back to a mark with arena_release() (expansion's scratch space, as dash's stack marks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHUNK_MIN 8192

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
	struct chunk *spare;    /* the last chunk released, kept so a loop does not malloc */
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

static void *oom(void)
{
	fputs("dosh: out of memory\n", stderr);
	abort();
}

/* A chunk for @n bytes: the spare if it is big enough, else a new one. */
static struct chunk *chunk_for(struct arena *a, size_t n)
{
	size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
	struct chunk *c = a->spare;

	if (c && c->size >= n) {
		a->spare = NULL;
	} else if (!(c = malloc(sizeof(*c) + size))) {
		return oom();
	} else {
		c->size = size;
	}
	c->used = 0;
	c->next = a->head;
	a->head = c;
	return c;
}

void *arena_alloc_raw(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!c || c->size - c->used < n)
		c = chunk_for(a, n);
	p = c->data + c->used;
	c->used += n;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = arena_alloc_raw(a, n);

	memset(p, 0, n);
	return p;
}

struct arena_mark arena_mark(struct arena *a)
{
	return (struct arena_mark){ a->head, a->head ? a->head->used : 0 };
}

void arena_release(struct arena *a, struct arena_mark m)
{
	while (a->head != m.chunk) {
		struct chunk *c = a->head;
		a->head = c->next;
		if (a->spare && a->spare->size >= c->size) {
			free(c);
		} else {
			free(a->spare);
			a->spare = c;
		}
	}
	if (m.chunk)
		((struct chunk *)m.chunk)->used = m.used;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a->spare);
	free(a);
}
