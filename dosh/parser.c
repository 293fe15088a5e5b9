/* parser.c: recursive descent, list -> and_or -> pipeline -> command -> simple, into an arena. */
#include <ctype.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "parse.h"

/* The reserved words, each a bit in a set of them (KW_NONE is no bit). */
enum keyword {
	KW_NONE, KW_IF, KW_THEN, KW_ELSE, KW_ELIF, KW_FI, KW_DO, KW_DONE, KW_CASE, KW_ESAC,
	KW_WHILE, KW_UNTIL, KW_FOR, KW_IN, KW_LBRACE, KW_RBRACE, KW_BANG,
};
#define KW(k) (1u << (k))

struct parser {
	struct arena *a;
	struct lexer lx;
	alias_lookup_fn aliases;
	int tok;
	int have_tok;
	char *val;              /* the current word, in the arena */
	int quoted;
	int cmd_pos;            /* the next word may be an alias */
	int alias_checked;      /* the current word was looked up as an alias */
	enum keyword kw;        /* the reserved word the current word is, or KW_NONE */
	int depth;              /* nesting of commands, bounded */
	int subst_depth;        /* this parses the text of a $(...) this deep */
	jmp_buf jb;
	int incomplete;
	char err[300];
};

_Noreturn void lex_fail(struct lexer *lx, int more, const char *msg)
{
	lx->fail_incomplete = more;
	snprintf(lx->fail_msg, sizeof(lx->fail_msg), "%s", msg);
	longjmp(*lx->fail, 1);
}

/* ---- tokens ---- */

static const char *const keyword_names[] = {
	[KW_IF] = "if", [KW_THEN] = "then", [KW_ELSE] = "else", [KW_ELIF] = "elif", [KW_FI] = "fi",
	[KW_DO] = "do", [KW_DONE] = "done", [KW_CASE] = "case", [KW_ESAC] = "esac",
	[KW_WHILE] = "while", [KW_UNTIL] = "until", [KW_FOR] = "for", [KW_IN] = "in",
	[KW_LBRACE] = "{", [KW_RBRACE] = "}", [KW_BANG] = "!",
};

/* Which reserved word @w is: asked once for each unquoted word token. */
static enum keyword keyword_of(const char *w)
{
	switch (w[0]) {
	case 'c': case 'd': case 'e': case 'f': case 'i': case 't': case 'u': case 'w':
		break;
	case '{': return w[1] == '\0' ? KW_LBRACE : KW_NONE;
	case '}': return w[1] == '\0' ? KW_RBRACE : KW_NONE;
	case '!': return w[1] == '\0' ? KW_BANG : KW_NONE;
	default: return KW_NONE;
	}
	for (size_t k = KW_IF; k <= KW_IN; k++)
		if (strcmp(w, keyword_names[k]) == 0)
			return (enum keyword)k;
	return KW_NONE;
}

static int peek_slow(struct parser *p)
{
	int pushed = 0;   /* an alias was just pushed: its first word is looked up too, as dash */

	for (;;) {
		if (!p->have_tok) {
			p->tok = lexer_next(&p->lx);
			p->have_tok = 1;
			p->alias_checked = 0;
			p->val = NULL;
			p->kw = KW_NONE;
			if (p->tok == T_WORD || p->tok == T_IONUMBER) {
				p->val = arena_strndup(p->a, p->lx.word, p->lx.wlen);
				p->quoted = p->lx.quoted;
				p->kw = p->quoted ? KW_NONE : keyword_of(p->val);   /* once a token */
			}
		}
		/* where a command starts a reserved word comes first, as dash looks for it first;
		   after an alias ending in a blank, only aliases are looked for */
		if ((p->cmd_pos || p->lx.alias_blank || pushed) && p->tok == T_WORD && !p->quoted &&
		    p->aliases && !p->alias_checked &&
		    ((p->lx.alias_blank && !p->cmd_pos && !pushed) || p->kw == KW_NONE)) {
			const char *text = p->aliases(p->val);
			p->alias_checked = 1;
			/* a copy: running the line may redefine the alias while its text is read */
			if (text && !lexer_alias_active(&p->lx, p->val) &&
			    lexer_push_alias(&p->lx, p->val, arena_strdup(p->a, text)) == 0) {
				p->have_tok = 0;
				pushed = 1;
				continue;
			}
		}
		return p->tok;
	}
}

