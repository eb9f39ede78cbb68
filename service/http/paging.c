/* paging.c: keyset pagination: stable under inserts, no OFFSET scans. */
#include "paging.h"

#include <stdio.h>
#include <string.h>

#include "validate.h"

bool paging_cursor(db_conn *c, const db_stmt *check, const char *practice_id, const char *cursor,
                   page_cursor *out, cad_error *err) {
  out->micros = out->uuid = NULL;
  if (!cursor)
    return true;
  const char *dot = strchr(cursor, '.');
  size_t n = dot ? (size_t)(dot - cursor) : 0;
  bool ok = dot && n > 0 && n < sizeof out->micros_buf && valid_uuid(dot + 1);
  if (ok) {
    memcpy(out->micros_buf, cursor, n);
    out->micros_buf[n] = 0;
    ok = valid_int64(out->micros_buf, true, NULL); /* microseconds since 1970, before it for old visits */
  }
  if (ok) {
    snprintf(out->uuid_buf, sizeof out->uuid_buf, "%s", dot + 1);
    const char *p[] = {practice_id, out->uuid_buf, out->micros_buf};
    db_result *r = db_exec(c, check, 3, p, err);
    if (!r)
      return false;
    ok = db_rows(r) == 1;
    db_free(r);
  }
  if (!ok)
    return cad_fail(err, "invalid_query", "cursor", "'cursor' is not a cursor this API returned");
  out->micros = out->micros_buf;
  out->uuid = out->uuid_buf;
  return true;
}

const char *paging_limit(int limit, char buf[12]) {
  snprintf(buf, 12, "%d", limit + 1);
  return buf;
}

json_t *paging_page(db_result *r, int limit) {
  int rows = db_rows(r), shown = rows > limit ? limit : rows;
  json_t *data = json_array();
  for (int i = 0; i < shown; i++)
    json_array_append_new(data, db_json(r, i, 0));
  json_t *next = rows > limit ? json_string(db_text(r, shown - 1, 1)) : json_null();
  db_free(r);
  return json_pack("{s:o,s:o}", "data", data, "next_cursor", next);
}
