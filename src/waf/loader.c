/* AWS WAF v2 JSON to sk_acl. Every value is checked against what AWS's API
 * accepts, and every complaint carries the JSON path of the value. */
#include "waf/loader.h"

#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "detect/detect.h"
#include "rules/iplist.h"
#include "waf/capacity.h"
#include "waf/ipaddr.h"

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

static doc_ctx save_ctx(const loader *L)
{
	return (doc_ctx){L->file, L->wrapped, L->label_ns, L->bodies, L->nbodies};
}

static void restore_ctx(loader *L, const doc_ctx *c)
{
	L->file = c->file;
	L->wrapped = c->wrapped;
	L->label_ns = c->label_ns;
	L->bodies = c->bodies;
	L->nbodies = c->nbodies;
}

static sk_status failv(loader *L, const char *path, const char *fmt, va_list ap) SK_PRINTF(3, 0);
static sk_status failv(loader *L, const char *path, const char *fmt, va_list ap)
{
	char msg[SK_ERROR_MSG_MAX];
	vsnprintf(msg, sizeof msg, fmt, ap);
	return sk_fail(L->err, SK_E_INVALID, "%s: %s%s%s", L->file, path ? path : "",
	               path && *path ? ": " : "", msg);
}

static sk_status fail(loader *L, const char *path, const char *fmt, ...) SK_PRINTF(3, 4);
static sk_status fail(loader *L, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_status st = failv(L, path, fmt, ap);
	va_end(ap);
	return st;
}

static void warn(loader *L, const char *fmt, ...) SK_PRINTF(2, 3);
static void warn(loader *L, const char *fmt, ...)
{
	if (!L->warnings)
		return;
	char msg[SK_ERROR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (sk_buf_puts(L->warnings, msg) || sk_buf_putc(L->warnings, '\n'))
		return; /* a lost warning is not worth failing the load */
}

static sk_status nomem(loader *L)
{
	return sk_fail(L->err, SK_E_NOMEM, "%s: out of memory", L->file);
}

#define TRY(x)                                                                                     \
	do {                                                                                       \
		sk_status st_ = (x);                                                               \
		if (st_ != SK_OK)                                                                  \
			return st_;                                                                \
	} while (0)

static char *sub(loader *L, const char *path, const char *key)
{
	return sk_arena_printf(L->a, "%s%s%s", path, *path ? "." : "", key);
}

static char *idx(loader *L, const char *path, size_t i)
{
	return sk_arena_printf(L->a, "%s[%zu]", path, i);
}

static char *dupstr(loader *L, const char *s)
{
	return sk_arena_strndup(L->a, s, strlen(s));
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* ---- typed getters: absent optional values give NULL / defaults ---- */

/* The string's text, or NULL when v is not a string or holds a NUL (the
 * document is parsed with NULs allowed so that they get a JSON path). */
static const char *cstr(const json_t *v)
{
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

static sk_status get_obj(loader *L, json_t *o, const char *path, const char *key, bool required,
                         json_t **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v) {
		if (required)
			return fail(L, sub(L, path, key), "required, expected an object");
		return SK_OK;
	}
	if (!json_is_object(v))
		return fail(L, sub(L, path, key), "expected an object, found %s", type_name(v));
	*out = v;
	return SK_OK;
}

static sk_status get_arr(loader *L, json_t *o, const char *path, const char *key, bool required,
                         json_t **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v) {
		if (required)
			return fail(L, sub(L, path, key), "required, expected an array");
		return SK_OK;
	}
	if (!json_is_array(v))
		return fail(L, sub(L, path, key), "expected an array, found %s", type_name(v));
	*out = v;
	return SK_OK;
}

/* Strings from config must be text: jansson already refuses invalid UTF-8,
 * we refuse NULs since names and patterns are C strings downstream. */
static sk_status get_str(loader *L, json_t *o, const char *path, const char *key, bool required,
                         const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v) {
		if (required)
			return fail(L, sub(L, path, key), "required, expected a string");
		return SK_OK;
	}
	if (!json_is_string(v))
		return fail(L, sub(L, path, key), "expected a string, found %s", type_name(v));
	if (!cstr(v))
		return fail(L, sub(L, path, key), "a NUL character is not allowed here");
	*out = cstr(v);
	return SK_OK;
}

static sk_status get_int(loader *L, json_t *o, const char *path, const char *key, bool required,
                         int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v) {
		if (required)
			return fail(L, sub(L, path, key), "required, expected an integer");
		return SK_OK;
	}
	if (!json_is_integer(v))
		return fail(L, sub(L, path, key), "expected an integer, found %s", type_name(v));
	json_int_t x = json_integer_value(v);
	if (x < lo || x > hi)
		return fail(L, sub(L, path, key),
		            "expected an integer from %" PRId64 " to %" PRId64
		            ", found %" JSON_INTEGER_FORMAT,
		            lo, hi, x);
	*out = x;
	return SK_OK;
}

/* One of a fixed set of words; *out is its index. */
static sk_status get_enum(loader *L, json_t *o, const char *path, const char *key, bool required,
                          const char *const *words, int *out)
{
	const char *s;
	TRY(get_str(L, o, path, key, required, &s));
	if (!s)
		return SK_OK;
	for (int i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0) {
			*out = i;
			return SK_OK;
		}
	char list[512] = "";
	for (int i = 0; words[i]; i++) {
		strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
		strncat(list, words[i], sizeof list - strlen(list) - 1);
	}
	return fail(L, sub(L, path, key), "expected one of %s, found \"%s\"", list, s);
}

/* An object that must have exactly one of the given keys; the key's index
 * goes to *which and its value to *val. */
static sk_status one_of(loader *L, json_t *o, const char *path, const char *what,
                        const char *const *keys, int *which, json_t **val)
{
	const char *k;
	json_t *v;
	*which = -1;
	json_object_foreach(o, k, v)
	{
		int found = -1;
		for (int i = 0; keys[i]; i++)
			if (strcmp(k, keys[i]) == 0)
				found = i;
		if (found < 0) {
			char list[1024] = "";
			for (int i = 0; keys[i]; i++) {
				strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
				strncat(list, keys[i], sizeof list - strlen(list) - 1);
			}
			return fail(L, path, "unknown %s \"%s\" (expected one of %s)", what, k,
			            list);
		}
		if (*which >= 0)
			return fail(L, path, "expected exactly one %s, found both %s and %s", what,
			            keys[*which], k);
		*which = found;
		*val = v;
	}
	if (*which < 0)
		return fail(L, path, "expected one %s, found none", what);
	return SK_OK;
}

/* ---- resources folder ---- */

