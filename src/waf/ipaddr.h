/* IP addresses and CIDR ranges. IPv4 is kept as IPv4-mapped IPv6
 * (::ffff:a.b.c.d) so one sorted array serves both families. */
#ifndef SK_WAF_IPADDR_H
#define SK_WAF_IPADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/str.h"
#include "waf/acl.h"

bool sk_ip_parse(sk_str s, uint8_t out[16]);
bool sk_cidr_parse(const char *s, sk_ip_range *out);
void sk_ip_ranges_sort(sk_ip_range *r, size_t n);
bool sk_ip_ranges_contain(const sk_ip_range *r, size_t n, const uint8_t ip[16]);

#endif
