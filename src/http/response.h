/* Strict reader of an upstream's response head (RFC 9112 4 and 6.3), for
 * the gateway: a response whose framing could be read two ways is an
 * error, and the connection it came on is never reused. */
#ifndef SK_HTTP_RESPONSE_H
#define SK_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "http/request.h"

typedef enum sk_resp_body {
	SK_RESP_BODY_NONE,    /* 1xx, 204, 304, or the answer to HEAD */
	SK_RESP_BODY_LENGTH,  /* Content-Length bytes */
	SK_RESP_BODY_CHUNKED, /* chunked (http/chunked.h) */
	SK_RESP_BODY_CLOSE,   /* until the upstream closes the connection */
} sk_resp_body;

typedef struct sk_response_head {
	int status;
	uint8_t minor; /* HTTP/1.minor */
	sk_str reason;
	sk_header *headers; /* caller's array */
	size_t nheaders;
	sk_resp_body body;
	uint64_t content_length;
	bool keep_alive; /* the upstream lets the connection be reused */
	size_t head_len;
} sk_response_head;

/* Parses the head in p[0..n). headers/cap: where to put the header fields
 * (more than cap is an SK_E_LIMIT error); head_request: the request was
 * HEAD, so no body follows whatever the head says. SK_AGAIN while
 * incomplete; an error once max_head bytes have come without an end. */
SK_MUST_CHECK sk_status sk_http_parse_response_head(const uint8_t *p, size_t n, size_t max_head,
                                                    bool head_request, sk_header *headers,
                                                    size_t cap, sk_response_head *out,
                                                    sk_error *err);

#endif
