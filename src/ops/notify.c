#include "ops/notify.h"

#include <curl/curl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "waf/ipaddr.h"
#include "waf/report.h"

#define QUEUE_MAX      10000
#define GROUPS_MAX     10000
#define OUTBOX_MAX     1000
#define TICK_MS        250
#define ATTEMPTS       5
#define HTTP_TIMEOUT_S 10

/* ---- configuration ---- */

void sk_notify_config_init(sk_notify_config *c)
{
	memset(c, 0, sizeof *c);
	c->window_ms = 60000;
	c->max_per_minute = 30;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void sk_notify_config_free(sk_notify_config *c)
{
	free(c->slack_url);
	free(c->webhook_url);
	free(c->smtp_url);
	free(c->mail_from);
	free(c->smtp_user);
	free(c->smtp_password);
	free_list(c->mail_to, c->nmail_to);
	free_list(c->silence_labels, c->nsilence_labels);
	free_list(c->silence_rules, c->nsilence_rules);
	free_list(c->silence_paths, c->nsilence_paths);
	free(c->silence_ips);
	free(c->allow_hint);
	memset(c, 0, sizeof *c);
}

static bool dup_str(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return !src || *dst;
}

static bool dup_list(char ***dst, size_t *dn, char *const *src, size_t n)
{
	*dst = NULL;
	*dn = 0;
	if (!n)
		return true;
	if (!(*dst = calloc(n, sizeof **dst)))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((*dst)[i] = strdup(src[i])))
			return false;
		*dn = i + 1;
	}
	return true;
}

bool sk_notify_config_copy(sk_notify_config *d, const sk_notify_config *s)
{
	*d = *s;
	d->silence_ips = NULL;
	bool ok =
	    dup_str(&d->slack_url, s->slack_url) && dup_str(&d->webhook_url, s->webhook_url) &&
	    dup_str(&d->smtp_url, s->smtp_url) && dup_str(&d->mail_from, s->mail_from) &&
	    dup_str(&d->smtp_user, s->smtp_user) && dup_str(&d->smtp_password, s->smtp_password) &&
	    dup_str(&d->allow_hint, s->allow_hint) &&
	    dup_list(&d->mail_to, &d->nmail_to, s->mail_to, s->nmail_to) &&
	    dup_list(&d->silence_labels, &d->nsilence_labels, s->silence_labels,
	             s->nsilence_labels) &&
	    dup_list(&d->silence_rules, &d->nsilence_rules, s->silence_rules, s->nsilence_rules) &&
	    dup_list(&d->silence_paths, &d->nsilence_paths, s->silence_paths, s->nsilence_paths);
	if (ok && s->nsilence_ips) {
		d->silence_ips = malloc(s->nsilence_ips * sizeof *d->silence_ips);
		ok = d->silence_ips != NULL;
		if (ok)
			memcpy(d->silence_ips, s->silence_ips,
			       s->nsilence_ips * sizeof *d->silence_ips);
	}
	return ok;
}

bool sk_notify_configured(const sk_notify_config *c)
{
	return c->slack_url || c->webhook_url || (c->smtp_url && c->nmail_to);
}

/* A label matches a silence entry in full or by its last part. */
static bool label_match(const char *label, const char *want)
{
	size_t l = strlen(label), w = strlen(want);
	return strcmp(label, want) == 0 ||
	       (l > w && label[l - w - 1] == ':' && strcmp(label + l - w, want) == 0);
}

/* A rule matches in full (web ACL rule or group/rule) or by the group
 * rule's own name. */
static bool rule_match(const char *rule, const char *want)
{
	const char *slash = strrchr(rule, '/');
	size_t wn = strlen(want);
	return strcmp(rule, want) == 0 || (slash && strcmp(slash + 1, want) == 0) ||
	       (strncmp(rule, want, wn) == 0 && rule[wn] == '/');
}