static void docs_free(loader *L)
{
	for (size_t i = 0; i < L->ndocs; i++)
		json_decref(L->docs[i].root);
	free(L->docs);
	L->docs = NULL;
	L->ndocs = 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static sk_status scan_dir(loader *L)
{
	if (L->dir_scanned || !L->opt->resources_dir)
		return SK_OK;
	L->dir_scanned = true;
	const char *dir = L->opt->resources_dir;
	DIR *d = opendir(dir);
	if (!d)
		return sk_fail(L->err, SK_E_IO, "%s: cannot open resources folder", dir);
	char **names = NULL;
	size_t nnames = 0;
	struct dirent *e;
	sk_status st = SK_OK;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 || e->d_name[0] == '.')
			continue;
		char **nn = realloc(names, (nnames + 1) * sizeof *nn);
		if (!nn) {
			st = nomem(L);
			break;
		}
		names = nn;
		names[nnames++] = sk_arena_printf(L->a, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	/* Sorted, so duplicate names resolve the same way on every machine. */
	if (names)
		qsort(names, nnames, sizeof *names, name_cmp);
	for (size_t i = 0; st == SK_OK && i < nnames; i++) {
		json_error_t je;
		json_t *root =
		    json_load_file(names[i], JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
		if (!root) {
			st = sk_fail(L->err, SK_E_INVALID, "%s:%d:%d: %s", names[i], je.line,
			             je.column, je.text);
			break;
		}
		res_doc doc = {.file = names[i], .root = root};
		static const char *const wrappers[] = {"IPSet", "RegexPatternSet", "RuleGroup"};
		json_t *body = NULL;
		for (int k = 0; k < 3 && json_is_object(root); k++) {
			json_t *w = json_object_get(root, wrappers[k]);
			if (json_is_object(w)) {
				body = w;
				doc.kind = k;
				doc.wrapped = true;
			}
		}
		if (!body && json_is_object(root)) {
			body = root;
			if (json_object_get(root, "Addresses"))
				doc.kind = RES_IP_SET;
			else if (json_object_get(root, "RegularExpressionList"))
				doc.kind = RES_REGEX_SET;
			else if (json_object_get(root, "Rules") &&
			         !json_object_get(root, "DefaultAction"))
				doc.kind = RES_RULE_GROUP;
			else
				body = NULL; /* a web ACL or something else: not a resource */
		}
		if (!body) {
			json_decref(root);
			continue;
		}
		doc.body = body;
		res_doc *nd = realloc(L->docs, (L->ndocs + 1) * sizeof *nd);
		if (!nd) {
			json_decref(root);
			st = nomem(L);
			break;
		}
		L->docs = nd;
		L->docs[L->ndocs++] = doc;
	}
	free(names);
	return st;
}

static const char *res_kind_name(int kind)
{
	return kind == RES_IP_SET      ? "IP set"
	       : kind == RES_REGEX_SET ? "regex pattern set"
	                               : "rule group";
}

/* Finds by exact ARN, then by the ARN's Id and Name parts, then by name. */
static sk_status find_res(loader *L, const char *path, int kind, const char *ref, res_doc **out)
{
	TRY(scan_dir(L));
	const char *want_id = NULL, *want_name = NULL;
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", ref);
	if (strncmp(ref, "arn:", 4) == 0) {
		/* arn:aws:wafv2:region:account:scope/kind/name/id */
		char *last = strrchr(buf, '/');
		if (last) {
			*last = 0;
			want_id = last + 1;
			char *prev = strrchr(buf, '/');
			want_name = prev ? prev + 1 : NULL;
		}
	} else {
		want_name = ref;
	}
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < L->ndocs; i++) {
			res_doc *d = &L->docs[i];
			if (d->kind != kind)
				continue;
			const char *field = pass == 0 ? "ARN" : pass == 1 ? "Id" : "Name";
			const char *want = pass == 0 ? ref : pass == 1 ? want_id : want_name;
			json_t *v = json_object_get(d->body, field);
			if (want && cstr(v) && strcmp(cstr(v), want) == 0) {
				*out = d;
				return SK_OK;
			}
		}
	if (!L->opt->resources_dir)
		return fail(L, path,
		            "%s \"%s\" not found: no resources folder given (--resources DIR)",
		            res_kind_name(kind), ref);
	return fail(L, path, "%s \"%s\" not found in %s (looked for its ARN, Id and Name)",
	            res_kind_name(kind), ref, L->opt->resources_dir);
}

/* ---- small pieces ---- */

static const char *const POSITIONS[] = {"EXACTLY",  "STARTS_WITH",   "ENDS_WITH",
                                        "CONTAINS", "CONTAINS_WORD", NULL};
static const char *const SCOPES[] = {"ALL", "KEY", "VALUE", NULL};
static const char *const OVERSIZES[] = {"CONTINUE", "MATCH", "NO_MATCH", NULL};
static const char *const CMPS[] = {"EQ", "NE", "LE", "LT", "GE", "GT", NULL};

static sk_status load_chain(loader *L, json_t *o, const char *path, sk_chain *c)
{
	json_t *arr;
	c->n = 0;
	TRY(get_arr(L, o, path, "TextTransformations", true, &arr));
	char *ap = sub(L, path, "TextTransformations");
	size_t n = json_array_size(arr);
	if (n == 0)
		return fail(L, ap, "expected at least one transformation (use NONE for none)");
	if (n > SK_TX_MAX_CHAIN)
		return fail(L, ap, "at most %d transformations, found %zu", SK_TX_MAX_CHAIN, n);
	int64_t prio[SK_TX_MAX_CHAIN];
	uint8_t type[SK_TX_MAX_CHAIN];
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(arr, i);
		char *tp = idx(L, ap, i);
		if (!json_is_object(t))
			return fail(L, tp, "expected an object {Priority, Type}, found %s",
			            type_name(t));
		const char *ty;
		prio[i] = 0;
		TRY(get_int(L, t, tp, "Priority", true, 0, INT32_MAX, &prio[i]));
		TRY(get_str(L, t, tp, "Type", true, &ty));
		int tx = sk_transform_from_name(ty);
		if (tx < 0)
			return fail(L, sub(L, tp, "Type"), "unknown text transformation \"%s\"",
			            ty);
		for (size_t j = 0; j < i; j++)
			if (prio[j] == prio[i])
				return fail(L, sub(L, tp, "Priority"),
				            "priority %" PRId64 " is used twice", prio[i]);
		type[i] = (uint8_t)tx;
	}
	/* Insertion sort by priority; NONE adds nothing to a chain. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && prio[j] < prio[j - 1]; j--) {
			int64_t tp = prio[j];
			prio[j] = prio[j - 1];
			prio[j - 1] = tp;
			uint8_t tt = type[j];
			type[j] = type[j - 1];
			type[j - 1] = tt;
		}
	for (size_t i = 0; i < n; i++)
		if (type[i] != SK_TX_NONE)
			c->tx[c->n++] = type[i];
	return SK_OK;
}

static sk_status load_names(loader *L, json_t *arr, const char *path, bool lower, char ***out,
                            size_t *nout)
{
	size_t n = json_array_size(arr);
	if (n == 0)
		return fail(L, path, "expected at least one name");
	char **v = sk_arena_alloc(L->a, n * sizeof *v);
	if (!v)
		return nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(arr, i);
		const char *t = cstr(s);
		if (!t || !*t)
			return fail(L, idx(L, path, i), "expected a non-empty string without NUL");
		v[i] = dupstr(L, t);
		if (lower)
			for (char *p = v[i]; *p; p++)
				*p = (char)tolower((unsigned char)*p);
	}
	*out = v;
	*nout = n;
	return SK_OK;
}

static sk_status load_match_pattern(loader *L, json_t *o, const char *path, const char *incl,
                                    const char *excl, bool lower, sk_field *f)
{
	json_t *mp, *v;
	TRY(get_obj(L, o, path, "MatchPattern", true, &mp));
	char *mpp = sub(L, path, "MatchPattern");
	static const char *keys[4];
	keys[0] = "All";
	keys[1] = incl;
	keys[2] = excl;
	keys[3] = NULL;
	int which;
	TRY(one_of(L, mp, mpp, "match pattern", keys, &which, &v));
	f->pattern = which == 0   ? SK_PATTERN_ALL
	             : which == 1 ? SK_PATTERN_INCLUDED
	                          : SK_PATTERN_EXCLUDED;
	if (which == 0) {
		if (!json_is_object(v))
			return fail(L, sub(L, mpp, "All"), "expected an object ({})");
		return SK_OK;
	}
	char *np = sub(L, mpp, keys[which]);
	if (!json_is_array(v))
		return fail(L, np, "expected an array of names");
	return load_names(L, v, np, lower, &f->names, &f->nnames);
}

static sk_status field_key(loader *L, sk_field *f)
{
	/* Names are length-prefixed, so no name can fake a separator. */
	sk_buf names;
	sk_buf_init(&names, SK_CAP_CONFIG_FILE);
	sk_status st = SK_OK;
	for (size_t i = 0; i < f->nnames && !st; i++)
		st = sk_buf_printf(&names, "%zu:%s;", strlen(f->names[i]), f->names[i]);
	if (!st)
		f->key = sk_arena_printf(L->a, "%d|%s|%d|%d|%d|%d|%s", (int)f->kind,
		                         f->name ? f->name : "", (int)f->scope, (int)f->oversize,
		                         (int)f->pattern, (int)f->fallback,
		                         names.p ? (char *)names.p : "");
	sk_buf_free(&names);
	return st || !f->key ? nomem(L) : SK_OK;
}

