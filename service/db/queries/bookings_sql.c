/* bookings_sql.c: the SQL statements of service/domain/bookings.c. */
#include "bookings_sql.h"

const db_stmt BK_LOCK_CLIENT = {"bk_lock_client",
                                "SELECT 1 FROM clients WHERE practice_id = $1 AND id = $2 FOR UPDATE"};
const db_stmt BK_INJECTOR = {"bk_injector", "SELECT 1 FROM injectors WHERE practice_id = $1 AND id = $2"};
/* A service names a type (code or alias) or a family, however it is spelt. A code is taken as it is
 * (service_named is planned anew at each call); OFFSET 0 keeps the name resolved once, not once for
 * every type of the practice. */
const db_stmt BK_FAMILY_OF = {
    "bk_family_of",
    "SELECT coalesce((SELECT family FROM treatment_types WHERE practice_id = $1 AND code = s.named), s.named) "
    "FROM (SELECT coalesce((SELECT e.code FROM treatment_types e WHERE e.practice_id = $1 AND e.code = $2), "
    "  service_named($1, $2)) AS named OFFSET 0) s WHERE s.named IS NOT NULL"};
/* The reminder that brought the booking: the latest refill or nurture step sent in the 7 days before
 * (a confirmation or aftercare message brings no booking). */
const db_stmt BK_CAUSE = {
    "bk_cause",
    "SELECT st.id FROM steps st JOIN messages m ON m.practice_id = st.practice_id AND m.id = st.message_id "
    "WHERE st.practice_id = $1 AND st.client_id = $2 AND st.promotional AND m.state = 'sent' "
    "  AND m.sent_at BETWEEN now() - interval '7 days' AND now() ORDER BY m.sent_at DESC, st.step_no LIMIT 1"};
const db_stmt BK_INSERT = {
    "bk_insert",
    "INSERT INTO bookings AS b (practice_id, client_id, injector_id, starts_at, duration_minutes, families, source, "
    "  external_id, caused_by_step) VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9) "
    "RETURNING id, booking_json(b)"};
/* Ends the pending refill and nurture steps of the booked families. Steps are locked before their
 * sequences everywhere (the dispatcher holds a claimed step when it updates its sequence), so the two
 * never wait for each other: steps here, then BK_END_NURTURE. */
const db_stmt BK_END_STEPS = {
    "bk_end_steps",
    "UPDATE steps SET state = 'cancelled', reason = 'booked', booking_id = $3, updated_at = clock_timestamp() "
    "WHERE practice_id = $1 AND state IN ('planned', 'paused', 'deferred') AND sequence_id IN ( "
    "  SELECT id FROM sequences WHERE practice_id = $1 AND client_id = $2 AND state = 'active' "
    "    AND kind IN ('refill', 'nurture') AND (cardinality($4::text[]) = 0 OR family = ANY($4::text[])))"};
/* The nurture of the booked families ends; the client is active again. */
const db_stmt BK_END_NURTURE = {
    "bk_end_nurture",
    "WITH nurture AS (UPDATE sequences SET state = 'ended', end_reason = 'booked', ended_at = clock_timestamp() "
    "    WHERE practice_id = $1 AND client_id = $2 AND state = 'active' AND kind = 'nurture' "
    "      AND (cardinality($3::text[]) = 0 OR family = ANY($3::text[])) RETURNING 1) "
    "UPDATE clients SET lapsed_at = NULL WHERE practice_id = $1 AND id = $2"};
/* The confirmation sequence of booking $3 starting at $4: at once, 48 and 24 hours before, and the
 * morning of (the quiet hours' start, local); steps already past, or not before the visit, are left out.
 * A visit in the past (a PMS recording history) gets none. */
const db_stmt BK_CONFIRMATIONS = {
    "bk_confirmations",
    "WITH ctx AS (SELECT coalesce(c.time_zone, p.time_zone) AS tz, p.quiet_start FROM clients c "
    "    JOIN practices p ON p.id = c.practice_id WHERE c.practice_id = $1 AND c.id = $2), "
    "  plan AS (SELECT v.no, v.key, v.due FROM ctx CROSS JOIN LATERAL (VALUES "
    "      (1, 'confirmation_booked', now()), "
    "      (2, 'confirmation_48h', $4::timestamptz - interval '48 hours'), "
    "      (3, 'confirmation_24h', $4::timestamptz - interval '24 hours'), "
    "      (4, 'confirmation_morning', local_instant(($4::timestamptz AT TIME ZONE ctx.tz)::date, ctx.quiet_start, "
    "          ctx.tz))) AS v(no, key, due) "
    "    WHERE $4::timestamptz > now() AND (v.no = 1 OR (v.due > now() AND v.due < $4::timestamptz))), "
    "  seq AS (INSERT INTO sequences(practice_id, client_id, kind, booking_id) "
    "    SELECT $1, $2, 'confirmation', $3 WHERE $4::timestamptz > now() RETURNING id), "
    "  steps_in AS (INSERT INTO steps(practice_id, sequence_id, client_id, step_no, step_key, channel, promotional, "
    "      planned_date, due_at) "
    "    SELECT $1, seq.id, $2, plan.no, plan.key, 'preferred', false, (plan.due AT TIME ZONE ctx.tz)::date, plan.due "
    "    FROM plan, seq, ctx RETURNING 1) "
    "SELECT pg_notify('cadence_due', '') FROM seq"};
