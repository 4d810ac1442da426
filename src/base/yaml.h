/* YAML config files as jansson values (mappings to objects, sequences to
 * arrays, scalars to strings), so config readers share the JSON helpers
 * and report JSON paths. Parsed with libyaml. */
#ifndef SK_BASE_YAML_H
#define SK_BASE_YAML_H

#include <jansson.h>

#include "base/error.h"

/* Loads path; on error the message names the file, line and column. */
SK_MUST_CHECK sk_status sk_yaml_load_file(const char *path, json_t **out, sk_error *err);
SK_MUST_CHECK sk_status sk_yaml_load(const char *name, const char *text, size_t n, json_t **out,
				     sk_error *err);

#endif
