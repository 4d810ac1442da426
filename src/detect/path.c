/* Path traversal and local file inclusion.
 *
 * The value is first decoded the way a chain of lax decoders would leave it
 * (unescape.h: percent-decoding repeated, overlong UTF-8 and Unicode
 * look-alikes folded). It is then cut into tokens: runs of bytes that can
 * be one path; whitespace, quotes and the delimiters of query strings,
 * markup and code end a token. Each token is split on '/' and '\' and
 * resolved the way a file system would: "." vanishes, ".." climbs (so do
 * "...." which a filter that strips "../" once turns into "../", "..;x"
 * which Tomcat reads as "..", and "..<NUL>"), and the segments left are
 * compared with the places an attacker wants to read.
 *
 * At LOW a token is an attack when it climbs twice, climbs once to a
 * system location or a secret file, climbs through encoded dots (nobody
 * encodes a dot but an evasion), names a stream wrapper that reads local
 * files (php://filter, expect://, phar://, ...), points at an
 * administrative share, or is itself a value (not a word in prose) that
 * is an absolute path to a system file. One "../" in a relative link is
 * how relative links look, and "/etc/hosts" in a sentence is how
 * documentation looks: those only count at HIGH. */
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/scan.h"
#include "detect/unescape.h"

#define MAX_SEG  16 /* resolved segments remembered; deeper ones are only counted */
#define SEG_NAME 32 /* bytes of a segment name compared */

static bool is_sep(uint8_t c)
{
	return c == '/' || c == '\\';
}

/* Bytes that cannot be inside one path as it appears in a parameter,
 * a sentence, markup or code; '+' is a space in form-encoded text and no
 * path has a use for it. */
static const uint8_t bound_tab[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\v'] = 1, ['\f'] = 1, ['"'] = 1, ['\''] = 1,
    ['`'] = 1, ['<'] = 1,  ['>'] = 1,  ['|'] = 1,  ['&'] = 1,  ['='] = 1,  ['?'] = 1, ['#'] = 1,
    [','] = 1, ['('] = 1,  [')'] = 1,  ['['] = 1,  [']'] = 1,  ['{'] = 1,  ['}'] = 1, ['+'] = 1,
};

static bool is_bound(uint8_t c)
{
	return bound_tab[c];
}

