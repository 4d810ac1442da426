/* The demo app behind "sekisho serve --demo": a page and an echo, so a
 * newcomer sees the gateway pass and block requests without an app of
 * their own. */
#include <stdio.h>
#include <string.h>

#include "gateway/internal.h"
#include "gateway/mini.h"

static gw_mini demo;

static const char page[] =
    "<!doctype html><title>sekisho demo app</title>\n"
    "<h1>Hello from the demo app</h1>\n"
    "<p>This page came through sekisho, the web application firewall in front of it.</p>\n"
    "<p>Try <a href=\"/search?q=red+shoes\">a search</a>, or an attack such as "
    "<code>/search?q=1' OR '1'='1</code>: the firewall answers 403 and says why in its "
    "log.</p>\n";

static void handle(void *ctx, sk_request *req, sk_buf *out)
{
	(void)ctx;
	if (sk_str_eq(req->path, SK_STR_LIT("/"))) {
		gw_mini_reply(out, 200, "text/html; charset=utf-8", page, sizeof page - 1);
		return;
	}
	/* Everything else: what the app received, as JSON. */
	char path[301];
	size_t pn = 0;
	for (size_t i = 0; i < req->path.n && pn < sizeof path - 1; i++) {
		uint8_t ch = req->path.p[i];
		path[pn++] = ch == '"' || ch == '\\' ? '_' : (char)ch; /* stays valid JSON */
	}
	path[pn] = 0;
	char body[512];
	int n = snprintf(body, sizeof body,
	                 "{\"app\":\"sekisho demo\",\"method\":\"%.*s\",\"path\":\"%s\","
	                 "\"body_bytes\":%zu}\n",
	                 (int)(req->method.n > 32 ? 32 : req->method.n),
	                 (const char *)req->method.p, path, req->body.n);
	gw_mini_reply(out, 200, "application/json", body, (size_t)n);
}

sk_status gw_demo_start(sk_gw_addr *out, sk_error *err)
{
	sk_status st = sk_gw_addr_parse("127.0.0.1:1", out, err);
	if (st)
		return st;
	((struct sockaddr_in *)&out->sa)->sin_port = 0;
	st = gw_mini_start(&demo, out, handle, NULL, err);
	if (st)
		sk_error_prefix(err, "demo app");
	return st;
}
