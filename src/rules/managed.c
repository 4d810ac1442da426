/* Registry of the managed rule groups built into the binary. The groups
 * themselves arrive with the managed rule groups work; until then the
 * registry is empty and ManagedRuleGroupStatement names what exists. */
#include <stddef.h>
#include <string.h>

#include "waf/loader.h"

static const char *const names[] = {NULL};

const char *sk_managed_group_json(const char *vendor, const char *name)
{
	(void)vendor;
	(void)name;
	return NULL;
}

const char *const *sk_managed_group_names(void)
{
	return names;
}
