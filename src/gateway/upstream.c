/* Upstream connections: a per-worker pool of keep-alive connections, the
 * request written as conn.c serialized it, the response read strictly
 * (http/response.h) and handed to the client connection piece by piece.
 * A connection whose response framing was in any doubt is closed, never
 * pooled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/internal.h"

/* Pooled connections are dropped after this long idle: shorter than the
 * keep-alive timeout of common app servers (Node's is 5 s), so the pool
 * rarely hands out a connection the upstream is closing. */
#define POOL_IDLE_MS 4000
#define REPLAY_MAX   ((size_t)64 << 10) /* bytes of a request kept for a retry */

static void on_up_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void on_up_timeout(uv_timer_t *t);
static void fail(gw_upstream *u, int status, const char *why);

/* The upstream must show progress (connect, answer, accept a write, or
 * close while pooled) within ms (a deadline: deadline.c). */
static void up_watch(gw_upstream *u, uint64_t ms)
{
	gw_deadline_set(&u->progress, &u->timer, on_up_timeout, ms);
}

static void on_up_closed(uv_handle_t *h)
{
	gw_upstream *u = h->data;
	if (--u->handles > 0)
		return;
	sk_buf_free(&u->in);
	sk_buf_free(&u->replay);
	free(u->chunk);
	free(u);
}

static void pool_remove(gw_upstream *u)
{
	gw_worker *w = u->w;
	for (gw_upstream **p = &w->idle; *p; p = &(*p)->next)
		if (*p == u) {
			*p = u->next;
			w->nidle--;
			break;
		}
	u->next = NULL;
}

void gw_upstream_close(gw_upstream *u)
{
	if (u->closing)
		return;
	u->closing = true;
	if (u->state == U_IDLE)
		pool_remove(u);
	u->state = U_CLOSED;
	if (u->client && u->client->up == u)
		u->client->up = NULL;
	u->client = NULL;
	uv_close((uv_handle_t *)&u->timer, on_up_closed);
	uv_close((uv_handle_t *)&u->tcp, on_up_closed);
}

void gw_upstream_pool_drop(gw_worker *w)
{
	while (w->idle)
		gw_upstream_close(w->idle);
}

void gw_upstream_release(gw_upstream *u, bool reusable)
{
	gw_worker *w = u->w;
	u->client = NULL;
	if (!reusable || w->draining || w->nidle >= w->gen->cfg.upstream_keepalive ||
	    u->gen_id != w->gen->id) {
		gw_upstream_close(u);
		return;
	}
	u->state = U_IDLE;
	u->in.n = 0;
	free(u->chunk);
	u->chunk = NULL;
	u->next = w->idle;
	w->idle = u;
	w->nidle++;
	up_watch(u, POOL_IDLE_MS);
	if (!u->reading) { /* an idle connection still reads, to see it close */
		gw_upstream_pause(u, false);
	}
}

static void on_up_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	(void)hint;
	gw_upstream *u = h->data;
	buf->base = (char *)u->w->readbuf;
	buf->len = sizeof u->w->readbuf;
}

void gw_upstream_pause(gw_upstream *u, bool pause)
{
	if (u->closing)
		return;
	if (pause && u->reading) {
		uv_read_stop((uv_stream_t *)&u->tcp);
		u->reading = false;
	} else if (!pause && !u->reading && u->state != U_CONNECTING) {
		if (uv_read_start((uv_stream_t *)&u->tcp, on_up_alloc, on_up_read) == 0)
			u->reading = true;
	}
}

bool gw_upstream_write_busy(const gw_upstream *u)
{
	return uv_stream_get_write_queue_size((const uv_stream_t *)&u->tcp) > GW_WRITE_HIGH;
}

static void on_up_write(uv_write_t *req, int status)
{
	gw_upstream *u = req->data;
	if (u->closing)
		return;
	if (status < 0) {
		fail(u, 502, "writing to the upstream failed");
		return;
	}
	/* Progress either way keeps the upstream timeout at bay: a long
	 * upload is not a silent upstream. */
	if (u->state == U_HEAD || u->state == U_BODY)
		up_watch(u, u->w->gen->cfg.upstream_timeout);
	if (u->client && uv_stream_get_write_queue_size((const uv_stream_t *)&u->tcp) == 0)
		gw_conn_body_sent(u->client);
	if (u->client && !gw_upstream_write_busy(u))
		gw_conn_resume_upstream_body(u->client);
}