/* The current token; the next one read, or an alias expanded where one may be. */
static inline int peek(struct parser *p)
{
	if (p->have_tok && (p->alias_checked || p->tok != T_WORD || p->quoted || !p->aliases ||
			    !(p->cmd_pos || p->lx.alias_blank)))
		return p->tok;
	return peek_slow(p);
}

/* The next token where a command may start: a word there may be an alias. */
static int peek_command(struct parser *p)
{
	int cmd_pos = p->cmd_pos, t;

	p->cmd_pos = 1;
	t = peek(p);
	p->cmd_pos = cmd_pos;
	return t;
}

static void consume(struct parser *p)
{
	p->have_tok = 0;
}

/* The current token as dash names it in messages: "fi", ";", word, newline, end of file. */
static const char *token_desc(struct parser *p, char *buf, size_t max)
{
	static const char *const names[] = {
		[T_SEMI] = ";", [T_AMP] = "&", [T_PIPE] = "|", [T_AND_IF] = "&&", [T_OR_IF] = "||",
		[T_DSEMI] = ";;", [T_LPAREN] = "(", [T_RPAREN] = ")", [T_LESS] = "<",
		[T_GREAT] = ">", [T_DGREAT] = ">>", [T_LESSAND] = "<&", [T_GREATAND] = ">&",
		[T_LESSGREAT] = "<>", [T_DLESS] = "<<", [T_DLESSDASH] = "<<-", [T_CLOBBER] = ">|",
	};

	if (p->tok == T_EOF)
		return "end of file";
	if (p->tok == T_NEWLINE)
		return "newline";
	if ((p->tok == T_WORD && p->kw == KW_NONE) || p->tok == T_IONUMBER)
		return "word";
	snprintf(buf, max, "\"%s\"", p->tok == T_WORD ? p->val : names[p->tok]);
	return buf;
}

/* A syntax error at the current token: "X unexpected", "(expecting Y)" when @expecting. */
static _Noreturn void syntax_error_expecting(struct parser *p, const char *expecting)
{
	char tok[64];

	peek(p);
	p->incomplete = p->tok == T_EOF;
	if (expecting)
		snprintf(p->err, sizeof(p->err), "Syntax error: %s unexpected (expecting \"%s\")",
			 token_desc(p, tok, sizeof(tok)), expecting);
	else
		snprintf(p->err, sizeof(p->err), "Syntax error: %s unexpected",
			 token_desc(p, tok, sizeof(tok)));
	longjmp(p->jb, 1);
}

/* A syntax error: @what says which, or NULL for the current token being unexpected. */
static _Noreturn void syntax_error(struct parser *p, const char *what)
{
	if (!what)
		syntax_error_expecting(p, NULL);
	peek(p);
	p->incomplete = p->tok == T_EOF;
	snprintf(p->err, sizeof(p->err), "Syntax error: %s", what);
	longjmp(p->jb, 1);
}

/* A reserved word where no alias is looked for: "esac" before a case pattern. */
static int is_plain_kw(struct parser *p, enum keyword kw)
{
	return peek(p) == T_WORD && p->kw == kw;
}

/* One of the reserved words in @set (of KW() bits), where a command may start: an alias may
   give it, as in dash. */
static int is_kw_in(struct parser *p, unsigned set)
{
	return peek_command(p) == T_WORD && (KW(p->kw) & set) != 0;   /* no set holds KW_NONE */
}

static int is_kw(struct parser *p, enum keyword kw)
{
	return is_kw_in(p, KW(kw));
}

static void expect_kw(struct parser *p, enum keyword kw)
{
	if (!is_kw(p, kw))
		syntax_error_expecting(p, keyword_names[kw]);
	consume(p);
}

