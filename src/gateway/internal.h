/* Private to src/gateway: the server, its workers, client connections and
 * upstream connections. */
#ifndef SK_GATEWAY_INTERNAL_H
#define SK_GATEWAY_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <uv.h>

#include "base/arena.h"
#include "base/buf.h"
#include "gateway/gateway.h"
#include "gateway/metrics.h"
#include "http/chunked.h"
#include "http/request.h"
#include "http/response.h"
#include "ops/events.h"
#include "waf/engine.h"

/* Named caps of the gateway's buffers. */
#define GW_READ_CHUNK        ((size_t)64 << 10) /* one read from a socket */
#define GW_REQUEST_ARENA     ((size_t)32 << 10) /* first block of a request's arena */
#define GW_SPARE_ARENAS      32                 /* request arenas a worker keeps */
#define GW_RESPONSE_HEAD_MAX ((size_t)64 << 10)
#define GW_RESPONSE_HEADERS  256
#define GW_PIPELINE_MAX      ((size_t)256 << 10) /* bytes read ahead of the request */
#define GW_WRITE_HIGH        ((size_t)1 << 20)   /* queued output that pauses reading */

/* One loaded configuration and its compiled web ACL. */
typedef struct gw_gen {
	sk_gw_config cfg;
	sk_program *prog;
	atomic_int refs;
	uint64_t id;
} gw_gen;

typedef struct gw_server gw_server;
/* A timeout that moves often at the cost of a store (deadline.c): the
 * timer behind it restarts only when it would fire too late, or fires
 * before the deadline. at: loop time in ms, UINT64_MAX for none. */
typedef struct gw_deadline {
	uint64_t at, due; /* the deadline; when the armed timer fires */
} gw_deadline;
void gw_deadline_set(gw_deadline *d, uv_timer_t *t, uv_timer_cb cb, uint64_t ms);
void gw_deadline_clear(gw_deadline *d);
/* For the timer's callback: true when the deadline has passed; otherwise
 * the timer is restarted for what is left (none when cleared). */
bool gw_deadline_passed(gw_deadline *d, uv_timer_t *t, uv_timer_cb cb);

typedef struct gw_worker gw_worker;
typedef struct gw_conn gw_conn;
typedef struct gw_upstream gw_upstream;

struct gw_worker {
	gw_server *srv;
	unsigned id;
	pthread_t thread;
	uv_loop_t loop;
	uv_tcp_t listener;
	uv_async_t wake;     /* stop, drain */
	uv_timer_t tick;     /* log flushing, drain deadline */
	gw_gen *gen;         /* the generation this worker evaluates with */
	sk_scratch *scratch; /* for gen->prog */
	gw_upstream *idle;   /* pooled upstream connections */
	size_t nidle;
	gw_conn *conns; /* every open client connection */
	size_t nconns;
	bool draining;
	uint64_t drain_deadline;
	uint8_t readbuf[GW_READ_CHUNK];
	uint8_t plainbuf[GW_READ_CHUNK]; /* decrypted TLS input */
	sk_buf log;                      /* log records waiting for the next flush */
	unsigned rr;                     /* round robin over upstreams */
	uint64_t rng;                    /* xorshift state, for sampling */
	uint64_t id_state[2];            /* request ids (conn.c) */
	bool id_seeded;
	/* Arenas of finished requests, reset, for the next ones: a request
	 * then costs no malloc for its arena. Only requests hold arenas, so an
	 * idle connection costs none. */
	sk_arena *spare[GW_SPARE_ARENAS];
	unsigned nspare;
};

struct gw_server {
	const sk_gw_hooks *hooks;
	pthread_mutex_t lock; /* current */
	gw_gen *current;
	atomic_uint_fast64_t gen_id;
	gw_worker *workers;
	unsigned nworkers;
	atomic_size_t buffered; /* bytes of bodies held, against buffer_budget */
	atomic_size_t conns;    /* client connections open */
	atomic_bool stopping;
	int log_fd; /* -1: no log */
	pthread_mutex_t log_lock;
	sk_gw_addr demo_addr; /* the demo app, when started */
	bool demo;
	gw_metrics metrics;
	sk_event_store *events;     /* NULL: not configured or could not be opened */
	sk_notifier *notifier;      /* NULL: no alerts configured */
	struct ssl_ctx_st *tls_ctx; /* SSL_CTX, when the listener speaks TLS */
	uv_loop_t *main_loop;
	uv_async_t reload_async;
};

/* Client connection states. */
enum { C_HEAD, C_BODY, C_FORWARD, C_RESPOND, C_TUNNEL, C_CLOSED };

struct gw_conn {
	uv_tcp_t tcp; /* first: a handle's address is the connection's */
	gw_worker *w;
	gw_conn *prev, *next;
	uv_timer_t timer;
	gw_deadline timeout; /* the running timeout (conn.c arm) */
	int state;
	int handles; /* open uv handles, freed when 0 */
	sk_buf in;   /* read, not yet consumed: in.p[in_off..in.n) */
	size_t in_off;
	bool reading, closing, eof;
	bool lingering;   /* answered and shut down; reading the rest to drop it */
	bool in_process;  /* inside process(): see there */
	int corked;       /* gw_conn_cork depth */
	sk_buf cork;      /* output held while corked */
	size_t head_seen; /* bytes of the coming head already searched for its end */
	char peer[64];
	struct gw_tls *tls; /* NULL: plain TCP */

