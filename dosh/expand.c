/* expand.c: word expansion: tilde, parameters, commands, arithmetic, field splitting, globbing. */
#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "glob.h"
#include "hostglob.h"
#include "shell.h"

/* Each expanded character carries where it came from. */
#define F_QUOTED 1   /* quoted or escaped: no splitting, no globbing */
#define F_SPLIT 2    /* from an unquoted expansion: IFS may split here */
#define F_BREAK 4    /* a field boundary ("$@") */
#define F_MARK 8     /* no character: an empty quoted part was here, so a field is too ("") */

struct ebuf {
	char *s;
	unsigned char *f;
	size_t len, cap;
	int marks;          /* F_MARK characters in it, or 0 */
};

struct ectx {
	struct shell *sh;
	struct ebuf b;
	int quoted_seen;   /* quotes appeared: an empty result is still one field */
	int at_empty;      /* "$@" with no parameters */
	int quoted_other;  /* quotes other than a bare "$@": they make a field even then */
	int full;          /* fields are made: "$@" gives one a parameter, else it joins them */
	int assign;        /* an assignment: a tilde after '=' and after each unquoted ':' */
	int failed;
	int heredoc;       /* '"' is an ordinary character */
	int brace_word;    /* in the word of ${name-word}: unquoted text splits too */
};

/*
 * Expansion's working memory: buffers, patterns and pieces come from this arena, and each
 * public entry point releases what it took (nested ones, as $(...) runs commands, first).
 */
static struct arena *scratch;

static struct arena_mark scratch_mark(void)
{
	if (!scratch && !(scratch = arena_new()))
		abort();
	return arena_mark(scratch);
}