/* Ends the pending confirmation steps of booking $2 (on a cancel or before re-planning a reschedule):
 * the steps first, then their sequences (the order every writer keeps). */
const db_stmt BK_END_CONFIRMATION_STEPS = {
    "bk_end_confirmation_steps",
    "UPDATE steps SET state = 'cancelled', reason = 'booking ' || $3, updated_at = clock_timestamp() "
    "WHERE practice_id = $1 AND state IN ('planned', 'deferred', 'paused') AND sequence_id IN ( "
    "  SELECT id FROM sequences WHERE practice_id = $1 AND booking_id = $2 AND state = 'active')"};
const db_stmt BK_END_CONFIRMATIONS = {
    "bk_end_confirmations", "UPDATE sequences SET state = 'ended', end_reason = $3, ended_at = clock_timestamp() "
                            "WHERE practice_id = $1 AND booking_id = $2 AND state = 'active'"};
const db_stmt BK_PATCH = {
    "bk_patch",
    "UPDATE bookings b SET state = coalesce(j->>'state', b.state), "
    "  starts_at = coalesce((j->>'starts_at')::timestamptz, b.starts_at), "
    "  cancel_reason = coalesce(j->>'cancel_reason', b.cancel_reason), updated_at = clock_timestamp() "
    "FROM (SELECT $3::jsonb AS j) s WHERE b.practice_id = $1 AND b.id = $2 "
    "RETURNING b.client_id, b.state, booking_json(b), b.starts_at::text, b.injector_id, b.duration_minutes"};
/* After a cancel with no other future booking: steps the booking ended that are still ahead are planned again. */
const db_stmt BK_REOPEN = {
    "bk_reopen",
    "UPDATE steps SET state = 'planned', reason = NULL, booking_id = NULL, updated_at = clock_timestamp() "
    "WHERE practice_id = $1 AND booking_id = $2 AND state = 'cancelled' AND due_at > now() "
    "  AND NOT EXISTS (SELECT 1 FROM bookings o WHERE o.practice_id = $1 AND o.client_id = $3 AND o.id <> $2 "
    "                  AND o.state = 'booked' AND o.starts_at > now())"};
const db_stmt BK_ROW = {"bk_row",
                        "SELECT coalesce(injector_id::text, ''), duration_minutes, starts_at::text FROM bookings "
                        "WHERE practice_id = $1 AND id = $2 FOR UPDATE"};
const db_stmt BK_WITHIN_HOURS = {"bk_within_hours",
                                 "SELECT 1 FROM bookings WHERE practice_id = $1 AND id = $2 "
                                 "  AND within_hours(practice_id, injector_id, starts_at, duration_minutes)"};
/* The booked visit that holds the injector during [$3, $3 + $4 minutes + buffer), other than booking $5. */
const db_stmt BK_CLASH = {
    "bk_clash",
    "SELECT b.id FROM bookings b WHERE b.practice_id = $1 AND b.injector_id = $2 AND b.state = 'booked' "
    "  AND b.id IS DISTINCT FROM $5::uuid AND b.blocked && tstzrange($3::timestamptz, $3::timestamptz + "
    "    make_interval(mins => $4::int + (SELECT buffer_minutes FROM injectors WHERE practice_id = $1 AND id = $2))) "
    "ORDER BY b.starts_at LIMIT 1"};
const db_stmt BK_CURSOR_OK = {"bk_cursor_ok",
                              "SELECT 1 FROM bookings WHERE practice_id = $1 AND id = $2 "
                              "  AND starts_at = 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'"};
const db_stmt BK_LIST = {
    "bk_list",
    "SELECT booking_json(b), (extract(epoch FROM b.starts_at) * 1000000)::bigint || '.' || b.id FROM bookings b "
    "WHERE b.practice_id = $1 AND ($2::uuid IS NULL OR b.client_id = $2) AND ($3::text IS NULL OR b.state = $3) "
    "  AND ($4::bigint IS NULL OR (b.starts_at, b.id) > "
    "       ('epoch'::timestamptz + $4::bigint * interval '1 microsecond', $5::uuid)) "
    "ORDER BY b.starts_at, b.id LIMIT $6"};
