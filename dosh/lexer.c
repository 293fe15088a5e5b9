/* lexer.c: dosh's tokens: words kept raw (quotes and all), operators, newlines and here-documents. */
#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

/* ---- characters, with alias text pushed in front of the input ---- */

/* The input text's character @skip places past pos; -1 past its end. */
static inline int text_char(const struct lexer *lx, size_t skip)
{
	return lx->pos + skip < lx->len ? (unsigned char)lx->text[lx->pos + skip] : -1;
}

/*
 * Alias text read to its end stays on the stack, as in dash, until the next token
 * starts (pop_spent_aliases): the word that ended it is still "inside" the alias,
 * so "alias a=b b=a" stops instead of looping. Reading looks through spent frames.
 */
static int char_ahead_pushed(const struct lexer *lx, size_t skip)
{
	for (int i = lx->depth - 1; i >= 0; i--) {
		for (const char *r = lx->stack[i].s + lx->stack[i].pos; *r; r++)
			if (skip-- == 0)
				return (unsigned char)*r;
	}
	return text_char(lx, skip);
}

/* The character @skip places ahead; -1 past the end. No alias pushed is the common case. */
static inline int char_ahead(const struct lexer *lx, size_t skip)
{
	return lx->depth > 0 ? char_ahead_pushed(lx, skip) : text_char(lx, skip);
}

static int peekc(struct lexer *lx)
{
	return char_ahead(lx, 0);
}

/* The character after the next one. */
static int peekc2(struct lexer *lx)
{
	return char_ahead(lx, 1);
}

static int getc_lx(struct lexer *lx)
{
	int c = peekc(lx);

	if (c < 0)
		return c;
	for (int i = lx->depth - 1; i >= 0; i--) {
		if (lx->stack[i].s[lx->stack[i].pos]) {
			lx->stack[i].pos++;
			return c;
		}
	}
	lx->pos++;
	if (c == '\n')
		lx->lineno++;
	return c;
}

/* Drop the alias frames read to their end; one ending in a blank: the next word may be one too. */
static void pop_spent_aliases(struct lexer *lx)
{
	lx->alias_blank = 0;
	while (lx->depth > 0) {
		const struct lex_push *t = &lx->stack[lx->depth - 1];
		size_t n = strlen(t->s);
		if (t->s[t->pos])
			return;
		if (n > 0 && (t->s[n - 1] == ' ' || t->s[n - 1] == '\t'))
			lx->alias_blank = 1;
		lx->depth--;
	}
}

int lexer_push_alias(struct lexer *lx, const char *name, const char *text)
{
	if (lx->depth == LEX_PUSH_MAX)
		return -1;
	lx->stack[lx->depth].s = text;
	lx->stack[lx->depth].pos = 0;
	lx->stack[lx->depth].name = name;
	lx->depth++;
	return 0;
}

int lexer_alias_active(const struct lexer *lx, const char *name)
{
	for (int i = 0; i < lx->depth; i++)
		if (strcmp(lx->stack[i].name, name) == 0)
			return 1;
	return 0;
}

/* ---- the word buffer ---- */

/* Room for one more character and a NUL, or toolong set at the bound. */
static int grow(struct lexer *lx)
{
	size_t cap = lx->wcap ? lx->wcap * 2 : 256;
	char *w;

	if (cap > LEX_WORD_MAX) {
		lx->toolong = 1;
		return -1;
	}
	if (!(w = realloc(lx->word, cap)))
		abort();
	lx->word = w;
	lx->wcap = cap;
	return 0;
}

static inline void put(struct lexer *lx, int c)
{
	if (lx->wlen + 1 >= lx->wcap && grow(lx) != 0)
		return;
	lx->word[lx->wlen++] = (char)c;
}

/* End the word with a NUL (put() always leaves room for one). */
static void terminate(struct lexer *lx)
{
	if (!lx->word) {
		put(lx, '\0');
		lx->wlen = 0;
	}
	lx->word[lx->wlen] = '\0';
}

void lexer_free(struct lexer *lx)
{
	free(lx->word);
	lx->word = NULL;
	lx->wcap = 0;
}

