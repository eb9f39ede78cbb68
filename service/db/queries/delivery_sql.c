/* delivery_sql.c: the SQL statements of service/jobs/delivery.c. */
#include "delivery_sql.h"

/* The step's template on a channel: the injector's own, else the type's, else the default.
 * nurture_N steps share the "nurture" template. */
#define TEMPLATE_FOR(channel, alias)                                                                                   \
  "LEFT JOIN LATERAL (SELECT tp.subject, tp.body FROM templates tp WHERE tp.practice_id = st.practice_id "             \
  "  AND tp.step = CASE WHEN st.step_key LIKE 'nurture\\_%' THEN 'nurture' ELSE st.step_key END "                      \
  "  AND tp.channel = '" channel "' AND tp.treatment_type IN (coalesce(q.type_code, ''), 'default') "                  \
  "  AND (tp.injector_id IS NULL OR tp.injector_id = i.id) "                                                           \
  "  ORDER BY tp.injector_id IS NOT NULL DESC, tp.treatment_type <> 'default' DESC LIMIT 1) " alias " ON true "

/* Everything a decision needs about a step, its client, practice, sequence, treatment and templates:
 * the columns, read by name (step_ctx in delivery.c), and the joins from the step st. has_others: other
 * steps due today of the client, or of the clients who share its phone or email (each found through the
 * open steps of a client, never by scanning the due ones). open_slots: step 1 offers the first open time
 * of the treating injector on each of the next 3 days it has one, within the two weeks after today (the
 * refresh window), skipping the client's away dates; offered_slots are the same times, to record the offer
 * a numbered reply books from. photo_id: the private photo page, only for a client
 * who consented to photos and has the external id. */
#define STEP_COLUMNS                                                                                                   \
  "st.step_key, st.channel, st.incentive, st.promotional, st.sequence_id, st.client_id, "                              \
  "  c.first_name, c.phone, c.email, c.channel_preference, c.consent_sms, c.consent_email, "                           \
  "  c.away_periods::text AS away, z.tz, (now() AT TIME ZONE z.tz)::date::text AS today, "                             \
  "  extract(hour FROM now() AT TIME ZONE z.tz)::int * 60 + extract(minute FROM now() AT TIME ZONE z.tz)::int "        \
  "    AS local_minute, "                                                                                              \
  "  p.name AS practice_name, p.paused, "                                                                              \
  "  extract(hour FROM p.quiet_start)::int * 60 + extract(minute FROM p.quiet_start)::int AS quiet_start, "            \
  "  extract(hour FROM p.quiet_end)::int * 60 + extract(minute FROM p.quiet_end)::int AS quiet_end, "                  \
  "  to_char(p.send_time, 'HH24:MI') AS send_time, p.sms_from, p.email_from, p.booking_url, p.sender_mode, "           \
  "  p.incentive_text, q.kind, q.type_code, "                                                                          \
  "  to_char(t.performed_at AT TIME ZONE z.tz, 'FMMonth FMDD') AS treatment_date, tt.name AS type_name, "              \
  "  tt.typical_duration, i.name AS injector_name, t.injector_id, "                                                    \
  "  EXISTS (SELECT 1 FROM client_flags f WHERE f.practice_id = c.practice_id AND f.client_id = c.id "                 \
  "          AND f.resolved_at IS NULL) AS flagged, "                                                                  \
  "  EXISTS (SELECT 1 FROM suppressions s WHERE s.practice_id = c.practice_id AND s.channel = 'sms' "                  \
  "          AND s.address = c.phone AND s.active) AS sms_suppressed, "                                                \
  "  EXISTS (SELECT 1 FROM suppressions s WHERE s.practice_id = c.practice_id AND s.channel = 'email' "                \
  "          AND s.address = lower(c.email) AND s.active) AS email_suppressed, "                                       \
  "  EXISTS (SELECT 1 FROM sms_notices n WHERE n.practice_id = c.practice_id AND n.phone = c.phone) AS prior_sms, "    \
  "  q.last_channel, tt.nurture::text AS nurture, q.family, st.planned_date::text AS planned_date, st.state, "         \
  "  EXISTS (SELECT 1 FROM steps o WHERE o.practice_id = c.practice_id "                                               \
  "            AND o.client_id = ANY (ARRAY(SELECT c.id UNION SELECT oc.id FROM clients oc "                           \
  "              WHERE oc.practice_id = c.practice_id AND oc.phone = c.phone UNION SELECT oc.id FROM clients oc "      \
  "              WHERE oc.practice_id = c.practice_id AND lower(oc.email) = lower(c.email))) "                         \
  "            AND o.state IN ('planned', 'deferred') AND o.step_key <> 'lapse' AND o.id <> st.id "                    \
  "            AND o.planned_date <= (now() AT TIME ZONE z.tz)::date) AS has_others, "                                 \
  "  tsms.subject AS sms_subject, tsms.body AS sms_body, tmail.subject AS email_subject, tmail.body AS email_body, "   \
  "  to_char(bk.starts_at AT TIME ZONE z.tz, 'FMDay, FMMonth FMDD \"at\" FMHH12:MI AM') AS appointment, "              \
  "  p.address, p.parking_text, p.check_in_text, p.intake_url, st.practice_id, "                                       \
  "  (SELECT string_agg(to_char(o.s AT TIME ZONE p.time_zone, 'Dy Mon FMDD FMHH12:MIam'), ', ' ORDER BY o.s) "         \
  "    FROM unnest(offer.slots) o(s)) AS open_slots, offer.slots::text AS offered_slots, "                             \
  "  p.photo_url, CASE WHEN c.consent_photo AND p.photo_url IS NOT NULL THEN (SELECT e.external_id "                   \
  "      FROM client_external_ids e WHERE e.practice_id = c.practice_id AND e.client_id = c.id "                       \
  "        AND (p.photo_id_system IS NULL OR e.system = p.photo_id_system) ORDER BY e.system, e.external_id LIMIT 1) " \
  "    END AS photo_id, st.id AS step_id "

