#include "gateway/mini.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINI_REQUEST_MAX ((size_t)1 << 20)

typedef struct mconn {
	uv_tcp_t tcp;
	gw_mini *m;
	sk_buf in;
} mconn;

static void on_closed(uv_handle_t *h)
{
	mconn *c = h->data;
	sk_buf_free(&c->in);
	free(c);
}

static void on_written(uv_write_t *w, int status)
{
	(void)status;
	free(w);
}

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)h;
	b->base = malloc(hint);
	b->len = b->base ? hint : 0;
}

void gw_mini_reply(sk_buf *out, int status, const char *ctype, const char *body, size_t n)
{
	if (sk_buf_printf(out,
	                  "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	                  "Server: sekisho\r\n\r\n",
	                  status,
	                  status == 200   ? "OK"
	                  : status == 202 ? "Accepted"
	                                  : "Not Found",
	                  ctype, n) == SK_OK &&
	    sk_buf_append(out, body, n) == SK_OK)
		return;
	sk_buf_clear(out);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	mconn *c = s->data;
	if (nread < 0 || (nread > 0 && sk_buf_append(&c->in, b->base, (size_t)nread))) {
		free(b->base);
		uv_close((uv_handle_t *)s, on_closed);
		return;
	}
	free(b->base);
	while (c->in.n) {
		sk_arena *a = sk_arena_create(16 << 10, 0);
		sk_request req;
		sk_request_init(&req, a);
		size_t used;
		sk_error err = {0};
		sk_http_limits lim;
		sk_http_limits_default(&lim);
		lim.max_body = MINI_REQUEST_MAX;
		sk_status st = sk_http_parse_request(c->in.p, c->in.n, 0, &lim, &req, &used, &err);
		if (st == SK_AGAIN) {
			sk_arena_destroy(a);
			return;
		}
		sk_buf out;
		sk_buf_init(&out, (size_t)64 << 20);
		if (st)
			gw_mini_reply(&out, 400, "text/plain", err.msg, strlen(err.msg));
		else
			c->m->handler(c->m->ctx, &req, &out);
		sk_arena_destroy(a);
		uv_write_t *w = malloc(sizeof *w + out.n);
		if (w && out.n) {
			memcpy(w + 1, out.p, out.n);
			uv_buf_t ob = uv_buf_init((char *)(w + 1), (unsigned)out.n);
			if (uv_write(w, s, &ob, 1, on_written) != 0)
				free(w);
		} else {
			free(w);
		}
		sk_buf_free(&out);
		if (st) {
			uv_close((uv_handle_t *)s, on_closed);
			return;
		}
		memmove(c->in.p, c->in.p + used, c->in.n - used);
		c->in.n -= used;
	}
}

static void on_conn(uv_stream_t *l, int status)
{
	gw_mini *m = l->data;
	if (status < 0)
		return;
	mconn *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->m = m;
	sk_buf_init(&c->in, MINI_REQUEST_MAX + 65536);
	uv_tcp_init(&m->loop, &c->tcp);
	c->tcp.data = c;
	if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0 ||
	    uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
		uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void close_all(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, h->type == UV_TCP && h->data && h->data != arg ? on_closed : NULL);
}

static void on_stop(uv_async_t *a)
{
	gw_mini *m = a->data;
	uv_walk(&m->loop, close_all, m);
}

static void *run(void *arg)
{
	gw_mini *m = arg;
	uv_run(&m->loop, UV_RUN_DEFAULT);
	return NULL;
}

sk_status gw_mini_start(gw_mini *m, sk_gw_addr *a, gw_mini_handler h, void *ctx, sk_error *err)
{
	memset(m, 0, sizeof *m);
	m->handler = h;
	m->ctx = ctx;
	uv_loop_init(&m->loop);
	uv_tcp_init(&m->loop, &m->listener);
	m->listener.data = m;
	int rc = uv_tcp_bind(&m->listener, (const struct sockaddr *)&a->sa, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&m->listener, 128, on_conn);
	if (rc != 0) {
		uv_close((uv_handle_t *)&m->listener, NULL);
		uv_run(&m->loop, UV_RUN_DEFAULT);
		uv_loop_close(&m->loop);
		return sk_fail(err, SK_E_IO, "cannot listen on %s:%u: %s", a->host, a->port,
		               uv_strerror(rc));
	}
	int len = (int)sizeof a->sa;
	uv_tcp_getsockname(&m->listener, (struct sockaddr *)&a->sa, &len);
	a->salen = (socklen_t)len;
	if (a->sa.ss_family == AF_INET)
		a->port = ntohs(((struct sockaddr_in *)&a->sa)->sin_port);
	uv_async_init(&m->loop, &m->stop, on_stop);
	m->stop.data = m;
	if (pthread_create(&m->thread, NULL, run, m) != 0)
		return sk_fail(err, SK_E_IO, "cannot start a thread");
	m->running = true;
	return SK_OK;
}

void gw_mini_stop(gw_mini *m)
{
	if (!m->running)
		return;
	uv_async_send(&m->stop);
	pthread_join(m->thread, NULL);
	uv_loop_close(&m->loop);
	m->running = false;
}
