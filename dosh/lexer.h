/* lexer.h: the lexer's state and tokens, shared by the lexer and the parser only. */
#ifndef DOSH_LEXER_H
#define DOSH_LEXER_H

#include <setjmp.h>
#include <stddef.h>

enum token {
	T_EOF, T_NEWLINE, T_WORD, T_IONUMBER, T_SEMI, T_AMP, T_PIPE, T_AND_IF, T_OR_IF,
	T_DSEMI, T_LPAREN, T_RPAREN, T_LESS, T_GREAT, T_DGREAT, T_LESSAND, T_GREATAND,
	T_LESSGREAT, T_DLESS, T_DLESSDASH, T_CLOBBER
};

#define LEX_WORD_MAX (64u << 20)   /* a word or here-document body, at most */
#define LEX_NEST_MAX 200           /* $( and $(( inside each other, at most */
#define LEX_PUSH_MAX 16
#define LEX_HEREDOC_MAX 16

struct lex_push {
	const char *s;
	size_t pos;
	const char *name;
};

/* A here-document waiting for the end of its line; store() receives its body. */
struct lex_heredoc {
	char delim[256];
	int strip_tabs;
	int quoted;             /* the delimiter was quoted: no line continuation in the body */
	void (*store)(void *ctx, const char *body, size_t len);
	void *ctx;
};

/* What the parser says of the text of a $(...): complete, cut short, or wrong. */
enum { LEX_SUBST_OK, LEX_SUBST_INCOMPLETE, LEX_SUBST_ERROR };

struct lexer {
	const char *text;
	size_t pos, len;
	int lineno;
	struct lex_push stack[LEX_PUSH_MAX];
	int depth;
	char *word;             /* the word being read, grown as needed (lexer_free frees it) */
	size_t wlen, wcap;
	int quoted;             /* the last word had quoting in it */
	int toolong;
	int nest;               /* $( and $(( being scanned inside each other */
	struct lex_heredoc heredoc[LEX_HEREDOC_MAX];
	int nheredoc;
	int alias_blank;        /* this token follows an alias whose text ended in a blank */
	int eofmark;            /* the next word is a here-document delimiter: "$(" ends it */
	int eof_incomplete;     /* more input may follow: a body cut by the end asks for it */
	/* parse the text of a $(...) (LEX_SUBST_*; an error's message in subst_msg), or NULL */
	int (*check_subst)(struct lexer *lx, const char *text, size_t len);
	void *check_ctx;
	int subst_depth;        /* inside this many $( being scanned */
	int in_dquote;          /* inside this many "..." being scanned */
	char subst_msg[300];
	jmp_buf *fail;          /* where errors go */
	int fail_incomplete;
	char fail_msg[200];
};

/* lexer_next - the next token; a word is in lx->word. Errors longjmp to lx->fail. */
int lexer_next(struct lexer *lx);
/* lexer_add_heredoc - read @h's body after the next newline. Returns: 0 or -1 (too many). */
int lexer_add_heredoc(struct lexer *lx, const struct lex_heredoc *h);
/* lexer_subst_end - from just after "$(" at lx->pos: the offset just after its ")" (or len). */
size_t lexer_subst_end(struct lexer *lx);
/* lexer_free - release the word buffer. */
void lexer_free(struct lexer *lx);
/* lexer_heredoc_delim - @raw without its quotes into @out; *@quoted: had some (may be NULL). */
void lexer_heredoc_delim(const char *raw, char *out, size_t max, int *quoted);
/* lexer_push_alias - read @text before the rest of the input. Returns: 0 or -1 (too deep). */
int lexer_push_alias(struct lexer *lx, const char *name, const char *text);
/* lexer_alias_active - whether alias @name is being read (no recursion). */
int lexer_alias_active(const struct lexer *lx, const char *name);
/* lex_fail - stop with @msg; @more: the input ended early (more may complete it). */
_Noreturn void lex_fail(struct lexer *lx, int more, const char *msg);

#endif
