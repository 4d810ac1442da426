/* Client connections: read a request, inspect it, then answer it or hand
 * it to an upstream, and relay the response.
 *
 * One request at a time per connection; bytes of pipelined requests wait
 * in the input buffer (bounded) until the response before them is done.
 * The head is inspected once the body is buffered (up to body_buffer
 * bytes); a longer body streams to the upstream after inspection, the
 * engine having seen its first body_buffer bytes and therefore that it is
 * oversize. Everything the upstream receives is re-serialized from what
 * was parsed: one framing, no hop-by-hop headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "gateway/encoding.h"
#include "gateway/internal.h"
#include "gateway/tls.h"
#include "waf/ipaddr.h"
#include "waf/report.h"

static void process(gw_conn *c);
static void finish_request(gw_conn *c);
static bool inspect_head(gw_conn *c);
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf);
static void tls_flush(gw_conn *c);
static void cork_flush(gw_conn *c);
static void flow_control(gw_conn *c);

static const sk_gw_config *cfg(const gw_conn *c)
{
	return &c->gen->cfg;
}

/* The idle timeout of the worker's configuration (a tunnel holds no
 * request generation). */
static uint64_t cfg_idle(const gw_conn *c)
{
	return c->w->gen->cfg.idle_timeout;
}

/* ---- lifetime ---- */

static void on_handle_closed(uv_handle_t *h)
{
	gw_conn *c = h->data;
	if (--c->handles > 0)
		return;
	sk_buf_free(&c->in);
	sk_buf_free(&c->body);
	sk_buf_free(&c->cork);
	gw_tls_free(c->tls);
	free(c);
}

static void release_request(gw_conn *c)
{
	gw_server *s = c->w->srv;
	if (c->budget) {
		atomic_fetch_sub(&s->buffered, c->budget);
		c->budget = 0;
	}
	sk_buf_free(&c->body);
	if (c->arena) {
		gw_worker *w = c->w;
		if (w->nspare < GW_SPARE_ARENAS) {
			sk_arena_reset(c->arena);
			w->spare[w->nspare++] = c->arena;
		} else {
			sk_arena_destroy(c->arena);
		}
		c->arena = NULL;
	}
	if (c->gen) {
		gw_gen_release(c->gen);
		c->gen = NULL;
	}
	c->chunk = NULL;
	c->has_request = false;
}

void gw_conn_close(gw_conn *c)
{
	if (c->state == C_CLOSED)
		return;
	c->state = C_CLOSED;
	if (c->up) {
		gw_upstream *u = c->up;
		c->up = NULL;
		u->client = NULL;
		gw_upstream_close(u);
	}
	release_request(c);
	gw_worker *w = c->w;
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	w->nconns--;
	atomic_fetch_sub(&w->srv->conns, 1);
	uv_close((uv_handle_t *)&c->timer, on_handle_closed);
	uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
}

/* How long a closing connection goes on reading what the client still
 * sends (the rest of a refused body) before it closes: closing with
 * unread bytes makes the kernel send a reset, which can destroy the answer
 * before the client reads it. */
#define LINGER_MS 2000

static void on_linger_timeout(uv_timer_t *t)
{
	gw_conn_close(t->data);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	gw_conn *c = req->data;
	free(req);
	if (status < 0 || c->eof || c->state == C_CLOSED) {
		gw_conn_close(c);
		return;
	}
	c->lingering = true;
	uv_timer_start(&c->timer, on_linger_timeout, LINGER_MS, 0);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
		gw_conn_close(c);
	c->reading = true;
}

/* Closes once what was written has gone out. */
static void close_after_writes(gw_conn *c)
{
	if (c->closing || c->state == C_CLOSED)
		return;
	c->corked = 0;
	cork_flush(c);
	c->closing = true;
	if (c->tls) {
		gw_tls_shutdown(c->tls);
		tls_flush(c);
		if (c->state == C_CLOSED)
			return;
	}
	uv_read_stop((uv_stream_t *)&c->tcp);
	c->reading = false;
	/* A client that never reads its answer must not hold the connection
	 * open: what is left has the idle timeout to go out. */
	uv_timer_start(&c->timer, on_linger_timeout, cfg_idle(c), 0);
	uv_shutdown_t *req = malloc(sizeof *req);
	if (!req || uv_shutdown(req, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
		free(req);
		gw_conn_close(c);
		return;
	}
	req->data = c;
}

/* ---- timers ---- */

static void on_timeout(uv_timer_t *t);

/* The client's timeout is ms from now (a deadline: deadline.c). */
static void arm(gw_conn *c, uint64_t ms)
{
	if (c->closing)
		return; /* the linger timer runs */
	gw_deadline_set(&c->timeout, &c->timer, on_timeout, ms);
}

/* No timeout for now (the timer may still fire once, for nothing). */
static void disarm(gw_conn *c)
{
	gw_deadline_clear(&c->timeout);
}

/* While a body comes in: no read may be more than timeouts.body after the
 * last, and the whole body must keep up a minimum average rate (the
 * deadline starts at timeouts.body and each byte adds 1/body_min_rate
 * seconds), so a client trickling a few bytes now and then (a slow POST)
 * is cut too. Past the deadline the timer fires at once. */
static void arm_body(gw_conn *c)
{
	const sk_gw_config *g = &c->gen->cfg;
	uint64_t wait = g->body_timeout;
	if (g->body_min_rate) {
		uint64_t now = uv_now(&c->w->loop);
		uint64_t got = c->body_bytes;
		uint64_t deadline =
		    c->body_start + g->body_timeout +
		    (got > UINT64_MAX / 1000 ? UINT64_MAX / 2 : got * 1000 / g->body_min_rate);
		uint64_t left = deadline > now ? deadline - now : 0;
		if (left < wait)
			wait = left;
	}
	arm(c, wait);
}

/* ---- output ---- */

static void on_client_write(uv_write_t *req, int status)
{
	gw_conn *c = req->data;
	if (status < 0 || c->state == C_CLOSED)
		return;
	if (gw_conn_write_busy(c))
		return;
	if (c->up)
		gw_upstream_pause(c->up, false);
	flow_control(c);
}

/* Ciphertext waiting in the TLS session goes to the socket. */
static void tls_flush(gw_conn *c)
{
	uint8_t buf[16384];
	size_t k;
	while (c->state != C_CLOSED && (k = gw_tls_take(c->tls, buf, sizeof buf)) > 0)
		if (gw_write((uv_stream_t *)&c->tcp, buf, k, on_client_write) != 0)
			gw_conn_close(c);
}

static void write_now(gw_conn *c, const void *p, size_t n);

/* While corked, output gathers in c->cork and goes out in one write when
 * the last uncork comes: a response head and the first body bytes, or the
 * answers to pipelined requests, then cost one system call, not several. */
void gw_conn_cork(gw_conn *c)
{
	c->corked++;
}

static void cork_flush(gw_conn *c)
{
	if (c->cork.n && c->state != C_CLOSED) {
		size_t n = c->cork.n;
		c->cork.n = 0;
		write_now(c, c->cork.p, n);
	}
	sk_buf_free(&c->cork); /* idle connections hold no buffer */
}

void gw_conn_uncork(gw_conn *c)
{
	if (c->corked && --c->corked == 0)
		cork_flush(c);
}

static void send_bytes(gw_conn *c, const void *p, size_t n)
{
	if (c->state == C_CLOSED || n == 0)
		return;
	if (c->corked) {
		if (c->cork.max == 0)
			sk_buf_init(&c->cork, (size_t)1 << 20);
		if (c->cork.n + n <= c->cork.max && sk_buf_append(&c->cork, p, n) == SK_OK)
			return;
		cork_flush(c); /* full: out with it, then this */
	}
	write_now(c, p, n);
}

static void write_now(gw_conn *c, const void *p, size_t n)
{
	if (c->state == C_CLOSED || n == 0)
		return;
	if (c->tls) {
		if (gw_tls_write(c->tls, p, n) != 0)
			gw_conn_close(c);
		else
			tls_flush(c);
		return;
	}
	if (gw_write((uv_stream_t *)&c->tcp, p, n, on_client_write) != 0)
		gw_conn_close(c);
}

bool gw_conn_write_busy(const gw_conn *c)
{
	return uv_stream_get_write_queue_size((const uv_stream_t *)&c->tcp) > GW_WRITE_HIGH;
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 417: return "Expectation Failed";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return status < 400 ? "OK" : status < 500 ? "Client Error" : "Server Error";
	}
}

