#include "rules/iplist.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "waf/ipaddr.h"

/* The first word of a line, up to white space, ';', '#' or ','. */
static sk_str first_word(sk_str line)
{
	size_t i = 0;
	while (i < line.n && line.p[i] != ' ' && line.p[i] != '\t' && line.p[i] != ';' &&
	       line.p[i] != '#' && line.p[i] != ',')
		i++;
	return sk_str_make(line.p, i);
}

sk_status sk_iplist_parse(const char *file, const char *text, size_t n, sk_arena *a,
			  sk_ip_set *set, sk_error *err)
{
	/* Count lines first so the ranges are one allocation. */
	size_t lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += text[i] == '\n';
	sk_ip_range *r = sk_arena_alloc(a, lines * sizeof *r);
	if (!r)
		return sk_fail(err, SK_E_NOMEM, "%s: out of memory", file);
	size_t count = 0, lineno = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - text) : n;
		sk_str line = sk_str_trim(sk_str_make(text + i, end - i));
		if (line.n && line.p[line.n - 1] == '\r')
			line.n--;
		lineno++;
		i = end + 1;
		if (line.n == 0 || line.p[0] == '#' || line.p[0] == ';')
			continue;
		sk_str w = first_word(line);
		char buf[64];
		if (w.n == 0 || w.n >= sizeof buf)
			return sk_fail(err, SK_E_INVALID, "%s:%zu: expected an IP address or CIDR range",
				       file, lineno);
		memcpy(buf, w.p, w.n);
		buf[w.n] = 0;
		if (!strchr(buf, '/')) {
			/* A bare address is a range of one. */
			bool v6 = strchr(buf, ':') != NULL;
			if (w.n + 4 >= sizeof buf)
				return sk_fail(err, SK_E_INVALID, "%s:%zu: expected an IP address", file,
					       lineno);
			strcat(buf, v6 ? "/128" : "/32");
		}
		if (!sk_cidr_parse(buf, &r[count]))
			return sk_fail(err, SK_E_INVALID,
				       "%s:%zu: \"%.*s\" is not an IP address or CIDR range (/1 to /32, "
				       "or /128 for IPv6)",
				       file, lineno, (int)w.n, (const char *)w.p);
		count++;
	}
	sk_ip_ranges_sort(r, count);
	set->ranges = r;
	set->n = count;
	return SK_OK;
}

sk_status sk_iplist_load(const char *dir, const char *name, sk_arena *a, sk_ip_set *set,
			 sk_error *err)
{
	char path[4096];
	set->ranges = NULL;
	set->n = 0;
	snprintf(path, sizeof path, "%s/%s.txt", dir, name);
	sk_buf b;
	sk_buf_init(&b, SK_CAP_CONFIG_FILE);
	sk_status st = sk_buf_read_file(&b, path, err);
	if (st == SK_OK)
		st = sk_iplist_parse(path, b.p ? (const char *)b.p : "", b.n, a, set, err);
	sk_buf_free(&b);
	return st;
}
