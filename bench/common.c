#include "common.h"

#include <time.h>

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int bench_to_http(const sk_request *r, sk_buf *out)
{
	sk_status st =
	    sk_buf_printf(out, "%.*s %.*s HTTP/1.1\r\n", (int)r->method.n,
	                  (const char *)r->method.p, (int)r->target.n, (const char *)r->target.p);
	bool host = false;
	for (size_t i = 0; i < r->nheaders && !st; i++) {
		if (sk_str_ieq_cstr(r->headers[i].name, "content-length") ||
		    sk_str_ieq_cstr(r->headers[i].name, "transfer-encoding"))
			continue;
		host |= sk_str_ieq_cstr(r->headers[i].name, "host");
		st = sk_buf_printf(out, "%.*s: %.*s\r\n", (int)r->headers[i].name.n,
		                   (const char *)r->headers[i].name.p, (int)r->headers[i].value.n,
		                   (const char *)r->headers[i].value.p);
	}
	if (!st && !host)
		st = sk_buf_puts(out, "Host: app.example.com\r\n");
	if (!st && r->body.n)
		st = sk_buf_printf(out, "Content-Length: %zu\r\n", r->body.n);
	if (!st)
		st = sk_buf_puts(out, "\r\n");
	if (!st)
		st = sk_buf_append(out, r->body.p, r->body.n);
	return st ? -1 : 0;
}
