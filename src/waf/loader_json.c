/* The loader's messages and typed JSON getters: every complaint carries the
 * file and the JSON path of the value. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "waf/loader_int.h"

static sk_status ld_failv(loader *L, const char *path, const char *fmt, va_list ap) SK_PRINTF(3, 0);
static sk_status ld_failv(loader *L, const char *path, const char *fmt, va_list ap)
{
	char msg[SK_ERROR_MSG_MAX];
	vsnprintf(msg, sizeof msg, fmt, ap);
	return sk_fail(L->err, SK_E_INVALID, "%s: %s%s%s", L->file, path ? path : "",
	               path && *path ? ": " : "", msg);
}

sk_status ld_fail(loader *L, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_status st = ld_failv(L, path, fmt, ap);
	va_end(ap);
	return st;
}

void ld_warn(loader *L, const char *fmt, ...)
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

sk_status ld_nomem(loader *L)
{
	return sk_fail(L->err, SK_E_NOMEM, "%s: out of memory", L->file);
}

char *ld_sub(loader *L, const char *path, const char *key)
{
	return sk_arena_printf(L->a, "%s%s%s", path, *path ? "." : "", key);
}

char *ld_idx(loader *L, const char *path, size_t i)
{
	return sk_arena_printf(L->a, "%s[%zu]", path, i);
}

char *ld_dupstr(loader *L, const char *s)
{
	return sk_arena_strndup(L->a, s, strlen(s));
}

const char *ld_type_name(const json_t *v)
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
const char *ld_cstr(const json_t *v)
{
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

sk_status ld_get_obj(loader *L, json_t *o, const char *path, const char *key, bool required,
                     json_t **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v) {
		if (required)
			return ld_fail(L, ld_sub(L, path, key), "required, expected an object");
		return SK_OK;
	}
	if (!json_is_object(v))
		return ld_fail(L, ld_sub(L, path, key), "expected an object, found %s",
		               ld_type_name(v));
	*out = v;
	return SK_OK;
}

sk_status ld_get_arr(loader *L, json_t *o, const char *path, const char *key, bool required,
                     json_t **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v) {
		if (required)
			return ld_fail(L, ld_sub(L, path, key), "required, expected an array");
		return SK_OK;
	}
	if (!json_is_array(v))
		return ld_fail(L, ld_sub(L, path, key), "expected an array, found %s",
		               ld_type_name(v));
	*out = v;
	return SK_OK;
}

/* Strings from config must be text: jansson already refuses invalid UTF-8,
 * we refuse NULs since names and patterns are C strings downstream. */
sk_status ld_get_str(loader *L, json_t *o, const char *path, const char *key, bool required,
                     const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v) {
		if (required)
			return ld_fail(L, ld_sub(L, path, key), "required, expected a string");
		return SK_OK;
	}
	if (!json_is_string(v))
		return ld_fail(L, ld_sub(L, path, key), "expected a string, found %s",
		               ld_type_name(v));
	if (!ld_cstr(v))
		return ld_fail(L, ld_sub(L, path, key), "a NUL character is not allowed here");
	*out = ld_cstr(v);
	return SK_OK;
}

sk_status ld_get_int(loader *L, json_t *o, const char *path, const char *key, bool required,
                     int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v) {
		if (required)
			return ld_fail(L, ld_sub(L, path, key), "required, expected an integer");
		return SK_OK;
	}
	if (!json_is_integer(v))
		return ld_fail(L, ld_sub(L, path, key), "expected an integer, found %s",
		               ld_type_name(v));
	json_int_t x = json_integer_value(v);
	if (x < lo || x > hi)
		return ld_fail(L, ld_sub(L, path, key),
		               "expected an integer from %" PRId64 " to %" PRId64
		               ", found %" JSON_INTEGER_FORMAT,
		               lo, hi, x);
	*out = x;
	return SK_OK;
}

/* One of a fixed set of words; *out is its index. */
sk_status ld_get_enum(loader *L, json_t *o, const char *path, const char *key, bool required,
                      const char *const *words, int *out)
{
	const char *s;
	TRY(ld_get_str(L, o, path, key, required, &s));
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
	return ld_fail(L, ld_sub(L, path, key), "expected one of %s, found \"%s\"", list, s);
}

/* An object that must have exactly one of the given keys; the key's index
 * goes to *which and its value to *val. */
sk_status ld_one_of(loader *L, json_t *o, const char *path, const char *what,
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
			return ld_fail(L, path, "unknown %s \"%s\" (expected one of %s)", what, k,
			               list);
		}
		if (*which >= 0)
			return ld_fail(L, path, "expected exactly one %s, found both %s and %s",
			               what, keys[*which], k);
		*which = found;
		*val = v;
	}
	if (*which < 0)
		return ld_fail(L, path, "expected one %s, found none", what);
	return SK_OK;
}
