/* Loads a web ACL (and the IP sets, regex pattern sets and rule groups it
 * references) from AWS WAF v2 JSON into an sk_acl. Errors name the file and
 * the JSON path: "acl.json: Rules[3].Statement.ByteMatchStatement.
 * PositionalConstraint: expected one of EXACTLY, ...". */
#ifndef SK_WAF_LOADER_H
#define SK_WAF_LOADER_H

#include "base/buf.h"
#include "base/error.h"
#include "waf/acl.h"

typedef enum {
	SK_SEARCH_AUTO,   /* base64 in CLI-wrapped documents, text otherwise */
	SK_SEARCH_BASE64, /* SearchString is always base64 */
	SK_SEARCH_TEXT,   /* SearchString is always plain text */
} sk_search_encoding;

typedef struct sk_load_options {
	const char *resources_dir; /* NULL: no folder */
	sk_search_encoding search_encoding;
	size_t body_limit;     /* used when the ACL has no AssociationConfig */
	const char *lists_dir; /* IP list files; NULL: SK_LISTS_DIR_DEFAULT */
	/* When set, a rule with a problem is reported here (one line each) and
	 * loading goes on with the next rule, so one run lists every problem;
	 * the load still fails. */
	sk_buf *problems;
} sk_load_options;

/* Loads from a JSON text already in memory; name is used in messages.
 * warnings (may be NULL) receives one line per warning. On success *out
 * owns an arena; free it with sk_acl_free. */
SK_MUST_CHECK sk_status sk_acl_load(const char *name, const char *text, size_t n,
                                    const sk_load_options *opt, sk_acl **out, sk_buf *warnings,
                                    sk_error *err);
SK_MUST_CHECK sk_status sk_acl_load_file(const char *path, const sk_load_options *opt, sk_acl **out,
                                         sk_buf *warnings, sk_error *err);
void sk_acl_free(sk_acl *acl);

/* Managed rule groups built into the binary (src/rules). Returns the JSON
 * text of a RuleGroup document, or NULL. */
const char *sk_managed_group_json(const char *vendor, const char *name);
/* Names of every built-in group, NULL-terminated. */
const char *const *sk_managed_group_names(void);

#endif
