/* Managed rule groups: sekisho's open equivalents of AWS's, addressed as
 * AWS addresses them (VendorName "AWS" and the group's Name). */
#include <stddef.h>
#include <string.h>

#include "rules/registry.h"
#include "waf/loader.h"

const char *sk_managed_group_json(const char *vendor, const char *name)
{
	if (strcmp(vendor, "AWS") != 0)
		return NULL;
	for (const sk_builtin_group *g = sk_builtin_groups; g->name; g++)
		if (strcmp(g->name, name) == 0)
			return g->json;
	return NULL;
}

const char *const *sk_managed_group_names(void)
{
	enum { MAX = 64 };
	static const char *names[MAX + 1];
	size_t n = 0;
	for (const sk_builtin_group *g = sk_builtin_groups; g->name && n < MAX; g++)
		names[n++] = g->name;
	names[n] = NULL;
	return names;
}
