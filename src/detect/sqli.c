/* SQL injection detector.
 *
 * The input is tokenized as SQL three times: as a bare value pasted into a
 * query, as if it started inside a '...' literal and as if it started inside
 * a "..." literal (the first quote of that kind then closes the literal).
 * Each token stream is walked by a small grammar checker that knows what may
 * follow an operand and what may follow an operator or clause keyword. Prose
 * breaks that grammar within a token or two (two words in a row, a value
 * after a value); an injection keeps to it and adds structure: a logic
 * operator, UNION SELECT, a stacked statement, a comment that cuts off the
 * rest of the query. The walk records such structure as features, and the
 * verdict for each context weighs them against the sensitivity level. */
#include <string.h>

#include "detect/detect.h"

#define MAX_TOKENS 384 /* tokens examined per context; bounds the work */
#define MAX_DEPTH  32
#define MAX_WORD   40 /* longest keyword we look up */

enum tok_type {
	T_NUM = 1,
	T_STR,
	T_IDENT,
	T_VAR,
	T_KW,
	T_OP,
	T_LPAREN,
	T_RPAREN,
	T_COMMA,
	T_SEMI,
	T_STAR,
	T_COMMENT, /* a comment that runs to the end of the input */
	T_OTHER,
};

enum op_class { OP_CMP = 1, OP_ARITH, OP_LOGIC, OP_NOT, OP_ASSIGN, OP_CAST };

/* Token flags */
#define TF_OPEN     0x01 /* string literal not closed before the end */
#define TF_BOUNDARY 0x02 /* the rest of the literal the input started in */
#define TF_PRECOMM  0x04 /* an inline comment came right before this token */
#define TF_FUNC     0x08 /* word directly followed by '(' */
#define TF_SYSVAR   0x10 /* @@name */
#define TF_HEXLIT   0x20 /* 0x... or x'...' literal */
#define TF_EXEC     0x40 /* MySQL executable comment seen */

typedef struct tok {
	uint8_t type, sub, flags, kw;
	uint32_t off, len;
} tok;

/* Keywords. Each is its own id so the walker can switch on it; the class
 * says what role it plays. */
enum kw_id {
	K_NONE,
	K_ALL,
	K_ALTER,
	K_AND,
	K_AS,
	K_ASC,
	K_BEGIN,
	K_BETWEEN,
	K_BINARY,
	K_BY,
	K_CALL,
	K_CASE,
	K_COLLATE,
	K_CREATE,
	K_CROSS,
	K_DECLARE,
	K_DELAY,
	K_DELETE,
	K_DESC,
	K_DISTINCT,
	K_DIV,
	K_DO,
	K_DROP,
	K_DUMPFILE,
	K_ELSE,
	K_END,
	K_EXCEPT,
	K_EXEC,
	K_EXISTS,
	K_FALSE,
	K_FOR,
	K_FROM,
	K_FULL,
	K_GRANT,
	K_GROUP,
	K_HAVING,
	K_IF,
	K_ILIKE,
	K_IN,
	K_INNER,
	K_INSERT,
	K_INTERSECT,
	K_INTO,
	K_IS,
	K_JOIN,
	K_KILL,
	K_LEFT,
	K_LIKE,
	K_LIMIT,
	K_LOAD,
	K_MOD,
	K_NOT,
	K_NULL,
	K_OFFSET,
	K_ON,
	K_OR,
	K_ORDER,
	K_OUTER,
	K_OUTFILE,
	K_PROCEDURE,
	K_REGEXP,
	K_REPLACE,
	K_REVOKE,
	K_RIGHT,
	K_RLIKE,
	K_SELECT,
	K_SET,
	K_SHOW,
	K_SHUTDOWN,
	K_SOUNDS,
	K_THEN,
	K_TOP,
	K_TRUE,
	K_TRUNCATE,
	K_UNION,
	K_UPDATE,
	K_USING,
	K_VALUES,
	K_WAITFOR,
	K_WHEN,
	K_WHERE,
	K_WHILE,
	K_XOR,
};

typedef struct kw_entry {
	const char *name;
	uint8_t id;
} kw_entry;

/* Sorted by name for binary search. */
static const kw_entry keywords[] = {
    {"ALL", K_ALL},
    {"ALTER", K_ALTER},
    {"AND", K_AND},
    {"AS", K_AS},
    {"ASC", K_ASC},
    {"BEGIN", K_BEGIN},
    {"BETWEEN", K_BETWEEN},
    {"BINARY", K_BINARY},
    {"BY", K_BY},
    {"CALL", K_CALL},
    {"CASE", K_CASE},
    {"COLLATE", K_COLLATE},
    {"CREATE", K_CREATE},
    {"CROSS", K_CROSS},
    {"DECLARE", K_DECLARE},
    {"DELAY", K_DELAY},
    {"DELETE", K_DELETE},
    {"DESC", K_DESC},
    {"DISTINCT", K_DISTINCT},
    {"DIV", K_DIV},
    {"DO", K_DO},
    {"DROP", K_DROP},
    {"DUMPFILE", K_DUMPFILE},
    {"ELSE", K_ELSE},
    {"END", K_END},
    {"EXCEPT", K_EXCEPT},
    {"EXEC", K_EXEC},
    {"EXECUTE", K_EXEC},
    {"EXISTS", K_EXISTS},
    {"FALSE", K_FALSE},
    {"FOR", K_FOR},
    {"FROM", K_FROM},
    {"FULL", K_FULL},
    {"GRANT", K_GRANT},
    {"GROUP", K_GROUP},
    {"HAVING", K_HAVING},
    {"IF", K_IF},
    {"ILIKE", K_ILIKE},
    {"IN", K_IN},
    {"INNER", K_INNER},
    {"INSERT", K_INSERT},
    {"INTERSECT", K_INTERSECT},
    {"INTO", K_INTO},
    {"IS", K_IS},
    {"JOIN", K_JOIN},
    {"KILL", K_KILL},
    {"LEFT", K_LEFT},
    {"LIKE", K_LIKE},
    {"LIMIT", K_LIMIT},
    {"LOAD", K_LOAD},
    {"MOD", K_MOD},
    {"NOT", K_NOT},
    {"NULL", K_NULL},
    {"OFFSET", K_OFFSET},
    {"ON", K_ON},
    {"OR", K_OR},
    {"ORDER", K_ORDER},
    {"OUTER", K_OUTER},
    {"OUTFILE", K_OUTFILE},
    {"PROCEDURE", K_PROCEDURE},
    {"REGEXP", K_REGEXP},
    {"REPLACE", K_REPLACE},
    {"REVOKE", K_REVOKE},
    {"RIGHT", K_RIGHT},
    {"RLIKE", K_RLIKE},
    {"SELECT", K_SELECT},
    {"SET", K_SET},
    {"SHOW", K_SHOW},
    {"SHUTDOWN", K_SHUTDOWN},
    {"SOUNDS", K_SOUNDS},
    {"THEN", K_THEN},
    {"TOP", K_TOP},
    {"TRUE", K_TRUE},
    {"TRUNCATE", K_TRUNCATE},
    {"UNION", K_UNION},
    {"UPDATE", K_UPDATE},
    {"USING", K_USING},
    {"VALUES", K_VALUES},
    {"WAITFOR", K_WAITFOR},
    {"WHEN", K_WHEN},
    {"WHERE", K_WHERE},
    {"WHILE", K_WHILE},
    {"XOR", K_XOR},
};

/* Functions by what calling them from an injected fragment tells us. */
enum fn_class { FN_NONE, FN_STRONG, FN_INFO };

typedef struct fn_entry {
	const char *name;
	uint8_t cls;
} fn_entry;

