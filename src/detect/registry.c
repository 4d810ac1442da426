/* Every detector by name. Rules reach them through SqliMatchStatement,
 * XssMatchStatement, or sekisho's SekishoDetectorStatement. */
#include <string.h>

#include "detect/detect.h"

static bool sqli(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	return sk_detect_sqli(p, n, level ? SK_SQLI_HIGH : SK_SQLI_LOW, m);
}

static bool xss(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	(void)level;
	return sk_detect_xss(p, n, m);
}

static const sk_detector detectors[] = {
    {"SQLI", "SQL injection", sqli,
     "SQL injection: input that changes the structure of a SQL query"},
    {"XSS", "cross-site scripting", xss,
     "cross-site scripting: input that runs script in an HTML page"},
    {"PATH_TRAVERSAL", "path traversal", sk_detect_path_traversal,
     "path traversal and local file inclusion: ../ sequences and paths to system files"},
    {"SSRF_METADATA", "request to a metadata service", sk_detect_ssrf,
     "server-side request forgery aimed at cloud instance metadata (169.254.169.254 in any "
     "spelling)"},
    {"REMOTE_FILE_INCLUSION", "remote file inclusion", sk_detect_rfi,
     "remote file inclusion: a URL whose host is an IPv4 address"},
    {"COMMAND_INJECTION", "shell command injection", sk_detect_command,
     "Unix shell command injection: separators, substitution, backticks, $IFS, globbing"},
    {"WINDOWS_COMMAND_INJECTION", "Windows command injection", sk_detect_windows_command,
     "Windows cmd.exe and PowerShell command injection"},
    {"LOG4J", "Log4j lookup", sk_detect_log4j,
     "Log4j JNDI lookups and their nested obfuscations (CVE-2021-44228)"},
    {"JAVA_INJECTION", "Java code injection", sk_detect_java,
     "Java deserialization and expression-language injection (EL, SpEL, OGNL)"},
    {"NOSQL_INJECTION", "NoSQL injection", sk_detect_nosql,
     "NoSQL injection: query operators as keys ([$ne], $where:), JavaScript breaking out of a "
     "$where string, shell calls on collections"},
    {"LDAP_INJECTION", "LDAP injection", sk_detect_ldap,
     "LDAP filter injection: composite filters, ')(' breakouts, extensible matches (RFC 4515)"},
    {"TEMPLATE_INJECTION", "template injection", sk_detect_template,
     "server-side template injection: arithmetic probes and code-execution gadgets inside "
     "template delimiters ({{ }}, ${ }, #{ }, <%= %>, <#assign>)"},
    {"SERVER_SIDE_INCLUDE", "server-side include", sk_detect_ssi,
     "server-side include directives: <!--#exec, <!--#include and the others"},
    {"CRLF_INJECTION", "CRLF injection", sk_detect_header_injection,
     "CRLF injection: a line break, then a response header, a mail header after a one-line "
     "value, or an SMTP, IMAP or POP3 command"},
    {"XML_EXTERNAL_ENTITY", "XML external entity", sk_detect_xxe,
     "XML external entities: <!ENTITY x SYSTEM/PUBLIC ...>, parameter entities, a <!DOCTYPE> "
     "that fetches an external DTD, XInclude, XML declared in UTF-7"},
    {"BASE64_ENCODED_ATTACK", "base64-encoded attack", sk_detect_base64,
     "base64 text that decodes to an attack another detector finds"},
};

const sk_detector *sk_detector_find(const char *name)
{
	for (size_t i = 0; i < sizeof detectors / sizeof detectors[0]; i++)
		if (strcmp(detectors[i].name, name) == 0)
			return &detectors[i];
	return NULL;
}

const sk_detector *sk_detector_list(size_t *n)
{
	*n = sizeof detectors / sizeof detectors[0];
	return detectors;
}
