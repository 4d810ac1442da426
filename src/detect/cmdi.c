/* Shell command injection detectors: Unix sh/bash, and Windows cmd.exe
 * with PowerShell.
 *
 * Unix. The value is read as the shell would read it when pasted into a
 * command line as an argument: bare, or inside '...' or "..." (then the
 * first quote of the value closes the argument). A small POSIX sh lexer
 * splits it into words (quotes removed, backslashes resolved, $@ $9 ${x}
 * dropped, $IFS taken as a space, {a,b} and globs expanded against the
 * usual binary paths) and simple commands (separated by ; & && | || and
 * newlines, nested in $(...), `...` and <(...)). Each command that starts
 * is judged by where it starts and what it runs:
 *  - early: the first separator or substitution of a value whose prefix
 *    is a short argument ("127.0.0.1 && ls", "'; id", "x=`id`"): a known
 *    program is enough (with an argument of the right shape for programs
 *    whose names are English words);
 *  - start: the value is itself a command line: only what no benign value
 *    does (a sensitive file read, a reverse shell, obfuscation, echo $HOME);
 *  - late: any later separator, in prose or in a document, or in a value
 *    that is a command line of build tools (package.json scripts, CI): the
 *    same strong evidence only.
 * HIGH adds programs with plausible arguments anywhere, and any
 * substitution.
 *
 * Windows. cmd.exe reads the value after removing carets and expanding
 * %VAR% and %VAR:~a,b% against the usual environment; a separator (& && |
 * || or a newline) followed by a known command, or a PowerShell cmdlet or
 * alias that downloads, runs or encodes, decides. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "detect/detect.h"
#include "detect/scan.h"

#define WORD_MAX    40  /* bytes of a word we rebuild; longer words are no program */
#define DEPTH       6   /* nesting of $( ` <( we follow */
#define EARLY_WORDS 3   /* words a prefix may have for its separator to be early */
#define SHORT_VALUE 200 /* a value this short may be a whole command line */
#define NAME_MAX    32

/* ---------------------------------------------------------------- tables */

enum { T_STRONG = 1, T_MEDIUM, T_BUILD };

enum {
	K_READ = 1 << 0,   /* prints files */
	K_NET = 1 << 1,    /* reaches another host */
	K_SHELL = 1 << 2,  /* a shell */
	K_INTERP = 1 << 3, /* runs code given with -c / -e */
	K_ECHO = 1 << 4,   /* prints its arguments */
	K_NETCAT = 1 << 5, /* can attach a shell to a socket */
	K_WRAP = 1 << 6,   /* runs the command that follows */
	K_NUM = 1 << 7,    /* takes a number (delays, counts) */
};

typedef struct prog {
	const char *name;
	uint8_t tier; /* T_STRONG: not an English word; T_MEDIUM: needs an argument */
	uint8_t kind;
} prog;

/* Sorted by name (strcmp order): looked up by binary search. */
static const prog progs[] = {
    {"awk", T_STRONG, K_READ | K_INTERP},
    {"base32", T_STRONG, K_READ},
    {"base64", T_STRONG, K_READ},
    {"bash", T_STRONG, K_SHELL | K_INTERP},
    {"bun", T_BUILD, K_INTERP},
    {"busybox", T_STRONG, K_SHELL | K_WRAP},
    {"cargo", T_BUILD, 0},
    {"cat", T_MEDIUM, K_READ},
    {"cd", T_BUILD, 0},
    {"chmod", T_STRONG, 0},
    {"chown", T_STRONG, 0},
    {"cmake", T_BUILD, 0},
    {"composer", T_BUILD, 0},
    {"cp", T_MEDIUM, 0},
    {"crontab", T_STRONG, 0},
    {"csh", T_STRONG, K_SHELL | K_INTERP},
    {"curl", T_STRONG, K_NET},
    {"cut", T_MEDIUM, K_READ},
    {"dash", T_STRONG, K_SHELL | K_INTERP},
    {"dd", T_MEDIUM, K_READ},
    {"deno", T_BUILD, K_INTERP},
    {"dig", T_MEDIUM, K_NET},
    {"docker", T_BUILD, 0},
    {"dotnet", T_BUILD, 0},
    {"echo", T_MEDIUM, K_ECHO},
    {"env", T_STRONG, K_WRAP},
    {"eval", T_STRONG, K_WRAP},
    {"exec", T_MEDIUM, K_WRAP},
    {"fetch", T_MEDIUM, K_NET},
    {"find", T_MEDIUM, 0},
    {"ftp", T_MEDIUM, K_NET},
    {"gawk", T_STRONG, K_READ | K_INTERP},
    {"gcc", T_BUILD, 0},
    {"getent", T_STRONG, 0},
    {"git", T_BUILD, 0},
    {"go", T_BUILD, 0},
    {"gradle", T_BUILD, 0},
    {"grep", T_MEDIUM, K_READ},
    {"head", T_MEDIUM, K_READ},
    {"host", T_MEDIUM, K_NET},
    {"hostname", T_STRONG, 0},
    {"id", T_STRONG, 0},
    {"ifconfig", T_STRONG, 0},
    {"ip", T_MEDIUM, 0},
    {"java", T_MEDIUM, K_INTERP},
    {"kill", T_MEDIUM, K_NUM},
    {"killall", T_STRONG, 0},
    {"ksh", T_STRONG, K_SHELL | K_INTERP},
    {"less", T_MEDIUM, K_READ},
    {"ls", T_STRONG, 0},
    {"lsb_release", T_STRONG, 0},
    {"lua", T_STRONG, K_INTERP},
    {"make", T_BUILD, 0},
    {"mkdir", T_BUILD, 0},
    {"mkfifo", T_STRONG, 0},
    {"mknod", T_STRONG, 0},
    {"more", T_MEDIUM, K_READ},
    {"mvn", T_BUILD, 0},
    {"nc", T_STRONG, K_NET | K_NETCAT},
    {"ncat", T_STRONG, K_NET | K_NETCAT},
    {"netcat", T_STRONG, K_NET | K_NETCAT},
    {"netstat", T_STRONG, 0},
    {"nl", T_MEDIUM, K_READ},
    {"nmap", T_STRONG, K_NET},
    {"node", T_BUILD, K_INTERP},
    {"nohup", T_STRONG, K_WRAP},
    {"npm", T_BUILD, 0},
    {"npx", T_BUILD, 0},
    {"nslookup", T_STRONG, K_NET},
    {"od", T_MEDIUM, K_READ},
    {"openssl", T_STRONG, K_NET},
    {"passwd", T_STRONG, 0},
    {"perl", T_STRONG, K_INTERP},
    {"php", T_STRONG, K_INTERP},
    {"ping", T_MEDIUM, K_NET | K_NUM},
    {"pip", T_BUILD, 0},
    {"pip3", T_BUILD, 0},
    {"pnpm", T_BUILD, 0},
    {"printenv", T_STRONG, 0},
    {"printf", T_MEDIUM, K_ECHO},
    {"ps", T_MEDIUM, 0},
    {"pwd", T_STRONG, 0},
    {"pytest", T_BUILD, 0},
    {"python", T_STRONG, K_INTERP},
    {"python2", T_STRONG, K_INTERP},
    {"python3", T_STRONG, K_INTERP},
    {"rev", T_MEDIUM, 0},
    {"rm", T_MEDIUM, 0},
    {"ruby", T_STRONG, K_INTERP},
    {"rustc", T_BUILD, 0},
    {"scp", T_STRONG, K_NET},
    {"sed", T_MEDIUM, K_READ},
    {"sh", T_STRONG, K_SHELL | K_INTERP},
    {"sleep", T_MEDIUM, K_NUM},
    {"socat", T_STRONG, K_NET | K_NETCAT},
    {"sort", T_MEDIUM, K_READ},
    {"ssh", T_STRONG, K_NET},
    {"strings", T_MEDIUM, K_READ},
    {"sudo", T_STRONG, K_WRAP},
    {"tac", T_MEDIUM, K_READ},
    {"tail", T_MEDIUM, K_READ},
    {"tclsh", T_STRONG, K_INTERP},
    {"tcsh", T_STRONG, K_SHELL | K_INTERP},
    {"tee", T_MEDIUM, 0},
    {"telnet", T_STRONG, K_NET},
    {"tftp", T_STRONG, K_NET},
    {"timeout", T_MEDIUM, K_WRAP | K_NUM},
    {"touch", T_MEDIUM, 0},
    {"traceroute", T_STRONG, K_NET},
    {"tsc", T_BUILD, 0},
    {"uname", T_STRONG, 0},
    {"uniq", T_MEDIUM, K_READ},
    {"uptime", T_STRONG, 0},
    {"useradd", T_STRONG, 0},
    {"usermod", T_STRONG, 0},
    {"usleep", T_STRONG, K_NUM},
    {"w", T_MEDIUM, 0},
    {"wget", T_STRONG, K_NET},
    {"whoami", T_STRONG, 0},
    {"xargs", T_STRONG, K_WRAP},
    {"xxd", T_STRONG, K_READ},
    {"yarn", T_BUILD, 0},
    {"zsh", T_STRONG, K_SHELL | K_INTERP},
};

/* Per first byte: where its names start and end in progs[], and a bit per
 * name length. Every word of a value is looked up, and most are words of
 * prose: the length bit turns nearly all of them away without a compare.
 * Filled by cls_init(). */
typedef struct prog_range {
	uint8_t lo, hi;
	uint16_t lens;
} prog_range;

static prog_range prog_at[256];
static uint8_t prog_len[sizeof progs / sizeof progs[0]];      /* strlen of each name */
static uint32_t prog_letters[sizeof progs / sizeof progs[0]]; /* its letters, as glob_need */

_Static_assert(sizeof progs / sizeof progs[0] < 256, "prog_range holds indexes in a byte");