bool sk_notify_silenced(const sk_notify_config *c, const sk_block_notice *b)
{
	for (size_t i = 0; i < c->nsilence_rules; i++)
		if (rule_match(b->rule, c->silence_rules[i]))
			return true;
	for (size_t i = 0; i < c->nsilence_labels; i++)
		for (size_t k = 0; k < b->nlabels; k++)
			if (label_match(b->labels[k], c->silence_labels[i]))
				return true;
	for (size_t i = 0; i < c->nsilence_paths; i++)
		if (fnmatch(c->silence_paths[i], b->path, 0) == 0)
			return true;
	uint8_t ip[16];
	if (c->nsilence_ips && sk_ip_parse(sk_str_cstr(b->client_ip), ip) &&
	    sk_ip_ranges_contain(c->silence_ips, c->nsilence_ips, ip))
		return true;
	return false;
}

/* ---- message texts ---- */

/* Message text is best effort: past its cap a message is cut short, not
 * lost, so these ignore a full buffer. */
static void put(sk_buf *b, const char *s)
{
	if (sk_buf_puts(b, s) != SK_OK)
		return;
}

static void putch(sk_buf *b, char c)
{
	if (sk_buf_putc(b, (uint8_t)c) != SK_OK)
		return;
}

static void putf(sk_buf *b, const char *fmt, ...) SK_PRINTF(2, 3);
static void putf(sk_buf *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	put(b, tmp);
}

/* Slack mrkdwn: &, <, > escaped (no links, no <!channel>), and for text
 * inside a code span no backtick or line break either. */
static void slack_escape(sk_buf *b, const char *s, size_t max, bool code)
{
	size_t n = 0;
	for (; *s && n < max; s++, n++) {
		sk_status st;
		switch (*s) {
		case '&': st = sk_buf_puts(b, "&amp;"); break;
		case '<': st = sk_buf_puts(b, "&lt;"); break;
		case '>': st = sk_buf_puts(b, "&gt;"); break;
		case '`': st = sk_buf_putc(b, code ? '\'' : '`'); break;
		case '\n':
		case '\r': st = sk_buf_putc(b, ' '); break;
		default:
			st = (unsigned char)*s < 0x20 ? sk_buf_putc(b, '?')
			                              : sk_buf_putc(b, (uint8_t)*s);
		}
		if (st)
			return;
	}
	if (*s)
		put(b, "...");
}

static void request_line(sk_buf *b, const sk_block_notice *n, bool code)
{
	slack_escape(b, n->method, 16, code);
	putch(b, ' ');
	slack_escape(b, n->host, 100, code);
	slack_escape(b, n->path, 200, code);
	if (n->query && *n->query) {
		putch(b, '?');
		slack_escape(b, n->query, 200, code);
	}
}

