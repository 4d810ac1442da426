/* Strict standard base64 (RFC 4648 section 4, padding required), for blobs
 * in config files. The lenient decoders AWS's transformations need live in
 * src/waf/transform.c. */
#ifndef SK_BASE_BASE64_H
#define SK_BASE_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes in[0..n) into out (room for n/4*3 bytes). Returns false when the
 * input is not strict base64 (bad character, length, or padding). */
bool sk_base64_decode(const char *in, size_t n, uint8_t *out, size_t *out_n);
/* Encodes into out (room for (n+2)/3*4+1 bytes), NUL-terminated. */
size_t sk_base64_encode(const uint8_t *in, size_t n, char *out);

#endif