/* Sorted by name. STRONG: delays, error-message extraction, file access,
 * command execution: no ordinary value calls these. INFO: functions an
 * attacker uses to read or encode data (version, string slicing, char). */
static const fn_entry functions[] = {
    {"ASCII", FN_INFO},
    {"BENCHMARK", FN_STRONG},
    {"BIN", FN_INFO},
    {"CAST", FN_INFO},
    {"CHAR", FN_INFO},
    {"CHR", FN_INFO},
    {"CONCAT", FN_INFO},
    {"CONCAT_WS", FN_INFO},
    {"CONVERT", FN_INFO},
    {"COUNT", FN_INFO},
    {"CURRENT_USER", FN_INFO},
    {"DATABASE", FN_INFO},
    {"DBMS_LOCK.SLEEP", FN_STRONG},
    {"DBMS_PIPE.RECEIVE_MESSAGE", FN_STRONG},
    {"DB_NAME", FN_INFO},
    {"EXP", FN_INFO},
    {"EXTRACTVALUE", FN_STRONG},
    {"FLOOR", FN_INFO},
    {"GROUP_CONCAT", FN_INFO},
    {"GTID_SUBSET", FN_STRONG},
    {"HEX", FN_INFO},
    {"IFNULL", FN_INFO},
    {"ISNULL", FN_INFO},
    {"JSON_KEYS", FN_INFO},
    {"LENGTH", FN_INFO},
    {"LOAD_FILE", FN_STRONG},
    {"LOWER", FN_INFO},
    {"MAKE_SET", FN_INFO},
    {"MD5", FN_INFO},
    {"MID", FN_INFO},
    {"NAME_CONST", FN_STRONG},
    {"NCHAR", FN_INFO},
    {"OPENROWSET", FN_STRONG},
    {"ORD", FN_INFO},
    {"PG_READ_FILE", FN_STRONG},
    {"PG_SLEEP", FN_STRONG},
    {"POLYGON", FN_STRONG},
    {"RAND", FN_INFO},
    {"RANDOMBLOB", FN_STRONG},
    {"SCHEMA", FN_INFO},
    {"SESSION_USER", FN_INFO},
    {"SLEEP", FN_STRONG},
    {"SUBSTR", FN_INFO},
    {"SUBSTRING", FN_INFO},
    {"SYSTEM_USER", FN_INFO},
    {"UNHEX", FN_INFO},
    {"UPDATEXML", FN_STRONG},
    {"UPPER", FN_INFO},
    {"USER", FN_INFO},
    {"UTL_HTTP.REQUEST", FN_STRONG},
    {"UTL_INADDR.GET_HOST_ADDRESS", FN_STRONG},
    {"UTL_INADDR.GET_HOST_NAME", FN_STRONG},
    {"VERSION", FN_INFO},
    {"XP_CMDSHELL", FN_STRONG},
    {"XP_DIRTREE", FN_STRONG},
};

static int up(int c)
{
	return (c >= 'a' && c <= 'z') ? c - 32 : c;
}

/* Copies the word at p[0..n) upper-cased into buf; false when too long. */
static bool upper_word(const uint8_t *p, size_t n, char *buf)
{
	if (n == 0 || n >= MAX_WORD)
		return false;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)up(p[i]);
	buf[n] = 0;
	return true;
}