static char *json_text(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

char *sk_notify_slack_json(const sk_block_notice *n, long repeats, uint64_t window_ms,
                           const char *allow_hint)
{
	sk_buf b;
	sk_buf_init(&b, 16384);
	if (repeats > 0)
		putf(&b,
		     ":repeat: *%ld more* like this in the last %llu s (same rule, "
		     "path and client): `",
		     repeats, (unsigned long long)(window_ms / 1000));
	else
		putf(&b, ":no_entry: *sekisho %s* `",
		     strcmp(n->action, "BLOCK") == 0 ? "blocked" : n->action);
	request_line(&b, n, true);
	put(&b, "`\n*Rule:* `");
	slack_escape(&b, n->rule, 300, true);
	put(&b, "`\n*Why:* ");
	slack_escape(&b, n->reason, 600, false);
	put(&b, "\n*Client:* `");
	slack_escape(&b, n->client_ip, 64, true);
	put(&b, "`  *Request id:* `");
	slack_escape(&b, n->request_id, 64, true);
	put(&b, "`\n*To allow requests like it:* `sekisho allow ");
	slack_escape(&b, n->request_id, 64, true);
	if (allow_hint) {
		putch(&b, ' ');
		slack_escape(&b, allow_hint, 300, true);
	}
	putch(&b, '`');
	json_t *o = json_object();
	json_object_set_new(o, "text", sk_json_bytes(sk_buf_str(&b)));
	sk_buf_free(&b);
	return json_text(o);
}

char *sk_notify_webhook_json(const sk_block_notice *n, long repeats, uint64_t window_ms,
                             const char *allow_hint)
{
	json_t *o = json_object();
	json_object_set_new(o, "event", json_string(repeats > 0 ? "repeats" : "blocked"));
	json_object_set_new(o, "count", json_integer(repeats > 0 ? repeats : 1));
	json_object_set_new(o, "window_seconds", json_integer((json_int_t)(window_ms / 1000)));
	json_object_set_new(o, "time_ms", json_integer(n->time_ms));
	const struct {
		const char *k, *v;
	} f[] = {{"action", n->action}, {"rule", n->rule},     {"client_ip", n->client_ip},
	         {"method", n->method}, {"host", n->host},     {"path", n->path},
	         {"query", n->query},   {"reason", n->reason}, {"request_id", n->request_id}};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		json_object_set_new(o, f[i].k, sk_json_bytes(sk_str_cstr(f[i].v ? f[i].v : "")));
	json_t *labels = json_array();
	for (size_t i = 0; i < n->nlabels; i++)
		json_array_append_new(labels, sk_json_bytes(sk_str_cstr(n->labels[i])));
	json_object_set_new(o, "labels", labels);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "sekisho allow %s%s%s", n->request_id, allow_hint ? " " : "",
	         allow_hint ? allow_hint : "");
	json_object_set_new(o, "allow_command", sk_json_bytes(sk_str_cstr(cmd)));
	return json_text(o);
}

static char *mail_text(const sk_notify_config *c, const sk_block_notice *n, long repeats)
{
	sk_buf b;
	sk_buf_init(&b, 16384);
	/* Header fields carry no request text: a CR or LF there would be
	 * header injection. The body is plain text. */
	putf(&b,
	     "From: %s\r\nSubject: sekisho: %s by a web ACL rule\r\n"
	     "Content-Type: text/plain; charset=utf-8\r\n\r\n",
	     c->mail_from ? c->mail_from : "sekisho", repeats ? "repeated blocks" : "a block");
	if (repeats)
		putf(&b, "%ld more like this in the last %llu s.\r\n\r\n", repeats,
		     (unsigned long long)(c->window_ms / 1000));
	sk_buf line;
	sk_buf_init(&line, 4096);
	request_line(&line, n, false);
	putf(&b,
	     "Request: %.*s\r\nRule: %s\r\nWhy: %s\r\nClient: %s\r\nRequest id: %s\r\n"
	     "To allow requests like it: sekisho allow %s %s\r\n",
	     (int)line.n, (const char *)line.p, n->rule, n->reason, n->client_ip, n->request_id,
	     n->request_id, c->allow_hint ? c->allow_hint : "");
	sk_buf_free(&line);
	/* A line with a lone "." would end the SMTP data early: curl dot-stuffs,
	 * but bare CR and LF from request text are flattened anyway. */
	putch(&b, 0);
	char *s = strdup(b.p ? (const char *)b.p : "");
	sk_buf_free(&b);
	return s;
}

/* ---- sending ---- */

typedef enum target { T_SLACK, T_WEBHOOK, T_MAIL } target;

typedef struct msg {
	target t;
	char *body;
	int attempts;
	int64_t next_at;
} msg;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

typedef struct reader {
	const char *p;
	size_t left;
} reader;

