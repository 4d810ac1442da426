/* The queue and writer thread in front of an event backend. */
#include "ops/events.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX       500
#define FLUSH_MS        100
#define RETAIN_EVERY_MS 60000

struct sk_event_store {
	const sk_event_backend *be;
	void *db;
	sk_events_options opt;
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	sk_event **q; /* ring */
	size_t cap, head, n;
	bool stop;
	atomic_uint_fast64_t dropped, written;
};

/* ---- events ---- */

#define FIELDS(X)                                                                                  \
	X(request_id)                                                                              \
	X(client_ip)                                                                               \
	X(method)                                                                                  \
	X(host)                                                                                    \
	X(path)                                                                                    \
	X(query) X(user_agent) X(action) X(terminating_rule) X(rules) X(labels) X(field)           \
	    X(matched) X(reason) X(request) X(record)

sk_event *sk_event_copy(const sk_event *e)
{
	size_t need = sizeof(sk_event);
#define SIZE(f) need += (e->f ? strlen(e->f) : 0) + 1;
	FIELDS(SIZE)
#undef SIZE
	sk_event *c = malloc(need);
	if (!c)
		return NULL;
	*c = *e;
	char *p = (char *)(c + 1);
#define COPY(f)                                                                                    \
	{                                                                                          \
		size_t n = e->f ? strlen(e->f) : 0;                                                \
		memcpy(p, e->f ? e->f : "", n);                                                    \
		p[n] = 0;                                                                          \
		c->f = p;                                                                          \
		p += n + 1;                                                                        \
	}
	FIELDS(COPY)
#undef COPY
	return c;
}

void sk_event_free(sk_event *e)
{
	free(e);
}

/* ---- the writer ---- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *writer(void *arg)
{
	sk_event_store *s = arg;
	sk_event *batch[BATCH_MAX];
	int64_t last_retain = 0;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		if (s->n == 0 && !s->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += FLUSH_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&s->wake, &s->lock, &ts);
		}
		size_t k = 0;
		while (s->n && k < BATCH_MAX) {
			batch[k++] = s->q[s->head];
			s->head = (s->head + 1) % s->cap;
			s->n--;
		}
		bool stop = s->stop && s->n == 0 && k == 0;
		pthread_mutex_unlock(&s->lock);
		if (k) {
			sk_error err = {0};
			/* A store that fails (disk full, locked) loses this batch,
			 * counted, and the gateway goes on. */
			size_t w = 0;
			if (s->be->insert(s->db, batch, k, &w, &err) == SK_OK)
				w = k;
			atomic_fetch_add(&s->written, w);
			atomic_fetch_add(&s->dropped, k - w);
			for (size_t i = 0; i < k; i++)
				sk_event_free(batch[i]);
		}
		int64_t t = now_ms();
		if ((s->opt.retention_ms || s->opt.max_events) &&
		    t - last_retain >= RETAIN_EVERY_MS) {
			sk_error err = {0};
			last_retain = t;
			(void)s->be->retain(s->db,
			                    s->opt.retention_ms ? t - s->opt.retention_ms : 0,
			                    s->opt.max_events, &err);
		}
		if (stop)
			return NULL;
	}
}

/* postgres:// and postgresql:// URLs are PostgreSQL; anything else is a
 * SQLite file path. */
static const sk_event_backend *backend_for(const char *store)
{
	if (strncmp(store, "postgres://", 11) == 0 || strncmp(store, "postgresql://", 13) == 0)
		return &sk_events_postgres;
	return &sk_events_sqlite;
}

static sk_status open_store(const char *store, bool create, sk_event_store **out, sk_error *err)
{
	sk_event_store *s = calloc(1, sizeof *s);
	if (!s)
		return sk_fail(err, SK_E_NOMEM, "out of memory");
	s->be = backend_for(store);
	sk_status st = s->be->open(store, create, &s->db, err);
	if (st) {
		free(s);
		return st;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	*out = s;
	return SK_OK;
}

sk_status sk_events_open(const sk_events_options *o, sk_event_store **out, sk_error *err)
{
	sk_event_store *s = NULL;
	sk_status st = open_store(o->store, true, &s, err);
	if (st)
		return st;
	s->opt = *o;
	s->cap = o->queue ? o->queue : 10000;
	s->q = calloc(s->cap, sizeof *s->q);
	if (!s->q || pthread_create(&s->thread, NULL, writer, s) != 0) {
		sk_events_close(s);
		return sk_fail(err, SK_E_NOMEM, "events: cannot start the writer");
	}
	s->running = true;
	*out = s;
	return SK_OK;
}

sk_status sk_events_open_read(const char *store, sk_event_store **out, sk_error *err)
{
	return open_store(store, false, out, err);
}

void sk_events_close(sk_event_store *s)
{
	if (!s)
		return;
	if (s->running) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	while (s->n) {
		sk_event_free(s->q[s->head]);
		s->head = (s->head + 1) % s->cap;
		s->n--;
	}
	free(s->q);
	s->be->close(s->db);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}

bool sk_events_submit(sk_event_store *s, const sk_event *e)
{
	sk_event *c = sk_event_copy(e);
	if (!c) {
		atomic_fetch_add(&s->dropped, 1);
		return false;
	}
	pthread_mutex_lock(&s->lock);
	bool room = s->n < s->cap && !s->stop;
	if (room) {
		s->q[(s->head + s->n) % s->cap] = c;
		s->n++;
		if (s->n == 1 || s->n >= BATCH_MAX)
			pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
	if (!room) {
		sk_event_free(c);
		atomic_fetch_add(&s->dropped, 1);
	}
	return room;
}

uint64_t sk_events_dropped(sk_event_store *s)
{
	return atomic_load(&s->dropped);
}

uint64_t sk_events_written(sk_event_store *s)
{
	return atomic_load(&s->written);
}

sk_status sk_events_query(sk_event_store *s, const sk_event_filter *f, sk_event_fn fn, void *ctx,
                          sk_error *err)
{
	return s->be->query(s->db, f, fn, ctx, err);
}