static int kw_lookup(const uint8_t *p, size_t n)
{
	char buf[MAX_WORD];
	if (!upper_word(p, n, buf))
		return K_NONE;
	size_t lo = 0, hi = sizeof keywords / sizeof keywords[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(buf, keywords[mid].name);
		if (c == 0)
			return keywords[mid].id;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return K_NONE;
}

static int fn_lookup(const uint8_t *p, size_t n)
{
	char buf[MAX_WORD];
	if (!upper_word(p, n, buf))
		return FN_NONE;
	size_t lo = 0, hi = sizeof functions / sizeof functions[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(buf, functions[mid].name);
		if (c == 0)
			return functions[mid].cls;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return FN_NONE;
}

static bool has_prefix_ci(const uint8_t *p, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (up(p[i]) != pre[i])
			return false;
	return true;
}

static bool is_word_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_word(int c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	       c == 0 || c == 0xa0;
}

typedef struct lexer {
	const uint8_t *p;
	size_t n, i;
	bool exec; /* inside a MySQL executable comment */
} lexer;

/* Scans a quoted literal that starts at p[i] == q; returns the end offset
 * (after the closing quote, or n). Doubled quotes and, for ' and ",
 * backslashes escape. */
static size_t scan_quoted(const uint8_t *p, size_t n, size_t i, uint8_t q, bool bslash, bool *open)
{
	for (i++; i < n; i++) {
		if (bslash && p[i] == '\\') {
			i++;
			continue;
		}
		if (p[i] == q) {
			if (i + 1 < n && p[i + 1] == q) {
				i++;
				continue;
			}
			*open = false;
			return i + 1;
		}
	}
	*open = true;
	return n;
}

static bool only_space_after(const uint8_t *p, size_t n, size_t i)
{
	for (; i < n; i++)
		if (!is_space(p[i]))
			return false;
	return true;
}

/* Skips whitespace and comments that do not end the input. Returns true
 * when a comment was skipped. */
static bool skip_space(lexer *lx, uint8_t *flags)
{
	const uint8_t *p = lx->p;
	size_t n = lx->n;
	bool comm = false;
	for (;;) {
		size_t i = lx->i;
		while (i < n && is_space(p[i]))
			i++;
		lx->i = i;
		if (i + 1 < n && p[i] == '/' && p[i + 1] == '*') {
			if (i + 2 < n && p[i + 2] == '!') {
				/* MySQL runs the content: treat the markers as space. */
				i += 3;
				while (i < n && is_digit(p[i]))
					i++;
				lx->i = i;
				lx->exec = true;
				*flags |= TF_EXEC;
				continue;
			}
			size_t j = i + 2;
			while (j + 1 < n && !(p[j] == '*' && p[j + 1] == '/'))
				j++;
			if (j + 1 >= n)
				return comm; /* unterminated: a T_COMMENT token */
			lx->i = j + 2;
			comm = true;
			continue;
		}
		if (lx->exec && i + 1 < n && p[i] == '*' && p[i + 1] == '/') {
			lx->i = i + 2;
			lx->exec = false;
			continue;
		}
		if (i >= n)
			return comm;
		bool line = (p[i] == '#') || (i + 1 < n && p[i] == '-' && p[i + 1] == '-');
		if (line) {
			size_t j = i;
			while (j < n && p[j] != '\n')
				j++;
			if (only_space_after(p, n, j))
				return comm; /* runs to the end: a T_COMMENT token */
			lx->i = j + 1;
			comm = true;
			continue;
		}
		return comm;
	}
}

static bool lex_next(lexer *lx, tok *t)
{
	const uint8_t *p = lx->p;
	size_t n = lx->n;
	uint8_t flags = 0;
	if (skip_space(lx, &flags))
		flags |= TF_PRECOMM;
	size_t i = lx->i;
	if (i >= n)
		return false;
	memset(t, 0, sizeof *t);
	t->off = (uint32_t)i;
	t->flags = flags;
	uint8_t c = p[i];
	size_t e = i + 1;
	bool open = false;

	if (c == '#' || (c == '-' && i + 1 < n && p[i + 1] == '-') ||
	    (c == '/' && i + 1 < n && p[i + 1] == '*')) {
		t->type = T_COMMENT;
		e = n;
	} else if (c == '\'' || c == '"') {
		t->type = T_STR;
		e = scan_quoted(p, n, i, c, true, &open);
		if (open)
			t->flags |= TF_OPEN;
	} else if (c == '`') {
		t->type = T_IDENT;
		e = scan_quoted(p, n, i, c, false, &open);
	} else if (c == '[') {
		size_t j = i + 1;
		while (j < n && j < i + 64 && (is_word(p[j]) || p[j] == ' '))
			j++;
		if (j < n && p[j] == ']' && j > i + 1) {
			t->type = T_IDENT;
			e = j + 1;
		} else {
			t->type = T_OTHER;
		}
	} else if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(p[i + 1]))) {
		t->type = T_NUM;
		if (c == '0' && i + 2 < n && (p[i + 1] == 'x' || p[i + 1] == 'X') &&
		    is_hex(p[i + 2])) {
			e = i + 2;
			while (e < n && is_hex(p[e]))
				e++;
			t->flags |= TF_HEXLIT;
		} else if (c == '0' && i + 2 < n && (p[i + 1] == 'b' || p[i + 1] == 'B') &&
		           (p[i + 2] == '0' || p[i + 2] == '1')) {
			e = i + 2;
			while (e < n && (p[e] == '0' || p[e] == '1'))
				e++;
		} else {
			e = i;
			while (e < n && is_digit(p[e]))
				e++;
			if (e < n && p[e] == '.') {
				e++;
				while (e < n && is_digit(p[e]))
					e++;
			}
			if (e < n && (p[e] == 'e' || p[e] == 'E')) {
				size_t j = e + 1;
				if (j < n && (p[j] == '+' || p[j] == '-'))
					j++;
				if (j < n && is_digit(p[j])) {
					e = j;
					while (e < n && is_digit(p[e]))
						e++;
				}
			}
			if (e < n && is_word_start(p[e])) {
				/* 1union: the number ends where a keyword starts;
				 * 1abc is a MySQL identifier */
				size_t w = e;
				while (w < n && is_word(p[w]))
					w++;
				if (!kw_lookup(p + e, w - e)) {
					t->type = T_IDENT;
					e = w;
				}
			}
		}
	} else if (is_word_start(c)) {
		e = i;
		while (e < n && (is_word(p[e]) || (p[e] == '.' && e + 1 < n &&
		                                   (is_word(p[e + 1]) || p[e + 1] == '.'))))
			e++;
		size_t wl = e - i;
		/* N'..', X'..', B'..', E'..' and _charset'..' literals */
		if (e < n && p[e] == '\'' &&
		    ((wl == 1 && strchr("NnXxBbEe", c)) || (c == '_' && wl > 1))) {
			t->type = T_STR;
			if (up(c) == 'X')
				t->flags |= TF_HEXLIT;
			e = scan_quoted(p, n, e, '\'', true, &open);
			if (open)
				t->flags |= TF_OPEN;
		} else {
			t->kw = (uint8_t)kw_lookup(p + i, wl);
			t->type = t->kw ? T_KW : T_IDENT;
			if (t->kw == K_AND || t->kw == K_OR || t->kw == K_XOR) {
				t->type = T_OP;
				t->sub = OP_LOGIC;
			} else if (t->kw == K_NOT) {
				t->type = T_OP;
				t->sub = OP_NOT;
			} else if (t->kw == K_DIV || t->kw == K_MOD) {
				t->type = T_OP;
				t->sub = OP_ARITH;
			}
			/* a word directly followed by '(' is a call */
			size_t j = e;
			while (j < n && is_space(p[j]))
				j++;
			if (j < n && p[j] == '(')
				t->flags |= TF_FUNC;
		}
	} else if (c == '@') {
		t->type = T_VAR;
		e = i + 1;
		if (e < n && p[e] == '@') {
			e++;
			t->flags |= TF_SYSVAR;
		}
		if (e < n && (p[e] == '\'' || p[e] == '"' || p[e] == '`')) {
			e = scan_quoted(p, n, e, p[e], false, &open);
		} else {
			size_t s = e;
			while (e < n && (is_word(p[e]) || p[e] == '.'))
				e++;
			if (e == s)
				t->type = T_OTHER;
		}
	} else if (c == '\\' && i + 1 < n && p[i + 1] == 'N') {
		/* MySQL's \N is NULL */
		t->type = T_KW;
		t->kw = K_NULL;
		e = i + 2;
	} else if (c == '(') {
		t->type = T_LPAREN;
	} else if (c == ')') {
		t->type = T_RPAREN;
	} else if (c == ',') {
		t->type = T_COMMA;
	} else if (c == ';') {
		t->type = T_SEMI;
	} else if (c == '*') {
		t->type = T_STAR;
	} else {
		uint8_t d = i + 1 < n ? p[i + 1] : 0;
		uint8_t d2 = i + 2 < n ? p[i + 2] : 0;
		t->type = T_OP;
		switch (c) {
		case '=':
			t->sub = OP_CMP;
			if (d == '=') /* C and JavaScript, not SQL */
				t->type = T_OTHER;
			break;
		case '<':
			t->sub = OP_CMP;
			if (d == '=' && d2 == '>')
				e += 2;
			else if (d == '=' || d == '>')
				e++;
			else if (d == '<') {
				e++;
				t->sub = OP_ARITH;
			}
			break;
		case '>':
			t->sub = OP_CMP;
			if (d == '=')
				e++;
			else if (d == '>') {
				e++;
				t->sub = OP_ARITH;
			}
			break;
		case '!':
			if (d == '=' || d == '<' || d == '>') {
				e++;
				t->sub = OP_CMP;
			} else {
				t->sub = OP_NOT;
			}
			break;
		case '|':
			t->sub = OP_ARITH;
			if (d == '|') {
				e++;
				t->sub = OP_LOGIC;
			}
			break;
		case '&':
			/* a lone '&' is far more often a query-string separator
			 * in text than a bitwise AND */
			if (d == '&') {
				e++;
				t->sub = OP_LOGIC;
			} else if (is_word(d)) {
				t->type = T_OTHER;
			} else {
				t->sub = OP_ARITH;
			}
			break;
		case ':':
			if (d == '=') {
				e++;
				t->sub = OP_ASSIGN;
			} else if (d == ':') {
				e++;
				t->sub = OP_CAST;
			} else {
				t->type = T_OTHER;
			}
			break;
		case '+':
		case '-':
		case '/':
		case '%':
		case '^': t->sub = OP_ARITH; break;
		case '~': t->sub = OP_NOT; break;
		default: t->type = T_OTHER; break;
		}
	}
	t->len = (uint32_t)(e - i);
	lx->i = e;
	return true;
}

/* ---- the walk ---- */

enum feature {
	F_UNION,      /* UNION [ALL] SELECT */
	F_STACK,      /* ; followed by a statement */
	F_STMT,       /* the input is itself a statement */
	F_FN_STRONG,  /* sleep(), benchmark(), extractvalue(), load_file() ... */
	F_OUTFILE,    /* INTO OUTFILE / DUMPFILE */
	F_SUBQ,       /* (SELECT ... */
	F_LOGIC,      /* AND / OR / XOR / && / || with a complete right side */
	F_TAUT,       /* comparison between two literals: 1=1, 'a'='a' */
	F_CMP,        /* comparison with a complete right side */
	F_ARITH,      /* arithmetic operator with a complete right side */
	F_CLAUSE,     /* ORDER BY, GROUP BY, HAVING, LIMIT, PROCEDURE, FROM ... */
	F_FN_INFO,    /* version(), char(), concat(), substring() ... */
	F_FN_ANY,     /* any call */
	F_CASE,       /* CASE WHEN */
	F_SYSVAR,     /* @@version */
	F_SCHEMA,     /* information_schema, mysql.user, sysobjects ... */
	F_HEX,        /* hex-encoded string literal */
	F_COMMENT,    /* a comment ends the input after a complete expression */
	F_INLINE,     /* inline comment between tokens */
	F_LOGIC_LIT,  /* logic operator with a literal operand: 1 or 1 */
	F_LOGIC_WORD, /* logic operator between plain words: "black and white" */
	F_SUBQ_OP,    /* (SELECT ... in an operand position: =(SELECT, AND(SELECT */
	F_STAR,       /* SELECT * */
	F_CMP_WORD,   /* LIKE, IN, IS, REGEXP comparison */
	F_COUNT
};