static size_t read_mail(char *buf, size_t s, size_t n, void *u)
{
	reader *r = u;
	size_t k = s * n < r->left ? s * n : r->left;
	memcpy(buf, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

/* 0: sent; > 0: retry after that many ms; < 0: failed for good. */
static long send_one(const sk_notify_config *c, const msg *m, char *why, size_t whyn)
{
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(why, whyn, "no memory");
		return 1000;
	}
	struct curl_slist *hdr = NULL, *rcpt = NULL;
	reader rd = {m->body, strlen(m->body)};
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)HTTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (m->t == T_MAIL) {
		curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
		curl_easy_setopt(h, CURLOPT_MAIL_FROM, c->mail_from ? c->mail_from : "sekisho");
		for (size_t i = 0; i < c->nmail_to; i++)
			rcpt = curl_slist_append(rcpt, c->mail_to[i]);
		curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, read_mail);
		curl_easy_setopt(h, CURLOPT_READDATA, &rd);
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
		if (c->smtp_user)
			curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user);
		if (c->smtp_password)
			curl_easy_setopt(h, CURLOPT_PASSWORD, c->smtp_password);
	} else {
		curl_easy_setopt(h, CURLOPT_URL, m->t == T_SLACK ? c->slack_url : c->webhook_url);
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, m->body);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	}
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_off_t retry_after = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry_after);
	curl_slist_free_all(hdr);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	long backoff = 1000L << (m->attempts < 6 ? m->attempts : 6);
	if (rc != CURLE_OK) {
		snprintf(why, whyn, "%s", curl_easy_strerror(rc));
		return backoff;
	}
	if (m->t == T_MAIL || (code >= 200 && code < 300))
		return 0;
	snprintf(why, whyn, "HTTP %ld", code);
	if (code == 429 || code >= 500)
		return retry_after > 0 && retry_after < 600 ? (long)retry_after * 1000 : backoff;
	return -1;
}

/* ---- the notifier ---- */

typedef struct notice {
	sk_block_notice b;
	char *strs; /* one block holding every string */
	char **labels;
} notice;

typedef struct group {
	char *key;
	notice *first;
	long repeats;
	int64_t window_end;
	struct group *next;
} group;

#define BUCKETS 4096

struct sk_notifier {
	sk_notify_config own; /* the thread's own copy; c points to it */
	const sk_notify_config *c;
	sk_notify_config *pending; /* a new one from sk_notify_reconfigure, under lock */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	notice **q;
	size_t head, n;
	bool stop;
	group *buckets[BUCKETS];
	size_t ngroups;
	msg *out;
	size_t nout;
	double tokens;
	int64_t last_refill;
	atomic_uint_fast64_t sent, failed, silenced, dropped, grouped;
};

static notice *notice_copy(const sk_block_notice *b)
{
	const char *s[] = {b->rule, b->action, b->client_ip, b->method,    b->host,
	                   b->path, b->query,  b->reason,    b->request_id};
	size_t need = 0;
	for (size_t i = 0; i < 9; i++)
		need += (s[i] ? strlen(s[i]) : 0) + 1;
	for (size_t i = 0; i < b->nlabels; i++)
		need += strlen(b->labels[i]) + 1;
	notice *n = calloc(1, sizeof *n);
	char *p = n ? malloc(need) : NULL;
	char **labels = n ? calloc(b->nlabels + 1, sizeof *labels) : NULL;
	if (!p || !labels) {
		free(n);
		free(p);
		free(labels);
		return NULL;
	}
	n->strs = p;
	n->labels = labels;
	const char **d[] = {&n->b.rule, &n->b.action, &n->b.client_ip, &n->b.method,    &n->b.host,
	                    &n->b.path, &n->b.query,  &n->b.reason,    &n->b.request_id};
	for (size_t i = 0; i < 9; i++) {
		size_t k = s[i] ? strlen(s[i]) : 0;
		memcpy(p, s[i] ? s[i] : "", k);
		p[k] = 0;
		*d[i] = p;
		p += k + 1;
	}
	for (size_t i = 0; i < b->nlabels; i++) {
		size_t k = strlen(b->labels[i]);
		memcpy(p, b->labels[i], k + 1);
		labels[i] = p;
		p += k + 1;
	}
	n->b.labels = (const char *const *)labels;
	n->b.nlabels = b->nlabels;
	n->b.time_ms = b->time_ms;
	return n;
}

