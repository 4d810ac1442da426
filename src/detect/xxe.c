/* XML external entity (XXE) detector.
 *
 * An XML parser that reads a document type declaration does what the
 * declaration asks before the application sees a single element: it fetches
 * an external DTD, and it replaces each reference to an external entity with
 * the file or URL the entity names. A request body or parameter that
 * carries such a declaration makes the server read its own files into the
 * document (/etc/passwd in a field it echoes), call URLs on its network
 * (server-side request forgery) or send data out through parameter entities
 * defined in a DTD the attacker hosts. Found:
 *
 * - an entity declared with an external identifier, <!ENTITY x SYSTEM "uri">
 *   or <!ENTITY x PUBLIC "id" "uri">, and any parameter entity,
 *   <!ENTITY % x ...>: parameter entities exist to build DTDs, and they are
 *   how out-of-band XXE chains load and nest the attacker's declarations;
 * - a document type whose external subset is fetched: <!DOCTYPE x SYSTEM
 *   "uri"> where the URI is a URL, an absolute or network path or climbs
 *   out with ".." (not a DTD named beside the document, nor HTML's
 *   "about:legacy-compat"), or PUBLIC with an identifier
 *   that is not in the "-//Owner//Text//Language" form every published DTD
 *   (W3C, OASIS, IETF) uses;
 * - the XInclude namespace (http://www.w3.org/2001/XInclude): its include
 *   elements pull files and URLs into the document the same way;
 * - an XML declaration naming UTF-7, in which the markup above is written
 *   as "+ADw-!ENTITY" and hides from inspection.
 *
 * Names are matched as XML writes them (DOCTYPE, ENTITY, SYSTEM, PUBLIC are
 * case-sensitive there), but case-insensitively, since lenient parsers
 * (SGML-minded ones) accept either. */
#include "detect/text.h"

/* An XML name at p[i]: returns its end, or i when there is none. */
static size_t name_end(const uint8_t *p, size_t n, size_t i)
{
	size_t j = i;
	if (j < n && (sk_tx_alpha(p[j]) || p[j] == '_' || p[j] == ':' || p[j] >= 0x80)) {
		j++;
		while (j < n && (sk_tx_alnum(p[j]) || p[j] == '_' || p[j] == ':' || p[j] == '-' ||
		                 p[j] == '.' || p[j] >= 0x80))
			j++;
	}
	return j;
}

/* A quoted literal at p[i] ('...' or "..."): sets its content and returns
 * the offset past it, or 0 when there is none. An unclosed literal runs to
 * the end (input cut short still declares). */
static size_t literal(const uint8_t *p, size_t n, size_t i, const uint8_t **s, size_t *len)
{
	if (i >= n || (p[i] != '"' && p[i] != '\''))
		return 0;
	const uint8_t *q = memchr(p + i + 1, p[i], n - i - 1);
	size_t e = q ? (size_t)(q - p) : n;
	*s = p + i + 1;
	*len = e - i - 1;
	return q ? e + 1 : n;
}

/* <!ENTITY at p[i]: an external or a parameter entity. */
static bool entity_decl(const uint8_t *p, size_t n, size_t i, sk_detect_match *m)
{
	size_t j = sk_tx_skip_space(p, n, i + 8);
	if (j == i + 8)
		return false; /* <!ENTITYx */
	if (j < n && p[j] == '%' && j + 1 < n && sk_tx_space(p[j + 1]) &&
	    name_end(p, n, sk_tx_skip_space(p, n, j + 1)) > sk_tx_skip_space(p, n, j + 1))
		return sk_tx_hit(m, i, j + 1 - i,
		                 "XML parameter entity declaration (<!ENTITY % ...>)");
	size_t e = name_end(p, n, j);
	if (e == j)
		return false;
	j = sk_tx_skip_space(p, n, e);
	if (j == e)
		return false;
	if (sk_tx_at_ci(p, n, j, "system") || sk_tx_at_ci(p, n, j, "public")) {
		size_t k = sk_tx_skip_space(p, n, j + 6);
		const uint8_t *s;
		size_t len;
		if (k > j + 6 && literal(p, n, k, &s, &len))
			return sk_tx_hit(
			    m, i, k - i,
			    "XML external entity declaration (<!ENTITY x SYSTEM/PUBLIC "
			    "...>)");
	}
	return false;
}

/* Whether a system identifier leaves the document's own folder: a URL
 * (scheme:), an absolute or network path (/x, //host/x, \\host\x) or a
 * climb (..). A DTD named beside the document ("catalog.dtd"), as
 * configuration files ship them, does not. */
static bool reaches_out(const uint8_t *s, size_t len)
{
	if (len && (s[0] == '/' || s[0] == '\\'))
		return true;
	size_t k = 0;
	while (k < len && (sk_tx_alnum(s[k]) || s[k] == '+' || s[k] == '-' || s[k] == '.'))
		k++;
	if (k > 0 && k < len && s[k] == ':' && sk_tx_alpha(s[0]))
		return true;
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return true;
	return false;
}

