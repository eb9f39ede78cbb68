/* analytics.h: a practice's retention and loyalty figures, computed in
 * PostgreSQL from retention_visits (kept current by triggers; the README's
 * "Retention analytics" defines every figure exactly as computed), and the CSV
 * form of the retention figures. */
#ifndef CADENCE_ANALYTICS_H
#define CADENCE_ANALYTICS_H

#include <jansson.h>
#include <stdbool.h>

#include "db.h"

/* The query parameters; NULL when absent. from and to are local dates, both included; to defaults to
 * today and from to 364 days before to. group_by is "type", "month", "tier" or NULL. */
typedef struct analytics_query {
  const char *from, *to, *treatment_type, *injector_id, *group_by;
  const char *tier; /* the tier the clients had at their visits ("none": recorded before tiers were kept) */
} analytics_query;

/* Opens the request's transaction holding one of the practice's `per_practice` analytics slots
 * (transaction-scoped advisory locks: they hold across replicas and end with the transaction), so that
 * one practice's heavy reports cannot take the whole pool from the others. 429 with Retry-After when
 * all are taken. analytics_slot_end commits, or rolls back after a failure. */
bool analytics_slot_begin(db_conn *conn, const char *practice_id, int per_practice, cad_error *err);
void analytics_slot_end(db_conn *conn, bool ok);

/* {from, to, treatment_type, injector_id, group_by, rows: [...]}. 400 naming a bad parameter,
 * 404 for a type or injector the practice does not have. */
bool analytics_retention(db_conn *conn, const char *practice_id, const analytics_query *q, json_t **out,
                         cad_error *err);

/* {from, to, members, active_members, dormant_members, tiers, points..., perks..., safety_check...}. */
bool analytics_loyalty(db_conn *conn, const char *practice_id, const char *from, const char *to, json_t **out,
                       cad_error *err);

/* The rows of an analytics_retention reply as CSV (RFC 4180): a header of the row's keys, then one line
 * per row, the same values as the JSON (null is empty). The caller frees it. */
char *analytics_retention_csv(const json_t *retention);

#endif