/* A backslash and the character it escapes (none at the end of input). */
static void put_escape(struct lexer *lx)
{
	put(lx, getc_lx(lx));
	if (peekc(lx) >= 0)
		put(lx, getc_lx(lx));
}

static void incomplete(struct lexer *lx, const char *what)
{
	lex_fail(lx, 1, what);
}

/* ---- quoted parts, copied raw ---- */

static void scan_single(struct lexer *lx)
{
	int c;

	put(lx, getc_lx(lx));
	while ((c = getc_lx(lx)) != '\'') {
		if (c < 0)
			incomplete(lx, "Unterminated quoted string");
		put(lx, c);
	}
	put(lx, c);
}

static void scan_dollar(struct lexer *lx);
static void scan_subst(struct lexer *lx);
static inline int is_meta(int c);
static void scan_backquote(struct lexer *lx);

static void scan_double(struct lexer *lx)
{
	int c;

	put(lx, getc_lx(lx));
	lx->in_dquote++;
	for (;;) {
		c = peekc(lx);
		if (c < 0)
			incomplete(lx, "Unterminated quoted string");
		if (c == '"')
			break;
		if (c == '\\') {
			put(lx, getc_lx(lx));
			if ((c = getc_lx(lx)) < 0)
				incomplete(lx, "Unterminated quoted string");
			put(lx, c);
		} else if (c == '$') {
			scan_dollar(lx);
		} else if (c == '`') {
			scan_backquote(lx);
		} else {
			put(lx, getc_lx(lx));
		}
	}
	lx->in_dquote--;
	put(lx, getc_lx(lx));
}

/* The commands of `...` as they will run: \$ \` \\ (and \" in double quotes) unescaped. */
static char *backquote_text(const char *s, size_t n, int in_dquote)
{
	char *t = malloc(n + 1);
	size_t k = 0;

	if (!t)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n &&
		    (strchr("$`\\", s[i + 1]) || (in_dquote && s[i + 1] == '"')))
			i++;
		t[k++] = s[i];
	}
	t[k] = '\0';
	return t;
}

/* `...`, parsed now as dash does: a syntax error or an unfinished command inside is the line's. */
static void check_backquote(struct lexer *lx, size_t open)
{
	char *text;
	int r;

	if (!lx->check_subst || lx->subst_depth > 0 || lx->toolong)
		return;   /* a word cut short (toolong) is an error at its end */
	text = backquote_text(lx->word + open, lx->wlen - 1 - open, lx->in_dquote > 0);
	r = lx->check_subst(lx, text, strlen(text));
	free(text);
	if (r == LEX_SUBST_INCOMPLETE)
		lex_fail(lx, 0, "EOF in backquote substitution");
	if (r == LEX_SUBST_ERROR)
		lex_fail(lx, 0, lx->subst_msg);
}

static void scan_backquote(struct lexer *lx)
{
	size_t open;
	int c;

	put(lx, getc_lx(lx));
	open = lx->wlen;
	while ((c = getc_lx(lx)) != '`') {
		if (c < 0)
			incomplete(lx, "EOF in backquote substitution");
		put(lx, c);
		if (c == '\\') {
			if ((c = getc_lx(lx)) < 0)
				incomplete(lx, "EOF in backquote substitution");
			put(lx, c);
		}
	}
	put(lx, c);
	check_backquote(lx, open);
}

/* Whether a line ends in an unescaped backslash. */
static int ends_in_backslash(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[n - 1 - k] == '\\')
		k++;
	return k % 2 == 1;
}

/* A here-document begun inside $(...): its body, copied raw, follows the end of its line. */
struct sub_heredoc {
	char delim[256];
	int strip_tabs;
	int quoted;
	int continued;          /* the last line ended in a backslash: this one is no delimiter */
};

