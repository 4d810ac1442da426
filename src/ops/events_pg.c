/* The PostgreSQL event backend (libpq), for many gateways sharing one
 * store: the same table and the same filters as the SQLite backend. Rules
 * and labels are kept as JSON text and read with PostgreSQL's JSON
 * functions. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/events.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS events ("
    " id BIGSERIAL PRIMARY KEY,"
    " time_ms BIGINT NOT NULL,"
    " request_id TEXT, client_ip TEXT, method TEXT, host TEXT, path TEXT, query TEXT,"
    " user_agent TEXT, action TEXT, terminating_rule TEXT, rules TEXT, labels TEXT,"
    " field TEXT, matched TEXT, reason TEXT, request TEXT, record TEXT);"
    "CREATE INDEX IF NOT EXISTS events_time ON events(time_ms);";

static sk_status pg_fail(PGconn *db, const char *what, sk_error *err)
{
	const char *m = db ? PQerrorMessage(db) : "no memory";
	size_t n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	return sk_fail(err, SK_E_IO, "events (postgres): %s: %.*s", what, (int)n, m);
}

static bool ok(PGresult *r)
{
	ExecStatusType s = PQresultStatus(r);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static sk_status exec(PGconn *db, const char *sql, const char *what, sk_error *err)
{
	PGresult *r = PQexec(db, sql);
	bool good = ok(r);
	PQclear(r);
	return good ? SK_OK : pg_fail(db, what, err);
}

static sk_status pg_open(const char *store, bool create, void **out, sk_error *err)
{
	PGconn *db = PQconnectdb(store);
	if (!db || PQstatus(db) != CONNECTION_OK) {
		sk_status st = pg_fail(db, "connect", err);
		PQfinish(db);
		return st;
	}
	/* Quiet NOTICEs ("relation already exists") would go to stderr. */
	sk_status st = exec(db, "SET client_min_messages = warning", "setup", err);
	if (!st && create)
		st = exec(db, schema, "schema", err);
	if (!st)
		st = exec(db, "SELECT count(*) FROM events WHERE false", "not an event store", err);
	if (st) {
		PQfinish(db);
		return st;
	}
	*out = db;
	return SK_OK;
}

static void pg_close(void *db)
{
	PQfinish(db);
}

/* A connection lost (a server restart, the network) is opened again
 * before the next statement, rather than every later batch failing. */
static bool alive(PGconn *db)
{
	if (PQstatus(db) == CONNECTION_OK)
		return true;
	PQreset(db);
	return PQstatus(db) == CONNECTION_OK;
}

static sk_status insert_one(PGconn *db, const sk_event *e, sk_error *err)
{
	char t[24];
	snprintf(t, sizeof t, "%lld", (long long)e->time_ms);
	const char *p[] = {
	    t,        e->request_id, e->client_ip, e->method,           e->host,  e->path,
	    e->query, e->user_agent, e->action,    e->terminating_rule, e->rules, e->labels,
	    e->field, e->matched,    e->reason,    e->request,          e->record};
	PGresult *r = PQexecParams(
	    db,
	    "INSERT INTO events (time_ms, request_id, client_ip, method, host, path, query,"
	    " user_agent, action, terminating_rule, rules, labels, field, matched, reason,"
	    " request, record) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,"
	    "$17)",
	    17, NULL, p, NULL, NULL, 0);
	sk_status st = ok(r) ? SK_OK : pg_fail(db, "insert", err);
	PQclear(r);
	return st;
}

/* A batch in one transaction; when it fails, row by row, so one row the
 * server refuses loses only itself. */
static sk_status pg_insert(void *v, sk_event **ev, size_t n, size_t *written, sk_error *err)
{
	PGconn *db = v;
	*written = 0;
	if (!alive(db))
		return pg_fail(db, "reconnect", err);
	sk_status st = exec(db, "BEGIN", "begin", err);
	for (size_t i = 0; i < n && !st; i++)
		st = insert_one(db, ev[i], err);
	if (!st)
		st = exec(db, "COMMIT", "commit", err);
	if (!st) {
		*written = n;
		return SK_OK;
	}
	PQclear(PQexec(db, "ROLLBACK"));
	if (!alive(db))
		return pg_fail(db, "reconnect", err);
	sk_status first = SK_OK;
	for (size_t i = 0; i < n; i++) {
		sk_status one = insert_one(db, ev[i], err);
		if (one && !first)
			first = one;
		else if (!one)
			++*written;
	}
	return first;
}

