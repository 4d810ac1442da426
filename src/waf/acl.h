/* The web ACL as loaded: a tree of rules and statements, mirroring AWS WAF
 * v2's JSON. loader.c builds it, compile.c annotates it with lanes and
 * pattern ids, eval.c walks it. Everything lives in the ACL's arena and is
 * read-only after compilation, so threads share it. */
#ifndef SK_WAF_ACL_H
#define SK_WAF_ACL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/str.h"
#include "waf/transform.h"

typedef enum sk_ftm_kind {
	SK_FTM_URI_PATH,
	SK_FTM_QUERY_STRING,
	SK_FTM_METHOD,
	SK_FTM_BODY,
	SK_FTM_JSON_BODY,
	SK_FTM_SINGLE_HEADER,
	SK_FTM_HEADERS,
	SK_FTM_COOKIES,
	SK_FTM_SINGLE_QUERY_ARG,
	SK_FTM_ALL_QUERY_ARGS,
	SK_FTM_HEADER_ORDER,
	SK_FTM_URI_FRAGMENT,
} sk_ftm_kind;

typedef enum { SK_SCOPE_ALL, SK_SCOPE_KEY, SK_SCOPE_VALUE } sk_match_scope;
typedef enum { SK_OVERSIZE_CONTINUE, SK_OVERSIZE_MATCH, SK_OVERSIZE_NO_MATCH } sk_oversize;
typedef enum { SK_PATTERN_ALL, SK_PATTERN_INCLUDED, SK_PATTERN_EXCLUDED } sk_pattern_kind;
typedef enum {
	SK_JSON_FALLBACK_NONE, /* not set: inspect the body as text (see docs) */
	SK_JSON_FALLBACK_MATCH,
	SK_JSON_FALLBACK_NO_MATCH,
	SK_JSON_FALLBACK_AS_STRING,
} sk_json_fallback;

typedef struct sk_field {
	sk_ftm_kind kind;
	char *name; /* SingleHeader, SingleQueryArgument: lower case */
	sk_match_scope scope;
	sk_oversize oversize;
	sk_pattern_kind pattern;
	char **names; /* included/excluded headers or cookies, JSON pointers */
	size_t nnames;
	sk_json_fallback fallback;
	char *key; /* canonical text: equal keys read the same values */
	int slot;  /* per-request field cache index (compile.c) */
} sk_field;

typedef struct sk_chain {
	uint8_t tx[SK_TX_MAX_CHAIN];
	uint8_t n;
} sk_chain;

typedef enum sk_stmt_type {
	SK_ST_BYTE_MATCH,
	SK_ST_REGEX_MATCH,
	SK_ST_REGEX_SET,
	SK_ST_SQLI,
	SK_ST_XSS,
	SK_ST_SIZE,
	SK_ST_IP_SET,
	SK_ST_GEO,
	SK_ST_LABEL,
	SK_ST_AND,
	SK_ST_OR,
	SK_ST_NOT,
	SK_ST_RATE,
	SK_ST_MANAGED_GROUP,
	SK_ST_GROUP_REF,
	SK_ST_DETECTOR, /* sekisho's own: SekishoDetectorStatement */
} sk_stmt_type;

typedef enum {
	SK_POS_EXACTLY,
	SK_POS_STARTS_WITH,
	SK_POS_ENDS_WITH,
	SK_POS_CONTAINS,
	SK_POS_CONTAINS_WORD
} sk_position;
typedef enum { SK_CMP_EQ, SK_CMP_NE, SK_CMP_LE, SK_CMP_LT, SK_CMP_GE, SK_CMP_GT } sk_cmp;
typedef enum { SK_FWD_NONE, SK_FWD_FIRST, SK_FWD_LAST, SK_FWD_ANY } sk_fwd_position;

typedef struct sk_forwarded {
	char *header; /* NULL: use the client address */
	bool fallback_match;
	sk_fwd_position position;
} sk_forwarded;

typedef struct sk_ip_range {
	uint8_t lo[16], hi[16]; /* IPv4 as IPv4-mapped IPv6 */
} sk_ip_range;

typedef struct sk_ip_set {
	char *name, *arn, *id;
	sk_ip_range *ranges; /* sorted by lo */
	size_t n;
} sk_ip_set;

typedef struct sk_regex_set {
	char *name, *arn, *id;
	char **regexes;
	size_t n;
} sk_regex_set;

typedef enum { SK_LABEL_SCOPE_LABEL, SK_LABEL_SCOPE_NAMESPACE } sk_label_scope;

typedef enum {
	SK_AGG_IP,
	SK_AGG_FORWARDED_IP,
	SK_AGG_CUSTOM_KEYS,
	SK_AGG_CONSTANT,
} sk_agg_kind;

