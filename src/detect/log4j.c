/* Log4j lookup detector (CVE-2021-44228, -45046, -45105).
 *
 * A small evaluator of Log4j 2's substitution syntax, run in one pass over
 * the input. "${" opens a lookup and "}" closes the innermost one; a lookup
 * nested in another is evaluated first and its value becomes text of the
 * outer one, which is how "${${lower:j}ndi:...}" turns into a JNDI lookup.
 * Once closed, a lookup's text is split the way Log4j splits it: at the
 * first ":-" into a name and a default value, and the name at its first ':'
 * into a prefix (case-insensitive) and a key. The lookups attackers use to
 * spell text (lower, upper, date, and any lookup that falls back to its
 * default) are evaluated; lookups that read the environment yield an
 * unknown value. The input is read through one level of percent, \u and
 * character-reference escapes, so "%24%7Bjndi:" is seen as "${jndi:".
 *
 * Work is linear: each byte is decoded a bounded number of times, frames
 * beyond MAX_DEPTH are matched but not evaluated, and a closed lookup hands
 * at most FRAME_CAP bytes to its parent. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "detect/detect.h"
#include "detect/scan.h"

#define MAX_DEPTH 24
#define FRAME_CAP 96
#define UNKNOWN   0x01 /* stands for the value of a lookup we cannot know */
#define URL_BACK  128  /* bytes looked back for "://" before a top-level lookup */

typedef struct frame {
	size_t start; /* offset of the '$' (or its escape) in the input */
	uint8_t buf[FRAME_CAP];
	uint16_t len;
	int16_t defpos;   /* index of the first ":-" in buf, or -1 */
	bool url;         /* "://" occurs in buf */
	uint8_t nested;   /* nested lookups in the name part */
	uint8_t obf;      /* ... of them, ones that spell text */
	uint8_t leak;     /* nested lookups that read the environment */
	char obf_name[8]; /* the first spelling lookup, for the reason */
} frame;

typedef struct value {
	uint8_t buf[FRAME_CAP];
	size_t len;
	bool obf;         /* spelled by lower/upper/date or a default */
	bool leak;        /* reads the environment (env, sys, ctx, ...) */
	const char *name; /* lookup name when obf, for the reason */
} value;

