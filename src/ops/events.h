/* The event store: every blocked and counted request (and a sample of the
 * allowed ones), written off the request path. The gateway submits events
 * to a bounded queue and never waits: when the queue is full, or the store
 * could not be opened, events are counted as dropped. A writer thread
 * inserts them in batches and applies retention.
 *
 * Backends sit behind one table of functions: SQLite (a file, WAL mode,
 * the default) and, for fleets of gateways, PostgreSQL. */
#ifndef SK_OPS_EVENTS_H
#define SK_OPS_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

/* One event. Strings are NUL-terminated, owned by the event (one block). */
typedef struct sk_event {
	int64_t id; /* set by the store */
	int64_t time_ms;
	const char *request_id, *client_ip, *method, *host, *path, *query, *user_agent;
	const char *action;           /* BLOCK, COUNT (matched but allowed), ALLOW, CAPTCHA... */
	const char *terminating_rule; /* "web ACL rule[/group rule]", or "" */
	const char *rules;            /* JSON array of every matching rule: see events.c */
	const char *labels;           /* JSON array of label names */
	const char *field, *matched;  /* where the terminating (or first) match was, and on what */
	const char *reason;           /* in words */
	const char *request;          /* the request as a JSON line (re-evaluation) */
	const char *record;           /* the AWS WAF log record ("" when not kept) */
} sk_event;

/* Builds an event whose strings are copied into one allocation; free()
 * it with sk_event_free. NULL strings become "". */
sk_event *sk_event_copy(const sk_event *e);
void sk_event_free(sk_event *e);

typedef struct sk_event_store sk_event_store;

typedef struct sk_events_options {
	const char *store;    /* a file path (SQLite) or postgres:// URL */
	int64_t retention_ms; /* events older are deleted; 0: kept */
	int64_t max_events;   /* beyond, the oldest are deleted; 0: no cap */
	size_t queue;         /* events waiting at most (default 10,000) */
} sk_events_options;

/* Opens the store (creating the schema) and starts the writer thread. */
SK_MUST_CHECK sk_status sk_events_open(const sk_events_options *o, sk_event_store **out,
                                       sk_error *err);
/* Stops the writer after it has written what is queued. */
void sk_events_close(sk_event_store *s);

/* Queues a copy of e (never blocks). false: dropped (queue full). */
bool sk_events_submit(sk_event_store *s, const sk_event *e);
uint64_t sk_events_dropped(sk_event_store *s);
uint64_t sk_events_written(sk_event_store *s);

/* ---- reading, for the command line ---- */

typedef struct sk_event_filter {
	int64_t since_ms;                              /* 0: any time */
	const char *action, *rule, *label, *ip, *path; /* NULL: any; path is a prefix */
	int64_t id;                                    /* > 0: that event only */
	const char *request_id;                        /* NULL: any; else that request only */
	long limit;                                    /* newest N, printed oldest first */
} sk_event_filter;

typedef sk_status (*sk_event_fn)(void *ctx, const sk_event *e);

/* Opens an existing store for reading only. */
SK_MUST_CHECK sk_status sk_events_open_read(const char *store, sk_event_store **out, sk_error *err);
SK_MUST_CHECK sk_status sk_events_query(sk_event_store *s, const sk_event_filter *f, sk_event_fn fn,
                                        void *ctx, sk_error *err);

/* ---- backends ---- */

typedef struct sk_event_backend {
	const char *name;
	sk_status (*open)(const char *store, bool create, void **db, sk_error *err);
	/* *written: how many of the n made it, also on failure. */
	sk_status (*insert)(void *db, sk_event **v, size_t n, size_t *written, sk_error *err);
	sk_status (*retain)(void *db, int64_t before_ms, int64_t max_events, sk_error *err);
	sk_status (*query)(void *db, const sk_event_filter *f, sk_event_fn fn, void *ctx,
	                   sk_error *err);
	void (*close)(void *db);
} sk_event_backend;

extern const sk_event_backend sk_events_sqlite;
extern const sk_event_backend sk_events_postgres;

#endif