/* A response of the gateway's own. close: the connection ends after it
 * (the rest of the request may not have been read). */
static void respond(gw_conn *c, int status, const char *ctype, const char *body, size_t blen,
                    const sk_kv *hdrs, size_t nhdrs, bool close)
{
	sk_buf b;
	sk_buf_init(&b, (size_t)1 << 20);
	bool ok = !sk_buf_printf(&b, "HTTP/1.1 %d %s\r\nServer: sekisho\r\n", status,
	                         reason_phrase(status));
	if (c->request_id[0])
		ok = ok && !sk_buf_printf(&b, "%s: %s\r\n",
		                          c->gen ? cfg(c)->request_id_header : "X-Request-Id",
		                          c->request_id);
	for (size_t i = 0; i < nhdrs && ok; i++)
		ok = !sk_buf_printf(&b, "%s: %s\r\n", hdrs[i].name, hdrs[i].value);
	ok = ok && !sk_buf_printf(&b, "Content-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", ctype,
	                          c->head_request ? 0 : blen, close ? "Connection: close\r\n" : "");
	if (ok && !c->head_request)
		ok = !sk_buf_append(&b, body, blen);
	if (ok)
		send_bytes(c, b.p, b.n);
	sk_buf_free(&b);
	c->status = status;
	c->response_started = true;
	if (close || !ok)
		c->keep_alive = false;
}

static void respond_error(gw_conn *c, int status, const char *why)
{
	char body[1200];
	int n = snprintf(body, sizeof body, "%d %s: %s\n", status, reason_phrase(status), why);
	if (n < 0 || (size_t)n >= sizeof body)
		n = (int)strlen(body);
	respond(c, status, "text/plain; charset=utf-8", body, (size_t)n, NULL, 0, true);
}

/* ---- the request ---- */

static uint64_t now_ms_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* 128 random-looking bits in hex. Request ids need to be unique and hard
 * to guess, not secret: a per-worker xorshift128+ seeded from getrandom
 * once saves a system call per request. */
static void new_request_id(gw_worker *w, char out[40])
{
	static const char hex[] = "0123456789abcdef";
	if (!w->id_seeded) {
		if (getrandom(w->id_state, sizeof w->id_state, 0) != (ssize_t)sizeof w->id_state) {
			w->id_state[0] = uv_hrtime() ^ (uint64_t)(uintptr_t)w;
			w->id_state[1] = w->id_state[0] * 0x9e3779b97f4a7c15u + 1;
		}
		w->id_seeded = true;
	}
	for (int half = 0; half < 2; half++) {
		uint64_t s1 = w->id_state[0], s0 = w->id_state[1];
		w->id_state[0] = s0;
		s1 ^= s1 << 23;
		w->id_state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
		uint64_t x = w->id_state[1] + s0;
		for (int i = 0; i < 16; i++)
			out[half * 16 + i] = hex[(x >> (60 - 4 * i)) & 15];
	}
	out[32] = 0;
}

/* The slices of a parsed head point into the input buffer, which may move
 * as more bytes arrive: the head is copied into the request's arena and
 * every slice moved with it. */
static void rebase(sk_str *s, const uint8_t *from, size_t n, const uint8_t *to)
{
	if (s->p >= from && s->p <= from + n)
		s->p = to + (s->p - from);
}

static bool keep_head(gw_conn *c, const uint8_t *head, size_t n)
{
	uint8_t *copy = sk_arena_dup(c->arena, head, n);
	if (!copy)
		return false;
	sk_request *r = &c->req;
	rebase(&r->method, head, n, copy);
	rebase(&r->target, head, n, copy);
	rebase(&r->path, head, n, copy);
	rebase(&r->query, head, n, copy);
	rebase(&r->fragment, head, n, copy);
	rebase(&r->version, head, n, copy);
	for (size_t i = 0; i < r->nheaders; i++) {
		rebase(&r->headers[i].name, head, n, copy);
		rebase(&r->headers[i].value, head, n, copy);
	}
	r->body = SK_STR_NULL;
	return true;
}

static bool upgrade_websocket(const sk_request *r)
{
	bool found;
	return sk_http_has_token(sk_request_header(r, "upgrade", &found), "websocket");
}

/* An absolute-form target ("http://host/path") and Host must name the same
 * host: the upstream goes by the target, rules by Host (RFC 9112 3.2.2). */
static bool authority_is_host(const sk_request *r)
{
	sk_str t = r->target;
	size_t i = 0;
	while (i + 2 < t.n && !(t.p[i] == ':' && t.p[i + 1] == '/' && t.p[i + 2] == '/'))
		i++;
	if (i + 2 >= t.n)
		return false;
	i += 3;
	size_t j = i;
	while (j < t.n && t.p[j] != '/' && t.p[j] != '?' && t.p[j] != '#')
		j++;
	bool found;
	sk_str host = sk_request_header(r, "host", &found);
	return found && sk_str_ieq(sk_str_make(t.p + i, j - i), host);
}

static bool trusted(const sk_gw_config *g, sk_str ip)
{
	uint8_t a[16];
	return g->ntrusted && sk_ip_parse(ip, a) &&
	       sk_ip_ranges_contain(g->trusted, g->ntrusted, a);
}

/* The client: the peer, or behind trusted proxies the right-most address
 * of X-Forwarded-For that is not one of them. */
static void client_address(gw_conn *c)
{
	const sk_gw_config *g = cfg(c);
	sk_cstr_copy(c->client_ip, sizeof c->client_ip, c->peer, strlen(c->peer));
	if (!trusted(g, sk_str_cstr(c->peer)))
		return;
	for (size_t h = c->req.nheaders; h-- > 0;) {
		if (!sk_str_ieq_cstr(c->req.headers[h].name, "x-forwarded-for"))
			continue;
		sk_str v = c->req.headers[h].value;
		size_t end = v.n;
		while (end > 0) {
			size_t start = end;
			while (start > 0 && v.p[start - 1] != ',')
				start--;
			sk_str a = sk_str_trim(sk_str_make(v.p + start, end - start));
			uint8_t ip[16];
			if (!sk_ip_parse(a, ip))
				return; /* garbage: the last trusted hop is the client */
			sk_cstr_copy(c->client_ip, sizeof c->client_ip, a.p, a.n);
			if (!sk_ip_ranges_contain(g->trusted, g->ntrusted, ip))
				return;
			end = start ? start - 1 : 0;
		}
	}
}

/* Makes the request's share of the buffer budget at least need bytes,
 * taken in 64 KiB steps as the body arrives, so a slow or idle client holds
 * only what it sent. */
static bool ensure_budget(gw_conn *c, size_t need)
{
	if (need <= c->budget)
		return true;
	gw_server *s = c->w->srv;
	size_t step = (size_t)64 << 10;
	size_t want = (need + step - 1) / step * step - c->budget;
	size_t cap = cfg(c)->buffer_budget;
	size_t cur = atomic_load(&s->buffered);
	do {
		if (cur + want > cap)
			return false;
	} while (!atomic_compare_exchange_weak(&s->buffered, &cur, cur + want));
	c->budget += want;
	return true;
}

static void busy(gw_conn *c)
{
	atomic_fetch_add(&c->w->srv->metrics.busy, 1);
	respond_error(c, 503, "no buffer space for the body right now; try again");
	close_after_writes(c);
}

