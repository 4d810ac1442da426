/* Requests for cloud instance metadata, and remote file inclusion.
 *
 * Both judge addresses the way the software that would fetch them reads
 * them. An IPv4 host is read like inet_aton() and the WHATWG URL parser
 * do: one to four parts separated by dots, each decimal, octal (leading 0)
 * or hexadecimal (0x), the last part filling the bytes left, so
 * 2852039166, 0xa9fea9fe, 0251.0376.0251.0376 and 169.254.43518 are all
 * 169.254.169.254. IPv6 literals are parsed in full and the IPv4 address
 * inside a mapped, compatible, NAT64 or 6to4 one is judged as IPv4. The
 * value is decoded first (unescape.h), which also folds the fullwidth and
 * circled digits and ideographic dots that IDNA turns into ASCII.
 *
 * SSRF_METADATA flags the metadata addresses and names of the clouds, and
 * the EC2 and GCP metadata paths. REMOTE_FILE_INCLUSION flags a URL whose
 * host is an IPv4 address (AWS's GenericRFI), whatever the spelling. */
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/scan.h"
#include "detect/unescape.h"

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	c = lower(c);
	return c >= 'a' && c <= 'z';
}

static bool is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static bool is_hex(int c)
{
	return sk_hex_digit(c) >= 0;
}

/* True when b[i..) starts with s (lower case), ignoring case. */
static bool at_ci(const uint8_t *b, size_t n, size_t i, const char *s)
{
	size_t k = strlen(s);
	if (i > n || n - i < k)
		return false;
	for (size_t j = 0; j < k; j++)
		if (lower(b[i + j]) != s[j])
			return false;
	return true;
}

/* True when b[..i) ends with s (lower case), ignoring case. */
static bool before_ci(const uint8_t *b, size_t i, const char *s)
{
	size_t k = strlen(s);
	return i >= k && at_ci(b, i, i - k, s);
}

/* ---- IPv4 in every spelling ---- */

typedef struct v4 {
	uint32_t addr;
	int parts;
	bool plain;  /* four decimal parts without leading zeros */
	size_t end;  /* first byte after the address (a trailing dot included) */
	size_t skip; /* first byte after the run of address-like bytes */
} v4;

/* Parses an IPv4 address at b[i..n) as inet_aton and URL parsers do. */
static bool parse_v4(const uint8_t *b, size_t n, size_t i, v4 *out)
{
	uint64_t part[4];
	int np = 0;
	bool plain = true;
	size_t j = i;
	out->end = out->skip = i;
	for (;;) {
		uint64_t v = 0;
		size_t s = j;
		if (j + 1 < n && b[j] == '0' && lower(b[j + 1]) == 'x') {
			j += 2;
			plain = false;
			while (j < n && is_hex(b[j])) {
				v = v * 16 + (uint64_t)sk_hex_digit(b[j++]);
				if (v > 0xffffffffu)
					v = 0x100000000u;
			}
		} else if (j < n && b[j] == '0' && j + 1 < n && is_digit(b[j + 1])) {
			plain = false;
			while (j < n && is_digit(b[j])) {
				if (b[j] > '7')
					v = 0x100000000u; /* 08 is no number */
				else
					v = v * 8 + (uint64_t)(b[j] - '0');
				if (v > 0xffffffffu)
					v = 0x100000000u;
				j++;
			}
		} else {
			while (j < n && is_digit(b[j])) {
				v = v * 10 + (uint64_t)(b[j++] - '0');
				if (v > 0xffffffffu)
					v = 0x100000000u;
			}
		}
		if (j == s)
			break;
		if (np < 4)
			part[np] = v;
		np++;
		if (j + 1 < n && b[j] == '.' && is_digit(b[j + 1])) {
			j++;
			continue;
		}
		break;
	}
	out->skip = j;
	while (out->skip < n && (is_alnum(b[out->skip]) || b[out->skip] == '.'))
		out->skip++;
	if (np < 1 || np > 4 || (j < n && (is_alnum(b[j]) || b[j] == '_')))
		return false;
	uint64_t addr = 0;
	for (int k = 0; k < np - 1; k++) {
		if (part[k] > 255)
			return false;
		addr = addr << 8 | part[k];
	}
	int left = 5 - np; /* bytes the last part fills */
	if (part[np - 1] >= (uint64_t)1 << (8 * left))
		return false;
	addr = addr << (8 * left) | part[np - 1];
	out->addr = (uint32_t)addr;
	out->parts = np;
	out->plain = plain && np == 4;
	out->end = j;
	return true;
}

