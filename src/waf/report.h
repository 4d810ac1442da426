/* What a verdict says to people and to log pipelines: the AWS WAF log
 * record (JSON, one line) and the one-line explanation in words. */
#ifndef SK_WAF_REPORT_H
#define SK_WAF_REPORT_H

#include "base/buf.h"
#include "waf/engine.h"

typedef struct sk_log_options {
	int64_t timestamp_ms;
	const char *request_id;       /* NULL: null in the record */
	const char *http_source_name; /* "-" when NULL */
	bool redact_auth;             /* Authorization and Cookie values shown as REDACTED */
} sk_log_options;

/* Appends one AWS WAF log record (no newline). */
SK_MUST_CHECK sk_status sk_log_record(const sk_program *p, const sk_request *req,
                                      const sk_verdict *v, const sk_log_options *opt, sk_buf *out);

/* Appends "BLOCK 403 rule-name: why in words" (no newline). */
SK_MUST_CHECK sk_status sk_explain(const sk_verdict *v, sk_buf *out);

/* Appends the reason for one hit: 'query argument "id" after URL_DECODE:
 * contains "../"'. */
SK_MUST_CHECK sk_status sk_explain_hit(const sk_hit *h, sk_buf *out);

/* A JSON string of arbitrary bytes (invalid UTF-8 as U+FFFD). */
#include <jansson.h>
json_t *sk_json_bytes(sk_str s);

#endif