/* "<<word" inside $(...): copy the operator and the word, remember the delimiter. */
static void scan_sub_heredoc_op(struct lexer *lx, struct sub_heredoc *h)
{
	size_t start;
	int c;

	put(lx, getc_lx(lx));
	put(lx, getc_lx(lx));
	h->strip_tabs = peekc(lx) == '-';
	if (h->strip_tabs)
		put(lx, getc_lx(lx));
	while ((c = peekc(lx)) == ' ' || c == '\t')
		put(lx, getc_lx(lx));
	start = lx->wlen;
	while ((c = peekc(lx)) >= 0 && !is_meta(c)) {
		if (c == '\'')
			scan_single(lx);
		else if (c == '"')
			scan_double(lx);
		else if (c == '\\')
			put_escape(lx);
		else
			put(lx, getc_lx(lx));
	}
	terminate(lx);
	lexer_heredoc_delim(lx->word + start, h->delim, sizeof(h->delim), &h->quoted);
	h->continued = 0;
}

/* One line of a here-document body inside $(...), copied with its newline. Returns: it ends it. */
static int copy_sub_heredoc_line(struct lexer *lx, struct sub_heredoc *h)
{
	size_t start;
	int c, done;

	if (h->strip_tabs)
		while (peekc(lx) == '\t')
			put(lx, getc_lx(lx));
	start = lx->wlen;
	while ((c = peekc(lx)) >= 0 && c != '\n')
		put(lx, getc_lx(lx));
	terminate(lx);
	done = c < 0 || (!h->continued && strcmp(lx->word + start, h->delim) == 0);
	h->continued = !h->quoted && ends_in_backslash(lx->word + start, lx->wlen - start);
	if (c == '\n')
		put(lx, getc_lx(lx));
	return done;
}

/* Whether a '#' just read by scan_parens starts a comment: at the start of a word. */
static int starts_comment(const struct lexer *lx, size_t open)
{
	int prev = lx->wlen > open ? lx->word[lx->wlen - 1] : '(';

	return prev == ' ' || prev == '\t' || prev == '\n' || prev == ';' || prev == '(' ||
	       prev == '|' || prev == '&';
}

/*
 * $( ... ) and $(( ... )): balanced parentheses, quotes respected. In a command
 * substitution (not @arith) here-document bodies and comments are copied whole,
 * so that a quote or parenthesis in them does not count.
 */
static void scan_parens(struct lexer *lx, const char *what, int arith)
{
	struct sub_heredoc docs[LEX_HEREDOC_MAX];
	int depth = 1, c, ndocs = 0;
	size_t open = lx->wlen;

	if (lx->nest >= LEX_NEST_MAX)   /* each level is a frame of this: bound the stack */
		lex_fail(lx, 0, "substitutions nested too deeply");
	lx->nest++;
	while (depth > 0) {
		c = peekc(lx);
		if (c < 0)
			incomplete(lx, what);
		if (c == '\'') {
			scan_single(lx);
		} else if (c == '"') {
			scan_double(lx);
		} else if (c == '`') {
			scan_backquote(lx);
		} else if (c == '\\') {
			put_escape(lx);
		} else if (c == '$') {
			scan_dollar(lx);
		} else if (!arith && c == '#' && starts_comment(lx, open)) {
			while ((c = peekc(lx)) >= 0 && c != '\n')
				put(lx, getc_lx(lx));
		} else if (!arith && c == '<' && peekc2(lx) == '<' && ndocs < LEX_HEREDOC_MAX) {
			scan_sub_heredoc_op(lx, &docs[ndocs++]);
		} else if (c == '\n' && ndocs > 0) {
			put(lx, getc_lx(lx));
			for (int i = 0; i < ndocs; i++)
				while (!copy_sub_heredoc_line(lx, &docs[i]))
					;
			ndocs = 0;
		} else {
			depth += c == '(' ? 1 : c == ')' ? -1 : 0;
			put(lx, getc_lx(lx));
		}
	}
	lx->nest--;
}

/*
 * $( ... ): its text is parsed now, as dash does, so that its syntax errors are the
 * line's; a ")" after which it is incomplete closes a case pattern, not the substitution.
 */
static void scan_subst(struct lexer *lx)
{
	size_t open = lx->wlen;

	for (;;) {
		lx->subst_depth++;
		scan_parens(lx, "end of file unexpected (expecting \")\")", 0);
		lx->subst_depth--;
		/* a nested one is parsed with the text around it; a word cut short is an error later */
		if (!lx->check_subst || lx->subst_depth > 0 || lx->toolong)
			return;
		switch (lx->check_subst(lx, lx->word + open, lx->wlen - 1 - open)) {
		case LEX_SUBST_OK:
			return;
		case LEX_SUBST_ERROR:
			lex_fail(lx, 0, lx->subst_msg);
		}
	}
}

