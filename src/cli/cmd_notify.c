/* sekisho notify test: one test message to every configured notifier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gateway/config.h"

int cmd_notify(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "test") != 0) {
		FILE *f = argc < 2 || strcmp(argv[1], "test") != 0 ? stderr : stdout;
		fputs("usage: sekisho notify test [--config FILE] [--notify-webhook URL]\n\n"
		      "Sends one test message to every notifier the config file names (notify:\n"
		      "slack_webhook, webhook, email) and to --notify-webhook (Slack format).\n",
		      f);
		return argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		           ? EXIT_OK
		           : EXIT_USAGE;
	}
	sk_gw_config c;
	sk_gw_config_init(&c);
	sk_error err = {0};
	int rc = EXIT_OK;
	for (int i = 2; i < argc && rc == EXIT_OK; i++) {
		bool bad = false;
		const char *v;
		if ((v = opt_value(argc, argv, &i, "--config", &bad))) {
			if (sk_gw_config_load(&c, v, &err)) {
				fprintf(stderr, "sekisho: %s\n", err.msg);
				rc = EXIT_USAGE;
			}
		} else if ((v = opt_value(argc, argv, &i, "--notify-webhook", &bad))) {
			free(c.notify.slack_url);
			c.notify.slack_url = strdup(v);
		} else if (!bad) {
			fprintf(stderr, "sekisho: notify test: unknown option \"%s\"\n", argv[i]);
			rc = EXIT_USAGE;
		}
		if (bad)
			rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK) {
		if (sk_notify_test(&c.notify, &err)) {
			fprintf(stderr, "sekisho: %s\n", err.msg);
			rc = EXIT_USAGE;
		} else {
			puts("test message sent");
		}
	}
	sk_gw_config_free(&c);
	return rc;
}
