#ifndef SK_RULES_DEFAULT_ACL_H
#define SK_RULES_DEFAULT_ACL_H
/* The web ACL used when none is given (unwrapped JSON, text search
 * strings), printed by `sekisho acl default`. */
extern const char sk_default_acl_json[];
#endif
