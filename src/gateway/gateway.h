/* sekisho serve: the reverse proxy that puts the WAF in front of an app.
 *
 * N worker threads, each with its own libuv loop and SO_REUSEPORT
 * listener, share one immutable compiled web ACL (a "generation": config +
 * program). A reload builds a new generation on the main thread and
 * publishes it; each worker picks it up between requests, and the old one
 * is freed when its last user lets go. Nothing here knows rule semantics
 * beyond "evaluate this request, get a verdict". */
#ifndef SK_GATEWAY_GATEWAY_H
#define SK_GATEWAY_GATEWAY_H

#include "base/error.h"
#include "gateway/config.h"
#include "waf/engine.h"

/* What the command line supplies: building a config (file + flags, again
 * at each reload), compiling the ACL it names, and printing notices. */
typedef struct sk_gw_hooks {
	void *ctx;
	sk_status (*load_config)(void *ctx, sk_gw_config *out, sk_error *err);
	sk_status (*compile)(void *ctx, const sk_gw_config *cfg, sk_program **out, sk_error *err);
	void (*notice)(void *ctx, const char *msg);
} sk_gw_hooks;

/* Runs until SIGTERM or SIGINT (then drains), reloading on SIGHUP or an
 * admin POST /reload. Returns SK_OK after a clean stop, or the start-up
 * error (nothing listening) with err filled. */
SK_MUST_CHECK sk_status sk_gateway_run(const sk_gw_hooks *hooks, sk_error *err);

#endif