/* False when there is no memory for the request's arena. */
static bool start_request(gw_conn *c)
{
	gw_worker *w = c->w;
	c->arena = w->nspare ? w->spare[--w->nspare] : sk_arena_create(GW_REQUEST_ARENA, 0);
	if (!c->arena)
		return false;
	gw_worker_refresh(w);
	c->gen = w->gen;
	atomic_fetch_add(&c->gen->refs, 1);
	sk_request_init(&c->req, c->arena);
	c->has_request = true;
	c->t_start = uv_hrtime();
	c->keep_alive = false;
	c->head_request = c->upgrade = c->expect_continue = false;
	c->coding = GW_CODING_NONE;
	c->body_done = c->streaming = c->send_chunked = false;
	c->response_started = c->resp_chunked = false;
	c->body_left = 0;
	c->status = 0;
	c->up_bytes = 0;
	c->request_id[0] = 0;
	sk_buf_init(&c->body, cfg(c)->body_buffer);
	arm(c, cfg(c)->header_timeout);
	return true;
}

/* After the head: decide framing, limits and the client; returns false
 * when the request was answered here. */
static bool accept_head(gw_conn *c)
{
	const sk_gw_config *g = cfg(c);
	sk_request *r = &c->req;
	new_request_id(c->w, c->request_id);
	client_address(c);
	sk_cstr_copy(r->client_ip, sizeof r->client_ip, c->client_ip, strlen(c->client_ip));
	c->head_request = sk_str_eq(r->method, SK_STR_LIT("HEAD"));
	bool conn_close = false, conn_upgrade = false, has_upgrade = false;
	for (size_t i = 0; i < r->nheaders; i++) {
		sk_str n = r->headers[i].name, v = r->headers[i].value;
		if (n.n == 10 && sk_str_ieq_cstr(n, "connection")) {
			conn_close |= sk_http_has_token(v, "close");
			conn_upgrade |= sk_http_has_token(v, "upgrade");
		} else if (n.n == 7 && sk_str_ieq_cstr(n, "upgrade")) {
			has_upgrade = true;
		} else if (n.n == 16 && sk_str_ieq_cstr(n, "content-encoding")) {
			/* One coding we can read, or (configured) pass unread. */
			c->coding =
			    c->coding == GW_CODING_NONE ? (int)gw_coding_parse(v) : GW_CODING_OTHER;
		} else if (n.n == 6 && sk_str_ieq_cstr(n, "expect")) {
			if (!sk_str_ieq_cstr(v, "100-continue")) {
				respond_error(c, 417,
				              "only \"Expect: 100-continue\" is understood");
				return false;
			}
			c->expect_continue = r->http_minor == 1;
		}
	}
	if (c->coding == GW_CODING_OTHER && !g->pass_unknown_encodings &&
	    c->hi.framing != SK_HTTP_FRAMING_NONE) {
		respond_error(
		    c, 415,
		    "the body's Content-Encoding cannot be inspected (gzip and deflate can)");
		return false;
	}
	if (sk_str_eq(r->method, SK_STR_LIT("CONNECT"))) {
		respond_error(c, 405, "CONNECT: this is a reverse proxy, not a tunnel");
		return false;
	}
	if (r->target.n && r->target.p[0] != '/' && r->target.p[0] != '*' &&
	    !authority_is_host(r)) {
		respond_error(c, 400, "the absolute-form target names another host than Host");
		return false;
	}
	c->keep_alive = r->http_minor == 1 && !conn_close;
	/* Only WebSocket is tunnelled; any other Upgrade (h2c...) is dropped
	 * with the hop-by-hop headers, so nothing the engine cannot read gets
	 * a tunnel past it. */
	c->upgrade = conn_upgrade && has_upgrade && r->http_minor == 1 && upgrade_websocket(r);
	if (c->upgrade && c->hi.framing != SK_HTTP_FRAMING_NONE) {
		respond_error(c, 400, "an upgrade request with a body");
		return false;
	}
	uint64_t max_body = g->max_body ? g->max_body : UINT64_MAX;
	switch (c->hi.framing) {
	case SK_HTTP_FRAMING_NONE: c->body_done = true; break;
	case SK_HTTP_FRAMING_LENGTH:
		if (c->hi.content_length > max_body) {
			respond_error(c, 413, "the body is larger than limits.max_body");
			return false;
		}
		c->body_left = c->hi.content_length;
		c->body_done = c->body_left == 0;
		break;
	case SK_HTTP_FRAMING_CHUNKED:
		c->chunk = sk_arena_alloc(c->arena, sizeof *c->chunk);
		if (!c->chunk) {
			respond_error(c, 503, "out of memory");
			return false;
		}
		sk_chunked_init(c->chunk, max_body);
		break;
	}
	/* The buffer budget is taken as the body arrives (body_step). */
	c->body_start = uv_now(&c->w->loop);
	c->body_bytes = 0;
	arm_body(c);
	return true;
}

/* Whether p[0..n) holds an empty line after a line end, searching from
 * a little before `from` (what was searched already). */
