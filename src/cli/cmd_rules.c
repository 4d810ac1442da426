/* sekisho rules list | show GROUP[/RULE]: the built-in managed rule groups,
 * readable: what each rule catches, its label, and (show) its statement. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rules/registry.h"

static void usage(FILE *f)
{
	fputs("usage: sekisho rules list\n"
	      "       sekisho rules show GROUP[/RULE]\n"
	      "\n"
	      "list  every built-in managed rule group and its rules: what each catches, its\n"
	      "      default action and the label it adds\n"
	      "show  one group with its rules, or one rule with its whole statement (JSON), as\n"
	      "      it is evaluated\n",
	      f);
}

static json_t *load_group(const sk_builtin_group *g)
{
	json_error_t je;
	return json_loads(g->json, 0, &je);
}

static const char *rule_action(json_t *rule)
{
	json_t *a = json_object_get(rule, "Action");
	const char *k;
	json_t *v;
	json_object_foreach(a, k, v) return k;
	return "?";
}

static void print_rules(json_t *doc, const char *only)
{
	const char *ns = json_string_value(json_object_get(doc, "LabelNamespace"));
	json_t *rules = json_object_get(doc, "Rules"), *r;
	size_t i;
	json_array_foreach(rules, i, r)
	{
		const char *name = json_string_value(json_object_get(r, "Name"));
		if (only && strcmp(only, name) != 0)
			continue;
		json_t *labels = json_object_get(r, "RuleLabels");
		const char *label =
		    json_string_value(json_object_get(json_array_get(labels, 0), "Name"));
		printf("  %-40s %-6s %s\n", name, rule_action(r),
		       json_string_value(json_object_get(r, "Description")));
		if (label)
			printf("  %-40s        label %s%s\n", "", ns ? ns : "", label);
	}
}

static int list(void)
{
	for (const sk_builtin_group *g = sk_builtin_groups; g->name; g++) {
		json_t *doc = load_group(g);
		if (!doc)
			return EXIT_USAGE;
		printf("%s (%s, %lld WCU, %zu rules)\n  %s\n", g->name,
		       json_string_value(json_object_get(doc, "Version")),
		       (long long)json_integer_value(json_object_get(doc, "Capacity")),
		       json_array_size(json_object_get(doc, "Rules")),
		       json_string_value(json_object_get(doc, "Description")));
		print_rules(doc, NULL);
		putchar('\n');
		json_decref(doc);
	}
	return EXIT_OK;
}

static int show(const char *what)
{
	char group[256];
	const char *slash = strchr(what, '/');
	size_t gn = slash ? (size_t)(slash - what) : strlen(what);
	if (gn >= sizeof group) {
		fprintf(stderr, "sekisho rules show: no group \"%s\"\n", what);
		return EXIT_USAGE;
	}
	memcpy(group, what, gn);
	group[gn] = 0;
	const sk_builtin_group *g = sk_builtin_groups;
	while (g->name && strcmp(g->name, group) != 0)
		g++;
	if (!g->name) {
		fprintf(stderr, "sekisho rules show: no group \"%s\" (see sekisho rules list)\n",
		        group);
		return EXIT_USAGE;
	}
	json_t *doc = load_group(g);
	if (!doc)
		return EXIT_USAGE;
	int rc = EXIT_OK;
	if (!slash) {
		printf("%s (%s)\n  %s\n  labels: %s<label>\n\n", g->name,
		       json_string_value(json_object_get(doc, "Version")),
		       json_string_value(json_object_get(doc, "Description")),
		       json_string_value(json_object_get(doc, "LabelNamespace")));
		print_rules(doc, NULL);
	} else {
		json_t *rules = json_object_get(doc, "Rules"), *r, *found = NULL;
		size_t i;
		json_array_foreach(rules, i,
		                   r) if (strcmp(json_string_value(json_object_get(r, "Name")),
		                                 slash + 1) == 0) found = r;
		if (!found) {
			fprintf(stderr, "sekisho rules show: group %s has no rule \"%s\"\n",
			        g->name, slash + 1);
			rc = EXIT_USAGE;
		} else {
			char *s = json_dumps(found, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			printf("%s/%s\n", g->name, slash + 1);
			print_rules(doc, slash + 1);
			printf("\n%s\n", s ? s : "");
			free(s);
		}
	}
	json_decref(doc);
	return rc;
}

int cmd_rules(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "list") == 0 && argc == 2)
		return list();
	if (strcmp(argv[1], "show") == 0 && argc == 3)
		return show(argv[2]);
	usage(stderr);
	return EXIT_USAGE;
}