enum clause { CL_EXPR, CL_SELECT, CL_FROM, CL_LIST };

typedef struct walk {
	const uint8_t *p;
	const tok *t;
	int k;
	bool quoted; /* started inside a literal */
	bool err;
	int err_at;
	int at[F_COUNT]; /* token index where each feature was seen, -1 if not */
	int end_at;      /* last token index consumed */
} walk;

static void feat(walk *w, int f, int i)
{
	if (w->at[f] < 0)
		w->at[f] = i;
}

static bool is_literal(const tok *t)
{
	return t->type == T_NUM || t->type == T_STR ||
	       (t->type == T_KW && (t->kw == K_NULL || t->kw == K_TRUE || t->kw == K_FALSE));
}

static bool is_operand(const tok *t)
{
	return t->type == T_NUM || t->type == T_STR || t->type == T_IDENT || t->type == T_VAR ||
	       (t->type == T_KW && (t->kw == K_NULL || t->kw == K_TRUE || t->kw == K_FALSE));
}

static bool is_schema_name(const uint8_t *p, const tok *t)
{
	const uint8_t *s = p + t->off;
	size_t n = t->len;
	if (n && s[0] == '`') {
		s++;
		n--;
	}
	return has_prefix_ci(s, n, "INFORMATION_SCHEMA") || has_prefix_ci(s, n, "MYSQL.") ||
	       has_prefix_ci(s, n, "SYSOBJECTS") || has_prefix_ci(s, n, "SYSCOLUMNS") ||
	       has_prefix_ci(s, n, "SYS.") || has_prefix_ci(s, n, "MASTER..") ||
	       has_prefix_ci(s, n, "MASTER.DBO") || has_prefix_ci(s, n, "PG_CATALOG") ||
	       has_prefix_ci(s, n, "PG_SHADOW") || has_prefix_ci(s, n, "PG_USER") ||
	       has_prefix_ci(s, n, "ALL_TABLES") || has_prefix_ci(s, n, "USER_TABLES") ||
	       has_prefix_ci(s, n, "SQLITE_MASTER") || has_prefix_ci(s, n, "MSYSOBJECTS");
}

/* Word kinds that may follow DROP / CREATE / ALTER / TRUNCATE. */
static bool is_object_word(const uint8_t *p, const tok *t)
{
	static const char *const objs[] = {"TABLE",    "DATABASE", "SCHEMA",   "USER",
	                                   "VIEW",     "INDEX",    "LOGIN",    "TRIGGER",
	                                   "FUNCTION", "EVENT",    "TEMPORARY"};
	char buf[MAX_WORD];
	if ((t->type != T_IDENT && t->type != T_KW) || !upper_word(p + t->off, t->len, buf))
		return t->type == T_KW && t->kw == K_PROCEDURE;
	for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
		if (strcmp(buf, objs[i]) == 0)
			return true;
	return t->type == T_KW && t->kw == K_PROCEDURE;
}

static bool word_is(const uint8_t *p, const tok *t, const char *w)
{
	size_t n = strlen(w);
	return (t->type == T_IDENT || t->type == T_KW) && t->len == n &&
	       has_prefix_ci(p + t->off, n, w);
}

/* Checks the statement that starts at token i (after ';' or at the start
 * of the input). Returns: 0 not a statement, 1 a statement whose rest the
 * walk should go on checking as a SELECT list, 2 a complete recognisable
 * statement (the walk may stop). */
static int statement_at(const walk *w, int i)
{
	const tok *t = w->t;
	int k = w->k;
	if (i >= k || t[i].type != T_KW)
		return 0;
	const tok *a = i + 1 < k ? &t[i + 1] : NULL;
	const tok *b = i + 2 < k ? &t[i + 2] : NULL;
	switch (t[i].kw) {
	case K_SELECT: return 1;
	case K_INSERT:
		return a && a->type == T_KW && a->kw == K_INTO && b &&
		               (b->type == T_IDENT || b->type == T_KW)
		           ? 2
		           : 0;
	case K_UPDATE:
		return a && a->type == T_IDENT && b && b->type == T_KW && b->kw == K_SET ? 2 : 0;
	case K_DELETE:
		return a && a->type == T_KW && a->kw == K_FROM && b && b->type == T_IDENT ? 2 : 0;
	case K_DROP:
	case K_CREATE:
	case K_ALTER:
		return a && is_object_word(w->p, a) && b &&
		               (b->type == T_IDENT || b->type == T_KW || b->type == T_VAR)
		           ? 2
		           : 0;
	case K_TRUNCATE: return a && (a->type == T_IDENT || word_is(w->p, a, "TABLE")) ? 2 : 0;
	case K_EXEC:
		/* a stored procedure (xp_, sp_, qualified), a variable or a string */
		return a && ((a->type == T_IDENT && (has_prefix_ci(w->p + a->off, a->len, "XP_") ||
		                                     has_prefix_ci(w->p + a->off, a->len, "SP_") ||
		                                     memchr(w->p + a->off, '.', a->len))) ||
		             a->type == T_VAR || a->type == T_LPAREN)
		           ? 2
		           : 0;
	case K_DECLARE: return a && a->type == T_VAR ? 2 : 0;
	case K_SET:
		return a && (a->type == T_VAR || a->type == T_IDENT) && b && b->type == T_OP &&
		               (b->sub == OP_CMP || b->sub == OP_ASSIGN)
		           ? 2
		           : 0;
	case K_SHUTDOWN: return !a || a->type == T_COMMENT || a->type == T_SEMI ? 2 : 0;
	case K_WAITFOR: return a && (word_is(w->p, a, "DELAY") || word_is(w->p, a, "TIME")) ? 2 : 0;
	case K_IF:
	case K_WHILE:
		return a && (a->type == T_LPAREN || (a->type == T_OP && a->sub == OP_NOT) ||
		             a->type == T_NUM || a->type == T_VAR ||
		             (a->type == T_KW && a->kw == K_EXISTS))
		           ? 2
		           : 0;
	case K_CALL:
	case K_DO: return a && (a->flags & TF_FUNC) ? 2 : 0;
	case K_GRANT:
	case K_REVOKE: return a && (a->type == T_KW || a->type == T_IDENT) ? 2 : 0;
	case K_KILL: return a && a->type == T_NUM ? 2 : 0;
	case K_LOAD: return a && (word_is(w->p, a, "DATA") || word_is(w->p, a, "XML")) ? 2 : 0;
	case K_SHOW:
		return a && (word_is(w->p, a, "TABLES") || word_is(w->p, a, "DATABASES") ||
		             word_is(w->p, a, "GRANTS") || word_is(w->p, a, "VARIABLES"))
		           ? 2
		           : 0;
	case K_BEGIN: return a && ((a->flags & TF_FUNC) || statement_at(w, i + 1)) ? 2 : 0;
	default: return 0;
	}
}

/* UNION [ALL|DISTINCT] [(] SELECT at token i; sets *sel to the SELECT's
 * index. Records F_UNION unless the left side is a plain word and the right
 * side a single word too ("credit union select account"). */