static bool head_may_end(const uint8_t *p, size_t n, size_t from)
{
	size_t i = from > 3 ? from - 3 : 0;
	while (i < n) {
		const uint8_t *lf = memchr(p + i, '\n', n - i);
		if (!lf)
			return false;
		i = (size_t)(lf - p) + 1;
		if (i < n && (p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')))
			return true;
	}
	return false;
}

static void head_step(gw_conn *c)
{
	const uint8_t *p = c->in.p + c->in_off;
	size_t n = c->in.n - c->in_off;
	if (!c->has_request && !start_request(c)) {
		gw_conn_close(c); /* out of memory: nothing can be answered */
		return;
	}
	const sk_gw_config *g = cfg(c);
	/* Parse once an empty line has come (the head may be complete), or the
	 * bytes pass the limits (for the error): a head trickling in a byte at
	 * a time is then searched once, not parsed again and again. */
	if (!head_may_end(p, n, c->head_seen) &&
	    n <= g->max_request_line + g->max_header_bytes + 4) {
		c->head_seen = n;
		return;
	}
	c->head_seen = n;
	sk_http_limits lim = {.max_request_line = g->max_request_line,
	                      .max_header_bytes = g->max_header_bytes,
	                      .max_headers = g->max_headers,
	                      .max_body = g->max_body ? g->max_body : UINT64_MAX};
	sk_error err = {0};
	sk_status st = sk_http_parse_head(p, n, 0, &lim, &c->req, &c->hi, &err);
	if (st == SK_AGAIN)
		return;
	if (st != SK_OK) {
		atomic_fetch_add(&c->w->srv->metrics.bad_requests, 1);
		int code = st == SK_E_LIMIT         ? (strstr(err.msg, "request line") ? 414 : 431)
		           : st == SK_E_UNSUPPORTED ? 501
		                                    : 400;
		if (st == SK_E_LIMIT && strstr(err.msg, "Content-Length"))
			code = 413;
		respond_error(c, code, err.msg);
		close_after_writes(c);
		return;
	}
	if (!keep_head(c, p, c->hi.head_len)) {
		respond_error(c, 503, "out of memory");
		close_after_writes(c);
		return;
	}
	c->in_off += c->hi.head_len;
	if (!accept_head(c)) {
		close_after_writes(c);
		return;
	}
	if (!c->body_done && !c->upgrade && inspect_head(c))
		return; /* blocked on its head alone */
	if (c->expect_continue && !c->body_done && c->in_off == c->in.n) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
		send_bytes(c, cont, sizeof cont - 1);
	}
	c->state = C_BODY;
}

static void inspect_and_go(gw_conn *c);

static void body_step(gw_conn *c)
{
	const sk_gw_config *g = cfg(c);
	while (!c->body_done && c->in_off < c->in.n && c->body.n < g->body_buffer) {
		const uint8_t *p = c->in.p + c->in_off;
		size_t avail = c->in.n - c->in_off, room = g->body_buffer - c->body.n;
		if (!ensure_budget(c, c->body.n + (avail < room ? avail : room))) {
			busy(c);
			return;
		}
		if (c->hi.framing == SK_HTTP_FRAMING_LENGTH) {
			size_t take = avail < room ? avail : room;
			if (take > c->body_left)
				take = (size_t)c->body_left;
			if (sk_buf_append(&c->body, p, take))
				goto nomem;
			c->body_bytes += take;
			c->in_off += take;
			c->body_left -= take;
			c->body_done = c->body_left == 0;
			continue;
		}
		/* Decoded data never exceeds its input, so feeding at most room
		 * bytes keeps the buffer within its cap. */
		size_t used;
		sk_str data;
		sk_error err = {0};
		if (sk_chunked_feed(c->chunk, p, avail < room ? avail : room, &used, &data, &err)) {
			atomic_fetch_add(&c->w->srv->metrics.bad_requests, 1);
			respond_error(c, err.status == SK_E_LIMIT ? 413 : 400, err.msg);
			close_after_writes(c);
			return;
		}
		if (data.n && sk_buf_append(&c->body, data.p, data.n))
			goto nomem;
		c->body_bytes += used;
		c->in_off += used;
		c->body_done = sk_chunked_done(c->chunk);
	}
	if (c->body_done || c->body.n >= g->body_buffer) {
		c->streaming = !c->body_done;
		inspect_and_go(c);
	} else {
		arm_body(c);
	}
	return;
nomem:
	respond_error(c, 503, "out of memory for the body");
	close_after_writes(c);
}

/* ---- verdict ---- */

static void count_verdict(gw_conn *c, const sk_verdict *v)
{
	gw_metrics *m = &c->w->srv->metrics;
	switch (v->action) {
	case SK_ACT_BLOCK: atomic_fetch_add_explicit(&m->blocked, 1, memory_order_relaxed); break;
	case SK_ACT_CAPTCHA: atomic_fetch_add_explicit(&m->captcha, 1, memory_order_relaxed); break;
	case SK_ACT_CHALLENGE:
		atomic_fetch_add_explicit(&m->challenge, 1, memory_order_relaxed);
		break;
	default: atomic_fetch_add_explicit(&m->allowed, 1, memory_order_relaxed); break;
	}
	bool counted = false;
	char name[600];
	for (size_t i = 0; i < v->nmatches; i++) {
		const sk_rule_match *rm = &v->matches[i];
		if (!rm->terminating && rm->action != SK_ACT_COUNT)
			continue;
		counted |= rm->action == SK_ACT_COUNT;
		snprintf(name, sizeof name, "%s%s%s", rm->rule->name, rm->group_rule ? "/" : "",
		         rm->group_rule ? rm->group_rule->name : "");
		gw_metrics_rule(m, name, sk_action_name(rm->action));
	}
	if (counted)
		atomic_fetch_add_explicit(&m->counted, 1, memory_order_relaxed);
	if (v->action != SK_ACT_ALLOW || counted)
		for (size_t i = 0; i < v->nlabels; i++)
			gw_metrics_label(m, v->labels[i]);
}

static bool has_count(const sk_verdict *v)
{
	for (size_t i = 0; i < v->nmatches; i++)
		if (v->matches[i].action == SK_ACT_COUNT)
			return true;
	return false;
}

/* The log record, and the event for the store, of a request that was
 * blocked or counted (or is logged or sampled anyway). */
static void log_verdict(gw_conn *c, const sk_verdict *v, int64_t t)
{
	const sk_gw_config *g = cfg(c);
	bool counted = has_count(v);
	bool interesting = v->action != SK_ACT_ALLOW || counted;
	bool to_log = c->w->srv->log_fd >= 0 && (interesting || g->log_all);
	bool to_store =
	    g->events_on &&
	    (interesting || (g->events_sample > 0 && gw_random01(c->w) < g->events_sample));
	if (!to_log && !to_store)
		return;
	/* Redaction beyond Authorization and Cookie: values replaced in a
	 * copy of the header list, so the forwarded request is untouched. */
	sk_request shown = c->req;
	sk_header *hs = sk_arena_alloc(c->arena, (c->req.nheaders + 1) * sizeof *hs);
	if (!hs)
		return;
	for (size_t i = 0; i < c->req.nheaders; i++) {
		hs[i] = c->req.headers[i];
		for (size_t k = 0; k < g->nredact; k++)
			if (sk_str_ieq_cstr(hs[i].name, g->redact[k]))
				hs[i].value = SK_STR_LIT("REDACTED");
	}
	shown.headers = hs;
	sk_log_options lo = {.timestamp_ms = t,
	                     .request_id = c->request_id,
	                     .http_source_name = "sekisho",
	                     .redact_auth = false};
	sk_buf rec;
	sk_buf_init(&rec, SK_CAP_LOG_RECORD);
	bool ok = sk_log_record(c->gen->prog, &shown, v, &lo, &rec) == SK_OK;
	if (ok && to_store)
		gw_event_submit(c, v, counted, t, NULL); /* the record is in the log */
	if (ok && to_log && !sk_buf_putc(&rec, '\n'))
		gw_log_record(c->w, &rec);
	sk_buf_free(&rec);
}

/* "BLOCK 403 rule: why" with the request line and who sent it, for people
 * watching the gateway's stderr. Request bytes are shown escaped. */
static void explain(gw_conn *c, const sk_verdict *v)
{
	sk_buf b;
	sk_buf_init(&b, 8192);
	if (sk_explain(v, &b) == SK_OK) {
		char line[300];
		size_t k = 0;
		const sk_str parts[] = {c->req.method, SK_STR_LIT(" "), c->req.target};
		for (size_t i = 0; i < 3; i++)
			for (size_t j = 0; j < parts[i].n && k < sizeof line - 5; j++) {
				uint8_t ch = parts[i].p[j];
				if (ch < 0x20 || ch >= 0x7f)
					k += (size_t)snprintf(line + k, 5, "\\x%02x", ch);
				else
					line[k++] = (char)ch;
			}
		line[k] = 0;
		for (size_t i = 0; i < b.n; i++)
			if (b.p[i] < 0x20 || b.p[i] == 0x7f)
				b.p[i] = '?';
		gw_notice(c->w->srv, "%.*s [%s from %s, request id %s]", (int)b.n,
		          (const char *)b.p, line, c->client_ip, c->request_id);
	}
	sk_buf_free(&b);
}

static void respond_block(gw_conn *c, const sk_verdict *v)
{
	const sk_action *a = v->act;
	/* The rest of the body is unread when blocking a streamed request, so
	 * the connection cannot carry another one. */
	bool close = !c->body_done;
	if (a && a->body) {
		respond(c, v->status, a->body->content_type, a->body->content,
		        strlen(a->body->content), a->response_headers, a->nresponse_headers, close);
		return;
	}
	char body[400];
	int n = snprintf(body, sizeof body,
	                 "<!doctype html><title>%d %s</title><h1>%d %s</h1>"
	                 "<p>This request was blocked by the web application firewall.</p>"
	                 "<p>Request id: %s</p>\n",
	                 v->status, reason_phrase(v->status), v->status, reason_phrase(v->status),
	                 c->request_id);
	respond(c, v->status, "text/html; charset=utf-8", body, (size_t)n,
	        a ? a->response_headers : NULL, a ? a->nresponse_headers : 0, close);
}

static void forward(gw_conn *c, const sk_verdict *v);

/* A request is evaluated by the generation it started under. The worker's
 * scratch fits the worker's generation; a request that began before a
 * reload reached this worker gets a scratch of its own. */
static sk_status run_engine(gw_conn *c, bool head_only, int64_t t, sk_verdict *v, sk_error *err)
{
	gw_worker *w = c->w;
	sk_scratch *own = NULL;
	if (c->gen != w->gen && sk_scratch_create(c->gen->prog, &own))
		return sk_fail(err, SK_E_NOMEM, "no memory for a scratch space");
	sk_scratch *sc = own ? own : w->scratch;
	sk_status st = head_only ? sk_evaluate_head(c->gen->prog, sc, &c->req, t, v, err)
	                         : sk_evaluate(c->gen->prog, sc, &c->req, t, v, err);
	sk_scratch_free(own);
	return st;
}

/* Headers are inspected as soon as they arrive: when the rules decide
 * before any of them reads the body, a request they block is answered now,
 * before its body is read (or, with Expect: 100-continue, sent). Returns
 * true when it was answered. */
static bool inspect_head(gw_conn *c)
{
	int64_t t = (int64_t)now_ms_wall();
	sk_verdict v;
	sk_error err = {0};
	c->req.body = SK_STR_LIT("");
	if (run_engine(c, true, t, &v, &err) != SK_OK || v.action == SK_ACT_ALLOW)
		return false; /* needs the body, or passes: judged whole later */
	count_verdict(c, &v);
	log_verdict(c, &v, t);
	if (cfg(c)->explain)
		explain(c, &v);
	gw_notify(c, &v);
	c->keep_alive = false; /* the body stays unread */
	respond_block(c, &v);
	finish_request(c);
	return true;
}

static void inspect_and_go(gw_conn *c)
{
	gw_worker *w = c->w;
	disarm(c);
	c->req.body = sk_buf_str(&c->body);
	if (!c->req.body.p)
		c->req.body = SK_STR_LIT("");
	int64_t t = (int64_t)now_ms_wall();
	sk_verdict v;
	sk_error err = {0};
	if ((c->coding == GW_CODING_GZIP || c->coding == GW_CODING_DEFLATE) && c->body.n) {
		/* The engine reads the body as the app will, inflated; the
		 * upstream gets it compressed, as sent. */
		if (c->streaming) {
			respond_error(c, 413,
			              "a compressed body larger than inspection.body_buffer");
			finish_request(c);
			return;
		}
		sk_str plain;
		bool truncated;
		/* The inflated text is held too: it counts against the budget. */
		size_t out_cap =
		    gw_inflate_bound(c->req.body.n, cfg(c)->body_buffer, cfg(c)->max_inflate_ratio);
		if (!ensure_budget(c, c->body.n + out_cap)) {
			atomic_fetch_add(&w->srv->metrics.busy, 1);
			respond_error(c, 503, "no buffer space for the body right now; try again");
			c->keep_alive = false;
			finish_request(c);
			return;
		}
		if (gw_inflate((gw_coding)c->coding, c->req.body, cfg(c)->body_buffer,
		               cfg(c)->max_inflate_ratio, c->arena, &plain, &truncated, &err)) {
			atomic_fetch_add(&w->srv->metrics.bad_requests, 1);
			respond_error(c, err.status == SK_E_LIMIT ? 413 : 400, err.msg);
			c->keep_alive = false;
			finish_request(c);
			return;
		}
		c->req.body = plain;
	}
	if (!c->streaming && sk_request_body_kind(&c->req) == SK_BODY_MULTIPART) {
		/* A multipart body two parsers could split differently (see
		 * http/multipart.c) is refused: the app must not read parts the
		 * engine did not see. */
		const sk_part *parts;
		size_t nparts;
		bool valid = false;
		if (sk_request_parts(&c->req, &parts, &nparts, &valid) != SK_OK || !valid) {
			atomic_fetch_add(&w->srv->metrics.bad_requests, 1);
			respond_error(
			    c, 400,
			    "an ambiguous multipart body (malformed part headers, no closing "
			    "boundary, or repeated parameters)");
			c->keep_alive = false;
			finish_request(c);
			return;
		}
	}
	sk_status st = run_engine(c, false, t, &v, &err);
	if (st) {
		atomic_fetch_add(&w->srv->metrics.inspection_errors, 1);
		if (cfg(c)->on_error == SK_GW_ON_ERROR_BLOCK) {
			respond_error(c, 403, "the request could not be inspected");
			finish_request(c);
			return;
		}
		memset(&v, 0, sizeof v);
		v.action = SK_ACT_ALLOW;
		v.status = 200;
		v.terminating = -1;
	} else {
		count_verdict(c, &v);
		log_verdict(c, &v, t);
		if (cfg(c)->explain && v.action != SK_ACT_ALLOW)
			explain(c, &v);
		gw_notify(c, &v);
	}
	if (v.action != SK_ACT_ALLOW) {
		respond_block(c, &v);
		finish_request(c);
		return;
	}
	forward(c, &v);
}

/* ---- forwarding ---- */

/* "name: value\r\n", without printf: heads are built on every request. */
/* Room for a head of these fields and `more` bytes besides, in one
 * allocation: a guess, capped at the buffer's limit, so never the reason
 * a head that fits is refused. */
static sk_status reserve_head(sk_buf *b, size_t more, const sk_header *f, size_t n)
{
	size_t want = more;
	for (size_t i = 0; i < n; i++)
		want += f[i].name.n + f[i].value.n + 4;
	return sk_buf_reserve(b, want < b->max ? want : b->max);
}

/* A chunk-size line: n in hex and CRLF, into out; returns its length. */
static size_t chunk_line(char out[SK_U64_TEXT + 2], size_t n)
{
	size_t k = sk_u64_text(n, 16, out);
	out[k++] = '\r';
	out[k++] = '\n';
	return k;
}

static sk_status put_chunk_size(sk_buf *b, size_t n)
{
	char line[SK_U64_TEXT + 2];
	return sk_buf_append(b, line, chunk_line(line, n));
}

static sk_status put_field(sk_buf *b, sk_str name, sk_str value)
{
	sk_status st = sk_buf_reserve(b, name.n + value.n + 4);
	if (st)
		return st;
	memcpy(b->p + b->n, name.p, name.n);
	b->n += name.n;
	b->p[b->n++] = ':';
	b->p[b->n++] = ' ';
	memcpy(b->p + b->n, value.p, value.n);
	b->n += value.n;
	b->p[b->n++] = '\r';
	b->p[b->n++] = '\n';
	return SK_OK;
}

/* Whether name is one of list (lengths compared first: most headers are
 * none of these, and this runs for every header of every request). */
static bool one_of(sk_str name, const sk_str *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].n == name.n && sk_str_ieq(name, list[i]))
			return true;
	return false;
}

