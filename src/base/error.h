/* One status enum for the library, a strerror, and a separate human detail
 * (file, line or JSON path, and what was expected). Library code fills the
 * detail and returns the status; only src/cli prints. */
#ifndef SK_BASE_ERROR_H
#define SK_BASE_ERROR_H

#include <stddef.h>

typedef enum sk_status {
	SK_OK = 0,
	SK_AGAIN,         /* need more bytes (incremental parsers) */
	SK_E_NOMEM,       /* allocation failed or an arena cap was reached */
	SK_E_INVALID,     /* input does not follow its format */
	SK_E_IO,          /* a file or socket operation failed */
	SK_E_LIMIT,       /* input is larger than a configured limit */
	SK_E_UNSUPPORTED, /* well-formed but not something we implement */
	SK_E_INTERNAL,    /* a bug: an invariant did not hold */
} sk_status;

#define SK_ERROR_MSG_MAX 1024

typedef struct sk_error {
	sk_status status;
	char msg[SK_ERROR_MSG_MAX];
} sk_error;

#if defined(__GNUC__)
#define SK_MUST_CHECK __attribute__((warn_unused_result))
#define SK_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SK_MUST_CHECK
#define SK_PRINTF(a, b)
#endif

const char *sk_strerror(sk_status s);

/* Fills err (which may be NULL) and returns status, so callers can write
 * `return sk_fail(err, SK_E_INVALID, "%s: expected ...", path);`. */
sk_status sk_fail(sk_error *err, sk_status status, const char *fmt, ...) SK_PRINTF(3, 4);

/* Puts "prefix: " in front of an existing message. */
void sk_error_prefix(sk_error *err, const char *fmt, ...) SK_PRINTF(2, 3);

#ifdef NDEBUG
#define SK_ASSERT(x) ((void)0)
#else
#include <assert.h>
#define SK_ASSERT(x) assert(x)
#endif

#endif