static sk_status load_field(loader *L, json_t *o, const char *path, sk_field **out)
{
	static const char *const kinds[] = {"UriPath",
	                                    "QueryString",
	                                    "Method",
	                                    "Body",
	                                    "JsonBody",
	                                    "SingleHeader",
	                                    "Headers",
	                                    "Cookies",
	                                    "SingleQueryArgument",
	                                    "AllQueryArguments",
	                                    "HeaderOrder",
	                                    "UriFragment",
	                                    "JA3Fingerprint",
	                                    "JA4Fingerprint",
	                                    NULL};
	json_t *fo, *v;
	TRY(get_obj(L, o, path, "FieldToMatch", true, &fo));
	char *fp = sub(L, path, "FieldToMatch");
	int which;
	TRY(one_of(L, fo, fp, "field", kinds, &which, &v));
	char *vp = sub(L, fp, kinds[which]);
	if (which >= 12)
		return sk_fail(L->err, SK_E_UNSUPPORTED,
		               "%s: %s: %s is not supported: sekisho sees no TLS handshake",
		               L->file, vp, kinds[which]);
	if (!json_is_object(v))
		return fail(L, vp, "expected an object, found %s", type_name(v));
	sk_field *f = sk_arena_calloc(L->a, sizeof *f);
	if (!f)
		return nomem(L);
	f->kind = (sk_ftm_kind)which;
	int e = 0;
	switch (f->kind) {
	case SK_FTM_SINGLE_HEADER:
	case SK_FTM_SINGLE_QUERY_ARG: {
		const char *name;
		TRY(get_str(L, v, vp, "Name", true, &name));
		if (!*name)
			return fail(L, sub(L, vp, "Name"), "expected a non-empty name");
		f->name = dupstr(L, name);
		for (char *p = f->name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		break;
	}
	case SK_FTM_BODY:
	case SK_FTM_HEADER_ORDER:
		e = 0;
		TRY(get_enum(L, v, vp, "OversizeHandling", false, OVERSIZES, &e));
		f->oversize = (sk_oversize)e;
		break;
	case SK_FTM_HEADERS:
	case SK_FTM_COOKIES: {
		bool hdr = f->kind == SK_FTM_HEADERS;
		TRY(load_match_pattern(L, v, vp, hdr ? "IncludedHeaders" : "IncludedCookies",
		                       hdr ? "ExcludedHeaders" : "ExcludedCookies", hdr, f));
		TRY(get_enum(L, v, vp, "MatchScope", true, SCOPES, &e));
		f->scope = (sk_match_scope)e;
		e = 0;
		TRY(get_enum(L, v, vp, "OversizeHandling", true, OVERSIZES, &e));
		f->oversize = (sk_oversize)e;
		break;
	}
	case SK_FTM_JSON_BODY: {
		TRY(load_match_pattern(L, v, vp, "IncludedPaths", "\x01", false, f));
		for (size_t i = 0; i < f->nnames; i++)
			if (f->names[i][0] != '/' && f->names[i][0] != 0)
				return fail(
				    L,
				    idx(L, sub(L, sub(L, vp, "MatchPattern"), "IncludedPaths"), i),
				    "expected a JSON pointer starting with /");
		TRY(get_enum(L, v, vp, "MatchScope", true, SCOPES, &e));
		f->scope = (sk_match_scope)e;
		static const char *const fb[] = {"", "MATCH", "NO_MATCH", "EVALUATE_AS_STRING",
		                                 NULL};
		e = 0;
		TRY(get_enum(L, v, vp, "InvalidFallbackBehavior", false, fb, &e));
		f->fallback = (sk_json_fallback)e;
		e = 0;
		TRY(get_enum(L, v, vp, "OversizeHandling", false, OVERSIZES, &e));
		f->oversize = (sk_oversize)e;
		break;
	}
	default: break;
	}
	TRY(field_key(L, f));
	*out = f;
	return SK_OK;
}

static sk_status load_forwarded(loader *L, json_t *o, const char *path, const char *key,
                                bool with_position, sk_forwarded *fw)
{
	json_t *c;
	memset(fw, 0, sizeof *fw);
	TRY(get_obj(L, o, path, key, false, &c));
	if (!c)
		return SK_OK;
	char *cp = sub(L, path, key);
	const char *h;
	TRY(get_str(L, c, cp, "HeaderName", true, &h));
	if (!*h)
		return fail(L, sub(L, cp, "HeaderName"), "expected a header name");
	fw->header = dupstr(L, h);
	static const char *const fb[] = {"MATCH", "NO_MATCH", NULL};
	int e = 0;
	TRY(get_enum(L, c, cp, "FallbackBehavior", true, fb, &e));
	fw->fallback_match = e == 0;
	fw->position = SK_FWD_FIRST;
	if (with_position) {
		static const char *const pos[] = {"", "FIRST", "LAST", "ANY", NULL};
		e = 1;
		TRY(get_enum(L, c, cp, "Position", true, pos, &e));
		if (e == 0)
			return fail(L, sub(L, cp, "Position"), "expected one of FIRST, LAST, ANY");
		fw->position = (sk_fwd_position)e;
	}
	return SK_OK;
}

/* ---- referenced resources ---- */

static sk_status load_ip_set_body(loader *L, res_doc *d, sk_ip_set **out)
{
	const char *path = d->wrapped ? "IPSet" : "";
	sk_ip_set *s = sk_arena_calloc(L->a, sizeof *s);
	json_t *arr;
	const char *name = NULL, *arn = NULL, *id = NULL;
	if (!s)
		return nomem(L);
	TRY(get_str(L, d->body, path, "Name", false, &name));
	TRY(get_str(L, d->body, path, "ARN", false, &arn));
	TRY(get_str(L, d->body, path, "Id", false, &id));
	TRY(get_arr(L, d->body, path, "Addresses", true, &arr));
	s->name = dupstr(L, name ? name : "");
	s->arn = arn ? dupstr(L, arn) : NULL;
	s->id = id ? dupstr(L, id) : NULL;
	size_t n = json_array_size(arr);
	s->ranges = sk_arena_alloc(L->a, (n ? n : 1) * sizeof *s->ranges);
	if (!s->ranges)
		return nomem(L);
	char *ap = sub(L, path, "Addresses");
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		if (!cstr(v) || !sk_cidr_parse(cstr(v), &s->ranges[i]))
			return fail(L, idx(L, ap, i),
			            "expected an address range in CIDR notation, /1 to /32 or /128 "
			            "(192.0.2.0/24 or 2001:db8::/32)");
	}
	s->n = n;
	sk_ip_ranges_sort(s->ranges, s->n);
	d->loaded = s;
	*out = s;
	return SK_OK;
}

static sk_status load_ip_set(loader *L, res_doc *d, sk_ip_set **out)
{
	if (d->loaded) {
		*out = d->loaded;
		return SK_OK;
	}
	doc_ctx saved = save_ctx(L);
	L->file = d->file;
	L->wrapped = d->wrapped;
	sk_status st = load_ip_set_body(L, d, out);
	restore_ctx(L, &saved);
	return st;
}

static sk_status check_regex(loader *L, const char *path, const char *re);

static sk_status load_regex_set_body(loader *L, res_doc *d, sk_regex_set **out)
{
	const char *path = d->wrapped ? "RegexPatternSet" : "";
	sk_regex_set *s = sk_arena_calloc(L->a, sizeof *s);
	json_t *arr;
	const char *name = NULL;
	if (!s)
		return nomem(L);
	TRY(get_str(L, d->body, path, "Name", false, &name));
	TRY(get_arr(L, d->body, path, "RegularExpressionList", true, &arr));
	s->name = dupstr(L, name ? name : "");
	size_t n = json_array_size(arr);
	char *ap = sub(L, path, "RegularExpressionList");
	if (n == 0)
		return fail(L, ap, "expected at least one regular expression");
	s->regexes = sk_arena_alloc(L->a, n * sizeof *s->regexes);
	if (!s->regexes)
		return nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		char *ip = idx(L, ap, i);
		const char *re;
		if (!json_is_object(v))
			return fail(L, ip, "expected an object {RegexString}");
		TRY(get_str(L, v, ip, "RegexString", true, &re));
		TRY(check_regex(L, sub(L, ip, "RegexString"), re));
		s->regexes[i] = dupstr(L, re);
	}
	s->n = n;
	d->loaded = s;
	*out = s;
	return SK_OK;
}

static sk_status load_regex_set(loader *L, res_doc *d, sk_regex_set **out)
{
	if (d->loaded) {
		*out = d->loaded;
		return SK_OK;
	}
	doc_ctx saved = save_ctx(L);
	L->file = d->file;
	L->wrapped = d->wrapped;
	sk_status st = load_regex_set_body(L, d, out);
	restore_ctx(L, &saved);
	return st;
}

static sk_status load_group_doc(loader *L, const char *file, json_t *body, const char *path,
                                bool wrapped, bool managed, sk_group **out);

/* ---- statements ---- */

static sk_status load_stmt(loader *L, json_t *o, const char *path, bool in_group, sk_stmt **out);

