/* CRLF injection detector: HTTP response splitting and mail (SMTP, IMAP,
 * POP3) command injection.
 *
 * A value that an application copies into a response header (a redirect's
 * Location, a cookie) or into a mail it sends or a mail server session is
 * split into lines by CR and LF; what follows a line break becomes a header
 * or a protocol command of its own. A line break alone is common in text
 * (a comment, a post), so what counts is the line after it:
 *
 * - an HTTP header that takes over the response (Set-Cookie, Location,
 *   Refresh, Content-Length, Transfer-Encoding, the security and CORS
 *   headers) or a status line "HTTP/1.1": anywhere;
 * - a mail header (To, Cc, Bcc, From, Reply-To, Subject, Content-Type...)
 *   only when the text before the first line break is a short single line,
 *   the shape of a form field such as a name, an address or a subject
 *   ("me@example.com\r\nBcc: everyone@..."); a long text that quotes an
 *   e-mail's headers further down is a message body, not an injection;
 * - an SMTP command with its syntax ("RCPT TO:", "MAIL FROM:") or alone on
 *   its line in upper case (DATA, QUIT, RSET...), an IMAP command after a
 *   tag ("A1 FETCH", "V100 CAPABILITY"), POP3's RETR and DELE with a number.
 *
 * Line breaks are read as CR and LF bytes, as their percent escapes left by
 * a single decoding ("%0d%0a"), and as the characters whose code point
 * ends in 0A or 0D (U+010A, U+560D...) that some servers truncate to one
 * byte when writing a header, which turns them into line breaks. */
#include "detect/text.h"

static const char *const http_headers[] = {
    "set-cookie",
    "set-cookie2",
    "location",
    "refresh",
    "content-length",
    "transfer-encoding",
    "content-security-policy",
    "x-xss-protection",
    "x-frame-options",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "content-disposition",
    "strict-transport-security",
    "link",
    "x-forwarded-for",
    "x-forwarded-host",
    NULL,
};

/* The first seven take addresses and count only when an '@' follows on
 * their line ("Notes:\nTo: do list" is text); the others are technical. */
static const char *const mail_headers[] = {
    "to",     "cc",          "bcc",          "from",         "reply-to",
    "sender", "return-path", "content-type", "mime-version", "content-transfer-encoding",
    NULL,
};
#define MAIL_ADDRESS_HEADERS 7

/* An '@' on the line that starts at p[j]. */
static bool address_on_line(const uint8_t *p, size_t n, size_t j)
{
	for (; j < n && p[j] != '\r' && p[j] != '\n'; j++)
		if (p[j] == '@')
			return true;
	return false;
}

/* With their syntax, any case. */
static const char *const smtp_with_args[] = {"rcpt to:", "mail from:", "helo ", "ehlo ",
                                             "vrfy ",    "expn ",      NULL};

/* Alone on their line, in upper case. */
static const char *const bare_commands[] = {"DATA", "QUIT",       "RSET",   "NOOP",    "STARTTLS",
                                            "TURN", "CAPABILITY", "LOGOUT", "EXPUNGE", NULL};

static const char *const imap_commands[] = {
    "CAPABILITY", "NOOP",   "LOGOUT", "LOGIN", "AUTHENTICATE", "SELECT", "EXAMINE",   "CREATE",
    "DELETE",     "RENAME", "LIST",   "LSUB",  "STATUS",       "APPEND", "CHECK",     "CLOSE",
    "EXPUNGE",    "SEARCH", "FETCH",  "STORE", "COPY",         "UID",    "SUBSCRIBE", NULL,
};

/* Length of a line break at p[i] (CR or LF byte, a %0d/%0a escape, or a
 * two-byte UTF-8 character whose code point ends in 0A or 0D; the three-byte
 * ones likewise); 0 when there is none. *wide is set for the latter. */
static size_t line_break(const uint8_t *p, size_t n, size_t i, bool *wide)
{
	*wide = false;
	int c = p[i];
	if (c == '\r' || c == '\n')
		return 1;
	if (c == '%' && i + 2 < n && p[i + 1] == '0' &&
	    ((p[i + 2] | 0x20) == 'a' || (p[i + 2] | 0x20) == 'd'))
		return 3;
	if (c >= 0xc2 && c <= 0xdf && i + 1 < n && (p[i + 1] & 0xc0) == 0x80) {
		unsigned cp = ((unsigned)(c & 0x1f) << 6) | (p[i + 1] & 0x3f);
		if ((cp & 0xff) == 0x0a || (cp & 0xff) == 0x0d) {
			*wide = true;
			return 2;
		}
	}
	if (c >= 0xe0 && c <= 0xef && i + 2 < n && (p[i + 1] & 0xc0) == 0x80 &&
	    (p[i + 2] & 0xc0) == 0x80) {
		unsigned cp = ((unsigned)(c & 0x0f) << 12) | ((unsigned)(p[i + 1] & 0x3f) << 6) |
		              (p[i + 2] & 0x3f);
		if ((cp & 0xff) == 0x0a || (cp & 0xff) == 0x0d) {
			*wide = true;
			return 3;
		}
	}
	return 0;
}

