/* The resources folder (IP sets, regex pattern sets and rule groups as the
 * AWS CLI prints them, indexed by ARN, Id and Name) and sekisho's lists. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/iplist.h"
#include "waf/ipaddr.h"
#include "waf/loader_int.h"

/* ---- resources folder ---- */

void ld_docs_free(loader *L)
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
			st = ld_nomem(L);
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
			st = ld_nomem(L);
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
sk_status ld_find_res(loader *L, const char *path, int kind, const char *ref, res_doc **out)
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
			if (want && ld_cstr(v) && strcmp(ld_cstr(v), want) == 0) {
				*out = d;
				return SK_OK;
			}
		}
	if (!L->opt->resources_dir)
		return ld_fail(L, path,
		               "%s \"%s\" not found: no resources folder given (--resources DIR)",
		               res_kind_name(kind), ref);
	return ld_fail(L, path, "%s \"%s\" not found in %s (looked for its ARN, Id and Name)",
	               res_kind_name(kind), ref, L->opt->resources_dir);
}

static sk_status load_ip_set_body(loader *L, res_doc *d, sk_ip_set **out)
{
	const char *path = d->wrapped ? "IPSet" : "";
	sk_ip_set *s = sk_arena_calloc(L->a, sizeof *s);
	json_t *arr;
	const char *name = NULL, *arn = NULL, *id = NULL;
	if (!s)
		return ld_nomem(L);
	TRY(ld_get_str(L, d->body, path, "Name", false, &name));
	TRY(ld_get_str(L, d->body, path, "ARN", false, &arn));
	TRY(ld_get_str(L, d->body, path, "Id", false, &id));
	TRY(ld_get_arr(L, d->body, path, "Addresses", true, &arr));
	s->name = ld_dupstr(L, name ? name : "");
	s->arn = arn ? ld_dupstr(L, arn) : NULL;
	s->id = id ? ld_dupstr(L, id) : NULL;
	size_t n = json_array_size(arr);
	s->ranges = sk_arena_alloc(L->a, (n ? n : 1) * sizeof *s->ranges);
	if (!s->ranges)
		return ld_nomem(L);
	char *ap = ld_sub(L, path, "Addresses");
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		if (!ld_cstr(v) || !sk_cidr_parse(ld_cstr(v), &s->ranges[i]))
			return ld_fail(
			    L, ld_idx(L, ap, i),
			    "expected an address range in CIDR notation, /1 to /32 or /128 "
			    "(192.0.2.0/24 or 2001:db8::/32)");
	}
	s->n = n;
	sk_ip_ranges_sort(s->ranges, s->n);
	d->loaded = s;
	*out = s;
	return SK_OK;
}

sk_status ld_load_ip_set(loader *L, res_doc *d, sk_ip_set **out)
{
	if (d->loaded) {
		*out = d->loaded;
		return SK_OK;
	}
	doc_ctx saved = ld_save_ctx(L);
	L->file = d->file;
	L->wrapped = d->wrapped;
	sk_status st = load_ip_set_body(L, d, out);
	ld_restore_ctx(L, &saved);
	return st;
}

static sk_status load_regex_set_body(loader *L, res_doc *d, sk_regex_set **out)
{
	const char *path = d->wrapped ? "RegexPatternSet" : "";
	sk_regex_set *s = sk_arena_calloc(L->a, sizeof *s);
	json_t *arr;
	const char *name = NULL;
	if (!s)
		return ld_nomem(L);
	TRY(ld_get_str(L, d->body, path, "Name", false, &name));
	TRY(ld_get_arr(L, d->body, path, "RegularExpressionList", true, &arr));
	s->name = ld_dupstr(L, name ? name : "");
	size_t n = json_array_size(arr);
	char *ap = ld_sub(L, path, "RegularExpressionList");
	if (n == 0)
		return ld_fail(L, ap, "expected at least one regular expression");
	s->regexes = sk_arena_alloc(L->a, n * sizeof *s->regexes);
	if (!s->regexes)
		return ld_nomem(L);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		char *ip = ld_idx(L, ap, i);
		const char *re;
		if (!json_is_object(v))
			return ld_fail(L, ip, "expected an object {RegexString}");
		TRY(ld_get_str(L, v, ip, "RegexString", true, &re));
		TRY(ld_check_regex(L, ld_sub(L, ip, "RegexString"), re));
		s->regexes[i] = ld_dupstr(L, re);
	}
	s->n = n;
	d->loaded = s;
	*out = s;
	return SK_OK;
}

sk_status ld_load_regex_set(loader *L, res_doc *d, sk_regex_set **out)
{
	if (d->loaded) {
		*out = d->loaded;
		return SK_OK;
	}
	doc_ctx saved = ld_save_ctx(L);
	L->file = d->file;
	L->wrapped = d->wrapped;
	sk_status st = load_regex_set_body(L, d, out);
	ld_restore_ctx(L, &saved);
	return st;
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

sk_status ld_load_list(loader *L, const char *path, const char *name, sk_ip_set **out)
{
	for (size_t i = 0; i < L->nlists; i++)
		if (strcmp(L->lists[i].name, name) == 0) {
			*out = L->lists[i].set;
			return SK_OK;
		}
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return ld_fail(L, path, "expected a list name of letters, digits, - and _");
	if (L->nlists == sizeof L->lists / sizeof L->lists[0])
		return ld_fail(L, path, "too many IP lists");
	sk_ip_set *set = sk_arena_calloc(L->a, sizeof *set);
	if (!set)
		return ld_nomem(L);
	set->name = ld_dupstr(L, name);
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

/* A regex list: dir/name.txt, one regular expression a line, '#' comments. */
sk_status ld_load_regex_list(loader *L, const char *path, const char *name, sk_regex_set **out)
{
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return ld_fail(L, path, "expected a list name of letters, digits, - and _");
	sk_regex_set *set = sk_arena_calloc(L->a, sizeof *set);
	if (!set)
		return ld_nomem(L);
	set->name = ld_dupstr(L, name);
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
	sk_status st = set->regexes ? SK_OK : ld_nomem(L);
	const char *text = b.p ? (const char *)b.p : "";
	doc_ctx saved = ld_save_ctx(L);
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
			st = ld_nomem(L);
		else if (strlen(re) != line.n)
			st = ld_fail(L, where, "a NUL character is not allowed here");
		else if ((st = ld_check_regex(L, where, re)) == SK_OK)
			set->regexes[set->n++] = re;
	}
	ld_restore_ctx(L, &saved);
	sk_buf_free(&b);
	*out = set;
	return st;
}