void gw_upstream_send(gw_upstream *u, const void *p, size_t n)
{
	if (u->closing || n == 0)
		return;
	if (gw_write((uv_stream_t *)&u->tcp, p, n, on_up_write) != 0) {
		/* a pooled connection the upstream has just closed: fail() sends
		 * a small idempotent request again, once */
		fail(u, 502, "writing to the upstream failed");
		return;
	}
	/* Sending is progress too: a long upload is not a silent upstream. */
	if (u->state == U_HEAD || u->state == U_BODY)
		up_watch(u, u->w->gen->cfg.upstream_timeout);
}

static gw_upstream *connect_new(gw_worker *w, const gw_gen *gen, unsigned target);

/* Whether a request may be sent twice (RFC 9110 9.2.2). */
static bool idempotent(sk_str m)
{
	static const char *const ok[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE", NULL};
	for (const char *const *k = ok; *k; k++)
		if (sk_str_eq(m, sk_str_cstr(*k)))
			return true;
	return false;
}

static void fail(gw_upstream *u, int status, const char *why)
{
	gw_conn *c = u->client;
	/* A pooled connection the upstream closed just as it was reused: the
	 * request never reached the app, so an idempotent one goes again,
	 * once, on a new connection. */
	if (c && status == 502 && u->reused && !u->got_bytes && u->replay.n) {
		gw_upstream *n = connect_new(u->w, c->gen, u->target);
		if (n) {
			sk_buf replay = u->replay;
			sk_buf_init(&u->replay, 0);
			u->client = NULL;
			gw_upstream_close(u);
			n->client = c;
			c->up = n;
			gw_upstream_send(n, replay.p, replay.n);
			sk_buf_free(&replay);
			return;
		}
	}
	gw_upstream_close(u);
	if (c)
		gw_conn_upstream_failed(c, status, why);
}

static void on_connect(uv_connect_t *req, int status)
{
	gw_upstream *u = req->data;
	if (u->closing)
		return;
	if (status < 0) {
		char why[200];
		snprintf(why, sizeof why, "cannot connect to the upstream: %s",
		         uv_strerror(status));
		fail(u, 502, why);
		return;
	}
	u->state = U_HEAD;
	uv_tcp_nodelay(&u->tcp, 1);
	up_watch(u, u->w->gen->cfg.upstream_timeout);
	gw_upstream_pause(u, false);
}

static void on_up_timeout(uv_timer_t *t)
{
	gw_upstream *u = t->data;
	if (u->closing)
		return;
	if (!gw_deadline_passed(&u->progress, &u->timer, on_up_timeout))
		return; /* progress since it was armed */
	if (u->state == U_IDLE) {
		gw_upstream_close(u);
		return;
	}
	fail(u, 504,
	     u->state == U_CONNECTING ? "the upstream did not accept the connection in time"
	                              : "the upstream did not answer in time");
}

static gw_upstream *connect_new(gw_worker *w, const gw_gen *gen, unsigned target)
{
	const sk_gw_addr *a = w->srv->demo ? &w->srv->demo_addr : &gen->cfg.upstreams[target];
	gw_upstream *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->w = w;
	u->target = target;
	u->gen_id = gen->id;
	uv_tcp_init(&w->loop, &u->tcp);
	uv_timer_init(&w->loop, &u->timer);
	u->tcp.data = u->timer.data = u->connect.data = u;
	u->handles = 2;
	u->state = U_CONNECTING;
	sk_buf_init(&u->in, GW_RESPONSE_HEAD_MAX + GW_READ_CHUNK);
	if (uv_tcp_connect(&u->connect, &u->tcp, (const struct sockaddr *)&a->sa, on_connect) !=
	    0) {
		gw_upstream_close(u);
		return NULL;
	}
	up_watch(u, gen->cfg.upstream_connect_timeout);
	return u;
}

static gw_upstream *pool_take(gw_worker *w, const gw_gen *gen, unsigned target)
{
	while (w->idle) {
		gw_upstream *u = w->idle;
		pool_remove(u);
		if (u->gen_id == gen->id && u->target == target) {
			u->state = U_HEAD; /* its timer runs on: up_watch() moves the deadline */
			u->reused = true;
			return u;
		}
		gw_upstream_close(u);
	}
	return NULL;
}

void gw_upstream_start(gw_conn *c, sk_buf *head, const sk_buf *body)
{
	gw_worker *w = c->w;
	size_t n = w->srv->demo ? 1 : c->gen->cfg.nupstreams;
	unsigned target = n ? w->rr++ % (unsigned)n : 0;
	gw_upstream *u = pool_take(w, c->gen, target);
	if (!u)
		u = connect_new(w, c->gen, target);
	if (!u) {
		gw_conn_upstream_failed(c, 502, "cannot open a connection to the upstream");
		return;
	}
	sk_buf_free(&u->replay);
	if (u->reused) {
		up_watch(u, c->gen->cfg.upstream_timeout);
		/* Kept until the first answer byte, for fail()'s one retry. */
		/* Small requests only: the copy is held outside the budget. */
		/* The head's buffer becomes the copy (no second allocation), the
		 * body joins it, and both go out in one write. */
		if (!c->streaming && idempotent(c->req.method) && head->n + body->n <= REPLAY_MAX) {
			u->replay = *head;
			sk_buf_init(head, head->max);
			if (sk_buf_append(&u->replay, body->p, body->n)) {
				*head = u->replay; /* no room: no copy, sent as it is */
				sk_buf_init(&u->replay, 0);
			}
		}
	}
	u->client = c;
	c->up = u;
	u->got_bytes = false;
	memset(&u->rh, 0, sizeof u->rh);
	if (u->replay.n) {
		gw_upstream_send(u, u->replay.p, u->replay.n);
		return;
	}
	gw_upstream_send(u, head->p, head->n);
	if (c->up == u && body->n)
		gw_upstream_send(u, body->p, body->n);
}

/* The response ended: pool the connection if it can carry another, then
 * let the client go on (which may take it from the pool at once). */
static void response_done(gw_upstream *u, bool reusable)
{
	gw_conn *c = u->client;
	reusable = reusable && u->rh.keep_alive && c && c->body_done && u->in.n == 0;
	gw_upstream_release(u, reusable); /* pooled: watched for POOL_IDLE_MS */
	if (c)
		gw_conn_response_done(c);
}

/* Relays body bytes in u->in; returns false once u is gone or done. */
static bool body_bytes(gw_upstream *u)
{
	gw_conn *c = u->client;
	while (u->in.n && !u->closing && u->state == U_BODY) {
		size_t take = u->in.n;
		switch (u->rh.body) {
		case SK_RESP_BODY_LENGTH:
			if (take > u->left)
				take = (size_t)u->left;
			if (c)
				gw_conn_response_data(c, u->in.p, take);
			u->left -= take;
			break;
		case SK_RESP_BODY_CHUNKED: {
			sk_str data;
			sk_error err = {0};
			if (sk_chunked_feed(u->chunk, u->in.p, u->in.n, &take, &data, &err)) {
				fail(u, 502, err.msg);
				return false;
			}
			if (c && data.n)
				gw_conn_response_data(c, data.p, data.n);
			break;
		}
		default:
			if (c)
				gw_conn_response_data(c, u->in.p, take);
			break;
		}
		memmove(u->in.p, u->in.p + take, u->in.n - take);
		u->in.n -= take;
		if ((u->rh.body == SK_RESP_BODY_LENGTH && u->left == 0) ||
		    (u->rh.body == SK_RESP_BODY_CHUNKED && sk_chunked_done(u->chunk))) {
			/* Bytes after the response: the upstream is confused. */
			bool clean = u->in.n == 0;
			u->in.n = 0;
			response_done(u, clean);
			return false;
		}
		if (u->closing || (c && c->state == C_CLOSED))
			return false;
	}
	if (u->state == U_BODY && u->rh.body == SK_RESP_BODY_LENGTH && u->left == 0) {
		response_done(u, true);
		return false;
	}
	return true;
}

static void head_bytes(gw_upstream *u)
{
	gw_conn *c = u->client;
	for (;;) {
		sk_error err = {0};
		sk_status st = sk_http_parse_response_head(u->in.p, u->in.n, GW_RESPONSE_HEAD_MAX,
		                                           c && c->head_request, u->hdrs,
		                                           GW_RESPONSE_HEADERS, &u->rh, &err);
		if (st == SK_AGAIN)
			return;
		if (st) {
			char why[SK_ERROR_MSG_MAX + 40];
			snprintf(why, sizeof why, "the upstream's answer was refused: %s", err.msg);
			fail(u, 502, why);
			return;
		}
		if (u->rh.status >= 100 && u->rh.status < 200 &&
		    !(u->rh.status == 101 && c && c->upgrade)) {
			/* Interim answers (100 Continue...) are the gateway's own to
			 * give; drop them and read on. */
			if (u->rh.status == 101) {
				fail(u, 502, "the upstream switched protocols unasked");
				return;
			}
			memmove(u->in.p, u->in.p + u->rh.head_len, u->in.n - u->rh.head_len);
			u->in.n -= u->rh.head_len;
			continue;
		}
		break;
	}
	/* The head's slices point into u->in, which is about to move: the
	 * client copies what it needs before we do. */
	if (c)
		gw_conn_response_head(c, &u->rh);
	memmove(u->in.p, u->in.p + u->rh.head_len, u->in.n - u->rh.head_len);
	u->in.n -= u->rh.head_len;
	if (u->closing)
		return;
	if (u->rh.status == 101) {
		u->state = U_TUNNEL;
		uv_timer_stop(&u->timer);
		if (c && u->in.n)
			gw_conn_tunnel_data(c, u->in.p, u->in.n);
		u->in.n = 0;
		if (c)
			gw_conn_tunnel(c);
		return;
	}
	u->state = U_BODY;
	u->left = u->rh.content_length;
	if (u->rh.body == SK_RESP_BODY_NONE) {
		bool clean = u->in.n == 0;
		u->in.n = 0;
		response_done(u, clean);
		return;
	}
	if (u->rh.body == SK_RESP_BODY_CHUNKED) {
		u->chunk = malloc(sizeof *u->chunk);
		if (!u->chunk) {
			fail(u, 502, "out of memory");
			return;
		}
		sk_chunked_init(u->chunk, UINT64_MAX);
	}
	body_bytes(u);
}

static void on_up_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	gw_upstream *u = s->data;
	if (nread == 0 || u->closing)
		return;
	gw_conn *c = u->client;
	if (nread < 0) {
		if (u->state == U_IDLE || !c) {
			gw_upstream_close(u);
		} else if (u->state == U_TUNNEL) {
			/* The app closed the tunnel: what it sent last still goes out. */
			gw_upstream_close(u);
			gw_conn_tunnel_closed(c);
		} else if (u->state == U_BODY && u->rh.body == SK_RESP_BODY_CLOSE) {
			u->rh.keep_alive = false;
			response_done(u, false);
		} else {
			fail(
			    u, 502,
			    u->state == U_HEAD && !u->got_bytes
			        ? (u->reused
			               ? "the upstream closed a kept-alive connection"
			               : "the upstream closed the connection without answering")
			        : "the upstream closed the connection in the middle of its answer");
		}
		return;
	}
	if (u->state == U_IDLE) { /* an idle connection has nothing to say */
		gw_upstream_close(u);
		return;
	}
	u->got_bytes = true;
	sk_buf_free(&u->replay);
	if (u->state == U_TUNNEL) {
		if (c)
			gw_conn_tunnel_data(c, (const uint8_t *)buf->base, (size_t)nread);
		return;
	}
	up_watch(u, u->w->gen->cfg.upstream_timeout);
	if (sk_buf_append(&u->in, buf->base, (size_t)nread)) {
		fail(u, 502, "the upstream's response head is too large");
		return;
	}
	/* What this read makes the client get (head, body, and maybe the
	 * answers to pipelined requests after it) goes out in one write. c
	 * stays valid memory until the loop runs its close callbacks. */
	if (c)
		gw_conn_cork(c);
	if (u->state == U_HEAD)
		head_bytes(u);
	else if (u->state == U_BODY)
		body_bytes(u);
	if (c)
		gw_conn_uncork(c);
}
