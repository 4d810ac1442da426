#include "gateway/tls.h"

#include <openssl/err.h>
#include <stdlib.h>

sk_status gw_tls_ctx_new(const char *cert, const char *key, SSL_CTX **out, sk_error *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		return sk_fail(err, SK_E_NOMEM, "tls: cannot create a context");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	const char *what = NULL;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		what = cert;
	else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		what = key;
	else if (SSL_CTX_check_private_key(ctx) != 1)
		what = "the key does not match the certificate";
	if (what) {
		char e[256];
		ERR_error_string_n(ERR_get_error(), e, sizeof e);
		SSL_CTX_free(ctx);
		return sk_fail(err, SK_E_INVALID, "tls: %s: %s", what, e);
	}
	*out = ctx;
	return SK_OK;
}

gw_tls *gw_tls_new(SSL_CTX *ctx)
{
	gw_tls *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->ssl = SSL_new(ctx);
	t->in = BIO_new(BIO_s_mem());
	t->out = BIO_new(BIO_s_mem());
	if (!t->ssl || !t->in || !t->out) {
		SSL_free(t->ssl);
		BIO_free(t->in);
		BIO_free(t->out);
		free(t);
		return NULL;
	}
	SSL_set_bio(t->ssl, t->in, t->out); /* the SSL owns both now */
	SSL_set_accept_state(t->ssl);
	return t;
}

void gw_tls_free(gw_tls *t)
{
	if (t) {
		SSL_free(t->ssl);
		free(t);
	}
}

int gw_tls_feed(gw_tls *t, const void *p, size_t n)
{
	return BIO_write(t->in, p, (int)n) == (int)n ? 0 : -1;
}

ssize_t gw_tls_read(gw_tls *t, void *buf, size_t cap)
{
	if (t->failed)
		return -1;
	int k = SSL_read(t->ssl, buf, (int)cap);
	if (k > 0)
		return k;
	int e = SSL_get_error(t->ssl, k);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return 0;
	if (e == SSL_ERROR_ZERO_RETURN)
		t->closed = true;
	ERR_clear_error();
	t->failed = true;
	return -1;
}

int gw_tls_write(gw_tls *t, const void *p, size_t n)
{
	if (t->failed)
		return -1;
	while (n) {
		int k = SSL_write(t->ssl, p, (int)(n > (1u << 30) ? 1u << 30 : n));
		if (k <= 0) {
			ERR_clear_error();
			t->failed = true;
			return -1;
		}
		p = (const char *)p + k;
		n -= (size_t)k;
	}
	return 0;
}

size_t gw_tls_take(gw_tls *t, void *buf, size_t cap)
{
	int k = BIO_read(t->out, buf, (int)cap);
	return k > 0 ? (size_t)k : 0;
}

void gw_tls_shutdown(gw_tls *t)
{
	if (!t->failed && SSL_is_init_finished(t->ssl))
		SSL_shutdown(t->ssl);
	ERR_clear_error();
}
