/* options.c: the options of a builtin, scanned as dash's nextopt does. */
#include <string.h>

#include "builtins.h"

int builtin_options(struct shell *sh, char **argv, const char *letters, char *seen, size_t max)
{
	size_t n = 0;
	int i = 1;

	for (; argv[i] && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		for (const char *c = argv[i] + 1; *c; c++) {
			if (!strchr(letters, *c)) {
				sh_error(sh, "%s: Illegal option -%c", argv[0], *c);
				return -1;
			}
			if (n + 1 < max)
				seen[n++] = *c;
		}
	}
	seen[n] = '\0';
	return i;
}