static void prog_index(void)
{
	for (size_t k = sizeof progs / sizeof progs[0]; k-- > 0;) {
		prog_range *r = &prog_at[(uint8_t)progs[k].name[0]];
		size_t len = strlen(progs[k].name);
		if (!r->lens)
			r->hi = (uint8_t)(k + 1);
		r->lo = (uint8_t)k;
		r->lens |= (uint16_t)(len < 16 ? 1u << len : 0);
		prog_len[k] = (uint8_t)(len < 255 ? len : 255);
		for (const char *c = progs[k].name; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				prog_letters[k] |= 1u << (*c - 'a');
	}
}

static const prog *prog_find(const uint8_t *t, size_t len)
{
	if (len == 0 || len >= 16)
		return NULL;
	/* a NUL ends the name, as it does for the C program that runs it:
	 * "id\0..." runs id */
	for (size_t k = 0; k < len; k++) /* at most 15 bytes: no call to memchr() */
		if (t[k] == 0) {
			len = k;
			break;
		}
	if (len == 0 || !(prog_at[t[0]].lens & 1u << len))
		return NULL;
	/* the names under one first byte are a few, and those of another
	 * length are passed over by a byte compare: cheaper than a binary
	 * search of strcmp() calls on a copy of the word */
	for (size_t k = prog_at[t[0]].lo; k < prog_at[t[0]].hi; k++) {
		if (prog_len[k] != len)
			continue;
		const char *name = progs[k].name;
		size_t j = 1; /* t[0] is name[0]: the range is by first byte */
		while (j < len && (uint8_t)name[j] == t[j])
			j++;
		if (j == len)
			return &progs[k];
	}
	return NULL;
}

/* Directories a program is run from by its full path. */
static const char *const bin_dirs[] = {"/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin"};

/* Files whose reading is the point of an attack. */
static const char *const sensitive[] = {
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/master.passwd",
    "/etc/hosts",
    "/etc/issue",
    "/etc/hostname",
    "/etc/crontab",
    "/etc/resolv.conf",
    "/proc/self/",
    "/proc/version",
    "/proc/cpuinfo",
    "/root/",
    "/.ssh/",
    "/.bash_history",
    "/.aws/credentials",
    "/var/run/secrets/",
};

/* Variables whose value tells an attacker about the system. */
static const char *const sys_vars[] = {
    "HOME",    "PATH",   "USER", "SHELL",    "PWD",    "OLDPWD",       "HOSTNAME",
    "LOGNAME", "UID",    "EUID", "SHLVL",    "PS1",    "BASH_VERSION", "HISTFILE",
    "MAIL",    "TMPDIR", "PPID", "HOSTTYPE", "OSTYPE", "MACHTYPE",     "LD_PRELOAD",
};

/* ------------------------------------------------------------ characters */

enum {
	C_PLAIN = 1 << 0,   /* an ordinary word character in bare context */
	C_NAME = 1 << 1,    /* [A-Za-z0-9_] */
	C_SPACE = 1 << 2,   /* space, tab, CR */
	C_GLOB = 1 << 3,    /* ? * [ */
	C_SPECIAL = 1 << 4, /* anything the Unix prefilter looks for */
	C_STOP = 1 << 5,    /* what ends a skip over an unknown command's arguments */
	C_WPLAIN = 1 << 7,  /* an ordinary word character for cmd.exe */
	C_WSKIP = 1 << 8,   /* what cmd.exe passes over in an unknown command's arguments */
};

/* What ends a skip over an unknown command's arguments (C_STOP). */
static const char stop_bytes[] = ";&|\n'\"`$\\<>)#%";

static uint16_t ccls(int c)
{
	uint16_t k = 0;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
		k |= C_NAME;
	if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
		k |= C_SPACE;
	if (c == '?' || c == '*' || c == '[')
		k |= C_GLOB;
	if (!(k & (C_SPACE | C_GLOB)) && !strchr(";&|\n'\"`$\\<>()#{}%=,+", c) && c != 0)
		k |= C_PLAIN;
	if (c != 0 && strchr(";&|\n'\"`$\\<>(){}?*[%", c))
		k |= C_SPECIAL;
	if (c != 0 && strchr(stop_bytes, c))
		k |= C_STOP;
	if (c == 0 || !strchr(" \t\r,;&|\n<>()^%\"", c))
		k |= C_WPLAIN;
	if (c == 0 || !strchr(";&|\n^%\"", c))
		k |= C_WSKIP;
	return k;
}

static uint16_t cls[256];
static pthread_once_t cls_once = PTHREAD_ONCE_INIT;

static void cls_build(void)
{
	for (int c = 0; c < 256; c++)
		cls[c] = ccls(c);
	cls[0] = C_PLAIN | C_WPLAIN | C_WSKIP;
	prog_index();
}

static void cls_init(void)
{
	pthread_once(&cls_once, cls_build);
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Glob match of pattern p[0..pn) (? * [set]) against the string s. */
/* What a name must have to match the glob p, as glob_match() reads p: at
 * least `least` bytes (each '?' or bracket expression is one, '*' none),
 * exactly that many when p has no '*', and every lower-case letter p
 * holds outside brackets (bit c - 'a' of *letters). */
typedef struct glob_need {
	size_t least;
	bool star;
	uint32_t letters;
} glob_need;

static glob_need glob_needs(const uint8_t *p, size_t pn)
{
	glob_need g = {0, false, 0};
	for (size_t pi = 0; pi < pn;) {
		if (p[pi] == '*') {
			g.star = true;
			pi++;
			continue;
		}
		g.least++;
		if (p[pi] != '[') {
			if (p[pi] >= 'a' && p[pi] <= 'z')
				g.letters |= 1u << (p[pi] - 'a');
			pi++;
			continue;
		}
		size_t k = pi + 1;
		if (k < pn && (p[k] == '!' || p[k] == '^'))
			k++;
		size_t first = k;
		while (k < pn && (p[k] != ']' || k == first))
			k++;
		pi = k < pn ? k + 1 : pi + 1; /* no closing bracket: a literal '[' */
	}
	return g;
}

static bool glob_match(const uint8_t *p, size_t pn, const char *s)
{
	size_t pi = 0, si = 0, sn = strlen(s), star_p = (size_t)-1, star_s = 0;
	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pn) {
			bool ok;
			size_t next = pi + 1;
			if (p[pi] == '?') {
				ok = true;
			} else if (p[pi] == '[') {
				size_t k = pi + 1;
				bool neg = k < pn && (p[k] == '!' || p[k] == '^');
				if (neg)
					k++;
				bool in = false;
				size_t first = k;
				while (k < pn && (p[k] != ']' || k == first)) {
					if (k + 2 < pn && p[k + 1] == '-' && p[k + 2] != ']') {
						if ((uint8_t)s[si] >= p[k] &&
						    (uint8_t)s[si] <= p[k + 2])
							in = true;
						k += 3;
					} else {
						if ((uint8_t)s[si] == p[k])
							in = true;
						k++;
					}
				}
				if (k >= pn) { /* no closing bracket: a literal '[' */
					ok = s[si] == '[';
				} else {
					ok = in != neg;
					next = k + 1;
				}
			} else {
				ok = p[pi] == (uint8_t)s[si];
			}
			if (ok) {
				pi = next;
				si++;
				continue;
			}
		}
		if (star_p == (size_t)-1)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* ------------------------------------------------------------ Unix lexer */

enum {
	W_QUOTE = 1 << 0,   /* some of it was quoted */
	W_QSPLIT = 1 << 1,  /* quotes inside the word: c'a't, c""at */
	W_BSLASH = 1 << 2,  /* a backslash before an ordinary character: c\at */
	W_EMPTY = 1 << 3,   /* an expansion that is empty in practice: $@, $9, ${x} */
	W_GLOB = 1 << 4,    /* unquoted ? * [ */
	W_BRACE = 1 << 5,   /* starts an unquoted {a,b} */
	W_ENV = 1 << 6,     /* reads a system variable: $HOME, $PATH */
	W_SUBST = 1 << 7,   /* holds $(...) or `...` */
	W_DOLLAR = 1 << 8,  /* holds another expansion ($x, $((1+1))) */
	W_ANSI = 1 << 9,    /* $'\x63' */
	W_ASSIGN = 1 << 10, /* NAME=value */
	W_NONAME = 1 << 11, /* has a character that cannot be in a NAME */
	W_COMMA = 1 << 12,  /* an unquoted comma, for brace expansion */
};
#define W_OBF (W_QSPLIT | W_BSLASH | W_EMPTY | W_GLOB | W_BRACE | W_ANSI)

typedef struct word {
	size_t off, end, mark; /* raw span; mark: where the first obfuscation is */
	unsigned fl;
	uint8_t len;
	bool trunc, qseen;
	int8_t env; /* index into sys_vars of the first one read, -1 none */
	uint8_t t[WORD_MAX];
} word;

enum { ST_START, ST_EARLY, ST_LATE };
enum { F_TOP, F_PAREN, F_TICK };
enum { E_NONE, E_EOF, E_SEP, E_PIPE, E_CLOSE };

enum {
	A_OPT = 1 << 0,     /* -x */
	A_PATH = 1 << 1,    /* /x ./x ../x ~/x */
	A_SENS = 1 << 2,    /* a sensitive file */
	A_DEVTCP = 1 << 3,  /* /dev/tcp/ or /dev/udp/ */
	A_URL = 1 << 4,     /* scheme:// */
	A_IP = 1 << 5,      /* dotted quad */
	A_NUM = 1 << 6,     /* a number */
	A_ENV = 1 << 7,     /* $HOME and friends */
	A_DOLLAR = 1 << 8,  /* another expansion */
	A_EXEC = 1 << 9,    /* -e / -c: code or program follows */
	A_INTER = 1 << 10,  /* -i */
	A_REDIR = 1 << 11,  /* a redirection */
	A_DOTTED = 1 << 12, /* a host or file name with a dot */
};

typedef struct cmd {
	word w0;        /* the command word */
	const prog *pg; /* what it runs, NULL when unknown */
	unsigned args, nargs;
	uint8_t start, end;
	bool have_w0, redir_next, wrap;
	size_t sep_off, sep_len; /* what started it */
	size_t ev_off, ev_len;   /* the argument that decided, if one did */
	const char *ev;          /* that argument in words */
} cmd;

typedef struct frame {
	uint8_t kind, start;
	bool sq, dq, in_word, brace;
	word w; /* the word being read */
	cmd c;  /* the command being assembled */
} frame;

typedef struct unix_scan {
	const uint8_t *p;
	size_t n;
	int level;
	bool cmdline; /* the value is a command line of build tools */
	bool hit;
	unsigned gaps; /* runs of white space at the top level, quoted or not */
	int depth;
	sk_detect_match *m;
	frame f[DEPTH];
} unix_scan;

/* Records the first finding of a scan: the bytes [off, end) clamped to
 * the input, and the reason. Later findings are ignored. */
static void record(bool *done, sk_detect_match *m, size_t n, size_t off, size_t end,
                   const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void record(bool *done, sk_detect_match *m, size_t n, size_t off, size_t end,
                   const char *fmt, va_list ap)
{
	if (*done)
		return;
	*done = true;
	if (!m)
		return;
	if (end > n)
		end = n;
	if (off > end)
		off = end;
	m->off = off;
	m->len = end - off;
	vsnprintf(m->reason, sizeof m->reason, fmt, ap);
}

static void hit(unix_scan *s, size_t off, size_t end, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void hit(unix_scan *s, size_t off, size_t end, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(&s->hit, s->m, s->n, off, end, fmt, ap);
	va_end(ap);
}

static void count_gaps(unix_scan *s, size_t i, size_t e)
{
	for (; i < e && s->gaps <= EARLY_WORDS; i++)
		if ((cls[s->p[i]] & C_SPACE || s->p[i] == '\n') &&
		    (i == 0 || !(cls[s->p[i - 1]] & C_SPACE || s->p[i - 1] == '\n')))
			s->gaps++;
}

static void word_begin(frame *f, size_t i)
{
	if (f->in_word)
		return;
	f->in_word = true;
	f->brace = false;
	memset(&f->w, 0, offsetof(word, t));
	f->w.off = i;
	f->w.mark = i;
	f->w.env = -1;
}

static void obf(word *w, unsigned fl, size_t at)
{
	if (!(w->fl & W_OBF))
		w->mark = at;
	w->fl |= fl;
}

static void put(frame *f, uint8_t c, bool quoted, size_t i)
{
	word *w = &f->w;
	if (!quoted && w->qseen)
		obf(w, W_QSPLIT, i);
	if (!(cls[c] & C_NAME))
		w->fl |= W_NONAME;
	if (w->len < WORD_MAX)
		w->t[w->len++] = c;
	else
		w->trunc = true;
}

/* put() for a run of quoted bytes. */
static void put_run(frame *f, const uint8_t *t, size_t len)
{
	word *w = &f->w;
	for (size_t k = 0; k < len && !(w->fl & W_NONAME); k++)
		if (!(cls[t[k]] & C_NAME))
			w->fl |= W_NONAME;
	size_t room = (size_t)WORD_MAX - w->len;
	size_t take = len < room ? len : room;
	if (take) /* a long quoted string fills the word at once: no call after that */
		memcpy(w->t + w->len, t, take);
	w->len += take;
	if (take < len)
		w->trunc = true;
}

/* A quote opens inside or at the start of a word. */
static void quote_open(frame *f, size_t i)
{
	word_begin(f, i);
	if (f->w.len > 0)
		obf(&f->w, W_QSPLIT, i);
	f->w.qseen = true;
	f->w.fl |= W_QUOTE;
}

static bool name_is(const uint8_t *t, size_t len, const char *name)
{
	/* the first byte first: most words are no keyword, no variable */
	if (len > 0 && t[0] != (uint8_t)name[0])
		return false;
	return strlen(name) == len && memcmp(t, name, len) == 0;
}

static int sys_var(const uint8_t *t, size_t len)
{
	for (size_t k = 0; k < sizeof sys_vars / sizeof sys_vars[0]; k++)
		if (name_is(t, len, sys_vars[k]))
			return (int)k;
	return -1;
}

/* Does the text match a sensitive file (glob patterns too)? */
static const char *sensitive_file(const uint8_t *t, size_t len, bool glob)
{
	/* every file named starts with '/', and only a glob matches one
	 * without a '/' of its own */
	if (!glob && !memchr(t, '/', len))
		return NULL;
	uint8_t norm[WORD_MAX];
	size_t k = 0;
	for (size_t i = 0; i < len; i++) { /* fold // and /./ */
		if (t[i] == '/' && k > 0 && norm[k - 1] == '/')
			continue;
		if (t[i] == '.' && k > 0 && norm[k - 1] == '/' && i + 1 < len && t[i + 1] == '/') {
			i++;
			continue;
		}
		norm[k++] = t[i];
	}
	for (size_t j = 0; j < sizeof sensitive / sizeof sensitive[0]; j++) {
		const char *f = sensitive[j];
		size_t fl = strlen(f);
		if (glob) {
			if (glob_match(norm, k, f))
				return f;
			continue;
		}
		if (f[0] == '/' && f[1] != 'e' && f[1] != 'p') { /* /root/, /.ssh/: anywhere */
			/* the first two bytes before a call: a URL has many
			 * places to try and no match at most of them */
			for (size_t i = 0; i + fl <= k; i++)
				if (norm[i] == '/' && norm[i + 1] == (uint8_t)f[1] &&
				    memcmp(norm + i, f, fl) == 0)
					return f;
			continue;
		}
		/* both tests below want the text to start with the name's '/'
		 * or with the '.' of a relative path */
		if (norm[0] != '/' && norm[0] != '.')
			continue;
		if (k >= fl && memcmp(norm, f, fl) == 0 && (k == fl || f[fl - 1] == '/'))
			return f;
		/* ../../etc/passwd: the file at the end of a relative path */
		if (k > fl && memcmp(norm + k - fl, f, fl) == 0 && norm[0] == '.')
			return f;
	}
	return NULL;
}

static bool has(const uint8_t *t, size_t len, const char *needle)
{
	size_t k = strlen(needle);
	return k <= len && memmem(t, len, needle, k) != NULL;
}

static bool is_ip(const uint8_t *t, size_t len)
{
	int dots = 0, digits = 0;
	for (size_t i = 0; i < len; i++) {
		if (is_digit(t[i])) {
			if (++digits > 3)
				return false;
		} else if (t[i] == '.' && digits) {
			dots++;
			digits = 0;
		} else if (t[i] == ':' && dots == 3 && digits) {
			return true; /* a port */
		} else {
			return false;
		}
	}
	return dots == 3 && digits;
}

/* What a program's full path or glob names: /bin/cat, /b?n/c?t. */
static const prog *resolve(const word *w, const char **how)
{
	*how = NULL;
	const uint8_t *t = w->t;
	size_t len = w->len;
	/* Every way below to name a program, bar a glob, starts at t[0] with
	 * its name or with the '/' of a directory: a word whose first byte
	 * starts no program name (most prose: "The", "[link]") names none. */
	if (len > 0 && t[0] != '/' && !prog_at[t[0]].lens && (w->trunc || !(w->fl & W_GLOB)))
		return NULL;
	if (w->trunc) { /* getent+hosts+a.long.host.name */
		const uint8_t *plus = memchr(t, '+', len);
		const prog *pg = plus ? prog_find(t, (size_t)(plus - t)) : NULL;
		return pg && pg->tier == T_STRONG && !(w->fl & W_GLOB) ? pg : NULL;
	}
	if (len == 0)
		return NULL;
	const uint8_t *slash = NULL;
	for (size_t i = 0; i < len; i++)
		if (t[i] == '/')
			slash = t + i;
	if (w->fl & W_GLOB) {
		const uint8_t *base = slash ? slash + 1 : t;
		size_t bl = len - (size_t)(base - t);
		bool dir_ok = !slash, lit = false;
		if (slash)
			for (size_t d = 0; d < sizeof bin_dirs / sizeof bin_dirs[0]; d++)
				if (glob_match(t, (size_t)(slash - t), bin_dirs[d]))
					dir_ok = true;
		for (size_t i = 0, in = 0; i < bl; i++) {
			if (base[i] == '[')
				in = 1;
			else if (base[i] == ']')
				in = 0;
			else if (!in && (cls[base[i]] & C_NAME))
				lit = true;
		}
		if (slash && t[0] != '/')
			dir_ok = false;
		if (!dir_ok || !lit)
			return NULL;
		glob_need g = glob_needs(base, bl);
		for (size_t k = 0; k < sizeof progs / sizeof progs[0]; k++) {
			if (progs[k].tier == T_BUILD)
				continue;
			/* a name shorter than the pattern needs, of another length
			 * when it has no '*', or without one of its letters
			 * cannot match */
			if (prog_len[k] < g.least || (!g.star && prog_len[k] != g.least) ||
			    (g.letters & ~prog_letters[k]))
				continue;
			if (glob_match(base, bl, progs[k].name)) {
				*how = "glob";
				return &progs[k];
			}
		}
		return NULL;
	}
	if (slash) {
		size_t dl = (size_t)(slash - t);
		bool dir_ok = false;
		for (size_t d = 0; d < sizeof bin_dirs / sizeof bin_dirs[0]; d++)
			if (name_is(t, dl, bin_dirs[d]))
				dir_ok = true;
		if (!dir_ok)
			return NULL;
		*how = "path";
		return prog_find(slash + 1, len - dl - 1);
	}
	const prog *pg = prog_find(t, len);
	if (!pg) { /* getent+hosts: a form-encoded space the app did not decode */
		const uint8_t *plus = NULL;
		for (size_t k = 0; k < len && !plus; k++) /* a short word: no call */
			if (t[k] == '+')
				plus = t + k;
		if (plus && plus > t && plus + 1 < t + len && cls[plus[1]] & C_NAME) {
			pg = prog_find(t, (size_t)(plus - t));
			if (pg && pg->tier != T_STRONG)
				pg = NULL;
		}
	}
	return pg;
}

/* Is t[0..len) a word the shell reads as syntax before a command? */
static bool keyword(const uint8_t *t, size_t len)
{
	static const char *const kw[] = {"if",    "then", "else", "elif", "do",      "while",
	                                 "until", "!",    "{",    "time", "command", "builtin"};
	for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
		if (name_is(t, len, kw[k]))
			return true;
	return false;
}

static bool reserved(const word *w)
{
	if (w->fl & W_QUOTE)
		return false;
	return keyword(w->t, w->len);
}

static void evidence(cmd *c, const word *w, unsigned a, const char *what)
{
	if (!c->ev && what) {
		c->ev = what;
		c->ev_off = w->off;
		c->ev_len = w->end - w->off;
	}
	c->args |= a;
}

static void arg(cmd *c, const word *w, bool redir)
{
	const uint8_t *t = w->t;
	size_t len = w->len;
	c->nargs++;
	if (!c->pg)
		return; /* only a program's arguments tell anything */
	if (redir)
		c->args |= A_REDIR;
	if (w->fl & W_ENV)
		evidence(c, w, A_ENV, sys_vars[w->env]);
	if (w->fl & (W_SUBST | W_DOLLAR))
		c->args |= A_DOLLAR;
	if (len == 0)
		return;
	if (t[0] == '-' && len >= 2 && !is_digit(t[1])) {
		c->args |= A_OPT;
		if (len == 2 && (t[1] == 'e' || t[1] == 'c'))
			c->args |= A_EXEC;
		if (len == 2 && t[1] == 'i')
			c->args |= A_INTER;
	}
	if (t[0] == '/' || t[0] == '~' || (t[0] == '.' && len > 1 && (t[1] == '/' || t[1] == '.')))
		c->args |= A_PATH;
	bool digits = true, dot = false, slash = false;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(t[i]))
			digits = false;
		if (t[i] == '.' && i > 0 && i + 1 < len)
			dot = true;
		if (t[i] == '/')
			slash = true;
	}
	/* a file, a socket or a URL has a '/' (a glob may match one without):
	 * most arguments are plain words, and the searches cost calls */
	if (slash || (w->fl & W_GLOB)) {
		const char *f = sensitive_file(t, len, (w->fl & W_GLOB) != 0);
		if (f)
			evidence(c, w, A_SENS | A_PATH, f);
	}
	if (slash) {
		if (has(t, len, "/dev/tcp/") || has(t, len, "/dev/udp/"))
			evidence(c, w, A_DEVTCP, "/dev/tcp");
		if (has(t, len, "://"))
			c->args |= A_URL;
	}
	if (digits)
		c->args |= A_NUM;
	if (is_ip(t, len))
		c->args |= A_IP;
	else if (dot)
		c->args |= A_DOTTED;
}

static void feed(unix_scan *s, frame *f, word *w)
{
	cmd *c = &f->c;
	if (c->redir_next) {
		c->redir_next = false;
		arg(c, w, true);
		return;
	}
	if (!c->have_w0) {
		if ((w->fl & W_ASSIGN) || reserved(w))
			return;
		const char *how;
		c->w0 = *w;
		c->have_w0 = true;
		c->pg = resolve(w, &how);
		if (c->pg && (c->pg->kind & K_WRAP))
			c->wrap = true;
		if (s->depth == 0 && c->start == ST_START && c->pg &&
		    (c->pg->tier == T_BUILD || (c->pg->kind & K_ECHO)) && !(w->fl & W_OBF))
			s->cmdline = true; /* npm ci && npm test; echo x | grep y */
		return;
	}
	if (c->wrap) {
		if (w->len && (w->t[0] == '-' || is_digit(w->t[0]) || (w->fl & W_ASSIGN)))
			return;
		c->wrap = false;
		const char *how;
		const prog *pg = resolve(w, &how);
		if (pg) {
			c->pg = pg;
			c->w0 = *w;
			return;
		}
	}
	arg(c, w, false);
}

/* Brace expansion at a command position: {cat,/etc/passwd} is the words
 * cat and /etc/passwd. */
static void feed_brace(unix_scan *s, frame *f, word *w)
{
	word part;
	size_t k = 1, end = w->len - 1;
	while (k <= end) {
		size_t j = k;
		while (j < end && w->t[j] != ',')
			j++;
		memset(&part, 0, sizeof part);
		part.off = w->off;
		part.end = w->end;
		part.mark = w->off;
		part.env = -1;
		part.fl = W_BRACE | (w->fl & (W_GLOB | W_QSPLIT | W_BSLASH | W_EMPTY));
		part.len = (uint8_t)(j - k);
		memcpy(part.t, w->t + k, j - k);
		feed(s, f, &part);
		k = j + 1;
	}
}

static void end_word(unix_scan *s, frame *f, size_t i)
{
	if (!f->in_word)
		return;
	f->in_word = false;
	word *w = &f->w;
	w->end = i;
	if (f->brace && (w->fl & W_COMMA) && w->len >= 3 && !w->trunc && w->t[0] == '{' &&
	    w->t[w->len - 1] == '}') {
		feed_brace(s, f, w);
		return;
	}
	feed(s, f, w);
}

static const char *sep_name(const cmd *c, const uint8_t *p)
{
	static const char *const fixed[] = {"a newline", "a substitution", "a backtick", "a quote"};
	if (c->sep_len == 0)
		return NULL;
	uint8_t ch = p[c->sep_off];
	if (ch == '\n' || ch == '%')
		return fixed[0];
	if (ch == '$' || ch == '<' || ch == '>')
		return fixed[1];
	if (ch == '`')
		return fixed[2];
	if (ch == '\'' || ch == '"')
		return fixed[3];
	return NULL;
}

#define SEP_TEXT 24 /* bytes of what started a command, in words */

/* What started command c, in words, written into buf. */
static const char *sep_text(const cmd *c, const uint8_t *p, char buf[SEP_TEXT])
{
	size_t cap = SEP_TEXT;
	const char *sn = sep_name(c, p);
	if (sn)
		snprintf(buf, cap, "%s", sn);
	else if (c->sep_len)
		snprintf(buf, cap, "'%.*s'", (int)c->sep_len, (const char *)p + c->sep_off);
	else
		snprintf(buf, cap, "the value");
	return buf;
}

static bool supported(const prog *pg, unsigned a)
{
	if (a & (A_OPT | A_PATH | A_URL | A_IP | A_ENV | A_DOLLAR | A_REDIR | A_SENS | A_DEVTCP))
		return true;
	if ((pg->kind & K_NUM) && (a & A_NUM))
		return true;
	if ((pg->kind & (K_NET | K_READ)) && (a & A_DOTTED))
		return true;
	return false;
}

/* The command in f is complete: judge it. */
static void judge(unix_scan *s, frame *f)
{
	cmd *c = &f->c;
	const prog *pg = c->pg;
	if (s->level && f->kind != F_TOP && c->have_w0 && !pg && c->w0.len && !s->hit) {
		hit(s, c->w0.off, c->w0.end, "a substitution runs '%.*s'", (int)c->w0.len,
		    (const char *)c->w0.t);
		return;
	}
	if (!c->have_w0 || !pg || s->hit)
		return;
	const uint8_t *p = s->p;
	const word *w0 = &c->w0;
	size_t from = c->sep_len ? c->sep_off : w0->off;
	size_t to = c->ev ? c->ev_off + c->ev_len : w0->end;
	if (to < w0->end)
		to = w0->end;
	/* what started the command, in words: written only for a finding
	 * (most commands that run a known program are no finding) */
	char sepbuf[SEP_TEXT];
	if (w0->fl & W_OBF) {
		const char *how = (w0->fl & W_GLOB)     ? "a glob"
		                  : (w0->fl & W_BRACE)  ? "brace expansion"
		                  : (w0->fl & W_QSPLIT) ? "split quotes"
		                  : (w0->fl & W_BSLASH) ? "backslashes"
		                  : (w0->fl & W_ANSI)   ? "$'...' escapes"
		                                        : "empty expansions";
		hit(s, w0->off, w0->end, "command name hidden by %s runs %s", how, pg->name);
		return;
	}
	if (c->args & A_DEVTCP) {
		hit(s, from, to, "%s starts %s with a /dev/tcp socket: a reverse shell",
		    sep_text(c, p, sepbuf), pg->name);
		return;
	}
	if ((pg->kind & K_NETCAT) && (c->args & A_EXEC)) {
		hit(s, from, to, "%s starts %s -e: a shell attached to a socket",
		    sep_text(c, p, sepbuf), pg->name);
		return;
	}
	if ((pg->kind & K_READ) && (c->args & A_SENS)) {
		hit(s, from, to, "%s starts %s, reading %s", sep_text(c, p, sepbuf), pg->name,
		    c->ev);
		return;
	}
	switch (c->start) {
	case ST_EARLY:
		if (pg->tier == T_STRONG && (c->nargs || c->end != E_PIPE)) {
			hit(s, from, to, "%s starts a new command: %s", sep_text(c, p, sepbuf),
			    pg->name);
			return;
		}
		if (pg->tier == T_MEDIUM && supported(pg, c->args)) {
			if (c->args & A_ENV)
				hit(s, from, to, "%s starts a new command: %s reading $%s",
				    sep_text(c, p, sepbuf), pg->name, c->ev);
			else
				hit(s, from, to, "%s starts a new command: %s with arguments",
				    sep_text(c, p, sepbuf), pg->name);
			return;
		}
		if (f->kind != F_TOP && pg->tier != T_BUILD) {
			hit(s, from, to, "%s runs %s", sep_text(c, p, sepbuf), pg->name);
			return;
		}
		if ((pg->kind & K_INTERP) && (c->args & A_EXEC)) {
			hit(s, from, to, "%s starts %s running code from its arguments",
			    sep_text(c, p, sepbuf), pg->name);
			return;
		}
		break;
	case ST_START:
		if (s->n <= SHORT_VALUE && (pg->kind & (K_ECHO | K_READ)) && (c->args & A_ENV)) {
			hit(s, w0->off, to, "%s prints the system variable $%s", pg->name, c->ev);
			return;
		}
		__attribute__((fallthrough));
	case ST_LATE:
		if (s->level && pg->tier != T_BUILD && supported(pg, c->args))
			hit(s, from, to, "%s runs %s with arguments", sep_text(c, p, sepbuf),
			    pg->name);
		break;
	}
}

static void cmd_reset(cmd *c, uint8_t start, size_t sep_off, size_t sep_len)
{
	/* Field by field: w0 is only read once have_w0 is set, and this runs
	 * at every separator. */
	c->pg = NULL;
	c->args = c->nargs = 0;
	c->start = start;
	c->end = E_NONE;
	c->have_w0 = c->redir_next = c->wrap = false;
	c->sep_off = sep_off;
	c->sep_len = sep_len;
	c->ev_off = c->ev_len = 0;
	c->ev = NULL;
}

/* A command ends; the next one starts where this separator is. */
static void next_cmd(unix_scan *s, frame *f, uint8_t end, size_t sep_off, size_t sep_len)
{
	f->c.end = end;
	/* judge() finds nothing in a command without a word, nor at the top
	 * level in one that runs nothing: most lines of prose, no call */
	if (f->c.have_w0 && (f->c.pg || f->kind != F_TOP))
		judge(s, f);
	uint8_t start = f->start;
	if (f->kind == F_TOP)
		start = s->cmdline ? ST_LATE : s->gaps <= EARLY_WORDS ? ST_EARLY : ST_LATE;
	cmd_reset(&f->c, start, sep_off, sep_len);
}

static void frame_init(frame *f, uint8_t kind, uint8_t start, size_t sep_off, size_t sep_len)
{
	memset(f, 0, offsetof(frame, w));
	f->kind = kind;
	f->start = start;
	cmd_reset(&f->c, start, sep_off, sep_len);
}

static bool p_is(const unix_scan *s, size_t i, uint8_t c)
{
	return i < s->n && s->p[i] == c;
}

/* $( ` <( open a nested command list at i (sep_len bytes long). */
static void open_subst(unix_scan *s, uint8_t kind, size_t i, size_t sep_len)
{
	frame *f = &s->f[s->depth];
	word_begin(f, i);
	bool glued = i > 0 && !(cls[s->p[i - 1]] & C_SPACE) && s->p[i - 1] != '\n';
	f->w.fl |= W_SUBST;
	if (s->depth + 1 >= DEPTH)
		return;
	uint8_t start = ST_LATE;
	if (s->cmdline)
		start = ST_LATE;
	else if (s->depth > 0)
		start = f->start;
	else if (!f->c.have_w0 && f->c.start == ST_EARLY)
		start = ST_EARLY; /* "; `id`" */
	else if (s->gaps == 0 && !glued)
		start = ST_EARLY; /* the value starts with it */
	else if (kind == F_PAREN && s->gaps <= EARLY_WORDS)
		start = ST_EARLY;
	else if (kind == F_TICK && glued && s->gaps <= EARLY_WORDS)
		start = ST_EARLY; /* x=`id`: Markdown code spans stand apart */
	if (s->level && start == ST_LATE)
		start = ST_EARLY;
	if (s->level && kind == F_PAREN && p_is(s, i, '$'))
		hit(s, i, i + sep_len, "'$(' opens a command substitution");
	s->depth++;
	frame_init(&s->f[s->depth], kind, start, i, sep_len);
}

static void close_subst(unix_scan *s, size_t i)
{
	frame *f = &s->f[s->depth];
	end_word(s, f, i);
	next_cmd(s, f, E_CLOSE, i, 0);
	s->depth--;
}

/* $ at p[i]. Returns where to go on. */
static size_t dollar(unix_scan *s, frame *f, size_t i, bool quoted)
{
	const uint8_t *p = s->p;
	size_t n = s->n, j = i + 1;
	if (j >= n) {
		word_begin(f, i);
		put(f, '$', quoted, i);
		return j;
	}
	uint8_t c = p[j];
	if (c == '(') {
		if (j + 1 < n && p[j + 1] == '(') { /* $(( arithmetic )) */
			word_begin(f, i);
			f->w.fl |= W_DOLLAR;
			int d = 0;
			size_t k = j;
			for (; k < n; k++) {
				if (p[k] == '(')
					d++;
				else if (p[k] == ')' && --d == 0)
					break;
			}
			return k < n ? k + 1 : n;
		}
		open_subst(s, F_PAREN, i, 2);
		return j + 1;
	}
	const uint8_t *name = NULL;
	size_t nl = 0, next;
	bool braced = false;
	if (c == '{') {
		size_t k = j + 1;
		while (k < n && k < j + 1 + NAME_MAX && p[k] != '}')
			k++;
		if (k >= n || p[k] != '}') {
			word_begin(f, i);
			put(f, '$', quoted, i);
			return j;
		}
		name = p + j + 1;
		size_t e = 0;
		while (name + e < p + k && (cls[name[e]] & C_NAME))
			e++;
		nl = e ? e : 1; /* ${@} ${#} ${!x} */
		next = k + 1;
		braced = true;
	} else if (c == '\'' && !quoted) { /* $'\x63\141t' */
		word_begin(f, i);
		obf(&f->w, W_ANSI, i);
		size_t k = j + 1;
		while (k < n && p[k] != '\'') {
			uint8_t v = p[k++];
			if (v == '\\' && k < n) {
				uint8_t e = p[k++];
				if (e == 'x') {
					v = 0;
					for (int d = 0; d < 2 && k < n; d++, k++) {
						int h = sk_hex_digit(p[k]);
						if (h < 0)
							break;
						v = (uint8_t)(v * 16 + h);
					}
				} else if (e >= '0' && e <= '7') {
					v = (uint8_t)(e - '0');
					for (int d = 0;
					     d < 2 && k < n && p[k] >= '0' && p[k] <= '7'; d++)
						v = (uint8_t)(v * 8 + p[k++] - '0');
				} else {
					v = e == 'n' ? '\n' : e == 't' ? '\t' : e;
				}
			}
			put(f, v, true, k);
		}
		return k < n ? k + 1 : n;
	} else if (c == '"' && !quoted) {
		word_begin(f, i);
		quote_open(f, i);
		f->dq = true;
		return j + 1;
	} else if ((cls[c] & C_NAME) && !is_digit(c)) {
		size_t k = j;
		while (k < n && (cls[p[k]] & C_NAME))
			k++;
		name = p + j;
		nl = k - j;
		next = k;
	} else if (is_digit(c) || strchr("@*#?$!-", c)) {
		word_begin(f, i);
		obf(&f->w, W_EMPTY, i);
		return j + 1;
	} else {
		word_begin(f, i);
		put(f, '$', quoted, i);
		return j;
	}
	if (nl == 3 && memcmp(name, "IFS", 3) == 0 && !quoted) {
		bool before = i > 0 && !(cls[p[i - 1]] & C_SPACE) && !strchr(";&|\n", p[i - 1]);
		bool after = next < n && !(cls[p[next]] & C_SPACE) && !strchr(";&|\n", p[next]);
		if (before || after)
			hit(s, i, next, "'%.*s' stands for a space between the words of a command",
			    (int)(next - i), (const char *)p + i);
		end_word(s, f, i);
		return next;
	}
	word_begin(f, i);
	int v = sys_var(name, nl);
	if (v >= 0 && (f->w.fl & W_ENV) == 0) {
		f->w.fl |= W_ENV;
		f->w.env = (int8_t)v;
	} else if (v < 0) {
		/* unset in practice: c${x}at is cat; ${name} in a template stays harmless */
		obf(&f->w, (braced || nl <= 2) ? W_EMPTY : W_DOLLAR, i);
		f->w.fl |= W_DOLLAR;
	}
	return next;
}

/* Redirection operator at p[i] ('<' or '>', or "&>"). */
static size_t redirect(unix_scan *s, frame *f, size_t i)
{
	const uint8_t *p = s->p;
	size_t n = s->n, k = i;
	if (f->in_word && f->w.len > 0 && f->w.len <= 2 && f->w.fl == 0 && is_digit(f->w.t[0])) {
		f->in_word = false; /* 2> : the number is the descriptor */
	} else {
		end_word(s, f, i);
	}
	while (k < n && k < i + 3 && (p[k] == '<' || p[k] == '>' || p[k] == '&' || p[k] == '|'))
		k++;
	f->c.args |= A_REDIR;
	if (k < n && k > i && p[k - 1] == '&' && (is_digit(p[k]) || p[k] == '-')) {
		return k + 1; /* >&2 */
	}
	f->c.redir_next = true;
	return k;
}

static void sep(unix_scan *s, frame *f, size_t i, size_t len, uint8_t end)
{
	end_word(s, f, i);
	next_cmd(s, f, end, i, len);
}

/* Runs the lexer from i. in_arg: the text before i was the inside of a
 * quoted argument that the character before i closed. */
/* The first i' >= i with a C_STOP byte at p[i'], or n: 16 bytes at a time,
 * the last ones padded with NULs (not C_STOP). */
static size_t skip_to_stop(const uint8_t *p, size_t i, size_t n)
{
	/* stop_bytes by ranges where they are neighbours: " # $ % & ' are
	 * 0x22..0x27, ; < are 0x3b..0x3c; keep in step with stop_bytes */
	const sk_u8x16 quot = sk_splat('"'), six = sk_splat(6), semi = sk_splat(';'),
	               two = sk_splat(2);
#define STOP_LANES(x)                                                                              \
	((sk_u8x16)((sk_u8x16)((x)-quot) < six) | (sk_u8x16)((sk_u8x16)((x)-semi) < two) |         \
	 (sk_u8x16)((x) == sk_splat('\n')) | (sk_u8x16)((x) == sk_splat(')')) |                    \
	 (sk_u8x16)((x) == sk_splat('>')) | (sk_u8x16)((x) == sk_splat('\\')) |                    \
	 (sk_u8x16)((x) == sk_splat('`')) | (sk_u8x16)((x) == sk_splat('|')))
	sk_u8x16 x;
	/* whole blocks in a loop of their own: the padded tail, once at the
	 * end, kept its set-up out of every block */
	for (; i < n && n - i >= 16; i += 16) {
		memcpy(&x, p + i, 16);
		size_t k = (size_t)sk_first_lane(STOP_LANES(x));
		if (k < 16)
			return i + k;
	}
	if (i >= n)
		return n;
	uint8_t tail[16] = {0}; /* NULs: no stop byte */
	memcpy(tail, p + i, n - i);
	memcpy(&x, tail, 16);
	size_t k = (size_t)sk_first_lane(STOP_LANES(x));
#undef STOP_LANES
	return k < n - i ? i + k : n;
}

/* What a backslash escapes inside double quotes; NUL too, as the
 * strchr() this stands for found it. */
static bool dq_escaped(uint8_t c)
{
	return c == '$' || c == '`' || c == '"' || c == '\\' || c == '\n' || c == 0;
}

static bool unix_run(unix_scan *s, size_t i, bool in_arg)
{
	const uint8_t *p = s->p;
	size_t n = s->n;
	s->depth = 0;
	s->gaps = 0;
	s->cmdline = false;
	frame_init(&s->f[0], F_TOP, in_arg ? ST_EARLY : ST_START, 0, 0);
	if (in_arg) {
		s->f[0].c.have_w0 = true; /* we are in an argument */
		word_begin(&s->f[0], i);
	}
	while (i < n && !s->hit) {
		frame *f = &s->f[s->depth];
		if (s->depth == 0 && f->c.have_w0 && !f->c.pg && !f->c.wrap && !f->c.redir_next &&
		    !f->sq && (s->cmdline || s->gaps > EARLY_WORDS)) {
			/* The arguments of a command that runs nothing we know, late in
			 * the value: only what could end it matters. */
			size_t from = i;
			if (f->dq) {
				const uint8_t *q = sk_find_any4(p + i, p + n, '"', '`', '$', '\\');
				i = q ? (size_t)(q - p) : n;
			} else {
				i = skip_to_stop(p, i, n);
			}
			if (i > from && !f->dq) {
				bool sp = cls[p[i - 1]] & C_SPACE;
				f->in_word = false;
				/* no word to go on with before a newline or the end:
				 * it would only be fed as one more argument of a
				 * command that runs nothing, which judge() ignores */
				if (!sp && i < n && p[i] != '\n' && p[i] != ')')
					word_begin(f, i);
			}
			if (i >= n)
				break;
			if (p[i] == '#' && !f->dq && i > 0 && !(cls[p[i - 1]] & C_SPACE) &&
			    p[i - 1] != '\n') {
				i++; /* inside a word: not a comment */
				continue;
			}
			if (p[i] == '\n' && !f->dq) {
				/* the line ends the command: as case '\n' below does,
				 * without a pass through this skip for one byte */
				sep(s, f, i, 1, E_SEP);
				s->gaps++;
				i++;
				continue;
			}
			if (p[i] == ')' && !f->dq) {
				/* the top level has no substitution to close: case ')'
				 * ends the word, fed as one more argument of a command
				 * that runs nothing, which judge() ignores (Markdown
				 * links end with one) */
				f->in_word = false;
				i++;
				continue;
			}
		}
		uint8_t c = p[i];
		if (f->sq) {
			const uint8_t *q = memchr(p + i, '\'', n - i);
			size_t e = q ? (size_t)(q - p) : n;
			if (s->depth == 0 && s->gaps <= EARLY_WORDS)
				count_gaps(s, i, e);
			for (size_t k = i; k < e && f->w.len < WORD_MAX; k++)
				put(f, p[k], true, k);
			if (e - i > WORD_MAX)
				f->w.trunc = true;
			f->sq = false;
			i = e + 1;
			continue;
		}
		if (f->dq) {
			if (s->depth == 0 && (cls[c] & C_SPACE || c == '\n') && i > 0 &&
			    !(cls[p[i - 1]] & C_SPACE) && p[i - 1] != '\n')
				s->gaps++;
			if (c == '"') {
				f->dq = false;
				i++;
			} else if (c == '\\' && i + 1 < n && dq_escaped(p[i + 1])) {
				put(f, p[i + 1], true, i);
				i += 2;
			} else if (c == '$') {
				i = dollar(s, f, i, true);
			} else if (c == '`' && i + 1 < n && p[i + 1] == '`') {
				while (i < n && p[i] == '`') {
					put(f, p[i], true, i);
					i++;
				}
			} else if (c == '`') {
				if (f->kind == F_TICK)
					close_subst(s, i);
				else
					open_subst(s, F_TICK, i, 1);
				i++;
			} else {
				/* Past the early words or inside a substitution, blanks
				 * in quotes count for nothing: take the whole run up to
				 * the next byte that means something in double quotes. */
				size_t e = i + 1;
				if (s->depth != 0 || s->gaps > EARLY_WORDS) {
					const uint8_t *q =
					    sk_find_any4(p + e, p + n, '"', '\\', '$', '`');
					e = q ? (size_t)(q - p) : n;
				}
				put_run(f, p + i, e - i);
				i = e;
			}
			continue;
		}
		uint16_t k = cls[c];
		if (k & C_PLAIN && !f->in_word && s->depth == 0 && !f->c.have_w0 &&
		    !f->c.redir_next && c != '/') {
			/* A command word of plain bytes and commas that a blank or
			 * the end closes, and that is no program and no keyword:
			 * resolve() would find nothing in it, and at the top
			 * level an unknown command's word is never read again.
			 * Prose starts most lines with one; note the command has
			 * its word and go on without rebuilding it. */
			size_t e = i + 1, lim = i + WORD_MAX + 1;
			if (lim > n)
				lim = n;
			while (e < lim && (cls[p[e]] & C_PLAIN || p[e] == ','))
				e++;
			if (e - i <= WORD_MAX && (e == n || cls[p[e]] & C_SPACE || p[e] == '\n') &&
			    !prog_find(p + i, e - i) && !keyword(p + i, e - i)) {
				f->c.have_w0 = true;
				i = e;
				/* and the blanks after it, as the C_SPACE branch
				 * below takes them (no word is open to end) */
				if (i < n && cls[p[i]] & C_SPACE) {
					s->gaps++;
					while (i < n && (cls[p[i]] & C_SPACE))
						i++;
				}
				continue;
			}
		}
		if (k & C_PLAIN) {
			word_begin(f, i);
			if (f->c.have_w0 && !f->c.pg && !f->c.wrap && !f->c.redir_next) {
				/* an argument of an unknown command: its text does not matter */
				while (i < n && (cls[p[i]] & C_PLAIN))
					i++;
				continue;
			}
			if (f->w.qseen)
				obf(&f->w, W_QSPLIT, i);
			/* the run of plain bytes that fits, with the word's state in
			 * locals: a store to w.t may alias anything, and would have
			 * w.len and w.fl reloaded at every byte */
			uint8_t *dst = f->w.t + f->w.len;
			size_t e = i, lim = i + (WORD_MAX - f->w.len);
			uint16_t all = C_NAME;
			if (lim > n)
				lim = n;
			for (; e < lim; e++) {
				uint16_t ce = cls[p[e]];
				if (!(ce & C_PLAIN))
					break;
				all &= ce;
				dst[e - i] = p[e];
			}
			f->w.len = (uint8_t)(f->w.len + (e - i));
			if (!(all & C_NAME) || !(k & C_NAME))
				f->w.fl |= W_NONAME;
			i = e;
			if (i < n && (cls[p[i]] & C_PLAIN)) {
				f->w.trunc = true;
				while (i < n && (cls[p[i]] & C_PLAIN))
					i++;
			}
			continue;
		}
		if (k & C_SPACE) {
			end_word(s, f, i);
			if (s->depth == 0)
				s->gaps++;
			while (i < n && (cls[p[i]] & C_SPACE))
				i++;
			continue;
		}
		if (k & C_GLOB) {
			word_begin(f, i);
			obf(&f->w, W_GLOB, i);
			put(f, c, false, i);
			i++;
			continue;
		}
		switch (c) {
		case '\n':
			sep(s, f, i, 1, E_SEP);
			if (s->depth == 0)
				s->gaps++;
			i++;
			/* blank lines: each ends an empty command, with no word
			 * open, as a pass of the loop per newline would */
			while (i < n && p[i] == '\n' && !s->hit) {
				next_cmd(s, f, E_SEP, i, 1);
				if (s->depth == 0)
					s->gaps++;
				i++;
			}
			break;
		case ';':
			sep(s, f, i, (i + 1 < n && p[i + 1] == ';') ? 2 : 1, E_SEP);
			i += s->f[s->depth].c.sep_len;
			break;
		case '&':
			if (i + 1 < n && p[i + 1] == '>') {
				i = redirect(s, f, i);
			} else {
				size_t l = (i + 1 < n && p[i + 1] == '&') ? 2 : 1;
				sep(s, f, i, l, E_SEP);
				i += l;
			}
			break;
		case '|': {
			size_t l = (i + 1 < n && (p[i + 1] == '|' || p[i + 1] == '&')) ? 2 : 1;
			sep(s, f, i, l, l == 2 && p[i + 1] == '|' ? E_SEP : E_PIPE);
			i += l;
			break;
		}
		case '\'':
			quote_open(f, i);
			f->sq = true;
			i++;
			break;
		case '"':
			quote_open(f, i);
			f->dq = true;
			i++;
			break;
		case '`':
			if (i + 1 < n && p[i + 1] == '`') { /* ``` fences a Markdown block */
				word_begin(f, i);
				while (i < n && p[i] == '`') {
					put(f, p[i], false, i);
					i++;
				}
				break;
			}
			if (f->kind == F_TICK)
				close_subst(s, i);
			else
				open_subst(s, F_TICK, i, 1);
			i++;
			break;
		case '$': i = dollar(s, f, i, false); break;
		case '\\':
			if (i + 1 >= n) {
				i++;
				break;
			}
			if (p[i + 1] == '\n') {
				i += 2;
				break;
			}
			word_begin(f, i);
			if (cls[p[i + 1]] & C_NAME)
				obf(&f->w, W_BSLASH, i);
			put(f, p[i + 1], true, i);
			i += 2;
			break;
		case '<':
		case '>':
			if (i + 1 < n && p[i + 1] == '(') {
				open_subst(s, F_PAREN, i, 2);
				i += 2;
			} else {
				i = redirect(s, f, i);
			}
			break;
		case '(':
			end_word(s, f, i);
			i++;
			break;
		case ')':
			if (f->kind == F_PAREN)
				close_subst(s, i);
			else
				end_word(s, f, i);
			i++;
			break;
		case '#':
			if (f->in_word) {
				put(f, c, false, i);
				i++;
				break;
			}
			if (s->depth == 0)
				s->gaps++;
			{
				const uint8_t *nl = memchr(p + i, '\n', n - i);
				i = nl ? (size_t)(nl - p) : n;
			}
			break;
		case '{':
			if (!f->in_word) {
				word_begin(f, i);
				f->brace = true;
			}
			put(f, c, false, i);
			i++;
			break;
		case ',':
			word_begin(f, i);
			if (f->brace)
				f->w.fl |= W_COMMA;
			put(f, c, false, i);
			i++;
			break;
		case '=':
			word_begin(f, i);
			if (f->w.len > 0 && !(f->w.fl & (W_NONAME | W_QUOTE | W_OBF | W_DOLLAR)) &&
			    !is_digit(f->w.t[0]))
				f->w.fl |= W_ASSIGN;
			put(f, c, false, i);
			i++;
			break;
		case '%':
			if (i + 2 < n && p[i + 1] == '0' && (p[i + 2] == 'a' || p[i + 2] == 'A')) {
				sep(s, f, i, 3, E_SEP);
				i += 3;
				break;
			}
			__attribute__((fallthrough));
		default:
			word_begin(f, i);
			put(f, c, false, i);
			i++;
			break;
		}
	}
	/* The end closes every open word, command and substitution. */
	while (!s->hit) {
		frame *f = &s->f[s->depth];
		end_word(s, f, n);
		f->c.end = E_EOF;
		judge(s, f);
		if (s->depth == 0)
			break;
		s->depth--;
	}
	return s->hit;
}

/* After the quote at q: does the value break out at once (a separator,
 * substitution or closing parenthesis)? */
static bool breaks_out(const uint8_t *p, size_t n, size_t q)
{
	size_t i = q + 1;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < n && p[i] == ')') {
		i++;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
	}
	if (i >= n)
		return false;
	if (strchr(";&|\n`", p[i]))
		return true;
	if (p[i] == '$' && i + 1 < n && p[i + 1] == '(')
		return true;
	return p[i] == '%' && i + 2 < n && p[i + 1] == '0' && (p[i + 2] | 0x20) == 'a';
}

/* () { :; }; the function definition that Shellshock runs. */
static bool shellshock(const uint8_t *p, size_t n, sk_detect_match *m)
{
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (n - i < 5 || p[i] != '(' || p[i + 1] != ')')
		return false;
	size_t k = i + 2;
	while (k < n && (p[k] == ' ' || p[k] == '\t'))
		k++;
	if (k >= n || p[k] != '{')
		return false;
	if (m) {
		m->off = i;
		m->len = k + 1 - i;
		snprintf(m->reason, sizeof m->reason,
		         "'() {' defines a shell function in a value: Shellshock");
	}
	return true;
}

/* Does p[0..n) hold a C_SPECIAL byte? 16 bytes at a time, by ranges of
 * neighbours: $ % & ' ( ) * are 0x24..0x2a, ; < 0x3b..0x3c, > ? 0x3e..0x3f,
 * [ \ 0x5b..0x5c, { | } 0x7b..0x7d; keep in step with ccls(). */
static bool any_special(const uint8_t *p, size_t n)
{
#define SPECIAL_LANES(x)                                                                           \
	((sk_u8x16)((sk_u8x16)((x)-sk_splat(0x24)) < sk_splat(7)) |                                \
	 (sk_u8x16)((sk_u8x16)((x)-sk_splat(0x3b)) < sk_splat(2)) |                                \
	 (sk_u8x16)((sk_u8x16)((x)-sk_splat(0x3e)) < sk_splat(2)) |                                \
	 (sk_u8x16)((sk_u8x16)((x)-sk_splat(0x5b)) < sk_splat(2)) |                                \
	 (sk_u8x16)((sk_u8x16)((x)-sk_splat(0x7b)) < sk_splat(3)) |                                \
	 (sk_u8x16)((x) == sk_splat('"')) | (sk_u8x16)((x) == sk_splat('\n')) |                    \
	 (sk_u8x16)((x) == sk_splat('`')))
	sk_u8x16 x;
	size_t i = 0;
	for (; n - i >= 16; i += 16) {
		memcpy(&x, p + i, 16);
		if (sk_any_lane(SPECIAL_LANES(x)))
			return true;
	}
	if (i == n)
		return false;
	uint8_t tail[16] = {0}; /* NULs: not special */
	memcpy(tail, p + i, n - i);
	memcpy(&x, tail, 16);
	bool any = sk_any_lane(SPECIAL_LANES(x));
#undef SPECIAL_LANES
	return any;
}

bool sk_detect_command(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	if (!p || n == 0)
		return false;
	cls_init();
	if (shellshock(p, n, m))
		return true;
	/* Without any shell character only a whole command line can matter,
	 * and only if its first word is a program. */
	if (!any_special(p, n)) {
		size_t i = 0;
		while (i < n && (cls[p[i]] & C_SPACE))
			i++;
		size_t e = i;
		while (e < n && !(cls[p[e]] & C_SPACE))
			e++;
		if (!prog_find(p + i, e - i))
			return false;
	}
	unix_scan s;
	s.p = p;
	s.n = n;
	s.level = level;
	s.hit = false;
	s.m = m;
	if (unix_run(&s, 0, false))
		return true;
	static const uint8_t quotes[] = {'\'', '"'};
	for (size_t k = 0; k < sizeof quotes; k++) {
		const uint8_t *q = memchr(p, quotes[k], n);
		if (q && breaks_out(p, n, (size_t)(q - p)) &&
		    unix_run(&s, (size_t)(q - p) + 1, true)) {
			return true;
		}
	}
	return false;
}

/* --------------------------------------------------------------- Windows */

enum {
	WK_SHELL = 1 << 0, /* cmd */
	WK_PS = 1 << 1,    /* powershell, pwsh */
	WK_READ = 1 << 2,  /* prints files */
	WK_ECHO = 1 << 3,  /* echo */
	WK_NET = 1 << 4,   /* net: user, localgroup, share ... */
	WK_REG = 1 << 5,   /* reg: query, add ... */
	WK_SET = 1 << 6,   /* set: /a /p */
	WK_NUM = 1 << 7,   /* ping, timeout: a count */
};

/* Sorted by name. */
static const prog wprogs[] = {
    {"arp", T_MEDIUM, 0},        {"at", T_MEDIUM, 0},
    {"attrib", T_MEDIUM, 0},     {"bitsadmin", T_STRONG, 0},
    {"certutil", T_STRONG, 0},   {"cmd", T_STRONG, WK_SHELL},
    {"cmstp", T_STRONG, 0},      {"copy", T_MEDIUM, WK_READ},
    {"cscript", T_STRONG, 0},    {"curl", T_STRONG, 0},
    {"del", T_MEDIUM, 0},        {"dir", T_MEDIUM, 0},
    {"echo", T_MEDIUM, WK_ECHO}, {"findstr", T_STRONG, WK_READ},
    {"forfiles", T_STRONG, 0},   {"hostname", T_STRONG, 0},
    {"icacls", T_STRONG, 0},     {"installutil", T_STRONG, 0},
    {"ipconfig", T_STRONG, 0},   {"more", T_MEDIUM, WK_READ},
    {"msbuild", T_STRONG, 0},    {"mshta", T_STRONG, 0},
    {"msiexec", T_STRONG, 0},    {"nbtstat", T_STRONG, 0},
    {"net", T_MEDIUM, WK_NET},   {"net1", T_STRONG, WK_NET},
    {"netsh", T_STRONG, 0},      {"netstat", T_STRONG, 0},
    {"nltest", T_STRONG, 0},     {"nslookup", T_STRONG, 0},
    {"ping", T_MEDIUM, WK_NUM},  {"powershell", T_STRONG, WK_PS},
    {"pwsh", T_STRONG, WK_PS},   {"quser", T_STRONG, 0},
    {"qwinsta", T_STRONG, 0},    {"reg", T_MEDIUM, WK_REG},
    {"regsvr32", T_STRONG, 0},   {"route", T_MEDIUM, 0},
    {"rundll32", T_STRONG, 0},   {"sc", T_MEDIUM, 0},
    {"schtasks", T_STRONG, 0},   {"set", T_MEDIUM, WK_SET},
    {"start", T_MEDIUM, 0},      {"systeminfo", T_STRONG, 0},
    {"takeown", T_STRONG, 0},    {"taskkill", T_STRONG, 0},
    {"tasklist", T_STRONG, 0},   {"timeout", T_MEDIUM, WK_NUM},
    {"tracert", T_STRONG, 0},    {"type", T_MEDIUM, WK_READ},
    {"ver", T_MEDIUM, 0},        {"vssadmin", T_STRONG, 0},
    {"wevtutil", T_STRONG, 0},   {"wget", T_STRONG, 0},
    {"whoami", T_STRONG, 0},     {"wmic", T_STRONG, 0},
    {"wscript", T_STRONG, 0},    {"xcopy", T_MEDIUM, WK_READ},
};

static const prog *wprog_find(const uint8_t *t, size_t len)
{
	size_t lo = 0, hi = sizeof wprogs / sizeof wprogs[0];
	if (len == 0 || len >= 16)
		return NULL;
	char key[16];
	memcpy(key, t, len);
	key[len] = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(key, wprogs[mid].name);
		if (c == 0)
			return &wprogs[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The environment of a stock Windows install, for %VAR% and the
 * %VAR:~start,length% substrings that spell commands out of it. */
static const struct {
	const char *name, *value;
} wvars[] = {
    {"allusersprofile", "C:\\ProgramData"},
    {"commonprogramfiles", "C:\\Program Files\\Common Files"},
    {"comspec", "C:\\Windows\\system32\\cmd.exe"},
    {"homedrive", "C:"},
    {"os", "Windows_NT"},
    {"pathext", ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC"},
    {"processor_architecture", "AMD64"},
    {"programdata", "C:\\ProgramData"},
    {"programfiles", "C:\\Program Files"},
    {"programfiles(x86)", "C:\\Program Files (x86)"},
    {"public", "C:\\Users\\Public"},
    {"systemdrive", "C:"},
    {"systemroot", "C:\\Windows"},
    {"windir", "C:\\Windows"},
};

/* Variables whose value an attacker prints to learn about the host. */
static const char *const wrecon_vars[] = {"username",    "computername", "userdomain",
                                          "userprofile", "logonserver",  "path",
                                          "appdata",     "temp"};

/* Files whose reading is the point of an attack. */
static const char *const wsensitive[] = {"win.ini",       "boot.ini",     "system.ini",
                                         "\\config\\sam", "\\etc\\hosts", "unattend.xml",
                                         "sysprep.inf",   "\\ntds.dit"};

enum {
	WW_CARET = 1 << 0,  /* c^m^d */
	WW_QSPLIT = 1 << 1, /* c"m"d */
	WW_VAR = 1 << 2,    /* %COMSPEC% */
	WW_SUB = 1 << 3,    /* %X:~1,2% */
	WW_RECON = 1 << 4,  /* %USERNAME% */
	WW_QUOTE = 1 << 5,
};

typedef struct wword {
	size_t off, end;
	unsigned fl;
	uint8_t len;
	bool trunc;
	uint8_t t[WORD_MAX]; /* lower-cased */
} wword;

enum {
	WA_SWITCH = 1 << 0, /* /x or -x */
	WA_PATH = 1 << 1,   /* C:\ \\host .\ */
	WA_URL = 1 << 2,
	WA_IP = 1 << 3,
	WA_NUM = 1 << 4,
	WA_SENS = 1 << 5,  /* win.ini ... */
	WA_RECON = 1 << 6, /* %USERNAME% */
	WA_VERB = 1 << 7,  /* net user, reg query ... */
	WA_EVIL = 1 << 8,  /* a switch that downloads, hides or runs: -enc, -urlcache, /c */
	WA_CMD = 1 << 9,   /* an argument that is itself a known command */
};

typedef struct wcmd {
	wword w0;
	const prog *pg;
	unsigned args, nargs;
	uint8_t start;
	bool have_w0;
	size_t sep_off, sep_len, ev_end;
	const char *ev;
} wcmd;

typedef struct win_scan {
	const uint8_t *p;
	size_t n;
	int level;
	unsigned gaps;
	bool in_word, hit;
	wword w;
	wcmd c;
	sk_detect_match *m;
} win_scan;

static void whit(win_scan *s, size_t off, size_t end, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void whit(win_scan *s, size_t off, size_t end, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(&s->hit, s->m, s->n, off, end, fmt, ap);
	va_end(ap);
}

static bool eq(const uint8_t *t, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(t, s, len) == 0;
}

static bool starts(const uint8_t *t, size_t len, const char *s)
{
	size_t k = strlen(s);
	return len >= k && memcmp(t, s, k) == 0;
}

static void wput(win_scan *s, uint8_t c)
{
	if (s->w.len < WORD_MAX)
		s->w.t[s->w.len++] = (uint8_t)lower(c);
	else
		s->w.trunc = true;
}

static void wbegin(win_scan *s, size_t i)
{
	if (s->in_word)
		return;
	s->in_word = true;
	s->w.off = i;
	s->w.fl = 0;
	s->w.len = 0;
	s->w.trunc = false;
}

/* The switches and verbs that make a command an attack wherever it is. */
static const char *evil_arg(const prog *pg, const uint8_t *t, size_t len)
{
	const char *n = pg->name;
	if (pg->kind & WK_SHELL)
		return (eq(t, len, "/c") || eq(t, len, "/k") || eq(t, len, "/r")) ? "/c" : NULL;
	if (pg->kind & WK_PS) {
		static const char *const ps[] = {"-e",
		                                 "-en",
		                                 "-enc",
		                                 "-encodedcommand",
		                                 "-ec",
		                                 "-nop",
		                                 "-noprofile",
		                                 "-w",
		                                 "-windowstyle",
		                                 "-ep",
		                                 "-executionpolicy",
		                                 "-noni",
		                                 "-noninteractive",
		                                 "-c",
		                                 "-command",
		                                 "-exec"};
		for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
			if (eq(t, len, ps[k]) ||
			    (t[0] == '/' && len > 1 && eq(t + 1, len - 1, ps[k] + 1)))
				return ps[k];
		return NULL;
	}
	if (!strcmp(n, "certutil"))
		return (starts(t, len, "-urlcache") || starts(t, len, "/urlcache") ||
		        eq(t, len, "-decode") || eq(t, len, "-decodehex") || eq(t, len, "-encode"))
		           ? "-urlcache"
		           : NULL;
	if (!strcmp(n, "bitsadmin"))
		return (eq(t, len, "/transfer") || eq(t, len, "/addfile") || eq(t, len, "/create"))
		           ? "/transfer"
		           : NULL;
	if (!strcmp(n, "mshta") || !strcmp(n, "rundll32") || !strcmp(n, "regsvr32"))
		return (starts(t, len, "http") || starts(t, len, "javascript:") ||
		        starts(t, len, "vbscript:") || starts(t, len, "/i:") ||
		        starts(t, len, "scrobj") || starts(t, len, "url.dll") ||
		        starts(t, len, "shell32.dll") || starts(t, len, "\\\\"))
		           ? "a remote or script target"
		           : NULL;
	if (!strcmp(n, "wmic"))
		return (eq(t, len, "process") || eq(t, len, "shadowcopy") ||
		        eq(t, len, "useraccount") || starts(t, len, "/node:"))
		           ? "process"
		           : NULL;
	if (!strcmp(n, "vssadmin"))
		return eq(t, len, "delete") ? "delete shadows" : NULL;
	if (!strcmp(n, "schtasks"))
		return eq(t, len, "/create") ? "/create" : NULL;
	if (!strcmp(n, "whoami"))
		return (eq(t, len, "/all") || eq(t, len, "/priv") || eq(t, len, "/groups"))
		           ? "/priv"
		           : NULL;
	if (!strcmp(n, "wevtutil"))
		return eq(t, len, "cl") ? "cl" : NULL;
	return NULL;
}

static void warg(win_scan *s, const wword *w)
{
	wcmd *c = &s->c;
	const uint8_t *t = w->t;
	size_t len = w->len;
	c->nargs++;
	if (!c->pg || len == 0)
		return;
	if (w->fl & WW_RECON)
		c->args |= WA_RECON;
	if ((t[0] == '/' || t[0] == '-') && len >= 2 && !is_digit(t[1]))
		c->args |= WA_SWITCH;
	if (has(t, len, ":\\") || t[0] == '\\' || starts(t, len, ".\\") || has(t, len, "%"))
		c->args |= WA_PATH;
	if (has(t, len, "://"))
		c->args |= WA_URL;
	if (is_ip(t, len))
		c->args |= WA_IP;
	bool digits = true;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(t[i]))
			digits = false;
	if (digits)
		c->args |= WA_NUM;
	if (c->pg->kind & WK_READ)
		for (size_t k = 0; k < sizeof wsensitive / sizeof wsensitive[0]; k++)
			if (has(t, len, wsensitive[k]) && !c->ev) {
				c->args |= WA_SENS;
				c->ev = wsensitive[k];
				c->ev_end = w->end;
			}
	if (c->pg->kind & WK_NET) {
		static const char *const v[] = {"user",   "localgroup", "group",   "share",
		                                "view",   "use",        "session", "accounts",
		                                "config", "start"};
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			if (c->nargs == 1 && eq(t, len, v[k]))
				c->args |= WA_VERB;
	}
	if (c->pg->kind & WK_REG) {
		static const char *const v[] = {"query", "add",    "delete",
		                                "save",  "export", "import"};
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			if (c->nargs == 1 && eq(t, len, v[k]))
				c->args |= WA_VERB;
	}
	if ((c->pg->kind & WK_SET) && (eq(t, len, "/a") || eq(t, len, "/p")))
		c->args |= WA_VERB;
	const char *e = evil_arg(c->pg, t, len);
	if (e && !(c->args & WA_EVIL)) {
		c->args |= WA_EVIL;
		c->ev = e;
		c->ev_end = w->end;
	}
	if ((c->pg->kind & WK_SHELL) && wprog_find(t, len))
		c->args |= WA_CMD;
}

/* C:\Windows\System32\cmd.exe is cmd; @echo is echo. */
static const prog *wresolve(const wword *w, const uint8_t **name, size_t *nl)
{
	if (w->trunc || w->len == 0)
		return NULL;
	const uint8_t *t = w->t;
	size_t len = w->len;
	while (len && (t[0] == '@'))
		t++, len--;
	for (size_t i = len; i > 0; i--) {
		if (t[i - 1] == '\\' || t[i - 1] == '/') {
			t += i;
			len -= i;
			break;
		}
	}
	static const char *const ext[] = {".exe", ".com", ".bat", ".cmd"};
	for (size_t k = 0; k < 4; k++)
		if (len > 4 && memcmp(t + len - 4, ext[k], 4) == 0)
			len -= 4;
	*name = t;
	*nl = len;
	return wprog_find(t, len);
}

static void wfeed(win_scan *s)
{
	wword *w = &s->w;
	wcmd *c = &s->c;
	if (!c->have_w0) {
		c->have_w0 = true;
		c->w0 = *w;
		const uint8_t *nm;
		size_t nl;
		c->pg = wresolve(w, &nm, &nl);
		return;
	}
	warg(s, w);
}

static void wend_word(win_scan *s, size_t i)
{
	if (!s->in_word)
		return;
	s->in_word = false;
	s->w.end = i;
	wfeed(s);
}

static bool wsupported(const prog *pg, unsigned a)
{
	if (pg->kind & (WK_NET | WK_REG | WK_SET))
		return a & WA_VERB;
	if (pg->kind & WK_READ)
		return a & (WA_PATH | WA_SENS);
	if (pg->kind & WK_ECHO)
		return a & WA_RECON;
	if ((pg->kind & WK_NUM) && (a & WA_NUM))
		return true;
	return a & (WA_SWITCH | WA_PATH | WA_URL | WA_IP | WA_EVIL);
}

static void wjudge(win_scan *s)
{
	wcmd *c = &s->c;
	const prog *pg = c->pg;
	if (!c->have_w0 || !pg || s->hit)
		return;
	const wword *w0 = &c->w0;
	size_t from = c->sep_len ? c->sep_off : w0->off;
	size_t to = c->ev ? c->ev_end : w0->end;
	if (to < w0->end)
		to = w0->end;
	char sep[16];
	if (!c->sep_len)
		snprintf(sep, sizeof sep, "the value");
	else if (s->p[c->sep_off] == '\n' || s->p[c->sep_off] == '%')
		snprintf(sep, sizeof sep, "a newline");
	else
		snprintf(sep, sizeof sep, "'%.*s'", (int)c->sep_len,
		         (const char *)s->p + c->sep_off);
	if (w0->fl & (WW_CARET | WW_QSPLIT | WW_VAR)) {
		const char *how = (w0->fl & WW_SUB)     ? "%VAR:~n,m% substrings"
		                  : (w0->fl & WW_VAR)   ? "an environment variable"
		                  : (w0->fl & WW_CARET) ? "carets"
		                                        : "split quotes";
		whit(s, w0->off, w0->end, "command name hidden by %s runs %s", how, pg->name);
		return;
	}
	if (c->args & WA_EVIL) {
		whit(s, from, to, "%s runs %s %s", sep, pg->name, c->ev);
		return;
	}
	if ((pg->kind & WK_SHELL) && (c->args & WA_CMD)) {
		whit(s, from, to, "%s runs cmd with another command", sep);
		return;
	}
	if ((pg->kind & WK_READ) && (c->args & WA_SENS)) {
		whit(s, from, to, "%s runs %s, reading %s", sep, pg->name, c->ev);
		return;
	}
	if (c->start == ST_START && s->n <= SHORT_VALUE && (pg->kind & WK_ECHO) &&
	    (c->args & WA_RECON)) {
		whit(s, from, to, "echo prints a Windows environment variable");
		return;
	}
	if (c->start == ST_EARLY || s->level) {
		if (c->start != ST_EARLY && pg->tier != T_STRONG)
			return;
		const char *verb = c->sep_len ? "starts a new Windows command:" : "runs";
		if (pg->tier == T_STRONG && (c->start == ST_EARLY || wsupported(pg, c->args)))
			whit(s, from, to, "%s %s %s", sep, verb, pg->name);
		else if (wsupported(pg, c->args))
			whit(s, from, to, "%s %s %s with arguments", sep, verb, pg->name);
	}
}

static void wnext(win_scan *s, size_t i, size_t len)
{
	wend_word(s, i);
	wjudge(s);
	memset(&s->c, 0, offsetof(wcmd, w0));
	s->c.pg = NULL;
	s->c.args = s->c.nargs = 0;
	s->c.have_w0 = false;
	s->c.ev = NULL;
	s->c.start = s->gaps <= EARLY_WORDS ? ST_EARLY : ST_LATE;
	s->c.sep_off = i;
	s->c.sep_len = len;
}

/* %NAME% or %NAME:~a,b% at p[i]: appends the expansion to the word and
 * returns the length used, 0 when it is no expansion we know. */
static size_t wvar(win_scan *s, size_t i)
{
	const uint8_t *p = s->p;
	size_t n = s->n, k = i + 1;
	while (k < n && k < i + 48 && (cls[p[k]] & C_NAME || p[k] == '(' || p[k] == ')'))
		k++;
	if (k >= n || (p[k] != '%' && p[k] != ':'))
		return 0;
	if (k >= n || k == i + 1)
		return 0;
	char name[40];
	size_t nl = k - i - 1;
	if (nl >= sizeof name)
		return 0;
	for (size_t j = 0; j < nl; j++)
		name[j] = (char)lower(p[i + 1 + j]);
	name[nl] = 0;
	long from = 0, cnt = 1 << 20;
	bool sub = false;
	if (p[k] == ':') {
		if (k + 1 >= n || p[k + 1] != '~')
			return 0;
		size_t j = k + 2;
		long v[2] = {0, 1 << 20};
		int nv = 0;
		while (nv < 2) {
			bool neg = j < n && p[j] == '-';
			if (neg)
				j++;
			if (j >= n || !is_digit(p[j]))
				return 0;
			long x = 0;
			while (j < n && is_digit(p[j]) && x < 1000)
				x = x * 10 + (p[j++] - '0');
			v[nv++] = neg ? -x : x;
			if (j < n && p[j] == ',' && nv == 1) {
				j++;
				continue;
			}
			break;
		}
		if (j >= n || p[j] != '%')
			return 0;
		from = v[0];
		cnt = v[1];
		sub = true;
		k = j;
	}
	for (size_t r = 0; r < sizeof wrecon_vars / sizeof wrecon_vars[0]; r++) {
		if (!sub && !strcmp(name, wrecon_vars[r])) {
			wbegin(s, i);
			s->w.fl |= WW_RECON;
			for (size_t j = i; j <= k; j++)
				wput(s, p[j]);
			return k + 1 - i;
		}
	}
	for (size_t v = 0; v < sizeof wvars / sizeof wvars[0]; v++) {
		if (strcmp(name, wvars[v].name))
			continue;
		const char *val = wvars[v].value;
		long vl = (long)strlen(val);
		if (from < 0)
			from = vl + from < 0 ? 0 : vl + from;
		if (from > vl)
			from = vl;
		long end = cnt < 0 ? vl + cnt : from + cnt;
		if (end > vl)
			end = vl;
		wbegin(s, i);
		s->w.fl |= WW_VAR | (sub ? WW_SUB : 0);
		for (long j = from; j < end; j++)
			wput(s, (uint8_t)val[j]);
		return k + 1 - i;
	}
	return 0;
}

/* The first '"' or '%' at or after i, or n: 16 bytes at a time. */
static size_t find_quote_or_var(const uint8_t *p, size_t i, size_t n)
{
	const sk_u8x16 q = sk_splat('"'), v = sk_splat('%');
	for (; i + 16 <= n; i += 16) {
		sk_u8x16 x;
		memcpy(&x, p + i, 16);
		int k = sk_first_lane((sk_u8x16)(x == q) | (sk_u8x16)(x == v));
		if (k < 16)
			return i + (size_t)k;
	}
	while (i < n && p[i] != '"' && p[i] != '%')
		i++;
	return i;
}

/* The first byte at or after i that can end an unquoted cmd.exe argument
 * list (& | ; newline ^ % "), or n. */
static size_t find_wstop(const uint8_t *p, size_t i, size_t n)
{
	const sk_u8x16 a = sk_splat('&'), b = sk_splat('|'), c = sk_splat(';'), d = sk_splat('\n');
	const sk_u8x16 e = sk_splat('^'), f = sk_splat('%'), g = sk_splat('"');
	for (; i + 16 <= n; i += 16) {
		sk_u8x16 x;
		memcpy(&x, p + i, 16);
		sk_u8x16 m = (sk_u8x16)(x == a) | (sk_u8x16)(x == b) | (sk_u8x16)(x == c) |
		             (sk_u8x16)(x == d) | (sk_u8x16)(x == e) | (sk_u8x16)(x == f) |
		             (sk_u8x16)(x == g);
		int k = sk_first_lane(m);
		if (k < 16)
			return i + (size_t)k;
	}
	while (i < n && (cls[p[i]] & C_WSKIP))
		i++;
	return i;
}

static bool win_run(win_scan *s, size_t i, bool in_q)
{
	const uint8_t *p = s->p;
	size_t n = s->n;
	memset(&s->c, 0, sizeof s->c);
	s->c.start = in_q ? ST_EARLY : ST_START;
	s->gaps = 0;
	s->in_word = false;
	if (in_q) {
		s->c.have_w0 = true; /* the rest of a quoted argument */
		in_q = false;
	}
	while (i < n && !s->hit) {
		uint8_t c = p[i];
		if (s->gaps > EARLY_WORDS && s->c.have_w0 && !s->c.pg) {
			/* arguments of an unknown command, late: skip to what ends it */
			i = in_q ? find_quote_or_var(p, i, n) : find_wstop(p, i, n);
			s->in_word = false;
			if (i >= n)
				break;
			c = p[i];
		}
		if (c == '"') {
			wbegin(s, i);
			if (s->w.len)
				s->w.fl |= WW_QSPLIT;
			s->w.fl |= WW_QUOTE;
			in_q = !in_q;
			i++;
			continue;
		}
		if (c == '%') {
			if (i + 2 < n && p[i + 1] == '0' && (p[i + 2] | 0x20) == 'a' && !in_q) {
				wnext(s, i, 3);
				s->gaps++;
				i += 3;
				continue;
			}
			size_t used = wvar(s, i);
			if (used) {
				i += used;
				continue;
			}
			wbegin(s, i);
			wput(s, c);
			i++;
			continue;
		}
		if (in_q) {
			if (c == ' ' || c == '\t')
				s->gaps++;
			wbegin(s, i);
			wput(s, c);
			i++;
			continue;
		}
		switch (c) {
		case '^':
			if (i + 1 < n && p[i + 1] != '\n' && p[i + 1] != '\r') {
				wbegin(s, i);
				if (s->w.len)
					s->w.fl |= WW_CARET;
				wput(s, p[i + 1]);
				i += 2;
			} else {
				i += 2;
			}
			break;
		case ' ':
		case '\t':
		case '\r':
		case ',':
			wend_word(s, i);
			if (c != ',')
				s->gaps++;
			while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
				i++;
			if (c == ',')
				i++;
			break;
		case '\n':
		case ';':
			wnext(s, i, 1);
			if (c == '\n')
				s->gaps++;
			i++;
			break;
		case '&':
		case '|': {
			size_t l = (i + 1 < n && p[i + 1] == c) ? 2 : 1;
			wnext(s, i, l);
			i += l;
			break;
		}
		case '<':
		case '>':
		case '(':
		case ')':
			wend_word(s, i);
			i++;
			break;
		default:
			wbegin(s, i);
			if (s->c.have_w0 && !s->c.pg) { /* an unknown command's argument */
				while (i < n && (cls[p[i]] & C_WPLAIN))
					i++;
				break;
			}
			while (i < n && (cls[p[i]] & C_WPLAIN) && s->w.len < WORD_MAX)
				s->w.t[s->w.len++] = (uint8_t)lower(p[i++]);
			if (i < n && (cls[p[i]] & C_WPLAIN)) {
				s->w.trunc = true;
				while (i < n && (cls[p[i]] & C_WPLAIN))
					i++;
			}
			break;
		}
	}
	if (!s->hit) {
		wend_word(s, n);
		wjudge(s);
	}
	return s->hit;
}

/* ---- PowerShell: cmdlets, aliases and .NET calls that download or run
 * code, found wherever they are; backticks (I`EX) and case do not hide
 * them. */

/* The word that ends just before p[e] (letters, digits, '.', '`' skipped),
 * lower-cased into out; returns its length. */
static size_t ps_word_before(const uint8_t *p, size_t e, uint8_t *out, size_t cap, size_t *start)
{
	size_t i = e, k = 0;
	while (i > 0 && e - i < 64) {
		uint8_t c = p[i - 1];
		if (!(cls[c] & C_NAME) && c != '`' && c != '.')
			break;
		i--;
	}
	*start = i;
	for (size_t j = i; j < e && k < cap; j++)
		if (p[j] != '`')
			out[k++] = (uint8_t)lower(p[j]);
	return k;
}

static size_t ps_word_after(const uint8_t *p, size_t n, size_t i, uint8_t *out, size_t cap,
                            size_t *end)
{
	size_t k = 0;
	while (i < n && i < *end + 64 && ((cls[p[i]] & C_NAME) || p[i] == '`' || p[i] == '.')) {
		if (p[i] != '`' && k < cap)
			out[k++] = (uint8_t)lower(p[i]);
		i++;
	}
	*end = i;
	return k;
}

static bool tail_is(const uint8_t *t, size_t len, const char *s)
{
	size_t k = strlen(s);
	return len >= k && memcmp(t + len - k, s, k) == 0 && (len == k || t[len - k - 1] == '.');
}

static bool ps_scan(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	const uint8_t *e = p + n;
	for (const uint8_t *q = p; (q = sk_find_any4(q, e, '-', '(', '|', ':')) != NULL; q++) {
		size_t i = (size_t)(q - p), ws, we = i + 1;
		uint8_t a[48], b[48];
		if (*q == ':' && (i + 1 >= n || p[i + 1] != ':' || i == 0 || p[i - 1] != ']'))
			continue;
		if (*q == '-' && (i < 3 || !(cls[p[i - 1]] & C_NAME) || i + 1 >= n ||
		                  !(cls[p[i + 1]] & C_NAME || p[i + 1] == '`')))
			continue;
		if (*q == '(' && (i < 3 || !(cls[p[i - 1]] & C_NAME || p[i - 1] == '`') ||
		                  !(cls[p[i - 3]] & C_NAME || p[i - 3] == '`' || p[i - 3] == '.')))
			continue;
		size_t al = *q == '|' ? 0 : ps_word_before(p, i, a, sizeof a, &ws);
		if (*q == '|')
			ws = i;
		const char *why = NULL;
		size_t off = ws, end = i + 1;
		if (*q == '-') {
			size_t bl = ps_word_after(p, n, i + 1, b, sizeof b, &we);
			end = we;
			bool noun = bl >= 4;
			for (size_t j = 0; j < bl; j++)
				if (b[j] < 'a' || b[j] > 'z')
					noun = false;
			if (eq(a, al, "invoke") && noun)
				why = "an Invoke- cmdlet";
			else if (eq(a, al, "start") &&
			         (eq(b, bl, "process") || eq(b, bl, "bitstransfer")))
				why = "Start-Process";
			else if ((eq(a, al, "set") || eq(a, al, "add")) &&
			         eq(b, bl, "mppreference"))
				why = "a Defender preference change";
			else if (level && eq(a, al, "set") && eq(b, bl, "executionpolicy"))
				why = "Set-ExecutionPolicy";
			else if (eq(a, al, "new") && eq(b, bl, "object")) {
				/* New-Object Net.WebClient, -ComObject, memory streams */
				size_t j = we, k = 0;
				uint8_t t[96];
				while (j < n && j < we + 96)
					t[k++] = (uint8_t)lower(p[j++]);
				if (has(t, k, "webclient") || has(t, k, "-com") ||
				    has(t, k, "net.sockets") || has(t, k, "memorystream") ||
				    has(t, k, "compression"))
					why = "New-Object of a downloader or stream";
				else if (level)
					why = "New-Object";
			} else if ((eq(a, al, "iwr") || eq(a, al, "irm") || eq(a, al, "iex")) &&
			           (ws == 0 || !(cls[p[ws - 1]] & C_NAME)) &&
			           (eq(b, bl, "uri") || eq(b, bl, "outfile") ||
			            eq(b, bl, "command") || eq(b, bl, "usebasicparsing") ||
			            eq(b, bl, "method")))
				why = "a PowerShell alias with parameters";
			else if (level && bl >= 3 &&
			         (eq(a, al, "get") || eq(a, al, "set") || eq(a, al, "remove") ||
			          eq(a, al, "stop") || eq(a, al, "copy") || eq(a, al, "import") ||
			          eq(a, al, "add") || eq(a, al, "new") || eq(a, al, "convertto") ||
			          eq(a, al, "out")) &&
			         ws < i && p[ws] >= 'A' && p[ws] <= 'Z' && i + 1 < n &&
			         p[i + 1] >= 'A' && p[i + 1] <= 'Z')
				why = "a PowerShell cmdlet";
		} else if (*q == '(') {
			if (tail_is(a, al, "downloadstring") || tail_is(a, al, "downloadfile") ||
			    tail_is(a, al, "downloaddata") || tail_is(a, al, "frombase64string") ||
			    tail_is(a, al, "invoke-expression"))
				why = "a .NET download or decode call";
			else if (eq(a, al, "iex") && (ws == 0 || !(cls[p[ws - 1]] & C_NAME)))
				why = "IEX, Invoke-Expression's alias";
		} else if (*q == '|') {
			size_t j = i + 1;
			while (j < n && (p[j] == ' ' || p[j] == '\t'))
				j++;
			size_t bl = ps_word_after(p, n, j, b, sizeof b, &we);
			if ((eq(b, bl, "iex") || eq(b, bl, "invoke")) &&
			    (we >= n || p[we] != '.')) {
				why = "a pipe into IEX";
				off = i;
				end = we;
			}
		} else if (*q == ':' && i + 1 < n && p[i + 1] == ':' && i > 0 && p[i - 1] == ']') {
			size_t k = i - 1, l = 0;
			while (k > 0 && p[k - 1] != '[' && i - k < 48)
				k--;
			uint8_t t[48];
			for (size_t j = k; j < i - 1 && l < sizeof t; j++)
				t[l++] = (uint8_t)lower(p[j]);
			size_t bl = ps_word_after(p, n, i + 2, b, sizeof b, &we);
			if ((tail_is(t, l, "assembly") && starts(b, bl, "load")) ||
			    (tail_is(t, l, "convert") && eq(b, bl, "frombase64string")) ||
			    (tail_is(t, l, "process") && eq(b, bl, "start"))) {
				why = "a .NET call that loads or runs code";
				off = k - 1;
				end = we;
			}
		}
		if (why) {
			if (m) {
				m->off = off;
				m->len = end > off ? end - off : 0;
				snprintf(m->reason, sizeof m->reason, "PowerShell: %s (%.*s)", why,
				         (int)(m->len > 40 ? 40 : m->len), (const char *)p + off);
			}
			return true;
		}
	}
	return false;
}

bool sk_detect_windows_command(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	if (!p || n == 0)
		return false;
	cls_init();
	if (ps_scan(p, n, level, m))
		return true;
	win_scan s;
	s.p = p;
	s.n = n;
	s.level = level;
	s.hit = false;
	s.m = m;
	/* Without a separator, a caret, a quote or a variable only the value
	 * as a whole command line can matter: read its first word. */
	if (win_run(&s, 0, false))
		return true;
	const uint8_t *q = memchr(p, '"', n);
	if (q) {
		size_t i = (size_t)(q - p) + 1;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i < n && strchr("&|;\n", p[i]) && win_run(&s, (size_t)(q - p) + 1, true))
			return true;
	}
	return false;
}
