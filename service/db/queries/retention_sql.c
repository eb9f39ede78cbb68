/* retention_sql.c: the SQL statements of service/domain/retention.c. */
#include "retention_sql.h"

/* Relinking runs under this advisory key: shared by the upkeep job's batches, exclusive for a read's
 * catch-up, which so waits for a batch in flight instead of skipping the clients it holds. */
const db_stmt RET_JOB_KEY = {"ret_job_key",
                             "SELECT pg_advisory_xact_lock_shared(hashtextextended('cadence:retention_relink', 0))"};
const db_stmt RET_READ_KEY = {"ret_read_key",
                              "SELECT pg_advisory_xact_lock(hashtextextended('cadence:retention_relink', 0))"};
/* The oldest committed marks of any practice (another job's batch holds its own locked). */
const db_stmt RET_CLAIM_DUE = {
    "ret_claim_due", "DELETE FROM retention_pending q USING ( "
                     "  SELECT practice_id, client_id, marked_by FROM retention_pending ORDER BY marked_at LIMIT $1 "
                     "  FOR UPDATE SKIP LOCKED) d "
                     "WHERE q.practice_id = d.practice_id AND q.client_id = d.client_id AND q.marked_by = d.marked_by "
                     "RETURNING q.practice_id, q.client_id, extract(epoch FROM clock_timestamp() - q.marked_at)"};
const db_stmt RET_CLAIM_PRACTICE = {
    "ret_claim_practice",
    "DELETE FROM retention_pending q USING ( "
    "  SELECT practice_id, client_id, marked_by FROM retention_pending WHERE practice_id = $1 FOR UPDATE SKIP LOCKED) d "
    "WHERE q.practice_id = d.practice_id AND q.client_id = d.client_id AND q.marked_by = d.marked_by "
    "RETURNING q.practice_id, q.client_id, extract(epoch FROM clock_timestamp() - q.marked_at)"};
/* The clients' rows, locked by key in one order everywhere (the dispatcher's sent-message update locks
 * a client's rows the same way). A read's catch-up waits for them; the job never waits (NOWAIT: a batch
 * meeting a row a writer holds gives way at once and is tried again at the next tick), so no writer ever
 * waits behind a job that waits for it. */
#define RET_LOCK_SQL                                                                                                   \
  "SELECT 1 FROM retention_visits r JOIN unnest($1::uuid[], $2::uuid[]) c(practice_id, client_id) "                    \
  "  ON r.practice_id = c.practice_id AND r.client_id = c.client_id "                                                  \
  "ORDER BY r.practice_id, r.treatment_id, r.family FOR UPDATE OF r"
const db_stmt RET_LOCK = {"ret_lock", RET_LOCK_SQL};
const db_stmt RET_LOCK_NOWAIT = {"ret_lock_nowait", RET_LOCK_SQL " NOWAIT"};
/* What links the clients' visits: the next visit of the family, the first booking after each visit, and
 * whether a reminder's booking brought the visit (refunded visits link to nothing). retention_rebuild
 * computes the same for a whole practice; the equality test holds them together. */
const db_stmt RET_RELINK = {
    "ret_relink",
    "WITH c AS (SELECT DISTINCT practice_id, client_id FROM unnest($1::uuid[], $2::uuid[]) c(practice_id, client_id)), "
    "v AS (SELECT r.practice_id, r.client_id, r.treatment_id, r.family, r.performed_at, p.time_zone AS z, "
    "        lead(r.performed_at) OVER w AS next_visit, lag(r.performed_at) OVER w AS prev_visit "
    "      FROM c JOIN retention_visits r ON r.practice_id = c.practice_id AND r.client_id = c.client_id "
    "      JOIN practices p ON p.id = c.practice_id WHERE NOT r.refunded "
    "      WINDOW w AS (PARTITION BY r.practice_id, r.client_id, r.family ORDER BY r.performed_at, r.treatment_id)), "
    "b AS (SELECT b.practice_id, b.client_id, b.created_at, b.starts_at, b.families, "
    "        b.caused_by_step IS NOT NULL AS by_reminder "
    "      FROM c JOIN bookings b ON b.practice_id = c.practice_id AND b.client_id = c.client_id "
    "      WHERE b.state <> 'cancelled'), "
    "x AS (SELECT v.*, "
    "        (SELECT min(b.created_at) FROM b WHERE b.practice_id = v.practice_id AND b.client_id = v.client_id "
    "           AND b.created_at > v.performed_at "
    "           AND (cardinality(b.families) = 0 OR v.family = ANY(b.families))) AS next_booking, "
    "        EXISTS (SELECT 1 FROM b WHERE b.practice_id = v.practice_id AND b.client_id = v.client_id "
    "           AND b.by_reminder AND (cardinality(b.families) = 0 OR v.family = ANY(b.families)) "
    "           AND (b.starts_at AT TIME ZONE v.z)::date = (v.performed_at AT TIME ZONE v.z)::date) AS by_reminder "
    "      FROM v) "
    "UPDATE retention_visits r SET is_return = x.prev_visit IS NOT NULL, "
    "  returned_on = (x.next_visit AT TIME ZONE x.z)::date, "
    "  rebooked_on = (least(x.next_visit, x.next_booking) AT TIME ZONE x.z)::date, "
    "  reminder_booked = x.by_reminder "
    "FROM x WHERE r.practice_id = x.practice_id AND r.treatment_id = x.treatment_id AND r.family = x.family "
    "  AND (r.is_return, r.returned_on, r.rebooked_on, r.reminder_booked) IS DISTINCT FROM "
    "      (x.prev_visit IS NOT NULL, (x.next_visit AT TIME ZONE x.z)::date, "
    "       (least(x.next_visit, x.next_booking) AT TIME ZONE x.z)::date, x.by_reminder)"};