#define V4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* The metadata service at this IPv4 address, or NULL. */
static const char *metadata_v4(uint32_t a)
{
	switch (a) {
	case V4(169, 254, 169, 254): return "the instance metadata service 169.254.169.254";
	case V4(169, 254, 170, 2): return "the ECS task metadata endpoint 169.254.170.2";
	case V4(169, 254, 170, 23): return "the EKS pod identity endpoint 169.254.170.23";
	case V4(100, 100, 100, 200): return "Alibaba Cloud's metadata service 100.100.100.200";
	case V4(192, 0, 0, 192): return "Oracle Cloud's metadata service 192.0.0.192";
	default: return NULL;
	}
}

/* ---- IPv6 ---- */

/* Parses the IPv6 literal b[a..z) (no brackets) into out. */
static bool parse_v6(const uint8_t *b, size_t a, size_t z, uint8_t out[16])
{
	uint16_t g[8];
	int ng = 0, gap = -1;
	size_t i = a;
	if (z - a < 2 || z - a > 45)
		return false;
	if (b[i] == ':') {
		if (b[i + 1] != ':')
			return false;
		gap = 0;
		i += 2;
	}
	while (i < z) {
		if (ng == 8)
			return false;
		size_t s = i;
		unsigned v = 0;
		while (i < z && is_hex(b[i]) && i - s < 4)
			v = v * 16 + (unsigned)sk_hex_digit(b[i++]);
		if (i < z && b[i] == '.') {
			/* a dotted IPv4 tail fills the last two groups */
			v4 t;
			if (ng > 6 || !parse_v4(b, z, s, &t) || t.parts != 4 || t.end != z)
				return false;
			g[ng++] = (uint16_t)(t.addr >> 16);
			g[ng++] = (uint16_t)(t.addr & 0xffff);
			i = z;
			break;
		}
		if (i == s)
			return false;
		g[ng++] = (uint16_t)v;
		if (i == z)
			break;
		if (b[i] != ':')
			return false;
		i++;
		if (i < z && b[i] == ':') {
			if (gap >= 0)
				return false;
			gap = ng;
			i++;
		} else if (i == z) {
			return false;
		}
	}
	if (gap < 0 && ng != 8)
		return false;
	if (gap >= 0 && ng > 7)
		return false;
	memset(out, 0, 16);
	int tail = gap >= 0 ? ng - gap : 0;
	for (int k = 0; k < ng - tail; k++) {
		out[2 * k] = (uint8_t)(g[k] >> 8);
		out[2 * k + 1] = (uint8_t)g[k];
	}
	for (int k = 0; k < tail; k++) {
		int at = 8 - tail + k;
		out[2 * at] = (uint8_t)(g[gap + k] >> 8);
		out[2 * at + 1] = (uint8_t)g[gap + k];
	}
	return true;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool zeros(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The IPv4 address an IPv6 address carries (mapped, compatible, SIIT,
 * NAT64 well-known prefix, 6to4), or 0. */
static uint32_t v6_carried(const uint8_t a[16])
{
	if (zeros(a, 10) && a[10] == 0xff && a[11] == 0xff)
		return be32(a + 12); /* ::ffff:a.b.c.d */
	if (zeros(a, 12) && be32(a + 12) >= 0x01000000u)
		return be32(a + 12); /* ::a.b.c.d */
	if (zeros(a, 8) && a[8] == 0xff && a[9] == 0xff && !a[10] && !a[11])
		return be32(a + 12); /* ::ffff:0:a.b.c.d */
	if (a[0] == 0 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && zeros(a + 4, 8))
		return be32(a + 12); /* 64:ff9b::a.b.c.d */
	if (a[0] == 0x20 && a[1] == 0x02)
		return be32(a + 2); /* 2002:aabb:ccdd:: */
	return 0;
}

static bool is_v6_byte(int c)
{
	return is_hex(c) || c == ':' || c == '.';
}

/* ---- matches ---- */

static bool hit(const sk_unesc *u, sk_detect_match *m, size_t a, size_t z, const char *what,
                const char *tail)
{
	if (!m)
		return true;
	char dec[48] = "";
	uint8_t h = 0;
	if (u->decoded)
		for (size_t k = a; k < z && k < u->n; k++)
			h |= u->how[k];
	int layers = h & SK_UNESC_LAYERS;
	if (h & SK_UNESC_ALIKE)
		snprintf(dec, sizeof dec, " after folding Unicode look-alikes");
	else if (h & (SK_UNESC_PCT_U | SK_UNESC_OVERLONG))
		snprintf(dec, sizeof dec, " after decoding %%u or overlong UTF-8");
	else if (layers >= 2)
		snprintf(dec, sizeof dec, " after percent-decoding %d times", layers);
	else if (layers == 1)
		snprintf(dec, sizeof dec, " after percent-decoding");
	m->off = sk_unesc_src(u, a);
	size_t end = sk_unesc_src(u, z);
	m->len = end > m->off ? end - m->off : 1;
	snprintf(m->reason, sizeof m->reason, "%s%s%s", what, tail ? tail : "", dec);
	return true;
}

/* b[i..) is where a URL's host would be: after "//" (perhaps after
 * userinfo and '@') or the whole value. */
static bool host_context(const sk_unesc *u, size_t i, size_t end)
{
	const uint8_t *b = u->b;
	if (i == 0 && u->first && end == u->n && u->last)
		return true;
	if (i >= 2 && (b[i - 1] == '/' || b[i - 1] == '\\') &&
	    (b[i - 2] == '/' || b[i - 2] == '\\'))
		return true;
	if (i >= 1 && b[i - 1] == '[')
		return i >= 3 && b[i - 2] == '/' && b[i - 3] == '/';
	if (i >= 1 && b[i - 1] == '@') {
		for (size_t k = i - 1, steps = 0; k >= 2 && steps < 256; k--, steps++) {
			uint8_t c = b[k - 1];
			if (c == '/' && b[k - 2] == '/')
				return true;
			if (c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'' || c == '<')
				return false;
		}
	}
	return false;
}

static bool host_end(int c)
{
	return !(is_alnum(c) || c == '-' || c == '_' || c == '.');
}

/* ---- SSRF_METADATA ---- */

/* True where ssrf_v4() may find an address starting at b[i] (a digit):
 *  - the digit is not glued to the word before it (the 2 of "abc2", the 1
 *    of "v1.2"): such a digit is never read as an address, and neither
 *    is any digit after it in the same run of [A-Za-z0-9.];
 *  - it starts three digits or "0x": every address ssrf_v4() reports
 *    (169.254/16 and the metadata addresses, 169-254-169-254) has a first
 *    part of 100 or more or is one number of ten digits, so it is written
 *    with three digits at least (decimal, or octal 0251) or in hex; "1.2"
 *    or "07" stand for small numbers only. */
static bool v4_may_start(const uint8_t *b, size_t n, size_t i)
{
	if (i > 0 && (is_alnum(b[i - 1]) || b[i - 1] == '.' || b[i - 1] == '_'))
		return false;
	if (i + 2 < n && is_digit(b[i + 1]) && is_digit(b[i + 2]))
		return true;
	return b[i] == '0' && i + 1 < n && lower(b[i + 1]) == 'x';
}

/* The first k >= i with a digit at b[k] that v4_may_start(), or n. Prose
 * has few digits, and ids and tokens glue theirs to letters: 16 bytes a
 * step, and only the first digit of each run of digits looked at. */
static size_t v4_start(const uint8_t *b, size_t n, size_t i)
{
	const sk_u8x16 zero = sk_splat('0'), ten = sk_splat(10);
	for (; i < n; i += 16) {
		sk_u8x16 x;
		if (n - i >= 16) {
			memcpy(&x, b + i, 16);
		} else {
			uint8_t tail[16] = {0}; /* the last bytes padded with NULs, no digit */
			memcpy(tail, b + i, n - i);
			memcpy(&x, tail, 16);
		}
		unsigned d = sk_lane_bits((sk_u8x16)((sk_u8x16)(x - zero) < ten));
		/* a digit after a digit is glued to it */
		unsigned first = d & ~(d << 1 | (i > 0 && is_digit(b[i - 1])));
		for (; first; first &= first - 1) {
			size_t k = i + (size_t)__builtin_ctz(first);
			if (v4_may_start(b, n, k))
				return k;
		}
	}
	return n;
}

/* Addresses from b[from] on; from is 0 or where v4_start(b, n, 0) is. */
static bool ssrf_v4(const sk_unesc *u, size_t from, int level, sk_detect_match *m)
{
	const uint8_t *b = u->b;
	size_t n = u->n, i = from;
	while ((i = v4_start(b, n, i)) < n) {
		if (at_ci(b, n, i, "169-254-169-254") &&
		    (i + 15 == n || host_end(b[i + 15]) || b[i + 15] == '.')) {
			/* wildcard DNS services answer 169-254-169-254.<domain> */
			bool named = i + 16 < n && b[i + 15] == '.' && is_alpha(b[i + 16]);
			if (named || level > 0)
				return hit(u, m, i, i + 15,
				           "the instance metadata service 169.254.169.254",
				           " spelt with dashes in a host name");
		}
		v4 t;
		bool ok = parse_v4(b, n, i, &t);
		const char *what = ok ? metadata_v4(t.addr) : NULL;
		if (what) {
			bool named = t.end + 1 < n && b[t.end] == '.' && is_alpha(b[t.end + 1]);
			if (named)
				return hit(u, m, i, t.end, what, " embedded in a host name");
			if (t.plain)
				return hit(u, m, i, t.end, what, NULL);
			bool decimal = t.parts == 1 && b[i] != '0';
			if (!decimal || level > 0 || host_context(u, i, t.end))
				return hit(u, m, i, t.end, what, " written as an unusual number");
		} else if (ok && level > 0 && (t.addr >> 16) == V4(0, 0, 169, 254) &&
		           (t.parts > 1 || host_context(u, i, t.end))) {
			return hit(u, m, i, t.end, "a link-local address", NULL);
		}
		/* the bytes up to t.skip are all glued to the address */
		i = t.skip > i ? t.skip : i + 1;
	}
	return false;
}

static bool ssrf_v6(const sk_unesc *u, int level, sk_detect_match *m)
{
	const uint8_t *b = u->b;
	size_t n = u->n, i = 0, done = 0;
	while (i < n) {
		const uint8_t *q = sk_find_byte(b + i, b + n, ':');
		if (!q)
			break;
		i = (size_t)(q - b);
		size_t s = i, e = i;
		while (s > done && is_v6_byte(b[s - 1]))
			s--;
		while (e < n && is_v6_byte(b[e]))
			e++;
		done = i = e;
		size_t z = e;
		if (z > s && b[z - 1] == '.')
			z--;
		if ((s > 0 && (is_alnum(b[s - 1]) || b[s - 1] == '_')) ||
		    (e < n && (is_alnum(b[e]) || b[e] == '_')))
			continue;
		uint8_t a[16];
		if (!parse_v6(b, s, z, a))
			continue;
		static const uint8_t ec2[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
		                                0,    0,    0,    0,    0, 0, 0x02, 0x54};
		if (memcmp(a, ec2, 16) == 0)
			return hit(u, m, s, z,
			           "the EC2 instance metadata service over IPv6 fd00:ec2::254",
			           NULL);
		const char *what = metadata_v4(v6_carried(a));
		if (what)
			return hit(u, m, s, z, what, " inside an IPv6 address");
		if (level > 0 && a[0] == 0xfd && a[1] == 0 && a[2] == 0x0e && a[3] == 0xc2)
			return hit(u, m, s, z, "the EC2 IPv6 service prefix fd00:ec2::/32", NULL);
	}
	return false;
}

/* The labels after b[i] == '.' up to the end of the host name; returns
 * the end, and whether the name ends in ".internal". */
static size_t host_tail(const uint8_t *b, size_t n, size_t i, bool *internal)
{
	size_t e = i;
	while (e < n && !host_end(b[e]))
		e++;
	size_t z = e;
	if (z > i && b[z - 1] == '.')
		z--;
	*internal = z >= i + 9 && before_ci(b, z, ".internal");
	return e;
}

static bool ssrf_names(const sk_unesc *u, int level, sk_detect_match *m)
{
	const uint8_t *b = u->b;
	size_t n = u->n, i = 0;
	if (n < 4)
		return false;
	while (i + 1 < n) {
		const uint8_t *q = sk_find_pair_lc(b + i, b + n - 1, 'd', 'a');
		if (!q)
			break;
		size_t j = (size_t)(q - b);
		i = j + 1;
		if (j >= 4 && before_ci(b, j, "meta") && at_ci(b, n, j + 2, "ta")) {
			size_t l = j - 4, r = j + 4;
			if (before_ci(b, l, "compute") &&
			    (at_ci(b, n, r, "/v1/") || at_ci(b, n, r, "/v1beta1")))
				return hit(u, m, l - 7, r + 3,
				           "the GCP metadata path computeMetadata/v1", NULL);
			if (l > 0 && !host_end(b[l - 1]))
				continue;
			if (r < n && b[r] == '.') {
				bool internal;
				size_t e = host_tail(b, n, r, &internal);
				if (internal || at_ci(b, n, r, ".goog") ||
				    at_ci(b, n, r, ".tencentyun.com") ||
				    at_ci(b, n, r, ".packet.net") ||
				    at_ci(b, n, r, ".platformequinix.com"))
					return hit(u, m, l, e, "the cloud metadata host ",
					           "metadata.*");
				continue;
			}
			if ((r == n || host_end(b[r])) && host_context(u, l, r) &&
			    (r == n || b[r] == '/' || b[r] == ':' || b[r] == '?' || b[r] == '#'))
				return hit(u, m, l, r, "the GCP metadata host \"metadata\"", NULL);
			if (level > 0 && l > 0 && b[l - 1] == '/' &&
			    (at_ci(b, n, r, "/instance") || at_ci(b, n, r, "/v1")))
				return hit(u, m, l - 1, r, "a metadata service path", NULL);
		} else if (j >= 5 && before_ci(b, j, "meta-") && at_ci(b, n, j + 2, "ta")) {
			if (before_ci(b, j - 5, "latest/"))
				return hit(u, m, j - 12, j + 4,
				           "the EC2 metadata path latest/meta-data", NULL);
		} else if (j >= 5 && before_ci(b, j, "user-") && at_ci(b, n, j + 2, "ta")) {
			if (before_ci(b, j - 5, "latest/"))
				return hit(u, m, j - 12, j + 4,
				           "the EC2 metadata path latest/user-data", NULL);
		} else if (j >= 9 && before_ci(b, j, "instance-") && at_ci(b, n, j + 2, "ta")) {
			size_t l = j - 9, r = j + 4;
			if ((l > 0 && !host_end(b[l - 1])) ||
			    (r < n && !host_end(b[r]) && b[r] != '.'))
				continue;
			bool internal = false;
			size_t e = r;
			if (r < n && b[r] == '.')
				e = host_tail(b, n, r, &internal);
			if (internal || host_context(u, l, r) || level > 0)
				return hit(u, m, l, e, "the EC2 metadata host instance-data", NULL);
		}
	}
	return false;
}

static bool ssrf_chunk(const sk_unesc *u, int level, sk_detect_match *m)
{
	return ssrf_v4(u, 0, level, m) || ssrf_v6(u, level, m) || ssrf_names(u, level, m);
}

/* Where each pass over a value read as it is can find something. */
typedef struct ssrf_pre {
	size_t v4;  /* the first place v4_start() stops at, n when none */
	bool esc;   /* a '%' or a byte from C0 up: perhaps something to decode */
	bool v6;    /* two ':' at most five bytes apart */
	bool names; /* "data" after 'a' or '-' (any case) */
} ssrf_pre;

/* One pass, 64 bytes a step, instead of one per kind of finding: most
 * values (ids, tokens, prose) give no pass anything to do.
 *  - An IPv6 literal that parses has eight groups of at most four hex
 *    digits or a "::", so two colons close together: JSON's ": " and
 *    "https://" are not.
 *  - Every name ssrf_names() reports has "data" after "meta", "meta-",
 *    "user-" or "instance-"; "update" or "today" are not. */
static void ssrf_prefilter(const uint8_t *p, size_t n, ssrf_pre *r)
{
	const sk_u8x16 zero = sk_splat('0'), ten = sk_splat(10), lc = sk_splat(0x20);
	const sk_u8x16 top2 = sk_splat(0xc0);
	sk_u8x16 esc = {0};
	uint64_t prev_colon = 0, prev_digit = 0;
	r->v4 = n;
	r->v6 = r->names = false;
	/* 64 bytes a step: bit j of each mask is byte i + j */
	for (size_t i = 0; i < n; i += 64) {
		uint64_t digit = 0, colon = 0, d = 0, a = 0;
		for (size_t k = 0; k < 4 && i + 16 * k < n; k++) {
			size_t at = i + 16 * k;
			sk_u8x16 x;
			if (at + 16 <= n) {
				memcpy(&x, p + at, 16);
			} else {
				uint8_t tail[16] = {0}; /* NULs: none of what is looked for */
				memcpy(tail, p + at, n - at);
				memcpy(&x, tail, 16);
			}
			sk_u8x16 xl = x | lc;
			esc |= (sk_u8x16)(x == sk_splat('%')) | (sk_u8x16)((x & top2) == top2);
			digit |= (uint64_t)sk_lane_bits((sk_u8x16)((sk_u8x16)(x - zero) < ten))
			         << 16 * k;
			colon |= (uint64_t)sk_lane_bits((sk_u8x16)(x == sk_splat(':'))) << 16 * k;
			d |= (uint64_t)sk_lane_bits((sk_u8x16)(xl == sk_splat('d'))) << 16 * k;
			a |= (uint64_t)sk_lane_bits((sk_u8x16)(xl == sk_splat('a'))) << 16 * k;
		}
		if (!r->v6 && colon) {
			/* a pair across the step may be up to nine apart: more
			 * passes than needed, never fewer */
			r->v6 = (colon & (colon >> 1 | colon >> 2 | colon >> 3 | colon >> 4 |
			                  colon >> 5)) ||
			        ((prev_colon >> 59) && (colon & 0x1f));
		}
		prev_colon = colon;
		uint64_t da = d & a >> 1;
		if ((d >> 63) && i + 64 < n && (p[i + 64] | 0x20) == 'a')
			da |= 1ull << 63; /* the pair across the step */
		for (; da && !r->names; da &= da - 1) {
			size_t k = i + (size_t)__builtin_ctzll(da);
			r->names = k > 0 && (lower(p[k - 1]) == 'a' || p[k - 1] == '-') &&
			           at_ci(p, n, k, "data");
		}
		/* a digit after a digit is glued to it */
		uint64_t first = digit & ~(digit << 1 | prev_digit >> 63);
		prev_digit = digit;
		for (; first && r->v4 == n; first &= first - 1) {
			size_t k = i + (size_t)__builtin_ctzll(first);
			if (v4_may_start(p, n, k))
				r->v4 = k;
		}
	}
	r->esc = sk_any_lane(esc);
}

bool sk_detect_ssrf(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	if (!p || n < 4)
		return false;
	ssrf_pre pre;
	ssrf_prefilter(p, n, &pre);
	bool decode = pre.esc && sk_unesc_needed(p, n);
	sk_unesc u;
	sk_unesc_begin(&u);
	if (!decode) {
		/* read as it is: the prefilter saw the very bytes the passes
		 * would, so a pass with nothing to start from is skipped */
		sk_unesc_next(&u, p, n, false);
		return (pre.v4 < n && ssrf_v4(&u, pre.v4, level, m)) ||
		       (pre.v6 && ssrf_v6(&u, level, m)) || (pre.names && ssrf_names(&u, level, m));
	}
	while (sk_unesc_next(&u, p, n, decode))
		if (ssrf_chunk(&u, level, m))
			return true;
	return false;
}

/* ---- REMOTE_FILE_INCLUSION ---- */

static bool url_stop(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' ||
	       c == '<' || c == '>' || c == '`' || c == 0;
}

/* At HIGH: the URL b[a..e) looks like a script handed to include(): it
 * ends in '?' (which turns the suffix the include appends into a query)
 * or names a script or text file. */
static const char *inclusion_shape(const uint8_t *b, size_t a, size_t z, size_t e)
{
	if (e > a && (b[e - 1] == '?' || (e - a >= 2 && b[e - 2] == '?' && b[e - 1] == '&')))
		return "a URL ending in '?'";
	static const char *const ext[] = {".txt", ".php", ".phtml", ".inc", ".sh",   ".pl",
	                                  ".py",  ".cgi", ".jsp",   ".asp", ".aspx", NULL};
	for (int k = 0; ext[k]; k++)
		if (before_ci(b, z, ext[k]) && z - a > strlen(ext[k]))
			return "a URL to a script or text file";
	return NULL;
}

/* Judges the authority that starts at b[a]; scheme is NULL for "//". */
static bool rfi_authority(const sk_unesc *u, size_t url0, size_t a, const char *scheme, int level,
                          sk_detect_match *m)
{
	/* the bytes that end an authority: url_stop() and / \\ ? # */
	static const uint8_t ends[256] = {
	    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1,  ['\''] = 1, ['<'] = 1,
	    ['>'] = 1, ['`'] = 1,  [0] = 1,    ['/'] = 1,  ['\\'] = 1, ['?'] = 1,  ['#'] = 1};
	const uint8_t *b = u->b;
	size_t n = u->n, e = a, h = a;
	/* one pass to the end, the host starting after the last '@' */
	for (; e < n && !ends[b[e]]; e++)
		if (b[e] == '@')
			h = e + 1;
	if (h >= e)
		return false;
	char what[96];
	if (b[h] == '[') {
		size_t z = h + 1;
		while (z < e && b[z] != ']')
			z++;
		uint8_t a6[16];
		if (z >= e || !parse_v6(b, h + 1, z, a6))
			return false;
		uint32_t c = v6_carried(a6);
		if (c || level > 0) {
			snprintf(what, sizeof what, "%s URL whose host is an IP%s address%s",
			         scheme ? scheme : "scheme-relative", c ? "v4" : "v6",
			         c ? " inside IPv6" : "");
			return hit(u, m, url0, z + 1, what, h > a ? " behind userinfo" : NULL);
		}
		return false;
	}
	size_t hz = h;
	while (hz < e && b[hz] != ':')
		hz++;
	v4 t;
	if (!is_digit(b[h]) || !parse_v4(b, hz, h, &t))
		return false;
	if (t.end != hz && !(t.end + 1 == hz && b[t.end] == '.'))
		return false;
	if (!scheme && t.parts == 1 && t.addr < 0x01000000u)
		return false; /* "//123" is more likely a path than an address */
	/* Loopback and "any" spelt the usual way are what documentation and
	 * development set-ups write; no one includes a remote file from
	 * them. Spelt any other way they are an evasion and count. */
	if (level == 0 && t.plain && t.end == hz && ((t.addr >> 24) == 127 || t.addr == 0))
		return false;
	snprintf(what, sizeof what, "%s URL whose host is the IPv4 address %u.%u.%u.%u",
	         scheme ? scheme : "scheme-relative", t.addr >> 24, (t.addr >> 16) & 255,
	         (t.addr >> 8) & 255, t.addr & 255);
	return hit(u, m, url0, hz, what, h > a ? " behind userinfo" : NULL);
}

static bool rfi_chunk(const sk_unesc *u, int level, sk_detect_match *m)
{
	const uint8_t *b = u->b;
	size_t n = u->n, i = 0, run_end = 0, qpos = 0;
	while (i < n) {
		const uint8_t *q = sk_find_any4(b + i, b + n, ':', '/', ':', ':');
		if (!q)
			break;
		i = (size_t)(q - b);
		size_t at = i++;
		if (b[at] == '/') {
			/* scheme-relative: "//" opening a value */
			if (at + 2 >= n || b[at + 1] != '/' || b[at + 2] == '/')
				continue;
			if (at > 0 && !(url_stop(b[at - 1]) || b[at - 1] == '=' ||
			                b[at - 1] == '(' || b[at - 1] == '[' || b[at - 1] == ','))
				continue;
			if (rfi_authority(u, at, at + 2, NULL, level, m))
				return true;
			continue;
		}
		/* "scheme:" followed by slashes; the scheme must be a whole word */
		size_t s = at;
		while (s > 0 && at - s < 6 && is_alpha(b[s - 1]))
			s--;
		if (s == at || (s > 0 && is_alnum(b[s - 1])))
			continue;
		char sch[8];
		size_t sl = at - s;
		for (size_t k = 0; k < sl; k++)
			sch[k] = (char)lower(b[s + k]);
		sch[sl] = 0;
		if (strcmp(sch, "http") && strcmp(sch, "https") && strcmp(sch, "ftp") &&
		    strcmp(sch, "ftps") && strcmp(sch, "file"))
			continue;
		size_t a = at + 1;
		while (a < n && (b[a] == '/' || b[a] == '\\'))
			a++;
		if (a == at + 1)
			continue;
		if (rfi_authority(u, s, a, sch, level, m))
			return true;
		if (level > 0 && strcmp(sch, "file")) {
			/* URLs nested in one run of bytes share its end */
			if (a >= run_end) {
				run_end = a;
				qpos = 0;
				while (run_end < n && !url_stop(b[run_end]))
					run_end++;
			}
			size_t e = run_end;
			if (qpos < a) {
				/* where the path ends: the first '?' or '#' */
				qpos = a;
				while (qpos < e && b[qpos] != '?' && b[qpos] != '#')
					qpos++;
			}
			const char *why = inclusion_shape(b, a, qpos < e ? qpos : e, e);
			if (why)
				return hit(u, m, s, e, why, NULL);
			if (e < n && b[e] == 0)
				return hit(u, m, s, e + 1, "a URL cut short by a NUL byte", NULL);
		}
	}
	return false;
}

bool sk_detect_rfi(const uint8_t *p, size_t n, int level, sk_detect_match *m)
{
	if (!p || n < 4)
		return false;
	bool decode = sk_unesc_needed(p, n);
	/* every URL has a slash; memchr() is the cheapest pass there is */
	if (!decode && !memchr(p, '/', n) && !memchr(p, '\\', n))
		return false;
	sk_unesc u;
	sk_unesc_begin(&u);
	while (sk_unesc_next(&u, p, n, decode))
		if (rfi_chunk(&u, level, m))
			return true;
	return false;
}