static sk_status load_search(loader *L, json_t *v, const char *path, sk_stmt *s)
{
	const char *text = NULL, *b64 = NULL;
	TRY(get_str(L, v, path, "SearchString", false, &text));
	TRY(get_str(L, v, path, "SearchStringBase64", false, &b64));
	if (text && b64)
		return fail(L, path, "give SearchString or SearchStringBase64, not both");
	if (!text && !b64)
		return fail(L, sub(L, path, "SearchString"), "required, expected a string");
	bool is_b64 = b64 != NULL;
	if (text) {
		switch (L->opt->search_encoding) {
		case SK_SEARCH_BASE64: is_b64 = true; break;
		case SK_SEARCH_TEXT: is_b64 = false; break;
		case SK_SEARCH_AUTO: is_b64 = L->wrapped; break;
		}
	}
	const char *src = text ? text : b64;
	const char *sp = sub(L, path, text ? "SearchString" : "SearchStringBase64");
	size_t n = strlen(src);
	if (n == 0)
		return fail(L, sp, "expected a non-empty search string");
	if (is_b64) {
		s->search = sk_arena_alloc(L->a, n / 4 * 3 + 3);
		if (!s->search)
			return nomem(L);
		if (!sk_base64_decode(src, n, s->search, &s->search_n) || s->search_n == 0)
			return fail(L, sp,
			            "expected base64 (this document is read as the AWS CLI prints "
			            "it; use --search-string-encoding text for plain text)");
	} else {
		s->search = (uint8_t *)dupstr(L, src);
		s->search_n = n;
		/* Remember whether this text also reads as base64 of printable
		 * text, for the warning about a likely wrong encoding. */
		uint8_t tmp[768];
		size_t tn;
		L->search_strings++;
		if (n >= 4 && n < 1024 && sk_base64_decode(src, n, tmp, &tn) && tn > 0) {
			bool printable = true;
			for (size_t i = 0; i < tn; i++)
				if (tmp[i] < 0x20 || tmp[i] > 0x7e)
					printable = false;
			L->search_b64_printable += printable;
		}
	}
	if (s->search_n > 200)
		return fail(L, sp, "at most 200 bytes (AWS's limit), found %zu", s->search_n);
	return SK_OK;
}

/* A missing list loads empty: the gateway must start before the first
 * `sekisho lists update`. Lists named allow-* are the user's own and
 * optional, so their absence is not worth a warning. */
static void note_missing(loader *L, const char *name)
{
	if (strncmp(name, "allow-", 6) == 0)
		return;
	size_t used = strlen(L->missing_lists);
	snprintf(L->missing_lists + used, sizeof L->missing_lists - used, "%s%s", used ? ", " : "",
	         name);
}

/* IP sets that are sekisho's IP lists rather than resources: the managed
 * reputation and anonymous-IP groups name them "sekisho:list:NAME". */
#define LIST_ARN "sekisho:list:"

static sk_status load_list(loader *L, const char *path, const char *name, sk_ip_set **out)
{
	for (size_t i = 0; i < L->nlists; i++)
		if (strcmp(L->lists[i].name, name) == 0) {
			*out = L->lists[i].set;
			return SK_OK;
		}
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return fail(L, path, "expected a list name of letters, digits, - and _");
	if (L->nlists == sizeof L->lists / sizeof L->lists[0])
		return fail(L, path, "too many IP lists");
	sk_ip_set *set = sk_arena_calloc(L->a, sizeof *set);
	if (!set)
		return nomem(L);
	set->name = dupstr(L, name);
	const char *dir = L->opt->lists_dir ? L->opt->lists_dir : SK_LISTS_DIR_DEFAULT;
	sk_error e = {0};
	sk_status st = sk_iplist_load(dir, name, L->a, set, &e);
	if (st == SK_E_IO) {
		note_missing(L, name);
	} else if (st) {
		memcpy(L->err, &e, sizeof e);
		return st;
	}
	L->lists[L->nlists].name = set->name;
	L->lists[L->nlists++].set = set;
	*out = set;
	return SK_OK;
}

static sk_status check_regex(loader *L, const char *path, const char *re);

/* A regex list: dir/name.txt, one regular expression a line, '#' comments. */
static sk_status load_regex_list(loader *L, const char *path, const char *name, sk_regex_set **out)
{
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return fail(L, path, "expected a list name of letters, digits, - and _");
	sk_regex_set *set = sk_arena_calloc(L->a, sizeof *set);
	if (!set)
		return nomem(L);
	set->name = dupstr(L, name);
	char file[4096];
	snprintf(file, sizeof file, "%s/%s.txt",
	         L->opt->lists_dir ? L->opt->lists_dir : SK_LISTS_DIR_DEFAULT, name);
	sk_buf b;
	sk_buf_init(&b, SK_CAP_CONFIG_FILE);
	sk_error e = {0};
	if (sk_buf_read_file(&b, file, &e) != SK_OK) {
		sk_buf_free(&b);
		note_missing(L, name);
		*out = set;
		return SK_OK;
	}
	size_t lines = 1;
	for (size_t i = 0; i < b.n; i++)
		lines += b.p[i] == '\n';
	set->regexes = sk_arena_alloc(L->a, lines * sizeof *set->regexes);
	sk_status st = set->regexes ? SK_OK : nomem(L);
	const char *text = b.p ? (const char *)b.p : "";
	doc_ctx saved = save_ctx(L);
	L->file = file;
	size_t lineno = 0;
	for (size_t i = 0; st == SK_OK && i < b.n;) {
		const char *nl = memchr(text + i, '\n', b.n - i);
		size_t end = nl ? (size_t)(nl - text) : b.n;
		sk_str line = sk_str_trim(sk_str_make(text + i, end - i));
		if (line.n && line.p[line.n - 1] == '\r')
			line.n--;
		i = end + 1;
		lineno++;
		if (line.n == 0 || line.p[0] == '#')
			continue;
		char *re = sk_arena_strndup(L->a, line.p, line.n);
		char *where = sk_arena_printf(L->a, "line %zu", lineno);
		if (!re || !where)
			st = nomem(L);
		else if (strlen(re) != line.n)
			st = fail(L, where, "a NUL character is not allowed here");
		else if ((st = check_regex(L, where, re)) == SK_OK)
			set->regexes[set->n++] = re;
	}
	restore_ctx(L, &saved);
	sk_buf_free(&b);
	*out = set;
	return st;
}

static sk_status load_field_stmt(loader *L, json_t *v, const char *path, sk_stmt *s)
{
	TRY(load_field(L, v, path, &s->field));
	TRY(load_chain(L, v, path, &s->chain));
	int e;
	switch (s->type) {
	case SK_ST_BYTE_MATCH:
		TRY(load_search(L, v, path, s));
		e = 0;
		TRY(get_enum(L, v, path, "PositionalConstraint", true, POSITIONS, &e));
		s->position = (sk_position)e;
		if (s->position == SK_POS_CONTAINS_WORD)
			for (size_t i = 0; i < s->search_n; i++)
				if (!isalnum(s->search[i]) && s->search[i] != '_')
					return fail(L, sub(L, path, "SearchString"),
					            "CONTAINS_WORD takes only A-Z, a-z, 0-9 and _");
		break;
	case SK_ST_REGEX_MATCH: {
		const char *re;
		TRY(get_str(L, v, path, "RegexString", true, &re));
		TRY(check_regex(L, sub(L, path, "RegexString"), re));
		s->regex = dupstr(L, re);
		break;
	}
	case SK_ST_REGEX_SET: {
		const char *arn;
		res_doc *d;
		TRY(get_str(L, v, path, "ARN", true, &arn));
		if (strncmp(arn, LIST_ARN, strlen(LIST_ARN)) == 0) {
			TRY(load_regex_list(L, sub(L, path, "ARN"), arn + strlen(LIST_ARN),
			                    &s->regex_set));
			break;
		}
		TRY(find_res(L, sub(L, path, "ARN"), RES_REGEX_SET, arn, &d));
		TRY(load_regex_set(L, d, &s->regex_set));
		break;
	}
	case SK_ST_SQLI: {
		static const char *const lv[] = {"LOW", "HIGH", NULL};
		e = 0;
		TRY(get_enum(L, v, path, "SensitivityLevel", false, lv, &e));
		s->sensitivity = e;
		s->detector = sk_detector_find("SQLI");
		break;
	}
	case SK_ST_XSS: s->detector = sk_detector_find("XSS"); break;
	case SK_ST_DETECTOR: {
		static const char *const lv[] = {"LOW", "HIGH", NULL};
		const char *name;
		TRY(get_str(L, v, path, "Detector", true, &name));
		if (!(s->detector = sk_detector_find(name))) {
			size_t n;
			const sk_detector *all = sk_detector_list(&n);
			char list[512] = "";
			for (size_t i = 0; i < n; i++) {
				strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
				strncat(list, all[i].name, sizeof list - strlen(list) - 1);
			}
			return fail(L, sub(L, path, "Detector"), "expected one of %s, found \"%s\"",
			            list, name);
		}
		e = 0;
		TRY(get_enum(L, v, path, "SensitivityLevel", false, lv, &e));
		s->sensitivity = e;
		break;
	}
	case SK_ST_SIZE: {
		int64_t size = 0;
		e = 0;
		TRY(get_enum(L, v, path, "ComparisonOperator", true, CMPS, &e));
		s->cmp = (sk_cmp)e;
		TRY(get_int(L, v, path, "Size", true, 0, 21474836480LL, &size));
		s->size = (uint64_t)size;
		break;
	}
	default: break;
	}
	return SK_OK;
}

