/* The gateway's process: generations of config + compiled ACL, worker
 * threads with their SO_REUSEPORT listeners, signals, reload and drain. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/internal.h"
#include "gateway/tls.h"

void gw_notice(gw_server *s, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (s->hooks->notice)
		s->hooks->notice(s->hooks->ctx, msg);
}

/* ---- generations ---- */

static sk_status gen_build(gw_server *s, gw_gen **out, sk_error *err)
{
	gw_gen *g = calloc(1, sizeof *g);
	if (!g)
		return sk_fail(err, SK_E_NOMEM, "out of memory");
	sk_status st = s->hooks->load_config(s->hooks->ctx, &g->cfg, err);
	if (!st)
		st = sk_gw_config_check(&g->cfg, err);
	if (!st)
		st = s->hooks->compile(s->hooks->ctx, &g->cfg, &g->prog, err);
	if (st) {
		sk_gw_config_free(&g->cfg);
		free(g);
		return st;
	}
	/* The command an alert suggests names this gateway's store and ACL. */
	char hint[1200];
	snprintf(hint, sizeof hint, "--events %s%s%s", g->cfg.events_store,
	         g->cfg.acl ? " --acl " : "", g->cfg.acl ? g->cfg.acl : "");
	free(g->cfg.notify.allow_hint);
	g->cfg.notify.allow_hint = strdup(hint);
	atomic_init(&g->refs, 1);
	g->id = atomic_fetch_add(&s->gen_id, 1) + 1;
	*out = g;
	return SK_OK;
}

void gw_gen_release(gw_gen *g)
{
	if (g && atomic_fetch_sub(&g->refs, 1) == 1) {
		sk_program_free(g->prog);
		sk_gw_config_free(&g->cfg);
		free(g);
	}
}

gw_gen *gw_gen_acquire(gw_server *s)
{
	pthread_mutex_lock(&s->lock);
	gw_gen *g = s->current;
	atomic_fetch_add(&g->refs, 1);
	pthread_mutex_unlock(&s->lock);
	return g;
}

/* Between requests: move to the newest generation if there is one. A
 * scratch that cannot be made keeps the worker on its old generation. */
void gw_worker_refresh(gw_worker *w)
{
	gw_server *s = w->srv;
	if (w->gen && w->gen->id == atomic_load_explicit(&s->gen_id, memory_order_acquire))
		return;
	gw_gen *g = gw_gen_acquire(s);
	if (g == w->gen) {
		gw_gen_release(g);
		return;
	}
	sk_scratch *sc;
	if (sk_scratch_create(g->prog, &sc)) {
		gw_gen_release(g);
		return;
	}
	sk_scratch_free(w->scratch);
	gw_gen_release(w->gen);
	w->scratch = sc;
	w->gen = g;
}

/* ---- workers ---- */

static int listen_socket(const sk_gw_addr *a, int *out)
{
	int fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	/* Each worker has its own listener on the same port: the kernel
	 * spreads connections, and a new gateway can bind while an old one
	 * drains. libuv 1.44 has no UV_TCP_REUSEPORT, hence the raw socket. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
	    bind(fd, (const struct sockaddr *)&a->sa, a->salen) != 0 || listen(fd, 1024) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	*out = fd;
	return 0;
}

static void on_tick(uv_timer_t *t)
{
	gw_worker *w = t->data;
	gw_log_flush(w);
	if (!w->draining)
		return;
	gw_worker_close_idle(w);
	gw_upstream_pool_drop(w);
	if (w->nconns == 0 || uv_now(&w->loop) >= w->drain_deadline) {
		/* Past the deadline, what is still open is cut. */
		for (gw_conn *c = w->conns; c;) {
			gw_conn *next = c->next;
			gw_conn_close(c);
			c = next;
		}
		uv_close((uv_handle_t *)&w->tick, NULL);
		uv_close((uv_handle_t *)&w->wake, NULL);
	}
}

static void on_wake(uv_async_t *a)
{
	gw_worker *w = a->data;
	if (atomic_load(&w->srv->stopping) && !w->draining) {
		w->draining = true;
		w->drain_deadline = uv_now(&w->loop) + w->gen->cfg.drain_timeout;
		/* Stop accepting at once: the port is free for a successor. */
		uv_close((uv_handle_t *)&w->listener, NULL);
		gw_worker_close_idle(w);
		uv_timer_start(&w->tick, on_tick, 0, 50);
	}
}