#define LIST_N(a) (sizeof(a) / sizeof((a)[0]))

static const sk_str hop_request[] = {
    SK_STR_LIT("connection"),       SK_STR_LIT("keep-alive"),
    SK_STR_LIT("proxy-connection"), SK_STR_LIT("te"),
    SK_STR_LIT("trailer"),          SK_STR_LIT("transfer-encoding"),
    SK_STR_LIT("upgrade"),          SK_STR_LIT("content-length"),
    SK_STR_LIT("expect"),           SK_STR_LIT("x-forwarded-proto"),
    SK_STR_LIT("x-forwarded-for")};

/* Never dropped because Connection names them: they make the message
 * what it is. */
static const sk_str end_to_end[] = {SK_STR_LIT("host"),   SK_STR_LIT("authorization"),
                                    SK_STR_LIT("cookie"), SK_STR_LIT("user-agent"),
                                    SK_STR_LIT("origin"), SK_STR_LIT("referer")};

/* conn_values: the values of the request's Connection headers, found
 * once per request by build_head. */
static bool hop_by_hop(sk_str name, const sk_str *conn_values, size_t nconn)
{
	if (one_of(name, hop_request, LIST_N(hop_request)))
		return true;
	if (nconn == 0 || one_of(name, end_to_end, LIST_N(end_to_end)) ||
	    (name.n >= 8 && sk_str_ieq(sk_str_make(name.p, 8), SK_STR_LIT("content-"))))
		return false;
	char tok[128];
	if (name.n >= sizeof tok)
		return false;
	memcpy(tok, name.p, name.n);
	tok[name.n] = 0;
	for (size_t i = 0; i < nconn; i++)
		if (sk_http_has_token(conn_values[i], tok))
			return true;
	return false;
}