	/* The request in progress. */
	sk_arena *arena;
	gw_gen *gen;
	sk_request req;
	sk_http_head_info hi;
	uint64_t t_start; /* ns, uv_hrtime */
	bool has_request;
	bool keep_alive;
	bool head_request;
	bool upgrade;
	bool expect_continue;
	int coding; /* gw_coding of the body */
	char request_id[40];
	char client_ip[64];
	/* Body: buffered up to the configured size, then inspected, then the
	 * rest streams through. */
	sk_chunked *chunk;  /* request body decoder, for chunked framing */
	uint64_t body_left; /* Content-Length bytes not read yet */
	sk_buf body;        /* buffered (decoded) body */
	size_t budget;      /* bytes reserved from the server's buffer budget */
	bool body_done;     /* the whole body has been read */
	bool streaming;     /* the body outgrew the buffer */
	bool send_chunked;  /* to the upstream, as chunked */
	gw_upstream *up;
	bool response_started; /* bytes of a response went to the client */
	bool resp_chunked;     /* the response goes out chunked */
	int status;            /* what the client was answered */
	uint64_t up_bytes;     /* body bytes relayed */
	uint64_t body_start;   /* loop time (ms) the body began */
	uint64_t body_bytes;   /* request body bytes read so far */
};

/* Upstream connection states. */
enum { U_CONNECTING, U_HEAD, U_BODY, U_IDLE, U_TUNNEL, U_CLOSED };

struct gw_upstream {
	uv_tcp_t tcp;
	uv_connect_t connect;
	gw_worker *w;
	gw_upstream *next; /* idle list */
	uv_timer_t timer;
	int handles;
	int state;
	unsigned target; /* index in cfg upstreams */
	uint64_t gen_id; /* pooled connections belong to a generation */
	gw_conn *client; /* NULL when idle */
	sk_buf in;
	sk_response_head rh;
	sk_header hdrs[GW_RESPONSE_HEADERS];
	sk_chunked *chunk;    /* response body decoder (heap) */
	sk_buf replay;        /* the request, for one retry (upstream.c fail) */
	uint64_t left;        /* Content-Length bytes of the response not read */
	gw_deadline progress; /* by when the upstream must show progress (up_watch) */
	bool reused;          /* came from the pool: a failure before any answer may retry */
	bool got_bytes;       /* any response byte arrived */
	bool reading;
	bool closing;
};

/* server.c */
gw_gen *gw_gen_acquire(gw_server *s);
void gw_gen_release(gw_gen *g);
void gw_worker_refresh(gw_worker *w); /* picks up a new generation */
void gw_notice(gw_server *s, const char *fmt, ...) SK_PRINTF(2, 3);

/* conn.c */
void gw_on_connection(uv_stream_t *listener, int status);
void gw_conn_upstream_failed(gw_conn *c, int status, const char *why);
void gw_conn_response_head(gw_conn *c, const sk_response_head *rh);
void gw_conn_response_data(gw_conn *c, const uint8_t *p, size_t n);
void gw_conn_response_done(gw_conn *c);
void gw_conn_tunnel(gw_conn *c);
void gw_conn_tunnel_data(gw_conn *c, const uint8_t *p, size_t n);
void gw_conn_tunnel_closed(gw_conn *c);
void gw_conn_close(gw_conn *c);
void gw_conn_cork(gw_conn *c);
void gw_conn_uncork(gw_conn *c);
void gw_conn_resume_upstream_body(gw_conn *c);
void gw_conn_body_sent(gw_conn *c);
bool gw_conn_write_busy(const gw_conn *c);
void gw_worker_close_idle(gw_worker *w);

/* upstream.c */
/* Sends head and body on a pooled or new connection; may take head's
 * buffer (then left empty) as the copy kept for the one retry. */
void gw_upstream_start(gw_conn *c, sk_buf *head, const sk_buf *body);
void gw_upstream_send(gw_upstream *u, const void *p, size_t n);
bool gw_upstream_write_busy(const gw_upstream *u);
void gw_upstream_pause(gw_upstream *u, bool pause);
void gw_upstream_close(gw_upstream *u);
void gw_upstream_release(gw_upstream *u, bool reusable);
void gw_upstream_pool_drop(gw_worker *w);

/* write.c: copies p and writes it; frees the copy when done. */
int gw_write(uv_stream_t *s, const void *p, size_t n, uv_write_cb done);

/* event.c */
void gw_event_submit(gw_conn *c, const sk_verdict *v, bool counted, int64_t t,
                     const sk_buf *record);
double gw_random01(gw_worker *w);
void gw_notify(gw_conn *c, const sk_verdict *v);

/* accesslog.c */
void gw_log_record(gw_worker *w, const sk_buf *record);
void gw_log_flush(gw_worker *w);

/* demo.c: a small app on 127.0.0.1, port chosen by the system. */
SK_MUST_CHECK sk_status gw_demo_start(sk_gw_addr *out, sk_error *err);

/* admin.c */
SK_MUST_CHECK sk_status gw_admin_start(gw_server *s, const sk_gw_addr *a, sk_error *err);
void gw_admin_stop(void);

#endif
