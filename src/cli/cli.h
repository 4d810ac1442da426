/* Shared by the subcommands: option parsing helpers and the web ACL
 * loading every command does the same way. Only src/cli prints. */
#ifndef SK_CLI_CLI_H
#define SK_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "waf/engine.h"
#include "waf/loader.h"

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_BLOCKED = 1, EXIT_USAGE = 2 };

typedef struct acl_opts {
	const char *acl;       /* NULL: the built-in default */
	const char *resources; /* --resources DIR */
	const char *geoip;     /* --geoip FILE */
	const char *lists;     /* --lists DIR: IP list files */
	sk_search_encoding enc;
	bool count_only;
	bool all_problems; /* report every broken rule, not just the first */
	size_t body_limit; /* 0: the ACL's own (AssociationConfig) or 1 MiB */
} acl_opts;

/* If argv[*i] is an ACL option, consumes it (and its value) and returns 1;
 * 0 when it is not one; -1 after printing a usage error. */
int acl_opts_parse(acl_opts *o, int argc, char **argv, int *i);

/* Loads and compiles; prints warnings and errors to stderr. */
int load_program(const acl_opts *o, sk_program **out);
/* The same, printing only warnings: the error is left in err. */
SK_MUST_CHECK sk_status compile_program(const acl_opts *o, sk_program **out, sk_error *err);

/* Value of "--name VALUE" or "--name=VALUE" at argv[*i]; NULL if argv[*i]
 * is not that option. Prints a usage error and sets *bad when the value is
 * missing. */
const char *opt_value(int argc, char **argv, int *i, const char *name, bool *bad);

/* Prints request-controlled text so that it cannot drive a terminal:
 * control characters (C0, DEL, C1 as UTF-8) escaped; at most max bytes. */
void print_safe(FILE *f, const char *s, size_t max);

int cmd_check(int argc, char **argv);
int cmd_acl(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_lists(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_reload(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_notify(int argc, char **argv);
int cmd_allow(int argc, char **argv);
int cmd_replay(int argc, char **argv);

#endif
