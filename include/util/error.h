/* error.h: the one error type of Cadence.
 * Every failure carries an HTTP status, a stable code string, a message and
 * optionally the offending field; replies render it as {"error":{...}}. */
#ifndef CADENCE_ERROR_H
#define CADENCE_ERROR_H

#include <stdbool.h>

typedef struct cad_error {
  int status;          /* HTTP status to answer with */
  const char *code;    /* stable machine-readable code, e.g. "invalid_value" */
  char message[240];   /* human-readable, never contains PHI */
  char field[96];      /* offending field ("" when none) */
  int retry_after_s;   /* for 429 and 503: when to try again (Retry-After); 0: the default */
} cad_error;

/* Fills err and returns false, so callers can `return cad_fail(...)`. */
bool cad_fail(cad_error *err, int status, const char *code, const char *field,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Shorthands for the common kinds. */
#define FAIL_INTERNAL(err, ...) cad_fail(err, 500, "internal", NULL, __VA_ARGS__)
#define FAIL_VALUE(err, field, ...) cad_fail(err, 422, "invalid_value", field, __VA_ARGS__)
#define FAIL_NOT_FOUND(err, what) cad_fail(err, 404, "not_found", NULL, "%s not found", what)

#endif
