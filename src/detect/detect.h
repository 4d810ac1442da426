/* Our own attack detectors. Each is a tokenizer over (ptr, len) with state
 * on the caller's stack: no allocation, no global state, safe to call from
 * any thread. They judge one already-transformed field value. */
#ifndef SK_DETECT_DETECT_H
#define SK_DETECT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sk_detect_match {
	size_t off, len;  /* the bytes that made the decision */
	char reason[128]; /* in words, e.g. "quote closed, then OR 1=1 tautology" */
} sk_detect_match;

typedef enum sk_sqli_level { SK_SQLI_LOW = 0, SK_SQLI_HIGH = 1 } sk_sqli_level;

/* True when p[0..n) would change the structure of a SQL query it is pasted
 * into (inside or outside quotes). m may be NULL. */
bool sk_detect_sqli(const uint8_t *p, size_t n, sk_sqli_level level, sk_detect_match *m);

/* True when p[0..n) would run script if placed in an HTML document (tags
 * that execute, event handler attributes, javascript: URLs, ...). */
bool sk_detect_xss(const uint8_t *p, size_t n, sk_detect_match *m);

/* The detectors below share one signature; level 0 is LOW, 1 HIGH. */

/* Path traversal and local file inclusion: ../ sequences (after
 * normalisation and repeated decoding) and paths to system files. */
bool sk_detect_path_traversal(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Requests for cloud instance metadata services (169.254.169.254 in every
 * spelling: decimal, octal, hex, IPv6-mapped; and the providers' names). */
bool sk_detect_ssrf(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Remote file inclusion: a URL whose host is an IPv4 address in any spelling. */
bool sk_detect_rfi(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Unix shell command injection: command separators, substitution,
 * backticks, $IFS, globbing, quote splitting. */
bool sk_detect_command(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Windows cmd.exe and PowerShell command injection. */
bool sk_detect_windows_command(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Log4j lookups (${jndi:...}) with their nested obfuscations. */
bool sk_detect_log4j(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Java deserialization and expression-language injection (EL, SpEL, OGNL,
 * class loader manipulation). */
bool sk_detect_java(const uint8_t *p, size_t n, int level, sk_detect_match *m);

/* NoSQL (MongoDB-style) injection: query operators as object keys
 * ("[$ne]", "$where:"), JavaScript statements breaking out of a $where
 * string, shell calls on collections. */
bool sk_detect_nosql(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* LDAP filter injection: composite filters, ")(" breakouts and extensible
 * matches, checked against the filter grammar (RFC 4515). */
bool sk_detect_ldap(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Server-side template and expression injection: arithmetic probes and
 * code-execution gadgets inside template delimiters ({{ }}, ${ }, #{ },
 * <%= %>, FreeMarker and Velocity directives). */
bool sk_detect_template(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Server-side include directives (<!--#exec, <!--#include, ...). */
bool sk_detect_ssi(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* CRLF injection: a line break followed by an HTTP header that takes over a
 * response, a mail header after a one-line value, or an SMTP, IMAP or POP3
 * command. */
bool sk_detect_header_injection(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* XML external entities: entities declared SYSTEM/PUBLIC and parameter
 * entities, document types that fetch an external DTD, the XInclude
 * namespace, XML declared in UTF-7. */
bool sk_detect_xxe(const uint8_t *p, size_t n, int level, sk_detect_match *m);
/* Base64 runs that decode to text in which another detector finds an
 * attack (at LOW). */
bool sk_detect_base64(const uint8_t *p, size_t n, int level, sk_detect_match *m);

/* ---- the registry: every detector by name, for rules that name one ---- */

/* level: 0 LOW (high confidence, what managed rules use), 1 HIGH (catches
 * more, more false positives); detectors without levels ignore it. */
typedef bool (*sk_detect_fn)(const uint8_t *p, size_t n, int level, sk_detect_match *m);

typedef struct sk_detector {
	const char *name;  /* "SQLI", "XSS", ... as written in rules */
	const char *label; /* short, in words: "SQL injection" */
	sk_detect_fn fn;
	const char *what; /* in words, for explanations and `rules show` */
} sk_detector;

/* NULL when no detector has that name. */
const sk_detector *sk_detector_find(const char *name);
/* All detectors; *n receives the count. Their index is stable for a build. */
const sk_detector *sk_detector_list(size_t *n);

#endif
