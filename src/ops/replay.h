/* Recorded traffic, read back as requests for `sekisho replay`: AWS WAF
 * log records, ALB access logs, nginx and Apache combined logs, HAR files
 * and sekisho's own JSON lines (what `check --jsonl` reads, and what
 * `events --json` prints). Each entry becomes a JSON object in the shape
 * sk_request_from_json_value takes. */
#ifndef SK_OPS_REPLAY_H
#define SK_OPS_REPLAY_H

#include <jansson.h>
#include <stddef.h>

#include "base/error.h"

typedef enum sk_log_format {
	SK_LOG_AUTO,
	SK_LOG_AWS,      /* AWS WAF log records */
	SK_LOG_ALB,      /* ALB access logs */
	SK_LOG_COMBINED, /* nginx / Apache combined */
	SK_LOG_HAR,      /* HAR (a whole JSON document) */
	SK_LOG_JSONL,    /* sekisho JSON lines, or events --json */
} sk_log_format;

const char *sk_log_format_name(sk_log_format f);
/* "aws", "alb", "combined", "har", "jsonl", "auto"; -1 when unknown. */
int sk_log_format_parse(const char *s);

/* One line of a line-based log (no line end). *fmt is the format to read
 * with; SK_LOG_AUTO is resolved from the line and written back so later
 * lines are read the same way. SK_AGAIN: a line to skip (blank, a
 * comment). On SK_OK, *out is a new object (json_decref it). */
SK_MUST_CHECK sk_status sk_log_line(const char *line, size_t n, sk_log_format *fmt, json_t **out,
                                    sk_error *err);

/* Every request of a HAR document, as an array of objects. */
SK_MUST_CHECK sk_status sk_log_har(const char *text, size_t n, json_t **out, sk_error *err);

#endif
