/* Web ACL capacity units (WCU), counted as AWS documents them. */
#ifndef SK_WAF_CAPACITY_H
#define SK_WAF_CAPACITY_H

#include "base/error.h"
#include "waf/acl.h"

#define SK_WCU_BASE 1500 /* covered by the base price */
#define SK_WCU_MAX  5000

uint64_t sk_stmt_capacity(const sk_stmt *s);
sk_status sk_acl_capacity(const sk_acl *acl, uint64_t *out, sk_error *err);

#endif
