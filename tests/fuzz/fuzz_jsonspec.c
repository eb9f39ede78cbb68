/* The JSON a client sends: jansson's parser as http.c calls it, then the
 * field-spec parser against a spec of every kind (nested object, nullable,
 * required, lengths). An error always names a field or the body, with a 4xx. */
#include <jansson.h>

#include "fuzz.h"
#include "jsonspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t jerr;
  json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
  if (!body)
    return 0;
  const char *name = NULL, *note = NULL;
  long long units = 0;
  double ml = 0;
  bool flag = false, has_note = false;
  json_t *consents = NULL, *items = NULL;
  json_field spec[] = {{"name", JS_STRING, JS_REQUIRED, 200, &name, NULL},
                       {"note", JS_STRING, JS_NULLABLE, 0, &note, &has_note},
                       {"units", JS_INT, 0, 0, &units, NULL},
                       {"volume_ml", JS_NUMBER, 0, 0, &ml, NULL},
                       {"paused", JS_BOOL, 0, 0, &flag, NULL},
                       {"consents", JS_OBJECT, 0, 0, &consents, NULL},
                       {"items", JS_ARRAY, 0, 0, &items, NULL},
                       {NULL, 0, 0, 0, NULL, NULL}};
  cad_error err;
  if (jsonspec_parse(body, spec, NULL, &err)) {
    FUZZ_ASSERT(name && strlen(name) <= 200);
    if (consents) {
      bool sms = false;
      json_field inner[] = {{"sms", JS_BOOL, 0, 0, &sms, NULL}, {NULL, 0, 0, 0, NULL, NULL}};
      if (!jsonspec_parse(consents, inner, "consents.", &err))
        FUZZ_ASSERT(err.status >= 400 && err.status < 500 && strncmp(err.field, "consents.", 9) == 0);
    }
  } else {
    FUZZ_ASSERT(err.status >= 400 && err.status < 500 && err.code[0]);
  }
  json_decref(body);
  return 0;
}
