/* imports_sql.c: the SQL statements of service/jobs/imports.c. */
#include "imports_sql.h"

const db_stmt IMP_CREATE = {"imp_create", "INSERT INTO imports (practice_id) VALUES ($1) RETURNING id"};
const db_stmt IMP_QUEUE = {"imp_queue",
                           "UPDATE imports i SET state = 'queued', rows_received = $3, header = $4::text[] "
                           "WHERE practice_id = $1 AND id = $2 RETURNING import_json(i)"};
const db_stmt IMP_DISCARD = {"imp_discard", "DELETE FROM imports WHERE practice_id = $1 AND id = $2"};
const db_stmt IMP_GET = {"imp_get", "SELECT import_json(i) FROM imports i WHERE practice_id = $1 AND id = $2"};
const db_stmt IMP_CANCEL = {
    "imp_cancel",
    "WITH c AS (UPDATE imports SET state = 'cancelled', finished_at = clock_timestamp(), lease_until = NULL "
    "    WHERE practice_id = $1 AND id = $2 AND state IN ('receiving', 'queued', 'running') RETURNING *), "
    "  gone AS (DELETE FROM import_rows WHERE import_id IN (SELECT id FROM c)) "
    "SELECT (SELECT import_json(c) FROM c), (SELECT import_json(i) FROM imports i "
    "  WHERE practice_id = $1 AND id = $2)"};
const db_stmt IMP_CLAIM = {
    "imp_claim",
    "UPDATE imports i SET state = 'running', started_at = coalesce(started_at, clock_timestamp()), "
    "  lease_until = now() + $1 * interval '1 second' "
    "FROM (SELECT practice_id, id FROM imports WHERE state = 'queued' OR (state = 'running' AND lease_until < now()) "
    "      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) n "
    "WHERE i.practice_id = n.practice_id AND i.id = n.id "
    "RETURNING i.practice_id, i.id, i.header::text, i.last_line, i.refused"};
const db_stmt IMP_ROWS = {
    "imp_rows", "SELECT line, record, problem_column, problem FROM import_rows WHERE import_id = $1 AND line > $2 "
                "ORDER BY line LIMIT $3"};
const db_stmt IMP_REFUSE = {
    "imp_refuse",
    "INSERT INTO import_refusals (import_id, line, field, reason) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"};
/* A batch's counts; returns the state, so a cancel stops the work. */
const db_stmt IMP_PROGRESS = {
    "imp_progress",
    "UPDATE imports SET rows_processed = rows_processed + $3, last_line = $4, "
    "  treatments_created = treatments_created + $5, duplicates = duplicates + $6, refused = refused + $7, "
    "  lease_until = CASE WHEN state = 'running' THEN now() + $8 * interval '1 second' END "
    "WHERE practice_id = $1 AND id = $2 RETURNING state"};
const db_stmt IMP_DONE = {
    "imp_done", "WITH d AS (UPDATE imports SET state = 'done', finished_at = clock_timestamp(), lease_until = NULL "
                "    WHERE practice_id = $1 AND id = $2 AND state = 'running' RETURNING id) "
                "DELETE FROM import_rows WHERE import_id IN (SELECT id FROM d)"};
