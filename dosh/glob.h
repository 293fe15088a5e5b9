/* glob.h: pathname expansion over any directory lister: the guest's, or the host's through a session. */
#ifndef DOSH_GLOB_H
#define DOSH_GLOB_H

/*
 * A directory lister: the names in @dir ("" for the current directory),
 * without "." and "..", as a malloc'd NULL-terminated array.
 * Returns: the count, or -errno.
 */
typedef int (*glob_lister)(void *ctx, const char *dir, char ***names);

/*
 * glob_has_magic - whether @pattern has an unescaped * or ?, or a [ that a ] closes before
 * the next '/': only then is it a pattern (an unmatched [ is an ordinary character).
 */
int glob_has_magic(const char *pattern);

/*
 * glob_match - whether @pattern matches all of @s, as dash's pmatch: * ? [set] [!set]
 * [[:class:]], a backslash quotes the next character, a [ that no ] closes is literal.
 * No special case for '/' or a leading '.': the caller decides those.
 */
int glob_match(const char *pattern, const char *s);

/*
 * glob_expand - the paths matching @pattern (backslash escapes honoured),
 * sorted, appended to *@out (malloc'd strings, *@n counts them).
 * Returns: how many matched (0: none), or -ENOMEM.
 */
int glob_expand(const char *pattern, glob_lister list, void *ctx, char ***out, int *n);

/* glob_unescape - @pattern without its backslash escapes, malloc'd. */
char *glob_unescape(const char *pattern);

/* glob_list_local - the lister for the guest's own file system. */
int glob_list_local(void *ctx, const char *dir, char ***names);

#endif