static sk_status load_kids(loader *L, json_t *v, const char *path, bool in_group, sk_stmt *s,
                           size_t min)
{
	json_t *arr;
	TRY(get_arr(L, v, path, "Statements", true, &arr));
	char *ap = sub(L, path, "Statements");
	size_t n = json_array_size(arr);
	if (n < min)
		return fail(L, ap, "expected at least %zu statements, found %zu", min, n);
	s->kids = sk_arena_alloc(L->a, n * sizeof *s->kids);
	if (!s->kids)
		return nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *k = json_array_get(arr, i);
		char *kp = idx(L, ap, i);
		if (!json_is_object(k))
			return fail(L, kp, "expected a statement object, found %s", type_name(k));
		TRY(load_stmt(L, k, kp, in_group, &s->kids[i]));
	}
	s->nkids = n;
	return SK_OK;
}

static sk_status load_countries(loader *L, json_t *v, const char *path, sk_stmt *s)
{
	json_t *arr;
	TRY(get_arr(L, v, path, "CountryCodes", true, &arr));
	char *ap = sub(L, path, "CountryCodes");
	size_t n = json_array_size(arr);
	if (n == 0)
		return fail(L, ap, "expected at least one country code");
	s->countries = sk_arena_alloc(L->a, n * sizeof *s->countries);
	if (!s->countries)
		return nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(arr, i);
		const char *cc = cstr(c) ? cstr(c) : "";
		if (strlen(cc) != 2 || !isupper((unsigned char)cc[0]) ||
		    !isupper((unsigned char)cc[1]))
			return fail(L, idx(L, ap, i),
			            "expected a two-letter ISO 3166 country code "
			            "in upper case, such as US");
		memcpy(s->countries[i], cc, 3);
	}
	s->ncountries = n;
	return SK_OK;
}

static bool label_ok(const char *s, bool namespace_scope)
{
	size_t n = strlen(s);
	if (n == 0 || n > 1024)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_-:", s[i]))
			return false;
	if (namespace_scope)
		return s[n - 1] == ':';
	return s[n - 1] != ':';
}

static sk_status load_rate(loader *L, json_t *v, const char *path, bool in_group, sk_stmt *s)
{
	int64_t limit = 0, window = 300;
	TRY(get_int(L, v, path, "Limit", true, 10, 2000000000, &limit));
	TRY(get_int(L, v, path, "EvaluationWindowSec", false, 60, 600, &window));
	if (window != 60 && window != 120 && window != 300 && window != 600)
		return fail(L, sub(L, path, "EvaluationWindowSec"), "expected 60, 120, 300 or 600");
	s->limit = (uint64_t)limit;
	s->window_sec = (int)window;
	static const char *const aggs[] = {"IP", "FORWARDED_IP", "CUSTOM_KEYS", "CONSTANT", NULL};
	int e = 0;
	TRY(get_enum(L, v, path, "AggregateKeyType", true, aggs, &e));
	s->agg = (sk_agg_kind)e;
	TRY(load_forwarded(L, v, path, "ForwardedIPConfig", false, &s->fwd));
	if (s->agg == SK_AGG_FORWARDED_IP && !s->fwd.header)
		return fail(L, sub(L, path, "ForwardedIPConfig"), "required with FORWARDED_IP");
	json_t *sd;
	TRY(get_obj(L, v, path, "ScopeDownStatement", s->agg == SK_AGG_CONSTANT, &sd));
	if (sd)
		TRY(load_stmt(L, sd, sub(L, path, "ScopeDownStatement"), in_group, &s->scope_down));
	json_t *keys;
	TRY(get_arr(L, v, path, "CustomKeys", s->agg == SK_AGG_CUSTOM_KEYS, &keys));
	if (!keys)
		return SK_OK;
	char *kp = sub(L, path, "CustomKeys");
	size_t n = json_array_size(keys);
	if (n == 0 || n > 5)
		return fail(L, kp, "expected 1 to 5 keys");
	s->keys = sk_arena_calloc(L->a, n * sizeof *s->keys);
	if (!s->keys)
		return nomem(L);
	static const char *const kinds[] = {
	    "IP",          "ForwardedIP", "HTTPMethod",     "Header", "Cookie", "QueryArgument",
	    "QueryString", "UriPath",     "LabelNamespace", NULL};
	for (size_t i = 0; i < n; i++) {
		json_t *k = json_array_get(keys, i), *kv;
		char *ip = idx(L, kp, i);
		int which;
		if (!json_is_object(k))
			return fail(L, ip, "expected an object");
		TRY(one_of(L, k, ip, "custom key", kinds, &which, &kv));
		s->keys[i].kind = (sk_rate_key_kind)which;
		char *vp = sub(L, ip, kinds[which]);
		if (!json_is_object(kv))
			return fail(L, vp, "expected an object");
		if (which >= SK_RKEY_HEADER && which <= SK_RKEY_QUERY_ARG) {
			const char *name;
			TRY(get_str(L, kv, vp, "Name", true, &name));
			s->keys[i].name = dupstr(L, name);
		}
		if (which == SK_RKEY_LABEL_NAMESPACE) {
			const char *ns;
			TRY(get_str(L, kv, vp, "Namespace", true, &ns));
			if (!label_ok(ns, true))
				return fail(L, sub(L, vp, "Namespace"),
				            "expected a label namespace ending with ':'");
			s->keys[i].name = dupstr(L, ns);
		}
		if (which >= SK_RKEY_HEADER && which <= SK_RKEY_URI_PATH)
			TRY(load_chain(L, kv, vp, &s->keys[i].chain));
		if (which == SK_RKEY_FORWARDED_IP && !s->fwd.header)
			return fail(L, vp, "needs ForwardedIPConfig on the statement");
	}
	s->nkeys = n;
	return SK_OK;
}

static sk_status load_overrides(loader *L, json_t *v, const char *path, sk_stmt *s);
static sk_status load_action(loader *L, json_t *o, const char *path, sk_action *act);

static sk_status find_managed(loader *L, const char *path, const char *vendor, const char *name,
                              sk_group **out)
{
	for (size_t i = 0; i < L->nmanaged; i++)
		if (strcmp(L->managed[i].name, name) == 0) {
			*out = L->managed[i].g;
			return SK_OK;
		}
	const char *text = sk_managed_group_json(vendor, name);
	if (!text) {
		char list[2048] = "";
		const char *const *names = sk_managed_group_names();
		for (size_t i = 0; names && names[i]; i++) {
			strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
			strncat(list, names[i], sizeof list - strlen(list) - 1);
		}
		return fail(L, path, "no managed rule group %s/%s in sekisho (built in: %s)",
		            vendor, name, *list ? list : "none");
	}
	if (L->nmanaged == sizeof L->managed / sizeof L->managed[0])
		return fail(L, path, "too many managed rule groups");
	json_error_t je;
	json_t *root = json_loads(text, 0, &je);
	if (!root)
		return sk_fail(L->err, SK_E_INTERNAL, "built-in group %s:%d: %s", name, je.line,
		               je.text);
	char *file = sk_arena_printf(L->a, "<built-in %s>", name);
	sk_status st = load_group_doc(L, file, root, "", false, true, out);
	json_decref(root);
	if (st)
		return st;
	L->managed[L->nmanaged].name = dupstr(L, name);
	L->managed[L->nmanaged++].g = *out;
	return SK_OK;
}

static sk_status load_group_stmt(loader *L, json_t *v, const char *path, bool in_group, sk_stmt *s)
{
	if (in_group)
		return fail(L, path, "a rule group cannot hold a rule group statement");
	if (s->type == SK_ST_MANAGED_GROUP) {
		const char *vendor, *name, *version = NULL;
		TRY(get_str(L, v, path, "VendorName", true, &vendor));
		TRY(get_str(L, v, path, "Name", true, &name));
		TRY(get_str(L, v, path, "Version", false, &version));
		s->vendor = dupstr(L, vendor);
		s->group_name = dupstr(L, name);
		s->version = version ? dupstr(L, version) : NULL;
		TRY(find_managed(L, path, vendor, name, &s->group));
		json_t *sd;
		TRY(get_obj(L, v, path, "ScopeDownStatement", false, &sd));
		if (sd)
			TRY(load_stmt(L, sd, sub(L, path, "ScopeDownStatement"), false,
			              &s->scope_down));
	} else {
		const char *arn;
		res_doc *d;
		TRY(get_str(L, v, path, "ARN", true, &arn));
		TRY(find_res(L, sub(L, path, "ARN"), RES_RULE_GROUP, arn, &d));
		if (!d->loaded) {
			if (d->loading)
				return fail(L, path, "rule group \"%s\" refers to itself", arn);
			d->loading = true;
			sk_status st =
			    load_group_doc(L, d->file, d->body, d->wrapped ? "RuleGroup" : "",
			                   d->wrapped, false, (sk_group **)&d->loaded);
			d->loading = false;
			if (st)
				return st;
		}
		s->group = d->loaded;
	}
	return load_overrides(L, v, path, s);
}

