/* lexer.h: the tokens of a .hci file. */
#ifndef HCGEN_LEXER_H
#define HCGEN_LEXER_H

#include <stdint.h>

enum tok_kind { TOK_EOF, TOK_IDENT, TOK_NUMBER, TOK_STRING, TOK_PUNCT, TOK_BAD };

struct token {
	enum tok_kind kind;
	char text[256];     /* the identifier, the string's contents, the punctuation */
	uint64_t value;     /* TOK_NUMBER, suffix applied */
	int overflow;       /* TOK_NUMBER: did not fit 64 bits */
	int line;
};

struct lexer {
	const char *src, *p;
	int line;
};

/* lex_init - start reading @src (NUL-terminated, kept by the caller). */
void lex_init(struct lexer *lx, const char *src);
/* lex_next - the next token into @t; TOK_BAD with a message in t->text on an error. */
void lex_next(struct lexer *lx, struct token *t);

#endif
