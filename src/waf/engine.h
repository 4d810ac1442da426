/* The compiled web ACL and its evaluation.
 *
 * Compilation groups every string and regex matcher that reads the same
 * field through the same transformation chain into one lane: one Hyperscan
 * database, scanned once per request, giving the set of matched pattern ids.
 * Patterns Hyperscan cannot take run on PCRE2 with JIT. Detectors run once
 * per lane value and cache their answer for the request. Rules are then
 * cheap boolean tests over those results.
 *
 * A program is immutable after compilation and shared by threads; each
 * thread owns an sk_scratch. Rate-based counters are the one mutable part
 * and are locked inside. */
#ifndef SK_WAF_ENGINE_H
#define SK_WAF_ENGINE_H

#include "http/request.h"
#include "waf/acl.h"

typedef struct sk_program sk_program;
typedef struct sk_scratch sk_scratch;

typedef struct sk_engine_options {
	const char *geoip_db; /* MaxMind country database; NULL: country unknown */
	bool count_only;      /* every Block, Captcha, Challenge becomes Count */
} sk_engine_options;

/* Takes ownership of acl (also on failure). */
SK_MUST_CHECK sk_status sk_program_compile(sk_acl *acl, const sk_engine_options *opt,
                                           sk_program **out, sk_error *err);
void sk_program_free(sk_program *p);
const sk_acl *sk_program_acl(const sk_program *p);
/* Lanes, patterns on Hyperscan, patterns on PCRE2: for tests and stats. */
void sk_program_stats(const sk_program *p, size_t *lanes, size_t *hs_patterns,
                      size_t *pcre_patterns);

/* A scratch serves the program it was made for, and only it: it keeps what
 * that program's lanes and detectors found clean across evaluations. */
SK_MUST_CHECK sk_status sk_scratch_create(const sk_program *p, sk_scratch **out);
void sk_scratch_free(sk_scratch *s);

/* One matched leaf statement: what matched, where, after what. */
typedef struct sk_hit {
	const sk_stmt *stmt;
	sk_str name;     /* which header/argument/pointer, when the field has several */
	sk_str value;    /* the transformed value that matched (may be long) */
	size_t off, len; /* the matching bytes inside value, when known */
	/* In words; never NULL. Static text, or memory of the request's arena
	 * (a detector's answer, a formatted count): a pointer rather than a
	 * copy, since most evaluated requests have hits nobody reads. */
	const char *reason;
} sk_hit;

/* One rule that matched, in evaluation order. */
typedef struct sk_rule_match {
	const sk_rule *rule;       /* the web ACL rule */
	const sk_rule *group_rule; /* the rule inside the group, or NULL */
	const sk_group *group;
	sk_action_type action;      /* the action that applied */
	bool overridden;            /* action differs from the rule's own */
	sk_action_type rule_action; /* the rule's own action */
	bool terminating;
	sk_hit *hits;
	size_t nhits;
} sk_rule_match;

typedef struct sk_verdict {
	sk_action_type action;     /* ALLOW, BLOCK, CAPTCHA, CHALLENGE */
	int status;                /* what to answer: 200 when allowed */
	const sk_action *act;      /* the terminating action (custom response...) */
	const sk_group *act_group; /* group whose bodies act->body belongs to */
	int terminating;           /* index in matches, -1: the default action */
	sk_rule_match *matches;
	size_t nmatches;
	char **labels; /* fully qualified, in the order added */
	size_t nlabels;
	sk_kv *inserted; /* request headers to insert (x-amzn-waf- prefixed) */
	size_t ninserted;
	bool oversize_body, oversize_json, oversize_headers, oversize_cookies;
	const char *country; /* "--" when unknown */
} sk_verdict;

/* Evaluates req; all memory of the verdict comes from req->arena.
 * now_ms is the request time (rate-based rules). */
SK_MUST_CHECK sk_status sk_evaluate(const sk_program *p, sk_scratch *s, sk_request *req,
                                    int64_t now_ms, sk_verdict *out, sk_error *err);

/* The same before the body has arrived: rules run in order until one
 * would read the body or count a rate (then SK_AGAIN, nothing changed:
 * evaluate the whole request later). SK_OK is the final verdict of the
 * request whatever its body, since no rule that ran could see it. */
SK_MUST_CHECK sk_status sk_evaluate_head(const sk_program *p, sk_scratch *s, sk_request *req,
                                         int64_t now_ms, sk_verdict *out, sk_error *err);

const char *sk_action_name(sk_action_type t); /* "ALLOW", "BLOCK", ... */

#endif
