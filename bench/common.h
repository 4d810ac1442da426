/* Shared by the engine benchmarks, so both feed identical requests and
 * measure the same way. */
#ifndef SK_BENCH_COMMON_H
#define SK_BENCH_COMMON_H

#include "base/buf.h"
#include "http/request.h"

double bench_now(void);                          /* monotonic seconds */
int bench_cmp_u64(const void *a, const void *b); /* for qsort of latencies */
/* The request as a raw HTTP/1.1 message: its headers less any framing, a
 * Host when it has none, Content-Length for the body. 0, or -1 on error. */
int bench_to_http(const sk_request *r, sk_buf *out);

#endif