static void *worker_main(void *arg)
{
	gw_worker *w = arg;
	uv_run(&w->loop, UV_RUN_DEFAULT);
	gw_upstream_pool_drop(w);
	uv_run(&w->loop, UV_RUN_DEFAULT); /* close callbacks */
	gw_log_flush(w);
	return NULL;
}

static sk_status worker_init(gw_server *s, gw_worker *w, unsigned id, sk_error *err)
{
	w->srv = s;
	w->id = id;
	w->gen = gw_gen_acquire(s);
	if (sk_scratch_create(w->gen->prog, &w->scratch))
		return sk_fail(err, SK_E_NOMEM, "cannot create a worker's scratch space");
	sk_buf_init(&w->log, (size_t)64 << 20);
	uv_loop_init(&w->loop);
	uv_tcp_init(&w->loop, &w->listener);
	w->listener.data = w;
	int fd = -1, rc = listen_socket(&w->gen->cfg.listen, &fd);
	if (rc == 0 && (rc = uv_tcp_open(&w->listener, fd)) == 0)
		rc = uv_listen((uv_stream_t *)&w->listener, 1024, gw_on_connection);
	if (rc != 0)
		return sk_fail(err, SK_E_IO, "cannot listen on %s:%u: %s", w->gen->cfg.listen.host,
		               w->gen->cfg.listen.port, uv_strerror(rc));
	uv_async_init(&w->loop, &w->wake, on_wake);
	w->wake.data = w;
	uv_timer_init(&w->loop, &w->tick);
	w->tick.data = w;
	uv_timer_start(&w->tick, on_tick, 200, 200);
	return SK_OK;
}

static void worker_free(gw_worker *w)
{
	while (w->nspare)
		sk_arena_destroy(w->spare[--w->nspare]);
	uv_loop_close(&w->loop);
	sk_scratch_free(w->scratch);
	gw_gen_release(w->gen);
	sk_buf_free(&w->log);
}

/* ---- the main thread: signals and reload ---- */

static void reload(gw_server *s)
{
	sk_error err = {0};
	gw_gen *g;
	if (gen_build(s, &g, &err)) {
		atomic_fetch_add(&s->metrics.reload_failures, 1);
		gw_notice(s, "reload refused, the running configuration stays: %s", err.msg);
		return;
	}
	const sk_gw_config *old = &s->current->cfg;
	if (g->cfg.listen.port != old->listen.port || strcmp(g->cfg.listen.host, old->listen.host))
		gw_notice(s, "reload: listen address changes take a restart; still on %s:%u",
		          old->listen.host, old->listen.port);
	/* Alerts follow the new configuration (silence lists, targets). */
	if (s->notifier)
		sk_notify_reconfigure(s->notifier, &g->cfg.notify);
	else if (sk_notify_configured(&g->cfg.notify) &&
	         sk_notify_start(&g->cfg.notify, &s->notifier, &err))
		gw_notice(s, "warning: alerts not started: %s", err.msg);
	pthread_mutex_lock(&s->lock);
	gw_gen *prev = s->current;
	s->current = g;
	pthread_mutex_unlock(&s->lock);
	gw_gen_release(prev);
	atomic_fetch_add(&s->metrics.reloads, 1);
	gw_notice(s, "reloaded: configuration %llu in force", (unsigned long long)g->id);
}

static void on_reload_async(uv_async_t *a)
{
	reload(a->data);
}

static void on_signal(uv_signal_t *sig, int signum)
{
	gw_server *s = sig->data;
	if (signum == SIGHUP) {
		reload(s);
		return;
	}
	if (atomic_exchange(&s->stopping, true))
		return;
	gw_notice(s, "stopping: no new connections; draining requests in flight");
	for (unsigned i = 0; i < s->nworkers; i++)
		uv_async_send(&s->workers[i].wake);
	uv_stop(s->main_loop);
}

