/* sekisho acl validate | default */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "rules/default_acl.h"
#include "waf/capacity.h"

static void usage(FILE *f)
{
	fputs("usage: sekisho acl validate FILE [--resources DIR] [--search-string-encoding "
	      "base64|text]\n"
	      "       sekisho acl default\n"
	      "\n"
	      "validate  loads and compiles a web ACL and prints OK with the capacity it uses,\n"
	      "          or the problems found (file, JSON path, what was expected); exit 2 then.\n"
	      "default   prints the built-in default web ACL (unwrapped, plain-text search\n"
	      "          strings): a starting point for your own.\n",
	      f);
}

static int validate(int argc, char **argv)
{
	acl_opts ao = {.all_problems = true};
	for (int i = 0; i < argc; i++) {
		int r = acl_opts_parse(&ao, argc, argv, &i);
		if (r < 0)
			return EXIT_USAGE;
		if (r > 0)
			continue;
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "sekisho acl validate: unknown option %s\n", argv[i]);
			return EXIT_USAGE;
		}
		if (ao.acl) {
			fprintf(stderr, "sekisho acl validate: give one file\n");
			return EXIT_USAGE;
		}
		ao.acl = argv[i];
	}
	if (!ao.acl) {
		usage(stderr);
		return EXIT_USAGE;
	}
	sk_program *p;
	int rc = load_program(&ao, &p);
	if (rc)
		return rc;
	const sk_acl *acl = sk_program_acl(p);
	size_t lanes, hs, pcre;
	sk_program_stats(p, &lanes, &hs, &pcre);
	printf("OK %s: web ACL \"%s\", %zu rules, capacity %" PRIu64
	       " WCU (%d included in the base "
	       "price, %d at most); %zu lanes, %zu patterns on Hyperscan, %zu on PCRE2\n",
	       ao.acl, acl->name, acl->nrules, acl->capacity, SK_WCU_BASE, SK_WCU_MAX, lanes, hs,
	       pcre);
	if (acl->capacity > SK_WCU_BASE)
		printf("note: over %d WCU, AWS charges for the extra capacity\n", SK_WCU_BASE);
	sk_program_free(p);
	return EXIT_OK;
}

int cmd_acl(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "validate") == 0)
		return validate(argc - 2, argv + 2);
	if (strcmp(argv[1], "default") == 0) {
		fputs(sk_default_acl_json, stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "sekisho acl: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
