/* The SQLite event backend: one file, WAL mode (readers such as
 * `sekisho events` do not block the writer), a busy timeout so a reader's
 * lock is waited for rather than failed on. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/events.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS events ("
    " id INTEGER PRIMARY KEY,"
    " time_ms INTEGER NOT NULL,"
    " request_id TEXT, client_ip TEXT, method TEXT, host TEXT, path TEXT, query TEXT,"
    " user_agent TEXT, action TEXT, terminating_rule TEXT, rules TEXT, labels TEXT,"
    " field TEXT, matched TEXT, reason TEXT, request TEXT, record TEXT);"
    "CREATE INDEX IF NOT EXISTS events_time ON events(time_ms);";

#define COLUMNS                                                                                    \
	"id, time_ms, request_id, client_ip, method, host, path, query, user_agent, action, "      \
	"terminating_rule, rules, labels, field, matched, reason, request, record"

static sk_status db_fail(sqlite3 *db, const char *what, sk_error *err)
{
	return sk_fail(err, SK_E_IO, "events: %s: %s", what, db ? sqlite3_errmsg(db) : "no memory");
}

static sk_status sq_open(const char *store, bool create, void **out, sk_error *err)
{
	sqlite3 *db = NULL;
	int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(store, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sk_status st = sk_fail(err, SK_E_IO, "events: %s: %s", store,
		                       db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return st;
	}
	sqlite3_busy_timeout(db, 5000);
	char *msg = NULL;
	const char *setup = create ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" : "";
	if ((*setup && sqlite3_exec(db, setup, NULL, NULL, &msg) != SQLITE_OK) ||
	    (create && sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK) ||
	    sqlite3_exec(db, "SELECT count(*) FROM events LIMIT 0", NULL, NULL, &msg) !=
	        SQLITE_OK) {
		sk_status st = sk_fail(err, SK_E_IO, "events: %s: %s", store,
		                       msg ? msg : "not an event store");
		sqlite3_free(msg);
		sqlite3_close(db);
		return st;
	}
	*out = db;
	return SK_OK;
}

static void sq_close(void *db)
{
	sqlite3_close(db);
}

static sk_status sq_insert(void *v, sk_event **ev, size_t n, size_t *written, sk_error *err)
{
	sqlite3 *db = v;
	*written = 0; /* one transaction: all or nothing */
	sqlite3_stmt *st = NULL;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "begin", err);
	if (sqlite3_prepare_v2(
	        db,
	        "INSERT INTO events (time_ms, request_id, client_ip, method, host, path,"
	        " query, user_agent, action, terminating_rule, rules, labels, field,"
	        " matched, reason, request, record)"
	        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	        -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const sk_event *e = ev[i];
		const char *t[] = {
		    e->request_id, e->client_ip, e->method,           e->host,  e->path,   e->query,
		    e->user_agent, e->action,    e->terminating_rule, e->rules, e->labels, e->field,
		    e->matched,    e->reason,    e->request,          e->record};
		sqlite3_bind_int64(st, 1, e->time_ms);
		for (int k = 0; k < 16; k++)
			sqlite3_bind_text(st, k + 2, t[k], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "commit", err);
	*written = n;
	return SK_OK;
fail:;
	sk_status s = db_fail(db, "insert", err);
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return s;
}

static sk_status sq_retain(void *v, int64_t before_ms, int64_t max_events, sk_error *err)
{
	sqlite3 *db = v;
	char sql[256];
	if (before_ms > 0) {
		snprintf(sql, sizeof sql, "DELETE FROM events WHERE time_ms < %lld",
		         (long long)before_ms);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(db, "retention", err);
	}
	if (max_events > 0) {
		snprintf(sql, sizeof sql,
		         "DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - %lld",
		         (long long)max_events);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return db_fail(db, "retention", err);
	}
	return SK_OK;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static sk_status sq_query(void *v, const sk_event_filter *f, sk_event_fn fn, void *ctx,
                          sk_error *err)
{
	sqlite3 *db = v;
	/* The newest `limit` matching events, then printed oldest first. A
	 * rule or label may be given by its last part: compared as a suffix
	 * after '/' or ':' (not LIKE, where '_' would be a wildcard). */
	const char *sql =
	    "SELECT * FROM (SELECT " COLUMNS " FROM events WHERE"
	    " (?1 <= 0 OR id = ?1) AND time_ms >= ?2"
	    " AND (?3 IS NULL OR action = ?3)"
	    " AND (?4 IS NULL OR terminating_rule = ?4 OR substr(terminating_rule, -length(?4) - "
	    "1) = '/' || ?4"
	    "      OR EXISTS (SELECT 1 FROM json_each(rules) WHERE json_each.value ->> 'rule' = ?4"
	    "                 OR substr(json_each.value ->> 'rule', -length(?4) - 1) = '/' || ?4))"
	    " AND (?5 IS NULL OR EXISTS (SELECT 1 FROM json_each(labels) WHERE json_each.value = ?5"
	    "      OR substr(json_each.value, -length(?5) - 1) = ':' || ?5))"
	    " AND (?6 IS NULL OR client_ip = ?6)"
	    " AND (?7 IS NULL OR substr(path, 1, length(?7)) = ?7)"
	    " AND (?9 IS NULL OR request_id = ?9)"
	    " ORDER BY id DESC LIMIT ?8) ORDER BY id";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "query", err);
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, f->since_ms);
	const char *txt[] = {f->action, f->rule, f->label, f->ip, f->path};
	for (int k = 0; k < 5; k++) {
		if (txt[k])
			sqlite3_bind_text(st, k + 3, txt[k], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, k + 3);
	}
	sqlite3_bind_int64(st, 8, f->limit > 0 ? f->limit : -1);
	if (f->request_id)
		sqlite3_bind_text(st, 9, f->request_id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	sk_status s = SK_OK;
	int rc;
	while (s == SK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sk_event e = {.id = sqlite3_column_int64(st, 0),
		              .time_ms = sqlite3_column_int64(st, 1)};
		const char **out[] = {
		    &e.request_id, &e.client_ip, &e.method,           &e.host,  &e.path,   &e.query,
		    &e.user_agent, &e.action,    &e.terminating_rule, &e.rules, &e.labels, &e.field,
		    &e.matched,    &e.reason,    &e.request,          &e.record};
		for (int k = 0; k < 16; k++)
			*out[k] = col(st, k + 2);
		s = fn(ctx, &e);
	}
	if (s == SK_OK && rc != SQLITE_DONE)
		s = db_fail(db, "query", err);
	sqlite3_finalize(st);
	return s;
}

const sk_event_backend sk_events_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .insert = sq_insert,
    .retain = sq_retain,
    .query = sq_query,
    .close = sq_close,
};