static bool union_at(walk *w, int i, int *sel, int last_operand)
{
	const tok *t = w->t;
	int k = w->k;
	int j = i + 1;
	while (j < k && t[j].type == T_KW && (t[j].kw == K_ALL || t[j].kw == K_DISTINCT))
		j++;
	while (j < k && t[j].type == T_LPAREN)
		j++;
	if (j >= k || t[j].type != T_KW || t[j].kw != K_SELECT)
		return false;
	const tok *a = j + 1 < k ? &t[j + 1] : NULL;
	bool word_left = last_operand < 0 || t[last_operand].type == T_IDENT;
	bool strong = !word_left ||
	              (a && (a->type != T_IDENT || (a->flags & TF_FUNC) ||
	                     (j + 2 < k && (t[j + 2].type == T_COMMA || t[j + 2].type == T_KW))));
	if (strong)
		feat(w, F_UNION, i);
	*sel = j;
	return true;
}

/* Walks the tokens, checking SQL grammar loosely and recording features.
 * Stops at the first grammar error, a comment running to the end, or a
 * complete stacked statement. */
static void walk_tokens(walk *w, int first)
{
	enum { ST_E, ST_V };
	const tok *t = w->t;
	int k = w->k;
	int st = first > 0 ? 1 : 0;
	int depth = 0, neg = 0;
	uint8_t clause[MAX_DEPTH];
	uint8_t aliased = 0;    /* an alias already followed the current item */
	int pend_logic = -1;    /* logic operator waiting for its right side */
	int pend_cmp = -1;      /* comparison waiting for its right side */
	int pend_arith = -1;    /* arithmetic operator waiting for its right side */
	bool cmp_lit_l = false; /* left side of the pending comparison is a literal */
	bool logic_lit = false;
	int last_operand = first - 1;
	int logic_word = -1; /* OR name: becomes a condition if a comparison follows */
	clause[0] = CL_EXPR;

	for (int i = first; i < k; i++) {
		const tok *c = &t[i];
		const tok *nx = i + 1 < k ? &t[i + 1] : NULL;
		w->end_at = i;
		if (c->flags & TF_PRECOMM)
			feat(w, F_INLINE, i);
		if (c->type == T_COMMENT) {
			if (st == ST_V || i == 0 || t[i - 1].type == T_SEMI)
				feat(w, F_COMMENT, i);
			return;
		}
		if (st == ST_E) {
			if (is_operand(c) && !(c->flags & TF_FUNC && nx && nx->type == T_LPAREN)) {
				if (c->type == T_VAR && (c->flags & TF_SYSVAR))
					feat(w, F_SYSVAR, i);
				if (c->type == T_IDENT && is_schema_name(w->p, c))
					feat(w, F_SCHEMA, i);
				if (c->type == T_IDENT && (word_is(w->p, c, "CURRENT_USER") ||
				                           word_is(w->p, c, "SYSTEM_USER") ||
				                           word_is(w->p, c, "SESSION_USER")))
					feat(w, F_FN_INFO, i);
				if (c->type != T_IDENT && clause[depth] == CL_SELECT)
					feat(w, F_STAR, i);
				if ((c->flags & TF_HEXLIT) && c->len >= 6)
					feat(w, F_HEX, i);
				if (pend_logic >= 0) {
					if (c->type == T_IDENT && !(c->flags & TF_OPEN) &&
					    t[i - 1].type == T_OP) {
						feat(w, F_LOGIC_WORD, pend_logic);
						logic_word = pend_logic;
					} else
						feat(w, F_LOGIC, pend_logic);
					if (is_literal(c) || logic_lit)
						feat(w, F_LOGIC_LIT, pend_logic);
					pend_logic = -1;
				}
				if (pend_cmp >= 0) {
					feat(w, F_CMP, pend_cmp);
					if (cmp_lit_l && is_literal(c))
						feat(w, F_TAUT, pend_cmp);
					pend_cmp = -1;
				}
				if (pend_arith >= 0) {
					feat(w, F_ARITH, pend_arith);
					pend_arith = -1;
				}
				st = ST_V;
				aliased = 0;
				last_operand = i;
				continue;
			}
			if ((c->type == T_IDENT ||
			     (c->type == T_KW &&
			      (c->kw == K_IF || c->kw == K_LEFT || c->kw == K_RIGHT ||
			       c->kw == K_REPLACE || c->kw == K_INSERT || c->kw == K_VALUES))) &&
			    (c->flags & TF_FUNC) && nx && nx->type == T_LPAREN) {
				int fc = fn_lookup(w->p + c->off, c->len);
				feat(w, F_FN_ANY, i);
				if (fc == FN_STRONG)
					feat(w, F_FN_STRONG, i);
				else if (fc == FN_INFO)
					feat(w, F_FN_INFO, i);
				if (depth + 1 >= MAX_DEPTH)
					return;
				clause[++depth] = CL_LIST;
				i++;
				/* empty argument list: version() */
				if (i + 1 < k && t[i + 1].type == T_RPAREN) {
					i++;
					depth--;
					goto operand_done;
				}
				continue;
			}
			switch (c->type) {
			case T_LPAREN:
				if (depth + 1 >= MAX_DEPTH)
					return;
				clause[++depth] = CL_EXPR;
				if (nx && nx->type == T_KW && nx->kw == K_SELECT) {
					feat(w, F_SUBQ, i);
					const tok *a = i + 2 < k ? &t[i + 2] : NULL;
					if (i > 0 && t[i - 1].type != T_LPAREN && a &&
					    (is_operand(a) || a->type == T_STAR ||
					     a->type == T_LPAREN ||
					     (a->type == T_KW && a->kw == K_TOP)))
						feat(w, F_SUBQ_OP, i);
				}
				continue;
			case T_STAR:
				feat(w, F_STAR, i);
				st = ST_V;
				continue;
			case T_OP:
				if (c->sub == OP_NOT ||
				    (c->sub == OP_ARITH && c->len == 1 &&
				     (w->p[c->off] == '-' || w->p[c->off] == '+')))
					continue;
				break;
			case T_KW:
				switch (c->kw) {
				case K_SELECT:
					clause[depth] = CL_SELECT;
					while (i + 1 < k && t[i + 1].type == T_KW &&
					       (t[i + 1].kw == K_ALL || t[i + 1].kw == K_DISTINCT))
						i++;
					if (i + 2 < k && t[i + 1].type == T_KW &&
					    t[i + 1].kw == K_TOP)
						i += 2;
					continue;
				case K_CASE: feat(w, F_CASE, i); continue;
				case K_WHEN:
					if (i > 0 && t[i - 1].type == T_KW && t[i - 1].kw == K_CASE)
						continue;
					break;
				case K_EXISTS:
				case K_BINARY: continue;
				case K_UNION: {
					/* the input itself starts with UNION SELECT */
					int j;
					if (i == 0 && union_at(w, i, &j, -1)) {
						clause[depth] = CL_SELECT;
						continue;
					}
					break;
				}
				case K_ALL:
				case K_DISTINCT:
					if (clause[depth] == CL_SELECT)
						continue;
					break;
				default: break;
				}
				break;
			case T_SEMI:
				if (i == 0 || t[i - 1].type == T_SEMI)
					goto semi;
				break;
			case T_RPAREN: break;
			default: break;
			}
			w->err = true;
			w->err_at = i;
			return;
		}

		/* ST_V: an operand is complete */
		if (logic_word >= 0 && logic_word + 2 == i &&
		    ((c->type == T_OP && c->sub == OP_CMP) ||
		     (c->type == T_KW &&
		      (c->kw == K_LIKE || c->kw == K_RLIKE || c->kw == K_IN || c->kw == K_REGEXP ||
		       c->kw == K_IS || c->kw == K_BETWEEN))))
			feat(w, F_LOGIC, logic_word);
		/* T-SQL runs a statement written right after a value: '... EXEC */
		if (w->quoted && depth <= 0 && c->type == T_KW) {
			int s = statement_at(w, i);
			if (s == 2 || (s == 1 && nx && (is_operand(nx) || nx->type == T_STAR))) {
				feat(w, F_STACK, i);
				return;
			}
		}
		switch (c->type) {
		case T_OP:
			if (c->sub == OP_LOGIC) {
				pend_logic = i;
				logic_lit = last_operand >= 0 && is_literal(&t[last_operand]);
			} else if (c->sub == OP_CMP) {
				pend_cmp = i;
				cmp_lit_l =
				    last_operand >= 0 && is_literal(&t[last_operand]) &&
				    (last_operand == 0 || t[last_operand - 1].type != T_OP ||
				     t[last_operand - 1].sub != OP_ARITH);
			} else if (c->sub == OP_NOT) {
				/* x NOT LIKE / NOT IN / NOT BETWEEN */
				if (nx && nx->type == T_KW &&
				    (nx->kw == K_LIKE || nx->kw == K_IN || nx->kw == K_BETWEEN ||
				     nx->kw == K_REGEXP || nx->kw == K_RLIKE ||
				     nx->kw == K_ILIKE)) {
					continue;
				}
				goto error;
			} else if (c->sub == OP_CAST) {
				if (nx && (nx->type == T_IDENT || nx->type == T_KW)) {
					i++;
					continue;
				}
				goto error;
			} else {
				pend_arith = i;
			}
			st = ST_E;
			continue;
		case T_STAR:
			pend_arith = i;
			st = ST_E;
			continue;
		case T_RPAREN:
			if (depth > 0) {
				depth--;
			} else if (++neg > 4) {
				goto error;
			}
			goto operand_done;
		case T_COMMA:
			aliased = 0;
			st = ST_E;
			continue;
		case T_SEMI: goto semi;
		case T_STR:
			/* adjacent literals concatenate; or an alias */
			if (t[i - 1].type == T_STR && !(t[i - 1].flags & TF_BOUNDARY))
				continue;
			/* fallthrough */
		case T_IDENT:
			if ((clause[depth] == CL_SELECT || clause[depth] == CL_FROM) && !aliased) {
				aliased = 1;
				continue;
			}
			goto error;
		case T_KW: break;
		default: goto error;
		}

		switch (c->kw) {
		case K_UNION:
		case K_INTERSECT:
		case K_EXCEPT: {
			int j = i;
			if (union_at(w, i, &j, last_operand)) {
				/* walk on inside the SELECT */
				for (int q = i + 1; q <= j; q++) {
					if (t[q].type == T_LPAREN) {
						if (depth + 1 >= MAX_DEPTH)
							return;
						clause[++depth] = CL_EXPR;
					}
				}
				clause[depth] = CL_SELECT;
				i = j;
				st = ST_E;
				continue;
			}
			if (i + 1 >= k)
				return; /* "1 UNION" at the end */
			goto error;
		}
		case K_FROM:
			/* SELECT x FROM, or substring(x FROM 2) */
			if (clause[depth] != CL_SELECT && !(depth > 0 && clause[depth] == CL_LIST))
				goto error;
			feat(w, F_CLAUSE, i);
			clause[depth] = CL_FROM;
			aliased = 0;
			st = ST_E;
			continue;
		case K_WHERE:
		case K_HAVING:
		case K_ON:
			/* WHERE and ON follow a table, HAVING a GROUP BY */
			if (clause[depth] != CL_FROM &&
			    !(c->kw == K_HAVING && clause[depth] == CL_LIST))
				goto error;
			feat(w, F_CLAUSE, i);
			clause[depth] = CL_EXPR;
			st = ST_E;
			continue;
		case K_JOIN:
			clause[depth] = CL_FROM;
			st = ST_E;
			continue;
		case K_INNER:
		case K_LEFT:
		case K_RIGHT:
		case K_CROSS:
		case K_FULL:
		case K_OUTER:
			if (clause[depth] == CL_FROM)
				continue;
			goto error;
		case K_GROUP:
		case K_ORDER:
			if (nx && nx->type == T_KW && nx->kw == K_BY) {
				feat(w, F_CLAUSE, i);
				clause[depth] = CL_LIST;
				i++;
				st = ST_E;
				continue;
			}
			goto error;
		case K_LIMIT:
		case K_OFFSET:
		case K_PROCEDURE:
			feat(w, F_CLAUSE, i);
			clause[depth] = CL_LIST;
			st = ST_E;
			continue;
		case K_INTO:
			if (nx && nx->type == T_KW &&
			    (nx->kw == K_OUTFILE || nx->kw == K_DUMPFILE)) {
				feat(w, F_OUTFILE, i);
				i++;
				st = ST_E;
				continue;
			}
			if (nx && (nx->type == T_VAR || nx->type == T_IDENT)) {
				feat(w, F_CLAUSE, i);
				continue;
			}
			goto error;
		case K_ASC:
		case K_DESC:
			if (clause[depth] == CL_LIST)
				continue;
			goto error;
		case K_AS:
		case K_USING:
		case K_COLLATE:
			if (nx && (nx->type == T_IDENT || nx->type == T_KW || nx->type == T_STR)) {
				i++;
				/* CAST(x AS CHAR(10)) */
				if (i + 1 < k && t[i + 1].type == T_LPAREN && i + 3 < k &&
				    t[i + 2].type == T_NUM && t[i + 3].type == T_RPAREN)
					i += 3;
				aliased = 1;
				continue;
			}
			goto error;
		case K_IS:
			if (!nx ||
			    (nx->type == T_KW &&
			     (nx->kw == K_NULL || nx->kw == K_TRUE || nx->kw == K_FALSE)) ||
			    (nx->type == T_OP && nx->sub == OP_NOT) ||
			    word_is(w->p, nx, "UNKNOWN")) {
				pend_cmp = i;
				cmp_lit_l = false;
				st = ST_E;
				continue;
			}
			goto error;
		case K_WAITFOR:
			if (nx && (word_is(w->p, nx, "DELAY") || word_is(w->p, nx, "TIME"))) {
				feat(w, F_FN_STRONG, i);
				return;
			}
			goto error;
		case K_LIKE:
		case K_RLIKE:
		case K_ILIKE:
		case K_REGEXP:
		case K_BETWEEN:
		case K_IN:
			feat(w, F_CMP_WORD, i);
			st = ST_E;
			continue;
		case K_SOUNDS:
			if (nx && nx->type == T_KW && nx->kw == K_LIKE) {
				i++;
				st = ST_E;
				continue;
			}
			goto error;
		case K_WHEN:
		case K_THEN:
		case K_ELSE:
			feat(w, F_CASE, i);
			st = ST_E;
			continue;
		case K_END: continue;
		case K_FOR:
			if (nx && (nx->type == T_IDENT || nx->type == T_KW)) {
				i++;
				continue;
			}
			goto error;
		default: goto error;
		}

	operand_done:
		if (pend_logic >= 0) {
			feat(w, F_LOGIC, pend_logic);
			pend_logic = -1;
		}
		if (pend_cmp >= 0) {
			feat(w, F_CMP, pend_cmp);
			pend_cmp = -1;
		}
		if (pend_arith >= 0) {
			feat(w, F_ARITH, pend_arith);
			pend_arith = -1;
		}
		st = ST_V;
		continue;

	semi : {
		if (i + 1 >= k)
			return;
		if (t[i + 1].type == T_COMMENT) {
			feat(w, F_COMMENT, i + 1);
			w->end_at = i + 1;
			return;
		}
		int s = statement_at(w, i + 1);
		if (s == 0)
			goto error;
		feat(w, F_STACK, i + 1);
		if (s == 2) {
			w->end_at = i + 2;
			return;
		}
		depth = 0;
		clause[0] = CL_SELECT;
		st = ST_E;
		i++;
		continue;
	}
	error:
		w->err = true;
		w->err_at = i;
		return;
	}
}

