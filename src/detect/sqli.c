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
#include "base/scan.h"

#define MAX_TOKENS         384 /* tokens examined per context; bounds the work */
#define MAX_DEPTH          32
#define MAX_WORD           40   /* longest keyword we look up */
#define UNION_ANYWHERE_MAX 2048 /* longest value union_anywhere() reads */

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

/* Functions by what calling them from an injected fragment tells us. */
enum fn_class { FN_NONE, FN_STRONG, FN_INFO };

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

#define KL(n) (1u << (n))
/* Bit n of kw_lens[c - 'A']: some keyword of n letters starts with c. Most
 * words of a text fail this test, which costs less than upper-casing them;
 * it must list every keyword of kw_lookup() (tests/unit/detect/test_sqli.c
 * looks each one up). */
static const uint16_t kw_lens[26] = {
    ['A' - 'A'] = KL(2) | KL(3) | KL(5),
    ['B' - 'A'] = KL(2) | KL(5) | KL(6) | KL(7),
    ['C' - 'A'] = KL(4) | KL(5) | KL(6) | KL(7),
    ['D' - 'A'] = KL(2) | KL(3) | KL(4) | KL(5) | KL(6) | KL(7) | KL(8),
    ['E' - 'A'] = KL(3) | KL(4) | KL(6) | KL(7),
    ['F' - 'A'] = KL(3) | KL(4) | KL(5),
    ['G' - 'A'] = KL(5),
    ['H' - 'A'] = KL(6),
    ['I' - 'A'] = KL(2) | KL(4) | KL(5) | KL(6) | KL(9),
    ['J' - 'A'] = KL(4),
    ['K' - 'A'] = KL(4),
    ['L' - 'A'] = KL(4) | KL(5),
    ['M' - 'A'] = KL(3),
    ['N' - 'A'] = KL(3) | KL(4),
    ['O' - 'A'] = KL(2) | KL(5) | KL(6) | KL(7),
    ['P' - 'A'] = KL(9),
    ['R' - 'A'] = KL(5) | KL(6) | KL(7),
    ['S' - 'A'] = KL(3) | KL(4) | KL(6) | KL(8),
    ['T' - 'A'] = KL(3) | KL(4) | KL(8),
    ['U' - 'A'] = KL(5) | KL(6),
    ['V' - 'A'] = KL(6),
    ['W' - 'A'] = KL(4) | KL(5) | KL(7),
    ['X' - 'A'] = KL(3),
};
#undef KL

/* Whether p[0..n) may be a keyword: its first byte a letter that starts
 * one of n letters. */
static inline bool kw_maybe(const uint8_t *p, size_t n)
{
	unsigned c = (unsigned)(p[0] | 0x20) - 'a'; /* a letter of either case, or >= 26 */
	return n >= 2 && n <= 9 && c < 26 && (kw_lens[c] >> n & 1);
}

/* Keywords, upper-cased; EXECUTE is EXEC. A switch on the first letter and
 * fixed-length compares: this runs for every word of the input. */
static int kw_find(const uint8_t *p, size_t n)
{
	char b[9];
	if (n < 2 || n > 9)
		return K_NONE;
	for (size_t i = 0; i < n; i++)
		b[i] = (char)up(p[i]);
	switch (b[0]) {
	case 'A':
		if (n == 2 && memcmp(b, "AS", 2) == 0)
			return K_AS;
		if (n == 3 && memcmp(b, "ALL", 3) == 0)
			return K_ALL;
		if (n == 3 && memcmp(b, "AND", 3) == 0)
			return K_AND;
		if (n == 3 && memcmp(b, "ASC", 3) == 0)
			return K_ASC;
		if (n == 5 && memcmp(b, "ALTER", 5) == 0)
			return K_ALTER;
		return K_NONE;
	case 'B':
		if (n == 2 && memcmp(b, "BY", 2) == 0)
			return K_BY;
		if (n == 5 && memcmp(b, "BEGIN", 5) == 0)
			return K_BEGIN;
		if (n == 6 && memcmp(b, "BINARY", 6) == 0)
			return K_BINARY;
		if (n == 7 && memcmp(b, "BETWEEN", 7) == 0)
			return K_BETWEEN;
		return K_NONE;
	case 'C':
		if (n == 4 && memcmp(b, "CALL", 4) == 0)
			return K_CALL;
		if (n == 4 && memcmp(b, "CASE", 4) == 0)
			return K_CASE;
		if (n == 5 && memcmp(b, "CROSS", 5) == 0)
			return K_CROSS;
		if (n == 6 && memcmp(b, "CREATE", 6) == 0)
			return K_CREATE;
		if (n == 7 && memcmp(b, "COLLATE", 7) == 0)
			return K_COLLATE;
		return K_NONE;
	case 'D':
		if (n == 2 && memcmp(b, "DO", 2) == 0)
			return K_DO;
		if (n == 3 && memcmp(b, "DIV", 3) == 0)
			return K_DIV;
		if (n == 4 && memcmp(b, "DESC", 4) == 0)
			return K_DESC;
		if (n == 4 && memcmp(b, "DROP", 4) == 0)
			return K_DROP;
		if (n == 5 && memcmp(b, "DELAY", 5) == 0)
			return K_DELAY;
		if (n == 6 && memcmp(b, "DELETE", 6) == 0)
			return K_DELETE;
		if (n == 7 && memcmp(b, "DECLARE", 7) == 0)
			return K_DECLARE;
		if (n == 8 && memcmp(b, "DISTINCT", 8) == 0)
			return K_DISTINCT;
		if (n == 8 && memcmp(b, "DUMPFILE", 8) == 0)
			return K_DUMPFILE;
		return K_NONE;
	case 'E':
		if (n == 3 && memcmp(b, "END", 3) == 0)
			return K_END;
		if (n == 4 && memcmp(b, "ELSE", 4) == 0)
			return K_ELSE;
		if (n == 4 && memcmp(b, "EXEC", 4) == 0)
			return K_EXEC;
		if (n == 6 && memcmp(b, "EXCEPT", 6) == 0)
			return K_EXCEPT;
		if (n == 6 && memcmp(b, "EXISTS", 6) == 0)
			return K_EXISTS;
		if (n == 7 && memcmp(b, "EXECUTE", 7) == 0)
			return K_EXEC;
		return K_NONE;
	case 'F':
		if (n == 3 && memcmp(b, "FOR", 3) == 0)
			return K_FOR;
		if (n == 4 && memcmp(b, "FROM", 4) == 0)
			return K_FROM;
		if (n == 4 && memcmp(b, "FULL", 4) == 0)
			return K_FULL;
		if (n == 5 && memcmp(b, "FALSE", 5) == 0)
			return K_FALSE;
		return K_NONE;
	case 'G':
		if (n == 5 && memcmp(b, "GRANT", 5) == 0)
			return K_GRANT;
		if (n == 5 && memcmp(b, "GROUP", 5) == 0)
			return K_GROUP;
		return K_NONE;
	case 'H':
		if (n == 6 && memcmp(b, "HAVING", 6) == 0)
			return K_HAVING;
		return K_NONE;
	case 'I':
		if (n == 2 && memcmp(b, "IF", 2) == 0)
			return K_IF;
		if (n == 2 && memcmp(b, "IN", 2) == 0)
			return K_IN;
		if (n == 2 && memcmp(b, "IS", 2) == 0)
			return K_IS;
		if (n == 4 && memcmp(b, "INTO", 4) == 0)
			return K_INTO;
		if (n == 5 && memcmp(b, "ILIKE", 5) == 0)
			return K_ILIKE;
		if (n == 5 && memcmp(b, "INNER", 5) == 0)
			return K_INNER;
		if (n == 6 && memcmp(b, "INSERT", 6) == 0)
			return K_INSERT;
		if (n == 9 && memcmp(b, "INTERSECT", 9) == 0)
			return K_INTERSECT;
		return K_NONE;
	case 'J':
		if (n == 4 && memcmp(b, "JOIN", 4) == 0)
			return K_JOIN;
		return K_NONE;
	case 'K':
		if (n == 4 && memcmp(b, "KILL", 4) == 0)
			return K_KILL;
		return K_NONE;
	case 'L':
		if (n == 4 && memcmp(b, "LEFT", 4) == 0)
			return K_LEFT;
		if (n == 4 && memcmp(b, "LIKE", 4) == 0)
			return K_LIKE;
		if (n == 4 && memcmp(b, "LOAD", 4) == 0)
			return K_LOAD;
		if (n == 5 && memcmp(b, "LIMIT", 5) == 0)
			return K_LIMIT;
		return K_NONE;
	case 'M':
		if (n == 3 && memcmp(b, "MOD", 3) == 0)
			return K_MOD;
		return K_NONE;
	case 'N':
		if (n == 3 && memcmp(b, "NOT", 3) == 0)
			return K_NOT;
		if (n == 4 && memcmp(b, "NULL", 4) == 0)
			return K_NULL;
		return K_NONE;
	case 'O':
		if (n == 2 && memcmp(b, "ON", 2) == 0)
			return K_ON;
		if (n == 2 && memcmp(b, "OR", 2) == 0)
			return K_OR;
		if (n == 5 && memcmp(b, "ORDER", 5) == 0)
			return K_ORDER;
		if (n == 5 && memcmp(b, "OUTER", 5) == 0)
			return K_OUTER;
		if (n == 6 && memcmp(b, "OFFSET", 6) == 0)
			return K_OFFSET;
		if (n == 7 && memcmp(b, "OUTFILE", 7) == 0)
			return K_OUTFILE;
		return K_NONE;
	case 'P':
		if (n == 9 && memcmp(b, "PROCEDURE", 9) == 0)
			return K_PROCEDURE;
		return K_NONE;
	case 'R':
		if (n == 5 && memcmp(b, "RIGHT", 5) == 0)
			return K_RIGHT;
		if (n == 5 && memcmp(b, "RLIKE", 5) == 0)
			return K_RLIKE;
		if (n == 6 && memcmp(b, "REGEXP", 6) == 0)
			return K_REGEXP;
		if (n == 6 && memcmp(b, "REVOKE", 6) == 0)
			return K_REVOKE;
		if (n == 7 && memcmp(b, "REPLACE", 7) == 0)
			return K_REPLACE;
		return K_NONE;
	case 'S':
		if (n == 3 && memcmp(b, "SET", 3) == 0)
			return K_SET;
		if (n == 4 && memcmp(b, "SHOW", 4) == 0)
			return K_SHOW;
		if (n == 6 && memcmp(b, "SELECT", 6) == 0)
			return K_SELECT;
		if (n == 6 && memcmp(b, "SOUNDS", 6) == 0)
			return K_SOUNDS;
		if (n == 8 && memcmp(b, "SHUTDOWN", 8) == 0)
			return K_SHUTDOWN;
		return K_NONE;
	case 'T':
		if (n == 3 && memcmp(b, "TOP", 3) == 0)
			return K_TOP;
		if (n == 4 && memcmp(b, "THEN", 4) == 0)
			return K_THEN;
		if (n == 4 && memcmp(b, "TRUE", 4) == 0)
			return K_TRUE;
		if (n == 8 && memcmp(b, "TRUNCATE", 8) == 0)
			return K_TRUNCATE;
		return K_NONE;
	case 'U':
		if (n == 5 && memcmp(b, "UNION", 5) == 0)
			return K_UNION;
		if (n == 5 && memcmp(b, "USING", 5) == 0)
			return K_USING;
		if (n == 6 && memcmp(b, "UPDATE", 6) == 0)
			return K_UPDATE;
		return K_NONE;
	case 'V':
		if (n == 6 && memcmp(b, "VALUES", 6) == 0)
			return K_VALUES;
		return K_NONE;
	case 'W':
		if (n == 4 && memcmp(b, "WHEN", 4) == 0)
			return K_WHEN;
		if (n == 5 && memcmp(b, "WHERE", 5) == 0)
			return K_WHERE;
		if (n == 5 && memcmp(b, "WHILE", 5) == 0)
			return K_WHILE;
		if (n == 7 && memcmp(b, "WAITFOR", 7) == 0)
			return K_WAITFOR;
		return K_NONE;
	case 'X':
		if (n == 3 && memcmp(b, "XOR", 3) == 0)
			return K_XOR;
		return K_NONE;
	default: return K_NONE;
	}
}

