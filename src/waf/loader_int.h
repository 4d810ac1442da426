/* Private to the web ACL loader (loader.c, loader_json.c, resources.c):
 * the loader's state, typed JSON getters that report JSON paths, and the
 * resources folder and lists. */
#ifndef SK_WAF_LOADER_INT_H
#define SK_WAF_LOADER_INT_H

#include <jansson.h>
#include <stdarg.h>

#include "waf/loader.h"

#define MAX_DEPTH 20

/* A JSON document found in the resources folder, indexed by ARN, Id, Name. */
typedef struct res_doc {
	char *file;
	json_t *root; /* the whole file */
	json_t *body; /* the IPSet / RegexPatternSet / RuleGroup object */
	bool wrapped;
	int kind; /* RES_* */
	void *loaded;
	bool loading; /* cycle guard for rule groups */
} res_doc;

enum { RES_IP_SET, RES_REGEX_SET, RES_RULE_GROUP };

/* What changes while a referenced document is read; saved and restored
 * around it on every path, errors included, since collect mode goes on
 * after an error. */
typedef struct doc_ctx {
	const char *file;
	bool wrapped;
	const char *label_ns;
	const sk_body *bodies;
	size_t nbodies;
} doc_ctx;

typedef struct loader {
	sk_arena *a;
	sk_error *err;
	sk_buf *warnings;
	const sk_load_options *opt;
	const char *file; /* file of the document being read */
	bool wrapped;     /* the document being read was CLI-wrapped */
	const char *label_ns;
	res_doc *docs;
	size_t ndocs;
	bool dir_scanned;
	int search_strings, search_b64_printable; /* for the encoding warning */
	/* IP lists ("sekisho:list:NAME"), loaded once each; the missing ones
	 * are named in one warning at the end. */
	struct {
		char *name;
		sk_ip_set *set;
	} lists[16];
	size_t nlists;
	char missing_lists[512];
	int depth;
	const sk_body *bodies; /* of the document whose rules are loading */
	size_t nbodies;
	/* Managed groups parsed once per load. */
	struct {
		char *name;
		sk_group *g;
	} managed[32];
	size_t nmanaged;
} loader;

static inline doc_ctx ld_save_ctx(const loader *L)
{
	return (doc_ctx){L->file, L->wrapped, L->label_ns, L->bodies, L->nbodies};
}

static inline void ld_restore_ctx(loader *L, const doc_ctx *c)
{
	L->file = c->file;
	L->wrapped = c->wrapped;
	L->label_ns = c->label_ns;
	L->bodies = c->bodies;
	L->nbodies = c->nbodies;
}

#define TRY(x)                                                                                     \
	do {                                                                                       \
		sk_status st_ = (x);                                                               \
		if (st_ != SK_OK)                                                                  \
			return st_;                                                                \
	} while (0)

/* IP sets and regex pattern sets that are sekisho's lists rather than
 * resources: "sekisho:list:NAME". */
#define LIST_ARN "sekisho:list:"

/* ---- loader_json.c: messages and typed getters ---- */

sk_status ld_fail(loader *L, const char *path, const char *fmt, ...) SK_PRINTF(3, 4);
void ld_warn(loader *L, const char *fmt, ...) SK_PRINTF(2, 3);
sk_status ld_nomem(loader *L);
char *ld_sub(loader *L, const char *path, const char *key);
char *ld_idx(loader *L, const char *path, size_t i);
char *ld_dupstr(loader *L, const char *s);
const char *ld_type_name(const json_t *v);
const char *ld_cstr(const json_t *v);
sk_status ld_get_obj(loader *L, json_t *o, const char *path, const char *key, bool required,
                     json_t **out);
sk_status ld_get_arr(loader *L, json_t *o, const char *path, const char *key, bool required,
                     json_t **out);
sk_status ld_get_str(loader *L, json_t *o, const char *path, const char *key, bool required,
                     const char **out);
sk_status ld_get_int(loader *L, json_t *o, const char *path, const char *key, bool required,
                     int64_t lo, int64_t hi, int64_t *out);
sk_status ld_get_enum(loader *L, json_t *o, const char *path, const char *key, bool required,
                      const char *const *words, int *out);
sk_status ld_one_of(loader *L, json_t *o, const char *path, const char *what,
                    const char *const *keys, int *which, json_t **val);

/* ---- resources.c: the resources folder and sekisho's lists ---- */

void ld_docs_free(loader *L);
sk_status ld_find_res(loader *L, const char *path, int kind, const char *ref, res_doc **out);
sk_status ld_load_ip_set(loader *L, res_doc *d, sk_ip_set **out);
sk_status ld_load_regex_set(loader *L, res_doc *d, sk_regex_set **out);
sk_status ld_load_list(loader *L, const char *path, const char *name, sk_ip_set **out);
sk_status ld_load_regex_list(loader *L, const char *path, const char *name, sk_regex_set **out);

/* loader.c */
sk_status ld_check_regex(loader *L, const char *path, const char *re);

#endif
