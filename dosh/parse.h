/* parse.h: dosh's syntax tree, the lexer's tokens and the parser's entry point. */
#ifndef DOSH_PARSE_H
#define DOSH_PARSE_H

#include "arena.h"

/* ---- the tree: one struct per node kind in a union, as dash has it ---- */

enum node_type {
	N_SIMPLE, N_PIPE, N_AND, N_OR, N_SEQ, N_BG, N_NOT, N_SUBSHELL, N_GROUP,
	N_IF, N_WHILE, N_UNTIL, N_FOR, N_CASE, N_FUNC
};

enum redir_type {
	R_IN,       /* <   */
	R_OUT,      /* >   */
	R_APPEND,   /* >>  */
	R_CLOBBER,  /* >|  */
	R_RDWR,     /* <>  */
	R_DUPIN,    /* <&  */
	R_DUPOUT,   /* >&  */
	R_HEREDOC   /* <<, <<- */
};

struct redir {
	enum redir_type type;
	int fd;                 /* the descriptor redirected */
	char *word;             /* raw target word; for a here-document, its body */
	int host;               /* the target is a host path: "< !path" */
	int heredoc_quoted;     /* the delimiter was quoted: no expansion of the body */
	int prepared_fd;        /* a host target opened before fork (-1 or 0: none yet) */
	struct redir *next;
};

struct word_list {
	char **v;               /* raw words, quotes and all: expanded at eval time */
	int n;
};

struct case_item {
	struct word_list patterns;
	struct node *body;      /* may be NULL */
	struct case_item *next;
};

struct node {
	enum node_type type;
	int lineno;
	union {
		struct {
			struct word_list assigns;
			struct word_list words;
			int host;       /* "!cmd": runs on the host (words[0] without '!') */
			int host_exec;  /* "exec !cmd": the shell ends with the host command's status */
		} simple;
		struct {
			struct node **cmds;
			int n;
		} pipe;
		struct {
			struct node *left, *right;
		} bin;              /* N_AND, N_OR, N_SEQ */
		struct {
			struct node *body;
		} sub;              /* N_BG, N_NOT, N_SUBSHELL, N_GROUP */
		struct {
			struct node *cond, *then, *els;
		} ifn;
		struct {
			struct node *cond, *body;
		} loop;             /* N_WHILE, N_UNTIL */
		struct {
			char *var;
			struct word_list words;
			int has_in;
			struct node *body;
		} forn;
		struct {
			char *word;
			struct case_item *items;
		} casen;
		struct {
			char *name;
			struct node *body;
		} func;
	};
	struct redir *redirs;   /* after the command, applied at eval time */
};

/* ---- parsing ---- */

enum parse_status {
	PARSE_OK,          /* *out holds one complete command (or NULL at a blank line) */
	PARSE_EOF,         /* nothing left */
	PARSE_INCOMPLETE,  /* the text ends inside a construct: read more and try again */
	PARSE_ERROR        /* a syntax error, described in the message */
};

struct parser;

/* alias_lookup - the text of alias @name, or NULL: supplied by the shell. */
typedef const char *(*alias_lookup_fn)(const char *name);

/* parser_new - parse @text (kept by reference) into trees allocated from @a. */
struct parser *parser_new(struct arena *a, const char *text, alias_lookup_fn aliases);
void parser_free(struct parser *p);

/*
 * parse_next - parse the next complete command (a list up to a newline).
 * Returns: a status; on PARSE_ERROR, parser_error() says what and where.
 */
enum parse_status parse_next(struct parser *p, struct node **out);
const char *parser_error(const struct parser *p);
/* parser_more_may_follow - the text may go on: a here-document cut by its end is incomplete. */
void parser_more_may_follow(struct parser *p);
/* parser_offset - how far into the text parsing has got. */
size_t parser_offset(const struct parser *p);
/* parser_lineno - the line the parser is on (for messages). */
int parser_lineno(const struct parser *p);
/* parser_set_lineno - start counting lines at @n. */
void parser_set_lineno(struct parser *p, int n);

/*
 * subst_end - in raw word @s (@len bytes), from just after a "$(" at @i: the index just
 * after its ")", found as the lexer found it (case patterns, here-documents, comments).
 */
size_t subst_end(const char *s, size_t len, size_t i);

/* is_shell_name - @s[0..n) is a name: a letter or '_', then letters, digits, '_'. */
int is_shell_name(const char *s, size_t n);

/* word_is_host - "!path" or "!cmd": an unquoted '!' followed by more. */
int word_is_host(const char *raw);

#endif