#define STEP_JOINS                                                                                                     \
  "JOIN clients c ON c.practice_id = st.practice_id AND c.id = st.client_id "                                          \
  "JOIN practices p ON p.id = st.practice_id "                                                                         \
  "JOIN sequences q ON q.practice_id = st.practice_id AND q.id = st.sequence_id "                                      \
  "CROSS JOIN LATERAL (SELECT coalesce(c.time_zone, p.time_zone) AS tz) z "                                            \
  "LEFT JOIN treatments t ON t.practice_id = q.practice_id AND t.id = q.treatment_id "                                 \
  "LEFT JOIN treatment_types tt ON tt.practice_id = q.practice_id AND tt.code = q.type_code "                          \
  "LEFT JOIN bookings bk ON bk.practice_id = q.practice_id AND bk.id = q.booking_id "                                  \
  "LEFT JOIN injectors i ON i.practice_id = st.practice_id AND i.id = coalesce(t.injector_id, bk.injector_id) "        \
  "LEFT JOIN LATERAL (SELECT array_agg(o.s ORDER BY o.s) AS slots FROM ( "                                             \
  "    SELECT DISTINCT ON ((x.starts_at AT TIME ZONE p.time_zone)::date) x.starts_at AS s "                            \
  "    FROM open_slots(p.id, t.injector_id, (now() AT TIME ZONE p.time_zone)::date + 1, "                              \
  "                    (now() AT TIME ZONE p.time_zone)::date + 14, 30, 30, c.id) x "                                  \
  "    WHERE st.step_key = 'refill_1' AND t.injector_id IS NOT NULL "                                                  \
  "    ORDER BY (x.starts_at AT TIME ZONE p.time_zone)::date, x.starts_at LIMIT 3) o) offer ON true " TEMPLATE_FOR(    \
      "sms", "tsms") TEMPLATE_FOR("email", "tmail")

/* One worker at a time takes the steps of one address (a client's phone, else email: family members share
 * one), under a transaction-scoped advisory lock, so the steps one address has due the same day meet in one
 * worker and go out as one message. The address is a scalar subquery of the filter so that the due steps
 * are read in due order through steps_due and the scan stops at the batch: a join with clients lets the
 * planner hash every due step, locking thousands of addresses and sorting the backlog on every claim. */
#define ADDRESS_LOCK                                                                                                   \
  "pg_try_advisory_xact_lock(hashtextextended(st.practice_id::text || '/' || "                                         \
  "  (SELECT coalesce(c.phone, lower(c.email), c.id::text) FROM clients c "                                            \
  "   WHERE c.practice_id = st.practice_id AND c.id = st.client_id), 0)) "

