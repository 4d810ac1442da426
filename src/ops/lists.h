/* sekisho lists update: fetches the configured IP lists with libcurl and
 * puts each in place atomically, keeping the old file when a download
 * fails, is empty, or does not parse. */
#ifndef SK_OPS_LISTS_H
#define SK_OPS_LISTS_H

#include <jansson.h>

#include "base/error.h"

#define SK_LIST_MAX_BYTES ((size_t)64 << 20)

typedef struct sk_list_source {
	const char *name; /* the list's name: file <dir>/<name>.txt */
	const char *url;
} sk_list_source;

typedef struct sk_lists_config {
	const char *dir; /* NULL: SK_LISTS_DIR_DEFAULT */
	sk_list_source *sources;
	size_t n;
} sk_lists_config;

/* Reads the "lists" section of a config document ({dir, sources: {name:
 * url}}); strings point into cfg. Errors name file and JSON path. */
SK_MUST_CHECK sk_status sk_lists_config_read(json_t *cfg, const char *file, sk_lists_config *out,
                                             sk_error *err);
void sk_lists_config_free(sk_lists_config *c);

/* Downloads one list and installs it. On success *ranges is the number of
 * ranges in the new file. */
SK_MUST_CHECK sk_status sk_list_update(const char *dir, const sk_list_source *src, long timeout_s,
                                       size_t *ranges, sk_error *err);

#endif