static void notice_free(notice *n)
{
	if (n) {
		free(n->strs);
		free(n->labels);
		free(n);
	}
}

static void enqueue_msgs(sk_notifier *nf, const notice *n, long repeats)
{
	const sk_notify_config *c = nf->c;
	struct {
		bool on;
		target t;
	} ts[] = {{c->slack_url != NULL, T_SLACK},
	          {c->webhook_url != NULL, T_WEBHOOK},
	          {c->smtp_url != NULL && c->nmail_to > 0, T_MAIL}};
	for (size_t i = 0; i < 3; i++) {
		if (!ts[i].on)
			continue;
		if (nf->nout == OUTBOX_MAX) {
			atomic_fetch_add(&nf->dropped, 1);
			continue;
		}
		char *body =
		    ts[i].t == T_SLACK
		        ? sk_notify_slack_json(&n->b, repeats, c->window_ms, c->allow_hint)
		    : ts[i].t == T_WEBHOOK
		        ? sk_notify_webhook_json(&n->b, repeats, c->window_ms, c->allow_hint)
		        : mail_text(c, &n->b, repeats);
		if (!body) {
			atomic_fetch_add(&nf->dropped, 1);
			continue;
		}
		nf->out[nf->nout++] = (msg){.t = ts[i].t, .body = body, .next_at = 0};
	}
}

static unsigned long hash(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void take(sk_notifier *nf, notice *n, int64_t now)
{
	if (sk_notify_silenced(nf->c, &n->b)) {
		atomic_fetch_add(&nf->silenced, 1);
		notice_free(n);
		return;
	}
	size_t kn = strlen(n->b.rule) + strlen(n->b.path) + strlen(n->b.client_ip) + 3;
	char *key = malloc(kn);
	if (!key) {
		notice_free(n);
		return;
	}
	snprintf(key, kn, "%s\n%s\n%s", n->b.rule, n->b.path, n->b.client_ip);
	group **slot = &nf->buckets[hash(key) % BUCKETS];
	for (group *g = *slot; g; g = g->next)
		if (strcmp(g->key, key) == 0) {
			g->repeats++;
			atomic_fetch_add(&nf->grouped, 1);
			free(key);
			notice_free(n);
			return;
		}
	if (nf->ngroups >= GROUPS_MAX) { /* a flood of distinct groups: alert, not remember */
		enqueue_msgs(nf, n, 0);
		free(key);
		notice_free(n);
		return;
	}
	group *g = calloc(1, sizeof *g);
	if (!g) {
		free(key);
		notice_free(n);
		return;
	}
	g->key = key;
	g->first = n;
	g->window_end = now + (int64_t)nf->c->window_ms;
	g->next = *slot;
	*slot = g;
	nf->ngroups++;
	enqueue_msgs(nf, n, 0);
}

/* Windows that ended: a follow-up for their repeats, then a new window;
 * a window without repeats ends its group. force: all of them, now. */
static void close_windows(sk_notifier *nf, int64_t now, bool force)
{
	for (size_t b = 0; b < BUCKETS; b++) {
		group **pp = &nf->buckets[b];
		while (*pp) {
			group *g = *pp;
			if (!force && g->window_end > now) {
				pp = &g->next;
				continue;
			}
			if (g->repeats > 0) {
				enqueue_msgs(nf, g->first, g->repeats);
				g->repeats = 0;
				g->window_end = now + (int64_t)nf->c->window_ms;
				if (!force) {
					pp = &g->next;
					continue;
				}
			}
			*pp = g->next;
			free(g->key);
			notice_free(g->first);
			free(g);
			nf->ngroups--;
		}
	}
}

static void send_due(sk_notifier *nf, int64_t now, bool final)
{
	double rate = nf->c->max_per_minute ? nf->c->max_per_minute : 30;
	nf->tokens += (double)(now - nf->last_refill) * rate / 60000.0;
	if (nf->tokens > rate)
		nf->tokens = rate;
	nf->last_refill = now;
	size_t k = 0;
	for (size_t i = 0; i < nf->nout; i++) {
		msg *m = &nf->out[i];
		bool keep = true;
		if ((m->next_at <= now || final) && (nf->tokens >= 1 || final)) {
			char why[256] = "";
			nf->tokens -= 1;
			long r = send_one(nf->c, m, why, sizeof why);
			m->attempts++;
			if (r == 0) {
				atomic_fetch_add(&nf->sent, 1);
				keep = false;
			} else if (r < 0 || m->attempts >= ATTEMPTS || final) {
				atomic_fetch_add(&nf->failed, 1);
				keep = false;
			} else {
				m->next_at = now + r;
			}
		}
		if (keep)
			nf->out[k++] = *m;
		else
			free(m->body);
	}
	nf->nout = k;
}

static void *run(void *arg)
{
	sk_notifier *nf = arg;
	for (;;) {
		notice *batch[256];
		size_t k = 0;
		pthread_mutex_lock(&nf->lock);
		if (nf->n == 0 && !nf->stop) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += TICK_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&nf->wake, &nf->lock, &ts);
		}
		while (nf->n && k < 256) {
			batch[k++] = nf->q[nf->head];
			nf->head = (nf->head + 1) % QUEUE_MAX;
			nf->n--;
		}
		bool stop = nf->stop && nf->n == 0;
		sk_notify_config *fresh = nf->pending;
		nf->pending = NULL;
		pthread_mutex_unlock(&nf->lock);
		if (fresh) {
			sk_notify_config_free(&nf->own);
			nf->own = *fresh;
			free(fresh);
		}
		int64_t now = now_ms();
		for (size_t i = 0; i < k; i++)
			take(nf, batch[i], now);
		close_windows(nf, now, stop);
		send_due(nf, now, stop);
		if (stop && k == 0)
			return NULL;
	}
}