static char *scratch_strndup(const char *s, size_t n)
{
	char *p = arena_alloc_raw(scratch, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A buffer's characters and flags share one block; a bigger one is taken when it fills. */
static void ebuf_grow(struct ebuf *b)
{
	size_t cap = b->cap ? b->cap * 2 : 64;
	char *block = arena_alloc_raw(scratch, cap * 2);

	if (b->len) {
		memcpy(block, b->s, b->len);
		memcpy(block + cap, b->f, b->len);
	}
	b->s = block;
	b->f = (unsigned char *)block + cap;
	b->cap = cap;
}

static void put(struct ectx *x, char c, unsigned char f)
{
	if (x->b.len + 1 >= x->b.cap)
		ebuf_grow(&x->b);
	x->b.s[x->b.len] = c;
	x->b.f[x->b.len++] = f;
	x->b.s[x->b.len] = '\0';
}

static void put_n(struct ectx *x, const char *s, size_t n, unsigned char f)
{
	while (x->b.len + n + 1 > x->b.cap)
		ebuf_grow(&x->b);
	memcpy(x->b.s + x->b.len, s, n);
	memset(x->b.f + x->b.len, f, n);
	x->b.len += n;
	x->b.s[x->b.len] = '\0';
}

static void puts_f(struct ectx *x, const char *s, unsigned char f)
{
	put_n(x, s, strlen(s), f);
}

/* An expansion failed: a shell error (a non-interactive shell stops, unless command catches it). */
static void expansion_failed(struct shell *sh)
{
	sh_raise(sh);
}

/* ---- finding the end of a quoted or nested part of a raw word ---- */

static size_t skip_part(const char *s, size_t len, size_t i);

static size_t skip_to(const char *s, size_t len, size_t i, char close);

/* A nested $( or ${ at @i: the index after its closer. */
static size_t skip_nested(const char *s, size_t len, size_t i);

/* From just after "$(", the index of its ")" as the lexer found it (case patterns and all). */
static size_t subst_close(const char *s, size_t len, size_t i)
{
	size_t end = subst_end(s, len, i);

	return end > i && end <= len && s[end - 1] == ')' ? end - 1 : len;
}

/*
 * From just after an opener, the index of the matching @close: quotes and nesting skipped.
 * @sq_literal: a ${...} inside double quotes, where a single quote is an ordinary character.
 */
static size_t skip_to_q(const char *s, size_t len, size_t i, char close, int sq_literal)
{
	int depth = 0;

	while (i < len) {
		char c = s[i];
		if (c == close && depth == 0)
			return i;
		if (c == '\\') {
			i += 2;
		} else if (close == '`') {
			i++;
		} else if (c == '$' && i + 1 < len && (s[i + 1] == '(' || s[i + 1] == '{')) {
			i = skip_nested(s, len, i);
		} else if (c == '`') {
			i = skip_to(s, len, i + 1, '`') + 1;
		} else if (close == '"') {
			i++;
		} else if ((c == '\'' && !sq_literal) || c == '"') {
			i = skip_part(s, len, i);
		} else {
			if (close == ')' && c == '(')
				depth++;
			else if (close == ')' && c == ')')
				depth--;
			i++;
		}
	}
	return len;
}

static size_t skip_to(const char *s, size_t len, size_t i, char close)
{
	return skip_to_q(s, len, i, close, 0);
}

static size_t skip_nested(const char *s, size_t len, size_t i)
{
	if (s[i + 1] == '(' && !(i + 2 < len && s[i + 2] == '('))
		return subst_close(s, len, i + 2) + 1;
	return skip_to(s, len, i + 2, s[i + 1] == '(' ? ')' : '}') + 1;
}

/* From a quote at @i, the index after its closing quote. */
static size_t skip_part(const char *s, size_t len, size_t i)
{
	if (s[i] == '\'') {
		const char *e = memchr(s + i + 1, '\'', len - i - 1);
		return e ? (size_t)(e - s) + 1 : len;
	}
	return skip_to(s, len, i + 1, s[i]) + 1;
}

/* ---- parameters ---- */

static const char *special_param(struct ectx *x, const char *name, char *buf, size_t max)
{
	struct shell *sh = x->sh;

	switch (name[0]) {
	case '?': snprintf(buf, max, "%d", sh->status); return buf;
	case '$': snprintf(buf, max, "%d", (int)sh->pid); return name[1] ? NULL : buf;
	case '!':
		if (!sh->last_bg)
			return NULL;
		snprintf(buf, max, "%d", (int)sh->last_bg);
		return buf;
	case '#': snprintf(buf, max, "%d", sh->argc); return buf;
	case '-':
		options_letters(sh, buf, max);
		return buf;
	}
	return NULL;
}

/* The value of @name, or NULL when unset. */
static const char *param(struct ectx *x, const char *name, char *buf, size_t max)
{
	if (isdigit((unsigned char)name[0])) {
		int k = atoi(name);
		if (k == 0)
			return x->sh->arg0;
		return k <= x->sh->argc ? x->sh->argv[k - 1] : NULL;
	}
	if (strchr("?$!#-", name[0]) && name[0])
		return special_param(x, name, buf, max);
	return var_get(x->sh, name);
}

static void put_value(struct ectx *x, const char *v, int dq)
{
	puts_f(x, v, dq ? F_QUOTED : F_SPLIT);
}

/* What joins $* (and $@ where no fields are made): IFS's first character, ' ' if unset. */
static char params_sep(struct shell *sh)
{
	const char *ifs = var_get(sh, "IFS");

	return ifs ? ifs[0] : ' ';
}

static int is_all_params(const char *name)
{
	return (name[0] == '@' || name[0] == '*') && !name[1];
}

/* The length of $* or $@ joined: what ${#@} says and what ${@:-w} tests for null. */
static size_t all_params_length(struct ectx *x, char which, int dq)
{
	size_t n = 0;
	int sep = (which == '@' && dq && x->full) || params_sep(x->sh);

	for (int i = 0; i < x->sh->argc; i++)
		n += strlen(x->sh->argv[i]) + (i > 0 && sep);
	return n;
}

static char *trim(const char *v, const char *pat, int suffix, int longest);

/* Between two parameters of $@ or $*: a field break, or IFS's first character. */
static void put_params_sep(struct ectx *x, int fields, char sep, int dq)
{
	if (fields)
		put(x, ' ', F_BREAK | (dq ? F_QUOTED : 0));
	else if (sep)
		put(x, sep, dq ? F_QUOTED : F_SPLIT);
}

/* $@ or $*; with @pat, cut as ${@#pat}: the parameters joined lose a prefix or a suffix. */
static void put_all_params(struct ectx *x, char which, int dq, const char *pat, const char *op)
{
	char sep = params_sep(x->sh);
	int fields = x->full && (which == '@' || !dq);

	if (x->sh->argc == 0 && which == '@' && dq)
		x->at_empty = 1;
	for (int i = 0; i < x->sh->argc; i++) {
		const char *v = x->sh->argv[i];
		/* as dash: a prefix comes off the first parameter only, a suffix off the last */
		if (pat && (op[0] == '%' ? i == x->sh->argc - 1 : i == 0))
			v = trim(v, pat, op[0] == '%', op[1] != '\0');
		if (i > 0)
			put_params_sep(x, fields, sep, dq);
		put_value(x, v, dq);
	}
}

static void expand_part(struct ectx *x, const char *s, size_t len, int dq);
static char *pattern_of(struct shell *sh, const char *raw);
static void expand_part_tilde(struct ectx *x, const char *s, size_t len, int dq);
static char *expand_to_string(struct ectx *outer, const char *s, size_t len, int dq);

/* ${name#pat} ${name##pat} ${name%pat} ${name%%pat}: the rest, in scratch memory. */
static char *trim(const char *v, const char *pat, int suffix, int longest)
{
	size_t n = strlen(v);
	char *copy = scratch_strndup(v, n);

	for (size_t k = 0; k <= n; k++) {
		size_t cut = longest ? (suffix ? k : n - k) : (suffix ? n - k : k);
		char save;
		int m;
		if (suffix) {
			m = glob_match(pat, copy + cut);
		} else {
			save = copy[cut];
			copy[cut] = '\0';
			m = glob_match(pat, copy);
			copy[cut] = save;
		}
		if (m) {
			if (suffix)
				copy[cut] = '\0';
			else
				memmove(copy, copy + cut, n - cut + 1);
			return copy;
		}
	}
	return copy;
}

struct brace {
	char name[256];
	int length;        /* ${#name} */
	char op[3];        /* "", ":-", "-", "%%", ... */
	const char *word;
	size_t wlen;
};

/* A parameter's name at @s: a special character, digits, or a name. Returns: its length. */
static size_t param_name_len(const char *s, size_t len)
{
	size_t n = 0;

	if (len && strchr("@*#?$!-", s[0]))
		return 1;
	if (len && isdigit((unsigned char)s[0])) {
		while (n < len && isdigit((unsigned char)s[n]))
			n++;
		return n;
	}
	if (len && (isalpha((unsigned char)s[0]) || s[0] == '_'))
		while (n < len && (isalnum((unsigned char)s[n]) || s[n] == '_'))
			n++;
	return n;
}

static int parse_brace(const char *s, size_t len, struct brace *b)
{
	size_t i = 0, n;
	static const char *const ops[] = { ":-", ":=", ":?", ":+", "%%", "##", "-", "=", "?", "+",
					   "%", "#" };

	memset(b, 0, sizeof(*b));
	/* ${#name} when a whole name follows the '#'; otherwise ${#...} is $# and an operator */
	if (len > 1 && s[0] == '#' && param_name_len(s + 1, len - 1) == len - 1) {
		b->length = 1;
		i = 1;
	}
	n = i == 0 && len && s[0] == '#' ? 1 : param_name_len(s + i, len - i);
	if (n == 0 || n >= sizeof(b->name))
		return -1;
	memcpy(b->name, s + i, n);
	i += n;
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]) && i < len; k++) {
		size_t ol = strlen(ops[k]);
		if (len - i >= ol && strncmp(s + i, ops[k], ol) == 0) {
			memcpy(b->op, ops[k], ol);
			i += ol;
			b->word = s + i;
			b->wlen = len - i;
			return 0;
		}
	}
	return i == len ? 0 : -1;
}

