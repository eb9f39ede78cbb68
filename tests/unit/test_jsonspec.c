/* The declarative JSON parser: types, presence, nulls, unknown fields, lengths. */
#include "check.h"
#include "jsonspec.h"

static bool parse(const char *text, const json_field *spec, cad_error *err) {
  json_t *j = json_loads(text, 0, NULL);
  bool ok = jsonspec_parse(j, spec, NULL, err);
  json_decref(j);
  return ok;
}

void test_jsonspec(void) {
  const char *name = NULL;
  long long n = 0;
  bool flag = false, name_present = false;
  json_field spec[] = {{"name", JS_STRING, JS_REQUIRED | JS_NULLABLE, 5, &name, &name_present},
                       {"n", JS_INT, 0, 0, &n, NULL},
                       {"flag", JS_BOOL, 0, 0, &flag, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  cad_error err;
  json_t *j = json_loads("{\"name\":\"ana\",\"n\":7,\"flag\":true}", 0, NULL);
  CHECK(jsonspec_parse(j, spec, NULL, &err));
  CHECK_STR(name, "ana");
  CHECK(n == 7 && flag && name_present);
  json_decref(j);

  CHECK(!parse("{\"n\":1}", spec, &err) && err.status == 422);
  CHECK_STR(err.code, "missing_field");
  CHECK_STR(err.field, "name");

  CHECK(!parse("{\"name\":\"a\",\"extra\":1}", spec, &err) && err.status == 400);
  CHECK_STR(err.code, "unknown_field");
  CHECK_STR(err.field, "extra");

  CHECK(!parse("{\"name\":\"a\",\"n\":\"7\"}", spec, &err));
  CHECK_STR(err.code, "wrong_type");
  CHECK_STR(err.field, "n");

  CHECK(!parse("{\"name\":\"toolong\"}", spec, &err));
  CHECK_STR(err.code, "invalid_value");

  CHECK(parse("{\"name\":null}", spec, &err)); /* nullable */
  CHECK(name == NULL);

  CHECK(!parse("{\"name\":\"a\",\"flag\":null}", spec, &err));
  CHECK_STR(err.field, "flag");

  CHECK(!parse("[1,2]", spec, &err) && err.status == 400);
  CHECK_STR(err.code, "invalid_body");

  json_field nested[] = {{"x", JS_INT, JS_REQUIRED, 0, NULL, NULL}, {NULL, 0, 0, 0, NULL, NULL}};
  j = json_loads("{}", 0, NULL);
  CHECK(!jsonspec_parse(j, nested, "consents.", &err));
  CHECK_STR(err.field, "consents.x");
  json_decref(j);
}