sk_status sk_notify_start(const sk_notify_config *c, sk_notifier **out, sk_error *err)
{
	sk_notifier *nf = calloc(1, sizeof *nf);
	if (!nf || !(nf->q = calloc(QUEUE_MAX, sizeof *nf->q)) ||
	    !(nf->out = calloc(OUTBOX_MAX, sizeof *nf->out))) {
		if (nf)
			free(nf->q);
		free(nf);
		return sk_fail(err, SK_E_NOMEM, "notify: out of memory");
	}
	if (!sk_notify_config_copy(&nf->own, c)) {
		sk_notify_config_free(&nf->own);
		free(nf->q);
		free(nf->out);
		free(nf);
		return sk_fail(err, SK_E_NOMEM, "notify: out of memory");
	}
	nf->c = &nf->own;
	nf->tokens = c->max_per_minute ? c->max_per_minute : 30;
	nf->last_refill = now_ms();
	pthread_mutex_init(&nf->lock, NULL);
	pthread_cond_init(&nf->wake, NULL);
	if (pthread_create(&nf->thread, NULL, run, nf) != 0) {
		sk_notify_config_free(&nf->own);
		free(nf->q);
		free(nf->out);
		free(nf);
		return sk_fail(err, SK_E_NOMEM, "notify: cannot start a thread");
	}
	*out = nf;
	return SK_OK;
}

void sk_notify_stop(sk_notifier *nf)
{
	if (!nf)
		return;
	pthread_mutex_lock(&nf->lock);
	nf->stop = true;
	pthread_cond_signal(&nf->wake);
	pthread_mutex_unlock(&nf->lock);
	pthread_join(nf->thread, NULL);
	close_windows(nf, now_ms(), true);
	for (size_t i = 0; i < nf->nout; i++)
		free(nf->out[i].body);
	while (nf->n) {
		notice_free(nf->q[nf->head]);
		nf->head = (nf->head + 1) % QUEUE_MAX;
		nf->n--;
	}
	free(nf->q);
	free(nf->out);
	sk_notify_config_free(&nf->own);
	if (nf->pending) {
		sk_notify_config_free(nf->pending);
		free(nf->pending);
	}
	pthread_mutex_destroy(&nf->lock);
	pthread_cond_destroy(&nf->wake);
	free(nf);
}