static void expand_brace_word(struct ectx *x, struct brace *b, int dq)
{
	int saved = x->brace_word;

	x->brace_word = 1;
	expand_part_tilde(x, b->word, b->wlen, dq);
	x->brace_word = saved;
}

/* The parameter's own value: $@ and $* as their parameters. */
static void put_param(struct ectx *x, struct brace *b, const char *v, int dq)
{
	if (is_all_params(b->name))
		put_all_params(x, b->name[0], dq, NULL, NULL);
	else
		put_value(x, v, dq);
}

static void brace_default(struct ectx *x, struct brace *b, const char *v, int dq)
{
	int colon = b->op[0] == ':', use = v && (!colon || *v);
	char kind = b->op[colon];
	char *w;

	switch (kind) {
	case '-':
		if (use)
			put_param(x, b, v, dq);
		else
			expand_brace_word(x, b, dq);
		return;
	case '+':
		if (use)
			expand_brace_word(x, b, dq);
		return;
	case '=':
		if (use) {
			put_param(x, b, v, dq);
			return;
		}
		w = expand_to_string(x, b->word, b->wlen, dq);
		if (is_all_params(b->name)) {
			sh_error(x->sh, "%s: cannot assign in this way", b->name);
			x->failed = 1;
		} else if (var_set(x->sh, b->name, w, 0) != 0) {
			x->failed = 1;   /* a readonly: var_set said so */
		} else {
			put_value(x, w, dq);
		}
		return;
	case '?':
		if (use) {
			put_param(x, b, v, dq);
			return;
		}
		w = expand_to_string(x, b->word, b->wlen, dq);
		sh_error(x->sh, "%s: %s", b->name,
			 *w ? w : v ? "parameter not set or null" : "parameter not set");
		x->failed = 1;
		return;
	}
}