static sk_status load_overrides(loader *L, json_t *v, const char *path, sk_stmt *s)
{
	json_t *ex, *ov;
	TRY(get_arr(L, v, path, "ExcludedRules", false, &ex));
	TRY(get_arr(L, v, path, "RuleActionOverrides", false, &ov));
	size_t n = json_array_size(ex) + json_array_size(ov);
	if (!n)
		return SK_OK;
	s->overrides = sk_arena_calloc(L->a, n * sizeof *s->overrides);
	if (!s->overrides)
		return nomem(L);
	for (int pass = 0; pass < 2; pass++) {
		json_t *arr = pass ? ov : ex;
		char *ap = sub(L, path, pass ? "RuleActionOverrides" : "ExcludedRules");
		for (size_t i = 0; i < json_array_size(arr); i++) {
			json_t *e = json_array_get(arr, i);
			char *ep = idx(L, ap, i);
			const char *name;
			if (!json_is_object(e))
				return fail(L, ep, "expected an object");
			TRY(get_str(L, e, ep, "Name", true, &name));
			bool known = false;
			for (size_t r = 0; r < s->group->nrules; r++)
				known |= strcmp(s->group->rules[r].name, name) == 0;
			if (!known)
				return fail(L, sub(L, ep, "Name"),
				            "rule group %s has no rule \"%s\"", s->group->name,
				            name);
			sk_override *o = &s->overrides[s->noverrides++];
			o->rule = dupstr(L, name);
			if (pass) {
				json_t *at;
				TRY(get_obj(L, e, ep, "ActionToUse", true, &at));
				o->action = sk_arena_calloc(L->a, sizeof *o->action);
				if (!o->action)
					return nomem(L);
				TRY(load_action(L, at, sub(L, ep, "ActionToUse"), o->action));
			}
		}
	}
	return SK_OK;
}

static const char *const STMT_NAMES[] = {
    "ByteMatchStatement",
    "RegexMatchStatement",
    "RegexPatternSetReferenceStatement",
    "SqliMatchStatement",
    "XssMatchStatement",
    "SizeConstraintStatement",
    "IPSetReferenceStatement",
    "GeoMatchStatement",
    "LabelMatchStatement",
    "AndStatement",
    "OrStatement",
    "NotStatement",
    "RateBasedStatement",
    "ManagedRuleGroupStatement",
    "RuleGroupReferenceStatement",
    "SekishoDetectorStatement",
    "AsnMatchStatement",
    NULL,
};

static sk_status load_stmt(loader *L, json_t *o, const char *path, bool in_group, sk_stmt **out)
{
	if (++L->depth > MAX_DEPTH) {
		L->depth--;
		return fail(L, path, "statements nested deeper than %d levels", MAX_DEPTH);
	}
	int which;
	json_t *v;
	sk_status st = one_of(L, o, path, "statement", STMT_NAMES, &which, &v);
	if (st) {
		L->depth--;
		return st;
	}
	char *vp = sub(L, path, STMT_NAMES[which]);
	if (which == 16) {
		L->depth--;
		return sk_fail(L->err, SK_E_UNSUPPORTED, "%s: %s: not supported yet", L->file, vp);
	}
	if (!json_is_object(v)) {
		L->depth--;
		return fail(L, vp, "expected an object, found %s", type_name(v));
	}
	sk_stmt *s = sk_arena_calloc(L->a, sizeof *s);
	if (!s)
		return nomem(L);
	s->type = (sk_stmt_type)which;
	s->path = vp;
	s->lane = -1;
	s->rate_slot = -1;
	switch (s->type) {
	case SK_ST_BYTE_MATCH:
	case SK_ST_REGEX_MATCH:
	case SK_ST_REGEX_SET:
	case SK_ST_SQLI:
	case SK_ST_XSS:
	case SK_ST_SIZE:
	case SK_ST_DETECTOR: st = load_field_stmt(L, v, vp, s); break;
	case SK_ST_IP_SET: {
		const char *arn;
		res_doc *d;
		if ((st = get_str(L, v, vp, "ARN", true, &arn)))
			break;
		if (strncmp(arn, LIST_ARN, strlen(LIST_ARN)) == 0) {
			if ((st = load_list(L, sub(L, vp, "ARN"), arn + strlen(LIST_ARN),
			                    &s->ip_set)))
				break;
		} else if ((st = find_res(L, sub(L, vp, "ARN"), RES_IP_SET, arn, &d)) ||
		           (st = load_ip_set(L, d, &s->ip_set))) {
			break;
		}
		st = load_forwarded(L, v, vp, "IPSetForwardedIPConfig", true, &s->fwd);
		break;
	}
	case SK_ST_GEO:
		if (!(st = load_countries(L, v, vp, s)))
			st = load_forwarded(L, v, vp, "ForwardedIPConfig", false, &s->fwd);
		break;
	case SK_ST_LABEL: {
		static const char *const sc[] = {"LABEL", "NAMESPACE", NULL};
		int e = 0;
		const char *key;
		if ((st = get_enum(L, v, vp, "Scope", true, sc, &e)) ||
		    (st = get_str(L, v, vp, "Key", true, &key)))
			break;
		s->label_scope = (sk_label_scope)e;
		if (!label_ok(key, e == 1)) {
			st = fail(
			    L, sub(L, vp, "Key"),
			    e == 1
			        ? "expected a namespace: label parts separated and ended by ':'"
			        : "expected a label: letters, digits, _ - and ':' between parts");
			break;
		}
		s->label_key = dupstr(L, key);
		s->label_context = L->label_ns;
		break;
	}
	case SK_ST_AND:
	case SK_ST_OR: st = load_kids(L, v, vp, in_group, s, 2); break;
	case SK_ST_NOT: {
		json_t *k;
		s->kids = sk_arena_alloc(L->a, sizeof *s->kids);
		if (!s->kids) {
			st = nomem(L);
			break;
		}
		s->nkids = 1;
		if (!(st = get_obj(L, v, vp, "Statement", true, &k)))
			st = load_stmt(L, k, sub(L, vp, "Statement"), in_group, &s->kids[0]);
		break;
	}
	case SK_ST_RATE: st = load_rate(L, v, vp, in_group, s); break;
	case SK_ST_MANAGED_GROUP:
	case SK_ST_GROUP_REF: st = load_group_stmt(L, v, vp, in_group, s); break;
	}
	L->depth--;
	if (st)
		return st;
	*out = s;
	return SK_OK;
}

/* ---- actions and rules ---- */

static const sk_body *find_body(const sk_body *bodies, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(bodies[i].key, key) == 0)
			return &bodies[i];
	return NULL;
}

static sk_status load_headers_list(loader *L, json_t *arr, const char *path, sk_kv **out,
                                   size_t *nout)
{
	size_t n = json_array_size(arr);
	if (n == 0)
		return SK_OK;
	sk_kv *kv = sk_arena_calloc(L->a, n * sizeof *kv);
	if (!kv)
		return nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *h = json_array_get(arr, i);
		char *hp = idx(L, path, i);
		const char *name, *value;
		if (!json_is_object(h))
			return fail(L, hp, "expected an object {Name, Value}");
		TRY(get_str(L, h, hp, "Name", true, &name));
		TRY(get_str(L, h, hp, "Value", true, &value));
		if (!*name)
			return fail(L, sub(L, hp, "Name"), "expected a header name");
		for (const char *c = name; *c; c++)
			if (!isalnum((unsigned char)*c) && !strchr("-_", *c))
				return fail(L, sub(L, hp, "Name"),
				            "expected a header name of letters, "
				            "digits, - and _");
		for (const char *c = value; *c; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				return fail(L, sub(L, hp, "Value"),
				            "control characters are not allowed");
		kv[i].name = dupstr(L, name);
		kv[i].value = dupstr(L, value);
	}
	*out = kv;
	*nout = n;
	return SK_OK;
}

