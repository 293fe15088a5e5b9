/* lexer.c: splits a .hci file into identifiers, numbers (with K/M suffixes), strings and punctuation. */
#include "lexer.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void lex_init(struct lexer *lx, const char *src)
{
	lx->src = src;
	lx->p = src;
	lx->line = 1;
}

/* skip_block_comment - past the closing star-slash. Returns: 0, or -1 if it never closes. */
static int skip_block_comment(struct lexer *lx)
{
	for (lx->p += 2; *lx->p; lx->p++) {
		if (*lx->p == '\n')
			lx->line++;
		else if (lx->p[0] == '*' && lx->p[1] == '/') {
			lx->p += 2;
			return 0;
		}
	}
	return -1;
}

/* skip_space - past blanks and comments. Returns: 0, or -1 on an unclosed comment. */
static int skip_space(struct lexer *lx)
{
	for (;;) {
		if (*lx->p == '\n') {
			lx->line++;
			lx->p++;
		} else if (isspace((unsigned char)*lx->p)) {
			lx->p++;
		} else if (lx->p[0] == '/' && lx->p[1] == '/') {
			while (*lx->p && *lx->p != '\n')
				lx->p++;
		} else if (lx->p[0] == '/' && lx->p[1] == '*') {
			int line = lx->line;

			if (skip_block_comment(lx) < 0) {
				lx->line = line;
				return -1;
			}
		} else {
			return 0;
		}
	}
}

static void bad(struct token *t, const char *msg)
{
	t->kind = TOK_BAD;
	snprintf(t->text, sizeof t->text, "%s", msg);
}

static void lex_ident(struct lexer *lx, struct token *t)
{
	size_t n = 0;

	while (isalnum((unsigned char)*lx->p) || *lx->p == '_') {
		if (n + 1 < sizeof t->text)
			t->text[n++] = *lx->p;
		lx->p++;
	}
	t->text[n] = '\0';
	t->kind = n + 1 < sizeof t->text ? TOK_IDENT : TOK_BAD;
	if (t->kind == TOK_BAD)
		bad(t, "identifier too long");
}

/* add_digit - @v = @v * @base + @d, noting overflow. */
static void add_digit(struct token *t, unsigned base, unsigned d)
{
	if (t->value > (UINT64_MAX - d) / base)
		t->overflow = 1;
	t->value = t->value * base + d;
}

static void lex_number(struct lexer *lx, struct token *t)
{
	unsigned base = 10, shift = 0;

	t->kind = TOK_NUMBER;
	t->value = 0;
	t->overflow = 0;
	if (lx->p[0] == '0' && (lx->p[1] == 'x' || lx->p[1] == 'X') && isxdigit((unsigned char)lx->p[2])) {
		base = 16;
		lx->p += 2;
	}
	for (; isxdigit((unsigned char)*lx->p); lx->p++) {
		int c = tolower((unsigned char)*lx->p);
		unsigned d = isdigit(c) ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);

		if (d >= base)
			break;
		add_digit(t, base, d);
	}
	if (*lx->p == 'K' || *lx->p == 'M') {
		shift = *lx->p == 'K' ? 10 : 20;
		lx->p++;
	}
	if (shift && t->value > (UINT64_MAX >> shift))
		t->overflow = 1;
	t->value <<= shift;
	if (isalnum((unsigned char)*lx->p) || *lx->p == '_')
		bad(t, "malformed number");
}

static void lex_string(struct lexer *lx, struct token *t)
{
	size_t n = 0;

	for (lx->p++; *lx->p && *lx->p != '"' && *lx->p != '\n'; lx->p++) {
		if (*lx->p == '\\' || n + 1 >= sizeof t->text) {
			bad(t, *lx->p == '\\' ? "escapes are not allowed in strings" : "string too long");
			return;
		}
		t->text[n++] = *lx->p;
	}
	if (*lx->p != '"') {
		bad(t, "unterminated string");
		return;
	}
	lx->p++;
	t->text[n] = '\0';
	t->kind = TOK_STRING;
}

void lex_next(struct lexer *lx, struct token *t)
{
	int r = skip_space(lx);

	t->line = lx->line;
	t->text[0] = '\0';
	if (r < 0) {
		bad(t, "unterminated comment");
	} else if (*lx->p == '\0') {
		t->kind = TOK_EOF;
	} else if (isalpha((unsigned char)*lx->p) || *lx->p == '_') {
		lex_ident(lx, t);
	} else if (isdigit((unsigned char)*lx->p)) {
		lex_number(lx, t);
	} else if (*lx->p == '"') {
		lex_string(lx, t);
	} else if (strchr(";{}[](),=*.-", *lx->p)) {
		t->kind = TOK_PUNCT;
		t->text[0] = *lx->p++;
		t->text[1] = '\0';
	} else {
		snprintf(t->text, sizeof t->text, "unexpected character '%c'", *lx->p);
		t->kind = TOK_BAD;
	}
}