static sk_status pg_retain(void *v, int64_t before_ms, int64_t max_events, sk_error *err)
{
	PGconn *db = v;
	char sql[256];
	sk_status st = SK_OK;
	if (before_ms > 0) {
		snprintf(sql, sizeof sql, "DELETE FROM events WHERE time_ms < %lld",
		         (long long)before_ms);
		st = exec(db, sql, "retention", err);
	}
	if (!st && max_events > 0) {
		snprintf(sql, sizeof sql,
		         "DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - %lld",
		         (long long)max_events);
		st = exec(db, sql, "retention", err);
	}
	return st;
}

static sk_status pg_query(void *v, const sk_event_filter *f, sk_event_fn fn, void *ctx,
                          sk_error *err)
{
	PGconn *db = v;
	if (!alive(db))
		return pg_fail(db, "reconnect", err);
	const char *sql =
	    "SELECT * FROM (SELECT id, time_ms, request_id, client_ip, method, host, path, query,"
	    " user_agent, action, terminating_rule, rules, labels, field, matched, reason, request,"
	    " record FROM events WHERE"
	    " ($1::bigint <= 0 OR id = $1::bigint) AND time_ms >= $2::bigint"
	    " AND ($3::text IS NULL OR action = $3)"
	    " AND ($4::text IS NULL OR terminating_rule = $4 OR right(terminating_rule, length($4) "
	    "+ 1) = '/' || $4"
	    "      OR EXISTS (SELECT 1 FROM json_array_elements(rules::json) r"
	    "                 WHERE r->>'rule' = $4 OR right(r->>'rule', length($4) + 1) = '/' || "
	    "$4))"
	    " AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM "
	    "json_array_elements_text(labels::json) l"
	    "      WHERE l = $5 OR right(l, length($5) + 1) = ':' || $5))"
	    " AND ($6::text IS NULL OR client_ip = $6)"
	    " AND ($7::text IS NULL OR substr(path, 1, length($7)) = $7)"
	    " AND ($9::text IS NULL OR request_id = $9)"
	    " ORDER BY id DESC LIMIT $8::bigint) e ORDER BY id";
	char id[24], since[24], lim[24];
	snprintf(id, sizeof id, "%lld", (long long)f->id);
	snprintf(since, sizeof since, "%lld", (long long)f->since_ms);
	/* LIMIT NULL is no limit in PostgreSQL */
	snprintf(lim, sizeof lim, "%ld", f->limit);
	const char *p[] = {id,           since, f->action, f->rule,
	                   f->label,     f->ip, f->path,   f->limit > 0 ? lim : NULL,
	                   f->request_id};
	PGresult *r = PQexecParams(db, sql, 9, NULL, p, NULL, NULL, 0);
	if (!ok(r)) {
		sk_status st = pg_fail(db, "query", err);
		PQclear(r);
		return st;
	}
	sk_status st = SK_OK;
	for (int row = 0; row < PQntuples(r) && !st; row++) {
		sk_event e = {.id = strtoll(PQgetvalue(r, row, 0), NULL, 10),
		              .time_ms = strtoll(PQgetvalue(r, row, 1), NULL, 10)};
		const char **out[] = {
		    &e.request_id, &e.client_ip, &e.method,           &e.host,  &e.path,   &e.query,
		    &e.user_agent, &e.action,    &e.terminating_rule, &e.rules, &e.labels, &e.field,
		    &e.matched,    &e.reason,    &e.request,          &e.record};
		for (int k = 0; k < 16; k++)
			*out[k] = PQgetvalue(r, row, k + 2); /* "" for NULL */
		st = fn(ctx, &e);
	}
	PQclear(r);
	return st;
}

const sk_event_backend sk_events_postgres = {
    .name = "postgres",
    .open = pg_open,
    .insert = pg_insert,
    .retain = pg_retain,
    .query = pg_query,
    .close = pg_close,
};