void sk_notify_reconfigure(sk_notifier *nf, const sk_notify_config *c)
{
	sk_notify_config *copy = malloc(sizeof *copy);
	if (!copy)
		return;
	if (!sk_notify_config_copy(copy, c)) {
		sk_notify_config_free(copy);
		free(copy);
		return;
	}
	pthread_mutex_lock(&nf->lock);
	sk_notify_config *old = nf->pending;
	nf->pending = copy;
	pthread_mutex_unlock(&nf->lock);
	if (old) {
		sk_notify_config_free(old);
		free(old);
	}
}

bool sk_notify_block(sk_notifier *nf, const sk_block_notice *b)
{
	notice *n = notice_copy(b);
	if (!n) {
		atomic_fetch_add(&nf->dropped, 1);
		return false;
	}
	pthread_mutex_lock(&nf->lock);
	bool room = nf->n < QUEUE_MAX && !nf->stop;
	if (room) {
		nf->q[(nf->head + nf->n) % QUEUE_MAX] = n;
		nf->n++;
		pthread_cond_signal(&nf->wake);
	}
	pthread_mutex_unlock(&nf->lock);
	if (!room) {
		notice_free(n);
		atomic_fetch_add(&nf->dropped, 1);
	}
	return room;
}

void sk_notify_get_stats(sk_notifier *nf, sk_notify_stats *o)
{
	o->sent = atomic_load(&nf->sent);
	o->failed = atomic_load(&nf->failed);
	o->silenced = atomic_load(&nf->silenced);
	o->dropped = atomic_load(&nf->dropped);
	o->grouped = atomic_load(&nf->grouped);
}

sk_status sk_notify_test(const sk_notify_config *c, sk_error *err)
{
	if (!sk_notify_configured(c))
		return sk_fail(err, SK_E_INVALID,
		               "no notifier configured (notify.slack_webhook, notify.webhook or "
		               "notify.email in the config, or --notify-webhook URL)");
	static const char *const labels[] = {"sekisho:test"};
	sk_block_notice b = {.time_ms = now_ms(),
	                     .rule = "sekisho-test",
	                     .action = "BLOCK",
	                     .client_ip = "192.0.2.1",
	                     .method = "GET",
	                     .host = "example.com",
	                     .path = "/a-test-message",
	                     .query = "",
	                     .reason = "this is a test message from sekisho notify test",
	                     .request_id = "test",
	                     .labels = labels,
	                     .nlabels = 1};
	target ts[3];
	size_t nt = 0;
	if (c->slack_url)
		ts[nt++] = T_SLACK;
	if (c->webhook_url)
		ts[nt++] = T_WEBHOOK;
	if (c->smtp_url && c->nmail_to)
		ts[nt++] = T_MAIL;
	for (size_t i = 0; i < nt; i++) {
		msg m = {.t = ts[i]};
		m.body = ts[i] == T_SLACK     ? sk_notify_slack_json(&b, 0, c->window_ms, NULL)
		         : ts[i] == T_WEBHOOK ? sk_notify_webhook_json(&b, 0, c->window_ms, NULL)
		                              : mail_text(c, &b, 0);
		char why[256] = "";
		long r = m.body ? send_one(c, &m, why, sizeof why) : -1;
		free(m.body);
		if (r != 0)
			return sk_fail(err, SK_E_IO, "notify: the %s target failed: %s",
			               ts[i] == T_SLACK     ? "Slack"
			               : ts[i] == T_WEBHOOK ? "webhook"
			                                    : "email",
			               why[0] ? why : "no memory");
	}
	return SK_OK;
}
