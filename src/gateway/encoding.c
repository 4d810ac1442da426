#include "gateway/encoding.h"

/* next_in is const: zlib never writes to its input. */
#define ZLIB_CONST
#include <zlib.h>

gw_coding gw_coding_parse(sk_str v)
{
	v = sk_str_trim(v);
	if (v.n == 0 || sk_str_ieq_cstr(v, "identity"))
		return GW_CODING_NONE;
	if (sk_str_ieq_cstr(v, "gzip") || sk_str_ieq_cstr(v, "x-gzip"))
		return GW_CODING_GZIP;
	if (sk_str_ieq_cstr(v, "deflate"))
		return GW_CODING_DEFLATE;
	return GW_CODING_OTHER;
}

/* windowBits: gzip only; zlib-wrapped deflate; raw deflate (what some
 * clients send as "deflate" in spite of RFC 9110). */
static sk_status run(int bits, sk_str in, size_t cap, unsigned max_ratio, uint8_t *buf,
                     size_t *outn, bool *truncated, sk_error *err)
{
	z_stream z = {0};
	if (inflateInit2(&z, bits) != Z_OK)
		return sk_fail(err, SK_E_NOMEM, "cannot start inflating the body");
	z.next_in = in.p;
	z.avail_in = (uInt)in.n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int rc = inflate(&z, Z_FINISH);
	size_t produced = z.total_out;
	size_t consumed = z.total_in;
	inflateEnd(&z);
	*outn = produced;
	*truncated = false;
	if (max_ratio && produced > 1024 && produced / (consumed ? consumed : 1) > max_ratio)
		return sk_fail(
		    err, SK_E_LIMIT,
		    "the compressed body expands more than %u times (decompression bomb?)",
		    max_ratio);
	if (rc == Z_STREAM_END)
		return consumed == in.n ? SK_OK
		                        : sk_fail(err, SK_E_INVALID,
		                                  "bytes after the end of the compressed body");
	if (rc == Z_BUF_ERROR && produced == cap) {
		*truncated = true; /* more than the buffer: inspected as oversize */
		return SK_OK;
	}
	return sk_fail(err, SK_E_INVALID, "the body is not valid %s data",
	               bits == 31 ? "gzip" : "deflate");
}

size_t gw_inflate_bound(size_t n, size_t cap, unsigned max_ratio)
{
	size_t b = max_ratio && n < (SIZE_MAX - 1024) / max_ratio ? n * max_ratio + 1024 : cap;
	return b < cap ? b : cap;
}

sk_status gw_inflate(gw_coding coding, sk_str in, size_t cap, unsigned max_ratio, sk_arena *a,
                     sk_str *out, bool *truncated, sk_error *err)
{
	/* Room for what the ratio allows, not the whole cap: output that fills
	 * a room smaller than the cap has passed the ratio. */
	size_t room = gw_inflate_bound(in.n, cap, max_ratio);
	uint8_t *buf = sk_arena_alloc(a, room ? room : 1);
	if (!buf)
		return sk_fail(err, SK_E_NOMEM, "no memory to inflate the body");
	size_t n = 0;
	sk_status st;
	if (coding == GW_CODING_GZIP) {
		st = run(31, in, room, max_ratio, buf, &n, truncated, err);
	} else {
		st = run(15, in, room, max_ratio, buf, &n, truncated, err);
		if (st == SK_E_INVALID)
			st = run(-15, in, room, max_ratio, buf, &n, truncated, err);
	}
	if (st == SK_OK && *truncated && room < cap)
		st = sk_fail(err, SK_E_LIMIT,
		             "the compressed body expands more than %u times (decompression bomb?)",
		             max_ratio);
	*out = sk_str_make(buf, n);
	return st;
}
