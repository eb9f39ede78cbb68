/* imports.c: POST /v1/imports/treatments (a streamed CSV), GET and DELETE
 * /v1/imports/{id}. */
#include <strings.h>

#include "api.h"
#include "imports.h"

static bool is_csv(const char *ct) {
  return ct && (strncasecmp(ct, "text/csv", 8) == 0 || strncasecmp(ct, "application/csv", 15) == 0);
}

static void abort_upload(http_req *r) {
  imports_upload_abort(r->stream_state);
  r->stream_state = NULL;
  r->stream_abort = NULL;
}

bool imports_stream(http_req *r, const char *data, size_t len) {
  cad_error err;
  if (!r->stream_state) {
    charset cs;
    if (!is_csv(http_header(r, "Content-Type"))) {
      cad_fail(&err, "unsupported_media_type", NULL, "the body must be text/csv");
      http_reply_error(r, &err);
      return false;
    }
    if (!charset_of(http_header(r, "Content-Type"), &cs)) {
      cad_fail(&err, "unsupported_media_type", "charset",
               "the charset must be utf-8, windows-1252 or iso-8859-1");
      http_reply_error(r, &err);
      return false;
    }
    if (!(r->stream_state = imports_upload_begin(r->db, r->who.practice_id, cs, &err))) {
      http_reply_error(r, &err);
      return false;
    }
    r->stream_abort = abort_upload;
  }
  if (imports_upload_feed(r->stream_state, data, len, &err))
    return true;
  abort_upload(r);
  http_reply_error(r, &err);
  return false;
}

void imports_post(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (!r->stream_state) { /* no body at all */
    if (!is_csv(http_header(r, "Content-Type")))
      cad_fail(&err, "unsupported_media_type", NULL, "the body must be text/csv");
    else
      cad_fail(&err, "invalid_value", "header", "the CSV is empty: a header line is required");
    http_reply_error(r, &err);
    return;
  }
  import_upload *u = r->stream_state;
  r->stream_state = NULL;
  r->stream_abort = NULL;
  if (api_check(r, imports_upload_finish(u, &out, &err), &err))
    http_reply_json(r, 202, out);
}

void imports_get_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, imports_get(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}

void imports_delete_one(http_req *r) {
  cad_error err;
  json_t *out = NULL;
  if (api_check(r, imports_cancel(r->db, r->who.practice_id, r->params[0], &out, &err), &err))
    http_reply_json(r, 200, out);
}