static void expect(struct parser *p, int tok)
{
	if (peek(p) != tok)
		syntax_error_expecting(p, tok == T_RPAREN ? ")" : NULL);
	consume(p);
}

static void skip_newlines(struct parser *p)
{
	while (peek(p) == T_NEWLINE)
		consume(p);
}

/* Newlines before a command: an alias giving nothing there is one more blank line, as dash. */
static void skip_newlines_before_command(struct parser *p)
{
	while (peek_command(p) == T_NEWLINE)
		consume(p);
}

/* ---- building ---- */

static struct node *mk(struct parser *p, enum node_type t)
{
	struct node *n = arena_alloc(p->a, sizeof(*n));

	n->type = t;
	n->lineno = p->lx.lineno;
	return n;
}

static struct node *mk_bin(struct parser *p, enum node_type t, struct node *l, struct node *r)
{
	struct node *n = mk(p, t);

	n->bin.left = l;
	n->bin.right = r;
	return n;
}

static void wl_add(struct parser *p, struct word_list *wl, char *w)
{
	char **v = arena_alloc(p->a, sizeof(char *) * (size_t)(wl->n + 2));

	if (wl->n)
		memcpy(v, wl->v, sizeof(char *) * (size_t)wl->n);
	v[wl->n++] = w;
	wl->v = v;
}

int word_is_host(const char *raw)
{
	return raw[0] == '!' && raw[1] != '\0';
}

int is_shell_name(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

static int is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');

	return eq && is_shell_name(w, (size_t)(eq - w));
}

/* ---- redirections ---- */

struct heredoc_target {
	struct arena *a;
	struct redir *r;
};

static void store_heredoc(void *ctx, const char *body, size_t len)
{
	struct heredoc_target *t = ctx;

	t->r->word = arena_strndup(t->a, body, len);
}

static void add_heredoc(struct parser *p, struct redir *r, int strip)
{
	struct heredoc_target *t = arena_alloc(p->a, sizeof(*t));
	struct lex_heredoc h = { .strip_tabs = strip, .store = store_heredoc, .ctx = t };

	t->a = p->a;
	t->r = r;
	lexer_heredoc_delim(p->val, h.delim, sizeof(h.delim), &r->heredoc_quoted);
	h.quoted = r->heredoc_quoted;
	r->word = arena_strndup(p->a, "", 0);   /* until the body is read */
	if (lexer_add_heredoc(&p->lx, &h) != 0)
		syntax_error(p, "Too many here-documents on one line");
}

static int is_redir_op(int t)
{
	return t == T_LESS || t == T_GREAT || t == T_DGREAT || t == T_LESSAND ||
	       t == T_GREATAND || t == T_LESSGREAT || t == T_DLESS || t == T_DLESSDASH ||
	       t == T_CLOBBER;
}

static struct redir *parse_redir(struct parser *p)
{
	static const enum redir_type types[] = {
		[T_LESS] = R_IN, [T_GREAT] = R_OUT, [T_DGREAT] = R_APPEND, [T_LESSAND] = R_DUPIN,
		[T_GREATAND] = R_DUPOUT, [T_LESSGREAT] = R_RDWR, [T_DLESS] = R_HEREDOC,
		[T_DLESSDASH] = R_HEREDOC, [T_CLOBBER] = R_CLOBBER,
	};
	struct redir *r = arena_alloc(p->a, sizeof(*r));
	int op;

	r->fd = -1;
	if (peek(p) == T_IONUMBER) {
		r->fd = atoi(p->val);
		consume(p);
	}
	op = peek(p);
	consume(p);
	p->lx.eofmark = op == T_DLESS || op == T_DLESSDASH;
	peek(p);
	p->lx.eofmark = 0;
	r->type = types[op];
	if (r->fd < 0)
		r->fd = (op == T_LESS || op == T_LESSAND || op == T_LESSGREAT || op == T_DLESS ||
			 op == T_DLESSDASH) ? 0 : 1;
	if (peek(p) != T_WORD)
		syntax_error(p, NULL);
	if (op == T_DLESS || op == T_DLESSDASH) {
		add_heredoc(p, r, op == T_DLESSDASH);
	} else if (word_is_host(p->val)) {
		r->host = 1;
		r->word = p->val + 1;
	} else {
		r->word = p->val;
	}
	consume(p);
	return r;
}