static void expand_brace(struct ectx *x, const char *s, size_t len, int dq)
{
	char buf[64], *pat, *t;
	struct brace b;
	const char *v;

	if (parse_brace(s, len, &b) != 0) {
		sh_error(x->sh, "${%.*s}: bad substitution", (int)len, s);
		x->failed = 1;
		return;
	}
	if (is_all_params(b.name)) {   /* always set; null when they join to nothing */
		if (!b.op[0] && !b.length) {
			put_all_params(x, b.name[0], dq, NULL, NULL);
			return;
		}
		v = all_params_length(x, b.name[0], b.length ? 0 : dq) ? "-" : "";
	} else {
		v = param(x, b.name, buf, sizeof(buf));
	}
	if (!v && x->sh->opt_nounset && (!b.op[0] || strchr("%#", b.op[0]))) {
		sh_error(x->sh, "%s: parameter not set", b.name);
		x->failed = 1;
		return;
	}
	if (b.length) {
		size_t n = is_all_params(b.name) ? all_params_length(x, '*', 0) : v ? strlen(v) : 0;
		snprintf(buf, sizeof(buf), "%zu", n);
		put_value(x, buf, dq);
	} else if (!b.op[0]) {
		if (v)
			put_value(x, v, dq);
	} else if (strchr("%#", b.op[0])) {
		pat = pattern_of(x->sh, scratch_strndup(b.word, b.wlen));
		if (is_all_params(b.name)) {
			put_all_params(x, b.name[0], dq, pat, b.op);
		} else {
			t = trim(v ? v : "", pat, b.op[0] == '%', b.op[1] != '\0');
			put_value(x, t, dq);
		}
	} else {
		brace_default(x, &b, v, dq);
	}
}

/* ---- $(...), `...`, $((...)) ---- */

static void put_command_output(struct ectx *x, const char *cmd, int dq)
{
	char *out = command_subst(x->sh, cmd);

	if (out) {
		put_value(x, out, dq);
		free(out);
	}
}