/* ---- verdicts ---- */

typedef struct verdict {
	int feature;
	int at;
} verdict;

static bool any(const walk *w, int f)
{
	return w->at[f] >= 0;
}

/* Features that prove a structure change even when the grammar breaks
 * later: the payload may be cut off or written for another database. */
static const int strong_features[] = {F_UNION, F_STACK, F_FN_STRONG, F_OUTFILE, F_SUBQ_OP};

/* A comment that cuts the query off right after the closing quote must look
 * like one: "--" then a space or the end, "#" or an unclosed block. */
static bool is_clean_comment(const walk *w, const tok *c)
{
	const uint8_t *s = w->p + c->off;
	if (s[0] == '-')
		return c->len == 2 || is_space(s[2]);
	return true;
}

static bool judge_quoted(const walk *w, sk_sqli_level level, verdict *v)
{
	for (size_t i = 0; i < sizeof strong_features / sizeof strong_features[0]; i++) {
		if (any(w, strong_features[i])) {
			v->feature = strong_features[i];
			return true;
		}
	}
	const tok *t1 = w->k > 1 ? &w->t[1] : NULL;
	/* tokens after the closing quote, not counting an empty literal left
	 * open at the end ("LIKE" in quotes is a word, not a comparison) */
	int body = w->k - 1;
	const tok *last = &w->t[w->k - 1];
	if (w->k > 1 && last->type == T_STR && (last->flags & TF_OPEN) && last->len == 1)
		body--;
	/* x'--  x')--  : only closing parentheses before the comment */
	int ci = 1;
	while (ci < w->k && w->t[ci].type == T_RPAREN)
		ci++;
	const tok *tc = ci < w->k ? &w->t[ci] : NULL;
	if (!w->err && tc && tc->type == T_COMMENT && w->p[tc->off] != '#' &&
	    is_clean_comment(w, tc)) {
		v->feature = F_COMMENT;
		return true;
	}
	/* x'OR 'a: a keyword glued to the closing quote of a non-empty value */
	if (!w->err && body >= 2 && w->t[0].len > 1 && is_word(w->p[w->t[0].len - 2]) && t1 &&
	    t1->off == w->t[0].len &&
	    (t1->type == T_KW || (t1->type == T_OP && t1->sub == OP_LOGIC)) &&
	    (any(w, F_CMP_WORD) || any(w, F_LOGIC_WORD))) {
		v->feature = any(w, F_CMP_WORD) ? F_CMP_WORD : F_LOGIC_WORD;
		return true;
	}
	if (!w->err && body >= 2) {
		static const int weak[] = {F_SUBQ, F_LOGIC,   F_CMP,    F_CLAUSE,
		                           F_CASE, F_FN_INFO, F_SCHEMA, F_SYSVAR};
		for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
			if (any(w, weak[i])) {
				v->feature = weak[i];
				return true;
			}
		}
	}
	if (level == SK_SQLI_HIGH && t1) {
		if (!w->err && (any(w, F_ARITH) || any(w, F_LOGIC_WORD) || any(w, F_COMMENT))) {
			v->feature = any(w, F_ARITH)        ? F_ARITH
			             : any(w, F_LOGIC_WORD) ? F_LOGIC_WORD
			                                    : F_COMMENT;
			return true;
		}
		/* a closing quote right before SQL syntax */
		if ((t1->type == T_OP && t1->sub == OP_LOGIC) ||
		    (t1->type == T_KW && t1->kw != K_NULL) || t1->type == T_SEMI) {
			v->feature = F_COUNT;
			v->at = 1;
			return true;
		}
	}
	return false;
}

