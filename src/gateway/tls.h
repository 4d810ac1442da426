/* TLS on the client listener (OpenSSL), for hosts without a load balancer
 * in front. OpenSSL works on memory BIOs; libuv moves the ciphertext, so
 * the connection code sees plaintext in and out and nothing else changes. */
#ifndef SK_GATEWAY_TLS_H
#define SK_GATEWAY_TLS_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

/* TLS 1.2 and 1.3, the certificate chain and key from PEM files. */
SK_MUST_CHECK sk_status gw_tls_ctx_new(const char *cert, const char *key, SSL_CTX **out,
                                       sk_error *err);

typedef struct gw_tls {
	SSL *ssl;
	BIO *in, *out; /* ciphertext from the client; ciphertext for it */
	bool failed;
	bool closed; /* the client sent close_notify */
} gw_tls;

gw_tls *gw_tls_new(SSL_CTX *ctx);
void gw_tls_free(gw_tls *t);
/* Ciphertext that arrived. */
int gw_tls_feed(gw_tls *t, const void *p, size_t n);
/* Plaintext into buf: > 0 bytes; 0: nothing more for now; -1: the peer
 * closed or the session failed. */
ssize_t gw_tls_read(gw_tls *t, void *buf, size_t cap);
/* Encrypts p; the ciphertext waits in t->out. -1 on failure. */
int gw_tls_write(gw_tls *t, const void *p, size_t n);
/* Ciphertext waiting to go out, into buf. */
size_t gw_tls_take(gw_tls *t, void *buf, size_t cap);
/* close_notify (into t->out). */
void gw_tls_shutdown(gw_tls *t);

#endif
