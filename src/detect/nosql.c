/* NoSQL (MongoDB-style) injection detector.
 *
 * Document databases take queries as objects, and frameworks build those
 * objects from request parameters: "user[$ne]=x" in a query string or
 * {"password": {"$ne": null}} in JSON turns an equality test into "not
 * equal", which matches every row. Three shapes are judged:
 *
 * - a query operator used as an object key: "$" and an operator name,
 *   written as a bracketed parameter name ("[$ne]") or followed by ':'
 *   (JSON or JavaScript object syntax, quoted or not). The operators that
 *   run JavaScript on the server ($where, $function, $accumulator) count
 *   wherever they appear as keys; so do the comparison and logical ones.
 *   An API that takes Mongo-style filters from its clients on purpose
 *   should set this rule to Count;
 * - JavaScript injected into a $where string or a server-side eval: a
 *   value (the input, a query string's or a JSON object's) starts with a short scalar (a number, a
 * word, a closing quote) and ';', then a statement ("0;var d=new Date(); do{...}while(...)",
 *   "';return true;var x='"), which is how one breaks out of such code;
 * - shell method calls on a collection ("db.users.insert({...})",
 *   "db.dropDatabase()").
 */
#include "detect/text.h"

/* Operators (without '$') whose use as a key changes a query. */
/* Not "$size", "$type", "$text" and the like: they are also common
 * Sass variable names, and a stylesheet in a post is not an attack. */
static const char *const operators[] = {
    "where", "function", "accumulator", "expr", "ne",        "eq",         "gte",
    "gt",    "lte",      "lt",          "in",   "nin",       "regex",      "exists",
    "or",    "and",      "nor",         "not",  "elemmatch", "jsonschema", NULL,
};

static const char *const statements[] = {
    "var",      "let",   "const", "return", "while", "do",   "for", "if",
    "function", "sleep", "throw", "this",   "db",    "emit", "try", NULL,
};

static const char *const methods[] = {
    "insert",        "insertone",        "insertmany",  "update", "updateone", "updatemany",
    "remove",        "deleteone",        "deletemany",  "drop",   "find",      "findone",
    "findandmodify", "aggregate",        "mapreduce",   "save",   "count",     "distinct",
    "replaceone",    "renamecollection", "createindex", NULL,
};

static const char *const db_calls[] = {
    "dropdatabase", "getcollection", "eval",           "runcommand", "createuser",
    "getsiblingdb", "adminCommand",  "shutdownserver", NULL,
};

/* A "$operator" at p[i] ('$' included) used as a key: preceded by '[' and
 * followed by ']', or followed (after an optional quote and space) by ':'. */
static int operator_key(const uint8_t *p, size_t n, size_t i)
{
	int w = sk_tx_word_ci(p, n, i + 1, operators);
	if (w < 0)
		return -1;
	size_t j = i + 1 + strlen(operators[w]);
	if (i > 0 && p[i - 1] == '[' && j < n && p[j] == ']')
		return w;
	if (j < n && (p[j] == '"' || p[j] == '\''))
		j++;
	while (j < n && (p[j] == ' ' || p[j] == '\t'))
		j++;
	if (j < n && p[j] == ':' && (j + 1 >= n || p[j + 1] != ':'))
		return w;
	return -1;
}

/* What a short scalar before a ';' is made of: a number, a word, quotes. */
static bool scalar_byte(int c)
{
	return sk_tx_alnum(c) || c == '\'' || c == '"' || c == ' ' || c == '.' || c == '-' ||
	       c == '_' || c == ')';
}

/* The value at p[i] opens with a short scalar, then ';' and a JavaScript
 * statement. */