/* Calls no ordinary text makes, found anywhere in the tokens whatever the
 * grammar around them: benchmark(, pg_sleep(, extractvalue(, xp_cmdshell.
 * sleep( alone is left to the grammar walk: people write "sleep(8h)". */
static int strong_call_anywhere(const uint8_t *p, const tok *t, int k)
{
	for (int i = 0; i < k; i++) {
		if (t[i].type != T_IDENT || !(t[i].flags & TF_FUNC || i + 1 < k))
			continue;
		const uint8_t *s = p + t[i].off;
		size_t n = t[i].len;
		size_t d = n;
		while (d > 0 && s[d - 1] != '.')
			d--;
		/* benchmark(count, expr), pg_sleep(5), load_file('/etc/passwd'):
		 * the first argument is not a plain name (C's BENCHMARK(BM_x)) */
		bool call = (t[i].flags & TF_FUNC) != 0 && i + 2 < k && t[i + 2].type != T_IDENT;
		if (call && n != 5 && fn_lookup(s, n) == FN_STRONG)
			return i;
		if (d > 0 && call && fn_lookup(s + d, n - d) == FN_STRONG && n - d != 5)
			return i;
		/* EXEC master..xp_cmdshell 'dir' */
		if (has_prefix_ci(s + d, n - d, "XP_CMDSHELL"))
			return i;
	}
	return -1;
}

static bool judge_bare(const walk *w, sk_sqli_level level, verdict *v)
{
	for (size_t i = 0; i < sizeof strong_features / sizeof strong_features[0]; i++) {
		if (any(w, strong_features[i])) {
			v->feature = strong_features[i];
			return true;
		}
	}
	if (any(w, F_STMT) && w->k > 0 && w->t[0].kw != K_SELECT) {
		v->feature = F_STMT;
		return true;
	}
	if (any(w, F_STMT) && (!w->err || w->err_at > 4) && any(w, F_CLAUSE) &&
	    (any(w, F_FN_ANY) || any(w, F_SYSVAR) || any(w, F_STAR) || any(w, F_CMP) ||
	     any(w, F_SCHEMA))) {
		v->feature = F_STMT;
		return true;
	}
	/* a grammar error far enough in does not undo what came before it */
	bool ok = !w->err || w->err_at >= 6;
	if (!ok)
		return false;
	if (any(w, F_SUBQ) && any(w, F_CLAUSE)) {
		v->feature = F_SUBQ;
		return true;
	}
	if ((any(w, F_LOGIC) || any(w, F_CASE)) &&
	    (any(w, F_TAUT) || any(w, F_FN_INFO) || any(w, F_SUBQ) || any(w, F_SYSVAR) ||
	     (!w->err && any(w, F_FN_ANY)))) {
		v->feature = any(w, F_TAUT) ? F_TAUT : any(w, F_CASE) ? F_CASE : F_LOGIC;
		return true;
	}
	if (any(w, F_TAUT) && any(w, F_FN_ANY) && !w->err) {
		v->feature = F_TAUT;
		return true;
	}
	if (any(w, F_FN_INFO) && (any(w, F_CMP) || any(w, F_LOGIC))) {
		v->feature = F_FN_INFO;
		return true;
	}
	if (any(w, F_SCHEMA) || any(w, F_SYSVAR)) {
		v->feature = any(w, F_SCHEMA) ? F_SCHEMA : F_SYSVAR;
		return true;
	}
	if (w->err)
		goto high;
	/* 1 ORDER BY 5, 3) LIMIT 1,1: a clause right after a number */
	int cl = w->at[F_CLAUSE];
	if (cl > 0 && (w->t[cl - 1].type == T_NUM || w->t[cl - 1].type == T_RPAREN) &&
	    (w->t[0].type == T_NUM || (w->t[0].type == T_OP && w->t[1].type == T_NUM))) {
		v->feature = F_CLAUSE;
		return true;
	}
	/* an expression with operators or parentheses, then a comment that
	 * cuts off whatever the query had after the value */
	if (any(w, F_COMMENT) && w->at[F_COMMENT] >= 2 &&
	    is_clean_comment(w, &w->t[w->at[F_COMMENT]])) {
		bool structure = false;
		for (int i = 0; i < w->at[F_COMMENT]; i++)
			if (w->t[i].type == T_LPAREN || w->t[i].type == T_RPAREN ||
			    w->t[i].type == T_STAR ||
			    (w->t[i].type == T_OP && w->t[i].sub == OP_CMP))
				structure = true;
		if (any(w, F_LOGIC))
			structure = true;
		if (structure) {
			v->feature = F_COMMENT;
			return true;
		}
	}
high:
	if (level == SK_SQLI_HIGH) {
		if (w->err && w->err_at < 3)
			return false;
		static const int hi[] = {F_LOGIC_LIT, F_FN_INFO, F_SUBQ, F_CASE, F_CLAUSE, F_TAUT};
		for (size_t i = 0; i < sizeof hi / sizeof hi[0]; i++) {
			if (any(w, hi[i])) {
				v->feature = hi[i];
				return true;
			}
		}
		if (!w->err && any(w, F_COMMENT) && w->k > 1) {
			v->feature = F_COMMENT;
			return true;
		}
		if (!w->err && any(w, F_INLINE) && w->k > 1 && w->t[0].type != T_STR) {
			v->feature = F_INLINE;
			return true;
		}
	}
	return false;
}