static void expand_arith(struct ectx *x, const char *s, size_t len, int dq)
{
	char *text = expand_to_string(x, s, len, 1), buf[32];
	long v;

	if (arith_eval(x->sh, text, &v) != 0) {
		x->failed = 1;
	} else {
		snprintf(buf, sizeof(buf), "%ld", v);
		put_value(x, buf, dq);
	}
}

/* `cmd`: inside, \$ \` and \\ stand for themselves, and \" too within double quotes. */
static void expand_backquote(struct ectx *x, const char *s, size_t len, int dq)
{
	char *cmd = arena_alloc_raw(scratch, len + 1), *o = cmd;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && strchr(dq && !x->heredoc ? "$`\\\"" : "$`\\", s[i + 1]))
			i++;
		*o++ = s[i];
	}
	*o = '\0';
	put_command_output(x, cmd, dq);
}

/* Whether the ${...} body at @j is ${name#...} or ${name%...}: its word is a pattern, quoted
 * as outside double quotes (so '...' quotes there even in "${x#'}'}"). */
static int is_pattern_op(const char *s, size_t len, size_t j)
{
	size_t n = param_name_len(s + j, len - j);

	return n && j + n < len && (s[j + n] == '#' || s[j + n] == '%');
}

/* From '$' at @i: expand one parameter, command or arithmetic. Returns: the index after it. */
static size_t expand_dollar(struct ectx *x, const char *s, size_t len, size_t i, int dq)
{
	char name[256], buf[64];
	size_t n = 0, end;
	const char *v;

	if (i + 1 >= len) {
		put(x, '$', dq ? F_QUOTED : 0);
		return i + 1;
	}
	if (s[i + 1] == '(') {
		end = s[i + 2] == '(' ? skip_to(s, len, i + 2, ')') : subst_close(s, len, i + 2);
		if (s[i + 2] == '(' && end > i + 3 && s[end - 1] == ')')
			expand_arith(x, s + i + 3, end - 1 - (i + 3), dq);
		else {
			put_command_output(x, scratch_strndup(s + i + 2, end - (i + 2)), dq);
		}
		return end + 1;
	}
	if (s[i + 1] == '{') {
		end = skip_to_q(s, len, i + 2, '}', dq && !x->heredoc && !is_pattern_op(s, len, i + 2));
		expand_brace(x, s + i + 2, end - (i + 2), dq);
		return end + 1;
	}
	if (s[i + 1] == '@' || s[i + 1] == '*') {
		put_all_params(x, s[i + 1], dq, NULL, NULL);
		return i + 2;
	}
	if (strchr("?$!#-", s[i + 1]) || isdigit((unsigned char)s[i + 1])) {
		name[0] = s[i + 1];
		name[1] = '\0';
		n = 1;
	} else {
		while (i + 1 + n < len && n + 1 < sizeof(name) &&
		       (isalnum((unsigned char)s[i + 1 + n]) || s[i + 1 + n] == '_'))
			name[n] = s[i + 1 + n], n++;
		name[n] = '\0';
		if (n == 0 || isdigit((unsigned char)name[0])) {
			put(x, '$', dq ? F_QUOTED : 0);
			return i + 1;
		}
	}
	v = param(x, name, buf, sizeof(buf));
	if (!v && x->sh->opt_nounset && name[0] != '@' && name[0] != '*') {
		sh_error(x->sh, "%s: parameter not set", name);
		x->failed = 1;
	} else if (v) {
		put_value(x, v, dq);
	}
	return i + 1 + n;
}

/* ---- the walk over a raw word ---- */

/*
 * A tilde prefix at @s: "~" or "~login" up to a '/', the end, or in an assignment a ':'.
 * A quoted or expanded character in it means no expansion. Returns: the length used, or 0.
 */
