/* arena.h: a bump allocator for parse trees, freed all at once (dash's stalloc, simplified). */
#ifndef DOSH_ARENA_H
#define DOSH_ARENA_H

#include <stddef.h>

struct arena;

/* arena_new - an empty arena. Returns: it, or NULL without memory. */
struct arena *arena_new(void);
/* arena_alloc - @n zeroed bytes that live until arena_free(). Aborts without memory. */
void *arena_alloc(struct arena *a, size_t n);
/* arena_strndup - a copy of @n bytes of @s, NUL-terminated. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* arena_alloc_raw - @n bytes, not zeroed, that live until arena_free() or arena_release(). */
void *arena_alloc_raw(struct arena *a, size_t n);

/* Where an arena's allocations stand, to go back to. */
struct arena_mark {
	void *chunk;
	size_t used;
};

/* arena_mark - the point that arena_release(@a, mark) returns @a to. */
struct arena_mark arena_mark(struct arena *a);
/* arena_release - free what @a allocated since @m (marks are released last taken, first). */
void arena_release(struct arena *a, struct arena_mark m);
/* arena_free - release everything allocated from @a, and @a. */
void arena_free(struct arena *a);

#endif