/* is_bound at b[k], except for the '?' of a Windows device path \\?\. */
static bool bound_at(const uint8_t *b, size_t n, size_t k)
{
	if (b[k] == '?' && k >= 2 && k + 1 < n && is_sep(b[k - 1]) && is_sep(b[k - 2]) &&
	    is_sep(b[k + 1]))
		return false;
	return bound_tab[b[k]];
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	       c == '+';
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static bool is_alpha(int c)
{
	c = lower(c);
	return c >= 'a' && c <= 'z';
}

/* ---- what an attacker wants to read ---- */

/* Where a target counts: ABS also for an absolute path that is a value by
 * itself; otherwise only when climbed to (or through file:, a drive or a
 * UNC path, which leave no doubt that a file is meant). */
enum { NEED_CLIMB = 0, ABS_OK = 1 };

typedef struct target {
	const char *desc; /* NULL when no target */
	int how;          /* NEED_CLIMB or ABS_OK */
	int from;         /* first resolved segment of the target */
} target;

static bool name_is(const char *nm, const char *s)
{
	return strcmp(nm, s) == 0;
}

static bool name_starts(const char *nm, const char *s)
{
	return strncmp(nm, s, strlen(s)) == 0;
}

static bool in_list(const char *nm, const char *const *list)
{
	for (; *list; list++)
		if ((*list)[0] == nm[0] && strcmp(nm, *list) == 0)
			return true;
	return false;
}

/* Names worth reading wherever they sit: credentials, shell history, keys,
 * Windows' own configuration. */
static const char *const secret_abs[] = {
    ".ssh",
    ".bash_history",
    ".zsh_history",
    ".sh_history",
    ".mysql_history",
    ".psql_history",
    ".python_history",
    ".htpasswd",
    ".aws",
    ".gnupg",
    ".netrc",
    ".pgpass",
    ".git-credentials",
    "authorized_keys",
    "win.ini",
    "system.ini",
    "boot.ini",
    "ntuser.dat",
    "ntuser.ini",
    "pagefile.sys",
    "hiberfil.sys",
    "unattend.xml",
    "sysprep.inf",
    NULL,
};

/* Names that are application secrets or system files when reached by
 * climbing, but ordinary words or routes otherwise. */
static const char *const secret_climb[] = {
    "passwd",
    "shadow",
    "master.passwd",
    ".env",
    ".git",
    ".svn",
    ".hg",
    ".htaccess",
    ".bashrc",
    ".bash_profile",
    ".profile",
    ".viminfo",
    ".kube",
    ".docker",
    ".npmrc",
    ".pypirc",
    "known_hosts",
    "web-inf",
    "meta-inf",
    "web.config",
    "applicationhost.config",
    "machine.config",
    "global.asa",
    "global.asax",
    "wp-config.php",
    "configuration.php",
    "config.php",
    "config.inc.php",
    "settings.php",
    "localsettings.php",
    "local.xml",
    "database.yml",
    "secrets.yml",
    "application.properties",
    "application.yml",
    "appsettings.json",
    "parameters.yml",
    "php.ini",
    "httpd.conf",
    "apache2.conf",
    "nginx.conf",
    "my.cnf",
    "my.ini",
    ".dockerenv",
    "environ",
    NULL,
};

/* The target that the resolved path st[0..depth) ends in, judged when
 * st[depth-1] was just added. */
static target find_target(char (*st)[SEG_NAME], int depth)
{
	target t = {NULL, NEED_CLIMB, 0};
	if (depth <= 0)
		return t;
	const char *r = st[0];
	if (depth <= MAX_SEG) {
		int top = depth - 1;
		const char *nm = st[top];
		/* anchored at the root of the resolved path */
		if (top <= 1) {
			const char *sub = top == 1 ? st[1] : "";
			if (name_is(r, "etc") && top == 1)
				return (target){"/etc/", ABS_OK, 0};
			if (name_is(r, "proc") && top == 1)
				return (target){"/proc/", ABS_OK, 0};
			if (name_is(r, "root") && top == 1)
				return (target){"root's home", ABS_OK, 0};
			if ((name_is(r, "windows") || name_is(r, "winnt")) && top == 1)
				return (target){"the Windows folder", ABS_OK, 0};
			if (name_is(r, "inetpub") && top == 1)
				return (target){"the IIS folder", ABS_OK, 0};
			if (name_is(r, "boot") && top == 1)
				return (target){"/boot/", ABS_OK, 0};
			if (name_is(r, "var") && top == 1 &&
			    (name_is(sub, "log") || name_is(sub, "mail") || name_is(sub, "spool")))
				return (target){"/var/", ABS_OK, 0};
			static const char *const roots[] = {
			    "etc",   "proc",     "sys",     "boot", "root", "windows",
			    "winnt", "system32", "inetpub", "var",  NULL};
			if (top == 0 && in_list(r, roots))
				return (target){"a system folder", NEED_CLIMB, 0};
		}
		if (top == 2 && name_is(r, "var") && name_is(st[1], "run") &&
		    name_is(nm, "secrets"))
			return (target){"/var/run/secrets", ABS_OK, 0};
		if (in_list(nm, secret_abs))
			return (target){nm, ABS_OK, top};
		if (name_starts(nm, "id_rsa") || name_starts(nm, "id_dsa") ||
		    name_starts(nm, "id_ecdsa") || name_starts(nm, "id_ed25519"))
			return (target){"a private key", ABS_OK, top};
		if (name_is(nm, "sam") && top > 0 &&
		    (name_is(st[top - 1], "config") || name_is(st[top - 1], "repair")))
			return (target){"the SAM database", ABS_OK, top - 1};
		if (in_list(nm, secret_climb))
			return (target){nm, NEED_CLIMB, top};
	}
	return t;
}

/* Wrappers that read or run local things when a PHP include or a URL
 * fetcher is handed them. */
static const char *wrapper(const char *scheme, size_t seps)
{
	static const char *const list[] = {"php",  "expect",        "phar",           "zip",
	                                   "glob", "compress.zlib", "compress.bzip2", "rar",
	                                   "ogg",  "ssh2.shell",    "ssh2.exec",      "ssh2.sftp",
	                                   NULL};
	if (seps >= 2 && in_list(scheme, list))
		return scheme;
	if (seps >= 2 && strcmp(scheme, "data") == 0) /* PHP's data://text/plain */
		return "data";
	return NULL;
}

/* ---- one token ---- */

typedef struct walk {
	const sk_unesc *u;
	int level;
	bool value_like;
	size_t s, e;
	bool abs, drive, unc, url, file, device, host_next;
	int lead_seps;
	int nseg; /* segments seen, of any kind */
	int climbs, escapes;
	size_t climb0, climb1;
	uint8_t dot_how, sep_how;
	int depth;
	char st[MAX_SEG][SEG_NAME];
	size_t st_k0[MAX_SEG], st_k1[MAX_SEG];
} walk;

static void how_words(uint8_t how, char *out, size_t cap)
{
	int layers = how & SK_UNESC_LAYERS;
	out[0] = 0;
	if (how & SK_UNESC_OVERLONG)
		snprintf(out, cap, " after folding overlong UTF-8");
	else if (how & SK_UNESC_PCT_U)
		snprintf(out, cap, " after decoding %%u escapes");
	else if (how & SK_UNESC_ALIKE)
		snprintf(out, cap, " after folding Unicode look-alikes");
	else if (layers >= 2)
		snprintf(out, cap, " after percent-decoding %d times", layers);
	else if (layers == 1)
		snprintf(out, cap, " after percent-decoding");
}

static uint8_t span_how(const sk_unesc *u, size_t a, size_t z)
{
	uint8_t h = 0;
	if (!u->decoded)
		return 0;
	for (size_t k = a; k < z && k < u->n; k++)
		h |= u->how[k];
	return h;
}

static bool hit(const walk *w, sk_detect_match *m, size_t a, size_t z, const char *what,
                const char *detail)
{
	if (!m)
		return true;
	char dec[48];
	how_words(span_how(w->u, a, z), dec, sizeof dec);
	m->off = sk_unesc_src(w->u, a);
	size_t end = sk_unesc_src(w->u, z);
	m->len = end > m->off ? end - m->off : 1;
	snprintf(m->reason, sizeof m->reason, "%s%s%s", what, detail ? detail : "", dec);
	return true;
}

/* Words for the target: the token from segment byte k0 on, up to three
 * segments; returns where they end. */
static size_t path_words(const walk *w, size_t k0, char *out, size_t cap)
{
	const uint8_t *b = w->u->b;
	size_t o = 0, k = k0;
	int segs = 0;
	out[o++] = '/';
	for (; k < w->e && o + 1 < cap; k++) {
		uint8_t c = b[k];
		if (is_sep(c)) {
			if (++segs == 3)
				break;
			while (k + 1 < w->e && is_sep(b[k + 1]))
				k++;
			c = '/';
		}
		out[o++] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
	}
	out[o] = 0;
	return k;
}

static bool judge_target(walk *w, sk_detect_match *m)
{
	target t = find_target(w->st, w->depth);
	if (!t.desc)
		return false;
	bool sure_file = w->file || w->drive || w->unc || w->device;
	bool low = (w->climbs > 0) || (t.how == ABS_OK && w->abs && (w->value_like || sure_file)) ||
	           (sure_file && (w->value_like || w->unc || w->file));
	if (!low && w->level == 0)
		return false;
	char where[64], what[100];
	size_t from = w->st_k0[t.from < MAX_SEG ? t.from : 0];
	size_t z = path_words(w, from, where, sizeof where);
	size_t a = w->climbs ? w->climb0 : from;
	if (!w->climbs && (w->abs || w->unc))
		a = w->s;
	if (w->climbs)
		snprintf(what, sizeof what, "climbs %d director%s to %s", w->climbs,
		         w->climbs == 1 ? "y" : "ies", where);
	else if (w->unc)
		snprintf(what, sizeof what, "UNC path to %s", where);
	else if (w->abs || w->drive || w->file)
		snprintf(what, sizeof what, "%s path to %s", w->file ? "file: URL" : "absolute",
		         where);
	else
		snprintf(what, sizeof what, "names %s", where);
	return hit(w, m, a, z, what, NULL);
}

/* Normalises a segment name: lower-cased, cut at ';' (a path parameter),
 * NUL (where a C library stops reading) and "::$" (an NTFS stream), with
 * the trailing dots and spaces Windows ignores removed. */
static size_t seg_name(const uint8_t *b, size_t a, size_t z, char *nm)
{
	size_t l = 0;
	for (size_t k = a; k < z && l + 1 < SEG_NAME; k++) {
		uint8_t c = b[k];
		if (c == ';' || c == 0)
			break;
		if (c == ':' && k + 2 < z && b[k + 1] == ':' && b[k + 2] == '$')
			break;
		nm[l++] = (char)lower(c);
	}
	nm[l] = 0;
	size_t dots = 0;
	while (dots < l && nm[dots] == '.')
		dots++;
	if (dots < l)
		while (l > 0 && (nm[l - 1] == '.' || nm[l - 1] == ' '))
			nm[--l] = 0;
	return l;
}

/* Handles segment [a, z), followed by seps separators; true on a verdict. */
static bool segment(walk *w, size_t a, size_t z, int seps, sk_detect_match *m)
{
	const uint8_t *b = w->u->b;
	char nm[SEG_NAME];
	size_t l = seg_name(b, a, z, nm);
	int index = w->nseg++;

	if (index == 0 && w->lead_seps == 0 && l >= 2 && nm[l - 1] == ':') {
		nm[l - 1] = 0;
		if (l == 2 && is_alpha(nm[0])) {
			w->drive = w->abs = true;
			return false;
		}
		const char *wr = wrapper(nm, (size_t)seps);
		if (wr) {
			char what[80];
			snprintf(what, sizeof what, "%s:// stream wrapper", wr);
			return hit(w, m, a, z + (size_t)seps, what, NULL);
		}
		if (strcmp(nm, "file") == 0) {
			w->file = w->abs = true;
			w->host_next = seps == 2;
			return false;
		}
		if (strcmp(nm, "http") == 0 || strcmp(nm, "https") == 0 || strcmp(nm, "ftp") == 0 ||
		    strcmp(nm, "ftps") == 0 || strcmp(nm, "ws") == 0 || strcmp(nm, "wss") == 0) {
			w->url = true;
			w->host_next = seps >= 1;
			return false;
		}
		nm[l - 1] = ':';
	}
	if (index == 0 && w->lead_seps == 0 && l >= 1 && nm[0] == '~') {
		w->abs = true; /* ~/ or ~user/: a home folder */
		return false;
	}
	if (w->host_next) {
		w->host_next = false;
		if (w->file && l && strcmp(nm, "localhost") != 0 && strcmp(nm, "127.0.0.1") != 0)
			w->unc = true; /* file://server/share */
		return false;
	}
	if (index == 0 && w->lead_seps == 2 && !w->url) {
		w->unc = true;
		w->device = l == 1 && (nm[0] == '?' || nm[0] == '.');
		return false;
	}
	if (w->unc && index == 1 && !w->device && l >= 2 && nm[l - 1] == '$') {
		char what[80];
		snprintf(what, sizeof what, "UNC path to the administrative share %s", nm);
		return hit(w, m, w->s, z, what, NULL);
	}
	if (w->device && index == 1 && l == 2 && nm[1] == ':') {
		w->drive = w->abs = true;
		return false;
	}

	size_t dots = 0;
	while (a + dots < z && b[a + dots] == '.')
		dots++;
	bool dot_seg = dots >= 1 && (a + dots == z || b[a + dots] == ';' || b[a + dots] == 0);
	if (dot_seg && dots >= 2) {
		bool near_sep = seps > 0 || (a > w->s && is_sep(b[a - 1]));
		if (!near_sep)
			return false;
		if (!w->climbs)
			w->climb0 = a;
		w->climbs++;
		w->climb1 = z + (size_t)seps;
		w->dot_how |= span_how(w->u, a, a + dots);
		w->sep_how |= span_how(w->u, z, z + (size_t)seps);
		if (w->depth > 0)
			w->depth--;
		else
			w->escapes++;
		return false;
	}
	if (dot_seg || l == 0)
		return false;
	if (w->depth < MAX_SEG) {
		memcpy(w->st[w->depth], nm, l + 1);
		w->st_k0[w->depth] = a;
		w->st_k1[w->depth] = z;
	}
	w->depth++;
	return judge_target(w, m);
}

/* The token b[s..e) is a value by itself rather than a word in prose: it
 * starts the input or follows '=', a quote that opens a value, or '>';
 * and it ends the input or is followed by a closing delimiter. */
static bool value_like(const sk_unesc *u, size_t s, size_t e)
{
	const uint8_t *b = u->b;
	size_t j = s;
	for (int k = 0; k < 16 && j > 0 && is_space(b[j - 1]); k++)
		j--;
	int left = 0; /* 1: after '=' or '>' or at the start; else the quote */
	if (j == 0) {
		left = u->first;
	} else {
		uint8_t c = b[j - 1];
		if (c == '=' || c == '>') {
			left = 1;
		} else if (c == '"' || c == '\'' || c == '`') {
			j--;
			if (j > 0 && b[j - 1] == '\\')
				return false; /* an escaped quote inside a string */
			for (int k = 0; k < 16 && j > 0 && is_space(b[j - 1]); k++)
				j--;
			uint8_t d = j ? b[j - 1] : 0;
			if ((j == 0 && u->first) || d == ':' || d == '=' || d == '[' || d == ',' ||
			    d == '(' || d == '{')
				left = c;
		}
	}
	if (!left)
		return false;
	j = e;
	if (left > 1) {
		/* a quoted value: the quote closes it, then the syntax goes on */
		if (j >= u->n || b[j] != left)
			return false;
		j++;
		for (int k = 0; k < 16 && j < u->n && is_space(b[j]); k++)
			j++;
		if (j >= u->n)
			return true;
		switch (b[j]) {
		case ',':
		case '}':
		case ']':
		case ')':
		case ':':
		case '>':
		case '/':
		case '&':
		case ';': return true;
		default: return false;
		}
	}
	for (int k = 0; k < 16 && j < u->n && is_space(b[j]); k++)
		j++;
	if (j >= u->n)
		return true;
	switch (b[j]) {
	case '"':
	case '\'':
	case '`':
	case '&':
	case '<':
	case ',':
	case ')':
	case ']':
	case '}':
	case '?':
	case '#':
	case '|': return true;
	default: return false;
	}
}

static bool token(const sk_unesc *u, size_t s, size_t e, int level, sk_detect_match *m)
{
	walk w;
	memset(&w, 0, offsetof(walk, st));
	w.u = u;
	w.level = level;
	w.s = s;
	w.e = e;
	w.value_like = value_like(u, s, e);
	const uint8_t *b = u->b;
	size_t k = s;
	while (k < e && is_sep(b[k]))
		k++;
	w.lead_seps = (int)(k - s);
	w.abs = w.lead_seps == 1 || w.lead_seps >= 3;
	while (k < e) {
		size_t a = k;
		while (k < e && !is_sep(b[k]))
			k++;
		size_t z = k;
		while (k < e && is_sep(b[k]))
			k++;
		if (segment(&w, a, z, (int)(k - z), m))
			return true;
	}
	if (w.climbs == 0) {
		if (w.file && level > 0)
			return hit(&w, m, s, e, "a file: URL", NULL);
		return false;
	}
	char what[64];
	snprintf(what, sizeof what, "climbs %d director%s", w.climbs, w.climbs == 1 ? "y" : "ies");
	if (w.climbs >= 2)
		return hit(&w, m, w.climb0, w.climb1, what, NULL);
	/* browsers never encode a dot; layered or overlong encodings of the
	 * separator are evasions too */
	uint8_t odd = SK_UNESC_PCT_U | SK_UNESC_OVERLONG | SK_UNESC_ALIKE;
	if (w.dot_how || (w.sep_how & odd) || (w.sep_how & SK_UNESC_LAYERS) >= 2)
		return hit(&w, m, w.climb0, w.climb1, what, " through encoded dots or separators");
	if (level > 0)
		return hit(&w, m, w.climb0, w.climb1, what, NULL);
	return false;
}

/* True when the segment starting at b[i] may be the first of a path to a
 * system file: the roots worth resolving an absolute path for. */
static bool root_like(const uint8_t *b, size_t n, size_t i)
{
#define ROOT(s)                                                                                    \
	{                                                                                          \
		s, sizeof s - 1                                                                    \
	}
	static const struct {
		const char *name;
		size_t len;
	} roots[] = {ROOT("etc"),   ROOT("proc"),    ROOT("root"), ROOT("var"),  ROOT("windows"),
	             ROOT("winnt"), ROOT("inetpub"), ROOT("boot"), ROOT("home"), ROOT("users")};
#undef ROOT
	if (i >= n)
		return false;
	if (b[i] == '.' || b[i] == '~' || is_sep(b[i]))
		return true;
	for (size_t r = 0; r < sizeof roots / sizeof roots[0]; r++) {
		size_t l = roots[r].len, k = 0;
		if (lower(b[i]) != roots[r].name[0])
			continue;
		while (k < l && i + k < n && lower(b[i + k]) == roots[r].name[k])
			k++;
		if (k == l && (i + k == n || is_sep(b[i + k])))
			return true;
	}
	return false;
}

/* True when the letters before the ':' at b[c] are a scheme that reaches
 * local files, or a drive letter. */
static bool file_scheme(const uint8_t *b, size_t c)
{
	size_t s = c;
	while (s > 0 && c - s < 16 && (is_alpha(b[s - 1]) || b[s - 1] == '.' || b[s - 1] == '2'))
		s--;
	if (s > 0 && !is_bound(b[s - 1]))
		return false;
	size_t l = c - s;
	if (l == 1)
		return true; /* a drive */
	return l >= 3 && !(l == 4 && lower(b[s]) == 'h') && !(l == 5 && lower(b[s]) == 'h');
}

/* Whether the byte at i may start something worth resolving the token for. */
static bool worth(const uint8_t *b, size_t n, size_t i, int level)
{
	uint8_t c = b[i];
	if (c == '.') {
		if (i + 1 < n && b[i + 1] == '.')
			return true;
		/* dotfiles and names like win.ini are judged alone only at HIGH */
		return level > 0 && i + 1 < n && is_alpha(b[i + 1]);
	}
	/* c is '/' or '\' */
	if (level > 0)
		return true;
	if (i == 0 || is_bound(b[i - 1]))
		return root_like(b, n, i + 1);
	if (b[i - 1] == ':')
		return file_scheme(b, i - 1);
	return b[i - 1] == '~';
}

/* The first '/', '\\' or ".." in b[i..n), or NULL: at LOW, the only bytes
 * worth() may say yes to. A lone dot (every sentence, every file name) is
 * passed over 16 bytes at a time instead of one call each. */
static const uint8_t *find_sep_or_dots(const uint8_t *b, size_t n, size_t i)
{
	const sk_u8x16 dot = sk_splat('.'), slash = sk_splat('/'), bslash = sk_splat('\\');
	for (; i < n; i += 16) {
		/* x: b[i..i+16), y: the byte after each; NULs past the end */
		sk_u8x16 x, y;
		if (n - i >= 17) {
			memcpy(&x, b + i, 16);
			memcpy(&y, b + i + 1, 16);
		} else {
			uint8_t t[17] = {0};
			memcpy(t, b + i, n - i);
			memcpy(&x, t, 16);
			memcpy(&y, t + 1, 16);
		}
		int k = sk_first_lane((sk_u8x16)(x == slash) | (sk_u8x16)(x == bslash) |
		                      ((sk_u8x16)(x == dot) & (sk_u8x16)(y == dot)));
		if (k < 16)
			return b + i + k; /* lanes past the end are NUL: never set */
	}
	return NULL;
}

static bool scan(const sk_unesc *u, int level, sk_detect_match *m)
{
	const uint8_t *b = u->b;
	size_t n = u->n, i = 0, done = 0;
	while (i < n) {
		const uint8_t *q = level > 0 ? sk_find_any4(b + i, b + n, '.', '/', '\\', '.')
		                             : find_sep_or_dots(b, n, i);
		if (!q)
			break;
		i = (size_t)(q - b);
		if (!worth(b, n, i, level)) {
			if (b[i++] == '.')
				while (i < n && b[i] == '.')
					i++;
			continue;
		}
		size_t s = i, e = i;
		while (s > done && !bound_at(b, n, s - 1))
			s--;
		while (e < n && !bound_at(b, n, e))
			e++;
		if (token(u, s, e, level, m))
			return true;
		done = i = e;
	}
	return false;
}

bool sk_detect_path_traversal(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	if (!p || n < 2)
		return false;
	/* every traversal or file reference has a dot or a separator, or
	 * hides one in an escape or a multi-byte look-alike; scan() finds
	 * nothing in a value without any of them */
	bool decode = sk_unesc_needed(p, n);
	sk_unesc u;
	sk_unesc_begin(&u);
	while (sk_unesc_next(&u, p, n, decode))
		if (scan(&u, level, m))
			return true;
	return false;
}
