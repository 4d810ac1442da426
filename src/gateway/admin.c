/* The admin listener (loopback by default): /healthz, /metrics in the
 * Prometheus text format, and POST /reload for "sekisho reload". */
#include <string.h>

#include "gateway/internal.h"
#include "gateway/mini.h"

static gw_mini admin;

static void handle(void *ctx, sk_request *req, sk_buf *out)
{
	gw_server *s = ctx;
	bool get = sk_str_eq(req->method, SK_STR_LIT("GET"));
	if (get && sk_str_eq(req->path, SK_STR_LIT("/healthz"))) {
		bool stopping = atomic_load(&s->stopping);
		gw_mini_reply(out, stopping ? 503 : 200, "text/plain",
		              stopping ? "stopping\n" : "ok\n", stopping ? 9 : 3);
	} else if (get && sk_str_eq(req->path, SK_STR_LIT("/metrics"))) {
		sk_buf m;
		sk_buf_init(&m, (size_t)32 << 20);
		uint64_t written = s->events ? sk_events_written(s->events) : 0;
		uint64_t dropped = atomic_load(&s->metrics.events_dropped) +
		                   (s->events ? sk_events_dropped(s->events) : 0);
		if (gw_metrics_render(&s->metrics, atomic_load(&s->conns), &m) == SK_OK &&
		    sk_buf_printf(
		        &m,
		        "# HELP sekisho_events_written_total Events written to the store.\n"
		        "# TYPE sekisho_events_written_total counter\n"
		        "sekisho_events_written_total %llu\n"
		        "# HELP sekisho_events_dropped_total Events lost: queue full, no "
		        "store, or a failed write.\n"
		        "# TYPE sekisho_events_dropped_total counter\n"
		        "sekisho_events_dropped_total %llu\n",
		        (unsigned long long)written, (unsigned long long)dropped) == SK_OK)
			gw_mini_reply(out, 200, "text/plain; version=0.0.4", (const char *)m.p,
			              m.n);
		sk_buf_free(&m);
	} else if (sk_str_eq(req->method, SK_STR_LIT("POST")) &&
	           sk_str_eq(req->path, SK_STR_LIT("/reload"))) {
		uv_async_send(&s->reload_async);
		gw_mini_reply(out, 202, "text/plain", "reload requested\n", 17);
	} else {
		static const char msg[] = "not found: try /healthz, /metrics or POST /reload\n";
		gw_mini_reply(out, 404, "text/plain", msg, sizeof msg - 1);
	}
}

sk_status gw_admin_start(gw_server *s, const sk_gw_addr *a, sk_error *err)
{
	sk_gw_addr copy = *a;
	sk_status st = gw_mini_start(&admin, &copy, handle, s, err);
	if (st)
		sk_error_prefix(err, "admin listener");
	return st;
}

void gw_admin_stop(void)
{
	gw_mini_stop(&admin);
}