/* The context of a claimed batch ($1, $2: its keys, in claim order), in that order. Apart from the claim
 * so that each keeps the plan that suits it: the claim is planned for its LIMIT at every call, cheaply;
 * this statement, long to plan, keeps one plan for any batch. */
const db_stmt DL_BATCH_CONTEXT = {
    "dl_batch_context",
    "SELECT " STEP_COLUMNS "FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(practice_id, id, n) "
    "JOIN steps st ON st.practice_id = k.practice_id AND st.id = k.id " STEP_JOINS "ORDER BY k.n"};
/* Due steps, a batch at a time, in due order: their keys. */
const db_stmt DL_CLAIM_STEPS = {"dl_claim_steps",
                                "SELECT st.practice_id, st.id AS step_id FROM steps st "
                                "WHERE st.state IN ('planned', 'deferred') AND st.due_at <= now() AND " ADDRESS_LOCK
                                "ORDER BY st.due_at LIMIT $1 FOR UPDATE OF st SKIP LOCKED"};
/* One step's context (the careful pass, and a step merged into another's message). */
const db_stmt DL_STEP_CONTEXT = {"dl_step_context", "SELECT " STEP_COLUMNS "FROM steps st " STEP_JOINS
                                                    "WHERE st.practice_id = $1 AND st.id = $2"};
const db_stmt DL_SET_STATE = {"dl_set_state",
                              "UPDATE steps SET state = $3, reason = $4, due_at = coalesce($5::timestamptz, due_at), "
                              "  updated_at = clock_timestamp() WHERE practice_id = $1 AND id = $2"};
const db_stmt DL_DEFER_TO_DAY = {
    "dl_defer_to_day",
    "UPDATE steps SET state = 'deferred', reason = $3, due_at = local_instant($4::date, $5::time, $6), "
    "  updated_at = clock_timestamp() WHERE practice_id = $1 AND id = $2"};
const db_stmt DL_DEFER_FOR = {
    "dl_defer_for",
    "UPDATE steps SET state = 'deferred', reason = $3, "
    "  due_at = date_trunc('minute', now()) + $4::int * interval '1 second', updated_at = clock_timestamp() "
    "WHERE practice_id = $1 AND id = $2"};
/* Other steps due the same local day that can share the message to this address ($8): the client's,
 * and those of the clients who share the address (a family's one phone) and could receive them on this
 * channel: with consent, no open flag for a promotional step, not away today, and preferring it or
 * bound to it. The client's own steps first. */
const db_stmt DL_MERGEABLE = {
    "dl_mergeable",
    "SELECT st.id FROM steps st JOIN clients c ON c.practice_id = st.practice_id AND c.id = st.client_id "
    "WHERE st.practice_id = $1 AND st.id <> $3 AND st.state IN ('planned', 'deferred') AND st.step_key <> 'lapse' "
    "  AND st.planned_date <= $4::date "
    "  AND ((st.client_id = $2 AND (st.channel = $5 OR st.channel IN ('preferred', 'alternate')) "
    "        AND (NOT st.promotional OR NOT $6)) "
    "    OR (st.client_id <> $2 AND CASE $5 WHEN 'sms' THEN c.phone = $8 AND c.consent_sms "
    "                                     ELSE lower(c.email) = lower($8) AND c.consent_email END "
    "        AND (st.channel = $5 OR (st.channel IN ('preferred', 'alternate') "
    "                                 AND c.channel_preference IN ($5, 'any'))) "
    "        AND NOT (st.promotional AND EXISTS (SELECT 1 FROM client_flags f WHERE f.practice_id = c.practice_id "
    "                 AND f.client_id = c.id AND f.resolved_at IS NULL)) "
    "        AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(c.away_periods) a "
    "                 WHERE $4::date BETWEEN (a->>'from')::date AND (a->>'to')::date))) "
    "ORDER BY st.client_id <> $2, st.client_id, st.step_no LIMIT $7 FOR UPDATE OF st SKIP LOCKED"};
/* The message, its steps queued on it, and the channel its sequences used last, in one statement. */
/* The message, claimed by the worker that made it (under a lease of $10 seconds: it sends it once the
 * plan commits), its steps queued on it, and the channel its sequences used last, in one statement. */