static size_t expand_tilde(struct ectx *x, const char *s, size_t len)
{
	size_t n = 1;
	char user[256];
	const char *home = NULL;
	struct passwd *pw;

	while (n < len && s[n] != '/' && !(x->assign && s[n] == ':')) {
		if (strchr("'\"\\$`", s[n]))
			return 0;
		n++;
	}
	if (n == 1) {
		home = var_get(x->sh, "HOME");
	} else if (n - 1 < sizeof(user)) {
		memcpy(user, s + 1, n - 1);
		user[n - 1] = '\0';
		pw = getpwnam(user);
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return 0;
	puts_f(x, home, F_QUOTED);
	return n;
}

/* Whether the double-quoted text @s is a bare $@: with no parameters it makes no field. */
static int is_bare_at(const char *s, size_t len)
{
	return (len == 2 && memcmp(s, "$@", 2) == 0) || (len == 4 && memcmp(s, "${@}", 4) == 0);
}

static void expand_part(struct ectx *x, const char *s, size_t len, int dq)
{
	size_t i = 0, end;

	while (i < len && !x->failed) {
		char c = s[i];
		if (c == '\'' && !dq) {
			end = skip_part(s, len, i);
			if (end - i > 2)
				put_n(x, s + i + 1, end - i - 2, F_QUOTED);
			else
				put(x, '\0', F_MARK), x->b.marks++;
			x->quoted_seen = 1;
			x->quoted_other = 1;
			i = end;
		} else if (c == '"' && !dq) {
			size_t inner;
			end = skip_part(s, len, i);
			inner = end - i - 2 < len ? end - i - 2 : 0;
			size_t before = x->b.len;
			x->quoted_seen = 1;
			if (!is_bare_at(s + i + 1, inner))
				x->quoted_other = 1;
			expand_part(x, s + i + 1, inner, 1);
			if (x->b.len == before && x->quoted_other)
				put(x, '\0', F_MARK), x->b.marks++;
			i = end;
		} else if (c == '"' && (!x->heredoc || x->brace_word)) {
			i++;   /* "${u:-"word"}": quotes inside a quoted ${} word are removed */
		} else if (c == '\\') {
			const char *esc = x->heredoc ? "$`\\\n" : "$`\"\\\n";
			if (i + 1 >= len) {
				put(x, '\\', F_QUOTED);
				i++;
			} else if (!dq || strchr(esc, s[i + 1]) || (x->brace_word && s[i + 1] == '}')) {
				if (s[i + 1] != '\n')
					put(x, s[i + 1], F_QUOTED);
				i += 2;
			} else {
				put(x, '\\', F_QUOTED);
				i++;
			}
		} else if (c == '$') {
			i = expand_dollar(x, s, len, i, dq);
		} else if (c == '`') {
			end = skip_to(s, len, i + 1, '`');
			expand_backquote(x, s + i + 1, end - i - 1, dq);
			i = end + 1;
		} else if (c == ':' && x->assign && !dq && i + 1 < len && s[i + 1] == '~') {
			put(x, c, x->brace_word ? F_SPLIT : 0);
			i++;
			i += expand_tilde(x, s + i, len - i);
			if (s[i] == '~')
				put(x, s[i++], x->brace_word ? F_SPLIT : 0);
		} else {
			put(x, c, dq ? F_QUOTED : x->brace_word ? F_SPLIT : 0);
			i++;
		}
	}
}

/* A word that may start with a tilde prefix (unquoted only). */
static void expand_part_tilde(struct ectx *x, const char *s, size_t len, int dq)
{
	size_t start = 0;

	if (!dq && len && s[0] == '~')
		start = expand_tilde(x, s, len);
	expand_part(x, s + start, len - start, dq);
}

/* A whole word; in an assignment the tilde prefix comes after the name's '='. */
static void expand_word(struct ectx *x, const char *raw)
{
	size_t len = strlen(raw), start = 0;
	const char *eq;

	if (x->assign && (eq = strchr(raw, '='))) {
		start = (size_t)(eq - raw) + 1;
		for (size_t i = 0; i < start; i++)
			put(x, raw[i], 0);
	}
	expand_part_tilde(x, raw + start, len - start, 0);
}

/* Where no fields are made, the marks of empty quotes go: the buffer is one string. */
static void strip_marks(struct ebuf *b)
{
	size_t o = 0;

	if (!b->marks)
		return;
	b->marks = 0;
	for (size_t i = 0; i < b->len; i++)
		if (!(b->f[i] & F_MARK))
			b->s[o] = b->s[i], b->f[o++] = b->f[i];
	b->len = o;
	if (b->s)
		b->s[o] = '\0';
}

/* The string of ${name=word}, ${name?word} and $((...)): no fields, failure passed on. */
static char *expand_to_string(struct ectx *outer, const char *s, size_t len, int dq)
{
	struct ectx x = { .sh = outer->sh, .assign = outer->assign };
	char *out;

	expand_part_tilde(&x, s, len, dq);
	strip_marks(&x.b);
	out = x.b.s ? x.b.s : scratch_strndup("", 0);
	if (x.failed)
		outer->failed = 1;
	return out;
}

/* The buffer as a malloc'd string for the caller, and the scratch memory back to @m. */
static char *result(struct ectx *x, struct arena_mark m)
{
	char *out;

	strip_marks(&x->b);
	out = strndup(x->b.s ? x->b.s : "", x->b.len);

	if (!out)
		abort();
	arena_release(scratch, m);
	return out;
}

/* ---- public entry points ---- */

static char *expand_one(struct shell *sh, const char *raw, int assign)
{
	struct arena_mark m = scratch_mark();
	struct ectx x = { .sh = sh, .assign = assign };
	char *out;

	expand_word(&x, raw);
	out = result(&x, m);
	if (x.failed) {
		free(out);
		expansion_failed(sh);
		return NULL;
	}
	return out;
}

char *expand_string(struct shell *sh, const char *raw)
{
	return expand_one(sh, raw, 0);
}

char *expand_assignment(struct shell *sh, const char *raw)
{
	return expand_one(sh, raw, 1);
}

char *expand_heredoc(struct shell *sh, const char *body)
{
	struct arena_mark m = scratch_mark();
	struct ectx x = { .sh = sh, .heredoc = 1 };
	char *out;

	expand_part(&x, body, strlen(body), 1);
	out = result(&x, m);
	if (x.failed) {
		free(out);
		return NULL;
	}
	return out;
}

/* Quoted characters that the matcher would read as special get a backslash (scratch memory). */
static char *to_pattern(const struct ebuf *b)
{
	char *out = arena_alloc_raw(scratch, b->len * 2 + 1), *o = out;

	for (size_t i = 0; i < b->len; i++) {
		if (b->f[i] & F_MARK)
			continue;
		if ((b->f[i] & F_QUOTED) && b->s[i] && strchr("*?[]\\!-:", b->s[i]))
			*o++ = '\\';
		*o++ = b->s[i];
	}
	*o = '\0';
	return out;
}

static char *pattern_of(struct shell *sh, const char *raw)
{
	struct ectx x = { .sh = sh };

	expand_word(&x, raw);
	return to_pattern(&x.b);
}

char *expand_pattern(struct shell *sh, const char *raw)
{
	struct arena_mark m = scratch_mark();
	struct ectx x = { .sh = sh };
	char *out;

	expand_word(&x, raw);
	if (!(out = strdup(to_pattern(&x.b))))
		abort();
	arena_release(scratch, m);
	if (x.failed) {   /* e.g. $((1/0)) in a case pattern: as fatal as anywhere else */
		free(out);
		expansion_failed(sh);
		return NULL;
	}
	return out;
}

/* ---- fields ---- */

struct fields {
	char ***v;
	int *n;
	struct ebuf cur;
	int have;
};

/* Whether the field has an unquoted * ? or [: only then can it be a pattern. */
static int field_may_glob(const struct ebuf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (!(b->f[i] & F_QUOTED) && (b->s[i] == '*' || b->s[i] == '?' || b->s[i] == '['))
			return 1;
	return 0;
}

static void field_end(struct shell *sh, struct fields *fl, int host_glob)
{
	char *pat, **v;
	int matched = 0;

	if (!sh->opt_noglob && field_may_glob(&fl->cur) && glob_has_magic(pat = to_pattern(&fl->cur)))
		matched = host_glob ? hostglob_expand(sh, pat, fl->v, fl->n)
				    : glob_expand(pat, glob_list_local, NULL, fl->v, fl->n);
	if (matched <= 0) {
		v = realloc(*fl->v, sizeof(char *) * (size_t)(*fl->n + 2));
		if (!v)
			abort();
		*fl->v = v;
		v[*fl->n] = strndup(fl->cur.s ? fl->cur.s : "", fl->cur.len);
		v[++*fl->n] = NULL;
	}
	fl->cur.len = 0;
	fl->have = 0;
}

static void field_put(struct fields *fl, char c, unsigned char f)
{
	struct ebuf *b = &fl->cur;

	if (b->len + 1 >= b->cap)
		ebuf_grow(b);
	b->s[b->len] = c;
	b->f[b->len++] = f;
	b->s[b->len] = '\0';
	fl->have = 1;
}

static int is_ifs_white(char c, const char *ifs)
{
	return (c == ' ' || c == '\t' || c == '\n') && strchr(ifs, c);
}

/* Whether anything in @b came from an unquoted expansion: only then is IFS asked. */
static int has_splittable(const struct ebuf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->f[i] & F_SPLIT)
			return 1;
	return 0;
}

