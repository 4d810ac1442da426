/* LDAP filter injection detector.
 *
 * Applications build directory searches by pasting input into a filter
 * such as "(&(uid=INPUT)(objectClass=person))". The grammar (RFC 4515):
 *
 *   filter     = "(" ( "&" filter+ / "|" filter+ / "!" filter / item ) ")"
 *   item       = attr ( "=" / "~=" / ">=" / "<=" ) value
 *   attr       = name *( ";" option ) / numeric OID      (no spaces)
 *   extensible = [attr] [":dn"] [":" rule] ":=" value    rule: a name or OID
 *
 * Input changes a filter's structure when it carries filter syntax of its
 * own. Three shapes are judged, each checked with the grammar above so that
 * parentheses in prose ("(see below)(twice)") or code ("if (!(x == y))")
 * are not mistaken for filters:
 *
 * - a composite filter: "(&", "(|" or "(!" directly followed by an item
 *   in parentheses, "(|(uid=*)(cn=*))";
 * - a breakout: ")(" followed by an item or by "&)", "|)" (the filters
 *   that are always true and always false), "admin)(|(uid=*";
 * - an extensible match with a matching rule, "userPassword:2.5.13.18:=x"
 *   or "cn:dn:=x": an assertion nobody types in text.
 */
#include "detect/text.h"

/* An attribute description at p[i]: a name (letter, then letters, digits,
 * '-'), with ";options", or a numeric OID. Returns its end, or i. */
static size_t attr_end(const uint8_t *p, size_t n, size_t i)
{
	size_t j = i;
	if (j < n && sk_tx_alpha(p[j])) {
		while (j < n && (sk_tx_alnum(p[j]) || p[j] == '-'))
			j++;
		while (j + 1 < n && p[j] == ';' && sk_tx_alpha(p[j + 1])) {
			j++;
			while (j < n && (sk_tx_alnum(p[j]) || p[j] == '-'))
				j++;
		}
		return j;
	}
	while (j < n &&
	       (sk_tx_digit(p[j]) || (p[j] == '.' && j > i && j + 1 < n && sk_tx_digit(p[j + 1]))))
		j++;
	return j;
}

/* An item "(attr op value)" starting at the '(' at p[i]: returns the index
 * after its ')', or 0 when it is not one. */
static size_t item_at(const uint8_t *p, size_t n, size_t i)
{
	if (i >= n || p[i] != '(')
		return 0;
	size_t a = i + 1, z = attr_end(p, n, a);
	if (z == a || z >= n)
		return 0;
	size_t v;
	if (p[z] == '=')
		v = z + 1;
	else if ((p[z] == '~' || p[z] == '>' || p[z] == '<') && z + 1 < n && p[z + 1] == '=')
		v = z + 2;
	else
		return 0;
	/* "==" is a programming language's comparison, not an assertion. */
	if (v < n && p[v] == '=')
		return 0;
	size_t k = v;
	while (k < n && p[k] != ')' && p[k] != '(' && p[k] != '\n' && k - v < 256)
		k++;
	/* At the end of the input the application's own filter closes it. */
	if (k >= n)
		return n;
	if (p[k] != ')')
		return 0;
	return k + 1;
}

/* A filter (item or composite) at p[i], depth-limited: the index after it,
 * or 0. */
static size_t filter_at(const uint8_t *p, size_t n, size_t i, int depth)
{
	if (i + 1 >= n || p[i] != '(' || depth > 8)
		return 0;
	int c = p[i + 1];
	if (c == '&' || c == '|' || c == '!') {
		size_t j = i + 2, count = 0;
		while (j < n && p[j] == '(') {
			size_t k = filter_at(p, n, j, depth + 1);
			if (!k)
				break;
			j = k;
			count++;
		}
		if (count == 0)
			return 0;
		/* The closing ')' may be missing: the application's own filter
		 * supplies it after the input. */
		return j < n && p[j] == ')' ? j + 1 : j;
	}
	return item_at(p, n, i);
}

static bool extensible(const uint8_t *p, size_t n, size_t colon, size_t *start)
{
	/* p[colon] == ':'; walk back over the attribute. */
	size_t a = colon;
	while (a > 0 && (sk_tx_alnum(p[a - 1]) || p[a - 1] == '-' || p[a - 1] == ';'))
		a--;
	size_t j = colon + 1;
	bool dn = false, rule = false;
	if (sk_tx_at_ci(p, n, j, "dn:")) {
		dn = true;
		j += 3;
	}
	size_t r = j;
	while (j < n && (sk_tx_digit(p[j]) || p[j] == '.'))
		j++;
	/* A numeric OID has at least two arcs ("2.5.13.18"). */
	if (j > r && j < n && p[j] == ':' && sk_tx_digit(p[r]) && memchr(p + r, '.', j - r)) {
		rule = true;
		j++;
	}
	if (!(dn || rule) || j >= n || p[j] != '=')
		return false;
	if (p[j - 1] != ':')
		return false;
	/* The attribute, when there is one, is a name: "1:2:=3" is not. */
	if (a < colon && !sk_tx_alpha(p[a]))
		return false;
	*start = a;
	return true;
}

bool sk_detect_ldap(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	if (!p || n == 0)
		return false;
	const uint8_t *e = p + n;
	for (const uint8_t *s = p; (s = sk_find_any4(s, e, '(', ':', '(', ':')) != NULL; s++) {
		size_t i = (size_t)(s - p);
		if (*s == ':') {
			size_t a;
			if (i > 0 && i + 1 < n &&
			    (sk_tx_digit(p[i + 1]) || (p[i + 1] | 0x20) == 'd') &&
			    sk_tx_alnum(p[i - 1]) && extensible(p, n, i, &a))
				return sk_tx_hit(m, a, i + 1 - a,
				                 "LDAP extensible match with a matching rule");
			continue;
		}
		if (i + 2 < n && (p[i + 1] == '&' || p[i + 1] == '|' || p[i + 1] == '!') &&
		    p[i + 2] == '(' && filter_at(p, n, i, 0))
			return sk_tx_hit(m, i, 2,
			                 "LDAP composite filter (&, | or ! over assertions)");
		if (i > 0 && p[i - 1] == ')') {
			if (item_at(p, n, i) ||
			    (i + 2 < n && (p[i + 1] == '&' || p[i + 1] == '|') &&
			     p[i + 2] == ')') ||
			    (i + 2 < n && (p[i + 1] == '&' || p[i + 1] == '|' || p[i + 1] == '!') &&
			     filter_at(p, n, i, 0)))
				return sk_tx_hit(m, i - 1, 2,
				                 "')(' closes the LDAP filter and adds one");
		}
	}
	return false;
}
