/* error.c: the registry of error codes, and filling the error type. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const error_kind ERROR_KINDS[] = {
    {"malformed_json", 400, "the body is not JSON"},
    {"invalid_body", 400, "the body is JSON of the wrong shape (not an object, or not the array expected)"},
    {"unknown_field", 400, "the body holds a field the endpoint does not take"},
    {"invalid_query", 400, "a query parameter is malformed (not UTF-8 text, not a number, out of range)"},
    {"invalid_header", 400, "a header is malformed (Idempotency-Key, Content-Length)"},
    {"malformed_form", 400, "a form body does not decode"},
    {"missing_credentials", 401, "no Authorization bearer key"},
    {"invalid_credentials", 401, "the key is not one Cadence issued"},
    {"revoked_key", 401, "the key was revoked"},
    {"missing_signature", 401, "a webhook comes without its signature headers"},
    {"forbidden", 403, "the key's role may not call this endpoint"},
    {"cors_origin_denied", 403, "a browser preflight from an origin not in CORS_ORIGINS"},
    {"invalid_signature", 403, "a webhook's signature does not match"},
    {"stale_request", 403, "a webhook's timestamp is outside the replay window"},
    {"webhooks_not_configured", 403, "the provider's verification secret is not set on this server"},
    {"not_found", 404, "no such endpoint or resource (another practice's data included)"},
    {"method_not_allowed", 405, "the path exists, the method does not"},
    {"conflict", 409, "the request conflicts with what exists (a taken external id, a state that forbids it)"},
    {"idempotency_key_reused", 409, "the Idempotency-Key was used with another request"},
    {"idempotency_key_in_use", 409, "the first request with this Idempotency-Key is still running"},
    {"insufficient_points", 409, "the client's balance does not cover the redemption"},
    {"insufficient_credit", 409, "the membership's credit does not cover the use"},
    {"no_active_membership", 409, "the client has no active membership"},
    {"payload_too_large", 413, "the body is over the limit"},
    {"unsupported_media_type", 415, "the body's Content-Type (or charset) is not one the endpoint reads"},
    {"missing_field", 422, "a required field is missing"},
    {"wrong_type", 422, "a field has the wrong JSON type"},
    {"invalid_value", 422, "a field's value is not acceptable (format, range, a reference that does not exist)"},
    {"over_redemption_cap", 422, "the redemption is over the program's share of the ticket"},
    {"analytics_busy", 429, "the practice already runs ANALYTICS_CONCURRENCY analytics calls"},
    {"internal", 500, "a fault of the server"},
    {"migration_denied", 500, "the role may not change the schema (start-up)"},
    {"secrets_key", 500, "stored secrets open with neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS (start-up)"},
    {"database_unavailable", 503, "the database is unreachable"},
    {"busy", 503, "every database connection is in use"},
    {"statement_timeout", 503, "a statement ran past DB_STATEMENT_TIMEOUT_MS"},
    {"migrations_pending", 503, "the schema is not current"},
    {"secret_unreadable", 503, "the practice's stored webhook secret does not open with SECRETS_KEY"},
};
const size_t ERROR_KIND_COUNT = sizeof ERROR_KINDS / sizeof ERROR_KINDS[0];

static int status_of(const char *code) {
  for (size_t i = 0; i < ERROR_KIND_COUNT; i++)
    if (strcmp(ERROR_KINDS[i].code, code) == 0)
      return ERROR_KINDS[i].status;
  return 500;
}

bool cad_fail(cad_error *err, const char *code, const char *field, const char *fmt, ...) {
  if (!err)
    return false;
  err->status = status_of(code);
  err->code = code;
  err->retry_after_s = 0;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return false;
}