static void parse_redirs(struct parser *p, struct redir **list)
{
	struct redir **tail = list;

	while (*tail)
		tail = &(*tail)->next;
	while (is_redir_op(peek(p)) || p->tok == T_IONUMBER) {
		*tail = parse_redir(p);
		tail = &(*tail)->next;
	}
}

/* ---- lists ---- */

static struct node *parse_and_or(struct parser *p);
static struct node *parse_command(struct parser *p);

/* The reserved words that end a list, and those that cannot start a command. */
#define LIST_ENDS (KW(KW_THEN) | KW(KW_ELSE) | KW(KW_ELIF) | KW(KW_FI) | KW(KW_DO) | \
		   KW(KW_DONE) | KW(KW_ESAC) | KW(KW_RBRACE))
#define NOT_A_COMMAND (LIST_ENDS | KW(KW_IN) | KW(KW_BANG))   /* "! !", "a | ! b": as dash */

static int at_list_end(struct parser *p)
{
	int t = peek(p);

	return t == T_EOF || t == T_RPAREN || t == T_DSEMI || is_kw_in(p, LIST_ENDS);
}

/* and_or ((';' | '&' | newline) and_or)*; @top stops at a newline. */
static struct node *parse_list(struct parser *p, int top)
{
	struct node *items[256], *n;
	int count = 0;

	items[count++] = parse_and_or(p);
	for (;;) {
		int t = peek(p);
		if (t == T_AMP) {
			n = mk(p, N_BG);
			n->sub.body = items[count - 1];
			items[count - 1] = n;
		}
		if (t != T_SEMI && t != T_AMP && (top || t != T_NEWLINE))
			break;
		consume(p);
		if (top && (peek_command(p) == T_NEWLINE || p->tok == T_EOF))
			break;
		if (!top)
			skip_newlines_before_command(p);
		if (!top && at_list_end(p))
			break;
		if (count == 256)
			syntax_error(p, "List too long");
		items[count++] = parse_and_or(p);
	}
	n = items[--count];
	while (count > 0)
		n = mk_bin(p, N_SEQ, items[--count], n);
	return n;
}

static struct node *compound_list(struct parser *p)
{
	skip_newlines_before_command(p);
	if (at_list_end(p))
		syntax_error(p, NULL);
	return parse_list(p, 0);
}

/* ['!'] command ('|' command)* */
static struct node *parse_pipeline(struct parser *p)
{
	struct node *cmds[64], *n;
	int count = 0, bang = 0;

	if (is_kw(p, KW_BANG)) {
		consume(p);
		bang = 1;
	}
	cmds[count++] = parse_command(p);
	while (peek(p) == T_PIPE) {
		consume(p);
		skip_newlines(p);
		if (count == 64)
			syntax_error(p, "Pipeline too long");
		cmds[count++] = parse_command(p);
	}
	n = cmds[0];
	if (count > 1) {
		n = mk(p, N_PIPE);
		n->pipe.n = count;
		n->pipe.cmds = arena_alloc(p->a, sizeof(struct node *) * (size_t)count);
		memcpy(n->pipe.cmds, cmds, sizeof(struct node *) * (size_t)count);
	}
	if (bang) {
		struct node *neg = mk(p, N_NOT);
		neg->sub.body = n;
		n = neg;
	}
	return n;
}

static struct node *parse_and_or(struct parser *p)
{
	struct node *n = parse_pipeline(p);
	int t;

	while ((t = peek(p)) == T_AND_IF || t == T_OR_IF) {
		consume(p);
		skip_newlines(p);
		n = mk_bin(p, t == T_AND_IF ? N_AND : N_OR, n, parse_pipeline(p));
	}
	return n;
}

