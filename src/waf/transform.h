/* AWS WAF text transformations. Each is applied to the output of the one
 * before, in priority order. Output comes from the arena (or is the input
 * itself when nothing changes); input is never modified. */
#ifndef SK_WAF_TRANSFORM_H
#define SK_WAF_TRANSFORM_H

#include "base/arena.h"
#include "base/error.h"
#include "base/str.h"

typedef enum sk_transform {
	SK_TX_NONE,
	SK_TX_COMPRESS_WHITE_SPACE,
	SK_TX_HTML_ENTITY_DECODE,
	SK_TX_LOWERCASE,
	SK_TX_CMD_LINE,
	SK_TX_URL_DECODE,
	SK_TX_URL_DECODE_UNI,
	SK_TX_BASE64_DECODE,
	SK_TX_BASE64_DECODE_EXT,
	SK_TX_HEX_DECODE,
	SK_TX_MD5,
	SK_TX_REPLACE_COMMENTS,
	SK_TX_ESCAPE_SEQ_DECODE,
	SK_TX_SQL_HEX_DECODE,
	SK_TX_CSS_DECODE,
	SK_TX_JS_DECODE,
	SK_TX_NORMALIZE_PATH,
	SK_TX_NORMALIZE_PATH_WIN,
	SK_TX_REMOVE_NULLS,
	SK_TX_REPLACE_NULLS,
	SK_TX_UTF8_TO_UNICODE,
	SK_TX__COUNT
} sk_transform;

#define SK_TX_MAX_CHAIN 10

/* AWS name ("URL_DECODE") to enum; -1 when unknown. */
int sk_transform_from_name(const char *name);
const char *sk_transform_name(sk_transform t);

/* Whether URL_DECODE and URL_DECODE_UNI give in the same output. They part
 * only at a %uXXXX escape, so true when no '%' in it is followed by 'u' or
 * 'U' (false can still mean the same output: "%uZZ" is no escape). Either
 * may hand in back unchanged while the other decodes it ("%u0041"). */
bool sk_url_decode_uni_same(sk_str in);

/* Applies t to in. SK_E_NOMEM when the arena is exhausted. */
SK_MUST_CHECK sk_status sk_transform_apply(sk_transform t, sk_str in, sk_arena *a, sk_str *out);

#endif