/* kw_find() behind the cheap test, inlined where words are read. */
static inline int kw_lookup(const uint8_t *p, size_t n)
{
	return kw_maybe(p, n) ? kw_find(p, n) : K_NONE;
}

/* Functions by what calling them from an injected fragment tells us.
 * STRONG: delays, error-message extraction, file access, command execution:
 * no ordinary value calls these. INFO: functions an attacker uses to read
 * or encode data (version, string slicing, char). */
static int fn_lookup(const uint8_t *p, size_t n)
{
	char b[27];
	if (n < 3 || n > 27)
		return FN_NONE;
	for (size_t i = 0; i < n; i++)
		b[i] = (char)up(p[i]);
	switch (b[0]) {
	case 'A':
		if (n == 5 && memcmp(b, "ASCII", 5) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'B':
		if (n == 3 && memcmp(b, "BIN", 3) == 0)
			return FN_INFO;
		if (n == 9 && memcmp(b, "BENCHMARK", 9) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'C':
		if (n == 3 && memcmp(b, "CHR", 3) == 0)
			return FN_INFO;
		if (n == 4 && memcmp(b, "CAST", 4) == 0)
			return FN_INFO;
		if (n == 4 && memcmp(b, "CHAR", 4) == 0)
			return FN_INFO;
		if (n == 5 && memcmp(b, "COUNT", 5) == 0)
			return FN_INFO;
		if (n == 6 && memcmp(b, "CONCAT", 6) == 0)
			return FN_INFO;
		if (n == 7 && memcmp(b, "CONVERT", 7) == 0)
			return FN_INFO;
		if (n == 9 && memcmp(b, "CONCAT_WS", 9) == 0)
			return FN_INFO;
		if (n == 12 && memcmp(b, "CURRENT_USER", 12) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'D':
		if (n == 7 && memcmp(b, "DB_NAME", 7) == 0)
			return FN_INFO;
		if (n == 8 && memcmp(b, "DATABASE", 8) == 0)
			return FN_INFO;
		if (n == 15 && memcmp(b, "DBMS_LOCK.SLEEP", 15) == 0)
			return FN_STRONG;
		if (n == 25 && memcmp(b, "DBMS_PIPE.RECEIVE_MESSAGE", 25) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'E':
		if (n == 3 && memcmp(b, "EXP", 3) == 0)
			return FN_INFO;
		if (n == 12 && memcmp(b, "EXTRACTVALUE", 12) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'F':
		if (n == 5 && memcmp(b, "FLOOR", 5) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'G':
		if (n == 11 && memcmp(b, "GTID_SUBSET", 11) == 0)
			return FN_STRONG;
		if (n == 12 && memcmp(b, "GROUP_CONCAT", 12) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'H':
		if (n == 3 && memcmp(b, "HEX", 3) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'I':
		if (n == 6 && memcmp(b, "IFNULL", 6) == 0)
			return FN_INFO;
		if (n == 6 && memcmp(b, "ISNULL", 6) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'J':
		if (n == 9 && memcmp(b, "JSON_KEYS", 9) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'L':
		if (n == 5 && memcmp(b, "LOWER", 5) == 0)
			return FN_INFO;
		if (n == 6 && memcmp(b, "LENGTH", 6) == 0)
			return FN_INFO;
		if (n == 9 && memcmp(b, "LOAD_FILE", 9) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'M':
		if (n == 3 && memcmp(b, "MD5", 3) == 0)
			return FN_INFO;
		if (n == 3 && memcmp(b, "MID", 3) == 0)
			return FN_INFO;
		if (n == 8 && memcmp(b, "MAKE_SET", 8) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'N':
		if (n == 5 && memcmp(b, "NCHAR", 5) == 0)
			return FN_INFO;
		if (n == 10 && memcmp(b, "NAME_CONST", 10) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'O':
		if (n == 3 && memcmp(b, "ORD", 3) == 0)
			return FN_INFO;
		if (n == 10 && memcmp(b, "OPENROWSET", 10) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'P':
		if (n == 7 && memcmp(b, "POLYGON", 7) == 0)
			return FN_STRONG;
		if (n == 8 && memcmp(b, "PG_SLEEP", 8) == 0)
			return FN_STRONG;
		if (n == 12 && memcmp(b, "PG_READ_FILE", 12) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'R':
		if (n == 4 && memcmp(b, "RAND", 4) == 0)
			return FN_INFO;
		if (n == 10 && memcmp(b, "RANDOMBLOB", 10) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'S':
		if (n == 5 && memcmp(b, "SLEEP", 5) == 0)
			return FN_STRONG;
		if (n == 6 && memcmp(b, "SCHEMA", 6) == 0)
			return FN_INFO;
		if (n == 6 && memcmp(b, "SUBSTR", 6) == 0)
			return FN_INFO;
		if (n == 9 && memcmp(b, "SUBSTRING", 9) == 0)
			return FN_INFO;
		if (n == 11 && memcmp(b, "SYSTEM_USER", 11) == 0)
			return FN_INFO;
		if (n == 12 && memcmp(b, "SESSION_USER", 12) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'U':
		if (n == 4 && memcmp(b, "USER", 4) == 0)
			return FN_INFO;
		if (n == 5 && memcmp(b, "UNHEX", 5) == 0)
			return FN_INFO;
		if (n == 5 && memcmp(b, "UPPER", 5) == 0)
			return FN_INFO;
		if (n == 9 && memcmp(b, "UPDATEXML", 9) == 0)
			return FN_STRONG;
		if (n == 16 && memcmp(b, "UTL_HTTP.REQUEST", 16) == 0)
			return FN_STRONG;
		if (n == 24 && memcmp(b, "UTL_INADDR.GET_HOST_NAME", 24) == 0)
			return FN_STRONG;
		if (n == 27 && memcmp(b, "UTL_INADDR.GET_HOST_ADDRESS", 27) == 0)
			return FN_STRONG;
		return FN_NONE;
	case 'V':
		if (n == 7 && memcmp(b, "VERSION", 7) == 0)
			return FN_INFO;
		return FN_NONE;
	case 'X':
		if (n == 10 && memcmp(b, "XP_DIRTREE", 10) == 0)
			return FN_STRONG;
		if (n == 11 && memcmp(b, "XP_CMDSHELL", 11) == 0)
			return FN_STRONG;
		return FN_NONE;
	default: return FN_NONE;
	}
}
/* True when p[0..n) starts with the k upper-case bytes of pre, ignoring
 * case. has_prefix_ci() takes a string literal. */
static bool prefix_ci(const uint8_t *p, size_t n, const char *pre, size_t k)
{
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (up(p[i]) != pre[i])
			return false;
	return true;
}

#define has_prefix_ci(p, n, lit) prefix_ci((p), (n), (lit), sizeof(lit) - 1)

/* Character classes, one table lookup per byte in the lexer's loops. */
/* C_SKIP: '#', '*', '-' and '/', which may start a comment (or end an
 * executable one) that skip_space() skips */
enum { C_WSTART = 1, C_WORD = 2, C_DIGIT = 4, C_HEX = 8, C_SPACE = 16, C_SKIP = 32 };

/* clang-format off */
static const uint8_t cclass[256] = {
    16,  0,  0,  0,  0,  0,  0,  0,  0, 16, 16, 16, 16, 16,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
    16,  0,  0, 32,  2,  0,  0,  0,  0,  0, 32,  0,  0, 32,  0, 32,
    14, 14, 14, 14, 14, 14, 14, 14, 14, 14,  0,  0,  0,  0,  0,  0,
     0, 11, 11, 11, 11, 11, 11,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  0,  0,  0,  0,  3,
     0, 11, 11, 11, 11, 11, 11,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  0,  0,  0,  0,  0,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
    19,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
     3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
};
/* clang-format on */

/* letters, '_' and any byte of a multi-byte character */
static inline bool is_word_start(int c)
{
	return cclass[(uint8_t)c] & C_WSTART;
}

/* ... and digits and '$' after the first */
static inline bool is_word(int c)
{
	return cclass[(uint8_t)c] & C_WORD;
}

static inline bool is_digit(int c)
{
	return cclass[(uint8_t)c] & C_DIGIT;
}

static inline bool is_hex(int c)
{
	return cclass[(uint8_t)c] & C_HEX;
}

/* ASCII space and controls, NUL and no-break space */
static inline bool is_space(int c)
{
	return cclass[(uint8_t)c] & C_SPACE;
}

/* The end of the run of word bytes (is_word()) that starts at p[i]:
 * 16 bytes at a time while that many are left (base64, hex, long names),
 * then one by one. */
static inline size_t word_end(const uint8_t *p, size_t i, size_t n)
{
	const sk_u8x16 a = sk_splat('a'), z26 = sk_splat(26), d0 = sk_splat('0'),
	               d10 = sk_splat(10), lc = sk_splat(0x20), us = sk_splat('_'),
	               dollar = sk_splat('$'), hi = sk_splat(0x80);
	for (; n - i >= 16; i += 16) {
		sk_u8x16 x;
		memcpy(&x, p + i, 16);
		sk_u8x16 word = (sk_u8x16)(((x | lc) - a) < z26) | (sk_u8x16)((x - d0) < d10) |
		                (sk_u8x16)(x == us) | (sk_u8x16)(x == dollar) | (sk_u8x16)(x >= hi);
		unsigned bits = ~sk_lane_bits(word) & 0xffff;
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
	while (i < n && is_word(p[i]))
		i++;
	return i;
}

typedef struct lexer {
	const uint8_t *p;
	size_t n, i;
	bool exec;      /* inside a MySQL executable comment */
	bool exec_code; /* ... whose marker a version or a word follows */
	long exec_kw;   /* offset of a keyword that opens one, or -1 */
} lexer;

/* Scans a quoted literal that starts at p[i] == q; returns the end offset
 * (after the closing quote, or n). Doubled quotes and, for ' and ",
 * backslashes escape. */
static size_t scan_quoted(const uint8_t *p, size_t n, size_t i, uint8_t q, bool bslash, bool *open)
{
	const uint8_t *e = p + n;
	for (const uint8_t *s = p + i + 1; s < e;) {
		uint8_t b = bslash ? '\\' : q;
		s = sk_find_any4(s, e, q, b, b, b);
		if (!s)
			break;
		if (*s != q) { /* a backslash: the next byte is literal */
			if (e - s <= 2)
				break;
			s += 2;
			continue;
		}
		if (s + 1 < e && s[1] == q) {
			s += 2;
			continue;
		}
		*open = false;
		return (size_t)(s - p) + 1;
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
	/* most tokens follow the last one directly */
	if (lx->i < n && !(cclass[p[lx->i]] & (C_SPACE | C_SKIP)))
		return false;
	for (;;) {
		size_t i = lx->i;
		while (i < n && is_space(p[i]))
			i++;
		lx->i = i;
		if (i + 1 < n && p[i] == '/' && p[i + 1] == '*') {
			if (i + 2 < n && p[i + 2] == '!') {
				/* MySQL runs the content: treat the markers as space.
				 * A five- or six-digit version (run from that version
				 * on) or a word glued to the marker is SQL; Doxygen's
				 * and Qt's comments put a space, '<' or '\\' there. */
				i += 3;
				size_t d = i;
				while (i < n && is_digit(p[i]))
					i++;
				lx->exec_code = i - d == 5 || i - d == 6 ||
				                (i == d && i < n && is_word_start(p[i]));
				lx->i = i;
				lx->exec = true;
				*flags |= TF_EXEC;
				continue;
			}
			const uint8_t *z =
			    i + 2 < n ? sk_find_pair(p + i + 2, p + n, '*', '/') : NULL;
			if (!z)
				return comm; /* unterminated: a T_COMMENT token */
			lx->i = (size_t)(z - p) + 2;
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
			const uint8_t *nl = memchr(p + i, '\n', n - i);
			size_t j = nl ? (size_t)(nl - p) : n;
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

	/* words first: most tokens are */
	if (is_word_start(c)) {
		/* a qualified name (schema.table, db..proc); a reserved word is
		 * never its first part, so SELECT.2 is SELECT .2 (MySQL) */
		e = word_end(p, i, n);
		while (e + 1 < n && p[e] == '.' && (is_word(p[e + 1]) || p[e + 1] == '.') &&
		       (e - i > 9 || !kw_lookup(p + i, e - i)))
			e = word_end(p, e + 1, n);
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
	} else if (c == '#' || (c == '-' && i + 1 < n && p[i + 1] == '-') ||
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
			/* [schema].[table], [db].dbo.[t]: one qualified name */
			while (e + 1 < n && p[e] == '.' && (p[e + 1] == '[' || is_word(p[e + 1]))) {
				size_t s = e + 1;
				if (p[s] == '[') {
					s++;
					while (s < n && s < e + 64 &&
					       (is_word(p[s]) || p[s] == ' '))
						s++;
					if (s >= n || p[s] != ']')
						break;
					e = s + 1;
				} else {
					while (s < n && is_word(p[s]))
						s++;
					e = s;
				}
			}
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
			size_t whole = e; /* past the digits before any '.' or exponent */
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
				 * 1abc is a MySQL identifier, but 1.5abc and 1e5abc
				 * are not (a name has no '.'): the number ends there
				 * too. 1DUNION, 1fUNION: Oracle's D and F suffixes
				 * (binary double and float) end a number, and 0xUNION
				 * is an empty hex literal (SQL Server's 0x); only before
				 * keywords of four letters or more (UNION, FROM, LIMIT),
				 * not in "2for" or "1don". */
				size_t w = e;
				while (w < n && is_word(p[w]))
					w++;
				int sfx = up(p[e]);
				bool suffix = w - e > 4 &&
				              (sfx == 'D' || sfx == 'F' ||
				               (sfx == 'X' && e == i + 1 && c == '0')) &&
				              kw_lookup(p + e + 1, w - e - 1);
				if (suffix) {
					e++;
					if (sfx == 'X')
						t->flags |= TF_HEXLIT;
				} else if (whole == e && !kw_lookup(p + e, w - e)) {
					t->type = T_IDENT;
					e = w;
				}
			}
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
			/* T-SQL names may hold '#' (@#, @tmp#1) */
			while (e < n && (is_word(p[e]) || p[e] == '.' || (p[e] == '#' && e > i)))
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
	/* a keyword that opens an executable comment (UNION, SELECT after
	 * the marker): hidden from filters, run by MySQL */
	if ((flags & TF_EXEC) && lx->exec_code && t->kw && lx->exec_kw < 0)
		lx->exec_kw = (long)i;
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
	F_REOPEN,     /* x' - 'y: operators, then a literal the query's quote closes */
	F_UNION_END,  /* -1 UNION at the end of the input */
	F_COUNT
};

enum clause { CL_EXPR, CL_SELECT, CL_FROM, CL_LIST };

/* Tokens are read on demand: prose breaks the grammar within a token or
 * two, and most of the input is then never tokenized. has() and count()
 * read on; t[0..k) are the tokens read so far. */
typedef struct walk {
	const uint8_t *p;
	tok *t;
	int k;
	bool done; /* the lexer reached the end or MAX_TOKENS */
	lexer lx;
	bool quoted; /* started inside a literal */
	bool err;
	int err_at;
	int at[F_COUNT]; /* token index where each feature was seen, -1 if not */
	uint32_t seen;   /* bit f: at[f] is set */
	int end_at;      /* last token index consumed */
} walk;

/* Reads tokens until t[i] exists; false when there is no token i. */
static bool read_to(walk *w, int i)
{
	while (w->k <= i) {
		if (w->done || w->k >= MAX_TOKENS || !lex_next(&w->lx, &w->t[w->k])) {
			w->done = true;
			return false;
		}
		w->k++;
	}
	return true;
}

static inline bool has(walk *w, int i)
{
	return i < w->k || read_to(w, i);
}

/* The number of tokens in the context (reads them all). */
static int count(walk *w)
{
	read_to(w, MAX_TOKENS);
	return w->k;
}

static void feat(walk *w, int f, int i)
{
	if (w->at[f] < 0) {
		w->at[f] = i;
		w->seen |= 1u << f;
	}
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
	if (n && (s[0] == '`' || s[0] == '[')) { /* `name`, [name] */
		s++;
		n--;
	}
	/* no name below starts with another letter than these */
	static const uint32_t first = 1u << ('A' - 'A') | 1u << ('I' - 'A') | 1u << ('M' - 'A') |
	                              1u << ('P' - 'A') | 1u << ('S' - 'A') | 1u << ('U' - 'A');
	unsigned c = n ? (unsigned)up(s[0]) - 'A' : 26;
	if (c >= 26 || !(first >> c & 1))
		return false;
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

static bool word_is_n(const uint8_t *p, const tok *t, const char *w, size_t n)
{
	return (t->type == T_IDENT || t->type == T_KW) && t->len == n &&
	       prefix_ci(p + t->off, n, w, n);
}

/* The token is the word lit (upper case), ignoring case. */
#define word_is(p, t, lit) word_is_n((p), (t), (lit), sizeof(lit) - 1)

/* Checks the statement that starts at token i (after ';' or at the start
 * of the input). Returns: 0 not a statement, 1 a statement whose rest the
 * walk should go on checking as a SELECT list, 2 a complete recognisable
 * statement (the walk may stop). */
static int statement_at(walk *w, int i)
{
	const tok *t = w->t;
	if (!has(w, i) || t[i].type != T_KW)
		return 0;
	const tok *a = has(w, i + 1) ? &t[i + 1] : NULL;
	const tok *b = has(w, i + 2) ? &t[i + 2] : NULL;
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
		/* DELETE [LOW_PRIORITY] [QUICK] [IGNORE] FROM t */
		{
			int j = i + 1;
			while (j < i + 4 && has(w, j) &&
			       (word_is(w->p, &t[j], "LOW_PRIORITY") ||
			        word_is(w->p, &t[j], "QUICK") || word_is(w->p, &t[j], "IGNORE")))
				j++;
			return has(w, j + 1) && t[j].type == T_KW && t[j].kw == K_FROM &&
			               t[j + 1].type == T_IDENT
			           ? 2
			           : 0;
		}
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
	case K_SHUTDOWN:
		return !a || a->type == T_COMMENT || a->type == T_SEMI ||
		               (a->type == T_KW && a->kw == K_END) || word_is(w->p, a, "NOWAIT")
		           ? 2
		           : 0;
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
	int j = i + 1;
	while (has(w, j) && t[j].type == T_KW && (t[j].kw == K_ALL || t[j].kw == K_DISTINCT))
		j++;
	while (has(w, j) && t[j].type == T_LPAREN)
		j++;
	if (!has(w, j) || t[j].type != T_KW || t[j].kw != K_SELECT)
		return false;
	const tok *a = has(w, j + 1) ? &t[j + 1] : NULL;
	bool word_left = last_operand < 0 || t[last_operand].type == T_IDENT;
	bool strong =
	    !word_left ||
	    (a && (a->type != T_IDENT || (a->flags & TF_FUNC) ||
	           (has(w, j + 2) && (t[j + 2].type == T_COMMA || t[j + 2].type == T_KW))));
	if (strong)
		feat(w, F_UNION, i);
	*sel = j;
	return true;
}

/* The operand at t[i] is the right side of a binary arithmetic operator
 * (x - 8 = 3 compares x - 8, not 8); a sign after an operator, '(' or the
 * start is part of the literal (AND -8=3). */
static bool after_binary_arith(const tok *t, int i)
{
	if (i == 0 || t[i - 1].type != T_OP || t[i - 1].sub != OP_ARITH)
		return false;
	if (i == 1)
		return false;
	const tok *b = &t[i - 2];
	return !(b->type == T_OP || b->type == T_LPAREN || b->type == T_COMMA);
}

/* The operand at t[i] ends a left side that is a constant: a literal, or
 * numbers joined by arithmetic (31337-31337 = 0 compares two constants as
 * much as 0 = 0 does). */
static bool constant_left(const tok *t, int i)
{
	if (!is_literal(&t[i]))
		return false;
	while (after_binary_arith(t, i)) {
		i -= 2;
		if (t[i].type != T_NUM || t[i + 2].type != T_NUM)
			return false;
	}
	return true;
}

static bool only_percent(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '%')
			return false;
	return true;
}

/* t[0..i) is a numeric expression: numbers, signs, arithmetic. */
static bool numeric_prefix(const tok *t, int i)
{
	bool num = false;
	for (int j = 0; j < i; j++) {
		if (t[j].type == T_NUM && !(t[j].flags & TF_HEXLIT && t[j].len < 3))
			num = true;
		else if (!(t[j].type == T_OP && t[j].sub == OP_ARITH))
			return false;
	}
	return num;
}

/* LIKE, BETWEEN, IN, SOUNDS LIKE at t[i] after a literal: when a literal
 * follows too, the condition compares constants (1 AND 1 NOT LIKE 0). */
static void taut_word(walk *w, int i, int last_operand, int *pend)
{
	const tok *t = w->t;
	int l = last_operand;
	if (l >= 0 && l < i && is_literal(&t[l]) && !after_binary_arith(t, l) &&
	    (l + 1 == i || (l + 2 == i && t[l + 1].type == T_OP && t[l + 1].sub == OP_NOT)))
		*pend = i;
}

/* Whether t[i] is a literal, a call (name glued to its '(') or '(' that
 * follows a literal or ')' at t[i - 1] across nothing but spaces (see the
 * caller). */
/* A call written as code writes it: the name glued to its "(". */
static bool glued_call(const walk *w, const tok *t)
{
	return t->type == T_IDENT && (t->flags & TF_FUNC) && t->off + t->len < w->lx.n &&
	       w->p[t->off + t->len] == '(';
}

static bool lost_plus(walk *w, int i)
{
	if (i == 0)
		return false;
	const tok *a = &w->t[i - 1], *b = &w->t[i];
	if ((a->flags & TF_OPEN) || b->off <= a->off + a->len || (b->flags & TF_PRECOMM))
		return false;
	if (!(a->type == T_NUM || a->type == T_STR || a->type == T_RPAREN))
		return false;
	/* a literal left open at the end only where the query's own quote
	 * closes it */
	if (!(b->type == T_NUM || (b->type == T_STR && (!(b->flags & TF_OPEN) || w->quoted)) ||
	      b->type == T_LPAREN || glued_call(w, b)))
		return false;
	for (uint32_t k = a->off + a->len; k < b->off; k++)
		if (w->p[k] != ' ')
			return false;
	/* "(" opens a literal, a call or another "(": "1 ('12')", "1 (pi())";
	 * prose puts words there, "x() (fixes #12)" */
	if (b->type == T_LPAREN) {
		if (!has(w, i + 1))
			return false;
		const tok *c = &w->t[i + 1];
		return c->type == T_NUM || (c->type == T_STR && !(c->flags & TF_OPEN)) ||
		       c->type == T_LPAREN || glued_call(w, c);
	}
	return true;
}

/* Walks the tokens, checking SQL grammar loosely and recording features.
 * Stops at the first grammar error, a comment running to the end, or a
 * complete stacked statement. */
static void walk_tokens(walk *w, int first)
{
	enum { ST_E, ST_V };
	const tok *t = w->t;
	int st = first > 0 ? 1 : 0;
	/* AND 1=1, || 1: a value that starts with a logic operator is written
	 * to follow the value the query already has */
	if (first == 0 && has(w, 0) && t[0].type == T_OP && t[0].sub == OP_LOGIC && has(w, 1))
		st = 1;
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
	int pend_taut = -1;  /* 1 LIKE, 1 NOT BETWEEN: a constant on the left */
	clause[0] = CL_EXPR;

	for (int i = first; has(w, i); i++) {
		const tok *c = &t[i];
		const tok *nx = has(w, i + 1) ? &t[i + 1] : NULL;
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
				if (pend_taut >= 0 && is_literal(c))
					feat(w, F_TAUT, pend_taut);
				pend_taut = -1;
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
				if (has(w, i + 1) && t[i + 1].type == T_RPAREN) {
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
					const tok *a = has(w, i + 2) ? &t[i + 2] : NULL;
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
					while (has(w, i + 1) && t[i + 1].type == T_KW &&
					       (t[i + 1].kw == K_ALL || t[i + 1].kw == K_DISTINCT))
						i++;
					if (has(w, i + 2) && t[i + 1].type == T_KW &&
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
		/* 1 pi(), 1 (2), 'a' 'b' after the closing quote: two literals
		 * side by side with only space between them. No SQL puts them
		 * so; a '+' that the client sent as %2B does, once a second URL
		 * decoding (AWS's rules decode twice) has turned it into a
		 * space. Read as the arithmetic it was. Words side by side stay
		 * an error: that is prose. */
		if (lost_plus(w, i)) {
			pend_arith = i;
			st = ST_E;
			i--;
			continue;
		}
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
				cmp_lit_l = last_operand >= 0 && constant_left(t, last_operand);
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
			__attribute__((fallthrough));
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
			if (!has(w, i + 1) || t[i + 1].type == T_COMMENT) {
				/* -1 UNION at the end: a probe for a UNION
				 * injection when a number stands alone before */
				if (c->kw == K_UNION && numeric_prefix(t, i))
					feat(w, F_UNION_END, i);
				return;
			}
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
			/* MySQL takes HAVING without GROUP BY, after WHERE */
			if (clause[depth] != CL_FROM &&
			    !(c->kw == K_HAVING && (clause[depth] == CL_LIST ||
			                            (clause[depth] == CL_EXPR && depth == 0))))
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
				if (has(w, i + 1) && t[i + 1].type == T_LPAREN && has(w, i + 3) &&
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
			/* LIKE '%' matches every value */
			if (nx && nx->type == T_STR && !(nx->flags & TF_OPEN) && nx->len >= 3 &&
			    only_percent(w->p + nx->off + 1, nx->len - 2))
				feat(w, F_TAUT, i);
			__attribute__((fallthrough));
		case K_RLIKE:
		case K_ILIKE:
		case K_REGEXP:
		case K_BETWEEN:
		case K_IN:
			feat(w, F_CMP_WORD, i);
			taut_word(w, i, last_operand, &pend_taut);
			st = ST_E;
			continue;
		case K_SOUNDS:
			if (nx && nx->type == T_KW && nx->kw == K_LIKE) {
				taut_word(w, i, last_operand, &pend_taut);
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
			/* substring(x FROM 1 FOR 2) */
			if (depth > 0 && clause[depth] == CL_FROM) {
				st = ST_E;
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
		if (!has(w, i + 1))
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

static inline bool any(const walk *w, int f)
{
	return (w->seen >> f) & 1;
}

/* Features that prove a structure change even when the grammar breaks
 * later: the payload may be cut off or written for another database. */
static const int strong_features[] = {F_UNION, F_STACK, F_FN_STRONG, F_OUTFILE, F_SUBQ_OP};
_Static_assert(F_COUNT <= 32, "walk.seen holds one bit per feature");
#define STRONG_MASK                                                                                \
	(1u << F_UNION | 1u << F_STACK | 1u << F_FN_STRONG | 1u << F_OUTFILE | 1u << F_SUBQ_OP)

/* A comment that cuts the query off right after the closing quote must look
 * like one: "--" then a space or the end, "#" or an unclosed block. */
static bool is_clean_comment(const walk *w, const tok *c)
{
	const uint8_t *s = w->p + c->off;
	if (s[0] == '-')
		return c->len == 2 || is_space(s[2]);
	return true;
}

/* A binary operator right after the closing quote: what a quoted value
 * leaves in ST_V without breaking the grammar. */
static bool is_binary_op(const tok *t)
{
	if (t->type == T_STAR)
		return true;
	if (t->type == T_OP)
		return t->sub == OP_CMP || t->sub == OP_ARITH || t->sub == OP_LOGIC ||
		       (t->sub == OP_NOT && t->len == 3); /* NOT LIKE, NOT REGEXP */
	return t->type == T_KW && (t->kw == K_LIKE || t->kw == K_RLIKE || t->kw == K_REGEXP ||
	                           t->kw == K_ILIKE || t->kw == K_SOUNDS || t->kw == K_IS);
}

/* x' - 'y, '=', x'^0+0='0: the value closes the literal, applies operators
 * and opens a new literal that the query's own closing quote ends, so the
 * query compares or computes on strings (MySQL converts them to numbers).
 * Prose quotes words and symbols instead: the closing quote must follow a
 * value, not an opening one ("Press '+' to zoom", href="/a/"); a quoted
 * word ('and') is a word; a value that starts with the quote ends with at
 * most one word after the reopening quote. Arithmetic alone glued to both
 * quotes (x'+'y, "*", '-') is code concatenating strings or a quoted
 * symbol: left to HIGH. */
static bool reopened_literal(walk *w)
{
	if (w->err)
		return false;
	int k = count(w);
	const tok *t = w->t;
	if (k < 3 || !is_binary_op(&t[1]))
		return false;
	const uint8_t *p = w->p;
	size_t q = t[0].off + t[0].len - 1; /* the closing quote */
	const tok *last = &t[k - 1], *op = &t[k - 2];
	if (last->type != T_STR || !(last->flags & TF_OPEN) || p[last->off] != p[q])
		return false;
	if (!(op->type == T_OP || op->type == T_STAR ||
	      (op->type == T_KW &&
	       (op->kw == K_LIKE || op->kw == K_RLIKE || op->kw == K_REGEXP || op->kw == K_ILIKE))))
		return false;
	if (t[0].len == 1) {
		for (uint32_t i = 1; i < last->len; i++)
			if (is_space(p[last->off + i]))
				return false;
	} else if (!is_word(p[q - 1]) && p[q - 1] != ')') {
		return false;
	}
	bool glued = t[1].off == q + 1 && (k > 3 || last->off == t[1].off + t[1].len);
	if (glued && is_word(p[t[1].off]))
		return false;
	if (glued && k == 3 && (t[1].type == T_STAR || t[1].sub == OP_ARITH))
		return false;
	return true;
}

/* '&'  'DIV'  'NOT LIKE': the whole value is an operator between the quote
 * that closes the query's literal and one that opens the next, which the
 * query's own quote closes. name = ''&'' then compares with a number
 * (MySQL converts the strings), which matches rows the query meant to
 * leave out. Not '*' (a search for everything) nor '-' (for nothing). */
static bool only_operator_between_quotes(walk *w)
{
	if (w->err || w->t[0].len != 1)
		return false;
	int k = count(w);
	if (k < 3 || k > 4)
		return false;
	const tok *last = &w->t[k - 1];
	if (last->type != T_STR || !(last->flags & TF_OPEN) || last->len != 1)
		return false;
	for (int i = 1; i < k - 1; i++) {
		const tok *t = &w->t[i];
		/* not '-' alone either: a dash in quotes stands for "none" */
		bool op = t->type == T_OP && t->sub != OP_ASSIGN &&
		          !(k == 3 && t->len == 1 && w->p[t->off] == '-');
		if (t->type == T_KW)
			switch (t->kw) {
			case K_DIV:
			case K_MOD:
			case K_AND:
			case K_OR:
			case K_XOR:
			case K_LIKE:
			case K_RLIKE:
			case K_REGEXP:
			case K_SOUNDS:
			case K_NOT: op = true; break;
			default: break;
			}
		if (!op)
			return false;
	}
	return true;
}

static bool judge_quoted(walk *w, sk_sqli_level level, verdict *v)
{
	for (size_t i = 0;
	     (w->seen & STRONG_MASK) && i < sizeof strong_features / sizeof strong_features[0];
	     i++) {
		if (any(w, strong_features[i])) {
			v->feature = strong_features[i];
			return true;
		}
	}
	const tok *t1 = has(w, 1) ? &w->t[1] : NULL;
	/* tokens after the closing quote, not counting an empty literal left
	 * open at the end ("LIKE" in quotes is a word, not a comparison);
	 * only looked at when the grammar held, so the walk read them all */
	int body = 0;
	if (!w->err) {
		int k = count(w);
		const tok *last = &w->t[k - 1];
		body = k - 1;
		if (k > 1 && last->type == T_STR && (last->flags & TF_OPEN) && last->len == 1)
			body--;
	}
	if (reopened_literal(w) || only_operator_between_quotes(w)) {
		feat(w, F_REOPEN, 1);
		v->feature = F_REOPEN;
		return true;
	}
	/* x'--  x')--  : only closing parentheses before the comment */
	int ci = 1;
	while (has(w, ci) && w->t[ci].type == T_RPAREN)
		ci++;
	const tok *tc = has(w, ci) ? &w->t[ci] : NULL;
	if (!w->err && tc && tc->type == T_COMMENT && w->p[tc->off] != '#' &&
	    is_clean_comment(w, tc)) {
		v->feature = F_COMMENT;
		return true;
	}
	/* x' LIKE 0 --, x'/y IN (0) -- : a comparison, then a comment that
	 * cuts off the rest of the query */
	if (!w->err && any(w, F_CMP_WORD) && any(w, F_COMMENT) && body >= 3 &&
	    is_clean_comment(w, &w->t[w->at[F_COMMENT]]) &&
	    w->p[w->t[w->at[F_COMMENT]].off] != '#') {
		v->feature = F_CMP_WORD;
		return true;
	}
	/* x'OR 'a: a keyword glued to the closing quote of a non-empty value */
	size_t end0 = w->t[0].off + w->t[0].len;
	if (!w->err && body >= 2 && w->t[0].len > 1 && is_word(w->p[end0 - 2]) && t1 &&
	    t1->off == end0 && (t1->type == T_KW || (t1->type == T_OP && t1->sub == OP_LOGIC)) &&
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

/* The positions of one byte in a value, in order: memchr finds the next
 * one and the 16 bytes from there are compared at once, so hits close
 * together (the '(' of code, the '_' of snake_case keys) cost a bit each
 * rather than a call each. */
typedef struct byte_hits {
	const uint8_t *p;
	size_t n, next; /* bytes before next are looked at */
	size_t blk;     /* the 16 bytes that bits covers start here */
	unsigned bits;
	uint8_t c;
} byte_hits;

static inline byte_hits hits_of(const uint8_t *p, size_t n, uint8_t c)
{
	return (byte_hits){p, n, 0, 0, 0, c};
}

/* The offset of the next hit, or -1 when there is none. */
static inline long next_hit(byte_hits *h)
{
	while (!h->bits) {
		if (h->next >= h->n)
			return -1;
		const uint8_t *s = memchr(h->p + h->next, h->c, h->n - h->next);
		if (!s) {
			h->next = h->n;
			return -1;
		}
		h->blk = (size_t)(s - h->p);
		size_t k = h->n - h->blk < 16 ? h->n - h->blk : 16;
		if (k == 16) {
			sk_u8x16 x;
			memcpy(&x, s, 16);
			h->bits = sk_lane_bits((sk_u8x16)(x == sk_splat(h->c)));
		} else {
			for (size_t j = 0; j < k; j++)
				h->bits |= (unsigned)(s[j] == h->c) << j;
		}
		h->next = h->blk + k;
	}
	long at = (long)(h->blk + (size_t)__builtin_ctz(h->bits));
	h->bits &= h->bits - 1;
	return at;
}

#define LB(c) (1u << ((c) - 'A'))
/* The letters the names of may_call_strong() end with: most words before
 * a '(' end otherwise, and need no look at the names. */
#define STRONG_LAST (LB('B') | LB('E') | LB('K') | LB('L') | LB('N') | LB('P') | LB('S') | LB('T'))
/* ... and the letters before their last */
#define STRONG_PREV (LB('E') | LB('G') | LB('L') | LB('M') | LB('O') | LB('R') | LB('S') | LB('U'))

/* Whether strong_call_anywhere() may find anything: the names whose call
 * it finds (fn_lookup's FN_STRONG but SLEEP) need a '(' after them, so a
 * pass over the '(' of the input, and the '_' for xp_cmdshell, proves most
 * values hold none of them without tokenizing the whole value. */
static bool may_call_strong(const uint8_t *p, size_t n)
{
	/* sorted by their last letter; from[c] is the first whose last
	 * letter is 'A' + c or later */
	static const struct {
		char name[28];
		uint8_t len;
	} names[] = {
	    {"RANDOMBLOB", 10},   {"DBMS_PIPE.RECEIVE_MESSAGE", 25},
	    {"EXTRACTVALUE", 12}, {"LOAD_FILE", 9},
	    {"PG_READ_FILE", 12}, {"UTL_INADDR.GET_HOST_NAME", 24},
	    {"XP_DIRTREE", 10},   {"BENCHMARK", 9},
	    {"UPDATEXML", 9},     {"XP_CMDSHELL", 11},
	    {"POLYGON", 7},       {"DBMS_LOCK.SLEEP", 15},
	    {"PG_SLEEP", 8},      {"UTL_INADDR.GET_HOST_ADDRESS", 27},
	    {"GTID_SUBSET", 11},  {"NAME_CONST", 10},
	    {"OPENROWSET", 10},   {"UTL_HTTP.REQUEST", 16},
	};
	static const uint8_t from[26] = {0,  0,  1,  1,  1,  7,  7,  7,  7,  7,  7,  8,  10,
	                                 10, 11, 11, 13, 13, 13, 14, 18, 18, 18, 18, 18, 18};
	byte_hits h = hits_of(p, n, '_');
	for (long u; (u = next_hit(&h)) >= 0;) {
		size_t i = (size_t)u;
		if (i >= 2 && has_prefix_ci(p + i - 2, n - i + 2, "XP_CMDSHELL"))
			return true;
	}
	int calls = 0;
	h = hits_of(p, n, '(');
	for (long u; (u = next_hit(&h)) >= 0;) {
		/* past a few hundred, reading the tokens (at most MAX_TOKENS
		 * of them) is the cheaper answer */
		if (++calls > 256)
			return true;
		/* the word that ends right before the '(' (and spaces) */
		size_t b = (size_t)u;
		while (b > 0 && is_space(p[b - 1]))
			b--;
		if (b == 0 || !is_word(p[b - 1]))
			continue;
		unsigned last = (unsigned)up(p[b - 1]);
		if (last - 'A' >= 26 || !(STRONG_LAST >> (last - 'A') & 1) || b < 7)
			continue; /* the shortest name, POLYGON, has 7 letters */
		/* and the letter before the last must be one a name has there */
		unsigned prev = (unsigned)up(p[b - 2]);
		if (prev - 'A' >= 26 || !(STRONG_PREV >> (prev - 'A') & 1))
			continue;
		for (size_t j = from[last - 'A'];
		     j < sizeof names / sizeof names[0] &&
		     (unsigned char)names[j].name[names[j].len - 1] == last;
		     j++) {
			size_t l = names[j].len;
			if (b >= l && prefix_ci(p + b - l, l, names[j].name, l))
				return true;
		}
	}
	return false;
}
#undef LB

/* strong_call_anywhere() over the context's tokens, when the input may
 * hold such a call at all. */
static inline int strong_call(walk *w, bool maybe)
{
	return maybe ? strong_call_anywhere(w->p, w->t, count(w)) : -1;
}

static bool judge_bare(walk *w, sk_sqli_level level, verdict *v)
{
	for (size_t i = 0;
	     (w->seen & STRONG_MASK) && i < sizeof strong_features / sizeof strong_features[0];
	     i++) {
		if (any(w, strong_features[i])) {
			v->feature = strong_features[i];
			return true;
		}
	}
	if (any(w, F_STMT) && has(w, 0) && w->t[0].kw != K_SELECT) {
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
	if (any(w, F_FN_INFO) && (any(w, F_CMP) || any(w, F_LOGIC) || any(w, F_CMP_WORD))) {
		v->feature = F_FN_INFO;
		return true;
	}
	if (any(w, F_SCHEMA) || any(w, F_SYSVAR)) {
		v->feature = any(w, F_SCHEMA) ? F_SCHEMA : F_SYSVAR;
		return true;
	}
	if (w->err)
		goto high;
	if (any(w, F_UNION_END)) {
		v->feature = F_UNION_END;
		return true;
	}
	/* length(version()), hex(user()): a server function without arguments
	 * passed to another call, how blind injection reads data bit by bit */
	for (int i = 2; i + 2 < w->k; i++) {
		const tok *c = &w->t[i];
		if (c->type == T_IDENT && (c->flags & TF_FUNC) && w->t[i - 1].type == T_LPAREN &&
		    w->t[i + 1].type == T_LPAREN && w->t[i + 2].type == T_RPAREN &&
		    fn_lookup(w->p + c->off, c->len) == FN_INFO) {
			v->feature = F_FN_INFO;
			return true;
		}
	}
	/* SELECT char(0x66), SELECT version(): a statement that reads data
	 * (a call on a name, "select char(s)", is prose) */
	if (any(w, F_STMT) && w->t[0].kw == K_SELECT && any(w, F_FN_INFO) && has(w, 3) &&
	    w->t[1].type == T_IDENT && w->t[2].type == T_LPAREN &&
	    (is_literal(&w->t[3]) || w->t[3].type == T_RPAREN)) {
		v->feature = F_STMT;
		return true;
	}
	/* 1 ORDER BY 5, 3) LIMIT 1,1: a clause right after a number */
	int cl = w->at[F_CLAUSE];
	int after = cl + 1 + (cl > 0 && (w->t[cl].kw == K_ORDER || w->t[cl].kw == K_GROUP));
	if (cl > 0 && has(w, after) &&
	    (w->t[cl - 1].type == T_NUM || w->t[cl - 1].type == T_RPAREN) &&
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
		if (!w->err && any(w, F_COMMENT) && has(w, 1)) {
			v->feature = F_COMMENT;
			return true;
		}
		if (!w->err && any(w, F_INLINE) && has(w, 1) && w->t[0].type != T_STR) {
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
    [F_REOPEN] = "an operator on a reopened string",
    [F_UNION_END] = "a number, then UNION",
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

/* A construct found on its own (a stack, a UNION, a subquery...): the
 * walk ends at end_at, the feature is recorded at feat_at, and m says so. */
static bool found(walk *w, sk_detect_match *m, int feature, int end_at, int feat_at,
                  const char *ctx)
{
	w->err = false;
	w->end_at = end_at;
	feat(w, feature, feat_at);
	verdict v = {feature, 0};
	fill_match(m, w, &v, ctx);
	return true;
}

/* The length of a leading "name=" (a form field's key, or a query string
 * pasted whole), 0 when there is none. The key is not part of what would
 * be pasted into a query: the bare value starts after it. */
static size_t form_key_len(const uint8_t *p, size_t n)
{
	if (n < 3 || !is_word_start(p[0]) || p[0] >= 0x80)
		return 0;
	size_t k = 1, lim = n < 64 ? n : 64;
	while (k < lim &&
	       (is_word(p[k]) || p[k] == '.' || p[k] == '-' || p[k] == '[' || p[k] == ']'))
		k++;
	return k + 1 < n && p[k] == '=' && p[k + 1] != '=' ? k + 1 : 0;
}

/* The length of a leading path ("/", "/api/items/") before a value that
 * does not start like a path segment: a URI path whose last segment
 * carries the value ("/items/1 AND 1=1"), 0 when p does not start with
 * '/'. Only whole segments of plain name characters are skipped. */
static size_t path_prefix_len(const uint8_t *p, size_t n)
{
	if (n < 2 || p[0] != '/')
		return 0;
	size_t k = 1, i = 1, lim = n < 256 ? n : 256;
	while (i < lim) {
		int c = p[i];
		if (c == '/')
			k = i + 1;
		else if (!(is_word(c) || c == '.' || c == '-' || c == '~'))
			break;
		i++;
	}
	return k < n && p[k] == '*' ? 0 : k; /* a comment opener is no path */
}

/* Starts reading one context: a bare value (quote 0) or the rest of a
 * literal opened with quote. False when the context does not apply (no
 * closing quote). */
static bool walk_init(walk *w, const uint8_t *p, size_t n, size_t start, tok *t, uint8_t quote)
{
	/* the rest of the literal the value was pasted into: doubled quotes
	 * stay inside it; backslashes are not trusted to escape since many
	 * databases do not treat them so. Looked for first: most values
	 * have no quote of one kind or the other. */
	size_t i = start;
	while (quote) {
		const uint8_t *q = memchr(p + i, quote, n - i);
		if (!q)
			return false;
		i = (size_t)(q - p);
		if (i + 1 < n && p[i + 1] == quote) {
			i += 2;
			continue;
		}
		break;
	}
	w->p = p;
	w->t = t;
	w->k = 0;
	w->done = false;
	w->lx = (lexer){p, n, start, false, false, -1};
	w->quoted = quote != 0;
	w->err = false;
	w->err_at = 0;
	w->end_at = 0;
	for (int f = 0; f < F_COUNT; f++)
		w->at[f] = -1;
	w->seen = 0;
	if (quote) {
		t[0] = (tok){.type = T_STR,
		             .flags = TF_BOUNDARY,
		             .off = (uint32_t)start,
		             .len = (uint32_t)(i + 1 - start)};
		w->lx.i = i + 1;
		w->k = 1;
	}
	return true;
}

/* Whether a ';' is followed (after spaces) by a word that starts one of
 * the statements stack_anywhere() looks for: most values with a ';'
 * (media types, cookies, prose) then need no tokens read. */
static bool semi_then_statement(const uint8_t *p, size_t n)
{
	static const struct {
		char word[8];
		uint8_t len;
	} words[] = {{"DECLARE", 7}, {"EXEC", 4},    {"SET", 3},     {"DROP", 4},
	             {"CREATE", 6},  {"ALTER", 5},   {"INSERT", 6},  {"DELETE", 6},
	             {"UPDATE", 6},  {"WAITFOR", 7}, {"TRUNCATE", 8}};
	/* their first letters: a word that starts otherwise is none of them */
	static const uint32_t first = 1u << ('A' - 'A') | 1u << ('C' - 'A') | 1u << ('D' - 'A') |
	                              1u << ('E' - 'A') | 1u << ('I' - 'A') | 1u << ('S' - 'A') |
	                              1u << ('T' - 'A') | 1u << ('U' - 'A') | 1u << ('W' - 'A');
	const uint8_t *e = p + n;
	byte_hits h = hits_of(p, n, ';');
	for (long s; (s = next_hit(&h)) >= 0;) {
		const uint8_t *q = p + s + 1;
		while (q < e && is_space(*q))
			q++;
		if (q == e || !is_word_start(*q))
			continue;
		unsigned c = (unsigned)up(*q) - 'A';
		if (c >= 26 || !(first >> c & 1))
			continue;
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			if (prefix_ci(q, (size_t)(e - q), words[i].word, words[i].len))
				return true;
	}
	return false;
}

/* Whether p[0..n) holds the k letters of pre (upper case) anywhere,
 * ignoring case. Sixteen places at a time are sifted by their first two
 * bytes ((c | 0x20) is a lower-case letter only for that letter in either
 * case, so no place that holds pre is sifted out) and prefix_ci() decides
 * each place let through, all of a block's at once. The last places are
 * read from the last 17 bytes, which overlap places already sifted (those
 * are dropped), so that only a value shorter than that is copied to pad. */
static bool spells(const uint8_t *p, size_t n, const char *pre, size_t k)
{
	if (n < k)
		return false;
	const sk_u8x16 lc = sk_splat(0x20), va = sk_splat((uint8_t)(pre[0] | 0x20)),
	               vb = sk_splat((uint8_t)(pre[1] | 0x20));
	sk_u8x16 x, y;
	size_t s = 0;
	for (; n - s >= 17; s += 16) {
		memcpy(&x, p + s, 16);
		memcpy(&y, p + s + 1, 16);
		unsigned bits =
		    sk_lane_bits((sk_u8x16)((x | lc) == va) & (sk_u8x16)((y | lc) == vb));
		for (; bits; bits &= bits - 1) {
			size_t at = s + (size_t)__builtin_ctz(bits);
			if (prefix_ci(p + at, n - at, pre, k))
				return true;
		}
	}
	if (n - s < k)
		return false; /* no place left that pre fits in */
	unsigned bits;
	if (n >= 17) {
		size_t t = n - 17; /* places t .. t + 15; those before s are done */
		memcpy(&x, p + t, 16);
		memcpy(&y, p + t + 1, 16);
		bits = sk_lane_bits((sk_u8x16)((x | lc) == va) & (sk_u8x16)((y | lc) == vb)) >>
		       (s - t);
	} else {
		uint8_t pad[32] = {0}; /* NULs after the value: no letter */
		memcpy(pad, p, n);
		memcpy(&x, pad, 16);
		memcpy(&y, pad + 1, 16);
		bits = sk_lane_bits((sk_u8x16)((x | lc) == va) & (sk_u8x16)((y | lc) == vb));
	}
	for (; bits; bits &= bits - 1) {
		size_t at = s + (size_t)__builtin_ctz(bits);
		if (prefix_ci(p + at, n - at, pre, k))
			return true;
	}
	return false;
}

/* Whether p[0..n) holds the word SELECT in any case. */
static bool spells_select(const uint8_t *p, size_t n)
{
	return spells(p, n, "SELECT", 6);
}

/* What the scans for SELECT and ';' found, shared by the contexts:
 * -1 not looked yet, 0 absent, 1 present. */
typedef struct anywhere_hint {
	int has_semi, has_select, has_union;
} anywhere_hint;

static bool spells_union(const uint8_t *p, size_t n)
{
	return spells(p, n, "UNION", 5);
}

/* A statement stacked after ';' wherever it stands, when the grammar broke
 * before it (T-SQL labels, GOTO, BEGIN TRY, casts we do not model). Only
 * the statements no sentence makes: DECLARE @v, EXEC(@v), SET @v =,
 * DROP TABLE x, INSERT INTO, DELETE FROM, UPDATE x SET, WAITFOR DELAY. */
static int stack_anywhere(walk *w, anywhere_hint *h)
{
	if (h->has_semi < 0)
		h->has_semi = semi_then_statement(w->p, w->lx.n);
	if (!h->has_semi)
		return -1;
	int k = count(w);
	for (int i = 0; i + 1 < k; i++) {
		if (w->t[i].type != T_SEMI || w->t[i + 1].type != T_KW)
			continue;
		switch (w->t[i + 1].kw) {
		case K_DECLARE:
		case K_EXEC:
		case K_SET:
		case K_DROP:
		case K_CREATE:
		case K_ALTER:
		case K_INSERT:
		case K_DELETE:
		case K_UPDATE:
		case K_WAITFOR:
		case K_TRUNCATE:
			if (statement_at(w, i + 1) == 2)
				return i + 1;
			break;
		default: break;
		}
	}
	return -1;
}

static inline bool stack_found(walk *w, sk_detect_match *m, const char *ctx, anywhere_hint *h)
{
	if (!w->err || h->has_semi == 0) /* most values: no call */
		return false;
	int u = stack_anywhere(w, h);
	if (u < 0)
		return false;
	return found(w, m, F_STACK, u, u, ctx);
}

/* UNION [ALL|DISTINCT] SELECT wherever it stands, when the grammar broke
 * before it (dialect syntax we do not model: $$...$$ strings, LOCK IN
 * SHARE MODE, ODBC escapes, a WHERE pasted in front). Only a select list
 * no sentence has counts: its first item a number, NULL, '*', a string, a
 * variable, a call or a parenthesis, followed by ',', FROM, a comment, ')'
 * ';' or the end ("the union select 5 members" has a word after 5), or a
 * column name read FROM a table (see from_table). */
/* FROM at t[i], then a table as SQL names them: qualified (schema.table),
 * with an underscore, or followed by the end, a comment or a clause. "from
 * the members" is English. */
static bool from_table(walk *w, int i)
{
	const tok *t = w->t;
	if (!has(w, i + 1) || t[i].type != T_KW || t[i].kw != K_FROM || t[i + 1].type != T_IDENT)
		return false;
	const tok *x = &t[i + 1];
	if (memchr(w->p + x->off, '.', x->len) || memchr(w->p + x->off, '_', x->len))
		return true;
	if (!has(w, i + 2))
		return true;
	const tok *y = &t[i + 2];
	return y->type == T_COMMENT || y->type == T_SEMI || y->type == T_COMMA ||
	       y->type == T_RPAREN || (y->type == T_KW && y->kw == K_AS) ||
	       (y->type == T_KW &&
	        (y->kw == K_WHERE || y->kw == K_LIMIT || y->kw == K_ORDER || y->kw == K_GROUP));
}

static int union_anywhere(walk *w, anywhere_hint *h)
{
	/* an extra net for short values (an argument, a form field): a long
	 * text is read by the grammar walk alone, since scanning every post
	 * for the words costs more than it finds */
	if (w->lx.n > UNION_ANYWHERE_MAX)
		return -1;
	/* the spellings are needed only when tokens are left to read: once
	 * all are, the loop below looks at the few there are */
	if (!w->done) {
		/* the cheaper scan first: "union" is rarer than "se" in text */
		if (h->has_union < 0)
			h->has_union = spells_union(w->p, w->lx.n);
		if (!h->has_union)
			return -1;
		if (h->has_select < 0)
			h->has_select = spells_select(w->p, w->lx.n);
		if (!h->has_select)
			return -1;
	}
	const tok *t = w->t;
	for (int i = 0; has(w, i + 1); i++) {
		if (t[i].type != T_KW || t[i].kw != K_UNION)
			continue;
		int j = i + 1;
		while (has(w, j) && t[j].type == T_KW &&
		       (t[j].kw == K_ALL || t[j].kw == K_DISTINCT))
			j++;
		while (has(w, j) && t[j].type == T_LPAREN)
			j++;
		if (!has(w, j) || t[j].type != T_KW || t[j].kw != K_SELECT || !has(w, j + 1))
			continue;
		const tok *a = &t[j + 1];
		bool item = a->type == T_NUM || a->type == T_STR || a->type == T_STAR ||
		            a->type == T_VAR || a->type == T_LPAREN ||
		            (a->type == T_KW && a->kw == K_NULL) ||
		            (a->type == T_IDENT && (a->flags & TF_FUNC));
		if (!item && a->type == T_IDENT && from_table(w, j + 2))
			return i;
		if (!item)
			continue;
		if (a->type == T_LPAREN || (a->flags & TF_FUNC) || !has(w, j + 2))
			return i;
		const tok *b = &t[j + 2];
		if (b->type == T_COMMA || b->type == T_COMMENT || b->type == T_RPAREN ||
		    b->type == T_SEMI || (b->type == T_KW && b->kw == K_FROM))
			return i;
	}
	return -1;
}

static bool union_found(walk *w, sk_detect_match *m, const char *ctx, anywhere_hint *h)
{
	int u = union_anywhere(w, h);
	if (u < 0)
		return false;
	return found(w, m, F_UNION, u, u, ctx);
}

/* When the walk ended at a line comment (# or --) that runs to the end:
 * the newline that ended it may have been folded into a space on the way
 * here (-1#x<LF>UNION SELECT ...). Reads the comment's text as a bare
 * value and reports only what no text carries by accident: UNION SELECT,
 * a stacked statement, a subquery operand. */
static inline bool ends_at_comment(const walk *w)
{
	return !w->err && w->end_at < w->k && w->t[w->end_at].type == T_COMMENT;
}

static bool comment_hides_strong(walk *w, tok *toks, sk_detect_match *m, anywhere_hint *h)
{
	static const int strong[] = {F_UNION, F_STACK, F_SUBQ_OP, F_OUTFILE, F_SUBQ};
	const uint8_t *p = w->p;
	size_t n = w->lx.n;
	for (int round = 0; round < 4; round++) {
		if (w->err || !has(w, w->end_at) || w->t[w->end_at].type != T_COMMENT)
			return false;
		/* each feature looked for needs SELECT or a ';' */
		if (h->has_select < 0)
			h->has_select = spells_select(p, n);
		if (h->has_semi < 0)
			h->has_semi = semi_then_statement(p, n);
		if (!h->has_select && !h->has_semi)
			return false;
		size_t at = w->t[w->end_at].off;
		if (p[at] == '#')
			at++;
		else if (p[at] == '-')
			at += 2;
		else
			return false;
		/* where the folded newline was is unknown: try the first
		 * few words of the comment as the start of the next line */
		for (int start = 0; start < 4; start++) {
			walk_init(w, p, n, at, toks, 0);
			if (!has(w, 0))
				return false;
			size_t next = w->t[0].off + w->t[0].len;
			if (w->t[0].type == T_COMMENT)
				break; /* the next comment: the outer round reads it */
			walk_tokens(w, 0);
			verdict v = {F_COUNT, 0};
			if (judge_bare(w, SK_SQLI_LOW, &v) &&
			    !(v.feature == F_SUBQ && !any(w, F_CLAUSE))) {
				for (size_t i = 0; i < sizeof strong / sizeof strong[0]; i++) {
					if (v.feature == strong[i]) {
						fill_match(m, w, &v, "");
						return true;
					}
				}
			}
			if (!w->err)
				break;
			at = next;
		}
	}
	return false;
}

/* "1--", "@version --": the whole value is one number or variable, then a
 * "--" comment that cuts off the rest of the query. A number ends many
 * inputs, a comment opener right after it none but an injection. (An
 * unclosed slash-star after a number is left to HIGH: it also ends paths
 * and globs.) */
static bool operand_then_comment(walk *w, sk_detect_match *m)
{
	/* the first token before reading on, as in whole_case() */
	if (w->k < 1 || (w->t[0].type != T_NUM && w->t[0].type != T_VAR))
		return false;
	if (!has(w, 1) || has(w, 2))
		return false;
	const tok *a = &w->t[0], *c = &w->t[1];
	if ((a->type != T_NUM && a->type != T_VAR) || c->type != T_COMMENT)
		return false;
	const uint8_t *q = w->p + c->off;
	if (c->len < 2 || q[0] != '-' || q[1] != '-')
		return false;
	return found(w, m, F_COMMENT, 1, 1, "");
}

/* "21 UPDATE t SET c=...", "-1 DROP TABLE x": a number, then a statement no
 * sentence makes. SQL Server runs statements that follow one another
 * without a ';', so the number ends the query's value and the statement
 * runs next. */
static bool number_then_statement(walk *w, sk_detect_match *m)
{
	/* the first token before reading on, as in whole_case() */
	if (w->k < 1 ||
	    (w->t[0].type != T_NUM && !(w->t[0].type == T_OP && w->t[0].sub == OP_ARITH)))
		return false;
	int i = 0;
	if (has(w, 1) && w->t[0].type == T_OP && w->t[0].sub == OP_ARITH)
		i = 1;
	if (!has(w, i + 1) || w->t[i].type != T_NUM || w->t[i + 1].type != T_KW)
		return false;
	switch (w->t[i + 1].kw) {
	case K_UPDATE:
	case K_INSERT:
	case K_DELETE:
	case K_DROP:
	case K_CREATE:
	case K_ALTER:
	case K_TRUNCATE:
	case K_EXEC:
	case K_DECLARE:
	case K_SHUTDOWN:
	case K_WAITFOR: break;
	default: return false;
	}
	if (statement_at(w, i + 1) != 2)
		return false;
	return found(w, m, F_STACK, i + 1, i + 1, "");
}

/* A keyword in a MySQL executable comment among the tokens read: no text
 * but SQL writes one, and injections use them to hide keywords from
 * filters. */
static inline bool exec_comment_found(walk *w, sk_detect_match *m)
{
	if (w->lx.exec_kw < 0)
		return false;
	if (m) {
		size_t off = (size_t)w->lx.exec_kw;
		m->off = off;
		m->len = w->lx.n - off < 16 ? w->lx.n - off : 16;
		strcpy(m->reason, "a SQL keyword in a MySQL executable comment");
	}
	return true;
}

/* The "anywhere" checks read short values that spell SELECT somewhere
 * (the spelling is looked for once per value, in h). */
static bool short_with_select(const walk *w, anywhere_hint *h)
{
	if (w->lx.n > UNION_ANYWHERE_MAX)
		return false;
	if (h->has_select < 0)
		h->has_select = spells_select(w->p, w->lx.n);
	return h->has_select != 0;
}

/* "(SELECT 6744 FROM DUAL WHERE ...)", "(select count(*) from users as
 * u1, ...)": a parenthesised subquery wherever it stands, when its select
 * list is SQL's (a number, '*', a variable, a call) and it reads FROM a
 * table as SQL names them or goes on with WHERE. "(select one from the
 * list)" is a sentence. Short values only, like union_anywhere(). */
static bool subquery_anywhere(walk *w, sk_detect_match *m, const char *ctx, anywhere_hint *h)
{
	if (!short_with_select(w, h))
		return false;
	const tok *t = w->t;
	for (int i = 0; has(w, i + 3); i++) {
		if (t[i].type != T_LPAREN || t[i + 1].type != T_KW || t[i + 1].kw != K_SELECT)
			continue;
		const tok *a = &t[i + 2];
		/* (SELECT (CASE WHEN ...: a CASE expression as the select
		 * list, how blind injections ask one yes-or-no question */
		if (a->type == T_LPAREN && has(w, i + 3) && t[i + 3].type == T_KW &&
		    t[i + 3].kw == K_CASE && has(w, i + 4) && t[i + 4].type == T_KW &&
		    t[i + 4].kw == K_WHEN)
			return found(w, m, F_SUBQ, i + 4, i, ctx);
		bool item = a->type == T_NUM || a->type == T_STAR || a->type == T_VAR ||
		            (a->type == T_IDENT && (a->flags & TF_FUNC));
		if (!item)
			continue;
		int j = i + 3;
		if (a->flags & TF_FUNC) {
			/* past the call's parentheses */
			int depth = 0;
			for (; has(w, j) && j < i + 40; j++) {
				if (t[j].type == T_LPAREN)
					depth++;
				else if (t[j].type == T_RPAREN && --depth <= 0) {
					j++;
					break;
				}
			}
		}
		if (!has(w, j))
			continue;
		bool where = t[j].type == T_KW && t[j].kw == K_WHERE && a->type == T_NUM;
		/* "ANY(SELECT 1)", "x IN (SELECT 1,2)": a quantified or IN
		 * subquery, the shape nothing but SQL has */
		bool quant =
		    i > 0 && (t[j].type == T_RPAREN || t[j].type == T_COMMA) &&
		    ((t[i - 1].type == T_IDENT &&
		      (word_is(w->p, &t[i - 1], "ANY") || word_is(w->p, &t[i - 1], "SOME") ||
		       word_is(w->p, &t[i - 1], "ALL"))) ||
		     (t[i - 1].type == T_KW &&
		      (t[i - 1].kw == K_ALL || t[i - 1].kw == K_IN || t[i - 1].kw == K_EXISTS)));
		if (where || quant || from_table(w, j)) {
			return found(w, m, F_SUBQ, j, i, ctx);
		}
	}
	return false;
}

/* "CASE 1 WHEN 2 THEN 2 END": the whole value is a CASE expression,
 * CASE [operand] WHEN x THEN y [ELSE z] END over literals and names (with
 * BINARY or NOT before them), alone or followed by more query. */
static bool whole_case(walk *w, sk_detect_match *m)
{
	const tok *t = w->t;
	/* the first token, read by now unless there is none, before the
	 * next four: reading them for every value cost more than the rest
	 * of the checks together */
	if (w->k < 1 || t[0].type != T_KW || t[0].kw != K_CASE || !has(w, 4))
		return false;
	bool when = false, then = false;
	int i = 1, run = 0; /* operands since the last keyword: SQL has one */
	for (; has(w, i) && i < 16; i++) {
		const tok *x = &t[i];
		bool kw = x->type == T_KW &&
		          (x->kw == K_WHEN || x->kw == K_THEN || x->kw == K_ELSE || x->kw == K_END);
		if (kw && x->kw != K_WHEN && run != 1)
			return false;
		if (kw && x->kw == K_WHEN && run > 1)
			return false;
		if (kw) {
			run = 0;
			when |= x->kw == K_WHEN;
			then |= x->kw == K_THEN && when;
			if (x->kw == K_END)
				break;
		} else if (is_operand(x)) {
			run++;
		} else if (!(x->type == T_KW && x->kw == K_BINARY) &&
		           !(x->type == T_OP && x->sub == OP_NOT)) {
			return false; /* BINARY and NOT prefix an operand */
		}
	}
	if (!then || !has(w, i) || t[i].type != T_KW || t[i].kw != K_END)
		return false;
	/* END, then the end, a comment, an operator or what goes on a query
	 * after an expression: IS [NOT] UNKNOWN, HAVING, FOR UPDATE, UNION */
	if (has(w, i + 1)) {
		const tok *x = &t[i + 1];
		bool more =
		    x->type == T_COMMENT || x->type == T_OP ||
		    (x->type == T_KW && (x->kw == K_IS || x->kw == K_HAVING || x->kw == K_FOR ||
		                         x->kw == K_UNION || x->kw == K_ORDER || x->kw == K_GROUP ||
		                         x->kw == K_LIMIT || x->kw == K_LIKE || x->kw == K_IN));
		if (!more)
			return false;
	}
	return found(w, m, F_CASE, i, 0, "");
}

/* SELECT ... FROM a system catalog (information_schema, mysql.user,
 * sysobjects...) wherever it stands: reading the database's own catalog is
 * what an injection does first and what no text does. Short values only,
 * like union_anywhere(). */
static bool catalog_select(walk *w, sk_detect_match *m, const char *ctx, anywhere_hint *h)
{
	if (!short_with_select(w, h))
		return false;
	const tok *t = w->t;
	for (int i = 0; has(w, i); i++) {
		if (t[i].type != T_KW || t[i].kw != K_SELECT)
			continue;
		for (int j = i + 1; j < i + 64 && has(w, j + 1); j++) {
			if (t[j].type == T_KW && t[j].kw == K_SELECT)
				break;
			if (t[j].type == T_KW && t[j].kw == K_FROM &&
			    is_schema_name(w->p, &t[j + 1])) {
				return found(w, m, F_SCHEMA, j + 1, j + 1, ctx);
			}
		}
	}
	return false;
}

/* Whether p[0..e) ends in a keyword: some of its last 2 to 9 bytes, all
 * letters, spell one. */
static bool ends_in_keyword(const uint8_t *p, size_t e)
{
	if (e < 2 || (unsigned)(p[e - 1] | 0x20) - 'a' >= 26)
		return false;
	for (size_t l = 2; l <= 9 && l <= e; l++) {
		unsigned c = (unsigned)(p[e - l] | 0x20) - 'a';
		if (c >= 26)
			return false; /* the letters end: no longer suffix is one */
		if ((kw_lens[c] >> l & 1) && kw_find(p + e - l, l))
			return true;
	}
	return false;
}

/* The lanes of x that are letters, digits, '_' or '.' (all ones), the
 * others zero. */
static inline sk_u8x16 word_value_lanes(sk_u8x16 x)
{
	/* (b | 0x20) - 'a' < 26 for a letter, b - '0' < 10 for a digit,
	 * each moved to -128 + 0 .. -128 + 25 (or 9) */
	const sk_i8x16 lo26 = (sk_i8x16)sk_splat(0x80 + 26), lo10 = (sk_i8x16)sk_splat(0x80 + 10);
	sk_i8x16 l = (sk_i8x16)((x | sk_splat(0x20)) + sk_splat((uint8_t)(0x80 - 'a')));
	sk_i8x16 d = (sk_i8x16)(x + sk_splat((uint8_t)(0x80 - '0')));
	return (sk_u8x16)(l < lo26) | (sk_u8x16)(d < lo10) | (sk_u8x16)(x == sk_splat('_')) |
	       (sk_u8x16)(x == sk_splat('.'));
}

/* One block of clean_word_value() at p[i..i + 16) (x): false when a byte
 * is out of the set or the letters before a '.' spell a keyword; the '_'
 * are added to *under. */
static inline bool clean_word_block(const uint8_t *p, size_t i, sk_u8x16 x, unsigned *under)
{
	if (sk_lane_bits(word_value_lanes(x)) != 0xffff)
		return false;
	*under |= sk_lane_bits((sk_u8x16)(x == sk_splat('_')));
	for (unsigned bits = sk_lane_bits((sk_u8x16)(x == sk_splat('.'))); bits; bits &= bits - 1)
		if (ends_in_keyword(p, i + (size_t)__builtin_ctz(bits)))
			return false;
	return true;
}

/* Whether the value is a word (letters, digits, '_' and '.' only: tokens,
 * session ids, JWTs, analytics cookies) that provably holds nothing the
 * contexts below can find. Such a value has no quote (so no quoted
 * context), no '=' or '/' (the bare value starts at 0), no space, comment,
 * '(', ';', '@' or operator sign. Its tokens are numbers, words and '.',
 * glued to one another. With no keyword among them:
 * - walk_tokens() reads an operand (a word or a number) and then fails on
 *   the next token, which can only be another operand or a '.' glued to it
 *   (lost_plus() wants a space between); a leading '.' fails at once. The
 *   only features it can record are on the first token: F_SCHEMA (a
 *   catalog name), F_FN_INFO (CURRENT_USER and the like) and F_HEX, which
 *   no judge reads on its own;
 * - statement_at() and every "anywhere" check (a stack, UNION, CASE, a
 *   number then a statement, a comment, a subquery) start from a keyword,
 *   ';', a comment or '(';
 * - strong_call_anywhere() finds only xp_cmdshell without a '(';
 * - judge_bare() with none of these features answers no.
 * So the value is clean when its start is no catalog name nor *_USER,
 * it does not spell xp_cmdshell and no token is a keyword. A keyword token
 * is letters only and ends where the word bytes end (a word runs on over
 * letters and digits, and a number ends before a keyword only when the
 * keyword runs to the end of the word: 1union, 1DUNION, 0xabUNION), that
 * is before a '.' or at the end: it is one of the last few letters before
 * a '.' or the end, which ends_in_keyword() looks up. */
static bool clean_word_value(const uint8_t *p, size_t n)
{
	unsigned under = 0;
	size_t i = 0;
	for (; n - i >= 16; i += 16) {
		sk_u8x16 x;
		memcpy(&x, p + i, 16);
		if (!clean_word_block(p, i, x, &under))
			return false;
	}
	if (i < n && n >= 16) {
		/* the last 16 bytes, which overlap bytes read above (no copy to
		 * pad): the set and the '_' do not mind a byte read twice, and
		 * the dots before i were looked at already */
		sk_u8x16 x;
		memcpy(&x, p + n - 16, 16);
		if (sk_lane_bits(word_value_lanes(x)) != 0xffff)
			return false;
		under |= sk_lane_bits((sk_u8x16)(x == sk_splat('_')));
		unsigned bits = sk_lane_bits((sk_u8x16)(x == sk_splat('.')));
		for (bits >>= i - (n - 16); bits; bits &= bits - 1)
			if (ends_in_keyword(p, i + (size_t)__builtin_ctz(bits)))
				return false;
	} else if (i < n) {
		/* pad with a letter: neither a dot nor out of the set */
		sk_u8x16 x = sk_splat('a');
		memcpy(&x, p + i, n - i);
		if (!clean_word_block(p, i, x, &under))
			return false;
	}
	if (ends_in_keyword(p, n))
		return false;
	tok whole = {.type = T_IDENT, .off = 0, .len = (uint32_t)n};
	if (is_schema_name(p, &whole) || has_prefix_ci(p, n, "CURRENT_USER") ||
	    has_prefix_ci(p, n, "SYSTEM_USER") || has_prefix_ci(p, n, "SESSION_USER"))
		return false;
	return !under || !may_call_strong(p, n);
}

/* The bytes whose absence spares a whole check: no quote, no quoted
 * context; no '(' nor '_', no strong call; no ';', no stacked statement
 * found anywhere. */
enum { HAS_SQUOTE = 1, HAS_DQUOTE = 2, HAS_PAREN = 4, HAS_UNDER = 8, HAS_SEMI = 16, HAS_ALL = 31 };

/* Which of those bytes a short value holds, in one pass of 16 bytes at a
 * time. A longer value is said to hold them all: the checks then look for
 * their byte with memchr, which is cheaper per byte but costs a call. */
static unsigned short_value_bytes(const uint8_t *p, size_t n)
{
	if (n > 128)
		return HAS_ALL;
	/* ';' fills the three spare slots: the compares of a repeated byte
	 * fold into one */
	return sk_bytes_present8(p, n, '\'', '"', '(', '_', ';', ';', ';', ';') & HAS_ALL;
}

/* Whether p[0..n) holds a '(', cached in *known (-1: not looked yet). */
static bool has_paren(const uint8_t *p, size_t n, int *known)
{
	if (*known < 0)
		*known = memchr(p, '(', n) != NULL;
	return *known;
}

bool sk_detect_sqli(const uint8_t *p, size_t n, sk_sqli_level level, sk_detect_match *m)
{
	if (!p || n == 0)
		return false;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	if (clean_word_value(p, n))
		return false;
	tok toks[MAX_TOKENS];
	walk w;
	verdict v;

	/* whether a strong call can be there at all; the quoted contexts
	 * look for their quote first (walk_init()) */
	unsigned bytes = short_value_bytes(p, n);
	bool maybe_strong = (bytes & (HAS_PAREN | HAS_UNDER)) && may_call_strong(p, n);
	/* whether the value has a '(' and a ';': looked for once, when needed */
	int paren = bytes & HAS_PAREN ? -1 : 0;
	anywhere_hint words = {bytes & HAS_SEMI ? -1 : 0, -1, -1};

	/* as a bare value */
	size_t key = form_key_len(p, n);
	if (key == 0)
		key = path_prefix_len(p, n);
	if (walk_init(&w, p, n, key, toks, 0) && has(&w, 0)) {
		int sc = strong_call(&w, maybe_strong);
		if (sc >= 0)
			feat(&w, F_FN_STRONG, sc);
		/* statement_at() answers 0 at once but for a keyword */
		int s = toks[0].type == T_KW ? statement_at(&w, 0) : 0;
		if (toks[0].kw == K_IF || toks[0].kw == K_WHILE || toks[0].kw == K_BEGIN)
			s = 0; /* "if (...)" at the start is code or prose */
		if (s)
			feat(&w, F_STMT, 0);
		if (s == 2) {
			/* DROP TABLE x, EXEC xp_..., DECLARE @v ...: no need to read on */
			w.end_at = has(&w, 1) ? 1 : 0;
		} else {
			walk_tokens(&w, 0);
		}
		v = (verdict){F_COUNT, 0};
		/* prose breaks the grammar early and then, at LOW, only a strong
		 * feature or a statement can decide: skip the call */
		bool early = level == SK_SQLI_LOW && w.err && w.err_at < 6 &&
		             !(w.seen & (STRONG_MASK | 1u << F_STMT));
		if (!early && judge_bare(&w, level, &v)) {
			fill_match(m, &w, &v, "");
			return true;
		}
		if (exec_comment_found(&w, m) || stack_found(&w, m, "", &words))
			return true;
		if (ends_at_comment(&w) && comment_hides_strong(&w, toks, m, &words))
			return true;
		if (union_found(&w, m, "", &words))
			return true;
		if (operand_then_comment(&w, m))
			return true;
		if (number_then_statement(&w, m) || whole_case(&w, m))
			return true;
		/* both read a parenthesised subquery, or the catalog after one */
		if (has_paren(p, n, &paren) &&
		    (catalog_select(&w, m, "", &words) || subquery_anywhere(&w, m, "", &words)))
			return true;
	}

	static const uint8_t quotes[2] = {'\'', '"'};
	static const char *const names[2] = {"single-quoted", "double-quoted"};
	for (int q = 0; q < 2; q++) {
		if (!(bytes & (1u << q)) || !walk_init(&w, p, n, key, toks, quotes[q]))
			continue;
		int sc = strong_call(&w, maybe_strong);
		if (sc >= 0)
			feat(&w, F_FN_STRONG, sc);
		walk_tokens(&w, 1);
		v = (verdict){F_COUNT, 0};
		if (judge_quoted(&w, level, &v)) {
			fill_match(m, &w, &v, names[q]);
			return true;
		}
		if (stack_found(&w, m, names[q], &words) || exec_comment_found(&w, m))
			return true;
		if (ends_at_comment(&w) && comment_hides_strong(&w, toks, m, &words))
			return true;
		if (union_found(&w, m, names[q], &words))
			return true;
		if (has_paren(p, n, &paren) && (catalog_select(&w, m, names[q], &words) ||
		                                subquery_anywhere(&w, m, names[q], &words)))
			return true;
	}
	return false;
}