const db_stmt DL_QUEUE_MESSAGE = {
    "dl_queue_message",
    "WITH m AS (INSERT INTO messages(practice_id, client_id, channel, provider, to_address, from_address, subject, "
    "    body, state, lease_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'claimed', "
    "    now() + $10 * interval '1 second') RETURNING id), "
    "  s AS (UPDATE steps SET state = 'queued', message_id = (SELECT id FROM m), updated_at = clock_timestamp(), "
    "    reason = CASE WHEN id = ($9::uuid[])[1] THEN NULL ELSE 'sent together with another step due the same day' END "
    "    WHERE practice_id = $1 AND id = ANY($9::uuid[]) RETURNING sequence_id), "
    "  q AS (UPDATE sequences SET last_channel = $3 WHERE practice_id = $1 AND id IN (SELECT sequence_id FROM s) "
    "    AND last_channel IS DISTINCT FROM $3) "
    "SELECT id FROM m"};
/* A plan's messages in one statement ($1-$10, one element per message; ids chosen by the worker), their
 * steps queued on them ($11-$13, one element per step: the step, its message, whether it is the step the
 * message is for), and the channel their sequences used last. Claimed or sending under a lease of $14 s. */
const db_stmt DL_QUEUE_BATCH = {
    "dl_queue_batch",
    "WITH a AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], "
    "      $7::text[], $8::text[], $9::text[], $10::text[]) "
    "    AS a(practice_id, id, client_id, channel, provider, to_address, from_address, subject, body, state)), "
    "  m AS (INSERT INTO messages (practice_id, id, client_id, channel, provider, to_address, from_address, subject, "
    "      body, state, attempts, lease_until) "
    "    SELECT practice_id, id, client_id, channel, provider, to_address, from_address, subject, body, state, "
    "      CASE WHEN state = 'sending' THEN 1 ELSE 0 END, now() + $14 * interval '1 second' FROM a), "
    "  k AS (SELECT * FROM unnest($11::uuid[], $12::uuid[], $13::boolean[]) AS k(step_id, message_id, first)), "
    "  s AS (UPDATE steps st SET state = 'queued', message_id = k.message_id, updated_at = clock_timestamp(), "
    "      reason = CASE WHEN k.first THEN NULL ELSE 'sent together with another step due the same day' END "
    "    FROM k JOIN a ON a.id = k.message_id WHERE st.practice_id = a.practice_id AND st.id = k.step_id "
    "    RETURNING st.practice_id, st.sequence_id, a.channel) "
    "UPDATE sequences q SET last_channel = s.channel FROM s "
    "WHERE q.practice_id = s.practice_id AND q.id = s.sequence_id AND q.last_channel IS DISTINCT FROM s.channel"};
const db_stmt DL_LAPSE_CLIENT = {
    "dl_lapse_client",
    "UPDATE clients SET lapsed_at = coalesce(lapsed_at, now()), last_lapsed_at = coalesce(lapsed_at, now()) "
    "WHERE practice_id = $1 AND id = $2"};
const db_stmt DL_NURTURE_SEQUENCE = {
    "dl_nurture_sequence",
    "INSERT INTO sequences(practice_id, client_id, kind, family, type_code, treatment_id) "
    "SELECT q.practice_id, q.client_id, 'nurture', q.family, q.type_code, q.treatment_id FROM sequences q "
    "WHERE q.practice_id = $1 AND q.id = $2 "
    "ON CONFLICT (practice_id, client_id, kind, family) WHERE state = 'active' AND kind IN ('refill', 'aftercare', 'nurture') "
    "DO NOTHING RETURNING id"};
const db_stmt DL_NURTURE_STEP = {
    "dl_nurture_step",
    "INSERT INTO steps(practice_id, sequence_id, client_id, step_no, step_key, channel, promotional, "
    "  planned_date, due_at, state, reason) "
    "VALUES ($1, $2, $3, $4::int, 'nurture_' || $4::text, $5, true, $6::date, local_instant($6::date, $7::time, $8), "
    "  CASE WHEN $9 THEN 'paused' ELSE 'planned' END, CASE WHEN $9 THEN 'the client has an open flag' END)"};
/* The messages a plan made and claimed, as DL_CLAIM_MESSAGES returns them. */
#define CLAIMED_COLUMNS                                                                                                \
  "m.practice_id, m.id, m.channel, m.to_address, m.from_address, m.subject, m.body, m.attempts, "                      \
  "  CASE WHEN m.report_id IS NULL THEN (SELECT name FROM practices WHERE id = m.practice_id) ELSE 'Cadence' END, "    \
  "  m.report_id IS NOT NULL"
