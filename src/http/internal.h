/* Private helpers shared by the files of src/http; not part of the API. */
#ifndef SK_HTTP_INTERNAL_H
#define SK_HTTP_INTERNAL_H

#include "http/request.h"

/* Sets req->path, query and fragment from req->target: the path is the
 * target up to '?' or '#' (for an absolute-form target, the path component
 * after the authority, "/" when empty); query and fragment never include
 * their '?' / '#'. Used by the parser and by the JSON line reader so both
 * split the same way. */
void sk_http_split_target(sk_request *req);

/* Resets every field but the arena and client_ip (the caller may have set
 * the peer address before parsing). */
void sk_http_request_clear(sk_request *req);

/* Byte classes of the HTTP grammar (parser.c), by table. */
enum {
	SK_HTTP_TCHAR = 1, /* RFC 9110 token character */
	SK_HTTP_VCHAR = 2, /* field-vchar, obs-text or HTAB: may be in a field value */
};
extern const uint8_t sk_http_class[256];

/* RFC 9110 token character. */
static inline bool sk_http_is_tchar(uint8_t c)
{
	return sk_http_class[c] & SK_HTTP_TCHAR;
}

/* The media type of a Content-Type value: up to ';', trimmed. */
sk_str sk_http_media_type(sk_str content_type);

/* chunk-ext grammar over the whole of s (RFC 9112 7.1.1). */
bool sk_http_chunk_ext_ok(const uint8_t *s, size_t n);

/* One "name: value" field line l[0..len) without its line end; what is
 * "header" or "trailer", line the line number for messages. */
SK_MUST_CHECK sk_status sk_http_parse_field(const uint8_t *l, size_t len, size_t line,
                                            const char *what, sk_str *name, sk_str *value,
                                            sk_error *err);

#endif