/* <!DOCTYPE at p[i]: an external subset the parser fetches. */
static bool doctype_decl(const uint8_t *p, size_t n, size_t i, sk_detect_match *m)
{
	size_t j = sk_tx_skip_space(p, n, i + 9);
	size_t e = name_end(p, n, j);
	if (j == i + 9 || e == j)
		return false;
	j = sk_tx_skip_space(p, n, e);
	if (j == e)
		return false;
	bool system = sk_tx_at_ci(p, n, j, "system");
	if (!system && !sk_tx_at_ci(p, n, j, "public"))
		return false;
	size_t k = sk_tx_skip_space(p, n, j + 6);
	const uint8_t *s;
	size_t len;
	size_t after = literal(p, n, k, &s, &len);
	if (k == j + 6 || !after)
		return false;
	if (system) {
		if (len == 19 && sk_tx_at_ci(s, len, 0, "about:legacy-compat"))
			return false;
		if (!reaches_out(s, len))
			return false;
		return sk_tx_hit(
		    m, i, after - i,
		    "XML document type with an external DTD (<!DOCTYPE x SYSTEM ...>)");
	}
	/* a formal public identifier: -//Owner//Class Description//Language
	 * ('+//' for a registered owner) */
	if (len >= 3 && (s[0] == '-' || s[0] == '+') && s[1] == '/' && s[2] == '/')
		return false;
	size_t k2 = sk_tx_skip_space(p, n, after);
	if (!literal(p, n, k2, &s, &len))
		return false;
	return sk_tx_hit(m, i, k2 - i,
	                 "XML document type with an external DTD under an unregistered public "
	                 "identifier");
}

/* <?xml ... encoding="utf-7" ...?> at p[i]. */
static bool utf7_decl(const uint8_t *p, size_t n, size_t i, sk_detect_match *m)
{
	size_t end = i + 5;
	while (end < n && end < i + 200 && p[end] != '>')
		end++;
	for (size_t j = i + 5; j + 8 < end; j++) {
		if (!sk_tx_at_ci(p, n, j, "encoding"))
			continue;
		size_t k = sk_tx_skip_space(p, n, j + 8);
		if (k >= n || p[k] != '=')
			return false;
		k = sk_tx_skip_space(p, n, k + 1);
		const uint8_t *s;
		size_t len;
		size_t after = literal(p, n, k, &s, &len);
		if (!after)
			return false;
		if ((len == 5 && sk_tx_at_ci(s, len, 0, "utf-7")) ||
		    (len == 4 && sk_tx_at_ci(s, len, 0, "utf7")))
			return sk_tx_hit(
			    m, i, after - i,
			    "XML declared in UTF-7, which hides its markup from inspection");
		return false;
	}
	return false;
}

/* Whether the namespace name that starts at p[i] ("http://" or "https://"
 * before it) is the value of an xmlns attribute: xmlns:xi="...". */
static bool xmlns_value(const uint8_t *p, size_t i)
{
	if (i >= 7 && sk_tx_at(p, i, i - 7, "http://"))
		i -= 7;
	else if (i >= 8 && sk_tx_at(p, i, i - 8, "https://"))
		i -= 8;
	else
		return false;
	if (i < 1 || (p[i - 1] != '"' && p[i - 1] != '\''))
		return false;
	i--;
	while (i > 0 && sk_tx_space(p[i - 1]))
		i--;
	if (i < 1 || p[i - 1] != '=')
		return false;
	i--;
	while (i > 0 && sk_tx_space(p[i - 1]))
		i--;
	size_t e = i;
	while (i > 0 &&
	       (sk_tx_alnum(p[i - 1]) || p[i - 1] == ':' || p[i - 1] == '_' || p[i - 1] == '-'))
		i--;
	return e - i >= 5 && sk_tx_at_ci(p, e, i, "xmlns");
}

/* An element that declares the XInclude namespace, anywhere in a value
 * that has markup. */
static bool xinclude(const uint8_t *p, size_t n, sk_detect_match *m)
{
	const uint8_t *e = p + n - 1;
	for (const uint8_t *s = p; (s = sk_find_pair_lc(s, e, 'x', 'i')) != NULL; s++) {
		size_t i = (size_t)(s - p);
		if (i >= 16 && sk_tx_at_ci(p, n, i - 16, "www.w3.org/2001/xinclude") &&
		    xmlns_value(p, i - 16))
			return sk_tx_hit(m, i - 16, 24,
			                 "XInclude namespace: include elements read files and URLs "
			                 "into the document");
	}
	return false;
}

bool sk_detect_xxe(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	if (!p || n < 9)
		return false;
	const uint8_t *e = p + n;
	bool tags = false;
	for (const uint8_t *s = p; (s = memchr(s, '<', (size_t)(e - s))) != NULL; s++) {
		size_t i = (size_t)(s - p);
		if (i + 1 >= n)
			break;
		if (p[i + 1] == '!') {
			if (sk_tx_at_ci(p, n, i, "<!entity") && entity_decl(p, n, i, m))
				return true;
			if (sk_tx_at_ci(p, n, i, "<!doctype") && doctype_decl(p, n, i, m))
				return true;
		} else if (p[i + 1] == '?') {
			if (sk_tx_at_ci(p, n, i, "<?xml") && utf7_decl(p, n, i, m))
				return true;
		} else if (sk_tx_alpha(p[i + 1])) {
			tags = true;
		}
	}
	return tags && n >= 24 && xinclude(p, n, m);
}