static sk_status build_head(gw_conn *c, const sk_verdict *v, sk_buf *b)
{
	const sk_request *r = &c->req;
	const sk_gw_config *g = cfg(c);
	/* Origin-form to the upstream: an absolute-form target was checked
	 * against Host (accept_head), its path and query are what was read. */
	sk_status st = reserve_head(b, r->target.n + 512, r->headers, r->nheaders);
	if (!st && r->target.n && r->target.p[0] != '/' && r->target.p[0] != '*')
		st = sk_buf_put_strs(b,
		                     (const sk_str[]){r->method, SK_STR_LIT(" "), r->path,
		                                      r->query.n ? SK_STR_LIT("?") : SK_STR_NULL,
		                                      r->query, SK_STR_LIT(" HTTP/1.1\r\n")},
		                     6);
	else if (!st)
		st = sk_buf_put_strs(b,
		                     (const sk_str[]){r->method, SK_STR_LIT(" "), r->target,
		                                      SK_STR_LIT(" HTTP/1.1\r\n")},
		                     4);
	bool has_host;
	(void)sk_request_header(r, "host", &has_host);
	if (!st && !has_host) /* HTTP/1.0 without Host: HTTP/1.1 needs one */
		st = put_field(
		    b, SK_STR_LIT("Host"),
		    sk_str_cstr(c->w->srv->demo ? "127.0.0.1" : g->upstream_host_header[0]));
	sk_str xff = SK_STR_NULL, rid = sk_str_cstr(g->request_id_header);
	sk_str local[8], *conn_values = local;
	size_t nconn = 0;
	for (size_t i = 0; i < r->nheaders; i++)
		nconn +=
		    r->headers[i].name.n == 10 && sk_str_ieq_cstr(r->headers[i].name, "connection");
	if (nconn > LIST_N(local) &&
	    !(conn_values = sk_arena_alloc(c->arena, nconn * sizeof *conn_values)))
		return SK_E_NOMEM;
	nconn = 0;
	for (size_t i = 0; i < r->nheaders; i++)
		if (r->headers[i].name.n == 10 && sk_str_ieq_cstr(r->headers[i].name, "connection"))
			conn_values[nconn++] = r->headers[i].value;
	for (size_t i = 0; i < r->nheaders && !st; i++) {
		sk_str n = r->headers[i].name, val = r->headers[i].value;
		if (sk_str_ieq_cstr(n, "x-forwarded-for") && trusted(g, sk_str_cstr(c->peer)))
			xff = val; /* kept only from a proxy we trust */
		if (hop_by_hop(n, conn_values, nconn) || (n.n == rid.n && sk_str_ieq(n, rid)))
			continue;
		st = put_field(b, n, val);
	}
	sk_str peer = sk_str_cstr(c->peer);
	if (!st && xff.n)
		st = sk_buf_put_strs(b,
		                     (const sk_str[]){SK_STR_LIT("X-Forwarded-For: "), xff,
		                                      SK_STR_LIT(", "), peer, SK_STR_LIT("\r\n")},
		                     5);
	else if (!st)
		st = put_field(b, SK_STR_LIT("X-Forwarded-For"), peer);
	if (!st)
		st = put_field(b, SK_STR_LIT("X-Forwarded-Proto"),
		               g->tls_cert ? SK_STR_LIT("https") : SK_STR_LIT("http"));
	if (!st)
		st = put_field(b, rid, sk_str_cstr(c->request_id));
	for (size_t i = 0; i < v->ninserted && !st; i++)
		st = put_field(b, sk_str_cstr(v->inserted[i].name),
		               sk_str_cstr(v->inserted[i].value));
	if (!st && c->upgrade) {
		bool found;
		sk_str up = sk_request_header(r, "upgrade", &found);
		st = sk_buf_puts(b, "Connection: Upgrade\r\n");
		if (!st)
			st = put_field(b, SK_STR_LIT("Upgrade"), up);
	}
	if (!st) {
		char num[SK_U64_TEXT];
		if (!c->streaming && c->hi.framing != SK_HTTP_FRAMING_NONE)
			st = put_field(b, SK_STR_LIT("Content-Length"),
			               sk_str_make(num, sk_u64_text(c->body.n, 10, num)));
		else if (c->streaming && c->hi.framing == SK_HTTP_FRAMING_LENGTH)
			st =
			    put_field(b, SK_STR_LIT("Content-Length"),
			              sk_str_make(num, sk_u64_text(c->hi.content_length, 10, num)));
		else if (c->streaming)
			st = sk_buf_puts(b, "Transfer-Encoding: chunked\r\n");
	}
	if (!st)
		st = sk_buf_puts(b, "\r\n");
	return st;
}

static void forward(gw_conn *c, const sk_verdict *v)
{
	sk_buf head, first;
	sk_buf_init(&head, (size_t)256 << 10);
	sk_buf_init(&first, cfg(c)->body_buffer + 64);
	c->send_chunked = c->streaming && c->hi.framing == SK_HTTP_FRAMING_CHUNKED;
	sk_status st = build_head(c, v, &head);
	if (!st && c->body.n && c->send_chunked) { /* re-framed as one chunk */
		st = put_chunk_size(&first, c->body.n);
		if (!st)
			st = sk_buf_append(&first, c->body.p, c->body.n);
		if (!st)
			st = sk_buf_puts(&first, "\r\n");
	} else if (!st) {
		first = c->body; /* as it is: moved, not copied */
		sk_buf_init(&c->body, c->body.max);
	}
	if (st) {
		sk_buf_free(&head);
		sk_buf_free(&first);
		respond_error(c, 502, "the request could not be re-serialized for the upstream");
		finish_request(c);
		return;
	}
	/* The buffered body now lives in the upstream's write (a copy only
	 * of what could not be written at once): its budget is given back
	 * when that has gone out (gw_conn_body_sent). */
	sk_buf_free(&c->body);
	c->state = C_FORWARD;
	gw_upstream_start(c, &head, &first);
	sk_buf_free(&head);
	sk_buf_free(&first);
	if (c->up && !gw_upstream_write_busy(c->up) &&
	    uv_stream_get_write_queue_size((const uv_stream_t *)&c->up->tcp) == 0)
		gw_conn_body_sent(c);
	if (c->state == C_FORWARD && c->streaming)
		process(c);
}

/* Streams the rest of a long body to the upstream, re-framed; also after
 * the response began (apps that answer while they read). A send can fail
 * at once and end the request, hence the checks after each. */
static void stream_step(gw_conn *c)
{
	if (!c->streaming || c->body_done || !c->up || !c->has_request)
		return;
#define GONE() (!c->up || c->state == C_CLOSED || !c->has_request)
	while (!c->body_done && c->in_off < c->in.n && !gw_upstream_write_busy(c->up)) {
		const uint8_t *p = c->in.p + c->in_off;
		size_t avail = c->in.n - c->in_off;
		if (c->hi.framing == SK_HTTP_FRAMING_LENGTH) {
			size_t take = avail < c->body_left ? avail : (size_t)c->body_left;
			c->body_bytes += take;
			c->in_off += take;
			c->body_left -= take;
			c->body_done = c->body_left == 0;
			gw_upstream_send(c->up, p, take);
			if (GONE())
				return;
			continue;
		}
		size_t used;
		sk_str data;
		sk_error err = {0};
		if (sk_chunked_feed(c->chunk, p, avail, &used, &data, &err)) {
			/* Too late for a 400: the upstream has the head. Cut both. */
			gw_conn_close(c);
			return;
		}
		c->in_off += used;
		c->body_bytes += used;
		bool done = sk_chunked_done(c->chunk);
		if (data.n) {
			char sz[SK_U64_TEXT + 2];
			size_t k = chunk_line(sz, data.n);
			gw_upstream_send(c->up, sz, k);
			if (!GONE())
				gw_upstream_send(c->up, data.p, data.n);
			if (!GONE())
				gw_upstream_send(c->up, "\r\n", 2);
			if (GONE())
				return;
		}
		if (done) {
			c->body_done = true;
			gw_upstream_send(c->up, "0\r\n\r\n", 5);
			if (GONE())
				return;
		}
	}
#undef GONE
	if (!c->body_done)
		arm_body(c);
	else
		disarm(c); /* the upstream's timer watches the answer */
}