static const char *const feature_words[F_COUNT + 1] = {
    [F_UNION] = "UNION SELECT",
    [F_STACK] = "a stacked statement after ';'",
    [F_STMT] = "a complete SQL statement",
    [F_FN_STRONG] = "a time-delay, error or file function call",
    [F_OUTFILE] = "INTO OUTFILE/DUMPFILE",
    [F_SUBQ] = "a subquery",
    [F_LOGIC] = "a boolean AND/OR condition",
    [F_TAUT] = "a boolean condition comparing two constants",
    [F_CMP] = "a comparison",
    [F_ARITH] = "an arithmetic expression",
    [F_CLAUSE] = "a query clause (ORDER BY, LIMIT, FROM, ...)",
    [F_FN_INFO] = "a SQL function call",
    [F_FN_ANY] = "a function call",
    [F_CASE] = "a CASE WHEN expression",
    [F_SYSVAR] = "a @@system variable",
    [F_SCHEMA] = "a system catalog name",
    [F_HEX] = "a hex-encoded string",
    [F_COMMENT] = "a comment that cuts off the rest of the query",
    [F_INLINE] = "an inline comment between SQL tokens",
    [F_LOGIC_LIT] = "an AND/OR with a constant operand",
    [F_LOGIC_WORD] = "an AND/OR between words",
    [F_SUBQ_OP] = "a subquery used as an operand",
    [F_STAR] = "SELECT *",
    [F_CMP_WORD] = "a LIKE/IN/IS comparison",
    [F_COUNT] = "SQL syntax",
};

static void fill_match(sk_detect_match *m, const walk *w, const verdict *v, const char *ctx)
{
	if (!m)
		return;
	int at = v->feature < F_COUNT ? w->at[v->feature] : v->at;
	if (at < 0 || at >= w->k)
		at = 0;
	int last = w->err ? w->err_at - 1 : w->end_at;
	if (last < at)
		last = at;
	if (last - at > 8)
		last = at + 8;
	size_t off = w->t[at].off;
	if (w->quoted && w->k > 0)
		off = w->t[0].off + w->t[0].len - 1; /* the quote that closes */
	size_t end = w->t[last].off + w->t[last].len;
	if (end < off)
		end = off + 1;
	m->off = off;
	m->len = end - off;
	const char *what = feature_words[v->feature];
	if (w->quoted) {
		size_t pos = 0;
		const char *parts[] = {"closes a ", ctx, " string, then ", what};
		for (size_t i = 0; i < 4; i++) {
			size_t l = strlen(parts[i]);
			if (pos + l >= sizeof m->reason)
				l = sizeof m->reason - 1 - pos;
			memcpy(m->reason + pos, parts[i], l);
			pos += l;
		}
		m->reason[pos] = 0;
	} else {
		size_t l = strlen(what);
		const char *pre = "SQL in a bare value: ";
		size_t pl = strlen(pre);
		memcpy(m->reason, pre, pl);
		if (pl + l >= sizeof m->reason)
			l = sizeof m->reason - 1 - pl;
		memcpy(m->reason + pl, what, l);
		m->reason[pl + l] = 0;
	}
}

/* Tokenizes one context into toks; returns the count, or -1 when the
 * context does not apply (no closing quote). */
static int tokenize(const uint8_t *p, size_t n, uint8_t quote, tok *toks)
{
	lexer lx = {p, n, 0, false};
	int k = 0;
	if (quote) {
		/* the rest of the literal the value was pasted into: doubled
		 * quotes stay inside it; backslashes are not trusted to escape
		 * since many databases do not treat them so */
		size_t i = 0;
		for (; i < n; i++) {
			if (p[i] == quote) {
				if (i + 1 < n && p[i + 1] == quote) {
					i++;
					continue;
				}
				break;
			}
		}
		if (i >= n)
			return -1;
		toks[0] =
		    (tok){.type = T_STR, .flags = TF_BOUNDARY, .off = 0, .len = (uint32_t)(i + 1)};
		lx.i = i + 1;
		k = 1;
	}
	while (k < MAX_TOKENS && lex_next(&lx, &toks[k]))
		k++;
	return k;
}

static void walk_init(walk *w, const uint8_t *p, const tok *t, int k, bool quoted)
{
	w->p = p;
	w->t = t;
	w->k = k;
	w->quoted = quoted;
	w->err = false;
	w->err_at = k;
	w->end_at = k ? k - 1 : 0;
	for (int i = 0; i < F_COUNT; i++)
		w->at[i] = -1;
}

bool sk_detect_sqli(const uint8_t *p, size_t n, sk_sqli_level level, sk_detect_match *m)
{
	if (!p || n == 0)
		return false;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	tok toks[MAX_TOKENS];
	walk w;
	verdict v;

	/* as a bare value */
	int k = tokenize(p, n, 0, toks);
	if (k > 0) {
		walk_init(&w, p, toks, k, false);
		int sc = strong_call_anywhere(p, toks, k);
		if (sc >= 0)
			feat(&w, F_FN_STRONG, sc);
		int s = statement_at(&w, 0);
		if (toks[0].kw == K_IF || toks[0].kw == K_WHILE || toks[0].kw == K_BEGIN)
			s = 0; /* "if (...)" at the start is code or prose */
		if (s)
			feat(&w, F_STMT, 0);
		if (s == 2) {
			/* DROP TABLE x, EXEC xp_..., DECLARE @v ...: no need to read on */
			w.end_at = k > 1 ? 1 : 0;
		} else {
			walk_tokens(&w, 0);
		}
		v = (verdict){F_COUNT, 0};
		if (judge_bare(&w, level, &v)) {
			fill_match(m, &w, &v, "");
			return true;
		}
	}

	static const uint8_t quotes[2] = {'\'', '"'};
	static const char *const names[2] = {"single-quoted", "double-quoted"};
	for (int q = 0; q < 2; q++) {
		k = tokenize(p, n, quotes[q], toks);
		if (k < 0)
			continue;
		walk_init(&w, p, toks, k, true);
		int sc = strong_call_anywhere(p, toks, k);
		if (sc >= 0)
			feat(&w, F_FN_STRONG, sc);
		walk_tokens(&w, 1);
		v = (verdict){F_COUNT, 0};
		if (judge_quoted(&w, level, &v)) {
			fill_match(m, &w, &v, names[q]);
			return true;
		}
	}
	return false;
}
