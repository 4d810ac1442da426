#include "base/str.h"

#include <string.h>

bool sk_str_ieq_cstr(sk_str a, const char *b)
{
	return sk_str_ieq(a, sk_str_cstr(b));
}

long sk_str_ifind(sk_str hay, sk_str needle)
{
	if (needle.n == 0)
		return 0;
	if (needle.n > hay.n)
		return -1;
	for (size_t i = 0; i + needle.n <= hay.n; i++) {
		size_t j = 0;
		while (j < needle.n && sk_lower(hay.p[i + j]) == sk_lower(needle.p[j]))
			j++;
		if (j == needle.n)
			return (long)i;
	}
	return -1;
}

void sk_cstr_copy(char *dst, size_t cap, const void *src, size_t n)
{
	if (cap == 0)
		return;
	if (n > cap - 1)
		n = cap - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = 0;
}