static sk_status load_action(loader *L, json_t *o, const char *path, sk_action *act)
{
	static const char *const names[] = {"Allow",   "Block",     "Count",
	                                    "Captcha", "Challenge", NULL};
	int which;
	json_t *v;
	TRY(one_of(L, o, path, "action", names, &which, &v));
	char *vp = sub(L, path, names[which]);
	if (!json_is_object(v))
		return fail(L, vp, "expected an object");
	memset(act, 0, sizeof *act);
	act->type = (sk_action_type)which;
	json_t *c, *arr;
	if (act->type == SK_ACT_BLOCK) {
		TRY(get_obj(L, v, vp, "CustomResponse", false, &c));
		if (!c)
			return SK_OK;
		char *cp = sub(L, vp, "CustomResponse");
		int64_t code = 0;
		const char *key = NULL;
		TRY(get_int(L, c, cp, "ResponseCode", true, 200, 599, &code));
		act->response_code = (int)code;
		TRY(get_str(L, c, cp, "CustomResponseBodyKey", false, &key));
		if (key && !(act->body = find_body(L->bodies, L->nbodies, key)))
			return fail(L, sub(L, cp, "CustomResponseBodyKey"),
			            "no custom response body \"%s\" in CustomResponseBodies", key);
		TRY(get_arr(L, c, cp, "ResponseHeaders", false, &arr));
		return load_headers_list(L, arr, sub(L, cp, "ResponseHeaders"),
		                         &act->response_headers, &act->nresponse_headers);
	}
	TRY(get_obj(L, v, vp, "CustomRequestHandling", false, &c));
	if (!c)
		return SK_OK;
	char *cp = sub(L, vp, "CustomRequestHandling");
	TRY(get_arr(L, c, cp, "InsertHeaders", true, &arr));
	return load_headers_list(L, arr, sub(L, cp, "InsertHeaders"), &act->insert_headers,
	                         &act->ninsert_headers);
}

static sk_status load_bodies(loader *L, json_t *o, const char *path, sk_body **out, size_t *nout)
{
	json_t *b;
	TRY(get_obj(L, o, path, "CustomResponseBodies", false, &b));
	*out = NULL;
	*nout = 0;
	if (!b)
		return SK_OK;
	char *bp = sub(L, path, "CustomResponseBodies");
	size_t n = json_object_size(b), i = 0;
	sk_body *v = sk_arena_calloc(L->a, (n ? n : 1) * sizeof *v);
	if (!v)
		return nomem(L);
	const char *k;
	json_t *e;
	json_object_foreach(b, k, e)
	{
		char *ep = sub(L, bp, k);
		if (!json_is_object(e))
			return fail(L, ep, "expected an object {ContentType, Content}");
		static const char *const types[] = {"TEXT_PLAIN", "TEXT_HTML", "APPLICATION_JSON",
		                                    NULL};
		static const char *const mime[] = {"text/plain", "text/html", "application/json"};
		int t = 0;
		const char *content;
		TRY(get_enum(L, e, ep, "ContentType", true, types, &t));
		TRY(get_str(L, e, ep, "Content", true, &content));
		v[i].key = dupstr(L, k);
		v[i].content_type = mime[t];
		v[i].content = dupstr(L, content);
		i++;
	}
	*out = v;
	*nout = n;
	return SK_OK;
}

static bool is_group_stmt(const sk_stmt *s)
{
	return s->type == SK_ST_MANAGED_GROUP || s->type == SK_ST_GROUP_REF;
}

static int rule_cmp(const void *a, const void *b)
{
	const sk_rule *x = a, *y = b;
	return x->priority < y->priority ? -1 : x->priority > y->priority;
}

static sk_status load_rule(loader *L, json_t *arr, const char *ap, bool in_group, sk_rule *rules,
                           size_t i)
{
	json_t *r = json_array_get(arr, i), *so, *ao, *oo, *lab;
	char *rp = idx(L, ap, i);
	sk_rule *rule = &rules[i];
	const char *name;
	if (!json_is_object(r))
		return fail(L, rp, "expected a rule object, found %s", type_name(r));
	TRY(get_str(L, r, rp, "Name", true, &name));
	if (!*name || strlen(name) > 128)
		return fail(L, sub(L, rp, "Name"), "expected a name of 1 to 128 characters");
	rule->name = dupstr(L, name);
	rule->path = rp;
	const char *desc = NULL;
	TRY(get_str(L, r, rp, "Description", false, &desc));
	rule->description = desc ? dupstr(L, desc) : NULL;
	TRY(get_int(L, r, rp, "Priority", true, 0, INT32_MAX, &rule->priority));
	for (size_t j = 0; j < i; j++) {
		if (!rules[j].name) /* a rule that failed to load */
			continue;
		if (rules[j].priority == rule->priority)
			return fail(L, sub(L, rp, "Priority"),
			            "priority %" PRId64 " is also used by rule \"%s\"",
			            rule->priority, rules[j].name);
		if (strcmp(rules[j].name, rule->name) == 0)
			return fail(L, sub(L, rp, "Name"), "rule name \"%s\" is used twice", name);
	}
	TRY(get_obj(L, r, rp, "Statement", true, &so));
	TRY(load_stmt(L, so, sub(L, rp, "Statement"), in_group, &rule->stmt));
	TRY(get_obj(L, r, rp, "Action", false, &ao));
	TRY(get_obj(L, r, rp, "OverrideAction", false, &oo));
	if (is_group_stmt(rule->stmt)) {
		if (ao)
			return fail(L, sub(L, rp, "Action"),
			            "a rule group statement takes "
			            "OverrideAction, not Action");
		if (!oo)
			return fail(L, sub(L, rp, "OverrideAction"),
			            "required for a rule group statement: {\"None\": {}} or "
			            "{\"Count\": {}}");
		static const char *const ov[] = {"None", "Count", NULL};
		int which;
		json_t *v;
		TRY(one_of(L, oo, sub(L, rp, "OverrideAction"), "override action", ov, &which, &v));
		rule->override_count = which == 1;
	} else {
		if (oo)
			return fail(L, sub(L, rp, "OverrideAction"),
			            "only rule group statements take OverrideAction; use Action");
		if (!ao)
			return fail(L, sub(L, rp, "Action"),
			            "required, expected an action such as "
			            "{\"Block\": {}}");
		rule->has_action = true;
		TRY(load_action(L, ao, sub(L, rp, "Action"), &rule->action));
	}
	TRY(get_arr(L, r, rp, "RuleLabels", false, &lab));
	size_t nl = json_array_size(lab);
	if (nl) {
		rule->labels = sk_arena_alloc(L->a, nl * sizeof *rule->labels);
		if (!rule->labels)
			return nomem(L);
		for (size_t j = 0; j < nl; j++) {
			json_t *l = json_array_get(lab, j);
			char *lp = idx(L, sub(L, rp, "RuleLabels"), j);
			const char *ln;
			if (!json_is_object(l))
				return fail(L, lp, "expected an object {Name}");
			TRY(get_str(L, l, lp, "Name", true, &ln));
			if (!label_ok(ln, false))
				return fail(L, sub(L, lp, "Name"),
				            "expected a label: letters, "
				            "digits, _ - and ':' between parts");
			rule->labels[j] = dupstr(L, ln);
		}
		rule->nlabels = nl;
	}
	return SK_OK;
}

static sk_status load_rules(loader *L, json_t *o, const char *path, bool in_group, sk_rule **out,
                            size_t *nout)
{
	json_t *arr;
	TRY(get_arr(L, o, path, "Rules", !in_group, &arr));
	char *ap = sub(L, path, "Rules");
	size_t n = json_array_size(arr);
	sk_rule *rules = sk_arena_calloc(L->a, (n ? n : 1) * sizeof *rules);
	if (!rules)
		return nomem(L);
	size_t problems = 0;
	for (size_t i = 0; i < n; i++) {
		sk_status st = load_rule(L, arr, ap, in_group, rules, i);
		if (st == SK_OK)
			continue;
		/* Collect mode: note the problem, go on with the next rule. */
		if (!L->opt->problems || st == SK_E_NOMEM || st == SK_E_IO)
			return st;
		if (sk_buf_puts(L->opt->problems, L->err->msg) ||
		    sk_buf_putc(L->opt->problems, '\n'))
			return st;
		problems++;
		rules[i].name = NULL; /* not comparable by the checks of later rules */
	}
	if (problems)
		return sk_fail(L->err, SK_E_INVALID, "%s: %zu rule%s with problems", L->file,
		               problems, problems == 1 ? "" : "s");
	qsort(rules, n, sizeof *rules, rule_cmp);
	*out = rules;
	*nout = n;
	return SK_OK;
}

/* Account id from an ARN (arn:aws:wafv2:region:ACCOUNT:...), or a stand-in. */
static const char *arn_account(loader *L, const char *arn)
{
	if (arn && strncmp(arn, "arn:", 4) == 0) {
		const char *p = arn;
		for (int colons = 0; *p && colons < 4; p++)
			colons += *p == ':';
		const char *e = strchr(p, ':');
		if (e && e > p)
			return sk_arena_strndup(L->a, p, (size_t)(e - p));
	}
	return "000000000000";
}