/* A header "name:" from the list at p[i] (optional space before ':'). */
static int header_at(const uint8_t *p, size_t n, size_t i, const char *const *names)
{
	for (int w = 0; names[w]; w++) {
		size_t k = strlen(names[w]);
		if (!sk_tx_at_ci(p, n, i, names[w]))
			continue;
		size_t j = i + k;
		while (j < n && p[j] == ' ')
			j++;
		if (j < n && (p[j] == ':' || (p[j] == '%' && sk_tx_at_ci(p, n, j, "%3a"))))
			return w;
	}
	return -1;
}

/* The line at p[i] ends (line break, end of input) after j. */
static bool line_ends(const uint8_t *p, size_t n, size_t j)
{
	while (j < n && (p[j] == ' ' || p[j] == '\t'))
		j++;
	bool wide;
	return j >= n || line_break(p, n, j, &wide) > 0;
}

static bool command_at(const uint8_t *p, size_t n, size_t i, char *why, size_t whyn)
{
	int lc = sk_tx_lower(p[i]);
	if (lc == 'r' || lc == 'm' || lc == 'h' || lc == 'e' || lc == 'v')
		for (int k = 0; smtp_with_args[k]; k++)
			if (sk_tx_at_ci(p, n, i, smtp_with_args[k])) {
				snprintf(why, whyn, "line break, then SMTP command %.*s",
				         (int)strlen(smtp_with_args[k]) - 1, (const char *)p + i);
				return true;
			}
	size_t u = i;
	while (u < n && p[u] >= 'A' && p[u] <= 'Z')
		u++;
	/* alone on its line: an upper-case word, then the line's end */
	if (u > i && line_ends(p, n, u))
		for (int k = 0; bare_commands[k]; k++)
			if (sk_tx_at(p, n, i, bare_commands[k]) &&
			    line_ends(p, n, i + strlen(bare_commands[k]))) {
				snprintf(
				    why, whyn,
				    "line break, then mail protocol command %s alone on its line",
				    bare_commands[k]);
				return true;
			}
	/* IMAP: a tag with a digit, a space, an upper-case command. */
	size_t t = i;
	bool digit = false;
	while (t < n && t - i < 12 && (sk_tx_alnum(p[t]) || p[t] == '.')) {
		digit |= sk_tx_digit(p[t]);
		t++;
	}
	if (digit && t > i && t < n && p[t] == ' ') {
		for (int k = 0; imap_commands[k]; k++) {
			size_t c = strlen(imap_commands[k]);
			if (sk_tx_at(p, n, t + 1, imap_commands[k]) &&
			    (t + 1 + c >= n || p[t + 1 + c] == ' ' || line_ends(p, n, t + 1 + c))) {
				snprintf(why, whyn, "line break, then IMAP command %s",
				         imap_commands[k]);
				return true;
			}
		}
	}
	if ((sk_tx_at(p, n, i, "RETR ") || sk_tx_at(p, n, i, "DELE ")) && i + 5 < n &&
	    sk_tx_digit(p[i + 5])) {
		snprintf(why, whyn, "line break, then POP3 command %.4s", (const char *)p + i);
		return true;
	}
	return false;
}

/* Whether any byte has its high bit set, 16 at a time. */
static bool has_high(const uint8_t *p, size_t n)
{
	/* 64 bytes a step: the OR of four loads keeps every high bit, which
	 * sk_lane_bits() collects */
	size_t i = 0;
	for (; i + 64 <= n; i += 64) {
		sk_u8x16 a, b, c, d;
		memcpy(&a, p + i, 16);
		memcpy(&b, p + i + 16, 16);
		memcpy(&c, p + i + 32, 16);
		memcpy(&d, p + i + 48, 16);
		if (sk_lane_bits(a | b | c | d))
			return true;
	}
	for (; i + 16 <= n; i += 16) {
		uint64_t a, b;
		memcpy(&a, p + i, 8);
		memcpy(&b, p + i + 8, 8);
		if ((a | b) & 0x8080808080808080ull)
			return true;
	}
	for (; i < n; i++)
		if (p[i] & 0x80)
			return true;
	return false;
}

