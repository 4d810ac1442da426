#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "rules/default_acl.h"

const char *opt_value(int argc, char **argv, int *i, const char *name, bool *bad)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != 0)
		return NULL;
	if (*i + 1 >= argc) {
		fprintf(stderr, "sekisho: %s needs a value\n", name);
		*bad = true;
		return NULL;
	}
	return argv[++*i];
}

int acl_opts_parse(acl_opts *o, int argc, char **argv, int *i)
{
	bool bad = false;
	const char *v;
	if ((v = opt_value(argc, argv, i, "--acl", &bad)))
		o->acl = v;
	else if ((v = opt_value(argc, argv, i, "--resources", &bad)))
		o->resources = v;
	else if ((v = opt_value(argc, argv, i, "--geoip", &bad)))
		o->geoip = v;
	else if ((v = opt_value(argc, argv, i, "--lists", &bad)))
		o->lists = v;
	else if ((v = opt_value(argc, argv, i, "--search-string-encoding", &bad))) {
		if (strcmp(v, "base64") == 0)
			o->enc = SK_SEARCH_BASE64;
		else if (strcmp(v, "text") == 0)
			o->enc = SK_SEARCH_TEXT;
		else {
			fprintf(stderr,
			        "sekisho: --search-string-encoding: expected base64 or text, "
			        "found \"%s\"\n",
			        v);
			return -1;
		}
	} else if (strcmp(argv[*i], "--count-only") == 0)
		o->count_only = true;
	else
		return bad ? -1 : 0;
	return 1;
}

sk_status compile_program(const acl_opts *o, sk_program **out, sk_error *err)
{
	sk_buf problems;
	sk_buf_init(&problems, 1 << 20);
	sk_load_options lo = {.resources_dir = o->resources,
	                      .lists_dir = o->lists,
	                      .search_encoding = o->enc,
	                      .body_limit = o->body_limit,
	                      .problems = o->all_problems ? &problems : NULL};
	sk_acl *acl = NULL;
	sk_buf warnings;
	sk_buf_init(&warnings, 1 << 20);
	sk_status st;
	if (o->acl)
		st = sk_acl_load_file(o->acl, &lo, &acl, &warnings, err);
	else
		st = sk_acl_load("<default web ACL>", sk_default_acl_json,
		                 strlen(sk_default_acl_json), &lo, &acl, &warnings, err);
	if (warnings.n)
		fprintf(stderr, "%.*s", (int)warnings.n, (char *)warnings.p);
	sk_buf_free(&warnings);
	/* Each collected problem is a line; the final message sums them up
	 * (or is the error that stopped the load). */
	for (char *line = (char *)problems.p; line && *line;) {
		char *nl = strchr(line, '\n');
		fprintf(stderr, "sekisho: %.*s\n", (int)(nl ? nl - line : (long)strlen(line)),
		        line);
		line = nl ? nl + 1 : line + strlen(line);
	}
	sk_buf_free(&problems);
	if (st)
		return st;
	sk_engine_options eo = {.geoip_db = o->geoip, .count_only = o->count_only};
	return sk_program_compile(acl, &eo, out, err);
}

int load_program(const acl_opts *o, sk_program **out)
{
	sk_error err = {0};
	if (compile_program(o, out, &err)) {
		fprintf(stderr, "sekisho: %s\n", err.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Prints request-controlled text so that it cannot drive the terminal:
 * control characters (C0, DEL, and C1 as UTF-8) become \xNN. */
void print_safe(FILE *f, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	for (; *p && n < max; p++, n++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fprintf(f, "\\u%04x", p[1]);
			p++;
		} else
			fputc(*p, f);
	}
	if (*p)
		fputs("...", f);
}
