#include "waf/ipaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

bool sk_ip_parse(sk_str s, uint8_t out[16])
{
	char buf[64];
	s = sk_str_trim(s);
	/* "[2001:db8::1]" and "[::1]:443" forms from forwarded headers. */
	if (s.n > 2 && s.p[0] == '[') {
		const uint8_t *e = memchr(s.p, ']', s.n);
		if (!e)
			return false;
		s = sk_str_make(s.p + 1, (size_t)(e - s.p - 1));
	}
	if (s.n == 0 || s.n >= sizeof buf)
		return false;
	memcpy(buf, s.p, s.n);
	buf[s.n] = 0;
	struct in_addr v4;
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &v4, 4);
		return true;
	}
	return inet_pton(AF_INET6, buf, out) == 1;
}

bool sk_cidr_parse(const char *s, sk_ip_range *out)
{
	const char *slash = strchr(s, '/');
	if (!slash)
		return false;
	uint8_t ip[16];
	if (!sk_ip_parse(sk_str_make(s, (size_t)(slash - s)), ip))
		return false;
	char *end;
	long bits = strtol(slash + 1, &end, 10);
	bool v4 = memchr(s, ':', (size_t)(slash - s)) == NULL;
	/* AWS refuses /0: a set that holds every address is a mistake. */
	if (*end || end == slash + 1 || bits < 1 || bits > (v4 ? 32 : 128))
		return false;
	if (v4)
		bits += 96;
	for (int i = 0; i < 16; i++) {
		int keep = (int)bits - i * 8;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
		out->lo[i] = ip[i] & mask;
		out->hi[i] = ip[i] | (uint8_t)~mask;
	}
	return true;
}

static int range_cmp(const void *a, const void *b)
{
	return memcmp(((const sk_ip_range *)a)->lo, ((const sk_ip_range *)b)->lo, 16);
}

void sk_ip_ranges_sort(sk_ip_range *r, size_t n)
{
	if (n > 1)
		qsort(r, n, sizeof *r, range_cmp);
}

/* IPv4 lives in the IPv4-mapped block ::ffff:0:0/96. An IPv6 range that
 * spans that block (::/8 say) must not match IPv4 clients: AWS keeps the
 * two families apart. Ranges inside the block are IPv4 ranges. */
static bool in_v4_block(const uint8_t ip[16])
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(ip, mapped, 12) == 0;
}

bool sk_ip_ranges_contain(const sk_ip_range *r, size_t n, const uint8_t ip[16])
{
	/* Ranges may nest, so after the binary search for the last range
	 * starting at or below ip, look back over earlier ones too; sets are
	 * small in practice and nesting rare, but correctness first. */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(r[mid].lo, ip, 16) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	bool v4 = in_v4_block(ip);
	for (size_t i = lo; i-- > 0;)
		if (memcmp(ip, r[i].hi, 16) <= 0 && in_v4_block(r[i].lo) == v4 &&
		    in_v4_block(r[i].hi) == v4)
			return true;
	return false;
}
