/* plans_sql.c: the SQL statements of service/domain/plans.c. */
#include "plans_sql.h"

/* The visit's families ($3) that have open cycles, and whether a later treatment started the refill
 * cycle (a visit recorded late must not cut that cycle short). A family with none has nothing to end. */
const db_stmt PLANS_OPEN_CYCLES = {
    "plans_open_cycles",
    "SELECT s.family, bool_or(s.kind = 'refill' AND t.performed_at > $4::timestamptz) "
    "FROM sequences s LEFT JOIN treatments t ON t.practice_id = s.practice_id AND t.id = s.treatment_id "
    "WHERE s.practice_id = $1 AND s.client_id = $2 AND s.family = ANY($3::text[]) AND s.state = 'active' "
    "  AND s.kind IN ('refill', 'aftercare', 'nurture') GROUP BY s.family"};
/* The families' open cycles end: their pending steps first, then the sequences (steps are locked
 * before their sequences everywhere; the dispatcher holds a claimed step when it updates its sequence).
 * client_id keys the steps: with only the practice, a generic plan scans every open step of it. */
const db_stmt PLANS_SUPERSEDE_STEPS = {
    "plans_supersede_steps",
    "UPDATE steps SET state = 'cancelled', reason = 'superseded by a newer treatment of the family', "
    "  updated_at = clock_timestamp() "
    "WHERE practice_id = $1 AND client_id = $2 AND state IN ('planned', 'paused', 'deferred') AND sequence_id IN ( "
    "  SELECT id FROM sequences WHERE practice_id = $1 AND client_id = $2 AND family = ANY($3::text[]) "
    "    AND state = 'active' AND kind IN ('refill', 'aftercare', 'nurture'))"};
const db_stmt PLANS_SUPERSEDE = {
    "plans_supersede", "UPDATE sequences SET state = 'ended', end_reason = 'superseded', ended_at = clock_timestamp() "
                       "WHERE practice_id = $1 AND client_id = $2 AND family = ANY($3::text[]) AND state = 'active' "
                       "  AND kind IN ('refill', 'aftercare', 'nurture')"};
/* The visit's new sequences, their ids chosen by the caller, in one statement. */
const db_stmt PLANS_NEW_SEQUENCES = {
    "plans_new_sequences",
    "INSERT INTO sequences(practice_id, id, client_id, kind, family, type_code, treatment_id) "
    "SELECT $1, s.id, $2, s.kind, s.family, s.type_code, $3 "
    "FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY s(id, kind, family, type_code, o) "
    "ORDER BY s.o"};
/* The visit's steps, in one statement; due at the send time ($4) of their date in the zone ($3). */
const db_stmt PLANS_NEW_STEPS = {
    "plans_new_steps",
    "INSERT INTO steps(practice_id, sequence_id, client_id, step_no, step_key, channel, incentive, promotional, "
    "  planned_date, due_at, state, reason) "
    "SELECT $1, s.seq, $2, s.no, s.key, s.channel, s.incentive, s.promotional, s.d, local_instant(s.d, $4::time, $3), "
    "  s.state, s.reason "
    "FROM unnest($5::uuid[], $6::int[], $7::text[], $8::text[], $9::boolean[], $10::boolean[], $11::date[], "
    "  $12::text[], $13::text[]) WITH ORDINALITY s(seq, no, key, channel, incentive, promotional, d, state, reason, o) "
    "ORDER BY s.o"};
const db_stmt PLANS_PAUSE = {
    "plans_pause", "UPDATE steps SET state = 'paused', reason = $3, updated_at = clock_timestamp() "
                   "WHERE practice_id = $1 AND client_id = $2 AND promotional AND state IN ('planned', 'deferred')"};
const db_stmt PLANS_RESUME = {
    "plans_resume",
    "WITH ctx AS ( "
    "  SELECT coalesce(c.time_zone, p.time_zone) AS tz, p.send_time FROM clients c "
    "  JOIN practices p ON p.id = c.practice_id WHERE c.practice_id = $1 AND c.id = $2), "
    "first_send AS ( " /* the next send time from now, in the client's zone */
    "  SELECT CASE WHEN now() < local_instant((now() AT TIME ZONE tz)::date, send_time, tz) "
    "    THEN (now() AT TIME ZONE tz)::date ELSE (now() AT TIME ZONE tz)::date + 1 END AS d FROM ctx), "
    "shift AS ( "
    "  SELECT sequence_id, CASE WHEN min(due_at) < now() THEN greatest(0, (SELECT d FROM first_send) - min(planned_date)) "
    "    ELSE 0 END AS days "
    "  FROM steps WHERE practice_id = $1 AND client_id = $2 AND state = 'paused' GROUP BY sequence_id) "
    "UPDATE steps st SET state = 'planned', reason = CASE WHEN sh.days = 1 THEN "
    "    'moved 1 day later: the sequence was paused by a flag' WHEN sh.days > 1 THEN "
    "    'moved ' || sh.days || ' days later: the sequence was paused by a flag' END, "
    "  planned_date = st.planned_date + sh.days, "
    "  due_at = local_instant(st.planned_date + sh.days, ctx.send_time, ctx.tz), updated_at = clock_timestamp() "
    "FROM shift sh, ctx WHERE st.practice_id = $1 AND st.client_id = $2 AND st.state = 'paused' "
    "  AND st.sequence_id = sh.sequence_id"};
const db_stmt PLANS_NOTIFY_DUE = {
    "plans_notify_due", "SELECT pg_notify('cadence_due', '') WHERE EXISTS (SELECT 1 FROM steps WHERE practice_id = $1 "
                        "  AND client_id = $2 AND state = 'planned' AND due_at <= now())"};
const db_stmt PLANS_CLIENT_EXISTS = {"plans_client_exists", "SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2"};
const db_stmt PLANS_VIEW = {
    "plans_view",
    "SELECT coalesce(jsonb_agg(jsonb_build_object( "
    "  'id', s.id, 'kind', s.kind, 'family', s.family, 'treatment_type', s.type_code, "
    "  'treatment_id', s.treatment_id, 'state', s.state, 'end_reason', s.end_reason, "
    "  'started_at', s.started_at, 'ended_at', s.ended_at, "
    "  'steps', (SELECT coalesce(jsonb_agg(jsonb_build_object( "
    "      'id', st.id, 'step', st.step_key, 'step_no', st.step_no, 'channel', st.channel, "
    "      'incentive', st.incentive, 'promotional', st.promotional, 'planned_date', st.planned_date, "
    "      'due_at', st.due_at, 'reason', st.reason, 'message_id', st.message_id, "
    "      'state', CASE WHEN st.state = 'queued' THEN coalesce((SELECT m.state FROM messages m "
    "        WHERE m.practice_id = st.practice_id AND m.id = st.message_id), 'queued') ELSE st.state END) "
    "    ORDER BY st.step_no), '[]') "
    "    FROM steps st WHERE st.practice_id = s.practice_id AND st.sequence_id = s.id)) "
    "  ORDER BY s.started_at DESC, s.kind), '[]') "
    "FROM sequences s WHERE s.practice_id = $1 AND s.client_id = $2"};