static sk_status load_group_body(loader *L, json_t *body, const char *path, bool managed,
                                 sk_group **out)
{
	if (!json_is_object(body))
		return fail(L, path, "expected a RuleGroup object");
	sk_group *g = sk_arena_calloc(L->a, sizeof *g);
	if (!g)
		return nomem(L);
	const char *name, *arn = NULL, *id = NULL, *ns = NULL, *version = NULL;
	TRY(get_str(L, body, path, "Name", true, &name));
	TRY(get_str(L, body, path, "ARN", false, &arn));
	TRY(get_str(L, body, path, "Id", false, &id));
	TRY(get_str(L, body, path, "LabelNamespace", false, &ns));
	TRY(get_str(L, body, path, "Version", false, &version));
	TRY(get_int(L, body, path, "Capacity", !managed, 1, 5000, &g->capacity));
	g->name = dupstr(L, name);
	g->arn = arn ? dupstr(L, arn) : NULL;
	g->id = id ? dupstr(L, id) : NULL;
	g->version = version ? dupstr(L, version) : NULL;
	g->managed = managed;
	if (ns) {
		if (!label_ok(ns, true))
			return fail(L, sub(L, path, "LabelNamespace"),
			            "expected a namespace ending with ':'");
		g->label_ns = dupstr(L, ns);
	} else {
		g->label_ns =
		    sk_arena_printf(L->a, "awswaf:%s:rulegroup:%s:", arn_account(L, arn), name);
	}
	L->label_ns = g->label_ns;
	TRY(load_bodies(L, body, path, &g->bodies, &g->nbodies));
	L->bodies = g->bodies;
	L->nbodies = g->nbodies;
	TRY(load_rules(L, body, path, true, &g->rules, &g->nrules));
	*out = g;
	return SK_OK;
}

static sk_status load_group_doc(loader *L, const char *file, json_t *body, const char *path,
                                bool wrapped, bool managed, sk_group **out)
{
	doc_ctx saved = save_ctx(L);
	L->file = file;
	L->wrapped = wrapped;
	sk_status st = load_group_body(L, body, path, managed, out);
	restore_ctx(L, &saved);
	return st;
}

static size_t size_limit(const char *s)
{
	static const char *const v[] = {"KB_16", "KB_32", "KB_48", "KB_64", NULL};
	for (int i = 0; v[i]; i++)
		if (strcmp(s, v[i]) == 0)
			return (size_t)(16 * (i + 1)) << 10;
	return 0;
}

static sk_status load_association(loader *L, json_t *o, sk_acl *acl)
{
	json_t *ac, *rb;
	acl->body_limit = L->opt->body_limit ? L->opt->body_limit : (size_t)1 << 20;
	TRY(get_obj(L, o, "", "AssociationConfig", false, &ac));
	if (!ac)
		return SK_OK;
	TRY(get_obj(L, ac, "AssociationConfig", "RequestBody", false, &rb));
	if (!rb)
		return SK_OK;
	/* One limit per resource type in AWS; sekisho fronts one app, so the
	 * largest configured limit applies. */
	size_t best = 0;
	const char *k;
	json_t *v;
	json_object_foreach(rb, k, v)
	{
		char *p = sub(L, sub(L, "AssociationConfig", "RequestBody"), k);
		const char *lim;
		if (!json_is_object(v))
			return fail(L, p, "expected an object {DefaultSizeInspectionLimit}");
		TRY(get_str(L, v, p, "DefaultSizeInspectionLimit", true, &lim));
		size_t b = size_limit(lim);
		if (!b)
			return fail(L, sub(L, p, "DefaultSizeInspectionLimit"),
			            "expected one of KB_16, KB_32, KB_48, KB_64");
		if (b > best)
			best = b;
	}
	if (best)
		acl->body_limit = best;
	return SK_OK;
}

static sk_status load_acl(loader *L, json_t *root, sk_acl *acl)
{
	json_t *o = root, *da;
	const char *path = "";
	if (!json_is_object(root))
		return fail(L, "", "expected a web ACL object, found %s", type_name(root));
	json_t *w = json_object_get(root, "WebACL");
	if (w) {
		if (!json_is_object(w))
			return fail(L, "WebACL", "expected an object");
		o = w;
		path = "WebACL";
		L->wrapped = true;
		acl->wrapped = true;
	}
	const char *name, *id = NULL, *arn = NULL, *ns = NULL;
	TRY(get_str(L, o, path, "Name", true, &name));
	TRY(get_str(L, o, path, "Id", false, &id));
	TRY(get_str(L, o, path, "ARN", false, &arn));
	TRY(get_str(L, o, path, "LabelNamespace", false, &ns));
	acl->name = dupstr(L, name);
	acl->id = id ? dupstr(L, id) : NULL;
	acl->arn = arn ? dupstr(L, arn) : NULL;
	if (ns && !label_ok(ns, true))
		return fail(L, sub(L, path, "LabelNamespace"),
		            "expected a namespace ending with ':'");
	acl->label_ns =
	    ns ? dupstr(L, ns)
	       : sk_arena_printf(L->a, "awswaf:%s:webacl:%s:", arn_account(L, arn), name);
	L->label_ns = acl->label_ns;
	TRY(load_bodies(L, o, path, &acl->bodies, &acl->nbodies));
	L->bodies = acl->bodies;
	L->nbodies = acl->nbodies;
	TRY(get_obj(L, o, path, "DefaultAction", true, &da));
	TRY(load_action(L, da, sub(L, path, "DefaultAction"), &acl->default_action));
	if (acl->default_action.type != SK_ACT_ALLOW && acl->default_action.type != SK_ACT_BLOCK)
		return fail(L, sub(L, path, "DefaultAction"), "expected Allow or Block");
	TRY(load_association(L, o, acl));
	TRY(load_rules(L, o, path, false, &acl->rules, &acl->nrules));
	return SK_OK;
}

sk_status sk_acl_load(const char *name, const char *text, size_t n, const sk_load_options *opt,
                      sk_acl **out, sk_buf *warnings, sk_error *err)
{
	static const sk_load_options defaults = {0};
	json_error_t je;
	*out = NULL;
	json_t *root = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!root)
		return sk_fail(err, SK_E_INVALID, "%s:%d:%d: %s", name, je.line, je.column,
		               je.text);
	sk_arena *a = sk_arena_create(64 << 10, 0);
	sk_acl *acl = a ? sk_arena_calloc(a, sizeof *acl) : NULL;
	if (!acl) {
		sk_arena_destroy(a);
		json_decref(root);
		return sk_fail(err, SK_E_NOMEM, "%s: out of memory", name);
	}
	acl->arena = a;
	loader L = {
	    .a = a, .err = err, .warnings = warnings, .opt = opt ? opt : &defaults, .file = name};
	sk_status st = load_acl(&L, root, acl);
	if (st == SK_OK)
		st = sk_acl_capacity(acl, &acl->capacity, err);
	if (st == SK_OK && acl->capacity > SK_WCU_MAX)
		st = sk_fail(err, SK_E_LIMIT,
		             "%s: the web ACL needs %" PRIu64 " capacity units (WCU); "
		             "AWS allows at most %d",
		             name, acl->capacity, SK_WCU_MAX);
	if (st == SK_OK && L.missing_lists[0])
		warn(&L,
		     "warning: IP lists not found in %s: %s; they load empty (fetch them with "
		     "`sekisho lists update`)",
		     L.opt->lists_dir ? L.opt->lists_dir : SK_LISTS_DIR_DEFAULT, L.missing_lists);
	if (st == SK_OK && !acl->wrapped && L.search_strings > 0 &&
	    L.search_b64_printable == L.search_strings && L.opt->search_encoding == SK_SEARCH_AUTO)
		warn(
		    &L,
		    "%s: every SearchString decodes as base64 to printable text, but this document "
		    "is not wrapped as the AWS CLI prints it, so they are read as plain text; if "
		    "they are base64, use --search-string-encoding base64",
		    name);
	docs_free(&L);
	json_decref(root);
	if (st) {
		sk_arena_destroy(a);
		return st;
	}
	*out = acl;
	return SK_OK;
}

sk_status sk_acl_load_file(const char *path, const sk_load_options *opt, sk_acl **out,
                           sk_buf *warnings, sk_error *err)
{
	sk_buf b;
	sk_buf_init(&b, SK_CAP_CONFIG_FILE);
	sk_status st = sk_buf_read_file(&b, path, err);
	if (st == SK_OK)
		st = sk_acl_load(path, b.p ? (char *)b.p : "", b.n, opt, out, warnings, err);
	sk_buf_free(&b);
	return st;
}

void sk_acl_free(sk_acl *acl)
{
	if (acl)
		sk_arena_destroy(acl->arena);
}

/* check_regex lives here so that every regex in every document is checked
 * with the same engine AWS's syntax follows (PCRE). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static sk_status check_regex(loader *L, const char *path, const char *re)
{
	if (!*re)
		return fail(L, path, "expected a non-empty regular expression");
	if (strlen(re) > 512)
		return fail(L, path, "at most 512 characters (AWS's limit)");
	int code;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!c) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		return fail(L, path, "invalid regular expression at offset %zu: %s", (size_t)off,
		            (char *)msg);
	}
	pcre2_code_free(c);
	return SK_OK;
}
