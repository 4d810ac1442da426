/* Rule groups built into the binary: the JSON files of src/rules/groups,
 * build time by tools/embed.c. */
#ifndef SK_RULES_REGISTRY_H
#define SK_RULES_REGISTRY_H

typedef struct sk_builtin_group {
	const char *name; /* the group's Name, as AWS names it */
	const char *json; /* the RuleGroup document */
} sk_builtin_group;

extern const sk_builtin_group sk_builtin_groups[]; /* ends with {NULL, NULL} */

#endif
