/* fuzz_parser.c: libFuzzer target: any text through dosh's lexer and parser, never executed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static const char *no_alias(const char *name)
{
	return strcmp(name, "ll") == 0 ? "ls -l " : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct arena *a = arena_new();
	struct parser *p;
	struct node *n;
	int rounds = 0;

	memcpy(text, data, size);
	text[size] = '\0';
	p = parser_new(a, text, no_alias);
	while (parse_next(p, &n) == PARSE_OK && ++rounds < 10000)
		;
	parser_free(p);
	arena_free(a);
	free(text);
	return 0;
}
