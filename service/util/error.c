/* error.c: filling the error type. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

bool cad_fail(cad_error *err, int status, const char *code, const char *field,
              const char *fmt, ...) {
  if (!err)
    return false;
  err->status = status;
  err->code = code;
  err->retry_after_s = 0;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return false;
}