static int hex_at(const uint8_t *p, size_t n, size_t i, size_t k)
{
	if (i + k > n)
		return -1;
	int v = 0;
	for (size_t j = 0; j < k; j++) {
		int h = sk_hex_digit(p[i + j]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t put_utf8(uint8_t *o, long cp)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xc0 | (cp >> 6));
		o[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (uint8_t)(0xe0 | ((cp >> 12) & 0x0f));
	o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (uint8_t)(0x80 | (cp & 0x3f));
	return 3;
}

/* Decodes one character at p[i]: a percent escape (also %25XX and %uXXXX),
 * a \uXXXX or \xXX escape, a character reference, or the byte itself.
 * Writes 1-3 bytes to o, sets *no, and returns the bytes consumed. */
static size_t decode(const uint8_t *p, size_t n, size_t i, uint8_t *o, size_t *no)
{
	int c = p[i], v;
	if (c == '%') {
		if ((v = hex_at(p, n, i + 1, 2)) >= 0) {
			int w;
			if (v == '%' && (w = hex_at(p, n, i + 3, 2)) >= 0) {
				*no = put_utf8(o, w);
				return 5;
			}
			o[0] = (uint8_t)v;
			*no = 1;
			return 3;
		}
		if (i + 1 < n && (p[i + 1] | 0x20) == 'u' && (v = hex_at(p, n, i + 2, 4)) >= 0) {
			*no = put_utf8(o, v);
			return 6;
		}
	} else if (c == '\\' && i + 1 < n) {
		if ((p[i + 1] | 0x20) == 'u' && (v = hex_at(p, n, i + 2, 4)) >= 0) {
			*no = put_utf8(o, v);
			return 6;
		}
		if ((p[i + 1] | 0x20) == 'x' && (v = hex_at(p, n, i + 2, 2)) >= 0) {
			o[0] = (uint8_t)v;
			*no = 1;
			return 4;
		}
	} else if (c == '&' && i + 2 < n) {
		size_t j = i + 1;
		long cp = -1;
		if (p[j] == '#') {
			j++;
			int base = 10;
			if (j < n && (p[j] | 0x20) == 'x') {
				base = 16;
				j++;
			}
			size_t s = j;
			long acc = 0;
			while (j < n && j < s + 7) {
				int d = base == 16 ? sk_hex_digit(p[j])
				                   : (p[j] >= '0' && p[j] <= '9' ? p[j] - '0' : -1);
				if (d < 0)
					break;
				acc = acc * base + d;
				j++;
			}
			if (j > s && acc < 0x10000)
				cp = acc;
		} else {
			static const struct {
				char name[8];
				char c;
			} named[] = {{"dollar", '$'}, {"lcub", '{'},   {"lbrace", '{'},
			             {"rcub", '}'},   {"rbrace", '}'}, {"colon", ':'},
			             {"sol", '/'},    {"percnt", '%'}};
			char nm[8];
			size_t k = 0;
			while (j < n && k < sizeof nm - 1 &&
			       ((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z'))
				nm[k++] = (char)(p[j++] | 0x20);
			nm[k] = 0;
			for (size_t t = 0; t < sizeof named / sizeof named[0]; t++)
				if (k && strcmp(nm, named[t].name) == 0)
					cp = named[t].c;
		}
		if (cp >= 0) {
			if (j < n && p[j] == ';')
				j++;
			*no = put_utf8(o, cp);
			return j - i;
		}
	}
	o[0] = (uint8_t)c;
	*no = 1;
	return 1;
}

/* Whether p[i] ('$', '%', '\\' or '&') can start a '$': a cheap test
 * before decoding, for text full of %20 and &amp;. */
static bool may_open(const uint8_t *p, size_t n, size_t i)
{
	int c = p[i];
	if (c == '$')
		return true;
	if (i + 2 >= n)
		return false;
	int a = p[i + 1], b = p[i + 2];
	if (c == '%')
		return (a == '2' && (b == '4' || b == '5')) || (a | 0x20) == 'u';
	if (c == '\\')
		return (a | 0x20) == 'u' || (a | 0x20) == 'x';
	return a == '#' || (a | 0x20) == 'd'; /* &#36; &dollar; */
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void append(frame *f, const uint8_t *s, size_t k)
{
	for (size_t j = 0; j < k; j++) {
		if (f->len >= FRAME_CAP)
			return;
		f->buf[f->len++] = s[j];
		size_t l = f->len;
		if (l >= 2 && f->defpos < 0 && f->buf[l - 2] == ':' && f->buf[l - 1] == '-')
			f->defpos = (int16_t)(l - 2);
		if (l >= 3 && f->buf[l - 3] == ':' && f->buf[l - 2] == '/' && f->buf[l - 1] == '/')
			f->url = true;
	}
}

/* Whether s[0..k), trimmed of spaces and ASCII-lower-cased, is word. */
static bool is_word(const uint8_t *s, size_t k, const char *word)
{
	while (k && is_space(s[0]))
		s++, k--;
	while (k && is_space(s[k - 1]))
		k--;
	size_t l = strlen(word);
	if (k != l)
		return false;
	for (size_t j = 0; j < l; j++) {
		int c = s[j];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != word[j])
			return false;
	}
	return true;
}

/* Lookups that read the process, the environment or the log event. With
 * a default value they are how "${env:NOPE:-j}" spells a 'j'. */
static bool reads_env(const uint8_t *s, size_t k)
{
	static const char *const names[] = {"env",    "sys",        "ctx",   "main",       "java",
	                                    "web",    "docker",     "k8s",   "kubernetes", "spring",
	                                    "bundle", "jvmrunargs", "log4j", "sd",         "map",
	                                    "marker", "event",      "jndi"};
	for (size_t j = 0; j < sizeof names / sizeof names[0]; j++)
		if (is_word(s, k, names[j]))
			return true;
	return false;
}

/* ${lower:..} and ${upper:..}: ASCII case plus the few non-ASCII letters
 * whose case mapping lands in ASCII (dotless i and long s upper-case to I
 * and S, the Kelvin sign lower-cases to k). */
static void change_case(const uint8_t *s, size_t k, bool up, value *v)
{
	for (size_t j = 0; j < k && v->len < FRAME_CAP; j++) {
		int c = s[j];
		if (up && c == 0xc4 && j + 1 < k && s[j + 1] == 0xb1) {
			v->buf[v->len++] = 'I';
			j++;
		} else if (up && c == 0xc5 && j + 1 < k && s[j + 1] == 0xbf) {
			v->buf[v->len++] = 'S';
			j++;
		} else if (!up && c == 0xe2 && j + 2 < k && s[j + 1] == 0x84 && s[j + 2] == 0xaa) {
			v->buf[v->len++] = 'k';
			j += 2;
		} else {
			if (up && c >= 'a' && c <= 'z')
				c -= 32;
			else if (!up && c >= 'A' && c <= 'Z')
				c += 32;
			v->buf[v->len++] = (uint8_t)c;
		}
	}
}

/* ${date:pattern}: quoted text is literal, pattern letters are a date we
 * do not know, anything else is literal. */
static void date_pattern(const uint8_t *s, size_t k, value *v)
{
	bool q = false;
	for (size_t j = 0; j < k && v->len < FRAME_CAP; j++) {
		int c = s[j];
		if (c == '\'') {
			if (j + 1 < k && s[j + 1] == '\'') {
				v->buf[v->len++] = '\'';
				j++;
			} else {
				q = !q;
			}
			continue;
		}
		bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!q && letter) {
			if (v->len == 0 || v->buf[v->len - 1] != UNKNOWN)
				v->buf[v->len++] = UNKNOWN;
		} else {
			v->buf[v->len++] = (uint8_t)c;
		}
	}
}

static void set_text(value *v, const uint8_t *s, size_t k)
{
	if (k > FRAME_CAP)
		k = FRAME_CAP;
	memcpy(v->buf, s, k);
	v->len = k;
}

/* The prefix of a lookup's name: up to its first ':'. */
static size_t prefix_len(const uint8_t *name, size_t k)
{
	const uint8_t *c = memchr(name, ':', k);
	return c ? (size_t)(c - name) : k;
}

/* Whether "${jndi:" (any case) occurs in s[0..k). */
static bool spells_jndi(const uint8_t *s, size_t k)
{
	for (size_t j = 0; j + 7 <= k; j++)
		if (s[j] == '$' && s[j + 1] == '{' && is_word(s + j + 2, 4, "jndi") &&
		    s[j + 6] == ':')
			return true;
	return false;
}

/* Evaluates a closed lookup. *jndi is set when its prefix is jndi. */
static void evaluate(const frame *f, value *v, bool *jndi)
{
	size_t nl = f->defpos >= 0 ? (size_t)f->defpos : f->len;
	const uint8_t *name = f->buf;
	const uint8_t *def = f->defpos >= 0 ? f->buf + f->defpos + 2 : NULL;
	size_t dl = def ? f->len - nl - 2 : 0;
	size_t pl = prefix_len(name, nl);
	bool has_key = pl < nl;
	const uint8_t *key = name + pl + 1;
	size_t kl = has_key ? nl - pl - 1 : 0;

	v->len = 0;
	v->obf = v->leak = false;
	v->name = NULL;
	*jndi = false;
	if (has_key && is_word(name, pl, "jndi")) {
		*jndi = true;
		v->buf[v->len++] = UNKNOWN;
		return;
	}
	if (has_key && (is_word(name, pl, "lower") || is_word(name, pl, "upper"))) {
		change_case(key, kl, is_word(name, pl, "upper"), v);
		v->obf = true;
		v->name = is_word(name, pl, "upper") ? "upper" : "lower";
		return;
	}
	if (has_key && is_word(name, pl, "date")) {
		date_pattern(key, kl, v);
		v->obf = true;
		v->name = "date";
		return;
	}
	/* a bare ${name} is also a shell, template or JavaScript variable:
	 * only prefixed lookups count as reading the environment */
	bool env = has_key && reads_env(name, pl);
	if (def) {
		/* the lookup finds nothing (an unset variable, an unknown or empty
		 * prefix) and falls back to its default: the attackers' way of
		 * writing a letter */
		set_text(v, def, dl);
		bool blank = nl == 0 || is_word(name, nl, ":") || is_word(name, nl, "");
		v->obf = env || blank || has_key;
		v->name = "default";
		return;
	}
	v->buf[v->len++] = UNKNOWN;
	v->leak = env;
}

static void printable(char *o, size_t cap, const uint8_t *s, size_t k)
{
	size_t w = 0;
	for (size_t j = 0; j < k && w + 4 < cap; j++) {
		int c = s[j];
		if (c == UNKNOWN) {
			o[w++] = '?';
		} else if (c < 0x20 || c >= 0x7f) {
			o[w++] = '.';
		} else {
			o[w++] = (char)c;
		}
	}
	if (k && w + 4 >= cap) {
		o[w++] = '.';
		o[w++] = '.';
		o[w++] = '.';
	}
	o[w] = 0;
}

static void set_match(sk_detect_match *m, size_t off, size_t end, const char *reason)
{
	if (!m)
		return;
	m->off = off;
	m->len = end - off;
	snprintf(m->reason, sizeof m->reason, "%s", reason);
}

typedef struct state {
	const uint8_t *p;
	size_t n;
	int level;
	frame fr[MAX_DEPTH];
	int depth;
	size_t skip; /* lookups open beyond MAX_DEPTH */
} state;

/* "://" in the last URL_BACK bytes before off, with no space between. */
static bool url_before(const uint8_t *p, size_t off)
{
	size_t lo = off > URL_BACK ? off - URL_BACK : 0;
	for (size_t j = off; j > lo + 2; j--) {
		if (is_space(p[j - 1]))
			return false;
		if (p[j - 3] == ':' && p[j - 2] == '/' && p[j - 1] == '/')
			return true;
	}
	return false;
}

/* Closes the innermost lookup (at '}' or at the end of the input) and
 * hands its value to the one around it. True when that decided. */
static bool close_lookup(state *s, size_t end, sk_detect_match *m)
{
	frame *f = &s->fr[--s->depth];
	value v;
	bool jndi;
	evaluate(f, &v, &jndi);
	if (jndi) {
		size_t nl = f->defpos >= 0 ? (size_t)f->defpos : f->len;
		size_t pl = prefix_len(f->buf, nl);
		char key[56], r[128];
		printable(key, sizeof key, f->buf + pl + 1, nl > pl ? nl - pl - 1 : 0);
		snprintf(r, sizeof r, "%s ${jndi:%s}",
		         f->nested ? "nested lookups evaluate to" : "Log4j JNDI lookup", key);
		set_match(m, f->start, end, r);
		return true;
	}
	/* a value that spells a JNDI lookup is substituted again by Log4j */
	if (f->nested && spells_jndi(f->buf, f->len)) {
		set_match(m, f->start, end, "nested lookups assemble the text ${jndi:...}");
		return true;
	}
	if (s->level > 0 && f->obf) {
		char lk[48], r[128];
		printable(lk, sizeof lk, f->buf, f->len);
		snprintf(r, sizeof r, "lookup name spelled by nested ${%.7s:...} lookups: ${%.47s}",
		         f->obf_name, lk);
		set_match(m, f->start, end, r);
		return true;
	}
	if (s->level > 0 && f->leak && f->url) {
		set_match(m, f->start, end, "lookup reading the environment inside a URL");
		return true;
	}
	if (s->depth == 0) {
		if (s->level > 0 && v.leak && url_before(s->p, f->start)) {
			set_match(m, f->start, end,
			          "Log4j lookup reading the environment inside a URL");
			return true;
		}
		return false;
	}
	frame *up = &s->fr[s->depth - 1];
	bool in_name = up->defpos < 0;
	if (in_name && up->nested < 255)
		up->nested++;
	if (in_name && v.obf && up->obf < 255) {
		if (!up->obf)
			snprintf(up->obf_name, sizeof up->obf_name, "%s", v.name ? v.name : "");
		up->obf++;
	}
	if (v.leak && up->leak < 255)
		up->leak++;
	append(up, v.buf, v.len);
	return false;
}

bool sk_detect_log4j(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	if (!p || n < 3)
		return false;
	state s;
	s.p = p;
	s.n = n;
	s.level = level;
	s.depth = 0;
	s.skip = 0;
	size_t i = 0;
	/* outside a lookup, straight to the next byte that may open one: a
	 * value without '$', '%', '\\' or '&' is read once, by the first
	 * search, and left */
	while (i < n) {
		if (s.depth == 0 && s.skip == 0) {
			const uint8_t *q = sk_find_any4(p + i, p + n, '$', '%', '\\', '&');
			if (!q)
				break;
			i = (size_t)(q - p);
			if (!may_open(p, n, i)) {
				i++;
				continue;
			}
		}
		uint8_t c[4], c2[4];
		size_t nc, nc2;
		size_t u = decode(p, n, i, c, &nc);
		if (nc == 1 && c[0] == '$' && i + u < n) {
			size_t u2 = decode(p, n, i + u, c2, &nc2);
			if (nc2 == 1 && c2[0] == '{') {
				if (s.depth < MAX_DEPTH && s.skip == 0) {
					frame *f = &s.fr[s.depth++];
					f->start = i;
					f->len = 0;
					f->defpos = -1;
					f->url = false;
					f->nested = f->obf = f->leak = 0;
					f->obf_name[0] = 0;
				} else {
					s.skip++;
				}
				i += u + u2;
				continue;
			}
		}
		if (nc == 1 && c[0] == '}' && (s.depth || s.skip)) {
			i += u;
			if (s.skip) {
				if (--s.skip == 0) {
					uint8_t unk = UNKNOWN;
					append(&s.fr[s.depth - 1], &unk, 1);
				}
				continue;
			}
			if (close_lookup(&s, i, m))
				return true;
			continue;
		}
		if (s.depth && !s.skip)
			append(&s.fr[s.depth - 1], c, nc);
		i += u;
	}
	/* lookups left open: judged as if the input closed them */
	s.skip = 0;
	while (s.depth)
		if (close_lookup(&s, n, m))
			return true;
	return false;
}