/* What the upstream had to queue of the body has been written: the
 * buffer budget it held goes back. */
void gw_conn_body_sent(gw_conn *c)
{
	if (c->budget) {
		atomic_fetch_sub(&c->w->srv->buffered, c->budget);
		c->budget = 0;
	}
}

/* The upstream's write queue went down: more body, or more tunnel. */
void gw_conn_resume_upstream_body(gw_conn *c)
{
	if (c->state == C_TUNNEL)
		flow_control(c);
	else if (c->state == C_FORWARD || c->state == C_RESPOND)
		process(c);
}

/* ---- the response, from upstream.c ---- */

void gw_conn_upstream_failed(gw_conn *c, int status, const char *why)
{
	gw_metrics *m = &c->w->srv->metrics;
	atomic_fetch_add(status == 504 ? &m->upstream_timeouts : &m->upstream_errors, 1);
	if (c->up) { /* failed on our side (a response head we cannot relay) */
		gw_upstream *u = c->up;
		c->up = NULL;
		u->client = NULL;
		gw_upstream_close(u);
	}
	if (c->response_started) {
		/* Part of a response went out: the client must see it cut. */
		gw_conn_close(c);
		return;
	}
	respond_error(c, status, why);
	if (!c->body_done)
		c->keep_alive = false;
	finish_request(c);
}

static const sk_str hop_response[] = {
    SK_STR_LIT("connection"), SK_STR_LIT("keep-alive"), SK_STR_LIT("proxy-connection"),
    SK_STR_LIT("te"),         SK_STR_LIT("trailer"),    SK_STR_LIT("transfer-encoding"),
    SK_STR_LIT("upgrade")};

static bool response_hop(sk_str name)
{
	return one_of(name, hop_response, LIST_N(hop_response));
}

void gw_conn_response_head(gw_conn *c, const sk_response_head *rh)
{
	sk_buf b;
	sk_buf_init(&b, GW_RESPONSE_HEAD_MAX * 2);
	bool tunnel = rh->status == 101 && c->upgrade;
	if (rh->body == SK_RESP_BODY_CLOSE || rh->body == SK_RESP_BODY_CHUNKED)
		c->resp_chunked = c->req.http_minor == 1;
	if (!c->resp_chunked && rh->body == SK_RESP_BODY_CLOSE)
		c->keep_alive = false;
	if (!c->body_done && !tunnel)
		c->keep_alive = false; /* the upstream answered before the body ended */
	char code[SK_U64_TEXT];
	size_t cn = sk_u64_text((uint64_t)(rh->status > 0 ? rh->status : 0), 10, code);
	sk_status st = reserve_head(&b, rh->reason.n + 128, rh->headers, rh->nheaders);
	if (!st)
		st = sk_buf_put_strs(&b,
		                     (const sk_str[]){SK_STR_LIT("HTTP/1.1 "),
		                                      sk_str_make(code, cn), SK_STR_LIT(" "),
		                                      rh->reason, SK_STR_LIT("\r\n")},
		                     5);
	for (size_t i = 0; i < rh->nheaders && !st; i++) {
		sk_str n = rh->headers[i].name, v = rh->headers[i].value;
		if (response_hop(n) ||
		    (c->resp_chunked && n.n == 14 && sk_str_ieq_cstr(n, "content-length")))
			continue;
		st = put_field(&b, n, v);
	}
	if (!st && tunnel) {
		sk_str up = SK_STR_LIT("websocket");
		for (size_t i = 0; i < rh->nheaders; i++)
			if (sk_str_ieq_cstr(rh->headers[i].name, "upgrade"))
				up = rh->headers[i].value;
		st = sk_buf_puts(&b, "Connection: Upgrade\r\n");
		if (!st)
			st = put_field(&b, SK_STR_LIT("Upgrade"), up);
	} else if (!st) {
		if (c->resp_chunked)
			st = sk_buf_puts(&b, "Transfer-Encoding: chunked\r\n");
		if (!st && !c->keep_alive)
			st = sk_buf_puts(&b, "Connection: close\r\n");
	}
	if (!st)
		st = sk_buf_puts(&b, "\r\n");
	if (st) {
		sk_buf_free(&b);
		gw_conn_upstream_failed(c, 502, "the upstream's response head is too large");
		return;
	}
	send_bytes(c, b.p, b.n);
	sk_buf_free(&b);
	c->status = rh->status;
	c->response_started = true;
	c->state = tunnel ? C_TUNNEL : C_RESPOND;
}

void gw_conn_response_data(gw_conn *c, const uint8_t *p, size_t n)
{
	if (n == 0 || c->state == C_CLOSED)
		return;
	c->up_bytes += n;
	if (c->resp_chunked) {
		char sz[SK_U64_TEXT + 2];
		size_t k = chunk_line(sz, n);
		send_bytes(c, sz, k);
		send_bytes(c, p, n);
		send_bytes(c, "\r\n", 2);
	} else {
		send_bytes(c, p, n);
	}
	if (c->up && gw_conn_write_busy(c))
		gw_upstream_pause(c->up, true);
}

void gw_conn_response_done(gw_conn *c)
{
	if (c->resp_chunked)
		send_bytes(c, "0\r\n\r\n", 5);
	c->up = NULL;
	finish_request(c);
}

/* ---- tunnels (WebSocket after 101) ---- */

void gw_conn_tunnel(gw_conn *c)
{
	arm(c, cfg_idle(c));
	/* Bytes the client sent after its handshake go up first. */
	if (c->in_off < c->in.n && c->up)
		gw_upstream_send(c->up, c->in.p + c->in_off, c->in.n - c->in_off);
	c->in_off = c->in.n = 0;
	flow_control(c);
}

void gw_conn_tunnel_closed(gw_conn *c)
{
	c->up = NULL;
	close_after_writes(c);
}

void gw_conn_tunnel_data(gw_conn *c, const uint8_t *p, size_t n)
{
	send_bytes(c, p, n);
	if (c->state == C_TUNNEL && c->up && gw_conn_write_busy(c))
		gw_upstream_pause(c->up, true);
	if (c->state == C_TUNNEL)
		arm(c, cfg_idle(c));
}

/* ---- the request's end ---- */

static void finish_request(gw_conn *c)
{
	if (c->state == C_CLOSED)
		return;
	gw_metrics_latency(&c->w->srv->metrics, uv_hrtime() - c->t_start);
	bool again = c->keep_alive && !c->closing && !c->w->draining;
	release_request(c);
	if (!again) {
		close_after_writes(c);
		return;
	}
	c->state = C_HEAD;
	c->head_seen = 0;
	if (c->eof && c->in_off == c->in.n) { /* half-closed, nothing more to answer */
		close_after_writes(c);
		return;
	}
	if (c->in_off == c->in.n) { /* idle connections hold no buffer */
		sk_buf_free(&c->in);
		c->in_off = 0;
	}
	bool more = c->in.n > c->in_off;
	arm(c, more ? c->w->gen->cfg.header_timeout : c->w->gen->cfg.idle_timeout);
	/* Inside process() this returns at once and its loop takes the next
	 * request; from an upstream callback it starts that loop. */
	process(c);
}

/* ---- input ---- */

/* Whether to read now: not while the client leaves its answers unread,
 * nor while input waits that cannot be used yet (pipelined requests behind
 * a response, a body the upstream is not taking as fast). */
