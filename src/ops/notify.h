/* Alerts on blocks: Slack incoming webhooks, generic JSON webhooks and
 * email (SMTP through libcurl), without floods.
 *
 * The gateway hands each block to sk_notify_block(), which queues it and
 * returns at once. A notifier thread groups blocks by rule + path + client:
 * the first block of a group is sent at once (within a tick, 250 ms), the
 * repeats within the window are summed up in at most one follow-up message
 * per window. A silence list (labels, rules, path patterns, client ranges)
 * keeps junk known to be bad from alerting at all; it is still blocked and
 * stored. Messages are rate limited, and retried with backoff on 429 and
 * 5xx answers (Retry-After honoured). */
#ifndef SK_OPS_NOTIFY_H
#define SK_OPS_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "waf/acl.h"

typedef struct sk_notify_config {
	char *slack_url;   /* Slack incoming webhook */
	char *webhook_url; /* generic JSON webhook */
	char *smtp_url;    /* smtp://host:port or smtps://... */
	char *mail_from, *smtp_user, *smtp_password;
	char **mail_to;
	size_t nmail_to;
	uint64_t window_ms;      /* grouping window (default 60 s) */
	unsigned max_per_minute; /* messages over all targets (default 30) */
	/* Silence. */
	char **silence_labels, **silence_rules, **silence_paths; /* paths: fnmatch patterns */
	size_t nsilence_labels, nsilence_rules, nsilence_paths;
	sk_ip_range *silence_ips;
	size_t nsilence_ips;
	char *allow_hint; /* "--events X --acl Y" for the allow command in messages */
} sk_notify_config;

void sk_notify_config_init(sk_notify_config *c);
void sk_notify_config_free(sk_notify_config *c);
/* A deep copy; false when out of memory (dst then holds what was copied). */
bool sk_notify_config_copy(sk_notify_config *dst, const sk_notify_config *src);
bool sk_notify_configured(const sk_notify_config *c);

/* One block, as the gateway saw it. Strings are copied. */
typedef struct sk_block_notice {
	int64_t time_ms;
	const char *rule;   /* terminating rule, group/rule */
	const char *action; /* BLOCK, CAPTCHA, CHALLENGE */
	const char *client_ip;
	const char *method, *host, *path, *query;
	const char *reason; /* in words */
	const char *request_id;
	const char *const *labels;
	size_t nlabels;
} sk_block_notice;

typedef struct sk_notifier sk_notifier;

SK_MUST_CHECK sk_status sk_notify_start(const sk_notify_config *c, sk_notifier **out,
                                        sk_error *err);
/* Takes a new configuration (a copy of c) between two ticks: silence
 * lists and targets change on reload without losing queued blocks. */
void sk_notify_reconfigure(sk_notifier *n, const sk_notify_config *c);
/* Sends what is due (follow-ups of open windows included) and stops. */
void sk_notify_stop(sk_notifier *n);
/* Never blocks; false when the notice was dropped (queue full). */
bool sk_notify_block(sk_notifier *n, const sk_block_notice *b);
/* Whether a notice is silenced (exposed for tests and the CLI). */
bool sk_notify_silenced(const sk_notify_config *c, const sk_block_notice *b);

typedef struct sk_notify_stats {
	uint64_t sent, failed, silenced, dropped, grouped;
} sk_notify_stats;
void sk_notify_get_stats(sk_notifier *n, sk_notify_stats *out);

/* Sends one test message to every configured target, now; err names the
 * first that failed. */
SK_MUST_CHECK sk_status sk_notify_test(const sk_notify_config *c, sk_error *err);

/* Message texts, exposed for tests. Slack mrkdwn escapes &, < and > (so
 * no link or <!channel> mention can be smuggled in) and keeps request text
 * inside code spans. The result is a JSON document; free() it. */
char *sk_notify_slack_json(const sk_block_notice *b, long repeats, uint64_t window_ms,
                           const char *allow_hint);
char *sk_notify_webhook_json(const sk_block_notice *b, long repeats, uint64_t window_ms,
                             const char *allow_hint);

#endif
