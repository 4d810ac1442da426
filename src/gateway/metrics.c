#include "gateway/metrics.h"

#include <stdlib.h>
#include <string.h>

/* Upper bounds, seconds. */
static const double lat_bounds[GW_LAT_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

void gw_metrics_init(gw_metrics *m)
{
	memset(m, 0, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
}

void gw_metrics_free(gw_metrics *m)
{
	for (size_t i = 0; i < m->nrules; i++) {
		free(m->rules[i].name);
		free(m->rules[i].action);
	}
	for (size_t i = 0; i < m->nlabels; i++)
		free(m->labels[i].name);
	free(m->rules);
	free(m->labels);
	pthread_mutex_destroy(&m->lock);
}

void gw_metrics_latency(gw_metrics *m, uint64_t ns)
{
	double s = (double)ns / 1e9;
	size_t i = 0;
	while (i < GW_LAT_BUCKETS && s > lat_bounds[i])
		i++;
	atomic_fetch_add_explicit(&m->lat[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->lat_sum_us, ns / 1000, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->lat_count, 1, memory_order_relaxed);
}

/* Counts (name, action) in a map; new names beyond 10,000 are not added,
 * so hostile label churn cannot grow it without bound. */
static void bump(gw_named_count **v, size_t *n, size_t *cap, const char *name, const char *action)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0 &&
		    (!action || strcmp((*v)[i].action, action) == 0)) {
			(*v)[i].n++;
			return;
		}
	if (*n >= 10000)
		return;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		gw_named_count *nv = realloc(*v, nc * sizeof *nv);
		if (!nv)
			return;
		*v = nv;
		*cap = nc;
	}
	char *nm = strdup(name), *ac = action ? strdup(action) : NULL;
	if (!nm || (action && !ac)) {
		free(nm);
		free(ac);
		return;
	}
	(*v)[(*n)++] = (gw_named_count){nm, ac, 1};
}

void gw_metrics_rule(gw_metrics *m, const char *rule, const char *action)
{
	pthread_mutex_lock(&m->lock);
	bump(&m->rules, &m->nrules, &m->caprules, rule, action);
	pthread_mutex_unlock(&m->lock);
}

void gw_metrics_label(gw_metrics *m, const char *label)
{
	pthread_mutex_lock(&m->lock);
	bump(&m->labels, &m->nlabels, &m->caplabels, label, NULL);
	pthread_mutex_unlock(&m->lock);
}

/* Label values are escaped as the exposition format asks. */
static sk_status put_label_value(sk_buf *b, const char *s)
{
	sk_status st = SK_OK;
	for (; *s && !st; s++) {
		if (*s == '\\' || *s == '"')
			st = sk_buf_putc(b, '\\');
		if (!st)
			st = *s == '\n' ? sk_buf_puts(b, "\\n") : sk_buf_putc(b, (uint8_t)*s);
	}
	return st;
}

#define LOAD(x) ((unsigned long long)atomic_load_explicit(&(x), memory_order_relaxed))