size_t lexer_subst_end(struct lexer *lx)
{
	jmp_buf jb, *outer = lx->fail;

	lx->fail = &jb;
	if (setjmp(jb) == 0) {
		scan_subst(lx);
	} else {
		lx->pos = lx->len;
		lx->subst_depth = 0;
	}
	lx->fail = outer;
	return lx->pos;
}

static void scan_brace(struct lexer *lx)
{
	int c;

	while ((c = peekc(lx)) != '}') {
		if (c < 0)
			incomplete(lx, "Missing '}'");
		if (c == '\'')
			scan_single(lx);
		else if (c == '"')
			scan_double(lx);
		else if (c == '$')
			scan_dollar(lx);
		else if (c == '`')
			scan_backquote(lx);
		else if (c == '\\')
			put_escape(lx);
		else
			put(lx, getc_lx(lx));
	}
	put(lx, getc_lx(lx));
}

static void scan_dollar(struct lexer *lx)
{
	put(lx, getc_lx(lx));
	if (peekc(lx) == '(' && lx->eofmark) {
		return;   /* "<<$(": as dash, the word ends before the '(' */
	} else if (peekc(lx) == '(') {
		put(lx, getc_lx(lx));
		if (peekc(lx) == '(')
			scan_parens(lx, "Missing '))'", 1);
		else
			scan_subst(lx);
	} else if (peekc(lx) == '{') {
		put(lx, getc_lx(lx));
		scan_brace(lx);
	}
}

/* ---- words and operators ---- */

/* Blanks, newline and the operator characters: they end a word. */
static inline int is_meta(int c)
{
	static const unsigned char meta[256] = {
		[' '] = 1, ['\t'] = 1, ['\n'] = 1, [';'] = 1, ['&'] = 1, ['|'] = 1,
		['<'] = 1, ['>'] = 1, ['('] = 1, [')'] = 1,
	};

	return c >= 0 && meta[c];
}

/* A backslash-newline: the line goes on, so input that ends here is not complete yet. */
static void skip_continuation(struct lexer *lx)
{
	getc_lx(lx);
	getc_lx(lx);
	if (peekc(lx) < 0 && lx->eof_incomplete)
		incomplete(lx, "end of file unexpected");
}

static void scan_word(struct lexer *lx)
{
	int c;

	lx->wlen = 0;
	lx->quoted = 0;
	lx->toolong = 0;
	lx->nest = 0;   /* a failed scan longjmps out of its levels */
	while ((c = peekc(lx)) >= 0 && !is_meta(c)) {
		if (c == '\\' && peekc2(lx) == '\n') {
			skip_continuation(lx);
			continue;
		}
		if (c == '\'' || c == '"' || c == '\\')
			lx->quoted = 1;
		if (c == '\'')
			scan_single(lx);
		else if (c == '"')
			scan_double(lx);
		else if (c == '`')
			scan_backquote(lx);
		else if (c == '$')
			scan_dollar(lx);
		else if (c == '\\')
			put_escape(lx);
		else
			put(lx, getc_lx(lx));
	}
	if (lx->toolong)
		lex_fail(lx, 0, "Word too long");
	terminate(lx);
}

static int two(struct lexer *lx, int second)
{
	if (peekc(lx) == second) {
		getc_lx(lx);
		return 1;
	}
	return 0;
}

static int scan_operator(struct lexer *lx, int c)
{
	getc_lx(lx);
	switch (c) {
	case ';': return two(lx, ';') ? T_DSEMI : T_SEMI;
	case '&': return two(lx, '&') ? T_AND_IF : T_AMP;
	case '|': return two(lx, '|') ? T_OR_IF : T_PIPE;
	case '(': return T_LPAREN;
	case ')': return T_RPAREN;
	case '>':
		if (two(lx, '>'))
			return T_DGREAT;
		if (two(lx, '&'))
			return T_GREATAND;
		return two(lx, '|') ? T_CLOBBER : T_GREAT;
	case '<':
		if (two(lx, '<'))
			return two(lx, '-') ? T_DLESSDASH : T_DLESS;
		if (two(lx, '&'))
			return T_LESSAND;
		return two(lx, '>') ? T_LESSGREAT : T_LESS;
	}
	return T_EOF;
}

