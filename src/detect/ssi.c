/* Server-side include directive detector.
 *
 * Apache mod_include, nginx's ssi module, IIS and the NCSA servers before
 * them read directives written as HTML comments that start with '#':
 * "<!--#exec cmd="ls" -->", "<!--#include virtual="/etc/passwd" -->". A
 * page that echoes input into a file the server parses for includes runs
 * them. The directive name must follow "<!--#" directly (the servers do
 * not skip space there) and be one the servers know, followed by an
 * attribute ("cmd=") or the comment's end (input cut short counts too); an ordinary HTML comment or
 * a "#" heading inside a comment is not one. */
#include "detect/text.h"

static const char *const directives[] = {
    "exec",     "include", "echo", "config", "set",   "printenv", "fsize",
    "flastmod", "if",      "elif", "else",   "endif", "block",    NULL,
};

/* Whether the directive's answer can run commands or read files, for the
 * reason; the others only leak variables or steer output. */
static bool runs_or_reads(int w)
{
	return w == 0 || w == 1;
}

bool sk_detect_ssi(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	if (!p || n == 0)
		return false;
	const uint8_t *e = p + n;
	for (const uint8_t *s = p; (s = memchr(s, '<', (size_t)(e - s))) != NULL; s++) {
		size_t i = (size_t)(s - p);
		if (!sk_tx_at(p, n, i, "<!--#"))
			continue;
		size_t d = i + 5;
		int w = sk_tx_word_ci(p, n, d, directives);
		if (w < 0)
			continue;
		size_t after = d + strlen(directives[w]);
		/* Then, as the servers parse it: attributes (name=) or the end. */
		size_t j = after;
		while (j < n && sk_tx_space(p[j]))
			j++;
		size_t k = j;
		while (k < n && sk_tx_alpha(p[k]))
			k++;
		bool attr = k > j && k < n && p[k] == '=';
		if (j < n && !attr && !sk_tx_at(p, n, j, "-->"))
			continue;
		char why[96];
		snprintf(why, sizeof why, "server-side include directive <!--#%s%s", directives[w],
		         runs_or_reads(w) ? " (runs a command or reads a file)" : "");
		return sk_tx_hit(m, i, after - i, why);
	}
	return false;
}