sk_status gw_metrics_render(gw_metrics *m, size_t open_conns, sk_buf *b)
{
	sk_status st = sk_buf_printf(
	    b,
	    "# HELP sekisho_requests_total Requests inspected, by the action that applied.\n"
	    "# TYPE sekisho_requests_total counter\n"
	    "sekisho_requests_total{action=\"ALLOW\"} %llu\n"
	    "sekisho_requests_total{action=\"BLOCK\"} %llu\n"
	    "sekisho_requests_total{action=\"CAPTCHA\"} %llu\n"
	    "sekisho_requests_total{action=\"CHALLENGE\"} %llu\n"
	    "# HELP sekisho_counted_requests_total Requests on which a Count rule matched.\n"
	    "# TYPE sekisho_counted_requests_total counter\n"
	    "sekisho_counted_requests_total %llu\n"
	    "# HELP sekisho_bad_requests_total Requests refused before inspection (malformed or "
	    "ambiguous HTTP, limits).\n"
	    "# TYPE sekisho_bad_requests_total counter\n"
	    "sekisho_bad_requests_total %llu\n"
	    "# HELP sekisho_inspection_errors_total Requests whose inspection could not finish.\n"
	    "# TYPE sekisho_inspection_errors_total counter\n"
	    "sekisho_inspection_errors_total %llu\n"
	    "# HELP sekisho_busy_total Requests answered 503 for want of buffer space or "
	    "connections.\n"
	    "# TYPE sekisho_busy_total counter\n"
	    "sekisho_busy_total %llu\n"
	    "# HELP sekisho_upstream_errors_total Upstream failures answered 502.\n"
	    "# TYPE sekisho_upstream_errors_total counter\n"
	    "sekisho_upstream_errors_total %llu\n"
	    "# HELP sekisho_upstream_timeouts_total Upstream timeouts answered 504.\n"
	    "# TYPE sekisho_upstream_timeouts_total counter\n"
	    "sekisho_upstream_timeouts_total %llu\n"
	    "# HELP sekisho_connections_accepted_total Client connections accepted.\n"
	    "# TYPE sekisho_connections_accepted_total counter\n"
	    "sekisho_connections_accepted_total %llu\n"
	    "# HELP sekisho_connections_open Client connections open now.\n"
	    "# TYPE sekisho_connections_open gauge\n"
	    "sekisho_connections_open %zu\n"
	    "# HELP sekisho_reloads_total Configuration reloads, by result.\n"
	    "# TYPE sekisho_reloads_total counter\n"
	    "sekisho_reloads_total{result=\"ok\"} %llu\n"
	    "sekisho_reloads_total{result=\"refused\"} %llu\n"
	    "# HELP sekisho_request_duration_seconds From a request's first byte to the end of "
	    "its response.\n"
	    "# TYPE sekisho_request_duration_seconds histogram\n",
	    LOAD(m->allowed), LOAD(m->blocked), LOAD(m->captcha), LOAD(m->challenge),
	    LOAD(m->counted), LOAD(m->bad_requests), LOAD(m->inspection_errors), LOAD(m->busy),
	    LOAD(m->upstream_errors), LOAD(m->upstream_timeouts), LOAD(m->accepted), open_conns,
	    LOAD(m->reloads), LOAD(m->reload_failures));
	unsigned long long cum = 0;
	for (size_t i = 0; i <= GW_LAT_BUCKETS && !st; i++) {
		cum += LOAD(m->lat[i]);
		if (i < GW_LAT_BUCKETS)
			st = sk_buf_printf(
			    b, "sekisho_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			    lat_bounds[i], cum);
		else
			st = sk_buf_printf(
			    b, "sekisho_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	}
	if (!st)
		st =
		    sk_buf_printf(b,
		                  "sekisho_request_duration_seconds_sum %.6f\n"
		                  "sekisho_request_duration_seconds_count %llu\n"
		                  "# HELP sekisho_rule_matches_total Terminating and counting rule "
		                  "matches, by rule and action.\n"
		                  "# TYPE sekisho_rule_matches_total counter\n",
		                  (double)LOAD(m->lat_sum_us) / 1e6, LOAD(m->lat_count));
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->nrules && !st; i++) {
		st = sk_buf_puts(b, "sekisho_rule_matches_total{rule=\"");
		if (!st)
			st = put_label_value(b, m->rules[i].name);
		if (!st)
			st = sk_buf_printf(b, "\",action=\"%s\"} %llu\n", m->rules[i].action,
			                   (unsigned long long)m->rules[i].n);
	}
	if (!st)
		st =
		    sk_buf_puts(b, "# HELP sekisho_labels_total Labels added to requests that were "
		                   "blocked or counted.\n"
		                   "# TYPE sekisho_labels_total counter\n");
	for (size_t i = 0; i < m->nlabels && !st; i++) {
		st = sk_buf_puts(b, "sekisho_labels_total{label=\"");
		if (!st)
			st = put_label_value(b, m->labels[i].name);
		if (!st)
			st = sk_buf_printf(b, "\"} %llu\n", (unsigned long long)m->labels[i].n);
	}
	pthread_mutex_unlock(&m->lock);
	return st;
}
