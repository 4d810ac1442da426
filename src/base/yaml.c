#include "base/yaml.h"

#include <string.h>
#include <yaml.h>

#include "base/buf.h"

#define MAX_DEPTH 64

typedef struct reader {
	yaml_parser_t p;
	const char *name;
	sk_error *err;
	int depth;
} reader;

static sk_status parse_error(reader *r)
{
	return sk_fail(r->err, SK_E_INVALID, "%s:%zu:%zu: %s", r->name, r->p.problem_mark.line + 1,
		       r->p.problem_mark.column + 1, r->p.problem ? r->p.problem : "invalid YAML");
}

static sk_status node(reader *r, yaml_event_t *ev, json_t **out);

/* Reads events until the end of the current collection. */
static sk_status collection(reader *r, bool mapping, json_t **out)
{
	json_t *c = mapping ? json_object() : json_array();
	if (!c)
		return sk_fail(r->err, SK_E_NOMEM, "%s: out of memory", r->name);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&r->p, &ev)) {
			json_decref(c);
			return parse_error(r);
		}
		if (ev.type == (mapping ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
			yaml_event_delete(&ev);
			break;
		}
		json_t *key = NULL, *val = NULL;
		sk_status st = node(r, &ev, mapping ? &key : &val);
		yaml_event_delete(&ev);
		if (!st && mapping) {
			if (!json_is_string(key)) {
				st = sk_fail(r->err, SK_E_INVALID, "%s:%zu: expected a plain key", r->name,
					     r->p.mark.line + 1);
			} else if (json_object_get(c, json_string_value(key))) {
				st = sk_fail(r->err, SK_E_INVALID, "%s:%zu: key \"%s\" given twice", r->name,
					     r->p.mark.line + 1, json_string_value(key));
			} else if (!yaml_parser_parse(&r->p, &ev)) {
				st = parse_error(r);
			} else {
				st = node(r, &ev, &val);
				yaml_event_delete(&ev);
			}
		}
		/* jansson takes val in both calls, also when they fail. */
		if (!st && (mapping ? json_object_set_new(c, json_string_value(key), val)
				    : json_array_append_new(c, val)))
			st = sk_fail(r->err, SK_E_NOMEM, "%s: out of memory", r->name);
		else if (st)
			json_decref(val);
		json_decref(key);
		if (st) {
			json_decref(c);
			return st;
		}
	}
	*out = c;
	return SK_OK;
}

static sk_status node(reader *r, yaml_event_t *ev, json_t **out)
{
	*out = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		*out = json_stringn((const char *)ev->data.scalar.value, ev->data.scalar.length);
		return *out ? SK_OK
			    : sk_fail(r->err, SK_E_INVALID, "%s:%zu: a value is not valid UTF-8",
				      r->name, ev->start_mark.line + 1);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		if (++r->depth > MAX_DEPTH)
			return sk_fail(r->err, SK_E_INVALID, "%s:%zu: nested deeper than %d levels",
				       r->name, ev->start_mark.line + 1, MAX_DEPTH);
		sk_status st = collection(r, ev->type == YAML_MAPPING_START_EVENT, out);
		r->depth--;
		return st;
	}
	case YAML_ALIAS_EVENT:
		return sk_fail(r->err, SK_E_UNSUPPORTED, "%s:%zu: aliases (*name) are not supported",
			       r->name, ev->start_mark.line + 1);
	default:
		return sk_fail(r->err, SK_E_INVALID, "%s:%zu: unexpected YAML content", r->name,
			       ev->start_mark.line + 1);
	}
}

sk_status sk_yaml_load(const char *name, const char *text, size_t n, json_t **out, sk_error *err)
{
	reader r = {.name = name, .err = err};
	*out = NULL;
	if (!yaml_parser_initialize(&r.p))
		return sk_fail(err, SK_E_NOMEM, "%s: out of memory", name);
	yaml_parser_set_input_string(&r.p, (const unsigned char *)text, n);
	sk_status st = SK_OK;
	json_t *doc = NULL;
	for (bool done = false; !done && !st;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&r.p, &ev)) {
			st = parse_error(&r);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT: done = true; break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_SCALAR_EVENT:
			if (doc)
				st = sk_fail(err, SK_E_INVALID, "%s:%zu: one YAML document expected",
					     name, ev.start_mark.line + 1);
			else
				st = node(&r, &ev, &doc);
			break;
		default: break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&r.p);
	if (st) {
		json_decref(doc);
		return st;
	}
	*out = doc ? doc : json_object(); /* an empty file is an empty mapping */
	return *out ? SK_OK : sk_fail(err, SK_E_NOMEM, "%s: out of memory", name);
}

sk_status sk_yaml_load_file(const char *path, json_t **out, sk_error *err)
{
	sk_buf b;
	sk_buf_init(&b, SK_CAP_CONFIG_FILE);
	sk_status st = sk_buf_read_file(&b, path, err);
	if (st == SK_OK)
		st = sk_yaml_load(path, b.p ? (const char *)b.p : "", b.n, out, err);
	sk_buf_free(&b);
	return st;
}
