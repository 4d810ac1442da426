/* FieldToMatch: the values one field of a request gives, with AWS's
 * inspection limits and oversize flag. A field may give many values (every
 * header, every query argument); a statement matches when any does. */
#ifndef SK_WAF_FIELD_H
#define SK_WAF_FIELD_H

#include "http/request.h"
#include "waf/acl.h"

/* AWS's limits for headers and cookies. */
#define SK_INSPECT_HEADER_BYTES 8192
#define SK_INSPECT_HEADER_COUNT 200
/* Binary content is inspected by this many leading bytes. */
#define SK_INSPECT_LEADING_BYTES 1024

typedef struct sk_field_values {
	sk_str *vals;
	sk_str *names; /* what each value is: header name, argument name, JSON pointer */
	size_t n;
	bool oversize;
	/* JsonBody: the body was not valid JSON and the fallback says how to
	 * answer: 0 evaluate vals (the body as text), 1 match, 2 no match. */
	int json_fallback;
} sk_field_values;

SK_MUST_CHECK sk_status sk_field_extract(const sk_field *f, sk_request *req, size_t body_limit,
                                         sk_arena *a, sk_field_values *out);

/* "query argument", "header", ... and the AWS log location name. */
const char *sk_field_describe(const sk_field *f);
const char *sk_field_location(const sk_field *f);

#endif