const db_stmt DL_CLAIMED = {"dl_claimed", "SELECT " CLAIMED_COLUMNS " FROM messages m "
                                          "WHERE m.practice_id = ANY($1::uuid[]) AND m.id = ANY($2::uuid[]) "
                                          "  AND m.state IN ('claimed', 'sending') "
                                          "ORDER BY m.state = 'sending' DESC, m.created_at"};
const db_stmt DL_CLAIM_MESSAGES = {
    "dl_claim_messages",
    "UPDATE messages m SET state = 'claimed', lease_until = now() + $2 * interval '1 second' "
    "FROM (SELECT practice_id, id FROM messages WHERE state IN ('queued', 'failed') AND next_attempt_at <= now() "
    "      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) d "
    "WHERE m.practice_id = d.practice_id AND m.id = d.id "
    "RETURNING " CLAIMED_COLUMNS};
/* 'sending', committed before the provider calls of a window: the messages still claimed by us. */
const db_stmt DL_MARK_SENDING = {
    "dl_mark_sending", "UPDATE messages m SET state = 'sending', attempts = m.attempts + 1, "
                       "  provider = CASE m.channel WHEN 'sms' THEN $3 ELSE $4 END, "
                       "  lease_until = now() + $5 * interval '1 second', updated_at = clock_timestamp() "
                       "WHERE m.practice_id = ANY($1::uuid[]) AND m.id = ANY($2::uuid[]) AND m.state = 'claimed' "
                       "RETURNING m.id, m.attempts"};
/* Records a window's outcomes (one array element per message, joined on the primary key); the first SMS
 * that may have reached a number marks the number as told how to opt out. */
const db_stmt DL_RECORD = {
    "dl_record",
    "WITH m AS (UPDATE messages m SET state = r.state, provider_id = coalesce(r.provider_id, m.provider_id), "
    "    last_error = r.last_error, next_attempt_at = CASE WHEN r.state = 'failed' "
    "      THEN now() + r.delay_ms * interval '1 millisecond' ELSE m.next_attempt_at END, "
    "    sent_at = CASE WHEN r.state = 'sent' THEN clock_timestamp() ELSE m.sent_at END, lease_until = NULL, "
    "    updated_at = clock_timestamp() "
    "    FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[]) "
    "      AS r(practice_id, id, state, provider_id, last_error, delay_ms) "
    "    WHERE m.practice_id = r.practice_id AND m.id = r.id "
    "    RETURNING m.practice_id, m.to_address, m.channel, m.state) "
    "INSERT INTO sms_notices (practice_id, phone) "
    "SELECT DISTINCT m.practice_id, m.to_address FROM m WHERE m.channel = 'sms' AND m.state IN ('sent', 'unknown') "
    "ON CONFLICT DO NOTHING"};
const db_stmt DL_RELEASE = {
    "dl_release",
    "UPDATE messages SET state = 'queued', lease_until = NULL WHERE practice_id = $1 AND id = $2 AND state = 'claimed'"};
const db_stmt DL_RECOVER = {
    "dl_recover",
    "WITH released AS (UPDATE messages SET state = 'queued', lease_until = NULL "
    "    WHERE state = 'claimed' AND lease_until < now() RETURNING 1), "
    "  lost AS (UPDATE messages SET state = 'unknown', lease_until = NULL, updated_at = clock_timestamp(), "
    "    last_error = 'the worker stopped during the provider call; the outcome is unknown, so it is not resent' "
    "    WHERE state = 'sending' AND lease_until < now() RETURNING 1) "
    "SELECT (SELECT count(*) FROM released), (SELECT count(*) FROM lost)"};
const db_stmt DL_NEXT_DUE = {
    "dl_next_due", "SELECT extract(epoch FROM least("
                   "  (SELECT min(due_at) FROM steps WHERE state IN ('planned', 'deferred')), "
                   "  (SELECT min(next_attempt_at) FROM messages WHERE state IN ('queued', 'failed')), "
                   "  (SELECT min(lease_until) FROM messages WHERE state IN ('claimed', 'sending'))) - now())"};
/* The slots step $2's message offered ($6, numbered in order), kept so that a reply "2" books the second. */
const db_stmt DL_OFFER = {
    "dl_offer", "INSERT INTO slot_offers (practice_id, client_id, step_id, injector_id, type_code, slots, expires_at) "
                "VALUES ($1, $3, $2, $4, $5, $6::timestamptz[], now() + $7::int * interval '1 second')"};