/* ---- compound commands ---- */

static struct node *parse_if_tail(struct parser *p)
{
	struct node *n = mk(p, N_IF);

	n->ifn.cond = compound_list(p);
	expect_kw(p, KW_THEN);
	n->ifn.then = compound_list(p);
	if (is_kw(p, KW_ELIF)) {
		consume(p);
		n->ifn.els = parse_if_tail(p);
		return n;
	}
	if (is_kw(p, KW_ELSE)) {
		consume(p);
		n->ifn.els = compound_list(p);
	}
	expect_kw(p, KW_FI);
	return n;
}

static struct node *parse_loop(struct parser *p, enum node_type t)
{
	struct node *n = mk(p, t);

	n->loop.cond = compound_list(p);
	expect_kw(p, KW_DO);
	n->loop.body = compound_list(p);
	expect_kw(p, KW_DONE);
	return n;
}

static struct node *parse_for(struct parser *p)
{
	struct node *n = mk(p, N_FOR);

	if (peek(p) != T_WORD || !is_shell_name(p->val, strlen(p->val)))
		syntax_error(p, peek(p) == T_EOF ? NULL : "Bad for loop variable");
	n->forn.var = p->val;
	consume(p);
	skip_newlines(p);
	if (is_kw(p, KW_IN)) {
		consume(p);
		n->forn.has_in = 1;
		while (peek(p) == T_WORD) {
			wl_add(p, &n->forn.words, p->val);
			consume(p);
		}
		if (peek(p) != T_SEMI && peek(p) != T_NEWLINE)
			syntax_error(p, NULL);
		consume(p);
	} else if (peek(p) == T_SEMI) {
		consume(p);
	}
	skip_newlines(p);
	expect_kw(p, KW_DO);
	n->forn.body = compound_list(p);
	expect_kw(p, KW_DONE);
	return n;
}

static struct case_item *parse_case_item(struct parser *p)
{
	struct case_item *ci = arena_alloc(p->a, sizeof(*ci));

	if (peek(p) == T_LPAREN)
		consume(p);
	for (;;) {
		if (peek(p) != T_WORD)
			syntax_error(p, NULL);
		wl_add(p, &ci->patterns, p->val);
		consume(p);
		if (peek(p) != T_PIPE)
			break;
		consume(p);
	}
	expect(p, T_RPAREN);
	skip_newlines(p);
	if (peek(p) != T_DSEMI && !is_kw(p, KW_ESAC))
		ci->body = parse_list(p, 0);
	if (peek(p) == T_DSEMI) {
		consume(p);
		skip_newlines(p);
	} else if (!is_kw(p, KW_ESAC)) {
		syntax_error_expecting(p, ";;");
	}
	return ci;
}

static struct node *parse_case(struct parser *p)
{
	struct node *n = mk(p, N_CASE);
	struct case_item **tail = &n->casen.items;

	if (peek(p) != T_WORD)
		syntax_error(p, NULL);
	n->casen.word = p->val;
	consume(p);
	skip_newlines(p);
	expect_kw(p, KW_IN);
	skip_newlines(p);
	while (!is_plain_kw(p, KW_ESAC)) {
		*tail = parse_case_item(p);
		tail = &(*tail)->next;
	}
	consume(p);
	return n;
}

static struct node *parse_group(struct parser *p, enum node_type t)
{
	struct node *n = mk(p, t);

	n->sub.body = compound_list(p);
	if (t == N_SUBSHELL)
		expect(p, T_RPAREN);
	else
		expect_kw(p, KW_RBRACE);
	return n;
}

/* A compound command, or NULL when the next token does not start one. */
static struct node *parse_compound(struct parser *p)
{
	enum keyword kw;

