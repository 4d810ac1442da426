/* A very small HTTP/1.1 server on its own thread and loop, for the admin
 * endpoints and the demo app: whole requests (bounded), one handler that
 * writes the whole response. Not for the proxy path. */
#ifndef SK_GATEWAY_MINI_H
#define SK_GATEWAY_MINI_H

#include <pthread.h>
#include <uv.h>

#include "base/buf.h"
#include "gateway/config.h"
#include "http/request.h"

/* Writes a complete response (status line to body) into out. */
typedef void (*gw_mini_handler)(void *ctx, sk_request *req, sk_buf *out);

typedef struct gw_mini {
	uv_loop_t loop;
	uv_tcp_t listener;
	uv_async_t stop;
	pthread_t thread;
	gw_mini_handler handler;
	void *ctx;
	bool running;
} gw_mini;

/* Listens on a (port 0: any free port, written back into a). */
SK_MUST_CHECK sk_status gw_mini_start(gw_mini *m, sk_gw_addr *a, gw_mini_handler h, void *ctx,
                                      sk_error *err);
void gw_mini_stop(gw_mini *m);

/* Appends a response with a Content-Length. */
void gw_mini_reply(sk_buf *out, int status, const char *ctype, const char *body, size_t n);

#endif