static void skip_blanks_and_comment(struct lexer *lx)
{
	int c;

	for (;;) {
		c = peekc(lx);
		if (c == ' ' || c == '\t') {
			getc_lx(lx);
		} else if (c == '\\' && peekc2(lx) == '\n') {
			skip_continuation(lx);
		} else if (c == '#') {
			while ((c = peekc(lx)) >= 0 && c != '\n')
				getc_lx(lx);
		} else {
			return;
		}
	}
}

/* ---- here-documents: bodies follow the newline that ends their command ---- */

/* The quotes of a here-document delimiter removed; *@quoted (if given): were there any. */
void lexer_heredoc_delim(const char *raw, char *out, size_t max, int *quoted)
{
	size_t n = 0;
	char q = 0;
	int any = 0;

	for (; *raw && n + 1 < max; raw++) {
		if (!q && (*raw == '\'' || *raw == '"')) {
			q = *raw;
			any = 1;
		} else if (q && *raw == q) {
			q = 0;
		} else if (!q && *raw == '\\' && raw[1]) {
			any = 1;
			out[n++] = *++raw;
		} else {
			out[n++] = *raw;
		}
	}
	out[n] = '\0';
	if (quoted)
		*quoted = any;
}

/*
 * A body, line by line, up to its delimiter. The input may end first: as dash,
 * the body is what there was, unless more input may come (lx->eof_incomplete).
 */
static void read_heredoc(struct lexer *lx, struct lex_heredoc *h)
{
	size_t line;
	int c, continued = 0;

	lx->wlen = 0;
	for (;;) {
		if (peekc(lx) < 0) {
			if (lx->eof_incomplete)
				incomplete(lx, "end of file unexpected");
			break;
		}
		if (h->strip_tabs)
			while (peekc(lx) == '\t')
				getc_lx(lx);
		line = lx->wlen;
		while ((c = getc_lx(lx)) >= 0 && c != '\n')
			put(lx, c);
		if (lx->toolong)
			lex_fail(lx, 0, "Here-document too long");
		terminate(lx);
		if (!continued && strcmp(lx->word + line, h->delim) == 0) {
			lx->wlen = line;
			break;
		}
		/* unquoted, a line ending in backslash goes on: the next one is no delimiter */
		continued = !h->quoted && ends_in_backslash(lx->word + line, lx->wlen - line);
		if (c == '\n')
			put(lx, '\n');
	}
	terminate(lx);
	h->store(h->ctx, lx->word, lx->wlen);
}

static void read_heredocs(struct lexer *lx)
{
	for (int i = 0; i < lx->nheredoc; i++)
		read_heredoc(lx, &lx->heredoc[i]);
	lx->nheredoc = 0;
}

int lexer_add_heredoc(struct lexer *lx, const struct lex_heredoc *h)
{
	if (lx->nheredoc == LEX_HEREDOC_MAX)
		return -1;
	lx->heredoc[lx->nheredoc++] = *h;
	return 0;
}

int lexer_next(struct lexer *lx)
{
	int c;

	skip_blanks_and_comment(lx);
	pop_spent_aliases(lx);
	c = peekc(lx);
	if (c < 0 && lx->nheredoc && lx->eof_incomplete)
		incomplete(lx, "end of file unexpected");
	if (c < 0) {
		read_heredocs(lx);   /* empty bodies, as dash */
		return T_EOF;
	}
	if (c == '\n') {
		getc_lx(lx);
		read_heredocs(lx);
		return T_NEWLINE;
	}
	if (is_meta(c))
		return scan_operator(lx, c);
	scan_word(lx);
	if ((c = peekc(lx)) == '<' || c == '>') {
		size_t i = 0;
		while (i < lx->wlen && isdigit((unsigned char)lx->word[i]))
			i++;
		if (i == lx->wlen && i == 1)   /* one digit only, as dash: "10>f" is "10" ">f" */
			return T_IONUMBER;
	}
	return T_WORD;
}
