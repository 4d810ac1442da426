/* AWS WAF v2 JSON to sk_acl. Every value is checked against what AWS's API
 * accepts, and every complaint carries the JSON path of the value. */
#include "waf/loader_int.h"

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
	TRY(ld_get_arr(L, o, path, "TextTransformations", true, &arr));
	char *ap = ld_sub(L, path, "TextTransformations");
	size_t n = json_array_size(arr);
	if (n == 0)
		return ld_fail(L, ap, "expected at least one transformation (use NONE for none)");
	if (n > SK_TX_MAX_CHAIN)
		return ld_fail(L, ap, "at most %d transformations, found %zu", SK_TX_MAX_CHAIN, n);
	int64_t prio[SK_TX_MAX_CHAIN];
	uint8_t type[SK_TX_MAX_CHAIN];
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(arr, i);
		char *tp = ld_idx(L, ap, i);
		if (!json_is_object(t))
			return ld_fail(L, tp, "expected an object {Priority, Type}, found %s",
			               ld_type_name(t));
		const char *ty;
		prio[i] = 0;
		TRY(ld_get_int(L, t, tp, "Priority", true, 0, INT32_MAX, &prio[i]));
		TRY(ld_get_str(L, t, tp, "Type", true, &ty));
		int tx = sk_transform_from_name(ty);
		if (tx < 0)
			return ld_fail(L, ld_sub(L, tp, "Type"),
			               "unknown text transformation \"%s\"", ty);
		for (size_t j = 0; j < i; j++)
			if (prio[j] == prio[i])
				return ld_fail(L, ld_sub(L, tp, "Priority"),
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
		return ld_fail(L, path, "expected at least one name");
	char **v = sk_arena_alloc(L->a, n * sizeof *v);
	if (!v)
		return ld_nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(arr, i);
		const char *t = ld_cstr(s);
		if (!t || !*t)
			return ld_fail(L, ld_idx(L, path, i),
			               "expected a non-empty string without NUL");
		v[i] = ld_dupstr(L, t);
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
	TRY(ld_get_obj(L, o, path, "MatchPattern", true, &mp));
	char *mpp = ld_sub(L, path, "MatchPattern");
	static const char *keys[4];
	keys[0] = "All";
	keys[1] = incl;
	keys[2] = excl;
	keys[3] = NULL;
	int which;
	TRY(ld_one_of(L, mp, mpp, "match pattern", keys, &which, &v));
	f->pattern = which == 0   ? SK_PATTERN_ALL
	             : which == 1 ? SK_PATTERN_INCLUDED
	                          : SK_PATTERN_EXCLUDED;
	if (which == 0) {
		if (!json_is_object(v))
			return ld_fail(L, ld_sub(L, mpp, "All"), "expected an object ({})");
		return SK_OK;
	}
	char *np = ld_sub(L, mpp, keys[which]);
	if (!json_is_array(v))
		return ld_fail(L, np, "expected an array of names");
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
	return st || !f->key ? ld_nomem(L) : SK_OK;
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
	TRY(ld_get_obj(L, o, path, "FieldToMatch", true, &fo));
	char *fp = ld_sub(L, path, "FieldToMatch");
	int which;
	TRY(ld_one_of(L, fo, fp, "field", kinds, &which, &v));
	char *vp = ld_sub(L, fp, kinds[which]);
	if (which >= 12)
		return sk_fail(L->err, SK_E_UNSUPPORTED,
		               "%s: %s: %s is not supported: sekisho sees no TLS handshake",
		               L->file, vp, kinds[which]);
	if (!json_is_object(v))
		return ld_fail(L, vp, "expected an object, found %s", ld_type_name(v));
	sk_field *f = sk_arena_calloc(L->a, sizeof *f);
	if (!f)
		return ld_nomem(L);
	f->kind = (sk_ftm_kind)which;
	int e = 0;
	switch (f->kind) {
	case SK_FTM_SINGLE_HEADER:
	case SK_FTM_SINGLE_QUERY_ARG: {
		const char *name;
		TRY(ld_get_str(L, v, vp, "Name", true, &name));
		if (!*name)
			return ld_fail(L, ld_sub(L, vp, "Name"), "expected a non-empty name");
		f->name = ld_dupstr(L, name);
		for (char *p = f->name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		break;
	}
	case SK_FTM_BODY:
	case SK_FTM_HEADER_ORDER:
		e = 0;
		TRY(ld_get_enum(L, v, vp, "OversizeHandling", false, OVERSIZES, &e));
		f->oversize = (sk_oversize)e;
		break;
	case SK_FTM_HEADERS:
	case SK_FTM_COOKIES: {
		bool hdr = f->kind == SK_FTM_HEADERS;
		TRY(load_match_pattern(L, v, vp, hdr ? "IncludedHeaders" : "IncludedCookies",
		                       hdr ? "ExcludedHeaders" : "ExcludedCookies", hdr, f));
		TRY(ld_get_enum(L, v, vp, "MatchScope", true, SCOPES, &e));
		f->scope = (sk_match_scope)e;
		e = 0;
		TRY(ld_get_enum(L, v, vp, "OversizeHandling", true, OVERSIZES, &e));
		f->oversize = (sk_oversize)e;
		break;
	}
	case SK_FTM_JSON_BODY: {
		TRY(load_match_pattern(L, v, vp, "IncludedPaths", "\x01", false, f));
		for (size_t i = 0; i < f->nnames; i++)
			if (f->names[i][0] != '/' && f->names[i][0] != 0)
				return ld_fail(L,
				               ld_idx(L,
				                      ld_sub(L, ld_sub(L, vp, "MatchPattern"),
				                             "IncludedPaths"),
				                      i),
				               "expected a JSON pointer starting with /");
		TRY(ld_get_enum(L, v, vp, "MatchScope", true, SCOPES, &e));
		f->scope = (sk_match_scope)e;
		static const char *const fb[] = {"", "MATCH", "NO_MATCH", "EVALUATE_AS_STRING",
		                                 NULL};
		e = 0;
		TRY(ld_get_enum(L, v, vp, "InvalidFallbackBehavior", false, fb, &e));
		f->fallback = (sk_json_fallback)e;
		e = 0;
		TRY(ld_get_enum(L, v, vp, "OversizeHandling", false, OVERSIZES, &e));
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
	TRY(ld_get_obj(L, o, path, key, false, &c));
	if (!c)
		return SK_OK;
	char *cp = ld_sub(L, path, key);
	const char *h;
	TRY(ld_get_str(L, c, cp, "HeaderName", true, &h));
	if (!*h)
		return ld_fail(L, ld_sub(L, cp, "HeaderName"), "expected a header name");
	fw->header = ld_dupstr(L, h);
	static const char *const fb[] = {"MATCH", "NO_MATCH", NULL};
	int e = 0;
	TRY(ld_get_enum(L, c, cp, "FallbackBehavior", true, fb, &e));
	fw->fallback_match = e == 0;
	fw->position = SK_FWD_FIRST;
	if (with_position) {
		static const char *const pos[] = {"", "FIRST", "LAST", "ANY", NULL};
		e = 1;
		TRY(ld_get_enum(L, c, cp, "Position", true, pos, &e));
		if (e == 0)
			return ld_fail(L, ld_sub(L, cp, "Position"),
			               "expected one of FIRST, LAST, ANY");
		fw->position = (sk_fwd_position)e;
	}
	return SK_OK;
}

/* ---- referenced resources ---- */

static sk_status load_group_doc(loader *L, const char *file, json_t *body, const char *path,
                                bool wrapped, bool managed, sk_group **out);

/* ---- statements ---- */

static sk_status load_stmt(loader *L, json_t *o, const char *path, bool in_group, sk_stmt **out);

static sk_status load_search(loader *L, json_t *v, const char *path, sk_stmt *s)
{
	const char *text = NULL, *b64 = NULL;
	TRY(ld_get_str(L, v, path, "SearchString", false, &text));
	TRY(ld_get_str(L, v, path, "SearchStringBase64", false, &b64));
	if (text && b64)
		return ld_fail(L, path, "give SearchString or SearchStringBase64, not both");
	if (!text && !b64)
		return ld_fail(L, ld_sub(L, path, "SearchString"), "required, expected a string");
	bool is_b64 = b64 != NULL;
	if (text) {
		switch (L->opt->search_encoding) {
		case SK_SEARCH_BASE64: is_b64 = true; break;
		case SK_SEARCH_TEXT: is_b64 = false; break;
		case SK_SEARCH_AUTO: is_b64 = L->wrapped; break;
		}
	}
	const char *src = text ? text : b64;
	const char *sp = ld_sub(L, path, text ? "SearchString" : "SearchStringBase64");
	size_t n = strlen(src);
	if (n == 0)
		return ld_fail(L, sp, "expected a non-empty search string");
	if (is_b64) {
		s->search = sk_arena_alloc(L->a, n / 4 * 3 + 3);
		if (!s->search)
			return ld_nomem(L);
		if (!sk_base64_decode(src, n, s->search, &s->search_n) || s->search_n == 0)
			return ld_fail(
			    L, sp,
			    "expected base64 (this document is read as the AWS CLI prints "
			    "it; use --search-string-encoding text for plain text)");
	} else {
		s->search = (uint8_t *)ld_dupstr(L, src);
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
		return ld_fail(L, sp, "at most 200 bytes (AWS's limit), found %zu", s->search_n);
	return SK_OK;
}

/* IP sets that are sekisho's IP lists rather than resources: the managed
 * reputation and anonymous-IP groups name them "sekisho:list:NAME". */

static sk_status load_field_stmt(loader *L, json_t *v, const char *path, sk_stmt *s)
{
	TRY(load_field(L, v, path, &s->field));
	TRY(load_chain(L, v, path, &s->chain));
	int e;
	switch (s->type) {
	case SK_ST_BYTE_MATCH:
		TRY(load_search(L, v, path, s));
		e = 0;
		TRY(ld_get_enum(L, v, path, "PositionalConstraint", true, POSITIONS, &e));
		s->position = (sk_position)e;
		if (s->position == SK_POS_CONTAINS_WORD)
			for (size_t i = 0; i < s->search_n; i++)
				if (!isalnum(s->search[i]) && s->search[i] != '_')
					return ld_fail(
					    L, ld_sub(L, path, "SearchString"),
					    "CONTAINS_WORD takes only A-Z, a-z, 0-9 and _");
		break;
	case SK_ST_REGEX_MATCH: {
		const char *re;
		TRY(ld_get_str(L, v, path, "RegexString", true, &re));
		TRY(ld_check_regex(L, ld_sub(L, path, "RegexString"), re));
		s->regex = ld_dupstr(L, re);
		break;
	}
	case SK_ST_REGEX_SET: {
		const char *arn;
		res_doc *d;
		TRY(ld_get_str(L, v, path, "ARN", true, &arn));
		if (strncmp(arn, LIST_ARN, strlen(LIST_ARN)) == 0) {
			TRY(ld_load_regex_list(L, ld_sub(L, path, "ARN"), arn + strlen(LIST_ARN),
			                       &s->regex_set));
			break;
		}
		TRY(ld_find_res(L, ld_sub(L, path, "ARN"), RES_REGEX_SET, arn, &d));
		TRY(ld_load_regex_set(L, d, &s->regex_set));
		break;
	}
	case SK_ST_SQLI: {
		static const char *const lv[] = {"LOW", "HIGH", NULL};
		e = 0;
		TRY(ld_get_enum(L, v, path, "SensitivityLevel", false, lv, &e));
		s->sensitivity = e;
		s->detector = sk_detector_find("SQLI");
		break;
	}
	case SK_ST_XSS: s->detector = sk_detector_find("XSS"); break;
	case SK_ST_DETECTOR: {
		static const char *const lv[] = {"LOW", "HIGH", NULL};
		const char *name;
		TRY(ld_get_str(L, v, path, "Detector", true, &name));
		if (!(s->detector = sk_detector_find(name))) {
			size_t n;
			const sk_detector *all = sk_detector_list(&n);
			char list[512] = "";
			for (size_t i = 0; i < n; i++) {
				strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
				strncat(list, all[i].name, sizeof list - strlen(list) - 1);
			}
			return ld_fail(L, ld_sub(L, path, "Detector"),
			               "expected one of %s, found \"%s\"", list, name);
		}
		e = 0;
		TRY(ld_get_enum(L, v, path, "SensitivityLevel", false, lv, &e));
		s->sensitivity = e;
		break;
	}
	case SK_ST_SIZE: {
		int64_t size = 0;
		e = 0;
		TRY(ld_get_enum(L, v, path, "ComparisonOperator", true, CMPS, &e));
		s->cmp = (sk_cmp)e;
		TRY(ld_get_int(L, v, path, "Size", true, 0, 21474836480LL, &size));
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
	TRY(ld_get_arr(L, v, path, "Statements", true, &arr));
	char *ap = ld_sub(L, path, "Statements");
	size_t n = json_array_size(arr);
	if (n < min)
		return ld_fail(L, ap, "expected at least %zu statements, found %zu", min, n);
	s->kids = sk_arena_alloc(L->a, n * sizeof *s->kids);
	if (!s->kids)
		return ld_nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *k = json_array_get(arr, i);
		char *kp = ld_idx(L, ap, i);
		if (!json_is_object(k))
			return ld_fail(L, kp, "expected a statement object, found %s",
			               ld_type_name(k));
		TRY(load_stmt(L, k, kp, in_group, &s->kids[i]));
	}
	s->nkids = n;
	return SK_OK;
}

static sk_status load_countries(loader *L, json_t *v, const char *path, sk_stmt *s)
{
	json_t *arr;
	TRY(ld_get_arr(L, v, path, "CountryCodes", true, &arr));
	char *ap = ld_sub(L, path, "CountryCodes");
	size_t n = json_array_size(arr);
	if (n == 0)
		return ld_fail(L, ap, "expected at least one country code");
	s->countries = sk_arena_alloc(L->a, n * sizeof *s->countries);
	if (!s->countries)
		return ld_nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(arr, i);
		const char *cc = ld_cstr(c) ? ld_cstr(c) : "";
		if (strlen(cc) != 2 || !isupper((unsigned char)cc[0]) ||
		    !isupper((unsigned char)cc[1]))
			return ld_fail(L, ld_idx(L, ap, i),
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
	TRY(ld_get_int(L, v, path, "Limit", true, 10, 2000000000, &limit));
	TRY(ld_get_int(L, v, path, "EvaluationWindowSec", false, 60, 600, &window));
	if (window != 60 && window != 120 && window != 300 && window != 600)
		return ld_fail(L, ld_sub(L, path, "EvaluationWindowSec"),
		               "expected 60, 120, 300 or 600");
	s->limit = (uint64_t)limit;
	s->window_sec = (int)window;
	static const char *const aggs[] = {"IP", "FORWARDED_IP", "CUSTOM_KEYS", "CONSTANT", NULL};
	int e = 0;
	TRY(ld_get_enum(L, v, path, "AggregateKeyType", true, aggs, &e));
	s->agg = (sk_agg_kind)e;
	TRY(load_forwarded(L, v, path, "ForwardedIPConfig", false, &s->fwd));
	if (s->agg == SK_AGG_FORWARDED_IP && !s->fwd.header)
		return ld_fail(L, ld_sub(L, path, "ForwardedIPConfig"),
		               "required with FORWARDED_IP");
	json_t *sd;
	TRY(ld_get_obj(L, v, path, "ScopeDownStatement", s->agg == SK_AGG_CONSTANT, &sd));
	if (sd)
		TRY(load_stmt(L, sd, ld_sub(L, path, "ScopeDownStatement"), in_group,
		              &s->scope_down));
	json_t *keys;
	TRY(ld_get_arr(L, v, path, "CustomKeys", s->agg == SK_AGG_CUSTOM_KEYS, &keys));
	if (!keys)
		return SK_OK;
	char *kp = ld_sub(L, path, "CustomKeys");
	size_t n = json_array_size(keys);
	if (n == 0 || n > 5)
		return ld_fail(L, kp, "expected 1 to 5 keys");
	s->keys = sk_arena_calloc(L->a, n * sizeof *s->keys);
	if (!s->keys)
		return ld_nomem(L);
	static const char *const kinds[] = {
	    "IP",          "ForwardedIP", "HTTPMethod",     "Header", "Cookie", "QueryArgument",
	    "QueryString", "UriPath",     "LabelNamespace", NULL};
	for (size_t i = 0; i < n; i++) {
		json_t *k = json_array_get(keys, i), *kv;
		char *ip = ld_idx(L, kp, i);
		int which;
		if (!json_is_object(k))
			return ld_fail(L, ip, "expected an object");
		TRY(ld_one_of(L, k, ip, "custom key", kinds, &which, &kv));
		s->keys[i].kind = (sk_rate_key_kind)which;
		char *vp = ld_sub(L, ip, kinds[which]);
		if (!json_is_object(kv))
			return ld_fail(L, vp, "expected an object");
		if (which >= SK_RKEY_HEADER && which <= SK_RKEY_QUERY_ARG) {
			const char *name;
			TRY(ld_get_str(L, kv, vp, "Name", true, &name));
			s->keys[i].name = ld_dupstr(L, name);
		}
		if (which == SK_RKEY_LABEL_NAMESPACE) {
			const char *ns;
			TRY(ld_get_str(L, kv, vp, "Namespace", true, &ns));
			if (!label_ok(ns, true))
				return ld_fail(L, ld_sub(L, vp, "Namespace"),
				               "expected a label namespace ending with ':'");
			s->keys[i].name = ld_dupstr(L, ns);
		}
		if (which >= SK_RKEY_HEADER && which <= SK_RKEY_URI_PATH)
			TRY(load_chain(L, kv, vp, &s->keys[i].chain));
		if (which == SK_RKEY_FORWARDED_IP && !s->fwd.header)
			return ld_fail(L, vp, "needs ForwardedIPConfig on the statement");
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
		return ld_fail(L, path, "no managed rule group %s/%s in sekisho (built in: %s)",
		               vendor, name, *list ? list : "none");
	}
	if (L->nmanaged == sizeof L->managed / sizeof L->managed[0])
		return ld_fail(L, path, "too many managed rule groups");
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
	L->managed[L->nmanaged].name = ld_dupstr(L, name);
	L->managed[L->nmanaged++].g = *out;
	return SK_OK;
}

static sk_status load_group_stmt(loader *L, json_t *v, const char *path, bool in_group, sk_stmt *s)
{
	if (in_group)
		return ld_fail(L, path, "a rule group cannot hold a rule group statement");
	if (s->type == SK_ST_MANAGED_GROUP) {
		const char *vendor, *name, *version = NULL;
		TRY(ld_get_str(L, v, path, "VendorName", true, &vendor));
		TRY(ld_get_str(L, v, path, "Name", true, &name));
		TRY(ld_get_str(L, v, path, "Version", false, &version));
		s->vendor = ld_dupstr(L, vendor);
		s->group_name = ld_dupstr(L, name);
		s->version = version ? ld_dupstr(L, version) : NULL;
		TRY(find_managed(L, path, vendor, name, &s->group));
		json_t *sd;
		TRY(ld_get_obj(L, v, path, "ScopeDownStatement", false, &sd));
		if (sd)
			TRY(load_stmt(L, sd, ld_sub(L, path, "ScopeDownStatement"), false,
			              &s->scope_down));
	} else {
		const char *arn;
		res_doc *d;
		TRY(ld_get_str(L, v, path, "ARN", true, &arn));
		TRY(ld_find_res(L, ld_sub(L, path, "ARN"), RES_RULE_GROUP, arn, &d));
		if (!d->loaded) {
			if (d->loading)
				return ld_fail(L, path, "rule group \"%s\" refers to itself", arn);
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
	TRY(ld_get_arr(L, v, path, "ExcludedRules", false, &ex));
	TRY(ld_get_arr(L, v, path, "RuleActionOverrides", false, &ov));
	size_t n = json_array_size(ex) + json_array_size(ov);
	if (!n)
		return SK_OK;
	s->overrides = sk_arena_calloc(L->a, n * sizeof *s->overrides);
	if (!s->overrides)
		return ld_nomem(L);
	for (int pass = 0; pass < 2; pass++) {
		json_t *arr = pass ? ov : ex;
		char *ap = ld_sub(L, path, pass ? "RuleActionOverrides" : "ExcludedRules");
		for (size_t i = 0; i < json_array_size(arr); i++) {
			json_t *e = json_array_get(arr, i);
			char *ep = ld_idx(L, ap, i);
			const char *name;
			if (!json_is_object(e))
				return ld_fail(L, ep, "expected an object");
			TRY(ld_get_str(L, e, ep, "Name", true, &name));
			bool known = false;
			for (size_t r = 0; r < s->group->nrules; r++)
				known |= strcmp(s->group->rules[r].name, name) == 0;
			if (!known)
				return ld_fail(L, ld_sub(L, ep, "Name"),
				               "rule group %s has no rule \"%s\"", s->group->name,
				               name);
			sk_override *o = &s->overrides[s->noverrides++];
			o->rule = ld_dupstr(L, name);
			if (pass) {
				json_t *at;
				TRY(ld_get_obj(L, e, ep, "ActionToUse", true, &at));
				o->action = sk_arena_calloc(L->a, sizeof *o->action);
				if (!o->action)
					return ld_nomem(L);
				TRY(load_action(L, at, ld_sub(L, ep, "ActionToUse"), o->action));
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
		return ld_fail(L, path, "statements nested deeper than %d levels", MAX_DEPTH);
	}
	int which;
	json_t *v;
	sk_status st = ld_one_of(L, o, path, "statement", STMT_NAMES, &which, &v);
	if (st) {
		L->depth--;
		return st;
	}
	char *vp = ld_sub(L, path, STMT_NAMES[which]);
	if (which == 16) {
		L->depth--;
		return sk_fail(L->err, SK_E_UNSUPPORTED, "%s: %s: not supported yet", L->file, vp);
	}
	if (!json_is_object(v)) {
		L->depth--;
		return ld_fail(L, vp, "expected an object, found %s", ld_type_name(v));
	}
	sk_stmt *s = sk_arena_calloc(L->a, sizeof *s);
	if (!s)
		return ld_nomem(L);
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
		if ((st = ld_get_str(L, v, vp, "ARN", true, &arn)))
			break;
		if (strncmp(arn, LIST_ARN, strlen(LIST_ARN)) == 0) {
			if ((st = ld_load_list(L, ld_sub(L, vp, "ARN"), arn + strlen(LIST_ARN),
			                       &s->ip_set)))
				break;
		} else if ((st = ld_find_res(L, ld_sub(L, vp, "ARN"), RES_IP_SET, arn, &d)) ||
		           (st = ld_load_ip_set(L, d, &s->ip_set))) {
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
		if ((st = ld_get_enum(L, v, vp, "Scope", true, sc, &e)) ||
		    (st = ld_get_str(L, v, vp, "Key", true, &key)))
			break;
		s->label_scope = (sk_label_scope)e;
		if (!label_ok(key, e == 1)) {
			st = ld_fail(
			    L, ld_sub(L, vp, "Key"),
			    e == 1
			        ? "expected a namespace: label parts separated and ended by ':'"
			        : "expected a label: letters, digits, _ - and ':' between parts");
			break;
		}
		s->label_key = ld_dupstr(L, key);
		s->label_context = L->label_ns;
		break;
	}
	case SK_ST_AND:
	case SK_ST_OR: st = load_kids(L, v, vp, in_group, s, 2); break;
	case SK_ST_NOT: {
		json_t *k;
		s->kids = sk_arena_alloc(L->a, sizeof *s->kids);
		if (!s->kids) {
			st = ld_nomem(L);
			break;
		}
		s->nkids = 1;
		if (!(st = ld_get_obj(L, v, vp, "Statement", true, &k)))
			st = load_stmt(L, k, ld_sub(L, vp, "Statement"), in_group, &s->kids[0]);
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
		return ld_nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *h = json_array_get(arr, i);
		char *hp = ld_idx(L, path, i);
		const char *name, *value;
		if (!json_is_object(h))
			return ld_fail(L, hp, "expected an object {Name, Value}");
		TRY(ld_get_str(L, h, hp, "Name", true, &name));
		TRY(ld_get_str(L, h, hp, "Value", true, &value));
		if (!*name)
			return ld_fail(L, ld_sub(L, hp, "Name"), "expected a header name");
		for (const char *c = name; *c; c++)
			if (!isalnum((unsigned char)*c) && !strchr("-_", *c))
				return ld_fail(L, ld_sub(L, hp, "Name"),
				               "expected a header name of letters, "
				               "digits, - and _");
		for (const char *c = value; *c; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				return ld_fail(L, ld_sub(L, hp, "Value"),
				               "control characters are not allowed");
		kv[i].name = ld_dupstr(L, name);
		kv[i].value = ld_dupstr(L, value);
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
	TRY(ld_one_of(L, o, path, "action", names, &which, &v));
	char *vp = ld_sub(L, path, names[which]);
	if (!json_is_object(v))
		return ld_fail(L, vp, "expected an object");
	memset(act, 0, sizeof *act);
	act->type = (sk_action_type)which;
	json_t *c, *arr;
	if (act->type == SK_ACT_BLOCK) {
		TRY(ld_get_obj(L, v, vp, "CustomResponse", false, &c));
		if (!c)
			return SK_OK;
		char *cp = ld_sub(L, vp, "CustomResponse");
		int64_t code = 0;
		const char *key = NULL;
		TRY(ld_get_int(L, c, cp, "ResponseCode", true, 200, 599, &code));
		act->response_code = (int)code;
		TRY(ld_get_str(L, c, cp, "CustomResponseBodyKey", false, &key));
		if (key && !(act->body = find_body(L->bodies, L->nbodies, key)))
			return ld_fail(L, ld_sub(L, cp, "CustomResponseBodyKey"),
			               "no custom response body \"%s\" in CustomResponseBodies",
			               key);
		TRY(ld_get_arr(L, c, cp, "ResponseHeaders", false, &arr));
		return load_headers_list(L, arr, ld_sub(L, cp, "ResponseHeaders"),
		                         &act->response_headers, &act->nresponse_headers);
	}
	TRY(ld_get_obj(L, v, vp, "CustomRequestHandling", false, &c));
	if (!c)
		return SK_OK;
	char *cp = ld_sub(L, vp, "CustomRequestHandling");
	TRY(ld_get_arr(L, c, cp, "InsertHeaders", true, &arr));
	return load_headers_list(L, arr, ld_sub(L, cp, "InsertHeaders"), &act->insert_headers,
	                         &act->ninsert_headers);
}

static sk_status load_bodies(loader *L, json_t *o, const char *path, sk_body **out, size_t *nout)
{
	json_t *b;
	TRY(ld_get_obj(L, o, path, "CustomResponseBodies", false, &b));
	*out = NULL;
	*nout = 0;
	if (!b)
		return SK_OK;
	char *bp = ld_sub(L, path, "CustomResponseBodies");
	size_t n = json_object_size(b), i = 0;
	sk_body *v = sk_arena_calloc(L->a, (n ? n : 1) * sizeof *v);
	if (!v)
		return ld_nomem(L);
	const char *k;
	json_t *e;
	json_object_foreach(b, k, e)
	{
		char *ep = ld_sub(L, bp, k);
		if (!json_is_object(e))
			return ld_fail(L, ep, "expected an object {ContentType, Content}");
		static const char *const types[] = {"TEXT_PLAIN", "TEXT_HTML", "APPLICATION_JSON",
		                                    NULL};
		static const char *const mime[] = {"text/plain", "text/html", "application/json"};
		int t = 0;
		const char *content;
		TRY(ld_get_enum(L, e, ep, "ContentType", true, types, &t));
		TRY(ld_get_str(L, e, ep, "Content", true, &content));
		v[i].key = ld_dupstr(L, k);
		v[i].content_type = mime[t];
		v[i].content = ld_dupstr(L, content);
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
	char *rp = ld_idx(L, ap, i);
	sk_rule *rule = &rules[i];
	const char *name;
	if (!json_is_object(r))
		return ld_fail(L, rp, "expected a rule object, found %s", ld_type_name(r));
	TRY(ld_get_str(L, r, rp, "Name", true, &name));
	if (!*name || strlen(name) > 128)
		return ld_fail(L, ld_sub(L, rp, "Name"), "expected a name of 1 to 128 characters");
	rule->name = ld_dupstr(L, name);
	rule->path = rp;
	const char *desc = NULL;
	TRY(ld_get_str(L, r, rp, "Description", false, &desc));
	rule->description = desc ? ld_dupstr(L, desc) : NULL;
	TRY(ld_get_int(L, r, rp, "Priority", true, 0, INT32_MAX, &rule->priority));
	for (size_t j = 0; j < i; j++) {
		if (!rules[j].name) /* a rule that failed to load */
			continue;
		if (rules[j].priority == rule->priority)
			return ld_fail(L, ld_sub(L, rp, "Priority"),
			               "priority %" PRId64 " is also used by rule \"%s\"",
			               rule->priority, rules[j].name);
		if (strcmp(rules[j].name, rule->name) == 0)
			return ld_fail(L, ld_sub(L, rp, "Name"), "rule name \"%s\" is used twice",
			               name);
	}
	TRY(ld_get_obj(L, r, rp, "Statement", true, &so));
	TRY(load_stmt(L, so, ld_sub(L, rp, "Statement"), in_group, &rule->stmt));
	TRY(ld_get_obj(L, r, rp, "Action", false, &ao));
	TRY(ld_get_obj(L, r, rp, "OverrideAction", false, &oo));
	if (is_group_stmt(rule->stmt)) {
		if (ao)
			return ld_fail(L, ld_sub(L, rp, "Action"),
			               "a rule group statement takes "
			               "OverrideAction, not Action");
		if (!oo)
			return ld_fail(L, ld_sub(L, rp, "OverrideAction"),
			               "required for a rule group statement: {\"None\": {}} or "
			               "{\"Count\": {}}");
		static const char *const ov[] = {"None", "Count", NULL};
		int which;
		json_t *v;
		TRY(ld_one_of(L, oo, ld_sub(L, rp, "OverrideAction"), "override action", ov, &which,
		              &v));
		rule->override_count = which == 1;
	} else {
		if (oo)
			return ld_fail(
			    L, ld_sub(L, rp, "OverrideAction"),
			    "only rule group statements take OverrideAction; use Action");
		if (!ao)
			return ld_fail(L, ld_sub(L, rp, "Action"),
			               "required, expected an action such as "
			               "{\"Block\": {}}");
		rule->has_action = true;
		TRY(load_action(L, ao, ld_sub(L, rp, "Action"), &rule->action));
	}
	TRY(ld_get_arr(L, r, rp, "RuleLabels", false, &lab));
	size_t nl = json_array_size(lab);
	if (nl) {
		rule->labels = sk_arena_alloc(L->a, nl * sizeof *rule->labels);
		if (!rule->labels)
			return ld_nomem(L);
		for (size_t j = 0; j < nl; j++) {
			json_t *l = json_array_get(lab, j);
			char *lp = ld_idx(L, ld_sub(L, rp, "RuleLabels"), j);
			const char *ln;
			if (!json_is_object(l))
				return ld_fail(L, lp, "expected an object {Name}");
			TRY(ld_get_str(L, l, lp, "Name", true, &ln));
			if (!label_ok(ln, false))
				return ld_fail(L, ld_sub(L, lp, "Name"),
				               "expected a label: letters, "
				               "digits, _ - and ':' between parts");
			rule->labels[j] = ld_dupstr(L, ln);
		}
		rule->nlabels = nl;
	}
	return SK_OK;
}

static sk_status load_rules(loader *L, json_t *o, const char *path, bool in_group, sk_rule **out,
                            size_t *nout)
{
	json_t *arr;
	TRY(ld_get_arr(L, o, path, "Rules", !in_group, &arr));
	char *ap = ld_sub(L, path, "Rules");
	size_t n = json_array_size(arr);
	sk_rule *rules = sk_arena_calloc(L->a, (n ? n : 1) * sizeof *rules);
	if (!rules)
		return ld_nomem(L);
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
		return ld_fail(L, path, "expected a RuleGroup object");
	sk_group *g = sk_arena_calloc(L->a, sizeof *g);
	if (!g)
		return ld_nomem(L);
	const char *name, *arn = NULL, *id = NULL, *ns = NULL, *version = NULL;
	TRY(ld_get_str(L, body, path, "Name", true, &name));
	TRY(ld_get_str(L, body, path, "ARN", false, &arn));
	TRY(ld_get_str(L, body, path, "Id", false, &id));
	TRY(ld_get_str(L, body, path, "LabelNamespace", false, &ns));
	TRY(ld_get_str(L, body, path, "Version", false, &version));
	TRY(ld_get_int(L, body, path, "Capacity", !managed, 1, 5000, &g->capacity));
	g->name = ld_dupstr(L, name);
	g->arn = arn ? ld_dupstr(L, arn) : NULL;
	g->id = id ? ld_dupstr(L, id) : NULL;
	g->version = version ? ld_dupstr(L, version) : NULL;
	g->managed = managed;
	if (ns) {
		if (!label_ok(ns, true))
			return ld_fail(L, ld_sub(L, path, "LabelNamespace"),
			               "expected a namespace ending with ':'");
		g->label_ns = ld_dupstr(L, ns);
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
	doc_ctx saved = ld_save_ctx(L);
	L->file = file;
	L->wrapped = wrapped;
	sk_status st = load_group_body(L, body, path, managed, out);
	ld_restore_ctx(L, &saved);
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
	TRY(ld_get_obj(L, o, "", "AssociationConfig", false, &ac));
	if (!ac)
		return SK_OK;
	TRY(ld_get_obj(L, ac, "AssociationConfig", "RequestBody", false, &rb));
	if (!rb)
		return SK_OK;
	/* One limit per resource type in AWS; sekisho fronts one app, so the
	 * largest configured limit applies. */
	size_t best = 0;
	const char *k;
	json_t *v;
	json_object_foreach(rb, k, v)
	{
		char *p = ld_sub(L, ld_sub(L, "AssociationConfig", "RequestBody"), k);
		const char *lim;
		if (!json_is_object(v))
			return ld_fail(L, p, "expected an object {DefaultSizeInspectionLimit}");
		TRY(ld_get_str(L, v, p, "DefaultSizeInspectionLimit", true, &lim));
		size_t b = size_limit(lim);
		if (!b)
			return ld_fail(L, ld_sub(L, p, "DefaultSizeInspectionLimit"),
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
		return ld_fail(L, "", "expected a web ACL object, found %s", ld_type_name(root));
	json_t *w = json_object_get(root, "WebACL");
	if (w) {
		if (!json_is_object(w))
			return ld_fail(L, "WebACL", "expected an object");
		o = w;
		path = "WebACL";
		L->wrapped = true;
		acl->wrapped = true;
	}
	const char *name, *id = NULL, *arn = NULL, *ns = NULL;
	TRY(ld_get_str(L, o, path, "Name", true, &name));
	TRY(ld_get_str(L, o, path, "Id", false, &id));
	TRY(ld_get_str(L, o, path, "ARN", false, &arn));
	TRY(ld_get_str(L, o, path, "LabelNamespace", false, &ns));
	acl->name = ld_dupstr(L, name);
	acl->id = id ? ld_dupstr(L, id) : NULL;
	acl->arn = arn ? ld_dupstr(L, arn) : NULL;
	if (ns && !label_ok(ns, true))
		return ld_fail(L, ld_sub(L, path, "LabelNamespace"),
		               "expected a namespace ending with ':'");
	acl->label_ns =
	    ns ? ld_dupstr(L, ns)
	       : sk_arena_printf(L->a, "awswaf:%s:webacl:%s:", arn_account(L, arn), name);
	L->label_ns = acl->label_ns;
	TRY(load_bodies(L, o, path, &acl->bodies, &acl->nbodies));
	L->bodies = acl->bodies;
	L->nbodies = acl->nbodies;
	TRY(ld_get_obj(L, o, path, "DefaultAction", true, &da));
	TRY(load_action(L, da, ld_sub(L, path, "DefaultAction"), &acl->default_action));
	if (acl->default_action.type != SK_ACT_ALLOW && acl->default_action.type != SK_ACT_BLOCK)
		return ld_fail(L, ld_sub(L, path, "DefaultAction"), "expected Allow or Block");
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
		ld_warn(&L,
		        "warning: IP lists not found in %s: %s; they load empty (fetch them with "
		        "`sekisho lists update`)",
		        L.opt->lists_dir ? L.opt->lists_dir : SK_LISTS_DIR_DEFAULT,
		        L.missing_lists);
	if (st == SK_OK && !acl->wrapped && L.search_strings > 0 &&
	    L.search_b64_printable == L.search_strings && L.opt->search_encoding == SK_SEARCH_AUTO)
		ld_warn(
		    &L,
		    "%s: every SearchString decodes as base64 to printable text, but this document "
		    "is not wrapped as the AWS CLI prints it, so they are read as plain text; if "
		    "they are base64, use --search-string-encoding base64",
		    name);
	ld_docs_free(&L);
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

sk_status ld_check_regex(loader *L, const char *path, const char *re)
{
	if (!*re)
		return ld_fail(L, path, "expected a non-empty regular expression");
	if (strlen(re) > 512)
		return ld_fail(L, path, "at most 512 characters (AWS's limit)");
	int code;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!c) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		return ld_fail(L, path, "invalid regular expression at offset %zu: %s", (size_t)off,
		               (char *)msg);
	}
	pcre2_code_free(c);
	return SK_OK;
}