typedef enum {
	SK_RKEY_IP,
	SK_RKEY_FORWARDED_IP,
	SK_RKEY_HTTP_METHOD,
	SK_RKEY_HEADER,
	SK_RKEY_COOKIE,
	SK_RKEY_QUERY_ARG,
	SK_RKEY_QUERY_STRING,
	SK_RKEY_URI_PATH,
	SK_RKEY_LABEL_NAMESPACE,
} sk_rate_key_kind;

typedef struct sk_rate_key {
	sk_rate_key_kind kind;
	char *name; /* header, cookie, argument name; label namespace */
	sk_chain chain;
} sk_rate_key;

struct sk_group;
struct sk_action;

typedef struct sk_override {
	char *rule;
	struct sk_action *action; /* NULL for ExcludedRules: Count */
} sk_override;

typedef struct sk_stmt sk_stmt;
struct sk_stmt {
	/* What evaluating a statement reads comes first, in one cache line:
	 * a request walks every rule's statements, and the rest is for
	 * loading, explaining and logging. */
	sk_stmt_type type;
	int lane;     /* compile.c: per-request lane cache index */
	int pat_base; /* first pattern id in the lane */
	int pat_n;
	sk_field *field;                    /* field statements */
	const struct sk_detector *detector; /* SqliMatch, XssMatch, SekishoDetector */
	int sensitivity;                    /* SqliMatch, detectors: 0 LOW, 1 HIGH */
	sk_cmp cmp;                         /* SizeConstraint */
	uint64_t size;
	sk_stmt **kids; /* And, Or (n), Not (1) */
	size_t nkids;

	char *path; /* JSON path, for messages */

	/* Field statements (byte, regex, regex set, sqli, xss, size). */
	sk_chain chain;

	uint8_t *search; /* ByteMatch, decoded bytes */
	size_t search_n;
	sk_position position;
	char *regex;             /* RegexMatch */
	sk_regex_set *regex_set; /* RegexPatternSetReference */

	sk_ip_set *ip_set;    /* IPSetReference */
	sk_forwarded fwd;     /* IP set, geo, rate */
	char (*countries)[3]; /* GeoMatch */
	size_t ncountries;

	sk_label_scope label_scope; /* LabelMatch */
	char *label_key;            /* as written */
	const char *label_context;  /* namespace of the holding rule's context */

	uint64_t limit; /* RateBased */
	int window_sec;
	sk_agg_kind agg;
	sk_rate_key *keys;
	size_t nkeys;
	sk_stmt *scope_down; /* RateBased, managed group */
	int rate_slot;

	struct sk_group *group; /* managed or referenced group */
	sk_override *overrides;
	size_t noverrides;
	char *vendor, *group_name, *version;
};

typedef enum {
	SK_ACT_ALLOW,
	SK_ACT_BLOCK,
	SK_ACT_COUNT,
	SK_ACT_CAPTCHA,
	SK_ACT_CHALLENGE
} sk_action_type;

typedef struct sk_kv {
	char *name, *value;
} sk_kv;

typedef struct sk_body {
	char *key;
	const char *content_type; /* text/plain, text/html, application/json */
	char *content;
} sk_body;

typedef struct sk_action {
	sk_action_type type;
	int response_code; /* Block custom response; 0 when none */
	const sk_body *body;
	sk_kv *response_headers;
	size_t nresponse_headers;
	sk_kv *insert_headers; /* CustomRequestHandling; names without prefix */
	size_t ninsert_headers;
} sk_action;

typedef struct sk_rule {
	char *name;
	char *description; /* sekisho's groups say what each rule catches */
	int64_t priority;
	sk_stmt *stmt;
	bool has_action; /* plain rule; otherwise a group rule with OverrideAction */
	sk_action action;
	bool override_count; /* OverrideAction: Count */
	char **labels;       /* RuleLabels names as written */
	size_t nlabels;
	char *path;
} sk_rule;

typedef struct sk_group {
	char *name, *arn, *id;
	int64_t capacity;
	char *label_ns; /* "awswaf:managed:aws:core-rule-set:" and the like */
	bool managed;
	char *version;
	sk_rule *rules; /* sorted by priority */
	size_t nrules;
	sk_body *bodies;
	size_t nbodies;
} sk_group;

typedef struct sk_acl {
	sk_arena *arena;
	char *name, *id, *arn;
	char *label_ns; /* "awswaf:<account>:webacl:<name>:" */
	sk_action default_action;
	sk_rule *rules; /* sorted by priority */
	size_t nrules;
	sk_body *bodies;
	size_t nbodies;
	size_t body_limit;
	uint64_t capacity;
	bool wrapped; /* document was {"WebACL": ...} */
} sk_acl;

#endif