/* A header-shaped token at p[j]: letters, digits and '-', then optional
 * spaces and ':' (or its escape). Cheap, and true for few lines of text. */
static bool colon_token(const uint8_t *p, size_t n, size_t j)
{
	size_t t = j;
	while (t < n && t - j <= 40 && (sk_tx_alnum(p[t]) || p[t] == '-'))
		t++;
	if (t == j)
		return false;
	while (t < n && p[t] == ' ')
		t++;
	return t < n && (p[t] == ':' || (p[t] == '%' && sk_tx_at_ci(p, n, t, "%3a")));
}

/* The line after the break(s) at p[at..j): judged as described on top. */
static bool line_after(const uint8_t *p, size_t n, size_t at, size_t j, bool wide, bool first,
                       sk_detect_match *m)
{
	if (j >= n || !sk_tx_alnum(p[j]))
		return false;
	char why[128];
	if (colon_token(p, n, j)) {
		int h = header_at(p, n, j, http_headers);
		if (h >= 0) {
			snprintf(why, sizeof why, "line break, then a %s header", http_headers[h]);
			return sk_tx_hit(m, at, j - at + strlen(http_headers[h]), why);
		}
		/* Mail headers only after the first line break, and only when the
		 * line before it is short: a one-line form field. */
		h = wide ? -1 : header_at(p, n, j, mail_headers);
		if (h >= 0 && h < MAIL_ADDRESS_HEADERS && !address_on_line(p, n, j))
			h = -1;
		if (h >= 0 && first && at <= 100) {
			snprintf(why, sizeof why,
			         "line break after a one-line value, then a %s mail header",
			         mail_headers[h]);
			return sk_tx_hit(m, at, j - at + strlen(mail_headers[h]), why);
		}
	}
	if (sk_tx_lower(p[j]) == 'h' &&
	    (sk_tx_at_ci(p, n, j, "http/1.") || sk_tx_at_ci(p, n, j, "http/2 ")))
		return sk_tx_hit(m, at, j - at + 7, "line break, then an HTTP status line");
	if (!wide && command_at(p, n, j, why, sizeof why))
		return sk_tx_hit(m, at, j - at, why);
	return false;
}

bool sk_detect_header_injection(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	if (!p || n == 0)
		return false;
	const uint8_t *e = p + n;
	bool first = true;
	/* Text with LF line ends and no '%' (a post, a document) has only
	 * '\n' to stop at: memchr() finds each line end for a fraction of
	 * the cost of a search for three bytes. */
	bool lf_only = !memchr(p, '\r', n) && !memchr(p, '%', n);
	for (const uint8_t *s = p;
	     (s = lf_only ? memchr(s, '\n', (size_t)(e - s))
	                  : sk_find_any4(s, e, '\r', '\n', '%', '%')) != NULL;) {
		size_t i = (size_t)(s - p);
		bool wide;
		size_t k = line_break(p, n, i, &wide);
		if (!k) {
			s++;
			continue;
		}
		/* Several breaks in a row ("\r\n", "%0d%0a", "\n\n") are one. */
		size_t j = i + k;
		while (j < n && (k = line_break(p, n, j, &wide)) > 0 && !wide)
			j += k;
		if (line_after(p, n, i, j, false, first, m))
			return true;
		first = false;
		s = p + j;
	}
	/* Characters whose code point ends in 0A or 0D only matter before a
	 * response header; those are found from their ':', in text that has
	 * bytes outside ASCII at all. */
	if (!has_high(p, n))
		return false;
	for (const uint8_t *s = p; (s = memchr(s, ':', (size_t)(e - s))) != NULL; s++) {
		size_t t = (size_t)(s - p);
		while (t > 0 && (size_t)(s - p) - t < 40 &&
		       (sk_tx_alnum(p[t - 1]) || p[t - 1] == '-'))
			t--;
		bool wide = false;
		size_t k = 0;
		if (t >= 2 && line_break(p, n, t - 2, &wide) == 2 && wide)
			k = 2;
		else if (t >= 3 && line_break(p, n, t - 3, &wide) == 3 && wide)
			k = 3;
		if (k && line_after(p, n, t - k, t, true, false, m))
			return true;
	}
	return false;
}
