/* sekisho's library API, for embedding the WAF engine in another program.
 * Opaque handles, one prefix. A compiled web ACL is immutable and may be
 * shared by threads; each thread evaluates with its own worker. */
#ifndef SEKISHO_H
#define SEKISHO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SEKISHO_MUST_CHECK __attribute__((warn_unused_result))
#else
#define SEKISHO_MUST_CHECK
#endif

typedef struct sk_waf sk_waf;               /* a compiled web ACL */
typedef struct sk_waf_worker sk_waf_worker; /* one thread's scratch space */

typedef enum sk_waf_action {
	SK_WAF_ALLOW,
	SK_WAF_BLOCK,
	SK_WAF_CAPTCHA,
	SK_WAF_CHALLENGE,
} sk_waf_action;

typedef struct sk_waf_result {
	sk_waf_action action;
	int status;          /* the HTTP status to answer with: 200 when allowed */
	char rule[260];      /* terminating rule ("group/rule" inside groups), or Default_Action */
	char reason[1024];   /* why, in words; empty for the default action */
} sk_waf_result;

/* Loads and compiles a web ACL file (AWS WAF v2 JSON); resources_dir may be
 * NULL. Returns 0, or -1 with a message (file, JSON path, what was
 * expected) in err. */
SEKISHO_MUST_CHECK int sk_waf_load(const char *acl_path, const char *resources_dir, sk_waf **out,
				   char *err, size_t err_len);
void sk_waf_free(sk_waf *waf);

SEKISHO_MUST_CHECK int sk_waf_worker_create(const sk_waf *waf, sk_waf_worker **out);
void sk_waf_worker_free(sk_waf_worker *w);

/* Evaluates one raw HTTP/1.1 request. client_ip may be NULL. Returns 0, or
 * -1 when the message is not a valid request (reason says why). */
SEKISHO_MUST_CHECK int sk_waf_check_http(sk_waf_worker *w, const void *msg, size_t len,
					 const char *client_ip, sk_waf_result *out);

#ifdef __cplusplus
}
#endif

#endif
