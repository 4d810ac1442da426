/* The request view: what the WAF inspects. Built from a raw HTTP/1.1
 * message (parser.c) or from a JSON line (jsonline.c). Slices point into
 * memory owned by req->arena or by the caller's input buffer, which must
 * outlive the request. Decoded views (query arguments, cookies, form fields,
 * multipart parts, JSON items) are built on first use and cached. */
#ifndef SK_HTTP_REQUEST_H
#define SK_HTTP_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/str.h"

typedef struct sk_header {
	sk_str name, value;
} sk_header;

typedef struct sk_pair {
	sk_str name, value;
} sk_pair;

typedef enum sk_body_kind {
	SK_BODY_NONE,      /* empty body */
	SK_BODY_FORM,      /* application/x-www-form-urlencoded */
	SK_BODY_JSON,      /* application/json, application/ *+json */
	SK_BODY_MULTIPART, /* multipart/form-data */
	SK_BODY_XML,       /* application/xml, text/xml, *+xml */
	SK_BODY_TEXT,      /* text/ *, or no content type */
	SK_BODY_BINARY,    /* anything else: images, octet-stream, archives */
} sk_body_kind;

typedef struct sk_part {
	sk_str name, filename, content_type;
	sk_header *headers;
	size_t nheaders;
	sk_str data;
	bool is_file; /* has a filename, or a binary content type */
} sk_part;

/* One key or value of a JSON body, in document order. pointer is the JSON
 * Pointer (RFC 6901) of the element; for a key item it is the pointer of
 * the member the key names. Scalars are rendered as JSON text without
 * quotes for strings (so "a\"b" is the 3 bytes a"b). */
typedef struct sk_json_item {
	sk_str pointer;
	sk_str text;
	bool is_key;
} sk_json_item;

typedef struct sk_request {
	sk_arena *arena;
	sk_str method;
	sk_str target;   /* request-target exactly as sent */
	sk_str path;     /* target up to '?' or '#', not decoded */
	sk_str query;    /* after '?' up to '#', without the '?'; may be empty */
	sk_str fragment; /* after '#', without it */
	sk_str version;  /* "HTTP/1.1" */
	uint8_t http_major, http_minor;
	sk_header *headers; /* in the order received */
	size_t nheaders;
	sk_str body;          /* decoded of chunked framing */
	char client_ip[64];   /* textual address, empty when unknown */

	/* Caches of the decoded views; use the functions below. */
	struct {
		bool done;
		sk_pair *v;
		size_t n;
	} args_, cookies_, form_;
	struct {
		bool done;
		sk_part *v;
		size_t n;
		bool valid;
	} parts_;
	struct {
		bool done;
		sk_json_item *v;
		size_t n;
		bool valid;
	} json_;
} sk_request;

/* Resets req to an empty request that allocates from a. */
void sk_request_init(sk_request *req, sk_arena *a);

/* Whether a comma-separated header value (Connection, Upgrade...) lists
 * token, ASCII case-insensitive. */
bool sk_http_has_token(sk_str value, const char *token);

/* First header with that name (ASCII case-insensitive); found tells whether
 * it was there at all (a present header may have an empty value). */
sk_str sk_request_header(const sk_request *req, const char *name, bool *found);

/* Query arguments split on '&' and the first '=', names and values raw (not
 * URL-decoded: decoding is a text transformation's job). An argument
 * without '=' has an empty value. */
sk_status sk_request_args(sk_request *req, const sk_pair **v, size_t *n);

/* Cookies from every Cookie header, split on ';', trimmed, raw. */
sk_status sk_request_cookies(sk_request *req, const sk_pair **v, size_t *n);

/* By Content-Type (parameters ignored) and, when absent, by the body. */
sk_body_kind sk_request_body_kind(const sk_request *req);

/* urlencoded body fields, raw, as for query arguments. */
sk_status sk_request_form(sk_request *req, const sk_pair **v, size_t *n);

/* multipart/form-data parts; valid is false when the body is not
 * well-formed multipart (no boundary, missing closing delimiter, ...), in
 * which case v holds what could be parsed. */
sk_status sk_request_parts(sk_request *req, const sk_part **v, size_t *n, bool *valid);

/* JSON body flattened to keys and values in document order; valid is false
 * when the body is not a JSON document (then n is 0). */
sk_status sk_request_json(sk_request *req, const sk_json_item **v, size_t *n, bool *valid);

/* ---- building requests ---- */

typedef struct sk_http_limits {
	size_t max_request_line; /* bytes in the request line */
	size_t max_header_bytes; /* all header lines together */
	size_t max_headers;      /* header count */
	size_t max_body;         /* decoded body bytes */
} sk_http_limits;

void sk_http_limits_default(sk_http_limits *lim);

enum {
	/* Accept bare LF as a line end (request files written by hand). */
	SK_HTTP_LENIENT_EOL = 1u << 0,
	/* Without Content-Length or Transfer-Encoding, the rest of the input is
	 * the body (a request file), instead of an empty body (a connection). */
	SK_HTTP_BODY_TO_EOF = 1u << 1,
};

/* Parses one HTTP/1.1 request from p[0..n). SK_OK: *req is filled and
 * *consumed is the bytes the message took. SK_AGAIN: more bytes are needed
 * (nothing else is set). Any other status: the message is malformed or
 * ambiguous and err says why; the connection must not be reused. */
SK_MUST_CHECK sk_status sk_http_parse_request(const uint8_t *p, size_t n, unsigned flags,
					      const sk_http_limits *lim, sk_request *req,
					      size_t *consumed, sk_error *err);

/* How a request's body is framed, as the head says. */
typedef enum sk_http_framing {
	SK_HTTP_FRAMING_NONE,    /* no body */
	SK_HTTP_FRAMING_LENGTH,  /* Content-Length bytes */
	SK_HTTP_FRAMING_CHUNKED, /* Transfer-Encoding: chunked (http/chunked.h) */
} sk_http_framing;

typedef struct sk_http_head_info {
	size_t head_len; /* bytes of the request line and header section */
	sk_http_framing framing;
	uint64_t content_length;
} sk_http_head_info;

/* Parses only the head (request line and headers) of a request, with the
 * same checks as sk_http_parse_request, so a server can inspect headers
 * before the body arrives and then read the body with the framing given in
 * *info. req->body is left empty. SK_AGAIN: the head is incomplete. */
SK_MUST_CHECK sk_status sk_http_parse_head(const uint8_t *p, size_t n, unsigned flags,
                                           const sk_http_limits *lim, sk_request *req,
                                           sk_http_head_info *info, sk_error *err);

/* Builds a request from one JSON object:
 * {"method", "path" (target with query), "headers": {name: value} or
 *  [[name, value], ...], "body" (string), "client_ip", "http_version"}.
 * Unknown keys are ignored. Bytes are copied into req->arena. */
SK_MUST_CHECK sk_status sk_request_from_json(const char *text, size_t n, sk_request *req,
					     sk_error *err);

/* The same from a parsed JSON object (jansson), for readers of other
 * formats that build one. */
#include <jansson.h>
SK_MUST_CHECK sk_status sk_request_from_json_value(json_t *root, sk_request *req, sk_error *err);

#endif