static bool statement_breakout(const uint8_t *p, size_t n, size_t i, sk_detect_match *m)
{
	size_t i0 = i;
	while (i < n && i - i0 < 32 && scalar_byte(p[i]))
		i++;
	if (i >= n || p[i] != ';')
		return false;
	size_t semi = i++;
	while (i < n && sk_tx_space(p[i]))
		i++;
	int w = sk_tx_word_ci(p, n, i, statements);
	if (w < 0)
		return false;
	/* Something a statement is made of must follow: an assignment, a call,
	 * a block or member access, so that "1; this is prose" is not one. */
	size_t j = i + strlen(statements[w]);
	const uint8_t *e = p + n;
	size_t lim = j + 64 < n ? j + 64 : n;
	for (size_t k = j; k < lim; k++)
		if (p[k] == '=' || p[k] == '(' || p[k] == '{' || p[k] == '.' || p[k] == ';') {
			char why[96];
			snprintf(why, sizeof why,
			         "';' ends the value, then JavaScript '%s' statement",
			         statements[w]);
			(void)e;
			return sk_tx_hit(m, semi, k + 1 - semi, why);
		}
	return false;
}

/* "db.<collection>.<method>(" or "db.<call>(" at p[i] (the 'd'). */
static bool shell_call(const uint8_t *p, size_t n, size_t i, sk_detect_match *m)
{
	if (i > 0 && (sk_tx_alnum(p[i - 1]) || p[i - 1] == '_' || p[i - 1] == '.'))
		return false;
	if (!sk_tx_at(p, n, i, "db."))
		return false;
	size_t j = i + 3;
	int w = sk_tx_word_ci(p, n, j, db_calls);
	if (w >= 0 && j + strlen(db_calls[w]) < n && p[j + strlen(db_calls[w])] == '(')
		return sk_tx_hit(m, i, j + strlen(db_calls[w]) - i, "MongoDB shell call on db");
	size_t c = j;
	while (c < n && (sk_tx_alnum(p[c]) || p[c] == '_' || p[c] == '-'))
		c++;
	if (c == j || c >= n || p[c] != '.')
		return false;
	w = sk_tx_word_ci(p, n, c + 1, methods);
	if (w < 0)
		return false;
	size_t k = c + 1 + strlen(methods[w]);
	while (k < n && sk_tx_space(p[k]))
		k++;
	if (k >= n || p[k] != '(')
		return false;
	return sk_tx_hit(m, i, k + 1 - i, "MongoDB shell method call on a collection");
}

bool sk_detect_nosql(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	if (!p || n == 0)
		return false;
	const uint8_t *e = p + n;
	/* From each ';', back over the short scalar before it to where a value
	 * starts: the input's start (after a path's '/'), a query string's
	 * "name=", or a JSON key's ": "". */
	for (const uint8_t *q = p; (q = memchr(q, ';', (size_t)(e - q))) != NULL; q++) {
		size_t b = (size_t)(q - p), lim = b > 32 ? b - 32 : 0;
		while (b > lim && scalar_byte(p[b - 1]))
			b--;
		bool start = b == 0 || (b == 1 && p[0] == '/');
		if (!start && p[b - 1] == '=') {
			size_t k = b - 1;
			while (k > 0 &&
			       (sk_tx_alnum(p[k - 1]) || p[k - 1] == '_' || p[k - 1] == '[' ||
			        p[k - 1] == ']' || p[k - 1] == '.' || p[k - 1] == '-'))
				k--;
			start = k < b - 1 && (k == 0 || p[k - 1] == '&');
		}
		/* JSON: the scalar walk took the value's opening quote and the
		 * space after the key's ':' along */
		if (!start && p[b - 1] == ':' && b >= 2 && p[b - 2] == '"')
			start = true;
		if (start && statement_breakout(p, n, b, m))
			return true;
	}
	for (const uint8_t *s = p; (s = memchr(s, '$', (size_t)(e - s))) != NULL; s++) {
		size_t i = (size_t)(s - p);
		int w = operator_key(p, n, i);
		if (w >= 0) {
			char why[96];
			snprintf(why, sizeof why, "query operator $%s used as an object key",
			         operators[w]);
			return sk_tx_hit(m, i, 1 + strlen(operators[w]), why);
		}
	}
	/* "db." found as the pair "db" by a vector scan (memmem is slower on
	 * a short needle); the pair helper reads one byte past its end. */
	if (n >= 3)
		for (const uint8_t *s = p; (s = sk_find_pair_lc(s, e - 2, 'd', 'b')) != NULL; s++)
			if (s[2] == '.' && s[0] == 'd' && shell_call(p, n, (size_t)(s - p), m))
				return true;
	return false;
}
