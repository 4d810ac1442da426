/* sekisho lists update: fetch the configured IP lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/yaml.h"
#include "cli/cli.h"
#include "ops/lists.h"
#include "rules/iplist.h"

static void usage(FILE *f)
{
	fputs("usage: sekisho lists update [--config FILE] [--lists DIR] [--timeout SECONDS]\n"
	      "\n"
	      "Downloads every list under lists.sources in the config file (default:\n"
	      "./sekisho.yaml, else /etc/sekisho/sekisho.yaml) into the lists folder\n"
	      "(lists.dir, --lists, default " SK_LISTS_DIR_DEFAULT "), one file <name>.txt\n"
	      "each, replaced atomically. A download that fails, is empty or does not parse\n"
	      "leaves the old list in place. Exit 0 when every list was updated, 2 otherwise.\n"
	      "\n"
	      "  lists:\n"
	      "    dir: /var/lib/sekisho/lists\n"
	      "    sources:\n"
	      "      ip-reputation: https://example.org/drop.txt\n"
	      "      anonymous-ip: https://example.org/tor-exits.txt\n",
	      f);
}

int cmd_lists(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "update") != 0) {
		bool help =
		    argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
		usage(help ? stdout : stderr);
		return help ? EXIT_OK : EXIT_USAGE;
	}
	const char *config = NULL, *dir = NULL, *v;
	long timeout = 120;
	bool bad = false;
	for (int i = 2; i < argc; i++) {
		if ((v = opt_value(argc, argv, &i, "--config", &bad)))
			config = v;
		else if ((v = opt_value(argc, argv, &i, "--lists", &bad)))
			dir = v;
		else if ((v = opt_value(argc, argv, &i, "--timeout", &bad)))
			timeout = atol(v) > 0 ? atol(v) : 120;
		else {
			if (!bad)
				fprintf(stderr, "sekisho lists update: unknown option %s\n",
				        argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!config)
		config = access("sekisho.yaml", R_OK) == 0 ? "sekisho.yaml"
		                                           : "/etc/sekisho/sekisho.yaml";
	json_t *cfg;
	sk_error err = {0};
	if (sk_yaml_load_file(config, &cfg, &err)) {
		fprintf(stderr, "sekisho: %s\n", err.msg);
		return EXIT_USAGE;
	}
	sk_lists_config lc;
	if (sk_lists_config_read(cfg, config, &lc, &err)) {
		fprintf(stderr, "sekisho: %s\n", err.msg);
		json_decref(cfg);
		return EXIT_USAGE;
	}
	if (!dir)
		dir = lc.dir ? lc.dir : SK_LISTS_DIR_DEFAULT;
	if (lc.n == 0)
		fprintf(stderr, "sekisho: %s: no lists under lists.sources; nothing to update\n",
		        config);
	int failed = 0;
	for (size_t i = 0; i < lc.n; i++) {
		size_t ranges;
		if (sk_list_update(dir, &lc.sources[i], timeout, &ranges, &err)) {
			fprintf(stderr, "sekisho: %s\n", err.msg);
			failed++;
		} else {
			printf("%s: %zu address ranges from %s into %s/%s.txt\n",
			       lc.sources[i].name, ranges, lc.sources[i].url, dir,
			       lc.sources[i].name);
		}
	}
	size_t n = lc.n;
	sk_lists_config_free(&lc);
	json_decref(cfg);
	return failed || n == 0 ? EXIT_USAGE : EXIT_OK;
}
