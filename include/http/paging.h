/* paging.h: cursor pagination shared by every list. A cursor reads
 * "<sort time in epoch microseconds>.<row uuid>"; list queries return the
 * row's JSON in column 0 and its cursor in column 1, fetching limit + 1 rows
 * so the extra one tells whether a next page exists. */
#ifndef CADENCE_PAGING_H
#define CADENCE_PAGING_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* A parsed cursor: NULL members when the request had none. */
typedef struct page_cursor {
  char micros_buf[24], uuid_buf[37];
  const char *micros, *uuid;
} page_cursor;

/* Parses cursor (NULL: first page) and checks with check ($1 practice, $2 uuid,
 * $3 micros) that it names a row of the practice; 400 naming "cursor" otherwise. */
bool paging_cursor(db_conn *conn, const db_stmt *check, const char *practice_id, const char *cursor,
                   page_cursor *out, cad_error *err);

/* Writes limit + 1 into buf (the LIMIT to query with). */
const char *paging_limit(int limit, char buf[12]);

/* {"data": [first limit rows], "next_cursor": cursor of the last shown row or null}; clears r. */
json_t *paging_page(db_result *r, int limit);

#endif