/* Whether @b holds anything that splitting acts on: a splittable character, a break, a mark. */
static int needs_split(const struct ebuf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->f[i] & (F_SPLIT | F_BREAK | F_MARK))
			return 1;
	return 0;
}

static void split(struct shell *sh, struct ectx *x, struct fields *fl, int host_glob)
{
	const char *ifs = has_splittable(&x->b) ? var_get(sh, "IFS") : "";
	int after_white = 0;

	if (!ifs)
		ifs = " \t\n";
	for (size_t i = 0; i < x->b.len; i++) {
		char c = x->b.s[i];
		unsigned char f = x->b.f[i];
		if (f & F_BREAK) {
			if (fl->have || (f & F_QUOTED))   /* unquoted $@ drops empty fields */
				field_end(sh, fl, host_glob);
			after_white = 0;
		} else if ((f & F_SPLIT) && c && strchr(ifs, c)) {
			if (is_ifs_white(c, ifs)) {
				if (fl->have)
					field_end(sh, fl, host_glob), after_white = 1;
			} else {
				if (fl->have || !after_white)
					field_end(sh, fl, host_glob);
				after_white = 0;
			}
		} else if (f & F_MARK) {
			fl->have = 1;
			after_white = 0;
		} else {
			field_put(fl, c, f);
			after_white = 0;
		}
	}
	int vanish = x->at_empty && !x->quoted_other;   /* "$@" alone, no parameters */

	if (fl->have || (x->quoted_seen && !vanish && x->b.len == 0) ||
	    (x->quoted_seen && fl->cur.len == 0 && x->b.len && !(x->b.f[x->b.len - 1] & F_SPLIT) &&
	     !vanish))
		field_end(sh, fl, host_glob);
}

int expand_fields(struct shell *sh, const char *raw, char ***out, int *n, int host_glob)
{
	struct arena_mark m = scratch_mark();
	struct ectx x = { .sh = sh, .full = 1 };
	struct fields fl = { out, n, { 0 }, 0 };

	expand_word(&x, raw);
	if (!x.failed && !needs_split(&x.b)) {
		fl.cur = x.b;   /* literal text, quoted parts: the word is the one field */
		if (x.b.len || (x.quoted_seen && !(x.at_empty && !x.quoted_other)))
			field_end(sh, &fl, host_glob);
	} else if (!x.failed) {
		split(sh, &x, &fl, host_glob);
	}
	arena_release(scratch, m);
	if (x.failed)
		expansion_failed(sh);
	return x.failed ? -1 : 0;
}