static sk_status open_log(gw_server *s, const sk_gw_config *c, sk_error *err)
{
	s->log_fd = -1;
	if (!c->log || !*c->log)
		return SK_OK;
	if (strcmp(c->log, "-") == 0) {
		s->log_fd = STDOUT_FILENO;
		return SK_OK;
	}
	s->log_fd = open(c->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (s->log_fd < 0)
		return sk_fail(err, SK_E_IO, "log file %s: %s", c->log, strerror(errno));
	return SK_OK;
}

sk_status sk_gateway_run(const sk_gw_hooks *hooks, sk_error *err)
{
	gw_server *s = calloc(1, sizeof *s);
	if (!s)
		return sk_fail(err, SK_E_NOMEM, "out of memory");
	s->hooks = hooks;
	s->log_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->log_lock, NULL);
	gw_metrics_init(&s->metrics);
	sk_status st = gen_build(s, &s->current, err);
	if (st)
		goto out;
	const sk_gw_config *c = &s->current->cfg;
	if ((st = open_log(s, c, err)))
		goto out;
	if (c->tls_cert && (st = gw_tls_ctx_new(c->tls_cert, c->tls_key, &s->tls_ctx, err)))
		goto out;
	if (c->events_on) {
		sk_events_options eo = {.store = c->events_store,
		                        .retention_ms = (int64_t)c->events_retention,
		                        .max_events = (int64_t)c->events_max};
		sk_error e = {0};
		/* Without a store the gateway still serves; events are counted
		 * as dropped (read-only file systems, a locked file). */
		if (sk_events_open(&eo, &s->events, &e))
			gw_notice(s,
			          "warning: %s; serving without an event store (events are counted "
			          "as dropped)",
			          e.msg);
	}
	if (sk_notify_configured(&c->notify) &&
	    (st = sk_notify_start(&c->notify, &s->notifier, err)))
		goto out;
	if (c->demo) {
		if ((st = gw_demo_start(&s->demo_addr, err)))
			goto out;
		s->demo = true;
	}
	unsigned n = c->workers;
	if (n == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = cpus > 0 ? (unsigned)cpus : 1;
	}
	s->workers = calloc(n, sizeof *s->workers);
	if (!s->workers) {
		st = sk_fail(err, SK_E_NOMEM, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		if ((st = worker_init(s, &s->workers[i], i, err))) {
			s->nworkers = i + 1;
			goto out;
		}
		s->nworkers = i + 1;
	}
	if (!c->admin_off && (st = gw_admin_start(s, &c->admin, err)))
		goto out;

	uv_loop_t main_loop;
	uv_loop_init(&main_loop);
	s->main_loop = &main_loop;
	uv_signal_t sig_hup, sig_term, sig_int;
	uv_signal_init(&main_loop, &sig_hup);
	uv_signal_init(&main_loop, &sig_term);
	uv_signal_init(&main_loop, &sig_int);
	sig_hup.data = sig_term.data = sig_int.data = s;
	uv_signal_start(&sig_hup, on_signal, SIGHUP);
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	uv_async_init(&main_loop, &s->reload_async, on_reload_async);
	s->reload_async.data = s;
	signal(SIGPIPE, SIG_IGN);

	for (unsigned i = 0; i < n; i++)
		pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]);
	gw_notice(s, "listening on %s://%s:%u, %u worker%s, upstream %s%s%s",
	          s->tls_ctx ? "https" : "http", c->listen.host, c->listen.port, n,
	          n == 1 ? "" : "s", s->demo ? "the built-in demo app" : "",
	          s->demo ? "" : "http://", s->demo ? "" : c->upstream_host_header[0]);
	if (!c->admin_off)
		gw_notice(s, "admin on http://%s:%u (/healthz, /metrics, POST /reload)",
		          c->admin.host, c->admin.port);

	uv_run(&main_loop, UV_RUN_DEFAULT);
	for (unsigned i = 0; i < n; i++)
		pthread_join(s->workers[i].thread, NULL);
	gw_admin_stop();
	sk_notify_stop(s->notifier); /* sends the follow-ups of open windows */
	s->notifier = NULL;
	sk_events_close(s->events); /* writes what is queued */
	s->events = NULL;
	uv_close((uv_handle_t *)&sig_hup, NULL);
	uv_close((uv_handle_t *)&sig_term, NULL);
	uv_close((uv_handle_t *)&sig_int, NULL);
	uv_close((uv_handle_t *)&s->reload_async, NULL);
	uv_run(&main_loop, UV_RUN_DEFAULT);
	uv_loop_close(&main_loop);
	gw_notice(s, "stopped");
	st = SK_OK;
out:
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_free(&s->workers[i]);
	free(s->workers);
	if (s->log_fd > STDERR_FILENO)
		close(s->log_fd);
	gw_gen_release(s->current);
	SSL_CTX_free(s->tls_ctx);
	sk_notify_stop(s->notifier);
	sk_events_close(s->events);
	gw_metrics_free(&s->metrics);
	free(s);
	return st;
}
