/* sekisho: a web application firewall that reads AWS WAF v2 web ACLs. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef SK_VERSION
#define SK_VERSION "0.0.0"
#endif

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
    {"serve", cmd_serve, "run the gateway: the WAF as a reverse proxy in front of an app"},
    {"reload", cmd_reload, "ask a running gateway to re-read its configuration"},
    {"events", cmd_events, "what the gateway blocked and counted: list, show, summary"},
    {"notify", cmd_notify, "send a test alert to the configured notifiers"},
    {"allow", cmd_allow, "the narrowest web ACL change that lets a stored request through"},
    {"replay", cmd_replay, "recorded traffic against a web ACL: what would be blocked"},
    {"check", cmd_check, "would these requests be blocked by this web ACL, and why?"},
    {"acl", cmd_acl, "validate a web ACL (capacity, problems), print the default one"},
    {"rules", cmd_rules, "the built-in managed rule groups: what each rule catches"},
    {"lists", cmd_lists, "download the IP lists the reputation groups read"},
};

static void usage(FILE *f)
{
	fputs("usage: sekisho COMMAND [options]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\n  sekisho help COMMAND   options of one command\n"
	      "  sekisho --version\n",
	      f);
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("sekisho %s\n", SK_VERSION);
		return EXIT_OK;
	}
	if (strcmp(cmd, "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return EXIT_OK;
		}
		const struct command *c = find(argv[2]);
		if (!c) {
			fprintf(stderr, "sekisho: unknown command \"%s\"\n", argv[2]);
			return EXIT_USAGE;
		}
		char *hargv[] = {argv[2], "--help", NULL};
		return c->run(2, hargv);
	}
	const struct command *c = find(cmd);
	if (!c) {
		fprintf(stderr, "sekisho: unknown command \"%s\"\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