static void flow_control(gw_conn *c)
{
	if (c->state == C_CLOSED || c->closing || c->eof)
		return;
	size_t pending = c->in.n - c->in_off;
	bool want = true;
	if (gw_conn_write_busy(c))
		want = false;
	else if (c->state == C_TUNNEL)
		want = !c->up || !gw_upstream_write_busy(c->up);
	else if ((c->state == C_FORWARD || c->state == C_RESPOND) && c->streaming && !c->body_done)
		want = c->up && !gw_upstream_write_busy(c->up);
	else if (c->state == C_FORWARD || c->state == C_RESPOND)
		want = pending < GW_PIPELINE_MAX;
	if (want && !c->reading) {
		if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
			c->reading = true;
	} else if (!want && c->reading) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = false;
	}
}

/* One loop takes request after request. A call from inside it (an answer
 * given while a request is handled ends in finish_request) only lets the
 * loop go on, so a deep pipeline costs no stack. */
static void process(gw_conn *c)
{
	if (c->in_process)
		return;
	c->in_process = true;
	for (;;) {
		int before = c->state;
		switch (c->state) {
		case C_HEAD:
			if (c->in_off == c->in.n || c->closing)
				goto done;
			head_step(c);
			break;
		case C_BODY: body_step(c); break;
		case C_FORWARD:
		case C_RESPOND: stream_step(c); goto done;
		default: goto done;
		}
		if (c->state == before || c->state == C_CLOSED)
			break;
	}
done:
	c->in_process = false;
	/* Half-closed with only part of a head left: it will never end. */
	if (c->eof && c->state == C_HEAD && !c->closing)
		close_after_writes(c);
	flow_control(c);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	(void)hint;
	gw_conn *c = h->data;
	buf->base = (char *)c->w->readbuf;
	buf->len = sizeof c->w->readbuf;
}

/* The client stopped sending. A complete request still gets its answer
 * (a half-closed connection), and an idle connection leaves after what it
 * was sent; a request cut short takes its upstream along. */
static void client_eof(gw_conn *c)
{
	c->eof = true; /* requests already read are still answered (finish_request) */
	if (c->reading) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = false;
	}
	if (c->state == C_TUNNEL) {
		if (c->up) {
			gw_upstream_close(c->up);
			c->up = NULL;
		}
		gw_conn_close(c);
	} else if ((c->state == C_FORWARD || c->state == C_RESPOND) && c->body_done) {
		return; /* finish_request closes after the answer */
	} else if (c->state == C_HEAD && !c->has_request) {
		close_after_writes(c);
	} else {
		gw_conn_close(c);
	}
}

/* Plaintext from the client: the bytes read, or what TLS made of them. */
static void on_plain(gw_conn *c, const uint8_t *p, size_t n)
{
	if (c->state == C_TUNNEL) {
		if (c->up)
			gw_upstream_send(c->up, p, n);
		arm(c, cfg_idle(c));
		flow_control(c);
		return;
	}
	/* The head must fit within its limits; body bytes pass through the
	 * buffer on their way to c->body or the upstream. */
	size_t cap = c->w->gen->cfg.max_request_line + c->w->gen->cfg.max_header_bytes +
	             GW_PIPELINE_MAX + GW_READ_CHUNK;
	if (c->in.max == 0)
		sk_buf_init(&c->in, cap);
	if (c->in_off > 0 && c->in_off == c->in.n) {
		c->in.n = c->in_off = 0;
	} else if (c->in_off > (c->in.n >> 1)) {
		memmove(c->in.p, c->in.p + c->in_off, c->in.n - c->in_off);
		c->in.n -= c->in_off;
		c->in_off = 0;
	}
	if (sk_buf_append(&c->in, p, n)) {
		if (c->state == C_HEAD && !c->response_started) {
			respond_error(c, 431, "request head too large");
			close_after_writes(c);
		} else {
			gw_conn_close(c);
		}
		return;
	}
	process(c);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	gw_conn *c = s->data;
	if (nread == 0 || c->state == C_CLOSED)
		return;
	if (c->lingering) {
		if (nread < 0)
			gw_conn_close(c);
		return; /* dropped */
	}
	if (nread < 0) {
		client_eof(c);
		return;
	}
	if (!c->tls) {
		on_plain(c, (const uint8_t *)buf->base, (size_t)nread);
		return;
	}
	if (gw_tls_feed(c->tls, buf->base, (size_t)nread)) {
		gw_conn_close(c);
		return;
	}
	for (;;) {
		ssize_t k = gw_tls_read(c->tls, c->w->plainbuf, sizeof c->w->plainbuf);
		tls_flush(c); /* handshake answers */
		if (k < 0) {
			if (c->tls->closed)
				client_eof(c); /* close_notify: the client's end of sending */
			else
				gw_conn_close(c);
			return;
		}
		if (k == 0 || c->state == C_CLOSED)
			return;
		on_plain(c, c->w->plainbuf, (size_t)k);
		if (c->state == C_CLOSED || c->closing)
			return;
	}
}

static void on_timeout(uv_timer_t *t)
{
	gw_conn *c = t->data;
	if (c->state == C_CLOSED || c->closing)
		return;
	if (!gw_deadline_passed(&c->timeout, &c->timer, on_timeout))
		return;
	bool mid_request = c->has_request || c->in.n > c->in_off;
	if ((c->state == C_HEAD || c->state == C_BODY) && mid_request && !c->response_started) {
		/* A slow client (slowloris) or one that stopped sending. */
		if (!c->gen && !start_request(c)) {
			gw_conn_close(c);
			return;
		}
		respond_error(c, 408, "the request did not arrive in time");
		close_after_writes(c);
		return;
	}
	if (c->state == C_HEAD || c->state == C_FORWARD || c->state == C_RESPOND ||
	    c->state == C_TUNNEL) {
		gw_conn_close(c); /* idle keep-alive, a stalled upload, an idle tunnel */
		return;
	}
}

void gw_on_connection(uv_stream_t *listener, int status)
{
	gw_worker *w = listener->data;
	if (status < 0)
		return;
	gw_conn *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->w = w;
	uv_tcp_init(&w->loop, &c->tcp);
	c->tcp.data = c;
	c->handles = 2;
	uv_timer_init(&w->loop, &c->timer);
	c->timer.data = c;
	c->state = C_HEAD;
	c->next = w->conns;
	if (w->conns)
		w->conns->prev = c;
	w->conns = c;
	w->nconns++;
	size_t open = atomic_fetch_add(&w->srv->conns, 1) + 1;
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
		gw_conn_close(c);
		return;
	}
	atomic_fetch_add_explicit(&w->srv->metrics.accepted, 1, memory_order_relaxed);
	const sk_gw_config *g = &w->gen->cfg;
	if (open > g->max_connections || w->draining) {
		atomic_fetch_add(&w->srv->metrics.busy, 1);
		gw_conn_close(c);
		return;
	}
	struct sockaddr_storage ss;
	int len = sizeof ss;
	c->peer[0] = 0;
	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET)
			uv_ip4_name((struct sockaddr_in *)&ss, c->peer, sizeof c->peer);
		else if (ss.ss_family == AF_INET6) {
			uv_ip6_name((struct sockaddr_in6 *)&ss, c->peer, sizeof c->peer);
			if (strncmp(c->peer, "::ffff:", 7) == 0 && strchr(c->peer, '.'))
				memmove(c->peer, c->peer + 7, strlen(c->peer + 7) + 1);
		}
	}
	uv_tcp_nodelay(&c->tcp, 1);
	if (w->srv->tls_ctx && !(c->tls = gw_tls_new(w->srv->tls_ctx))) {
		gw_conn_close(c);
		return;
	}
	arm(c, g->header_timeout);
	uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
	c->reading = true;
}

/* Draining: connections between requests close now; the others close
 * when their response is done (finish_request sees w->draining). */
void gw_worker_close_idle(gw_worker *w)
{
	gw_conn *c = w->conns;
	while (c) {
		gw_conn *next = c->next;
		if (c->state == C_HEAD && !c->has_request && c->in.n == c->in_off)
			gw_conn_close(c);
		c = next;
	}
}
