/* error.h: the one error type of Cadence, and the registry of its codes.
 * Code decides: a failure names a stable code (and optionally the offending
 * field) and a message; the registry owns the HTTP status each code answers
 * with, so the same situation has one code and one status everywhere, and
 * domain code never chooses a status. Every code is listed in openapi.yaml
 * (ErrorCode); a test checks both lists are the same. */
#ifndef CADENCE_ERROR_H
#define CADENCE_ERROR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cad_error {
  int status;          /* HTTP status to answer with (the code's, from the registry) */
  const char *code;    /* stable machine-readable code, e.g. "invalid_value" */
  char message[240];   /* human-readable, never contains PHI */
  char field[96];      /* offending field ("" when none) */
  int retry_after_s;   /* for 429 and 503: when to try again (Retry-After); 0: the default */
} cad_error;

/* One code of the registry. */
typedef struct error_kind {
  const char *code;
  int status;
  const char *meaning; /* when it is answered, as openapi.yaml says it */
} error_kind;

extern const error_kind ERROR_KINDS[];
extern const size_t ERROR_KIND_COUNT;

/* Fills err with code (its status from the registry; 500 for a code it lacks, which a test forbids) and
 * returns false, so callers can `return cad_fail(...)`. */
bool cad_fail(cad_error *err, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Shorthands for the common kinds. */
#define FAIL_INTERNAL(err, ...) cad_fail(err, "internal", NULL, __VA_ARGS__)
#define FAIL_VALUE(err, field, ...) cad_fail(err, "invalid_value", field, __VA_ARGS__)
#define FAIL_NOT_FOUND(err, what) cad_fail(err, "not_found", NULL, "%s not found", what)

#endif
