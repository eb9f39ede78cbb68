/* jsonspec.c: the one JSON field-spec parser. Strings are valid UTF-8 without
 * NUL bytes: jansson refuses both while parsing (no JSON_ALLOW_NUL). */
#include "jsonspec.h"

#include <stdio.h>
#include <string.h>

static const char *kind_name(json_kind k) {
  switch (k) {
  case JS_STRING: return "a string";
  case JS_INT: return "an integer";
  case JS_NUMBER: return "a number";
  case JS_BOOL: return "a boolean";
  case JS_OBJECT: return "an object";
  case JS_ARRAY: return "an array";
  }
  return "?";
}

static bool kind_matches(json_kind k, const json_t *v) {
  switch (k) {
  case JS_STRING: return json_is_string(v);
  case JS_INT: return json_is_integer(v);
  case JS_NUMBER: return json_is_number(v);
  case JS_BOOL: return json_is_boolean(v);
  case JS_OBJECT: return json_is_object(v);
  case JS_ARRAY: return json_is_array(v);
  }
  return false;
}

static void store(const json_field *f, json_t *v) {
  if (!f->out)
    return;
  switch (f->kind) {
  case JS_STRING: *(const char **)f->out = v ? json_string_value(v) : NULL; break;
  case JS_INT: if (v) *(long long *)f->out = json_integer_value(v); break;
  case JS_NUMBER: if (v) *(double *)f->out = json_number_value(v); break;
  case JS_BOOL: if (v) *(bool *)f->out = json_is_true(v); break;
  case JS_OBJECT:
  case JS_ARRAY: *(json_t **)f->out = v; break;
  }
}

bool jsonspec_parse(json_t *obj, const json_field *spec, const char *prefix, cad_error *err) {
  char name[96];
  if (!json_is_object(obj)) {
    if (!prefix || !*prefix)
      return cad_fail(err, "invalid_body", NULL, "the request body must be a JSON object");
    snprintf(name, sizeof name, "%.*s", (int)strlen(prefix) - 1, prefix); /* drop the '.' */
    return cad_fail(err, "wrong_type", name, "'%s' must be an object", name);
  }
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    const json_field *f = spec;
    while (f->name && strcmp(f->name, key) != 0)
      f++;
    if (!f->name) {
      snprintf(name, sizeof name, "%s%s", prefix ? prefix : "", key);
      return cad_fail(err, "unknown_field", name, "unknown field '%s'", name);
    }
  }
  for (const json_field *f = spec; f->name; f++) {
    snprintf(name, sizeof name, "%s%s", prefix ? prefix : "", f->name);
    v = json_object_get(obj, f->name);
    if (f->present)
      *f->present = v != NULL;
    if (!v) {
      if (f->flags & JS_REQUIRED)
        return cad_fail(err, "missing_field", name, "'%s' is required", name);
      continue;
    }
    if (json_is_null(v)) {
      if (!(f->flags & JS_NULLABLE))
        return cad_fail(err, "wrong_type", name, "'%s' must not be null", name);
      store(f, NULL);
      continue;
    }
    if (!kind_matches(f->kind, v))
      return cad_fail(err, "wrong_type", name, "'%s' must be %s", name, kind_name(f->kind));
    if (f->kind == JS_STRING) {
      size_t max = f->max_len ? f->max_len : 1000;
      size_t len = json_string_length(v);
      if (len > max)
        return cad_fail(err, "invalid_value", name, "'%s' is longer than %zu bytes", name, max);
    }
    store(f, v);
  }
  return true;
}
