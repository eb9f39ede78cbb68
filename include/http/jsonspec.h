/* jsonspec.h: declarative parsing of a JSON object against a field list.
 * One helper checks presence, types, lengths and unknown fields, and names the
 * failing field in its error, so handlers do not repeat validation code. */
#ifndef CADENCE_JSONSPEC_H
#define CADENCE_JSONSPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef enum { JS_STRING, JS_INT, JS_NUMBER, JS_BOOL, JS_OBJECT, JS_ARRAY } json_kind;

enum {
  JS_REQUIRED = 1, /* absent -> 422 missing_field */
  JS_NULLABLE = 2, /* null accepted (string out becomes NULL) */
};

typedef struct json_field {
  const char *name;
  json_kind kind;
  unsigned flags;
  size_t max_len;  /* strings: maximum bytes (0 = 1000) */
  void *out;       /* const char ** | long long * | double * | bool * | json_t ** (borrowed) */
  bool *present;   /* optional: set true when the key exists (null included) */
} json_field;

/* Checks obj against spec (terminated by a {NULL} entry); prefix names nested fields ("consents."). */
bool jsonspec_parse(json_t *obj, const json_field *spec, const char *prefix, cad_error *err);

#endif