	if (peek(p) == T_LPAREN) {
		consume(p);
		return parse_group(p, N_SUBSHELL);
	}
	if (!is_kw_in(p, KW(KW_LBRACE) | KW(KW_IF) | KW(KW_WHILE) | KW(KW_UNTIL) | KW(KW_FOR) |
			 KW(KW_CASE)))
		return NULL;
	kw = p->kw;
	consume(p);
	switch (kw) {
	case KW_LBRACE: return parse_group(p, N_GROUP);
	case KW_IF: return parse_if_tail(p);
	case KW_WHILE: return parse_loop(p, N_WHILE);
	case KW_UNTIL: return parse_loop(p, N_UNTIL);
	case KW_FOR: return parse_for(p);
	default: return parse_case(p);
	}
}

/* ---- simple commands and function definitions ---- */

/* dash refuses a function named as a special builtin: a syntax error, found before anything runs. */
static int by_string(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int names_special_builtin(const char *name)
{
	static const char *const special[] = {   /* sorted */
		"break", "continue", "eval", "exec", "exit", "export", "local", "readonly",
		"return", "set", "shift", "times", "trap", "unset",
	};

	return bsearch(name, special, sizeof(special) / sizeof(special[0]), sizeof(special[0]),
		       by_string) != NULL;
}

static struct node *parse_function(struct parser *p, struct node *simple)
{
	struct node *n = mk(p, N_FUNC);

	consume(p);
	expect(p, T_RPAREN);
	skip_newlines(p);
	n->func.name = simple->simple.words.v[0];
	if (!is_shell_name(n->func.name, strlen(n->func.name)) || names_special_builtin(n->func.name))
		syntax_error(p, "Bad function name");
	p->cmd_pos = 1;
	n->func.body = parse_compound(p);
	p->cmd_pos = 0;
	if (!n->func.body) {   /* "f() cmd": dash takes any command as the body */
		n->func.body = parse_command(p);
		return n;
	}
	parse_redirs(p, &n->func.body->redirs);
	return n;
}

/*
 * "!cmd ..." runs on the host. So do "command !cmd" (command only skips functions, and the
 * host has none) and "exec !cmd" (the shell cannot become a host process: it runs the
 * command and ends with its status). Only a literal command or exec counts, with no options.
 */
static void mark_host_command(struct node *n)
{
	struct word_list *w = &n->simple.words;
	int exec = 0;

	if (w->n >= 2 && (strcmp(w->v[0], "command") == 0 || (exec = strcmp(w->v[0], "exec") == 0)) &&
	    word_is_host(w->v[1])) {
		memmove(w->v, w->v + 1, sizeof(char *) * (size_t)(w->n - 1));
		w->n--;
		n->simple.host_exec = exec;
	}
	if (w->n && word_is_host(w->v[0])) {
		n->simple.host = 1;
		w->v[0]++;
	}
}

static struct node *parse_simple(struct parser *p)
{
	struct node *n = mk(p, N_SIMPLE);
	int t;

	for (;;) {
		p->cmd_pos = n->simple.words.n == 0;
		t = peek(p);
		p->cmd_pos = 0;
		if (is_redir_op(t) || t == T_IONUMBER) {
			struct redir **tail = &n->redirs;
			while (*tail)
				tail = &(*tail)->next;
			*tail = parse_redir(p);
			continue;
		}
		if (t != T_WORD)
			break;
		if (n->simple.words.n == 0 && is_assignment(p->val))
			wl_add(p, &n->simple.assigns, p->val);
		else
			wl_add(p, &n->simple.words, p->val);
		consume(p);
		if (n->simple.words.n == 1 && n->simple.assigns.n == 0 && !n->redirs &&
		    peek(p) == T_LPAREN)
			return parse_function(p, n);
	}
	if (!n->simple.words.n && !n->simple.assigns.n && !n->redirs)
		syntax_error(p, NULL);
	mark_host_command(n);
	return n;
}

static struct node *parse_command_at_depth(struct parser *p)
{
	struct node *n;

	if (is_kw_in(p, NOT_A_COMMAND))
		syntax_error(p, NULL);
	n = parse_compound(p);
	if (!n)
		return parse_simple(p);
	parse_redirs(p, &n->redirs);
	return n;
}


#define PARSE_DEPTH_MAX 200

static struct node *parse_command(struct parser *p)
{
	struct node *n;

	if (++p->depth > PARSE_DEPTH_MAX)
		syntax_error(p, "Commands nested too deeply");
	n = parse_command_at_depth(p);
	p->depth--;
	return n;
}


/* ---- the entry points ---- */

#define SUBST_CHECK_DEPTH 32   /* deeper $(...) are parsed when they run */

static int check_subst(struct lexer *lx, const char *text, size_t len)
{
	struct parser *outer = lx->check_ctx, *p;
	struct arena *a;
	enum parse_status r;
	struct node *n;
	const char *msg;

	if (outer->subst_depth >= SUBST_CHECK_DEPTH)
		return LEX_SUBST_OK;
	a = arena_new();
	p = parser_new(a, arena_strndup(a, text, len), outer->aliases);
	if (!p)
		abort();
	p->subst_depth = outer->subst_depth + 1;
	while ((r = parse_next(p, &n)) == PARSE_OK)
		;
	msg = p->err;
	if (strncmp(msg, "Syntax error: ", 14) == 0)
		msg += 14;
	snprintf(lx->subst_msg, sizeof(lx->subst_msg), "%s", msg);
	parser_free(p);
	arena_free(a);
	return r == PARSE_EOF ? LEX_SUBST_OK : r == PARSE_INCOMPLETE ? LEX_SUBST_INCOMPLETE
								    : LEX_SUBST_ERROR;
}

size_t subst_end(const char *s, size_t len, size_t i)
{
	struct parser *p = parser_new(NULL, s, NULL);
	size_t end;

	if (!p)
		abort();
	p->lx.len = len;
	p->lx.pos = i;
	end = lexer_subst_end(&p->lx);
	parser_free(p);
	return end;
}

struct parser *parser_new(struct arena *a, const char *text, alias_lookup_fn aliases)
{
	struct parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->lx.check_subst = check_subst;
	p->lx.check_ctx = p;
	p->a = a;
	p->aliases = aliases;
	p->lx.text = text;
	p->lx.len = strlen(text);
	p->lx.lineno = 1;
	p->lx.fail = &p->jb;
	return p;
}

void parser_free(struct parser *p)
{
	if (!p)
		return;
	lexer_free(&p->lx);
	free(p);
}

enum parse_status parse_next(struct parser *p, struct node **out)
{
	*out = NULL;
	p->depth = 0;
	p->incomplete = 0;
	p->err[0] = '\0';
	if (setjmp(p->jb)) {
		if (p->err[0] == '\0') {   /* from the lexer */
			p->incomplete = p->lx.fail_incomplete;
			snprintf(p->err, sizeof(p->err), "Syntax error: %s", p->lx.fail_msg);
		}
		p->have_tok = 0;
		p->lx.subst_depth = 0;
		p->lx.in_dquote = 0;
		p->lx.eofmark = 0;
		return p->incomplete ? PARSE_INCOMPLETE : PARSE_ERROR;
	}
	/* in command position: an alias that gives nothing (or a comment) leaves a blank line */
	while (peek_command(p) == T_NEWLINE)
		consume(p);
	if (peek(p) == T_EOF)
		return PARSE_EOF;
	*out = parse_list(p, 1);
	if (peek(p) == T_NEWLINE)
		consume(p);
	else if (peek(p) != T_EOF)
		syntax_error(p, NULL);
	return PARSE_OK;
}

void parser_more_may_follow(struct parser *p)
{
	p->lx.eof_incomplete = 1;
}

const char *parser_error(const struct parser *p)
{
	return p->err;
}

size_t parser_offset(const struct parser *p)
{
	return p->lx.pos;
}

int parser_lineno(const struct parser *p)
{
	return p->lx.lineno;
}

void parser_set_lineno(struct parser *p, int n)
{
	p->lx.lineno = n;
}
